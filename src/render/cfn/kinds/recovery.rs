//! AWS ARC Region switch plans as CloudFormation resources (`AWS::ARCRegionSwitch::Plan`, whose
//! schema cfn-lint ships): the plan, its workflows, and each step's execution block.

use super::CfnKind;
use crate::plan::kinds::*;
use crate::plan::Attr;
use crate::render::cfn::value::{plain, Ctx};
use serde_json::{json, Map, Value};

impl CfnKind for RegionSwitchPlan {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::ARCRegionSwitch::Plan")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let RegionSwitchPlan {
            name,
            description,
            active_active,
            primary_region,
            regions,
            execution_role,
            workflows,
        } = self;
        json!({
            "Name": name,
            "Description": description,
            "RecoveryApproach": if *active_active { "activeActive" } else { "activePassive" },
            "PrimaryRegion": primary_region,
            "Regions": regions,
            "ExecutionRole": ctx.v(execution_role),
            "Workflows": workflows.iter().map(|w| workflow(ctx, w)).collect::<Vec<_>>(),
            // A map of tags (the schema's `Tags` is an object, not a list).
            "Tags": ctx.tag_map(Some(name)),
        })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        match a {
            // `Ref` gives the ARN, the plan's primary identifier.
            Attr::Arn => None,
            other => plain(other),
        }
    }
}

fn workflow(ctx: &Ctx, w: &RegionSwitchWorkflow) -> Value {
    let RegionSwitchWorkflow {
        action,
        target_region,
        description,
        steps,
    } = w;
    let mut m = Map::new();
    m.insert("WorkflowTargetAction".into(), json!(action.as_str()));
    if let Some(region) = target_region {
        m.insert("WorkflowTargetRegion".into(), json!(region));
    }
    m.insert("WorkflowDescription".into(), json!(description));
    m.insert(
        "Steps".into(),
        Value::Array(steps.iter().map(|s| step(ctx, s)).collect()),
    );
    Value::Object(m)
}

fn step(ctx: &Ctx, s: &RegionSwitchStep) -> Value {
    let RegionSwitchStep {
        name,
        description,
        block,
    } = s;
    let (ty, config) = match block {
        ExecutionBlock::AuroraGlobalDatabase {
            global_cluster,
            clusters,
        } => (
            "AuroraGlobalDatabase",
            json!({ "GlobalAuroraConfig": {
                // Graceful: SwitchoverGlobalCluster, no data loss; ungraceful (the writer's
                // region is impaired): FailoverGlobalCluster with AllowDataLoss.
                "Behavior": "switchoverOnly",
                "Ungraceful": { "Ungraceful": "failover" },
                "GlobalClusterIdentifier": ctx.v(global_cluster),
                "DatabaseClusterArns": ctx.list(clusters),
            }}),
        ),
        ExecutionBlock::EksResourceScaling { clusters, deployments } => {
            let mut per_region = Map::new();
            let mut app = String::new();
            for (region, namespace, deployment) in deployments {
                per_region.insert(region.clone(), json!({ "Namespace": namespace, "Name": deployment }));
                app.clone_from(deployment);
            }
            (
                "EKSResourceScaling",
                json!({ "EksResourceScalingConfig": {
                    "KubernetesResourceType": { "ApiVersion": "apps/v1", "Kind": "Deployment" },
                    "EksClusters": clusters.iter().map(|c| json!({ "ClusterArn": ctx.v(c) })).collect::<Vec<_>>(),
                    "ScalingResources": [{ app: per_region }],
                }}),
            )
        }
        ExecutionBlock::ManualApproval { approval_role } => (
            "ManualApproval",
            json!({ "ExecutionApprovalConfig": { "ApprovalRole": ctx.v(approval_role) } }),
        ),
    };
    json!({
        "Name": name,
        "Description": ctx.v(description),
        "ExecutionBlockType": ty,
        "ExecutionBlockConfiguration": config,
    })
}
