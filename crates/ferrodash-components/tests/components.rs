//! Facts about the generated builders and libraries, and snapshots of their
//! wire form (`{"props":{…},"type":"…","namespace":"…"}`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "helpers of tests too, not only #[test] fns: a panic here is a failed test"
)]

use ferrodash_components::{dash_table, dcc, html, libraries};
use ferrodash_core::{Component, ComponentId, ComponentLibrary, Node};
use serde_json::{Value, json};

fn wire(component: impl Into<Component>) -> String {
    serde_json::to_string(&component.into()).unwrap()
}

fn prop_json(component: &Component, name: &str) -> Option<Value> {
    component
        .get(name)
        .map(|v| serde_json::to_value(v).unwrap())
}

fn names(library: &ComponentLibrary) -> Vec<&'static str> {
    library.components.iter().map(|c| c.type_name).collect()
}

/// Builds each component with its function and checks the type name and
/// namespace it sends.
macro_rules! check_functions {
    ($module:ident, $namespace:literal, $arg:expr, [$($function:ident => $type_name:literal),* $(,)?]) => {{
        let built: Vec<Component> = vec![$($module::$function($arg).into()),*];
        let expected: Vec<&str> = vec![$($type_name),*];
        for (component, type_name) in built.iter().zip(&expected) {
            assert_eq!(component.type_name(), *type_name);
            assert_eq!(component.namespace(), $namespace);
        }
        expected
    }};
}

#[test]
fn all_26_core_components() {
    let expected = check_functions!(dcc, "dash_core_components", "x", [
        button => "Button", checklist => "Checklist", clipboard => "Clipboard",
        confirm_dialog => "ConfirmDialog", confirm_dialog_provider => "ConfirmDialogProvider",
        date_picker_range => "DatePickerRange", date_picker_single => "DatePickerSingle",
        download => "Download", dropdown => "Dropdown", geolocation => "Geolocation",
        graph => "Graph", input => "Input", interval => "Interval", link => "Link",
        loading => "Loading", location => "Location", markdown => "Markdown",
        radio_items => "RadioItems", range_slider => "RangeSlider", slider => "Slider",
        store => "Store", tab => "Tab", tabs => "Tabs", textarea => "Textarea",
        tooltip => "Tooltip", upload => "Upload",
    ]);
    assert_eq!(expected.len(), 26);
    assert_eq!(names(&dcc::LIBRARY), expected);
    assert_eq!(dcc::LIBRARY.namespace, "dash_core_components");
}

