//! Fuzz target: any bytes, read as a YAML or a JSON environment file, give diagnostics or an
//! environment, never a panic, a hang or unbounded memory; a valid environment also plans and
//! renders both formats without an error.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    for file in ["fuzz.yaml", "fuzz.json"] {
        let checked = mrgen::check::check("production", file, data, &[]);
        // The plan is built by `check` whenever the model resolves, errors or not.
        if let (false, Some(plan)) = (checked.has_errors(), checked.plan.as_ref()) {
            let rendered = mrgen::render::render(plan, true, true, Default::default());
            assert!(rendered.is_ok(), "{rendered:?}");
        }
    }
});
