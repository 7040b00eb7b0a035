//! The resolved environment's types: what the plan, the rules and both backends read, every
//! value carrying the key path it came from (or where the user would set it).

use super::raw::{CacheEngine, CapacityType, MaxmemoryPolicy, Mode, MskReplication, Policy, Protocol};
use crate::cidr::Cidr;
use crate::path::KeyPath;
use std::collections::BTreeMap;

/// A value and the key path it came from, or where the user would set it.
#[derive(Clone, Debug, PartialEq)]
pub struct Sourced<T> {
    pub value: T,
    pub path: KeyPath,
    /// Written in the file (or on the command line) rather than defaulted or derived.
    pub given: bool,
}

impl<T> Sourced<T> {
    pub(super) fn given(value: T, path: KeyPath) -> Self {
        Sourced {
            value,
            path,
            given: true,
        }
    }
    pub(super) fn default(value: T, path: KeyPath) -> Self {
        Sourced {
            value,
            path,
            given: false,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct RegionEnv {
    pub code: String,
    /// Where the code is written (`regions.primary`, `regions.secondary[1]`).
    pub code_path: KeyPath,
    /// Created as the primary (create-time identity: never changes after the first deploy).
    pub primary: bool,
    /// Holds the writer now (`multi-region.writer`): what follows the writer reads this.
    pub writer: bool,
    /// 0 for the primary, then the secondaries in the order listed.
    pub index: usize,
    /// AZ names from the CDK lookup cache; empty means "picked at deploy time".
    pub az_names: Vec<String>,
    /// AZs used: 3, or 2 where the region has only two for new accounts.
    pub az_count: u32,
    /// None when the file gives CIDRs for other regions but not this one (MR206).
    pub vpc_cidr: Option<Sourced<String>>,
    /// `vpc_cidr`'s network address, when it is an IPv4 CIDR (MR201 otherwise).
    pub cidr: Option<Cidr>,
    pub eks_min: Sourced<i64>,
    pub eks_max: Sourced<i64>,
    pub eks_desired: Sourced<i64>,
    pub aurora_readers: Sourced<i64>,
    pub redis_replicas: Sourced<i64>,
    pub msk_brokers: Sourced<i64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Aurora {
    pub engine_version: Sourced<String>,
    pub instance_class: Sourced<String>,
    pub database_name: String,
    pub backup_retention_days: i64,
    pub write_forwarding: Sourced<bool>,
    pub performance_insights: bool,
    /// Set `rds.global_db_rpo` from `failover-rpo-minutes`.
    pub enforce_rpo: Sourced<bool>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Redis {
    pub engine: Sourced<CacheEngine>,
    pub engine_version: Sourced<String>,
    pub node_type: Sourced<String>,
    pub snapshot_retention_days: i64,
    pub maintenance_window: Sourced<String>,
    pub maxmemory_policy: MaxmemoryPolicy,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Msk {
    pub kafka_version: Sourced<String>,
    pub broker_instance_type: Sourced<String>,
    pub storage_gib: Sourced<i64>,
    pub replication: Sourced<MskReplication>,
    pub topics: Vec<Sourced<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Eks {
    pub version: Sourced<String>,
    pub instance_types: Vec<String>,
    pub capacity_type: CapacityType,
    pub admin_principals: Vec<String>,
    pub workload: Workload,
}

/// `eks.workload` with its defaults applied.
#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    pub namespace: String,
    pub service_account: String,
    pub database_user: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub path: KeyPath,
    /// As written.
    pub name: String,
    /// Fully qualified, without the trailing dot.
    pub fqdn: String,
    pub policy: Policy,
    /// Region → location codes (geolocation).
    pub locations: Vec<(String, Vec<String>)>,
    /// Region → weight (weighted).
    pub weights: Vec<(String, i64)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Route53 {
    pub hosted_zone: String,
    /// `route53.hosted-zone-id` (its path also when absent: MR005 asks for it with ingress).
    pub hosted_zone_id: Sourced<Option<String>>,
    pub protocol: Protocol,
    pub port: i64,
    pub path: Sourced<String>,
    /// Region → host name its health check probes and records point to: the region's entry
    /// point unless `route53.endpoints` gives it.
    pub endpoints: BTreeMap<String, String>,
    /// `route53.endpoints` is given (with its path): records are CNAMEs to those names.
    pub endpoints_given: Option<KeyPath>,
    pub records: Vec<Record>,
}

/// `ingress` with its defaults applied: each region's entry point (load balancer, certificate,
/// WAF, target group). Present only with Route 53, whose zone validates the certificates.
#[derive(Clone, Debug, PartialEq)]
pub struct Ingress {
    /// The port the application's pods listen on.
    pub port: i64,
    pub waf: bool,
    /// Region → its entry-point name, `<region>.<domain>`.
    pub entry_points: BTreeMap<String, String>,
}

/// `storage` with its defaults applied.
#[derive(Clone, Debug, PartialEq)]
pub struct Storage {
    /// The bucket purposes, `logs` always among them, each once, in the order given (`logs`
    /// first when the file does not list it).
    pub buckets: Vec<Sourced<String>>,
    /// Purposes listed again after their first time (MR003), left out of `buckets`.
    pub repeated: Vec<Sourced<String>>,
    pub noncurrent_version_days: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Monitoring {
    pub alarm_emails: Vec<String>,
    pub lag_warning_seconds: i64,
    pub lag_critical_seconds: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Budget {
    pub soft_cap_usd: Option<f64>,
    pub hard_cap_usd: Option<f64>,
    pub alert_thresholds: Vec<f64>,
}

/// `cost`: the usage the cost estimate assumes, every default applied (SPEC section 5.3).
#[derive(Clone, Debug, PartialEq)]
pub struct CostUsage {
    pub aurora_storage_gib: f64,
    pub aurora_io_millions: f64,
    pub aurora_write_io_millions: f64,
    pub cross_region_gib_per_month: f64,
    pub nat_gib_per_month: f64,
    pub s3_gib: f64,
    pub alb_lcu: f64,
    pub log_gib_per_month: f64,
    pub dns_queries_millions: f64,
    pub waf_requests_millions: f64,
    pub msk_replicated_gib_per_month: f64,
}

impl CostUsage {
    /// Each assumption as (its key in the `cost` section, its value), in the schema's order.
    pub fn keys(&self) -> [(&'static str, f64); 11] {
        [
            ("aurora-storage-gib", self.aurora_storage_gib),
            ("aurora-io-millions", self.aurora_io_millions),
            ("aurora-write-io-millions", self.aurora_write_io_millions),
            ("cross-region-gib-per-month", self.cross_region_gib_per_month),
            ("nat-gib-per-month", self.nat_gib_per_month),
            ("s3-gib", self.s3_gib),
            ("alb-lcu", self.alb_lcu),
            ("log-gib-per-month", self.log_gib_per_month),
            ("dns-queries-millions", self.dns_queries_millions),
            ("waf-requests-millions", self.waf_requests_millions),
            ("msk-replicated-gib-per-month", self.msk_replicated_gib_per_month),
        ]
    }
}

/// The environment with every default applied: what the plan and both backends read.
#[derive(Clone, Debug, PartialEq)]
pub struct Environment {
    pub name: String,
    pub prefix: String,
    pub domain: Option<String>,
    pub account: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub mode: Mode,
    pub dr_enabled: bool,
    pub peering: bool,
    pub rto_minutes: Sourced<i64>,
    pub rpo_minutes: Sourced<i64>,
    pub health_check_interval: Sourced<i64>,
    pub health_check_threshold: Sourced<i64>,
    pub dns_ttl_seconds: Sourced<i64>,
    /// `multi-region.writer` as written (or the primary by default); MR511 when it names no
    /// rendered region, and the primary then holds the writer's part.
    pub writer: Sourced<String>,
    /// `multi-region.arc-region-switch`: render the AWS ARC Region switch plans (the `recovery`
    /// layer) when there is a secondary region.
    pub arc_region_switch: bool,
    /// The regions rendered: the primary, then the secondaries when DR is on.
    pub regions: Vec<RegionEnv>,
    /// Every secondary the file lists, rendered or not.
    pub listed_secondaries: Vec<(String, KeyPath)>,
    pub aurora: Option<Aurora>,
    pub redis: Option<Redis>,
    pub msk: Option<Msk>,
    pub eks: Option<Eks>,
    pub route53: Option<Route53>,
    pub ingress: Option<Ingress>,
    pub storage: Option<Storage>,
    pub monitoring: Monitoring,
    pub budget: Option<Budget>,
    pub cost: CostUsage,
    /// Parts not rendered, and why (shown by `plan`).
    pub omitted: Vec<(String, String)>,
    /// Cross-region features the file explicitly asks for (MR307), with their paths.
    pub explicit_cross_region: Vec<(String, KeyPath)>,
}

impl Environment {
    pub fn primary(&self) -> &RegionEnv {
        &self.regions[0]
    }

    /// The region that holds the writer now (the primary when `writer` names none).
    pub fn writer(&self) -> &RegionEnv {
        self.regions.iter().find(|r| r.writer).unwrap_or(&self.regions[0])
    }

    /// The rendered regions other than the writer's, in order (primary first).
    pub fn readers(&self) -> impl Iterator<Item = &RegionEnv> {
        self.regions.iter().filter(|r| !r.writer)
    }

    /// (source, target) of every MSK Replicator: the primary into each secondary, and back in
    /// active-active; none without MSK replication or a secondary.
    pub fn replication_pairs(&self) -> Vec<(&RegionEnv, &RegionEnv)> {
        let Some(m) = &self.msk else { return Vec::new() };
        if m.replication.value != MskReplication::MskReplicator || self.regions.len() < 2 {
            return Vec::new();
        }
        let p = self.primary();
        let mut pairs: Vec<(&RegionEnv, &RegionEnv)> = self.secondaries().iter().map(|s| (p, s)).collect();
        if self.mode == Mode::ActiveActive {
            pairs.extend(self.secondaries().iter().map(|s| (s, p)));
        }
        pairs
    }

    /// The routing records are aliases to the regions' load balancers (ingress, and no
    /// `route53.endpoints` given), rather than CNAMEs to given endpoints.
    pub fn alias_records(&self) -> bool {
        self.ingress.is_some() && self.route53.as_ref().is_some_and(|r| r.endpoints_given.is_none())
    }

    pub fn secondaries(&self) -> &[RegionEnv] {
        &self.regions[1..]
    }

    pub fn section(&self, s: &str) -> KeyPath {
        KeyPath::section(&self.prefix, s)
    }
}
