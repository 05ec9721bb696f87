//! Time, behind a trait: the system clock in the app, a clock the test
//! moves by hand in the schedule's tests.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};

use jiff::Timestamp;
use tokio::sync::watch;

/// What the scheduler and the ingestion runs ask of time.
pub trait Clock: Send + Sync + std::fmt::Debug + 'static {
    /// The current instant.
    fn now(&self) -> Timestamp;

    /// Waits until the clock reads `at` or later.
    fn sleep_until(&self, at: Timestamp) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
}

/// Milliseconds since the Unix epoch.
pub fn unix_ms(at: Timestamp) -> i64 {
    at.as_millisecond()
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }

    fn sleep_until(&self, at: Timestamp) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(async move {
            // Sleep in steps of at most a minute, so a clock change (NTP, a
            // suspended machine) is noticed within one.
            loop {
                let left = at.duration_since(Timestamp::now());
                if left.is_negative() || left.is_zero() {
                    return;
                }
                let step = left.unsigned_abs().min(std::time::Duration::from_secs(60));
                tokio::time::sleep(step).await;
            }
        })
    }
}

/// A clock that moves only when told: [`ManualClock::set`].
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<Timestamp>>,
    moved: watch::Sender<Timestamp>,
}

impl ManualClock {
    /// A clock reading `start`.
    #[must_use]
    pub fn new(start: Timestamp) -> Self {
        Self {
            now: Arc::new(Mutex::new(start)),
            moved: watch::Sender::new(start),
        }
    }

    /// Moves the clock to `at` and wakes every sleeper whose time has come.
    pub fn set(&self, at: Timestamp) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) = at;
        self.moved.send_replace(at);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn sleep_until(&self, at: Timestamp) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        let mut moved = self.moved.subscribe();
        Box::pin(async move {
            // `wait_for` checks the current value first, then each change.
            let _ = moved.wait_for(|now| *now >= at).await;
        })
    }
}
