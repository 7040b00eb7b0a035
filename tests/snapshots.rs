//! Snapshots under `snapshots/`. Accepting a change is a review: read the diff.
//!
//! - `diagnostics-<fixture>`: the diagnostics of every invalid fixture, in all three formats.
//! - `render-production-<file>`: every file rendered for `production` (both backends; Terraform's
//!   single module and the stacks layout's `apply.sh`), in full.
//! - `render-production-terraform-stacks`: production's stack folders, where they differ from
//!   the single module (`compare_stacks.rs`), so that a change both layouts share shows once.
//! - `render-<env>-vs-production`: for every other shipped environment, its list of files and how
//!   each differs from production's (`compare.rs`), so that a change to what all environments
//!   share shows once, in production's files, and not again in a near-copy per environment.

use crate::common::{insta_settings, render_env, root, run, shipped_environments, File};
use crate::compare::{describe, Rendered};
use crate::compare_stacks::{describe_stacks, in_stack_folder};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// The environment whose every rendered file has a snapshot; the others are compared with it.
const REFERENCE: &str = "production";

fn invalid_fixtures() -> Vec<PathBuf> {
    let dir = root().join("tests/fixtures/invalid");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
}

fn file_name(p: &std::path::Path) -> &str {
    p.file_name().and_then(|n| n.to_str()).expect("name")
}

fn diagnostics_snapshot(fixture: &std::path::Path) -> String {
    format!("diagnostics-{}", file_name(fixture).replace('.', "-"))
}

#[test]
fn diagnostics_of_every_invalid_fixture() {
    let settings = insta_settings();
    let files = invalid_fixtures();
    assert!(files.len() > 40);
    for f in files {
        let rel = format!("tests/fixtures/invalid/{}", file_name(&f));
        let mut out = String::new();
        for style in ["human", "json", "github"] {
            let r = run(&["validate", "production", "--file", &rel, "--diagnostics", style]);
            out.push_str(&format!("--- {style} (exit {})\n", r.code));
            out.push_str(if style == "human" { &r.stderr } else { &r.stdout });
        }
        settings.bind(|| insta::assert_snapshot!(diagnostics_snapshot(&f), out));
    }
}

/// Every shipped environment's rendered files.
fn rendered() -> BTreeMap<String, Vec<File>> {
    shipped_environments()
        .into_iter()
        .map(|env| {
            let files = render_env(&env);
            (env, files)
        })
        .collect()
}

/// The rendered-output snapshots (name → text) of `renders`: production's files one by one, and
/// how each other environment differs from production.
fn render_snapshots(renders: &BTreeMap<String, Vec<File>>) -> BTreeMap<String, String> {
    // The stack folders are described apart (`compare_stacks.rs`); the other environments'
    // comparisons leave them out.
    let outside = |files: &[File]| -> Vec<File> { files.iter().filter(|f| !in_stack_folder(f)).cloned().collect() };
    let production = Rendered::new(outside(&renders[REFERENCE]));
    let mut snaps = BTreeMap::new();
    for f in &production.files {
        let name = format!("render-{REFERENCE}-{}", f.path.replace(['/', '.'], "_"));
        snaps.insert(name, f.contents.clone());
    }
    snaps.insert(
        format!("render-{REFERENCE}-terraform-stacks"),
        describe_stacks(&renders[REFERENCE]),
    );
    for (env, files) in renders {
        if env != REFERENCE {
            let text = describe(&Rendered::new(outside(files)), &production);
            snaps.insert(format!("render-{env}-vs-{REFERENCE}"), text);
        }
    }
    snaps
}

#[test]
fn rendered_output_of_every_shipped_environment() {
    let settings = insta_settings();
    let renders = rendered();
    assert!(
        renders.len() >= 5 && renders.contains_key(REFERENCE),
        "{:?}",
        renders.keys()
    );
    for (name, contents) in render_snapshots(&renders) {
        settings.bind(|| insta::assert_snapshot!(name, contents));
    }
}

