//! What can be wrong with settings.

use std::fmt;

/// One problem with one variable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// A required variable is not set.
    #[error("{variable} is not set")]
    Missing {
        /// The variable's full name.
        variable: String,
    },
    /// A variable's value does not parse as the expected type.
    #[error("{variable} must be {expected}, but is {shown}")]
    Malformed {
        /// The variable's full name.
        variable: String,
        /// What it must be, like `an integer from 0 to 65535`.
        expected: String,
        /// The value as text, or `[redacted]` for secrets.
        shown: String,
    },
    /// A `.env` file could not be read or has a malformed line.
    #[error("the .env file cannot be used: {0}")]
    EnvFile(String),
}

/// Every problem found, reported together.
///
/// `Debug` prints the same list as `Display`, so a `main` that returns this
/// error shows a readable report.
#[derive(Clone, PartialEq, Eq)]
pub struct SettingsErrors(pub Vec<SettingsError>);

impl fmt::Debug for SettingsErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl SettingsErrors {
    /// The names of the variables at fault, in the order they were read.
    #[must_use]
    pub fn variables(&self) -> Vec<&str> {
        self.0
            .iter()
            .filter_map(|e| match e {
                SettingsError::Missing { variable } | SettingsError::Malformed { variable, .. } => {
                    Some(variable.as_str())
                }
                SettingsError::EnvFile(_) => None,
            })
            .collect()
    }
}

impl fmt::Display for SettingsErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} setting(s) are wrong:", self.0.len())?;
        for e in &self.0 {
            writeln!(f, "  - {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SettingsErrors {}
