//! The Redis OSS / Valkey layer's kinds in Terraform: subnet and parameter groups, the
//! replication group of each region, the Global Datastore and its AUTH token secret, and the
//! RBAC user and user group of single-region caches.

use super::super::hcl::code;
use super::super::templates as t;
use super::super::{resource_name, Cx};
use super::{arn_only, opt, replicas, Block, Common, ParameterGroupContext, Replica, SubnetGroupContext, TfKind};
use crate::plan::kinds::*;
use crate::plan::{Attr, Kind, Resource, Stack, V};
use crate::render::checkov::{INHERITED, ROTATION};
use minijinja::value::Value;
use serde::Serialize;

impl TfKind for CacheSubnetGroup {
    fn tf_type(&self) -> &'static str {
        "aws_elasticache_subnet_group"
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
        Block::new(t::CACHE_SUBNET_GROUP, &context)
    }
}

impl TfKind for CacheParameterGroup {
    fn tf_type(&self) -> &'static str {
        "aws_elasticache_parameter_group"
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
        Block::new(t::CACHE_PARAMETER_GROUP, &context)
    }
}

/// `replication_group.tf.j2`.
#[derive(Serialize)]
struct ReplicationGroupContext {
    #[serde(flatten)]
    common: Common,
    group_id: String,
    description: String,
    /// A secondary's global group: engine, version, node type and parameters come from it.
    global_group: Option<Value>,
    engine: String,
    engine_version: String,
    node_type: String,
    parameter_group: Option<Value>,
    kms_key: Value,
    /// Cache clusters: the primary node and its replicas.
    clusters: i64,
    /// Automatic failover and Multi-AZ, with at least one replica.
    failover: bool,
    subnet_group: Value,
    security_groups: Value,
    user_groups: Vec<Value>,
    /// The AUTH token, read from the Global Datastore's secret.
    auth_token: Option<Value>,
    snapshot_retention: i64,
    maintenance_window: String,
    final_snapshot: String,
    log_group: Value,
    /// Part of a global datastore: the version is managed through the global group once the
    /// datastore exists.
    in_global: bool,
}

impl TfKind for ReplicationGroup {
    fn tf_type(&self) -> &'static str {
        "aws_elasticache_replication_group"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        match a {
            Attr::Endpoint => Some("primary_endpoint_address"),
            other => arn_only(other),
        }
    }
    fn checkov_skips(&self) -> Vec<(&'static str, &'static str)> {
        if self.global_group.is_some() {
            vec![
                ("CKV_AWS_29", INHERITED),
                ("CKV_AWS_30", INHERITED),
                ("CKV_AWS_31", INHERITED),
            ]
        } else {
            Vec::new()
        }
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let auth_token = match &self.auth_secret {
            // The token, read back through the data source rendered beside the secret.
            Some(V::Ref(id)) => {
                let secret = cx.resource(stack, id)?;
                let Kind::CacheAuthSecret(_) = &secret.kind else {
                    return Err(format!(
                        "{}: the AUTH secret `{id}` is a {}, not a CacheAuthSecret",
                        stack.name,
                        secret.kind.name()
                    ));
                };
                Some(code(format!(
                    "jsondecode(data.aws_secretsmanager_secret_version.{}.secret_string)[\"token\"]",
                    resource_name(stack, &secret.id)
                )))
            }
            Some(other) => {
                return Err(format!(
                    "{}: the AUTH secret must be a resource of the stack, not {other:?}",
                    stack.name
                ))
            }
            None => None,
        };
        let context = ReplicationGroupContext {
            common: Common::new(cx, stack, r, self)?,
            group_id: self.id.clone(),
            description: format!("{}: Redis OSS / Valkey replication group", self.id),
            global_group: opt(cx, stack, self.global_group.as_ref())?,
            engine: self.engine.clone(),
            engine_version: self.engine_version.clone(),
            node_type: self.node_type.clone(),
            parameter_group: opt(cx, stack, self.parameter_group.as_ref())?,
            kms_key: cx.value(stack, &self.kms_key)?,
            clusters: 1 + self.replicas,
            failover: self.replicas > 0,
            subnet_group: cx.value(stack, &self.subnet_group)?,
            security_groups: cx.values(stack, &self.security_groups)?,
            user_groups: opt(cx, stack, self.user_group.as_ref())?.into_iter().collect(),
            auth_token,
            snapshot_retention: self.snapshot_retention_days,
            maintenance_window: self.maintenance_window.clone(),
            final_snapshot: format!("{}-final", self.id),
            log_group: cx.value(stack, &self.log_group)?,
            in_global: self.in_global,
        };
        Block::new(t::REPLICATION_GROUP, &context)
    }
}

