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

/// Every dashboard of a plan: (its stack, the resource).
fn dashboards(p: &Plan) -> Vec<(&Stack, &Resource)> {
    p.stacks
        .iter()
        .flat_map(|s| s.resources.iter().map(move |r| (s, r)))
        .filter(|(_, r)| matches!(r.kind, Kind::Dashboard(_)))
        .collect()
}

fn the_dashboard(p: &Plan) -> (&Stack, &Dashboard) {
    let all = dashboards(p);
    assert_eq!(all.len(), 1, "{}: one dashboard", p.environment);
    let Kind::Dashboard(d) = &all[0].1.kind else {
        panic!("{:?}", all[0].1)
    };
    (all[0].0, d)
}

/// The resources of one kind in the stack of `layer` in `region`, as their structs.
fn kinds_in<'a, T>(p: &'a Plan, layer: Layer, region: &str, pick: fn(&'a Kind) -> Option<&'a T>) -> Vec<&'a T> {
    find(p, layer, region)
        .map(|s| s.resources.iter().filter_map(|r| pick(&r.kind)).collect())
        .unwrap_or_default()
}

/// SPEC 5.4: the dashboard was created in `regions.primary` and stays there, the same resource
/// byte for byte (and fed the same parameters), whichever region writes.
#[test]
fn the_dashboard_is_the_primarys_and_stays_put_when_the_writer_moves() {
    let mut moves = 0;
    for name in SHIPPED {
        let (_, base) = shipped(name, &[]);
        let (stack, dashboard) = the_dashboard(&base);
        assert_eq!(stack.layer, Layer::Monitoring, "{name}");
        assert_eq!(stack.region, base.regions[0], "{name}: in the primary region");
        let feeding = |s: &Stack| -> Vec<Parameter> {
            let mut used = Vec::new();
            for w in &dashboard_widgets(s) {
                for m in metric_lines(w) {
                    for (_, v) in &m.dimensions {
                        if let V::Param(p) = v {
                            used.push(s.parameter(p).unwrap().clone());
                        }
                    }
                }
            }
            used
        };
        for writer in base.regions.iter().skip(1) {
            let (_, moved) = shipped(name, &[&format!("genai-demo:multi-region.writer={writer}")]);
            assert_eq!(&moved.writer, writer);
            let (s2, _) = the_dashboard(&moved);
            assert_eq!(s2.name, stack.name, "{name}, writer {writer}: the same stack");
            let (a, b) = (dashboards(&base)[0].1, dashboards(&moved)[0].1);
            assert_eq!(a, b, "{name}, writer {writer}: the same resource");
            assert_eq!(
                format!("{a:?}"),
                format!("{b:?}"),
                "{name}, writer {writer}: byte for byte"
            );
            assert_eq!(
                feeding(stack),
                feeding(s2),
                "{name}, writer {writer}: the same parameters"
            );
            moves += 1;
        }
        assert!(!dashboard.widgets.is_empty());
    }
    assert!(moves >= 4, "only {moves} writer moves");
}

fn dashboard_widgets(s: &Stack) -> Vec<Widget> {
    s.resources
        .iter()
        .find_map(|r| {
            if let Kind::Dashboard(d) = &r.kind {
                Some(d.widgets.clone())
            } else {
                None
            }
        })
        .unwrap_or_default()
}

fn metric_lines(w: &Widget) -> Vec<WidgetMetric> {
    match &w.body {
        WidgetBody::Metrics { metrics, .. } => metrics.clone(),
        WidgetBody::Text { .. } => Vec::new(),
    }
}

/// (namespace, metric, dimension value) of each line of the widgets titled with `region`.
fn shown_for(d: &Dashboard, region: &str) -> Vec<(String, String, V, String)> {
    let mut out = Vec::new();
    for w in &d.widgets {
        let WidgetBody::Metrics { title, metrics, .. } = &w.body else {
            continue;
        };
        if !title.starts_with(&format!("{region}: ")) {
            continue;
        }
        for m in metrics {
            out.push((
                m.namespace.clone(),
                m.name.clone(),
                m.dimensions[0].1.clone(),
                m.region.clone(),
            ));
        }
    }
    out
}

