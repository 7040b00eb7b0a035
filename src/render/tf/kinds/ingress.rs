//! The ingress layer's kinds in Terraform: the internet-facing Application Load Balancer, its
//! listeners, the application's target group, the certificate with its DNS validation (the
//! validation records and the wait for issuance are rendered beside it), and the WAF web ACL
//! with its association.

use super::super::hcl::{code, text};
use super::super::templates as t;
use super::super::Cx;
use super::{arn_only, name_tag, Block, Common, TfKind};
use crate::plan::kinds::*;
use crate::plan::{Attr, ListenerAction, Resource, Stack, V};
use minijinja::value::Value;
use serde::Serialize;

/// `load_balancer.tf.j2`.
#[derive(Serialize)]
struct LoadBalancerContext {
    #[serde(flatten)]
    common: Common,
    lb_name: String,
    subnets: Value,
    security_groups: Value,
    deletion_protection: bool,
    drop_invalid_header_fields: bool,
    tags: Value,
}

/// checkov's CKV2_AWS_76 (Terraform only) wants an associated web ACL to hold both AWS's known
/// bad inputs rule group (whose Log4JRCE rules are the Log4j protection the check is named for)
/// and the anonymous IP list, which is no Log4j protection.
const LOG4J_ANONYMOUS_IP_LIST: &str = "The web ACL holds AWSManagedRulesKnownBadInputsRuleSet, whose Log4JRCE rules are the Log4j protection the check is named for; it also asks for AWSManagedRulesAnonymousIpList, which is no Log4j protection but a traffic policy: by default it blocks VPN and proxy users and every address of hosting and cloud providers (HostingProviderIPList), where the application's server-to-server clients are";

impl TfKind for LoadBalancer {
    fn tf_type(&self) -> &'static str {
        "aws_lb"
    }
    fn ref_attr(&self) -> &'static str {
        "arn"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        match a {
            Attr::DnsName => Some("dns_name"),
            Attr::CanonicalHostedZoneId => Some("zone_id"),
            // `app/<name>/<id>`: the `LoadBalancer` dimension of its CloudWatch metrics.
            Attr::LoadBalancerFullName => Some("arn_suffix"),
            other => arn_only(other),
        }
    }
    fn checkov_skips(&self) -> Vec<(&'static str, &'static str)> {
        crate::render::checkov::LOAD_BALANCER.to_vec()
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let mut common = Common::new(cx, stack, r, self)?;
        let protected = stack
            .resources
            .iter()
            .any(|w| matches!(&w.kind, Kind::WebAclAssociation(a) if a.resource == V::r(&r.id)));
        if protected {
            common
                .checkov_skips
                .push(code(format!("#checkov:skip=CKV2_AWS_76:{LOG4J_ANONYMOUS_IP_LIST}")));
        }
        let context = LoadBalancerContext {
            common,
            lb_name: self.name.clone(),
            subnets: cx.value(stack, &self.subnets)?,
            security_groups: cx.values(stack, &self.security_groups)?,
            deletion_protection: super::switch(stack, &self.deletion_protection)?,
            drop_invalid_header_fields: self.drop_invalid_header_fields,
            tags: name_tag(&self.name),
        };
        Block::new(t::LOAD_BALANCER, &context)
    }
}

/// `target_group.tf.j2`.
#[derive(Serialize)]
struct TargetGroupContext {
    #[serde(flatten)]
    common: Common,
    group_name: String,
    vpc: Value,
    port: i64,
    health_check_path: String,
    tags: Value,
}

impl TfKind for TargetGroup {
    fn tf_type(&self) -> &'static str {
        "aws_lb_target_group"
    }
    fn ref_attr(&self) -> &'static str {
        "arn"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn checkov_skips(&self) -> Vec<(&'static str, &'static str)> {
        crate::render::checkov::TARGET_GROUP.to_vec()
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = TargetGroupContext {
            common: Common::new(cx, stack, r, self)?,
            group_name: self.name.clone(),
            vpc: cx.value(stack, &self.vpc)?,
            port: self.port,
            health_check_path: self.health_check_path.clone(),
            tags: name_tag(&self.name),
        };
        Block::new(t::TARGET_GROUP, &context)
    }
}

