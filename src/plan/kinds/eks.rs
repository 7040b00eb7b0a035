//! The kinds of the `eks` layer: EKS clusters, node groups, add-ons and access.

use crate::plan::values::V;

#[derive(Clone, Debug, PartialEq)]
pub struct EksCluster {
    pub name: String,
    pub version: String,
    pub role: V,
    pub subnets: V,
    /// Security groups for the control plane's interfaces only: AWS puts the cluster security
    /// group, not these, on managed nodes.
    pub security_groups: Vec<V>,
    pub kms_key: V,
    /// `API_AND_CONFIG_MAP`: access entries and the `aws-auth` ConfigMap. The cluster creator
    /// keeps the admin access AWS gives it by default.
    pub authentication_mode: String,
}

/// A managed EKS add-on at the default version AWS picks for the cluster's Kubernetes version.
#[derive(Clone, Debug, PartialEq)]
pub struct EksAddon {
    pub cluster: V,
    pub name: String,
}

/// An EKS access entry for an IAM principal, with one access policy over the whole cluster or
/// over some namespaces.
#[derive(Clone, Debug, PartialEq)]
pub struct EksAccessEntry {
    pub cluster: V,
    /// The IAM role or user, by ARN.
    pub principal: V,
    pub policy: String,
    /// The namespaces the policy applies in; empty: the whole cluster.
    pub namespaces: Vec<String>,
}

/// An EKS Pod Identity association: pods of the service account get the role's credentials.
#[derive(Clone, Debug, PartialEq)]
pub struct EksPodIdentityAssociation {
    pub cluster: V,
    pub namespace: String,
    pub service_account: String,
    pub role: V,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EksNodegroup {
    pub name: String,
    pub cluster: V,
    pub role: V,
    pub subnets: V,
    pub instance_types: Vec<String>,
    /// `AL2023_x86_64_STANDARD` or `AL2023_ARM_64_STANDARD`, from the instance types.
    pub ami_type: String,
    pub capacity_type: String,
    pub min: i64,
    pub max: i64,
    pub desired: i64,
}
