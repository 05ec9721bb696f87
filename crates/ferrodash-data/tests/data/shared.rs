//! Tests run on every backend: each takes a bind, creates its own table
//! and drops it.

use std::time::{Duration, Instant};

use ferrodash_core::Column;
use ferrodash_data::{Backend, Bind, DataError, Query};
use serde::{Deserialize, Serialize};

use super::common::{drop_table, unique};

/// Creates a `people` table (id, name, n, x) with five rows; returns its
/// name.
pub(crate) async fn people(bind: &Bind) -> String {
    let table = unique("people");
    let id = match bind.backend() {
        Backend::Postgres => "id serial primary key",
        Backend::MySql => "id int auto_increment primary key",
        _ => "id integer primary key",
    };
    bind.execute_script(
        "create people",
        &format!(
            "create table {table} ({id}, name varchar(100), n integer, x double precision);
             insert into {table} (name, n, x) values ('ann', 1, 0.5), ('bob', 2, 1.5), \
             ('cy', 3, null), ('di', null, 2.25), ('ed', 5, 3.0);"
        ),
    )
    .await
    .unwrap();
    table
}

#[derive(Debug, Deserialize, PartialEq)]
struct Person {
    name: String,
    n: Option<i64>,
    x: Option<f64>,
}

#[derive(Serialize)]
struct Filter<'a> {
    min: i64,
    names: &'a [&'a str],
}

pub(crate) async fn typed_rows_and_params(bind: &Bind) {
    let table = people(bind).await;
    let q = Query::inline(
        "people_in",
        format!(
            "select name, n, x from {table} \
             where (n >= :min or n is null) and name in (:names) order by name"
        ),
    );
    let rows: Vec<Person> = bind
        .run(q.clone())
        .params(&Filter {
            min: 2,
            names: &["ann", "bob", "di", "ed"],
        })
        .fetch()
        .await
        .unwrap();
    assert_eq!(
        rows,
        [
            Person {
                name: "bob".into(),
                n: Some(2),
                x: Some(1.5)
            },
            Person {
                name: "di".into(),
                n: None,
                x: Some(2.25)
            },
            Person {
                name: "ed".into(),
                n: Some(5),
                x: Some(3.0)
            },
        ]
    );

    // A parameter used twice, a NULL parameter, a tuple row and a scalar.
    let count = Query::inline(
        "count_between",
        format!("select count(*) from {table} where n >= :lo and n <= :lo + 1 or name = :none"),
    );
    let n: i64 = bind
        .run(count)
        .params(&serde_json::json!({"lo": 1, "none": null}))
        .fetch_one()
        .await
        .unwrap();
    assert_eq!(n, 2);
    let first: (String, Option<i64>) = bind
        .run(Query::inline(
            "first",
            format!("select name, n from {table} where id = :id"),
        ))
        .params(&serde_json::json!({"id": 1}))
        .fetch_one()
        .await
        .unwrap();
    assert_eq!(first, ("ann".to_owned(), Some(1)));
    let none: Option<Person> = bind
        .run(Query::inline(
            "nobody",
            format!("select name, n, x from {table} where name = :name"),
        ))
        .params(&serde_json::json!({"name": "zed"}))
        .fetch_optional()
        .await
        .unwrap();
    assert_eq!(none, None);
    let e = bind
        .run(Query::inline("all", format!("select name from {table}")))
        .fetch_one::<String>()
        .await
        .unwrap_err();
    assert!(matches!(e, DataError::TooManyRows { .. }), "{e}");

    // execute() counts rows.
    let changed = bind
        .run(Query::inline(
            "bump",
            format!("update {table} set n = n + 1 where n >= :min"),
        ))
        .params(&serde_json::json!({"min": 3}))
        .execute()
        .await
        .unwrap();
    assert_eq!(changed, 2);

    // Columns, with a NULL in each numeric column.
    let columns = bind
        .run(Query::inline(
            "cols",
            format!("select name, n, x from {table} order by id"),
        ))
        .fetch_columns()
        .await
        .unwrap();
    assert_eq!(
        columns.get("n"),
        Some(&Column::Int(vec![Some(1), Some(2), Some(4), None, Some(6)]))
    );
    assert_eq!(
        columns.get("x"),
        Some(&Column::Float(vec![
            Some(0.5),
            Some(1.5),
            None,
            Some(2.25),
            Some(3.0)
        ]))
    );
    // No rows: the columns are still there, typed.
    let empty = bind
        .run(Query::inline(
            "none",
            format!("select name, n from {table} where 1 = 0"),
        ))
        .fetch_columns()
        .await
        .unwrap();
    assert_eq!(empty.names(), ["name", "n"]);
    assert_eq!(empty.get("n"), Some(&Column::Int(vec![])));
    drop_table(bind, &table).await;
}