fn shows(lines: &[(String, String, V, String)], metric: &str, value: &V, region: &str) -> bool {
    lines
        .iter()
        .any(|(_, m, v, r)| m == metric && v == value && r == region)
}

/// One column per region, and in it the widgets of every component the environment renders,
/// naming the resources the plan creates there; none for a component left out.
#[test]
fn each_enabled_component_has_its_widgets_in_every_region() {
    let bare = "genai-demo:regions: {primary: eu-west-1, secondary: eu-central-1}\n\
                genai-demo:aurora: {enabled: false}\ngenai-demo:redis: {enabled: false}\n\
                genai-demo:msk: {enabled: false}\ngenai-demo:eks: {enabled: false}\n";
    let mut cases: Vec<(crate::model::Environment, Plan)> = SHIPPED.iter().map(|n| shipped(n, &[])).collect();
    cases.push(checked("bare", "bare.yaml", bare.as_bytes(), &[]));
    for (env, p) in &cases {
        let (_, d) = the_dashboard(p);
        let name = &p.environment;
        for region in &p.regions {
            let lines = shown_for(d, region);
            // The dashboard's parameter fed by this region's load balancer's full name.
            let lb = || {
                find(p, Layer::Monitoring, &p.regions[0])
                    .unwrap()
                    .parameters
                    .iter()
                    .find(|x| {
                        matches!(&x.source, ParamSource::Output { stack, output }
                            if *stack == find(p, Layer::Ingress, region).unwrap().name && output == "LoadBalancerFullName")
                    })
                    .map(|x| V::p(&x.name))
            };
            // Entry points: the health check (its metric is us-east-1's) and the load balancer.
            let dns = p.stacks.iter().find(|s| s.layer == Layer::Dns);
            let health = lines
                .iter()
                .any(|(_, m, _, r)| m == "HealthCheckStatus" && r == "us-east-1");
            assert_eq!(health, dns.is_some(), "{name} {region}: health check");
            match find(p, Layer::Ingress, region) {
                Some(_) => {
                    let v = lb().expect("the load balancer's full name is a parameter");
                    for m in [
                        "HTTPCode_ELB_5XX_Count",
                        "HTTPCode_Target_5XX_Count",
                        "TargetResponseTime",
                    ] {
                        assert!(shows(&lines, m, &v, region), "{name} {region}: {m}");
                    }
                }
                None => assert!(!lines.iter().any(|l| l.0 == "AWS/ApplicationELB"), "{name} {region}"),
            }
            let clusters = kinds_in(p, Layer::Eks, region, |k| {
                if let Kind::EksCluster(c) = k {
                    Some(c)
                } else {
                    None
                }
            });
            assert!(
                clusters
                    .iter()
                    .all(|c| shows(&lines, "cluster_node_count", &V::s(&c.name), region)),
                "{name} {region}: node count"
            );
            assert_eq!(
                lines.iter().any(|l| l.0 == "ContainerInsights"),
                env.eks.is_some(),
                "{name} {region}"
            );
            let global = p.regions.len() > 1;
            let aurora = kinds_in(p, Layer::Aurora, region, |k| {
                if let Kind::DbCluster(c) = k {
                    Some(c)
                } else {
                    None
                }
            });
            for c in &aurora {
                assert_eq!(
                    shows(&lines, "AuroraGlobalDBReplicationLag", &V::s(&c.id), region),
                    global,
                    "{name} {region}: Aurora lag"
                );
            }
            assert_eq!(!aurora.is_empty(), env.aurora.is_some());
            if aurora.is_empty() || !global {
                assert!(!lines.iter().any(|l| l.0 == "AWS/RDS"), "{name} {region}");
            }
            let groups = kinds_in(p, Layer::Redis, region, |k| {
                if let Kind::ReplicationGroup(g) = k {
                    Some(g)
                } else {
                    None
                }
            });
            for g in &groups {
                for n in 1..=1 + g.replicas {
                    let node = V::s(format!("{}-{n:03}", g.id));
                    assert_eq!(
                        shows(&lines, "GlobalDatastoreReplicationLag", &node, region),
                        global,
                        "{name} {region}: node {node:?}"
                    );
                }
            }
            if groups.is_empty() || !global {
                assert!(!lines.iter().any(|l| l.0 == "AWS/ElastiCache"), "{name} {region}");
            }
            let replicators = kinds_in(p, Layer::MskReplication, region, |k| {
                if let Kind::MskReplicator(r) = k {
                    Some(r)
                } else {
                    None
                }
            });
            for r in &replicators {
                for m in ["ReplicationLatency", "ReplicatorThroughput", "MessageLag"] {
                    assert!(shows(&lines, m, &V::s(&r.name), region), "{name} {region}: {m}");
                }
            }
            assert_eq!(
                lines.iter().any(|l| l.0 == "AWS/Kafka"),
                !replicators.is_empty(),
                "{name} {region}"
            );
        }
        // The columns do not overlap, and stay on the grid.
        let placed: Vec<&Widget> = d.widgets.iter().collect();
        for (i, a) in placed.iter().enumerate() {
            assert!(a.x >= 0 && a.x + a.width <= 24, "{name}: {a:?}");
            for b in &placed[i + 1..] {
                let apart =
                    a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
                assert!(apart, "{name}: {a:?} overlaps {b:?}");
            }
        }
    }
}

