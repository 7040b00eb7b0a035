//! Resolution: every default applied once, the `<ENV>-dr` sizing derived, the
//! `region-overrides` applied, and each value given the key path it came from (or where the
//! user would set it) so that rules can point at it.

use super::defaults as d;
use super::env::*;
use super::raw::{self, CacheEngine, CapacityType, MaxmemoryPolicy, Mode, MskReplication, Protocol};
use super::Document;
use crate::aws;
use crate::cidr::Cidr;
use crate::path::KeyPath;
use std::collections::BTreeMap;

fn opt<T: Clone>(v: &Option<T>, default: T, path: KeyPath) -> Sourced<T> {
    match v {
        Some(x) => Sourced::given(x.clone(), path),
        None => Sourced::default(default, path),
    }
}

fn ceil_pct(v: i64, pct: i64) -> i64 {
    ((v * pct + 99) / 100).max(1)
}

/// Builds the environment, or `None` when there is nothing to build (no usable prefix or regions;
/// the structure check has already said why).
pub fn resolve(doc: &Document, env_name: &str) -> Option<Environment> {
    let prefix = doc.prefix.clone()?;
    let raw = &doc.raw;
    let regions_raw = raw.regions.as_ref()?;
    let sec = |s: &str| KeyPath::section(&prefix, s);

    let mr = raw.multi_region.clone().unwrap_or_default();
    let mr_path = sec("multi-region");
    let listed_secondaries: Vec<(String, KeyPath)> = match &regions_raw.secondary {
        None => Vec::new(),
        Some(raw::OneOrMany::One(s)) => vec![(s.clone(), sec("regions").key("secondary"))],
        Some(raw::OneOrMany::Many(v)) => v
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), sec("regions").key("secondary").index(i)))
            .collect(),
    };
    let dr_enabled = mr.enable_dr.unwrap_or(!listed_secondaries.is_empty()) && !listed_secondaries.is_empty();
    let mut explicit_cross_region = Vec::new();
    if mr.enable_dr == Some(true) {
        explicit_cross_region.push(("disaster recovery (`enable-dr`)".to_string(), mr_path.key("enable-dr")));
    }
    if mr.enable_cross_region_peering == Some(true) {
        explicit_cross_region.push((
            "cross-region VPC peering".to_string(),
            mr_path.key("enable-cross-region-peering"),
        ));
    }
    if mr.arc_region_switch == Some(true) {
        explicit_cross_region.push((
            "an AWS ARC Region switch plan".to_string(),
            mr_path.key("arc-region-switch"),
        ));
    }

    let mut codes: Vec<(String, KeyPath)> = vec![(regions_raw.primary.clone(), sec("regions").key("primary"))];
    if dr_enabled {
        codes.extend(listed_secondaries.iter().cloned());
    }

    let writer = opt(&mr.writer, regions_raw.primary.clone(), mr_path.key("writer"));
    let writer_code = if codes.iter().any(|(c, _)| *c == writer.value) {
        writer.value.clone()
    } else {
        regions_raw.primary.clone()
    };

    let envs = raw.environments.clone().unwrap_or_default();
    let overrides = raw.region_overrides.clone().unwrap_or_default();
    let env_path = sec("environments");
    let dr_name = format!("{env_name}-dr");
    let base = envs.get(env_name).cloned().unwrap_or_default();
    let dr = envs.get(&dr_name).cloned().unwrap_or_default();
    let base_path = env_path.key(env_name);
    let dr_path = env_path.key(dr_name.clone());

    // CIDRs: given for any region at all?
    let cidr_for = |code: &str, primary: bool| -> Option<Sourced<String>> {
        if let Some(c) = overrides.get(code).and_then(|o| o.vpc_cidr.clone()) {
            return Some(Sourced::given(c, sec("region-overrides").key(code).key("vpc-cidr")));
        }
        let (entry, path) = if primary { (&base, &base_path) } else { (&dr, &dr_path) };
        entry.vpc_cidr.clone().map(|c| Sourced::given(c, path.key("vpc-cidr")))
    };
    let any_cidr = codes
        .iter()
        .enumerate()
        .any(|(i, (c, _))| cidr_for(c, i == 0).is_some());

    let mut regions = Vec::new();
    for (index, (code, code_path)) in codes.iter().enumerate() {
        let primary = index == 0;
        let table = aws::regions::find(code);
        let az_count = table.map_or(3, |r| u32::from(r.azs));
        let az_names = doc.cached_azs.get(code).cloned().unwrap_or_default();
        let own_path = if primary { base_path.clone() } else { dr_path.clone() };
        let vpc_cidr = match cidr_for(code, primary) {
            Some(c) => Some(c),
            None if !any_cidr => Some(Sourced::default(format!("10.{index}.0.0/16"), own_path.key("vpc-cidr"))),
            None => None,
        };
        // Sizing: <ENV> with its defaults; <ENV>-dr derived from it; region-overrides win.
        // The EKS node group follows the writer (SPEC 5.4): <ENV>'s sizes the writer's region.
        let p = |k: &str| own_path.key(k);
        let writer_here = *code == writer_code;
        let eks_path = if writer_here { &base_path } else { &dr_path };
        let e = |k: &str| eks_path.key(k);
        let b_min = base.eks_min_nodes.unwrap_or(d::EKS_MIN_NODES);
        let b_max = base.eks_max_nodes.unwrap_or(d::EKS_MAX_NODES);
        let (mut min, mut max, mut desired) = if writer_here {
            (
                opt(&base.eks_min_nodes, d::EKS_MIN_NODES, e("eks-min-nodes")),
                opt(&base.eks_max_nodes, d::EKS_MAX_NODES, e("eks-max-nodes")),
                opt(&base.eks_desired_nodes, b_min, e("eks-desired-nodes")),
            )
        } else {
            let b_desired = base.eks_desired_nodes.unwrap_or(b_min);
            (
                opt(&dr.eks_min_nodes, ceil_pct(b_min, 50), e("eks-min-nodes")),
                opt(&dr.eks_max_nodes, ceil_pct(b_max, 80), e("eks-max-nodes")),
                opt(&dr.eks_desired_nodes, b_desired, e("eks-desired-nodes")),
            )
        };
        let entry = if primary { &base } else { &dr };
        let count = |own: &Option<i64>, from_base: &Option<i64>, default: i64, key: &str| -> Sourced<i64> {
            match (own, from_base) {
                (Some(v), _) => Sourced::given(*v, p(key)),
                // Derived from `<ENV>`: reported where the value was written.
                (None, Some(v)) if !primary => Sourced::default(*v, base_path.key(key)),
                _ => Sourced::default(default, p(key)),
            }
        };
        // A secondary's instances are all readers, and after a promotion it needs the primary's
        // writer too: derived, it has the primary's readers plus one (SPEC section 3).
        let mut aurora_readers = if primary || entry.aurora_readers.is_some() {
            count(
                &entry.aurora_readers,
                &base.aurora_readers,
                d::AURORA_READERS,
                "aurora-readers",
            )
        } else {
            match base.aurora_readers {
                Some(v) => Sourced::default(v + 1, base_path.key("aurora-readers")),
                None => Sourced::default(d::AURORA_READERS + 1, p("aurora-readers")),
            }
        };
        let mut redis_replicas = count(
            &entry.redis_replicas,
            &base.redis_replicas,
            d::REDIS_REPLICAS,
            "redis-replicas",
        );
        // One broker per AZ by default, or 4 in a two-AZ region (MSK Replicator needs 4 there).
        let brokers_default = if az_count == 2 { 4 } else { i64::from(az_count) };
        let mut msk_brokers = count(&entry.msk_brokers, &base.msk_brokers, brokers_default, "msk-brokers");
        if let Some(o) = overrides.get(code) {
            let op = |k: &str| sec("region-overrides").key(code.as_str()).key(k);
            let set = |slot: &mut Sourced<i64>, v: Option<i64>, k: &str| {
                if let Some(v) = v {
                    *slot = Sourced::given(v, op(k));
                }
            };
            set(&mut min, o.eks_min_nodes, "eks-min-nodes");
            set(&mut max, o.eks_max_nodes, "eks-max-nodes");
            set(&mut desired, o.eks_desired_nodes, "eks-desired-nodes");
            set(&mut aurora_readers, o.aurora_readers, "aurora-readers");
            set(&mut redis_replicas, o.redis_replicas, "redis-replicas");
            set(&mut msk_brokers, o.msk_brokers, "msk-brokers");
        }
        if !desired.given {
            // A derived desired size follows the final [min, max]; only a written one can be wrong.
            let target = if writer_here { min.value } else { desired.value };
            desired.value = if min.value <= max.value {
                target.clamp(min.value, max.value)
            } else {
                target
            };
        }
        regions.push(RegionEnv {
            code: code.clone(),
            code_path: code_path.clone(),
            primary,
            writer: writer_here,
            index,
            az_names,
            az_count,
            cidr: vpc_cidr
                .as_ref()
                .and_then(|c| Cidr::parse(c.value.trim()))
                .map(|c| c.network()),
            vpc_cidr,
            eks_min: min,
            eks_max: max,
            eks_desired: desired,
            aurora_readers,
            redis_replicas,
            msk_brokers,
        });
    }

    let mut omitted = Vec::new();
    if !listed_secondaries.is_empty() && !dr_enabled {
        omitted.push((
            "secondary regions".to_string(),
            "`multi-region.enable-dr` is false: only the primary is rendered".to_string(),
        ));
    }
    if mr.arc_region_switch == Some(true) && !dr_enabled {
        omitted.push((
            "ARC Region switch plans".to_string(),
            "a plan needs a second region, and no secondary region is rendered".to_string(),
        ));
    }

    let a_path = sec("aurora");
    let aurora = match &raw.aurora {
        Some(a) if a.enabled == Some(false) => {
            omitted.push(("aurora".into(), "`aurora.enabled` is false".into()));
            None
        }
        a => {
            let a = a.clone().unwrap_or_default();
            if a.write_forwarding == Some(true) {
                explicit_cross_region.push(("Aurora global write forwarding".into(), a_path.key("write-forwarding")));
            }
            Some(Aurora {
                engine_version: opt(
                    &a.engine_version,
                    d::AURORA_ENGINE_VERSION.into(),
                    a_path.key("engine-version"),
                ),
                instance_class: opt(
                    &a.instance_class,
                    d::AURORA_INSTANCE_CLASS.into(),
                    a_path.key("instance-class"),
                ),
                database_name: a.database_name.unwrap_or_else(|| d::AURORA_DATABASE_NAME.into()),
                backup_retention_days: a.backup_retention_days.unwrap_or(d::AURORA_BACKUP_RETENTION_DAYS),
                write_forwarding: opt(
                    &a.write_forwarding,
                    d::AURORA_WRITE_FORWARDING,
                    a_path.key("write-forwarding"),
                ),
                performance_insights: a.performance_insights.unwrap_or(d::AURORA_PERFORMANCE_INSIGHTS),
                enforce_rpo: opt(&a.enforce_rpo, d::AURORA_ENFORCE_RPO, a_path.key("enforce-rpo")),
            })
        }
    };

    let r_path = sec("redis");
    let redis = match &raw.redis {
        Some(r) if r.enabled == Some(false) => {
            omitted.push(("redis".into(), "`redis.enabled` is false".into()));
            None
        }
        r => {
            let r = r.clone().unwrap_or_default();
            Some(Redis {
                engine: opt(&r.engine, CacheEngine::Valkey, r_path.key("engine")),
                engine_version: opt(
                    &r.engine_version,
                    d::REDIS_ENGINE_VERSION.into(),
                    r_path.key("engine-version"),
                ),
                node_type: opt(&r.node_type, d::REDIS_NODE_TYPE.into(), r_path.key("node-type")),
                snapshot_retention_days: r.snapshot_retention_days.unwrap_or(d::REDIS_SNAPSHOT_RETENTION_DAYS),
                maintenance_window: opt(
                    &r.maintenance_window,
                    d::REDIS_MAINTENANCE_WINDOW.into(),
                    r_path.key("maintenance-window"),
                ),
                maxmemory_policy: r.maxmemory_policy.unwrap_or(MaxmemoryPolicy::VolatileLru),
            })
        }
    };

    let m_path = sec("msk");
    let msk = match &raw.msk {
        Some(m) if m.enabled == Some(false) => {
            omitted.push(("msk".into(), "`msk.enabled` is false".into()));
            None
        }
        m => {
            let m = m.clone().unwrap_or_default();
            if m.replication == Some(MskReplication::MskReplicator) {
                explicit_cross_region.push(("MSK replication".into(), m_path.key("replication")));
            }
            let topics = match &m.topics {
                Some(t) => t
                    .iter()
                    .enumerate()
                    .map(|(i, s)| Sourced::given(s.clone(), m_path.key("topics").index(i)))
                    .collect(),
                None => d::MSK_TOPICS
                    .iter()
                    .map(|s| Sourced::default((*s).to_string(), m_path.key("topics")))
                    .collect(),
            };
            Some(Msk {
                kafka_version: opt(
                    &m.kafka_version,
                    d::MSK_KAFKA_VERSION.into(),
                    m_path.key("kafka-version"),
                ),
                broker_instance_type: opt(
                    &m.broker_instance_type,
                    d::MSK_BROKER_TYPE.into(),
                    m_path.key("broker-instance-type"),
                ),
                storage_gib: opt(&m.storage_gib, d::MSK_STORAGE_GIB, m_path.key("storage-gib")),
                replication: opt(&m.replication, MskReplication::MskReplicator, m_path.key("replication")),
                topics,
            })
        }
    };

    let e_path = sec("eks");
    let eks = match &raw.eks {
        Some(e) if e.enabled == Some(false) => {
            omitted.push(("eks".into(), "`eks.enabled` is false".into()));
            None
        }
        e => {
            let e = e.clone().unwrap_or_default();
            Some(Eks {
                version: opt(&e.version, d::EKS_VERSION.into(), e_path.key("version")),
                instance_types: e
                    .instance_types
                    .unwrap_or_else(|| d::EKS_INSTANCE_TYPES.iter().map(|s| s.to_string()).collect()),
                capacity_type: e.capacity_type.unwrap_or(CapacityType::OnDemand),
                admin_principals: e.admin_principals.unwrap_or_default(),
                workload: {
                    let w = e.workload.unwrap_or_default();
                    Workload {
                        namespace: w.namespace.unwrap_or_else(|| d::EKS_WORKLOAD_NAMESPACE.into()),
                        service_account: w
                            .service_account
                            .unwrap_or_else(|| d::EKS_WORKLOAD_SERVICE_ACCOUNT.into()),
                        database_user: w.database_user.unwrap_or_else(|| d::EKS_WORKLOAD_DATABASE_USER.into()),
                    }
                },
            })
        }
    };

    let rt_path = sec("route53");
    let r53 = raw.route53.clone().unwrap_or_default();
    let zone = r53.hosted_zone.clone().or_else(|| raw.domain.clone());
    let mut ingress = None;
    let route53 = match zone {
        None => {
            omitted.push((
                "dns".into(),
                "no `domain` or `route53.hosted-zone`: Route 53 health checks and records need a zone".into(),
            ));
            if raw.ingress.as_ref().and_then(|i| i.enabled) != Some(false) {
                omitted.push((
                    "ingress".into(),
                    "no `domain` or `route53.hosted-zone`: the load balancers' certificates are validated in the zone"
                        .into(),
                ));
            }
            None
        }
        Some(zone) => {
            let zone = zone.trim_end_matches('.').to_lowercase();
            let base_domain = raw.domain.clone().unwrap_or_else(|| zone.clone());
            let given = r53.endpoints.clone().unwrap_or_default();
            let entry_points: BTreeMap<String, String> = regions
                .iter()
                .map(|r| (r.code.clone(), format!("{}.{}", r.code, base_domain)))
                .collect();
            let endpoints = entry_points
                .iter()
                .map(|(code, entry)| (code.clone(), given.get(code).cloned().unwrap_or_else(|| entry.clone())))
                .collect();
            let hc = r53.health_check.clone().unwrap_or_default();
            let records = r53
                .records
                .clone()
                .unwrap_or_default()
                .into_iter()
                .enumerate()
                .map(|(i, rec)| {
                    let name = rec.name.trim_end_matches('.').to_lowercase();
                    let fqdn = if name == zone || name.ends_with(&format!(".{zone}")) {
                        name.clone()
                    } else {
                        format!("{name}.{zone}")
                    };
                    Record {
                        path: rt_path.key("records").index(i),
                        name: rec.name.clone(),
                        fqdn,
                        policy: rec.policy,
                        locations: rec.locations.unwrap_or_default().into_iter().collect(),
                        weights: rec.weights.unwrap_or_default().into_iter().collect(),
                    }
                })
                .collect();
            let ing = raw.ingress.clone().unwrap_or_default();
            if ing.enabled.unwrap_or(r53.endpoints.is_none()) {
                ingress = Some(Ingress {
                    port: ing.port.unwrap_or(d::INGRESS_PORT),
                    waf: ing.waf.unwrap_or(d::INGRESS_WAF),
                    entry_points,
                });
            }
            Some(Route53 {
                hosted_zone: zone,
                hosted_zone_id: opt(
                    &r53.hosted_zone_id.clone().map(Some),
                    None,
                    rt_path.key("hosted-zone-id"),
                ),
                endpoints_given: r53.endpoints.as_ref().map(|_| rt_path.key("endpoints")),
                protocol: hc.protocol.unwrap_or(Protocol::Https),
                port: hc.port.unwrap_or(d::HEALTH_CHECK_PORT),
                path: opt(
                    &hc.path,
                    d::HEALTH_CHECK_PATH.into(),
                    rt_path.key("health-check").key("path"),
                ),
                endpoints,
                records,
            })
        }
    };

    let storage = match &raw.storage {
        Some(st) if st.enabled == Some(false) => {
            omitted.push(("storage".into(), "`storage.enabled` is false".into()));
            None
        }
        st => {
            let st = st.clone().unwrap_or_default();
            let path = KeyPath::section(&prefix, "storage").key("buckets");
            let mut buckets: Vec<Sourced<String>> = match &st.buckets {
                Some(list) => list
                    .iter()
                    .enumerate()
                    .map(|(i, b)| Sourced::given(b.clone(), path.index(i)))
                    .collect(),
                None => d::STORAGE_BUCKETS
                    .iter()
                    .map(|b| Sourced::default(b.to_string(), path.clone()))
                    .collect(),
            };
            let mut repeated = Vec::new();
            let mut seen: Vec<String> = Vec::new();
            buckets.retain(|b| {
                let new = !seen.contains(&b.value);
                if !new {
                    repeated.push(b.clone());
                }
                seen.push(b.value.clone());
                new
            });
            if !buckets.iter().any(|b| b.value == "logs") {
                buckets.insert(0, Sourced::default("logs".to_string(), path.clone()));
            }
            Some(Storage {
                buckets,
                repeated,
                noncurrent_version_days: st.noncurrent_version_days.unwrap_or(d::NONCURRENT_VERSION_DAYS),
            })
        }
    };

    let mon = raw.monitoring.clone().unwrap_or_default();
    let monitoring = Monitoring {
        alarm_emails: mon.alarm_emails.unwrap_or_default(),
        lag_warning_seconds: mon.replication_lag_warning_seconds.unwrap_or(d::LAG_WARNING_SECONDS),
        lag_critical_seconds: mon.replication_lag_critical_seconds.unwrap_or(d::LAG_CRITICAL_SECONDS),
    };
    if monitoring.alarm_emails.is_empty() {
        omitted.push((
            "alarm e-mail subscriptions".into(),
            "no `monitoring.alarm-emails`".into(),
        ));
    }

    let b = raw.budget.clone().unwrap_or_default();
    let budget = match (b.soft_cap_usd, b.hard_cap_usd) {
        (None, None) => {
            omitted.push((
                "budget".into(),
                "no `budget.soft-cap-usd` or `budget.hard-cap-usd`".into(),
            ));
            None
        }
        (soft, hard) => Some(Budget {
            soft_cap_usd: soft,
            hard_cap_usd: hard,
            alert_thresholds: b
                .alert_thresholds
                .unwrap_or_else(|| d::BUDGET_ALERT_THRESHOLDS.to_vec()),
        }),
    };

    let c = raw.cost.clone().unwrap_or_default();
    let cost = CostUsage {
        aurora_storage_gib: c.aurora_storage_gib.unwrap_or(d::COST_AURORA_STORAGE_GIB),
        aurora_io_millions: c.aurora_io_millions.unwrap_or(d::COST_AURORA_IO_MILLIONS),
        aurora_write_io_millions: c.aurora_write_io_millions.unwrap_or(d::COST_AURORA_WRITE_IO_MILLIONS),
        cross_region_gib_per_month: c.cross_region_gib_per_month.unwrap_or(d::COST_CROSS_REGION_GIB),
        nat_gib_per_month: c.nat_gib_per_month.unwrap_or(d::COST_NAT_GIB),
        s3_gib: c.s3_gib.unwrap_or(d::COST_S3_GIB),
        alb_lcu: c.alb_lcu.unwrap_or(d::COST_ALB_LCU),
        log_gib_per_month: c.log_gib_per_month.unwrap_or(d::COST_LOG_GIB),
        dns_queries_millions: c.dns_queries_millions.unwrap_or(d::COST_DNS_QUERIES_MILLIONS),
        waf_requests_millions: c.waf_requests_millions.unwrap_or(d::COST_WAF_REQUESTS_MILLIONS),
        msk_replicated_gib_per_month: c.msk_replicated_gib_per_month.unwrap_or(d::COST_MSK_REPLICATED_GIB),
    };

    Some(Environment {
        name: env_name.to_string(),
        prefix: prefix.clone(),
        domain: raw.domain.clone(),
        account: raw.account.clone(),
        tags: raw.tags.clone().unwrap_or_default(),
        mode: mr.mode.unwrap_or(Mode::ActivePassive),
        dr_enabled,
        peering: mr.enable_cross_region_peering.unwrap_or(d::PEERING) && dr_enabled,
        rto_minutes: opt(
            &mr.failover_rto_minutes,
            d::RTO_MINUTES,
            mr_path.key("failover-rto-minutes"),
        ),
        rpo_minutes: opt(
            &mr.failover_rpo_minutes,
            d::RPO_MINUTES,
            mr_path.key("failover-rpo-minutes"),
        ),
        health_check_interval: opt(
            &mr.health_check_interval,
            d::HEALTH_CHECK_INTERVAL,
            mr_path.key("health-check-interval"),
        ),
        health_check_threshold: opt(
            &mr.health_check_failure_threshold,
            d::HEALTH_CHECK_FAILURE_THRESHOLD,
            mr_path.key("health-check-failure-threshold"),
        ),
        dns_ttl_seconds: opt(&mr.dns_ttl_seconds, d::DNS_TTL_SECONDS, mr_path.key("dns-ttl-seconds")),
        writer,
        arc_region_switch: mr.arc_region_switch.unwrap_or(d::ARC_REGION_SWITCH),
        regions,
        listed_secondaries,
        aurora,
        redis,
        msk,
        eks,
        route53,
        ingress,
        storage,
        monitoring,
        budget,
        cost,
        omitted,
        explicit_cross_region,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dr_derivation_rounds_up_and_keeps_at_least_one() {
        assert_eq!(ceil_pct(2, 50), 1);
        assert_eq!(ceil_pct(3, 50), 2);
        assert_eq!(ceil_pct(10, 80), 8);
        assert_eq!(ceil_pct(7, 80), 6);
        assert_eq!(ceil_pct(0, 50), 1);
    }
}
