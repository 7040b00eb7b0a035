//! The `monitoring` layer: per region the alert topic, the replication-lag alarms, the health
//! alarms of the region's data stores and replicators, and the CloudWatch agent that publishes
//! the EKS node counts (Container Insights); in the primary region the cross-region dashboard;
//! in us-east-1 the health-check alarms, their topic and the budget.
//!
//! Every alarm watches a metric in its own region and goes to that region's topic; Route 53's
//! health-check metrics exist only in us-east-1, so their alarms live there. Each metric cites
//! the AWS page that documents its name, dimensions and meaning.

use super::dashboard::{grid, WidgetBody, WidgetMetric};
use super::layer::Layer;
use super::parts::*;
use super::types::*;
use super::values::*;
use crate::model::env::RegionEnv;
use crate::model::Environment;
use crate::naming::{self, global_id, regional_id, short_code, GLOBAL_REGION};
use crate::plan::kinds::*;

mod dashboard;

/// The alert topic's policy: these services may publish to it, for this account only.
pub(super) fn publish_policy(services: Vec<String>) -> Vec<Statement> {
    let mut st = Statement::allow("AllowServicesToPublish", &["sns:Publish"], vec![V::r("alerts_topic")]);
    st.service_principals = services;
    st.string_equals = vec![("aws:SourceAccount".into(), vec![V::AccountId])];
    vec![st]
}

/// Metric names, dimensions and meanings, each from the AWS page cited beside it.
mod metric {
    // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html
    // (cluster-level metrics: AuroraGlobalDBReplicationLag, ms, on each secondary cluster) and
    // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/dimensions.html
    // (DBClusterIdentifier; DBClusterIdentifier with Role = WRITER or READER).
    pub const RDS: &str = "AWS/RDS";
    pub const AURORA_GLOBAL_LAG: &str = "AuroraGlobalDBReplicationLag";
    // "For Aurora, use WRITER or READER role metrics to set up alarms instead of relying on
    // metrics for specific DB instances. Aurora DB instance roles can change roles over time."
    // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/creating_alarms.html
    pub const CPU: &str = "CPUUtilization";
    // https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.Redis.html
    // (GlobalDatastoreReplicationLag in seconds; EngineCPUUtilization, the engine thread's CPU,
    // in percent; every metric is a cache node's, dimension CacheClusterId:
    // https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.html)
    pub const ELASTICACHE: &str = "AWS/ElastiCache";
    pub const DATASTORE_LAG: &str = "GlobalDatastoreReplicationLag";
    pub const ENGINE_CPU: &str = "EngineCPUUtilization";
    // https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-metrics-ref.html
    // (dimension ReplicatorName, published in the target cluster's region:
    // https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-monitor.html).
    // ReplicationLatency: ms from produce at the source to the write at the target, Maximum;
    // ReplicatorThroughput: bytes replicated per second; MessageLag: messages the replicator is
    // behind the source; ReplicatorFailure: failures the replicator is experiencing.
    pub const KAFKA: &str = "AWS/Kafka";
    pub const REPLICATION_LATENCY: &str = "ReplicationLatency";
    pub const REPLICATOR_THROUGHPUT: &str = "ReplicatorThroughput";
    pub const MESSAGE_LAG: &str = "MessageLag";
    pub const REPLICATOR_FAILURE: &str = "ReplicatorFailure";
    // DEFAULT (free) level, dimension "Cluster Name": "Total number of partitions that are
    // offline in the cluster."
    // https://docs.aws.amazon.com/msk/latest/developerguide/metrics-details.html
    pub const OFFLINE_PARTITIONS: &str = "OfflinePartitionsCount";
    pub const MSK_CLUSTER: &str = "Cluster Name";
    // Published only in us-east-1, dimension HealthCheckId; 1 healthy, 0 not.
    // https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-check-status.html
    pub const ROUTE53: &str = "AWS/Route53";
    pub const HEALTH_CHECK_STATUS: &str = "HealthCheckStatus";
    // Dimension LoadBalancer (`app/<name>/<id>`); the 5XX counts are Sum, TargetResponseTime
    // in seconds.
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
    pub const ELB: &str = "AWS/ApplicationELB";
    pub const ELB_5XX: &str = "HTTPCode_ELB_5XX_Count";
    pub const TARGET_5XX: &str = "HTTPCode_Target_5XX_Count";
    pub const RESPONSE_TIME: &str = "TargetResponseTime";
    // Container Insights (the amazon-cloudwatch-observability add-on), dimension ClusterName:
    // "The total number of worker nodes in the cluster" / "The number of failed worker nodes".
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/container-insights-eks-classic-metrics.html
    pub const CONTAINER_INSIGHTS: &str = "ContainerInsights";
    pub const NODE_COUNT: &str = "cluster_node_count";
    pub const FAILED_NODE_COUNT: &str = "cluster_failed_node_count";
}