/// The alarm of the stack's resource `id`.
fn alarm<'a>(s: &'a Stack, id: &str) -> &'a Alarm {
    let r = s.resource(id).unwrap_or_else(|| panic!("{}: no {id}", s.name));
    let Kind::Alarm(a) = &r.kind else {
        panic!("{}: {id} is {r:?}", s.name)
    };
    a
}

/// The alarms that were missing: the Aurora writer, every cache node, the MSK cluster's
/// partitions and each replicator's failures and stalls, per region, on that region's own
/// topic, naming what the plan creates there, within CloudWatch's name limit.
#[test]
fn the_health_alarms_exist_per_region_on_that_regions_topic() {
    for name in SHIPPED {
        let (env, p) = shipped(name, &[]);
        for region in &p.regions {
            let s = find(&p, Layer::Monitoring, region).unwrap();
            let Kind::Topic(t) = &s.resource("alerts_topic").unwrap().kind else {
                panic!()
            };
            let topic = t.name.clone();
            assert!(topic.ends_with(&crate::naming::short_code(region)), "{topic}");
            let mut watched: Vec<&Alarm> = Vec::new();
            for c in kinds_in(&p, Layer::Aurora, region, |k| {
                if let Kind::DbCluster(c) = k {
                    Some(c)
                } else {
                    None
                }
            }) {
                let a = alarm(s, "aurora_writer_cpu");
                assert_eq!(a.metric, "CPUUtilization");
                assert_eq!(
                    a.dimensions,
                    [
                        ("DBClusterIdentifier".to_string(), V::s(&c.id)),
                        ("Role".to_string(), V::s("WRITER"))
                    ]
                );
                watched.push(a);
            }
            for g in kinds_in(&p, Layer::Redis, region, |k| {
                if let Kind::ReplicationGroup(g) = k {
                    Some(g)
                } else {
                    None
                }
            }) {
                for n in 1..=1 + g.replicas {
                    let a = alarm(s, &format!("redis_cpu_{n}"));
                    assert_eq!(a.metric, "EngineCPUUtilization");
                    assert_eq!(
                        a.dimensions,
                        [("CacheClusterId".to_string(), V::s(format!("{}-{n:03}", g.id)))]
                    );
                    watched.push(a);
                }
                assert!(s.resource(&format!("redis_cpu_{}", g.replicas + 2)).is_none());
            }
            for c in kinds_in(&p, Layer::Msk, region, |k| {
                if let Kind::MskCluster(c) = k {
                    Some(c)
                } else {
                    None
                }
            }) {
                let a = alarm(s, "msk_offline_partitions");
                assert_eq!(a.metric, "OfflinePartitionsCount");
                assert_eq!(a.dimensions, [("Cluster Name".to_string(), V::s(&c.name))]);
                watched.push(a);
            }
            let replicators = kinds_in(&p, Layer::MskReplication, region, |k| {
                if let Kind::MskReplicator(r) = k {
                    Some(r)
                } else {
                    None
                }
            });
            let by_replicator: Vec<&Alarm> = s
                .resources
                .iter()
                .filter_map(|r| if let Kind::Alarm(a) = &r.kind { Some(a) } else { None })
                .filter(|a| a.metric == "ReplicatorFailure" || a.statistic == "SampleCount")
                .collect();
            assert_eq!(by_replicator.len(), 2 * replicators.len(), "{name} {region}");
            for r in &replicators {
                let of = |pred: &dyn Fn(&Alarm) -> bool| {
                    by_replicator
                        .iter()
                        .filter(|a| a.dimensions == [("ReplicatorName".to_string(), V::s(&r.name))] && pred(a))
                        .count()
                };
                assert_eq!(of(&|a| a.metric == "ReplicatorFailure"), 1, "{}", r.name);
                assert_eq!(
                    of(&|a| a.metric == "ReplicationLatency" && a.treat_missing == "breaching"),
                    1,
                    "{}",
                    r.name
                );
            }
            watched.extend(by_replicator);
            assert_eq!(env.aurora.is_some(), s.resource("aurora_writer_cpu").is_some());
            assert_eq!(env.msk.is_some(), s.resource("msk_offline_partitions").is_some());
            for a in watched {
                assert_eq!(a.topic, V::r("alerts_topic"), "{}", a.name);
                assert!(crate::aws::limits::CLOUDWATCH_ALARM_NAME.fits(&a.name), "{}", a.name);
                assert!(
                    a.name.ends_with(&crate::naming::short_code(region))
                        || a.name.contains(&format!("-{}-", crate::naming::short_code(region))),
                    "{}",
                    a.name
                );
            }
            // Route 53's alarms stay in us-east-1.
            if region != crate::naming::GLOBAL_REGION {
                assert!(
                    !s.resources
                        .iter()
                        .any(|r| matches!(&r.kind, Kind::Alarm(a) if a.namespace == "AWS/Route53")),
                    "{name} {region}"
                );
            }
        }
    }
}

