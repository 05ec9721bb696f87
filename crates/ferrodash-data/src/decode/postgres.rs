//! PostgreSQL values, by column type: integers, `REAL`/`DOUBLE PRECISION`,
//! `NUMERIC` (as a float), text types and enums, `BOOLEAN`, `DATE`,
//! `TIMESTAMP` and `TIME` (ISO 8601 text), `TIMESTAMPTZ` (ISO 8601 in UTC,
//! ending in `Z`), `UUID` (text), `JSON`/`JSONB` and `VOID`. Domains decode
//! as their base type.

use sqlx::postgres::types::Oid;
use sqlx::postgres::{PgColumn, PgRow, PgTypeInfo, PgTypeKind, PgValueFormat};
use sqlx::types::chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use sqlx::{Column as _, Row as _, TypeInfo as _, ValueRef as _};

use super::{Datum, Failure, Kind, decimal_text, widen_f32};

/// The name of a type, domains resolved to their base type.
fn base_name(ty: &PgTypeInfo) -> String {
    match ty.kind() {
        PgTypeKind::Domain(base) => base_name(base),
        PgTypeKind::Enum(_) => "(enum)".to_owned(),
        _ => ty.name().to_owned(),
    }
}

/// Column names and the shapes their types suggest.
pub(crate) fn columns(columns: &[PgColumn]) -> Vec<(String, Kind)> {
    columns
        .iter()
        .map(|c| (c.name().to_owned(), kind(&base_name(c.type_info()))))
        .collect()
}

fn kind(name: &str) -> Kind {
    match name {
        "INT2" | "INT4" | "INT8" | "OID" => Kind::Int,
        "FLOAT4" | "FLOAT8" | "NUMERIC" => Kind::Float,
        "BOOL" => Kind::Bool,
        "TEXT" | "VARCHAR" | "CHAR" | "NAME" | "UNKNOWN" | "CITEXT" | "(enum)" | "DATE"
        | "TIMESTAMP" | "TIMESTAMPTZ" | "TIME" | "UUID" | "JSON" | "JSONB" => Kind::Text,
        _ => Kind::Unknown,
    }
}

/// One row's values.
pub(crate) fn row(row: &PgRow) -> Result<Vec<Datum>, Failure> {
    let mut out = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let name = column.name();
        let ty = base_name(column.type_info());
        let fail = |e: sqlx::Error| Failure::new(name, &ty, e);
        let raw = row.try_get_raw(i).map_err(fail)?;
        if raw.is_null() {
            out.push(Datum::Null);
            continue;
        }
        let datum = match ty.as_str() {
            "BOOL" => Datum::Bool(row.try_get_unchecked(i).map_err(fail)?),
            "INT2" => Datum::Int(row.try_get_unchecked::<i16, _>(i).map_err(fail)?.into()),
            "INT4" => Datum::Int(row.try_get_unchecked::<i32, _>(i).map_err(fail)?.into()),
            "INT8" => Datum::Int(row.try_get_unchecked(i).map_err(fail)?),
            "OID" => Datum::Int(row.try_get_unchecked::<Oid, _>(i).map_err(fail)?.0.into()),
            "FLOAT4" => Datum::Float(widen_f32(row.try_get_unchecked(i).map_err(fail)?)),
            "FLOAT8" => Datum::Float(row.try_get_unchecked(i).map_err(fail)?),
            "NUMERIC" => match raw.format() {
                PgValueFormat::Binary => {
                    let bytes = raw.as_bytes().map_err(|e| Failure::new(name, &ty, e))?;
                    numeric(bytes).ok_or_else(|| Failure::new(name, &ty, "malformed NUMERIC"))?
                }
                PgValueFormat::Text => {
                    let text = raw.as_str().map_err(|e| Failure::new(name, &ty, e))?;
                    decimal_text(name, &ty, text)?
                }
            },
            "TEXT" | "VARCHAR" | "CHAR" | "NAME" | "UNKNOWN" | "CITEXT" | "(enum)" => {
                Datum::Text(row.try_get_unchecked(i).map_err(fail)?)
            }
            "DATE" => {
                let d: NaiveDate = row.try_get_unchecked(i).map_err(fail)?;
                Datum::Text(d.format("%Y-%m-%d").to_string())
            }
            "TIMESTAMP" => {
                let t: NaiveDateTime = row.try_get_unchecked(i).map_err(fail)?;
                Datum::Text(t.format("%Y-%m-%dT%H:%M:%S%.f").to_string())
            }
            "TIMESTAMPTZ" => {
                let t: DateTime<Utc> = row.try_get_unchecked(i).map_err(fail)?;
                Datum::Text(t.format("%Y-%m-%dT%H:%M:%S%.fZ").to_string())
            }
            "TIME" => {
                let t: NaiveTime = row.try_get_unchecked(i).map_err(fail)?;
                Datum::Text(t.format("%H:%M:%S%.f").to_string())
            }
            "UUID" => {
                let bytes = raw.as_bytes().map_err(|e| Failure::new(name, &ty, e))?;
                Datum::Text(
                    uuid_text(bytes).ok_or_else(|| Failure::new(name, &ty, "malformed UUID"))?,
                )
            }
            "JSON" | "JSONB" => Datum::Json(row.try_get_unchecked(i).map_err(fail)?),
            "VOID" => Datum::Null,
            other => return Err(Failure::unsupported(name, other)),
        };
        out.push(datum);
    }
    Ok(out)
}

