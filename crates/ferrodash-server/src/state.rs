//! App state shared with callbacks, stored by type.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;

/// Values given with `AppBuilder::with_state`, one per type.
#[derive(Default)]
pub(crate) struct StateMap(HashMap<TypeId, Box<dyn Any + Send + Sync>>);

impl StateMap {
    pub(crate) fn insert<S: Clone + Send + Sync + 'static>(&mut self, value: S) {
        self.0.insert(TypeId::of::<S>(), Box::new(value));
    }

    pub(crate) fn get<S: Clone + 'static>(&self) -> Option<S> {
        self.0
            .get(&TypeId::of::<S>())
            .and_then(|b| b.downcast_ref::<S>())
            .cloned()
    }
}

impl fmt::Debug for StateMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StateMap({} values)", self.0.len())
    }
}
