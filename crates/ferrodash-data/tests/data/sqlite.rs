//! SQLite: the embedded default.

use std::time::Duration;

use ferrodash_core::Column;
use ferrodash_data::{Backend, Bind, BindConfig, Query};
use serde::Deserialize;

use super::common::{drop_sqlite, sqlite, unique};
use super::shared;

#[tokio::test]
async fn sqlite_typed_rows_and_params() {
    let bind = sqlite(BindConfig::default()).await;
    assert_eq!(bind.backend(), Backend::Sqlite);
    shared::typed_rows_and_params(&bind).await;
    drop_sqlite(bind).await;
}

#[tokio::test]
async fn sqlite_row_limit() {
    let bind = sqlite(BindConfig::default().row_limit(3)).await;
    shared::row_limit(&bind).await;
    drop_sqlite(bind).await;
}

#[tokio::test]
async fn sqlite_param_errors() {
    let bind = sqlite(BindConfig::default()).await;
    shared::param_errors(&bind).await;
    drop_sqlite(bind).await;
}

#[tokio::test]
async fn sqlite_injection() {
    let bind = sqlite(BindConfig::default()).await;
    shared::injection(&bind).await;
    drop_sqlite(bind).await;
}

#[tokio::test]
async fn sqlite_timeout_interrupts_the_query() {
    let bind = sqlite(BindConfig::default().query_timeout(Duration::from_millis(200))).await;
    // Counts to a billion: minutes, unless interrupted.
    shared::timeout(
        &bind,
        "with recursive c(x) as (select 1 union all select x + 1 from c where x < 1000000000) \
         select count(*) from c",
    )
    .await;
    drop_sqlite(bind).await;
}

#[tokio::test]
async fn sqlite_columns_of_each_type() {
    let bind = sqlite(BindConfig::default()).await;
    let table = unique("kinds");
    bind.execute_script(
        "schema",
        &format!(
            "create table {table} (id integer primary key, n integer, x real, price numeric(10, 2), \
             name text, ok boolean, day date, at datetime);
             insert into {table} values (1, 7, 1.25, 10.5, 'a', 1, '2026-01-31', '2026-01-31T08:30:00');
             insert into {table} values (2, null, null, null, null, null, null, null);
             insert into {table} values (3, -2, 3.0, 3, 'c', 0, '2026-02-01', '2026-02-01T00:00:00');"
        ),
    )
    .await
    .unwrap();
    let t = bind
        .run(Query::inline(
            "all",
            format!("select n, x, price, name, ok, day, at from {table} order by id"),
        ))
        .fetch_columns()
        .await
        .unwrap();
    assert_eq!(t.len(), 3);
    assert_eq!(
        t.get("n"),
        Some(&Column::Int(vec![Some(7), None, Some(-2)]))
    );
    assert_eq!(
        t.get("x"),
        Some(&Column::Float(vec![Some(1.25), None, Some(3.0)]))
    );
    // NUMERIC stores 3 as an integer: the column widens to floats.
    assert_eq!(
        t.get("price"),
        Some(&Column::Float(vec![Some(10.5), None, Some(3.0)]))
    );
    assert_eq!(
        t.get("name"),
        Some(&Column::Text(vec![
            Some("a".into()),
            None,
            Some("c".into())
        ]))
    );
    assert_eq!(
        t.get("ok"),
        Some(&Column::Bool(vec![Some(true), None, Some(false)]))
    );
    assert_eq!(
        t.get("day"),
        Some(&Column::Text(vec![
            Some("2026-01-31".into()),
            None,
            Some("2026-02-01".into())
        ]))
    );
    assert_eq!(
        t.get("at"),
        Some(&Column::Text(vec![
            Some("2026-01-31T08:30:00".into()),
            None,
            Some("2026-02-01T00:00:00".into())
        ]))
    );
    // Typed rows: a 0/1 integer reads as a bool, dates as strings.
    #[derive(Debug, Deserialize, PartialEq)]
    struct Row {
        n: Option<i32>,
        ok: Option<bool>,
        flag: bool,
        day: Option<String>,
    }
    let rows: Vec<Row> = bind
        .run(Query::inline(
            "rows",
            format!("select n, ok, n > 0 as flag, day from {table} where id <> 2 order by id"),
        ))
        .fetch()
        .await
        .unwrap();
    assert_eq!(
        rows[0],
        Row {
            n: Some(7),
            ok: Some(true),
            flag: true,
            day: Some("2026-01-31".into())
        }
    );
    assert!(!rows[1].flag);
    // BLOBs are refused with the column named.
    let e = bind
        .run(Query::inline("blob", "select x'00ff' as raw"))
        .fetch_columns()
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("column `raw`") && e.to_string().contains("BLOB"),
        "{e}"
    );
    drop_sqlite(bind).await;
}

#[tokio::test]
async fn sqlite_file_and_folder_are_created() {
    let dir = std::env::temp_dir().join(unique("ferrodash-new-dir"));
    let file = dir.join("nested").join("app.db");
    assert!(!file.exists());
    let bind = Bind::connect(
        "app",
        &format!("sqlite://{}", file.display()),
        BindConfig::default(),
    )
    .await
    .unwrap();
    bind.execute_script(
        "schema",
        "create table t (a integer); insert into t values (1), (2);",
    )
    .await
    .unwrap();
    assert!(file.exists());
    bind.close().await;
    // Reopening keeps the data.
    let again = Bind::connect(
        "app",
        &format!("sqlite://{}", file.display()),
        BindConfig::default(),
    )
    .await
    .unwrap();
    let n: i64 = again
        .run(Query::inline("n", "select sum(a) from t"))
        .fetch_one()
        .await
        .unwrap();
    assert_eq!(n, 3);
    again.close().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn sqlite_script_errors_name_the_script() {
    let bind = sqlite(BindConfig::default()).await;
    let e = bind
        .execute_script(
            "seed",
            "create table a (x integer); insert into nowhere values (1);",
        )
        .await
        .unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("query `seed`") && text.contains("nowhere"),
        "{text}"
    );
    drop_sqlite(bind).await;
}

#[tokio::test]
async fn sqlite_in_memory() {
    let bind = Bind::connect("mem", "sqlite::memory:", BindConfig::default())
        .await
        .unwrap();
    bind.execute_script(
        "schema",
        "create table t (a integer); insert into t values (4);",
    )
    .await
    .unwrap();
    // Every connection of the pool sees the same database.
    let (a, b) = tokio::join!(
        bind.run(Query::inline("a", "select a from t"))
            .fetch_one::<i64>(),
        bind.run(Query::inline("b", "select a * 2 from t"))
            .fetch_one::<i64>(),
    );
    assert_eq!((a.unwrap(), b.unwrap()), (4, 8));
    bind.close().await;
}

#[tokio::test]
async fn sqlite_execute_many() {
    let bind = sqlite(BindConfig::default()).await;
    shared::execute_many(&bind).await;
    drop_sqlite(bind).await;
}

#[tokio::test]
async fn sqlite_ping() {
    let bind = sqlite(BindConfig::default()).await;
    shared::ping(&bind).await;
    drop_sqlite(bind).await;
}

#[tokio::test]
async fn sqlite_batch() {
    let bind = sqlite(BindConfig::default()).await;
    shared::batch(&bind).await;
    drop_sqlite(bind).await;
}

#[tokio::test]
async fn sqlite_transaction() {
    let bind = sqlite(BindConfig::default()).await;
    shared::transaction(&bind).await;
    drop_sqlite(bind).await;
}
