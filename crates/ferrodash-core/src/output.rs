//! What callbacks return: values for their outputs, or an error.
//!
//! A callback with one output returns anything that implements
//! [`IntoPropValue`]; a callback declared with several outputs returns a tuple
//! with one value per output; a callback with no outputs returns `()`. Any of
//! these may be wrapped in `Result<_, E>` where `E: Into<CallbackError>`.
//! [`NoUpdate`](crate::NoUpdate) leaves one output unchanged, [`PreventUpdate`]
//! leaves them all.

use std::fmt;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::component::{Component, Node};
use crate::patch::Patch;
use crate::{NO_UPDATE_MARKER, NoUpdate};

/// A value that can be written to one output prop.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the value of a callback output",
    label = "not an output value",
    note = "return a String, number, bool, serde_json::Value, a component, Node, Patch, NoUpdate, \
            Option/Vec of those, or wrap any serde type in Json(..)"
)]
pub trait IntoPropValue: Send + 'static {
    /// The JSON written to the prop.
    fn into_prop_value(self) -> Value;
}

/// Wraps any `serde::Serialize` value as an output value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Json<T>(pub T);

impl<T: Serialize + Send + 'static> IntoPropValue for Json<T> {
    fn into_prop_value(self) -> Value {
        serde_json::to_value(&self.0).unwrap_or(Value::Null)
    }
}

impl<T: Into<Component> + Send + 'static> IntoPropValue for T {
    fn into_prop_value(self) -> Value {
        serde_json::to_value(self.into()).unwrap_or(Value::Null)
    }
}

impl IntoPropValue for Node {
    fn into_prop_value(self) -> Value {
        self.to_json()
    }
}
impl IntoPropValue for Value {
    fn into_prop_value(self) -> Value {
        self
    }
}
impl IntoPropValue for String {
    fn into_prop_value(self) -> Value {
        Value::String(self)
    }
}
impl IntoPropValue for &'static str {
    fn into_prop_value(self) -> Value {
        Value::String(self.to_owned())
    }
}
impl IntoPropValue for bool {
    fn into_prop_value(self) -> Value {
        Value::Bool(self)
    }
}
macro_rules! prop_value_from_number {
    ($($t:ty),*) => {$(
        impl IntoPropValue for $t {
            fn into_prop_value(self) -> Value {
                Value::from(self)
            }
        }
    )*};
}
prop_value_from_number!(i8, i16, i32, i64, u8, u16, u32, u64, usize, isize, f32, f64);
impl IntoPropValue for NoUpdate {
    fn into_prop_value(self) -> Value {
        no_update_value()
    }
}
impl IntoPropValue for Patch {
    fn into_prop_value(self) -> Value {
        serde_json::to_value(&self).unwrap_or(Value::Null)
    }
}
impl<T: IntoPropValue> IntoPropValue for Option<T> {
    fn into_prop_value(self) -> Value {
        self.map_or(Value::Null, IntoPropValue::into_prop_value)
    }
}
impl<T: IntoPropValue> IntoPropValue for Vec<T> {
    fn into_prop_value(self) -> Value {
        Value::Array(
            self.into_iter()
                .map(IntoPropValue::into_prop_value)
                .collect(),
        )
    }
}
impl IntoPropValue for Map<String, Value> {
    fn into_prop_value(self) -> Value {
        Value::Object(self)
    }
}

/// The JSON marker for [`NoUpdate`].
#[must_use]
pub fn no_update_value() -> Value {
    let mut m = Map::new();
    m.insert(
        NO_UPDATE_MARKER.into(),
        Value::String(NO_UPDATE_MARKER.into()),
    );
    Value::Object(m)
}

/// Whether a value is the [`NoUpdate`] marker.
#[must_use]
pub fn is_no_update(value: &Value) -> bool {
    matches!(value, Value::Object(m) if m.len() == 1
        && m.get(NO_UPDATE_MARKER).and_then(Value::as_str) == Some(NO_UPDATE_MARKER))
}

/// How many values a return type provides, known when the app is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    /// No outputs: the callback returns `()`.
    None,
    /// One output, declared alone.
    Single,
    /// Outputs declared as a list: the callback returns a tuple of this length.
    Multi(usize),
}

impl Arity {
    /// The number of output values.
    #[must_use]
    pub const fn count(self) -> usize {
        match self {
            Self::None => 0,
            Self::Single => 1,
            Self::Multi(n) => n,
        }
    }
}

/// The values a callback produced, one per declared output.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub enum CallbackOutputs {
    /// A no-output callback finished.
    None,
    /// The value of the single output.
    Single(Value),
    /// One value per output.
    Multi(Vec<Value>),
}

/// What a callback function may return.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a valid callback return type",
    label = "invalid callback return type",
    note = "return one output value, a tuple with one value per output, or `()` for no outputs, \
            optionally inside Result<_, E> where E: Into<CallbackError>"
)]
pub trait IntoCallbackOutput: Send + 'static {
    /// How many outputs this return type fills.
    const ARITY: Arity;
    /// Converts the returned value.
    fn into_callback_output(self) -> Result<CallbackOutputs, CallbackError>;
}

impl<T: IntoPropValue> IntoCallbackOutput for T {
    const ARITY: Arity = Arity::Single;
    fn into_callback_output(self) -> Result<CallbackOutputs, CallbackError> {
        Ok(CallbackOutputs::Single(self.into_prop_value()))
    }
}

impl IntoCallbackOutput for () {
    const ARITY: Arity = Arity::None;
    fn into_callback_output(self) -> Result<CallbackOutputs, CallbackError> {
        Ok(CallbackOutputs::None)
    }
}

