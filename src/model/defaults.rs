//! Every default of the environment file, in one place: the resolver applies them, the JSON
//! Schema states them, and the README's table is checked against the schema by a test. AWS-facing
//! defaults are production choices that pass mrgen's own rules (a test proves it).

use crate::aws::{aurora, eks, elasticache, msk};

pub const MODE: &str = "active-passive";
pub const PEERING: bool = true;
pub const RTO_MINUTES: i64 = 15;
pub const RPO_MINUTES: i64 = 1;
pub const HEALTH_CHECK_INTERVAL: i64 = 30;
pub const HEALTH_CHECK_FAILURE_THRESHOLD: i64 = 3;
pub const DNS_TTL_SECONDS: i64 = 60;
pub const ARC_REGION_SWITCH: bool = false;

pub const EKS_MIN_NODES: i64 = 2;
pub const EKS_MAX_NODES: i64 = 6;
pub const AURORA_READERS: i64 = 1;
pub const REDIS_REPLICAS: i64 = 1;
/// One broker per AZ.
pub const MSK_BROKERS: i64 = 3;

pub const AURORA_ENGINE_VERSION: &str = aurora::DEFAULT_ENGINE_VERSION;
/// Memory-optimized Graviton: what Aurora Global Database requires.
pub const AURORA_INSTANCE_CLASS: &str = aurora::DEFAULT_INSTANCE_CLASS;
pub const AURORA_DATABASE_NAME: &str = "app";
pub const AURORA_BACKUP_RETENTION_DAYS: i64 = 7;
pub const AURORA_WRITE_FORWARDING: bool = false;
pub const AURORA_PERFORMANCE_INSIGHTS: bool = true;
pub const AURORA_ENFORCE_RPO: bool = false;

pub const REDIS_ENGINE: &str = elasticache::DEFAULT_ENGINE;
pub const REDIS_ENGINE_VERSION: &str = elasticache::DEFAULT_ENGINE_VERSION;
/// A Graviton memory-optimized type that Global Datastore accepts.
pub const REDIS_NODE_TYPE: &str = elasticache::DEFAULT_NODE_TYPE;
pub const REDIS_SNAPSHOT_RETENTION_DAYS: i64 = 7;
pub const REDIS_MAINTENANCE_WINDOW: &str = "sun:05:00-sun:06:00";
pub const REDIS_MAXMEMORY_POLICY: &str = "volatile-lru";

pub const MSK_KAFKA_VERSION: &str = msk::DEFAULT_KAFKA_VERSION;
pub const MSK_BROKER_TYPE: &str = msk::DEFAULT_BROKER_TYPE;
pub const MSK_STORAGE_GIB: i64 = 100;
pub const MSK_REPLICATION: &str = "msk-replicator";
pub const MSK_TOPICS: &[&str] = &[".*"];

pub const EKS_VERSION: &str = eks::DEFAULT_VERSION;
pub const EKS_INSTANCE_TYPES: &[&str] = &["m6i.large"];
pub const EKS_CAPACITY_TYPE: &str = "ON_DEMAND";
/// The application whose pods get the application role: its namespace, service account and
/// PostgreSQL user.
pub const EKS_WORKLOAD_NAMESPACE: &str = "app";
pub const EKS_WORKLOAD_SERVICE_ACCOUNT: &str = "app";
pub const EKS_WORKLOAD_DATABASE_USER: &str = "app";

pub const HEALTH_CHECK_PROTOCOL: &str = "HTTPS";
pub const HEALTH_CHECK_PORT: i64 = 443;
pub const HEALTH_CHECK_PATH: &str = "/health";

/// The port the application's pods listen on: the target group's port.
pub const INGRESS_PORT: i64 = 8080;
pub const INGRESS_WAF: bool = true;

/// The bucket purposes of `storage.buckets`.
pub const STORAGE_BUCKETS: &[&str] = &["app", "logs"];
/// Days a noncurrent object version is kept.
pub const NONCURRENT_VERSION_DAYS: i64 = 30;

pub const LAG_WARNING_SECONDS: i64 = 2;
pub const LAG_CRITICAL_SECONDS: i64 = 5;

pub const BUDGET_ALERT_THRESHOLDS: &[f64] = &[50.0, 80.0, 100.0];

// The `cost` section's usage (SPEC section 3 gives the first seven).
pub const COST_AURORA_STORAGE_GIB: f64 = 100.0;
pub const COST_AURORA_IO_MILLIONS: f64 = 100.0;
/// Half of the I/O above, taken as writes.
pub const COST_AURORA_WRITE_IO_MILLIONS: f64 = 50.0;
pub const COST_CROSS_REGION_GIB: f64 = 100.0;
pub const COST_NAT_GIB: f64 = 100.0;
pub const COST_S3_GIB: f64 = 100.0;
pub const COST_ALB_LCU: f64 = 1.0;
pub const COST_LOG_GIB: f64 = 10.0;
pub const COST_DNS_QUERIES_MILLIONS: f64 = 10.0;
pub const COST_WAF_REQUESTS_MILLIONS: f64 = 10.0;
/// Half of the cross-region traffic above, taken as Kafka's.
pub const COST_MSK_REPLICATED_GIB: f64 = 50.0;
