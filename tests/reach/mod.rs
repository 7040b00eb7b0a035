//! SPEC 5.1 "Pods reach what they need" and "Pods have an identity", checked on the rendered
//! files of both backends (SPEC 6), never on the plan: `cfn.rs` reads the CloudFormation
//! templates with `manifest.json`'s parameter wiring, `tf.rs` reads the `.tf` files with
//! hcl-edit, and each reduces what it reads to the same [`Facts`]. References are followed to
//! what they name and written as symbols (`{account}`, `{uuid|…}`) that stand for what only AWS
//! knows, so that an ARN a policy builds from another stack's output can be compared with the
//! ARN of the resource itself.
//!
//! Reachability: which security groups each node group's nodes carry (the cluster security
//! group when no launch template sets groups), and whether an ingress rule of each data store's
//! group admits them on its port (Aurora 5432, the cache 6379, MSK 9098), in every region; across
//! each peering, whether the peer VPC's CIDR is admitted on 5432 and 6379 in both directions, and
//! that nothing else admits another region's VPC.
//!
//! Entry points: in every region with a load balancer, its listener forwards to an IP target
//! group on `ingress.port`, a group of the load balancer may send to that port inside the VPC
//! (or to the nodes' groups), and the nodes admit a group of the load balancer on it.
//!
//! Identity: the Pod Identity association of `eks.workload`'s service account, its role's trust
//! (`pods.eks.amazonaws.com`, `sts:AssumeRole` and `sts:TagSession`), and whether the role's
//! policy allows each action the application needs on the environment's own resources. The
//! needed set, and why it is the least that works:
//!
//! - Kafka, on the region's cluster: `Connect`, `DescribeCluster`, and `WriteDataIdempotently`
//!   (producers are idempotent by default since Kafka 3.0); on every configured topic:
//!   `DescribeTopic`, `ReadData`, `WriteData`, and `CreateTopic` (mrgen renders no topics and MSK
//!   does not create them on first use, so the application creates its own, only those the
//!   replicators copy); on consumer groups of that cluster: `DescribeGroup`, `AlterGroup`.
//! - The cache: `secretsmanager:GetSecretValue` on the Global Datastore's AUTH secret in the
//!   region and `kms:Decrypt` on the key that encrypts it there; a single-region cache (RBAC with
//!   IAM) instead `elasticache:Connect` on the replication group and its IAM user.
//! - Aurora: `rds-db:connect` as the workload's database user on every region's cluster (the
//!   global writer endpoint leads to any of them after a switchover).
//!
//! - S3: `GetObject`, `PutObject` and `ListBucket` on the region's application buckets (every
//!   purpose of `storage.buckets` but `logs`), and `kms:Decrypt` and `kms:GenerateDataKey` on the
//!   key each of them is encrypted with; nothing on the logs bucket or another region's buckets.
//!
//! Too broad is a failure too: a statement on `*`, a wildcard in an ARN's service, region or
//! account, any other secret (the Aurora master secret above all), another region's Kafka
//! cluster, a topic no pattern names, a managed policy on the role.

mod cfn;
mod tf;

use crate::common::{render_env, shipped, shipped_environments, File};
use std::collections::{BTreeMap, BTreeSet};

/// The symbol of the deploying account's id in both backends.
pub const ACCOUNT: &str = "{account}";
/// What Secrets Manager appends to a secret's name in its ARN (six characters).
pub const SECRET_SUFFIX: &str = "AbCdEf";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StoreKind {
    Aurora,
    Cache,
    Kafka,
}

impl StoreKind {
    pub fn port(self) -> i64 {
        match self {
            StoreKind::Aurora => 5432,
            StoreKind::Cache => 6379,
            StoreKind::Kafka => 9098,
        }
    }
    fn name(self) -> &'static str {
        match self {
            StoreKind::Aurora => "Aurora (PostgreSQL)",
            StoreKind::Cache => "the cache (Redis/Valkey)",
            StoreKind::Kafka => "MSK (Kafka with IAM)",
        }
    }
    /// Whether it is reached across the peering.
    fn crosses(self) -> bool {
        self != StoreKind::Kafka
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    Group(String),
    Cidr(String),
}

