//! Which data a request may see, decided on the server from the logged-in
//! user: the browser's filter values are wishes, checked against what the
//! user may see, never trusted.

use std::sync::{Arc, PoisonError, RwLock};

use ferrodash::Principal;
use ferrodash::data::DataError;
use jiff::civil::Date;
use serde_json::Value;

use crate::platform::{Account, Project};
use crate::store::{EVERY_ACCOUNT, Store, ViewParams};

/// The group whose members see every customer.
pub const ADMIN_GROUP: &str = "admin";

/// Days a view shows when it names none: about a quarter.
pub const DEFAULT_DAYS: i64 = 92;

/// The most days one view spans.
const MAX_SPAN_DAYS: i64 = 3_660;

/// The first and last day the database has usage for, shared by the
/// pages (to draw the date picker) and updated after each run.
#[derive(Debug, Clone, Default)]
pub struct DataDays(Arc<RwLock<Option<(Date, Date)>>>);

impl DataDays {
    /// The days, when there is any usage.
    #[must_use]
    pub fn get(&self) -> Option<(Date, Date)> {
        *self.0.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reads them again from `store`.
    ///
    /// # Errors
    ///
    /// [`DataError`].
    pub async fn refresh(&self, store: &Store) -> Result<(), DataError> {
        let days = store
            .days()
            .await?
            .and_then(|(first, last)| Some((first.parse().ok()?, last.parse().ok()?)));
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = days;
        Ok(())
    }

    /// The default view's days: the last [`DEFAULT_DAYS`] with usage.
    #[must_use]
    pub fn default_range(&self) -> Option<(Date, Date)> {
        let (first, last) = self.get()?;
        let back = jiff::Span::new().days(DEFAULT_DAYS - 1);
        Some((last.checked_sub(back).unwrap_or(first).max(first), last))
    }
}

/// What a user may see.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The accounts, by name.
    pub accounts: Vec<Account>,
    /// Whether the user may see every account at once (admins).
    pub everything: bool,
}

impl Viewer {
    /// What `user` may see: every account for admins, else the accounts
    /// the user is a member of.
    ///
    /// # Errors
    ///
    /// [`DataError`].
    pub async fn of(store: &Store, user: &Principal) -> Result<Self, DataError> {
        if user.groups.iter().any(|g| g == ADMIN_GROUP) {
            Ok(Self {
                accounts: store.accounts().await?,
                everything: true,
            })
        } else {
            Ok(Self {
                accounts: store.accounts_of_user(&user.id).await?,
                everything: false,
            })
        }
    }

    /// The account a request for `wanted` gets: `wanted` when the user may
    /// see it ([`EVERY_ACCOUNT`] only for admins), else the user's first;
    /// `None` when the user may see none.
    #[must_use]
    pub fn account(&self, wanted: Option<&Value>) -> Option<String> {
        let wanted = wanted.and_then(Value::as_str);
        if let Some(w) = wanted {
            if self.everything && w == EVERY_ACCOUNT {
                return Some(EVERY_ACCOUNT.to_owned());
            }
            if let Some(a) = self.accounts.iter().find(|a| a.id == w) {
                return Some(a.id.clone());
            }
        }
        if self.everything {
            return Some(EVERY_ACCOUNT.to_owned());
        }
        self.accounts.first().map(|a| a.id.clone())
    }

    /// The query parameters of a view of `account` (one the viewer may
    /// see, as [`Viewer::account`] gives it): every account of the viewer's
    /// for [`EVERY_ACCOUNT`].
    #[must_use]
    pub fn params(
        &self,
        account: String,
        from: Date,
        to: Date,
        projects: Vec<String>,
    ) -> ViewParams {
        let accounts = if account == EVERY_ACCOUNT {
            self.accounts.iter().map(|a| a.id.clone()).collect()
        } else {
            vec![account.clone()]
        };
        ViewParams::new(account, accounts, from, to, projects)
    }

    /// The name of `account` for headings.
    #[must_use]
    pub fn account_name(&self, account: &str) -> String {
        if account == EVERY_ACCOUNT {
            return "All customers".to_owned();
        }
        self.accounts
            .iter()
            .find(|a| a.id == account)
            .map_or_else(|| account.to_owned(), |a| a.name.clone())
    }

    /// The account picker's options.
    #[must_use]
    pub fn options(&self) -> Value {
        let mut options: Vec<Value> = Vec::new();
        if self.everything {
            options.push(serde_json::json!({"label": "All customers", "value": EVERY_ACCOUNT}));
        }
        options.extend(
            self.accounts
                .iter()
                .map(|a| serde_json::json!({"label": a.name, "value": a.id})),
        );
        Value::Array(options)
    }
}

