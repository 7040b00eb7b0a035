//! The stack plan: the one intermediate form both backends read. It says which stacks exist, in
//! which region and layer, what each holds (typed resources, not CloudFormation or HCL), which
//! values flow from one stack's outputs to another's parameters, and the deploy order. Names and
//! values here are final: a backend only chooses syntax.

use std::fmt;

/// The layers, in their order within a wave (SPEC section 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Layer {
    Network,
    Peering,
    PeeringRoutes,
    Aurora,
    Redis,
    Msk,
    MskReplication,
    Eks,
    Dns,
    Monitoring,
}

impl Layer {
    pub const ALL: [Layer; 10] = [
        Layer::Network,
        Layer::Peering,
        Layer::PeeringRoutes,
        Layer::Aurora,
        Layer::Redis,
        Layer::Msk,
        Layer::MskReplication,
        Layer::Eks,
        Layer::Dns,
        Layer::Monitoring,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Network => "network",
            Layer::Peering => "peering",
            Layer::PeeringRoutes => "peering-routes",
            Layer::Aurora => "aurora",
            Layer::Redis => "redis",
            Layer::Msk => "msk",
            Layer::MskReplication => "msk-replication",
            Layer::Eks => "eks",
            Layer::Dns => "dns",
            Layer::Monitoring => "monitoring",
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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
    /// The writer endpoint address of an Aurora cluster / primary endpoint of a replication group.
    Endpoint,
    /// The reader endpoint address of an Aurora cluster.
    ReaderEndpoint,
    /// An EKS cluster's own security group.
    ClusterSecurityGroupId,
    /// The id of a Route 53 health check.
    HealthCheckId,
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

/// One CloudWatch alarm.
#[derive(Clone, Debug, PartialEq)]
pub struct AlarmSpec {
    pub name: String,
    pub description: String,
    pub namespace: String,
    pub metric: String,
    pub dimensions: Vec<(String, V)>,
    pub statistic: String,
    pub period: i64,
    pub evaluation_periods: i64,
    pub threshold: f64,
    /// `GreaterThanThreshold` or `LessThanThreshold`.
    pub comparison: String,
    /// What missing data means: `breaching` or `notBreaching`.
    pub treat_missing: String,
    pub topic: V,
}

/// The typed resources. Each field is what the resource needs; the backends choose syntax.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    // --- network
    KmsKey {
        description: String,
        policy: Vec<Statement>,
    },
    KmsAlias {
        name: String,
        key: V,
    },
    Vpc {
        cidr: String,
        name: String,
    },
    InternetGateway {
        name: String,
    },
    GatewayAttachment {
        vpc: V,
        gateway: V,
    },
    Subnet {
        vpc: V,
        cidr: String,
        az: V,
        public: bool,
        name: String,
    },
    Eip {
        name: String,
    },
    NatGateway {
        subnet: V,
        eip: V,
        name: String,
    },
    RouteTable {
        vpc: V,
        name: String,
    },
    Route {
        table: V,
        destination: V,
        target: RouteTarget,
    },
    RouteTableAssociation {
        table: V,
        subnet: V,
    },
    /// A security group; `ingress` rules are inline, so no group refers to itself.
    SecurityGroup {
        vpc: V,
        name: String,
        description: String,
        ingress: Vec<SgRule>,
        egress: Vec<SgRule>,
    },
    /// An ingress rule added to a group defined elsewhere (breaks reference cycles).
    SecurityGroupIngress {
        group: V,
        rule: SgRule,
    },
    /// The VPC's default security group, left with no rules (Terraform can hold it; CloudFormation cannot).
    DefaultSecurityGroupLockdown {
        vpc: V,
    },
    LogGroup {
        name: String,
        retention_days: i64,
        kms_key: V,
    },
    IamRole {
        name: String,
        trust_services: Vec<String>,
        managed_policies: Vec<String>,
        policy: Vec<Statement>,
    },
    FlowLog {
        vpc: V,
        log_group: V,
        role: V,
    },
    // --- peering
    PeeringConnection {
        vpc: V,
        peer_vpc: V,
        peer_region: String,
        name: String,
    },
    /// Terraform only: the accepter side in the peer's region, with DNS resolution switched on.
    PeeringAccepter {
        connection: V,
        peer_region: String,
    },
    // --- aurora
    /// The master password: generated into Secrets Manager, replicated to the secondaries.
    DbSecret {
        name: String,
        kms_key: V,
        replica_regions: Vec<(String, V)>,
        username: String,
    },
    /// Terraform only: the ephemeral password value written once into the secret (never in state).
    DbPasswordEphemeral,
    DbSubnetGroup {
        name: String,
        subnets: V,
    },
    DbClusterParameterGroup {
        name: String,
        family: String,
        parameters: Vec<(String, String)>,
    },
    GlobalCluster {
        id: String,
        engine_version: String,
    },
    DbCluster {
        id: String,
        global_cluster: String,
        engine_version: String,
        primary: bool,
        /// Primary only: the secret that holds the master credentials.
        secret: Option<V>,
        database_name: Option<String>,
        subnet_group: V,
        security_groups: Vec<V>,
        kms_key: V,
        parameter_group: V,
        backup_retention_days: i64,
        write_forwarding: bool,
        source_region: Option<String>,
    },
    DbInstance {
        id: String,
        cluster: V,
        class: String,
        performance_insights: bool,
        kms_key: V,
        monitoring_role: V,
    },
    // --- redis
    CacheSubnetGroup {
        name: String,
        subnets: V,
    },
    CacheParameterGroup {
        name: String,
        family: String,
        parameters: Vec<(String, String)>,
    },
    /// The replication group of one region; a secondary names the global group and inherits
    /// engine, version, node type and parameters from it.
    ReplicationGroup {
        id: String,
        primary: bool,
        engine: String,
        engine_version: String,
        node_type: String,
        replicas: i64,
        subnet_group: V,
        security_groups: Vec<V>,
        kms_key: V,
        parameter_group: Option<V>,
        /// RBAC with IAM authentication (single-region caches).
        user_group: Option<V>,
        /// AUTH token read from this secret by reference (Global Datastore members: AWS lists
        /// AUTH, not RBAC, among the security features a global datastore supports).
        auth_secret: Option<V>,
        global_group: Option<V>,
        snapshot_retention_days: i64,
        maintenance_window: String,
        log_group: V,
    },
    GlobalReplicationGroup {
        suffix: String,
        primary_group: V,
        description: String,
    },
    /// The AUTH token of a Global Datastore: generated into Secrets Manager, replicated to the
    /// secondaries, read by reference (Terraform must keep it in state: its auth_token argument
    /// is not write-only).
    CacheAuthSecret {
        name: String,
        kms_key: V,
        replica_regions: Vec<(String, V)>,
    },
    /// An RBAC user: IAM-authenticated, or switched off (`iam: false`: the `default` user,
    /// disabled). `engine` is `redis`, which Valkey caches accept for RBAC objects.
    CacheUser {
        id: String,
        name: String,
        engine: String,
        access: String,
        iam: bool,
    },
    CacheUserGroup {
        id: String,
        engine: String,
        users: Vec<V>,
    },
    // --- msk
    MskCluster {
        name: String,
        kafka_version: String,
        broker_type: String,
        brokers: i64,
        storage_gib: i64,
        subnets: V,
        security_groups: Vec<V>,
        kms_key: V,
        log_group: V,
        /// Multi-VPC private connectivity for IAM (needed on a cross-region replication source).
        multi_vpc: bool,
    },
    MskClusterPolicy {
        cluster: V,
        policy: Vec<Statement>,
    },
    MskReplicator {
        name: String,
        source_cluster: V,
        source_subnets: V,
        source_security_groups: Vec<V>,
        target_cluster: V,
        target_subnets: V,
        target_security_groups: Vec<V>,
        role: V,
        topics: Vec<String>,
    },
    // --- eks
    EksCluster {
        name: String,
        version: String,
        role: V,
        subnets: V,
        security_groups: Vec<V>,
        kms_key: V,
    },
    EksNodegroup {
        name: String,
        cluster: V,
        role: V,
        subnets: V,
        instance_types: Vec<String>,
        /// `AL2023_x86_64_STANDARD` or `AL2023_ARM_64_STANDARD`, from the instance types.
        ami_type: String,
        capacity_type: String,
        min: i64,
        max: i64,
        desired: i64,
    },
    // --- dns
    HealthCheck {
        name: String,
        fqdn: String,
        port: i64,
        path: String,
        https: bool,
        interval: i64,
        threshold: i64,
    },
    RecordSet {
        zone: String,
        spec: RecordSpec,
    },
    // --- monitoring
    Topic {
        name: String,
        kms_key: V,
    },
    TopicPolicy {
        topic: V,
        services: Vec<String>,
    },
    EmailSubscription {
        topic: V,
        address: String,
    },
    Alarm(AlarmSpec),
    Budget {
        name: String,
        limit_usd: f64,
        thresholds: Vec<f64>,
        topic: V,
        emails: Vec<String>,
    },
}

/// Where a route sends traffic.
#[derive(Clone, Debug, PartialEq)]
pub enum RouteTarget {
    Gateway(V),
    Nat(V),
    Peering(V),
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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retain {
    No,
    Retain,
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

#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub ty: ParamType,
    pub source: ParamSource,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    /// PascalCase.
    pub name: String,
    pub value: V,
    pub description: String,
    /// A list output (joined with commas in CloudFormation).
    pub list: bool,
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
}

/// A replication or peering link between regions (for `graph`).
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub kind: LinkKind,
    pub from: String,
    pub to: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    Peering,
    AuroraGlobal,
    GlobalDatastore,
    MskReplication,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Peering => "VPC peering",
            LinkKind::AuroraGlobal => "Aurora Global Database",
            LinkKind::GlobalDatastore => "Global Datastore",
            LinkKind::MskReplication => "MSK Replicator",
        }
    }
}

