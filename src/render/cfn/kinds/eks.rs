//! EKS as CloudFormation resources: the private, encrypted, fully logged cluster, its managed
//! node group and add-ons, the access entries of its admins, and the application's Pod Identity
//! association.

use super::CfnKind;
use crate::plan::kinds::*;
use crate::plan::Attr;
use crate::render::cfn::value::{plain, Ctx};
use serde_json::{json, Value};

/// All five EKS control-plane log types.
const EKS_LOG_TYPES: [&str; 5] = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

impl CfnKind for EksCluster {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::EKS::Cluster")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let EksCluster {
            name,
            version,
            role,
            subnets,
            security_groups,
            kms_key,
            authentication_mode,
        } = self;
        json!({
            "Name": name,
            "Version": version,
            "RoleArn": ctx.v(role),
            // `BootstrapClusterCreatorAdminPermissions` is left out: it is create-only (adding it
            // to an existing cluster's template would replace the cluster), and AWS's default,
            // true, is what mrgen wants. Switching the mode is an in-place update (one way only).
            "AccessConfig": { "AuthenticationMode": authentication_mode },
            "ResourcesVpcConfig": {
                "SubnetIds": ctx.v(subnets),
                "SecurityGroupIds": ctx.list(security_groups),
                // The API is reachable from inside the VPC only (its group admits 443 from the
                // VPC); the nodes carry the cluster security group that EKS creates.
                "EndpointPrivateAccess": true,
                "EndpointPublicAccess": false,
            },
            "EncryptionConfig": [{ "Provider": { "KeyArn": ctx.v(kms_key) }, "Resources": ["secrets"] }],
            "Logging": {
                "ClusterLogging": {
                    "EnabledTypes": EKS_LOG_TYPES.iter().map(|t| json!({ "Type": t })).collect::<Vec<_>>(),
                },
            },
            "Tags": ctx.tags(Some(name)),
        })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

impl CfnKind for EksNodegroup {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::EKS::Nodegroup")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let EksNodegroup {
            name,
            cluster,
            role,
            subnets,
            instance_types,
            ami_type,
            capacity_type,
            min,
            max,
            desired,
        } = self;
        json!({
            "NodegroupName": name,
            "ClusterName": ctx.v(cluster),
            "NodeRole": ctx.v(role),
            "Subnets": ctx.v(subnets),
            "InstanceTypes": instance_types,
            "AmiType": ami_type,
            "CapacityType": capacity_type,
            "ScalingConfig": { "MinSize": min, "MaxSize": max, "DesiredSize": desired },
            "Tags": ctx.tag_map(Some(name)),
        })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

impl CfnKind for EksAddon {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::EKS::Addon")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let EksAddon { cluster, name } = self;
        // No `AddonVersion`: AWS installs the default version for the cluster's Kubernetes
        // version. `OVERWRITE` lets the managed add-on take over the self-managed one EKS
        // installs with the cluster (vpc-cni, coredns, kube-proxy).
        json!({
            "AddonName": name,
            "ClusterName": ctx.v(cluster),
            "ResolveConflicts": "OVERWRITE",
            "Tags": ctx.tags(None),
        })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

impl CfnKind for EksAccessEntry {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::EKS::AccessEntry")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let EksAccessEntry {
            cluster,
            principal,
            policy,
            namespaces,
        } = self;
        let scope = if namespaces.is_empty() {
            json!({ "Type": "cluster" })
        } else {
            json!({ "Type": "namespace", "Namespaces": namespaces })
        };
        json!({
            "ClusterName": ctx.v(cluster),
            "PrincipalArn": ctx.v(principal),
            "Type": "STANDARD",
            "AccessPolicies": [{ "PolicyArn": policy, "AccessScope": scope }],
            "Tags": ctx.tags(None),
        })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        match a {
            Attr::Arn => Some("AccessEntryArn"),
            other => plain(other),
        }
    }
}

impl CfnKind for EksPodIdentityAssociation {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::EKS::PodIdentityAssociation")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let EksPodIdentityAssociation {
            cluster,
            namespace,
            service_account,
            role,
        } = self;
        json!({
            "ClusterName": ctx.v(cluster),
            "Namespace": namespace,
            "ServiceAccount": service_account,
            "RoleArn": ctx.v(role),
            "Tags": ctx.tags(None),
        })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        match a {
            Attr::Arn => Some("AssociationArn"),
            other => plain(other),
        }
    }
}
