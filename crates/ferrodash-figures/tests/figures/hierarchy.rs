//! Treemaps and sunbursts: ids, parents and values summed per level.

use std::collections::HashMap;

use ferrodash_figures::px;
use serde::Serialize;

use crate::{nums, plain, strs};

#[derive(Serialize)]
struct Row {
    region: &'static str,
    country: Option<&'static str>,
    city: Option<&'static str>,
    amount: Option<f64>,
}

fn rows() -> Vec<Row> {
    vec![
        Row {
            region: "Europe",
            country: Some("France"),
            city: Some("Paris"),
            amount: Some(10.0),
        },
        Row {
            region: "Europe",
            country: Some("France"),
            city: Some("Lyon"),
            amount: Some(5.0),
        },
        Row {
            region: "Europe",
            country: Some("Spain"),
            city: Some("Madrid"),
            amount: Some(7.5),
        },
        Row {
            region: "Asia",
            country: Some("Japan"),
            city: Some("Tokyo"),
            amount: Some(20.0),
        },
        Row {
            region: "Asia",
            country: Some("Japan"),
            city: Some("Osaka"),
            amount: None,
        },
        Row {
            region: "Asia",
            country: None,
            city: None,
            amount: Some(2.0),
        },
        Row {
            region: "Europe",
            country: Some("France"),
            city: Some("Paris"),
            amount: Some(1.0),
        },
    ]
}

#[test]
fn treemap_ids_parents_and_sums_per_level() {
    let rows = rows();
    let fig = px::treemap(&rows)
        .path(["region", "country", "city"])
        .values("amount")
        .build()
        .unwrap();
    let v = plain(&fig);
    let t = &v["data"][0];
    assert_eq!(t["type"], "treemap");
    assert_eq!(t["branchvalues"], "total");
    let ids = strs(&t["ids"]);
    let parents = strs(&t["parents"]);
    let labels = strs(&t["labels"]);
    let values = nums(&t["values"]);
    assert_eq!(ids.len(), 10); // 2 regions, 3 countries, 5 cities (Paris twice)
    assert_eq!(
        ids,
        [
            "Europe",
            "Asia",
            "Europe/France",
            "Europe/Spain",
            "Asia/Japan",
            "Europe/France/Paris",
            "Europe/France/Lyon",
            "Europe/Spain/Madrid",
            "Asia/Japan/Tokyo",
            "Asia/Japan/Osaka"
        ]
    );
    assert_eq!(labels[2], "France");
    let value: HashMap<&str, f64> = ids
        .iter()
        .map(String::as_str)
        .zip(values.iter().copied())
        .collect();
    assert_eq!(value["Europe/France/Paris"], 11.0);
    assert_eq!(
        value["Asia/Japan/Osaka"], 0.0,
        "a missing value counts as 0"
    );
    assert_eq!(value["Europe"], 23.5);
    assert_eq!(
        value["Asia"], 22.0,
        "the row without a country counts toward Asia"
    );
    // Every parent is an id, and with branchvalues "total" a parent is at
    // least the sum of its children.
    for (id, parent) in ids.iter().zip(&parents) {
        if parent.is_empty() {
            assert!(!id.contains('/'));
            continue;
        }
        assert!(ids.contains(parent), "{parent} is an id");
        assert_eq!(&format!("{parent}/{}", id.rsplit('/').next().unwrap()), id);
    }
    for parent in &ids {
        let children: f64 = ids
            .iter()
            .zip(&parents)
            .filter(|(_, p)| *p == parent)
            .map(|(id, _)| value[id.as_str()])
            .sum();
        assert!(value[parent.as_str()] >= children - 1e-9, "{parent}");
    }
    let roots: f64 = ids
        .iter()
        .zip(&parents)
        .filter(|(_, p)| p.is_empty())
        .map(|(id, _)| value[id.as_str()])
        .sum();
    assert_eq!(roots, 45.5);
}

#[test]
fn sunburst_counts_rows_without_values() {
    let rows = rows();
    let v = plain(
        &px::sunburst(&rows)
            .path(["region", "country"])
            .maxdepth(2)
            .build()
            .unwrap(),
    );
    let t = &v["data"][0];
    assert_eq!(t["type"], "sunburst");
    assert_eq!(t["maxdepth"], 2);
    assert_eq!(strs(&t["ids"])[..2], ["Europe", "Asia"]);
    assert_eq!(nums(&t["values"])[..2], [4.0, 3.0]);
}
