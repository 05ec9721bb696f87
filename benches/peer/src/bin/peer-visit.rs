//! Bytes a browser fetches to show a report: Debian's headless Chromium
//! opens the page with an empty cache (first visit), then again (repeat
//! visit), and adds up the transfer sizes of the document and of every
//! resource and request the page made until its figures were drawn.
//!
//! Usage: `peer-visit URL [LOGIN_URL USER PASSWORD]`; prints
//! `VISIT first=<bytes> repeat=<bytes>`.

use std::time::Duration;

use ferrodash_testing::browser::{Browser, LaunchOptions, Page};

/// Drawn: three plotly figures with data, nothing loading.
const DRAWN: &str = "(() => {\
    const plots = [...document.querySelectorAll('.js-plotly-plot')];\
    return plots.length >= 3 && plots.every((p) => p._fullData && p._fullData.length > 0)\
        && !document.querySelector('[data-dash-is-loading=\"true\"]');\
})()";

/// The bytes of this page load so far.
const BYTES: &str = "(() => {\
    const nav = performance.getEntriesByType('navigation').reduce((n, e) => n + e.transferSize, 0);\
    return nav + performance.getEntriesByType('resource').reduce((n, e) => n + e.transferSize, 0);\
})()";

async fn visit(page: &Page, url: &str) -> Result<u64, Box<dyn std::error::Error>> {
    page.goto(url).await?;
    page.wait_until(DRAWN).await?;
    // Late requests (lazy chunks, the last callbacks) settle.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let bytes: f64 = page.eval(BYTES).await?;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(bytes as u64)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(url) = args.first() else {
        return Err("usage: peer-visit URL [LOGIN_URL USER PASSWORD]".into());
    };
    let browser =
        Browser::launch_with(LaunchOptions::default().with_timeout(Duration::from_secs(60)))
            .await?;
    let page = browser.open("about:blank").await?;
    if let (Some(login), Some(user), Some(password)) = (args.get(1), args.get(2), args.get(3)) {
        // Logged in first: the login page's few bytes are not counted.
        page.goto(login).await?;
        page.type_text("#username", user).await?;
        page.type_text("#password", password).await?;
        page.click("#login-submit").await?;
        page.wait_until(DRAWN).await?;
        // Start the counted visit with an empty cache.
        page.cdp()
            .execute(
                chromiumoxide::cdp::browser_protocol::network::ClearBrowserCacheParams::default(),
            )
            .await?;
    }
    let first = visit(&page, url).await?;
    let repeat = visit(&page, url).await?;
    println!("VISIT first={first} repeat={repeat}");
    browser.close().await?;
    Ok(())
}
