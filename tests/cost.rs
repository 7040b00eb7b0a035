//! `mrgen cost` through the binary: the snapshot of production's estimate, the price table's
//! round trip through `--print-prices` and `--prices`, a bad price file's diagnostic, MR602's
//! exit status with the estimate still printed, and `plan`'s total.

use crate::common::{self, run};
use serde_json::Value;

/// The snapshots of `mrgen cost production`: the table and the JSON.
pub const COST_SNAPSHOTS: [&str; 2] = ["cost-production-table", "cost-production-json"];

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"))
}

#[test]
fn production_cost_as_snapshotted() {
    let table = run(&["cost", "production"]);
    assert_eq!(table.code, 0, "{}", table.stderr);
    let as_json = run(&["cost", "production", "--json"]);
    assert_eq!(as_json.code, 0, "{}", as_json.stderr);
    common::insta_settings().bind(|| {
        insta::assert_snapshot!(COST_SNAPSHOTS[0], table.stdout);
        insta::assert_snapshot!(COST_SNAPSHOTS[1], as_json.stdout);
    });
}

#[test]
fn the_json_has_the_shape_spec_5_3_gives_and_adds_up() {
    let v = json(&run(&["cost", "production", "--json"]).stdout);
    for key in [
        "environment",
        "currency",
        "prices-as-of",
        "monthly-total",
        "complete",
        "regions",
        "assumptions",
    ] {
        assert!(v.get(key).is_some(), "no `{key}` in {v}");
    }
    assert_eq!(v["currency"], "USD");
    let mut total = 0.0;
    for r in v["regions"].as_array().into_iter().flatten() {
        let mut sum = 0.0;
        let items = r["items"].as_array().map_or(0, Vec::len) as f64;
        for i in r["items"].as_array().into_iter().flatten() {
            for key in [
                "component",
                "item",
                "quantity",
                "unit",
                "unit-price",
                "monthly",
                "source",
            ] {
                assert!(i.get(key).is_some(), "no `{key}` in {i}");
            }
            if let (Some(q), Some(p), Some(m)) =
                (i["quantity"].as_f64(), i["unit-price"].as_f64(), i["monthly"].as_f64())
            {
                assert!((q * p - m).abs() < 0.01, "{i}");
                sum += m;
            }
        }
        let monthly = r["monthly"].as_f64().unwrap_or(-1.0);
        // Each item is rounded to the cent, the region's sum is not.
        assert!(
            (monthly - sum).abs() <= 0.005 * items + 1e-6,
            "{} vs {sum}",
            r["region"]
        );
        total += monthly;
    }
    let stated = v["monthly-total"].as_f64().unwrap_or(-1.0);
    assert!((stated - total).abs() < 0.05, "{stated} vs {total}");
    // `plan` prints the same total.
    let plan = json(&run(&["plan", "production", "--json"]).stdout);
    assert_eq!(plan["cost"]["monthly-total"], v["monthly-total"]);
    assert_eq!(plan["cost"]["complete"], v["complete"]);
    let text = run(&["plan", "production"]).stdout;
    let line = format!("Monthly estimate: {} USD", mrgen::cost::text::usd(stated));
    assert!(text.contains(&line), "`{line}` not in:\n{text}");
}

#[test]
fn the_printed_prices_read_back_and_a_file_entry_wins_and_says_so() {
    let printed = run(&["cost", "--print-prices"]);
    assert_eq!(printed.code, 0, "{}", printed.stderr);
    let dir = common::tempdir("cost-prices");
    let same = dir.join("same.json");
    std::fs::write(&same, &printed.stdout).expect("write");
    let compiled = run(&["cost", "production", "--json"]).stdout;
    let mut again = json(&run(&["cost", "production", "--json", "--prices", same.to_str().unwrap_or("")]).stdout);
    // Read back from a file, every price is the same; only the table's name differs.
    for r in again["regions"].as_array_mut().into_iter().flatten() {
        for i in r["items"].as_array_mut().into_iter().flatten() {
            if i["table"].is_string() {
                assert_eq!(i["table"], same.to_str().unwrap_or(""), "{i}");
                i["table"] = Value::from("compiled");
            }
        }
    }
    assert_eq!(again, json(&compiled));

    // A YAML file with the NAT gateways' prices: those items are priced from it.
    let mine = dir.join("rates.yaml");
    std::fs::write(
        &mine,
        "currency: USD\nprices:\n  - key: nat-gateway\n    region: ap-northeast-1\n    usd: 0.062\n    unit: hour\n    source: our own reading\n",
    )
    .expect("write");
    let v = json(&run(&["cost", "production", "--json", "--prices", mine.to_str().unwrap_or("")]).stdout);
    let tokyo = v["regions"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["region"] == "ap-northeast-1"));
    let nat = tokyo.and_then(|r| {
        r["items"]
            .as_array()
            .and_then(|i| i.iter().find(|i| i["key"] == "nat-gateway"))
    });
    let nat = nat.unwrap_or_else(|| panic!("no NAT gateway item in {v}"));
    assert_eq!(nat["unit-price"], 0.062);
    assert_eq!(nat["table"], mine.to_str().unwrap_or(""));
    assert_eq!(nat["monthly"], 135.78, "3 × 730 h × 0.062");
    // The table says it too, in a column it has only when a file gave prices.
    let text = run(&["cost", "production", "--prices", mine.to_str().unwrap_or("")]).stdout;
    let line = text
        .lines()
        .find(|l| l.contains("× NAT gateway ") && l.contains("hours"));
    let line = line.unwrap_or_else(|| panic!("no NAT gateway line in:\n{text}"));
    assert!(
        line.contains("0.062") && line.ends_with(mine.to_str().unwrap_or("")),
        "{line}"
    );
    assert!(!run(&["cost", "production"]).stdout.contains("TABLE"));
    let before = json(&compiled)["monthly-total"].as_f64().unwrap_or(0.0);
    let after = v["monthly-total"].as_f64().unwrap_or(0.0);
    assert!((after - before - 135.78).abs() < 0.02, "{before} → {after}");
}

