//! Tables held by column: what SQL queries return and figures draw.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

/// One column's values, every entry possibly missing (SQL `NULL`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Column {
    /// Whole numbers.
    Int(Vec<Option<i64>>),
    /// Floating-point numbers.
    Float(Vec<Option<f64>>),
    /// Text, dates and times included (as ISO 8601 text, which Plotly's date
    /// axes read).
    Text(Vec<Option<String>>),
    /// Booleans.
    Bool(Vec<Option<bool>>),
}

impl Column {
    /// The number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Self::Int(v) => v.len(),
            Self::Float(v) => v.len(),
            Self::Text(v) => v.len(),
            Self::Bool(v) => v.len(),
        }
    }

    /// Whether the column has no entries.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether every entry is missing (true for an empty column).
    #[must_use]
    pub fn is_all_missing(&self) -> bool {
        match self {
            Self::Int(v) => v.iter().all(Option::is_none),
            Self::Float(v) => v.iter().all(Option::is_none),
            Self::Text(v) => v.iter().all(Option::is_none),
            Self::Bool(v) => v.iter().all(Option::is_none),
        }
    }

    /// Whether the column holds numbers (whole or floating-point).
    #[must_use]
    pub const fn is_numeric(&self) -> bool {
        matches!(self, Self::Int(_) | Self::Float(_))
    }

    /// The name of the column's kind, for messages: `int`, `float`, `text`
    /// or `bool`.
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Int(_) => "int",
            Self::Float(_) => "float",
            Self::Text(_) => "text",
            Self::Bool(_) => "bool",
        }
    }

    /// The values as floating-point numbers, missing entries as `NaN`
    /// (which Plotly draws as a gap); `None` for a column that is not
    /// numeric. A column with no values at all (empty, or every entry
    /// missing) reads as numbers whatever its kind: a query that found no
    /// rows cannot always tell the kind of a computed column.
    #[must_use]
    pub fn to_f64(&self) -> Option<Vec<f64>> {
        if self.is_all_missing() {
            return Some(vec![f64::NAN; self.len()]);
        }
        match self {
            // Whole numbers beyond 2^53 lose precision, as they would in
            // the browser's JavaScript.
            #[allow(clippy::cast_precision_loss)]
            Self::Int(v) => Some(v.iter().map(|x| x.map_or(f64::NAN, |x| x as f64)).collect()),
            Self::Float(v) => Some(v.iter().map(|x| x.unwrap_or(f64::NAN)).collect()),
            Self::Text(_) | Self::Bool(_) => None,
        }
    }

    /// Each entry as text, missing entries as `None`: numbers in their
    /// shortest form, booleans as `true`/`false`.
    #[must_use]
    pub fn to_text(&self) -> Vec<Option<String>> {
        match self {
            Self::Int(v) => v.iter().map(|x| x.map(|x| x.to_string())).collect(),
            Self::Float(v) => v.iter().map(|x| x.map(|x| x.to_string())).collect(),
            Self::Text(v) => v.clone(),
            Self::Bool(v) => v.iter().map(|x| x.map(|x| x.to_string())).collect(),
        }
    }

    /// The entry at `row` as JSON (`null` when missing or out of range).
    #[must_use]
    pub fn value(&self, row: usize) -> Value {
        match self {
            Self::Int(v) => v
                .get(row)
                .copied()
                .flatten()
                .map_or(Value::Null, Value::from),
            Self::Float(v) => v
                .get(row)
                .copied()
                .flatten()
                .map_or(Value::Null, Value::from),
            Self::Text(v) => v
                .get(row)
                .and_then(Option::as_deref)
                .map_or(Value::Null, Value::from),
            Self::Bool(v) => v
                .get(row)
                .copied()
                .flatten()
                .map_or(Value::Null, Value::from),
        }
    }

    /// An empty column of the same kind.
    fn empty_like(&self) -> Self {
        match self {
            Self::Int(_) => Self::Int(Vec::new()),
            Self::Float(_) => Self::Float(Vec::new()),
            Self::Text(_) => Self::Text(Vec::new()),
            Self::Bool(_) => Self::Bool(Vec::new()),
        }
    }

    /// Appends a JSON value, widening the column where needed: whole
    /// numbers become floats when a float arrives, and anything becomes text
    /// when a value of another kind arrives.
    fn push(&mut self, value: &Value) {
        match (&mut *self, value) {
            (_, Value::Null) => self.push_null(),
            (Self::Int(v), Value::Number(n)) if n.as_i64().is_some() => v.push(n.as_i64()),
            (Self::Float(v), Value::Number(n)) => v.push(n.as_f64()),
            (Self::Int(v), Value::Number(n)) => {
                #[allow(clippy::cast_precision_loss)]
                let mut widened: Vec<Option<f64>> = v.iter().map(|x| x.map(|x| x as f64)).collect();
                widened.push(n.as_f64());
                *self = Self::Float(widened);
            }
            (Self::Bool(v), Value::Bool(b)) => v.push(Some(*b)),
            (Self::Text(v), other) => v.push(Some(json_text(other))),
            (_, other) => {
                let mut text = self.to_text();
                text.push(Some(json_text(other)));
                *self = Self::Text(text);
            }
        }
    }

    fn push_null(&mut self) {
        match self {
            Self::Int(v) => v.push(None),
            Self::Float(v) => v.push(None),
            Self::Text(v) => v.push(None),
            Self::Bool(v) => v.push(None),
        }
    }

    /// A column for a first JSON value, preceded by `nulls` missing entries.
    fn starting_with(nulls: usize, value: &Value) -> Self {
        let mut column = match value {
            Value::Number(n) if n.as_i64().is_some() => Self::Int(Vec::new()),
            Value::Number(_) => Self::Float(Vec::new()),
            Value::Bool(_) => Self::Bool(Vec::new()),
            _ => Self::Text(Vec::new()),
        };
        for _ in 0..nulls {
            column.push_null();
        }
        column.push(value);
        column
    }

    /// The entries at `rows`, in that order.
    fn select(&self, rows: &[usize]) -> Self {
        fn pick<T: Clone>(v: &[Option<T>], rows: &[usize]) -> Vec<Option<T>> {
            rows.iter().map(|&r| v.get(r).cloned().flatten()).collect()
        }
        match self {
            Self::Int(v) => Self::Int(pick(v, rows)),
            Self::Float(v) => Self::Float(pick(v, rows)),
            Self::Text(v) => Self::Text(pick(v, rows)),
            Self::Bool(v) => Self::Bool(pick(v, rows)),
        }
    }
}

