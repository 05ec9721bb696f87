//! A SQL-backed sales report: a donut of revenue by category with the total
//! in its centre, a treemap by region, country and category, and bars by
//! month grouped by region, all from SQL queries kept in
//! `queries/sales/*.sql`, filtered by region and months.
//!
//! The data lives in an SQLite file by default (created and filled with a
//! year of made-up sales on first start); any `postgres://` or `mysql://`
//! URL works too. Every filter value reaches the SQL as a bound parameter.
//! Answers are memoized per filter values for five minutes.
//!
//! Run with `cargo run -p example-report`, then open <http://127.0.0.1:8050>.

mod sales;

use std::time::Duration;

use ferrodash::data::{Bind, DataError};
use ferrodash::figures::px::{self, BarMode, format_thousands};
use ferrodash::prelude::*;
use ferrodash::{AppBuilder, BuildResult, Scope};
use serde::Serialize;

pub use sales::open;

/// The filter value for every region.
pub const ALL_REGIONS: &str = "All";

/// The report's database and the choices its filters offer.
#[derive(Debug, Clone)]
pub struct Report {
    bind: Bind,
    regions: Vec<String>,
    months: Vec<String>,
}

impl Report {
    /// The report on the database at `url` (see [`open`]).
    ///
    /// # Errors
    ///
    /// [`DataError`] when the database cannot be reached, written or read.
    pub async fn open(url: &str) -> Result<Self, DataError> {
        let bind = sales::open(url).await?;
        let regions: Vec<String> = bind.query("regions").fetch().await?;
        let months: Vec<String> = bind.query("months").fetch().await?;
        Ok(Self {
            bind,
            regions,
            months,
        })
    }

    /// The database.
    #[must_use]
    pub const fn bind(&self) -> &Bind {
        &self.bind
    }

    /// The months with sales, `YYYY-MM`, in order.
    #[must_use]
    pub fn months(&self) -> &[String] {
        &self.months
    }
}

/// What the queries filter on: the names match the `:name`s in the SQL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Filters {
    /// A region, or [`ALL_REGIONS`].
    pub region: String,
    /// The first day, `YYYY-MM-DD`.
    pub from_day: String,
    /// The last day, `YYYY-MM-DD`.
    pub to_day: String,
}

impl Filters {
    /// The filters for a region and a range of month indexes into
    /// `months`; out-of-range indexes are clamped.
    #[must_use]
    pub fn new(region: Option<String>, months: Option<[usize; 2]>, all_months: &[String]) -> Self {
        let last = all_months.len().saturating_sub(1);
        let [from, to] = months.unwrap_or([0, last]);
        let month = |i: usize| all_months.get(i.min(last)).cloned().unwrap_or_default();
        Self {
            region: region.unwrap_or_else(|| ALL_REGIONS.to_owned()),
            from_day: format!("{}-01", month(from.min(to))),
            to_day: format!("{}-31", month(from.max(to))),
        }
    }
}

/// The headline figures in the filters.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
pub struct Totals {
    /// Order lines.
    pub orders: i64,
    /// Revenue.
    pub amount: f64,
}

/// The centre text of the donut for a revenue total.
#[must_use]
pub fn centre_text(total: f64) -> String {
    format!("Total<br>${}", format_thousands(total, 0))
}

/// The three charts and the headline for `filters`, straight from SQL.
///
/// # Errors
///
/// [`CallbackError`] when a query or a figure fails.
pub async fn charts(
    bind: &Bind,
    filters: &Filters,
) -> Result<(Value, Value, Value, String), CallbackError> {
    let (by_category, by_place, by_month, totals) = tokio::try_join!(
        bind.query("by_category").params(filters).fetch_columns(),
        bind.query("by_place").params(filters).fetch_columns(),
        bind.query("by_month").params(filters).fetch_columns(),
        bind.query("total").params(filters).fetch_one::<Totals>(),
    )?;
    let labels = [
        ("amount", "Revenue ($)"),
        ("month", "Month"),
        ("category", "Category"),
        ("region", "Region"),
    ];
    let donut = px::donut(&by_category)
        .names("category")
        .values("amount")
        .centre_text(centre_text(totals.amount))
        .labels(labels)
        .title("Revenue by category")
        .build()?;
    let treemap = px::treemap(&by_place)
        .path(["region", "country", "category"])
        .values("amount")
        .labels(labels)
        .title("Where it sells")
        .build()?;
    let monthly = px::bar(&by_month)
        .x("month")
        .y("amount")
        .color("region")
        .barmode(BarMode::Group)
        .labels(labels)
        .title("Revenue by month")
        .build()?;
    let headline = format!(
        "{} order lines, ${} revenue, {} to {}",
        format_thousands(totals.orders as f64, 0),
        format_thousands(totals.amount, 0),
        filters.from_day,
        filters.to_day,
    );
    Ok((
        donut.to_value(),
        treemap.to_value(),
        monthly.to_value(),
        headline,
    ))
}

