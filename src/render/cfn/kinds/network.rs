//! The network layer and the building blocks the other layers share (KMS keys, log groups, IAM
//! roles, security groups) as CloudFormation resources.

use super::CfnKind;
use crate::plan::kinds::*;
use crate::plan::{Attr, Kind, Peer, RouteTarget, SgRule, V};
use crate::render::cfn::value::{plain, Ctx};
use crate::render::checkov;
use serde_json::{json, Map, Value};

impl CfnKind for KmsKey {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::KMS::Key")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let KmsKey {
            description,
            policy,
            multi_region,
        } = self;
        let mut p = json!({
            "Description": description,
            "EnableKeyRotation": true,
            "KeyPolicy": ctx.policy(policy),
            "Tags": ctx.tags(None),
        });
        if *multi_region {
            p["MultiRegion"] = json!(true);
        }
        p
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

impl CfnKind for KmsAlias {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::KMS::Alias")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let KmsAlias { name, key } = self;
        json!({ "AliasName": name, "TargetKeyId": ctx.v(key) })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

impl CfnKind for Vpc {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::EC2::VPC")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let Vpc { cidr, name } = self;
        json!({
            "CidrBlock": cidr,
            "EnableDnsHostnames": true,
            "EnableDnsSupport": true,
            "Tags": ctx.tags(Some(name)),
        })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

impl CfnKind for InternetGateway {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::EC2::InternetGateway")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let InternetGateway { name } = self;
        json!({ "Tags": ctx.tags(Some(name)) })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

impl CfnKind for GatewayAttachment {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::EC2::VPCGatewayAttachment")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let GatewayAttachment { vpc, gateway } = self;
        json!({ "VpcId": ctx.v(vpc), "InternetGatewayId": ctx.v(gateway) })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

impl CfnKind for Subnet {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::EC2::Subnet")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        // Public subnets hold the NAT gateways only (they have Elastic IPs): nothing launched
        // there gets a public address by default, so `public` changes nothing here.
        let Subnet {
            vpc,
            cidr,
            az,
            public: _,
            name,
        } = self;
        json!({
            "VpcId": ctx.v(vpc),
            "CidrBlock": cidr,
            "AvailabilityZone": ctx.v(az),
            "MapPublicIpOnLaunch": false,
            "Tags": ctx.tags(Some(name)),
        })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

impl CfnKind for Eip {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::EC2::EIP")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let Eip { name } = self;
        json!({ "Domain": "vpc", "Tags": ctx.tags(Some(name)) })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

impl CfnKind for NatGateway {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::EC2::NatGateway")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let NatGateway { subnet, eip, name } = self;
        json!({
            "SubnetId": ctx.v(subnet),
            "AllocationId": ctx.v(eip),
            "Tags": ctx.tags(Some(name)),
        })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

impl CfnKind for RouteTable {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::EC2::RouteTable")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let RouteTable { vpc, name } = self;
        json!({ "VpcId": ctx.v(vpc), "Tags": ctx.tags(Some(name)) })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

impl CfnKind for Route {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::EC2::Route")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let Route {
            table,
            destination,
            target,
        } = self;
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

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

impl CfnKind for RouteTableAssociation {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::EC2::SubnetRouteTableAssociation")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let RouteTableAssociation { table, subnet } = self;
        json!({ "RouteTableId": ctx.v(table), "SubnetId": ctx.v(subnet) })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
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

/// The egress rules of a group, always written out: CloudFormation gives a group an allow-all
/// egress rule whenever `SecurityGroupEgress` is absent (or empty). A group meant to send nothing
/// gets a rule that matches no traffic (ICMP type 252 code 86 to the broadcast address, the same
/// placeholder the AWS CDK uses).
fn egress_rules(ctx: &Ctx, egress: &[SgRule]) -> Value {
    if egress.is_empty() {
        return json!([{
            "IpProtocol": "icmp",
            "FromPort": 252,
            "ToPort": 86,
            "CidrIp": "255.255.255.255/32",
            "Description": "No egress: a rule that matches no traffic",
        }]);
    }
    Value::Array(egress.iter().map(|r| Value::Object(sg_rule(ctx, r, false))).collect())
}

impl CfnKind for SecurityGroup {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::EC2::SecurityGroup")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let SecurityGroup {
            vpc,
            name,
            description,
            ingress,
            egress,
        } = self;
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
        p.insert("SecurityGroupEgress".into(), egress_rules(ctx, egress));
        p.insert("Tags".into(), ctx.tags(Some(name)));
        Value::Object(p)
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }

    /// Port 80 from anywhere: the plan opens it on the public load balancer's group alone, for
    /// the listener that redirects to HTTPS (a test holds that no other group admits the world).
    fn checkov_skips(&self) -> Vec<(&'static str, &'static str)> {
        if self.public_web() {
            vec![checkov::HTTP_REDIRECT_PORT]
        } else {
            Vec::new()
        }
    }
}

impl CfnKind for SecurityGroupIngress {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::EC2::SecurityGroupIngress")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let SecurityGroupIngress { group, rule } = self;
        let mut m = sg_rule(ctx, rule, true);
        m.insert("GroupId".into(), ctx.v(group));
        Value::Object(m)
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

/// CloudFormation cannot hold the VPC's default security group: Terraform only.
impl CfnKind for DefaultSecurityGroupLockdown {
    fn type_name(&self) -> Option<&'static str> {
        None
    }

    fn properties(&self, _: &Ctx) -> Value {
        let DefaultSecurityGroupLockdown { vpc: _ } = self;
        Value::Null
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

impl CfnKind for LogGroup {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::Logs::LogGroup")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let LogGroup {
            name,
            retention_days,
            kms_key,
        } = self;
        json!({
            "LogGroupName": name,
            "RetentionInDays": retention_days,
            "KmsKeyId": ctx.v(kms_key),
            "Tags": ctx.tags(Some(name)),
        })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

impl CfnKind for IamRole {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::IAM::Role")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let IamRole {
            name,
            trust,
            managed_policies,
            policy,
        } = self;
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

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

/// The id of the log group of this stack whose ARN `v` is, if it is one.
fn own_log_group<'v>(ctx: &Ctx, v: &'v V) -> Option<&'v String> {
    let V::Attr(id, Attr::Arn) = v else {
        return None;
    };
    let Kind::LogGroup(_) = &ctx.stack.resource(id)?.kind else {
        return None;
    };
    Some(id)
}

impl CfnKind for FlowLog {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::EC2::FlowLog")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let FlowLog { vpc, log_group, role } = self;
        // `Fn::GetAtt <LogGroup>.Arn` ends in `:*`, which is not the plain log-group ARN that
        // `LogDestination` documents; a log group of the same stack is named by `LogGroupName`.
        // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateFlowLogs.html
        let (key, destination) = match own_log_group(ctx, log_group) {
            Some(id) => ("LogGroupName", ctx.v(&V::Ref(id.clone()))),
            None => ("LogDestination", ctx.v(log_group)),
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

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}
