//! The stack plan (see `types`), built from a valid environment by `build`.

mod aurora;
pub mod build;
pub mod dashboard;
mod dns;
mod eks;
mod ingress;
pub mod kinds;
pub mod layer;
mod monitoring;
mod msk;
mod network;
mod parts;
mod peering;
mod recovery;
mod redis;
pub mod show;
mod storage;
mod topic_glob;
pub mod types;
pub mod values;

#[cfg(test)]
pub(crate) mod tests;

pub use build::build;
pub use dashboard::{Doc, Widget, WidgetBody, WidgetMetric};
pub use kinds::*;
pub use layer::{Layer, LayerInfo, LAYERS};
pub use types::*;
pub use values::*;
