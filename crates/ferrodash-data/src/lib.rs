//! SQL binds for ferrodash: named database connections, queries kept in
//! `.sql` files, parameters that are always bound, and results as typed rows
//! or as columns ready for figures.
//!
//! - A [`Bind`] is a named connection pool configured by URL: embedded
//!   SQLite (`sqlite://data/app.db`, created when missing — the zero-setup
//!   default), PostgreSQL (`postgres://…`) or MySQL/MariaDB (`mysql://…`).
//!   [`BindConfig`] sets the pool size, the acquire and per-query timeouts
//!   (30 s by default, enforced for every query) and the row limit (100 000
//!   by default; more rows is an error, never silently cut data).
//! - [`Binds`] holds the app's binds by name; [`Binds::builder`] reads
//!   `queries/<bind>/<query>.sql` files, checks every query and connects
//!   every bind at start-up, reporting all problems at once.
//! - Queries use named parameters, `:name`, rewritten to the driver's
//!   placeholders outside string literals, quoted identifiers, comments and
//!   PostgreSQL `::` casts. Values come from any `serde::Serialize` struct
//!   or map and are always bound, never formatted into the SQL. A list
//!   value expands for `IN (:ids)`. A parameter without a value, or a value
//!   without a parameter, is an error.
//! - Results: [`QueryCall::fetch`] (rows deserialized with serde),
//!   [`QueryCall::fetch_one`], [`QueryCall::fetch_optional`],
//!   [`QueryCall::fetch_columns`] (a [`ferrodash_core::Columns`] for
//!   figures), [`QueryCall::execute`] (rows affected),
//!   [`QueryCall::execute_many`] (one statement per row, in one
//!   transaction) and [`Bind::execute_script`] (schema and seed SQL).
//! - One error type, [`DataError`], whose messages name the bind, the query
//!   and its file. Passwords never appear in errors or `Debug` output.
//!
//! # Types
//!
//! | database type | typed rows (serde) | [`Column`](ferrodash_core::Column) |
//! | --- | --- | --- |
//! | integers (MySQL unsigned too) | integer | `Int` |
//! | `REAL`, `DOUBLE`, `FLOAT` | float | `Float` |
//! | `NUMERIC`, `DECIMAL` | float (precision past ~15 digits is lost) | `Float` |
//! | text, `CHAR`, `VARCHAR`, enums, `UUID` | string | `Text` |
//! | `BOOLEAN` (SQLite: declared `BOOLEAN`, MySQL: `TINYINT(1)`) | bool | `Bool` |
//! | `DATE`, `TIME`, `TIMESTAMP`/`DATETIME` | ISO 8601 string | `Text` |
//! | `TIMESTAMPTZ` (PostgreSQL), `TIMESTAMP` (MySQL) | ISO 8601 string in UTC, ending in `Z` | `Text` |
//! | `JSON`, `JSONB` | the JSON value | `Text` (the JSON) |
//! | `NULL` | `None` | a missing entry |
//!
//! Binary data, arrays, intervals and geometry are refused with a
//! [`DataError::Decode`] naming the column: cast them in SQL. SQLite
//! values keep the storage class they were stored with (store dates as ISO
//! 8601 text). In PostgreSQL, parameters are typed by their Rust value
//! (integers as `int8`, floats as `float8`, strings as `text`), so compare
//! a string with a date column as `:since::date`; `NULL` takes its type
//! from the context.
//!
//! # Example
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), ferrodash_data::DataError> {
//! use ferrodash_core::Column;
//! use ferrodash_data::{Bind, BindConfig, Query};
//!
//! #[derive(serde::Deserialize)]
//! struct Sale { region: String, amount: f64 }
//!
//! let file = std::env::temp_dir().join(format!("ferrodash-doc-{}.db", std::process::id()));
//! # let _ = std::fs::remove_file(&file);
//! let url = format!("sqlite://{}", file.display());
//! let bind = Bind::connect("app", &url, BindConfig::default())
//!     .await?
//!     .with_queries([Query::new(
//!         "sales_in",
//!         "select region, amount from sales where region in (:regions) order by amount",
//!     )])?;
//! bind.execute_script(
//!     "schema",
//!     "create table sales (region text, amount real);
//!      insert into sales values ('North', 10.5), ('South', 4.0), ('East', 7.25);",
//! )
//! .await?;
//!
//! #[derive(serde::Serialize)]
//! struct Filter { regions: Vec<&'static str> }
//! let filter = Filter { regions: vec!["North", "South"] };
//!
//! let sales: Vec<Sale> = bind.query("sales_in").params(&filter).fetch().await?;
//! assert_eq!(sales[0].region, "South");
//!
//! let table = bind.query("sales_in").params(&filter).fetch_columns().await?;
//! assert_eq!(table.get("amount"), Some(&Column::Float(vec![Some(4.0), Some(10.5)])));
//! # bind.close().await;
//! # let _ = std::fs::remove_file(&file);
//! # Ok(())
//! # }
//! ```
//!
//! # Features
//!
//! This crate has no cargo features: the three drivers are always built
//! (SQLite is compiled in; no TLS is built, so connect to PostgreSQL and
//! MySQL over a trusted network or a local socket tunnel).

#![cfg_attr(docsrs, feature(doc_cfg))]

mod batch;
mod bind;
mod binds;
mod call;
mod config;
mod de;
mod decode;
mod error;
mod exec;
pub mod grid;
mod params;
mod query;
mod transaction;
mod url;
mod values;

pub use batch::Batch;
pub use bind::Bind;
pub use binds::{Binds, BindsBuilder};
pub use call::QueryCall;
pub use config::BindConfig;
pub use error::{DataError, Origin};
#[doc(hidden)]
pub use params::fuzzing::{named_params, rewrite_named_params};
pub use query::Query;
pub use transaction::Transaction;
pub use url::Backend;
