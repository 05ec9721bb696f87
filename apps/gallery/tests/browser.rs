//! Real-browser tests: Debian's headless Chromium loads Dash's own front end
//! from the gallery server and clicks and types through every example.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "helpers of tests too, not only #[test] fns: a panic here is a failed test"
)]

use ferrodash_testing::browser::{Browser, Page};
use ferrodash_testing::server::{RunningServer, spawn_router};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The gallery served on a free port, on its own SQLite file (removed when
/// the test ends).
struct TestGallery {
    server: RunningServer,
    database: std::path::PathBuf,
}

impl std::ops::Deref for TestGallery {
    type Target = RunningServer;
    fn deref(&self) -> &RunningServer {
        &self.server
    }
}

impl Drop for TestGallery {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.database.display()));
        }
    }
}

async fn gallery() -> TestGallery {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let database = std::env::temp_dir().join(format!(
        "ferrodash-gallery-test-{}-{n}.db",
        std::process::id()
    ));
    let shared = gallery::Gallery::open(&format!("sqlite://{}", database.display()))
        .await
        .expect("the gallery's database opens");
    let server = spawn_router(gallery::router(&shared).expect("the gallery builds"))
        .await
        .expect("the gallery serves");
    TestGallery { server, database }
}

/// Opens `path` and waits until the renderer has drawn the layout.
async fn open(
    browser: &Browser,
    server: &RunningServer,
    path: &str,
    ready: &str,
) -> Result<Page, Box<dyn std::error::Error>> {
    let page = browser.open(&server.url(path)).await?;
    page.wait_for(ready).await?;
    Ok(page)
}

/// Records the body of every callback answer the page receives.
const RECORD_ANSWERS: &str = r"
    window.__answers = [];
    const original = window.fetch;
    window.fetch = async (...args) => {
        const response = await original(...args);
        if (String(args[0]).includes('_dash-update-component')) {
            response.clone().text().then((t) => window.__answers.push(t));
        }
        return response;
    };
";

