//! The kinds of the `monitoring` layer: topics, alarms, the dashboard and the budget.

use crate::plan::values::{BudgetAlert, Statement, V};

/// One CloudWatch alarm.
#[derive(Clone, Debug, PartialEq)]
pub struct Alarm {
    pub name: String,
    pub description: String,
    pub namespace: String,
    pub metric: String,
    pub dimensions: Vec<(String, V)>,
    pub statistic: String,
    pub period: i64,
    pub evaluation_periods: i64,
    pub threshold: f64,
    /// `GreaterThanThreshold` or `LessThanThreshold`.
    pub comparison: String,
    /// What missing data means: `breaching` or `notBreaching`.
    pub treat_missing: String,
    pub topic: V,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Topic {
    pub name: String,
    pub kms_key: V,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TopicPolicy {
    pub topic: V,
    pub policy: Vec<Statement>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EmailSubscription {
    pub topic: V,
    pub address: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Budget {
    pub name: String,
    pub limit_usd: f64,
    /// One notification each: a percentage of the limit, on actual or forecast spend.
    pub alerts: Vec<BudgetAlert>,
    pub topic: V,
    pub emails: Vec<String>,
}

/// A CloudWatch dashboard: account-wide, created in one region. Its widgets are laid out by the
/// plan, and both backends write [`Dashboard::body`] of them.
#[derive(Clone, Debug, PartialEq)]
pub struct Dashboard {
    pub name: String,
    pub widgets: Vec<crate::plan::dashboard::Widget>,
}

impl Dashboard {
    /// The dashboard body (`DashboardBody`), as one document for both backends.
    pub fn body(&self) -> crate::plan::dashboard::Doc {
        crate::plan::dashboard::body(&self.widgets)
    }
}
