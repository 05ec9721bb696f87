//! The parts of Dash's `metadata.json` the generator uses: component names,
//! prop names and prop types.
//!
//! The file maps a source path (`src/components/Dropdown.tsx`) to a component
//! whose `props` map prop names to `{"type": {...}, ...}`. Types come from
//! react-docgen: PropTypes components (`.react.js`) and TypeScript components
//! (`.tsx`) spell some of them differently; [`Ty`] is the common form.

use anyhow::{Context as _, bail};
use serde_json::{Map, Value};

/// A prop type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ty {
    String,
    Number,
    Bool,
    /// `node` or `element`: something that renders (components, text, numbers).
    Node,
    Object,
    Array,
    Any,
    Func,
    /// A single literal value, written as JSON (`"auto"`).
    Literal(String),
    /// One of several literal values, written as in the metadata (JavaScript:
    /// `'local'`, `3`, `true`).
    Enum(Vec<String>),
    ArrayOf(Box<Self>),
    ObjectOf(Box<Self>),
    /// `shape` or `exact`: an object with named fields.
    Shape(Vec<(String, Self)>),
    Union(Vec<Self>),
    /// A type this generator does not know; treated as any JSON value.
    Other(String),
}

/// One prop of a component.
#[derive(Debug, Clone)]
pub(crate) struct Prop {
    pub(crate) name: String,
    pub(crate) ty: Ty,
}

/// One component of a library.
#[derive(Debug, Clone)]
pub(crate) struct ComponentDef {
    /// The type name on the wire: the source file's name without extensions
    /// (`Graph`, even though its display name is `PlotlyGraph`).
    pub(crate) type_name: String,
    /// Props in the metadata's order, without function props (`setProps`), which
    /// cannot travel as JSON, and without wildcard props.
    pub(crate) props: Vec<Prop>,
    /// Prefixes of the wildcard props the metadata declares (`data-*` gives `data-`).
    pub(crate) wildcard_prefixes: Vec<String>,
    /// The props that hold components, as the package declares them; `None`
    /// derives them from the prop types ([`super::children::children_props`]).
    pub(crate) children_props: Option<Vec<String>>,
}

/// Parses one `metadata.json`; components come out sorted by type name.
pub(crate) fn parse_library(text: &str) -> anyhow::Result<Vec<ComponentDef>> {
    let root: Value = serde_json::from_str(text).context("metadata is not JSON")?;
    let root = root.as_object().context("metadata is not a JSON object")?;
    let mut components = Vec::with_capacity(root.len());
    for (source, component) in root {
        components.push(parse_component(source, component).with_context(|| source.clone())?);
    }
    components.sort_by(|a, b| a.type_name.cmp(&b.type_name));
    if let Some(repeated) = components.windows(2).find_map(|pair| match pair {
        [a, b] if a.type_name == b.type_name => Some(a),
        _ => None,
    }) {
        bail!("two components are named {}", repeated.type_name);
    }
    Ok(components)
}

fn parse_component(source: &str, component: &Value) -> anyhow::Result<ComponentDef> {
    let file = source.rsplit('/').next().unwrap_or(source);
    let type_name = file.split('.').next().unwrap_or(file).to_owned();
    let is_identifier = type_name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_uppercase())
        && type_name.chars().all(|c| c.is_ascii_alphanumeric());
    if !is_identifier {
        bail!("component name {type_name:?} is not a Rust type name");
    }
    let props = component
        .get("props")
        .and_then(Value::as_object)
        .context("component without props")?;
    let mut def = ComponentDef {
        type_name,
        props: Vec::new(),
        wildcard_prefixes: Vec::new(),
        children_props: None,
    };
    for (name, prop) in props {
        if let Some(prefix) = name.strip_suffix('*') {
            def.wildcard_prefixes.push(prefix.to_owned());
            continue;
        }
        let ty = prop
            .get("type")
            .context("prop without type")
            .and_then(parse_ty);
        let ty = ty.with_context(|| format!("prop {name}"))?;
        if ty != Ty::Func {
            def.props.push(Prop {
                name: name.clone(),
                ty,
            });
        }
    }
    Ok(def)
}

