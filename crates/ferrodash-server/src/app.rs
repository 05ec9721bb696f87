//! Building an app: layout, callbacks, settings, checked all at once.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use ferrodash_cache::{MemoCache, Scope, ServerStore};
use ferrodash_core::{
    BuildError, BuildErrors, CallbackSpec, ComponentLibrary, Node, Role, ValidationInput,
};
use ferrodash_core::{NoUpdate, PropRef};
use serde_json::Value;

use crate::assets::AssetsIndex;
use crate::background::{BackgroundOptions, InProcessQueue, JobQueue};
use crate::callback::{
    ArgRole, Callback, ClientsideCallback, ErasedHandler, Input, OnError, panic_message,
};
use crate::config::{AppConfig, DevTools};
use crate::index::{IndexInputs, IndexPage, missing_placeholders};
use crate::package::ComponentPackage;
use crate::reload::ReloadState;
use crate::signing::Signer;
use crate::state::StateMap;

/// A layout function, run on every page load with the logged-in user.
pub(crate) type LayoutFn =
    Arc<dyn Fn(Option<&ferrodash_auth::Principal>) -> Node + Send + Sync + 'static>;

/// Where the layout comes from.
pub(crate) enum LayoutSource {
    /// Serialized once when the app was built.
    Static(Bytes),
    /// Built on every page load.
    Dynamic(LayoutFn),
}

/// A callback ready to serve.
pub(crate) struct Registered {
    pub(crate) spec: Arc<CallbackSpec>,
    pub(crate) handler: ErasedHandler,
    /// Its function's arguments: their roles and value schemas.
    pub(crate) roles: Vec<ArgRole>,
    pub(crate) schemas: crate::callback::ArgSchemas,
    /// Offered as an MCP tool, and what it does.
    pub(crate) mcp: bool,
    pub(crate) description: Option<String>,
    /// Set for background callbacks.
    pub(crate) background: Option<BackgroundOptions>,
    /// Answers failures with output values.
    pub(crate) on_error: Option<OnError>,
    /// Where its metrics are.
    pub(crate) metrics_slot: usize,
    /// Groups the user must be in.
    pub(crate) groups: Vec<String>,
}

/// Everything a built app serves from.
pub(crate) struct AppInner {
    pub(crate) config: AppConfig,
    pub(crate) layout: LayoutSource,
    pub(crate) callbacks: HashMap<String, Registered>,
    pub(crate) dependencies: Bytes,
    pub(crate) index: IndexPage,
    pub(crate) packages: Vec<ComponentPackage>,
    pub(crate) signer: Signer,
    pub(crate) state: Arc<StateMap>,
    pub(crate) reload: ReloadState,
    pub(crate) queue: Arc<dyn JobQueue>,
    pub(crate) cache: MemoCache,
    /// The app's own cache scope, if it gave one.
    pub(crate) cache_scope: Option<CacheScopeFn>,
    /// How users log in, when the app has a login.
    pub(crate) login: Option<Arc<crate::login::LoginState>>,
    pub(crate) security_headers: crate::security::SecurityHeaders,
    /// The pages in registry order, and the redirects from old paths.
    pub(crate) pages: Vec<crate::pages::PageInfo>,
    pub(crate) redirects: Vec<(String, String)>,
    /// The router of a multi-page app, for the index page's meta tags.
    pub(crate) page_routes: Option<Arc<crate::pages::PageRoutes>>,
    pub(crate) metrics: Arc<crate::metrics::Metrics>,
    /// `/<assets_url_path>/`, for counting requests by route.
    pub(crate) assets_prefix: String,
    pub(crate) readiness: Vec<(String, ReadinessCheck)>,
    /// The permits of the cap on requests at once.
    pub(crate) request_permits: crate::limits::RequestPermits,
    /// One per open WebSocket connection.
    pub(crate) websocket_permits: crate::limits::RequestPermits,
    /// The app's own metrics, appended to `/metrics`.
    pub(crate) metric_sources: Vec<MetricSource>,
    /// Whether `_dash-ws-callback` is served (WebSocket callbacks).
    pub(crate) websocket: bool,
    /// The MCP server, when the app has one.
    pub(crate) mcp: Option<Arc<crate::mcp::McpState>>,
}

/// Writes an app's own metrics in Prometheus's text format.
pub(crate) type MetricSource = Arc<dyn Fn() -> String + Send + Sync>;

/// A check run by `/ready`: `Err` says why the app cannot serve.
pub(crate) type ReadinessCheck = Arc<
    dyn Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send>>
        + Send
        + Sync,
>;

/// Picks the cache scope (the user or tenant) of a request.
pub(crate) type CacheScopeFn = Arc<dyn Fn(&http::HeaderMap) -> Scope + Send + Sync>;

/// A built, validated app. Cheap to clone; serve it with [`App::serve`] or
/// mount [`App::router`] in a larger axum app.
#[derive(Clone)]
pub struct App {
    pub(crate) inner: Arc<AppInner>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("title", &self.inner.config.title)
            .field("callbacks", &self.inner.callbacks.len())
            .finish_non_exhaustive()
    }
}