/// The whole plan of one environment.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub environment: String,
    pub prefix: String,
    /// The environment's regions, primary first.
    pub regions: Vec<String>,
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

impl Kind {
    /// The AWS-side name or identifier this resource is created with, if mrgen chooses one.
    pub fn aws_name(&self) -> Option<&str> {
        match self {
            Kind::KmsAlias { name, .. }
            | Kind::LogGroup { name, .. }
            | Kind::IamRole { name, .. }
            | Kind::DbSecret { name, .. }
            | Kind::CacheAuthSecret { name, .. }
            | Kind::DbSubnetGroup { name, .. }
            | Kind::DbClusterParameterGroup { name, .. }
            | Kind::CacheSubnetGroup { name, .. }
            | Kind::CacheParameterGroup { name, .. }
            | Kind::MskCluster { name, .. }
            | Kind::MskReplicator { name, .. }
            | Kind::EksCluster { name, .. }
            | Kind::EksNodegroup { name, .. }
            | Kind::Topic { name, .. }
            | Kind::Budget { name, .. }
            | Kind::SecurityGroup { name, .. } => Some(name),
            Kind::GlobalCluster { id, .. }
            | Kind::DbCluster { id, .. }
            | Kind::DbInstance { id, .. }
            | Kind::ReplicationGroup { id, .. }
            | Kind::CacheUser { id, .. }
            | Kind::CacheUserGroup { id, .. } => Some(id),
            Kind::GlobalReplicationGroup { suffix, .. } => Some(suffix),
            Kind::Alarm(a) => Some(&a.name),
            _ => None,
        }
    }
}
