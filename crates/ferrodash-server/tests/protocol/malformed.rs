//! Malformed and hostile callback requests: each gets its exact 4xx with a
//! JSON body naming the problem; none panics or gives a 500.

use ferrodash_components::{dcc, html};
use ferrodash_server::{App, Callback, Input};
use ferrodash_testing::client::TestClient;
use serde_json::{Value, json};

async fn count(Input(n): Input<i64>, Input(label): Input<Option<String>>) -> String {
    format!("{} {n}", label.unwrap_or_default())
}

fn app() -> App {
    App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .configure(|c| c.max_body_bytes = 64 * 1024)
        .layout(html::div((
            dcc::input("n"),
            dcc::input("label"),
            html::div(()).id("out"),
        )))
        .callback(
            Callback::new(count)
                .output("out", "children")
                .input("n", "value")
                .input("label", "value"),
        )
        .build()
        .unwrap()
}

fn good() -> Value {
    json!({"output": "out.children", "outputs": {"id": "out", "property": "children"},
        "inputs": [{"id": "n", "property": "value", "value": 3}, {"id": "label", "property": "value", "value": "n ="}],
        "changedPropIds": ["n.value"]})
}

fn with(change: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut body = good();
    change(&mut body);
    body.to_string().into_bytes()
}

/// What the case is, its content type and body, and the expected status,
/// error code and a part of the message.
type Case<'a> = (&'a str, Option<&'a str>, Vec<u8>, u16, &'a str, &'a str);

#[tokio::test]
async fn every_malformed_request_gets_its_exact_refusal() {
    let client = TestClient::new(&app());
    let json = Some("application/json");
    let huge = format!(
        r#"{{"output":"out.children","inputs":[],"pad":"{}"}}"#,
        "x".repeat(100 * 1024)
    );
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let cases: Vec<Case<'_>> = vec![
        (
            "a valid request",
            json,
            good().to_string().into_bytes(),
            200,
            "",
            "",
        ),
        (
            "no content type",
            None,
            good().to_string().into_bytes(),
            415,
            "unsupported_content_type",
            "(none)",
        ),
        (
            "a form content type",
            Some("application/x-www-form-urlencoded"),
            b"a=1".to_vec(),
            415,
            "unsupported_content_type",
            "application/x-www-form-urlencoded",
        ),
        (
            "plain text",
            Some("text/plain"),
            good().to_string().into_bytes(),
            415,
            "unsupported_content_type",
            "text/plain",
        ),
        (
            "a huge body",
            json,
            huge.into_bytes(),
            413,
            "body_too_large",
            "65536 bytes",
        ),
        (
            "garbage bytes",
            json,
            vec![0xff, 0xfe, 0x00, 0x13, 0x37],
            400,
            "malformed_body",
            "not valid JSON",
        ),
        (
            "an empty body",
            json,
            Vec::new(),
            400,
            "malformed_body",
            "not valid JSON",
        ),
        (
            "truncated JSON",
            json,
            br#"{"output": "out.chil"#.to_vec(),
            400,
            "malformed_body",
            "not valid JSON",
        ),
        (
            "deep nesting",
            json,
            deep.into_bytes(),
            400,
            "malformed_body",
            "recursion limit",
        ),
        (
            "a JSON list",
            json,
            b"[]".to_vec(),
            400,
            "malformed_body",
            "must be a JSON object",
        ),
        (
            "missing output",
            json,
            with(|b| {
                b.as_object_mut().unwrap().remove("output");
            }),
            400,
            "malformed_body",
            "`output`: is missing",
        ),
        (
            "output not a string",
            json,
            with(|b| b["output"] = json!(["out.children"])),
            400,
            "malformed_body",
            "`output`: must be a string",
        ),
        (
            "missing inputs",
            json,
            with(|b| {
                b.as_object_mut().unwrap().remove("inputs");
            }),
            400,
            "malformed_body",
            "`inputs`: is missing",
        ),
        (
            "inputs not a list",
            json,
            with(|b| b["inputs"] = json!({"id": "n"})),
            400,
            "malformed_body",
            "`inputs`: must be a list",
        ),
        (
            "an input without id",
            json,
            with(|b| {
                b["inputs"][0].as_object_mut().unwrap().remove("id");
            }),
            400,
            "malformed_body",
            "`inputs[0].id`: is missing",
        ),
        (
            "an id of the wrong type",
            json,
            with(|b| b["inputs"][0]["id"] = json!(12)),
            400,
            "malformed_body",
            "`inputs[0].id`: must be a string or an object",
        ),
        (
            "a nested dict id",
            json,
            with(|b| b["inputs"][0]["id"] = json!({"a": {"b": 1}})),
            400,
            "malformed_body",
            "`inputs[0].id`: is not a valid component id",
        ),
        (
            "a property of the wrong type",
            json,
            with(|b| b["inputs"][1]["property"] = json!(null)),
            400,
            "malformed_body",
            "`inputs[1].property`: must be a string",
        ),
        (
            "changedPropIds not a list",
            json,
            with(|b| b["changedPropIds"] = json!("n.value")),
            400,
            "malformed_body",
            "`changedPropIds`: must be a list",
        ),
        (
            "an unknown callback",
            json,
            with(|b| b["output"] = json!("secret.children")),
            404,
            "unknown_callback",
            "no callback has the output `secret.children`",
        ),
        (
            "missing outputs",
            json,
            with(|b| {
                b.as_object_mut().unwrap().remove("outputs");
            }),
            400,
            "callback_mismatch",
            "`outputs` is missing",
        ),
        (
            "another output",
            json,
            with(|b| b["outputs"]["id"] = json!("label")),
            400,
            "callback_mismatch",
            "`outputs[0]` is `label.children`, not `out.children`",
        ),
        (
            "too few inputs",
            json,
            with(|b| {
                b["inputs"].as_array_mut().unwrap().pop();
            }),
            400,
            "callback_mismatch",
            "`inputs` has 1 entries, the callback declares 2",
        ),
        (
            "another component's value",
            json,
            with(|b| b["inputs"][1]["id"] = json!("password")),
            400,
            "callback_mismatch",
            "`inputs[1]` is `password.value`, not `label.value`",
        ),
        (
            "a list for a plain input",
            json,
            with(|b| b["inputs"][0] = json!([{"id": "n", "property": "value", "value": 1}])),
            400,
            "callback_mismatch",
            "`inputs[0]` has the wrong shape",
        ),
        (
            "a value of the wrong type",
            json,
            with(|b| b["inputs"][0]["value"] = json!("three")),
            422,
            "invalid_argument",
            "Input 1 (`n.value`): expected i64: invalid type: string \"three\"",
        ),
        (
            "a missing value for a required input",
            json,
            with(|b| {
                b["inputs"][0].as_object_mut().unwrap().remove("value");
            }),
            422,
            "invalid_argument",
            "expected i64",
        ),
        (
            "a float for an integer",
            json,
            with(|b| b["inputs"][0]["value"] = json!(2.5)),
            422,
            "invalid_argument",
            "expected i64",
        ),
    ];
    for (what, content_type, body, status, code, needle) in cases {
        let answer = client
            .post("/_dash-update-component", content_type, body)
            .await;
        assert_eq!(
            answer.status().as_u16(),
            status,
            "{what}: {}",
            answer.text()
        );
        if status == 200 {
            assert_eq!(
                answer.json()["response"]["out"]["children"],
                "n = 3",
                "{what}"
            );
            continue;
        }
        assert_eq!(
            answer.header("content-type"),
            Some("application/json"),
            "{what}"
        );
        let body = answer.json();
        assert_eq!(body["error"], code, "{what}: {body}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(needle),
            "{what}: {message:?} should contain {needle:?}"
        );
    }
}

