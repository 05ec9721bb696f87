//! Figure benchmarks, not tests: nothing here asserts on timings.
//!
//! 1. A 1M-point scatter figure (x: whole numbers, y: a random walk of
//!    floats) encoded as dcc.Graph's `figure` JSON, with numeric arrays as
//!    plotly.js typed arrays (`bdata`) and as plain JSON number lists: bytes
//!    (raw and gzip-compressed) and encode time, median of several runs.
//! 2. A zoom on the gallery's 10M-point series: the `relayoutData` callback
//!    answered by the app's router in process (decode, downsample, encode),
//!    for random ranges from a minute to the whole series: p50 and p99.
//!
//! Run with `cargo run --release -p ferrodash-bench-figures [ZOOMS]`.

#![allow(
    clippy::suboptimal_flops,
    reason = "plain arithmetic reads better in a benchmark"
)]

use std::io::Write as _;
use std::time::{Duration, Instant};

use ferrodash::figures::trace::{Mode, Scatter};
use ferrodash::figures::{ArrayEncoding, Figure};
use ferrodash::json;
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

const POINTS: usize = 1_000_000;
const ENCODE_RUNS: usize = 11;

/// Deterministic noise in [-0.5, 0.5).
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        #[allow(clippy::cast_precision_loss)]
        let unit = (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64;
        unit - 0.5
    }
}

fn million_point_figure() -> Figure {
    let mut noise = Noise(0x1234_5678_9ABC_DEF1);
    let x: Vec<u32> = (0..u32::try_from(POINTS).unwrap_or(u32::MAX)).collect();
    let mut level = 0.0;
    let y: Vec<f64> = (0..POINTS)
        .map(|_| {
            level += noise.next();
            level
        })
        .collect();
    Figure::new().trace(Scatter::new().x(x).y(y).mode(Mode::Lines).webgl(true))
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn gzip_len(bytes: &[u8]) -> std::io::Result<usize> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len())
}

fn encode_benchmark() -> Result<(), Box<dyn std::error::Error>> {
    let figure = million_point_figure();
    println!(
        "1M-point figure (x: 0..1,000,000, y: random walk of f64), median of {ENCODE_RUNS} encodes:"
    );
    let mut results = Vec::new();
    for (name, encoding) in [
        ("typed arrays", ArrayEncoding::Typed),
        ("JSON lists", ArrayEncoding::Json),
    ] {
        let figure = figure.clone().array_encoding(encoding);
        let mut times = Vec::with_capacity(ENCODE_RUNS);
        let mut bytes = Vec::new();
        for _ in 0..ENCODE_RUNS {
            let started = Instant::now();
            bytes = serde_json::to_vec(&figure)?;
            times.push(started.elapsed());
        }
        let time = median(times);
        let gzip = gzip_len(&bytes)?;
        println!(
            "  {name:<13} {:>11} bytes ({:>9} gzip)  encode {:>7.2} ms",
            bytes.len(),
            gzip,
            time.as_secs_f64() * 1e3
        );
        results.push((bytes.len(), gzip, time));
    }
    let &[typed, json] = results.as_slice() else {
        return Err("one result per encoding".into());
    };
    #[allow(clippy::cast_precision_loss)]
    let ratio = |a: usize, b: usize| a as f64 / b as f64;
    println!(
        "  typed/JSON: bytes {:.3}, gzip bytes {:.3}, encode time {:.3}",
        ratio(typed.0, json.0),
        ratio(typed.1, json.1),
        typed.2.as_secs_f64() / json.2.as_secs_f64()
    );
    Ok(())
}

async fn zoom_benchmark(zooms: usize) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let app = example_big_series::app("/")?;
    println!(
        "\nzoom on {} points ({} per view), app built in {:.2} s; {zooms} zooms in process:",
        example_big_series::POINTS,
        example_big_series::POINTS_PER_VIEW,
        started.elapsed().as_secs_f64()
    );
    let router = app.router();
    let start_ms = 1_767_225_600_000.0_f64;
    #[allow(clippy::cast_precision_loss)]
    let span_ms = example_big_series::POINTS as f64 * 1_000.0;
    let mut noise = Noise(0xDEAD_BEEF_CAFE_F00D);
    let mut times = Vec::with_capacity(zooms);
    let mut bytes = 0;
    for _ in 0..zooms {
        // A range from a minute to the whole series, anywhere in it.
        let width = (60_000.0_f64.ln() + (noise.next() + 0.5) * (span_ms / 60_000.0).ln()).exp();
        let from = start_ms + (noise.next() + 0.5) * (span_ms - width);
        let body = json!({
            "output": "..series.figure...view-note.children..",
            "outputs": [
                {"id": "series", "property": "figure"},
                {"id": "view-note", "property": "children"}
            ],
            "inputs": [{"id": "series", "property": "relayoutData",
                        "value": {"xaxis.range[0]": from, "xaxis.range[1]": from + width}}],
            "changedPropIds": ["series.relayoutData"],
        })
        .to_string();
        let request = ferrodash::axum::http::Request::post("/_dash-update-component")
            .header("content-type", "application/json")
            .body(ferrodash::axum::body::Body::from(body))?;
        let started = Instant::now();
        let response = router.clone().oneshot(request).await?;
        let status = response.status();
        let answer = response.into_body().collect().await?.to_bytes();
        times.push(started.elapsed());
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&answer));
        bytes += answer.len();
    }
    times.sort();
    let at = |p: f64| {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let index = (times.len().saturating_sub(1) as f64 * p).round() as usize;
        times.get(index).map_or(0.0, |t| t.as_secs_f64() * 1e3)
    };
    println!(
        "  p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms  mean answer {} bytes",
        at(0.5),
        at(0.99),
        at(1.0),
        bytes / zooms.max(1)
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let zooms = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(500);
    encode_benchmark()?;
    zoom_benchmark(zooms).await
}
