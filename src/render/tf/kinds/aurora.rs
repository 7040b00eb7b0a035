//! The Aurora layer's kinds in Terraform: the master credentials' secret and the ephemeral
//! password written into it (never in state), subnet and parameter groups, the global cluster,
//! the regional clusters and their instances.

use super::super::hcl::code;
use super::super::templates as t;
use super::super::Cx;
use super::{arn_only, replicas, switch, Block, Common, ParameterGroupContext, Replica, SubnetGroupContext, TfKind};
use crate::plan::kinds::*;
use crate::plan::{Attr, Kind, Resource, Stack};
use crate::render::checkov::{BACKUP, ROTATION};
use minijinja::value::Value;
use serde::Serialize;

/// `db_secret.tf.j2`.
#[derive(Serialize)]
struct DbSecretContext {
    #[serde(flatten)]
    common: Common,
    secret_name: String,
    kms_key: Value,
    replicas: Vec<Replica>,
    username: String,
    /// The generated password (see [`DbSecret::password_value`]).
    password: Value,
}

impl DbSecret {
    /// The ephemeral password generated beside the secret, as a value written write-only.
    fn password_value<'a>(&self, cx: &Cx<'a>, stack: &'a Stack) -> Result<Value, String> {
        let password = self
            .password
            .as_deref()
            .ok_or_else(|| format!("{}: a DbSecret needs a generated password in Terraform", stack.name))?;
        let address = cx.address(stack, cx.resource(stack, password)?);
        Ok(code(format!("{address}.random_password")))
    }

    /// The password as the secret holds it, read back ephemerally: what a cluster is given, so
    /// that a cluster created later (or re-created) gets the secret's password, not a new one.
    fn stored_password(stack: &Stack, secret: &Resource) -> Value {
        let name = super::super::resource_name(stack, &secret.id);
        code(format!(
            "jsondecode(ephemeral.aws_secretsmanager_secret_version.{name}.secret_string)[\"password\"]"
        ))
    }
}

impl TfKind for DbSecret {
    fn tf_type(&self) -> &'static str {
        "aws_secretsmanager_secret"
    }
    fn ref_attr(&self) -> &'static str {
        "arn"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn companions(&self) -> &'static [(&'static str, &'static str)] {
        &[(
            "aws_secretsmanager_secret_version",
            "writes the generated password into the secret, write-only; read back ephemerally for the cluster",
        )]
    }
    /// The secret holds the password only once its version is written.
    fn ready_after(&self, name: &str) -> Vec<String> {
        vec![format!("aws_secretsmanager_secret_version.{name}")]
    }
    fn checkov_skips(&self) -> Vec<(&'static str, &'static str)> {
        vec![("CKV2_AWS_57", ROTATION)]
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = DbSecretContext {
            common: Common::new(cx, stack, r, self)?,
            secret_name: self.name.clone(),
            kms_key: cx.value(stack, &self.kms_key)?,
            replicas: replicas(cx, stack, &self.replica_regions)?,
            username: self.username.clone(),
            password: self.password_value(cx, stack)?,
        };
        Block::new(t::DB_SECRET, &context)
    }
}

/// `db_password.tf.j2`: its name and provider only.
#[derive(Serialize)]
struct DbPasswordContext {
    #[serde(flatten)]
    common: Common,
}

impl TfKind for DbPasswordEphemeral {
    fn tf_type(&self) -> &'static str {
        "aws_secretsmanager_random_password"
    }
    fn ephemeral(&self) -> bool {
        true
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = DbPasswordContext {
            common: Common::new(cx, stack, r, self)?,
        };
        Block::new(t::DB_PASSWORD, &context)
    }
}

impl TfKind for DbSubnetGroup {
    fn tf_type(&self) -> &'static str {
        "aws_db_subnet_group"
    }
    fn ref_attr(&self) -> &'static str {
        "name"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = SubnetGroupContext {
            common: Common::new(cx, stack, r, self)?,
            group_name: self.name.clone(),
            subnets: cx.value(stack, &self.subnets)?,
        };
        Block::new(t::DB_SUBNET_GROUP, &context)
    }
}

impl TfKind for DbClusterParameterGroup {
    fn tf_type(&self) -> &'static str {
        "aws_rds_cluster_parameter_group"
    }
    fn ref_attr(&self) -> &'static str {
        "name"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let common = Common::new(cx, stack, r, self)?;
        let context = ParameterGroupContext::new(common, &self.name, &self.family, &self.parameters);
        Block::new(t::DB_CLUSTER_PARAMETER_GROUP, &context)
    }
}

/// `global_cluster.tf.j2`.
#[derive(Serialize)]
struct GlobalClusterContext {
    #[serde(flatten)]
    common: Common,
    identifier: String,
    engine: String,
    engine_version: String,
    deletion_protection: bool,
}

