//! Turning driver rows into [`Datum`]s, and datums into
//! [`ferrodash_core::Columns`].
//!
//! Each backend module maps its column types to one of five shapes: whole
//! numbers, floats (`NUMERIC`/`DECIMAL` too, which may lose precision past
//! 15–17 significant digits), text (dates and times as ISO 8601), booleans,
//! and JSON. Types with no sensible shape (binary data, geometry, arrays,
//! intervals) are a decode error naming the column and suggesting a cast.

pub(crate) mod mysql;
pub(crate) mod postgres;
pub(crate) mod sqlite;

use ferrodash_core::{Column, Columns};
use serde_json::Value;

/// One decoded value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Datum {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
    Bool(bool),
    Json(Value),
}

/// The shape a column's declared type suggests, used for columns whose
/// values are all `NULL` (or that have no rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Int,
    Float,
    Text,
    Bool,
    Unknown,
}

/// Why a value could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) column: String,
    pub(crate) type_name: String,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(column: &str, type_name: &str, message: impl std::fmt::Display) -> Self {
        Self {
            column: column.to_owned(),
            type_name: type_name.to_owned(),
            message: message.to_string(),
        }
    }

    pub(crate) fn unsupported(column: &str, type_name: &str) -> Self {
        Self::new(
            column,
            type_name,
            format!(
                "the database type {type_name} is not decoded by ferrodash-data; \
                 cast it in SQL to text or a number"
            ),
        )
    }
}

/// An `f32` as the `f64` it prints as (0.1f32 becomes 0.1, not
/// 0.100000001490116).
pub(crate) fn widen_f32(x: f32) -> f64 {
    x.to_string().parse().unwrap_or_else(|_| f64::from(x))
}

/// A decimal number's text as a float.
pub(crate) fn decimal_text(column: &str, type_name: &str, text: &str) -> Result<Datum, Failure> {
    text.trim()
        .parse::<f64>()
        .map(Datum::Float)
        .map_err(|e| Failure::new(column, type_name, format!("`{text}`: {e}")))
}

/// Builds one [`Column`], widening as values arrive: whole numbers become
/// floats when a float arrives, and any mix of other kinds becomes text.
#[derive(Debug)]
struct Builder {
    kind: Kind,
    ints: Vec<Option<i64>>,
    floats: Vec<Option<f64>>,
    texts: Vec<Option<String>>,
    bools: Vec<Option<bool>>,
    len: usize,
    /// Whether a value other than `NULL` has arrived.
    seen: bool,
}

impl Builder {
    fn new(kind: Kind) -> Self {
        Self {
            kind,
            ints: Vec::new(),
            floats: Vec::new(),
            texts: Vec::new(),
            bools: Vec::new(),
            len: 0,
            seen: false,
        }
    }

    /// Converts what is held so far to `kind`.
    fn widen(&mut self, kind: Kind) {
        match (self.kind, kind) {
            (Kind::Int, Kind::Float) => {
                #[allow(clippy::cast_precision_loss)]
                let floats = self.ints.drain(..).map(|v| v.map(|x| x as f64)).collect();
                self.floats = floats;
            }
            (_, Kind::Text) => {
                let column = self.take();
                self.texts = column.to_text();
            }
            _ => {}
        }
        self.kind = kind;
    }

