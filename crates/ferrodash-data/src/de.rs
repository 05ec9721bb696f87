//! Typed rows: a serde `Deserializer` over one row of [`Datum`]s.
//!
//! A row reads as a map of column names to values (for structs and maps), as
//! a sequence (for tuples), or — when it has exactly one column — as that
//! column's value (`fetch_one::<i64>` for `select count(*) …`). Beyond
//! serde's usual rules: an integer 0/1 reads as a boolean (SQLite has no
//! booleans), and a float with no fraction reads as an integer (`SUM` of
//! integers is `NUMERIC`/`DECIMAL` in PostgreSQL and MySQL). Errors name
//! the column.

use std::fmt;
use std::sync::Arc;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};

use crate::decode::Datum;

/// A deserialization problem, with the column it happened in.
#[derive(Debug)]
pub(crate) struct RowError {
    pub(crate) column: Option<String>,
    pub(crate) message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RowError {}

impl de::Error for RowError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self {
            column: None,
            message: msg.to_string(),
        }
    }
}

/// One row's values as a `T`.
pub(crate) fn from_row<T: DeserializeOwned>(
    names: &Arc<[String]>,
    values: Vec<Datum>,
) -> Result<T, RowError> {
    T::deserialize(RowDeserializer {
        names: names.clone(),
        values,
    })
}

struct RowDeserializer {
    names: Arc<[String]>,
    values: Vec<Datum>,
}

impl RowDeserializer {
    fn single(self) -> Result<(String, Datum), RowError> {
        let count = self.values.len();
        match (self.names.first(), <[Datum; 1]>::try_from(self.values)) {
            (Some(name), Ok([value])) => Ok((name.clone(), value)),
            _ => Err(de::Error::custom(format!(
                "a single value needs a row of one column, the row has {count} ({})",
                self.names.join(", ")
            ))),
        }
    }
}

fn in_column(column: &str, e: RowError) -> RowError {
    RowError {
        column: Some(e.column.unwrap_or_else(|| column.to_owned())),
        message: e.message,
    }
}

macro_rules! single_column {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RowError> {
            let (name, value) = self.single()?;
            DatumDeserializer(value).$method(visitor).map_err(|e| in_column(&name, e))
        }
    )*};
}

impl<'de> de::Deserializer<'de> for RowDeserializer {
    type Error = RowError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RowError> {
        visitor.visit_map(RowAccess {
            names: self.names,
            values: self.values.into_iter().enumerate(),
            current: None,
        })
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RowError> {
        visitor.visit_seq(RowAccess {
            names: self.names,
            values: self.values.into_iter().enumerate(),
            current: None,
        })
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, RowError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, RowError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, RowError> {
        visitor.visit_newtype_struct(self)
    }

    single_column! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_f32
        deserialize_f64 deserialize_char deserialize_str deserialize_string deserialize_option
    }

    serde::forward_to_deserialize_any! {
        i128 u128 bytes byte_buf unit unit_struct map struct enum identifier ignored_any
    }
}

/// Walks a row's columns, remembering the current one for error messages.
struct RowAccess {
    names: Arc<[String]>,
    values: std::iter::Enumerate<std::vec::IntoIter<Datum>>,
    current: Option<(usize, Datum)>,
}

impl RowAccess {
    /// The name of column `index` (a row has a name for each value).
    fn name(&self, index: usize) -> &str {
        self.names.get(index).map_or("", String::as_str)
    }
}

impl<'de> de::MapAccess<'de> for RowAccess {
    type Error = RowError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, RowError> {
        let Some((index, value)) = self.values.next() else {
            return Ok(None);
        };
        self.current = Some((index, value));
        seed.deserialize(self.name(index).to_owned().into_deserializer())
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, RowError> {
        let (index, value) = self
            .current
            .take()
            .ok_or_else(|| <RowError as de::Error>::custom("value asked before key"))?;
        seed.deserialize(DatumDeserializer(value))
            .map_err(|e| in_column(self.name(index), e))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.values.len())
    }
}

impl<'de> de::SeqAccess<'de> for RowAccess {
    type Error = RowError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, RowError> {
        let Some((index, value)) = self.values.next() else {
            return Ok(None);
        };
        seed.deserialize(DatumDeserializer(value))
            .map(Some)
            .map_err(|e| in_column(self.name(index), e))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.values.len())
    }
}