/// `bind` must have a row limit of 3.
pub(crate) async fn row_limit(bind: &Bind) {
    let table = people(bind).await;
    let over = Query::inline("everyone", format!("select * from {table}"));
    let e = bind
        .run(over.clone())
        .fetch::<serde_json::Value>()
        .await
        .unwrap_err();
    assert!(matches!(e, DataError::RowLimit { limit: 3, .. }), "{e:?}");
    let text = e.to_string();
    assert!(
        text.contains(&format!("bind `{}`", bind.name()))
            && text.contains("query `everyone`")
            && text.contains("more than 3 rows"),
        "{text}"
    );
    let e = bind.run(over).fetch_columns().await.unwrap_err();
    assert!(matches!(e, DataError::RowLimit { .. }), "{e:?}");
    // Exactly at the limit is fine, and the bind still works after the error.
    let three: Vec<String> = bind
        .run(Query::inline(
            "three",
            format!("select name from {table} where id <= 3"),
        ))
        .fetch()
        .await
        .unwrap();
    assert_eq!(three.len(), 3);
    drop_table(bind, &table).await;
}

pub(crate) async fn param_errors(bind: &Bind) {
    let table = people(bind).await;
    let q = Query::inline(
        "by_name",
        format!("select n from {table} where name = :name and n > :min"),
    );
    let e = bind
        .run(q.clone())
        .params(&serde_json::json!({"name": "ann"}))
        .fetch::<i64>()
        .await
        .unwrap_err();
    match &e {
        DataError::MissingParam { origin, name } => {
            assert_eq!(name, "min");
            assert_eq!(origin.bind(), bind.name());
            assert_eq!(origin.query(), Some("by_name"));
        }
        other => panic!("expected MissingParam, got {other:?}"),
    }
    assert!(e.to_string().contains(":min"), "{e}");
    let e = bind
        .run(q.clone())
        .params(&serde_json::json!({"name": "ann", "min": 0, "mni": 1}))
        .fetch::<i64>()
        .await
        .unwrap_err();
    assert!(
        matches!(&e, DataError::UnusedParam { name, .. } if name == "mni"),
        "{e:?}"
    );
    let e = bind
        .run(q.clone())
        .params(&serde_json::json!({"name": {"first": "ann"}, "min": 0}))
        .fetch::<i64>()
        .await
        .unwrap_err();
    assert!(matches!(&e, DataError::BadParams { .. }), "{e:?}");
    assert!(e.to_string().contains("parameter `name`"), "{e}");
    let e = bind
        .run(Query::inline(
            "in_none",
            format!("select n from {table} where name in (:names)"),
        ))
        .params(&serde_json::json!({"names": []}))
        .fetch::<i64>()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("empty list"), "{e}");
    let e = bind.query("not_there").fetch::<i64>().await.unwrap_err();
    assert!(matches!(e, DataError::UnknownQuery { .. }), "{e:?}");
    // A decode error names the column and the target type.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Wrong {
        name: i64,
    }
    let e = bind
        .run(Query::inline(
            "wrong",
            format!("select name from {table} where id = 1"),
        ))
        .fetch::<Wrong>()
        .await
        .unwrap_err();
    let text = e.to_string();
    assert!(
        matches!(&e, DataError::Decode { column: Some(c), .. } if c == "name"),
        "{e:?}"
    );
    assert!(
        text.contains("column `name`") && text.contains("Wrong"),
        "{text}"
    );
    // A database error names bind and query, with the driver's message.
    let e = bind
        .run(Query::inline("typo", format!("select nope from {table}")))
        .fetch::<i64>()
        .await
        .unwrap_err();
    assert!(matches!(e, DataError::Database { .. }), "{e:?}");
    assert!(
        e.to_string().contains("query `typo`") && e.to_string().contains("nope"),
        "{e}"
    );
    drop_table(bind, &table).await;
}

