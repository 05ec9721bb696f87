//! The JSON shape of each chart kind.

use ferrodash_core::{Column, Columns};
use ferrodash_figures::px::{self, BarMode, BoxPoints, RenderMode};
use ferrodash_figures::{COLORWAY, Template};
use serde::Serialize;

use crate::{nums, plain, strs};

#[derive(Serialize)]
struct Sale {
    region: &'static str,
    year: i32,
    amount: f64,
}

fn sales() -> Vec<Sale> {
    vec![
        Sale {
            region: "North",
            year: 2024,
            amount: 120.0,
        },
        Sale {
            region: "South",
            year: 2024,
            amount: 80.5,
        },
        Sale {
            region: "North",
            year: 2025,
            amount: 150.0,
        },
        Sale {
            region: "South",
            year: 2025,
            amount: 90.0,
        },
        Sale {
            region: "East",
            year: 2025,
            amount: 30.0,
        },
    ]
}

#[test]
fn bar_grouped_one_trace_per_colour() {
    let rows = sales();
    let fig = px::bar(&rows)
        .x("region")
        .y("amount")
        .color("year")
        .barmode(BarMode::Group)
        .labels([("amount", "Revenue"), ("year", "Year")])
        .title("Revenue")
        .build()
        .unwrap();
    let v = plain(&fig);
    let data = v["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert_eq!(v["layout"]["barmode"], "group");
    assert_eq!(v["layout"]["title"]["text"], "Revenue");
    assert_eq!(v["layout"]["xaxis"]["title"]["text"], "region");
    assert_eq!(v["layout"]["yaxis"]["title"]["text"], "Revenue");
    assert_eq!(v["layout"]["legend"]["title"]["text"], "Year");
    assert_eq!(data[0]["type"], "bar");
    assert_eq!(data[0]["name"], "2024");
    assert_eq!(data[0]["offsetgroup"], "2024");
    assert_eq!(strs(&data[0]["x"]), ["North", "South"]);
    assert_eq!(nums(&data[0]["y"]), [120.0, 80.5]);
    assert_eq!(strs(&data[1]["x"]), ["North", "South", "East"]);
    assert_eq!(data[0]["marker"]["color"], COLORWAY[0]);
    assert_eq!(data[1]["marker"]["color"], COLORWAY[1]);
    assert_eq!(
        data[1]["hovertemplate"],
        "Year=2025<br>region=%{x}<br>Revenue=%{y}<extra></extra>"
    );
    // The template is ours, light by default.
    assert_eq!(
        v["layout"]["template"]["layout"]["paper_bgcolor"],
        "#ffffff"
    );
}

#[test]
fn bar_stacked_and_default_relative() {
    let rows = sales();
    let stacked = px::bar(&rows)
        .x("region")
        .y("amount")
        .color("year")
        .barmode(BarMode::Stack);
    let v = plain(&stacked.build().unwrap());
    assert_eq!(v["layout"]["barmode"], "stack");
    assert!(v["data"][0].get("offsetgroup").is_none());
    let v = plain(&px::bar(&rows).x("region").y("amount").build().unwrap());
    assert_eq!(v["layout"]["barmode"], "relative");
    assert_eq!(v["data"].as_array().unwrap().len(), 1);
    assert_eq!(v["data"][0]["showlegend"], false);
}

#[test]
fn bar_orientation_inferred_and_explicit() {
    let rows = sales();
    let v = plain(&px::bar(&rows).x("amount").y("region").build().unwrap());
    assert_eq!(v["data"][0]["orientation"], "h");
    let v = plain(&px::bar(&rows).x("region").y("amount").build().unwrap());
    assert!(v["data"][0].get("orientation").is_none());
}

#[test]
fn line_with_colour_and_markers() {
    let rows = sales();
    let v = plain(
        &px::line(&rows)
            .x("year")
            .y("amount")
            .color("region")
            .markers(true)
            .color_sequence(["red", "green"])
            .build()
            .unwrap(),
    );
    let data = v["data"].as_array().unwrap();
    assert_eq!(data.len(), 3);
    assert_eq!(data[0]["type"], "scatter");
    assert_eq!(data[0]["mode"], "lines+markers");
    assert_eq!(data[0]["line"]["color"], "red");
    assert_eq!(data[2]["line"]["color"], "red"); // the sequence cycles
    assert_eq!(nums(&data[0]["x"]), [2024.0, 2025.0]);
}

fn points(n: usize) -> Columns {
    #[allow(clippy::cast_precision_loss)]
    let xs: Vec<Option<f64>> = (0..n).map(|i| Some(i as f64)).collect();
    Columns::new()
        .with_column("x", Column::Float(xs.clone()))
        .unwrap()
        .with_column("y", Column::Float(xs))
        .unwrap()
}

#[test]
fn scatter_switches_to_webgl_above_threshold() {
    let at = points(1_000);
    let above = points(1_001);
    let kind = |t: &Columns, f: fn(px::ScatterChart<'_>) -> px::ScatterChart<'_>| {
        let fig = f(px::scatter(t).x("x").y("y")).build().unwrap();
        fig.data[0].kind()
    };
    assert_eq!(kind(&at, |c| c), "scatter");
    assert_eq!(kind(&above, |c| c), "scattergl");
    assert_eq!(kind(&at, |c| c.webgl_threshold(10)), "scattergl");
    assert_eq!(kind(&above, |c| c.render_mode(RenderMode::Svg)), "scatter");
    assert_eq!(
        kind(&points(3), |c| c.render_mode(RenderMode::WebGl)),
        "scattergl"
    );
}

#[test]
fn scatter_size_and_numeric_colour() {
    let t = Columns::new()
        .with_column("x", Column::Int(vec![Some(1), Some(2), Some(3)]))
        .unwrap()
        .with_column("y", Column::Int(vec![Some(4), Some(5), Some(6)]))
        .unwrap()
        .with_column("pop", Column::Float(vec![Some(10.0), None, Some(40.0)]))
        .unwrap();
    let v = plain(
        &px::scatter(&t)
            .x("x")
            .y("y")
            .size("pop")
            .color("pop")
            .build()
            .unwrap(),
    );
    let data = v["data"].as_array().unwrap();
    assert_eq!(data.len(), 1, "a numeric colour is a scale, not categories");
    let marker = &data[0]["marker"];
    assert_eq!(nums(&marker["size"]), [10.0, 0.0, 40.0]);
    assert_eq!(marker["sizemode"], "area");
    assert_eq!(marker["sizeref"], 2.0 * 40.0 / 400.0);
    assert_eq!(marker["showscale"], true);
    assert!(nums(&marker["color"])[1].is_nan());
    assert_eq!(marker["colorbar"]["title"]["text"], "pop");
}

#[test]
fn donut_hole_and_total_in_centre() {
    #[derive(Serialize)]
    struct Row {
        channel: &'static str,
        orders: f64,
    }
    let rows = [
        Row {
            channel: "Web",
            orders: 1_000_000.0,
        },
        Row {
            channel: "Store",
            orders: 234_567.5,
        },
        Row {
            channel: "Web",
            orders: 0.25,
        },
    ];
    let v = plain(
        &px::donut(&rows[..])
            .names("channel")
            .values("orders")
            .centre_total_with("$", "")
            .build()
            .unwrap(),
    );
    assert_eq!(v["data"][0]["type"], "pie");
    assert_eq!(v["data"][0]["hole"], 0.5);
    assert_eq!(strs(&v["data"][0]["labels"]), ["Web", "Store", "Web"]);
    // Equal names get the same colour.
    let colors = strs(&v["data"][0]["marker"]["colors"]);
    assert_eq!(colors[0], colors[2]);
    assert_ne!(colors[0], colors[1]);
    let note = &v["layout"]["annotations"][0];
    assert_eq!(note["text"], "$1,234,567.75");
    assert_eq!(
        (note["x"].as_f64(), note["y"].as_f64()),
        (Some(0.5), Some(0.5))
    );
    assert_eq!(note["showarrow"], false);

    let v = plain(
        &px::pie(&rows[..])
            .names("channel")
            .hole(0.3)
            .centre_text("Orders")
            .build()
            .unwrap(),
    );
    assert_eq!(v["data"][0]["hole"], 0.3);
    assert_eq!(v["layout"]["annotations"][0]["text"], "Orders");
    // Without values rows are counted.
    let v = plain(
        &px::pie(&rows[..])
            .names("channel")
            .centre_total()
            .build()
            .unwrap(),
    );
    assert_eq!(v["layout"]["annotations"][0]["text"], "3");
    assert!(v["data"][0].get("values").is_none());
}

#[test]
fn histogram_bins_and_colour() {
    let rows = sales();
    let v = plain(
        &px::histogram(&rows)
            .x("amount")
            .nbins(5)
            .color("region")
            .barmode(BarMode::Overlay)
            .build()
            .unwrap(),
    );
    let data = v["data"].as_array().unwrap();
    assert_eq!(data.len(), 3);
    assert_eq!(data[0]["type"], "histogram");
    assert_eq!(data[0]["nbinsx"], 5);
    assert_eq!(data[0]["opacity"], 0.6);
    assert_eq!(v["layout"]["barmode"], "overlay");
    assert_eq!(v["layout"]["yaxis"]["title"]["text"], "count");
}

#[test]
fn heatmap_pivot_sums_cells() {
    #[derive(Serialize)]
    struct Row {
        day: &'static str,
        hour: i32,
        calls: Option<i32>,
    }
    let rows = [
        Row {
            day: "Tue",
            hour: 10,
            calls: Some(7),
        },
        Row {
            day: "Mon",
            hour: 9,
            calls: Some(3),
        },
        Row {
            day: "Mon",
            hour: 9,
            calls: Some(2),
        },
        Row {
            day: "Mon",
            hour: 10,
            calls: None,
        },
        Row {
            day: "Tue",
            hour: 10,
            calls: Some(1),
        },
    ];
    let v = plain(
        &px::heatmap(&rows[..])
            .x("day")
            .y("hour")
            .z("calls")
            .build()
            .unwrap(),
    );
    let t = &v["data"][0];
    assert_eq!(t["type"], "heatmap");
    assert_eq!(strs(&t["x"]), ["Tue", "Mon"]);
    assert_eq!(nums(&t["y"]), [10.0, 9.0]);
    // z[row = hour][col = day]; (Tue, 9) has no rows: an empty cell.
    assert_eq!(nums(&t["z"][0]), [8.0, 0.0]);
    assert_eq!(t["z"][1][0], serde_json::Value::Null);
    assert_eq!(t["z"][1][1], 5);
    let v = plain(
        &px::heatmap(&rows[..])
            .x("day")
            .y("hour")
            .sort_categories(true)
            .build()
            .unwrap(),
    );
    let t = &v["data"][0];
    assert_eq!(strs(&t["x"]), ["Mon", "Tue"]);
    assert_eq!(nums(&t["y"]), [9.0, 10.0]);
    assert_eq!(t["z"], serde_json::json!([[2, null], [1, 2]]));
    // Typed: one f4/i1 array with a shape.
    let typed = px::heatmap(&rows[..])
        .x("day")
        .y("hour")
        .z("calls")
        .build()
        .unwrap()
        .to_value();
    assert_eq!(typed["data"][0]["z"]["shape"], "2,2");
}

#[test]
fn heatmap_from_matrix() {
    let fig = px::heatmap_matrix(vec![vec![1.0, 2.0, 3.0], vec![4.0, 5.0, 6.5]])
        .x_labels(["a", "b", "c"])
        .y_labels(["r1", "r2"])
        .colorscale("Viridis")
        .show_values(true)
        .build()
        .unwrap();
    let typed = fig.to_value();
    assert_eq!(typed["data"][0]["z"]["dtype"], "f4");
    assert_eq!(typed["data"][0]["z"]["shape"], "2,3");
    let v = plain(&fig);
    assert_eq!(
        v["data"][0]["z"],
        serde_json::json!([[1, 2, 3], [4, 5, 6.5]])
    );
    assert_eq!(v["data"][0]["colorscale"], "Viridis");
    assert_eq!(v["data"][0]["texttemplate"], "%{z}");
}

#[test]
fn box_per_category_and_grouped_by_colour() {
    let rows = sales();
    let v = plain(
        &px::box_plot(&rows)
            .x("region")
            .y("amount")
            .points(BoxPoints::None)
            .mean(true)
            .build()
            .unwrap(),
    );
    assert_eq!(v["data"].as_array().unwrap().len(), 1);
    assert_eq!(v["data"][0]["type"], "box");
    assert_eq!(v["data"][0]["boxpoints"], false);
    assert_eq!(v["data"][0]["boxmean"], true);
    assert_eq!(strs(&v["data"][0]["x"]).len(), 5);
    let v = plain(
        &px::box_plot(&rows)
            .x("region")
            .y("amount")
            .color("year")
            .build()
            .unwrap(),
    );
    assert_eq!(v["data"].as_array().unwrap().len(), 2);
    assert_eq!(v["layout"]["boxmode"], "group");
}

#[test]
fn indicator_modes() {
    let v = plain(&px::indicator(42.0).title("Open tickets").build().unwrap());
    assert_eq!(v["data"][0]["type"], "indicator");
    assert_eq!(v["data"][0]["mode"], "number");
    assert_eq!(v["data"][0]["title"]["text"], "Open tickets");
    assert!(v["layout"].get("title").is_none());
    let v = plain(
        &px::indicator(90.0)
            .reference(100.0)
            .relative(true)
            .lower_is_better(true)
            .suffix(" ms")
            .gauge(0.0, 200.0)
            .build()
            .unwrap(),
    );
    let t = &v["data"][0];
    assert_eq!(t["mode"], "number+delta+gauge");
    assert_eq!(t["delta"]["reference"], 100.0);
    assert_eq!(t["delta"]["relative"], true);
    assert_eq!(t["delta"]["decreasing"]["color"], "#16a34a");
    assert_eq!(t["number"]["suffix"], " ms");
    assert_eq!(t["gauge"]["axis"]["range"], serde_json::json!([0.0, 200.0]));
}

#[test]
fn dark_template_and_size() {
    let rows = sales();
    let v = plain(
        &px::bar(&rows)
            .x("region")
            .y("amount")
            .template(Template::Dark)
            .height(320)
            .build()
            .unwrap(),
    );
    assert_eq!(v["layout"]["height"], 320);
    assert_eq!(
        v["layout"]["template"]["layout"]["paper_bgcolor"],
        "#111827"
    );
    assert_eq!(
        v["layout"]["template"]["layout"]["font"]["color"],
        "#e5e7eb"
    );
}

#[test]
fn owned_and_borrowed_columns_work() {
    let t = Columns::from_rows(&sales()).unwrap();
    let a = px::bar(&t).x("region").y("amount").build().unwrap();
    let b = px::bar(t).x("region").y("amount").build().unwrap();
    assert_eq!(a, b);
}
