//! The data of one callback run, from which arguments are extracted.

use std::sync::{Arc, Mutex};

use ferrodash_core::wire::{DepValue, Resolved};
use ferrodash_core::{CallbackSpec, ComponentId};
use http::HeaderMap;
use serde_json::{Map, Value};

use crate::state::StateMap;

pub use ferrodash_jobs::PropsUpdate;

/// Where `set_props` updates of a callback run go.
#[derive(Debug, Clone)]
pub(crate) enum SideUpdates {
    /// Collected into the answer (`sideUpdate`).
    Collect(Arc<Mutex<Vec<PropsUpdate>>>),
    /// To a background job's link, delivered on the page's polls.
    Job(ferrodash_jobs::JobLink),
    /// Sent to the page at once (a WebSocket callback).
    Live(crate::ws::LiveLink),
}

impl Default for SideUpdates {
    fn default() -> Self {
        Self::Collect(Arc::default())
    }
}

impl SideUpdates {
    pub(crate) fn push(&self, id: String, props: Map<String, Value>) {
        match self {
            Self::Collect(list) => list
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push((id, props)),
            Self::Job(link) => link.push_side_update(id, props),
            Self::Live(link) => link.set_props(&id, props),
        }
    }

    /// The updates collected for the answer (none for the other kinds).
    pub(crate) fn take(&self) -> Vec<PropsUpdate> {
        match self {
            Self::Collect(list) => std::mem::take(
                &mut *list
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
            ),
            Self::Job(_) | Self::Live(_) => Vec::new(),
        }
    }
}

/// Everything a callback's arguments are extracted from: the values the
/// browser sent, which inputs fired, and the app's shared state.
pub struct CallbackRequest {
    pub(crate) spec: Arc<CallbackSpec>,
    pub(crate) inputs: Vec<Option<Resolved<DepValue>>>,
    pub(crate) state: Vec<Option<Resolved<DepValue>>>,
    pub(crate) changed_prop_ids: Vec<String>,
    pub(crate) side_updates: SideUpdates,
    pub(crate) headers: HeaderMap,
    pub(crate) app_state: Arc<StateMap>,
    /// The logged-in user, if any.
    pub(crate) user: Option<ferrodash_auth::Principal>,
    /// Who cached and stored data belongs to.
    pub(crate) scope: ferrodash_cache::Scope,
    /// Set when the callback runs as a background job.
    pub(crate) job: Option<ferrodash_jobs::JobLink>,
    /// Set when the callback runs for a WebSocket request.
    pub(crate) live: Option<crate::ws::LiveLink>,
    pub(crate) next_input: usize,
    pub(crate) next_state: usize,
}

impl std::fmt::Debug for CallbackRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackRequest")
            .field("callback", &self.spec.name)
            .field("inputs", &self.inputs)
            .field("state", &self.state)
            .field("changed_prop_ids", &self.changed_prop_ids)
            .finish_non_exhaustive()
    }
}

impl CallbackRequest {
    /// The callback's declaration.
    #[must_use]
    pub fn spec(&self) -> &CallbackSpec {
        &self.spec
    }

    /// The request's HTTP headers.
    #[must_use]
    pub const fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// `<id>.<prop>` of the inputs that fired; empty when the page loaded.
    #[must_use]
    pub fn changed_prop_ids(&self) -> &[String] {
        &self.changed_prop_ids
    }

    /// Every Input's value by `<id>.<prop>`, wildcard lists flattened.
    pub(crate) fn values_of<'a>(
        list: impl IntoIterator<Item = &'a Resolved<DepValue>>,
    ) -> Map<String, Value> {
        let mut map = Map::new();
        for entry in list {
            match entry {
                Resolved::One(d) => {
                    map.insert(
                        key(&d.id, &d.property),
                        d.value.clone().unwrap_or(Value::Null),
                    );
                }
                Resolved::Many(ds) => {
                    for d in ds {
                        map.insert(
                            key(&d.id, &d.property),
                            d.value.clone().unwrap_or(Value::Null),
                        );
                    }
                }
            }
        }
        map
    }
}

pub(crate) fn key(id: &ComponentId, property: &str) -> String {
    let mut s = id.stringify();
    s.push('.');
    s.push_str(property);
    s
}
