//! The steps that read and change nothing: replication lag against the RPO, Route 53's verdict
//! on the health checks, the target's capacity; and the drill, which is made of them.

use super::{page, Facts, LagUse, B, DNS_TIMEOUT, GLOBAL_REGION};
use crate::model::Environment;
use crate::runbook::facts::NodeGroup;
use crate::runbook::step::{Call, Params, Step};
use serde_json::json;

impl B<'_> {
    /// A metric query over the last few minutes: the one series `lag` (the maximum of the
    /// metrics given, when several).
    pub(super) fn metric_call(
        region: &str,
        namespace: &str,
        metric: &str,
        dims: &[(&str, String)],
        stat: &str,
    ) -> Call {
        let mut queries = Vec::new();
        let one = dims.len() == 1;
        for (i, (name, value)) in dims.iter().enumerate() {
            queries.push(json!({
                "Id": if one { "lag".to_string() } else { format!("m{i}") },
                "MetricStat": {
                    "Metric": {"Namespace": namespace, "MetricName": metric, "Dimensions": [{"Name": name, "Value": value}]},
                    "Period": 60,
                    "Stat": stat,
                },
                "ReturnData": one,
            }));
        }
        if !one {
            queries.push(json!({"Id": "lag", "Expression": "MAX(METRICS())", "ReturnData": true}));
        }
        Call::new(
            region,
            "cloudwatch",
            "get-metric-data",
            Params::new()
                .json("metric-data-queries", serde_json::Value::Array(queries))
                .s("start-time", "${WINDOW_START}")
                .s("end-time", "${WINDOW_END}"),
        )
    }

    /// The largest value of the lag series in the window.
    pub(super) const LAG: &'static str = "max(MetricDataResults[?Id == 'lag'].Values[])";

    /// Replication lag into `to` against the RPO: a check a switchover refuses to start past, a
    /// report in a failover (what will be lost), a warning in a drill.
    pub(super) fn lags(&mut self, from: &str, to: &str, how: LagUse) {
        let rpo = self.rpo_seconds();
        let t = self.facts.region(to).cloned().unwrap_or_default();
        let mut lag_steps = Vec::new();
        if let (Some(id), Some(_)) = (&t.aurora_cluster, &self.facts.global_cluster) {
            lag_steps.push((
                format!("aurora-lag-{to}"),
                format!("Aurora replication lag into {to} (AuroraGlobalDBRPOLag, ms)"),
                Self::metric_call(
                    to,
                    "AWS/RDS",
                    "AuroraGlobalDBRPOLag",
                    &[("DBClusterIdentifier", id.clone())],
                    "Maximum",
                ),
                rpo * 1000,
                page::AURORA_METRICS,
            ));
        }
        if let (Some((_, nodes)), Some(_)) = (&t.cache_group, &self.facts.datastore_suffix) {
            let dims: Vec<(&str, String)> = nodes.iter().map(|n| ("CacheClusterId", n.clone())).collect();
            lag_steps.push((
                format!("datastore-lag-{to}"),
                format!("Global Datastore replication lag into {to} (GlobalDatastoreReplicationLag, s)"),
                Self::metric_call(to, "AWS/ElastiCache", "GlobalDatastoreReplicationLag", &dims, "Maximum"),
                rpo,
                page::DATASTORE_METRICS,
            ));
        }
        if let Some(name) = self.facts.replicator(from, to) {
            lag_steps.push((
                format!("msk-lag-{to}"),
                format!("MSK Replicator latency from {from} into {to} (ReplicationLatency, ms)"),
                Self::metric_call(
                    to,
                    "AWS/Kafka",
                    "ReplicationLatency",
                    &[("ReplicatorName", name.to_string())],
                    "Maximum",
                ),
                rpo * 1000,
                page::MSK_METRICS,
            ));
        }
        for (id, title, call, limit, source) in lag_steps {
            let step = match how {
                LagUse::Refuse | LagUse::Warn => {
                    let s = Step::check(
                        &id,
                        format!("{title} is within the RPO ({limit})"),
                        call,
                        format!("{} <= `{limit}`", Self::LAG),
                    );
                    if how == LagUse::Warn {
                        s.warn_only()
                    } else {
                        s
                    }
                }
                LagUse::Report => Step::report(
                    &id,
                    format!("{title}: writes newer than this are lost"),
                    call,
                    Self::LAG,
                ),
            };
            self.push(step.cite(source));
        }
    }

    /// Route 53's own verdict on a region's health check, in the last minute.
    pub(super) fn health_call(&self, region: &str) -> Call {
        Self::metric_call(
            GLOBAL_REGION,
            "AWS/Route53",
            "HealthCheckStatus",
            &[("HealthCheckId", format!("${{{}}}", Self::health_var(region)))],
            "Minimum",
        )
    }

    pub(super) fn has_health_check(&self, region: &str) -> bool {
        !self.no_route53 && self.facts.region(region).is_some_and(|r| r.health_check.is_some())
    }

    /// The region answers its health check (checked now, or waited for).
    pub(super) fn healthy(&mut self, region: &str, wait: bool, warn: bool) {
        if !self.has_health_check(region) {
            return;
        }
        let call = self.health_call(region);
        let until = "MetricDataResults[0].Values[0] == `1`";
        let title = format!("Route 53 reports {region} healthy");
        let id = format!("healthy-{region}");
        let s = if wait {
            Step::wait(&id, title, call, until, DNS_TIMEOUT)
        } else {
            Step::check(&id, title, call, until)
        };
        self.push(if warn { s.warn_only() } else { s }.cite(page::ROUTE53));
    }

    /// Route 53 has stopped sending traffic to `region`: its health check fails.
    pub(super) fn unhealthy(&mut self, region: &str) {
        if !self.has_health_check(region) {
            return;
        }
        let call = self.health_call(region);
        self.push(
            Step::wait(
                &format!("unhealthy-{region}"),
                format!("Route 53 reports {region} unhealthy, so its records stop answering"),
                call,
                "MetricDataResults[0].Values[0] == `0`",
                DNS_TIMEOUT,
            )
            .cite(page::ROUTE53_FAILOVER),
        );
    }

    pub(super) fn nodegroup_call(region: &str, n: &NodeGroup) -> Call {
        Call::new(
            region,
            "eks",
            "describe-nodegroup",
            Params::new().s("cluster-name", &n.cluster).s("nodegroup-name", &n.name),
        )
    }

    /// The target region can take the load: its Aurora cluster is available and its node
    /// group active.
    pub(super) fn capacity(&mut self, region: &str, warn: bool) {
        let r = self.facts.region(region).cloned().unwrap_or_default();
        let mut checks = Vec::new();
        if let Some(id) = &r.aurora_cluster {
            checks.push(Step::check(
                &format!("aurora-available-{region}"),
                format!("The Aurora cluster {id} is available"),
                Call::new(
                    region,
                    "rds",
                    "describe-db-clusters",
                    Params::new().s("db-cluster-identifier", id),
                ),
                "DBClusters[0].Status == 'available'",
            ));
        }
        if let Some(n) = &r.nodes() {
            checks.push(Step::check(
                &format!("nodes-active-{region}"),
                format!("The node group {} is active", n.name),
                Self::nodegroup_call(region, n),
                "nodegroup.status == 'ACTIVE'",
            ));
        }
        for c in checks {
            self.push(if warn { c.warn_only() } else { c });
        }
    }
}

