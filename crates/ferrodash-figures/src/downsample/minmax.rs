//! MinMax and MinMaxLTTB, after Van Der Donckt, Van Der Donckt, Rademaker and
//! Van Hoecke, "MinMaxLTTB: Leveraging MinMax-Preselection to Scale LTTB"
//! (IEEE VIS 2023).

#![allow(
    clippy::suboptimal_flops,
    reason = "mul_add is a slow libm call without the `fma` target feature"
)]

use super::{Sample, gap_in, lttb, trivial};

/// MinMax: the indices of the first and last points plus the minimum and
/// maximum of each of `(n_out - 2) / 2` bins, so at most `n_out` indices.
///
/// Bins split `x[0]..=x[n-1]` into equal widths (bin `k` holds the points
/// with `x0 + k·w <= x < x0 + (k+1)·w`, the last bin also `x[n-1]`), so a
/// bin maps to a fixed slice of the screen and irregular sampling is
/// handled; bins without points yield nothing. When the x span is zero or
/// not finite, bins of equal point count are used instead. Ties keep the
/// earliest minimum and maximum.
///
/// NaN `y` values are gaps: a bin that is at least half NaN yields only its
/// first NaN; otherwise NaNs are ignored.
///
/// ```
/// use ferrodash_figures::downsample::min_max;
///
/// let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0];
/// let y = [0.0, 3.0, 1.0, 2.0, 9.0, -4.0, 1.0, 0.0];
/// // One bin, [0, 7]: keeps its max (4) and min (5) plus both ends.
/// assert_eq!(min_max(&x, &y, 4), vec![0, 4, 5, 7]);
/// ```
#[must_use]
pub fn min_max<Y: Sample>(x: &[f64], y: &[Y], n_out: usize) -> Vec<usize> {
    let n = x.len().min(y.len());
    if let Some(all) = trivial(n, n_out) {
        return all;
    }
    let (x, y) = (
        x.get(..n).unwrap_or_default(),
        y.get(..n).unwrap_or_default(),
    );
    let bins = (n_out - 2) / 2;
    let mut out = Vec::with_capacity(n_out);
    out.push(0);
    let mut push = |i: usize| {
        if out.last().is_none_or(|&last| i > last) && i < n - 1 {
            out.push(i);
        }
    };
    let edges = Edges::new(x, bins);
    let mut start = 0;
    for k in 1..=bins {
        let end = edges.bound(x, k, start);
        // `bound` keeps start <= end <= n.
        match extremes(y.get(start..end).unwrap_or_default()) {
            Extremes::Empty => {}
            Extremes::Gap(i) => push(start + i),
            Extremes::MinMax(a, b) => {
                push(start + a.min(b));
                push(start + a.max(b));
            }
        }
        start = end;
    }
    out.push(n - 1);
    out
}

/// MinMaxLTTB: [`min_max`] down to `minmax_ratio × n_out` points (at least
/// `n_out`), then [`lttb`](super::lttb()) on those down to `n_out`.
///
/// This is [`Method::default`](super::Method::default) with ratio 4. Its
/// one pass over the data is MinMax's, and LTTB then chooses among few
/// points, so 10M points → 2,000 take a few milliseconds. When the input
/// is at most `minmax_ratio × n_out` points long this is plain LTTB.
///
/// ```
/// use ferrodash_figures::downsample::min_max_lttb;
///
/// let x: Vec<f64> = (0..10_000).map(f64::from).collect();
/// let y: Vec<f64> = x.iter().map(|v| (v / 100.0).sin()).collect();
/// let kept = min_max_lttb(&x, &y, 200, 4);
/// assert_eq!(kept.len(), 200);
/// assert_eq!((kept[0], kept[199]), (0, 9_999));
/// ```
#[must_use]
pub fn min_max_lttb<Y: Sample>(
    x: &[f64],
    y: &[Y],
    n_out: usize,
    minmax_ratio: usize,
) -> Vec<usize> {
    let n = x.len().min(y.len());
    if let Some(all) = trivial(n, n_out) {
        return all;
    }
    let n_pre = n_out.saturating_mul(minmax_ratio.max(1));
    if n_pre >= n {
        return lttb(x, y, n_out);
    }
    let pre = min_max(x, y, n_pre);
    if pre.len() <= n_out {
        return pre;
    }
    // `pre` holds indices of x and y; lttb's are indices of `pre`.
    let px: Vec<f64> = pre.iter().filter_map(|&i| x.get(i).copied()).collect();
    let py: Vec<f64> = pre
        .iter()
        .filter_map(|&i| Some(y.get(i)?.to_f64()))
        .collect();
    lttb(&px, &py, n_out)
        .into_iter()
        .filter_map(|j| pre.get(j).copied())
        .collect()
}

/// Where the bins end.
struct Edges {
    bins: usize,
    /// `(x0, width)` for equal widths; `None` for equal counts, used when
    /// the x span is zero or not finite.
    width: Option<(f64, f64)>,
}

impl Edges {
    fn new(x: &[f64], bins: usize) -> Self {
        let width = match (x.first(), x.last()) {
            (Some(&x0), Some(&x1)) => {
                #[expect(clippy::cast_precision_loss, reason = "bins ≪ 2^53")]
                let width = (x1 - x0) / bins as f64;
                let usable = width.is_finite() && width > 0.0;
                usable.then_some((x0, width))
            }
            _ => None,
        };
        Self { bins, width }
    }

