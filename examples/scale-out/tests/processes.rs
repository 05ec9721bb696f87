//! Two app processes and a Redis server on loopback, driven over HTTP the way
//! Dash's renderer drives them: a page loaded from one process, its
//! background jobs started through one process and polled and cancelled
//! through the other; a process killed while jobs run; a process stopped
//! with SIGTERM while jobs run (it finishes them first); Redis stopped
//! while pages poll.
//!
//! Each scenario starts its own Redis server and processes; they run one at
//! a time (the machine has two cores and the leases are short).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "helpers of tests too, not only #[test] fns: a panic here is a failed test"
)]

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use ferrodash_testing::redis_server::RedisServer;
use serde_json::{Value, json};
use tokio::process::{Child, Command};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// One scenario at a time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const SECRET: &str = "a-test-secret-key-shared-by-both-processes";

/// A scratch folder for one scenario.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("ferrodash-scale-out-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// How a scenario's processes run.
#[derive(Debug, Clone)]
struct Setup {
    redis: String,
    dir: PathBuf,
    step_ms: u64,
    steps: u32,
    lease: &'static str,
}

/// An app process.
struct Process {
    name: &'static str,
    child: Child,
    base: String,
    log: PathBuf,
}

impl Process {
    async fn start(name: &'static str, setup: &Setup) -> Result<Self, Box<dyn std::error::Error>> {
        let port = free_port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let log = setup.dir.join(format!("{name}.log"));
        let child = Command::new(env!("CARGO_BIN_EXE_example-scale-out"))
            .env("SCALE_OUT_ADDR", addr.to_string())
            .env("SCALE_OUT_REDIS_URL", &setup.redis)
            .env("SCALE_OUT_SECRET_KEY", SECRET)
            .env("SCALE_OUT_LEDGER", setup.dir.join("ledger.log"))
            .env("SCALE_OUT_STEP", format!("{}ms", setup.step_ms))
            .env("SCALE_OUT_STEPS", setup.steps.to_string())
            .env("SCALE_OUT_LEASE", setup.lease)
            .env("SCALE_OUT_LOG", "info")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(
                setup.dir.join(format!("{name}.out")),
            )?)
            .stderr(std::fs::File::create(&log)?)
            .kill_on_drop(true)
            .spawn()?;
        let process = Self {
            name,
            child,
            base: format!("http://{addr}/"),
            log,
        };
        process.wait_until_serving().await?;
        Ok(process)
    }

    async fn wait_until_serving(&self) -> TestResult {
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = reqwest::Client::new();
        loop {
            if let Ok(r) = client.get(format!("{}health", self.base)).send().await
                && r.status() == 200
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("process {} did not start", self.name).into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Background jobs this process runs now, from its metrics.
    async fn jobs_running(&self) -> u64 {
        let Ok(response) = reqwest::get(format!("{}metrics", self.base)).await else {
            return 0;
        };
        let text = response.text().await.unwrap_or_default();
        text.lines()
            .find_map(|l| l.strip_prefix("ferrodash_jobs_running "))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0)
    }

    fn kill(&mut self) {
        self.signal(nix::sys::signal::Signal::SIGKILL);
    }

    fn signal(&mut self, signal: nix::sys::signal::Signal) {
        let pid = self.child.id().expect("the process runs");
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(i32::try_from(pid).expect("a pid")),
            signal,
        )
        .expect("the signal is sent");
    }

    /// Nothing in the process's log says it panicked.
    fn assert_no_panic(&self) {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        assert!(
            !log.contains("panicked"),
            "process {} panicked:\n{log}",
            self.name
        );
    }
}

/// A page load: its cookies and page token, as the renderer has them.
struct Page {
    client: reqwest::Client,
    end_id: String,
    csrf: String,
}

/// The handles a start answer gives.
#[derive(Debug, Clone)]
struct Handles {
    job: String,
    cache_key: String,
}

fn query(text: &str) -> String {
    text.replace('~', "%7E")
}

