//! Errors name what is wrong.

use ferrodash_core::ColumnsError;
use ferrodash_figures::{FigureError, px};
use serde::Serialize;

#[derive(Serialize)]
struct Row {
    region: &'static str,
    amount: f64,
    ok: bool,
}

fn rows() -> Vec<Row> {
    vec![Row {
        region: "North",
        amount: 1.0,
        ok: true,
    }]
}

#[test]
fn missing_column_lists_the_available_ones() {
    let rows = rows();
    let err = px::bar(&rows).x("region").y("amonut").build().unwrap_err();
    assert_eq!(
        err,
        FigureError::MissingColumn {
            name: "amonut".into(),
            available: vec!["region".into(), "amount".into(), "ok".into()],
        }
    );
    assert_eq!(
        err.to_string(),
        "no column `amonut`; the table has: region, amount, ok"
    );
    let err = px::treemap(&rows)
        .path(["region", "country"])
        .build()
        .unwrap_err();
    assert!(matches!(err, FigureError::MissingColumn { ref name, .. } if name == "country"));
}

#[test]
fn non_numeric_column_names_its_kind() {
    let rows = rows();
    let err = px::line(&rows).x("amount").y("region").build().unwrap_err();
    assert_eq!(
        err,
        FigureError::NotNumeric {
            name: "region".into(),
            kind: "text"
        }
    );
    let err = px::pie(&rows)
        .names("region")
        .values("ok")
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        FigureError::NotNumeric {
            name: "ok".into(),
            kind: "bool"
        }
    );
    assert_eq!(
        err.to_string(),
        "column `ok` holds bool values where numbers are needed"
    );
    let err = px::heatmap(&rows)
        .x("region")
        .y("region")
        .z("region")
        .build()
        .unwrap_err();
    assert!(matches!(err, FigureError::NotNumeric { .. }));
}

#[test]
fn mismatched_lengths() {
    let err = px::heatmap_matrix(vec![vec![1.0, 2.0], vec![3.0]])
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        FigureError::LengthMismatch {
            what: "row 1 of z".into(),
            expected: 2,
            found: 1
        }
    );
    let err = px::heatmap_matrix(vec![vec![1.0, 2.0]])
        .x_labels(["a"])
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        FigureError::LengthMismatch {
            what: "x labels".into(),
            expected: 2,
            found: 1
        }
    );
}

#[test]
fn missing_options_and_bad_rows() {
    let rows = rows();
    assert_eq!(
        px::bar(&rows).x("region").build().unwrap_err(),
        FigureError::MissingOption {
            chart: "bar",
            option: "y"
        }
    );
    assert_eq!(
        px::sunburst(&rows).build().unwrap_err(),
        FigureError::MissingOption {
            chart: "sunburst",
            option: "path"
        }
    );
    let err = px::bar(&[1, 2, 3]).x("a").y("b").build().unwrap_err();
    assert!(matches!(
        err,
        FigureError::Rows(ColumnsError::Row { row: 0, .. })
    ));
}
