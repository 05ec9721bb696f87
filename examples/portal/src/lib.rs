//! A login-protected multi-page app, the "Team portal": each salesperson
//! logs in and sees only their own customer accounts.
//!
//! - `/`: a greeting drawn for the user and a summary of their accounts;
//! - `/accounts`: their accounts, filtered by region and by a search on the
//!   name; the filters live in the address, so a copied link brings the same
//!   view back;
//! - `/accounts/<id>`: one account, only when it is the user's (any other id
//!   shows the same "No such account.", so ids of others are not confirmed);
//! - `/admin`: revenue per owner, for the `admin` group only (the page and
//!   the callback that serves its data both require the group).
//!
//! Every query that reads accounts is scoped by the owner, bound from the
//! logged-in user ([`Principal::id`]), never from a value the browser sends;
//! filter values are bound parameters too.
//!
//! The data lives in an SQLite file by default (created and filled with
//! made-up accounts on first start); any `postgres://` or `mysql://` URL
//! works too. Users live in the same database ([`Users`]); when there are
//! none, the demo users `alice` (admin) and `bob` are created with
//! [`DEMO_PASSWORD_ALICE`] and [`DEMO_PASSWORD_BOB`].
//!
//! Run with `cargo run -p example-portal`, then open <http://127.0.0.1:8050>
//! and log in as `alice` with `alice-demo-password`.

mod accounts;

use ferrodash::auth::UserError;
use ferrodash::data::Bind;
use ferrodash::figures::px::format_thousands;
use ferrodash::prelude::*;
use ferrodash::{AppBuilder, BuildResult, Page, PageInfo, Sessions, Users, pages};
use serde::Deserialize;

pub use accounts::{
    Account, DEMO_PASSWORD_ALICE, DEMO_PASSWORD_BOB, OwnerTotal, REGIONS, Summary, account_of,
    accounts_of, summary_of, totals_by_owner,
};

/// The region filter's value for every region.
pub const ALL_REGIONS: &str = "All";

/// What the account page shows for an id that is not the user's, or that
/// does not exist: the same text for both.
pub const NO_SUCH_ACCOUNT: &str = "No such account.";

/// The portal's database and users.
#[derive(Debug, Clone)]
pub struct Portal {
    bind: Bind,
    users: Users,
    sessions: Option<Sessions>,
}

impl Portal {
    /// The portal on the database at `url`: creates the accounts table
    /// (filled with made-up accounts when empty) and the users table (with
    /// the demo users when it has none).
    ///
    /// # Errors
    ///
    /// [`UserError::Data`] when the database cannot be reached, written or
    /// read; another [`UserError`] when a demo user cannot be added.
    pub async fn open(url: &str) -> Result<Self, UserError> {
        let bind = accounts::open_accounts(url).await?;
        let users = accounts::open_users(bind.clone()).await?;
        Ok(Self {
            bind,
            users,
            sessions: None,
        })
    }

    /// The portal with its login sessions kept in `sessions` (in Redis,
    /// say, so that several processes serve the same logins) rather than in
    /// each process's memory.
    #[must_use]
    pub fn with_sessions(mut self, sessions: Sessions) -> Self {
        self.sessions = Some(sessions);
        self
    }

    /// The users who may log in.
    #[must_use]
    pub const fn users(&self) -> &Users {
        &self.users
    }

    /// The database.
    #[must_use]
    pub const fn bind(&self) -> &Bind {
        &self.bind
    }
}

/// The arguments of a page that takes none: any query values are ignored.
#[derive(Debug, Default, Deserialize)]
struct NoArgs {}

/// An account page's arguments: `/accounts/<id>`.
#[derive(Debug, Default, Deserialize)]
struct AccountArgs {
    id: i64,
}

/// `$1,234` for 1234.0.
fn dollars(amount: f64) -> String {
    format!("${}", format_thousands(amount, 0))
}

/// `1 account`, `12 accounts`.
fn accounts_text(n: usize) -> String {
    if n == 1 {
        "1 account".to_owned()
    } else {
        format!("{n} accounts")
    }
}

