//! The portal's database: its queries, schema, made-up accounts and demo
//! users.
//!
//! Every query that reads accounts takes the owner as a parameter, and the
//! callbacks bind it from the logged-in user (`Principal::id`), never from
//! a value the browser sends.

use ferrodash::Users;
use ferrodash::auth::UserError;
use ferrodash::data::{Bind, BindConfig, DataError, Query};
use serde::{Deserialize, Serialize};

/// The demo user `alice`'s password. The demo users only exist because the
/// users table was empty when the portal first opened its database: add
/// real users (and remove these) before the portal holds anything real.
pub const DEMO_PASSWORD_ALICE: &str = "alice-demo-password";

/// The demo user `bob`'s password; see [`DEMO_PASSWORD_ALICE`].
pub const DEMO_PASSWORD_BOB: &str = "bob-demo-password";

/// The regions accounts are in, for the filter.
pub const REGIONS: [&str; 3] = ["Americas", "Asia Pacific", "Europe"];

/// The portal's queries, kept in `queries/portal/` and compiled into the
/// binary.
fn queries() -> Vec<Query> {
    macro_rules! query {
        ($name:literal) => {
            Query::new(
                $name,
                include_str!(concat!("../queries/portal/", $name, ".sql")),
            )
            .with_source(concat!("queries/portal/", $name, ".sql"))
        };
    }
    vec![
        query!("row_count"),
        query!("insert_account"),
        query!("my_accounts"),
        query!("my_account"),
        query!("my_summary"),
        query!("totals_by_owner"),
    ]
}

/// One customer account as the pages show it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Account {
    /// Its id, the `<id>` of `/accounts/<id>`.
    pub id: i64,
    /// The customer's name (unique across owners).
    pub name: String,
    /// `Americas`, `Asia Pacific` or `Europe`.
    pub region: String,
    /// Revenue this year, in whole dollars.
    pub revenue: f64,
    /// `Active`, `Prospect`, `On hold` or `Churned`.
    pub status: String,
}

/// A user's headline figures.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Summary {
    /// How many accounts.
    pub accounts: i64,
    /// Their revenue together.
    pub revenue: f64,
}

/// One owner's line on the admin page.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct OwnerTotal {
    /// The owner's user name.
    pub owner: String,
    /// How many accounts.
    pub accounts: i64,
    /// Their revenue together.
    pub revenue: f64,
}

/// A seeded row.
#[derive(Debug, Serialize)]
struct NewAccount {
    id: i64,
    owner: &'static str,
    name: &'static str,
    region: &'static str,
    revenue: f64,
    status: &'static str,
}

/// The made-up accounts: owner, name, region, revenue, status. Names are
/// unique across owners, and no owner's name is part of another's.
#[rustfmt::skip] // A table: one account per line.
pub(crate) const MADE_UP: &[(&str, &str, &str, f64, &str)] = &[
    ("alice", "Alder Analytics", "Europe", 184_250.0, "Active"),
    ("alice", "Amber Logistics", "Americas", 92_400.0, "Active"),
    ("alice", "Anchor Freight", "Asia Pacific", 61_800.0, "Prospect"),
    ("alice", "Apex Orchards", "Europe", 47_350.0, "Active"),
    ("alice", "Aria Textiles", "Asia Pacific", 128_900.0, "On hold"),
    ("alice", "Arrow Dental", "Americas", 35_600.0, "Active"),
    ("alice", "Aspen Robotics", "Europe", 256_100.0, "Active"),
    ("alice", "Atlas Ceramics", "Europe", 19_750.0, "Churned"),
    ("alice", "Aurora Foods", "Americas", 74_200.0, "Prospect"),
    ("alice", "Avalon Studios", "Asia Pacific", 53_450.0, "Active"),
    ("alice", "Azure Mining", "Americas", 311_000.0, "Active"),
    ("alice", "Acorn Pharmacy", "Europe", 28_650.0, "On hold"),
    ("bob", "Birch Bakery", "Europe", 143_017.0, "Active"),
    ("bob", "Basalt Engineering", "Americas", 76_203.0, "Active"),
    ("bob", "Beacon Insurance", "Asia Pacific", 212_389.0, "Prospect"),
    ("bob", "Bramble Outfitters", "Europe", 38_911.0, "Active"),
    ("bob", "Brightwater Energy", "Americas", 297_533.0, "Active"),
    ("bob", "Bluebell Florists", "Europe", 12_457.0, "Churned"),
    ("bob", "Boulder Athletics", "Americas", 66_721.0, "On hold"),
    ("bob", "Bayside Marine", "Asia Pacific", 104_869.0, "Active"),
    ("bob", "Bison Hardware", "Americas", 57_193.0, "Prospect"),
    ("bob", "Brookline Books", "Europe", 23_081.0, "Active"),
    ("bob", "Banyan Hotels", "Asia Pacific", 178_647.0, "Active"),
    ("bob", "Bellwether Media", "Europe", 89_329.0, "On hold"),
    ("carol", "Cedar Clinics", "Europe", 71_500.0, "Active"),
    ("carol", "Cobalt Security", "Americas", 133_300.0, "Active"),
    ("carol", "Coral Travel", "Asia Pacific", 45_900.0, "Prospect"),
    ("carol", "Crescent Labs", "Europe", 98_100.0, "Active"),
];

