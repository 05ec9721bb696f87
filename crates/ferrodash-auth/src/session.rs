//! Server-side sessions: a random id in an `HttpOnly` cookie, everything
//! else on the server; a new id at login; idle and absolute timeouts.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::distr::{Alphanumeric, SampleString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A boxed future that can move between threads.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The logged-in user: an id, a name to show, and the groups that grant
/// access to pages, callbacks and data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Principal {
    /// A stable id (the key data is scoped by).
    pub id: String,
    /// The name to show.
    pub name: String,
    /// Groups, like `sales` or `admin`.
    pub groups: Vec<String>,
}

impl Principal {
    /// A user with no groups.
    #[must_use]
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            groups: Vec::new(),
        }
    }

    /// The user with these groups.
    #[must_use]
    pub fn with_groups<S: Into<String>>(mut self, groups: impl IntoIterator<Item = S>) -> Self {
        self.groups = groups.into_iter().map(Into::into).collect();
        self
    }

    /// Whether the user is in `group`.
    #[must_use]
    pub fn in_group(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g == group)
    }
}

/// What the server keeps of one session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionRecord {
    /// Who is logged in, if anyone.
    pub user: Option<Principal>,
    /// When the session started, in ms since the Unix epoch.
    pub created_ms: u64,
    /// When it was last used, in ms since the Unix epoch.
    pub last_seen_ms: u64,
}

/// The session store did not answer (its Redis is down, say): the request
/// cannot tell who is logged in, and is refused with 503 rather than
/// treated as anonymous.
#[derive(Debug, thiserror::Error)]
#[error("the session store is unavailable: {0}")]
pub struct SessionStoreError(pub String);

/// Where sessions are kept, by the SHA-256 of their id (so the store never
/// holds a usable cookie value).
pub trait SessionStore: fmt::Debug + Send + Sync + 'static {
    /// The record under `key`, if any.
    fn load<'a>(
        &'a self,
        key: &'a [u8; 32],
    ) -> BoxFuture<'a, Result<Option<SessionRecord>, SessionStoreError>>;
    /// Stores a new `record` under `key`, to be dropped after `ttl` unused.
    fn save<'a>(
        &'a self,
        key: &'a [u8; 32],
        record: SessionRecord,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), SessionStoreError>>;
    /// Replaces the record under `key` and starts its `ttl` again, only if
    /// a record is still there: a session ended meanwhile (a logout racing
    /// this request) stays ended. Whether it was there.
    fn refresh<'a>(
        &'a self,
        key: &'a [u8; 32],
        record: SessionRecord,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, SessionStoreError>>;
    /// Removes the record under `key`.
    fn delete<'a>(&'a self, key: &'a [u8; 32]) -> BoxFuture<'a, Result<(), SessionStoreError>>;
    /// How many live sessions the store holds, when it can tell cheaply
    /// (for the sessions metric); `None` by default.
    fn count(&self) -> BoxFuture<'_, Option<usize>> {
        Box::pin(async { None })
    }
    /// Whether the store answers (for `/ready`); always by default.
    fn ping(&self) -> BoxFuture<'_, Result<(), SessionStoreError>> {
        Box::pin(async { Ok(()) })
    }
}

/// Sessions in this process's memory (the default; use a shared store when
/// the app runs as several processes).
#[derive(Debug, Default, Clone)]
pub struct MemorySessionStore {
    records: Arc<Mutex<Records>>,
    /// When expired records were last swept out, in ms since the epoch.
    last_sweep_ms: Arc<AtomicU64>,
}

/// How often expired records are swept out (a lookup checks its own
/// record's expiry either way).
const SWEEP_EVERY_MS: u64 = 10_000;

/// Records by key, each with its expiry in ms since the Unix epoch.
type Records = HashMap<[u8; 32], (SessionRecord, u64)>;