/// `listener.tf.j2`.
#[derive(Serialize)]
struct ListenerContext {
    #[serde(flatten)]
    common: Common,
    load_balancer: Value,
    port: i64,
    /// `HTTPS` or `HTTP`.
    protocol: &'static str,
    certificate: Option<Value>,
    policy: Option<Value>,
    /// The target group of a forward; `None` for the redirect to HTTPS.
    forward: Option<Value>,
}

impl TfKind for Listener {
    fn tf_type(&self) -> &'static str {
        "aws_lb_listener"
    }
    fn ref_attr(&self) -> &'static str {
        "arn"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn checkov_skips(&self) -> Vec<(&'static str, &'static str)> {
        match self.tls {
            Some(_) => Vec::new(),
            None => crate::render::checkov::HTTP_REDIRECT_LISTENER.to_vec(),
        }
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let mut common = Common::new(cx, stack, r, self)?;
        if let Some(tls) = &self.tls {
            // The certificate is usable once issued: its validation waits for that.
            common.ready_after(cx, stack, &tls.certificate);
        }
        let context = ListenerContext {
            common,
            load_balancer: cx.value(stack, &self.load_balancer)?,
            port: self.port,
            protocol: if self.tls.is_some() { "HTTPS" } else { "HTTP" },
            certificate: self.tls.as_ref().map(|t| cx.value(stack, &t.certificate)).transpose()?,
            policy: self.tls.as_ref().map(|t| text(t.policy.clone())),
            forward: match &self.action {
                ListenerAction::Forward(group) => Some(cx.value(stack, group)?),
                ListenerAction::RedirectToHttps => None,
            },
        };
        Block::new(t::LISTENER, &context)
    }
}

/// `certificate.tf.j2`.
#[derive(Serialize)]
struct CertificateContext {
    #[serde(flatten)]
    common: Common,
    domain: String,
    alternative_names: Vec<String>,
    zone: Value,
    tags: Value,
}

impl TfKind for Certificate {
    fn tf_type(&self) -> &'static str {
        "aws_acm_certificate"
    }
    fn ref_attr(&self) -> &'static str {
        "arn"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn companions(&self) -> &'static [(&'static str, &'static str)] {
        &[
            (
                "aws_route53_record",
                "the DNS validation records (CloudFormation writes them itself); the same in every region's module, so they overwrite each other (provider issue 13653)",
            ),
            (
                "aws_acm_certificate_validation",
                "the wait until the certificate is issued (CloudFormation's certificate resource waits itself)",
            ),
        ]
    }
    fn ready_after(&self, name: &str) -> Vec<String> {
        vec![format!("aws_acm_certificate_validation.{name}")]
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = CertificateContext {
            common: Common::new(cx, stack, r, self)?,
            domain: self.domain.clone(),
            alternative_names: self.alternative_names.clone(),
            zone: cx.zone_id(&self.zone),
            tags: name_tag(&self.domain),
        };
        Block::new(t::CERTIFICATE, &context)
    }
}

/// `web_acl.tf.j2`.
#[derive(Serialize)]
struct WebAclContext {
    #[serde(flatten)]
    common: Common,
    acl_name: String,
    rule_groups: Vec<String>,
    tags: Value,
}

impl TfKind for WebAcl {
    fn tf_type(&self) -> &'static str {
        "aws_wafv2_web_acl"
    }
    fn ref_attr(&self) -> &'static str {
        "arn"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn checkov_skips(&self) -> Vec<(&'static str, &'static str)> {
        crate::render::checkov::WEB_ACL.to_vec()
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = WebAclContext {
            common: Common::new(cx, stack, r, self)?,
            acl_name: self.name.clone(),
            rule_groups: self.managed_rule_groups.clone(),
            tags: name_tag(&self.name),
        };
        Block::new(t::WEB_ACL, &context)
    }
}

/// `web_acl_association.tf.j2`.
#[derive(Serialize)]
struct WebAclAssociationContext {
    #[serde(flatten)]
    common: Common,
    resource: Value,
    web_acl: Value,
}

impl TfKind for WebAclAssociation {
    fn tf_type(&self) -> &'static str {
        "aws_wafv2_web_acl_association"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = WebAclAssociationContext {
            common: Common::new(cx, stack, r, self)?,
            resource: cx.value(stack, &self.resource)?,
            web_acl: cx.value(stack, &self.web_acl)?,
        };
        Block::new(t::WEB_ACL_ASSOCIATION, &context)
    }
}
