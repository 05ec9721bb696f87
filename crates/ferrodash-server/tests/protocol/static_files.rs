//! Component suites, fingerprints, caching and compression (§3).

use std::io::Read;

use ferrodash_server::ComponentPackage;
use ferrodash_testing::client::TestClient;

use crate::support::{echo_app, echo_builder};

fn script_urls(html: &str) -> Vec<String> {
    html.split("<script src=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn every_script_of_the_page_is_served_with_immutable_caching() {
    let client = TestClient::new(&echo_app());
    let urls = script_urls(&client.get("/").await.text());
    // Dash's nine, then one per compiled-in component package (features).
    let dash = urls
        .iter()
        .filter(|u| u.starts_with("/_dash-component-suites/dash/"))
        .count();
    assert_eq!(dash, 9, "{urls:?}");
    for url in urls {
        let answer = client.get(&url).await;
        assert_eq!(answer.status(), 200, "{url}");
        assert_eq!(
            answer.header("content-type"),
            Some("text/javascript; charset=utf-8"),
            "{url}"
        );
        assert_eq!(
            answer.header("cache-control"),
            Some("public, max-age=31536000, immutable"),
            "{url}"
        );
        assert!(answer.bytes().len() > 1000, "{url}");
    }
}

#[tokio::test]
async fn unfingerprinted_files_use_etags() {
    let client = TestClient::new(&echo_app());
    let url = "/_dash-component-suites/plotly/package_data/plotly.min.js";
    let plotly = client.get(url).await;
    assert_eq!(plotly.status(), 200);
    assert_eq!(plotly.header("cache-control"), Some("no-cache"));
    assert!(
        plotly.bytes().len() > 3_000_000,
        "plotly.js is served whole"
    );
    let etag = plotly.header("etag").expect("an ETag").to_owned();
    let cached = client.get_with(url, &[("if-none-match", &etag)]).await;
    assert_eq!(cached.status(), 304);
    assert!(cached.bytes().is_empty());
    let stale = client
        .get_with(url, &[("if-none-match", "\"other\"")])
        .await;
    assert_eq!(stale.status(), 200);
}

#[tokio::test]
async fn lazy_chunks_are_found_whatever_their_fingerprint() {
    let client = TestClient::new(&echo_app());
    for url in [
        "/_dash-component-suites/dash/dcc/async-graph.v4_4_1m1784647828.js",
        "/_dash-component-suites/dash/dcc/async-dropdown.js",
        "/_dash-component-suites/dash/dash_table/async-table.v7_4_1m1700000000.js",
        "/_dash-component-suites/dash/dash_table/async-highlight.js",
    ] {
        let answer = client.get(url).await;
        assert_eq!(answer.status(), 200, "{url}");
    }
}

#[tokio::test]
async fn compression_follows_accept_encoding() {
    let client = TestClient::new(&echo_app());
    let url = "/_dash-component-suites/dash/dcc/dash_core_components.js";
    let raw = client.get(url).await;
    assert_eq!(raw.header("content-encoding"), None);
    assert_eq!(raw.header("vary"), Some("Accept-Encoding"));

    let br = client
        .get_with(url, &[("accept-encoding", "gzip, deflate, br")])
        .await;
    assert_eq!(br.header("content-encoding"), Some("br"));
    let mut decoded = Vec::new();
    brotli::Decompressor::new(br.bytes().as_ref(), 4096)
        .read_to_end(&mut decoded)
        .unwrap();
    assert_eq!(decoded, raw.bytes().as_ref());
    assert!(
        br.bytes().len() * 3 < raw.bytes().len(),
        "brotli shrinks JavaScript"
    );

    let gz = client
        .get_with(url, &[("accept-encoding", "gzip;q=1.0, br;q=0")])
        .await;
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    let mut decoded = Vec::new();
    flate2::read::GzDecoder::new(gz.bytes().as_ref())
        .read_to_end(&mut decoded)
        .unwrap();
    assert_eq!(decoded, raw.bytes().as_ref());
}

#[tokio::test]
async fn unknown_files_are_404_without_a_listing() {
    let client = TestClient::new(&echo_app());
    for url in [
        "/_dash-component-suites/dash/dcc/nope.js",
        "/_dash-component-suites/unknown/x.js",
        "/_dash-component-suites/dash/../Cargo.toml",
        "/_dash-component-suites/dash/deps/react@18.3.1.min.js.map.gz",
    ] {
        let answer = client.get(url).await;
        assert_eq!(answer.status(), 404, "{url}");
        let text = answer.text();
        assert!(
            !text.contains("dcc/") && !text.contains(".js"),
            "{url}: {text}"
        );
    }
}

#[tokio::test]
async fn favicon_and_third_party_packages() {
    let package = ComponentPackage::new("dash_gauges", "1.2.0")
        .script("dash_gauges.min.js", &b"window.dash_gauges = {};"[..])
        .stylesheet("dash_gauges.css", &b".gauge{color:red}"[..])
        .file("async-gauge.js", &b"// lazy"[..]);
    let app = echo_builder().package(package).build().unwrap();
    let client = TestClient::new(&app);
    let favicon = client.get("/_favicon.ico?v=4.4.1").await;
    assert_eq!(favicon.status(), 200);
    assert_eq!(favicon.header("content-type"), Some("image/x-icon"));
    assert_eq!(&favicon.bytes()[..4], &[0, 0, 1, 0], "an ICO file");

    let html = client.get("/").await.text();
    let script = script_urls(&html)
        .into_iter()
        .find(|u| u.contains("dash_gauges"))
        .expect("the package script is in the page");
    assert!(
        script.starts_with("/_dash-component-suites/dash_gauges/dash_gauges.v1_2_0m"),
        "{script}"
    );
    assert!(html.find("dash_gauges.v1_2_0m").unwrap() < html.find("dash_renderer").unwrap());
    assert!(html.contains(
        r#"<link rel="stylesheet" href="/_dash-component-suites/dash_gauges/dash_gauges.v1_2_0m"#
    ));
    let served = client.get(&script).await;
    assert_eq!(served.text(), "window.dash_gauges = {};");
    assert_eq!(
        served.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(
        client
            .get("/_dash-component-suites/dash_gauges/async-gauge.js")
            .await
            .text(),
        "// lazy"
    );
}