/// A file in `snapshots/` that no test writes any more is a leftover: delete it.
#[test]
fn every_file_in_snapshots_belongs_to_a_test() {
    let mut wanted: BTreeSet<String> = render_snapshots(&rendered()).into_keys().collect();
    wanted.extend(invalid_fixtures().iter().map(|f| diagnostics_snapshot(f)));
    // `runbook::production_scripts_dry_run_as_snapshotted`.
    wanted.insert(crate::runbook::DRY_RUN_SNAPSHOT.to_string());
    // `cost::production_cost_as_snapshotted`.
    wanted.extend(crate::cost::COST_SNAPSHOTS.map(str::to_string));
    let unused: Vec<String> = std::fs::read_dir(root().join("snapshots"))
        .expect("snapshots")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        // insta's pending files (`.snap.new`, `.pending-snap`) are for review, not kept.
        .filter(|n| !n.ends_with(".snap.new") && !n.ends_with(".pending-snap"))
        .filter(|n| n.strip_suffix(".snap").is_none_or(|stem| !wanted.contains(stem)))
        .collect();
    assert!(wanted.len() > 80, "{wanted:?}");
    assert!(
        unused.is_empty(),
        "files in snapshots/ that no test writes:\n{}",
        unused.join("\n")
    );
}

/// One attribute changed the same way in every environment's output, as a change to a renderer
/// or a template would: the snapshots that change are production's files that hold it (its
/// CloudFormation templates and its `.tf` file) and a comparison only where the attribute sits
/// in what differs from production. Never more than five.
#[test]
fn a_change_to_one_shared_attribute_touches_at_most_five_snapshots() {
    let renders = rendered();
    let before = render_snapshots(&renders);
    // (what is changed, [(the line as rendered, its new value)]): the line is matched with its
    // spaces collapsed and without a trailing comma, and its last word becomes the new value.
    let changes: &[(&str, &[(&str, &str)])] = &[
        (
            "VPC DNS hostnames",
            &[
                ("\"EnableDnsHostnames\": true", "false"),
                ("enable_dns_hostnames = true", "false"),
            ],
        ),
        (
            "Aurora storage encryption",
            &[
                ("\"StorageEncrypted\": true", "false"),
                ("storage_encrypted = true", "false"),
            ],
        ),
        (
            "the EKS API endpoint",
            &[
                ("\"EndpointPublicAccess\": false", "true"),
                ("endpoint_public_access = false", "true"),
            ],
        ),
        (
            "the budget's period",
            &[
                ("\"TimeUnit\": \"MONTHLY\"", "\"ANNUALLY\""),
                ("time_unit = \"MONTHLY\"", "\"ANNUALLY\""),
            ],
        ),
        ("the deploy script's shell options", &[("set -euo pipefail", "-eu")]),
    ];
    for (what, edits) in changes {
        let mut changed = renders.clone();
        for (env, files) in &mut changed {
            for (line, value) in *edits {
                let hits: usize = files.iter_mut().map(|f| edit(f, line, value)).sum();
                assert!(hits > 0, "{what}: `{line}` is not in {env}'s output");
            }
        }
        let after = render_snapshots(&changed);
        let touched: Vec<&String> = before
            .keys()
            .filter(|name| before.get(*name) != after.get(*name))
            .collect();
        println!("{what}: {} snapshots: {touched:?}", touched.len());
        assert!(
            (1..=5).contains(&touched.len()),
            "{what} touches {} snapshots: {touched:#?}",
            touched.len()
        );
    }
}

/// Gives every line of `f` that reads `line` (spaces collapsed, no trailing comma) the last word
/// `value`; returns how many lines changed.
fn edit(f: &mut File, line: &str, value: &str) -> usize {
    let mut hits = 0;
    let lines: Vec<String> = f
        .contents
        .split_inclusive('\n')
        .map(|l| {
            let body = l.trim_end_matches('\n').trim_end_matches(',');
            let words: Vec<&str> = body.split_whitespace().collect();
            if words.join(" ") != line {
                return l.to_string();
            }
            hits += 1;
            let last = words.last().expect("a word");
            let at = body.rfind(last).expect("the last word");
            format!("{}{value}{}", &body[..at], &l[at + last.len()..])
        })
        .collect();
    f.contents = lines.concat();
    hits
}
