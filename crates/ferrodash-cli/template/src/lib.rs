//! {{title}}: a sales dashboard on a SQL database, themed with Bootstrap
//! (light and dark), on every screen size.
//!
//! - `orders` holds the data: a [`Bind`](ferrodash::data::Bind) with its SQL
//!   in `queries/`, every filter value a bound parameter.
//! - The overview page draws revenue by month and three headline figures
//!   for a region, in one callback; the region is kept in the address, so a
//!   link shares the view.
//! - `theme` switches Bootstrap between light and dark in the browser; the
//!   chart follows with a transparent template of the same theme.

mod orders;
mod theme;

pub use orders::{ALL_REGIONS, Orders, Totals};

use ferrodash::figures::Template;
use ferrodash::figures::px::{self, format_thousands};
use ferrodash::prelude::*;
use ferrodash::{AppBuilder, BuildResult, ClientsideCallback, Page, bootstrap, pages};

/// The app's title, in the navbar and the browser's tab.
pub const TITLE: &str = "{{title}}";

/// A headline figure: a label over a value a callback fills in.
fn kpi_card(id: &str, label: &str) -> bootstrap::Col {
    bootstrap::col(bootstrap::card(bootstrap::card_body((
        html::div(label.to_owned()).class_name("text-body-secondary small"),
        html::div("…").id(id).class_name("fs-3 fw-semibold"),
    ))))
    .xs(12)
    .md(4)
}

/// The overview page: a region picker, three headline figures and revenue
/// by month.
fn overview(regions: &[String]) -> Node {
    let mut options = vec![json!({"label": "All regions", "value": ALL_REGIONS})];
    options.extend(
        regions
            .iter()
            .map(|region| json!({"label": region, "value": region})),
    );
    html::div((
        bootstrap::row((
            bootstrap::col(html::h2("Overview").class_name("mb-0"))
                .xs(12)
                .md(8),
            bootstrap::col(
                bootstrap::select("region")
                    .options(Value::Array(options))
                    .value(ALL_REGIONS),
            )
            .xs(12)
            .md(4),
        ))
        .class_name("align-items-center g-3 mb-3"),
        bootstrap::row((
            kpi_card("kpi-revenue", "Revenue"),
            kpi_card("kpi-orders", "Orders"),
            kpi_card("kpi-average", "Average order"),
        ))
        .class_name("g-3 mb-3"),
        bootstrap::card(bootstrap::card_body(
            dcc::graph("revenue-chart")
                .config(json!({"displayModeBar": false}))
                .responsive(true)
                .style(json!({"height": "420px"})),
        )),
    ))
    .into()
}

/// The about page.
fn about() -> Node {
    html::div((
        html::h2("About"),
        html::p(
            "This app was written by `ferrodash new`: a page, a callback, a SQL bind, \
             tests and a Dockerfile. Change it to make it yours.",
        )
        .id("about-text"),
    ))
    .into()
}

/// The navbar: the brand, a link per page, and the theme switch; on narrow
/// screens the links fold behind a toggler.
fn navbar(prefix: &str, pages: &[(&str, &str)]) -> bootstrap::Navbar {
    let links: Vec<Component> = pages
        .iter()
        .map(|(name, path)| {
            bootstrap::nav_item(
                bootstrap::nav_link(name.to_string())
                    .href(format!("{prefix}{}", path.trim_start_matches('/')))
                    .active("exact")
                    .id(format!("nav-{}", name.to_lowercase())),
            )
            .into()
        })
        .collect();
    bootstrap::navbar(
        bootstrap::container((
            bootstrap::navbar_brand(TITLE).href(prefix.to_owned()),
            bootstrap::navbar_toggler(()).id("navbar-toggler"),
            bootstrap::collapse((
                bootstrap::nav(links).navbar(true).class_name("me-auto"),
                bootstrap::switch("theme-switch")
                    .label("Dark")
                    .value(false)
                    .persistence(true)
                    .class_name("text-light mb-0"),
            ))
            .id("navbar-collapse")
            .is_open(false)
            .navbar(true),
        ))
        .fluid(true),
    )
    .id("navbar")
    .color("primary")
    .dark(true)
    .class_name("mb-4")
}

/// The overview's figures for a region: revenue by month, then the
/// revenue, order count and average order as text.
async fn update_overview(
    Input(region): Input<Option<String>>,
    Input(dark): Input<Option<bool>>,
    AppState(orders): AppState<Orders>,
) -> Result<(Json<Value>, String, String, String), CallbackError> {
    let region = region.unwrap_or_else(|| ALL_REGIONS.to_owned());
    if region != ALL_REGIONS && !orders.regions().contains(&region) {
        return Err(CallbackError::InvalidArgument {
            argument: "region".to_owned(),
            problem: format!("there is no region named {region:?}"),
        });
    }
    let (monthly, totals) = tokio::try_join!(orders.monthly(&region), orders.totals(&region))?;
    let figure = px::bar(&monthly)
        .x("month")
        .y("revenue")
        .labels([("month", "Month"), ("revenue", "Revenue ($)")])
        .title("Revenue by month")
        // The page's background shows through, in either theme.
        .template(Template::Transparent {
            dark: dark.unwrap_or(false),
        })
        .build()?;
    Ok((
        Json(figure.to_value()),
        format!("${}", format_thousands(totals.revenue, 0)),
        format_thousands(totals.orders as f64, 0),
        format!("${}", format_thousands(totals.average(), 2)),
    ))
}

/// The app's builder for `orders`, mounted under `prefix` (`/` when it
/// runs alone).
pub fn builder(prefix: &str, orders: &Orders) -> AppBuilder {
    let regions = orders.regions().to_vec();
    let bind = orders.bind().clone();
    App::builder()
        .title(TITLE)
        .routes_prefix(prefix)
        .with_state(orders.clone())
        // `/ready` answers 503 while the database cannot be reached.
        .readiness_check("database", move || {
            let bind = bind.clone();
            async move { bind.ping().await }
        })
        .layout(html::div((
            navbar(prefix, &[("Overview", "/"), ("About", "/about")]),
            bootstrap::container(pages::container()).fluid("lg"),
            dcc::store("theme"),
        )))
        .page(
            Page::new("/", move || overview(&regions))
                .name("Overview")
                .title(TITLE)
                .description("Revenue by month and region.")
                .order(0)
                .url_state([("region", "value")]),
        )
        .page(Page::new("/about", about).name("About").order(1))
        .page_not_found(|| {
            html::div((
                html::h2("Page not found"),
                html::p("There is nothing at this address."),
            ))
            .id("not-found")
            .into()
        })
        .callback(
            Callback::new(update_overview)
                .output("revenue-chart", "figure")
                .output("kpi-revenue", "children")
                .output("kpi-orders", "children")
                .output("kpi-average", "children")
                .input("region", "value")
                .input("theme-switch", "value"),
        )
        .clientside_callback(
            ClientsideCallback::inline(theme::APPLY_THEME)
                .output("theme", "data")
                .input("theme-switch", "value"),
        )
        .clientside_callback(
            ClientsideCallback::inline(theme::TOGGLE_NAVBAR)
                .output("navbar-collapse", "is_open")
                .input("navbar-toggler", "n_clicks")
                .state("navbar-collapse", "is_open"),
        )
}

/// The app for `orders`, mounted under `prefix`.
///
/// # Errors
///
/// Every problem the app's build finds (a callback naming a component that
/// is not there, two callbacks writing one property, …).
pub fn app(prefix: &str, orders: &Orders) -> BuildResult<App> {
    builder(prefix, orders).build()
}
