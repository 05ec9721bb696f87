//! Users with passwords in the app's own database: Argon2id hashes, never
//! the passwords themselves.

use std::fmt;

use argon2::{Argon2, PasswordHasher};
use ferrodash_data::{Bind, DataError, Query};
use serde::Deserialize;

use crate::Principal;

/// The table users live in (created when missing).
const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS ferrodash_users (
    name VARCHAR(100) NOT NULL PRIMARY KEY,
    display_name VARCHAR(200) NOT NULL,
    password_hash VARCHAR(200) NOT NULL,
    user_groups VARCHAR(2000) NOT NULL
)";

/// A real hash of a password nobody has, checked for unknown names so they
/// take as long as known ones: response times do not tell which exist.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash("no user has this password").unwrap_or_default())
}

/// Why a user could not be added or changed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UserError {
    /// The database failed.
    #[error(transparent)]
    Data(#[from] DataError),
    /// No user has this name.
    #[error("no user is named `{0}`")]
    Unknown(String),
    /// A user with this name exists already.
    #[error("a user named `{0}` exists already")]
    Exists(String),
    /// The password is too short or too long.
    #[error("the password must have 12 to 1024 characters")]
    WeakPassword,
    /// The name is empty, too long or has characters other than letters,
    /// digits and `.`, `_`, `-`, `@`.
    #[error("a user name has 1 to 100 letters, digits, `.`, `_`, `-` or `@`")]
    BadName,
    /// Hashing failed (it does not, with valid parameters).
    #[error("the password could not be hashed")]
    Hash,
}

/// The users of an app, in a table of its database.
#[derive(Clone)]
pub struct Users {
    bind: Bind,
}

impl fmt::Debug for Users {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Users")
            .field("bind", &self.bind.name())
            .finish()
    }
}

#[derive(Debug, Deserialize)]
struct Row {
    name: String,
    display_name: String,
    password_hash: String,
    user_groups: String,
}

/// Runs a password hash on the blocking pool: Argon2 takes a core for tens
/// of milliseconds, which an async worker thread must not spend.
async fn off_the_runtime<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, UserError> + Send + 'static,
) -> Result<T, UserError> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or(Err(UserError::Hash))
}

/// [`hash`] on the blocking pool.
async fn hash_off_the_runtime(password: &str) -> Result<String, UserError> {
    let password = password.to_owned();
    off_the_runtime(move || hash(&password)).await
}

fn hash(password: &str) -> Result<String, UserError> {
    let salt: [u8; 16] = rand::random();
    Argon2::default()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| UserError::Hash)
}

fn check_name(name: &str) -> Result<(), UserError> {
    let ok = !name.is_empty()
        && name.len() <= 100
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok { Ok(()) } else { Err(UserError::BadName) }
}

fn check_password(password: &str) -> Result<(), UserError> {
    let n = password.chars().count();
    if (12..=1024).contains(&n) {
        Ok(())
    } else {
        Err(UserError::WeakPassword)
    }
}

impl Users {
    /// The users kept in `bind`'s database (the table is created when
    /// missing).
    ///
    /// # Errors
    ///
    /// [`UserError::Data`] when the database fails.
    pub async fn open(bind: Bind) -> Result<Self, UserError> {
        bind.execute_script("ferrodash_users schema", SCHEMA)
            .await?;
        bind.execute_script("ferrodash_api_tokens schema", crate::tokens::SCHEMA)
            .await?;
        Ok(Self { bind })
    }

    /// The database the users are in.
    pub(crate) const fn bind(&self) -> &Bind {
        &self.bind
    }

    async fn row(&self, name: &str) -> Result<Option<Row>, UserError> {
        Ok(self
            .bind
            .run(Query::inline(
                "user by name",
                "SELECT name, display_name, password_hash, user_groups \
                 FROM ferrodash_users WHERE name = :name",
            ))
            .params(&params(&[("name", name)]))
            .fetch_optional()
            .await?)
    }