/// The node counts come from Container Insights: each region's cluster gets the add-on, the
/// agent's identity and the log groups it writes to, encrypted with the region's key.
#[test]
fn every_cluster_runs_the_cloudwatch_agent_that_counts_its_nodes() {
    for name in SHIPPED {
        let (env, p) = shipped(name, &[]);
        for region in &p.regions {
            let s = find(&p, Layer::Monitoring, region).unwrap();
            let clusters = kinds_in(&p, Layer::Eks, region, |k| {
                if let Kind::EksCluster(c) = k {
                    Some(c)
                } else {
                    None
                }
            });
            assert_eq!(clusters.len(), usize::from(env.eks.is_some()), "{name} {region}");
            let addon = s.resource("cloudwatch_observability");
            assert_eq!(addon.is_some(), env.eks.is_some(), "{name} {region}");
            let Some(addon) = addon else { continue };
            let Kind::EksAddon(a) = &addon.kind else {
                panic!("{addon:?}")
            };
            assert_eq!(a.name, "amazon-cloudwatch-observability");
            let cluster_param = s.parameter("EksClusterName").unwrap();
            assert_eq!(a.cluster, V::p(&cluster_param.name));
            assert!(
                matches!(&cluster_param.source, ParamSource::Output { stack, .. } if *stack == find(&p, Layer::Eks, region).unwrap().name)
            );
            let Kind::EksPodIdentityAssociation(assoc) = &s.resource("cloudwatch_agent_pod_identity").unwrap().kind
            else {
                panic!()
            };
            assert_eq!(
                (assoc.namespace.as_str(), assoc.service_account.as_str()),
                ("amazon-cloudwatch", "cloudwatch-agent")
            );
            for kind in ["performance", "application"] {
                let Kind::LogGroup(g) = &s.resource(&format!("container_insights_{kind}_logs")).unwrap().kind else {
                    panic!()
                };
                assert_eq!(g.name, format!("/aws/containerinsights/{}/{kind}", clusters[0].name));
                assert_eq!(g.kms_key, V::p("KmsKeyArn"));
                assert!(addon.depends_on.contains(&format!("container_insights_{kind}_logs")));
            }
            assert!(addon.depends_on.contains(&"cloudwatch_agent_pod_identity".to_string()));
        }
    }
}

