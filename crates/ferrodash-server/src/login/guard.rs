//! The middleware in front of every route of an app with a login: finds the
//! user (session cookie or Basic header), lets public paths through, and
//! refuses everything else to anonymous requests.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State as AxumState};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ferrodash_auth::Principal;
use http::{HeaderMap, HeaderValue, Method as HttpMethod, StatusCode, header};

use super::password::Refusal;
use super::{LoginState, Method, basic};
use crate::app::App;
use crate::rejection::{ProtocolError, json_error};

/// The client's address, for counting failed logins: the connection's
/// peer, or behind a trusted proxy the last untrusted address the proxies
/// wrote into `X-Forwarded-For`; `unknown` when the app is served without
/// connection info.
pub(crate) fn client_address(
    login: &LoginState,
    extensions: &http::Extensions,
    headers: &HeaderMap,
) -> String {
    let Some(ConnectInfo(peer)) = extensions.get::<ConnectInfo<SocketAddr>>() else {
        return "unknown".to_owned();
    };
    forwarded_client(peer.ip(), &login.trusted_proxies, headers).to_string()
}

/// The client behind `peer` as `X-Forwarded-For` tells, trusting only what
/// the proxies in `trusted` wrote: read from the right, the first address
/// that is not a trusted proxy (a client can write anything to the left).
fn forwarded_client(peer: IpAddr, trusted: &[IpAddr], headers: &HeaderMap) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .into_iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|line| line.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Ok(address) = hop.parse::<IpAddr>() else {
            // Garbage: trust nothing further left.
            break;
        };
        client = address;
        if !trusted.contains(&address) {
            break;
        }
    }
    client
}

/// The session id in the request's session cookie, if it carries one.
pub(crate) fn session_id<'h>(login: &LoginState, headers: &'h HeaderMap) -> Option<&'h str> {
    crate::cookies::values(headers, &login.sessions.config().cookie_name_sent()).next()
}

/// The path under the app's routes prefix.
pub(crate) fn relative_path<'p>(app: &App, path: &'p str) -> &'p str {
    let prefix = app
        .inner
        .config
        .routes_pathname_prefix
        .trim_end_matches('/');
    match path.strip_prefix(prefix) {
        Some("") => "/",
        Some(rest) => rest,
        None => path,
    }
}

