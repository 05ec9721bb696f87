//! The portal's database: its schema, and every query it runs, kept in
//! `queries/usage/*.sql` and compiled into the binary.
//!
//! Report queries take the account as a bound parameter (`*` for every
//! account); the report decides it from the logged-in user, never from a
//! value the browser sends.

use std::time::Duration;

use ferrodash::data::{Bind, BindConfig, DataError, Query};
use serde::{Deserialize, Serialize};

use crate::platform::{Account, Project, UsageRecord};

/// The account value that stands for every account (admins only).
pub const EVERY_ACCOUNT: &str = "*";

/// The portal's queries.
fn queries() -> Vec<Query> {
    macro_rules! query {
        ($name:literal) => {
            Query::new(
                $name,
                include_str!(concat!("../queries/usage/", $name, ".sql")),
            )
            .with_source(concat!("queries/usage/", $name, ".sql"))
        };
    }
    vec![
        query!("upsert_account"),
        query!("upsert_project"),
        query!("upsert_record"),
        query!("clear_daily"),
        query!("refresh_daily"),
        query!("run_start"),
        query!("run_finish"),
        query!("runs_recent"),
        query!("data_version"),
        query!("lock_take"),
        query!("lock_renew"),
        query!("lock_release"),
        query!("accounts"),
        query!("accounts_of_user"),
        query!("add_member"),
        query!("projects_of"),
        query!("days"),
        query!("report_totals"),
        query!("report_by_project"),
        query!("report_by_month"),
        query!("export_daily"),
    ]
}

/// A usage record as a row of `usage_records`.
#[derive(Debug, Serialize)]
struct RecordRow<'a> {
    id: &'a str,
    day: &'a str,
    account_id: &'a str,
    project_id: &'a str,
    user_id: &'a str,
    ingested_seconds: f64,
    ingested_items: i64,
    video_bytes: i64,
    audio_bytes: i64,
    proxy_bytes: i64,
    subtitles_bytes: i64,
    thumbnails_bytes: i64,
    deleted: bool,
}

impl<'a> From<&'a UsageRecord> for RecordRow<'a> {
    fn from(r: &'a UsageRecord) -> Self {
        let s = &r.storage_bytes;
        Self {
            id: &r.id,
            day: &r.date,
            account_id: &r.account_id,
            project_id: &r.project_id,
            user_id: &r.user_id,
            ingested_seconds: r.ingested_seconds,
            ingested_items: r.ingested_items,
            video_bytes: s.video,
            audio_bytes: s.audio,
            proxy_bytes: s.proxy,
            subtitles_bytes: s.subtitles,
            thumbnails_bytes: s.thumbnails,
            deleted: r.deleted,
        }
    }
}

/// A hold on a lock in `ingest_lock`: who holds it and until when.
#[derive(Debug, Clone, Serialize)]
pub struct Lease<'a> {
    /// The lock's name.
    pub name: &'a str,
    /// Its holder.
    pub owner: &'a str,
    /// Until when, in Unix milliseconds.
    pub expires_at: i64,
}

/// Days, for the queries that take a range.
#[derive(Debug, Clone, Serialize)]
pub struct DayRange {
    /// The first day, `YYYY-MM-DD`.
    pub from_day: String,
    /// The last day, `YYYY-MM-DD`.
    pub to_day: String,
}

/// What one ingestion wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Records added or changed.
    pub changed: u64,
    /// Accounts and projects added or renamed.
    pub catalogue_changed: u64,
}

/// One ingestion run as the history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRow {
    /// Its id.
    pub id: String,
    /// What started it: `schedule`, `backfill`, `manual` or `startup`.
    pub run_trigger: String,
    /// The first day it fetched.
    pub from_day: String,
    /// The last day it fetched.
    pub to_day: String,
    /// When it started, Unix milliseconds.
    pub started_at: i64,
    /// When it ended, Unix milliseconds; `None` while it runs.
    pub finished_at: Option<i64>,
    /// Records fetched.
    pub records: i64,
    /// Records added or changed.
    pub changed: i64,
    /// `running`, `success` or `failed`.
    pub outcome: String,
    /// Why it failed.
    pub error: Option<String>,
}

