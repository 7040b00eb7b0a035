//! How a shipped environment's rendered output differs from production's, as one text that a
//! reviewer reads instead of a near-copy of every file: the `render-<env>-vs-production`
//! snapshots. It lists the environment's files, then says how each differs from production's.
//!
//! - What is bound to differ is written the same way on both sides first: the prefix, the
//!   environment, the domain, and the regions (by position, primary first) with their short codes
//!   and VPC ranges become placeholders (`<region-2>`, `<r2>`, `<net-2>`), and the tags that the
//!   environment puts on every resource (listed at the top) are left out.
//! - Each file is compared with production's file of the same path after the placeholders or,
//!   when there is none (a third region), with the most alike of production's files of the same
//!   layer, its region read as theirs.
//! - JSON (templates, the manifest) is compared by structure, one line per difference located by
//!   its JSON pointer; lists of named items (stacks, policy statements) are matched by name, and
//!   what only this environment has is written as its differences from the most alike item that
//!   production has there, when there is one.
//! - Terraform and `deploy.sh` are compared block by block (a line at the left margin and the
//!   indented lines under it), blocks matched by their first line, and paired blocks line by line;
//!   each run of changed lines is located by the lines that enclose it, with no context and no
//!   line numbers. A block that only production has is named by its first line; a block of a
//!   region that production does not have is compared with the same block of the last region.
//!
//! So a line that every environment shares shows in no comparison, and a change to it touches
//! production's snapshots and a comparison only where the line is part of what differs there.

use crate::common::{short_code, File};
use serde_json::Value;
use similar::{Algorithm, DiffOp};
use std::collections::{BTreeMap, BTreeSet};

/// A removed block longer than this is summed up by its first line.
const REMOVED_IN_FULL: usize = 3;

/// One environment's rendered files, with what they say about the environment.
pub struct Rendered {
    pub env: String,
    prefix: String,
    /// Primary first.
    regions: Vec<String>,
    /// Per region: its VPC's address range (from its network template).
    vpcs: Vec<Option<String>>,
    /// The Route 53 zone, when there is one (from the DNS template).
    domain: Option<String>,
    /// The tags every resource carries (the Terraform provider's `default_tags`).
    tags: BTreeMap<String, String>,
    /// Template path → (layer, region) of its stack (from `manifest.json`).
    stacks: BTreeMap<String, (String, String)>,
    pub files: Vec<File>,
}

fn string(v: &Value) -> String {
    v.as_str().expect("a string").to_string()
}

impl Rendered {
    pub fn new(files: Vec<File>) -> Rendered {
        let json = |path: &str| -> Value {
            let f = files.iter().find(|f| f.path == path).expect("a rendered file");
            serde_json::from_str(&f.contents).expect("JSON")
        };
        let m = json("manifest.json");
        let stacks: BTreeMap<String, (String, String)> = m["stacks"]
            .as_array()
            .expect("stacks")
            .iter()
            .map(|s| (string(&s["template"]), (string(&s["layer"]), string(&s["region"]))))
            .collect();
        let regions: Vec<String> = m["regions"].as_array().expect("regions").iter().map(string).collect();
        let template = |layer: &str, region: Option<&str>| {
            stacks
                .iter()
                .find(|(_, (l, r))| l == layer && region.is_none_or(|region| region == r))
                .map(|(path, _)| json(path))
        };
        let vpcs = regions
            .iter()
            .map(|r| {
                let t = template("network", Some(r))?;
                t["Resources"]["Vpc"]["Properties"]["CidrBlock"]
                    .as_str()
                    .map(str::to_string)
            })
            .collect();
        // The zone records are looked up in by name, or else (pinned by id) the domain of the
        // entry points, which are named `<region>.<domain>`.
        let primary = regions.first().cloned().unwrap_or_default();
        let domain = template("dns", None).and_then(|t| {
            let records: Vec<&Value> = t["Resources"].as_object()?.values().collect();
            let zones: BTreeSet<&str> = records
                .iter()
                .filter_map(|r| r["Properties"]["HostedZoneName"].as_str())
                .collect();
            let entry = records
                .iter()
                .filter_map(|r| r["Properties"]["Name"].as_str())
                .find_map(|n| n.strip_prefix(&format!("{primary}.")));
            zones
                .first()
                .copied()
                .or(entry)
                .map(|z| z.trim_end_matches('.').to_string())
        });
        let providers = files
            .iter()
            .find(|f| f.path == "terraform/providers.tf")
            .map(|f| f.contents.as_str())
            .unwrap_or("");
        Rendered {
            env: string(&m["environment"]),
            prefix: string(&m["prefix"]),
            regions,
            vpcs,
            domain,
            tags: default_tags(providers),
            stacks,
            files,
        }
    }

