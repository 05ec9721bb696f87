//! Login and per-user security for ferrodash apps.
//!
//! So far: [`safe_next`], which decides where a login may send the user
//! afterwards, refusing every off-site destination.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod redirect;

pub use redirect::safe_next;
