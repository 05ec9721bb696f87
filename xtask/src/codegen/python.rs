//! The component modules Dash's generator writes into a package's wheel
//! (`dash_bootstrap_components/_components/Modal.py`), for packages whose
//! wheels ship no `metadata.json`: dash-bootstrap-components and
//! dash-mantine-components build their Python classes at packaging time and
//! leave the metadata out.
//!
//! A module gives everything the builders need, in a fixed, generated form:
//! the class attributes `_type`, `_namespace` and `_children_props`, the
//! `_prop_names` and `_valid_wildcard_attributes` lists, and the typed
//! `__init__` signature (`is_open: typing.Optional[bool] = None,`) whose
//! annotations, with the `TypedDict`s the class declares, give each prop's
//! type. Annotations are parsed as expressions, not matched as text.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context as _, bail};

use super::model::{ComponentDef, Prop, Ty};

/// One parsed module: the component and the namespace it declares.
#[derive(Debug)]
pub(crate) struct Module {
    /// `_namespace`: the JavaScript package the component lives in.
    pub(crate) namespace: String,
    /// The component, its props in `_prop_names` order.
    pub(crate) component: ComponentDef,
}

/// Parses one generated component module.
pub(crate) fn parse_module(text: &str) -> anyhow::Result<Module> {
    let type_name = string_attribute(text, "_type")?;
    let namespace = string_attribute(text, "_namespace")?;
    let children_props = list_attribute(text, "_children_props")?;
    let prop_names = list_attribute(text, "self._prop_names")?;
    let wildcards = list_attribute(text, "self._valid_wildcard_attributes")?;
    let typed_dicts = typed_dicts(text)?;
    let signature = init_signature(text)?;
    let resolver = Resolver {
        typed_dicts: &typed_dicts,
    };
    let mut props = Vec::with_capacity(prop_names.len());
    let mut wildcards = wildcards;
    for name in prop_names {
        // Some generators list wildcard props among the names (`data-*`).
        if let Some(prefix) = name.strip_suffix('*') {
            if !wildcards.iter().any(|w| w == prefix) {
                wildcards.push(prefix.to_owned());
            }
            continue;
        }
        let ty = match signature.get(name.as_str()) {
            Some(annotation) => resolver
                .ty(annotation, &mut BTreeSet::new())
                .with_context(|| format!("prop {name}: {annotation}"))?,
            // Only a prop the signature leaves out (none known) gets here.
            None => Ty::Any,
        };
        props.push(Prop { name, ty });
    }
    Ok(Module {
        namespace,
        component: ComponentDef {
            type_name,
            props,
            wildcard_prefixes: wildcards,
            children_props: Some(children_props),
        },
    })
}

/// The value of a class attribute written `name = 'value'`.
fn string_attribute(text: &str, name: &str) -> anyhow::Result<String> {
    let value = attribute_text(text, name)?;
    match parse_expr(value)? {
        Expr::Str(s) => Ok(s),
        other => bail!("{name} is not a string: {other:?}"),
    }
}

/// The strings of an attribute written `name = [...]` (or annotated,
/// `name: typing.List[str] = [...]`), on one line.
fn list_attribute(text: &str, name: &str) -> anyhow::Result<Vec<String>> {
    let value = attribute_text(text, name)?;
    let Expr::List(items) = parse_expr(value).with_context(|| format!("{name} = {value}"))? else {
        bail!("{name} is not a list: {value}");
    };
    items
        .into_iter()
        .map(|item| match item {
            Expr::Str(s) => Ok(s),
            other => bail!("{name} holds something other than a string: {other:?}"),
        })
        .collect()
}

/// The text after `=` on the first line that assigns `name`.
fn attribute_text<'t>(text: &'t str, name: &str) -> anyhow::Result<&'t str> {
    for line in text.lines() {
        let Some(rest) = line.trim_start().strip_prefix(name) else {
            continue;
        };
        // `name = …` or `name: annotation = …`, not `name_longer = …`.
        let rest = rest.trim_start();
        let value = if let Some(value) = rest.strip_prefix('=') {
            value
        } else if rest.starts_with(':') {
            match rest.split_once('=') {
                Some((_, value)) => value,
                None => continue,
            }
        } else {
            continue;
        };
        return Ok(value.trim());
    }
    bail!("no `{name} = …` in the module")
}

