//! The SQL named-parameter rewriter of ferrodash-data (`:name` to `?` for
//! SQLite and MySQL, `$1…` for PostgreSQL), through its doc-hidden entry
//! points `named_params` and `rewrite_named_params`. The input is SQL text
//! (UTF-8), parsed for each of the three backends.
//!
//! Invariants:
//! - a syntax error points at a byte of the text, on a character boundary;
//! - every name found is an identifier written as `:name` in the text,
//!   listed once;
//! - with a value for every name, the rewrite succeeds, no value ever
//!   appears in the SQL (values are bound, never formatted in), and the
//!   placeholders account for every value bound: one `?` per value bound for
//!   SQLite and MySQL, and `$1` to `$n` for PostgreSQL, where a name used
//!   twice is bound once;
//! - a missing value, an unused value and an empty list are refused.
#![no_main]

use ferrodash_data::{Backend, named_params, rewrite_named_params};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};

/// Text that must never reach the SQL: values are bound.
const MARKER: &str = "\u{7f}bound-value\u{7f}";

fuzz_target!(|data: &[u8]| {
    let Ok(sql) = std::str::from_utf8(data) else {
        return;
    };
    for backend in [Backend::Sqlite, Backend::Postgres, Backend::MySql] {
        check(sql, backend);
    }
});

fn check(sql: &str, backend: Backend) {
    let names = match named_params(sql, backend) {
        Ok(names) => names,
        Err((problem, offset)) => {
            assert!(
                offset < sql.len() && sql.is_char_boundary(offset),
                "{backend:?}: {problem} at {offset} of {sql:?}"
            );
            assert!(rewrite_named_params(sql, backend, &json!({})).is_err());
            return;
        }
    };
    for (i, name) in names.iter().enumerate() {
        assert!(
            name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{backend:?}: {name:?} is not an identifier"
        );
        assert!(sql.contains(&format!(":{name}")), "{backend:?}: {name:?}");
        assert!(!names[..i].contains(name), "{backend:?}: {name:?} twice");
    }

    // A value for every name: text, lists of one to three, numbers, null.
    let mut params = Map::new();
    let mut values = 0;
    for (i, name) in names.iter().enumerate() {
        let value = match (i + sql.len()) % 4 {
            0 => json!(format!("{MARKER}{i}")),
            1 => {
                let n = 1 + (i + name.len()) % 3;
                Value::Array((0..n).map(|k| json!(format!("{MARKER}{k}"))).collect())
            }
            2 => json!(i),
            _ => Value::Null,
        };
        values += value.as_array().map_or(1, Vec::len);
        params.insert(name.clone(), value);
    }
    let params = Value::Object(params);
    let (out, args) = rewrite_named_params(sql, backend, &params)
        .unwrap_or_else(|e| panic!("{backend:?}: {sql:?} with {params}: {e}"));
    if !sql.contains(MARKER) {
        assert!(
            !out.contains(MARKER),
            "{backend:?}: a value in the SQL: {out:?}"
        );
    }
    if backend == Backend::Postgres {
        assert_eq!(args.len(), values, "{backend:?}: {sql:?} gave {out:?}");
        for k in 1..=args.len() {
            assert!(
                out.contains(&format!("${k}")),
                "{backend:?}: ${k} in {out:?}"
            );
        }
    } else {
        assert!(args.len() >= values, "{backend:?}: {sql:?} gave {out:?}");
        let marks = |s: &str| s.matches('?').count();
        assert_eq!(
            marks(&out).checked_sub(marks(sql)),
            Some(args.len()),
            "{backend:?}: placeholders of {sql:?} in {out:?}"
        );
    }

    // Missing, unused and empty values are refused.
    let mut unused = params.clone();
    unused["zz_unused_fuzz_param"] = json!(1);
    if !names.iter().any(|n| n == "zz_unused_fuzz_param") {
        assert!(rewrite_named_params(sql, backend, &unused).is_err());
    }
    if let Some(first) = names.first() {
        let mut missing = params.clone();
        if let Some(map) = missing.as_object_mut() {
            map.remove(first);
        }
        assert!(rewrite_named_params(sql, backend, &missing).is_err());
        let mut empty = params.clone();
        empty[first] = json!([]);
        assert!(rewrite_named_params(sql, backend, &empty).is_err());
    }
}
