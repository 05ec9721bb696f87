//! The renderer's double-submit token: the index page sets the cookie, and
//! a callback POST without the matching header is refused.

use axum::body::Body;
use ferrodash_components::{dcc, html};
use ferrodash_server::{App, Callback, Input};
use ferrodash_testing::client::{CallbackCall, TestClient};
use http::{Method, Request};
use serde_json::json;

async fn echo(Input(text): Input<Option<String>>) -> String {
    text.unwrap_or_default()
}

fn app(csrf: bool) -> App {
    App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .layout(html::div((dcc::input("in"), html::div(()).id("out"))))
        .callback(
            Callback::new(echo)
                .output("out", "children")
                .input("in", "value"),
        )
        .csrf_protection(csrf)
        .build()
        .unwrap()
}

fn body() -> String {
    CallbackCall::new()
        .output("out", "children")
        .input("in", "value", json!("hi"))
        .body()
        .to_string()
}

fn post(cookie: Option<&str>, header: Option<&str>) -> Request<Body> {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri("/_dash-update-component")
        .header("content-type", "application/json");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    if let Some(header) = header {
        request = request.header("x-csrftoken", header);
    }
    request.body(Body::from(body())).unwrap()
}

#[tokio::test]
async fn the_page_sets_the_token_and_callbacks_need_it() {
    let client = TestClient::new(&app(true)).without_csrf_token();
    let page = client.get("/").await;
    let set_cookie = page
        .header("set-cookie")
        .expect("a token cookie")
        .to_owned();
    assert!(set_cookie.starts_with("_csrf_token="), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Strict"), "{set_cookie}");
    assert!(
        !set_cookie.contains("HttpOnly"),
        "the renderer must read it"
    );
    let pair = set_cookie.split(';').next().unwrap();
    let token = pair.split_once('=').unwrap().1;

    // A browser that has the cookie is not given another.
    let again = client.get_with("/", &[("cookie", pair)]).await;
    assert_eq!(again.header("set-cookie"), None);

    let ok = client.send(post(Some(pair), Some(token))).await;
    assert_eq!(ok.status(), 200, "{}", ok.text());

    let other = "A".repeat(token.len());
    for (cookie, header, what) in [
        (None, None, "nothing"),
        (
            Some(pair),
            None,
            "the cookie alone (a forged cross-site request)",
        ),
        (None, Some(token), "the header alone"),
        (Some(pair), Some(other.as_str()), "another token"),
        (
            Some("_csrf_token=short"),
            Some("short"),
            "a malformed token",
        ),
    ] {
        let refused = client.send(post(cookie, header)).await;
        assert_eq!(refused.status(), 403, "{what}");
        assert_eq!(refused.json()["error"], "csrf", "{what}");
        assert!(
            refused.header("content-security-policy").is_some(),
            "{what}"
        );
    }
}

#[tokio::test]
async fn the_check_can_be_turned_off() {
    let client = TestClient::new(&app(false)).without_csrf_token();
    assert_eq!(client.get("/").await.header("set-cookie"), None);
    assert_eq!(client.send(post(None, None)).await.status(), 200);
}
