//! Budget rules MR601 and MR602, and the monitoring thresholds' order (MR003).

use crate::aws::limits;
use crate::aws::prices::Prices;
use crate::cost::{self, text::usd};
use crate::finding::{Finding, RuleId};
use crate::model::{Document, Environment};
use crate::plan::Plan;

/// MR602: the estimate (SPEC section 5.3, at the compiled prices unless `mrgen cost` was given
/// a price file) against the caps.
pub fn estimate(env: &Environment, plan: &Plan, prices: &Prices, out: &mut Vec<Finding>) {
    let Some(b) = &env.budget else {
        return;
    };
    let e = cost::estimate(env, plan, prices);
    let over = |cap: Option<f64>| cap.filter(|c| e.monthly_total > *c);
    let (hard, key, cap) = match (over(b.hard_cap_usd), over(b.soft_cap_usd)) {
        (Some(cap), _) => (true, "hard-cap-usd", cap),
        (None, Some(cap)) => (false, "soft-cap-usd", cap),
        (None, None) => return,
    };
    let largest: Vec<String> = e
        .largest()
        .iter()
        .take(3)
        .map(|(region, i, monthly)| format!("{} {} in {region} ({} USD)", i.component, i.label(), usd(*monthly)))
        .collect();
    let missing = e.unpriced().count();
    let estimate = if e.complete {
        format!("{} USD", usd(e.monthly_total))
    } else {
        format!("at least {} USD ({missing} items have no price)", usd(e.monthly_total))
    };
    let message = format!(
        "the monthly estimate, {estimate}, is above the {} cap of {} USD; the largest items: {}",
        if hard { "hard" } else { "soft" },
        usd(cap),
        largest.join(", ")
    );
    let help = format!(
        "raise `{key}` to at least {}, or make the environment smaller; `mrgen cost {}` itemises the estimate",
        e.monthly_total.ceil(),
        env.name
    );
    let path = env.section("budget").key(key);
    out.push(if hard {
        Finding::error(RuleId::MR602, path, message, help)
    } else {
        Finding::warning(RuleId::MR602, path, message, help)
    });
}

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
