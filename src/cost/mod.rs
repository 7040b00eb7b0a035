//! The monthly cost estimate (SPEC section 5.3): every resource the plan creates, priced from
//! AWS's list prices (`crate::aws::prices`) under the usage of the `cost` section.
//!
//! [`bill`] says, for every kind of resource, what AWS charges for it, or that it is free and
//! why: one exhaustive match, so a new kind does not compile until it has said. A priced item
//! whose price is not in the table is kept, with no amount, and the estimate is incomplete.

pub mod file;
pub mod text;

use crate::aws::eks::{support, Support};
use crate::aws::prices::{Prices, GLOBAL};
use crate::aws::TABLES_AS_OF;
use crate::model::Environment;
use crate::plan::{Kind, Layer, RecordTarget, Routing};
use crate::plan::{Plan, Resource, Stack};

/// Hours in a month, as AWS's pricing pages and calculator count them (24 × 365 / 12).
pub const HOURS_PER_MONTH: f64 = 730.0;

/// The estimate of one environment.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    pub environment: String,
    /// The oldest date of the prices used.
    pub prices_as_of: String,
    /// The sum of every priced item (a lower bound when not `complete`).
    pub monthly_total: f64,
    /// Every billed item has a price.
    pub complete: bool,
    /// In the plan's order of regions, then any other region a stack is in (us-east-1).
    pub regions: Vec<RegionCost>,
    pub assumptions: Vec<(&'static str, f64)>,
    /// The kinds of resources AWS does not bill, with how many the plan holds and why.
    pub free: Vec<Free>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RegionCost {
    pub region: String,
    pub monthly: f64,
    pub items: Vec<Item>,
}

/// One line of the estimate: like resources of one region added up.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// The layer of the stack the resource is in (`aurora`, `eks`…), or `transfer`.
    pub component: String,
    /// What one of them is (`db.r6g.large instance`).
    pub what: String,
    /// How many of them.
    pub count: i64,
    /// Units billed a month.
    pub quantity: f64,
    pub unit: String,
    /// The price's key in the table (`--prices` entries use it).
    pub key: String,
    pub price: Option<Priced>,
    /// A caveat: SPOT priced on demand, an AWS default assumed, a price about to change.
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Priced {
    pub unit_price: f64,
    pub monthly: f64,
    pub source: String,
    pub date: String,
    /// `compiled`, or the `--prices` file's path.
    pub table: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Free {
    pub kind: &'static str,
    pub count: usize,
    pub why: &'static str,
}

impl Item {
    /// `3 × db.r6g.large instance`, or the one's name.
    pub fn label(&self) -> String {
        if self.count == 1 {
            self.what.clone()
        } else {
            format!("{} × {}", self.count, self.what)
        }
    }
}

impl Estimate {
    /// Every priced item, largest first (MR602 names the first three).
    pub fn largest(&self) -> Vec<(&str, &Item, f64)> {
        let mut all: Vec<(&str, &Item, f64)> = self
            .regions
            .iter()
            .flat_map(|r| {
                r.items
                    .iter()
                    .filter_map(move |i| i.price.as_ref().map(|p| (r.region.as_str(), i, p.monthly)))
            })
            .collect();
        all.sort_by(|a, b| b.2.total_cmp(&a.2));
        all
    }

    /// The items that have no price.
    pub fn unpriced(&self) -> impl Iterator<Item = (&str, &Item)> {
        self.regions.iter().flat_map(|r| {
            r.items
                .iter()
                .filter(|i| i.price.is_none())
                .map(move |i| (r.region.as_str(), i))
        })
    }
}

/// What AWS bills for one resource: items, or nothing and why.
enum Bill {
    Free(&'static str),
    Items(Vec<Charge>),
}

/// One charge before its price is looked up.
struct Charge {
    /// The region whose price applies and under which the item is listed (a secret's replica
    /// is billed in the replica's region); `None`: the stack's.
    region: Option<String>,
    key: String,
    /// The region to look the price up in, when not the item's (`global`).
    price_region: Option<&'static str>,
    item: String,
    count: i64,
    /// Units billed a month for each of `count`.
    each: f64,
    unit: &'static str,
    note: Option<String>,
}

fn charge(key: impl Into<String>, item: impl Into<String>, count: i64, each: f64, unit: &'static str) -> Charge {
    Charge {
        region: None,
        key: key.into(),
        price_region: None,
        item: item.into(),
        count,
        each,
        unit,
        note: None,
    }
}

fn hours(key: impl Into<String>, item: impl Into<String>, count: i64) -> Charge {
    charge(key, item, count, HOURS_PER_MONTH, "hours")
}

fn monthly(key: impl Into<String>, item: impl Into<String>, count: i64, unit: &'static str) -> Charge {
    charge(key, item, count, 1.0, unit)
}

fn global(mut c: Charge) -> Charge {
    c.price_region = Some(GLOBAL);
    c
}

/// Facts about the whole plan that a resource's bill needs.
struct Context<'a> {
    env: &'a Environment,
    writer: &'a str,
    /// Log groups per region, to share the region's log volume.
    log_groups: Vec<(String, usize)>,
    /// NAT gateways per region, to share the region's NAT traffic.
    nat_gateways: Vec<(String, usize)>,
    /// Aurora clusters in the plan (the writer's replicates to the others).
    aurora_clusters: usize,
    /// Record sets per name that are not aliases, to share a name's queries.
    record_names: Vec<(String, usize)>,
}

impl Context<'_> {
    /// The Availability Zones the environment uses in `region`.
    fn azs(&self, region: &str) -> u32 {
        self.env
            .regions
            .iter()
            .find(|r| r.code == region)
            .map_or(1, |r| r.az_count)
    }
}

fn count_in(list: &[(String, usize)], key: &str) -> usize {
    list.iter().find(|(k, _)| k == key).map_or(1, |(_, n)| (*n).max(1))
}

fn bump(list: &mut Vec<(String, usize)>, key: &str) {
    match list.iter_mut().find(|(k, _)| k == key) {
        Some((_, n)) => *n += 1,
        None => list.push((key.to_string(), 1)),
    }
}

const SECRET_REPLICA: &str = "billed as a secret of its own";

/// The EKS add-on that turns on Container Insights.
const CLOUDWATCH_OBSERVABILITY: &str = "amazon-cloudwatch-observability";

/// What AWS bills for `r` in `stack` (SPEC section 5.3). No wildcard arm: a new kind must say.
fn bill(r: &Resource, stack: &Stack, cx: &Context) -> Bill {
    let u = &cx.env.cost;
    let region = stack.region.as_str();
    match &r.kind {
        Kind::KmsKey(k) => Bill::Items(vec![monthly(
            "kms-key",
            if k.multi_region {
                "KMS multi-Region key"
            } else {
                "KMS key"
            },
            1,
            "key-months",
        )]),
        Kind::KmsReplicaKey(_) => Bill::Items(vec![monthly("kms-key", "KMS replica key", 1, "key-months")]),
        Kind::KmsAlias(_) => Bill::Free("KMS aliases are free"),
        Kind::Vpc(_)
        | Kind::InternetGateway(_)
        | Kind::GatewayAttachment(_)
        | Kind::Subnet(_)
        | Kind::RouteTable(_)
        | Kind::Route(_)
        | Kind::RouteTableAssociation(_)
        | Kind::SecurityGroup(_)
        | Kind::SecurityGroupIngress(_)
        | Kind::DefaultSecurityGroupLockdown(_) => {
            Bill::Free("no charge for a VPC and its subnets, routes, gateways' attachments and security groups")
        }
        Kind::Eip(_) => Bill::Items(vec![hours("public-ipv4", "public IPv4 address (NAT gateway)", 1)]),
        Kind::NatGateway(_) => {
            let share = u.nat_gib_per_month / count_in(&cx.nat_gateways, region) as f64;
            Bill::Items(vec![
                hours("nat-gateway", "NAT gateway", 1),
                charge("nat-gateway-data", "NAT gateway data processed", 1, share, "GB"),
            ])
        }
        Kind::LogGroup(l) => {
            let share = u.log_gib_per_month / count_in(&cx.log_groups, region) as f64;
            // Kept for its retention: a steady month stores retention / 30 months of logs.
            let stored = share * (l.retention_days as f64 / 30.0);
            Bill::Items(vec![
                charge("logs-ingestion", "log ingestion", 1, share, "GB"),
                charge("logs-storage", "log storage", 1, stored, "GB-months"),
            ])
        }
        Kind::IamRole(_) => Bill::Free("IAM is free"),
        Kind::FlowLog(_) => Bill::Free("flow logs are billed as the log group's ingestion"),
        Kind::PeeringConnection(_) | Kind::PeeringAccepter(_) => {
            Bill::Free("VPC peering has no hourly charge; the traffic is billed as cross-region transfer")
        }
        Kind::Bucket(_) => Bill::Items(vec![charge(
            "s3-standard-storage",
            "S3 Standard storage",
            1,
            u.s3_gib,
            "GB-months",
        )]),
        Kind::BucketPolicy(_) => Bill::Free("bucket policies are free"),
        Kind::SsmParameter(_) => Bill::Free("standard Parameter Store parameters are free"),
        Kind::DbSecret(s) => Bill::Items(secret_charges("database secret", &s.replica_regions)),
        Kind::CacheAuthSecret(s) => Bill::Items(secret_charges("cache secret", &s.replica_regions)),
        Kind::DbPasswordEphemeral(_) => Bill::Free("not an AWS resource (a password Terraform generates)"),
        Kind::DbSubnetGroup(_) | Kind::DbClusterParameterGroup(_) => Bill::Free("subnet and parameter groups are free"),
        Kind::GlobalCluster(_) => {
            Bill::Free("the global database is billed as its clusters' instances, storage and replicated writes")
        }
        Kind::DbCluster(c) => {
            let mut out = vec![charge(
                "aurora-storage",
                "Aurora storage",
                1,
                u.aurora_storage_gib,
                "GB-months",
            )];
            if region == cx.writer {
                out.push(charge(
                    "aurora-io",
                    "Aurora I/O (writer)",
                    1,
                    u.aurora_io_millions,
                    "million requests",
                ));
                let others = cx.aurora_clusters.saturating_sub(1);
                if c.global_cluster.is_some() && others > 0 {
                    // Billed in the primary region, per write replicated to each secondary: "The
                    // billing calculations for the primary AWS Region in a global database use
                    // VolumeWriteIOPs … and AuroraGlobalDBReplicatedWriteIO to account for
                    // cross-Region replication" (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html).
                    out.push(charge(
                        "aurora-replicated-write-io",
                        "global database replicated writes",
                        others as i64,
                        u.aurora_write_io_millions,
                        "million write I/Os",
                    ));
                }
            }
            Bill::Items(out)
        }
        Kind::DbInstance(i) => Bill::Items(vec![hours(
            format!("{}:{}", i.engine, i.class),
            format!("{} instance", i.class),
            1,
        )]),
        Kind::CacheSubnetGroup(_) | Kind::CacheParameterGroup(_) | Kind::CacheUser(_) | Kind::CacheUserGroup(_) => {
            Bill::Free("cache subnet and parameter groups, users and user groups are free")
        }
        Kind::ReplicationGroup(g) => Bill::Items(vec![hours(
            format!("elasticache-{}:{}", g.engine, g.node_type),
            format!("{} node", g.node_type),
            1 + g.replicas,
        )]),
        Kind::GlobalReplicationGroup(_) => {
            Bill::Free("the Global Datastore is billed as its groups' nodes and the cross-region transfer")
        }
        Kind::MskCluster(m) => Bill::Items(vec![
            hours(
                format!("msk-broker:{}", m.broker_type),
                format!("{} broker", m.broker_type),
                m.brokers,
            ),
            charge(
                "msk-storage",
                "broker storage",
                m.brokers,
                m.storage_gib as f64,
                "GB-months",
            ),
        ]),
        Kind::MskClusterPolicy(_) => Bill::Free("cluster policies are free"),
        Kind::MskReplicator(_) => Bill::Items(vec![
            hours("msk-replicator", "MSK Replicator", 1),
            charge(
                "msk-replicator-data",
                "MSK Replicator data processed",
                1,
                u.msk_replicated_gib_per_month,
                "GB",
            ),
        ]),
        Kind::EksCluster(c) => {
            let mut plane = hours("eks-cluster", "EKS control plane", 1);
            let mut out = Vec::new();
            match support(&c.version, TABLES_AS_OF) {
                Support::Extended { .. } => out.push(hours(
                    "eks-cluster-extended-support",
                    format!("EKS {} extended support", c.version),
                    1,
                )),
                // The price rises when standard support ends: said where the cost is read.
                Support::Standard => {
                    if let Some(v) = crate::aws::eks::VERSIONS.iter().find(|v| v.version == c.version) {
                        plane.note = Some(format!(
                            "EKS {} leaves standard support on {}: extended support costs more",
                            c.version, v.end_of_standard
                        ));
                    }
                }
                Support::Ended { .. } | Support::Unknown => {}
            }
            out.insert(0, plane);
            Bill::Items(out)
        }
        Kind::EksNodegroup(n) => {
            let Some(ty) = n.instance_types.first() else {
                return Bill::Free("a node group without instance types starts no node");
            };
            let mut node = hours(format!("ec2:{ty}"), format!("{ty} node (desired count)"), n.desired);
            if n.capacity_type == "SPOT" {
                node.note = Some("SPOT priced on demand: an upper bound".into());
            }
            // Without a launch template, a managed node group's volumes are gp2
            // (https://github.com/aws/containers-roadmap/issues/1417).
            let mut disk = charge("ebs-gp2", "node root volume", n.desired, EKS_NODE_DISK_GIB, "GB-months");
            disk.note = Some("20 GiB gp2 each, EKS's default".into());
            Bill::Items(vec![node, disk])
        }
        // The CloudWatch Observability add-on turns on Container Insights with enhanced
        // observability, billed per observation (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-setup-EKS-addon.html,
        // https://aws.amazon.com/cloudwatch/pricing/): how many depends on the pods, so it is a
        // line without a price.
        Kind::EksAddon(a) if a.name == CLOUDWATCH_OBSERVABILITY => {
            let mut c = monthly(
                "container-insights",
                "Container Insights (per observation)",
                1,
                "cluster-months",
            );
            c.note = Some("depends on the pods".into());
            Bill::Items(vec![c])
        }
        Kind::EksAddon(_) | Kind::EksAccessEntry(_) | Kind::EksPodIdentityAssociation(_) => {
            Bill::Free("EKS add-ons, access entries and Pod Identity associations are free")
        }
        Kind::LoadBalancer(_) => {
            // Internet-facing, in every Availability Zone: at least one public IPv4 address in
            // each, billed as any in-use public IPv4 address ("The new charges apply to all public
            // IPv4 address types—except BYOIP", https://aws.amazon.com/blogs/networking-and-content-delivery/identify-and-optimize-public-ipv4-address-usage-on-aws/).
            let mut ips = hours(
                "public-ipv4",
                "public IPv4 address (load balancer)",
                i64::from(cx.azs(region)),
            );
            ips.note = Some("at least one per Availability Zone".into());
            Bill::Items(vec![
                hours("alb", "Application Load Balancer", 1),
                charge(
                    "alb-lcu",
                    "load balancer capacity units",
                    1,
                    u.alb_lcu * HOURS_PER_MONTH,
                    "LCU-hours",
                ),
                ips,
            ])
        }
        Kind::TargetGroup(_) | Kind::Listener(_) => Bill::Free("billed as the load balancer"),
        Kind::Certificate(_) => Bill::Free("public certificates ACM issues for its integrated services are free"),
        Kind::WebAcl(w) => Bill::Items(vec![
            monthly("waf-web-acl", "web ACL", 1, "web ACL-months"),
            monthly(
                "waf-rule",
                "web ACL rule (managed rule group)",
                w.managed_rule_groups.len() as i64,
                "rule-months",
            ),
            charge(
                "waf-requests",
                "web ACL requests",
                1,
                u.waf_requests_millions,
                "million requests",
            ),
        ]),
        Kind::WebAclAssociation(_) => Bill::Free("billed as the web ACL"),
        Kind::HealthCheck(h) => {
            // With ingress, the checks probe this account's load balancers.
            let (base, feature, what) = if cx.env.ingress.is_some() {
                (
                    "route53-health-check-aws",
                    "route53-health-check-feature-aws",
                    "AWS endpoint",
                )
            } else {
                (
                    "route53-health-check-non-aws",
                    "route53-health-check-feature-non-aws",
                    "non-AWS endpoint",
                )
            };
            let mut out = vec![global(monthly(
                base,
                format!("health check ({what})"),
                1,
                "health check-months",
            ))];
            // Optional features, each billed per check: HTTPS and the fast (10 s) interval.
            let features = [(h.https, "HTTPS"), (h.interval == 10, "fast interval")];
            for (on, name) in features {
                if on {
                    out.push(global(monthly(
                        feature,
                        format!("health check option: {name}"),
                        1,
                        "feature-months",
                    )));
                }
            }
            Bill::Items(out)
        }
        Kind::RecordSet(rs) => {
            if let RecordTarget::Alias { .. } = rs.spec.target {
                return Bill::Free("queries to alias records of AWS resources are free");
            }
            let (key, what) = match rs.spec.routing {
                Routing::Simple | Routing::Failover { .. } | Routing::Weighted { .. } => {
                    ("route53-queries-standard", "standard")
                }
                Routing::Latency { .. } => ("route53-queries-latency", "latency"),
                Routing::Geolocation { .. } => ("route53-queries-geo", "geolocation"),
            };
            let share = u.dns_queries_millions / count_in(&cx.record_names, &rs.spec.name) as f64;
            Bill::Items(vec![global(charge(
                key,
                format!("DNS queries ({what})"),
                1,
                share,
                "million queries",
            ))])
        }
        Kind::Topic(_) | Kind::TopicPolicy(_) => {
            Bill::Free("alarm notifications stay within SNS's free monthly requests")
        }
        Kind::EmailSubscription(_) => Bill::Free("the first 1,000 e-mail notifications a month are free"),
        Kind::Alarm(_) => Bill::Items(vec![monthly("cloudwatch-alarm", "CloudWatch alarm", 1, "alarm-months")]),
        Kind::Dashboard(_) => Bill::Items(vec![global(monthly(
            "cloudwatch-dashboard",
            "CloudWatch dashboard",
            1,
            "dashboard-months",
        ))]),
        Kind::Budget(_) => Bill::Free("budgets without actions are free"),
        Kind::RegionSwitchPlan(_) => Bill::Items(vec![monthly(
            "arc-region-switch-plan",
            "ARC Region switch plan",
            1,
            "plan-months",
        )]),
    }
}

/// An EKS managed node group's default disk: "defaults to 20 GiB for Linux and Bottlerocket"
/// (https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html, `diskSize`).
const EKS_NODE_DISK_GIB: f64 = 20.0;

fn secret_charges(what: &str, replicas: &[(String, crate::plan::V)]) -> Vec<Charge> {
    let mut out = vec![monthly("secret", what, 1, "secret-months")];
    for (region, _) in replicas {
        let mut c = monthly("secret", format!("{what} (replica)"), 1, "secret-months");
        c.region = Some(region.clone());
        c.note = Some(SECRET_REPLICA.into());
        out.push(c);
    }
    out
}

impl<'a> Context<'a> {
    fn of(env: &'a Environment, plan: &'a Plan) -> Context<'a> {
        let mut cx = Context {
            env,
            writer: &plan.writer,
            log_groups: Vec::new(),
            nat_gateways: Vec::new(),
            aurora_clusters: 0,
            record_names: Vec::new(),
        };
        for s in &plan.stacks {
            for r in &s.resources {
                // Counted for sharing a region's (or a name's) usage among them; every other
                // kind is billed on its own in `bill`.
                if let Kind::LogGroup(_) = r.kind {
                    bump(&mut cx.log_groups, &s.region);
                } else if let Kind::NatGateway(_) = r.kind {
                    bump(&mut cx.nat_gateways, &s.region);
                } else if let Kind::DbCluster(_) = r.kind {
                    cx.aurora_clusters += 1;
                } else if let Kind::RecordSet(rs) = &r.kind {
                    if !matches!(rs.spec.target, RecordTarget::Alias { .. }) {
                        bump(&mut cx.record_names, &rs.spec.name);
                    }
                }
            }
        }
        cx
    }
}

