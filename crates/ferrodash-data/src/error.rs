//! The one error type of this crate, [`DataError`], and [`Origin`], which
//! names where a problem happened.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Where a problem happened: the bind, the query and the file it came from.
///
/// Its `Display` reads ``bind `sales`, query `monthly_totals`
/// (queries/sales/monthly_totals.sql)``; parts that are unknown are left
/// out. Cheap to clone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin(Arc<Parts>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Parts {
    bind: String,
    query: Option<String>,
    file: Option<PathBuf>,
}

impl Origin {
    /// An origin naming only a bind.
    #[must_use]
    pub fn new(bind: impl Into<String>) -> Self {
        Self(Arc::new(Parts {
            bind: bind.into(),
            query: None,
            file: None,
        }))
    }

    /// This origin with a query's name.
    #[must_use]
    pub fn with_query(mut self, query: impl Into<String>) -> Self {
        Arc::make_mut(&mut self.0).query = Some(query.into());
        self
    }

    /// This origin with a query's file.
    #[must_use]
    pub fn with_file(mut self, file: Option<PathBuf>) -> Self {
        Arc::make_mut(&mut self.0).file = file;
        self
    }

    /// The bind's name.
    #[must_use]
    pub fn bind(&self) -> &str {
        &self.0.bind
    }

    /// The query's name, when a query is involved.
    #[must_use]
    pub fn query(&self) -> Option<&str> {
        self.0.query.as_deref()
    }

