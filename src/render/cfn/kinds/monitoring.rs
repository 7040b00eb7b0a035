//! Monitoring as CloudFormation resources: the encrypted alert topic, its policy and e-mail
//! subscriptions, the CloudWatch alarms, and the monthly cost budget.

use super::CfnKind;
use crate::plan::kinds::*;
use crate::plan::{Attr, BudgetAlert, V};
use crate::render::cfn::value::{plain, Ctx};
use serde_json::{json, Value};

impl CfnKind for Topic {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::SNS::Topic")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let Topic { name, kms_key } = self;
        json!({ "TopicName": name, "KmsMasterKeyId": ctx.v(kms_key), "Tags": ctx.tags(Some(name)) })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        match a {
            Attr::Arn => Some("TopicArn"),
            other => plain(other),
        }
    }
}

impl CfnKind for TopicPolicy {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::SNS::TopicPolicy")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let TopicPolicy { topic, policy } = self;
        json!({ "Topics": [ctx.v(topic)], "PolicyDocument": ctx.policy(policy) })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

impl CfnKind for EmailSubscription {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::SNS::Subscription")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let EmailSubscription { topic, address } = self;
        json!({ "TopicArn": ctx.v(topic), "Protocol": "email", "Endpoint": address })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

impl CfnKind for Alarm {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::CloudWatch::Alarm")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let Alarm {
            name,
            description,
            namespace,
            metric,
            dimensions,
            statistic,
            period,
            evaluation_periods,
            threshold,
            comparison,
            treat_missing,
            topic,
        } = self;
        let topic = ctx.v(topic);
        let dimensions: Vec<Value> = dimensions
            .iter()
            .map(|(n, v)| json!({ "Name": n, "Value": ctx.v(v) }))
            .collect();
        json!({
            "AlarmName": name,
            "AlarmDescription": description,
            "Namespace": namespace,
            "MetricName": metric,
            "Dimensions": dimensions,
            "Statistic": statistic,
            "Period": period,
            "EvaluationPeriods": evaluation_periods,
            "Threshold": threshold,
            "ComparisonOperator": comparison,
            "TreatMissingData": treat_missing,
            "AlarmActions": [topic.clone()],
            "OKActions": [topic],
            "Tags": ctx.tags(Some(name)),
        })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

/// One notification per threshold (a percentage of the limit, actual spend), each to the topic
/// and the e-mail addresses.
fn notifications(ctx: &Ctx, alerts: &[BudgetAlert], topic: &V, emails: &[String]) -> Vec<Value> {
    let mut subscribers = vec![json!({ "SubscriptionType": "SNS", "Address": ctx.v(topic) })];
    subscribers.extend(
        emails
            .iter()
            .map(|e| json!({ "SubscriptionType": "EMAIL", "Address": e })),
    );
    alerts
        .iter()
        .map(|a| {
            json!({
                "Notification": {
                    "NotificationType": a.notification_type(),
                    "ComparisonOperator": "GREATER_THAN",
                    "Threshold": a.percent,
                    "ThresholdType": "PERCENTAGE",
                },
                "Subscribers": subscribers,
            })
        })
        .collect()
}

impl CfnKind for Budget {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::Budgets::Budget")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let Budget {
            name,
            limit_usd,
            alerts,
            topic,
            emails,
        } = self;
        json!({
            "Budget": {
                "BudgetName": name,
                "BudgetType": "COST",
                "TimeUnit": "MONTHLY",
                "BudgetLimit": { "Amount": limit_usd, "Unit": "USD" },
            },
            "NotificationsWithSubscribers": notifications(ctx, alerts, topic, emails),
            "ResourceTags": ctx.tags(Some(name)),
        })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}