impl AppInner {
    /// Who cached and stored data of a request belongs to: the app's own
    /// scope function if it has one, else the logged-in user, else
    /// everyone.
    pub(crate) fn scope_of(
        &self,
        headers: &http::HeaderMap,
        user: Option<&ferrodash_auth::Principal>,
    ) -> Scope {
        match (&self.cache_scope, user) {
            (Some(scope), _) => scope(headers),
            (None, Some(user)) => Scope::user(user.id.clone()),
            (None, None) => Scope::Public,
        }
    }
}

impl App {
    /// The app's pages in registry order, for navigation (empty for a
    /// single-page app).
    #[must_use]
    pub fn pages(&self) -> &[crate::PageInfo] {
        &self.inner.pages
    }

    /// Starts building an app.
    pub fn builder() -> AppBuilder {
        AppBuilder::default()
    }

    /// The app's settings.
    #[must_use]
    pub fn config(&self) -> &AppConfig {
        &self.inner.config
    }
}

/// Builds an [`App`]; [`AppBuilder::build`] checks everything and lists every
/// problem at once.
///
/// ```
/// use ferrodash_core::Component;
/// use ferrodash_server::{App, Callback, Input};
///
/// async fn echo(Input(text): Input<Option<String>>) -> String {
///     text.unwrap_or_default()
/// }
///
/// let layout = Component::new("dash_html_components", "Div").children((
///     Component::new("dash_core_components", "Input").id("text"),
///     Component::new("dash_html_components", "Div").id("out"),
/// ));
/// let app = App::builder()
///     .title("Echo")
///     .layout(layout)
///     .callback(Callback::new(echo).output("out", "children").input("text", "value"))
///     .build()
///     .expect("a valid app");
/// ```
#[derive(Default)]
#[must_use]
pub struct AppBuilder {
    config: AppConfig,
    layout: Option<LayoutInput>,
    validation_layout: Option<Node>,
    callbacks: Vec<Callback>,
    clientside: Vec<ClientsideCallback>,
    state: StateMap,
    packages: Vec<ComponentPackage>,
    libraries: Vec<&'static ComponentLibrary>,
    inline_scripts: Vec<String>,
    queue: Option<Arc<dyn JobQueue>>,
    cache: Option<MemoCache>,
    cache_scope: Option<CacheScopeFn>,
    pages: Vec<crate::pages::Page>,
    not_found: Option<crate::pages::router::NotFoundLayout>,
    readiness: Vec<(String, ReadinessCheck)>,
    metric_sources: Vec<MetricSource>,
    login: Option<crate::Login>,
    layout_needs_login: bool,
    mcp: Option<crate::Mcp>,
}

enum LayoutInput {
    Value(Node),
    Function(LayoutFn),
}

impl std::fmt::Debug for AppBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppBuilder")
            .field("config", &self.config)
            .field("callbacks", &self.callbacks.len())
            .finish_non_exhaustive()
    }
}

impl AppBuilder {
    /// Replaces all settings.
    pub fn config(mut self, config: AppConfig) -> Self {
        self.config = config;
        self
    }

    /// Changes settings in place.
    pub fn configure(mut self, change: impl FnOnce(&mut AppConfig)) -> Self {
        change(&mut self.config);
        self
    }

