//! DataTable's server-side paging: with `page_action`, `sort_action` and
//! `filter_action` all `"custom"`, the table sends `page_current`,
//! `page_size`, `sort_by` and `filter_query`, and shows the `data` (and
//! `page_count`) a callback answers. [`GridTable::fetch_page`] is that
//! callback's body: the filter is parsed, each column it names looked up
//! among the table's declared columns, each value bound.
//!
//! `contains` honours the case prefix on every backend. Text compared with
//! `=`, `<` and the like follows the column's collation: case-sensitive on
//! SQLite and PostgreSQL, case-insensitive on MySQL and MariaDB's default
//! collations, whatever the `s` prefix says.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::filter_query::{self, Case, Filter, Operator};
use super::{
    ColumnKind, GridError, GridTable, MAX_BLOCK_ROWS, Statement, bind, escape_like, is_iso_date,
    rows_and_count,
};
use crate::{Backend, Bind};

/// One page's request: the DataTable props a custom-paging callback reads.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct PageRequest {
    /// The page shown, from 0.
    #[serde(default)]
    pub page_current: u64,
    /// Rows per page: 1 to [`MAX_BLOCK_ROWS`].
    pub page_size: u64,
    /// The sort, most significant first.
    #[serde(default)]
    pub sort_by: Vec<SortBy>,
    /// The filter, in DataTable's `filter_query` language.
    #[serde(default)]
    pub filter_query: String,
}

/// One sorted column of a [`PageRequest`] (`sort_by`'s items).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SortBy {
    /// The column id.
    pub column_id: String,
    /// `asc` or `desc`.
    pub direction: String,
}

/// One page of rows and the counts the table's pager needs.
#[derive(Debug, Clone, PartialEq)]
pub struct TablePage {
    /// The rows, each an object by column name: the table's `data`.
    pub rows: Vec<Value>,
    /// How many rows the filter keeps in all.
    pub row_count: u64,
    /// How many pages that makes (at least 1): the table's `page_count`.
    pub page_count: u64,
    /// The statement that read the rows.
    pub statement: Statement,
}

impl GridTable {
    /// The `WHERE` clause (empty, or starting with a space) of a
    /// `filter_query`.
    fn filter_query_clause(
        &self,
        query: &str,
        backend: Backend,
        params: &mut Map<String, Value>,
    ) -> Result<String, GridError> {
        Ok(match filter_query::parse(query)? {
            None => String::new(),
            Some(filter) => format!(" WHERE {}", self.filter_sql(&filter, backend, params)?),
        })
    }

    fn filter_sql(
        &self,
        filter: &Filter,
        backend: Backend,
        params: &mut Map<String, Value>,
    ) -> Result<String, GridError> {
        Ok(match filter {
            Filter::And(a, b) => format!(
                "({} AND {})",
                self.filter_sql(a, backend, params)?,
                self.filter_sql(b, backend, params)?
            ),
            Filter::Or(a, b) => format!(
                "({} OR {})",
                self.filter_sql(a, backend, params)?,
                self.filter_sql(b, backend, params)?
            ),
            Filter::Not(inner) => format!("NOT ({})", self.filter_sql(inner, backend, params)?),
            Filter::Is {
                column,
                blank,
                negated,
            } => {
                let (name, kind) = self.lookup(column)?;
                let test = if *blank && kind == ColumnKind::Text {
                    format!("({name} IS NULL OR {name} = '')")
                } else {
                    format!("{name} IS NULL")
                };
                if *negated {
                    format!("NOT {test}")
                } else {
                    test
                }
            }
            Filter::Compare {
                column,
                operator,
                case,
                value,
            } => {
                let (name, kind) = self.lookup(column)?;
                compare(name, kind, *operator, *case, value, backend, params).map_err(
                    |problem| GridError::BadFilter {
                        column: column.clone(),
                        problem,
                    },
                )?
            }
        })
    }

    /// The statement that reads one page.
    ///
    /// # Errors
    ///
    /// A [`GridError`] naming what in the request is not allowed.
    pub fn page_statement(
        &self,
        request: &PageRequest,
        backend: Backend,
    ) -> Result<Statement, GridError> {
        let offset = request.page_current.checked_mul(request.page_size);
        let offset = offset.filter(|_| (1..=MAX_BLOCK_ROWS).contains(&request.page_size));
        let Some(offset) = offset else {
            return Err(GridError::BadPage {
                page_current: request.page_current,
                page_size: request.page_size,
            });
        };
        let mut params = Map::new();
        let filters = self.filter_query_clause(&request.filter_query, backend, &mut params)?;
        let sort: Vec<(&str, &str)> = request
            .sort_by
            .iter()
            .map(|s| (s.column_id.as_str(), s.direction.as_str()))
            .collect();
        let order = self.order_by(&sort)?;
        Ok(self.rows_statement(&filters, &order, params, request.page_size, offset))
    }