/// One ingress rule of a security group.
#[derive(Clone, Debug)]
pub struct Rule {
    pub group: String,
    pub protocol: String,
    pub from: i64,
    pub to: i64,
    pub source: Source,
    /// Where it is written, for messages.
    pub at: String,
}

impl Rule {
    fn admits_port(&self, port: i64) -> bool {
        (self.protocol == "tcp" || self.protocol == "-1") && self.from <= port && port <= self.to
    }
}

#[derive(Clone, Debug)]
pub struct Store {
    pub region: String,
    pub kind: StoreKind,
    pub groups: Vec<String>,
    pub at: String,
}

#[derive(Clone, Debug)]
pub struct NodeGroup {
    pub region: String,
    pub at: String,
    /// The security groups its nodes carry.
    pub groups: Vec<String>,
}

/// A load balancer and the target groups its listeners forward to.
#[derive(Clone, Debug)]
pub struct LoadBalancer {
    pub region: String,
    pub at: String,
    pub groups: Vec<String>,
    /// (port, target type) of each target group a listener forwards to.
    pub targets: Vec<(i64, String)>,
}

#[derive(Clone, Debug, Default)]
pub struct Statement {
    pub effect: String,
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    pub services: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Role {
    pub at: String,
    pub trust: Vec<Statement>,
    pub policy: Vec<Statement>,
    pub managed: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Association {
    pub region: String,
    pub namespace: String,
    pub service_account: String,
    /// The role's ARN (symbolic).
    pub role: String,
}

/// A secret: its ARN in each region that holds it (its own and its replicas'), with the key
/// that encrypts it there.
#[derive(Clone, Debug)]
pub struct Secret {
    pub at: String,
    pub arns: BTreeMap<String, (String, String)>,
    /// Read by a replication group as its AUTH token.
    pub auth: bool,
}

/// An S3 bucket: its region, name and the KMS key of its default encryption (none: SSE-S3).
#[derive(Clone, Debug)]
pub struct BucketFact {
    pub region: String,
    pub name: String,
    pub key: Option<String>,
}

/// What one backend's files say, reduced to what the checks need.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub backend: &'static str,
    /// VPC symbol → (region, CIDR).
    pub vpcs: BTreeMap<String, (String, String)>,
    /// Peered region pairs.
    pub peerings: Vec<(String, String)>,
    /// Security group symbol → region.
    pub group_region: BTreeMap<String, String>,
    pub rules: Vec<Rule>,
    /// Egress rules (`source` is the destination).
    pub egress: Vec<Rule>,
    pub load_balancers: Vec<LoadBalancer>,
    pub stores: Vec<Store>,
    pub nodes: Vec<NodeGroup>,
    /// Role ARN → role.
    pub roles: BTreeMap<String, Role>,
    pub associations: Vec<Association>,
    /// Region → the ARN of its Kafka cluster.
    pub kafka: BTreeMap<String, String>,
    /// Region → its Aurora cluster's resource id.
    pub db_resource_ids: BTreeMap<String, String>,
    pub secrets: Vec<Secret>,
    /// Region → (replication group ARN, IAM user ARN) of a cache with RBAC and IAM users.
    pub cache_iam: BTreeMap<String, (String, String)>,
    pub buckets: Vec<BucketFact>,
}

/// Where a DNS record leads.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// An alias to the load balancer of a region (a load balancer the output creates).
    LoadBalancer(String),
    /// A CNAME to a host name.
    Host(String),
    /// Anything else, as found.
    Other(String),
}

/// The DNS side of one backend's files: every record with where it leads, every health
/// check's host name, and the names each region's load balancer has a certificate for.
#[derive(Clone, Debug, Default)]
pub struct Names {
    pub backend: &'static str,
    pub records: Vec<(String, Target)>,
    pub health_checks: Vec<String>,
    /// Region → the names of the certificate on its load balancer's HTTPS listener.
    pub certificates: BTreeMap<String, Vec<String>>,
}

