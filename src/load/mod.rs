//! Bytes to a positioned document tree: size, encoding and NUL checks first, then JSON or YAML,
//! then `--context` overrides. Everything here either yields a tree or an MR001/MR003 problem with
//! a position; nothing panics on hostile input.

pub mod json;
pub mod tree;
pub mod yaml;

use crate::finding::{Pos, RuleId};
use crate::path::KeyPath;
pub use tree::{Entry, Node, Value};

/// Deepest nesting accepted. An environment file needs about six levels.
pub const MAX_DEPTH: usize = 128;
/// Largest file accepted (1 MiB). A real environment file is a few kilobytes.
pub const MAX_BYTES: usize = 1024 * 1024;

/// A problem found while loading, before the document has a shape.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadProblem {
    pub rule: RuleId,
    pub line: usize,
    pub col: usize,
    pub path: KeyPath,
    pub message: String,
    pub help: String,
}

impl LoadProblem {
    pub fn new(rule: RuleId, line: usize, col: usize, message: &str, help: &str) -> Self {
        LoadProblem {
            rule,
            line,
            col,
            path: KeyPath::root(),
            message: message.to_string(),
            help: help.to_string(),
        }
    }

    pub fn duplicate(path: KeyPath, at: Pos, first: Pos) -> Self {
        let key = path.last_key().unwrap_or_default().to_string();
        LoadProblem {
            rule: RuleId::MR006,
            line: at.line,
            col: at.col,
            path,
            message: format!("duplicate key `{key}` (first given at line {})", first.line),
            help: "keep one of the two; a parser would silently drop the other".to_string(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

impl Format {
    /// By extension; anything else is sniffed: `{` or `[` first means JSON.
    pub fn detect(path: &std::path::Path, text: &str) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some("json") => Format::Json,
            Some("yaml" | "yml") => Format::Yaml,
            _ if text.trim_start().starts_with(['{', '[']) => Format::Json,
            _ => Format::Yaml,
        }
    }
}

/// A loaded file: its text (for showing source lines) and its tree.
#[derive(Debug)]
pub struct Loaded {
    pub text: String,
    pub root: Node,
    /// Problems that did not stop loading (duplicate keys).
    pub problems: Vec<LoadProblem>,
}

/// Line and column (from 1, in characters) of a byte offset.
fn line_col(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, col)
}

/// Loads bytes as an environment document. `Err` carries the problem that stopped loading (with
/// the text when it is valid UTF-8, so the source line can be shown).
pub fn load(bytes: &[u8], path: &std::path::Path) -> Result<Loaded, (LoadProblem, Option<String>)> {
    if bytes.len() > MAX_BYTES {
        return Err((
            LoadProblem::new(
                RuleId::MR001,
                1,
                1,
                &format!(
                    "the file has {} bytes, more than the 1 MiB an environment file may have",
                    bytes.len()
                ),
                "an environment file is a few kilobytes; is this the right file?",
            ),
            None,
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let (line, col) = line_col(bytes, e.valid_up_to());
            return Err((
                LoadProblem::new(
                    RuleId::MR001,
                    line,
                    col,
                    "the file is not valid UTF-8",
                    "save the file as UTF-8",
                ),
                None,
            ));
        }
    };
    if let Some(i) = text.find('\0') {
        let (line, col) = line_col(bytes, i);
        return Err((
            LoadProblem::new(
                RuleId::MR001,
                line,
                col,
                "the file contains a NUL byte",
                "remove it; environment files are text",
            ),
            Some(text.to_string()),
        ));
    }
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let parsed = match Format::detect(path, body) {
        Format::Json => json::parse(body),
        Format::Yaml => yaml::parse(body),
    };
    match parsed {
        Ok((root, problems)) => {
            if !matches!(root.value, Value::Map(_)) {
                let what = root.type_name();
                return Err((
                    LoadProblem::new(
                        RuleId::MR003,
                        root.pos.line,
                        root.pos.col,
                        &format!(
                            "the top level is {what}; an environment file is a mapping of `<prefix>:<section>` keys"
                        ),
                        "make the top level a mapping, e.g. `{ \"<prefix>:regions\": { \"primary\": \"us-east-1\" } }`",
                    ),
                    Some(text.to_string()),
                ));
            }
            Ok(Loaded {
                text: text.to_string(),
                root,
                problems,
            })
        }
        Err(p) => Err((p, Some(text.to_string()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn hostile_bytes_are_diagnosed() {
        let p = Path::new("x.yaml");
        assert_eq!(load(b"a: \xff\n", p).unwrap_err().0.rule, RuleId::MR001);
        let e = load(b"a: 1\nb: \0\n", p).unwrap_err().0;
        assert_eq!((e.rule, e.line, e.col), (RuleId::MR001, 2, 4));
        let big = vec![b' '; MAX_BYTES + 1];
        assert_eq!(load(&big, p).unwrap_err().0.rule, RuleId::MR001);
        assert_eq!(load(b"[1, 2]", Path::new("x.json")).unwrap_err().0.rule, RuleId::MR003);
        assert_eq!(load(b"- a\n", p).unwrap_err().0.rule, RuleId::MR003);
        assert_eq!(load(b"just text\n", p).unwrap_err().0.rule, RuleId::MR003);
    }

    #[test]
    fn bom_is_skipped() {
        assert!(load("\u{feff}{\"a\": 1}".as_bytes(), Path::new("x.json")).is_ok());
    }
}
