//! A job run on a cron schedule in a time zone: the nightly ingestion
//! (`0 2 * * *` by default) and the monthly reports.
//!
//! The next time is found from the previous one, so a job fires once per
//! occurrence whatever its run takes; occurrences missed while the process
//! was stopped or the machine slept are not caught up one by one: the job
//! runs once, then waits for the next occurrence after now.

use std::future::Future;
use std::str::FromStr as _;
use std::sync::Arc;

use croner::Cron;
use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::clock::Clock;

/// A cron expression that does not parse, or a time zone that is not
/// known.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleError {
    /// The expression.
    #[error("`{expression}` is not a cron expression (minute hour day month weekday): {message}")]
    Cron {
        /// What was given.
        expression: String,
        /// Why it does not parse.
        message: String,
    },
    /// The time zone.
    #[error("`{0}` is not a known time zone (an IANA name such as Europe/Paris, or UTC)")]
    TimeZone(String),
}

/// When a job runs.
#[derive(Debug, Clone)]
pub struct Schedule {
    cron: Cron,
    expression: String,
    time_zone: TimeZone,
}

impl Schedule {
    /// The schedule of a five-field cron `expression` (minute, hour, day of
    /// month, month, day of week) in the IANA `time_zone`.
    ///
    /// # Errors
    ///
    /// [`ScheduleError`] naming what is wrong.
    pub fn parse(expression: &str, time_zone: &str) -> Result<Self, ScheduleError> {
        let cron = Cron::from_str(expression.trim()).map_err(|e| ScheduleError::Cron {
            expression: expression.to_owned(),
            message: e.to_string(),
        })?;
        let time_zone = TimeZone::get(time_zone.trim())
            .map_err(|_| ScheduleError::TimeZone(time_zone.to_owned()))?;
        Ok(Self {
            cron,
            expression: expression.trim().to_owned(),
            time_zone,
        })
    }

    /// The cron expression.
    #[must_use]
    pub fn expression(&self) -> &str {
        &self.expression
    }

    /// The time zone.
    #[must_use]
    pub const fn time_zone(&self) -> &TimeZone {
        &self.time_zone
    }

    /// The first time after `at` that the schedule names.
    #[must_use]
    pub fn next_after(&self, at: Timestamp) -> Option<Timestamp> {
        let zoned = at.to_zoned(self.time_zone.clone());
        self.cron
            .find_next_occurrence(&zoned, false)
            .ok()
            .map(|z| z.timestamp())
    }
}

/// A running schedule; dropping it leaves the job running, [`stop`]
/// ends it.
///
/// [`stop`]: ScheduledJob::stop
#[derive(Debug)]
pub struct ScheduledJob {
    task: tokio::task::JoinHandle<()>,
    first: Option<Timestamp>,
}

impl ScheduledJob {
    /// Runs `job` at every time `schedule` names, by `clock`. The first
    /// time is fixed now, before this returns.
    pub fn spawn<F, Fut>(schedule: Schedule, clock: Arc<dyn Clock>, job: F) -> Self
    where
        F: Fn(Timestamp) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let first = schedule.next_after(clock.now());
        let task = tokio::spawn(async move {
            let mut next = first;
            while let Some(at) = next {
                clock.sleep_until(at).await;
                job(at).await;
                let now = clock.now();
                next = schedule.next_after(if now > at { now } else { at });
            }
            tracing::warn!(
                schedule = schedule.expression(),
                "the schedule names no further time"
            );
        });
        Self { task, first }
    }

    /// When the job first runs.
    #[must_use]
    pub const fn first(&self) -> Option<Timestamp> {
        self.first
    }

    /// Stops the schedule (a run under way is dropped at its next await).
    pub fn stop(self) {
        self.task.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, tz: &str) -> Timestamp {
        text.parse::<jiff::civil::DateTime>()
            .unwrap()
            .to_zoned(TimeZone::get(tz).unwrap())
            .unwrap()
            .timestamp()
    }

    #[test]
    fn the_nightly_schedule_is_two_o_clock_in_its_time_zone() {
        let s = Schedule::parse("0 2 * * *", "Europe/Paris").unwrap();
        let next = s.next_after(at("2026-06-01T01:59:00", "Europe/Paris"));
        assert_eq!(next, Some(at("2026-06-01T02:00:00", "Europe/Paris")));
        let next = s.next_after(at("2026-06-01T02:00:00", "Europe/Paris"));
        assert_eq!(next, Some(at("2026-06-02T02:00:00", "Europe/Paris")));
        // Paris is UTC+2 in June: 02:00 there is midnight UTC.
        assert_eq!(
            next.unwrap().to_string(),
            "2026-06-02T00:00:00Z",
            "in the zone, not in UTC"
        );
    }

    #[test]
    fn bad_expressions_and_zones_are_named() {
        let e = Schedule::parse("0 25 * * *", "UTC").unwrap_err();
        assert!(e.to_string().contains("0 25 * * *"), "{e}");
        let e = Schedule::parse("0 2 * * *", "Mars/Olympus").unwrap_err();
        assert!(e.to_string().contains("Mars/Olympus"), "{e}");
    }
}
