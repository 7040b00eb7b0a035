//! Aurora PostgreSQL Global Database limits: topology (MR103), instance classes (MR301),
//! engine-version floors for global databases and for global write forwarding (MR302), and the
//! defaults mrgen renders when the `aurora` section leaves them out.

use super::{parse_version, version_text};

// Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.configuration.requirements.html
// "an Aurora global database can have up to 10 secondary AWS Regions" (1 primary + 10 secondary
// clusters, each in a different Region).
/// Secondary regions one global database allows.
pub const MAX_SECONDARY_REGIONS: usize = 10;

// Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html#aurora-global-database-manage-recovery
// ("Managing RPOs for Aurora PostgreSQL–based global databases"): `rds.global_db_rpo` takes 20 to
// 2,147,483,647 seconds; when every secondary lags more, commits on the primary wait.
/// The smallest RPO, in seconds, that Aurora's managed RPO (`rds.global_db_rpo`) can hold.
pub const GLOBAL_DB_RPO_MIN_SECONDS: i64 = 20;

// Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.configuration.requirements.html
// Table row "Read-only instances (Aurora replicas), per Aurora DB cluster": primary 15 (max),
// secondary 16 (total).
/// Aurora Replicas (readers) one cluster allows.
pub const MAX_READERS_PER_CLUSTER: u32 = 15;

// Source: same page, same row: a secondary cluster has no writer and up to 16 read-only instances.
/// Read-only instances a secondary cluster of a global database allows.
pub const MAX_INSTANCES_PER_SECONDARY_CLUSTER: u32 = 16;

// Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.configuration.requirements.html
// NOTE: the table also gives "Read-only instances (max allowed, given actual number of secondary
// Regions): 15 - s", s = number of secondary Regions. Neither SPEC nor aws-facts.md turns this
// into a rule; it is exposed here for whoever checks `aurora-readers` in the primary.
/// Readers the primary cluster may have when the global database has `secondaries` secondary regions.
pub fn max_primary_readers(secondaries: usize) -> u32 {
    let s = u32::try_from(secondaries).unwrap_or(u32::MAX);
    MAX_READERS_PER_CLUSTER.saturating_sub(s)
}

// Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.configuration.requirements.html
// "Aurora Serverless v2 capacity requirements": for a global database the minimum capacity of
// the primary cluster should be 8 ACUs (wording read through a third-party transcription of the
// page; the English copy read here was cut off before that bullet — UNCONFIRMED exact wording).
/// Minimum Aurora Serverless v2 capacity (ACUs) recommended for a global database's primary cluster.
pub const SERVERLESS_V2_GLOBAL_PRIMARY_MIN_ACU: u32 = 8;

/// The `db.serverless` class of Aurora Serverless v2.
pub const SERVERLESS_CLASS: &str = "db.serverless";

/// `true` when `size` is an instance size token: micro, small, medium, large, xlarge or `<n>xlarge`.
fn is_size(size: &str) -> bool {
    match size {
        "micro" | "small" | "medium" | "large" | "xlarge" => true,
        _ => match size.strip_suffix("xlarge") {
            Some(n) => !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0'),
            None => false,
        },
    }
}

/// Split an instance family such as `r6gd` into its letters (`r`), generation (`6`) and
/// attribute suffix (`gd`). `None` unless it is letters, then digits, then optional letters.
fn split_family(family: &str) -> Option<(&str, u32, &str)> {
    let letters_end = family.find(|c: char| !c.is_ascii_lowercase())?;
    let (letters, rest) = family.split_at(letters_end);
    let digits_end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    let (digits, suffix) = rest.split_at(digits_end);
    if letters.is_empty() || digits.is_empty() || !suffix.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    Some((letters, digits.parse().ok()?, suffix))
}

/// `(family letters, generation, suffix, size)` of a `db.<family>.<size>` class.
fn parse_class(class: &str) -> Option<(&str, u32, &str, &str)> {
    let rest = class.strip_prefix("db.")?;
    let (family, size) = rest.split_once('.')?;
    if !is_size(size) {
        return None;
    }
    let (letters, generation, suffix) = split_family(family)?;
    Some((letters, generation, suffix, size))
}

