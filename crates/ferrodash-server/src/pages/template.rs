//! Page paths and path templates: `/`, `/reports`, `/projects/<id>`.

use std::fmt;

use ferrodash_core::percent_decode;

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// Matches itself.
    Literal(String),
    /// Matches any one non-empty segment, captured under this name.
    Var(String),
}

/// A page's path: literal segments and `<name>` variables, each standing
/// for one whole segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PathTemplate {
    segments: Vec<Segment>,
}

/// Why a path template is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TemplateProblem(pub(crate) String);

impl fmt::Display for TemplateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl PathTemplate {
    /// Parses `/a/<b>/c`.
    pub(crate) fn parse(path: &str) -> Result<Self, TemplateProblem> {
        if !path.starts_with('/') {
            return Err(TemplateProblem(format!("`{path}` must start with `/`")));
        }
        let mut segments = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        for segment in path.split('/').filter(|s| !s.is_empty()) {
            if let Some(name) = segment.strip_prefix('<').and_then(|s| s.strip_suffix('>')) {
                if !is_identifier(name) {
                    return Err(TemplateProblem(format!(
                        "`<{name}>` in `{path}`: a variable name is letters, digits and `_`, \
                         not starting with a digit"
                    )));
                }
                if names.contains(&name) {
                    return Err(TemplateProblem(format!(
                        "`<{name}>` appears twice in `{path}`"
                    )));
                }
                names.push(name);
                segments.push(Segment::Var(name.to_owned()));
            } else if segment.contains(['<', '>', '?', '#', '%']) {
                return Err(TemplateProblem(format!(
                    "`{segment}` in `{path}`: write a variable as a whole segment, `<name>`"
                )));
            } else {
                segments.push(Segment::Literal(segment.to_owned()));
            }
        }
        Ok(Self { segments })
    }

    /// The variables' names, in order.
    pub(crate) fn variables(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Var(name) => Some(name.as_str()),
            Segment::Literal(_) => None,
        })
    }

    /// Whether two templates match exactly the same paths (`/a/<x>` and
    /// `/a/<y>`): one of them could never be reached.
    pub(crate) fn same_paths(&self, other: &Self) -> bool {
        self.segments.len() == other.segments.len()
            && self
                .segments
                .iter()
                .zip(&other.segments)
                .all(|pair| match pair {
                    (Segment::Literal(a), Segment::Literal(b)) => a == b,
                    (Segment::Var(_), Segment::Var(_)) => true,
                    _ => false,
                })
    }

    /// The variables of `path` (already stripped of the app's prefix) when
    /// it matches; segments are percent-decoded.
    pub(crate) fn matches(&self, path: &str) -> Option<Vec<(String, String)>> {
        let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        if parts.len() != self.segments.len() {
            return None;
        }
        let mut vars = Vec::new();
        for (segment, part) in self.segments.iter().zip(parts) {
            let decoded = percent_decode(part)?;
            match segment {
                Segment::Literal(literal) if *literal == decoded => {}
                Segment::Literal(_) => return None,
                Segment::Var(name) => vars.push((name.clone(), decoded)),
            }
        }
        Some(vars)
    }

    /// Whether the template has no variables (a plain path).
    pub(crate) fn is_plain(&self) -> bool {
        self.variables().next().is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::PathTemplate;

    #[test]
    fn templates_match_whole_segments() {
        let t = PathTemplate::parse("/projects/<id>/tasks/<task>").unwrap();
        assert_eq!(t.variables().collect::<Vec<_>>(), ["id", "task"]);
        assert_eq!(
            t.matches("/projects/42/tasks/a%20b/"),
            Some(vec![
                ("id".into(), "42".into()),
                ("task".into(), "a b".into())
            ])
        );
        assert_eq!(t.matches("/projects/42/tasks"), None);
        assert_eq!(t.matches("/projects/42/other/1"), None);
        assert_eq!(t.matches("/projects/%zz/tasks/1"), None);
        let root = PathTemplate::parse("/").unwrap();
        assert_eq!(root.matches("/"), Some(vec![]));
        assert_eq!(root.matches(""), Some(vec![]));
        assert_eq!(root.matches("/x"), None);
    }

    #[test]
    fn bad_templates_are_refused() {
        for bad in [
            "projects",
            "/a/<1x>",
            "/a/<id>/<id>",
            "/a/x<id>",
            "/a/<>",
            "/a/b?c",
        ] {
            assert!(PathTemplate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn templates_for_the_same_paths() {
        let a = PathTemplate::parse("/projects/<id>").unwrap();
        let b = PathTemplate::parse("/projects/<key>/").unwrap();
        let c = PathTemplate::parse("/projects/new").unwrap();
        assert!(a.same_paths(&b));
        assert!(!a.same_paths(&c));
    }
}
