//! From a loaded document to the typed model. Two stages, as cargo-dist does it: `raw` holds what
//! the user wrote (after the structure check), `resolve` builds the `Environment` with every
//! default applied once. The top-level `<prefix>:<section>` keys, CDK's own keys, the cached AZ
//! lookups and `--context` overrides are handled here.

pub mod defaults;
pub mod env;
pub mod raw;
pub mod resolve;
pub mod schema;
pub mod structure;

use crate::finding::{Finding, Pos, RuleId};
use crate::load::{Node, Value as V};
use crate::path::{KeyPath, Seg};
use crate::suggest;
use std::collections::{BTreeMap, BTreeSet};

pub use env::Environment;

/// Longest prefix accepted (SPEC section 3).
pub const PREFIX_MAX: usize = 31;

/// `^[a-z][a-z0-9]*(-[a-z0-9]+)*$`: usable in file, stack and resource names.
pub fn is_valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_lowercase()) {
        return false;
    }
    !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// What the document says once its structure is checked.
#[derive(Debug, Default)]
pub struct Document {
    pub prefix: Option<String>,
    pub raw: raw::RawEnvironment,
    /// Position of every key and list item.
    pub positions: BTreeMap<KeyPath, Pos>,
    /// AZ names from `availability-zones:account=…:region=R` lookup caches, by region.
    pub cached_azs: BTreeMap<String, Vec<String>>,
    /// Sections with structural errors: their rules are not run (they would only add noise).
    pub broken: BTreeSet<String>,
    pub findings: Vec<Finding>,
}

/// Parses `region=R` out of a CDK availability-zones lookup key.
fn az_cache_region(key: &str) -> Option<&str> {
    if !key.starts_with("availability-zones:") {
        return None;
    }
    key.split(':').find_map(|part| part.strip_prefix("region="))
}

/// Runs the top-level and structure checks and reads each sound section into the raw model.
pub fn read(root: &Node) -> Document {
    let mut doc = Document::default();
    let schema = schema::cached();
    let V::Map(entries) = &root.value else {
        return doc;
    };
    for e in entries {
        let path = KeyPath(vec![Seg::Key(e.key.clone())]);
        doc.positions.insert(path.clone(), e.key_pos);
        // Positions inside every key, even ignored ones, so diagnostics can point there.
        let json = e.value.to_json(&path, &mut doc.positions);
        let key = e.key.as_str();
        if key == "$schema" {
            if !matches!(e.value.value, V::Str(_)) {
                doc.findings.push(Finding::error(
                    RuleId::MR003,
                    path,
                    "`$schema` must be a string",
                    "point it at schemas/environment.schema.json, or remove it",
                ));
            }
            continue;
        }
        if key.starts_with('@') {
            continue;
        }
        if key.contains('=') {
            if let Some(region) = az_cache_region(key) {
                if let V::Seq(items) = &e.value.value {
                    let names: Vec<String> = items
                        .iter()
                        .filter_map(|n| match &n.value {
                            V::Str(s) => Some(s.clone()),
                            _ => None,
                        })
                        .take(3)
                        .collect();
                    doc.cached_azs.insert(region.to_string(), names);
                }
            }
            continue;
        }
        let Some((prefix, section)) = key.split_once(':') else {
            let sections = raw::SECTIONS.iter().copied();
            let help = match (suggest::nearest(key, sections), &doc.prefix) {
                (Some(s), Some(p)) => format!("application keys are `<prefix>:<section>`: did you mean `{p}:{s}`?"),
                (Some(s), None) => format!("application keys are `<prefix>:<section>`: did you mean `<prefix>:{s}`?"),
                _ => "application keys are `<prefix>:<section>`; CDK's own keys start with `@` or hold `=`".into(),
            };
            doc.findings.push(Finding::error(
                RuleId::MR002,
                path,
                format!("unknown top-level key `{key}`"),
                help,
            ));
            continue;
        };
        match &doc.prefix {
            None => {
                if !is_valid_name(prefix) || prefix.len() > PREFIX_MAX {
                    doc.findings.push(Finding::error(
                        RuleId::MR701,
                        path.clone(),
                        format!("the prefix `{prefix}` cannot be used in stack and resource names"),
                        format!("use at most {PREFIX_MAX} characters matching ^[a-z][a-z0-9]*(-[a-z0-9]+)*$ (lowercase letters, digits, single hyphens inside), e.g. `genai-demo`"),
                    ));
                }
                doc.prefix = Some(prefix.to_string());
            }
            Some(p) if p != prefix => {
                doc.findings.push(Finding::error(
                    RuleId::MR004,
                    path,
                    format!("a second prefix `{prefix}` (this file's keys use `{p}`)"),
                    format!(
                        "one file holds one application: rename the key to `{p}:{section}` or move it to its own file"
                    ),
                ));
                continue;
            }
            Some(_) => {}
        }
        let Some(section_schema) = schema::section_schema(schema, section) else {
            let dym = suggest::did_you_mean(section, raw::SECTIONS.iter().copied());
            doc.findings.push(Finding::error(
                RuleId::MR002,
                path,
                format!("unknown section `{section}`"),
                if dym.is_empty() {
                    format!("known sections: {}", raw::SECTIONS.join(", "))
                } else {
                    dym
                },
            ));
            continue;
        };
        let before = doc.findings.len();
        structure::walk(schema, section_schema, &e.value, &path, &mut doc.findings);
        if doc.findings.len() > before {
            doc.broken.insert(section.to_string());
            continue;
        }
        if let Err(err) = store(&mut doc.raw, section, json) {
            // The structure check should have caught this; report it rather than lose it.
            doc.broken.insert(section.to_string());
            doc.findings.push(Finding::error(
                RuleId::MR003,
                path,
                format!("`{key}` does not have the expected shape: {err}"),
                "see `mrgen schema`",
            ));
        }
    }
    doc
}

