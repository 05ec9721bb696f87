use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ferrodash_core::CallbackOutputs;
use ferrodash_jobs::{
    BoxFuture, Job, JobError, JobExecutor, JobLink, JobOutcome, JobPoll, JobQueue, RedisJobQueue,
};
use ferrodash_testing::redis_server::RedisServer;
use serde_json::{Map, Value, json};

const SHARED_REDIS: &str = "redis://127.0.0.1:6379";

/// Runs `{"steps": n, "step_ms": m}`: a step at a time, with progress and a
/// side update after each; the completions (the "side effect" a job body
/// has once it ran to its end) are counted per job id.
#[derive(Clone, Default)]
struct Steps {
    completions: Arc<Mutex<HashMap<String, u32>>>,
    /// Cleared to make this "process" stop renewing leases and taking jobs.
    dead: Arc<AtomicBool>,
}

impl Steps {
    fn completions_of(&self, id: &str) -> u32 {
        self.completions
            .lock()
            .unwrap()
            .get(id)
            .copied()
            .unwrap_or(0)
    }
}

impl JobExecutor for Steps {
    fn run(&self, payload: &str, link: JobLink) -> BoxFuture<'static, JobOutcome> {
        let spec: Value = serde_json::from_str(payload).unwrap_or(Value::Null);
        let steps = spec["steps"].as_u64().unwrap_or(1);
        let step = Duration::from_millis(spec["step_ms"].as_u64().unwrap_or(10));
        let completions = self.completions.clone();
        Box::pin(async move {
            for i in 1..=steps {
                tokio::time::sleep(step).await;
                link.set_progress(vec![json!(i)]);
                let mut props = Map::new();
                props.insert("children".into(), json!(format!("step {i}")));
                link.push_side_update("status".to_owned(), props);
            }
            *completions
                .lock()
                .unwrap()
                .entry(link.id().to_owned())
                .or_default() += 1;
            JobOutcome::Done {
                outputs: CallbackOutputs::Single(json!({"attempt": link.attempt()})),
            }
        })
    }

    fn is_alive(&self) -> bool {
        !self.dead.load(Ordering::SeqCst)
    }
}

fn prefix(test: &str) -> String {
    format!("ferrodash-test:{test}:{}:", uuid_like())
}

fn uuid_like() -> String {
    format!("{:x}", rand_u64())
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(Instant::now())
}

async fn queue(url: &str, prefix: &str, lease_ms: u64) -> (RedisJobQueue, Steps) {
    let queue = RedisJobQueue::connect(url)
        .await
        .expect("Redis answers")
        .with_prefix(prefix)
        .with_lease(Duration::from_millis(lease_ms))
        .with_max_attempts(3);
    let steps = Steps::default();
    queue.attach(Arc::new(steps.clone())).unwrap();
    (queue, steps)
}

fn job(steps: u64, step_ms: u64, timeout: Duration) -> Job {
    Job::new(
        "steps",
        json!({"steps": steps, "step_ms": step_ms}).to_string(),
        Duration::from_millis(100),
        timeout,
    )
}