fn made_up_accounts() -> Vec<NewAccount> {
    MADE_UP
        .iter()
        .zip(1..)
        .map(|(&(owner, name, region, revenue, status), id)| NewAccount {
            id,
            owner,
            name,
            region,
            revenue,
            status,
        })
        .collect()
}

/// Opens the portal's database at `url`: creates the accounts table and
/// fills it with made-up accounts when it is empty.
///
/// # Errors
///
/// [`DataError`] when the database cannot be reached or written.
pub(crate) async fn open_accounts(url: &str) -> Result<Bind, DataError> {
    let bind = Bind::connect("portal", url, BindConfig::default())
        .await?
        .with_queries(queries())?;
    bind.execute_script(
        "queries/portal/schema.sql",
        include_str!("../queries/portal/schema.sql"),
    )
    .await?;
    let rows: i64 = bind.query("row_count").fetch_one().await?;
    if rows == 0 {
        bind.query("insert_account")
            .execute_many(&made_up_accounts())
            .await?;
    }
    Ok(bind)
}

/// The users of `bind`'s database; when there are none, the demo users
/// `alice` (groups `admin` and `sales`) and `bob` (`sales`) are created
/// with [`DEMO_PASSWORD_ALICE`] and [`DEMO_PASSWORD_BOB`].
///
/// # Errors
///
/// [`UserError`] when the database fails.
pub(crate) async fn open_users(bind: Bind) -> Result<Users, UserError> {
    let users = Users::open(bind).await?;
    if users.names().await?.is_empty() {
        tracing::warn!(
            "the users table is empty: creating the demo users `alice` and `bob` with \
             their published demo passwords; replace them before real use"
        );
        users
            .add(
                "alice",
                "Alice Andersen",
                DEMO_PASSWORD_ALICE,
                &["admin", "sales"],
            )
            .await?;
        users
            .add("bob", "Bob Brown", DEMO_PASSWORD_BOB, &["sales"])
            .await?;
    }
    Ok(users)
}

/// The filter values as the `my_accounts` query binds them.
#[derive(Debug, Serialize)]
struct ListParams<'a> {
    owner: &'a str,
    region: &'a str,
    pattern: String,
}

/// A `LIKE` pattern matching names that contain `search` (any case), with
/// `%`, `_` and the escape character `!` taken literally.
fn contains_pattern(search: &str) -> String {
    let mut pattern = String::with_capacity(search.len() + 2);
    pattern.push('%');
    for c in search.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '!') {
            pattern.push('!');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// `owner`'s accounts in `region` (or every region for
/// [`ALL_REGIONS`](crate::ALL_REGIONS)) whose names contain `search`.
///
/// # Errors
///
/// [`DataError`] when the query fails.
pub async fn accounts_of(
    bind: &Bind,
    owner: &str,
    region: &str,
    search: &str,
) -> Result<Vec<Account>, DataError> {
    bind.query("my_accounts")
        .params(&ListParams {
            owner,
            region,
            pattern: contains_pattern(search),
        })
        .fetch()
        .await
}

#[derive(Debug, Serialize)]
struct OneParams<'a> {
    id: i64,
    owner: &'a str,
}

/// Account `id`, when `owner` owns it.
///
/// # Errors
///
/// [`DataError`] when the query fails.
pub async fn account_of(bind: &Bind, owner: &str, id: i64) -> Result<Option<Account>, DataError> {
    bind.query("my_account")
        .params(&OneParams { id, owner })
        .fetch_optional()
        .await
}

#[derive(Debug, Serialize)]
struct OwnerParams<'a> {
    owner: &'a str,
}

/// How many accounts `owner` has, and their revenue.
///
/// # Errors
///
/// [`DataError`] when the query fails.
pub async fn summary_of(bind: &Bind, owner: &str) -> Result<Summary, DataError> {
    bind.query("my_summary")
        .params(&OwnerParams { owner })
        .fetch_one()
        .await
}

/// Accounts and revenue per owner (for admins).
///
/// # Errors
///
/// [`DataError`] when the query fails.
pub async fn totals_by_owner(bind: &Bind) -> Result<Vec<OwnerTotal>, DataError> {
    bind.query("totals_by_owner").fetch().await
}

#[cfg(test)]
mod tests {
    use super::{MADE_UP, contains_pattern};

    #[test]
    fn search_patterns_take_wildcards_literally() {
        assert_eq!(contains_pattern(""), "%%");
        assert_eq!(contains_pattern("Al"), "%al%");
        assert_eq!(contains_pattern("50%_!"), "%50!%!_!!%");
    }

    #[test]
    fn names_are_unique_and_no_name_holds_another() {
        for (i, a) in MADE_UP.iter().enumerate() {
            for (j, b) in MADE_UP.iter().enumerate() {
                if i != j {
                    assert!(!a.1.contains(b.1), "{} holds {}", a.1, b.1);
                }
            }
        }
    }
}
