//! The kinds of the `msk` layer: MSK clusters and their replicators.

use crate::plan::values::{Statement, V};

#[derive(Clone, Debug, PartialEq)]
pub struct MskCluster {
    pub name: String,
    pub kafka_version: String,
    pub broker_type: String,
    pub brokers: i64,
    pub storage_gib: i64,
    pub subnets: V,
    pub security_groups: Vec<V>,
    pub kms_key: V,
    pub log_group: V,
    /// Multi-VPC private connectivity for IAM (what MSK Replicator reads a cross-region source
    /// through): a switch, `V::Bool` or a parameter holding `true`/`false`.
    pub multi_vpc: V,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MskClusterPolicy {
    pub cluster: V,
    pub policy: Vec<Statement>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MskReplicator {
    pub name: String,
    pub source_cluster: V,
    pub source_subnets: V,
    pub source_security_groups: Vec<V>,
    pub target_cluster: V,
    pub target_subnets: V,
    pub target_security_groups: Vec<V>,
    pub role: V,
    pub replication: Replication,
}

/// What an MSK replicator copies, and how: the stacks' replicators and the one the runbook makes
/// for a failback take their settings from here, so the three cannot drift apart.
#[derive(Clone, Debug, PartialEq)]
pub struct Replication {
    /// Topic-name patterns (regular expressions), copied exactly as written.
    pub topics: Vec<String>,
    /// Keep topic names as they are in the source (MSK Replicator's `IDENTICAL` topic name
    /// configuration), so consumers read the same names in any region after a failover.
    pub identical_topic_names: bool,
    /// Where a new replicator starts reading (`EARLIEST` for the way back, so that nothing
    /// written during the outage is skipped); `None`: MSK's default, the latest offsets.
    pub starting_position: Option<&'static str>,
}

impl Replication {
    /// Every topic matching `topics`, with its configuration and ACLs, and every consumer group
    /// with its offsets, uncompressed.
    pub fn new(topics: Vec<String>) -> Replication {
        Replication {
            topics,
            identical_topic_names: true,
            starting_position: None,
        }
    }

    pub const COMPRESSION: &'static str = "NONE";
    pub const CONSUMER_GROUPS: &'static str = ".*";

    /// MSK Replicator's `TopicNameConfiguration` type.
    pub fn topic_name_type(&self) -> &'static str {
        if self.identical_topic_names {
            "IDENTICAL"
        } else {
            "PREFIXED_WITH_SOURCE_CLUSTER_ALIAS"
        }
    }

    /// The `ReplicationInfoList` entry, in the MSK API's names (CloudFormation's are the same).
    pub fn api(&self, source: serde_json::Value, target: serde_json::Value) -> serde_json::Value {
        let mut topics = serde_json::json!({
            "TopicsToReplicate": self.topics,
            "TopicNameConfiguration": {"Type": self.topic_name_type()},
            "CopyTopicConfigurations": true,
            "CopyAccessControlListsForTopics": true,
            "DetectAndCopyNewTopics": true,
        });
        if let Some(start) = self.starting_position {
            topics["StartingPosition"] = serde_json::json!({ "Type": start });
        }
        serde_json::json!({
            "SourceKafkaClusterArn": source,
            "TargetKafkaClusterArn": target,
            "TargetCompressionType": Self::COMPRESSION,
            "TopicReplication": topics,
            "ConsumerGroupReplication": {
                "ConsumerGroupsToReplicate": [Self::CONSUMER_GROUPS],
                "DetectAndCopyNewConsumerGroups": true,
                "SynchroniseConsumerGroupOffsets": true,
            },
        })
    }
}
