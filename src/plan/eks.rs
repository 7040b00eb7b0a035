//! The `eks` layer: per region an EKS cluster, its managed node group and their roles.

use super::layer::Layer;
use super::parts::*;
use super::types::*;
use crate::model::raw::CapacityType;
use crate::model::Environment;
use crate::naming::regional_id;
use crate::plan::kinds::*;

pub(super) fn eks(env: &Environment) -> Vec<Stack> {
    let Some(e) = &env.eks else { return Vec::new() };
    let mut stacks = Vec::new();
    for r in &env.regions {
        let mut s = regional_stack(
            env,
            Layer::Eks,
            r,
            format!("{} {}: the EKS cluster and its node group", env.name, r.code),
            Out::AppSecurityGroupId,
        );
        let name = regional_id(env, "eks", &r.code);
        s.resources.push(res(
            "cluster_role",
            Kind::IamRole(IamRole {
                name: regional_id(env, "eks-cluster", &r.code),
                trust: Statement::trust(&["eks.amazonaws.com"]),
                managed_policies: vec!["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy".into()],
                policy: Vec::new(),
            }),
        ));
        s.resources.push(res(
            "cluster_log_group",
            Kind::LogGroup(LogGroup {
                name: format!("/aws/eks/{name}/cluster"),
                retention_days: LOG_RETENTION_DAYS,
                kms_key: V::p("KmsKeyArn"),
            }),
        ));
        let mut cluster = res(
            "cluster",
            Kind::EksCluster(EksCluster {
                name: name.clone(),
                version: e.version.value.clone(),
                role: V::attr("cluster_role", Attr::Arn),
                subnets: V::p("PrivateSubnetIds"),
                security_groups: vec![V::p("AppSecurityGroupId")],
                kms_key: V::p("KmsKeyArn"),
            }),
        );
        cluster.depends_on.push("cluster_log_group".into());
        s.resources.push(cluster);
        s.resources.push(res(
            "node_role",
            Kind::IamRole(IamRole {
                name: regional_id(env, "eks-nodes", &r.code),
                trust: Statement::trust(&["ec2.amazonaws.com"]),
                managed_policies: vec![
                    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy".into(),
                    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy".into(),
                    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly".into(),
                ],
                policy: Vec::new(),
            }),
        ));
        s.resources.push(res(
            "node_group",
            Kind::EksNodegroup(EksNodegroup {
                name: regional_id(env, "eks-nodes", &r.code),
                cluster: V::r("cluster"),
                role: V::attr("node_role", Attr::Arn),
                subnets: V::p("PrivateSubnetIds"),
                instance_types: e.instance_types.clone(),
                ami_type: if e.instance_types.iter().all(|t| crate::aws::eks::is_graviton(t)) {
                    "AL2023_ARM_64_STANDARD".into()
                } else {
                    "AL2023_x86_64_STANDARD".into()
                },
                capacity_type: match e.capacity_type {
                    CapacityType::OnDemand => "ON_DEMAND".into(),
                    CapacityType::Spot => "SPOT".into(),
                },
                min: r.eks_min.value,
                max: r.eks_max.value,
                desired: r.eks_desired.value,
            }),
        ));
        s.outputs
            .push(out(Out::ClusterName, V::r("cluster"), "The EKS cluster"));
        s.outputs.push(out(
            Out::ClusterArn,
            V::attr("cluster", Attr::Arn),
            "The EKS cluster's ARN",
        ));
        stacks.push(s);
    }
    stacks
}
