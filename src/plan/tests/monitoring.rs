//! The monitoring layer's plan: the dashboard, the health alarms and Container Insights.

use super::*;

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
