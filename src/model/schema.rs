//! The JSON Schema of environment files, generated from the raw model with schemars and wrapped in
//! the `<prefix>:<section>` top level. `mrgen schema` prints it; the structure check walks it, so
//! the schema an editor sees and the checks mrgen runs cannot drift apart.

use super::raw;
use schemars::generate::SchemaSettings;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The prefix pattern (SPEC section 3).
pub const PREFIX_PATTERN: &str = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$";

fn section_pattern(section: &str) -> String {
    format!("^[a-z][a-z0-9]*(-[a-z0-9]+)*:{section}$")
}

/// The schema of each section, by section name.
fn sections(gen: &mut schemars::SchemaGenerator) -> Vec<(&'static str, Value)> {
    let s = |v: schemars::Schema| v.to_value();
    vec![
        (
            "environment",
            json!({"type": "string", "description": "The environment's name; must equal ENV. Default: ENV."}),
        ),
        (
            "domain",
            json!({"type": "string", "description": "Apex domain for Route 53 records and certificates, e.g. `example.com`. Route 53 is rendered only when this or `route53.hosted-zone` is given."}),
        ),
        (
            "account",
            json!({"type": "string", "pattern": "^[0-9]{12}$", "description": "12-digit AWS account id, as a string."}),
        ),
        (
            "tags",
            json!({"type": "object", "additionalProperties": {"type": "string"}, "default": {}, "description": "Tags added to every taggable resource (key 1-128 characters, not `aws:`; value up to 256; letters, digits, spaces and `_ . : / = + - @`)."}),
        ),
        ("regions", s(gen.subschema_for::<raw::Regions>())),
        ("multi-region", s(gen.subschema_for::<raw::MultiRegion>())),
        (
            "environments",
            json!({"type": "object", "additionalProperties": s(gen.subschema_for::<raw::Sizing>()), "description": "Sizing by environment name: `<ENV>` sizes the primary region, `<ENV>-dr` every secondary (missing keys derived from `<ENV>`)."}),
        ),
        (
            "region-overrides",
            json!({"type": "object", "additionalProperties": s(gen.subschema_for::<raw::Sizing>()), "description": "Sizing for one region, by region code; wins over `<ENV>` / `<ENV>-dr`."}),
        ),
        ("aurora", s(gen.subschema_for::<raw::Aurora>())),
        ("redis", s(gen.subschema_for::<raw::Redis>())),
        ("msk", s(gen.subschema_for::<raw::Msk>())),
        ("eks", s(gen.subschema_for::<raw::Eks>())),
        ("route53", s(gen.subschema_for::<raw::Route53>())),
        ("ingress", s(gen.subschema_for::<raw::Ingress>())),
        ("storage", s(gen.subschema_for::<raw::Storage>())),
        ("monitoring", s(gen.subschema_for::<raw::Monitoring>())),
        ("budget", s(gen.subschema_for::<raw::Budget>())),
        ("cost", s(gen.subschema_for::<raw::Cost>())),
    ]
}

/// Removes the `null` that schemars adds for `Option` fields: an absent key means the default,
/// and `null` is not a value mrgen accepts.
fn strip_null(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Array(types)) = m.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    m.insert("type".into(), only);
                }
            }
            for key in ["anyOf", "oneOf"] {
                if let Some(Value::Array(branches)) = m.get_mut(key) {
                    branches.retain(|b| b.get("type").and_then(Value::as_str) != Some("null"));
                    if branches.len() == 1 {
                        let only = branches.remove(0);
                        m.remove(key);
                        if let Value::Object(o) = only {
                            for (k, val) in o {
                                m.entry(k).or_insert(val);
                            }
                        }
                    }
                }
            }
            m.values_mut().for_each(strip_null);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_null),
        _ => {}
    }
}

/// The whole schema, as `mrgen schema` prints it.
pub fn schema() -> Value {
    let mut gen = SchemaSettings::draft2020_12().into_generator();
    let mut pattern_props = Map::new();
    for (section, mut s) in sections(&mut gen) {
        if let Value::Object(m) = &mut s {
            m.entry("description")
                .or_insert_with(|| json!(format!("The `{section}` section.")));
        }
        pattern_props.insert(section_pattern(section), s);
    }
    pattern_props.insert(
        "^@".into(),
        json!({"description": "CDK feature flags: accepted and ignored."}),
    );
    pattern_props.insert("=".into(), json!({"description": "CDK lookup caches: accepted; `availability-zones:account=…:region=R` supplies R's AZ names."}));
    let defs: BTreeMap<String, Value> = gen.take_definitions(true).into_iter().collect();
    let mut root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "mrgen environment file",
        "description": "A cdk.context.json-style environment file: `<prefix>:<section>` keys (one prefix, matching ^[a-z][a-z0-9]*(-[a-z0-9]+)*$, at most 31 characters).",
        "type": "object",
        "properties": {"$schema": {"type": "string", "description": "An editor's pointer to this schema; ignored."}},
        "patternProperties": Value::Object(pattern_props),
        "additionalProperties": false,
        "$defs": defs,
    });
    strip_null(&mut root);
    root
}

/// The schema text as committed in `schemas/environment.schema.json`.
pub fn schema_text() -> String {
    let mut s = serde_json::to_string_pretty(&schema()).unwrap_or_default();
    s.push('\n');
    s
}

/// The schema of one section, with `$ref`s left to resolve against `root`.
pub fn section_schema<'a>(root: &'a Value, section: &str) -> Option<&'a Value> {
    root.get("patternProperties")?.get(section_pattern(section))
}

/// `schemas/environment.schema.json` as committed: [`schema`]'s text, as a test holds it.
const COMMITTED: &str = include_str!("../../schemas/environment.schema.json");

/// The schema, once per process: parsed from the committed text, which costs a fraction of
/// generating it (every command that reads an environment file pays it once).
pub fn cached() -> &'static Value {
    static SCHEMA: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::from_str(COMMITTED).unwrap_or_else(|_| schema()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_committed_schema_is_the_generated_one() {
        // The structure check reads the committed text; `mrgen schema` prints the generated one.
        let committed: serde_json::Value = serde_json::from_str(super::COMMITTED).unwrap();
        assert_eq!(committed, super::schema(), "regenerate schemas/environment.schema.json");
        assert_eq!(super::cached(), &committed);
    }
}
