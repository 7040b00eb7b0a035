//! [`CfnKind`]: what CloudFormation makes of one plan kind (its resource type, its properties, the
//! `Fn::GetAtt` names of its attributes, its checkov suppressions), implemented once for every
//! struct of `plan::kinds`, in one file per layer in the order of the `kinds!` list:
//!
//! - `network`: KMS, VPC, subnets, routes, security groups, log groups, IAM roles, flow logs;
//! - `peering`: the VPC peering connection (and the Terraform-only accepter);
//! - `storage`: the multi-Region key's replicas, S3 buckets and their policies, and the shared
//!   Parameter Store parameters (which other layers' stacks hold too);
//! - `aurora`, `redis`, `msk`: the data stores, secure by default with no switch (SPEC section 5):
//!   encrypted with the region's KMS key, TLS in transit, private, deletion protection where the
//!   service has it, logs on;
//! - `eks`: the EKS cluster, node group, add-ons, access entries and Pod Identity association;
//! - `ingress`: the load balancer, its listeners, target group, certificate and WAF web ACL;
//! - `dns`, `monitoring`: Route 53, the alert topic, alarms and the budget;
//! - `recovery`: the AWS ARC Region switch plans.
//!
//! This file holds the trait and the helpers more than one layer uses. The dispatch from a
//! [`Kind`](crate::plan::Kind) to its impl is `cfn_kind` in `cfn/mod.rs`, an exhaustive match
//! with no wildcard: a kind added to the plan without an impl here does not compile.
//!
//! Each impl takes its struct apart without `..`, so a field added to a kind is a compile error
//! here until this backend renders it (or says why it does not).

mod aurora;
mod dns;
mod eks;
mod ingress;
mod monitoring;
mod msk;
mod network;
mod peering;
mod recovery;
mod redis;
mod storage;

use super::value::Ctx;
use crate::plan::{Attr, V};
use serde_json::{json, Map, Value};

/// The CloudFormation side of one plan kind.
pub(super) trait CfnKind {
    /// The resource type; `None` for kinds CloudFormation has no resource for (Terraform-only
    /// kinds), which are not rendered.
    fn type_name(&self) -> Option<&'static str>;

    /// The resource's `Properties`.
    fn properties(&self, ctx: &Ctx) -> Value;

    /// The `Fn::GetAtt` attribute name for an attribute; `None` where `Ref` gives it.
    fn attribute(&self, a: Attr) -> Option<&'static str>;

    /// checkov suppressions (id, reason) on this resource, written to `Metadata.checkov.skip`.
    fn checkov_skips(&self) -> Vec<(&'static str, &'static str)> {
        Vec::new()
    }

    /// The switch parameters whose condition (`<parameter>On`: the parameter is `true`) the
    /// resource's properties use in `Fn::If`.
    fn conditions(&self) -> Vec<&str> {
        Vec::new()
    }
}

/// The condition that switch parameter `param` is `true`.
pub(super) fn condition_name(param: &str) -> String {
    format!("{param}On")
}

/// `{{resolve:secretsmanager:<secret ARN>:SecretString:<field>}}`, built with `Fn::Join` (the ARN
/// is only known at deploy time; no `Fn::Sub`, so no text is ever interpolated).
fn secret_field(ctx: &Ctx, secret: &V, field: &str) -> Value {
    json!({ "Fn::Join": ["", [
        "{{resolve:secretsmanager:",
        ctx.v(secret),
        format!(":SecretString:{field}}}}}"),
    ]]})
}

/// `ReplicaRegions` of a secret replicated to the secondary regions, each with its own key.
fn replica_regions_into(ctx: &Ctx, replica_regions: &[(String, V)], p: &mut Map<String, Value>) {
    if !replica_regions.is_empty() {
        let list = replica_regions
            .iter()
            .map(|(region, key)| json!({ "Region": region, "KmsKeyId": ctx.v(key) }))
            .collect();
        p.insert("ReplicaRegions".into(), Value::Array(list));
    }
}
