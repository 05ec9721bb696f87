//! The app's tests: its callbacks in process (no server), and its page in a
//! real headless Chromium against the real server.

use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use ferrodash::data::Query;
use ferrodash::{Value, json};
use ferrodash_testing::browser::Browser;
use ferrodash_testing::client::{CallbackCall, TestClient};
use ferrodash_testing::server::spawn_router;

use {{crate_name}}::{ALL_REGIONS, Orders, app};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The app's own binary, as `cargo run` and the Docker image start it.
const BINARY: &str = env!("CARGO_BIN_EXE_{{name}}");

/// A new SQLite database's address, in a file of its own.
fn database_url() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let path = std::env::temp_dir().join(format!(
        "{{name}}-test-{}-{}.db",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    format!("sqlite://{}", path.display())
}

/// A fresh database of made-up orders.
async fn orders() -> Orders {
    Orders::open(&database_url())
        .await
        .expect("the database opens")
}

/// Revenue in `region`, asked of the database directly.
async fn revenue_in(orders: &Orders, region: &str) -> f64 {
    orders
        .bind()
        .run(Query::inline(
            "test_revenue",
            "SELECT SUM(amount) FROM orders WHERE region = :region",
        ))
        .params(&json!({"region": region}))
        .fetch_one()
        .await
        .expect("the sum is read")
}

/// A trace's numbers: a JSON array, or a typed array (`dtype` and base64
/// `bdata`), as figures send them.
fn numbers(data: &Value) -> Vec<f64> {
    match (data["dtype"].as_str(), data["bdata"].as_str()) {
        (Some(dtype), Some(bdata)) => {
            ferrodash::figures::data_array::decode(dtype, bdata).expect("a typed array")
        }
        _ => data
            .as_array()
            .expect("an array")
            .iter()
            .filter_map(Value::as_f64)
            .collect(),
    }
}

fn overview_call(region: &str) -> CallbackCall {
    CallbackCall::new()
        .output("revenue-chart", "figure")
        .output("kpi-revenue", "children")
        .output("kpi-orders", "children")
        .output("kpi-average", "children")
        .input("region", "value", json!(region))
        .input("theme-switch", "value", json!(false))
}

#[tokio::test]
async fn the_overview_shows_a_regions_revenue_by_month() {
    let orders = orders().await;
    assert_eq!(orders.regions(), ["East", "North", "South", "West"]);
    let client = TestClient::new(&app("/", &orders).expect("the app builds"));

    let answer = client.call(&overview_call("West")).await;
    assert_eq!(answer.status(), 200, "{}", answer.text());
    let response = &answer.json()["response"];
    let bars = &response["revenue-chart"]["figure"]["data"][0];
    let months: Vec<&str> = bars["x"]
        .as_array()
        .expect("months")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(months.len(), 12, "{months:?}");
    assert_eq!(months.first(), Some(&"2026-01"));
    let bar_total: f64 = numbers(&bars["y"]).iter().sum();
    let expected = revenue_in(&orders, "West").await;
    assert!(
        (bar_total - expected).abs() < 0.01,
        "{bar_total} vs {expected}"
    );
    let kpi = response["kpi-revenue"]["children"].as_str().expect("text");
    assert_eq!(
        kpi,
        format!("${}", ferrodash::figures::px::format_thousands(expected, 0))
    );

    // Every region together: every order in the table.
    let all = client.call(&overview_call(ALL_REGIONS)).await.json();
    let count: i64 = orders
        .bind()
        .query("count")
        .fetch_one()
        .await
        .expect("count");
    assert!(count > 0);
    let orders_text = all["response"]["kpi-orders"]["children"]
        .as_str()
        .expect("text");
    assert_eq!(
        orders_text,
        ferrodash::figures::px::format_thousands(count as f64, 0)
    );
}

#[tokio::test]
async fn an_unknown_region_is_refused_with_its_name() {
    let orders = orders().await;
    let client = TestClient::new(&app("/", &orders).expect("the app builds"));
    let answer = client.call(&overview_call("Atlantis")).await;
    assert_eq!(answer.status(), 422, "{}", answer.text());
    assert!(answer.text().contains("Atlantis"), "{}", answer.text());
}

#[tokio::test]
async fn pages_answer_at_their_addresses() {
    let orders = orders().await;
    let client = TestClient::new(&app("/", &orders).expect("the app builds"));
    for path in ["/", "/about", "/about?x=1"] {
        let answer = client.get(path).await;
        assert_eq!(answer.status(), 200, "{path}");
        assert!(answer.text().contains("_dash-config"), "{path}");
    }
    let health = client.get("/ready").await;
    assert_eq!(health.status(), 200, "{}", health.text());
}

#[tokio::test(flavor = "multi_thread")]
async fn in_a_browser_the_overview_follows_the_address_and_the_theme_switch() -> TestResult {
    let orders = orders().await;
    let app = app("/", &orders)?;
    let server = spawn_router(app.router()).await?;
    let browser = Browser::launch().await?;

    // A shared link: the region comes from the address.
    let page = browser.open(&server.url("/?region=East")).await?;
    let expected = format!(
        "${}",
        ferrodash::figures::px::format_thousands(revenue_in(&orders, "East").await, 0)
    );
    page.wait_for_text("#kpi-revenue", &expected).await?;
    page.wait_for("#revenue-chart .main-svg").await?;
    let bars = page.count("#revenue-chart .point").await?;
    assert_eq!(bars, 12, "a bar per month");

    // Bootstrap's stylesheet applies: the navbar is its primary blue.
    let navbar: String = page
        .eval("getComputedStyle(document.querySelector('#navbar')).backgroundColor")
        .await?;
    assert_eq!(navbar, "rgb(13, 110, 253)");

    // Dark: the page's theme and the chart's text colour follow the switch.
    page.click("#theme-switch").await?;
    page.wait_until("document.documentElement.getAttribute('data-bs-theme') === 'dark'")
        .await?;
    page.wait_until(
        "document.querySelector('#revenue-chart .gtitle')?.style.fill === 'rgb(229, 231, 235)'",
    )
    .await?;
    let body: String = page
        .eval("getComputedStyle(document.body).backgroundColor")
        .await?;
    assert_eq!(body, "rgb(33, 37, 41)", "Bootstrap's dark body");

    // The navbar's link draws the about page without a reload.
    page.run("window.notReloaded = true").await?;
    page.click("#nav-about").await?;
    page.wait_for("#about-text").await?;
    assert!(page.eval::<bool>("window.notReloaded === true").await?);

    let errors = page.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    browser.close().await?;
    server.shutdown().await?;
    Ok(())
}

#[test]
fn the_binary_serves_and_its_health_check_says_so() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let address = format!("127.0.0.1:{port}");
    let healthy = || {
        Command::new(BINARY)
            .arg("healthcheck")
            .env("APP_ADDRESS", &address)
            .output()
            .expect("the health check runs")
            .status
            .success()
    };
    assert!(!healthy(), "nothing answers before the app starts");
    let mut app = Command::new(BINARY)
        .env("APP_ADDRESS", &address)
        .env("DATABASE_URL", database_url())
        .spawn()
        .expect("the app starts");
    let started = Instant::now();
    while !healthy() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no health within a minute"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    app.kill().expect("the app stops");
    app.wait().expect("the app is reaped");
    assert!(!healthy(), "nothing answers once it stopped");
}
