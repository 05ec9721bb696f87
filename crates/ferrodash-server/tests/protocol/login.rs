//! Login: everything protected but the public list, the login form with its
//! errors and limits, sessions rotated at login and ended at logout, safe
//! redirects after login, groups on callbacks and pages, Basic auth, and
//! data kept per user.

use std::collections::HashMap;

use ferrodash_auth::{BoxFuture, Credentials, CredentialsError, Principal};
use ferrodash_cache::StoreKey;
use ferrodash_components::{dcc, html};
use ferrodash_core::CallbackError;
use ferrodash_server::{App, Callback, Input, Login, Page, Store};
use ferrodash_testing::client::{CSRF_TOKEN, CallbackCall, TestClient, TestResponse};
use http::StatusCode;
use serde_json::{Value, json};

/// Users with fixed passwords (the real `Users` table is tested in
/// ferrodash-auth; a fixed list keeps these tests fast).
struct Fixed(HashMap<&'static str, (&'static str, Principal)>);

impl Credentials for Fixed {
    fn verify<'a>(
        &'a self,
        name: &'a str,
        password: &'a str,
    ) -> BoxFuture<'a, Result<Option<Principal>, CredentialsError>> {
        Box::pin(async move {
            Ok(self
                .0
                .get(name)
                .filter(|(p, _)| *p == password)
                .map(|(_, user)| user.clone()))
        })
    }
}

const ALICE_PASSWORD: &str = "alice's long password";
const BOB_PASSWORD: &str = "bob's long password";

fn users() -> Fixed {
    Fixed(HashMap::from([
        (
            "alice",
            (
                ALICE_PASSWORD,
                Principal::new("alice", "Alice Admin").with_groups(["admin", "sales"]),
            ),
        ),
        (
            "bob",
            (
                BOB_PASSWORD,
                Principal::new("bob", "Bob Sales").with_groups(["sales"]),
            ),
        ),
    ]))
}

async fn whoami(Input(_n): Input<Option<u64>>, user: Principal) -> String {
    format!("{} ({})", user.name, user.groups.join(","))
}

async fn admin_only(Input(_n): Input<Option<u64>>) -> String {
    "the admin secret".to_owned()
}

async fn keep(
    Input(text): Input<Option<String>>,
    store: Store,
) -> Result<StoreKey<String>, CallbackError> {
    Ok(store.put(&text.unwrap_or_default()).await?)
}

async fn read(Input(key): Input<StoreKey<String>>, store: Store) -> Result<String, CallbackError> {
    Ok(store.get(&key).await?)
}

fn builder(login: Login) -> ferrodash_server::AppBuilder {
    App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .metrics_endpoint(true)
        .layout(html::div((
            html::button("go").id("go"),
            html::div(()).id("me"),
            html::div(()).id("secret"),
            dcc::input("text"),
            dcc::store("key"),
            html::div(()).id("read"),
        )))
        .callback(
            Callback::new(whoami)
                .output("me", "children")
                .input("go", "n_clicks"),
        )
        .callback(
            Callback::new(admin_only)
                .output("secret", "children")
                .input("go", "n_clicks")
                .require_group("admin"),
        )
        .callback(
            Callback::new(keep)
                .output("key", "data")
                .input("text", "value"),
        )
        .callback(
            Callback::new(read)
                .output("read", "children")
                .input("key", "data"),
        )
        .login(login)
}

fn app() -> App {
    builder(Login::form(users())).build().expect("a valid app")
}

fn whoami_call() -> CallbackCall {
    CallbackCall::new()
        .output("me", "children")
        .input("go", "n_clicks", json!(1))
}

fn session_of(client: &TestClient) -> String {
    client
        .cookie("ferrodash_session")
        .expect("a session cookie")
        .to_owned()
}

fn post_form(client: &TestClient, path: &str, body: &str) -> http::Request<axum::body::Body> {
    let _ = client;
    http::Request::builder()
        .method("POST")
        .uri(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(body.to_owned()))
        .expect("a request")
}

#[tokio::test]
async fn anonymous_requests_are_refused_except_the_public_list() {
    let app = app();
    let client = TestClient::new(&app);

    // A page address sends the browser to the login page, keeping where it
    // was going.
    let page = client.get("/reports/7?tab=costs").await;
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        page.header("location"),
        Some("/login?next=/reports/7%3Ftab%3Dcosts")
    );
    assert_eq!(client.get("/").await.status(), StatusCode::SEE_OTHER);
    // Dash's own requests get 401 with a message, never the app's data.
    for path in ["/_dash-layout", "/_dash-dependencies", "/_reload-hash"] {
        let answer = client.get(path).await;
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(answer.json()["error"], "login_required", "{path}");
    }
    let call = client.call(&whoami_call()).await;
    assert_eq!(call.status(), StatusCode::UNAUTHORIZED);
    assert!(call.json()["message"].as_str().unwrap().contains("log in"));
    // The public list answers.
    assert_eq!(client.get("/health").await.status(), StatusCode::OK);
    assert_eq!(client.get("/ready").await.status(), StatusCode::OK);
    assert_eq!(client.get("/metrics").await.status(), StatusCode::OK);
    assert_eq!(client.get("/_favicon.ico").await.status(), StatusCode::OK);
    let bundle = client
        .get("/_dash-component-suites/dash/deps/react@18.3.1.min.js")
        .await;
    assert_eq!(bundle.status(), StatusCode::OK);
    let login = client.get("/login?next=/reports/7").await;
    assert_eq!(login.status(), StatusCode::OK);
    let text = login.text();
    assert!(text.contains("name=\"password\""), "{text}");
    assert!(text.contains("value=\"/reports/7\""), "{text}");
    assert!(
        login
            .header("set-cookie")
            .unwrap()
            .starts_with("_csrf_token=")
    );
    // Refusals carry the security headers too.
    for answer in [&page, &call] {
        assert!(answer.header("content-security-policy").is_some());
        assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
    }
}

