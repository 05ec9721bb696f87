//! The "expensive" report: sales of one region, aggregated by product.

use std::time::Duration;

use ferrodash::Progress;
use serde::{Deserialize, Serialize};

/// The regions a report can be made for.
pub const REGIONS: &[&str] = &["North", "South", "East", "West"];

/// Products and their unit prices.
const PRODUCTS: &[(&str, u64)] = &[
    ("Anvils", 120),
    ("Bolts", 3),
    ("Cables", 15),
    ("Drills", 80),
    ("Gears", 25),
];

/// Sales rows generated per region.
pub const SALES: u64 = 4_000;

/// The work is done in this many chunks, each reporting progress.
const CHUNKS: u64 = 5;

/// How long one chunk of "querying" takes.
pub const CHUNK: Duration = Duration::from_millis(150);

/// One line of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRow {
    /// The product.
    pub product: String,
    /// Units sold.
    pub units: u64,
    /// Revenue, in whole currency units.
    pub revenue: u64,
}

/// A region's sales by product: what the cache holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The region.
    pub region: String,
    /// One row per product.
    pub rows: Vec<ReportRow>,
    /// How many sales the rows sum up.
    pub sales: u64,
    /// The revenue of all rows.
    pub total: u64,
}

/// A small deterministic random number generator (xorshift64), so each
/// region always has the same sales.
struct Sales(u64);

impl Sales {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// The region's index in [`REGIONS`], if it is one: the browser may send
/// anything.
#[must_use]
pub(crate) fn region_index(region: &str) -> Option<usize> {
    REGIONS.iter().position(|r| *r == region)
}

/// Generates the region's sales and sums them by product, slowly, reporting
/// progress in percent.
pub(crate) async fn build(region: usize, progress: &Progress) -> Report {
    let mut sales = Sales(0x9E37_79B9_7F4A_7C15 ^ (region as u64 + 1));
    let mut units = [0_u64; PRODUCTS.len()];
    for chunk in 1..=CHUNKS {
        for _ in 0..SALES / CHUNKS {
            let product = usize::try_from(sales.next() % PRODUCTS.len() as u64).unwrap_or(0);
            let sold = 1 + sales.next() % 20;
            if let Some(count) = units.get_mut(product) {
                *count += sold;
            }
        }
        // Stands for a slow query.
        tokio::time::sleep(CHUNK).await;
        progress.set(chunk * 100 / CHUNKS);
    }
    let rows: Vec<ReportRow> = PRODUCTS
        .iter()
        .zip(units)
        .map(|(&(product, price), units)| ReportRow {
            product: product.to_owned(),
            units,
            revenue: units * price,
        })
        .collect();
    Report {
        region: REGIONS.get(region).copied().unwrap_or_default().to_owned(),
        total: rows.iter().map(|r| r.revenue).sum(),
        rows,
        sales: SALES,
    }
}

#[cfg(test)]
mod tests {
    use ferrodash::Progress;

    #[tokio::test(start_paused = true)]
    async fn reports_are_deterministic_and_differ_by_region() {
        let progress = Progress::default();
        let north = super::build(0, &progress).await;
        assert_eq!(north, super::build(0, &progress).await);
        assert_ne!(north.total, super::build(1, &progress).await.total);
        assert_eq!(north.rows.len(), 5);
        assert_eq!(
            north.total,
            north.rows.iter().map(|r| r.revenue).sum::<u64>()
        );
    }
}
