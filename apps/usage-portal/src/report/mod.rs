//! The report page: a customer's usage in the days and projects they
//! choose, with the filters kept in the address so a copied link opens the
//! same view.
//!
//! Every callback decides the account from the logged-in user
//! ([`Viewer`]): a customer sees their own account whatever the request
//! says; an admin may pick any account or all of them.

pub mod charts;
pub mod export;
pub mod sums;
pub mod view;

use std::time::Duration;

use ferrodash::figures::Template;
use ferrodash::prelude::*;
use ferrodash::{AppBuilder, Scope};
use serde::{Deserialize, Serialize};

use crate::Portal;
use crate::store::{EVERY_ACCOUNT, ViewParams};
pub use view::{ADMIN_GROUP, DataDays, Viewer};

/// How long a computed view is kept per user. The data's version is part
/// of the key, so a run's new data shows at once.
const MEMO_TTL: Duration = Duration::from_secs(300);

/// The ids of the five headline cards, in [`charts::headline`]'s order.
pub const CARD_IDS: [&str; 5] = [
    "total-hours",
    "total-items",
    "total-storage",
    "total-deleted",
    "total-projects",
];

/// The cards' titles.
const CARD_TITLES: [&str; 5] = [
    "Hours ingested",
    "Items ingested",
    "Storage held",
    "Deleted",
    "Projects",
];

/// A computed view, as memoized.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReportView {
    /// The heading: account and days.
    pub title: String,
    /// The headline cards' texts.
    pub cards: [String; 5],
    /// The donut of hours by project.
    pub donut: Value,
    /// The treemap of storage.
    pub treemap: Value,
    /// The bars by month.
    pub monthly: Value,
}

/// `3 Mar 2026`.
fn day_text(day: jiff::civil::Date) -> String {
    day.strftime("%-d %b %Y").to_string()
}

/// Computes a view straight from the database.
///
/// # Errors
///
/// [`CallbackError`] when a query or a figure fails.
pub async fn compute(
    portal: &Portal,
    params: &ViewParams,
    title: String,
    template: Template,
) -> Result<ReportView, CallbackError> {
    let cells = portal.store.cells(params).await?;
    let totals = sums::totals(&cells);
    let projects = sums::by_project(&cells);
    let months = sums::by_month(&cells);
    let many = params.account == EVERY_ACCOUNT;
    Ok(ReportView {
        title,
        cards: charts::headline(&totals),
        donut: charts::donut(&projects, many, totals.hours, template.clone())?,
        treemap: charts::treemap(&projects, many, template.clone())?,
        monthly: charts::monthly(&months, template)?,
    })
}

/// The view a request asks for, as the user may see it: the account, the
/// query parameters, and the heading. `None` when the user sees no
/// account.
///
/// # Errors
///
/// [`CallbackError`] when the database fails.
pub async fn resolve(
    portal: &Portal,
    user: &Principal,
    filters: &Filters,
) -> Result<Option<(Viewer, ViewParams, String)>, CallbackError> {
    let viewer = Viewer::of(&portal.store, user).await?;
    let Some(account) = viewer.account(filters.account.as_ref()) else {
        return Ok(None);
    };
    let (from, to) = view::days_of(filters.start.as_ref(), filters.end.as_ref(), &portal.days);
    let allowed = portal.store.projects_of(&account).await?;
    let projects = view::projects_of(filters.projects.as_ref(), &allowed);
    let title = view_title(&viewer.account_name(&account), from, to, projects.len());
    let params = viewer.params(account, from, to, projects);
    Ok(Some((viewer, params, title)))
}

/// The heading of a view: account, days, and how many projects (0: all).
#[must_use]
pub fn view_title(
    account: &str,
    from: jiff::civil::Date,
    to: jiff::civil::Date,
    projects: usize,
) -> String {
    let chosen = match projects {
        0 => "all projects".to_owned(),
        1 => "1 project".to_owned(),
        n => format!("{n} projects"),
    };
    format!(
        "{account} · {} to {} · {chosen}",
        day_text(from),
        day_text(to)
    )
}

/// The filter values a request carries, as the browser sent them.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// The account picker's value.
    pub account: Option<Value>,
    /// The first day.
    pub start: Option<Value>,
    /// The last day.
    pub end: Option<Value>,
    /// The projects picked.
    pub projects: Option<Value>,
}

/// The outputs of the report callback.
type ReportOutputs = (
    String,
    String,
    String,
    String,
    String,
    String,
    Json<Value>,
    Json<Value>,
    Json<Value>,
);

