//! `POST _dash-update-component`: every answer form (§6), callback context,
//! Patch, set_props, errors, and sync callbacks off the async threads.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ferrodash_components::{dcc, html};
use ferrodash_core::{CallbackError, ComponentId, NoUpdate, Patch, PreventUpdate};
use ferrodash_server::{
    App, AppBuilder, Callback, CallbackContext, Input, SetProps, State, Triggered,
};
use ferrodash_testing::client::{CallbackCall, TestClient};
use serde_json::{Value, json};

fn base() -> AppBuilder {
    App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .layout(html::div((
            dcc::input("a").value(1),
            dcc::input("b").value(2),
            html::button("go").id("btn"),
            html::div(()).id("x"),
            html::div(()).id("y"),
            html::div(()).id("side"),
            html::div(()).id("list"),
            html::div(()).id({
                let id: ComponentId =
                    ComponentId::dict([("kind", "cell".into()), ("row", 3.into())]);
                id
            }),
        )))
}

async fn sum(Input(a): Input<i64>, Input(b): Input<i64>) -> i64 {
    a + b
}

#[tokio::test]
async fn single_output() {
    let app = base()
        .callback(
            Callback::new(sum)
                .output("x", "children")
                .input("a", "value")
                .input("b", "value"),
        )
        .build()
        .unwrap();
    let client = TestClient::new(&app);
    let answer = client
        .call(
            &CallbackCall::new()
                .output("x", "children")
                .input("a", "value", json!(40))
                .input("b", "value", json!(2)),
        )
        .await;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert_eq!(
        answer.text(),
        r#"{"multi":true,"response":{"x":{"children":42}}}"#
    );
}

async fn two(Input(a): Input<i64>) -> (String, Value) {
    (format!("a = {a}"), json!({"color": "red"}))
}

#[tokio::test]
async fn several_outputs_merge_per_component() {
    let app = base()
        .callback(
            Callback::new(two)
                .output("x", "children")
                .output("x", "style")
                .input("a", "value"),
        )
        .build()
        .unwrap();
    let deps = TestClient::new(&app).dependencies().await;
    assert_eq!(deps[0]["output"], "..x.children...x.style..");
    let answer = TestClient::new(&app)
        .call(
            &CallbackCall::new()
                .output("x", "children")
                .output("x", "style")
                .input("a", "value", json!(5)),
        )
        .await;
    assert_eq!(
        answer.json(),
        json!({"multi": true, "response": {"x": {"children": "a = 5", "style": {"color": "red"}}}})
    );
}

async fn one_in_a_tuple(Input(a): Input<i64>) -> (i64,) {
    (a * 2,)
}

#[tokio::test]
async fn a_one_tuple_is_a_listed_output() {
    let app = base()
        .callback(
            Callback::new(one_in_a_tuple)
                .output("x", "children")
                .input("a", "value"),
        )
        .build()
        .unwrap();
    let client = TestClient::new(&app);
    assert_eq!(client.dependencies().await[0]["output"], "..x.children..");
    let answer = client
        .call(
            &CallbackCall::new()
                .multi()
                .output("x", "children")
                .input("a", "value", json!(4)),
        )
        .await;
    assert_eq!(answer.json()["response"]["x"]["children"], 8);
}

async fn partly(Input(a): Input<i64>) -> (NoUpdate, i64) {
    (NoUpdate, a)
}
async fn nothing(Input(_a): Input<i64>) -> (NoUpdate, NoUpdate) {
    (NoUpdate, NoUpdate)
}
async fn prevent(Input(_a): Input<i64>) -> Result<(String, String), CallbackError> {
    Err(PreventUpdate.into())
}

#[tokio::test]
async fn no_update_leaves_outputs_out_and_prevent_update_is_204() {
    let call = CallbackCall::new()
        .output("x", "children")
        .output("y", "children")
        .input("a", "value", json!(1));
    for (callback, status, body) in [
        (
            Callback::new(partly),
            200,
            r#"{"multi":true,"response":{"y":{"children":1}}}"#,
        ),
        // Every output left unchanged is still a 200 with an empty response ...
        (
            Callback::new(nothing),
            200,
            r#"{"multi":true,"response":{}}"#,
        ),
        // ... while PreventUpdate is a 204 with no body, which also stops
        // the callbacks that depend on the outputs in the browser.
        (Callback::new(prevent), 204, ""),
    ] {
        let app = base()
            .callback(
                callback
                    .output("x", "children")
                    .output("y", "children")
                    .input("a", "value"),
            )
            .build()
            .unwrap();
        let answer = TestClient::new(&app).call(&call).await;
        assert_eq!(answer.status(), status, "{body}");
        assert_eq!(answer.text(), body);
    }
}