impl Page {
    async fn load(process: &Process) -> Result<Self, Box<dyn std::error::Error>> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()?;
        let response = client.get(&process.base).send().await?;
        let csrf = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.strip_prefix("_csrf_token="))
            .and_then(|c| c.split(';').next())
            .ok_or("the index sets the CSRF cookie")?
            .to_owned();
        let page = response.text().await?;
        let start = page.find("\"end_id\":\"").ok_or("an end_id")? + "\"end_id\":\"".len();
        let len = page[start..].find('"').ok_or("an end_id string")?;
        Ok(Self {
            client,
            end_id: page[start..start + len].to_owned(),
            csrf,
        })
    }

    async fn post(&self, process: &Process, query: &str, body: &Value) -> (u16, Value) {
        let response = self
            .client
            .post(format!(
                "{}_dash-update-component?endId={}{query}",
                process.base,
                self::query(&self.end_id)
            ))
            .header("content-type", "application/json")
            .header("cookie", format!("_csrf_token={}", self.csrf))
            .header("x-csrftoken", &self.csrf)
            .json(body)
            .send()
            .await
            .expect("the process answers");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    fn render_body(name: Option<&str>, clicks: Option<u64>) -> Value {
        json!({
            "output": "report-status.children",
            "outputs": {"id": "report-status", "property": "children"},
            "inputs": [{"id": "render", "property": "n_clicks", "value": clicks}],
            "state": [{"id": "report-name", "property": "value", "value": name}],
            "changedPropIds": ["render.n_clicks"],
        })
    }

    /// Starts rendering report `name` through `process`.
    async fn start(&self, process: &Process, name: &str) -> Result<Handles, (u16, Value)> {
        let (status, body) = self
            .post(process, "", &Self::render_body(Some(name), Some(1)))
            .await;
        match (status, body["job"].as_str(), body["cacheKey"].as_str()) {
            (200, Some(job), Some(key)) => Ok(Handles {
                job: job.to_owned(),
                cache_key: key.to_owned(),
            }),
            _ => Err((status, body)),
        }
    }

    /// One poll through `process`.
    async fn poll(&self, process: &Process, handles: &Handles) -> (u16, Value) {
        let query = format!(
            "&cacheKey={}&job={}",
            query(&handles.cache_key),
            query(&handles.job)
        );
        self.post(process, &query, &Self::render_body(None, None))
            .await
    }

    /// Polls every job through `process` the way their pages would, each
    /// about every 200 ms, until all have ended: each job's final answer.
    async fn poll_all_to_end(
        &self,
        process: &Process,
        jobs: &[(String, Handles)],
        limit: Duration,
    ) -> Vec<(u16, Value)> {
        let deadline = Instant::now() + limit;
        let mut ends: Vec<Option<(u16, Value)>> = vec![None; jobs.len()];
        while ends.iter().any(Option::is_none) {
            let sweep = Instant::now();
            for (end, (_, handles)) in ends.iter_mut().zip(jobs) {
                if end.is_some() {
                    continue;
                }
                let (status, body) = self.poll(process, handles).await;
                if status != 200 || body.get("response").is_some() {
                    *end = Some((status, body));
                }
            }
            assert!(
                Instant::now() < deadline,
                "jobs did not end within {limit:?}"
            );
            tokio::time::sleep(Duration::from_millis(200).saturating_sub(sweep.elapsed())).await;
        }
        ends.into_iter().flatten().collect()
    }

    /// The Cancel button's request through `process`, carrying the job.
    async fn cancel(&self, process: &Process, handles: &Handles) -> (u16, Value) {
        let body = json!({
            "output": "cancel.id",
            "outputs": {"id": "cancel", "property": "id"},
            "inputs": [{"id": "cancel", "property": "n_clicks", "value": 1}],
            "state": [],
            "changedPropIds": ["cancel.n_clicks"],
        });
        self.post(
            process,
            &format!("&cancelJob={}", query(&handles.job)),
            &body,
        )
        .await
    }
}

