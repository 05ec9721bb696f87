//! Tests of the downsampling algorithms and [`view`](super::view()).

#![allow(
    clippy::suboptimal_flops,
    reason = "the reference LTTB uses the textbook expression, and test data need no fma"
)]

use super::*;
use proptest::prelude::*;

const METHODS: [Method; 4] = [
    Method::Lttb,
    Method::MinMax,
    Method::MinMaxLttb { minmax_ratio: 4 },
    Method::MinMaxLttb { minmax_ratio: 1 },
];

/// LTTB written straight from the thesis's pseudo-code, with the same
/// integer bucket bounds, and no NaN handling.
fn naive_lttb(x: &[f64], y: &[f64], n_out: usize) -> Vec<usize> {
    let n = x.len();
    if n <= n_out {
        return (0..n).collect();
    }
    let bucket_start = |k: usize| 1 + k * (n - 2) / (n_out - 2);
    let mut kept = vec![0];
    for k in 0..n_out - 2 {
        let a = *kept.last().unwrap();
        let (next_start, next_end) = (bucket_start(k + 1), bucket_start(k + 2).min(n));
        let mut avg_x = 0.0;
        let mut avg_y = 0.0;
        for j in next_start..next_end {
            avg_x += x[j];
            avg_y += y[j];
        }
        let count = (next_end - next_start) as f64;
        avg_x /= count;
        avg_y /= count;
        let mut max_area = -1.0;
        let mut chosen = 0;
        for j in bucket_start(k)..bucket_start(k + 1) {
            let area =
                ((x[a] - avg_x) * (y[j] - y[a]) - (x[a] - x[j]) * (avg_y - y[a])).abs() * 0.5;
            if area > max_area {
                max_area = area;
                chosen = j;
            }
        }
        kept.push(chosen);
    }
    kept.push(n - 1);
    kept
}

/// Ascending x with random steps, some of them zero (repeated x).
fn arb_x(len: std::ops::Range<usize>) -> impl Strategy<Value = Vec<f64>> {
    proptest::collection::vec(prop_oneof![1 => Just(0.0), 5 => 0.0..10.0_f64], len).prop_map(
        |steps| {
            let mut t = -50.0;
            steps
                .into_iter()
                .map(|s| {
                    t += s;
                    t
                })
                .collect()
        },
    )
}

/// A random series of `n` finite values, with NaN where `nan` says.
fn arb_series(max_len: usize, nan_weight: u32) -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    arb_x(0..max_len).prop_flat_map(move |x| {
        let y = prop_oneof![nan_weight => Just(f64::NAN), 10 => -1e3..1e3_f64];
        let n = x.len();
        (Just(x), proptest::collection::vec(y, n))
    })
}