#[allow(clippy::too_many_arguments)] // One per filter, as the callback declares them.
async fn report(
    Input(account): Input<Option<Value>>,
    Input(start): Input<Option<Value>>,
    Input(end): Input<Option<Value>>,
    Input(projects): Input<Option<Value>>,
    Input(theme): Input<Option<String>>,
    Input(_data_version): Input<Option<i64>>,
    user: Principal,
    AppState(portal): AppState<Portal>,
    AppState(cache): AppState<MemoCache>,
) -> Result<ReportOutputs, CallbackError> {
    let filters = Filters {
        account,
        start,
        end,
        projects,
    };
    let Some((_, params, title)) = resolve(&portal, &user, &filters).await? else {
        let empty = || Json(json!({"data": [], "layout": {}}));
        return Ok((
            "No customer account is linked to this login.".to_owned(),
            "–".to_owned(),
            "–".to_owned(),
            "–".to_owned(),
            "–".to_owned(),
            "–".to_owned(),
            empty(),
            empty(),
            empty(),
        ));
    };
    let template = if theme.as_deref() == Some("dark") {
        Template::Dark
    } else {
        Template::Light
    };
    let computed: ReportView = if portal.memo {
        let version = portal.store.data_version().await?;
        let key = (&params, theme.as_deref() == Some("dark"), version);
        cache
            .try_memoize(
                "usage_report",
                &key,
                &Scope::user(user.id.clone()),
                Some(MEMO_TTL),
                || compute(&portal, &params, title, template),
            )
            .await?
    } else {
        compute(&portal, &params, title, template).await?
    };
    let [hours, items, stored, deleted, count] = computed.cards;
    Ok((
        computed.title,
        hours,
        items,
        stored,
        deleted,
        count,
        Json(computed.donut),
        Json(computed.treemap),
        Json(computed.monthly),
    ))
}

/// The value of the query parameter `key` in `search` (`?a=1&b=2`), read
/// as the page's shareable address writes it: JSON when it is JSON, else
/// the text itself.
fn query_value(search: Option<&str>, key: &str) -> Option<Value> {
    let search = search?.trim_start_matches('?');
    url::form_urlencoded::parse(search.as_bytes())
        .filter(|(k, _)| k == key)
        .last()
        .map(|(_, text)| serde_json::from_str(&text).unwrap_or(Value::String(text.into_owned())))
}

/// The account picker's options, and its value: the one picked, else the
/// one the address names when the user may see it.
///
/// The value is set here, with the options, because a dropdown whose value
/// is not among its options clears it: a shared address's account, set on
/// the page before its options came, could be lost on a slow load. It is
/// set even when unchanged, since the page may clear it after this
/// callback read it.
async fn account_options(
    Input(_path): Input<Option<String>>,
    State(current): State<Option<Value>>,
    State(search): State<Option<String>>,
    user: Principal,
    AppState(portal): AppState<Portal>,
) -> Result<(Json<Value>, Json<Value>, Value), CallbackError> {
    let viewer = Viewer::of(&portal.store, &user).await?;
    // A customer with one account has nothing to pick.
    let style = if viewer.everything || viewer.accounts.len() > 1 {
        json!({})
    } else {
        json!({"display": "none"})
    };
    let allowed = |wanted: &Value| viewer.account(Some(wanted)).as_deref() == wanted.as_str();
    let value = [current.clone(), query_value(search.as_deref(), "account")]
        .into_iter()
        .flatten()
        .find(|wanted| !wanted.is_null() && allowed(wanted))
        .unwrap_or(Value::Null);
    Ok((Json(viewer.options()), Json(style), value))
}

/// The project picker's options for the account, and its value: the
/// projects picked that the account has, else (on the account the address
/// names) the address's projects. Set with the options, for the reason
/// given at [`account_options`].
async fn project_options(
    Input(account): Input<Option<Value>>,
    State(current): State<Option<Value>>,
    State(search): State<Option<String>>,
    user: Principal,
    AppState(portal): AppState<Portal>,
) -> Result<(Json<Value>, Value), CallbackError> {
    let viewer = Viewer::of(&portal.store, &user).await?;
    let Some(account) = viewer.account(account.as_ref()) else {
        return Ok((Json(json!([])), json!([])));
    };
    let projects = portal.store.projects_of(&account).await?;
    let many = account == EVERY_ACCOUNT;
    let options: Vec<Value> = projects
        .iter()
        .map(|p| {
            let label = if many {
                format!("{} · {}", p.name, viewer.account_name(&p.account_id))
            } else {
                p.name.clone()
            };
            json!({"label": label, "value": p.id})
        })
        .collect();
    let search = search.as_deref();
    // The address's projects belong to the account it names, or, naming
    // none (a customer's own), to the one the page shows by default.
    let same_account = match query_value(search, "account") {
        None => viewer.account(None).as_deref() == Some(account.as_str()),
        Some(named) => named.as_str() == Some(account.as_str()),
    };
    let from_address = same_account
        .then(|| query_value(search, "projects"))
        .flatten();
    let picked = view::projects_of(current.as_ref(), &projects);
    let value = if picked.is_empty() {
        view::projects_of(from_address.as_ref(), &projects)
    } else {
        picked
    };
    Ok((Json(Value::Array(options)), json!(value)))
}

