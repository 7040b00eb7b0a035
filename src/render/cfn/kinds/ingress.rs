//! The entry point as CloudFormation resources: the internet-facing Application Load Balancer,
//! its listeners, the application's target group, the certificate (validated through DNS by
//! CloudFormation itself, given the hosted zone's id) and the WAF web ACL with its association.

use super::CfnKind;
use crate::plan::kinds::*;
use crate::plan::{Attr, ListenerAction, ListenerTls};
use crate::render::cfn::value::{plain, Ctx};
use crate::render::checkov;
use serde_json::{json, Value};

impl CfnKind for LoadBalancer {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::ElasticLoadBalancingV2::LoadBalancer")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let LoadBalancer {
            name,
            subnets,
            security_groups,
            deletion_protection,
            drop_invalid_header_fields,
        } = self;
        json!({
            "Name": name,
            "Type": "application",
            "Scheme": "internet-facing",
            "Subnets": ctx.v(subnets),
            "SecurityGroups": ctx.list(security_groups),
            "LoadBalancerAttributes": [
                { "Key": "deletion_protection.enabled", "Value": ctx.v(deletion_protection) },
                { "Key": "routing.http.drop_invalid_header_fields.enabled", "Value": drop_invalid_header_fields.to_string() },
            ],
            "Tags": ctx.tags(Some(name)),
        })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        match a {
            // `Ref` of a load balancer is its ARN.
            Attr::Arn => None,
            Attr::DnsName => Some("DNSName"),
            Attr::CanonicalHostedZoneId => Some("CanonicalHostedZoneID"),
            Attr::LoadBalancerFullName => Some("LoadBalancerFullName"),
            other => plain(other),
        }
    }

    fn checkov_skips(&self) -> Vec<(&'static str, &'static str)> {
        checkov::LOAD_BALANCER.to_vec()
    }
}

impl CfnKind for TargetGroup {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::ElasticLoadBalancingV2::TargetGroup")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let TargetGroup {
            name,
            vpc,
            port,
            health_check_path,
        } = self;
        json!({
            "Name": name,
            "TargetType": "ip",
            "Protocol": "HTTP",
            "Port": port,
            "VpcId": ctx.v(vpc),
            "HealthCheckPath": health_check_path,
            "Tags": ctx.tags(Some(name)),
        })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        match a {
            // `Ref` of a target group is its ARN.
            Attr::Arn => None,
            other => plain(other),
        }
    }
}

impl CfnKind for Listener {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::ElasticLoadBalancingV2::Listener")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let Listener {
            load_balancer,
            port,
            tls,
            action,
        } = self;
        let action = match action {
            ListenerAction::Forward(group) => json!({ "Type": "forward", "TargetGroupArn": ctx.v(group) }),
            ListenerAction::RedirectToHttps => json!({
                "Type": "redirect",
                "RedirectConfig": { "Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301" },
            }),
        };
        let mut p = json!({
            "LoadBalancerArn": ctx.v(load_balancer),
            "Port": port,
            "Protocol": if tls.is_some() { "HTTPS" } else { "HTTP" },
            "DefaultActions": [action],
        });
        if let Some(ListenerTls { certificate, policy }) = tls {
            p["SslPolicy"] = json!(policy);
            p["Certificates"] = json!([{ "CertificateArn": ctx.v(certificate) }]);
        }
        p
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

impl CfnKind for Certificate {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::CertificateManager::Certificate")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let Certificate {
            domain,
            alternative_names,
            zone,
        } = self;
        let mut p = json!({
            "DomainName": domain,
            "ValidationMethod": "DNS",
            "Tags": ctx.tags(Some(domain)),
        });
        // CloudFormation writes the validation records and waits for the certificate only when
        // each name's `HostedZoneId` is given (MR005 asks for it): https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-certificatemanager-certificate.html
        // Without it the options are left out (`ValidationDomain` is refused with DNS
        // validation, aws/aws-cdk issue 7933) and the records are someone else's to write.
        if let Some(id) = &zone.id {
            let options: Vec<Value> = std::iter::once(domain)
                .chain(alternative_names)
                .map(|name| json!({ "DomainName": name, "HostedZoneId": id }))
                .collect();
            p["DomainValidationOptions"] = json!(options);
        }
        if !alternative_names.is_empty() {
            p["SubjectAlternativeNames"] = json!(alternative_names);
        }
        p
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        match a {
            // `Ref` of a certificate is its ARN.
            Attr::Arn => None,
            other => plain(other),
        }
    }
}

impl CfnKind for WebAcl {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::WAFv2::WebACL")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let WebAcl {
            name,
            managed_rule_groups,
        } = self;
        let visibility = |metric: &str| json!({ "SampledRequestsEnabled": true, "CloudWatchMetricsEnabled": true, "MetricName": metric });
        let rules: Vec<Value> = managed_rule_groups
            .iter()
            .enumerate()
            .map(|(i, group)| {
                json!({
                    "Name": group,
                    "Priority": i,
                    "Statement": { "ManagedRuleGroupStatement": { "VendorName": "AWS", "Name": group } },
                    "OverrideAction": { "None": {} },
                    "VisibilityConfig": visibility(group),
                })
            })
            .collect();
        json!({
            "Name": name,
            "Scope": "REGIONAL",
            "DefaultAction": { "Allow": {} },
            "Rules": rules,
            "VisibilityConfig": visibility(name),
            "Tags": ctx.tags(Some(name)),
        })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

impl CfnKind for WebAclAssociation {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::WAFv2::WebACLAssociation")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let WebAclAssociation { resource, web_acl } = self;
        json!({ "ResourceArn": ctx.v(resource), "WebACLArn": ctx.v(web_acl) })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}
