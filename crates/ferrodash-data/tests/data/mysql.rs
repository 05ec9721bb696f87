//! MariaDB (MySQL protocol) at `common::MYSQL_URL`.

use std::time::Duration;

use ferrodash_core::Column;
use ferrodash_data::{Bind, BindConfig, DataError, Query};

use super::common::{MYSQL_URL, drop_table, mysql, unique};
use super::shared;

server_backend_tests!(mysql, "select sleep(2)");

#[tokio::test]
async fn mysql_columns_of_each_type() {
    let bind = mysql(BindConfig::default()).await;
    let table = unique("kinds");
    bind.execute_script(
        "schema",
        &format!(
            "create table {table} (id int primary key, tiny tinyint, n int, big bigint unsigned, \
             r float, x double, price decimal(12, 3), name varchar(20), kind enum('a', 'b'), \
             ok boolean, day date, at datetime(3), ts timestamp null, t time, y year);
             insert into {table} values (1, -3, 7, 18446744073709551615, 0.1, 1.25, 12345.678, 'a', 'b', \
             true, '2026-01-31', '2026-01-31 08:30:00.250', '2026-01-31 08:30:00', '-01:02:03', 2026);
             insert into {table} (id) values (2);"
        ),
    )
    .await
    .unwrap();
    let t = bind
        .run(Query::inline(
            "all",
            format!("select * from {table} order by id"),
        ))
        .fetch_columns()
        .await
        .unwrap();
    let text = |v: &str| Column::Text(vec![Some(v.to_owned()), None]);
    assert_eq!(t.get("tiny"), Some(&Column::Int(vec![Some(-3), None])));
    assert_eq!(t.get("n"), Some(&Column::Int(vec![Some(7), None])));
    assert_eq!(
        t.get("big"),
        Some(&Column::Float(vec![Some(2f64.powi(64)), None]))
    );
    assert_eq!(t.get("r"), Some(&Column::Float(vec![Some(0.1), None])));
    assert_eq!(t.get("x"), Some(&Column::Float(vec![Some(1.25), None])));
    assert_eq!(
        t.get("price"),
        Some(&Column::Float(vec![Some(12345.678), None]))
    );
    assert_eq!(t.get("name"), Some(&text("a")));
    assert_eq!(t.get("kind"), Some(&text("b")));
    assert_eq!(t.get("ok"), Some(&Column::Bool(vec![Some(true), None])));
    assert_eq!(t.get("day"), Some(&text("2026-01-31")));
    assert_eq!(t.get("at"), Some(&text("2026-01-31T08:30:00.250")));
    assert_eq!(t.get("ts"), Some(&text("2026-01-31T08:30:00Z")));
    assert_eq!(t.get("t"), Some(&text("-01:02:03")));
    assert_eq!(t.get("y"), Some(&Column::Int(vec![Some(2026), None])));

    // SUM over integers is DECIMAL in MySQL: it still reads as an integer.
    let total: i64 = bind
        .run(Query::inline(
            "sum",
            format!("select sum(n) from {table} where day >= :since"),
        ))
        .params(&serde_json::json!({"since": "2026-01-01"}))
        .fetch_one()
        .await
        .unwrap();
    assert_eq!(total, 7);
    let e = bind
        .run(Query::inline("bytes", "select cast('ab' as binary) as raw"))
        .fetch_columns()
        .await
        .unwrap_err();
    assert!(
        matches!(&e, DataError::Decode { column: Some(c), .. } if c == "raw"),
        "{e:?}"
    );
    drop_table(&bind, &table).await;
}

#[tokio::test]
async fn mysql_password_is_redacted() {
    let url = MYSQL_URL.replace("root@", "root:Sup3rSecretPw@");
    let e = Bind::connect("maria", &url, BindConfig::default())
        .await
        .unwrap_err();
    for shown in [e.to_string(), format!("{e:?}")] {
        assert!(!shown.contains("Sup3rSecretPw"), "{shown}");
        assert!(shown.contains("root:***@127.0.0.1:3306"), "{shown}");
    }
    // The server was reached and refused the password.
    assert!(matches!(e, DataError::Connect { .. }), "{e:?}");
    assert!(e.to_string().contains("Access denied"), "{e}");
}

/// A query past the timeout stops on the server too, not only in the
/// client: no statement of it is left running there.
#[tokio::test]
async fn mysql_timeout_stops_the_query_on_the_server() {
    let bind = mysql(BindConfig::default().query_timeout(Duration::from_millis(500))).await;
    let marker = unique("slow_marker");
    let e = bind
        .run(Query::inline(
            "slow",
            format!("select sleep(6) as {marker}"),
        ))
        .fetch::<serde_json::Value>()
        .await
        .unwrap_err();
    assert!(matches!(e, DataError::Timeout { .. }), "{e:?}");
    let watcher = mysql(BindConfig::default()).await;
    let running = || async {
        watcher
            .run(Query::inline(
                "running",
                format!(
                    "select count(*) from information_schema.processlist \
                     where info like '%{marker}%' and info not like '%processlist%'"
                ),
            ))
            .fetch_one::<i64>()
            .await
            .unwrap()
    };
    let mut left = running().await;
    for _ in 0..20 {
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        left = running().await;
    }
    assert_eq!(left, 0, "the timed-out statement still runs on the server");
}