impl MemorySessionStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// How many sessions it holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.records
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Whether it holds none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl SessionStore for MemorySessionStore {
    fn load<'a>(
        &'a self,
        key: &'a [u8; 32],
    ) -> BoxFuture<'a, Result<Option<SessionRecord>, SessionStoreError>> {
        Box::pin(async move {
            let mut records = self.records.lock().unwrap_or_else(PoisonError::into_inner);
            let now = now_ms();
            // Sweep out what has outlived its time now and then, not on
            // every request.
            let last = self.last_sweep_ms.load(Ordering::Relaxed);
            if now.saturating_sub(last) >= SWEEP_EVERY_MS {
                self.last_sweep_ms.store(now, Ordering::Relaxed);
                records.retain(|_, (_, expires)| *expires > now);
            }
            Ok(records
                .get(key)
                .filter(|(_, expires)| *expires > now)
                .map(|(record, _)| record.clone()))
        })
    }

    fn save<'a>(
        &'a self,
        key: &'a [u8; 32],
        record: SessionRecord,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), SessionStoreError>> {
        Box::pin(async move {
            let expires = now_ms().saturating_add(millis(ttl));
            self.records
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(*key, (record, expires));
            Ok(())
        })
    }

    fn refresh<'a>(
        &'a self,
        key: &'a [u8; 32],
        record: SessionRecord,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<bool, SessionStoreError>> {
        Box::pin(async move {
            let now = now_ms();
            let mut records = self.records.lock().unwrap_or_else(PoisonError::into_inner);
            Ok(match records.get_mut(key) {
                Some(entry) if entry.1 > now => {
                    *entry = (record, now.saturating_add(millis(ttl)));
                    true
                }
                _ => false,
            })
        })
    }

    fn delete<'a>(&'a self, key: &'a [u8; 32]) -> BoxFuture<'a, Result<(), SessionStoreError>> {
        Box::pin(async move {
            self.records
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(key);
            Ok(())
        })
    }

    fn count(&self) -> BoxFuture<'_, Option<usize>> {
        Box::pin(async move {
            let now = now_ms();
            let records = self.records.lock().unwrap_or_else(PoisonError::into_inner);
            Some(
                records
                    .values()
                    .filter(|(_, expires)| *expires > now)
                    .count(),
            )
        })
    }
}

/// How sessions behave.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionConfig {
    /// The cookie's name (default `ferrodash_session`).
    pub cookie_name: String,
    /// A session unused this long ends (default 30 minutes).
    pub idle_timeout: Duration,
    /// A session ends this long after it started, used or not (default 12
    /// hours).
    pub absolute_timeout: Duration,
    /// Send the cookie over HTTPS only (it is then named with the
    /// `__Host-` prefix: the browser keeps it for this host, path `/`,
    /// HTTPS only, and no other site of the domain can set it).
    pub secure: bool,
    /// A session's last use is written to the store at most this often
    /// (default 60 s, or a tenth of the idle timeout when that is
    /// shorter): a page's burst of requests writes nothing. The idle
    /// timeout counts from the last write, so it may end up to this much
    /// early.
    pub touch_interval: Duration,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            cookie_name: "ferrodash_session".to_owned(),
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
            secure: false,
            touch_interval: Duration::from_secs(60),
        }
    }
}

impl SessionConfig {
    /// With another idle timeout.
    #[must_use]
    pub const fn with_idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// With another absolute timeout.
    #[must_use]
    pub const fn with_absolute_timeout(mut self, timeout: Duration) -> Self {
        self.absolute_timeout = timeout;
        self
    }

    /// With another touch interval (see
    /// [`touch_interval`](Self::touch_interval)).
    #[must_use]
    pub const fn with_touch_interval(mut self, interval: Duration) -> Self {
        self.touch_interval = interval;
        self
    }

    /// The cookie's name as sent: with the `__Host-` prefix when the cookie
    /// is `Secure`.
    #[must_use]
    pub fn cookie_name_sent(&self) -> String {
        if self.secure && !self.cookie_name.starts_with("__Host-") {
            format!("__Host-{}", self.cookie_name)
        } else {
            self.cookie_name.clone()
        }
    }

    /// How often a session's last use is written.
    fn touch_every(&self) -> Duration {
        self.touch_interval.min(self.idle_timeout / 10)
    }

    /// With another cookie name.
    #[must_use]
    pub fn with_cookie_name(mut self, name: impl Into<String>) -> Self {
        self.cookie_name = name.into();
        self
    }

    /// With the cookie sent over HTTPS only, or not.
    #[must_use]
    pub const fn with_secure(mut self, secure: bool) -> Self {
        self.secure = secure;
        self
    }
}

/// A clock in ms since the Unix epoch (tests replace it).
type Clock = Arc<dyn Fn() -> u64 + Send + Sync>;

