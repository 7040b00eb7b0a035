//! The names of everything mrgen creates, in one place: stacks `<prefix>-<env>-<layer>-<region>`,
//! resource identifiers `<prefix>-<env>-<component>[-<short region>]`. The plan and both backends
//! take names from here, and MR702 checks every one of them against its AWS limit before
//! anything is rendered.

use crate::aws::limits::{self, NameLimit};
use crate::model::Environment;

/// The layers, in deploy order within a wave (SPEC section 5).
pub const LAYERS: &[&str] = &[
    "network",
    "peering",
    "peering-routes",
    "aurora",
    "redis",
    "msk",
    "msk-replication",
    "eks",
    "dns",
    "monitoring",
];

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

/// One generated name and the limit it must fit.
pub struct GeneratedName {
    pub name: String,
    pub limit: &'static NameLimit,
    /// The section whose component the name belongs to (`regions` for stacks and shared parts).
    pub section: &'static str,
}

/// Every name mrgen would generate for this environment (a test checks that the plan names
/// nothing that is missing here).
pub fn all_names(env: &Environment) -> Vec<GeneratedName> {
    let mut out = Vec::new();
    let mut add = |name: String, limit: &'static NameLimit, section: &'static str| {
        out.push(GeneratedName { name, limit, section })
    };
    let regions: Vec<&str> = env.regions.iter().map(|r| r.code.as_str()).collect();
    for region in &env.regions {
        let r = region.code.as_str();
        for layer in LAYERS.iter().filter(|l| **l != "dns") {
            add(stack(env, layer, r), &limits::STACK_NAME, "regions");
        }
        add(
            format!("alias/{}", regional_id(env, "kms", r)),
            &limits::KMS_ALIAS,
            "regions",
        );
        add(
            format!("/mrgen/{}", regional_id(env, "flow-logs", r)),
            &limits::LOG_GROUP_NAME,
            "regions",
        );
        add(regional_id(env, "flow-logs", r), &limits::IAM_ROLE_NAME, "regions");
        add(regional_id(env, "alerts", r), &limits::SNS_TOPIC_NAME, "monitoring");
        for role in ["app", "database", "cache", "kafka"] {
            add(regional_id(env, role, r), &limits::SECURITY_GROUP_NAME, "regions");
        }
        for what in ["aurora-lag", "redis-lag"] {
            for level in ["warning", "critical"] {
                add(
                    format!("{}-{level}", regional_id(env, what, r)),
                    &limits::CLOUDWATCH_ALARM_NAME,
                    "monitoring",
                );
            }
        }
        add(
            regional_id(env, "health", r),
            &limits::CLOUDWATCH_ALARM_NAME,
            "monitoring",
        );
        if env.aurora.is_some() {
            add(regional_id(env, "aurora", r), &limits::RDS_CLUSTER_ID, "aurora");
            for n in 1..=(region.aurora_readers.value + 1).max(1) {
                add(
                    format!("{}-{n}", regional_id(env, "aurora", r)),
                    &limits::RDS_INSTANCE_ID,
                    "aurora",
                );
            }
            add(regional_id(env, "aurora", r), &limits::DB_SUBNET_GROUP, "aurora");
            add(regional_id(env, "rds-monitoring", r), &limits::IAM_ROLE_NAME, "aurora");
            add(
                format!("/aws/rds/cluster/{}/postgresql", regional_id(env, "aurora", r)),
                &limits::LOG_GROUP_NAME,
                "aurora",
            );
        }
        if env.redis.is_some() {
            add(
                regional_id(env, "redis", r),
                &limits::ELASTICACHE_REPLICATION_GROUP_ID,
                "redis",
            );
            add(regional_id(env, "redis", r), &limits::ELASTICACHE_SUBNET_GROUP, "redis");
            add(
                regional_id(env, "redis", r),
                &limits::ELASTICACHE_USER_GROUP_ID,
                "redis",
            );
            // User ids share the user group id's limit (the API documents none of their own).
            add(
                regional_id(env, "cache-app", r),
                &limits::ELASTICACHE_USER_GROUP_ID,
                "redis",
            );
            add(
                regional_id(env, "cache-off", r),
                &limits::ELASTICACHE_USER_GROUP_ID,
                "redis",
            );
            add(
                format!("/mrgen/{}", regional_id(env, "redis", r)),
                &limits::LOG_GROUP_NAME,
                "redis",
            );
        }
        if env.msk.is_some() {
            add(regional_id(env, "msk", r), &limits::MSK_CLUSTER_NAME, "msk");
            add(
                format!("/mrgen/{}", regional_id(env, "msk", r)),
                &limits::LOG_GROUP_NAME,
                "msk",
            );
            add(regional_id(env, "msk-replicator", r), &limits::IAM_ROLE_NAME, "msk");
            for s in regions.iter().filter(|s| **s != r) {
                add(replicator_name(env, s, r), &limits::MSK_REPLICATOR_NAME, "msk");
                for level in ["warning", "critical"] {
                    let alarm = format!("{}-from-{}-{level}", regional_id(env, "msk-latency", r), short_code(s));
                    add(alarm, &limits::CLOUDWATCH_ALARM_NAME, "monitoring");
                }
            }
        }
        if env.eks.is_some() {
            add(regional_id(env, "eks", r), &limits::EKS_CLUSTER_NAME, "eks");
            add(regional_id(env, "eks-nodes", r), &limits::EKS_NODEGROUP_NAME, "eks");
            add(regional_id(env, "eks-cluster", r), &limits::IAM_ROLE_NAME, "eks");
            add(regional_id(env, "eks-nodes", r), &limits::IAM_ROLE_NAME, "eks");
            add(
                format!("/aws/eks/{}/cluster", regional_id(env, "eks", r)),
                &limits::LOG_GROUP_NAME,
                "eks",
            );
        }
    }
    if env.aurora.is_some() {
        add(global_id(env, "aurora"), &limits::RDS_GLOBAL_CLUSTER_ID, "aurora");
        add(
            format!("{}/aurora-master", global_id(env, "mrgen")),
            &limits::SECRET_NAME,
            "aurora",
        );
    }
    if env.redis.is_some() {
        add(
            global_id(env, "redis"),
            &limits::ELASTICACHE_GLOBAL_GROUP_SUFFIX,
            "redis",
        );
        add(
            format!("{}/redis-auth", global_id(env, "mrgen")),
            &limits::SECRET_NAME,
            "redis",
        );
    }
    add(stack(env, "dns", GLOBAL_REGION), &limits::STACK_NAME, "regions");
    add(stack(env, "monitoring", GLOBAL_REGION), &limits::STACK_NAME, "regions");
    add(global_id(env, "monthly"), &limits::BUDGET_NAME, "budget");
    add(
        format!("alias/{}", global_id(env, "alerts-global")),
        &limits::KMS_ALIAS,
        "monitoring",
    );
    add(global_id(env, "alerts-global"), &limits::SNS_TOPIC_NAME, "monitoring");
    out
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
