//! AWS on-demand list prices, compiled into mrgen for the cost estimate (SPEC section 5.3).
//!
//! Every price here was read from the data file behind the service's AWS pricing page (AWS's
//! "metered unit map", `https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/<service>/USD/current/<file>.json`,
//! which the page renders its tables from), copied unchanged, with the date AWS published that
//! file (`hawkFilePublicationDate`; for the three files whose copy had none, the date the copy
//! was taken). AWS gives some prices per request: they are kept here per million (or per GB),
//! a plain multiplication. A price missing here is missing from AWS's file for that region (the
//! service or size is not offered there, or AWS publishes it elsewhere): the estimate then says
//! "no price" and is incomplete, it never guesses. A `--prices FILE` in the shape that
//! `mrgen cost --print-prices` writes adds or replaces entries.
//!
//! The region `global` holds the prices of global services (Route 53, CloudWatch dashboards).

use serde::{Deserialize, Serialize};

// Source pages (AWS's data files behind each pricing page).
const RDS_AURORA_ONDEMAND: &str =
    "https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/rds/USD/current/rds-aurora-ondemand.json (https://aws.amazon.com/rds/aurora/pricing/)";
const RDS_AURORA_STORAGE: &str =
    "https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/rds/USD/current/rds-aurora-storage.json (https://aws.amazon.com/rds/aurora/pricing/)";
const ELASTICACHE: &str =
    "https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/elasticache/USD/current/elasticache.json (https://aws.amazon.com/elasticache/pricing/)";
const MSK: &str = "https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/msk/USD/current/msk.json (https://aws.amazon.com/msk/pricing/)";
const EKS: &str = "https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/eks/USD/current/eks.json (https://aws.amazon.com/eks/pricing/)";
const EC2: &str =
    "https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/ec2/USD/current/ec2.json (https://aws.amazon.com/ec2/pricing/on-demand/)";
const VPC: &str = "https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/vpc/USD/current/vpc.json (https://aws.amazon.com/vpc/pricing/)";
const ELB: &str = "https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/elb/USD/current/elb.json (https://aws.amazon.com/elasticloadbalancing/pricing/)";
const WAF: &str = "https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/waf/USD/current/waf.json (https://aws.amazon.com/waf/pricing/)";
const CLOUDWATCH: &str =
    "https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/cloudwatch/USD/current/cloudwatch.json (https://aws.amazon.com/cloudwatch/pricing/)";
const SECRETSMANAGER: &str =
    "https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/secretsmanager/USD/current/secretsmanager.json (https://aws.amazon.com/secrets-manager/pricing/)";
const KMS: &str = "https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/kms/USD/current/kms.json (https://aws.amazon.com/kms/pricing/)";
const S3: &str = "https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/s3/USD/current/s3.json (https://aws.amazon.com/s3/pricing/)";
const DATATRANSFER: &str =
    "https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/datatransfer/USD/current/datatransfer.json (https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer)";
const ROUTE53: &str =
    "https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/route53/USD/current/route53.json (https://aws.amazon.com/route53/pricing/)";

/// The region of global services' prices.
pub const GLOBAL: &str = "global";

/// Where a price came from: the table compiled into mrgen, or a `--prices` file (its path).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Compiled,
    File(String),
}

impl Origin {
    pub fn label(&self) -> &str {
        match self {
            Origin::Compiled => "compiled",
            Origin::File(path) => path,
        }
    }
}

/// A price table as `--print-prices` writes it and `--prices` reads it (JSON or YAML).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PriceFile {
    /// Always `USD`: AWS's list prices are in US dollars, and so are the budget's caps.
    pub currency: String,
    pub prices: Vec<Entry>,
}

/// One price of a table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Entry {
    /// What is priced: `aurora-postgresql:db.r6g.large`, `nat-gateway`, `transfer-to:us-east-1`…
    pub key: String,
    /// A region code, or `global`.
    pub region: String,
    pub usd: f64,
    /// What one `usd` buys: `instance-hour`, `GB-month`, `million requests`…
    pub unit: String,
    /// Where the price was read.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// The date of the price (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub date: String,
}

/// A price found: the entry and the table it came from.
#[derive(Clone, Copy, Debug)]
pub struct Found<'a> {
    pub usd: f64,
    pub unit: &'a str,
    pub source: &'a str,
    pub date: &'a str,
    pub origin: &'a Origin,
}

