//! Login: who may use the app. Everything is protected once an app has a
//! [`Login`], except a fixed public list: the login and logout pages,
//! `/health`, `/ready`, `/metrics` (serve it on an internal network only),
//! Dash's script bundles, the favicon and the assets folder.
//!
//! Two ways to log in, which can be combined with OpenID Connect:
//! - a login form (`/login`) checking [`Credentials`] (the app's
//!   [`Users`](ferrodash_auth::Users) table, say), after which a server-side
//!   session (a new id at every login, idle and absolute timeouts) carries
//!   the user;
//! - HTTP Basic auth, the browser's own prompt, for simple internal tools.

mod basic;
mod form;
pub(crate) mod guard;
#[cfg(feature = "oidc")]
mod oidc;
mod page;
mod password;

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use ferrodash_auth::{Credentials, LoginLimiter, Sessions};

pub(crate) use form::{login_form, login_submit, logout_confirm, logout_submit};
#[cfg(feature = "oidc")]
pub(crate) use oidc::{oidc_callback, oidc_start};

/// How users log in to an app: give it to
/// [`AppBuilder::login`](crate::AppBuilder::login).
///
/// ```
/// use ferrodash_auth::{BoxFuture, Credentials, CredentialsError, Principal};
/// use ferrodash_server::Login;
///
/// /// One fixed user, for a demo (use `ferrodash_auth::Users` for real).
/// struct Demo;
///
/// impl Credentials for Demo {
///     fn verify<'a>(&'a self, name: &'a str, password: &'a str)
///         -> BoxFuture<'a, Result<Option<Principal>, CredentialsError>> {
///         Box::pin(async move {
///             Ok((name == "demo" && password == "a long demo password")
///                 .then(|| Principal::new("demo", "Demo user")))
///         })
///     }
/// }
///
/// let login = Login::form(Demo).title("Sales reports");
/// ```
#[must_use]
pub struct Login {
    pub(crate) method: Method,
    pub(crate) sessions: Option<Sessions>,
    pub(crate) limiter: Arc<LoginLimiter>,
    pub(crate) password_checks: password::PasswordChecks,
    pub(crate) trusted_proxies: Vec<IpAddr>,
    pub(crate) title: Option<String>,
    #[cfg(feature = "oidc")]
    pub(crate) oidc: Option<oidc::OidcLogin>,
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Login")
            .field("method", &self.method)
            .finish_non_exhaustive()
    }
}

/// How a user proves who they are.
pub(crate) enum Method {
    /// The login page's form, then a session cookie.
    Form(Arc<dyn Credentials>),
    /// The `Authorization: Basic` header on every request.
    Basic {
        credentials: Arc<dyn Credentials>,
        realm: String,
        verified: basic::VerifiedCache,
    },
    /// Only through the OpenID Connect provider, then a session cookie.
    #[cfg(feature = "oidc")]
    OidcOnly,
}

impl std::fmt::Debug for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Form(_) => "Form",
            Self::Basic { .. } => "Basic",
            #[cfg(feature = "oidc")]
            Self::OidcOnly => "OidcOnly",
        })
    }
}

impl Login {
    fn with_method(method: Method) -> Self {
        Self {
            method,
            sessions: None,
            limiter: Arc::new(LoginLimiter::default()),
            password_checks: password::PasswordChecks::default(),
            trusted_proxies: Vec::new(),
            title: None,
            #[cfg(feature = "oidc")]
            oidc: None,
        }
    }

    /// A login page with a user name and password form, checked by
    /// `credentials`; the user then holds a session.
    pub fn form(credentials: impl Credentials) -> Self {
        Self::with_method(Method::Form(Arc::new(credentials)))
    }

    /// HTTP Basic auth: the browser asks for a name and password and sends
    /// them with every request (checked by `credentials`, remembered for a
    /// minute so a page load does not hash a password per request). No
    /// session and no logout: for simple internal tools served over HTTPS.
    pub fn basic(credentials: impl Credentials) -> Self {
        Self::with_method(Method::Basic {
            credentials: Arc::new(credentials),
            realm: "ferrodash".to_owned(),
            verified: basic::VerifiedCache::default(),
        })
    }

