//! MySQL and MariaDB values, by column type: signed and unsigned integers
//! (unsigned values past `i64::MAX` become floats), `YEAR`, `FLOAT`,
//! `DOUBLE`, `DECIMAL` (as a float), `BOOLEAN` (`TINYINT(1)`), text types,
//! `ENUM`, `SET`, `JSON`, `DATE`, `DATETIME` and `TIME` (ISO 8601 text) and
//! `TIMESTAMP` (ISO 8601 in UTC, ending in `Z`: the driver sets the session
//! time zone to UTC).

use sqlx::mysql::types::MySqlTime;
use sqlx::mysql::{MySqlColumn, MySqlRow};
use sqlx::types::chrono::{NaiveDate, NaiveDateTime};
use sqlx::{Column as _, Row as _, TypeInfo as _, ValueRef as _};

use super::{Datum, Failure, Kind, decimal_text, widen_f32};

/// Column names and the shapes their types suggest.
pub(crate) fn columns(columns: &[MySqlColumn]) -> Vec<(String, Kind)> {
    columns
        .iter()
        .map(|c| (c.name().to_owned(), kind(c.type_info().name())))
        .collect()
}

fn kind(name: &str) -> Kind {
    match name {
        "TINYINT" | "SMALLINT" | "MEDIUMINT" | "INT" | "BIGINT" | "TINYINT UNSIGNED"
        | "SMALLINT UNSIGNED" | "MEDIUMINT UNSIGNED" | "INT UNSIGNED" | "YEAR" => Kind::Int,
        "FLOAT" | "DOUBLE" | "DECIMAL" | "BIGINT UNSIGNED" => Kind::Float,
        "BOOLEAN" => Kind::Bool,
        "CHAR" | "VARCHAR" | "TINYTEXT" | "TEXT" | "MEDIUMTEXT" | "LONGTEXT" | "ENUM" | "SET"
        | "JSON" | "DATE" | "DATETIME" | "TIMESTAMP" | "TIME" => Kind::Text,
        _ => Kind::Unknown,
    }
}

/// One row's values.
pub(crate) fn row(row: &MySqlRow) -> Result<Vec<Datum>, Failure> {
    let mut out = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let name = column.name();
        let ty = column.type_info().name();
        let fail = |e: sqlx::Error| Failure::new(name, ty, e);
        let raw = row.try_get_raw(i).map_err(fail)?;
        if raw.is_null() {
            out.push(Datum::Null);
            continue;
        }
        let datum = match ty {
            "BOOLEAN" => Datum::Bool(row.try_get_unchecked(i).map_err(fail)?),
            "TINYINT" | "SMALLINT" | "MEDIUMINT" | "INT" | "BIGINT" => {
                Datum::Int(row.try_get_unchecked(i).map_err(fail)?)
            }
            "TINYINT UNSIGNED" | "SMALLINT UNSIGNED" | "MEDIUMINT UNSIGNED" | "INT UNSIGNED"
            | "BIGINT UNSIGNED" => {
                let v: u64 = row.try_get_unchecked(i).map_err(fail)?;
                #[allow(clippy::cast_precision_loss)]
                i64::try_from(v).map_or(Datum::Float(v as f64), Datum::Int)
            }
            "YEAR" => Datum::Int(row.try_get_unchecked::<u16, _>(i).map_err(fail)?.into()),
            "FLOAT" => Datum::Float(widen_f32(row.try_get_unchecked(i).map_err(fail)?)),
            "DOUBLE" => Datum::Float(row.try_get_unchecked(i).map_err(fail)?),
            "DECIMAL" => {
                let text: String = row.try_get_unchecked(i).map_err(fail)?;
                decimal_text(name, ty, &text)?
            }
            "CHAR" | "VARCHAR" | "TINYTEXT" | "TEXT" | "MEDIUMTEXT" | "LONGTEXT" | "ENUM"
            | "SET" => Datum::Text(row.try_get_unchecked(i).map_err(fail)?),
            "JSON" => {
                let text: String = row.try_get_unchecked(i).map_err(fail)?;
                serde_json::from_str(&text).map_or(Datum::Text(text), Datum::Json)
            }
            "DATE" => {
                let d: NaiveDate = row.try_get_unchecked(i).map_err(fail)?;
                Datum::Text(d.format("%Y-%m-%d").to_string())
            }
            "DATETIME" => {
                let t: NaiveDateTime = row.try_get_unchecked(i).map_err(fail)?;
                Datum::Text(t.format("%Y-%m-%dT%H:%M:%S%.f").to_string())
            }
            "TIMESTAMP" => {
                let t: NaiveDateTime = row.try_get_unchecked(i).map_err(fail)?;
                Datum::Text(t.format("%Y-%m-%dT%H:%M:%S%.fZ").to_string())
            }
            "TIME" => {
                let t: MySqlTime = row.try_get_unchecked(i).map_err(fail)?;
                Datum::Text(time_text(&t))
            }
            "NULL" => Datum::Null,
            other => return Err(Failure::unsupported(name, other)),
        };
        out.push(datum);
    }
    Ok(out)
}

/// A `TIME` (which may be negative or past 24 hours) as `[-]HH:MM:SS[.ffffff]`.
fn time_text(t: &MySqlTime) -> String {
    // Not `t.is_negative()`: sqlx 0.9.0 returns the sign's opposite there.
    let sign = if t.sign().is_negative() { "-" } else { "" };
    let mut text = format!(
        "{sign}{:02}:{:02}:{:02}",
        t.hours(),
        t.minutes(),
        t.seconds()
    );
    if t.microseconds() > 0 {
        text.push_str(&format!(".{:06}", t.microseconds()));
    }
    text
}
