//! The monitoring layer's kinds in Terraform: the encrypted alarm topic, its policy and email
//! subscriptions, CloudWatch alarms and the dashboard, and the account's monthly budget.

use super::super::hcl::Obj;
use super::super::templates as t;
use super::super::Cx;
use super::{arn_only, policy, Block, Common, TfKind};
use crate::plan::kinds::*;
use crate::plan::{Attr, Doc, Resource, Stack};
use minijinja::value::Value;
use serde::Serialize;

/// `topic.tf.j2`.
#[derive(Serialize)]
struct TopicContext {
    #[serde(flatten)]
    common: Common,
    topic_name: String,
    kms_key: Value,
}

impl TfKind for Topic {
    fn tf_type(&self) -> &'static str {
        "aws_sns_topic"
    }
    fn ref_attr(&self) -> &'static str {
        "arn"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = TopicContext {
            common: Common::new(cx, stack, r, self)?,
            topic_name: self.name.clone(),
            kms_key: cx.value(stack, &self.kms_key)?,
        };
        Block::new(t::TOPIC, &context)
    }
}

/// `topic_policy.tf.j2`.
#[derive(Serialize)]
struct TopicPolicyContext {
    #[serde(flatten)]
    common: Common,
    topic: Value,
    policy: Value,
}

impl TfKind for TopicPolicy {
    fn tf_type(&self) -> &'static str {
        "aws_sns_topic_policy"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = TopicPolicyContext {
            common: Common::new(cx, stack, r, self)?,
            topic: cx.value(stack, &self.topic)?,
            policy: policy(cx, stack, &self.policy)?,
        };
        Block::new(t::TOPIC_POLICY, &context)
    }
}

/// `email_subscription.tf.j2`.
#[derive(Serialize)]
struct EmailSubscriptionContext {
    #[serde(flatten)]
    common: Common,
    topic: Value,
    address: String,
}

impl TfKind for EmailSubscription {
    fn tf_type(&self) -> &'static str {
        "aws_sns_topic_subscription"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = EmailSubscriptionContext {
            common: Common::new(cx, stack, r, self)?,
            topic: cx.value(stack, &self.topic)?,
            address: self.address.clone(),
        };
        Block::new(t::EMAIL_SUBSCRIPTION, &context)
    }
}

/// `alarm.tf.j2`.
#[derive(Serialize)]
struct AlarmContext {
    #[serde(flatten)]
    common: Common,
    alarm_name: String,
    description: String,
    namespace: String,
    metric: String,
    /// Dimension name → value, in the plan's order, keys quoted.
    dimensions: Value,
    statistic: String,
    period: i64,
    evaluation_periods: i64,
    threshold: f64,
    comparison: String,
    treat_missing: String,
    topic: Value,
}

impl TfKind for Alarm {
    fn tf_type(&self) -> &'static str {
        "aws_cloudwatch_metric_alarm"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let mut dimensions = Obj::quoted();
        for (k, v) in &self.dimensions {
            dimensions.put(k, cx.value(stack, v)?);
        }
        let context = AlarmContext {
            common: Common::new(cx, stack, r, self)?,
            alarm_name: self.name.clone(),
            description: self.description.clone(),
            namespace: self.namespace.clone(),
            metric: self.metric.clone(),
            dimensions: dimensions.value(),
            statistic: self.statistic.clone(),
            period: self.period,
            evaluation_periods: self.evaluation_periods,
            threshold: self.threshold,
            comparison: self.comparison.clone(),
            treat_missing: self.treat_missing.clone(),
            topic: cx.value(stack, &self.topic)?,
        };
        Block::new(t::ALARM, &context)
    }
}

/// `dashboard.tf.j2`.
#[derive(Serialize)]
struct DashboardContext {
    #[serde(flatten)]
    common: Common,
    dashboard_name: String,
    /// The body as an HCL object, for `jsonencode`.
    body: Value,
}

impl TfKind for Dashboard {
    fn tf_type(&self) -> &'static str {
        "aws_cloudwatch_dashboard"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        match a {
            Attr::Arn => Some("dashboard_arn"),
            other => arn_only(other),
        }
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        // The widgets are written through the body, the document both backends write.
        let Dashboard { name, widgets: _ } = self;
        let context = DashboardContext {
            common: Common::new(cx, stack, r, self)?,
            dashboard_name: name.clone(),
            body: doc(cx, stack, &self.body())?,
        };
        Block::new(t::DASHBOARD, &context)
    }
}

/// A document as an HCL value: objects keep the document's (sorted) key order, which is also
/// the order `jsonencode` writes them in.
fn doc<'a>(cx: &Cx<'a>, stack: &'a Stack, d: &Doc) -> Result<Value, String> {
    Ok(match d {
        Doc::Leaf(v) => cx.value(stack, v)?,
        Doc::List(items) => Value::from(items.iter().map(|i| doc(cx, stack, i)).collect::<Result<Vec<_>, _>>()?),
        Doc::Map(entries) => {
            let mut o = Obj::new();
            for (k, v) in entries {
                o.put(k, doc(cx, stack, v)?);
            }
            o.value()
        }
    })
}

/// One `notification` block of `budget.tf.j2`.
#[derive(Serialize)]
struct BudgetAlertContext {
    percent: f64,
    kind: &'static str,
}

/// `budget.tf.j2`.
#[derive(Serialize)]
struct BudgetContext {
    #[serde(flatten)]
    common: Common,
    budget_name: String,
    /// The amount in USD as Budgets writes it (`500`, `12.5`).
    limit: String,
    /// One notification each: `percent` of the limit, on `ACTUAL` or `FORECASTED` spend.
    alerts: Vec<BudgetAlertContext>,
    topic: Value,
    emails: Vec<String>,
}

impl TfKind for Budget {
    fn tf_type(&self) -> &'static str {
        "aws_budgets_budget"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let limit = if self.limit_usd.fract() == 0.0 {
            format!("{}", self.limit_usd as i64)
        } else {
            format!("{}", self.limit_usd)
        };
        let context = BudgetContext {
            common: Common::new(cx, stack, r, self)?,
            budget_name: self.name.clone(),
            limit,
            alerts: self
                .alerts
                .iter()
                .map(|a| BudgetAlertContext {
                    percent: a.percent,
                    kind: a.notification_type(),
                })
                .collect(),
            topic: cx.value(stack, &self.topic)?,
            emails: self.emails.clone(),
        };
        Block::new(t::BUDGET, &context)
    }
}
