//! Light and dark: Bootstrap 5.3 themes the page from the `data-bs-theme`
//! attribute of `<html>`, which a clientside callback sets from the navbar's
//! switch (kept by the browser across visits: the switch's `persistence`).
//! Plotly draws in its own colours: the overview's callback reads the
//! switch too and draws with `Template::Transparent` of the same theme.

/// Sets the page's Bootstrap theme from the switch, in the browser.
pub(crate) const APPLY_THEME: &str = r#"function (dark) {
    const theme = dark ? "dark" : "light";
    document.documentElement.setAttribute("data-bs-theme", theme);
    return theme;
}"#;

/// Opens and closes the navbar's links on narrow screens.
pub(crate) const TOGGLE_NAVBAR: &str = r#"function (clicks, open) {
    if (!clicks) {
        return window.dash_clientside.no_update;
    }
    return !open;
}"#;
