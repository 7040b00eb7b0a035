//! YAML through `saphyr-parser`'s event stream, resolved with the YAML 1.2 core schema (so `NO`,
//! `yes` and `on` stay strings), into the same positioned tree as JSON. Aliases are expanded here
//! against a fixed budget, so an alias bomb is an MR001 diagnostic rather than an exhausted
//! machine; nesting is capped at [`super::MAX_DEPTH`]; duplicate keys are MR006.

use super::tree::{Entry, Node, Value};
use super::{LoadProblem, MAX_DEPTH};
use crate::finding::{Pos, RuleId};
use crate::path::{KeyPath, Seg};
use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use std::collections::HashMap;

/// Nodes a document may hold after alias expansion. A real environment file has a few hundred.
const NODE_BUDGET: usize = 100_000;

pub fn parse(text: &str) -> Result<(Node, Vec<LoadProblem>), LoadProblem> {
    let mut b = Builder {
        parser: Parser::new_from_str(text),
        anchors: HashMap::new(),
        nodes: 0,
        path: Vec::new(),
        dups: Vec::new(),
        last: Pos::file(1, 1),
    };
    let mut root: Option<Node> = None;
    loop {
        let (ev, span) = b.next()?;
        match ev {
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
            Event::DocumentStart(_) => {
                if root.is_some() {
                    return Err(LoadProblem::new(
                        RuleId::MR001,
                        span.start.line(),
                        span.start.col() + 1,
                        "a second YAML document (`---`) in one environment file",
                        "keep one document per file",
                    ));
                }
                let (ev, span) = b.next()?;
                if matches!(ev, Event::DocumentEnd) {
                    continue;
                }
                root = Some(b.node(ev, span, 0)?);
            }
            Event::StreamEnd => break,
            _ => {
                return Err(LoadProblem::new(
                    RuleId::MR001,
                    span.start.line(),
                    span.start.col() + 1,
                    "unexpected YAML event outside a document",
                    "check the file's structure",
                ))
            }
        }
    }
    match root {
        // A document of only `~` or `null` is as empty as no document at all.
        Some(n) if n.value != Value::Null => Ok((n, b.dups)),
        _ => Err(LoadProblem::new(
            RuleId::MR003,
            1,
            1,
            "the file is empty: an environment file is a mapping of `<prefix>:<section>` keys",
            "start from `<prefix>:regions: {primary: us-east-1}`",
        )),
    }
}

struct Builder<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    anchors: HashMap<usize, (Node, usize)>,
    nodes: usize,
    path: Vec<Seg>,
    dups: Vec<LoadProblem>,
    last: Pos,
}

fn pos_of(span: &Span) -> Pos {
    Pos::file(span.start.line(), span.start.col() + 1)
}

fn size_of(n: &Node) -> usize {
    match &n.value {
        Value::Seq(items) => 1 + items.iter().map(size_of).sum::<usize>(),
        Value::Map(entries) => 1 + entries.iter().map(|e| 1 + size_of(&e.value)).sum::<usize>(),
        _ => 1,
    }
}

