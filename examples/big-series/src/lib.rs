//! A 10-million-point time series that zooms smoothly.
//!
//! The server holds the whole series; the page gets about 2,000 points per
//! view. Each zoom or pan sends the Graph's `relayoutData` to a callback,
//! which downsamples the visible range again (MinMaxLTTB) and patches only
//! the trace's `x` and `y`, as typed arrays. Nothing is remembered per user,
//! so any server process can answer any request.
//!
//! Run with `cargo run --release -p example-big-series`, then open
//! <http://127.0.0.1:8050>.

mod series;

use std::sync::Arc;

use ferrodash::figures::downsample::{self, AxisUpdate, format_plotly_date};
use ferrodash::figures::layout::Axis;
use ferrodash::figures::trace::{Mode, Scatter};
use ferrodash::figures::{DataArray, Figure, Layout};
use ferrodash::prelude::*;
use ferrodash::{AppBuilder, BuildResult};

pub use series::Series;

/// Points in the gallery's series.
pub const POINTS: usize = 10_000_000;
/// Points sent per view.
pub const POINTS_PER_VIEW: usize = 2_000;

/// The series an app serves, as its shared state.
#[derive(Debug, Clone)]
struct Shared(Arc<Series>);

/// The downsampled view of `range` (the whole series when `None`): the
/// trace's x and y, and a note on how much of the series it shows.
fn view(series: &Series, range: Option<(f64, f64)>) -> (DataArray, DataArray, String) {
    let shown = downsample::view(&series.x, &series.y, range, POINTS_PER_VIEW);
    let from = shown.x.first().copied().and_then(format_plotly_date);
    let to = shown.x.last().copied().and_then(format_plotly_date);
    let note = format!(
        "{} of {} points in view, {} drawn ({} to {})",
        ferrodash::figures::px::format_thousands(shown.in_view as f64, 0),
        ferrodash::figures::px::format_thousands(series.len() as f64, 0),
        shown.x.len(),
        from.as_deref().unwrap_or("?"),
        to.as_deref().unwrap_or("?"),
    );
    (shown.x.into(), shown.y.into(), note)
}

/// The first figure: the whole series, downsampled.
fn figure(series: &Series) -> (Figure, String) {
    let (x, y, note) = view(series, None);
    let figure = Figure::new()
        .trace(
            Scatter::new()
                .x(x)
                .y(y)
                .mode(Mode::Lines)
                .name("reading")
                .set("line.width", 1),
        )
        .layout(
            Layout::new()
                .title("10 million readings, one a second")
                .xaxis(Axis::new().date())
                // The y axis follows the data in view; zoom acts on time.
                .set("yaxis.fixedrange", true)
                .set("dragmode", "zoom")
                // Keeps the user's zoom when new points arrive.
                .uirevision("series")
                .height(460),
        );
    (figure, note)
}

/// Recomputes the points on zoom and pan: a patch of the trace's `x` and `y`.
async fn zoom(
    Input(relayout): Input<Option<Value>>,
    AppState(Shared(series)): AppState<Shared>,
) -> Result<(Patch, String), CallbackError> {
    let relayout = relayout.ok_or(PreventUpdate)?;
    // Garbage is treated as "nothing about the x axis": no update.
    let range = match downsample::parse_relayout(&relayout, "xaxis") {
        Ok(AxisUpdate::Unchanged) | Err(_) => return Err(PreventUpdate.into()),
        Ok(update) => update.apply(None),
    };
    let (x, y, note) = tokio::task::spawn_blocking(move || view(&series, range))
        .await
        .map_err(CallbackError::msg)?;
    let patch = Patch::new()
        .assign(("data", 0, "x"), Json(x))
        .assign(("data", 0, "y"), Json(y));
    Ok((patch, note))
}

/// The app serving a series of `points` readings, mounted under `prefix`.
pub fn builder_with(prefix: &str, points: usize) -> AppBuilder {
    let series = series::shared(points);
    let (first, note) = figure(&series);
    App::builder()
        .title("Big series")
        .routes_prefix(prefix)
        .layout(html::div((
            html::h1("A big time series"),
            html::p(
                "Drag to zoom, double-click to reset. Every view is downsampled on the server \
                 from the full series to about 2,000 points that keep its peaks and dips.",
            ),
            dcc::graph("series")
                .figure(first)
                .config(json!({"displaylogo": false})),
            html::div(note).id("view-note"),
        )))
        .with_state(Shared(series))
        .callback(
            Callback::new(zoom)
                .output("series", "figure")
                .output("view-note", "children")
                .input("series", "relayoutData")
                .prevent_initial_call(),
        )
}

