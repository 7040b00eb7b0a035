//! MSK topic patterns (regular expressions, matched against whole topic names as MSK Replicator
//! does) turned into IAM resource wildcards (`*` any run of characters, `?` one character), for
//! the application role's topic ARNs. IAM has no regular expressions, so each pattern becomes the
//! narrowest list of wildcards that still matches every name the pattern matches: `orders\..*`
//! becomes `orders.*`, `.*` becomes `*`, `(orders|payments)-v[0-9]` becomes `orders-v?` and
//! `payments-v?`. A construct with no wildcard equivalent (a lookaround, a back reference, an
//! inline flag) ends the text that can be kept: what follows it becomes `*`.

/// At most this many wildcards per pattern (alternations multiply); past it, the pattern's
/// common prefix followed by `*`.
const MAX_GLOBS: usize = 16;

/// The IAM wildcards that together match at least every topic name `pattern` matches.
pub fn topic_globs(pattern: &str) -> Vec<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut p = Parser { chars: &chars, at: 0 };
    let globs = match p.alternation() {
        Some(alts) if p.at == chars.len() => alts,
        // Unbalanced or unsupported at the top: nothing narrower can be promised.
        _ => vec![Glob::open(String::new())],
    };
    finish(globs)
}

/// One wildcard being built: its text, and whether it already ends in an open `*` that swallows
/// whatever would follow.
#[derive(Clone, Debug, PartialEq)]
struct Glob {
    text: String,
    /// Ends with `*` because of a construct that cannot be narrowed: nothing more is appended.
    closed: bool,
}

impl Glob {
    fn open(prefix: String) -> Glob {
        Glob {
            text: prefix + "*",
            closed: true,
        }
    }
}

/// Appends `tail` to every glob of `head` (the product of two sequences), within the cap.
fn product(head: Vec<Glob>, tail: &[Glob]) -> Vec<Glob> {
    let mut out = Vec::new();
    for h in head {
        if h.closed {
            out.push(h);
            continue;
        }
        for t in tail {
            out.push(Glob {
                text: format!("{}{}", h.text, t.text),
                closed: t.closed,
            });
        }
    }
    cap(out)
}

/// Past [`MAX_GLOBS`], one glob: the common prefix and `*`.
fn cap(globs: Vec<Glob>) -> Vec<Glob> {
    if globs.len() <= MAX_GLOBS {
        return globs;
    }
    let first = globs[0].text.clone();
    let common = globs.iter().fold(first, |acc, g| {
        acc.chars()
            .zip(g.text.chars())
            .take_while(|(a, b)| a == b && *a != '*' && *a != '?')
            .map(|(a, _)| a)
            .collect()
    });
    vec![Glob::open(common)]
}

/// Collapses runs of `*`, drops duplicates, and keeps just `*` when one glob is `*`.
fn finish(globs: Vec<Glob>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for g in globs {
        let mut text = String::new();
        for c in g.text.chars() {
            if !(c == '*' && text.ends_with('*')) {
                text.push(c);
            }
        }
        if text == "*" {
            return vec![text];
        }
        if !out.contains(&text) {
            out.push(text);
        }
    }
    out
}

/// Characters Kafka allows in a topic name: a literal outside them matches no topic.
fn topic_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-'
}

