//! The stack plan (see `types`), built from a valid environment by `build`.

pub mod build;
pub mod kinds;
pub mod show;
pub mod types;

#[cfg(test)]
mod tests;

pub use build::build;
pub use kinds::*;
pub use types::*;
