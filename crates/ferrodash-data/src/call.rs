//! [`QueryCall`]: one run of a query with its parameter values.

use std::fmt;
use std::sync::Arc;

use ferrodash_core::Columns;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::bind::Bind;
use crate::decode::ColumnsBuilder;
use crate::error::{DataError, Origin};
use crate::exec::{Mode, Output};
use crate::params::RenderError;
use crate::query::Prepared;
use crate::values::Params;

/// A query about to run on a bind: add values with
/// [`params`](Self::params), then run it with one of the `fetch*` methods
/// or [`execute`](Self::execute).
///
/// Values are always bound, never written into the SQL. Every `:name` in
/// the SQL needs a value and every value needs a `:name` (a misspelt field
/// is an error, not a silently ignored filter). A list value expands to one
/// placeholder per element, for `IN (:ids)`; an empty list is an error
/// (`IN ()` is not valid SQL).
#[must_use = "a query call does nothing until one of its fetch or execute methods is awaited"]
pub struct QueryCall<'b> {
    bind: &'b Bind,
    prepared: Result<Prepared, DataError>,
    params: Result<Params, String>,
}

impl fmt::Debug for QueryCall<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QueryCall")
            .field("bind", &self.bind.name())
            .field(
                "query",
                &self.prepared.as_ref().map(|p| p.query.name()).ok(),
            )
            .finish_non_exhaustive()
    }
}

impl<'b> QueryCall<'b> {
    pub(crate) fn new(bind: &'b Bind, prepared: Result<Prepared, DataError>) -> Self {
        Self {
            bind,
            prepared,
            params: Ok(Params::default()),
        }
    }

    /// The parameter values: a struct or map whose fields are named like
    /// the SQL's `:name`s. Values may be null (`None`), booleans, numbers,
    /// strings, or lists of these (for `IN (:ids)`). Nested objects are
    /// refused when the call runs.
    pub fn params<P: Serialize + ?Sized>(mut self, values: &P) -> Self {
        self.params = Params::from_serialize(values);
        self
    }

    /// The rows, each deserialized into a `T`: a struct or map (by column
    /// name), a tuple (by position) or, for one-column rows, a scalar.
    ///
    /// # Errors
    ///
    /// Any [`DataError`] about the query, its parameters, the database,
    /// the timeout, the row limit, or a row that does not fit `T`
    /// ([`DataError::Decode`] naming the column).
    pub async fn fetch<T: DeserializeOwned>(self) -> Result<Vec<T>, DataError> {
        let limit = self.bind.config().get_row_limit();
        let (origin, columns, rows) = self.rows(limit, false).await?;
        let names: Arc<[String]> = columns.into_iter().map(|(n, _)| n).collect();
        rows.into_iter()
            .map(|row| decode_row(&origin, &names, row))
            .collect()
    }

    /// The one row the query returns.
    ///
    /// # Errors
    ///
    /// As [`fetch`](Self::fetch), plus [`DataError::NoRows`] when there is
    /// no row and [`DataError::TooManyRows`] when there is more than one
    /// (add `LIMIT 1` to pick the first).
    pub async fn fetch_one<T: DeserializeOwned>(self) -> Result<T, DataError> {
        let origin = self.origin();
        self.fetch_optional()
            .await?
            .ok_or(DataError::NoRows { origin })
    }

    /// The row the query returns, if any.
    ///
    /// # Errors
    ///
    /// As [`fetch`](Self::fetch), plus [`DataError::TooManyRows`] when
    /// there is more than one row.
    pub async fn fetch_optional<T: DeserializeOwned>(self) -> Result<Option<T>, DataError> {
        let (origin, columns, mut rows) = match self.rows(1, false).await {
            Err(DataError::RowLimit { origin, .. }) => {
                return Err(DataError::TooManyRows { origin });
            }
            other => other?,
        };
        let names: Arc<[String]> = columns.into_iter().map(|(n, _)| n).collect();
        rows.pop()
            .map(|row| decode_row(&origin, &names, row))
            .transpose()
    }

    /// The result as columns, ready for figures and tables: whole numbers,
    /// floats (`NUMERIC`/`DECIMAL` included), text (dates and times as ISO
    /// 8601) and booleans, `NULL`s as missing entries. The columns are there
    /// (typed from the database's column types) even when no row comes
    /// back.
    ///
    /// # Errors
    ///
    /// As [`fetch`](Self::fetch).
    pub async fn fetch_columns(self) -> Result<Columns, DataError> {
        let limit = self.bind.config().get_row_limit();
        let (origin, columns, rows) = self.rows(limit, true).await?;
        let mut builder = ColumnsBuilder::new(columns);
        for row in rows {
            builder.push_row(row);
        }
        builder.finish().map_err(|e| DataError::Decode {
            origin,
            column: None,
            target: "ferrodash_core::Columns".to_owned(),
            message: e.to_string(),
        })
    }

    /// Runs a statement that returns no rows (`INSERT`, `UPDATE`, `DELETE`,
    /// DDL) and returns the number of rows it affected.
    ///
    /// # Errors
    ///
    /// Any [`DataError`] about the query, its parameters, the database or
    /// the timeout.
    pub async fn execute(self) -> Result<u64, DataError> {
        let bind = self.bind;
        let (origin, sql, args) = self.render()?;
        match bind.exec(&origin, sql, args, Mode::Execute).await? {
            Output::Affected(n) => Ok(n),
            Output::Rows { .. } => Ok(0),
        }
    }

