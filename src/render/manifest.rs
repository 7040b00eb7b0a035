//! `manifest.json`: the stacks in deploy order with their regions, layers, templates, direct
//! dependencies, waves and parameter wiring (SPEC section 5).

use super::{CfnReferences, File};
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
}

/// The template path of a stack, relative to `--out`.
pub fn template_path(stack: &str) -> String {
    format!("cloudformation/{stack}.template.json")
}

pub fn render(plan: &Plan, refs: CfnReferences) -> File {
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
