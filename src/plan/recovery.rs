//! The `recovery` layer (`multi-region.arc-region-switch`): AWS ARC Region switch plans, which
//! run the steps of a switchover or failover between two regions as one execution.
//!
//! A plan holds exactly two regions, and its primary region, its regions and its recovery
//! approach are create-only (the `createOnlyProperties` of `AWS::ARCRegionSwitch::Plan` in
//! cfn-lint's resource schema): so there is one plan per pair of `regions.primary` and another
//! region, keyed on the primary, never on `multi-region.writer`, and a render after the writer
//! moves leaves every plan as it was (SPEC 5.4).
//!
//! Where the plans live: a plan is an account-wide resource (its ARN names no region), and
//! Region switch sends every call that creates, changes or deletes one to a control-plane
//! endpoint in the partition's leading region, us-east-1 (the botocore `arc-region-switch`
//! endpoint rules: `UseControlPlaneEndpoint` goes to `arc-region-switch-control-plane.
//! {implicitGlobalRegion}`); executing a plan goes to the data plane of any of its regions. So
//! the plans and their roles are in the `recovery` stack in us-east-1, beside the `dns` stack:
//! changing a plan then needs that one region, not also the primary, which is the region that
//! may be down when the plan is needed. (cfn-lint 1.51's per-region schemas list the type in
//! every commercial region, us-east-1 among them; not in the China regions.)
//!
//! Each plan's workflows run these execution blocks, each left out when the environment leaves
//! its component out:
//! - Aurora Global Database: the writer moves to the activating region (a switchover when the
//!   plan runs gracefully, a failover when it runs ungracefully);
//! - manual approval: Region switch has no block for the ElastiCache Global Datastore or MSK,
//!   so the step says what to do for them, and to move `multi-region.writer` and deploy, before
//!   someone who may assume the approval role approves;
//! - EKS resource scaling: the application's Deployment (named like `eks.workload`'s service
//!   account, as its Service is) in the activating region, scaled to the replicas it has in the
//!   region being left. Region switch reaches it through an EKS access entry of its role, with
//!   AWS's `AmazonARCRegionSwitchScalingPolicy` over the workload's namespace: created in each
//!   cluster's region, so each region with a cluster has a `recovery` stack of its own for it
//!   (us-east-1's is the plans' stack when us-east-1 is one of the regions).
//!
//! Not used: the Route 53 health check block creates health checks of its own, which take
//! effect only once attached to the routing records in place of the entry points' health checks
//! that the `dns` stack's failover records already fail over on; ARC routing controls need a
//! cluster of their own. (README, "Region switch plans".)
//!
//! ARC Region switch user guide pages: "Region switch components", "Create Region switch plan
//! workflows", "Amazon Aurora Global Database execution block", "Amazon EKS resource scaling
//! execution block", "Plan execution role trust policy", and the execution block sample
//! policies ("Complete plan execution role permissions", Aurora, EKS, manual approval).

use super::layer::Layer;
use super::parts::*;
use super::types::*;
use super::values::*;
use crate::model::env::RegionEnv;
use crate::model::raw::Mode;
use crate::model::Environment;
use crate::naming::{global_id, regional_id, short_code, GLOBAL_REGION};
use crate::plan::kinds::*;

/// The service principal Region switch assumes a plan's execution role as.
const REGION_SWITCH_PRINCIPAL: &str = "arc-region-switch.amazonaws.com";

/// The EKS access policy that lets Region switch scale Kubernetes resources.
const SCALING_ACCESS_POLICY: &str = "arn:aws:eks::aws:cluster-access-policy/AmazonARCRegionSwitchScalingPolicy";

/// The name of the plan that pairs the primary with `other`: `<prefix>-<env>-<short code>`.
pub(super) fn plan_name(env: &Environment, other: &str) -> String {
    format!("{}-{}-{}", env.prefix, env.name, short_code(other))
}

/// The stack that holds the plans and their roles.
pub(super) fn plans_stack(env: &Environment) -> String {
    stack_name(env, Layer::Recovery, GLOBAL_REGION)
}