impl TfKind for GlobalCluster {
    fn tf_type(&self) -> &'static str {
        "aws_rds_global_cluster"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        match a {
            // The global writer endpoint, which follows a switchover.
            Attr::Endpoint => Some("endpoint"),
            Attr::Arn
            | Attr::GroupId
            | Attr::AllocationId
            | Attr::GlobalReplicationGroupId
            | Attr::ReaderEndpoint
            | Attr::ClusterResourceId
            | Attr::ClusterSecurityGroupId
            | Attr::HealthCheckId
            | Attr::DnsName
            | Attr::CanonicalHostedZoneId
            | Attr::BootstrapBrokers
            | Attr::LoadBalancerFullName => arn_only(a),
        }
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = GlobalClusterContext {
            common: Common::new(cx, stack, r, self)?,
            identifier: self.id.clone(),
            engine: self.engine.clone(),
            engine_version: self.engine_version.clone(),
            deletion_protection: switch(stack, &self.deletion_protection)?,
        };
        Block::new(t::GLOBAL_CLUSTER, &context)
    }
}

/// `db_cluster.tf.j2`.
#[derive(Serialize)]
struct DbClusterContext {
    #[serde(flatten)]
    common: Common,
    identifier: String,
    primary: bool,
    engine: String,
    engine_version: String,
    /// The global cluster's id, when the cluster belongs to one.
    global: Option<Value>,
    database_name: Option<String>,
    /// The primary's master user: the secret's user name, and the generated password written
    /// once (write-only: never in a literal, never in state).
    master_username: Option<String>,
    master_password: Option<Value>,
    subnet_group: Value,
    security_groups: Value,
    kms_key: Value,
    parameter_group: Value,
    backup_retention: i64,
    write_forwarding: bool,
    source_region: Option<String>,
    final_snapshot: String,
    deletion_protection: bool,
}

impl TfKind for DbCluster {
    fn tf_type(&self) -> &'static str {
        "aws_rds_cluster"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        match a {
            Attr::Endpoint => Some("endpoint"),
            Attr::ReaderEndpoint => Some("reader_endpoint"),
            Attr::ClusterResourceId => Some("cluster_resource_id"),
            other => arn_only(other),
        }
    }
    fn checkov_skips(&self) -> Vec<(&'static str, &'static str)> {
        vec![("CKV2_AWS_8", BACKUP)]
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let mut common = Common::new(cx, stack, r, self)?;
        let global = match &self.global_cluster {
            Some(g) => Some(cx.elsewhere_attr(&g.at, "id")?),
            None => None,
        };
        let (mut master_username, mut master_password) = (None, None);
        if let Some(secret) = &self.secret {
            let (s, sr) = cx
                .target(stack, secret)
                .ok_or_else(|| format!("{}: the cluster's secret is not a resource", stack.name))?;
            let Kind::DbSecret(db_secret) = &sr.kind else {
                return Err(format!(
                    "{}: the cluster's secret is a {}, not a DbSecret",
                    stack.name,
                    sr.kind.name()
                ));
            };
            master_username = Some(db_secret.username.clone());
            db_secret.password_value(cx, s)?;
            master_password = Some(DbSecret::stored_password(s, sr));
            common.ready_after(cx, stack, secret);
        }
        let context = DbClusterContext {
            common,
            identifier: self.id.clone(),
            primary: self.primary,
            engine: self.engine.clone(),
            engine_version: self.engine_version.clone(),
            global,
            database_name: self.database_name.clone(),
            master_username,
            master_password,
            subnet_group: cx.value(stack, &self.subnet_group)?,
            security_groups: cx.values(stack, &self.security_groups)?,
            kms_key: cx.value(stack, &self.kms_key)?,
            parameter_group: cx.value(stack, &self.parameter_group)?,
            backup_retention: self.backup_retention_days,
            write_forwarding: self.write_forwarding,
            source_region: self.source_region.clone(),
            final_snapshot: format!("{}-final", self.id),
            deletion_protection: switch(stack, &self.deletion_protection)?,
        };
        Block::new(t::DB_CLUSTER, &context)
    }
}

/// `db_instance.tf.j2`.
#[derive(Serialize)]
struct DbInstanceContext {
    #[serde(flatten)]
    common: Common,
    identifier: String,
    cluster: Value,
    engine: String,
    class: String,
    monitoring_role: Value,
    performance_insights: bool,
    kms_key: Value,
}

impl TfKind for DbInstance {
    fn tf_type(&self) -> &'static str {
        "aws_rds_cluster_instance"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let mut common = Common::new(cx, stack, r, self)?;
        common.ready_after(cx, stack, &self.monitoring_role);
        let context = DbInstanceContext {
            common,
            identifier: self.id.clone(),
            cluster: cx.value(stack, &self.cluster)?,
            engine: self.engine.clone(),
            class: self.class.clone(),
            monitoring_role: cx.value(stack, &self.monitoring_role)?,
            performance_insights: self.performance_insights,
            kms_key: cx.value(stack, &self.kms_key)?,
        };
        Block::new(t::DB_INSTANCE, &context)
    }
}
