//! The index page: the HTML that loads Dash's front end, with the
//! `_dash-config` blob (dash-protocol §2).

use std::fmt::Write as _;

use ferrodash_core::{ComponentLibrary, Node};
use serde_json::{Map, Value, json};

use crate::assets::AssetsIndex;
use crate::config::AppConfig;
use crate::package::ComponentPackage;

/// The default index template. A replacement must keep every `{%…%}`
/// placeholder except `{%metas%}`, `{%title%}`, `{%favicon%}` and `{%css%}`,
/// which are optional.
pub const DEFAULT_INDEX_TEMPLATE: &str = "<!DOCTYPE html>
<html>
  <head>
    {%metas%}
    <title>{%title%}</title>
    {%favicon%}
    {%css%}
  </head>
  <body>
    {%app_entry%}
    <footer>
      {%config%}
      {%scripts%}
      {%renderer%}
    </footer>
  </body>
</html>
";

const REQUIRED_PLACEHOLDERS: [&str; 4] =
    ["{%app_entry%}", "{%config%}", "{%scripts%}", "{%renderer%}"];

/// Placeholders a template lacks.
pub(crate) fn missing_placeholders(template: &str) -> Vec<&'static str> {
    REQUIRED_PLACEHOLDERS
        .into_iter()
        .filter(|p| !template.contains(p))
        .collect()
}

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// The inline script that starts Dash's renderer.
pub(crate) const RENDERER_SCRIPT: &str = "var renderer = new DashRenderer();";

/// An inline script's source as written into the page (a closing tag in
/// it escaped); what its Content-Security-Policy hash is taken of.
pub(crate) fn inline_script_text(source: &str) -> String {
    source.replace("</script", "<\\/script")
}

/// JSON made safe inside a `<script>` element: `<`, `>` and `/` escaped.
pub(crate) fn script_safe_json(value: &Value) -> String {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    text.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('/', "\\u002f")
}

const END_ID_SLOT: &str = "@@ferrodash-end-id@@";

/// The index page with everything computed once; only the per-page-load
/// `end_id` is filled in per request.
#[derive(Debug, Clone)]
pub(crate) struct IndexPage {
    before_end_id: String,
    after_end_id: String,
}

/// What goes into the index page.
pub(crate) struct IndexInputs<'a> {
    /// Whether the app serves WebSocket callbacks: the page then opens the
    /// socket.
    pub(crate) websocket: bool,
    pub(crate) config: &'a AppConfig,
    pub(crate) assets: &'a AssetsIndex,
    pub(crate) packages: &'a [ComponentPackage],
    pub(crate) libraries: &'a [&'a ComponentLibrary],
    pub(crate) validation_layout: Option<&'a Node>,
    pub(crate) inline_scripts: &'a [String],
}

impl IndexPage {
    pub(crate) fn render(inputs: &IndexInputs<'_>) -> Self {
        let config = inputs.config;
        let template = config
            .index_template
            .as_deref()
            .unwrap_or(DEFAULT_INDEX_TEMPLATE);
        let config_blob = format!(
            "<script id=\"_dash-config\" type=\"application/json\">{}</script>",
            script_safe_json(&Value::Object(config_json(inputs)))
        );
        let html = template
            .replace("{%metas%}", &metas(config))
            .replace("{%title%}", &escape_html(&config.title))
            .replace("{%favicon%}", &favicon(config, inputs.assets))
            .replace("{%css%}", &css(inputs))
            .replace(
                "{%app_entry%}",
                "<div id=\"react-entry-point\">\n      <div class=\"_dash-loading\">\n        Loading...\n      </div>\n    </div>",
            )
            .replace("{%config%}", &config_blob)
            .replace("{%scripts%}", &scripts(inputs))
            .replace(
                "{%renderer%}",
                &format!(
                    "<script id=\"_dash-renderer\" type=\"application/javascript\">{RENDERER_SCRIPT}</script>"
                ),
            );
        let (before, after) = html.split_once(END_ID_SLOT).unwrap_or((&html, ""));
        Self {
            before_end_id: before.to_owned(),
            after_end_id: after.to_owned(),
        }
    }

    /// The page for one load, with its signed `end_id`.
    pub(crate) fn with_end_id(&self, end_id: &str) -> String {
        let mut out = String::with_capacity(
            self.before_end_id.len() + self.after_end_id.len() + end_id.len(),
        );
        out.push_str(&self.before_end_id);
        out.push_str(end_id);
        out.push_str(&self.after_end_id);
        out
    }
}

