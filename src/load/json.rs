//! A small JSON parser that keeps the line and column of every key and value, reports duplicate
//! keys (serde_json would silently keep the last one) and refuses nesting deeper than
//! [`super::MAX_DEPTH`] before it could exhaust the stack.

use super::tree::{Entry, Node, Value};
use super::{LoadProblem, MAX_DEPTH};
use crate::finding::{Pos, RuleId};
use crate::path::{KeyPath, Seg};

pub fn parse(text: &str) -> Result<(Node, Vec<LoadProblem>), LoadProblem> {
    let mut p = Parser {
        chars: text.chars().collect(),
        i: 0,
        line: 1,
        col: 1,
        path: Vec::new(),
        dups: Vec::new(),
    };
    p.ws();
    if p.peek().is_none() {
        return Err(LoadProblem::new(
            RuleId::MR003,
            1,
            1,
            "the file is empty: an environment file is a mapping of `<prefix>:<section>` keys",
            "start from `{ \"<prefix>:regions\": { \"primary\": \"us-east-1\" } }`",
        ));
    }
    let node = p.value(0)?;
    p.ws();
    if p.peek().is_some() {
        return Err(p.err("unexpected text after the end of the JSON document"));
    }
    Ok((node, p.dups))
}

struct Parser {
    chars: Vec<char>,
    i: usize,
    line: usize,
    col: usize,
    path: Vec<Seg>,
    dups: Vec<LoadProblem>,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn pos(&self) -> Pos {
        Pos::file(self.line, self.col)
    }