    /// What this environment's names become: placeholders, with region `swap` (two positions)
    /// exchanged, for comparing a file of one region with production's file of another.
    fn names(&self, swap: Option<(usize, usize)>) -> Names {
        let mut regions = Vec::new();
        let mut nets = Vec::new();
        for (i, region) in self.regions.iter().enumerate() {
            let n = match swap {
                Some((a, b)) if i == a => b,
                Some((a, b)) if i == b => a,
                _ => i,
            } + 1;
            let code = short_code(region);
            regions.push((region.clone(), format!("<region-{n}>")));
            regions.push((region.replace('-', "_"), format!("<region_{n}>")));
            regions.push((pascal(&code), format!("<R{n}>")));
            regions.push((code, format!("<r{n}>")));
            if let Some(net) = self.vpcs[i].as_deref().and_then(|c| c.strip_suffix(".0.0/16")) {
                nets.push((format!("{net}."), format!("<net-{n}>.")));
            }
        }
        Names {
            domain: self.domain.clone(),
            prefix: self.prefix.clone(),
            env: self.env.clone(),
            regions,
            nets,
        }
    }

    /// `f`'s text as compared: the environment's tags left out, names as placeholders.
    fn text(&self, f: &File, names: &Names) -> String {
        let text = if f.path.ends_with(".template.json") {
            let mut v: Value = serde_json::from_str(&f.contents).expect("a template is JSON");
            strip_tags(&mut v, &self.tags);
            serde_json::to_string_pretty(&v).expect("JSON") + "\n"
        } else if f.path.ends_with(".tf") {
            strip_default_tags(&f.contents, &self.tags)
        } else {
            f.contents.clone()
        };
        names.apply(&text)
    }

    /// The index of a template's region among the environment's regions.
    fn region_of(&self, path: &str) -> Option<usize> {
        let (_, region) = self.stacks.get(path)?;
        self.regions.iter().position(|r| r == region)
    }

    fn layer_of(&self, path: &str) -> Option<&str> {
        self.stacks.get(path).map(|(layer, _)| layer.as_str())
    }

    fn legend_region(&self, i: usize) -> String {
        match (self.regions.get(i), self.vpcs.get(i)) {
            (Some(r), vpc) => format!(
                "{r} ({}, {})",
                short_code(r),
                vpc.cloned().flatten().unwrap_or_else(|| "no VPC".into())
            ),
            (None, _) => "-".into(),
        }
    }
}

/// The `tags = { … }` of the Terraform provider's `default_tags`.
fn default_tags(providers_tf: &str) -> BTreeMap<String, String> {
    let mut tags = BTreeMap::new();
    let mut inside = false;
    for line in providers_tf.lines().map(str::trim) {
        if line == "default_tags {" {
            inside = true;
        } else if inside && line == "}" {
            break;
        } else if let Some((k, v)) = tag_line(line).filter(|_| inside) {
            tags.insert(k, v);
        }
    }
    tags
}

/// Leaves `tags` out of the `default_tags` of Terraform providers.
fn strip_default_tags(tf: &str, tags: &BTreeMap<String, String>) -> String {
    let mut inside = false;
    let kept: Vec<&str> = tf
        .lines()
        .filter(|l| {
            inside = (inside || l.trim() == "default_tags {") && l.trim() != "}";
            !(inside && tag_line(l).is_some_and(|(k, v)| tags.get(&k) == Some(&v)))
        })
        .collect();
    kept.join("\n") + "\n"
}

/// `"key" = "value"`, as Terraform writes a tag.
fn tag_line(line: &str) -> Option<(String, String)> {
    let (k, v) = line.split_once(" = ")?;
    Some((
        serde_json::from_str(k.trim()).ok()?,
        serde_json::from_str(v.trim()).ok()?,
    ))
}

/// Leaves `tags` out of every list of tags (`Key`/`Value` items, or a map) under `v`.
fn strip_tags(v: &mut Value, tags: &BTreeMap<String, String>) {
    let is_env_tag = |k: &str, v: &Value| tags.get(k).is_some_and(|t| v.as_str() == Some(t));
    match v {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                // `Tags`, and `HealthCheckTags`, `ResourceTags` and the like.
                match (key.ends_with("Tags"), child) {
                    (true, Value::Array(list)) => {
                        list.retain(|t| !t["Key"].as_str().is_some_and(|k| is_env_tag(k, &t["Value"])))
                    }
                    (true, Value::Object(m)) => m.retain(|k, v| !is_env_tag(k, v)),
                    (_, child) => strip_tags(child, tags),
                }
            }
        }
        Value::Array(list) => list.iter_mut().for_each(|c| strip_tags(c, tags)),
        _ => {}
    }
}

