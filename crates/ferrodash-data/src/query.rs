//! [`Query`]: named SQL text, inline, embedded or read from a `.sql` file,
//! and loading a folder of query files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{DataError, Origin};
use crate::params::ParsedSql;
use crate::url::Backend;

/// Named SQL text with `:name` parameters.
///
/// Build one inline with [`Query::inline`], from text embedded in the
/// binary with [`Query::new`] + [`Query::with_source`], or let
/// [`BindsBuilder::queries_dir`](crate::BindsBuilder::queries_dir) read a
/// folder of `.sql` files.
///
/// ```
/// use ferrodash_data::Query;
///
/// let q = Query::new("monthly_totals", "select month, sum(amount) as total from sales group by month")
///     .with_source("queries/sales/monthly_totals.sql");
/// assert_eq!(q.name(), "monthly_totals");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    name: String,
    sql: String,
    source: Option<PathBuf>,
}

impl Query {
    /// A query from SQL text, for example embedded with `include_str!`.
    #[must_use]
    pub fn new(name: impl Into<String>, sql: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            sql: sql.into(),
            source: None,
        }
    }

    /// A query written in the code; the same as [`Query::new`], named for
    /// reading at the call site.
    #[must_use]
    pub fn inline(name: impl Into<String>, sql: impl Into<String>) -> Self {
        Self::new(name, sql)
    }

    /// The query with the file it came from, named in every error about it
    /// (useful for `include_str!` queries).
    #[must_use]
    pub fn with_source(mut self, path: impl Into<PathBuf>) -> Self {
        self.source = Some(path.into());
        self
    }

    /// The query's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The SQL text, as written (with `:name` parameters).
    #[must_use]
    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// The file the query came from, if known.
    #[must_use]
    pub fn source(&self) -> Option<&Path> {
        self.source.as_deref()
    }

    /// The origin of problems with this query on `bind`.
    pub(crate) fn origin(&self, bind: &str) -> Origin {
        Origin::new(bind)
            .with_query(&self.name)
            .with_file(self.source.clone())
    }

    /// The query checked and parsed for `backend`.
    pub(crate) fn prepare(self, bind: &str, backend: Backend) -> Result<Prepared, DataError> {
        let origin = self.origin(bind);
        if self.name.trim().is_empty() {
            return Err(DataError::Syntax {
                origin,
                problem: "the query has no name".to_owned(),
                offset: 0,
            });
        }
        if self.sql.trim().is_empty() {
            return Err(DataError::Syntax {
                origin,
                problem: "the query is empty".to_owned(),
                offset: 0,
            });
        }
        let parsed = ParsedSql::parse(&self.sql, backend).map_err(|e| DataError::Syntax {
            origin,
            problem: e.problem,
            offset: e.offset,
        })?;
        Ok(Prepared {
            query: Arc::new(self),
            parsed: Arc::new(parsed),
        })
    }
}

/// A query parsed for its bind's backend.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub(crate) query: Arc<Query>,
    pub(crate) parsed: Arc<ParsedSql>,
}

/// Reads `root/<bind>/<query>.sql` for every folder and file under
/// `root`. Returns the queries by bind name and every problem found.
/// Files not ending in `.sql` are ignored; `.sql` files directly in `root`
/// are an error (they belong to no bind).
pub(crate) fn load_dir(root: &Path) -> (BTreeMap<String, Vec<Query>>, Vec<DataError>) {
    let mut queries: BTreeMap<String, Vec<Query>> = BTreeMap::new();
    let mut errors = Vec::new();
    let io = |origin: Origin, path: &Path, e: &std::io::Error| DataError::Io {
        origin,
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let entries = match sorted_entries(root) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(io(Origin::new("(queries folder)"), root, &e));
            return (queries, errors);
        }
    };
    for path in entries {
        let Some(bind) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            continue;
        };
        if !path.is_dir() {
            if path.extension().is_some_and(|e| e == "sql") {
                errors.push(DataError::Io {
                    origin: Origin::new("(none)"),
                    path: path.clone(),
                    message: "a query file must be in a folder named after its bind \
                              (queries/<bind>/<query>.sql)"
                        .to_owned(),
                });
            }
            continue;
        }
        let files = match sorted_entries(&path) {
            Ok(files) => files,
            Err(e) => {
                errors.push(io(Origin::new(&bind), &path, &e));
                continue;
            }
        };
        let list = queries.entry(bind.clone()).or_default();
        for file in files {
            if !file.is_file() || file.extension().is_none_or(|e| e != "sql") {
                continue;
            }
            let name = file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            match std::fs::read_to_string(&file) {
                Ok(sql) => list.push(Query::new(name, sql).with_source(file)),
                Err(e) => {
                    let origin = Origin::new(&bind)
                        .with_query(name)
                        .with_file(Some(file.clone()));
                    errors.push(io(origin, &file, &e));
                }
            }
        }
    }
    (queries, errors)
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut paths = std::fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()?;
    paths.sort();
    Ok(paths)
}
