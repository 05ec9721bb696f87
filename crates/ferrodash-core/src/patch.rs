//! Partial prop updates: [`Patch`] sends only the change, not the whole value.
//!
//! A patch is a list of operations the renderer applies in order to the prop's
//! current value in the browser (dash-protocol §6.5). Appending a point to a
//! figure with 100,000 points sends one point.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value};

use crate::output::IntoPropValue;

/// One step of a location inside a prop value: an object key or a list index
/// (negative indexes count from the end).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// An object key.
    Key(String),
    /// A list index.
    Index(i64),
}

impl Serialize for PathSegment {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Key(k) => serializer.serialize_str(k),
            Self::Index(i) => serializer.serialize_i64(*i),
        }
    }
}

impl From<&str> for PathSegment {
    fn from(value: &str) -> Self {
        Self::Key(value.to_owned())
    }
}
impl From<String> for PathSegment {
    fn from(value: String) -> Self {
        Self::Key(value)
    }
}
impl From<i64> for PathSegment {
    fn from(value: i64) -> Self {
        Self::Index(value)
    }
}
impl From<i32> for PathSegment {
    fn from(value: i32) -> Self {
        Self::Index(value.into())
    }
}
impl From<usize> for PathSegment {
    fn from(value: usize) -> Self {
        Self::Index(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

/// A location inside a prop value; `()` is the prop's root value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location(pub Vec<PathSegment>);

impl From<()> for Location {
    fn from((): ()) -> Self {
        Self(Vec::new())
    }
}
impl From<&str> for Location {
    fn from(value: &str) -> Self {
        Self(vec![value.into()])
    }
}
impl From<i64> for Location {
    fn from(value: i64) -> Self {
        Self(vec![value.into()])
    }
}
impl<S: Into<PathSegment>, const N: usize> From<[S; N]> for Location {
    fn from(value: [S; N]) -> Self {
        Self(value.into_iter().map(Into::into).collect())
    }
}
impl<S: Into<PathSegment>> From<Vec<S>> for Location {
    fn from(value: Vec<S>) -> Self {
        Self(value.into_iter().map(Into::into).collect())
    }
}

/// Mixed keys and indexes as a tuple: `("data", 0, "x")`.
macro_rules! location_tuple {
    ($($name:ident),+) => {
        impl<$($name: Into<PathSegment>),+> From<($($name,)+)> for Location {
            #[allow(non_snake_case)]
            fn from(($($name,)+): ($($name,)+)) -> Self {
                Self(vec![$($name.into()),+])
            }
        }
    };
}
location_tuple!(A, B);
location_tuple!(A, B, C);
location_tuple!(A, B, C, D);
location_tuple!(A, B, C, D, E);
location_tuple!(A, B, C, D, E, F);

/// The operations a patch can carry, named as on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PatchOperation {
    /// Set the value at the location.
    Assign,
    /// Remove the key or index.
    Delete,
    /// Shallow-merge an object into the object at the location.
    Merge,
    /// Concatenate a list onto the list at the location.
    Extend,
    /// Add one element at the end of the list.
    Append,
    /// Add one element at the start of the list.
    Prepend,
    /// Insert one element at an index of the list.
    Insert,
    /// Add a number (or concatenate text).
    Add,
    /// Subtract a number.
    Sub,
    /// Multiply by a number.
    Mul,
    /// Divide by a number.
    Div,
    /// Replace with an empty value of the same type.
    Clear,
    /// Reverse the list.
    Reverse,
    /// Remove every element deep-equal to a value.
    Remove,
}

impl PatchOperation {
    /// The operation's name on the wire.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Assign => "Assign",
            Self::Delete => "Delete",
            Self::Merge => "Merge",
            Self::Extend => "Extend",
            Self::Append => "Append",
            Self::Prepend => "Prepend",
            Self::Insert => "Insert",
            Self::Add => "Add",
            Self::Sub => "Sub",
            Self::Mul => "Mul",
            Self::Div => "Div",
            Self::Clear => "Clear",
            Self::Reverse => "Reverse",
            Self::Remove => "Remove",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Operation {
    operation: PatchOperation,
    location: Location,
    params: Map<String, Value>,
}

/// A partial update of one prop, applied by the renderer in the browser.
///
/// ```
/// use ferrodash_core::Patch;
/// use serde_json::json;
/// let patch = Patch::new()
///     .append("points", json!({"x": 4}))
///     .assign(["layout", "title"], "Live")
///     .insert("tags", 0, "new");
/// let wire = serde_json::to_value(&patch).unwrap();
/// assert_eq!(wire["operations"][0]["operation"], "Append");
/// assert_eq!(wire["operations"][2]["params"], json!({"value": "new", "index": 0}));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Patch {
    operations: Vec<Operation>,
}

impl Patch {
    /// An empty patch (applying it changes nothing).
    #[must_use]
    pub const fn new() -> Self {
        Self {
            operations: Vec::new(),
        }
    }

    fn push(
        mut self,
        operation: PatchOperation,
        location: Location,
        params: Map<String, Value>,
    ) -> Self {
        self.operations.push(Operation {
            operation,
            location,
            params,
        });
        self
    }

    fn with_value(
        self,
        op: PatchOperation,
        location: impl Into<Location>,
        value: impl IntoPropValue,
    ) -> Self {
        let mut params = Map::new();
        params.insert("value".into(), value.into_prop_value());
        self.push(op, location.into(), params)
    }

    /// Sets the value at `location`.
    #[must_use]
    pub fn assign(self, location: impl Into<Location>, value: impl IntoPropValue) -> Self {
        self.with_value(PatchOperation::Assign, location, value)
    }
    /// Removes the key or index at `location`.
    #[must_use]
    pub fn delete(self, location: impl Into<Location>) -> Self {
        self.push(PatchOperation::Delete, location.into(), Map::new())
    }
    /// Shallow-merges `value` (an object) into the object at `location`.
    #[must_use]
    pub fn merge(self, location: impl Into<Location>, value: impl IntoPropValue) -> Self {
        self.with_value(PatchOperation::Merge, location, value)
    }
    /// Concatenates the list `values` onto the list at `location`.
    #[must_use]
    pub fn extend(self, location: impl Into<Location>, values: impl IntoPropValue) -> Self {
        self.with_value(PatchOperation::Extend, location, values)
    }
    /// Appends `value` to the list at `location`.
    #[must_use]
    pub fn append(self, location: impl Into<Location>, value: impl IntoPropValue) -> Self {
        self.with_value(PatchOperation::Append, location, value)
    }
    /// Prepends `value` to the list at `location`.
    #[must_use]
    pub fn prepend(self, location: impl Into<Location>, value: impl IntoPropValue) -> Self {
        self.with_value(PatchOperation::Prepend, location, value)
    }
    /// Inserts `value` at `index` of the list at `location`.
    #[must_use]
    pub fn insert(
        self,
        location: impl Into<Location>,
        index: i64,
        value: impl IntoPropValue,
    ) -> Self {
        let mut params = Map::new();
        params.insert("value".into(), value.into_prop_value());
        params.insert("index".into(), index.into());
        self.push(PatchOperation::Insert, location.into(), params)
    }
    /// Adds `value` to the number at `location`.
    #[must_use]
    pub fn add(self, location: impl Into<Location>, value: impl IntoPropValue) -> Self {
        self.with_value(PatchOperation::Add, location, value)
    }
    /// Subtracts `value` from the number at `location`.
    #[must_use]
    pub fn sub(self, location: impl Into<Location>, value: impl IntoPropValue) -> Self {
        self.with_value(PatchOperation::Sub, location, value)
    }
    /// Multiplies the number at `location` by `value`.
    #[must_use]
    pub fn mul(self, location: impl Into<Location>, value: impl IntoPropValue) -> Self {
        self.with_value(PatchOperation::Mul, location, value)
    }
    /// Divides the number at `location` by `value`.
    #[must_use]
    pub fn div(self, location: impl Into<Location>, value: impl IntoPropValue) -> Self {
        self.with_value(PatchOperation::Div, location, value)
    }
    /// Empties the value at `location`, keeping its type.
    #[must_use]
    pub fn clear(self, location: impl Into<Location>) -> Self {
        self.push(PatchOperation::Clear, location.into(), Map::new())
    }
    /// Reverses the list at `location`.
    #[must_use]
    pub fn reverse(self, location: impl Into<Location>) -> Self {
        self.push(PatchOperation::Reverse, location.into(), Map::new())
    }
    /// Removes every element of the list at `location` equal to `value`.
    #[must_use]
    pub fn remove(self, location: impl Into<Location>, value: impl IntoPropValue) -> Self {
        self.with_value(PatchOperation::Remove, location, value)
    }

    /// The number of operations.
    #[must_use]
    pub fn len(&self) -> usize {
        self.operations.len()
    }

    /// Whether the patch has no operations.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty()
    }
}

/// The marker key and value of a serialized patch.
pub const PATCH_MARKER: &str = "__dash_patch_update";

impl Serialize for Operation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("operation", self.operation.as_str())?;
        map.serialize_entry("location", &self.location.0)?;
        map.serialize_entry("params", &self.params)?;
        map.end()
    }
}

