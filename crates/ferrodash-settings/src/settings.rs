//! Reading settings: every read records its problem, `finish` reports them all.

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;

use crate::error::{SettingsError, SettingsErrors};
use crate::secret::Secret;

/// A type a setting can be read as.
pub trait FromSetting: Sized {
    /// What a valid value looks like, for error messages.
    const EXPECTED: &'static str;
    /// Parses the variable's text.
    fn from_setting(text: &str) -> Option<Self>;
}

macro_rules! from_str_setting {
    ($($t:ty => $expected:literal),* $(,)?) => {$(
        impl FromSetting for $t {
            const EXPECTED: &'static str = $expected;
            fn from_setting(text: &str) -> Option<Self> {
                <$t>::from_str(text.trim()).ok()
            }
        }
    )*};
}
from_str_setting!(
    u16 => "an integer from 0 to 65535",
    u32 => "a non-negative integer",
    u64 => "a non-negative integer",
    usize => "a non-negative integer",
    i32 => "an integer",
    i64 => "an integer",
    f64 => "a number",
    std::net::SocketAddr => "a socket address like 127.0.0.1:8050",
);

impl FromSetting for String {
    const EXPECTED: &'static str = "text";
    fn from_setting(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
}

impl FromSetting for bool {
    const EXPECTED: &'static str = "true or false (also 1/0, yes/no, on/off)";
    fn from_setting(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Some(true),
            "false" | "0" | "no" | "off" => Some(false),
            _ => None,
        }
    }
}

