//! What AWS needs between resources and over time, on the rendered files of both backends (SPEC
//! 5.1): replicated topics keep their names, the replicator waits for the source cluster's
//! policy, applications get the global writer endpoint, a re-created Aurora cluster gets the
//! password its secret holds, lag alarms watch every node, both budget caps are rendered, and a
//! Global Datastore's members carry no parameter group of mrgen's. Each assertion fails on the
//! output as it was before the fix it guards.

use crate::common::{render_env, shipped_environments};
use mrgen::render::File;
use serde_json::Value;

fn template(files: &[File], stack: &str) -> Value {
    let f = files
        .iter()
        .find(|f| f.path == format!("cloudformation/{stack}.template.json"))
        .unwrap_or_else(|| panic!("no template of {stack}"));
    serde_json::from_str(&f.contents).unwrap()
}

fn tf(files: &[File]) -> String {
    files
        .iter()
        .filter(|f| crate::common::single_module_file(&f.path))
        .map(|f| f.contents.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text of every Terraform block of `ty` (from its `resource` line to its closing brace).
fn tf_blocks<'a>(all: &'a str, kind: &str, ty: &str) -> Vec<&'a str> {
    let head = format!("{kind} \"{ty}\" \"");
    all.match_indices(&head)
        .map(|(i, _)| {
            let rest = &all[i..];
            &rest[..rest.find("\n}\n").map_or(rest.len(), |e| e + 2)]
        })
        .collect()
}

fn resources_of<'a>(t: &'a Value, ty: &str) -> Vec<&'a Value> {
    t["Resources"]
        .as_object()
        .unwrap()
        .values()
        .filter(|r| r["Type"] == ty)
        .collect()
}

#[test]
fn replicated_topics_keep_their_names() {
    let files = render_env("production");
    let t = template(&files, "genai-demo-production-msk-replication-ap-northeast-2");
    let replicators = resources_of(&t, "AWS::MSK::Replicator");
    assert!(!replicators.is_empty());
    for r in replicators {
        for info in r["Properties"]["ReplicationInfoList"].as_array().unwrap() {
            assert_eq!(info["TopicReplication"]["TopicNameConfiguration"]["Type"], "IDENTICAL");
        }
    }
    let all = tf(&files);
    let blocks = tf_blocks(&all, "resource", "aws_msk_replicator");
    assert!(!blocks.is_empty());
    for b in blocks {
        assert!(
            b.contains("topic_name_configuration {\n        type = \"IDENTICAL\""),
            "{b}"
        );
    }
}

#[test]
fn the_replicator_waits_for_the_source_clusters_policy() {
    let all = tf(&render_env("production"));
    for b in tf_blocks(&all, "resource", "aws_msk_replicator") {
        let source = b
            .split("source_kafka_cluster_arn")
            .nth(1)
            .and_then(|s| s.split("aws_msk_cluster.").nth(1))
            .and_then(|s| s.split('.').next())
            .expect("a source cluster");
        let policy = source.replacen("_cluster_", "_cluster_policy_", 1);
        let deps = b.split("depends_on").nth(1).unwrap_or_default();
        assert!(
            deps.contains(&format!("aws_msk_cluster_policy.{policy}")),
            "a replicator from {source} does not wait for {policy}:\n{b}"
        );
    }
}

#[test]
fn applications_get_the_global_writer_endpoint() {
    let files = render_env("production");
    // CloudFormation's schema offers the global endpoint only as an object, which no output can
    // hold (cfn-lint E6101): the README says how to read it there.
    let t = template(&files, "genai-demo-production-aurora-ap-northeast-1");
    assert!(t["Outputs"].get("GlobalWriterEndpoint").is_none());
    assert!(
        tf(&files).contains("aws_rds_global_cluster.aurora_global_cluster_apne1.endpoint"),
        "the Terraform outputs give the global writer endpoint"
    );
}

