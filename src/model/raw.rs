//! What the user wrote: one type per `<prefix>:<section>`, every key optional unless the spec
//! makes it required, so that the resolver can tell "absent" from "given" (the `<ENV>-dr`
//! derivation and MR206/MR307 depend on it). These types also generate the JSON Schema; the
//! `default` each schema entry states is the constant the resolver applies.

use super::defaults as d;
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

/// `<prefix>:regions`.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Regions {
    /// The primary region's code, e.g. `ap-northeast-1`.
    pub primary: String,
    /// One secondary region's code, or a list of them (order matters: the first is the failover
    /// SECONDARY, and region i gets 10.i.0.0/16 when no CIDR is given).
    pub secondary: Option<OneOrMany>,
}

#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    ActivePassive,
    ActiveActive,
}

/// `<prefix>:multi-region`.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct MultiRegion {
    /// `active-passive` (disaster recovery) or `active-active` (latency).
    #[schemars(extend("default" = d::MODE))]
    pub mode: Option<Mode>,
    /// Render the secondary regions. Default: true when a secondary exists; false renders the primary only.
    pub enable_dr: Option<bool>,
    /// Peer every secondary VPC with the primary's.
    #[schemars(extend("default" = d::PEERING))]
    pub enable_cross_region_peering: Option<bool>,
    /// The recovery time promised, in whole minutes (at least 1).
    #[schemars(extend("default" = d::RTO_MINUTES), range(min = 1))]
    pub failover_rto_minutes: Option<i64>,
    /// The recovery point promised, in whole minutes.
    #[schemars(extend("default" = d::RPO_MINUTES), range(min = 0))]
    pub failover_rpo_minutes: Option<i64>,
    /// Route 53 health-check request interval in seconds: 10 or 30 (MR501).
    #[schemars(extend("default" = d::HEALTH_CHECK_INTERVAL))]
    pub health_check_interval: Option<i64>,
    /// Consecutive failed checks before an endpoint is unhealthy: 1 to 10 (MR502).
    #[schemars(extend("default" = d::HEALTH_CHECK_FAILURE_THRESHOLD))]
    pub health_check_failure_threshold: Option<i64>,
    /// TTL of the records that move users between regions.
    #[schemars(extend("default" = d::DNS_TTL_SECONDS), range(min = 0, max = 2147483647))]
    pub dns_ttl_seconds: Option<i64>,
    /// The region that holds the Aurora writer, the Global Datastore primary and the replication source now. Default: `regions.primary`; set it after a switchover or failover (MR511). It moves only what follows the writer (EKS sizing, failover records, replication-lag alarms), never what a region was created as.
    pub writer: Option<String>,
    /// Also render AWS ARC Region switch plans (CloudFormation only): one per pair of the primary region and another region, since a plan holds exactly two regions and its primary region is fixed when it is created. The plans live in us-east-1, where Region switch's control plane is.
    #[schemars(extend("default" = d::ARC_REGION_SWITCH))]
    pub arc_region_switch: Option<bool>,
}

/// Sizing of one environment (`<ENV>`, `<ENV>-dr`) or of one region (`region-overrides`).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Sizing {
    /// The VPC's IPv4 CIDR, /16 to /28. Default: 10.i.0.0/16 for region i when the file gives no CIDR at all.
    pub vpc_cidr: Option<String>,
    /// EKS managed node group minimum size.
    #[schemars(extend("default" = d::EKS_MIN_NODES), range(min = 0))]
    pub eks_min_nodes: Option<i64>,
    /// EKS managed node group maximum size.
    #[schemars(extend("default" = d::EKS_MAX_NODES), range(min = 1))]
    pub eks_max_nodes: Option<i64>,
    /// EKS managed node group desired size. Default: `eks-min-nodes` (in `<ENV>-dr`: the primary's, clamped).
    #[schemars(range(min = 0))]
    pub eks_desired_nodes: Option<i64>,
    /// Aurora reader instances beside the writer (a secondary has this many readers).
    #[schemars(extend("default" = d::AURORA_READERS), range(min = 0, max = 15))]
    pub aurora_readers: Option<i64>,
    /// ElastiCache replicas per shard.
    #[schemars(extend("default" = d::REDIS_REPLICAS), range(min = 0, max = 5))]
    pub redis_replicas: Option<i64>,
    /// MSK brokers in the region: a positive multiple of its AZ count (MR305). Default: one per AZ (3), or 4 in a two-AZ region (MSK Replicator needs 4 there).
    #[schemars(extend("default" = d::MSK_BROKERS))]
    pub msk_brokers: Option<i64>,
}

