//! The kinds of the `redis` layer: ElastiCache Global Datastore.

use crate::plan::values::V;

#[derive(Clone, Debug, PartialEq)]
pub struct CacheSubnetGroup {
    pub name: String,
    pub subnets: V,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CacheParameterGroup {
    pub name: String,
    pub family: String,
    pub parameters: Vec<(String, String)>,
}

/// The replication group of one region; a secondary names the global group and inherits
/// engine, version, node type and parameters from it.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicationGroup {
    pub id: String,
    pub primary: bool,
    pub engine: String,
    pub engine_version: String,
    pub node_type: String,
    pub replicas: i64,
    pub subnet_group: V,
    pub security_groups: Vec<V>,
    pub kms_key: V,
    pub parameter_group: Option<V>,
    /// RBAC with IAM authentication (single-region caches).
    pub user_group: Option<V>,
    /// AUTH token read from this secret by reference (Global Datastore members: AWS lists
    /// AUTH, not RBAC, among the security features a global datastore supports).
    pub auth_secret: Option<V>,
    pub global_group: Option<V>,
    /// Part of a global datastore (as its primary or a secondary): the engine version is the
    /// global group's to change.
    pub in_global: bool,
    pub snapshot_retention_days: i64,
    pub maintenance_window: String,
    pub log_group: V,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GlobalReplicationGroup {
    pub suffix: String,
    pub primary_group: V,
    /// The primary group's version: upgrades of a Global Datastore go through the global group.
    pub engine_version: String,
    pub description: String,
}

/// The AUTH token of a Global Datastore: generated into Secrets Manager, replicated to the
/// secondaries, read by reference (Terraform must keep it in state: its auth_token argument
/// is not write-only).
#[derive(Clone, Debug, PartialEq)]
pub struct CacheAuthSecret {
    pub name: String,
    pub kms_key: V,
    pub replica_regions: Vec<(String, V)>,
}

/// An RBAC user: IAM-authenticated, or switched off (`iam: false`: the `default` user,
/// disabled). `engine` is `redis`, which Valkey caches accept for RBAC objects.
#[derive(Clone, Debug, PartialEq)]
pub struct CacheUser {
    pub id: String,
    pub name: String,
    pub engine: String,
    pub access: String,
    pub iam: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CacheUserGroup {
    pub id: String,
    pub engine: String,
    pub users: Vec<V>,
}
