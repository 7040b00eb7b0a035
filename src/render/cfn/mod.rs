//! Plan → CloudFormation templates (`cloudformation/<stack>.template.json`).

use crate::plan::Plan;
use crate::render::{CfnReferences, File};

/// One template per stack of the plan.
pub fn render(_plan: &Plan, _refs: CfnReferences) -> Vec<File> {
    Vec::new()
}
