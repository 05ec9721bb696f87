//! Where a new project takes ferrodash from.

use std::path::PathBuf;

/// The source of the generated project's ferrodash dependencies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A git repository, at a commit, tag or branch when `rev` is given.
    Git {
        /// The repository's address.
        url: String,
        /// A commit, tag or branch; the default branch when `None`.
        rev: Option<String>,
    },
    /// A checkout of the ferrodash workspace on this machine (the folder
    /// holding `crates/`).
    Path(PathBuf),
}

impl Source {
    /// The dependency line of the workspace crate `krate`, with `features`.
    pub(crate) fn dependency(&self, krate: &str, features: &[&str]) -> String {
        let place = match self {
            Self::Git { url, rev } => {
                let rev = rev
                    .as_deref()
                    .map(|rev| format!(", rev = {}", toml_string(rev)))
                    .unwrap_or_default();
                format!("git = {}{rev}", toml_string(url))
            }
            Self::Path(root) => {
                let path = root.join("crates").join(krate);
                format!("path = {}", toml_string(&path.to_string_lossy()))
            }
        };
        let features = if features.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = features.iter().map(|f| toml_string(f)).collect();
            format!(", features = [{}]", list.join(", "))
        };
        format!("{krate} = {{ {place}{features} }}")
    }
}

/// `text` as a TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependency_lines_are_toml() {
        let git = Source::Git {
            url: "https://example.com/ferrodash".to_owned(),
            rev: Some("v0.1.0".to_owned()),
        };
        assert_eq!(
            git.dependency("ferrodash", &["bootstrap"]),
            r#"ferrodash = { git = "https://example.com/ferrodash", rev = "v0.1.0", features = ["bootstrap"] }"#
        );
        let path = Source::Path(PathBuf::from(r#"/src/odd "name"\dir"#));
        assert_eq!(
            path.dependency("ferrodash-testing", &[]),
            r#"ferrodash-testing = { path = "/src/odd \"name\"\\dir/crates/ferrodash-testing" }"#
        );
    }
}
