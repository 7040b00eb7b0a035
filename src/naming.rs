//! The shapes of the names mrgen creates: stacks `<prefix>-<env>-<layer>-<region>`, resource
//! identifiers `<prefix>-<env>-<component>[-<short region>]`. Only the plan calls these; MR702
//! checks the names the plan holds, so a name it builds cannot escape the check.

use crate::model::Environment;

/// Route 53, its health-check metrics and AWS Budgets live in us-east-1.
pub const GLOBAL_REGION: &str = "us-east-1";

/// `ap-northeast-1` → `apne1`: the first word whole, the initials of the direction, the number.
pub fn short_code(region: &str) -> String {
    let parts: Vec<&str> = region.split('-').collect();
    let mut out = String::new();
    for (i, p) in parts.iter().enumerate() {
        if i == 0 || i == parts.len() - 1 {
            out.push_str(p);
            continue;
        }
        let initials = match *p {
            "northeast" => "ne",
            "northwest" => "nw",
            "southeast" => "se",
            "southwest" => "sw",
            "north" => "n",
            "south" => "s",
            "east" => "e",
            "west" => "w",
            "central" => "c",
            other => other.get(..1).unwrap_or(""),
        };
        out.push_str(initials);
    }
    out
}

pub fn stack(env: &Environment, layer: &str, region: &str) -> String {
    format!("{}-{}-{layer}-{region}", env.prefix, env.name)
}

/// `<prefix>-<env>-<component>` (global resources).
pub fn global_id(env: &Environment, component: &str) -> String {
    format!("{}-{}-{component}", env.prefix, env.name)
}

/// `<prefix>-<env>-<component>-<short>` (regional resources).
pub fn regional_id(env: &Environment, component: &str, region: &str) -> String {
    format!("{}-{}-{component}-{}", env.prefix, env.name, short_code(region))
}

/// MSK Replicator from `source` into `target` (created in the target region).
pub fn replicator_name(env: &Environment, source: &str, target: &str) -> String {
    format!(
        "{}-{}-msk-{}-to-{}",
        env.prefix,
        env.name,
        short_code(source),
        short_code(target)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_codes_follow_the_spec_examples() {
        assert_eq!(short_code("ap-northeast-1"), "apne1");
        assert_eq!(short_code("us-east-1"), "use1");
        assert_eq!(short_code("eu-central-1"), "euc1");
        assert_eq!(short_code("ap-southeast-2"), "apse2");
        assert_eq!(short_code("ap-south-1"), "aps1");
        assert_eq!(short_code("us-west-2"), "usw2");
        assert_eq!(short_code("ca-west-1"), "caw1");
        assert_eq!(short_code("mx-central-1"), "mxc1");
    }

    #[test]
    fn short_codes_are_unique_over_the_region_table() {
        let mut seen = std::collections::BTreeSet::new();
        for r in crate::aws::regions::REGIONS {
            assert!(seen.insert(short_code(r.code)), "{} collides", r.code);
        }
    }
}
