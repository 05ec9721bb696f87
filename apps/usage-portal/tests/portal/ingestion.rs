//! Ingestion against the stand-in API over HTTP: backfill, reruns,
//! retries, bad records, a bad token, two processes at once, the schedule.

use std::sync::Arc;
use std::time::Duration;

use ferrodash::axum::http::StatusCode;
use usage_portal::clock::{Clock, ManualClock};
use usage_portal::ingest::{IngestError, Trigger};
use usage_portal::platform::PlatformError;
use usage_portal::schedule::{Schedule, ScheduledJob};
use usage_portal::store::{Lease, Store};

use crate::common::{self, TempDb, count, fingerprint};

/// The records of `from..=to` as the stand-in makes them, counted and
/// added up here, independently of the portal's SQL.
fn expected(
    data: &usage_portal::platform::Synthetic,
    from: jiff::civil::Date,
    to: jiff::civil::Date,
) -> (usize, f64) {
    let mut day = from;
    let (mut n, mut seconds) = (0, 0.0);
    while day <= to {
        let records = data.day(day);
        n += records.len();
        seconds += records.iter().map(|r| r.ingested_seconds).sum::<f64>();
        day = day.tomorrow().unwrap();
    }
    (n, seconds)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_backfill_of_183_days_writes_every_record_and_a_rerun_changes_nothing() {
    let db = TempDb::new("backfill");
    let store = Store::open(&db.url()).await.unwrap();
    let (_api, url) = common::api(common::small_data()).await;
    let ingestor = common::ingestor(&store, &url);
    let (from, to) = common::days_back(183);

    let run = ingestor.run(from, to, Trigger::Backfill).await.unwrap();
    let (n, seconds) = expected(&common::small_data(), from, to);
    assert!(n > 20_000, "{n} records");
    assert_eq!(run.records, i64::try_from(n).unwrap());
    assert_eq!(run.changed, run.records, "every record is new");
    assert_eq!(count(&store, "usage_records").await, run.records);
    // The daily totals add up to the records the API sent.
    let total: f64 = store
        .bind()
        .run(ferrodash::data::Query::inline(
            "sum",
            "SELECT SUM(ingested_seconds) FROM usage_daily",
        ))
        .fetch_one()
        .await
        .unwrap();
    assert!(
        (total - seconds).abs() < 1e-3 * seconds.max(1.0),
        "{total} vs {seconds}"
    );
    let days: i64 = store
        .bind()
        .run(ferrodash::data::Query::inline(
            "days",
            "SELECT COUNT(DISTINCT day) FROM usage_daily",
        ))
        .fetch_one()
        .await
        .unwrap();
    assert_eq!(days, 183);
    let before = fingerprint(&store).await;

    // The same run again: the same tables, nothing counted as changed.
    let again = ingestor.run(from, to, Trigger::Backfill).await.unwrap();
    assert_eq!(again.records, run.records);
    assert_eq!(again.changed, 0);
    assert_eq!(fingerprint(&store).await, before);
    let runs = store.recent_runs(10).await.unwrap();
    assert_eq!(runs.len(), 2);
    assert!(
        runs.iter()
            .all(|r| r.outcome == "success" && r.error.is_none())
    );

    // A report's cells (whole months from the monthly totals, edge days
    // from the daily ones) add up to the daily totals of its days, for
    // ranges within a month, across months, and aligned to months.
    let ranges = [(from, to), (from, from), (to, to)]
        .into_iter()
        .chain((0..6).map(|i| {
            let a = from
                .checked_add(jiff::Span::new().days(17 * i + 3))
                .unwrap();
            let b = a.checked_add(jiff::Span::new().days(11 * i + 1)).unwrap();
            (a, b.min(to))
        }))
        .chain([
            (from.first_of_month(), from.last_of_month()),
            (to.first_of_month(), to),
        ]);
    for (a, b) in ranges {
        for account in ["acc-01", "acc-02"] {
            let view = usage_portal::store::ViewParams::new(
                account.to_owned(),
                vec![account.to_owned()],
                a,
                b,
                Vec::new(),
            );
            let cells = store.cells(&view).await.unwrap();
            let got = usage_portal::report::sums::totals(&cells);
            let (seconds, items, records): (f64, i64, i64) = store
                .bind()
                .run(ferrodash::data::Query::inline(
                    "daily_sums",
                    "SELECT COALESCE(SUM(ingested_seconds), 0), COALESCE(SUM(ingested_items), 0), \
                     COALESCE(SUM(records), 0) FROM usage_daily \
                     WHERE account_id IN (:accounts) AND day >= :from_day AND day <= :to_day \
                     AND (:all_projects = 1 OR project_id IN (:projects))",
                ))
                .params(&view.filter())
                .fetch_one()
                .await
                .unwrap();
            assert_eq!(
                (got.items, got.records),
                (items, records),
                "{account} {a} {b}"
            );
            assert!(
                got.hours.mul_add(3600.0, -seconds).abs() < 1e-6 * seconds.max(1.0),
                "{a} {b}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_platform_that_fails_twice_with_500_is_retried() {
    let db = TempDb::new("retry");
    let store = Store::open(&db.url()).await.unwrap();
    let (api, url) = common::api(common::small_data()).await;
    let ingestor = common::ingestor(&store, &url);
    let (from, to) = common::days_back(3);
    api.faults().fail_next(2, StatusCode::INTERNAL_SERVER_ERROR);
    let before = api.faults().requests();
    let run = ingestor.run(from, to, Trigger::Manual).await.unwrap();
    assert_eq!(run.outcome, "success");
    // accounts (1 page + 2 failures), projects (1), usage (1 page of ≤ 2,000).
    let (n, _) = expected(&common::small_data(), from, to);
    assert!(n <= 2_000, "{n} fit one page");
    assert_eq!(
        api.faults().requests() - before,
        5,
        "two failed tries, then one per page"
    );
    assert_eq!(run.records, i64::try_from(n).unwrap());

    // 429 with Retry-After is retried too; a platform that keeps failing
    // fails the run with the status and the number of tries.
    api.faults().fail_next(1, StatusCode::TOO_MANY_REQUESTS);
    ingestor.run(from, to, Trigger::Manual).await.unwrap();
    api.faults().fail_next(50, StatusCode::SERVICE_UNAVAILABLE);
    let err = ingestor.run(from, to, Trigger::Manual).await.unwrap_err();
    assert!(
        matches!(
            err,
            IngestError::Platform(PlatformError::Status {
                status: 503,
                attempts: 6,
                ..
            })
        ),
        "{err}"
    );
    api.faults().clear();
    let last = &store.recent_runs(1).await.unwrap()[0];
    assert_eq!(last.outcome, "failed");
    assert!(
        last.error.as_deref().unwrap_or_default().contains("503"),
        "{last:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_record_fails_the_run_with_its_id_and_leaves_the_data_as_it_was() {
    let db = TempDb::new("malformed");
    let store = Store::open(&db.url()).await.unwrap();
    let data = common::small_data();
    let (api, url) = common::api(data.clone()).await;
    let ingestor = common::ingestor(&store, &url);
    let (from, to) = common::days_back(10);
    ingestor.run(from, to, Trigger::Backfill).await.unwrap();
    let before = fingerprint(&store).await;

    // A record late in the run (on its last page) has a text where a number goes.
    let bad = data.day(to).last().unwrap().id.clone();
    api.faults().corrupt_record(bad.clone());
    let err = ingestor.run(from, to, Trigger::Manual).await.unwrap_err();
    let message = err.to_string();
    assert!(message.contains(&bad), "{message}");
    assert!(message.contains("ingested_seconds"), "{message}");
    assert_eq!(fingerprint(&store).await, before, "nothing was written");
    let last = &store.recent_runs(1).await.unwrap()[0];
    assert_eq!(last.outcome, "failed");
    assert!(last.error.as_deref().unwrap_or_default().contains(&bad));
    api.faults().clear();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_token_is_named_and_nothing_is_retried() {
    let db = TempDb::new("token");
    let store = Store::open(&db.url()).await.unwrap();
    let (api, url) = common::api(common::small_data()).await;
    let config = usage_portal::platform::ClientConfig::new(url::Url::parse(&url).unwrap(), "wrong");
    let client = usage_portal::platform::PlatformClient::new(config).unwrap();
    let before = api.faults().requests();
    let err = client.accounts().await.unwrap_err();
    assert!(
        matches!(err, PlatformError::BadToken { status: 401, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("PORTAL_PLATFORM_TOKEN"), "{err}");
    assert_eq!(api.faults().requests() - before, 1);
    drop(store);
}

#[tokio::test(flavor = "multi_thread")]
async fn two_processes_starting_a_run_at_once_give_one_run() {
    let db = TempDb::new("two");
    // The schema exists before either process starts.
    let store = Store::open(&db.url()).await.unwrap();
    let (api, url) = common::api(common::small_data()).await;
    // A slow platform, so the two runs would overlap.
    api.faults().delay(Duration::from_millis(300));
    let spawn = || {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_usage-portal"))
            .args(["ingest", "5"])
            .env("PORTAL_DATABASE_URL", db.url())
            .env("PORTAL_PLATFORM_URL", &url)
            .env("PORTAL_PLATFORM_TOKEN", common::TOKEN)
            .env("PORTAL_LOG", "info")
            .env("NO_COLOR", "1")
            .kill_on_drop(true)
            .output()
    };
    let (a, b) = tokio::join!(spawn(), spawn());
    let (a, b) = (a.unwrap(), b.unwrap());
    let logs = [
        String::from_utf8_lossy(&a.stdout).into_owned() + &String::from_utf8_lossy(&a.stderr),
        String::from_utf8_lossy(&b.stdout).into_owned() + &String::from_utf8_lossy(&b.stderr),
    ];
    assert!(a.status.success() && b.status.success(), "{logs:?}");
    let skipped = logs
        .iter()
        .filter(|l| l.contains("another run is in progress"))
        .count();
    assert_eq!(skipped, 1, "one process did not start a run: {logs:?}");
    let runs = store.recent_runs(10).await.unwrap();
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0].outcome, "success");
    api.faults().clear();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_whose_lease_lapsed_and_was_taken_writes_nothing() {
    let db = TempDb::new("lapsed");
    let store = Store::open(&db.url()).await.unwrap();
    let (api, url) = common::api(common::small_data()).await;
    // A slow platform: the run is still fetching when the other process
    // comes.
    api.faults().delay(Duration::from_millis(400));
    let ingestor = common::ingestor(&store, &url);
    let (from, to) = common::days_back(3);
    let run = tokio::spawn(async move { ingestor.run(from, to, Trigger::Manual).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Another process, whose clock says the lease lapsed, takes the lock.
    let far = usage_portal::clock::unix_ms(usage_portal::clock::SystemClock.now()) + 3_600_000;
    let other = Lease {
        name: usage_portal::ingest::LOCK_NAME,
        owner: "another-process",
        expires_at: far + 120_000,
    };
    assert!(store.take_lock(&other, far).await.unwrap());

    let err = run.await.unwrap().unwrap_err();
    assert!(matches!(err, IngestError::LockLost), "{err}");
    assert_eq!(count(&store, "usage_records").await, 0, "nothing written");
    assert_eq!(count(&store, "usage_daily").await, 0);
    let runs = store.recent_runs(10).await.unwrap();
    assert_eq!(runs[0].outcome, "failed", "{runs:?}");
    assert!(
        runs[0]
            .error
            .as_deref()
            .unwrap_or("")
            .contains("lock was lost")
    );
    // The new holder still holds it.
    assert!(store.renew_lock(&other).await.unwrap());
    api.faults().clear();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_nightly_schedule_runs_once_at_two_in_its_time_zone() {
    let db = TempDb::new("schedule");
    let store = Store::open(&db.url()).await.unwrap();
    let (_api, url) = common::api(common::small_data()).await;
    let paris = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
    let at = |text: &str| {
        text.parse::<jiff::civil::DateTime>()
            .unwrap()
            .to_zoned(paris.clone())
            .unwrap()
            .timestamp()
    };
    // The day after the test data's last day, a minute before the run.
    let clock = ManualClock::new(at("2026-12-01T01:59:00"));
    let shared: Arc<dyn Clock> = Arc::new(clock.clone());
    let ingestor = usage_portal::ingest::Ingestor::new(
        store.clone(),
        common::client(&url),
        Arc::clone(&shared),
        paris.clone(),
    );
    let schedule = Schedule::parse("0 2 * * *", "Europe/Paris").unwrap();
    let job = {
        let ingestor = ingestor.clone();
        ScheduledJob::spawn(schedule, Arc::clone(&shared), move |_| {
            let ingestor = ingestor.clone();
            async move {
                let (from, to) = ingestor.last_days(2);
                let _ = ingestor.run(from, to, Trigger::Schedule).await;
            }
        })
    };
    assert_eq!(job.first(), Some(at("2026-12-01T02:00:00")));

    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        store.recent_runs(10).await.unwrap().is_empty(),
        "nothing before 02:00"
    );
    clock.set(at("2026-12-01T02:00:00"));
    let done = finished_runs(&store, 1).await;
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].run_trigger, "schedule");
    assert_eq!(
        (done[0].from_day.as_str(), done[0].to_day.as_str()),
        ("2026-11-29", "2026-11-30"),
        "yesterday and the day before, in Paris"
    );
    // Later that night: no second run.
    clock.set(at("2026-12-01T02:30:00"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(store.recent_runs(10).await.unwrap().len(), 1);
    // The next night: one more.
    clock.set(at("2026-12-02T02:00:00"));
    let done = finished_runs(&store, 2).await;
    assert_eq!(done.len(), 2);
    assert_eq!(done[0].to_day, "2026-12-01");
    job.stop();
}

/// The runs, once `n` of them have finished.
async fn finished_runs(store: &Store, n: usize) -> Vec<usage_portal::store::RunRow> {
    for _ in 0..400 {
        let done = store.recent_runs(10).await.unwrap();
        if done.len() >= n && done.iter().all(|r| r.outcome != "running") {
            return done;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no {n} finished runs");
}

#[tokio::test(flavor = "multi_thread")]
async fn runs_show_in_the_metrics() {
    let portal = crate::common::TestPortal::start().await;
    let client = ferrodash_testing::client::TestClient::new(&portal.app);
    let text = client.get("/metrics").await.text();
    assert!(
        text.contains("usage_ingest_runs_total{outcome=\"success\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("usage_ingest_runs_total{outcome=\"failed\"} 0"),
        "{text}"
    );
    assert!(
        text.contains("usage_ingest_records_fetched_total "),
        "{text}"
    );
    assert!(text.contains("ferrodash_http_requests_total"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn one_process_of_several_claims_a_months_reports() {
    let db = TempDb::new("claim-month");
    let store = Store::open(&db.url()).await.unwrap();
    let november = jiff::civil::date(2026, 11, 1);
    assert!(
        usage_portal::monthly::claim_month(&store, november)
            .await
            .unwrap()
    );
    // A second process, at the same time: not its to write.
    assert!(
        !usage_portal::monthly::claim_month(&store, november)
            .await
            .unwrap()
    );
    // Another month is free.
    assert!(
        usage_portal::monthly::claim_month(&store, jiff::civil::date(2026, 10, 1))
            .await
            .unwrap()
    );
}