fn pascal(code: &str) -> String {
    let mut c = code.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

/// The replacements that turn one environment's names into placeholders.
struct Names {
    domain: Option<String>,
    prefix: String,
    env: String,
    /// (name, placeholder): region names (`ap-northeast-1`, `ap_northeast_1`), then PascalCase
    /// and lower-case short codes.
    regions: Vec<(String, String)>,
    /// (the first two numbers of a /16 VPC range and a dot, placeholder).
    nets: Vec<(String, String)>,
}

impl Names {
    fn apply(&self, text: &str) -> String {
        let mut t = match &self.domain {
            Some(d) => replace(text, d, "<domain>", |c| {
                !(c.is_ascii_alphanumeric() || "@-_".contains(c))
            }),
            None => text.to_string(),
        };
        t = t.replace(&self.prefix, "<prefix>");
        for (name, placeholder) in &self.regions {
            // `KmsKeyArnApne2`, `network_vpc_apne1`, `apne1-to-apne2`; not `apne12`.
            let free =
                |c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit()) || name.starts_with(char::is_uppercase);
            t = replace(&t, name, placeholder, free);
        }
        for (net, placeholder) in &self.nets {
            t = replace(&t, net, placeholder, |c| !(c.is_ascii_digit() || c == '.'));
        }
        replace_env(&t, &self.env)
    }
}

/// Replaces `name` where the character before it passes `before` and the one after it is no
/// digit (the start and the end of the text pass).
fn replace(text: &str, name: &str, placeholder: &str, before: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(name) {
        let ok_before = rest[..i].chars().next_back().is_none_or(&before);
        let after = rest[i + name.len()..].chars().next();
        let ok_after = name.ends_with('.') || after.is_none_or(|c| !c.is_ascii_digit());
        out.push_str(&rest[..i]);
        out.push_str(if ok_before && ok_after { placeholder } else { name });
        rest = &rest[i + name.len()..];
    }
    out.push_str(rest);
    out
}

/// Replaces the environment's name where it names the environment: after the prefix, at the
/// start of a string or a comment, and as a whole value — not inside other words, so that
/// `global` stays in `aws_rds_global_cluster` or `--global-cluster-identifier`.
fn replace_env(text: &str, env: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(env) {
        let head = &rest[..i];
        let after = rest[i + env.len()..].chars().next();
        let starts = ["<prefix>-", "<prefix> ", "<prefix>/", "\"", "# "]
            .iter()
            .any(|p| head.ends_with(p));
        let ends = after.is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
        out.push_str(head);
        out.push_str(if starts && ends { "<env>" } else { env });
        rest = &rest[i + env.len()..];
    }
    out.push_str(rest);
    out
}

fn tag_list(tags: &BTreeMap<String, String>) -> String {
    let all: Vec<String> = tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
    all.join(", ")
}

/// The text of the `render-<env>-vs-production` snapshot.
pub fn describe(env: &Rendered, production: &Rendered) -> String {
    let mine = env.names(None);
    let theirs = production.names(None);
    let prod_paths: BTreeMap<String, &File> = production.files.iter().map(|f| (theirs.apply(&f.path), f)).collect();
    let mut out = format!(
        "How {}'s rendered output differs from production's. Written as placeholders on both sides:\n",
        env.env
    );
    let mut legend = vec![
        ("<prefix>".to_string(), env.prefix.clone(), production.prefix.clone()),
        ("<env>".to_string(), env.env.clone(), production.env.clone()),
    ];
    let domain = |r: &Rendered| r.domain.clone().unwrap_or_else(|| "-".into());
    legend.push(("<domain>".to_string(), domain(env), domain(production)));
    for i in 0..env.regions.len().max(production.regions.len()) {
        legend.push((
            format!("<region-{}>", i + 1),
            env.legend_region(i),
            production.legend_region(i),
        ));
    }
    out.push_str(&format!("  {:<12} {:<40} production\n", "", env.env));
    for (p, a, b) in legend {
        out.push_str(&format!("  {p:<12} {a:<40} {b}\n"));
    }
    out.push_str("Tags on every resource, left out below:\n");
    out.push_str(&format!("  {}: {}\n", env.env, tag_list(&env.tags)));
    out.push_str(&format!("  production: {}\n", tag_list(&production.tags)));
    out.push_str(
        "\nFiles: \"=\" as production's, \"~\" differs (below), \"+\" production has none of its \
         kind (in full below), \"-\" production's, with no counterpart here.\n",
    );
    let mut sections = Vec::new();
    let mut used = BTreeSet::new();
    let mut files: Vec<(String, &File)> = env.files.iter().map(|f| (mine.apply(&f.path), f)).collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    // Blocks of a region production does not have are read as blocks of its last region.
    let last = production.regions.len();
    let extra = |t: &str| -> String {
        let mut t = t.to_string();
        for k in last + 1..=env.regions.len() {
            for (from, to) in [
                ("<region-", ">"),
                ("<region_", ">"),
                ("<R", ">"),
                ("<r", ">"),
                ("<net-", ">"),
            ] {
                t = t.replace(&format!("{from}{k}{to}"), &format!("{from}{last}{to}"));
            }
        }
        t
    };
    for (path, f) in files {
        let Some((against, names)) = counterpart(env, f, &path, production, &prod_paths) else {
            out.push_str(&format!("+ {path}\n"));
            let text: String = env.text(f, &mine).lines().map(|l| format!("+{l}\n")).collect();
            sections.push(format!("+ {path}\n{text}"));
            continue;
        };
        used.insert(against.path.clone());
        let hunks = compare(
            &f.path,
            &production.text(against, &theirs),
            &env.text(f, &names),
            &extra,
        );
        let against_path = theirs.apply(&against.path);
        let note = if against_path == path {
            String::new()
        } else {
            format!("  (against production's {against_path})")
        };
        if hunks.is_empty() {
            out.push_str(&format!("= {path}{note}\n"));
        } else {
            out.push_str(&format!("~ {path}{note}\n"));
            sections.push(format!("~ {path}{note}\n{hunks}"));
        }
    }
    for f in &production.files {
        if !used.contains(&f.path) {
            out.push_str(&format!("- {}\n", theirs.apply(&f.path)));
        }
    }
    for s in sections {
        out.push('\n');
        out.push_str(&s);
    }
    out
}

