//! The words every layer uses to speak of a problem: which rule (`RuleId`, part of the contract
//! of SPEC section 4; tests and users match on them), how bad (`Severity`), about which key
//! (`Finding`, as a rule or the structure check reports it) and where in the file (`Pos`).
//!
//! Loading, the model, the rules and the diagnostics all report problems, so these types live
//! beneath all of them: this module takes nothing from mrgen but key paths (`crate::path`, itself
//! a leaf), and nothing below `rules` has to import `rules` to name a rule.

use crate::path::KeyPath;
use serde::Serialize;

macro_rules! rules {
    ($($id:ident => $summary:literal,)*) => {
        /// One variant per rule of SPEC section 4.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId { $($id,)* }

        impl RuleId {
            pub const ALL: &'static [RuleId] = &[$(RuleId::$id,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(RuleId::$id => stringify!($id),)* }
            }

            /// One line saying what the rule checks (the README's rule table).
            pub fn summary(self) -> &'static str {
                match self { $(RuleId::$id => $summary,)* }
            }
        }
    };
}

rules! {
    MR001 => "the file is not valid JSON/YAML (or is hostile: not UTF-8, a NUL byte, too deep, an alias bomb, over 1 MiB)",
    MR002 => "unknown section or key",
    MR003 => "wrong type, or a value outside its enum or range",
    MR004 => "more than one prefix in one file",
    MR005 => "a required key is missing",
    MR006 => "duplicate key",
    MR101 => "unknown region code",
    MR102 => "a secondary region equals the primary or is listed twice",
    MR103 => "more secondary regions than a component allows",
    MR104 => "a component is not known to be available in a region (warning)",
    MR201 => "`vpc-cidr` is not an IPv4 CIDR",
    MR202 => "VPC prefix length outside /16../28",
    MR203 => "host bits set in a VPC CIDR",
    MR204 => "two regions' VPC CIDRs overlap (error with peering, warning without)",
    MR205 => "the VPC is too small for the subnet layout",
    MR206 => "the file gives VPC CIDRs for some regions but not for this one",
    MR301 => "Aurora instance class not supported for a global database",
    MR302 => "Aurora engine version does not support global databases or write forwarding",
    MR303 => "ElastiCache node type not supported by Global Datastore",
    MR304 => "ElastiCache engine version too old for Global Datastore",
    MR305 => "MSK brokers per region not a positive multiple of the AZs used",
    MR306 => "MSK storage per broker out of range",
    MR307 => "cross-region replication asked for with no secondary region (warning)",
    MR308 => "MSK replication on a cluster MSK Replicator cannot use",
    MR309 => "a secondary Aurora cluster with fewer than two instances has no standby after a promotion (warning)",
    MR310 => "an MSK replication target with less capacity than its source (warning)",
    MR401 => "EKS nodes: min > max, or desired outside [min, max]",
    MR402 => "EKS version not offered by AWS (warning while in extended support)",
    MR501 => "`health-check-interval` not 10 or 30",
    MR502 => "`health-check-failure-threshold` outside 1..10",
    MR503 => "the RTO cannot be met by health checks plus DNS TTL",
    MR504 => "RPO 0 promised over asynchronous replication (warning)",
    MR505 => "a failover record needs a secondary region",
    MR506 => "weighted record: weight outside 0..255 (error), all weights 0 (warning)",
    MR507 => "geolocation record without a default `*` location (warning)",
    MR508 => "unknown geolocation code",
    MR509 => "the recovery estimate (detection, DNS TTL, the slowest data store promotion, EKS scale-up) exceeds the RTO (warning)",
    MR510 => "a record Route 53 would refuse or that points at itself (a CNAME at the zone apex, a record named like an endpoint, an entry point outside the zone)",
    MR511 => "`multi-region.writer` is not one of the environment's regions",
    MR512 => "a region's certificate needs more than ACM's default 10 names (warning)",
    MR601 => "budget: soft cap not below hard cap, a threshold <= 0, or more than 5 thresholds",
    MR602 => "the monthly cost estimate exceeds the hard cap (error) or the soft cap (warning)",
    MR701 => "environment name or prefix unusable in file, stack and resource names",
    MR702 => "a generated resource name exceeds its AWS length limit",
    MR703 => "a tag key or value breaks AWS tag rules",
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A problem as a rule reports it: the key path it is about, before positions are known.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub severity: Severity,
    pub rule: RuleId,
    pub path: KeyPath,
    pub message: String,
    pub help: String,
}

impl Finding {
    pub fn error(rule: RuleId, path: KeyPath, message: impl Into<String>, help: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Error,
            rule,
            path,
            message: message.into(),
            help: help.into(),
        }
    }

    pub fn warning(rule: RuleId, path: KeyPath, message: impl Into<String>, help: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(rule, path, message, help)
        }
    }
}

/// Where a key or value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Src {
    File,
    CommandLine,
}

/// A position: line and column count characters from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub src: Src,
    pub line: usize,
    pub col: usize,
}

impl Pos {
    pub fn file(line: usize, col: usize) -> Self {
        Pos {
            src: Src::File,
            line,
            col,
        }
    }

    pub fn cli() -> Self {
        Pos {
            src: Src::CommandLine,
            line: 1,
            col: 1,
        }
    }
}