/// Parses a type object: `{"name": "...", "value": ...}`.
fn parse_ty(value: &Value) -> anyhow::Result<Ty> {
    let name = value
        .get("name")
        .and_then(Value::as_str)
        .context("type without a name")?;
    let inner = value.get("value");
    Ok(match name {
        "string" => Ty::String,
        "number" => Ty::Number,
        "bool" => Ty::Bool,
        "node" | "element" => Ty::Node,
        "object" => Ty::Object,
        "array" => Ty::Array,
        "any" => Ty::Any,
        "func" => Ty::Func,
        "literal" => Ty::Literal(match inner {
            Some(v) => v.to_string(),
            None => bail!("literal without a value"),
        }),
        "enum" => Ty::Enum(enum_values(inner)?),
        "arrayOf" => Ty::ArrayOf(Box::new(parse_ty(
            inner.context("arrayOf without a value")?,
        )?)),
        "objectOf" => Ty::ObjectOf(Box::new(parse_ty(
            inner.context("objectOf without a value")?,
        )?)),
        "shape" | "exact" => Ty::Shape(shape_fields(inner.and_then(Value::as_object))?),
        "union" => {
            let members = inner
                .and_then(Value::as_array)
                .context("union without members")?;
            let mut parsed: Vec<Ty> = Vec::with_capacity(members.len());
            for member in members {
                let ty = parse_ty(member)?;
                if !parsed.contains(&ty) {
                    parsed.push(ty);
                }
            }
            // TypeScript components spell `boolean | undefined` as a union of one.
            if parsed.len() == 1 {
                parsed.remove(0)
            } else {
                Ty::Union(parsed)
            }
        }
        other => Ty::Other(other.to_owned()),
    })
}

/// Enum members as written; members without a value (TypeScript's `undefined`)
/// are left out.
fn enum_values(inner: Option<&Value>) -> anyhow::Result<Vec<String>> {
    let members = inner
        .and_then(Value::as_array)
        .context("enum without members")?;
    let mut values = Vec::with_capacity(members.len());
    for member in members {
        if member.get("computed").and_then(Value::as_bool) == Some(true) {
            // A value computed in JavaScript: not a literal this generator can use.
            values.push(String::from("<computed>"));
        } else if let Some(text) = member.get("value").and_then(Value::as_str) {
            values.push(text.to_owned());
        }
    }
    Ok(values)
}

/// Fields of a shape. Nested fields carry their type inline (`{"name": ...,
/// "required": ...}`) rather than under `type`.
fn shape_fields(fields: Option<&Map<String, Value>>) -> anyhow::Result<Vec<(String, Ty)>> {
    let Some(fields) = fields else {
        return Ok(Vec::new());
    };
    let mut parsed = Vec::with_capacity(fields.len());
    for (name, field) in fields {
        let ty = parse_ty(field.get("type").unwrap_or(field)).with_context(|| name.clone())?;
        parsed.push((name.clone(), ty));
    }
    Ok(parsed)
}

impl Ty {
    /// Whether a value of this type may be a node directly: a node, an array of
    /// nodes, or a union with such a member.
    pub(crate) fn holds_node(&self) -> bool {
        match self {
            Self::Node => true,
            Self::ArrayOf(inner) => inner.holds_node(),
            Self::Union(members) => members.iter().any(Self::holds_node),
            _ => false,
        }
    }

    /// The values of an enum whose members are all string literals.
    pub(crate) fn string_enum_values(&self) -> Option<Vec<String>> {
        let Self::Enum(values) = self else {
            return None;
        };
        values.iter().map(|v| string_literal(v)).collect()
    }
}