/// Production's file to compare `f` with, and the names to read `f` with: the one with the
/// same path after the placeholders, else the one of the same layer with the fewest differences.
fn counterpart<'p>(
    env: &Rendered,
    f: &File,
    path: &str,
    production: &'p Rendered,
    prod_paths: &BTreeMap<String, &'p File>,
) -> Option<(&'p File, Names)> {
    if let Some(p) = prod_paths.get(path) {
        return Some((p, env.names(None)));
    }
    let layer = env.layer_of(&f.path)?;
    let theirs = production.names(None);
    production
        .files
        .iter()
        .filter(|p| production.layer_of(&p.path) == Some(layer))
        .map(|p| {
            let swap = env.region_of(&f.path).zip(production.region_of(&p.path));
            let names = env.names(swap);
            let size = compare(&f.path, &production.text(p, &theirs), &env.text(f, &names), &|t| {
                t.into()
            })
            .lines()
            .count();
            (size, p, names)
        })
        .min_by_key(|(size, p, _)| (*size, p.path.clone()))
        .map(|(_, p, names)| (p, names))
}

fn ops<T: Eq + std::hash::Hash + Ord>(old: &[T], new: &[T]) -> Vec<DiffOp> {
    similar::capture_diff_slices(Algorithm::Patience, old, new)
}

/// The differences from production's `old` to `new`, both as compared (placeholders in): JSON
/// by structure, other files by line (`extra` reads a block of a region production has not as
/// one of a region it has).
fn compare(path: &str, old: &str, new: &str, extra: &dyn Fn(&str) -> String) -> String {
    if !path.ends_with(".json") {
        return diff(old, new, extra);
    }
    let parse = |t: &str| serde_json::from_str::<Value>(t).expect("JSON stays JSON with placeholders");
    let mut out = String::new();
    json_diff("", &parse(old), &parse(new), &mut out);
    out
}

/// One line per difference, located by JSON pointer: `~ /a/b: old → new`; `- /a/c` (with its
/// value when that is a plain value) for what only production has; `+ /a/d: value` for what
/// only this environment has, or `+ /a/d: as /a/e, but` and the differences from production's
/// item it most resembles. In a list, `-` counts production's items and `+` and `~` this
/// environment's.
fn json_diff(path: &str, old: &Value, new: &Value, out: &mut String) {
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                let p = format!("{path}/{}", pointer(k));
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => json_diff(&p, x, y, out),
                    (Some(x), None) => removed(&p, x, out),
                    (None, Some(y)) => {
                        let siblings = a.iter().map(|(k, v)| (format!("{path}/{}", pointer(k)), v));
                        added_like(&p, y, siblings, out)
                    }
                    (None, None) => {}
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            let (sa, sb): (Vec<String>, Vec<String>) = (
                a.iter().map(Value::to_string).collect(),
                b.iter().map(Value::to_string).collect(),
            );
            if let Some(key) = identity(a, b) {
                return keyed_diff(path, a, b, key, out);
            }
            for op in ops(&sa, &sb) {
                let (_, olds, news) = op.as_tag_tuple();
                if matches!(op, DiffOp::Equal { .. }) {
                    continue;
                }
                if olds.len() == news.len() {
                    // Items changed in place: say what changed inside each.
                    for (i, j) in olds.zip(news) {
                        json_diff(&format!("{path}/{j}"), &a[i], &b[j], out);
                    }
                    continue;
                }
                // Otherwise an item pairs with the first one on the other side that shares the
                // most entries with it.
                let olds: Vec<usize> = olds.collect();
                let mut pairs = Vec::new();
                let mut from = 0;
                for j in news.clone() {
                    let best = (from..olds.len())
                        .map(|k| (shared(&a[olds[k]], &b[j]), k))
                        .filter(|(n, _)| *n > 0)
                        .max_by_key(|&(n, k)| (n, std::cmp::Reverse(k)));
                    if let Some((_, k)) = best {
                        pairs.push((olds[k], j));
                        from = k + 1;
                    }
                }
                for &i in olds.iter().filter(|i| !pairs.iter().any(|p| p.0 == **i)) {
                    removed(&format!("{path}/{i}"), &a[i], out);
                }
                for j in news {
                    match pairs.iter().find(|p| p.1 == j) {
                        Some(&(i, _)) => json_diff(&format!("{path}/{j}"), &a[i], &b[j], out),
                        None => added(&format!("{path}/{j}"), &b[j], out),
                    }
                }
            }
        }
        _ => out.push_str(&format!("~ {path}: {old} → {new}\n")),
    }
}

