//! Clientside callbacks: JavaScript that the renderer runs in the browser, so
//! no request reaches the server. One is inline source (a temperature
//! converter using `no_update` and `PreventUpdate`); one is a function from
//! the assets folder's script (using `set_props` and a `Patch`).
//!
//! Run with `cargo run -p example-clientside`, then open <http://127.0.0.1:8050>.

use ferrodash::prelude::*;
use ferrodash::{AppBuilder, BuildResult, ClientsideCallback};

/// Converts Celsius to Fahrenheit; leaves the output alone while the input
/// is empty and stops the update when it is not a number.
const CONVERT: &str = r"function (celsius) {
    if (celsius === undefined || celsius === null || celsius === '') {
        return window.dash_clientside.no_update;
    }
    const value = Number(celsius);
    if (Number.isNaN(value)) {
        throw window.dash_clientside.PreventUpdate;
    }
    return (value * 9 / 5 + 32).toFixed(1) + ' °F';
}";

/// The app's builder, mounted under `prefix` (`/` when it runs alone).
pub fn builder(prefix: &str) -> AppBuilder {
    App::builder()
        .title("Clientside callbacks")
        .routes_prefix(prefix)
        .assets_folder(concat!(env!("CARGO_MANIFEST_DIR"), "/assets"))
        .layout(html::div((
            html::h1("In the browser"),
            html::label("Celsius: ").html_for("celsius"),
            dcc::input("celsius").debounce(false),
            html::p("waiting").id("fahrenheit"),
            html::hr(()),
            html::label("Say something: ").html_for("words"),
            dcc::input("words").debounce(true),
            html::p(()).id("loud"),
            html::p("shouted 0 times").id("shout-count"),
            html::ul(Vec::<Component>::new()).id("history"),
        )))
        .clientside_callback(
            ClientsideCallback::inline(CONVERT)
                .output("fahrenheit", "children")
                .input("celsius", "value")
                .prevent_initial_call(),
        )
        .clientside_callback(
            ClientsideCallback::function("text", "shout")
                .output("loud", "children")
                .output("history", "children")
                .input("words", "value")
                .prevent_initial_call(),
        )
}

/// The app, mounted under `prefix`.
pub fn app(prefix: &str) -> BuildResult<App> {
    builder(prefix).build()
}

#[cfg(test)]
mod tests {
    use ferrodash_testing::client::{CallbackCall, TestClient};

    #[tokio::test]
    async fn clientside_callbacks_are_declared_not_served() {
        let client = TestClient::new(&super::app("/").unwrap());
        let deps = client.dependencies().await;
        assert_eq!(
            deps[0]["clientside_function"]["namespace"],
            "_dashprivate_clientside_funcs"
        );
        assert_eq!(deps[1]["clientside_function"]["namespace"], "text");
        assert_eq!(deps[1]["output"], "..loud.children...history.children..");
        let page = client.get("/").await.text();
        let name = deps[0]["clientside_function"]["function_name"]
            .as_str()
            .unwrap();
        assert!(page.contains(&format!(
            r#"_dashprivate_clientside_funcs["{name}"] = function (celsius)"#
        )));
        assert!(page.contains("/assets/clientside.js?m="));
        // The server has nothing to run for them.
        let answer = client
            .call(&CallbackCall::new().output("fahrenheit", "children").input(
                "celsius",
                "value",
                3.into(),
            ))
            .await;
        assert_eq!(answer.status(), 404);
    }
}