    /// The realm Basic auth names in the browser's prompt.
    pub fn realm(mut self, realm: impl Into<String>) -> Self {
        if let Method::Basic { realm: r, .. } = &mut self.method {
            *r = realm.into();
        }
        self
    }

    /// Where sessions are kept and how long they last (default: in this
    /// process's memory, 30 minutes idle, 12 hours at most; use a
    /// [`RedisSessionStore`](ferrodash_auth::RedisSessionStore) when the app
    /// runs as several processes). The app's `secure_cookies` or
    /// `production` setting makes the cookie `Secure` either way.
    pub fn sessions(mut self, sessions: Sessions) -> Self {
        self.sessions = Some(sessions);
        self
    }

    /// How login attempts are limited (default: 5 failures per client
    /// address and user name in 15 minutes, then 429 with `Retry-After`;
    /// 20 per address at any names; attempts at a name that failed more
    /// often are slowed down, never refused; counted in this process; see
    /// [`LoginLimiter`]). Give every process of an app one limiter in Redis
    /// ([`LoginLimiter::connect_redis`]) so the counts are shared; while
    /// its Redis does not answer, logins get 503.
    pub fn limiter(mut self, limiter: impl Into<Arc<LoginLimiter>>) -> Self {
        self.limiter = limiter.into();
        self
    }

    /// At most `at_once` password checks at a time (default: one per
    /// core; a hash such as Argon2 takes a core for tens of milliseconds),
    /// each attempt waiting at most `wait` for its turn (default 2 s)
    /// before it is refused with 503 and `Retry-After`: a burst of logins
    /// slows logins down, not the rest of the app.
    pub fn password_checks(mut self, at_once: usize, wait: std::time::Duration) -> Self {
        self.password_checks = password::PasswordChecks::new(at_once, wait);
        self
    }

    /// Reverse proxies (load balancers) in front of the app: a request
    /// from one of these addresses is counted by the client address the
    /// proxy wrote into `X-Forwarded-For` (the last one in it that is not a
    /// trusted proxy itself). Without it, failed logins behind a proxy all
    /// count against the proxy's address, and a few bad guesses would slow
    /// everyone down. Never list addresses clients can reach directly.
    pub fn trusted_proxies(mut self, proxies: impl IntoIterator<Item = IpAddr>) -> Self {
        self.trusted_proxies.extend(proxies);
        self
    }

    /// The heading of the login page (default: the app's title).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }
}

impl Login {
    /// Whether users log in with a form or a provider, and so hold a
    /// session.
    pub(crate) const fn uses_sessions(&self) -> bool {
        !matches!(self.method, Method::Basic { .. })
    }
}

/// The page script that sends the browser to the login page when one of
/// the renderer's requests is refused for want of a session (it ended, or
/// the user logged out in another tab), coming back to the same address.
pub(crate) fn session_end_script(prefix: &str) -> String {
    let prefix = serde_json::to_string(prefix).unwrap_or_else(|_| "\"/\"".to_owned());
    format!(
        "(function () {{\n\
         var prefix = {prefix};\n\
         var original = window.fetch;\n\
         window.fetch = function () {{\n\
         return original.apply(this, arguments).then(function (response) {{\n\
         if (response.status === 401 && response.url.indexOf(prefix + '_dash-') !== -1) {{\n\
         var here = window.location.pathname + window.location.search;\n\
         window.location.assign(prefix + 'login?next=' + encodeURIComponent(here));\n\
         }}\n\
         return response;\n\
         }});\n\
         }};\n\
         }})();"
    )
}

