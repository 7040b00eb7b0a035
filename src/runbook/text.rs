//! `mrgen runbook ENV`: the scenarios for a person to read.

use super::step::{Arg, Step};
use super::{Kind, Runbook};
use std::fmt::Write;

pub fn render(rb: &Runbook) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Runbook of {}: the writer is in {}; RTO {} s, RPO {} s",
        rb.environment, rb.writer, rb.rto_seconds, rb.rpo_seconds
    );
    if rb.scenarios.is_empty() {
        let _ = writeln!(o, "\nNo scenario: the environment has one region.");
        return o;
    }
    for sc in &rb.scenarios {
        let head = match sc.name {
            Kind::Switchover => format!("switchover to {} (planned, no data loss)", sc.to),
            Kind::Failover => format!(
                "failover to {} ({} is down; writes not yet replicated are lost)",
                sc.to, sc.from
            ),
            Kind::Failback => format!(
                "failback from {} to {} (after a failover to {})",
                sc.from, sc.to, sc.from
            ),
            Kind::Drill => "drill (changes nothing)".into(),
        };
        let _ = writeln!(o, "\n== {head}   script: {}", sc.script_path());
        if sc.name != Kind::Drill {
            let over = if sc.rto_estimate_seconds as i64 > rb.rto_seconds {
                "  OVER THE RTO (MR509)"
            } else {
                ""
            };
            let _ = writeln!(o, "   estimated: {}{over}", sc.rto_estimate.sum());
        }
        for (i, s) in sc.steps.iter().enumerate() {
            step(&mut o, i + 1, s);
        }
    }
    o
}

fn step(o: &mut String, n: usize, s: &Step) {
    let tag = if s.manual {
        "by hand"
    } else if s.changes {
        "change"
    } else if s.sets.is_some() {
        "look up"
    } else if s.warn_only {
        "check (warns)"
    } else if s.timeout_seconds.unwrap_or(0) > 0 {
        "wait"
    } else if s.until.is_some() {
        "check"
    } else {
        "read"
    };
    let _ = writeln!(o, "{n:>4}. {} [{tag}]", s.title);
    if let Some(c) = s.call() {
        let mut line = format!("aws --region {} {} {}", c.region, c.service, c.operation);
        if let Some(w) = &s.waiter {
            let _ = write!(line, " {w}");
        }
        for (k, v) in &c.parameters.0 {
            match v {
                Arg::Flag => {
                    let _ = write!(line, " --{k}");
                }
                Arg::Str(x) => {
                    let _ = write!(line, " --{k} {x}");
                }
                Arg::Int(x) => {
                    let _ = write!(line, " --{k} {x}");
                }
                Arg::Json(x) => {
                    let _ = write!(line, " --{k} '{}'", serde_json::to_string(x).unwrap_or_default());
                }
            }
        }
        let _ = writeln!(o, "        {line}");
    }
    if let Some(u) = &s.until {
        match s.timeout_seconds.unwrap_or(0) {
            0 => {
                let _ = writeln!(o, "        until: {u}");
            }
            t => {
                let _ = writeln!(o, "        until: {u}   (at most {t} s)");
            }
        }
    }
    if let (Some(q), Some(v)) = (&s.query, &s.sets) {
        let _ = writeln!(o, "        keeps {q} as ${{{v}}}");
    } else if let Some(q) = &s.query {
        let _ = writeln!(o, "        shows {q}");
    }
    if let Some(d) = &s.skip_when {
        let _ = writeln!(
            o,
            "        skipped when: {} (aws {} {})",
            d.until, d.call.service, d.call.operation
        );
    }
}

/// The recovery estimate of each switchover and failover, as `plan` prints it.
pub fn estimates(rb: &Runbook) -> String {
    let mut o = String::new();
    let moves: Vec<_> = rb
        .scenarios
        .iter()
        .filter(|s| matches!(s.name, Kind::Switchover | Kind::Failover))
        .collect();
    if moves.is_empty() {
        return o;
    }
    let _ = writeln!(
        o,
        "\nRecovery estimates (RTO {} s; `mrgen runbook {}` lists the steps):",
        rb.rto_seconds, rb.environment
    );
    for sc in moves {
        let over = if sc.rto_estimate_seconds as i64 > rb.rto_seconds {
            "  over the RTO (MR509)"
        } else {
            ""
        };
        let _ = writeln!(o, "  {} to {}: {}{over}", sc.name.name(), sc.to, sc.rto_estimate.sum());
    }
    o
}

/// The same, for `plan --json`.
pub fn estimates_json(rb: &Runbook) -> serde_json::Value {
    serde_json::Value::Array(
        rb.scenarios
            .iter()
            .filter(|s| matches!(s.name, Kind::Switchover | Kind::Failover))
            .map(|s| {
                serde_json::json!({
                    "scenario": s.name.name(),
                    "from": s.from,
                    "to": s.to,
                    "rto-estimate-seconds": s.rto_estimate_seconds,
                    "terms": s.rto_estimate.terms,
                })
            })
            .collect(),
    )
}
