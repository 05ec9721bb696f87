//! Real-browser tests: Debian's headless Chromium renders the page with the
//! packages' own bundles, served from the binary, and a user clicks through
//! a Bootstrap navbar and modal, a Mantine date picker and an AG Grid.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests too, not only #[test] fns: a panic here is a failed test"
)]

use ferrodash_testing::browser::{Browser, Page};
use ferrodash_testing::server::{RunningServer, spawn_router};

type TestResult = Result<(), Box<dyn std::error::Error>>;

async fn serve() -> RunningServer {
    let app = example_ecosystem::app("/").expect("the app builds");
    spawn_router(app.router()).await.expect("the app serves")
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
async fn the_ag_grid_shows_and_sorts_its_rows() -> TestResult {
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
