//! Component ids: plain strings or dict ids, and pattern-matching wildcards.
//!
//! Dash identifies components by a string or by a dict of scalar values. Wherever
//! an id acts as a key on the wire (callback output strings, response keys,
//! `changedPropIds`), it is *stringified*: a string id is used as is, a dict id is
//! written as compact JSON with its keys sorted. ferrodash writes numbers and
//! non-ASCII text the way the renderer's JavaScript does, so keys always match.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::Number;

use crate::js_number::write_js_number;

/// A pattern-matching wildcard used in the ids of callback dependencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Wildcard {
    /// Matches the same value as the triggering component (`MATCH`).
    Match,
    /// Matches every value (`ALL`).
    All,
    /// Matches values smaller than the triggering component's (`ALLSMALLER`).
    AllSmaller,
}

impl Wildcard {
    /// The name Dash uses on the wire: `MATCH`, `ALL` or `ALLSMALLER`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Match => "MATCH",
            Self::All => "ALL",
            Self::AllSmaller => "ALLSMALLER",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        match name {
            "MATCH" => Some(Self::Match),
            "ALL" => Some(Self::All),
            "ALLSMALLER" => Some(Self::AllSmaller),
            _ => None,
        }
    }
}

/// Shorthand for [`Wildcard::Match`] in dict ids.
pub const MATCH: IdValue = IdValue::Wildcard(Wildcard::Match);
/// Shorthand for [`Wildcard::All`] in dict ids.
pub const ALL: IdValue = IdValue::Wildcard(Wildcard::All);
/// Shorthand for [`Wildcard::AllSmaller`] in dict ids.
pub const ALLSMALLER: IdValue = IdValue::Wildcard(Wildcard::AllSmaller);

/// One value of a dict id: a string, a number, a boolean, or (in callback
/// dependencies only) a wildcard.
#[derive(Debug, Clone, PartialEq)]
pub enum IdValue {
    /// A string value.
    Str(String),
    /// A number value.
    Num(Number),
    /// A boolean value.
    Bool(bool),
    /// A pattern-matching wildcard; only valid in callback dependencies.
    Wildcard(Wildcard),
}

impl IdValue {
    fn write_js(&self, out: &mut String) {
        match self {
            Self::Str(s) => write_js_string(out, s),
            Self::Num(n) => write_js_number(out, n),
            Self::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Self::Wildcard(w) => {
                out.push_str("[\"");
                out.push_str(w.as_str());
                out.push_str("\"]");
            }
        }
    }

    /// Whether this value is a wildcard.
    #[must_use]
    pub const fn is_wildcard(&self) -> bool {
        matches!(self, Self::Wildcard(_))
    }
}

impl From<&str> for IdValue {
    fn from(value: &str) -> Self {
        Self::Str(value.to_owned())
    }
}
impl From<String> for IdValue {
    fn from(value: String) -> Self {
        Self::Str(value)
    }
}
impl From<bool> for IdValue {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}
impl From<Wildcard> for IdValue {
    fn from(value: Wildcard) -> Self {
        Self::Wildcard(value)
    }
}
macro_rules! id_value_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for IdValue {
            fn from(value: $t) -> Self {
                Self::Num(Number::from(value))
            }
        }
    )*};
}
id_value_from_int!(i8, i16, i32, i64, u8, u16, u32, u64, usize, isize);

impl From<f64> for IdValue {
    /// Non-finite floats have no JSON form; they become the number 0.
    /// Prefer integers or strings in ids.
    fn from(value: f64) -> Self {
        Number::from_f64(value).map_or(Self::Num(Number::from(0)), Self::Num)
    }
}

/// A component id: a plain string or a dict of scalar values.
///
/// ```
/// use ferrodash_core::{ComponentId, MATCH};
/// let plain = ComponentId::from("total");
/// assert_eq!(plain.stringify(), "total");
/// let dict = ComponentId::dict([("row", 3.into()), ("kind", "cell".into())]);
/// assert_eq!(dict.stringify(), r#"{"kind":"cell","row":3}"#);
/// let pattern = ComponentId::dict([("kind", "cell".into()), ("row", MATCH)]);
/// assert_eq!(pattern.stringify(), r#"{"kind":"cell","row":["MATCH"]}"#);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum ComponentId {
    /// A plain string id.
    Str(String),
    /// A dict id, keys sorted.
    Dict(BTreeMap<String, IdValue>),
}

