//! The template's files and how they are filled in.

use std::path::{Path, PathBuf};

use crate::{NewError, ProjectName, Source};

/// The template: each file's path in the new project and its text, with
/// `{{name}}`, `{{crate_name}}`, `{{title}}`, `{{ferrodash}}` and
/// `{{ferrodash_testing}}` to fill in.
const FILES: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("../template/Cargo.toml.in")),
    ("README.md", include_str!("../template/README.md")),
    ("Dockerfile", include_str!("../template/Dockerfile")),
    (".dockerignore", include_str!("../template/.dockerignore")),
    (".gitignore", include_str!("../template/.gitignore")),
    ("src/main.rs", include_str!("../template/src/main.rs")),
    ("src/lib.rs", include_str!("../template/src/lib.rs")),
    ("src/orders.rs", include_str!("../template/src/orders.rs")),
    ("src/theme.rs", include_str!("../template/src/theme.rs")),
    (
        "queries/schema.sql",
        include_str!("../template/queries/schema.sql"),
    ),
    (
        "queries/seed.sql",
        include_str!("../template/queries/seed.sql"),
    ),
    (
        "queries/count.sql",
        include_str!("../template/queries/count.sql"),
    ),
    (
        "queries/regions.sql",
        include_str!("../template/queries/regions.sql"),
    ),
    (
        "queries/monthly.sql",
        include_str!("../template/queries/monthly.sql"),
    ),
    (
        "queries/totals.sql",
        include_str!("../template/queries/totals.sql"),
    ),
    ("tests/app.rs", include_str!("../template/tests/app.rs")),
];

/// The ferrodash features the template's app uses.
const FEATURES: &[&str] = &["bootstrap"];

/// One file of a new project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateFile {
    /// Its path inside the project's folder.
    pub path: PathBuf,
    /// Its text.
    pub contents: String,
}

/// The new project's files for `name`, taking ferrodash from `source`.
#[must_use]
pub fn render(name: &ProjectName, source: &Source) -> Vec<TemplateFile> {
    let values = [
        ("{{name}}", name.as_str().to_owned()),
        ("{{crate_name}}", name.crate_name()),
        ("{{title}}", name.title()),
        ("{{ferrodash}}", source.dependency("ferrodash", FEATURES)),
        (
            "{{ferrodash_testing}}",
            source.dependency("ferrodash-testing", &[]),
        ),
    ];
    FILES
        .iter()
        .map(|(path, text)| TemplateFile {
            path: PathBuf::from(path),
            contents: values
                .iter()
                .fold((*text).to_owned(), |text, (key, value)| {
                    text.replace(key, value)
                }),
        })
        .collect()
}

/// Writes the project `name` into `dir` (made when missing; refused when
/// it holds anything), taking ferrodash from `source`, and gives back the
/// files written.
///
/// # Errors
///
/// [`NewError::NotEmpty`] when `dir` holds files, [`NewError::Io`] when a
/// folder or file cannot be written.
pub fn new_project(
    dir: &Path,
    name: &ProjectName,
    source: &Source,
) -> Result<Vec<PathBuf>, NewError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| NewError::Io { path, source }
    };
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(NewError::NotEmpty(dir.to_path_buf()));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        Err(e) => return Err(io(dir)(e)),
    }
    let mut written = Vec::new();
    for file in render(name, source) {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&path, file.contents).map_err(io(&path))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source() -> Source {
        Source::Git {
            url: "https://example.com/ferrodash".to_owned(),
            rev: None,
        }
    }

    #[test]
    fn every_placeholder_is_filled_in() {
        let name = ProjectName::parse("sales-board").unwrap();
        let files = render(&name, &source());
        assert_eq!(files.len(), FILES.len());
        for file in &files {
            let left = file.contents.split("{{").skip(1).find(|rest| {
                rest.split_once("}}").is_some_and(|(key, _)| {
                    !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                })
            });
            assert!(
                left.is_none(),
                "{}: a placeholder is left",
                file.path.display()
            );
        }
        let manifest = &files[0].contents;
        assert!(manifest.contains(r#"name = "sales-board""#), "{manifest}");
        assert!(
            manifest.contains(
                r#"ferrodash = { git = "https://example.com/ferrodash", features = ["bootstrap"] }"#
            ),
            "{manifest}"
        );
        let main = files.iter().find(|f| f.path.ends_with("main.rs")).unwrap();
        assert!(main.contents.contains("use sales_board::{Orders, app};"));
        let docker = files
            .iter()
            .find(|f| f.path.ends_with("Dockerfile"))
            .unwrap();
        assert!(docker.contents.contains("target/release/sales-board "));
    }

    #[test]
    fn a_folder_with_files_is_left_alone() {
        let dir = std::env::temp_dir().join(format!("ferrodash-new-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("keep.txt"), "mine").unwrap();
        let name = ProjectName::parse("app").unwrap();
        let error = new_project(&dir, &name, &source()).unwrap_err();
        assert!(matches!(error, NewError::NotEmpty(_)), "{error}");
        assert!(error.to_string().contains("not empty"));
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        assert_eq!(
            std::fs::read_to_string(dir.join("keep.txt")).unwrap(),
            "mine"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