/// The app with [`POINTS`] readings, mounted under `prefix`.
pub fn builder(prefix: &str) -> AppBuilder {
    builder_with(prefix, POINTS)
}

/// The app with [`POINTS`] readings, mounted under `prefix`.
pub fn app(prefix: &str) -> BuildResult<App> {
    builder(prefix).build()
}

#[cfg(test)]
mod tests {
    use ferrodash::figures::data_array::decode;
    use ferrodash::json;
    use ferrodash_testing::client::{CallbackCall, TestClient};

    const POINTS: usize = 200_000;

    fn zoom_call(relayout: ferrodash::Value) -> CallbackCall {
        CallbackCall::new()
            .output("series", "figure")
            .output("view-note", "children")
            .input("series", "relayoutData", relayout)
    }

    fn numbers(array: &ferrodash::Value) -> Vec<f64> {
        decode(
            array["dtype"].as_str().unwrap(),
            array["bdata"].as_str().unwrap(),
        )
        .unwrap()
    }

    #[tokio::test]
    async fn the_first_view_is_the_whole_series_downsampled() {
        let client = TestClient::new(&super::builder_with("/", POINTS).build().unwrap());
        let layout = client.layout().await;
        let text = layout.to_string();
        assert!(
            text.contains("200,000 of 200,000 points in view, 2000 drawn"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn a_zoom_patches_about_2000_points_of_the_range() {
        let client = TestClient::new(&super::builder_with("/", POINTS).build().unwrap());
        // Two hours from 2026-01-01 01:00: 7,201 readings.
        let answer = client
            .call(&zoom_call(json!({
                "xaxis.range[0]": "2026-01-01 01:00:00",
                "xaxis.range[1]": "2026-01-01 03:00:00",
            })))
            .await;
        assert_eq!(answer.status(), 200, "{}", answer.text());
        let body = answer.json();
        let patch = &body["response"]["series"]["figure"];
        assert_eq!(patch["__dash_patch_update"], "__dash_patch_update");
        let operations = patch["operations"].as_array().unwrap();
        assert_eq!(operations.len(), 2);
        assert_eq!(operations[0]["location"], json!(["data", 0, "x"]));
        let x = numbers(&operations[0]["params"]["value"]);
        let y = numbers(&operations[1]["params"]["value"]);
        assert_eq!(x.len(), y.len());
        assert!(x.len() <= 2_000 && x.len() > 1_900, "{}", x.len());
        // One point beyond each edge, the rest inside, ascending.
        let start = 1_767_225_600_000.0 + 3_600_000.0;
        let end = start + 7_200_000.0;
        assert_eq!(x[0], start - 1_000.0);
        assert_eq!(x[x.len() - 1], end + 1_000.0);
        assert!(x.windows(2).all(|w| w[0] < w[1]));
        let note = body["response"]["view-note"]["children"].as_str().unwrap();
        assert!(
            note.starts_with("7,201 of 200,000 points in view"),
            "{note}"
        );
    }

    #[tokio::test]
    async fn reset_and_unrelated_relayouts() {
        let client = TestClient::new(&super::builder_with("/", POINTS).build().unwrap());
        let answer = client
            .call(&zoom_call(json!({"xaxis.autorange": true})))
            .await;
        assert_eq!(answer.status(), 200);
        let note = answer.json()["response"]["view-note"]["children"].clone();
        assert!(
            note.as_str().unwrap().starts_with("200,000 of 200,000"),
            "{note}"
        );
        // Nothing about x, or garbage: no update.
        for relayout in [
            json!({"dragmode": "pan"}),
            json!({"xaxis.range[0]": "not a date", "xaxis.range[1]": [1, 2]}),
            json!("garbage"),
            json!(null),
        ] {
            let answer = client.call(&zoom_call(relayout.clone())).await;
            assert_eq!(answer.status(), 204, "{relayout}: {}", answer.text());
        }
    }
}
