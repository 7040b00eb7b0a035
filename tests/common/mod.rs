//! Helpers shared by the integration tests: run the binary, read its JSON diagnostics, and the
//! insta settings every snapshot is bound to.

#![allow(dead_code)]

pub mod botocore;
pub mod moto;
pub mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixtures() -> PathBuf {
    root().join("tests").join("fixtures")
}

/// The binary under test, run from the crate's root with a clean, colourless environment.
pub fn mrgen() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mrgen"));
    c.current_dir(root());
    c.env("NO_COLOR", "1");
    c
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(args: &[&str]) -> Run {
    run_in(&root(), args)
}

pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out: Output = mrgen().current_dir(dir).args(args).output().expect("run mrgen");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Parses `--diagnostics json` output.
pub fn diagnostics(stdout: &str) -> Vec<serde_json::Value> {
    match serde_json::from_str::<serde_json::Value>(stdout) {
        Ok(serde_json::Value::Array(a)) => a,
        other => panic!("stdout is not one JSON array: {other:?}\n{stdout}"),
    }
}

/// Snapshot settings: absolute path to `snapshots/`, no module prefix.
pub fn insta_settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(root().join("snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s
}

/// True when the run is CI's: a missing external tool fails the test instead of skipping it.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Looks an external tool up on PATH; prints one "skipped" line (or panics under CI) when absent.
pub fn require_tool(name: &str, test: &str) -> Option<PathBuf> {
    on_path(name).or_else(|| unavailable(test, &format!("`{name}` is not installed")))
}

/// The executable `name` in a folder of PATH, if there is one.
pub fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// A tool `test` needs is unavailable (`why`): one "skipped" line, or a panic under CI.
pub fn unavailable(test: &str, why: &str) -> Option<PathBuf> {
    if in_ci() {
        panic!("{test}: {why}, and CI=true forbids skipping");
    }
    println!("skipped {test}: {why}");
    None
}

/// Every file and folder under `dir` with its bytes, sorted: compare two of these to prove a
/// folder unchanged.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(d: &Path, base: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let mut es: Vec<_> = std::fs::read_dir(d).unwrap().flatten().collect();
        es.sort_by_key(|e| e.file_name());
        for e in es {
            let p = e.path();
            let rel = p.strip_prefix(base).unwrap().display().to_string();
            if p.is_dir() {
                out.push((format!("{rel}/"), Vec::new()));
                walk(&p, base, out);
            } else {
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out
}

/// A fresh, empty folder for one test (named after the test and this process).
pub fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mrgen-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("tempdir");
    d
}

/// The plan of environment `name` built from `text` through the library, as `mrgen render`
/// builds it; the environment must be valid.
pub fn plan_of(name: &str, text: &str) -> mrgen::plan::Plan {
    plan_from(name, &format!("environments/{name}.yaml"), text.as_bytes())
}

fn plan_from(name: &str, file: &str, bytes: &[u8]) -> mrgen::plan::Plan {
    checked_plan(name, file, bytes, &[])
}

/// The plan of shipped environment `name` with `--context` overrides (`KEY=VALUE`), which must
/// leave it valid.
pub fn plan_with(name: &str, overrides: &[&str]) -> mrgen::plan::Plan {
    let file = shipped_file(name);
    let bytes = std::fs::read(&file).expect("environment file");
    checked_plan(name, &file.display().to_string(), &bytes, overrides)
}

fn checked_plan(name: &str, file: &str, bytes: &[u8], overrides: &[&str]) -> mrgen::plan::Plan {
    let ctx: Vec<_> = overrides
        .iter()
        .map(|o| mrgen::model::parse_context(o).expect("an override"))
        .collect();
    let checked = mrgen::check::check(name, file, bytes, &ctx);
    assert!(
        !checked.has_errors(),
        "{name} {overrides:?} is invalid: {:#?}",
        checked.diagnostics
    );
    checked.plan.expect("a valid environment has a plan")
}

/// A rendered file (its path relative to `--out`, its contents).
pub use mrgen::render::File;

/// A region's short code (`ap-northeast-1` → `apne1`), as names in the output use it.
pub fn short_code(region: &str) -> String {
    mrgen::naming::short_code(region)
}

/// Every file `mrgen render` writes for a plan (both backends, the default references), with
/// Terraform in both layouts (`--terraform-layout stacks`, the default: `terraform/<stack>/`
/// and `terraform/apply.sh`; and `single`: `terraform/*.tf`, which share no path), sorted by
/// path.
pub fn render_plan(plan: &mrgen::plan::Plan) -> Vec<File> {
    let mut files = mrgen::render::render(plan, true, true, Default::default()).expect("renders");
    let single = mrgen::render::tf::try_render(plan, mrgen::render::tf::Layout::Single).expect("renders");
    files.extend(single);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// A file of the single Terraform root module (`terraform/<name>.tf`, no stack folder).
pub fn single_module_file(path: &str) -> bool {
    path.strip_prefix("terraform/")
        .is_some_and(|name| !name.contains('/') && name.ends_with(".tf"))
}

/// Every file `mrgen render <name>` writes for a shipped environment, through the library.
pub fn render_env(name: &str) -> Vec<File> {
    let file = shipped_file(name);
    let bytes = std::fs::read(&file).expect("environment file");
    render_plan(&plan_from(name, &file.display().to_string(), &bytes))
}

/// Shipped environment `name` checked with `--context` overrides (`KEY=VALUE`), valid or not.
pub fn checked_with(name: &str, overrides: &[&str]) -> mrgen::check::Checked {
    let file = shipped_file(name);
    let bytes = std::fs::read(&file).expect("environment file");
    let ctx: Vec<_> = overrides
        .iter()
        .map(|o| mrgen::model::parse_context(o).expect("an override"))
        .collect();
    mrgen::check::check(name, &file.display().to_string(), &bytes, &ctx)
}

/// The runbook of shipped environment `name` with `--context` overrides, as `mrgen runbook`
/// builds it.
pub fn runbook_with(name: &str, overrides: &[&str]) -> mrgen::runbook::Runbook {
    let checked = checked_with(name, overrides);
    assert!(!checked.has_errors(), "{name} is invalid: {:#?}", checked.diagnostics);
    let (env, plan) = (checked.env.expect("a model"), checked.plan.expect("a plan"));
    mrgen::runbook::build(&env, &plan)
}

/// The files `mrgen render` writes under `runbook/` for a shipped environment.
pub fn runbook_files(name: &str) -> Vec<File> {
    mrgen::runbook::files(&runbook_with(name, &[]))
}

/// The names of the shipped environments (`environments/*.yaml` and `*.json`), sorted.
pub fn shipped_environments() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("environments"))
        .expect("environments")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "json"))
        .map(|p| p.file_stem().and_then(|s| s.to_str()).expect("name").to_string())
        .collect();
    names.sort();
    names
}

/// The file of a shipped environment.
pub fn shipped_file(name: &str) -> PathBuf {
    ["yaml", "json"]
        .iter()
        .map(|ext| root().join(format!("environments/{name}.{ext}")))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("no environments/{name}.yaml or .json"))
}

/// The text of a shipped environment.
pub fn shipped(name: &str) -> String {
    std::fs::read_to_string(shipped_file(name)).expect("environment file")
}

/// Writes rendered files under `dir`; returns their paths.
pub fn write_files(dir: &Path, files: &[File]) -> Vec<PathBuf> {
    files
        .iter()
        .map(|f| {
            let p = dir.join(&f.path);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(&p, &f.contents).expect("write");
            p
        })
        .collect()
}