/// A certificate name (`*.example.com` covers one label) covers `name`.
fn cert_covers(cert: &str, name: &str) -> bool {
    match cert.strip_prefix("*.") {
        Some(rest) => name
            .split_once('.')
            .is_some_and(|(label, tail)| !label.is_empty() && tail == rest),
        None => cert == name,
    }
}

/// Every problem with where the DNS names lead and what the certificates cover: each record
/// leads to a load balancer the output creates or to an endpoint the environment names; each
/// name a client can use finds, in every region a record of that name leads to, a certificate
/// that covers it; each health check probes such a name.
pub fn dns_names(n: &Names, want: &Want) -> Vec<String> {
    let b = n.backend;
    let mut problems = Vec::new();
    for (name, target) in &n.records {
        match target {
            Target::LoadBalancer(region) => match n.certificates.get(region) {
                None => problems.push(format!(
                    "{b}: `{name}` leads to {region}, which has no load balancer with a certificate"
                )),
                Some(certs) if !certs.iter().any(|c| cert_covers(c, name)) => problems.push(format!(
                    "{b}: `{name}` leads to {region}, whose certificate ({}) does not cover it",
                    certs.join(", ")
                )),
                Some(_) => {}
            },
            Target::Host(h) if want.endpoints.contains(h) => {}
            Target::Host(h) => problems.push(format!(
                "{b}: `{name}` is a CNAME to `{h}`, which neither the output nor the environment creates"
            )),
            Target::Other(t) => problems.push(format!("{b}: `{name}` leads to {t}, not a load balancer of the output")),
        }
    }
    for h in &n.health_checks {
        let to_lb = n
            .records
            .iter()
            .any(|(name, t)| name == h && matches!(t, Target::LoadBalancer(_)));
        if !to_lb && !want.endpoints.contains(h) {
            problems.push(format!("{b}: a health check probes `{h}`, which no record leads to a load balancer and the environment does not name"));
        }
    }
    problems
}

/// What the environment asks for (from its file, not the plan).
pub struct Want {
    pub namespace: String,
    pub service_account: String,
    pub database_user: String,
    pub topics: Vec<String>,
    /// `ingress.port` when the environment has ingress.
    pub ingress_port: Option<i64>,
    /// The host names `route53.endpoints` gives.
    pub endpoints: Vec<String>,
    /// The application's bucket purposes (`storage.buckets` but `logs`).
    pub app_buckets: Vec<String>,
}

fn want(name: &str) -> Want {
    let text = shipped(name);
    let checked = mrgen::check::check(name, &format!("environments/{name}.yaml"), text.as_bytes(), &[]);
    let env = checked.env.expect("a valid environment");
    let eks = env.eks.expect("EKS is on in every shipped environment");
    Want {
        namespace: eks.workload.namespace.clone(),
        service_account: eks.workload.service_account.clone(),
        database_user: eks.workload.database_user.clone(),
        topics: env
            .msk
            .map(|m| m.topics.iter().map(|t| t.value.clone()).collect())
            .unwrap_or_default(),
        ingress_port: env.ingress.as_ref().map(|i| i.port),
        app_buckets: env
            .storage
            .as_ref()
            .map(|st| {
                st.buckets
                    .iter()
                    .map(|b| b.value.clone())
                    .filter(|b| b != "logs")
                    .collect()
            })
            .unwrap_or_default(),
        // The host names the file gives (`route53.endpoints`), not the defaults.
        endpoints: match &env.route53 {
            Some(r53) if r53.endpoints_given.is_some() => r53.endpoints.values().cloned().collect(),
            _ => Vec::new(),
        },
    }
}