/// Every check a switchover makes, for every region that could take the writer; nothing
/// changes.
pub fn drill(env: &Environment, facts: &Facts) -> Vec<Step> {
    let mut b = B {
        env,
        facts,
        steps: Vec::new(),
        no_route53: false,
    };
    let writer = env.writer().code.clone();
    let readers: Vec<String> = env.readers().map(|r| r.code.clone()).collect();
    b.identity(&writer);
    if let Some(first) = readers.first() {
        b.datastore_id(first);
    }
    let mut all: Vec<&str> = vec![writer.as_str()];
    all.extend(readers.iter().map(String::as_str));
    b.health_ids(&all);
    b.healthy(&writer, false, true);
    for t in &readers {
        b.lags(&writer, t, LagUse::Warn);
        b.healthy(t, false, true);
        b.capacity(t, true);
        if let Some(name) = facts.replicator(&writer, t) {
            b.push(
                Step::check(
                    &format!("msk-running-{t}"),
                    format!("MSK Replicator {name} is running"),
                    Call::new(
                        t,
                        "kafka",
                        "list-replicators",
                        Params::new().s("replicator-name-filter", name),
                    ),
                    format!("contains(Replicators[?ReplicatorName == '{name}'].ReplicatorState, 'RUNNING')"),
                )
                .warn_only(),
            );
        }
    }
    if let Some(c) = b.global_cluster_call(&writer) {
        b.push(
            Step::check(
                "aurora-global-available",
                "The Aurora global database is available, every secondary connected",
                c,
                "GlobalClusters[0].Status == 'available' && length(GlobalClusters[0].GlobalClusterMembers[?!IsWriter && SynchronizationStatus != 'connected']) == `0`",
            )
            .warn_only(),
        );
    }
    if facts.datastore_suffix.is_some() {
        if let Some(first) = readers.first() {
            b.push(
                Step::check(
                    "datastore-available",
                    "The Global Datastore is available",
                    B::datastore_call(first),
                    "GlobalReplicationGroups[0].Status == 'available'",
                )
                .warn_only(),
            );
        }
    }
    b.steps
}
