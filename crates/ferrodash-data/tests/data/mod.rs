//! Test modules.

/// The tests every server backend runs the same way: `$connect` opens a
/// bind from a config, `$slow` is a query that takes seconds.
macro_rules! server_backend_tests {
    ($connect:ident, $slow:expr) => {
        #[tokio::test]
        async fn typed_rows_and_params() {
            shared::typed_rows_and_params(&$connect(BindConfig::default()).await).await;
        }

        #[tokio::test]
        async fn row_limit() {
            shared::row_limit(&$connect(BindConfig::default().row_limit(3)).await).await;
        }

        #[tokio::test]
        async fn param_errors() {
            shared::param_errors(&$connect(BindConfig::default()).await).await;
        }

        #[tokio::test]
        async fn injection() {
            shared::injection(&$connect(BindConfig::default()).await).await;
        }

        #[tokio::test]
        async fn timeout() {
            let config = BindConfig::default().query_timeout(Duration::from_millis(200));
            shared::timeout(&$connect(config).await, $slow).await;
        }

        #[tokio::test]
        async fn execute_many() {
            shared::execute_many(&$connect(BindConfig::default()).await).await;
        }

        #[tokio::test]
        async fn batch() {
            shared::batch(&$connect(BindConfig::default()).await).await;
        }

        #[tokio::test]
        async fn ping() {
            shared::ping(&$connect(BindConfig::default()).await).await;
        }

        #[tokio::test]
        async fn transaction() {
            shared::transaction(&$connect(BindConfig::default()).await).await;
        }
    };
}

mod common;
mod grid;
mod loading;
mod mysql;
mod postgres;
mod shared;
mod sqlite;
