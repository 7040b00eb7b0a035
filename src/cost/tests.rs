//! The estimate checked against the price table it reads and against the plans it prices.

use super::*;
use crate::aws::prices::{Entry, PriceFile, NOT_COMPILED};
use crate::plan::tests::shipped;

const SHIPPED: [&str; 5] = ["development", "eu-production", "global", "production", "staging"];

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6 * a.abs().max(1.0)
}

#[test]
fn each_item_is_its_quantity_times_the_cited_price_and_the_totals_add_up() {
    let prices = Prices::compiled();
    for name in SHIPPED {
        let (env, plan) = shipped(name, &[]);
        let e = estimate(&env, &plan, &prices);
        let mut total = 0.0;
        for g in &e.regions {
            let mut sum = 0.0;
            for i in &g.items {
                let Some(p) = &i.price else { continue };
                let region = if i.key.starts_with("route53-") || i.key == "cloudwatch-dashboard" {
                    GLOBAL
                } else {
                    g.region.as_str()
                };
                let table = prices.find(&i.key, region).map(|f| (f.usd, f.source.to_string()));
                assert_eq!(
                    table,
                    Some((p.unit_price, p.source.clone())),
                    "{name} {} {}",
                    g.region,
                    i.key
                );
                assert!(close(p.monthly, i.quantity * p.unit_price), "{name} {i:?}");
                assert!(i.quantity > 0.0 || i.count == 0, "{name} {i:?}");
                sum += p.monthly;
            }
            assert!(close(g.monthly, sum), "{name} {}", g.region);
            total += g.monthly;
        }
        assert!(close(e.monthly_total, total), "{name}");
        assert!(e.monthly_total > 0.0, "{name}");
    }
}

#[test]
fn the_hours_of_an_instance_are_its_count_times_730() {
    let (env, plan) = shipped("production", &[]);
    let e = estimate(&env, &plan, &Prices::compiled());
    let tokyo = e.regions.iter().find(|g| g.region == "ap-northeast-1");
    let db = tokyo.and_then(|g| g.items.iter().find(|i| i.key == "aurora-postgresql:db.r6g.xlarge"));
    // The writer and two readers: 3 × 730 hours at Tokyo's 0.627 USD.
    let got = db.map(|i| {
        (
            i.count,
            i.quantity,
            i.price.as_ref().map(|p| (p.monthly * 100.0).round()),
        )
    });
    assert_eq!(got, Some((3, 2190.0, Some(137313.0))));
}

#[test]
fn a_region_without_prices_gives_an_incomplete_estimate_not_a_wrong_one() {
    let (env, plan) = shipped("development", &["genai-demo:regions.primary=sa-east-1"]);
    let e = estimate(&env, &plan, &Prices::compiled());
    assert!(!e.complete);
    let sa = e.regions.iter().find(|g| g.region == "sa-east-1");
    let sa = sa.unwrap_or_else(|| panic!("no sa-east-1 in {:?}", e.regions));
    // Nothing regional is priced there, and nothing is counted as zero; the dashboard's price
    // is global.
    let global = |i: &&Item| i.key == "cloudwatch-dashboard";
    assert!(
        sa.items.iter().filter(|i| !global(i)).all(|i| i.price.is_none()),
        "{:?}",
        sa.items
    );
    assert_eq!(sa.monthly, 3.0);
    // What is priced (the global services in us-east-1) still is, at its price.
    let priced: f64 = e.regions.iter().map(|g| g.monthly).sum();
    assert!(close(e.monthly_total, priced));
    assert_eq!(e.unpriced().count(), sa.items.len() - 1);
}

#[test]
fn every_kind_is_free_with_a_reason_or_priced_from_the_table() {
    // `bill` is one exhaustive match: a kind without an arm does not compile. This checks the
    // arms: every kind appears in a shipped plan (or one of the variants below), and every key
    // a priced kind asks for is compiled for the shipped regions or listed as not compiled.
    let variants: &[(&str, &[&str])] = &[
        ("development", &[]),
        ("eu-production", &[]),
        ("global", &[]),
        ("production", &[]),
        ("staging", &[]),
        // CNAME records (no ingress: endpoints given).
        (
            "production",
            &[
                "genai-demo:ingress.enabled=false",
                r#"genai-demo:route53.endpoints={"ap-northeast-1":"tokyo.example.org","ap-northeast-2":"seoul.example.org"}"#,
            ],
        ),
    ];
    let prices = Prices::compiled();
    let mut seen = std::collections::BTreeSet::new();
    for (name, overrides) in variants {
        let (env, plan) = shipped(name, overrides);
        let cx = Context::of(&env, &plan);
        for s in &plan.stacks {
            for r in &s.resources {
                seen.insert(r.kind.name());
                match bill(r, s, &cx) {
                    Bill::Free(why) => assert!(why.len() > 10, "{}: {why}", r.kind.name()),
                    Bill::Items(charges) => {
                        assert!(!charges.is_empty(), "{}", r.kind.name());
                        for c in charges {
                            let region = c
                                .price_region
                                .map_or_else(|| c.region.clone().unwrap_or_else(|| s.region.clone()), str::to_string);
                            let known =
                                prices.find(&c.key, &region).is_some() || NOT_COMPILED.iter().any(|(k, _)| *k == c.key);
                            assert!(known, "{name}: {} asks for `{}` in {region}", r.kind.name(), c.key);
                        }
                    }
                }
            }
        }
    }
    let unseen: Vec<_> = Kind::NAMES.iter().filter(|k| !seen.contains(*k)).collect();
    assert!(
        unseen.is_empty(),
        "kinds no plan here holds, whose bill is unchecked: {unseen:?}"
    );
}