/// The prices an estimate reads: a `--prices` file's entries first, then the compiled ones.
#[derive(Debug)]
pub struct Prices {
    overrides: Vec<Entry>,
    origin: Origin,
}

static COMPILED_ORIGIN: Origin = Origin::Compiled;

impl Prices {
    /// The compiled table alone.
    pub fn compiled() -> Prices {
        Prices {
            overrides: Vec::new(),
            origin: Origin::Compiled,
        }
    }

    /// The compiled table under a file's entries (`path` as the user gave it).
    pub fn with_file(file: PriceFile, path: &str) -> Prices {
        Prices {
            overrides: file.prices,
            origin: Origin::File(path.to_string()),
        }
    }

    /// The price of `key` in `region` (the override's when the file has one).
    pub fn find(&self, key: &str, region: &str) -> Option<Found<'_>> {
        if let Some(e) = self.overrides.iter().rev().find(|e| e.key == key && e.region == region) {
            return Some(Found {
                usd: e.usd,
                unit: &e.unit,
                source: &e.source,
                date: &e.date,
                origin: &self.origin,
            });
        }
        compiled_index().get(&(key, region)).map(|&i| {
            let c = &COMPILED[i];
            Found {
                usd: c.usd,
                unit: c.unit,
                source: c.source,
                date: c.date,
                origin: &COMPILED_ORIGIN,
            }
        })
    }
}

fn compiled_index() -> &'static std::collections::HashMap<(&'static str, &'static str), usize> {
    static INDEX: std::sync::OnceLock<std::collections::HashMap<(&'static str, &'static str), usize>> =
        std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        COMPILED
            .iter()
            .enumerate()
            .map(|(i, c)| ((c.key, c.region), i))
            .collect()
    })
}

/// The compiled table in the shape `--prices` reads.
pub fn compiled_file() -> PriceFile {
    PriceFile {
        currency: "USD".to_string(),
        prices: COMPILED
            .iter()
            .map(|c| Entry {
                key: c.key.to_string(),
                region: c.region.to_string(),
                usd: c.usd,
                unit: c.unit.to_string(),
                source: c.source.to_string(),
                date: c.date.to_string(),
            })
            .collect(),
    }
}

/// Prices the estimate asks for that no AWS page or data file we could read gives (AWS's
/// pricing pages render them from data files that were not available to us): the estimate
/// lists them with "no price" and is incomplete, and `--prices FILE` can give them.
pub const NOT_COMPILED: &[(&str, &str)] = &[
    (
        "nat-gateway",
        "NAT gateway hours: AWS's NAT gateway price file (ec2 natgateway) was not available",
    ),
    ("nat-gateway-data", "NAT gateway data processed: as above"),
    (
        "ebs-gp2",
        "EBS gp2 storage of the nodes' root volumes: AWS's EBS price file was not available",
    ),
    (
        "container-insights",
        "Container Insights with enhanced observability: billed per observation, how many depends on the pods",
    ),
    (
        "arc-region-switch-plan",
        "ARC Region switch: AWS charges \"a fixed monthly cost per Region switch plan\" \
         (https://docs.aws.amazon.com/r53recovery/latest/dg/pricing-rs.html) without the figure on a page we could read",
    ),
];

/// One compiled price: `usd` per `unit` of `key` in `region`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Compiled {
    pub key: &'static str,
    pub region: &'static str,
    pub usd: f64,
    pub unit: &'static str,
    pub source: &'static str,
    /// The date of AWS's data (`YYYY-MM-DD`).
    pub date: &'static str,
}

macro_rules! series {
    ($key:literal, $unit:literal, $source:ident, $date:literal, [$(($region:literal, $usd:expr)),* $(,)?]) => {
        [$(Compiled { key: $key, region: $region, usd: $usd, unit: $unit, source: $source, date: $date },)*]
    };
}

/// Flattens the series below into one table.
macro_rules! table {
    ($($series:expr,)*) => {
        pub static COMPILED: &[Compiled] = &{
            const N: usize = 0 $(+ $series.len())*;
            let mut out = [Compiled { key: "", region: "", usd: 0.0, unit: "", source: "", date: "" }; N];
            let mut i = 0;
            $(
                let s = $series;
                let mut j = 0;
                while j < s.len() {
                    out[i] = s[j];
                    i += 1;
                    j += 1;
                }
            )*
            let _ = i;
            out
        };
    };
}

