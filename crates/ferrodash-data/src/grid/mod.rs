//! Server-side rows for data grids: AG Grid's infinite row model and
//! DataTable's custom paging ([`GridTable::fetch_page`], its
//! `filter_query` language included) answered from a table through a
//! [`Bind`], their sorting, filtering and paging translated to SQL with
//! bound parameters.
//!
//! With `rowModelType="infinite"`, dash-ag-grid sets the grid's
//! `getRowsRequest` prop each time it needs a block of rows (`startRow`,
//! `endRow`, `sortModel`, `filterModel`), and shows the rows a callback puts
//! in `getRowsResponse` (`rowData`, `rowCount`). [`GridTable::fetch_block`]
//! is that callback's body: the request is read as [`BlockRequest`], every
//! column it names is looked up among the columns the table declares (no
//! name from the request ever reaches the SQL text), every value is a bound
//! parameter, and the block size is capped.
//!
//! ```
//! use ferrodash_data::grid::{BlockRequest, ColumnKind, GridTable};
//! use ferrodash_data::Backend;
//! use serde_json::json;
//!
//! let table = GridTable::new("usage", "id")
//!     .unwrap()
//!     .column("customer", ColumnKind::Text)
//!     .unwrap()
//!     .column("gib", ColumnKind::Number)
//!     .unwrap();
//! let request: BlockRequest = serde_json::from_value(json!({
//!     "startRow": 100, "endRow": 200,
//!     "sortModel": [{"colId": "gib", "sort": "desc"}],
//!     "filterModel": {"customer": {"filterType": "text", "type": "contains", "filter": "acme"}},
//! }))
//! .unwrap();
//! let statement = table.block_statement(&request, Backend::Sqlite).unwrap();
//! assert_eq!(
//!     statement.sql,
//!     "SELECT id, customer, gib FROM usage WHERE LOWER(customer) LIKE :f0 ESCAPE '!' \
//!      ORDER BY gib DESC, id ASC LIMIT :limit OFFSET :offset"
//! );
//! assert_eq!(statement.params["f0"], "%acme%");
//! assert_eq!(statement.params["limit"], 100);
//! ```

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::{Backend, Bind, DataError, Query};

mod filter_query;
mod table_page;

pub use filter_query::FilterQueryError;
pub use table_page::{PageRequest, SortBy, TablePage};

/// The most rows one block may ask for; AG Grid's default block is 100.
pub const MAX_BLOCK_ROWS: u64 = 1000;

/// How a column's values compare, which decides the filters it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Text: AG Grid's text filter (case-insensitive, like AG Grid's own).
    Text,
    /// Numbers: the number filter.
    Number,
    /// Dates stored as `YYYY-MM-DD` (or a date type): the date filter.
    Date,
}

impl ColumnKind {
    const fn filter_type(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Number => "number",
            Self::Date => "date",
        }
    }
}

/// A table (or view) the grid reads, with the columns it may show, sort and
/// filter on.
#[derive(Debug, Clone)]
pub struct GridTable {
    table: String,
    key: String,
    columns: Vec<(String, ColumnKind)>,
}

/// One block's request: `getRowsRequest` as dash-ag-grid sends it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockRequest {
    /// The first row of the block (0-based).
    pub start_row: u64,
    /// One past the last row of the block.
    pub end_row: u64,
    /// The sort, most significant first.
    #[serde(default)]
    pub sort_model: Vec<SortItem>,
    /// Filters by column id.
    #[serde(default)]
    pub filter_model: Map<String, Value>,
}

/// One sorted column of a [`BlockRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SortItem {
    /// The column id.
    pub col_id: String,
    /// `asc` or `desc`.
    pub sort: String,
}

/// SQL text with `:name` parameters and their values.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The SQL: identifiers from the table's declaration only.
    pub sql: String,
    /// The bound values by parameter name.
    pub params: Map<String, Value>,
}

/// The rows of one block and what AG Grid needs besides.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// The rows, each an object by column name.
    pub rows: Vec<Value>,
    /// How many rows match the filters in all.
    pub row_count: u64,
    /// The statement that read the rows.
    pub statement: Statement,
}

impl Block {
    /// The block as `getRowsResponse`: `{"rowData": [...], "rowCount": n}`.
    #[must_use]
    pub fn response(&self) -> Value {
        json!({"rowData": self.rows, "rowCount": self.row_count})
    }
}