/// The CPU share that a health alarm calls too high, in percent: AWS suggests 90 % of the
/// available CPU for ElastiCache nodes
/// (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.WhichShouldIMonitor.html);
/// mrgen uses it for the Aurora writer too.
const SATURATED_PERCENT: f64 = 90.0;

/// Minutes a replicator may publish no latency before its alarm calls it stalled.
const STALLED_MINUTES: i64 = 10;

/// The EKS add-on that runs the CloudWatch agent (Container Insights) and its identity: the
/// service account it runs under, in its namespace, and the managed policy it needs.
/// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-setup-EKS-addon.html
const OBSERVABILITY_ADDON: &str = "amazon-cloudwatch-observability";
const AGENT_NAMESPACE: &str = "amazon-cloudwatch";
const AGENT_SERVICE_ACCOUNT: &str = "cloudwatch-agent";
const AGENT_POLICY: &str = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy";
/// The log groups Container Insights writes to (`/aws/containerinsights/<cluster>/<kind>`): the
/// performance log events its metrics come from, and the containers' logs that Fluent Bit
/// sends. mrgen creates them, so they are encrypted with the region's key and kept for a year
/// instead of being created by the agent without either. (The `dataplane` and `host` groups
/// stay empty on the Amazon Linux 2023 nodes mrgen renders: the add-on sends no data-plane or
/// host logs from them by default.)
/// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-setup-EKS-addon.html
/// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-setup-logs-FluentBit.html
const CONTAINER_INSIGHTS_LOGS: [&str; 2] = ["performance", "application"];

/// An alarm on one metric of this region, to this region's topic: over 60-second periods, three
/// of them, greater than `threshold`, missing data not breaching; callers change what differs.
fn watch(name: String, description: String, namespace: &str, metric: &str, dims: Vec<(String, V)>) -> Alarm {
    Alarm {
        name,
        description,
        namespace: namespace.into(),
        metric: metric.into(),
        dimensions: dims,
        statistic: "Maximum".into(),
        period: 60,
        evaluation_periods: 3,
        threshold: 0.0,
        comparison: "GreaterThanThreshold".into(),
        treat_missing: "notBreaching".into(),
        topic: V::r("alerts_topic"),
    }
}

/// The node ids of a region's replication group (`<group>-001`, …): one primary and its replicas.
fn cache_nodes(env: &Environment, r: &RegionEnv) -> Vec<String> {
    (1..=1 + r.redis_replicas.value.max(0))
        .map(|n| format!("{}-{n:03}", regional_id(env, "redis", &r.code)))
        .collect()
}

/// Adds `p` to the stack's parameters unless one of its name is there.
fn take_once(s: &mut Stack, p: Parameter) {
    if s.parameter(&p.name).is_none() {
        s.parameters.push(p);
    }
}