/// A 429 answer with `Retry-After`.
pub(crate) fn too_many(wait: std::time::Duration, body: Response) -> Response {
    let mut response = body;
    *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    let seconds = wait.as_secs().max(1);
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// The user of a Basic header, or the answer refusing it.
async fn basic_user(
    login: &LoginState,
    headers: &HeaderMap,
    address: &str,
) -> Result<Option<Principal>, Response> {
    let Method::Basic {
        credentials,
        verified,
        ..
    } = &login.method
    else {
        return Ok(None);
    };
    let Some(sent) = basic::credentials(headers) else {
        return Ok(None);
    };
    if let Some(user) = verified.get(&sent) {
        return Ok(Some(user));
    }
    match super::password::check(login, credentials, address, &sent.name, &sent.password).await {
        Ok(Some(user)) => {
            verified.put(&sent, user.clone());
            Ok(Some(user))
        }
        Ok(None) => Ok(None),
        Err(Refusal::Limited(wait)) => Err(too_many(
            wait,
            json_error(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_logins",
                "too many failed logins: wait before trying again",
            ),
        )),
        Err(Refusal::Busy) => Err(ProtocolError::Unavailable(
            "every password check is busy: try again in a moment".to_owned(),
        )
        .into_response()),
        Err(Refusal::LimiterDown(error)) => Err(ProtocolError::Unavailable(error).into_response()),
        Err(Refusal::DirectoryFailed(error)) => Err(crate::rejection::server_error(
            "the user directory failed",
            &error,
            false,
        )),
    }
}

/// Finds the user, then lets the request through or refuses it.
pub(crate) async fn guard(
    AxumState(app): AxumState<App>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(login) = app.inner.login.as_deref() else {
        return next.run(request).await;
    };
    let path = relative_path(&app, request.uri().path());
    // The MCP server checks its agents' bearer tokens itself.
    let public = login.is_public(
        path,
        &app.inner.assets_prefix,
        app.inner.config.metrics_endpoint,
    ) || (app.inner.mcp.is_some() && path == crate::mcp::ROUTE);
    let user = if login.uses_sessions() {
        match session_id(login, request.headers()) {
            Some(id) => match login.sessions.load(id).await {
                Ok(session) => session.and_then(|s| s.record.user),
                // A public path needs nobody.
                Err(_) if public => None,
                // Who this is cannot be told: refused, never taken for
                // anonymous (which would send a logged-in user to the
                // login form).
                Err(error) => return ProtocolError::Unavailable(error.to_string()).into_response(),
            },
            None => None,
        }
    } else {
        let address = client_address(login, request.extensions(), request.headers());
        match basic_user(login, request.headers(), &address).await {
            Ok(user) => user,
            Err(refusal) => return refusal,
        }
    };
    match user {
        Some(user) => {
            request.extensions_mut().insert(user);
            next.run(request).await
        }
        None if public => next.run(request).await,
        None => refuse(&app, login, &request),
    }
}

/// The answer to an anonymous request for a protected path: the browser's
/// Basic prompt, a redirect to the login page for a page address, or 401.
fn refuse(app: &App, login: &LoginState, request: &Request) -> Response {
    if let Method::Basic { realm, .. } = &login.method {
        let mut response = ProtocolError::LoginRequired.into_response();
        let realm = realm.replace(['"', '\\'], "");
        if let Ok(value) =
            HeaderValue::from_str(&format!("Basic realm=\"{realm}\", charset=\"UTF-8\""))
        {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
        return response;
    }
    let path = relative_path(app, request.uri().path());
    let page_address =
        matches!(*request.method(), HttpMethod::GET | HttpMethod::HEAD) && !path.starts_with("/_");
    if !page_address {
        return ProtocolError::LoginRequired.into_response();
    }
    // The address as the browser sent it, before any router nesting.
    let uri = request
        .extensions()
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| request.uri(), |o| &o.0);
    let next = uri
        .path_and_query()
        .map_or("/", http::uri::PathAndQuery::as_str);
    let location = format!(
        "{}login?next={}",
        app.inner.config.requests_prefix(),
        super::page::encode_component(next)
    );
    super::see_other(&location)
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use http::{HeaderMap, HeaderValue};

    use super::forwarded_client;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn forwarded(lines: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for line in lines {
            headers.append("x-forwarded-for", HeaderValue::from_str(line).unwrap());
        }
        headers
    }

    #[test]
    fn only_trusted_proxies_are_believed() {
        let proxy = ip("10.0.0.1");
        let trusted = [proxy, ip("10.0.0.2")];
        // A direct client: its own address, whatever it writes.
        assert_eq!(
            forwarded_client(ip("203.0.113.9"), &trusted, &forwarded(&["198.51.100.1"])),
            ip("203.0.113.9")
        );
        // Through the proxy: the address the proxy appended.
        assert_eq!(
            forwarded_client(proxy, &trusted, &forwarded(&["203.0.113.9"])),
            ip("203.0.113.9")
        );
        // A forged left part is skipped; two proxies are walked through.
        assert_eq!(
            forwarded_client(
                proxy,
                &trusted,
                &forwarded(&["1.2.3.4, 203.0.113.9", "10.0.0.2"])
            ),
            ip("203.0.113.9")
        );
        // Garbage stops the walk at the last good hop.
        assert_eq!(
            forwarded_client(proxy, &trusted, &forwarded(&["203.0.113.9, nonsense"])),
            proxy
        );
        assert_eq!(forwarded_client(proxy, &trusted, &HeaderMap::new()), proxy);
        assert_eq!(
            forwarded_client(proxy, &[], &forwarded(&["203.0.113.9"])),
            proxy
        );
    }
}
