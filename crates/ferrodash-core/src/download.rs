//! Files for `dcc.Download`: what a callback writes to the component's `data`
//! prop to make the browser save a file.
//!
//! ```
//! use ferrodash_core::{Columns, Download};
//!
//! #[derive(serde::Serialize)]
//! struct Row { project: &'static str, gib: f64 }
//!
//! let table = Columns::from_rows(&[
//!     Row { project: "Newsroom", gib: 1843.5 },
//!     Row { project: "=HYPERLINK(\"x\")", gib: 2.0 },
//! ])?;
//! let file = Download::csv("storage.csv", &table)?;
//! assert_eq!(file.filename(), "storage.csv");
//! assert_eq!(
//!     file.content(),
//!     "project,gib\nNewsroom,1843.5\n\"'=HYPERLINK(\"\"x\"\")\",2.0\n"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use base64::Engine as _;
use serde::Serialize;
use serde_json::Value;

use crate::output::IntoPropValue;
use crate::{Column, Columns};

/// A file for `dcc.Download`'s `data` prop: `{content, filename, base64,
/// type}` as the component reads it. Return it from a callback whose output
/// is a `Download` component's `data`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Download {
    content: String,
    filename: String,
    base64: bool,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    mime: Option<String>,
}

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DownloadError {
    /// The CSV writer failed.
    #[error("writing the CSV file: {0}")]
    Csv(#[from] csv::Error),
    /// The Parquet writer failed.
    #[cfg(feature = "parquet")]
    #[error("writing the Parquet file: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    /// The table could not be laid out as Arrow arrays.
    #[cfg(feature = "parquet")]
    #[error("writing the Parquet file: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
}

impl Download {
    /// A text file, sent as it is.
    #[must_use]
    pub fn text(filename: &str, text: impl Into<String>) -> Self {
        Self {
            content: text.into(),
            filename: file_name(filename),
            base64: false,
            mime: None,
        }
    }

    /// A file of any bytes, sent base64-encoded.
    #[must_use]
    pub fn bytes(filename: &str, bytes: impl AsRef<[u8]>) -> Self {
        Self {
            content: base64::engine::general_purpose::STANDARD.encode(bytes),
            filename: file_name(filename),
            base64: true,
            mime: None,
        }
    }

    /// A table as CSV (RFC 4180: a header row, fields quoted where needed,
    /// `\n` line ends), typed `text/csv`. Empty cells stand for nulls. A text
    /// cell that a spreadsheet would run as a formula (starting with `=`,
    /// `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`.
    ///
    /// # Errors
    ///
    /// [`DownloadError::Csv`] when the writer fails (it writes to memory, so
    /// only on a bug).
    pub fn csv(filename: &str, table: &Columns) -> Result<Self, DownloadError> {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        writer.write_record(table.names())?;
        let columns: Vec<&Column> = table.iter().map(|(_, c)| c).collect();
        let mut record: Vec<String> = Vec::with_capacity(columns.len());
        for row in 0..table.len() {
            record.clear();
            record.extend(columns.iter().map(|column| cell(column, row)));
            writer.write_record(&record)?;
        }
        let bytes = writer
            .into_inner()
            .map_err(|e| DownloadError::Csv(e.into_error().into()))?;
        Ok(Self {
            content: String::from_utf8_lossy(&bytes).into_owned(),
            filename: file_name(filename),
            base64: false,
            mime: Some("text/csv".to_owned()),
        })
    }

    /// A table as an Apache Parquet file (Snappy-compressed, one row group;
    /// columns typed `Int64`, `Float64`, `Utf8` and `Boolean`, each nullable),
    /// sent base64-encoded and typed `application/vnd.apache.parquet`.
    /// Needs the `parquet` feature.
    ///
    /// # Errors
    ///
    /// [`DownloadError::Parquet`] or [`DownloadError::Arrow`] when the writer
    /// fails (it writes to memory, so only on a bug).
    #[cfg(feature = "parquet")]
    pub fn parquet(filename: &str, table: &Columns) -> Result<Self, DownloadError> {
        let bytes = crate::parquet_file::write(table)?;
        Ok(Self::bytes(filename, bytes).with_mime("application/vnd.apache.parquet"))
    }

    /// The same file with this MIME type (the `type` key).
    #[must_use]
    pub fn with_mime(mut self, mime: impl Into<String>) -> Self {
        self.mime = Some(mime.into());
        self
    }

    /// The name the browser saves the file under.
    #[must_use]
    pub fn filename(&self) -> &str {
        &self.filename
    }

    /// The content as sent: the text, or the bytes in base64.
    #[must_use]
    pub fn content(&self) -> &str {
        &self.content
    }

    /// Whether [`Download::content`] is base64.
    #[must_use]
    pub const fn is_base64(&self) -> bool {
        self.base64
    }
}

impl IntoPropValue for Download {
    fn into_prop_value(self) -> Value {
        serde_json::to_value(&self).unwrap_or(Value::Null)
    }
}

/// One cell as CSV text.
fn cell(column: &Column, row: usize) -> String {
    match column {
        Column::Int(v) => v.get(row).copied().flatten().map(|n| n.to_string()),
        Column::Float(v) => v.get(row).copied().flatten().map(|n| format!("{n:?}")),
        Column::Bool(v) => v.get(row).copied().flatten().map(|b| b.to_string()),
        Column::Text(v) => v.get(row).and_then(Option::as_deref).map(|text| {
            if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{text}")
            } else {
                text.to_owned()
            }
        }),
    }
    .unwrap_or_default()
}

/// The name without folders or control characters (`reports/a.csv` is
/// `reports_a.csv`); `download` when nothing is left.
fn file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\') || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    if cleaned.is_empty() {
        "download".to_owned()
    } else {
        cleaned.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_data_prop_has_dash_keys() {
        let text = Download::text("notes.txt", "hi").into_prop_value();
        assert_eq!(
            text,
            json!({"content": "hi", "filename": "notes.txt", "base64": false})
        );
        let bytes = Download::bytes("a.bin", [0u8, 255, 1])
            .with_mime("application/octet-stream")
            .into_prop_value();
        assert_eq!(
            bytes,
            json!({"content": "AP8B", "filename": "a.bin", "base64": true, "type": "application/octet-stream"})
        );
    }

    #[test]
    fn csv_quotes_nulls_and_formulas() {
        let table = Columns::new()
            .with_column(
                "name",
                Column::Text(vec![Some("a,b".into()), None, Some("-1+2".into())]),
            )
            .unwrap()
            .with_column("n", Column::Int(vec![Some(-3), Some(4), None]))
            .unwrap()
            .with_column("x", Column::Float(vec![Some(0.5), None, Some(1e20)]))
            .unwrap()
            .with_column("ok", Column::Bool(vec![Some(true), Some(false), None]))
            .unwrap();
        let file = Download::csv("t.csv", &table).unwrap();
        assert_eq!(
            file.content(),
            "name,n,x,ok\n\"a,b\",-3,0.5,true\n,4,,false\n'-1+2,,1e20,\n"
        );
        assert_eq!(file.into_prop_value()["type"], "text/csv");
    }

    #[test]
    fn file_names_lose_folders_and_control_characters() {
        assert_eq!(file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(file_name("a\nb.csv"), "a_b.csv");
        assert_eq!(file_name(" .. "), "download");
    }
}
