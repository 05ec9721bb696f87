//! Typed Plotly figures for ferrodash.

#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod downsample;
