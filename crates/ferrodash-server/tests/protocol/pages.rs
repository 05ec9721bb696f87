//! The index page (§2), the layout (§4), the callback list (§5) and the
//! reload hash (§11.2).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use ferrodash_components::{dcc, html};
use ferrodash_server::{App, Callback, DevTools, Page};
use ferrodash_testing::client::{CallbackCall, TestClient};
use serde_json::{Value, json};

use crate::support::{TempDir, echo, echo_app, echo_builder};

fn config_of(page: &str) -> Value {
    let open = r#"<script id="_dash-config" type="application/json">"#;
    let start = page.find(open).expect("config script") + open.len();
    let end = start + page[start..].find("</script>").expect("end of config");
    serde_json::from_str(&page[start..end]).expect("config is JSON")
}

#[tokio::test]
async fn index_page_has_what_the_renderer_needs() {
    let client = TestClient::new(&echo_app());
    let page = client.get("/").await;
    assert_eq!(page.status(), 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = page.text();
    for needle in [
        r#"<div id="react-entry-point">"#,
        r#"<div class="_dash-loading">"#,
        r#"<script id="_dash-renderer" type="application/javascript">var renderer = new DashRenderer();</script>"#,
        "<title>Echo</title>",
        r#"<meta charset="UTF-8">"#,
        r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#,
        r#"<link rel="icon" type="image/x-icon" href="/_favicon.ico?v=4.4.1">"#,
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
    // Scripts in Dash's order, fingerprinted with the Dash version.
    let order = [
        "deps/polyfill@7.v4_4_1m",
        "deps/react@18.v4_4_1m",
        "deps/react-dom@18.v4_4_1m",
        "deps/prop-types@15.v4_4_1m",
        "dash-renderer/build/dash_renderer.v4_4_1m",
        "dcc/dash_core_components.v4_4_1m",
        "dcc/dash_core_components-shared.v4_4_1m",
        "html/dash_html_components.v4_4_1m",
        "dash_table/bundle.v7_4_1m",
        r#"id="_dash-renderer""#,
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|n| html.find(n).unwrap_or_else(|| panic!("missing {n}")))
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "scripts out of order: {positions:?}"
    );

    let config = config_of(&html);
    let keys: Vec<&str> = config
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "url_base_pathname",
            "requests_pathname_prefix",
            "ui",
            "props_check",
            "disable_version_check",
            "show_undo_redo",
            "suppress_callback_exceptions",
            "update_title",
            "children_props",
            "serve_locally",
            "dash_version",
            "python_version",
            "dash_version_url",
            "ddk_version",
            "plotly_version",
            "validate_callbacks",
            "csrf_token_name",
            "csrf_header_name",
            "end_id",
            "plotly_cloud_installed"
        ]
    );
    assert_eq!(config["requests_pathname_prefix"], "/");
    assert_eq!(config["disable_version_check"], true);
    assert_eq!(config["plotly_cloud_installed"], true);
    assert_eq!(
        config["children_props"]["dash_core_components"]["Tab"],
        json!(["label"])
    );
    assert_eq!(
        config["children_props"]["dash_core_components"]["Dropdown"],
        json!([])
    );
    assert!(config["children_props"]["dash_html_components"]["Div"].is_array());
    assert!(config["children_props"]["dash_table"]["DataTable"].is_array());
    // The config blob cannot close its script element.
    let open = r#"<script id="_dash-config" type="application/json">"#;
    let raw = html[html.find(open).unwrap() + open.len()..]
        .split("</script>")
        .next()
        .unwrap();
    assert!(
        !raw.contains('/') && !raw.contains('<'),
        "slashes and brackets are escaped: {raw}"
    );

    // A fresh, signed end_id per page load.
    let other = config_of(&client.get("/").await.text());
    let (a, b) = (
        config["end_id"].as_str().unwrap(),
        other["end_id"].as_str().unwrap(),
    );
    assert_ne!(a, b);
    assert!(a.contains('~') && a.len() > 64, "{a}");
}

#[tokio::test]
async fn every_other_get_serves_the_index_and_other_methods_are_refused() {
    let client = TestClient::new(&echo_app());
    for path in [
        "/some/client/route",
        "/_dash-update-component",
        "/reports?id=3",
    ] {
        let page = client.get(path).await;
        assert_eq!(page.status(), 200, "{path}");
        assert!(page.text().contains("react-entry-point"), "{path}");
    }
    let refused = client
        .post("/some/route", Some("application/json"), "{}")
        .await;
    assert_eq!(refused.status(), 405);
    assert_eq!(refused.json()["error"], "method_not_allowed");
}

