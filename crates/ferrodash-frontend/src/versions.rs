//! Versions of the Dash release ferrodash speaks and of the npm packages it embeds.
//!
//! This file is also compiled into the build script, which refuses to embed an npm
//! package whose installed version differs from the constant here. A unit test checks
//! that `frontend/package.json` asks for the same versions.

/// Version of the Dash (Python) release whose wire protocol ferrodash speaks.
///
/// Dash uses it inside the fingerprint of `deps/`, `dash-renderer/`, `dcc/` and `html/`
/// files and as the `?v=` query of `_favicon.ico`.
pub const DASH_VERSION: &str = "4.4.1";

/// Version of the `dash-renderer` npm package (`dash_renderer.min.js`, the WebSocket worker).
pub const RENDERER_VERSION: &str = "3.4.1";

/// Version of the `dash-core-components` npm package (`dcc/…` files).
pub const DASH_CORE_COMPONENTS_VERSION: &str = "4.4.1";

/// Version of the `dash-html-components` npm package (`html/…` files).
pub const DASH_HTML_COMPONENTS_VERSION: &str = "4.4.1";

/// Version of the `dash-table` npm package; Dash also puts it in the fingerprint of
/// `dash_table/…` files.
pub const DASH_TABLE_VERSION: &str = "7.4.1";

/// Version of the `react` npm package whose UMD builds are served as `deps/react@….js`.
pub const REACT_VERSION: &str = "18.3.1";

/// Version of the `react-dom` npm package served as `deps/react-dom@….js`.
pub const REACT_DOM_VERSION: &str = "18.3.1";

/// Version of the `prop-types` npm package served as `deps/prop-types@….js`.
pub const PROP_TYPES_VERSION: &str = "15.8.1";

/// Version of the `@babel/polyfill` npm package served as `deps/polyfill@….min.js`.
pub const BABEL_POLYFILL_VERSION: &str = "7.12.1";

/// Version of plotly.js (npm `plotly.js-dist-min`) served as
/// `plotly/package_data/plotly.min.js`.
pub const PLOTLY_JS_VERSION: &str = "4.1.1";

/// Version of the plotly *Python* package that ships [`PLOTLY_JS_VERSION`].
///
/// Dash reports this one (not the plotly.js version) as `plotly_version` in
/// `_dash-config` and uses it in the fingerprint of `plotly/package_data/plotly.min.js`
/// when that file is loaded eagerly.
pub const PLOTLY_PY_VERSION: &str = "7.1.0";

/// Version of Bootstrap (npm `bootstrap`) whose stylesheet the `bootstrap`
/// feature serves as `dash_bootstrap_components/css/bootstrap.min.css`: the
/// one dash-bootstrap-components 2.0.4 names for its default theme.
pub const BOOTSTRAP_CSS_VERSION: &str = "5.3.6";
