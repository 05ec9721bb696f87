//! The usage portal: a media platform's customers see their own usage.
//!
//! Every night the portal pulls the platform's usage records into its
//! database ([`ingest`], on a [`schedule`]), and each customer logs in and
//! sees only their own report ([`report`]): hours ingested, storage by
//! project and kind, four volumes month by month, filtered by days and
//! projects, kept in the address so a link shares the view, exportable as
//! CSV. Admins see every customer and the run history ([`admin`]).
//!
//! Run it with `cargo run -p usage-portal`: with no platform configured it
//! starts a stand-in platform API ([`platform::StandIn`]) with a year of
//! made-up usage, backfills the last 183 days into an SQLite file, and
//! serves the portal at <http://127.0.0.1:8050>.

pub mod admin;
pub mod clock;
pub mod ingest;
pub mod live;
pub mod monthly;
pub mod pdf;
pub mod platform;
pub mod report;
pub mod schedule;
pub mod shared;
pub mod store;

use ferrodash::auth::UserError;

use ferrodash::prelude::*;
use ferrodash::{AppBuilder, BuildResult, Mcp, Page, Users, pages};

use crate::ingest::Ingestor;
use crate::report::{ADMIN_GROUP, DataDays};
use crate::store::Store;

/// A demo user, created while the users table is empty.
#[derive(Debug, Clone, Copy)]
pub struct DemoUser {
    /// The login name.
    pub name: &'static str,
    /// The name shown.
    pub display: &'static str,
    /// The published demo password.
    pub password: &'static str,
    /// Its groups.
    pub groups: &'static [&'static str],
    /// The customer account it sees (none for the admin, who sees all).
    pub account: Option<&'static str>,
}

/// The demo users: an admin, and one customer of each of the first three
/// accounts of the stand-in data.
pub const DEMO_USERS: [DemoUser; 4] = [
    DemoUser {
        name: "admin",
        display: "Ada Admin",
        password: "admin-demo-password",
        groups: &[ADMIN_GROUP],
        account: None,
    },
    DemoUser {
        name: "northwind",
        display: "Nora (Northwind Media)",
        password: "northwind-demo-password",
        groups: &[],
        account: Some("acc-01"),
    },
    DemoUser {
        name: "bluefin",
        display: "Ben (Bluefin Media)",
        password: "bluefin-demo-password",
        groups: &[],
        account: Some("acc-02"),
    },
    DemoUser {
        name: "copperleaf",
        display: "Cleo (Copperleaf Media)",
        password: "copperleaf-demo-password",
        groups: &[],
        account: Some("acc-03"),
    },
];

/// Everything the portal's pages and callbacks share.
#[derive(Debug, Clone)]
pub struct Portal {
    store: Store,
    users: Users,
    days: DataDays,
    ingestor: Option<Ingestor>,
    sessions: ferrodash::Sessions,
    printer: pdf::Printer,
    schedule_text: String,
    nightly_days: u32,
    memo: bool,
    live: live::LiveFeed,
    shared: Option<shared::Shared>,
    secret_key: Option<Vec<u8>>,
    trusted_proxies: Vec<std::net::IpAddr>,
    production: bool,
}

impl Portal {
    /// The portal on the database at `url`: creates the tables that are
    /// missing, and the demo users ([`DEMO_USERS`]) while there are no
    /// users.
    ///
    /// # Errors
    ///
    /// [`UserError::Data`] when the database cannot be reached, written or
    /// read; another [`UserError`] when a demo user cannot be added.
    pub async fn open(url: &str) -> Result<Self, UserError> {
        let store = Store::open(url).await?;
        let users = Users::open(store.bind().clone()).await?;
        if users.names().await?.is_empty() {
            tracing::warn!(
                "the users table is empty: creating the demo users (admin, northwind, bluefin, \
                 copperleaf) with their published demo passwords; replace them before real use"
            );
            for user in DEMO_USERS {
                if let Err(e) = users
                    .add(user.name, user.display, user.password, user.groups)
                    .await
                {
                    // Another process starting at the same time added it.
                    if !users.names().await?.iter().any(|n| n == user.name) {
                        return Err(e);
                    }
                }
                if let Some(account) = user.account {
                    store.add_member(user.name, account).await?;
                }
            }
        }
        let days = DataDays::default();
        days.refresh(&store).await?;
        let sessions = ferrodash::Sessions::in_memory();
        Ok(Self {
            store,
            users,
            days,
            ingestor: None,
            printer: pdf::Printer::new(sessions.clone()),
            sessions,
            schedule_text: "No ingestion is scheduled.".to_owned(),
            nightly_days: 3,
            memo: true,
            live: live::LiveFeed::default(),
            shared: None,
            secret_key: None,
            trusted_proxies: Vec::new(),
            production: false,
        })
    }

