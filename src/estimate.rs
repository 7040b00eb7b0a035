//! The recovery-time estimate of a scenario (SPEC sections 4 MR509 and 5.2): failure detection
//! and the records' TTL (MR503's terms), the slowest data store's promotion, and scaling the new
//! writer region's nodes up to the writer's sizing. Typical durations are AWS's, cited beside
//! each; where AWS gives none, the term says so.

use crate::aws::route53;
use crate::model::Environment;
use serde::Serialize;

/// Aurora Global Database managed failover: "Typically, the chosen secondary cluster assumes the
/// primary role within a few minutes" (read as three); a switchover makes the database
/// "unavailable for a short time", with no figure, so it is counted the same.
/// https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html
pub const AURORA_PROMOTION_SECONDS: u64 = 180;
pub const AURORA_SOURCE: &str =
    "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html";

/// ElastiCache Global Datastore: "Once initiated, the promotion typically completes in less than
/// a minute." https://aws.amazon.com/elasticache/faqs/
pub const DATASTORE_PROMOTION_SECONDS: u64 = 60;
pub const DATASTORE_SOURCE: &str = "https://aws.amazon.com/elasticache/faqs/";

/// EKS documents no time for new managed nodes to join after `update-nodegroup-config`
/// (https://docs.aws.amazon.com/eks/latest/APIReference/API_NodegroupScalingConfig.html says
/// only that the group "is updated to the specified size"). mrgen assumes five minutes for an
/// EC2 launch and the node's join, and says so in the estimate: measure it with a switchover,
/// whose script prints each step's time.
pub const NODES_SCALE_UP_SECONDS: u64 = 300;
pub const NODES_SOURCE: &str = "mrgen's assumption: EKS publishes no figure (API_NodegroupScalingConfig)";

/// Detection and TTL: MR503's model (interval × threshold, then the records' TTL).
pub const ROUTE53_SOURCE: &str =
    "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html";

/// Which kind of move the estimate is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// Planned: no detection, the operator starts it.
    Switchover,
    /// The writer's region is down: Route 53 must notice first.
    Failover,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Term {
    pub what: String,
    pub seconds: u64,
    pub source: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Estimate {
    pub total_seconds: u64,
    pub terms: Vec<Term>,
}

impl Estimate {
    pub fn none() -> Estimate {
        Estimate {
            total_seconds: 0,
            terms: Vec::new(),
        }
    }

    /// `30 s detection + 60 s TTL + 180 s Aurora promotion = 270 s`.
    pub fn sum(&self) -> String {
        let parts: Vec<String> = self
            .terms
            .iter()
            .map(|t| format!("{} s {}", t.seconds, t.what))
            .collect();
        format!("{} = {} s", parts.join(" + "), self.total_seconds)
    }
}

/// The estimate of moving the writer to `target` (a region of `env`).
pub fn scenario(env: &Environment, case: Case, target: &str) -> Estimate {
    let mut terms = Vec::new();
    if case == Case::Failover {
        let i = env.health_check_interval.value.max(0) as u64;
        let t = env.health_check_threshold.value.max(0) as u64;
        terms.push(Term {
            what: format!("to detect the failure ({i} s × {t} checks)"),
            seconds: i * t,
            source: ROUTE53_SOURCE.into(),
        });
    }
    if env.route53.is_some() || case == Case::Failover {
        let (ttl, alias) = record_ttl(env);
        terms.push(Term {
            what: if alias {
                "DNS TTL (the load balancer alias records')".into()
            } else {
                "DNS TTL".into()
            },
            seconds: ttl.max(0) as u64,
            source: ROUTE53_SOURCE.into(),
        });
    }
    let mut stores = Vec::new();
    if env.aurora.is_some() {
        stores.push(("Aurora promotion", AURORA_PROMOTION_SECONDS, AURORA_SOURCE));
    }
    if env.redis.is_some() {
        stores.push((
            "Global Datastore promotion",
            DATASTORE_PROMOTION_SECONDS,
            DATASTORE_SOURCE,
        ));
    }
    // The slowest promotion (SPEC MR509): the stores are promoted independently of each other.
    if let Some((what, seconds, source)) = stores.into_iter().max_by_key(|(_, s, _)| *s) {
        terms.push(Term {
            what: what.into(),
            seconds,
            source: source.into(),
        });
    }
    let writer = env.writer();
    let grows = env
        .regions
        .iter()
        .find(|r| r.code == target)
        .is_some_and(|r| writer.eks_desired.value > r.eks_desired.value);
    if env.eks.is_some() && grows {
        terms.push(Term {
            what: "EKS nodes scaling up to the writer's sizing".into(),
            seconds: NODES_SCALE_UP_SECONDS,
            source: NODES_SOURCE.into(),
        });
    }
    Estimate {
        total_seconds: terms.iter().map(|t| t.seconds).sum(),
        terms,
    }
}

/// The TTL clients cache a record for, and whether the records are aliases: an alias to a load
/// balancer takes its fixed 60 s (ingress without given endpoints), else `dns-ttl-seconds`.
pub fn record_ttl(env: &Environment) -> (i64, bool) {
    if env.alias_records() {
        (route53::LOAD_BALANCER_ALIAS_TTL_SECONDS, true)
    } else {
        (env.dns_ttl_seconds.value, false)
    }
}