struct Parser<'a> {
    chars: &'a [char],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    /// `a|b|…` up to a `)` or the end: the union of the branches.
    fn alternation(&mut self) -> Option<Vec<Glob>> {
        let mut all = self.sequence()?;
        while self.peek() == Some('|') {
            self.at += 1;
            all.extend(self.sequence()?);
        }
        Some(cap(all))
    }

    /// A branch: atoms with their quantifiers, one after the other.
    fn sequence(&mut self) -> Option<Vec<Glob>> {
        let mut globs = vec![Glob {
            text: String::new(),
            closed: false,
        }];
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let Some(atom) = self.atom()? else {
                // Anchors: whole names are matched anyway.
                continue;
            };
            let atom = self.quantified(atom)?;
            globs = product(globs, &atom);
        }
        Some(globs)
    }

    /// One atom as the globs it matches (`Some(None)` for an anchor, which matches no
    /// character); `None` when the pattern cannot be read.
    fn atom(&mut self) -> Option<Option<Vec<Glob>>> {
        let c = self.peek()?;
        self.at += 1;
        let one = |text: &str| {
            Some(Some(vec![Glob {
                text: text.into(),
                closed: false,
            }]))
        };
        // A literal that no topic name can hold: the branch matches nothing.
        let literal = |c: char| {
            if topic_char(c) {
                one(&c.to_string())
            } else {
                Some(Some(Vec::new()))
            }
        };
        match c {
            '^' | '$' => Some(None),
            '.' => one("?"),
            '[' => self.class().map(|text| Some(vec![Glob { text, closed: false }])),
            '(' => {
                if self.peek() == Some('?') {
                    let rest: String = self.chars[self.at..].iter().take(2).collect();
                    if rest.starts_with("?:") {
                        self.at += 2;
                    } else if rest.starts_with("?<") && !matches!(self.chars.get(self.at + 2), Some('=' | '!')) {
                        // A named group.
                        while self.peek().is_some_and(|c| c != '>') {
                            self.at += 1;
                        }
                        self.at += 1;
                    } else {
                        // A lookaround or inline flag: nothing after it in this branch can be
                        // kept (the branches beside it still can).
                        self.skip_group()?;
                        return Some(Some(vec![Glob::open(String::new())]));
                    }
                }
                let inner = self.alternation()?;
                if self.peek() != Some(')') {
                    return None;
                }
                self.at += 1;
                Some(Some(inner))
            }
            '\\' => {
                let e = self.peek()?;
                self.at += 1;
                match e {
                    'd' | 'w' | 's' | 'D' | 'W' | 'S' | 'h' | 'H' | 'v' | 'V' => one("?"),
                    'b' | 'B' | 'A' | 'z' | 'Z' | 'G' => Some(None),
                    c if c.is_ascii_alphanumeric() => Some(Some(vec![Glob::open(String::new())])),
                    c => literal(c),
                }
            }
            '*' | '+' | '?' | '{' | ')' | '|' => None,
            c => literal(c),
        }
    }

    /// Skips to just after the `)` that closes the group whose `(` was just read.
    fn skip_group(&mut self) -> Option<()> {
        let mut depth = 1;
        while depth > 0 {
            let c = self.peek()?;
            self.at += 1;
            match c {
                '\\' => self.at += 1,
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
        }
        Some(())
    }

    /// `[…]`: one character; its text is the character itself when the class holds exactly one.
    fn class(&mut self) -> Option<String> {
        let negated = self.peek() == Some('^');
        if negated {
            self.at += 1;
        }
        let mut members = Vec::new();
        let mut first = true;
        loop {
            let c = self.peek()?;
            self.at += 1;
            match c {
                ']' if !first => break,
                '\\' => {
                    let e = self.peek()?;
                    self.at += 1;
                    members.push(if e.is_ascii_alphanumeric() { None } else { Some(e) });
                }
                '[' => members.push(None),
                c => {
                    if self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|n| *n != ']') {
                        self.at += 2;
                        members.push(None);
                    } else {
                        members.push(Some(c));
                    }
                }
            }
            first = false;
        }
        Some(match members.as_slice() {
            [Some(c)] if !negated && topic_char(*c) => c.to_string(),
            _ => "?".into(),
        })
    }

    /// The atom under a following quantifier (`?`, `*`, `+`, `{n}`, `{n,m}`, lazy or possessive).
    fn quantified(&mut self, atom: Vec<Glob>) -> Option<Vec<Glob>> {
        let (min, max) = match self.peek() {
            Some('?') => (0, Some(1)),
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('{') => {
                let close = self.chars[self.at..].iter().position(|c| *c == '}')?;
                let body: String = self.chars[self.at + 1..self.at + close].iter().collect();
                let (lo, hi) = match body.split_once(',') {
                    None => (body.parse::<usize>().ok()?, Some(body.parse::<usize>().ok()?)),
                    Some((lo, "")) => (lo.parse::<usize>().ok()?, None),
                    Some((lo, hi)) => (lo.parse::<usize>().ok()?, Some(hi.parse::<usize>().ok()?)),
                };
                self.at += close;
                (lo, hi)
            }
            _ => return Some(atom),
        };
        self.at += 1;
        if matches!(self.peek(), Some('?' | '+')) {
            self.at += 1;
        }
        let empty = Glob {
            text: String::new(),
            closed: false,
        };
        // The atom repeated `min` times (a few at most), then either nothing more or `*`.
        let mut out = vec![empty.clone()];
        for _ in 0..min.min(8) {
            out = product(out, &atom);
        }
        let exact = max == Some(min) && min <= 8;
        if exact {
            return Some(out);
        }
        if max == Some(1) && min == 0 {
            // Optional: with it or without it.
            let mut both = vec![empty];
            both.extend(atom);
            return Some(cap(both));
        }
        Some(product(out, &[Glob::open(String::new())]))
    }
}

#[cfg(test)]
mod tests {
    use super::topic_globs;

    fn g(p: &str) -> Vec<String> {
        topic_globs(p)
    }

    #[test]
    fn literal_prefixes_and_everything() {
        assert_eq!(g(r"orders\..*"), ["orders.*"]);
        assert_eq!(g(".*"), ["*"]);
        assert_eq!(g("customer-events"), ["customer-events"]);
        assert_eq!(g("^payments\\.v1$"), ["payments.v1"]);
        assert_eq!(g(".+"), ["?*"]);
        assert_eq!(g("a.b"), ["a?b"]);
    }

    #[test]
    fn alternations_classes_and_quantifiers() {
        assert_eq!(g("(orders|payments)-v[0-9]"), ["orders-v?", "payments-v?"]);
        assert_eq!(g("orders|payments"), ["orders", "payments"]);
        assert_eq!(g("ab?c"), ["ac", "abc"]);
        assert_eq!(g("a[.]b"), ["a.b"]);
        assert_eq!(g("x{3}"), ["xxx"]);
        assert_eq!(g("x{2,}y"), ["xx*"]);
        assert_eq!(g("(?:a|b)+c"), ["a*", "b*"]);
        assert_eq!(g(r"logs-\d+"), ["logs-?*"]);
    }

    #[test]
    fn what_has_no_wildcard_becomes_star() {
        assert_eq!(g("(?i)orders"), ["*"]);
        assert_eq!(g("orders(?=x)"), ["orders*"]);
        assert_eq!(g("orders("), ["*"]);
        assert_eq!(g("a(?=x)b|c"), ["a*", "c"]);
        // A literal no topic name can hold matches nothing, so the branch goes.
        assert_eq!(g(r"a|b\$"), ["a"]);
        assert_eq!(g(r#"x"} resource "aws_iam_user" "y"#), Vec::<String>::new());
        // Many alternatives: their common prefix.
        let many = (0..20).map(|i| format!("t{i}")).collect::<Vec<_>>().join("|");
        assert_eq!(g(&format!("topic-({many})")), ["topic-t*"]);
    }
}
