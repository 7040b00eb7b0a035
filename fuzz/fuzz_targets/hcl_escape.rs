//! Fuzz target: every string the HCL escaper quotes is one complete HCL string literal with no
//! template sequence left open (`${` and `%{` are always doubled), so no input becomes HCL.

#![no_main]

libfuzzer_sys::fuzz_target!(|s: &str| {
    let q = mrgen::render::tf::quote(s);
    assert!(q.starts_with('"') && q.ends_with('"') && q.len() >= 2, "{q}");
    let inner = &q[1..q.len() - 1];
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => panic!("unescaped quote in {q}"),
            b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => panic!("open template sequence in {q}"),
            b'$' | b'%' if bytes.get(i + 1) == Some(&bytes[i]) && bytes.get(i + 2) == Some(&b'{') => i += 3,
            c if c < 0x20 => panic!("raw control character in {q}"),
            _ => i += 1,
        }
    }
});