fn check_contract(kept: &[usize], n: usize, n_out: usize) -> Result<(), TestCaseError> {
    prop_assert!(
        kept.windows(2).all(|w| w[0] < w[1]),
        "not ascending: {kept:?}"
    );
    prop_assert!(kept.iter().all(|&i| i < n));
    if n <= n_out {
        prop_assert_eq!(kept.len(), n);
    } else {
        prop_assert!(kept.len() <= n_out.max(1).min(n));
        if n_out >= 2 {
            prop_assert_eq!(kept.first(), Some(&0));
            prop_assert_eq!(kept.last(), Some(&(n - 1)));
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn contract_holds((x, y) in arb_series(300, 2), n_out in 0_usize..70) {
        for method in METHODS {
            check_contract(&method.indices(&x, &y, n_out), x.len(), n_out)?;
            let y32: Vec<f32> = y.iter().map(|&v| v as f32).collect();
            check_contract(&method.indices(&x, &y32, n_out), x.len(), n_out)?;
        }
    }

    #[test]
    fn lttb_matches_naive((x, y) in arb_series(400, 0), n_out in 3_usize..60) {
        prop_assert_eq!(lttb(&x, &y, n_out), naive_lttb(&x, &y, n_out));
    }

    #[test]
    fn min_max_keeps_every_bin_extreme((x, y) in arb_series(400, 1), n_out in 4_usize..60) {
        prop_assume!(x.len() > n_out && x[x.len() - 1] > x[0]);
        let kept = min_max(&x, &y, n_out);
        let bins = (n_out - 2) / 2;
        let width = (x[x.len() - 1] - x[0]) / bins as f64;
        // Assign each point to its bin one at a time.
        let bin_of = |xi: f64| (0..bins).rev().find(|&k| xi >= x[0] + k as f64 * width).unwrap();
        for k in 0..bins {
            let members: Vec<usize> = (0..x.len()).filter(|&i| bin_of(x[i]) == k).collect();
            let nans = members.iter().filter(|&&i| y[i].is_nan()).count();
            if members.is_empty() {
                continue;
            }
            if nans * 2 >= members.len() {
                prop_assert!(kept.contains(&members[0]) || members.iter().any(|&i| {
                    y[i].is_nan() && kept.contains(&i)
                }), "bin {k} lost its gap");
                continue;
            }
            let finite = members.iter().map(|&i| y[i]).filter(|v| !v.is_nan());
            let lo = finite.clone().fold(f64::INFINITY, f64::min);
            let hi = finite.fold(f64::NEG_INFINITY, f64::max);
            let kept_values: Vec<f64> = members.iter().filter(|i| kept.contains(i)).map(|&i| y[i]).collect();
            prop_assert!(kept_values.contains(&lo), "bin {k} lost its min");
            prop_assert!(kept_values.contains(&hi), "bin {k} lost its max");
        }
    }

    #[test]
    fn wide_gaps_survive(
        n in 2_000_usize..12_000,
        n_out in 40_usize..200,
        at in 0.1_f64..0.6,
        seed in any::<u64>(),
    ) {
        let x: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let mut rng = Rng(seed | 1);
        let mut y: Vec<f64> = (0..n).map(|_| rng.next()).collect();
        let gap = (n as f64 * at) as usize..(n as f64 * (at + 0.25)) as usize;
        y[gap.clone()].fill(f64::NAN);
        for method in METHODS {
            let kept = method.indices(&x, &y, n_out);
            prop_assert!(kept.iter().any(|&i| gap.contains(&i)), "{method:?} lost the gap");
            prop_assert!(kept.iter().any(|&i| i < gap.start && !y[i].is_nan()));
            prop_assert!(kept.iter().any(|&i| i >= gap.end && !y[i].is_nan()));
        }
    }

    #[test]
    fn view_covers_the_range(
        x in arb_x(0..500),
        a in -100.0..3000.0_f64,
        b in -100.0..3000.0_f64,
        n_out in 2_usize..50,
    ) {
        let y: Vec<f32> = x.iter().map(|v| (v * 0.1).sin() as f32).collect();
        let shown = view(&x, &y, Some((a, b)), n_out);
        let (lo, hi) = (a.min(b), a.max(b));
        let inside: Vec<usize> = (0..x.len()).filter(|&i| x[i] >= lo && x[i] <= hi).collect();
        prop_assert_eq!(shown.in_view, inside.len());
        prop_assert!(shown.x.len() <= n_out);
        prop_assert_eq!(shown.x.len(), shown.indices.len());
        prop_assert!(shown.indices.iter().zip(&shown.y).all(|(&i, &v)| y[i] == v));
        if let (Some(&first), Some(&last)) = (inside.first(), inside.last()) {
            prop_assert_eq!(shown.indices[0], first.saturating_sub(1));
            prop_assert_eq!(*shown.indices.last().unwrap(), (last + 1).min(x.len() - 1));
        }
    }
}

/// A xorshift generator, for data without a `rand` dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1_u64 << 53) as f64 - 0.5
    }
}

#[test]
fn small_inputs() {
    let x = [0.0, 1.0, 2.0, 3.0, 4.0];
    let y = [1.0, f64::NAN, 3.0, 0.0, 2.0];
    for method in METHODS {
        assert_eq!(method.indices(&x, &y, 5), vec![0, 1, 2, 3, 4]);
        assert_eq!(method.indices(&x, &y, 2), vec![0, 4]);
        assert_eq!(method.indices(&x, &y, 1), vec![0]);
        assert_eq!(method.indices(&x, &y, 0), Vec::<usize>::new());
        assert_eq!(method.indices(&[], &[] as &[f64], 10), Vec::<usize>::new());
        // Mismatched lengths: the longer tail is ignored.
        assert_eq!(method.indices(&x[..3], &y, 10), vec![0, 1, 2]);
    }
}