/// A filter value as text, whatever JSON the browser sent: an address
/// typed by hand can restore a number into the search box.
fn text_of(value: Option<Value>) -> Option<String> {
    match value? {
        Value::Null => None,
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

/// A `dcc.Link`: navigation inside the app, without a reload.
fn link(id: &str, text: &str, href: &str) -> dcc::Link {
    dcc::link(id).children(text.to_owned()).href(href)
}

fn home(user: &Principal) -> Node {
    html::div((
        html::h2(format!("Welcome, {}", user.name)).id("welcome"),
        html::p(()).id("my-summary"),
    ))
    .into()
}

fn accounts_page() -> Node {
    let mut regions = vec![ALL_REGIONS];
    regions.extend(REGIONS);
    html::div((
        html::h2("Accounts"),
        html::div((
            html::label("Region").html_for("region"),
            dcc::dropdown("region")
                .options(json!(regions))
                .value(ALL_REGIONS)
                .clearable(false)
                .style(json!({"width": "220px"})),
            html::label("Search").html_for("search"),
            dcc::input("search")
                .placeholder("Account name")
                .debounce(false),
        ))
        .id("filters")
        .style(json!({"display": "flex", "gap": "0.5em", "alignItems": "center"})),
        html::p(()).id("accounts-count"),
        html::table(()).id("accounts-table"),
    ))
    .into()
}

fn account_page(args: &AccountArgs, prefix: &str) -> Node {
    html::div((
        link(
            "back-to-accounts",
            "← All accounts",
            &format!("{prefix}accounts"),
        ),
        html::h2("Account"),
        dcc::store("account-id").data(args.id),
        html::div(()).id("account-detail"),
    ))
    .into()
}

fn admin_page() -> Node {
    html::div((
        html::h2("Admin"),
        html::p("Accounts and revenue per owner."),
        html::div(()).id("admin-totals"),
    ))
    .into()
}

/// The header: navigation to the pages `user` may open, who is signed in,
/// and the logout button.
fn header(user: &Principal, pages: &[PageInfo], prefix: &str) -> Node {
    const NAV: [(&str, &str); 3] = [
        ("nav-home", "/"),
        ("nav-accounts", "/accounts"),
        ("nav-admin", "/admin"),
    ];
    let links: Vec<Component> = NAV
        .iter()
        .filter_map(|(id, path)| {
            let info = pages.iter().find(|p| p.path == *path)?;
            info.visible_to(user).then(|| {
                let href = format!("{prefix}{}", path.trim_start_matches('/'));
                link(id, &info.name, &href)
                    .style(json!({"marginRight": "1em"}))
                    .into()
            })
        })
        .collect();
    html::header((
        html::strong("Team portal").style(json!({"marginRight": "2em"})),
        html::nav(links)
            .id("nav")
            .style(json!({"display": "inline"})),
        html::span(())
            .id("signed-in-as")
            .style(json!({"margin": "0 1em"})),
        html::form(html::button("Log out").id("logout").type_("submit"))
            .action(format!("{prefix}logout"))
            .method("post")
            .style(json!({"display": "inline"})),
    ))
    .into()
}

async fn signed_in_as(Input(_path): Input<Option<String>>, user: Principal) -> String {
    format!("Signed in as {}", user.name)
}

async fn my_summary(
    Input(_path): Input<Option<String>>,
    user: Principal,
    AppState(portal): AppState<Portal>,
) -> Result<String, CallbackError> {
    let summary = summary_of(&portal.bind, &user.id).await?;
    let count = usize::try_from(summary.accounts).unwrap_or_default();
    Ok(format!(
        "You look after {} with {} revenue this year.",
        accounts_text(count),
        dollars(summary.revenue)
    ))
}

/// The rows of the accounts table, each name a link to its page.
fn accounts_table(accounts: &[Account], prefix: &str) -> Vec<Component> {
    let head = html::thead(html::tr((
        html::th("Name"),
        html::th("Region"),
        html::th("Revenue"),
        html::th("Status"),
    )));
    let rows: Vec<Component> = accounts
        .iter()
        .map(|a| {
            html::tr((
                html::td(link(
                    &format!("account-link-{}", a.id),
                    &a.name,
                    &format!("{prefix}accounts/{}", a.id),
                ))
                .class_name("name"),
                html::td(a.region.clone()).class_name("region"),
                html::td(dollars(a.revenue))
                    .class_name("revenue")
                    .style(json!({"textAlign": "right"})),
                html::td(a.status.clone()).class_name("status"),
            ))
            .into()
        })
        .collect();
    vec![head.into(), html::tbody(rows).into()]
}

async fn my_accounts(
    region: Option<Value>,
    search: Option<Value>,
    user: &Principal,
    portal: &Portal,
    prefix: &str,
) -> Result<(Vec<Component>, String), CallbackError> {
    let region = text_of(region).unwrap_or_else(|| ALL_REGIONS.to_owned());
    let search = text_of(search).unwrap_or_default();
    // The owner is the logged-in user, whatever the request carries.
    let accounts = accounts_of(&portal.bind, &user.id, &region, search.trim()).await?;
    Ok((
        accounts_table(&accounts, prefix),
        accounts_text(accounts.len()),
    ))
}

async fn account_detail(
    Input(id): Input<Option<i64>>,
    user: Principal,
    AppState(portal): AppState<Portal>,
) -> Result<Node, CallbackError> {
    let account = match id {
        Some(id) => account_of(&portal.bind, &user.id, id).await?,
        None => None,
    };
    let Some(a) = account else {
        return Ok(html::p(NO_SUCH_ACCOUNT).id("no-such-account").into());
    };
    let item = |term: &str, id: &str, value: String| -> [Component; 2] {
        [
            html::dt(term.to_owned()).into(),
            html::dd(value).id(id).into(),
        ]
    };
    let items: Vec<Component> = [
        item("Region", "account-region", a.region),
        item("Revenue", "account-revenue", dollars(a.revenue)),
        item("Status", "account-status", a.status),
    ]
    .into_iter()
    .flatten()
    .collect();
    Ok(html::div((html::h3(a.name).id("account-name"), html::dl(items))).into())
}

async fn admin_totals(
    Input(_path): Input<Option<String>>,
    AppState(portal): AppState<Portal>,
) -> Result<Component, CallbackError> {
    let totals = totals_by_owner(&portal.bind).await?;
    let rows: Vec<Component> = totals
        .iter()
        .map(|t| {
            html::tr((
                html::td(t.owner.clone()).class_name("owner"),
                html::td(t.accounts.to_string()).class_name("accounts"),
                html::td(dollars(t.revenue)).class_name("revenue"),
            ))
            .into()
        })
        .collect();
    Ok(html::table((
        html::thead(html::tr((
            html::th("Owner"),
            html::th("Accounts"),
            html::th("Revenue"),
        ))),
        html::tbody(rows),
    ))
    .into())
}

/// The portal's pages, for an app mounted under `prefix`.
fn page_list(prefix: &str) -> Vec<Page> {
    let p = prefix.to_owned();
    vec![
        Page::for_user("/", |user: &Principal, _: NoArgs| home(user))
            .name("Home")
            .title("Team portal")
            .order(0),
        Page::new("/accounts", accounts_page)
            .title("Accounts — Team portal")
            .order(1)
            .url_state([("region", "value"), ("search", "value")]),
        Page::new("/admin", admin_page)
            .title("Admin — Team portal")
            .order(2)
            .require_group("admin"),
        Page::with_args("/accounts/<id>", move |args: AccountArgs| {
            account_page(&args, &p)
        })
        .name("Account")
        .title("Account — Team portal"),
    ]
}

/// The app's builder for `portal`, mounted under `prefix` (`/` when it
/// runs alone).
pub fn builder(prefix: &str, portal: &Portal) -> AppBuilder {
    let pages = page_list(prefix);
    let infos: Vec<PageInfo> = pages.iter().map(Page::info).collect();
    let layout_prefix = prefix.to_owned();
    let list_prefix = prefix.to_owned();
    let list = move |Input(region): Input<Option<Value>>,
                     Input(search): Input<Option<Value>>,
                     user: Principal,
                     AppState(portal): AppState<Portal>| {
        let prefix = list_prefix.clone();
        async move { my_accounts(region, search, &user, &portal, &prefix).await }
    };
    let bind = portal.bind.clone();
    let mut builder = App::builder()
        .title("Team portal")
        .routes_prefix(prefix)
        .with_state(portal.clone())
        .login({
            let login = Login::form(portal.users.clone()).title("Team portal");
            match &portal.sessions {
                Some(sessions) => login.sessions(sessions.clone()),
                None => login,
            }
        })
        // `/ready` answers 503 while the database cannot be reached.
        .readiness_check("database", move || {
            let bind = bind.clone();
            async move { bind.ping().await }
        })
        .layout_for_user(move |user: &Principal| {
            html::div((
                header(user, &infos, &layout_prefix),
                html::hr(()),
                pages::container(),
            ))
        })
        .page_not_found(|| html::h2("No such page.").id("not-found").into())
        .callback(
            Callback::new(signed_in_as)
                .output("signed-in-as", "children")
                .input(pages::LOCATION_ID, "pathname"),
        )
        .callback(
            Callback::new(my_summary)
                .output("my-summary", "children")
                .input(pages::LOCATION_ID, "pathname"),
        )
        .callback(
            Callback::new(list)
                .name("my_accounts")
                .output("accounts-table", "children")
                .output("accounts-count", "children")
                .input("region", "value")
                .input("search", "value"),
        )
        .callback(
            Callback::new(account_detail)
                .output("account-detail", "children")
                .input("account-id", "data"),
        )
        .callback(
            Callback::new(admin_totals)
                .output("admin-totals", "children")
                .input(pages::LOCATION_ID, "pathname")
                .require_group("admin"),
        );
    for page in pages {
        builder = builder.page(page);
    }
    builder
}

/// The app for `portal`, mounted under `prefix`.
///
/// # Errors
///
/// Every problem the app's build finds.
pub fn app(prefix: &str, portal: &Portal) -> BuildResult<App> {
    builder(prefix, portal).build()
}

#[cfg(test)]
mod tests;