    /// Sets the page title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.config.title = title.into();
        self
    }

    /// Adds a page: the app becomes a multi-page app whose layout holds
    /// [`pages::container`](crate::pages::container) (the whole layout when
    /// none is given), and the page for the browser's address is drawn
    /// there, with no reload when a `dcc.Link` is followed.
    pub fn page(mut self, page: crate::Page) -> Self {
        self.pages.push(page);
        self
    }

    /// The layout drawn when no page matches the address (default: a
    /// "404 - Page not found" heading).
    pub fn page_not_found(mut self, layout: impl Fn() -> Node + Send + Sync + 'static) -> Self {
        self.not_found = Some(Arc::new(layout));
        self
    }

    /// Turns the check of the renderer's `X-CSRFToken` double-submit token
    /// on callback requests on or off (default on; turn it off only for an
    /// API served to clients other than Dash's renderer).
    pub fn csrf_protection(mut self, on: bool) -> Self {
        self.config.csrf_protection = on;
        self
    }

    /// Production mode (see [`AppConfig::production`]): building fails
    /// without a strong [`secret_key`](Self::secret_key) or with debug
    /// features on; cookies are `Secure`.
    pub fn production(mut self, on: bool) -> Self {
        self.config.production = on;
        self
    }

    /// The key that signs page tokens and job handles: the same on every
    /// process of an app (a random one per process otherwise). Keep it out
    /// of the code: read it from a secret setting.
    pub fn secret_key(mut self, key: impl Into<Vec<u8>>) -> Self {
        self.config.secret_key = Some(key.into());
        self
    }

    /// The server's timeouts and its cap on requests at once (see
    /// [`Limits`](crate::Limits)).
    pub fn limits(mut self, limits: crate::Limits) -> Self {
        self.config.limits = limits;
        self
    }

    /// Mark the cookies the app sets `Secure` (sent over HTTPS only); their
    /// names then take the `__Host-` prefix. Turn it on wherever the app is
    /// served over HTTPS.
    pub fn secure_cookies(mut self, on: bool) -> Self {
        self.config.secure_cookies = on;
        self
    }

    /// Serves Prometheus metrics at `metrics` under the routes prefix:
    /// requests by route and status class, a latency histogram and
    /// failures per callback, background jobs, the memoize cache's hits and
    /// misses. Off by default, as the metrics name every callback.
    pub fn metrics_endpoint(mut self, on: bool) -> Self {
        self.config.metrics_endpoint = on;
        self
    }

    /// Adds the app's own metrics to `/metrics`: `source` writes them in
    /// Prometheus's text format (with their `# HELP` and `# TYPE` lines),
    /// each time the endpoint is read. Name them with a prefix of the app's
    /// own, not `ferrodash_`.
    pub fn metrics_source(mut self, source: impl Fn() -> String + Send + Sync + 'static) -> Self {
        self.metric_sources.push(Arc::new(source));
        self
    }

    /// Adds a check to `/ready` (which answers 503 while any fails), like
    /// a database ping. Checks run at once, each for at most 3 seconds;
    /// the answer names them, why one failed goes to the log only.
    pub fn readiness_check<F, Fut, E>(mut self, name: impl Into<String>, check: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<(), E>> + Send + 'static,
        E: std::fmt::Display + 'static,
    {
        let check: ReadinessCheck = Arc::new(move || {
            let future = check();
            Box::pin(async move { future.await.map_err(|e| e.to_string()) })
        });
        self.readiness.push((name.into(), check));
        self
    }

    /// Who may show the app in a frame (CSP `frame-ancestors`), e.g.
    /// `["'self'", "https://portal.example.com"]` to let a portal embed a
    /// dashboard. Default: the app's own origin only.
    pub fn frame_ancestors<S: Into<String>>(
        mut self,
        sources: impl IntoIterator<Item = S>,
    ) -> Self {
        self.config.security.frame_ancestors = sources.into_iter().map(Into::into).collect();
        self
    }

    /// Replaces the default Content-Security-Policy (see
    /// [`SecurityConfig`](crate::SecurityConfig)) with `policy`, e.g. for a
    /// custom index template with inline scripts of its own.
    pub fn content_security_policy(mut self, policy: impl Into<String>) -> Self {
        self.config.security.content_security_policy = Some(policy.into());
        self
    }

    /// Turns Dash's debug behaviour on or off: dev tools UI, prop checks,
    /// development bundles, hot reload, and error details in the browser.
    pub fn debug(mut self, debug: bool) -> Self {
        self.config.dev_tools = if debug {
            DevTools::debug()
        } else {
            DevTools::off()
        };
        self
    }

    /// The layout: the same component tree for every page load.
    pub fn layout(mut self, layout: impl Into<Node>) -> Self {
        self.layout = Some(LayoutInput::Value(layout.into()));
        self
    }

    /// A layout function, run on every page load (for per-load data). It is
    /// also run once when the app is built, to check callback ids against it.
    pub fn layout_fn<N: Into<Node>>(
        mut self,
        layout: impl Fn() -> N + Send + Sync + 'static,
    ) -> Self {
        self.layout = Some(LayoutInput::Function(Arc::new(move |_| layout().into())));
        self
    }

    /// A layout drawn for the logged-in user on every page load (a
    /// greeting, the user's own choices). Needs a login on the app. It is
    /// also drawn once when the app is built, for a user with an empty id
    /// and name, to check callback ids against it.
    pub fn layout_for_user<N: Into<Node>>(
        mut self,
        layout: impl Fn(&ferrodash_auth::Principal) -> N + Send + Sync + 'static,
    ) -> Self {
        let nobody = ferrodash_auth::Principal::new("", "");
        self.layout = Some(LayoutInput::Function(Arc::new(move |user| {
            layout(user.unwrap_or(&nobody)).into()
        })));
        self.layout_needs_login = true;
        self
    }

    /// A layout holding every component callbacks may refer to, used only
    /// for checks (for layouts whose content varies between loads).
    pub fn validation_layout(mut self, layout: impl Into<Node>) -> Self {
        self.validation_layout = Some(layout.into());
        self
    }

    /// Adds a callback.
    pub fn callback(mut self, callback: Callback) -> Self {
        self.callbacks.push(callback);
        self
    }

    /// Answers every callback (but background ones) over the page's
    /// WebSocket where the browser can, not only those marked
    /// [`websocket`](Callback::websocket) (Dash's `websocket_callbacks`).
    pub fn websocket_callbacks(mut self, on: bool) -> Self {
        self.config.websocket.enabled = on;
        self
    }

    /// Origins besides the app's own that may open its WebSocket, as
    /// browsers send them (`https://portal.example.com`): for an app whose
    /// pages are served from another host than the app itself.
    pub fn websocket_allowed_origins<S: Into<String>>(
        mut self,
        origins: impl IntoIterator<Item = S>,
    ) -> Self {
        self.config
            .websocket
            .allowed_origins
            .extend(origins.into_iter().map(Into::into));
        self
    }

    /// Serves an MCP server at `_mcp` under the routes prefix (see
    /// [`Mcp`](crate::Mcp)): AI agents call the app's callbacks as tools,
    /// acting for the user whose token they hold.
    pub fn mcp(mut self, mcp: crate::Mcp) -> Self {
        self.mcp = Some(mcp);
        self
    }

    /// Where background callbacks run (default: an [`InProcessQueue`]). A
    /// [`RedisJobQueue`](crate::RedisJobQueue) is shared by every process
    /// of the app (give them the same [`secret_key`](Self::secret_key)).
    pub fn job_queue(mut self, queue: impl JobQueue) -> Self {
        self.queue = Some(Arc::new(queue));
        self
    }

    /// The app's memoize cache: background callbacks keep their results in
    /// it, and callbacks read it with `AppState<MemoCache>` (default: an
    /// in-memory cache).
    pub fn memo_cache(mut self, cache: MemoCache) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Puts the whole app behind a login (see [`Login`](crate::Login)):
    /// every route but the login page, health checks and static files needs
    /// a logged-in user; callbacks and pages can take the user and require
    /// groups; cached results and server-side stores are kept per user.
    pub fn login(mut self, login: crate::Login) -> Self {
        self.login = Some(login);
        self
    }

    /// How a request's cache scope (its user or tenant) is found, so cached
    /// results are never shared between users. Default: the logged-in
    /// user in an app with a login, else one public scope.
    pub fn cache_scope(
        mut self,
        scope: impl Fn(&http::HeaderMap) -> Scope + Send + Sync + 'static,
    ) -> Self {
        self.cache_scope = Some(Arc::new(scope));
        self
    }

    /// Adds a callback that runs in the browser.
    pub fn clientside_callback(mut self, callback: ClientsideCallback) -> Self {
        self.clientside.push(callback);
        self
    }

    /// Shares a value with callbacks, read with
    /// [`AppState<S>`](crate::AppState); one value per type.
    pub fn with_state<S: Clone + Send + Sync + 'static>(mut self, state: S) -> Self {
        self.state.insert(state);
        self
    }

    /// Serves a third-party component package's files and loads its scripts.
    pub fn package(mut self, package: ComponentPackage) -> Self {
        self.packages.push(package);
        self
    }

    /// Adds component metadata for checks and `children_props` without files.
    pub fn library(mut self, library: &'static ComponentLibrary) -> Self {
        self.libraries.push(library);
        self
    }

    /// Skips the checks that callback ids are in the layout.
    pub fn suppress_callback_exceptions(mut self, suppress: bool) -> Self {
        self.config.suppress_callback_exceptions = suppress;
        self
    }

    /// Where the assets folder is (default `assets`).
    pub fn assets_folder(mut self, folder: impl Into<PathBuf>) -> Self {
        self.config.assets_folder = folder.into();
        self
    }

    /// Replaces the index page template; see
    /// [`DEFAULT_INDEX_TEMPLATE`](crate::DEFAULT_INDEX_TEMPLATE).
    pub fn index_template(mut self, template: impl Into<String>) -> Self {
        self.config.index_template = Some(template.into());
        self
    }

    /// Adds a `<meta>` tag from attribute pairs.
    pub fn meta_tag<K: Into<String>, V: Into<String>>(
        mut self,
        attributes: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.config.meta_tags.push(
            attributes
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        );
        self
    }

    /// Mounts the app's routes under `prefix` (starting and ending with `/`).
    pub fn routes_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.config.routes_pathname_prefix = prefix.into();
        self
    }

    /// Adds an inline script after all other scripts (used by clientside callbacks).
    pub fn inline_script(mut self, source: impl Into<String>) -> Self {
        self.inline_scripts.push(source.into());
        self
    }

    /// Checks everything and builds the app, or lists every problem.
    pub fn build(mut self) -> Result<App, BuildErrors> {
        let mut errors = Vec::new();
        check_config(&self.config, &mut errors);
        let pages = self.take_pages(&mut errors);

        let (layout, checked_layout) = match self.layout {
            None => {
                errors.push(BuildError::NoLayout);
                (LayoutSource::Static(Bytes::from_static(b"null")), None)
            }
            Some(LayoutInput::Value(node)) => {
                let bytes = Bytes::from(serde_json::to_vec(&node).unwrap_or_default());
                (LayoutSource::Static(bytes), Some(node))
            }
            Some(LayoutInput::Function(f)) => {
                let sample = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(None)));
                match sample {
                    Ok(node) => (LayoutSource::Dynamic(f), Some(node)),
                    Err(payload) => {
                        errors.push(BuildError::InvalidSetting {
                            setting: "layout",
                            problem: format!(
                                "the layout function panicked: {}",
                                panic_message(payload.as_ref())
                            ),
                        });
                        (LayoutSource::Dynamic(f), None)
                    }
                }
            }
        };

        let mut callbacks_in = self.callbacks;
        add_cancel_callbacks(&mut callbacks_in);
        for callback in &mut callbacks_in {
            check_signature(callback, &mut errors);
            if let Some(options) = &callback.background {
                if callback.spec.websocket {
                    errors.push(BuildError::InvalidSetting {
                        setting: "websocket",
                        problem: format!(
                            "callback `{}` is a background callback, which the page always \
                             polls over HTTP: it cannot also be a WebSocket callback",
                            callback.spec.name
                        ),
                    });
                }
                check_background(&callback.spec, options, &mut errors);
                callback.spec.background_interval_ms =
                    Some(u64::try_from(options.interval.as_millis()).unwrap_or(u64::MAX));
            }
        }
        for callback in &self.clientside {
            if let Some(problem) = callback.problem() {
                errors.push(BuildError::InvalidClientsideFunction {
                    callback: callback.spec.name.clone(),
                    problem,
                });
            }
        }

        let mut libraries: Vec<&ComponentLibrary> = ferrodash_components::libraries();
        libraries.extend(self.libraries.iter().copied());
        libraries.extend(self.packages.iter().filter_map(|p| p.library));

        let specs: Vec<CallbackSpec> = callbacks_in
            .iter()
            .map(|c| c.spec.clone())
            .chain(self.clientside.iter().map(|c| c.spec.clone()))
            .collect();
        if !pages.samples.is_empty() {
            let has_container = checked_layout.as_ref().is_some_and(|node| {
                let text = serde_json::to_string(node).unwrap_or_default();
                text.contains(&format!("\"{}\"", crate::pages::CONTENT_ID))
                    && text.contains(&format!("\"{}\"", crate::pages::LOCATION_ID))
            });
            if !has_container {
                errors.push(BuildError::InvalidSetting {
                    setting: "pages",
                    problem: "the layout has no page container: put \
                              ferrodash::pages::container() in it"
                        .to_owned(),
                });
            }
        }
        let mut roots: Vec<&Node> = Vec::new();
        roots.extend(checked_layout.as_ref());
        roots.extend(self.validation_layout.as_ref());
        roots.extend(pages.samples.iter());
        errors.extend(ferrodash_core::validate(&ValidationInput {
            callbacks: &specs,
            layouts: &roots,
            libraries: &libraries,
            suppress_callback_exceptions: self.config.suppress_callback_exceptions,
        }));

        // With a session login, a page whose session ends goes to the login
        // page at its next request rather than failing silently.
        if self.login.as_ref().is_some_and(crate::Login::uses_sessions) {
            self.inline_scripts.push(crate::login::session_end_script(
                self.config.requests_prefix(),
            ));
        }

        // Every inline script the page will run, for the CSP's hashes.
        let security_headers = {
            let mut sources = vec![crate::index::RENDERER_SCRIPT.to_owned()];
            sources.extend(
                self.inline_scripts
                    .iter()
                    .map(|s| crate::index::inline_script_text(s)),
            );
            sources.extend(
                self.clientside
                    .iter()
                    .filter_map(|c| c.inline_script())
                    .map(|s| crate::index::inline_script_text(&s)),
            );
            let sources: Vec<&str> = sources.iter().map(String::as_str).collect();
            crate::security::headers(
                &self.config.security,
                self.config.cookies_secure(),
                &sources,
                &self.config.external_scripts,
                &self.config.external_stylesheets,
                &mut errors,
            )
        };

        if self.login.is_some() && self.mcp.as_ref().is_some_and(|m| m.tokens.is_none()) {
            errors.push(BuildError::InvalidSetting {
                setting: "mcp",
                problem: "the app has a login, and its MCP server would let anyone in: give it \
                          the users' tokens with Mcp::with_tokens"
                    .to_owned(),
            });
        }
        if self.login.is_none() {
            let needs_login = callbacks_in
                .iter()
                .filter(|c| !c.groups.is_empty())
                .map(|c| format!("callback `{}`", c.spec.name))
                .chain(pages.need_login.iter().map(|p| format!("page `{p}`")))
                .chain(
                    self.layout_needs_login
                        .then(|| "the layout (layout_for_user)".to_owned()),
                );
            for what in needs_login {
                errors.push(BuildError::InvalidSetting {
                    setting: "login",
                    problem: format!(
                        "{what} needs a logged-in user (a group or the user's layout), and \
                         the app has no login: add one with AppBuilder::login"
                    ),
                });
            }
        }

        let queue = self
            .queue
            .take()
            .unwrap_or_else(|| Arc::new(InProcessQueue::default()));
        if queue.is_shared() && self.config.secret_key.is_none() {
            errors.push(BuildError::InvalidSetting {
                setting: "secret_key",
                problem: "a job queue shared by several processes needs a secret key every \
                          process has: a job handle one process signs must verify on the others"
                    .to_owned(),
            });
        }

        if !errors.is_empty() {
            return Err(BuildErrors(errors));
        }
        // A shared queue's store is something the app needs to serve.
        if queue.is_shared() {
            let queue = queue.clone();
            let check: ReadinessCheck = Arc::new(move || {
                let queue = queue.clone();
                Box::pin(async move { queue.ready().await.map_err(|e| e.to_string()) })
            });
            self.readiness.push(("job_queue".to_owned(), check));
        }

        let login = self.login.map(|login| {
            Arc::new(crate::login::LoginState::new(
                login,
                &self.config.title,
                self.config.cookies_secure(),
            ))
        });
        // Sessions in a store that can fail (Redis) are needed to serve.
        if let Some(login) = login.as_ref().filter(|l| l.uses_sessions()) {
            let sessions = login.sessions.clone();
            let check: ReadinessCheck = Arc::new(move || {
                let sessions = sessions.clone();
                Box::pin(async move { sessions.ping().await.map_err(|e| e.to_string()) })
            });
            self.readiness.push(("sessions".to_owned(), check));
        }
        let metrics = Arc::new(crate::metrics::Metrics::new(
            callbacks_in.iter().map(|c| c.spec.name.as_str()),
        ));
        let mut callbacks = HashMap::new();
        let mut wire = Vec::new();
        let server_count = callbacks_in.len();
        for (index, callback) in callbacks_in.into_iter().enumerate() {
            let key = callback.spec.output_key(index);
            wire.push(callback.spec.to_wire(&key));
            let metrics_slot = metrics.slot(&callback.spec.name);
            callbacks.insert(
                key,
                Registered {
                    spec: Arc::new(callback.spec),
                    handler: callback.handler,
                    roles: callback.roles,
                    schemas: callback.schemas,
                    mcp: callback.mcp,
                    description: callback.description,
                    background: callback.background,
                    on_error: callback.on_error.map(|(handler, _)| handler),
                    metrics_slot,
                    groups: callback.groups,
                },
            );
        }
        // Clientside callbacks are only declared: the browser runs them.
        let mut inline_scripts = self.inline_scripts;
        for (index, callback) in self.clientside.iter().enumerate() {
            wire.push(
                callback
                    .spec
                    .to_wire(&callback.spec.output_key(server_count + index)),
            );
            inline_scripts.extend(callback.inline_script());
        }
        let dependencies = Bytes::from(serde_json::to_vec(&Value::Array(wire)).unwrap_or_default());

        let assets = AssetsIndex::scan(&self.config.assets_folder);
        // The validation layout goes to the browser when the served layout can
        // differ from what was checked: a layout function, pages, or a
        // validation layout given explicitly.
        let validation_for_page = if pages.samples.is_empty() && self.validation_layout.is_none() {
            match &layout {
                LayoutSource::Dynamic(_) => checked_layout.clone(),
                LayoutSource::Static(_) => None,
            }
        } else {
            let mut all: Vec<Node> = self.validation_layout.iter().cloned().collect();
            all.extend(checked_layout.clone());
            all.extend(pages.shown_samples.iter().cloned());
            Some(Node::from(
                ferrodash_core::Component::new("dash_html_components", "Div").children(all),
            ))
        };
        let websocket =
            self.config.websocket.enabled || callbacks.values().any(|c| c.spec.websocket);
        let mcp = self.mcp.map(|config| {
            Arc::new(crate::mcp::McpState {
                tools: crate::mcp::tools_of(&callbacks),
                config,
            })
        });
        let index = IndexPage::render(&IndexInputs {
            websocket,
            config: &self.config,
            assets: &assets,
            packages: &self.packages,
            libraries: &libraries,
            validation_layout: validation_for_page.as_ref(),
            inline_scripts: &inline_scripts,
        });
        let signer = Signer::new(self.config.secret_key.as_deref());
        let assets_prefix = format!("/{}/", self.config.assets_url_path.trim_matches('/'));
        let cache = self.cache.unwrap_or_else(MemoCache::in_memory);
        let mut state = self.state;
        // One cache for the whole app: callbacks reach it as app state.
        if state.get::<MemoCache>().is_none() {
            state.insert(cache.clone());
        }
        // Server-side stores keep their data in that cache unless the app
        // gave a store of its own.
        if state.get::<ServerStore>().is_none() {
            state.insert(ServerStore::new(cache.clone()));
        }
        let reload = ReloadState::new(assets);
        let request_permits =
            crate::limits::RequestPermits::new(self.config.limits.max_concurrent_requests);
        let websocket_permits =
            crate::limits::RequestPermits::new(self.config.limits.max_websocket_connections);
        let app = App {
            inner: Arc::new(AppInner {
                config: self.config,
                layout,
                callbacks,
                dependencies,
                index,
                packages: self.packages,
                signer,
                state: Arc::new(state),
                reload,
                queue,
                cache,
                cache_scope: self.cache_scope,
                login,
                security_headers,
                pages: pages.infos,
                redirects: pages.redirects,
                page_routes: pages.routes,
                metrics,
                readiness: self.readiness,
                request_permits,
                websocket_permits,
                metric_sources: self.metric_sources,
                assets_prefix,
                websocket,
                mcp,
            }),
        };
        // The queue's workers run this app's jobs, whichever process
        // started them.
        let executor = crate::background::AppExecutor {
            app: Arc::downgrade(&app.inner),
        };
        if let Err(e) = app.inner.queue.attach(Arc::new(executor)) {
            return Err(BuildErrors(vec![BuildError::InvalidSetting {
                setting: "job_queue",
                problem: e.to_string(),
            }]));
        }
        Ok(app)
    }
}