impl ComponentId {
    /// Builds a dict id from key/value pairs.
    pub fn dict<K: Into<String>>(entries: impl IntoIterator<Item = (K, IdValue)>) -> Self {
        Self::Dict(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A dict id from any value that serializes to a map of scalars, such as
    /// a struct; a field holding [`MATCH`], [`ALL`] or [`ALLSMALLER`] makes it
    /// a pattern.
    ///
    /// ```
    /// use ferrodash_core::{ComponentId, IdValue, MATCH};
    /// #[derive(serde::Serialize)]
    /// struct Card<I> { kind: &'static str, index: I }
    /// let id = ComponentId::from_serialize(&Card { kind: "card", index: 2 }).unwrap();
    /// assert_eq!(id.stringify(), r#"{"index":2,"kind":"card"}"#);
    /// let pattern = ComponentId::from_serialize(&Card { kind: "card", index: MATCH }).unwrap();
    /// assert_eq!(pattern.stringify(), r#"{"index":["MATCH"],"kind":"card"}"#);
    /// ```
    pub fn from_serialize<T: Serialize + ?Sized>(value: &T) -> Result<Self, serde_json::Error> {
        serde_json::to_value(value).and_then(serde_json::from_value)
    }

    /// Reads this id into a typed value, such as the struct it was made from.
    pub fn to_typed<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::to_value(self).and_then(serde_json::from_value)
    }

    /// The id written as Dash writes it wherever an id is a string key.
    #[must_use]
    pub fn stringify(&self) -> String {
        let mut out = String::new();
        self.write_stringified(&mut out);
        out
    }

    /// Appends the stringified id to `out`.
    pub fn write_stringified(&self, out: &mut String) {
        match self {
            Self::Str(s) => out.push_str(s),
            Self::Dict(map) => {
                out.push('{');
                for (i, (key, value)) in map.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_js_string(out, key);
                    out.push(':');
                    value.write_js(out);
                }
                out.push('}');
            }
        }
    }

    /// Whether any value of this id is a wildcard.
    #[must_use]
    pub fn has_wildcard(&self) -> bool {
        match self {
            Self::Str(_) => false,
            Self::Dict(map) => map.values().any(IdValue::is_wildcard),
        }
    }

    /// The wildcards of this id with their keys.
    pub fn wildcards(&self) -> impl Iterator<Item = (&str, Wildcard)> {
        let map = match self {
            Self::Str(_) => None,
            Self::Dict(map) => Some(map),
        };
        map.into_iter().flatten().filter_map(|(k, v)| match v {
            IdValue::Wildcard(w) => Some((k.as_str(), *w)),
            _ => None,
        })
    }

    /// Checks that the renderer can parse this id, returning the problem if not.
    ///
    /// String ids may not be empty or contain `.` or `{`; dict ids need at least
    /// one key, keys must be non-empty, and string values may not contain `.`
    /// (Dash escapes such dots in output strings and the renderer then fails).
    pub fn check_parseable(&self) -> Result<(), IdProblem> {
        match self {
            Self::Str(s) if s.is_empty() => Err(IdProblem::Empty),
            Self::Str(s) if s.contains('.') => Err(IdProblem::Dot),
            Self::Str(s) if s.starts_with('{') || s.contains('{') => Err(IdProblem::Brace),
            Self::Str(_) => Ok(()),
            Self::Dict(map) if map.is_empty() => Err(IdProblem::Empty),
            Self::Dict(map) => {
                if map.keys().any(String::is_empty) {
                    return Err(IdProblem::EmptyKey);
                }
                if map
                    .values()
                    .any(|v| matches!(v, IdValue::Str(s) if s.contains('.')))
                {
                    return Err(IdProblem::DotInValue);
                }
                Ok(())
            }
        }
    }

    /// Whether a concrete id matches this (possibly wildcard) pattern: same
    /// keys, equal values wherever the pattern has no wildcard.
    #[must_use]
    pub fn matches(&self, concrete: &Self) -> bool {
        match (self, concrete) {
            (Self::Str(a), Self::Str(b)) => a == b,
            (Self::Dict(pattern), Self::Dict(id)) => {
                pattern.len() == id.len()
                    && pattern.iter().all(|(k, pv)| match id.get(k) {
                        None => false,
                        Some(v) => pv.is_wildcard() || ids_values_equal(pv, v),
                    })
            }
            _ => false,
        }
    }
}

