//! The kinds of the `peering` layer: VPC peering between regions.

use crate::plan::values::V;

#[derive(Clone, Debug, PartialEq)]
pub struct PeeringConnection {
    pub vpc: V,
    pub peer_vpc: V,
    pub peer_region: String,
    pub name: String,
    /// The id of the accepter resource beside it (Terraform only), which routes wait for.
    pub accepter: Option<String>,
}

/// Terraform only: the accepter side in the peer's region.
#[derive(Clone, Debug, PartialEq)]
pub struct PeeringAccepter {
    pub connection: V,
    pub peer_region: String,
    /// The connection's name (its Name tag).
    pub name: String,
}
