//! Our own light and dark templates: colorway, backgrounds, font and grid
//! colours. (Written for ferrodash; not Plotly's template JSON.)

use serde::{Serialize, Serializer};
use serde_json::{Value, json};

/// The default colour sequence for categories, shared by both templates.
pub const COLORWAY: [&str; 10] = [
    "#2563eb", "#f97316", "#16a34a", "#dc2626", "#9333ea", "#0891b2", "#ca8a04", "#db2777",
    "#4b5563", "#65a30d",
];

/// A layout template (`layout.template`).
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub enum Template {
    /// Dark text on white, light grey grid lines.
    #[default]
    Light,
    /// Light text on a near-black background, dim grid lines.
    Dark,
    /// The light (or, with `dark`, the dark) template's text and grid
    /// colours on a transparent background: the chart sits on the page's
    /// own, such as a Bootstrap card in either of Bootstrap's themes.
    Transparent {
        /// The dark template's colours.
        dark: bool,
    },
    /// Any template JSON (`{"layout": {…}, "data": {…}}`).
    Custom(Value),
}

struct Palette {
    /// The paper's and the plot's background.
    paper: &'static str,
    font: &'static str,
    grid: &'static str,
    line: &'static str,
}

const LIGHT: Palette = Palette {
    paper: "#ffffff",
    font: "#1f2937",
    grid: "#e5e7eb",
    line: "#9ca3af",
};

const DARK: Palette = Palette {
    paper: "#111827",
    font: "#e5e7eb",
    grid: "#374151",
    line: "#6b7280",
};

impl Template {
    /// The template's JSON.
    #[must_use]
    pub fn to_value(&self) -> Value {
        let (p, background) = match self {
            Self::Light => (&LIGHT, LIGHT.paper),
            Self::Dark => (&DARK, DARK.paper),
            Self::Transparent { dark } => (if *dark { &DARK } else { &LIGHT }, "rgba(0,0,0,0)"),
            Self::Custom(v) => return v.clone(),
        };
        let axis = json!({
            "gridcolor": p.grid,
            "linecolor": p.line,
            "zerolinecolor": p.grid,
            "automargin": true,
        });
        json!({
            "layout": {
                "colorway": COLORWAY,
                "paper_bgcolor": background,
                "plot_bgcolor": background,
                "font": {"color": p.font},
                "xaxis": axis,
                "yaxis": axis,
                "legend": {"bgcolor": "rgba(0,0,0,0)"},
                "hoverlabel": {"font": {"color": p.font}, "bgcolor": p.paper},
            }
        })
    }

    /// The template's category colours.
    #[must_use]
    pub fn colorway(&self) -> Vec<String> {
        let v = self.to_value();
        v.pointer("/layout/colorway")
            .and_then(Value::as_array)
            .map_or_else(
                || COLORWAY.iter().map(|c| (*c).to_owned()).collect(),
                |a| {
                    a.iter()
                        .filter_map(|c| c.as_str().map(str::to_owned))
                        .collect()
                },
            )
    }
}

impl Serialize for Template {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Custom(v) => v.serialize(s),
            other => other.to_value().serialize(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_differ_in_background_and_share_colorway() {
        let light = Template::Light.to_value();
        let dark = Template::Dark.to_value();
        assert_eq!(light["layout"]["paper_bgcolor"], "#ffffff");
        assert_eq!(dark["layout"]["paper_bgcolor"], "#111827");
        assert_eq!(dark["layout"]["font"]["color"], "#e5e7eb");
        assert_eq!(dark["layout"]["xaxis"]["gridcolor"], "#374151");
        assert_eq!(Template::Dark.colorway().len(), 10);
        assert_eq!(light["layout"]["colorway"], dark["layout"]["colorway"]);
    }

    #[test]
    fn transparent_templates_keep_their_colours_and_drop_the_background() {
        let on_dark = Template::Transparent { dark: true }.to_value();
        assert_eq!(on_dark["layout"]["paper_bgcolor"], "rgba(0,0,0,0)");
        assert_eq!(on_dark["layout"]["plot_bgcolor"], "rgba(0,0,0,0)");
        assert_eq!(on_dark["layout"]["font"]["color"], "#e5e7eb");
        assert_eq!(on_dark["layout"]["yaxis"]["gridcolor"], "#374151");
        // A hover label needs a solid background to be read.
        assert_eq!(on_dark["layout"]["hoverlabel"]["bgcolor"], "#111827");
        let on_light = Template::Transparent { dark: false }.to_value();
        assert_eq!(on_light["layout"]["font"]["color"], "#1f2937");
    }
}
