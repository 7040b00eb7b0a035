//! The dependency rules of SPEC section 5, checked on every shipped environment's plan.

use super::*;
use std::collections::BTreeMap;

fn plans() -> Vec<Plan> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("environments");
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
    files.sort();
    for p in files {
        let name = p.file_stem().unwrap().to_str().unwrap().to_string();
        let bytes = std::fs::read(&p).unwrap();
        let c = crate::check::check(&name, &p.display().to_string(), &bytes, &[]);
        assert!(!c.has_errors(), "{name}: {:?}", c.diagnostics);
        out.push(build(c.env.as_ref().unwrap()));
    }
    assert_eq!(out.len(), 5);
    out
}

fn waves(p: &Plan) -> BTreeMap<&str, u32> {
    p.stacks.iter().map(|s| (s.name.as_str(), s.wave)).collect()
}

fn find<'a>(p: &'a Plan, layer: Layer, region: &str) -> Option<&'a Stack> {
    p.stacks.iter().find(|s| s.layer == layer && s.region == region)
}

#[test]
fn network_comes_first_in_its_region() {
    for p in plans() {
        for s in &p.stacks {
            if s.layer == Layer::Network || s.layer == Layer::Dns || !p.regions.contains(&s.region) {
                continue;
            }
            let net = find(&p, Layer::Network, &s.region).unwrap();
            assert!(net.wave < s.wave, "{} before {}", net.name, s.name);
        }
    }
}

#[test]
fn peering_after_every_network_it_joins_and_routes_after_peering() {
    for p in plans() {
        let w = waves(&p);
        for s in p.stacks.iter().filter(|s| s.layer == Layer::Peering) {
            for r in &p.regions {
                let net = find(&p, Layer::Network, r).unwrap();
                assert!(w[net.name.as_str()] < s.wave, "{}", s.name);
                assert!(s.depends_on.contains(&net.name));
            }
            for r in p.stacks.iter().filter(|x| x.layer == Layer::PeeringRoutes) {
                assert!(r.depends_on.contains(&s.name));
                assert!(s.wave < r.wave);
            }
        }
    }
}

#[test]
fn global_members_wait_for_the_primary() {
    for p in plans() {
        let primary = &p.regions[0];
        for layer in [Layer::Aurora, Layer::Redis] {
            let Some(first) = find(&p, layer, primary) else {
                continue;
            };
            for s in p.stacks.iter().filter(|s| s.layer == layer && &s.region != primary) {
                assert!(
                    s.depends_on.contains(&first.name),
                    "{} waits for {}",
                    s.name,
                    first.name
                );
                assert!(first.wave < s.wave);
            }
        }
    }
}

#[test]
fn replication_waits_for_every_cluster() {
    for p in plans() {
        for s in p.stacks.iter().filter(|s| s.layer == Layer::MskReplication) {
            for r in &p.regions {
                let msk = find(&p, Layer::Msk, r).unwrap();
                assert!(s.depends_on.contains(&msk.name));
            }
        }
    }
}

#[test]
fn dns_depends_on_the_ingress_stacks_alone_and_lives_in_us_east_1() {
    for p in plans() {
        let ingress: Vec<&str> = p
            .stacks
            .iter()
            .filter(|s| s.layer == Layer::Ingress)
            .map(|s| s.name.as_str())
            .collect();
        for s in p.stacks.iter().filter(|s| s.layer == Layer::Dns) {
            // Its records lead to the regions' entry points; with given endpoints to no stack.
            assert_eq!(s.depends_on, ingress, "{}", s.name);
            assert_eq!(s.region, "us-east-1");
        }
    }
}

#[test]
fn monitoring_waits_for_what_it_watches() {
    for p in plans() {
        for s in p.stacks.iter().filter(|s| s.layer == Layer::Monitoring) {
            for r in &s.resources {
                if let Kind::Alarm(a) = &r.kind {
                    let by_cluster = a.dimensions.iter().any(|(d, _)| d == "Cluster Name");
                    let watched = match a.namespace.as_str() {
                        "AWS/RDS" => Some(Layer::Aurora),
                        "AWS/ElastiCache" => Some(Layer::Redis),
                        "AWS/Kafka" if by_cluster => Some(Layer::Msk),
                        "AWS/Kafka" => Some(Layer::MskReplication),
                        "AWS/Route53" => Some(Layer::Dns),
                        _ => None,
                    };
                    let layer = watched.unwrap();
                    let region = if layer == Layer::Dns {
                        "us-east-1"
                    } else {
                        s.region.as_str()
                    };
                    let w = find(&p, layer, region).unwrap();
                    assert!(s.depends_on.contains(&w.name), "{} watches {}", s.name, w.name);
                }
            }
        }
    }
}

