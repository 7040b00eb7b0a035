//! The stack plan: the one intermediate form both backends read. It says which stacks exist, in
//! which region and layer, what each holds (typed resources, not CloudFormation or HCL), which
//! values flow from one stack's outputs to another's parameters, and the deploy order. Names and
//! values here are final: a backend only chooses syntax.

use super::kinds::Kind;
use super::layer::Layer;
use super::values::{At, Backends, V};

#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    /// snake_case, unique within its stack; CloudFormation's logical id is its PascalCase,
    /// Terraform's name is `<id>_<region short code>` (`<id>_global` for us-east-1's global stacks).
    pub id: String,
    pub kind: Kind,
    pub backends: Backends,
    /// Stateful: kept (or snapshotted) when the stack is deleted or the resource replaced.
    pub retain: Retain,
    /// Extra ordering inside the stack, beyond references.
    pub depends_on: Vec<String>,
    /// Resources of earlier stacks that must exist first, beyond references (Terraform's
    /// single root module orders by them; stacks are ordered by the manifest).
    pub after: Vec<At>,
}

/// What happens to a stateful resource when its stack is deleted or it is replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retain {
    No,
    /// Kept. Not when the operation that created it rolls back, though: a resource made by a
    /// failed first deploy holds nothing yet and, kept, would make the retry fail with "already
    /// exists" on its fixed name (CloudFormation's `RetainExceptOnCreate`, SPEC section 5.1).
    Retain,
    /// Snapshotted, then deleted (the snapshot's name is generated, so the resource's fixed name
    /// is free again after a rollback).
    Snapshot,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamType {
    String,
    /// A comma-separated list (subnet ids, route table ids).
    List,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ParamSource {
    Literal(String),
    Output { stack: String, output: String },
}

/// The outputs that stacks take from each other. A parameter names the output that feeds it by
/// this enum, and the producing stack declares its outputs with it, so the two cannot disagree;
/// the type of the parameter (a string or a list) is the output's. Variants with a field are
/// one per region: the field is the region's short code in PascalCase (`Apne1`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Out {
    VpcId,
    PrivateSubnetIds,
    PublicSubnetIds,
    PrivateRouteTableIds,
    AppSecurityGroupId,
    DatabaseSecurityGroupId,
    CacheSecurityGroupId,
    KafkaSecurityGroupId,
    KmsKeyArn,
    /// The primary's peering connection to one secondary.
    PeeringConnectionId(String),
    GlobalClusterId,
    GlobalWriterEndpoint,
    ClusterArn,
    ClusterEndpoint,
    ReaderEndpoint,
    /// An Aurora cluster's resource id, for `rds-db:connect`.
    ClusterResourceId,
    ClusterName,
    /// The security group EKS creates for a cluster, which its managed nodes carry.
    ClusterSecurityGroupId,
    GlobalReplicationGroupId,
    ReplicationGroupId,
    PrimaryEndpoint,
    /// The MSK Replicator that copies from one source region.
    ReplicatorArn(String),
    LoadBalancerArn,
    LoadBalancerDnsName,
    LoadBalancerZoneId,
    /// A load balancer's full name (`app/<name>/<id>`), what its CloudWatch metrics are by.
    LoadBalancerFullName,
    TargetGroupArn,
    /// The Route 53 health check of one region.
    HealthCheckId(String),
    AlertsTopicArn,
    /// The environment's multi-Region primary key (in the primary region's network stack).
    MultiRegionKeyArn,
    /// The region's copy of the multi-Region key: the primary key in the primary region, its
    /// replica elsewhere.
    StorageKeyArn,
    /// The name of one bucket purpose's bucket (the field: the purpose in PascalCase, `App`).
    BucketName(String),
    /// The role AWS ARC Region switch runs the environment's plans with.
    RegionSwitchRoleArn,
    /// The Region switch plan that pairs the primary with one other region.
    RegionSwitchPlanArn(String),
}