/// IAM's wildcard match (`*` any run, `?` one character), case-sensitive as for resources.
pub fn wildcard(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

fn action_matches(pattern: &str, action: &str) -> bool {
    wildcard(&pattern.to_lowercase(), &action.to_lowercase())
}

impl Role {
    /// Whether an Allow statement of the policy grants `action` on `resource`.
    fn allows(&self, action: &str, resource: &str) -> bool {
        self.policy.iter().any(|s| {
            s.effect == "Allow"
                && s.actions.iter().any(|a| action_matches(a, action))
                && s.resources.iter().any(|r| wildcard(r, resource))
        })
    }
}

/// `a.b.c.d/n` → (network, mask).
fn cidr(s: &str) -> Option<(u32, u32)> {
    let (ip, len) = s.split_once('/')?;
    let len: u32 = len.parse().ok()?;
    let octets: Vec<u32> = ip.split('.').map(|o| o.parse().ok()).collect::<Option<_>>()?;
    if octets.len() != 4 || len > 32 {
        return None;
    }
    let ip = octets.iter().fold(0u32, |a, o| (a << 8) | o);
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    Some((ip & mask, mask))
}

/// Whether the rule's CIDR `outer` holds all of `inner`.
fn covers(outer: &str, inner: &str) -> bool {
    match (cidr(outer), cidr(inner)) {
        (Some((o, om)), Some((i, im))) => om & im == om && i & om == o,
        _ => false,
    }
}

fn overlaps(a: &str, b: &str) -> bool {
    covers(a, b) || covers(b, a)
}

/// One topic name each pattern matches (a regular expression as MSK Replicator reads it),
/// worked out here without mrgen's own conversion.
fn sample_topic(pattern: &str) -> Option<String> {
    let p = pattern.trim_start_matches('^').trim_end_matches('$');
    let chars: Vec<char> = p.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let (piece, next) = match chars[i] {
            '\\' => {
                let e = *chars.get(i + 1)?;
                let s = match e {
                    'd' => "0".to_string(),
                    'w' => "a".to_string(),
                    c if c.is_ascii_alphanumeric() => return None,
                    c => c.to_string(),
                };
                (s, i + 2)
            }
            '.' => ("x".to_string(), i + 1),
            '[' => {
                let end = chars[i..].iter().position(|c| *c == ']')? + i;
                (chars.get(i + 1)?.to_string(), end + 1)
            }
            '(' | ')' | '|' | '{' | '}' | '*' | '+' | '?' => return None,
            c => (c.to_string(), i + 1),
        };
        i = next;
        match chars.get(i) {
            Some('*') => {
                out.push_str(&format!("{piece}sample"));
                i += 1;
            }
            Some('+') => {
                out.push_str(&format!("{piece}{piece}"));
                i += 1;
            }
            Some('?') => i += 1,
            _ => out.push_str(&piece),
        }
    }
    Some(out)
}

/// Whether no pattern can match a name that starts with `0-`: each begins with a literal
/// letter.
fn patterns_skip_leading_zero(patterns: &[String]) -> bool {
    patterns.iter().all(|p| {
        let p = p.trim_start_matches('^');
        p.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && !p.starts_with(|c: char| c.is_ascii_alphabetic() && p[1..].starts_with(['*', '?']))
    })
}

