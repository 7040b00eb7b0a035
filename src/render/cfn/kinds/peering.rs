//! VPC peering as a CloudFormation resource: the connection, whose accepter side is implied by
//! `PeerRegion`.

use super::CfnKind;
use crate::plan::kinds::*;
use crate::plan::Attr;
use crate::render::cfn::value::{plain, Ctx};
use serde_json::{json, Value};

impl CfnKind for PeeringConnection {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::EC2::VPCPeeringConnection")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        // The accepter resource beside it is Terraform's.
        let PeeringConnection {
            vpc,
            peer_vpc,
            peer_region,
            name,
            accepter: _,
        } = self;
        json!({
            "VpcId": ctx.v(vpc),
            "PeerVpcId": ctx.v(peer_vpc),
            "PeerRegion": peer_region,
            "Tags": ctx.tags(Some(name)),
        })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

/// The accepter side of a connection is implied by `PeerRegion`: Terraform only.
impl CfnKind for PeeringAccepter {
    fn type_name(&self) -> Option<&'static str> {
        None
    }

    fn properties(&self, _: &Ctx) -> Value {
        let PeeringAccepter {
            connection: _,
            peer_region: _,
            name: _,
        } = self;
        Value::Null
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}
