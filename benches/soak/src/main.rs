//! Soak benchmark of the usage portal: hundreds of browser-like sessions
//! for half an hour against the release build, with the portal's memory
//! sampled, and a report of every step's latencies and errors and of the
//! memory's slope.
//!
//! `bench-soak setup DATABASE_URL SESSIONS ADMINS` adds the users the
//! sessions log in as to the portal's database (one per session: ADMINS
//! admins, the rest customers, each a member of one customer account, in
//! turn), with the portal's own [`usage_portal::Portal`]; the database
//! needs its usage first (`usage-portal backfill`).
//!
//! `bench-soak run [options]` runs the sessions against a portal that is
//! up: see `--help` and `benches/soak/README.md`; `benches/soak/run.sh`
//! does everything from the build to the report.

mod session;
mod stats;

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::json;

use crate::session::{Login, Session, Shared};
use crate::stats::{Memory, Recorder, RunFacts, Sample};

const USAGE: &str = "\
usage: bench-soak setup DATABASE_URL SESSIONS ADMINS
       bench-soak run [--url http://127.0.0.1:8050] [--pid PID] [--sessions 500]
                      [--admins 10] [--duration 1800] [--warmup 300] [--ramp 60]
                      [--think-min 2] [--think-max 8] [--views 3] [--seed 1] [--pdf-every 60]
                      [--timeout 60] [--sample-every 10] [--out DIR] [--one-address]
Durations are in seconds; --pdf-every 0 turns the PDF exports off.";

/// The user name of session `i`'s user: the first `admins` sessions are
/// admins, the others customers.
fn user_of(i: usize, admins: usize) -> Login {
    let (name, admin) = if i < admins {
        (format!("soak-admin-{:03}", i + 1), true)
    } else {
        (format!("soak-cust-{:04}", i - admins + 1), false)
    };
    Login {
        password: format!("soak-password-of-{name}"),
        name,
        admin,
    }
}

/// Adds the sessions' users to the portal's database.
async fn setup(url: &str, sessions: usize, admins: usize) -> Result<(), String> {
    let portal = usage_portal::Portal::open(url)
        .await
        .map_err(|e| format!("the portal's database at {url}: {e}"))?;
    let accounts = portal.store().accounts().await.map_err(|e| e.to_string())?;
    if accounts.is_empty() {
        return Err(
            "the database has no customer accounts: run `usage-portal backfill` first".into(),
        );
    }
    let existing = portal.users().names().await.map_err(|e| e.to_string())?;
    let mut added = 0;
    for i in 0..sessions {
        let login = user_of(i, admins);
        if !existing.contains(&login.name) {
            let groups: &[&str] = if login.admin { &["admin"] } else { &[] };
            portal
                .users()
                .add(&login.name, &login.name, &login.password, groups)
                .await
                .map_err(|e| format!("adding {}: {e}", login.name))?;
            added += 1;
        }
        if !login.admin {
            let Some(account) = accounts.get((i - admins) % accounts.len()) else {
                continue;
            };
            portal
                .store()
                .add_member(&login.name, &account.id)
                .await
                .map_err(|e| format!("{} into {}: {e}", login.name, account.id))?;
        }
    }
    println!(
        "{added} users added ({} sessions: {admins} admins, {} customers over {} accounts)",
        sessions,
        sessions - admins,
        accounts.len()
    );
    Ok(())
}

/// The `run` options.
#[derive(Debug, Clone)]
struct Options {
    url: String,
    pid: Option<u32>,
    sessions: usize,
    admins: usize,
    duration: f64,
    warmup: f64,
    ramp: f64,
    think_min: f64,
    think_max: f64,
    views: usize,
    seed: u64,
    pdf_every: f64,
    timeout: f64,
    sample_every: f64,
    out: PathBuf,
    one_address: bool,
}

impl Options {
    fn parse(args: &[String]) -> Result<Self, String> {
        let mut o = Self {
            url: "http://127.0.0.1:8050".to_owned(),
            pid: None,
            sessions: 500,
            admins: 10,
            duration: 1800.0,
            warmup: 300.0,
            ramp: 60.0,
            think_min: 2.0,
            think_max: 8.0,
            views: 3,
            seed: 1,
            pdf_every: 60.0,
            timeout: 60.0,
            sample_every: 10.0,
            out: PathBuf::from("."),
            one_address: false,
        };
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            if flag == "--one-address" {
                o.one_address = true;
                continue;
            }
            let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
            let number = || {
                value
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && *v >= 0.0)
                    .ok_or_else(|| format!("{flag}: `{value}` is not a number"))
            };
            let count = || {
                value
                    .parse::<usize>()
                    .map_err(|_| format!("{flag}: `{value}` is not a count"))
            };
            match flag.as_str() {
                "--url" => o.url = value.trim_end_matches('/').to_owned(),
                "--pid" => o.pid = Some(value.parse().map_err(|_| "--pid: not a pid")?),
                "--sessions" => o.sessions = count()?,
                "--admins" => o.admins = count()?,
                "--duration" => o.duration = number()?,
                "--warmup" => o.warmup = number()?,
                "--ramp" => o.ramp = number()?,
                "--think-min" => o.think_min = number()?,
                "--think-max" => o.think_max = number()?,
                "--views" => o.views = count()?,
                "--seed" => o.seed = value.parse().map_err(|_| "--seed: not a number")?,
                "--pdf-every" => o.pdf_every = number()?,
                "--timeout" => o.timeout = number()?,
                "--sample-every" => o.sample_every = number()?.max(1.0),
                "--out" => o.out = PathBuf::from(value),
                other => return Err(format!("unknown option {other}")),
            }
        }
        if o.admins > o.sessions || o.think_max < o.think_min || o.sessions > 60_000 {
            return Err("--admins at most --sessions, --think-max at least --think-min, at most 60000 sessions".into());
        }
        Ok(o)
    }

    fn json(&self) -> serde_json::Value {
        json!({
            "url": self.url, "sessions": self.sessions, "admins": self.admins,
            "duration_s": self.duration, "warmup_s": self.warmup, "ramp_s": self.ramp,
            "think_s": [self.think_min, self.think_max], "views": self.views, "seed": self.seed,
            "pdf_every_s": self.pdf_every, "timeout_s": self.timeout,
            "sample_every_s": self.sample_every, "one_address": self.one_address,
        })
    }
}