/// A 303 to `location` that no cache keeps, with an optional cookie to set.
pub(crate) fn see_other(location: &str) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    use http::{HeaderValue, StatusCode, header};
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(location) {
        headers.insert(header::LOCATION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// [`see_other`] setting `cookie` on the way.
pub(crate) fn see_other_with_cookie(location: &str, cookie: &str) -> axum::response::Response {
    let mut response = see_other(location);
    if let Ok(value) = http::HeaderValue::from_str(cookie) {
        response
            .headers_mut()
            .append(http::header::SET_COOKIE, value);
    }
    response
}

/// Counts of login outcomes, for `/metrics`.
#[derive(Debug, Default)]
pub(crate) struct LoginCounts {
    pub(crate) succeeded: AtomicU64,
    pub(crate) failed: AtomicU64,
    pub(crate) limited: AtomicU64,
    /// Refused with 503 while every password check was taken.
    pub(crate) busy: AtomicU64,
    pub(crate) logouts: AtomicU64,
}

impl LoginCounts {
    pub(crate) fn add(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// A built app's login: the [`Login`] with its sessions settled.
pub(crate) struct LoginState {
    pub(crate) method: Method,
    pub(crate) sessions: Sessions,
    pub(crate) limiter: Arc<LoginLimiter>,
    pub(crate) password_checks: password::PasswordChecks,
    pub(crate) trusted_proxies: Vec<IpAddr>,
    pub(crate) title: String,
    pub(crate) counts: LoginCounts,
    #[cfg(feature = "oidc")]
    pub(crate) oidc: Option<oidc::OidcLogin>,
}

impl LoginState {
    pub(crate) fn new(login: Login, app_title: &str, secure_cookies: bool) -> Self {
        let sessions = login.sessions.unwrap_or_else(Sessions::in_memory);
        let sessions = if secure_cookies && !sessions.config().secure {
            let config = sessions.config().clone().with_secure(true);
            sessions.with_config(config)
        } else {
            sessions
        };
        Self {
            method: login.method,
            sessions,
            limiter: login.limiter,
            password_checks: login.password_checks,
            trusted_proxies: login.trusted_proxies,
            title: login.title.unwrap_or_else(|| app_title.to_owned()),
            counts: LoginCounts::default(),
            #[cfg(feature = "oidc")]
            oidc: login.oidc,
        }
    }

    /// The login metrics now.
    pub(crate) async fn snapshot(&self) -> crate::metrics::LoginSnapshot {
        let read = |c: &AtomicU64| c.load(Ordering::Relaxed);
        crate::metrics::LoginSnapshot {
            succeeded: read(&self.counts.succeeded),
            failed: read(&self.counts.failed),
            limited: read(&self.counts.limited),
            busy: read(&self.counts.busy),
            logouts: read(&self.counts.logouts),
            sessions: if self.uses_sessions() {
                self.sessions.count().await
            } else {
                None
            },
        }
    }

    /// Whether users log in with a form (and so have sessions and a
    /// logout).
    pub(crate) const fn uses_sessions(&self) -> bool {
        !matches!(self.method, Method::Basic { .. })
    }

    /// Whether the OpenID Connect routes are served.
    #[allow(clippy::unused_self)]
    const fn has_oidc(&self) -> bool {
        #[cfg(feature = "oidc")]
        {
            self.oidc.is_some()
        }
        #[cfg(not(feature = "oidc"))]
        {
            false
        }
    }

    /// Whether `path` (under the routes prefix) is open to everyone: only
    /// paths that reach a public handler. Nothing public may fall through
    /// to the index page (which carries the validation layout), so the
    /// static prefixes count only with the segments their routes need.
    pub(crate) fn is_public(&self, path: &str, assets_prefix: &str, metrics: bool) -> bool {
        const ALWAYS: [&str; 3] = ["/health", "/ready", "/_favicon.ico"];
        const LOGIN: [&str; 2] = ["/login", "/logout"];
        const OIDC: [&str; 2] = ["/login/oidc", "/login/oidc/callback"];
        if ALWAYS.contains(&path)
            || (path == "/metrics" && metrics)
            || (LOGIN.contains(&path) && self.uses_sessions())
            || (OIDC.contains(&path) && self.uses_sessions() && self.has_oidc())
        {
            return true;
        }
        if let Some(rest) = path.strip_prefix("/_dash-component-suites/") {
            // `{package}/{*path}`: both parts present.
            return rest
                .split_once('/')
                .is_some_and(|(package, file)| !package.is_empty() && !file.is_empty());
        }
        path.strip_prefix(assets_prefix)
            .is_some_and(|file| !file.is_empty())
    }
}
