//! The network layer's kinds in Terraform: the region's KMS key and alias, the VPC, its gateway,
//! subnets, NAT, routes, security groups (rules as separate resources), the locked-down default
//! group, the flow log with its log group and role. IAM roles live here as in the plan's list;
//! other layers' roles use the same implementation.

use super::super::hcl::{code, text, Obj};
use super::super::templates as t;
use super::super::Cx;
use super::{arn_only, name_tag, policy, Block, Common, TfKind};
use crate::plan::kinds::*;
use crate::plan::{Attr, Kind, Peer, Resource, RouteTarget, SgRule, Stack, V};
use minijinja::value::Value;
use serde::Serialize;

/// `kms_key.tf.j2`.
#[derive(Serialize)]
struct KmsKeyContext {
    #[serde(flatten)]
    common: Common,
    description: String,
    policy: Value,
    /// A multi-Region primary key (`multi_region`, which forces a new key when changed: the
    /// provider's `aws_kms_key` documentation).
    multi_region: bool,
}

impl TfKind for KmsKey {
    fn tf_type(&self) -> &'static str {
        "aws_kms_key"
    }
    fn ref_attr(&self) -> &'static str {
        "key_id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let KmsKey {
            description,
            policy: statements,
            multi_region,
        } = self;
        let context = KmsKeyContext {
            common: Common::new(cx, stack, r, self)?,
            description: description.clone(),
            policy: policy(cx, stack, statements)?,
            multi_region: *multi_region,
        };
        Block::new(t::KMS_KEY, &context)
    }
}

/// `kms_alias.tf.j2`.
#[derive(Serialize)]
struct KmsAliasContext {
    #[serde(flatten)]
    common: Common,
    alias: String,
    key: Value,
}

impl TfKind for KmsAlias {
    fn tf_type(&self) -> &'static str {
        "aws_kms_alias"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = KmsAliasContext {
            common: Common::new(cx, stack, r, self)?,
            alias: self.name.clone(),
            key: cx.value(stack, &self.key)?,
        };
        Block::new(t::KMS_ALIAS, &context)
    }
}

/// `vpc.tf.j2`.
#[derive(Serialize)]
struct VpcContext {
    #[serde(flatten)]
    common: Common,
    cidr: String,
    tags: Value,
}

impl TfKind for Vpc {
    fn tf_type(&self) -> &'static str {
        "aws_vpc"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = VpcContext {
            common: Common::new(cx, stack, r, self)?,
            cidr: self.cidr.clone(),
            tags: name_tag(&self.name),
        };
        Block::new(t::VPC, &context)
    }
}

/// `internet_gateway.tf.j2` and `eip.tf.j2`: a Name tag only.
#[derive(Serialize)]
struct TaggedContext {
    #[serde(flatten)]
    common: Common,
    tags: Value,
}

impl TfKind for InternetGateway {
    fn tf_type(&self) -> &'static str {
        "aws_internet_gateway"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = TaggedContext {
            common: Common::new(cx, stack, r, self)?,
            tags: name_tag(&self.name),
        };
        Block::new(t::INTERNET_GATEWAY, &context)
    }
}

/// `gateway_attachment.tf.j2`.
#[derive(Serialize)]
struct GatewayAttachmentContext {
    #[serde(flatten)]
    common: Common,
    vpc: Value,
    gateway: Value,
}

impl TfKind for GatewayAttachment {
    fn tf_type(&self) -> &'static str {
        "aws_internet_gateway_attachment"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = GatewayAttachmentContext {
            common: Common::new(cx, stack, r, self)?,
            vpc: cx.value(stack, &self.vpc)?,
            gateway: cx.value(stack, &self.gateway)?,
        };
        Block::new(t::GATEWAY_ATTACHMENT, &context)
    }
}

/// `subnet.tf.j2`.
#[derive(Serialize)]
struct SubnetContext {
    #[serde(flatten)]
    common: Common,
    vpc: Value,
    cidr: String,
    az: Value,
    tags: Value,
}