    fn push(&mut self, datum: Datum) {
        let wanted = match &datum {
            Datum::Null => None,
            Datum::Int(_) => Some(Kind::Int),
            Datum::Float(_) => Some(Kind::Float),
            Datum::Bool(_) => Some(Kind::Bool),
            Datum::Text(_) | Datum::Json(_) => Some(Kind::Text),
        };
        if let Some(wanted) = wanted {
            let target = match (self.kind, wanted) {
                (Kind::Unknown, w) => w,
                (k, w) if k == w => k,
                (Kind::Int, Kind::Float) | (Kind::Float, Kind::Int) => Kind::Float,
                _ => Kind::Text,
            };
            if !self.seen {
                // Nothing but nulls yet: restart as the wanted kind.
                let nulls = self.len;
                *self = Self::new(target);
                for _ in 0..nulls {
                    self.push(Datum::Null);
                }
            } else if target != self.kind {
                self.widen(target);
            }
            self.seen = true;
        }
        self.len += 1;
        match (self.kind, datum) {
            (Kind::Int, Datum::Int(x)) => self.ints.push(Some(x)),
            (Kind::Float, Datum::Float(x)) => self.floats.push(Some(x)),
            #[allow(clippy::cast_precision_loss)]
            (Kind::Float, Datum::Int(x)) => self.floats.push(Some(x as f64)),
            (Kind::Bool, Datum::Bool(x)) => self.bools.push(Some(x)),
            (Kind::Text, Datum::Text(x)) => self.texts.push(Some(x)),
            (Kind::Text, Datum::Json(x)) => self.texts.push(Some(x.to_string())),
            (Kind::Text, Datum::Int(x)) => self.texts.push(Some(x.to_string())),
            (Kind::Text, Datum::Float(x)) => self.texts.push(Some(x.to_string())),
            (Kind::Text, Datum::Bool(x)) => self.texts.push(Some(x.to_string())),
            (Kind::Int, _) => self.ints.push(None),
            (Kind::Float, _) => self.floats.push(None),
            (Kind::Bool, _) => self.bools.push(None),
            (Kind::Text | Kind::Unknown, _) => self.texts.push(None),
        }
    }

    fn take(&mut self) -> Column {
        match self.kind {
            Kind::Int => Column::Int(std::mem::take(&mut self.ints)),
            Kind::Float => Column::Float(std::mem::take(&mut self.floats)),
            Kind::Bool => Column::Bool(std::mem::take(&mut self.bools)),
            Kind::Text | Kind::Unknown => Column::Text(std::mem::take(&mut self.texts)),
        }
    }
}

/// Builds [`Columns`] from rows of datums.
#[derive(Debug)]
pub(crate) struct ColumnsBuilder {
    names: Vec<String>,
    builders: Vec<Builder>,
}

impl ColumnsBuilder {
    /// A builder for columns with these names and declared kinds.
    pub(crate) fn new(columns: Vec<(String, Kind)>) -> Self {
        let (names, builders) = columns
            .into_iter()
            .map(|(name, kind)| (name, Builder::new(kind)))
            .unzip();
        Self { names, builders }
    }

    /// Appends a row (one datum per column).
    pub(crate) fn push_row(&mut self, row: Vec<Datum>) {
        for (builder, datum) in self.builders.iter_mut().zip(row) {
            builder.push(datum);
        }
    }

    /// The finished table. Fails only on duplicate column names.
    pub(crate) fn finish(self) -> Result<Columns, ferrodash_core::ColumnsError> {
        let mut table = Columns::new();
        for (name, mut builder) in self.names.into_iter().zip(self.builders) {
            table.push(name, builder.take())?;
        }
        Ok(table)
    }
}

#[cfg(test)]
mod tests {
    use ferrodash_core::Column;

    use super::{ColumnsBuilder, Datum, Kind};

    #[test]
    fn columns_widen_and_keep_declared_kinds() {
        let mut b = ColumnsBuilder::new(vec![
            ("n".into(), Kind::Int),
            ("mixed".into(), Kind::Unknown),
            ("empty".into(), Kind::Float),
            ("text".into(), Kind::Unknown),
        ]);
        b.push_row(vec![Datum::Int(1), Datum::Null, Datum::Null, Datum::Int(1)]);
        b.push_row(vec![
            Datum::Float(2.5),
            Datum::Int(3),
            Datum::Null,
            Datum::Text("x".into()),
        ]);
        let t = b.finish().unwrap();
        assert_eq!(t.get("n"), Some(&Column::Float(vec![Some(1.0), Some(2.5)])));
        assert_eq!(t.get("mixed"), Some(&Column::Int(vec![None, Some(3)])));
        assert_eq!(t.get("empty"), Some(&Column::Float(vec![None, None])));
        assert_eq!(
            t.get("text"),
            Some(&Column::Text(vec![Some("1".into()), Some("x".into())]))
        );
    }

    #[test]
    fn no_rows_keep_names_and_kinds() {
        let b = ColumnsBuilder::new(vec![("a".into(), Kind::Bool), ("b".into(), Kind::Unknown)]);
        let t = b.finish().unwrap();
        assert_eq!(t.names(), ["a", "b"]);
        assert_eq!(t.get("a"), Some(&Column::Bool(vec![])));
        assert_eq!(t.get("b"), Some(&Column::Text(vec![])));
    }
}
