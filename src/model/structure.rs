//! The structure check: walks the document tree against the generated JSON Schema and reports
//! every unknown key (MR002, with a did-you-mean), wrong type or value outside its enum or range
//! (MR003) and missing required key (MR005), all in one pass. Only the keywords schemars emits
//! for the raw model are needed here; ranges that a specific rule owns (MR306, MR501, MR502,
//! MR506) are left out of the schema so that they get that rule's id.

use crate::finding::{Finding, RuleId};
use crate::load::{Node, Value as V};
use crate::path::KeyPath;
use crate::suggest;
use serde_json::Value;

fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    let mut s = schema;
    // A few hops at most; a cycle would be a bug in the generated schema, so stop after 16.
    for _ in 0..16 {
        match s
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/$defs/"))
        {
            Some(name) => match root.get("$defs").and_then(|d| d.get(name)) {
                Some(next) => s = next,
                None => return s,
            },
            None => return s,
        }
    }
    s
}

fn type_matches(t: &str, node: &Node) -> bool {
    matches!(
        (t, &node.value),
        ("string", V::Str(_))
            | ("integer", V::Int(_))
            | ("number", V::Int(_) | V::Float(_))
            | ("boolean", V::Bool(_))
            | ("array", V::Seq(_))
            | ("object", V::Map(_))
            | ("null", V::Null)
    )
}

fn type_words(t: &str) -> &'static str {
    match t {
        "string" => "a string",
        "integer" => "a whole number",
        "number" => "a number",
        "boolean" => "true or false",
        "array" => "a list",
        "object" => "a mapping",
        _ => "a value",
    }
}

