//! Helpers: unique names, and binds on each backend.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use ferrodash_data::{Bind, BindConfig, DataError};

/// PostgreSQL used by the tests (trust authentication).
pub(crate) const POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
/// MariaDB used by the tests (root, empty password).
pub(crate) const MYSQL_URL: &str = "mysql://root@127.0.0.1:3306/test";

/// A name no other test (or test run) uses: `prefix_pid_n_nanos`.
pub(crate) fn unique(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{prefix}_{}_{n}_{nanos}", std::process::id())
}

/// A bind on a new SQLite file in the temp folder (removed by
/// [`drop_sqlite`]).
pub(crate) async fn sqlite(config: BindConfig) -> Bind {
    let file = std::env::temp_dir()
        .join("ferrodash-data-tests")
        .join(format!("{}.db", unique("t")));
    let url = format!("sqlite://{}", file.display());
    Bind::connect("lite", &url, config)
        .await
        .unwrap_or_else(|e| panic!("SQLite bind failed: {e}"))
}

/// Closes an SQLite bind and removes its files.
pub(crate) async fn drop_sqlite(bind: Bind) {
    bind.close().await;
    let path = bind.url().trim_start_matches("sqlite://").to_owned();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
}

fn unreachable(server: &str, url: &str, e: &DataError) -> ! {
    panic!(
        "{server} is not reachable at {url}: {e}\n\
         These tests need it running (they never skip): start it, or see \
         crates/ferrodash-data/tests/data/common.rs for the URL they use."
    )
}

/// A bind on the test PostgreSQL.
pub(crate) async fn postgres(config: BindConfig) -> Bind {
    match Bind::connect("pg", POSTGRES_URL, config).await {
        Ok(bind) => bind,
        Err(e) => unreachable("PostgreSQL", POSTGRES_URL, &e),
    }
}

/// A bind on the test MariaDB.
pub(crate) async fn mysql(config: BindConfig) -> Bind {
    match Bind::connect("maria", MYSQL_URL, config).await {
        Ok(bind) => bind,
        Err(e) => unreachable("MariaDB", MYSQL_URL, &e),
    }
}

/// Drops a table (used at the end of each server test).
pub(crate) async fn drop_table(bind: &Bind, table: &str) {
    bind.execute_script("drop", &format!("drop table if exists {table}"))
        .await
        .unwrap();
}
