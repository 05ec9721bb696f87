//! A process's workers: the reader takes new jobs from the stream and
//! takes over jobs whose worker died; the ticker hands progress to Redis
//! and renews the leases of the jobs this process runs.

use std::sync::Arc;
use std::time::{Duration, Instant};

use redis::AsyncConnectionConfig;
use redis::aio::MultiplexedConnection;
use redis::streams::{StreamAutoClaimReply, StreamReadReply};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{RedisJobQueue, Running, Settings, scripts};
use crate::job::{JobOutcome, PropsUpdate};
use crate::link::JobLink;
use crate::queue::{JobExecutor, run_attempt};

/// What a process's worker tasks share.
struct Worker {
    queue: RedisJobQueue,
    permits: Arc<Semaphore>,
}

/// Starts the worker tasks of `queue` on its runtime.
pub(super) fn spawn(queue: &RedisJobQueue) {
    let worker = Arc::new(Worker {
        queue: queue.clone(),
        permits: Arc::new(Semaphore::new(queue.settings.concurrency)),
    });
    queue.runtime.spawn(read(worker.clone()));
    queue.runtime.spawn(tick(worker));
}

/// Logs a Redis failure once per outage, and its end.
#[derive(Debug, Default)]
struct Outage(bool);

impl Outage {
    fn failed(&mut self, what: &str, error: &redis::RedisError) {
        if !self.0 {
            tracing::warn!(%error, "job queue: {what} failed; retrying until Redis answers");
        }
        self.0 = true;
    }

    fn ok(&mut self, what: &str) {
        if self.0 {
            tracing::info!("job queue: {what} works again");
        }
        self.0 = false;
    }
}

impl Worker {
    fn executor(&self) -> Option<Arc<dyn JobExecutor>> {
        self.queue
            .local
            .executor
            .get()
            .filter(|e| e.is_alive())
            .cloned()
    }

    /// At least one free slot (waiting for it), and up to 15 more: a
    /// process asks for no more jobs than it can start at once, so jobs
    /// spread over the processes that have room.
    async fn slots(&self) -> Vec<OwnedSemaphorePermit> {
        let Ok(first) = self.permits.clone().acquire_owned().await else {
            return Vec::new();
        };
        let mut slots = vec![first];
        while slots.len() < 16 {
            match self.permits.clone().try_acquire_owned() {
                Ok(permit) => slots.push(permit),
                Err(_) => break,
            }
        }
        slots
    }

    /// Creates the consumer group (and the stream) if they are missing.
    async fn ensure_group(&self, connection: &mut MultiplexedConnection) {
        let created: Result<(), redis::RedisError> = redis::cmd("XGROUP")
            .arg("CREATE")
            .arg(&self.queue.keys.stream)
            .arg(self.queue.keys.group)
            .arg("0")
            .arg("MKSTREAM")
            .query_async(connection)
            .await;
        if let Err(e) = created
            && e.code() != Some("BUSYGROUP")
        {
            tracing::warn!(error = %e, "job queue: could not create the consumer group");
        }
    }