/// Production mode: a strong secret, no debug features.
fn check_production(config: &AppConfig, errors: &mut Vec<BuildError>) {
    match &config.secret_key {
        None => errors.push(BuildError::InvalidSetting {
            setting: "secret_key",
            problem: "production mode needs a secret key shared by every process of the app"
                .to_owned(),
        }),
        Some(key) if key.len() < 32 || key.iter().all(|b| Some(b) == key.first()) => {
            errors.push(BuildError::InvalidSetting {
                setting: "secret_key",
                problem: format!(
                    "too weak for production: {} bytes; use 32 or more random bytes",
                    key.len()
                ),
            });
        }
        Some(_) => {}
    }
    if config.dev_tools.any() {
        errors.push(BuildError::InvalidSetting {
            setting: "debug",
            problem:
                "debug features (dev tools, hot reload, dev bundles) are on in production mode"
                    .to_owned(),
        });
    }
}

/// The components of `node` that have an id, each with its id, type and
/// namespace and nothing else, in one `Div`: enough for the renderer to
/// validate callbacks against, nothing of what the layout shows.
fn ids_only(node: &Node) -> Node {
    let mut skeleton = Vec::new();
    node.walk(&mut |component| {
        if let Some(id) = component.get_id() {
            skeleton.push(Node::from(
                ferrodash_core::Component::new(
                    component.namespace().to_owned(),
                    component.type_name().to_owned(),
                )
                .id(id.clone()),
            ));
        }
    });
    Node::from(ferrodash_core::Component::new("dash_html_components", "Div").children(skeleton))
}

