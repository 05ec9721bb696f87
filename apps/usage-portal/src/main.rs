//! The usage portal: `cargo run -p usage-portal`, then open
//! <http://127.0.0.1:8050> and log in as `northwind` with
//! `northwind-demo-password` (a customer) or `admin` with
//! `admin-demo-password`.
//!
//! Commands:
//!
//! - `usage-portal` (or `usage-portal serve`): serves the portal, runs the
//!   ingestion schedule, and backfills on first start when the database has
//!   no usage yet;
//! - `usage-portal backfill [DAYS]`: one run over the last DAYS days
//!   (default `PORTAL_BACKFILL_DAYS`), then exits;
//! - `usage-portal ingest [DAYS]`: one run over the last DAYS days (default
//!   `PORTAL_NIGHTLY_DAYS`), as the schedule does, then exits.
//!
//! Settings, from the environment or a `.env` file; every wrong setting is
//! reported at once, and secrets are never printed:
//!
//! | variable | default | |
//! | --- | --- | --- |
//! | `PORTAL_ADDR` | `127.0.0.1:8050` | where to listen |
//! | `PORTAL_LOG` | `info` | log filter (the PDF renderer's driver logs errors only, unless the filter names `chromiumoxide`) |
//! | `PORTAL_LOG_FORMAT` | `text` | `text`, or `json` for one JSON object per line |
//! | `PORTAL_DATABASE_URL` | `sqlite://usage-portal.db` | the portal's database (secret) |
//! | `PORTAL_PLATFORM_URL` | (none: a stand-in API with made-up data) | the platform API's base URL |
//! | `PORTAL_PLATFORM_TOKEN` | (required with a URL) | the platform API's token (secret) |
//! | `PORTAL_SCHEDULE` | `0 2 * * *` | when the nightly run starts (cron: minute hour day month weekday) |
//! | `PORTAL_TIME_ZONE` | `UTC` | the schedule's time zone, and whose "yesterday" a run fetches |
//! | `PORTAL_NIGHTLY_DAYS` | `3` | days a scheduled run fetches (late records of the days before are picked up) |
//! | `PORTAL_BACKFILL_DAYS` | `183` | days the first start and `backfill` fetch |
//! | `PORTAL_MONTHLY_SCHEDULE` | `0 6 1 * *` | when every customer's PDF of the month before is written |
//! | `PORTAL_REPORTS_DIR` | `reports` | the folder monthly PDFs go to (`<account>/<YYYY-MM>.pdf`) |
//! | `PORTAL_REDIS_URL` | (none: each process on its own) | a Redis server the portal's processes share: sessions, failed logins, background jobs, memoized reports, agents' rate limit (secret) |
//! | `PORTAL_TRUSTED_PROXIES` | (none) | addresses of the reverse proxies in front, comma-separated: failed logins are counted by the client address they forward |
//! | `PORTAL_PRODUCTION` | `false` | production mode: cookies `Secure` (serve over HTTPS), a strong `PORTAL_SECRET_KEY` required |
//! | `PORTAL_SECRET_KEY` | (random per process) | signs page tokens and job handles; required with `PORTAL_REDIS_URL`, the same in every process, 32 characters or more (secret) |
//!
//! AI agents reach the portal's MCP server at `/_mcp` with an API token of
//! a user: `ferrodash-users --database <PORTAL_DATABASE_URL> token NAME`.

use std::net::SocketAddr;
use std::sync::Arc;

use ferrodash::data::Backend;
use ferrodash_settings::{Secret, Settings};
use usage_portal::clock::{Clock, SystemClock};
use usage_portal::ingest::{IngestError, Ingestor, Trigger};
use usage_portal::monthly::{FolderSink, deliver_month, previous_month};
use usage_portal::platform::{ClientConfig, PlatformClient, StandIn, Synthetic};
use usage_portal::schedule::{Schedule, ScheduledJob};
use usage_portal::store::Store;
use usage_portal::{Portal, app};

/// The embedded default: an SQLite file in the working directory.
const DEFAULT_DATABASE_URL: &str = "sqlite://usage-portal.db";

