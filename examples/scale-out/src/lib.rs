//! Several processes of one app share their background jobs through Redis.
//!
//! A page asks for a report by name; a background job renders it in steps
//! (progress bar, a log line per step) and then delivers it: it appends a
//! line to the delivery ledger, a file every process shares. Behind a load
//! balancer the job may run on any process, and the page's polls and its
//! Cancel may reach any other. When the process running a job dies, another
//! takes the job over once its lease has lapsed and renders it again; the
//! ledger line is written once, at the end.
//!
//! Run two processes (and Redis on 127.0.0.1:6379):
//!
//! ```sh
//! export SCALE_OUT_SECRET_KEY=$(head -c 32 /dev/urandom | base64)
//! SCALE_OUT_ADDR=127.0.0.1:8051 cargo run -p example-scale-out &
//! SCALE_OUT_ADDR=127.0.0.1:8052 cargo run -p example-scale-out &
//! ```

use std::path::PathBuf;
use std::time::Duration;

use ferrodash::prelude::*;
use ferrodash::{AppBuilder, RedisJobQueue};
use tokio::io::AsyncWriteExt;

/// What the report jobs need: where delivered reports are recorded, and how
/// long a step of rendering takes.
#[derive(Debug, Clone)]
pub struct Reports {
    /// The delivery ledger: one line per delivered report.
    pub ledger: PathBuf,
    /// One of the job's steps.
    pub step: Duration,
    /// Steps per report.
    pub steps: u32,
}

/// Renders the report `name`, then records its delivery in the ledger.
async fn render(
    Input(clicks): Input<Option<u64>>,
    State(name): State<Option<String>>,
    progress: Progress,
    set_props: SetProps,
    AppState(reports): AppState<Reports>,
) -> Result<String, CallbackError> {
    clicks.ok_or(PreventUpdate)?;
    let name = name.unwrap_or_default();
    let name = name.trim();
    if name.is_empty() || name.len() > 100 || name.contains(['\n', '\r']) {
        return Ok("Name the report first (one line, at most 100 characters).".to_owned());
    }
    for step in 1..=reports.steps {
        tokio::time::sleep(reports.step).await;
        progress.set(step * 100 / reports.steps);
        set_props.prop(
            "report-log",
            "children",
            format!("{name}: step {step} of {}", reports.steps),
        );
    }
    // The delivery: one line per report, whichever process renders it.
    let line = format!(
        "{} {name} attempt={}\n",
        progress.job_id().unwrap_or("-"),
        progress.attempt()
    );
    let mut ledger = tokio::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&reports.ledger)
        .await
        .map_err(|e| CallbackError::msg(format!("the ledger cannot be opened: {e}")))?;
    ledger
        .write_all(line.as_bytes())
        .await
        .map_err(|e| CallbackError::msg(format!("the ledger cannot be written: {e}")))?;
    Ok(format!(
        "Report {name} delivered (attempt {}).",
        progress.attempt()
    ))
}

/// The app: `queue` is shared by every process, which all have
/// `secret_key`.
pub fn builder(reports: Reports, queue: RedisJobQueue, secret_key: Vec<u8>) -> AppBuilder {
    App::builder()
        .title("Reports on any process")
        .secret_key(secret_key)
        .job_queue(queue)
        .metrics_endpoint(true)
        .with_state(reports)
        .layout(html::div((
            html::h1("Reports"),
            dcc::input("report-name").value("quarterly"),
            html::button("Render").id("render"),
            html::button("Cancel").id("cancel").disabled(true),
            html::progress(())
                .id("report-progress")
                .max("100")
                .value("0"),
            html::div(()).id("report-log"),
            html::div(()).id("report-status"),
        )))
        .callback(
            Callback::new(render)
                .output("report-status", "children")
                .input("render", "n_clicks")
                .state("report-name", "value")
                .prevent_initial_call()
                .background()
                .interval(Duration::from_millis(200))
                .progress("report-progress", "value", json!("0"))
                .running("render", "disabled", json!(true), json!(false))
                .running("cancel", "disabled", json!(false), json!(true))
                .cancel("cancel", "n_clicks")
                .timeout(Duration::from_secs(120)),
        )
}