    /// Claims a job delivered to this process and, if it is this process's
    /// to run, runs it in the slot `permit` holds.
    async fn take(self: Arc<Self>, message: String, job_id: String, permit: OwnedSemaphorePermit) {
        let keys = &self.queue.keys;
        let mut connection = self.queue.connection.clone();
        let claim: Result<Vec<String>, _> = scripts::CLAIM
            .key(keys.record(&job_id))
            .key(keys.side(&job_id))
            .key(&keys.stream)
            .arg(keys.group)
            .arg(&self.queue.consumer)
            .arg(&message)
            .arg(Settings::millis(self.queue.settings.lease))
            .arg(self.queue.keep_ms())
            .invoke_async(&mut connection)
            .await;
        let claim = match claim {
            Ok(claim) => claim,
            Err(error) => {
                // The entry stays pending: a reaper takes it later.
                tracing::warn!(%error, job = %job_id, "job queue: could not claim a job");
                return;
            }
        };
        match claim.first().map(String::as_str) {
            Some("run") => {}
            Some("ended") => {
                let state = claim.get(1).map_or("unknown", String::as_str);
                if state != "unknown" {
                    tracing::debug!(job = %job_id, state, "job queue: a delivered job had ended");
                }
                return;
            }
            _ => return,
        }
        let number = |i: usize| -> u64 { claim.get(i).and_then(|v| v.parse().ok()).unwrap_or(0) };
        let payload = claim.get(1).cloned().unwrap_or_default();
        let remaining = Duration::from_millis(number(2));
        let attempt = u32::try_from(number(3)).unwrap_or(u32::MAX);
        let timeout = Duration::from_millis(number(4));
        let Some(executor) = self.executor() else {
            return;
        };
        if attempt > 1 {
            tracing::info!(job = %job_id, attempt, "job queue: taking over a job whose worker stopped");
        }
        let link = JobLink::new(job_id.clone(), attempt);
        let task = {
            let link = link.clone();
            self.queue.runtime.spawn(async move {
                run_attempt(executor.as_ref(), &payload, link, remaining, timeout).await
            })
        };
        self.queue.local.running().insert(
            job_id.clone(),
            Running {
                link: link.clone(),
                abort: Some(task.abort_handle()),
            },
        );
        let outcome = match task.await {
            Ok(outcome) => Some(outcome),
            Err(e) if e.is_panic() => Some(JobOutcome::failed("the job panicked")),
            // Aborted: cancelled, taken over, or abandoned.
            Err(_) => None,
        };
        self.queue.local.running().remove(&job_id);
        drop(permit);
        // Recorded only while this worker still holds the job (the script
        // checks): a cancelled or taken-over job's outcome is dropped.
        if let Some(outcome) = outcome {
            self.finish(&job_id, &link, &outcome).await;
        }
    }

    /// Entries idle for a whole lease: delivered to a worker that stopped
    /// renewing them (it died) or never claimed them. Taken over by this
    /// process; `CLAIM` then decides whether they run.
    async fn reclaim(
        &self,
        connection: &mut MultiplexedConnection,
        count: usize,
    ) -> Result<Vec<(String, String)>, redis::RedisError> {
        let keys = &self.queue.keys;
        let reply: StreamAutoClaimReply = redis::cmd("XAUTOCLAIM")
            .arg(&keys.stream)
            .arg(keys.group)
            .arg(&self.queue.consumer)
            .arg(Settings::millis(self.queue.settings.lease))
            .arg("0-0")
            .arg("COUNT")
            .arg(count)
            .query_async(connection)
            .await?;
        Ok(reply
            .claimed
            .into_iter()
            .filter_map(|entry| entry.get::<String>("job").map(|job| (entry.id, job)))
            .collect())
    }

