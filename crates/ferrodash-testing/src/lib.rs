//! Test harness for ferrodash apps.
//!
//! - [`browser`]: a real headless Chromium, driven over the Chrome DevTools
//!   Protocol, that clicks, types and reads pages the way a user does. Use it
//!   to check that Dash's own front end renders your app and that your
//!   callbacks answer it.
//! - [`client`]: call an app's routes in process, without a socket, and
//!   build callback requests the way the renderer does.
//! - [`fault_proxy`]: a TCP proxy to put in front of a database server and
//!   cut on demand, to see what an app does while the server is down.
//! - [`mcp_client`]: the reference MCP client (Python's `mcp`) driving an
//!   app's MCP server, as an AI agent's host does.
//! - [`redis_server`]: a private Redis server a test can stop and start,
//!   to see what an app does while Redis is down.
//! - [`server`]: serve any axum [`Router`](axum::Router) on a free loopback
//!   port for the browser (or any HTTP client) to talk to.
//!
//! A test (run it under `#[tokio::test(flavor = "multi_thread")]`):
//!
//! ```no_run
//! use axum::{Router, response::Html, routing::get};
//! use ferrodash_testing::{browser::Browser, server::spawn_router};
//!
//! async fn button_counts_clicks() -> Result<(), Box<dyn std::error::Error>> {
//!     let page_html = r#"<button id="b" onclick="this.textContent = +this.textContent + 1">0</button>"#;
//!     let server = spawn_router(Router::new().route("/", get(move || async move { Html(page_html) }))).await?;
//!     let browser = Browser::launch().await?;
//!     let page = browser.open(&server.url("/")).await?;
//!     page.click("#b").await?;
//!     page.wait_for_text("#b", "1").await?;
//!     Ok(())
//! }
//! ```
//!
//! # Features
//!
//! This crate has no optional features. It needs a Chromium or Chrome
//! executable at run time (on Debian: `apt-get install chromium
//! chromium-driver`); see [`browser::Browser::launch`].

#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod browser;
pub mod client;
pub mod fault_proxy;
pub mod mcp_client;
pub mod oidc_provider;
pub mod redis_server;
pub mod server;
