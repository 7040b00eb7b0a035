//! The kinds of the `storage` layer: the buckets, their replication and replica keys, and shared parameters.

use crate::plan::values::{At, CliRead, Statement, V};

/// How a bucket's objects are encrypted by default.
#[derive(Clone, Debug, PartialEq)]
pub enum BucketEncryption {
    /// SSE-KMS with this key and an S3 Bucket Key (fewer KMS requests).
    Kms(V),
    /// SSE-S3 (what load balancer access log delivery needs).
    S3Managed,
}

/// An S3 bucket: versioned, encrypted, public access blocked, noncurrent versions expiring.
#[derive(Clone, Debug, PartialEq)]
pub struct Bucket {
    /// The bucket's name as checked against S3's limit: `<account-id>` (as long as an account
    /// id) stands for the account's id when the environment gives none.
    pub name: String,
    /// The name as created: a literal, or joined with the deploying account's id.
    pub bucket_name: V,
    pub encryption: BucketEncryption,
    pub noncurrent_version_days: i64,
    /// Server access logs go to this bucket (by name) under this prefix; `None` for the logs
    /// bucket itself.
    pub access_logs: Option<(V, String)>,
    pub replication: Option<BucketReplication>,
}

impl Bucket {
    /// The switch parameter that turns the bucket's replication on, where one does (off on a
    /// new stack's first pass, while its destinations do not exist yet).
    pub fn replication_switch(&self) -> Option<&str> {
        match self.replication.as_ref().map(|r| &r.enabled) {
            Some(V::Param(switch)) => Some(switch),
            _ => None,
        }
    }
}

/// A bucket's replication to buckets in other regions (every object, delete markers too).
#[derive(Clone, Debug, PartialEq)]
pub struct BucketReplication {
    pub role: V,
    pub rules: Vec<ReplicationRule>,
    /// On (`V::Bool(true)`), or a switch parameter that is off on the first pass of a new stack
    /// whose destinations are created later (two-way replication).
    pub enabled: V,
    /// The destination buckets, in other stacks: the configuration waits for them (Terraform's
    /// single module orders by this; the stacks are ordered by the manifest).
    pub destinations: Vec<At>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReplicationRule {
    /// Unique within the configuration (names the destination region).
    pub id: String,
    pub priority: i64,
    pub destination: V,
    /// The destination region's key for the replicas of KMS-encrypted objects.
    pub replica_key: Option<V>,
    /// Replicate changes to replicas' metadata back (two-way replication, active-active).
    pub replica_modifications: bool,
}

/// A bucket's resource policy.
#[derive(Clone, Debug, PartialEq)]
pub struct BucketPolicy {
    /// The bucket, by name (`Ref`).
    pub bucket: V,
    pub policy: Vec<Statement>,
}

/// A plain `String` parameter of Systems Manager Parameter Store (no secret: CloudFormation
/// cannot create a `SecureString`).
#[derive(Clone, Debug, PartialEq)]
pub struct SsmParameter {
    pub name: String,
    pub value: V,
    pub description: String,
    /// Where CloudFormation cannot give `value`: how `deploy.sh` reads it after the stack and
    /// writes the parameter itself (the resource is then Terraform's only).
    pub read_after_deploy: Option<CliRead>,
}

/// A replica, in another region, of a multi-Region primary key (`PrimaryKeyArn`, create-only).
#[derive(Clone, Debug, PartialEq)]
pub struct KmsReplicaKey {
    pub description: String,
    pub primary_key: V,
    pub policy: Vec<Statement>,
}