pub(super) fn monitoring(env: &Environment, dns_stack: Option<&Stack>) -> Vec<Stack> {
    let m = &env.monitoring;
    let global = env.regions.len() > 1;
    let pairs = replication_pairs(env);
    let mut stacks = Vec::new();
    let us_east_1_is_region = env.regions.iter().any(|r| r.code == GLOBAL_REGION);
    let alarm = |name: String,
                 description: String,
                 namespace: &str,
                 metric: &str,
                 dims: Vec<(String, V)>,
                 threshold: f64,
                 statistic: &str| {
        Kind::Alarm(Alarm {
            threshold,
            statistic: statistic.into(),
            ..watch(name, description, namespace, metric, dims)
        })
    };
    for r in &env.regions {
        let mut s = stack(
            env,
            Layer::Monitoring,
            &r.code,
            if r.primary {
                format!(
                    "{} {}: alert topic, alarms and the cross-region dashboard",
                    env.name, r.code
                )
            } else {
                format!("{} {}: alert topic and alarms", env.name, r.code)
            },
        );
        s.parameters = from_network(env, r, vec![Out::KmsKeyArn]);
        s.resources.push(res(
            "alerts_topic",
            Kind::Topic(Topic {
                name: regional_id(env, "alerts", &r.code),
                kms_key: V::p("KmsKeyArn"),
            }),
        ));
        let mut services = vec!["cloudwatch.amazonaws.com".to_string()];
        for (j, email) in m.alarm_emails.iter().enumerate() {
            s.resources.push(res(
                &format!("alerts_email_{}", j + 1),
                Kind::EmailSubscription(EmailSubscription {
                    topic: V::r("alerts_topic"),
                    address: email.clone(),
                }),
            ));
        }
        let levels = [("warning", m.lag_warning_seconds), ("critical", m.lag_critical_seconds)];
        // Replication lag is measured where data arrives: in every region but the writer's.
        if global && !r.writer {
            if env.aurora.is_some() {
                let cluster = regional_id(env, "aurora", &r.code);
                for (level, secs) in levels {
                    s.resources.push(res(
                        &format!("aurora_lag_{level}"),
                        alarm(
                            format!("{}-{level}", regional_id(env, "aurora-lag", &r.code)),
                            format!("Aurora Global Database replication lag into {} above {secs} s", r.code),
                            metric::RDS,
                            metric::AURORA_GLOBAL_LAG,
                            vec![("DBClusterIdentifier".into(), V::s(cluster.clone()))],
                            (secs * 1000) as f64,
                            "Maximum",
                        ),
                    ));
                }
            }
            if env.redis.is_some() {
                // The metric is a node's (CacheClusterId); whichever node is the group's primary
                // reports it, and that moves on a failover inside the group, so every node is
                // watched (a node that is not the primary has no data: not breaching).
                for (n, member) in cache_nodes(env, r).into_iter().enumerate() {
                    let n = n + 1;
                    for (level, secs) in levels {
                        s.resources.push(res(
                            &format!("redis_lag_{n}_{level}"),
                            alarm(
                                format!("{}-{n:03}-{level}", regional_id(env, "redis-lag", &r.code)),
                                format!(
                                    "Global Datastore replication lag into {} (node {member}) above {secs} s",
                                    r.code
                                ),
                                metric::ELASTICACHE,
                                metric::DATASTORE_LAG,
                                vec![("CacheClusterId".into(), V::s(member.clone()))],
                                secs as f64,
                                "Maximum",
                            ),
                        ));
                    }
                }
            }
        }
        health_alarms(env, r, &mut s);
        let sources: Vec<&String> = pairs.iter().filter(|(_, t)| *t == r.code).map(|(src, _)| src).collect();
        for src in &sources {
            let ss = short_code(src);
            let replicator = naming::replicator_name(env, src, &r.code);
            let by_replicator = || vec![("ReplicatorName".to_string(), V::s(replicator.clone()))];
            for (level, secs) in levels {
                s.resources.push(res(
                    &format!("msk_latency_from_{ss}_{level}"),
                    alarm(
                        format!("{}-from-{ss}-{level}", regional_id(env, "msk-latency", &r.code)),
                        format!("MSK Replicator latency from {src} into {} above {secs} s", r.code),
                        metric::KAFKA,
                        metric::REPLICATION_LATENCY,
                        by_replicator(),
                        (secs * 1000) as f64,
                        "Maximum",
                    ),
                ));
            }
            // Errors: AWS's troubleshooting asks whether ReplicatorFailure is above 0.
            // https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-troubleshooting.html
            s.resources.push(res(
                &format!("msk_failure_from_{ss}"),
                Kind::Alarm(Alarm {
                    statistic: "Sum".into(),
                    ..watch(
                        format!("{}-from-{ss}", regional_id(env, "msk-replicator-failure", &r.code)),
                        format!("MSK Replicator from {src} into {} reports failures", r.code),
                        metric::KAFKA,
                        metric::REPLICATOR_FAILURE,
                        by_replicator(),
                    )
                }),
            ));
            // Stalled: a running replicator publishes ReplicationLatency every minute (0 while a
            // topic has nothing to copy, per the metrics reference), so none for ten minutes
            // means it has stopped. (KafkaClusterPingSuccessCount, the connection's health, is
            // by ReplicatorName and ClusterAlias, an alias MSK makes up when it creates the
            // replicator, which no template can know.)
            s.resources.push(res(
                &format!("msk_stalled_from_{ss}"),
                Kind::Alarm(Alarm {
                    statistic: "SampleCount".into(),
                    evaluation_periods: STALLED_MINUTES,
                    threshold: 1.0,
                    comparison: "LessThanThreshold".into(),
                    treat_missing: "breaching".into(),
                    ..watch(
                        format!("{}-from-{ss}", regional_id(env, "msk-replicator-stalled", &r.code)),
                        format!(
                            "MSK Replicator from {src} into {} has published no replication latency for {STALLED_MINUTES} minutes",
                            r.code
                        ),
                        metric::KAFKA,
                        metric::REPLICATION_LATENCY,
                        by_replicator(),
                    )
                }),
            ));
        }
        if !sources.is_empty() {
            s.depends_on.push(stack_name(env, Layer::MskReplication, &r.code));
        }
        container_insights(env, r, &mut s);
        if r.primary {
            dashboard::dashboard(env, dns_stack, &mut s);
        }
        if r.code == GLOBAL_REGION {
            services.push("budgets.amazonaws.com".into());
            global_parts(env, dns_stack, &mut s);
        }
        s.resources.push(res(
            "alerts_topic_policy",
            Kind::TopicPolicy(TopicPolicy {
                topic: V::r("alerts_topic"),
                policy: publish_policy(services),
            }),
        ));
        s.outputs.push(out(
            Out::AlertsTopicArn,
            V::r("alerts_topic"),
            "Where this region's alarms go",
        ));
        stacks.push(s);
    }
    if !us_east_1_is_region && (dns_stack.is_some() || env.budget.is_some()) {
        let mut s = stack(
            env,
            Layer::Monitoring,
            GLOBAL_REGION,
            format!("{}: Route 53 health-check alarms, their alert topic and the budget (global services live in us-east-1)", env.name),
        );
        // CloudWatch alarms and Budgets cannot publish to a topic encrypted with the AWS-managed
        // SNS key (its policy cannot be changed to let them), so this stack has its own key.
        s.resources.push(retained(
            "kms_key",
            Kind::KmsKey(KmsKey {
                description: format!("{} {} us-east-1: global alert topic", env.prefix, env.name),
                policy: key_policy(GLOBAL_REGION),
                multi_region: false,
            }),
            Retain::Retain,
        ));
        s.resources.push(res(
            "kms_alias",
            Kind::KmsAlias(KmsAlias {
                name: format!("alias/{}", global_id(env, "alerts-global")),
                key: V::r("kms_key"),
            }),
        ));
        s.resources.push(res(
            "alerts_topic",
            Kind::Topic(Topic {
                name: global_id(env, "alerts-global"),
                kms_key: V::attr("kms_key", Attr::Arn),
            }),
        ));
        for (j, email) in m.alarm_emails.iter().enumerate() {
            s.resources.push(res(
                &format!("alerts_email_{}", j + 1),
                Kind::EmailSubscription(EmailSubscription {
                    topic: V::r("alerts_topic"),
                    address: email.clone(),
                }),
            ));
        }
        s.resources.push(res(
            "alerts_topic_policy",
            Kind::TopicPolicy(TopicPolicy {
                topic: V::r("alerts_topic"),
                policy: publish_policy(vec!["cloudwatch.amazonaws.com".into(), "budgets.amazonaws.com".into()]),
            }),
        ));
        global_parts(env, dns_stack, &mut s);
        s.outputs.push(out(
            Out::AlertsTopicArn,
            V::r("alerts_topic"),
            "Where the global alarms and the budget go",
        ));
        stacks.push(s);
    }
    stacks
}

