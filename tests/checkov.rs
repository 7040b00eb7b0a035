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

/// The README's suppression table lists every check the output suppresses, with the reason. The
/// suppressions are read from what both backends render for every shipped environment, so the
/// test does not depend on where a backend keeps them.
#[test]
fn readme_lists_every_suppression() {
    use mrgen::render::checkov::AZ_DATA_SOURCE;
    let readme = std::fs::read_to_string(crate::common::root().join("README.md")).unwrap();
    let mut seen = std::collections::BTreeSet::from([AZ_DATA_SOURCE.0.to_string()]);
    for env in ["production", "staging", "development", "eu-production", "global"] {
        let plan = crate::common::plan_of(env, &crate::common::shipped(env));
        let files = mrgen::render::render(&plan, true, true, Default::default()).unwrap();
        for f in &files {
            for (id, why) in suppressions(f) {
                assert!(
                    why.len() > 40,
                    "{env}/{}: {id}: a reason a reviewer would accept",
                    f.path
                );
                seen.insert(id);
            }
        }
    }
    assert!(seen.len() >= 6, "{seen:?}");
    for id in seen {
        assert!(
            readme.lines().any(|l| l.starts_with('|') && l.contains(&id)),
            "README does not list {id}"
        );
    }
}

/// The (id, reason) of every suppression in a rendered file: Terraform's `#checkov:skip=ID:reason`
/// lines, CloudFormation's `Metadata.checkov.skip` entries.
fn suppressions(f: &mrgen::render::File) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if f.path.ends_with(".tf") {
        for line in f.contents.lines() {
            if let Some((id, why)) = line
                .trim()
                .strip_prefix("#checkov:skip=")
                .and_then(|s| s.split_once(':'))
            {
                out.push((id.to_string(), why.to_string()));
            }
        }
    } else if f.path.ends_with(".template.json") {
        let t: serde_json::Value = serde_json::from_str(&f.contents).unwrap();
        for r in t["Resources"].as_object().into_iter().flat_map(|m| m.values()) {
            for s in r["Metadata"]["checkov"]["skip"].as_array().into_iter().flatten() {
                let id = s["id"].as_str().unwrap_or_default();
                out.push((id.to_string(), s["comment"].as_str().unwrap_or_default().to_string()));
            }
        }
    }
    out
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
