//! PostgreSQL at `common::POSTGRES_URL`.

use std::time::Duration;

use ferrodash_core::Column;
use ferrodash_data::{Bind, BindConfig, DataError, Query};

use super::common::{POSTGRES_URL, drop_table, postgres, unique};
use super::shared;

server_backend_tests!(postgres, "select pg_sleep(2)");

#[tokio::test]
async fn postgres_columns_of_each_type() {
    let bind = postgres(BindConfig::default()).await;
    let table = unique("kinds");
    bind.execute_script(
        "schema",
        &format!(
            "create table {table} (id int primary key, small int2, n int4, big int8, r real, \
             x float8, price numeric(12, 3), name text, code char(3), ok boolean, day date, \
             at timestamp, atz timestamptz, t time, u uuid, j jsonb);
             insert into {table} values (1, 1, 7, 9007199254740993, 0.1, 1.25, 12345.678, 'a', 'abc', \
             true, '2026-01-31', '2026-01-31 08:30:00.25', '2026-01-31 08:30:00+02', '23:59:59', \
             '00010203-0405-0607-0809-0a0b0c0d0e0f', '{{\"k\": [1, 2]}}');
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
    assert_eq!(t.get("small"), Some(&Column::Int(vec![Some(1), None])));
    assert_eq!(t.get("n"), Some(&Column::Int(vec![Some(7), None])));
    assert_eq!(
        t.get("big"),
        Some(&Column::Int(vec![Some(9_007_199_254_740_993), None]))
    );
    assert_eq!(t.get("r"), Some(&Column::Float(vec![Some(0.1), None])));
    assert_eq!(t.get("x"), Some(&Column::Float(vec![Some(1.25), None])));
    assert_eq!(
        t.get("price"),
        Some(&Column::Float(vec![Some(12345.678), None]))
    );
    assert_eq!(t.get("name"), Some(&text("a")));
    assert_eq!(t.get("code"), Some(&text("abc")));
    assert_eq!(t.get("ok"), Some(&Column::Bool(vec![Some(true), None])));
    assert_eq!(t.get("day"), Some(&text("2026-01-31")));
    assert_eq!(t.get("at"), Some(&text("2026-01-31T08:30:00.250")));
    assert_eq!(t.get("atz"), Some(&text("2026-01-31T06:30:00Z")));
    assert_eq!(t.get("t"), Some(&text("23:59:59")));
    assert_eq!(
        t.get("u"),
        Some(&text("00010203-0405-0607-0809-0a0b0c0d0e0f"))
    );
    assert_eq!(t.get("j"), Some(&text(r#"{"k":[1,2]}"#)));

    // Typed rows: JSON stays JSON, a date compares through a cast.
    #[derive(serde::Deserialize)]
    struct Row {
        j: serde_json::Value,
        total: i64,
    }
    let row: Row = bind
        .run(Query::inline(
            "json",
            format!("select j, sum(n) as total from {table} where day >= :since::date group by j"),
        ))
        .params(&serde_json::json!({"since": "2026-01-01"}))
        .fetch_one()
        .await
        .unwrap();
    assert_eq!(row.j, serde_json::json!({"k": [1, 2]}));
    assert_eq!(row.total, 7);
    // A NULL parameter takes its type from the context.
    let found: Vec<i32> = bind
        .run(Query::inline(
            "null",
            format!("select id from {table} where n = :n or (:n is null and n is null)"),
        ))
        .params(&serde_json::json!({"n": null}))
        .fetch()
        .await
        .unwrap();
    assert_eq!(found, [2]);
    // Negative and fractional NUMERIC values.
    let v: f64 = bind
        .run(Query::inline("num", "select -0.05::numeric + 0 * :z"))
        .params(&serde_json::json!({"z": 1}))
        .fetch_one()
        .await
        .unwrap();
    assert!((v + 0.05).abs() < 1e-12, "{v}");
    // Unsupported types are named.
    let e = bind
        .run(Query::inline("bytes", "select '\\x00ff'::bytea as raw"))
        .fetch_columns()
        .await
        .unwrap_err();
    assert!(
        matches!(&e, DataError::Decode { column: Some(c), .. } if c == "raw"),
        "{e:?}"
    );
    assert!(e.to_string().contains("BYTEA"), "{e}");
    drop_table(&bind, &table).await;
}

#[tokio::test]
async fn postgres_password_is_redacted() {
    // Trust authentication ignores the password, so this connects.
    let url = POSTGRES_URL.replace("postgres@", "postgres:Sup3rSecretPw@");
    let bind = Bind::connect("pg", &url, BindConfig::default())
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL is not reachable at {POSTGRES_URL}: {e}"));
    let debug = format!("{bind:?}");
    assert!(
        !debug.contains("Sup3rSecretPw") && debug.contains("postgres:***@"),
        "{debug}"
    );
    assert!(!bind.url().contains("Sup3rSecretPw"));
    // A refused connection: the message names the URL, redacted.
    let e = Bind::connect(
        "down",
        "postgres://app:Sup3rSecretPw@127.0.0.1:1/x",
        BindConfig::default(),
    )
    .await
    .unwrap_err();
    for shown in [e.to_string(), format!("{e:?}")] {
        assert!(!shown.contains("Sup3rSecretPw"), "{shown}");
        assert!(shown.contains("app:***@127.0.0.1:1"), "{shown}");
    }
    assert!(matches!(e, DataError::Connect { .. }), "{e:?}");
    // A URL sqlx refuses.
    let e = Bind::connect(
        "bad",
        "postgres://app:Sup3rSecretPw@127.0.0.1:notaport/x",
        BindConfig::default(),
    )
    .await
    .unwrap_err();
    assert!(!format!("{e} {e:?}").contains("Sup3rSecretPw"), "{e:?}");
}
