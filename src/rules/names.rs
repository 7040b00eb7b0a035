//! Naming and free-text rules: MR701 the `environment` key must name this environment, MR702
//! every generated identifier within its AWS limit, MR703 tags within AWS tag rules; also the
//! MR003 formats of `account`, `domain`, the maintenance window and MSK topic patterns.

use crate::aws::limits::{self, NameLimit};
use crate::finding::{Finding, RuleId};
use crate::model::{Document, Environment};
use crate::plan::{Kind, Plan};
use std::collections::BTreeMap;

pub fn check(env: &Environment, doc: &Document, out: &mut Vec<Finding>) {
    if let Some(e) = &doc.raw.environment {
        if *e != env.name {
            out.push(Finding::error(
                RuleId::MR701,
                env.section("environment"),
                format!("this file is for the environment `{e}`, not `{}`", env.name),
                format!("run `mrgen … {e}`, or set `environment: {}`", env.name),
            ));
        }
    }
    if let Some(a) = &env.account {
        if a.len() != 12 || !a.chars().all(|c| c.is_ascii_digit()) {
            out.push(Finding::error(
                RuleId::MR003,
                env.section("account"),
                format!("`{a}` is not a 12-digit AWS account id"),
                "write the 12 digits as a string, e.g. \"123456789012\"",
            ));
        }
    }
    if let Some(d) = &env.domain {
        if !super::dns::valid_host(d.trim_end_matches('.')) || !d.contains('.') {
            out.push(Finding::error(
                RuleId::MR003,
                env.section("domain"),
                format!("`{d}` is not a domain name"),
                "give the apex domain, e.g. `example.com`",
            ));
        }
    }
    if let Some(r) = &env.redis {
        let w = &r.maintenance_window;
        if !maintenance_window_ok(&w.value) {
            out.push(Finding::error(
                RuleId::MR003,
                w.path.clone(),
                format!("`{}` is not a maintenance window", w.value),
                "write `ddd:hh:mm-ddd:hh:mm` in UTC, e.g. `sun:05:00-sun:06:00`",
            ));
        }
    }
    // Free-text values that reach templates: their shapes, whatever other rules say of them.
    let shape = |v: &str, prefix: &str| {
        v.starts_with(prefix)
            && v.len() <= 64
            && v.split('.').count() >= 3
            && v.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
    };
    if let Some(a) = &env.aurora {
        let c = &a.instance_class;
        bad_shape(
            out,
            shape(&c.value, "db."),
            &c.path,
            &c.value,
            "an RDS instance class",
            "db.r6g.large",
        );
        let name = &a.database_name;
        let name_ok = name.len() <= 63
            && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        bad_shape(
            out,
            name_ok,
            &env.section("aurora").key("database-name"),
            name,
            "a PostgreSQL database name (letters, digits, `_`; at most 63)",
            "app",
        );
        let v = &a.engine_version;
        let v_ok = !v.value.is_empty() && v.value.chars().all(|c| c.is_ascii_digit() || c == '.');
        bad_shape(out, v_ok, &v.path, &v.value, "an Aurora PostgreSQL version", "16.6");
    }
    if let Some(r) = &env.redis {
        let n = &r.node_type;
        bad_shape(
            out,
            shape(&n.value, "cache."),
            &n.path,
            &n.value,
            "an ElastiCache node type",
            "cache.r7g.large",
        );
        let v = &r.engine_version;
        let v_ok = !v.value.is_empty() && v.value.chars().all(|c| c.is_ascii_digit() || c == '.');
        bad_shape(out, v_ok, &v.path, &v.value, "an engine version", "7.2");
    }
    if let Some(m) = &env.msk {
        let t = &m.broker_instance_type;
        let ok = shape(&t.value, "kafka.") || shape(&t.value, "express.");
        bad_shape(
            out,
            ok,
            &t.path,
            &t.value,
            "an MSK broker instance type",
            "kafka.m5.large",
        );
        let v = &m.kafka_version;
        let v_ok = !v.value.is_empty()
            && v.value.len() <= 32
            && v.value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.');
        bad_shape(out, v_ok, &v.path, &v.value, "a Kafka version", "3.8.x");
    }
    if let Some(e) = &env.eks {
        let arm = e
            .instance_types
            .iter()
            .filter(|t| crate::aws::eks::is_graviton(t))
            .count();
        if arm > 0 && arm < e.instance_types.len() {
            out.push(Finding::error(
                RuleId::MR003,
                env.section("eks").key("instance-types"),
                "the instance types mix Graviton (arm64) and x86_64: one managed node group runs one architecture",
                "list only Graviton types (m7g.large, …) or only x86_64 types (m6i.large, …)",
            ));
        }
        for (i, t) in e.instance_types.iter().enumerate() {
            let ok = t.len() <= 32
                && t.split('.').count() == 2
                && t.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-');
            bad_shape(
                out,
                ok,
                &env.section("eks").key("instance-types").index(i),
                t,
                "an EC2 instance type",
                "m6i.large",
            );
        }
    }
    for (i, email) in env.monitoring.alarm_emails.iter().enumerate() {
        let ok = email.len() <= 254
            && email.split('@').count() == 2
            && email.split('@').all(|p| !p.is_empty())
            && email.rsplit('@').next().is_some_and(|d| d.contains('.'))
            && !email
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "\"'<>,;()[]`$".contains(c));
        bad_shape(
            out,
            ok,
            &env.section("monitoring").key("alarm-emails").index(i),
            email,
            "an e-mail address",
            "oncall@example.com",
        );
    }
    if let Some(m) = &env.msk {
        for t in &m.topics {
            // `{{resolve:` would make CloudFormation read a secret into the property.
            if t.value.is_empty()
                || t.value.chars().count() > 249
                || t.value.chars().any(char::is_control)
                || t.value.contains("{{resolve:")
            {
                out.push(Finding::error(
                    RuleId::MR003,
                    t.path.clone(),
                    "a topic pattern must have 1 to 249 characters, no control characters and no `{{resolve:`",
                    "write a regular expression such as `orders\\..*`",
                ));
            }
        }
    }

    // MR703: tags.
    let base = env.section("tags");
    for (k, v) in &env.tags {
        let p = base.key(k.as_str());
        let klen = k.chars().count();
        if klen == 0 || klen > limits::TAG_KEY_MAX {
            out.push(Finding::error(
                RuleId::MR703,
                p.clone(),
                format!(
                    "the tag key `{k}` has {klen} characters; AWS allows 1 to {}",
                    limits::TAG_KEY_MAX
                ),
                "shorten the key",
            ));
        } else if k.to_lowercase().starts_with("aws:") {
            out.push(Finding::error(
                RuleId::MR703,
                p.clone(),
                format!("the tag key `{k}` starts with `aws:`, which AWS reserves"),
                "drop the `aws:` prefix",
            ));
        } else if let Some(c) = k.chars().find(|c| !limits::tag_char_allowed(*c)) {
            out.push(Finding::error(
                RuleId::MR703,
                p.clone(),
                format!(
                    "the tag key `{k}` holds `{}`, which some services (RDS, ElastiCache, MSK) refuse",
                    c.escape_default()
                ),
                "use letters, digits, spaces and `_ . : / = + - @` only",
            ));
        }
        let vlen = v.chars().count();
        if vlen > limits::TAG_VALUE_MAX {
            out.push(Finding::error(
                RuleId::MR703,
                p.clone(),
                format!(
                    "the value of tag `{k}` has {vlen} characters; AWS allows {}",
                    limits::TAG_VALUE_MAX
                ),
                "shorten the value",
            ));
        } else if let Some(c) = v.chars().find(|c| !limits::tag_char_allowed(*c)) {
            out.push(Finding::error(
                RuleId::MR703,
                p,
                format!(
                    "the value of tag `{k}` holds `{}`, which some services (RDS, ElastiCache, MSK) refuse",
                    c.escape_default()
                ),
                "use letters, digits, spaces and `_ . : / = + - @` only",
            ));
        }
    }
}

