//! Route 53 as CloudFormation resources: one health check and one routing record per region.

use super::CfnKind;
use crate::plan::kinds::*;
use crate::plan::{pascal, Attr, RecordSpec, RecordTarget, Routing};
use crate::render::cfn::value::{plain, Ctx};
use serde_json::{json, Map, Value};

impl CfnKind for HealthCheck {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::Route53::HealthCheck")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let HealthCheck {
            name,
            fqdn,
            port,
            path,
            https,
            interval,
            threshold,
        } = self;
        let mut config = Map::new();
        config.insert("Type".into(), json!(if *https { "HTTPS" } else { "HTTP" }));
        config.insert("FullyQualifiedDomainName".into(), json!(fqdn));
        config.insert("Port".into(), json!(port));
        config.insert("ResourcePath".into(), json!(path));
        config.insert("RequestInterval".into(), json!(interval));
        config.insert("FailureThreshold".into(), json!(threshold));
        if *https {
            config.insert("EnableSNI".into(), json!(true));
        }
        json!({ "HealthCheckConfig": config, "HealthCheckTags": ctx.tags(Some(name)) })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        match a {
            // `Ref` of a health check is its id, the documented way to name it (`Fn::GetAtt
            // HealthCheckId` gives the same value; moto 5.2.1 knows only `Ref`).
            Attr::HealthCheckId => None,
            other => plain(other),
        }
    }
}

/// `example.com` → `example.com.` (Route 53 names are absolute).
fn absolute(name: &str) -> String {
    if name.ends_with('.') {
        name.to_string()
    } else {
        format!("{name}.")
    }
}

/// The properties that say how a record takes part in its routing policy.
fn routing_into(routing: &Routing, p: &mut Map<String, Value>) {
    match routing {
        Routing::Simple => {}
        Routing::Failover { primary } => {
            p.insert("Failover".into(), json!(if *primary { "PRIMARY" } else { "SECONDARY" }));
        }
        Routing::Latency { region } => {
            p.insert("Region".into(), json!(region));
        }
        Routing::Geolocation {
            continent,
            country,
            subdivision,
        } => {
            let mut g = Map::new();
            if let Some(c) = continent {
                g.insert("ContinentCode".into(), json!(c));
            }
            if let Some(c) = country {
                g.insert("CountryCode".into(), json!(c));
            }
            if let Some(s) = subdivision {
                g.insert("SubdivisionCode".into(), json!(s));
            }
            p.insert("GeoLocation".into(), Value::Object(g));
        }
        Routing::Weighted { weight } => {
            p.insert("Weight".into(), json!(weight));
        }
    }
}

impl CfnKind for RecordSet {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::Route53::RecordSet")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let RecordSet { zone, spec } = self;
        let RecordSpec {
            name,
            set_identifier,
            target,
            health_check,
            routing,
        } = spec;
        let mut p = Map::new();
        match &zone.id {
            // By id where the environment gives one: a private zone of the same name makes a
            // lookup by name fail.
            Some(id) => p.insert("HostedZoneId".into(), json!(id)),
            None => p.insert("HostedZoneName".into(), json!(absolute(&zone.name))),
        };
        p.insert("Name".into(), json!(absolute(name)));
        match target {
            RecordTarget::Cname { host, ttl } => {
                p.insert("Type".into(), json!("CNAME"));
                // `TTL` is a string in AWS::Route53::RecordSet.
                p.insert("TTL".into(), json!(ttl.to_string()));
                p.insert("ResourceRecords".into(), json!([host]));
            }
            RecordTarget::Alias {
                dns_name,
                zone_id,
                evaluate_health,
            } => {
                // No TTL: an alias record takes its target's.
                p.insert("Type".into(), json!("A"));
                p.insert(
                    "AliasTarget".into(),
                    json!({ "DNSName": ctx.v(dns_name), "HostedZoneId": ctx.v(zone_id), "EvaluateTargetHealth": evaluate_health }),
                );
            }
        }
        if let Some(id) = set_identifier {
            p.insert("SetIdentifier".into(), json!(id));
        }
        if let Some(check) = health_check {
            p.insert("HealthCheckId".into(), json!({ "Ref": pascal(check) }));
        }
        routing_into(routing, &mut p);
        Value::Object(p)
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route53_names_are_absolute() {
        assert_eq!(absolute("example.com"), "example.com.");
        assert_eq!(absolute("example.com."), "example.com.");
    }
}
