//! The component tree: what a layout is made of.
//!
//! A [`Component`] is a namespace, a type name and the props that were set. Props
//! hold either plain JSON or [`Node`]s (components, text, numbers and lists of
//! them), so the tree can be walked for ids without guessing from JSON shapes.
//! On the wire a component is `{"props":{…},"type":"…","namespace":"…"}`.

use std::borrow::Cow;

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde_json::{Number, Value};

use crate::id::ComponentId;

/// A component of any library: namespace, type and the props that were set.
///
/// Typed builders (`html::div`, `dcc::dropdown`, …) wrap this; use it directly
/// for components of other libraries.
///
/// ```
/// use ferrodash_core::Component;
/// let c = Component::new("my_library", "Gauge").id("speed").prop("value", 42);
/// assert_eq!(
///     serde_json::to_string(&c).unwrap(),
///     r#"{"props":{"id":"speed","value":42},"type":"Gauge","namespace":"my_library"}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    namespace: Cow<'static, str>,
    type_name: Cow<'static, str>,
    id: Option<ComponentId>,
    props: Vec<(Cow<'static, str>, PropValue)>,
}

/// The value of one prop: plain JSON, or something that may hold components.
#[derive(Debug, Clone, PartialEq)]
pub enum PropValue {
    /// Plain JSON data.
    Json(Value),
    /// Components, text or numbers (children and other node-typed props).
    Node(Node),
}

/// What can be rendered as a child: a component, text, a number, nothing, or a
/// list of these.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Node {
    /// Renders nothing (`null`).
    #[default]
    Null,
    /// Text.
    Text(String),
    /// A number, rendered as text.
    Number(Number),
    /// A component.
    Component(Box<Component>),
    /// Several nodes.
    List(Vec<Self>),
}

impl Component {
    /// A component with no props set.
    #[must_use]
    pub fn new(
        namespace: impl Into<Cow<'static, str>>,
        type_name: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            namespace: namespace.into(),
            type_name: type_name.into(),
            id: None,
            props: Vec::new(),
        }
    }

    /// Sets the component's id.
    #[must_use]
    pub fn id(mut self, id: impl Into<ComponentId>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Sets a JSON prop, replacing an earlier value of the same prop.
    #[must_use]
    pub fn prop(self, name: impl Into<Cow<'static, str>>, value: impl Into<Value>) -> Self {
        self.set(name, PropValue::Json(value.into()))
    }

    /// Sets a prop that holds components (`children` or another node prop).
    #[must_use]
    pub fn node_prop(self, name: impl Into<Cow<'static, str>>, value: impl Into<Node>) -> Self {
        self.set(name, PropValue::Node(value.into()))
    }

    /// Sets `children`.
    #[must_use]
    pub fn children(self, children: impl Into<Node>) -> Self {
        self.node_prop("children", children)
    }

    /// Sets a prop to an already-built [`PropValue`].
    #[must_use]
    pub fn set(mut self, name: impl Into<Cow<'static, str>>, value: PropValue) -> Self {
        let name = name.into();
        if name == "id"
            && let PropValue::Json(v) = &value
            && let Ok(id) = serde_json::from_value::<ComponentId>(v.clone())
        {
            self.id = Some(id);
            return self;
        }
        match self.props.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.props.push((name, value)),
        }
        self
    }

    /// Sets a prop in place (for builders that hold `&mut`).
    pub fn set_in_place(&mut self, name: impl Into<Cow<'static, str>>, value: PropValue) {
        let this = std::mem::replace(self, Self::new("", ""));
        *self = this.set(name, value);
    }

    /// The JavaScript namespace of the component's library.
    #[must_use]
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The component's type name, e.g. `Div` or `Dropdown`.
    #[must_use]
    pub fn type_name(&self) -> &str {
        &self.type_name
    }

    /// The component's id, if set.
    #[must_use]
    pub const fn get_id(&self) -> Option<&ComponentId> {
        self.id.as_ref()
    }

    /// The value of a prop, if set (the id is not a prop here; see [`Self::get_id`]).
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&PropValue> {
        self.props.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The props that were set, in the order they were set.
    pub fn props(&self) -> impl Iterator<Item = (&str, &PropValue)> {
        self.props.iter().map(|(n, v)| (n.as_ref(), v))
    }

    /// Visits this component and every component nested in its node props,
    /// depth first, in layout order.
    pub fn walk<'a>(&'a self, visit: &mut dyn FnMut(&'a Self)) {
        visit(self);
        for (_, value) in &self.props {
            if let PropValue::Node(node) = value {
                node.walk(visit);
            }
        }
    }
}

impl Component {
    /// Visits this component and every component nested in its node props,
    /// depth first, in layout order, each mutably.
    pub fn walk_mut(&mut self, visit: &mut dyn FnMut(&mut Self)) {
        visit(self);
        for (_, value) in &mut self.props {
            if let PropValue::Node(node) = value {
                node.walk_mut(visit);
            }
        }
    }
}

impl Node {
    /// Visits every component in this node, depth first, in layout order,
    /// each mutably.
    pub fn walk_mut(&mut self, visit: &mut dyn FnMut(&mut Component)) {
        match self {
            Self::Component(c) => c.walk_mut(visit),
            Self::List(items) => items.iter_mut().for_each(|n| n.walk_mut(visit)),
            Self::Null | Self::Text(_) | Self::Number(_) => {}
        }
    }