impl Serialize for Patch {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry(PATCH_MARKER, PATCH_MARKER)?;
        map.serialize_entry("operations", &self.operations)?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_operation_has_its_wire_form() {
        let patch = Patch::new()
            .assign(["layout", "title"], "Live")
            .delete("meta")
            .merge((), json!({"a": 1}))
            .extend("xs", json!([1, 2]))
            .append("points", json!({"x": 4}))
            .prepend("points", 0)
            .insert("tags", 0, "new")
            .add("counter", 1)
            .sub("counter", 2)
            .mul("counter", 3)
            .div("counter", 4)
            .clear("list")
            .reverse("list")
            .remove("list", "x")
            .append(["rows", "-1"], 1)
            .assign(
                vec![PathSegment::Key("r".into()), PathSegment::Index(-1)],
                true,
            );
        let wire = serde_json::to_value(&patch).unwrap();
        assert_eq!(wire["__dash_patch_update"], "__dash_patch_update");
        let ops: Vec<&str> = wire["operations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["operation"].as_str().unwrap())
            .collect();
        assert_eq!(
            ops,
            [
                "Assign", "Delete", "Merge", "Extend", "Append", "Prepend", "Insert", "Add", "Sub",
                "Mul", "Div", "Clear", "Reverse", "Remove", "Append", "Assign"
            ]
        );
        assert_eq!(
            wire["operations"][0]["location"],
            json!(["layout", "title"])
        );
        assert_eq!(wire["operations"][1]["params"], json!({}));
        assert_eq!(wire["operations"][2]["location"], json!([]));
        assert_eq!(wire["operations"][15]["location"], json!(["r", -1]));
    }
}
