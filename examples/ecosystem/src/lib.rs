//! Dash's component ecosystem in one page, each library from its own
//! package and typed like `html` and `dcc`: a Bootstrap navbar and a modal
//! opened and closed by callbacks, a Mantine date picker whose value a
//! callback reads, an AG Grid of storage by project, and an AG Grid over a
//! million usage events whose every block (sorted, filtered, scrolled to) a
//! callback reads from SQLite with bound parameters.
//!
//! Run with `cargo run -p example-ecosystem`, then open <http://127.0.0.1:8050>
//! (the first start writes the million events to `ecosystem.db`).

use ferrodash::data::grid::{BlockRequest, ColumnKind, GridTable, PageRequest, SortBy};
use ferrodash::data::{Bind, BindConfig, DataError, Query};
use ferrodash::prelude::*;
use ferrodash::{
    AppBuilder, BuildResult, Download, Value, ag_grid, bootstrap, dash_table, json, mantine,
};

/// How many usage events [`Ecosystem::open`] writes into a new database.
pub const EVENT_ROWS: u64 = 1_000_000;

/// The example's database: a table of usage events.
#[derive(Debug, Clone)]
pub struct Ecosystem {
    bind: Bind,
}

impl Ecosystem {
    /// The database at `url`, with [`EVENT_ROWS`] events written when its
    /// table is new.
    ///
    /// # Errors
    ///
    /// [`DataError`] when the database cannot be opened or written.
    pub async fn open(url: &str) -> Result<Self, DataError> {
        Self::open_with(url, EVENT_ROWS).await
    }

    /// The database at `url`, with `rows` events written when its table is new.
    ///
    /// # Errors
    ///
    /// [`DataError`] when the database cannot be opened or written.
    pub async fn open_with(url: &str, rows: u64) -> Result<Self, DataError> {
        let bind = Bind::connect("events", url, BindConfig::default()).await?;
        bind.execute_script(
            "events_schema",
            "CREATE TABLE IF NOT EXISTS events (
                 id INTEGER PRIMARY KEY, customer TEXT NOT NULL, project TEXT NOT NULL,
                 kind TEXT NOT NULL, gib REAL NOT NULL, day TEXT NOT NULL);
             CREATE INDEX IF NOT EXISTS events_gib ON events (gib, id);
             CREATE INDEX IF NOT EXISTS events_customer ON events (customer, id);",
        )
        .await?;
        let existing: i64 = bind
            .run(Query::inline("events_count", "SELECT COUNT(*) FROM events"))
            .fetch_one()
            .await?;
        if existing == 0 {
            // Generated in SQL, deterministically: event i is for customer
            // i mod 1000, project i mod 37, on day i mod 334 of 2026.
            bind.run(Query::inline(
                "events_fill",
                "INSERT INTO events
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :rows)
                 SELECT i, 'customer-' || (i % 1000), 'project-' || (i % 37),
                        CASE i % 3 WHEN 0 THEN 'video' WHEN 1 THEN 'audio' ELSE 'image' END,
                        ((i * 7919) % 100000) / 100.0,
                        date('2026-01-01', '+' || (i % 334) || ' days')
                 FROM n",
            ))
            .params(&json!({"rows": rows}))
            .execute()
            .await?;
        }
        Ok(Self { bind })
    }

    /// The database.
    #[must_use]
    pub const fn bind(&self) -> &Bind {
        &self.bind
    }
}

/// The events grid's table: the columns it may show, sort and filter.
///
/// # Panics
///
/// Never: the names are fixed identifiers.
#[must_use]
#[allow(clippy::expect_used, reason = "fixed, valid identifiers")]
pub fn events_table() -> GridTable {
    GridTable::new("events", "id")
        .and_then(|t| t.column("customer", ColumnKind::Text))
        .and_then(|t| t.column("project", ColumnKind::Text))
        .and_then(|t| t.column("kind", ColumnKind::Text))
        .and_then(|t| t.column("gib", ColumnKind::Number))
        .and_then(|t| t.column("day", ColumnKind::Date))
        .expect("fixed identifiers")
}

/// One block of the events grid, and the statement that read it (shown
/// under the grid).
async fn events_block(
    Input(request): Input<Option<BlockRequest>>,
    AppState(ecosystem): AppState<Ecosystem>,
) -> Result<(Json<Value>, String), CallbackError> {
    let request = request.ok_or(PreventUpdate)?;
    let block = events_table()
        .fetch_block(&ecosystem.bind, &request)
        .await
        .map_err(|e| e.into_callback_error("getRowsRequest"))?;
    let statement = format!(
        "{}\n{}",
        block.statement.sql,
        Value::Object(block.statement.params.clone())
    );
    Ok((Json(block.response()), statement))
}

