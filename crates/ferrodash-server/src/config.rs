//! App settings: titles, URL prefixes, assets, dev tools, limits.

use std::path::PathBuf;

/// Settings of an app. Start from [`AppConfig::default`] and change fields, or
/// use the shortcuts on [`AppBuilder`](crate::AppBuilder).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AppConfig {
    /// The page title (default `ferrodash`).
    pub title: String,
    /// The document title while callbacks run; `None` leaves it unchanged
    /// (default `Updating...`).
    pub update_title: Option<String>,
    /// Where the routes are mounted; starts and ends with `/` (default `/`).
    pub routes_pathname_prefix: String,
    /// The prefix the browser uses, when a proxy adds to the routes prefix;
    /// starts and ends with `/` and ends with the routes prefix. Default: the
    /// routes prefix.
    pub requests_pathname_prefix: Option<String>,
    /// `<meta>` tags, each a list of attribute pairs.
    pub meta_tags: Vec<Vec<(String, String)>>,
    /// Extra scripts loaded before the renderer: URLs.
    pub external_scripts: Vec<String>,
    /// Extra stylesheets: URLs.
    pub external_stylesheets: Vec<String>,
    /// The assets folder whose CSS, JS and favicon are included (default
    /// `assets`, relative to the working directory). A missing folder is fine.
    pub assets_folder: PathBuf,
    /// The URL path the assets are served under (default `assets`).
    pub assets_url_path: String,
    /// Whether CSS and JS files in the assets folder are added to the page.
    pub include_assets_files: bool,
    /// A replacement for the index page template; see [`crate::DEFAULT_INDEX_TEMPLATE`].
    pub index_template: Option<String>,
    /// Skip the checks that callback ids exist in the layout (for components
    /// created by callbacks).
    pub suppress_callback_exceptions: bool,
    /// Dev tools and debug behaviour.
    pub dev_tools: DevTools,
    /// The largest callback (or MCP) request body accepted, in bytes
    /// (default 2 MiB; raise it for apps that upload files through
    /// `dcc.Upload`, whose contents travel in the callback body).
    pub max_body_bytes: usize,
    /// The key that signs page tokens. Default: random per process.
    pub secret_key: Option<Vec<u8>>,
    /// Show the undo/redo buttons.
    pub show_undo_redo: bool,
    /// The security headers of every response.
    pub security: crate::SecurityConfig,
    /// Serve Prometheus metrics at `metrics` under the routes prefix
    /// (default off: they name every callback).
    pub metrics_endpoint: bool,
    /// Refuse callback requests without the renderer's `X-CSRFToken`
    /// double-submit token (default on).
    pub csrf_protection: bool,
    /// Mark the cookies the app sets `Secure` (sent over HTTPS only). Turn
    /// it on wherever the app is served over HTTPS.
    pub secure_cookies: bool,
    /// Production mode: the app refuses to build without a strong
    /// `secret_key` (32 bytes or more, not one repeated byte) or with debug
    /// features on, and its cookies are `Secure`.
    pub production: bool,
    /// WebSocket callbacks (`_dash-ws-callback`).
    pub websocket: WebSocketConfig,
    /// Timeouts and the cap on requests at once.
    pub limits: crate::Limits,
}

/// WebSocket callbacks: the route `_dash-ws-callback` is served, and the
/// page opens the socket, when [`enabled`](Self::enabled) is on or a
/// callback is marked [`websocket`](crate::Callback::websocket).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WebSocketConfig {
    /// Every callback (but background ones) goes over the WebSocket where
    /// the browser can (default off: only those marked `websocket`).
    pub enabled: bool,
    /// Origins besides the app's own (its `Host`) that may open the socket,
    /// exactly as browsers send them, like `https://portal.example.com`.
    pub allowed_origins: Vec<String>,
    /// The page closes a socket idle this long (default 5 minutes).
    pub inactivity_timeout: std::time::Duration,
    /// How long a callback waits for the page's answer to a prop it asked
    /// for (default 30 s).
    pub get_props_timeout: std::time::Duration,
    /// Callbacks one connection may run at once (default 64); more are
    /// answered with an error.
    pub max_running_per_connection: usize,
}

impl Default for WebSocketConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            allowed_origins: Vec::new(),
            inactivity_timeout: std::time::Duration::from_secs(300),
            get_props_timeout: std::time::Duration::from_secs(30),
            max_running_per_connection: 64,
        }
    }
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            title: "ferrodash".to_owned(),
            update_title: Some("Updating...".to_owned()),
            routes_pathname_prefix: "/".to_owned(),
            requests_pathname_prefix: None,
            meta_tags: Vec::new(),
            external_scripts: Vec::new(),
            external_stylesheets: Vec::new(),
            assets_folder: PathBuf::from("assets"),
            assets_url_path: "assets".to_owned(),
            include_assets_files: true,
            index_template: None,
            suppress_callback_exceptions: false,
            dev_tools: DevTools::default(),
            max_body_bytes: 2 * 1024 * 1024,
            secret_key: None,
            show_undo_redo: false,
            security: crate::SecurityConfig::default(),
            metrics_endpoint: false,
            csrf_protection: true,
            secure_cookies: false,
            production: false,
            websocket: WebSocketConfig::default(),
            limits: crate::Limits::default(),
        }
    }
}

impl AppConfig {
    /// The prefix written into the page for every URL.
    #[must_use]
    pub fn requests_prefix(&self) -> &str {
        self.requests_pathname_prefix
            .as_deref()
            .unwrap_or(&self.routes_pathname_prefix)
    }

    /// Whether the cookies the app sets are `Secure`: asked for, or in
    /// production mode.
    #[must_use]
    pub const fn cookies_secure(&self) -> bool {
        self.secure_cookies || self.production
    }
}

/// Dev tools and debug behaviour (Dash's `debug=True` switches).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
#[allow(clippy::struct_excessive_bools)]
pub struct DevTools {
    /// The dev tools UI in the page; callback error details reach it.
    pub ui: bool,
    /// Check component props in the browser (serves React's development builds).
    pub props_check: bool,
    /// Serve the renderer's development bundles.
    pub serve_dev_bundles: bool,
    /// Reload the page or swap CSS when assets change.
    pub hot_reload: bool,
    /// How often the page asks whether to reload, in milliseconds.
    pub hot_reload_interval_ms: u64,
    /// Failed reload polls before the page stops polling.
    pub hot_reload_max_retry: u32,
    /// Validate callbacks in the browser too.
    pub validate_callbacks: bool,
}

impl Default for DevTools {
    fn default() -> Self {
        Self::off()
    }
}

impl DevTools {
    /// Everything off: production.
    #[must_use]
    pub const fn off() -> Self {
        Self {
            ui: false,
            props_check: false,
            serve_dev_bundles: false,
            hot_reload: false,
            hot_reload_interval_ms: 3000,
            hot_reload_max_retry: 8,
            validate_callbacks: false,
        }
    }

    /// Everything on: what Dash's `debug=True` turns on.
    #[must_use]
    pub const fn debug() -> Self {
        Self {
            ui: true,
            props_check: true,
            serve_dev_bundles: true,
            hot_reload: true,
            hot_reload_interval_ms: 3000,
            hot_reload_max_retry: 8,
            validate_callbacks: true,
        }
    }

    /// Whether any debug behaviour is on.
    #[must_use]
    pub const fn any(&self) -> bool {
        self.ui
            || self.props_check
            || self.serve_dev_bundles
            || self.hot_reload
            || self.validate_callbacks
    }
}
