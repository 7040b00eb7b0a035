//! ElastiCache (Valkey / Redis OSS) Global Datastore limits: secondary-region count (MR103),
//! node types (MR303), engine versions (MR304), and the defaults for the `redis` section.

use super::{parse_version, version_at_least, version_text};

// Source: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Redis-Global-Datastores-Getting-Started.html
// "You can set up replication for a primary cluster from one AWS Region to a secondary cluster
// in up to two other AWS Regions." (Beijing and Ningxia replicate only with each other; both
// are outside the `aws` partition mrgen targets.)
/// Secondary regions one global datastore allows.
pub const GLOBAL_DATASTORE_MAX_SECONDARY_REGIONS: usize = 2;

// Source: https://docs.amazonaws.cn/en_us/AmazonElastiCache/latest/dg/Redis-Global-Datastores-Getting-Started.md
// "Global datastores are supported on the following instance families in size large and above:
// M5, M6g, M7g, R5, R6g, R6gd, R7g, and C7gn. Previous generation instance types (such as M4
// and R4) are not supported."
// NOTE: the docs.aws.amazon.com copy of the same page (as stored) says only "Global datastores
// are supported on instances of size large and above" without a family list. The family list is
// the stricter reading and matches aws-facts.md, so it is used; a newer family (e.g. a future
// cache.r8g) is refused until this table is updated.
const GLOBAL_DATASTORE_FAMILIES: &[&str] = &["c7gn", "m5", "m6g", "m7g", "r5", "r6g", "r6gd", "r7g"];

/// `(family, size)` of a `cache.<family>.<size>` node type.
fn parse_node_type(node_type: &str) -> Option<(&str, &str)> {
    let rest = node_type.strip_prefix("cache.")?;
    let (family, size) = rest.split_once('.')?;
    let letters_end = family.find(|c: char| !c.is_ascii_lowercase())?;
    let (letters, tail) = family.split_at(letters_end);
    let digits_end = tail.find(|c: char| !c.is_ascii_digit()).unwrap_or(tail.len());
    let (digits, suffix) = tail.split_at(digits_end);
    if letters.is_empty() || digits.is_empty() || !suffix.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let size_ok = match size {
        "micro" | "small" | "medium" | "large" | "xlarge" => true,
        _ => match size.strip_suffix("xlarge") {
            Some(n) => !n.is_empty() && !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit()),
            None => false,
        },
    };
    size_ok.then_some((family, size))
}

/// Syntactically an ElastiCache node type: `cache.<family>.<size>` (e.g. `cache.r7g.large`).
pub fn is_known_node_type(node_type: &str) -> bool {
    parse_node_type(node_type).is_some()
}

/// Node families M5, M6g, M7g, R5, R6g, R6gd, R7g and C7gn in size `large` and above; never the
/// burstable `cache.t*` types, previous generations (M4, R4) or sizes below large.
pub fn global_datastore_node_type_supported(node_type: &str) -> bool {
    match parse_node_type(node_type) {
        Some((family, size)) => {
            GLOBAL_DATASTORE_FAMILIES.contains(&family) && !matches!(size, "micro" | "small" | "medium")
        }
        None => false,
    }
}

// Source: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Redis-Global-Datastore.html
// ("fully managed ... Valkey or Redis OSS cluster replication across AWS Regions") and the
// archived getting-started page (awsdocs/amazon-elasticache-docs, doc_source/redis/
// Redis-Global-Datastores-Getting-Started.md): Global Datastore needs Redis engine 5.0.6 or later.
// UNCONFIRMED on a current page: the live getting-started page no longer states an engine
// floor. 5.0.6 is kept (it is the lowest version the feature ever shipped with).
/// Lowest Redis OSS version a global datastore accepts.
pub const GLOBAL_DATASTORE_MIN_REDIS: [u32; 3] = [5, 0, 6];

// Source: https://docs.amazonaws.cn/en_us/AmazonElastiCache/latest/dg/supported-engine-versions.html
// ElastiCache's first Valkey version is 7.2 ("ElastiCache supports Valkey 7.2 and above"), and
// the Global Datastore page names Valkey as a supported engine.
// UNCONFIRMED as an explicit Global Datastore rule; it is the lowest Valkey ElastiCache runs.
/// Lowest Valkey version (ElastiCache's first Valkey release).
pub const GLOBAL_DATASTORE_MIN_VALKEY: [u32; 2] = [7, 2];

/// Parse an ElastiCache engine version; a trailing `x` (Redis OSS `6.x`) counts as 0.
fn parse_engine_version(version: &str) -> Option<Vec<u32>> {
    match version.strip_suffix(".x") {
        Some(head) => {
            let mut parts = parse_version(head)?;
            parts.push(0);
            Some(parts)
        }
        None => parse_version(version),
    }
}

