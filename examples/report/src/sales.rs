//! The report's database: its queries, schema and made-up sales.

use ferrodash::data::{Bind, BindConfig, DataError, Query};
use serde::Serialize;

/// The report's queries, kept in `queries/sales/` and compiled into the
/// binary.
fn queries() -> Vec<Query> {
    macro_rules! query {
        ($name:literal) => {
            Query::new(
                $name,
                include_str!(concat!("../queries/sales/", $name, ".sql")),
            )
            .with_source(concat!("queries/sales/", $name, ".sql"))
        };
    }
    vec![
        query!("by_category"),
        query!("by_place"),
        query!("by_month"),
        query!("total"),
        query!("regions"),
        query!("months"),
        query!("row_count"),
        query!("insert_sale"),
    ]
}

/// Where each region sells.
const PLACES: &[(&str, &[&str])] = &[
    ("Americas", &["Brazil", "Canada", "Mexico", "United States"]),
    (
        "Asia Pacific",
        &["Australia", "India", "Japan", "Singapore"],
    ),
    (
        "Europe",
        &["France", "Germany", "Italy", "Spain", "United Kingdom"],
    ),
];

/// Product categories and their unit prices.
const CATEGORIES: &[(&str, f64)] = &[
    ("Hardware", 240.0),
    ("Software", 120.0),
    ("Services", 310.0),
    ("Training", 85.0),
];

/// One of `items`, chosen by `next` (a number below the count it is given).
fn pick<'a, T>(items: &'a [T], next: &mut impl FnMut(u64) -> u64) -> Option<&'a T> {
    let n = next(items.len() as u64);
    items.get(usize::try_from(n).ok()?)
}

/// One order line.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Sale {
    id: i64,
    day: String,
    region: &'static str,
    country: &'static str,
    category: &'static str,
    units: i64,
    amount: f64,
}

/// A year of made-up order lines, the same every time.
pub(crate) fn made_up_sales() -> Vec<Sale> {
    const DAYS_IN_MONTH: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut state: u64 = 0x5EED_5A1E_5EED_5A1E;
    let mut next = move |n: u64| {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    };
    let mut sales = Vec::new();
    for (month, days) in (1u32..=12).zip(DAYS_IN_MONTH) {
        for day in 1..=days {
            // Busier towards the end of the year.
            let orders = 20 + next(10) + u64::from(month) * 2;
            for _ in 0..orders {
                let Some(&(region, countries)) = pick(PLACES, &mut next) else {
                    continue;
                };
                let Some(&country) = pick(countries, &mut next) else {
                    continue;
                };
                let Some(&(category, price)) = pick(CATEGORIES, &mut next) else {
                    continue;
                };
                let units = 1 + i64::try_from(next(9)).unwrap_or(0);
                // Prices vary by ±20 %, in whole cents.
                #[allow(clippy::cast_precision_loss)]
                let factor = 0.8 + next(401) as f64 / 1000.0;
                #[allow(clippy::cast_precision_loss)]
                let amount = (price * units as f64 * factor * 100.0).round() / 100.0;
                sales.push(Sale {
                    id: i64::try_from(sales.len()).unwrap_or(i64::MAX),
                    day: format!("2025-{month:02}-{day:02}"),
                    region,
                    country,
                    category,
                    units,
                    amount,
                });
            }
        }
    }
    sales
}

/// Opens the report's database at `url`: creates the table and fills it
/// with a year of made-up sales when it is empty.
///
/// # Errors
///
/// [`DataError`] when the database cannot be reached or written.
pub async fn open(url: &str) -> Result<Bind, DataError> {
    let bind = Bind::connect("sales", url, BindConfig::default())
        .await?
        .with_queries(queries())?;
    bind.execute_script(
        "queries/sales/schema.sql",
        include_str!("../queries/sales/schema.sql"),
    )
    .await?;
    let rows: i64 = bind.query("row_count").fetch_one().await?;
    if rows == 0 {
        bind.query("insert_sale")
            .execute_many(&made_up_sales())
            .await?;
    }
    Ok(bind)
}