    /// Adds a user.
    ///
    /// # Errors
    ///
    /// [`UserError`] for a bad name, a weak password, a taken name or a
    /// failing database.
    pub async fn add(
        &self,
        name: &str,
        display_name: &str,
        password: &str,
        groups: &[&str],
    ) -> Result<(), UserError> {
        check_name(name)?;
        check_password(password)?;
        if self.row(name).await?.is_some() {
            return Err(UserError::Exists(name.to_owned()));
        }
        let hash = hash_off_the_runtime(password).await?;
        self.bind
            .run(Query::inline(
                "add user",
                "INSERT INTO ferrodash_users (name, display_name, password_hash, user_groups) \
                 VALUES (:name, :display_name, :password_hash, :user_groups)",
            ))
            .params(&params(&[
                ("name", name),
                ("display_name", display_name),
                ("password_hash", &hash),
                ("user_groups", &groups.join(",")),
            ]))
            .execute()
            .await?;
        Ok(())
    }

    /// Sets a new password.
    ///
    /// # Errors
    ///
    /// [`UserError`] for an unknown user, a weak password or a failing
    /// database.
    pub async fn set_password(&self, name: &str, password: &str) -> Result<(), UserError> {
        check_password(password)?;
        let hash = hash_off_the_runtime(password).await?;
        let changed = self
            .bind
            .run(Query::inline(
                "set password",
                "UPDATE ferrodash_users SET password_hash = :password_hash WHERE name = :name",
            ))
            .params(&params(&[("name", name), ("password_hash", &hash)]))
            .execute()
            .await?;
        if changed == 0 {
            return Err(UserError::Unknown(name.to_owned()));
        }
        Ok(())
    }

    /// The user, when `password` is theirs; `None` for an unknown name or
    /// a wrong password (which take about the same time).
    ///
    /// # Errors
    ///
    /// [`UserError::Data`] when the database fails.
    pub async fn verify(&self, name: &str, password: &str) -> Result<Option<Principal>, UserError> {
        let row = if check_name(name).is_ok() {
            self.row(name).await?
        } else {
            None
        };
        let stored = row
            .as_ref()
            .map_or_else(|| dummy_hash().to_owned(), |r| r.password_hash.clone());
        let password = password.to_owned();
        let matches = off_the_runtime(move || {
            Ok(password.len() <= 4096
                && crate::password_check::verify(password.as_bytes(), &stored))
        })
        .await?;
        Ok(match row {
            Some(row) if matches => {
                Some(principal_of(row.name, row.display_name, &row.user_groups))
            }
            _ => None,
        })
    }

    /// Every user's name, in order.
    ///
    /// # Errors
    ///
    /// [`UserError::Data`] when the database fails.
    pub async fn names(&self) -> Result<Vec<String>, UserError> {
        Ok(self
            .bind
            .run(Query::inline(
                "user names",
                "SELECT name FROM ferrodash_users ORDER BY name",
            ))
            .fetch()
            .await?)
    }
}

/// The user of a row: the groups are stored comma-separated.
pub(crate) fn principal_of(name: String, display_name: String, groups: &str) -> Principal {
    Principal::new(name, display_name).with_groups(
        groups
            .split(',')
            .filter(|g| !g.is_empty())
            .map(str::to_owned),
    )
}

