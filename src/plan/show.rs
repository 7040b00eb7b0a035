//! What `mrgen plan` and `mrgen graph` print: the stacks in deploy order as a table or JSON,
//! and the stack and replication topology as Mermaid or DOT.

use super::layer::{Layer, LinkStyle};
use super::{Backends, Plan};
use crate::aws::regions;
use std::fmt::Write as _;

fn city(code: &str) -> &'static str {
    regions::find(code).map_or("", |r| r.city)
}

/// Resources a stack's CloudFormation template holds.
fn resource_count(s: &super::Stack) -> usize {
    s.resources
        .iter()
        .filter(|r| r.backends != Backends::TerraformOnly)
        .count()
}

pub fn table(plan: &Plan) -> String {
    let short = |name: &str| {
        name.strip_prefix(&format!("{}-{}-", plan.prefix, plan.environment))
            .unwrap_or(name)
            .to_string()
    };
    let rows: Vec<[String; 6]> = plan
        .stacks
        .iter()
        .map(|s| {
            [
                s.name.clone(),
                format!("{} ({})", s.region, city(&s.region)),
                s.layer.as_str().to_string(),
                s.wave.to_string(),
                if s.depends_on.is_empty() {
                    "-".to_string()
                } else {
                    s.depends_on.iter().map(|d| short(d)).collect::<Vec<_>>().join(", ")
                },
                resource_count(s).to_string(),
            ]
        })
        .collect();
    let head = ["STACK", "REGION", "LAYER", "WAVE", "DEPENDS ON", "RESOURCES"];
    // The last column is free text; put the resource count before it.
    let rows: Vec<[String; 6]> = rows.into_iter().map(|[a, b, c, d, e, f]| [a, b, c, d, f, e]).collect();
    let head = [head[0], head[1], head[2], head[3], head[5], head[4]];
    let mut widths: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: &[&str], out: &mut String| {
        let mut l = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                l.push_str(c);
            } else {
                let _ = write!(l, "{c:<w$}  ", w = widths[i]);
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(&head, &mut out);
    for r in &rows {
        let cells: Vec<&str> = r.iter().map(String::as_str).collect();
        line(&cells, &mut out);
    }
    let _ = writeln!(
        out,
        "\n{} stacks in {} waves over {}",
        plan.stacks.len(),
        plan.stacks.iter().map(|s| s.wave).max().map_or(0, |w| w + 1),
        plan.regions.join(", ")
    );
    let primary = plan.regions.first().map_or("", String::as_str);
    if plan.writer == primary {
        let _ = writeln!(out, "Writer: {} (the primary)", plan.writer);
    } else {
        let _ = writeln!(
            out,
            "Writer: {} — not the primary ({primary}): EKS sizing, the failover records and the lag alarms follow it; everything else stays as created",
            plan.writer
        );
    }
    if !plan.omitted.is_empty() {
        out.push_str("\nLeft out:\n");
        for (part, why) in &plan.omitted {
            let _ = writeln!(out, "  {part}: {why}");
        }
    }
    out
}

pub fn json(plan: &Plan) -> String {
    let mut s = serde_json::to_string_pretty(&json_value(plan)).unwrap_or_default();
    s.push('\n');
    s
}

/// The plan as `plan --json` prints it.
pub fn json_value(plan: &Plan) -> serde_json::Value {
    let stacks: Vec<serde_json::Value> = plan
        .stacks
        .iter()
        .map(|s| {
            serde_json::json!({
                "name": s.name,
                "region": s.region,
                "city": city(&s.region),
                "layer": s.layer.as_str(),
                "wave": s.wave,
                "depends-on": s.depends_on,
                "resources": resource_count(s),
            })
        })
        .collect();
    let omitted: Vec<serde_json::Value> = plan
        .omitted
        .iter()
        .map(|(p, w)| serde_json::json!({"part": p, "reason": w}))
        .collect();
    serde_json::json!({
        "environment": plan.environment,
        "prefix": plan.prefix,
        "regions": plan.regions,
        "writer": plan.writer,
        "stacks": stacks,
        "omitted": omitted,
    })
}

fn node_id(plan: &Plan, name: &str) -> String {
    let i = plan.stacks.iter().position(|s| s.name == name).unwrap_or(0);
    format!("s{i}")
}

/// The plan's links with the style of their layer's row (a layer without one draws none).
fn styled_links(plan: &Plan) -> impl Iterator<Item = (&super::Link, LinkStyle)> {
    plan.links
        .iter()
        .filter_map(|l| l.layer.info().link.map(|style| (l, style)))
}

/// The stack of `layer` in `region`, if the plan has one.
fn stack_in(plan: &Plan, layer: Layer, region: &str) -> Option<String> {
    plan.stacks
        .iter()
        .find(|s| s.layer == layer && s.region == region)
        .map(|s| s.name.clone())
}

fn regions_in_order(plan: &Plan) -> Vec<String> {
    let mut r = plan.regions.clone();
    for s in &plan.stacks {
        if !r.contains(&s.region) {
            r.push(s.region.clone());
        }
    }
    r
}

/// Mermaid: one subgraph per region; solid arrows for stack dependencies (from the stack
/// deployed first), thick labelled arrows for replication, a dotted line for peering.
pub fn mermaid(plan: &Plan) -> String {
    let mut out = String::from("flowchart LR\n");
    for region in regions_in_order(plan) {
        let _ = writeln!(
            out,
            "  subgraph {}[\"{} ({})\"]",
            region.replace('-', "_"),
            region,
            city(&region)
        );
        for s in plan.stacks.iter().filter(|s| s.region == region) {
            let _ = writeln!(out, "    {}[\"{}\"]", node_id(plan, &s.name), s.layer);
        }
        out.push_str("  end\n");
    }
    for s in &plan.stacks {
        for d in &s.depends_on {
            let _ = writeln!(out, "  {} --> {}", node_id(plan, d), node_id(plan, &s.name));
        }
    }
    for (l, style) in styled_links(plan) {
        if let (Some(a), Some(b)) = (stack_in(plan, l.layer, &l.from), stack_in(plan, l.layer, &l.to)) {
            let (a, b) = (node_id(plan, &a), node_id(plan, &b));
            let _ = writeln!(out, "  {a} {}|{}| {b}", style.mermaid, style.label);
        }
    }
    out
}

/// Graphviz DOT: one cluster per region, dependencies as plain edges, replication bold and
/// coloured by kind, peering dashed and undirected.
pub fn dot(plan: &Plan) -> String {
    let mut out = String::from("digraph mrgen {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n");
    for (i, region) in regions_in_order(plan).iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph cluster_{i} {{\n    label=\"{} ({})\";",
            region,
            city(region)
        );
        for s in plan.stacks.iter().filter(|s| &s.region == region) {
            let _ = writeln!(out, "    {} [label=\"{}\"];", node_id(plan, &s.name), s.layer);
        }
        out.push_str("  }\n");
    }
    for s in &plan.stacks {
        for d in &s.depends_on {
            let _ = writeln!(out, "  {} -> {};", node_id(plan, d), node_id(plan, &s.name));
        }
    }
    for (l, style) in styled_links(plan) {
        if let (Some(a), Some(b)) = (stack_in(plan, l.layer, &l.from), stack_in(plan, l.layer, &l.to)) {
            let _ = writeln!(
                out,
                "  {} -> {} [label=\"{}\", {}];",
                node_id(plan, &a),
                node_id(plan, &b),
                style.label,
                style.dot
            );
        }
    }
    out.push_str("}\n");
    out
}