impl TfKind for Subnet {
    fn tf_type(&self) -> &'static str {
        "aws_subnet"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = SubnetContext {
            common: Common::new(cx, stack, r, self)?,
            vpc: cx.value(stack, &self.vpc)?,
            cidr: self.cidr.clone(),
            az: cx.value(stack, &self.az)?,
            tags: name_tag(&self.name),
        };
        Block::new(t::SUBNET, &context)
    }
}

impl TfKind for Eip {
    fn tf_type(&self) -> &'static str {
        "aws_eip"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        match a {
            Attr::AllocationId => Some("allocation_id"),
            other => arn_only(other),
        }
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = TaggedContext {
            common: Common::new(cx, stack, r, self)?,
            tags: name_tag(&self.name),
        };
        Block::new(t::EIP, &context)
    }
}

/// `nat_gateway.tf.j2`.
#[derive(Serialize)]
struct NatGatewayContext {
    #[serde(flatten)]
    common: Common,
    subnet: Value,
    eip: Value,
    tags: Value,
}

impl TfKind for NatGateway {
    fn tf_type(&self) -> &'static str {
        "aws_nat_gateway"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = NatGatewayContext {
            common: Common::new(cx, stack, r, self)?,
            subnet: cx.value(stack, &self.subnet)?,
            eip: cx.value(stack, &self.eip)?,
            tags: name_tag(&self.name),
        };
        Block::new(t::NAT_GATEWAY, &context)
    }
}

/// `route_table.tf.j2`.
#[derive(Serialize)]
struct RouteTableContext {
    #[serde(flatten)]
    common: Common,
    vpc: Value,
    tags: Value,
}

impl TfKind for RouteTable {
    fn tf_type(&self) -> &'static str {
        "aws_route_table"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = RouteTableContext {
            common: Common::new(cx, stack, r, self)?,
            vpc: cx.value(stack, &self.vpc)?,
            tags: name_tag(&self.name),
        };
        Block::new(t::ROUTE_TABLE, &context)
    }
}

/// `route.tf.j2`.
#[derive(Serialize)]
struct RouteContext {
    #[serde(flatten)]
    common: Common,
    table: Value,
    destination: Value,
    /// The argument that names the target (`gateway_id`, …), as code.
    target_arg: Value,
    target: Value,
}

impl TfKind for Route {
    fn tf_type(&self) -> &'static str {
        "aws_route"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let (target_arg, target) = match &self.target {
            RouteTarget::Gateway(g) => ("gateway_id", cx.value(stack, g)?),
            RouteTarget::Nat(n) => ("nat_gateway_id", cx.value(stack, n)?),
            RouteTarget::Peering(p) => ("vpc_peering_connection_id", peering_target(cx, stack, p)?),
        };
        let context = RouteContext {
            common: Common::new(cx, stack, r, self)?,
            table: cx.value(stack, &self.table)?,
            destination: cx.value(stack, &self.destination)?,
            target_arg: code(target_arg),
            target,
        };
        Block::new(t::ROUTE, &context)
    }
}

/// A route's peering target: through the connection's accepter when the plan gives it one and
/// it is in this module, so that the route waits for the connection to be active. (In the
/// stacks layout the requester's routes are created while the connection awaits acceptance;
/// AWS keeps them inactive until the peer's stack accepts it.)
fn peering_target<'a>(cx: &Cx<'a>, stack: &'a Stack, v: &V) -> Result<Value, String> {
    if let Some((s, conn)) = cx.target(stack, v) {
        if let Kind::PeeringConnection(PeeringConnection {
            accepter: Some(acc), ..
        }) = &conn.kind
        {
            let acc = cx.resource(s, acc)?;
            if cx.here(s, acc) {
                let acc = cx.address(s, acc);
                return Ok(code(format!("{acc}.vpc_peering_connection_id")));
            }
        }
    }
    cx.value(stack, v)
}

/// `route_table_association.tf.j2`.
#[derive(Serialize)]
struct RouteTableAssociationContext {
    #[serde(flatten)]
    common: Common,
    table: Value,
    subnet: Value,
}

impl TfKind for RouteTableAssociation {
    fn tf_type(&self) -> &'static str {
        "aws_route_table_association"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = RouteTableAssociationContext {
            common: Common::new(cx, stack, r, self)?,
            table: cx.value(stack, &self.table)?,
            subnet: cx.value(stack, &self.subnet)?,
        };
        Block::new(t::ROUTE_TABLE_ASSOCIATION, &context)
    }
}

