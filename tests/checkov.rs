//! checkov on the rendered CloudFormation and Terraform of every shipped environment: no failed
//! check that is not suppressed inline with a written reason (SPEC section 6). checkov lives in
//! a virtualenv of its own, which the tests install on first use (`common/tools.rs`).

use crate::common::{run, tempdir, tools};

#[test]
fn checkov_passes_on_every_shipped_environment() {
    let Some(checkov) = tools::checkov("checkov_passes_on_every_shipped_environment") else {
        return;
    };
    let d = tempdir("checkov");
    let mut failures = Vec::new();
    let mut passed = 0u64;
    for env in ["production", "staging", "development", "eu-production", "global"] {
        let out = d.join(env);
        assert_eq!(run(&["render", env, "--out", &out.display().to_string()]).code, 0);
        for (dir, framework) in [("cloudformation", "cloudformation"), ("terraform", "terraform")] {
            let target = out.join(dir);
            let o = std::process::Command::new(&checkov)
                .args([
                    "-d",
                    &target.display().to_string(),
                    "--framework",
                    framework,
                    "-o",
                    "json",
                    "--quiet",
                    "--compact",
                ])
                .arg("--skip-download")
                .env("BC_SKIP_MAPPING", "TRUE")
                .output()
                .expect("run checkov");
            let text = String::from_utf8_lossy(&o.stdout);
            let v: serde_json::Value = match serde_json::from_str(&text) {
                Ok(v) => v,
                Err(e) => panic!(
                    "{env}/{dir}: checkov printed no JSON ({e}): {text}\n{}",
                    String::from_utf8_lossy(&o.stderr)
                ),
            };
            let reports = match v {
                serde_json::Value::Array(a) => a,
                other => vec![other],
            };
            for r in reports {
                passed += r["summary"]["passed"].as_u64().unwrap_or(0);
                for f in r["results"]["failed_checks"].as_array().into_iter().flatten() {
                    failures.push(format!(
                        "{env}/{dir}: {} {} in {} ({})",
                        f["check_id"].as_str().unwrap_or("?"),
                        f["check_name"].as_str().unwrap_or("?"),
                        f["resource"].as_str().unwrap_or("?"),
                        f["file_path"].as_str().unwrap_or("?")
                    ));
                }
                for s in r["results"]["skipped_checks"].as_array().into_iter().flatten() {
                    let reason = s["check_result"]["suppress_comment"].as_str().unwrap_or("");
                    if reason.trim().len() < 20 {
                        failures.push(format!(
                            "{env}/{dir}: suppression of {} on {} has no real reason: {reason:?}",
                            s["check_id"].as_str().unwrap_or("?"),
                            s["resource"].as_str().unwrap_or("?")
                        ));
                    }
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&d);
    assert!(
        passed > 100,
        "checkov passed only {passed} checks: did it scan anything?"
    );
    assert!(
        failures.is_empty(),
        "{} failed checks:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The README's suppression table lists every check the output suppresses, with the reason.
#[test]
fn readme_lists_every_suppression() {
    use mrgen::render::checkov::{skips, Backend, AZ_DATA_SOURCE};
    let readme = std::fs::read_to_string(crate::common::root().join("README.md")).unwrap();
    let mut seen = std::collections::BTreeSet::from([AZ_DATA_SOURCE.0]);
    for env in ["production", "staging", "development", "eu-production", "global"] {
        let plan = crate::common::plan_of(env, &crate::common::shipped(env));
        for r in plan.stacks.iter().flat_map(|s| &s.resources) {
            for backend in [Backend::CloudFormation, Backend::Terraform] {
                for (id, why) in skips(&r.kind, backend) {
                    assert!(why.len() > 40, "{id}: a reason a reviewer would accept");
                    seen.insert(id);
                }
            }
        }
    }
    assert!(seen.len() >= 6, "{seen:?}");
    for id in seen {
        assert!(
            readme.lines().any(|l| l.starts_with('|') && l.contains(id)),
            "README does not list {id}"
        );
    }
}

/// An install that cannot be made is reported as an error (which the tools turn into a skip, or
/// a failure under CI), not a panic, and leaves no stamp that would pass it off as complete.
#[test]
fn a_tool_install_that_cannot_be_made_is_an_error() {
    let d = tempdir("tools-install");
    // A file where the cache folder should be: nothing can be created under it.
    let cache = d.join("cache");
    std::fs::write(&cache, "not a folder").unwrap();
    let e = tools::install(&cache).unwrap_err();
    assert!(e.contains("cache"), "{e}");
    assert!(!cache.join("venv").exists());
    let _ = std::fs::remove_dir_all(&d);
}
