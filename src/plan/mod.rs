//! The stack plan (see `types`), built from a valid environment by `build`.

pub mod build;
pub mod types;

pub use build::build;
pub use types::*;