#[test]
fn every_html_element() {
    let expected = check_functions!(html, "dash_html_components", (), [
        a => "A", abbr => "Abbr", acronym => "Acronym", address => "Address", area => "Area",
        article => "Article", aside => "Aside", audio => "Audio", b => "B", base => "Base",
        basefont => "Basefont", bdi => "Bdi", bdo => "Bdo", big => "Big", blink => "Blink",
        blockquote => "Blockquote", br => "Br", button => "Button", canvas => "Canvas",
        caption => "Caption", center => "Center", cite => "Cite", code => "Code", col => "Col",
        colgroup => "Colgroup", content => "Content", data => "Data", datalist => "Datalist",
        dd => "Dd", del => "Del", details => "Details", dfn => "Dfn", dialog => "Dialog",
        div => "Div", dl => "Dl", dt => "Dt", em => "Em", embed => "Embed",
        fieldset => "Fieldset", figcaption => "Figcaption", figure => "Figure", font => "Font",
        footer => "Footer", form => "Form", frame => "Frame", frameset => "Frameset",
        h1 => "H1", h2 => "H2", h3 => "H3", h4 => "H4", h5 => "H5", h6 => "H6",
        header => "Header", hgroup => "Hgroup", hr => "Hr", i => "I", iframe => "Iframe",
        img => "Img", ins => "Ins", kbd => "Kbd", keygen => "Keygen", label => "Label",
        legend => "Legend", li => "Li", link => "Link", main => "Main", map_el => "MapEl",
        mark => "Mark", marquee => "Marquee", meta => "Meta", meter => "Meter", nav => "Nav",
        nobr => "Nobr", noscript => "Noscript", object_el => "ObjectEl", ol => "Ol",
        optgroup => "Optgroup", option => "Option", output => "Output", p => "P",
        param => "Param", picture => "Picture", plaintext => "Plaintext", pre => "Pre",
        progress => "Progress", q => "Q", rb => "Rb", rp => "Rp", rt => "Rt", rtc => "Rtc",
        ruby => "Ruby", s => "S", samp => "Samp", script => "Script", section => "Section",
        select => "Select", shadow => "Shadow", slot => "Slot", small => "Small",
        source => "Source", spacer => "Spacer", span => "Span", strike => "Strike",
        strong => "Strong", sub => "Sub", summary => "Summary", sup => "Sup", table => "Table",
        tbody => "Tbody", td => "Td", template => "Template", textarea => "Textarea",
        tfoot => "Tfoot", th => "Th", thead => "Thead", time => "Time", title => "Title",
        tr => "Tr", track => "Track", u => "U", ul => "Ul", var => "Var", video => "Video",
        wbr => "Wbr", xmp => "Xmp",
    ]);
    assert_eq!(expected.len(), 125);
    assert_eq!(names(&html::LIBRARY), expected);
    for meta in html::LIBRARY.components {
        assert_eq!(
            meta.wildcard_prefixes,
            ["data-", "aria-"],
            "{}",
            meta.type_name
        );
        assert!(meta.has_prop("children") && meta.has_prop("id") && meta.has_prop("data-x"));
        assert!(!meta.has_prop("setProps"), "function props are left out");
    }
}

#[test]
fn data_table_library() {
    assert_eq!(names(&dash_table::LIBRARY), ["DataTable"]);
    assert_eq!(dash_table::LIBRARY.namespace, "dash_table");
    let meta = dash_table::LIBRARY.component("DataTable").unwrap();
    assert!(meta.wildcard_prefixes.is_empty());
    for prop in [
        "id",
        "data",
        "columns",
        "page_size",
        "style_data_conditional",
        "loading_state",
    ] {
        assert!(meta.has_prop(prop), "{prop}");
    }
    assert!(!meta.has_prop("data-x"));
}

#[test]
fn libraries_in_order() {
    let namespaces: Vec<_> = libraries().iter().map(|l| l.namespace).collect();
    let mut expected = vec!["dash_html_components", "dash_core_components", "dash_table"];
    if cfg!(feature = "ag-grid") {
        expected.push("dash_ag_grid");
    }
    if cfg!(feature = "bootstrap") {
        expected.push("dash_bootstrap_components");
    }
    if cfg!(feature = "mantine") {
        expected.push("dash_mantine_components");
    }
    assert_eq!(namespaces, expected);
}

/// dash-protocol.md §2.9: in 4.4.1 only these three components have non-empty
/// `children_props`; every other component has `[]`.
#[test]
fn children_props_facts() {
    let mut non_empty = Vec::new();
    for library in [&html::LIBRARY, &dcc::LIBRARY, &dash_table::LIBRARY] {
        for meta in library.components {
            if !meta.children_props.is_empty() {
                non_empty.push((
                    library.namespace,
                    meta.type_name,
                    meta.children_props.to_vec(),
                ));
            }
            assert!(!meta.children_props.contains(&"children"));
            assert!(meta.has_prop("id"), "{}", meta.type_name);
        }
    }
    assert_eq!(
        non_empty,
        [
            ("dash_core_components", "Clipboard", vec!["copied_children"]),
            ("dash_core_components", "Loading", vec!["custom_spinner"]),
            ("dash_core_components", "Tab", vec!["label"]),
        ]
    );
    // Core components declare no wildcard props.
    assert!(
        dcc::LIBRARY
            .components
            .iter()
            .all(|m| m.wildcard_prefixes.is_empty())
    );
}

