//! A multi-page app: a navigation bar of `dcc.Link`s built from the page
//! registry, a home page, a list of projects, a page per project from the
//! template `/projects/<id>` with typed arguments (the id from the path, the
//! tab from the query string), a callback inside a page, a redirect from an
//! old path and a 404 page. Following a link draws the page without a
//! reload.
//!
//! Run with `cargo run -p example-pages`, then open <http://127.0.0.1:8050>.

use ferrodash::prelude::*;
use ferrodash::{AppBuilder, BuildResult, Page, pages};
use serde::Deserialize;

/// The made-up projects.
const PROJECTS: &[(u32, &str)] = &[(1, "Apollo"), (2, "Borealis"), (3, "Cassini")];

/// A project page's arguments: `/projects/<id>?tab=…`.
#[derive(Debug, Default, Deserialize)]
struct ProjectArgs {
    id: u32,
    tab: Option<String>,
}

/// A `dcc.Link`: navigation inside the app, without a reload.
fn link(id: &str, text: &str, href: &str) -> dcc::Link {
    dcc::link(id).children(text.to_owned()).href(href)
}

fn home() -> Node {
    html::div((
        html::h2("Welcome"),
        html::p("Pick a project. Every address can be shared: open it in a new tab and the same view comes back."),
    ))
    .into()
}

fn projects(prefix: &str) -> Node {
    let items: Vec<Component> = PROJECTS
        .iter()
        .map(|(id, name)| {
            html::li(link(
                &format!("project-{id}"),
                name,
                &format!("{prefix}projects/{id}"),
            ))
            .into()
        })
        .collect();
    html::div((html::h2("Projects"), html::ul(items).id("project-list"))).into()
}

fn project(args: &ProjectArgs, prefix: &str) -> Node {
    let name = PROJECTS
        .iter()
        .find(|(id, _)| *id == args.id)
        .map_or("no such project", |(_, name)| name);
    let tab = args.tab.as_deref().unwrap_or("overview");
    html::div((
        html::h2(format!("Project {} — {name}", args.id)).id("project-title"),
        html::p(format!("Tab: {tab}")).id("project-tab"),
        link(
            "costs-link",
            "Costs tab",
            &format!("{prefix}projects/{}?tab=costs", args.id),
        ),
        html::div((html::button("Like").id("like"), html::span(()).id("likes"))),
    ))
    .into()
}

fn explore() -> Node {
    html::div((
        html::h2("Explore"),
        html::p("Every choice here is kept in the address: copy it, and the view comes back."),
        dcc::dropdown("metric")
            .options(json!(["Revenue", "Costs", "Profit"]))
            .value("Revenue")
            .clearable(false),
        dcc::range_slider("years")
            .min(2020)
            .max(2026)
            .step(1)
            .value(json!([2020, 2026]))
            .marks(json!({"2020": "2020", "2023": "2023", "2026": "2026"})),
        dcc::input("search").placeholder("Filter projects"),
        html::p(()).id("explore-summary"),
    ))
    .into()
}

async fn summarize(
    Input(metric): Input<Option<String>>,
    Input(years): Input<Option<[u32; 2]>>,
    Input(search): Input<Option<String>>,
) -> String {
    let [from, to] = years.unwrap_or([2020, 2026]);
    let search = search.unwrap_or_default();
    format!(
        "{} from {from} to {to}, projects matching “{search}”",
        metric.unwrap_or_default()
    )
}

async fn like(Input(clicks): Input<Option<u32>>) -> String {
    format!(" {} likes", clicks.unwrap_or(0))
}

/// The app's builder, mounted under `prefix` (`/` when it runs alone).
pub fn builder(prefix: &str) -> AppBuilder {
    let p = prefix.to_owned();
    let list = {
        let p = p.clone();
        move || projects(&p)
    };
    let one = {
        let p = p.clone();
        move |args: ProjectArgs| project(&args, &p)
    };
    let page_list = vec![
        Page::new("/", home)
            .name("Home")
            .title("Projects — home")
            .order(0),
        Page::new("/projects", list)
            .title("Projects")
            .description("Every project.")
            .order(1)
            .redirect_from("/old-projects"),
        Page::new("/explore", explore)
            .title("Explore")
            .order(2)
            .url_state([("metric", "value"), ("years", "value"), ("search", "value")]),
        Page::with_args("/projects/<id>", one)
            .name("Project")
            .title("Project"),
    ];
    let nav: Vec<Component> = page_list
        .iter()
        .map(Page::info)
        .filter(|info| !info.path.contains('<'))
        .map(|info| {
            let href = format!("{p}{}", info.path.trim_start_matches('/'));
            let id = format!("nav-{}", info.order.unwrap_or_default());
            let mut a = link(&id, &info.name, &href);
            a = a.style(json!({"marginRight": "1em"}));
            a.into()
        })
        .collect();
    let mut builder = App::builder()
        .title("Projects")
        .routes_prefix(prefix)
        .layout(html::div((
            html::nav(nav).id("nav"),
            html::hr(()),
            pages::container(),
        )))
        .page_not_found(|| html::h2("404 - No such page").id("not-found").into())
        .callback(
            Callback::new(like)
                .output("likes", "children")
                .input("like", "n_clicks"),
        )
        .callback(
            Callback::new(summarize)
                .output("explore-summary", "children")
                .input("metric", "value")
                .input("years", "value")
                .input("search", "value"),
        );
    for page in page_list {
        builder = builder.page(page);
    }
    builder
}

/// The app, mounted under `prefix`.
pub fn app(prefix: &str) -> BuildResult<App> {
    builder(prefix).build()
}

#[cfg(test)]
mod tests;
