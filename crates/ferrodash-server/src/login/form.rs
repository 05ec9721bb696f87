//! `/login` and `/logout`: the login form, checking it, and ending sessions.

use axum::body::Bytes;
use axum::extract::{Query, Request, State as AxumState};
use axum::response::{Html, IntoResponse, Response};
use ferrodash_auth::safe_next;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde::Deserialize;

use super::guard::{client_address, session_id, too_many};
use super::page::{LoginPage, logout_page, message_page};
use super::password::Refusal;
use super::{LoginCounts, LoginState, Method};
use crate::app::App;

/// The most a login form body may hold.
const FORM_LIMIT: usize = 16 * 1024;

/// The query of `GET /login`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct LoginQuery {
    next: Option<String>,
    logged_out: Option<String>,
    error: Option<String>,
}

/// The fields of the login form.
#[derive(Debug, Default, Deserialize)]
struct LoginFields {
    username: Option<String>,
    password: Option<String>,
    next: Option<String>,
    csrf_token: Option<String>,
}

/// The fields of the logout form.
#[derive(Debug, Default, Deserialize)]
struct LogoutFields {
    csrf_token: Option<String>,
}

fn login_of(app: &App) -> Option<&LoginState> {
    app.inner.login.as_deref().filter(|l| l.uses_sessions())
}

/// An HTML answer that no cache keeps, with the CSRF cookie when it is new.
fn html(status: StatusCode, body: String, new_token: Option<&str>, secure: bool) -> Response {
    let mut response = (status, Html(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(token) = new_token {
        headers.insert(header::SET_COOKIE, crate::csrf::cookie_for(token, secure));
    }
    response
}

/// The request's CSRF token, or a new one to set.
fn token_of(headers: &HeaderMap, secure: bool) -> (String, bool) {
    crate::csrf::current_token(headers, secure).map_or_else(
        || (crate::csrf::new_token(), true),
        |t| (t.to_owned(), false),
    )
}

struct FormPage<'a> {
    status: StatusCode,
    next: &'a str,
    name: &'a str,
    error: Option<&'a str>,
    note: Option<&'a str>,
}

fn render_login(
    app: &App,
    login: &LoginState,
    headers: &HeaderMap,
    page: &FormPage<'_>,
) -> Response {
    let (token, new) = token_of(headers, app.inner.config.cookies_secure());
    let prefix = app.inner.config.requests_prefix();
    let action = format!("{prefix}login");
    #[cfg(feature = "oidc")]
    let provider = login.oidc.as_ref().map(|o| {
        (
            format!(
                "{prefix}login/oidc?next={}",
                super::page::encode_component(page.next)
            ),
            o.label.clone(),
        )
    });
    #[cfg(not(feature = "oidc"))]
    let provider = None;
    let body = LoginPage {
        title: &login.title,
        action: &action,
        csrf_token: &token,
        next: page.next,
        name: page.name,
        error: page.error,
        note: page.note,
        password: matches!(login.method, Method::Form(_)),
        provider,
    }
    .render();
    html(
        page.status,
        body,
        new.then_some(token.as_str()),
        app.inner.config.cookies_secure(),
    )
}

/// `GET /login`: the form.
pub(crate) async fn login_form(
    AxumState(app): AxumState<App>,
    query: Result<Query<LoginQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let Some(login) = login_of(&app) else {
        return crate::rejection::ProtocolError::NotFound.into_response();
    };
    // A query that does not parse is a login with no `next`.
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let next = safe_next(query.next.as_deref(), app.inner.config.requests_prefix());
    let note = query.logged_out.is_some().then_some("You have logged out.");
    render_login(
        &app,
        login,
        &headers,
        &FormPage {
            status: StatusCode::OK,
            next: &next,
            name: "",
            error: query
                .error
                .is_some()
                .then_some("The login did not complete: try again."),
            note,
        },
    )
}

/// `POST /login`: checks the form; a right password starts a new session
/// (the old one ends) and goes on to `next`, if it is a path of this app.
pub(crate) async fn login_submit(AxumState(app): AxumState<App>, request: Request) -> Response {
    let Some(login) = login_of(&app) else {
        return crate::rejection::ProtocolError::NotFound.into_response();
    };
    let Method::Form(credentials) = &login.method else {
        return crate::rejection::ProtocolError::MethodNotAllowed.into_response();
    };
    let address = client_address(login, request.extensions(), request.headers());
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    let secure = app.inner.config.cookies_secure();
    let refused = |status: StatusCode, message: &str| {
        html(status, message_page(&login.title, message), None, secure)
    };
    let body =
        match crate::limits::read_body(body, FORM_LIMIT, app.inner.config.limits.body_read_timeout)
            .await
        {
            Ok(body) => body,
            Err(crate::limits::BodyProblem::TooLarge(_)) => {
                return refused(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "The login form is larger than a login form can be.",
                );
            }
            Err(crate::limits::BodyProblem::TimedOut(_)) => {
                return refused(
                    StatusCode::REQUEST_TIMEOUT,
                    "The login form did not arrive in time: send it again.",
                );
            }
            Err(crate::limits::BodyProblem::Broken(_)) => {
                return refused(StatusCode::BAD_REQUEST, "The login form could not be read.");
            }
        };
    let fields: LoginFields = match parse_form(&headers, &body) {
        Ok(fields) => fields,
        Err(problem) => return refused(StatusCode::BAD_REQUEST, &problem),
    };
    if !crate::csrf::form_is_same_site(&headers, fields.csrf_token.as_deref(), secure) {
        return refused(
            StatusCode::FORBIDDEN,
            "This login form did not come from this site: open the login page and try again.",
        );
    }
    let prefix = app.inner.config.requests_prefix();
    let next = safe_next(fields.next.as_deref(), prefix);
    let name = fields.username.as_deref().unwrap_or("").trim();
    let password = fields.password.as_deref().unwrap_or("");
    let form = |status, error: &str| {
        render_login(
            &app,
            login,
            &headers,
            &FormPage {
                status,
                next: &next,
                name,
                error: Some(error),
                note: None,
            },
        )
    };
    if name.is_empty() || password.is_empty() {
        return form(
            StatusCode::BAD_REQUEST,
            "Enter your user name and your password.",
        );
    }
    match super::password::check(login, credentials, &address, name, password).await {
        Ok(Some(user)) => {
            tracing::info!(user = %user.id, "logged in");
            start_session(login, &headers, user, &next).await
        }
        // The form again with the error, as 200: a 401 would need a
        // WWW-Authenticate challenge, which a form login has none of.
        Ok(None) => form(StatusCode::OK, "Wrong user name or password."),
        Err(Refusal::Limited(wait)) => {
            let minutes = wait.as_secs().div_ceil(60).max(1);
            too_many(
                wait,
                form(
                    StatusCode::TOO_MANY_REQUESTS,
                    &format!("Too many failed logins. Try again in {minutes} minute(s)."),
                ),
            )
        }
        Err(Refusal::Busy | Refusal::LimiterDown(_)) => {
            let mut page = form(
                StatusCode::SERVICE_UNAVAILABLE,
                "Logging in is not possible right now. Try again in a moment.",
            );
            page.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            page
        }
        Err(Refusal::DirectoryFailed(error)) => crate::rejection::server_error(
            "the user directory failed during a login",
            &error,
            false,
        ),
    }
}

/// Starts a new session for `user` (ending the request's old one) and
/// sends the browser to `next`.
pub(crate) async fn start_session(
    login: &LoginState,
    headers: &HeaderMap,
    user: ferrodash_auth::Principal,
    next: &str,
) -> Response {
    match login.sessions.login(session_id(login, headers), user).await {
        Ok(session) => super::see_other_with_cookie(next, &login.sessions.cookie(&session)),
        Err(error) => {
            tracing::warn!(%error, "a login could not start its session");
            let mut page = html(
                StatusCode::SERVICE_UNAVAILABLE,
                message_page(
                    &login.title,
                    "Logging in is not possible right now: the session store does not answer. \
                     Try again in a moment.",
                ),
                None,
                false,
            );
            page.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            page
        }
    }
}

/// A urlencoded form body; anything else is a clear 4xx.
fn parse_form<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<T, String> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type
        .to_ascii_lowercase()
        .starts_with("application/x-www-form-urlencoded")
    {
        return Err(format!(
            "The form must be sent as application/x-www-form-urlencoded, not `{content_type}`."
        ));
    }
    serde_urlencoded::from_bytes(body).map_err(|e| format!("The form could not be read: {e}."))
}

