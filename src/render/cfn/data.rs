//! The data stores: Aurora PostgreSQL Global Database, the ElastiCache Global Datastore and MSK
//! with MSK Replicator. Secure by default with no switch (SPEC section 5): encrypted with the
//! region's KMS key, TLS in transit, private, deletion protection where the service has it, logs on.

use super::value::Ctx;
#[allow(unused_imports)]
use crate::plan::kinds::*;
use crate::plan::{Kind, Resource, Statement, V};
use serde_json::{json, Map, Value};

pub(super) fn db_secret(ctx: &Ctx, name: &str, kms_key: &V, replica_regions: &[(String, V)], username: &str) -> Value {
    // The username is built as JSON by serde_json, so any text stays a JSON string inside it.
    let template = json!({ "username": username }).to_string();
    let mut p = Map::new();
    p.insert("Name".into(), json!(name));
    p.insert(
        "Description".into(),
        json!("Aurora master credentials: the password is generated here and never appears in a template"),
    );
    p.insert("KmsKeyId".into(), ctx.v(kms_key));
    p.insert(
        "GenerateSecretString".into(),
        json!({
            "SecretStringTemplate": template,
            "GenerateStringKey": "password",
            "PasswordLength": 32,
            // RDS refuses `/`, `"`, `@` and spaces in master passwords; quotes and backslashes
            // are left out too so the value is safe to paste into a shell or a URL.
            "ExcludeCharacters": "\"@/\\'` ",
        }),
    );
    replica_regions_into(ctx, replica_regions, &mut p);
    p.insert("Tags".into(), ctx.tags(Some(name)));
    Value::Object(p)
}

pub(super) fn db_subnet_group(ctx: &Ctx, name: &str, subnets: &V) -> Value {
    json!({
        "DBSubnetGroupName": name,
        "DBSubnetGroupDescription": format!("Private subnets of {name}"),
        "SubnetIds": ctx.v(subnets),
        "Tags": ctx.tags(Some(name)),
    })
}

pub(super) fn db_cluster_parameter_group(
    ctx: &Ctx,
    name: &str,
    family: &str,
    parameters: &[(String, String)],
) -> Value {
    let params: Map<String, Value> = parameters.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    json!({
        "DBClusterParameterGroupName": name,
        "Description": format!("Cluster parameters of {name}"),
        "Family": family,
        "Parameters": params,
        "Tags": ctx.tags(Some(name)),
    })
}

pub(super) fn global_cluster(ctx: &Ctx, id: &str, engine: &str, engine_version: &str) -> Value {
    json!({
        "GlobalClusterIdentifier": id,
        "Engine": engine,
        "EngineVersion": engine_version,
        "StorageEncrypted": true,
        "DeletionProtection": true,
        "Tags": ctx.tags(Some(id)),
    })
}

/// The master username a cluster's secret holds: the literal from the secret resource of the same
/// stack, else read through a dynamic reference as well.
fn master_username(ctx: &Ctx, secret: &V) -> Value {
    if let V::Ref(id) = secret {
        if let Some(Resource {
            kind: Kind::DbSecret(DbSecret { username, .. }),
            ..
        }) = ctx.stack.resource(id)
        {
            return json!(username);
        }
    }
    secret_field(ctx, secret, "username")
}

/// `{{resolve:secretsmanager:<secret ARN>:SecretString:<field>}}`, built with `Fn::Join` (the ARN
/// is only known at deploy time; no `Fn::Sub`, so no text is ever interpolated).
fn secret_field(ctx: &Ctx, secret: &V, field: &str) -> Value {
    json!({ "Fn::Join": ["", [
        "{{resolve:secretsmanager:",
        ctx.v(secret),
        format!(":SecretString:{field}}}}}"),
    ]]})
}