/// Sessions: ids in cookies, records in a [`SessionStore`].
#[derive(Clone)]
pub struct Sessions {
    store: Arc<dyn SessionStore>,
    config: SessionConfig,
    clock: Clock,
}

impl fmt::Debug for Sessions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sessions")
            .field("store", &self.store)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// A session as a request holds it: its cookie value and record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    id: String,
    /// The record.
    pub record: SessionRecord,
}

impl Session {
    /// The cookie value (secret: never log it).
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Who is logged in, if anyone.
    #[must_use]
    pub const fn user(&self) -> Option<&Principal> {
        self.record.user.as_ref()
    }
}

/// A session id's length: 43 alphanumerics, about 256 bits.
const ID_LEN: usize = 43;

fn key_of(id: &str) -> [u8; 32] {
    Sha256::digest(id.as_bytes()).into()
}

impl Sessions {
    /// Sessions kept in `store`.
    #[must_use]
    pub fn new(store: impl SessionStore, config: SessionConfig) -> Self {
        Self {
            store: Arc::new(store),
            config,
            clock: Arc::new(now_ms),
        }
    }

    /// Sessions in memory with the default configuration.
    #[must_use]
    pub fn in_memory() -> Self {
        Self::new(MemorySessionStore::new(), SessionConfig::default())
    }

    /// The same sessions with another clock (for tests).
    #[must_use]
    pub fn with_clock(mut self, clock: impl Fn() -> u64 + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The same sessions (same store) behaving as `config` says.
    #[must_use]
    pub fn with_config(mut self, config: SessionConfig) -> Self {
        self.config = config;
        self
    }

    /// How sessions behave.
    #[must_use]
    pub const fn config(&self) -> &SessionConfig {
        &self.config
    }

    fn ttl(&self) -> Duration {
        self.config.idle_timeout.min(self.config.absolute_timeout)
    }

    /// The live session of a cookie value; `None` when there is none, or it
    /// outlived a timeout (it is then removed). Its last use is written
    /// back at most once per touch interval, and only while the session
    /// still exists.
    ///
    /// # Errors
    ///
    /// [`SessionStoreError`] when the store does not answer.
    pub async fn load(&self, id: &str) -> Result<Option<Session>, SessionStoreError> {
        if id.len() != ID_LEN || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Ok(None);
        }
        let key = key_of(id);
        let Some(mut record) = self.store.load(&key).await? else {
            return Ok(None);
        };
        let now = (self.clock)();
        let idle = now.saturating_sub(record.last_seen_ms) >= millis(self.config.idle_timeout);
        let old = now.saturating_sub(record.created_ms) >= millis(self.config.absolute_timeout);
        if idle || old {
            self.store.delete(&key).await?;
            return Ok(None);
        }
        if now.saturating_sub(record.last_seen_ms) >= millis(self.config.touch_every()) {
            record.last_seen_ms = now;
            if !self.store.refresh(&key, record.clone(), self.ttl()).await? {
                // Ended while this request read it: a logout won the race.
                return Ok(None);
            }
        }
        Ok(Some(Session {
            id: id.to_owned(),
            record,
        }))
    }

    /// Logs `user` in: the session `previous` (if any) ends and a new one,
    /// with a new id, starts — a session id known before login is worth
    /// nothing after it.
    ///
    /// # Errors
    ///
    /// [`SessionStoreError`] when the store does not answer: nobody is
    /// logged in.
    pub async fn login(
        &self,
        previous: Option<&str>,
        user: Principal,
    ) -> Result<Session, SessionStoreError> {
        if let Some(previous) = previous {
            self.store.delete(&key_of(previous)).await?;
        }
        let id = Alphanumeric.sample_string(&mut rand::rng(), ID_LEN);
        let now = (self.clock)();
        let record = SessionRecord {
            user: Some(user),
            created_ms: now,
            last_seen_ms: now,
        };
        self.store
            .save(&key_of(&id), record.clone(), self.ttl())
            .await?;
        Ok(Session { id, record })
    }

    /// How many live sessions there are, when the store can tell.
    pub async fn count(&self) -> Option<usize> {
        self.store.count().await
    }

    /// Whether the store answers.
    ///
    /// # Errors
    ///
    /// [`SessionStoreError`] when it does not.
    pub async fn ping(&self) -> Result<(), SessionStoreError> {
        self.store.ping().await
    }

