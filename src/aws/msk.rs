//! Amazon MSK limits: broker storage (MR306), MSK Replicator's cluster requirements (MR308),
//! the broker types MSK offers, the Kafka versions it supports, and the defaults for the `msk`
//! section.

use super::{parse_version, version_at_least, version_text};

// Source: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-msk-cluster-ebsstorageinfo.html
// VolumeSize: "The size in GiB of the EBS volume for the data drive on each broker node."
// Minimum 1, Maximum 16384 (the Kafka API shape is `__integerMin1Max16384`).
/// Smallest EBS volume per broker, GiB.
pub const STORAGE_GIB_MIN: u32 = 1;
/// Largest EBS volume per broker, GiB.
pub const STORAGE_GIB_MAX: u32 = 16384;

// Source: https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-supported-clusters-versions.html
// "MSK Replicator is supported only on clusters running Apache Kafka 2.7.0 or higher, regardless
// of whether your source and target clusters are in the same or in different AWS Regions."
/// Lowest Kafka version MSK Replicator accepts on a source or target cluster.
pub const REPLICATOR_MIN_KAFKA: [u32; 3] = [2, 7, 0];

// Source: https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-supported-clusters-versions.html
// "Identical topic name replication (Keep same topic name in the console) requires an MSK
// cluster running Kafka version 2.8.1 or higher."
// Source: https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-best-practices.html
// "We recommend that your provision identical capacity for your source and target clusters, and
// account for the replication throughput when calculating how much capacity you need." (MR310)

/// Lowest Kafka version for MSK Replicator's identical-topic-name mode.
pub const REPLICATOR_IDENTICAL_TOPIC_NAMES_MIN_KAFKA: [u32; 3] = [2, 8, 1];

// Source: https://docs.aws.amazon.com/msk/latest/developerguide/broker-instance-sizes.html
// (mirrored at docs.amazonaws.cn/msk/latest/developerguide/broker-instance-sizes.md):
// Standard brokers kafka.t3.small; kafka.m5.{large,xlarge,2xlarge,4xlarge,8xlarge,12xlarge,
// 16xlarge,24xlarge}; kafka.m7g.{large,xlarge,2xlarge,4xlarge,8xlarge,12xlarge,16xlarge}.
// Express brokers express.m7g.{large,...,16xlarge}. Some sizes are missing in some Regions.
const BROKER_TYPES: &[&str] = &[
    "express.m7g.12xlarge",
    "express.m7g.16xlarge",
    "express.m7g.2xlarge",
    "express.m7g.4xlarge",
    "express.m7g.8xlarge",
    "express.m7g.large",
    "express.m7g.xlarge",
    "kafka.m5.12xlarge",
    "kafka.m5.16xlarge",
    "kafka.m5.24xlarge",
    "kafka.m5.2xlarge",
    "kafka.m5.4xlarge",
    "kafka.m5.8xlarge",
    "kafka.m5.large",
    "kafka.m5.xlarge",
    "kafka.m7g.12xlarge",
    "kafka.m7g.16xlarge",
    "kafka.m7g.2xlarge",
    "kafka.m7g.4xlarge",
    "kafka.m7g.8xlarge",
    "kafka.m7g.large",
    "kafka.m7g.xlarge",
    "kafka.t3.small",
];

/// A broker instance type MSK provisioned clusters offer (Standard or Express).
pub fn is_known_broker_type(instance_type: &str) -> bool {
    BROKER_TYPES.binary_search(&instance_type).is_ok()
}

/// `true` for Express broker types (`express.*`).
pub fn is_express_broker_type(instance_type: &str) -> bool {
    instance_type.starts_with("express.") && is_known_broker_type(instance_type)
}

// Source: https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-supported-clusters-versions.html
// "MSK Replicator supports clusters using instance types of m5.large or larger. t3.small
// clusters aren't supported."
// Decision: kafka.m7g.* sizes start at large (same vCPU/memory as m5.large) and are accepted.
// express.m7g.* brokers are MSK Provisioned clusters too, and the replicator docs name Express
// clusters as targets (supported-configs page: self-managed Kafka → "MSK Provisioned clusters
// with Express brokers"); they are accepted. Only kafka.t3.small is refused.
/// Broker types MSK Replicator can use as source or target: `kafka.m5.large` or larger
/// (m5/m7g, Standard or Express), not `kafka.t3.*`.
pub fn replicator_supports_broker_type(instance_type: &str) -> bool {
    is_known_broker_type(instance_type) && !instance_type.starts_with("kafka.t3.")
}

