//! Callback arguments: input and state values, and context.
//!
//! A callback function's arguments are read in order: each [`Input`] argument
//! takes the next declared Input's value, each [`State`] argument the next
//! declared State's value. Context arguments ([`Triggered`], [`CallbackContext`],
//! [`SetProps`], [`AppState`]) take no position. When the app is built the
//! number of `Input`/`State` arguments is checked against the declarations.

use ferrodash_core::wire::{DepValue, Resolved};
use ferrodash_core::{CallbackError, ComponentId, parse_stringified_id};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::request::{CallbackRequest, SideUpdates};

/// What an argument is to its callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgRole {
    /// Takes the next Input's value.
    Input,
    /// Takes the next State's value.
    State,
    /// Takes context, no position.
    Context,
}

/// A type that can be an argument of a callback function.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a callback argument",
    label = "not a callback argument",
    note = "use Input<T> or State<T> for values (T: serde::Deserialize), or a context type: \
            Triggered, CallbackContext, SetProps, AppState<S>"
)]
pub trait FromCallbackRequest: Sized + Send + 'static {
    /// Whether the argument takes an Input's or a State's value, or neither.
    const ROLE: ArgRole;

    /// Reads the argument from the request.
    fn from_callback_request(request: &mut CallbackRequest) -> Result<Self, CallbackError>;

    /// The JSON Schema of the value an Input or State argument takes (for
    /// the app's MCP tools); `None` for context arguments.
    fn value_schema() -> Option<Value> {
        None
    }
}

/// The value of the next declared Input, deserialized as `T`.
///
/// A value the browser does not have (`undefined`) reads as `null`, so use
/// `Option<T>` where a prop may be unset (`n_clicks` before the first click).
/// A value of the wrong type is the client's mistake: the request gets a 422
/// naming the input and the expected type. For an ALL or ALLSMALLER pattern
/// the value is the list of matching components' values.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Input<T>(pub T);

/// The value of the next declared State, deserialized as `T`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct State<T>(pub T);

/// The name of a dependency for messages, like `slider.value`.
fn dep_name(entry: Option<&Resolved<DepValue>>) -> String {
    match entry {
        None => String::from("?"),
        Some(Resolved::One(d)) => super::request::key(&d.id, &d.property),
        Some(Resolved::Many(list)) => list.first().map_or_else(
            || "[]".to_owned(),
            |d| format!("[{}…]", super::request::key(&d.id, &d.property)),
        ),
    }
}

/// Deserializes a dependency's value, moving it out of the request; the
/// name is only built when the value does not fit.
fn deserialize<T: DeserializeOwned>(
    role: &str,
    position: usize,
    entry: Option<Resolved<DepValue>>,
) -> Result<T, CallbackError> {
    let (value, entry) = match entry {
        None => (Value::Null, None),
        Some(Resolved::One(mut d)) => (
            d.value.take().unwrap_or(Value::Null),
            Some(Resolved::One(d)),
        ),
        Some(Resolved::Many(mut list)) => (
            Value::Array(
                list.iter_mut()
                    .map(|d| d.value.take().unwrap_or(Value::Null))
                    .collect(),
            ),
            Some(Resolved::Many(list)),
        ),
    };
    serde_json::from_value(value).map_err(|e| CallbackError::InvalidArgument {
        argument: format!("{role} {} (`{}`)", position + 1, dep_name(entry.as_ref())),
        problem: format!("expected {}: {e}", short_type_name::<T>()),
    })
}

fn short_type_name<T>() -> String {
    let full = std::any::type_name::<T>();
    // Drop module paths: alloc::string::String -> String, Option<i64> stays readable.
    let mut out = String::new();
    let mut word = String::new();
    for c in full.chars() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            word.push(c);
        } else {
            out.push_str(word.rsplit("::").next().unwrap_or(&word));
            word.clear();
            out.push(c);
        }
    }
    out.push_str(word.rsplit("::").next().unwrap_or(&word));
    out
}