/// The loopback address session `i` connects from: 127.1.x.y, one per
/// session, so the login limiter counts each user's browser apart as it
/// would see real clients (everything from 127.0.0.1 with `--one-address`).
fn address_of(i: usize, one: bool) -> IpAddr {
    if one {
        return IpAddr::V4(Ipv4Addr::LOCALHOST);
    }
    let n = u16::try_from(i + 1).unwrap_or(u16::MAX);
    let [x, y] = n.to_be_bytes();
    IpAddr::V4(Ipv4Addr::new(127, 1, x, y))
}

/// The resident memory of `pid` and its threads, from `/proc/PID/status`.
fn memory_of(pid: u32) -> Option<Memory> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    };
    Some(Memory {
        rss_kib: field("VmRSS")?,
        anon_kib: field("RssAnon").unwrap_or(0),
        file_kib: field("RssFile").unwrap_or(0),
        shmem_kib: field("RssShmem").unwrap_or(0),
        threads: field("Threads").unwrap_or(0),
    })
}

/// The portal's own figures worth following from `/metrics`.
const METRICS: [&str; 9] = [
    "ferrodash_sessions_active",
    "ferrodash_jobs_running",
    "ferrodash_jobs_started_total",
    "ferrodash_cache_hits_total",
    "ferrodash_cache_misses_total",
    "ferrodash_logins_total",
    "ferrodash_logouts_total",
    "usage_ingest_runs_total",
    "ferrodash_http_requests_total",
];

async fn metrics(client: &Client<HttpConnector, Full<Bytes>>, base: &str) -> BTreeMap<String, f64> {
    let mut found = BTreeMap::new();
    let Ok(uri) = format!("{base}/metrics").parse::<hyper::Uri>() else {
        return found;
    };
    let Ok(Ok(response)) = tokio::time::timeout(Duration::from_secs(10), client.get(uri)).await
    else {
        return found;
    };
    let Ok(body) = response.into_body().collect().await else {
        return found;
    };
    let text = String::from_utf8_lossy(&body.to_bytes()).into_owned();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let Some((key, value)) = line.rsplit_once(' ') else {
            continue;
        };
        let name = key.split('{').next().unwrap_or(key);
        if METRICS.contains(&name)
            && let Ok(v) = value.parse::<f64>()
        {
            found.insert(key.to_owned(), v);
        }
    }
    found
}

