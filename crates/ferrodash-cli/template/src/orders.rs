//! The app's data: a table of orders in any database sqlx speaks (SQLite
//! by default), read through a [`Bind`] whose SQL lives in `queries/`.

use ferrodash::Columns;
use ferrodash::data::{Bind, BindConfig, DataError, Query};
use serde::{Deserialize, Serialize};

/// The region filter's value for every region.
pub const ALL_REGIONS: &str = "All";

/// The app's SQL, kept in `queries/` and compiled into the binary; each
/// `:name` in it is a bound parameter.
fn queries() -> Vec<Query> {
    macro_rules! query {
        ($name:literal) => {
            Query::new($name, include_str!(concat!("../queries/", $name, ".sql")))
                .with_source(concat!("queries/", $name, ".sql"))
        };
    }
    vec![
        query!("count"),
        query!("seed"),
        query!("regions"),
        query!("monthly"),
        query!("totals"),
    ]
}

/// What the queries filter on; the field names are the SQL's `:name`s.
#[derive(Debug, Serialize)]
struct RegionFilter<'a> {
    region: &'a str,
}

/// Revenue and order count in a filter.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Totals {
    /// How many orders.
    pub orders: i64,
    /// Their revenue, in dollars.
    pub revenue: f64,
}

impl Totals {
    /// The revenue of an average order (0 without orders).
    #[must_use]
    pub fn average(&self) -> f64 {
        if self.orders == 0 {
            0.0
        } else {
            self.revenue / self.orders as f64
        }
    }
}

/// The orders database and the regions it knows.
#[derive(Debug, Clone)]
pub struct Orders {
    bind: Bind,
    regions: Vec<String>,
}

impl Orders {
    /// Opens the database at `url` (`sqlite://orders.db`, `postgres://…`,
    /// `mysql://…`), creates the table when missing and, on SQLite, fills
    /// an empty one with a year of made-up orders.
    ///
    /// # Errors
    ///
    /// [`DataError`] when the database cannot be reached, written or read.
    pub async fn open(url: &str) -> Result<Self, DataError> {
        let bind = Bind::connect("orders", url, BindConfig::default())
            .await?
            .with_queries(queries())?;
        bind.execute_script("queries/schema.sql", include_str!("../queries/schema.sql"))
            .await?;
        let count: i64 = bind.query("count").fetch_one().await?;
        if count == 0 && url.starts_with("sqlite:") {
            bind.query("seed").execute().await?;
        }
        let regions: Vec<String> = bind.query("regions").fetch().await?;
        Ok(Self { bind, regions })
    }

    /// The database.
    #[must_use]
    pub const fn bind(&self) -> &Bind {
        &self.bind
    }

    /// The regions with orders, in order.
    #[must_use]
    pub fn regions(&self) -> &[String] {
        &self.regions
    }

    /// Revenue per month (`YYYY-MM`) in `region` (or [`ALL_REGIONS`]): the
    /// columns `month` and `revenue`.
    ///
    /// # Errors
    ///
    /// [`DataError`] when the query fails.
    pub async fn monthly(&self, region: &str) -> Result<Columns, DataError> {
        self.bind
            .query("monthly")
            .params(&RegionFilter { region })
            .fetch_columns()
            .await
    }

    /// Revenue and order count in `region` (or [`ALL_REGIONS`]).
    ///
    /// # Errors
    ///
    /// [`DataError`] when the query fails.
    pub async fn totals(&self, region: &str) -> Result<Totals, DataError> {
        self.bind
            .query("totals")
            .params(&RegionFilter { region })
            .fetch_one()
            .await
    }
}