/// The parameter of the plans' stack that carries `what` of `region`.
fn regional_param(what: &str, region: &str) -> String {
    format!("{what}{}", pascal(&short_code(region)))
}

pub(super) fn recovery(env: &Environment) -> Vec<Stack> {
    if !env.arc_region_switch || env.secondaries().is_empty() {
        return Vec::new();
    }
    let mut s = stack(
        env,
        Layer::Recovery,
        GLOBAL_REGION,
        format!(
            "{}: the AWS ARC Region switch plans (one per pair of {} and another region) and the roles they run and are approved with",
            env.name,
            env.primary().code
        ),
    );
    takes(env, &mut s);
    let plans: Vec<(String, String)> = env
        .secondaries()
        .iter()
        .map(|o| (o.code.clone(), plan_name(env, &o.code)))
        .collect();
    let execution_role = global_id(env, "arc-execution");
    let approval_role = global_id(env, "arc-approval");
    s.resources.push(cfn_only_res(
        "execution_role",
        Kind::IamRole(IamRole {
            name: execution_role.clone(),
            trust: Statement::trust(&[REGION_SWITCH_PRINCIPAL]),
            managed_policies: Vec::new(),
            policy: execution_policy(env, &execution_role, &plans),
        }),
    ));
    let mut operators = Statement::allow("AccountOperators", &["sts:AssumeRole"], Vec::new());
    operators.account_principal = true;
    s.resources.push(cfn_only_res(
        "approval_role",
        Kind::IamRole(IamRole {
            name: approval_role,
            trust: vec![operators],
            managed_policies: Vec::new(),
            policy: vec![Statement::allow(
                "ApproveSteps",
                &["arc-region-switch:ApprovePlanExecutionStep"],
                plans.iter().map(|(_, name)| plan_arn(name)).collect(),
            )],
        }),
    ));
    for o in env.secondaries() {
        let id = format!("plan_{}", short_code(&o.code));
        s.resources
            .push(cfn_only_res(&id, Kind::RegionSwitchPlan(plan(env, o))));
        s.outputs.push(cfn_only(out(
            Out::RegionSwitchPlanArn(pascal(&short_code(&o.code))),
            V::r(&id),
            &format!(
                "The Region switch plan between {} and {} (`aws arc-region-switch start-plan-execution --plan-arn`)",
                env.primary().code,
                o.code
            ),
        )));
    }
    s.outputs.push(cfn_only(out(
        Out::RegionSwitchRoleArn,
        V::attr("execution_role", Attr::Arn),
        "The role Region switch runs the plans with (each cluster's access entry names it)",
    )));
    let mut regional_stacks = Vec::new();
    if env.eks.is_some() {
        for r in &env.regions {
            if r.code == GLOBAL_REGION {
                let cluster = V::p(&regional_param("EksClusterName", &r.code));
                s.resources
                    .push(access_entry(env, cluster, V::attr("execution_role", Attr::Arn)));
            } else {
                regional_stacks.push(regional(env, r));
            }
        }
    }
    let mut stacks = vec![s];
    stacks.extend(regional_stacks);
    stacks
}

/// The parameters of the plans' stack: the global cluster and every region's Aurora and EKS
/// clusters, and the Global Datastore (whose id the approval step names).
fn takes(env: &Environment, s: &mut Stack) {
    let primary = &env.primary().code;
    if env.aurora.is_some() {
        s.parameters
            .push(take(&stack_name(env, Layer::Aurora, primary), Out::GlobalClusterId));
        for r in &env.regions {
            let aurora = stack_name(env, Layer::Aurora, &r.code);
            s.parameters.push(param(
                &regional_param("AuroraClusterArn", &r.code),
                &aurora,
                Out::ClusterArn,
            ));
        }
    }
    if env.redis.is_some() {
        s.parameters.push(take(
            &stack_name(env, Layer::Redis, primary),
            Out::GlobalReplicationGroupId,
        ));
    }
    if env.eks.is_some() {
        for r in &env.regions {
            let eks = stack_name(env, Layer::Eks, &r.code);
            s.parameters
                .push(param(&regional_param("EksClusterArn", &r.code), &eks, Out::ClusterArn));
            s.parameters.push(param(
                &regional_param("EksClusterName", &r.code),
                &eks,
                Out::ClusterName,
            ));
        }
    }
}

