//! The assets folder: CSS, JavaScript and a favicon picked up like Dash does,
//! and served from disk so edits show without a rebuild.

use std::path::{Component as PathComponent, Path, PathBuf};
use std::time::UNIX_EPOCH;

/// One file of the assets folder that goes into the page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AssetFile {
    /// Path relative to the assets folder, with `/` separators.
    pub(crate) rel_path: String,
    /// Modification time in seconds, for `?m=` cache busting.
    pub(crate) mtime: f64,
}

/// What the assets folder holds, in Dash's walk order.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct AssetsIndex {
    pub(crate) css: Vec<AssetFile>,
    pub(crate) js: Vec<AssetFile>,
    pub(crate) favicon: Option<AssetFile>,
}

fn mtime_of(path: &Path) -> f64 {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0.0, |d| d.as_secs_f64())
}

impl AssetsIndex {
    /// Walks `folder`: directories sorted, files sorted by name; names ending
    /// in `css` are stylesheets, in `js` scripts; `favicon.ico` is the favicon.
    /// Hidden files and folders are skipped. A missing folder gives an empty index.
    pub(crate) fn scan(folder: &Path) -> Self {
        let mut index = Self::default();
        walk(folder, folder, &mut index);
        index
    }

    /// Every file in the index with its modification time.
    pub(crate) fn all(&self) -> impl Iterator<Item = &AssetFile> {
        self.css.iter().chain(&self.js).chain(&self.favicon)
    }
}

fn walk(root: &Path, dir: &Path, index: &mut AssetsIndex) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        match entry.file_type() {
            Ok(t) if t.is_dir() => dirs.push(entry.path()),
            Ok(t) if t.is_file() => files.push((name, entry.path())),
            _ => {}
        }
    }
    files.sort();
    dirs.sort();
    for (name, path) in files {
        let Ok(rel) = path.strip_prefix(root) else {
            continue;
        };
        let rel_path = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let file = AssetFile {
            rel_path,
            mtime: mtime_of(&path),
        };
        if name.ends_with("css") {
            index.css.push(file);
        } else if name.ends_with("js") {
            index.js.push(file);
        } else if name == "favicon.ico" && index.favicon.is_none() {
            index.favicon = Some(file);
        }
    }
    for dir in dirs {
        walk(root, &dir, index);
    }
}

/// Resolves a request path inside the assets folder, refusing anything that
/// could leave it (`..`, absolute paths, backslashes, hidden files).
pub(crate) fn resolve(folder: &Path, request_path: &str) -> Option<PathBuf> {
    if request_path.is_empty() || request_path.contains('\\') || request_path.contains('\0') {
        return None;
    }
    let rel = Path::new(request_path);
    let mut out = folder.to_path_buf();
    for part in rel.components() {
        match part {
            PathComponent::Normal(p) if !p.to_string_lossy().starts_with('.') => out.push(p),
            _ => return None,
        }
    }
    Some(out)
}

/// A content type from a file name's extension.
pub(crate) fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "html" | "htm" => "text/html; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "csv" => "text/csv; charset=utf-8",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_leave_the_folder() {
        let root = Path::new("/srv/assets");
        assert_eq!(
            resolve(root, "css/site.css"),
            Some(PathBuf::from("/srv/assets/css/site.css"))
        );
        for bad in [
            "../secret",
            "/etc/passwd",
            "a/../../b",
            "..\\x",
            ".env",
            "a/.git/config",
            "",
        ] {
            assert_eq!(resolve(root, bad), None, "{bad}");
        }
    }

    #[test]
    fn scans_in_dash_order() {
        let dir = std::env::temp_dir().join(format!("ferrodash-assets-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("b")).unwrap();
        std::fs::create_dir_all(dir.join("a")).unwrap();
        for f in [
            "z.css",
            "a.js",
            "favicon.ico",
            "b/x.css",
            "a/y.mjs",
            ".hidden.css",
            "notes.txt",
        ] {
            std::fs::write(dir.join(f), "x").unwrap();
        }
        let index = AssetsIndex::scan(&dir);
        let names = |v: &[AssetFile]| v.iter().map(|f| f.rel_path.clone()).collect::<Vec<_>>();
        assert_eq!(names(&index.css), ["z.css", "b/x.css"]);
        assert_eq!(names(&index.js), ["a.js", "a/y.mjs"]);
        assert_eq!(
            index.favicon.map(|f| f.rel_path),
            Some("favicon.ico".to_owned())
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