/// What a view of the report filters on. `account` is decided on the
/// server; `projects` are ids already checked against the account's.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ViewParams {
    /// An account id, or [`EVERY_ACCOUNT`].
    pub account: String,
    /// The first day, `YYYY-MM-DD`.
    pub from_day: String,
    /// The last day, `YYYY-MM-DD`.
    pub to_day: String,
    /// 1 when every project of the account counts.
    pub all_projects: i64,
    /// The project ids that count (one empty id when all do).
    pub projects: Vec<String>,
}

/// A view's headline figures.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// Hours of media ingested.
    pub hours: f64,
    /// Media items ingested.
    pub items: i64,
    /// Bytes still stored.
    pub stored_bytes: i64,
    /// Bytes deleted.
    pub deleted_bytes: i64,
    /// Usage records counted.
    pub records: i64,
    /// Projects with usage.
    pub projects: i64,
}

/// The database.
#[derive(Debug, Clone)]
pub struct Store {
    bind: Bind,
}

impl Store {
    /// Opens the database at `url` and creates the tables that are
    /// missing. Writes of a whole ingestion run share one transaction, so
    /// queries get up to 10 minutes.
    ///
    /// # Errors
    ///
    /// [`DataError`] when the database cannot be reached or written.
    pub async fn open(url: &str) -> Result<Self, DataError> {
        let config = BindConfig::default()
            .query_timeout(Duration::from_secs(600))
            .row_limit(5_000_000);
        let bind = Bind::connect("usage", url, config)
            .await?
            .with_queries(queries())?;
        bind.execute_script(
            "queries/usage/schema.sql",
            include_str!("../queries/usage/schema.sql"),
        )
        .await?;
        Ok(Self { bind })
    }

    /// The database's bind, for queries of one's own.
    #[must_use]
    pub const fn bind(&self) -> &Bind {
        &self.bind
    }

    /// Writes what a run fetched in one transaction: the lease renewed
    /// first, then accounts, projects and records upserted by id, then the
    /// daily totals of `days` rebuilt from the records. Nothing is written
    /// when any of it fails.
    ///
    /// The renewal inside the transaction fences the write: `Ok(None)`, with
    /// nothing written, when `lease`'s owner no longer holds the lock; and
    /// while the transaction is open, the lock's row (or, in SQLite, the
    /// whole database) is locked against another process taking it over.
    ///
    /// # Errors
    ///
    /// [`DataError`] naming the statement that failed.
    pub async fn write_run(
        &self,
        lease: &Lease<'_>,
        accounts: &[Account],
        projects: &[Project],
        records: &[UsageRecord],
        days: &DayRange,
    ) -> Result<Option<Written>, DataError> {
        let b = &self.bind;
        let mut tx = b.transaction().await?;
        if tx.execute(b.query("lock_renew").params(lease)).await? != 1 {
            return Ok(None);
        }
        let catalogue_changed = tx.execute_many(b.query("upsert_account"), accounts).await?
            + tx.execute_many(b.query("upsert_project"), projects).await?;
        let mut changed = 0;
        // Rows are converted a chunk at a time, so the run holds its records
        // and one chunk of rows, not a second copy of everything.
        for chunk in records.chunks(10_000) {
            let rows: Vec<RecordRow<'_>> = chunk.iter().map(RecordRow::from).collect();
            changed += tx.execute_many(b.query("upsert_record"), &rows).await?;
        }
        tx.execute(b.query("clear_daily").params(days)).await?;
        tx.execute(b.query("refresh_daily").params(days)).await?;
        tx.commit().await?;
        Ok(Some(Written {
            changed,
            catalogue_changed,
        }))
    }

