//! Roles apart from create-time identity (SPEC 5.4): rendering with `multi-region.writer` in each
//! region of every shipped environment changes no create-only property of a stateful resource (as
//! CloudFormation's own resource schemas, shipped with cfn-lint, define them), renames no stack,
//! moves no resource to another stack, and keeps every Terraform address and stateful block. Only
//! what follows the writer may change: node group sizing, failover records, lag alarms. The
//! dashboard, account-wide and created in the primary region, does not move at all.
//!
//! The same comparison, run on the old way of saying "the writer moved" (swapping
//! `regions.primary` and the secondary), must find the damage: that is the check failing on the
//! output it was written against.

use crate::common::{checked_with, in_ci, plan_with, shipped_environments};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

/// The stateful types of SPEC 5.4, in CloudFormation.
const STATEFUL: &[&str] = &[
    "AWS::RDS::GlobalCluster",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::ElastiCache::GlobalReplicationGroup",
    "AWS::MSK::Cluster",
    "AWS::MSK::Replicator",
    "AWS::S3::Bucket",
    "AWS::KMS::Key",
    "AWS::KMS::ReplicaKey",
    "AWS::SecretsManager::Secret",
    "AWS::EKS::Cluster",
    // Not stateful, but its primary region and regions are create-only: a plan that followed
    // the writer would be replaced.
    "AWS::ARCRegionSwitch::Plan",
];

/// What may appear, disappear or change with the writer (each changeable in place).
const FOLLOWS_WRITER: &[&str] = &[
    "AWS::EKS::Nodegroup",
    "AWS::Route53::RecordSet",
    "AWS::CloudWatch::Alarm",
];

/// The Terraform types of the stateful resources, and those that follow the writer.
const TF_STATEFUL: &[&str] = &[
    "aws_rds_global_cluster",
    "aws_rds_cluster",
    "aws_rds_cluster_instance",
    "aws_elasticache_replication_group",
    "aws_elasticache_global_replication_group",
    "aws_msk_cluster",
    "aws_msk_replicator",
    "aws_s3_bucket",
    "aws_kms_key",
    "aws_kms_replica_key",
    "aws_secretsmanager_secret",
    "aws_eks_cluster",
];
const TF_FOLLOWS_WRITER: &[&str] = &[
    "aws_eks_node_group",
    "aws_route53_record",
    "aws_cloudwatch_metric_alarm",
];

/// cfn-lint's resource schemas: type → `createOnlyProperties` (JSON pointers, `*` for list items).
fn create_only() -> Option<BTreeMap<String, Vec<String>>> {
    let out = Command::new("python3")
        .args(["-c", "import cfnlint, os; print(os.path.dirname(cfnlint.__file__))"])
        .output()
        .ok()
        .filter(|o| o.status.success());
    let Some(out) = out else {
        assert!(
            !in_ci(),
            "cfn-lint's Python package is not installed, and CI=true forbids skipping"
        );
        println!("skipped roles: cfn-lint's Python package is not installed");
        return None;
    };
    let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()).join("data/schemas");
    // `providers/us_east_1.py` maps each type to the file that holds its schema.
    let index = std::fs::read_to_string(dir.join("providers/us_east_1.py")).expect("cfn-lint's type index");
    let mut map = BTreeMap::new();
    for ty in STATEFUL.iter().chain(FOLLOWS_WRITER) {
        let needle = format!("\"{ty}\": \"");
        let start = index
            .find(&needle)
            .unwrap_or_else(|| panic!("{ty} is not in cfn-lint's index"))
            + needle.len();
        let hash = &index[start..start + index[start..].find('"').expect("closing quote")];
        let schema: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(format!("resources/{hash}.json"))).expect("schema"))
                .expect("schema JSON");
        let props = schema["createOnlyProperties"]
            .as_array()
            .map(|a| a.iter().filter_map(|p| p.as_str().map(String::from)).collect())
            .unwrap_or_default();
        map.insert(ty.to_string(), props);
    }
    Some(map)
}

/// The values at a schema pointer (`/properties/…`, `*` for every item of a list) in a template's
/// resource, whose properties are under `Properties`.
fn at<'a>(v: &'a Value, pointer: &str) -> Vec<(String, &'a Value)> {
    let mut found = vec![(String::new(), v)];
    let pointer = pointer
        .strip_prefix("/properties/")
        .map(|p| format!("Properties/{p}"))
        .unwrap_or_else(|| pointer.trim_start_matches('/').to_string());
    for part in pointer.split('/') {
        let mut next = Vec::new();
        for (path, v) in found {
            if part == "*" {
                for (i, item) in v.as_array().into_iter().flatten().enumerate() {
                    next.push((format!("{path}/{i}"), item));
                }
            } else if let Some(x) = v.get(part) {
                next.push((format!("{path}/{part}"), x));
            }
        }
        found = next;
    }
    found
}

