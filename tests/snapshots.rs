//! Snapshots: the diagnostics of every invalid fixture, in all three formats, one snapshot per
//! fixture under `snapshots/`. Accepting a change is a review: read the diff.

use crate::common::{insta_settings, root, run};

#[test]
fn diagnostics_of_every_invalid_fixture() {
    let settings = insta_settings();
    let dir = root().join("tests/fixtures/invalid");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert!(files.len() > 40);
    for f in files {
        let rel = format!(
            "tests/fixtures/invalid/{}",
            f.file_name().and_then(|n| n.to_str()).expect("name")
        );
        let stem = f.file_name().and_then(|s| s.to_str()).expect("name").replace('.', "-");
        let mut out = String::new();
        for style in ["human", "json", "github"] {
            let r = run(&["validate", "production", "--file", &rel, "--diagnostics", style]);
            out.push_str(&format!("--- {style} (exit {})\n", r.code));
            out.push_str(if style == "human" { &r.stderr } else { &r.stdout });
        }
        settings.bind(|| insta::assert_snapshot!(format!("diagnostics-{stem}"), out));
    }
}

/// Every shipped environment's rendered output, one snapshot per file.
#[test]
fn rendered_output_of_every_shipped_environment() {
    let settings = insta_settings();
    let mut envs: Vec<_> = std::fs::read_dir(root().join("environments"))
        .expect("environments")
        .map(|e| e.expect("entry").path())
        .collect();
    envs.sort();
    for p in envs {
        let name = p.file_stem().and_then(|s| s.to_str()).expect("stem").to_string();
        let bytes = std::fs::read(&p).expect("read");
        let checked = mrgen::check::check(&name, &p.display().to_string(), &bytes, &[]);
        let env = checked.env.expect("shipped environments are valid");
        let plan = mrgen::plan::build(&env);
        for f in mrgen::render::render(&plan, true, true, Default::default()).expect("renders") {
            let snap = format!("render-{name}-{}", f.path.replace(['/', '.'], "_"));
            settings.bind(|| insta::assert_snapshot!(snap, f.contents));
        }
    }
}