async fn run(options: Options) -> Result<bool, String> {
    let recorder = Arc::new(Recorder::default());
    let probe: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    let metrics_before = metrics(&probe, &options.url).await;
    if metrics_before.is_empty() {
        return Err(format!(
            "{}/metrics does not answer: is the portal up?",
            options.url
        ));
    }
    let started = Instant::now();
    let secs = Duration::from_secs_f64;
    let shared = Arc::new(Shared {
        base: options.url.clone(),
        recorder: Arc::clone(&recorder),
        started,
        deadline: started + secs(options.duration),
        think: (secs(options.think_min), secs(options.think_max)),
        views: options.views,
        timeout: secs(options.timeout),
        pdf: (options.pdf_every > 0.0).then(|| {
            (
                secs(options.pdf_every),
                Mutex::new(started + secs(options.ramp)),
            )
        }),
    });
    let running = Arc::new(AtomicU64::new(0));
    let samples = Arc::new(Mutex::new(Vec::<Sample>::new()));
    let take_sample = {
        let (recorder, running, samples, probe, url) = (
            Arc::clone(&recorder),
            Arc::clone(&running),
            Arc::clone(&samples),
            probe.clone(),
            options.url.clone(),
        );
        let pid = options.pid;
        move || {
            let (recorder, running, samples, probe, url) = (
                Arc::clone(&recorder),
                Arc::clone(&running),
                Arc::clone(&samples),
                probe.clone(),
                url.clone(),
            );
            async move {
                let t = started.elapsed().as_secs_f64();
                let metrics = metrics(&probe, &url).await;
                let (requests, errors, logins) = recorder.counts();
                let sample = Sample {
                    t,
                    memory: pid.and_then(memory_of).unwrap_or_default(),
                    requests,
                    errors,
                    logins,
                    sessions: running.load(Ordering::Relaxed),
                    metrics,
                };
                let mut all = samples
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let (rate, login_rate) = all.last().map_or((0.0, 0.0), |last: &Sample| {
                    let dt = (t - last.t).max(1e-3);
                    #[allow(clippy::cast_precision_loss)]
                    (
                        (requests - last.requests) as f64 / dt,
                        (logins - last.logins) as f64 / dt,
                    )
                });
                #[allow(clippy::cast_precision_loss)]
                let (rss_mib, anon_mib) = (
                    sample.memory.rss_kib as f64 / 1024.0,
                    sample.memory.anon_kib as f64 / 1024.0,
                );
                println!(
                    "[{t:>7.1} s] rss {rss_mib:>7.1} MiB (anon {anon_mib:>7.1}) | {rate:>6.1} req/s | {login_rate:>5.1} logins/s | {requests} requests | {errors} errors | {} sessions | portal sessions {}",
                    sample.sessions,
                    sample
                        .metrics
                        .get("ferrodash_sessions_active")
                        .map_or_else(|| "?".to_owned(), ToString::to_string),
                );
                all.push(sample);
            }
        }
    };
    take_sample().await;

    let sampler = {
        let take_sample = take_sample.clone();
        let every = secs(options.sample_every);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
            loop {
                tick.tick().await;
                take_sample().await;
            }
        })
    };

    let mut tasks = Vec::with_capacity(options.sessions);
    #[allow(clippy::cast_precision_loss)]
    let stagger = options.ramp / options.sessions.max(1) as f64;
    for i in 0..options.sessions {
        let shared = Arc::clone(&shared);
        let running = Arc::clone(&running);
        let login = user_of(i, options.admins);
        let address = address_of(i, options.one_address);
        let seed = options.seed.wrapping_mul(1_000_003).wrapping_add(i as u64);
        #[allow(clippy::cast_precision_loss)]
        let delay = secs(stagger * i as f64);
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            running.fetch_add(1, Ordering::Relaxed);
            Session::new(shared, login, address, seed).run().await;
            running.fetch_sub(1, Ordering::Relaxed);
        }));
    }
    for task in tasks {
        if let Err(e) = task.await {
            recorder.error(
                "session",
                started.elapsed(),
                "the session's task failed",
                &e.to_string(),
            );
        }
    }
    let load = started.elapsed();
    println!(
        "all sessions ended after {:.1} s; one more sample after 10 s idle",
        load.as_secs_f64()
    );
    tokio::time::sleep(Duration::from_secs(10)).await;
    sampler.abort();
    take_sample().await;
    let metrics_after = metrics(&probe, &options.url).await;

    let samples = samples
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    let facts = RunFacts {
        settings: options.json(),
        load,
        samples,
        warmup: options.warmup,
        load_end: options.duration,
        metrics_before,
        metrics_after,
    };
    let (json, markdown) = stats::report(&recorder, &facts);
    println!("\n{markdown}");
    std::fs::create_dir_all(&options.out).map_err(|e| e.to_string())?;
    let json_path = options.out.join("soak-report.json");
    let md_path = options.out.join("soak-report.md");
    std::fs::write(
        &json_path,
        serde_json::to_string_pretty(&json).unwrap_or_default(),
    )
    .map_err(|e| format!("{}: {e}", json_path.display()))?;
    std::fs::write(&md_path, &markdown).map_err(|e| format!("{}: {e}", md_path.display()))?;
    println!("written: {} and {}", json_path.display(), md_path.display());
    Ok(recorder.counts().1 == 0)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.as_slice() {
        [command, url, sessions, admins] if command == "setup" => {
            match (sessions.parse::<usize>(), admins.parse::<usize>()) {
                (Ok(sessions), Ok(admins)) if admins <= sessions => {
                    setup(url, sessions, admins).await.map(|()| true)
                }
                _ => Err(USAGE.to_owned()),
            }
        }
        [command, options @ ..] if command == "run" => match Options::parse(options) {
            Ok(options) => run(options).await,
            Err(e) => Err(format!("{e}\n{USAGE}")),
        },
        _ => Err(USAGE.to_owned()),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("bench-soak: the run had errors");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("bench-soak: {e}");
            ExitCode::from(2)
        }
    }
}
