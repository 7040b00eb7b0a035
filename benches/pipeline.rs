//! Benchmarks of each stage (`cargo bench`): load + validate, plan, render CloudFormation,
//! render Terraform, write; for the shipped production environment and for a scale fixture of
//! 2, 5, 10 and 20 active-active regions with every component MR103 allows at that size.

// A benchmark that cannot set up should stop loudly.
#![allow(clippy::expect_used, clippy::panic)]

use mrgen::render::{self, CfnReferences};
use std::path::PathBuf;

fn main() {
    divan::main();
}

/// Regions that offer every component mrgen renders, in a fixed order.
const REGIONS: &[&str] = &[
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-northeast-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-2",
    "eu-west-2",
    "us-east-2",
    "ca-central-1",
    "eu-north-1",
    "ap-south-1",
    "sa-east-1",
    "eu-west-3",
    "us-west-1",
    "ap-northeast-3",
    "eu-south-1",
    "me-south-1",
    "af-south-1",
];

/// An active-active environment over `n` regions.
pub fn scale_fixture(n: usize) -> String {
    let regions = &REGIONS[..n];
    let secondaries: Vec<String> = regions[1..].iter().map(|r| format!("\"{r}\"")).collect();
    let overrides: Vec<String> = regions
        .iter()
        .enumerate()
        .map(|(i, r)| {
            format!(
                "\"{r}\": {{\"vpc-cidr\": \"10.{i}.0.0/16\", \"msk-brokers\": {}}}",
                if *r == "us-west-1" { 4 } else { 3 }
            )
        })
        .collect();
    format!(
        r#"{{
  "bench:domain": "example.com",
  "bench:regions": {{"primary": "{}", "secondary": [{}]}},
  "bench:multi-region": {{"mode": "active-active", "failover-rto-minutes": 5, "health-check-interval": 10}},
  "bench:region-overrides": {{{}}},
  "bench:aurora": {{"enabled": {}}},
  "bench:redis": {{"enabled": {}}},
  "bench:route53": {{"records": [{{"name": "api", "policy": "latency"}}, {{"name": "www", "policy": "failover"}}]}},
  "bench:monitoring": {{"alarm-emails": ["oncall@example.com"]}},
  "bench:budget": {{"soft-cap-usd": 1000, "hard-cap-usd": 2000}}
}}
"#,
        regions[0],
        secondaries.join(", "),
        overrides.join(", "),
        n <= 11,
        n <= 3,
    )
}

fn production() -> (String, Vec<u8>) {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("environments/production.yaml");
    (p.display().to_string(), std::fs::read(&p).expect("production.yaml"))
}

fn checked(name: &str, file: &str, bytes: &[u8]) -> mrgen::model::Environment {
    let c = mrgen::check::check(name, file, bytes, &[]);
    assert!(!c.has_errors(), "{:?}", c.diagnostics);
    c.env.expect("valid")
}

#[divan::bench]
fn validate_production(b: divan::Bencher) {
    let (file, bytes) = production();
    b.bench(|| mrgen::check::check("production", &file, divan::black_box(&bytes), &[]));
}

#[divan::bench]
fn plan_production(b: divan::Bencher) {
    let (file, bytes) = production();
    let env = checked("production", &file, &bytes);
    b.bench(|| mrgen::plan::build(divan::black_box(&env)));
}

#[divan::bench]
fn render_cloudformation_production(b: divan::Bencher) {
    let (file, bytes) = production();
    let plan = mrgen::plan::build(&checked("production", &file, &bytes));
    b.bench(|| render::render(divan::black_box(&plan), true, false, CfnReferences::Parameters));
}

#[divan::bench]
fn render_terraform_production(b: divan::Bencher) {
    let (file, bytes) = production();
    let plan = mrgen::plan::build(&checked("production", &file, &bytes));
    b.bench(|| render::render(divan::black_box(&plan), false, true, CfnReferences::Parameters));
}

#[divan::bench]
fn write_production(b: divan::Bencher) {
    let (file, bytes) = production();
    let plan = mrgen::plan::build(&checked("production", &file, &bytes));
    let files = render::render(&plan, true, true, CfnReferences::Parameters);
    let dir = std::env::temp_dir().join(format!("mrgen-bench-{}", std::process::id()));
    let out = dir.join("out");
    let owned = mrgen::output::Owned {
        cloudformation: true,
        terraform: true,
    };
    b.bench(|| mrgen::output::write(&out, &files, owned).expect("write"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The whole in-process pipeline (validate, plan, render both formats) by region count.
#[divan::bench(args = [2, 5, 10, 20])]
fn pipeline_regions(b: divan::Bencher, n: usize) {
    let text = scale_fixture(n);
    b.bench(|| {
        let env = checked("bench", "bench.json", divan::black_box(text.as_bytes()));
        let plan = mrgen::plan::build(&env);
        render::render(&plan, true, true, CfnReferences::Parameters)
    });
}
