//! Security headers on every response, errors included.

use ferrodash_components::{dcc, html};
use ferrodash_core::CallbackError;
use ferrodash_server::{App, AppBuilder, Callback, ClientsideCallback, Input};
use ferrodash_testing::client::{CallbackCall, TestClient, TestResponse};
use serde_json::json;
use sha2::{Digest, Sha256};

async fn fail(Input(_): Input<Option<String>>) -> Result<String, CallbackError> {
    Err(CallbackError::msg("boom"))
}

fn base() -> AppBuilder {
    App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .layout(html::div((
            dcc::input("in"),
            html::div(()).id("out"),
            html::div(()).id("echo"),
        )))
        .callback(
            Callback::new(fail)
                .output("out", "children")
                .input("in", "value"),
        )
        .clientside_callback(
            ClientsideCallback::inline("(v) => v")
                .output("echo", "children")
                .input("in", "value"),
        )
}

fn assert_secured(answer: &TestResponse, what: &str) {
    let csp = answer
        .header("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no CSP"));
    assert!(csp.contains("default-src 'self'"), "{what}: {csp}");
    assert!(csp.contains("frame-ancestors 'self'"), "{what}: {csp}");
    assert!(csp.contains("object-src 'none'"), "{what}: {csp}");
    assert_eq!(
        answer.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        answer.header("referrer-policy"),
        Some("strict-origin-when-cross-origin"),
        "{what}"
    );
    assert_eq!(
        answer.header("x-frame-options"),
        Some("SAMEORIGIN"),
        "{what}"
    );
}

#[tokio::test]
async fn every_response_has_the_headers() {
    let client = TestClient::new(&base().build().unwrap());
    let index = client.get("/").await;
    assert_eq!(index.status(), 200);
    assert_secured(&index, "index");
    assert_secured(&client.get("/_dash-layout").await, "layout");
    let missing = client.get("/assets/nope.css").await;
    assert_eq!(missing.status(), 404);
    assert_secured(&missing, "404");
    let failed = client
        .call(
            &CallbackCall::new()
                .output("out", "children")
                .input("in", "value", json!("x")),
        )
        .await;
    assert_eq!(failed.status(), 500);
    assert_secured(&failed, "500");
    let bad = client
        .post("/_dash-update-component", Some("text/plain"), "x")
        .await;
    assert_eq!(bad.status(), 415);
    assert_secured(&bad, "415");
    let wrong_method = client
        .post("/_dash-layout", Some("application/json"), "{}")
        .await;
    assert_eq!(wrong_method.status(), 405);
    assert_secured(&wrong_method, "405");
}

/// The page's inline scripts run because the policy lists their hashes; no
/// other inline script would.
#[tokio::test]
async fn the_policy_allows_exactly_the_pages_inline_scripts() {
    let client = TestClient::new(&base().build().unwrap());
    let index = client.get("/").await;
    let csp = index.header("content-security-policy").unwrap().to_owned();
    assert!(
        !csp.contains("'unsafe-inline'")
            || !csp
                .split(';')
                .any(|d| { d.trim().starts_with("script-src") && d.contains("'unsafe-inline'") })
    );
    let page = index.text();
    let mut inline = 0;
    for part in page.split("<script").skip(1) {
        let (open, rest) = part.split_once('>').unwrap();
        if open.contains("src=") || open.contains("application/json") {
            continue;
        }
        let body = rest.split_once("</script>").unwrap().0;
        let hash = base64_sha256(body);
        assert!(
            csp.contains(&format!("'sha256-{hash}'")),
            "{body} not in {csp}"
        );
        inline += 1;
    }
    assert_eq!(
        inline, 2,
        "the renderer's start and the inline clientside callback"
    );
}

fn base64_sha256(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
}

#[tokio::test]
async fn frame_ancestors_and_a_policy_of_ones_own() {
    let embeddable = base()
        .frame_ancestors(["'self'", "https://portal.example.com"])
        .build()
        .unwrap();
    let answer = TestClient::new(&embeddable).get("/").await;
    let csp = answer.header("content-security-policy").unwrap();
    assert!(
        csp.ends_with("frame-ancestors 'self' https://portal.example.com"),
        "{csp}"
    );
    // X-Frame-Options cannot name another site: left out.
    assert_eq!(answer.header("x-frame-options"), None);

    let own = base()
        .content_security_policy("default-src 'none'")
        .build()
        .unwrap();
    let answer = TestClient::new(&own).get("/").await;
    assert_eq!(
        answer.header("content-security-policy"),
        Some("default-src 'none'")
    );

    let errors = base()
        .frame_ancestors(["https://x.example; script-src *"])
        .build()
        .unwrap_err()
        .to_string();
    assert!(errors.contains("frame_ancestors"), "{errors}");
}

#[test]
fn production_mode_refuses_a_missing_or_weak_secret_and_debug() {
    let missing = base().production(true).build().unwrap_err().to_string();
    assert!(missing.contains("secret_key"), "{missing}");
    for weak in [b"short".to_vec(), vec![b'a'; 64]] {
        let errors = base()
            .production(true)
            .secret_key(weak)
            .build()
            .unwrap_err()
            .to_string();
        assert!(errors.contains("too weak"), "{errors}");
    }
    let debug = base()
        .production(true)
        .secret_key(*b"0123456789abcdefghijklmnopqrstuvwxyz")
        .debug(true)
        .build()
        .unwrap_err()
        .to_string();
    assert!(debug.contains("debug"), "{debug}");
    assert!(!debug.contains("secret_key"), "{debug}");
}

#[tokio::test]
async fn production_cookies_are_secure() {
    let app = base()
        .production(true)
        .secret_key(*b"0123456789abcdefghijklmnopqrstuvwxyz")
        .build()
        .unwrap();
    let page = TestClient::new(&app).get("/").await;
    let cookie = page.header("set-cookie").unwrap();
    assert!(cookie.ends_with("; Secure"), "{cookie}");
}

#[tokio::test]
async fn over_https_browsers_are_told_to_stay_on_https() {
    let production = base()
        .production(true)
        .secret_key(*b"0123456789abcdefghijklmnopqrstuvwxyz")
        .build()
        .unwrap();
    let client = TestClient::new(&production);
    for path in ["/", "/_dash-layout", "/health", "/no-such-file.js"] {
        assert_eq!(
            client.get(path).await.header("strict-transport-security"),
            Some("max-age=31536000"),
            "{path}"
        );
    }
    // The cookie carries the `__Host-` prefix there too.
    let page = client.get("/").await;
    assert!(
        page.header("set-cookie")
            .unwrap()
            .starts_with("__Host-_csrf_token="),
        "{:?}",
        page.header("set-cookie")
    );
    // Served over plain HTTP (not production, no secure cookies): no HSTS,
    // which would lock browsers out.
    let plain = base().build().unwrap();
    assert_eq!(
        TestClient::new(&plain)
            .get("/")
            .await
            .header("strict-transport-security"),
        None
    );
}