/// One page of the events table (DataTable with custom paging, sorting
/// and filtering), its page count, and the statement that read it.
async fn events_page(
    Input(page_current): Input<Option<u64>>,
    Input(page_size): Input<Option<u64>>,
    Input(sort_by): Input<Option<Vec<SortBy>>>,
    Input(filter_query): Input<Option<String>>,
    AppState(ecosystem): AppState<Ecosystem>,
) -> Result<(Json<Value>, u64, String), CallbackError> {
    let request = PageRequest {
        page_current: page_current.unwrap_or(0),
        page_size: page_size.unwrap_or(EVENTS_PAGE_SIZE),
        sort_by: sort_by.unwrap_or_default(),
        filter_query: filter_query.unwrap_or_default(),
    };
    let page = events_table()
        .fetch_page(&ecosystem.bind, &request)
        .await
        .map_err(|e| e.into_callback_error("filter_query"))?;
    let statement = format!(
        "{}\n{}",
        page.statement.sql,
        Value::Object(page.statement.params.clone())
    );
    Ok((Json(Value::from(page.rows)), page.page_count, statement))
}

/// Rows per page of the events table.
const EVENTS_PAGE_SIZE: u64 = 10;

fn events_table_view() -> dash_table::DataTable {
    let columns: Vec<Value> = ["id", "customer", "project", "kind", "gib", "day"]
        .iter()
        .map(|name| {
            let kind = if matches!(*name, "id" | "gib") {
                "numeric"
            } else {
                "text"
            };
            json!({"id": name, "name": name, "type": kind})
        })
        .collect();
    dash_table::data_table("events-table")
        .columns(Value::Array(columns))
        .page_action(dash_table::DataTablePageAction::Custom)
        .page_current(0)
        .page_size(EVENTS_PAGE_SIZE)
        .sort_action(dash_table::DataTableSortAction::Custom)
        .sort_mode(dash_table::DataTableSortMode::Single)
        .sort_by(json!([]))
        .filter_action("custom")
        .filter_query("")
}

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

/// The storage table, as the grid shows it.
fn storage_table() -> Result<ferrodash::Columns, CallbackError> {
    let rows: Vec<Value> = PROJECTS
        .iter()
        .map(|(project, kind, gib)| json!({"project": project, "kind": kind, "gib": gib}))
        .collect();
    Ok(ferrodash::Columns::from_rows(&rows)?)
}

/// The storage table as a CSV file, on a click of the export button.
async fn export_storage(Input(clicks): Input<Option<u64>>) -> Result<Download, CallbackError> {
    clicks.filter(|n| *n > 0).ok_or(PreventUpdate)?;
    Ok(Download::csv("storage.csv", &storage_table()?)?)
}