/// The annotation of each parameter of `__init__`, by name.
fn init_signature(text: &str) -> anyhow::Result<BTreeMap<&str, &str>> {
    let start = text
        .find("def __init__(")
        .context("no `def __init__(` in the module")?
        + "def __init__(".len();
    let body = text.get(start..).unwrap_or_default();
    let end = matching_close(body).context("`__init__`'s parameters never close")?;
    let mut params = BTreeMap::new();
    for param in split_top_level(body.get(..end).unwrap_or_default()) {
        let param = param.trim();
        let Some((name, rest)) = param.split_once(':') else {
            continue; // `self`, `*`, `**kwargs`
        };
        let annotation = rest.rsplit_once('=').map_or(rest, |(a, _)| a).trim();
        params.insert(name.trim(), annotation);
    }
    Ok(params)
}

/// The `TypedDict`s the module declares: name to (field, annotation).
fn typed_dicts(text: &str) -> anyhow::Result<BTreeMap<String, Vec<(String, String)>>> {
    let mut dicts = BTreeMap::new();
    let mut rest = text;
    while let Some(at) = rest.find("= TypedDict(") {
        let body = rest.get(at + "= TypedDict(".len()..).unwrap_or_default();
        let end = matching_close(body).context("a TypedDict never closes")?;
        let call = format!("TypedDict({})", body.get(..end).unwrap_or_default());
        let Expr::Call(_, args) = parse_expr(&call).context("a TypedDict is not a call")? else {
            bail!("a TypedDict is not a call");
        };
        let [Expr::Str(name), Expr::Dict(fields)] = args.as_slice() else {
            bail!("a TypedDict is not (name, {{fields}})");
        };
        let fields = fields
            .iter()
            .map(|(key, value)| match key {
                Expr::Str(key) => Ok((key.clone(), value.source.clone())),
                other => bail!("TypedDict {name} has a field named {other:?}"),
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        dicts.insert(name.clone(), fields);
        rest = body.get(end..).unwrap_or_default();
    }
    Ok(dicts)
}

/// The characters of `text` outside string literals, with their bracket
/// depth relative to the start (after the character: an opening bracket
/// counts itself, a closing one does not).
fn code_chars(text: &str) -> impl Iterator<Item = (usize, char, isize)> + '_ {
    let mut depth = 0isize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    text.char_indices().filter_map(move |(i, c)| {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            return None;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                return None;
            }
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
        Some((i, c, depth))
    })
}

/// The index of the bracket that closes an already opened `(`, `[` or `{`,
/// skipping brackets inside string literals.
fn matching_close(text: &str) -> Option<usize> {
    code_chars(text)
        .find(|&(_, _, depth)| depth == -1)
        .map(|(i, _, _)| i)
}

/// `text` split at the commas outside brackets and strings.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, _, _) in code_chars(text).filter(|&(_, c, depth)| c == ',' && depth == 0) {
        parts.push(text.get(start..i).unwrap_or_default());
        start = i + 1;
    }
    parts.push(text.get(start..).unwrap_or_default());
    parts
}

/// A Python expression of the kinds these modules use.
#[derive(Debug, Clone, PartialEq)]
enum Expr {
    /// A (dotted) name: `typing.Optional`, `bool`, `True`.
    Name(String),
    /// `name[args]`: a subscripted type.
    Subscript(String, Vec<Self>),
    /// `name(args)`: a call (`TypedDict(...)`).
    Call(String, Vec<Self>),
    /// A string literal's value.
    Str(String),
    /// A number as written.
    Number(String),
    List(Vec<Self>),
    /// `{key: value}`; each value keeps its source text.
    Dict(Vec<(Self, Annotated)>),
}

/// A dict value and its source text (a `TypedDict` field's annotation).
#[derive(Debug, Clone, PartialEq)]
struct Annotated {
    source: String,
}

fn parse_expr(text: &str) -> anyhow::Result<Expr> {
    let mut parser = Parser { text, pos: 0 };
    let expr = parser.expr()?;
    parser.skip_space();
    if parser.pos != text.len() {
        bail!(
            "unexpected {:?} after the expression",
            text.get(parser.pos..).unwrap_or_default()
        );
    }
    Ok(expr)
}

struct Parser<'t> {
    text: &'t str,
    pos: usize,
}

