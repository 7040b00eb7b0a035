//! cfn-lint on every CloudFormation template of every shipped environment, in both reference
//! modes (SPEC section 6: no errors). Warnings are printed; the ones that remain are known and
//! listed in `KNOWN_WARNINGS` with the reason they stay, and any other warning fails the test.

use crate::common::{plan_of, require_tool, root, tempdir, write_files};
use mrgen::render::{cfn, CfnReferences};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Warnings that are expected, as (rule id, reason). Empty: the renderer is warning-free.
const KNOWN_WARNINGS: &[(&str, &str)] = &[];

/// The shipped environments: (name, path).
pub fn shipped() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let dir = root().join("environments");
    for entry in std::fs::read_dir(&dir).expect("read environments/") {
        let path = entry.expect("dir entry").path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "yaml" | "yml" | "json") {
            continue;
        }
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("file name")
            .to_string();
        out.push((name, path));
    }
    out.sort();
    out
}

/// One cfn-lint finding: `path: RULE message`.
struct Finding {
    rule: String,
    text: String,
}

/// Runs cfn-lint on the templates with parseable output; returns (exit status, findings).
fn cfn_lint(tool: &Path, templates: &[PathBuf]) -> (i32, Vec<Finding>) {
    let out = Command::new(tool)
        .args(["--format", "parseable", "--"])
        .args(templates)
        .output()
        .expect("run cfn-lint");
    let code = out.status.code().unwrap_or(-1);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        code & !(2 | 4 | 8) == 0,
        "cfn-lint failed to run (status {code}):\n{stdout}\n{stderr}"
    );
    // parseable: file:line:col:endline:endcol:RULE:message
    let findings = stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let rule = l.split(':').nth(5).unwrap_or("").to_string();
            Finding {
                rule,
                text: l.to_string(),
            }
        })
        .collect();
    (code, findings)
}

fn lint_all(mode: CfnReferences, label: &str) {
    let Some(tool) = require_tool("cfn-lint", &format!("cfn::cfn_lint_{label}")) else {
        return;
    };
    let mut failures = Vec::new();
    for (name, path) in shipped() {
        let plan = plan_of(&name, &std::fs::read_to_string(&path).unwrap());
        let files = cfn::render(&plan, mode);
        assert_eq!(files.len(), plan.stacks.len(), "{name}: one template per stack");
        let dir = tempdir(&format!("cfn-{label}-{name}"));
        let templates = write_files(&dir, &files);
        let (code, findings) = cfn_lint(&tool, &templates);
        let _ = std::fs::remove_dir_all(&dir);
        let errors: Vec<&Finding> = findings.iter().filter(|f| f.rule.starts_with('E')).collect();
        let warnings: Vec<&Finding> = findings.iter().filter(|f| f.rule.starts_with('W')).collect();
        println!(
            "cfn-lint {label} {name}: {} templates, {} errors, {} warnings, {} informational",
            templates.len(),
            errors.len(),
            warnings.len(),
            findings.len() - errors.len() - warnings.len()
        );
        for f in &findings {
            println!("  {}", f.text);
        }
        if code & 2 != 0 || !errors.is_empty() {
            failures.push(format!("{name}: cfn-lint reported errors (status {code})"));
        }
        for w in warnings {
            if !KNOWN_WARNINGS.iter().any(|(rule, _)| *rule == w.rule) {
                failures.push(format!("{name}: unexpected warning {}", w.text));
            }
        }
    }
    assert!(failures.is_empty(), "cfn-lint {label}:\n{}", failures.join("\n"));
}

#[test]
fn cfn_lint_parameters_mode() {
    lint_all(CfnReferences::Parameters, "parameters");
}

#[test]
fn cfn_lint_get_stack_output_mode() {
    lint_all(CfnReferences::GetStackOutput, "get-stack-output");
}

/// Parity: every plan resource marked for both backends (or for CloudFormation only) is in its
/// stack's template under the PascalCase of its id, every Terraform-only one is absent, and the
/// template holds nothing else; with the Terraform parity test (tests/terraform.rs) this proves
/// the two backends render the same resources under names that map one to one.
#[test]
fn every_plan_resource_is_in_its_template_and_nothing_else() {
    use mrgen::plan::{pascal, Backends};
    for (name, path) in shipped() {
        let plan = plan_of(&name, &std::fs::read_to_string(&path).unwrap());
        let files = mrgen::render::cfn::render(&plan, CfnReferences::Parameters);
        for s in &plan.stacks {
            let f = files
                .iter()
                .find(|f| f.path == format!("cloudformation/{}.template.json", s.name))
                .unwrap_or_else(|| panic!("{name}: no template for {}", s.name));
            let t: serde_json::Value = serde_json::from_str(&f.contents).unwrap();
            let mut ids: Vec<String> = t["Resources"].as_object().unwrap().keys().cloned().collect();
            ids.sort();
            let mut want: Vec<String> = s
                .resources
                .iter()
                .filter(|r| r.backends != Backends::TerraformOnly)
                .map(|r| pascal(&r.id))
                .collect();
            want.sort();
            assert_eq!(ids, want, "{name}: {}", s.name);
        }
    }
}
