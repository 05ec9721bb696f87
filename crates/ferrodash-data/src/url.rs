//! Connection URLs: which backend a URL names, and keeping its password out
//! of every message.

use std::fmt;

/// The database behind a bind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Backend {
    /// SQLite, embedded in the binary (`sqlite://path/to/file.db`).
    Sqlite,
    /// PostgreSQL (`postgres://` or `postgresql://`).
    Postgres,
    /// MySQL or MariaDB (`mysql://` or `mariadb://`).
    MySql,
}

impl Backend {
    /// The backend a URL's scheme names, if any.
    #[must_use]
    pub fn from_url(url: &str) -> Option<Self> {
        let scheme = url.split_once(':')?.0.to_ascii_lowercase();
        match scheme.as_str() {
            "sqlite" => Some(Self::Sqlite),
            "postgres" | "postgresql" => Some(Self::Postgres),
            "mysql" | "mariadb" => Some(Self::MySql),
            _ => None,
        }
    }

    /// The backend's name: `sqlite`, `postgres` or `mysql`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
            Self::MySql => "mysql",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A URL with its password (in the user info or a `password=` query
/// parameter) replaced by `***`, and the secrets that were removed (raw and
/// percent-decoded) so driver messages can be scrubbed of them too.
pub(crate) fn redact(url: &str) -> (String, Vec<String>) {
    let mut secrets = Vec::new();
    let mut out = url.to_owned();
    if let Some(scheme_end) = url.find("://") {
        let rest_start = scheme_end + 3;
        let rest = &url[rest_start..];
        let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..authority_len];
        if let Some(at) = authority.rfind('@') {
            let userinfo = &authority[..at];
            if let Some(colon) = userinfo.find(':') {
                let password = &userinfo[colon + 1..];
                if !password.is_empty() {
                    secrets.push(password.to_owned());
                    let start = rest_start + colon + 1;
                    out = format!("{}***{}", &url[..start], &url[start + password.len()..]);
                }
            }
        }
    }
    if let Some(q) = out.find('?') {
        let (head, query) = out.split_at(q + 1);
        let parts: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, value)) if key.eq_ignore_ascii_case("password") && !value.is_empty() => {
                    secrets.push(value.to_owned());
                    format!("{key}=***")
                }
                _ => pair.to_owned(),
            })
            .collect();
        out = format!("{head}{}", parts.join("&"));
    }
    let decoded: Vec<String> = secrets
        .iter()
        .map(|s| percent_decode(s))
        .filter(|d| !secrets.contains(d))
        .collect();
    secrets.extend(decoded);
    // Longest first, so a secret containing another is scrubbed whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    (out, secrets)
}

/// `message` with every secret replaced by `***`.
pub(crate) fn scrub(message: &str, secrets: &[String]) -> String {
    secrets
        .iter()
        .filter(|s| !s.is_empty())
        .fold(message.to_owned(), |m, s| m.replace(s.as_str(), "***"))
}

fn percent_decode(s: &str) -> String {
    let mut rest = s.as_bytes();
    let mut out = Vec::with_capacity(rest.len());
    while let Some((&byte, tail)) = rest.split_first() {
        if byte == b'%'
            && let Some((hex, after)) = tail.split_at_checked(2)
            && let Ok(hex) = std::str::from_utf8(hex)
            && let Ok(decoded) = u8::from_str_radix(hex, 16)
        {
            out.push(decoded);
            rest = after;
        } else {
            out.push(byte);
            rest = tail;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::{Backend, redact, scrub};

    #[test]
    fn backends_from_schemes() {
        assert_eq!(Backend::from_url("sqlite://a.db"), Some(Backend::Sqlite));
        assert_eq!(Backend::from_url("sqlite::memory:"), Some(Backend::Sqlite));
        assert_eq!(
            Backend::from_url("postgresql://h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::from_url("MariaDB://h/db"), Some(Backend::MySql));
        assert_eq!(Backend::from_url("oracle://h"), None);
        assert_eq!(Backend::from_url("no scheme"), None);
    }

    #[test]
    fn passwords_are_redacted() {
        let (url, secrets) = redact("postgres://app:s3cr%40t@db:5432/x?sslmode=disable");
        assert_eq!(url, "postgres://app:***@db:5432/x?sslmode=disable");
        assert!(secrets.contains(&"s3cr%40t".to_owned()));
        assert!(secrets.contains(&"s3cr@t".to_owned()));
        let (url, _) = redact("mysql://root@h/db?password=hunter2&x=1");
        assert_eq!(url, "mysql://root@h/db?password=***&x=1");
        let (url, secrets) = redact("sqlite://data/app.db");
        assert_eq!(url, "sqlite://data/app.db");
        assert!(secrets.is_empty());
        assert_eq!(
            scrub(
                "auth failed for s3cr@t",
                &secrets_of("postgres://u:s3cr%40t@h")
            ),
            "auth failed for ***"
        );
    }

    fn secrets_of(url: &str) -> Vec<String> {
        redact(url).1
    }
}
