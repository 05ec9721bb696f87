//! AG Grid blocks and DataTable pages read from each backend: the SQL the
//! grid module writes (casts of dates, case-sensitive `contains`) runs on
//! SQLite, PostgreSQL and MariaDB alike, with `day` a real `DATE` column
//! on the servers.

use ferrodash_data::grid::{BlockRequest, ColumnKind, GridTable, PageRequest, SortBy};
use ferrodash_data::{Bind, BindConfig};
use serde_json::{Value, json};

use super::common::{drop_sqlite, drop_table, mysql, postgres, sqlite, unique};

const ROWS: &str = "(1, 'Acme', 5.0, '2026-01-03'), (2, 'acme labs', 50.0, '2026-03-04'),
                    (3, 'Globex', 20.0, '2026-03-09'), (4, NULL, 1.0, '2026-04-01'),
                    (5, 'ACME', 70.0, '2026-05-05')";

fn ids(rows: &[Value]) -> Vec<i64> {
    rows.iter().map(|r| r["id"].as_i64().unwrap()).collect()
}

async fn page_ids(bind: &Bind, table: &GridTable, filter_query: &str) -> (Vec<i64>, u64) {
    let request = PageRequest {
        page_current: 0,
        page_size: 10,
        sort_by: vec![SortBy {
            column_id: "gib".into(),
            direction: "desc".into(),
        }],
        filter_query: filter_query.into(),
    };
    let page = table
        .fetch_page(bind, &request)
        .await
        .unwrap_or_else(|e| panic!("{filter_query}: {e}"));
    (ids(&page.rows), page.row_count)
}

async fn grid_and_table_read_the_same_on(bind: &Bind, day_type: &str) -> String {
    let name = unique("grid");
    bind.execute_script(
        "grid_table",
        &format!(
            "CREATE TABLE {name} (id INTEGER PRIMARY KEY, customer VARCHAR(40), \
             gib DOUBLE PRECISION NOT NULL, day {day_type} NOT NULL);
             INSERT INTO {name} (id, customer, gib, day) VALUES {ROWS};"
        ),
    )
    .await
    .unwrap();
    let table = GridTable::new(&name, "id")
        .and_then(|t| t.column("customer", ColumnKind::Text))
        .and_then(|t| t.column("gib", ColumnKind::Number))
        .and_then(|t| t.column("day", ColumnKind::Date))
        .unwrap();

    // DataTable's filter_query.
    assert_eq!(page_ids(bind, &table, "").await, (vec![5, 2, 3, 1, 4], 5));
    assert_eq!(
        page_ids(bind, &table, "{customer} icontains acme").await,
        (vec![5, 2, 1], 3)
    );
    assert_eq!(
        page_ids(bind, &table, "{customer} scontains Acme").await,
        (vec![1], 1)
    );
    assert_eq!(
        page_ids(bind, &table, "{day} < 2026-03-05").await,
        (vec![2, 1], 2)
    );
    assert_eq!(
        page_ids(bind, &table, "{day} datestartswith 2026-03").await,
        (vec![2, 3], 2)
    );
    assert_eq!(
        page_ids(bind, &table, "{gib} >= 20 && !({customer} is nil)").await,
        (vec![5, 2, 3], 3)
    );
    assert_eq!(
        page_ids(bind, &table, "{customer} is blank").await,
        (vec![4], 1)
    );
    assert_eq!(
        page_ids(bind, &table, "{customer} = \"x' OR '1'='1\"").await,
        (vec![], 0)
    );

    // AG Grid's filter model: a date range and a text filter.
    let request: BlockRequest = serde_json::from_value(json!({
        "startRow": 0, "endRow": 100,
        "sortModel": [{"colId": "day", "sort": "asc"}],
        "filterModel": {
            "day": {"filterType": "date", "type": "inRange",
                    "dateFrom": "2026-03-01 00:00:00", "dateTo": "2026-04-30 00:00:00"},
            "customer": {"filterType": "text", "type": "notBlank"},
        },
    }))
    .unwrap();
    let block = table.fetch_block(bind, &request).await.unwrap();
    assert_eq!((ids(&block.rows), block.row_count), (vec![2, 3], 2));
    assert_eq!(block.rows[0]["day"], "2026-03-04");
    name
}

#[tokio::test]
async fn on_sqlite() {
    let bind = sqlite(BindConfig::default()).await;
    grid_and_table_read_the_same_on(&bind, "TEXT").await;
    drop_sqlite(bind).await;
}

#[tokio::test]
async fn on_postgres() {
    let bind = postgres(BindConfig::default()).await;
    let name = grid_and_table_read_the_same_on(&bind, "DATE").await;
    drop_table(&bind, &name).await;
}

#[tokio::test]
async fn on_mariadb() {
    let bind = mysql(BindConfig::default()).await;
    let name = grid_and_table_read_the_same_on(&bind, "DATE").await;
    drop_table(&bind, &name).await;
}