#[tokio::test]
async fn a_login_starts_a_session_that_callbacks_see_and_a_wrong_password_is_an_error() {
    let app = app();
    let client = TestClient::new(&app);

    let wrong = client
        .log_in("alice", "not her password")
        .await
        .unwrap_err();
    assert_eq!(
        wrong.status(),
        StatusCode::OK,
        "the form again, with the error"
    );
    assert!(wrong.text().contains("Wrong user name or password."));
    assert!(
        wrong.text().contains("value=\"alice\""),
        "the name stays filled in"
    );
    assert!(
        wrong.header("set-cookie").is_none(),
        "no session for a wrong password"
    );
    let unknown = client.log_in("mallory", ALICE_PASSWORD).await.unwrap_err();
    assert_eq!(unknown.status(), StatusCode::OK);
    assert!(unknown.text().contains("Wrong user name or password."));

    let alice = client.log_in("alice", ALICE_PASSWORD).await.unwrap();
    let cookie = alice.cookie("ferrodash_session").unwrap();
    assert_eq!(cookie.len(), 43);
    let index = alice.get("/").await;
    assert_eq!(index.status(), StatusCode::OK);
    let me = alice.call(&whoami_call()).await;
    assert_eq!(me.status(), StatusCode::OK, "{}", me.text());
    assert_eq!(
        me.json()["response"]["me"]["children"],
        "Alice Admin (admin,sales)"
    );

    // The session cookie's attributes.
    let raw = client
        .send(post_form(
            &client,
            "/login",
            &format!(
                "username=bob&password={}&csrf_token=x",
                BOB_PASSWORD.replace(' ', "+")
            ),
        ))
        .await;
    assert_eq!(
        raw.status(),
        StatusCode::FORBIDDEN,
        "a form without the page's token is refused"
    );
    let bob = client.log_in("bob", BOB_PASSWORD).await.unwrap();
    let me = bob.call(&whoami_call()).await;
    assert_eq!(me.json()["response"]["me"]["children"], "Bob Sales (sales)");
}