pub(super) fn db_cluster(ctx: &Ctx, kind: &Kind) -> Value {
    let Kind::DbCluster(DbCluster {
        id,
        global_cluster,
        engine,
        engine_version,
        primary,
        secret,
        database_name,
        subnet_group,
        security_groups,
        kms_key,
        parameter_group,
        backup_retention_days,
        write_forwarding,
        source_region,
    }) = kind
    else {
        return Value::Null;
    };
    let mut p = Map::new();
    p.insert("DBClusterIdentifier".into(), json!(id));
    p.insert("Engine".into(), json!(engine));
    p.insert("EngineVersion".into(), json!(engine_version));
    if let Some(g) = global_cluster {
        p.insert("GlobalClusterIdentifier".into(), json!(g.name));
    }
    p.insert("DBSubnetGroupName".into(), ctx.v(subnet_group));
    p.insert("VpcSecurityGroupIds".into(), ctx.list(security_groups));
    p.insert("DBClusterParameterGroupName".into(), ctx.v(parameter_group));
    p.insert("StorageEncrypted".into(), json!(true));
    p.insert("KmsKeyId".into(), ctx.v(kms_key));
    p.insert("BackupRetentionPeriod".into(), json!(backup_retention_days));
    p.insert("DeletionProtection".into(), json!(true));
    p.insert("EnableCloudwatchLogsExports".into(), json!(["postgresql"]));
    p.insert("EnableIAMDatabaseAuthentication".into(), json!(true));
    p.insert("CopyTagsToSnapshot".into(), json!(true));
    p.insert("Port".into(), json!(5432));
    if *primary {
        // The master password is generated into Secrets Manager and reached by a dynamic
        // reference: it is in no template, parameter or output. (`ManageMasterUserPassword` is
        // refused on global database members, SPEC section 5.)
        if let Some(secret) = secret {
            p.insert("MasterUsername".into(), master_username(ctx, secret));
            p.insert("MasterUserPassword".into(), secret_field(ctx, secret, "password"));
        }
        if let Some(db) = database_name {
            p.insert("DatabaseName".into(), json!(db));
        }
    } else {
        // A secondary takes its credentials and databases from the global cluster: it gets no
        // master user and no database name.
        if let Some(r) = source_region {
            p.insert("SourceRegion".into(), json!(r));
        }
        if *write_forwarding {
            p.insert("EnableGlobalWriteForwarding".into(), json!(true));
        }
    }
    p.insert("Tags".into(), ctx.tags(Some(id)));
    Value::Object(p)
}

pub(super) fn db_instance(
    ctx: &Ctx,
    (id, engine): (&str, &str),
    cluster: &V,
    class: &str,
    performance_insights: bool,
    kms_key: &V,
    monitoring_role: &V,
) -> Value {
    let mut p = Map::new();
    p.insert("DBInstanceIdentifier".into(), json!(id));
    p.insert("DBClusterIdentifier".into(), ctx.v(cluster));
    p.insert("Engine".into(), json!(engine));
    p.insert("DBInstanceClass".into(), json!(class));
    p.insert("PubliclyAccessible".into(), json!(false));
    p.insert("AutoMinorVersionUpgrade".into(), json!(true));
    p.insert("EnablePerformanceInsights".into(), json!(performance_insights));
    if performance_insights {
        p.insert("PerformanceInsightsKMSKeyId".into(), ctx.v(kms_key));
        p.insert("PerformanceInsightsRetentionPeriod".into(), json!(7));
    }
    p.insert("MonitoringInterval".into(), json!(60));
    p.insert("MonitoringRoleArn".into(), ctx.v(monitoring_role));
    p.insert("Tags".into(), ctx.tags(Some(id)));
    Value::Object(p)
}

pub(super) fn cache_subnet_group(ctx: &Ctx, name: &str, subnets: &V) -> Value {
    json!({
        "CacheSubnetGroupName": name,
        "Description": format!("Private subnets of {name}"),
        "SubnetIds": ctx.v(subnets),
        "Tags": ctx.tags(Some(name)),
    })
}

pub(super) fn cache_parameter_group(ctx: &Ctx, name: &str, family: &str, parameters: &[(String, String)]) -> Value {
    let params: Map<String, Value> = parameters.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    json!({
        "CacheParameterGroupFamily": family,
        "Description": format!("Parameters of {name}"),
        "Properties": params,
        "Tags": ctx.tags(Some(name)),
    })
}