/// Polls `id` through `queue` until it ends, collecting what the page saw.
async fn poll_to_end(queue: &RedisJobQueue, id: &str, limit: Duration) -> (JobPoll, Vec<Value>) {
    let deadline = Instant::now() + limit;
    let mut progress = Vec::new();
    loop {
        let poll = queue.poll(id).await.expect("Redis answers");
        match poll {
            JobPoll::Running {
                progress: p,
                side_updates,
            } => {
                progress.extend(p.into_iter().flatten());
                assert!(side_updates.iter().all(|(id, _)| id == "status"));
            }
            ended => return (ended, progress),
        }
        assert!(
            Instant::now() < deadline,
            "job {id} did not end in {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_started_through_one_process_are_polled_through_another() {
    let prefix = prefix("two");
    let (a, run_a) = queue(SHARED_REDIS, &prefix, 2_000).await;
    let (b, run_b) = queue(SHARED_REDIS, &prefix, 2_000).await;
    let jobs: Vec<Job> = (0..20)
        .map(|_| job(3, 20, Duration::from_secs(20)))
        .collect();
    for job in &jobs {
        a.start(job.clone()).await.unwrap();
    }
    for job in &jobs {
        let (end, progress) = poll_to_end(&b, &job.id, Duration::from_secs(20)).await;
        match end {
            JobPoll::Finished { outcome, .. } => assert_eq!(
                outcome,
                JobOutcome::Done {
                    outputs: CallbackOutputs::Single(json!({"attempt": 1}))
                }
            ),
            other => panic!("job {} ended as {other:?}", job.id),
        }
        // The last step's progress always reaches the page before the result.
        assert_eq!(progress.last(), Some(&json!(3)), "{progress:?}");
        assert_eq!(b.poll(&job.id).await.unwrap(), JobPoll::Unknown);
        assert_eq!(
            run_a.completions_of(&job.id) + run_b.completions_of(&job.id),
            1
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_whose_worker_stops_is_taken_over_and_completes_once() {
    let prefix = prefix("takeover");
    let (a, run_a) = queue(SHARED_REDIS, &prefix, 600).await;
    let job = job(10, 100, Duration::from_secs(30));
    a.start(job.clone()).await.unwrap();
    // Only A runs (B is not there yet); once it has, its app goes away:
    // its worker stops renewing the lease and stops the job's body.
    let wait = Instant::now();
    while a.active() == 0 {
        assert!(
            wait.elapsed() < Duration::from_secs(5),
            "A never took the job"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    run_a.dead.store(true, Ordering::SeqCst);
    let (b, run_b) = queue(SHARED_REDIS, &prefix, 600).await;
    let (end, _) = poll_to_end(&b, &job.id, Duration::from_secs(30)).await;
    assert_eq!(
        end,
        JobPoll::Finished {
            outcome: JobOutcome::Done {
                outputs: CallbackOutputs::Single(json!({"attempt": 2}))
            },
            side_updates: end_side_updates(&end),
        }
    );
    assert_eq!(run_b.completions_of(&job.id), 1);
    // A's own run was stopped before it could complete.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(run_a.completions_of(&job.id), 0);
}

fn end_side_updates(poll: &JobPoll) -> Vec<ferrodash_jobs::PropsUpdate> {
    match poll {
        JobPoll::Finished { side_updates, .. } => side_updates.clone(),
        _ => Vec::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_is_given_up_after_its_attempts() {
    let prefix = prefix("attempts");
    let url = SHARED_REDIS;
    let queue_of = |lease| {
        let prefix = prefix.clone();
        async move {
            let queue = RedisJobQueue::connect(url)
                .await
                .unwrap()
                .with_prefix(prefix)
                .with_lease(Duration::from_millis(lease))
                .with_max_attempts(1);
            let steps = Steps::default();
            queue.attach(Arc::new(steps.clone())).unwrap();
            (queue, steps)
        }
    };
    let (a, run_a) = queue_of(400).await;
    let job = job(50, 100, Duration::from_secs(30));
    a.start(job.clone()).await.unwrap();
    while a.active() == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    run_a.dead.store(true, Ordering::SeqCst);
    let (b, _) = queue_of(400).await;
    let (end, _) = poll_to_end(&b, &job.id, Duration::from_secs(10)).await;
    match end {
        JobPoll::Finished {
            outcome: JobOutcome::Failed { message },
            ..
        } => assert!(message.contains("given up after 1 attempts"), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_through_one_process_stops_a_job_another_runs() {
    let prefix = prefix("cancel");
    let (a, run_a) = queue(SHARED_REDIS, &prefix, 2_000).await;
    let job = job(40, 50, Duration::from_secs(30));
    a.start(job.clone()).await.unwrap();
    while a.active() == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // B only serves: its own worker takes no part.
    let b = RedisJobQueue::connect(SHARED_REDIS)
        .await
        .unwrap()
        .with_prefix(prefix.clone());
    b.cancel(&job.id).await.unwrap();
    assert_eq!(b.poll(&job.id).await.unwrap(), JobPoll::Cancelled);
    let stopped = Instant::now();
    while a.active() > 0 {
        assert!(
            stopped.elapsed() < Duration::from_secs(3),
            "A still runs the cancelled job"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(run_a.completions_of(&job.id), 0);
    assert_eq!(a.poll(&job.id).await.unwrap(), JobPoll::Cancelled);
    // Cancelling again, or an unknown job, changes nothing.
    b.cancel(&job.id).await.unwrap();
    b.cancel("no-such-job").await.unwrap();
    assert_eq!(b.poll("no-such-job").await.unwrap(), JobPoll::Unknown);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_expires_after_its_timeout_counted_from_its_start() {
    let prefix = prefix("expire");
    let (a, run_a) = queue(SHARED_REDIS, &prefix, 2_000).await;
    let job = job(20, 100, Duration::from_millis(500));
    a.start(job.clone()).await.unwrap();
    let (end, _) = poll_to_end(&a, &job.id, Duration::from_secs(10)).await;
    assert!(
        matches!(
            end,
            JobPoll::Finished {
                outcome: JobOutcome::Expired { timeout_ms: 500 },
                ..
            }
        ),
        "{end:?}"
    );
    assert_eq!(run_a.completions_of(&job.id), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_redis_gives_clear_errors_and_work_resumes_when_it_returns() {
    let mut redis = RedisServer::start().await.expect("redis-server starts");
    let (a, run_a) = queue(&redis.url(), "outage:", 1_000).await;
    let before = job(1, 10, Duration::from_secs(10));
    a.start(before.clone()).await.unwrap();
    let (end, _) = poll_to_end(&a, &before.id, Duration::from_secs(10)).await;
    assert!(matches!(end, JobPoll::Finished { .. }), "{end:?}");

    redis.stop().await.unwrap();
    let down = job(1, 10, Duration::from_secs(10));
    for result in [
        a.start(down.clone()).await,
        a.poll(&down.id).await.map(|_| ()),
        a.cancel(&down.id).await,
    ] {
        let error = result.expect_err("Redis is down");
        assert!(matches!(error, JobError::Unavailable { .. }), "{error:?}");
        assert!(error.to_string().contains("unavailable"), "{error}");
    }

    redis.restart().await.unwrap();
    // The connection comes back by itself; the workers recreate the group.
    let after = job(2, 10, Duration::from_secs(10));
    let started = Instant::now();
    loop {
        match a.start(after.clone()).await {
            Ok(()) => break,
            Err(e) => assert!(
                started.elapsed() < Duration::from_secs(10),
                "Redis is back but starting fails: {e}"
            ),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (end, _) = poll_to_end(&a, &after.id, Duration::from_secs(15)).await;
    assert!(matches!(end, JobPoll::Finished { .. }), "{end:?}");
    assert_eq!(run_a.completions_of(&after.id), 1);
}

#[tokio::test]
async fn a_queue_without_redis_fails_to_connect_with_a_clear_error() {
    let error = RedisJobQueue::connect("redis://127.0.0.1:1")
        .await
        .expect_err("nothing listens on port 1");
    assert!(
        error
            .to_string()
            .starts_with("the job queue (redis) is unavailable"),
        "{error}"
    );
}

/// One user's jobs not ended are capped across every process, and a job
/// that ends (done or cancelled) frees its place; other users and jobs
/// without a user are not counted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_users_jobs_are_capped_across_processes() {
    let prefix = prefix("quota");
    let (a, _) = queue(SHARED_REDIS, &prefix, 2_000).await;
    let (b, _) = queue(SHARED_REDIS, &prefix, 2_000).await;
    let (a, b) = (a.with_limits(100, 2), b.with_limits(100, 2));
    let long = || job(100, 100, Duration::from_secs(30));
    let first = long().with_owner("ada");
    a.start(first.clone()).await.unwrap();
    b.start(long().with_owner("ada")).await.unwrap();
    // The third through either process is refused.
    for queue in [&a, &b] {
        let refused = queue.start(long().with_owner("ada")).await.unwrap_err();
        assert!(
            matches!(refused, JobError::QuotaExceeded { limit: 2 }),
            "{refused}"
        );
    }
    b.start(long().with_owner("bob")).await.unwrap();
    b.start(long()).await.unwrap();
    // A cancelled job frees its place at once.
    b.cancel(&first.id).await.unwrap();
    a.start(long().with_owner("ada")).await.unwrap();
    // A job that ran to its end frees it too.
    let prefix = self::prefix("quota-done");
    let (c, _) = queue(SHARED_REDIS, &prefix, 2_000).await;
    let c = c.with_limits(100, 1);
    let short = job(1, 10, Duration::from_secs(30)).with_owner("ada");
    c.start(short.clone()).await.unwrap();
    assert!(matches!(
        c.start(long().with_owner("ada")).await,
        Err(JobError::QuotaExceeded { limit: 1 })
    ));
    let (end, _) = poll_to_end(&c, &short.id, Duration::from_secs(20)).await;
    assert!(matches!(end, JobPoll::Finished { .. }), "{end:?}");
    c.start(long().with_owner("ada")).await.unwrap();
    for queue in [&a, &b, &c] {
        queue.stop_taking();
    }
}

/// A user's place is given back when the job's deadline passes, even if
/// its record vanished without ending (flushed, say).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_users_place_comes_back_at_the_jobs_deadline() {
    let prefix = prefix("quota-deadline");
    let (a, _) = queue(SHARED_REDIS, &prefix, 2_000).await;
    a.stop_taking();
    let a = a.with_limits(100, 1);
    let lost = job(1, 10, Duration::from_millis(400)).with_owner("ada");
    a.start(lost.clone()).await.unwrap();
    let client = redis::Client::open(SHARED_REDIS).unwrap();
    let mut connection = client.get_multiplexed_async_connection().await.unwrap();
    let _: i64 = redis::cmd("DEL")
        .arg(format!("{prefix}job:{}", lost.id))
        .query_async(&mut connection)
        .await
        .unwrap();
    assert!(matches!(
        a.start(job(1, 10, Duration::from_secs(5)).with_owner("ada"))
            .await,
        Err(JobError::QuotaExceeded { .. })
    ));
    tokio::time::sleep(Duration::from_millis(500)).await;
    a.start(job(1, 10, Duration::from_secs(5)).with_owner("ada"))
        .await
        .unwrap();
}

/// The queue holds at most `max_jobs` jobs not ended, whoever started them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shared_queue_is_capped() {
    let prefix = prefix("full");
    let (a, _) = queue(SHARED_REDIS, &prefix, 2_000).await;
    // Nobody takes jobs: they stay waiting.
    a.stop_taking();
    let a = a.with_limits(3, 8);
    for _ in 0..3 {
        a.start(job(1, 10, Duration::from_secs(30))).await.unwrap();
    }
    let refused = a
        .start(job(1, 10, Duration::from_secs(30)))
        .await
        .unwrap_err();
    assert!(matches!(refused, JobError::Full { limit: 3 }), "{refused}");
}

/// A process told to stop taking jobs runs none of those started after,
/// and another process of the app runs them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopping_process_leaves_new_jobs_to_the_others() {
    let prefix = prefix("drain");
    let (a, run_a) = queue(SHARED_REDIS, &prefix, 600).await;
    let running = job(5, 100, Duration::from_secs(30));
    a.start(running.clone()).await.unwrap();
    // Wait until a runs it, then stop taking.
    let deadline = Instant::now() + Duration::from_secs(10);
    while a.running() == 0 {
        assert!(Instant::now() < deadline, "a never took the job");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    a.stop_taking();
    // Let a's reader see the flag (it blocks at most its block time).
    tokio::time::sleep(Duration::from_millis(400)).await;
    let later: Vec<Job> = (0..4)
        .map(|_| job(1, 10, Duration::from_secs(30)))
        .collect();
    for job in &later {
        a.start(job.clone()).await.unwrap();
    }
    // The job a was running still ends there.
    let (end, _) = poll_to_end(&a, &running.id, Duration::from_secs(20)).await;
    assert!(matches!(end, JobPoll::Finished { .. }), "{end:?}");
    assert_eq!(run_a.completions_of(&running.id), 1);
    // Nothing new ran in a; b, started now, runs them all.
    tokio::time::sleep(Duration::from_millis(300)).await;
    for job in &later {
        assert_eq!(run_a.completions_of(&job.id), 0);
        assert_eq!(
            a.poll(&job.id).await.unwrap(),
            JobPoll::Running {
                progress: None,
                side_updates: Vec::new()
            }
        );
    }
    let (b, run_b) = queue(SHARED_REDIS, &prefix, 600).await;
    for job in &later {
        let (end, _) = poll_to_end(&b, &job.id, Duration::from_secs(20)).await;
        assert!(matches!(end, JobPoll::Finished { .. }), "{end:?}");
        assert_eq!(run_a.completions_of(&job.id), 0);
        assert_eq!(run_b.completions_of(&job.id), 1);
    }
    b.stop_taking();
}