    /// Runs the statement once per element of `rows` (each a struct or map
    /// of parameter values, as [`params`](Self::params) takes), all in one
    /// transaction: every row is written, or none when one fails. Returns
    /// the total number of rows affected. Every row's parameters are
    /// checked before the first runs; each statement gets the query
    /// timeout. Values given with `params` are ignored.
    ///
    /// # Errors
    ///
    /// Any [`DataError`] about the query, a row's parameters (naming the
    /// row), the database or the timeout.
    pub async fn execute_many<P: Serialize>(self, rows: &[P]) -> Result<u64, DataError> {
        let bind = self.bind;
        let affected = bind.batch().execute_many(self, rows).commit().await?;
        Ok(affected.iter().sum())
    }

    /// The statement rendered once per element of `rows`, for a batch.
    pub(crate) fn render_rows<P: Serialize>(
        self,
        rows: &[P],
    ) -> Result<Vec<crate::batch::Statement>, DataError> {
        let mut renderer = self.rows_renderer()?;
        rows.iter()
            .enumerate()
            .map(|(index, row)| renderer.render(index, row))
            .collect()
    }

    /// A renderer of this call's statement for rows of parameters.
    pub(crate) fn rows_renderer(self) -> Result<RowRenderer<'b>, DataError> {
        Ok(RowRenderer {
            bind: self.bind,
            prepared: self.prepared?,
            last_sql: None,
        })
    }

    /// The statement rendered for a batch.
    pub(crate) fn render_one(self) -> Result<crate::batch::Statement, DataError> {
        let (origin, sql, args) = self.render()?;
        Ok((origin, Arc::from(sql), args))
    }

    /// The bind the call runs on.
    pub(crate) const fn bind(&self) -> &'b Bind {
        self.bind
    }

    pub(crate) fn origin(&self) -> Origin {
        match &self.prepared {
            Ok(p) => p.query.origin(self.bind.name()),
            Err(_) => Origin::new(self.bind.name()),
        }
    }

    /// The SQL with placeholders and the values to bind.
    fn render(self) -> Result<(Origin, String, Vec<crate::values::Scalar>), DataError> {
        let prepared = self.prepared?;
        let origin = prepared.query.origin(self.bind.name());
        let params = self.params.map_err(|problem| DataError::BadParams {
            origin: origin.clone(),
            problem,
        })?;
        let backend = self.bind.backend();
        match prepared.parsed.render(backend, &params) {
            Ok((sql, args)) => Ok((origin, sql, args)),
            Err(problems) => {
                let errors = problems
                    .into_iter()
                    .map(|p| match p {
                        RenderError::Missing(name) => DataError::MissingParam {
                            origin: origin.clone(),
                            name,
                        },
                        RenderError::Unused(name) => DataError::UnusedParam {
                            origin: origin.clone(),
                            name,
                        },
                        RenderError::EmptyList(name) => DataError::BadParams {
                            origin: origin.clone(),
                            problem: format!(
                                "parameter `{name}` is an empty list; `IN ()` is not valid SQL, \
                                 so skip the query or the condition when nothing is selected"
                            ),
                        },
                    })
                    .collect();
                Err(
                    DataError::from_list(errors).unwrap_or(DataError::BadParams {
                        origin,
                        problem: "parameters do not fit".to_owned(),
                    }),
                )
            }
        }
    }

    async fn rows(
        self,
        limit: usize,
        describe: bool,
    ) -> Result<
        (
            Origin,
            Vec<(String, crate::decode::Kind)>,
            Vec<Vec<crate::decode::Datum>>,
        ),
        DataError,
    > {
        let bind = self.bind;
        let (origin, sql, args) = self.render()?;
        match bind
            .exec(&origin, sql, args, Mode::Rows { limit, describe })
            .await?
        {
            Output::Rows { columns, rows } => Ok((origin, columns, rows)),
            Output::Affected(_) => Ok((origin, Vec::new(), Vec::new())),
        }
    }
}

fn decode_row<T: DeserializeOwned>(
    origin: &Origin,
    names: &Arc<[String]>,
    row: Vec<crate::decode::Datum>,
) -> Result<T, DataError> {
    crate::de::from_row(names, row).map_err(|e| DataError::Decode {
        origin: origin.clone(),
        column: e.column,
        target: std::any::type_name::<T>().to_owned(),
        message: e.message,
    })
}

/// Renders one query's statement for row after row of parameters. Rows
/// whose SQL comes out the same (all of them, unless a list parameter
/// changes length) share one copy of it.
pub(crate) struct RowRenderer<'b> {
    bind: &'b Bind,
    prepared: Prepared,
    last_sql: Option<Arc<str>>,
}

impl RowRenderer<'_> {
    /// The statement for row `index`, `row`.
    pub(crate) fn render<P: Serialize>(
        &mut self,
        index: usize,
        row: &P,
    ) -> Result<crate::batch::Statement, DataError> {
        let call = QueryCall {
            bind: self.bind,
            prepared: Ok(self.prepared.clone()),
            params: Params::from_serialize(row)
                .map_err(|problem| format!("row {index}: {problem}")),
        };
        let (origin, sql, args) = call.render()?;
        let sql = match &self.last_sql {
            Some(last) if **last == *sql => Arc::clone(last),
            _ => {
                let fresh: Arc<str> = Arc::from(sql);
                self.last_sql = Some(Arc::clone(&fresh));
                fresh
            }
        };
        Ok((origin, sql, args))
    }
}
