//! Monitoring as CloudFormation resources: the encrypted alert topic, its policy and e-mail
//! subscriptions, the CloudWatch alarms and dashboard, and the monthly cost budget.

use super::CfnKind;
use crate::plan::kinds::*;
use crate::plan::{Attr, BudgetAlert, Doc, V};
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

impl CfnKind for Dashboard {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::CloudWatch::Dashboard")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        // The widgets are written through the body, the document both backends write.
        let Dashboard { name, widgets: _ } = self;
        json!({ "DashboardName": name, "DashboardBody": json_text(ctx, &self.body()) })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

/// A document as compact JSON text: a string when every leaf is a literal; else `Fn::Join` of
/// the text around each reference (no `Fn::Sub`: nothing in the text is interpolated).
fn json_text(ctx: &Ctx, doc: &Doc) -> Value {
    let mut parts: Vec<Value> = Vec::new();
    let mut text = String::new();
    write_json(ctx, doc, &mut text, &mut parts);
    if parts.is_empty() {
        return Value::String(text);
    }
    parts.push(Value::String(text));
    json!({ "Fn::Join": ["", parts] })
}

fn write_json(ctx: &Ctx, doc: &Doc, text: &mut String, parts: &mut Vec<Value>) {
    match doc {
        Doc::Map(entries) => {
            text.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                text.push_str(&Value::String(k.clone()).to_string());
                text.push(':');
                write_json(ctx, v, text, parts);
            }
            text.push('}');
        }
        Doc::List(items) => {
            text.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                write_json(ctx, v, text, parts);
            }
            text.push(']');
        }
        Doc::Leaf(v) => match ctx.v(v) {
            // A reference (to a parameter, or another stack's output) to a text value.
            reference @ Value::Object(_) => {
                text.push('"');
                parts.push(Value::String(std::mem::take(text)));
                parts.push(reference);
                text.push('"');
            }
            literal => text.push_str(&literal.to_string()),
        },
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