/// Syntactically an Aurora PostgreSQL instance class at all: `db.<family>.<size>` (for example
/// `db.r6g.large`, `db.t4g.medium`, `db.x2g.2xlarge`) or `db.serverless`.
///
/// This checks the shape only; whether a class is orderable in a region is not tabulated here.
pub fn is_known_instance_class(class: &str) -> bool {
    class == SERVERLESS_CLASS || parse_class(class).is_some()
}

// Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.configuration.requirements.html
// "An Aurora global database requires DB instance classes that are optimized for
// memory-intensive applications ... We recommend that you use a db.r5 or higher instance class."
// Memory-optimized Aurora classes are the R and X families (db.r5/r6g/r6gd/r6i/r7g/r7i/r8g/...,
// db.x2g). Burstable db.t3/db.t4g and any other family are refused. The same page has a
// capacity requirement for Aurora Serverless v2 in a global database, so `db.serverless` is
// allowed (see SERVERLESS_V2_GLOBAL_PRIMARY_MIN_ACU).
// NOTE: "db.r5 or higher" is worded as a recommendation; db.r4 is still memory-optimized and is
// accepted here (no current Aurora PostgreSQL 16+ engine offers it, so in practice it is moot).
/// Memory-optimized `db.r*` / `db.x*` classes (and `db.serverless`); not `db.t*`, `db.m*`, …
pub fn global_instance_class_supported(class: &str) -> bool {
    if class == SERVERLESS_CLASS {
        return true;
    }
    match parse_class(class) {
        Some(("r", generation, _, size)) => generation >= 4 && !is_small_size(size),
        Some(("x", _, _, size)) => !is_small_size(size),
        _ => false,
    }
}

fn is_small_size(size: &str) -> bool {
    matches!(size, "micro" | "small" | "medium")
}

/// One major version's global-database floor: `minor` and later, plus an extra single minor
/// that the table lists separately (11.9).
struct GlobalFloor {
    major: u32,
    minor: u32,
    also: Option<u32>,
}

// Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.Aurora_Fea_Regions_DB-eng.Feature.GlobalDatabase.html
// ("Aurora global databases with Aurora PostgreSQL").
// UNCONFIRMED against the live English page: its PostgreSQL half could not be read here. The
// floors below are the ones a third-party transcription of that table gives (Sept 2026):
// 11.9 and 11.13+, 12.8+, 13.4+, 14.3+, 15.2+, 16.1+, 17.4+, 18.3+, identical in every Region
// that has the feature. They are at or above the archived June-2023 copy of the page
// (awsdocs/amazon-aurora-user-guide: 11.9 and 11.12+, 12.7+, 13.3+, 14.3+), i.e. the stricter
// (conservative) reading; aws-facts.md gives the same 11/12/13/14 floors.
#[rustfmt::skip]
const GLOBAL_FLOORS: &[GlobalFloor] = &[
    GlobalFloor { major: 11, minor: 13, also: Some(9) },
    GlobalFloor { major: 12, minor: 8, also: None },
    GlobalFloor { major: 13, minor: 4, also: None },
    GlobalFloor { major: 14, minor: 3, also: None },
    GlobalFloor { major: 15, minor: 2, also: None },
    GlobalFloor { major: 16, minor: 1, also: None },
    GlobalFloor { major: 17, minor: 4, also: None },
    GlobalFloor { major: 18, minor: 3, also: None },
];

/// `(major, Some(minor))` of an Aurora PostgreSQL version such as `16.6`, or `(major, None)`
/// for a bare major such as `16` (CloudFormation accepts it and AWS picks that major's default
/// minor, which is always a current one).
fn major_minor(version: &str) -> Result<(u32, Option<u32>), String> {
    let parts = parse_version(version).ok_or_else(|| {
        format!("`{version}` is not an Aurora PostgreSQL version (expected digits and dots, e.g. `{DEFAULT_ENGINE_VERSION}`)")
    })?;
    match parts.as_slice() {
        [major] => Ok((*major, None)),
        [major, minor] => Ok((*major, Some(*minor))),
        _ => Err(format!(
            "`{version}` is not an Aurora PostgreSQL version (expected MAJOR.MINOR, e.g. `{DEFAULT_ENGINE_VERSION}`)"
        )),
    }
}