impl<T: IntoCallbackOutput, E: Into<CallbackError> + Send + 'static> IntoCallbackOutput
    for Result<T, E>
{
    const ARITY: Arity = T::ARITY;
    fn into_callback_output(self) -> Result<CallbackOutputs, CallbackError> {
        self.map_err(Into::into)?.into_callback_output()
    }
}

macro_rules! outputs_tuple {
    ($n:literal; $($name:ident),+) => {
        impl<$($name: IntoPropValue),+> IntoCallbackOutput for ($($name,)+) {
            const ARITY: Arity = Arity::Multi($n);
            #[allow(non_snake_case)]
            fn into_callback_output(self) -> Result<CallbackOutputs, CallbackError> {
                let ($($name,)+) = self;
                Ok(CallbackOutputs::Multi(vec![$($name.into_prop_value()),+]))
            }
        }
    };
}
outputs_tuple!(1; A);
outputs_tuple!(2; A, B);
outputs_tuple!(3; A, B, C);
outputs_tuple!(4; A, B, C, D);
outputs_tuple!(5; A, B, C, D, E);
outputs_tuple!(6; A, B, C, D, E, F);
outputs_tuple!(7; A, B, C, D, E, F, G);
outputs_tuple!(8; A, B, C, D, E, F, G, H);
outputs_tuple!(9; A, B, C, D, E, F, G, H, I);
outputs_tuple!(10; A, B, C, D, E, F, G, H, I, J);
outputs_tuple!(11; A, B, C, D, E, F, G, H, I, J, K);
outputs_tuple!(12; A, B, C, D, E, F, G, H, I, J, K, L);

/// Stops the update: no output changes and callbacks that depend on the
/// outputs do not run (the server answers 204).
///
/// ```
/// use ferrodash_core::{CallbackError, PreventUpdate};
/// fn update(clicks: Option<u32>) -> Result<String, CallbackError> {
///     let clicks = clicks.ok_or(PreventUpdate)?;
///     Ok(format!("clicked {clicks} times"))
/// }
/// assert!(update(None).unwrap_err().is_prevent_update());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PreventUpdate;

/// Why a callback produced no values.
#[non_exhaustive]
pub enum CallbackError {
    /// The callback asked for no update ([`PreventUpdate`]): 204.
    PreventUpdate,
    /// An argument could not be read from the request: a client error (4xx).
    InvalidArgument {
        /// Which argument, like `Input 1 (slider.value)`.
        argument: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The callback failed: a server error (500) with a correlation id.
    Failed(Box<dyn std::error::Error + Send + Sync + 'static>),
}

impl CallbackError {
    /// A failure with a message.
    pub fn msg(message: impl fmt::Display) -> Self {
        Self::Failed(message.to_string().into())
    }

    /// Whether this is [`PreventUpdate`].
    #[must_use]
    pub const fn is_prevent_update(&self) -> bool {
        matches!(self, Self::PreventUpdate)
    }

    /// The first error of type `T` in a failure's chain of causes (the
    /// failure itself included).
    #[must_use]
    pub fn find_cause<T: std::error::Error + 'static>(&self) -> Option<&T> {
        let Self::Failed(source) = self else {
            return None;
        };
        let mut current: Option<&(dyn std::error::Error + 'static)> = Some(source.as_ref());
        while let Some(error) = current {
            if let Some(found) = error.downcast_ref::<T>() {
                return Some(found);
            }
            current = error.source();
        }
        None
    }
}

/// A service a callback needs (its database, say) cannot be reached now.
/// An error with this among its causes is answered 503 with `Retry-After`,
/// naming it, rather than 500: the request is fine and may be tried again
/// shortly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ServiceUnavailable(pub String);

impl fmt::Debug for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PreventUpdate => f.write_str("PreventUpdate"),
            Self::InvalidArgument { argument, problem } => f
                .debug_struct("InvalidArgument")
                .field("argument", argument)
                .field("problem", problem)
                .finish(),
            Self::Failed(e) => f.debug_tuple("Failed").field(e).finish(),
        }
    }
}

impl fmt::Display for CallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PreventUpdate => f.write_str("the callback prevented the update"),
            Self::InvalidArgument { argument, problem } => write!(f, "{argument}: {problem}"),
            Self::Failed(e) => {
                write!(f, "{e}")?;
                let mut source = e.source();
                while let Some(s) = source {
                    write!(f, ": {s}")?;
                    source = s.source();
                }
                Ok(())
            }
        }
    }
}

impl From<PreventUpdate> for CallbackError {
    fn from(PreventUpdate: PreventUpdate) -> Self {
        Self::PreventUpdate
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for CallbackError {
    fn from(error: E) -> Self {
        Self::Failed(Box::new(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn arities_are_known_statically() {
        assert_eq!(<String as IntoCallbackOutput>::ARITY, Arity::Single);
        assert_eq!(
            <(String, Patch, NoUpdate) as IntoCallbackOutput>::ARITY,
            Arity::Multi(3)
        );
        assert_eq!(
            <Result<(i64,), CallbackError> as IntoCallbackOutput>::ARITY,
            Arity::Multi(1)
        );
        assert_eq!(<() as IntoCallbackOutput>::ARITY, Arity::None);
    }

    #[test]
    fn values_and_markers() {
        let out = ("a", NoUpdate, Some(3)).into_callback_output().unwrap();
        let CallbackOutputs::Multi(values) = out else {
            panic!()
        };
        assert_eq!(values[0], json!("a"));
        assert!(is_no_update(&values[1]));
        assert_eq!(values[2], json!(3));
        let c = Component::new("ns", "T").id("x");
        assert_eq!(c.into_prop_value()["type"], "T");
        let e: CallbackError = std::io::Error::other("disk").into();
        assert_eq!(e.to_string(), "disk");
    }
}
