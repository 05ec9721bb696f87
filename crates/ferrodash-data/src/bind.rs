//! [`Bind`]: a named connection pool and its queries.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr as _;
use std::sync::Arc;
use std::time::Duration;

use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{ConnectOptions, Connection as _};

use crate::call::QueryCall;
use crate::config::BindConfig;
use crate::error::{DataError, Origin};
use crate::exec::{Mode, Pool, RunError};
use crate::query::{Prepared, Query};
use crate::url::{self, Backend};

/// A named database connection: a pool of connections to one URL, its
/// [`BindConfig`] and its named [`Query`]s. Cloning is cheap (the pool is
/// shared).
///
/// URLs:
///
/// - `sqlite://path/to/file.db` — embedded SQLite, the zero-setup default;
///   the file (and its folder) is created when missing, in WAL mode.
///   `sqlite::memory:` is an in-memory database.
/// - `postgres://user:password@host:5432/db` (or `postgresql://`).
/// - `mysql://user:password@host:3306/db` (or `mariadb://`) for MySQL and
///   MariaDB.
///
/// The URL's password never appears in errors or `Debug` output.
#[derive(Clone)]
pub struct Bind {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    name: String,
    url: String,
    secrets: Vec<String>,
    backend: Backend,
    config: BindConfig,
    pool: Pool,
    queries: BTreeMap<String, Prepared>,
}