/// The key that names each item of both lists, when there is one: objects with a unique `name`
/// (the manifest's stacks) or `Sid` (policy statements).
fn identity(a: &[Value], b: &[Value]) -> Option<&'static str> {
    ["name", "Sid"].into_iter().find(|key| {
        [a, b].iter().all(|list| {
            let names: BTreeSet<Option<&str>> = list.iter().map(|v| v[*key].as_str()).collect();
            !list.is_empty() && names.len() == list.len() && !names.contains(&None)
        })
    })
}

/// Two lists compared item by item through `key`: production's items this environment has not,
/// then this environment's items in its order, compared with production's item of that name.
fn keyed_diff(path: &str, a: &[Value], b: &[Value], key: &str, out: &mut String) {
    let name = |v: &Value| v[key].as_str().map(str::to_string);
    let position = |list: &[Value], n: &Option<String>| list.iter().position(|v| name(v) == *n);
    for (i, x) in a.iter().enumerate() {
        if position(b, &name(x)).is_none() {
            removed(&format!("{path}/{i}"), x, out);
        }
    }
    for (j, y) in b.iter().enumerate() {
        match position(a, &name(y)) {
            Some(i) => json_diff(&format!("{path}/{j}"), &a[i], y, out),
            None => {
                let siblings = a.iter().enumerate().map(|(i, v)| (format!("{path}/{i}"), v));
                added_like(&format!("{path}/{j}"), y, siblings, out)
            }
        }
    }
    let order = |from: &[Value], other: &[Value]| -> Vec<Option<String>> {
        from.iter().map(name).filter(|n| position(other, n).is_some()).collect()
    };
    if order(a, b) != order(b, a) {
        out.push_str(&format!("~ {path}: the items both have are in another order\n"));
    }
}

/// How many entries two items share: equal values under the same key, or 1 for two equal
/// plain values of the same position (strings and numbers pair only when equal).
fn shared(a: &Value, b: &Value) -> usize {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => x.iter().filter(|(k, v)| y.get(*k) == Some(v)).count(),
        (Value::Array(_), Value::Array(_)) => 1,
        _ => 0,
    }
}

/// A key as a JSON pointer writes it.
fn pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Every plain value under `v`, by its pointer below `v`.
fn leaves(path: String, v: &Value, out: &mut BTreeMap<String, String>) {
    match v {
        Value::Object(m) => m
            .iter()
            .for_each(|(k, x)| leaves(format!("{path}/{}", pointer(k)), x, out)),
        Value::Array(l) => l
            .iter()
            .enumerate()
            .for_each(|(i, x)| leaves(format!("{path}/{i}"), x, out)),
        plain => {
            out.insert(path, plain.to_string());
        }
    }
}

/// Something only this environment has: written as the differences from production's most
/// alike sibling (`siblings`: pointer and value), when at least half its plain values are that
/// sibling's; else in full.
fn added_like<'a>(path: &str, v: &Value, siblings: impl Iterator<Item = (String, &'a Value)>, out: &mut String) {
    let mut mine = BTreeMap::new();
    leaves(String::new(), v, &mut mine);
    let best = siblings
        .filter(|(_, s)| s.is_object() && v.is_object())
        .map(|(p, s)| {
            let mut theirs = BTreeMap::new();
            leaves(String::new(), s, &mut theirs);
            let same = mine.iter().filter(|(k, x)| theirs.get(*k) == Some(x)).count();
            let shape = mine.keys().filter(|k| theirs.contains_key(*k)).count();
            ((same, shape), p, s)
        })
        // The most alike (equal values, then equal places); of equally alike ones, the first.
        .fold(None::<((usize, usize), String, &Value)>, |best, c| match best {
            Some(b) if b.0 >= c.0 => Some(b),
            _ => Some(c),
        });
    match best {
        Some(((same, _), like, s)) if same * 2 >= mine.len() && same > 0 => {
            let mut inner = String::new();
            json_diff("", s, v, &mut inner);
            let but = if inner.is_empty() { "" } else { ", but" };
            out.push_str(&format!("+ {path}: as {like}{but}\n"));
            for l in inner.lines() {
                out.push_str(&format!("    {l}\n"));
            }
        }
        _ => added(path, v, out),
    }
}

fn removed(path: &str, v: &Value, out: &mut String) {
    match v {
        Value::Object(_) | Value::Array(_) => out.push_str(&format!("- {path}\n")),
        plain => out.push_str(&format!("- {path}: {plain}\n")),
    }
}