#[test]
fn dropdown_wire_form() {
    let dropdown = dcc::dropdown("region")
        .options(json!(["North", "South"]))
        .value("North");
    assert_eq!(
        wire(dropdown),
        r#"{"props":{"id":"region","options":["North","South"],"value":"North"},"type":"Dropdown","namespace":"dash_core_components"}"#
    );
    // Plain arrays work too, and `new()` sends no id.
    assert_eq!(
        wire(
            dcc::Dropdown::new()
                .options(["a"])
                .multi(true)
                .max_height(150)
        ),
        r#"{"props":{"options":["a"],"multi":true,"maxHeight":150},"type":"Dropdown","namespace":"dash_core_components"}"#
    );
}

#[test]
fn html_always_sends_children() {
    assert_eq!(
        wire(html::Div::new()),
        r#"{"props":{"children":null},"type":"Div","namespace":"dash_html_components"}"#
    );
    assert_eq!(html::Br::default(), html::br(()));
    let div = html::div((html::span("hi").id("s"), " and ", 3))
        .id(ComponentId::dict([
            ("kind", "panel".into()),
            ("idx", 0.into()),
        ]))
        .class_name("row")
        .style(json!({"display": "flex"}))
        .prop("data-testid", "panel");
    assert_eq!(
        wire(div),
        concat!(
            r#"{"props":{"id":{"idx":0,"kind":"panel"},"children":["#,
            r#"{"props":{"id":"s","children":"hi"},"type":"Span","namespace":"dash_html_components"},"#,
            r#"" and ",3],"className":"row","style":{"display":"flex"},"data-testid":"panel"},"#,
            r#""type":"Div","namespace":"dash_html_components"}"#
        )
    );
}

#[test]
fn graph_and_table_wire_form() {
    assert_eq!(
        wire(
            dcc::graph("chart")
                .figure(json!({"data": [], "layout": {}}))
                .responsive(true)
        ),
        r#"{"props":{"id":"chart","figure":{"data":[],"layout":{}},"responsive":true},"type":"Graph","namespace":"dash_core_components"}"#
    );
    let table = dash_table::data_table("table")
        .columns(json!([{"id": "a", "name": "A"}]))
        .data(json!([{"a": 1}]))
        .page_size(10)
        .sort_action(dash_table::DataTableSortAction::Native);
    assert_eq!(
        wire(table),
        r#"{"props":{"id":"table","columns":[{"id":"a","name":"A"}],"data":[{"a":1}],"page_size":10,"sort_action":"native"},"type":"DataTable","namespace":"dash_table"}"#
    );
}

#[test]
fn keyword_props_get_a_trailing_underscore() {
    assert_eq!(
        wire(html::button("Go").type_("submit")),
        r#"{"props":{"children":"Go","type":"submit"},"type":"Button","namespace":"dash_html_components"}"#
    );
    let script = html::script(()).src("/assets/app.js").async_(true);
    assert_eq!(prop_json(script.as_component(), "async"), Some(json!(true)));
    assert_eq!(
        prop_json(
            dcc::button("b")
                .type_(dcc::ButtonType::Submit)
                .as_component(),
            "type"
        ),
        Some(json!("submit"))
    );
}

#[test]
fn string_enum_setters() {
    let input = dcc::input("n").type_(dcc::InputType::Number).debounce(true);
    assert_eq!(
        wire(input),
        r#"{"props":{"id":"n","type":"number","debounce":true},"type":"Input","namespace":"dash_core_components"}"#
    );
    assert_eq!(dcc::LoadingType::Circle.as_str(), "circle");
    assert_eq!(
        Value::from(dcc::InputInputMode::FullWidthLatin),
        json!("full-width-latin")
    );
    let store = dcc::store("memo")
        .storage_type(dcc::StoreStorageType::Session)
        .data(json!({"k": 1}));
    assert_eq!(
        prop_json(store.as_component(), "storage_type"),
        Some(json!("session"))
    );
}

