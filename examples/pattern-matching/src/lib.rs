//! Pattern-matching callbacks: "Add a card" creates cards, each with a
//! quantity. One MATCH callback per card doubles its own quantity, an
//! ALLSMALLER callback sums the quantities of the cards before it, an ALL
//! callback sums them all, and each card's "Remove" button takes it away.
//!
//! Run with `cargo run -p example-pattern-matching`, then open <http://127.0.0.1:8050>.

use ferrodash::prelude::*;
use ferrodash::{AppBuilder, BuildResult, IdValue};
use serde::{Deserialize, Serialize};

/// The dict id of every part of a card: its kind and the card's index.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CardId<I = u64> {
    /// Which part of the card: `card`, `qty`, `double`, `before` or `remove`.
    pub kind: String,
    /// The card's index, or a wildcard in a pattern.
    pub index: I,
}

/// The id of one part of card `index`.
fn id(kind: &str, index: u64) -> ComponentId {
    ComponentId::from_serialize(&CardId {
        kind: kind.to_owned(),
        index,
    })
    .unwrap_or_else(|_| ComponentId::from(kind))
}

/// The pattern of one part of every card.
fn pattern(kind: &str, wildcard: IdValue) -> ComponentId {
    ComponentId::from_serialize(&CardId {
        kind: kind.to_owned(),
        index: wildcard,
    })
    .unwrap_or_else(|_| ComponentId::from(kind))
}

fn card(index: u64) -> Component {
    html::div((
        html::strong(format!("Card {index} ")),
        dcc::input(id("qty", index))
            .type_(dcc::InputType::Number)
            .value(index + 1)
            .debounce(false),
        html::span(()).id(id("double", index)).class_name("double"),
        html::span(()).id(id("before", index)).class_name("before"),
        html::button("Remove")
            .id(id("remove", index))
            .class_name("remove"),
    ))
    .id(id("card", index))
    .class_name("card")
    .into()
}

/// Appends a card; the list already in the browser is not sent back.
async fn add_card(Input(clicks): Input<Option<u64>>) -> Result<Patch, CallbackError> {
    let index = clicks.ok_or(PreventUpdate)?;
    Ok(Patch::new().append((), card(index)))
}

/// MATCH: each card's own output follows its own input.
async fn double(Input(qty): Input<Option<f64>>) -> String {
    qty.map_or_else(|| "×2 = ?".to_owned(), |q| format!("×2 = {}", q * 2.0))
}

// Sums start from 0.0 by hand: `Iterator::sum` of floats starts from -0.0,
// which would show as "-0".

/// ALLSMALLER: the sum of the quantities of the cards before this one.
async fn before(
    Input(_own): Input<Option<f64>>,
    Input(earlier): Input<Vec<Option<f64>>>,
) -> String {
    let sum = earlier.into_iter().flatten().fold(0.0, |a, b| a + b);
    format!("before: {sum}")
}

/// ALL: the sum of every card's quantity.
async fn total(Input(quantities): Input<Vec<Option<f64>>>) -> String {
    let count = quantities.len();
    let sum = quantities.into_iter().flatten().fold(0.0, |a, b| a + b);
    format!("{count} cards, total {sum}")
}

/// Removes the card whose button was clicked.
async fn remove(
    triggered: Triggered,
    ctx: CallbackContext,
    Input(_clicks): Input<Vec<Option<u64>>>,
) -> Result<Patch, CallbackError> {
    let clicked = triggered.id().ok_or(PreventUpdate)?;
    let key = format!("{clicked}.n_clicks");
    // Cards being added also run this callback: only a real click removes.
    if ctx.inputs.get(&key).and_then(Value::as_u64).unwrap_or(0) == 0 {
        return Err(PreventUpdate.into());
    }
    // The buttons arrive in layout order, which is the order of the cards.
    let position = ctx
        .inputs
        .keys()
        .position(|k| *k == key)
        .ok_or(PreventUpdate)?;
    Ok(Patch::new().delete(i64::try_from(position).unwrap_or(i64::MAX)))
}

/// The app's builder, mounted under `prefix` (`/` when it runs alone).
pub fn builder(prefix: &str) -> AppBuilder {
    App::builder()
        .title("Pattern-matching callbacks")
        .routes_prefix(prefix)
        .layout(html::div((
            html::h1("Cards"),
            html::button("Add a card").id("add-card"),
            html::p("0 cards, total 0").id("total"),
            html::div(()).id("cards"),
        )))
        .validation_layout(html::div((html::div(()).id("cards"), card(0))))
        .callback(
            Callback::new(add_card)
                .output("cards", "children")
                .input("add-card", "n_clicks")
                .prevent_initial_call(),
        )
        .callback(
            Callback::new(double)
                .output(pattern("double", MATCH), "children")
                .input(pattern("qty", MATCH), "value"),
        )
        .callback(
            Callback::new(before)
                .output(pattern("before", MATCH), "children")
                .input(pattern("qty", MATCH), "value")
                .input(pattern("qty", ALLSMALLER), "value"),
        )
        .callback(
            Callback::new(total)
                .output("total", "children")
                .input(pattern("qty", ALL), "value"),
        )
        .callback(
            Callback::new(remove)
                .output_allow_duplicate("cards", "children")
                .input(pattern("remove", ALL), "n_clicks")
                .prevent_initial_call(),
        )
}

/// The app, mounted under `prefix`.
pub fn app(prefix: &str) -> BuildResult<App> {
    builder(prefix).build()
}

#[cfg(test)]
mod tests {
    use ferrodash::json;
    use ferrodash_testing::client::{CallbackCall, TestClient};

    #[tokio::test]
    async fn wildcard_callbacks_answer_per_card() {
        let client = TestClient::new(&super::app("/").unwrap());
        let deps = client.dependencies().await;
        let double_key = deps[1]["output"].as_str().unwrap().to_owned();
        assert_eq!(
            double_key,
            r#"{"index":["MATCH"],"kind":"double"}.children"#
        );
        let answer = client
            .call(
                &CallbackCall::new()
                    .output_key(double_key)
                    .output(json!({"kind": "double", "index": 2}), "children")
                    .input(json!({"kind": "qty", "index": 2}), "value", json!(21)),
            )
            .await;
        assert_eq!(
            answer.text(),
            r#"{"multi":true,"response":{"{\"index\":2,\"kind\":\"double\"}":{"children":"×2 = 42"}}}"#
        );

        let total_key = deps[3]["output"].as_str().unwrap().to_owned();
        let mut body = CallbackCall::new()
            .output_key(total_key)
            .output("total", "children")
            .body();
        body["inputs"] = json!([[
            {"id": {"kind": "qty", "index": 0}, "property": "value", "value": 1},
            {"id": {"kind": "qty", "index": 1}, "property": "value", "value": 2.5},
            {"id": {"kind": "qty", "index": 2}, "property": "value"}
        ]]);
        let answer = client.post_json("/_dash-update-component", &body).await;
        assert_eq!(
            answer.json()["response"]["total"]["children"],
            "3 cards, total 3.5"
        );

        // A list input may only hold components matching the pattern.
        body["inputs"][0][1]["id"] = json!({"kind": "secret", "index": 1});
        let answer = client.post_json("/_dash-update-component", &body).await;
        assert_eq!(answer.status(), 400);
    }
}
