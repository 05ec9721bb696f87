use super::*;
use crate::id::{IdValue, MATCH};
use crate::library::ComponentMeta;
use crate::spec::{Dependency, Output, PropRef};

fn spec(name: &str, outputs: &[(&str, &str)], inputs: &[(&str, &str)]) -> CallbackSpec {
    CallbackSpec {
        name: name.to_owned(),
        outputs: outputs
            .iter()
            .map(|(i, p)| Output {
                target: PropRef::new(*i, *p),
                allow_duplicate: false,
            })
            .collect(),
        inputs: inputs
            .iter()
            .map(|(i, p)| Dependency {
                target: PropRef::new(*i, *p),
                allow_optional: false,
            })
            .collect(),
        ..CallbackSpec::default()
    }
}

fn layout(ids: &[&str]) -> Node {
    Node::from(
        Component::new("lib", "Div").children(
            ids.iter()
                .map(|id| Component::new("lib", "Input").id(*id))
                .collect::<Vec<_>>(),
        ),
    )
}

fn run(callbacks: &[CallbackSpec], root: &Node) -> Vec<BuildError> {
    validate(&ValidationInput {
        callbacks,
        layouts: &[root],
        libraries: &[],
        suppress_callback_exceptions: false,
    })
}

#[test]
fn a_clean_app_has_no_errors() {
    let root = layout(&["a", "b", "c"]);
    let cbs = [
        spec("one", &[("b", "value")], &[("a", "value")]),
        spec("two", &[("c", "value")], &[("b", "value")]),
    ];
    assert_eq!(run(&cbs, &root), []);
}

#[test]
fn reports_every_problem_at_once() {
    let root = Node::from(Component::new("lib", "Div").children((
        Component::new("lib", "Input").id("a"),
        Component::new("lib", "Input").id("a"),
        Component::new("lib", "Input").id("x.y"),
        Component::new("lib", "Input").id("b"),
    )));
    let cbs = [
        spec("first", &[("b", "value")], &[("a", "value")]),
        spec("second", &[("b", "value")], &[("missing", "value")]),
        spec("loop_a", &[("p", "value")], &[("q", "value")]),
        spec("loop_b", &[("q", "value")], &[("p", "value")]),
        spec("selfish", &[("a", "title")], &[("a", "title")]),
    ];
    let errors = run(&cbs, &root);
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    let has = |needle: &str| text.iter().any(|t| t.contains(needle));
    assert!(has("duplicate component id `a`"), "{text:#?}");
    assert!(has("id `x.y` cannot be used"), "{text:#?}");
    assert!(
        has("callback `second` writes `b.value`, which callback `first` already writes"),
        "{text:#?}"
    );
    assert!(has("callback `second`: Input id `missing`"), "{text:#?}");
    assert!(
        has("circular dependency between callbacks [\"loop_a\", \"loop_b\"]"),
        "{text:#?}"
    );
    assert!(
        has("callback `selfish`: `a.title` is both an output and an input"),
        "{text:#?}"
    );
}

#[test]
fn allow_duplicate_and_self_loop_opt_ins() {
    let root = layout(&["a", "b", "c"]);
    let mut second = spec("second", &[("b", "value")], &[("c", "value")]);
    second.outputs[0].allow_duplicate = true;
    let cbs = [
        spec("first", &[("b", "value")], &[("a", "value")]),
        second.clone(),
    ];
    let errors = run(&cbs, &root);
    assert!(
        matches!(
            errors.as_slice(),
            [BuildError::DuplicateNeedsPreventInitialCall { .. }]
        ),
        "{errors:?}"
    );
    second.initial_call = InitialCall::Prevent;
    let cbs = [spec("first", &[("b", "value")], &[("a", "value")]), second];
    assert_eq!(run(&cbs, &root), []);

    let mut sync = spec(
        "sync",
        &[("a", "value"), ("b", "value")],
        &[("a", "value"), ("b", "value")],
    );
    sync.allow_self_loop = true;
    assert_eq!(run(&[sync], &root), []);
}

#[test]
fn suppressed_and_wildcards_skip_existence_checks() {
    let root = layout(&["a"]);
    let mut cb = spec("late", &[("created-later", "children")], &[("a", "value")]);
    let errors = validate(&ValidationInput {
        callbacks: std::slice::from_ref(&cb),
        layouts: &[&root],
        libraries: &[],
        suppress_callback_exceptions: true,
    });
    assert_eq!(errors, []);
    cb.outputs[0].target.id = ComponentId::dict([("kind", "card".into()), ("i", MATCH)]);
    assert_eq!(run(&[cb], &root), []);
}

