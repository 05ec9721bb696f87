//! Dash's component ecosystem in one page, each library from its own
//! package and typed like `html` and `dcc`: a Bootstrap navbar and a modal
//! opened and closed by callbacks, a Mantine date picker whose value a
//! callback reads, and an AG Grid of storage by project.
//!
//! Run with `cargo run -p example-ecosystem`, then open <http://127.0.0.1:8050>.

use ferrodash::prelude::*;
use ferrodash::{AppBuilder, BuildResult, ag_grid, bootstrap, json, mantine};

/// Storage by project, as the grid shows it.
const PROJECTS: [(&str, &str, f64); 4] = [
    ("Newsroom", "video", 1843.5),
    ("Archive", "audio", 912.25),
    ("Podcasts", "audio", 310.0),
    ("Shorts", "video", 75.75),
];

/// Opens the modal from the navbar's button and closes it from its own.
async fn toggle_modal(
    triggered: Triggered,
    Input(_open): Input<Option<u64>>,
    Input(_close): Input<Option<u64>>,
) -> Result<bool, CallbackError> {
    let fired = triggered.id().ok_or(PreventUpdate)?;
    Ok(fired.to_string() == "open")
}

/// The day the date picker holds, in words.
async fn describe_day(Input(day): Input<Option<String>>) -> String {
    match day.as_deref() {
        Some(day) if !day.is_empty() => format!("Usage for {day}"),
        _ => "No day chosen".to_owned(),
    }
}

fn navbar() -> bootstrap::NavbarSimple {
    bootstrap::navbar_simple((
        bootstrap::nav_item(bootstrap::nav_link("Storage").href("#storage")),
        bootstrap::nav_item(bootstrap::button("Details").id("open").n_clicks(0)),
    ))
    .id("navbar")
    .brand("Usage")
    .color("primary")
    .dark(true)
}

fn modal() -> bootstrap::Modal {
    bootstrap::modal((
        bootstrap::modal_header(bootstrap::modal_title("Details")),
        bootstrap::modal_body("Storage is measured at 02:00 every night.").id("modal-text"),
        bootstrap::modal_footer(bootstrap::button("Close").id("close").n_clicks(0)),
    ))
    .id("modal")
    .is_open(false)
}

fn grid() -> ag_grid::AgGrid {
    let rows: Vec<_> = PROJECTS
        .iter()
        .map(|(project, kind, gib)| json!({"project": project, "kind": kind, "gib": gib}))
        .collect();
    ag_grid::ag_grid("projects")
        .column_defs(json!([
            {"field": "project", "sortable": true},
            {"field": "kind", "filter": true},
            {"field": "gib", "headerName": "GiB", "sortable": true},
        ]))
        .row_data(rows)
        .style(json!({"height": "260px"}))
}

/// The app's builder, mounted under `prefix` (`/` when it runs alone).
pub fn builder(prefix: &str) -> AppBuilder {
    App::builder()
        .title("Ecosystem")
        .routes_prefix(prefix)
        .layout(mantine::mantine_provider(html::div((
            navbar(),
            modal(),
            bootstrap::container((
                html::h2("Day").id("storage"),
                mantine::date_picker_input("day")
                    .label("Day")
                    .value("2026-11-02")
                    .value_format("YYYY-MM-DD"),
                mantine::text(()).id("day-text"),
                html::h2("Storage by project").class_name("mt-4"),
                grid(),
            ))
            .class_name("py-3"),
        ))))
        .callback(
            Callback::new(toggle_modal)
                .output("modal", "is_open")
                .input("open", "n_clicks")
                .input("close", "n_clicks"),
        )
        .callback(
            Callback::new(describe_day)
                .output("day-text", "children")
                .input("day", "value"),
        )
}

/// The app, mounted under `prefix`.
pub fn app(prefix: &str) -> BuildResult<App> {
    builder(prefix).build()
}

#[cfg(test)]
mod tests {
    use ferrodash::json;
    use ferrodash_testing::client::{CallbackCall, TestClient};

    #[tokio::test]
    async fn the_modal_opens_from_the_navbar_and_closes_from_its_button() {
        let client = TestClient::new(&super::app("/").unwrap());
        let call = CallbackCall::new()
            .output("modal", "is_open")
            .input("open", "n_clicks", json!(1))
            .input("close", "n_clicks", json!(0));
        let answer = client.call(&call.clone().triggered("open.n_clicks")).await;
        assert_eq!(answer.json()["response"]["modal"]["is_open"], true);
        let answer = client.call(&call.triggered("close.n_clicks")).await;
        assert_eq!(answer.json()["response"]["modal"]["is_open"], false);
    }

    #[tokio::test]
    async fn the_page_loads_each_package_once() {
        let client = TestClient::new(&super::app("/").unwrap());
        let page = client.get("/").await.text();
        for script in [
            "/_dash-component-suites/dash_ag_grid/dash_ag_grid.",
            "/_dash-component-suites/dash_bootstrap_components/_components/dash_bootstrap_components.",
            "/_dash-component-suites/dash_mantine_components/dash_mantine_components.",
        ] {
            assert_eq!(page.matches(script).count(), 1, "{script} in {page}");
        }
    }
}