/// What the report does, for AI agents calling it as a tool.
const REPORT_TOOL: &str = "The usage report of the user's customer accounts over a range of \
days: the view's title, five totals (hours ingested, items, storage held, storage deleted, \
projects), a donut of hours by project, a treemap of storage by project and kind, and bars \
by month. Arguments: `account_value`, an account id like `acc-01` (customers see only their \
own; null picks the first); `days_start_date` and `days_end_date`, `YYYY-MM-DD`; \
`projects_value`, a list of project ids or null for all; `theme_data` and \
`data_version_data` may be null.";

/// Toggles the theme kept in the browser's local storage.
const TOGGLE_THEME: &str = r"function(clicks, theme) {
    return theme === 'dark' ? 'light' : 'dark';
}";

/// Applies the theme to the page and names the other one on the button.
const APPLY_THEME: &str = r"function(theme) {
    const dark = theme === 'dark';
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
    return dark ? 'Light theme' : 'Dark theme';
}";

/// The report page.
pub fn page(days: &DataDays) -> Node {
    let range = days.default_range();
    let bounds = days.get();
    let mut picker = dcc::date_picker_range("days")
        .display_format("D MMM YYYY")
        .first_day_of_week(1)
        .clearable(false)
        .updatemode(dcc::DatePickerRangeUpdatemode::Bothdates);
    if let Some((from, to)) = range {
        picker = picker.start_date(from.to_string()).end_date(to.to_string());
    }
    if let Some((first, last)) = bounds {
        picker = picker
            .min_date_allowed(first.to_string())
            .max_date_allowed(last.to_string());
    }
    let cards: Vec<Component> = CARD_IDS
        .iter()
        .zip(CARD_TITLES)
        .map(|(id, title)| {
            html::div((
                html::span(title).class_name("card-title"),
                html::span("…").id(*id).class_name("card-value"),
            ))
            .class_name("card")
            .into()
        })
        .collect();
    let graph = |id: &str| {
        dcc::graph(id)
            .config(json!({"displaylogo": false, "responsive": true}))
            .class_name("chart")
    };
    html::div((
        html::div((
            html::div((
                html::label("Customer").html_for("account"),
                dcc::dropdown("account")
                    .clearable(false)
                    .placeholder("Customer"),
            ))
            .id("account-picker")
            .class_name("filter"),
            html::div((html::label("Days").html_for("days"), picker)).class_name("filter"),
            html::div((
                html::label("Projects").html_for("projects"),
                dcc::dropdown("projects")
                    .multi(true)
                    .placeholder("All projects"),
            ))
            .class_name("filter grow"),
            html::div((
                html::button("Export CSV")
                    .id("export-csv")
                    .class_name("button"),
                html::button("Export PDF")
                    .id("export-pdf")
                    .class_name("button"),
            ))
            .class_name("actions"),
        ))
        .id("filters")
        .class_name("filters"),
        dcc::loading("report-loading")
            .type_(dcc::LoadingType::Dot)
            .children(html::div((
                html::h2("…").id("view-title").class_name("view-title"),
                html::div(cards).id("cards").class_name("cards"),
                html::div((graph("by-project"), graph("storage"))).class_name("charts"),
                graph("by-month"),
            ))),
        html::p(()).id("export-status").class_name("status"),
        dcc::download("download-csv"),
        dcc::download("download-pdf"),
    ))
    .class_name("report")
    .into()
}

/// Adds the report's callbacks to `builder`.
pub fn callbacks(builder: AppBuilder) -> AppBuilder {
    builder
        .callback(
            Callback::new(account_options)
                .output("account", "options")
                .output("account-picker", "style")
                .output("account", "value")
                .input(ferrodash::pages::LOCATION_ID, "pathname")
                .state("account", "value")
                .state(ferrodash::pages::LOCATION_ID, "search"),
        )
        .callback(
            Callback::new(project_options)
                .output("projects", "options")
                .output("projects", "value")
                .input("account", "value")
                .state("projects", "value")
                .state(ferrodash::pages::LOCATION_ID, "search"),
        )
        .callback(
            Callback::new(report)
                .output("view-title", "children")
                .output(CARD_IDS[0], "children")
                .output(CARD_IDS[1], "children")
                .output(CARD_IDS[2], "children")
                .output(CARD_IDS[3], "children")
                .output(CARD_IDS[4], "children")
                .output("by-project", "figure")
                .output("storage", "figure")
                .output("by-month", "figure")
                .input("account", "value")
                .input("days", "start_date")
                .input("days", "end_date")
                .input("projects", "value")
                .input("theme", "data")
                // Pushed by the live strip when a run writes new data.
                .input("data-version", "data")
                .description(REPORT_TOOL),
        )
        .callback(export::csv_callback())
        .callback(export::pdf_callback())
        .clientside_callback(
            ClientsideCallback::inline(TOGGLE_THEME)
                .output("theme", "data")
                .input("theme-toggle", "n_clicks")
                .state("theme", "data")
                .prevent_initial_call(),
        )
        .clientside_callback(
            ClientsideCallback::inline(APPLY_THEME)
                .output("theme-toggle", "children")
                .input("theme", "data"),
        )
}