    fn err(&self, msg: &str) -> LoadProblem {
        let found = match self.peek() {
            Some(c) => format!("{msg} (found `{}`)", c.escape_debug()),
            None => format!("{msg} (found the end of the file)"),
        };
        LoadProblem::new(
            RuleId::MR001,
            self.line,
            self.col,
            &format!("invalid JSON: {found}"),
            "fix the syntax at this position; JSON needs double-quoted keys and no trailing commas",
        )
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.bump();
        }
    }

    fn expect(&mut self, c: char, what: &str) -> Result<(), LoadProblem> {
        if self.peek() == Some(c) {
            self.bump();
            Ok(())
        } else {
            Err(self.err(&format!("expected {what}")))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, LoadProblem> {
        let pos = self.pos();
        match self.peek() {
            Some('{') | Some('[') if depth >= MAX_DEPTH => Err(LoadProblem::new(
                RuleId::MR001,
                pos.line,
                pos.col,
                &format!("nesting deeper than {MAX_DEPTH} levels"),
                "an environment file needs a few levels; flatten this structure",
            )),
            Some('{') => self.object(depth, pos),
            Some('[') => self.array(depth, pos),
            Some('"') => Ok(Node::new(Value::Str(self.string()?), pos)),
            Some('t') => self.word("true", Value::Bool(true), pos),
            Some('f') => self.word("false", Value::Bool(false), pos),
            Some('n') => self.word("null", Value::Null, pos),
            Some(c) if c == '-' || c.is_ascii_digit() => self.number(pos),
            _ => Err(self.err("expected a value")),
        }
    }

    fn word(&mut self, w: &str, v: Value, pos: Pos) -> Result<Node, LoadProblem> {
        for expected in w.chars() {
            if self.peek() != Some(expected) {
                return Err(self.err(&format!("expected `{w}`")));
            }
            self.bump();
        }
        Ok(Node::new(v, pos))
    }

    fn number(&mut self, pos: Pos) -> Result<Node, LoadProblem> {
        let start = self.i;
        if self.peek() == Some('-') {
            self.bump();
        }
        match self.peek() {
            Some('0') => {
                self.bump();
            }
            Some(c) if c.is_ascii_digit() => {
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.bump();
                }
            }
            _ => return Err(self.err("expected a digit")),
        }
        let mut float = false;
        if self.peek() == Some('.') {
            float = true;
            self.bump();
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.err("expected a digit after the decimal point"));
            }
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.bump();
            }
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            float = true;
            self.bump();
            if matches!(self.peek(), Some('+' | '-')) {
                self.bump();
            }
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.err("expected a digit in the exponent"));
            }
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.bump();
            }
        }
        let text: String = self.chars[start..self.i].iter().collect();
        if !float {
            if let Ok(i) = text.parse::<i64>() {
                return Ok(Node::new(Value::Int(i), pos));
            }
        }
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Node::new(Value::Float(f), pos)),
            _ => Err(LoadProblem::new(
                RuleId::MR001,
                pos.line,
                pos.col,
                &format!("the number `{text}` is out of range"),
                "use a smaller number",
            )),
        }
    }

    fn hex4(&mut self) -> Result<u32, LoadProblem> {
        let mut v = 0u32;
        for _ in 0..4 {
            match self.peek().and_then(|c| c.to_digit(16)) {
                Some(d) => {
                    v = v * 16 + d;
                    self.bump();
                }
                None => return Err(self.err("expected four hex digits after `\\u`")),
            }
        }
        Ok(v)
    }

    fn string(&mut self) -> Result<String, LoadProblem> {
        self.expect('"', "`\"`")?;
        let mut s = String::new();
        loop {
            match self.peek() {
                None => return Err(self.err("unterminated string")),
                Some('"') => {
                    self.bump();
                    return Ok(s);
                }
                Some('\\') => {
                    self.bump();
                    let c = match self.peek() {
                        Some('"') => '"',
                        Some('\\') => '\\',
                        Some('/') => '/',
                        Some('b') => '\u{8}',
                        Some('f') => '\u{c}',
                        Some('n') => '\n',
                        Some('r') => '\r',
                        Some('t') => '\t',
                        Some('u') => {
                            self.bump();
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                if self.peek() != Some('\\') {
                                    return Err(self.err("expected a low surrogate `\\uDC00`..`\\uDFFF`"));
                                }
                                self.bump();
                                self.expect('u', "`u`")?;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.err("invalid low surrogate"));
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            match char::from_u32(code) {
                                Some(c) => {
                                    s.push(c);
                                    continue;
                                }
                                None => return Err(self.err("invalid unicode escape")),
                            }
                        }
                        _ => return Err(self.err("invalid escape sequence")),
                    };
                    self.bump();
                    s.push(c);
                }
                Some(c) if (c as u32) < 0x20 => return Err(self.err("control character inside a string (escape it)")),
                Some(c) => {
                    self.bump();
                    s.push(c);
                }
            }
        }
    }

    fn object(&mut self, depth: usize, pos: Pos) -> Result<Node, LoadProblem> {
        self.expect('{', "`{`")?;
        let mut entries: Vec<Entry> = Vec::new();
        self.ws();
        if self.peek() == Some('}') {
            self.bump();
            return Ok(Node::new(Value::Map(entries), pos));
        }
        loop {
            self.ws();
            let key_pos = self.pos();
            if self.peek() != Some('"') {
                return Err(self.err("expected a double-quoted key"));
            }
            let key = self.string()?;
            self.ws();
            self.expect(':', "`:` after the key")?;
            self.ws();
            self.path.push(Seg::Key(key.clone()));
            let value = self.value(depth + 1)?;
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
            self.ws();
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some('}') => {
                    self.bump();
                    return Ok(Node::new(Value::Map(entries), pos));
                }
                _ => return Err(self.err("expected `,` or `}`")),
            }
        }
    }

    fn array(&mut self, depth: usize, pos: Pos) -> Result<Node, LoadProblem> {
        self.expect('[', "`[`")?;
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(']') {
            self.bump();
            return Ok(Node::new(Value::Seq(items), pos));
        }
        loop {
            self.ws();
            self.path.push(Seg::Index(items.len()));
            items.push(self.value(depth + 1)?);
            self.path.pop();
            self.ws();
            match self.peek() {
                Some(',') => {
                    self.bump();
                }
                Some(']') => {
                    self.bump();
                    return Ok(Node::new(Value::Seq(items), pos));
                }
                _ => return Err(self.err("expected `,` or `]`")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_from_one() {
        let (n, dups) = parse("{\n  \"a\": {\"é\": 1, \"b\": [true, null]}\n}").unwrap();
        assert!(dups.is_empty());
        let a = &n.get("a").unwrap();
        assert_eq!(a.pos, Pos::file(2, 8));
        match &a.value {
            Value::Map(e) => {
                assert_eq!(e[1].key, "b");
                assert_eq!(e[1].key_pos, Pos::file(2, 17));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn duplicate_keys_are_reported_with_both_positions() {
        let (_, dups) = parse("{\"a\": 1,\n \"a\": 2}").unwrap();
        assert_eq!(dups.len(), 1);
        assert_eq!(dups[0].rule, RuleId::MR006);
        assert_eq!((dups[0].line, dups[0].col), (2, 2));
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = "[".repeat(10_000);
        let e = parse(&text).unwrap_err();
        assert_eq!(e.rule, RuleId::MR001);
    }

    #[test]
    fn syntax_errors_give_the_position() {
        let e = parse("{\n  \"a\": 1,\n}").unwrap_err();
        assert_eq!(e.rule, RuleId::MR001);
        assert_eq!((e.line, e.col), (3, 1));
    }

    #[test]
    fn numbers_and_escapes() {
        let (n, _) = parse(r#"{"i": -12, "f": 1.5e3, "s": "a\u00e9\ud83d\ude00\n"}"#).unwrap();
        assert_eq!(n.get("i").unwrap().value, Value::Int(-12));
        assert_eq!(n.get("f").unwrap().value, Value::Float(1500.0));
        assert_eq!(n.get("s").unwrap().value, Value::Str("aé😀\n".into()));
    }
}
