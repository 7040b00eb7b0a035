//! Compiled AWS facts: the region table, per-service limits and support windows that the
//! validation rules judge an environment against.
//!
//! This module is pure data plus small lookups. Nothing here reads the clock or the network:
//! every table describes AWS as of [`TABLES_AS_OF`], and each constant or table carries the
//! documentation page it was checked against in a `// Source:` comment. Where AWS
//! documentation disagreed with `shared/SPEC.md` or `shared/aws-facts.md` the documentation
//! was followed and a `// NOTE:` says so; values that could not be confirmed say
//! `UNCONFIRMED` and hold the conservative choice.

// A fact table: some entries (helpers, extra limits) may not be read by any rule yet, and mrgen
// is a binary crate, where unused `pub` items would warn.

pub mod acm;
pub mod aurora;
pub mod eks;
pub mod elasticache;
pub mod limits;
pub mod msk;
pub mod prices;
pub mod regions;
pub mod route53;

use std::cmp::Ordering;

/// The date the compiled tables describe (rules judge support windows against this, never the clock).
pub const TABLES_AS_OF: &str = "2026-11-25";

/// Parse "16.6" / "7.1" / "3.6.0" into numeric parts; None when not digits and dots.
///
/// Empty input, empty parts ("16..1", "16.") and anything other than ASCII digits and dots
/// ("16.4-limitless", "3.8.x", "v1.2") give `None`. A part too large for `u32` also gives `None`.
pub fn parse_version(v: &str) -> Option<Vec<u32>> {
    if v.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    for part in v.split('.') {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        parts.push(part.parse::<u32>().ok()?);
    }
    Some(parts)
}

/// Compare two parsed versions part by part; a missing trailing part counts as 0, so
/// `[16]` equals `[16, 0]` and `[5, 0, 6]` is greater than `[5, 0]`.
pub fn compare_versions(a: &[u32], b: &[u32]) -> Ordering {
    let len = a.len().max(b.len());
    for i in 0..len {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        match x.cmp(&y) {
            Ordering::Equal => continue,
            other => return other,
        }
    }
    Ordering::Equal
}

/// `true` when `version` is at least `minimum` (see [`compare_versions`]).
pub fn version_at_least(version: &[u32], minimum: &[u32]) -> bool {
    compare_versions(version, minimum) != Ordering::Less
}

/// Render parsed version parts back as dotted text (`[2, 7, 0]` → `"2.7.0"`).
pub fn version_text(parts: &[u32]) -> String {
    parts.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(".")
}

/// `true` when `s` has the shape `YYYY-MM-DD` (digits and dashes only; the tables compare such
/// strings lexically, which orders them by date).
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dotted_versions() {
        assert_eq!(parse_version("16.6"), Some(vec![16, 6]));
        assert_eq!(parse_version("7.1"), Some(vec![7, 1]));
        assert_eq!(parse_version("3.6.0"), Some(vec![3, 6, 0]));
        assert_eq!(parse_version("16"), Some(vec![16]));
    }

    #[test]
    fn rejects_non_versions() {
        for bad in [
            "",
            ".",
            "16.",
            ".16",
            "16..1",
            "3.8.x",
            "16.4-limitless",
            "v1.2",
            " 1.2",
            "1.2 ",
            "99999999999.1",
            "-1",
        ] {
            assert_eq!(parse_version(bad), None, "{bad:?} should not parse");
        }
    }

    #[test]
    fn compares_with_missing_parts_as_zero() {
        assert_eq!(compare_versions(&[16], &[16, 0]), Ordering::Equal);
        assert_eq!(compare_versions(&[5, 0, 6], &[5, 0]), Ordering::Greater);
        assert_eq!(compare_versions(&[5, 0, 5], &[5, 0, 6]), Ordering::Less);
        assert_eq!(compare_versions(&[14, 10], &[14, 9]), Ordering::Greater);
        assert!(version_at_least(&[2, 7, 0], &[2, 7, 0]));
        assert!(!version_at_least(&[2, 6, 3], &[2, 7, 0]));
        assert!(version_at_least(&[3], &[2, 7, 0]));
    }

    #[test]
    fn renders_version_text() {
        assert_eq!(version_text(&[2, 7, 0]), "2.7.0");
        assert_eq!(version_text(&[16]), "16");
    }

    #[test]
    fn tables_as_of_is_an_iso_date() {
        assert!(is_iso_date(TABLES_AS_OF));
        assert!(!is_iso_date("2026-11-5"));
        assert!(!is_iso_date("2026/11/25"));
        assert!(!is_iso_date("2026-11-2x"));
    }
}