/// Every problem with reachability, across all regions and the peering.
pub fn reachability(f: &Facts) -> Vec<String> {
    let b = f.backend;
    let mut problems = Vec::new();
    let regions: BTreeSet<&String> = f.stores.iter().map(|s| &s.region).collect();
    for region in regions {
        let nodes: Vec<&NodeGroup> = f.nodes.iter().filter(|n| &n.region == region).collect();
        if nodes.is_empty() {
            problems.push(format!(
                "{b} {region}: no EKS node group, so nothing reaches the data stores"
            ));
        }
        for store in f.stores.iter().filter(|s| &s.region == region) {
            let port = store.kind.port();
            for ng in &nodes {
                let admitted = f.rules.iter().any(|r| {
                    store.groups.contains(&r.group)
                        && r.admits_port(port)
                        && matches!(&r.source, Source::Group(g) if ng.groups.contains(g))
                });
                if !admitted {
                    problems.push(format!(
                        "{b} {region}: the nodes of {} (security groups {:?}) are not admitted to {} ({}) on {port}",
                        ng.at,
                        ng.groups,
                        store.kind.name(),
                        store.at
                    ));
                }
            }
        }
    }
    let cidr_of = |region: &str| f.vpcs.values().find(|(r, _)| r == region).map(|(_, c)| c.clone());
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (a, b2) in &f.peerings {
        pairs.push((a.clone(), b2.clone()));
        pairs.push((b2.clone(), a.clone()));
    }
    for (here, peer) in &pairs {
        let Some(peer_cidr) = cidr_of(peer) else {
            problems.push(format!("{b}: no VPC CIDR for {peer}"));
            continue;
        };
        for store in f.stores.iter().filter(|s| &s.region == here) {
            let port = store.kind.port();
            let admitted = f.rules.iter().any(|r| {
                store.groups.contains(&r.group)
                    && r.admits_port(port)
                    && matches!(&r.source, Source::Cidr(c) if covers(c, &peer_cidr))
            });
            if store.kind.crosses() && !admitted {
                problems.push(format!(
                    "{b} {here}: {} ({}) does not admit the peered VPC of {peer} ({peer_cidr}) on {port}",
                    store.kind.name(),
                    store.at
                ));
            }
            if !store.kind.crosses() && admitted {
                problems.push(format!(
                    "{b} {here}: {} ({}) admits the peered VPC of {peer} ({peer_cidr}) on {port}: Kafka does not cross the peering",
                    store.kind.name(),
                    store.at
                ));
            }
        }
    }
    // Nothing else crosses: a rule admitting another region's VPC must be a peered store's own
    // port (the world, 0.0.0.0/0, is another check's business).
    for r in &f.rules {
        let Source::Cidr(c) = &r.source else { continue };
        if c.ends_with("/0") {
            continue;
        }
        let Some(here) = f.group_region.get(&r.group) else {
            problems.push(format!("{b}: rule {} is on a group of no known region", r.at));
            continue;
        };
        for (other, other_cidr) in f.vpcs.values() {
            if other == here || !overlaps(c, other_cidr) {
                continue;
            }
            let peered = pairs.iter().any(|(x, y)| x == here && y == other);
            let allowed = peered
                && f.stores.iter().any(|s| {
                    &s.region == here
                        && s.kind.crosses()
                        && s.groups.contains(&r.group)
                        && r.from == s.kind.port()
                        && r.to == s.kind.port()
                        && r.protocol == "tcp"
                });
            if !allowed {
                problems.push(format!(
                    "{b} {here}: {} admits {c} ({other}'s VPC) on {}-{}: only 5432 and 6379 of the peered data stores cross",
                    r.at, r.from, r.to
                ));
            }
        }
    }
    problems
}

