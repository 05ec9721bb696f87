//! Query files and the `Binds` registry: everything is checked at start-up
//! and every problem is reported at once.

use std::path::{Path, PathBuf};

use ferrodash_data::{BindConfig, Binds, DataError, Query};

use super::common::unique;

/// A folder of query files: `files` are (relative path, contents).
fn queries(files: &[(&str, &str)]) -> PathBuf {
    let root = std::env::temp_dir().join(unique("ferrodash-queries"));
    for (path, sql) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, sql).unwrap();
    }
    root
}

fn sqlite_url(root: &Path) -> String {
    format!("sqlite://{}", root.join("db").join("app.db").display())
}

#[tokio::test]
async fn queries_load_from_folders_and_embedded_text() {
    let root = queries(&[
        (
            "q/app/people.sql",
            "-- every person\nselect name from people where n >= :min order by name",
        ),
        ("q/app/README.md", "not a query"),
        (
            "q/app/schema.sql",
            "create table people (name text, n integer)",
        ),
    ]);
    let binds = Binds::builder()
        .bind("app", sqlite_url(&root), BindConfig::default())
        .queries_dir(root.join("q"))
        .query(
            "app",
            Query::new("users", include_str!("../queries/app/users.sql"))
                .with_source("queries/app/users.sql"),
        )
        .connect()
        .await
        .unwrap();
    let app = binds.get("app").unwrap();
    assert_eq!(
        app.query_names().collect::<Vec<_>>(),
        ["people", "schema", "users"]
    );
    app.query("schema").execute().await.unwrap();
    app.execute_script("seed", "insert into people values ('ann', 1), ('bob', 2)")
        .await
        .unwrap();
    let names: Vec<String> = app
        .query("people")
        .params(&serde_json::json!({"min": 2}))
        .fetch()
        .await
        .unwrap();
    assert_eq!(names, ["bob"]);
    // A runtime error names the query's file.
    let e = app.query("users").fetch::<String>().await.unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("bind `app`, query `users` (queries/app/users.sql)")
            && text.contains("users"),
        "{text}"
    );
    let e = binds.get("nope").unwrap_err();
    assert_eq!(e.to_string(), "no bind named `nope` (known binds: app)");
    binds.close().await;
    std::fs::remove_dir_all(&root).unwrap();
}

#[tokio::test]
async fn every_problem_is_reported_at_once() {
    let root = queries(&[
        ("q/app/good.sql", "select 1"),
        ("q/app/unterminated.sql", "select 'oops from t"),
        ("q/app/positional.sql", "select * from t where a = ?"),
        ("q/app/empty.sql", "  \n"),
        ("q/ghost/lost.sql", "select 1"),
        ("q/stray.sql", "select 1"),
    ]);
    let e = Binds::builder()
        .bind("app", sqlite_url(&root), BindConfig::default())
        .bind("app", sqlite_url(&root), BindConfig::default())
        .bind("bad", "oracle://db", BindConfig::default())
        .queries_dir(root.join("q"))
        .queries_dir(root.join("missing"))
        .query("app", Query::inline("good", "select 2"))
        .connect()
        .await
        .unwrap_err();
    let DataError::Several { errors } = &e else {
        panic!("expected several problems, got {e:?}");
    };
    let text = e.to_string();
    let file = |name: &str| root.join("q").join("app").join(name).display().to_string();
    for expected in [
        format!(
            "query `unterminated` ({}): unterminated string literal at byte 7",
            file("unterminated.sql")
        ),
        format!(
            "query `positional` ({}): positional parameter `?`",
            file("positional.sql")
        ),
        format!("query `empty` ({}): the query is empty", file("empty.sql")),
        "query `good`: defined twice".to_owned(),
        "bind `app`: defined twice".to_owned(),
        "bind `bad`: invalid connection URL `oracle://db`".to_owned(),
        "bind `ghost`, query `lost`".to_owned(),
        "stray.sql".to_owned(),
        format!("cannot read `{}`", root.join("missing").display()),
    ] {
        assert!(text.contains(&expected), "missing {expected:?} in:\n{text}");
    }
    assert_eq!(errors.len(), 9, "{text}");
    std::fs::remove_dir_all(&root).unwrap();
}

#[tokio::test]
async fn connection_failures_are_collected() {
    let e = Binds::builder()
        .bind(
            "pg_down",
            "postgres://app:Sup3rSecretPw@127.0.0.1:1/x",
            BindConfig::default(),
        )
        .bind(
            "maria_down",
            "mysql://app:Sup3rSecretPw@127.0.0.1:1/x",
            BindConfig::default(),
        )
        .connect()
        .await
        .unwrap_err();
    let text = format!("{e}\n{e:?}");
    assert!(text.contains("bind `pg_down`: could not connect"), "{text}");
    assert!(
        text.contains("bind `maria_down`: could not connect"),
        "{text}"
    );
    assert!(!text.contains("Sup3rSecretPw"), "{text}");
}