fn added(path: &str, v: &Value, out: &mut String) {
    let compact = v.to_string();
    if compact.len() <= 100 {
        out.push_str(&format!("+ {path}: {compact}\n"));
    } else {
        out.push_str(&format!("+ {path}:\n"));
        let pretty = serde_json::to_string_pretty(v).expect("JSON");
        for l in pretty.lines() {
            out.push_str(&format!("    {l}\n"));
        }
    }
}

/// The changes from `old` to `new` in a text file. Its top-level blocks (a line at the left
/// margin with the indented and closing lines after it: a Terraform block, a shell function or
/// statement) are paired by their first line; a block only production has is named by its first
/// line, one only this environment has is shown whole, and paired blocks are compared line by
/// line.
pub fn diff(old: &str, new: &str, extra: &dyn Fn(&str) -> String) -> String {
    let (ob, nb) = (blocks(old), blocks(new));
    let heads = |b: &[Vec<&str>]| -> Vec<String> { b.iter().map(|x| x[0].to_string()).collect() };
    let new_heads = heads(&nb);
    let mut out = String::new();
    for op in ops(&heads(&ob), &new_heads) {
        let (_, olds, news) = op.as_tag_tuple();
        if matches!(op, DiffOp::Equal { .. }) {
            for (i, j) in olds.zip(news) {
                out.push_str(&line_diff(&ob[i], &nb[j]));
            }
            continue;
        }
        let (olds, news): (Vec<usize>, Vec<usize>) = (olds.collect(), news.collect());
        // A block of an extra region is compared with the same block of production's last
        // region in this environment; another new block with the removed block most like it (at
        // least half its lines equal), in order; the others are shown whole.
        let twin = |j: usize| -> Option<(usize, String)> {
            let block = nb[j].join("\n");
            let like = extra(&block);
            let head = like.lines().next()?.to_string();
            let t = new_heads.iter().position(|h| *h == head).filter(|_| like != block)?;
            Some((t, like))
        };
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        let mut from = 0;
        for &j in news.iter().filter(|&&j| twin(j).is_none()) {
            let best = olds[from.min(olds.len())..]
                .iter()
                .enumerate()
                .map(|(k, &i)| (alike(&ob[i], &nb[j]), k))
                .filter(|&(n, _)| n >= 2 && n * 2 >= nb[j].len())
                .max_by_key(|&(n, k)| (n, std::cmp::Reverse(k)));
            if let Some((_, k)) = best {
                pairs.push((olds[from + k], j));
                from += k + 1;
            }
        }
        let removed: Vec<&str> = olds
            .iter()
            .filter(|i| !pairs.iter().any(|p| p.0 == **i))
            .flat_map(|&i| ob[i].iter().copied())
            .collect();
        if !removed.is_empty() {
            out.push_str("@@ (top level)\n");
            out.push_str(&removed_lines(&removed));
        }
        let mut at_top = !removed.is_empty();
        for j in news {
            if let Some(&(i, _)) = pairs.iter().find(|p| p.1 == j) {
                out.push_str(&line_diff(&ob[i], &nb[j]));
                at_top = false;
                continue;
            }
            if !at_top {
                out.push_str("@@ (top level)\n");
                at_top = true;
            }
            match twin(j) {
                Some((t, like)) => {
                    let like: Vec<&str> = like.lines().collect();
                    let changes = line_diff(&nb[t], &like);
                    out.push_str(&format!("+{}  … as {}\n", nb[j][0], nb[t][0]));
                    at_top = changes.is_empty();
                    out.push_str(&changes);
                }
                None => {
                    for l in &nb[j] {
                        out.push_str(&format!("+{l}\n"));
                    }
                }
            }
        }
    }
    out
}

/// How many lines two blocks have in common.
fn alike(a: &[&str], b: &[&str]) -> usize {
    ops(a, b)
        .iter()
        .filter(|op| matches!(op, DiffOp::Equal { .. }))
        .map(|op| op.old_range().len())
        .sum()
}

/// The top-level blocks of a text, without the blank lines between them.
fn blocks(text: &str) -> Vec<Vec<&str>> {
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    let mut blank = 0;
    for line in text.lines() {
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        match blocks.last_mut() {
            Some(b) if indent(line) > 0 || is_closing(line) => {
                // Blank lines inside a block are part of it.
                b.extend(std::iter::repeat_n("", blank));
                b.push(line);
            }
            _ => blocks.push(vec![line]),
        }
        blank = 0;
    }
    blocks
}

