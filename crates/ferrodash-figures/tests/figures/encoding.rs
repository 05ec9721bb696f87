//! Typed arrays in whole figures, the JSON switch, and callback output.

use ferrodash_core::IntoPropValue;
use ferrodash_figures::data_array::decode;
use ferrodash_figures::trace::{Bar, Scatter};
use ferrodash_figures::{ArrayEncoding, DataArray, Figure, Layout, px};
use proptest::prelude::*;
use serde_json::json;

#[test]
fn figure_is_exactly_data_and_layout() {
    let v = Figure::new()
        .trace(Bar::new().y(vec![1, 2]))
        .layout(Layout::new().height(200))
        .to_value();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["data", "layout"]);
}

#[test]
fn numeric_arrays_are_typed_text_arrays_are_lists() {
    let fig = Figure::new().trace(
        Scatter::new()
            .x(vec!["2026-01-01", "2026-01-02", "2026-01-03"])
            .y(vec![1.0, 300.0, 70_000.0])
            .customdata(vec![0.1, 0.2, 0.3]),
    );
    let v = fig.to_value();
    let t = &v["data"][0];
    assert_eq!(t["x"], json!(["2026-01-01", "2026-01-02", "2026-01-03"]));
    assert_eq!(t["y"]["dtype"], "i4"); // 70,000 is past u2; signed before unsigned
    assert_eq!(
        decode("i4", t["y"]["bdata"].as_str().unwrap()).unwrap(),
        [1.0, 300.0, 70_000.0]
    );
    assert_eq!(t["customdata"]["dtype"], "f8");
    assert_eq!(
        decode("f8", t["customdata"]["bdata"].as_str().unwrap()).unwrap(),
        [0.1, 0.2, 0.3]
    );
    let plain = fig.array_encoding(ArrayEncoding::Json).to_value();
    assert_eq!(plain["data"][0]["y"], json!([1, 300, 70000]));
}

#[test]
fn typed_is_smaller_for_many_floats() {
    #[derive(serde::Serialize)]
    struct P {
        x: f64,
        y: f64,
    }
    let rows: Vec<P> = (0..5_000)
        .map(|i| P {
            x: f64::from(i),
            y: (f64::from(i) * 0.37).sin(),
        })
        .collect();
    let fig = px::scatter(&rows).x("x").y("y").build().unwrap();
    let typed = fig.to_json().len();
    let plain = fig.array_encoding(ArrayEncoding::Json).to_json().len();
    assert!(typed < plain, "typed {typed} bytes, JSON {plain} bytes");
}

#[test]
fn escape_hatch_merges_into_typed_attributes() {
    let fig = Figure::new()
        .trace(
            Bar::new()
                .marker_color("red")
                .set("marker.line.width", 2)
                .set("marker.line.color", "black"),
        )
        .layout(
            Layout::new()
                .xaxis_title("Month")
                .set("xaxis.tickangle", -45),
        );
    let v = fig.to_value();
    assert_eq!(
        v["data"][0]["marker"],
        json!({"color": "red", "line": {"width": 2, "color": "black"}})
    );
    assert_eq!(
        v["layout"]["xaxis"],
        json!({"title": {"text": "Month"}, "tickangle": -45})
    );
}

#[test]
fn figure_is_a_callback_output() {
    fn output<T: IntoPropValue>(value: T) -> serde_json::Value {
        value.into_prop_value()
    }
    let fig = Figure::new().trace(Bar::new().y(vec![1]));
    assert_eq!(output(fig.clone()), fig.to_value());
    assert_eq!(output(Some(fig.clone()))["data"][0]["type"], "bar");
}

proptest! {
    #[test]
    fn figure_arrays_round_trip(values in proptest::collection::vec(proptest::num::f64::NORMAL | proptest::num::f64::ZERO, 1..200)) {
        let fig = Figure::new().trace(Scatter::new().y(DataArray::Numbers(values.clone())));
        let v = fig.to_value();
        let y = &v["data"][0]["y"];
        let back = decode(y["dtype"].as_str().unwrap(), y["bdata"].as_str().unwrap()).unwrap();
        prop_assert_eq!(back, values);
    }

    #[test]
    fn small_ints_use_one_byte(values in proptest::collection::vec(-128_i32..=127, 1..100)) {
        let fig = Figure::new().trace(Scatter::new().y(values.clone()));
        let v = fig.to_value();
        prop_assert_eq!(&v["data"][0]["y"]["dtype"], "i1");
        let back = decode("i1", v["data"][0]["y"]["bdata"].as_str().unwrap()).unwrap();
        prop_assert_eq!(back, values.into_iter().map(f64::from).collect::<Vec<_>>());
    }
}
