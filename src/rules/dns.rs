//! Route 53 and failover-promise rules: MR501/MR502 health-check settings, MR503 the RTO, MR504
//! RPO 0 over asynchronous replication, MR505–MR508 routing records; also the shape checks of
//! record fields that depend on the policy (MR002/MR005) and of the health-check path (MR003).

use crate::aws::{aurora, regions, route53};
use crate::estimate::{self, record_ttl};
use crate::finding::{Finding, RuleId};
use crate::model::raw::{MskReplication, Policy};
use crate::model::{Document, Environment};
use crate::suggest;

pub fn check(env: &Environment, doc: &Document, out: &mut Vec<Finding>) {
    let interval = &env.health_check_interval;
    let threshold = &env.health_check_threshold;
    let interval_ok = route53::HEALTH_CHECK_INTERVALS.contains(&(interval.value as u32)) && interval.value >= 0;
    if !interval_ok {
        out.push(Finding::error(
            RuleId::MR501,
            interval.path.clone(),
            format!(
                "a Route 53 health check runs every 10 or 30 seconds, not {}",
                interval.value
            ),
            "use 10 (fast, billed extra) or 30",
        ));
    }
    let threshold_ok = (i64::from(route53::FAILURE_THRESHOLD_MIN)..=i64::from(route53::FAILURE_THRESHOLD_MAX))
        .contains(&threshold.value);
    if !threshold_ok {
        out.push(Finding::error(
            RuleId::MR502,
            threshold.path.clone(),
            format!(
                "`health-check-failure-threshold` is {}; Route 53 accepts 1 to 10",
                threshold.value
            ),
            "use a value from 1 to 10 (3 is Route 53's default)",
        ));
    }

    let global = env.regions.len() > 1;
    if global && interval_ok && threshold_ok {
        // MR509 adds to MR503's terms: said once MR503 holds, not beside it.
        if rto(env, out) {
            recovery(env, out);
        }
    }

    // MR504: RPO 0 cannot be promised over asynchronous replication.
    let asynchronous: Vec<&str> = [
        env.aurora.as_ref().map(|_| "Aurora Global Database"),
        env.redis.as_ref().map(|_| "ElastiCache Global Datastore"),
        env.msk
            .as_ref()
            .filter(|m| m.replication.value == MskReplication::MskReplicator)
            .map(|_| "MSK Replicator"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let enforced = env.aurora.as_ref().filter(|a| a.enforce_rpo.value);
    if let (true, 0, Some(a)) = (global, env.rpo_minutes.value, enforced) {
        out.push(Finding::error(
            RuleId::MR504,
            env.rpo_minutes.path.clone(),
            format!(
                "RPO 0 cannot be enforced: Aurora's managed RPO (`rds.global_db_rpo`, set by `{}`) holds {} seconds at least",
                a.enforce_rpo.path,
                aurora::GLOBAL_DB_RPO_MIN_SECONDS
            ),
            "promise `failover-rpo-minutes: 1`, or set `aurora.enforce-rpo: false`",
        ));
    } else if global && env.rpo_minutes.value == 0 && !asynchronous.is_empty() {
        out.push(Finding::warning(
            RuleId::MR504,
            env.rpo_minutes.path.clone(),
            format!(
                "RPO 0 is promised, but {} replicate asynchronously: an unplanned failover can lose the last seconds of writes",
                asynchronous.join(", ")
            ),
            "promise `failover-rpo-minutes: 1` (Aurora Global Database typically lags under a second)",
        ));
    }

    records(env, doc, out);
}

/// MR509: the slowest failover's estimate against the RTO.
fn recovery(env: &Environment, out: &mut Vec<Finding>) {
    let worst = env
        .readers()
        .map(|r| {
            (
                r.code.as_str(),
                estimate::scenario(env, estimate::Case::Failover, &r.code),
            )
        })
        .max_by_key(|(_, e)| e.total_seconds);
    let Some((target, est)) = worst else { return };
    let rto = env.rto_minutes.value * 60;
    if est.total_seconds as i64 <= rto {
        return;
    }
    let minutes = est.total_seconds.div_ceil(60);
    out.push(Finding::warning(
        RuleId::MR509,
        env.rto_minutes.path.clone(),
        format!(
            "a failover to {target} is estimated at {} s, over the RTO of {rto} s: {}",
            est.total_seconds,
            est.sum()
        ),
        format!(
            "promise `failover-rto-minutes: {minutes}`, or shorten a term (faster health checks; `eks-desired-nodes` in `{}-dr` as in `{}`, so that no node has to start); `mrgen runbook {}` shows each scenario's estimate",
            env.name, env.name, env.name
        ),
    ));
}

/// MR503; true when detection and TTL fit in the RTO.
fn rto(env: &Environment, out: &mut Vec<Finding>) -> bool {
    let i = env.health_check_interval.value;
    let t = env.health_check_threshold.value;
    let (ttl, alias) = record_ttl(env);
    let rto = env.rto_minutes.value;
    let detect = i * t;
    let total = detect + ttl;
    if total <= rto * 60 {
        return true;
    }
    let budget = rto * 60;
    // A setting that meets it: the fastest interval and the largest threshold that fit,
    // keeping the TTL when it leaves room, else TTL 30 s (an alias record's TTL is fixed).
    let ttls: &[i64] = if alias { &[ttl] } else { &[ttl, 30, 10] };
    let suggestion = ttls.iter().find_map(|&ttl2| {
        (1..=10).rev().find(|&t2| 10 * t2 + ttl2 <= budget).map(|t2| {
            let ttl_key = if alias {
                String::new()
            } else {
                format!(", dns-ttl-seconds: {ttl2}")
            };
            format!(
                "health-check-interval: 10, health-check-failure-threshold: {t2}{ttl_key} ({} s)",
                10 * t2 + ttl2
            )
        })
    });
    let ttl_what = if alias {
        "DNS TTL (the load balancer alias records' own)"
    } else {
        "DNS TTL"
    };
    let minutes = (total + 59) / 60;
    let mut help = match suggestion {
        Some(s) => format!("{s}; or promise `failover-rto-minutes: {minutes}`"),
        None => format!("promise `failover-rto-minutes: {minutes}`"),
    };
    if alias {
        help.push_str("; or give `route53.endpoints` of your own (CNAME records take `dns-ttl-seconds`)");
    }
    out.push(Finding::error(
        RuleId::MR503,
        env.rto_minutes.path.clone(),
        format!(
            "the RTO cannot be met: {i} s × {t} = {detect} s to detect + {ttl} s {ttl_what} = {total} s > RTO {} s",
            rto * 60
        ),
        help,
    ));
    false
}

fn region_key_ok(env: &Environment, code: &str, path: &crate::path::KeyPath, out: &mut Vec<Finding>) -> bool {
    if regions::find(code).is_none() {
        let dym = suggest::did_you_mean(code, regions::codes());
        out.push(Finding::error(
            RuleId::MR101,
            path.clone(),
            format!("unknown region code `{code}`"),
            if dym.is_empty() {
                "use one of this environment's regions".into()
            } else {
                dym
            },
        ));
        return false;
    }
    if !env.regions.iter().any(|r| r.code == code) {
        let listed = env.listed_secondaries.iter().any(|(c, _)| c == code);
        if !listed {
            out.push(Finding::error(
                RuleId::MR003,
                path.clone(),
                format!("`{code}` is not one of this environment's regions"),
                format!(
                    "use one of: {}",
                    env.regions
                        .iter()
                        .map(|r| r.code.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        return false;
    }
    true
}

fn records(env: &Environment, doc: &Document, out: &mut Vec<Finding>) {
    let Some(r53) = &doc.raw.route53 else { return };
    let base = env.section("route53");
    if let Some(endpoints) = &r53.endpoints {
        for (code, host) in endpoints {
            let p = base.key("endpoints").key(code.as_str());
            region_key_ok(env, code, &p, out);
            if !valid_host(host) {
                out.push(Finding::error(
                    RuleId::MR003,
                    p,
                    format!("`{host}` is not a host name"),
                    "give a DNS name such as `ap-northeast-1.api.example.com`",
                ));
            }
        }
    }
    if let Some(path) = r53.health_check.as_ref().and_then(|h| h.path.as_ref()) {
        if !path.starts_with('/')
            || path.chars().count() > 255
            || path.chars().any(char::is_control)
            || path.contains("{{resolve:")
        {
            out.push(Finding::error(
                RuleId::MR003,
                base.key("health-check").key("path"),
                "the health-check path must start with `/`, have at most 255 characters, no control characters and no `{{resolve:`",
                "e.g. `/health`",
            ));
        }
    }
    let global = env.regions.len() > 1;
    for (i, rec) in r53.records.iter().flatten().enumerate() {
        let rp = base.key("records").index(i);
        if !valid_host(rec.name.trim_end_matches('.')) {
            out.push(Finding::error(
                RuleId::MR003,
                rp.key("name"),
                format!("`{}` is not a record name", rec.name),
                "use a DNS label such as `api`",
            ));
        }
        if rec.policy != Policy::Weighted && rec.weights.is_some() {
            out.push(Finding::error(
                RuleId::MR002,
                rp.key("weights"),
                "`weights` belongs to weighted records only",
                "remove it, or set `policy: weighted`",
            ));
        }
        if rec.policy != Policy::Geolocation && rec.locations.is_some() {
            out.push(Finding::error(
                RuleId::MR002,
                rp.key("locations"),
                "`locations` belongs to geolocation records only",
                "remove it, or set `policy: geolocation`",
            ));
        }
        match rec.policy {
            Policy::Failover if !global => out.push(Finding::error(
                RuleId::MR505,
                rp.key("policy"),
                format!(
                    "the failover record `{}` needs a secondary region to fail over to",
                    rec.name
                ),
                "add `regions.secondary` (with DR enabled), or use another policy",
            )),
            Policy::Weighted => match &rec.weights {
                None => out.push(Finding::error(
                    RuleId::MR005,
                    rp.key("weights"),
                    format!("the weighted record `{}` needs `weights`", rec.name),
                    "give `weights: {<region>: 0..255}`",
                )),
                Some(w) => {
                    let mut all_zero = !w.is_empty();
                    for (code, weight) in w {
                        let wp = rp.key("weights").key(code.as_str());
                        region_key_ok(env, code, &wp, out);
                        if *weight < 0 || *weight > i64::from(route53::WEIGHT_MAX) {
                            out.push(Finding::error(
                                RuleId::MR506,
                                wp,
                                format!("weight {weight} is outside 0..{}", route53::WEIGHT_MAX),
                                format!("use 0 to {}", route53::WEIGHT_MAX),
                            ));
                        }
                        if *weight != 0 {
                            all_zero = false;
                        }
                    }
                    if all_zero {
                        out.push(Finding::warning(
                            RuleId::MR506,
                            rp.key("weights"),
                            "every weight is 0: Route 53 then splits traffic evenly",
                            "give the regions that should take traffic a weight above 0",
                        ));
                    }
                }
            },
            Policy::Geolocation => {
                match &rec.locations {
                    None => out.push(Finding::error(
                        RuleId::MR005,
                        rp.key("locations"),
                        format!("the geolocation record `{}` needs `locations`", rec.name),
                        "give `locations: {<region>: [TW, continent:EU, \"*\"]}`",
                    )),
                    Some(locs) => {
                        let mut has_default = false;
                        let mut seen: Vec<&str> = Vec::new();
                        for (code, list) in locs {
                            let lp = rp.key("locations").key(code.as_str());
                            region_key_ok(env, code, &lp, out);
                            for (j, loc) in list.iter().enumerate() {
                                let ip = lp.index(j);
                                if loc == "*" {
                                    has_default = true;
                                }
                                if !route53::geolocation_code_valid(loc) {
                                    let dym = suggest::did_you_mean(loc, route53::COUNTRY_CODES.iter().copied());
                                    out.push(Finding::error(
                                    RuleId::MR508,
                                    ip,
                                    format!("`{loc}` is not a Route 53 geolocation code"),
                                    format!(
                                        "use an ISO 3166-1 alpha-2 country (`TW`), `continent:EU` (AF, AN, AS, EU, NA, OC, SA), a US state (`US-CA`) or `*`{}",
                                        if dym.is_empty() { String::new() } else { format!("; {dym}") }
                                    ),
                                ));
                                } else if seen.contains(&loc.as_str()) {
                                    out.push(Finding::error(
                                        RuleId::MR003,
                                        ip,
                                        format!("the location `{loc}` is given twice"),
                                        "give each location to one region",
                                    ));
                                }
                                seen.push(loc);
                            }
                        }
                        if !has_default {
                            out.push(Finding::warning(
                            RuleId::MR507,
                            rp.key("locations"),
                            format!("the geolocation record `{}` has no default location: users elsewhere get no answer", rec.name),
                            "add `\"*\"` to one region's locations",
                        ));
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// A DNS name: labels of letters, digits and hyphens (not at either end), at most 63 characters
/// each, 253 in all; `*` allowed as the first label.
pub fn valid_host(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').enumerate().all(|(i, l)| {
            (i == 0 && l == "*")
                || (!l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert!(valid_host("api"));
        assert!(valid_host("ap-northeast-1.example.com"));
        assert!(!valid_host("a..b"));
        assert!(!valid_host("-a"));
        assert!(!valid_host("a b"));
        assert!(!valid_host(""));
    }
}