/// A day from a date picker's value: `YYYY-MM-DD`, or an ISO date-time
/// whose date part is taken.
#[must_use]
pub fn day_of(value: Option<&Value>) -> Option<Date> {
    let text = value?.as_str()?;
    text.get(..10).unwrap_or(text).parse().ok()
}

/// The days a view shows: the ones asked for, in order, and at most ten
/// years apart (the later end kept); the default range for what is missing
/// or not a day.
#[must_use]
pub fn days_of(start: Option<&Value>, end: Option<&Value>, data: &DataDays) -> (Date, Date) {
    let fallback = data
        .default_range()
        .unwrap_or_else(|| (jiff::civil::date(2000, 1, 1), jiff::civil::date(2000, 1, 1)));
    let mut from = day_of(start).unwrap_or(fallback.0);
    let mut to = day_of(end).unwrap_or(fallback.1);
    if to < from {
        std::mem::swap(&mut from, &mut to);
    }
    let span = from.until(to).map(|s| s.get_days()).unwrap_or(0);
    if i64::from(span) > MAX_SPAN_DAYS {
        from = to
            .checked_sub(jiff::Span::new().days(MAX_SPAN_DAYS))
            .unwrap_or(from);
    }
    (from, to)
}

/// The project ids of `wanted` that are among `allowed` (the account's),
/// in the order given; an empty list means every project.
#[must_use]
pub fn projects_of(wanted: Option<&Value>, allowed: &[Project]) -> Vec<String> {
    let Some(Value::Array(items)) = wanted else {
        return Vec::new();
    };
    let mut chosen: Vec<String> = Vec::new();
    for item in items {
        if let Some(id) = item.as_str()
            && allowed.iter().any(|p| p.id == id)
            && !chosen.iter().any(|c| c == id)
        {
            chosen.push(id.to_owned());
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn viewer(everything: bool) -> Viewer {
        Viewer {
            accounts: vec![
                Account {
                    id: "acc-01".to_owned(),
                    name: "Northwind Media".to_owned(),
                },
                Account {
                    id: "acc-02".to_owned(),
                    name: "Bluefin Media".to_owned(),
                },
            ],
            everything,
        }
    }

    #[test]
    fn a_customer_gets_only_their_accounts_whatever_they_ask_for() {
        let v = viewer(false);
        assert_eq!(v.account(Some(&json!("acc-02"))).as_deref(), Some("acc-02"));
        for wish in [
            json!("*"),
            json!("acc-03"),
            json!(7),
            json!(["acc-03"]),
            json!(null),
        ] {
            assert_eq!(v.account(Some(&wish)).as_deref(), Some("acc-01"), "{wish}");
        }
        let nobody = Viewer {
            accounts: Vec::new(),
            everything: false,
        };
        assert_eq!(nobody.account(Some(&json!("*"))), None);
    }

    #[test]
    fn an_admin_may_ask_for_every_account() {
        let v = viewer(true);
        assert_eq!(v.account(Some(&json!("*"))).as_deref(), Some("*"));
        assert_eq!(v.account(Some(&json!("acc-02"))).as_deref(), Some("acc-02"));
        assert_eq!(v.account(None).as_deref(), Some("*"));
    }

    #[test]
    fn projects_outside_the_account_are_dropped() {
        let allowed = vec![Project {
            id: "prj-001".to_owned(),
            account_id: "acc-01".to_owned(),
            name: "News".to_owned(),
        }];
        let wanted = json!(["prj-002", "prj-001", "prj-001", 3, {"id": "prj-001"}]);
        assert_eq!(projects_of(Some(&wanted), &allowed), ["prj-001"]);
        assert!(projects_of(Some(&json!("prj-001")), &allowed).is_empty());
    }

    #[test]
    fn days_are_ordered_and_bounded() {
        let data = DataDays::default();
        let (from, to) = days_of(
            Some(&json!("2026-05-01")),
            Some(&json!("2026-02-01")),
            &data,
        );
        assert_eq!(
            (from.to_string(), to.to_string()),
            ("2026-02-01".into(), "2026-05-01".into())
        );
        let (from, _) = days_of(
            Some(&json!("1900-01-01")),
            Some(&json!("2026-02-01T00:00:00")),
            &data,
        );
        assert!(from.year() >= 2015);
        assert_eq!(day_of(Some(&json!("2026-02-30"))), None);
        assert_eq!(day_of(Some(&json!(20260201))), None);
    }
}
