//! Problems found when the app is built (§14.1): all reported at once, each
//! naming the callback and the id.

use ferrodash_components::{dcc, html};
use ferrodash_core::{BuildError, ComponentId};
use ferrodash_server::{App, Callback, Input, State};

async fn one(Input(_v): Input<Option<String>>) -> String {
    String::new()
}
async fn two_outputs(Input(_v): Input<Option<String>>) -> (String, String) {
    (String::new(), String::new())
}
async fn one_input_one_state(
    Input(_a): Input<Option<String>>,
    State(_b): State<Option<String>>,
) -> String {
    String::new()
}

#[test]
fn every_problem_is_reported_at_once() {
    let errors = App::builder()
        .routes_prefix("reports")
        .index_template("<html>{%config%}</html>")
        .layout(html::div((
            dcc::input("name"),
            dcc::input("name"),
            dcc::input("bad.id"),
            html::div(()).id("out"),
            html::div(()).id("out2"),
        )))
        // Duplicate output without allow_duplicate.
        .callback(
            Callback::new(one)
                .output("out", "children")
                .input("name", "value"),
        )
        .callback(
            Callback::new(one)
                .name("second_writer")
                .output("out", "children")
                .input("out2", "children"),
        )
        // An id no layout has, and a misspelt prop of a known component.
        .callback(
            Callback::new(one)
                .name("ghost")
                .output("out2", "children")
                .input("ghost", "value"),
        )
        .callback(
            Callback::new(one)
                .name("typo")
                .output("out2", "title")
                .input("name", "valeu"),
        )
        // A cycle between two callbacks.
        .callback(
            Callback::new(one)
                .name("ping")
                .output("name", "placeholder")
                .input("out", "title"),
        )
        .callback(
            Callback::new(one)
                .name("pong")
                .output("out", "title")
                .input("name", "placeholder"),
        )
        // Output also an input of the same callback.
        .callback(
            Callback::new(one)
                .name("selfish")
                .output("out2", "style")
                .input("out2", "style"),
        )
        // Return type and arguments that do not fit the declaration.
        .callback(
            Callback::new(two_outputs)
                .name("arity")
                .output("out2", "className")
                .input("name", "value"),
        )
        .callback(
            Callback::new(one_input_one_state)
                .name("args")
                .output("out2", "hidden")
                .input("name", "value"),
        )
        // allow_duplicate without prevent_initial_call.
        .callback(
            Callback::new(one)
                .name("dup")
                .output_allow_duplicate("out", "children")
                .input("name", "n_submit"),
        )
        // An id the renderer cannot parse.
        .callback(
            Callback::new(one)
                .name("dotted")
                .output(ComponentId::dict([("f", "a.b".into())]), "children")
                .input("name", "value"),
        )
        .build()
        .unwrap_err();
    let text = errors.to_string();
    let expected = [
        "setting `routes_pathname_prefix`: `reports` must start and end with `/`",
        "setting `index_template`: missing placeholder(s) {%app_entry%}, {%scripts%}, {%renderer%}",
        "duplicate component id `name` in the layout (2 components have it)",
        "layout: id `bad.id` cannot be used: string ids may not contain `.`",
        "callback `second_writer` writes `out.children`, which callback `one` already writes",
        "callback `ghost`: Input id `ghost` (property `value`) is not in the layout",
        "callback `typo`: Input `name.valeu`: component `name` is a dash_core_components.Input, which has no prop `valeu`",
        "circular dependency between callbacks [\"ping\", \"pong\"]",
        "callback `selfish`: `out2.style` is both an output and an input",
        "callback `arity` declares 1 output(s) but its return type gives 2",
        "callback `args` declares 0 State(s) but its function takes 1 State argument(s)",
        "callback `dup`: output `out.children` allows duplicates, which needs prevent_initial_call",
        "callback `dotted`: id `{\"f\":\"a.b\"}` cannot be used: dict id values may not contain `.`",
    ];
    for needle in expected {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    assert_eq!(errors.errors().len(), expected.len(), "{text}");
}

#[test]
fn no_layout_and_suppressed_checks() {
    let errors = App::builder().build().unwrap_err();
    assert_eq!(errors.errors(), [BuildError::NoLayout]);
    // With suppress_callback_exceptions, ids created later by callbacks are fine.
    App::builder()
        .layout(html::div((dcc::input("name"), html::div(()).id("out"))))
        .suppress_callback_exceptions(true)
        .callback(
            Callback::new(one)
                .output("created-later", "children")
                .input("name", "value"),
        )
        .build()
        .unwrap();
    // A self loop is allowed when asked for.
    App::builder()
        .layout(html::div((dcc::input("a"), dcc::input("b"))))
        .callback(
            Callback::new(two_outputs)
                .output("a", "value")
                .output("b", "value")
                .input("a", "value")
                .allow_self_loop(),
        )
        .build()
        .unwrap();
}