/// `global_replication_group.tf.j2`.
#[derive(Serialize)]
struct GlobalReplicationGroupContext {
    #[serde(flatten)]
    common: Common,
    suffix: String,
    primary_group: Value,
    /// The primary group's version: engine upgrades of a Global Datastore go through the
    /// global group (AWS refuses them on its members).
    engine_version: String,
    description: String,
}

impl TfKind for GlobalReplicationGroup {
    fn tf_type(&self) -> &'static str {
        "aws_elasticache_global_replication_group"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        match a {
            Attr::GlobalReplicationGroupId => Some("global_replication_group_id"),
            other => arn_only(other),
        }
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = GlobalReplicationGroupContext {
            common: Common::new(cx, stack, r, self)?,
            suffix: self.suffix.clone(),
            primary_group: cx.value(stack, &self.primary_group)?,
            engine_version: self.engine_version.clone(),
            description: self.description.clone(),
        };
        Block::new(t::GLOBAL_REPLICATION_GROUP, &context)
    }
}

/// `cache_auth_secret.tf.j2`.
#[derive(Serialize)]
struct CacheAuthSecretContext {
    #[serde(flatten)]
    common: Common,
    secret_name: String,
    kms_key: Value,
    replicas: Vec<Replica>,
}

impl TfKind for CacheAuthSecret {
    fn tf_type(&self) -> &'static str {
        "aws_secretsmanager_secret"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn companions(&self) -> &'static [(&'static str, &'static str)] {
        &[
            (
                "aws_secretsmanager_secret_version",
                "writes the generated AUTH token into the secret, write-only",
            ),
            (
                "aws_secretsmanager_random_password",
                "generates the AUTH token (ephemeral)",
            ),
        ]
    }
    fn checkov_skips(&self) -> Vec<(&'static str, &'static str)> {
        vec![("CKV2_AWS_57", ROTATION)]
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = CacheAuthSecretContext {
            common: Common::new(cx, stack, r, self)?,
            secret_name: self.name.clone(),
            kms_key: cx.value(stack, &self.kms_key)?,
            replicas: replicas(cx, stack, &self.replica_regions)?,
        };
        Block::new(t::CACHE_AUTH_SECRET, &context)
    }
}

/// `cache_user.tf.j2`.
#[derive(Serialize)]
struct CacheUserContext {
    #[serde(flatten)]
    common: Common,
    user_id: String,
    user_name: String,
    engine: String,
    access: String,
    auth_type: String,
}

impl TfKind for CacheUser {
    fn tf_type(&self) -> &'static str {
        "aws_elasticache_user"
    }
    fn ref_attr(&self) -> &'static str {
        "user_id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = CacheUserContext {
            common: Common::new(cx, stack, r, self)?,
            user_id: self.id.clone(),
            user_name: self.name.clone(),
            engine: self.engine.clone(),
            access: self.access.clone(),
            // IAM authentication needs the user id to equal the user name; the other user (the
            // disabled `default`) has no password and no access.
            auth_type: if self.iam { "iam" } else { "no-password-required" }.to_string(),
        };
        Block::new(t::CACHE_USER, &context)
    }
}

/// `cache_user_group.tf.j2`.
#[derive(Serialize)]
struct CacheUserGroupContext {
    #[serde(flatten)]
    common: Common,
    group_id: String,
    engine: String,
    users: Value,
}

impl TfKind for CacheUserGroup {
    fn tf_type(&self) -> &'static str {
        "aws_elasticache_user_group"
    }
    fn ref_attr(&self) -> &'static str {
        "user_group_id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = CacheUserGroupContext {
            common: Common::new(cx, stack, r, self)?,
            group_id: self.id.clone(),
            engine: self.engine.clone(),
            users: cx.values(stack, &self.users)?,
        };
        Block::new(t::CACHE_USER_GROUP, &context)
    }
}
