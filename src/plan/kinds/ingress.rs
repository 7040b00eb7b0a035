//! The kinds of the `ingress` layer: the public load balancer, its certificate and web ACL.

use crate::plan::values::{HostedZone, ListenerAction, ListenerTls, V};

/// An internet-facing Application Load Balancer in the public subnets.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadBalancer {
    pub name: String,
    pub subnets: V,
    pub security_groups: Vec<V>,
    /// Deletion protection (turned off by hand before a teardown): a switch, `V::Bool` or a
    /// parameter holding `true`/`false`.
    pub deletion_protection: V,
    /// Drop requests with header fields that are not valid HTTP (request smuggling).
    pub drop_invalid_header_fields: bool,
}

/// A target group of IP targets (the application's pods), on the port they listen on.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetGroup {
    pub name: String,
    pub vpc: V,
    pub port: i64,
    /// The path the load balancer's health check requests (`route53.health-check.path`).
    pub health_check_path: String,
}

/// A listener of a load balancer: HTTPS with a certificate and a TLS policy, or plain HTTP.
#[derive(Clone, Debug, PartialEq)]
pub struct Listener {
    pub load_balancer: V,
    pub port: i64,
    /// HTTPS: the certificate and the TLS security policy; `None` for plain HTTP.
    pub tls: Option<ListenerTls>,
    pub action: ListenerAction,
}

/// An ACM certificate validated through DNS records in the hosted zone (CloudFormation writes
/// them itself when given the zone's id; Terraform renders them beside the certificate).
#[derive(Clone, Debug, PartialEq)]
pub struct Certificate {
    /// The region's entry-point name: the certificate's subject.
    pub domain: String,
    /// Every other name a client can arrive with (the routing records' names).
    pub alternative_names: Vec<String>,
    pub zone: HostedZone,
}

/// A regional AWS WAF web ACL: allows by default, blocks what AWS's managed rule groups match.
#[derive(Clone, Debug, PartialEq)]
pub struct WebAcl {
    pub name: String,
    /// AWS's managed rule groups (vendor `AWS`), in priority order.
    pub managed_rule_groups: Vec<String>,
}

/// A web ACL attached to a load balancer.
#[derive(Clone, Debug, PartialEq)]
pub struct WebAclAssociation {
    pub resource: V,
    pub web_acl: V,
}
