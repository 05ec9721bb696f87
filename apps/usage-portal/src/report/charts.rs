//! The report's figures and headline numbers, from the rows the report
//! queries return.

use ferrodash::figures::px::{self, BarMode, format_thousands};
use ferrodash::figures::{FigureError, Template};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::platform::STORAGE_KINDS;
use crate::store::Totals;

/// Projects shown by name in the donut; the rest are "Others".
pub const TOP_PROJECTS: usize = 8;

/// The label of the donut's sector for the smaller projects.
pub const OTHERS: &str = "Others";

/// A view's usage of one project.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ProjectUsage {
    /// The account's id.
    pub account_id: String,
    /// The account's name.
    pub account: String,
    /// The project's id.
    pub project_id: String,
    /// The project's name.
    pub project: String,
    /// Hours ingested.
    pub hours: f64,
    /// Bytes held, by kind.
    pub video: i64,
    /// Audio bytes.
    pub audio: i64,
    /// Proxy bytes.
    pub proxy: i64,
    /// Subtitle bytes.
    pub subtitles: i64,
    /// Thumbnail bytes.
    pub thumbnails: i64,
}

/// A view's four volumes in one month.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MonthUsage {
    /// `YYYY-MM`.
    pub month: String,
    /// Hours ingested.
    pub hours: f64,
    /// Items ingested.
    pub items: i64,
    /// Storage added and still held, GB.
    pub stored_gb: f64,
    /// Storage deleted, GB.
    pub deleted_gb: f64,
}

/// A figure with no data, saying so in its middle.
#[must_use]
pub fn empty(title: &str, template: Template) -> Value {
    let mut figure = ferrodash::figures::Figure::new()
        .layout(ferrodash::figures::Layout::new().template(template))
        .update_layout("title.text", title)
        .update_layout("xaxis.visible", false)
        .update_layout("yaxis.visible", false)
        .to_value();
    if let Some(layout) = figure.get_mut("layout").and_then(Value::as_object_mut) {
        let note = serde_json::json!([{
            "text": "No usage in this view",
            "showarrow": false,
            "font": {"size": 16},
            "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5,
        }]);
        layout.insert("annotations".to_owned(), note);
    }
    figure
}

