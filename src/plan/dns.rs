//! The `dns` layer (in us-east-1): a Route 53 health check per region and the routing records.

use super::ingress::hosted_zone;
use super::layer::Layer;
use super::parts::*;
use super::types::*;
use super::values::*;
use crate::model::env::RegionEnv;
use crate::model::raw::{Policy, Protocol};
use crate::model::Environment;
use crate::naming::{regional_id, short_code, GLOBAL_REGION};
use crate::plan::kinds::*;
use std::collections::BTreeMap;

/// `continent:EU` / `US-CA` / `TW` / `*` → the Route 53 fields.
pub(super) fn geo(code: &str) -> Routing {
    if let Some(c) = code.strip_prefix("continent:") {
        return Routing::Geolocation {
            continent: Some(c.to_string()),
            country: None,
            subdivision: None,
        };
    }
    if let Some((country, sub)) = code.split_once('-') {
        return Routing::Geolocation {
            continent: None,
            country: Some(country.to_string()),
            subdivision: Some(sub.to_string()),
        };
    }
    Routing::Geolocation {
        continent: None,
        country: Some(code.to_string()),
        subdivision: None,
    }
}

pub(super) fn dns(env: &Environment) -> Option<Stack> {
    let r53 = env.route53.as_ref()?;
    let mut s = stack(
        env,
        Layer::Dns,
        GLOBAL_REGION,
        format!(
            "{}: Route 53 health checks and routing records in {}",
            env.name, r53.hosted_zone
        ),
    );
    for r in &env.regions {
        let short = short_code(&r.code);
        let host = r53.endpoints.get(&r.code).cloned().unwrap_or_default();
        s.resources.push(res(
            &format!("health_check_{short}"),
            Kind::HealthCheck(HealthCheck {
                name: regional_id(env, "health", &r.code),
                fqdn: host,
                port: r53.port,
                path: r53.path.value.clone(),
                https: r53.protocol == Protocol::Https,
                interval: env.health_check_interval.value,
                threshold: env.health_check_threshold.value,
            }),
        ));
        s.outputs.push(out(
            Out::HealthCheckId(pascal(&short)),
            V::attr(&format!("health_check_{short}"), Attr::HealthCheckId),
            &format!("Health check of {}", r.code),
        ));
    }
    // Where each region's records lead: a CNAME to the endpoint the environment names, or an
    // alias to the region's load balancer (its own name is an alias too). Alias records take
    // the load balancer's TTL.
    let mut targets: BTreeMap<&str, (V, V)> = BTreeMap::new();
    if let Some(ing) = &env.ingress {
        for r in &env.regions {
            let short = short_code(&r.code);
            let ingress = stack_name(env, Layer::Ingress, &r.code);
            let dns_name = format!("LoadBalancerDnsName{}", pascal(&short));
            let zone_id = format!("LoadBalancerZoneId{}", pascal(&short));
            s.parameters.push(param(&dns_name, &ingress, Out::LoadBalancerDnsName));
            s.parameters.push(param(&zone_id, &ingress, Out::LoadBalancerZoneId));
            let (dns_name, zone_id) = (V::p(&dns_name), V::p(&zone_id));
            s.resources.push(res(
                &format!("entry_point_{short}"),
                Kind::RecordSet(RecordSet {
                    zone: hosted_zone(r53),
                    spec: RecordSpec {
                        name: ing.entry_points.get(&r.code).cloned().unwrap_or_default(),
                        set_identifier: None,
                        target: RecordTarget::Alias {
                            dns_name: dns_name.clone(),
                            zone_id: zone_id.clone(),
                            evaluate_health: false,
                        },
                        health_check: None,
                        routing: Routing::Simple,
                    },
                }),
            ));
            targets.insert(&r.code, (dns_name, zone_id));
        }
    }
    let ttl = env.dns_ttl_seconds.value;
    let aliases = env.alias_records();
    let target = |region: &RegionEnv| match targets.get(region.code.as_str()).filter(|_| aliases) {
        Some((dns_name, zone_id)) => RecordTarget::Alias {
            dns_name: dns_name.clone(),
            zone_id: zone_id.clone(),
            evaluate_health: true,
        },
        None => RecordTarget::Cname {
            host: r53.endpoints.get(&region.code).cloned().unwrap_or_default(),
            ttl,
        },
    };
    for (i, rec) in r53.records.iter().enumerate() {
        let mut add = |region: &RegionEnv, set_id: String, routing: Routing, suffix: &str| {
            let short = short_code(&region.code);
            s.resources.push(res(
                &format!("record_{i}_{short}{suffix}"),
                Kind::RecordSet(RecordSet {
                    zone: hosted_zone(r53),
                    spec: RecordSpec {
                        name: rec.fqdn.clone(),
                        set_identifier: Some(set_id),
                        target: target(region),
                        health_check: Some(format!("health_check_{short}")),
                        routing,
                    },
                }),
            ));
        };
        match rec.policy {
            // PRIMARY follows the writer; SECONDARY is the first other region (SPEC 5.4).
            Policy::Failover => {
                if let Some(sec) = env.readers().next() {
                    let writer = env.writer();
                    add(
                        writer,
                        format!("{}-primary", writer.code),
                        Routing::Failover { primary: true },
                        "",
                    );
                    add(
                        sec,
                        format!("{}-secondary", sec.code),
                        Routing::Failover { primary: false },
                        "",
                    );
                }
            }
            Policy::Latency => {
                for r in &env.regions {
                    add(r, r.code.clone(), Routing::Latency { region: r.code.clone() }, "");
                }
            }
            Policy::Weighted => {
                for (code, w) in &rec.weights {
                    if let Some(r) = env.regions.iter().find(|r| &r.code == code) {
                        add(r, r.code.clone(), Routing::Weighted { weight: *w }, "");
                    }
                }
            }
            Policy::Geolocation => {
                for (code, locs) in &rec.locations {
                    if let Some(r) = env.regions.iter().find(|r| &r.code == code) {
                        for loc in locs {
                            let tag = if loc == "*" {
                                "default".to_string()
                            } else {
                                loc.replace([':', '-'], "_").to_lowercase()
                            };
                            add(
                                r,
                                format!("{}-{}", r.code, if loc == "*" { "default" } else { loc }),
                                geo(loc),
                                &format!("_{tag}"),
                            );
                        }
                    }
                }
            }
        }
    }
    Some(s)
}
