//! The HTTP routes of an app (dash-protocol §1).

pub(crate) mod background;
mod health;
mod pages;
mod static_files;
mod update;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::app::App;

impl App {
    /// The app's routes as an axum [`Router`], mounted under the routes prefix.
    /// Merge it into a larger axum app, or serve it with [`App::serve`].
    pub fn router(&self) -> Router {
        let limit = self.inner.config.max_body_bytes;
        let assets = format!(
            "/{}/{{*path}}",
            self.inner.config.assets_url_path.trim_matches('/')
        );
        let mut inner = Router::new()
            .route("/", get(pages::index))
            .route("/_dash-layout", get(pages::layout))
            .route("/_dash-dependencies", get(pages::dependencies))
            .route("/_reload-hash", get(pages::reload_hash))
            .route("/health", get(health::health))
            .route("/ready", get(health::ready))
            .route("/_favicon.ico", get(static_files::favicon))
            .route(
                "/_dash-component-suites/{package}/{*path}",
                get(static_files::component_suite),
            )
            .route(&assets, get(static_files::asset))
            .route(
                "/_dash-update-component",
                post(update::update_component)
                    .get(pages::index)
                    .layer(DefaultBodyLimit::max(limit))
                    .layer(axum::middleware::from_fn_with_state(
                        self.clone(),
                        crate::limits::guard_body,
                    )),
            )
            .fallback(pages::fallback);
        if self.inner.login.as_ref().is_some_and(|l| l.uses_sessions()) {
            inner = inner
                .route(
                    "/login",
                    get(crate::login::login_form).post(crate::login::login_submit),
                )
                .route(
                    "/logout",
                    get(crate::login::logout_confirm).post(crate::login::logout_submit),
                );
            #[cfg(feature = "oidc")]
            {
                inner = inner
                    .route("/login/oidc", get(crate::login::oidc_start))
                    .route("/login/oidc/callback", get(crate::login::oidc_callback));
            }
        }
        if self.inner.mcp.is_some() {
            inner = inner.route(
                crate::mcp::ROUTE,
                axum::routing::any(crate::mcp::endpoint)
                    .layer(DefaultBodyLimit::max(limit))
                    .layer(axum::middleware::from_fn_with_state(
                        self.clone(),
                        crate::limits::guard_body,
                    )),
            );
        }
        if self.inner.websocket {
            inner = inner.route(crate::ws::ROUTE, get(crate::ws::upgrade));
        }
        if self.inner.config.metrics_endpoint {
            inner = inner.route("/metrics", get(health::metrics));
        }
        // Old paths of pages answer with a permanent redirect (301, as Dash).
        for (old, target) in &self.inner.redirects {
            let target = target.clone();
            inner = inner.route(
                old,
                get(move || async move {
                    (
                        http::StatusCode::MOVED_PERMANENTLY,
                        [(http::header::LOCATION, target)],
                    )
                }),
            );
        }
        let prefix = self
            .inner
            .config
            .routes_pathname_prefix
            .trim_end_matches('/');
        let router = if prefix.is_empty() {
            inner
        } else {
            // A nested router answers `/prefix` and `/prefix/anything`; the
            // prefix with its trailing slash needs its own route.
            Router::new()
                .route(&format!("{prefix}/"), get(pages::index))
                .nest(prefix, inner)
        };
        let mut router = router.with_state(self.clone());
        // Apps without a login skip the guard altogether.
        if self.inner.login.is_some() {
            router = router.layer(axum::middleware::from_fn_with_state(
                self.clone(),
                crate::login::guard::guard,
            ));
        }
        router
            .layer(axum::middleware::from_fn_with_state(
                self.clone(),
                crate::limits::limit_concurrency,
            ))
            .layer(axum::middleware::from_fn_with_state(
                self.clone(),
                health::finish,
            ))
    }
}