/// The changes from `o` to `n` line by line: each run located by its enclosing lines.
fn line_diff(o: &[&str], n: &[&str]) -> String {
    let mut out = String::new();
    let ops = ops(o, n);
    let equal = |k: usize| match ops.get(k) {
        Some(DiffOp::Equal { len, .. }) => *len,
        _ => 0,
    };
    let mut i = 0;
    while i < ops.len() {
        if matches!(ops[i], DiffOp::Equal { .. }) {
            i += 1;
            continue;
        }
        // One run: consecutive changes with no equal line between them.
        let start = i;
        while i < ops.len() && !matches!(ops[i], DiffOp::Equal { .. }) {
            i += 1;
        }
        let mut removed: Vec<usize> = ops[start..i].iter().flat_map(|op| op.old_range()).collect();
        let mut added: Vec<usize> = ops[start..i].iter().flat_map(|op| op.new_range()).collect();
        // A block removed or added whole: slide it to start at its outermost opening line.
        let before = if start > 0 { equal(start - 1) } else { 0 };
        if added.is_empty() {
            removed = slide(o, removed, before, equal(i));
        } else if removed.is_empty() {
            added = slide(n, added, before, equal(i));
        }
        let place = match (added.first(), removed.first()) {
            (Some(&a), _) => enclosing(n, a),
            (None, Some(&r)) => enclosing(o, r),
            (None, None) => continue,
        };
        out.push_str(&format!("@@ {place}\n"));
        let removed: Vec<&str> = removed.iter().map(|&k| o[k]).collect();
        out.push_str(&removed_lines(&removed));
        for k in added {
            out.push_str(&format!("+{}\n", n[k]));
        }
    }
    out
}

/// Where a run of lines that only one side has best starts: a diff may place it anywhere between
/// equal lines that repeat (`up` lines before it, `down` after it), and the best place starts at
/// the least indented line that opens something, as a person would mark the block.
fn slide(lines: &[&str], run: Vec<usize>, up: usize, down: usize) -> Vec<usize> {
    let (Some(&a), Some(&last)) = (run.first(), run.last()) else {
        return run;
    };
    let b = last + 1;
    let mut first = a;
    while a - first < up && first > 0 && lines[first - 1] == lines[first - 1 + b - a] {
        first -= 1;
    }
    let mut end = a;
    while end - a < down && end + (b - a) < lines.len() && lines[end] == lines[end + b - a] {
        end += 1;
    }
    let best = (first..=end)
        .min_by_key(|&s| (indent(lines[s]), !opens(lines[s]), s))
        .unwrap_or(a);
    (best..best + (b - a)).collect()
}