/// The ledger's deliveries: report name to the number of lines for it.
/// Starts `count` jobs named `<prefix><i>`, through the two processes in
/// turn: their names and handles.
async fn start_alternating(
    page: &Page,
    through: [&Process; 2],
    prefix: &str,
    count: usize,
) -> Result<Vec<(String, Handles)>, Box<dyn std::error::Error>> {
    let mut started = Vec::new();
    for (i, via) in (0..count).zip(through.iter().cycle()) {
        let name = format!("{prefix}{i}");
        let handles = page
            .start(via, &name)
            .await
            .map_err(|e| format!("start {name}: {e:?}"))?;
        started.push((name, handles));
    }
    Ok(started)
}

fn deliveries(dir: &Path) -> HashMap<String, usize> {
    let text = std::fs::read_to_string(dir.join("ledger.log")).unwrap_or_default();
    let mut counts = HashMap::new();
    for line in text.lines() {
        let name = line.split(' ').nth(1).unwrap_or_default().to_owned();
        *counts.entry(name).or_insert(0) += 1;
    }
    counts
}

fn delivered(body: &Value) -> Option<&str> {
    body["response"]["report-status"]["children"].as_str()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_started_through_a_are_polled_through_b_and_all_end_done() -> TestResult {
    let _serial = SERIAL.lock().await;
    let redis = RedisServer::start().await?;
    let setup = Setup {
        redis: redis.url(),
        dir: scratch("two"),
        step_ms: 50,
        steps: 5,
        lease: "3s",
    };
    let a = Process::start("a", &setup).await?;
    let b = Process::start("b", &setup).await?;
    let page = Page::load(&a).await?;

    let mut started = Vec::new();
    for i in 0..200 {
        let name = format!("r{i}");
        let handles = page
            .start(&a, &name)
            .await
            .map_err(|e| format!("start {name}: {e:?}"))?;
        started.push((name, handles));
    }
    let ends = page
        .poll_all_to_end(&b, &started, Duration::from_secs(90))
        .await;
    for ((name, _), (status, body)) in started.iter().zip(&ends) {
        assert_eq!(*status, 200, "{name}: {body}");
        let text = delivered(body).unwrap_or_default();
        assert!(
            text.starts_with(&format!("Report {name} delivered")),
            "{text}"
        );
    }
    let ledger = deliveries(&setup.dir);
    assert_eq!(ledger.len(), 200);
    assert!(ledger.values().all(|n| *n == 1), "{ledger:?}");
    a.assert_no_panic();
    b.assert_no_panic();
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_while_50_jobs_run_leaves_each_done_once() -> TestResult {
    let _serial = SERIAL.lock().await;
    let redis = RedisServer::start().await?;
    let setup = Setup {
        redis: redis.url(),
        dir: scratch("kill"),
        step_ms: 200,
        steps: 10,
        lease: "3s",
    };
    let mut a = Process::start("a", &setup).await?;
    let b = Process::start("b", &setup).await?;
    let page = Page::load(&b).await?;
    let started = start_alternating(&page, [&a, &b], "k", 50).await?;
    // Both processes run some of the jobs; none has finished yet.
    let deadline = Instant::now() + Duration::from_secs(10);
    while a.jobs_running().await == 0 || b.jobs_running().await == 0 {
        assert!(Instant::now() < deadline, "the jobs did not spread");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let on_a = a.jobs_running().await;
    assert!(on_a > 0);
    a.kill();
    a.child.wait().await?;

    let mut attempts = HashMap::new();
    let ends = page
        .poll_all_to_end(&b, &started, Duration::from_secs(90))
        .await;
    for ((name, handles), (status, body)) in started.iter().zip(&ends) {
        assert_eq!(*status, 200, "{name}: {body}");
        let text = delivered(body).unwrap_or_default();
        assert!(
            text.starts_with(&format!("Report {name} delivered")),
            "{text}"
        );
        *attempts
            .entry(text.contains("(attempt 2)"))
            .or_insert(0usize) += 1;
        // A finished job answers once: its next poll finds it gone.
        assert_eq!(page.poll(&b, handles).await.0, 410);
    }
    // The jobs A was running were taken over by B and run again.
    assert!(
        attempts.get(&true).copied().unwrap_or(0) >= usize::try_from(on_a)?,
        "{attempts:?}, {on_a} on A when it was killed"
    );
    println!(
        "SIGKILL: {on_a} jobs running on A when it was killed; answers: {} first attempts, {} taken over",
        attempts.get(&false).copied().unwrap_or(0),
        attempts.get(&true).copied().unwrap_or(0)
    );
    let ledger = deliveries(&setup.dir);
    assert_eq!(ledger.len(), 50, "{ledger:?}");
    assert!(
        ledger.values().all(|n| *n == 1),
        "a job body ran to completion twice: {ledger:?}"
    );
    b.assert_no_panic();
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_while_jobs_run_finishes_them_before_the_process_exits() -> TestResult {
    let _serial = SERIAL.lock().await;
    let redis = RedisServer::start().await?;
    let setup = Setup {
        redis: redis.url(),
        dir: scratch("term"),
        step_ms: 200,
        steps: 10,
        lease: "3s",
    };
    let mut a = Process::start("a", &setup).await?;
    let b = Process::start("b", &setup).await?;
    let page = Page::load(&b).await?;
    let started = start_alternating(&page, [&a, &b], "t", 8).await?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while a.jobs_running().await == 0 {
        assert!(Instant::now() < deadline, "A ran none of the jobs");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let on_a = a.jobs_running().await;
    let stopping = Instant::now();
    a.signal(nix::sys::signal::Signal::SIGTERM);
    let status = tokio::time::timeout(Duration::from_secs(20), a.child.wait())
        .await
        .map_err(|_| "A did not exit within 20 s of SIGTERM")??;
    let took = stopping.elapsed();
    assert!(status.success(), "A exited with {status}");
    let log = std::fs::read_to_string(setup.dir.join("a.out"))? + &std::fs::read_to_string(&a.log)?;
    assert!(
        log.contains("waiting for background jobs to finish"),
        "A did not wait for its jobs:\n{log}"
    );
    a.assert_no_panic();

    let ends = page
        .poll_all_to_end(&b, &started, Duration::from_secs(60))
        .await;
    for ((name, _), (status, body)) in started.iter().zip(&ends) {
        assert_eq!(*status, 200, "{name}: {body}");
        let text = delivered(body).unwrap_or_default();
        assert!(
            text.starts_with(&format!("Report {name} delivered")) && !text.contains("attempt 2"),
            "{name}: finished by the process that ran it, not taken over: {text}"
        );
    }
    println!("SIGTERM: {on_a} jobs running on A; it finished them and exited in {took:?}");
    let ledger = deliveries(&setup.dir);
    assert_eq!(ledger.len(), 8, "{ledger:?}");
    assert!(ledger.values().all(|n| *n == 1), "{ledger:?}");
    b.assert_no_panic();
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_through_one_process_stops_a_job_the_other_runs() -> TestResult {
    let _serial = SERIAL.lock().await;
    let redis = RedisServer::start().await?;
    let setup = Setup {
        redis: redis.url(),
        dir: scratch("cancel"),
        step_ms: 100,
        steps: 100,
        lease: "3s",
    };
    let a = Process::start("a", &setup).await?;
    let b = Process::start("b", &setup).await?;
    let page = Page::load(&a).await?;
    let handles = page.start(&a, "long").await.map_err(|e| format!("{e:?}"))?;
    // Whichever process took the job, the cancel goes through the other.
    let deadline = Instant::now() + Duration::from_secs(10);
    let (runner, other) = loop {
        if a.jobs_running().await == 1 {
            break (&a, &b);
        }
        if b.jobs_running().await == 1 {
            break (&b, &a);
        }
        assert!(Instant::now() < deadline, "no process took the job");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    // The page sees progress through the other process meanwhile.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, body) = page.poll(other, &handles).await;
        assert_eq!(status, 200, "{body}");
        if body["progress"]["report-progress.value"].as_u64().is_some() {
            break;
        }
        assert!(Instant::now() < deadline, "no progress reached the page");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, body) = page.cancel(other, &handles).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({"multi": true, "response": {}}));
    let stopped = Instant::now();
    println!(
        "cancel: the job ran on {}, cancelled through {}",
        runner.name, other.name
    );
    while runner.jobs_running().await > 0 {
        assert!(
            stopped.elapsed() < Duration::from_secs(3),
            "process {} still runs the cancelled job",
            runner.name
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!("cancel: stopped after {:?}", stopped.elapsed());
    // Its polls, through either process, end with no update.
    assert_eq!(page.poll(other, &handles).await.0, 204);
    assert_eq!(page.poll(runner, &handles).await.0, 204);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(
        deliveries(&setup.dir).is_empty(),
        "a cancelled job delivered"
    );
    a.assert_no_panic();
    b.assert_no_panic();
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_stopped_mid_run_gives_503_and_work_resumes_when_it_returns() -> TestResult {
    let _serial = SERIAL.lock().await;
    let mut redis = RedisServer::start().await?;
    let setup = Setup {
        redis: redis.url(),
        dir: scratch("outage"),
        step_ms: 100,
        steps: 20,
        lease: "3s",
    };
    let a = Process::start("a", &setup).await?;
    let b = Process::start("b", &setup).await?;
    let page = Page::load(&a).await?;
    let mut running = Vec::new();
    for i in 0..10 {
        running.push(
            page.start(&a, &format!("o{i}"))
                .await
                .map_err(|e| format!("{e:?}"))?,
        );
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    redis.stop().await?;
    // Starting and polling jobs: a clear 503 from either process.
    for process in [&a, &b] {
        let (status, body) = page.poll(process, &running[0]).await;
        assert_eq!(status, 503, "{body}");
        assert_eq!(body["error"], "unavailable");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("job queue (redis) is unavailable") && message.contains("try again"),
            "{message}"
        );
        let (status, body) = page
            .start(process, "during")
            .await
            .expect_err("Redis is down");
        assert_eq!(status, 503, "{body}");
        // Readiness says so; the pages themselves still load.
        let ready = reqwest::get(format!("{}ready", process.base)).await?;
        assert_eq!(ready.status(), 503);
        let ready: Value = ready.json().await?;
        assert_eq!(ready["checks"]["job_queue"], "failed");
        assert_eq!(reqwest::get(&process.base).await?.status(), 200);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;

    redis.restart().await?;
    // Redis came back empty: the jobs from before are gone, and a poll
    // says so; new jobs run again, on both processes.
    let deadline = Instant::now() + Duration::from_secs(20);
    let lost = loop {
        let (status, body) = page.poll(&b, &running[0]).await;
        if status != 503 {
            break (status, body);
        }
        assert!(
            Instant::now() < deadline,
            "Redis is back but polls still fail"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(lost.0, 410, "{}", lost.1);
    assert_eq!(lost.1["error"], "job_lost");
    let after = start_alternating(&page, [&a, &b], "after", 6).await?;
    let ends = page
        .poll_all_to_end(&a, &after, Duration::from_secs(60))
        .await;
    for ((name, _), (status, body)) in after.iter().zip(&ends) {
        assert_eq!(*status, 200, "{name}: {body}");
        assert!(
            delivered(body)
                .unwrap_or_default()
                .starts_with(&format!("Report {name} delivered"))
        );
    }
    for process in [&a, &b] {
        let ready = reqwest::get(format!("{}ready", process.base)).await?;
        assert_eq!(ready.status(), 200);
        process.assert_no_panic();
    }
    Ok(())
}
