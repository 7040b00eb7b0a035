//! The `ingress` layer: per region the entry point that every DNS name of the environment leads
//! to. An internet-facing Application Load Balancer in the public subnets behind its own
//! security group (443 and 80 from anywhere, the one exception SPEC section 5 allows; 80 only
//! redirects), an HTTPS listener with an ACM certificate and a current TLS policy, an HTTP
//! listener that redirects to HTTPS, an AWS WAF web ACL with AWS's managed rule groups, and an IP
//! target group on the port the application's pods listen on, which the EKS nodes' security
//! group admits from the load balancer's group only.
//!
//! The certificate is the region's own (ACM certificates are regional and cannot be copied
//! between regions: https://docs.aws.amazon.com/acm/latest/userguide/acm-regions.html) and
//! covers the region's entry-point name and every routing record's name, so that a client that
//! arrives through any record finds a matching certificate in whichever region answers. It is
//! validated through DNS in the hosted zone.
//!
//! Access logs go to the region's `logs` bucket once the storage layer exists; until then the
//! load balancers log nothing (the README says so).

use super::layer::Layer;
use super::parts::*;
use super::types::*;
use super::values::*;
use crate::model::env::{Ingress, RegionEnv, Route53};
use crate::model::Environment;
use crate::naming::regional_id;
use crate::plan::kinds::*;

/// The TLS security policy of every HTTPS listener: TLS 1.3 and 1.2 with restricted ciphers,
/// the policy the console picks by default and AWS recommends. Source:
/// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
pub const TLS_POLICY: &str = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06";

/// AWS's managed rule groups on every web ACL: the core rule set (OWASP Top 10 style
/// protections) and known bad inputs (such as Log4j's JNDI lookups). Source:
/// https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html
pub const MANAGED_RULE_GROUPS: [&str; 2] = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"];

const HTTPS_PORT: u16 = 443;
const DELETION_PROTECTION: &str = "DeletionProtection";
const HTTP_PORT: u16 = 80;

/// Everything a client may call the region by: its entry-point name, then each routing
/// record's name, each once.
pub fn certificate_names(ingress: &Ingress, r53: &Route53, region: &str) -> Vec<String> {
    let mut names: Vec<String> = ingress.entry_points.get(region).cloned().into_iter().collect();
    for rec in &r53.records {
        if !names.contains(&rec.fqdn) {
            names.push(rec.fqdn.clone());
        }
    }
    names
}

/// The name of a region's target group, which `kubernetes/<region>/target-group-binding.yaml`
/// binds the application's Service to.
pub fn target_group_name(env: &Environment, region: &str) -> String {
    regional_id(env, "tg", region)
}

/// The application's TargetGroupBinding in each region (with ingress and EKS).
pub(super) fn bindings(env: &Environment) -> Vec<TargetGroupBinding> {
    let (Some(ing), Some(_), Some(e)) = (&env.ingress, &env.route53, &env.eks) else {
        return Vec::new();
    };
    env.regions
        .iter()
        .map(|r| TargetGroupBinding {
            region: r.code.clone(),
            namespace: e.workload.namespace.clone(),
            service: e.workload.service_account.clone(),
            port: ing.port,
            target_group: target_group_name(env, &r.code),
        })
        .collect()
}

pub(super) fn ingress(env: &Environment) -> Vec<Stack> {
    let (Some(ing), Some(r53)) = (&env.ingress, &env.route53) else {
        return Vec::new();
    };
    env.regions.iter().map(|r| region_stack(env, ing, r53, r)).collect()
}