#[test]
fn a_recreated_cluster_gets_the_password_its_secret_holds() {
    let all = tf(&render_env("production"));
    let clusters = tf_blocks(&all, "resource", "aws_rds_cluster");
    let primary: Vec<_> = clusters.iter().filter(|b| b.contains("master_password_wo")).collect();
    assert_eq!(primary.len(), 1, "one cluster takes master credentials");
    let line = primary[0]
        .lines()
        .find(|l| l.trim_start().starts_with("master_password_wo "))
        .unwrap();
    assert!(line.contains("ephemeral.aws_secretsmanager_secret_version."), "{line}");
    assert!(
        !line.contains("random_password"),
        "a fresh password would part from the secret: {line}"
    );
    assert_eq!(
        tf_blocks(&all, "ephemeral", "aws_secretsmanager_secret_version").len(),
        1
    );
}

#[test]
fn lag_alarms_watch_every_node_of_the_cache() {
    let files = render_env("production");
    let t = template(&files, "genai-demo-production-monitoring-ap-northeast-2");
    let watched: Vec<String> = resources_of(&t, "AWS::CloudWatch::Alarm")
        .into_iter()
        .filter(|a| a["Properties"]["MetricName"] == "GlobalDatastoreReplicationLag")
        .map(|a| a["Properties"]["Dimensions"][0]["Value"].as_str().unwrap().to_string())
        .collect();
    // production: one replica per shard in the secondary, so two nodes, two levels each.
    for node in [
        "genai-demo-production-redis-apne2-001",
        "genai-demo-production-redis-apne2-002",
    ] {
        assert_eq!(watched.iter().filter(|w| *w == node).count(), 2, "{node}: {watched:?}");
    }
}

#[test]
fn both_budget_caps_are_rendered() {
    let files = render_env("production");
    let t = template(&files, "genai-demo-production-monitoring-us-east-1");
    let budgets = resources_of(&t, "AWS::Budgets::Budget");
    assert_eq!(budgets.len(), 2);
    let hard = budgets
        .iter()
        .find(|b| b["Properties"]["Budget"]["BudgetName"] == "genai-demo-production-monthly-hard-cap")
        .expect("the hard cap");
    let kinds: Vec<&Value> = hard["Properties"]["NotificationsWithSubscribers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["Notification"]["NotificationType"])
        .collect();
    assert_eq!(kinds, ["ACTUAL", "FORECASTED"]);
    assert_eq!(tf_blocks(&tf(&files), "resource", "aws_budgets_budget").len(), 2);
}

#[test]
fn global_datastore_members_carry_no_parameter_group_of_mrgens() {
    for name in shipped_environments() {
        let files = render_env(&name);
        for f in files.iter().filter(|f| f.path.ends_with(".template.json")) {
            let t: Value = serde_json::from_str(&f.contents).unwrap();
            for rg in resources_of(&t, "AWS::ElastiCache::ReplicationGroup") {
                let p = &rg["Properties"];
                let member = p.get("GlobalReplicationGroupId").is_some()
                    || !resources_of(&t, "AWS::ElastiCache::GlobalReplicationGroup").is_empty();
                assert_eq!(
                    member,
                    p.get("CacheParameterGroupName").is_none(),
                    "{name} {}: a parameter group only on a cache of one region",
                    f.path
                );
            }
        }
    }
}

#[test]
fn an_enforced_rpo_sets_auroras_managed_rpo_on_every_cluster() {
    let plan = crate::common::plan_with("production", &["genai-demo:aurora.enforce-rpo=true"]);
    let files = crate::common::render_plan(&plan);
    for region in ["ap-northeast-1", "ap-northeast-2"] {
        let t = template(&files, &format!("genai-demo-production-aurora-{region}"));
        let groups = resources_of(&t, "AWS::RDS::DBClusterParameterGroup");
        assert_eq!(
            groups[0]["Properties"]["Parameters"]["rds.global_db_rpo"], "60",
            "{region}"
        );
    }
    let without = render_env("production");
    let t = template(&without, "genai-demo-production-aurora-ap-northeast-1");
    let groups = resources_of(&t, "AWS::RDS::DBClusterParameterGroup");
    assert!(groups[0]["Properties"]["Parameters"].get("rds.global_db_rpo").is_none());
}