fn known_majors() -> String {
    let first = GLOBAL_FLOORS.first().map(|f| f.major).unwrap_or(0);
    let last = GLOBAL_FLOORS.last().map(|f| f.major).unwrap_or(0);
    format!("{first}–{last}")
}

/// `Ok(())` when the version supports an Aurora global database, else `Err` with a message that
/// names the minimum version for that major (or says the major has no global-database support).
pub fn global_database_minimum(version: &str) -> Result<(), String> {
    let (major, minor) = major_minor(version)?;
    let Some(floor) = GLOBAL_FLOORS.iter().find(|f| f.major == major) else {
        return Err(format!(
            "Aurora PostgreSQL {major} is not known to support global databases (mrgen's tables, as of {}, cover majors {}); use {DEFAULT_ENGINE_VERSION} or another supported version",
            super::TABLES_AS_OF,
            known_majors()
        ));
    };
    let Some(minor) = minor else {
        return Ok(());
    };
    if minor >= floor.minor || floor.also == Some(minor) {
        return Ok(());
    }
    let minimum = match floor.also {
        Some(also) if minor < also => format!("{major}.{also}"),
        Some(also) => format!("{major}.{also} or {major}.{} or later", floor.minor),
        None => format!("{major}.{} or later", floor.minor),
    };
    Err(format!(
        "Aurora PostgreSQL {} does not support global databases; use {minimum}",
        version_text(&[major, minor])
    ))
}

// Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-write-forwarding-apg.html
// "In Aurora PostgreSQL version 16 and higher major versions, global write forwarding is
// supported in all minor versions. For earlier Aurora PostgreSQL versions, global write
// forwarding is supported with version 15.4 and higher minor versions, and version 14.9 and
// higher minor versions. Write forwarding is available in every AWS Region where Aurora
// PostgreSQL-based global databases are available."
/// `Ok(())` when the version supports global write forwarding, else `Err` naming the minimum.
pub fn global_write_forwarding_minimum(version: &str) -> Result<(), String> {
    let (major, minor) = major_minor(version)?;
    let floor = match major {
        16.. => return Ok(()),
        15 => 4,
        14 => 9,
        _ => {
            return Err(format!(
                "Aurora PostgreSQL {major} does not support global write forwarding; use 14.9 or later 14.x, 15.4 or later 15.x, or 16 and later (e.g. {DEFAULT_ENGINE_VERSION})"
            ))
        }
    };
    match minor {
        None => Ok(()),
        Some(minor) if minor >= floor => Ok(()),
        Some(minor) => Err(format!(
            "Aurora PostgreSQL {major}.{minor} does not support global write forwarding; use {major}.{floor} or later"
        )),
    }
}

// Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-write-forwarding-apg.html
// (any 16.x supports global write forwarding) and the global-database table above (16.1+).
// CloudFormation acceptance: cfn-lint 1.51.0's `aws_rds_dbcluster/engine_version.json` lists
// 16.11 for aurora-postgresql and its deprecated list stops at 16.3.
// NOTE: aws-facts.md's cfn-lint list went up to 16.14; the cfn-lint on this machine (1.51.0)
// knows 16.13 as the newest 16.x, so 16.11 is the newest minor both lists agree on that is
// well established across regions.
/// A current Aurora PostgreSQL version with global database and global write forwarding support.
pub const DEFAULT_ENGINE_VERSION: &str = "16.11";