pub(crate) async fn injection(bind: &Bind) {
    let table = people(bind).await;
    let q = Query::inline(
        "by_name",
        format!("select name from {table} where name = :name"),
    );
    for evil in [
        "x' OR '1'='1",
        "x' OR '1'='1' --",
        "x\\' OR 1=1 #",
        &format!("1; DROP TABLE {table}"),
        &format!("'; DROP TABLE {table}; --"),
    ] {
        let rows: Vec<String> = bind
            .run(q.clone())
            .params(&serde_json::json!({ "name": evil }))
            .fetch()
            .await
            .unwrap();
        assert!(rows.is_empty(), "{evil:?} matched {rows:?}");
        let rows: Vec<String> = bind
            .run(Query::inline(
                "in",
                format!("select name from {table} where name in (:names)"),
            ))
            .params(&serde_json::json!({ "names": [evil, "ann"] }))
            .fetch()
            .await
            .unwrap();
        assert_eq!(rows, ["ann"], "{evil:?}");
        // Stored and read back verbatim.
        bind.run(Query::inline(
            "add",
            format!("insert into {table} (name) values (:name)"),
        ))
        .params(&serde_json::json!({ "name": evil }))
        .execute()
        .await
        .unwrap();
        let back: Vec<String> = bind
            .run(q.clone())
            .params(&serde_json::json!({ "name": evil }))
            .fetch()
            .await
            .unwrap();
        assert_eq!(back, [evil]);
    }
    let count: i64 = bind
        .run(Query::inline(
            "count",
            format!("select count(*) from {table}"),
        ))
        .fetch_one()
        .await
        .expect("the table still exists");
    assert_eq!(count, 10);
    drop_table(bind, &table).await;
}

/// `bind` must have a 200 ms query timeout; `slow` runs for seconds.
pub(crate) async fn timeout(bind: &Bind, slow: &str) {
    let start = Instant::now();
    let e = bind
        .run(Query::inline("slow", slow).with_source("queries/slow.sql"))
        .fetch::<serde_json::Value>()
        .await
        .unwrap_err();
    let took = start.elapsed();
    assert!(matches!(e, DataError::Timeout { .. }), "{e:?}");
    assert!(took < Duration::from_millis(1_500), "took {took:?}");
    let text = e.to_string();
    assert!(
        text.contains(&format!("bind `{}`", bind.name()))
            && text.contains("query `slow` (queries/slow.sql)")
            && text.contains("timed out after 200ms"),
        "{text}"
    );
    // The bind still works.
    let one: i64 = bind
        .run(Query::inline("one", "select 1"))
        .fetch_one()
        .await
        .unwrap();
    assert_eq!(one, 1);
}