/// The storage table as a Parquet file, on a click of its button.
async fn export_storage_parquet(
    Input(clicks): Input<Option<u64>>,
) -> Result<Download, CallbackError> {
    clicks.filter(|n| *n > 0).ok_or(PreventUpdate)?;
    Ok(Download::parquet("storage.parquet", &storage_table()?)?)
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

fn events_grid() -> ag_grid::AgGrid {
    ag_grid::ag_grid("events")
        .row_model_type(ag_grid::AgGridRowModelType::Infinite)
        .column_defs(json!([
            {"field": "id", "sortable": true, "filter": "agNumberColumnFilter"},
            {"field": "customer", "sortable": true, "filter": "agTextColumnFilter"},
            {"field": "project", "sortable": true, "filter": "agTextColumnFilter"},
            {"field": "kind", "filter": "agTextColumnFilter"},
            {"field": "gib", "headerName": "GiB", "sortable": true, "filter": "agNumberColumnFilter"},
            {"field": "day", "sortable": true, "filter": "agDateColumnFilter"},
        ]))
        .dash_grid_options(json!({"rowBuffer": 0, "cacheBlockSize": 100, "maxBlocksInCache": 20}))
        .style(json!({"height": "420px"}))
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
pub fn builder(prefix: &str, ecosystem: &Ecosystem) -> AppBuilder {
    App::builder()
        .title("Ecosystem")
        .routes_prefix(prefix)
        .with_state(ecosystem.clone())
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
                bootstrap::button("Export CSV")
                    .id("export")
                    .n_clicks(0)
                    .class_name("mt-2 me-2"),
                bootstrap::button("Export Parquet")
                    .id("export-parquet")
                    .n_clicks(0)
                    .color("secondary")
                    .class_name("mt-2"),
                dcc::download("download"),
                dcc::download("download-parquet"),
                html::h2("Usage events").class_name("mt-4"),
                events_grid(),
                html::pre(())
                    .id("events-sql")
                    .class_name("small mt-2")
                    .style(json!({"whiteSpace": "pre-wrap"})),
                html::h2("Usage events, a page at a time").class_name("mt-4"),
                events_table_view(),
                html::pre(())
                    .id("events-table-sql")
                    .class_name("small mt-2")
                    .style(json!({"whiteSpace": "pre-wrap"})),
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
            Callback::new(events_block)
                .output("events", "getRowsResponse")
                .output("events-sql", "children")
                .input("events", "getRowsRequest"),
        )
        .callback(
            Callback::new(events_page)
                .output("events-table", "data")
                .output("events-table", "page_count")
                .output("events-table-sql", "children")
                .input("events-table", "page_current")
                .input("events-table", "page_size")
                .input("events-table", "sort_by")
                .input("events-table", "filter_query"),
        )
        .callback(
            Callback::new(export_storage)
                .output("download", "data")
                .input("export", "n_clicks"),
        )
        .callback(
            Callback::new(export_storage_parquet)
                .output("download-parquet", "data")
                .input("export-parquet", "n_clicks"),
        )
        .callback(
            Callback::new(describe_day)
                .output("day-text", "children")
                .input("day", "value"),
        )
}

/// The app on `ecosystem`'s database, mounted under `prefix`.
pub fn app(prefix: &str, ecosystem: &Ecosystem) -> BuildResult<App> {
    builder(prefix, ecosystem).build()
}

#[cfg(test)]
mod tests {
    use ferrodash::json;
    use ferrodash_testing::client::{CallbackCall, TestClient};

    /// The app on a new database of 1000 events in the temporary folder.
    async fn app() -> ferrodash::App {
        static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "ferrodash-ecosystem-unit-{}-{n}.db",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&path);
        let ecosystem = super::Ecosystem::open_with(&format!("sqlite://{}", path.display()), 1000)
            .await
            .unwrap();
        super::app("/", &ecosystem).unwrap()
    }

    #[tokio::test]
    async fn the_modal_opens_from_the_navbar_and_closes_from_its_button() {
        let client = TestClient::new(&app().await);
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
        let client = TestClient::new(&app().await);
        let page = client.get("/").await.text();
        for script in [
            "/_dash-component-suites/dash_ag_grid/dash_ag_grid.",
            "/_dash-component-suites/dash_bootstrap_components/_components/dash_bootstrap_components.",
            "/_dash-component-suites/dash_mantine_components/dash_mantine_components.",
        ] {
            assert_eq!(page.matches(script).count(), 1, "{script} in {page}");
        }
    }

    #[tokio::test]
    async fn a_block_comes_back_with_its_statement_and_a_bad_one_is_a_client_error() {
        let client = TestClient::new(&app().await);
        let call = CallbackCall::new()
            .output("events", "getRowsResponse")
            .output("events-sql", "children");
        let answer = client
            .call(&call.clone().input(
                "events",
                "getRowsRequest",
                json!({"startRow": 10, "endRow": 12, "sortModel": [], "filterModel": {
                    "customer": {"filterType": "text", "type": "equals", "filter": "customer-7"}}}),
            ))
            .await;
        let response = &answer.json()["response"];
        assert_eq!(response["events"]["getRowsResponse"]["rowCount"], 1);
        assert_eq!(response["events"]["getRowsResponse"]["rowData"], json!([]));
        let sql = response["events-sql"]["children"].as_str().unwrap();
        assert!(sql.contains("LOWER(customer) LIKE :f0"), "{sql}");
        assert!(sql.contains(r#""f0":"customer-7""#), "{sql}");
        let bad = client
            .call(&call.input(
                "events",
                "getRowsRequest",
                json!({"startRow": 0, "endRow": 10,
                "sortModel": [{"colId": "secret", "sort": "asc"}]}),
            ))
            .await;
        assert_eq!(bad.status(), 422, "{}", bad.text());
        assert!(
            bad.text().contains("the grid has no column `secret`"),
            "{}",
            bad.text()
        );
    }
}
