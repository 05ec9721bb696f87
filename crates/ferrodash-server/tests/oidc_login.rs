//! OpenID Connect login in a real browser against a real provider: panva's
//! certified `oidc-provider` (Node, started by
//! `ferrodash_testing::oidc_provider`) and Debian's headless Chromium.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "helpers of tests too, not only #[test] fns: a panic here is a failed test"
)]

use ferrodash_auth::{OidcClient, OidcConfig, Principal};
use ferrodash_components::html;
use ferrodash_server::{App, Login};
use ferrodash_testing::browser::Browser;
use ferrodash_testing::oidc_provider::TestProvider;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const CLIENT_ID: &str = "ferrodash-browser";
const SECRET: &str = "oidc-browser-test-secret";

#[tokio::test(flavor = "multi_thread")]
async fn a_user_logs_in_at_the_provider_and_comes_back_to_the_page_asked_for() -> TestResult {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let origin = format!("http://{}", listener.local_addr()?);
    let redirect = format!("{origin}/login/oidc/callback");
    let provider = TestProvider::start(CLIENT_ID, SECRET, &redirect);
    let client = OidcClient::discover(
        OidcConfig::new(provider.issuer(), CLIENT_ID, &redirect).with_client_secret(SECRET),
    )
    .await?;
    let app = App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .layout_for_user(|user: &Principal| {
            html::div((
                html::h1(format!("Hello, {}", user.name)).id("hello"),
                html::p(user.groups.join(",")).id("groups"),
            ))
        })
        .login(Login::oidc_only(client, "Test provider"))
        .build()?;
    tokio::spawn(app.serve_on(listener));

    let browser = Browser::launch().await?;
    // An anonymous deep link goes to the login page, which offers the
    // provider and no password form.
    let page = browser
        .open(&format!("{origin}/reports?view=costs"))
        .await?;
    page.wait_for("#login-provider").await?;
    assert_eq!(page.count("input[name=password]").await?, 0);
    assert_eq!(
        page.text("#login-provider").await?,
        "Log in with Test provider"
    );
    page.click("#login-provider").await?;

    // The provider's own login form, then its consent form.
    page.wait_for("input[name=login]").await?;
    assert!(page.url().await?.starts_with(provider.issuer()));
    page.type_text("input[name=login]", "admin-ada").await?;
    page.type_text("input[name=password]", "any password")
        .await?;
    page.click("button[type=submit]").await?;
    page.wait_until(
        "!document.querySelector('input[name=login]') && \
         !!document.querySelector('button[type=submit]')",
    )
    .await?;
    page.click("button[type=submit]").await?;

    // Back at the app, logged in, on the page first asked for.
    page.wait_for_text("#hello", "Hello, admin-ada").await?;
    page.wait_for_text("#groups", "staff,admin").await?;
    assert_eq!(page.url().await?, format!("{origin}/reports?view=costs"));
    let session: bool = page
        .eval("document.cookie.includes('ferrodash_session')")
        .await?;
    assert!(!session, "the session cookie is HttpOnly");

    // A callback to the app that no login began is refused, with a reason
    // on the login page.
    let forged = browser
        .open(&format!(
            "{origin}/login/oidc/callback?code=stolen&state=guess"
        ))
        .await?;
    forged.wait_for("#login-error").await?;
    assert_eq!(
        forged.text("#login-error").await?,
        "The login did not complete: try again."
    );
    Ok(())
}
