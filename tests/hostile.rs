//! Hostile input: each gets a clean MR001/MR003 diagnostic and exit 1, never a panic or a hang.
//! (Timing is not asserted here; the loader's limits bound the work.)

use crate::common::{diagnostics, run, tempdir};
use std::io::Write;

fn check(name: &str, bytes: &[u8], ext: &str, rule: &str) {
    let dir = tempdir(name);
    let path = dir.join(format!("production.{ext}"));
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(bytes))
        .expect("write");
    let p = path.display().to_string();
    let r = run(&["validate", "production", "--file", &p, "--diagnostics", "json"]);
    assert_eq!(r.code, 1, "{name}: {}", r.stderr);
    let d = diagnostics(&r.stdout);
    assert_eq!(d.len(), 1, "{name}: {d:?}");
    assert_eq!(d[0]["rule"], rule, "{name}: {d:?}");
    assert!(d[0]["line"].as_u64().is_some_and(|l| l >= 1), "{name}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn empty_and_non_mapping_documents() {
    check("empty-yaml", b"", "yaml", "MR003");
    check("empty-json", b"  \n", "json", "MR003");
    check("array", b"[1, 2, 3]", "json", "MR003");
    check("scalar", b"hello\n", "yaml", "MR003");
}

#[test]
fn bytes_that_are_not_text() {
    check("utf8", b"genai-demo:regions:\n  primary: \xc3\x28\n", "yaml", "MR001");
    check(
        "nul",
        b"{\"genai-demo:regions\": {\"primary\": \"us-east-1\0\"}}",
        "json",
        "MR001",
    );
}

#[test]
fn a_five_megabyte_file() {
    let mut big = b"genai-demo:regions: {primary: us-east-1}\n".to_vec();
    big.extend(std::iter::repeat_n(b'#', 5 * 1024 * 1024));
    check("big", &big, "yaml", "MR001");
}

#[test]
fn ten_thousand_levels_of_nesting() {
    check("deep-json", "[".repeat(10_000).as_bytes(), "json", "MR001");
    check("deep-yaml", "[".repeat(10_000).as_bytes(), "yaml", "MR001");
    let mut s = String::new();
    for i in 0..10_000 {
        s.push_str(&format!("{}k:\n", " ".repeat(i % 5000)));
    }
    // Indentation can only grow so far before it is a syntax error; either way, MR001.
    check("deep-block", s.as_bytes(), "yaml", "MR001");
}

#[test]
fn a_yaml_alias_bomb() {
    let mut s = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for i in 1..10u8 {
        let (p, c) = ((b'a' + i - 1) as char, (b'a' + i) as char);
        s.push_str(&format!("{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"));
    }
    check("bomb", s.as_bytes(), "yaml", "MR001");
}