/// What the build keeps of the pages: their registry, their sample layouts
/// (for the checks and the browser's validation layout) and redirects.
#[derive(Default)]
struct BuiltPages {
    routes: Option<Arc<crate::pages::PageRoutes>>,
    infos: Vec<crate::pages::PageInfo>,
    samples: Vec<Node>,
    /// The samples as the browser's validation layout carries them: a
    /// restricted page's only as its components' ids and types, so its
    /// drawn content does not reach users outside its groups.
    shown_samples: Vec<Node>,
    redirects: Vec<(String, String)>,
    /// Paths of pages that need a logged-in user.
    need_login: Vec<String>,
}

impl AppBuilder {
    /// Checks the pages, adds their container (when there is no layout)
    /// and their callbacks.
    fn take_pages(&mut self, errors: &mut Vec<BuildError>) -> BuiltPages {
        use crate::pages::{PageRoutes, PathTemplate, add_page_callbacks, sort_pages};
        let mut pages = std::mem::take(&mut self.pages);
        if pages.is_empty() {
            return BuiltPages::default();
        }
        sort_pages(&mut pages);
        let mut built = BuiltPages::default();
        let mut parsed: Vec<(PathTemplate, crate::Page)> = Vec::new();
        for page in pages {
            match PathTemplate::parse(&page.path) {
                Ok(template) => {
                    if let Some((_, other)) = parsed.iter().find(|(t, _)| t.same_paths(&template)) {
                        errors.push(BuildError::InvalidSetting {
                            setting: "pages",
                            problem: format!(
                                "pages `{}` and `{}` have the same path",
                                other.path, page.path
                            ),
                        });
                    }
                    parsed.push((template, page));
                }
                Err(problem) => errors.push(BuildError::InvalidSetting {
                    setting: "pages",
                    problem: problem.to_string(),
                }),
            }
        }
        let prefix = self.config.requests_prefix().to_owned();
        for (template, page) in &parsed {
            built.infos.push(page.info());
            if page.needs_login() {
                built.need_login.push(page.path.clone());
            }
            let sample = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (page.sample)()));
            match sample {
                Ok(node) => {
                    built.shown_samples.push(if page.is_restricted() {
                        ids_only(&node)
                    } else {
                        node.clone()
                    });
                    built.samples.push(node);
                }
                Err(payload) => errors.push(BuildError::InvalidSetting {
                    setting: "pages",
                    problem: format!(
                        "page `{}`: the layout panicked with default arguments: {}",
                        page.path,
                        panic_message(payload.as_ref())
                    ),
                }),
            }
            for old in &page.redirect_from {
                let taken = parsed.iter().any(|(t, _)| t.matches(old).is_some());
                if !old.starts_with('/') || old.contains(['<', '>']) || taken {
                    errors.push(BuildError::InvalidSetting {
                        setting: "pages",
                        problem: format!(
                            "page `{}`: cannot redirect from `{old}` (it must be a plain path \
                             starting with `/` that no page has)",
                            page.path
                        ),
                    });
                } else if !template.is_plain() {
                    errors.push(BuildError::InvalidSetting {
                        setting: "pages",
                        problem: format!(
                            "page `{}`: only a page with a plain path can be redirected to",
                            page.path
                        ),
                    });
                } else {
                    let target = format!("{prefix}{}", page.path.trim_start_matches('/'));
                    built.redirects.push((old.clone(), target));
                }
            }
        }
        let not_found = self
            .not_found
            .take()
            .unwrap_or_else(|| Arc::new(crate::pages::router::default_not_found));
        let not_found_sample = not_found();
        built.shown_samples.push(not_found_sample.clone());
        built.samples.push(not_found_sample);
        if self.layout.is_none() {
            self.layout = Some(LayoutInput::Value(crate::pages::container()));
        }
        let routes = Arc::new(PageRoutes::new(
            parsed,
            not_found,
            &prefix,
            &self.config.title,
        ));
        add_page_callbacks(&routes, &mut self.callbacks, &mut self.clientside);
        built.routes = Some(routes);
        built
    }
}

