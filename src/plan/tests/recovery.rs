//! The recovery layer's plan: ARC Region switch plans.

use super::*;

const ARC_ON: &str = "genai-demo:multi-region.arc-region-switch=true";

/// The Region switch plans of a plan: (their stack, the plan).
fn region_switch_plans(p: &Plan) -> Vec<(&Stack, &RegionSwitchPlan)> {
    p.stacks
        .iter()
        .flat_map(|s| s.resources.iter().map(move |r| (s, r)))
        .filter_map(|(s, r)| match &r.kind {
            Kind::RegionSwitchPlan(plan) => Some((s, plan)),
            _ => None,
        })
        .collect()
}

/// Every execution block of a plan, in workflow and step order.
fn blocks(plan: &RegionSwitchPlan) -> Vec<&ExecutionBlock> {
    plan.workflows
        .iter()
        .flat_map(|w| w.steps.iter().map(|s| &s.block))
        .collect()
}

/// One plan per pair of the primary and another region: a plan holds exactly two regions, the
/// primary first and its primary region, keyed on `regions.primary`; active-passive plans have
/// an activating workflow per region, active-active ones an activating and a deactivating one.
#[test]
fn region_switch_plans_pair_the_primary_with_each_other_region() {
    for (name, active_active) in [("production", false), ("global", true)] {
        let (env, p) = shipped(name, &[ARC_ON]);
        let plans = region_switch_plans(&p);
        let others: Vec<&str> = p.regions[1..].iter().map(String::as_str).collect();
        assert_eq!(plans.len(), others.len(), "{name}: one plan per other region");
        for ((s, plan), other) in plans.iter().zip(&others) {
            assert_eq!((s.layer, s.region.as_str()), (Layer::Recovery, "us-east-1"), "{name}");
            assert_eq!(plan.regions, [p.regions[0].as_str(), *other], "{name}");
            assert_eq!(plan.primary_region, p.regions[0], "{name}");
            assert_eq!(
                plan.name,
                format!("{}-{}-{}", p.prefix, p.environment, crate::naming::short_code(other))
            );
            assert!(plan.name.len() <= 32, "{}", plan.name);
            assert_eq!(plan.active_active, active_active, "{name}");
            let actions: Vec<(WorkflowAction, Option<&str>)> = plan
                .workflows
                .iter()
                .map(|w| (w.action, w.target_region.as_deref()))
                .collect();
            if active_active {
                assert_eq!(
                    actions,
                    [(WorkflowAction::Deactivate, None), (WorkflowAction::Activate, None)]
                );
            } else {
                assert_eq!(
                    actions,
                    [
                        (WorkflowAction::Activate, Some(p.regions[0].as_str())),
                        (WorkflowAction::Activate, Some(*other))
                    ]
                );
            }
            // Step names are unique in the plan, and each Aurora and EKS block names exactly the
            // pair's two clusters.
            let mut names: Vec<&str> = plan
                .workflows
                .iter()
                .flat_map(|w| w.steps.iter().map(|st| st.name.as_str()))
                .collect();
            let n = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), n, "{}: step names", plan.name);
            for b in blocks(plan) {
                let pair = |what: &str| -> Vec<V> {
                    [p.regions[0].as_str(), *other]
                        .iter()
                        .map(|r| V::p(&format!("{what}{}", pascal(&crate::naming::short_code(r)))))
                        .collect()
                };
                match b {
                    ExecutionBlock::AuroraGlobalDatabase { clusters, .. } => {
                        assert_eq!(*clusters, pair("AuroraClusterArn"));
                    }
                    ExecutionBlock::EksResourceScaling { clusters, deployments } => {
                        assert_eq!(*clusters, pair("EksClusterArn"));
                        let w = &env.eks.as_ref().unwrap().workload;
                        let regions: Vec<&str> = deployments.iter().map(|d| d.0.as_str()).collect();
                        assert_eq!(regions, [p.regions[0].as_str(), *other]);
                        assert!(deployments
                            .iter()
                            .all(|d| (d.1.as_str(), d.2.as_str()) == (&w.namespace, &w.service_account)));
                    }
                    ExecutionBlock::ManualApproval { approval_role } => {
                        assert_eq!(*approval_role, V::attr("approval_role", Attr::Arn));
                    }
                }
            }
        }
        // Each region with a cluster gives the execution role an access entry, in its own
        // region: in the plans' stack for us-east-1, in the region's recovery stack elsewhere.
        for region in &p.regions {
            let entries = kinds_in(&p, Layer::Recovery, region, |k| match k {
                Kind::EksAccessEntry(e) => Some(e),
                _ => None,
            });
            assert_eq!(entries.len(), 1, "{name} {region}");
            assert_eq!(
                entries[0].namespaces,
                [env.eks.as_ref().unwrap().workload.namespace.clone()]
            );
            let s = find(&p, Layer::Recovery, region).unwrap();
            let eks = find(&p, Layer::Eks, region).unwrap();
            assert!(s.depends_on.contains(&eks.name), "{}", s.name);
            if region != "us-east-1" {
                assert_eq!(entries[0].principal, V::p("RegionSwitchRoleArn"));
                assert!(s
                    .depends_on
                    .contains(&format!("{}-{}-recovery-us-east-1", p.prefix, p.environment)));
            }
        }
        // Everything of the layer is CloudFormation's only.
        for s in p.stacks.iter().filter(|s| s.layer == Layer::Recovery) {
            assert!(
                s.resources.iter().all(|r| r.backends == Backends::CloudFormationOnly),
                "{}",
                s.name
            );
            assert!(
                s.outputs.iter().all(|o| o.backends == Backends::CloudFormationOnly),
                "{}",
                s.name
            );
        }
    }
}

