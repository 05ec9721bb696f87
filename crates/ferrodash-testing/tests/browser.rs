//! End-to-end tests of the browser harness: a real headless Chromium against a
//! page served on loopback by `spawn_router`.
//!
//! Every test launches its own browser, so they run in parallel.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "helpers of tests too, not only #[test] fns: a panic here is a failed test"
)]

use std::time::{Duration, Instant};

use axum::Router;
use axum::response::Html;
use axum::routing::get;
use ferrodash_testing::browser::{Browser, BrowserError, LaunchOptions, Page};
use ferrodash_testing::server::{RunningServer, spawn_router};

/// Button + counter, an input mirrored into a div on every `input` event, an
/// element added by a timer, and a button that throws.
const FIXTURE: &str = r#"<!doctype html>
<html>
<head>
  <meta charset="utf-8">
  <title>ferrodash-testing fixture</title>
  <link rel="icon" href="data:,">
  <style>
    body { font-family: sans-serif; margin: 24px; }
    button { font-size: 18px; padding: 6px 14px; }
    #count { font-size: 32px; color: #1f77b4; }
    .tall { height: 1600px; background: linear-gradient(#fff, #cde); }
  </style>
</head>
<body>
  <h1>Fixture</h1>
  <button id="inc">Add one</button>
  <div id="count">0</div>
  <input id="name" value="" autocomplete="off">
  <div id="mirror"></div>
  <button id="boom" onclick="throw new Error('boom from the fixture')">Throw</button>
  <div class="tall"></div>
  <button id="far">Far below</button>
  <div id="far-clicks">0</div>
  <script>
    const count = document.getElementById("count");
    document.getElementById("inc").addEventListener("click", () => {
      count.textContent = String(Number(count.textContent) + 1);
    });
    const mirror = document.getElementById("mirror");
    document.getElementById("name").addEventListener("input", (e) => {
      mirror.textContent = e.target.value;
    });
    const far = document.getElementById("far-clicks");
    document.getElementById("far").addEventListener("click", () => {
      far.textContent = String(Number(far.textContent) + 1);
    });
    setTimeout(() => {
      const late = document.createElement("p");
      late.id = "late";
      late.textContent = "arrived late";
      document.body.insertBefore(late, document.body.firstChild);
    }, 400);
  </script>
</body>
</html>
"#;

type TestResult = Result<(), Box<dyn std::error::Error>>;

async fn fixture_server() -> std::io::Result<RunningServer> {
    spawn_router(Router::new().route("/", get(|| async { Html(FIXTURE) }))).await
}

/// A browser, a server and the fixture page, loaded.
async fn open_fixture() -> Result<(Browser, RunningServer, Page), Box<dyn std::error::Error>> {
    let server = fixture_server().await?;
    let started = Instant::now();
    let browser = Browser::launch().await?;
    let launched = started.elapsed();
    let page = browser.open(&server.url("/")).await?;
    eprintln!(
        "browser launch {launched:?}, launch + first page {:?}",
        started.elapsed()
    );
    Ok((browser, server, page))
}

#[tokio::test(flavor = "multi_thread")]
async fn click_increments_counter() -> TestResult {
    let (browser, _server, page) = open_fixture().await?;
    assert_eq!(page.text("#count").await?, "0");
    page.click("#inc").await?;
    page.wait_for_text("#count", "1").await?;
    page.click("#inc").await?;
    page.click("#inc").await?;
    page.wait_for_text("#count", "3").await?;
    // An element far below the fold is scrolled into view before the click.
    page.click("#far").await?;
    page.wait_for_text("#far-clicks", "1").await?;
    let scrolled: f64 = page.eval("window.scrollY").await?;
    assert!(scrolled > 0.0, "page was not scrolled: {scrolled}");
    browser.close().await?;
    Ok(())
}

/// A page whose layout shifts the first time `trigger` fires: a 300 px
/// banner is inserted above the button, as when Dash re-renders between
/// locating an element and clicking it.
fn shifting_page(trigger: &str) -> String {
    format!(
        r#"<!doctype html><link rel="icon" href="data:,">
        <div id="top"></div>
        <button id="target">target</button>
        <div id="log"></div>
        <script>
          const log = (what) => document.getElementById("log").textContent += what + ";";
          document.getElementById("target").addEventListener("click", () => log("target"));
          let moved = false;
          window.addEventListener("{trigger}", () => {{
            if (moved) return;
            moved = true;
            const banner = document.createElement("div");
            banner.id = "banner";
            banner.style.height = "300px";
            banner.addEventListener("mouseup", () => log("banner-up"));
            banner.addEventListener("click", () => log("banner"));
            document.getElementById("top").appendChild(banner);
          }});
        </script>"#
    )
}

async fn click_on_shifting_page(trigger: &str) -> TestResult {
    let html = shifting_page(trigger);
    let server =
        spawn_router(Router::new().route("/", get(move || async move { Html(html) }))).await?;
    let browser = Browser::launch().await?;
    let page = browser.open(&server.url("/")).await?;
    page.click("#target").await?;
    assert_eq!(page.count("#banner").await?, 1, "the page did not move");
    // The events that missed reached no handler; the retry hit the button once.
    page.wait_for_text("#log", "target;").await?;
    browser.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn click_retries_when_the_page_moves_before_the_press() -> TestResult {
    click_on_shifting_page("mousemove").await
}

#[tokio::test(flavor = "multi_thread")]
async fn click_retries_when_the_page_moves_between_press_and_release() -> TestResult {
    click_on_shifting_page("mousedown").await
}

#[tokio::test(flavor = "multi_thread")]
async fn typing_fires_input_events() -> TestResult {
    let (browser, _server, page) = open_fixture().await?;
    page.type_text("#name", "Hello").await?;
    page.wait_for_text("#mirror", "Hello").await?;
    // Appends at the end, including characters outside the US layout.
    page.type_text("#name", ", wörld!").await?;
    page.wait_for_text("#mirror", "Hello, wörld!").await?;
    let value: String = page.eval("document.getElementById('name').value").await?;
    assert_eq!(value, "Hello, wörld!");

    page.clear_and_type("#name", "fresh").await?;
    page.wait_for_text("#mirror", "fresh").await?;
    page.press_key("Backspace").await?;
    page.wait_for_text("#mirror", "fres").await?;
    page.clear_and_type("#name", "").await?;
    page.wait_for_text("#mirror", "").await?;

    let unknown = page.press_key("NoSuchKey").await.unwrap_err();
    assert!(
        matches!(unknown, BrowserError::UnknownKey { .. }),
        "{unknown}"
    );
    browser.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn waits_for_late_element() -> TestResult {
    let (browser, _server, page) = open_fixture().await?;
    // The element is added 400 ms after load.
    page.wait_for("#late").await?;
    assert_eq!(page.text("#late").await?, "arrived late");
    page.wait_until("document.querySelectorAll('p').length === 1")
        .await?;
    page.wait_until("new Promise(r => setTimeout(() => r(true), 50))")
        .await?;
    browser.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn timeouts_report_what_was_last_seen() -> TestResult {
    let (browser, _server, page) = open_fixture().await?;
    page.click("#inc").await?;
    page.wait_for_text("#count", "1").await?;
    let page = page.with_timeout(Duration::from_millis(600));
    assert_eq!(page.timeout(), Duration::from_millis(600));

    let err = page.wait_for_text("#count", "5").await.unwrap_err();
    match &err {
        BrowserError::Timeout {
            what,
            last,
            timeout,
        } => {
            // The page's own timeout, not the 10 s default, ended the wait.
            assert_eq!(*timeout, Duration::from_millis(600));
            assert!(what.contains("#count"), "{what}");
            assert_eq!(last.as_deref(), Some("1"));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("last seen: \"1\""), "{message}");

    // Waiting for an element that never appears.
    let err = page.wait_for("#never").await.unwrap_err();
    assert!(
        matches!(err, BrowserError::Timeout { last: None, .. }),
        "{err}"
    );
    // Actions on it report the selector.
    let err = page.click("#never").await.unwrap_err();
    assert!(
        matches!(&err, BrowserError::NoElement { selector } if selector == "#never"),
        "{err}"
    );
    let err = page.text("#never").await.unwrap_err();
    assert!(matches!(err, BrowserError::NoElement { .. }), "{err}");
    // A predicate that throws reports the exception as the last thing seen.
    let err = page.wait_until("notThere.x").await.unwrap_err();
    match &err {
        BrowserError::Timeout {
            last: Some(last), ..
        } => {
            assert!(last.contains("notThere"), "{last}");
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    browser.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn eval_and_count() -> TestResult {
    let (browser, _server, page) = open_fixture().await?;
    assert_eq!(page.eval::<i64>("6 * 7").await?, 42);
    assert_eq!(
        page.eval::<String>("document.title").await?,
        "ferrodash-testing fixture"
    );
    let pair: (u32, String) = page.eval("Promise.resolve([1, 'a'])").await?;
    assert_eq!(pair, (1, "a".to_owned()));
    page.eval::<()>("undefined").await?;
    assert_eq!(page.eval::<Option<u8>>("null").await?, None);
    // The window size is the viewport.
    assert_eq!(page.eval::<u32>("window.innerWidth").await?, 1280);
    assert_eq!(page.eval::<u32>("window.innerHeight").await?, 800);

    assert_eq!(page.count("button").await?, 3);
    assert_eq!(page.count("#nothing").await?, 0);

    let err = page.eval::<i64>("undefinedFunction()").await.unwrap_err();
    match &err {
        BrowserError::Js { message } => assert!(message.contains("undefinedFunction"), "{message}"),
        other => panic!("expected a JavaScript error, got {other:?}"),
    }
    let err = page.eval::<i64>("'text'").await.unwrap_err();
    assert!(matches!(err, BrowserError::Decode { .. }), "{err}");
    browser.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn console_errors_are_collected() -> TestResult {
    let (browser, _server, page) = open_fixture().await?;
    assert_eq!(page.console_errors().await, Vec::<String>::new());

    page.click("#boom").await?;
    page.run("console.error('logged', 7, {a: 1})").await?;
    page.run("console.log('not an error')").await?;
    page.run("void Promise.reject(new TypeError('rejected'))")
        .await?;
    page.run("setTimeout(() => { throw new RangeError('from a timer'); }, 0)")
        .await?;
    page.wait_until("new Promise(r => setTimeout(() => r(true), 100))")
        .await?;

    let errors = page.console_errors().await;
    assert!(
        errors
            .iter()
            .any(|e| e.contains("Uncaught Error: boom from the fixture")),
        "{errors:#?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("console.error: logged 7")),
        "{errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("RangeError: from a timer")),
        "{errors:#?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("TypeError: rejected")),
        "{errors:#?}"
    );
    assert!(
        !errors.iter().any(|e| e.contains("not an error")),
        "{errors:#?}"
    );
    // The thrown error came first.
    assert!(errors[0].contains("boom"), "{errors:#?}");
    browser.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_resource_is_a_console_error() -> TestResult {
    let page_html = r#"<!doctype html><link rel="icon" href="data:,">
        <p id="p">x</p><script src="/missing.js"></script>"#;
    let server =
        spawn_router(Router::new().route("/", get(move || async move { Html(page_html) }))).await?;
    let browser = Browser::launch().await?;
    let page = browser.open(&server.url("/")).await?;
    let errors = page.console_errors().await;
    assert!(
        errors
            .iter()
            .any(|e| e.contains("404") && e.contains("/missing.js")),
        "{errors:#?}"
    );
    browser.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn implicit_favicon_request_is_not_an_error() -> TestResult {
    // No <link rel="icon">: Chromium asks for /favicon.ico on its own and
    // gets a 404, which is not the page's fault.
    let server =
        spawn_router(Router::new().route("/", get(|| async { Html("<p id=p>x</p>") }))).await?;
    let browser = Browser::launch().await?;
    let page = browser.open(&server.url("/")).await?;
    page.wait_for("#p").await?;
    page.run("fetch('/favicon.ico')").await?;
    assert_eq!(page.console_errors().await, Vec::<String>::new());
    browser.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn screenshot_is_a_full_page_png() -> TestResult {
    let (browser, _server, page) = open_fixture().await?;
    page.click("#inc").await?;
    page.type_text("#name", "in the picture").await?;
    page.wait_for_text("#mirror", "in the picture").await?;
    page.wait_for("#late").await?;

    let dir = std::env::temp_dir().join(format!("ferrodash-testing-shot-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("fixture.png");
    page.screenshot(&path).await?;
    let png = std::fs::read(&path)?;
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert!(
        png.len() > 10_000,
        "suspiciously small PNG: {} bytes",
        png.len()
    );
    // IHDR: width and height, big-endian, at bytes 16..24. Full page: the
    // 1600 px spacer makes it taller than the 800 px viewport.
    let width = u32::from_be_bytes(png[16..20].try_into()?);
    let height = u32::from_be_bytes(png[20..24].try_into()?);
    assert_eq!(width, 1280);
    assert!(height > 1600, "height {height}");
    if std::env::var_os("FERRODASH_KEEP_SCREENSHOT").is_some() {
        eprintln!("screenshot kept at {}", path.display());
    } else {
        std::fs::remove_dir_all(&dir)?;
    }
    browser.close().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn drop_cleans_up_processes_and_profile() -> TestResult {
    let server = fixture_server().await?;
    let browser = Browser::launch().await?;
    let page = browser.open(&server.url("/")).await?;
    page.wait_for("#late").await?;
    let pid = browser.pid().expect("a running browser has a pid");
    let profile = browser.user_data_dir().to_path_buf();
    assert!(profile.is_dir());
    assert!(std::path::Path::new(&format!("/proc/{pid}")).exists());
    let helpers = processes_mentioning(&profile);
    assert!(
        !helpers.is_empty(),
        "no helper processes found for {}",
        profile.display()
    );

    drop(page);
    drop(browser);

    assert!(
        !profile.exists(),
        "profile {} left behind",
        profile.display()
    );
    let left: Vec<u32> = helpers.into_iter().filter(|&p| is_running(p)).collect();
    assert!(
        left.is_empty(),
        "chromium processes still running: {left:?}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn close_cleans_up_processes_and_profile() -> TestResult {
    let browser = Browser::launch().await?;
    let version = browser.version().await?;
    assert!(version.contains("Chrome/"), "{version}");
    let profile = browser.user_data_dir().to_path_buf();
    let helpers = processes_mentioning(&profile);
    browser.close().await?;
    assert!(!profile.exists());
    let left: Vec<u32> = helpers.into_iter().filter(|&p| is_running(p)).collect();
    assert!(
        left.is_empty(),
        "chromium processes still running: {left:?}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_url_is_a_navigation_error() -> TestResult {
    // Bind a port, then free it, so nothing listens there.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.local_addr()?.port()
    };
    let unreachable = format!("http://127.0.0.1:{port}/");
    let browser = Browser::launch().await?;
    let err = browser.open(&unreachable).await.unwrap_err();
    match &err {
        BrowserError::Navigation { reason, url } => {
            assert_eq!(reason, "net::ERR_CONNECTION_REFUSED");
            assert_eq!(url, &unreachable);
        }
        other => panic!("expected a navigation error, got {other:?}"),
    }

    // `goto` on an open page fails the same way, and leaves the page showing
    // Chromium's error page (which `goto` also recognises on its own).
    let server = fixture_server().await?;
    let page = browser.open(&server.url("/")).await?;
    let err = page.goto(&unreachable).await.unwrap_err();
    assert!(matches!(err, BrowserError::Navigation { .. }), "{err}");
    assert!(page.url().await?.starts_with("chrome-error:"));
    let code: String = page
        .eval("document.querySelector('.error-code').textContent.trim()")
        .await?;
    assert_eq!(code, "ERR_CONNECTION_REFUSED");
    // And it can navigate back.
    page.goto(&server.url("/")).await?;
    page.click("#inc").await?;
    page.wait_for_text("#count", "1").await?;
    browser.close().await?;
    Ok(())
}

/// App authors may use plain `#[tokio::test]`: launching, driving and
/// dropping a browser must not depend on a second worker thread.
#[tokio::test]
async fn works_on_a_current_thread_runtime() -> TestResult {
    let server = fixture_server().await?;
    let browser = Browser::launch().await?;
    let page = browser.open(&server.url("/")).await?;
    page.click("#inc").await?;
    page.wait_for_text("#count", "1").await?;
    let profile = browser.user_data_dir().to_path_buf();
    drop(page);
    drop(browser);
    assert!(!profile.exists());
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_executable_fails_with_install_hint() {
    let err =
        Browser::launch_with(LaunchOptions::default().with_executable("/nonexistent/chromium"))
            .await
            .unwrap_err();
    assert!(matches!(err, BrowserError::NotFound { .. }), "{err}");
    assert!(
        err.to_string().contains("apt-get install chromium"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn launch_failure_shows_chromium_stderr() {
    // `false` exits at once without announcing a DevTools endpoint.
    let err = Browser::launch_with(LaunchOptions::default().with_executable("/bin/false"))
        .await
        .unwrap_err();
    match &err {
        BrowserError::Launch { reason, .. } => assert!(reason.contains("exited"), "{reason}"),
        other => panic!("expected a launch error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn server_answers_and_shuts_down() -> TestResult {
    let server = fixture_server().await?;
    let addr = server.addr();
    assert!(addr.ip().is_loopback());
    // A plain HTTP/1.1 request over a socket.
    let body = http_get(addr, "/").await?;
    assert!(body.contains("ferrodash-testing fixture"), "{body}");
    server.shutdown().await?;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    Ok(())
}

async fn http_get(addr: std::net::SocketAddr, path: &str) -> std::io::Result<String> {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    stream
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    Ok(response)
}

/// Pids whose command line mentions `needle` (Chromium's helper processes
/// carry the profile path).
fn processes_mentioning(needle: &std::path::Path) -> Vec<u32> {
    let needle = needle.to_string_lossy().into_owned();
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        if let Ok(cmdline) = std::fs::read(entry.path().join("cmdline"))
            && String::from_utf8_lossy(&cmdline).contains(&needle)
        {
            pids.push(pid);
        }
    }
    pids
}

/// Running, i.e. present and not a zombie waiting to be reaped.
fn is_running(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    let state = stat
        .rfind(')')
        .and_then(|i| stat[i + 1..].split_whitespace().next())
        .unwrap_or("?");
    state != "Z" && state != "X"
}

/// Browsers and pages can move between tasks, and their futures can be
/// spawned, as tests with several concurrent users need.
#[test]
fn handles_and_futures_are_send() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    fn send<T: Send>(_: &T) {}
    fn spawnable(browser: &Browser, page: &Page) {
        send(&browser.open("http://127.0.0.1:1/"));
        send(&page.click("#x"));
        send(&page.type_text("#x", "y"));
        send(&page.wait_for_text("#x", "y"));
        send(&page.eval::<u32>("1"));
        send(&page.console_errors());
        send(&page.screenshot("x.png"));
        send_sync(browser);
        send_sync(page);
    }
    fn closable(browser: Browser, server: RunningServer) {
        send(&browser.close());
        send(&server.shutdown());
    }
    let _ = (spawnable, closable);
    send(&Browser::launch());
    send(&spawn_router(Router::new()));
    send_sync(&LaunchOptions::default());
    send_sync(&BrowserError::NoElement {
        selector: String::new(),
    });
}