/// Every problem on the way from each region's load balancer to the pods.
pub fn entry_points(f: &Facts, want: &Want) -> Vec<String> {
    let b = f.backend;
    let mut problems = Vec::new();
    let Some(port) = want.ingress_port else {
        if !f.load_balancers.is_empty() {
            problems.push(format!("{b}: load balancers without ingress"));
        }
        return problems;
    };
    let regions: BTreeSet<&String> = f.vpcs.values().map(|(r, _)| r).collect();
    for region in regions {
        let lbs: Vec<&LoadBalancer> = f.load_balancers.iter().filter(|l| &l.region == region).collect();
        if lbs.is_empty() {
            problems.push(format!("{b} {region}: no load balancer, so nothing enters the region"));
        }
        let vpc_cidr = f
            .vpcs
            .values()
            .find(|(r, _)| r == region)
            .map(|(_, c)| c.clone())
            .unwrap_or_default();
        let nodes: Vec<&NodeGroup> = f.nodes.iter().filter(|n| &n.region == region).collect();
        for lb in lbs {
            if !lb.targets.iter().any(|(p, ty)| *p == port && ty == "ip") {
                problems.push(format!(
                    "{b} {region}: {} forwards to no IP target group on {port} (targets {:?})",
                    lb.at, lb.targets
                ));
            }
            let sends = f.egress.iter().any(|r| {
                lb.groups.contains(&r.group)
                    && r.admits_port(port)
                    && match &r.source {
                        Source::Cidr(c) => covers(c, &vpc_cidr),
                        Source::Group(g) => nodes.iter().all(|n| n.groups.contains(g)),
                    }
            });
            if !sends {
                problems.push(format!(
                    "{b} {region}: no group of {} (groups {:?}) may send to the pods on {port}",
                    lb.at, lb.groups
                ));
            }
            for ng in &nodes {
                let admitted = f.rules.iter().any(|r| {
                    ng.groups.contains(&r.group)
                        && r.admits_port(port)
                        && matches!(&r.source, Source::Group(g) if lb.groups.contains(g))
                });
                if !admitted {
                    problems.push(format!(
                        "{b} {region}: the nodes of {} (security groups {:?}) do not admit {} on {port}",
                        ng.at, ng.groups, lb.at
                    ));
                }
            }
        }
    }
    problems
}