/// `security_group.tf.j2`.
#[derive(Serialize)]
struct SecurityGroupContext {
    #[serde(flatten)]
    common: Common,
    group_name: String,
    description: String,
    vpc: Value,
    tags: Value,
    /// The rules keyed for `for_each` (see [`rules`]).
    ingress: Value,
    egress: Value,
    has_ingress: bool,
    has_egress: bool,
    /// `#checkov:skip` lines of the ingress rules' block.
    ingress_checkov_skips: Vec<Value>,
}

/// Why a security group of a stack's module (the stacks layout) carries no attachment there.
const ATTACHED_ELSEWHERE: &str = "The group is attached in a later stack's root module (the stacks layout), which takes its id as an input variable; checkov reads one module at a time and cannot see the attachment";

impl TfKind for SecurityGroup {
    fn tf_type(&self) -> &'static str {
        "aws_security_group"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        match a {
            Attr::GroupId => Some("id"),
            other => arn_only(other),
        }
    }
    fn companions(&self) -> &'static [(&'static str, &'static str)] {
        &[
            (
                "aws_vpc_security_group_ingress_rule",
                "the group's ingress rules (inline rules would fight the separate SecurityGroupIngress)",
            ),
            (
                "aws_vpc_security_group_egress_rule",
                "the group's egress rules, exactly as listed",
            ),
        ]
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let mut common = Common::new(cx, stack, r, self)?;
        if cx.read_by_another_module(stack, r) {
            common
                .checkov_skips
                .push(code(format!("#checkov:skip=CKV2_AWS_5:{ATTACHED_ELSEWHERE}")));
        }
        let context = SecurityGroupContext {
            common,
            group_name: self.name.clone(),
            description: self.description.clone(),
            vpc: cx.value(stack, &self.vpc)?,
            tags: name_tag(&self.name),
            ingress: rules(cx, stack, &self.ingress)?,
            egress: rules(cx, stack, &self.egress)?,
            has_ingress: !self.ingress.is_empty(),
            has_egress: !self.egress.is_empty(),
            ingress_checkov_skips: if self.public_web() {
                let (id, why) = crate::render::checkov::HTTP_REDIRECT_PORT;
                vec![code(format!("#checkov:skip={id}:{why}"))]
            } else {
                Vec::new()
            },
        };
        Block::new(t::SECURITY_GROUP, &context)
    }
}

/// Security group rules keyed for `for_each`: `tcp-443` (`-2`, `-3` … when a port repeats).
/// An `Obj`: the formatter writes the whole map, in the plan's order.
fn rules<'a>(cx: &Cx<'a>, stack: &'a Stack, list: &[SgRule]) -> Result<Value, String> {
    let mut out = Obj::new();
    for rule in list {
        let base = if rule.port == rule.to_port {
            format!("tcp-{}", rule.port)
        } else {
            format!("tcp-{}-{}", rule.port, rule.to_port)
        };
        let mut key = base.clone();
        let mut n = 1;
        while out.entries.iter().any(|(k, _)| *k == key) {
            n += 1;
            key = format!("{base}-{n}");
        }
        out.put(&key, rule_obj(cx, stack, rule)?);
    }
    Ok(out.value())
}

/// One rule's arguments, in the order the formatter writes them.
fn rule_obj<'a>(cx: &Cx<'a>, stack: &'a Stack, rule: &SgRule) -> Result<Value, String> {
    let none = || Value::from(());
    let (cidr, group) = match &rule.peer {
        Peer::Cidr(v) => (cx.value(stack, v)?, none()),
        Peer::Group(v) => (none(), cx.value(stack, v)?),
    };
    Ok(Obj::new()
        .set("description", text(rule.description.clone()))
        .set("from_port", Value::from(rule.port))
        .set("to_port", Value::from(rule.to_port))
        .set("cidr_ipv4", cidr)
        .set("referenced_security_group_id", group)
        .value())
}