/// Adds, for every input that cancels a background callback, the callback
/// Dash's renderer expects: it fires on that input and writes nothing; the
/// request itself carries the jobs to cancel.
fn add_cancel_callbacks(callbacks: &mut Vec<Callback>) {
    async fn cancel_jobs(Input(_fired): Input<Value>) -> NoUpdate {
        NoUpdate
    }
    let mut seen: Vec<PropRef> = Vec::new();
    for callback in callbacks.iter() {
        for input in callback.background.iter().flat_map(|b| &b.cancel) {
            if !seen.contains(input) {
                seen.push(input.clone());
            }
        }
    }
    for input in seen {
        callbacks.push(
            Callback::new(cancel_jobs)
                .name(format!("cancel on {}", input.key()))
                .output(input.id.clone(), "id")
                .input(input.id, input.property)
                .prevent_initial_call()
                .hidden(),
        );
    }
}

/// Checks a background callback's options.
fn check_background(
    spec: &CallbackSpec,
    options: &BackgroundOptions,
    errors: &mut Vec<BuildError>,
) {
    for (what, list) in [("progress", &options.progress), ("cancel", &options.cancel)] {
        for prop in list.iter().filter(|p| p.id.has_wildcard()) {
            errors.push(BuildError::WildcardMisuse {
                callback: spec.name.clone(),
                role: if what == "progress" {
                    Role::Output
                } else {
                    Role::Input
                },
                id: prop.id.stringify(),
                problem: format!("a background callback's {what} props may not use wildcards"),
            });
        }
    }
    if options.interval.is_zero() {
        errors.push(BuildError::InvalidSetting {
            setting: "background interval",
            problem: format!(
                "callback `{}`: the poll interval must be above zero",
                spec.name
            ),
        });
    }
}