#[test]
fn waves_and_order_follow_the_spec() {
    for p in plans() {
        let w = waves(&p);
        for s in &p.stacks {
            let expected = s.depends_on.iter().map(|d| w[d.as_str()] + 1).max().unwrap_or(0);
            assert_eq!(s.wave, expected, "{}", s.name);
            for d in &s.depends_on {
                assert!(w.contains_key(d.as_str()), "{} depends on a missing stack {d}", s.name);
            }
        }
        let rank = |r: &str| p.regions.iter().position(|x| x == r).unwrap_or(p.regions.len());
        let keys: Vec<_> = p.stacks.iter().map(|s| (s.wave, s.layer, rank(&s.region))).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        // Every parameter fed by an output names a stack deployed earlier and an output it has.
        for s in &p.stacks {
            for prm in &s.parameters {
                if let ParamSource::Output { stack, output } = &prm.source {
                    let src = p.stack(stack).unwrap();
                    assert!(src.wave < s.wave);
                    assert!(src.output(output).is_some(), "{stack} has no output {output}");
                }
            }
        }
    }
}

#[test]
fn names_follow_the_scheme() {
    for p in plans() {
        for s in &p.stacks {
            assert_eq!(
                s.name,
                format!("{}-{}-{}-{}", p.prefix, p.environment, s.layer, s.region)
            );
            let mut ids: Vec<&str> = s.resources.iter().map(|r| r.id.as_str()).collect();
            let n = ids.len();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), n, "resource ids unique in {}", s.name);
        }
    }
}

/// MR702 checks the names the plan holds: a component that is rendered has its names checked,
/// one that is not has none, and the plan is built (and checked) even when other rules fail.
#[test]
fn mr702_checks_the_names_the_plan_builds() {
    let long = "production-analytics-eu";
    let file = |extra: &str| {
        format!(
            "genai-demo:regions: {{primary: ap-northeast-1, secondary: ap-northeast-2}}\n\
             genai-demo:multi-region: {{health-check-interval: 45}}\n{extra}"
        )
    };
    let mr702 = |text: &str| -> Vec<String> {
        let c = crate::check::check(long, "f.yaml", text.as_bytes(), &[]);
        assert!(c.plan.is_some(), "the plan is built from an environment with errors");
        assert!(
            c.diagnostics.iter().any(|d| d.rule.as_str() == "MR501"),
            "{:?}",
            c.diagnostics
        );
        c.diagnostics
            .iter()
            .filter(|d| d.rule.as_str() == "MR702")
            .map(|d| format!("{} {}", d.path, d.message))
            .collect()
    };
    let all = mr702(&file(""));
    assert!(
        all.iter()
            .any(|m| m.starts_with("genai-demo:redis ") && m.contains("replication group id")),
        "{all:?}"
    );
    assert!(all.iter().any(|m| m.contains("global datastore id suffix")), "{all:?}");
    let without = mr702(&file("genai-demo:redis: {enabled: false}\n"));
    assert!(without.is_empty(), "{without:?}");
}

fn rule(port: u16, to_port: u16, peer: Peer) -> SgRule {
    SgRule {
        description: String::new(),
        port,
        to_port,
        peer,
    }
}

#[test]
fn only_a_group_open_on_the_web_ports_alone_is_a_public_load_balancers() {
    let anywhere = || Peer::Cidr(V::s("0.0.0.0/0"));
    let vpc = || Peer::Cidr(V::s("10.2.0.0/16"));
    let lb = [rule(443, 443, anywhere()), rule(80, 80, anywhere())];
    assert!(public(&lb));
    assert!(public(&[rule(80, 80, anywhere()), rule(8080, 8080, vpc())]));
    // Not open to anywhere on 80: nothing for CKV_AWS_260 to flag.
    assert!(!public(&[rule(443, 443, anywhere())]));
    assert!(!public(&[rule(80, 80, vpc())]));
    assert!(!public(&[rule(80, 80, Peer::Group(V::r("sg")))]));
    // Open to anywhere on another port too: a real finding, never suppressed.
    assert!(!public(&[rule(80, 80, anywhere()), rule(22, 22, anywhere())]));
    assert!(!public(&[rule(80, 443, anywhere())]));
}

