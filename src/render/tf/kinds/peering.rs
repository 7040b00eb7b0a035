//! The peering layer's kinds in Terraform: the requester side of a cross-region VPC peering
//! connection, and the accepter in the peer's region (Terraform only).
//!
//! DNS resolution over the peering stays off (AWS's default), as in CloudFormation, whose
//! `AWS::EC2::VPCPeeringConnection` has no property for it (cloudformation-coverage-roadmap
//! issue 169). Nothing needs it: it only makes the public DNS names of EC2 instances resolve to
//! private addresses from the peer VPC ("Enable DNS resolution for a VPC peering connection",
//! VPC Peering guide), while the endpoints that cross (Aurora's, the cache's) are names of
//! private resources that resolve to private addresses from anywhere (RDS API reference,
//! `PubliclyAccessible`).

use super::super::templates as t;
use super::super::Cx;
use super::{arn_only, name_tag, Block, Common, TfKind};
use crate::plan::kinds::*;
use crate::plan::{Attr, Resource, Stack};
use minijinja::value::Value;
use serde::Serialize;

/// `peering_connection.tf.j2`.
#[derive(Serialize)]
struct PeeringConnectionContext {
    #[serde(flatten)]
    common: Common,
    vpc: Value,
    peer_vpc: Value,
    peer_region: String,
    tags: Value,
}

impl TfKind for PeeringConnection {
    fn tf_type(&self) -> &'static str {
        "aws_vpc_peering_connection"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = PeeringConnectionContext {
            common: Common::new(cx, stack, r, self)?,
            vpc: cx.value(stack, &self.vpc)?,
            peer_vpc: cx.value(stack, &self.peer_vpc)?,
            peer_region: self.peer_region.clone(),
            tags: name_tag(&self.name),
        };
        Block::new(t::PEERING_CONNECTION, &context)
    }
}

/// `peering_accepter.tf.j2`.
#[derive(Serialize)]
struct PeeringAccepterContext {
    #[serde(flatten)]
    common: Common,
    connection: Value,
    tags: Value,
}

impl TfKind for PeeringAccepter {
    fn tf_type(&self) -> &'static str {
        "aws_vpc_peering_connection_accepter"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn region(&self) -> Option<&str> {
        Some(&self.peer_region)
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        // Created in the peer's region (`region` above): in the requester's stack in the single
        // module, in a stack of the peer's region in the stacks layout (`stacks::home_of`).
        let context = PeeringAccepterContext {
            common: Common::new(cx, stack, r, self)?,
            connection: cx.value(stack, &self.connection)?,
            tags: name_tag(&self.name),
        };
        Block::new(t::PEERING_ACCEPTER, &context)
    }
}