async fn context(
    triggered: Triggered,
    ctx: CallbackContext,
    Input(a): Input<i64>,
    State(b): State<Option<i64>>,
) -> String {
    format!(
        "initial={} id={} a={a} b={b:?} inputs={} states={}",
        triggered.is_initial_call(),
        triggered.id().map(ToString::to_string).unwrap_or_default(),
        Value::Object(ctx.inputs),
        Value::Object(ctx.states),
    )
}

#[tokio::test]
async fn triggered_context() {
    let app = base()
        .callback(
            Callback::new(context)
                .output("x", "children")
                .input("a", "value")
                .state("b", "value"),
        )
        .build()
        .unwrap();
    let client = TestClient::new(&app);
    let initial = client
        .call(
            &CallbackCall::new()
                .output("x", "children")
                .input("a", "value", json!(1))
                .state("b", "value", json!(2)),
        )
        .await;
    assert_eq!(
        initial.json()["response"]["x"]["children"],
        r#"initial=true id= a=1 b=Some(2) inputs={"a.value":1} states={"b.value":2}"#
    );
    let fired = client
        .call(
            &CallbackCall::new()
                .output("x", "children")
                .input("a", "value", json!(7))
                .state("b", "value", Value::Null)
                .triggered("a.value"),
        )
        .await;
    assert_eq!(
        fired.json()["response"]["x"]["children"],
        r#"initial=false id=a a=7 b=None inputs={"a.value":7} states={"b.value":null}"#
    );
}

async fn append(Input(n): Input<i64>) -> Patch {
    Patch::new()
        .append((), format!("item {n}"))
        .assign(["meta", "count"], n)
        .delete(0)
}

#[tokio::test]
async fn patch_answers_carry_only_the_operations() {
    let app = base()
        .callback(
            Callback::new(append)
                .output("list", "children")
                .input("a", "value"),
        )
        .build()
        .unwrap();
    let answer = TestClient::new(&app)
        .call(
            &CallbackCall::new()
                .output("list", "children")
                .input("a", "value", json!(3)),
        )
        .await;
    assert_eq!(
        answer.json()["response"]["list"]["children"],
        json!({"__dash_patch_update": "__dash_patch_update", "operations": [
            {"operation": "Append", "location": [], "params": {"value": "item 3"}},
            {"operation": "Assign", "location": ["meta", "count"], "params": {"value": 3}},
            {"operation": "Delete", "location": [0], "params": {}},
        ]})
    );
}

async fn with_side_updates(Input(a): Input<i64>, set_props: SetProps) -> i64 {
    set_props.set("side", json!({"children": "first", "title": "t"}));
    set_props.prop("side", "children", "second");
    set_props.prop(
        ComponentId::dict([("row", 3.into()), ("kind", "cell".into())]),
        "hidden",
        true,
    );
    a
}

async fn no_output_with_side(Input(a): Input<Option<i64>>, set_props: SetProps) {
    if a.is_some() {
        set_props.prop("side", "children", "from a no-output callback");
    }
}

