//! Running SQL on a bind's pool: one connection per call, the query timeout
//! and row limit enforced, values decoded into [`Datum`]s.
//!
//! The pool is an enum over sqlx's typed pools rather than sqlx's `Any`
//! driver: each driver's own type information drives decoding (`NUMERIC`,
//! dates, enums, unsigned integers, JSON), which `Any` reduces to a handful
//! of common types.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::TryStreamExt as _;
use sqlx::mysql::MySqlPool;
use sqlx::postgres::types::Oid;
use sqlx::postgres::{PgArgumentBuffer, PgPool, PgTypeInfo, Postgres};
use sqlx::sqlite::SqlitePool;
use sqlx::{AssertSqlSafe, Executor as _, Row as _, SqlSafeStr as _, Statement as _};

use crate::decode::{self, Datum, Failure, Kind};
use crate::values::Scalar;

/// A bind's connection pool.
#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
    MySql(MySqlPool),
}

/// What to do with the SQL.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Mode {
    /// Read rows, failing past `limit`; with `describe`, find the column
    /// names and kinds even when no row comes back.
    Rows { limit: usize, describe: bool },
    /// Run one statement, counting affected rows.
    Execute,
    /// Run several statements without parameters.
    Script,
}

/// What came back.
#[derive(Debug)]
pub(crate) enum Output {
    Rows {
        columns: Vec<(String, Kind)>,
        rows: Vec<Vec<Datum>>,
    },
    Affected(u64),
}

/// Why a run failed, before names are attached.
#[derive(Debug)]
pub(crate) enum RunError {
    Acquire,
    Sql(sqlx::Error),
    Decode(Failure),
    Limit,
    Timeout,
}

/// A null bound with PostgreSQL's `unknown` type, so the server infers its
/// type from the context (`int_col = $1`), as it does for a `NULL` literal.
pub(crate) struct PgNull;

impl sqlx::Type<Postgres> for PgNull {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(Oid(705))
    }
}

impl sqlx::Encode<'_, Postgres> for PgNull {
    fn encode_by_ref(
        &self,
        _buf: &mut PgArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        Ok(sqlx::encode::IsNull::Yes)
    }
}

/// Binds scalars in order; `$null` is how the backend binds `NULL`.
macro_rules! bind_all {
    ($query:expr, $args:expr, $null:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                Scalar::Null => query.bind($null),
                Scalar::Bool(b) => query.bind(b),
                Scalar::Int(i) => query.bind(i),
                Scalar::Float(f) => query.bind(f),
                Scalar::Text(s) => query.bind(s),
            };
        }
        query
    }};
}
pub(crate) use bind_all;

/// Runs `mode` on an acquired connection of one backend.
macro_rules! run_on {
    ($conn:expr, $sql:expr, $args:expr, $mode:expr, $null:expr, $module:ident) => {{
        let conn = &mut *$conn;
        match $mode {
            Mode::Script => {
                let done = sqlx::raw_sql(AssertSqlSafe($sql))
                    .execute(&mut *conn)
                    .await
                    .map_err(RunError::Sql)?;
                Ok(Output::Affected(done.rows_affected()))
            }
            Mode::Execute => {
                let query = bind_all!(sqlx::query(AssertSqlSafe($sql)), $args, $null);
                let done = query.execute(&mut *conn).await.map_err(RunError::Sql)?;
                Ok(Output::Affected(done.rows_affected()))
            }
            Mode::Rows { limit, describe } => {
                let sql: Arc<str> = Arc::from($sql);
                let query = bind_all!(sqlx::query(AssertSqlSafe(sql.clone())), $args, $null);
                let mut stream = query.fetch(&mut *conn);
                let mut rows = Vec::new();
                let mut columns = None;
                while let Some(row) = stream.try_next().await.map_err(RunError::Sql)? {
                    if rows.len() == limit {
                        return Err(RunError::Limit);
                    }
                    if columns.is_none() {
                        columns = Some(decode::$module::columns(row.columns()));
                    }
                    rows.push(decode::$module::row(&row).map_err(RunError::Decode)?);
                }
                drop(stream);
                if columns.is_none() && describe {
                    let statement = conn
                        .prepare(AssertSqlSafe(sql).into_sql_str())
                        .await
                        .map_err(RunError::Sql)?;
                    columns = Some(decode::$module::columns(statement.columns()));
                }
                Ok(Output::Rows {
                    columns: columns.unwrap_or_default(),
                    rows,
                })
            }
        }
    }};
}

impl Pool {
    /// Runs `sql` with `args` under the timeout. A connection whose query
    /// timed out or overran the row limit is closed, not returned to the
    /// pool, so no half-read result or still-running statement is reused.
    pub(crate) async fn run(
        &self,
        sql: String,
        args: Vec<Scalar>,
        mode: Mode,
        timeout: Duration,
    ) -> Result<Output, RunError> {
        let start = Instant::now();
        let timed_out = |e: RunError| match e {
            // The server (PostgreSQL's statement_timeout) or SQLite's
            // interrupt may beat the client-side timer by a hair.
            RunError::Sql(_) if start.elapsed() >= timeout => RunError::Timeout,
            other => other,
        };
        let acquire_error = |e: sqlx::Error| match e {
            sqlx::Error::PoolTimedOut => RunError::Acquire,
            other => RunError::Sql(other),
        };
        match self {
            Self::Sqlite(pool) => {
                let mut conn = pool.acquire().await.map_err(acquire_error)?;
                let deadline = start + timeout;
                // SQLite runs in-process: interrupt the statement itself at
                // the deadline instead of leaving it to burn a thread.
                conn.lock_handle()
                    .await
                    .map_err(RunError::Sql)?
                    .set_progress_handler(1_000, move || Instant::now() < deadline);
                let left = deadline.saturating_duration_since(Instant::now());
                let result = tokio::time::timeout(left, async {
                    run_on!(conn, sql, args, mode, Option::<i64>::None, sqlite)
                })
                .await;
                finish(result, &mut conn).map_err(timed_out)
            }
            Self::Postgres(pool) => {
                let mut conn = pool.acquire().await.map_err(acquire_error)?;
                let left = timeout.saturating_sub(start.elapsed());
                let result = tokio::time::timeout(left, async {
                    run_on!(conn, sql, args, mode, PgNull, postgres)
                })
                .await;
                finish(result, &mut conn).map_err(timed_out)
            }
            Self::MySql(pool) => {
                let mut conn = pool.acquire().await.map_err(acquire_error)?;
                let left = timeout.saturating_sub(start.elapsed());
                let result = tokio::time::timeout(left, async {
                    run_on!(conn, sql, args, mode, Option::<i64>::None, mysql)
                })
                .await;
                finish(result, &mut conn).map_err(timed_out)
            }
        }
    }

    /// Closes every connection.
    pub(crate) async fn close(&self) {
        match self {
            Self::Sqlite(pool) => pool.close().await,
            Self::Postgres(pool) => pool.close().await,
            Self::MySql(pool) => pool.close().await,
        }
    }
}

/// The run's result; the connection is marked to close when the run timed
/// out or stopped mid-result.
fn finish<DB: sqlx::Database>(
    result: Result<Result<Output, RunError>, tokio::time::error::Elapsed>,
    conn: &mut sqlx::pool::PoolConnection<DB>,
) -> Result<Output, RunError> {
    match result {
        Err(_) => {
            conn.close_on_drop();
            Err(RunError::Timeout)
        }
        Ok(Err(RunError::Limit)) => {
            conn.close_on_drop();
            Err(RunError::Limit)
        }
        Ok(other) => other,
    }
}