struct Rendered {
    /// stack → logical id → resource.
    cfn: BTreeMap<String, BTreeMap<String, Value>>,
    /// (folder, `type.name`) → the block's text.
    tf: BTreeMap<(String, String), String>,
}

fn render(name: &str, overrides: &[&str]) -> Rendered {
    let plan = plan_with(name, overrides);
    let files = mrgen::render::render(&plan, true, true, Default::default()).expect("renders");
    let mut cfn = BTreeMap::new();
    let mut tf = BTreeMap::new();
    for f in files {
        if let Some(stack) = f
            .path
            .strip_prefix("cloudformation/")
            .and_then(|p| p.strip_suffix(".template.json"))
        {
            let t: Value = serde_json::from_str(&f.contents).expect("template JSON");
            let resources = t["Resources"]
                .as_object()
                .expect("resources")
                .clone()
                .into_iter()
                .collect();
            cfn.insert(stack.to_string(), resources);
        } else if f.path.ends_with(".tf") {
            let folder = f.path.rsplit_once('/').map_or("", |(d, _)| d).to_string();
            for block in f.contents.split("\nresource \"").skip(1) {
                let (ty, rest) = block.split_once("\" \"").expect("resource labels");
                let (label, _) = rest.split_once('"').expect("resource name");
                let body = block.split("\n}\n").next().unwrap_or(block).to_string();
                tf.insert((folder.clone(), format!("{ty}.{label}")), body);
            }
        }
    }
    Rendered { cfn, tf }
}

/// Whether a resource may change with the writer: a kind of `FOLLOWS_WRITER`, and of the
/// records only the failover records (PRIMARY is the writer); the entry points and the other
/// routing records lead to the same regions whoever writes.
fn follows_writer(ty: &str, res: &Value) -> bool {
    match ty {
        "AWS::Route53::RecordSet" => res["Properties"].get("Failover").is_some(),
        _ => FOLLOWS_WRITER.contains(&ty),
    }
}

/// The create-only properties (`create_only`) that differ between two renders, for each stateful
/// resource of the same type that both have (one that only one render has is new or gone, not
/// replaced).
fn create_only_changes(a: &Rendered, b: &Rendered, create_only: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    let mut problems = Vec::new();
    for (stack, resources) in &a.cfn {
        let Some(other) = b.cfn.get(stack) else { continue };
        for (id, ra) in resources {
            let ty = ra["Type"].as_str().unwrap_or_default();
            let Some(rb) = other
                .get(id)
                .filter(|rb| rb["Type"] == ra["Type"] && STATEFUL.contains(&ty))
            else {
                continue;
            };
            for pointer in create_only.get(ty).into_iter().flatten() {
                let va: BTreeMap<String, &Value> = at(ra, pointer).into_iter().collect();
                let vb: BTreeMap<String, &Value> = at(rb, pointer).into_iter().collect();
                if va != vb {
                    problems.push(format!("{stack}/{id} ({ty}): create-only {pointer} changes"));
                }
            }
        }
    }
    problems
}

