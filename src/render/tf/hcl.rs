//! HCL values: the one escaper every user string goes through, and the minijinja formatter that
//! writes any template value as an HCL expression.
//!
//! What reaches a template is either *text* (a plain minijinja string: anything a user could have
//! written, however it was validated) or *code* (a minijinja "safe" string built in Rust from
//! validated identifiers only: resource addresses, `data.…` references, `each.value`). The
//! formatter writes text as a complete quoted HCL string through [`escape_into`] and code as it
//! is; lists, ordered objects ([`Obj`]) and interpolations ([`Interp`]) are written recursively
//! by the same rules. Nothing else in the Terraform backend quotes a string.

use minijinja::value::{Enumerator, Object, ObjectRepr, Value, ValueKind};
use minijinja::{Error, ErrorKind};
use std::sync::Arc;

/// Writes `s` as the inside of a quoted HCL string: `\` → `\\`, `"` → `\"`, newline, CR and tab
/// as `\n`, `\r`, `\t`, every other control character as `\uNNNN` (never `\b` or `\f`, which
/// Terraform rejects), then the template sequences `${` → `$${` and `%{` → `%%{`, so that the
/// string reads back as exactly `s` and never as an interpolation or a directive.
pub fn escape_into(out: &mut String, s: &str) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
}

/// `s` as a complete quoted HCL string literal.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    escape_into(&mut out, s);
    out.push('"');
    out
}

/// An HCL identifier (attribute names, block labels, bare object keys): a letter or `_`, then
/// letters, digits, `_` and `-` (ASCII only: everything mrgen names is ASCII).
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !matches!(s, "for" | "in" | "if" | "true" | "false" | "null")
}

/// Code: an HCL expression built in Rust from validated identifiers. Never holds user text.
pub fn code(s: impl Into<String>) -> Value {
    Value::from_safe_string(s.into())
}

/// Text: a user-facing string, quoted and escaped when written.
pub fn text(s: impl Into<String>) -> Value {
    Value::from(s.into())
}

/// An object whose keys keep their order (minijinja's own maps sort them). `quote_keys` writes
/// every key as a quoted string (user-keyed maps such as tags); otherwise keys that are
/// identifiers are written bare.
#[derive(Debug, Clone, Default)]
pub struct Obj {
    pub entries: Vec<(String, Value)>,
    pub quote_keys: bool,
}

impl Obj {
    pub fn new() -> Obj {
        Obj::default()
    }
    pub fn quoted() -> Obj {
        Obj {
            entries: Vec::new(),
            quote_keys: true,
        }
    }
    pub fn set(mut self, key: &str, value: Value) -> Obj {
        self.put(key, value);
        self
    }
    pub fn put(&mut self, key: &str, value: Value) {
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some(e) => e.1 = value,
            None => self.entries.push((key.to_string(), value)),
        }
    }
    pub fn value(self) -> Value {
        Value::from_object(self)
    }
}

impl Object for Obj {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let k = key.as_str()?;
        self.entries.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }
    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.entries.iter().map(|(k, _)| Value::from(k.as_str())).collect())
    }
}

/// A quoted string with interpolations: literal parts are text, the others code
/// (`"arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"`).
#[derive(Debug, Clone)]
pub struct Interp(pub Vec<Value>);

impl Object for Interp {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }
}

/// A list of scalars longer than this (as one line) is written one item a line.
const LIST_WIDTH: usize = 100;

fn err(msg: String) -> Error {
    Error::new(ErrorKind::InvalidOperation, msg)
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v.kind(), ValueKind::Seq | ValueKind::Map) || v.downcast_object_ref::<Interp>().is_some()
}

fn number(out: &mut String, v: &Value) -> Result<(), Error> {
    if let Some(i) = v.as_i64() {
        out.push_str(&i.to_string());
        return Ok(());
    }
    let f = f64::try_from(v.clone()).map_err(|_| err(format!("not a number: {v:?}")))?;
    if !f.is_finite() {
        return Err(err(format!("not a finite number: {f}")));
    }
    if f.fract() == 0.0 && f.abs() < 1e15 {
        out.push_str(&format!("{}", f as i64));
    } else {
        out.push_str(&format!("{f}"));
    }
    Ok(())
}