/// `security_group_ingress.tf.j2`.
#[derive(Serialize)]
struct SecurityGroupIngressContext {
    #[serde(flatten)]
    common: Common,
    group: Value,
    /// The rule (see [`rule_obj`]).
    rule: Value,
}

impl TfKind for SecurityGroupIngress {
    fn tf_type(&self) -> &'static str {
        "aws_vpc_security_group_ingress_rule"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = SecurityGroupIngressContext {
            common: Common::new(cx, stack, r, self)?,
            group: cx.value(stack, &self.group)?,
            rule: rule_obj(cx, stack, &self.rule)?,
        };
        Block::new(t::SECURITY_GROUP_INGRESS, &context)
    }
}

/// `default_security_group.tf.j2`.
#[derive(Serialize)]
struct DefaultSecurityGroupContext {
    #[serde(flatten)]
    common: Common,
    vpc: Value,
}

impl TfKind for DefaultSecurityGroupLockdown {
    fn tf_type(&self) -> &'static str {
        "aws_default_security_group"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = DefaultSecurityGroupContext {
            common: Common::new(cx, stack, r, self)?,
            vpc: cx.value(stack, &self.vpc)?,
        };
        Block::new(t::DEFAULT_SECURITY_GROUP, &context)
    }
}

/// `log_group.tf.j2`.
#[derive(Serialize)]
struct LogGroupContext {
    #[serde(flatten)]
    common: Common,
    log_group_name: String,
    retention: i64,
    kms_key: Value,
}

impl TfKind for LogGroup {
    fn tf_type(&self) -> &'static str {
        "aws_cloudwatch_log_group"
    }
    fn ref_attr(&self) -> &'static str {
        "name"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = LogGroupContext {
            common: Common::new(cx, stack, r, self)?,
            log_group_name: self.name.clone(),
            retention: self.retention_days,
            kms_key: cx.value(stack, &self.kms_key)?,
        };
        Block::new(t::LOG_GROUP, &context)
    }
}

/// `iam_role.tf.j2`.
#[derive(Serialize)]
struct IamRoleContext {
    #[serde(flatten)]
    common: Common,
    role_name: String,
    trust: Value,
    managed: Vec<String>,
    /// `none` when the role has no inline policy.
    inline_policy: Option<Value>,
}

impl TfKind for IamRole {
    fn tf_type(&self) -> &'static str {
        "aws_iam_role"
    }
    fn ref_attr(&self) -> &'static str {
        "name"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn companions(&self) -> &'static [(&'static str, &'static str)] {
        &[
            (
                "aws_iam_role_policy",
                "the role's inline policy (the inline_policy argument is deprecated)",
            ),
            (
                "aws_iam_role_policy_attachment",
                "the role's managed policies (managed_policy_arns is deprecated)",
            ),
        ]
    }
    /// The role's attached and inline policies: a resource acting as the role needs them, and
    /// nothing else orders them before it.
    fn ready_after(&self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        if !self.managed_policies.is_empty() {
            out.push(format!("aws_iam_role_policy_attachment.{name}"));
        }
        if !self.policy.is_empty() {
            out.push(format!("aws_iam_role_policy.{name}"));
        }
        out
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = IamRoleContext {
            common: Common::new(cx, stack, r, self)?,
            role_name: self.name.clone(),
            trust: policy(cx, stack, &self.trust)?,
            managed: self.managed_policies.clone(),
            inline_policy: if self.policy.is_empty() {
                None
            } else {
                Some(policy(cx, stack, &self.policy)?)
            },
        };
        Block::new(t::IAM_ROLE, &context)
    }
}

/// `flow_log.tf.j2`.
#[derive(Serialize)]
struct FlowLogContext {
    #[serde(flatten)]
    common: Common,
    vpc: Value,
    log_group: Value,
    role: Value,
}

impl TfKind for FlowLog {
    fn tf_type(&self) -> &'static str {
        "aws_flow_log"
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
        let context = FlowLogContext {
            common,
            vpc: cx.value(stack, &self.vpc)?,
            log_group: cx.value(stack, &self.log_group)?,
            role: cx.value(stack, &self.role)?,
        };
        Block::new(t::FLOW_LOG, &context)
    }
}