/// `GET /logout`: asks to confirm (a link cannot log anyone out: another
/// site could link to it).
pub(crate) async fn logout_confirm(AxumState(app): AxumState<App>, headers: HeaderMap) -> Response {
    let Some(login) = login_of(&app) else {
        return crate::rejection::ProtocolError::NotFound.into_response();
    };
    let (token, new) = token_of(&headers, app.inner.config.cookies_secure());
    let action = format!("{}logout", app.inner.config.requests_prefix());
    html(
        StatusCode::OK,
        logout_page(&login.title, &action, &token),
        new.then_some(token.as_str()),
        app.inner.config.cookies_secure(),
    )
}

/// `POST /logout`: ends the session and shows the login page.
pub(crate) async fn logout_submit(AxumState(app): AxumState<App>, request: Request) -> Response {
    let Some(login) = login_of(&app) else {
        return crate::rejection::ProtocolError::NotFound.into_response();
    };
    let secure = app.inner.config.cookies_secure();
    let (parts, body) = request.into_parts();
    let headers = parts.headers;
    let body =
        match crate::limits::read_body(body, FORM_LIMIT, app.inner.config.limits.body_read_timeout)
            .await
        {
            Ok(body) => body,
            Err(problem) => {
                let problem = crate::rejection::ProtocolError::from(problem);
                return html(
                    problem.status(),
                    message_page(&login.title, &format!("The logout form: {problem}.")),
                    None,
                    secure,
                );
            }
        };
    let fields: LogoutFields = if body.is_empty() {
        LogoutFields::default()
    } else {
        match parse_form(&headers, &body) {
            Ok(fields) => fields,
            Err(problem) => {
                return html(
                    StatusCode::BAD_REQUEST,
                    message_page(&login.title, &problem),
                    None,
                    secure,
                );
            }
        }
    };
    if !crate::csrf::form_is_same_site(&headers, fields.csrf_token.as_deref(), secure) {
        return html(
            StatusCode::FORBIDDEN,
            message_page(
                &login.title,
                "This logout did not come from this site: nothing was changed.",
            ),
            None,
            secure,
        );
    }
    if let Some(id) = session_id(login, &headers) {
        if let Err(error) = login.sessions.logout(id).await {
            // The session may still be live: say so, and keep the cookie
            // so a retry can end it.
            tracing::warn!(%error, "a logout could not end its session");
            let mut page = html(
                StatusCode::SERVICE_UNAVAILABLE,
                message_page(
                    &login.title,
                    "You are not logged out yet: the session store does not answer. \
                     Try again in a moment.",
                ),
                None,
                secure,
            );
            page.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            return page;
        }
        LoginCounts::add(&login.counts.logouts);
    }
    super::see_other_with_cookie(
        &format!("{}login?logged_out=1", app.inner.config.requests_prefix()),
        &login.sessions.removal_cookie(),
    )
}