/// What the command line asks for.
enum Command {
    Serve,
    Backfill(Option<u32>),
    Ingest(Option<u32>),
}

fn command() -> Result<Command, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let days = |arg: Option<&String>| -> Result<Option<u32>, String> {
        arg.map(|a| {
            a.parse::<u32>()
                .ok()
                .filter(|d| (1..=3_660).contains(d))
                .ok_or_else(|| format!("`{a}` is not a number of days from 1 to 3660"))
        })
        .transpose()
    };
    match args.first().map(String::as_str) {
        None | Some("serve") if args.len() <= 1 => Ok(Command::Serve),
        Some("backfill") if args.len() <= 2 => Ok(Command::Backfill(days(args.get(1))?)),
        Some("ingest") if args.len() <= 2 => Ok(Command::Ingest(days(args.get(1))?)),
        _ => Err(format!(
            "usage: usage-portal [serve | backfill [DAYS] | ingest [DAYS]] (got `{}`)",
            args.join(" ")
        )),
    }
}

/// jemalloc hands the pages it no longer uses back to the system within
/// seconds, so the portal's resident memory follows what it holds. Under
/// glibc's allocator the live heap stayed level under a steady load while
/// the resident memory kept rising, freed blocks kept in per-thread arenas
/// (a heap profile under the soak, benches/soak/README.md); musl's, in the
/// static image, is slow with many threads.
#[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// The log filter with the PDF renderer's browser driver (chromiumoxide)
/// at errors only, unless the filter says otherwise: it warns of every
/// DevTools event newer than its protocol types (it drops them, and the PDF
/// is right), hundreds per export with a recent Chromium.
fn quiet_pdf_driver(filter: String) -> String {
    if filter.contains("chromiumoxide") {
        filter
    } else {
        format!("{filter},chromiumoxide::handler=error")
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let command = command()?;
    let mut settings = Settings::from_env().with_prefix("PORTAL_");
    let addr: SocketAddr = settings.get_or("ADDR", SocketAddr::from(([127, 0, 0, 1], 8050)));
    let log: String = settings.get_or("LOG", "info".to_owned());
    let log_format: String = settings.get_or("LOG_FORMAT", "text".to_owned());
    if !matches!(log_format.as_str(), "text" | "json") {
        settings.invalid("LOG_FORMAT", "`text` or `json`");
    }
    let database_url: Secret<String> = settings
        .secret_opt("DATABASE_URL")
        .unwrap_or_else(|| Secret::new(DEFAULT_DATABASE_URL.to_owned()));
    if Backend::from_url(database_url.expose()).is_none() {
        settings.invalid(
            "DATABASE_URL",
            "a sqlite://, postgres:// or mysql:// database URL",
        );
    }
    let platform_url: Option<String> = settings.get_opt("PLATFORM_URL");
    let platform_url = platform_url.and_then(|u| match url::Url::parse(&u) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Some(url),
        _ => {
            settings.invalid("PLATFORM_URL", "an http:// or https:// URL");
            None
        }
    });
    let token: Option<Secret<String>> = settings.secret_opt("PLATFORM_TOKEN");
    if platform_url.is_some() && token.is_none() {
        settings.invalid(
            "PLATFORM_TOKEN",
            "the platform API's token (PORTAL_PLATFORM_URL is set)",
        );
    }
    let schedule_text: String = settings.get_or("SCHEDULE", "0 2 * * *".to_owned());
    let time_zone: String = settings.get_or("TIME_ZONE", "UTC".to_owned());
    let schedule = match Schedule::parse(&schedule_text, &time_zone) {
        Ok(s) => Some(s),
        Err(e) => {
            let name = match e {
                usage_portal::schedule::ScheduleError::TimeZone(_) => "TIME_ZONE",
                _ => "SCHEDULE",
            };
            settings.invalid(name, &e.to_string());
            None
        }
    };
    let monthly_text: String = settings.get_or("MONTHLY_SCHEDULE", "0 6 1 * *".to_owned());
    let monthly = Schedule::parse(&monthly_text, &time_zone).ok();
    if monthly.is_none() {
        settings.invalid(
            "MONTHLY_SCHEDULE",
            "a cron expression (minute hour day month weekday)",
        );
    }
    let reports_dir: String = settings.get_or("REPORTS_DIR", "reports".to_owned());
    let nightly_days: u32 = settings.get_or("NIGHTLY_DAYS", 3);
    let backfill_days: u32 = settings.get_or("BACKFILL_DAYS", 183);
    for (name, days) in [
        ("NIGHTLY_DAYS", nightly_days),
        ("BACKFILL_DAYS", backfill_days),
    ] {
        if !(1..=3_660).contains(&days) {
            settings.invalid(name, "a number of days from 1 to 3660");
        }
    }
    let proxies_text: String = settings.get_or("TRUSTED_PROXIES", String::new());
    let trusted_proxies: Vec<std::net::IpAddr> = proxies_text
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .filter_map(|p| {
            p.parse().ok().or_else(|| {
                settings.invalid("TRUSTED_PROXIES", "IP addresses separated by commas");
                None
            })
        })
        .collect();
    let production: bool = settings.get_or("PRODUCTION", false);
    let redis_url: Option<Secret<String>> = settings.secret_opt("REDIS_URL");
    let secret_key: Option<Secret<String>> = settings.secret_opt("SECRET_KEY");
    match (&redis_url, &secret_key) {
        (_, None) if production => settings.invalid(
            "SECRET_KEY",
            "a secret key of 32 characters or more (PORTAL_PRODUCTION is on)",
        ),
        (Some(_), None) => settings.invalid(
            "SECRET_KEY",
            "a secret key every process has (PORTAL_REDIS_URL is set), 32 characters or more",
        ),
        (_, Some(key)) if key.expose().len() < 32 => {
            settings.invalid("SECRET_KEY", "32 characters or more");
        }
        _ => {}
    }
    let summary = settings.summary();
    settings.finish()?;
    let (Some(schedule), Some(monthly)) = (schedule, monthly) else {
        return Err("a schedule did not parse".into());
    };
    let log = quiet_pdf_driver(log);
    if log_format == "json" {
        tracing_subscriber::fmt().json().with_env_filter(log).init();
    } else {
        tracing_subscriber::fmt().with_env_filter(log).init();
    }
    tracing::info!(settings = %summary, "starting the usage portal");

    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let zone = schedule.time_zone().clone();
    let client = match (platform_url, token) {
        (Some(url), Some(token)) => {
            PlatformClient::new(ClientConfig::new(url, token.expose().clone()))?
        }
        _ => {
            // No platform: a stand-in with a year of made-up usage up to
            // yesterday, on a loopback port, with a token of this run's.
            let today = clock.now().to_zoned(zone.clone()).date();
            let token = format!("{:032x}", rand::random::<u128>());
            let api = StandIn::new(
                Synthetic::standard(),
                token.clone(),
                today.yesterday().unwrap_or(today),
                365,
            );
            let base = api.spawn().await?;
            tracing::info!(url = %base, "no PORTAL_PLATFORM_URL: serving a stand-in platform API with made-up usage");
            PlatformClient::new(ClientConfig::new(url::Url::parse(&base)?, token))?
        }
    };
    let (days, trigger) = match command {
        Command::Backfill(days) => (days.unwrap_or(backfill_days), Trigger::Backfill),
        Command::Ingest(days) => (days.unwrap_or(nightly_days), Trigger::Manual),
        Command::Serve => (0, Trigger::Startup),
    };
    if days > 0 {
        // A command-line run needs the data tables only.
        let store = Store::open(database_url.expose()).await?;
        let ingestor = Ingestor::new(store, client, clock, zone);
        return one_run(&ingestor, days, trigger).await;
    }
    let mut portal = Portal::open(database_url.expose()).await?;
    if let (Some(url), Some(key)) = (&redis_url, &secret_key) {
        let shared =
            usage_portal::shared::Shared::connect(url.expose(), key.expose().clone().into_bytes())
                .await?;
        tracing::info!("sharing sessions, logins, jobs and the cache through Redis");
        portal = portal.with_shared(shared);
    } else if let Some(key) = &secret_key {
        portal = portal.with_secret_key(key.expose().clone().into_bytes());
    }
    let portal = portal
        .with_trusted_proxies(trusted_proxies)
        .with_production(production);
    let ingestor = Ingestor::new(portal.store().clone(), client, Arc::clone(&clock), zone);
    let portal = portal.with_ingestor(
        ingestor.clone(),
        nightly_days,
        format!(
            "Runs `{}` ({}), fetching the last {nightly_days} days.",
            schedule.expression(),
            time_zone
        ),
    );
    if portal.days().get().is_none() {
        let (ingestor, portal) = (ingestor.clone(), portal.clone());
        tokio::spawn(async move {
            tracing::info!(
                days = backfill_days,
                "the database has no usage yet: backfilling"
            );
            let (from, to) = ingestor.last_days(backfill_days);
            after_run(&portal, ingestor.run(from, to, Trigger::Startup).await).await;
        });
    }
    let nightly = {
        let (ingestor, portal) = (ingestor.clone(), portal.clone());
        ScheduledJob::spawn(schedule, Arc::clone(&clock), move |_| {
            let (ingestor, portal) = (ingestor.clone(), portal.clone());
            async move {
                let (from, to) = ingestor.last_days(nightly_days);
                after_run(&portal, ingestor.run(from, to, Trigger::Schedule).await).await;
            }
        })
    };
    if let Some(first) = nightly.first() {
        tracing::info!(next = %first, "nightly ingestion scheduled");
    }
    let reports = {
        let portal = portal.clone();
        let sink = FolderSink::new(&reports_dir);
        let zone = monthly.time_zone().clone();
        ScheduledJob::spawn(monthly, clock, move |at| {
            let (portal, sink, zone) = (portal.clone(), sink.clone(), zone.clone());
            async move {
                let month = previous_month(at.to_zoned(zone).date());
                // One process of several writes a month's reports.
                match usage_portal::monthly::claim_month(portal.store(), month).await {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::info!(%month, "another process writes this month's reports");
                        return;
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "monthly reports: the lock cannot be taken");
                        return;
                    }
                }
                if let Err(e) = deliver_month(portal.store(), portal.printer(), &sink, month).await
                {
                    tracing::error!(error = %e, "monthly reports");
                }
            }
        })
    };
    if let Some(first) = reports.first() {
        tracing::info!(next = %first, folder = %reports_dir, "monthly reports scheduled");
    }
    // The PDF printer opens the portal's own pages.
    let local = if addr.ip().is_unspecified() {
        SocketAddr::from(([127, 0, 0, 1], addr.port()))
    } else {
        addr
    };
    portal.printer().set_base_url(format!("http://{local}"));
    let router = app(&portal)?.router();
    ferrodash::serve_router(router, addr).await?;
    Ok(())
}