pub(super) fn replication_group(ctx: &Ctx, kind: &Kind) -> Value {
    let Kind::ReplicationGroup(ReplicationGroup {
        id,
        primary: _,
        engine,
        engine_version,
        node_type,
        replicas,
        subnet_group,
        security_groups,
        kms_key,
        parameter_group,
        user_group,
        auth_secret,
        global_group,
        in_global: _,
        snapshot_retention_days,
        maintenance_window,
        log_group,
    }) = kind
    else {
        return Value::Null;
    };
    let failover = *replicas > 0;
    let mut p = Map::new();
    p.insert("ReplicationGroupId".into(), json!(id));
    p.insert("ReplicationGroupDescription".into(), json!(format!("{id} ({engine})")));
    p.insert("CacheSubnetGroupName".into(), ctx.v(subnet_group));
    p.insert("SecurityGroupIds".into(), ctx.list(security_groups));
    p.insert("KmsKeyId".into(), ctx.v(kms_key));
    p.insert("MultiAZEnabled".into(), json!(failover));
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
        None => {
            // A primary (or the only) group holds everything the Global Datastore later copies.
            // Single shard: cluster mode stays disabled, so one node group with its replicas.
            p.insert("Engine".into(), json!(engine));
            p.insert("EngineVersion".into(), json!(engine_version));
            p.insert("CacheNodeType".into(), json!(node_type));
            if let Some(pg) = parameter_group {
                p.insert("CacheParameterGroupName".into(), ctx.v(pg));
            }
            p.insert("NumNodeGroups".into(), json!(1));
            p.insert("ReplicasPerNodeGroup".into(), json!(replicas));
            p.insert("AutomaticFailoverEnabled".into(), json!(failover));
            p.insert("AtRestEncryptionEnabled".into(), json!(true));
            p.insert("TransitEncryptionEnabled".into(), json!(true));
            p.insert("TransitEncryptionMode".into(), json!("required"));
            p.insert("AutoMinorVersionUpgrade".into(), json!(true));
            p.insert("Port".into(), json!(6379));
        }
        Some(g) => {
            // A secondary joins the Global Datastore and inherits engine, version, node type,
            // parameter group, shard count, failover and the encryption flags from it; AWS refuses
            // the create call when any of them is repeated ("InvalidParameterCombination: Cannot
            // use the given parameters when creating new replication group in an existing global
            // replication group"). Only its own size (NumCacheClusters), network and the
            // region's KMS key are given. The Terraform provider draws the same line:
            // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/elasticache_replication_group#global_replication_group_id
            // https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Redis-Global-Datastores-Getting-Started.html
            p.insert("GlobalReplicationGroupId".into(), ctx.v(g));
            p.insert("NumCacheClusters".into(), json!(1 + replicas));
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
        p.insert(
            "AuthToken".into(),
            json!({ "Fn::Join": ["", ["{{resolve:secretsmanager:", ctx.v(secret), ":SecretString:token}}"]] }),
        );
    }
    p.insert("Tags".into(), ctx.tags(Some(id)));
    Value::Object(p)
}

