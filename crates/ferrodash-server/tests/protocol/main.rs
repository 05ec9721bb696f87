//! Protocol conformance: every route and answer form of the Dash wire
//! protocol, driven in process through the app's router.

mod background;
mod build;
mod callbacks;
mod csrf;
mod limits;
mod login;
mod malformed;
mod mcp;
mod observability;
mod pages;
mod security_headers;
mod server_store;
mod static_files;
mod support;
mod websocket;
mod ws_client;
