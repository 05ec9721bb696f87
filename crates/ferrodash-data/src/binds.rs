//! [`Binds`]: the app's named binds, built and checked at start-up.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::bind::{Bind, backend_of};
use crate::config::BindConfig;
use crate::error::{DataError, Origin};
use crate::query::{Query, load_dir};

/// The app's binds by name. Build with [`Binds::builder`]; put it in the
/// app state and look binds up in callbacks with [`Binds::get`].
#[derive(Debug, Clone, Default)]
pub struct Binds {
    binds: BTreeMap<String, Bind>,
}

impl Binds {
    /// A builder for the app's binds.
    pub fn builder() -> BindsBuilder {
        BindsBuilder::default()
    }

    /// The bind called `name`.
    ///
    /// # Errors
    ///
    /// [`DataError::UnknownBind`], listing the binds there are.
    pub fn get(&self, name: &str) -> Result<&Bind, DataError> {
        self.binds.get(name).ok_or_else(|| DataError::UnknownBind {
            name: name.to_owned(),
            known: self.binds.keys().cloned().collect::<Vec<_>>().join(", "),
        })
    }

    /// The bind's names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.binds.keys().map(String::as_str)
    }

    /// The binds, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = &Bind> {
        self.binds.values()
    }

    /// Adds a connected bind, replacing one of the same name.
    pub fn insert(&mut self, bind: Bind) {
        self.binds.insert(bind.name().to_owned(), bind);
    }

    /// Closes every bind's connections.
    pub async fn close(&self) {
        for bind in self.binds.values() {
            bind.close().await;
        }
    }
}

/// Declares binds and their queries; [`connect`](Self::connect) checks
/// everything and reports every problem at once.
///
/// ```no_run
/// # async fn demo() -> Result<(), ferrodash_data::DataError> {
/// use ferrodash_data::{BindConfig, Binds, Query};
///
/// let binds = Binds::builder()
///     .bind("app", "sqlite://data/app.db", BindConfig::default())
///     .bind("sales", "postgres://report@db.internal/sales", BindConfig::default().max_connections(4))
///     // queries/app/*.sql and queries/sales/*.sql
///     .queries_dir("queries")
///     // or embedded in the binary
///     .query(
///         "app",
///         Query::new("users", include_str!("../tests/queries/app/users.sql"))
///             .with_source("queries/app/users.sql"),
///     )
///     .connect()
///     .await?;
/// let sales = binds.get("sales")?;
/// # let _ = sales;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Default)]
#[must_use]
pub struct BindsBuilder {
    binds: Vec<(String, String, BindConfig)>,
    queries: Vec<(String, Query)>,
    dirs: Vec<PathBuf>,
}

impl BindsBuilder {
    /// Declares a bind.
    pub fn bind(
        mut self,
        name: impl Into<String>,
        url: impl Into<String>,
        config: BindConfig,
    ) -> Self {
        self.binds.push((name.into(), url.into(), config));
        self
    }

    /// Adds a query to a bind (inline, or embedded with `include_str!`).
    pub fn query(mut self, bind: impl Into<String>, query: Query) -> Self {
        self.queries.push((bind.into(), query));
        self
    }

    /// Reads queries from a folder with one sub-folder per bind:
    /// `dir/<bind>/<query>.sql`. Files not ending in `.sql` are ignored.
    pub fn queries_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dirs.push(dir.into());
        self
    }

    /// Reads the query folders, checks every query's SQL and connects every
    /// bind (concurrently).
    ///
    /// # Errors
    ///
    /// Every problem at once, as [`DataError::Several`] when there are
    /// more than one: bad URLs, duplicate names, unreadable files, query
    /// folders or queries for binds that are not declared, bad parameter
    /// syntax and connection failures.
    pub async fn connect(self) -> Result<Binds, DataError> {
        let mut errors = Vec::new();
        let mut queries: BTreeMap<String, Vec<Query>> = BTreeMap::new();
        for dir in &self.dirs {
            let (found, problems) = load_dir(dir);
            errors.extend(problems);
            for (bind, list) in found {
                queries.entry(bind).or_default().extend(list);
            }
        }
        for (bind, query) in self.queries {
            queries.entry(bind).or_default().push(query);
        }
        // Check names, URLs and every query's SQL before connecting, so
        // one run reports everything.
        let mut declared: Vec<&str> = Vec::new();
        for (name, url, _) in &self.binds {
            if declared.contains(&name.as_str()) {
                errors.push(DataError::Duplicate {
                    origin: Origin::new(name),
                });
                continue;
            }
            declared.push(name);
            let backend = match backend_of(name, url) {
                Ok(backend) => backend,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let mut seen: Vec<&str> = Vec::new();
            for query in queries.get(name).into_iter().flatten() {
                if seen.contains(&query.name()) {
                    errors.push(DataError::Duplicate {
                        origin: query.origin(name),
                    });
                } else if let Err(e) = query.clone().prepare(name, backend) {
                    errors.push(e);
                }
                seen.push(query.name());
            }
        }
        for (bind, list) in &queries {
            if !declared.contains(&bind.as_str()) {
                for query in list {
                    errors.push(DataError::QueriesForUnknownBind {
                        origin: query.origin(bind),
                        known: declared.join(", "),
                    });
                }
            }
        }
        if let Some(e) = DataError::from_list(errors) {
            return Err(e);
        }
        let connections = self
            .binds
            .iter()
            .map(|(name, url, config)| Bind::connect(name.clone(), url, config.clone()));
        let results = futures_util::future::join_all(connections).await;
        let mut errors = Vec::new();
        let mut binds = BTreeMap::new();
        for result in results {
            match result {
                Ok(bind) => {
                    let list = queries.remove(bind.name()).unwrap_or_default();
                    let name = bind.name().to_owned();
                    match bind.with_queries(list) {
                        Ok(bind) => {
                            binds.insert(name, bind);
                        }
                        Err(e) => errors.push(e),
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        match DataError::from_list(errors) {
            Some(e) => Err(e),
            None => Ok(Binds { binds }),
        }
    }
}