    /// The file the query was read from (or named after, for embedded
    /// queries), when known.
    #[must_use]
    pub fn file(&self) -> Option<&Path> {
        self.0.file.as_deref()
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bind `{}`", self.0.bind)?;
        if let Some(query) = &self.0.query {
            write!(f, ", query `{query}`")?;
        }
        if let Some(file) = &self.0.file {
            write!(f, " ({})", file.display())?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in this crate.
///
/// Every message names the bind, and the query (with its file) where one is
/// involved. Connection URLs appear only with their password replaced by
/// `***`, and the password is also scrubbed from the drivers' own messages.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// The connection URL could not be understood.
    #[error("{origin}: invalid connection URL `{url}`: {reason}")]
    Url {
        /// The bind.
        origin: Origin,
        /// The URL, its password redacted.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The database could not be reached or refused the connection.
    #[error("{origin}: could not connect to `{url}`: {message}")]
    Connect {
        /// The bind.
        origin: Origin,
        /// The URL, its password redacted.
        url: String,
        /// The driver's message, the password scrubbed.
        message: String,
    },
    /// No connection became free within the acquire timeout (every one
    /// busy, or the database cannot be reached): a callback's request is
    /// answered 503.
    #[error("{origin}: no connection became free within {timeout:?} (the bind's acquire timeout)")]
    Acquire {
        /// The bind and query.
        origin: Origin,
        /// The acquire timeout in force.
        timeout: Duration,
        /// Marks the error as a service being unavailable.
        #[source]
        unavailable: ferrodash_core::ServiceUnavailable,
    },
    /// The database cannot be reached now: the connection was refused, reset
    /// or closed (the server is down or restarting). A callback's request
    /// is answered 503; the bind reconnects by itself once it is back.
    #[error("{origin}: the database is unavailable: {source}")]
    Unavailable {
        /// The bind and query.
        origin: Origin,
        /// What the driver said, the password scrubbed.
        #[source]
        source: ferrodash_core::ServiceUnavailable,
    },
    /// No bind of that name is registered.
    #[error("no bind named `{name}` (known binds: {known})")]
    UnknownBind {
        /// The name asked for.
        name: String,
        /// The registered names, comma separated.
        known: String,
    },
    /// Queries were given (or found in a folder) for a bind that is not
    /// declared.
    #[error("{origin}: no bind of that name is declared (declared binds: {known})")]
    QueriesForUnknownBind {
        /// The undeclared bind and the query.
        origin: Origin,
        /// The declared bind names, comma separated.
        known: String,
    },
    /// Two binds or two queries of one bind have the same name.
    #[error("{origin}: defined twice")]
    Duplicate {
        /// The bind, and the query when a query is duplicated.
        origin: Origin,
    },
    /// The bind has no query of that name.
    #[error("{origin}: no such query (known queries: {known})")]
    UnknownQuery {
        /// The bind and the query asked for.
        origin: Origin,
        /// The bind's query names, comma separated.
        known: String,
    },
    /// A query file or folder could not be read.
    #[error("{origin}: cannot read `{}`: {message}", path.display())]
    Io {
        /// The bind (and query, when known).
        origin: Origin,
        /// The file or folder.
        path: PathBuf,
        /// The operating system's message.
        message: String,
    },
    /// The SQL text could not be parsed for named parameters.
    #[error("{origin}: {problem} at byte {offset} of the SQL")]
    Syntax {
        /// The bind and query.
        origin: Origin,
        /// What is wrong.
        problem: String,
        /// Where in the SQL text.
        offset: usize,
    },
    /// The SQL names a parameter the values do not supply.
    #[error("{origin}: parameter `:{name}` is used in the SQL but no value was given")]
    MissingParam {
        /// The bind and query.
        origin: Origin,
        /// The parameter's name.
        name: String,
    },
    /// A value was supplied for a parameter the SQL does not use (a typo,
    /// most likely).
    #[error("{origin}: a value was given for `{name}` but the SQL has no parameter `:{name}`")]
    UnusedParam {
        /// The bind and query.
        origin: Origin,
        /// The supplied name.
        name: String,
    },
    /// The parameter values are not usable: not a struct or map, or a value
    /// that is not a scalar or a list of scalars.
    #[error("{origin}: {problem}")]
    BadParams {
        /// The bind and query.
        origin: Origin,
        /// What is wrong.
        problem: String,
    },
    /// The query ran longer than the bind's query timeout.
    #[error("{origin}: timed out after {timeout:?} (the bind's query timeout)")]
    Timeout {
        /// The bind and query.
        origin: Origin,
        /// The query timeout in force.
        timeout: Duration,
    },
    /// The query returned more rows than the bind's row limit. Results are
    /// never silently cut short.
    #[error(
        "{origin}: returned more than {limit} rows (the bind's row limit); narrow the query or raise the limit"
    )]
    RowLimit {
        /// The bind and query.
        origin: Origin,
        /// The row limit in force.
        limit: usize,
    },
    /// `fetch_one` found no row.
    #[error("{origin}: expected one row, found none")]
    NoRows {
        /// The bind and query.
        origin: Origin,
    },
    /// `fetch_one` or `fetch_optional` found more than one row.
    #[error("{origin}: expected at most one row, found more")]
    TooManyRows {
        /// The bind and query.
        origin: Origin,
    },
    /// The database reported an error.
    #[error("{origin}: database error: {message}")]
    Database {
        /// The bind and query.
        origin: Origin,
        /// The driver's message, the password scrubbed.
        message: String,
        /// The SQLSTATE code, when the database gave one.
        code: Option<String>,
    },
    /// A value could not be decoded into the requested type.
    #[error("{origin}: cannot decode {} into `{target}`: {message}", column_text(column.as_deref()))]
    Decode {
        /// The bind and query.
        origin: Origin,
        /// The column, when the problem is in one.
        column: Option<String>,
        /// The Rust type (or column kind) asked for.
        target: String,
        /// What went wrong.
        message: String,
    },
    /// Several problems found at once (at start-up, when loading queries
    /// and connecting binds).
    #[error("{} problems:\n{}", errors.len(), list(errors))]
    Several {
        /// The problems, in the order found.
        errors: Vec<Self>,
    },
}

fn column_text(column: Option<&str>) -> String {
    column.map_or_else(|| "the row".to_owned(), |c| format!("column `{c}`"))
}

fn list(errors: &[DataError]) -> String {
    errors
        .iter()
        .map(|e| format!("  - {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl DataError {
    /// One error from a list: the error itself when there is one, else
    /// [`DataError::Several`]. `None` for an empty list.
    pub(crate) fn from_list(list: Vec<Self>) -> Option<Self> {
        let mut errors = Vec::with_capacity(list.len());
        for error in list {
            match error {
                Self::Several { errors: inner } => errors.extend(inner),
                other => errors.push(other),
            }
        }
        match errors.len() {
            0 => None,
            1 => errors.pop(),
            _ => Some(Self::Several { errors }),
        }
    }

    /// The database error from a driver error, its messages scrubbed of
    /// `secrets`.
    pub(crate) fn from_sqlx(origin: Origin, error: &sqlx::Error, secrets: &[String]) -> Self {
        if matches!(
            error,
            sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::PoolClosed
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::WorkerCrashed
        ) {
            return Self::Unavailable {
                origin,
                source: ferrodash_core::ServiceUnavailable(crate::url::scrub(
                    &error.to_string(),
                    secrets,
                )),
            };
        }
        let code = match error {
            sqlx::Error::Database(db) => db.code().map(|c| c.into_owned()),
            _ => None,
        };
        Self::Database {
            origin,
            message: crate::url::scrub(&error.to_string(), secrets),
            code,
        }
    }
}