#[test]
fn node_props_hold_walkable_components() {
    let tabs = dcc::tabs("tabs").children([
        dcc::tab("t1")
            .label(html::span("One").id("label-one"))
            .children(html::div("first")),
        dcc::tab("t2").label("Two"),
    ]);
    let loading = dcc::loading("spin")
        .custom_spinner(html::div(()).id("spinner"))
        .children(tabs);
    let mut ids = Vec::new();
    loading
        .as_component()
        .walk(&mut |c| ids.extend(c.get_id().map(ComponentId::stringify)));
    assert_eq!(ids, ["spin", "spinner", "tabs", "t1", "label-one", "t2"]);
    let json = serde_json::to_value(Node::from(loading)).unwrap();
    assert_eq!(
        json["props"]["children"]["props"]["children"][1]["props"]["label"],
        "Two"
    );
}

#[test]
fn builders_convert_into_components_and_nodes() {
    let component: Component = dcc::interval("tick").interval(1000).into();
    assert_eq!(
        component.get_id().map(ComponentId::stringify).as_deref(),
        Some("tick")
    );
    assert_eq!(
        dcc::interval("tick").interval(1000).into_component(),
        component
    );
    let node: Node = html::p("text").into();
    assert!(matches!(node, Node::Component(_)));
}

/// The packages' builders: generated from their wheels, sent as Dash sends
/// them (`dbc.Modal(children, id=..., is_open=...)`).
#[cfg(feature = "bootstrap")]
#[test]
fn bootstrap_builders_take_children_and_send_snake_case_props() {
    use ferrodash_components::bootstrap;
    let modal = bootstrap::modal(bootstrap::modal_body("Hi"))
        .id("details")
        .is_open(true)
        .class_name("wide");
    let json: Value = serde_json::from_str(&wire(modal)).unwrap();
    assert_eq!(json["namespace"], "dash_bootstrap_components");
    assert_eq!(json["type"], "Modal");
    assert_eq!(json["props"]["is_open"], true);
    assert_eq!(json["props"]["class_name"], "wide");
    assert_eq!(json["props"]["children"]["type"], "ModalBody");
    let meta = bootstrap::LIBRARY.component("Modal").unwrap();
    // The deprecated camel-case alias stays a known prop.
    assert!(meta.has_prop("className") && meta.has_prop("is_open"));
    // dbc declares no wildcard props on Modal.
    assert!(!meta.has_prop("data-x"));
}

#[cfg(feature = "ag-grid")]
#[test]
fn ag_grid_takes_its_id_and_enum_props() {
    use ferrodash_components::ag_grid;
    let grid = ag_grid::ag_grid("grid").row_model_type(ag_grid::AgGridRowModelType::Infinite);
    let json: Value = serde_json::from_str(&wire(grid)).unwrap();
    assert_eq!(json["namespace"], "dash_ag_grid");
    assert_eq!(json["props"]["id"], "grid");
    assert_eq!(json["props"]["rowModelType"], "infinite");
    let meta = ag_grid::LIBRARY.component("AgGrid").unwrap();
    assert!(meta.has_prop("getRowsRequest") && meta.has_prop("getRowsResponse"));
}

#[cfg(feature = "mantine")]
#[test]
fn mantine_children_props_come_from_the_package() {
    use ferrodash_components::mantine;
    let meta = mantine::LIBRARY.component("Select").unwrap();
    // As the package's generated module declares them, nested paths included.
    for path in ["label", "leftSection", "clearButtonProps.children"] {
        assert!(meta.children_props.contains(&path), "{path}");
    }
    let json: Value =
        serde_json::from_str(&wire(mantine::date_picker_input("day").value("2026-11-02"))).unwrap();
    assert_eq!(json["type"], "DatePickerInput");
    assert_eq!(json["props"]["value"], "2026-11-02");
}
