//! The portal in Debian's headless Chromium: login, a customer's report
//! and nothing of anyone else's, filters, a shared link, the CSV and PDF
//! exports, the admin's view, the themes.

use ferrodash_testing::browser::{Browser, Page, wait_for_download};

use crate::common::TestPortal;

type TestResult = Result<(), Box<dyn std::error::Error>>;

async fn assert_no_console_errors(page: &Page) {
    let errors = page.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
}

/// The labels of the donut as plotly drew them.
const DONUT_LABELS: &str =
    "(document.querySelector('#by-project .js-plotly-plot')?._fullData?.[0]?.labels || [])";

/// Logs in on the login page `page` shows.
async fn log_in(page: &Page, name: &str, password: &str) -> TestResult {
    page.wait_for("#username").await?;
    page.type_text("#username", name).await?;
    page.type_text("#password", password).await?;
    page.click("#login-submit").await?;
    Ok(())
}

/// Waits until the report shows a view whose title holds `text`.
async fn wait_for_view(page: &Page, text: &str) -> TestResult {
    page.wait_until(&format!(
        "(document.querySelector('#view-title')?.textContent || '').includes({text:?})"
    ))
    .await?;
    page.wait_until(&format!("{DONUT_LABELS}.length > 0"))
        .await?;
    Ok(())
}

