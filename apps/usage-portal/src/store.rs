//! The portal's database: its schema, and every query it runs, kept in
//! `queries/usage/*.sql` and compiled into the binary.
//!
//! Report queries take the account as a bound parameter (`*` for every
//! account); the report decides it from the logged-in user, never from a
//! value the browser sends.

use std::time::Duration;

use ferrodash::data::{Bind, BindConfig, DataError, Query};
use jiff::civil::Date;
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
        query!("report_cells"),
        query!("clear_monthly"),
        query!("refresh_monthly"),
        query!("monthly_rows"),
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

/// Days, for the queries that take a range, with the months they touch.
#[derive(Debug, Clone, Serialize)]
pub struct DayRange {
    /// The first day, `YYYY-MM-DD`.
    pub from_day: String,
    /// The last day, `YYYY-MM-DD`.
    pub to_day: String,
    /// The months of the days, for the monthly queries.
    #[serde(skip)]
    pub months: MonthRange,
}

/// The months some days touch, whole.
#[derive(Debug, Clone, Serialize)]
pub struct MonthRange {
    /// The first month, `YYYY-MM`.
    pub from_month: String,
    /// The month after the last, `YYYY-MM`.
    pub after_month: String,
}

impl DayRange {
    /// `from..=to`.
    #[must_use]
    pub fn new(from: Date, to: Date) -> Self {
        Self {
            from_day: from.to_string(),
            to_day: to.to_string(),
            months: MonthRange {
                from_month: month_of(from),
                after_month: month_of(next_day(to.last_of_month())),
            },
        }
    }
}

/// `YYYY-MM`.
#[must_use]
pub fn month_of(day: Date) -> String {
    day.strftime("%Y-%m").to_string()
}

/// The day after `day` (`day` itself on the last day jiff knows).
#[must_use]
pub fn next_day(day: Date) -> Date {
    day.tomorrow().unwrap_or(day)
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

/// What a view of the report filters on. `account` and `accounts` are
/// decided on the server; `projects` are ids already checked against the
/// account's.
///
/// The days are split for `report_cells`: the whole months
/// `first_month..after_month` read from `usage_monthly`, the days
/// `from_day..whole_from` and `whole_to..=to_day` (both ends open at
/// `whole_*`) from `usage_daily`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ViewParams {
    /// An account id, or [`EVERY_ACCOUNT`].
    pub account: String,
    /// The ids of the accounts counted: `account`, or every account the
    /// viewer may see for [`EVERY_ACCOUNT`] (one empty id when none).
    pub accounts: Vec<String>,
    /// The first day, `YYYY-MM-DD`.
    pub from_day: String,
    /// The last day, `YYYY-MM-DD`.
    pub to_day: String,
    /// 1 when every project of the account counts.
    pub all_projects: i64,
    /// The project ids that count (one empty id when all do).
    pub projects: Vec<String>,
    /// The first whole month, `YYYY-MM`.
    pub first_month: String,
    /// The month after the last whole month (`first_month` when there is
    /// no whole month).
    pub after_month: String,
    /// The first day of the first whole month (the day after `to_day` when
    /// there is none).
    pub whole_from: String,
    /// The last day of the last whole month (`to_day` when there is none).
    pub whole_to: String,
}

impl ViewParams {
    /// The view of `accounts` (`account` names it: an id or
    /// [`EVERY_ACCOUNT`]) over `from..=to` and `projects` (all of them when
    /// empty).
    #[must_use]
    pub fn new(
        account: String,
        accounts: Vec<String>,
        from: Date,
        to: Date,
        projects: Vec<String>,
    ) -> Self {
        // `IN ()` is not SQL: one id that matches nothing stands for none.
        let none_is_one = |ids: Vec<String>| {
            if ids.is_empty() {
                vec![String::new()]
            } else {
                ids
            }
        };
        let all_projects = i64::from(projects.is_empty());
        let first_whole = if from.day() == 1 {
            from
        } else {
            next_day(from.last_of_month())
        };
        let last_whole = if to == to.last_of_month() {
            to
        } else {
            to.first_of_month().yesterday().unwrap_or(to)
        };
        let (first_month, after_month, whole_from, whole_to) = if first_whole < last_whole {
            (
                month_of(first_whole),
                month_of(next_day(last_whole)),
                first_whole,
                last_whole,
            )
        } else {
            (month_of(from), month_of(from), next_day(to), to)
        };
        Self {
            account,
            accounts: none_is_one(accounts),
            from_day: from.to_string(),
            to_day: to.to_string(),
            all_projects,
            projects: none_is_one(projects),
            first_month,
            after_month,
            whole_from: whole_from.to_string(),
            whole_to: whole_to.to_string(),
        }
    }
}

/// A view's filters as query parameters: accounts, days and projects.
#[derive(Debug, Serialize)]
pub struct ViewFilter<'a> {
    accounts: &'a [String],
    from_day: &'a str,
    to_day: &'a str,
    all_projects: i64,
    projects: &'a [String],
}

/// `report_cells`'s parameters: the filters and the days split by month.
#[derive(Debug, Serialize)]
struct CellParams<'a> {
    #[serde(flatten)]
    filter: ViewFilter<'a>,
    first_month: &'a str,
    after_month: &'a str,
    whole_from: &'a str,
    whole_to: &'a str,
}

