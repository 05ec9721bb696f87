use serde_json::json;

use super::{ParsedSql, RenderError};
use crate::url::Backend::{self, MySql, Postgres, Sqlite};
use crate::values::{Params, Scalar};

fn render(sql: &str, backend: Backend, params: &serde_json::Value) -> (String, Vec<Scalar>) {
    let parsed = ParsedSql::parse(sql, backend).unwrap();
    parsed
        .render(backend, &Params::from_serialize(params).unwrap())
        .unwrap()
}

#[test]
fn placeholders_per_backend() {
    let sql = "select * from t where a = :a and b > :b or a = :a";
    let p = json!({"a": 1, "b": "x"});
    let (pg, args) = render(sql, Postgres, &p);
    assert_eq!(pg, "select * from t where a = $1 and b > $2 or a = $1");
    assert_eq!(args, [Scalar::Int(1), Scalar::Text("x".into())]);
    let (lite, args) = render(sql, Sqlite, &p);
    assert_eq!(lite, "select * from t where a = ? and b > ? or a = ?");
    assert_eq!(args.len(), 3);
    let (my, _) = render(sql, MySql, &p);
    assert_eq!(my, lite);
}

#[test]
fn lists_expand() {
    let (sql, args) = render(
        "select 1 where x in (:ids) and y in (:ids)",
        Postgres,
        &json!({"ids": [3, 4]}),
    );
    assert_eq!(sql, "select 1 where x in ($1, $2) and y in ($1, $2)");
    assert_eq!(args, [Scalar::Int(3), Scalar::Int(4)]);
    let (sql, args) = render("x in (:ids)", Sqlite, &json!({"ids": ["a", "b", "c"]}));
    assert_eq!(sql, "x in (?, ?, ?)");
    assert_eq!(args.len(), 3);
}

#[test]
fn literals_comments_and_casts_are_skipped() {
    let sql = "select ':no', \":no\", $$ :no $$, $t$ :no $t$, E'\\' :no', x::date, \
               :yes::int /* :no /* nested :no */ :no */ -- :no\n, a[lo:hi], :last";
    let parsed = ParsedSql::parse(sql, Postgres).unwrap();
    assert_eq!(parsed.names(), ["yes", "last"]);
    let (out, _) = render(sql, Postgres, &json!({"yes": 1, "last": 2}));
    assert!(out.contains("$1::int") && out.ends_with("$2"), "{out}");
    assert!(out.contains("x::date") && out.contains("':no'"), "{out}");

    let my = "select ':no \\' :no', \":no\", `:no`, 1 # :no\n, 2 -- :no\n, :yes, @v := 1";
    assert_eq!(ParsedSql::parse(my, MySql).unwrap().names(), ["yes"]);
    let lite = "select ':no', [:no], `:no`, \":no\", :yes";
    assert_eq!(ParsedSql::parse(lite, Sqlite).unwrap().names(), ["yes"]);
    // In PostgreSQL a plain string has no backslash escapes.
    let pg = "select 'a\\', :yes";
    assert_eq!(ParsedSql::parse(pg, Postgres).unwrap().names(), ["yes"]);
}

#[test]
fn bad_syntax_is_reported_with_offsets() {
    let e = ParsedSql::parse("select 'abc", Sqlite).unwrap_err();
    assert_eq!(e.offset, 7);
    assert!(e.problem.contains("unterminated string"));
    assert!(ParsedSql::parse("select /* x", Postgres).is_err());
    assert!(ParsedSql::parse("select $a$ x", Postgres).is_err());
    let e = ParsedSql::parse("select * from t where a = ?", Sqlite).unwrap_err();
    assert!(e.problem.contains("positional"), "{}", e.problem);
    assert!(ParsedSql::parse("select $1", Postgres).is_err());
    assert!(ParsedSql::parse("select $x", Sqlite).is_err());
    // `?` is a jsonb operator in PostgreSQL.
    assert!(ParsedSql::parse("select '{}'::jsonb ? 'a'", Postgres).is_ok());
}

#[test]
fn missing_unused_and_empty_lists() {
    let parsed = ParsedSql::parse("select :a, :b, :c", Sqlite).unwrap();
    let params = Params::from_serialize(&json!({"a": 1, "typo": 2, "c": []})).unwrap();
    let errors = parsed.render(Sqlite, &params).unwrap_err();
    assert_eq!(
        errors,
        [
            RenderError::Missing("b".into()),
            RenderError::Unused("typo".into()),
            RenderError::EmptyList("c".into()),
        ]
    );
}