/// A group with these ingress rules.
fn public(ingress: &[SgRule]) -> bool {
    SecurityGroup {
        vpc: V::p("VpcId"),
        name: "g".into(),
        description: String::new(),
        ingress: ingress.to_vec(),
        egress: Vec::new(),
    }
    .public_web()
}

/// The buckets of a storage stack, by resource id.
fn buckets(s: &Stack) -> Vec<(&str, &Bucket)> {
    s.resources
        .iter()
        .filter_map(|r| match &r.kind {
            Kind::Bucket(b) => Some((r.id.as_str(), b)),
            _ => None,
        })
        .collect()
}

#[test]
fn every_region_has_each_bucket_and_replication_reaches_every_other_region_after_its_buckets() {
    let mut active_active = 0;
    for (env, p) in SHIPPED.iter().map(|n| shipped(n, &[])) {
        let primary = &p.regions[0];
        let storage: Vec<&Stack> = p.stacks.iter().filter(|s| s.layer == Layer::Storage).collect();
        assert_eq!(storage.len(), p.regions.len(), "{}", p.environment);
        // Every pair replicates in active-active (the environment says so, not the plan).
        let two_way = env.mode == crate::model::raw::Mode::ActiveActive && p.regions.len() > 1;
        active_active += usize::from(two_way);
        for s in &storage {
            let ids: Vec<&str> = buckets(s).iter().map(|(id, _)| *id).collect();
            assert!(
                ids.contains(&"bucket_app") && ids.contains(&"bucket_logs"),
                "{}: {ids:?}",
                s.name
            );
            for (id, b) in buckets(s) {
                let short = crate::naming::short_code(&s.region);
                assert!(b.name.contains(&format!("-{short}-")), "{}: {}", s.name, b.name);
                match (&b.replication, p.regions.len() > 1 && (&s.region == primary || two_way)) {
                    (Some(rep), true) => {
                        let targets = rep.rules.len();
                        assert_eq!(targets, p.regions.len() - 1, "{}: {id}", s.name);
                        assert!(rep.rules.iter().all(|r| r.replica_modifications == two_way));
                    }
                    (None, false) => {}
                    (other, _) => panic!("{}: {id}: replication {other:?}", s.name),
                }
            }
            if &s.region == primary {
                // After every bucket its rules name.
                for other in storage.iter().filter(|o| o.region != *primary) {
                    assert!(s.depends_on.contains(&other.name), "{} after {}", s.name, other.name);
                }
                assert_eq!(s.final_pass_after, None);
            } else if two_way {
                let primary_storage = find(&p, Layer::Storage, primary).unwrap();
                assert_eq!(s.final_pass_after.as_deref(), Some(primary_storage.name.as_str()));
                assert_eq!(s.create_pass(), vec![("Replication", "false")], "{}", s.name);
            } else {
                assert!(s.create_pass().is_empty());
            }
        }
    }
    assert!(active_active > 0, "a shipped environment is active-active");
}

/// A shipped environment, or any environment file's text, resolved and planned, with
/// `--context` overrides.
fn checked(name: &str, file: &str, bytes: &[u8], overrides: &[&str]) -> (crate::model::Environment, Plan) {
    let ctx: Vec<_> = overrides
        .iter()
        .map(|o| crate::model::parse_context(o).unwrap())
        .collect();
    let c = crate::check::check(name, file, bytes, &ctx);
    assert!(!c.has_errors(), "{name} {overrides:?}: {:?}", c.diagnostics);
    let env = c.env.unwrap();
    let plan = build(&env);
    (env, plan)
}

pub(crate) fn shipped(name: &str, overrides: &[&str]) -> (crate::model::Environment, Plan) {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("environments/{name}.yaml"));
    checked(name, &p.display().to_string(), &std::fs::read(&p).unwrap(), overrides)
}

const SHIPPED: [&str; 5] = ["development", "eu-production", "global", "production", "staging"];

/// The resources of one kind in the stack of `layer` in `region`, as their structs.
fn kinds_in<'a, T>(p: &'a Plan, layer: Layer, region: &str, pick: fn(&'a Kind) -> Option<&'a T>) -> Vec<&'a T> {
    find(p, layer, region)
        .map(|s| s.resources.iter().filter_map(|r| pick(&r.kind)).collect())
        .unwrap_or_default()
}

mod monitoring;
mod recovery;
