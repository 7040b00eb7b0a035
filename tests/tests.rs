//! The integration tests: one binary, topic modules (ripgrep's layout). Each runs the real
//! `mrgen` binary the way a user or a pipeline would.

// Tests may unwrap and panic: a panic here is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

mod cfn;
mod checkov;
mod cli;
mod compare;
mod compare_stacks;
mod cost;
mod fixtures;
mod hardening;
mod hostile;
mod moto_cfn;
mod moto_stacks;
mod moto_tf;
mod properties;
mod reach;
mod real_aws;
mod render;
mod roles;
mod runbook;
mod schema;
mod scripts;
mod second_apply;
mod secrets;
mod snapshots;
mod structure;
mod terraform;
mod terraform_stacks;
