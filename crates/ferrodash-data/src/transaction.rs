//! [`Transaction`]: statements run one by one on one connection, committed
//! together or not at all.

use std::fmt;
use std::time::Duration;

use serde::Serialize;
use sqlx::AssertSqlSafe;

use crate::bind::Bind;
use crate::call::QueryCall;
use crate::error::{DataError, Origin};
use crate::exec::{PgNull, Pool, RunError, bind_all};
use crate::values::Scalar;

/// An open transaction of one of the backends.
enum Open {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
    MySql(sqlx::Transaction<'static, sqlx::MySql>),
}

/// Statements that take effect together: each runs as soon as it is
/// called (so a later one sees what an earlier one wrote, and rows are
/// written as they come instead of being held in memory), and nothing is
/// visible to others until [`commit`](Self::commit). Dropping the
/// transaction, or any statement failing, rolls everything back. Start one
/// with [`Bind::transaction`].
///
/// Each call gets the bind's query timeout; a statement that times out
/// ends the transaction (later calls fail, nothing is committed).
///
/// ```no_run
/// # async fn demo(bind: &ferrodash_data::Bind) -> Result<(), ferrodash_data::DataError> {
/// #[derive(serde::Serialize)]
/// struct Row { id: i64, amount: f64 }
/// let mut tx = bind.transaction().await?;
/// for page in [[Row { id: 1, amount: 2.5 }], [Row { id: 2, amount: 4.0 }]] {
///     tx.execute_many(bind.query("upsert_row"), &page).await?;
/// }
/// tx.execute(bind.query("refresh_totals")).await?;
/// tx.commit().await?;
/// # Ok(()) }
/// ```
#[must_use = "a transaction is rolled back unless it is committed"]
pub struct Transaction<'b> {
    bind: &'b Bind,
    open: Option<Open>,
    timeout: Duration,
}

impl fmt::Debug for Transaction<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transaction")
            .field("bind", &self.bind.name())
            .field("open", &self.open.is_some())
            .finish_non_exhaustive()
    }
}

/// Runs one statement on an open transaction.
macro_rules! run_in {
    ($tx:expr, $sql:expr, $args:expr, $null:expr) => {{
        bind_all!(sqlx::query(AssertSqlSafe($sql)), $args, $null)
            .execute(&mut **$tx)
            .await
            .map(|done| done.rows_affected())
            .map_err(RunError::Sql)
    }};
}

impl<'b> Transaction<'b> {
    /// Begins a transaction on a connection of `bind`'s pool.
    pub(crate) async fn begin(bind: &'b Bind, pool: &Pool) -> Result<Self, DataError> {
        let origin = Origin::new(bind.name()).with_query("BEGIN");
        let timeout = bind.config().get_query_timeout();
        let begun = tokio::time::timeout(timeout, async {
            Ok::<_, sqlx::Error>(match pool {
                Pool::Sqlite(p) => Open::Sqlite(p.begin().await?),
                Pool::Postgres(p) => Open::Postgres(p.begin().await?),
                Pool::MySql(p) => Open::MySql(p.begin().await?),
            })
        })
        .await;
        let open = match begun {
            Err(_) => return Err(bind.name_error(&origin, RunError::Timeout)),
            Ok(Err(sqlx::Error::PoolTimedOut)) => {
                return Err(bind.name_error(&origin, RunError::Acquire));
            }
            Ok(Err(e)) => return Err(bind.name_error(&origin, RunError::Sql(e))),
            Ok(Ok(open)) => open,
        };
        Ok(Self {
            bind,
            open: Some(open),
            timeout,
        })
    }

    /// Runs `call` (with its [`params`](QueryCall::params)) and returns the
    /// rows it affected.
    ///
    /// # Errors
    ///
    /// Any [`DataError`] about the query, its parameters, the database or
    /// the timeout; the transaction is over after any error.
    pub async fn execute(&mut self, call: QueryCall<'_>) -> Result<u64, DataError> {
        let statement = self.checked(call).and_then(QueryCall::render_one);
        match statement {
            Ok(statement) => self.run_rendered(statement).await,
            Err(e) => Err(self.end(e)),
        }
    }