impl<T: DeserializeOwned + Send + 'static> FromCallbackRequest for Input<T> {
    const ROLE: ArgRole = ArgRole::Input;
    fn from_callback_request(request: &mut CallbackRequest) -> Result<Self, CallbackError> {
        let i = request.next_input;
        request.next_input += 1;
        let entry = request.inputs.get_mut(i).and_then(Option::take);
        deserialize("Input", i, entry).map(Input)
    }

    fn value_schema() -> Option<Value> {
        Some(crate::mcp::schema::of::<T>())
    }
}

impl<T: DeserializeOwned + Send + 'static> FromCallbackRequest for State<T> {
    const ROLE: ArgRole = ArgRole::State;
    fn from_callback_request(request: &mut CallbackRequest) -> Result<Self, CallbackError> {
        let i = request.next_state;
        request.next_state += 1;
        let entry = request.state.get_mut(i).and_then(Option::take);
        deserialize("State", i, entry).map(State)
    }

    fn value_schema() -> Option<Value> {
        Some(crate::mcp::schema::of::<T>())
    }
}

/// One input that fired this callback run.
#[derive(Debug, Clone, PartialEq)]
pub struct TriggeredProp {
    /// `<stringified id>.<prop>`, as Dash's `prop_id`.
    pub prop_id: String,
    /// The component id (a dict id parsed back).
    pub id: ComponentId,
    /// The property.
    pub property: String,
}

/// Which inputs fired this run (Dash's `ctx.triggered`, `ctx.triggered_id`).
///
/// On the page-load call nothing fired and [`Triggered::is_initial_call`] is true.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Triggered {
    props: Vec<TriggeredProp>,
}

impl Triggered {
    pub(crate) fn from_prop_ids(prop_ids: &[String]) -> Self {
        let props = prop_ids
            .iter()
            .filter_map(|prop_id| {
                // The id is everything before the last dot: dict ids contain no dots
                // in their values, props contain none either.
                let (id, property) = prop_id.rsplit_once('.')?;
                Some(TriggeredProp {
                    prop_id: prop_id.clone(),
                    id: parse_stringified_id(id)?,
                    property: property.to_owned(),
                })
            })
            .collect();
        Self { props }
    }

    /// The id of the first input that fired (Dash's `ctx.triggered_id`).
    #[must_use]
    pub fn id(&self) -> Option<&ComponentId> {
        self.props.first().map(|p| &p.id)
    }

    /// The id of the first input that fired, read into a typed value (a
    /// struct with the dict id's keys); `None` when nothing fired or the id
    /// has another shape.
    #[must_use]
    pub fn id_as<T: DeserializeOwned>(&self) -> Option<T> {
        self.id().and_then(|id| id.to_typed().ok())
    }

    /// Whether the component with this (string) id fired.
    #[must_use]
    pub fn is(&self, id: &str) -> bool {
        self.props
            .iter()
            .any(|p| matches!(&p.id, ComponentId::Str(s) if s == id))
    }

    /// Whether `<id>.<prop>` fired.
    #[must_use]
    pub fn contains(&self, prop_id: &str) -> bool {
        self.props.iter().any(|p| p.prop_id == prop_id)
    }

    /// Whether nothing fired: the call made when the page loaded.
    #[must_use]
    pub fn is_initial_call(&self) -> bool {
        self.props.is_empty()
    }

    /// Every input that fired.
    #[must_use]
    pub fn props(&self) -> &[TriggeredProp] {
        &self.props
    }
}

impl FromCallbackRequest for Triggered {
    const ROLE: ArgRole = ArgRole::Context;
    fn from_callback_request(request: &mut CallbackRequest) -> Result<Self, CallbackError> {
        Ok(Self::from_prop_ids(&request.changed_prop_ids))
    }
}

/// The whole callback context, as Dash's `callback_context`: which inputs fired
/// and every input's and state's value by `<id>.<prop>`.
#[derive(Debug, Clone, PartialEq)]
pub struct CallbackContext {
    /// Which inputs fired.
    pub triggered: Triggered,
    /// Every Input's value by `<id>.<prop>`.
    pub inputs: Map<String, Value>,
    /// Every State's value by `<id>.<prop>`.
    pub states: Map<String, Value>,
    /// The request's headers.
    pub headers: http::HeaderMap,
}

