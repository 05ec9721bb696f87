//! SQLite values. SQLite types values, not columns: each value is decoded
//! by its storage class (integer, real, text; `BLOB` is refused), and a
//! column declared `BOOLEAN` turns integers into booleans. Dates are
//! whatever text (or number) the app stored; store ISO 8601 text for
//! figures.

use sqlx::sqlite::{SqliteColumn, SqliteRow};
use sqlx::{Column as _, Row as _, TypeInfo as _, ValueRef as _};

use super::{Datum, Failure, Kind};

/// Column names and the shapes their declared types suggest.
pub(crate) fn columns(columns: &[SqliteColumn]) -> Vec<(String, Kind)> {
    columns
        .iter()
        .map(|c| (c.name().to_owned(), kind(c.type_info().name())))
        .collect()
}

fn kind(declared: &str) -> Kind {
    match declared {
        "INTEGER" | "INT4" => Kind::Int,
        "REAL" | "NUMERIC" => Kind::Float,
        "TEXT" | "DATE" | "TIME" | "DATETIME" => Kind::Text,
        "BOOLEAN" => Kind::Bool,
        _ => Kind::Unknown,
    }
}

/// One row's values.
pub(crate) fn row(row: &SqliteRow) -> Result<Vec<Datum>, Failure> {
    let mut out = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let name = column.name();
        let declared = column.type_info().name();
        let raw = row
            .try_get_raw(i)
            .map_err(|e| Failure::new(name, declared, e))?;
        if raw.is_null() {
            out.push(Datum::Null);
            continue;
        }
        let storage = raw.type_info().name().to_owned();
        let fail = |e: sqlx::Error| Failure::new(name, &storage, e);
        let datum = match storage.as_str() {
            "INTEGER" | "INT4" | "BOOLEAN" => {
                let v = row.try_get_unchecked::<i64, _>(i).map_err(fail)?;
                if declared == "BOOLEAN" {
                    Datum::Bool(v != 0)
                } else {
                    Datum::Int(v)
                }
            }
            "REAL" | "NUMERIC" => Datum::Float(row.try_get_unchecked::<f64, _>(i).map_err(fail)?),
            "TEXT" | "DATE" | "TIME" | "DATETIME" => {
                Datum::Text(row.try_get_unchecked::<String, _>(i).map_err(fail)?)
            }
            other => return Err(Failure::unsupported(name, other)),
        };
        out.push(datum);
    }
    Ok(out)
}
