//! Run with `cargo run -p example-scale-out` (Redis on 127.0.0.1:6379), then
//! open <http://127.0.0.1:8051>; start a second process on another port with
//! the same `SCALE_OUT_SECRET_KEY` and both share the jobs.
//!
//! | variable | default | |
//! | --- | --- | --- |
//! | `SCALE_OUT_ADDR` | `127.0.0.1:8051` | where to listen |
//! | `SCALE_OUT_REDIS_URL` | `redis://127.0.0.1:6379` | the shared Redis (secret) |
//! | `SCALE_OUT_SECRET_KEY` | (required) | signs page tokens and job handles; the same in every process (secret) |
//! | `SCALE_OUT_LEDGER` | `scale-out-ledger.log` | the delivery ledger, shared by every process |
//! | `SCALE_OUT_STEP` | `300ms` | one of a report's steps |
//! | `SCALE_OUT_STEPS` | `10` | steps per report |
//! | `SCALE_OUT_LEASE` | `10s` | a job whose process died is taken over after this long |
//! | `SCALE_OUT_CONCURRENCY` | `32` | jobs this process runs at a time |

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use example_scale_out::{Reports, builder};
use ferrodash::RedisJobQueue;
use ferrodash_settings::{Secret, Settings};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(std::env::var("SCALE_OUT_LOG").unwrap_or_else(|_| "info".to_owned()))
        .init();
    let mut settings = Settings::from_env().with_prefix("SCALE_OUT_");
    let addr: SocketAddr = settings.get_or("ADDR", SocketAddr::from(([127, 0, 0, 1], 8051)));
    let redis_url: Secret<String> = settings
        .secret_opt("REDIS_URL")
        .unwrap_or_else(|| Secret::new("redis://127.0.0.1:6379".to_owned()));
    let secret_key: Secret<String> = settings.secret("SECRET_KEY");
    let ledger: String = settings.get_or("LEDGER", "scale-out-ledger.log".to_owned());
    let step: Duration = settings.get_or("STEP", Duration::from_millis(300));
    let steps: u32 = settings.get_or("STEPS", 10);
    let lease: Duration = settings.get_or("LEASE", Duration::from_secs(10));
    let concurrency: usize = settings.get_or("CONCURRENCY", 32);
    if secret_key.expose().len() < 32 {
        settings.invalid(
            "SECRET_KEY",
            "32 characters or more, the same in every process",
        );
    }
    if steps == 0 {
        settings.invalid("STEPS", "a number of steps above zero");
    }
    settings.finish()?;

    let queue = RedisJobQueue::connect(redis_url.expose())
        .await?
        .with_prefix("scale-out:jobs:")
        .with_lease(lease)
        .with_concurrency(concurrency);
    tracing::info!(consumer = queue.consumer(), "job queue connected");
    let reports = Reports {
        ledger: PathBuf::from(ledger),
        step,
        steps,
    };
    let app = builder(reports, queue, secret_key.expose().clone().into_bytes()).build()?;
    app.serve(addr).await?;
    Ok(())
}