fn check_config(config: &AppConfig, errors: &mut Vec<BuildError>) {
    if config.production {
        check_production(config, errors);
    }
    let prefix_ok = |p: &str| p.starts_with('/') && p.ends_with('/');
    if !prefix_ok(&config.routes_pathname_prefix) {
        errors.push(BuildError::InvalidSetting {
            setting: "routes_pathname_prefix",
            problem: format!(
                "`{}` must start and end with `/`",
                config.routes_pathname_prefix
            ),
        });
    }
    if let Some(requests) = &config.requests_pathname_prefix {
        if !prefix_ok(requests) {
            errors.push(BuildError::InvalidSetting {
                setting: "requests_pathname_prefix",
                problem: format!("`{requests}` must start and end with `/`"),
            });
        } else if !requests.ends_with(&config.routes_pathname_prefix) {
            errors.push(BuildError::InvalidSetting {
                setting: "requests_pathname_prefix",
                problem: format!(
                    "`{requests}` must end with the routes prefix `{}`",
                    config.routes_pathname_prefix
                ),
            });
        }
    }
    let assets_path = config.assets_url_path.trim_matches('/');
    if assets_path.is_empty() || assets_path.starts_with('_') {
        errors.push(BuildError::InvalidSetting {
            setting: "assets_url_path",
            problem: format!(
                "`{}` must be a non-empty path not starting with `_`",
                config.assets_url_path
            ),
        });
    }
    if let Some(template) = &config.index_template {
        let missing = missing_placeholders(template);
        if !missing.is_empty() {
            errors.push(BuildError::InvalidSetting {
                setting: "index_template",
                problem: format!("missing placeholder(s) {}", missing.join(", ")),
            });
        }
    }
    if config.max_body_bytes == 0 {
        errors.push(BuildError::InvalidSetting {
            setting: "max_body_bytes",
            problem: "must be above zero".to_owned(),
        });
    }
}

/// Checks the function's argument and return types against the declaration.
fn check_signature(callback: &Callback, errors: &mut Vec<BuildError>) {
    let spec = &callback.spec;
    let count = |role: ArgRole| callback.roles.iter().filter(|r| **r == role).count();
    for (role, declared, taken) in [
        (Role::Input, spec.inputs.len(), count(ArgRole::Input)),
        (Role::State, spec.state.len(), count(ArgRole::State)),
    ] {
        if declared != taken {
            errors.push(BuildError::ArgumentCount {
                callback: spec.name.clone(),
                role,
                declared,
                taken,
            });
        }
    }
    let returned = callback.arity.count();
    if returned != spec.outputs.len() {
        errors.push(BuildError::OutputCount {
            callback: spec.name.clone(),
            declared: spec.outputs.len(),
            returned,
        });
    }
    if let Some((_, arity)) = &callback.on_error
        && arity.count() != spec.outputs.len()
    {
        errors.push(BuildError::OutputCount {
            callback: format!("{} (its on_error handler)", spec.name),
            declared: spec.outputs.len(),
            returned: arity.count(),
        });
    }
}