/// The text of a JavaScript string literal without escapes (`'a'` or `"a"`).
fn string_literal(js: &str) -> Option<String> {
    let quote = js.chars().next().filter(|q| matches!(q, '\'' | '"'))?;
    let body = js.strip_prefix(quote)?.strip_suffix(quote)?;
    (!body.contains(['\\', '\'', '"'])).then(|| body.to_owned())
}

/// A readable wire type for docs: `string`, `number or "auto"`, `array of objects`.
pub(crate) fn describe(ty: &Ty) -> String {
    let mut atoms = Vec::new();
    collect_atoms(ty, &mut atoms);
    join_or(&atoms)
}

fn collect_atoms(ty: &Ty, atoms: &mut Vec<String>) {
    let atom = match ty {
        Ty::Union(members) => {
            members.iter().for_each(|m| collect_atoms(m, atoms));
            return;
        }
        Ty::Enum(values) => {
            for value in values {
                push_new(atoms, format!("`{}`", js_to_json(value)));
            }
            return;
        }
        Ty::Literal(json) => format!("`{json}`"),
        Ty::ArrayOf(inner) => format!("array of {}", plural(inner)),
        Ty::ObjectOf(inner) => format!("object of {}", plural(inner)),
        _ => singular(ty).to_owned(),
    };
    push_new(atoms, atom);
}

fn push_new(words: &mut Vec<String>, word: String) {
    if !words.contains(&word) {
        words.push(word);
    }
}

fn singular(ty: &Ty) -> &'static str {
    match ty {
        Ty::String => "string",
        Ty::Number => "number",
        Ty::Bool => "boolean",
        Ty::Node => "node",
        Ty::Object | Ty::Shape(_) | Ty::ObjectOf(_) => "object",
        Ty::Array | Ty::ArrayOf(_) => "array",
        Ty::Func => "function",
        Ty::Any | Ty::Other(_) | Ty::Literal(_) | Ty::Enum(_) | Ty::Union(_) => "any JSON value",
    }
}

fn plural(ty: &Ty) -> String {
    match ty {
        Ty::Union(members) => {
            let mut words = Vec::new();
            members.iter().for_each(|m| push_new(&mut words, plural(m)));
            join_or(&words)
        }
        Ty::Enum(_) | Ty::Literal(_) | Ty::Any | Ty::Other(_) => String::from("values"),
        _ => format!("{}s", singular(ty)),
    }
}

/// A JavaScript literal as JSON: `'a'` becomes `"a"`; numbers and booleans stay.
fn js_to_json(js: &str) -> String {
    string_literal(js).map_or_else(|| js.to_owned(), |s| format!("\"{s}\""))
}

fn join_or(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unions_of_one_collapse_and_undefined_enum_members_drop() {
        let ty = parse_ty(&json!({"name": "union", "value": [{"name": "bool", "raw": "false"}]}));
        assert_eq!(ty.unwrap(), Ty::Bool);
        let ty = parse_ty(&json!({"name": "enum", "value": [
            {"computed": false}, {"value": "'index'", "computed": false}, {"value": "'original'"}
        ]}))
        .unwrap();
        assert_eq!(
            ty.string_enum_values(),
            Some(vec!["index".into(), "original".into()])
        );
        let mixed =
            parse_ty(&json!({"name": "enum", "value": [{"value": "'a'"}, {"value": "false"}]}));
        assert_eq!(mixed.unwrap().string_enum_values(), None);
    }

    #[test]
    fn descriptions() {
        let ty = Ty::Union(vec![Ty::Number, Ty::Literal("\"auto\"".into())]);
        assert_eq!(describe(&ty), "number or `\"auto\"`");
        let ty = Ty::ArrayOf(Box::new(Ty::Shape(Vec::new())));
        assert_eq!(describe(&ty), "array of objects");
        let ty = Ty::Enum(vec!["'a'".into(), "'b'".into(), "'c'".into()]);
        assert_eq!(describe(&ty), "`\"a\"`, `\"b\"` or `\"c\"`");
    }
}