/// A resource of this layer: only CloudFormation has the plans, and the roles and access
/// entries serve nothing but them.
fn cfn_only_res(id: &str, kind: Kind) -> Resource {
    only(Backends::CloudFormationOnly, res(id, kind))
}

/// An output of the plans' stacks, which Terraform does not render.
fn cfn_only(o: Output) -> Output {
    Output {
        backends: Backends::CloudFormationOnly,
        ..o
    }
}

/// `arn:aws:arc-region-switch::<account>:plan/<name>:*` (Region switch appends six characters).
fn plan_arn(name: &str) -> V {
    V::Join(vec![
        V::s("arn:aws:arc-region-switch::"),
        V::AccountId,
        V::s(format!(":plan/{name}:*")),
    ])
}

/// What the execution blocks call, on exactly the resources they act on: reading the plans
/// and checking the role's own permissions (what every plan needs), the Aurora switchover and
/// failover on the global cluster and its clusters, and the EKS clusters with the role's access
/// entries. The manual approval acts as the approver, not as this role.
fn execution_policy(env: &Environment, role: &str, plans: &[(String, String)]) -> Vec<Statement> {
    let mut policy = vec![
        Statement::allow(
            "EvaluateOwnPermissions",
            &["iam:SimulatePrincipalPolicy"],
            vec![V::Join(vec![
                V::s("arn:aws:iam::"),
                V::AccountId,
                V::s(format!(":role/{role}")),
            ])],
        ),
        Statement::allow(
            "ReadPlans",
            &[
                "arc-region-switch:GetPlan",
                "arc-region-switch:GetPlanExecution",
                "arc-region-switch:ListPlanExecutions",
            ],
            plans.iter().map(|(_, name)| plan_arn(name)).collect(),
        ),
    ];
    if env.aurora.is_some() {
        let global = V::Join(vec![
            V::s("arn:aws:rds::"),
            V::AccountId,
            V::s(":global-cluster:"),
            V::p(&Out::GlobalClusterId.name()),
        ]);
        let clusters: Vec<V> = env
            .regions
            .iter()
            .map(|r| V::p(&regional_param("AuroraClusterArn", &r.code)))
            .collect();
        policy.push(Statement::allow(
            "AuroraDescribe",
            &["rds:DescribeGlobalClusters"],
            vec![global.clone()],
        ));
        policy.push(Statement::allow(
            "AuroraDescribeClusters",
            &["rds:DescribeDBClusters"],
            clusters.clone(),
        ));
        let mut all = vec![global];
        all.extend(clusters);
        policy.push(Statement::allow(
            "AuroraSwitchWriter",
            &["rds:SwitchoverGlobalCluster", "rds:FailoverGlobalCluster"],
            all,
        ));
    }
    if env.eks.is_some() {
        policy.push(Statement::allow(
            "EksDescribe",
            &["eks:DescribeCluster"],
            env.regions
                .iter()
                .map(|r| V::p(&regional_param("EksClusterArn", &r.code)))
                .collect(),
        ));
        policy.push(Statement::allow(
            "EksAccessEntries",
            &["eks:ListAssociatedAccessPolicies"],
            env.regions
                .iter()
                .map(|r| {
                    V::Join(vec![
                        V::s(format!("arn:aws:eks:{}:", r.code)),
                        V::AccountId,
                        V::s(":access-entry/"),
                        V::p(&regional_param("EksClusterName", &r.code)),
                        V::s("/*"),
                    ])
                })
                .collect(),
        ));
    }
    policy
}

