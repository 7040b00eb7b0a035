//! The `msk` and `msk-replication` layers: per region an MSK cluster with its policy and logs,
//! and per target region the MSK Replicators that copy topics into it.

use super::layer::Layer;
use super::parts::*;
use super::types::*;
use super::values::*;
use crate::model::env::RegionEnv;
use crate::model::Environment;
use crate::naming::{self, regional_id, short_code};
use crate::plan::kinds::*;

/// The `msk` stacks' parameter that switches multi-VPC connectivity on once the cluster exists.
const MULTI_VPC: &str = "MultiVpcConnectivity";

pub(super) fn msk(env: &Environment) -> Vec<Stack> {
    let Some(m) = &env.msk else { return Vec::new() };
    let pairs = replication_pairs(env);
    let mut stacks = Vec::new();
    for r in &env.regions {
        let mut s = regional_stack(
            env,
            Layer::Msk,
            r,
            format!("{} {}: the MSK cluster", env.name, r.code),
            Out::KafkaSecurityGroupId,
        );
        let name = regional_id(env, "msk", &r.code);
        // Every cluster may be read by a replicator when the environment replicates: the stacks'
        // replicators read the primary's, and the runbook's switchover and failback make one
        // that reads the new writer's (MSK Replicator's planned failover and failback).
        let source = !pairs.is_empty();
        // Every cluster gets multi-VPC connectivity, what MSK Replicator reads a cross-region
        // source through: any region can become a source (after a failover, in active-active).
        // MSK refuses it when it creates a cluster ("all vpcConnectivity auth schemes must be
        // disabled", cloudformation-coverage-roadmap issue 1775) and turns it on for an ACTIVE
        // one, so a new stack is created with it off and deployed again with it on.
        s.parameters.push(on_once_created(
            MULTI_VPC,
            "Multi-VPC private connectivity (IAM) of the MSK cluster",
            "MSK refuses it when it creates a cluster and turns it on once the cluster is ACTIVE",
        ));
        s.resources.push(res(
            "broker_log_group",
            Kind::LogGroup(LogGroup {
                name: format!("/mrgen/{name}"),
                retention_days: LOG_RETENTION_DAYS,
                kms_key: V::p("KmsKeyArn"),
            }),
        ));
        s.resources.push(retained(
            "cluster",
            Kind::MskCluster(MskCluster {
                name: name.clone(),
                kafka_version: m.kafka_version.value.clone(),
                broker_type: m.broker_instance_type.value.clone(),
                brokers: r.msk_brokers.value,
                storage_gib: m.storage_gib.value,
                subnets: V::p("PrivateSubnetIds"),
                security_groups: vec![V::p("KafkaSecurityGroupId")],
                kms_key: V::p("KmsKeyArn"),
                log_group: V::r("broker_log_group"),
                multi_vpc: V::p(MULTI_VPC),
            }),
            Retain::Retain,
        ));
        if source {
            let mut allow = Statement::allow(
                "MskReplicatorReads",
                &[
                    "kafka:CreateVpcConnection",
                    "kafka:GetBootstrapBrokers",
                    "kafka:DescribeClusterV2",
                    "kafka-cluster:Connect",
                    "kafka-cluster:DescribeCluster",
                    "kafka-cluster:ReadData",
                    "kafka-cluster:DescribeTopic",
                    "kafka-cluster:DescribeTopicDynamicConfiguration",
                    "kafka-cluster:DescribeGroup",
                    "kafka-cluster:AlterGroup",
                ],
                vec![V::r("cluster")],
            );
            allow.service_principals = vec!["kafka.amazonaws.com".into()];
            allow.string_equals = vec![("aws:SourceAccount".into(), vec![V::AccountId])];
            s.resources.push(res(
                "cluster_policy",
                Kind::MskClusterPolicy(MskClusterPolicy {
                    cluster: V::r("cluster"),
                    policy: vec![allow],
                }),
            ));
        }
        s.resources.push(ssm_parameter(
            env,
            "cluster_arn_parameter",
            "msk/cluster-arn",
            V::r("cluster"),
            "This region's MSK cluster",
        ));
        // The bootstrap brokers are no CloudFormation attribute, and `kafka:GetBootstrapBrokers`
        // takes no resource in IAM (an application allowed it would be allowed it on `*`): the
        // parameter holds them, written by Terraform, or by `deploy.sh` after this stack.
        let mut brokers = ssm_parameter(
            env,
            "bootstrap_brokers_parameter",
            "msk/bootstrap-brokers",
            V::attr("cluster", Attr::BootstrapBrokers),
            "This region's MSK bootstrap brokers (IAM authentication, TLS, port 9098)",
        );
        if let Kind::SsmParameter(p) = &mut brokers.kind {
            p.read_after_deploy = Some(CliRead {
                service: "kafka".into(),
                operation: "get-bootstrap-brokers".into(),
                args: vec![("cluster-arn".into(), Out::ClusterArn.name())],
                query: "BootstrapBrokerStringSaslIam".into(),
            });
        }
        s.resources.push(only(Backends::TerraformOnly, brokers));
        s.outputs.push(out(Out::ClusterArn, V::r("cluster"), "The MSK cluster"));
        stacks.push(s);
    }
    // One replication stack per target region, holding the replicators that copy into it.
    let mut targets: Vec<&RegionEnv> = Vec::new();
    for r in &env.regions {
        if pairs.iter().any(|(_, t)| *t == r.code) {
            targets.push(r);
        }
    }
    for t in targets {
        let mut s = stack(
            env,
            Layer::MskReplication,
            &t.code,
            format!(
                "{} {}: MSK Replicator copying topics into this region's cluster",
                env.name, t.code
            ),
        );
        let tnet = stack_name(env, Layer::Network, &t.code);
        let tmsk = stack_name(env, Layer::Msk, &t.code);
        s.parameters.push(param("TargetClusterArn", &tmsk, Out::ClusterArn));
        s.parameters
            .push(param("TargetSubnetIds", &tnet, Out::PrivateSubnetIds));
        s.parameters
            .push(param("TargetSecurityGroupId", &tnet, Out::KafkaSecurityGroupId));
        let mut arns = vec![V::p("TargetClusterArn")];
        for (src, _) in pairs.iter().filter(|(_, tt)| *tt == t.code) {
            let short = pascal(&short_code(src));
            let snet = stack_name(env, Layer::Network, src);
            let smsk = stack_name(env, Layer::Msk, src);
            s.parameters
                .push(param(&format!("SourceClusterArn{short}"), &smsk, Out::ClusterArn));
            s.parameters
                .push(param(&format!("SourceSubnetIds{short}"), &snet, Out::PrivateSubnetIds));
            s.parameters.push(param(
                &format!("SourceSecurityGroupId{short}"),
                &snet,
                Out::KafkaSecurityGroupId,
            ));
            arns.push(V::p(&format!("SourceClusterArn{short}")));
        }
        // Every replication stack waits for every region's cluster (SPEC section 5).
        for r in &env.regions {
            s.depends_on.push(stack_name(env, Layer::Msk, &r.code));
        }
        let cluster_and_topics = |arn: &V| {
            vec![
                arn.clone(),
                V::Join(vec![V::s("arn:aws:kafka:*:"), V::AccountId, V::s(":topic/*")]),
                V::Join(vec![V::s("arn:aws:kafka:*:"), V::AccountId, V::s(":group/*")]),
            ]
        };
        let resources: Vec<V> = arns.iter().flat_map(cluster_and_topics).collect();
        s.resources.push(res(
            "replicator_role",
            Kind::IamRole(IamRole {
                name: regional_id(env, "msk-replicator", &t.code),
                trust: Statement::trust(&["kafka.amazonaws.com"]),
                managed_policies: Vec::new(),
                policy: vec![Statement::allow(
                    "ReplicateBetweenClusters",
                    &[
                        "kafka-cluster:Connect",
                        "kafka-cluster:DescribeCluster",
                        "kafka-cluster:AlterCluster",
                        "kafka-cluster:DescribeTopic",
                        "kafka-cluster:CreateTopic",
                        "kafka-cluster:AlterTopic",
                        "kafka-cluster:WriteData",
                        "kafka-cluster:ReadData",
                        "kafka-cluster:AlterGroup",
                        "kafka-cluster:DescribeGroup",
                        "kafka-cluster:DescribeTopicDynamicConfiguration",
                        "kafka-cluster:AlterTopicDynamicConfiguration",
                        "kafka-cluster:WriteDataIdempotently",
                    ],
                    resources,
                )],
            }),
        ));
        for (src, _) in pairs.iter().filter(|(_, tt)| *tt == t.code) {
            let short = short_code(src);
            let ps = pascal(&short);
            s.resources.push(retained(
                &format!("replicator_from_{short}"),
                Kind::MskReplicator(MskReplicator {
                    name: naming::replicator_name(env, src, &t.code),
                    source_cluster: V::p(&format!("SourceClusterArn{ps}")),
                    source_subnets: V::p(&format!("SourceSubnetIds{ps}")),
                    source_security_groups: vec![V::p(&format!("SourceSecurityGroupId{ps}"))],
                    target_cluster: V::p("TargetClusterArn"),
                    target_subnets: V::p("TargetSubnetIds"),
                    target_security_groups: vec![V::p("TargetSecurityGroupId")],
                    role: V::attr("replicator_role", Attr::Arn),
                    replication: Replication::new(m.topics.iter().map(|t| t.value.clone()).collect()),
                }),
                Retain::Retain,
            ));
            // Cross-region replication needs the source cluster's resource policy first (MSK
            // guide, "Replicator network requirements"); stacks are ordered by the manifest,
            // Terraform's single module by this.
            if let Some(r) = s.resources.last_mut() {
                r.after.push(At {
                    stack: stack_name(env, Layer::Msk, src),
                    id: "cluster_policy".into(),
                });
            }
            s.outputs.push(out(
                Out::ReplicatorArn(ps.clone()),
                V::r(&format!("replicator_from_{short}")),
                &format!("Replicator from {src}"),
            ));
        }
        stacks.push(s);
    }
    stacks
}