const ARC_ON: &str = "genai-demo:multi-region.arc-region-switch=true";

/// The Region switch plans of a plan: (their stack, the plan).
fn region_switch_plans(p: &Plan) -> Vec<(&Stack, &RegionSwitchPlan)> {
    p.stacks
        .iter()
        .flat_map(|s| s.resources.iter().map(move |r| (s, r)))
        .filter_map(|(s, r)| match &r.kind {
            Kind::RegionSwitchPlan(plan) => Some((s, plan)),
            _ => None,
        })
        .collect()
}

/// Every execution block of a plan, in workflow and step order.
fn blocks(plan: &RegionSwitchPlan) -> Vec<&ExecutionBlock> {
    plan.workflows
        .iter()
        .flat_map(|w| w.steps.iter().map(|s| &s.block))
        .collect()
}

/// One plan per pair of the primary and another region: a plan holds exactly two regions, the
/// primary first and its primary region, keyed on `regions.primary`; active-passive plans have
/// an activating workflow per region, active-active ones an activating and a deactivating one.
#[test]
fn region_switch_plans_pair_the_primary_with_each_other_region() {
    for (name, active_active) in [("production", false), ("global", true)] {
        let (env, p) = shipped(name, &[ARC_ON]);
        let plans = region_switch_plans(&p);
        let others: Vec<&str> = p.regions[1..].iter().map(String::as_str).collect();
        assert_eq!(plans.len(), others.len(), "{name}: one plan per other region");
        for ((s, plan), other) in plans.iter().zip(&others) {
            assert_eq!((s.layer, s.region.as_str()), (Layer::Recovery, "us-east-1"), "{name}");
            assert_eq!(plan.regions, [p.regions[0].as_str(), *other], "{name}");
            assert_eq!(plan.primary_region, p.regions[0], "{name}");
            assert_eq!(
                plan.name,
                format!("{}-{}-{}", p.prefix, p.environment, crate::naming::short_code(other))
            );
            assert!(plan.name.len() <= 32, "{}", plan.name);
            assert_eq!(plan.active_active, active_active, "{name}");
            let actions: Vec<(WorkflowAction, Option<&str>)> = plan
                .workflows
                .iter()
                .map(|w| (w.action, w.target_region.as_deref()))
                .collect();
            if active_active {
                assert_eq!(
                    actions,
                    [(WorkflowAction::Deactivate, None), (WorkflowAction::Activate, None)]
                );
            } else {
                assert_eq!(
                    actions,
                    [
                        (WorkflowAction::Activate, Some(p.regions[0].as_str())),
                        (WorkflowAction::Activate, Some(*other))
                    ]
                );
            }
            // Step names are unique in the plan, and each Aurora and EKS block names exactly the
            // pair's two clusters.
            let mut names: Vec<&str> = plan
                .workflows
                .iter()
                .flat_map(|w| w.steps.iter().map(|st| st.name.as_str()))
                .collect();
            let n = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), n, "{}: step names", plan.name);
            for b in blocks(plan) {
                let pair = |what: &str| -> Vec<V> {
                    [p.regions[0].as_str(), *other]
                        .iter()
                        .map(|r| V::p(&format!("{what}{}", pascal(&crate::naming::short_code(r)))))
                        .collect()
                };
                match b {
                    ExecutionBlock::AuroraGlobalDatabase { clusters, .. } => {
                        assert_eq!(*clusters, pair("AuroraClusterArn"));
                    }
                    ExecutionBlock::EksResourceScaling { clusters, deployments } => {
                        assert_eq!(*clusters, pair("EksClusterArn"));
                        let w = &env.eks.as_ref().unwrap().workload;
                        let regions: Vec<&str> = deployments.iter().map(|d| d.0.as_str()).collect();
                        assert_eq!(regions, [p.regions[0].as_str(), *other]);
                        assert!(deployments
                            .iter()
                            .all(|d| (d.1.as_str(), d.2.as_str()) == (&w.namespace, &w.service_account)));
                    }
                    ExecutionBlock::ManualApproval { approval_role } => {
                        assert_eq!(*approval_role, V::attr("approval_role", Attr::Arn));
                    }
                }
            }
        }
        // Each region with a cluster gives the execution role an access entry, in its own
        // region: in the plans' stack for us-east-1, in the region's recovery stack elsewhere.
        for region in &p.regions {
            let entries = kinds_in(&p, Layer::Recovery, region, |k| match k {
                Kind::EksAccessEntry(e) => Some(e),
                _ => None,
            });
            assert_eq!(entries.len(), 1, "{name} {region}");
            assert_eq!(
                entries[0].namespaces,
                [env.eks.as_ref().unwrap().workload.namespace.clone()]
            );
            let s = find(&p, Layer::Recovery, region).unwrap();
            let eks = find(&p, Layer::Eks, region).unwrap();
            assert!(s.depends_on.contains(&eks.name), "{}", s.name);
            if region != "us-east-1" {
                assert_eq!(entries[0].principal, V::p("RegionSwitchRoleArn"));
                assert!(s
                    .depends_on
                    .contains(&format!("{}-{}-recovery-us-east-1", p.prefix, p.environment)));
            }
        }
        // Everything of the layer is CloudFormation's only.
        for s in p.stacks.iter().filter(|s| s.layer == Layer::Recovery) {
            assert!(
                s.resources.iter().all(|r| r.backends == Backends::CloudFormationOnly),
                "{}",
                s.name
            );
            assert!(
                s.outputs.iter().all(|o| o.backends == Backends::CloudFormationOnly),
                "{}",
                s.name
            );
        }
    }
}

