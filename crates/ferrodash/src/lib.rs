//! ferrodash: Dash's model in Rust.
//!
//! An app is a layout of components and callbacks between their props. The
//! ferrodash server speaks Dash's wire protocol, so Dash's own browser packages
//! render the app unchanged, and Dash's documentation applies.
//!
//! ```no_run
//! use ferrodash::prelude::*;
//!
//! async fn greet(Input(name): Input<Option<String>>) -> String {
//!     format!("Hello, {}!", name.unwrap_or_else(|| "world".into()))
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let app = App::builder()
//!         .title("Hello")
//!         .layout(html::div((
//!             html::h1("Hello"),
//!             dcc::input("name").value("world"),
//!             html::div(Node::Null).id("greeting"),
//!         )))
//!         .callback(Callback::new(greet).output("greeting", "children").input("name", "value"))
//!         .build()?;
//!     app.serve("127.0.0.1:8050").await?;
//!     Ok(())
//! }
//! ```
//!
//! | crate | what it holds |
//! | --- | --- |
//! | `ferrodash-core` | component tree, ids, callback declarations, validation, wire types |
//! | `ferrodash-components` | typed builders for `html`, `dcc` and `dash_table` |
//! | `ferrodash-server` | the axum server, callbacks, background routes, WebSocket callbacks, the MCP server, embedded front end |
//! | `ferrodash-jobs` | where background jobs run: in process, or shared by processes through Redis (`RedisJobQueue`) |
//! | `ferrodash-data` | SQL binds: embedded SQLite by default, PostgreSQL, MySQL/MariaDB; queries in `.sql` files |
//! | `ferrodash-figures` | typed Plotly figures, a Plotly-Express-like API (`px`), downsampling |
//! | `ferrodash-cache` | the memoize cache and server-side stores: in memory or Redis, scoped per user |
//!
//! Features add Dash's most used component libraries, each generated from its
//! pinned wheel and served from the binary: `ag-grid` ([`ag_grid`], dash-ag-grid),
//! `bootstrap` ([`bootstrap`], dash-bootstrap-components) and `mantine`
//! ([`mantine`], dash-mantine-components). `oidc` adds OpenID Connect login.

#![cfg_attr(docsrs, feature(doc_cfg))]

pub use ferrodash_auth as auth;
pub use ferrodash_auth::{Credentials, Principal, Sessions, Users};
pub use ferrodash_cache as cache;
pub use ferrodash_cache::{MemoCache, Scope, ServerStore, StoreError, StoreKey};
#[cfg(feature = "ag-grid")]
pub use ferrodash_components::ag_grid;
#[cfg(feature = "bootstrap")]
pub use ferrodash_components::bootstrap;
#[cfg(feature = "mantine")]
pub use ferrodash_components::mantine;
pub use ferrodash_components::{dash_table, dcc, html};
pub use ferrodash_core as core;
pub use ferrodash_core::{
    ALL, ALLSMALLER, BuildErrors, CallbackError, Column, Columns, Component, ComponentId, Download,
    DownloadError, IdValue, InitialCall, IntoPropValue, Json, MATCH, NoUpdate, Node, Patch,
    PreventUpdate,
};
pub use ferrodash_data as data;
pub use ferrodash_figures as figures;
pub use ferrodash_figures::{Figure, px};
pub use ferrodash_server::*;
pub use serde_json::{Value, json};

/// The result of building an app: the app, or every problem found.
pub type BuildResult<T> = Result<T, BuildErrors>;

/// The names most apps use.
pub mod prelude {
    pub use crate::{
        ALL, ALLSMALLER, App, AppState, Callback, CallbackContext, CallbackError,
        ClientsideCallback, Component, ComponentId, Download, Figure, InitialCall, Input, Json,
        Login, MATCH, MemoCache, NoUpdate, Node, Patch, PreventUpdate, Principal, Progress,
        SetProps, State, Store, StoreKey, Triggered, Value, callback, dash_table, dcc, html, json,
        px,
    };
}

/// Compiles the README's examples as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