/// SPEC 5.4: a plan's primary region and regions are create-only, so moving the writer leaves
/// every recovery stack exactly as it was: the plans stay keyed on `regions.primary`.
#[test]
fn region_switch_plans_stay_put_when_the_writer_moves() {
    for name in ["production", "global"] {
        let (_, base) = shipped(name, &[ARC_ON]);
        let recovery = |p: &Plan| -> Vec<Stack> {
            p.stacks
                .iter()
                .filter(|s| s.layer == Layer::Recovery)
                .cloned()
                .collect()
        };
        assert!(!recovery(&base).is_empty());
        for writer in &base.regions[1..] {
            let (_, moved) = shipped(name, &[ARC_ON, &format!("genai-demo:multi-region.writer={writer}")]);
            assert_eq!(&moved.writer, writer);
            assert_eq!(recovery(&moved), recovery(&base), "{name}, writer {writer}");
            for (_, plan) in region_switch_plans(&moved) {
                assert_eq!(plan.primary_region, base.regions[0], "{name}, writer {writer}");
            }
        }
    }
}

/// A block for a component the environment leaves out is left out too, with the role's
/// permissions for it, the parameters that would feed it and the access entries.
#[test]
fn region_switch_blocks_follow_the_components() {
    let has = |p: &Plan, pick: fn(&ExecutionBlock) -> bool| {
        region_switch_plans(p)
            .iter()
            .any(|(_, plan)| blocks(plan).into_iter().any(pick))
    };
    let aurora = |b: &ExecutionBlock| matches!(b, ExecutionBlock::AuroraGlobalDatabase { .. });
    let eks = |b: &ExecutionBlock| matches!(b, ExecutionBlock::EksResourceScaling { .. });
    let approval = |b: &ExecutionBlock| matches!(b, ExecutionBlock::ManualApproval { .. });
    let actions = |p: &Plan| -> Vec<String> {
        let s = find(p, Layer::Recovery, "us-east-1").unwrap();
        let Kind::IamRole(role) = &s.resource("execution_role").unwrap().kind else {
            panic!()
        };
        role.policy.iter().flat_map(|st| st.actions.clone()).collect()
    };
    let approval_text = |p: &Plan| -> String {
        let (_, plan) = region_switch_plans(p)[0];
        let step = plan.workflows[0].steps.iter().find(|st| approval(&st.block)).unwrap();
        let V::Join(parts) = &step.description else {
            panic!("{:?}", step.description)
        };
        parts
            .iter()
            .map(|v| match v {
                V::Str(s) => s.clone(),
                V::Param(p) => format!("<{p}>"),
                other => panic!("{other:?}"),
            })
            .collect()
    };

    let (_, all) = shipped("production", &[ARC_ON]);
    assert!(has(&all, aurora) && has(&all, eks) && has(&all, approval));
    assert!(actions(&all).contains(&"rds:SwitchoverGlobalCluster".to_string()));
    assert!(actions(&all).contains(&"eks:DescribeCluster".to_string()));
    let text = approval_text(&all);
    assert!(
        text.contains("failover-global-replication-group --global-replication-group-id <GlobalReplicationGroupId>"),
        "{text}"
    );
    assert!(text.contains("msk/cluster-arn"), "{text}");

    let (_, bare) = shipped(
        "production",
        &[
            ARC_ON,
            "genai-demo:aurora.enabled=false",
            "genai-demo:eks.enabled=false",
            "genai-demo:redis.enabled=false",
            "genai-demo:msk.enabled=false",
        ],
    );
    assert!(!has(&bare, aurora), "no Aurora block without Aurora");
    assert!(!has(&bare, eks), "no EKS block without EKS");
    assert!(has(&bare, approval), "the approval stays: the writer still moves");
    let left: Vec<String> = actions(&bare);
    assert!(
        left.iter().all(|a| !a.starts_with("rds:") && !a.starts_with("eks:")),
        "{left:?}"
    );
    let text = approval_text(&bare);
    assert!(!text.contains("elasticache") && !text.contains("MSK:"), "{text}");
    assert!(text.contains("multi-region.writer"), "{text}");
    // No access entries, so no recovery stack in the application's regions.
    let stacks: Vec<&str> = bare
        .stacks
        .iter()
        .filter(|s| s.layer == Layer::Recovery)
        .map(|s| s.region.as_str())
        .collect();
    assert_eq!(stacks, ["us-east-1"]);
    let s = find(&bare, Layer::Recovery, "us-east-1").unwrap();
    assert!(s.parameters.is_empty() && s.depends_on.is_empty(), "{:?}", s.parameters);
}

