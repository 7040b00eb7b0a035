//! Budget rule MR601, and the monitoring thresholds' order (MR003).

use crate::aws::limits;
use crate::finding::{Finding, RuleId};
use crate::model::{Document, Environment};

pub fn check(env: &Environment, doc: &Document, out: &mut Vec<Finding>) {
    let base = env.section("budget");
    if let Some(b) = &doc.raw.budget {
        if let (Some(soft), Some(hard)) = (b.soft_cap_usd, b.hard_cap_usd) {
            if soft >= hard {
                out.push(Finding::error(
                    RuleId::MR601,
                    base.key("soft-cap-usd"),
                    format!("the soft cap ({soft} USD) is not below the hard cap ({hard} USD)"),
                    "make `soft-cap-usd` smaller than `hard-cap-usd`",
                ));
            }
        }
        if let Some(t) = &b.alert_thresholds {
            if t.len() > limits::BUDGET_MAX_NOTIFICATIONS {
                out.push(Finding::error(
                    RuleId::MR601,
                    base.key("alert-thresholds"),
                    format!(
                        "{} alert thresholds; AWS Budgets allows {} notifications per budget",
                        t.len(),
                        limits::BUDGET_MAX_NOTIFICATIONS
                    ),
                    format!("keep at most {}", limits::BUDGET_MAX_NOTIFICATIONS),
                ));
            }
            for (i, v) in t.iter().enumerate() {
                if *v <= 0.0 {
                    out.push(Finding::error(
                        RuleId::MR601,
                        base.key("alert-thresholds").index(i),
                        format!("alert threshold {v} is not above 0"),
                        "thresholds are percentages of the soft cap, e.g. 50, 80, 100",
                    ));
                }
            }
        }
    }
    let m = &env.monitoring;
    if m.lag_warning_seconds >= m.lag_critical_seconds {
        out.push(Finding::error(
            RuleId::MR003,
            env.section("monitoring").key("replication-lag-warning-seconds"),
            format!(
                "the warning lag ({} s) is not below the critical lag ({} s)",
                m.lag_warning_seconds, m.lag_critical_seconds
            ),
            "make `replication-lag-warning-seconds` smaller than `replication-lag-critical-seconds`",
        ));
    }
}
