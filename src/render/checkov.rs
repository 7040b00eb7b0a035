//! The checkov findings mrgen's output leaves on purpose: the reasons, in one place for both
//! backends. Each is a false positive for the resource it is on, with the reason a reviewer
//! reads in the output (CloudFormation `Metadata.checkov.skip`, Terraform
//! `#checkov:skip=ID:reason`). Which resource carries which suppression is the backend's to say:
//! the Terraform backend's `TfKind::checkov_skips` of each kind (checkov's CloudFormation checks
//! do not flag what its Terraform checks flag on backups and rotation, so those are Terraform's
//! only). The README's table lists every id the output carries (a test checks it). Never a way
//! to silence a real gap.

#[allow(unused_imports)]
use crate::plan::kinds::*;
use crate::plan::Kind;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    CloudFormation,
    Terraform,
}

pub(crate) const INHERITED: &str = "A Global Datastore secondary inherits encryption at rest, TLS and AUTH from the primary; AWS refuses the create call when they are restated";
pub(crate) const BACKUP: &str = "Aurora keeps automated backups for backup-retention-days, takes a final snapshot and has deletion protection; an AWS Backup plan is an organisation-wide choice mrgen leaves to its users";
pub(crate) const ROTATION: &str = "Rotation needs a Lambda mrgen does not deploy, and RDS-managed rotation (ManageMasterUserPassword) is refused on Global Database members; rotate through your own runbook";

/// The Terraform `aws_availability_zones` data sources (not a plan resource).
pub const AZ_DATA_SOURCE: (&str, &str) = (
    "CKV_AWS_394",
    "mrgen takes the account's first zones at deploy time as the spec requires: zone names differ per account, so pinning them would break new accounts; created subnets keep their zone",
);

/// The suppressions of one plan resource in one backend. Terraform's are its kinds' own
/// (`render::tf::checkov_skips`); CloudFormation's are listed here until that backend holds
/// them per kind too.
pub fn skips(kind: &Kind, backend: Backend) -> Vec<(&'static str, &'static str)> {
    match backend {
        Backend::Terraform => crate::render::tf::checkov_skips(kind),
        Backend::CloudFormation => match kind {
            Kind::ReplicationGroup(ReplicationGroup {
                global_group: Some(_), ..
            }) => vec![
                ("CKV_AWS_29", INHERITED),
                ("CKV_AWS_30", INHERITED),
                ("CKV_AWS_31", INHERITED),
            ],
            _ => Vec::new(),
        },
    }
}
