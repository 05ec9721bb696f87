//! The admin page: the ingestion schedule, the run history, and "Run now".
//! The page and both callbacks require the admin group.

use std::time::Duration;

use ferrodash::AppBuilder;
use ferrodash::prelude::*;

use crate::Portal;
use crate::ingest::{IngestError, Trigger};
use crate::report::ADMIN_GROUP;
use crate::store::RunRow;

/// How many runs the history shows.
const HISTORY: i64 = 20;

/// The admin page.
pub fn page(schedule: &str) -> Node {
    html::div((
        html::h2("Ingestion"),
        html::p(schedule.to_owned()).id("schedule-info"),
        html::div((
            html::button("Run now").id("run-now").class_name("button"),
            html::span(()).id("run-now-status").class_name("status"),
        ))
        .class_name("actions"),
        html::table(()).id("runs-table").class_name("runs"),
        dcc::interval("runs-refresh").interval(5_000),
    ))
    .class_name("admin")
    .into()
}

/// `2026-03-04 02:00:12 UTC` for Unix milliseconds.
fn time_text(ms: Option<i64>) -> String {
    ms.and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
        .map_or_else(
            || "–".to_owned(),
            |t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string(),
        )
}

fn runs_table(runs: &[RunRow]) -> Vec<Component> {
    let head = html::thead(html::tr((
        html::th("Started"),
        html::th("Finished"),
        html::th("Trigger"),
        html::th("Days"),
        html::th("Records"),
        html::th("Changed"),
        html::th("Outcome"),
        html::th("Error"),
    )));
    let rows: Vec<Component> = runs
        .iter()
        .map(|r| {
            html::tr((
                html::td(time_text(Some(r.started_at))),
                html::td(time_text(r.finished_at)),
                html::td(r.run_trigger.clone()),
                html::td(format!("{} to {}", r.from_day, r.to_day)),
                html::td(r.records.to_string()).class_name("number"),
                html::td(r.changed.to_string()).class_name("number"),
                html::td(r.outcome.clone()).class_name(format!("outcome {}", r.outcome)),
                html::td(r.error.clone().unwrap_or_default()).class_name("error"),
            ))
            .into()
        })
        .collect();
    vec![head.into(), html::tbody(rows).into()]
}

async fn history(
    Input(_ticks): Input<Option<u64>>,
    Input(_status): Input<Option<Value>>,
    AppState(portal): AppState<Portal>,
) -> Result<Vec<Component>, CallbackError> {
    Ok(runs_table(&portal.store.recent_runs(HISTORY).await?))
}

async fn run_now(
    Input(clicks): Input<Option<u64>>,
    AppState(portal): AppState<Portal>,
) -> Result<String, CallbackError> {
    clicks.ok_or(PreventUpdate)?;
    let Some(ingestor) = &portal.ingestor else {
        return Ok("This portal has no platform to ingest from.".to_owned());
    };
    let (from, to) = ingestor.last_days(portal.nightly_days);
    match ingestor.run(from, to, Trigger::Manual).await {
        Ok(run) => {
            if let Err(e) = portal.days.refresh(&portal.store).await {
                tracing::warn!(error = %e, "could not read the data's days after a run");
            }
            Ok(format!(
                "Run {} fetched {} records, {} changed.",
                run.id, run.records, run.changed
            ))
        }
        Err(IngestError::Busy) => Ok("A run is already in progress.".to_owned()),
        Err(e) => Ok(format!("The run failed: {e}")),
    }
}

/// Adds the admin page's callbacks to `builder`.
pub fn callbacks(builder: AppBuilder) -> AppBuilder {
    builder
        .callback(
            Callback::new(history)
                .output("runs-table", "children")
                .input("runs-refresh", "n_intervals")
                .input("run-now-status", "children")
                .require_group(ADMIN_GROUP),
        )
        .callback(
            Callback::new(run_now)
                .output("run-now-status", "children")
                .input("run-now", "n_clicks")
                .prevent_initial_call()
                .background()
                .running("run-now", "disabled", json!(true), json!(false))
                .interval(Duration::from_millis(500))
                .require_group(ADMIN_GROUP),
        )
}