fn json_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A table held by column: named [`Column`]s of equal length.
///
/// SQL query results come as `Columns` ready for figures, and any list of
/// `serde::Serialize` rows becomes one with [`Columns::from_rows`].
///
/// ```
/// use ferrodash_core::{Column, Columns};
///
/// #[derive(serde::Serialize)]
/// struct Sale { region: &'static str, amount: f64 }
///
/// let table = Columns::from_rows(&[
///     Sale { region: "North", amount: 10.5 },
///     Sale { region: "South", amount: 4.0 },
/// ])?;
/// assert_eq!(table.len(), 2);
/// assert_eq!(table.get("amount"), Some(&Column::Float(vec![Some(10.5), Some(4.0)])));
/// # Ok::<(), ferrodash_core::ColumnsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Columns {
    names: Vec<String>,
    columns: Vec<Column>,
}

/// Why a [`Columns`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ColumnsError {
    /// A column's length differs from the others'.
    #[error("column `{name}` has {found} entries where the table has {expected}")]
    Length {
        /// The column's name.
        name: String,
        /// The table's length.
        expected: usize,
        /// The column's length.
        found: usize,
    },
    /// Two columns have the same name.
    #[error("two columns are named `{name}`")]
    DuplicateName {
        /// The name.
        name: String,
    },
    /// A row did not serialize as a JSON object (a struct or a map).
    #[error("row {row} is not a struct or map: {problem}")]
    Row {
        /// The row's index.
        row: usize,
        /// What it was instead.
        problem: String,
    },
}