    /// Records how a job ended, trying again while Redis does not answer
    /// (up to the lease: past it the job is another worker's).
    async fn finish(&self, job_id: &str, link: &JobLink, outcome: &JobOutcome) {
        let keys = &self.queue.keys;
        let progress = link
            .take_progress()
            .map(|p| serde_json::to_string(&p).unwrap_or_default())
            .unwrap_or_default();
        let side = encode_side(link.take_side_updates());
        let outcome_text = serde_json::to_string(outcome).unwrap_or_default();
        let deadline = Instant::now() + self.queue.settings.lease;
        let mut outage = Outage::default();
        loop {
            let mut connection = self.queue.connection.clone();
            let mut call = scripts::FINISH.key(keys.record(job_id));
            call.key(keys.side(job_id))
                .key(&keys.stream)
                .arg(keys.group)
                .arg(&self.queue.consumer)
                .arg(outcome.state().as_str())
                .arg(&outcome_text)
                .arg(self.queue.keep_ms())
                .arg(&progress);
            for update in &side {
                call.arg(update);
            }
            match call.invoke_async::<i64>(&mut connection).await {
                Ok(1) => return,
                Ok(_) => {
                    tracing::info!(job = %job_id, "job queue: a job ended after it was cancelled, expired or taken over; its outcome is dropped");
                    return;
                }
                Err(error) => {
                    outage.failed("recording a job's outcome", &error);
                    if Instant::now() >= deadline {
                        tracing::error!(job = %job_id, "job queue: a job's outcome could not be recorded within its lease; it will run again");
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
    }

    /// Hands over the progress and side updates of the jobs this process
    /// runs.
    async fn report(&self, connection: &mut redis::aio::ConnectionManager) {
        let pending: Vec<(String, JobLink)> = self
            .queue
            .local
            .running()
            .iter()
            .map(|(id, job)| (id.clone(), job.link.clone()))
            .collect();
        for (job_id, link) in pending {
            let progress = link.take_progress();
            let side = link.take_side_updates();
            if progress.is_none() && side.is_empty() {
                continue;
            }
            let keys = &self.queue.keys;
            let mut call = scripts::REPORT.key(keys.record(&job_id));
            call.key(keys.side(&job_id)).arg(&self.queue.consumer).arg(
                progress
                    .as_ref()
                    .map(|p| serde_json::to_string(p).unwrap_or_default())
                    .unwrap_or_default(),
            );
            for update in encode_side(side.clone()) {
                call.arg(update);
            }
            if let Err(error) = call.invoke_async::<i64>(connection).await {
                tracing::debug!(%error, job = %job_id, "job queue: progress kept for the next try");
                // Put them back for the next tick, unless newer progress came.
                if let Some(progress) = progress
                    && link.take_progress().is_none()
                {
                    link.set_progress(progress);
                }
                let newer = link.take_side_updates();
                for (id, props) in side.into_iter().chain(newer) {
                    link.push_side_update(id, props);
                }
                return;
            }
        }
    }

    /// Renews the leases of the jobs this process runs, and stops those
    /// that are no longer its own. `Err` when Redis did not answer.
    async fn heartbeat(
        &self,
        connection: &mut redis::aio::ConnectionManager,
    ) -> Result<(), redis::RedisError> {
        let ids: Vec<String> = self.queue.local.running().keys().cloned().collect();
        if ids.is_empty() {
            return Ok(());
        }
        let keys = &self.queue.keys;
        let mut call = scripts::HEARTBEAT.key(&keys.stream);
        for id in &ids {
            call.key(keys.record(id));
        }
        call.arg(keys.group)
            .arg(&self.queue.consumer)
            .arg(Settings::millis(self.queue.settings.lease))
            .arg(self.queue.keep_ms());
        let stop: Vec<usize> = call.invoke_async(connection).await?;
        for position in stop {
            if let Some(id) = position.checked_sub(1).and_then(|i| ids.get(i)) {
                tracing::info!(job = %id, "job queue: stopping a job that was cancelled, abandoned or taken over");
                self.queue.local.stop(id);
            }
        }
        Ok(())
    }

    /// Stops every job this process runs: its leases could not be renewed
    /// for a whole lease, so other workers may take them over.
    fn stop_all(&self) {
        let ids: Vec<String> = self.queue.local.running().keys().cloned().collect();
        for id in ids {
            self.queue.local.stop(&id);
        }
    }
}

fn encode_side(updates: Vec<PropsUpdate>) -> Vec<String> {
    updates
        .into_iter()
        .map(|update| serde_json::to_string(&update).unwrap_or_default())
        .collect()
}

/// Takes jobs: new ones from the stream, and, every half lease, those
/// whose worker stopped renewing their lease or died before claiming them.
async fn read(worker: Arc<Worker>) {
    let settings = worker.queue.settings;
    let reap_every = settings.lease / 2;
    let block = settings.block.min(reap_every);
    let config = AsyncConnectionConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(2)))
        .set_response_timeout(Some(block + Duration::from_secs(3)));
    let mut connection: Option<MultiplexedConnection> = None;
    let mut outage = Outage::default();
    let mut last_reap: Option<Instant> = None;
    while worker.executor().is_some() {
        let mut slots = worker.slots().await;
        if worker.queue.local.is_draining() {
            tracing::info!("job queue: the server is stopping; this process takes no more jobs");
            return;
        }
        let reader = match &mut connection {
            Some(reader) => reader,
            None => match worker
                .queue
                .client
                .get_multiplexed_async_connection_with_config(&config)
                .await
            {
                Ok(mut reader) => {
                    worker.ensure_group(&mut reader).await;
                    connection.insert(reader)
                }
                Err(error) => {
                    outage.failed("reading jobs", &error);
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            },
        };
        if last_reap.is_none_or(|at| at.elapsed() >= reap_every) {
            last_reap = Some(Instant::now());
            match worker.reclaim(reader, slots.len()).await {
                Ok(entries) => {
                    for (message, job_id) in entries {
                        let Some(slot) = slots.pop() else { break };
                        tokio::spawn(worker.clone().take(message, job_id, slot));
                    }
                }
                Err(error) if error.code() == Some("NOGROUP") => worker.ensure_group(reader).await,
                Err(error) => {
                    outage.failed("taking over jobs", &error);
                    connection = None;
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            }
            if slots.is_empty() {
                continue;
            }
        }
        let keys = &worker.queue.keys;
        let reply: Result<Option<StreamReadReply>, _> = redis::cmd("XREADGROUP")
            .arg("GROUP")
            .arg(keys.group)
            .arg(&worker.queue.consumer)
            .arg("COUNT")
            .arg(slots.len())
            .arg("BLOCK")
            .arg(Settings::millis(block))
            .arg("STREAMS")
            .arg(&keys.stream)
            .arg(">")
            .query_async(reader)
            .await;
        match reply {
            Ok(reply) => {
                outage.ok("reading jobs");
                if worker.queue.local.is_draining() {
                    // Delivered while the server began to stop: left pending,
                    // another process takes them over once they are idle.
                    continue;
                }
                for entry in reply.into_iter().flat_map(|r| r.keys).flat_map(|k| k.ids) {
                    let (Some(job_id), Some(slot)) = (entry.get::<String>("job"), slots.pop())
                    else {
                        continue;
                    };
                    tokio::spawn(worker.clone().take(entry.id, job_id, slot));
                }
            }
            // Redis lost its data (restarted without persistence, say).
            Err(error) if error.code() == Some("NOGROUP") => worker.ensure_group(reader).await,
            Err(error) => {
                outage.failed("reading jobs", &error);
                connection = None;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// Every 100 ms hands progress to Redis; every heartbeat renews leases.
async fn tick(worker: Arc<Worker>) {
    let settings = worker.queue.settings;
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_beat = Instant::now();
    let mut last_renewed = Instant::now();
    let mut outage = Outage::default();
    let mut connection = worker.queue.connection.clone();
    while worker.executor().is_some() {
        tick.tick().await;
        worker.report(&mut connection).await;
        if last_beat.elapsed() < settings.heartbeat() {
            continue;
        }
        last_beat = Instant::now();
        match worker.heartbeat(&mut connection).await {
            Ok(()) => {
                outage.ok("renewing leases");
                last_renewed = Instant::now();
            }
            Err(error) => {
                outage.failed("renewing leases", &error);
                // Past the lease the jobs may be taken over elsewhere: stop
                // them here, so no job body runs twice at once.
                if last_renewed.elapsed() >= settings.lease {
                    worker.stop_all();
                }
            }
        }
    }
    // The app is gone: its jobs are left to the other processes.
    worker.stop_all();
}
