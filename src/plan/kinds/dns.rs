//! The kinds of the `dns` layer: Route 53 health checks and records.

use crate::plan::values::{HostedZone, RecordSpec};

#[derive(Clone, Debug, PartialEq)]
pub struct HealthCheck {
    pub name: String,
    pub fqdn: String,
    pub port: i64,
    pub path: String,
    pub https: bool,
    pub interval: i64,
    pub threshold: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RecordSet {
    pub zone: HostedZone,
    pub spec: RecordSpec,
}
