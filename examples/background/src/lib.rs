//! A background job: "Run" starts twenty steps of work on the server. While
//! it runs the button is disabled, a progress bar fills, a log line follows
//! each step (`set_props`), and "Cancel" stops the work. "Fail" starts a job
//! that fails; the page shows what went wrong and the server goes on.
//!
//! Run with `cargo run -p example-background`, then open <http://127.0.0.1:8050>.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ferrodash::prelude::*;
use ferrodash::{AppBuilder, BuildResult, CallbackFailure};

/// Steps of work done on the server, across jobs: cancelling a job stops it
/// rising.
#[derive(Debug, Clone, Default)]
pub struct StepsDone(pub Arc<AtomicU64>);

/// How many steps a job takes.
pub const STEPS: u64 = 20;

/// How long one step takes.
const STEP: Duration = Duration::from_millis(150);

async fn crunch(
    Input(clicks): Input<Option<u64>>,
    progress: Progress,
    set_props: SetProps,
    AppState(done): AppState<StepsDone>,
) -> Result<String, CallbackError> {
    let run = clicks.ok_or(PreventUpdate)?;
    for step in 1..=STEPS {
        tokio::time::sleep(STEP).await;
        done.0.fetch_add(1, Ordering::SeqCst);
        progress.set_all(vec![
            json!(step * 100 / STEPS),
            json!(format!("{}%", step * 100 / STEPS)),
        ]);
        set_props.prop(
            "log",
            "children",
            format!("Run {run}: step {step} of {STEPS}"),
        );
    }
    // Keep the full bar in view until the result replaces it.
    tokio::time::sleep(STEP).await;
    Ok(format!("Run {run} finished {STEPS} steps"))
}

async fn fail(
    Input(clicks): Input<Option<u64>>,
    progress: Progress,
) -> Result<String, CallbackError> {
    clicks.ok_or(PreventUpdate)?;
    progress.set(30);
    tokio::time::sleep(STEP).await;
    Err(CallbackError::msg("the data source went away"))
}

fn show_failure(failure: &CallbackFailure) -> String {
    format!(
        "The job failed: {} (reference {})",
        failure.message, failure.correlation_id
    )
}

/// The app's builder, mounted under `prefix` (`/` when it runs alone).
/// Give it your own [`StepsDone`] with `with_state` to watch the work.
pub fn builder(prefix: &str) -> AppBuilder {
    App::builder()
        .title("Background job")
        .routes_prefix(prefix)
        .with_state(StepsDone::default())
        .layout(html::div((
            html::h1("A long job"),
            html::button("Run").id("run"),
            html::button("Cancel").id("cancel").disabled(true),
            html::button("Fail").id("fail"),
            html::div((
                html::progress(()).id("bar").value("0").max("100"),
                html::span("").id("percent"),
            )),
            html::p("Idle").id("log"),
            html::p(()).id("result"),
            html::p(()).id("failure"),
        )))
        .callback(
            Callback::new(crunch)
                .output("result", "children")
                .input("run", "n_clicks")
                .prevent_initial_call()
                .progress("bar", "value", json!(0))
                .progress("percent", "children", json!(""))
                .running("run", "disabled", json!(true), json!(false))
                .running("cancel", "disabled", json!(false), json!(true))
                .cancel("cancel", "n_clicks")
                .interval(Duration::from_millis(100)),
        )
        .callback(
            Callback::new(fail)
                .output("failure", "children")
                .input("fail", "n_clicks")
                .prevent_initial_call()
                .progress("bar", "value", json!(0))
                .interval(Duration::from_millis(100))
                .on_error(show_failure),
        )
}

/// The app, mounted under `prefix`.
pub fn app(prefix: &str) -> BuildResult<App> {
    builder(prefix).build()
}