// Source: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.configuration.requirements.html
// (memory-optimized, db.r5 or higher). Note: cfn-lint's per-region orderable-class data lists
// db.r6g.large for aurora-postgresql in every commercial region except il-central-1 (which has
// db.r5 and db.r7g only); no single R class is orderable in all 34 regions.
/// Default memory-optimized instance class.
pub const DEFAULT_INSTANCE_CLASS: &str = "db.r6g.large";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topology_limits() {
        assert_eq!(MAX_SECONDARY_REGIONS, 10);
        assert_eq!(MAX_READERS_PER_CLUSTER, 15);
        assert_eq!(max_primary_readers(1), 14);
        assert_eq!(max_primary_readers(10), 5);
        assert_eq!(max_primary_readers(99), 0);
    }

    #[test]
    fn memory_optimized_classes_are_supported() {
        for ok in [
            "db.r6g.large",
            "db.r5.large",
            "db.r6i.2xlarge",
            "db.r6gd.xlarge",
            "db.r7g.16xlarge",
            "db.r8g.48xlarge",
            "db.x2g.large",
            "db.serverless",
        ] {
            assert!(global_instance_class_supported(ok), "{ok} should be supported");
        }
    }

    #[test]
    fn burstable_and_general_purpose_classes_are_not() {
        for bad in [
            "db.t3.medium",
            "db.t4g.large",
            "db.t3.micro",
            "db.m5.large",
            "db.m6g.xlarge",
            "db.r3.large",
            "db.r6g.medium",
            "r6g.large",
            "db.r6g",
            "db.r6g.huge",
            "cache.r6g.large",
            "",
        ] {
            assert!(!global_instance_class_supported(bad), "{bad} should not be supported");
        }
    }

    #[test]
    fn known_instance_class_shape() {
        for ok in [
            "db.r6g.large",
            "db.t4g.medium",
            "db.m5.24xlarge",
            "db.serverless",
            "db.x2iedn.xlarge",
        ] {
            assert!(is_known_instance_class(ok), "{ok} should be known");
        }
        for bad in [
            "r6g.large",
            "db.r6g",
            "db..large",
            "db.6g.large",
            "db.r.large",
            "db.r6g.0xlarge",
            "db.r6g.xxlarge",
            "db.R6G.large",
            "db.r6g.large.extra",
            "db.serverless.v2",
        ] {
            assert!(!is_known_instance_class(bad), "{bad} should not be known");
        }
    }

    #[test]
    fn global_database_floors() {
        for ok in [
            "16.1", "16.6", "16", "17.4", "17.7", "18.3", "15.2", "14.3", "13.4", "12.8", "11.9", "11.13", "11.21",
        ] {
            assert_eq!(global_database_minimum(ok), Ok(()), "{ok} should be fine");
        }
        for bad in [
            "16.0",
            "17.2",
            "18.1",
            "15.1",
            "13.3",
            "12.7",
            "11.12",
            "11.8",
            "10.14",
            "9.6",
            "19.1",
            "16.4-limitless",
            "sixteen",
            "16.6.1",
            "",
        ] {
            assert!(global_database_minimum(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn global_database_messages_name_the_minimum() {
        let msg = global_database_minimum("17.2").err().unwrap_or_default();
        assert!(msg.contains("17.4"), "{msg}");
        let msg = global_database_minimum("11.10").err().unwrap_or_default();
        assert!(msg.contains("11.9") && msg.contains("11.13"), "{msg}");
        let msg = global_database_minimum("11.8").err().unwrap_or_default();
        assert!(msg.contains("11.9"), "{msg}");
        let msg = global_database_minimum("10.14").err().unwrap_or_default();
        assert!(msg.contains("not known to support"), "{msg}");
    }

    #[test]
    fn write_forwarding_floors() {
        for ok in [
            "14.9", "14.12", "15.4", "15.8", "16.1", "16.0", "17.4", "18.3", "16", "15",
        ] {
            assert_eq!(global_write_forwarding_minimum(ok), Ok(()), "{ok} should be fine");
        }
        for bad in ["14.8", "15.3", "13.9", "12.8", "x"] {
            assert!(global_write_forwarding_minimum(bad).is_err(), "{bad} should be refused");
        }
        let msg = global_write_forwarding_minimum("15.3").err().unwrap_or_default();
        assert!(msg.contains("15.4"), "{msg}");
    }

    #[test]
    fn defaults_are_consistent() {
        assert_eq!(global_database_minimum(DEFAULT_ENGINE_VERSION), Ok(()));
        assert_eq!(global_write_forwarding_minimum(DEFAULT_ENGINE_VERSION), Ok(()));
        assert!(global_instance_class_supported(DEFAULT_INSTANCE_CLASS));
        assert!(is_known_instance_class(DEFAULT_INSTANCE_CLASS));
        assert!(DEFAULT_ENGINE_VERSION.starts_with("16."));
    }
}
