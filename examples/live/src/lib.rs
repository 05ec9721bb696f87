//! Live: the page talks to the server over one WebSocket instead of a POST
//! per callback.
//!
//! - Typing in the box is answered over the socket, and the callback's
//!   `set_props` reach the page while it runs.
//! - "Read the slider" runs a callback that asks the page for the slider's
//!   value itself ([`Live::get_prop`]) rather than declaring it as a State.
//! - A persistent callback pushes a counter to the page every 200 ms, for as
//!   long as the page is open; it starts again when the socket reconnects.
//!
//! Run with `cargo run -p example-live`, then open <http://127.0.0.1:8050>.

use std::time::Duration;

use ferrodash::prelude::*;
use ferrodash::{AppBuilder, BuildResult, Live};

/// How often the ticker pushes.
pub const TICK: Duration = Duration::from_millis(200);

async fn shout(Input(text): Input<Option<String>>, set_props: SetProps, live: Live) -> String {
    let text = text.unwrap_or_default();
    let over = if live.is_connected() {
        "the WebSocket"
    } else {
        "HTTP"
    };
    set_props.prop(
        "shout-status",
        "children",
        format!("answered over {over} ({} characters)", text.len()),
    );
    text.to_uppercase()
}

async fn read_slider(
    Input(clicks): Input<Option<u64>>,
    live: Live,
) -> Result<String, CallbackError> {
    clicks.ok_or(PreventUpdate)?;
    let value = live.get_prop("level", "value").await?;
    Ok(format!("The slider is at {value}."))
}

/// Pushes an update every [`TICK`] until the page's socket closes.
async fn ticker(set_props: SetProps, live: Live) {
    let mut n: u64 = 0;
    loop {
        n += 1;
        set_props.prop("ticker", "children", format!("Update {n}"));
        tokio::select! {
            () = live.closed() => return,
            () = tokio::time::sleep(TICK) => {}
        }
    }
}

/// The app's builder, mounted under `prefix` (`/` when it runs alone).
pub fn builder(prefix: &str) -> AppBuilder {
    App::builder()
        .title("Live")
        .routes_prefix(prefix)
        .metrics_endpoint(true)
        .layout(html::div((
            html::h1("Live over a WebSocket"),
            html::label("Say something: ").html_for("shout-input"),
            dcc::input("shout-input").value("hello").debounce(false),
            html::p(()).id("shout-out"),
            html::p(()).id("shout-status"),
            dcc::slider("level").min(0).max(10).step(1).value(3),
            html::button("Read the slider").id("read"),
            html::p(()).id("slider-said"),
            html::p("Waiting for the first update…").id("ticker"),
        )))
        .callback(
            Callback::new(shout)
                .output("shout-out", "children")
                .input("shout-input", "value")
                .websocket(),
        )
        .callback(
            Callback::new(read_slider)
                .output("slider-said", "children")
                .input("read", "n_clicks")
                .websocket(),
        )
        .callback(Callback::new(ticker).persistent())
}

/// The app, mounted under `prefix`.
pub fn app(prefix: &str) -> BuildResult<App> {
    builder(prefix).build()
}

#[cfg(test)]
mod tests {
    use ferrodash::json;
    use ferrodash_testing::client::{CallbackCall, TestClient};

    /// Without a WebSocket (a browser with no `SharedWorker`), the same
    /// callbacks answer over HTTP.
    #[tokio::test]
    async fn the_callbacks_answer_over_http_too() {
        let client = TestClient::new(&super::app("/").unwrap());
        let answer = client
            .call(&CallbackCall::new().output("shout-out", "children").input(
                "shout-input",
                "value",
                json!("hi"),
            ))
            .await
            .json();
        assert_eq!(answer["response"]["shout-out"]["children"], "HI");
        assert_eq!(
            answer["sideUpdate"]["shout-status"]["children"],
            "answered over HTTP (2 characters)"
        );
        let deps = client.dependencies().await;
        assert!(
            deps.as_array()
                .unwrap()
                .iter()
                .all(|d| d["websocket"] == true)
        );
    }
}