impl Columns {
    /// An empty table.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The table with another column appended.
    ///
    /// # Errors
    ///
    /// [`ColumnsError`] when the name is taken or the length differs.
    pub fn with_column(
        mut self,
        name: impl Into<String>,
        column: Column,
    ) -> Result<Self, ColumnsError> {
        self.push(name, column)?;
        Ok(self)
    }

    /// Appends a column.
    ///
    /// # Errors
    ///
    /// [`ColumnsError`] when the name is taken or the length differs.
    pub fn push(&mut self, name: impl Into<String>, column: Column) -> Result<(), ColumnsError> {
        let name = name.into();
        if self.names.contains(&name) {
            return Err(ColumnsError::DuplicateName { name });
        }
        if let Some(first) = self.columns.first()
            && first.len() != column.len()
        {
            return Err(ColumnsError::Length {
                name,
                expected: first.len(),
                found: column.len(),
            });
        }
        self.names.push(name);
        self.columns.push(column);
        Ok(())
    }

    /// A table from rows that serialize as JSON objects (structs or maps).
    ///
    /// Columns appear in the order their names are first seen; a field a row
    /// lacks is missing in that row. A column's kind follows its values:
    /// whole numbers, floats (when any value has a fraction), booleans, or
    /// text (strings, and any column whose values are of mixed kinds).
    ///
    /// # Errors
    ///
    /// [`ColumnsError::Row`] when a row is not a struct or map.
    pub fn from_rows<T: Serialize>(rows: &[T]) -> Result<Self, ColumnsError> {
        let mut table = Self::new();
        for (index, row) in rows.iter().enumerate() {
            let value = serde_json::to_value(row).map_err(|e| ColumnsError::Row {
                row: index,
                problem: e.to_string(),
            })?;
            let Value::Object(fields) = value else {
                return Err(ColumnsError::Row {
                    row: index,
                    problem: format!("found {}", json_kind(&value)),
                });
            };
            for (name, value) in &fields {
                let i = table.names.iter().position(|n| n == name);
                match i.and_then(|i| table.columns.get_mut(i)) {
                    Some(column) => column.push(value),
                    None => {
                        table.names.push(name.clone());
                        table.columns.push(Column::starting_with(index, value));
                    }
                }
            }
            // Fields this row lacks are missing in it.
            for column in &mut table.columns {
                if column.len() == index {
                    column.push_null();
                }
            }
        }
        Ok(table)
    }