// Aurora PostgreSQL, Aurora Standard configuration: `Database Instance Aurora PostgreSQL No
// license required db <class> Memory optimized Single-AZ Current Generation`; storage `Database
// Storage DB Engine Aurora PostgreSQL General Purpose Aurora`; I/O `System Operation Aurora I O
// Operation` and Global Database `Aurora PostgreSQL Aurora Global Database` (per request in AWS's
// file, per million here). ElastiCache: `OnDemand Cache Instance … cache <type> Valkey|Redis
// Current Generation`. MSK: `RunBroker <type>`, `RunVolume` (broker storage, GB-month),
// `RunReplicator` (MSK Replicator hours) and `CrossRegionSourceLocal` (data the replicator
// processes across regions). EKS: `Compute per Hours`, and `Compute ExtendedSupport per Hours`
// which AWS adds for a version in extended support. EC2: `OnDemand Linux-instancetype-<type>`.
// VPC: `Hourly charge for In use Public IPv4 Addresses` (a NAT gateway's Elastic IP). ELB:
// `Application Load Balancer Hours` and `LCU Hours`. WAF: `Web ACL Activated per Month`, `Rule
// Activated per Month` (a managed rule group counts as one rule), `Request Processed Tier1`.
// CloudWatch: `Alarm Standard`, `Logs Collected Data Ingestion`, `Stored Data`, `Dashboard Basic
// Dashboard`. Secrets Manager `Secret` (a replica is billed as a secret of its own: "A replica
// secret is considered a distinct secret", https://aws.amazon.com/secrets-manager/pricing/).
// KMS `Encryption Key` (a multi-Region replica key too: "KMS pricing and quotas for KMS keys
// apply to each primary key and replica key",
// https://docs.aws.amazon.com/kms/latest/APIReference/API_ReplicateKey.html). S3 `Standard
// Storage First 50 TB`. Data transfer `DataTransfer InterRegion Outbound to <region>`, billed in
// the sending region (`transfer-to:<destination>`, by source region). Route 53 (global): `Basic
// Health checks AWS|External Non AWS per Mo`, `Optional Health Check Features …` (per feature
// per check), and the first-billion-query tiers `Query Standard|Latency Based Routing|Geo DNS
// External first 1B`.
table! {
    series!("aurora-postgresql:db.r6g.large", "instance-hour", RDS_AURORA_ONDEMAND, "2025-06-17", [("ap-northeast-1", 0.313), ("ap-northeast-2", 0.313), ("ap-northeast-3", 0.312), ("us-east-1", 0.26), ("eu-central-1", 0.313), ("eu-west-1", 0.286), ("ap-east-2", 0.282)]),
    series!("aurora-postgresql:db.r6g.xlarge", "instance-hour", RDS_AURORA_ONDEMAND, "2025-06-17", [("ap-northeast-1", 0.627), ("ap-northeast-2", 0.627), ("ap-northeast-3", 0.623), ("us-east-1", 0.519), ("eu-central-1", 0.627), ("eu-west-1", 0.573)]),
    series!("aurora-postgresql:db.r6g.2xlarge", "instance-hour", RDS_AURORA_ONDEMAND, "2025-06-17", [("ap-northeast-1", 1.253), ("ap-northeast-2", 1.253), ("ap-northeast-3", 1.246), ("us-east-1", 1.038), ("eu-central-1", 1.253), ("eu-west-1", 1.146)]),
    series!("aurora-postgresql:db.r7g.large", "instance-hour", RDS_AURORA_ONDEMAND, "2025-06-17", [("ap-northeast-1", 0.333), ("ap-northeast-2", 0.333), ("us-east-1", 0.276), ("eu-central-1", 0.333), ("eu-west-1", 0.304), ("ap-east-2", 0.3)]),
    series!("aurora-postgresql:db.r7g.xlarge", "instance-hour", RDS_AURORA_ONDEMAND, "2025-06-17", [("ap-northeast-1", 0.665), ("ap-northeast-2", 0.665), ("us-east-1", 0.553), ("eu-central-1", 0.665), ("eu-west-1", 0.608), ("ap-east-2", 0.6)]),
    series!("aurora-postgresql:db.r7g.2xlarge", "instance-hour", RDS_AURORA_ONDEMAND, "2025-06-17", [("ap-northeast-1", 1.331), ("ap-northeast-2", 1.331), ("us-east-1", 1.106), ("eu-central-1", 1.331), ("eu-west-1", 1.216)]),
    series!("aurora-storage", "GB-month", RDS_AURORA_STORAGE, "2025-06-17", [("ap-northeast-1", 0.12), ("ap-northeast-2", 0.12), ("ap-northeast-3", 0.12), ("us-east-1", 0.1), ("eu-central-1", 0.119), ("eu-west-1", 0.11), ("ap-east-2", 0.12)]),
    series!("aurora-io", "million requests", RDS_AURORA_STORAGE, "2025-06-17", [("ap-northeast-1", 0.24), ("ap-northeast-2", 0.24), ("ap-northeast-3", 0.24), ("us-east-1", 0.2), ("eu-central-1", 0.22), ("eu-west-1", 0.22), ("ap-east-2", 0.24)]),
    series!("aurora-replicated-write-io", "million write I/Os", RDS_AURORA_STORAGE, "2025-06-17", [("ap-northeast-1", 0.24), ("ap-northeast-2", 0.24), ("ap-northeast-3", 0.24), ("us-east-1", 0.2), ("eu-central-1", 0.22), ("eu-west-1", 0.22), ("ap-east-2", 0.216)]),
    series!("elasticache-valkey:cache.m6g.large", "node-hour", ELASTICACHE, "2025-06-05", [("ap-northeast-1", 0.1528), ("ap-northeast-2", 0.1448), ("us-east-1", 0.1192), ("eu-central-1", 0.1416), ("eu-west-1", 0.1312)]),
    series!("elasticache-valkey:cache.m7g.large", "node-hour", ELASTICACHE, "2025-06-05", [("ap-northeast-1", 0.1616), ("ap-northeast-2", 0.1536), ("us-east-1", 0.1264), ("eu-central-1", 0.1504), ("eu-west-1", 0.1392), ("ap-east-2", 0.1454)]),
    series!("elasticache-valkey:cache.r6g.large", "node-hour", ELASTICACHE, "2025-06-05", [("ap-northeast-1", 0.1976), ("ap-northeast-2", 0.1968), ("us-east-1", 0.1648), ("eu-central-1", 0.1976), ("eu-west-1", 0.1832)]),
    series!("elasticache-valkey:cache.r7g.large", "node-hour", ELASTICACHE, "2025-06-05", [("ap-northeast-1", 0.2104), ("ap-northeast-2", 0.2096), ("us-east-1", 0.1752), ("eu-central-1", 0.2104), ("eu-west-1", 0.1944), ("ap-east-2", 0.1893)]),
    series!("elasticache-valkey:cache.r6g.xlarge", "node-hour", ELASTICACHE, "2025-06-05", [("ap-northeast-1", 0.3944), ("ap-northeast-2", 0.3928), ("us-east-1", 0.3288), ("eu-central-1", 0.3952), ("eu-west-1", 0.3664)]),
    series!("elasticache-valkey:cache.r7g.xlarge", "node-hour", ELASTICACHE, "2025-06-05", [("ap-northeast-1", 0.4192), ("ap-northeast-2", 0.4176), ("us-east-1", 0.3496), ("eu-central-1", 0.42), ("eu-west-1", 0.3896), ("ap-east-2", 0.3772)]),
    series!("elasticache-redis:cache.m6g.large", "node-hour", ELASTICACHE, "2025-06-05", [("ap-northeast-1", 0.191), ("ap-northeast-2", 0.181), ("us-east-1", 0.149), ("eu-central-1", 0.177), ("eu-west-1", 0.164)]),
    series!("elasticache-redis:cache.m7g.large", "node-hour", ELASTICACHE, "2025-06-05", [("ap-northeast-1", 0.202), ("ap-northeast-2", 0.192), ("us-east-1", 0.158), ("eu-central-1", 0.188), ("eu-west-1", 0.174), ("ap-east-2", 0.1818)]),
    series!("elasticache-redis:cache.r6g.large", "node-hour", ELASTICACHE, "2025-06-05", [("ap-northeast-1", 0.247), ("ap-northeast-2", 0.246), ("us-east-1", 0.206), ("eu-central-1", 0.247), ("eu-west-1", 0.229)]),
    series!("elasticache-redis:cache.r7g.large", "node-hour", ELASTICACHE, "2025-06-05", [("ap-northeast-1", 0.263), ("ap-northeast-2", 0.262), ("us-east-1", 0.219), ("eu-central-1", 0.263), ("eu-west-1", 0.243), ("ap-east-2", 0.2367)]),
    series!("elasticache-redis:cache.r6g.xlarge", "node-hour", ELASTICACHE, "2025-06-05", [("ap-northeast-1", 0.493), ("ap-northeast-2", 0.491), ("us-east-1", 0.411), ("eu-central-1", 0.494), ("eu-west-1", 0.458)]),
    series!("elasticache-redis:cache.r7g.xlarge", "node-hour", ELASTICACHE, "2025-06-05", [("ap-northeast-1", 0.524), ("ap-northeast-2", 0.522), ("us-east-1", 0.437), ("eu-central-1", 0.525), ("eu-west-1", 0.487), ("ap-east-2", 0.4716)]),
    series!("msk-broker:kafka.m5.large", "broker-hour", MSK, "2025-06-16", [("ap-northeast-1", 0.271), ("ap-northeast-2", 0.258), ("ap-northeast-3", 0.272), ("us-east-1", 0.21), ("eu-central-1", 0.252), ("eu-west-1", 0.234)]),
    series!("msk-broker:kafka.m5.xlarge", "broker-hour", MSK, "2025-06-16", [("ap-northeast-1", 0.543), ("ap-northeast-2", 0.516), ("ap-northeast-3", 0.543), ("us-east-1", 0.42), ("eu-central-1", 0.503), ("eu-west-1", 0.468)]),
    series!("msk-broker:kafka.m5.2xlarge", "broker-hour", MSK, "2025-06-16", [("ap-northeast-1", 1.085), ("ap-northeast-2", 1.033), ("ap-northeast-3", 1.086), ("us-east-1", 0.84), ("eu-central-1", 1.006), ("eu-west-1", 0.936)]),
    series!("msk-broker:kafka.m7g.large", "broker-hour", MSK, "2025-06-16", [("ap-northeast-1", 0.2635), ("ap-northeast-2", 0.2508), ("us-east-1", 0.204), ("eu-central-1", 0.2445), ("eu-west-1", 0.2275)]),
    series!("msk-broker:kafka.m7g.xlarge", "broker-hour", MSK, "2025-06-16", [("ap-northeast-1", 0.527), ("ap-northeast-2", 0.5015), ("us-east-1", 0.408), ("eu-central-1", 0.4888), ("eu-west-1", 0.4548)]),
    series!("msk-broker:kafka.m7g.2xlarge", "broker-hour", MSK, "2025-06-16", [("ap-northeast-1", 1.054), ("ap-northeast-2", 1.003), ("us-east-1", 0.816), ("eu-central-1", 0.9775), ("eu-west-1", 0.9095)]),
    series!("msk-storage", "GB-month", MSK, "2025-06-16", [("ap-northeast-1", 0.12), ("ap-northeast-2", 0.114), ("ap-northeast-3", 0.12), ("us-east-1", 0.1), ("eu-central-1", 0.119), ("eu-west-1", 0.11)]),
    series!("msk-replicator", "replicator-hour", MSK, "2025-06-16", [("ap-northeast-1", 0.41), ("ap-northeast-2", 0.35), ("us-east-1", 0.3), ("eu-central-1", 0.39), ("eu-west-1", 0.3)]),
    series!("msk-replicator-data", "GB processed", MSK, "2025-06-16", [("ap-northeast-1", 0.11), ("ap-northeast-2", 0.09), ("us-east-1", 0.08), ("eu-central-1", 0.1), ("eu-west-1", 0.08)]),
    series!("eks-cluster", "cluster-hour", EKS, "2025-06-16", [("ap-northeast-1", 0.1), ("ap-northeast-2", 0.1), ("ap-northeast-3", 0.1), ("us-east-1", 0.1), ("eu-central-1", 0.1), ("eu-west-1", 0.1), ("ap-east-2", 0.1)]),
    series!("eks-cluster-extended-support", "cluster-hour", EKS, "2025-06-16", [("ap-northeast-1", 0.5), ("ap-northeast-2", 0.5), ("ap-northeast-3", 0.5), ("us-east-1", 0.5), ("eu-central-1", 0.5), ("eu-west-1", 0.5), ("ap-east-2", 0.5)]),
    series!("ec2:t3.large", "instance-hour", EC2, "2025-06-13", [("ap-northeast-1", 0.1088), ("ap-northeast-2", 0.104), ("ap-northeast-3", 0.1088), ("us-east-1", 0.0832), ("eu-central-1", 0.096), ("eu-west-1", 0.0912), ("ap-east-2", 0.0979)]),
    series!("ec2:m5.large", "instance-hour", EC2, "2025-06-13", [("ap-northeast-1", 0.124), ("ap-northeast-2", 0.118), ("ap-northeast-3", 0.124), ("us-east-1", 0.096), ("eu-central-1", 0.115), ("eu-west-1", 0.107)]),
    series!("ec2:m5.xlarge", "instance-hour", EC2, "2025-06-13", [("ap-northeast-1", 0.248), ("ap-northeast-2", 0.236), ("ap-northeast-3", 0.248), ("us-east-1", 0.192), ("eu-central-1", 0.23), ("eu-west-1", 0.214)]),
    series!("ec2:m6g.large", "instance-hour", EC2, "2025-06-13", [("ap-northeast-1", 0.099), ("ap-northeast-2", 0.094), ("ap-northeast-3", 0.0992), ("us-east-1", 0.077), ("eu-central-1", 0.092), ("eu-west-1", 0.086), ("ap-east-2", 0.0891)]),
    series!("ec2:m6g.xlarge", "instance-hour", EC2, "2025-06-13", [("ap-northeast-1", 0.198), ("ap-northeast-2", 0.188), ("ap-northeast-3", 0.1984), ("us-east-1", 0.154), ("eu-central-1", 0.184), ("eu-west-1", 0.172), ("ap-east-2", 0.1782)]),
    series!("ec2:m6i.large", "instance-hour", EC2, "2025-06-13", [("ap-northeast-1", 0.124), ("ap-northeast-2", 0.118), ("ap-northeast-3", 0.124), ("us-east-1", 0.096), ("eu-central-1", 0.115), ("eu-west-1", 0.107), ("ap-east-2", 0.1116)]),
    series!("ec2:m6i.xlarge", "instance-hour", EC2, "2025-06-13", [("ap-northeast-1", 0.248), ("ap-northeast-2", 0.236), ("ap-northeast-3", 0.248), ("us-east-1", 0.192), ("eu-central-1", 0.23), ("eu-west-1", 0.214), ("ap-east-2", 0.2232)]),
    series!("ec2:m6a.large", "instance-hour", EC2, "2025-06-13", [("ap-northeast-1", 0.1116), ("us-east-1", 0.0864), ("eu-central-1", 0.1035), ("eu-west-1", 0.0963)]),
    series!("ec2:m6a.xlarge", "instance-hour", EC2, "2025-06-13", [("ap-northeast-1", 0.2232), ("us-east-1", 0.1728), ("eu-central-1", 0.207), ("eu-west-1", 0.1926)]),
    series!("ec2:m7i.large", "instance-hour", EC2, "2025-06-13", [("ap-northeast-1", 0.1302), ("ap-northeast-2", 0.1239), ("us-east-1", 0.1008), ("eu-central-1", 0.12075), ("eu-west-1", 0.11235), ("ap-east-2", 0.11718)]),
    series!("ec2:m7i.xlarge", "instance-hour", EC2, "2025-06-13", [("ap-northeast-1", 0.2604), ("ap-northeast-2", 0.2478), ("us-east-1", 0.2016), ("eu-central-1", 0.2415), ("eu-west-1", 0.2247), ("ap-east-2", 0.23436)]),
    series!("ec2:m7g.large", "instance-hour", EC2, "2025-06-13", [("ap-northeast-1", 0.1054), ("ap-northeast-2", 0.1003), ("ap-northeast-3", 0.1054), ("us-east-1", 0.0816), ("eu-central-1", 0.0978), ("eu-west-1", 0.091), ("ap-east-2", 0.0949)]),
    series!("ec2:m7g.xlarge", "instance-hour", EC2, "2025-06-13", [("ap-northeast-1", 0.2108), ("ap-northeast-2", 0.2006), ("ap-northeast-3", 0.2108), ("us-east-1", 0.1632), ("eu-central-1", 0.1955), ("eu-west-1", 0.1819), ("ap-east-2", 0.1897)]),
    series!("public-ipv4", "address-hour", VPC, "2025-06-13", [("ap-northeast-1", 0.005), ("ap-northeast-2", 0.005), ("ap-northeast-3", 0.005), ("us-east-1", 0.005), ("eu-central-1", 0.005), ("eu-west-1", 0.005), ("ap-east-2", 0.005)]),
    series!("alb", "load-balancer-hour", ELB, "2025-06-05", [("ap-northeast-1", 0.0243), ("ap-northeast-2", 0.0225), ("ap-northeast-3", 0.0243), ("us-east-1", 0.0225), ("eu-central-1", 0.027), ("eu-west-1", 0.0252), ("ap-east-2", 0.0219)]),
    series!("alb-lcu", "LCU-hour", ELB, "2025-06-05", [("ap-northeast-1", 0.008), ("ap-northeast-2", 0.008), ("ap-northeast-3", 0.008), ("us-east-1", 0.008), ("eu-central-1", 0.008), ("eu-west-1", 0.008), ("ap-east-2", 0.008)]),
    series!("waf-web-acl", "web ACL-month", WAF, "2025-06-12", [("ap-northeast-1", 5.0), ("ap-northeast-2", 5.0), ("ap-northeast-3", 5.0), ("us-east-1", 5.0), ("eu-central-1", 5.0), ("eu-west-1", 5.0)]),
    series!("waf-rule", "rule-month", WAF, "2025-06-12", [("ap-northeast-1", 1.0), ("ap-northeast-2", 1.0), ("ap-northeast-3", 1.0), ("us-east-1", 1.0), ("eu-central-1", 1.0), ("eu-west-1", 1.0)]),
    series!("waf-requests", "million requests", WAF, "2025-06-12", [("ap-northeast-1", 0.6), ("ap-northeast-2", 0.6), ("ap-northeast-3", 0.6), ("us-east-1", 0.6), ("eu-central-1", 0.6), ("eu-west-1", 0.6)]),
    series!("cloudwatch-alarm", "alarm-month", CLOUDWATCH, "2025-06-05", [("ap-northeast-1", 0.1), ("ap-northeast-2", 0.1), ("ap-northeast-3", 0.1), ("us-east-1", 0.1), ("eu-central-1", 0.1), ("eu-west-1", 0.1), ("ap-east-2", 0.1)]),
    series!("logs-ingestion", "GB ingested", CLOUDWATCH, "2025-06-05", [("ap-northeast-1", 0.76), ("ap-northeast-2", 0.76), ("ap-northeast-3", 0.76), ("us-east-1", 0.5), ("eu-central-1", 0.63), ("eu-west-1", 0.57), ("ap-east-2", 0.5)]),
    series!("logs-storage", "GB-month", CLOUDWATCH, "2025-06-05", [("ap-northeast-1", 0.033), ("ap-northeast-2", 0.0314), ("ap-northeast-3", 0.033), ("us-east-1", 0.03), ("eu-central-1", 0.0324), ("eu-west-1", 0.03), ("ap-east-2", 0.03)]),
    series!("secret", "secret-month", SECRETSMANAGER, "2025-06-05", [("ap-northeast-1", 0.4), ("ap-northeast-2", 0.4), ("ap-northeast-3", 0.4), ("us-east-1", 0.4), ("eu-central-1", 0.4), ("eu-west-1", 0.4), ("ap-east-2", 0.4)]),
    series!("kms-key", "key-month", KMS, "2025-06-05", [("ap-northeast-1", 1.0), ("ap-northeast-2", 1.0), ("ap-northeast-3", 1.0), ("us-east-1", 1.0), ("eu-central-1", 1.0), ("eu-west-1", 1.0), ("ap-east-2", 1.0)]),
    series!("s3-standard-storage", "GB-month", S3, "2025-06-05", [("ap-northeast-1", 0.025), ("ap-northeast-2", 0.025), ("ap-northeast-3", 0.025), ("us-east-1", 0.023), ("eu-central-1", 0.0245), ("eu-west-1", 0.023), ("ap-east-2", 0.0225)]),
    series!("transfer-to:ap-northeast-1", "GB", DATATRANSFER, "2025-06-05", [("ap-northeast-2", 0.08), ("ap-northeast-3", 0.09), ("us-east-1", 0.02), ("eu-central-1", 0.02), ("eu-west-1", 0.02), ("ap-east-2", 0.08)]),
    series!("transfer-to:ap-northeast-2", "GB", DATATRANSFER, "2025-06-05", [("ap-northeast-1", 0.09), ("ap-northeast-3", 0.09), ("us-east-1", 0.02), ("eu-central-1", 0.02), ("eu-west-1", 0.02), ("ap-east-2", 0.08)]),
    series!("transfer-to:ap-northeast-3", "GB", DATATRANSFER, "2025-06-05", [("ap-northeast-1", 0.09), ("ap-northeast-2", 0.08), ("us-east-1", 0.02), ("eu-central-1", 0.02), ("eu-west-1", 0.02), ("ap-east-2", 0.09)]),
    series!("transfer-to:us-east-1", "GB", DATATRANSFER, "2025-06-05", [("ap-northeast-1", 0.09), ("ap-northeast-2", 0.08), ("ap-northeast-3", 0.09), ("eu-central-1", 0.02), ("eu-west-1", 0.02), ("ap-east-2", 0.08)]),
    series!("transfer-to:eu-central-1", "GB", DATATRANSFER, "2025-06-05", [("ap-northeast-1", 0.09), ("ap-northeast-2", 0.08), ("ap-northeast-3", 0.09), ("us-east-1", 0.02), ("eu-west-1", 0.02), ("ap-east-2", 0.08)]),
    series!("transfer-to:eu-west-1", "GB", DATATRANSFER, "2025-06-05", [("ap-northeast-1", 0.09), ("ap-northeast-2", 0.08), ("ap-northeast-3", 0.09), ("us-east-1", 0.02), ("eu-central-1", 0.02), ("ap-east-2", 0.08)]),
    series!("transfer-to:ap-east-2", "GB", DATATRANSFER, "2025-06-05", [("ap-northeast-1", 0.09), ("ap-northeast-2", 0.08), ("ap-northeast-3", 0.08), ("us-east-1", 0.02), ("eu-central-1", 0.02), ("eu-west-1", 0.02)]),
    series!("route53-health-check-aws", "health check-month", ROUTE53, "2025-06-05", [("global", 0.5)]),
    series!("route53-health-check-non-aws", "health check-month", ROUTE53, "2025-06-05", [("global", 0.75)]),
    series!("route53-health-check-feature-aws", "feature-month", ROUTE53, "2025-06-05", [("global", 1.0)]),
    series!("route53-health-check-feature-non-aws", "feature-month", ROUTE53, "2025-06-05", [("global", 2.0)]),
    series!("route53-queries-standard", "million queries", ROUTE53, "2025-06-05", [("global", 0.4)]),
    series!("route53-queries-latency", "million queries", ROUTE53, "2025-06-05", [("global", 0.6)]),
    series!("route53-queries-geo", "million queries", ROUTE53, "2025-06-05", [("global", 0.7)]),
    series!("cloudwatch-dashboard", "dashboard-month", CLOUDWATCH, "2025-06-05", [("global", 3.0)]),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_compiled_price_is_positive_dated_sourced_and_given_once() {
        let mut seen = std::collections::BTreeSet::new();
        for c in COMPILED {
            assert!(c.usd > 0.0 && c.usd.is_finite(), "{c:?}");
            assert!(
                c.source
                    .starts_with("https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/"),
                "{c:?}"
            );
            assert!(c.date.len() == 10 && c.date.starts_with("2025-"), "{c:?}");
            assert!(
                c.region == GLOBAL || crate::aws::regions::find(c.region).is_some(),
                "{c:?}"
            );
            assert!(seen.insert((c.key, c.region)), "{} in {} twice", c.key, c.region);
        }
    }

    #[test]
    fn a_file_entry_wins_over_the_compiled_one_and_says_where_it_came_from() {
        let compiled = Prices::compiled();
        let tokyo = compiled
            .find("eks-cluster", "ap-northeast-1")
            .map(|f| (f.usd, f.origin.clone()));
        assert_eq!(tokyo, Some((0.1, Origin::Compiled)));
        let file = PriceFile {
            currency: "USD".into(),
            prices: vec![Entry {
                key: "eks-cluster".into(),
                region: "ap-northeast-1".into(),
                usd: 0.08,
                unit: "cluster-hour".into(),
                source: "our agreement".into(),
                date: String::new(),
            }],
        };
        let mine = Prices::with_file(file, "rates.yaml");
        let f = mine
            .find("eks-cluster", "ap-northeast-1")
            .map(|f| (f.usd, f.origin.label().to_string()));
        assert_eq!(f, Some((0.08, "rates.yaml".to_string())));
        // Another region still reads the compiled table.
        let seoul = mine.find("eks-cluster", "ap-northeast-2").map(|f| f.origin.clone());
        assert_eq!(seoul, Some(Origin::Compiled));
        assert!(mine.find("nat-gateway", "ap-northeast-1").is_none());
    }

    #[test]
    fn the_printed_table_reads_back_the_same() {
        let printed = serde_json::to_string(&compiled_file()).unwrap_or_default();
        let back: Result<PriceFile, _> = serde_json::from_str(&printed);
        assert_eq!(back.ok(), Some(compiled_file()));
        assert_eq!(compiled_file().prices.len(), COMPILED.len());
    }
}