#[test]
fn a_bad_price_file_is_refused_with_where_and_why() {
    let dir = common::tempdir("cost-bad-prices");
    let bad = dir.join("rates.yaml");
    std::fs::write(
        &bad,
        "currency: USD\nprices:\n  - key: nat-gateway\n    region: ap-northeast-1\n    usd: '0.062'\n    unit: hour\n",
    )
    .expect("write");
    let r = run(&["cost", "production", "--prices", bad.to_str().unwrap_or("")]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    let want = format!("{}:5:5: error[MR003] `prices[0].usd`: is not a number", bad.display());
    assert!(r.stderr.contains(&want), "`{want}` not in:\n{}", r.stderr);
    assert!(r.stderr.contains("help:"), "{}", r.stderr);
}

#[test]
fn above_the_hard_cap_the_estimate_is_still_printed_and_the_exit_is_1() {
    let seeds = common::fixtures().join("invalid/mr602-seeds-over-hard-cap.yaml");
    let r = run(&["cost", "production", "--file", seeds.to_str().unwrap_or(""), "--json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v = json(&r.stdout);
    assert_eq!(v["complete"], false, "Taipei has no MSK or cache.r6g.large price");
    assert!(v["monthly-total"].as_f64().unwrap_or(0.0) > 220.0);
    assert!(r.stderr.contains("error[MR602]"), "{}", r.stderr);
    assert!(
        r.stderr.contains("db.r6g.large instance in ap-northeast-1"),
        "{}",
        r.stderr
    );
    // Another error: nothing is estimated.
    let broken = common::fixtures().join("invalid/mr601-soft-equals-hard.yaml");
    let r = run(&["cost", "production", "--file", broken.to_str().unwrap_or("")]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(r.stderr.contains("error[MR601]"), "{}", r.stderr);
}

#[test]
fn the_readmes_estimate_is_what_mrgen_prints() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap_or_default();
    let section = readme.split("## What it costs").nth(1).unwrap_or_default();
    let block = section.split("```").nth(1).unwrap_or_default();
    let printed = run(&["cost", "production"]).stdout;
    let lines: Vec<&str> = printed.lines().collect();
    let shown: Vec<&str> = block
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('('))
        .collect();
    assert!(shown.len() > 20, "{block}");
    for l in shown {
        assert!(
            lines.contains(&l),
            "the README shows a line `mrgen cost production` does not print:\n{l}"
        );
    }
}

#[test]
fn mr602_in_cost_reads_the_price_file_the_estimate_reads() {
    let over_soft = common::fixtures().join("invalid/mr602-over-soft-cap.yaml");
    let file = over_soft.to_str().unwrap_or("");
    let r = run(&["cost", "production", "--file", file, "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("warning[MR602]"), "{}", r.stderr);
    // Negotiated broker rates bring the estimate under the soft cap: no warning any more.
    let dir = common::tempdir("cost-negotiated");
    let rates = dir.join("rates.yaml");
    let mut text = String::from("currency: USD\nprices:\n");
    for region in ["ap-northeast-1", "ap-northeast-2"] {
        text.push_str(&format!(
            "  - key: msk-broker:kafka.m5.large\n    region: {region}\n    usd: 0.01\n    unit: broker-hour\n"
        ));
    }
    std::fs::write(&rates, text).expect("write");
    let r = run(&[
        "cost",
        "production",
        "--file",
        file,
        "--json",
        "--prices",
        rates.to_str().unwrap_or(""),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("MR602"), "{}", r.stderr);
    assert!(json(&r.stdout)["monthly-total"].as_f64().unwrap_or(f64::MAX) < 3000.0);
    // `validate` reads the compiled prices.
    let v = run(&["validate", "production", "--file", file]);
    assert!(v.stderr.contains("warning[MR602]"), "{}", v.stderr);
}