    /// The end (exclusive) of bin `k - 1`, for `1 <= k <= bins`, given the
    /// start of that bin; never before `start`.
    fn bound(&self, x: &[f64], k: usize, start: usize) -> usize {
        if k >= self.bins {
            return x.len();
        }
        if let Some((x0, width)) = self.width {
            #[expect(clippy::cast_precision_loss, reason = "k ≪ 2^53")]
            let edge = x0 + k as f64 * width;
            let rest = x.get(start..).unwrap_or_default();
            let (Some(&first), Some(&last)) = (rest.first(), rest.last()) else {
                return start;
            };
            // Guess where the edge is as if the rest were evenly spaced,
            // which is exact for regular sampling, then gallop from there.
            let span = last - first;
            #[expect(clippy::cast_precision_loss, reason = "lengths ≪ 2^53")]
            let guess = (edge - first) / span * rest.len() as f64;
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "saturating float-to-int casts; NaN gives 0"
            )]
            let guess = (guess as usize).min(rest.len());
            start + gallop(rest, guess, |v| v < edge)
        } else {
            let end = k as u128 * x.len() as u128 / self.bins as u128;
            usize::try_from(end).unwrap_or(start).max(start)
        }
    }
}

/// `slice.partition_point(pred)`, searched outward from `guess`, so that
/// when the guess is close only a few nearby elements are read (a binary
/// search over 80 MB of x costs a cache miss per step, per bin).
fn gallop(slice: &[f64], guess: usize, pred: impl Fn(f64) -> bool) -> usize {
    let n = slice.len();
    // Whether the element at `i` exists and satisfies `pred`.
    let holds = |i: usize| slice.get(i).is_some_and(|&v| pred(v));
    // The partition point within `from..to` (always in bounds here).
    let point_in = |from: usize, to: usize| {
        slice
            .get(from..to)
            .map_or(0, |part| part.partition_point(|&v| pred(v)))
    };
    let mut step = 1;
    if holds(guess) {
        // The answer is after `guess`.
        let mut lo = guess + 1;
        loop {
            let probe = guess.saturating_add(step);
            if probe >= n {
                return lo + point_in(lo, n);
            }
            if !holds(probe) {
                return lo + point_in(lo, probe);
            }
            lo = probe + 1;
            step *= 2;
        }
    }
    // The answer is at or before `guess`.
    let mut hi = guess.min(n);
    loop {
        if hi == 0 {
            return 0;
        }
        let probe = guess.saturating_sub(step).min(hi - 1);
        if holds(probe) {
            return probe + 1 + point_in(probe + 1, hi);
        }
        hi = probe;
        step *= 2;
    }
}

/// What one bin contributes.
enum Extremes {
    Empty,
    Gap(usize),
    MinMax(usize, usize),
}

/// Independent accumulators, so the loop is not one long dependency chain
/// and compiles to SIMD min/max.
const LANES: usize = 8;

/// The offsets of a bin's (earliest) minimum and maximum, or its gap.
///
/// One pass finds the values, a second finds where they first occur; the
/// bin is small enough to still be in cache.
#[inline]
fn extremes<Y: Sample>(y: &[Y]) -> Extremes {
    let mut min = [f64::INFINITY; LANES];
    let mut max = [f64::NEG_INFINITY; LANES];
    let mut nans = [0_usize; LANES];
    let (chunks, rest) = y.as_chunks::<LANES>();
    for chunk in chunks {
        let lanes = chunk.iter().zip(&mut min).zip(&mut max).zip(&mut nans);
        for (((v, min), max), nans) in lanes {
            let v = v.to_f64();
            // NaN fails both comparisons.
            *min = if v < *min { v } else { *min };
            *max = if v > *max { v } else { *max };
            *nans += usize::from(v.is_nan());
        }
    }
    for v in rest {
        let v = v.to_f64();
        min[0] = if v < min[0] { v } else { min[0] };
        max[0] = if v > max[0] { v } else { max[0] };
        nans[0] += usize::from(v.is_nan());
    }
    let min = min
        .into_iter()
        .fold(f64::INFINITY, |a, b| if b < a { b } else { a });
    let max = max
        .into_iter()
        .fold(f64::NEG_INFINITY, |a, b| if b > a { b } else { a });
    let nans = nans.into_iter().sum();
    if y.is_empty() {
        return Extremes::Empty;
    }
    if let Some(gap) = gap_in(y, nans) {
        return Extremes::Gap(gap);
    }
    // A value below +∞ sets min, one above −∞ sets max; fewer than half are
    // NaN, so at least one of them is set.
    let at = |target: f64, set: bool| {
        set.then(|| y.iter().position(|v| v.to_f64() == target))
            .flatten()
    };
    match (
        at(min, min < f64::INFINITY),
        at(max, max > f64::NEG_INFINITY),
    ) {
        (Some(a), Some(b)) => Extremes::MinMax(a, b),
        (Some(i), None) | (None, Some(i)) => Extremes::MinMax(i, i),
        (None, None) => Extremes::Empty,
    }
}