/// A `NUMERIC` in PostgreSQL's binary form as a float (`NaN` and
/// infinities included): base-10000 digits, a weight and a sign.
fn numeric(bytes: &[u8]) -> Option<Datum> {
    let word = |k: usize| -> Option<u16> {
        Some(u16::from_be_bytes(bytes.get(k..k + 2)?.try_into().ok()?))
    };
    let ndigits = usize::from(word(0)?);
    let weight = i64::from(word(2)?.cast_signed());
    let sign = word(4)?;
    match sign {
        0xC000 => return Some(Datum::Float(f64::NAN)),
        0xD000 => return Some(Datum::Float(f64::INFINITY)),
        0xF000 => return Some(Datum::Float(f64::NEG_INFINITY)),
        _ => {}
    }
    if ndigits == 0 {
        return Some(Datum::Float(0.0));
    }
    let mut text = String::with_capacity(ndigits * 4 + 8);
    if sign == 0x4000 {
        text.push('-');
    }
    for k in 0..ndigits {
        text.push_str(&format!("{:04}", word(8 + 2 * k)?));
    }
    // The digits read as a whole number; scale by the last digit's place.
    let exponent = 4 * (weight - i64::try_from(ndigits).ok()? + 1);
    text.push_str(&format!("e{exponent}"));
    text.parse().ok().map(Datum::Float)
}

fn uuid_text(bytes: &[u8]) -> Option<String> {
    if bytes.len() != 16 {
        return None;
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Some(format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}

#[cfg(test)]
mod tests {
    use super::{Datum, numeric, uuid_text};

    fn num(words: &[u16]) -> Option<Datum> {
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_be_bytes()).collect();
        numeric(&bytes)
    }

    #[test]
    fn numerics_decode() {
        // 12345.678 = [1, 2345, 6780], weight 1, dscale 3.
        assert_eq!(
            num(&[3, 1, 0, 3, 1, 2345, 6780]),
            Some(Datum::Float(12345.678))
        );
        // -0.05 = [500], weight -1.
        assert_eq!(num(&[1, 0xFFFF, 0x4000, 2, 500]), Some(Datum::Float(-0.05)));
        assert_eq!(num(&[0, 0, 0, 0]), Some(Datum::Float(0.0)));
        assert!(matches!(num(&[0, 0, 0xC000, 0]), Some(Datum::Float(x)) if x.is_nan()));
        assert_eq!(num(&[2, 0]), None);
    }

    #[test]
    fn uuids_print() {
        let bytes: Vec<u8> = (0u8..16).collect();
        assert_eq!(
            uuid_text(&bytes).unwrap(),
            "00010203-0405-0607-0809-0a0b0c0d0e0f"
        );
    }
}
