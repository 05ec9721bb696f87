//! The index page, the layout, the callback list and the reload hash.

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::response::{Html, IntoResponse, Response};
use http::{HeaderValue, Method, StatusCode, header};

use crate::app::{App, LayoutSource};
use crate::rejection::{ProtocolError, json_response, server_error};

/// A JSON answer the browser must not cache (layouts differ per load).
fn json_no_store(body: Bytes) -> Response {
    let mut response = json_response(StatusCode::OK, body);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub(crate) async fn index(
    AxumState(app): AxumState<App>,
    uri: http::Uri,
    headers: http::HeaderMap,
) -> Response {
    let end_id = app.inner.signer.new_end_id();
    let mut html = app.inner.index.with_end_id(&end_id);
    // A page's own title and meta tags, for link previews and search
    // engines; the browser routes the page itself.
    if let Some(routes) = &app.inner.page_routes
        && let Some((page, _)) = routes.find(uri.path())
    {
        html = crate::pages::with_page_head(&html, page, &app.inner.config.title);
    }
    let mut response = Html(html).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if app.inner.config.csrf_protection
        && !crate::csrf::has_token(&headers, app.inner.config.cookies_secure())
    {
        response.headers_mut().append(
            header::SET_COOKIE,
            crate::csrf::new_cookie(app.inner.config.cookies_secure()),
        );
    }
    response
}

/// Any other path: GET serves the index for client-side routing; other
/// methods are refused.
pub(crate) async fn fallback(
    state: AxumState<App>,
    method: Method,
    uri: http::Uri,
    headers: http::HeaderMap,
) -> Response {
    if method == Method::GET || method == Method::HEAD {
        index(state, uri, headers).await
    } else {
        ProtocolError::MethodNotAllowed.into_response()
    }
}

pub(crate) async fn layout(
    AxumState(app): AxumState<App>,
    user: Option<axum::Extension<ferrodash_auth::Principal>>,
) -> Response {
    match &app.inner.layout {
        LayoutSource::Static(bytes) => json_no_store(bytes.clone()),
        LayoutSource::Dynamic(f) => {
            let f = f.clone();
            let user = user.map(|axum::Extension(user)| user);
            let built =
                tokio::task::spawn_blocking(move || serde_json::to_vec(&f(user.as_ref()))).await;
            match built {
                Ok(Ok(bytes)) => json_no_store(Bytes::from(bytes)),
                Ok(Err(e)) => server_error(
                    "the layout could not be serialized",
                    &e.to_string(),
                    app.inner.config.dev_tools.ui,
                ),
                Err(join) => {
                    let detail = if join.is_panic() {
                        crate::callback::panic_message(join.into_panic().as_ref())
                    } else {
                        "cancelled".to_owned()
                    };
                    server_error(
                        "the layout function failed",
                        &detail,
                        app.inner.config.dev_tools.ui,
                    )
                }
            }
        }
    }
}

pub(crate) async fn dependencies(AxumState(app): AxumState<App>) -> Response {
    json_no_store(app.inner.dependencies.clone())
}

pub(crate) async fn reload_hash(AxumState(app): AxumState<App>) -> Response {
    let inner = app.inner.clone();
    let value = tokio::task::spawn_blocking(move || inner.reload.poll(&inner.config))
        .await
        .unwrap_or_default();
    json_no_store(Bytes::from(value.to_string()))
}