impl FromCallbackRequest for CallbackContext {
    const ROLE: ArgRole = ArgRole::Context;
    fn from_callback_request(request: &mut CallbackRequest) -> Result<Self, CallbackError> {
        Ok(Self {
            triggered: Triggered::from_prop_ids(&request.changed_prop_ids),
            inputs: CallbackRequest::values_of(request.inputs.iter().flatten()),
            states: CallbackRequest::values_of(request.state.iter().flatten()),
            headers: request.headers.clone(),
        })
    }
}

/// Updates props of any component besides the callback's outputs (Dash's
/// `set_props`). The updates travel in the same answer as the outputs.
///
/// ```
/// # use ferrodash_server::SetProps;
/// # use serde_json::json;
/// fn notify(set_props: &SetProps) {
///     set_props.set("toast", json!({"children": "Saved", "hidden": false}));
/// }
/// ```
#[derive(Debug, Clone)]
pub struct SetProps {
    updates: SideUpdates,
}

impl SetProps {
    /// Sets props of the component `id`; `props` must be a JSON object of
    /// prop names to values. Later calls for the same id are merged.
    pub fn set(&self, id: impl Into<ComponentId>, props: Value) {
        let props = match props {
            Value::Object(map) => map,
            other => {
                tracing::warn!(value = %other, "set_props needs an object of props; ignored");
                return;
            }
        };
        self.updates.push(id.into().stringify(), props);
    }

    /// Sets one prop of the component `id`.
    pub fn prop(
        &self,
        id: impl Into<ComponentId>,
        property: &str,
        value: impl ferrodash_core::IntoPropValue,
    ) {
        let mut props = Map::new();
        props.insert(property.to_owned(), value.into_prop_value());
        self.updates.push(id.into().stringify(), props);
    }
}

impl FromCallbackRequest for SetProps {
    const ROLE: ArgRole = ArgRole::Context;
    fn from_callback_request(request: &mut CallbackRequest) -> Result<Self, CallbackError> {
        Ok(Self {
            updates: request.side_updates.clone(),
        })
    }
}

/// Shared state given to the app with `AppBuilder::with_state`, by type.
///
/// ```
/// # use ferrodash_server::AppState;
/// #[derive(Clone)]
/// struct Db { url: String }
/// async fn report(AppState(db): AppState<Db>) -> String {
///     db.url.clone()
/// }
/// ```
#[derive(Debug, Clone)]
pub struct AppState<S>(pub S);

impl<S: Clone + Send + Sync + 'static> FromCallbackRequest for AppState<S> {
    const ROLE: ArgRole = ArgRole::Context;
    fn from_callback_request(request: &mut CallbackRequest) -> Result<Self, CallbackError> {
        request.app_state.get::<S>().map(Self).ok_or_else(|| {
            CallbackError::msg(format!(
                "no app state of type {} was given to the app builder's with_state",
                std::any::type_name::<S>()
            ))
        })
    }
}

impl<S> std::ops::Deref for AppState<S> {
    type Target = S;
    fn deref(&self) -> &S {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triggered_parses_dict_ids() {
        let t = Triggered::from_prop_ids(&[
            r#"{"i":2,"k":"b"}.n_clicks"#.to_owned(),
            "btn.n_clicks".to_owned(),
        ]);
        assert_eq!(
            t.id().map(ComponentId::stringify).as_deref(),
            Some(r#"{"i":2,"k":"b"}"#)
        );
        assert!(t.is("btn"));
        assert!(t.contains("btn.n_clicks"));
        assert!(!t.is_initial_call());
        assert!(Triggered::from_prop_ids(&[]).is_initial_call());
    }

    #[test]
    fn short_type_names() {
        assert_eq!(short_type_name::<Option<String>>(), "Option<String>");
        assert_eq!(short_type_name::<Vec<i64>>(), "Vec<i64>");
    }
}