// Source: https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-supported-clusters-versions.html
// "If you are using MSK Replicator with an MSK Provisioned cluster, you need a minimum of three
// brokers in both source and target clusters. You can replicate data across clusters in two
// Availability Zones, but you would need a minimum of four brokers in those clusters."
/// Fewest brokers a provisioned cluster spread over `azs` AZs needs for MSK Replicator:
/// 3, or 4 when it spans two AZs (MSK clusters span two or three; fewer is treated like two).
pub fn replicator_min_brokers(azs: u32) -> u32 {
    if azs >= 3 {
        3
    } else {
        4
    }
}

/// Parse an MSK Kafka version: `3.6.0`, `2.8.2-tiered` (the suffix is ignored) or the
/// auto-minor form `3.8.x` (the `x` counts as 0, i.e. `[3, 8, 0]`).
pub fn parse_kafka_version(version: &str) -> Option<Vec<u32>> {
    let base = version.strip_suffix("-tiered").unwrap_or(version);
    match base.strip_suffix(".x") {
        Some(head) => {
            let mut parts = parse_version(head)?;
            parts.push(0);
            Some(parts)
        }
        None => parse_version(base),
    }
}

/// `true` when the Kafka version is 2.7.0 or later (MSK Replicator's floor).
pub fn replicator_supports_kafka(version: &str) -> bool {
    parse_kafka_version(version).is_some_and(|v| version_at_least(&v, &REPLICATOR_MIN_KAFKA))
}

/// One Kafka version MSK offers, with its support window (ISO dates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KafkaVersion {
    /// The version string MSK's API takes (`"3.8.x"`, `"3.6.0"`, `"2.8.2-tiered"`).
    pub version: &'static str,
    /// MSK release date.
    pub released: &'static str,
    /// End of support date, when MSK has published one.
    pub end_of_support: Option<&'static str>,
}

// Source: https://docs.aws.amazon.com/msk/latest/developerguide/supported-kafka-versions.html
// (English page as stored, and the newer docs.amazonaws.cn/en_us copy, which adds the 3.6.0 end
// of support date 2026-06-01).
// NOTE: the version used in mrgen's examples (3.6.0) reached MSK end of support on 2026-06-01, before
// TABLES_AS_OF, so mrgen's default is the version AWS marks "(Recommended)": 3.8.x.
// UNCONFIRMED: versions MSK released after 4.0.x (May 2025) are not in the pages read here.
/// Kafka versions MSK supports or supported, oldest first (versions that ended before 2024 omitted).
#[rustfmt::skip]
pub const KAFKA_VERSIONS: &[KafkaVersion] = &[
    KafkaVersion { version: "2.8.2-tiered", released: "2022-10-28", end_of_support: Some("2025-01-14") },
    KafkaVersion { version: "3.4.0", released: "2023-05-04", end_of_support: Some("2025-08-04") },
    KafkaVersion { version: "3.5.1", released: "2023-09-26", end_of_support: Some("2025-10-23") },
    KafkaVersion { version: "3.6.0", released: "2023-11-16", end_of_support: Some("2026-06-01") },
    KafkaVersion { version: "3.7.x", released: "2024-05-29", end_of_support: None },
    KafkaVersion { version: "3.8.x", released: "2025-02-20", end_of_support: None },
    KafkaVersion { version: "3.9.x", released: "2025-04-21", end_of_support: None },
    KafkaVersion { version: "4.0.x", released: "2025-05-16", end_of_support: None },
];

/// `Ok(())` when MSK offers this Kafka version on `as_of` (an ISO date), else `Err` saying why
/// (unknown to the tables, not yet released, or past its end of support date).
pub fn kafka_version_supported(version: &str, as_of: &str) -> Result<(), String> {
    let Some(entry) = KAFKA_VERSIONS.iter().find(|k| k.version == version) else {
        let known: Vec<&str> = KAFKA_VERSIONS
            .iter()
            .filter(|k| k.end_of_support.is_none_or(|end| as_of < end))
            .map(|k| k.version)
            .collect();
        return Err(format!(
            "Kafka `{version}` is not a version MSK offers (as of {as_of}: {})",
            known.join(", ")
        ));
    };
    if as_of < entry.released {
        return Err(format!("Kafka {version} is not released on MSK as of {as_of}"));
    }
    match entry.end_of_support {
        Some(end) if as_of >= end => Err(format!(
            "MSK ended support for Kafka {version} on {end}; use {DEFAULT_KAFKA_VERSION}"
        )),
        _ => Ok(()),
    }
}

/// Text of the replicator Kafka floor, `"2.7.0"`.
pub fn replicator_min_kafka_text() -> String {
    version_text(&REPLICATOR_MIN_KAFKA)
}

