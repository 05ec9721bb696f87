//! A view's figures added up from its cells (usage per account, project
//! and month, as `report_cells` reads them): the headline totals, the
//! projects by hours, the months in order.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::charts::{MonthUsage, ProjectUsage};
use crate::store::{Cell, Totals};

/// Seconds in an hour.
const HOUR: f64 = 3_600.0;
/// Bytes in a gigabyte.
const GB: f64 = 1e9;

/// `bytes` in gigabytes.
#[allow(clippy::cast_precision_loss)] // Usage stays far below 2^53 bytes.
fn gigabytes(bytes: i64) -> f64 {
    bytes as f64 / GB
}

/// The headline figures.
#[must_use]
pub fn totals(cells: &[Cell]) -> Totals {
    let projects: HashSet<&str> = cells.iter().map(|c| c.project_id.as_str()).collect();
    Totals {
        hours: cells.iter().map(|c| c.ingested_seconds).sum::<f64>() / HOUR,
        items: cells.iter().map(|c| c.ingested_items).sum(),
        stored_bytes: cells.iter().map(Cell::held_bytes).sum(),
        deleted_bytes: cells.iter().map(|c| c.deleted_bytes).sum(),
        records: cells.iter().map(|c| c.records).sum(),
        projects: i64::try_from(projects.len()).unwrap_or(i64::MAX),
    }
}

/// Each project's hours and storage, most hours first (then by id).
#[must_use]
pub fn by_project(cells: &[Cell]) -> Vec<ProjectUsage> {
    let mut seconds: HashMap<&str, f64> = HashMap::new();
    let mut projects: HashMap<&str, ProjectUsage> = HashMap::new();
    for c in cells {
        *seconds.entry(&c.project_id).or_default() += c.ingested_seconds;
        let p = projects
            .entry(&c.project_id)
            .or_insert_with(|| ProjectUsage {
                account_id: c.account_id.clone(),
                account: c.account.clone(),
                project_id: c.project_id.clone(),
                project: c.project.clone(),
                hours: 0.0,
                video: 0,
                audio: 0,
                proxy: 0,
                subtitles: 0,
                thumbnails: 0,
            });
        p.video += c.video_bytes;
        p.audio += c.audio_bytes;
        p.proxy += c.proxy_bytes;
        p.subtitles += c.subtitles_bytes;
        p.thumbnails += c.thumbnails_bytes;
    }
    let mut out: Vec<ProjectUsage> = projects
        .into_iter()
        .map(|(id, mut p)| {
            p.hours = seconds.get(id).copied().unwrap_or_default() / HOUR;
            p
        })
        .collect();
    out.sort_by(|a, b| {
        b.hours
            .total_cmp(&a.hours)
            .then_with(|| a.project_id.cmp(&b.project_id))
    });
    out
}

/// The four volumes of each month, in order.
#[must_use]
pub fn by_month(cells: &[Cell]) -> Vec<MonthUsage> {
    let mut months: BTreeMap<&str, (f64, i64, i64, i64)> = BTreeMap::new();
    for c in cells {
        let m = months.entry(&c.month).or_default();
        m.0 += c.ingested_seconds;
        m.1 += c.ingested_items;
        m.2 += c.held_bytes();
        m.3 += c.deleted_bytes;
    }
    months
        .into_iter()
        .map(|(month, (seconds, items, held, deleted))| MonthUsage {
            month: month.to_owned(),
            hours: seconds / HOUR,
            items,
            stored_gb: gigabytes(held),
            deleted_gb: gigabytes(deleted),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(project: &str, month: &str, seconds: f64, held: i64, deleted: i64) -> Cell {
        Cell {
            account_id: "acc-01".to_owned(),
            account: "Northwind Media".to_owned(),
            project_id: project.to_owned(),
            project: format!("Project {project}"),
            month: month.to_owned(),
            records: 2,
            ingested_seconds: seconds,
            ingested_items: 3,
            video_bytes: held,
            audio_bytes: 1,
            proxy_bytes: 0,
            subtitles_bytes: 0,
            thumbnails_bytes: 0,
            deleted_bytes: deleted,
        }
    }

    #[test]
    fn cells_add_up_by_view_project_and_month() {
        let cells = [
            cell("p1", "2026-02", 3_600.0, 10, 5),
            cell("p2", "2026-01", 7_200.0, 20, 0),
            cell("p1", "2026-01", 1_800.0, 30, 1),
        ];
        let t = totals(&cells);
        assert!((t.hours - 3.5).abs() < 1e-9);
        assert_eq!((t.items, t.records, t.projects), (9, 6, 2));
        assert_eq!((t.stored_bytes, t.deleted_bytes), (63, 6));

        let p = by_project(&cells);
        let ids: Vec<&str> = p.iter().map(|p| p.project_id.as_str()).collect();
        assert_eq!(ids, ["p2", "p1"], "most hours first");
        assert!((p[1].hours - 1.5).abs() < 1e-9);
        assert_eq!((p[1].video, p[1].audio), (40, 2));

        let m = by_month(&cells);
        let months: Vec<&str> = m.iter().map(|m| m.month.as_str()).collect();
        assert_eq!(months, ["2026-01", "2026-02"]);
        assert!((m[0].hours - 2.5).abs() < 1e-9);
        assert_eq!(m[0].items, 6);
        assert!((m[0].stored_gb - 52.0 / 1e9).abs() < 1e-18);
    }

    #[test]
    fn equal_hours_are_ordered_by_project_id() {
        let cells = [
            cell("b", "2026-01", 60.0, 0, 0),
            cell("a", "2026-01", 60.0, 0, 0),
        ];
        let ids: Vec<String> = by_project(&cells)
            .into_iter()
            .map(|p| p.project_id)
            .collect();
        assert_eq!(ids, ["a", "b"]);
    }
}