async fn assert_no_console_errors(page: &Page) {
    let errors = page.console_errors().await;
    assert!(errors.is_empty(), "console errors: {errors:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn gallery_home_links_to_every_example() -> TestResult {
    let server = gallery().await;
    let browser = Browser::launch().await?;
    let page = open(&browser, &server, "/", "#examples").await?;
    assert_eq!(page.count("#examples li a").await?, gallery::EXAMPLES.len());
    page.click("#examples li:first-child a").await?;
    page.wait_for_text("#greeting", "Hello, world!").await?;
    assert!(page.url().await?.ends_with("/hello-world/"));
    assert_no_console_errors(&page).await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn hello_world_follows_typing() -> TestResult {
    let server = gallery().await;
    let browser = Browser::launch().await?;
    let page = open(&browser, &server, "/hello-world/", "#greeting").await?;
    assert_eq!(page.text("h1").await?, "Hello world");
    page.wait_for_text("#greeting", "Hello, world!").await?;
    page.clear_and_type("#name", "Ada").await?;
    page.wait_for_text("#greeting", "Hello, Ada!").await?;
    page.clear_and_type("#name", "").await?;
    page.wait_for_text("#greeting", "Hello, whoever you are!")
        .await?;
    page.screenshot(std::env::temp_dir().join("ferrodash-hello-world.png"))
        .await?;
    assert_no_console_errors(&page).await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn multi_output_callbacks_chain() -> TestResult {
    let server = gallery().await;
    let browser = Browser::launch().await?;
    let page = open(&browser, &server, "/multi-output/", "#summary").await?;
    page.wait_for_text("#summary", "Paris (France) has about 2103 thousand people")
        .await?;
    assert_eq!(page.count("#city input[type=radio]").await?, 3);
    page.click(r#"#country input[value="Japan"]"#).await?;
    // The country sets the city options and value; the city sets the summary.
    page.wait_for_text("#summary", "Tokyo (Japan) has about 13960 thousand people")
        .await?;
    let cities: Vec<String> = page
        .eval("[...document.querySelectorAll('#city label')].map((l) => l.innerText.trim())")
        .await?;
    assert_eq!(cities, ["Tokyo", "Osaka", "Kyoto"]);
    let colour: String = page
        .eval("getComputedStyle(document.querySelector('#summary')).color")
        .await?;
    assert_eq!(colour, "rgb(139, 0, 0)", "large cities are dark red");
    page.click(r#"#city input[value="Kyoto"]"#).await?;
    page.wait_for_text("#summary", "Kyoto (Japan) has about 1464 thousand people")
        .await?;
    let colour: String = page
        .eval("getComputedStyle(document.querySelector('#summary')).color")
        .await?;
    assert_eq!(colour, "rgb(0, 100, 0)", "small cities are dark green");
    assert_no_console_errors(&page).await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn patch_appends_without_resending_the_list() -> TestResult {
    let server = gallery().await;
    let browser = Browser::launch().await?;
    let page = open(&browser, &server, "/patch-set-props/", "#items").await?;
    assert_eq!(page.count("#items li").await?, 2);
    page.run(RECORD_ANSWERS).await?;
    for expected in 3..=5 {
        page.click("#add").await?;
        page.wait_until(&format!(
            "document.querySelectorAll('#items li').length === {expected}"
        ))
        .await?;
    }
    let items: Vec<String> = page
        .eval("[...document.querySelectorAll('#items li')].map((li) => li.innerText)")
        .await?;
    assert_eq!(items, ["Item 1", "Item 2", "Item 3", "Item 4", "Item 5"]);
    // set_props updated the status line beside the patched list.
    page.wait_for_text("#status", "Added item 5").await?;
    let colour: String = page
        .eval("getComputedStyle(document.querySelector('#status')).color")
        .await?;
    assert_eq!(colour, "rgb(0, 128, 0)");
    // Each answer carried one Append operation, never the list itself.
    let answers: Vec<String> = page.eval("window.__answers").await?;
    assert_eq!(answers.len(), 3, "{answers:?}");
    for answer in &answers {
        assert!(answer.contains(r#""operation":"Append""#), "{answer}");
        assert!(
            !answer.contains("Item 1"),
            "the list was sent back: {answer}"
        );
    }
    // A second callback writes the same list (allow_duplicate).
    page.click("#reset").await?;
    page.wait_until("document.querySelectorAll('#items li').length === 2")
        .await?;
    page.wait_for_text("#status", "Reset").await?;
    assert_no_console_errors(&page).await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn datatable_filters_and_reports_the_clicked_cell() -> TestResult {
    let server = gallery().await;
    let browser = Browser::launch().await?;
    let page = open(&browser, &server, "/datatable/", "#table td").await?;
    let cities = r#"#table td[data-dash-column="city"]"#;
    page.wait_until(&format!(
        "document.querySelectorAll('{cities}').length === 12"
    ))
    .await?;
    page.clear_and_type("#min-population", "10000").await?;
    page.wait_until(&format!(
        "document.querySelectorAll('{cities}').length === 8"
    ))
    .await?;
    page.click(&format!("{cities}:first-of-type")).await?;
    page.wait_for_text("#cell", r#"Row 0, city: "Tokyo""#)
        .await?;
    page.screenshot(std::env::temp_dir().join("ferrodash-datatable.png"))
        .await?;
    assert_no_console_errors(&page).await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn graph_draws_the_figure_with_its_traces() -> TestResult {
    let server = gallery().await;
    let browser = Browser::launch().await?;
    let page = open(&browser, &server, "/graph/", "#chart .main-svg").await?;
    page.wait_until("document.querySelectorAll('#chart .scatterlayer .trace').length === 2")
        .await?;
    page.click(r#"#series input[value="4"]"#).await?;
    page.wait_until("document.querySelectorAll('#chart .scatterlayer .trace').length === 4")
        .await?;
    // SVG text has no innerText: read its textContent.
    page.wait_until("document.querySelector('#chart .gtitle')?.textContent === '4 series'")
        .await?;
    // Each trace draws a line through its points.
    let paths: usize = page
        .eval("[...document.querySelectorAll('#chart .scatterlayer .trace path.js-line')].filter((p) => p.getAttribute('d').length > 100).length")
        .await?;
    assert_eq!(paths, 4);
    page.screenshot(std::env::temp_dir().join("ferrodash-graph.png"))
        .await?;
    assert_no_console_errors(&page).await;
    Ok(())
}

mod debug {
    //! Dash's debug mode: the dev tools, error details only in debug mode,
    //! and a page that requests nothing from outside the server.

    use ferrodash::prelude::*;

    use super::{Browser, RECORD_ANSWERS, TestResult, spawn_router};

    async fn fail(Input(n): Input<Option<u32>>) -> Result<String, CallbackError> {
        n.ok_or(PreventUpdate)?;
        Err(CallbackError::msg("the ledger is corrupt"))
    }

    fn app(debug: bool) -> App {
        App::builder()
            .debug(debug)
            .layout(html::div((
                html::button("boom").id("boom"),
                html::div("calm").id("out"),
            )))
            .callback(
                Callback::new(fail)
                    .output("out", "children")
                    .input("boom", "n_clicks"),
            )
            .build()
            .expect("a valid app")
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn dev_tools_show_callback_errors_and_nothing_is_fetched_from_outside() -> TestResult {
        let server = spawn_router(app(true).router()).await?;
        let browser = Browser::launch().await?;
        let page = browser.open(&server.url("/")).await?;
        page.wait_for(".dash-debug-menu__outer").await?;
        page.click("#boom").await?;
        page.wait_for_text(
            ".dash-fe-error__title",
            "Callback error updating out.children",
        )
        .await?;
        page.click(".test-devtools-error-toggle").await?;
        page.wait_until("document.body.innerText.includes('the ledger is corrupt')")
            .await?;
        // Hot reload polls the server.
        page.wait_until(
            "performance.getEntriesByType('resource').some((e) => e.name.includes('_reload-hash'))",
        )
        .await?;
        let outside: Vec<String> = page
            .eval("performance.getEntriesByType('resource').map((e) => e.name).filter((n) => !n.startsWith(location.origin))")
            .await?;
        assert!(outside.is_empty(), "requests left the server: {outside:?}");
        page.screenshot(std::env::temp_dir().join("ferrodash-devtools.png"))
            .await?;
        Ok(())
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn without_debug_the_browser_never_sees_the_error() -> TestResult {
        let server = spawn_router(app(false).router()).await?;
        let browser = Browser::launch().await?;
        let page = browser.open(&server.url("/")).await?;
        page.wait_for_text("#out", "calm").await?;
        page.run(RECORD_ANSWERS).await?;
        page.click("#boom").await?;
        page.wait_until("window.__answers.length === 1").await?;
        let answers: Vec<String> = page.eval("window.__answers").await?;
        assert!(answers[0].contains("correlation_id"), "{}", answers[0]);
        assert!(!answers[0].contains("ledger"), "{}", answers[0]);
        assert_eq!(page.count(".dash-debug-menu__outer").await?, 0);
        assert!(
            !page
                .eval::<String>("document.body.innerText")
                .await?
                .contains("ledger")
        );
        page.wait_for_text("#out", "calm").await?;
        Ok(())
    }
}

/// `[id='…']` for a dict id as the renderer writes it into the DOM.
fn dict_id(kind: &str, index: u64) -> String {
    format!(r#"[id='{{"index":{index},"kind":"{kind}"}}']"#)
}

#[tokio::test(flavor = "multi_thread")]
async fn pattern_matching_cards() -> TestResult {
    let server = gallery().await;
    let browser = Browser::launch().await?;
    let page = open(&browser, &server, "/pattern-matching/", "#add-card").await?;
    page.wait_for_text("#total", "0 cards, total 0").await?;
    for n in 1..=3 {
        page.click("#add-card").await?;
        page.wait_until(&format!(
            "document.querySelectorAll('.card').length === {n}"
        ))
        .await?;
    }
    // Card n starts with quantity n + 1: 2, 3, 4.
    page.wait_for_text("#total", "3 cards, total 9").await?;
    for (n, double, before) in [
        (1, "×2 = 4", "before: 0"),
        (2, "×2 = 6", "before: 2"),
        (3, "×2 = 8", "before: 5"),
    ] {
        page.wait_for_text(&dict_id("double", n), double).await?;
        page.wait_for_text(&dict_id("before", n), before).await?;
    }
    page.run(RECORD_ANSWERS).await?;
    page.clear_and_type(&dict_id("qty", 2), "10").await?;
    // Only the second card's MATCH output changes ...
    page.wait_for_text(&dict_id("double", 2), "×2 = 20").await?;
    // ... ALL sums every card, ALLSMALLER sees only the earlier cards.
    page.wait_for_text("#total", "3 cards, total 16").await?;
    page.wait_for_text(&dict_id("before", 3), "before: 12")
        .await?;
    assert_eq!(page.text(&dict_id("double", 1)).await?, "×2 = 4");
    assert_eq!(page.text(&dict_id("double", 3)).await?, "×2 = 8");
    assert_eq!(page.text(&dict_id("before", 2)).await?, "before: 2");
    let answers: Vec<String> = page.eval("window.__answers").await?;
    let doubles: Vec<&String> = answers
        .iter()
        .filter(|a| a.contains(r#"\"kind\":\"double\""#))
        .collect();
    assert!(!doubles.is_empty(), "{answers:?}");
    assert!(
        doubles
            .iter()
            .all(|a| a.contains(r#"{\"index\":2,\"kind\":\"double\"}"#)),
        "only card 2's MATCH callback ran: {doubles:?}"
    );
    // Removing a card updates the ALL result.
    page.click(&dict_id("remove", 1)).await?;
    page.wait_until("document.querySelectorAll('.card').length === 2")
        .await?;
    page.wait_for_text("#total", "2 cards, total 14").await?;
    page.wait_for_text(&dict_id("before", 3), "before: 10")
        .await?;
    page.screenshot(std::env::temp_dir().join("ferrodash-pattern-matching.png"))
        .await?;
    assert_no_console_errors(&page).await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn clientside_callbacks_never_reach_the_server() -> TestResult {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use ferrodash::axum::{extract::Request, middleware::Next};

    let callback_requests = Arc::new(AtomicUsize::new(0));
    let counter = callback_requests.clone();
    let router = example_clientside::app("/clientside/")?.router().layer(
        ferrodash::axum::middleware::from_fn(move |request: Request, next: Next| {
            if request.uri().path().ends_with("_dash-update-component") {
                counter.fetch_add(1, Ordering::SeqCst);
            }
            next.run(request)
        }),
    );
    let server = spawn_router(router).await?;
    let browser = Browser::launch().await?;
    let page = open(&browser, &server, "/clientside/", "#celsius").await?;
    page.type_text("#celsius", "100").await?;
    page.wait_for_text("#fahrenheit", "212.0 °F").await?;
    // Not a number: the function throws PreventUpdate and nothing changes.
    page.type_text("#celsius", "x").await?;
    // Empty: the function returns no_update.
    page.clear_and_type("#celsius", "").await?;
    page.clear_and_type("#celsius", "-40").await?;
    page.wait_for_text("#fahrenheit", "-40.0 °F").await?;
    page.clear_and_type("#celsius", "").await?;
    assert_eq!(page.text("#fahrenheit").await?, "-40.0 °F");
    // The assets script's function: several outputs, set_props and a Patch.
    page.type_text("#words", "hello").await?;
    page.press_key("Enter").await?;
    page.wait_for_text("#loud", "HELLO").await?;
    page.wait_for_text("#shout-count", "shouted 1 times")
        .await?;
    page.type_text("#words", " again").await?;
    page.press_key("Enter").await?;
    page.wait_for_text("#loud", "HELLO AGAIN").await?;
    page.wait_for_text("#shout-count", "shouted 2 times")
        .await?;
    let history: Vec<String> = page
        .eval("[...document.querySelectorAll('#history > li')].map((e) => e.textContent)")
        .await?;
    assert_eq!(history, ["hello", "hello again"]);
    assert_eq!(
        callback_requests.load(Ordering::SeqCst),
        0,
        "a clientside callback reached the server"
    );
    assert_no_console_errors(&page).await;
    Ok(())
}

/// Samples the background example's page every 25 ms.
const SAMPLE_JOB: &str = r"
    window.__samples = [];
    setInterval(() => window.__samples.push({
        bar: Number(document.querySelector('#bar').value),
        running: document.querySelector('#run').disabled,
        log: document.querySelector('#log').innerText,
    }), 25);
";

#[derive(Debug, serde::Deserialize)]
struct Sample {
    bar: f64,
    running: bool,
    log: String,
}

/// The live example: every callback goes over the page's WebSocket, a
/// persistent callback pushes updates, and a page of another origin cannot
/// open the socket.
#[tokio::test(flavor = "multi_thread")]
async fn live_callbacks_answer_over_the_websocket_and_push_updates() -> TestResult {
    let server = gallery().await;
    let browser = Browser::launch().await?;
    let page = open(&browser, &server, "/live/", "#shout-out").await?;
    // Every text the ticker shows, as the page draws it.
    page.run(
        "window.__ticks = []; new MutationObserver(() => \
         window.__ticks.push(document.querySelector('#ticker').textContent)) \
         .observe(document.querySelector('#ticker'), {childList: true, subtree: true, characterData: true});",
    )
    .await?;
    page.wait_for_text("#shout-out", "HELLO").await?;
    page.wait_for_text(
        "#shout-status",
        "answered over the WebSocket (5 characters)",
    )
    .await?;
    page.clear_and_type("#shout-input", "live").await?;
    page.wait_for_text("#shout-out", "LIVE").await?;
    page.click("#read").await?;
    page.wait_for_text("#slider-said", "The slider is at 3.")
        .await?;
    // The persistent callback pushes ten updates, one after another.
    page.wait_until("window.__ticks.length >= 10").await?;
    let ticks: Vec<String> = page.eval("window.__ticks").await?;
    let numbers: Vec<u64> = ticks
        .iter()
        .map(|t| {
            t.trim_start_matches("Update ")
                .parse()
                .expect("an update number")
        })
        .collect();
    assert!(
        numbers.windows(2).all(|w| w[1] == w[0] + 1),
        "updates in order: {ticks:?}"
    );
    // No callback went over HTTP: none in the page's requests, none on the
    // server.
    let posts: u64 = page
        .eval(
            "performance.getEntriesByType('resource')\
             .filter(e => e.name.includes('_dash-update-component')).length",
        )
        .await?;
    assert_eq!(posts, 0);
    let metrics = reqwest_text(&server.url("/live/metrics")).await;
    let count = |route: &str| -> u64 {
        metrics
            .lines()
            .filter(|l| {
                l.starts_with("ferrodash_http_requests_total")
                    && l.contains(&format!("route=\"{route}\""))
            })
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum()
    };
    assert_eq!(
        count("update"),
        0,
        "no callback request over HTTP:\n{metrics}"
    );
    assert!(count("websocket") >= 1, "the socket was opened:\n{metrics}");
    page.screenshot(std::env::temp_dir().join("ferrodash-live.png"))
        .await?;
    assert_no_console_errors(&page).await;

    // A page of another origin (another port: the same site, so the page's
    // cookies go along, and no CSP of ours in the way) cannot open the
    // socket; the app's own page can.
    let socket_url = server
        .url("/live/_dash-ws-callback")
        .replacen("http://", "ws://", 1);
    let try_open = format!(
        "new Promise((done) => {{ const s = new WebSocket('{socket_url}'); \
         s.onopen = () => {{ s.close(); done('open'); }}; \
         s.onclose = (e) => done('closed ' + e.code); \
         setTimeout(() => done('no answer'), 10000); }})"
    );
    let own: String = page.eval(&try_open).await?;
    assert_eq!(own, "open");
    let elsewhere = spawn_router(ferrodash::axum::Router::new().route(
        "/",
        ferrodash::axum::routing::get(|| async {
            ferrodash::axum::response::Html("<p id=elsewhere>another site</p>")
        }),
    ))
    .await?;
    let other = browser.open(&elsewhere.url("/")).await?;
    other.wait_for("#elsewhere").await?;
    let refused: String = other.eval(&try_open).await?;
    assert_eq!(refused, "closed 1006");
    let metrics = reqwest_text(&server.url("/live/metrics")).await;
    assert!(
        metrics.contains("ferrodash_http_requests_total{route=\"websocket\",status=\"4xx\"} 1"),
        "the handshake was refused with 403:\n{metrics}"
    );
    Ok(())
}

/// A GET over plain HTTP, its body.
async fn reqwest_text(url: &str) -> String {
    let (host, path) = url
        .trim_start_matches("http://")
        .split_once('/')
        .expect("a URL");
    let mut stream = tokio::net::TcpStream::connect(host)
        .await
        .expect("the server");
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream
        .write_all(
            format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await
        .expect("sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("read");
    answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn background_job_shows_progress_and_cancel_stops_it() -> TestResult {
    use std::sync::atomic::Ordering;

    let done = example_background::StepsDone::default();
    let app = example_background::builder("/")
        .with_state(done.clone())
        .build()?;
    let server = spawn_router(app.router()).await?;
    let browser = Browser::launch().await?;
    let page = open(&browser, &server, "/", "#run").await?;
    page.run(SAMPLE_JOB).await?;
    page.click("#run").await?;
    let page = page.with_timeout(std::time::Duration::from_secs(30));
    page.wait_for_text("#result", "Run 1 finished 20 steps")
        .await?;
    let samples: Vec<Sample> = page.eval("window.__samples").await?;
    let bars: Vec<f64> = samples.iter().map(|s| s.bar).collect();
    let max = bars.iter().copied().fold(0.0, f64::max);
    assert!(
        (max - 100.0).abs() < f64::EPSILON,
        "the bar reached 100: {bars:?}"
    );
    let rising: Vec<f64> = bars.iter().copied().filter(|b| *b > 0.0).collect();
    assert!(
        rising.windows(2).all(|w| w[0] <= w[1]),
        "the bar only rose: {rising:?}"
    );
    assert!(
        rising.first().is_some_and(|b| *b <= 20.0),
        "it started low: {rising:?}"
    );
    assert!(
        samples.iter().any(|s| s.running),
        "the button was disabled while the job ran"
    );
    let logs: std::collections::BTreeSet<&str> = samples.iter().map(|s| s.log.as_str()).collect();
    assert!(
        logs.len() >= 4,
        "set_props arrived while the job ran: {logs:?}"
    );
    // When the job ends: the button is back, the bar back to its default.
    page.wait_until("!document.querySelector('#run').disabled")
        .await?;
    page.wait_until("Number(document.querySelector('#bar').value) === 0")
        .await?;
    assert_eq!(done.0.load(Ordering::SeqCst), example_background::STEPS);

    // Cancel: the work on the server stops.
    page.click("#run").await?;
    page.wait_until("Number(document.querySelector('#bar').value) >= 20")
        .await?;
    page.click("#cancel").await?;
    page.wait_until("!document.querySelector('#run').disabled")
        .await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let after_cancel = done.0.load(Ordering::SeqCst);
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert_eq!(
        done.0.load(Ordering::SeqCst),
        after_cancel,
        "the job went on working after cancel"
    );
    assert!(
        after_cancel < 2 * example_background::STEPS,
        "{after_cancel}"
    );
    assert_eq!(
        page.text("#result").await?,
        "Run 1 finished 20 steps",
        "a cancelled job sends no result"
    );

    // A failing job shows an error in the page; the server goes on serving.
    page.click("#fail").await?;
    page.wait_until("document.querySelector('#failure').innerText.startsWith('The job failed: the data source went away (reference ')")
        .await?;
    page.click("#run").await?;
    page.wait_for_text("#result", "Run 3 finished 20 steps")
        .await?;
    page.screenshot(std::env::temp_dir().join("ferrodash-background.png"))
        .await?;
    assert_no_console_errors(&page).await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn signalling_sends_only_a_key_and_serves_repeats_from_the_cache() -> TestResult {
    use ferrodash::Value;
    use std::time::{Duration, Instant};

    let server = gallery().await;
    let browser = Browser::launch().await?;
    let page = open(&browser, &server, "/signalling/", "#region").await?;
    let page = page.with_timeout(Duration::from_secs(30));
    page.run(RECORD_ANSWERS).await?;
    let north = r#"#region input[value="North"]"#;
    let started = Instant::now();
    page.click(north).await?;
    page.wait_until("document.querySelector('#total').innerText.startsWith('Total for North: ')")
        .await?;
    let computed_in = started.elapsed();
    let north_total = page.text("#total").await?;
    assert!(
        page.text("#source")
            .await?
            .starts_with("North: computed in "),
        "the first report is computed"
    );
    assert_eq!(page.count("#report-table tbody tr").await?, 5);
    page.click(r#"#region input[value="South"]"#).await?;
    page.wait_until("document.querySelector('#total').innerText.startsWith('Total for South: ')")
        .await?;
    // The same region again: the job finds the report in the cache.
    let started = Instant::now();
    page.click(north).await?;
    page.wait_for_text("#source", "North (from cache)").await?;
    page.wait_for_text("#total", &north_total).await?;
    let cached_in = started.elapsed();
    assert!(
        cached_in < computed_in,
        "from the cache in {cached_in:?}, computed in {computed_in:?}"
    );
    assert_eq!(page.count("#report-table tbody tr").await?, 5);

    // The background job's answers carry a short token, never the report;
    // the chained callback's answers carry the report.
    let answers: Vec<Value> = page
        .eval("window.__answers.filter((t) => t.length > 0).map((t) => JSON.parse(t))")
        .await?;
    let signals: Vec<&Value> = answers
        .iter()
        .filter(|a| a["response"].get("signal").is_some())
        .collect();
    assert_eq!(signals.len(), 3, "{answers:#?}");
    let tokens: Vec<&str> = signals
        .iter()
        .map(|a| a["response"]["signal"]["data"].as_str().unwrap_or_default())
        .collect();
    for (answer, token) in signals.iter().zip(&tokens) {
        assert!(
            token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()),
            "{answer}"
        );
        let text = answer.to_string();
        assert!(!text.contains("Anvils") && text.len() < 400, "{text}");
    }
    assert_eq!(tokens[0], tokens[2], "North's key both times");
    assert_ne!(tokens[0], tokens[1]);
    let drawn = answers
        .iter()
        .filter(|a| {
            a["response"]["report"]["children"]
                .to_string()
                .contains("Anvils")
        })
        .count();
    assert_eq!(drawn, 3, "{answers:#?}");
    page.screenshot(std::env::temp_dir().join("ferrodash-signalling.png"))
        .await?;
    assert_no_console_errors(&page).await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn big_series_zooms_with_server_side_downsampling() -> TestResult {
    let server = gallery().await;
    let browser = Browser::launch().await?;
    let mut page = open(&browser, &server, "/big-series/", "#series .main-svg").await?;
    // A debug build downsamples 10 million points per zoom; with the other
    // browser tests sharing two cores that can pass the default 10 s.
    page.set_timeout(std::time::Duration::from_secs(40));
    page.wait_until("document.querySelector('#series .scatterlayer .trace path.js-line')?.getAttribute('d').length > 1000")
        .await?;
    let note = page.text("#view-note").await?;
    assert!(
        note.starts_with("10,000,000 of 10,000,000 points in view, 2000 drawn"),
        "{note}"
    );
    // The trace holds the downsampled points, decoded from typed arrays.
    let drawn: usize = page
        .eval("document.querySelector('#series .js-plotly-plot')._fullData[0].x.length")
        .await?;
    assert_eq!(drawn, 2_000);

    // Zoom to a tenth of the x range, from 40 % to 50 %, as a zoom box
    // drawn with the mouse does: plotly.js turns either into the same
    // `relayoutData`. (A mouse drag under the parallel browser tests' load
    // was now and then taken for a click.)
    page.run("(() => { const gd = document.querySelector('#series .js-plotly-plot'); const [a, b] = gd._fullLayout.xaxis.range.map((d) => new Date(d.replace(' ', 'T') + 'Z').getTime()); const at = (f) => new Date(a + (b - a) * f).toISOString().replace('T', ' ').replace('Z', ''); return Plotly.relayout(gd, {'xaxis.range[0]': at(0.4), 'xaxis.range[1]': at(0.5)}).then(() => true); })()")
        .await?;
    // The server answers with the points of that range only: about a tenth
    // of the series in view, still about 2,000 drawn, all inside the range.
    page.wait_until("!document.querySelector('#view-note').innerText.startsWith('10,000,000 of')")
        .await?;
    let note = page.text("#view-note").await?;
    let in_view: f64 = note
        .split(' ')
        .next()
        .unwrap_or_default()
        .replace(',', "")
        .parse()?;
    assert!((700_000.0..1_300_000.0).contains(&in_view), "{note}");
    let (count, inside): (usize, bool) = page
        .eval("(() => { const gd = document.querySelector('#series .js-plotly-plot'); const x = gd._fullData[0].x; const r = gd.layout.xaxis.range.map((d) => new Date(d.replace(' ', 'T') + 'Z').getTime()); return [x.length, x[1] >= r[0] && x[x.length - 2] <= r[1]]; })()")
        .await?;
    assert!((1_900..=2_000).contains(&count), "{count} points drawn");
    assert!(inside, "the drawn points lie in the zoomed range");

    // Double-click resets the zoom: the whole series again.
    page.run("Plotly.relayout(document.querySelector('#series .js-plotly-plot'), {'xaxis.autorange': true}).then(() => true)")
        .await?;
    page.wait_until(
        "document.querySelector('#view-note').innerText.startsWith('10,000,000 of 10,000,000')",
    )
    .await?;
    page.screenshot(std::env::temp_dir().join("ferrodash-big-series.png"))
        .await?;
    assert_no_console_errors(&page).await;
    Ok(())
}

mod report {
    //! The SQL-backed report: three charts from SQL on the gallery's SQLite
    //! file, the total in the donut's centre, and filters that redraw them.

    use super::*;

    /// The donut's centre text as Plotly draws it (`Total` and the amount
    /// on two lines).
    const CENTRE: &str = "document.querySelector('#donut .annotation-text')?.textContent";

    /// Revenue in the filters, by a query of the test's own on the same file.
    async fn expected_centre(database: &std::path::Path, region: Option<&str>) -> String {
        use ferrodash::data::{Bind, BindConfig, Query};
        let bind = Bind::connect(
            "check",
            &format!("sqlite://{}", database.display()),
            BindConfig::default(),
        )
        .await
        .expect("the test opens the file");
        let (sql, params) = match region {
            Some(region) => (
                "select coalesce(sum(amount), 0) from sales where region = :region",
                ferrodash::json!({ "region": region }),
            ),
            None => (
                "select coalesce(sum(amount), 0) from sales",
                ferrodash::json!({}),
            ),
        };
        let total: f64 = bind
            .run(Query::inline("total", sql))
            .params(&params)
            .fetch_one()
            .await
            .expect("the total");
        bind.close().await;
        // Plotly draws `<br>` as a line break: the text runs together.
        example_report::centre_text(total).replace("<br>", "")
    }

    async fn centre_text(page: &Page) -> Result<String, Box<dyn std::error::Error>> {
        Ok(page
            .eval::<Option<String>>(CENTRE)
            .await?
            .unwrap_or_default())
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn report_draws_three_charts_from_sql_and_filters_redraw_them() -> TestResult {
        let server = gallery().await;
        let browser = Browser::launch().await?;
        let page = open(&browser, &server, "/report/", "#donut .main-svg").await?;

        // All three charts are drawn from the queries' rows.
        page.wait_until("document.querySelectorAll('#donut .slice').length === 4")
            .await?;
        page.wait_until("document.querySelectorAll('#treemap .slice').length > 20")
            .await?;
        page.wait_until("document.querySelectorAll('#monthly .trace.bars').length === 3")
            .await?;
        let bars: usize = page.count("#monthly .trace.bars .point").await?;
        assert_eq!(bars, 36, "12 months × 3 regions");
        let expected = expected_centre(&server.database, None).await;
        page.wait_until(&format!("{CENTRE} === {expected:?}"))
            .await?;
        assert!(expected.starts_with("Total$"), "{expected}");
        let all_regions = centre_text(&page).await?;

        // Choose Europe in the region filter: every chart follows.
        page.click("#region").await?;
        page.click(r#"[role=listbox] [role=option][data-option-index="3"]"#)
            .await?;
        let expected = expected_centre(&server.database, Some("Europe")).await;
        page.wait_until(&format!("{CENTRE} === {expected:?}"))
            .await?;
        assert_ne!(expected, all_regions);
        page.wait_until("document.querySelectorAll('#monthly .trace.bars').length === 1")
            .await?;
        page.wait_until(
            "document.querySelector('#treemap .slice text')?.textContent.includes('Europe')",
        )
        .await?;
        let headline = page.text("#headline").await?;
        assert!(headline.contains("order lines"), "{headline}");
        page.screenshot(std::env::temp_dir().join("ferrodash-report.png"))
            .await?;
        assert_no_console_errors(&page).await;
        Ok(())
    }
}

/// Every page above runs under the default Content-Security-Policy and ends
/// with `assert_no_console_errors`; this shows that a violation would be
/// such an error: a policy without the renderer's hash blocks its start.
#[tokio::test(flavor = "multi_thread")]
async fn a_csp_violation_would_show_as_a_console_error() -> TestResult {
    let strict = example_hello_world::builder("/")
        .content_security_policy("default-src 'self'; script-src 'self'")
        .build()?;
    let server = spawn_router(strict.router()).await?;
    let browser = Browser::launch().await?;
    let page = browser.open(&server.url("/")).await?;
    page.wait_until("document.readyState === 'complete'")
        .await?;
    let started = std::time::Instant::now();
    let errors = loop {
        let errors = page.console_errors().await;
        if !errors.is_empty() || started.elapsed() > std::time::Duration::from_secs(10) {
            break errors;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(
        errors.iter().any(|e| e.contains("Content Security Policy")),
        "{errors:#?}"
    );
    // Nothing rendered: the renderer never started.
    assert_eq!(page.count("#greeting").await?, 0);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_navigate_without_reloads_and_deep_links_open_their_page() -> TestResult {
    let server = gallery().await;
    let browser = Browser::launch().await?;
    let page = open(&browser, &server, "/pages/", "#nav").await?;
    page.wait_for_text("#_pages_content h2", "Welcome").await?;
    page.wait_until("document.title === 'Projects — home'")
        .await?;
    // A marker that a reload would wipe out.
    page.run("window.__still_here = true").await?;

    page.click("#nav-1").await?;
    page.wait_for_text("#_pages_content h2", "Projects").await?;
    page.wait_until("document.title === 'Projects'").await?;
    assert!(page.url().await?.ends_with("/pages/projects"));
    page.click("#project-2").await?;
    page.wait_for_text("#project-title", "Project 2 — Borealis")
        .await?;
    page.wait_for_text("#project-tab", "Tab: overview").await?;
    // The query string reaches the page's typed arguments.
    page.click("#costs-link").await?;
    page.wait_for_text("#project-tab", "Tab: costs").await?;
    assert!(page.url().await?.ends_with("/pages/projects/2?tab=costs"));
    // A callback inside a page.
    page.click("#like").await?;
    page.wait_for_text("#likes", "1 likes").await?;
    let still_here: bool = page.eval("window.__still_here === true").await?;
    assert!(still_here, "no link reloaded the page");

    // A deep link opens its page directly; a wrong one shows the 404 page.
    let deep = browser
        .open(&server.url("/pages/projects/3?tab=costs"))
        .await?;
    deep.wait_for_text("#project-title", "Project 3 — Cassini")
        .await?;
    deep.wait_for_text("#project-tab", "Tab: costs").await?;
    let lost = browser.open(&server.url("/pages/nowhere")).await?;
    lost.wait_for_text("#not-found", "404 - No such page")
        .await?;
    // An old path is redirected.
    let old = browser.open(&server.url("/pages/old-projects")).await?;
    old.wait_for("#project-list").await?;
    assert!(old.url().await?.ends_with("/pages/projects"));
    page.screenshot(std::env::temp_dir().join("ferrodash-pages.png"))
        .await?;
    for tab in [&page, &deep, &lost, &old] {
        assert_no_console_errors(tab).await;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_shareable_view_keeps_its_filters_in_the_address() -> TestResult {
    let server = gallery().await;
    let browser = Browser::launch().await?;
    let page = open(&browser, &server, "/pages/explore", "#metric").await?;
    page.wait_for_text(
        "#explore-summary",
        "Revenue from 2020 to 2026, projects matching “”",
    )
    .await?;
    page.run("window.__still_here = true").await?;

    // Change every filter as a user would.
    page.click("#metric").await?;
    page.click(r#"[role=listbox] [role=option][data-option-index="1"]"#)
        .await?;
    page.click("#years [role=slider]").await?;
    page.press_key("ArrowRight").await?;
    page.press_key("ArrowRight").await?;
    page.type_text("#search", "ab").await?;
    let expected = "Costs from 2022 to 2026, projects matching “ab”";
    page.wait_for_text("#explore-summary", expected).await?;

    // The address holds the view, written without a reload.
    page.wait_until("window.location.search.includes('search=ab')")
        .await?;
    let url = page.url().await?;
    assert!(url.contains("metric=Costs"), "{url}");
    assert!(url.contains("years=%5B2022%2C2026%5D"), "{url}");
    let still_here: bool = page.eval("window.__still_here === true").await?;
    assert!(still_here, "no reload");

    // Opening the address brings the same view back.
    let shared = browser.open(&url).await?;
    shared.wait_for_text("#explore-summary", expected).await?;
    // The dropdown's code loads on demand: wait for it to draw.
    shared.wait_for_text("#metric", "Costs").await?;
    let search: String = shared
        .eval("document.querySelector('#search').value")
        .await?;
    assert_eq!(search, "ab");
    shared
        .screenshot(std::env::temp_dir().join("ferrodash-shareable.png"))
        .await?;
    assert_no_console_errors(&page).await;
    assert_no_console_errors(&shared).await;
    Ok(())
}

/// `frame_ancestors` lets an allowed site show the app in an iframe and
/// stops any other: checked with two parent sites on other origins.
#[tokio::test(flavor = "multi_thread")]
async fn only_allowed_sites_can_embed_the_app() -> TestResult {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use ferrodash::axum::response::Html;
    use ferrodash::axum::routing::get;
    use ferrodash::axum::{Router, extract::Request, middleware::Next};

    // A parent page that frames whatever its `src` query names.
    let parent = || {
        Router::new().route(
            "/",
            get(|| async {
                Html(
                    "<!doctype html><title>portal</title><iframe id=f width=800 height=400></iframe>\
                     <script>document.getElementById('f').src = \
                     new URLSearchParams(location.search).get('src');</script>",
                )
            }),
        )
    };
    let allowed = spawn_router(parent()).await?;
    let other = spawn_router(parent()).await?;
    let origin = allowed.url("/").trim_end_matches('/').to_owned();

    let callbacks = Arc::new(AtomicUsize::new(0));
    let counter = callbacks.clone();
    let app = example_hello_world::builder("/")
        .frame_ancestors(["'self'".to_owned(), origin])
        .build()?;
    let embedded = spawn_router(app.router().layer(ferrodash::axum::middleware::from_fn(
        move |request: Request, next: Next| {
            if request.uri().path().ends_with("_dash-update-component") {
                counter.fetch_add(1, Ordering::SeqCst);
            }
            next.run(request)
        },
    )))
    .await?;
    let src = embedded.url("/");
    let browser = Browser::launch().await?;

    // The allowed site: the app runs in the frame and calls its callback.
    let page = browser
        .open(&format!("{}?src={src}", allowed.url("/")))
        .await?;
    let started = std::time::Instant::now();
    while callbacks.load(Ordering::SeqCst) == 0 {
        assert!(started.elapsed().as_secs() < 15, "the framed app never ran");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_no_console_errors(&page).await;

    // Any other site: the browser refuses to draw the app in the frame.
    let before = callbacks.load(Ordering::SeqCst);
    let page = browser
        .open(&format!("{}?src={src}", other.url("/")))
        .await?;
    let started = std::time::Instant::now();
    let errors = loop {
        let errors = page.console_errors().await;
        if errors.iter().any(|e| e.contains("frame-ancestors")) || started.elapsed().as_secs() > 10
        {
            break errors;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(
        errors.iter().any(|e| e.contains("frame-ancestors")),
        "{errors:#?}"
    );
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        callbacks.load(Ordering::SeqCst),
        before,
        "the app never ran there"
    );
    Ok(())
}

mod portal {
    use super::{TestResult, assert_no_console_errors, gallery};
    use example_portal::DEMO_PASSWORD_ALICE;
    use ferrodash_testing::browser::Browser;

    /// The status of a request the page makes with `fetch`.
    const STATUS_OF: &str = r"
        (async () => {
            const token = (document.cookie.match(/_csrf_token=([^;]+)/) || [])[1] || '';
            const layout = await fetch('/portal/_dash-layout');
            const update = await fetch('/portal/_dash-update-component', {
                method: 'POST',
                headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},
                body: JSON.stringify({output: 'signed-in-as.children', outputs: {id: 'signed-in-as', property: 'children'},
                    inputs: [{id: '_pages_location', property: 'pathname', value: '/portal/'}], changedPropIds: []}),
            });
            return [layout.status, update.status];
        })()
    ";

    #[tokio::test(flavor = "multi_thread")]
    async fn log_in_follow_links_open_a_deep_link_and_log_out() -> TestResult {
        let server = gallery().await;
        let browser = Browser::launch().await?;

        // Anonymous: a deep link leads to the login page, which keeps it.
        let page = browser
            .open(&server.url("/portal/accounts?region=Europe&search=a"))
            .await?;
        page.wait_for("#username").await?;
        let login_url = page.url().await?;
        assert!(
            login_url
                .contains("/portal/login?next=/portal/accounts%3Fregion%3DEurope%26search%3Da"),
            "{login_url}"
        );
        // Anonymous requests for the layout and callbacks are refused (in a
        // tab of their own: the browser logs refused requests as errors).
        let probe = browser.open(&server.url("/portal/login")).await?;
        probe.wait_for("#username").await?;
        let statuses: Vec<u16> = probe.eval(STATUS_OF).await?;
        assert_eq!(statuses, [401, 401]);

        // A wrong password is an error on the login page.
        page.type_text("#username", "alice").await?;
        page.type_text("#password", "not alice's password").await?;
        page.click("#login-submit").await?;
        page.wait_for_text("#login-error", "Wrong user name or password.")
            .await?;

        // The right one opens the deep link with its filters restored.
        page.clear_and_type("#password", DEMO_PASSWORD_ALICE)
            .await?;
        page.click("#login-submit").await?;
        page.wait_for("#accounts-table").await?;
        assert!(
            page.url()
                .await?
                .ends_with("/portal/accounts?region=Europe&search=a"),
            "{}",
            page.url().await?
        );
        page.wait_for_text("#signed-in-as", "Signed in as Alice Andersen")
            .await?;
        page.wait_until("document.querySelector('#search').value === 'a'")
            .await?;
        // The dropdown's code loads on demand: wait for it to draw.
        page.wait_until(
            "(document.querySelector('#region') || {}).textContent?.includes('Europe')",
        )
        .await?;
        page.wait_until(
            "(() => { const cells = [...document.querySelectorAll('#accounts-table td.region')];\
             return cells.length > 0 && cells.every((c) => c.textContent === 'Europe'); })()",
        )
        .await?;

        // Links draw pages with no reload.
        page.run("window.__still_here = true").await?;
        page.click("#nav-home").await?;
        page.wait_for_text("#welcome", "Welcome, Alice Andersen")
            .await?;
        page.click("#nav-accounts").await?;
        page.wait_for("#accounts-table").await?;
        page.wait_until("document.querySelectorAll('#accounts-table a').length > 1")
            .await?;
        page.run("document.querySelector('#accounts-table a').click()")
            .await?;
        page.wait_until(
            "(document.querySelector('#account-detail') || {}).textContent?.length > 0",
        )
        .await?;
        assert!(
            !page
                .text("#account-detail")
                .await?
                .contains("No such account")
        );
        page.click("#nav-admin").await?;
        page.wait_for("#admin-totals").await?;
        page.wait_until("document.querySelector('#admin-totals').textContent.includes('bob')")
            .await?;
        let still_here: bool = page.eval("window.__still_here === true").await?;
        assert!(still_here, "no link reloaded the page");
        page.screenshot(std::env::temp_dir().join("ferrodash-portal.png"))
            .await?;

        // A second tab of the same session.
        let other = browser.open(&server.url("/portal/accounts")).await?;
        other.wait_for("#accounts-table").await?;

        // Logging out ends the session: the app is refused again.
        page.click("#logout").await?;
        page.wait_for_text("#login-note", "You have logged out.")
            .await?;
        // The other tab learns at its next request, and goes to the login
        // page, to come back to the page it was opening.
        other.click("#nav-home").await?;
        other.wait_for("#username").await?;
        let back_to = other.url().await?;
        assert!(
            back_to.ends_with("/portal/login?next=%2Fportal%2F"),
            "{back_to}"
        );
        page.goto(&server.url("/portal/")).await?;
        page.wait_for("#username").await?;
        assert_no_console_errors(&page).await;
        Ok(())
    }
}
