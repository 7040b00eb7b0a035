//! mrgen: validate a multi-region environment file against a typed model, the published AWS
//! limits and its own RTO/RPO promises, and render CloudFormation and Terraform for it.
//!
//! Data flows one way: `load` → `model` → `rules` → (plan → render → output).

pub mod aws;
pub mod check;
pub mod cidr;
pub mod cli;
pub mod cost;
pub mod diagnostics;
pub mod estimate;
pub mod finding;
pub mod load;
pub mod model;
pub mod naming;
pub mod output;
pub mod parallel;
pub mod path;
pub mod plan;
pub mod render;
pub mod rules;
pub mod run;
pub mod runbook;
pub mod suggest;