    /// The number of rows.
    #[must_use]
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, Column::len)
    }

    /// Whether the table has no rows.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The column names, in order.
    #[must_use]
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The column called `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Column> {
        self.names
            .iter()
            .position(|n| n == name)
            .and_then(|i| self.columns.get(i))
    }

    /// Each column with its name, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Column)> {
        self.names
            .iter()
            .map(String::as_str)
            .zip(self.columns.iter())
    }

    /// The rows at `rows`, in that order, as a new table (out-of-range rows
    /// read as missing).
    #[must_use]
    pub fn select(&self, rows: &[usize]) -> Self {
        Self {
            names: self.names.clone(),
            columns: self.columns.iter().map(|c| c.select(rows)).collect(),
        }
    }

    /// An empty table with the same columns.
    #[must_use]
    pub fn empty_like(&self) -> Self {
        Self {
            names: self.names.clone(),
            columns: self.columns.iter().map(Column::empty_like).collect(),
        }
    }

    /// The table as a list of JSON objects, one per row: what a
    /// `dash_table.DataTable`'s `data` prop takes.
    #[must_use]
    pub fn to_records(&self) -> Vec<serde_json::Map<String, Value>> {
        (0..self.len())
            .map(|row| {
                self.iter()
                    .map(|(name, column)| (name.to_owned(), column.value(row)))
                    .collect()
            })
            .collect()
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

impl fmt::Display for Columns {
    /// A short description: `3 rows × 2 columns (region, amount)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} rows × {} columns ({})",
            self.len(),
            self.names.len(),
            self.names.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Column, Columns, ColumnsError};

    #[test]
    fn rows_become_typed_columns() {
        let rows = vec![
            json!({"month": "2026-01", "n": 3, "share": 1, "ok": true}),
            json!({"month": "2026-02", "n": null, "share": 0.5}),
            json!({"month": "2026-03", "n": 5, "share": 2, "ok": false, "note": "late"}),
        ];
        let table = Columns::from_rows(&rows).unwrap();
        assert_eq!(table.names(), ["month", "n", "share", "ok", "note"]);
        assert_eq!(table.len(), 3);
        assert_eq!(
            table.get("n"),
            Some(&Column::Int(vec![Some(3), None, Some(5)]))
        );
        assert_eq!(
            table.get("share"),
            Some(&Column::Float(vec![Some(1.0), Some(0.5), Some(2.0)]))
        );
        assert_eq!(
            table.get("ok"),
            Some(&Column::Bool(vec![Some(true), None, Some(false)]))
        );
        assert_eq!(
            table.get("note"),
            Some(&Column::Text(vec![None, None, Some("late".into())]))
        );
    }

    #[test]
    fn mixed_kinds_become_text() {
        let table = Columns::from_rows(&[json!({"a": 1}), json!({"a": "x"})]).unwrap();
        assert_eq!(
            table.get("a"),
            Some(&Column::Text(vec![Some("1".into()), Some("x".into())]))
        );
    }

    #[test]
    fn rows_that_are_not_objects_are_refused() {
        let err = Columns::from_rows(&[json!({"a": 1}), json!([1, 2])]).unwrap_err();
        assert_eq!(
            err,
            ColumnsError::Row {
                row: 1,
                problem: "found a list".into()
            }
        );
    }

    #[test]
    fn lengths_and_names_are_checked() {
        let table = Columns::new()
            .with_column("a", Column::Int(vec![Some(1), Some(2)]))
            .unwrap();
        assert!(matches!(
            table.clone().with_column("b", Column::Int(vec![Some(1)])),
            Err(ColumnsError::Length {
                expected: 2,
                found: 1,
                ..
            })
        ));
        assert!(matches!(
            table.with_column("a", Column::Int(vec![None, None])),
            Err(ColumnsError::DuplicateName { .. })
        ));
    }

    #[test]
    fn select_and_records() {
        let table = Columns::new()
            .with_column("a", Column::Int(vec![Some(1), Some(2), None]))
            .unwrap()
            .with_column(
                "b",
                Column::Text(vec![Some("x".into()), None, Some("z".into())]),
            )
            .unwrap();
        let picked = table.select(&[2, 0]);
        assert_eq!(picked.get("a"), Some(&Column::Int(vec![None, Some(1)])));
        assert_eq!(
            serde_json::to_value(picked.to_records()).unwrap(),
            json!([{"a": null, "b": "z"}, {"a": 1, "b": "x"}])
        );
        assert_eq!(picked.to_string(), "2 rows × 2 columns (a, b)");
        assert_eq!(table.get("a").unwrap().to_f64().unwrap()[..2], [1.0, 2.0]);
        assert!(table.get("a").unwrap().to_f64().unwrap()[2].is_nan());
        // Text with no values reads as numbers (a query with no rows).
        assert_eq!(Column::Text(vec![]).to_f64(), Some(vec![]));
        assert_eq!(Column::Text(vec![None]).to_f64().map(|v| v.len()), Some(1));
        assert_eq!(Column::Text(vec![Some("x".into())]).to_f64(), None);
    }
}