impl<'a> Builder<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Span), LoadProblem> {
        match self.parser.next_event() {
            Some(Ok((ev, span))) => {
                self.last = pos_of(&span);
                Ok((ev, span))
            }
            Some(Err(e)) => Err(LoadProblem::new(
                RuleId::MR001,
                e.marker().line(),
                e.marker().col() + 1,
                &format!("invalid YAML: {}", e.info()),
                "fix the syntax at this position (indentation, a missing `:` or an unclosed quote or bracket)",
            )),
            None => Err(LoadProblem::new(
                RuleId::MR001,
                self.last.line,
                self.last.col,
                "invalid YAML: the document ends early",
                "close every open bracket and quote",
            )),
        }
    }

    fn count(&mut self, n: usize, pos: Pos) -> Result<(), LoadProblem> {
        self.nodes += n;
        if self.nodes > NODE_BUDGET {
            return Err(LoadProblem::new(
                RuleId::MR001,
                pos.line,
                pos.col,
                &format!("the document expands to more than {NODE_BUDGET} values (aliases expanding aliases?)"),
                "write the values out instead of nesting aliases",
            ));
        }
        Ok(())
    }

    fn too_deep(pos: Pos) -> LoadProblem {
        LoadProblem::new(
            RuleId::MR001,
            pos.line,
            pos.col,
            &format!("nesting deeper than {MAX_DEPTH} levels"),
            "an environment file needs a few levels; flatten this structure",
        )
    }

    fn check_tag(tag: Option<&saphyr_parser::Tag>, pos: Pos) -> Result<Option<String>, LoadProblem> {
        let Some(t) = tag else { return Ok(None) };
        let core = t.handle == "!!" || t.handle == "tag:yaml.org,2002:";
        let suffix = t.suffix.as_str();
        if core && matches!(suffix, "str" | "int" | "float" | "bool" | "null" | "map" | "seq") {
            Ok(Some(suffix.to_string()))
        } else {
            Err(LoadProblem::new(
                RuleId::MR001,
                pos.line,
                pos.col,
                &format!("unsupported YAML tag `{}{}`", t.handle, t.suffix),
                "remove the tag; environment files hold plain strings, numbers, lists and mappings",
            ))
        }
    }

    fn node(&mut self, ev: Event<'a>, span: Span, depth: usize) -> Result<Node, LoadProblem> {
        let pos = pos_of(&span);
        self.count(1, pos)?;
        let (node, anchor) = match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let tag = Self::check_tag(tag.as_deref(), pos)?;
                (
                    Node::new(resolve_scalar(&text, style, tag.as_deref(), pos)?, pos),
                    anchor,
                )
            }
            Event::SequenceStart(anchor, tag) => {
                Self::check_tag(tag.as_deref(), pos)?;
                if depth >= MAX_DEPTH {
                    return Err(Self::too_deep(pos));
                }
                let mut items = Vec::new();
                loop {
                    let (ev, span) = self.next()?;
                    if matches!(ev, Event::SequenceEnd) {
                        break;
                    }
                    self.path.push(Seg::Index(items.len()));
                    items.push(self.node(ev, span, depth + 1)?);
                    self.path.pop();
                }
                (Node::new(Value::Seq(items), pos), anchor)
            }
            Event::MappingStart(anchor, tag) => {
                Self::check_tag(tag.as_deref(), pos)?;
                if depth >= MAX_DEPTH {
                    return Err(Self::too_deep(pos));
                }
                (self.mapping(pos, depth)?, anchor)
            }
            Event::Alias(id) => {
                let Some((n, size)) = self.anchors.get(&id) else {
                    return Err(LoadProblem::new(
                        RuleId::MR001,
                        pos.line,
                        pos.col,
                        "alias to an unknown anchor",
                        "define the anchor (`&name`) before the alias (`*name`)",
                    ));
                };
                let (n, size) = (n.clone(), *size);
                self.count(size, pos)?;
                return Ok(n);
            }
            _ => {
                return Err(LoadProblem::new(
                    RuleId::MR001,
                    pos.line,
                    pos.col,
                    "invalid YAML: unexpected event",
                    "check the file's structure",
                ))
            }
        };
        if anchor != 0 {
            let size = size_of(&node);
            self.anchors.insert(anchor, (node.clone(), size));
        }
        Ok(node)
    }

    fn mapping(&mut self, pos: Pos, depth: usize) -> Result<Node, LoadProblem> {
        let mut entries: Vec<Entry> = Vec::new();
        loop {
            let (ev, span) = self.next()?;
            let key_pos = pos_of(&span);
            let key = match ev {
                Event::MappingEnd => break,
                Event::Scalar(text, _, _, _) => text.into_owned(),
                Event::Alias(id) => match self.anchors.get(&id).map(|(n, _)| &n.value) {
                    Some(Value::Str(s)) => s.clone(),
                    _ => return Err(Self::complex_key(key_pos)),
                },
                _ => return Err(Self::complex_key(key_pos)),
            };
            let (ev, span) = self.next()?;
            self.path.push(Seg::Key(key.clone()));
            let value = self.node(ev, span, depth + 1)?;
            if let Some(first) = entries.iter().find(|e| e.key == key) {
                self.dups.push(LoadProblem::duplicate(
                    KeyPath(self.path.clone()),
                    key_pos,
                    first.key_pos,
                ));
            } else {
                entries.push(Entry { key, key_pos, value });
            }
            self.path.pop();
        }
        Ok(Node::new(Value::Map(entries), pos))
    }

    fn complex_key(pos: Pos) -> LoadProblem {
        LoadProblem::new(
            RuleId::MR001,
            pos.line,
            pos.col,
            "a mapping key must be a plain string",
            "write the key as text, e.g. `primary:`",
        )
    }
}

/// YAML 1.2 core schema resolution of one scalar.
fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&str>, pos: Pos) -> Result<Value, LoadProblem> {
    let bad = |what: &str| {
        LoadProblem::new(
            RuleId::MR001,
            pos.line,
            pos.col,
            &format!("`{text}` is not a valid {what}"),
            "remove the tag or fix the value",
        )
    };
    // Infinity and NaN are YAML numbers but no setting's value, and JSON has neither: refused
    // as JSON refuses a number out of range.
    let finite = |f: f64| {
        if f.is_finite() {
            Ok(Value::Float(f))
        } else {
            Err(LoadProblem::new(
                RuleId::MR001,
                pos.line,
                pos.col,
                &format!("the number `{text}` is out of range"),
                "use a finite number",
            ))
        }
    };
    match tag {
        Some("str") => return Ok(Value::Str(text.to_string())),
        Some("int") => return core_int(text).map(Value::Int).ok_or_else(|| bad("integer")),
        Some("float") => {
            return core_float(text)
                .or_else(|| core_int(text).map(|i| i as f64))
                .ok_or_else(|| bad("number"))
                .and_then(finite)
        }
        Some("bool") => {
            return match text {
                "true" | "True" | "TRUE" => Ok(Value::Bool(true)),
                "false" | "False" | "FALSE" => Ok(Value::Bool(false)),
                _ => Err(bad("boolean")),
            }
        }
        Some("null") => return Ok(Value::Null),
        Some(_) => return Err(bad("scalar for this tag")),
        None => {}
    }
    if style != ScalarStyle::Plain {
        return Ok(Value::Str(text.to_string()));
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Ok(Value::Null),
        "true" | "True" | "TRUE" => Ok(Value::Bool(true)),
        "false" | "False" | "FALSE" => Ok(Value::Bool(false)),
        _ => {
            if let Some(i) = core_int(text) {
                Ok(Value::Int(i))
            } else if let Some(f) = core_float(text) {
                finite(f)
            } else {
                Ok(Value::Str(text.to_string()))
            }
        }
    }
}

