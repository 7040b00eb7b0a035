//! The kinds of the `network` layer: the regional network: keys, VPC, subnets, gateways, routes, security groups, flow logs and their roles.

use crate::plan::values::{RouteTarget, SgRule, Statement, V};

#[derive(Clone, Debug, PartialEq)]
pub struct KmsKey {
    pub description: String,
    pub policy: Vec<Statement>,
    /// A multi-Region primary key, whose replicas in other regions share its key material
    /// (`MultiRegion`, create-only).
    pub multi_region: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct KmsAlias {
    pub name: String,
    pub key: V,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Vpc {
    pub cidr: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct InternetGateway {
    pub name: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GatewayAttachment {
    pub vpc: V,
    pub gateway: V,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Subnet {
    pub vpc: V,
    pub cidr: String,
    pub az: V,
    pub public: bool,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Eip {
    pub name: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NatGateway {
    pub subnet: V,
    pub eip: V,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RouteTable {
    pub vpc: V,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    pub table: V,
    pub destination: V,
    pub target: RouteTarget,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RouteTableAssociation {
    pub table: V,
    pub subnet: V,
}

/// A security group; `ingress` rules are inline, so no group refers to itself.
#[derive(Clone, Debug, PartialEq)]
pub struct SecurityGroup {
    pub vpc: V,
    pub name: String,
    pub description: String,
    pub ingress: Vec<SgRule>,
    pub egress: Vec<SgRule>,
}

impl SecurityGroup {
    /// A public web entry's group: it admits anywhere (`0.0.0.0/0`) on port 80 and on nothing
    /// but the web's ports, 80 and 443 (the public load balancer's, the one group SPEC section 5
    /// lets admit the world; scanners flag its port 80, which only redirects to HTTPS).
    pub fn public_web(&self) -> bool {
        let open: Vec<&SgRule> = self
            .ingress
            .iter()
            .filter(|r| matches!(&r.peer, crate::plan::values::Peer::Cidr(V::Str(c)) if c == "0.0.0.0/0"))
            .collect();
        open.iter().any(|r| r.port == 80) && open.iter().all(|r| r.port == r.to_port && [80, 443].contains(&r.port))
    }
}

/// An ingress rule added to a group defined elsewhere (breaks reference cycles).
#[derive(Clone, Debug, PartialEq)]
pub struct SecurityGroupIngress {
    pub group: V,
    pub rule: SgRule,
}

/// The VPC's default security group, left with no rules (Terraform can hold it; CloudFormation cannot).
#[derive(Clone, Debug, PartialEq)]
pub struct DefaultSecurityGroupLockdown {
    pub vpc: V,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LogGroup {
    pub name: String,
    pub retention_days: i64,
    pub kms_key: V,
}

#[derive(Clone, Debug, PartialEq)]
pub struct IamRole {
    pub name: String,
    /// The trust policy: who may assume the role.
    pub trust: Vec<Statement>,
    pub managed_policies: Vec<String>,
    pub policy: Vec<Statement>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FlowLog {
    pub vpc: V,
    pub log_group: V,
    pub role: V,
}
