//! Network, peering and the shared building blocks (KMS keys, log groups, IAM roles, security
//! groups) as CloudFormation resources.

use super::value::Ctx;
#[allow(unused_imports)]
use crate::plan::kinds::*;
use crate::plan::{Attr, Kind, Peer, RouteTarget, SgRule, Statement, V};
use serde_json::{json, Map, Value};

pub(super) fn kms_key(ctx: &Ctx, description: &str, policy: &[Statement]) -> Value {
    json!({
        "Description": description,
        "EnableKeyRotation": true,
        "KeyPolicy": ctx.policy(policy),
        "Tags": ctx.tags(None),
    })
}

pub(super) fn kms_alias(ctx: &Ctx, name: &str, key: &V) -> Value {
    json!({ "AliasName": name, "TargetKeyId": ctx.v(key) })
}

pub(super) fn vpc(ctx: &Ctx, cidr: &str, name: &str) -> Value {
    json!({
        "CidrBlock": cidr,
        "EnableDnsHostnames": true,
        "EnableDnsSupport": true,
        "Tags": ctx.tags(Some(name)),
    })
}

pub(super) fn internet_gateway(ctx: &Ctx, name: &str) -> Value {
    json!({ "Tags": ctx.tags(Some(name)) })
}

pub(super) fn gateway_attachment(ctx: &Ctx, vpc: &V, gateway: &V) -> Value {
    json!({ "VpcId": ctx.v(vpc), "InternetGatewayId": ctx.v(gateway) })
}

pub(super) fn subnet(ctx: &Ctx, vpc: &V, cidr: &str, az: &V, name: &str) -> Value {
    // Public subnets hold the NAT gateways only (they have Elastic IPs): nothing launched
    // there gets a public address by default.
    json!({
        "VpcId": ctx.v(vpc),
        "CidrBlock": cidr,
        "AvailabilityZone": ctx.v(az),
        "MapPublicIpOnLaunch": false,
        "Tags": ctx.tags(Some(name)),
    })
}

pub(super) fn eip(ctx: &Ctx, name: &str) -> Value {
    json!({ "Domain": "vpc", "Tags": ctx.tags(Some(name)) })
}

pub(super) fn nat_gateway(ctx: &Ctx, subnet: &V, eip: &V, name: &str) -> Value {
    json!({
        "SubnetId": ctx.v(subnet),
        "AllocationId": ctx.v(eip),
        "Tags": ctx.tags(Some(name)),
    })
}

pub(super) fn route_table(ctx: &Ctx, vpc: &V, name: &str) -> Value {
    json!({ "VpcId": ctx.v(vpc), "Tags": ctx.tags(Some(name)) })
}

pub(super) fn route(ctx: &Ctx, table: &V, destination: &V, target: &RouteTarget) -> Value {
    let (key, t) = match target {
        RouteTarget::Gateway(v) => ("GatewayId", v),
        RouteTarget::Nat(v) => ("NatGatewayId", v),
        RouteTarget::Peering(v) => ("VpcPeeringConnectionId", v),
    };
    json!({
        "RouteTableId": ctx.v(table),
        "DestinationCidrBlock": ctx.v(destination),
        key: ctx.v(t),
    })
}

pub(super) fn route_table_association(ctx: &Ctx, table: &V, subnet: &V) -> Value {
    json!({ "RouteTableId": ctx.v(table), "SubnetId": ctx.v(subnet) })
}

/// One TCP rule; `ingress` decides whether a group peer is the source or the destination.
fn sg_rule(ctx: &Ctx, rule: &SgRule, ingress: bool) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("IpProtocol".into(), json!("tcp"));
    m.insert("FromPort".into(), json!(rule.port));
    m.insert("ToPort".into(), json!(rule.to_port));
    m.insert("Description".into(), json!(rule.description));
    match &rule.peer {
        Peer::Cidr(c) => {
            m.insert("CidrIp".into(), ctx.v(c));
        }
        Peer::Group(g) => {
            let key = if ingress {
                "SourceSecurityGroupId"
            } else {
                "DestinationSecurityGroupId"
            };
            m.insert(key.into(), ctx.v(g));
        }
    }
    m
}

