//! The DNS layer's kinds in Terraform: a Route 53 health check per region and the routing
//! record that points at the region, in a hosted zone the module looks up by name.

use super::super::hcl::{code, text};
use super::super::templates as t;
use super::super::Cx;
use super::{arn_only, name_tag, Block, Common, TfKind};
use crate::plan::kinds::*;
use crate::plan::{Attr, RecordTarget, Resource, Routing, Stack};
use minijinja::value::Value;
use serde::Serialize;

/// `health_check.tf.j2`.
#[derive(Serialize)]
struct HealthCheckContext {
    #[serde(flatten)]
    common: Common,
    fqdn: String,
    port: i64,
    path: String,
    /// `HTTP` or `HTTPS`.
    #[serde(rename = "type")]
    check_type: String,
    https: bool,
    interval: i64,
    threshold: i64,
    tags: Value,
}

impl TfKind for HealthCheck {
    fn tf_type(&self) -> &'static str {
        "aws_route53_health_check"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        match a {
            Attr::HealthCheckId => Some("id"),
            other => arn_only(other),
        }
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = HealthCheckContext {
            common: Common::new(cx, stack, r, self)?,
            fqdn: self.fqdn.clone(),
            port: self.port,
            path: self.path.clone(),
            check_type: if self.https { "HTTPS" } else { "HTTP" }.to_string(),
            https: self.https,
            interval: self.interval,
            threshold: self.threshold,
            tags: name_tag(&self.name),
        };
        Block::new(t::HEALTH_CHECK, &context)
    }
}

/// `record_set.tf.j2`.
#[derive(Serialize)]
struct RecordSetContext {
    #[serde(flatten)]
    common: Common,
    /// The hosted zone's id: given, or its data source's.
    zone: Value,
    record_name: String,
    set_identifier: Option<String>,
    /// A CNAME's host name and TTL.
    cname: Option<(String, i64)>,
    /// An alias record's target.
    alias: Option<AliasContext>,
    health_check: Option<Value>,
    /// `None` for a simple record.
    routing: Option<RoutingContext>,
}

#[derive(Serialize)]
struct AliasContext {
    dns_name: Value,
    zone_id: Value,
    evaluate_health: bool,
}

/// The routing policy block: its name and its arguments.
#[derive(Serialize)]
struct RoutingContext {
    block: Value,
    fields: Vec<Field>,
}

/// One argument: its name (code) and value.
#[derive(Serialize)]
struct Field {
    key: Value,
    value: Value,
}

fn routing(r: &Routing) -> Option<RoutingContext> {
    let field = |k: &str, value: Value| Field { key: code(k), value };
    let (block, fields) = match r {
        Routing::Simple => return None,
        Routing::Failover { primary } => (
            "failover_routing_policy",
            vec![field("type", text(if *primary { "PRIMARY" } else { "SECONDARY" }))],
        ),
        Routing::Latency { region } => ("latency_routing_policy", vec![field("region", text(region.clone()))]),
        Routing::Geolocation {
            continent,
            country,
            subdivision,
        } => {
            let mut f = Vec::new();
            if let Some(c) = continent {
                f.push(field("continent", text(c.clone())));
            }
            if let Some(c) = country {
                f.push(field("country", text(c.clone())));
            }
            if let Some(c) = subdivision {
                f.push(field("subdivision", text(c.clone())));
            }
            ("geolocation_routing_policy", f)
        }
        Routing::Weighted { weight } => ("weighted_routing_policy", vec![field("weight", Value::from(*weight))]),
    };
    Some(RoutingContext {
        block: code(block),
        fields,
    })
}

impl TfKind for RecordSet {
    fn tf_type(&self) -> &'static str {
        "aws_route53_record"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let spec = &self.spec;
        let health_check = match &spec.health_check {
            Some(id) => Some(code(format!("{}.id", cx.address(stack, cx.resource(stack, id)?)))),
            None => None,
        };
        let (cname, alias) = match &spec.target {
            RecordTarget::Cname { host, ttl } => (Some((host.clone(), *ttl)), None),
            RecordTarget::Alias {
                dns_name,
                zone_id,
                evaluate_health,
            } => (
                None,
                Some(AliasContext {
                    dns_name: cx.value(stack, dns_name)?,
                    zone_id: cx.value(stack, zone_id)?,
                    evaluate_health: *evaluate_health,
                }),
            ),
        };
        let context = RecordSetContext {
            common: Common::new(cx, stack, r, self)?,
            zone: cx.zone_id(&self.zone),
            record_name: spec.name.clone(),
            set_identifier: spec.set_identifier.clone(),
            cname,
            alias,
            health_check,
            routing: routing(&spec.routing),
        };
        Block::new(t::RECORD_SET, &context)
    }
}