/// `<prefix>:aurora`: an Aurora PostgreSQL Global Database.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Aurora {
    #[schemars(extend("default" = true))]
    pub enabled: Option<bool>,
    /// Aurora PostgreSQL engine version, e.g. `16.6` (quoted in YAML).
    #[schemars(extend("default" = d::AURORA_ENGINE_VERSION))]
    pub engine_version: Option<String>,
    /// A memory-optimized class (db.r*/db.x*): Global Database refuses the others (MR301).
    #[schemars(extend("default" = d::AURORA_INSTANCE_CLASS))]
    pub instance_class: Option<String>,
    /// Name of the initial database.
    #[schemars(extend("default" = d::AURORA_DATABASE_NAME))]
    pub database_name: Option<String>,
    /// Automated backup retention in days.
    #[schemars(extend("default" = d::AURORA_BACKUP_RETENTION_DAYS), range(min = 1, max = 35))]
    pub backup_retention_days: Option<i64>,
    /// Global write forwarding on the secondaries (MR302 checks the engine version).
    #[schemars(extend("default" = d::AURORA_WRITE_FORWARDING))]
    pub write_forwarding: Option<bool>,
    /// Performance Insights on every instance.
    #[schemars(extend("default" = d::AURORA_PERFORMANCE_INSIGHTS))]
    pub performance_insights: Option<bool>,
    /// Enforce `failover-rpo-minutes` with Aurora's managed RPO (the cluster parameter `rds.global_db_rpo`): commits on the writer wait when every secondary lags more. At least 20 seconds, so RPO 0 is an error with it (MR504).
    #[schemars(extend("default" = d::AURORA_ENFORCE_RPO))]
    pub enforce_rpo: Option<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CacheEngine {
    Redis,
    Valkey,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum MaxmemoryPolicy {
    VolatileLru,
    AllkeysLru,
    VolatileLfu,
    AllkeysLfu,
    VolatileRandom,
    AllkeysRandom,
    VolatileTtl,
    Noeviction,
}

/// `<prefix>:redis`: an ElastiCache (Redis OSS or Valkey) Global Datastore.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Redis {
    #[schemars(extend("default" = true))]
    pub enabled: Option<bool>,
    /// `redis` (Redis OSS) or `valkey`.
    #[schemars(extend("default" = d::REDIS_ENGINE))]
    pub engine: Option<CacheEngine>,
    /// Engine version, e.g. `8.0` (quoted in YAML).
    #[schemars(extend("default" = d::REDIS_ENGINE_VERSION))]
    pub engine_version: Option<String>,
    /// A node type Global Datastore accepts (MR303): m5/m6g/m7g/r5/r6g/r6gd/r7g, large or bigger.
    #[schemars(extend("default" = d::REDIS_NODE_TYPE))]
    pub node_type: Option<String>,
    /// Automatic snapshot retention in days.
    #[schemars(extend("default" = d::REDIS_SNAPSHOT_RETENTION_DAYS), range(min = 0, max = 35))]
    pub snapshot_retention_days: Option<i64>,
    /// Weekly maintenance window, `ddd:hh:mm-ddd:hh:mm` in UTC.
    #[schemars(extend("default" = d::REDIS_MAINTENANCE_WINDOW))]
    pub maintenance_window: Option<String>,
    /// The `maxmemory-policy` engine parameter.
    #[schemars(extend("default" = d::REDIS_MAXMEMORY_POLICY))]
    pub maxmemory_policy: Option<MaxmemoryPolicy>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum MskReplication {
    MskReplicator,
    None,
}

/// `<prefix>:msk`: an MSK cluster per region, replicated with MSK Replicator.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Msk {
    #[schemars(extend("default" = true))]
    pub enabled: Option<bool>,
    /// Apache Kafka version, e.g. `3.6.0`.
    #[schemars(extend("default" = d::MSK_KAFKA_VERSION))]
    pub kafka_version: Option<String>,
    /// Broker instance type, e.g. `kafka.m5.large`.
    #[schemars(extend("default" = d::MSK_BROKER_TYPE))]
    pub broker_instance_type: Option<String>,
    /// EBS storage per broker in GiB (MR306).
    #[schemars(extend("default" = d::MSK_STORAGE_GIB))]
    pub storage_gib: Option<i64>,
    /// `msk-replicator` (primary to each secondary; both ways in active-active) or `none`.
    #[schemars(extend("default" = d::MSK_REPLICATION))]
    pub replication: Option<MskReplication>,
    /// Topic-name patterns (regular expressions) to replicate.
    #[schemars(extend("default" = d::MSK_TOPICS))]
    pub topics: Option<Vec<String>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum CapacityType {
    #[serde(rename = "ON_DEMAND")]
    OnDemand,
    #[serde(rename = "SPOT")]
    Spot,
}

/// `<prefix>:eks`: an EKS cluster with one managed node group per region.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Eks {
    #[schemars(extend("default" = true))]
    pub enabled: Option<bool>,
    /// Kubernetes version, e.g. `"1.34"` (quoted: unquoted YAML reads 1.30 as the number 1.3).
    #[schemars(extend("default" = d::EKS_VERSION))]
    pub version: Option<String>,
    /// Node instance types.
    #[schemars(extend("default" = d::EKS_INSTANCE_TYPES))]
    pub instance_types: Option<Vec<String>>,
    /// `ON_DEMAND` or `SPOT`.
    #[schemars(extend("default" = d::EKS_CAPACITY_TYPE))]
    pub capacity_type: Option<CapacityType>,
    /// IAM role or user ARNs given cluster admin through EKS access entries (`arn:aws:iam::<account>:role/<name>`); not the principal that deploys, which has admin already.
    #[schemars(extend("default" = []))]
    pub admin_principals: Option<Vec<String>>,
    /// The application whose pods get the application's IAM role through EKS Pod Identity.
    #[schemars(extend("default" = {"namespace": d::EKS_WORKLOAD_NAMESPACE, "service-account": d::EKS_WORKLOAD_SERVICE_ACCOUNT, "database-user": d::EKS_WORKLOAD_DATABASE_USER}))]
    pub workload: Option<Workload>,
}