#[test]
fn scattered_nans_do_not_blank_the_chart() {
    let n = 100_000;
    let x: Vec<f64> = (0..n).map(f64::from).collect();
    let y: Vec<f64> = (0..n)
        .map(|i| {
            if i % 10 == 3 {
                f64::NAN
            } else {
                f64::from(i % 97)
            }
        })
        .collect();
    for method in METHODS {
        let kept = method.indices(&x, &y, 500);
        let nans = kept.iter().filter(|&&i| y[i].is_nan()).count();
        assert_eq!(nans, 0, "{method:?}");
        assert!(kept.len() > 400, "{method:?}: {}", kept.len());
    }
}

#[test]
fn all_nan_and_odd_values_do_not_panic() {
    let x: Vec<f64> = (0..1000).map(f64::from).collect();
    let nan = vec![f64::NAN; 1000];
    let inf: Vec<f64> = (0..1000)
        .map(|i| [f64::INFINITY, f64::NEG_INFINITY, 1.0][i % 3])
        .collect();
    let same_x = vec![5.0; 1000];
    let bad_x: Vec<f64> = (0..1000)
        .map(|i| if i % 7 == 0 { f64::NAN } else { f64::from(-i) })
        .collect();
    for method in METHODS {
        for (x, y) in [
            (&x, &nan),
            (&x, &inf),
            (&same_x, &inf),
            (&bad_x, &inf),
            (&bad_x, &nan),
        ] {
            let kept = method.indices(x, y, 50);
            check_contract(&kept, 1000, 50).unwrap();
        }
        let shown = method.view(&bad_x, &inf, Some((f64::NAN, 3.0)), 50);
        assert!(shown.x.len() <= 50);
        let shown = method.view(&x, &inf, Some((-1e300, f64::INFINITY)), 50);
        assert_eq!(shown.in_view, 1000);
    }
}

#[test]
fn view_edges_and_dates() {
    let x: Vec<f64> = (0..10).map(|i| f64::from(i) * 1000.0).collect();
    let y = vec![1.0_f64; 10];
    // Range right of the data: only the last point, to run the line in.
    let right = view(&x, &y, Some((20_000.0, 30_000.0)), 100);
    assert_eq!((right.indices.as_slice(), right.in_view), (&[9][..], 0));
    let reversed = view(&x, &y, Some((4_500.0, 2_000.0)), 100);
    assert_eq!(
        (reversed.indices, reversed.in_view),
        (vec![1, 2, 3, 4, 5], 3)
    );
    let all = view(&x, &y, None, 100);
    assert_eq!(all.in_view, 10);
    assert_eq!(all.x_dates()[1].as_deref(), Some("1970-01-01 00:00:01"));
    assert_eq!(
        Method::default(),
        Method::MinMaxLttb {
            minmax_ratio: DEFAULT_MINMAX_RATIO
        }
    );
}

#[test]
#[ignore = "timing harness; run with --release -- --ignored --nocapture downsample_10m"]
#[allow(clippy::print_stdout, reason = "a timing report")]
fn downsample_10m_timing() {
    use std::time::Instant;

    let n = 10_000_000;
    let x: Vec<f64> = (0..n).map(|i| 1.7e12 + f64::from(i) * 10.0).collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut level = 0.0;
    let y: Vec<f64> = (0..n)
        .map(|i| {
            level += rng.next();
            if i % 1_000_003 < 2_000 {
                f64::NAN
            } else {
                level
            }
        })
        .collect();
    let y32: Vec<f32> = y.iter().map(|&v| v as f32).collect();
    let zoom = Some((x[n as usize / 4], x[n as usize * 3 / 4]));
    let cases = [
        ("MinMaxLTTB full", Method::default(), None),
        ("MinMaxLTTB half", Method::default(), zoom),
        ("MinMax full", Method::MinMax, None),
        ("LTTB full", Method::Lttb, None),
        ("MinMaxLTTB full f32", Method::default(), None),
    ];
    for (name, method, range) in cases {
        let mut best = f64::INFINITY;
        let mut len = 0;
        for _ in 0..5 {
            let start = Instant::now();
            len = if name.ends_with("f32") {
                method.view(&x, &y32, range, 2_000).x.len()
            } else {
                method.view(&x, &y, range, 2_000).x.len()
            };
            best = best.min(start.elapsed().as_secs_f64() * 1e3);
        }
        println!("downsample 10M → {len}: {name}: {best:.2} ms (best of 5)");
    }
}
