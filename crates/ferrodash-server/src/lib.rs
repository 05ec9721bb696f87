//! The ferrodash server: serves Dash's own browser packages and answers their
//! requests from a typed Rust app.
//!
//! Build an [`App`] with [`App::builder`]: a layout of components and
//! [`Callback`]s between their props. [`AppBuilder::build`] checks the whole
//! app and lists every problem at once; [`App::serve`] runs it, and
//! [`App::router`] gives its routes to mount in a larger axum app.
//!
//! | route | answer |
//! | --- | --- |
//! | `GET /` and any other GET | the index page |
//! | `GET /_dash-layout` | the layout |
//! | `GET /_dash-dependencies` | the callbacks |
//! | `POST /_dash-update-component` | runs a callback |
//! | `GET /_dash-component-suites/…` | Dash's browser packages, embedded |
//! | `GET /assets/…` | the assets folder |
//! | `GET /_reload-hash` | hot reload |
//! | `GET /_dash-ws-callback` | WebSocket callbacks, when the app has any |
//! | `POST /_mcp` | the MCP server for AI agents, with [`Mcp`] |
//! | `GET /_favicon.ico` | the default favicon |
//! | `GET /health`, `GET /ready`, `GET /metrics` | health, readiness, Prometheus metrics |
//! | `GET`/`POST /login`, `GET`/`POST /logout` | the login page and logout, with a [`Login`] |

#![cfg_attr(docsrs, feature(doc_cfg))]

mod app;
mod assets;
mod background;
mod callback;
mod config;
mod cookies;
mod csrf;
mod dispatch;
mod index;
mod limits;
mod login;
mod mcp;
mod metrics;
mod package;
pub mod pages;
mod rejection;
mod reload;
mod routes;
mod security;
mod serve;
mod signing;
mod state;
mod ws;

pub use app::{App, AppBuilder};
pub use background::{
    BackgroundOptions, HandleProblem, InProcessQueue, Job, JobError, JobExecutor, JobLink,
    JobOutcome, JobPoll, JobQueue, JobState, Progress, RedisJobQueue,
};
pub use callback::*;
pub use config::{AppConfig, DevTools, WebSocketConfig};
pub use ferrodash_auth::Principal;
pub use index::DEFAULT_INDEX_TEMPLATE;
pub use limits::Limits;
pub use login::Login;
pub use mcp::Mcp;
pub use package::ComponentPackage;
pub use pages::{Page, PageInfo};
pub use rejection::ProtocolError;
pub use security::SecurityConfig;
pub use serve::serve_router;
pub use ws::Live;

/// The axum version the server is built on, for mounting apps in larger routers.
pub use axum;
