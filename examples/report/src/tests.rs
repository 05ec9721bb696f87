//! The report driven in process, on a fresh SQLite file per test.

use ferrodash::data::Query;
use ferrodash::json;
use ferrodash_testing::client::{CallbackCall, TestClient};
use serde_json::Value;

use super::{Report, Totals, centre_text};

/// A report on a new SQLite file in the temp folder.
async fn report() -> (Report, std::path::PathBuf) {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let file = std::env::temp_dir().join(format!(
        "ferrodash-report-test-{}-{n}.db",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&file);
    let report = Report::open(&format!("sqlite://{}", file.display()))
        .await
        .expect("the report opens");
    (report, file)
}

fn remove(file: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
}

fn call(region: &str, months: [usize; 2]) -> CallbackCall {
    CallbackCall::new()
        .output("donut", "figure")
        .output("treemap", "figure")
        .output("monthly", "figure")
        .output("headline", "children")
        .input("region", "value", json!(region))
        .input("months", "value", json!(months))
}

/// Revenue in a region (or all) and date range, by a query of the test's own.
async fn revenue(report: &Report, region: Option<&str>, from: &str, to: &str) -> Totals {
    let sql = match region {
        Some(_) => {
            "select count(*) as orders, coalesce(sum(amount), 0) as amount from sales \
                    where region = :region and day between :from and :to"
        }
        None => {
            "select count(*) as orders, coalesce(sum(amount), 0) as amount from sales \
                 where day between :from and :to"
        }
    };
    let mut params = json!({"from": from, "to": to});
    if let Some(region) = region {
        params["region"] = json!(region);
    }
    report
        .bind()
        .run(Query::inline("check", sql))
        .params(&params)
        .fetch_one()
        .await
        .unwrap()
}

fn centre(donut: &Value) -> &str {
    donut["layout"]["annotations"][0]["text"].as_str().unwrap()
}

#[tokio::test]
async fn the_charts_come_from_sql_and_follow_the_filters() {
    let (report, file) = report().await;
    let client = TestClient::new(&super::app("/", &report).unwrap());
    assert_eq!(report.months().len(), 12);

    let answer = client.call(&call("All", [0, 11])).await;
    assert_eq!(answer.status(), 200, "{}", answer.text());
    let body = answer.json();
    let all = revenue(&report, None, "2025-01-01", "2025-12-31").await;
    assert!(all.orders > 10_000, "{all:?}");
    let donut = &body["response"]["donut"]["figure"];
    assert_eq!(centre(donut), centre_text(all.amount));
    assert_eq!(donut["data"][0]["hole"], json!(0.5));
    let treemap = &body["response"]["treemap"]["figure"];
    assert_eq!(treemap["data"][0]["type"], "treemap");
    let parents = treemap["data"][0]["parents"].as_array().unwrap();
    let roots = parents.iter().filter(|p| p.as_str() == Some("")).count();
    assert_eq!(roots, 3, "one root per region");
    let monthly = &body["response"]["monthly"]["figure"];
    assert_eq!(monthly["layout"]["barmode"], "group");
    assert_eq!(
        monthly["data"].as_array().unwrap().len(),
        3,
        "one trace per region"
    );

    // Europe, March to May.
    let answer = client.call(&call("Europe", [2, 4])).await;
    let body = answer.json();
    let europe = revenue(&report, Some("Europe"), "2025-03-01", "2025-05-31").await;
    assert!(europe.amount > 0.0 && europe.amount < all.amount / 3.0 + 1.0);
    assert_eq!(
        centre(&body["response"]["donut"]["figure"]),
        centre_text(europe.amount)
    );
    let monthly = &body["response"]["monthly"]["figure"];
    assert_eq!(monthly["data"].as_array().unwrap().len(), 1);
    let headline = body["response"]["headline"]["children"].as_str().unwrap();
    assert!(headline.contains("2025-03-01 to 2025-05-31"), "{headline}");
    remove(&file);
}

#[tokio::test]
async fn an_sql_injection_through_the_region_returns_no_rows() {
    let (report, file) = report().await;
    let client = TestClient::new(&super::app("/", &report).unwrap());
    let before: i64 = report.bind().query("row_count").fetch_one().await.unwrap();
    let filters = super::Filters::new(Some("nowhere".into()), None, report.months());
    if let Err(e) = super::charts(report.bind(), &filters).await {
        panic!("no rows must still chart: {e}");
    }
    for evil in [
        "Europe' OR '1'='1",
        "All' --",
        "x' OR 1=1 --",
        "Europe'; DELETE FROM sales; --",
        "' UNION SELECT 'Hardware', 1e12 --",
    ] {
        let answer = client.call(&call(evil, [0, 11])).await;
        assert_eq!(answer.status(), 200, "{evil}: {}", answer.text());
        let body = answer.json();
        let headline = body["response"]["headline"]["children"].as_str().unwrap();
        assert!(
            headline.starts_with("0 order lines, $0 revenue"),
            "{evil}: {headline}"
        );
        assert_eq!(
            centre(&body["response"]["donut"]["figure"]),
            centre_text(0.0)
        );
        let labels = &body["response"]["donut"]["figure"]["data"][0]["labels"];
        assert_eq!(labels, &json!([]), "{evil}: no category came back");
        let treemap = &body["response"]["treemap"]["figure"]["data"][0];
        assert!(
            treemap["ids"].as_array().is_none_or(Vec::is_empty),
            "{evil}: {treemap}"
        );
        assert!(
            body["response"]["monthly"]["figure"]["data"]
                .as_array()
                .unwrap()
                .is_empty()
        );
    }
    let after: i64 = report.bind().query("row_count").fetch_one().await.unwrap();
    assert_eq!(before, after, "the table is intact");
    remove(&file);
}

#[tokio::test]
async fn opening_again_keeps_the_data_and_wrong_inputs_are_4xx() {
    let (report, file) = report().await;
    let rows: i64 = report.bind().query("row_count").fetch_one().await.unwrap();
    let again = Report::open(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    let rows_again: i64 = again.bind().query("row_count").fetch_one().await.unwrap();
    assert_eq!(rows, rows_again, "seeded once");

    let client = TestClient::new(&super::app("/", &report).unwrap());
    let answer = client
        .call(
            &CallbackCall::new()
                .output("donut", "figure")
                .output("treemap", "figure")
                .output("monthly", "figure")
                .output("headline", "children")
                .input("region", "value", json!("All"))
                .input("months", "value", json!("all of them")),
        )
        .await;
    assert_eq!(answer.status(), 422, "{}", answer.text());
    assert!(answer.text().contains("months.value"), "{}", answer.text());
    remove(&file);
}

/// Two instances of the report app, each on its own database file, sharing
/// one Redis server as their memoize cache: the second serves what the first
/// computed, even though its own table has since been emptied.
#[tokio::test]
async fn a_result_computed_by_one_app_instance_is_served_to_another_from_redis() {
    use ferrodash::MemoCache;
    use ferrodash::cache::{CacheConfig, RedisBackend};

    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let prefix = format!("ferrodash-test:report:{}:{nanos}:", std::process::id());
    let redis_cache = || async {
        let backend = RedisBackend::connect("redis://127.0.0.1:6379")
            .await
            .expect("a Redis server on 127.0.0.1:6379 (scripts/test starts one)")
            .with_prefix(prefix.clone());
        MemoCache::with_backend(backend, CacheConfig::default())
    };
    let (first_report, first_file) = report().await;
    let (second_report, second_file) = report().await;
    let first_cache = redis_cache().await;
    let second_cache = redis_cache().await;
    let first = TestClient::new(
        &super::builder("/", &first_report)
            .memo_cache(first_cache.clone())
            .build()
            .unwrap(),
    );
    let second = TestClient::new(
        &super::builder("/", &second_report)
            .memo_cache(second_cache.clone())
            .build()
            .unwrap(),
    );

    let answer = first.call(&call("Asia Pacific", [0, 5])).await;
    assert_eq!(answer.status(), 200, "{}", answer.text());
    let computed = answer.json();
    assert_eq!(first_cache.stats().misses, 1);

    // The second instance's own data is gone: only the cache can answer.
    second_report
        .bind()
        .run(Query::inline("empty", "delete from sales"))
        .execute()
        .await
        .unwrap();
    let answer = second.call(&call("Asia Pacific", [0, 5])).await;
    assert_eq!(answer.status(), 200, "{}", answer.text());
    assert_eq!(answer.json(), computed, "served from Redis");
    let stats = second_cache.stats();
    assert_eq!((stats.hits, stats.misses), (1, 0));

    // Other filters were never computed: the second instance finds its
    // table empty.
    let answer = second.call(&call("Europe", [0, 5])).await;
    let headline = answer.json()["response"]["headline"]["children"].clone();
    assert!(
        headline.as_str().unwrap().starts_with("0 order lines"),
        "{headline}"
    );
    remove(&first_file);
    remove(&second_file);
}

#[tokio::test]
async fn ready_while_the_database_answers() {
    let (report, file) = report().await;
    let client = TestClient::new(&super::app("/", &report).unwrap());
    let ready = client.get("/ready").await;
    assert_eq!(ready.status(), 200, "{}", ready.text());
    report.bind().close().await;
    let ready = client.get("/ready").await;
    assert_eq!(ready.status(), 503, "{}", ready.text());
    assert_eq!(ready.json()["checks"]["database"], "failed");
    remove(&file);
}