/// MR702: every name the plan gives AWS, and every stack name, against its limit. Each kind of
/// name is reported once, with its longest offender, at its layer's section.
pub fn generated(env: &Environment, plan: &Plan, out: &mut Vec<Finding>) {
    let mut worst: BTreeMap<(&'static str, &'static str), (String, usize, usize)> = BTreeMap::new();
    let mut add = |name: &str, limit: &'static NameLimit, section: &'static str| {
        let len = name.chars().count();
        if len > limit.max {
            let e = worst
                .entry((section, limit.what))
                .or_insert((name.to_string(), limit.max, 0));
            e.2 += 1;
            if len > e.0.chars().count() {
                e.0 = name.to_string();
            }
        }
    };
    for s in &plan.stacks {
        add(&s.name, &limits::STACK_NAME, "regions");
        for r in &s.resources {
            if let Some((name, limit)) = r.kind.name_limit() {
                // The budget is the monitoring stack's, and its own section's.
                let section = if matches!(r.kind, Kind::Budget(_)) {
                    "budget"
                } else {
                    s.layer.info().section
                };
                add(name, limit, section);
            }
        }
    }
    for ((section, what), (name, max, count)) in worst {
        let others = if count > 1 {
            format!(" ({count} names of this kind are too long)")
        } else {
            String::new()
        };
        out.push(Finding::error(
            RuleId::MR702,
            env.section(section),
            format!(
                "the {what} `{name}` has {} characters; AWS allows {max}{others}",
                name.chars().count()
            ),
            format!(
                "shorten the prefix `{}` or the environment name `{}` by {} characters",
                env.prefix,
                env.name,
                name.chars().count() - max
            ),
        ));
    }
}

fn maintenance_window_ok(s: &str) -> bool {
    let part = |p: &str| {
        let f: Vec<&str> = p.split(':').collect();
        f.len() == 3
            && ["sun", "mon", "tue", "wed", "thu", "fri", "sat"].contains(&f[0])
            && f[1].len() == 2
            && f[2].len() == 2
            && f[1].parse::<u8>().is_ok_and(|h| h < 24)
            && f[2].parse::<u8>().is_ok_and(|m| m < 60)
    };
    match s.split_once('-') {
        Some((a, b)) => part(a) && part(b),
        None => false,
    }
}

/// MR003 for a free-text value without the shape it needs.
fn bad_shape(out: &mut Vec<Finding>, ok: bool, path: &crate::path::KeyPath, v: &str, what: &str, example: &str) {
    if !ok {
        out.push(Finding::error(
            RuleId::MR003,
            path.clone(),
            format!("`{v}` is not {what}"),
            format!("e.g. `{example}`"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows() {
        assert!(maintenance_window_ok("sun:05:00-sun:06:00"));
        assert!(!maintenance_window_ok("sun:25:00-sun:06:00"));
        assert!(!maintenance_window_ok("sunday"));
    }
}
