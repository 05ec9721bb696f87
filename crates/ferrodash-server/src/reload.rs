//! Hot reload: the page polls `_reload-hash`; when an asset changes the hash
//! changes and the page swaps its CSS or reloads (dash-protocol §11.2).

use std::sync::Mutex;

use serde_json::{Value, json};

use crate::assets::{AssetFile, AssetsIndex};
use crate::config::AppConfig;

/// The reload hash and the assets it was computed from.
#[derive(Debug)]
pub(crate) struct ReloadState {
    inner: Mutex<(String, AssetsIndex)>,
}

fn fresh_hash() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

impl ReloadState {
    pub(crate) fn new(assets: AssetsIndex) -> Self {
        Self {
            inner: Mutex::new((fresh_hash(), assets)),
        }
    }

    /// The answer to one poll. With hot reload on, the assets folder is
    /// scanned again; changed files give a new hash and `hard: true`.
    pub(crate) fn poll(&self, config: &AppConfig) -> Value {
        let packages = json!(["dash", "plotly"]);
        if !config.dev_tools.hot_reload {
            return json!({"files": [], "hard": false, "packages": packages, "reloadHash": null});
        }
        let now = AssetsIndex::scan(&config.assets_folder);
        let mut guard = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (hash, before) = &mut *guard;
        let mut files = Vec::new();
        let url = |f: &AssetFile| {
            format!(
                "{}{}/{}",
                config.requests_prefix(),
                config.assets_url_path.trim_matches('/'),
                f.rel_path
            )
        };
        for file in now.all() {
            let old = before.all().find(|o| o.rel_path == file.rel_path);
            if old.is_none_or(|o| (o.mtime - file.mtime).abs() > f64::EPSILON) {
                #[allow(clippy::cast_possible_truncation)]
                let modified = file.mtime as i64;
                files.push(json!({"is_css": file.rel_path.ends_with("css"), "modified": modified, "url": url(file)}));
            }
        }
        for old in before.all() {
            if !now.all().any(|f| f.rel_path == old.rel_path) {
                files.push(json!({"is_css": old.rel_path.ends_with("css"), "modified": -1, "url": url(old)}));
            }
        }
        let hard = !files.is_empty();
        if hard {
            *hash = fresh_hash();
            *before = now;
        }
        json!({"files": files, "hard": hard, "packages": packages, "reloadHash": hash.clone()})
    }
}
