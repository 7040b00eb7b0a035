//! MSK as CloudFormation resources: the regional clusters (IAM authentication, TLS, encrypted,
//! broker logs on), their resource policies, and the MSK Replicators between regions.

use super::CfnKind;
use crate::plan::kinds::*;
use crate::plan::{Attr, V};
use crate::render::cfn::value::{plain, Ctx};
use serde_json::{json, Map, Value};

impl CfnKind for MskCluster {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::MSK::Cluster")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let MskCluster {
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
        } = self;
        let mut broker = Map::new();
        broker.insert("InstanceType".into(), json!(broker_type));
        broker.insert("ClientSubnets".into(), ctx.v(subnets));
        broker.insert("SecurityGroups".into(), ctx.list(security_groups));
        broker.insert(
            "StorageInfo".into(),
            json!({ "EBSStorageInfo": { "VolumeSize": storage_gib } }),
        );
        if *multi_vpc != V::Bool(false) {
            // Multi-VPC private connectivity (IAM) is what MSK Replicator uses to reach a source
            // cluster in another region. MSK takes it off at create and on once the cluster is
            // ACTIVE, so it is a stack parameter: `false` on a new stack's first pass.
            broker.insert(
                "ConnectivityInfo".into(),
                json!({ "VpcConnectivity": { "ClientAuthentication": {
                    "Sasl": { "Iam": { "Enabled": ctx.v(multi_vpc) } },
                } } }),
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

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

impl CfnKind for MskClusterPolicy {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::MSK::ClusterPolicy")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let MskClusterPolicy { cluster, policy } = self;
        json!({ "ClusterArn": ctx.v(cluster), "Policy": ctx.policy(policy) })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

/// One side of a replicator: the cluster and how the replicator reaches it.
fn kafka_cluster(ctx: &Ctx, arn: &V, subnets: &V, groups: &[V]) -> Value {
    json!({
        "AmazonMskCluster": { "MskClusterArn": ctx.v(arn) },
        "VpcConfig": { "SubnetIds": ctx.v(subnets), "SecurityGroupIds": ctx.list(groups) },
    })
}

impl CfnKind for MskReplicator {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::MSK::Replicator")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let MskReplicator {
            name,
            source_cluster,
            source_subnets,
            source_security_groups,
            target_cluster,
            target_subnets,
            target_security_groups,
            role,
            replication,
        } = self;
        json!({
            "ReplicatorName": name,
            "Description": format!("{name}: topics and consumer groups"),
            "ServiceExecutionRoleArn": ctx.v(role),
            "KafkaClusters": [
                kafka_cluster(ctx, source_cluster, source_subnets, source_security_groups),
                kafka_cluster(ctx, target_cluster, target_subnets, target_security_groups),
            ],
            "ReplicationInfoList": [replication.api(ctx.v(source_cluster), ctx.v(target_cluster))],
            "Tags": ctx.tags(Some(name)),
        })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        match a {
            Attr::Arn => Some("ReplicatorArn"),
            other => plain(other),
        }
    }
}