pub(super) fn global_replication_group(ctx: &Ctx, suffix: &str, primary_group: &V, description: &str) -> Value {
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

pub(super) fn cache_user(ctx: &Ctx, id: &str, name: &str, engine: &str, access: &str, iam: bool) -> Value {
    // No passwords anywhere: the application user authenticates with IAM (AWS requires its user
    // id and name to be equal); the disabled `default` user needs none.
    json!({
        "UserId": id,
        "UserName": name,
        "Engine": engine,
        "AccessString": access,
        "AuthenticationMode": { "Type": if iam { "iam" } else { "no-password-required" } },
        "Tags": ctx.tags(Some(id)),
    })
}

/// The AUTH token of a Global Datastore, generated here and replicated to the secondaries.
pub(super) fn cache_auth_secret(ctx: &Ctx, name: &str, kms_key: &V, replica_regions: &[(String, V)]) -> Value {
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

pub(super) fn cache_user_group(ctx: &Ctx, id: &str, engine: &str, users: &[V]) -> Value {
    json!({
        "UserGroupId": id,
        "Engine": engine,
        "UserIds": ctx.list(users),
        "Tags": ctx.tags(Some(id)),
    })
}

pub(super) fn msk_cluster(ctx: &Ctx, kind: &Kind) -> Value {
    let Kind::MskCluster(MskCluster {
        name,
        kafka_version,
        broker_type,
        brokers,
        storage_gib,
        subnets,
        security_groups,
        kms_key,
        log_group,
        multi_vpc,
    }) = kind
    else {
        return Value::Null;
    };
    let iam = json!({ "Sasl": { "Iam": { "Enabled": true } } });
    let mut broker = Map::new();
    broker.insert("InstanceType".into(), json!(broker_type));
    broker.insert("ClientSubnets".into(), ctx.v(subnets));
    broker.insert("SecurityGroups".into(), ctx.list(security_groups));
    broker.insert(
        "StorageInfo".into(),
        json!({ "EBSStorageInfo": { "VolumeSize": storage_gib } }),
    );
    if *multi_vpc {
        // Multi-VPC private connectivity (IAM) is what MSK Replicator uses to reach a source
        // cluster in another region.
        broker.insert(
            "ConnectivityInfo".into(),
            json!({ "VpcConnectivity": { "ClientAuthentication": iam.clone() } }),
        );
    }
    json!({
        "ClusterName": name,
        "KafkaVersion": kafka_version,
        "NumberOfBrokerNodes": brokers,
        "BrokerNodeGroupInfo": broker,
        "ClientAuthentication": {
            "Sasl": { "Iam": { "Enabled": true } },
            "Unauthenticated": { "Enabled": false },
        },
        "EncryptionInfo": {
            "EncryptionAtRest": { "DataVolumeKMSKeyId": ctx.v(kms_key) },
            "EncryptionInTransit": { "ClientBroker": "TLS", "InCluster": true },
        },
        "LoggingInfo": {
            "BrokerLogs": { "CloudWatchLogs": { "Enabled": true, "LogGroup": ctx.v(log_group) } },
        },
        "Tags": ctx.tag_map(Some(name)),
    })
}

pub(super) fn msk_cluster_policy(ctx: &Ctx, cluster: &V, policy: &[Statement]) -> Value {
    json!({ "ClusterArn": ctx.v(cluster), "Policy": ctx.policy(policy) })
}

pub(super) fn msk_replicator(ctx: &Ctx, kind: &Kind) -> Value {
    let Kind::MskReplicator(MskReplicator {
        name,
        source_cluster,
        source_subnets,
        source_security_groups,
        target_cluster,
        target_subnets,
        target_security_groups,
        role,
        topics,
    }) = kind
    else {
        return Value::Null;
    };
    let cluster = |arn: &V, subnets: &V, groups: &[V]| {
        json!({
            "AmazonMskCluster": { "MskClusterArn": ctx.v(arn) },
            "VpcConfig": { "SubnetIds": ctx.v(subnets), "SecurityGroupIds": ctx.list(groups) },
        })
    };
    json!({
        "ReplicatorName": name,
        "Description": format!("{name}: topics and consumer groups"),
        "ServiceExecutionRoleArn": ctx.v(role),
        "KafkaClusters": [
            cluster(source_cluster, source_subnets, source_security_groups),
            cluster(target_cluster, target_subnets, target_security_groups),
        ],
        "ReplicationInfoList": [{
            "SourceKafkaClusterArn": ctx.v(source_cluster),
            "TargetKafkaClusterArn": ctx.v(target_cluster),
            "TargetCompressionType": "NONE",
            // Topic names are regular expressions, copied exactly as written.
            "TopicReplication": {
                "TopicsToReplicate": topics,
                "CopyTopicConfigurations": true,
                "CopyAccessControlListsForTopics": true,
                "DetectAndCopyNewTopics": true,
            },
            "ConsumerGroupReplication": {
                "ConsumerGroupsToReplicate": [".*"],
                "DetectAndCopyNewConsumerGroups": true,
                "SynchroniseConsumerGroupOffsets": true,
            },
        }],
        "Tags": ctx.tags(Some(name)),
    })
}

/// `ReplicaRegions` of a secret replicated to the secondary regions, each with its own key.
fn replica_regions_into(ctx: &Ctx, replica_regions: &[(String, V)], p: &mut Map<String, Value>) {
    if !replica_regions.is_empty() {
        let list = replica_regions
            .iter()
            .map(|(region, key)| json!({ "Region": region, "KmsKeyId": ctx.v(key) }))
            .collect();
        p.insert("ReplicaRegions".into(), Value::Array(list));
    }
}
