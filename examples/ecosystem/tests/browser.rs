//! Real-browser tests: Debian's headless Chromium renders the page with the
//! packages' own bundles, served from the binary, and a user clicks through
//! a Bootstrap navbar and modal, a Mantine date picker and an AG Grid.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests too, not only #[test] fns: a panic here is a failed test"
)]

use ferrodash_testing::browser::{Browser, Page, wait_for_download};
use ferrodash_testing::server::{RunningServer, spawn_router};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// One test's browser at a time: the tests of this binary run on threads of
/// one process, and several Chromiums drawing a million-row grid at once on
/// a small machine turn waits of seconds into timeouts.
async fn exclusive() -> tokio::sync::MutexGuard<'static, ()> {
    static ONE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    ONE.lock().await
}

/// The app on a database of `rows` events, shared by the tests of this
/// binary that ask for as many (written once, by the first).
async fn serve_with(rows: u64) -> (RunningServer, example_ecosystem::Ecosystem) {
    static FILL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    // Kept between runs (a million rows take seconds to write); the name
    // changes with the way the rows are generated.
    let path = std::env::temp_dir().join(format!("ferrodash-ecosystem-browser-v1-{rows}.db"));
    let ecosystem = {
        let _one_at_a_time = FILL.lock().await;
        example_ecosystem::Ecosystem::open_with(&format!("sqlite://{}", path.display()), rows)
            .await
            .expect("the database opens")
    };
    let app = example_ecosystem::app("/", &ecosystem).expect("the app builds");
    let server = spawn_router(app.router()).await.expect("the app serves");
    (server, ecosystem)
}

async fn serve() -> RunningServer {
    serve_with(1000).await.0
}

async fn open(
    browser: &Browser,
    server: &RunningServer,
) -> Result<Page, Box<dyn std::error::Error>> {
    let page = browser.open(&server.url("/")).await?;
    // Each library has drawn: the grid's rows (its lazy chunk loaded), the
    // navbar and the date picker's input.
    page.wait_for("#projects .ag-center-cols-container .ag-row")
        .await?;
    page.wait_for("#navbar").await?;
    page.wait_for("#day").await?;
    Ok(page)
}

