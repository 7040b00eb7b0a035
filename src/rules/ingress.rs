//! The entry points and where DNS names lead: MR005 what ingress needs (the hosted zone's id)
//! and what records need without it (an endpoint for every region), MR510 records that Route 53
//! would refuse or that point at themselves, MR512 certificates over ACM's default quota.

use crate::aws::acm;
use crate::finding::{Finding, RuleId};
use crate::model::env::Route53;
use crate::model::{Document, Environment};
use crate::plan::{Kind, Layer, Plan};

pub fn check(env: &Environment, doc: &Document, plan: &Plan, out: &mut Vec<Finding>) {
    let Some(r53) = &env.route53 else { return };
    let zone = r53.hosted_zone.as_str();
    match (&env.ingress, &r53.endpoints_given) {
        (Some(ing), _) => {
            if r53.hosted_zone_id.value.is_none() {
                out.push(Finding::error(
                    RuleId::MR005,
                    r53.hosted_zone_id.path.clone(),
                    format!(
                        "ingress validates each region's certificate through DNS in `{zone}`, which CloudFormation completes only when given the hosted zone's id"
                    ),
                    format!(
                        "set `route53.hosted-zone-id` to the public zone's id (`aws route53 list-hosted-zones-by-name --dns-name {zone}`), or set `ingress.enabled: false` and give `route53.endpoints`"
                    ),
                ));
            } else if let Some(id) = &r53.hosted_zone_id.value {
                if !valid_zone_id(id) {
                    out.push(Finding::error(
                        RuleId::MR003,
                        r53.hosted_zone_id.path.clone(),
                        format!("`{id}` is not a Route 53 hosted zone id"),
                        "give the id without `/hostedzone/`, such as `Z0123456789ABCDEFGHIJ`",
                    ));
                }
            }
            // The entry points share `domain`: one finding for all of them.
            let outside: Vec<String> = ing
                .entry_points
                .values()
                .filter(|e| !within(e, zone))
                .map(|e| format!("`{e}`"))
                .collect();
            if !outside.is_empty() {
                out.push(Finding::error(
                    RuleId::MR510,
                    env.section("domain"),
                    format!(
                        "the entry points {} are not in the hosted zone `{zone}`, where their records and certificate validation go",
                        outside.join(", ")
                    ),
                    format!("set `domain` to `{zone}` or a name below it"),
                ));
            }
            for rec in &r53.records {
                if let Some((code, _)) = ing.entry_points.iter().find(|(_, e)| **e == rec.fqdn) {
                    out.push(Finding::error(
                        RuleId::MR510,
                        rec.path.key("name"),
                        format!(
                            "the record `{}` has the name of {code}'s entry point, whose own record Route 53 would refuse beside it",
                            rec.fqdn
                        ),
                        "give the record another name",
                    ));
                }
            }
            certificates(env, r53, plan, out);
        }
        (None, None) => out.push(Finding::error(
            RuleId::MR005,
            env.section("route53").key("endpoints"),
            "without ingress, Route 53's records and health checks need `route53.endpoints`: nothing creates `<region>.<domain>`",
            "give `route53.endpoints: {<region>: <host name>}` for every region, or turn ingress on (remove `ingress.enabled: false`)",
        )),
        (None, Some(path)) => {
            let given = doc.raw.route53.as_ref().and_then(|r| r.endpoints.as_ref());
            for r in &env.regions {
                if !given.is_some_and(|g| g.contains_key(&r.code)) {
                    out.push(Finding::error(
                        RuleId::MR005,
                        path.clone(),
                        format!("`route53.endpoints` names no endpoint for {}", r.code),
                        format!("add `{}: <host name>` to `route53.endpoints`", r.code),
                    ));
                }
            }
        }
    }
    if r53.endpoints_given.is_some() {
        cnames(r53, out);
    }
}

/// MR510 for records that are CNAMEs to the given endpoints.
fn cnames(r53: &Route53, out: &mut Vec<Finding>) {
    for rec in &r53.records {
        if rec.fqdn == r53.hosted_zone {
            out.push(Finding::error(
                RuleId::MR510,
                rec.path.key("name"),
                format!(
                    "`{}` is the zone apex: Route 53 refuses a CNAME there, and records to given endpoints are CNAMEs",
                    rec.fqdn
                ),
                "use a name below the apex (`api`), or let ingress give each region an entry point (alias records work at the apex)",
            ));
        }
        if let Some((code, _)) = r53.endpoints.iter().find(|(_, host)| **host == rec.fqdn) {
            out.push(Finding::error(
                RuleId::MR510,
                rec.path.key("name"),
                format!(
                    "the record `{}` would be a CNAME to itself: it is {code}'s endpoint",
                    rec.fqdn
                ),
                "give the record or the endpoint another name",
            ));
        }
    }
}

/// MR512: the names each region's certificate holds, read from the plan's certificates (one
/// finding for the regions whose certificates need the same number of names).
fn certificates(env: &Environment, r53: &Route53, plan: &Plan, out: &mut Vec<Finding>) {
    let mut over: Vec<(usize, Vec<&str>)> = Vec::new();
    for s in plan.stacks.iter().filter(|s| s.layer == Layer::Ingress) {
        for r in &s.resources {
            let Kind::Certificate(c) = &r.kind else { continue };
            let names = 1 + c.alternative_names.len();
            if names <= acm::NAMES_PER_CERTIFICATE_DEFAULT {
                continue;
            }
            match over.iter_mut().find(|(n, _)| *n == names) {
                Some((_, regions)) => regions.push(&s.region),
                None => over.push((names, vec![&s.region])),
            }
        }
    }
    for (names, regions) in over {
        let whose = match regions.as_slice() {
            [one] => format!("the certificate of {one} needs"),
            many => format!("the certificates of {} need", many.join(", ")),
        };
        out.push(Finding::warning(
            RuleId::MR512,
            env.section("route53").key("records"),
            format!(
                "{whose} {names} names (the region's entry point and every record's name); ACM allows {} by default",
                acm::NAMES_PER_CERTIFICATE_DEFAULT
            ),
            format!(
                "ask AWS for a higher \"Domain names per ACM certificate\" quota, or use fewer record names (there are {})",
                r53.records.len()
            ),
        ));
    }
}

/// `name` is the zone itself or below it.
fn within(name: &str, zone: &str) -> bool {
    name == zone || name.ends_with(&format!(".{zone}"))
}

/// A Route 53 hosted zone id as the API gives it (`ResourceId`: at most 32 characters; the ids
/// are capitals and digits, `Z0123456789ABCDEFGHIJ`), without the `/hostedzone/` of some outputs.
/// Source: https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetHostedZone.html
fn valid_zone_id(id: &str) -> bool {
    (1..=32).contains(&id.len()) && id.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_within_a_zone() {
        assert!(within("example.com", "example.com"));
        assert!(within("ap-northeast-1.example.com", "example.com"));
        assert!(!within("ap-northeast-1.example.net", "example.com"));
        assert!(!within("badexample.com", "example.com"));
    }

    #[test]
    fn zone_ids() {
        assert!(valid_zone_id("Z0123456789ABCDEFGHIJ"));
        assert!(valid_zone_id("ABCDEFGHIJ0123456789XY"));
        assert!(!valid_zone_id("/hostedzone/Z0123"));
        assert!(!valid_zone_id("z0123"));
        assert!(!valid_zone_id(""));
        assert!(!valid_zone_id(&format!("Z{}", "1".repeat(32))));
    }
}
