//! Data-tier rules: MR301/MR302 Aurora Global Database, MR303/MR304 ElastiCache Global
//! Datastore, MR305/MR306/MR308 MSK and MSK Replicator, MR307 cross-region features asked for
//! with no secondary region, MR504 (here too: it is about the same replication) lives in dns.rs.

use crate::aws::{self, aurora, elasticache, msk};
use crate::finding::{Finding, RuleId};
use crate::model::raw::{CacheEngine, MskReplication};
use crate::model::Environment;

/// Leading numeric parts of a Kafka version: `3.6.0` → [3, 6, 0], `3.7.x.kraft` → [3, 7].
fn kafka_parts(v: &str) -> Option<Vec<u32>> {
    let parts: Vec<u32> = v.split('.').map_while(|p| p.parse().ok()).collect();
    (!parts.is_empty()).then_some(parts)
}

pub fn check(env: &Environment, out: &mut Vec<Finding>) {
    standby(env, out);
    replication_capacity(env, out);
    let global = env.regions.len() > 1;

    if let Some(a) = env.aurora.as_ref().filter(|_| global) {
        let class = &a.instance_class;
        if !aurora::global_instance_class_supported(&class.value) {
            out.push(Finding::error(
                RuleId::MR301,
                class.path.clone(),
                format!(
                    "`{}` cannot be a member of an Aurora Global Database, which needs a memory-optimized class",
                    class.value
                ),
                format!(
                    "use a memory-optimized class such as `{}` (db.r5/r6g/r6i/r7g/r8g, db.x2g)",
                    aurora::DEFAULT_INSTANCE_CLASS
                ),
            ));
        }
        let v = &a.engine_version;
        if let Err(min) = aurora::global_database_minimum(&v.value) {
            out.push(Finding::error(
                RuleId::MR302,
                v.path.clone(),
                format!("Aurora PostgreSQL `{}` does not support global databases", v.value),
                format!("{min}; e.g. `{}`", aurora::DEFAULT_ENGINE_VERSION),
            ));
        } else if a.write_forwarding.value {
            if let Err(min) = aurora::global_write_forwarding_minimum(&v.value) {
                out.push(Finding::error(
                    RuleId::MR302,
                    v.path.clone(),
                    format!("Aurora PostgreSQL `{}` does not support global write forwarding, which `write-forwarding` turns on", v.value),
                    format!("{min}, or set `aurora.write-forwarding: false`"),
                ));
            }
        }
    }

    if let Some(r) = env.redis.as_ref().filter(|_| global) {
        let n = &r.node_type;
        if !elasticache::global_datastore_node_type_supported(&n.value) {
            out.push(Finding::error(
                RuleId::MR303,
                n.path.clone(),
                format!("Global Datastore does not support the node type `{}`", n.value),
                format!(
                    "use an M5, M6g, M7g, R5, R6g, R6gd, R7g or C7gn node of size large or bigger, e.g. `{}` (burstable cache.t* types are refused)",
                    elasticache::DEFAULT_NODE_TYPE
                ),
            ));
        }
        let engine = match r.engine.value {
            CacheEngine::Redis => "redis",
            CacheEngine::Valkey => "valkey",
        };
        if let Err(min) = elasticache::global_datastore_engine_supported(engine, &r.engine_version.value) {
            out.push(Finding::error(
                RuleId::MR304,
                r.engine_version.path.clone(),
                format!("{engine} `{}` is too old for Global Datastore", r.engine_version.value),
                min,
            ));
        }
    }

    if let Some(m) = &env.msk {
        let s = &m.storage_gib;
        if s.value < i64::from(msk::STORAGE_GIB_MIN) || s.value > i64::from(msk::STORAGE_GIB_MAX) {
            out.push(Finding::error(
                RuleId::MR306,
                s.path.clone(),
                format!("{} GiB per broker is outside MSK's range", s.value),
                format!("use {} to {} GiB", msk::STORAGE_GIB_MIN, msk::STORAGE_GIB_MAX),
            ));
        }
        for r in &env.regions {
            let b = &r.msk_brokers;
            let azs = i64::from(r.az_count);
            if b.value < 1 || b.value % azs != 0 {
                let next = if b.value < 1 { azs } else { (b.value / azs + 1) * azs };
                out.push(Finding::error(
                    RuleId::MR305,
                    b.path.clone(),
                    format!(
                        "{} MSK brokers in {} is not a positive multiple of the {} AZs mrgen uses there (brokers are spread evenly over the AZs)",
                        b.value, r.code, r.az_count
                    ),
                    format!("use {next} (or another multiple of {azs})"),
                ));
            }
        }
        let replicating = m.replication.value == MskReplication::MskReplicator && global;
        if replicating {
            let t = &m.broker_instance_type;
            if !msk::replicator_supports_broker_type(&t.value) {
                out.push(Finding::error(
                    RuleId::MR308,
                    t.path.clone(),
                    format!("MSK Replicator cannot use clusters of `{}` brokers", t.value),
                    format!(
                        "use `kafka.m5.large` or larger, e.g. `{}`, or set `msk.replication: none`",
                        msk::DEFAULT_BROKER_TYPE
                    ),
                ));
            }
            let v = &m.kafka_version;
            // mrgen keeps topic names identical across regions, which needs a newer Kafka than
            // MSK Replicator itself.
            let min = &msk::REPLICATOR_IDENTICAL_TOPIC_NAMES_MIN_KAFKA;
            let old = kafka_parts(&v.value).is_some_and(|p| !aws::version_at_least(&p, min));
            if old {
                out.push(Finding::error(
                    RuleId::MR308,
                    v.path.clone(),
                    format!(
                        "MSK Replicator with identical topic names in every region needs Kafka {} or later; `{}` is older",
                        aws::version_text(min),
                        v.value
                    ),
                    format!(
                        "use Kafka `{}`, or set `msk.replication: none`",
                        msk::DEFAULT_KAFKA_VERSION
                    ),
                ));
            }
            for r in &env.regions {
                let min = i64::from(msk::replicator_min_brokers(r.az_count));
                let b = &r.msk_brokers;
                if b.value >= 1 && b.value < min {
                    out.push(Finding::error(
                        RuleId::MR308,
                        b.path.clone(),
                        format!(
                            "MSK Replicator needs at least {min} brokers in a cluster spanning {} AZs; {} has {}",
                            r.az_count, r.code, b.value
                        ),
                        format!(
                            "use {} brokers, or set `msk.replication: none`",
                            (min + i64::from(r.az_count) - 1) / i64::from(r.az_count) * i64::from(r.az_count)
                        ),
                    ));
                }
            }
        }
    }

    // MR307: asked for cross-region parts with no secondary to join.
    if !global {
        let why = if env.listed_secondaries.is_empty() {
            "there is no secondary region".to_string()
        } else {
            "`multi-region.enable-dr` is false, so no secondary region is rendered".to_string()
        };
        for (what, path) in &env.explicit_cross_region {
            out.push(Finding::warning(
                RuleId::MR307,
                path.clone(),
                format!("{what} is asked for, but {why}"),
                "add `regions.secondary`, or remove this setting",
            ));
        }
    }
}

