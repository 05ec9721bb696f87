//! Hello world: typing in a text box updates a greeting.
//!
//! Run with `cargo run -p example-hello-world`, then open <http://127.0.0.1:8050>.

use ferrodash::prelude::*;
use ferrodash::{AppBuilder, BuildResult};

async fn greet(Input(name): Input<Option<String>>) -> String {
    match name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => format!("Hello, {name}!"),
        _ => "Hello, whoever you are!".to_owned(),
    }
}

/// The app's builder, mounted under `prefix` (`/` when it runs alone).
pub fn builder(prefix: &str) -> AppBuilder {
    App::builder()
        .title("Hello world")
        .routes_prefix(prefix)
        .layout(html::div((
            html::h1("Hello world"),
            html::label("Your name: ").html_for("name"),
            dcc::input("name").value("world").debounce(false),
            html::p(()).id("greeting"),
        )))
        .callback(
            Callback::new(greet)
                .output("greeting", "children")
                .input("name", "value"),
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
    async fn greets_by_name() {
        let client = TestClient::new(&super::app("/").unwrap());
        let call = CallbackCall::new().output("greeting", "children");
        let answer = client
            .call(&call.clone().input("name", "value", json!("Ada")))
            .await;
        assert_eq!(
            answer.json()["response"]["greeting"]["children"],
            "Hello, Ada!"
        );
        let answer = client.call(&call.input("name", "value", json!("  "))).await;
        assert_eq!(
            answer.json()["response"]["greeting"]["children"],
            "Hello, whoever you are!"
        );
    }
}