/// Every difference between two renders that changes what a region was created as.
fn identity_changes(a: &Rendered, b: &Rendered, create_only: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    let mut problems = Vec::new();
    let stacks_a: BTreeSet<&String> = a.cfn.keys().collect();
    let stacks_b: BTreeSet<&String> = b.cfn.keys().collect();
    for s in stacks_a.symmetric_difference(&stacks_b) {
        problems.push(format!("stack {s} exists in one render only"));
    }
    // Where each logical id lives, and its type.
    let place = |r: &Rendered| -> BTreeMap<String, (String, String)> {
        let mut m = BTreeMap::new();
        for (stack, resources) in &r.cfn {
            for (id, res) in resources {
                let ty = res["Type"].as_str().unwrap_or_default().to_string();
                m.insert(format!("{stack}/{id}"), (stack.clone(), ty));
            }
        }
        m
    };
    let (pa, pb) = (place(a), place(b));
    for (key, (_, ty)) in pa
        .iter()
        .filter(|(k, _)| !pb.contains_key(*k))
        .chain(pb.iter().filter(|(k, _)| !pa.contains_key(*k)))
    {
        let (stack, id) = key.split_once('/').expect("stack/id");
        let res = [a, b]
            .iter()
            .find_map(|r| r.cfn.get(stack).and_then(|rs| rs.get(id)))
            .expect("the resource");
        if !follows_writer(ty, res) {
            problems.push(format!("{key} ({ty}) is in one render only (moved, added or removed)"));
        }
    }
    for (stack, resources) in &a.cfn {
        let Some(other) = b.cfn.get(stack) else { continue };
        for (id, ra) in resources {
            let Some(rb) = other.get(id) else { continue };
            let ty = ra["Type"].as_str().unwrap_or_default();
            if ra["Type"] != rb["Type"] {
                problems.push(format!("{stack}/{id} changes type"));
                continue;
            }
            if !STATEFUL.contains(&ty) && ra != rb && !(follows_writer(ty, ra) && follows_writer(ty, rb)) {
                problems.push(format!(
                    "{stack}/{id} ({ty}) changes, and it does not follow the writer"
                ));
            }
        }
    }
    problems.extend(create_only_changes(a, b, create_only));
    let ka: BTreeSet<&(String, String)> = a.tf.keys().collect();
    let kb: BTreeSet<&(String, String)> = b.tf.keys().collect();
    for (folder, address) in ka.symmetric_difference(&kb) {
        let ty = address.split('.').next().unwrap_or_default();
        if !TF_FOLLOWS_WRITER.contains(&ty) {
            problems.push(format!("terraform {folder}/{address} is in one render only"));
        }
    }
    for (key, block) in &a.tf {
        let ty = key.1.split('.').next().unwrap_or_default();
        if TF_STATEFUL.contains(&ty) && b.tf.get(key).is_some_and(|other| other != block) {
            problems.push(format!("terraform {}/{} changes", key.0, key.1));
        }
    }
    problems
}

#[test]
fn the_writer_moves_without_touching_create_time_identity() {
    let Some(create_only) = create_only() else { return };
    assert!(create_only["AWS::RDS::DBCluster"].contains(&"/properties/SourceRegion".to_string()));
    let mut compared = 0;
    for name in shipped_environments() {
        let base = render(&name, &[]);
        let plan_regions = plan_with(&name, &[]).regions;
        for region in plan_regions.iter().skip(1) {
            let moved = render(&name, &[&format!("genai-demo:multi-region.writer={region}")]);
            let problems = identity_changes(&base, &moved, &create_only);
            assert!(problems.is_empty(), "{name}, writer {region}:\n{}", problems.join("\n"));
            // And back: the same bytes as before.
            let back = render(&name, &[&format!("genai-demo:multi-region.writer={}", plan_regions[0])]);
            assert_eq!(base.cfn, back.cfn, "{name}: back to the primary");
            assert_eq!(base.tf, back.tf, "{name}: back to the primary");
            compared += 1;
        }
    }
    assert!(compared >= 4, "only {compared} writer moves compared");
}

/// The dashboard was created in `regions.primary` and stays there: dashboards are account-wide,
/// and one that moved with the writer would be deleted and made again elsewhere (SPEC 5.4). In
/// both backends it is the one dashboard, in the primary's monitoring stack, the same bytes
/// whichever region writes.
#[test]
fn the_dashboard_stays_in_the_primary_whoever_writes() {
    let dashboards = |r: &Rendered| -> Vec<(String, String)> {
        let mut found = Vec::new();
        for (stack, resources) in &r.cfn {
            for (id, res) in resources {
                if res["Type"] == "AWS::CloudWatch::Dashboard" {
                    found.push((stack.clone(), id.clone()));
                }
            }
        }
        for (folder, address) in r.tf.keys() {
            if address.starts_with("aws_cloudwatch_dashboard.") {
                found.push((folder.clone(), address.clone()));
            }
        }
        found
    };
    let mut compared = 0;
    for name in shipped_environments() {
        let plan = plan_with(&name, &[]);
        let stack = format!("{}-{}-monitoring-{}", plan.prefix, plan.environment, plan.regions[0]);
        let base = render(&name, &[]);
        let found = dashboards(&base);
        let address = format!(
            "aws_cloudwatch_dashboard.monitoring_dashboard_{}",
            crate::common::short_code(&plan.regions[0])
        );
        assert_eq!(
            found,
            [
                (stack.clone(), "Dashboard".to_string()),
                (format!("terraform/{stack}"), address.clone())
            ],
            "{name}: one dashboard, in the primary's monitoring stack"
        );
        for region in plan.regions.iter().skip(1) {
            let moved = render(&name, &[&format!("genai-demo:multi-region.writer={region}")]);
            assert_eq!(dashboards(&moved), found, "{name}, writer {region}");
            assert_eq!(
                serde_json::to_string(&base.cfn[&stack]["Dashboard"]).unwrap(),
                serde_json::to_string(&moved.cfn[&stack]["Dashboard"]).unwrap(),
                "{name}, writer {region}: the CloudFormation dashboard changes"
            );
            let key = (format!("terraform/{stack}"), address.clone());
            assert_eq!(
                base.tf[&key], moved.tf[&key],
                "{name}, writer {region}: the Terraform dashboard changes"
            );
            compared += 1;
        }
    }
    assert!(compared >= 4, "only {compared} writer moves compared");
}