#[tokio::test]
async fn debug_config_and_meta_tags() {
    let app = echo_builder()
        .debug(true)
        .meta_tag([("name", "description"), ("content", "A <b>test</b> app")])
        .meta_tag([("charset", "latin1")])
        .build()
        .unwrap();
    let html = TestClient::new(&app).get("/").await.text();
    assert!(
        html.contains(r#"<meta name="description" content="A &lt;b&gt;test&lt;&#x2F;b&gt; app">"#)
            || html
                .contains(r#"<meta name="description" content="A &lt;b&gt;test&lt;/b&gt; app">"#),
        "{html}"
    );
    assert!(
        !html.contains(r#"<meta charset="UTF-8">"#),
        "the user's charset replaces the default"
    );
    let config = config_of(&html);
    assert_eq!(config["ui"], true);
    assert_eq!(config["props_check"], true);
    assert_eq!(config["validate_callbacks"], true);
    assert_eq!(
        config["hot_reload"],
        json!({"interval": 3000, "max_retry": 8})
    );
    // Development bundles in debug mode.
    assert!(
        html.contains("deps/react@18.v4_4_1m") && html.contains(".3.1.js\""),
        "dev React"
    );
    assert!(html.contains("dash_renderer.v4_4_1m") && html.contains(".dev.js\""));
    assert!(html.contains("dcc/proptypes.v4_4_1m"));
}

#[tokio::test]
async fn custom_index_template_and_prefixes() {
    let template = "<!DOCTYPE html><html><head>{%metas%}<title>{%title%}</title>{%css%}</head>\
                    <body><header>Company header</header>{%app_entry%}{%config%}{%scripts%}{%renderer%}</body></html>";
    let app = echo_builder()
        .index_template(template)
        .routes_prefix("/reports/")
        .configure(|c| c.requests_pathname_prefix = Some("/proxy/reports/".to_owned()))
        .build()
        .unwrap();
    let client = TestClient::new(&app);
    let html = client.get("/reports/").await.text();
    assert!(html.contains("<header>Company header</header>"));
    assert!(html.contains(r#"src="/proxy/reports/_dash-component-suites/dash/dash-renderer/build/dash_renderer.v4_4_1m"#));
    assert_eq!(
        config_of(&html)["requests_pathname_prefix"],
        "/proxy/reports/"
    );
    assert_eq!(client.get("/reports/_dash-layout").await.status(), 200);
    assert_eq!(client.get("/reports").await.status(), 200);
    // Outside the prefix nothing is served.
    assert_eq!(client.get("/_dash-layout").await.status(), 404);
}

#[tokio::test]
async fn assets_are_linked_and_served() {
    let dir = TempDir::new("assets");
    std::fs::create_dir_all(dir.0.join("css")).unwrap();
    std::fs::write(dir.0.join("site.css"), "body{margin:0}").unwrap();
    std::fs::write(dir.0.join("css/extra.css"), ".x{}").unwrap();
    std::fs::write(dir.0.join("app.js"), "window.loaded = true;").unwrap();
    std::fs::write(dir.0.join("mod.mjs"), "export {};").unwrap();
    std::fs::write(dir.0.join("favicon.ico"), [0u8, 0, 1, 0]).unwrap();
    let app = echo_builder().assets_folder(&dir.0).build().unwrap();
    let client = TestClient::new(&app);
    let html = client.get("/").await.text();
    assert!(html.contains(r#"<link rel="stylesheet" href="/assets/site.css?m="#));
    assert!(html.find("/assets/site.css").unwrap() < html.find("/assets/css/extra.css").unwrap());
    assert!(html.contains(r#"<script src="/assets/app.js?m="#));
    assert!(html.contains(r#"<script type="module" src="/assets/mod.mjs?m="#));
    assert!(html.contains(r#"<link rel="icon" type="image/x-icon" href="/assets/favicon.ico?m="#));
    // Asset scripts come before the renderer.
    assert!(html.find("/assets/app.js").unwrap() < html.find("dash_renderer").unwrap());

    let css = client.get("/assets/site.css?m=123").await;
    assert_eq!(css.status(), 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(css.header("cache-control"), Some("no-cache"));
    assert_eq!(css.text(), "body{margin:0}");
    let etag = css.header("etag").unwrap().to_owned();
    let again = client
        .get_with("/assets/site.css", &[("if-none-match", &etag)])
        .await;
    assert_eq!(again.status(), 304);
    assert!(again.bytes().is_empty());
    for missing in [
        "/assets/nope.css",
        "/assets/../Cargo.toml",
        "/assets/%2e%2e/Cargo.toml",
        "/assets/css",
    ] {
        let answer = client.get(missing).await;
        assert_eq!(answer.status(), 404, "{missing}");
        assert!(
            !answer.text().contains("site.css"),
            "a 404 must not list files"
        );
    }
}

#[tokio::test]
async fn layout_and_dependencies_are_json() {
    let client = TestClient::new(&echo_app());
    let layout = client.get("/_dash-layout").await;
    assert_eq!(layout.status(), 200);
    assert_eq!(layout.header("content-type"), Some("application/json"));
    assert_eq!(
        layout.json(),
        json!({"props": {"children": [
            {"props": {"id": "text", "value": "hi"}, "type": "Input", "namespace": "dash_core_components"},
            {"props": {"id": "out", "children": null}, "type": "Div", "namespace": "dash_html_components"}
        ]}, "type": "Div", "namespace": "dash_html_components"})
    );
    let deps = client.get("/_dash-dependencies").await;
    assert_eq!(deps.header("content-type"), Some("application/json"));
    assert_eq!(
        deps.json(),
        json!([{"output": "out.children", "inputs": [{"id": "text", "property": "value"}], "state": [],
            "clientside_function": null, "prevent_initial_call": false, "background": null,
            "dynamic_creator": null, "no_output": false, "optional": false, "hidden": false,
            "websocket": false, "persistent": false}])
    );
}

#[tokio::test]
async fn a_layout_function_runs_on_every_page_load() {
    let loads = Arc::new(AtomicUsize::new(0));
    let counter = loads.clone();
    let app = App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .layout_fn(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            html::div((dcc::input("text"), html::div(format!("load {n}")).id("out")))
        })
        .callback(
            Callback::new(echo)
                .output("out", "children")
                .input("text", "value"),
        )
        .build()
        .unwrap();
    // Run once at build time for the checks.
    assert_eq!(loads.load(Ordering::SeqCst), 1);
    let client = TestClient::new(&app);
    let first = client.layout().await;
    let second = client.layout().await;
    assert_eq!(first["props"]["children"][1]["props"]["children"], "load 1");
    assert_eq!(
        second["props"]["children"][1]["props"]["children"],
        "load 2"
    );
    // A function layout sends its build-time shape as the validation layout.
    let html = client.get("/").await.text();
    assert!(config_of(&html)["validation_layout"]["props"]["children"][0]["props"]["id"] == "text");
}

#[tokio::test]
async fn a_failing_layout_function_gives_500_and_the_server_keeps_serving() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let app = App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .layout_fn(move || {
            assert!(counter.fetch_add(1, Ordering::SeqCst) < 1, "database down");
            html::div("ok")
        })
        .build()
        .unwrap();
    let client = TestClient::new(&app);
    let failed = client.get("/_dash-layout").await;
    assert_eq!(failed.status(), 500);
    let body = failed.json();
    assert!(
        body["correlation_id"]
            .as_str()
            .is_some_and(|c| c.len() == 32)
    );
    assert!(
        !failed.text().contains("database down"),
        "details stay in the log outside debug mode"
    );
    assert_eq!(client.get("/_dash-dependencies").await.status(), 200);
}

#[tokio::test]
async fn reload_hash_answers_per_spec() {
    let client = TestClient::new(&echo_app());
    let off = client.get("/_reload-hash").await;
    assert_eq!(off.status(), 200);
    // Keys sorted, as Flask's jsonify writes them.
    assert_eq!(
        off.text(),
        r#"{"files":[],"hard":false,"packages":["dash","plotly"],"reloadHash":null}"#
    );

    let dir = TempDir::new("reload");
    std::fs::write(dir.0.join("site.css"), "a{}").unwrap();
    let app = echo_builder()
        .assets_folder(&dir.0)
        .configure(|c| c.dev_tools = DevTools::debug())
        .build()
        .unwrap();
    let client = TestClient::new(&app);
    let first = client.get("/_reload-hash").await.json();
    let hash = first["reloadHash"].as_str().unwrap().to_owned();
    assert_eq!(hash.len(), 32);
    assert_eq!(first["hard"], false);
    assert_eq!(
        client.get("/_reload-hash").await.json()["reloadHash"],
        hash.as_str()
    );
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(dir.0.join("new.css"), "b{}").unwrap();
    let changed = client.get("/_reload-hash").await.json();
    assert_ne!(changed["reloadHash"], hash.as_str());
    assert_eq!(changed["hard"], true);
    assert_eq!(changed["files"][0]["url"], "/assets/new.css");
    assert_eq!(changed["files"][0]["is_css"], true);
    // Reset after it was read.
    assert_eq!(client.get("/_reload-hash").await.json()["hard"], false);
}

/// The multi-page router's callback is in `/metrics` under a name an
/// operator can read, not its closure's type name.
#[tokio::test]
async fn the_page_router_has_a_readable_metrics_label() {
    let app = App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .metrics_endpoint(true)
        .page(Page::new("/", || html::h1("Home").into()))
        .page(Page::new("/other", || html::h1("Other").into()))
        .build()
        .unwrap();
    let client = TestClient::new(&app);
    let route = CallbackCall::new()
        .output("_pages_content", "children")
        .output("_pages_store", "data")
        .input("_pages_location", "pathname", json!("/other"))
        .input("_pages_location", "search", json!(""));
    assert!(client.call(&route).await.text().contains("Other"));
    let metrics = client.get("/metrics").await.text();
    assert!(
        metrics.contains("ferrodash_callback_duration_seconds_count{callback=\"pages_router\"} 1"),
        "{metrics}"
    );
    assert!(!metrics.contains("closure"), "{metrics}");
}
