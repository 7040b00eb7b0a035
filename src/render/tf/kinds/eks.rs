//! The EKS layer's kinds in Terraform: the cluster (private endpoint, control-plane logs,
//! secrets encrypted with the region's key, access entries on), its managed node group and
//! add-ons, the admins' access entries and the application's Pod Identity association.

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
    authentication_mode: String,
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
            authentication_mode: self.authentication_mode.clone(),
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

/// `eks_addon.tf.j2`.
#[derive(Serialize)]
struct EksAddonContext {
    #[serde(flatten)]
    common: Common,
    cluster: Value,
    addon_name: String,
}

impl TfKind for EksAddon {
    fn tf_type(&self) -> &'static str {
        "aws_eks_addon"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = EksAddonContext {
            common: Common::new(cx, stack, r, self)?,
            cluster: cx.value(stack, &self.cluster)?,
            addon_name: self.name.clone(),
        };
        Block::new(t::EKS_ADDON, &context)
    }
}

/// `eks_access_entry.tf.j2`.
#[derive(Serialize)]
struct EksAccessEntryContext {
    #[serde(flatten)]
    common: Common,
    cluster: Value,
    principal: Value,
    policy: String,
    /// Empty: the whole cluster.
    namespaces: Vec<String>,
}

impl TfKind for EksAccessEntry {
    fn tf_type(&self) -> &'static str {
        "aws_eks_access_entry"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        match a {
            Attr::Arn => Some("access_entry_arn"),
            other => arn_only(other),
        }
    }
    fn companions(&self) -> &'static [(&'static str, &'static str)] {
        &[(
            "aws_eks_access_policy_association",
            "the entry's access policy (CloudFormation's AccessPolicies; a resource of its own in Terraform)",
        )]
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = EksAccessEntryContext {
            common: Common::new(cx, stack, r, self)?,
            cluster: cx.value(stack, &self.cluster)?,
            principal: cx.value(stack, &self.principal)?,
            policy: self.policy.clone(),
            namespaces: self.namespaces.clone(),
        };
        Block::new(t::EKS_ACCESS_ENTRY, &context)
    }
}

/// `eks_pod_identity_association.tf.j2`.
#[derive(Serialize)]
struct EksPodIdentityAssociationContext {
    #[serde(flatten)]
    common: Common,
    cluster: Value,
    namespace: String,
    service_account: String,
    role: Value,
}

impl TfKind for EksPodIdentityAssociation {
    fn tf_type(&self) -> &'static str {
        "aws_eks_pod_identity_association"
    }
    fn ref_attr(&self) -> &'static str {
        "association_id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        match a {
            Attr::Arn => Some("association_arn"),
            other => arn_only(other),
        }
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let mut common = Common::new(cx, stack, r, self)?;
        // The role's policies first: a pod that gets the role's credentials can use them at once.
        common.ready_after(cx, stack, &self.role);
        let context = EksPodIdentityAssociationContext {
            common,
            cluster: cx.value(stack, &self.cluster)?,
            namespace: self.namespace.clone(),
            service_account: self.service_account.clone(),
            role: cx.value(stack, &self.role)?,
        };
        Block::new(t::EKS_POD_IDENTITY_ASSOCIATION, &context)
    }
}