fn ids_values_equal(a: &IdValue, b: &IdValue) -> bool {
    match (a, b) {
        (IdValue::Num(x), IdValue::Num(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// Why the renderer could not parse an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdProblem {
    /// The id is an empty string or an empty dict.
    #[error("the id is empty")]
    Empty,
    /// A string id contains a dot, which separates ids from props.
    #[error("string ids may not contain `.` (it separates the id from the property)")]
    Dot,
    /// A string id contains `{`, which marks dict ids.
    #[error("string ids may not contain `{{` (it marks dict ids)")]
    Brace,
    /// A dict id has an empty key.
    #[error("dict id keys must be non-empty")]
    EmptyKey,
    /// A string value of a dict id contains a dot.
    #[error("dict id values may not contain `.`: the renderer cannot parse such ids in outputs")]
    DotInValue,
}

impl fmt::Display for ComponentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.stringify())
    }
}

impl From<&str> for ComponentId {
    fn from(value: &str) -> Self {
        Self::Str(value.to_owned())
    }
}
impl From<String> for ComponentId {
    fn from(value: String) -> Self {
        Self::Str(value)
    }
}
impl From<&String> for ComponentId {
    fn from(value: &String) -> Self {
        Self::Str(value.clone())
    }
}
impl From<&Self> for ComponentId {
    fn from(value: &Self) -> Self {
        value.clone()
    }
}

/// Writes a string as `JSON.stringify` does: quotes, backslash escapes for `"`
/// and `\`, short escapes for common control characters, `\u00XX` for the rest,
/// non-ASCII text written raw.
pub(crate) fn write_js_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

impl Serialize for IdValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Str(s) => serializer.serialize_str(s),
            Self::Num(n) => n.serialize(serializer),
            Self::Bool(b) => serializer.serialize_bool(*b),
            Self::Wildcard(w) => {
                let mut seq = serializer.serialize_seq(Some(1))?;
                seq.serialize_element(w.as_str())?;
                seq.end()
            }
        }
    }
}

impl Serialize for ComponentId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Str(s) => serializer.serialize_str(s),
            Self::Dict(map) => {
                let mut m = serializer.serialize_map(Some(map.len()))?;
                for (k, v) in map {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
    }
}

struct IdValueVisitor;