#[tokio::test]
async fn random_bytes_never_panic_or_500() {
    let client = TestClient::new(&app());
    // A small deterministic generator: the cases are the same on every run.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let fragments: [&[u8]; 12] = [
        b"{",
        b"}",
        b"[",
        b"]",
        b"\"output\":",
        b"\"out.children\"",
        b"\"inputs\":",
        b",",
        b"null",
        b"1e999",
        b"{\"id\":\"n\",\"property\":\"value\",\"value\":",
        b"\xff",
    ];
    for _ in 0..500 {
        let mut body = Vec::new();
        for _ in 0..(next() % 24) {
            body.extend_from_slice(fragments[usize::try_from(next() % 12).unwrap()]);
        }
        let answer = client
            .post(
                "/_dash-update-component",
                Some("application/json"),
                body.clone(),
            )
            .await;
        let status = answer.status().as_u16();
        assert!(
            (200..500).contains(&status),
            "{} gave {status}: {}",
            String::from_utf8_lossy(&body),
            answer.text()
        );
    }
}

/// One label per quantity: an ALL output computed from an ALL input.
async fn labels(Input(quantities): Input<Vec<Option<f64>>>) -> Vec<String> {
    quantities
        .into_iter()
        .map(|q| format!("qty {q:?}"))
        .collect()
}

/// A request whose ALL output lists other components than its ALL input
/// (found by the callback_body fuzz target): the callback's values cannot
/// fit, and the answer says why with a 400, not a 500.
#[tokio::test]
async fn an_all_output_listing_other_components_than_its_input_is_a_400() {
    use ferrodash_core::{ALL, ComponentId, IdValue};
    let card =
        |kind: &str, index: IdValue| ComponentId::dict([("kind", kind.into()), ("index", index)]);
    let app = App::builder()
        .assets_folder("/nonexistent-ferrodash-assets")
        .layout(html::div((
            dcc::input(card("qty", 0.into())),
            html::div(()).id(card("label", 0.into())),
        )))
        .callback(
            Callback::new(labels)
                .output(card("label", ALL), "children")
                .input(card("qty", ALL), "value"),
        )
        .build()
        .unwrap();
    let body = json!({
        "output": "{\"index\":[\"ALL\"],\"kind\":\"label\"}.children",
        "outputs": [{"id": {"index": 0, "kind": "label"}, "property": "children"}],
        "inputs": [[
            {"id": {"index": 0, "kind": "qty"}, "property": "value", "value": 1},
            {"id": {"index": 1, "kind": "qty"}, "property": "value", "value": 7}
        ]],
        "changedPropIds": ["{\"index\":0,\"kind\":\"qty\"}.value"]
    });
    let answer = TestClient::new(&app)
        .post_json("/_dash-update-component", &body)
        .await;
    assert_eq!(answer.status(), 400, "{}", answer.text());
    assert_eq!(answer.json()["error"], "callback_mismatch");
    assert!(
        answer
            .text()
            .contains("lists 1 components for an ALL output")
            && answer.text().contains("returned 2 values"),
        "{}",
        answer.text()
    );
}