/// `Ok(())` when the engine (`"redis"` or `"valkey"`) at this version can join a global
/// datastore, else `Err` with the minimum (or what is wrong with the input).
pub fn global_datastore_engine_supported(engine: &str, version: &str) -> Result<(), String> {
    let (name, minimum): (&str, &[u32]) = match engine {
        "redis" => ("Redis OSS", &GLOBAL_DATASTORE_MIN_REDIS),
        "valkey" => ("Valkey", &GLOBAL_DATASTORE_MIN_VALKEY),
        other => {
            return Err(format!(
                "`{other}` is not an engine Global Datastore supports; use `valkey` or `redis`"
            ))
        }
    };
    let Some(parts) = parse_engine_version(version) else {
        return Err(format!(
            "`{version}` is not a {name} engine version (expected digits and dots, e.g. `{}`)",
            version_text(minimum)
        ));
    };
    if version_at_least(&parts, minimum) {
        Ok(())
    } else {
        Err(format!(
            "{name} {version} is too old for Global Datastore; use {name} {} or later",
            version_text(minimum)
        ))
    }
}

// Source: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/engine-versions.html
// (Valkey 7.2 through 9.x are current ElastiCache engines; Redis OSS stops at 7.1).
// CloudFormation acceptance: cfn-lint 1.51.0 `aws_elasticache_cachecluster/engine_version.json`
// lists valkey 7.2, 8.0, 8.1, 8.2, 9.0.
/// Default engine.
pub const DEFAULT_ENGINE: &str = "valkey";
// UNCONFIRMED whether Global Datastore supports every Valkey 8.x/9.x release (no page read here
// says either way), so the default is the first Valkey version, which is certain to be covered
// by "Valkey or Redis OSS".
/// Default engine version.
pub const DEFAULT_ENGINE_VERSION: &str = "7.2";
// Source: https://docs.amazonaws.cn/en_us/AmazonElastiCache/latest/dg/Redis-Global-Datastores-Getting-Started.md
// (R7g, large and above). cfn-lint's per-region node-type data lists cache.r7g.large in every
// commercial region.
/// Default node type (memory-optimized, Global Datastore capable).
pub const DEFAULT_NODE_TYPE: &str = "cache.r7g.large";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_secondaries() {
        assert_eq!(GLOBAL_DATASTORE_MAX_SECONDARY_REGIONS, 2);
    }

    #[test]
    fn supported_node_types() {
        for ok in [
            "cache.r7g.large",
            "cache.r6g.xlarge",
            "cache.r6gd.xlarge",
            "cache.m5.large",
            "cache.m6g.2xlarge",
            "cache.m7g.16xlarge",
            "cache.r5.24xlarge",
            "cache.c7gn.large",
        ] {
            assert!(global_datastore_node_type_supported(ok), "{ok} should be supported");
        }
    }

    #[test]
    fn unsupported_node_types() {
        for bad in [
            "cache.t3.micro",
            "cache.t4g.small",
            "cache.t2.medium",
            "cache.m4.large",
            "cache.r4.large",
            "cache.r3.large",
            "cache.m6g.medium",
            "cache.r8g.large",
            "r7g.large",
            "cache.r7g",
            "db.r7g.large",
            "",
        ] {
            assert!(
                !global_datastore_node_type_supported(bad),
                "{bad} should not be supported"
            );
        }
    }

    #[test]
    fn node_type_shape() {
        assert!(is_known_node_type("cache.t3.micro"));
        assert!(is_known_node_type("cache.c7gn.12xlarge"));
        assert!(!is_known_node_type("cache.t3"));
        assert!(!is_known_node_type("cache.t3.tiny"));
        assert!(!is_known_node_type("t3.micro"));
    }

    #[test]
    fn engine_versions() {
        for (engine, ok) in [
            ("redis", "5.0.6"),
            ("redis", "6.2"),
            ("redis", "6.x"),
            ("redis", "7.1"),
            ("valkey", "7.2"),
            ("valkey", "8.0"),
            ("valkey", "9.1"),
        ] {
            assert_eq!(global_datastore_engine_supported(engine, ok), Ok(()), "{engine} {ok}");
        }
        for (engine, bad) in [
            ("redis", "5.0.5"),
            ("redis", "5.0"),
            ("redis", "4.0.10"),
            ("valkey", "7.1"),
            ("valkey", "7"),
            ("memcached", "1.6.22"),
            ("Redis", "7.1"),
            ("redis", "seven"),
            ("redis", ""),
        ] {
            assert!(
                global_datastore_engine_supported(engine, bad).is_err(),
                "{engine} {bad}"
            );
        }
        let msg = global_datastore_engine_supported("redis", "4.0.10")
            .err()
            .unwrap_or_default();
        assert!(msg.contains("5.0.6"), "{msg}");
    }

    #[test]
    fn defaults_are_consistent() {
        assert!(global_datastore_node_type_supported(DEFAULT_NODE_TYPE));
        assert_eq!(
            global_datastore_engine_supported(DEFAULT_ENGINE, DEFAULT_ENGINE_VERSION),
            Ok(())
        );
    }
}