fn expected_types(schema: &Value) -> Vec<String> {
    match schema.get("type") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(|t| t.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

fn scalar_text(node: &Node) -> String {
    match &node.value {
        V::Str(s) => s.clone(),
        V::Int(i) => i.to_string(),
        V::Float(f) => f.to_string(),
        V::Bool(b) => b.to_string(),
        V::Null => "null".into(),
        V::Seq(_) => "a list".into(),
        V::Map(_) => "a mapping".into(),
    }
}

fn key_name(path: &KeyPath) -> String {
    use crate::path::Seg;
    match path.0.as_slice() {
        [.., Seg::Key(k), Seg::Index(i)] => format!("`{k}[{i}]`"),
        [.., Seg::Key(k)] => format!("`{k}`"),
        [.., Seg::Index(i)] => format!("item {i}"),
        [] => "the document".into(),
    }
}

/// Checks `node` at `path` against `schema`, appending findings to `out`.
pub fn walk(root: &Value, schema: &Value, node: &Node, path: &KeyPath, out: &mut Vec<Finding>) {
    let schema = resolve(root, schema);
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = schema.get(key) {
            let chosen = branches.iter().map(|b| resolve(root, b)).find(|b| {
                let ts = expected_types(b);
                ts.is_empty() || ts.iter().any(|t| type_matches(t, node))
            });
            match chosen {
                Some(b) => walk(root, b, node, path, out),
                None => {
                    let words: Vec<&str> = branches
                        .iter()
                        .flat_map(|b| expected_types(resolve(root, b)))
                        .map(|t| type_words(&t))
                        .collect();
                    out.push(Finding::error(
                        RuleId::MR003,
                        path.clone(),
                        format!(
                            "{} must be {}, not {}",
                            key_name(path),
                            words.join(" or "),
                            node.type_name()
                        ),
                        "see `mrgen schema` for the shape of this key",
                    ));
                }
            }
            return;
        }
    }
    let types = expected_types(schema);
    if !types.is_empty() && !types.iter().any(|t| type_matches(t, node)) {
        let want: Vec<&str> = types.iter().map(|t| type_words(t)).collect();
        let help = if types.iter().any(|t| t == "string") && matches!(node.value, V::Int(_) | V::Float(_) | V::Bool(_))
        {
            "write the value in quotes so that it stays text (YAML reads 1.30 as the number 1.3)".to_string()
        } else if types.iter().any(|t| t == "integer") && matches!(node.value, V::Float(_)) {
            "use a whole number".to_string()
        } else if types.iter().any(|t| t == "integer" || t == "number") && matches!(node.value, V::Str(_)) {
            "write the number without quotes".to_string()
        } else {
            format!("give {}", want.join(" or "))
        };
        out.push(Finding::error(
            RuleId::MR003,
            path.clone(),
            format!(
                "{} must be {}, not {}",
                key_name(path),
                want.join(" or "),
                node.type_name()
            ),
            help,
        ));
        return;
    }
    if let Some(Value::Array(options)) = schema.get("enum") {
        let text = scalar_text(node);
        let ok = options.iter().any(|o| match (o, &node.value) {
            (Value::String(s), V::Str(t)) => s == t,
            (Value::Number(n), V::Int(i)) => n.as_i64() == Some(*i),
            _ => false,
        });
        if !ok {
            let names: Vec<&str> = options.iter().filter_map(Value::as_str).collect();
            let dym = suggest::did_you_mean(&text, names.iter().copied());
            out.push(Finding::error(
                RuleId::MR003,
                path.clone(),
                format!("`{text}` is not a valid value for {}", key_name(path)),
                format!(
                    "use one of: {}{}{}",
                    names.join(", "),
                    if dym.is_empty() { "" } else { "; " },
                    dym
                ),
            ));
        }
        return;
    }
    if let V::Int(_) | V::Float(_) = node.value {
        let n = match node.value {
            V::Int(i) => i as f64,
            V::Float(f) => f,
            _ => 0.0,
        };
        let min = schema.get("minimum").and_then(Value::as_f64);
        let max = schema.get("maximum").and_then(Value::as_f64);
        let below = min.is_some_and(|m| n < m);
        let above = max.is_some_and(|m| n > m);
        if below || above {
            let range = match (min, max) {
                (Some(a), Some(b)) => format!("from {a} to {b}"),
                (Some(a), None) => format!("at least {a}"),
                (None, Some(b)) => format!("at most {b}"),
                (None, None) => String::new(),
            };
            out.push(Finding::error(
                RuleId::MR003,
                path.clone(),
                format!("{} is {}, outside its range", key_name(path), scalar_text(node)),
                format!("use a value {range}"),
            ));
        }
    }
    match &node.value {
        V::Map(entries) => {
            let props = schema.get("properties").and_then(Value::as_object);
            let additional = schema.get("additionalProperties");
            for e in entries {
                let child = path.key(e.key.clone());
                if let Some(s) = props.and_then(|p| p.get(&e.key)) {
                    walk(root, s, &e.value, &child, out);
                } else if let Some(s @ Value::Object(_)) = additional {
                    walk(root, s, &e.value, &child, out);
                } else if additional == Some(&Value::Bool(false)) {
                    let known: Vec<&str> = props
                        .map(|p| p.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    let dym = suggest::did_you_mean(&e.key, known.iter().copied());
                    let help = if dym.is_empty() {
                        format!("known keys here: {}", known.join(", "))
                    } else {
                        dym
                    };
                    out.push(Finding::error(
                        RuleId::MR002,
                        child,
                        format!("unknown key `{}`", e.key),
                        help,
                    ));
                }
            }
            if let Some(Value::Array(req)) = schema.get("required") {
                for r in req.iter().filter_map(Value::as_str) {
                    if !entries.iter().any(|e| e.key == r) {
                        out.push(Finding::error(
                            RuleId::MR005,
                            path.key(r),
                            format!("{} needs the key `{r}`", key_name(path)),
                            format!("add `{r}`"),
                        ));
                    }
                }
            }
        }
        V::Seq(items) => {
            if let Some(s) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    walk(root, s, item, &path.index(i), out);
                }
            }
        }
        _ => {}
    }
}
