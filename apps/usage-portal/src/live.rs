//! The live strip: how fresh the data is, and for admins how ingestion is
//! going, pushed to every open page over its WebSocket as it changes (a
//! persistent callback). When a run writes new data, open reports redraw
//! themselves.
//!
//! One task per process reads the state every few seconds and publishes it;
//! each page's callback waits for changes, so open pages cost no queries.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use ferrodash::prelude::*;
use ferrodash::{Live, SetProps};
use tokio::sync::watch;

use crate::Portal;
use crate::report::ADMIN_GROUP;
use crate::store::{RunRow, Store};

/// What the strip shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiveState {
    /// The last day with usage, `YYYY-MM-DD`.
    pub last_day: Option<String>,
    /// The latest ingestion run.
    pub run: Option<RunRow>,
    /// The data's version: changes when a run writes something.
    pub version: i64,
}

fn time_of(millis: i64) -> String {
    jiff::Timestamp::from_millisecond(millis).map_or_else(
        |_| "?".to_owned(),
        |t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string(),
    )
}

impl LiveState {
    /// The strip's text for `user`: customers see how fresh their data
    /// is, admins also the latest run.
    #[must_use]
    pub fn text_for(&self, user: &Principal) -> String {
        let fresh = self.last_day.as_ref().map_or_else(
            || "No usage data yet.".to_owned(),
            |day| format!("Data up to {day}."),
        );
        if !user.in_group(ADMIN_GROUP) {
            return fresh;
        }
        let run = self.run.as_ref().map_or_else(String::new, |run| {
            if run.outcome == "running" {
                format!(" Ingesting now (started {}).", time_of(run.started_at))
            } else {
                format!(
                    " Last run {} at {}: {} records, {} changed.",
                    run.outcome,
                    time_of(run.finished_at.unwrap_or(run.started_at)),
                    run.records,
                    run.changed
                )
            }
        });
        format!("{fresh}{run}")
    }
}

/// The state, read every few seconds by one task per process.
#[derive(Debug, Clone)]
pub struct LiveFeed {
    sender: Arc<watch::Sender<LiveState>>,
    started: Arc<OnceLock<()>>,
    every: Duration,
}

impl Default for LiveFeed {
    fn default() -> Self {
        Self::new(Duration::from_secs(3))
    }
}

async fn read(store: &Store) -> Option<LiveState> {
    let days = store.days().await.ok()?;
    let run = store.recent_runs(1).await.ok()?.into_iter().next();
    let version = store.data_version().await.ok()?;
    Some(LiveState {
        last_day: days.map(|(_, last)| last),
        run,
        version,
    })
}

impl LiveFeed {
    /// A feed reading the state every `every`.
    #[must_use]
    pub fn new(every: Duration) -> Self {
        Self {
            sender: Arc::new(watch::channel(LiveState::default()).0),
            started: Arc::new(OnceLock::new()),
            every,
        }
    }

    /// The state now and its changes; the reading task starts with the
    /// first subscriber and ends when the feed is dropped.
    pub fn subscribe(&self, store: &Store) -> watch::Receiver<LiveState> {
        let receiver = self.sender.subscribe();
        self.started.get_or_init(|| {
            let sender = Arc::downgrade(&self.sender);
            let (store, every) = (store.clone(), self.every);
            tokio::spawn(async move {
                loop {
                    let state = read(&store).await;
                    let Some(sender) = sender.upgrade() else {
                        return;
                    };
                    if let Some(state) = state {
                        sender.send_if_modified(|current| {
                            let changed = *current != state;
                            *current = state;
                            changed
                        });
                    }
                    drop(sender);
                    tokio::time::sleep(every).await;
                }
            });
        });
        receiver
    }
}

/// The persistent callback: pushes the strip's text as it changes, and the
/// data's version when a run writes new data (the report redraws).
async fn live_usage(
    user: Principal,
    set_props: SetProps,
    live: Live,
    AppState(portal): AppState<Portal>,
) {
    let mut feed = portal.live.subscribe(&portal.store);
    let mut shown: Option<(String, i64)> = None;
    loop {
        let state = feed.borrow_and_update().clone();
        if state != LiveState::default() {
            let text = state.text_for(&user);
            if shown.as_ref().is_none_or(|(t, _)| *t != text) {
                set_props.prop("live-usage", "children", text.clone());
            }
            if let Some((_, version)) = &shown
                && *version != state.version
            {
                set_props.prop("data-version", "data", state.version);
            }
            shown = Some((text, state.version));
        }
        tokio::select! {
            () = live.closed() => return,
            changed = feed.changed() => if changed.is_err() { return },
        }
    }
}

/// The strip and the store of the data's version, for the header.
pub fn strip() -> Node {
    html::div((
        html::span("…").id("live-usage").class_name("live"),
        dcc::store("data-version"),
    ))
    .class_name("live-strip")
    .into()
}

/// The live strip's callback.
pub fn callback() -> Callback {
    Callback::new(live_usage)
        .name("live_usage")
        .persistent()
        .mcp(false)
}