/// The old way of moving the writer, swapping the regions, is exactly what this check exists to
/// catch: it must report replaced databases and renamed stacks.
#[test]
fn swapping_the_primary_is_caught() {
    let Some(create_only) = create_only() else { return };
    let base = render("production", &[]);
    // The pointers reach into the template's properties (a check that compares nothing passes).
    let cluster = &base.cfn["genai-demo-production-aurora-ap-northeast-1"]["Cluster"];
    assert_eq!(at(cluster, "/properties/DBClusterIdentifier").len(), 1);
    let swapped = render(
        "production",
        &[r#"genai-demo:regions={"primary": "ap-northeast-2", "secondary": "ap-northeast-1"}"#],
    );
    let problems = identity_changes(&base, &swapped, &create_only);
    let all = problems.join("\n");
    assert!(all.contains("create-only /properties/SourceRegion changes"), "{all}");
    assert!(all.contains("create-only /properties/DatabaseName changes"), "{all}");
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("terraform ") && p.contains("/aws_rds_cluster.") && p.ends_with(" changes")),
        "a Terraform cluster block changes: {all}"
    );
}

/// The ARC Region switch plan stays with `regions.primary` whoever writes (its
/// `PrimaryRegion` and `Regions` are create-only), and the check sees a plan that followed the
/// writer.
#[test]
fn the_region_switch_plan_stays_with_the_primary() {
    let Some(create_only) = create_only() else { return };
    assert!(create_only["AWS::ARCRegionSwitch::Plan"].contains(&"/properties/PrimaryRegion".to_string()));
    let stack = "genai-demo-production-recovery-us-east-1";
    let base = render("production", &[]);
    let plan = &base.cfn[stack]["PlanApne2"];
    assert_eq!(plan["Type"], "AWS::ARCRegionSwitch::Plan");
    assert_eq!(plan["Properties"]["PrimaryRegion"], "ap-northeast-1");
    assert_eq!(at(plan, "/properties/PrimaryRegion").len(), 1);
    let moved = render("production", &["genai-demo:multi-region.writer=ap-northeast-2"]);
    assert_eq!(
        moved.cfn[stack]["PlanApne2"], *plan,
        "the plan does not follow the writer"
    );
    assert!(identity_changes(&base, &moved, &create_only).is_empty());
    // A plan keyed on the writer would be caught.
    let mut followed = render("production", &["genai-demo:multi-region.writer=ap-northeast-2"]);
    let props = &mut followed.cfn.get_mut(stack).unwrap().get_mut("PlanApne2").unwrap()["Properties"];
    props["PrimaryRegion"] = serde_json::json!("ap-northeast-2");
    props["Regions"] = serde_json::json!(["ap-northeast-2", "ap-northeast-1"]);
    let problems = identity_changes(&base, &followed, &create_only).join("\n");
    assert!(
        problems.contains("PlanApne2 (AWS::ARCRegionSwitch::Plan): create-only /properties/PrimaryRegion changes"),
        "{problems}"
    );
    assert!(
        problems.contains("create-only /properties/Regions changes"),
        "{problems}"
    );
}

