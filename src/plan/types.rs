//! The stack plan: the one intermediate form both backends read. It says which stacks exist, in
//! which region and layer, what each holds (typed resources, not CloudFormation or HCL), which
//! values flow from one stack's outputs to another's parameters, and the deploy order. Names and
//! values here are final: a backend only chooses syntax.

use super::kinds::Kind;
use super::layer::Layer;

/// A value inside a resource: a literal, or a reference the backend turns into its own syntax.
#[derive(Clone, Debug, PartialEq)]
pub enum V {
    Str(String),
    Int(i64),
    Num(f64),
    Bool(bool),
    /// The primary identifier of a resource in the same stack (CloudFormation `Ref`).
    Ref(String),
    /// An attribute of a resource in the same stack.
    Attr(String, Attr),
    /// A parameter of this stack (fed by another stack's output or a literal; in Terraform, a
    /// direct reference to what produced it).
    Param(String),
    List(Vec<V>),
    /// The deploying account's id.
    AccountId,
    /// The stack's region code.
    Region,
    /// The name of the n-th availability zone of the stack's region, picked at deploy time.
    AzIndex(u32),
    /// Text joined from parts (e.g. an ARN built from the account id).
    Join(Vec<V>),
    /// The n-th item of a list value (a `ParamType::List` parameter).
    Select(u32, Box<V>),
    /// A text value split at a separator into a list (with `Select`: a field of an ARN).
    Split(String, Box<V>),
}

impl V {
    pub fn s(x: impl Into<String>) -> V {
        V::Str(x.into())
    }
    pub fn r(id: &str) -> V {
        V::Ref(id.to_string())
    }
    pub fn attr(id: &str, a: Attr) -> V {
        V::Attr(id.to_string(), a)
    }
    pub fn p(name: &str) -> V {
        V::Param(name.to_string())
    }
}

/// Attributes a resource exposes to others.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Attr {
    Arn,
    /// The group id of a security group.
    GroupId,
    /// The allocation id of an Elastic IP.
    AllocationId,
    /// The generated id of an ElastiCache global replication group (suffix plus AWS's prefix).
    GlobalReplicationGroupId,
    /// The writer endpoint address of an Aurora cluster (of a global cluster: the global writer
    /// endpoint, which follows a switchover) / primary endpoint of a replication group.
    Endpoint,
    /// The reader endpoint address of an Aurora cluster.
    ReaderEndpoint,
    /// An EKS cluster's own security group.
    ClusterSecurityGroupId,
    /// The id of a Route 53 health check.
    HealthCheckId,
    /// The resource id of an Aurora cluster (`cluster-…`), which `rds-db:connect` ARNs name.
    ClusterResourceId,
}

/// Which backends render a resource (SPEC: the Terraform peering accepter and the ephemeral
/// password exist only there; parity tests check the rest appears in both).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backends {
    Both,
    CloudFormationOnly,
    TerraformOnly,
}

/// One IAM policy statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub sid: String,
    pub actions: Vec<String>,
    pub resources: Vec<V>,
    /// Principals for resource and trust policies: AWS service names (`ec2.amazonaws.com`).
    pub service_principals: Vec<String>,
    /// `true` for the account's root as principal (key policies).
    pub account_principal: bool,
    /// `StringEquals` conditions: key → values.
    pub string_equals: Vec<(String, Vec<V>)>,
}

impl Statement {
    /// The trust policy of a role that these AWS services assume.
    pub fn trust(services: &[&str]) -> Vec<Statement> {
        let mut s = Statement::allow("TrustedServices", &["sts:AssumeRole"], Vec::new());
        s.service_principals = services.iter().map(|x| x.to_string()).collect();
        vec![s]
    }

    pub fn allow(sid: &str, actions: &[&str], resources: Vec<V>) -> Statement {
        Statement {
            sid: sid.to_string(),
            actions: actions.iter().map(|a| a.to_string()).collect(),
            resources,
            service_principals: Vec::new(),
            account_principal: false,
            string_equals: Vec::new(),
        }
    }
}

/// A security group ingress or egress rule.
#[derive(Clone, Debug, PartialEq)]
pub struct SgRule {
    pub description: String,
    pub port: u16,
    pub to_port: u16,
    /// Another security group (`V::Ref`/`V::Param`) or a CIDR (`V::Str`).
    pub peer: Peer,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Peer {
    Group(V),
    Cidr(V),
}

/// One notification of a budget.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BudgetAlert {
    /// Percent of the budget's limit.
    pub percent: f64,
    /// On the month's forecast spend (`FORECASTED`) rather than the actual (`ACTUAL`).
    pub forecast: bool,
}

impl BudgetAlert {
    /// The Budgets API's notification type.
    pub fn notification_type(&self) -> &'static str {
        if self.forecast {
            "FORECASTED"
        } else {
            "ACTUAL"
        }
    }
}

/// One Route 53 routing record of one region.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordSpec {
    /// Fully qualified, without the trailing dot.
    pub name: String,
    pub set_identifier: String,
    pub target: String,
    pub ttl: i64,
    pub health_check: String,
    pub routing: Routing,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Routing {
    Failover {
        primary: bool,
    },
    Latency {
        region: String,
    },
    /// `continent:XX` → continent, `US-CA` → country US + subdivision, `*` → default.
    Geolocation {
        continent: Option<String>,
        country: Option<String>,
        subdivision: Option<String>,
    },
    Weighted {
        weight: i64,
    },
}

/// Where a route sends traffic.
#[derive(Clone, Debug, PartialEq)]
pub enum RouteTarget {
    Gateway(V),
    Nat(V),
    Peering(V),
}

/// A resource of another stack: the identifier it is created with (what CloudFormation writes)
/// and where the plan holds it (what Terraform refers to).
#[derive(Clone, Debug, PartialEq)]
pub struct Elsewhere {
    pub name: String,
    pub stack: String,
    pub id: String,
}

/// A resource of another stack, by stack name and resource id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct At {
    pub stack: String,
    pub id: String,
}

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
    GlobalReplicationGroupId,
    ReplicationGroupId,
    PrimaryEndpoint,
    /// The MSK Replicator that copies from one source region.
    ReplicatorArn(String),
    /// The Route 53 health check of one region.
    HealthCheckId(String),
    AlertsTopicArn,
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
            Out::GlobalReplicationGroupId => ("GlobalReplicationGroupId", None),
            Out::ReplicationGroupId => ("ReplicationGroupId", None),
            Out::PrimaryEndpoint => ("PrimaryEndpoint", None),
            Out::ReplicatorArn(r) => ("ReplicatorArn", Some(r)),
            Out::HealthCheckId(r) => ("HealthCheckId", Some(r)),
            Out::AlertsTopicArn => ("AlertsTopicArn", None),
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
            | Out::GlobalReplicationGroupId
            | Out::ReplicationGroupId
            | Out::PrimaryEndpoint
            | Out::ReplicatorArn(_)
            | Out::HealthCheckId(_)
            | Out::AlertsTopicArn => ParamType::String,
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
