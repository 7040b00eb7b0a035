//! Layout of the rendered HCL, the way `terraform fmt` lays it out, so that the output is
//! fmt-clean whatever the templates' own indentation: every line is indented by two spaces per
//! open bracket level and the `=` of consecutive one-line attributes is aligned. Both follow
//! hclwrite's `format.go` (the code behind `terraform fmt`): a line that opens more brackets
//! than it closes starts a new indent level, one that closes more ends as many levels as it
//! closes; a line is a one-line attribute when it has an `=` after its first token and the
//! brackets from that `=` to the end of the line balance; a run of such lines is aligned to the
//! widest key (counted in characters, as fmt counts grapheme clusters: mrgen's keys are ASCII
//! or tag keys without combining marks).
//!
//! This only ever changes the spaces at the start of a line and before an attribute's `=`; it
//! never looks inside a string (rendered strings never contain a raw newline: the escaper
//! writes `\n`). It also drops blank lines that fmt would keep but a reader does not want:
//! repeated blank lines, and blank lines just inside a block's braces.

/// Net bracket change of a line, the byte offset of its attribute `=` (the first `=` after the
/// first token), and whether it is a one-line attribute (balanced brackets after that `=`).
struct Scan {
    net: i32,
    eq: Option<usize>,
    one_line: bool,
}

fn scan(line: &str) -> Scan {
    let bytes = line.as_bytes();
    let mut net = 0;
    let mut assign_at: Option<usize> = None;
    let mut net_at_assign = 0;
    let mut i = 0;
    let mut first_token_done = false;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' => {
                // To the closing quote, past escaped characters (a string left open runs to the
                // end of the line).
                i += 1;
                loop {
                    match memchr::memchr2(b'"', b'\\', bytes.get(i..).unwrap_or_default()) {
                        Some(at) if bytes[i + at] == b'\\' => i += at + 2,
                        Some(at) => {
                            i += at;
                            break;
                        }
                        None => {
                            i = bytes.len();
                            break;
                        }
                    }
                }
                first_token_done = true;
                i += 1;
                continue;
            }
            b'#' => break,
            b'{' | b'[' | b'(' => net += 1,
            b'}' | b']' | b')' => net -= 1,
            b'=' if assign_at.is_none() && first_token_done => {
                let next = bytes.get(i + 1).copied();
                let prev = if i > 0 { bytes[i - 1] } else { b' ' };
                if next != Some(b'=') && next != Some(b'>') && !matches!(prev, b'!' | b'<' | b'>' | b'=') {
                    assign_at = Some(i);
                    net_at_assign = net;
                }
            }
            _ => {}
        }
        if b != b' ' {
            first_token_done = true;
        }
        i += 1;
    }
    Scan {
        net,
        eq: assign_at,
        one_line: assign_at.is_some() && net - net_at_assign == 0,
    }
}

fn width(s: &str) -> usize {
    if s.is_ascii() {
        return s.len();
    }
    s.chars()
        .filter(|c| {
            let u = *c as u32;
            // Combining marks and joiners do not start a grapheme cluster.
            !((0x300..=0x36F).contains(&u)
                || (0x1AB0..=0x1AFF).contains(&u)
                || (0x1DC0..=0x1DFF).contains(&u)
                || (0x20D0..=0x20FF).contains(&u)
                || (0xFE00..=0xFE0F).contains(&u)
                || (0xFE20..=0xFE2F).contains(&u)
                || u == 0x200D)
        })
        .count()
}

/// One line, borrowed from the source: `key` is the whole trimmed line, or the part before an
/// `=` (without its trailing spaces) with `rest` starting at the `=`.
struct Line<'a> {
    indent: usize,
    key: &'a str,
    rest: Option<&'a str>,
    /// A one-line attribute, aligned with its neighbours.
    assign: bool,
    opens: bool,
}

impl Line<'_> {
    fn is_empty(&self) -> bool {
        self.key.is_empty() && self.rest.is_none()
    }
}

/// `n` levels of two spaces.
fn indent_into(out: &mut String, n: usize) {
    spaces_into(out, 2 * n);
}