/// Every problem with the application's identity in every region that runs EKS.
pub fn identity(f: &Facts, want: &Want) -> Vec<String> {
    let b = f.backend;
    let mut problems = Vec::new();
    let regions: BTreeSet<&String> = f.nodes.iter().map(|n| &n.region).collect();
    for region in regions {
        let assoc: Vec<&Association> = f.associations.iter().filter(|a| &a.region == region).collect();
        let Some(a) = assoc
            .iter()
            .find(|a| a.namespace == want.namespace && a.service_account == want.service_account)
        else {
            problems.push(format!(
                "{b} {region}: no Pod Identity association for service account {}/{} (found {:?})",
                want.namespace,
                want.service_account,
                assoc
                    .iter()
                    .map(|a| format!("{}/{}", a.namespace, a.service_account))
                    .collect::<Vec<_>>()
            ));
            continue;
        };
        let Some(role) = f.roles.get(&a.role) else {
            problems.push(format!(
                "{b} {region}: the association's role {} is not in the output",
                a.role
            ));
            continue;
        };
        let trusted = role.trust.iter().any(|s| {
            s.effect == "Allow"
                && s.services.iter().any(|p| p == "pods.eks.amazonaws.com")
                && ["sts:AssumeRole", "sts:TagSession"]
                    .iter()
                    .all(|x| s.actions.iter().any(|p| action_matches(p, x)))
        });
        if !trusted {
            problems.push(format!(
                "{b} {region}: {}'s trust does not let pods.eks.amazonaws.com call sts:AssumeRole and sts:TagSession",
                role.at
            ));
        }
        for m in &role.managed {
            problems.push(format!("{b} {region}: {} has the managed policy {m} attached", role.at));
        }
        let mut need: Vec<(&str, String)> = Vec::new();
        let mut deny: Vec<(&str, String, String)> = Vec::new();
        if let Some(k) = f.kafka.get(region) {
            for x in [
                "kafka-cluster:Connect",
                "kafka-cluster:DescribeCluster",
                "kafka-cluster:WriteDataIdempotently",
            ] {
                need.push((x, k.clone()));
            }
            let topic = |name: &str| format!("{}/{name}", k.replacen(":cluster/", ":topic/", 1));
            for p in &want.topics {
                let Some(sample) = sample_topic(p) else {
                    problems.push(format!("{b}: cannot work out a topic the pattern `{p}` matches"));
                    continue;
                };
                for x in [
                    "kafka-cluster:DescribeTopic",
                    "kafka-cluster:ReadData",
                    "kafka-cluster:WriteData",
                    "kafka-cluster:CreateTopic",
                ] {
                    need.push((x, topic(&sample)));
                }
            }
            if patterns_skip_leading_zero(&want.topics) {
                for x in [
                    "kafka-cluster:ReadData",
                    "kafka-cluster:WriteData",
                    "kafka-cluster:CreateTopic",
                ] {
                    deny.push((x, topic("0-unconfigured-topic"), "a topic no pattern names".into()));
                }
            }
            let group = format!("{}/orders-consumers", k.replacen(":cluster/", ":group/", 1));
            need.push(("kafka-cluster:AlterGroup", group.clone()));
            need.push(("kafka-cluster:DescribeGroup", group));
            for (other, ok) in &f.kafka {
                if other != region {
                    deny.push((
                        "kafka-cluster:Connect",
                        ok.clone(),
                        "another region's Kafka cluster".into(),
                    ));
                }
            }
        }
        for s in &f.secrets {
            let Some((arn, key)) = s.arns.get(region) else { continue };
            if s.auth {
                need.push(("secretsmanager:GetSecretValue", arn.clone()));
                need.push(("kms:Decrypt", key.clone()));
            } else {
                deny.push((
                    "secretsmanager:GetSecretValue",
                    arn.clone(),
                    format!("a secret other than the cache's AUTH secret: {}", s.at),
                ));
            }
        }
        if let Some((group, user)) = f.cache_iam.get(region) {
            need.push(("elasticache:Connect", group.clone()));
            need.push(("elasticache:Connect", user.clone()));
        }
        for (r2, id) in &f.db_resource_ids {
            need.push((
                "rds-db:connect",
                format!("arn:aws:rds-db:{r2}:{ACCOUNT}:dbuser:{id}/{}", want.database_user),
            ));
            deny.push((
                "rds-db:connect",
                format!("arn:aws:rds-db:{r2}:{ACCOUNT}:dbuser:{id}/mrgen_admin"),
                "the master user".into(),
            ));
        }
        // S3: read, write and list the region's application buckets, with their key; not the
        // logs bucket, not another region's buckets.
        for bucket in &f.buckets {
            let app = want.app_buckets.iter().any(|p| bucket.name.contains(&format!("-{p}-")));
            let object = format!("arn:aws:s3:::{}/data/object.json", bucket.name);
            if &bucket.region == region && app {
                need.push(("s3:GetObject", object.clone()));
                need.push(("s3:PutObject", object.clone()));
                need.push(("s3:ListBucket", format!("arn:aws:s3:::{}", bucket.name)));
                match &bucket.key {
                    Some(key) => {
                        need.push(("kms:Decrypt", key.clone()));
                        need.push(("kms:GenerateDataKey", key.clone()));
                    }
                    None => problems.push(format!(
                        "{b_} {region}: the application bucket {} has no KMS key",
                        bucket.name,
                        b_ = b
                    )),
                }
            } else {
                let what = if app {
                    "another region's bucket"
                } else {
                    "the logs bucket"
                };
                deny.push(("s3:PutObject", object.clone(), what.into()));
                deny.push(("s3:GetObject", object, what.into()));
            }
        }
        if !want.app_buckets.is_empty() && !f.buckets.iter().any(|x| &x.region == region) {
            problems.push(format!("{b} {region}: no buckets found"));
        }
        for (action, resource) in &need {
            if !role.allows(action, resource) {
                problems.push(format!(
                    "{b} {region}: {} does not allow {action} on {resource}",
                    role.at
                ));
            }
        }
        for (action, resource, what) in &deny {
            if role.allows(action, resource) {
                problems.push(format!(
                    "{b} {region}: {} allows {action} on {resource} ({what}): too broad",
                    role.at
                ));
            }
        }
        for s in &role.policy {
            for r in &s.resources {
                let fields: Vec<&str> = r.splitn(6, ':').collect();
                let wild = |x: &str| x.contains(['*', '?']);
                if r == "*" {
                    problems.push(format!("{b} {region}: {} allows {:?} on `*`", role.at, s.actions));
                } else if fields.len() < 6 || fields[..5].iter().any(|x| wild(x)) {
                    problems.push(format!(
                        "{b} {region}: {} allows {:?} on {r}, not limited to a service, region and account",
                        role.at, s.actions
                    ));
                }
            }
            if s.actions.iter().any(|a| a.ends_with(":*") || a == "*") {
                problems.push(format!(
                    "{b} {region}: {} allows every action of {:?}",
                    role.at, s.actions
                ));
            }
        }
    }
    problems
}