#[tokio::test]
async fn set_props_side_updates() {
    let app = base()
        .callback(
            Callback::new(with_side_updates)
                .output("x", "children")
                .input("a", "value"),
        )
        .callback(Callback::new(no_output_with_side).input("b", "value"))
        .build()
        .unwrap();
    let client = TestClient::new(&app);
    let answer = client
        .call(
            &CallbackCall::new()
                .output("x", "children")
                .input("a", "value", json!(9)),
        )
        .await;
    assert_eq!(
        answer.text(),
        r#"{"multi":true,"sideUpdate":{"side":{"children":"second","title":"t"},"{\"kind\":\"cell\",\"row\":3}":{"hidden":true}},"response":{"x":{"children":9}}}"#
    );

    let deps = client.dependencies().await;
    let key = deps[1]["output"].as_str().unwrap().to_owned();
    assert_eq!(deps[1]["no_output"], true);
    assert_eq!(key.len(), 64, "a no-output callback's key is a SHA-256");
    let with_side = client
        .call(
            &CallbackCall::new()
                .output_key(&key)
                .input("b", "value", json!(1)),
        )
        .await;
    assert_eq!(with_side.status(), 200);
    assert_eq!(
        with_side.json(),
        json!({"multi": true, "sideUpdate": {"side": {"children": "from a no-output callback"}}, "response": {}})
    );
    let without = client
        .call(
            &CallbackCall::new()
                .output_key(&key)
                .input("b", "value", Value::Null),
        )
        .await;
    assert_eq!(without.status(), 204);
}

async fn dict_output(Input(a): Input<i64>) -> String {
    format!("cell {a}")
}

#[tokio::test]
async fn dict_ids_are_keyed_like_the_renderer() {
    let id = json!({"row": 3, "kind": "cell"});
    let app = base()
        .callback(
            Callback::new(dict_output)
                .output(
                    ComponentId::dict([("kind", "cell".into()), ("row", 3.into())]),
                    "children",
                )
                .input("a", "value"),
        )
        .build()
        .unwrap();
    let answer = TestClient::new(&app)
        .call(
            &CallbackCall::new()
                .output(id, "children")
                .input("a", "value", json!(1)),
        )
        .await;
    assert_eq!(
        answer.text(),
        r#"{"multi":true,"response":{"{\"kind\":\"cell\",\"row\":3}":{"children":"cell 1"}}}"#
    );
}

async fn dup_a(Input(a): Input<i64>) -> i64 {
    a
}
async fn dup_b(Input(b): Input<i64>) -> i64 {
    b * 100
}

#[tokio::test]
async fn allow_duplicate_outputs_get_hashed_keys() {
    let app = base()
        .callback(
            Callback::new(dup_a)
                .output("x", "children")
                .input("a", "value"),
        )
        .callback(
            Callback::new(dup_b)
                .output_allow_duplicate("x", "children")
                .input("b", "value")
                .prevent_initial_call(),
        )
        .build()
        .unwrap();
    let client = TestClient::new(&app);
    let deps = client.dependencies().await;
    let key = deps[1]["output"].as_str().unwrap().to_owned();
    // The suffix is SHA-256 of the inputs written as `<id>.<prop>`.
    use sha2::Digest;
    assert_eq!(
        key,
        format!(
            "x.children@{}",
            hex::encode(sha2::Sha256::digest(b"b.value"))
        )
    );
    assert_eq!(deps[1]["prevent_initial_call"], true);
    let property = key.trim_start_matches("x.");
    let answer = client
        .call(
            &CallbackCall::new()
                .output_key(&key)
                .output("x", property)
                .input("b", "value", json!(2)),
        )
        .await;
    assert_eq!(
        answer.text(),
        r#"{"multi":true,"response":{"x":{"children":200}}}"#,
        "the @hash is stripped"
    );
}

async fn failing(Input(a): Input<i64>) -> Result<String, CallbackError> {
    if a < 0 {
        return Err(CallbackError::msg("negative input: the ledger is corrupt"));
    }
    Ok("fine".to_owned())
}

async fn panicking(Input(a): Input<i64>) -> String {
    assert!(a >= 0, "index out of range in the report");
    "fine".to_owned()
}

fn sync_panicking(Input(a): Input<i64>) -> String {
    assert!(a >= 0, "sync panic in the report");
    "fine".to_owned()
}

#[derive(Clone, Copy)]
enum Failure {
    Error,
    Panic,
    SyncPanic,
}

impl Failure {
    fn callback(self) -> Callback {
        match self {
            Self::Error => Callback::new(failing),
            Self::Panic => Callback::new(panicking),
            Self::SyncPanic => Callback::sync(sync_panicking),
        }
    }

    const fn secret(self) -> &'static str {
        match self {
            Self::Error => "the ledger is corrupt",
            Self::Panic => "index out of range",
            Self::SyncPanic => "sync panic",
        }
    }
}

