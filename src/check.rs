//! One environment through the pipeline: bytes → tree (+ `--context`) → structure → model →
//! rules → placed, sorted diagnostics. `validate` prints them; `render` and friends also take the
//! resolved environment when there is no error.

use crate::diagnostics::{self, Diagnostic};
use crate::finding::{Finding, Pos, RuleId, Severity};
use crate::load;
use crate::model::{self, ContextOverride, Environment};
use crate::path::KeyPath;
use crate::plan::{self, Plan};
use crate::rules;
use std::collections::BTreeMap;

/// What checking one environment gives.
#[derive(Debug)]
pub struct Checked {
    pub diagnostics: Vec<Diagnostic>,
    pub env: Option<Environment>,
    /// The plan of the model: built whenever the model resolves, errors elsewhere or not, so
    /// that MR702 checks the names it actually holds; rendered only without errors.
    pub plan: Option<Plan>,
    /// The file's text, for showing source lines (absent when it is not text).
    pub source: Option<String>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// MR701 for an environment name that cannot be used in paths and names; checked before any
/// lookup or write.
pub fn env_name_problem(env_name: &str) -> Option<Diagnostic> {
    if model::is_valid_name(env_name) {
        return None;
    }
    Some(Diagnostic {
        severity: Severity::Error,
        rule: RuleId::MR701,
        file: diagnostics::COMMAND_LINE.to_string(),
        path: KeyPath::root().to_string(),
        line: 1,
        column: 1,
        message: format!("the environment name `{}` cannot be used in file, stack and resource names", env_name.escape_default()),
        help: "use lowercase letters, digits and single hyphens inside, starting with a letter (^[a-z][a-z0-9]*(-[a-z0-9]+)*$), e.g. `production`".to_string(),
    })
}

/// Checks one environment file. `file` is the path as mrgen opened it (shown in diagnostics).
pub fn check(env_name: &str, file: &str, bytes: &[u8], overrides: &[ContextOverride]) -> Checked {
    check_priced(
        env_name,
        file,
        bytes,
        overrides,
        &crate::aws::prices::Prices::compiled(),
    )
}

/// [`check`], with MR602's estimate read from `prices` (`mrgen cost --prices FILE`).
pub fn check_priced(
    env_name: &str,
    file: &str,
    bytes: &[u8],
    overrides: &[ContextOverride],
    prices: &crate::aws::prices::Prices,
) -> Checked {
    let path = std::path::Path::new(file);
    let mut loaded = match load::load(bytes, path) {
        Ok(l) => l,
        Err((p, text)) => {
            let mut positions = BTreeMap::new();
            positions.insert(p.path.clone(), Pos::file(p.line, p.col));
            let f = Finding::error(p.rule, p.path, p.message, p.help);
            return Checked {
                diagnostics: vec![Diagnostic::place(f, file, &positions)],
                env: None,
                plan: None,
                source: text,
            };
        }
    };
    let unapplied = model::apply_context(&mut loaded.root, overrides);
    let mut doc = model::read(&loaded.root);
    let mut findings: Vec<Finding> = Vec::new();
    for o in unapplied {
        let path = KeyPath(o.path.clone());
        doc.positions.insert(path.clone(), Pos::cli());
        findings.push(Finding::error(
            RuleId::MR003,
            path,
            "this --context override names a list item that the file does not have",
            "override the whole list instead, e.g. `-c 'prefix:section.key=[…]'`",
        ));
    }
    for p in &loaded.problems {
        doc.positions.insert(p.path.clone(), Pos::file(p.line, p.col));
        findings.push(Finding::error(
            p.rule,
            p.path.clone(),
            p.message.clone(),
            p.help.clone(),
        ));
    }
    findings.append(&mut doc.findings);
    let env = match (&doc.prefix, &doc.raw.regions) {
        (None, _) => {
            findings.push(Finding::error(
                RuleId::MR005,
                KeyPath::root(),
                "the file has no `<prefix>:<section>` keys",
                "add at least `<prefix>:regions: {primary: <region>}`, e.g. `genai-demo:regions`",
            ));
            None
        }
        (Some(prefix), None) if !doc.broken.contains("regions") => {
            findings.push(Finding::error(
                RuleId::MR005,
                KeyPath::section(prefix, "regions"),
                format!("`{prefix}:regions` is required"),
                format!("add `{prefix}:regions: {{primary: <region>}}`"),
            ));
            None
        }
        _ => model::resolve::resolve(&doc, env_name),
    };
    let plan = env.as_ref().map(plan::build);
    if let (Some(env), Some(plan)) = (&env, &plan) {
        findings.extend(rules::check(env, &doc, plan, prices));
    }
    let mut diagnostics: Vec<Diagnostic> = findings
        .into_iter()
        .map(|f| Diagnostic::place(f, file, &doc.positions))
        .collect();
    diagnostics::sort(&mut diagnostics);
    diagnostics.dedup();
    Checked {
        diagnostics,
        env,
        plan,
        source: Some(loaded.text),
    }
}