/// SPEC 5.4: a plan's primary region and regions are create-only, so moving the writer leaves
/// every recovery stack exactly as it was: the plans stay keyed on `regions.primary`.
#[test]
fn region_switch_plans_stay_put_when_the_writer_moves() {
    for name in ["production", "global"] {
        let (_, base) = shipped(name, &[ARC_ON]);
        let recovery = |p: &Plan| -> Vec<Stack> {
            p.stacks
                .iter()
                .filter(|s| s.layer == Layer::Recovery)
                .cloned()
                .collect()
        };
        assert!(!recovery(&base).is_empty());
        for writer in &base.regions[1..] {
            let (_, moved) = shipped(name, &[ARC_ON, &format!("genai-demo:multi-region.writer={writer}")]);
            assert_eq!(&moved.writer, writer);
            assert_eq!(recovery(&moved), recovery(&base), "{name}, writer {writer}");
            for (_, plan) in region_switch_plans(&moved) {
                assert_eq!(plan.primary_region, base.regions[0], "{name}, writer {writer}");
            }
        }
    }
}

/// A block for a component the environment leaves out is left out too, with the role's
/// permissions for it, the parameters that would feed it and the access entries.
#[test]
fn region_switch_blocks_follow_the_components() {
    let has = |p: &Plan, pick: fn(&ExecutionBlock) -> bool| {
        region_switch_plans(p)
            .iter()
            .any(|(_, plan)| blocks(plan).into_iter().any(pick))
    };
    let aurora = |b: &ExecutionBlock| matches!(b, ExecutionBlock::AuroraGlobalDatabase { .. });
    let eks = |b: &ExecutionBlock| matches!(b, ExecutionBlock::EksResourceScaling { .. });
    let approval = |b: &ExecutionBlock| matches!(b, ExecutionBlock::ManualApproval { .. });
    let actions = |p: &Plan| -> Vec<String> {
        let s = find(p, Layer::Recovery, "us-east-1").unwrap();
        let Kind::IamRole(role) = &s.resource("execution_role").unwrap().kind else {
            panic!()
        };
        role.policy.iter().flat_map(|st| st.actions.clone()).collect()
    };
    let approval_text = |p: &Plan| -> String {
        let (_, plan) = region_switch_plans(p)[0];
        let step = plan.workflows[0].steps.iter().find(|st| approval(&st.block)).unwrap();
        let V::Join(parts) = &step.description else {
            panic!("{:?}", step.description)
        };
        parts
            .iter()
            .map(|v| match v {
                V::Str(s) => s.clone(),
                V::Param(p) => format!("<{p}>"),
                other => panic!("{other:?}"),
            })
            .collect()
    };

    let (_, all) = shipped("production", &[ARC_ON]);
    assert!(has(&all, aurora) && has(&all, eks) && has(&all, approval));
    assert!(actions(&all).contains(&"rds:SwitchoverGlobalCluster".to_string()));
    assert!(actions(&all).contains(&"eks:DescribeCluster".to_string()));
    let text = approval_text(&all);
    assert!(
        text.contains("failover-global-replication-group --global-replication-group-id <GlobalReplicationGroupId>"),
        "{text}"
    );
    assert!(text.contains("msk/cluster-arn"), "{text}");

    let (_, bare) = shipped(
        "production",
        &[
            ARC_ON,
            "genai-demo:aurora.enabled=false",
            "genai-demo:eks.enabled=false",
            "genai-demo:redis.enabled=false",
            "genai-demo:msk.enabled=false",
        ],
    );
    assert!(!has(&bare, aurora), "no Aurora block without Aurora");
    assert!(!has(&bare, eks), "no EKS block without EKS");
    assert!(has(&bare, approval), "the approval stays: the writer still moves");
    let left: Vec<String> = actions(&bare);
    assert!(
        left.iter().all(|a| !a.starts_with("rds:") && !a.starts_with("eks:")),
        "{left:?}"
    );
    let text = approval_text(&bare);
    assert!(!text.contains("elasticache") && !text.contains("MSK:"), "{text}");
    assert!(text.contains("multi-region.writer"), "{text}");
    // No access entries, so no recovery stack in the application's regions.
    let stacks: Vec<&str> = bare
        .stacks
        .iter()
        .filter(|s| s.layer == Layer::Recovery)
        .map(|s| s.region.as_str())
        .collect();
    assert_eq!(stacks, ["us-east-1"]);
    let s = find(&bare, Layer::Recovery, "us-east-1").unwrap();
    assert!(s.parameters.is_empty() && s.depends_on.is_empty(), "{:?}", s.parameters);
}

