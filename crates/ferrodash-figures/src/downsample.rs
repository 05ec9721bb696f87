//! Server-side downsampling of large series.