fn core_int(t: &str) -> Option<i64> {
    if let Some(h) = t.strip_prefix("0x") {
        return (!h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
            .then(|| i64::from_str_radix(h, 16).ok())
            .flatten();
    }
    if let Some(o) = t.strip_prefix("0o") {
        return (!o.is_empty() && o.chars().all(|c| ('0'..='7').contains(&c)))
            .then(|| i64::from_str_radix(o, 8).ok())
            .flatten();
    }
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    t.parse::<i64>().ok()
}

fn core_float(t: &str) -> Option<f64> {
    match t {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    let s = t.strip_prefix(['-', '+']).unwrap_or(t);
    let (mant, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mant_ok = match mant.split_once('.') {
        Some((a, b)) => {
            a.chars().all(|c| c.is_ascii_digit())
                && b.chars().all(|c| c.is_ascii_digit())
                && (!a.is_empty() || !b.is_empty())
        }
        None => !mant.is_empty() && mant.chars().all(|c| c.is_ascii_digit()),
    };
    let exp_ok = exp.is_none_or(|e| {
        let d = e.strip_prefix(['-', '+']).unwrap_or(e);
        !d.is_empty() && d.chars().all(|c| c.is_ascii_digit())
    });
    if mant_ok && exp_ok {
        t.parse::<f64>().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn val(src: &str, key: &str) -> Value {
        let (n, _) = parse(src).unwrap();
        n.get(key).unwrap().value.clone()
    }

    #[test]
    fn yaml_1_2_scalars_keep_norway_a_string() {
        for s in ["NO", "no", "yes", "on", "off", "Y", "n"] {
            assert_eq!(val(&format!("a: {s}"), "a"), Value::Str(s.into()), "{s}");
        }
        assert_eq!(val("a: true", "a"), Value::Bool(true));
        assert_eq!(val("a: 10", "a"), Value::Int(10));
        assert_eq!(val("a: 1.5", "a"), Value::Float(1.5));
        for t in ["a: .inf", "a: -.Inf", "a: .nan", "a: 1e309", "a: !!float .inf"] {
            let got = parse(t).map(|_| ()).map_err(|p| (p.rule, p.message));
            assert_eq!(
                got,
                Err((
                    RuleId::MR001,
                    format!("the number `{}` is out of range", t[3..].trim_start_matches("!!float "))
                )),
                "{t}"
            );
        }
        assert_eq!(val("a: ~", "a"), Value::Null);
        assert_eq!(val("a: '10'", "a"), Value::Str("10".into()));
        assert_eq!(val("a: 010", "a"), Value::Int(10));
        assert_eq!(val("a: 10.2.0.0/16", "a"), Value::Str("10.2.0.0/16".into()));
        assert_eq!(val("a: 1.35", "a"), Value::Float(1.35));
    }

    #[test]
    fn key_positions() {
        let (n, _) = parse("top:\n  inner: 1\n  'quoted': 2\n").unwrap();
        let Value::Map(e) = &n.get("top").unwrap().value else {
            panic!()
        };
        assert_eq!(e[0].key_pos, Pos::file(2, 3));
        assert_eq!(e[1].key_pos, Pos::file(3, 3));
    }

    #[test]
    fn duplicates_are_found() {
        let (_, d) = parse("a: 1\nb: 2\na: 3\n").unwrap();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].rule, RuleId::MR006);
        assert_eq!(d[0].line, 3);
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut s = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = (b'a' + i - 1) as char;
            let cur = (b'a' + i) as char;
            s.push_str(&format!(
                "{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let e = parse(&s).unwrap_err();
        assert_eq!(e.rule, RuleId::MR001);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let e = parse(&"[".repeat(10_000)).unwrap_err();
        assert_eq!(e.rule, RuleId::MR001);
        let mut s = String::new();
        for i in 0..300 {
            s.push_str(&" ".repeat(i));
            s.push_str("a:\n");
        }
        assert_eq!(parse(&s).unwrap_err().rule, RuleId::MR001);
    }

    #[test]
    fn empty_and_syntax_errors() {
        assert_eq!(parse("").unwrap_err().rule, RuleId::MR003);
        assert_eq!(parse("# only a comment\n").unwrap_err().rule, RuleId::MR003);
        let e = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert_eq!(e.rule, RuleId::MR001);
    }
}