/// `execute_many` writes every row in one transaction, or none.
pub(crate) async fn execute_many(bind: &Bind) {
    let table = super::common::unique("many");
    bind.execute_script(
        "schema",
        &format!("create table {table} (id integer primary key, name varchar(40) not null)"),
    )
    .await
    .unwrap();
    let insert = Query::inline(
        "insert",
        format!("insert into {table} (id, name) values (:id, :name)"),
    );
    let rows: Vec<serde_json::Value> = (0..500)
        .map(|i| serde_json::json!({"id": i, "name": format!("row {i}")}))
        .collect();
    let written = bind.run(insert.clone()).execute_many(&rows).await.unwrap();
    assert_eq!(written, 500);
    let count = Query::inline("count", format!("select count(*) from {table}"));
    let n: i64 = bind.run(count.clone()).fetch_one().await.unwrap();
    assert_eq!(n, 500);

    // The third row repeats a key: nothing of this batch is written.
    let clash = vec![
        serde_json::json!({"id": 1000, "name": "new"}),
        serde_json::json!({"id": 1001, "name": "new"}),
        serde_json::json!({"id": 7, "name": "clash"}),
    ];
    let err = bind
        .run(insert.clone())
        .execute_many(&clash)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("insert"), "{err}");
    let n: i64 = bind.run(count).fetch_one().await.unwrap();
    assert_eq!(n, 500, "the failed batch was rolled back");

    // A row with a misspelt field is refused before anything runs.
    let err = bind
        .run(insert)
        .execute_many(&[serde_json::json!({"id": 2000, "nmae": "typo"})])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("name"), "{err}");
    bind.execute_script("drop", &format!("drop table {table}"))
        .await
        .unwrap();
}

/// A batch of different statements runs in one transaction: all of them,
/// or none, and an error names the statement's query.
/// The database answers a ping, and a closed pool does not.
pub(crate) async fn ping(bind: &Bind) {
    bind.ping().await.unwrap();
    let closed = bind.clone();
    closed.close().await;
    let err = closed.ping().await.unwrap_err();
    assert!(!err.to_string().is_empty());
}

pub(crate) async fn batch(bind: &Bind) {
    let table = super::common::unique("batch");
    let totals = super::common::unique("batch_totals");
    bind.execute_script(
        "schema",
        &format!(
            "create table {table} (id integer primary key, amount integer not null); \
             create table {totals} (n integer not null, total integer not null)"
        ),
    )
    .await
    .unwrap();
    let insert = Query::inline(
        "insert_row",
        format!("insert into {table} (id, amount) values (:id, :amount)"),
    );
    let refresh = Query::inline(
        "refresh_totals",
        format!("insert into {totals} (n, total) select count(*), sum(amount) from {table}"),
    );
    let rows: Vec<serde_json::Value> = (1..=10)
        .map(|i| serde_json::json!({"id": i, "amount": i * 10}))
        .collect();
    let written = bind
        .batch()
        .execute_many(bind.run(insert.clone()), &rows)
        .execute(bind.run(refresh.clone()))
        .commit()
        .await
        .unwrap();
    assert_eq!(written, [10, 1], "rows per added call");
    let read = Query::inline("read", format!("select n, total from {totals}"));
    let got: Vec<(i64, i64)> = bind.run(read.clone()).fetch().await.unwrap();
    assert_eq!(
        got,
        [(10, 550)],
        "the second statement saw the first's rows"
    );

    // The last statement fails: the rows before it are rolled back too.
    let clash = Query::inline(
        "clash",
        format!("insert into {table} (id, amount) values (:id, :amount)"),
    );
    let err = bind
        .batch()
        .execute_many(
            bind.run(insert.clone()),
            &[serde_json::json!({"id": 100, "amount": 1})],
        )
        .execute(bind.run(refresh))
        .execute(
            bind.run(clash)
                .params(&serde_json::json!({"id": 3, "amount": 1})),
        )
        .commit()
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("clash"),
        "names the failing query: {err}"
    );
    let count = Query::inline("count", format!("select count(*) from {table}"));
    let n: i64 = bind.run(count.clone()).fetch_one().await.unwrap();
    assert_eq!(n, 10, "nothing of the failed batch stayed");
    let got: Vec<(i64, i64)> = bind.run(read).fetch().await.unwrap();
    assert_eq!(got.len(), 1);

    // A parameter problem is found before anything runs.
    let err = bind
        .batch()
        .execute_many(
            bind.run(insert.clone()),
            &[serde_json::json!({"id": 200, "amount": 1})],
        )
        .execute(bind.run(insert).params(&serde_json::json!({"id": 201})))
        .commit()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("amount"), "{err}");
    let n: i64 = bind.run(count).fetch_one().await.unwrap();
    assert_eq!(n, 10);
    assert!(
        bind.batch().commit().await.unwrap().is_empty(),
        "an empty batch"
    );
    bind.execute_script("drop", &format!("drop table {table}; drop table {totals}"))
        .await
        .unwrap();
}

