//! What the tests share: a stand-in platform API on a loopback port, a
//! portal on its own SQLite file, and a fingerprint of the tables.

use std::path::PathBuf;
use std::sync::Arc;

use jiff::civil::Date;
use usage_portal::clock::{Clock, SystemClock};
use usage_portal::ingest::Ingestor;
use usage_portal::platform::{ClientConfig, PlatformClient, StandIn, Synthetic};
use usage_portal::store::Store;

/// The token the test APIs accept.
pub(crate) const TOKEN: &str = "test-token-0123456789";

/// The last day of the test data: fixed, so every run sees the same days.
pub(crate) fn last_day() -> Date {
    jiff::civil::date(2026, 11, 30)
}

/// A small data set: 5 accounts, 16 projects (about 200 records a day).
pub(crate) fn small_data() -> Synthetic {
    Synthetic::new(42, 5, 16)
}

/// A temporary SQLite file, removed (with its WAL files) on drop.
#[derive(Debug)]
pub(crate) struct TempDb {
    pub(crate) path: PathBuf,
}

impl TempDb {
    pub(crate) fn new(tag: &str) -> Self {
        static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "usage-portal-test-{tag}-{}-{n}.db",
            std::process::id()
        ));
        let db = Self { path };
        db.remove();
        db
    }

    pub(crate) fn url(&self) -> String {
        format!("sqlite://{}", self.path.display())
    }

    fn remove(&self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
        }
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        self.remove();
    }
}

/// A stand-in API with `data` up to [`last_day`], served on a loopback
/// port, and its base URL.
pub(crate) async fn api(data: Synthetic) -> (StandIn, String) {
    let api = StandIn::new(data, TOKEN, last_day(), 365);
    let url = api.spawn().await.expect("the stand-in API serves");
    (api, url)
}

/// A client of the API at `url` that retries quickly.
pub(crate) fn client(url: &str) -> PlatformClient {
    let config = ClientConfig::new(url::Url::parse(url).unwrap(), TOKEN)
        .with_backoff(std::time::Duration::from_millis(20))
        .with_page_limit(2_000);
    PlatformClient::new(config).unwrap()
}

/// An ingestor from the API at `url` into `store`, on the system clock.
pub(crate) fn ingestor(store: &Store, url: &str) -> Ingestor {
    ingestor_on(store, url, Arc::new(SystemClock))
}

/// The same, on `clock`.
pub(crate) fn ingestor_on(store: &Store, url: &str, clock: Arc<dyn Clock>) -> Ingestor {
    Ingestor::new(store.clone(), client(url), clock, jiff::tz::TimeZone::UTC)
}

/// The `days` days up to [`last_day`].
pub(crate) fn days_back(days: i64) -> (Date, Date) {
    let to = last_day();
    (
        to.checked_sub(jiff::Span::new().days(days - 1)).unwrap(),
        to,
    )
}

/// Everything in the usage tables, as text: equal fingerprints, equal
/// tables.
pub(crate) async fn fingerprint(store: &Store) -> String {
    use ferrodash::data::Query;
    let records: Vec<(String, String, f64, i64, i64, bool)> = store
        .bind()
        .run(Query::inline(
            "all_records",
            "SELECT id, day, ingested_seconds, ingested_items, video_bytes, deleted \
             FROM usage_records ORDER BY id",
        ))
        .fetch()
        .await
        .unwrap();
    let daily: Vec<(String, String, String, i64, f64, i64)> = store
        .bind()
        .run(Query::inline(
            "all_daily",
            "SELECT account_id, project_id, day, records, ingested_seconds, video_bytes \
             FROM usage_daily ORDER BY account_id, project_id, day",
        ))
        .fetch()
        .await
        .unwrap();
    format!("{records:?}\n{daily:?}")
}

/// How many rows `table` holds.
pub(crate) async fn count(store: &Store, table: &str) -> i64 {
    store
        .bind()
        .run(ferrodash::data::Query::inline(
            "count",
            format!("SELECT COUNT(*) FROM {table}"),
        ))
        .fetch_one()
        .await
        .unwrap()
}

/// A portal on its own database with 60 days of the small data set
/// ingested from a stand-in API, served on a loopback port.
pub(crate) struct TestPortal {
    pub(crate) server: ferrodash_testing::server::RunningServer,
    pub(crate) portal: usage_portal::Portal,
    pub(crate) app: ferrodash::App,
    pub(crate) _db: TempDb,
}

impl TestPortal {
    pub(crate) async fn start() -> Self {
        let db = TempDb::new("portal");
        let portal = usage_portal::Portal::open(&db.url())
            .await
            .expect("the portal's database opens");
        let (_api, url) = api(small_data()).await;
        let ingestor = ingestor(portal.store(), &url);
        let (from, to) = days_back(60);
        ingestor
            .run(from, to, usage_portal::ingest::Trigger::Backfill)
            .await
            .expect("the backfill runs");
        portal.days().refresh(portal.store()).await.unwrap();
        let portal = portal
            .with_ingestor(ingestor, 3, "Runs `0 2 * * *` (UTC).")
            .with_live_every(std::time::Duration::from_millis(200));
        let app = usage_portal::app(&portal).expect("the portal builds");
        let server = ferrodash_testing::server::spawn_router(app.router())
            .await
            .expect("the portal serves");
        portal.printer().set_base_url(server.url("/"));
        Self {
            server,
            portal,
            app,
            _db: db,
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    /// The names of `account`'s projects, from the database.
    pub(crate) async fn project_names(&self, account: &str) -> Vec<String> {
        self.portal
            .store()
            .projects_of(account)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect()
    }
}
