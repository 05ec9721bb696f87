//! A DataTable: rows filtered by a callback, sorting and paging in the browser,
//! and the clicked cell shown below the table.
//!
//! Run with `cargo run -p example-datatable`, then open <http://127.0.0.1:8050>.

use ferrodash::prelude::*;
use ferrodash::{AppBuilder, BuildResult};

/// The table's rows: a city, its country and population in thousands.
fn rows() -> Vec<Value> {
    [
        ("Tokyo", "Japan", 13_960),
        ("Delhi", "India", 16_787),
        ("Shanghai", "China", 24_870),
        ("São Paulo", "Brazil", 11_451),
        ("Mexico City", "Mexico", 9_209),
        ("Cairo", "Egypt", 10_025),
        ("Mumbai", "India", 12_442),
        ("Beijing", "China", 21_893),
        ("Osaka", "Japan", 2_753),
        ("Lagos", "Nigeria", 15_388),
        ("Paris", "France", 2_103),
        ("Lyon", "France", 522),
    ]
    .into_iter()
    .map(|(city, country, population)| json!({"city": city, "country": country, "population": population}))
    .collect()
}

/// Keeps the rows with at least `min` thousand people.
async fn filter(Input(min): Input<Option<f64>>) -> Json<Vec<Value>> {
    let min = min.unwrap_or(0.0);
    Json(
        rows()
            .into_iter()
            .filter(|row| row["population"].as_f64().unwrap_or(0.0) >= min)
            .collect(),
    )
}

/// Describes the clicked cell.
async fn show_cell(
    Input(cell): Input<Option<Value>>,
    State(data): State<Option<Vec<Value>>>,
) -> String {
    let (Some(cell), Some(data)) = (cell, data) else {
        return "Click a cell".to_owned();
    };
    let row = cell
        .get("row")
        .and_then(Value::as_u64)
        .and_then(|r| usize::try_from(r).ok())
        .unwrap_or(0);
    let column = cell
        .get("column_id")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let value = data
        .get(row)
        .and_then(|r| r.get(column))
        .cloned()
        .unwrap_or(Value::Null);
    format!("Row {row}, {column}: {value}")
}

/// The app's builder, mounted under `prefix` (`/` when it runs alone).
pub fn builder(prefix: &str) -> AppBuilder {
    let columns = json!([
        {"name": "City", "id": "city"},
        {"name": "Country", "id": "country"},
        {"name": "Population (thousands)", "id": "population", "type": "numeric"},
    ]);
    App::builder()
        .title("DataTable")
        .routes_prefix(prefix)
        .layout(html::div((
            html::h1("Cities"),
            html::label("At least (thousands): ").html_for("min-population"),
            dcc::input("min-population")
                .type_(dcc::InputType::Number)
                .value(0)
                .debounce(false),
            dash_table::data_table("table")
                .columns(columns)
                .data(rows())
                .sort_action(dash_table::DataTableSortAction::Native)
                .page_size(20),
            html::p(()).id("cell"),
        )))
        .callback(
            Callback::new(filter)
                .output("table", "data")
                .input("min-population", "value"),
        )
        .callback(
            Callback::new(show_cell)
                .output("cell", "children")
                .input("table", "active_cell")
                .state("table", "derived_virtual_data"),
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
    async fn filters_rows_by_population() {
        let client = TestClient::new(&super::app("/").unwrap());
        let answer = client
            .call(&CallbackCall::new().output("table", "data").input(
                "min-population",
                "value",
                json!(20_000),
            ))
            .await;
        let rows = answer.json()["response"]["table"]["data"].clone();
        let cities: Vec<&str> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["city"].as_str().unwrap())
            .collect();
        assert_eq!(cities, ["Shanghai", "Beijing"]);
        let wrong = client
            .call(&CallbackCall::new().output("table", "data").input(
                "min-population",
                "value",
                json!("many"),
            ))
            .await;
        assert_eq!(wrong.status(), 422);
    }
}