/// Why a block could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GridError {
    /// A table or column name that is not a plain SQL identifier.
    #[error(
        "`{0}` is not a plain SQL identifier (letters, digits and `_`, not starting with a digit)"
    )]
    BadIdentifier(String),
    /// The request names a column the table does not declare.
    #[error("the grid has no column `{0}`")]
    UnknownColumn(String),
    /// A filter the column's kind does not take, or a malformed one.
    #[error("column `{column}`: {problem}")]
    BadFilter {
        /// The column id.
        column: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A sort other than `asc` or `desc`.
    #[error("column `{column}`: sort must be `asc` or `desc`, not `{sort}`")]
    BadSort {
        /// The column id.
        column: String,
        /// The sort asked for.
        sort: String,
    },
    /// `endRow` before `startRow`, or a block over [`MAX_BLOCK_ROWS`].
    #[error("rows {start}..{end}: a block is 1 to {MAX_BLOCK_ROWS} rows")]
    BadRange {
        /// `startRow`.
        start: u64,
        /// `endRow`.
        end: u64,
    },
    /// A `filter_query` that does not parse.
    #[error(transparent)]
    BadFilterQuery(#[from] FilterQueryError),
    /// A page size of 0 or over [`MAX_BLOCK_ROWS`], or a page past the end
    /// of numbers.
    #[error("page {page_current} of size {page_size}: a page is 1 to {MAX_BLOCK_ROWS} rows")]
    BadPage {
        /// `page_current`.
        page_current: u64,
        /// `page_size`.
        page_size: u64,
    },
    /// The database failed.
    #[error(transparent)]
    Data(#[from] DataError),
}

impl GridError {
    /// Whether the request was at fault (answer the client with a 4xx and
    /// this message), not the database.
    #[must_use]
    pub const fn is_request_error(&self) -> bool {
        !matches!(self, Self::Data(_) | Self::BadIdentifier(_))
    }

    /// The error a callback answers with: a request's fault is
    /// [`CallbackError::InvalidArgument`](ferrodash_core::CallbackError::InvalidArgument) on `argument` (a 422 naming the
    /// problem), the database's a server error.
    #[must_use]
    pub fn into_callback_error(self, argument: &str) -> ferrodash_core::CallbackError {
        if self.is_request_error() {
            ferrodash_core::CallbackError::InvalidArgument {
                argument: argument.to_owned(),
                problem: self.to_string(),
            }
        } else {
            self.into()
        }
    }
}

fn identifier(name: &str) -> Result<String, GridError> {
    let mut chars = name.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 63;
    if valid {
        Ok(name.to_owned())
    } else {
        Err(GridError::BadIdentifier(name.to_owned()))
    }
}

impl GridTable {
    /// The table `table`, whose column `key` is unique: the last sort key,
    /// so that blocks never overlap or skip rows.
    ///
    /// # Errors
    ///
    /// [`GridError::BadIdentifier`] for a name that is not a plain identifier.
    pub fn new(table: &str, key: &str) -> Result<Self, GridError> {
        Ok(Self {
            table: identifier(table)?,
            key: identifier(key)?,
            columns: vec![(identifier(key)?, ColumnKind::Number)],
        })
    }

    /// Adds a column the grid may show, sort and filter (the key column is
    /// declared already; declaring it again sets its kind).
    ///
    /// # Errors
    ///
    /// [`GridError::BadIdentifier`] for a name that is not a plain identifier.
    pub fn column(mut self, name: &str, kind: ColumnKind) -> Result<Self, GridError> {
        let name = identifier(name)?;
        if let Some(existing) = self.columns.iter_mut().find(|(n, _)| *n == name) {
            existing.1 = kind;
        } else {
            self.columns.push((name, kind));
        }
        Ok(self)
    }

    fn lookup(&self, column: &str) -> Result<(&str, ColumnKind), GridError> {
        self.columns
            .iter()
            .find(|(name, _)| name == column)
            .map(|(name, kind)| (name.as_str(), *kind))
            .ok_or_else(|| GridError::UnknownColumn(column.to_owned()))
    }

    /// `limit` rows from `offset` on, under the `WHERE` clause `filters`, in
    /// the order `order`.
    fn rows_statement(
        &self,
        filters: &str,
        order: &str,
        mut params: Map<String, Value>,
        limit: u64,
        offset: u64,
    ) -> Statement {
        params.insert("limit".into(), json!(limit));
        params.insert("offset".into(), json!(offset));
        Statement {
            sql: format!(
                "SELECT {} FROM {}{filters} ORDER BY {order} LIMIT :limit OFFSET :offset",
                self.column_list(),
                self.table,
            ),
            params,
        }
    }

    /// The count of rows under the `WHERE` clause `filters`.
    fn count_statement_for(&self, filters: &str, params: Map<String, Value>) -> Statement {
        Statement {
            sql: format!("SELECT COUNT(*) AS n FROM {}{filters}", self.table),
            params,
        }
    }

    /// The declared columns, for `SELECT`.
    fn column_list(&self) -> String {
        let columns: Vec<&str> = self.columns.iter().map(|(n, _)| n.as_str()).collect();
        columns.join(", ")
    }

    /// `ORDER BY`'s list for `(column, asc|desc)` pairs, the key last (so
    /// that pages never overlap or skip rows).
    fn order_by(&self, sort: &[(&str, &str)]) -> Result<String, GridError> {
        let mut order = Vec::with_capacity(sort.len() + 1);
        let mut key_direction = "ASC";
        for (column, direction) in sort {
            let (name, _) = self.lookup(column)?;
            let direction = match *direction {
                "asc" => "ASC",
                "desc" => "DESC",
                other => {
                    return Err(GridError::BadSort {
                        column: (*column).to_owned(),
                        sort: other.to_owned(),
                    });
                }
            };
            if name == self.key {
                key_direction = direction;
            } else {
                order.push(format!("{name} {direction}"));
            }
        }
        order.push(format!("{} {key_direction}", self.key));
        Ok(order.join(", "))
    }

    /// The `WHERE` clause (empty, or starting with a space) of the filters.
    fn filters(
        &self,
        model: &Map<String, Value>,
        backend: Backend,
        params: &mut Map<String, Value>,
    ) -> Result<String, GridError> {
        let mut clauses = Vec::new();
        for (column, filter) in model {
            let (name, kind) = self.lookup(column)?;
            let bad = |problem: String| GridError::BadFilter {
                column: column.clone(),
                problem,
            };
            clauses.push(filter_clause(name, kind, filter, backend, params).map_err(bad)?);
        }
        Ok(if clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", clauses.join(" AND "))
        })
    }

    /// The statement that reads one block.
    ///
    /// # Errors
    ///
    /// A [`GridError`] naming what in the request is not allowed.
    pub fn block_statement(
        &self,
        request: &BlockRequest,
        backend: Backend,
    ) -> Result<Statement, GridError> {
        let rows = request.end_row.checked_sub(request.start_row);
        let Some(rows) = rows.filter(|n| (1..=MAX_BLOCK_ROWS).contains(n)) else {
            return Err(GridError::BadRange {
                start: request.start_row,
                end: request.end_row,
            });
        };
        let mut params = Map::new();
        let filters = self.filters(&request.filter_model, backend, &mut params)?;
        let sort: Vec<(&str, &str)> = request
            .sort_model
            .iter()
            .map(|s| (s.col_id.as_str(), s.sort.as_str()))
            .collect();
        let order = self.order_by(&sort)?;
        Ok(self.rows_statement(&filters, &order, params, rows, request.start_row))
    }

    /// The statement that counts the rows the filters keep.
    ///
    /// # Errors
    ///
    /// A [`GridError`] naming what in the filters is not allowed.
    pub fn count_statement(
        &self,
        filter_model: &Map<String, Value>,
        backend: Backend,
    ) -> Result<Statement, GridError> {
        let mut params = Map::new();
        let filters = self.filters(filter_model, backend, &mut params)?;
        Ok(self.count_statement_for(&filters, params))
    }

    /// Reads one block and the count of matching rows.
    ///
    /// # Errors
    ///
    /// A [`GridError`]: the request's fault ([`GridError::is_request_error`])
    /// or the database's.
    pub async fn fetch_block(
        &self,
        bind: &Bind,
        request: &BlockRequest,
    ) -> Result<Block, GridError> {
        let statement = self.block_statement(request, bind.backend())?;
        let count = self.count_statement(&request.filter_model, bind.backend())?;
        let (rows, row_count) = rows_and_count(bind, &statement, count).await?;
        Ok(Block {
            rows,
            row_count,
            statement,
        })
    }
}

/// The rows `statement` reads and the count `count` reads.
async fn rows_and_count(
    bind: &Bind,
    statement: &Statement,
    count: Statement,
) -> Result<(Vec<Value>, u64), GridError> {
    let rows: Vec<Value> = bind
        .run(Query::inline("grid_rows", statement.sql.clone()))
        .params(&statement.params)
        .fetch()
        .await?;
    let row_count: i64 = bind
        .run(Query::inline("grid_count", count.sql))
        .params(&count.params)
        .fetch_one()
        .await?;
    Ok((rows, u64::try_from(row_count).unwrap_or(0)))
}

/// One column's filter as SQL, its values added to `params` as `:f<n>`.
fn filter_clause(
    name: &str,
    kind: ColumnKind,
    filter: &Value,
    backend: Backend,
    params: &mut Map<String, Value>,
) -> Result<String, String> {
    let filter = filter.as_object().ok_or("a filter is an object")?;
    if let Some(filter_type) = filter.get("filterType").and_then(Value::as_str)
        && filter_type != kind.filter_type()
    {
        return Err(format!(
            "a {} column takes the {} filter, not `{filter_type}`",
            kind.filter_type(),
            kind.filter_type()
        ));
    }
    if let Some(conditions) = filter.get("conditions") {
        let operator = match filter.get("operator").and_then(Value::as_str) {
            Some("AND") => " AND ",
            Some("OR") => " OR ",
            other => return Err(format!("`operator` must be AND or OR, not {other:?}")),
        };
        let conditions = conditions.as_array().ok_or("`conditions` is a list")?;
        if conditions.is_empty() || conditions.len() > 8 {
            return Err("a combined filter has 1 to 8 conditions".into());
        }
        let mut parts = Vec::with_capacity(conditions.len());
        for condition in conditions {
            let condition = condition.as_object().ok_or("a condition is an object")?;
            parts.push(condition_clause(name, kind, condition, backend, params)?);
        }
        return Ok(format!("({})", parts.join(operator)));
    }
    condition_clause(name, kind, filter, backend, params)
}

/// A new `:f<n>` parameter holding `value`.
fn bind(params: &mut Map<String, Value>, value: Value) -> String {
    let name = format!("f{}", params.len());
    params.insert(name.clone(), value);
    format!(":{name}")
}

fn condition_clause(
    name: &str,
    kind: ColumnKind,
    condition: &Map<String, Value>,
    backend: Backend,
    params: &mut Map<String, Value>,
) -> Result<String, String> {
    let op = condition
        .get("type")
        .and_then(Value::as_str)
        .ok_or("a filter condition has a `type`")?;
    match op {
        "blank" => {
            return Ok(if kind == ColumnKind::Text {
                format!("({name} IS NULL OR {name} = '')")
            } else {
                format!("{name} IS NULL")
            });
        }
        "notBlank" => {
            return Ok(if kind == ColumnKind::Text {
                format!("({name} IS NOT NULL AND {name} <> '')")
            } else {
                format!("{name} IS NOT NULL")
            });
        }
        _ => {}
    }
    match kind {
        ColumnKind::Text => {
            let text = condition
                .get("filter")
                .and_then(Value::as_str)
                .ok_or("a text filter has a string `filter`")?
                .to_lowercase();
            let (pattern, negate) = match op {
                "equals" => (escape_like(&text), false),
                "notEqual" => (escape_like(&text), true),
                "contains" => (format!("%{}%", escape_like(&text)), false),
                "notContains" => (format!("%{}%", escape_like(&text)), true),
                "startsWith" => (format!("{}%", escape_like(&text)), false),
                "endsWith" => (format!("%{}", escape_like(&text)), false),
                other => return Err(format!("the text filter has no `{other}`")),
            };
            let param = bind(params, Value::String(pattern));
            let not = if negate { "NOT " } else { "" };
            Ok(format!("LOWER({name}) {not}LIKE {param} ESCAPE '!'"))
        }
        ColumnKind::Number => {
            let number = |field: &str| -> Result<Value, String> {
                condition
                    .get(field)
                    .and_then(Value::as_f64)
                    .filter(|n| n.is_finite())
                    .map(Value::from)
                    .ok_or_else(|| format!("a number filter has a number `{field}`"))
            };
            compare(
                name,
                op,
                params,
                number("filter"),
                || number("filterTo"),
                |p| p,
            )
        }
        ColumnKind::Date => {
            let date = |field: &str| -> Result<Value, String> {
                let text = condition
                    .get(field)
                    .and_then(Value::as_str)
                    .ok_or_else(|| format!("a date filter has a date `{field}`"))?;
                let day = text.get(..10).filter(|d| is_iso_date(d));
                day.map(|d| Value::String(d.to_owned()))
                    .ok_or_else(|| format!("`{field}` is not a date: {text:?}"))
            };
            let cast = |param: String| match backend {
                Backend::Sqlite => param,
                Backend::Postgres | Backend::MySql => format!("CAST({param} AS DATE)"),
            };
            compare(name, op, params, date("dateFrom"), || date("dateTo"), cast)
        }
    }
}

/// A comparison of `name` with a bound value (`inRange`: two).
fn compare(
    name: &str,
    op: &str,
    params: &mut Map<String, Value>,
    value: Result<Value, String>,
    upper: impl FnOnce() -> Result<Value, String>,
    wrap: impl Fn(String) -> String,
) -> Result<String, String> {
    let sql_op = match op {
        "equals" => "=",
        "notEqual" => "<>",
        "lessThan" => "<",
        "lessThanOrEqual" => "<=",
        "greaterThan" => ">",
        "greaterThanOrEqual" => ">=",
        "inRange" => {
            let low = wrap(bind(params, value?));
            let high = wrap(bind(params, upper()?));
            return Ok(format!("({name} >= {low} AND {name} <= {high})"));
        }
        other => return Err(format!("no filter `{other}` for this column")),
    };
    let param = wrap(bind(params, value?));
    Ok(format!("{name} {sql_op} {param}"))
}

/// `text` with LIKE's wildcards taken literally (escape character `!`).
fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '!' | '%' | '_') {
            out.push('!');
        }
        out.push(c);
    }
    out
}