#[test]
fn unknown_props_of_known_components() {
    static LIB: ComponentLibrary = ComponentLibrary {
        namespace: "lib",
        components: &[ComponentMeta {
            type_name: "Input",
            props: &["id", "value"],
            children_props: &[],
            wildcard_prefixes: &["data-"],
        }],
    };
    let root = layout(&["a", "b"]);
    let cbs = [spec("typo", &[("b", "valeu")], &[("a", "data-x")])];
    let errors = validate(&ValidationInput {
        callbacks: &cbs,
        layouts: &[&root],
        libraries: &[&LIB],
        suppress_callback_exceptions: false,
    });
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        errors[0].to_string(),
        "callback `typo`: Output `b.valeu`: component `b` is a lib.Input, which has no prop `valeu`"
    );
}

mod wildcard_rules {
    use super::*;
    use crate::id::{ALL, ALLSMALLER};

    fn pattern(kind: &str, index: IdValue) -> ComponentId {
        ComponentId::dict([("kind", kind.into()), ("index", index)])
    }

    fn callback(name: &str, outputs: Vec<ComponentId>, inputs: Vec<ComponentId>) -> CallbackSpec {
        CallbackSpec {
            name: name.to_owned(),
            outputs: outputs
                .into_iter()
                .map(|id| Output {
                    target: PropRef::new(id, "children"),
                    allow_duplicate: false,
                })
                .collect(),
            inputs: inputs
                .into_iter()
                .map(|id| Dependency {
                    target: PropRef::new(id, "value"),
                    allow_optional: false,
                })
                .collect(),
            ..CallbackSpec::default()
        }
    }

    fn check(callbacks: &[CallbackSpec]) -> Vec<String> {
        validate(&ValidationInput {
            callbacks,
            layouts: &[],
            libraries: &[],
            suppress_callback_exceptions: false,
        })
        .iter()
        .map(ToString::to_string)
        .collect()
    }

    #[test]
    fn valid_patterns_pass() {
        let cbs = [
            callback(
                "per_card",
                vec![pattern("out", MATCH)],
                vec![pattern("in", MATCH), pattern("in", ALLSMALLER)],
            ),
            callback(
                "total",
                vec![ComponentId::from("sum")],
                vec![pattern("in", ALL)],
            ),
            callback(
                "all_out",
                vec![pattern("badge", ALL)],
                vec![ComponentId::from("reset")],
            ),
        ];
        assert_eq!(check(&cbs), Vec::<String>::new());
    }

    #[test]
    fn misuse_is_reported() {
        let cbs = [
            callback(
                "smaller_out",
                vec![pattern("a", ALLSMALLER)],
                vec![ComponentId::from("x")],
            ),
            callback(
                "uneven",
                vec![pattern("b", MATCH), pattern("c", ALL)],
                vec![pattern("d", MATCH)],
            ),
            callback(
                "lonely_smaller",
                vec![ComponentId::from("y")],
                vec![pattern("e", ALLSMALLER)],
            ),
            callback(
                "foreign_match",
                vec![pattern("f", MATCH)],
                vec![ComponentId::dict([("kind", "g".into()), ("other", MATCH)])],
            ),
        ];
        let errors = check(&cbs);
        let has = |needle: &str| errors.iter().any(|e| e.contains(needle));
        assert!(
            has(
                "callback `smaller_out`: Output `{\"index\":[\"ALLSMALLER\"],\"kind\":\"a\"}`: ALLSMALLER is only allowed in an Input or State"
            ),
            "{errors:#?}"
        );
        assert!(
            has(
                "callback `uneven`: Output `{\"index\":[\"ALL\"],\"kind\":\"c\"}`: every Output of a callback must have MATCH on the same keys"
            ),
            "{errors:#?}"
        );
        assert!(
            has(
                "callback `lonely_smaller`: Input `{\"index\":[\"ALLSMALLER\"],\"kind\":\"e\"}`: ALLSMALLER on `index` needs MATCH on `index` in the Outputs"
            ),
            "{errors:#?}"
        );
        assert!(
            has(
                "callback `foreign_match`: Input `{\"kind\":\"g\",\"other\":[\"MATCH\"]}`: MATCH on `other` must also be in the Outputs"
            ),
            "{errors:#?}"
        );
    }

    #[test]
    fn overlapping_outputs_are_reported() {
        let cbs = [
            callback(
                "by_card",
                vec![pattern("out", MATCH)],
                vec![pattern("in", MATCH)],
            ),
            callback(
                "all_cards",
                vec![pattern("out", ALL)],
                vec![ComponentId::from("reset")],
            ),
            callback(
                "other_kind",
                vec![pattern("elsewhere", ALL)],
                vec![ComponentId::from("reset")],
            ),
        ];
        let errors = check(&cbs);
        assert_eq!(errors.len(), 1, "{errors:#?}");
        assert!(errors[0].contains("`by_card: {\"index\":[\"MATCH\"],\"kind\":\"out\"}.children` and `all_cards: {\"index\":[\"ALL\"],\"kind\":\"out\"}.children` overlap"), "{errors:#?}");
    }
}
