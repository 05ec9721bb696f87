//! Where a report request spends its time: the portal's report query and
//! the sums of its cells, the figure building, and the JSON encoding, timed
//! apart over many runs (medians), for one customer's 92 days and for every
//! row.
//!
//! Usage: `peer-profile DATABASE_URL [RUNS]`.

use std::time::{Duration, Instant};

use ferrodash::figures::Template;
use usage_portal::report::{charts, sums};
use usage_portal::store::ViewParams;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

async fn profile(
    store: &usage_portal::store::Store,
    name: &str,
    params: &ViewParams,
    runs: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let (mut sql, mut figures, mut json, mut bytes) = (Vec::new(), Vec::new(), Vec::new(), 0);
    let mut cells = 0;
    for _ in 0..runs {
        let t0 = Instant::now();
        let read = store.cells(params).await?;
        cells = read.len();
        let totals = sums::totals(&read);
        let projects = sums::by_project(&read);
        let months = sums::by_month(&read);
        let t1 = Instant::now();
        let many = params.account == "*";
        let built = (
            charts::headline(&totals),
            charts::donut(&projects, many, totals.hours, Template::Light)?,
            charts::treemap(&projects, many, Template::Light)?,
            charts::monthly(&months, Template::Light)?,
        );
        let t2 = Instant::now();
        let encoded = serde_json::to_vec(&built)?;
        let t3 = Instant::now();
        bytes = encoded.len();
        sql.push(t1 - t0);
        figures.push(t2 - t1);
        json.push(t3 - t2);
    }
    let (s, f, j) = (median(sql), median(figures), median(json));
    let total = s + f + j;
    let share = |d: Duration| 100.0 * d.as_secs_f64() / total.as_secs_f64();
    println!(
        "PROFILE {name}: {cells} cells; sql and sums {:.3} ms ({:.0} %), figures {:.3} ms ({:.0} %), json {:.3} ms ({:.0} %), answer {bytes} bytes",
        s.as_secs_f64() * 1e3,
        share(s),
        f.as_secs_f64() * 1e3,
        share(f),
        j.as_secs_f64() * 1e3,
        share(j)
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let url = args
        .first()
        .ok_or("usage: peer-profile DATABASE_URL [RUNS]")?;
    let runs: usize = args.get(1).map_or(Ok(200), |r| r.parse())?;
    let store = usage_portal::store::Store::open(url).await?;
    let (first, last) = store.days().await?.ok_or("the database has no usage")?;
    let last_day: jiff::civil::Date = last.parse()?;
    let from_92 = last_day.checked_sub(jiff::Span::new().days(91))?;
    let one = ViewParams::new(
        "acc-01".to_owned(),
        vec!["acc-01".to_owned()],
        from_92,
        last_day,
        Vec::new(),
    );
    let every: Vec<String> = store.accounts().await?.into_iter().map(|a| a.id).collect();
    let all = ViewParams::new("*".to_owned(), every, first.parse()?, last_day, Vec::new());
    profile(&store, "one customer, 92 days", &one, runs).await?;
    profile(&store, "every row", &all, runs).await?;
    Ok(())
}
