//! A Graph showing a Plotly figure built in Rust: choose how many series to
//! draw, and the figure is rebuilt with that many traces.
//!
//! Run with `cargo run -p example-graph`, then open <http://127.0.0.1:8050>.

use ferrodash::figures::layout::Axis;
use ferrodash::figures::trace::{Mode, Scatter};
use ferrodash::figures::{Figure, Layout};
use ferrodash::prelude::*;
use ferrodash::{AppBuilder, BuildResult};

/// A figure with `series` line traces of 50 points each. Its numbers
/// travel as plotly.js typed arrays.
fn figure(series: u32) -> Figure {
    let x: Vec<u32> = (0..50).collect();
    let traces = (1..=series).map(|s| {
        let y: Vec<f64> = x
            .iter()
            .map(|&i| (f64::from(i) / 8.0 + f64::from(s)).sin() * f64::from(s))
            .collect();
        Scatter::new()
            .x(x.clone())
            .y(y)
            .mode(Mode::Lines)
            .name(format!("Series {s}"))
    });
    let mut figure = Figure::new().layout(
        Layout::new()
            .title(format!("{series} series"))
            .xaxis(Axis::new().title("step"))
            .height(420),
    );
    for trace in traces {
        figure.add_trace(trace);
    }
    figure
}

async fn draw(Input(series): Input<Option<u32>>) -> Figure {
    figure(series.unwrap_or(2).clamp(1, 8))
}

/// The app's builder, mounted under `prefix` (`/` when it runs alone).
pub fn builder(prefix: &str) -> AppBuilder {
    App::builder()
        .title("Graph")
        .routes_prefix(prefix)
        .layout(html::div((
            html::h1("Waves"),
            dcc::radio_items("series")
                .options(json!([1, 2, 3, 4, 5]))
                .value(2)
                .inline(true),
            dcc::graph("chart").figure(figure(2)),
        )))
        .callback(
            Callback::new(draw)
                .output("chart", "figure")
                .input("series", "value"),
        )
}

/// The app, mounted under `prefix`.
pub fn app(prefix: &str) -> BuildResult<App> {
    builder(prefix).build()
}

#[cfg(test)]
mod tests {
    use ferrodash::json;
    use ferrodash_testing::client::{CallbackCall, TestClient};

    #[tokio::test]
    async fn figure_has_one_trace_per_series() {
        let client = TestClient::new(&super::app("/").unwrap());
        let answer = client
            .call(
                &CallbackCall::new()
                    .output("chart", "figure")
                    .input("series", "value", json!(3)),
            )
            .await;
        let figure = answer.json()["response"]["chart"]["figure"].clone();
        assert_eq!(figure["data"].as_array().map(Vec::len), Some(3));
        // Numbers travel as typed arrays: 50 float64 values in base64.
        assert_eq!(figure["data"][2]["y"]["dtype"], "f8");
        let bdata = figure["data"][2]["y"]["bdata"].as_str().unwrap();
        assert_eq!(bdata.len(), (50_usize * 8).div_ceil(3) * 4);
        assert_eq!(figure["data"][2]["x"]["dtype"], "i1");
        assert_eq!(figure["layout"]["title"]["text"], "3 series");
    }
}