/// The plan that pairs the primary with `other`.
fn plan(env: &Environment, other: &RegionEnv) -> RegionSwitchPlan {
    let primary = env.primary();
    let pair = [primary, other];
    let active_active = env.mode == Mode::ActiveActive;
    let workflows = if active_active {
        // Active/active: one workflow that shifts traffic away from a region and one that
        // returns it; the region is chosen when the plan is executed. Shifting away moves the
        // writer to the region that stays.
        vec![
            RegionSwitchWorkflow {
                action: WorkflowAction::Deactivate,
                target_region: None,
                description: format!(
                    "Shift the application away from one of {} and {}: the writer moves to the other",
                    primary.code, other.code
                ),
                steps: steps(env, &pair, None, "deactivate", true),
            },
            RegionSwitchWorkflow {
                action: WorkflowAction::Activate,
                target_region: None,
                description: format!(
                    "Return the application to one of {} and {}; the writer stays where it is",
                    primary.code, other.code
                ),
                steps: steps(env, &pair, None, "activate", false),
            },
        ]
    } else {
        // Active/passive: one workflow per region, each making its region the active one.
        pair.iter()
            .map(|target| RegionSwitchWorkflow {
                action: WorkflowAction::Activate,
                target_region: Some(target.code.clone()),
                description: format!(
                    "Make {} the active region: it takes the writer and the traffic",
                    target.code
                ),
                steps: steps(env, &pair, Some(target), &short_code(&target.code), true),
            })
            .collect()
    };
    RegionSwitchPlan {
        name: plan_name(env, &other.code),
        description: format!(
            "{} {}: switch the application between {} (where it was created) and {}",
            env.prefix, env.name, primary.code, other.code
        ),
        active_active,
        primary_region: primary.code.clone(),
        regions: pair.iter().map(|r| r.code.clone()).collect(),
        execution_role: V::attr("execution_role", Attr::Arn),
        workflows,
    }
}

/// The steps of one workflow: the Aurora writer when the workflow moves it, the approval that
/// covers what Region switch has no block for, then the application's pods. `target` is the
/// region the workflow activates, where it is known; `tag` makes the step names unique in the
/// plan.
fn steps(
    env: &Environment,
    pair: &[&RegionEnv; 2],
    target: Option<&RegionEnv>,
    tag: &str,
    moves_writer: bool,
) -> Vec<RegionSwitchStep> {
    let mut steps = Vec::new();
    let where_to = target.map_or_else(|| "the region that stays active".to_string(), |t| t.code.clone());
    if moves_writer && env.aurora.is_some() {
        steps.push(RegionSwitchStep {
            name: format!("aurora-{tag}"),
            description: V::s(format!(
                "Move the Aurora global database's writer to {where_to}: a switchover (no data loss) when the plan runs gracefully, a failover (losing what replication had not carried yet) when it runs ungracefully"
            )),
            block: ExecutionBlock::AuroraGlobalDatabase {
                global_cluster: V::p(&Out::GlobalClusterId.name()),
                clusters: pair
                    .iter()
                    .map(|r| V::p(&regional_param("AuroraClusterArn", &r.code)))
                    .collect(),
            },
        });
    }
    steps.push(RegionSwitchStep {
        name: format!("approve-{tag}"),
        description: approval_text(env, pair, target, moves_writer),
        block: ExecutionBlock::ManualApproval {
            approval_role: V::attr("approval_role", Attr::Arn),
        },
    });
    if let Some(e) = &env.eks {
        steps.push(RegionSwitchStep {
            name: format!("eks-{tag}"),
            description: V::s(format!(
                "Scale the application's Deployment {}/{} in {where_to} to the replicas it has in the region being left",
                e.workload.namespace, e.workload.service_account
            )),
            block: ExecutionBlock::EksResourceScaling {
                clusters: pair
                    .iter()
                    .map(|r| V::p(&regional_param("EksClusterArn", &r.code)))
                    .collect(),
                deployments: pair
                    .iter()
                    .map(|r| {
                        (
                            r.code.clone(),
                            e.workload.namespace.clone(),
                            e.workload.service_account.clone(),
                        )
                    })
                    .collect(),
            },
        });
    }
    steps
}