/// The health of the region's own data stores, whatever their role: the Aurora writer (by the
/// WRITER role, so the alarm follows the writer instance inside the cluster and stays quiet in
/// a secondary cluster, which has none), every cache node, and the MSK cluster's partitions.
fn health_alarms(env: &Environment, r: &RegionEnv, s: &mut Stack) {
    if env.aurora.is_some() {
        s.resources.push(res(
            "aurora_writer_cpu",
            Kind::Alarm(Alarm {
                statistic: "Average".into(),
                evaluation_periods: 5,
                threshold: SATURATED_PERCENT,
                ..watch(
                    regional_id(env, "aurora-writer-cpu", &r.code),
                    format!(
                        "Aurora writer of {} above {SATURATED_PERCENT} % CPU for 5 minutes",
                        r.code
                    ),
                    metric::RDS,
                    metric::CPU,
                    vec![
                        ("DBClusterIdentifier".into(), V::s(regional_id(env, "aurora", &r.code))),
                        ("Role".into(), V::s("WRITER")),
                    ],
                )
            }),
        ));
        s.depends_on.push(stack_name(env, Layer::Aurora, &r.code));
    }
    if env.redis.is_some() {
        // Every node of the group, since any of them can be its primary after a failover (SPEC
        // section 5.1: alarms watch every node, never one node's id). The engine's own thread:
        // Valkey and Redis OSS run commands on one core, which the host's CPUUtilization hides
        // on nodes of more than one vCPU.
        for (n, node) in cache_nodes(env, r).into_iter().enumerate() {
            let n = n + 1;
            s.resources.push(res(
                &format!("redis_cpu_{n}"),
                Kind::Alarm(Alarm {
                    statistic: "Average".into(),
                    evaluation_periods: 5,
                    threshold: SATURATED_PERCENT,
                    ..watch(
                        format!("{}-{n:03}", regional_id(env, "redis-cpu", &r.code)),
                        format!("Cache node {node} above {SATURATED_PERCENT} % engine CPU for 5 minutes"),
                        metric::ELASTICACHE,
                        metric::ENGINE_CPU,
                        vec![("CacheClusterId".into(), V::s(node.clone()))],
                    )
                }),
            ));
        }
        s.depends_on.push(stack_name(env, Layer::Redis, &r.code));
    }
    if env.msk.is_some() {
        // A partition offline can be neither written nor read: any is too many.
        s.resources.push(res(
            "msk_offline_partitions",
            Kind::Alarm(watch(
                regional_id(env, "msk-offline-partitions", &r.code),
                format!("MSK cluster of {} has offline partitions", r.code),
                metric::KAFKA,
                metric::OFFLINE_PARTITIONS,
                vec![(metric::MSK_CLUSTER.into(), V::s(regional_id(env, "msk", &r.code)))],
            )),
        ));
        s.depends_on.push(stack_name(env, Layer::Msk, &r.code));
    }
}

