//! The shape of `src/` (issue-level design rules, README "How mrgen is built"): files one can
//! hold in one's head, and modules that use each other without a cycle. These read the source
//! instead of running the binary.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The longest a file under `src/` may be.
const MAX_LINES: usize = 700;

fn sources() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    out.sort();
    out
}

fn relative(p: &Path) -> String {
    p.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap()
        .display()
        .to_string()
}

#[test]
fn no_file_under_src_is_over_700_lines() {
    let long: Vec<String> = sources()
        .iter()
        .filter_map(|p| {
            let n = std::fs::read_to_string(p).unwrap().lines().count();
            (n > MAX_LINES).then(|| format!("{} ({n} lines)", relative(p)))
        })
        .collect();
    assert!(long.is_empty(), "over {MAX_LINES} lines: {long:?}");
}

/// A file's module path: `src/plan/kinds/mod.rs` → `["plan", "kinds"]`; `src/lib.rs` → `[]`.
fn module_of(p: &Path) -> Vec<String> {
    let rel = p
        .strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
        .unwrap();
    let mut parts: Vec<String> = rel
        .with_extension("")
        .iter()
        .map(|c| c.to_string_lossy().into_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The code of a file without comments and without its `#[cfg(test)]` module (tests may use
/// anything).
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(at) => &l[..at],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path the code names that starts with `crate::`, `super::` or `self::`, with `use`
/// groups expanded (`use super::{a, b::c}` → `super::a`, `super::b::c`), as segments.
fn paths(code: &str) -> Vec<Vec<String>> {
    fn ident(c: char) -> bool {
        c.is_ascii_alphanumeric() || c == '_'
    }
    // Reads `seg::seg::…` at `s`, expanding a `{…}` group; pushes every full path.
    fn read(s: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) -> usize {
        let b = s.as_bytes();
        let mut i = 0;
        let depth = prefix.len();
        let mut grouped = false;
        loop {
            while i < b.len() && b[i] == b' ' {
                i += 1;
            }
            if i < b.len() && b[i] == b'{' {
                i += 1;
                loop {
                    while i < b.len() && matches!(b[i], b' ' | b'\n' | b',') {
                        i += 1;
                    }
                    if i >= b.len() || b[i] == b'}' {
                        i += 1;
                        break;
                    }
                    let mut inner = prefix.clone();
                    i += read(&s[i..], &mut inner, out);
                }
                grouped = true;
                break;
            }
            let start = i;
            while i < b.len() && ident(b[i] as char) {
                i += 1;
            }
            if i == start {
                break;
            }
            prefix.push(s[start..i].to_string());
            if s[i..].starts_with("::") {
                i += 2;
            } else {
                // `a as b` names `a`.
                if let Some(rest) = s[i..].strip_prefix(" as ") {
                    i += 4 + rest.bytes().take_while(|&c| ident(c as char)).count();
                }
                break;
            }
        }
        if prefix.len() > depth && !grouped {
            out.push(prefix.clone());
        }
        prefix.truncate(depth);
        i.max(1)
    }
    let mut out = Vec::new();
    let b = code.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let rest = &code[i..];
        let boundary = i == 0 || !ident(b[i - 1] as char) && b[i - 1] != b':';
        if boundary && ["crate::", "super::", "self::"].iter().any(|k| rest.starts_with(k)) {
            i += read(rest, &mut Vec::new(), &mut out);
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    out
}

/// The module a path names, as deep as it names a module of `modules`, from the file whose
/// module is `from`.
fn target(from: &[String], path: &[String], modules: &BTreeSet<Vec<String>>) -> Vec<String> {
    let mut at: Vec<String> = Vec::new();
    let mut segs = path.iter().peekable();
    match segs.peek().map(|s| s.as_str()) {
        Some("crate") => {
            segs.next();
        }
        Some("self") => {
            segs.next();
            at = from.to_vec();
        }
        _ => {
            at = from.to_vec();
            while segs.peek().map(|s| s.as_str()) == Some("super") {
                segs.next();
                at.pop();
            }
        }
    }
    for s in segs {
        let mut next = at.clone();
        next.push(s.clone());
        if !modules.contains(&next) {
            break;
        }
        at = next;
    }
    at
}

/// Child → child it uses → why (the uses seen).
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

/// The cycles among the children of each module, from `sources`: (module path, code) of each
/// file. Within each module, the graph of its children (a child stands for everything under it);
/// a module and its own ancestors or descendants are not checked against each other.
fn cycles(sources: &[(Vec<String>, String)]) -> Vec<String> {
    let modules: BTreeSet<Vec<String>> = sources.iter().map(|(m, _)| m.clone()).collect();
    let mut graphs: BTreeMap<Vec<String>, Graph> = BTreeMap::new();
    for (from, code) in sources {
        for path in paths(code) {
            let to = target(from, &path, &modules);
            let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
            if common == from.len() || common == to.len() {
                continue;
            }
            graphs
                .entry(from[..common].to_vec())
                .or_default()
                .entry(from[common].clone())
                .or_default()
                .entry(to[common].clone())
                .or_default()
                .insert(format!("crate::{} uses {}", from.join("::"), path.join("::")));
        }
    }
    let mut found = Vec::new();
    for (parent, graph) in &graphs {
        // A cycle: two children that reach each other.
        let reach = |a: &str| -> BTreeSet<String> {
            let mut seen = BTreeSet::new();
            let mut todo = vec![a.to_string()];
            while let Some(n) = todo.pop() {
                for m in graph.get(&n).into_iter().flat_map(|e| e.keys()) {
                    if seen.insert(m.clone()) {
                        todo.push(m.clone());
                    }
                }
            }
            seen
        };
        for (a, edges) in graph {
            for (b, why) in edges {
                if a < b && reach(b).contains(a) {
                    let back = graph.get(b).and_then(|e| e.get(a)).and_then(|w| w.first());
                    found.push(format!(
                        "in crate::{}: {a} and {b} reach each other ({:?}; back: {back:?})",
                        parent.join("::"),
                        why.first()
                    ));
                }
            }
        }
    }
    found
}

#[test]
fn modules_in_each_folder_use_each_other_without_a_cycle() {
    let sources: Vec<(Vec<String>, String)> = sources()
        .iter()
        .map(|p| (module_of(p), p))
        // Test modules (`#[cfg(test)] mod tests;`) and the binary's entry point.
        .filter(|(m, p)| !m.iter().any(|s| s == "tests") && relative(p) != "src/main.rs")
        .map(|(m, p)| (m, code(&std::fs::read_to_string(p).unwrap())))
        .collect();
    let found = cycles(&sources);
    assert!(found.is_empty(), "import cycles:\n{}", found.join("\n"));
}

#[test]
fn the_cycle_check_finds_cycles_between_files_and_between_folders() {
    let m = |s: &str| -> Vec<String> { s.split("::").filter(|p| !p.is_empty()).map(String::from).collect() };
    let files = |list: &[(&str, &str)]| -> Vec<(Vec<String>, String)> {
        list.iter().map(|(path, text)| (m(path), code(text))).collect()
    };
    // Two files of one folder, each using the other.
    let two = files(&[
        ("", ""),
        ("plan", ""),
        ("plan::a", "use super::b::X;"),
        ("plan::b", "use super::{a::Y, c as d};"),
    ]);
    assert_eq!(cycles(&two).len(), 1, "{:?}", cycles(&two));
    // Two folders, through files deep inside each; a file and its parent are not a cycle.
    let deep = files(&[
        ("", ""),
        ("render", "pub use crate::render::cfn::X;"),
        ("render::cfn", "fn f() { crate::output::write(); super::File::new(); }"),
        ("output", ""),
        ("output::owned", "use crate::render::File;"),
    ]);
    let found = cycles(&deep);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("in crate::: output and render"), "{found:?}");
    // One way only: none.
    let one = files(&[
        ("", ""),
        ("a", "use crate::b::X;"),
        ("b", "use crate::c::Y;"),
        ("c", ""),
    ]);
    assert!(cycles(&one).is_empty());
}

#[test]
fn the_cycle_check_reads_use_groups_and_resolves_paths() {
    let found = paths(&code(
        "use super::{alias as other, apply_sh, kinds::{Tf, x}};\nfn f() { crate::plan::dashboard::Widget::new(); }\n// crate::not::this\n",
    ));
    let found: Vec<String> = code_paths(&found);
    assert_eq!(
        found,
        [
            "super::alias",
            "super::apply_sh",
            "super::kinds::Tf",
            "super::kinds::x",
            "crate::plan::dashboard::Widget::new"
        ]
    );
    let modules: BTreeSet<Vec<String>> = [vec![], vec!["plan".to_string()], vec!["plan".into(), "kinds".into()]]
        .into_iter()
        .collect();
    let path: Vec<String> = ["super", "kinds", "Dashboard"].iter().map(|s| s.to_string()).collect();
    assert_eq!(
        target(&["plan".into(), "dashboard".into()], &path, &modules),
        ["plan", "kinds"]
    );
}

fn code_paths(p: &[Vec<String>]) -> Vec<String> {
    p.iter().map(|s| s.join("::")).collect()
}

/// The `match` blocks of `code` whose arms (at the block's own level) name a resource kind or a
/// layer (`Kind::…`, `Layer::…`) and also have a catch-all arm (`_ =>`): where a new kind or
/// layer would be passed over in silence. As (line of the `match`, its first line).
fn catch_alls_over_kinds(code: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut found = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let Some(at) = line.find("match ") else { continue };
        if !line[at..].trim_end().ends_with('{') {
            continue;
        }
        // The arms one level inside the match's braces.
        let (mut depth, mut names_kind, mut catch_all) = (1i32, false, false);
        for arm in &lines[n + 1..] {
            let t = arm.trim_start();
            if depth == 1 {
                // `Kind::X(..)`, or inside a tuple pattern: `(Kind::X(..), Layer::Y)`.
                let pattern = t.trim_start_matches("| ").trim_start_matches(['(', '&']);
                names_kind |= pattern.starts_with("Kind::") || pattern.starts_with("Layer::");
                catch_all |= pattern.starts_with("_ =>") || pattern.starts_with("_ if ");
            }
            depth += arm.matches(['{', '(', '[']).count() as i32 - arm.matches(['}', ')', ']']).count() as i32;
            if depth <= 0 {
                break;
            }
        }
        if names_kind && catch_all {
            found.push((n + 1, line.trim().to_string()));
        }
    }
    found
}

#[test]
fn no_match_over_kinds_or_layers_has_a_catch_all_arm() {
    let mut found = Vec::new();
    for p in sources() {
        if module_of(&p).iter().any(|m| m == "tests") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        for (line, m) in catch_alls_over_kinds(&code(&text)) {
            found.push(format!("{}:{line}: {m}", relative(&p)));
        }
    }
    assert!(found.is_empty(), "a new kind or layer would pass these by: {found:?}");
}

#[test]
fn the_catch_all_check_sees_one_and_only_at_the_matchs_own_level() {
    let silent = "match &r.kind {\n    Kind::Vpc(v) => 1,\n    _ => 0,\n}\n";
    assert_eq!(catch_alls_over_kinds(silent).len(), 1);
    let nested = "match &r.kind {\n    Kind::Vpc(v) => match x {\n        Some(_) => 1,\n        _ => 0,\n    },\n    Kind::Subnet(_) => 2,\n}\n";
    assert!(catch_alls_over_kinds(nested).is_empty());
    let tuple = "match (&r.kind, s.layer) {\n    (Kind::Vpc(v), _) => 1,\n    _ => {}\n}\n";
    assert_eq!(catch_alls_over_kinds(tuple).len(), 1);
    let attrs = "match a {\n    Attr::Arn => None,\n    other => plain(other),\n}\n";
    assert!(catch_alls_over_kinds(attrs).is_empty());
}
