//! A Graph showing a Plotly figure built in Rust: choose how many series to
//! draw, and the figure is rebuilt with that many traces.
//!
//! Run with `cargo run -p example-graph`, then open <http://127.0.0.1:8050>.

use ferrodash::prelude::*;
use ferrodash::{AppBuilder, BuildResult};

/// A figure with `series` line traces of 50 points each.
fn figure(series: u32) -> Value {
    let x: Vec<u32> = (0..50).collect();
    let traces: Vec<Value> = (1..=series)
        .map(|s| {
            let y: Vec<f64> = x.iter().map(|&i| (f64::from(i) / 8.0 + f64::from(s)).sin() * f64::from(s)).collect();
            json!({"type": "scatter", "mode": "lines", "name": format!("Series {s}"), "x": x, "y": y})
        })
        .collect();
    json!({
        "data": traces,
        "layout": {"title": {"text": format!("{series} series")}, "xaxis": {"title": {"text": "step"}}, "height": 420},
    })
}

async fn draw(Input(series): Input<Option<u32>>) -> Json<Value> {
    Json(figure(series.unwrap_or(2).clamp(1, 8)))
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
        assert_eq!(figure["data"][2]["y"].as_array().map(Vec::len), Some(50));
        assert_eq!(figure["layout"]["title"]["text"], "3 series");
    }
}