/// Both checks on both backends' files.
pub fn check(files: &[File], want: &Want) -> Vec<String> {
    let mut problems = Vec::new();
    for facts in [cfn::facts(files), tf::facts(files)] {
        assert!(!facts.nodes.is_empty(), "{}: no node groups found", facts.backend);
        problems.extend(reachability(&facts));
        problems.extend(entry_points(&facts, want));
        problems.extend(identity(&facts, want));
    }
    problems
}

#[test]
fn every_shipped_environment_reaches_its_data_stores_with_an_identity_of_its_own() {
    let mut failed = Vec::new();
    for env in shipped_environments() {
        let files = render_env(&env);
        for facts in [cfn::facts(&files), tf::facts(&files)] {
            println!(
                "{env} {}: {} node groups, {} data stores, {} load balancers, {} ingress rules, {} peerings, {} Pod Identity associations",
                facts.backend,
                facts.nodes.len(),
                facts.stores.len(),
                facts.load_balancers.len(),
                facts.rules.len(),
                facts.peerings.len(),
                facts.associations.len()
            );
        }
        let problems = check(&files, &want(&env));
        failed.extend(problems.into_iter().map(|p| format!("{env}: {p}")));
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn every_dns_name_leads_to_a_load_balancer_with_its_certificate_or_to_a_given_endpoint() {
    let mut failed = Vec::new();
    for env in shipped_environments() {
        let files = render_env(&env);
        let want = want(&env);
        for names in [cfn::names(&files), tf::names(&files)] {
            println!(
                "{env} {}: {} records, {} health checks, certificates in {:?}",
                names.backend,
                names.records.len(),
                names.health_checks.len(),
                names.certificates.keys().collect::<Vec<_>>()
            );
            if want.ingress_port.is_some() {
                assert!(
                    !names.certificates.is_empty(),
                    "{env} {}: no certificates found",
                    names.backend
                );
            }
            failed.extend(dns_names(&names, &want).into_iter().map(|p| format!("{env}: {p}")));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn certificate_names_and_wildcards() {
    assert!(cert_covers("api.example.com", "api.example.com"));
    assert!(cert_covers("*.example.com", "api.example.com"));
    assert!(!cert_covers("*.example.com", "a.b.example.com"));
    assert!(!cert_covers("*.example.com", "example.com"));
    assert!(!cert_covers("api.example.com", "app.example.com"));
}

#[test]
fn iam_wildcards_and_cidrs() {
    assert!(wildcard("arn:x:topic/c/u/orders.*", "arn:x:topic/c/u/orders.created"));
    assert!(!wildcard("arn:x:topic/c/u/orders.*", "arn:x:topic/c/u/payments.x"));
    assert!(wildcard("s:name-??????", "s:name-AbCdEf"));
    assert!(!wildcard("s:name-??????", "s:name-AbCdE"));
    assert!(covers("10.2.0.0/16", "10.2.0.0/16") && covers("10.0.0.0/8", "10.3.0.0/16"));
    assert!(!covers("10.2.0.0/16", "10.3.0.0/16") && overlaps("10.0.0.0/8", "10.3.0.0/16"));
    assert_eq!(sample_topic(r"orders\..*").as_deref(), Some("orders.xsample"));
    assert_eq!(sample_topic("customer-events").as_deref(), Some("customer-events"));
    assert_eq!(sample_topic(".*").as_deref(), Some("xsample"));
    assert!(patterns_skip_leading_zero(&[
        r"orders\..*".into(),
        "customer-events".into()
    ]));
    assert!(!patterns_skip_leading_zero(&[".*".into()]));
}

mod binding;
mod mutations;
