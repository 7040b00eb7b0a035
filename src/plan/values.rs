//! The values inside the plan's resources: literals and references (`V`, `Attr`), policy
//! statements, security group rules, routing records, budget alerts, and links to resources of
//! other stacks. A leaf of `plan`: the kinds are built from these, the stacks hold the kinds.

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
    /// A load balancer's DNS name (what alias records point at).
    DnsName,
    /// The id of the Route 53 zone a load balancer's DNS name lives in (an alias target's zone).
    CanonicalHostedZoneId,
    /// An MSK cluster's bootstrap brokers for IAM authentication (Terraform only: CloudFormation
    /// has no such attribute).
    BootstrapBrokers,
    /// A load balancer's full name (`app/<name>/<id>`, the end of its ARN): the value of the
    /// `LoadBalancer` dimension of its CloudWatch metrics.
    LoadBalancerFullName,
}

/// A value CloudFormation cannot read from a resource: `deploy.sh` reads it with the AWS CLI once
/// the stack is deployed (`aws <service> <operation> --<option> <output of the stack> --query
/// <query>`).
#[derive(Clone, Debug, PartialEq)]
pub struct CliRead {
    pub service: String,
    pub operation: String,
    /// (option without `--`, the name of an output of the same stack).
    pub args: Vec<(String, String)>,
    /// The JMESPath of the value in the response.
    pub query: String,
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
    /// `Bool` conditions: key → value (`aws:SecureTransport` → false).
    pub bool_equals: Vec<(String, bool)>,
    /// A `Deny` statement rather than an `Allow`.
    pub deny: bool,
    /// Any principal (`*`): resource policies that deny something to everyone.
    pub any_principal: bool,
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
            bool_equals: Vec::new(),
            deny: false,
            any_principal: false,
        }
    }

    /// Denies `actions` on `resources` to every principal (refine with a condition).
    pub fn deny_all(sid: &str, actions: &[&str], resources: Vec<V>) -> Statement {
        Statement {
            deny: true,
            any_principal: true,
            ..Statement::allow(sid, actions, resources)
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

/// The public hosted zone a record goes into: looked up by id when the environment gives one
/// (`route53.hosted-zone-id`), else by name among public zones.
#[derive(Clone, Debug, PartialEq)]
pub struct HostedZone {
    /// Without the trailing dot.
    pub name: String,
    pub id: Option<String>,
}

/// One Route 53 record of one region: a routing record, or an entry point's own name.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordSpec {
    /// Fully qualified, without the trailing dot.
    pub name: String,
    /// Every record of a routing policy has one; a simple record none.
    pub set_identifier: Option<String>,
    pub target: RecordTarget,
    /// The id of the health check resource beside it (in the same stack).
    pub health_check: Option<String>,
    pub routing: Routing,
}

/// What a record answers with.
#[derive(Clone, Debug, PartialEq)]
pub enum RecordTarget {
    /// A CNAME to a host name the environment gives (`route53.endpoints`), with the record's TTL.
    Cname { host: String, ttl: i64 },
    /// An alias A record to a load balancer: its DNS name and canonical hosted zone id. Alias
    /// records take the target's TTL (60 s for a load balancer). `evaluate_health`: the record
    /// also answers for the load balancer's own health (routing records).
    Alias {
        dns_name: V,
        zone_id: V,
        evaluate_health: bool,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Routing {
    /// One answer, no policy (an entry point's own name).
    Simple,
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

/// What a load balancer listener does with a request.
#[derive(Clone, Debug, PartialEq)]
pub enum ListenerAction {
    /// Forward to a target group.
    Forward(V),
    /// Answer with a permanent redirect (301) to the same URL over HTTPS on 443.
    RedirectToHttps,
}

/// An HTTPS listener's certificate and TLS security policy.
#[derive(Clone, Debug, PartialEq)]
pub struct ListenerTls {
    pub certificate: V,
    pub policy: String,
}

/// Where a route sends traffic.
#[derive(Clone, Debug, PartialEq)]
pub enum RouteTarget {
    Gateway(V),
    Nat(V),
    Peering(V),
}

/// A resource of another stack, by stack name and resource id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct At {
    pub stack: String,
    pub id: String,
}

/// A resource of another stack: the identifier it is created with (what CloudFormation writes)
/// and where the plan holds it (what Terraform refers to).
#[derive(Clone, Debug, PartialEq)]
pub struct Elsewhere {
    pub name: String,
    pub at: At,
}
