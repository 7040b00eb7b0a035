//! The ElastiCache (Valkey/Redis OSS) caches as CloudFormation resources: subnet and parameter
//! groups, the replication group of each region, the Global Datastore with its AUTH token, and
//! the RBAC users of a single-region cache.

use super::{replica_regions_into, secret_field, CfnKind};
use crate::plan::kinds::*;
use crate::plan::Attr;
use crate::render::cfn::value::{plain, Ctx};
use crate::render::checkov;
use serde_json::{json, Map, Value};

impl CfnKind for CacheSubnetGroup {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::ElastiCache::SubnetGroup")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let CacheSubnetGroup { name, subnets } = self;
        json!({
            "CacheSubnetGroupName": name,
            "Description": format!("Private subnets of {name}"),
            "SubnetIds": ctx.v(subnets),
            "Tags": ctx.tags(Some(name)),
        })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

impl CfnKind for CacheParameterGroup {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::ElastiCache::ParameterGroup")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let CacheParameterGroup {
            name,
            family,
            parameters,
        } = self;
        let params: Map<String, Value> = parameters.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
        json!({
            "CacheParameterGroupFamily": family,
            "Description": format!("Parameters of {name}"),
            "Properties": params,
            "Tags": ctx.tags(Some(name)),
        })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

/// What a primary (or the only) group holds and the Global Datastore later copies. Single shard:
/// cluster mode stays disabled.
fn primary_settings(ctx: &Ctx, g: &ReplicationGroup, p: &mut Map<String, Value>) {
    p.insert("Engine".into(), json!(g.engine));
    p.insert("EngineVersion".into(), json!(g.engine_version));
    p.insert("CacheNodeType".into(), json!(g.node_type));
    if let Some(pg) = &g.parameter_group {
        p.insert("CacheParameterGroupName".into(), ctx.v(pg));
    }
    p.insert("AutomaticFailoverEnabled".into(), json!(g.replicas > 0));
    p.insert("AtRestEncryptionEnabled".into(), json!(true));
    p.insert("TransitEncryptionEnabled".into(), json!(true));
    p.insert("TransitEncryptionMode".into(), json!("required"));
    p.insert("AutoMinorVersionUpgrade".into(), json!(true));
    p.insert("Port".into(), json!(6379));
}

impl CfnKind for ReplicationGroup {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::ElastiCache::ReplicationGroup")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        // `primary` and `in_global` are Terraform's concern (here a secondary is a group with
        // `global_group`); engine version, node type and parameter group are `primary_settings`'.
        let ReplicationGroup {
            id,
            primary: _,
            engine,
            engine_version: _,
            node_type: _,
            replicas,
            subnet_group,
            security_groups,
            kms_key,
            parameter_group: _,
            user_group,
            auth_secret,
            global_group,
            in_global: _,
            snapshot_retention_days,
            maintenance_window,
            log_group,
        } = self;
        let mut p = Map::new();
        p.insert("ReplicationGroupId".into(), json!(id));
        p.insert("ReplicationGroupDescription".into(), json!(format!("{id} ({engine})")));
        p.insert("CacheSubnetGroupName".into(), ctx.v(subnet_group));
        p.insert("SecurityGroupIds".into(), ctx.list(security_groups));
        p.insert("KmsKeyId".into(), ctx.v(kms_key));
        p.insert("MultiAZEnabled".into(), json!(*replicas > 0));
        // Every member's size is its nodes, the primary node and its replicas: AWS changes that
        // in place, while `ReplicasPerNodeGroup` is create-only (CloudFormation's resource schema
        // for `AWS::ElastiCache::ReplicationGroup`), so a replica more would have replaced the
        // named group, which CloudFormation refuses.
        // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticache-replicationgroup.html
        p.insert("NumCacheClusters".into(), json!(1 + replicas));
        p.insert("SnapshotRetentionLimit".into(), json!(snapshot_retention_days));
        p.insert("PreferredMaintenanceWindow".into(), json!(maintenance_window));
        p.insert(
            "LogDeliveryConfigurations".into(),
            json!([{
                "LogType": "slow-log",
                "LogFormat": "json",
                "DestinationType": "cloudwatch-logs",
                "DestinationDetails": { "CloudWatchLogsDetails": { "LogGroup": ctx.v(log_group) } },
            }]),
        );
        match global_group {
            None => primary_settings(ctx, self, &mut p),
            Some(g) => {
                // A secondary joins the Global Datastore and inherits engine, version, node type,
                // parameter group, shard count, failover and the encryption flags from it; AWS
                // refuses the create call when any of them is repeated ("InvalidParameterCombination:
                // Cannot use the given parameters when creating new replication group in an
                // existing global replication group"). Only its own size (NumCacheClusters),
                // network and the region's KMS key are given. The Terraform provider draws the
                // same line:
                // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/elasticache_replication_group#global_replication_group_id
                // https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Redis-Global-Datastores-Getting-Started.html
                p.insert("GlobalReplicationGroupId".into(), ctx.v(g));
            }
        }
        // Access control, as the plan decides it: an IAM-authenticated RBAC user group on a
        // single-region cache; on a Global Datastore's primary an AUTH token read from Secrets
        // Manager by dynamic reference (AWS lists AUTH, not RBAC, among the security features a
        // global datastore supports), which the secondaries inherit.
        // https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Redis-Global-Datastores-Getting-Started.html
        if let Some(ug) = user_group {
            p.insert("UserGroupIds".into(), json!([ctx.v(ug)]));
        }
        if let Some(secret) = auth_secret {
            p.insert("AuthToken".into(), secret_field(ctx, secret, "token"));
        }
        p.insert("Tags".into(), ctx.tags(Some(id)));
        Value::Object(p)
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        match a {
            Attr::Endpoint => Some("PrimaryEndPoint.Address"),
            other => plain(other),
        }
    }

