//! The kinds of the `recovery` layer: ARC Region switch plans.

use crate::plan::values::V;

/// An AWS ARC Region switch plan: the workflows that move the application between exactly two
/// regions (`Regions`, `PrimaryRegion` and `RecoveryApproach` are create-only). A plan is an
/// account-wide resource (its ARN names no region). The hashicorp/aws provider mrgen targets
/// (5.100) has no type for it: CloudFormation only.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionSwitchPlan {
    pub name: String,
    pub description: String,
    /// `activeActive` rather than `activePassive`.
    pub active_active: bool,
    /// The region the application runs in before any switch: `regions.primary`.
    pub primary_region: String,
    /// The plan's two regions, the primary first.
    pub regions: Vec<String>,
    /// The role Region switch assumes to run the plan's execution blocks.
    pub execution_role: V,
    pub workflows: Vec<RegionSwitchWorkflow>,
}

/// What a workflow does to its region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkflowAction {
    Activate,
    Deactivate,
}

impl WorkflowAction {
    /// Region switch's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkflowAction::Activate => "activate",
            WorkflowAction::Deactivate => "deactivate",
        }
    }
}

/// One workflow of a plan: its steps run in order.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionSwitchWorkflow {
    pub action: WorkflowAction,
    /// The region it activates (an active/passive plan has one activating workflow per region);
    /// `None`: any of the plan's regions, chosen when the plan is executed.
    pub target_region: Option<String>,
    pub description: String,
    pub steps: Vec<RegionSwitchStep>,
}

/// One step of a workflow: one execution block.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionSwitchStep {
    /// Unique within the plan.
    pub name: String,
    /// What the step does; text joined from parts where it names what other stacks created.
    pub description: V,
    pub block: ExecutionBlock,
}

/// The execution blocks mrgen's plans use.
#[derive(Clone, Debug, PartialEq)]
pub enum ExecutionBlock {
    /// Moves the Aurora global database's writer to the activating region: a switchover (no
    /// data loss) when the plan runs gracefully, a failover (data loss up to the replication
    /// lag) when it runs ungracefully.
    AuroraGlobalDatabase {
        global_cluster: V,
        /// The two regions' cluster ARNs.
        clusters: Vec<V>,
    },
    /// Scales a Kubernetes Deployment in the activating region's EKS cluster to the replicas it
    /// has in the region being deactivated.
    EksResourceScaling {
        /// The two regions' cluster ARNs.
        clusters: Vec<V>,
        /// (region, namespace, Deployment name), one per region.
        deployments: Vec<(String, String, String)>,
    },
    /// Waits until a principal of the approval role approves the step.
    ManualApproval { approval_role: V },
}