/// `eks.workload`: the Kubernetes service account whose pods get the application role, and the PostgreSQL user they connect to Aurora as (IAM database authentication).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Workload {
    /// The Kubernetes namespace (a DNS label: lowercase letters, digits, `-`; at most 63).
    #[schemars(extend("default" = d::EKS_WORKLOAD_NAMESPACE))]
    pub namespace: Option<String>,
    /// The Kubernetes service account (lowercase letters, digits, `-`, `.`; at most 253).
    #[schemars(extend("default" = d::EKS_WORKLOAD_SERVICE_ACCOUNT))]
    pub service_account: Option<String>,
    /// The PostgreSQL user the pods connect as with IAM authentication (lowercase letters, digits, `_`; at most 63); it needs `GRANT rds_iam`.
    #[schemars(extend("default" = d::EKS_WORKLOAD_DATABASE_USER))]
    pub database_user: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum Protocol {
    #[serde(rename = "HTTP")]
    Http,
    #[serde(rename = "HTTPS")]
    Https,
}

/// What each region's health check probes.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct HealthCheck {
    #[schemars(extend("default" = d::HEALTH_CHECK_PROTOCOL))]
    pub protocol: Option<Protocol>,
    #[schemars(extend("default" = d::HEALTH_CHECK_PORT), range(min = 1, max = 65535))]
    pub port: Option<i64>,
    /// Request path, up to 255 characters.
    #[schemars(extend("default" = d::HEALTH_CHECK_PATH))]
    pub path: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Policy {
    Failover,
    Latency,
    Geolocation,
    Weighted,
}