    /// The statement that counts the rows a `filter_query` keeps.
    ///
    /// # Errors
    ///
    /// A [`GridError`] naming what in the filter is not allowed.
    pub fn filter_query_count_statement(
        &self,
        filter_query: &str,
        backend: Backend,
    ) -> Result<Statement, GridError> {
        let mut params = Map::new();
        let filters = self.filter_query_clause(filter_query, backend, &mut params)?;
        Ok(self.count_statement_for(&filters, params))
    }

    /// Reads one page and the count of matching rows.
    ///
    /// # Errors
    ///
    /// A [`GridError`]: the request's fault ([`GridError::is_request_error`])
    /// or the database's.
    pub async fn fetch_page(
        &self,
        bind: &Bind,
        request: &PageRequest,
    ) -> Result<TablePage, GridError> {
        let statement = self.page_statement(request, bind.backend())?;
        let count = self.filter_query_count_statement(&request.filter_query, bind.backend())?;
        let (rows, row_count) = rows_and_count(bind, &statement, count).await?;
        Ok(TablePage {
            rows,
            row_count,
            page_count: row_count.div_ceil(request.page_size).max(1),
            statement,
        })
    }
}

/// `name` as text, for `contains` and `datestartswith` on any column.
fn as_text(name: &str, kind: ColumnKind, backend: Backend) -> String {
    match (kind, backend) {
        (ColumnKind::Text, _) | (ColumnKind::Date, Backend::Sqlite) => name.to_owned(),
        (_, Backend::MySql) => format!("CAST({name} AS CHAR)"),
        (_, Backend::Sqlite | Backend::Postgres) => format!("CAST({name} AS TEXT)"),
    }
}

