//! Named parameters: finding `:name` in SQL text and rewriting it to the
//! driver's placeholders (`?` for SQLite and MySQL, `$1…` for PostgreSQL).
//!
//! The scanner skips string literals (with MySQL's and PostgreSQL `E''`
//! backslash escapes), PostgreSQL dollar-quoted strings, quoted identifiers
//! (`"…"`, `` `…` ``, SQLite's `[…]`), comments (`--`, `/* */` nested as in
//! PostgreSQL, MySQL's `#`) and PostgreSQL `::` casts. A `:` right after an
//! identifier character (`arr[lo:hi]`) or before `=` (`:=`) is left alone.
//! The drivers' own positional placeholders (`?`, `$1`) and SQLite's `$x` /
//! `@x` are refused, so a query cannot mix them with named parameters.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::url::Backend;
use crate::values::{ParamValue, Params, Scalar};

/// A piece of parsed SQL text.
#[derive(Debug, Clone, PartialEq)]
enum Segment {
    /// SQL text, copied as is.
    Sql(String),
    /// A named parameter.
    Param(String),
}

/// SQL text split into text and named parameters, for one backend.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ParsedSql {
    segments: Vec<Segment>,
    names: Vec<String>,
}

/// Why SQL text could not be parsed: a message and a byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub(crate) problem: String,
    pub(crate) offset: usize,
}

/// Why parameter values do not fit a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RenderError {
    Missing(String),
    Unused(String),
    EmptyList(String),
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

fn ident_end(bytes: &[u8], start: usize) -> usize {
    let rest = bytes.get(start..).unwrap_or_default();
    start
        + rest
            .iter()
            .take_while(|&&c| c.is_ascii_alphanumeric() || c == b'_')
            .count()
}

fn err(problem: impl Into<String>, offset: usize) -> SyntaxError {
    SyntaxError {
        problem: problem.into(),
        offset,
    }
}

/// Where a quoted run that opened at `start` with `quote` ends (just past
/// the closing quote). Doubled quotes stay inside; with `backslash`, so
/// does any character after a backslash.
fn quoted_end(bytes: &[u8], start: usize, close: u8, backslash: bool) -> Option<usize> {
    let mut i = start + 1;
    while let Some(&c) = bytes.get(i) {
        if backslash && c == b'\\' {
            i += 2;
        } else if c == close {
            if bytes.get(i + 1) == Some(&close) && close != b']' {
                i += 2;
            } else {
                return Some(i + 1);
            }
        } else {
            i += 1;
        }
    }
    None
}

/// Where a block comment opened at `start` ends; nested when `nested`.
fn block_comment_end(bytes: &[u8], start: usize, nested: bool) -> Option<usize> {
    let mut depth = 1;
    let mut i = start + 2;
    while let Some(&[c, next]) = bytes.get(i..i + 2) {
        if c == b'*' && next == b'/' {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return Some(i);
            }
        } else if nested && c == b'/' && next == b'*' {
            depth += 1;
            i += 2;
        } else {
            i += 1;
        }
    }
    None
}