/// One record name and the policy that spreads it over the regions.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Record {
    /// Relative to the hosted zone (`api`) or fully qualified within it (`api.example.com`).
    pub name: String,
    /// `failover`, `latency`, `geolocation` or `weighted`.
    pub policy: Policy,
    /// Geolocation: region → location codes (`TW`, `continent:EU`, `US-CA`, `*`).
    pub locations: Option<BTreeMap<String, Vec<String>>>,
    /// Weighted: region → weight 0..255 (MR506).
    pub weights: Option<BTreeMap<String, i64>>,
}

/// `<prefix>:route53`: health checks and routing records (rendered when a zone is known).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Route53 {
    /// The hosted zone's name (looked up, not created). Default: `domain`.
    pub hosted_zone: Option<String>,
    /// The public hosted zone's id (`Z…`): pins the zone where a private zone has the same name,
    /// and lets CloudFormation validate the ingress certificates through DNS (required with
    /// ingress, MR005).
    pub hosted_zone_id: Option<String>,
    #[schemars(extend("default" = {"protocol": d::HEALTH_CHECK_PROTOCOL, "port": d::HEALTH_CHECK_PORT, "path": d::HEALTH_CHECK_PATH}))]
    pub health_check: Option<HealthCheck>,
    /// Region → host name that its health check probes and records point to. Default: `<region>.<domain>`.
    pub endpoints: Option<BTreeMap<String, String>>,
    /// Routing records.
    #[schemars(extend("default" = []))]
    pub records: Option<Vec<Record>>,
}

/// `<prefix>:ingress`: each region's entry point (an internet-facing Application Load Balancer
/// with its certificate, its WAF web ACL and the application's target group).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Ingress {
    /// Default: true when Route 53 is rendered and `route53.endpoints` is not given.
    pub enabled: Option<bool>,
    /// The port the application's pods listen on (the target group's port).
    #[schemars(extend("default" = d::INGRESS_PORT), range(min = 1, max = 65535))]
    pub port: Option<i64>,
    /// An AWS WAF web ACL with AWS's managed common rule set on each load balancer.
    #[schemars(extend("default" = d::INGRESS_WAF))]
    pub waf: Option<bool>,
}

/// `<prefix>:storage`: S3 buckets in every region, replicated across the regions.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Storage {
    /// Default: true.
    pub enabled: Option<bool>,
    /// Bucket purposes: one bucket each in every region. `logs` (server access logs) is always
    /// rendered; the others are the application's, encrypted with the multi-Region key.
    #[schemars(extend("default" = d::STORAGE_BUCKETS), length(min = 1, max = 10))]
    pub buckets: Option<Vec<String>>,
    /// Days a noncurrent object version is kept before it expires.
    #[schemars(extend("default" = d::NONCURRENT_VERSION_DAYS), range(min = 1))]
    pub noncurrent_version_days: Option<i64>,
}

/// `<prefix>:monitoring`.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Monitoring {
    /// E-mail addresses subscribed to the alert topics (none: no subscriptions are rendered).
    #[schemars(extend("default" = []))]
    pub alarm_emails: Option<Vec<String>>,
    /// Replication lag that raises a warning alarm, in seconds.
    #[schemars(extend("default" = d::LAG_WARNING_SECONDS), range(min = 1))]
    pub replication_lag_warning_seconds: Option<i64>,
    /// Replication lag that raises a critical alarm, in seconds.
    #[schemars(extend("default" = d::LAG_CRITICAL_SECONDS), range(min = 1))]
    pub replication_lag_critical_seconds: Option<i64>,
}

/// `<prefix>:budget`: one monthly cost budget for the environment (rendered when a cap is given).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Budget {
    /// The budget's limit in USD per month; alerts are percentages of it.
    #[schemars(range(min = 0))]
    pub soft_cap_usd: Option<f64>,
    /// The spend that must never be reached, in USD per month (above the soft cap; alerted at 100 %).
    #[schemars(range(min = 0))]
    pub hard_cap_usd: Option<f64>,
    /// Alert thresholds, percent of the soft cap, at most 5 (MR601).
    #[schemars(extend("default" = d::BUDGET_ALERT_THRESHOLDS))]
    pub alert_thresholds: Option<Vec<f64>>,
}

