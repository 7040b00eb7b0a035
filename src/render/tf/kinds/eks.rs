//! The EKS layer's kinds in Terraform: the cluster (private endpoint, control-plane logs,
//! secrets encrypted with the region's key) and its managed node group.

use super::super::templates as t;
use super::super::Cx;
use super::{arn_only, Block, Common, TfKind};
use crate::plan::kinds::*;
use crate::plan::{Attr, Resource, Stack};
use minijinja::value::Value;
use serde::Serialize;

/// `eks_cluster.tf.j2`.
#[derive(Serialize)]
struct EksClusterContext {
    #[serde(flatten)]
    common: Common,
    cluster_name: String,
    version: String,
    role: Value,
    subnets: Value,
    security_groups: Value,
    kms_key: Value,
}

impl TfKind for EksCluster {
    fn tf_type(&self) -> &'static str {
        "aws_eks_cluster"
    }
    fn ref_attr(&self) -> &'static str {
        "name"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        match a {
            Attr::ClusterSecurityGroupId => Some("vpc_config[0].cluster_security_group_id"),
            other => arn_only(other),
        }
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let mut common = Common::new(cx, stack, r, self)?;
        common.ready_after(cx, stack, &self.role);
        let context = EksClusterContext {
            common,
            cluster_name: self.name.clone(),
            version: self.version.clone(),
            role: cx.value(stack, &self.role)?,
            subnets: cx.value(stack, &self.subnets)?,
            security_groups: cx.values(stack, &self.security_groups)?,
            kms_key: cx.value(stack, &self.kms_key)?,
        };
        Block::new(t::EKS_CLUSTER, &context)
    }
}

/// `eks_nodegroup.tf.j2`.
#[derive(Serialize)]
struct EksNodegroupContext {
    #[serde(flatten)]
    common: Common,
    group_name: String,
    cluster: Value,
    role: Value,
    subnets: Value,
    instance_types: Vec<String>,
    ami_type: String,
    capacity_type: String,
    min: i64,
    max: i64,
    desired: i64,
}

impl TfKind for EksNodegroup {
    fn tf_type(&self) -> &'static str {
        "aws_eks_node_group"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let mut common = Common::new(cx, stack, r, self)?;
        common.ready_after(cx, stack, &self.role);
        let context = EksNodegroupContext {
            common,
            group_name: self.name.clone(),
            cluster: cx.value(stack, &self.cluster)?,
            role: cx.value(stack, &self.role)?,
            subnets: cx.value(stack, &self.subnets)?,
            instance_types: self.instance_types.clone(),
            ami_type: self.ami_type.clone(),
            capacity_type: self.capacity_type.clone(),
            min: self.min,
            max: self.max,
            desired: self.desired,
        };
        Block::new(t::EKS_NODEGROUP, &context)
    }
}