fn region_stack(env: &Environment, ing: &Ingress, r53: &Route53, r: &RegionEnv) -> Stack {
    let mut s = stack(
        env,
        Layer::Ingress,
        &r.code,
        format!(
            "{} {}: the entry point: an internet-facing Application Load Balancer with its certificate and WAF web ACL, and the application's target group",
            env.name, r.code
        ),
    );
    s.parameters = from_network(env, r, vec![Out::VpcId, Out::PublicSubnetIds]);
    // A new stack is created without deletion protection and deployed again with it on: a
    // rollback cannot delete a protected load balancer and would stop in ROLLBACK_FAILED (SPEC
    // section 5.1: nothing that deletion protection guards is left half-created by a rollback).
    s.parameters.push(on_once_created(
        DELETION_PROTECTION,
        "Deletion protection of the load balancer",
        "a rollback cannot delete a protected load balancer and would stop in ROLLBACK_FAILED",
    ));
    let port = u16::try_from(ing.port).unwrap_or(u16::MAX);
    let anywhere = || Peer::Cidr(V::s("0.0.0.0/0"));
    s.resources.push(res(
        "lb_security_group",
        Kind::SecurityGroup(SecurityGroup {
            vpc: V::p("VpcId"),
            name: regional_id(env, "lb", &r.code),
            description: format!("{} {}: the public load balancer", env.name, r.code),
            ingress: vec![
                sg_rule("HTTPS from anywhere", HTTPS_PORT, anywhere()),
                sg_rule("HTTP from anywhere, redirected to HTTPS", HTTP_PORT, anywhere()),
            ],
            egress: r
                .cidr
                .map(|c| {
                    sg_rule(
                        "The application's pods in the VPC",
                        port,
                        Peer::Cidr(V::s(c.to_string())),
                    )
                })
                .into_iter()
                .collect(),
        }),
    ));
    if env.eks.is_some() {
        let eks = stack_name(env, Layer::Eks, &r.code);
        s.parameters.push(take(&eks, Out::ClusterSecurityGroupId));
        s.resources.push(res(
            "nodes_from_load_balancer",
            Kind::SecurityGroupIngress(SecurityGroupIngress {
                group: V::p(&Out::ClusterSecurityGroupId.name()),
                rule: sg_rule(
                    "The application's port from the load balancer",
                    port,
                    Peer::Group(V::attr("lb_security_group", Attr::GroupId)),
                ),
            }),
        ));
    }
    let names = certificate_names(ing, r53, &r.code);
    s.resources.push(res(
        "certificate",
        Kind::Certificate(Certificate {
            domain: names.first().cloned().unwrap_or_default(),
            alternative_names: names.iter().skip(1).cloned().collect(),
            zone: hosted_zone(r53),
        }),
    ));
    let tg_name = target_group_name(env, &r.code);
    s.resources.push(res(
        "target_group",
        Kind::TargetGroup(TargetGroup {
            name: tg_name,
            vpc: V::p("VpcId"),
            port: ing.port,
            health_check_path: r53.path.value.clone(),
        }),
    ));
    s.resources.push(res(
        "load_balancer",
        Kind::LoadBalancer(LoadBalancer {
            name: regional_id(env, "lb", &r.code),
            subnets: V::p("PublicSubnetIds"),
            security_groups: vec![V::attr("lb_security_group", Attr::GroupId)],
            deletion_protection: V::p(DELETION_PROTECTION),
            drop_invalid_header_fields: true,
        }),
    ));
    s.resources.push(res(
        "https_listener",
        Kind::Listener(Listener {
            load_balancer: V::r("load_balancer"),
            port: i64::from(HTTPS_PORT),
            tls: Some(ListenerTls {
                certificate: V::r("certificate"),
                policy: TLS_POLICY.into(),
            }),
            action: ListenerAction::Forward(V::r("target_group")),
        }),
    ));
    s.resources.push(res(
        "http_listener",
        Kind::Listener(Listener {
            load_balancer: V::r("load_balancer"),
            port: i64::from(HTTP_PORT),
            tls: None,
            action: ListenerAction::RedirectToHttps,
        }),
    ));
    if ing.waf {
        s.resources.push(res(
            "web_acl",
            Kind::WebAcl(WebAcl {
                name: regional_id(env, "waf", &r.code),
                managed_rule_groups: MANAGED_RULE_GROUPS.iter().map(|g| g.to_string()).collect(),
            }),
        ));
        s.resources.push(res(
            "web_acl_association",
            Kind::WebAclAssociation(WebAclAssociation {
                resource: V::r("load_balancer"),
                web_acl: V::attr("web_acl", Attr::Arn),
            }),
        ));
    }
    s.outputs.push(out(
        Out::LoadBalancerArn,
        V::r("load_balancer"),
        "The load balancer's ARN",
    ));
    s.outputs.push(out(
        Out::LoadBalancerDnsName,
        V::attr("load_balancer", Attr::DnsName),
        "The load balancer's DNS name (the entry point's alias target)",
    ));
    s.outputs.push(out(
        Out::LoadBalancerZoneId,
        V::attr("load_balancer", Attr::CanonicalHostedZoneId),
        "The hosted zone of the load balancer's DNS name",
    ));
    s.outputs.push(out(
        Out::LoadBalancerFullName,
        V::attr("load_balancer", Attr::LoadBalancerFullName),
        "The load balancer's full name (app/<name>/<id>), the LoadBalancer dimension of its metrics",
    ));
    s.outputs.push(out(
        Out::TargetGroupArn,
        V::r("target_group"),
        "The application's target group (for a TargetGroupBinding by ARN)",
    ));
    s
}

/// The hosted zone the records and certificate validation go to.
pub(super) fn hosted_zone(r53: &Route53) -> HostedZone {
    HostedZone {
        name: r53.hosted_zone.clone(),
        id: r53.hosted_zone_id.value.clone(),
    }
}
