//! EKS as CloudFormation resources: the private, encrypted, fully logged cluster and its managed
//! node group.

use super::{plain, CfnKind};
use crate::plan::kinds::*;
use crate::plan::Attr;
use crate::render::cfn::value::Ctx;
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
        } = self;
        json!({
            "Name": name,
            "Version": version,
            "RoleArn": ctx.v(role),
            "ResourcesVpcConfig": {
                "SubnetIds": ctx.v(subnets),
                "SecurityGroupIds": ctx.list(security_groups),
                // The API is reachable from inside the VPC (and peered VPCs) only.
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