/// After a served run: the report's days are read again.
async fn after_run(portal: &Portal, result: Result<usage_portal::store::RunRow, IngestError>) {
    match result {
        Ok(_) | Err(IngestError::Busy) => {
            if let Err(e) = portal.days().refresh(portal.store()).await {
                tracing::warn!(error = %e, "could not read the data's days");
            }
        }
        // Already logged and in the run history.
        Err(_) => {}
    }
}

/// One run of the last `days` days, for the commands that exit after it.
async fn one_run(
    ingestor: &Ingestor,
    days: u32,
    trigger: Trigger,
) -> Result<(), Box<dyn std::error::Error>> {
    let (from, to) = ingestor.last_days(days);
    match ingestor.run(from, to, trigger).await {
        Ok(run) => {
            tracing::info!(run = %run.id, records = run.records, changed = run.changed, "done");
            Ok(())
        }
        Err(IngestError::Busy) => {
            tracing::warn!("another run is in progress: nothing to do");
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::quiet_pdf_driver;

    #[test]
    fn the_pdf_driver_logs_errors_only_unless_the_filter_names_it() {
        let filter = quiet_pdf_driver("info".to_owned());
        assert_eq!(filter, "info,chromiumoxide::handler=error");
        assert!(tracing_subscriber::EnvFilter::try_new(&filter).is_ok());
        assert_eq!(
            quiet_pdf_driver("warn,chromiumoxide=debug".to_owned()),
            "warn,chromiumoxide=debug"
        );
    }
}
