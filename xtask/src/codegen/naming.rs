//! How Dash names become Rust names.
//!
//! * Prop setters: the prop name in snake case (`className` -> `class_name`,
//!   `n_clicks` stays).
//! * Component functions: the type name in snake case (`DataTable` ->
//!   `data_table`, `MapEl` -> `map_el`, `H1` -> `h1`).
//! * Enums: the component name followed by the prop name in Pascal case
//!   (`Loading` + `type` -> `LoadingType`); variants are the values in Pascal case
//!   (`"latin-name"` -> `LatinName`).
//!
//! A name that is a Rust keyword (`type`, `async`, `loop`), or a std prelude
//! function a glob import would shadow (`drop`), gets a trailing underscore.

/// Rust's strict and reserved keywords (2024 edition).
const KEYWORDS: &[&str] = &[
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Functions of the std prelude.
const PRELUDE_FUNCTIONS: &[&str] = &["drop"];

/// `camelCase`, `PascalCase` or `kebab-case` to `snake_case`; acronyms stay one
/// word (`plotlyServerURL` -> `plotly_server_url`).
pub(crate) fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c == '-' || c == '_' {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            continue;
        }
        if c.is_ascii_uppercase()
            && let Some(&prev) = i.checked_sub(1).and_then(|p| chars.get(p))
        {
            let next_is_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            let boundary = prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_is_lower);
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Any of the above, or a literal like `full-width-latin`, to `PascalCase`.
pub(crate) fn pascal_case(name: &str) -> String {
    snake_case(name)
        .split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// Appends `_` to keywords and prelude functions.
pub(crate) fn escape(name: String) -> String {
    if KEYWORDS.contains(&name.as_str()) || PRELUDE_FUNCTIONS.contains(&name.as_str()) {
        name + "_"
    } else {
        name
    }
}

/// The setter method for a prop.
pub(crate) fn setter(prop: &str) -> String {
    escape(snake_case(prop))
}

/// The constructor function for a component type.
pub(crate) fn function(type_name: &str) -> String {
    escape(snake_case(type_name))
}

/// An enum variant for a string value, or `None` when the value has no letters
/// or digits to build one from.
pub(crate) fn variant(value: &str) -> Option<String> {
    let name = pascal_case(&value.replace(|c: char| !c.is_ascii_alphanumeric(), "_"));
    let first = name.chars().next()?;
    Some(escape(if first.is_ascii_digit() {
        format!("V{name}")
    } else {
        name
    }))
}

/// Whether `name` is a valid Rust identifier of ASCII letters, digits and `_`.
pub(crate) fn is_identifier(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(setter("className"), "class_name");
        assert_eq!(setter("disabled_className"), "disabled_class_name");
        assert_eq!(setter("n_clicks_timestamp"), "n_clicks_timestamp");
        assert_eq!(setter("type"), "type_");
        assert_eq!(setter("async"), "async_");
        assert_eq!(setter("htmlFor"), "html_for");
        assert_eq!(setter("plotlyServerURL"), "plotly_server_url");
        assert_eq!(function("DataTable"), "data_table");
        assert_eq!(function("RadioItems"), "radio_items");
        assert_eq!(function("MapEl"), "map_el");
        assert_eq!(function("H1"), "h1");
        assert_eq!(function("Del"), "del");
        assert_eq!(pascal_case("persistence_type"), "PersistenceType");
        assert_eq!(pascal_case("inputMode"), "InputMode");
        assert_eq!(
            variant("full-width-latin").as_deref(),
            Some("FullWidthLatin")
        );
        assert_eq!(variant("_blank").as_deref(), Some("Blank"));
        assert_eq!(variant("2d").as_deref(), Some("V2d"));
        assert_eq!(variant("-"), None);
    }
}
