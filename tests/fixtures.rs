//! The rule fixtures: `tests/fixtures/cases.json` lists each fixture, the command line it runs
//! with and the complete set of diagnostics (rule, severity, key path, line) it must produce.

use crate::common::{diagnostics, fixtures, run};
use serde_json::Value;
use std::collections::BTreeSet;

fn cases() -> Vec<Value> {
    let text = std::fs::read_to_string(fixtures().join("cases.json")).expect("cases.json");
    serde_json::from_str::<Vec<Value>>(&text).expect("cases.json is a JSON array")
}

fn key(d: &Value, with_line: bool) -> String {
    let line = if with_line {
        d.get("line").map(|l| l.to_string()).unwrap_or_default()
    } else {
        String::new()
    };
    format!(
        "{} {} {} {}",
        d["rule"].as_str().unwrap_or("?"),
        d["severity"].as_str().unwrap_or("?"),
        d["path"].as_str().unwrap_or("?"),
        line
    )
}

#[test]
fn every_fixture_gives_exactly_its_diagnostics() {
    let mut failures = Vec::new();
    let all = cases();
    assert!(all.len() > 80, "only {} cases", all.len());
    for case in &all {
        let name = case["name"].as_str().unwrap_or("?");
        let mut args: Vec<String> = vec!["validate".into()];
        if let Some(env) = case["env"].as_str() {
            args.push(env.into());
        }
        if let Some(f) = case["file"].as_str() {
            args.push("--file".into());
            args.push(format!("tests/fixtures/{f}"));
        }
        args.push("--diagnostics".into());
        args.push("json".into());
        for a in case["args"].as_array().into_iter().flatten() {
            args.push(a.as_str().expect("arg").to_string());
        }
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = run(&argv);
        let want_exit = case["exit"].as_i64().expect("exit");
        if i64::from(r.code) != want_exit {
            failures.push(format!(
                "{name}: exit {} (want {want_exit})\nstdout: {}\nstderr: {}",
                r.code, r.stdout, r.stderr
            ));
            continue;
        }
        if want_exit == 2 {
            if !r.stderr.contains("error") {
                failures.push(format!("{name}: a usage error must say why on stderr: {}", r.stderr));
            }
            continue;
        }
        assert!(!r.stderr.contains("panicked"), "{name} panicked: {}", r.stderr);
        let got = diagnostics(&r.stdout);
        let expect = case["expect"].as_array().cloned().unwrap_or_default();
        let want: BTreeSet<String> = expect.iter().map(|d| key(d, false)).collect();
        let have: BTreeSet<String> = got.iter().map(|d| key(d, false)).collect();
        if want != have {
            failures.push(format!(
                "{name}: diagnostics differ\n  missing: {:?}\n  unexpected: {:?}",
                want.difference(&have).collect::<Vec<_>>(),
                have.difference(&want).collect::<Vec<_>>()
            ));
            continue;
        }
        for e in expect.iter().filter(|e| e.get("line").is_some()) {
            let k = key(e, true);
            if !got.iter().any(|d| key(d, true) == k) {
                let lines: Vec<String> = got.iter().map(|d| key(d, true)).collect();
                failures.push(format!("{name}: wrong line for {k}; got {lines:?}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixture cases failed:\n\n{}",
        failures.len(),
        all.len(),
        failures.join("\n\n")
    );
}

/// Every rule has a fixture that triggers it and a near miss that does not.
#[test]
fn every_rule_has_a_trigger_and_a_near_miss() {
    let all = cases();
    let mut missing = Vec::new();
    for rule in mrgen::finding::RuleId::ALL {
        let id = rule.as_str();
        let triggered = all
            .iter()
            .any(|c| c["expect"].as_array().into_iter().flatten().any(|d| d["rule"] == id));
        let prefix = format!("valid/{}-", id.to_lowercase());
        let near_miss = all
            .iter()
            .any(|c| c["file"].as_str().is_some_and(|f| f.starts_with(&prefix)) && c["exit"] == 0);
        if !triggered {
            missing.push(format!("{id}: no fixture triggers it"));
        }
        if !near_miss {
            missing.push(format!("{id}: no near-miss fixture ({prefix}*)"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
