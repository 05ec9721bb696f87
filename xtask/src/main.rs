//! Repository maintenance commands.

fn main() {}