impl<'t> Parser<'t> {
    fn rest(&self) -> &'t str {
        self.text.get(self.pos..).unwrap_or_default()
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_space();
        if self.rest().starts_with(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> anyhow::Result<()> {
        if self.eat(c) {
            Ok(())
        } else {
            bail!("expected {c:?} at {:?}", truncate(self.rest()))
        }
    }

    fn expr(&mut self) -> anyhow::Result<Expr> {
        self.skip_space();
        let rest = self.rest();
        let first = rest.chars().next().context("expected an expression")?;
        match first {
            '\'' | '"' => self.string(first),
            '[' => {
                self.pos += 1;
                Ok(Expr::List(self.items(']')?))
            }
            '{' => {
                self.pos += 1;
                self.dict()
            }
            c if c.is_ascii_digit() || c == '-' => {
                let len = rest
                    .char_indices()
                    .skip(1)
                    .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_')))
                    .map_or(rest.len(), |(i, _)| i);
                self.pos += len;
                Ok(Expr::Number(rest.get(..len).unwrap_or_default().to_owned()))
            }
            c if c.is_alphabetic() || c == '_' => {
                let len = rest
                    .char_indices()
                    .find(|(_, c)| !(c.is_alphanumeric() || matches!(c, '.' | '_')))
                    .map_or(rest.len(), |(i, _)| i);
                let name = rest.get(..len).unwrap_or_default().to_owned();
                self.pos += len;
                if self.eat('[') {
                    Ok(Expr::Subscript(name, self.items(']')?))
                } else if self.eat('(') {
                    Ok(Expr::Call(name, self.items(')')?))
                } else {
                    Ok(Expr::Name(name))
                }
            }
            other => bail!("unexpected {other:?} at {:?}", truncate(rest)),
        }
    }

    /// Comma-separated expressions up to `close` (a trailing comma allowed).
    fn items(&mut self, close: char) -> anyhow::Result<Vec<Expr>> {
        let mut items = Vec::new();
        loop {
            if self.eat(close) {
                return Ok(items);
            }
            items.push(self.expr()?);
            if !self.eat(',') {
                self.expect(close)?;
                return Ok(items);
            }
        }
    }

    fn dict(&mut self) -> anyhow::Result<Expr> {
        let mut entries = Vec::new();
        loop {
            if self.eat('}') {
                return Ok(Expr::Dict(entries));
            }
            let key = self.expr()?;
            self.expect(':')?;
            self.skip_space();
            let start = self.pos;
            self.expr()?;
            let source = self
                .text
                .get(start..self.pos)
                .unwrap_or_default()
                .to_owned();
            entries.push((key, Annotated { source }));
            if !self.eat(',') {
                self.expect('}')?;
                return Ok(Expr::Dict(entries));
            }
        }
    }

    /// A string literal with the escapes generated code uses.
    fn string(&mut self, quote: char) -> anyhow::Result<Expr> {
        let body = self.rest().get(1..).unwrap_or_default();
        let mut value = String::new();
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, 't')) => value.push('\t'),
                    Some((_, escaped)) => value.push(escaped),
                    None => break,
                },
                c if c == quote => {
                    self.pos += 1 + i + 1;
                    return Ok(Expr::Str(value));
                }
                c => value.push(c),
            }
        }
        bail!("a string literal never closes: {:?}", truncate(self.rest()))
    }
}

fn truncate(text: &str) -> &str {
    text.char_indices()
        .nth(40)
        .map_or(text, |(i, _)| text.get(..i).unwrap_or(text))
}

/// Turns annotations into [`Ty`], following references to the module's
/// `TypedDict`s.
struct Resolver<'m> {
    typed_dicts: &'m BTreeMap<String, Vec<(String, String)>>,
}

