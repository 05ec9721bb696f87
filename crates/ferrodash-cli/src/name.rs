//! A new project's name, and the names derived from it.

use crate::NewError;

/// Names a new project may not take: Rust's keywords and crates a package
/// of that name would hide or clash with.
const RESERVED: &[&str] = &[
    "alloc",
    "as",
    "async",
    "await",
    "break",
    "const",
    "continue",
    "core",
    "crate",
    "dyn",
    "else",
    "enum",
    "extern",
    "false",
    "ferrodash",
    "fn",
    "for",
    "if",
    "impl",
    "in",
    "let",
    "loop",
    "match",
    "mod",
    "move",
    "mut",
    "proc_macro",
    "pub",
    "ref",
    "return",
    "self",
    "serde",
    "static",
    "std",
    "struct",
    "super",
    "test",
    "tokio",
    "trait",
    "true",
    "type",
    "unsafe",
    "use",
    "where",
    "while",
];

/// The longest name accepted.
const MAX_LEN: usize = 64;

/// A checked project name: lowercase ASCII letters, digits, `-` and `_`,
/// starting with a letter; the package's name, its binary's, and (with `_`
/// for `-`) its library crate's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectName(String);

impl ProjectName {
    /// Checks `name`.
    ///
    /// # Errors
    ///
    /// [`NewError::InvalidName`], saying what is wrong.
    pub fn parse(name: &str) -> Result<Self, NewError> {
        let invalid = |problem: &str| NewError::InvalidName {
            name: name.to_owned(),
            problem: problem.to_owned(),
        };
        if name.is_empty() {
            return Err(invalid("it is empty"));
        }
        if name.len() > MAX_LEN {
            return Err(invalid(&format!("it is longer than {MAX_LEN} characters")));
        }
        if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
            return Err(invalid("it must start with a lowercase letter (a-z)"));
        }
        if let Some(c) = name
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_'))
        {
            return Err(invalid(&format!(
                "{c:?} is not allowed: use lowercase letters, digits, `-` and `_`"
            )));
        }
        let this = Self(name.to_owned());
        if RESERVED.contains(&this.crate_name().as_str()) {
            return Err(invalid(
                "it is a Rust keyword or the name of a crate it uses",
            ));
        }
        Ok(this)
    }

    /// The package's name, as given.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The library crate's name: `-` written `_`.
    #[must_use]
    pub fn crate_name(&self) -> String {
        self.0.replace('-', "_")
    }

    /// A title for people: `sales-board` is `Sales board`.
    #[must_use]
    pub fn title(&self) -> String {
        let words = self.0.replace(['-', '_'], " ");
        let mut chars = words.chars();
        chars.next().map_or_else(String::new, |first| {
            first.to_ascii_uppercase().to_string() + chars.as_str()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_names_give_their_crate_name_and_title() {
        let name = ProjectName::parse("sales-board_2").unwrap();
        assert_eq!(name.as_str(), "sales-board_2");
        assert_eq!(name.crate_name(), "sales_board_2");
        assert_eq!(name.title(), "Sales board 2");
    }

    #[test]
    fn bad_names_say_what_is_wrong() {
        for (name, problem) in [
            ("", "empty"),
            ("2fast", "start with a lowercase letter"),
            ("Sales", "start with a lowercase letter"),
            ("sales board", "' ' is not allowed"),
            ("sales/board", "'/' is not allowed"),
            ("crate", "keyword"),
            ("ferrodash", "crate it uses"),
            ("proc-macro", "keyword"),
        ] {
            let error = ProjectName::parse(name).unwrap_err().to_string();
            assert!(error.contains(problem), "{name:?}: {error}");
            assert!(error.contains(&format!("`{name}`")), "{name:?}: {error}");
        }
        let long = "a".repeat(MAX_LEN + 1);
        assert!(ProjectName::parse(&long).is_err());
        assert!(ProjectName::parse(&"a".repeat(MAX_LEN)).is_ok());
    }
}
