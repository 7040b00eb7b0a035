//! The MSK layers' kinds in Terraform: the regional cluster (IAM authentication, TLS, broker
//! logs), the cluster policy that lets MSK Replicator read a source, and the replicator.

use super::super::templates as t;
use super::super::Cx;
use super::{arn_only, policy, switch, Block, Common, TfKind};
use crate::plan::kinds::*;
use crate::plan::{Attr, Resource, Stack};
use minijinja::value::Value;
use serde::Serialize;

/// `msk_cluster.tf.j2`.
#[derive(Serialize)]
struct MskClusterContext {
    #[serde(flatten)]
    common: Common,
    cluster_name: String,
    kafka_version: String,
    broker_type: String,
    brokers: i64,
    storage: i64,
    subnets: Value,
    security_groups: Value,
    kms_key: Value,
    log_group: Value,
    multi_vpc: bool,
}

impl TfKind for MskCluster {
    fn tf_type(&self) -> &'static str {
        "aws_msk_cluster"
    }
    fn ref_attr(&self) -> &'static str {
        "arn"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        match a {
            // The brokers of the IAM-authenticated listener (TLS, 9098).
            Attr::BootstrapBrokers => Some("bootstrap_brokers_sasl_iam"),
            other => arn_only(other),
        }
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = MskClusterContext {
            common: Common::new(cx, stack, r, self)?,
            cluster_name: self.name.clone(),
            kafka_version: self.kafka_version.clone(),
            broker_type: self.broker_type.clone(),
            brokers: self.brokers,
            storage: self.storage_gib,
            subnets: cx.value(stack, &self.subnets)?,
            security_groups: cx.values(stack, &self.security_groups)?,
            kms_key: cx.value(stack, &self.kms_key)?,
            log_group: cx.value(stack, &self.log_group)?,
            // On from the start: the provider creates the cluster without it and turns it on
            // with UpdateConnectivity once the cluster is ACTIVE (`resourceClusterCreate`,
            // internal/service/kafka/cluster.go), the second pass CloudFormation needs.
            multi_vpc: switch(stack, &self.multi_vpc)?,
        };
        Block::new(t::MSK_CLUSTER, &context)
    }
}

/// `msk_cluster_policy.tf.j2`.
#[derive(Serialize)]
struct MskClusterPolicyContext {
    #[serde(flatten)]
    common: Common,
    cluster: Value,
    policy: Value,
}

impl TfKind for MskClusterPolicy {
    fn tf_type(&self) -> &'static str {
        "aws_msk_cluster_policy"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = MskClusterPolicyContext {
            common: Common::new(cx, stack, r, self)?,
            cluster: cx.value(stack, &self.cluster)?,
            policy: policy(cx, stack, &self.policy)?,
        };
        Block::new(t::MSK_CLUSTER_POLICY, &context)
    }
}

/// `msk_replicator.tf.j2`.
#[derive(Serialize)]
struct MskReplicatorContext {
    #[serde(flatten)]
    common: Common,
    replicator_name: String,
    role: Value,
    source_cluster: Value,
    source_subnets: Value,
    source_security_groups: Value,
    target_cluster: Value,
    target_subnets: Value,
    target_security_groups: Value,
    topics: Vec<String>,
    /// `IDENTICAL` or `PREFIXED_WITH_SOURCE_CLUSTER_ALIAS`.
    topic_names: &'static str,
    starting_position: Option<&'static str>,
    compression: &'static str,
    consumer_groups: [&'static str; 1],
}

impl TfKind for MskReplicator {
    fn tf_type(&self) -> &'static str {
        "aws_msk_replicator"
    }
    fn ref_attr(&self) -> &'static str {
        "arn"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let mut common = Common::new(cx, stack, r, self)?;
        common.ready_after(cx, stack, &self.role);
        let context = MskReplicatorContext {
            common,
            replicator_name: self.name.clone(),
            role: cx.value(stack, &self.role)?,
            source_cluster: cx.value(stack, &self.source_cluster)?,
            source_subnets: cx.value(stack, &self.source_subnets)?,
            source_security_groups: cx.values(stack, &self.source_security_groups)?,
            target_cluster: cx.value(stack, &self.target_cluster)?,
            target_subnets: cx.value(stack, &self.target_subnets)?,
            target_security_groups: cx.values(stack, &self.target_security_groups)?,
            topics: self.replication.topics.clone(),
            topic_names: self.replication.topic_name_type(),
            starting_position: self.replication.starting_position,
            compression: Replication::COMPRESSION,
            consumer_groups: [Replication::CONSUMER_GROUPS],
        };
        Block::new(t::MSK_REPLICATOR, &context)
    }
}