    /// Records that a run began.
    ///
    /// # Errors
    ///
    /// [`DataError`].
    pub async fn start_run(&self, run: &RunRow) -> Result<(), DataError> {
        #[derive(Serialize)]
        struct Start<'a> {
            id: &'a str,
            run_trigger: &'a str,
            from_day: &'a str,
            to_day: &'a str,
            started_at: i64,
        }
        self.bind
            .query("run_start")
            .params(&Start {
                id: &run.id,
                run_trigger: &run.run_trigger,
                from_day: &run.from_day,
                to_day: &run.to_day,
                started_at: run.started_at,
            })
            .execute()
            .await
            .map(drop)
    }

    /// Records how a run ended.
    ///
    /// # Errors
    ///
    /// [`DataError`].
    pub async fn finish_run(&self, run: &RunRow) -> Result<(), DataError> {
        #[derive(Serialize)]
        struct Finish<'a> {
            id: &'a str,
            finished_at: Option<i64>,
            records: i64,
            changed: i64,
            outcome: &'a str,
            error: Option<&'a str>,
        }
        self.bind
            .query("run_finish")
            .params(&Finish {
                id: &run.id,
                finished_at: run.finished_at,
                records: run.records,
                changed: run.changed,
                outcome: &run.outcome,
                error: run.error.as_deref(),
            })
            .execute()
            .await
            .map(drop)
    }

    /// The latest `limit` runs, newest first.
    ///
    /// # Errors
    ///
    /// [`DataError`].
    pub async fn recent_runs(&self, limit: i64) -> Result<Vec<RunRow>, DataError> {
        self.bind
            .query("runs_recent")
            .params(&serde_json::json!({ "limit": limit }))
            .fetch()
            .await
    }

    /// A number that changes whenever a run has written something.
    ///
    /// # Errors
    ///
    /// [`DataError`].
    pub async fn data_version(&self) -> Result<i64, DataError> {
        self.bind.query("data_version").fetch_one().await
    }

    /// Takes the lock for `lease`'s owner when it is free or lapsed at
    /// `now` (Unix ms); `false` when another holds it.
    ///
    /// # Errors
    ///
    /// [`DataError`].
    pub async fn take_lock(&self, lease: &Lease<'_>, now: i64) -> Result<bool, DataError> {
        #[derive(Serialize)]
        struct Take<'a> {
            #[serde(flatten)]
            lease: &'a Lease<'a>,
            now: i64,
        }
        let taken = self
            .bind
            .query("lock_take")
            .params(&Take { lease, now })
            .execute()
            .await?;
        Ok(taken == 1)
    }

    /// Extends `lease`'s hold to its `expires_at`; `false` when its owner no
    /// longer holds the lock.
    ///
    /// # Errors
    ///
    /// [`DataError`].
    pub async fn renew_lock(&self, lease: &Lease<'_>) -> Result<bool, DataError> {
        let kept = self
            .bind
            .query("lock_renew")
            .params(lease)
            .execute()
            .await?;
        Ok(kept == 1)
    }

    /// Frees `owner`'s lock `name`.
    ///
    /// # Errors
    ///
    /// [`DataError`].
    pub async fn release_lock(&self, name: &str, owner: &str) -> Result<(), DataError> {
        self.bind
            .query("lock_release")
            .params(&serde_json::json!({ "name": name, "owner": owner }))
            .execute()
            .await
            .map(drop)
    }

    /// Every customer account, by name.
    ///
    /// # Errors
    ///
    /// [`DataError`].
    pub async fn accounts(&self) -> Result<Vec<Account>, DataError> {
        self.bind.query("accounts").fetch().await
    }

    /// The accounts `user_name` may see, by name.
    ///
    /// # Errors
    ///
    /// [`DataError`].
    pub async fn accounts_of_user(&self, user_name: &str) -> Result<Vec<Account>, DataError> {
        self.bind
            .query("accounts_of_user")
            .params(&serde_json::json!({ "user_name": user_name }))
            .fetch()
            .await
    }

    /// Lets `user_name` see `account_id`.
    ///
    /// # Errors
    ///
    /// [`DataError`].
    pub async fn add_member(&self, user_name: &str, account_id: &str) -> Result<(), DataError> {
        self.bind
            .query("add_member")
            .params(&serde_json::json!({ "user_name": user_name, "account_id": account_id }))
            .execute()
            .await
            .map(drop)
    }

    /// The projects of `account` ([`EVERY_ACCOUNT`] for all), by name.
    ///
    /// # Errors
    ///
    /// [`DataError`].
    pub async fn projects_of(&self, account: &str) -> Result<Vec<Project>, DataError> {
        self.bind
            .query("projects_of")
            .params(&serde_json::json!({ "account": account }))
            .fetch()
            .await
    }

    /// The first and last day with usage, when there is any.
    ///
    /// # Errors
    ///
    /// [`DataError`].
    pub async fn days(&self) -> Result<Option<(String, String)>, DataError> {
        #[derive(Deserialize)]
        struct Days {
            first_day: Option<String>,
            last_day: Option<String>,
        }
        let days: Days = self.bind.query("days").fetch_one().await?;
        Ok(days.first_day.zip(days.last_day))
    }
}