impl Resolver<'_> {
    /// The type of an annotation; `resolving` holds the `TypedDict`s being
    /// resolved above, so a recursive one ends as a plain object.
    fn ty(&self, annotation: &str, resolving: &mut BTreeSet<String>) -> anyhow::Result<Ty> {
        self.expr_ty(&parse_expr(annotation)?, resolving)
    }

    fn expr_ty(&self, expr: &Expr, resolving: &mut BTreeSet<String>) -> anyhow::Result<Ty> {
        Ok(match expr {
            Expr::Name(name) => match name.as_str() {
                "str" => Ty::String,
                "bool" => Ty::Bool,
                "NumberType" | "int" | "float" => Ty::Number,
                "dict" => Ty::Object,
                "list" | "tuple" | "typing.Sequence" | "typing.List" | "typing.Tuple" => Ty::Array,
                "typing.Any" => Ty::Any,
                "ComponentType" | "Component" => Ty::Node,
                // `None` as an annotation: the prop is only ever null.
                "None" => Ty::Literal("null".into()),
                other => Ty::Other(other.to_owned()),
            },
            Expr::Str(reference) => self.typed_dict(reference, resolving)?,
            Expr::Subscript(name, args) => match (name.as_str(), args.as_slice()) {
                ("typing.Optional" | "NotRequired" | "Required", [inner]) => {
                    self.expr_ty(inner, resolving)?
                }
                ("typing.Union", members) => {
                    let mut tys = Vec::with_capacity(members.len());
                    for member in members {
                        tys.push(self.expr_ty(member, resolving)?);
                    }
                    union(tys)
                }
                ("Literal", values) => Ty::Enum(
                    values
                        .iter()
                        .map(js_literal)
                        .collect::<anyhow::Result<_>>()?,
                ),
                ("typing.Sequence" | "typing.List", [inner]) => {
                    Ty::ArrayOf(Box::new(self.expr_ty(inner, resolving)?))
                }
                ("typing.Tuple", _) => Ty::Array,
                ("typing.Dict", [_, value]) => {
                    Ty::ObjectOf(Box::new(self.expr_ty(value, resolving)?))
                }
                (other, _) => Ty::Other(other.to_owned()),
            },
            other => bail!("not a type annotation: {other:?}"),
        })
    }

    fn typed_dict(&self, name: &str, resolving: &mut BTreeSet<String>) -> anyhow::Result<Ty> {
        let Some(fields) = self.typed_dicts.get(name) else {
            bail!("no TypedDict {name} in the module");
        };
        if !resolving.insert(name.to_owned()) {
            return Ok(Ty::Object);
        }
        let mut shape = Vec::with_capacity(fields.len());
        for (field, annotation) in fields {
            let ty = self
                .ty(annotation, resolving)
                .with_context(|| format!("{name}.{field}"))?;
            shape.push((field.clone(), ty));
        }
        resolving.remove(name);
        Ok(Ty::Shape(shape))
    }
}

/// A union's members: repeats dropped, enums merged into one (Dash writes
/// an enum of strings as a union of one-value `Literal`s), a union of one
/// collapsed.
fn union(members: Vec<Ty>) -> Ty {
    let mut values: Vec<String> = Vec::new();
    let mut rest: Vec<Ty> = Vec::new();
    for member in members {
        match member {
            Ty::Enum(member_values) => {
                for value in member_values {
                    if !values.contains(&value) {
                        values.push(value);
                    }
                }
            }
            Ty::Union(inner) => rest.extend(inner),
            other => {
                if !rest.contains(&other) {
                    rest.push(other);
                }
            }
        }
    }
    if !values.is_empty() {
        rest.push(Ty::Enum(values));
    }
    if rest.len() == 1 {
        rest.remove(0)
    } else {
        Ty::Union(rest)
    }
}