/// One value.
struct DatumDeserializer(Datum);

fn json_error(e: &serde_json::Error) -> RowError {
    de::Error::custom(e)
}

macro_rules! integers {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RowError> {
            match self.0 {
                // A whole-valued float (SUM over integers) reads as an integer.
                #[allow(clippy::cast_possible_truncation, clippy::float_cmp)]
                Datum::Float(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => {
                    visitor.visit_i64(x as i64)
                }
                other => Self(other).deserialize_any(visitor),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for DatumDeserializer {
    type Error = RowError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RowError> {
        match self.0 {
            Datum::Null => visitor.visit_unit(),
            Datum::Int(x) => visitor.visit_i64(x),
            Datum::Float(x) => visitor.visit_f64(x),
            Datum::Text(x) => visitor.visit_string(x),
            Datum::Bool(x) => visitor.visit_bool(x),
            Datum::Json(x) => {
                de::Deserializer::deserialize_any(x, visitor).map_err(|e| json_error(&e))
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RowError> {
        match self.0 {
            Datum::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RowError> {
        match self.0 {
            Datum::Int(x @ (0 | 1)) => visitor.visit_bool(x == 1),
            other => Self(other).deserialize_any(visitor),
        }
    }

    integers! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, RowError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, RowError> {
        match self.0 {
            Datum::Text(x) => visitor.visit_enum(x.into_deserializer()),
            Datum::Json(x) => de::Deserializer::deserialize_enum(x, name, variants, visitor)
                .map_err(|e| json_error(&e)),
            other => Self(other).deserialize_any(visitor),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RowError> {
        match self.0 {
            Datum::Json(x) => {
                de::Deserializer::deserialize_seq(x, visitor).map_err(|e| json_error(&e))
            }
            other => Self(other).deserialize_any(visitor),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, RowError> {
        match self.0 {
            Datum::Json(x) => {
                de::Deserializer::deserialize_map(x, visitor).map_err(|e| json_error(&e))
            }
            other => Self(other).deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        i128 u128 f32 f64 char str string bytes byte_buf unit unit_struct tuple
        tuple_struct struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde::Deserialize;

    use super::from_row;
    use crate::decode::Datum;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Sale {
        region: String,
        amount: i64,
        share: Option<f64>,
        paid: bool,
    }

    fn names(n: &[&str]) -> Arc<[String]> {
        n.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn structs_tuples_and_scalars() {
        let n = names(&["region", "amount", "share", "paid"]);
        let row = vec![
            Datum::Text("North".into()),
            Datum::Float(12.0),
            Datum::Null,
            Datum::Int(1),
        ];
        let sale: Sale = from_row(&n, row.clone()).unwrap();
        assert_eq!(
            sale,
            Sale {
                region: "North".into(),
                amount: 12,
                share: None,
                paid: true
            }
        );
        let t: (String, f64, Option<f64>, bool) = from_row(&n, row).unwrap();
        assert_eq!(t.1, 12.0);
        let one: i64 = from_row(&names(&["count"]), vec![Datum::Int(7)]).unwrap();
        assert_eq!(one, 7);
        let opt: Option<String> = from_row(&names(&["x"]), vec![Datum::Null]).unwrap();
        assert_eq!(opt, None);
    }

    #[test]
    fn errors_name_the_column() {
        let n = names(&["region", "amount", "share", "paid"]);
        let row = vec![
            Datum::Text("North".into()),
            Datum::Text("lots".into()),
            Datum::Null,
            Datum::Bool(true),
        ];
        let e = from_row::<Sale>(&n, row).unwrap_err();
        assert_eq!(e.column.as_deref(), Some("amount"));
        assert!(e.message.contains("lots"), "{}", e.message);
        let e =
            from_row::<i64>(&names(&["a", "b"]), vec![Datum::Int(1), Datum::Int(2)]).unwrap_err();
        assert!(e.message.contains("one column"), "{}", e.message);
    }
}