pub(super) fn security_group(
    ctx: &Ctx,
    vpc: &V,
    name: &str,
    description: &str,
    ingress: &[SgRule],
    egress: &[SgRule],
) -> Value {
    // CloudFormation gives a group an allow-all egress rule whenever `SecurityGroupEgress` is
    // absent (or empty), so the egress list is always written out. A group meant to send nothing
    // gets a rule that matches no traffic (ICMP type 252 code 86 to the broadcast address, the
    // same placeholder the AWS CDK uses).
    let egress: Vec<Value> = if egress.is_empty() {
        vec![json!({
            "IpProtocol": "icmp",
            "FromPort": 252,
            "ToPort": 86,
            "CidrIp": "255.255.255.255/32",
            "Description": "No egress: a rule that matches no traffic",
        })]
    } else {
        egress.iter().map(|r| Value::Object(sg_rule(ctx, r, false))).collect()
    };
    let mut p = Map::new();
    p.insert("GroupName".into(), json!(name));
    p.insert("GroupDescription".into(), json!(description));
    p.insert("VpcId".into(), ctx.v(vpc));
    if !ingress.is_empty() {
        p.insert(
            "SecurityGroupIngress".into(),
            Value::Array(ingress.iter().map(|r| Value::Object(sg_rule(ctx, r, true))).collect()),
        );
    }
    p.insert("SecurityGroupEgress".into(), Value::Array(egress));
    p.insert("Tags".into(), ctx.tags(Some(name)));
    Value::Object(p)
}

pub(super) fn security_group_ingress(ctx: &Ctx, group: &V, rule: &SgRule) -> Value {
    let mut m = sg_rule(ctx, rule, true);
    m.insert("GroupId".into(), ctx.v(group));
    Value::Object(m)
}

pub(super) fn log_group(ctx: &Ctx, name: &str, retention_days: i64, kms_key: &V) -> Value {
    json!({
        "LogGroupName": name,
        "RetentionInDays": retention_days,
        "KmsKeyId": ctx.v(kms_key),
        "Tags": ctx.tags(Some(name)),
    })
}

pub(super) fn iam_role(
    ctx: &Ctx,
    name: &str,
    trust: &[Statement],
    managed_policies: &[String],
    policy: &[Statement],
) -> Value {
    let mut p = Map::new();
    p.insert("RoleName".into(), json!(name));
    p.insert("AssumeRolePolicyDocument".into(), ctx.policy(trust));
    if !managed_policies.is_empty() {
        p.insert("ManagedPolicyArns".into(), json!(managed_policies));
    }
    if !policy.is_empty() {
        p.insert(
            "Policies".into(),
            json!([{ "PolicyName": name, "PolicyDocument": ctx.policy(policy) }]),
        );
    }
    p.insert("Tags".into(), ctx.tags(Some(name)));
    Value::Object(p)
}

pub(super) fn flow_log(ctx: &Ctx, vpc: &V, log_group: &V, role: &V) -> Value {
    // `Fn::GetAtt <LogGroup>.Arn` ends in `:*`, which is not the plain log-group ARN that
    // `LogDestination` documents; a log group of the same stack is named by `LogGroupName`.
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateFlowLogs.html
    let (key, destination) = match log_group {
        V::Attr(id, Attr::Arn)
            if matches!(
                ctx.stack.resource(id).map(|r| &r.kind),
                Some(Kind::LogGroup(LogGroup { .. }))
            ) =>
        {
            ("LogGroupName", ctx.v(&V::Ref(id.clone())))
        }
        other => ("LogDestination", ctx.v(other)),
    };
    json!({
        "ResourceId": ctx.v(vpc),
        "ResourceType": "VPC",
        "TrafficType": "ALL",
        "LogDestinationType": "cloud-watch-logs",
        key: destination,
        "DeliverLogsPermissionArn": ctx.v(role),
        "Tags": ctx.tags(None),
    })
}

pub(super) fn peering_connection(ctx: &Ctx, vpc: &V, peer_vpc: &V, peer_region: &str, name: &str) -> Value {
    json!({
        "VpcId": ctx.v(vpc),
        "PeerVpcId": ctx.v(peer_vpc),
        "PeerRegion": peer_region,
        "Tags": ctx.tags(Some(name)),
    })
}
