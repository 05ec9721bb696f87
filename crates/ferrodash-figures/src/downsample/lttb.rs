//! Largest-Triangle-Three-Buckets, after Sveinn Steinarsson, "Downsampling
//! Time Series for Visual Representation" (MSc thesis, University of
//! Iceland, 2013), section 4.2.

#![allow(
    clippy::suboptimal_flops,
    reason = "mul_add is a slow libm call without the `fma` target feature, \
              and the tests compare against the textbook expression exactly"
)]

use std::ops::Range;

use super::{Sample, gap_in, trivial};

/// Largest-Triangle-Three-Buckets: the indices of at most `n_out` points of
/// `x`/`y` that keep the line's shape.
///
/// The first and last points are kept; the others are split into
/// `n_out - 2` buckets of equal point count (bucket `k` holds points
/// `1 + k·(n−2)/(n_out−2)` up to the next bucket's start, in integer
/// arithmetic). Going left to right, each bucket keeps the point forming
/// the largest triangle with the point kept in the previous bucket and
/// the average of the next bucket (the last point, for the last bucket);
/// ties go to the earlier point.
///
/// NaN `y` values are gaps: a bucket that is at least half NaN keeps its
/// first NaN; otherwise NaNs are left out of the averages and never kept,
/// and triangles start from the last kept non-NaN point. When no triangle
/// can be formed (no non-NaN point before, or a next bucket of only NaN)
/// the bucket keeps its first non-NaN point.
///
/// ```
/// use ferrodash_figures::downsample::lttb;
///
/// let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
/// let y = [0.0, 0.1, 5.0, 0.2, -0.1, 0.0];
/// assert_eq!(lttb(&x, &y, 3), vec![0, 2, 5]);
/// ```
#[must_use]
pub fn lttb<Y: Sample>(x: &[f64], y: &[Y], n_out: usize) -> Vec<usize> {
    let n = x.len().min(y.len());
    if let Some(all) = trivial(n, n_out) {
        return all;
    }
    let buckets = n_out - 2;
    // n > n_out, so every bucket holds at least one point.
    let bound = |k: usize| {
        let offset = (k as u128 * (n - 2) as u128) / buckets as u128;
        1 + usize::try_from(offset).unwrap_or(n - 2)
    };
    // The points in `range`, which is within 0..n.
    let points = |range: Range<usize>| {
        (
            x.get(range.clone()).unwrap_or_default(),
            y.get(range).unwrap_or_default(),
        )
    };
    let mut out = Vec::with_capacity(n_out);
    out.push(0);
    // n > n_out > 2, so there is a first point (NaN: none to start from).
    let (mut ax, mut ay) = x
        .first()
        .zip(y.first())
        .map_or((f64::NAN, f64::NAN), |(&x0, y0)| (x0, y0.to_f64()));
    let mut start = 1;
    for k in 0..buckets {
        let end = bound(k + 1);
        let next = if k + 1 < buckets {
            end..bound(k + 2)
        } else {
            n - 1..n
        };
        let (nx, ny) = points(next);
        let (cx, cy) = mean_ignoring_nan(nx, ny);
        let (bx, by) = points(start..end);
        let offset = pick_in_bucket(bx, by, (ax, ay), (cx, cy));
        if let (Some(&px), Some(py)) = (bx.get(offset), by.get(offset)) {
            let picked = py.to_f64();
            if !picked.is_nan() {
                (ax, ay) = (px, picked);
            }
        }
        out.push(start + offset);
        start = end;
    }
    out.push(n - 1);
    out
}

/// The mean point of a bucket's non-NaN points (NaN if there are none).
#[inline]
fn mean_ignoring_nan<Y: Sample>(x: &[f64], y: &[Y]) -> (f64, f64) {
    let (mut sx, mut sy, mut count) = (0.0, 0.0, 0_u32);
    for (&xi, yi) in x.iter().zip(y) {
        let yi = yi.to_f64();
        if !yi.is_nan() {
            sx += xi;
            sy += yi;
            count += 1;
        }
    }
    let count = f64::from(count);
    (sx / count, sy / count)
}

/// The offset of the point kept in one bucket (which is never empty).
#[inline]
fn pick_in_bucket<Y: Sample>(x: &[f64], y: &[Y], a: (f64, f64), c: (f64, f64)) -> usize {
    let ((ax, ay), (cx, cy)) = (a, c);
    let (mut best_area, mut best, mut nans) = (-1.0, usize::MAX, 0);
    for (i, (&xi, yi)) in x.iter().zip(y).enumerate() {
        let yi = yi.to_f64();
        nans += usize::from(yi.is_nan());
        // Twice the triangle's area; NaN (never kept) when yi or a is NaN.
        let area = ((ax - cx) * (yi - ay) - (ax - xi) * (cy - ay)).abs();
        if area > best_area {
            best_area = area;
            best = i;
        }
    }
    if let Some(gap) = gap_in(y, nans) {
        gap
    } else if best == usize::MAX {
        // Fewer than half are NaN, so there is a non-NaN point.
        y.iter().position(|v| !v.to_f64().is_nan()).unwrap_or(0)
    } else {
        best
    }
}