/// Container Insights on the region's EKS cluster, the source of the dashboard's node counts:
/// the `amazon-cloudwatch-observability` add-on, its CloudWatch agent's identity through EKS
/// Pod Identity (the option AWS recommends, from add-on version 3.1.0), and the log groups it
/// writes to. (The node group's Auto Scaling group would publish its instance counts only once
/// group metrics collection is switched on, and EKS creates that group itself: neither
/// CloudFormation nor Terraform can switch it on.)
fn container_insights(env: &Environment, r: &RegionEnv, s: &mut Stack) {
    if env.eks.is_none() {
        return;
    }
    let eks = stack_name(env, Layer::Eks, &r.code);
    s.parameters.push(param("EksClusterName", &eks, Out::ClusterName));
    s.parameters.push(param("EksClusterArn", &eks, Out::ClusterArn));
    let cluster = regional_id(env, "eks", &r.code);
    let mut before = Vec::new();
    for kind in CONTAINER_INSIGHTS_LOGS {
        let id = format!("container_insights_{kind}_logs");
        s.resources.push(res(
            &id,
            Kind::LogGroup(LogGroup {
                name: format!("/aws/containerinsights/{cluster}/{kind}"),
                retention_days: LOG_RETENTION_DAYS,
                kms_key: V::p("KmsKeyArn"),
            }),
        ));
        before.push(id);
    }
    // Only this cluster's agent may assume the role.
    let trust = pod_identity_trust(V::p("EksClusterArn"), AGENT_NAMESPACE, AGENT_SERVICE_ACCOUNT);
    s.resources.push(res(
        "cloudwatch_agent_role",
        Kind::IamRole(IamRole {
            name: regional_id(env, "eks-cw-agent", &r.code),
            trust: vec![trust],
            managed_policies: vec![AGENT_POLICY.into()],
            policy: Vec::new(),
        }),
    ));
    s.resources.push(res(
        "cloudwatch_agent_pod_identity",
        Kind::EksPodIdentityAssociation(EksPodIdentityAssociation {
            cluster: V::p("EksClusterName"),
            namespace: AGENT_NAMESPACE.into(),
            service_account: AGENT_SERVICE_ACCOUNT.into(),
            role: V::attr("cloudwatch_agent_role", Attr::Arn),
        }),
    ));
    before.push("cloudwatch_agent_pod_identity".into());
    // After its identity and its log groups: the agent starts with credentials and finds the
    // groups made.
    let mut addon = res(
        "cloudwatch_observability",
        Kind::EksAddon(EksAddon {
            cluster: V::p("EksClusterName"),
            name: OBSERVABILITY_ADDON.into(),
        }),
    );
    addon.depends_on = before;
    s.resources.push(addon);
}