impl fmt::Debug for Bind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bind")
            .field("name", &self.inner.name)
            .field("backend", &self.inner.backend)
            .field("url", &self.inner.url)
            .field("config", &self.inner.config)
            .field("queries", &self.inner.queries.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// Opens and closes one connection: a single attempt, so a server that is
/// down is reported at once (the pool would retry until its acquire
/// timeout).
async fn check<O>(options: &O) -> Result<(), sqlx::Error>
where
    O: ConnectOptions,
    O::Connection: Sized,
{
    options.connect().await?.close().await
}

/// The backend a URL names, or the error saying it names none.
pub(crate) fn backend_of(name: &str, url: &str) -> Result<Backend, DataError> {
    Backend::from_url(url).ok_or_else(|| DataError::Url {
        origin: Origin::new(name),
        url: url::redact(url).0,
        reason: "the scheme must be sqlite:, postgres:, postgresql:, mysql: or mariadb:".to_owned(),
    })
}

impl Bind {
    /// Connects to `url`, opening one connection to check it works.
    ///
    /// # Errors
    ///
    /// [`DataError::Url`] for a URL this crate cannot use and
    /// [`DataError::Connect`] when the database cannot be reached.
    pub async fn connect(
        name: impl Into<String>,
        url: &str,
        config: BindConfig,
    ) -> Result<Self, DataError> {
        let name = name.into();
        let backend = backend_of(&name, url)?;
        let (redacted, secrets) = url::redact(url);
        let origin = Origin::new(&name);
        let bad_url = |e: sqlx::Error| DataError::Url {
            origin: origin.clone(),
            url: redacted.clone(),
            reason: url::scrub(&e.to_string(), &secrets),
        };
        let connect_error = |e: sqlx::Error| DataError::Connect {
            origin: origin.clone(),
            url: redacted.clone(),
            message: url::scrub(&e.to_string(), &secrets),
        };
        let max = config.get_max_connections();
        let acquire = config.get_acquire_timeout();
        let pool = match backend {
            Backend::Sqlite => {
                let mut options = SqliteConnectOptions::from_str(url)
                    .map_err(bad_url)?
                    .create_if_missing(true)
                    .busy_timeout(Duration::from_secs(5));
                let file = options.get_filename().to_path_buf();
                let in_memory = url.contains(":memory:") || url.contains("mode=memory");
                if !in_memory {
                    options = options.journal_mode(SqliteJournalMode::Wal);
                    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
                        std::fs::create_dir_all(dir).map_err(|e| DataError::Connect {
                            origin: origin.clone(),
                            url: redacted.clone(),
                            message: format!("cannot create folder `{}`: {e}", dir.display()),
                        })?;
                    }
                }
                check(&options).await.map_err(connect_error)?;
                let pool = SqlitePoolOptions::new()
                    .max_connections(max)
                    .acquire_timeout(acquire)
                    .connect_lazy_with(options);
                Pool::Sqlite(pool)
            }
            Backend::Postgres => {
                // The server stops a statement at the query timeout too, so a
                // timed-out query does not keep running there.
                let millis = config.get_query_timeout().as_millis().max(1);
                let options = PgConnectOptions::from_str(url)
                    .map_err(bad_url)?
                    .options([("statement_timeout", millis)]);
                check(&options).await.map_err(connect_error)?;
                let pool = PgPoolOptions::new()
                    .max_connections(max)
                    .acquire_timeout(acquire)
                    .connect_lazy_with(options);
                Pool::Postgres(pool)
            }
            Backend::MySql => {
                let options = MySqlConnectOptions::from_str(url).map_err(bad_url)?;
                check(&options).await.map_err(connect_error)?;
                // The server stops a statement at the query timeout too
                // (closing the connection does not stop it there).
                let timeout = config.get_query_timeout();
                let pool = MySqlPoolOptions::new()
                    .max_connections(max)
                    .acquire_timeout(acquire)
                    .after_connect(move |conn, _| {
                        Box::pin(async move { limit_statement_time(conn, timeout).await })
                    })
                    .connect_lazy_with(options);
                Pool::MySql(pool)
            }
        };
        Ok(Self {
            inner: Arc::new(Inner {
                name,
                url: redacted,
                secrets,
                backend,
                config,
                pool,
                queries: BTreeMap::new(),
            }),
        })
    }

    /// The bind with these named queries added, each checked for its
    /// backend's syntax. Every problem is reported at once.
    ///
    /// # Errors
    ///
    /// [`DataError::Syntax`] and [`DataError::Duplicate`] (several in a
    /// [`DataError::Several`]).
    pub fn with_queries(self, queries: impl IntoIterator<Item = Query>) -> Result<Self, DataError> {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        let mut errors = Vec::new();
        for query in queries {
            if inner.queries.contains_key(query.name()) {
                errors.push(DataError::Duplicate {
                    origin: query.origin(&inner.name),
                });
                continue;
            }
            match query.prepare(&inner.name, inner.backend) {
                Ok(prepared) => {
                    inner
                        .queries
                        .insert(prepared.query.name().to_owned(), prepared);
                }
                Err(e) => errors.push(e),
            }
        }
        match DataError::from_list(errors) {
            Some(e) => Err(e),
            None => Ok(Self {
                inner: Arc::new(inner),
            }),
        }
    }

    /// The bind's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The database behind the bind.
    #[must_use]
    pub fn backend(&self) -> Backend {
        self.inner.backend
    }

    /// The connection URL with its password replaced by `***`.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.inner.url
    }

    /// The bind's options.
    #[must_use]
    pub fn config(&self) -> &BindConfig {
        &self.inner.config
    }

    /// The names of the bind's queries, sorted.
    pub fn query_names(&self) -> impl Iterator<Item = &str> {
        self.inner.queries.keys().map(String::as_str)
    }

    /// A call of the named query. An unknown name is reported when the
    /// call runs, as [`DataError::UnknownQuery`].
    pub fn query(&self, name: &str) -> QueryCall<'_> {
        let prepared =
            self.inner
                .queries
                .get(name)
                .cloned()
                .ok_or_else(|| DataError::UnknownQuery {
                    origin: Origin::new(&self.inner.name).with_query(name),
                    known: self
                        .inner
                        .queries
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", "),
                });
        QueryCall::new(self, prepared)
    }

    /// A call of a query that is not registered, such as
    /// `Query::inline("top_customers", "select …")`. Its SQL is checked when
    /// the call runs.
    pub fn run(&self, query: Query) -> QueryCall<'_> {
        QueryCall::new(self, query.prepare(&self.inner.name, self.inner.backend))
    }

    /// Checks that the database answers: `SELECT 1` on a pooled
    /// connection, within the query timeout. What a readiness check runs.
    ///
    /// # Errors
    ///
    /// [`DataError::Database`], [`DataError::Timeout`] or
    /// [`DataError::Acquire`].
    pub async fn ping(&self) -> Result<(), DataError> {
        self.run(Query::inline("ping", "SELECT 1"))
            .execute()
            .await
            .map(drop)
    }

    /// Runs several SQL statements separated by `;`, without parameters:
    /// schema and seed scripts, such as the one that creates an app's
    /// embedded SQLite file. The query timeout applies to the whole script.
    /// `name` names the script in errors.
    ///
    /// # Errors
    ///
    /// [`DataError::Database`], [`DataError::Timeout`] or
    /// [`DataError::Acquire`].
    pub async fn execute_script(&self, name: &str, sql: &str) -> Result<(), DataError> {
        let origin = Origin::new(&self.inner.name).with_query(name);
        self.exec(&origin, sql.to_owned(), Vec::new(), Mode::Script)
            .await
            .map(drop)
    }

    /// Closes the bind's connections (clones of the bind included); calls
    /// after this fail.
    pub async fn close(&self) {
        self.inner.pool.close().await;
    }

    /// Runs SQL, naming errors after `origin`.
    pub(crate) async fn exec(
        &self,
        origin: &Origin,
        sql: String,
        args: Vec<crate::values::Scalar>,
        mode: Mode,
    ) -> Result<crate::exec::Output, DataError> {
        let timeout = self.inner.config.get_query_timeout();
        self.inner
            .pool
            .run(sql, args, mode, timeout)
            .await
            .map_err(|e| self.name_error(origin, e))
    }

    /// Begins a [`Transaction`](crate::Transaction) on one of the pool's
    /// connections: statements run as they are called, and take effect
    /// together at its commit.
    ///
    /// # Errors
    ///
    /// [`DataError::Acquire`] when no connection is free in time, or
    /// another [`DataError`] when the database refuses to begin.
    pub async fn transaction(&self) -> Result<crate::Transaction<'_>, DataError> {
        crate::Transaction::begin(self, &self.inner.pool).await
    }

    /// Whether `other` is this bind or a clone of it (one pool).
    pub(crate) fn same_pool(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Several writes run in one transaction: every statement added to the
    /// [`Batch`](crate::Batch) takes effect, or none does.
    pub fn batch(&self) -> crate::Batch<'_> {
        crate::Batch::new(self)
    }

    pub(crate) fn name_error(&self, origin: &Origin, error: RunError) -> DataError {
        let inner = &self.inner;
        match error {
            RunError::Acquire => DataError::Acquire {
                origin: origin.clone(),
                timeout: inner.config.get_acquire_timeout(),
                unavailable: ferrodash_core::ServiceUnavailable(
                    "no database connection could be had in time".to_owned(),
                ),
            },
            RunError::Sql(e) => DataError::from_sqlx(origin.clone(), &e, &inner.secrets),
            RunError::Decode(f) => DataError::Decode {
                origin: origin.clone(),
                column: Some(f.column),
                target: format!("a value (database type {})", f.type_name),
                message: f.message,
            },
            RunError::Limit => DataError::RowLimit {
                origin: origin.clone(),
                limit: inner.config.get_row_limit(),
            },
            RunError::Timeout => DataError::Timeout {
                origin: origin.clone(),
                timeout: inner.config.get_query_timeout(),
            },
        }
    }
}

/// Sets the session's statement time limit to `timeout`: MariaDB's
/// `max_statement_time` (seconds, every statement), else MySQL's
/// `max_execution_time` (milliseconds, reads).
async fn limit_statement_time(
    conn: &mut sqlx::MySqlConnection,
    timeout: Duration,
) -> Result<(), sqlx::Error> {
    let seconds = timeout.as_secs_f64().max(0.001);
    let mariadb = sqlx::query("SET SESSION max_statement_time = ?")
        .bind(seconds)
        .execute(&mut *conn)
        .await;
    if mariadb.is_ok() {
        return Ok(());
    }
    let millis = u64::try_from(timeout.as_millis())
        .unwrap_or(u64::MAX)
        .max(1);
    sqlx::query("SET SESSION max_execution_time = ?")
        .bind(millis)
        .execute(&mut *conn)
        .await
        .map(|_| ())
}