/// `1.2 TB`, `340 GB`, `12 MB` for a byte count (powers of 1000).
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn bytes_text(bytes: i64) -> String {
    const UNITS: [&str; 6] = ["B", "kB", "MB", "GB", "TB", "PB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value.abs() >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    let decimals = usize::from(value.abs() < 10.0 && unit > 0);
    // unit < UNITS.len(), by the loop.
    let unit = UNITS.get(unit).copied().unwrap_or_default();
    format!("{} {}", format_thousands(value, decimals), unit)
}

/// `Mar 2026` for `2026-03`.
#[must_use]
pub fn month_label(month: &str) -> String {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let name = month
        .get(5..7)
        .and_then(|m| m.parse::<usize>().ok())
        .and_then(|m| NAMES.get(m.wrapping_sub(1)));
    match (name, month.get(..4)) {
        (Some(name), Some(year)) => format!("{name} {year}"),
        _ => month.to_owned(),
    }
}

/// A project's label: its name, with its account's when the view spans
/// accounts (names repeat across customers).
fn label(p: &ProjectUsage, many_accounts: bool) -> String {
    if many_accounts {
        format!("{} · {}", p.project, p.account)
    } else {
        p.project.clone()
    }
}

#[derive(Serialize)]
struct Slice {
    project: String,
    hours: f64,
}

/// The donut of hours by project: the [`TOP_PROJECTS`] largest by name,
/// the rest as [`OTHERS`], the total in the centre.
///
/// # Errors
///
/// [`FigureError`].
pub fn donut(
    projects: &[ProjectUsage],
    many_accounts: bool,
    total_hours: f64,
    template: Template,
) -> Result<Value, FigureError> {
    if projects.iter().all(|p| p.hours <= 0.0) {
        return Ok(empty("Hours ingested by project", template));
    }
    let mut slices: Vec<Slice> = projects
        .iter()
        .take(TOP_PROJECTS)
        .map(|p| Slice {
            project: label(p, many_accounts),
            hours: p.hours,
        })
        .collect();
    let others: f64 = projects.iter().skip(TOP_PROJECTS).map(|p| p.hours).sum();
    if others > 0.0 {
        slices.push(Slice {
            project: OTHERS.to_owned(),
            hours: others,
        });
    }
    let figure = px::donut(&slices)
        .names("project")
        .values("hours")
        .centre_text(format!("{} h", format_thousands(total_hours, 0)))
        .labels([("hours", "Hours ingested"), ("project", "Project")])
        .title("Hours ingested by project")
        .template(template)
        .build()?;
    Ok(figure
        .update_traces("sort", false)
        .update_layout("legend.orientation", "h")
        .to_value())
}

#[derive(Serialize)]
struct Tile {
    account: String,
    project: String,
    kind: &'static str,
    gb: f64,
}

/// The treemap of storage held, by project and kind (and account first
/// when the view spans accounts).
///
/// # Errors
///
/// [`FigureError`].
#[allow(clippy::cast_precision_loss)]
pub fn treemap(
    projects: &[ProjectUsage],
    many_accounts: bool,
    template: Template,
) -> Result<Value, FigureError> {
    let mut tiles = Vec::new();
    for p in projects {
        let kinds = [p.video, p.audio, p.proxy, p.subtitles, p.thumbnails];
        for (kind, bytes) in STORAGE_KINDS.into_iter().zip(kinds) {
            if bytes > 0 {
                tiles.push(Tile {
                    account: p.account.clone(),
                    project: label(p, false),
                    kind,
                    gb: bytes as f64 / 1e9,
                });
            }
        }
    }
    if tiles.is_empty() {
        return Ok(empty("Storage held by project and kind", template));
    }
    let path: &[&str] = if many_accounts {
        &["account", "project", "kind"]
    } else {
        &["project", "kind"]
    };
    let figure = px::treemap(&tiles)
        .path(path.iter().copied())
        .values("gb")
        .labels([
            ("gb", "Storage (GB)"),
            ("kind", "Kind"),
            ("project", "Project"),
        ])
        .title("Storage held by project and kind")
        .template(template)
        .build()?;
    Ok(figure.to_value())
}

#[derive(Serialize)]
struct Bar {
    month: String,
    volume: &'static str,
    value: f64,
}

/// The names of the four volumes, in the bars' order.
pub const VOLUMES: [&str; 4] = [
    "Hours ingested",
    "Items ingested",
    "Storage held (GB)",
    "Deleted (GB)",
];

/// Grouped bars of the four volumes by month, on a log axis (their scales
/// differ by orders of magnitude).
///
/// # Errors
///
/// [`FigureError`].
#[allow(clippy::cast_precision_loss)]
pub fn monthly(months: &[MonthUsage], template: Template) -> Result<Value, FigureError> {
    if months.is_empty() {
        return Ok(empty("Volumes by month", template));
    }
    let mut bars = Vec::with_capacity(months.len() * 4);
    for m in months {
        let values = [m.hours, m.items as f64, m.stored_gb, m.deleted_gb];
        for (volume, value) in VOLUMES.into_iter().zip(values) {
            bars.push(Bar {
                month: month_label(&m.month),
                volume,
                value: (value * 10.0).round() / 10.0,
            });
        }
    }
    let figure = px::bar(&bars)
        .x("month")
        .y("value")
        .color("volume")
        .barmode(BarMode::Group)
        .labels([
            ("month", "Month"),
            ("value", "Volume"),
            ("volume", "Volume"),
        ])
        .title("Volumes by month")
        .template(template)
        .build()?;
    Ok(figure
        .update_layout("yaxis.type", "log")
        .update_layout("yaxis.dtick", 1)
        .update_layout("yaxis.title.text", "")
        .update_layout("xaxis.title.text", "")
        .update_layout("legend.orientation", "h")
        .update_layout("legend.y", -0.12)
        .to_value())
}

/// The headline cards' texts: hours, items, storage held, deleted,
/// projects.
#[must_use]
#[allow(clippy::cast_precision_loss)]
pub fn headline(totals: &Totals) -> [String; 5] {
    [
        format!("{} h", format_thousands(totals.hours, 1)),
        format_thousands(totals.items as f64, 0),
        bytes_text(totals.stored_bytes),
        bytes_text(totals.deleted_bytes),
        format_thousands(totals.projects as f64, 0),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(name: &str, hours: f64) -> ProjectUsage {
        ProjectUsage {
            account_id: "acc-01".to_owned(),
            account: "Northwind Media".to_owned(),
            project_id: format!("id-{name}"),
            project: name.to_owned(),
            hours,
            video: 2_000_000_000,
            audio: 0,
            proxy: 1,
            subtitles: 0,
            thumbnails: 0,
        }
    }

    #[test]
    fn the_donut_keeps_the_top_projects_and_sums_the_rest_as_others() {
        let projects: Vec<ProjectUsage> = (0..12)
            .map(|i| project(&format!("P{i}"), f64::from(100 - i)))
            .collect();
        let fig = donut(&projects, false, 1000.0, Template::Light).unwrap();
        let trace = &fig["data"][0];
        let labels: Vec<&str> = trace["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(labels.len(), TOP_PROJECTS + 1);
        assert_eq!(labels.last(), Some(&OTHERS));
        assert_eq!(fig["layout"]["annotations"][0]["text"], "1,000 h");
    }

    #[test]
    fn a_view_without_usage_draws_empty_figures() {
        for figure in [
            donut(&[], false, 0.0, Template::Light).unwrap(),
            treemap(&[], true, Template::Light).unwrap(),
            monthly(&[], Template::Dark).unwrap(),
        ] {
            assert_eq!(figure["data"], serde_json::json!([]), "{figure}");
            assert_eq!(
                figure["layout"]["annotations"][0]["text"],
                "No usage in this view"
            );
        }
    }

    #[test]
    fn byte_counts_read_in_powers_of_a_thousand() {
        assert_eq!(bytes_text(999), "999 B");
        assert_eq!(bytes_text(1_500_000_000), "1.5 GB");
        assert_eq!(bytes_text(250_000_000_000_000), "250 TB");
        assert_eq!(month_label("2026-03"), "Mar 2026");
    }

    #[test]
    fn the_treemap_has_a_level_for_accounts_only_across_accounts() {
        let one = treemap(&[project("News", 1.0)], false, Template::Dark).unwrap();
        let many = treemap(&[project("News", 1.0)], true, Template::Dark).unwrap();
        let ids = |f: &Value| f["data"][0]["ids"].as_array().map_or(0, Vec::len);
        assert!(ids(&many) > ids(&one), "{one} {many}");
    }
}