/// Named parameter values as a map.
pub(crate) fn params<'a>(
    pairs: &[(&'a str, &'a str)],
) -> std::collections::BTreeMap<&'a str, &'a str> {
    pairs.iter().copied().collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use ferrodash_data::{Bind, BindConfig};

    use super::{UserError, Users};

    /// Users in a new SQLite file, and the file (to remove at the end).
    pub(crate) async fn users() -> (Users, std::path::PathBuf) {
        let file = std::env::temp_dir().join(format!(
            "ferrodash-users-test-{}-{}.db",
            std::process::id(),
            rand::random::<u32>()
        ));
        let bind = Bind::connect(
            "app",
            &format!("sqlite://{}", file.display()),
            BindConfig::default(),
        )
        .await
        .unwrap();
        (Users::open(bind).await.unwrap(), file)
    }

    #[tokio::test]
    async fn passwords_are_hashed_and_verified() {
        let (users, file) = users().await;
        users
            .add(
                "ada",
                "Ada Lovelace",
                "correct horse battery",
                &["sales", "admin"],
            )
            .await
            .unwrap();
        let ada = users
            .verify("ada", "correct horse battery")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(ada.name, "Ada Lovelace");
        assert!(ada.in_group("sales") && ada.in_group("admin"));
        assert!(
            users
                .verify("ada", "wrong horse battery")
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            users
                .verify("bob", "correct horse battery")
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            users
                .verify("x' OR '1'='1", "anything at all")
                .await
                .unwrap()
                .is_none()
        );
        // The table holds an Argon2id hash, not the password.
        let stored: String = users
            .bind
            .run(ferrodash_data::Query::inline(
                "h",
                "SELECT password_hash FROM ferrodash_users",
            ))
            .fetch_one()
            .await
            .unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(!stored.contains("horse"));

        users
            .set_password("ada", "a brand new passphrase")
            .await
            .unwrap();
        assert!(
            users
                .verify("ada", "correct horse battery")
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            users
                .verify("ada", "a brand new passphrase")
                .await
                .unwrap()
                .is_some()
        );
        let _ = std::fs::remove_file(file);
    }

    /// Argon2 runs on the blocking pool: on a runtime with one thread,
    /// another task keeps running while passwords are checked.
    #[tokio::test(flavor = "current_thread")]
    async fn password_checks_leave_the_async_thread_free() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
        use std::time::{Duration, Instant};
        let (users, file) = users().await;
        users
            .add("ada", "Ada", "correct horse battery", &[])
            .await
            .unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let longest_gap_us = Arc::new(AtomicU64::new(0));
        let ticker = tokio::spawn({
            let (stop, longest) = (Arc::clone(&stop), Arc::clone(&longest_gap_us));
            async move {
                let mut last = Instant::now();
                while !stop.load(Ordering::Relaxed) {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                    let gap = u64::try_from(last.elapsed().as_micros()).unwrap_or(u64::MAX);
                    longest.fetch_max(gap, Ordering::Relaxed);
                    last = Instant::now();
                }
            }
        });
        tokio::task::yield_now().await;
        let mut shortest_check = Duration::MAX;
        for password in ["wrong horse battery", "correct horse battery"] {
            let started = Instant::now();
            users.verify("ada", password).await.unwrap();
            shortest_check = shortest_check.min(started.elapsed());
        }
        stop.store(true, Ordering::Relaxed);
        ticker.await.unwrap();
        let gap = Duration::from_micros(longest_gap_us.load(Ordering::Relaxed));
        // Were Argon2 run on this thread, the ticker would stall for a
        // whole check at least.
        assert!(
            gap < shortest_check,
            "the ticker stalled {gap:?}; a password check takes {shortest_check:?}"
        );
        let _ = std::fs::remove_file(file);
    }

    #[tokio::test]
    async fn bad_input_is_refused() {
        let (users, file) = users().await;
        assert!(matches!(
            users.add("ada", "A", "short", &[]).await,
            Err(UserError::WeakPassword)
        ));
        assert!(matches!(
            users.add("", "A", "long enough password", &[]).await,
            Err(UserError::BadName)
        ));
        assert!(matches!(
            users.add("a b", "A", "long enough password", &[]).await,
            Err(UserError::BadName)
        ));
        users
            .add("ada", "A", "long enough password", &[])
            .await
            .unwrap();
        assert!(matches!(
            users.add("ada", "A", "long enough password", &[]).await,
            Err(UserError::Exists(_))
        ));
        assert!(matches!(
            users.set_password("bob", "long enough password").await,
            Err(UserError::Unknown(_))
        ));
        assert_eq!(users.names().await.unwrap(), ["ada"]);
        let _ = std::fs::remove_file(file);
    }
}