fn metas(config: &AppConfig) -> String {
    let has = |attr: &str, value: Option<&str>| {
        config.meta_tags.iter().any(|tag| {
            tag.iter()
                .any(|(k, v)| k == attr && value.is_none_or(|want| v.eq_ignore_ascii_case(want)))
        })
    };
    let mut tags: Vec<String> = Vec::new();
    if !has("http-equiv", Some("X-UA-Compatible")) {
        tags.push("<meta http-equiv=\"X-UA-Compatible\" content=\"IE=edge\">".to_owned());
    }
    if !has("charset", None) {
        tags.push("<meta charset=\"UTF-8\">".to_owned());
    }
    if !has("name", Some("viewport")) {
        tags.push(
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">".to_owned(),
        );
    }
    for tag in &config.meta_tags {
        let mut s = String::from("<meta");
        for (k, v) in tag {
            let _ = write!(s, " {}=\"{}\"", escape_html(k), escape_html(v));
        }
        s.push('>');
        tags.push(s);
    }
    tags.join("\n    ")
}

fn asset_url(config: &AppConfig, rel_path: &str, mtime: f64) -> String {
    format!(
        "{}{}/{}?m={mtime}",
        config.requests_prefix(),
        config.assets_url_path.trim_matches('/'),
        rel_path
    )
}

fn favicon(config: &AppConfig, assets: &AssetsIndex) -> String {
    let href = assets.favicon.as_ref().map_or_else(
        || {
            format!(
                "{}_favicon.ico?v={}",
                config.requests_prefix(),
                ferrodash_frontend::DASH_VERSION
            )
        },
        |f| asset_url(config, &f.rel_path, f.mtime),
    );
    format!(
        "<link rel=\"icon\" type=\"image/x-icon\" href=\"{}\">",
        escape_html(&href)
    )
}

fn css(inputs: &IndexInputs<'_>) -> String {
    let config = inputs.config;
    let mut links: Vec<String> = config
        .external_stylesheets
        .iter()
        .map(|url| format!("<link rel=\"stylesheet\" href=\"{}\">", escape_html(url)))
        .collect();
    for package in ferrodash_frontend::packages() {
        for path in package.stylesheets {
            links.push(format!(
                "<link rel=\"stylesheet\" href=\"{}\">",
                escape_html(&suite_url(config, package.namespace, path, package.version))
            ));
        }
    }
    for package in inputs.packages {
        for path in &package.stylesheets {
            links.push(format!(
                "<link rel=\"stylesheet\" href=\"{}\">",
                escape_html(&package.href(config.requests_prefix(), path))
            ));
        }
    }
    if config.include_assets_files {
        for file in &inputs.assets.css {
            links.push(format!(
                "<link rel=\"stylesheet\" href=\"{}\">",
                escape_html(&asset_url(config, &file.rel_path, file.mtime))
            ));
        }
    }
    links.join("\n    ")
}

/// A fingerprinted URL of a file embedded from the npm packages.
fn suite_url(config: &AppConfig, package: &str, path: &str, version: &str) -> String {
    let token = ferrodash_frontend::lookup(package, path).map_or("0", |f| f.fingerprint);
    format!(
        "{}_dash-component-suites/{package}/{}",
        config.requests_prefix(),
        ferrodash_frontend::fingerprint(path, version, token)
    )
}

fn scripts(inputs: &IndexInputs<'_>) -> String {
    use ferrodash_frontend::{DASH_TABLE_VERSION, DASH_VERSION};
    let config = inputs.config;
    let dev = &config.dev_tools;
    let react = if dev.props_check {
        [
            "deps/polyfill@7.12.1.min.js",
            "deps/react@18.3.1.js",
            "deps/react-dom@18.3.1.js",
            "deps/prop-types@15.8.1.js",
        ]
    } else {
        [
            "deps/polyfill@7.12.1.min.js",
            "deps/react@18.3.1.min.js",
            "deps/react-dom@18.3.1.min.js",
            "deps/prop-types@15.8.1.min.js",
        ]
    };
    let script = |src: &str| format!("<script src=\"{}\"></script>", escape_html(src));
    let mut tags: Vec<String> = react
        .iter()
        .map(|p| script(&suite_url(config, "dash", p, DASH_VERSION)))
        .collect();
    tags.extend(config.external_scripts.iter().map(|u| script(u)));
    // Third-party libraries: those compiled in (cargo features), then those
    // the app registered.
    for package in ferrodash_frontend::packages() {
        for path in package.scripts {
            tags.push(script(&suite_url(
                config,
                package.namespace,
                path,
                package.version,
            )));
        }
    }
    for package in inputs.packages {
        for path in &package.scripts {
            tags.push(script(&package.href(config.requests_prefix(), path)));
        }
    }
    if config.include_assets_files {
        for file in &inputs.assets.js {
            let url = asset_url(config, &file.rel_path, file.mtime);
            if file.rel_path.ends_with(".mjs") {
                tags.push(format!(
                    "<script type=\"module\" src=\"{}\"></script>",
                    escape_html(&url)
                ));
            } else {
                tags.push(script(&url));
            }
        }
    }
    let renderer = if dev.serve_dev_bundles {
        "dash-renderer/build/dash_renderer.dev.js"
    } else {
        "dash-renderer/build/dash_renderer.min.js"
    };
    tags.push(script(&suite_url(config, "dash", renderer, DASH_VERSION)));
    tags.push(script(&suite_url(
        config,
        "dash",
        "dcc/dash_core_components.js",
        DASH_VERSION,
    )));
    tags.push(script(&suite_url(
        config,
        "dash",
        "dcc/dash_core_components-shared.js",
        DASH_VERSION,
    )));
    if dev.serve_dev_bundles {
        tags.push(script(&suite_url(
            config,
            "dash",
            "dcc/proptypes.js",
            DASH_VERSION,
        )));
    }
    tags.push(script(&suite_url(
        config,
        "dash",
        "html/dash_html_components.min.js",
        DASH_VERSION,
    )));
    tags.push(script(&suite_url(
        config,
        "dash",
        "dash_table/bundle.js",
        DASH_TABLE_VERSION,
    )));
    for source in inputs.inline_scripts {
        tags.push(format!("<script>{}</script>", inline_script_text(source)));
    }
    tags.join("\n      ")
}