// Source: https://docs.aws.amazon.com/msk/latest/developerguide/supported-kafka-versions.html
// ("3.8.x (Recommended)").
/// Default Kafka version.
pub const DEFAULT_KAFKA_VERSION: &str = "3.8.x";
// Source: https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-supported-clusters-versions.html
// (the smallest type the replicator documents by name, "m5.large").
/// Default broker type.
pub const DEFAULT_BROKER_TYPE: &str = "kafka.m5.large";
/// Default EBS storage per broker, GiB (within STORAGE_GIB_MIN..=STORAGE_GIB_MAX).
pub const DEFAULT_STORAGE_GIB: u32 = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_range() {
        assert_eq!(STORAGE_GIB_MIN, 1);
        assert_eq!(STORAGE_GIB_MAX, 16384);
        assert!((STORAGE_GIB_MIN..=STORAGE_GIB_MAX).contains(&DEFAULT_STORAGE_GIB));
    }

    #[test]
    fn broker_table_is_sorted_for_binary_search() {
        for pair in BROKER_TYPES.windows(2) {
            assert!(pair[0] < pair[1], "{} >= {}", pair[0], pair[1]);
        }
    }

    #[test]
    fn known_broker_types() {
        assert!(is_known_broker_type("kafka.m5.large"));
        assert!(is_known_broker_type("kafka.t3.small"));
        assert!(is_known_broker_type("express.m7g.4xlarge"));
        assert!(!is_known_broker_type("kafka.m5.medium"));
        assert!(!is_known_broker_type("kafka.t3.micro"));
        assert!(!is_known_broker_type("m5.large"));
        assert!(!is_known_broker_type("kafka.m6g.large"));
        assert!(is_express_broker_type("express.m7g.large"));
        assert!(!is_express_broker_type("kafka.m7g.large"));
    }

    #[test]
    fn replicator_broker_types() {
        assert!(replicator_supports_broker_type("kafka.m5.large"));
        assert!(replicator_supports_broker_type("kafka.m5.24xlarge"));
        assert!(replicator_supports_broker_type("kafka.m7g.large"));
        assert!(replicator_supports_broker_type("express.m7g.xlarge"));
        assert!(!replicator_supports_broker_type("kafka.t3.small"));
        assert!(!replicator_supports_broker_type("kafka.m5.small"));
        assert!(!replicator_supports_broker_type(""));
    }

    #[test]
    fn replicator_broker_counts() {
        assert_eq!(replicator_min_brokers(3), 3);
        assert_eq!(replicator_min_brokers(2), 4);
        assert_eq!(replicator_min_brokers(1), 4);
    }

    #[test]
    fn kafka_version_parsing() {
        assert_eq!(parse_kafka_version("3.6.0"), Some(vec![3, 6, 0]));
        assert_eq!(parse_kafka_version("3.8.x"), Some(vec![3, 8, 0]));
        assert_eq!(parse_kafka_version("2.8.2-tiered"), Some(vec![2, 8, 2]));
        assert_eq!(parse_kafka_version("latest"), None);
        assert_eq!(parse_kafka_version("3.x.x"), None);
    }

    #[test]
    fn replicator_kafka_floor() {
        assert_eq!(REPLICATOR_MIN_KAFKA, [2, 7, 0]);
        assert_eq!(replicator_min_kafka_text(), "2.7.0");
        assert!(replicator_supports_kafka("2.7.0"));
        assert!(replicator_supports_kafka("3.6.0"));
        assert!(replicator_supports_kafka("3.8.x"));
        assert!(!replicator_supports_kafka("2.6.3"));
        assert!(!replicator_supports_kafka("2.6.x"));
        assert!(!replicator_supports_kafka("nonsense"));
    }

    #[test]
    fn kafka_support_windows() {
        assert_eq!(kafka_version_supported("3.8.x", "2026-11-25"), Ok(()));
        assert_eq!(kafka_version_supported("3.6.0", "2026-05-31"), Ok(()));
        assert!(kafka_version_supported("3.6.0", "2026-06-01").is_err());
        assert!(kafka_version_supported("3.6.0", super::super::TABLES_AS_OF).is_err());
        assert!(kafka_version_supported("4.0.x", "2025-01-01").is_err());
        assert!(kafka_version_supported("3.8.1", "2026-11-25").is_err());
        for pair in KAFKA_VERSIONS.windows(2) {
            assert!(pair[0].released < pair[1].released);
        }
    }

    #[test]
    fn defaults_are_consistent() {
        assert!(replicator_supports_broker_type(DEFAULT_BROKER_TYPE));
        assert!(replicator_supports_kafka(DEFAULT_KAFKA_VERSION));
        assert_eq!(
            kafka_version_supported(DEFAULT_KAFKA_VERSION, super::super::TABLES_AS_OF),
            Ok(())
        );
    }
}