/// MR309: a secondary Aurora cluster needs two instances, so that after a promotion its writer
/// has a standby in another AZ (with none, a promotion must first create one).
fn standby(env: &Environment, out: &mut Vec<Finding>) {
    if env.aurora.is_none() {
        return;
    }
    for r in env.secondaries() {
        let n = &r.aurora_readers;
        if n.value < 2 {
            out.push(Finding::warning(
                RuleId::MR309,
                n.path.clone(),
                format!(
                    "the Aurora cluster in {} would have {} instance{}: after a promotion its writer has no standby in another AZ",
                    r.code,
                    n.value,
                    if n.value == 1 { "" } else { "s" }
                ),
                "set `aurora-readers: 2` for this region (in `<ENV>-dr` or `region-overrides`)",
            ));
        }
    }
}

/// MR310: MSK Replicator writes into the target what the source's producers write; AWS advises
/// identical capacity on both sides (`aws::msk`). Every region uses the same broker type, so the
/// capacity compares as broker counts.
fn replication_capacity(env: &Environment, out: &mut Vec<Finding>) {
    for (source, target) in env.replication_pairs() {
        let (s, t) = (&source.msk_brokers, &target.msk_brokers);
        if t.value < s.value {
            out.push(Finding::warning(
                RuleId::MR310,
                t.path.clone(),
                format!(
                    "MSK Replicator copies {} ({} brokers) into {}, which has {} brokers of the same type: less capacity than its source",
                    source.code, s.value, target.code, t.value
                ),
                format!("give {} at least {} brokers (AWS advises identical capacity)", target.code, s.value),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kafka_versions() {
        assert_eq!(kafka_parts("3.6.0"), Some(vec![3, 6, 0]));
        assert_eq!(kafka_parts("3.7.x.kraft"), Some(vec![3, 7]));
        assert_eq!(kafka_parts("x"), None);
    }
}