/// `Mar 25` for `2025-03`; the text itself when it is not a month.
fn month_label(month: &str) -> String {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let number = month.get(5..7).and_then(|m| m.parse::<usize>().ok());
    match (
        number.and_then(|m| NAMES.get(m.wrapping_sub(1))),
        month.get(2..4),
    ) {
        (Some(name), Some(year)) => format!("{name} {year}"),
        _ => month.to_owned(),
    }
}

async fn update(
    Input(region): Input<Option<String>>,
    Input(months): Input<Option<[usize; 2]>>,
    AppState(report): AppState<Report>,
    AppState(cache): AppState<MemoCache>,
) -> Result<(Json<Value>, Json<Value>, Json<Value>, String), CallbackError> {
    let filters = Filters::new(region, months, &report.months);
    // The data is the same for everyone: one cache entry per filter values.
    let (donut, treemap, monthly, headline) = cache
        .try_memoize(
            "report",
            &filters,
            &Scope::Public,
            Some(Duration::from_secs(300)),
            || charts(&report.bind, &filters),
        )
        .await?;
    Ok((Json(donut), Json(treemap), Json(monthly), headline))
}

/// The app's builder for `report`, mounted under `prefix`.
pub fn builder(prefix: &str, report: &Report) -> AppBuilder {
    let mut regions = vec![ALL_REGIONS.to_owned()];
    regions.extend(report.regions.iter().cloned());
    let last = report.months.len().saturating_sub(1);
    let marks: serde_json::Map<String, Value> = report
        .months
        .iter()
        .enumerate()
        .map(|(i, m)| (i.to_string(), json!(month_label(m))))
        .collect();
    let bind = report.bind.clone();
    App::builder()
        .title("Sales report")
        .routes_prefix(prefix)
        .with_state(report.clone())
        // `/ready` answers 503 while the database cannot be reached.
        .readiness_check("database", move || {
            let bind = bind.clone();
            async move { bind.ping().await }
        })
        .layout(html::div((
            html::h1("Sales report"),
            html::div((
                html::label("Region").html_for("region"),
                dcc::dropdown("region")
                    .options(json!(regions))
                    .value(ALL_REGIONS)
                    .clearable(false),
                html::label("Months"),
                dcc::range_slider("months")
                    .min(0)
                    .max(last)
                    .step(1)
                    .value(json!([0, last]))
                    .marks(Value::Object(marks))
                    .allow_direct_input(false),
            ))
            .id("filters")
            .style(json!({"maxWidth": "720px"})),
            html::p(()).id("headline"),
            html::div((
                dcc::graph("donut").style(json!({"flex": "1 1 360px"})),
                dcc::graph("treemap").style(json!({"flex": "2 1 560px"})),
            ))
            .style(json!({"display": "flex", "flexWrap": "wrap"})),
            dcc::graph("monthly"),
        )))
        .callback(
            Callback::new(update)
                .output("donut", "figure")
                .output("treemap", "figure")
                .output("monthly", "figure")
                .output("headline", "children")
                .input("region", "value")
                .input("months", "value"),
        )
}

/// The app for `report`, mounted under `prefix`.
///
/// # Errors
///
/// Every problem the app's build finds.
pub fn app(prefix: &str, report: &Report) -> BuildResult<App> {
    builder(prefix, report).build()
}

#[cfg(test)]
mod tests;
