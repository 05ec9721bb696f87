//! Problems found when an app is built, all reported at once.

use std::fmt;

use crate::id::IdProblem;

/// What a dependency is to its callback, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// An Output.
    Output,
    /// An Input.
    Input,
    /// A State.
    State,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Output => "Output",
            Self::Input => "Input",
            Self::State => "State",
        })
    }
}

/// One problem with an app's layout, callbacks or settings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Two callbacks write the same prop and the later one did not allow duplicates.
    #[error(
        "callback `{second}` writes `{output}`, which callback `{first}` already writes; \
         add allow_duplicate to the output (and prevent_initial_call) if both should write it"
    )]
    DuplicateOutput {
        /// `<id>.<prop>` written twice.
        output: String,
        /// The callback registered first.
        first: String,
        /// The callback registered later.
        second: String,
    },
    /// A callback lists the same output twice.
    #[error("callback `{callback}` lists output `{output}` more than once")]
    RepeatedOutput {
        /// The callback.
        callback: String,
        /// `<id>.<prop>`.
        output: String,
    },
    /// `allow_duplicate` without preventing the initial call.
    #[error(
        "callback `{callback}`: output `{output}` allows duplicates, which needs \
         prevent_initial_call (or InitialCall::InitialDuplicate)"
    )]
    DuplicateNeedsPreventInitialCall {
        /// The callback.
        callback: String,
        /// `<id>.<prop>`.
        output: String,
    },
    /// Callbacks feed each other in a loop.
    #[error("circular dependency between callbacks {callbacks:?}: {}", cycle.join(" -> "))]
    CircularDependency {
        /// The props in the loop, `<id>.<prop>`.
        cycle: Vec<String>,
        /// The callbacks involved.
        callbacks: Vec<String>,
    },
    /// A callback's output is also one of its own inputs.
    #[error(
        "callback `{callback}`: `{prop}` is both an output and an input; if the callback \
         keeps components in sync and checks which input fired, call allow_self_loop()"
    )]
    SelfLoop {
        /// The callback.
        callback: String,
        /// `<id>.<prop>`.
        prop: String,
    },
    /// A callback uses an id that no layout has.
    #[error(
        "callback `{callback}`: {role} id `{id}` (property `{property}`) is not in the layout; \
         add it, or set suppress_callback_exceptions if it is created later"
    )]
    UnknownId {
        /// The callback.
        callback: String,
        /// Output, Input or State.
        role: Role,
        /// The stringified id.
        id: String,
        /// The property.
        property: String,
    },
    /// A callback uses a prop that the component does not have.
    #[error(
        "callback `{callback}`: {role} `{id}.{property}`: component `{id}` is a {namespace}.{type_name}, \
         which has no prop `{property}`"
    )]
    UnknownProp {
        /// The callback.
        callback: String,
        /// Output, Input or State.
        role: Role,
        /// The stringified id.
        id: String,
        /// The property.
        property: String,
        /// The component's namespace.
        namespace: String,
        /// The component's type.
        type_name: String,
    },
    /// Two components of the layout share an id.
    #[error("duplicate component id `{id}` in the layout ({count} components have it)")]
    DuplicateLayoutId {
        /// The stringified id.
        id: String,
        /// How many components have it.
        count: usize,
    },
    /// An id the renderer cannot parse.
    #[error("{location}: id `{id}` cannot be used: {problem}")]
    UnparseableId {
        /// Where the id is: `layout` or `callback `name``.
        location: String,
        /// The stringified id.
        id: String,
        /// What is wrong.
        problem: IdProblem,
    },
    /// The handler's return type gives a different number of values than outputs declared.
    #[error(
        "callback `{callback}` declares {declared} output(s) but its return type gives {returned}"
    )]
    OutputCount {
        /// The callback.
        callback: String,
        /// Outputs declared with `.output(..)`.
        declared: usize,
        /// Values the return type provides.
        returned: usize,
    },
    /// The handler takes a different number of Input/State arguments than declared.
    #[error(
        "callback `{callback}` declares {declared} {role}(s) but its function takes {taken} {role} argument(s)"
    )]
    ArgumentCount {
        /// The callback.
        callback: String,
        /// Input or State.
        role: Role,
        /// Dependencies declared.
        declared: usize,
        /// Arguments the function takes.
        taken: usize,
    },
    /// A wildcard where Dash does not allow it (dash-protocol §7.4).
    #[error("callback `{callback}`: {role} `{id}`: {problem}")]
    WildcardMisuse {
        /// The callback.
        callback: String,
        /// Output, Input or State.
        role: Role,
        /// The stringified pattern.
        id: String,
        /// What is wrong.
        problem: String,
    },
    /// Two outputs whose patterns can write the same prop of one component.
    #[error("outputs `{first}` and `{second}` overlap: one component could be written by both")]
    OverlappingOutputs {
        /// `callback: <id>.<prop>` of the first.
        first: String,
        /// `callback: <id>.<prop>` of the second.
        second: String,
    },
    /// A clientside callback's function reference cannot be used.
    #[error("clientside callback `{callback}`: {problem}")]
    InvalidClientsideFunction {
        /// The callback.
        callback: String,
        /// What is wrong.
        problem: String,
    },
    /// The app has no layout.
    #[error("the app has no layout: call .layout(..) on the builder")]
    NoLayout,
    /// A setting is invalid.
    #[error("setting `{setting}`: {problem}")]
    InvalidSetting {
        /// The setting's name.
        setting: &'static str,
        /// What is wrong.
        problem: String,
    },
}

/// Every problem found while building an app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildErrors(pub Vec<BuildError>);

impl BuildErrors {
    /// The problems.
    #[must_use]
    pub fn errors(&self) -> &[BuildError] {
        &self.0
    }
}

impl fmt::Display for BuildErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "the app has {} problem(s):", self.0.len())?;
        for (i, e) in self.0.iter().enumerate() {
            writeln!(f, "  {}. {e}", i + 1)?;
        }
        Ok(())
    }
}

impl std::error::Error for BuildErrors {}
