//! `manifest.json`: the stacks in deploy order with their regions, layers, templates, direct
//! dependencies, waves and parameter wiring (SPEC section 5), and what a deployment must know
//! beyond that (SPEC section 5.1): the parameter values of a new stack's first pass
//! (`create-pass`) and the stack its final pass waits for (`final-pass-after`), and the templates too big to send without an S3 bucket (`needs-s3-bucket`).

use super::{CfnReferences, File};
use crate::aws::limits::CFN_TEMPLATE_BODY_MAX_BYTES;
use crate::plan::{ParamSource, Plan};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
struct Manifest<'a> {
    environment: &'a str,
    prefix: &'a str,
    regions: &'a [String],
    stacks: Vec<StackEntry<'a>>,
}

#[derive(Serialize)]
struct StackEntry<'a> {
    name: &'a str,
    region: &'a str,
    layer: &'a str,
    template: String,
    #[serde(rename = "depends-on")]
    depends_on: &'a [String],
    wave: u32,
    parameters: BTreeMap<&'a str, serde_json::Value>,
    /// The parameter values a stack that does not exist yet is first created with, where AWS
    /// refuses the final ones at create time; it is then deployed again with `parameters`. A
    /// stack that exists goes straight to `parameters`. Absent when one deploy creates a stack.
    #[serde(rename = "create-pass", skip_serializing_if = "BTreeMap::is_empty")]
    create_pass: BTreeMap<&'a str, &'a str>,
    /// The stack that must exist before a new stack's final pass (its `parameters`) can be
    /// deployed: the new stack is created with `create-pass`, and deployed with `parameters`
    /// once that stack is. Absent when the final pass follows the first at once.
    #[serde(rename = "final-pass-after", skip_serializing_if = "Option::is_none")]
    final_pass_after: Option<&'a str>,
    /// Present (`true`) when the template is over 51,200 bytes, the most a request may carry:
    /// it must go through an S3 bucket in the stack's region.
    #[serde(rename = "needs-s3-bucket", skip_serializing_if = "std::ops::Not::not")]
    needs_s3_bucket: bool,
}

/// The template path of a stack, relative to `--out`.
pub fn template_path(stack: &str) -> String {
    format!("cloudformation/{stack}.template.json")
}

/// The size in bytes of a stack's rendered template (0 when `templates` lacks it).
pub fn template_bytes(templates: &[File], stack: &str) -> usize {
    let path = template_path(stack);
    templates
        .iter()
        .find(|f| f.path == path)
        .map_or(0, |f| f.contents.len())
}

/// Whether a template of this size must go through an S3 bucket.
pub fn needs_s3_bucket(bytes: usize) -> bool {
    bytes > CFN_TEMPLATE_BODY_MAX_BYTES
}

/// The manifest of `plan`, whose CloudFormation templates are `templates`.
pub fn render(plan: &Plan, refs: CfnReferences, templates: &[File]) -> File {
    let stacks = plan
        .stacks
        .iter()
        .map(|s| StackEntry {
            name: &s.name,
            region: &s.region,
            layer: s.layer.as_str(),
            template: template_path(&s.name),
            depends_on: &s.depends_on,
            wave: s.wave,
            parameters: s
                .parameters
                .iter()
                .filter_map(|p| match (&p.source, refs) {
                    (ParamSource::Literal(v), _) => Some((p.name.as_str(), serde_json::Value::String(v.clone()))),
                    (ParamSource::Output { stack, output }, CfnReferences::Parameters) => {
                        Some((p.name.as_str(), serde_json::json!({"stack": stack, "output": output})))
                    }
                    (ParamSource::Output { .. }, CfnReferences::GetStackOutput) => None,
                })
                .collect(),
            create_pass: s.create_pass().into_iter().collect(),
            final_pass_after: s.final_pass_after.as_deref(),
            needs_s3_bucket: needs_s3_bucket(template_bytes(templates, &s.name)),
        })
        .collect();
    let m = Manifest {
        environment: &plan.environment,
        prefix: &plan.prefix,
        regions: &plan.regions,
        stacks,
    };
    let mut text = serde_json::to_string_pretty(&m).unwrap_or_default();
    text.push('\n');
    File::new("manifest.json", text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_needs_a_bucket_past_51200_bytes() {
        assert!(!needs_s3_bucket(51_200));
        assert!(needs_s3_bucket(51_201));
        let t = vec![File::new(template_path("s"), "x".repeat(51_201))];
        assert_eq!(template_bytes(&t, "s"), 51_201);
        assert_eq!(template_bytes(&t, "other"), 0);
    }
}