impl Out {
    /// The output's name in both backends.
    pub fn name(&self) -> String {
        let (base, region) = match self {
            Out::VpcId => ("VpcId", None),
            Out::PrivateSubnetIds => ("PrivateSubnetIds", None),
            Out::PublicSubnetIds => ("PublicSubnetIds", None),
            Out::PrivateRouteTableIds => ("PrivateRouteTableIds", None),
            Out::AppSecurityGroupId => ("AppSecurityGroupId", None),
            Out::DatabaseSecurityGroupId => ("DatabaseSecurityGroupId", None),
            Out::CacheSecurityGroupId => ("CacheSecurityGroupId", None),
            Out::KafkaSecurityGroupId => ("KafkaSecurityGroupId", None),
            Out::KmsKeyArn => ("KmsKeyArn", None),
            Out::PeeringConnectionId(r) => ("PeeringConnectionId", Some(r)),
            Out::GlobalClusterId => ("GlobalClusterId", None),
            Out::GlobalWriterEndpoint => ("GlobalWriterEndpoint", None),
            Out::ClusterArn => ("ClusterArn", None),
            Out::ClusterEndpoint => ("ClusterEndpoint", None),
            Out::ReaderEndpoint => ("ReaderEndpoint", None),
            Out::ClusterResourceId => ("ClusterResourceId", None),
            Out::ClusterName => ("ClusterName", None),
            Out::ClusterSecurityGroupId => ("ClusterSecurityGroupId", None),
            Out::LoadBalancerArn => ("LoadBalancerArn", None),
            Out::LoadBalancerDnsName => ("LoadBalancerDnsName", None),
            Out::LoadBalancerZoneId => ("LoadBalancerZoneId", None),
            Out::LoadBalancerFullName => ("LoadBalancerFullName", None),
            Out::TargetGroupArn => ("TargetGroupArn", None),
            Out::GlobalReplicationGroupId => ("GlobalReplicationGroupId", None),
            Out::ReplicationGroupId => ("ReplicationGroupId", None),
            Out::PrimaryEndpoint => ("PrimaryEndpoint", None),
            Out::ReplicatorArn(r) => ("ReplicatorArn", Some(r)),
            Out::HealthCheckId(r) => ("HealthCheckId", Some(r)),
            Out::AlertsTopicArn => ("AlertsTopicArn", None),
            Out::MultiRegionKeyArn => ("MultiRegionKeyArn", None),
            Out::StorageKeyArn => ("StorageKeyArn", None),
            Out::BucketName(p) => ("BucketName", Some(p)),
            Out::RegionSwitchRoleArn => ("RegionSwitchRoleArn", None),
            Out::RegionSwitchPlanArn(r) => ("RegionSwitchPlanArn", Some(r)),
        };
        match region {
            Some(r) => format!("{base}{r}"),
            None => base.to_string(),
        }
    }