/// A transaction runs each call at once (a later statement sees an
/// earlier one's rows), shows nothing to others before its commit, rolls
/// back when dropped, and ends at its first error.
pub(crate) async fn transaction(bind: &Bind) {
    let table = super::common::unique("tx");
    bind.execute_script(
        "schema",
        &format!("create table {table} (id integer primary key, amount integer not null)"),
    )
    .await
    .unwrap();
    let insert = Query::inline(
        "insert_row",
        format!("insert into {table} (id, amount) values (:id, :amount)"),
    );
    let count = Query::inline("count", format!("select count(*) from {table}"));
    let page = |start: i64| -> Vec<serde_json::Value> {
        (start..start + 5)
            .map(|i| serde_json::json!({"id": i, "amount": i}))
            .collect()
    };

    let mut tx = bind.transaction().await.unwrap();
    assert_eq!(
        tx.execute_many(bind.run(insert.clone()), &page(0))
            .await
            .unwrap(),
        5
    );
    assert_eq!(
        tx.execute_many(bind.run(insert.clone()), &page(5))
            .await
            .unwrap(),
        5
    );
    let bump = Query::inline("bump", format!("update {table} set amount = amount + 1"));
    assert_eq!(
        tx.execute(bind.run(bump)).await.unwrap(),
        10,
        "sees its own rows"
    );
    let outside: i64 = bind.run(count.clone()).fetch_one().await.unwrap();
    assert_eq!(outside, 0, "nothing shows before the commit");
    tx.commit().await.unwrap();
    let n: i64 = bind.run(count.clone()).fetch_one().await.unwrap();
    assert_eq!(n, 10);

    // Dropped without a commit: rolled back.
    {
        let mut tx = bind.transaction().await.unwrap();
        tx.execute_many(bind.run(insert.clone()), &page(100))
            .await
            .unwrap();
    }
    let n: i64 = bind.run(count.clone()).fetch_one().await.unwrap();
    assert_eq!(n, 10, "a dropped transaction wrote nothing");

    // The first error ends it: later calls and the commit fail, nothing stays.
    let mut tx = bind.transaction().await.unwrap();
    tx.execute_many(bind.run(insert.clone()), &page(200))
        .await
        .unwrap();
    let err = tx
        .execute_many(bind.run(insert.clone()), &page(3))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("insert_row"), "{err}");
    assert!(
        tx.execute_many(bind.run(insert.clone()), &page(300))
            .await
            .is_err()
    );
    let err = tx.commit().await.unwrap_err();
    assert!(err.to_string().contains("ended"), "{err}");
    let n: i64 = bind.run(count).fetch_one().await.unwrap();
    assert_eq!(n, 10, "nothing of the failed transaction stayed");

    // A misspelt parameter names its row.
    let mut tx = bind.transaction().await.unwrap();
    let err = tx
        .execute_many(
            bind.run(insert),
            &[
                serde_json::json!({"id": 1000, "amount": 1}),
                serde_json::json!({"id": 1001}),
            ],
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("amount"), "{err}");
    drop(tx);
    bind.execute_script("drop", &format!("drop table {table}"))
        .await
        .unwrap();
}