/// No recovery stack unless the key asks for one and a secondary region is rendered.
#[test]
fn no_recovery_stack_without_the_key_or_a_secondary() {
    let recovery = |p: &Plan| p.stacks.iter().filter(|s| s.layer == Layer::Recovery).count();
    for name in SHIPPED {
        let (env, p) = shipped(name, &["genai-demo:multi-region.arc-region-switch=false"]);
        assert!(!env.arc_region_switch);
        assert_eq!(recovery(&p), 0, "{name}");
    }
    // Asked for with DR off or no secondary at all (MR307 warns): nothing to pair the primary
    // with.
    let file = |regions: &str| {
        format!(
            "genai-demo:regions: {regions}\n\
             genai-demo:multi-region: {{enable-dr: false, arc-region-switch: true}}\n"
        )
    };
    for regions in [
        "{primary: ap-northeast-1, secondary: ap-northeast-2}",
        "{primary: ap-northeast-1}",
    ] {
        let (env, p) = checked("production", "f.yaml", file(regions).as_bytes(), &[]);
        assert!(env.arc_region_switch && p.regions.len() == 1, "{regions}");
        assert_eq!(recovery(&p), 0, "{regions}");
    }
    let (_, p) = shipped("development", &[ARC_ON]);
    assert_eq!(recovery(&p), 0);
}