impl ParsedSql {
    /// Parses `sql` for `backend`.
    pub(crate) fn parse(sql: &str, backend: Backend) -> Result<Self, SyntaxError> {
        let bytes = sql.as_bytes();
        let mut segments = Vec::new();
        let mut names: Vec<String> = Vec::new();
        let mut text_start = 0;
        let mut i = 0;
        let pg = backend == Backend::Postgres;
        let my = backend == Backend::MySql;
        let lite = backend == Backend::Sqlite;
        while let Some(&c) = bytes.get(i) {
            let prev = i.checked_sub(1).and_then(|p| bytes.get(p)).copied();
            let next = bytes.get(i + 1).copied();
            match c {
                b'\'' => {
                    // PostgreSQL's E'…' strings take backslash escapes.
                    let escape_string = pg
                        && matches!(prev, Some(b'e' | b'E'))
                        && !i
                            .checked_sub(2)
                            .and_then(|p| bytes.get(p))
                            .copied()
                            .is_some_and(is_ident);
                    i = quoted_end(bytes, i, b'\'', my || escape_string)
                        .ok_or_else(|| err("unterminated string literal", i))?;
                }
                b'"' => {
                    i = quoted_end(bytes, i, b'"', my)
                        .ok_or_else(|| err("unterminated quoted identifier or string", i))?;
                }
                b'`' if !pg => {
                    i = quoted_end(bytes, i, b'`', false)
                        .ok_or_else(|| err("unterminated quoted identifier", i))?;
                }
                b'[' if lite => {
                    i = quoted_end(bytes, i, b']', false)
                        .ok_or_else(|| err("unterminated [identifier]", i))?;
                }
                b'-' if next == Some(b'-')
                    && (!my || bytes.get(i + 2).is_none_or(u8::is_ascii_whitespace)) =>
                {
                    i = sql[i..].find('\n').map_or(bytes.len(), |n| i + n + 1);
                }
                b'#' if my => {
                    i = sql[i..].find('\n').map_or(bytes.len(), |n| i + n + 1);
                }
                b'/' if next == Some(b'*') => {
                    i = block_comment_end(bytes, i, pg)
                        .ok_or_else(|| err("unterminated /* comment", i))?;
                }
                b'$' if pg && !prev.is_some_and(is_ident) => {
                    if next.is_some_and(|n| n.is_ascii_digit()) {
                        return Err(err(
                            "positional parameter `$n`: use named parameters (`:name`)",
                            i,
                        ));
                    }
                    // A dollar quote: $$…$$ or $tag$…$tag$.
                    let tag_end = if next.is_some_and(is_ident_start) {
                        ident_end(bytes, i + 1)
                    } else {
                        i + 1
                    };
                    if bytes.get(tag_end) == Some(&b'$') {
                        let tag = &sql[i..=tag_end];
                        let body = tag_end + 1;
                        let close = sql[body..]
                            .find(tag)
                            .ok_or_else(|| err(format!("unterminated {tag} string"), i))?;
                        i = body + close + tag.len();
                    } else {
                        i += 1;
                    }
                }
                b'$' | b'@' if lite && next.is_some_and(is_ident_start) => {
                    return Err(err(
                        format!(
                            "SQLite parameter `{}…`: use named parameters (`:name`)",
                            c as char
                        ),
                        i,
                    ));
                }
                b'?' if !pg => {
                    return Err(err(
                        "positional parameter `?`: use named parameters (`:name`)",
                        i,
                    ));
                }
                b':' if next == Some(b':') => i += 2,
                b':' if next.is_some_and(is_ident_start) && !prev.is_some_and(is_ident) => {
                    let end = ident_end(bytes, i + 1);
                    let name = &sql[i + 1..end];
                    segments.push(Segment::Sql(sql[text_start..i].to_owned()));
                    segments.push(Segment::Param(name.to_owned()));
                    if !names.iter().any(|n| n == name) {
                        names.push(name.to_owned());
                    }
                    text_start = end;
                    i = end;
                }
                _ => i += 1,
            }
        }
        segments.push(Segment::Sql(sql[text_start..].to_owned()));
        segments.retain(|s| !matches!(s, Segment::Sql(t) if t.is_empty()));
        Ok(Self { segments, names })
    }

    /// The parameter names, each once, in order of first use.
    #[cfg(test)]
    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }

    /// The SQL with placeholders for `backend`, and the values to bind in
    /// order. Lists expand to one placeholder per element (`IN (:ids)`).
    pub(crate) fn render(
        &self,
        backend: Backend,
        params: &Params,
    ) -> Result<(String, Vec<Scalar>), Vec<RenderError>> {
        let mut errors: Vec<RenderError> = self
            .names
            .iter()
            .filter(|n| !params.contains(n))
            .map(|n| RenderError::Missing(n.clone()))
            .collect();
        errors.extend(
            params
                .names()
                .filter(|n| !self.names.iter().any(|m| m == n))
                .map(|n| RenderError::Unused(n.to_owned())),
        );
        errors.extend(self.names.iter().filter_map(|n| match params.get(n) {
            Some(ParamValue::List(items)) if items.is_empty() => {
                Some(RenderError::EmptyList(n.clone()))
            }
            _ => None,
        }));
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut sql = String::new();
        let mut args = Vec::new();
        // PostgreSQL numbers its placeholders, so a parameter used twice is
        // bound once.
        let mut numbered: HashMap<&str, String> = HashMap::new();
        for segment in &self.segments {
            match segment {
                Segment::Sql(text) => sql.push_str(text),
                Segment::Param(name) => {
                    if let Some(placeholders) = numbered.get(name.as_str()) {
                        sql.push_str(placeholders);
                        continue;
                    }
                    let values: Vec<&Scalar> = match params.get(name) {
                        Some(ParamValue::Scalar(s)) => vec![s],
                        Some(ParamValue::List(items)) => items.iter().collect(),
                        None => Vec::new(),
                    };
                    let mut placeholders = String::new();
                    for (k, value) in values.into_iter().enumerate() {
                        if k > 0 {
                            placeholders.push_str(", ");
                        }
                        args.push(value.clone());
                        if backend == Backend::Postgres {
                            let _ = write!(placeholders, "${}", args.len());
                        } else {
                            placeholders.push('?');
                        }
                    }
                    sql.push_str(&placeholders);
                    if backend == Backend::Postgres {
                        numbered.insert(name, placeholders);
                    }
                }
            }
        }
        Ok((sql, args))
    }
}

pub(crate) mod fuzzing;

#[cfg(test)]
mod tests;
