//! Core types of ferrodash: the component tree, component ids and wildcards,
//! callback declarations and their validation, and the wire format of Dash's
//! callback protocol.
//!
//! This crate has no web-server or async-runtime dependency; the server crate
//! builds on it.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod build_error;
mod columns;
mod component;
mod download;
mod id;
mod js_number;
mod library;
mod output;
#[cfg(feature = "parquet")]
mod parquet_file;
mod patch;
mod percent;
mod spec;
mod validate;
pub mod wire;

pub use build_error::{BuildError, BuildErrors, Role};
pub use columns::{Column, Columns, ColumnsError};
pub use component::{Component, Node, PropValue};
pub use download::{Download, DownloadError};
pub use id::{
    ALL, ALLSMALLER, ComponentId, IdProblem, IdValue, MATCH, Wildcard, parse_stringified_id,
};
pub use library::{ComponentLibrary, ComponentMeta};
pub use output::{
    Arity, CallbackError, CallbackOutputs, IntoCallbackOutput, IntoPropValue, Json, PreventUpdate,
    ServiceUnavailable, is_no_update, no_update_value,
};
pub use patch::{Location, PATCH_MARKER, Patch, PatchOperation, PathSegment};
pub use percent::percent_decode;
pub use spec::{CallbackSpec, ClientsideFunction, Dependency, InitialCall, Output, PropRef};
pub use validate::{ValidationInput, validate};

/// The marker Dash uses for an output left unchanged.
pub const NO_UPDATE_MARKER: &str = "_dash_no_update";

/// Leaves an output unchanged: return it in place of a value.
///
/// On the wire the output is left out of the response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NoUpdate;
