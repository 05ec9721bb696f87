//! Partial updates and side updates: "Add" appends one item to a list with a
//! [`Patch`] (the list already in the browser is not sent back), and updates
//! a status line with `set_props`; "Reset" writes the same list again from a
//! second callback (`allow_duplicate`).
//!
//! Run with `cargo run -p example-patch-set-props`, then open <http://127.0.0.1:8050>.

use ferrodash::prelude::*;
use ferrodash::{AppBuilder, BuildResult};

fn item(n: u64) -> Component {
    html::li(format!("Item {n}")).id(format!("item-{n}")).into()
}

/// Appends one item and reports it through `set_props`.
async fn add_item(
    Input(clicks): Input<Option<u64>>,
    set_props: SetProps,
) -> Result<Patch, CallbackError> {
    let n = clicks.ok_or(PreventUpdate)?;
    set_props.set(
        "status",
        json!({"children": format!("Added item {}", n + 2), "style": {"color": "green"}}),
    );
    Ok(Patch::new().append((), item(n + 2)))
}

/// Puts the list back to its first two items.
async fn reset(
    Input(clicks): Input<Option<u64>>,
    set_props: SetProps,
) -> Result<Vec<Component>, CallbackError> {
    clicks.ok_or(PreventUpdate)?;
    set_props.prop("status", "children", "Reset");
    Ok(vec![item(1), item(2)])
}

/// The app's builder, mounted under `prefix` (`/` when it runs alone).
pub fn builder(prefix: &str) -> AppBuilder {
    App::builder()
        .title("Patch and set_props")
        .routes_prefix(prefix)
        .layout(html::div((
            html::h1("A growing list"),
            html::button("Add").id("add"),
            html::button("Reset").id("reset"),
            html::p("Nothing yet").id("status"),
            html::ul(vec![item(1), item(2)]).id("items"),
        )))
        .callback(
            Callback::new(add_item)
                .output("items", "children")
                .input("add", "n_clicks")
                .prevent_initial_call(),
        )
        .callback(
            Callback::new(reset)
                .output_allow_duplicate("items", "children")
                .input("reset", "n_clicks")
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
    async fn add_sends_one_operation_and_a_side_update() {
        let client = TestClient::new(&super::app("/").unwrap());
        let answer = client
            .call(&CallbackCall::new().output("items", "children").input(
                "add",
                "n_clicks",
                json!(1),
            ))
            .await;
        let body = answer.json();
        let patch = &body["response"]["items"]["children"];
        assert_eq!(patch["operations"].as_array().map(Vec::len), Some(1));
        assert_eq!(patch["operations"][0]["operation"], "Append");
        assert_eq!(
            patch["operations"][0]["params"]["value"]["props"]["children"],
            "Item 3"
        );
        assert_eq!(body["sideUpdate"]["status"]["children"], "Added item 3");
        assert!(
            answer.bytes().len() < 400,
            "only the new item travels: {} bytes",
            answer.bytes().len()
        );
    }
}