    /// Runs `call` once per element of `rows` (each a struct or map of
    /// parameter values) and returns the rows affected together. Each row
    /// is rendered just before it runs, so nothing but `rows` is held in
    /// memory; each statement gets the query timeout.
    ///
    /// # Errors
    ///
    /// As [`execute`](Self::execute); a row's parameter problem names the
    /// row.
    pub async fn execute_many<P: Serialize>(
        &mut self,
        call: QueryCall<'_>,
        rows: &[P],
    ) -> Result<u64, DataError> {
        let mut renderer = match self.checked(call).and_then(QueryCall::rows_renderer) {
            Ok(renderer) => renderer,
            Err(e) => return Err(self.end(e)),
        };
        let mut affected = 0;
        for (index, row) in rows.iter().enumerate() {
            match renderer.render(index, row) {
                Ok(statement) => affected += self.run_rendered(statement).await?,
                Err(e) => return Err(self.end(e)),
            }
        }
        Ok(affected)
    }

    /// Makes every statement's effect visible, all at once.
    ///
    /// # Errors
    ///
    /// [`DataError`] when the database refuses the commit (nothing is
    /// written then), or the transaction already ended with an error.
    pub async fn commit(mut self) -> Result<(), DataError> {
        let origin = Origin::new(self.bind.name()).with_query("COMMIT");
        let Some(open) = self.open.take() else {
            return Err(Self::ended(&origin));
        };
        let committed = tokio::time::timeout(self.timeout, async {
            match open {
                Open::Sqlite(tx) => tx.commit().await,
                Open::Postgres(tx) => tx.commit().await,
                Open::MySql(tx) => tx.commit().await,
            }
        })
        .await;
        match committed {
            Err(_) => Err(self.bind.name_error(&origin, RunError::Timeout)),
            Ok(Err(e)) => Err(self.bind.name_error(&origin, RunError::Sql(e))),
            Ok(Ok(())) => Ok(()),
        }
    }

    /// `call`, when it is for this transaction's bind.
    fn checked<'c>(&self, call: QueryCall<'c>) -> Result<QueryCall<'c>, DataError> {
        if call.bind().same_pool(self.bind) {
            Ok(call)
        } else {
            Err(DataError::BadParams {
                origin: Origin::new(self.bind.name()),
                problem: format!(
                    "a transaction on bind `{}` was given a query of bind `{}`: a transaction \
                     runs on one database",
                    self.bind.name(),
                    call.bind().name()
                ),
            })
        }
    }

    /// Ends the transaction (rolling it back) because of `error`.
    fn end(&mut self, error: DataError) -> DataError {
        self.open = None;
        error
    }

    /// The error for a call on a transaction that has ended.
    fn ended(origin: &Origin) -> DataError {
        DataError::BadParams {
            origin: origin.clone(),
            problem: "the transaction has ended after an earlier error; nothing of it was \
                      committed"
                .to_owned(),
        }
    }

    /// Runs one rendered statement under the query timeout; a failure ends
    /// the transaction.
    pub(crate) async fn run_rendered(
        &mut self,
        (origin, sql, args): crate::batch::Statement,
    ) -> Result<u64, DataError> {
        let Some(open) = self.open.as_mut() else {
            return Err(Self::ended(&origin));
        };
        let ran = tokio::time::timeout(self.timeout, async {
            match open {
                Open::Sqlite(tx) => run_in!(tx, sql, args, Option::<i64>::None),
                Open::Postgres(tx) => run_in!(tx, sql, args, PgNull),
                Open::MySql(tx) => run_in!(tx, sql, args, Option::<i64>::None),
            }
        })
        .await
        .unwrap_or(Err(RunError::Timeout));
        ran.map_err(|e| {
            // The connection may be mid-statement: drop it (rolling back).
            self.open = None;
            self.bind.name_error(&origin, e)
        })
    }
}
