//! Typed settings for ferrodash apps, twelve-factor style: values come from
//! environment variables, with a `.env` file filling in what the environment
//! does not set. Reading every setting first and failing once at the end
//! lists every missing or malformed variable together; secret values are
//! wrapped in [`Secret`], which never prints them.
//!
//! ```
//! use ferrodash_settings::{Secret, Settings};
//!
//! let mut env = Settings::from_pairs([("APP_PORT", "8080"), ("APP_DATABASE_URL", "postgres://u:pw@db/app")])
//!     .with_prefix("APP_");
//! let port: u16 = env.get_or("PORT", 8050);
//! let debug: bool = env.get_or("DEBUG", false);
//! let database: Secret<String> = env.secret("DATABASE_URL");
//! env.finish().expect("valid settings");
//! assert_eq!(port, 8080);
//! assert!(!debug);
//! assert_eq!(format!("{database:?}"), "Secret([redacted])");
//! assert_eq!(database.expose(), "postgres://u:pw@db/app");
//! ```
//!
//! # Features
//!
//! This crate has no cargo features.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod error;
mod secret;
mod settings;

pub use error::{SettingsError, SettingsErrors};
pub use secret::Secret;
pub use settings::{FromSetting, Settings};