fn is_iso_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> GridTable {
        GridTable::new("usage", "id")
            .unwrap()
            .column("customer", ColumnKind::Text)
            .unwrap()
            .column("gib", ColumnKind::Number)
            .unwrap()
            .column("day", ColumnKind::Date)
            .unwrap()
    }

    fn request(value: Value) -> BlockRequest {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn a_plain_block_is_paged_by_the_key() {
        let s = table()
            .block_statement(
                &request(json!({"startRow": 0, "endRow": 100})),
                Backend::Sqlite,
            )
            .unwrap();
        assert_eq!(
            s.sql,
            "SELECT id, customer, gib, day FROM usage ORDER BY id ASC LIMIT :limit OFFSET :offset"
        );
        assert_eq!(Value::Object(s.params), json!({"limit": 100, "offset": 0}));
    }

    #[test]
    fn values_are_bound_never_written_into_the_sql() {
        let hostile = "x' OR 1=1 --";
        let s = table()
            .block_statement(
                &request(json!({"startRow": 0, "endRow": 10, "filterModel": {
                    "customer": {"filterType": "text", "operator": "OR", "conditions": [
                        {"filterType": "text", "type": "equals", "filter": hostile},
                        {"filterType": "text", "type": "startsWith", "filter": "50%_off!"},
                    ]},
                    "gib": {"filterType": "number", "type": "inRange", "filter": 1, "filterTo": 5.5},
                    "day": {"filterType": "date", "type": "greaterThan", "dateFrom": "2026-11-02 00:00:00"},
                }})),
                Backend::Postgres,
            )
            .unwrap();
        assert!(
            !s.sql.contains("OR 1=1") && !s.sql.contains("50"),
            "{}",
            s.sql
        );
        assert!(
            s.sql.contains(
                "(LOWER(customer) LIKE :f0 ESCAPE '!' OR LOWER(customer) LIKE :f1 ESCAPE '!')"
            ),
            "{}",
            s.sql
        );
        assert!(s.sql.contains("day > CAST(:f4 AS DATE)"), "{}", s.sql);
        assert!(s.sql.contains("(gib >= :f2 AND gib <= :f3)"), "{}", s.sql);
        assert_eq!(s.params["f0"], "x' or 1=1 --");
        assert_eq!(s.params["f1"], "50!%!_off!!%");
        assert_eq!(s.params["f2"], 1.0);
        assert_eq!(s.params["f3"], 5.5);
        assert_eq!(s.params["f4"], "2026-11-02");
    }

    #[test]
    fn names_from_the_request_must_be_declared() {
        let t = table();
        let sort = request(json!({"startRow": 0, "endRow": 10,
            "sortModel": [{"colId": "gib; DROP TABLE usage", "sort": "asc"}]}));
        assert!(matches!(
            t.block_statement(&sort, Backend::Sqlite),
            Err(GridError::UnknownColumn(c)) if c == "gib; DROP TABLE usage"
        ));
        let sort = request(json!({"startRow": 0, "endRow": 10,
            "sortModel": [{"colId": "gib", "sort": "asc, id"}]}));
        assert!(matches!(
            t.block_statement(&sort, Backend::Sqlite),
            Err(GridError::BadSort { .. })
        ));
        let filter = request(json!({"startRow": 0, "endRow": 10,
            "filterModel": {"password": {"filterType": "text", "type": "equals", "filter": "a"}}}));
        let err = t.block_statement(&filter, Backend::Sqlite).unwrap_err();
        assert!(err.is_request_error());
        assert_eq!(err.to_string(), "the grid has no column `password`");
    }

    #[test]
    fn malformed_filters_and_ranges_are_refused_with_the_reason() {
        let t = table();
        for (model, reason) in [
            (
                json!({"gib": {"filterType": "text", "type": "contains", "filter": "a"}}),
                "takes the number filter",
            ),
            (
                json!({"gib": {"filterType": "number", "type": "equals", "filter": "NaN"}}),
                "number `filter`",
            ),
            (
                json!({"customer": {"filterType": "text", "type": "regex", "filter": "a"}}),
                "no `regex`",
            ),
            (
                json!({"day": {"filterType": "date", "type": "equals", "dateFrom": "soon"}}),
                "not a date",
            ),
            (
                json!({"customer": {"operator": "XOR", "conditions": []}}),
                "AND or OR",
            ),
        ] {
            let r = request(json!({"startRow": 0, "endRow": 10, "filterModel": model}));
            let err = t
                .block_statement(&r, Backend::Sqlite)
                .unwrap_err()
                .to_string();
            assert!(err.contains(reason), "{err}");
        }
        for (start, end) in [(10, 10), (10, 5), (0, MAX_BLOCK_ROWS + 1)] {
            let r = request(json!({"startRow": start, "endRow": end}));
            assert!(matches!(
                t.block_statement(&r, Backend::Sqlite),
                Err(GridError::BadRange { .. })
            ));
        }
    }

    #[test]
    fn declared_names_must_be_identifiers() {
        assert!(GridTable::new("usage; --", "id").is_err());
        assert!(table().column("a b", ColumnKind::Text).is_err());
        assert!(table().column("1a", ColumnKind::Text).is_err());
    }

    #[tokio::test]
    async fn a_block_and_its_count_come_from_the_database() {
        let bind = Bind::connect("grid", "sqlite::memory:", crate::BindConfig::default())
            .await
            .unwrap();
        bind.execute_script(
            "setup",
            "CREATE TABLE usage (id INTEGER PRIMARY KEY, customer TEXT, gib REAL, day TEXT);
             INSERT INTO usage VALUES (1, 'Acme', 10, '2026-11-01'), (2, 'acme labs', 2.5, '2026-11-02'),
               (3, 'Globex', 7, '2026-11-03'), (4, 'Initech', NULL, '2026-11-04');",
        )
        .await
        .unwrap();
        let block = table()
            .fetch_block(
                &bind,
                &request(json!({"startRow": 0, "endRow": 1,
                    "sortModel": [{"colId": "gib", "sort": "asc"}],
                    "filterModel": {"customer": {"filterType": "text", "type": "contains", "filter": "ACME"}}})),
            )
            .await
            .unwrap();
        assert_eq!(block.row_count, 2);
        assert_eq!(
            block.rows,
            [json!({"id": 2, "customer": "acme labs", "gib": 2.5, "day": "2026-11-02"})]
        );
        assert_eq!(block.response()["rowCount"], 2);
    }
}