/// What does follow the writer: the sizing, the failover records and the lag alarms.
#[test]
fn what_follows_the_writer_moves() {
    let plan_of = |writer: &str| plan_with("production", &[&format!("genai-demo:multi-region.writer={writer}")]);
    let (a, b) = (plan_of("ap-northeast-1"), plan_of("ap-northeast-2"));
    let nodes = |plan: &mrgen::plan::Plan, region: &str| {
        plan.stacks
            .iter()
            .filter(|s| s.region == region)
            .flat_map(|s| &s.resources)
            .find_map(|r| match &r.kind {
                mrgen::plan::Kind::EksNodegroup(n) => Some((n.min, n.max, n.desired)),
                _ => None,
            })
            .unwrap()
    };
    assert_eq!(
        nodes(&a, "ap-northeast-1"),
        nodes(&b, "ap-northeast-2"),
        "the writer's sizing moves"
    );
    assert_eq!(
        nodes(&a, "ap-northeast-2"),
        nodes(&b, "ap-northeast-1"),
        "the DR sizing moves"
    );
    assert_ne!(
        nodes(&a, "ap-northeast-1"),
        nodes(&a, "ap-northeast-2"),
        "production sizes them apart"
    );
    let lag_alarms = |plan: &mrgen::plan::Plan, region: &str| {
        plan.stacks
            .iter()
            .filter(|s| s.region == region)
            .flat_map(|s| &s.resources)
            .filter(|r| r.id.contains("_lag_"))
            .count()
    };
    assert!(lag_alarms(&a, "ap-northeast-1") == 0 && lag_alarms(&a, "ap-northeast-2") > 0);
    assert!(lag_alarms(&b, "ap-northeast-2") == 0 && lag_alarms(&b, "ap-northeast-1") > 0);
    assert_eq!(b.writer, "ap-northeast-2");
}

/// Of the records, only the failover records follow the writer: an entry point or a latency
/// record that changed with it would send users to another region than before.
#[test]
fn only_failover_records_follow_the_writer() {
    let Some(create_only) = create_only() else { return };
    let base = render("production", &[]);
    let writer = ["genai-demo:multi-region.writer=ap-northeast-2"];
    let moved = render("production", &writer);
    let dns = "genai-demo-production-dns-us-east-1";
    assert_ne!(
        base.cfn[dns]["Record0Apne1"], moved.cfn[dns]["Record0Apne1"],
        "the failover record moves"
    );
    assert_eq!(base.cfn[dns]["EntryPointApne1"], moved.cfn[dns]["EntryPointApne1"]);
    assert!(identity_changes(&base, &moved, &create_only).is_empty());
    for (id, to) in [("EntryPointApne1", "Apne2"), ("Record1Apne1", "Apne2")] {
        let mut broken = render("production", &writer);
        let alias = &mut broken.cfn.get_mut(dns).unwrap().get_mut(id).unwrap()["Properties"]["AliasTarget"];
        alias["DNSName"] = serde_json::json!({ "Ref": format!("LoadBalancerDnsName{to}") });
        let problems = identity_changes(&base, &broken, &create_only);
        assert!(
            problems.iter().any(|p| p.contains(&format!("{dns}/{id} "))),
            "{id}: {problems:?}"
        );
    }
}

/// Sizes are meant to change: a replica, a reader, a node or a broker more or less must update the
/// stateful resources in place. For every region's sizing of every shipped environment, each
/// count one step up and down (where the result is valid) changes no create-only property
/// (cfn-lint's schemas) of a stateful resource that both renders have; the resources a count adds
/// or removes (an Aurora reader) are new or gone, not replaced.
#[test]
fn sizes_change_without_replacing_stateful_resources() {
    let Some(create_only) = create_only() else { return };
    assert!(create_only["AWS::ElastiCache::ReplicationGroup"].contains(&"/properties/ReplicasPerNodeGroup".to_string()));
    let mut compared = 0;
    for name in shipped_environments() {
        let model = checked_with(&name, &[]).env.expect("a shipped environment resolves");
        let base = render(&name, &[]);
        for region in &model.regions {
            // Brokers come in multiples of the zones (MR305). A size the model refuses (out of
            // its schema's range, or against a rule) is not compared.
            let zones = i64::from(region.az_count);
            for (size, step) in [
                (&region.redis_replicas, 1),
                (&region.aurora_readers, 1),
                (&region.eks_min, 1),
                (&region.eks_desired, 1),
                (&region.eks_max, 1),
                (&region.msk_brokers, zones),
            ] {
                for to in [size.value + step, size.value - step] {
                    let set = format!("{}={to}", size.path);
                    if checked_with(&name, &[&set]).has_errors() {
                        continue;
                    }
                    let problems = create_only_changes(&base, &render(&name, &[&set]), &create_only);
                    assert!(problems.is_empty(), "{name}, {set}:\n{}", problems.join("\n"));
                    compared += 1;
                }
            }
        }
    }
    assert!(compared >= 10, "only {compared} sizes compared");
    println!("{compared} size changes: no create-only property of a stateful resource changes");
}
