//! The command line: lookup rules, exit codes, the three diagnostics formats.

use crate::common::{diagnostics, fixtures, run, run_in, tempdir};

const BAD_CIDR: &str = "genai-demo:regions:\n  primary: ap-northeast-1\n  secondary: ap-northeast-2\ngenai-demo:environments:\n  production:\n    vpc-cidr: 10.2.0.1/16\n  production-dr:\n    vpc-cidr: 10.3.0.0/16\n";

fn env_dir(name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let d = tempdir(name);
    for (f, text) in files {
        std::fs::write(d.join(f), text).expect("write");
    }
    d
}

#[test]
fn validate_with_no_env_checks_every_shipped_environment() {
    let r = run(&["validate", "--diagnostics", "json"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, "[]\n");
}

#[test]
fn human_output_is_rustc_like_without_colour() {
    let d = env_dir("human", &[]);
    let expected = "error[MR203]: `10.2.0.1/16` has host bits set\n --> environments/production.yaml:6:5\n  |\n6 |     vpc-cidr: 10.2.0.1/16\n  |     ^^^^^^^^\n  = key: genai-demo:environments.production.vpc-cidr\n  = help: use the network address `10.2.0.0/16`\n\n1 error, 0 warnings\n";
    let d2 = d.join("environments");
    std::fs::create_dir_all(&d2).expect("mkdir");
    std::fs::write(d2.join("production.yaml"), BAD_CIDR).expect("write");
    let r = run_in(&d, &["validate", "production"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty(), "human output goes to stderr: {}", r.stdout);
    assert_eq!(r.stderr, expected);
    assert!(!r.stderr.contains('\x1b'));
}

#[test]
fn github_annotations_on_stdout() {
    let d = env_dir("github", &[("production.yaml", BAD_CIDR)]);
    let dir = d.display().to_string();
    let r = run(&["validate", "production", "--env-dir", &dir, "--diagnostics", "github"]);
    assert_eq!(r.code, 1);
    let line = r.stdout.lines().next().expect("one annotation");
    assert!(line.starts_with("::error file="), "{line}");
    assert!(line.contains("production.yaml,line=6,col=5,title=MR203::"), "{line}");
}

#[test]
fn json_for_several_environments_is_one_array() {
    let d = env_dir("multi", &[("production.yaml", BAD_CIDR), ("staging.yaml", BAD_CIDR)]);
    let dir = d.display().to_string();
    let r = run(&[
        "validate",
        "production",
        "staging",
        "--env-dir",
        &dir,
        "--diagnostics",
        "json",
    ]);
    assert_eq!(r.code, 1);
    let diags = diagnostics(&r.stdout);
    // staging's file is read as staging: its `production` sizing is not its own, so no MR203 there.
    assert_eq!(diags.len(), 1, "{diags:?}");
    let r = run(&["validate", "--env-dir", &dir, "--diagnostics", "json"]);
    assert_eq!(diagnostics(&r.stdout).len(), 1);
}

#[test]
fn lookup_errors_are_usage_errors() {
    let d = env_dir("lookup", &[("production.yaml", BAD_CIDR), ("production.json", "{}")]);
    let dir = d.display().to_string();
    let r = run(&["validate", "production", "--env-dir", &dir]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("production.json") && r.stderr.contains("production.yaml"),
        "{}",
        r.stderr
    );
    let r = run(&["validate", "prodution", "--env-dir", &dir]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("did you mean `production`"), "{}", r.stderr);
    let r = run(&["validate", "production", "--file", "/nonexistent/x.yaml"]);
    assert_eq!(r.code, 2);
    let r = run(&["frobnicate"]);
    assert_eq!(r.code, 2);
    let r = run(&["validate", "--no-such-flag"]);
    assert_eq!(r.code, 2);
    let r = run(&["validate", "production", "-c", "nokey"]);
    assert_eq!(r.code, 2);
}

#[test]
fn an_unusable_environment_name_is_mr701_before_any_lookup() {
    let r = run(&["validate", "../../etc", "--diagnostics", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let d = diagnostics(&r.stdout);
    assert_eq!(d[0]["rule"], "MR701");
    assert_eq!(d[0]["file"], "<command line>");
}

#[test]
fn context_values_are_reported_from_the_command_line() {
    let r = validate_base_with("genai-demo:multi-region.health-check-interval=45");
    assert_eq!(r.code, 1, "{}", r.stderr);
    let d = diagnostics(&r.stdout);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["rule"], "MR501");
    assert_eq!(d[0]["file"], "<command line>");
    assert_eq!((d[0]["line"].as_u64(), d[0]["column"].as_u64()), (Some(1), Some(1)));
    assert_eq!(d[0]["path"], "genai-demo:multi-region.health-check-interval");
}

#[test]
fn deny_warnings_turns_a_warning_into_exit_1() {
    let text = "genai-demo:regions:\n  primary: ap-northeast-1\ngenai-demo:multi-region:\n  enable-cross-region-peering: true\n";
    let d = env_dir("warn", &[("production.yaml", text)]);
    let dir = d.display().to_string();
    let r = run(&["validate", "production", "--env-dir", &dir, "--diagnostics", "json"]);
    assert_eq!(r.code, 0);
    assert_eq!(diagnostics(&r.stdout)[0]["rule"], "MR307");
    let r = run(&["validate", "production", "--env-dir", &dir, "--deny-warnings"]);
    assert_eq!(r.code, 1);
}

#[test]
fn schema_goes_to_stdout() {
    let r = run(&["schema"]);
    assert_eq!(r.code, 0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["additionalProperties"], false);
}

#[test]
fn a_context_override_of_a_missing_list_item_is_reported() {
    let r = validate_base_with("genai-demo:route53.records[3].name=api");
    assert_eq!(r.code, 1);
    let d = diagnostics(&r.stdout);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        (d[0]["rule"].as_str(), d[0]["file"].as_str()),
        (Some("MR003"), Some("<command line>"))
    );
}

/// `validate` of the base fixture with one `--context` override, JSON diagnostics.
fn validate_base_with(context: &str) -> crate::common::Run {
    let f = fixtures().join("valid/base.yaml").display().to_string();
    run(&[
        "validate",
        "production",
        "--file",
        &f,
        "--diagnostics",
        "json",
        "-c",
        context,
    ])
}

/// The benchmark fixtures (`cargo bench`, `scripts/measure.sh`) are valid: a rule that starts
/// refusing one would make the benchmarks time an early exit instead of a render.
#[test]
fn the_benchmark_fixtures_have_no_error() {
    for n in [2, 5, 10, 20] {
        let name = format!("scale-{n}");
        let r = run(&["validate", &name, "--env-dir", "benches/fixtures"]);
        assert_eq!(r.code, 0, "{name}:\n{}", r.stderr);
    }
}

/// A reader that stops early (`mrgen cost --print-prices | head`) is no error: the output ends
/// quietly with exit 0.
#[test]
fn a_reader_that_stops_early_is_no_error() {
    use std::io::Read;
    let mut child = crate::common::mrgen()
        .args(["cost", "--print-prices"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run mrgen");
    let mut first = [0u8; 16];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("read");
    // The rest (over 100 KB, more than a pipe holds) meets a closed pipe.
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&first).starts_with('{'));
}

/// A render runs under valgrind, whose instruction counts are how two builds are compared on a
/// machine whose timings drift (README, Development). The render's helper thread once asked
/// for the processor it runs on through a vDSO lookup that valgrind does not map: a crash there.
#[test]
fn a_render_runs_under_valgrind() {
    let Some(valgrind) = crate::common::require_tool("valgrind", "a_render_runs_under_valgrind") else {
        return;
    };
    let out = tempdir("cli-valgrind").join("out");
    let o = std::process::Command::new(valgrind)
        .args(["--tool=none", "-q", env!("CARGO_BIN_EXE_mrgen")])
        .args(["render", "development", "--out", &out.display().to_string()])
        .current_dir(crate::common::root())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("manifest.json").is_file());
}