/// `<prefix>:cost`: the usage the cost estimate assumes where a price depends on traffic
/// (SPEC section 5.3). Every key has a default; none changes what is rendered. Each is at most
/// a billion (of GiB, millions, capacity units): beyond it an estimate means nothing.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Cost {
    /// GiB stored by each Aurora cluster (every region's cluster holds a full copy).
    #[schemars(extend("default" = d::COST_AURORA_STORAGE_GIB), range(min = 0, max = 1_000_000_000))]
    pub aurora_storage_gib: Option<f64>,
    /// Millions of I/O requests a month on the writer's Aurora cluster.
    #[schemars(extend("default" = d::COST_AURORA_IO_MILLIONS), range(min = 0, max = 1_000_000_000))]
    pub aurora_io_millions: Option<f64>,
    /// Millions of write I/Os a month on the writer's cluster that the global database
    /// replicates to each other region.
    #[schemars(extend("default" = d::COST_AURORA_WRITE_IO_MILLIONS), range(min = 0, max = 1_000_000_000))]
    pub aurora_write_io_millions: Option<f64>,
    /// GiB a month the writer's region sends to each other region (replication of the
    /// database, the cache, Kafka and the buckets).
    #[schemars(extend("default" = d::COST_CROSS_REGION_GIB), range(min = 0, max = 1_000_000_000))]
    pub cross_region_gib_per_month: Option<f64>,
    /// GiB a month through each region's NAT gateways, all of them together.
    #[schemars(extend("default" = d::COST_NAT_GIB), range(min = 0, max = 1_000_000_000))]
    pub nat_gib_per_month: Option<f64>,
    /// GiB stored in each bucket, in each region.
    #[schemars(extend("default" = d::COST_S3_GIB), range(min = 0, max = 1_000_000_000))]
    pub s3_gib: Option<f64>,
    /// Load balancer capacity units each load balancer uses, on average over the month.
    #[schemars(extend("default" = d::COST_ALB_LCU), range(min = 0, max = 1_000_000_000))]
    pub alb_lcu: Option<f64>,
    /// GiB of logs ingested a month in each region, all log groups together.
    #[schemars(extend("default" = d::COST_LOG_GIB), range(min = 0, max = 1_000_000_000))]
    pub log_gib_per_month: Option<f64>,
    /// Millions of DNS queries a month to each record name that is not an alias (queries to
    /// alias records of AWS resources are free).
    #[schemars(extend("default" = d::COST_DNS_QUERIES_MILLIONS), range(min = 0, max = 1_000_000_000))]
    pub dns_queries_millions: Option<f64>,
    /// Millions of requests a month that each web ACL inspects.
    #[schemars(extend("default" = d::COST_WAF_REQUESTS_MILLIONS), range(min = 0, max = 1_000_000_000))]
    pub waf_requests_millions: Option<f64>,
    /// GiB a month each MSK replicator copies.
    #[schemars(extend("default" = d::COST_MSK_REPLICATED_GIB), range(min = 0, max = 1_000_000_000))]
    pub msk_replicated_gib_per_month: Option<f64>,
}

/// The sections mrgen knows, in the order the README documents them.
pub const SECTIONS: &[&str] = &[
    "environment",
    "domain",
    "account",
    "tags",
    "regions",
    "multi-region",
    "environments",
    "region-overrides",
    "aurora",
    "redis",
    "msk",
    "eks",
    "route53",
    "ingress",
    "storage",
    "monitoring",
    "budget",
    "cost",
];

/// Every section as the user wrote it (absent sections are `None`).
#[derive(Clone, Debug, Default)]
pub struct RawEnvironment {
    pub environment: Option<String>,
    pub domain: Option<String>,
    pub account: Option<String>,
    pub tags: Option<BTreeMap<String, String>>,
    pub regions: Option<Regions>,
    pub multi_region: Option<MultiRegion>,
    pub environments: Option<BTreeMap<String, Sizing>>,
    pub region_overrides: Option<BTreeMap<String, Sizing>>,
    pub aurora: Option<Aurora>,
    pub redis: Option<Redis>,
    pub msk: Option<Msk>,
    pub eks: Option<Eks>,
    pub route53: Option<Route53>,
    pub ingress: Option<Ingress>,
    pub storage: Option<Storage>,
    pub monitoring: Option<Monitoring>,
    pub budget: Option<Budget>,
    pub cost: Option<Cost>,
}
