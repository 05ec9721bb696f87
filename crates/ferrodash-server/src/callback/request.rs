//! The data of one callback run, from which arguments are extracted.

use std::sync::{Arc, Mutex};

use ferrodash_core::wire::{DepValue, Resolved};
use ferrodash_core::{CallbackSpec, ComponentId};
use http::HeaderMap;
use serde_json::{Map, Value};

use crate::background::JobShared;
use crate::state::StateMap;

/// Props of one component set with `set_props`: the stringified id and the props.
pub type PropsUpdate = (String, Map<String, Value>);

/// Side updates (`set_props`) collected while a callback runs.
#[derive(Debug, Clone, Default)]
pub(crate) struct SideUpdates(Arc<Mutex<Vec<PropsUpdate>>>);

impl SideUpdates {
    pub(crate) fn push(&self, id: String, props: Map<String, Value>) {
        let mut guard = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        guard.push((id, props));
    }

    pub(crate) fn take(&self) -> Vec<PropsUpdate> {
        let mut guard = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        std::mem::take(&mut *guard)
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
    pub(crate) job: Option<Arc<JobShared>>,
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
    pub(crate) fn values_of(list: &[Option<Resolved<DepValue>>]) -> Map<String, Value> {
        let mut map = Map::new();
        for entry in list.iter().flatten() {
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
