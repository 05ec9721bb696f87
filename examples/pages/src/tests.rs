//! The pages app in process: routing answers, redirects and the registry.

use ferrodash::json;
use ferrodash_testing::client::{CallbackCall, TestClient};

fn route(path: &str, search: &str) -> CallbackCall {
    CallbackCall::new()
        .output("_pages_content", "children")
        .output("_pages_store", "data")
        .input("_pages_location", "pathname", json!(path))
        .input("_pages_location", "search", json!(search))
}

#[tokio::test]
async fn addresses_route_to_their_pages_with_typed_arguments() {
    let app = super::app("/").unwrap();
    let names: Vec<&str> = app.pages().iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Home", "Projects", "Explore", "Project"]);
    let client = TestClient::new(&app);

    let answer = client
        .call(&route("/projects/2", "?tab=costs"))
        .await
        .json();
    let text = answer["response"]["_pages_content"]["children"].to_string();
    assert!(text.contains("Project 2 — Borealis"), "{text}");
    assert!(text.contains("Tab: costs"), "{text}");
    assert_eq!(
        answer["response"]["_pages_store"]["data"],
        json!({"title": "Project"})
    );

    let answer = client.call(&route("/projects", "")).await.json();
    assert_eq!(
        answer["response"]["_pages_store"]["data"]["title"],
        "Projects"
    );

    // No page, and an address that does not fit the page's arguments.
    for (path, extra) in [("/nowhere", None), ("/projects/abc", Some("does not fit"))] {
        let answer = client.call(&route(path, "")).await;
        assert_eq!(answer.status(), 200);
        let text = answer.json()["response"]["_pages_content"]["children"].to_string();
        assert!(text.contains("404 - No such page"), "{path}: {text}");
        if let Some(extra) = extra {
            assert!(text.contains(extra), "{path}: {text}");
        }
    }
}

#[tokio::test]
async fn old_paths_redirect_and_deep_links_serve_the_page() {
    let client = TestClient::new(&super::app("/pages/").unwrap());
    let answer = client.get("/pages/old-projects").await;
    assert_eq!(answer.status(), 301);
    assert_eq!(answer.header("location"), Some("/pages/projects"));
    // A deep link is the app's page; the router draws it in the browser.
    let answer = client.get("/pages/projects/3?tab=costs").await;
    assert_eq!(answer.status(), 200);
    assert!(answer.text().contains("_dash-config"));
    // The prefix is stripped before routing.
    let answer = client.call(&route("/pages/projects/3", "")).await.json();
    let text = answer["response"]["_pages_content"]["children"].to_string();
    assert!(text.contains("Cassini"), "{text}");
}

#[test]
fn page_problems_are_build_errors() {
    use ferrodash::{App, Page, html};
    let errors = App::builder()
        .page(Page::new("/a", || html::p("a").into()))
        .page(Page::new("/a/", || html::p("again").into()))
        .page(Page::new("/b/<1x>", || html::p("b").into()))
        .page(Page::new("/c", || html::p("c").into()).redirect_from("/a"))
        .build()
        .unwrap_err()
        .to_string();
    assert!(errors.contains("same path"), "{errors}");
    assert!(errors.contains("<1x>"), "{errors}");
    assert!(errors.contains("cannot redirect from `/a`"), "{errors}");
    let errors = App::builder()
        .layout(html::div("no container"))
        .page(Page::new("/", || html::p("home").into()))
        .build()
        .unwrap_err()
        .to_string();
    assert!(errors.contains("page container"), "{errors}");
}

#[tokio::test]
async fn each_page_has_its_title_and_meta_tags_in_the_page_head() {
    let client = TestClient::new(&super::app("/pages/").unwrap());
    let page = client.get("/pages/projects").await.text();
    assert!(page.contains("<title>Projects</title>"), "{page}");
    assert!(page.contains(r#"<meta name="description" content="Every project.">"#));
    assert!(page.contains(r#"<meta property="og:title" content="Projects">"#));
    let page = client.get("/pages/projects/3").await.text();
    assert!(page.contains("<title>Project</title>"));
    let page = client.get("/pages/nowhere").await.text();
    assert!(page.contains("<title>Projects</title>"), "the app's title");
    assert!(!page.contains("og:title"));
}

#[tokio::test]
async fn a_shareable_page_is_drawn_with_the_values_in_its_address() {
    let client = TestClient::new(&super::app("/").unwrap());
    let answer = client
        .call(&route(
            "/explore",
            "?metric=Profit&years=%5B2022%2C2024%5D&search=%2212%22",
        ))
        .await
        .json();
    let layout = answer["response"]["_pages_content"]["children"].to_string();
    assert!(
        layout.contains(r#""id":"metric","options":["Revenue","Costs","Profit"],"value":"Profit""#),
        "{layout}"
    );
    assert!(layout.contains(r#""value":[2022,2024]"#), "{layout}");
    // Text that reads as JSON travels quoted and comes back as text.
    assert!(
        layout.contains(r#""id":"search","placeholder":"Filter projects","value":"12""#),
        "{layout}"
    );
    // The page declares a clientside callback that writes the address.
    let dependencies = client.dependencies().await.to_string();
    assert!(
        dependencies.contains("_pages_dummy.title@"),
        "{dependencies}"
    );
}
