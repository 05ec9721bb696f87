//! The monthly report: on the first of each month, every customer's PDF
//! of the month before, delivered to a [`ReportSink`] (a folder by default;
//! e-mail can be another sink).

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use ferrodash::Principal;
use jiff::civil::Date;

use crate::pdf::{PrintError, Printer};
use crate::platform::Account;
use crate::report::ADMIN_GROUP;
use crate::store::Store;

/// Where monthly reports go.
pub trait ReportSink: Send + Sync + std::fmt::Debug + 'static {
    /// Delivers `pdf`, the report of `account` for the month starting on
    /// `month`.
    fn deliver<'a>(
        &'a self,
        account: &'a Account,
        month: Date,
        pdf: Vec<u8>,
    ) -> Pin<Box<dyn Future<Output = std::io::Result<()>> + Send + 'a>>;
}

/// Writes each report to `<folder>/<account id>/<YYYY-MM>.pdf`.
#[derive(Debug, Clone)]
pub struct FolderSink {
    folder: PathBuf,
}

impl FolderSink {
    /// Reports under `folder` (created when missing).
    #[must_use]
    pub fn new(folder: impl Into<PathBuf>) -> Self {
        Self {
            folder: folder.into(),
        }
    }

    /// Where the report of `account_id` for `month` goes.
    #[must_use]
    pub fn path_of(&self, account_id: &str, month: Date) -> PathBuf {
        self.folder
            .join(account_id)
            .join(format!("{}.pdf", month.strftime("%Y-%m")))
    }
}

impl ReportSink for FolderSink {
    fn deliver<'a>(
        &'a self,
        account: &'a Account,
        month: Date,
        pdf: Vec<u8>,
    ) -> Pin<Box<dyn Future<Output = std::io::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            let path = self.path_of(&account.id, month);
            if let Some(parent) = path.parent() {
                tokio::fs::create_dir_all(parent).await?;
            }
            // Written aside, then renamed: a reader never sees half a file.
            let partial = path.with_extension("pdf.partial");
            tokio::fs::write(&partial, &pdf).await?;
            tokio::fs::rename(&partial, &path).await
        })
    }
}

/// Why a month's reports were not all delivered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MonthlyError {
    /// The database failed.
    #[error("the database failed: {0}")]
    Data(#[from] ferrodash::data::DataError),
    /// Some reports failed; the others were delivered.
    #[error("{failed} of {total} monthly reports failed; the first: {first}")]
    Some {
        /// How many failed.
        failed: usize,
        /// How many there were.
        total: usize,
        /// The first failure.
        first: String,
    },
}

/// The first day of the month before `today`'s.
#[must_use]
pub fn previous_month(today: Date) -> Date {
    let first = today.first_of_month();
    first
        .yesterday()
        .map_or(first, |last| last.first_of_month())
}

/// Claims writing `month`'s reports for this process: `false` when another
/// process has (several processes run the same schedule). The claim holds
/// for twelve hours, longer than any run.
///
/// # Errors
///
/// [`ferrodash::data::DataError`] when the database fails.
pub async fn claim_month(store: &Store, month: Date) -> Result<bool, ferrodash::data::DataError> {
    let now = jiff::Timestamp::now().as_millisecond();
    let owner = format!("{}-{:016x}", std::process::id(), rand::random::<u64>());
    let name = format!("monthly-reports {}", crate::store::month_of(month));
    let lease = crate::store::Lease {
        name: &name,
        owner: &owner,
        expires_at: now + 12 * 3_600_000,
    };
    store.take_lock(&lease, now).await
}

/// Prints and delivers the report of every account for the month that
/// starts on `month`; returns how many were delivered.
///
/// # Errors
///
/// [`MonthlyError`]: a failed report does not stop the others.
pub async fn deliver_month(
    store: &Store,
    printer: &Printer,
    sink: &dyn ReportSink,
    month: Date,
) -> Result<usize, MonthlyError> {
    let accounts = store.accounts().await?;
    let last = month.last_of_month();
    // The printer sees every account; its session lives for one print.
    let printer_user =
        Principal::new("monthly-reports", "Monthly reports").with_groups([ADMIN_GROUP]);
    let mut failures: Vec<String> = Vec::new();
    for account in &accounts {
        let params = crate::store::ViewParams::new(
            account.id.clone(),
            vec![account.id.clone()],
            month,
            last,
            Vec::new(),
        );
        let title = crate::report::view_title(&account.name, month, last, 0);
        // Chromium is a process of its own: a print that failed is tried
        // once more before the account's report counts as failed.
        let mut printed: Result<Vec<u8>, PrintError> =
            printer.print(&printer_user, &params, &title).await;
        if let Err(e) = &printed {
            tracing::warn!(account = %account.id, error = %e, "printing the monthly report failed; trying once more");
            printed = printer.print(&printer_user, &params, &title).await;
        }
        let delivered = match printed {
            Ok(pdf) => sink
                .deliver(account, month, pdf)
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match delivered {
            Ok(()) => {
                tracing::info!(account = %account.id, month = %month, "monthly report delivered")
            }
            Err(e) => {
                tracing::error!(account = %account.id, error = %e, "a monthly report failed");
                failures.push(format!("{}: {e}", account.id));
            }
        }
    }
    match failures.first() {
        None => Ok(accounts.len()),
        Some(first) => Err(MonthlyError::Some {
            failed: failures.len(),
            total: accounts.len(),
            first: first.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_month_before() {
        assert_eq!(
            previous_month(jiff::civil::date(2026, 12, 1)),
            jiff::civil::date(2026, 11, 1)
        );
        assert_eq!(
            previous_month(jiff::civil::date(2026, 1, 15)),
            jiff::civil::date(2025, 12, 1)
        );
    }
}