/// A new, empty folder where `browser` saves its downloads.
async fn downloads_into(
    browser: &Browser,
    kind: &str,
) -> Result<std::path::PathBuf, Box<dyn std::error::Error>> {
    let dir =
        std::env::temp_dir().join(format!("ferrodash-ecosystem-{kind}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    browser.allow_downloads(&dir).await?;
    Ok(dir)
}

async fn assert_no_console_errors(page: &Page) {
    let errors = page.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
}

/// The grid's cells of one column, in the grid's row order (`row-index`;
/// positions on screen lag while rows animate into their new places).
async fn column(page: &Page, col_id: &str) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    Ok(page
        .eval(&format!(
            "[...document.querySelectorAll('#projects .ag-center-cols-container .ag-row')]
               .sort((a, b) => Number(a.getAttribute('row-index')) - Number(b.getAttribute('row-index')))
               .map((row) => row.querySelector('[col-id=\"{col_id}\"]').textContent.trim())"
        ))
        .await?)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_bootstrap_modal_opens_from_the_navbar_and_closes() -> TestResult {
    let _exclusive = exclusive().await;
    let server = serve().await;
    let browser = Browser::launch().await?;
    let page = open(&browser, &server).await?;
    // Bootstrap's stylesheet is served and applied: the navbar is coloured.
    let background: String = page
        .eval("getComputedStyle(document.querySelector('#navbar')).backgroundColor")
        .await?;
    assert_eq!(background, "rgb(13, 110, 253)", "Bootstrap's primary blue");
    assert_eq!(
        page.count("#modal-text").await?,
        0,
        "the modal starts closed"
    );
    page.click("#open").await?;
    page.wait_for_text("#modal-text", "Storage is measured at 02:00 every night.")
        .await?;
    page.wait_until("document.querySelector('.modal.show') !== null")
        .await?;
    page.click("#close").await?;
    page.wait_until("document.querySelector('#modal-text') === null")
        .await?;
    assert_no_console_errors(&page).await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_mantine_date_picker_sends_the_picked_day() -> TestResult {
    let _exclusive = exclusive().await;
    let server = serve().await;
    let browser = Browser::launch().await?;
    let page = open(&browser, &server).await?;
    page.wait_for_text("#day-text", "Usage for 2026-11-02")
        .await?;
    page.click("#day").await?;
    // The calendar of the value's month opens; pick its 15th.
    page.wait_until(
        "[...document.querySelectorAll('button')].some((b) => b.className.includes('-day') && b.textContent.trim() === '15')",
    )
    .await?;
    page.run(
        "[...document.querySelectorAll('button')].find((b) => b.className.includes('-day') && b.textContent.trim() === '15' && !b.hasAttribute('data-outside')).click()",
    )
    .await?;
    page.wait_for_text("#day-text", "Usage for 2026-11-15")
        .await?;
    assert_no_console_errors(&page).await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_csv_export_saves_the_table() -> TestResult {
    let _exclusive = exclusive().await;
    let server = serve().await;
    let browser = Browser::launch().await?;
    let dir = downloads_into(&browser, "csv").await?;
    let page = open(&browser, &server).await?;
    page.click("#export").await?;
    let file = wait_for_download(&dir, ".csv", std::time::Duration::from_secs(30)).await?;
    assert_eq!(
        file.file_name().and_then(|n| n.to_str()),
        Some("storage.csv")
    );
    assert_eq!(
        std::fs::read_to_string(&file)?,
        "project,kind,gib\nNewsroom,video,1843.5\nArchive,audio,912.25\nPodcasts,audio,310.0\nShorts,video,75.75\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert_no_console_errors(&page).await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_parquet_export_saves_the_table() -> TestResult {
    let _exclusive = exclusive().await;
    use arrow_array::{Array, Float64Array, StringArray};
    let server = serve().await;
    let browser = Browser::launch().await?;
    let dir = downloads_into(&browser, "parquet").await?;
    let page = open(&browser, &server).await?;
    page.click("#export-parquet").await?;
    let file = wait_for_download(&dir, ".parquet", std::time::Duration::from_secs(30)).await?;
    assert_eq!(
        file.file_name().and_then(|n| n.to_str()),
        Some("storage.parquet")
    );
    // Read back with the parquet crate's Arrow reader, as a data tool would.
    let bytes = bytes::Bytes::from(std::fs::read(&file)?);
    let reader =
        parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(bytes)?.build()?;
    let mut rows = Vec::new();
    for batch in reader {
        let batch = batch?;
        let schema = batch.schema();
        let project = batch.column(schema.index_of("project")?);
        let project = project
            .as_any()
            .downcast_ref::<StringArray>()
            .ok_or("text")?;
        let gib = batch.column(schema.index_of("gib")?);
        let gib = gib
            .as_any()
            .downcast_ref::<Float64Array>()
            .ok_or("numbers")?;
        for i in 0..batch.num_rows() {
            rows.push((project.value(i).to_owned(), gib.value(i)));
        }
    }
    let want: Vec<(String, f64)> = [
        ("Newsroom", 1843.5),
        ("Archive", 912.25),
        ("Podcasts", 310.0),
        ("Shorts", 75.75),
    ]
    .iter()
    .map(|(p, g)| ((*p).to_owned(), *g))
    .collect();
    assert_eq!(rows, want);
    let _ = std::fs::remove_dir_all(&dir);
    assert_no_console_errors(&page).await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_ag_grid_shows_and_sorts_its_rows() -> TestResult {
    let _exclusive = exclusive().await;
    let server = serve().await;
    let browser = Browser::launch().await?;
    let page = open(&browser, &server).await?;
    assert_eq!(
        column(&page, "project").await?,
        ["Newsroom", "Archive", "Podcasts", "Shorts"]
    );
    page.click("#projects .ag-header-cell[col-id=\"gib\"] .ag-header-cell-label")
        .await?;
    page.wait_until(
        "document.querySelector('#projects .ag-header-cell[col-id=\"gib\"]').getAttribute('aria-sort') === 'ascending'",
    )
    .await?;
    assert_eq!(
        column(&page, "gib").await?,
        ["75.75", "310", "912.25", "1843.5"]
    );
    page.screenshot(std::env::temp_dir().join("ferrodash-ecosystem.png"))
        .await?;
    assert_no_console_errors(&page).await;
    Ok(())
}

/// The events grid's loaded rows: `[row index, id, gib]`, by row index.
async fn event_rows(page: &Page) -> Result<Vec<(u64, u64, f64)>, Box<dyn std::error::Error>> {
    let rows: Vec<(u64, u64, f64)> = page
        .eval(
            "[...document.querySelectorAll('#events .ag-center-cols-container .ag-row')]
               .map((row) => [Number(row.getAttribute('row-index')),
                              row.querySelector('[col-id=\"id\"]')?.textContent.trim() ?? '',
                              row.querySelector('[col-id=\"gib\"]')?.textContent.trim() ?? ''])
               .filter(([, id]) => id !== '')
               .map(([i, id, gib]) => [i, Number(id), Number(gib)])
               .sort((a, b) => a[0] - b[0])",
        )
        .await?;
    Ok(rows)
}

/// The statement shown in `shown_in`: its SQL line and its parameters.
async fn statement_in(
    page: &Page,
    shown_in: &str,
) -> Result<(String, serde_json::Value), Box<dyn std::error::Error>> {
    let text = page.text(shown_in).await?;
    let (sql, params) = text.split_once('\n').ok_or("no statement shown")?;
    Ok((sql.to_owned(), serde_json::from_str(params)?))
}

/// The statement under the grid.
async fn last_statement(
    page: &Page,
) -> Result<(String, serde_json::Value), Box<dyn std::error::Error>> {
    statement_in(page, "#events-sql").await
}

/// Waits until the statement under the grid satisfies `check`.
async fn wait_for_statement(
    page: &Page,
    check: impl Fn(&str, &serde_json::Value) -> bool,
) -> Result<(String, serde_json::Value), Box<dyn std::error::Error>> {
    wait_for_statement_in(page, "#events-sql", check).await
}

/// Waits until the statement shown in `shown_in` satisfies `check`.
async fn wait_for_statement_in(
    page: &Page,
    shown_in: &str,
    check: impl Fn(&str, &serde_json::Value) -> bool,
) -> Result<(String, serde_json::Value), Box<dyn std::error::Error>> {
    for _ in 0..200 {
        if let Ok((sql, params)) = statement_in(page, shown_in).await
            && check(&sql, &params)
        {
            return Ok((sql, params));
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Err(format!(
        "the statement never matched: {:?}",
        statement_in(page, shown_in).await.ok()
    )
    .into())
}

/// Waits for the grid's first rows and checks the ones on screen are the
/// first `(id, gib)` rows of `sql`: the database's answer, in an order and
/// under a filter written here, independently of the grid.
async fn assert_top_rows(
    page: &Page,
    ecosystem: &example_ecosystem::Ecosystem,
    sql: &str,
) -> TestResult {
    let want: Vec<(u64, f64)> = ecosystem
        .bind()
        .run(ferrodash::data::Query::inline("expected", sql))
        .fetch()
        .await?;
    let first = want.first().ok_or("the database has no such rows")?.0;
    page.wait_until(&format!(
        "document.querySelector('#events .ag-row[row-index=\"0\"] [col-id=\"id\"]')?.textContent.trim() === '{first}'"
    ))
    .await?;
    let shown: Vec<(u64, f64)> = event_rows(page)
        .await?
        .into_iter()
        .map(|r| (r.1, r.2))
        .collect();
    // The rows on screen, the first of the database's order.
    assert!(shown.len() >= 5 && shown.len() <= want.len(), "{shown:?}");
    assert_eq!(Some(shown.as_slice()), want.get(..shown.len()));
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_million_row_grid_scrolls_sorts_and_filters_through_sql() -> TestResult {
    let _exclusive = exclusive().await;
    let (server, ecosystem) = serve_with(example_ecosystem::EVENT_ROWS).await;
    let browser = Browser::launch().await?;
    let page = browser.open(&server.url("/")).await?;
    page.wait_until(
        "document.querySelector('#events .ag-row[row-index=\"0\"] [col-id=\"id\"]')?.textContent.trim() === '1'",
    )
    .await?;
    let (sql, params) = last_statement(&page).await?;
    assert!(
        sql.ends_with("ORDER BY id ASC LIMIT :limit OFFSET :offset"),
        "{sql}"
    );
    assert_eq!(params, serde_json::json!({"limit": 100, "offset": 0}));
    let total: u64 = page
        .eval("dash_ag_grid.getApi('events').getDisplayedRowCount()")
        .await?;
    assert_eq!(total, example_ecosystem::EVENT_ROWS);

    // Scroll to the middle: the blocks there are read with their offset.
    page.run(
        "const v = document.querySelector('#events .ag-body-viewport'); v.scrollTop = v.scrollHeight / 2;",
    )
    .await?;
    let (_, params) =
        wait_for_statement(&page, |_, p| p["offset"].as_u64().unwrap_or(0) >= 400_000).await?;
    let offset = params["offset"].as_u64().unwrap();
    // The rows on screen there (blocks are 100 rows; the screen shows a
    // few of one) arrive.
    page.wait_until(&format!(
        "[...document.querySelectorAll('#events .ag-center-cols-container .ag-row')]
           .some((r) => Number(r.getAttribute('row-index')) >= {offset}
                        && (r.querySelector('[col-id=\"id\"]')?.textContent.trim() ?? '') !== '')"
    ))
    .await?;
    let middle: Vec<_> = event_rows(&page)
        .await?
        .into_iter()
        .filter(|r| r.0 >= offset)
        .collect();
    assert!(!middle.is_empty());
    for (index, id, _) in &middle {
        assert_eq!(*id, index + 1, "row {index} holds event {id}");
    }

    // Back to the top, and sort by GiB with a click on its header.
    page.run("document.querySelector('#events .ag-body-viewport').scrollTop = 0;")
        .await?;
    page.click("#events .ag-header-cell[col-id=\"gib\"] .ag-header-cell-label")
        .await?;
    wait_for_statement(&page, |sql, p| {
        sql.contains("ORDER BY gib ASC, id ASC") && p["offset"] == 0
    })
    .await?;
    assert_top_rows(
        &page,
        &ecosystem,
        "SELECT id, gib FROM events ORDER BY gib, id LIMIT 20",
    )
    .await?;

    // Filter the customer: the value travels as a parameter, never as SQL.
    page.run(
        "dash_ag_grid.getApi('events').setFilterModel({customer: {filterType: 'text', type: 'equals', filter: 'customer-42'}});",
    )
    .await?;
    let (sql, _) = wait_for_statement(&page, |_, p| p["f0"] == "customer-42").await?;
    assert!(
        sql.contains("WHERE LOWER(customer) LIKE :f0 ESCAPE '!'"),
        "{sql}"
    );
    assert!(!sql.contains("customer-42"), "{sql}");
    assert_top_rows(
        &page,
        &ecosystem,
        "SELECT id, gib FROM events WHERE customer = 'customer-42' ORDER BY gib, id LIMIT 20",
    )
    .await?;
    let total: u64 = page
        .eval("dash_ag_grid.getApi('events').getDisplayedRowCount()")
        .await?;
    assert_eq!(total, 1000, "one event in a thousand is customer-42's");

    // A filter written to break out of its quotes matches nothing.
    page.run(
        "dash_ag_grid.getApi('events').setFilterModel({customer: {filterType: 'text', type: 'equals', filter: \"x' OR '1'='1\"}});",
    )
    .await?;
    wait_for_statement(&page, |_, p| p["f0"] == "x' or '1'='1").await?;
    page.wait_until("dash_ag_grid.getApi('events').getDisplayedRowCount() === 0")
        .await?;
    page.screenshot(std::env::temp_dir().join("ferrodash-ecosystem-events.png"))
        .await?;
    assert_no_console_errors(&page).await;
    Ok(())
}

/// The ids the events table shows, top to bottom.
async fn table_ids(page: &Page) -> Result<Vec<u64>, Box<dyn std::error::Error>> {
    Ok(page
        .eval(
            "[...document.querySelectorAll('#events-table td.dash-cell[data-dash-column=\"id\"]')]
               .map((cell) => Number(cell.textContent.trim()))",
        )
        .await?)
}

/// Waits until the events table shows the ids of `sql` (the database's
/// answer, written here independently of the table).
async fn wait_for_table_rows(
    page: &Page,
    ecosystem: &example_ecosystem::Ecosystem,
    sql: &str,
) -> Result<Vec<u64>, Box<dyn std::error::Error>> {
    let want: Vec<u64> = ecosystem
        .bind()
        .run(ferrodash::data::Query::inline("expected_page", sql))
        .fetch()
        .await?;
    for _ in 0..200 {
        if table_ids(page).await? == want {
            return Ok(want);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Err(format!(
        "the table shows {:?}, not {want:?} ({sql})",
        table_ids(page).await?
    )
    .into())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_million_row_data_table_pages_sorts_and_filters_through_sql() -> TestResult {
    let _exclusive = exclusive().await;
    let (server, ecosystem) = serve_with(example_ecosystem::EVENT_ROWS).await;
    let browser = Browser::launch().await?;
    let page = browser.open(&server.url("/")).await?;
    let shown = "#events-table-sql";

    // The first page, then the next: each read with its offset.
    let first = wait_for_table_rows(
        &page,
        &ecosystem,
        "SELECT id FROM events ORDER BY id LIMIT 10",
    )
    .await?;
    assert_eq!(first, (1..=10).collect::<Vec<u64>>());
    page.click("#events-table button.next-page").await?;
    wait_for_statement_in(&page, shown, |_, p| p["offset"] == 10).await?;
    wait_for_table_rows(
        &page,
        &ecosystem,
        "SELECT id FROM events ORDER BY id LIMIT 10 OFFSET 10",
    )
    .await?;
    let pages: String = page.text("#events-table .last-page").await?;
    assert_eq!(pages.trim(), "100000", "a million rows in pages of 10");

    // Sort by GiB from its header.
    page.click("#events-table th[data-dash-column=\"gib\"] .column-header--sort")
        .await?;
    let (sql, params) =
        wait_for_statement_in(&page, shown, |sql, _| sql.contains("ORDER BY gib")).await?;
    let direction = if sql.contains("gib DESC") {
        "DESC"
    } else {
        "ASC"
    };
    assert!(
        sql.contains(&format!("ORDER BY gib {direction}, id ASC")),
        "{sql}"
    );
    let offset = params["offset"].as_u64().ok_or("an offset")?;
    wait_for_table_rows(
        &page,
        &ecosystem,
        &format!("SELECT id FROM events ORDER BY gib {direction}, id LIMIT 10 OFFSET {offset}"),
    )
    .await?;

    // Filter the customer from the filter row: the value is a parameter.
    page.type_text(
        "#events-table th.dash-filter[data-dash-column=\"customer\"] input[type=text]",
        "customer-42",
    )
    .await?;
    page.press_key("Enter").await?;
    let (sql, params) =
        wait_for_statement_in(&page, shown, |_, p| p["f0"] == "customer-42").await?;
    assert!(sql.contains("WHERE instr(customer, :f0) > 0"), "{sql}");
    assert!(!sql.contains("customer-42"), "{sql}");
    let offset = params["offset"].as_u64().ok_or("an offset")?;
    let ids = wait_for_table_rows(
        &page,
        &ecosystem,
        &format!(
            "SELECT id FROM events WHERE customer LIKE '%customer-42%' \
             ORDER BY gib {direction}, id LIMIT 10 OFFSET {offset}"
        ),
    )
    .await?;
    assert_eq!(ids.len(), 10);
    let matching: u64 = ecosystem
        .bind()
        .run(ferrodash::data::Query::inline(
            "expected_count",
            "SELECT COUNT(*) FROM events WHERE customer LIKE '%customer-42%'",
        ))
        .fetch_one()
        .await?;
    page.wait_for_text(
        "#events-table .last-page",
        &matching.div_ceil(10).to_string(),
    )
    .await?;

    // A value written to break out of its quotes matches nothing (quoted
    // here: the table itself drops a filter its own parser cannot read).
    let filter = "#events-table th.dash-filter[data-dash-column=\"customer\"] input[type=text]";
    page.clear_and_type(filter, "\"x' OR '1'='1\"").await?;
    page.press_key("Enter").await?;
    wait_for_statement_in(&page, shown, |_, p| p["f0"] == "x' OR '1'='1").await?;
    wait_for_table_rows(&page, &ecosystem, "SELECT id FROM events WHERE 0").await?;
    page.screenshot(std::env::temp_dir().join("ferrodash-ecosystem-data-table.png"))
        .await?;
    assert_no_console_errors(&page).await;
    Ok(())
}
