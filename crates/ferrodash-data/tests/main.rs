//! Integration tests of ferrodash-data, one binary (house style). The
//! PostgreSQL and MariaDB tests need the servers named in `common`: they
//! fail, never skip, when a server is not reachable.

mod data;