/// Removed lines, each removed block longer than [`REMOVED_IN_FULL`] lines summed up by its
/// opening line: production's snapshot shows it in full.
fn removed_lines(lines: &[&str]) -> String {
    let mut out = String::new();
    let mut k = 0;
    while k < lines.len() {
        let l = lines[k];
        // The block: the lines indented deeper that follow, and its closing line if removed too.
        let mut end = k + 1;
        while end < lines.len() && (lines[end].trim().is_empty() || indent(lines[end]) > indent(l)) {
            end += 1;
        }
        if end < lines.len() && indent(lines[end]) == indent(l) && is_closing(lines[end]) {
            end += 1;
        }
        if opens(l) && end - k > REMOVED_IN_FULL {
            let pad = " ".repeat(indent(l) + 2);
            out.push_str(&format!("-{l}\n-{pad}… {} lines\n", end - k));
            k = end;
        } else {
            out.push_str(&format!("-{l}\n"));
            k += 1;
        }
    }
    out
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// A line that opens a block: a bracket, or a shell `then`, `do` or `else`.
fn opens(line: &str) -> bool {
    let t = line.trim();
    t.ends_with(['{', '[', '(']) || t.ends_with(" then") || t.ends_with(" do") || t == "else"
}

fn is_closing(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with(['}', ']', ')']) || matches!(t, "fi" | "done" | "esac" | "EOF")
}

/// The lines that enclose line `k`: each earlier line indented less than the one after it,
/// outermost first, written without their opening bracket (`"Resources" › "Cluster"`).
fn enclosing(lines: &[&str], k: usize) -> String {
    let mut level = if lines[k].trim().is_empty() {
        usize::MAX
    } else {
        indent(lines[k])
    };
    let mut chain = Vec::new();
    for l in lines[..k].iter().rev() {
        if level == 0 {
            break;
        }
        if indent(l) >= level || !opens(l) {
            continue;
        }
        level = indent(l);
        let label = l.trim().trim_end_matches(['{', '[', '(', ' ', ':', '=']);
        if !label.is_empty() {
            chain.push(label);
        }
    }
    if chain.is_empty() {
        return "(top level)".to_string();
    }
    chain.reverse();
    chain.join(" › ")
}

#[test]
fn names_become_placeholders_only_where_they_are_names() {
    let t = "genai-demo-global-aurora-us-east-1 aws_rds_global_cluster --global-cluster-identifier \
             \"global\" # global us-east-1 KmsKeyArnUse1 network_vpc_use1 use12 10.30.64.0/18 \
             110.30.1.0 api.example.net. ops@example.net";
    let names = Names {
        domain: Some("example.net".into()),
        prefix: "genai-demo".into(),
        env: "global".into(),
        regions: vec![
            ("us-east-1".into(), "<region-1>".into()),
            ("Use1".into(), "<R1>".into()),
            ("use1".into(), "<r1>".into()),
        ],
        nets: vec![("10.30.".into(), "<net-1>.".into())],
    };
    assert_eq!(
        names.apply(t),
        "<prefix>-<env>-aurora-<region-1> aws_rds_global_cluster --global-cluster-identifier \
         \"<env>\" # <env> <region-1> KmsKeyArn<R1> network_vpc_<r1> use12 <net-1>.64.0/18 \
         110.30.1.0 api.<domain>. ops@example.net"
    );
}

#[test]
fn the_environments_tags_are_left_out() {
    let providers = "provider \"aws\" {\n  default_tags {\n    tags = {\n      \"Env\"   = \"dev\"\n      \"a/b:c\" = \"x\"\n    }\n  }\n}\n";
    let tags = default_tags(providers);
    assert_eq!(tags.len(), 2, "{tags:?}");
    assert_eq!(
        strip_default_tags(providers, &tags),
        "provider \"aws\" {\n  default_tags {\n    tags = {\n    }\n  }\n}\n"
    );
    let mut v: Value = serde_json::json!({"R": {"Properties": {
        "Tags": [{"Key": "Env", "Value": "dev"}, {"Key": "Env2", "Value": "dev"}, {"Key": "a/b:c", "Value": "y"}],
        "Other": {"Tags": {"Env": "dev", "Name": "n"}}
    }}});
    strip_tags(&mut v, &tags);
    assert_eq!(
        v,
        serde_json::json!({"R": {"Properties": {
            "Tags": [{"Key": "Env2", "Value": "dev"}, {"Key": "a/b:c", "Value": "y"}],
            "Other": {"Tags": {"Name": "n"}}
        }}})
    );
}

#[test]
fn a_json_diff_names_each_difference_by_its_pointer() {
    let old = serde_json::json!({"R": {
        "a/b": 1, "gone": {"x": 1}, "list": ["p", "q", {"k": 1, "t": "x"}], "s": "v",
        "o1": {"t": "A", "p": 1, "q": 2}
    }});
    let new = serde_json::json!({"R": {
        "a/b": 2, "new": true, "list": ["p", {"k": 2, "t": "x"}], "s": "v",
        "o1": {"t": "A", "p": 1, "q": 2}, "o2": {"t": "A", "p": 1, "q": 3}, "o3": {"z": 1}
    }});
    let mut out = String::new();
    json_diff("", &old, &new, &mut out);
    assert_eq!(
        out,
        "~ /R/a~1b: 1 → 2\n- /R/gone\n- /R/list/1: \"q\"\n~ /R/list/1/k: 1 → 2\n+ /R/new: true\n\
         + /R/o2: as /R/o1, but\n    ~ /q: 2 → 3\n+ /R/o3: {\"z\":1}\n"
    );
}

#[test]
fn a_diff_is_located_by_its_enclosing_lines_and_sums_up_removed_blocks() {
    let old = "{\n  \"A\": {\n    \"x\": 1,\n    \"y\": 2\n  },\n  \"B\": {\n    \"p\": 1,\n    \"q\": 2,\n    \"r\": 3\n  }\n}\n";
    let new = "{\n  \"A\": {\n    \"x\": 1,\n    \"y\": 3\n  }\n}\n";
    assert_eq!(
        diff(old, new, &|t| t.into()),
        "@@ \"A\"\n-    \"y\": 2\n-  },\n-  \"B\": {\n-    … 4 lines\n+    \"y\": 3\n"
    );
    assert_eq!(diff(old, old, &|t| t.into()), "");
}

#[test]
fn a_block_removed_whole_is_shown_from_its_first_line() {
    // Two blocks that end alike: a diff may remove the first one's tail and the second one's
    // head; the report shows the second block removed, from its opening line.
    let old = "r {\n  one {\n    a\n    z\n  }\n  two {\n    b\n    z\n  }\n}\n";
    let new = "r {\n  one {\n    a\n    z\n  }\n}\n";
    assert_eq!(diff(old, new, &|t| t.into()), "@@ r\n-  two {\n-    … 4 lines\n");
}

#[test]
fn blocks_pair_by_first_line_then_by_likeness_and_an_extra_regions_block_by_its_twin() {
    let old = "a {\n  x = 1\n}\n\nb_<r1> {\n  y = 1\n}\n\nold_<r1> {\n  p = 1\n  q = 2\n  w = 3\n}\n\ngone {\n  g = 1\n  h = 2\n  i = 3\n}\n";
    let new =
        "a {\n  x = 2\n}\n\nb_<r1> {\n  y = 1\n}\n\nb_<r2> {\n  y = 1\n}\n\nnew_<r1> {\n  p = 1\n  q = 2\n  w = 4\n}\n";
    let extra = |t: &str| t.replace("<r2>", "<r1>");
    assert_eq!(
        diff(old, new, &extra),
        "@@ a\n-  x = 1\n+  x = 2\n\
         @@ (top level)\n-gone {\n-  … 5 lines\n+b_<r2> {  … as b_<r1> {\n\
         @@ (top level)\n-old_<r1> {\n+new_<r1> {\n@@ new_<r1>\n-  w = 3\n+  w = 4\n"
    );
}
