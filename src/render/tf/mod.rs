//! Plan → one Terraform root module (`terraform/*.tf`).

use crate::plan::Plan;
use crate::render::File;

/// The module's files.
pub fn render(_plan: &Plan) -> Vec<File> {
    Vec::new()
}