impl<'de> Visitor<'de> for IdValueVisitor {
    type Value = IdValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number or boolean id value, or a wildcard like [\"MATCH\"]")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<IdValue, E> {
        Ok(IdValue::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<IdValue, E> {
        Ok(IdValue::Num(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<IdValue, E> {
        Ok(IdValue::Num(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<IdValue, E> {
        Number::from_f64(v)
            .map(IdValue::Num)
            .ok_or_else(|| E::custom("id values must be finite numbers"))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<IdValue, E> {
        Ok(IdValue::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<IdValue, E> {
        Ok(IdValue::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<IdValue, A::Error> {
        let name: String = seq
            .next_element()?
            .ok_or_else(|| de::Error::custom("a wildcard array needs one name"))?;
        if seq.next_element::<de::IgnoredAny>()?.is_some() {
            return Err(de::Error::custom("a wildcard array holds exactly one name"));
        }
        Wildcard::from_name(&name)
            .map(IdValue::Wildcard)
            .ok_or_else(|| de::Error::custom(format!("unknown wildcard `{name}`")))
    }
}

impl<'de> Deserialize<'de> for IdValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(IdValueVisitor)
    }
}

struct ComponentIdVisitor;

impl<'de> Visitor<'de> for ComponentIdVisitor {
    type Value = ComponentId;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a component id (a string or an object of scalar values)")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<ComponentId, E> {
        Ok(ComponentId::Str(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<ComponentId, E> {
        Ok(ComponentId::Str(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<ComponentId, A::Error> {
        let mut map = BTreeMap::new();
        while let Some((key, value)) = access.next_entry::<String, IdValue>()? {
            map.insert(key, value);
        }
        Ok(ComponentId::Dict(map))
    }
}

impl<'de> Deserialize<'de> for ComponentId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ComponentIdVisitor)
    }
}

/// Parses a stringified id back: text starting with `{` is a dict id.
///
/// Used for the ids inside `changedPropIds`.
pub fn parse_stringified_id(text: &str) -> Option<ComponentId> {
    if text.starts_with('{') {
        serde_json::from_str(text).ok()
    } else {
        Some(ComponentId::Str(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn stringifies_like_the_renderer() {
        let id = ComponentId::dict([("row", 3.into()), ("kind", "cell".into())]);
        assert_eq!(id.stringify(), r#"{"kind":"cell","row":3}"#);
        let id = ComponentId::dict([("a", 1.0.into()), ("b", "é\"".into()), ("c", true.into())]);
        assert_eq!(id.stringify(), r#"{"a":1,"b":"é\"","c":true}"#);
        let pattern = ComponentId::dict([("i", ALLSMALLER)]);
        assert_eq!(pattern.stringify(), r#"{"i":["ALLSMALLER"]}"#);
    }

    #[test]
    fn parseability() {
        assert_eq!(
            ComponentId::from("a.b").check_parseable(),
            Err(IdProblem::Dot)
        );
        assert_eq!(
            ComponentId::from("{x").check_parseable(),
            Err(IdProblem::Brace)
        );
        assert_eq!(
            ComponentId::from("").check_parseable(),
            Err(IdProblem::Empty)
        );
        let dotted = ComponentId::dict([("f", "a.b".into())]);
        assert_eq!(dotted.check_parseable(), Err(IdProblem::DotInValue));
        assert!(ComponentId::from("ok-id_1").check_parseable().is_ok());
    }

    #[test]
    fn pattern_matching() {
        let pattern = ComponentId::dict([("kind", "cell".into()), ("row", MATCH)]);
        let id = ComponentId::dict([("kind", "cell".into()), ("row", 2.into())]);
        assert!(pattern.matches(&id));
        let other = ComponentId::dict([("kind", "btn".into()), ("row", 2.into())]);
        assert!(!pattern.matches(&other));
        let extra =
            ComponentId::dict([("kind", "cell".into()), ("row", 2.into()), ("x", 1.into())]);
        assert!(!pattern.matches(&extra));
    }

    fn arb_scalar() -> impl Strategy<Value = serde_json::Value> {
        prop_oneof![
            any::<String>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<bool>().prop_map(serde_json::Value::from),
            (-1e300f64..1e300f64).prop_map(serde_json::Value::from),
        ]
    }

    proptest! {
        /// Stringified dict ids parse back to the same id, have sorted keys and no
        /// whitespace outside strings: what the renderer's `stringifyId` produces.
        #[test]
        fn dict_ids_round_trip(entries in proptest::collection::btree_map("[a-zA-Z_é]{1,8}", arb_scalar(), 1..6)) {
            let json = serde_json::Value::Object(entries.clone().into_iter().collect());
            let id: ComponentId = serde_json::from_value(json).unwrap();
            let text = id.stringify();
            let back: serde_json::Value = serde_json::from_str(&text).unwrap();
            let back_map = back.as_object().unwrap();
            prop_assert_eq!(back_map.len(), entries.len());
            for (k, v) in &entries {
                let got = &back_map[k];
                match (v.as_f64(), got.as_f64()) {
                    (Some(a), Some(b)) => prop_assert_eq!(a, b),
                    _ => prop_assert_eq!(v, got),
                }
            }
            let keys: Vec<&String> = back_map.keys().collect();
            let mut sorted = keys.clone();
            sorted.sort();
            prop_assert_eq!(keys, sorted);
            let reparsed = parse_stringified_id(&text).unwrap();
            prop_assert_eq!(reparsed.stringify(), text);
        }

        /// Integral numbers are written without a fraction, as JavaScript does.
        #[test]
        fn integral_floats_have_no_fraction(n in -1_000_000i64..1_000_000) {
            #[allow(clippy::cast_precision_loss)]
            let id = ComponentId::dict([("n", IdValue::from(n as f64))]);
            prop_assert_eq!(id.stringify(), format!("{{\"n\":{n}}}"));
        }
    }
}