/// Health-check alarms and the budget: added to the us-east-1 monitoring stack.
pub(super) fn global_parts(env: &Environment, dns_stack: Option<&Stack>, s: &mut Stack) {
    if let Some(d) = dns_stack {
        for r in &env.regions {
            let short = short_code(&r.code);
            let check = Out::HealthCheckId(pascal(&short));
            let name = check.name();
            take_once(s, take(&d.name, check));
            s.resources.push(res(
                &format!("health_alarm_{short}"),
                Kind::Alarm(Alarm {
                    name: regional_id(env, "health", &r.code),
                    description: format!("Route 53 health check of {} is failing", r.code),
                    namespace: "AWS/Route53".into(),
                    metric: "HealthCheckStatus".into(),
                    dimensions: vec![("HealthCheckId".into(), V::p(&name))],
                    statistic: "Minimum".into(),
                    period: 60,
                    evaluation_periods: 1,
                    threshold: 1.0,
                    comparison: "LessThanThreshold".into(),
                    treat_missing: "breaching".into(),
                    topic: V::r("alerts_topic"),
                }),
            ));
        }
    }
    if let Some(b) = &env.budget {
        // The soft cap carries the alert thresholds; the hard cap alerts at 100 % of actual and
        // of forecast spend (SPEC section 3).
        if let Some(soft) = b.soft_cap_usd {
            s.resources.push(res(
                "budget",
                Kind::Budget(Budget {
                    name: global_id(env, "monthly"),
                    limit_usd: soft,
                    alerts: b
                        .alert_thresholds
                        .iter()
                        .map(|&percent| BudgetAlert {
                            percent,
                            forecast: false,
                        })
                        .collect(),
                    topic: V::r("alerts_topic"),
                    emails: env.monitoring.alarm_emails.clone(),
                }),
            ));
        }
        if let Some(hard) = b.hard_cap_usd {
            s.resources.push(res(
                "hard_budget",
                Kind::Budget(Budget {
                    name: global_id(env, "monthly-hard-cap"),
                    limit_usd: hard,
                    alerts: [false, true]
                        .into_iter()
                        .map(|forecast| BudgetAlert {
                            percent: 100.0,
                            forecast,
                        })
                        .collect(),
                    topic: V::r("alerts_topic"),
                    emails: env.monitoring.alarm_emails.clone(),
                }),
            ));
        }
    }
}
