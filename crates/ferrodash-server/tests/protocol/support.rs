//! Small apps the protocol tests share.

use ferrodash_components::{dcc, html};
use ferrodash_server::{App, AppBuilder, Callback, Input};

pub(crate) async fn echo(Input(text): Input<Option<String>>) -> String {
    format!("echo: {}", text.unwrap_or_default())
}

/// An app with one input, one output and one echo callback.
pub(crate) fn echo_builder() -> AppBuilder {
    App::builder()
        .title("Echo")
        .assets_folder("/nonexistent-ferrodash-assets")
        .layout(html::div((
            dcc::input("text").value("hi"),
            html::div(()).id("out"),
        )))
        .callback(
            Callback::new(echo)
                .output("out", "children")
                .input("text", "value"),
        )
}

pub(crate) fn echo_app() -> App {
    echo_builder().build().expect("the echo app is valid")
}

/// A temporary folder removed on drop.
pub(crate) struct TempDir(pub(crate) std::path::PathBuf);

impl TempDir {
    pub(crate) fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "ferrodash-{name}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("temp dir");
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