#[tokio::test]
async fn the_session_cookie_is_http_only_same_site_and_secure_when_asked() {
    let app = builder(Login::form(users()))
        .secure_cookies(true)
        .build()
        .unwrap();
    let client = TestClient::new(&app);
    let body = format!(
        "username=alice&password={}&csrf_token={CSRF_TOKEN}",
        ALICE_PASSWORD.replace(' ', "+").replace('\'', "%27")
    );
    let request = post_form(&client, "/login", &body);
    let answer = client.send(request).await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER, "{}", answer.text());
    let cookie = answer.header("set-cookie").unwrap();
    for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    // Over HTTPS the name has the `__Host-` prefix: the browser keeps it for
    // this host alone, and no other site of the domain can set it.
    assert!(cookie.starts_with("__Host-ferrodash_session="), "{cookie}");
    assert!(!cookie.to_ascii_lowercase().contains("domain="), "{cookie}");
    assert_eq!(answer.header("location"), Some("/"));
    let id = cookie
        .split(';')
        .next()
        .and_then(|pair| pair.split_once('='))
        .map(|(_, id)| id.to_owned())
        .unwrap();
    let alice = TestClient::new(&app).with_cookie("__Host-ferrodash_session", &id);
    assert_eq!(
        alice.call(&whoami_call()).await.json()["response"]["me"]["children"],
        "Alice Admin (admin,sales)"
    );
    // The same id under the name without the prefix (a cookie another site
    // of the domain could have planted) is nobody's.
    let tossed = TestClient::new(&app).with_cookie("ferrodash_session", &id);
    assert_eq!(
        tossed.call(&whoami_call()).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_session_id_from_before_login_is_invalid_after_it() {
    let app = app();
    let client = TestClient::new(&app);
    // A session the browser held before (a login as bob on a shared machine).
    let before = client.log_in("bob", BOB_PASSWORD).await.unwrap();
    let old_id = session_of(&before);
    assert_eq!(before.call(&whoami_call()).await.status(), StatusCode::OK);
    // The same browser logs in as alice: a new id, the old one is dead.
    let after = before.log_in("alice", ALICE_PASSWORD).await.unwrap();
    let new_id = session_of(&after);
    assert_ne!(old_id, new_id);
    let replay = TestClient::new(&app).with_cookie("ferrodash_session", &old_id);
    assert_eq!(
        replay.call(&whoami_call()).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(replay.get("/").await.status(), StatusCode::SEE_OTHER);
    // An id planted by an attacker before the victim logs in is worth
    // nothing either: the login issues its own.
    let planted = "PlantedSessionId0123456789abcdefghijklmnopq";
    assert_eq!(planted.len(), 43);
    let victim = TestClient::new(&app)
        .with_cookie("ferrodash_session", planted)
        .log_in("alice", ALICE_PASSWORD)
        .await
        .unwrap();
    assert_ne!(session_of(&victim), planted);
    let attacker = TestClient::new(&app).with_cookie("ferrodash_session", planted);
    assert_eq!(
        attacker.call(&whoami_call()).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn logout_ends_the_session_and_needs_a_same_site_form() {
    let app = app();
    let alice = TestClient::new(&app)
        .log_in("alice", ALICE_PASSWORD)
        .await
        .unwrap();
    // A cross-site form post (no token, no same-origin mark) changes nothing.
    let forged = alice.send(post_form(&alice, "/logout", "")).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(alice.call(&whoami_call()).await.status(), StatusCode::OK);
    // The confirmation page's form logs out.
    let confirm = alice.get("/logout").await;
    assert!(confirm.text().contains("action=\"/logout\""));
    let mut request = post_form(&alice, "/logout", "");
    request
        .headers_mut()
        .insert("sec-fetch-site", "same-origin".parse().unwrap());
    let out = alice.send(request).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(out.header("location"), Some("/login?logged_out=1"));
    assert!(out.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert_eq!(
        alice.call(&whoami_call()).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let page = TestClient::new(&app).get("/login?logged_out=1").await;
    assert!(page.text().contains("You have logged out."));
}

#[tokio::test]
async fn failed_logins_are_limited_with_retry_after() {
    let app = app();
    let client = TestClient::new(&app);
    for _ in 0..5 {
        let wrong = client.log_in("bob", "guess guess guess").await.unwrap_err();
        assert!(wrong.text().contains("Wrong user name or password."));
    }
    // Past the limit even the right password waits.
    let limited = client.log_in("bob", BOB_PASSWORD).await.unwrap_err();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!(wait > 0 && wait <= 15 * 60, "{wait}");
    assert!(limited.text().contains("Too many failed logins"));
    let metrics = client.get("/metrics").await.text();
    let samples = parse_metrics(&metrics);
    assert_eq!(samples["ferrodash_logins_total{outcome=failure}"], 5.0);
    assert_eq!(samples["ferrodash_logins_total{outcome=rate_limited}"], 1.0);
}

#[tokio::test(flavor = "multi_thread")]
async fn failed_logins_count_across_processes_and_a_down_limiter_answers_503() {
    use ferrodash_testing::redis_server::RedisServer;
    let mut redis = RedisServer::start().await.expect("redis-server starts");
    let limiter = |url: String| async move {
        ferrodash_auth::LoginLimiter::connect_redis(&url)
            .await
            .expect("Redis answers")
    };
    // Two processes of one app, one Redis: three failures through one and
    // two through the other make five.
    let one = TestClient::new(
        &builder(Login::form(users()).limiter(limiter(redis.url()).await))
            .build()
            .unwrap(),
    );
    let two = TestClient::new(
        &builder(Login::form(users()).limiter(limiter(redis.url()).await))
            .build()
            .unwrap(),
    );
    for client in [&one, &two, &one, &two, &one] {
        let wrong = client.log_in("bob", "guess guess guess").await.unwrap_err();
        assert!(wrong.text().contains("Wrong user name or password."));
    }
    let limited = two.log_in("bob", BOB_PASSWORD).await.unwrap_err();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);

    redis.stop().await.unwrap();
    let down = one.log_in("alice", ALICE_PASSWORD).await.unwrap_err();
    assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(down.header("retry-after").is_some());
    assert!(
        down.text().contains("Logging in is not possible right now"),
        "{}",
        down.text()
    );
    // Back up (empty): logins go ahead again.
    redis.restart().await.unwrap();
    let mut outcome = one.log_in("alice", ALICE_PASSWORD).await;
    for _ in 0..50 {
        if outcome.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        outcome = one.log_in("alice", ALICE_PASSWORD).await;
    }
    assert!(outcome.is_ok(), "logins work once Redis is back");
}

fn parse_metrics(text: &str) -> HashMap<String, f64> {
    let lines = text.lines().map(|l| Ok(l.to_owned()));
    let scrape = prometheus_parse::Scrape::parse(lines).expect("Prometheus text");
    scrape
        .samples
        .into_iter()
        .filter_map(|s| {
            let value = match s.value {
                prometheus_parse::Value::Counter(v)
                | prometheus_parse::Value::Gauge(v)
                | prometheus_parse::Value::Untyped(v) => v,
                _ => return None,
            };
            let mut labels: Vec<String> =
                s.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            labels.sort();
            let name = if labels.is_empty() {
                s.metric
            } else {
                format!("{}{{{}}}", s.metric, labels.join(","))
            };
            Some((name, value))
        })
        .collect()
}

#[tokio::test]
async fn sessions_and_logins_are_in_the_metrics() {
    let app = app();
    let client = TestClient::new(&app);
    let _alice = client.log_in("alice", ALICE_PASSWORD).await.unwrap();
    let bob = client.log_in("bob", BOB_PASSWORD).await.unwrap();
    let samples = parse_metrics(&client.get("/metrics").await.text());
    assert_eq!(samples["ferrodash_sessions_active"], 2.0);
    assert_eq!(samples["ferrodash_logins_total{outcome=success}"], 2.0);
    let mut request = post_form(&bob, "/logout", "");
    request
        .headers_mut()
        .insert("sec-fetch-site", "same-origin".parse().unwrap());
    bob.send(request).await;
    let samples = parse_metrics(&client.get("/metrics").await.text());
    assert_eq!(samples["ferrodash_sessions_active"], 1.0);
    assert_eq!(samples["ferrodash_logouts_total"], 1.0);
}

/// Where a login with `next` sends the browser.
async fn after_login(app: &App, next: &str) -> String {
    let body = serde_urlencoded::to_string([
        ("username", "alice"),
        ("password", ALICE_PASSWORD),
        ("next", next),
        ("csrf_token", CSRF_TOKEN),
    ])
    .unwrap();
    let client = TestClient::new(app);
    let request = post_form(&client, "/login", &body);
    let answer: TestResponse = client.send(request).await;
    assert_eq!(
        answer.status(),
        StatusCode::SEE_OTHER,
        "{next}: {}",
        answer.text()
    );
    answer.header("location").unwrap().to_owned()
}

#[tokio::test]
async fn next_after_login_never_leads_off_site() {
    let app = app();
    let attacks = [
        "//evil.example",
        "//evil.example/path",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\\/evil.example",
        "https://evil.example/",
        "http://evil.example",
        "HTTPS://evil.example",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "%2F%2Fevil.example",
        "/%2F/evil.example",
        "/%2Fevil.example",
        "%252F%252Fevil.example",
        "/%5Cevil.example",
        "/%5C%5Cevil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/%09/evil.example",
        "/%0D%0A/evil.example",
        "evil.example",
        "@evil.example",
        "/@evil.example/../..//evil.example",
        " //evil.example",
        "//evil.example%2F",
        "/%252F%252Fevil.example",
        "https:evil.example",
        "//%65vil.example",
    ];
    assert!(attacks.len() >= 20);
    for next in attacks {
        let location = after_login(&app, next).await;
        assert_eq!(location, "/", "next={next:?} led to {location:?}");
    }
    // Paths of the app are kept as they are, query and all.
    for next in [
        "/reports/7?tab=costs",
        "/explore?q=New%20York",
        "/explore?region=Europe&years=%5B2023%2C2025%5D",
    ] {
        assert_eq!(after_login(&app, next).await, next);
    }
}

#[tokio::test]
async fn callbacks_can_require_a_group() {
    let app = app();
    let client = TestClient::new(&app);
    let call = CallbackCall::new()
        .output("secret", "children")
        .input("go", "n_clicks", json!(1));
    let bob = client.log_in("bob", BOB_PASSWORD).await.unwrap();
    let refused = bob.call(&call).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(refused.json()["error"], "forbidden");
    assert!(refused.text().contains("admin"));
    assert!(!refused.text().contains("the admin secret"));
    let alice = client.log_in("alice", ALICE_PASSWORD).await.unwrap();
    let answer = alice.call(&call).await;
    assert_eq!(
        answer.json()["response"]["secret"]["children"],
        "the admin secret"
    );
}

#[tokio::test]
async fn stored_data_belongs_to_the_user_who_stored_it() {
    let app = app();
    let client = TestClient::new(&app);
    let alice = client.log_in("alice", ALICE_PASSWORD).await.unwrap();
    let bob = client.log_in("bob", BOB_PASSWORD).await.unwrap();
    let put = alice
        .call(&CallbackCall::new().output("key", "data").input(
            "text",
            "value",
            json!("alice's numbers"),
        ))
        .await;
    let key: Value = put.json()["response"]["key"]["data"].clone();
    let read = |key: Value| {
        CallbackCall::new()
            .output("read", "children")
            .input("key", "data", key)
    };
    let own = alice.call(&read(key.clone())).await;
    assert_eq!(
        own.json()["response"]["read"]["children"],
        "alice's numbers"
    );
    let stolen = bob.call(&read(key)).await;
    assert_eq!(
        stolen.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        stolen.text()
    );
    assert!(!stolen.text().contains("alice's numbers"));
}

#[tokio::test]
async fn basic_auth_prompts_checks_and_limits() {
    use base64::Engine as _;
    let app = builder(Login::basic(users()).realm("Reports"))
        .build()
        .unwrap();
    let client = TestClient::new(&app);
    let prompt = client.get("/").await;
    assert_eq!(prompt.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        prompt.header("www-authenticate"),
        Some("Basic realm=\"Reports\", charset=\"UTF-8\"")
    );
    assert_eq!(client.get("/health").await.status(), StatusCode::OK);
    // No login page: the prompt is the browser's.
    assert_eq!(
        client.get("/login").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let header = |name: &str, password: &str| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{name}:{password}"))
        )
    };
    let alice = header("alice", ALICE_PASSWORD);
    let ok = client.get_with("/", &[("authorization", &alice)]).await;
    assert_eq!(ok.status(), StatusCode::OK);
    let request = http::Request::builder()
        .method("POST")
        .uri("/_dash-update-component")
        .header("content-type", "application/json")
        .header("authorization", &alice)
        .body(axum::body::Body::from(whoami_call().body().to_string()))
        .unwrap();
    let me = client.send(request).await;
    assert_eq!(
        me.json()["response"]["me"]["children"],
        "Alice Admin (admin,sales)"
    );
    for _ in 0..5 {
        let wrong = client
            .get_with(
                "/",
                &[("authorization", &header("bob", "wrong wrong wrong"))],
            )
            .await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = client
        .get_with("/", &[("authorization", &header("bob", BOB_PASSWORD))])
        .await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.header("retry-after").is_some());
}

#[tokio::test]
async fn pages_can_require_a_group_and_draw_for_the_user() {
    let app = App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .page(Page::for_user("/", |user: &Principal, (): ()| {
            html::h1(format!("Welcome, {}", user.name)).into()
        }))
        .page(
            Page::new("/admin", || {
                html::div((
                    html::h1("Admin tools"),
                    html::button("Purge every customer's data").id("purge"),
                ))
                .into()
            })
            .require_group("admin"),
        )
        .login(Login::form(users()))
        .build()
        .unwrap();
    // The page every user loads carries the validation layout: the admin
    // page's ids are there (so its callbacks validate), its drawn text is
    // not.
    let index = TestClient::new(&app)
        .log_in("bob", BOB_PASSWORD)
        .await
        .unwrap()
        .get("/")
        .await
        .text();
    assert!(index.contains("\"purge\""), "the admin page's ids validate");
    for secret in ["Admin tools", "Purge every customer"] {
        assert!(!index.contains(secret), "{secret} sent to every user");
    }
    assert!(app.pages()[1].visible_to(&Principal::new("a", "A").with_groups(["admin"])));
    assert!(!app.pages()[1].visible_to(&Principal::new("b", "B")));
    let client = TestClient::new(&app);
    let route = |path: &str| {
        CallbackCall::new()
            .output("_pages_content", "children")
            .output("_pages_store", "data")
            .input("_pages_location", "pathname", json!(path))
            .input("_pages_location", "search", json!(""))
    };
    let bob = client.log_in("bob", BOB_PASSWORD).await.unwrap();
    let home = bob.call(&route("/")).await.text();
    assert!(home.contains("Welcome, Bob Sales"), "{home}");
    let admin = bob.call(&route("/admin")).await.text();
    assert!(admin.contains("403 - Not allowed"), "{admin}");
    assert!(!admin.contains("Admin tools"));
    let alice = client.log_in("alice", ALICE_PASSWORD).await.unwrap();
    assert!(
        alice
            .call(&route("/admin"))
            .await
            .text()
            .contains("Admin tools")
    );
}

#[test]
fn groups_and_user_pages_need_a_login() {
    let errors = App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .layout(html::div((
            html::button("go").id("go"),
            html::div(()).id("secret"),
        )))
        .callback(
            Callback::new(admin_only)
                .output("secret", "children")
                .input("go", "n_clicks")
                .require_group("admin"),
        )
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        errors.contains("callback `admin_only` needs a logged-in user"),
        "{errors}"
    );
}

#[tokio::test]
async fn a_layout_can_be_drawn_for_the_user() {
    let app = App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .layout_for_user(|user: &Principal| html::h1(format!("Reports of {}", user.name)).id("hi"))
        .login(Login::form(users()))
        .build()
        .unwrap();
    let client = TestClient::new(&app);
    let alice = client.log_in("alice", ALICE_PASSWORD).await.unwrap();
    let layout = alice.layout().await;
    assert_eq!(layout["props"]["children"], "Reports of Alice Admin");
    let bob = client.log_in("bob", BOB_PASSWORD).await.unwrap();
    assert_eq!(
        bob.layout().await["props"]["children"],
        "Reports of Bob Sales"
    );
    assert_eq!(
        client.get("/_dash-layout").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let errors = App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .layout_for_user(|user: &Principal| html::h1(user.name.clone()))
        .build()
        .unwrap_err()
        .to_string();
    assert!(errors.contains("layout_for_user"), "{errors}");
}

/// A login form post from `client` (as `X-Forwarded-For` says) through a
/// proxy at 127.0.0.1.
async fn login_through_proxy(app: &App, client: &str, name: &str, password: &str) -> StatusCode {
    let body = serde_urlencoded::to_string([
        ("username", name),
        ("password", password),
        ("csrf_token", CSRF_TOKEN),
    ])
    .unwrap();
    let test_client = TestClient::new(app);
    let mut request = post_form(&test_client, "/login", &body);
    let headers = request.headers_mut();
    headers.insert("x-forwarded-for", client.parse().unwrap());
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            [127, 0, 0, 1],
            40_000,
        ))));
    let answer = test_client.send(request).await;
    if answer.text().contains("Wrong user name or password.") {
        StatusCode::UNAUTHORIZED
    } else {
        answer.status()
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_failed_logins_count_per_client() {
    let app = builder(Login::form(users()).trusted_proxies(["127.0.0.1".parse().unwrap()]))
        .build()
        .unwrap();
    for _ in 0..5 {
        let status = login_through_proxy(&app, "203.0.113.7", "alice", "guess guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // The guessing client waits...
    assert_eq!(
        login_through_proxy(&app, "203.0.113.7", "alice", ALICE_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ...while another client behind the same proxy logs in, even when the
    // guesser forges an X-Forwarded-For part of its own.
    assert_eq!(
        login_through_proxy(&app, "198.51.100.4", "alice", ALICE_PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        login_through_proxy(&app, "198.51.100.4, 203.0.113.7", "alice", ALICE_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// Credentials that take `delay` to answer "wrong", counting the checks.
/// [`users`] whose every check takes `delay`, counted.
struct Slow {
    delay: std::time::Duration,
    checks: std::sync::atomic::AtomicUsize,
    users: Fixed,
}

impl Credentials for Slow {
    fn verify<'a>(
        &'a self,
        name: &'a str,
        password: &'a str,
    ) -> BoxFuture<'a, Result<Option<Principal>, CredentialsError>> {
        Box::pin(async move {
            self.checks
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tokio::time::sleep(self.delay).await;
            self.users.verify(name, password).await
        })
    }
}

fn slow(delay_ms: u64) -> std::sync::Arc<Slow> {
    std::sync::Arc::new(Slow {
        delay: std::time::Duration::from_millis(delay_ms),
        checks: std::sync::atomic::AtomicUsize::new(0),
        users: users(),
    })
}

/// Logins sent all at once, each through the proxy as `client`.
async fn logins_at_once(app: &App, logins: &[(&str, &str)]) -> Vec<StatusCode> {
    let requests = logins.iter().map(|(client, name)| {
        let app = app.clone();
        let (client, name) = ((*client).to_owned(), (*name).to_owned());
        tokio::spawn(async move { login_through_proxy(&app, &client, &name, "guess guess").await })
    });
    let mut statuses = Vec::new();
    for request in requests.collect::<Vec<_>>() {
        statuses.push(request.await.unwrap());
    }
    statuses
}

#[tokio::test(flavor = "multi_thread")]
async fn attempts_sent_at_once_are_counted_before_any_password_is_checked() {
    let credentials = slow(300);
    let app = builder(
        Login::form(std::sync::Arc::clone(&credentials))
            .trusted_proxies(["127.0.0.1".parse().unwrap()])
            .password_checks(64, std::time::Duration::from_secs(10)),
    )
    .build()
    .unwrap();
    let statuses = logins_at_once(&app, &[("203.0.113.7", "alice"); 12]).await;
    let checked = credentials.checks.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(checked, 5, "12 guesses at once: {statuses:?}");
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count(),
        7,
        "{statuses:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_burst_of_logins_waits_for_a_few_password_checks_then_gets_503() {
    let credentials = slow(400);
    let app = builder(
        Login::form(std::sync::Arc::clone(&credentials))
            .trusted_proxies(["127.0.0.1".parse().unwrap()])
            .password_checks(1, std::time::Duration::from_millis(100)),
    )
    .build()
    .unwrap();
    let logins: Vec<(String, String)> = (0..4)
        .map(|i| (format!("203.0.113.{i}"), format!("user{i}")))
        .collect();
    let logins: Vec<(&str, &str)> = logins
        .iter()
        .map(|(c, n)| (c.as_str(), n.as_str()))
        .collect();
    let statuses = logins_at_once(&app, &logins).await;
    assert_eq!(
        credentials.checks.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "one check at a time, the others waited 100 ms and gave up: {statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::SERVICE_UNAVAILABLE)
            .count(),
        3,
        "{statuses:?}"
    );
    // The refusal says so, with Retry-After.
    let busy = {
        let blocker = tokio::spawn({
            let app = app.clone();
            async move { login_through_proxy(&app, "203.0.113.50", "x", "y y y y").await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let body = serde_urlencoded::to_string([
            ("username", "alice"),
            ("password", "guess guess"),
            ("csrf_token", CSRF_TOKEN),
        ])
        .unwrap();
        let client = TestClient::new(&app);
        let answer = client.send(post_form(&client, "/login", &body)).await;
        blocker.await.unwrap();
        answer
    };
    assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(busy.header("retry-after").is_some());
    assert!(busy.text().contains("Logging in is not possible right now"));
}

/// A 503 because every password check was taken is the server's trouble,
/// not a guess: it must not count towards the client's limit, nor slow the
/// name down, and `/metrics` counts it as its own outcome.
#[tokio::test(flavor = "multi_thread")]
async fn logins_refused_while_busy_are_not_counted_against_the_user() {
    let credentials = slow(300);
    let app = builder(
        Login::form(std::sync::Arc::clone(&credentials))
            .trusted_proxies(["127.0.0.1".parse().unwrap()])
            .password_checks(1, std::time::Duration::from_millis(50)),
    )
    .build()
    .unwrap();
    for round in 0..7 {
        // Someone else's check holds the only permit while alice tries.
        let blocker = tokio::spawn({
            let app = app.clone();
            async move {
                let (client, name) = (format!("198.51.100.{round}"), format!("other{round}"));
                login_through_proxy(&app, &client, &name, "y y y y").await
            }
        });
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let status = login_through_proxy(&app, "203.0.113.9", "alice", ALICE_PASSWORD).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "round {round}");
        blocker.await.unwrap();
    }
    // Seven 503s later (the limit is 5), alice gets in at once.
    let started = std::time::Instant::now();
    assert_eq!(
        login_through_proxy(&app, "203.0.113.9", "alice", ALICE_PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(1),
        "no delay for her name: {:?}",
        started.elapsed()
    );
    let client = TestClient::new(&app);
    let samples = parse_metrics(&client.get("/metrics").await.text());
    assert_eq!(samples["ferrodash_logins_total{outcome=busy}"], 7.0);
    assert_eq!(samples["ferrodash_logins_total{outcome=rate_limited}"], 0.0);
    assert_eq!(samples["ferrodash_logins_total{outcome=success}"], 1.0);
}

#[tokio::test(flavor = "multi_thread")]
async fn guesses_at_a_name_from_many_addresses_slow_it_down_but_never_lock_it() {
    let app = builder(Login::form(users()).trusted_proxies(["127.0.0.1".parse().unwrap()]))
        .build()
        .unwrap();
    for i in 0..6 {
        let status =
            login_through_proxy(&app, &format!("203.0.113.{i}"), "alice", "guess guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "guess {i}");
    }
    // Six failures at alice, one per address: her own login still goes
    // through, after a short wait.
    let started = std::time::Instant::now();
    assert_eq!(
        login_through_proxy(&app, "198.51.100.4", "alice", ALICE_PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(2),
        "the seventh attempt at alice waits 2 s, it took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn logging_into_ones_own_account_does_not_reset_a_guessers_count() {
    let limiter = ferrodash_auth::LoginLimiter::default().with_address_limit(4);
    let app = builder(
        Login::form(users())
            .limiter(limiter)
            .trusted_proxies(["127.0.0.1".parse().unwrap()]),
    )
    .build()
    .unwrap();
    let guesser = "203.0.113.7";
    for name in ["carol", "dave", "erin"] {
        assert_eq!(
            login_through_proxy(&app, guesser, name, "guess guess").await,
            StatusCode::UNAUTHORIZED
        );
    }
    // The guesser is bob: logging in as himself takes back only that
    // attempt, not the three guesses.
    assert_eq!(
        login_through_proxy(&app, guesser, "bob", BOB_PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        login_through_proxy(&app, guesser, "frank", "guess guess").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login_through_proxy(&app, guesser, "grace", "guess guess").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// Two processes of one app (two `App` instances here) with their sessions
/// in Redis (127.0.0.1:6379): a login on one holds on the other, and a
/// logout on the other ends it on both.
#[tokio::test]
async fn sessions_in_redis_are_shared_by_the_app_processes() {
    use ferrodash_auth::{RedisSessionStore, SessionConfig, Sessions};
    let prefix = format!("ferrodash-test:{}:sessions:", uuid_like());
    let process = || async {
        let store = RedisSessionStore::connect("redis://127.0.0.1:6379/")
            .await
            .expect("Redis on 127.0.0.1:6379 (scripts/services.sh starts it)")
            .with_prefix(prefix.clone());
        builder(Login::form(users()).sessions(Sessions::new(store, SessionConfig::default())))
            .build()
            .unwrap()
    };
    let (first, second) = (process().await, process().await);
    let on_first = TestClient::new(&first)
        .log_in("alice", ALICE_PASSWORD)
        .await
        .unwrap();
    let id = session_of(&on_first);
    let on_second = TestClient::new(&second).with_cookie("ferrodash_session", &id);
    let me = on_second.call(&whoami_call()).await;
    assert_eq!(
        me.json()["response"]["me"]["children"],
        "Alice Admin (admin,sales)"
    );
    let mut request = post_form(&on_second, "/logout", "");
    request
        .headers_mut()
        .insert("sec-fetch-site", "same-origin".parse().unwrap());
    assert_eq!(
        on_second.send(request).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        on_first.call(&whoami_call()).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

/// A name no other test run uses.
/// While the sessions' Redis is down a logged-in user is answered 503, not
/// taken for anonymous (sent to the login form), and a logout that could
/// not happen says so; `/ready` names the sessions.
#[tokio::test(flavor = "multi_thread")]
async fn while_the_session_store_is_down_requests_get_503_and_ready_says_why() {
    use ferrodash_auth::{RedisSessionStore, SessionConfig, Sessions};
    use ferrodash_testing::redis_server::RedisServer;
    let mut redis = RedisServer::start().await.expect("redis-server starts");
    let store = RedisSessionStore::connect(&redis.url()).await.unwrap();
    let app =
        builder(Login::form(users()).sessions(Sessions::new(store, SessionConfig::default())))
            .build()
            .unwrap();
    let alice = TestClient::new(&app)
        .log_in("alice", ALICE_PASSWORD)
        .await
        .unwrap();
    assert_eq!(alice.get("/ready").await.json()["checks"]["sessions"], "ok");
    redis.stop().await.unwrap();

    let page = alice.get("/").await;
    assert_eq!(
        page.status(),
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        page.text()
    );
    assert!(
        page.text().contains("session store is unavailable"),
        "{}",
        page.text()
    );
    let call = alice.call(&whoami_call()).await;
    assert_eq!(call.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(call.header("retry-after").is_some());
    let ready = alice.get("/ready").await;
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(ready.json()["checks"]["sessions"], "failed");
    let mut logout = post_form(&alice, "/logout", "");
    logout
        .headers_mut()
        .insert("sec-fetch-site", "same-origin".parse().unwrap());
    let logout = alice.send(logout).await;
    assert_eq!(logout.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(logout.text().contains("You are not logged out yet"));
    let login = TestClient::new(&app)
        .log_in("bob", BOB_PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(login.status(), StatusCode::SERVICE_UNAVAILABLE);

    // Back (empty): the old session is gone, cleanly; logins work.
    redis.restart().await.unwrap();
    let mut ready = alice.get("/ready").await;
    for _ in 0..50 {
        if ready.status() == StatusCode::OK {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        ready = alice.get("/ready").await;
    }
    assert_eq!(ready.status(), StatusCode::OK);
    assert_eq!(
        alice.call(&whoami_call()).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert!(
        TestClient::new(&app)
            .log_in("bob", BOB_PASSWORD)
            .await
            .is_ok()
    );
}

fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{}-{nanos}", std::process::id())
}

/// Nothing under the public list may fall through to the index page: it
/// carries the app's validation layout (every page drawn with defaults).
#[tokio::test]
async fn public_prefixes_do_not_open_the_index_page() {
    let app = app();
    let client = TestClient::new(&app);
    for path in [
        "/login/",
        "/login/anything",
        "/login/../_dash-layout",
        "/login/oidc",
        "/login/oidc/callback",
        "/logout/x",
        "/health/x",
        "/_dash-component-suites/",
        "/_dash-component-suites/dash",
        "/_dash-component-suites/dash/",
        "/assets/",
        "/assets",
        "/_favicon.ico/x",
        "/%5Fdash-layout",
        "/%2E%2E/_dash-layout",
    ] {
        let answer = client.get(path).await;
        assert!(
            !answer.text().contains("_dash-config"),
            "{path} served the index page ({})",
            answer.status()
        );
        assert!(
            [
                StatusCode::SEE_OTHER,
                StatusCode::UNAUTHORIZED,
                StatusCode::NOT_FOUND
            ]
            .contains(&answer.status()),
            "{path}: {}",
            answer.status()
        );
    }
    // Without the metrics endpoint, `/metrics` is no public path either.
    let quiet = builder(Login::form(users()))
        .metrics_endpoint(false)
        .build()
        .unwrap();
    let answer = TestClient::new(&quiet).get("/metrics").await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert!(!answer.text().contains("_dash-config"));
    // With Basic auth there are no login routes to be public.
    let basic = builder(Login::basic(users())).build().unwrap();
    for path in ["/login", "/logout", "/login/oidc", "/login/oidc/callback"] {
        let answer = TestClient::new(&basic).get(path).await;
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    // The index page itself needs a login, and has the config once logged in.
    let alice = client.log_in("alice", ALICE_PASSWORD).await.unwrap();
    assert!(alice.get("/").await.text().contains("_dash-config"));
}

#[tokio::test(flavor = "multi_thread")]
async fn websocket_callbacks_follow_the_login_and_end_with_the_session() {
    use crate::ws_client::{answer_to, connect, csrf_cookie, send};
    let app = builder(Login::form(users()))
        .websocket_callbacks(true)
        .build()
        .unwrap();
    let server = ferrodash_testing::server::spawn_router(app.router())
        .await
        .unwrap();
    // Anonymous: the handshake is refused like any of Dash's requests.
    assert_eq!(
        connect(&server, Some("own"), &csrf_cookie()).await.err(),
        Some(401)
    );
    let request = |id: &str, output: &str| {
        json!({"type": "callback_request", "rendererId": "r", "requestId": id, "payload": {
            "output": format!("{output}.children"), "outputs": {"id": output, "property": "children"},
            "inputs": [{"id": "go", "property": "n_clicks", "value": 1}], "changedPropIds": ["go.n_clicks"]}})
    };
    let bob = TestClient::new(&app)
        .log_in("bob", BOB_PASSWORD)
        .await
        .unwrap();
    let cookies = format!("{}; ferrodash_session={}", csrf_cookie(), session_of(&bob));
    let mut socket = connect(&server, Some("own"), &cookies).await.unwrap();
    send(&mut socket, request("1", "me")).await;
    let (answer, _) = answer_to(&mut socket, "1").await;
    assert_eq!(
        answer["payload"]["data"]["response"]["me"]["children"],
        "Bob Sales (sales)"
    );
    // Groups apply as over HTTP.
    send(&mut socket, request("2", "secret")).await;
    let (answer, _) = answer_to(&mut socket, "2").await;
    assert_eq!(answer["payload"]["status"], "error");
    assert!(
        answer["payload"]["message"]
            .as_str()
            .unwrap()
            .contains("needs the group `admin`"),
        "{answer}"
    );
    // A logout (in another tab) ends the socket's access at its next request.
    let mut logout = post_form(&bob, "/logout", "");
    logout
        .headers_mut()
        .insert("sec-fetch-site", "same-origin".parse().unwrap());
    assert_eq!(bob.send(logout).await.status(), StatusCode::SEE_OTHER);
    send(&mut socket, request("3", "me")).await;
    let (answer, _) = answer_to(&mut socket, "3").await;
    assert_eq!(answer["payload"]["status"], "error");
    assert!(
        answer["payload"]["message"]
            .as_str()
            .unwrap()
            .contains("log in first"),
        "{answer}"
    );
    use futures_util::StreamExt;
    let closed = tokio::time::timeout(std::time::Duration::from_secs(5), socket.next())
        .await
        .unwrap();
    match closed {
        Some(Ok(tokio_tungstenite::tungstenite::Message::Close(Some(frame)))) => {
            assert_eq!(u16::from(frame.code), 4001);
        }
        other => panic!("{other:?}"),
    }
}

async fn long_report(Input(n): Input<Option<u64>>) -> String {
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    format!("report {}", n.unwrap_or(0))
}

/// Each user may have a few background jobs at once: past the quota a
/// start is answered 429, which names it; other users are not affected.
#[tokio::test]
async fn each_user_may_run_a_few_background_jobs_at_once() {
    let app = App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .job_queue(ferrodash_server::InProcessQueue::new(8).with_limits(100, 2))
        .layout(html::div((dcc::input("n"), html::div(()).id("out"))))
        .callback(
            Callback::new(long_report)
                .output("out", "children")
                .input("n", "value")
                .background()
                .interval(std::time::Duration::from_millis(50)),
        )
        .login(Login::form(users()))
        .build()
        .unwrap();
    let start = |n: u64| {
        CallbackCall::new()
            .output("out", "children")
            .input("n", "value", json!(n))
    };
    let bob = TestClient::new(&app)
        .log_in("bob", BOB_PASSWORD)
        .await
        .unwrap();
    for n in 0..2 {
        let started = bob.call(&start(n)).await;
        assert!(started.json()["job"].is_string(), "{}", started.text());
    }
    let refused = bob.call(&start(2)).await;
    assert_eq!(
        refused.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        refused.text()
    );
    assert_eq!(refused.json()["error"], "too_many_jobs");
    assert!(
        refused
            .text()
            .contains("2 background jobs waiting or running")
    );
    let alice = TestClient::new(&app)
        .log_in("alice", ALICE_PASSWORD)
        .await
        .unwrap();
    assert!(alice.call(&start(3)).await.json()["job"].is_string());
}
