//! The gallery: one server with every example app under its own path, and a
//! home page that links to them.

use ferrodash::axum::Router;
use ferrodash::prelude::*;
use ferrodash::{BuildErrors, BuildResult};

/// An example shown in the gallery.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    /// The URL path it is mounted under, like `/hello-world/`.
    pub path: &'static str,
    /// Its title.
    pub title: &'static str,
    /// What it shows.
    pub blurb: &'static str,
    build: fn(&str, &Gallery) -> BuildResult<App>,
}

/// What the gallery's examples share: the database (the report's sales,
/// the portal's accounts and users), and the report's memoize cache.
#[derive(Debug, Clone)]
pub struct Gallery {
    report: example_report::Report,
    portal: example_portal::Portal,
    cache: Option<MemoCache>,
}

impl Gallery {
    /// The gallery on the database at `database_url`: an SQLite file
    /// (created and filled with made-up sales and accounts on first start,
    /// and given the portal's demo users while it has no users), or a
    /// PostgreSQL or MySQL/MariaDB database.
    ///
    /// # Errors
    ///
    /// [`UserError::Data`](ferrodash::auth::UserError::Data) when the
    /// database cannot be reached, written or read; another
    /// [`UserError`](ferrodash::auth::UserError) when the portal's demo users
    /// cannot be added.
    pub async fn open(database_url: &str) -> Result<Self, ferrodash::auth::UserError> {
        Ok(Self {
            report: example_report::Report::open(database_url).await?,
            portal: example_portal::Portal::open(database_url).await?,
            cache: None,
        })
    }

    /// The gallery with the portal's login sessions kept in `sessions` (in
    /// Redis, so that several gallery processes serve the same logins).
    #[must_use]
    pub fn with_sessions(mut self, sessions: ferrodash::Sessions) -> Self {
        self.portal = self.portal.with_sessions(sessions);
        self
    }

    /// The gallery with the report's answers memoized in `cache` (one in
    /// Redis, say, shared by several gallery processes) rather than in each
    /// process's memory.
    #[must_use]
    pub fn with_cache(mut self, cache: MemoCache) -> Self {
        self.cache = Some(cache);
        self
    }

    fn report(&self, prefix: &str) -> BuildResult<App> {
        let builder = example_report::builder(prefix, &self.report);
        match &self.cache {
            Some(cache) => builder.memo_cache(cache.clone()),
            None => builder,
        }
        .build()
    }
}

/// Every example, in gallery order.
pub const EXAMPLES: &[Example] = &[
    Example {
        path: "/hello-world/",
        title: "Hello world",
        blurb: "A text input and a greeting that follows it.",
        build: |prefix, _| example_hello_world::app(prefix),
    },
    Example {
        path: "/multi-output/",
        title: "Multi-output and chained callbacks",
        blurb: "A country sets the city choices; the city sets a summary and its colour.",
        build: |prefix, _| example_multi_output::app(prefix),
    },
    Example {
        path: "/patch-set-props/",
        title: "Patch and set_props",
        blurb: "Append to a list without resending it; update a status line on the side.",
        build: |prefix, _| example_patch_set_props::app(prefix),
    },
    Example {
        path: "/datatable/",
        title: "DataTable",
        blurb: "A table filtered by a callback, sorted in the browser.",
        build: |prefix, _| example_datatable::app(prefix),
    },
    Example {
        path: "/graph/",
        title: "Graph",
        blurb: "A Plotly figure built in Rust, redrawn with more or fewer series.",
        build: |prefix, _| example_graph::app(prefix),
    },
    Example {
        path: "/pattern-matching/",
        title: "Pattern-matching callbacks",
        blurb: "Cards added and removed by callbacks, each with its own MATCH callback; ALL and ALLSMALLER sums.",
        build: |prefix, _| example_pattern_matching::app(prefix),
    },
    Example {
        path: "/clientside/",
        title: "Clientside callbacks",
        blurb: "Callbacks that run in the browser: inline JavaScript and a function from the assets folder.",
        build: |prefix, _| example_clientside::app(prefix),
    },
    Example {
        path: "/live/",
        title: "Live over a WebSocket",
        blurb: "Callbacks answered over one WebSocket instead of a request each, a callback that asks the page for a value, and a counter the server pushes.",
        build: |prefix, _| example_live::app(prefix),
    },
    Example {
        path: "/background/",
        title: "Background job",
        blurb: "A long job with a progress bar, a disabled button while it runs, live log lines and cancel.",
        build: |prefix, _| example_background::app(prefix),
    },
    Example {
        path: "/signalling/",
        title: "Signalling with a cache",
        blurb: "A background job computes a report into the server's cache and sends only its key; a chained callback draws it, and repeats come from the cache.",
        build: |prefix, _| example_signalling::app(prefix),
    },
    Example {
        path: "/report/",
        title: "A SQL-backed report",
        blurb: "Revenue from SQL queries on an embedded SQLite file: a donut with the total in its centre, a treemap, bars by month, and filters.",
        build: |prefix, gallery| gallery.report(prefix),
    },
    Example {
        path: "/big-series/",
        title: "A 10-million-point time series",
        blurb: "Zoom and pan smoothly: each view is downsampled on the server (MinMaxLTTB) to about 2,000 points, with no per-user state.",
        build: |prefix, _| example_big_series::app(prefix),
    },
    Example {
        path: "/pages/",
        title: "Multi-page app",
        blurb: "Pages with path templates and typed arguments, links that draw a page without a reload, a redirect and a 404 page.",
        build: |prefix, _| example_pages::app(prefix),
    },
    Example {
        path: "/portal/",
        title: "Login-protected portal",
        blurb: "A login, then each user's own accounts only: filters kept in the address, a page per account, and an admin page for one group.",
        build: |prefix, gallery| example_portal::app(prefix, &gallery.portal),
    },
];

fn home() -> BuildResult<App> {
    let cards: Vec<Component> = EXAMPLES
        .iter()
        .map(|e| {
            html::li((
                html::a(e.title).href(e.path),
                html::span(format!(" — {}", e.blurb)),
            ))
            .into()
        })
        .collect();
    App::builder()
        .title("ferrodash gallery")
        .layout(html::div((
            html::h1("ferrodash gallery"),
            html::p("Every feature built so far, each as a small app:"),
            html::ul(cards).id("examples"),
        )))
        .build()
}

/// The gallery's routes: the home page at `/` and each example under its path.
///
/// # Errors
///
/// Every problem an app's build finds.
pub fn router(gallery: &Gallery) -> Result<Router, BuildErrors> {
    let mut router = home()?.router();
    for example in EXAMPLES {
        router = router.merge((example.build)(example.path, gallery)?.router());
    }
    Ok(router)
}
