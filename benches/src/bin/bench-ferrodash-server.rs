//! A ferrodash app with one trivial callback, for `run.sh`.
//!
//! Run with `cargo run --release -p ferrodash-benches --bin bench-ferrodash-server -- PORT`;
//! it serves on `127.0.0.1:PORT` until Ctrl-C or SIGTERM.

use ferrodash::prelude::*;

/// Echoes the text box into the output div.
async fn echo(Input(text): Input<Option<String>>) -> String {
    text.unwrap_or_default()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = ferrodash_benches::loopback_addr_from_args()?;
    let app = App::builder()
        .title("ferrodash bench")
        .layout(html::div((dcc::input("text"), html::div(()).id("out"))))
        .callback(
            Callback::new(echo)
                .output("out", "children")
                .input("text", "value"),
        )
        .build()?;
    app.serve(addr).await?;
    Ok(())
}
