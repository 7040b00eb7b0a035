//! Property tests (proptest) of the loader and validator: no input makes them panic, every
//! problem is a placed diagnostic, and reordering an environment's keys changes nothing but
//! positions. Run counts are fixed so CI time is bounded.

use proptest::prelude::*;

fn check(text: &str, ext: &str) -> mrgen::check::Checked {
    mrgen::check::check("production", &format!("p.{ext}"), text.as_bytes(), &[])
}

fn production() -> String {
    std::fs::read_to_string(crate::common::root().join("environments/production.yaml")).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Arbitrary bytes: a diagnostic or a result, never a panic; positions start at 1.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        for ext in ["yaml", "json"] {
            let c = mrgen::check::check("production", &format!("p.{ext}"), &bytes, &[]);
            for d in &c.diagnostics {
                prop_assert!(d.line >= 1 && d.column >= 1);
            }
        }
    }

    /// Text built from YAML/JSON punctuation and the words environment files use.
    #[test]
    fn structured_noise_never_panics(parts in proptest::collection::vec(prop_oneof![
        Just("genai-demo:regions"), Just("genai-demo:msk"), Just(":"), Just(": "), Just("\n"), Just("  "),
        Just("- "), Just("["), Just("]"), Just("{"), Just("}"), Just(","), Just("\""), Just("'"), Just("&a "),
        Just("*a"), Just("primary"), Just("secondary"), Just("ap-northeast-1"), Just("10.0.0.0/16"),
        Just("vpc-cidr"), Just("NO"), Just("~"), Just("1.5"), Just("-3"), Just("!!str "), Just("#"),
        Just("environments"), Just("production"), Just("weights"), Just("records"),
    ], 0..80)) {
        let text: String = parts.concat();
        for ext in ["yaml", "json"] {
            let _ = check(&text, ext);
        }
    }

    /// Changing one scalar of the production file to an arbitrary value: never a panic, and the
    /// result is either valid or has at least one error with a path inside the file.
    #[test]
    fn one_changed_value_is_diagnosed_not_panicked(line in 0usize..200, value in "[ -~]{0,24}") {
        let text = production();
        let lines: Vec<&str> = text.lines().collect();
        let i = line % lines.len();
        let mut changed: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        if let Some((key, _)) = lines[i].split_once(": ") {
            changed[i] = format!("{key}: {value}");
        }
        let c = check(&changed.join("\n"), "yaml");
        for d in &c.diagnostics {
            prop_assert!(d.line >= 1 && d.line <= changed.len() + 1, "{d:?}");
        }
    }
}

/// Reordering top-level keys: the same diagnostics (but for lines) and the same rendered bytes.
#[test]
fn key_order_does_not_change_the_output() {
    let text = production();
    // Split into top-level blocks and reverse them.
    let mut blocks: Vec<String> = Vec::new();
    for l in text.lines() {
        if l.starts_with("genai-demo:") || blocks.is_empty() {
            blocks.push(String::new());
        }
        let last = blocks.last_mut().unwrap();
        last.push_str(l);
        last.push('\n');
    }
    let head = blocks.remove(0);
    blocks.reverse();
    let reordered = format!("{head}{}", blocks.concat());
    assert_ne!(reordered, text);
    let a = check(&text, "yaml");
    let b = check(&reordered, "yaml");
    assert!(
        a.diagnostics.is_empty() && b.diagnostics.is_empty(),
        "{:?}",
        b.diagnostics
    );
    let pa = a.plan.unwrap();
    let pb = b.plan.unwrap();
    let ra = crate::common::render_plan(&pa);
    let rb = crate::common::render_plan(&pb);
    assert_eq!(ra, rb);
}
