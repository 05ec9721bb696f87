//! `ferrodash new`, run as a user runs it: the command writes a project,
//! which then builds and passes its own tests (its browser test included)
//! against this checkout of ferrodash.

#![allow(
    clippy::expect_used,
    reason = "helpers of tests too, not only #[test] fns: a panic here is a failed test"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace this crate is part of.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/ferrodash-cli sits two folders down")
        .to_path_buf()
}

fn ferrodash(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ferrodash"))
        .args(args)
        .output()
        .expect("the command runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A folder of its own under the target folder's scratch space.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("the old scratch folder goes");
    }
    dir
}

#[test]
fn bad_command_lines_say_what_is_wrong() {
    for (args, problem) in [
        (&["build"][..], "unknown command `build`"),
        (&["new"][..], "needs the new project's folder"),
        (&["new", "a", "b"][..], "`b` is a second"),
        (&["new", "app", "--git"][..], "`--git` needs a value"),
        (
            &["new", "app", "--path", "/nonexistent"][..],
            "is not a ferrodash checkout",
        ),
        (&["new", "Bad Name"][..], "cannot name a project"),
        (
            &["new", "app", "--frobnicate"][..],
            "unknown option `--frobnicate`",
        ),
    ] {
        let output = ferrodash(args);
        assert!(!output.status.success(), "{args:?} succeeded");
        let stderr = text(&output.stderr);
        assert!(stderr.contains(problem), "{args:?}: {stderr}");
    }
    let help = ferrodash(&["--help"]);
    assert!(help.status.success());
    assert!(text(&help.stdout).contains("Usage: ferrodash new <DIR>"));
}

/// Generates a project, then runs `cargo fmt --check` and `cargo test` in
/// it: a release of the template that does not build, is not formatted or
/// fails its own tests fails here.
#[test]
fn a_new_project_builds_and_passes_its_own_tests() {
    let dir = scratch("template-demo-app");
    let root = workspace();
    let output = ferrodash(&[
        "new",
        dir.to_str().expect("a UTF-8 path"),
        "--name",
        "demo-app",
        "--path",
        root.to_str().expect("a UTF-8 path"),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("Wrote 16 files of `demo-app`"));
    for file in [
        "Cargo.toml",
        "Dockerfile",
        "README.md",
        "src/lib.rs",
        "tests/app.rs",
    ] {
        assert!(dir.join(file).is_file(), "{file} is written");
    }
    // Writing again into the same folder is refused, and changes nothing.
    let before = std::fs::read(dir.join("src/lib.rs")).expect("lib.rs");
    let again = ferrodash(&[
        "new",
        dir.to_str().expect("UTF-8"),
        "--path",
        root.to_str().expect("UTF-8"),
    ]);
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("not empty"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(
        std::fs::read(dir.join("src/lib.rs")).expect("lib.rs"),
        before
    );

    // The framework's own lockfile: the versions this checkout is tested with.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("the lockfile copies");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // The workspace's target folder: what the project shares with the
    // workspace's build is not built twice.
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || {
            Path::new(env!("CARGO_TARGET_TMPDIR"))
                .parent()
                .expect("the target folder")
                .to_path_buf()
        },
        PathBuf::from,
    );
    let run = |args: &[&str]| {
        let output = Command::new(&cargo)
            .args(args)
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("RUSTFLAGS")
            .output()
            .expect("cargo runs");
        assert!(
            output.status.success(),
            "cargo {args:?} failed:\n{}\n{}",
            text(&output.stdout),
            text(&output.stderr)
        );
        text(&output.stdout) + &text(&output.stderr)
    };
    run(&["fmt", "--check"]);
    let tests = run(&["test", "--offline", "--", "--test-threads=2"]);
    // Its five tests ran and passed, the browser's among them.
    assert!(
        tests.contains("in_a_browser_the_overview_follows_the_address_and_the_theme_switch ... ok"),
        "{tests}"
    );
    assert!(tests.contains("test result: ok. 5 passed"), "{tests}");
    std::fs::remove_dir_all(&dir).expect("the scratch folder goes");
}
