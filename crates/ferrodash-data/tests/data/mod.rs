//! Test modules.

mod common;
mod loading;
mod mysql;
mod postgres;
mod shared;
mod sqlite;