    /// Ends the session.
    ///
    /// # Errors
    ///
    /// [`SessionStoreError`] when the store does not answer: the session
    /// may still be live, and the user must be told.
    pub async fn logout(&self, id: &str) -> Result<(), SessionStoreError> {
        self.store.delete(&key_of(id)).await
    }

    /// The `Set-Cookie` value carrying `session`: `HttpOnly` (no script
    /// reads it), `SameSite=Lax`, for the whole site, `Secure` when set up.
    #[must_use]
    pub fn cookie(&self, session: &Session) -> String {
        format!(
            "{}={}; Path=/; HttpOnly; SameSite=Lax{}",
            self.config.cookie_name_sent(),
            session.id,
            if self.config.secure { "; Secure" } else { "" }
        )
    }

    /// A `Set-Cookie` value that removes the session cookie.
    #[must_use]
    pub fn removal_cookie(&self) -> String {
        format!(
            "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
            self.config.cookie_name_sent(),
            if self.config.secure { "; Secure" } else { "" }
        )
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;

    use super::{MemorySessionStore, Principal, SessionConfig, Sessions};

    fn sessions(clock: &Arc<AtomicU64>) -> Sessions {
        let clock = clock.clone();
        Sessions::new(
            MemorySessionStore::new(),
            SessionConfig {
                idle_timeout: Duration::from_secs(60),
                absolute_timeout: Duration::from_secs(600),
                ..SessionConfig::default()
            },
        )
        .with_clock(move || clock.load(Ordering::SeqCst))
    }

    #[tokio::test]
    async fn login_gives_a_new_id_and_ends_the_old_one() {
        let clock = Arc::new(AtomicU64::new(1_000_000));
        let sessions = sessions(&clock);
        let first = sessions
            .login(None, Principal::new("u1", "Ada"))
            .await
            .unwrap();
        assert!(sessions.load(first.id()).await.unwrap().is_some());
        // Logging in again (or after an anonymous session) rotates the id.
        let second = sessions
            .login(Some(first.id()), Principal::new("u1", "Ada"))
            .await
            .unwrap();
        assert_ne!(first.id(), second.id());
        assert!(
            sessions.load(first.id()).await.unwrap().is_none(),
            "the old id is dead"
        );
        assert_eq!(
            sessions
                .load(second.id())
                .await
                .unwrap()
                .unwrap()
                .user()
                .unwrap()
                .name,
            "Ada"
        );
        sessions.logout(second.id()).await.unwrap();
        assert!(sessions.load(second.id()).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn idle_and_absolute_timeouts() {
        let clock = Arc::new(AtomicU64::new(1_000_000));
        let sessions = sessions(&clock);
        let session = sessions
            .login(None, Principal::new("u1", "Ada"))
            .await
            .unwrap();
        // Used every 50 s: alive past the idle timeout of 60 s...
        for _ in 0..11 {
            clock.fetch_add(50_000, Ordering::SeqCst);
            assert!(sessions.load(session.id()).await.unwrap().is_some());
        }
        // ...until the absolute timeout of 600 s.
        clock.fetch_add(50_000, Ordering::SeqCst);
        assert!(sessions.load(session.id()).await.unwrap().is_none());

        let idle = sessions
            .login(None, Principal::new("u2", "Bob"))
            .await
            .unwrap();
        clock.fetch_add(61_000, Ordering::SeqCst);
        assert!(
            sessions.load(idle.id()).await.unwrap().is_none(),
            "idle for 61 s"
        );
    }

    #[tokio::test]
    async fn garbage_ids_find_nothing_and_cookies_are_http_only() {
        let sessions = Sessions::in_memory();
        for id in [
            "",
            "x",
            &"a".repeat(43),
            &"é".repeat(20),
            &"a".repeat(10_000),
        ] {
            assert!(sessions.load(id).await.unwrap().is_none());
        }
        let session = sessions
            .login(None, Principal::new("u", "U"))
            .await
            .unwrap();
        let cookie = sessions.cookie(&session);
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
        assert!(sessions.removal_cookie().contains("Max-Age=0"));
    }

    #[test]
    fn groups() {
        let p = Principal::new("u", "U").with_groups(["sales"]);
        assert!(p.in_group("sales"));
        assert!(!p.in_group("admin"));
    }
}
