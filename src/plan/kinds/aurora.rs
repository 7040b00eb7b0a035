//! The kinds of the `aurora` layer: Aurora Global Database.

use crate::plan::values::{Elsewhere, V};

/// The master password: generated into Secrets Manager, replicated to the secondaries.
#[derive(Clone, Debug, PartialEq)]
pub struct DbSecret {
    pub name: String,
    pub kms_key: V,
    pub replica_regions: Vec<(String, V)>,
    pub username: String,
    /// The id of the generated password resource beside it (Terraform only).
    pub password: Option<String>,
}

/// Terraform only: the ephemeral password value written once into the secret (never in state).
#[derive(Clone, Debug, PartialEq)]
pub struct DbPasswordEphemeral;

#[derive(Clone, Debug, PartialEq)]
pub struct DbSubnetGroup {
    pub name: String,
    pub subnets: V,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DbClusterParameterGroup {
    pub name: String,
    pub family: String,
    pub parameters: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GlobalCluster {
    pub id: String,
    pub engine: String,
    pub engine_version: String,
    /// A switch, `V::Bool` or a parameter holding `true`/`false`.
    pub deletion_protection: V,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DbCluster {
    pub id: String,
    /// The global cluster this cluster belongs to (in the primary's stack).
    pub global_cluster: Option<Elsewhere>,
    pub engine: String,
    pub engine_version: String,
    pub primary: bool,
    /// Primary only: the secret that holds the master credentials.
    pub secret: Option<V>,
    pub database_name: Option<String>,
    pub subnet_group: V,
    pub security_groups: Vec<V>,
    pub kms_key: V,
    pub parameter_group: V,
    pub backup_retention_days: i64,
    pub write_forwarding: bool,
    pub source_region: Option<String>,
    /// A switch, `V::Bool` or a parameter holding `true`/`false`.
    pub deletion_protection: V,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DbInstance {
    pub id: String,
    pub engine: String,
    pub cluster: V,
    pub class: String,
    pub performance_insights: bool,
    pub kms_key: V,
    pub monitoring_role: V,
}