impl ViewParams {
    /// The filters, for a query of the view's daily rows.
    #[must_use]
    pub fn filter(&self) -> ViewFilter<'_> {
        ViewFilter {
            accounts: &self.accounts,
            from_day: &self.from_day,
            to_day: &self.to_day,
            all_projects: self.all_projects,
            projects: &self.projects,
        }
    }

    fn cell_params(&self) -> CellParams<'_> {
        CellParams {
            filter: self.filter(),
            first_month: &self.first_month,
            after_month: &self.after_month,
            whole_from: &self.whole_from,
            whole_to: &self.whole_to,
        }
    }
}

/// A view's usage of one project in one month: a row of `report_cells`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Cell {
    /// The account's id.
    pub account_id: String,
    /// The account's name.
    pub account: String,
    /// The project's id.
    pub project_id: String,
    /// The project's name.
    pub project: String,
    /// `YYYY-MM`.
    pub month: String,
    /// Usage records counted.
    pub records: i64,
    /// Seconds of media ingested.
    pub ingested_seconds: f64,
    /// Media items ingested.
    pub ingested_items: i64,
    /// Video bytes still held.
    pub video_bytes: i64,
    /// Audio bytes still held.
    pub audio_bytes: i64,
    /// Proxy bytes still held.
    pub proxy_bytes: i64,
    /// Subtitle bytes still held.
    pub subtitles_bytes: i64,
    /// Thumbnail bytes still held.
    pub thumbnails_bytes: i64,
    /// Bytes deleted.
    pub deleted_bytes: i64,
}

impl Cell {
    /// Bytes still held, of every kind.
    #[must_use]
    pub const fn held_bytes(&self) -> i64 {
        self.video_bytes
            + self.audio_bytes
            + self.proxy_bytes
            + self.subtitles_bytes
            + self.thumbnails_bytes
    }
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
        let store = Self { bind };
        store.fill_monthly().await?;
        Ok(store)
    }

    /// Writes the monthly totals of every month when the table is empty
    /// and there is usage: a database written before they existed.
    async fn fill_monthly(&self) -> Result<(), DataError> {
        let b = &self.bind;
        let rows: i64 = b.query("monthly_rows").fetch_one().await?;
        if rows > 0 {
            return Ok(());
        }
        let Some((first, last)) = self.days().await? else {
            return Ok(());
        };
        let (Ok(first), Ok(last)) = (first.parse(), last.parse()) else {
            return Ok(());
        };
        let days = DayRange::new(first, last);
        let mut tx = b.transaction().await?;
        tx.execute(b.query("clear_monthly").params(&days.months))
            .await?;
        let written = tx
            .execute(b.query("refresh_monthly").params(&days.months))
            .await?;
        tx.commit().await?;
        tracing::info!(
            rows = written,
            "wrote the monthly totals of the usage already here"
        );
        Ok(())
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
        tx.execute(b.query("clear_monthly").params(&days.months))
            .await?;
        tx.execute(b.query("refresh_monthly").params(&days.months))
            .await?;
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

    /// A view's usage per account, project and month.
    ///
    /// # Errors
    ///
    /// [`DataError`].
    pub async fn cells(&self, view: &ViewParams) -> Result<Vec<Cell>, DataError> {
        self.bind
            .query("report_cells")
            .params(&view.cell_params())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn view(from: &str, to: &str) -> ViewParams {
        ViewParams::new(
            "acc-01".to_owned(),
            vec!["acc-01".to_owned()],
            from.parse().unwrap(),
            to.parse().unwrap(),
            Vec::new(),
        )
    }

    fn split(v: &ViewParams) -> [&str; 4] {
        [&v.first_month, &v.after_month, &v.whole_from, &v.whole_to]
    }

    #[test]
    fn a_view_reads_whole_months_apart_from_its_edge_days() {
        // Part of September, October and November whole, part of December.
        let v = view("2026-09-02", "2026-12-02");
        assert_eq!(
            split(&v),
            ["2026-10", "2026-12", "2026-10-01", "2026-11-30"]
        );
        // Whole months at both ends.
        let v = view("2026-01-01", "2026-02-28");
        assert_eq!(
            split(&v),
            ["2026-01", "2026-03", "2026-01-01", "2026-02-28"]
        );
        // Across a year's end.
        let v = view("2025-12-03", "2026-12-31");
        assert_eq!(
            split(&v),
            ["2026-01", "2027-01", "2026-01-01", "2026-12-31"]
        );
    }

    #[test]
    fn a_view_within_one_month_reads_only_days() {
        for (from, to) in [
            ("2026-03-05", "2026-03-20"),
            ("2026-03-01", "2026-03-30"),
            ("2026-03-31", "2026-04-02"),
        ] {
            let v = view(from, to);
            assert_eq!(v.first_month, v.after_month, "no whole month: {from} {to}");
            let next: Date = to.parse::<Date>().unwrap().tomorrow().unwrap();
            assert_eq!(
                (v.whole_from.as_str(), v.whole_to.as_str()),
                (next.to_string().as_str(), to)
            );
        }
    }

    #[test]
    fn empty_lists_bind_one_id_that_matches_nothing() {
        let v = ViewParams::new(
            "*".to_owned(),
            Vec::new(),
            "2026-01-01".parse().unwrap(),
            "2026-01-02".parse().unwrap(),
            Vec::new(),
        );
        assert_eq!(v.accounts, [String::new()]);
        assert_eq!(v.projects, [String::new()]);
        assert_eq!(v.all_projects, 1);
    }
}