    /// The portal with `ingestor` behind the admin page's "Run now", which
    /// fetches the last `nightly_days` days; `schedule_text` says when runs
    /// happen.
    #[must_use]
    pub fn with_ingestor(
        mut self,
        ingestor: Ingestor,
        nightly_days: u32,
        schedule_text: impl Into<String>,
    ) -> Self {
        self.ingestor = Some(ingestor);
        self.nightly_days = nightly_days;
        self.schedule_text = schedule_text.into();
        self
    }

    /// The portal with its login sessions kept in `sessions` (in Redis,
    /// say, shared by several processes).
    #[must_use]
    pub fn with_sessions(mut self, sessions: ferrodash::Sessions) -> Self {
        self.printer = pdf::Printer::new(sessions.clone());
        self.sessions = sessions;
        self
    }

    /// The portal sharing its sessions, failed logins, background jobs,
    /// memoized reports and agents' rate limit with its other processes
    /// through Redis.
    #[must_use]
    pub fn with_shared(self, shared: shared::Shared) -> Self {
        let mut portal = self.with_sessions(shared.sessions.clone());
        portal.shared = Some(shared);
        portal
    }

    /// The portal signing page tokens and job handles with `key` (a
    /// random key per process otherwise).
    #[must_use]
    pub fn with_secret_key(mut self, key: Vec<u8>) -> Self {
        self.secret_key = Some(key);
        self
    }

    /// The portal behind these reverse proxies: failed logins are counted
    /// by the client address they forward.
    #[must_use]
    pub fn with_trusted_proxies(mut self, proxies: Vec<std::net::IpAddr>) -> Self {
        self.trusted_proxies = proxies;
        self
    }

    /// The portal in production mode: `Secure` cookies, a strong secret
    /// key required.
    #[must_use]
    pub const fn with_production(mut self, on: bool) -> Self {
        self.production = on;
        self
    }

    /// The portal with the live strip read every `every` (default 3 s).
    #[must_use]
    pub fn with_live_every(mut self, every: std::time::Duration) -> Self {
        self.live = live::LiveFeed::new(every);
        self
    }

    /// The portal with report views memoized (the default) or computed on
    /// every request (to measure the queries, say).
    #[must_use]
    pub const fn with_memo(mut self, on: bool) -> Self {
        self.memo = on;
        self
    }

    /// The printer of PDF exports. Tell it the portal's address
    /// ([`pdf::Printer::set_base_url`]) once it listens.
    #[must_use]
    pub const fn printer(&self) -> &pdf::Printer {
        &self.printer
    }

    /// The database.
    #[must_use]
    pub const fn store(&self) -> &Store {
        &self.store
    }

    /// The users who may log in.
    #[must_use]
    pub const fn users(&self) -> &Users {
        &self.users
    }

    /// The days the database has usage for.
    #[must_use]
    pub const fn days(&self) -> &DataDays {
        &self.days
    }
}

