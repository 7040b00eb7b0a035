//! The `monitoring` layer: per region the alert topic, the replication-lag alarms and the
//! CloudWatch agent that publishes the EKS node counts (Container Insights); in us-east-1 the
//! health-check alarms, their topic and the budget.

use super::layer::Layer;
use super::parts::*;
use super::types::*;
use super::values::*;
use crate::model::env::RegionEnv;
use crate::model::Environment;
use crate::naming::{self, global_id, regional_id, short_code, GLOBAL_REGION};
use crate::plan::kinds::*;

/// The alert topic's policy: these services may publish to it, for this account only.
pub(super) fn publish_policy(services: Vec<String>) -> Vec<Statement> {
    let mut st = Statement::allow("AllowServicesToPublish", &["sns:Publish"], vec![V::r("alerts_topic")]);
    st.service_principals = services;
    st.string_equals = vec![("aws:SourceAccount".into(), vec![V::AccountId])];
    vec![st]
}

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
            name,
            description,
            namespace: namespace.into(),
            metric: metric.into(),
            dimensions: dims,
            statistic: statistic.into(),
            period: 60,
            evaluation_periods: 3,
            threshold,
            comparison: "GreaterThanThreshold".into(),
            treat_missing: "notBreaching".into(),
            topic: V::r("alerts_topic"),
        })
    };
    for r in &env.regions {
        let short = short_code(&r.code);
        let mut s = stack(
            env,
            Layer::Monitoring,
            &r.code,
            format!("{} {}: alert topic and replication-lag alarms", env.name, r.code),
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
                            "AWS/RDS",
                            "AuroraGlobalDBReplicationLag",
                            vec![("DBClusterIdentifier".into(), V::s(cluster.clone()))],
                            (secs * 1000) as f64,
                            "Maximum",
                        ),
                    ));
                }
                s.depends_on.push(stack_name(env, Layer::Aurora, &r.code));
            }
            if env.redis.is_some() {
                // The metric is a node's (CacheClusterId); whichever node is the group's primary
                // reports it, and that moves on a failover inside the group, so every node is
                // watched (a node that is not the primary has no data: not breaching).
                for n in 1..=1 + r.redis_replicas.value.max(0) {
                    let member = format!("{}-{n:03}", regional_id(env, "redis", &r.code));
                    for (level, secs) in levels {
                        s.resources.push(res(
                            &format!("redis_lag_{n}_{level}"),
                            alarm(
                                format!("{}-{n:03}-{level}", regional_id(env, "redis-lag", &r.code)),
                                format!(
                                    "Global Datastore replication lag into {} (node {member}) above {secs} s",
                                    r.code
                                ),
                                "AWS/ElastiCache",
                                "GlobalDatastoreReplicationLag",
                                vec![("CacheClusterId".into(), V::s(member.clone()))],
                                secs as f64,
                                "Maximum",
                            ),
                        ));
                    }
                }
                s.depends_on.push(stack_name(env, Layer::Redis, &r.code));
            }
        }
        let sources: Vec<&String> = pairs.iter().filter(|(_, t)| *t == r.code).map(|(src, _)| src).collect();
        for src in &sources {
            let ss = short_code(src);
            for (level, secs) in levels {
                s.resources.push(res(
                    &format!("msk_latency_from_{ss}_{level}"),
                    alarm(
                        format!("{}-from-{ss}-{level}", regional_id(env, "msk-latency", &r.code)),
                        format!("MSK Replicator latency from {src} into {} above {secs} s", r.code),
                        "AWS/Kafka",
                        "ReplicationLatency",
                        vec![(
                            "ReplicatorName".into(),
                            V::s(naming::replicator_name(env, src, &r.code)),
                        )],
                        (secs * 1000) as f64,
                        "Maximum",
                    ),
                ));
            }
        }
        if !sources.is_empty() {
            s.depends_on.push(stack_name(env, Layer::MskReplication, &r.code));
        }
        container_insights(env, r, &mut s);
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
        let _ = short;
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
    let mut trust = Statement::allow("EksPodIdentity", &["sts:AssumeRole", "sts:TagSession"], Vec::new());
    trust.service_principals = vec!["pods.eks.amazonaws.com".into()];
    // The session tags Pod Identity sets: only this cluster's agent may assume the role.
    trust.string_equals = vec![
        ("aws:RequestTag/eks-cluster-arn".into(), vec![V::p("EksClusterArn")]),
        (
            "aws:RequestTag/kubernetes-namespace".into(),
            vec![V::s(AGENT_NAMESPACE)],
        ),
        (
            "aws:RequestTag/kubernetes-service-account".into(),
            vec![V::s(AGENT_SERVICE_ACCOUNT)],
        ),
    ];
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
            s.parameters.push(take(&d.name, check));
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
