//! EKS, Route 53 and monitoring (alert topic, alarms, budget) as CloudFormation resources.

use super::value::Ctx;
use crate::plan::{Alarm, RecordSpec, Routing, Statement, V};
use serde_json::{json, Map, Value};

/// All five EKS control-plane log types.
const EKS_LOG_TYPES: [&str; 5] = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

pub(super) fn eks_cluster(
    ctx: &Ctx,
    name: &str,
    version: &str,
    role: &V,
    subnets: &V,
    security_groups: &[V],
    kms_key: &V,
) -> Value {
    json!({
        "Name": name,
        "Version": version,
        "RoleArn": ctx.v(role),
        "ResourcesVpcConfig": {
            "SubnetIds": ctx.v(subnets),
            "SecurityGroupIds": ctx.list(security_groups),
            // The API is reachable from inside the VPC (and peered VPCs) only.
            "EndpointPrivateAccess": true,
            "EndpointPublicAccess": false,
        },
        "EncryptionConfig": [{ "Provider": { "KeyArn": ctx.v(kms_key) }, "Resources": ["secrets"] }],
        "Logging": {
            "ClusterLogging": {
                "EnabledTypes": EKS_LOG_TYPES.iter().map(|t| json!({ "Type": t })).collect::<Vec<_>>(),
            },
        },
        "Tags": ctx.tags(Some(name)),
    })
}

#[allow(clippy::too_many_arguments)]
pub(super) fn eks_nodegroup(
    ctx: &Ctx,
    name: &str,
    cluster: &V,
    role: &V,
    subnets: &V,
    instance_types: &[String],
    (ami_type, capacity_type): (&str, &str),
    (min, max, desired): (i64, i64, i64),
) -> Value {
    json!({
        "NodegroupName": name,
        "ClusterName": ctx.v(cluster),
        "NodeRole": ctx.v(role),
        "Subnets": ctx.v(subnets),
        "InstanceTypes": instance_types,
        "AmiType": ami_type,
        "CapacityType": capacity_type,
        "ScalingConfig": { "MinSize": min, "MaxSize": max, "DesiredSize": desired },
        "Tags": ctx.tag_map(Some(name)),
    })
}

#[allow(clippy::too_many_arguments)]
pub(super) fn health_check(
    ctx: &Ctx,
    name: &str,
    fqdn: &str,
    port: i64,
    path: &str,
    https: bool,
    interval: i64,
    threshold: i64,
) -> Value {
    let mut config = Map::new();
    config.insert("Type".into(), json!(if https { "HTTPS" } else { "HTTP" }));
    config.insert("FullyQualifiedDomainName".into(), json!(fqdn));
    config.insert("Port".into(), json!(port));
    config.insert("ResourcePath".into(), json!(path));
    config.insert("RequestInterval".into(), json!(interval));
    config.insert("FailureThreshold".into(), json!(threshold));
    if https {
        config.insert("EnableSNI".into(), json!(true));
    }
    json!({ "HealthCheckConfig": config, "HealthCheckTags": ctx.tags(Some(name)) })
}

/// `example.com` → `example.com.` (Route 53 names are absolute).
fn absolute(name: &str) -> String {
    if name.ends_with('.') {
        name.to_string()
    } else {
        format!("{name}.")
    }
}

pub(super) fn record_set(zone: &str, spec: &RecordSpec) -> Value {
    let mut p = Map::new();
    p.insert("HostedZoneName".into(), json!(absolute(zone)));
    p.insert("Name".into(), json!(absolute(&spec.name)));
    p.insert("Type".into(), json!("CNAME"));
    // `TTL` is a string in AWS::Route53::RecordSet.
    p.insert("TTL".into(), json!(spec.ttl.to_string()));
    p.insert("ResourceRecords".into(), json!([spec.target]));
    p.insert("SetIdentifier".into(), json!(spec.set_identifier));
    p.insert(
        "HealthCheckId".into(),
        json!({ "Ref": crate::plan::pascal(&spec.health_check) }),
    );
    match &spec.routing {
        Routing::Failover { primary } => {
            p.insert("Failover".into(), json!(if *primary { "PRIMARY" } else { "SECONDARY" }));
        }
        Routing::Latency { region } => {
            p.insert("Region".into(), json!(region));
        }
        Routing::Geolocation {
            continent,
            country,
            subdivision,
        } => {
            let mut g = Map::new();
            if let Some(c) = continent {
                g.insert("ContinentCode".into(), json!(c));
            }
            if let Some(c) = country {
                g.insert("CountryCode".into(), json!(c));
            }
            if let Some(s) = subdivision {
                g.insert("SubdivisionCode".into(), json!(s));
            }
            p.insert("GeoLocation".into(), Value::Object(g));
        }
        Routing::Weighted { weight } => {
            p.insert("Weight".into(), json!(weight));
        }
    }
    Value::Object(p)
}

pub(super) fn topic(ctx: &Ctx, name: &str, kms_key: &V) -> Value {
    json!({ "TopicName": name, "KmsMasterKeyId": ctx.v(kms_key), "Tags": ctx.tags(Some(name)) })
}

pub(super) fn topic_policy(ctx: &Ctx, topic: &V, policy: &[Statement]) -> Value {
    json!({ "Topics": [ctx.v(topic)], "PolicyDocument": ctx.policy(policy) })
}

pub(super) fn email_subscription(ctx: &Ctx, topic: &V, address: &str) -> Value {
    json!({ "TopicArn": ctx.v(topic), "Protocol": "email", "Endpoint": address })
}

pub(super) fn alarm(ctx: &Ctx, a: &Alarm) -> Value {
    let topic = ctx.v(&a.topic);
    json!({
        "AlarmName": a.name,
        "AlarmDescription": a.description,
        "Namespace": a.namespace,
        "MetricName": a.metric,
        "Dimensions": a.dimensions.iter().map(|(n, v)| json!({ "Name": n, "Value": ctx.v(v) })).collect::<Vec<_>>(),
        "Statistic": a.statistic,
        "Period": a.period,
        "EvaluationPeriods": a.evaluation_periods,
        "Threshold": a.threshold,
        "ComparisonOperator": a.comparison,
        "TreatMissingData": a.treat_missing,
        "AlarmActions": [topic.clone()],
        "OKActions": [topic],
        "Tags": ctx.tags(Some(&a.name)),
    })
}

pub(super) fn budget(ctx: &Ctx, name: &str, limit_usd: f64, thresholds: &[f64], topic: &V, emails: &[String]) -> Value {
    let mut subscribers = vec![json!({ "SubscriptionType": "SNS", "Address": ctx.v(topic) })];
    subscribers.extend(
        emails
            .iter()
            .map(|e| json!({ "SubscriptionType": "EMAIL", "Address": e })),
    );
    let notifications: Vec<Value> = thresholds
        .iter()
        .map(|t| {
            json!({
                "Notification": {
                    "NotificationType": "ACTUAL",
                    "ComparisonOperator": "GREATER_THAN",
                    "Threshold": t,
                    "ThresholdType": "PERCENTAGE",
                },
                "Subscribers": subscribers,
            })
        })
        .collect();
    json!({
        "Budget": {
            "BudgetName": name,
            "BudgetType": "COST",
            "TimeUnit": "MONTHLY",
            "BudgetLimit": { "Amount": limit_usd, "Unit": "USD" },
        },
        "NotificationsWithSubscribers": notifications,
        "ResourceTags": ctx.tags(Some(name)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route53_names_are_absolute() {
        assert_eq!(absolute("example.com"), "example.com.");
        assert_eq!(absolute("example.com."), "example.com.");
    }
}
