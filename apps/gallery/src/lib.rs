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
    build: fn(&str) -> BuildResult<App>,
}

/// Every example, in gallery order.
pub const EXAMPLES: &[Example] = &[
    Example {
        path: "/hello-world/",
        title: "Hello world",
        blurb: "A text input and a greeting that follows it.",
        build: example_hello_world::app,
    },
    Example {
        path: "/multi-output/",
        title: "Multi-output and chained callbacks",
        blurb: "A country sets the city choices; the city sets a summary and its colour.",
        build: example_multi_output::app,
    },
    Example {
        path: "/patch-set-props/",
        title: "Patch and set_props",
        blurb: "Append to a list without resending it; update a status line on the side.",
        build: example_patch_set_props::app,
    },
    Example {
        path: "/datatable/",
        title: "DataTable",
        blurb: "A table filtered by a callback, sorted in the browser.",
        build: example_datatable::app,
    },
    Example {
        path: "/graph/",
        title: "Graph",
        blurb: "A Plotly figure built in Rust, redrawn with more or fewer series.",
        build: example_graph::app,
    },
    Example {
        path: "/pattern-matching/",
        title: "Pattern-matching callbacks",
        blurb: "Cards added and removed by callbacks, each with its own MATCH callback; ALL and ALLSMALLER sums.",
        build: example_pattern_matching::app,
    },
    Example {
        path: "/clientside/",
        title: "Clientside callbacks",
        blurb: "Callbacks that run in the browser: inline JavaScript and a function from the assets folder.",
        build: example_clientside::app,
    },
    Example {
        path: "/background/",
        title: "Background job",
        blurb: "A long job with a progress bar, a disabled button while it runs, live log lines and cancel.",
        build: example_background::app,
    },
    Example {
        path: "/signalling/",
        title: "Signalling with a cache",
        blurb: "A background job computes a report into the server's cache and sends only its key; a chained callback draws it, and repeats come from the cache.",
        build: example_signalling::app,
    },
    Example {
        path: "/big-series/",
        title: "A 10-million-point time series",
        blurb: "Zoom and pan smoothly: each view is downsampled on the server (MinMaxLTTB) to about 2,000 points, with no per-user state.",
        build: example_big_series::app,
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
pub fn router() -> Result<Router, BuildErrors> {
    let mut router = home()?.router();
    for example in EXAMPLES {
        router = router.merge((example.build)(example.path)?.router());
    }
    Ok(router)
}