/// The estimate of `plan` under `prices`.
pub fn estimate(env: &Environment, plan: &Plan, prices: &Prices) -> Estimate {
    let cx = Context::of(env, plan);

    let mut order: Vec<String> = plan.regions.clone();
    for s in &plan.stacks {
        if !order.contains(&s.region) {
            order.push(s.region.clone());
        }
    }
    let mut regions: Vec<RegionCost> = order
        .iter()
        .map(|r| RegionCost {
            region: r.clone(),
            monthly: 0.0,
            items: Vec::new(),
        })
        .collect();
    let mut free: Vec<Free> = Vec::new();
    let mut dates: Vec<String> = Vec::new();

    let mut add = |region: &str, component: &str, c: Charge| {
        let price_region = c.price_region.unwrap_or(region);
        let quantity = c.count as f64 * c.each;
        let price = prices.find(&c.key, price_region).map(|f| {
            if !f.date.is_empty() {
                dates.push(f.date.to_string());
            }
            Priced {
                unit_price: f.usd,
                monthly: quantity * f.usd,
                source: f.source.to_string(),
                date: f.date.to_string(),
                table: f.origin.label().to_string(),
            }
        });
        let Some(group) = regions.iter_mut().find(|g| g.region == region) else {
            return;
        };
        // Like items of one region become one line.
        if let Some(same) = group
            .items
            .iter_mut()
            .find(|i| i.component == component && i.key == c.key && i.unit == c.unit && i.what == c.item)
        {
            same.count += c.count;
            same.quantity += quantity;
            if let (Some(p), Some(q)) = (&mut same.price, &price) {
                p.monthly += q.monthly;
            }
            return;
        }
        group.items.push(Item {
            component: component.to_string(),
            what: c.item,
            count: c.count,
            quantity,
            unit: c.unit.to_string(),
            key: c.key,
            price,
            note: c.note,
        });
    };

    for s in &plan.stacks {
        for r in &s.resources {
            match bill(r, s, &cx) {
                Bill::Free(why) => match free.iter_mut().find(|f| f.kind == r.kind.name()) {
                    Some(f) => f.count += 1,
                    None => free.push(Free {
                        kind: r.kind.name(),
                        count: 1,
                        why,
                    }),
                },
                Bill::Items(charges) => {
                    for c in charges {
                        let region = c.region.clone().unwrap_or_else(|| s.region.clone());
                        add(&region, s.layer.as_str(), c);
                    }
                }
            }
        }
    }

    // Replication leaves the writer's region for every other region of the plan.
    if plan.regions.len() > 1 {
        for to in plan.regions.iter().filter(|r| **r != plan.writer) {
            add(
                &plan.writer,
                "transfer",
                charge(
                    format!("transfer-to:{to}"),
                    format!("data transfer to {to}"),
                    1,
                    env.cost.cross_region_gib_per_month,
                    "GB",
                ),
            );
        }
    }

    regions.retain(|g| !g.items.is_empty());
    // Components in deploy order (transfer last); a component's items in the plan's order.
    let rank = |c: &str| Layer::all().position(|l| l.as_str() == c).unwrap_or(usize::MAX);
    for g in &mut regions {
        g.items.sort_by_key(|i| rank(&i.component));
        g.monthly = g.items.iter().filter_map(|i| i.price.as_ref()).map(|p| p.monthly).sum();
    }
    let complete = regions.iter().all(|g| g.items.iter().all(|i| i.price.is_some()));
    dates.sort();
    Estimate {
        environment: env.name.clone(),
        prices_as_of: dates.first().cloned().unwrap_or_default(),
        monthly_total: regions.iter().map(|g| g.monthly).sum(),
        complete,
        regions,
        assumptions: env.cost.keys().to_vec(),
        free,
    }
}

#[cfg(test)]
mod tests;