/// One comparison as SQL, its value bound.
fn compare(
    name: &str,
    kind: ColumnKind,
    operator: Operator,
    case: Case,
    value: &str,
    backend: Backend,
    params: &mut Map<String, Value>,
) -> Result<String, String> {
    let sql_op = match operator {
        Operator::Contains => {
            let text = as_text(name, kind, backend);
            return Ok(match case {
                Case::Insensitive => {
                    let pattern = format!("%{}%", escape_like(&value.to_lowercase()));
                    format!(
                        "LOWER({text}) LIKE {} ESCAPE '!'",
                        bind(params, pattern.into())
                    )
                }
                Case::Sensitive => {
                    let param = bind(params, value.into());
                    match backend {
                        Backend::Sqlite => format!("instr({text}, {param}) > 0"),
                        Backend::Postgres => format!("strpos({text}, {param}) > 0"),
                        Backend::MySql => {
                            format!("INSTR(CAST({text} AS BINARY), CAST({param} AS BINARY)) > 0")
                        }
                    }
                }
            });
        }
        Operator::DateStartsWith => {
            let text = as_text(name, kind, backend);
            let pattern = format!("{}%", escape_like(value));
            return Ok(format!(
                "{text} LIKE {} ESCAPE '!'",
                bind(params, pattern.into())
            ));
        }
        Operator::Eq => "=",
        Operator::Ne => "<>",
        Operator::Lt => "<",
        Operator::Le => "<=",
        Operator::Gt => ">",
        Operator::Ge => ">=",
    };
    match kind {
        ColumnKind::Number => {
            let number = value
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .ok_or_else(|| format!("{value:?} is not a number"))?;
            Ok(format!("{name} {sql_op} {}", bind(params, json!(number))))
        }
        ColumnKind::Date => {
            let day = value
                .get(..10)
                .filter(|d| is_iso_date(d))
                .ok_or_else(|| format!("{value:?} is not a date (YYYY-MM-DD)"))?;
            let param = bind(params, day.into());
            let param = match backend {
                Backend::Sqlite => param,
                Backend::Postgres | Backend::MySql => format!("CAST({param} AS DATE)"),
            };
            Ok(format!("{name} {sql_op} {param}"))
        }
        ColumnKind::Text => Ok(match case {
            Case::Insensitive => format!(
                "LOWER({name}) {sql_op} {}",
                bind(params, value.to_lowercase().into())
            ),
            Case::Sensitive => format!("{name} {sql_op} {}", bind(params, value.into())),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> GridTable {
        GridTable::new("events", "id")
            .and_then(|t| t.column("customer", ColumnKind::Text))
            .and_then(|t| t.column("gib", ColumnKind::Number))
            .and_then(|t| t.column("day", ColumnKind::Date))
            .unwrap()
    }

    fn request(filter_query: &str) -> PageRequest {
        PageRequest {
            page_current: 2,
            page_size: 25,
            sort_by: vec![SortBy {
                column_id: "gib".into(),
                direction: "desc".into(),
            }],
            filter_query: filter_query.into(),
        }
    }

    #[test]
    fn a_page_is_sorted_filtered_and_bound() {
        let hostile = "x' OR '1'='1";
        let query = format!(
            r#"{{customer}} icontains "{hostile}" && ({{gib}} s>= 12.5 || {{day}} datestartswith 2026-03) && !{{customer}} is blank"#
        );
        let statement = table()
            .page_statement(&request(&query), Backend::Sqlite)
            .unwrap();
        assert_eq!(
            statement.sql,
            "SELECT id, customer, gib, day FROM events WHERE ((LOWER(customer) LIKE :f0 ESCAPE '!' \
             AND (gib >= :f1 OR day LIKE :f2 ESCAPE '!')) AND NOT ((customer IS NULL OR customer = ''))) \
             ORDER BY gib DESC, id ASC LIMIT :limit OFFSET :offset"
        );
        assert!(!statement.sql.contains("OR '1'"));
        assert_eq!(
            statement.params["f0"],
            format!("%{hostile}%").to_lowercase()
        );
        assert_eq!(statement.params["f1"], 12.5);
        assert_eq!(statement.params["f2"], "2026-03%");
        assert_eq!(statement.params["limit"], 25);
        assert_eq!(statement.params["offset"], 50);

        let sensitive = table()
            .page_statement(&request("{customer} contains Acme"), Backend::Postgres)
            .unwrap();
        assert!(
            sensitive.sql.contains("WHERE strpos(customer, :f0) > 0"),
            "{}",
            sensitive.sql
        );
        let dates = table()
            .page_statement(&request("{day} < 2026-02-01"), Backend::MySql)
            .unwrap();
        assert!(
            dates.sql.contains("WHERE day < CAST(:f0 AS DATE)"),
            "{}",
            dates.sql
        );
    }

    #[test]
    fn what_the_table_may_not_ask_is_refused_by_name() {
        let error = |query: &str| {
            table()
                .page_statement(&request(query), Backend::Sqlite)
                .unwrap_err()
        };
        let unknown = error("{password} = x");
        assert!(unknown.is_request_error());
        assert_eq!(unknown.to_string(), "the grid has no column `password`");
        assert_eq!(
            error("{gib} > lots").to_string(),
            "column `gib`: \"lots\" is not a number"
        );
        assert!(
            error("{day} = yesterday")
                .to_string()
                .contains("is not a date")
        );
        assert!(
            error("{gib} >")
                .to_string()
                .starts_with("filter_query, at character 7")
        );
        for (page_current, page_size) in [(0, 0), (0, 1001), (u64::MAX, 2)] {
            let bad = PageRequest {
                page_current,
                page_size,
                ..PageRequest::default()
            };
            let error = table().page_statement(&bad, Backend::Sqlite).unwrap_err();
            assert!(matches!(error, GridError::BadPage { .. }), "{error}");
            assert!(error.is_request_error());
        }
        let mut bad_sort = request("");
        bad_sort.sort_by[0].direction = "sideways".into();
        assert!(table().page_statement(&bad_sort, Backend::Sqlite).is_err());
    }

    #[tokio::test]
    async fn a_page_and_its_count_come_from_the_database() {
        let bind = Bind::connect(
            "table_page",
            "sqlite::memory:",
            crate::BindConfig::default(),
        )
        .await
        .unwrap();
        bind.execute_script(
            "events",
            "CREATE TABLE events (id INTEGER PRIMARY KEY, customer TEXT, gib REAL, day TEXT);
             INSERT INTO events VALUES
               (1, 'Acme', 5.0, '2026-01-03'), (2, 'acme labs', 50.0, '2026-03-04'),
               (3, 'Globex', 20.0, '2026-03-09'), (4, NULL, 1.0, '2026-04-01'),
               (5, 'ACME', 70.0, '2026-05-05');",
        )
        .await
        .unwrap();
        let ask = |query: &str, page_current: u64| PageRequest {
            page_current,
            page_size: 2,
            sort_by: vec![SortBy {
                column_id: "gib".into(),
                direction: "desc".into(),
            }],
            filter_query: query.into(),
        };
        let ids = |page: &TablePage| -> Vec<i64> {
            page.rows
                .iter()
                .map(|r| r["id"].as_i64().unwrap())
                .collect()
        };
        let page = table()
            .fetch_page(&bind, &ask("{customer} icontains acme", 0))
            .await
            .unwrap();
        assert_eq!(ids(&page), [5, 2]);
        assert_eq!((page.row_count, page.page_count), (3, 2));
        let page = table()
            .fetch_page(&bind, &ask("{customer} icontains acme", 1))
            .await
            .unwrap();
        assert_eq!(ids(&page), [1]);
        // Case-sensitive by default, as DataTable's own filter.
        let page = table()
            .fetch_page(&bind, &ask("{customer} contains acme", 0))
            .await
            .unwrap();
        assert_eq!(ids(&page), [2]);
        let page = table()
            .fetch_page(
                &bind,
                &ask("{day} datestartswith 2026-03 || {customer} is nil", 0),
            )
            .await
            .unwrap();
        assert_eq!((ids(&page), page.row_count), (vec![2, 3], 3));
        let page = table()
            .fetch_page(&bind, &ask("{customer} = \"x' OR '1'='1\"", 0))
            .await
            .unwrap();
        assert_eq!((page.row_count, page.page_count), (0, 1));
    }
}