#[tokio::test]
async fn callback_errors_are_500_with_a_correlation_id() {
    for failure in [Failure::Error, Failure::Panic, Failure::SyncPanic] {
        for debug in [false, true] {
            let app = base()
                .debug(debug)
                .callback(
                    failure
                        .callback()
                        .output("x", "children")
                        .input("a", "value"),
                )
                .build()
                .unwrap();
            let client = TestClient::new(&app);
            let call = CallbackCall::new().output("x", "children");
            let failed = client
                .call(&call.clone().input("a", "value", json!(-1)))
                .await;
            assert_eq!(failed.status(), 500);
            let secret = failure.secret();
            if debug {
                assert!(
                    failed.text().contains(secret),
                    "debug shows the error: {}",
                    failed.text()
                );
                assert!(failed.text().contains("correlation id"));
                assert!(
                    failed
                        .header("server-timing")
                        .is_some_and(|t| t.starts_with("__dash_server;dur="))
                );
            } else {
                let body = failed.json();
                assert_eq!(body["error"], "internal_error");
                assert_eq!(body["correlation_id"].as_str().map(str::len), Some(32));
                assert!(
                    !failed.text().contains(secret),
                    "no details outside debug mode"
                );
            }
            // The server keeps serving.
            let fine = client.call(&call.input("a", "value", json!(1))).await;
            assert_eq!(fine.status(), 200);
        }
    }
}

fn slow(Input(a): Input<i64>) -> i64 {
    std::thread::sleep(Duration::from_millis(1500));
    a
}

async fn fast(Input(b): Input<i64>) -> i64 {
    b
}

#[tokio::test(flavor = "current_thread")]
async fn a_slow_sync_callback_does_not_block_other_requests() {
    // One runtime thread: if the sync callback ran on it, the fast one would wait.
    let app = base()
        .callback(
            Callback::sync(slow)
                .output("x", "children")
                .input("a", "value"),
        )
        .callback(
            Callback::new(fast)
                .output("y", "children")
                .input("b", "value"),
        )
        .build()
        .unwrap();
    let client = TestClient::new(&app);
    let slow_call = CallbackCall::new()
        .output("x", "children")
        .input("a", "value", json!(1));
    let fast_call = CallbackCall::new()
        .output("y", "children")
        .input("b", "value", json!(2));
    let slow_finished = AtomicBool::new(false);
    let (slow_answer, (fast_answer, slow_done_before_fast)) = tokio::join!(
        async {
            let answer = client.call(&slow_call).await;
            slow_finished.store(true, Ordering::SeqCst);
            answer
        },
        async {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let answer = client.call(&fast_call).await;
            (answer, slow_finished.load(Ordering::SeqCst))
        }
    );
    assert_eq!(slow_answer.json()["response"]["x"]["children"], 1);
    assert_eq!(fast_answer.json()["response"]["y"]["children"], 2);
    assert!(
        !slow_done_before_fast,
        "the fast callback answered while the slow one still ran"
    );
}

#[tokio::test]
async fn on_error_answers_failures_with_outputs() {
    let app = base()
        .callback(
            Callback::new(failing)
                .output("x", "children")
                .input("a", "value")
                .on_error(|failure: &ferrodash_server::CallbackFailure| {
                    format!(
                        "Something went wrong (reference {})",
                        failure.correlation_id
                    )
                }),
        )
        .build()
        .unwrap();
    let answer = TestClient::new(&app)
        .call(
            &CallbackCall::new()
                .output("x", "children")
                .input("a", "value", json!(-1)),
        )
        .await;
    assert_eq!(answer.status(), 200);
    let text = answer.json()["response"]["x"]["children"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        text.starts_with("Something went wrong (reference "),
        "{text}"
    );
    assert!(
        !text.contains("ledger"),
        "the handler decides what the page sees"
    );

    // Its return type must fit the outputs too.
    let errors = base()
        .callback(
            Callback::new(failing)
                .output("x", "children")
                .input("a", "value")
                .on_error(|_: &ferrodash_server::CallbackFailure| ("a", "b")),
        )
        .build()
        .unwrap_err();
    assert!(errors.to_string().contains("callback `failing (its on_error handler)` declares 1 output(s) but its return type gives 2"), "{errors}");
}
