//! Component ids and wildcard ids (ferrodash-core's `ComponentId`).
//!
//! The input is JSON: one id, or a list of them (strings, dict ids, dict
//! patterns with `["MATCH"]`, `["ALL"]`, `["ALLSMALLER"]`), where strings are
//! also read as stringified ids (the `changedPropIds` form); input that is
//! not JSON is read as one stringified id. For each id:
//!
//! - stringifying is canonical: a parseable id read back from its string
//!   form stringifies the same, and a concrete one matches what it was;
//! - serializing and deserializing gives the same id;
//! - a pattern made from a concrete id (any value replaced by a wildcard)
//!   matches it, and matching between concrete ids is symmetric;
//! - a request (`UpdateRequest`) takes a concrete id as it is and refuses
//!   a wildcard one;
//! - the ids as a callback's outputs and inputs go through the build-time
//!   validation (wildcard rules, overlaps, cycles) and the output string
//!   without panicking.
#![no_main]

use ferrodash_core::wire::{Resolved, UpdateRequest};
use ferrodash_core::{
    CallbackSpec, ComponentId, IdValue, ValidationInput, Wildcard, parse_stringified_id, validate,
};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        if let Ok(text) = std::str::from_utf8(data) {
            check_stringified(text);
        }
        return;
    };
    let items = match value {
        Value::Array(items) => items,
        other => vec![other],
    };
    let mut ids = Vec::new();
    for item in items.iter().take(12) {
        if let Value::String(text) = item {
            check_stringified(text);
        }
        check_in_request(item);
        if let Ok(id) = serde_json::from_value::<ComponentId>(item.clone()) {
            check_id(&id);
            ids.push(id);
        }
    }
    for pattern in &ids {
        for concrete in &ids {
            check_pair(pattern, concrete);
        }
    }
    check_callbacks(&ids);
});

/// A stringified id (`changedPropIds`, response keys) read back.
fn check_stringified(text: &str) {
    let Some(id) = parse_stringified_id(text) else {
        assert!(text.starts_with('{'), "only dict ids can fail: {text:?}");
        return;
    };
    if !text.starts_with('{') {
        assert_eq!(id, ComponentId::Str(text.to_owned()));
    }
    check_id(&id);
    // Dash's `prop_id` form, split as `Triggered` does.
    if let Some((id_text, _property)) = text.rsplit_once('.') {
        let _ = parse_stringified_id(id_text);
    }
}

fn check_id(id: &ComponentId) {
    let text = id.stringify();
    assert_eq!(id.to_string(), text);
    let mut appended = String::from("prefix:");
    id.write_stringified(&mut appended);
    assert_eq!(appended.strip_prefix("prefix:"), Some(text.as_str()));
    assert_eq!(id.has_wildcard(), id.wildcards().next().is_some());

    // Serde round trip.
    let json = serde_json::to_value(id).expect("an id serializes");
    let back: ComponentId = serde_json::from_value(json.clone())
        .unwrap_or_else(|e| panic!("{json} does not read back as an id: {e}"));
    assert_eq!(&back, id, "serde round trip of {text}");
    assert!(id.to_typed::<Value>().is_ok());

    // The string form reads back to the same id.
    if id.check_parseable().is_ok() {
        let again = parse_stringified_id(&text)
            .unwrap_or_else(|| panic!("the stringified id {text:?} does not parse back"));
        assert_eq!(again.stringify(), text, "stringify is not canonical");
        assert_eq!(again.has_wildcard(), id.has_wildcard());
        if !id.has_wildcard() {
            assert!(
                again.matches(id) && id.matches(&again),
                "{text:?} read back does not match itself"
            );
        }
    }

    // Patterns made from a concrete id match it.
    if let ComponentId::Dict(map) = id
        && !id.has_wildcard()
    {
        assert!(id.matches(id), "{text} does not match itself");
        for key in map.keys() {
            for wildcard in [Wildcard::Match, Wildcard::All, Wildcard::AllSmaller] {
                let mut pattern = map.clone();
                pattern.insert(key.clone(), IdValue::Wildcard(wildcard));
                let pattern = ComponentId::Dict(pattern);
                assert!(pattern.has_wildcard());
                assert!(
                    pattern.matches(id),
                    "{} does not match {text}",
                    pattern.stringify()
                );
                assert!(
                    !id.matches(&pattern),
                    "{text} matched a pattern as concrete"
                );
            }
        }
    }
}

fn check_pair(pattern: &ComponentId, concrete: &ComponentId) {
    let matched = pattern.matches(concrete);
    if !pattern.has_wildcard() && !concrete.has_wildcard() {
        assert_eq!(
            matched,
            concrete.matches(pattern),
            "matching {pattern} and {concrete} is not symmetric"
        );
    }
    if matched {
        // Same kind, same keys.
        match (pattern, concrete) {
            (ComponentId::Str(a), ComponentId::Str(b)) => assert_eq!(a, b),
            (ComponentId::Dict(a), ComponentId::Dict(b)) => {
                assert!(a.keys().eq(b.keys()), "{pattern} matched {concrete}");
            }
            _ => panic!("{pattern} matched {concrete} of another kind"),
        }
    }
}

/// The id as the renderer sends it in a request.
fn check_in_request(id: &Value) {
    let body = json!({
        "output": "out.children",
        "outputs": {"id": id, "property": "children"},
        "inputs": [{"id": id, "property": "value", "value": 1}, [{"id": id, "property": "value"}]],
        "changedPropIds": [],
    });
    let parsed = serde_json::from_value::<ComponentId>(id.clone());
    match UpdateRequest::from_value(body) {
        Ok(request) => {
            let parsed = parsed.expect("a request's id is an id");
            assert!(
                !parsed.has_wildcard(),
                "a request took the pattern {parsed}"
            );
            let Resolved::One(input) = &request.inputs[0] else {
                panic!("one input became a list");
            };
            assert_eq!(input.id, parsed);
            assert_eq!(input.value, Some(json!(1)));
            let Resolved::Many(list) = &request.inputs[1] else {
                panic!("a list input became one");
            };
            assert_eq!(list.len(), 1);
            assert_eq!(list[0].value, None);
        }
        Err(error) => {
            assert!(
                !matches!(parsed, Ok(ref id) if !id.has_wildcard()),
                "a request refused the concrete id {id}: {error}"
            );
        }
    }
}

/// The ids as the outputs and inputs of two callbacks, through validation.
fn check_callbacks(ids: &[ComponentId]) {
    let Some((first, rest)) = ids.split_first() else {
        return;
    };
    let mut one = CallbackSpec {
        name: "one".to_owned(),
        ..CallbackSpec::default()
    };
    one.add_output(first.clone(), "children", false);
    for id in rest.iter().take(4) {
        one.add_input(id.clone(), "value");
    }
    for id in rest.iter().skip(4).take(2) {
        one.add_state(id.clone(), "value");
    }
    let mut two = CallbackSpec {
        name: "two".to_owned(),
        multi_output: true,
        ..CallbackSpec::default()
    };
    for id in rest.iter().take(2) {
        two.add_output(id.clone(), "children", true);
    }
    two.add_input(first.clone(), "children");
    let callbacks = [one, two];
    for suppress in [true, false] {
        let _errors = validate(&ValidationInput {
            callbacks: &callbacks,
            layouts: &[],
            libraries: &[],
            suppress_callback_exceptions: suppress,
        });
    }
    for spec in &callbacks {
        for index in 0..spec.outputs.len() {
            let key = spec.output_key(index);
            let _wire = spec.to_wire(&key);
        }
    }
}
