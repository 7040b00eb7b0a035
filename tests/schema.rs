//! The JSON Schema: the committed file equals what `mrgen schema` prints, the shipped
//! environments validate against it with an independent validator (the jsonschema crate), and
//! the README documents every default it states.

use crate::common::{root, run};
use serde_json::Value;

fn committed() -> String {
    std::fs::read_to_string(root().join("schemas/environment.schema.json")).expect("schemas/environment.schema.json")
}

#[test]
fn committed_schema_is_the_generated_one() {
    let r = run(&["schema"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout == committed(),
        "schemas/environment.schema.json is stale: regenerate it with `cargo run -- schema > schemas/environment.schema.json` and review the diff"
    );
}

fn load_env(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).expect("read env");
    if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).expect("json")
    } else {
        // The shipped files are plain YAML; read them through mrgen's own loader into JSON.
        let loaded = mrgen::load::load(text.as_bytes(), path).expect("load");
        loaded
            .root
            .to_json(&mrgen::path::KeyPath::root(), &mut Default::default())
    }
}

#[test]
fn shipped_environments_validate_against_the_schema() {
    let schema: Value = serde_json::from_str(&committed()).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let mut n = 0;
    for entry in std::fs::read_dir(root().join("environments")).expect("environments/") {
        let p = entry.expect("entry").path();
        let doc = load_env(&p);
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", p.display());
        n += 1;
    }
    assert!(n >= 5, "expected the five shipped environments, found {n}");
}

#[test]
fn the_schema_refuses_what_mrgen_refuses() {
    let schema: Value = serde_json::from_str(&committed()).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let bad = serde_json::json!({
        "genai-demo:regions": {"primary": "us-east-1", "secundary": "us-west-2"},
        "genai-demo:multi-region": {"mode": "active-active-active"},
        "genai-demo:eks": {"version": 1.35}
    });
    assert_eq!(validator.iter_errors(&bad).count(), 3);
    let ok =
        serde_json::json!({"genai-demo:regions": {"primary": "us-east-1"}, "@aws-cdk/core:flag": true, "$schema": "x"});
    assert!(validator.is_valid(&ok));
}

/// Every default the schema states appears in the README's file-format table, in the row of
/// its section and key.
#[test]
fn readme_documents_every_default() {
    let schema: Value = serde_json::from_str(&committed()).expect("schema is JSON");
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    // Which section each definition belongs to.
    let mut section_of = std::collections::BTreeMap::new();
    for (pattern, s) in schema["patternProperties"].as_object().expect("patternProperties") {
        let Some(section) = pattern.rsplit(':').next().map(|x| x.trim_end_matches('$')) else {
            continue;
        };
        let r = s.get("$ref").or_else(|| s["additionalProperties"].get("$ref"));
        if let Some(name) = r.and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
            section_of
                .entry(name.to_string())
                .or_insert_with(|| section.to_string());
        }
    }
    section_of.insert("HealthCheck".into(), "route53".into());
    section_of.insert("Record".into(), "route53".into());
    section_of.insert("Workload".into(), "eks".into());
    let mut missing = Vec::new();
    let mut checked = 0;
    for (name, def) in schema["$defs"].as_object().expect("$defs") {
        let section = section_of.get(name).cloned().unwrap_or_default();
        for (key, prop) in def["properties"].as_object().into_iter().flatten() {
            let Some(d) = prop.get("default") else { continue };
            if d.is_object() {
                continue; // nested defaults are documented key by key
            }
            let shown = match d {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let found = readme.lines().any(|l| {
                l.starts_with("| `")
                    && l.contains(&format!("`{section}"))
                    && (l.contains(&format!("| `{key}` |")) || l.contains(&format!(".{key}` |")))
                    && l.contains(&format!("`{shown}`"))
            });
            checked += 1;
            if !found {
                missing.push(format!("{section}.{key}: default `{shown}` not documented in README"));
            }
        }
    }
    assert!(checked > 40, "only {checked} defaults checked");
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
