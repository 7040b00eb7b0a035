//! Benchmarks of each stage (`cargo bench`): load + validate, plan, render CloudFormation,
//! render Terraform, write (and the stamped check that replaces render and write when nothing
//! changed); for the shipped production environment and for a scale fixture of
//! 2, 5, 10 and 20 active-active regions with every component MR103 allows at that size.

// A benchmark that cannot set up should stop loudly.
#![allow(clippy::expect_used, clippy::panic)]

use mrgen::render::{self, CfnReferences};
use std::path::PathBuf;

fn main() {
    divan::main();
}

/// A scale fixture: `benches/fixtures/scale-<n>.json`, active-active over n regions with every
/// component MR103 allows at that size.
fn scale_fixture(n: usize) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("benches/fixtures/scale-{n}.json"));
    std::fs::read_to_string(&p).expect("scale fixture")
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
fn runbook_production(b: divan::Bencher) {
    let (file, bytes) = production();
    let env = checked("production", &file, &bytes);
    let plan = mrgen::plan::build(&env);
    b.bench(|| {
        let book = mrgen::runbook::build(divan::black_box(&env), &plan);
        mrgen::runbook::files(&book)
    });
}

#[divan::bench]
fn cost_production(b: divan::Bencher) {
    let (file, bytes) = production();
    let env = checked("production", &file, &bytes);
    let plan = mrgen::plan::build(&env);
    let prices = mrgen::aws::prices::Prices::compiled();
    b.bench(|| mrgen::cost::estimate(divan::black_box(&env), &plan, &prices));
}

#[divan::bench]
fn render_cloudformation_production(b: divan::Bencher) {
    let (file, bytes) = production();
    let plan = mrgen::plan::build(&checked("production", &file, &bytes));
    b.bench(|| render::render(divan::black_box(&plan), true, false, CfnReferences::Parameters).expect("renders"));
}

#[divan::bench]
fn render_terraform_production(b: divan::Bencher) {
    let (file, bytes) = production();
    let plan = mrgen::plan::build(&checked("production", &file, &bytes));
    b.bench(|| render::render(divan::black_box(&plan), false, true, CfnReferences::Parameters).expect("renders"));
}

/// Production's files (the runbook's included), and a folder to write them to.
fn production_files() -> (Vec<render::File>, PathBuf) {
    let (file, bytes) = production();
    let env = checked("production", &file, &bytes);
    let plan = mrgen::plan::build(&env);
    let mut files = render::render(&plan, true, true, CfnReferences::Parameters).expect("renders");
    // What `render` writes beside the templates.
    files.extend(mrgen::runbook::files(&mrgen::runbook::build(&env, &plan)));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let dir = std::env::temp_dir().join(format!("mrgen-bench-{}", std::process::id()));
    (files, dir)
}

const ALL: mrgen::output::Owned = mrgen::output::Owned {
    cloudformation: true,
    terraform: true,
};

/// A write that changes one file: the new tree assembled beside `--out` (that file written, the
/// others linked), swapped in, the old tree removed.
#[divan::bench]
fn write_production(b: divan::Bencher) {
    let (files, dir) = production_files();
    let out = dir.join("changed");
    let mut other = files.clone();
    other[0].contents.push('\n');
    let mut flip = false;
    b.bench_local(|| {
        flip = !flip;
        mrgen::output::write(&out, if flip { &files } else { &other }, ALL).expect("write")
    });
    let _ = std::fs::remove_dir_all(&dir);
}

/// A write into a folder that holds these files already: compared, nothing written.
#[divan::bench]
fn write_production_up_to_date(b: divan::Bencher) {
    let (files, dir) = production_files();
    let out = dir.join("up-to-date");
    mrgen::output::write(&out, &files, ALL).expect("write");
    b.bench(|| mrgen::output::write(&out, &files, ALL).expect("write"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The check of a stamped folder that holds these files: one listing, no file read, nothing
/// rendered.
#[divan::bench]
fn stamped_production_up_to_date(b: divan::Bencher) {
    let (files, dir) = production_files();
    let out = dir.join("stamped");
    let input = mrgen::output::Input::of(&[b"production"]).expect("input");
    mrgen::output::write(&out, &files, ALL).expect("write");
    // Past the stamp's racy window, a compare that finds the folder up to date stamps it.
    std::thread::sleep(std::time::Duration::from_millis(100));
    mrgen::output::write_stamped(&out, &files, ALL, Some(input), None).expect("write");
    assert_eq!(
        mrgen::output::list(&out, ALL).stamped(&out, input),
        Some(files.len()),
        "stamped"
    );
    b.bench(|| mrgen::output::list(&out, ALL).stamped(&out, input));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The whole in-process pipeline (validate, plan, render both formats) by region count.
#[divan::bench(args = [2, 5, 10, 20])]
fn pipeline_regions(b: divan::Bencher, n: usize) {
    let text = scale_fixture(n).replace("\"scale:", "\"bench:");
    b.bench(|| {
        let env = checked("bench", "scale.json", divan::black_box(text.as_bytes()));
        let plan = mrgen::plan::build(&env);
        render::render(&plan, true, true, CfnReferences::Parameters).expect("renders")
    });
}
