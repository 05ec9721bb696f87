//! Light and dark: Bootstrap 5.3 themes the page from the `data-bs-theme`
//! attribute of `<html>`, which a clientside callback sets from the navbar's
//! switch (kept by the browser across visits: the switch's `persistence`).
//! Plotly draws in its own colours, so the charts are restyled to match.

use ferrodash::Value;

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

/// Text and grid colours of Bootstrap's light and dark themes.
const LIGHT: (&str, &str) = ("#212529", "#dee2e6");
const DARK: (&str, &str) = ("#dee2e6", "#495057");

/// Gives `figure` a transparent background and the theme's text and grid
/// colours, so it sits on the page's own background.
pub(crate) fn style_figure(figure: &mut Value, dark: bool) {
    let (text, grid) = if dark { DARK } else { LIGHT };
    let Some(layout) = figure
        .as_object_mut()
        .map(|figure| {
            figure
                .entry("layout")
                .or_insert_with(|| Value::Object(Default::default()))
        })
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    layout.insert("paper_bgcolor".to_owned(), "rgba(0,0,0,0)".into());
    layout.insert("plot_bgcolor".to_owned(), "rgba(0,0,0,0)".into());
    layout.insert("font".to_owned(), ferrodash::json!({"color": text}));
    for axis in ["xaxis", "yaxis"] {
        let entry = layout
            .entry(axis)
            .or_insert_with(|| Value::Object(Default::default()));
        if let Some(axis) = entry.as_object_mut() {
            axis.insert("gridcolor".to_owned(), grid.into());
            axis.insert("zerolinecolor".to_owned(), grid.into());
        }
    }
}
