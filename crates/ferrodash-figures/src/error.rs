//! [`FigureError`]: why a Plotly-Express-style chart could not be built.

use ferrodash_core::ColumnsError;

/// Why a chart could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FigureError {
    /// A column named in the chart is not in the table.
    #[error("no column `{name}`; the table has: {}", available.join(", "))]
    MissingColumn {
        /// The name asked for.
        name: String,
        /// The table's columns.
        available: Vec<String>,
    },
    /// A column where numbers are needed holds something else.
    #[error("column `{name}` holds {kind} values where numbers are needed")]
    NotNumeric {
        /// The column.
        name: String,
        /// Its kind: `text` or `bool`.
        kind: &'static str,
    },
    /// Arrays that must be the same length are not.
    #[error("{what} has {found} entries where {expected} were expected")]
    LengthMismatch {
        /// What was measured, e.g. `"x labels"` or `"row 2 of z"`.
        what: String,
        /// The length needed.
        expected: usize,
        /// The length found.
        found: usize,
    },
    /// A required option was not given.
    #[error("{chart} needs `{option}`")]
    MissingOption {
        /// The chart, e.g. `"bar"`.
        chart: &'static str,
        /// The option, e.g. `"x"`.
        option: &'static str,
    },
    /// The rows could not be read as a table.
    #[error("rows could not be read as a table: {0}")]
    Rows(#[from] ColumnsError),
}