#[test]
fn spot_nodes_are_priced_on_demand_and_say_it_is_an_upper_bound() {
    let (env, plan) = shipped("staging", &[]);
    let e = estimate(&env, &plan, &Prices::compiled());
    let nodes: Vec<_> = e
        .regions
        .iter()
        .flat_map(|g| &g.items)
        .filter(|i| i.key.starts_with("ec2:"))
        .collect();
    assert!(!nodes.is_empty());
    for n in nodes {
        assert_eq!(
            n.note,
            Some("SPOT priced on demand: an upper bound".to_string()),
            "{n:?}"
        );
        assert!(n.price.is_some(), "{n:?}");
    }
}

#[test]
fn a_price_file_completes_the_estimate_and_each_item_says_which_table_it_read() {
    let (env, plan) = shipped("production", &[]);
    let before = estimate(&env, &plan, &Prices::compiled());
    assert!(!before.complete);
    let mut missing: Vec<(String, String)> = before
        .regions
        .iter()
        .flat_map(|g| {
            g.items
                .iter()
                .filter(|i| i.price.is_none())
                .map(move |i| (i.key.clone(), g.region.clone()))
        })
        .collect();
    missing.dedup();
    let file = PriceFile {
        currency: "USD".into(),
        prices: missing
            .iter()
            .map(|(key, region)| Entry {
                key: key.clone(),
                region: region.clone(),
                usd: 1.0,
                unit: "unit".into(),
                source: "test".into(),
                date: String::new(),
            })
            .collect(),
    };
    let after = estimate(&env, &plan, &Prices::with_file(file, "mine.yaml"));
    assert!(after.complete);
    let added: f64 = after
        .regions
        .iter()
        .flat_map(|g| &g.items)
        .filter_map(|i| i.price.as_ref().filter(|p| p.table == "mine.yaml").map(|_| i.quantity))
        .sum();
    assert!(added > 0.0);
    assert!(close(after.monthly_total, before.monthly_total + added));
}

#[test]
fn cross_region_transfer_leaves_the_writer_for_every_other_region_at_the_senders_rate() {
    let (env, plan) = shipped("global", &[]);
    let e = estimate(&env, &plan, &Prices::compiled());
    let transfers: Vec<(String, String, f64)> = e
        .regions
        .iter()
        .flat_map(|g| {
            g.items.iter().filter(|i| i.component == "transfer").map(move |i| {
                (
                    g.region.clone(),
                    i.key.clone(),
                    i.price.as_ref().map_or(0.0, |p| p.unit_price),
                )
            })
        })
        .collect();
    assert_eq!(
        transfers,
        vec![
            ("us-east-1".to_string(), "transfer-to:eu-west-1".to_string(), 0.02),
            ("us-east-1".to_string(), "transfer-to:ap-northeast-1".to_string(), 0.02),
        ]
    );
    let (env, plan) = shipped("production", &["genai-demo:multi-region.writer=ap-northeast-2"]);
    let e = estimate(&env, &plan, &Prices::compiled());
    let seoul = e.regions.iter().find(|g| g.region == "ap-northeast-2");
    let t = seoul.and_then(|g| g.items.iter().find(|i| i.component == "transfer"));
    // Seoul sends at 0.08 USD/GB where Tokyo sends at 0.09.
    assert_eq!(t.and_then(|i| i.price.as_ref().map(|p| p.unit_price)), Some(0.08));
}

#[test]
fn a_load_balancer_bills_a_public_address_per_zone_and_container_insights_has_a_line() {
    let (env, plan) = shipped("production", &[]);
    let e = estimate(&env, &plan, &Prices::compiled());
    for g in e
        .regions
        .iter()
        .filter(|g| env.regions.iter().any(|r| r.code == g.region))
    {
        let azs = env
            .regions
            .iter()
            .find(|r| r.code == g.region)
            .map_or(0, |r| r.az_count);
        let ips = g.items.iter().find(|i| i.what == "public IPv4 address (load balancer)");
        assert_eq!(
            ips.map(|i| (i.count, i.quantity)),
            Some((i64::from(azs), f64::from(azs) * 730.0)),
            "{}",
            g.region
        );
        let ci = g.items.iter().find(|i| i.key == "container-insights");
        assert!(
            ci.is_some_and(|i| i.price.is_none() && i.count == 1),
            "{}: {ci:?}",
            g.region
        );
        let plane = g.items.iter().find(|i| i.key == "eks-cluster");
        let note = plane.and_then(|i| i.note.clone()).unwrap_or_default();
        assert!(note.contains("leaves standard support on 20"), "{}: {note}", g.region);
    }
    // Without ingress there is no load balancer, and no address for it.
    let (env, plan) = shipped(
        "production",
        &[
            "genai-demo:ingress.enabled=false",
            r#"genai-demo:route53.endpoints={"ap-northeast-1":"tokyo.example.org","ap-northeast-2":"seoul.example.org"}"#,
        ],
    );
    let e = estimate(&env, &plan, &Prices::compiled());
    assert!(e
        .regions
        .iter()
        .flat_map(|g| &g.items)
        .all(|i| i.what != "public IPv4 address (load balancer)"));
}