impl FromSetting for std::time::Duration {
    const EXPECTED: &'static str = "a duration in seconds, or with a unit: 500ms, 30s, 5m, 2h";
    fn from_setting(text: &str) -> Option<Self> {
        let text = text.trim();
        let (number, scale) = [("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0)]
            .into_iter()
            .find_map(|(unit, scale)| text.strip_suffix(unit).map(|n| (n, scale)))
            .unwrap_or((text, 1.0));
        let seconds = number.trim().parse::<f64>().ok()? * scale;
        (seconds.is_finite() && seconds >= 0.0).then(|| Self::from_secs_f64(seconds))
    }
}

/// How a secret's value is shown.
const REDACTED: &str = "[redacted]";

/// Reads typed settings from the environment and a `.env` file.
///
/// Every getter returns a value right away (a default when the variable is
/// missing or malformed) and records what was wrong; [`Settings::finish`]
/// then reports every problem at once, naming each variable.
#[derive(Debug)]
pub struct Settings {
    values: HashMap<String, String>,
    prefix: String,
    errors: Vec<SettingsError>,
    read: Vec<(String, String)>,
}

impl Settings {
    /// The process environment, with `.env` in the working directory (if
    /// there is one) filling in variables the environment does not set.
    #[must_use]
    pub fn from_env() -> Self {
        Self::from_env_and_file(Path::new(".env"))
    }

    /// The process environment, with the given `.env` file (if it exists)
    /// filling in variables the environment does not set.
    #[must_use]
    pub fn from_env_and_file(path: &Path) -> Self {
        let mut settings = Self::from_pairs(std::env::vars());
        if path.exists() {
            match dotenvy::from_path_iter(path) {
                Ok(lines) => {
                    for line in lines {
                        match line {
                            Ok((key, value)) => {
                                settings.values.entry(key).or_insert(value);
                            }
                            Err(e) => settings.errors.push(SettingsError::EnvFile(e.to_string())),
                        }
                    }
                }
                Err(e) => settings.errors.push(SettingsError::EnvFile(e.to_string())),
            }
        }
        settings
    }

    /// Settings from explicit pairs (tests, or values from elsewhere).
    #[must_use]
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self {
            values: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            prefix: String::new(),
            errors: Vec::new(),
            read: Vec::new(),
        }
    }

    /// Prefixes every name read from here on, like `APP_`.
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    fn raw(&self, name: &str) -> (String, Option<&str>) {
        let variable = format!("{}{name}", self.prefix);
        let value = self
            .values
            .get(&variable)
            .map(String::as_str)
            .filter(|v| !v.is_empty());
        (variable, value)
    }

    fn parse<T: FromSetting>(&mut self, name: &str, secret: bool) -> Option<T> {
        let (variable, text) = self.raw(name);
        let text = text.map(str::to_owned);
        let shown_for_summary = match (text.as_deref(), secret) {
            (None, _) => "(not set)".to_owned(),
            (Some(_), true) => REDACTED.to_owned(),
            (Some(t), false) => t.to_owned(),
        };
        self.read.push((variable.clone(), shown_for_summary));
        let text = text?;
        let parsed = T::from_setting(&text);
        if parsed.is_none() {
            let shown = if secret {
                REDACTED.to_owned()
            } else {
                format!("{text:?}")
            };
            self.errors.push(SettingsError::Malformed {
                variable,
                expected: T::EXPECTED.to_owned(),
                shown,
            });
        }
        parsed
    }

    /// A required setting; a missing one is recorded and `T::default()` returned.
    pub fn get<T: FromSetting + Default>(&mut self, name: &str) -> T {
        if self.raw(name).1.is_none() {
            let variable = self.raw(name).0;
            self.errors.push(SettingsError::Missing { variable });
            return T::default();
        }
        self.parse(name, false).unwrap_or_default()
    }

    /// An optional setting with a default.
    pub fn get_or<T: FromSetting>(&mut self, name: &str, default: T) -> T {
        self.parse(name, false).unwrap_or(default)
    }

    /// An optional setting.
    pub fn get_opt<T: FromSetting>(&mut self, name: &str) -> Option<T> {
        self.parse(name, false)
    }

    /// A required secret: never shown in errors, `Debug` or `Display`.
    pub fn secret<T: FromSetting + Default>(&mut self, name: &str) -> Secret<T> {
        if self.raw(name).1.is_none() {
            let variable = self.raw(name).0;
            self.errors.push(SettingsError::Missing { variable });
            return Secret::new(T::default());
        }
        Secret::new(self.parse(name, true).unwrap_or_default())
    }

    /// An optional secret.
    pub fn secret_opt<T: FromSetting>(&mut self, name: &str) -> Option<Secret<T>> {
        self.parse(name, true).map(Secret::new)
    }

    /// Records a problem found by the app's own checks (a value out of range,
    /// two settings that contradict each other).
    ///
    /// The value is shown in the message unless the variable was read as a
    /// secret, which is shown `[redacted]`.
    pub fn invalid(&mut self, name: &str, expected: &str) {
        let (variable, text) = self.raw(name);
        let secret = self
            .read
            .iter()
            .any(|(k, shown)| *k == variable && shown == REDACTED);
        let shown = match text {
            None => "not set".to_owned(),
            Some(_) if secret => REDACTED.to_owned(),
            Some(t) => format!("{t:?}"),
        };
        self.errors.push(SettingsError::Malformed {
            variable,
            expected: expected.to_owned(),
            shown,
        });
    }

    /// Every variable read so far with its value as it may be logged:
    /// secrets are `[redacted]`, unset variables `(not set)`.
    #[must_use]
    pub fn summary(&self) -> String {
        self.read
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Every problem recorded, or `Ok` when there was none.
    pub fn finish(self) -> Result<(), SettingsErrors> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(SettingsErrors(self.errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn an_apps_own_check_of_a_secret_does_not_show_it() {
        let mut settings =
            Settings::from_pairs([("DATABASE_URL", "ftp://ada:hunter2@db"), ("PORT", "99999")]);
        let url: Option<Secret<String>> = settings.secret_opt("DATABASE_URL");
        assert!(url.is_some());
        settings.invalid("DATABASE_URL", "a sqlite://, postgres:// or mysql:// URL");
        let _: u32 = settings.get_or("PORT", 1);
        settings.invalid("PORT", "a port below 65536");
        let message = settings.finish().unwrap_err().to_string();
        assert!(!message.contains("hunter2"), "{message}");
        assert!(message.contains("DATABASE_URL"), "{message}");
        assert!(message.contains("99999"), "{message}");
    }

    #[test]
    fn every_problem_is_reported_at_once_and_secrets_never_show() {
        let mut env = Settings::from_pairs([
            ("APP_PORT", "eighty"),
            ("APP_DEBUG", "perhaps"),
            ("APP_TIMEOUT", "30s"),
            ("APP_SECRET_KEY", "hunter2-not-a-number"),
            ("APP_EMPTY", ""),
        ])
        .with_prefix("APP_");
        let port: u16 = env.get_or("PORT", 8050);
        let debug: bool = env.get_or("DEBUG", false);
        let timeout: Duration = env.get_or("TIMEOUT", Duration::from_secs(5));
        let database: Secret<String> = env.secret("DATABASE_URL");
        let key: Secret<u64> = env.secret("SECRET_KEY");
        let empty: String = env.get("EMPTY");
        assert_eq!(
            (port, debug, timeout),
            (8050, false, Duration::from_secs(30))
        );
        assert_eq!(empty, "");
        let errors = env.finish().unwrap_err();
        assert_eq!(
            errors.variables(),
            [
                "APP_PORT",
                "APP_DEBUG",
                "APP_DATABASE_URL",
                "APP_SECRET_KEY",
                "APP_EMPTY"
            ]
        );
        let text = errors.to_string();
        assert!(
            text.contains("APP_PORT must be an integer from 0 to 65535, but is \"eighty\""),
            "{text}"
        );
        assert!(text.contains("APP_DATABASE_URL is not set"), "{text}");
        assert!(
            text.contains("APP_SECRET_KEY must be a non-negative integer, but is [redacted]"),
            "{text}"
        );
        assert!(
            !text.contains("hunter2") && !format!("{errors:?}").contains("hunter2"),
            "{text}"
        );
        assert_eq!(format!("{key:?} {key}"), "Secret([redacted]) [redacted]");
        let _ = database;
    }

    #[test]
    fn env_file_fills_in_but_does_not_override() {
        let dir = std::env::temp_dir().join(format!("ferrodash-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(".env");
        std::fs::write(
            &file,
            "FERRODASH_TEST_FROM_FILE=42\nPATH=/not/this\n# a comment\n",
        )
        .unwrap();
        let mut env = Settings::from_env_and_file(&file);
        let from_file: u32 = env.get("FERRODASH_TEST_FROM_FILE");
        let path: String = env.get("PATH");
        env.finish().unwrap();
        assert_eq!(from_file, 42);
        assert_ne!(path, "/not/this", "the real environment wins");
        std::fs::write(&file, "NOT A VALID LINE\n").unwrap();
        let errors = Settings::from_env_and_file(&file).finish().unwrap_err();
        assert!(errors.to_string().contains(".env file"), "{errors}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn durations_and_booleans() {
        for (text, secs) in [
            ("500ms", 0.5),
            ("30s", 30.0),
            ("5m", 300.0),
            ("2h", 7200.0),
            ("12", 12.0),
        ] {
            assert_eq!(
                Duration::from_setting(text),
                Some(Duration::from_secs_f64(secs)),
                "{text}"
            );
        }
        assert_eq!(Duration::from_setting("-1s"), None);
        assert_eq!(bool::from_setting("ON"), Some(true));
        assert_eq!(bool::from_setting("nope"), None);
    }
}