/// `children_props` for every library: `{namespace: {Type: [paths]}}`.
pub(crate) fn children_props(libraries: &[&ComponentLibrary]) -> Value {
    let mut by_namespace = Map::new();
    for library in libraries {
        let mut types = Map::new();
        for component in library.components {
            types.insert(
                component.type_name.to_owned(),
                Value::Array(
                    component
                        .children_props
                        .iter()
                        .map(|p| Value::String((*p).to_owned()))
                        .collect(),
                ),
            );
        }
        by_namespace.insert(library.namespace.to_owned(), Value::Object(types));
    }
    Value::Object(by_namespace)
}

/// The `_dash-config` keys, in Dash's order (dash-protocol §2.8).
fn config_json(inputs: &IndexInputs<'_>) -> Map<String, Value> {
    let config = inputs.config;
    let dev = &config.dev_tools;
    let mut m = Map::new();
    m.insert("url_base_pathname".into(), Value::Null);
    m.insert(
        "requests_pathname_prefix".into(),
        json!(config.requests_prefix()),
    );
    m.insert("ui".into(), json!(dev.ui));
    m.insert("props_check".into(), json!(dev.props_check));
    // The version check would fetch from outside the server.
    m.insert("disable_version_check".into(), json!(true));
    m.insert("show_undo_redo".into(), json!(config.show_undo_redo));
    m.insert(
        "suppress_callback_exceptions".into(),
        json!(config.suppress_callback_exceptions),
    );
    m.insert("update_title".into(), json!(config.update_title));
    m.insert("children_props".into(), children_props(inputs.libraries));
    m.insert("serve_locally".into(), json!(true));
    m.insert(
        "dash_version".into(),
        json!(ferrodash_frontend::DASH_VERSION),
    );
    m.insert(
        "python_version".into(),
        json!(concat!("ferrodash ", env!("CARGO_PKG_VERSION"))),
    );
    m.insert("dash_version_url".into(), json!(""));
    m.insert("ddk_version".into(), Value::Null);
    m.insert("plotly_version".into(), Value::Null);
    m.insert("validate_callbacks".into(), json!(dev.validate_callbacks));
    m.insert(
        "csrf_token_name".into(),
        json!(crate::csrf::cookie_name(config.cookies_secure())),
    );
    m.insert("csrf_header_name".into(), json!("X-CSRFToken"));
    m.insert("end_id".into(), json!(END_ID_SLOT));
    // Hides the dev tools' promotion of a hosted service.
    m.insert("plotly_cloud_installed".into(), json!(true));
    if dev.hot_reload {
        m.insert(
            "hot_reload".into(),
            json!({"interval": dev.hot_reload_interval_ms, "max_retry": dev.hot_reload_max_retry}),
        );
    }
    // Only an app that serves the socket says where it is: the page opens
    // it at load, and WebSocket callbacks wait for it.
    if inputs.websocket {
        let worker = suite_url(
            config,
            "dash",
            crate::ws::worker_path(),
            ferrodash_frontend::DASH_VERSION,
        );
        m.insert("websocket".into(), crate::ws::config_block(config, &worker));
    }
    if let Some(layout) = inputs.validation_layout
        && !config.suppress_callback_exceptions
    {
        m.insert("validation_layout".into(), layout.to_json());
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            escape_html("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#x27;"
        );
        assert_eq!(
            script_safe_json(&json!({"t": "</script>"})),
            r#"{"t":"\u003c\u002fscript\u003e"}"#
        );
    }

    #[test]
    fn template_markers() {
        assert!(missing_placeholders(DEFAULT_INDEX_TEMPLATE).is_empty());
        assert_eq!(
            missing_placeholders("<html>{%config%}</html>"),
            ["{%app_entry%}", "{%scripts%}", "{%renderer%}"]
        );
    }
}