    /// Visits every component in this node, depth first, in layout order.
    pub fn walk<'a>(&'a self, visit: &mut dyn FnMut(&'a Component)) {
        match self {
            Self::Component(c) => c.walk(visit),
            Self::List(items) => items.iter().for_each(|n| n.walk(visit)),
            Self::Null | Self::Text(_) | Self::Number(_) => {}
        }
    }

    /// Serializes this node to a JSON value.
    #[must_use]
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

impl Serialize for Component {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Props<'a>(&'a Component);
        impl Serialize for Props<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let c = self.0;
                let len = c.props.len() + usize::from(c.id.is_some());
                let mut map = serializer.serialize_map(Some(len))?;
                if let Some(id) = &c.id {
                    map.serialize_entry("id", id)?;
                }
                for (name, value) in &c.props {
                    map.serialize_entry(name.as_ref(), value)?;
                }
                map.end()
            }
        }
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("props", &Props(self))?;
        map.serialize_entry("type", self.type_name.as_ref())?;
        map.serialize_entry("namespace", self.namespace.as_ref())?;
        map.end()
    }
}

impl Serialize for PropValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Json(v) => v.serialize(serializer),
            Self::Node(n) => n.serialize(serializer),
        }
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => serializer.serialize_unit(),
            Self::Text(s) => serializer.serialize_str(s),
            Self::Number(n) => n.serialize(serializer),
            Self::Component(c) => c.serialize(serializer),
            Self::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
        }
    }
}

impl From<Component> for Node {
    fn from(value: Component) -> Self {
        Self::Component(Box::new(value))
    }
}
impl From<&str> for Node {
    fn from(value: &str) -> Self {
        Self::Text(value.to_owned())
    }
}
impl From<String> for Node {
    fn from(value: String) -> Self {
        Self::Text(value)
    }
}
impl From<&String> for Node {
    fn from(value: &String) -> Self {
        Self::Text(value.clone())
    }
}
impl From<()> for Node {
    fn from((): ()) -> Self {
        Self::Null
    }
}
impl<T: Into<Self>> From<Option<T>> for Node {
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Null, Into::into)
    }
}
impl<T: Into<Self>> From<Vec<T>> for Node {
    fn from(value: Vec<T>) -> Self {
        Self::List(value.into_iter().map(Into::into).collect())
    }
}
impl<T: Into<Self>, const N: usize> From<[T; N]> for Node {
    fn from(value: [T; N]) -> Self {
        Self::List(value.into_iter().map(Into::into).collect())
    }
}
macro_rules! node_from_number {
    ($($t:ty),*) => {$(
        impl From<$t> for Node {
            fn from(value: $t) -> Self {
                Self::Number(Number::from(value))
            }
        }
    )*};
}
node_from_number!(i8, i16, i32, i64, u8, u16, u32, u64, usize, isize);
impl From<f64> for Node {
    fn from(value: f64) -> Self {
        Number::from_f64(value).map_or(Self::Null, Self::Number)
    }
}

macro_rules! node_from_tuple {
    ($($name:ident),+) => {
        impl<$($name: Into<Node>),+> From<($($name,)+)> for Node {
            #[allow(non_snake_case)]
            fn from(($($name,)+): ($($name,)+)) -> Self {
                Self::List(vec![$($name.into()),+])
            }
        }
    };
}
node_from_tuple!(A);
node_from_tuple!(A, B);
node_from_tuple!(A, B, C);
node_from_tuple!(A, B, C, D);
node_from_tuple!(A, B, C, D, E);
node_from_tuple!(A, B, C, D, E, F);
node_from_tuple!(A, B, C, D, E, F, G);
node_from_tuple!(A, B, C, D, E, F, G, H);
node_from_tuple!(A, B, C, D, E, F, G, H, I);
node_from_tuple!(A, B, C, D, E, F, G, H, I, J);
node_from_tuple!(A, B, C, D, E, F, G, H, I, J, K);
node_from_tuple!(A, B, C, D, E, F, G, H, I, J, K, L);
node_from_tuple!(A, B, C, D, E, F, G, H, I, J, K, L, M);
node_from_tuple!(A, B, C, D, E, F, G, H, I, J, K, L, M, N);
node_from_tuple!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O);
node_from_tuple!(A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_in_dash_form_and_walks() {
        let inner = Component::new("dash_html_components", "Span")
            .id("s")
            .children("hi");
        let outer = Component::new("dash_html_components", "Div")
            .id("d")
            .children((inner, "text", 3));
        assert_eq!(
            serde_json::to_string(&outer).unwrap(),
            concat!(
                r#"{"props":{"id":"d","children":[{"props":{"id":"s","children":"hi"},"#,
                r#""type":"Span","namespace":"dash_html_components"},"text",3]},"#,
                r#""type":"Div","namespace":"dash_html_components"}"#
            )
        );
        let mut ids = Vec::new();
        outer.walk(&mut |c| ids.extend(c.get_id().map(ComponentId::stringify)));
        assert_eq!(ids, ["d", "s"]);
    }

    #[test]
    fn id_prop_is_the_id() {
        let c = Component::new("x", "Y")
            .prop("id", "abc")
            .prop("id", serde_json::json!({"k": 1}));
        assert_eq!(
            c.get_id().map(ComponentId::stringify).as_deref(),
            Some(r#"{"k":1}"#)
        );
    }
}
