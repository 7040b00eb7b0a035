//! The peering layer's kinds in Terraform: the requester side of a cross-region VPC peering
//! connection, and the accepter in the peer's region (Terraform only), each with DNS resolution
//! over the peering switched on for its side.

use super::super::hcl::code;
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
    /// The accepter's address, when the plan gives the connection one.
    accepter: Option<Value>,
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
    fn companions(&self) -> &'static [(&'static str, &'static str)] {
        &[(
            "aws_vpc_peering_connection_options",
            "DNS resolution over the peering, requester side",
        )]
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        // The requester's DNS option needs the connection accepted, so it waits for the
        // accepter; in the stacks layout the accepter is another stack's (in the peer's region)
        // and the option is left off (README, "Terraform").
        let accepter = match &self.accepter {
            Some(a) => {
                let acc = cx.resource(stack, a)?;
                cx.here(stack, acc).then(|| code(cx.address(stack, acc)))
            }
            None => None,
        };
        let context = PeeringConnectionContext {
            common: Common::new(cx, stack, r, self)?,
            vpc: cx.value(stack, &self.vpc)?,
            peer_vpc: cx.value(stack, &self.peer_vpc)?,
            peer_region: self.peer_region.clone(),
            tags: name_tag(&self.name),
            accepter,
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
    fn companions(&self) -> &'static [(&'static str, &'static str)] {
        &[(
            "aws_vpc_peering_connection_options",
            "DNS resolution over the peering, accepter side",
        )]
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
