//! The `ferrodash-users` command against a real SQLite file.

use std::io::Write as _;
use std::process::{Command, Stdio};

fn users(database: &str, args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ferrodash-users"))
        .arg("--database")
        .arg(database)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn add_list_reset_and_verify() {
    let file = std::env::temp_dir().join(format!("ferrodash-users-cli-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let db = format!("sqlite://{}", file.display());

    let (ok, out, err) = users(
        &db,
        &[
            "add",
            "ada",
            "--display",
            "Ada L.",
            "--groups",
            "sales,admin",
        ],
        "first passphrase here\n",
    );
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "added user ada");
    let (ok, _, err) = users(&db, &["add", "ada"], "another passphrase\n");
    assert!(!ok && err.contains("exists already"), "{err}");
    let (ok, _, err) = users(&db, &["add", "bob"], "short\n");
    assert!(!ok && err.contains("12 to 1024"), "{err}");
    let (ok, out, _) = users(&db, &["list"], "");
    assert!(ok);
    assert_eq!(out.trim(), "ada");
    let (ok, _, err) = users(&db, &["reset", "ada"], "second passphrase here\n");
    assert!(ok, "{err}");
    let (ok, _, err) = users(&db, &["frobnicate"], "");
    assert!(!ok && err.contains("usage"), "{err}");

    let bind = ferrodash_data::Bind::connect("check", &db, ferrodash_data::BindConfig::default())
        .await
        .unwrap();
    let store = ferrodash_auth::Users::open(bind).await.unwrap();
    assert!(
        store
            .verify("ada", "first passphrase here")
            .await
            .unwrap()
            .is_none()
    );
    let ada = store
        .verify("ada", "second passphrase here")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ada.name, "Ada L.");
    assert!(ada.in_group("admin"));

    // An API token, printed once, names its user until revoked.
    let (ok, token, err) = users(&db, &["token", "ada", "--label", "agent"], "");
    assert!(ok, "{err}");
    let token = token.trim();
    assert!(token.starts_with(ferrodash_auth::TOKEN_PREFIX), "{token}");
    assert_eq!(store.token_user(token).await.unwrap().unwrap().id, "ada");
    let (ok, _, err) = users(&db, &["token", "nobody"], "");
    assert!(!ok && err.contains("no user is named `nobody`"), "{err}");
    let (ok, out, err) = users(&db, &["revoke", "ada"], "");
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "revoked 1 token(s) of ada");
    assert!(store.token_user(token).await.unwrap().is_none());
    let _ = std::fs::remove_file(&file);
}