fn shot(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("usage-portal-{name}.png"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_logs_in_and_sees_only_their_own_report() -> TestResult {
    let portal = TestPortal::start().await;
    let browser = Browser::launch().await?;

    // Anonymous: the portal's front page leads to the login page.
    let page = browser.open(&portal.url("/")).await?;
    page.wait_for("#username").await?;
    assert!(
        page.url().await?.contains("/login?next=/"),
        "{}",
        page.url().await?
    );
    log_in(&page, "northwind", "northwind-demo-password").await?;
    wait_for_view(&page, "Northwind Media").await?;
    page.wait_until("document.querySelector('#total-hours').textContent.endsWith(' h')")
        .await?;

    // Only Northwind's projects, in the donut and in the project filter.
    let own = portal.project_names("acc-01").await;
    let others: Vec<String> = [
        portal.project_names("acc-02").await,
        portal.project_names("acc-03").await,
    ]
    .concat()
    .into_iter()
    .filter(|n| !own.contains(n))
    .collect();
    let labels: Vec<String> = page.eval(DONUT_LABELS).await?;
    for label in &labels {
        assert!(
            label == "Others" || own.contains(label),
            "{label} is not Northwind's: {own:?}"
        );
    }
    let picker_hidden: bool = page
        .eval("getComputedStyle(document.querySelector('#account-picker')).display === 'none'")
        .await?;
    assert!(
        picker_hidden,
        "a customer with one account has no customer picker"
    );
    let text = page.text("#portal").await?;
    for other in &others {
        assert!(!text.contains(other.as_str()), "the page shows {other}");
    }
    page.screenshot(shot("customer")).await?;

    // The theme switches to dark and stays after a reload.
    page.click("#theme-toggle").await?;
    page.wait_until("document.documentElement.dataset.theme === 'dark'")
        .await?;
    page.wait_until(
        "(document.querySelector('#by-project .js-plotly-plot')?._fullLayout?.paper_bgcolor || '') !== '#ffffff'",
    )
    .await?;
    page.screenshot(shot("customer-dark")).await?;
    page.click("#theme-toggle").await?;
    page.wait_until("document.documentElement.dataset.theme === 'light'")
        .await?;
    assert_no_console_errors(&page).await;
    Ok(())
}

/// Lets the browser save downloads into `dir`.
async fn allow_downloads(browser: &Browser, dir: &std::path::Path) -> TestResult {
    browser.allow_downloads(dir).await?;
    Ok(())
}

/// The first file in `dir` whose name ends with `suffix`, once it is
/// there (and complete), within 60 s.
async fn downloaded(
    dir: &std::path::Path,
    suffix: &str,
) -> Result<std::path::PathBuf, Box<dyn std::error::Error>> {
    Ok(wait_for_download(dir, suffix, std::time::Duration::from_secs(60)).await?)
}

/// The pages of a PDF, counted by their page objects.
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/Type /Page")
        .filter(|(i, _)| !text[i + "/Type /Page".len()..].starts_with('s'))
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_a_shared_link_and_the_csv_and_pdf_exports() -> TestResult {
    let portal = TestPortal::start().await;
    let browser = Browser::launch().await?;
    let downloads =
        std::env::temp_dir().join(format!("usage-portal-downloads-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&downloads);
    std::fs::create_dir_all(&downloads)?;
    allow_downloads(&browser, &downloads).await?;

    let page = browser.open(&portal.url("/")).await?;
    log_in(&page, "bluefin", "bluefin-demo-password").await?;
    wait_for_view(&page, "Bluefin Media · ").await?;
    let all_hours = page.text("#total-hours").await?;

    // Pick the first project: every figure follows, and the address keeps it.
    page.click("#projects").await?;
    page.click(r#"[role=listbox] [role=option][data-option-index="0"]"#)
        .await?;
    page.press_key("Escape").await?;
    page.wait_until(
        "(document.querySelector('#view-title')?.textContent || '').endsWith('· 1 project')",
    )
    .await?;
    page.wait_until(&format!("{DONUT_LABELS}.length === 1"))
        .await?;
    let labels: Vec<String> = page.eval(DONUT_LABELS).await?;
    let own = portal.project_names("acc-02").await;
    assert!(own.contains(&labels[0]), "{labels:?} {own:?}");
    page.wait_until(&format!(
        "document.querySelector('#total-hours').textContent !== {all_hours:?}"
    ))
    .await?;
    let shared = page.url().await?;
    assert!(shared.contains("projects="), "{shared}");
    assert!(shared.contains("days.start_date="), "{shared}");
    let title = page.text("#view-title").await?;
    let hours = page.text("#total-hours").await?;

    // The address opened in another tab brings the same view back (a page
    // load, a login redirect and a report under the parallel tests' load:
    // more than the default 10 s now and then).
    let other = browser
        .open(&shared)
        .await?
        .with_timeout(std::time::Duration::from_secs(30));
    wait_for_view(&other, &title).await?;
    other
        .wait_until(&format!(
            "document.querySelector('#total-hours').textContent === {hours:?}"
        ))
        .await?;
    assert_no_console_errors(&other).await;

    // CSV: one row per project and day of the view, all of them Bluefin's.
    page.click("#export-csv").await?;
    let csv_path = downloaded(&downloads, ".csv").await?;
    let csv = std::fs::read_to_string(&csv_path)?;
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some(usage_portal::report::export::CSV_HEADER));
    let rows: Vec<&str> = lines.collect();
    let expected: i64 = {
        let project = portal
            .portal
            .store()
            .projects_of("acc-02")
            .await?
            .into_iter()
            .find(|p| p.name == labels[0])
            .expect("the picked project")
            .id;
        portal
            .portal
            .store()
            .bind()
            .run(ferrodash::data::Query::inline(
                "expected_rows",
                "SELECT COUNT(*) FROM usage_daily WHERE account_id = 'acc-02' AND project_id = :project",
            ))
            .params(&serde_json::json!({ "project": project }))
            .fetch_one()
            .await?
    };
    assert!(expected > 0);
    assert_eq!(i64::try_from(rows.len())?, expected, "{csv_path:?}");
    assert!(
        rows.iter()
            .all(|r| r.split(',').nth(1) == Some("Bluefin Media")),
        "{rows:?}"
    );
    page.wait_until(
        "(document.querySelector('#export-status')?.textContent || '').includes('Exported')",
    )
    .await?;

    // PDF: printed by headless Chromium from the same view.
    page.click("#export-pdf").await?;
    let pdf_path = downloaded(&downloads, ".pdf").await?;
    let pdf = std::fs::read(&pdf_path)?;
    assert!(pdf.starts_with(b"%PDF-"), "{pdf_path:?}");
    let pages = pdf_pages(&pdf);
    assert!((1..=3).contains(&pages), "{pages} pages");
    std::fs::copy(
        &pdf_path,
        std::env::temp_dir().join("usage-portal-export.pdf"),
    )?;
    assert_no_console_errors(&page).await;
    let _ = std::fs::remove_dir_all(&downloads);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_sees_every_customer_picks_one_and_runs_an_ingestion() -> TestResult {
    let portal = TestPortal::start().await;
    let browser = Browser::launch().await?;
    let page = browser.open(&portal.url("/")).await?;
    log_in(&page, "admin", "admin-demo-password").await?;
    wait_for_view(&page, "All customers · ").await?;
    // Across customers the donut names each project with its customer.
    let labels: Vec<String> = page.eval(DONUT_LABELS).await?;
    assert!(labels.iter().any(|l| l.contains(" · ")), "{labels:?}");
    let visible: bool = page
        .eval("getComputedStyle(document.querySelector('#account-picker')).display !== 'none'")
        .await?;
    assert!(visible, "an admin picks the customer");

    // Pick Copperleaf Media (options: All customers, then by name).
    page.click("#account").await?;
    page.wait_for("[role=listbox] [role=option]").await?;
    let options: Vec<String> = page
        .eval("[...document.querySelectorAll('[role=listbox] [role=option]')].map((o) => o.textContent)")
        .await?;
    let index = options
        .iter()
        .position(|o| o == "Copperleaf Media")
        .ok_or_else(|| format!("no Copperleaf Media in {options:?}"))?;
    assert_eq!(
        options.len(),
        6,
        "All customers and 5 accounts: {options:?}"
    );
    page.click(&format!(
        r#"[role=listbox] [role=option][data-option-index="{index}"]"#
    ))
    .await?;
    wait_for_view(&page, "Copperleaf Media · ").await?;
    page.wait_until(&format!(
        "{DONUT_LABELS}.every((l) => l === 'Others' || {:?}.includes(l))",
        portal.project_names("acc-03").await
    ))
    .await?;
    page.screenshot(shot("admin")).await?;

    // The live strip, pushed over the WebSocket: the data's last day and,
    // for an admin, the last run.
    page.wait_until(
        "(document.querySelector('#live-usage')?.textContent || '').includes('Last run success')",
    )
    .await?;
    let before = page.text("#live-usage").await?;
    assert!(before.starts_with("Data up to 2026-11-30."), "{before}");
    page.run("window.__still_this_page = true").await?;

    // The admin page: the run history, and "Run now" adds a run.
    page.click("#nav-admin").await?;
    page.wait_until("document.querySelectorAll('#runs-table tbody tr').length === 1")
        .await?;
    let outcome = page.text("#runs-table tbody tr td.outcome").await?;
    assert_eq!(outcome, "success");
    page.click("#run-now").await?;
    page.wait_until(
        "(document.querySelector('#run-now-status')?.textContent || '').includes('records')",
    )
    .await?;
    page.wait_until("document.querySelectorAll('#runs-table tbody tr').length === 2")
        .await?;
    // The strip follows the new run by itself, with no reload.
    page.wait_until(&format!(
        "(document.querySelector('#live-usage')?.textContent || '') !== {before:?}"
    ))
    .await?;
    let after = page.text("#live-usage").await?;
    assert!(after.contains("Last run success"), "{after}");
    assert!(
        page.eval::<bool>("window.__still_this_page === true")
            .await?
    );
    page.screenshot(shot("admin-runs")).await?;
    assert_no_console_errors(&page).await;

    // A customer has no admin page.
    let customer = Browser::launch().await?;
    let other = customer.open(&portal.url("/admin")).await?;
    log_in(&other, "northwind", "northwind-demo-password").await?;
    other
        .wait_until("document.body.textContent.includes('403')")
        .await?;
    assert_eq!(other.count("#run-now").await?, 0);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_report_reads_on_a_phone() -> TestResult {
    let portal = TestPortal::start().await;
    let browser = Browser::launch_with(
        ferrodash_testing::browser::LaunchOptions::default().with_window_size(390, 844),
    )
    .await?;
    let page = browser.open(&portal.url("/")).await?;
    log_in(&page, "northwind", "northwind-demo-password").await?;
    wait_for_view(&page, "Northwind Media · ").await?;
    // Nothing is wider than the screen: no sideways scrolling.
    let wide: f64 = page
        .eval("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        .await?;
    assert!(wide <= 1.0, "the page is {wide}px wider than the phone");
    page.screenshot(shot("phone")).await?;
    assert_no_console_errors(&page).await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_monthly_reports_write_one_pdf_per_customer() -> TestResult {
    use usage_portal::monthly::{FolderSink, deliver_month};
    let portal = TestPortal::start().await;
    let folder = std::env::temp_dir().join(format!("usage-portal-monthly-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    let sink = FolderSink::new(&folder);
    let month = jiff::civil::date(2026, 11, 1);
    let store = portal.portal.store();
    let delivered = deliver_month(store, portal.portal.printer(), &sink, month).await?;
    let accounts = store.accounts().await?;
    assert_eq!(delivered, accounts.len());
    for account in &accounts {
        let path = sink.path_of(&account.id, month);
        assert!(
            path.ends_with(format!("{}/2026-11.pdf", account.id)),
            "{path:?}"
        );
        let pdf = std::fs::read(&path)?;
        assert!(pdf.starts_with(b"%PDF-"), "{path:?}");
        assert!((1..=3).contains(&pdf_pages(&pdf)), "{path:?}");
    }
    let _ = std::fs::remove_dir_all(&folder);
    Ok(())
}
