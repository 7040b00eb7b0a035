//! The integration tests: one binary, topic modules (ripgrep's layout). Each runs the real
//! `mrgen` binary the way a user or a pipeline would.

// Tests may unwrap and panic: a panic here is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

mod cli;
mod fixtures;
mod hostile;
mod moto_tf;
mod schema;
mod snapshots;
mod terraform;
