//! The cross-region dashboard's contents: what it shows for each region the environment renders
//! (the widgets' types, their grid and the body both backends write are `plan::dashboard`'s).

use super::*;

/// One metric of a dashboard widget; an empty `label` leaves CloudWatch's (a graph of one line
/// needs none: its title says what it is).
fn line(namespace: &str, name: &str, dims: Vec<(&str, V)>, region: &str, label: &str) -> WidgetMetric {
    WidgetMetric {
        namespace: namespace.into(),
        name: name.into(),
        dimensions: dims.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        region: region.into(),
        label: (!label.is_empty()).then(|| label.to_string()),
        stat: None,
        right_axis: false,
    }
}

/// A graph titled with its column's region.
fn graph(column: &str, what: &str, region: &str, stat: &str, metrics: Vec<WidgetMetric>) -> Option<WidgetBody> {
    Some(WidgetBody::Metrics {
        title: format!("{column}: {what}"),
        region: region.into(),
        stat: stat.into(),
        period: 60,
        metrics,
    })
}

/// The cross-region dashboard, in the primary region's monitoring stack: one column per region,
/// a row per thing the environment renders (entry points, EKS nodes, and the replication of
/// each data store). Dashboards are account-wide; it stays where it was created whichever region
/// writes (SPEC section 5.4), so nothing in it depends on the writer.
pub(super) fn dashboard(env: &Environment, dns_stack: Option<&Stack>, s: &mut Stack) {
    let regions = &env.regions;
    let global = regions.len() > 1;
    let column = |f: &mut dyn FnMut(&RegionEnv) -> Option<WidgetBody>| regions.iter().map(f).collect::<Vec<_>>();
    let mut rows: Vec<Vec<Option<WidgetBody>>> = Vec::new();
    if let Some(d) = dns_stack {
        rows.push(column(&mut |r| {
            let check = Out::HealthCheckId(pascal(&short_code(&r.code)));
            let name = check.name();
            take_once(s, take(&d.name, check));
            graph(
                &r.code,
                "health check (1 healthy)",
                GLOBAL_REGION,
                "Minimum",
                vec![line(
                    metric::ROUTE53,
                    metric::HEALTH_CHECK_STATUS,
                    vec![("HealthCheckId", V::p(&name))],
                    GLOBAL_REGION,
                    "",
                )],
            )
        }));
    }
    if env.ingress.is_some() && env.route53.is_some() {
        // The region's load balancer, by the full name its ingress stack gives.
        let mut by_lb = |r: &RegionEnv| {
            let name = format!("LoadBalancerFullName{}", pascal(&short_code(&r.code)));
            let ingress = stack_name(env, Layer::Ingress, &r.code);
            take_once(s, param(&name, &ingress, Out::LoadBalancerFullName));
            vec![("LoadBalancer", V::p(&name))]
        };
        rows.push(column(&mut |r| {
            graph(
                &r.code,
                "load balancer 5XX",
                &r.code,
                "Sum",
                vec![
                    line(metric::ELB, metric::ELB_5XX, by_lb(r), &r.code, "load balancer"),
                    line(metric::ELB, metric::TARGET_5XX, by_lb(r), &r.code, "pods"),
                ],
            )
        }));
        rows.push(column(&mut |r| {
            let mut p99 = line(metric::ELB, metric::RESPONSE_TIME, by_lb(r), &r.code, "p99");
            p99.stat = Some("p99".into());
            let average = line(metric::ELB, metric::RESPONSE_TIME, by_lb(r), &r.code, "average");
            graph(&r.code, "response time (s)", &r.code, "Average", vec![p99, average])
        }));
    }
    if env.eks.is_some() {
        rows.push(column(&mut |r| {
            let by_cluster = || vec![("ClusterName", V::s(regional_id(env, "eks", &r.code)))];
            graph(
                &r.code,
                "EKS nodes",
                &r.code,
                "Average",
                vec![
                    line(
                        metric::CONTAINER_INSIGHTS,
                        metric::NODE_COUNT,
                        by_cluster(),
                        &r.code,
                        "nodes",
                    ),
                    line(
                        metric::CONTAINER_INSIGHTS,
                        metric::FAILED_NODE_COUNT,
                        by_cluster(),
                        &r.code,
                        "failed",
                    ),
                ],
            )
        }));
    }
    // Replication lag of every region's member: whichever is a secondary now reports it (the
    // writer's has no data), so the dashboard need not know which.
    if global && env.aurora.is_some() {
        rows.push(column(&mut |r| {
            graph(
                &r.code,
                "Aurora replication lag (ms)",
                &r.code,
                "Maximum",
                vec![line(
                    metric::RDS,
                    metric::AURORA_GLOBAL_LAG,
                    vec![("DBClusterIdentifier", V::s(regional_id(env, "aurora", &r.code)))],
                    &r.code,
                    "",
                )],
            )
        }));
    }
    if global && env.redis.is_some() {
        rows.push(column(&mut |r| {
            let nodes = cache_nodes(env, r)
                .into_iter()
                .map(|node| {
                    // The node's number (`001`) tells the lines apart.
                    let number = node.rsplit('-').next().unwrap_or_default().to_string();
                    line(
                        metric::ELASTICACHE,
                        metric::DATASTORE_LAG,
                        vec![("CacheClusterId", V::s(&node))],
                        &r.code,
                        &number,
                    )
                })
                .collect();
            graph(&r.code, "Global Datastore lag (s)", &r.code, "Maximum", nodes)
        }));
    }
    let pairs = replication_pairs(env);
    if !pairs.is_empty() {
        let replicators = |r: &RegionEnv| -> Vec<(String, String)> {
            pairs
                .iter()
                .filter(|(_, t)| *t == r.code)
                .map(|(src, _)| (src.clone(), naming::replicator_name(env, src, &r.code)))
                .collect()
        };
        rows.push(column(&mut |r| {
            let into = replicators(r);
            (!into.is_empty()).then_some(())?;
            let lines = into
                .iter()
                .map(|(src, name)| {
                    line(
                        metric::KAFKA,
                        metric::REPLICATION_LATENCY,
                        vec![("ReplicatorName", V::s(name))],
                        &r.code,
                        &format!("from {src}"),
                    )
                })
                .collect();
            graph(&r.code, "MSK Replicator latency (ms)", &r.code, "Maximum", lines)
        }));
        rows.push(column(&mut |r| {
            let into = replicators(r);
            (!into.is_empty()).then_some(())?;
            let mut lines = Vec::new();
            for (src, name) in &into {
                let by = || vec![("ReplicatorName", V::s(name))];
                lines.push(line(
                    metric::KAFKA,
                    metric::REPLICATOR_THROUGHPUT,
                    by(),
                    &r.code,
                    &format!("bytes/s from {src}"),
                ));
                let mut lag = line(
                    metric::KAFKA,
                    metric::MESSAGE_LAG,
                    by(),
                    &r.code,
                    &format!("messages behind {src}"),
                );
                lag.stat = Some("Maximum".into());
                lag.right_axis = true;
                lines.push(lag);
            }
            graph(&r.code, "MSK Replicator throughput, lag", &r.code, "Average", lines)
        }));
    }
    // What the dashboard shows must exist before it (SPEC section 5: monitoring after what it
    // watches).
    for r in regions {
        for (on, layer) in [
            (env.aurora.is_some(), Layer::Aurora),
            (env.redis.is_some(), Layer::Redis),
            (env.eks.is_some(), Layer::Eks),
            (pairs.iter().any(|(_, t)| *t == r.code), Layer::MskReplication),
        ] {
            if on {
                s.depends_on.push(stack_name(env, layer, &r.code));
            }
        }
    }
    let codes: Vec<&str> = regions.iter().map(|r| r.code.as_str()).collect();
    let header = WidgetBody::Text {
        markdown: format!(
            "## {} {}\nOne column per region: {}. Dashboards are account-wide: this one lives in {}, where it was created, whichever region writes now. Rendered by mrgen; a change made here is undone by the next deploy.",
            env.prefix,
            env.name,
            codes.join(", "),
            env.primary().code,
        ),
    };
    let mut widgets = vec![crate::plan::dashboard::Widget {
        x: 0,
        y: 0,
        width: crate::plan::dashboard::GRID_WIDTH,
        height: HEADER_HEIGHT,
        body: header,
    }];
    widgets.extend(grid(regions.len(), HEADER_HEIGHT, rows));
    s.resources.push(res(
        "dashboard",
        Kind::Dashboard(Dashboard {
            name: global_id(env, "regions"),
            widgets,
        }),
    ));
}

/// The height of the dashboard's header text.
const HEADER_HEIGHT: i64 = 2;