/// No recovery stack unless the key asks for one and a secondary region is rendered.
#[test]
fn no_recovery_stack_without_the_key_or_a_secondary() {
    let recovery = |p: &Plan| p.stacks.iter().filter(|s| s.layer == Layer::Recovery).count();
    for name in SHIPPED {
        let (env, p) = shipped(name, &["genai-demo:multi-region.arc-region-switch=false"]);
        assert!(!env.arc_region_switch);
        assert_eq!(recovery(&p), 0, "{name}");
    }
    // Asked for with DR off or no secondary at all (MR307 warns): nothing to pair the primary
    // with.
    let file = |regions: &str| {
        format!(
            "genai-demo:regions: {regions}\n\
             genai-demo:multi-region: {{enable-dr: false, arc-region-switch: true}}\n"
        )
    };
    for regions in [
        "{primary: ap-northeast-1, secondary: ap-northeast-2}",
        "{primary: ap-northeast-1}",
    ] {
        let (env, p) = checked("production", "f.yaml", file(regions).as_bytes(), &[]);
        assert!(env.arc_region_switch && p.regions.len() == 1, "{regions}");
        assert_eq!(recovery(&p), 0, "{regions}");
    }
    let (_, p) = shipped("development", &[ARC_ON]);
    assert_eq!(recovery(&p), 0);
}
