//! One `Diagnostic` type for every problem mrgen reports, and its three renderings: human (like
//! rustc, on stderr), JSON (one array on stdout) and GitHub Actions workflow commands.

use crate::finding::{Finding, Pos, RuleId, Severity, Src};
use crate::path::KeyPath;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A finding placed in a file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub rule: RuleId,
    pub file: String,
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: String,
}

/// The name diagnostics give to values that came from `--context`.
pub const COMMAND_LINE: &str = "<command line>";

impl Diagnostic {
    /// Places a finding: the position of its key, else of the nearest parent that exists.
    pub fn place(f: Finding, file: &str, positions: &BTreeMap<KeyPath, Pos>) -> Diagnostic {
        let mut probe = Some(f.path.clone());
        let mut pos = Pos::file(1, 1);
        while let Some(p) = probe {
            if let Some(found) = positions.get(&p) {
                pos = *found;
                break;
            }
            probe = p.parent();
        }
        let file = match pos.src {
            Src::File => file.to_string(),
            Src::CommandLine => COMMAND_LINE.to_string(),
        };
        Diagnostic {
            severity: f.severity,
            rule: f.rule,
            file,
            path: f.path.to_string(),
            line: pos.line,
            column: pos.col,
            message: f.message,
            help: f.help,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Errors first, then warnings; each in file order (the command line after the file).
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (a.severity, a.file == COMMAND_LINE, a.line, a.column).cmp(&(
            b.severity,
            b.file == COMMAND_LINE,
            b.line,
            b.column,
        ))
    });
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Human,
    Json,
    Github,
}

/// Renders diagnostics for people: rustc's layout, colour only when asked for.
pub fn human(diags: &[Diagnostic], sources: &BTreeMap<String, String>, color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    for d in diags {
        let (word, code) = match d.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
        };
        let _ = writeln!(
            out,
            "{}{}",
            paint(code, &format!("{word}[{}]", d.rule.as_str())),
            paint("1", &format!(": {}", d.message))
        );
        let line_text = sources
            .get(&d.file)
            .and_then(|t| t.lines().nth(d.line.saturating_sub(1)))
            .map(|l| l.trim_end_matches('\r'));
        let gutter = " ".repeat(d.line.to_string().len());
        let _ = writeln!(
            out,
            "{gutter}{} {}:{}:{}",
            paint("1;34", "-->"),
            d.file,
            d.line,
            d.column
        );
        if let Some(text) = line_text {
            // Tabs as one space (so the caret lines up), other control characters as visible symbols.
            let shown: String = text
                .chars()
                .map(|c| match c {
                    '\t' => ' ',
                    c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).unwrap_or('?'),
                    c => c,
                })
                .collect();
            let width = token_width(&shown, d.column);
            let _ = writeln!(out, "{gutter} {}", paint("1;34", "|"));
            let _ = writeln!(
                out,
                "{} {} {}",
                paint("1;34", &d.line.to_string()),
                paint("1;34", "|"),
                shown
            );
            let _ = writeln!(
                out,
                "{gutter} {} {}{}",
                paint("1;34", "|"),
                " ".repeat(d.column.saturating_sub(1)),
                paint(code, &"^".repeat(width))
            );
        }
        if !d.path.is_empty() {
            let _ = writeln!(out, "{gutter} {} key: {}", paint("1;34", "="), d.path);
        }
        if !d.help.is_empty() {
            let _ = writeln!(out, "{gutter} {} help: {}", paint("1;34", "="), d.help);
        }
        out.push('\n');
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if !diags.is_empty() {
        let _ = writeln!(
            out,
            "{} error{}, {} warning{}",
            errors,
            if errors == 1 { "" } else { "s" },
            warnings,
            if warnings == 1 { "" } else { "s" }
        );
    }
    out
}

/// Width of the token that starts at `col` (from 1): up to whitespace or a `:` that ends a key.
fn token_width(line: &str, col: usize) -> usize {
    let rest: Vec<char> = line.chars().skip(col.saturating_sub(1)).collect();
    if rest.is_empty() {
        return 1;
    }
    let quoted = rest[0] == '"' || rest[0] == '\'';
    let mut n = 0;
    for (i, c) in rest.iter().enumerate() {
        if quoted && i > 0 && *c == rest[0] {
            n = i + 1;
            break;
        }
        let ends_key = *c == ':' && rest.get(i + 1).is_none_or(|n| n.is_whitespace());
        if !quoted && (c.is_whitespace() || ends_key || *c == ',') {
            break;
        }
        n = i + 1;
    }
    n.clamp(1, 60)
}

pub fn json(diags: &[Diagnostic]) -> String {
    let mut s = serde_json::to_string_pretty(diags).unwrap_or_else(|_| "[]".to_string());
    s.push('\n');
    s
}

fn gh_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn gh_prop(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn github(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let cmd = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(
            out,
            "::{cmd} file={},line={},col={},title={}::{}",
            gh_prop(&d.file),
            d.line,
            d.column,
            gh_prop(d.rule.as_str()),
            gh_data(&if d.path.is_empty() {
                format!("{}\nhelp: {}", d.message, d.help)
            } else {
                format!("{}: {}\nhelp: {}", d.path, d.message, d.help)
            })
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag() -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            rule: RuleId::MR203,
            file: "env.yaml".into(),
            path: "p:environments.production.vpc-cidr".into(),
            line: 2,
            column: 3,
            message: "host bits set".into(),
            help: "use 10.2.0.0/16".into(),
        }
    }

    #[test]
    fn human_points_at_the_key() {
        let mut src = BTreeMap::new();
        src.insert("env.yaml".to_string(), "a:\n  vpc-cidr: 10.2.0.1/16\n".to_string());
        let out = human(&[diag()], &src, false);
        assert!(out.starts_with("error[MR203]: host bits set\n"), "{out}");
        assert!(out.contains("--> env.yaml:2:3"), "{out}");
        assert!(out.contains("2 |   vpc-cidr: 10.2.0.1/16\n  |   ^^^^^^^^\n"), "{out}");
        assert!(out.contains("= help: use 10.2.0.0/16"), "{out}");
        assert!(!out.contains('\x1b'));
        assert!(human(&[diag()], &src, true).contains('\x1b'));
    }

    #[test]
    fn github_escapes_properties_and_data() {
        let mut d = diag();
        d.file = "a,b:c.yaml".into();
        d.message = "50% done\nnext".into();
        let out = github(&[d]);
        assert!(
            out.starts_with("::error file=a%2Cb%3Ac.yaml,line=2,col=3,title=MR203::"),
            "{out}"
        );
        assert!(out.contains("50%25 done%0Anext"), "{out}");
        assert_eq!(out.lines().count(), 1);
    }

    #[test]
    fn placing_falls_back_to_the_nearest_parent() {
        let base = KeyPath::section("p", "eks");
        let mut pos = BTreeMap::new();
        pos.insert(base.clone(), Pos::file(4, 1));
        let d = Diagnostic::place(
            Finding::error(RuleId::MR402, base.key("version"), "m", "h"),
            "f.yaml",
            &pos,
        );
        assert_eq!((d.line, d.column), (4, 1));
        assert_eq!(d.path, "p:eks.version");
        let none = Diagnostic::place(
            Finding::error(RuleId::MR005, base, "m", "h"),
            "f.yaml",
            &BTreeMap::new(),
        );
        assert_eq!((none.line, none.column), (1, 1));
    }
}
