//! The series: one reading a second, generated the same way every time.

use std::sync::{Arc, OnceLock};

/// 2026-01-01T00:00:00Z in ms since the Unix epoch.
const START_MS: f64 = 1_767_225_600_000.0;
/// One second in ms.
const STEP_MS: f64 = 1_000.0;

/// A time series held in memory: x in ms since the Unix epoch (a date
/// axis), y as `f32` (a 10M-point series takes 120 MB).
#[derive(Debug)]
pub struct Series {
    /// Times, ascending.
    pub x: Vec<f64>,
    /// Readings.
    pub y: Vec<f32>,
}

impl Series {
    /// `points` readings, one a second from 2026-01-01: a daily cycle, a
    /// slow drift, noise, a few spikes and an hour-long outage (NaN, drawn
    /// as a gap) every ten days.
    #[must_use]
    #[allow(
        clippy::suboptimal_flops,
        reason = "plain arithmetic reads better for made-up data"
    )]
    pub fn generate(points: usize) -> Self {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            // xorshift64*: cheap, deterministic noise.
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        let mut x = Vec::with_capacity(points);
        let mut y = Vec::with_capacity(points);
        let mut drift = 0.0_f64;
        for i in 0..points {
            #[allow(clippy::cast_precision_loss)]
            let t = i as f64;
            x.push(START_MS + t * STEP_MS);
            #[allow(clippy::cast_precision_loss)]
            let noise = (next() >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
            drift = 0.999_9 * drift + noise * 0.05;
            let day = (t / 86_400.0 * std::f64::consts::TAU).sin() * 10.0;
            let spike = if next() % 200_000 == 0 { 25.0 } else { 0.0 };
            let outage = i % 864_000 >= 432_000 && i % 864_000 < 435_600;
            #[allow(clippy::cast_possible_truncation)]
            y.push(if outage {
                f32::NAN
            } else {
                (20.0 + day + drift * 8.0 + noise * 2.0 + spike) as f32
            });
        }
        Self { x, y }
    }

    /// The number of readings.
    #[must_use]
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }
}

/// The series of `points` readings, generated once per process and shared.
pub(crate) fn shared(points: usize) -> Arc<Series> {
    static CACHE: OnceLock<std::sync::Mutex<Vec<Arc<Series>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(series) = cache.iter().find(|s| s.len() == points) {
        return Arc::clone(series);
    }
    let series = Arc::new(Series::generate(points));
    cache.push(Arc::clone(&series));
    series
}