/// What the operator does before approving: what Region switch has no execution block for
/// (the Global Datastore, MSK), then what follows the writer in mrgen (SPEC 5.4).
fn approval_text(env: &Environment, pair: &[&RegionEnv; 2], target: Option<&RegionEnv>, moves_writer: bool) -> V {
    let mut parts: Vec<V> = Vec::new();
    let candidates: Vec<&RegionEnv> = match target {
        Some(t) => vec![t],
        None => pair.to_vec(),
    };
    if !moves_writer {
        parts.push(V::s(
            "The region returns to serving beside the other; the data stores' writers stay where they are. Approve once its entry point is healthy.",
        ));
        return V::Join(parts);
    }
    let missing: Vec<&str> = [
        (env.redis.is_some(), "the ElastiCache Global Datastore"),
        (env.msk.is_some(), "Amazon MSK"),
    ]
    .into_iter()
    .filter_map(|(on, what)| on.then_some(what))
    .collect();
    if !missing.is_empty() {
        parts.push(V::s(format!(
            "Region switch has no execution block for {}; before approving:",
            missing.join(" or ")
        )));
    }
    if env.redis.is_some() {
        parts.push(V::s(" Global Datastore: make the new writer region's replication group its primary with aws elasticache failover-global-replication-group --global-replication-group-id "));
        parts.push(V::p(&Out::GlobalReplicationGroupId.name()));
        let options: Vec<String> = candidates
            .iter()
            .map(|r| {
                format!(
                    "--primary-region {} --primary-replication-group-id {}",
                    r.code,
                    regional_id(env, "redis", &r.code)
                )
            })
            .collect();
        parts.push(V::s(format!(" {}.", options.join(", or "))));
    }
    if env.msk.is_some() {
        parts.push(V::s(format!(
            " MSK: move producers and consumers to the new writer region's cluster (the Parameter Store parameter {}/msk/cluster-arn there); topic names are the same in every region.",
            parameter_path(env)
        )));
    }
    if !missing.is_empty() {
        let scripts: Vec<String> = candidates
            .iter()
            .map(|r| format!("runbook/switchover-{0}.sh or runbook/failover-{0}.sh", r.code))
            .collect();
        parts.push(V::s(format!(
            " mrgen's runbook has these steps with their checks and waits ({}, from mrgen render).",
            scripts.join("; ")
        )));
    }
    let region = match target {
        Some(t) => t.code.clone(),
        None => "the region that stays active".into(),
    };
    let then = if missing.is_empty() {
        "Before approving, set"
    } else {
        " Then set"
    };
    parts.push(V::s(format!(
        "{then} multi-region.writer to {region} in the environment file, render and deploy: the EKS node group sizing, the failover records and the replication-lag alarms follow the writer."
    )));
    V::Join(parts)
}

/// A region's `recovery` stack: the access entry that lets Region switch scale the
/// application in the region's cluster.
fn regional(env: &Environment, r: &RegionEnv) -> Stack {
    let mut s = stack(
        env,
        Layer::Recovery,
        &r.code,
        format!(
            "{} {}: AWS ARC Region switch's access to the application in the region's EKS cluster",
            env.name, r.code
        ),
    );
    s.parameters
        .push(take(&stack_name(env, Layer::Eks, &r.code), Out::ClusterName));
    s.parameters.push(take(&plans_stack(env), Out::RegionSwitchRoleArn));
    s.resources.push(access_entry(
        env,
        V::p(&Out::ClusterName.name()),
        V::p(&Out::RegionSwitchRoleArn.name()),
    ));
    s
}

/// The execution role's access entry in one cluster: AWS's scaling policy, over the workload's
/// namespace only.
fn access_entry(env: &Environment, cluster: V, role: V) -> Resource {
    let namespace = env
        .eks
        .as_ref()
        .map(|e| e.workload.namespace.clone())
        .unwrap_or_default();
    cfn_only_res(
        "region_switch_access",
        Kind::EksAccessEntry(EksAccessEntry {
            cluster,
            principal: role,
            policy: SCALING_ACCESS_POLICY.into(),
            namespaces: vec![namespace],
        }),
    )
}