/// Writes any template value as an HCL expression (see the module comment).
pub fn write_value(out: &mut String, v: &Value) -> Result<(), Error> {
    if let Some(obj) = v.downcast_object_ref::<Obj>() {
        if obj.entries.is_empty() {
            out.push_str("{}");
            return Ok(());
        }
        out.push_str("{\n");
        for (k, val) in &obj.entries {
            if !obj.quote_keys && is_identifier(k) {
                out.push_str(k);
            } else {
                out.push_str(&quote(k));
            }
            out.push_str(" = ");
            write_value(out, val)?;
            out.push('\n');
        }
        out.push('}');
        return Ok(());
    }
    if let Some(interp) = v.downcast_object_ref::<Interp>() {
        out.push('"');
        for part in &interp.0 {
            match part.as_str() {
                Some(s) if part.is_safe() => {
                    out.push_str("${");
                    out.push_str(s);
                    out.push('}');
                }
                Some(s) => escape_into(out, s),
                None => return Err(err(format!("an interpolation part must be a string: {part:?}"))),
            }
        }
        out.push('"');
        return Ok(());
    }
    match v.kind() {
        ValueKind::Undefined => Err(err("undefined value".into())),
        ValueKind::None => {
            out.push_str("null");
            Ok(())
        }
        ValueKind::Bool => {
            out.push_str(if v.is_true() { "true" } else { "false" });
            Ok(())
        }
        ValueKind::Number => number(out, v),
        ValueKind::String => {
            let s = v.as_str().unwrap_or_default();
            if v.is_safe() {
                out.push_str(s);
            } else {
                out.push_str(&quote(s));
            }
            Ok(())
        }
        ValueKind::Seq => {
            let items: Vec<Value> = v.try_iter()?.collect();
            if items.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            if items.iter().all(is_scalar) {
                let mut line = String::from("[");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        line.push_str(", ");
                    }
                    write_value(&mut line, item)?;
                }
                line.push(']');
                if line.len() <= LIST_WIDTH || items.len() == 1 {
                    out.push_str(&line);
                    return Ok(());
                }
            }
            // One item a line: nested values, or a list that would run past the screen.
            out.push_str("[\n");
            for item in &items {
                write_value(out, item)?;
                out.push_str(",\n");
            }
            out.push(']');
            Ok(())
        }
        other => Err(err(format!("cannot write a {other} value as HCL"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(s: &str) -> String {
        let mut o = String::new();
        escape_into(&mut o, s);
        o
    }

    #[test]
    fn every_escape_rule() {
        assert_eq!(esc(r"a\b"), r"a\\b");
        assert_eq!(esc(r#"say "hi""#), r#"say \"hi\""#);
        assert_eq!(esc("a\nb\rc\td"), r"a\nb\rc\td");
        assert_eq!(esc("\u{8}\u{c}"), r"\u0008\u000C");
        assert_eq!(esc("\u{0}\u{1b}\u{7f}\u{85}"), r"\u0000\u001B\u007F\u0085");
        assert_eq!(esc("${x}"), "$${x}");
        assert_eq!(esc("%{ if x }"), "%%{ if x }");
        assert_eq!(esc("$${x}"), "$$${x}");
        assert_eq!(esc("$ { % {"), "$ { % {");
        assert_eq!(esc("café ✓"), "café ✓");
        assert_eq!(quote(""), "\"\"");
        assert!(!esc("\u{8}\u{c}").contains("\\b"));
        assert!(!esc("\u{8}\u{c}").contains("\\f"));
    }

    #[test]
    fn identifiers() {
        assert!(is_identifier("tcp-443"));
        assert!(is_identifier("Name"));
        assert!(!is_identifier("aws:SourceAccount"));
        assert!(!is_identifier("9a"));
        assert!(!is_identifier(""));
        assert!(!is_identifier("for"));
    }

    #[test]
    fn values() {
        let mut o = String::new();
        let list = Value::from(vec![
            text("a\"b"),
            code("aws_vpc.x.id"),
            Value::from(3),
            Value::from(2.5),
        ]);
        write_value(&mut o, &list).unwrap();
        assert_eq!(o, r#"["a\"b", aws_vpc.x.id, 3, 2.5]"#);
        let mut o = String::new();
        write_value(&mut o, &Obj::quoted().set("k", text("v")).value()).unwrap();
        assert_eq!(o, "{\n\"k\" = \"v\"\n}");
        let mut o = String::new();
        let i = Value::from_object(Interp(vec![text("arn:${x}:"), code("data.y.z")]));
        write_value(&mut o, &i).unwrap();
        assert_eq!(o, r#""arn:$${x}:${data.y.z}""#);
    }

    #[test]
    fn long_lists_take_one_line_per_item() {
        let items: Vec<Value> = (0..3)
            .map(|i| code(format!("aws_subnet.network_private_subnet_{i}_apne1.id")))
            .collect();
        let mut o = String::new();
        write_value(&mut o, &Value::from(items)).unwrap();
        assert!(o.starts_with("[\n") && o.ends_with(",\n]"), "{o}");
        assert_eq!(o.lines().count(), 5);
    }
}