/// `n` spaces.
fn spaces_into(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                                                ";
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// Lays `src` out as `terraform fmt` would; the result ends with exactly one newline.
pub fn format(src: &str) -> String {
    // Blank lines: none at the start, none repeated, none just inside braces, none at the end.
    let mut kept: Vec<Line> = Vec::with_capacity(src.len() / 24);
    let mut indents: Vec<i32> = Vec::new();
    for raw in src.split('\n') {
        // `trim` as `str::lines` and `str::trim` would, ASCII first (the common case).
        let text = raw.trim_ascii().trim();
        if text.is_empty() {
            if kept.last().is_some_and(|prev| !prev.is_empty() && !prev.opens) {
                kept.push(Line {
                    indent: 0,
                    key: "",
                    rest: None,
                    assign: false,
                    opens: false,
                });
            }
            continue;
        }
        let s = scan(text);
        let indent;
        if s.net > 0 {
            indent = indents.len();
            indents.push(s.net);
        } else if s.net < 0 {
            let mut closing = -s.net;
            while closing > 0 {
                let Some(top) = indents.last_mut() else { break };
                if closing > *top {
                    closing -= *top;
                    indents.pop();
                } else if closing < *top {
                    *top -= closing;
                    closing = 0;
                } else {
                    indents.pop();
                    closing = 0;
                }
            }
            indent = indents.len();
        } else {
            indent = indents.len();
        }
        // fmt puts one space before an `=`; a one-line attribute is padded below.
        let (key, rest) = match s.eq {
            Some(at) => (text[..at].trim_end(), Some(&text[at..])),
            None => (text, None),
        };
        let closes = s.net < 0 && text.starts_with(['}', ']', ')']);
        if closes && kept.last().is_some_and(Line::is_empty) {
            kept.pop();
        }
        kept.push(Line {
            indent,
            key,
            rest,
            assign: s.one_line && rest.is_some(),
            opens: s.net > 0,
        });
    }
    while kept.last().is_some_and(Line::is_empty) {
        kept.pop();
    }
    // Alignment of each run of one-line attributes.
    let mut out = String::with_capacity(src.len() + src.len() / 2);
    let mut i = 0;
    while i < kept.len() {
        if !kept[i].assign {
            let l = &kept[i];
            if !l.is_empty() {
                indent_into(&mut out, l.indent);
                out.push_str(l.key);
                if let Some(rest) = l.rest {
                    out.push(' ');
                    out.push_str(rest);
                }
            }
            out.push('\n');
            i += 1;
            continue;
        }
        let start = i;
        while i < kept.len() && kept[i].assign {
            i += 1;
        }
        let run = &kept[start..i];
        let widest = run.iter().map(|l| 2 * l.indent + width(l.key)).max().unwrap_or(0);
        for l in run {
            indent_into(&mut out, l.indent);
            out.push_str(l.key);
            spaces_into(&mut out, widest - 2 * l.indent - width(l.key) + 1);
            out.push_str(l.rest.unwrap_or(""));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::format;

    #[test]
    fn indents_and_aligns_like_fmt() {
        let src = "resource \"a\" \"b\" {\nprovider = aws.x\n\n\ncidr_block = \"10.0.0.0/16\"\nenable_dns_support = true\ntags = {\n\"Name\" = \"x = y\"\n\"app.kubernetes.io/part-of\" = \"z\"\n}\n\n}\n";
        let want = "resource \"a\" \"b\" {\n  provider = aws.x\n\n  cidr_block         = \"10.0.0.0/16\"\n  enable_dns_support = true\n  tags = {\n    \"Name\"                      = \"x = y\"\n    \"app.kubernetes.io/part-of\" = \"z\"\n  }\n}\n";
        assert_eq!(format(src), want);
    }

    #[test]
    fn multi_bracket_lines_take_one_level() {
        let src = "policy = jsonencode({\nVersion = \"2012-10-17\"\nStatement = [\n{\nSid = \"A\"\n},\n]\n})\n";
        let want = "policy = jsonencode({\n  Version = \"2012-10-17\"\n  Statement = [\n    {\n      Sid = \"A\"\n    },\n  ]\n})\n";
        assert_eq!(format(src), want);
    }

    #[test]
    fn strings_are_opaque() {
        let src = "a = \"{ [ ( \\\" = \"\nbb = \"$${x}\"\n";
        assert_eq!(format(src), "a  = \"{ [ ( \\\" = \"\nbb = \"$${x}\"\n");
        // A string left open runs to the end of its line: its brackets open nothing.
        let open = "c = \"{ [\ndd = \"(\\\"\neee = 1\n";
        assert_eq!(format(open), "c   = \"{ [\ndd  = \"(\\\"\neee = 1\n");
    }
}
