//! The disk under a SQLite file fills up while rows are written: each write
//! that does not fit is a clear error, every write before it is kept, and
//! the file is sound afterwards.

use std::path::PathBuf;
use std::process::Command;

use ferrodash::data::{Bind, BindConfig, DataError, Query};

/// A small filesystem of its own (tmpfs), where the test may mount one;
/// `None` elsewhere.
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(size: &str) -> Option<Self> {
        let dir = std::env::temp_dir().join(format!("ferrodash-full-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok()?;
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        if mounted {
            Some(Self(dir))
        } else {
            let _ = std::fs::remove_dir(&dir);
            None
        }
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

async fn insert(bind: &Bind, i: i64) -> Result<u64, DataError> {
    bind.run(Query::inline(
        "insert",
        "insert into readings (id, payload) values (:id, :payload)",
    ))
    .params(&serde_json::json!({"id": i, "payload": "x".repeat(4000)}))
    .execute()
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_full_disk_is_a_clear_error_and_the_file_stays_sound() {
    // A 2 MiB filesystem where mounting one is allowed (root); elsewhere
    // the database is capped by SQLite's page count, which fails writes the
    // same way (SQLITE_FULL).
    let disk = SmallDisk::mount("2m");
    let dir = disk
        .as_ref()
        .map_or_else(std::env::temp_dir, |d| d.0.clone());
    let file = dir.join(format!("full-{}.db", std::process::id()));
    let url = format!("sqlite://{}", file.display());
    let bind = Bind::connect("full", &url, BindConfig::default())
        .await
        .unwrap();
    bind.execute_script(
        "schema",
        "create table readings (id integer primary key, payload text not null)",
    )
    .await
    .unwrap();
    if disk.is_none() {
        eprintln!("no tmpfs here: capping the database at 500 pages instead");
        bind.execute_script("cap", "pragma max_page_count = 500")
            .await
            .unwrap();
    }
    let mut written = 0_i64;
    let error = loop {
        match insert(&bind, written).await {
            Ok(_) => written += 1,
            Err(error) => break error,
        }
        assert!(written < 100_000, "the disk never filled");
    };
    let text = error.to_string();
    assert!(
        text.contains("database or disk is full"),
        "a clear error: {text}"
    );
    assert!(written > 10, "some rows fitted before the disk filled");
    // Further writes fail the same way; reads still work.
    assert!(insert(&bind, written + 1).await.is_err());
    let counted: i64 = bind
        .run(Query::inline("count", "select count(*) from readings"))
        .fetch_one()
        .await
        .unwrap();
    assert_eq!(counted, written, "every write that succeeded is there");
    bind.close().await;

    // Reopened: the file is sound and holds every row written.
    let bind = Bind::connect("full", &url, BindConfig::default())
        .await
        .unwrap();
    let check: String = bind
        .run(Query::inline("check", "pragma integrity_check"))
        .fetch_one()
        .await
        .unwrap();
    assert_eq!(check, "ok");
    let counted: i64 = bind
        .run(Query::inline("count", "select count(*) from readings"))
        .fetch_one()
        .await
        .unwrap();
    assert_eq!(counted, written);
    bind.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
}
