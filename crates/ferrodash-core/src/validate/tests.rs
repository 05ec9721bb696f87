use super::*;
use crate::id::MATCH;
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