/// A `Literal` value as the metadata writes enum members (JavaScript:
/// `'a'`, `3`, `true`, `null`).
fn js_literal(expr: &Expr) -> anyhow::Result<String> {
    Ok(match expr {
        Expr::Str(s) => format!("'{s}'"),
        Expr::Number(n) => n.clone(),
        Expr::Name(name) if name == "True" => "true".into(),
        Expr::Name(name) if name == "False" => "false".into(),
        Expr::Name(name) if name == "None" => "null".into(),
        other => bail!("not a literal: {other:?}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODULE: &str = r#"
class Widget(Component):
    """A Widget component.

Keyword arguments:

- children (a list of or a singular dash component, string or number; optional)"""
    _children_props: typing.List[str] = ['footer', 'items[].label']
    _base_nodes = ['footer', 'children']
    _namespace = 'widget_components'
    _type = 'Widget'
    Items = TypedDict(
        "Items",
            {
            "label": ComponentType,
            "value": NotRequired[typing.Union[str, NumberType]],
            "tone": NotRequired[typing.Union[Literal["light"], Literal["dark"]]]
        }
    )

    def __init__(
        self,
        children: typing.Optional[ComponentType] = None,
        id: typing.Optional[typing.Union[str, dict]] = None,
        *,
        size: typing.Optional[Literal["sm", "lg"]] = None,
        backdrop: typing.Optional[typing.Union[bool, Literal["static"]]] = None,
        footer: typing.Optional[ComponentType] = None,
        items: typing.Optional[typing.Sequence["Items"]] = None,
        extra: typing.Optional[typing.Dict[typing.Union[str, float, int], typing.Any]] = None,
        label: typing.Optional[str] = "a, b",
        **kwargs
    ):
        self._prop_names = ['children', 'id', 'size', 'backdrop', 'footer', 'items', 'extra', 'label', 'style', 'aria-*']
        self._valid_wildcard_attributes =            ['data-', 'aria-']
"#;

    #[test]
    fn a_generated_module_gives_the_component() {
        let module = parse_module(MODULE).unwrap();
        assert_eq!(module.namespace, "widget_components");
        let c = module.component;
        assert_eq!(c.type_name, "Widget");
        assert_eq!(c.wildcard_prefixes, ["data-", "aria-"]);
        assert_eq!(
            c.children_props.as_deref(),
            Some(&["footer".to_owned(), "items[].label".to_owned()][..])
        );
        let ty = |name: &str| c.props.iter().find(|p| p.name == name).unwrap().ty.clone();
        let names: Vec<_> = c.props.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "children", "id", "size", "backdrop", "footer", "items", "extra", "label", "style"
            ]
        );
        assert_eq!(ty("children"), Ty::Node);
        assert_eq!(ty("id"), Ty::Union(vec![Ty::String, Ty::Object]));
        assert_eq!(
            ty("size").string_enum_values(),
            Some(vec!["sm".to_owned(), "lg".to_owned()])
        );
        assert_eq!(
            ty("backdrop"),
            Ty::Union(vec![Ty::Bool, Ty::Enum(vec!["'static'".into()])])
        );
        assert_eq!(ty("label"), Ty::String);
        assert_eq!(ty("style"), Ty::Any);
        assert_eq!(ty("extra"), Ty::ObjectOf(Box::new(Ty::Any)));
        let Ty::ArrayOf(item) = ty("items") else {
            panic!("items is not an array");
        };
        let Ty::Shape(fields) = *item else {
            panic!("an item is not a shape");
        };
        assert_eq!(fields[0], ("label".to_owned(), Ty::Node));
        assert_eq!(
            fields[1],
            ("value".to_owned(), Ty::Union(vec![Ty::String, Ty::Number]))
        );
        assert_eq!(
            fields[2].1.string_enum_values(),
            Some(vec!["light".to_owned(), "dark".to_owned()])
        );
    }

    #[test]
    fn broken_modules_are_refused_with_the_reason() {
        let no_type = MODULE.replace("_type = 'Widget'", "");
        let err = parse_module(&no_type).unwrap_err();
        assert!(format!("{err:#}").contains("_type"), "{err:#}");
        let unknown_dict =
            MODULE.replace("typing.Sequence[\"Items\"]", "typing.Sequence[\"Nope\"]");
        let err = parse_module(&unknown_dict).unwrap_err();
        assert!(format!("{err:#}").contains("no TypedDict Nope"), "{err:#}");
        let unclosed = MODULE.replace("**kwargs\n    ):", "**kwargs\n");
        assert!(parse_module(&unclosed).is_err());
    }

    #[test]
    fn recursive_typed_dicts_end_as_objects() {
        let module = MODULE.replace(
            "\"tone\": NotRequired[typing.Union[Literal[\"light\"], Literal[\"dark\"]]]",
            "\"tone\": NotRequired[typing.Sequence[\"Items\"]]",
        );
        let c = parse_module(&module).unwrap().component;
        let items = &c.props.iter().find(|p| p.name == "items").unwrap().ty;
        let Ty::ArrayOf(item) = items else { panic!() };
        let Ty::Shape(fields) = item.as_ref() else {
            panic!()
        };
        assert_eq!(fields[2].1, Ty::ArrayOf(Box::new(Ty::Object)));
    }
}