    fn checkov_skips(&self) -> Vec<(&'static str, &'static str)> {
        if self.global_group.is_none() {
            return Vec::new();
        }
        vec![
            ("CKV_AWS_29", checkov::INHERITED),
            ("CKV_AWS_30", checkov::INHERITED),
            ("CKV_AWS_31", checkov::INHERITED),
        ]
    }
}

impl CfnKind for GlobalReplicationGroup {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::ElastiCache::GlobalReplicationGroup")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        // No `EngineVersion`: a new global group takes its primary member's.
        let GlobalReplicationGroup {
            suffix,
            primary_group,
            engine_version: _,
            description,
        } = self;
        json!({
            "GlobalReplicationGroupIdSuffix": suffix,
            "GlobalReplicationGroupDescription": description,
            "Members": [{
                "ReplicationGroupId": ctx.v(primary_group),
                "ReplicationGroupRegion": { "Ref": "AWS::Region" },
                "Role": "PRIMARY",
            }],
        })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        match a {
            Attr::Arn => Some("Arn"),
            Attr::GlobalReplicationGroupId => Some("GlobalReplicationGroupId"),
            other => plain(other),
        }
    }
}

impl CfnKind for CacheAuthSecret {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::SecretsManager::Secret")
    }

    /// The AUTH token of a Global Datastore, generated here and replicated to the secondaries.
    fn properties(&self, ctx: &Ctx) -> Value {
        let CacheAuthSecret {
            name,
            kms_key,
            replica_regions,
        } = self;
        let mut p = Map::new();
        p.insert("Name".into(), json!(name));
        p.insert(
            "Description".into(),
            json!("ElastiCache AUTH token of the Global Datastore: generated here, never in a template"),
        );
        p.insert("KmsKeyId".into(), ctx.v(kms_key));
        p.insert(
            "GenerateSecretString".into(),
            json!({
                "SecretStringTemplate": "{}",
                "GenerateStringKey": "token",
                // AUTH tokens are 16 to 128 printable characters without `@`, `"` or `/`.
                "PasswordLength": 64,
                "ExcludePunctuation": true,
            }),
        );
        replica_regions_into(ctx, replica_regions, &mut p);
        p.insert("Tags".into(), ctx.tags(Some(name)));
        Value::Object(p)
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        match a {
            // `Ref` of a secret is its ARN.
            Attr::Arn => None,
            other => plain(other),
        }
    }
}

impl CfnKind for CacheUser {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::ElastiCache::User")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let CacheUser {
            id,
            name,
            engine,
            access,
            iam,
        } = self;
        // No passwords anywhere: the application user authenticates with IAM (AWS requires its
        // user id and name to be equal); the disabled `default` user needs none.
        json!({
            "UserId": id,
            "UserName": name,
            "Engine": engine,
            "AccessString": access,
            "AuthenticationMode": { "Type": if *iam { "iam" } else { "no-password-required" } },
            "Tags": ctx.tags(Some(id)),
        })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

impl CfnKind for CacheUserGroup {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::ElastiCache::UserGroup")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let CacheUserGroup { id, engine, users } = self;
        json!({
            "UserGroupId": id,
            "Engine": engine,
            "UserIds": ctx.list(users),
            "Tags": ctx.tags(Some(id)),
        })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}