fn store(raw: &mut raw::RawEnvironment, section: &str, v: serde_json::Value) -> Result<(), serde_json::Error> {
    use serde_json::from_value as f;
    match section {
        "environment" => raw.environment = Some(f(v)?),
        "domain" => raw.domain = Some(f(v)?),
        "account" => raw.account = Some(f(v)?),
        "tags" => raw.tags = Some(f(v)?),
        "regions" => raw.regions = Some(f(v)?),
        "multi-region" => raw.multi_region = Some(f(v)?),
        "environments" => raw.environments = Some(f(v)?),
        "region-overrides" => raw.region_overrides = Some(f(v)?),
        "aurora" => raw.aurora = Some(f(v)?),
        "redis" => raw.redis = Some(f(v)?),
        "msk" => raw.msk = Some(f(v)?),
        "eks" => raw.eks = Some(f(v)?),
        "route53" => raw.route53 = Some(f(v)?),
        "ingress" => raw.ingress = Some(f(v)?),
        "storage" => raw.storage = Some(f(v)?),
        "monitoring" => raw.monitoring = Some(f(v)?),
        "budget" => raw.budget = Some(f(v)?),
        "cost" => raw.cost = Some(f(v)?),
        _ => {}
    }
    Ok(())
}

/// A `--context KEY=VALUE` override, parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct ContextOverride {
    pub path: Vec<Seg>,
    pub value: serde_json::Value,
}

/// Parses `prefix:section[.key]…=VALUE`. VALUE is JSON when it parses as JSON, else a string.
/// Keys may use `[N]` for list items and `["a.b"]` for keys holding dots.
pub fn parse_context(arg: &str) -> Result<ContextOverride, String> {
    let Some((key, value)) = arg.split_once('=') else {
        return Err(format!(
            "`{arg}` has no `=`: write KEY=VALUE, e.g. genai-demo:multi-region.health-check-interval=10"
        ));
    };
    let bad = || {
        format!("`{key}` is not a context key: write `prefix:section[.key]…`, e.g. genai-demo:multi-region.enable-dr")
    };
    let Some((prefix, rest)) = key.split_once(':') else {
        return Err(bad());
    };
    if prefix.is_empty() || rest.is_empty() {
        return Err(bad());
    }
    let chars: Vec<char> = rest.chars().collect();
    let word = |i: &mut usize| {
        let mut w = String::new();
        while *i < chars.len() && chars[*i] != '.' && chars[*i] != '[' {
            w.push(chars[*i]);
            *i += 1;
        }
        w
    };
    let mut i = 0;
    let section = word(&mut i);
    if section.is_empty() {
        return Err(bad());
    }
    let mut segs = vec![Seg::Key(format!("{prefix}:{section}"))];
    while i < chars.len() {
        if chars[i] == '.' {
            i += 1;
            let w = word(&mut i);
            if w.is_empty() {
                return Err(bad());
            }
            segs.push(Seg::Key(w));
        } else {
            let close = chars[i..].iter().position(|&c| c == ']').ok_or_else(bad)? + i;
            let inner: String = chars[i + 1..close].iter().collect();
            if let Ok(n) = inner.parse::<usize>() {
                segs.push(Seg::Index(n));
            } else if let Ok(serde_json::Value::String(s)) = serde_json::from_str::<serde_json::Value>(&inner) {
                segs.push(Seg::Key(s));
            } else {
                return Err(bad());
            }
            i = close + 1;
        }
    }
    let value = serde_json::from_str(value).unwrap_or_else(|_| serde_json::Value::String(value.to_string()));
    Ok(ContextOverride { path: segs, value })
}

/// Applies overrides to the tree, in the order given; returns those that could not be applied
/// (a list item that does not exist, or a step through a value that is not a list).
pub fn apply_context<'a>(root: &mut Node, overrides: &'a [ContextOverride]) -> Vec<&'a ContextOverride> {
    overrides
        .iter()
        .filter(|o| !root.set(&o.path, Node::from_json(&o.value)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["genai-demo", "a", "prod2", "a-b-c"] {
            assert!(is_valid_name(ok), "{ok}");
        }
        for bad in ["", "Genai", "a--b", "a-", "-a", "../etc", "a_b", "1a", "a/b"] {
            assert!(!is_valid_name(bad), "{bad}");
        }
    }

    #[test]
    fn context_keys() {
        let o = parse_context("genai-demo:multi-region.health-check-interval=10").unwrap();
        assert_eq!(
            o.path,
            vec![
                Seg::Key("genai-demo:multi-region".into()),
                Seg::Key("health-check-interval".into())
            ]
        );
        assert_eq!(o.value, serde_json::json!(10));
        let o = parse_context("genai-demo:domain=example.com").unwrap();
        assert_eq!(o.value, serde_json::json!("example.com"));
        let o = parse_context(r#"genai-demo:route53.records[0].name=api"#).unwrap();
        assert_eq!(o.path[2], Seg::Index(0));
        let o = parse_context(r#"genai-demo:tags["app.kubernetes.io/name"]=x"#).unwrap();
        assert_eq!(o.path[1], Seg::Key("app.kubernetes.io/name".into()));
        for bad in ["foo", "foo=1", ":x=1", "p:=1", "p:a..b=1", "p:a.=1", "p:[0]=1"] {
            assert!(parse_context(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn az_cache_keys() {
        assert_eq!(
            az_cache_region("availability-zones:account=123456789012:region=ap-northeast-1"),
            Some("ap-northeast-1")
        );
        assert_eq!(az_cache_region("hosted-zone:account=1:domainName=x"), None);
    }
}