    /// A list output (subnet and route table ids), or one string.
    pub fn ty(&self) -> ParamType {
        match self {
            Out::PrivateSubnetIds | Out::PublicSubnetIds | Out::PrivateRouteTableIds => ParamType::List,
            Out::VpcId
            | Out::AppSecurityGroupId
            | Out::DatabaseSecurityGroupId
            | Out::CacheSecurityGroupId
            | Out::KafkaSecurityGroupId
            | Out::KmsKeyArn
            | Out::PeeringConnectionId(_)
            | Out::GlobalClusterId
            | Out::GlobalWriterEndpoint
            | Out::ClusterArn
            | Out::ClusterEndpoint
            | Out::ReaderEndpoint
            | Out::ClusterResourceId
            | Out::ClusterName
            | Out::ClusterSecurityGroupId
            | Out::LoadBalancerArn
            | Out::LoadBalancerDnsName
            | Out::LoadBalancerZoneId
            | Out::LoadBalancerFullName
            | Out::TargetGroupArn
            | Out::GlobalReplicationGroupId
            | Out::ReplicationGroupId
            | Out::PrimaryEndpoint
            | Out::ReplicatorArn(_)
            | Out::HealthCheckId(_)
            | Out::AlertsTopicArn
            | Out::MultiRegionKeyArn
            | Out::StorageKeyArn
            | Out::BucketName(_)
            | Out::RegionSwitchRoleArn
            | Out::RegionSwitchPlanArn(_) => ParamType::String,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub ty: ParamType,
    pub source: ParamSource,
    pub description: String,
    /// The value a new stack is first created with, where AWS refuses `source`'s value at
    /// create time (SPEC section 5.1): the stack is created with it, then deployed again with
    /// `source` (the manifest's `create-pass`). A stack that exists goes straight to `source`.
    /// Terraform reads `source` alone (where AWS needs two calls, the provider makes them).
    pub on_create: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    /// PascalCase.
    pub name: String,
    pub value: V,
    pub description: String,
    /// A list output (joined with commas in CloudFormation).
    pub list: bool,
    /// Which backends can express it (no stack takes a Terraform-only output as a parameter).
    pub backends: Backends,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stack {
    pub name: String,
    pub region: String,
    pub layer: Layer,
    pub description: String,
    pub depends_on: Vec<String>,
    pub wave: u32,
    pub parameters: Vec<Parameter>,
    pub resources: Vec<Resource>,
    pub outputs: Vec<Output>,
    /// Where the final values of a new stack's create-pass parameters need a later stack to
    /// exist (two-way S3 replication needs every region's buckets): that stack. The stack is
    /// deployed again with its final values once that one is (the manifest's
    /// `final-pass-after`).
    pub final_pass_after: Option<String>,
}

impl Stack {
    pub fn resource(&self, id: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.id == id)
    }
    pub fn output(&self, name: &str) -> Option<&Output> {
        self.outputs.iter().find(|o| o.name == name)
    }
    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }
    /// The parameters a new stack is first created with (name, value), before it is deployed
    /// again with all its parameters: empty when one deploy creates it.
    pub fn create_pass(&self) -> Vec<(&str, &str)> {
        self.parameters
            .iter()
            .filter_map(|p| p.on_create.as_deref().map(|v| (p.name.as_str(), v)))
            .collect()
    }
}

/// A replication or peering link between regions (for `graph`): drawn between the stacks of
/// `layer` in the two regions, labelled and styled by that layer's row.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub layer: Layer,
    pub from: String,
    pub to: String,
}

/// How the application's pods join a region's load balancer: a TargetGroupBinding of the AWS
/// Load Balancer Controller, from the Service to the target group by name.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetGroupBinding {
    pub region: String,
    pub namespace: String,
    /// The application's Service (named like its service account).
    pub service: String,
    /// The Service's port, which is the pods' (`ingress.port`).
    pub port: i64,
    pub target_group: String,
}

/// The whole plan of one environment.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub environment: String,
    pub prefix: String,
    /// The environment's regions, primary first.
    pub regions: Vec<String>,
    /// The region that holds the writer now (`multi-region.writer`).
    pub writer: String,
    /// In deploy order: (wave, layer, primary first, secondaries as listed, then us-east-1).
    pub stacks: Vec<Stack>,
    pub omitted: Vec<(String, String)>,
    pub links: Vec<Link>,
    /// The tags every taggable resource carries (the environment's, plus mrgen's own).
    pub tags: Vec<(String, String)>,
    /// One per region with ingress and EKS: `kubernetes/<region>/target-group-binding.yaml`.
    pub bindings: Vec<TargetGroupBinding>,
}

impl Plan {
    pub fn stack(&self, name: &str) -> Option<&Stack> {
        self.stacks.iter().find(|s| s.name == name)
    }
}

/// `private_subnet_a` → `PrivateSubnetA`.
pub fn pascal(id: &str) -> String {
    id.split(['_', '-'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}
