//! The named-parameter rewriter reached from outside the crate, for the
//! fuzz targets in the repository's `fuzz/` folder. Not part of the crate's
//! API: hidden from its documentation, and free to change at any time.

use serde_json::Value;

use super::ParsedSql;
use crate::url::Backend;
use crate::values::{Params, Scalar};

/// The named parameters of `sql` for `backend`, each once in order of
/// first use, or the syntax error and its byte offset.
///
/// Not part of the crate's API: with [`rewrite_named_params`] it lets the
/// fuzz targets reach the private rewriter every query goes through.
pub fn named_params(sql: &str, backend: Backend) -> Result<Vec<String>, (String, usize)> {
    ParsedSql::parse(sql, backend)
        .map(|parsed| parsed.names)
        .map_err(|e| (e.problem, e.offset))
}

/// `sql` rewritten for `backend` with `params` (a JSON object of names to
/// scalars, or to lists of scalars for `IN (:ids)`): the SQL with the
/// driver's placeholders and the values to bind, in order, as JSON; or what
/// is wrong (the syntax error, or every missing, unused or empty parameter).
///
/// Not part of the crate's API (see [`named_params`]).
pub fn rewrite_named_params(
    sql: &str,
    backend: Backend,
    params: &Value,
) -> Result<(String, Vec<Value>), String> {
    let parsed = ParsedSql::parse(sql, backend)
        .map_err(|e| format!("{} (at byte {})", e.problem, e.offset))?;
    let params = Params::from_serialize(params)?;
    let (sql, args) = parsed
        .render(backend, &params)
        .map_err(|errors| format!("{errors:?}"))?;
    let args = args
        .into_iter()
        .map(|arg| match arg {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => b.into(),
            Scalar::Int(i) => i.into(),
            Scalar::Float(f) => f.into(),
            Scalar::Text(s) => s.into(),
        })
        .collect();
    Ok((sql, args))
}