/// The header: the product, navigation, the user, the theme, logout.
fn header(user: &Principal) -> Node {
    let mut links: Vec<Component> =
        vec![dcc::link("nav-report").children("Report").href("/").into()];
    if user.groups.iter().any(|g| g == ADMIN_GROUP) {
        links.push(
            dcc::link("nav-admin")
                .children("Admin")
                .href("/admin")
                .into(),
        );
    }
    html::header((
        html::div((
            html::span(()).class_name("brand-mark"),
            html::strong("Usage portal"),
        ))
        .class_name("brand"),
        html::nav(links).id("nav").class_name("nav"),
        html::span(format!("Signed in as {}", user.name))
            .id("signed-in-as")
            .class_name("who"),
        html::button("Dark theme")
            .id("theme-toggle")
            .class_name("button ghost"),
        html::form(
            html::button("Log out")
                .id("logout")
                .type_("submit")
                .class_name("button ghost"),
        )
        .action("/logout")
        .method("post")
        .class_name("logout"),
    ))
    .class_name("topbar")
    .into()
}

/// The portal's builder.
pub fn builder(portal: &Portal) -> AppBuilder {
    let days = portal.days.clone();
    let schedule_text = portal.schedule_text.clone();
    let report_page = Page::new("/", move || report::page(&days))
        .name("Report")
        .title("Usage report")
        .order(0)
        .url_state([
            ("account", "value"),
            ("days", "start_date"),
            ("days", "end_date"),
            ("projects", "value"),
        ]);
    let admin_page = Page::new("/admin", move || admin::page(&schedule_text))
        .name("Admin")
        .title("Admin — Usage portal")
        .order(1)
        .require_group(ADMIN_GROUP);
    let bind = portal.store.bind().clone();
    let mut login = Login::form(portal.users.clone())
        .title("Usage portal")
        .sessions(portal.sessions.clone())
        .trusted_proxies(portal.trusted_proxies.clone());
    // AI agents act for a user with one of the user's API tokens
    // (`ferrodash-users token NAME`): the same scoping as the pages.
    let mut mcp = Mcp::with_tokens(portal.users.clone()).instructions(
        "The usage portal of a media platform: for the user of your token, the usage \
         report of their customer accounts (hours ingested, items, storage held and deleted, \
         by project and by month) over a range of days, and its export as CSV.",
    );
    if let Some(shared) = &portal.shared {
        login = login.limiter(shared.limiter.clone());
        mcp = mcp.rate_limit(shared.agents.clone());
    }
    let mut builder = App::builder()
        .production(portal.production)
        .title("Usage portal")
        .with_state(portal.clone())
        .login(login)
        // Requests, callbacks, logins and the ingestion runs; serve the
        // portal behind a proxy that keeps `/metrics` internal.
        .metrics_endpoint(true)
        .assets_folder(concat!(env!("CARGO_MANIFEST_DIR"), "/assets"))
        // `/ready` answers 503 while the database cannot be reached.
        .readiness_check("database", move || {
            let bind = bind.clone();
            async move { bind.ping().await }
        })
        .layout_for_user(|user: &Principal| {
            html::div((
                dcc::store("theme")
                    .storage_type(dcc::StoreStorageType::Local)
                    .data("light"),
                header(user),
                live::strip(),
                html::main(pages::container()).class_name("content"),
            ))
            .id("portal")
        })
        .page_not_found(|| html::h2("No such page.").id("not-found").into())
        .page(report_page)
        .page(admin_page)
        .mcp(mcp)
        .callback(live::callback());
    if let Some(key) = &portal.secret_key {
        builder = builder.secret_key(key.clone());
    }
    if let Some(shared) = &portal.shared {
        builder = builder
            .secret_key(shared.secret_key.clone())
            .job_queue(shared.queue.clone())
            .memo_cache(shared.cache.clone());
    }
    if let Some(ingestor) = &portal.ingestor {
        let metrics = std::sync::Arc::clone(ingestor.metrics());
        builder = builder.metrics_source(move || metrics.render());
    }
    admin::callbacks(report::callbacks(builder))
}

/// The portal's app.
///
/// # Errors
///
/// Every problem the app's build finds.
pub fn app(portal: &Portal) -> BuildResult<App> {
    builder(portal).build()
}
