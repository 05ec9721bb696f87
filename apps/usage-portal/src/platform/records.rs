//! What the platform's API sends: customer accounts, their projects, and
//! daily usage records, with the checks a record must pass before it is
//! written.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The kinds of stored media a usage record counts bytes of.
pub const STORAGE_KINDS: [&str; 5] = ["video", "audio", "proxy", "subtitles", "thumbnails"];

/// A customer account of the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Its id, such as `acc-07`.
    pub id: String,
    /// Its display name.
    pub name: String,
}

/// A project of a customer account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    /// Its id, such as `prj-117`.
    pub id: String,
    /// The account it belongs to.
    pub account_id: String,
    /// Its display name.
    pub name: String,
}

/// Bytes stored, by kind of media.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StorageBytes {
    /// Video masters.
    pub video: i64,
    /// Audio tracks.
    pub audio: i64,
    /// Proxies (low-resolution copies for editing and preview).
    pub proxy: i64,
    /// Subtitle and caption files.
    pub subtitles: i64,
    /// Thumbnails and poster frames.
    pub thumbnails: i64,
}

impl StorageBytes {
    /// The bytes of every kind, in [`STORAGE_KINDS`] order.
    #[must_use]
    pub const fn by_kind(&self) -> [i64; 5] {
        [
            self.video,
            self.audio,
            self.proxy,
            self.subtitles,
            self.thumbnails,
        ]
    }
}

/// One user's usage in one project on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageRecord {
    /// The record's id: its natural key, the same on every fetch.
    pub id: String,
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// The customer account.
    pub account_id: String,
    /// The project.
    pub project_id: String,
    /// The platform user who ingested.
    pub user_id: String,
    /// Duration of the media ingested, in seconds.
    pub ingested_seconds: f64,
    /// How many media items were ingested.
    pub ingested_items: i64,
    /// What the ingested media takes in storage.
    pub storage_bytes: StorageBytes,
    /// Whether the media has been deleted since (its storage is no longer
    /// held).
    pub deleted: bool,
}

/// What is wrong with a record, in words for the run's error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordProblem {
    /// The date is not a `YYYY-MM-DD` day.
    #[error("its date `{0}` is not a YYYY-MM-DD day")]
    BadDate(String),
    /// The date lies outside the days the run asked for.
    #[error("its date {date} is outside the requested days {from} to {to}")]
    OutsideRange {
        /// The record's date.
        date: Date,
        /// The first day asked for.
        from: Date,
        /// The last day asked for.
        to: Date,
    },
    /// A field that names something is empty or too long.
    #[error("its `{0}` is empty or longer than 80 characters")]
    BadName(&'static str),
    /// A number is negative or not finite.
    #[error("its `{0}` is negative or not a finite number")]
    BadNumber(&'static str),
}

impl UsageRecord {
    /// The record's day, when it is one within `from..=to` and every other
    /// field holds a value the reports can use.
    ///
    /// # Errors
    ///
    /// The first [`RecordProblem`] found.
    pub fn check(&self, from: Date, to: Date) -> Result<Date, RecordProblem> {
        let date: Date = self
            .date
            .parse()
            .map_err(|_| RecordProblem::BadDate(self.date.clone()))?;
        if date < from || date > to {
            return Err(RecordProblem::OutsideRange { date, from, to });
        }
        for (field, value) in [
            ("id", &self.id),
            ("account_id", &self.account_id),
            ("project_id", &self.project_id),
            ("user_id", &self.user_id),
        ] {
            if value.is_empty() || value.chars().count() > 80 {
                return Err(RecordProblem::BadName(field));
            }
        }
        if !self.ingested_seconds.is_finite() || self.ingested_seconds < 0.0 {
            return Err(RecordProblem::BadNumber("ingested_seconds"));
        }
        if self.ingested_items < 0 {
            return Err(RecordProblem::BadNumber("ingested_items"));
        }
        const STORAGE_FIELDS: [&str; 5] = [
            "storage_bytes.video",
            "storage_bytes.audio",
            "storage_bytes.proxy",
            "storage_bytes.subtitles",
            "storage_bytes.thumbnails",
        ];
        for (field, bytes) in STORAGE_FIELDS.into_iter().zip(self.storage_bytes.by_kind()) {
            if bytes < 0 {
                return Err(RecordProblem::BadNumber(field));
            }
        }
        Ok(date)
    }
}

/// One page of a listing: the items and where the next page starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The items of this page.
    pub data: Vec<T>,
    /// The cursor of the next page; `None` on the last.
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> UsageRecord {
        UsageRecord {
            id: "u-1".to_owned(),
            date: "2026-03-04".to_owned(),
            account_id: "acc-01".to_owned(),
            project_id: "prj-001".to_owned(),
            user_id: "usr-0001".to_owned(),
            ingested_seconds: 12.5,
            ingested_items: 3,
            storage_bytes: StorageBytes {
                video: 10,
                ..StorageBytes::default()
            },
            deleted: false,
        }
    }

    #[test]
    fn a_good_record_passes_and_each_bad_field_is_named() {
        let from = jiff::civil::date(2026, 3, 1);
        let to = jiff::civil::date(2026, 3, 31);
        assert_eq!(record().check(from, to), Ok(jiff::civil::date(2026, 3, 4)));
        let mut r = record();
        r.date = "2026-13-01".to_owned();
        assert!(matches!(r.check(from, to), Err(RecordProblem::BadDate(_))));
        let mut r = record();
        r.date = "2026-04-01".to_owned();
        assert!(matches!(
            r.check(from, to),
            Err(RecordProblem::OutsideRange { .. })
        ));
        let mut r = record();
        r.project_id = String::new();
        assert_eq!(r.check(from, to), Err(RecordProblem::BadName("project_id")));
        let mut r = record();
        r.ingested_seconds = f64::NAN;
        assert_eq!(
            r.check(from, to),
            Err(RecordProblem::BadNumber("ingested_seconds"))
        );
        let mut r = record();
        r.storage_bytes.proxy = -1;
        assert_eq!(
            r.check(from, to),
            Err(RecordProblem::BadNumber("storage_bytes.proxy"))
        );
    }
}
