//! Plan → CloudFormation templates: one `cloudformation/<stack>.template.json` per stack, in plan
//! order.
//!
//! Templates are built as `serde_json::Value`s, whose maps are sorted, and pretty-printed with two
//! spaces and one trailing newline, so the same plan gives byte-identical files. Logical ids are
//! the PascalCase of the plan's resource ids.
//!
//! - `value`: plan values → references and intrinsic functions (the two `CfnReferences` modes),
//!   tags, IAM policy documents;
//! - `kinds`: the `CfnKind` trait, implemented once per plan kind (type, properties, attribute
//!   names, checkov suppressions), one file per layer.
//!
//! Resources the plan marks `TerraformOnly` are not rendered. User text reaches templates only as
//! JSON strings; no template uses `Fn::Sub`.

mod kinds;
mod value;

use crate::plan::{pascal, Backends, Kind, ParamSource, ParamType, Plan, Resource, Retain, Stack};
use crate::render::{CfnReferences, File};
use kinds::CfnKind;
use serde_json::{json, Map, Value};
use value::Ctx;

/// The folder, relative to `--out`, that holds the templates.
pub const DIR: &str = "cloudformation";

/// The template path of a stack, relative to `--out`.
pub fn template_path(stack: &str) -> String {
    format!("{DIR}/{stack}.template.json")
}

/// One template per stack of the plan.
pub fn render(plan: &Plan, refs: CfnReferences) -> Vec<File> {
    plan.stacks
        .iter()
        .map(|s| File::new(template_path(&s.name), to_text(&template(plan, s, refs))))
        .collect()
}

/// Pretty JSON with two-space indentation and one trailing newline.
fn to_text(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// The template of one stack.
pub fn template(plan: &Plan, stack: &Stack, refs: CfnReferences) -> Value {
    let ctx = Ctx::new(plan, stack, refs);
    let mut t = Map::new();
    t.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
    t.insert("Description".into(), json!(stack.description));

    let mut params = Map::new();
    for p in stack.parameters.iter().filter(|p| !ctx.inlined(p)) {
        let mut m = Map::new();
        m.insert(
            "Type".into(),
            json!(match p.ty {
                ParamType::String => "String",
                ParamType::List => "CommaDelimitedList",
            }),
        );
        m.insert("Description".into(), json!(p.description));
        match (&p.source, &p.on_create) {
            (ParamSource::Literal(l), None) => {
                m.insert("Default".into(), json!(l));
            }
            // A value AWS refuses at create time: the template alone creates a stack that AWS
            // accepts, and the second pass (`deploy.sh`, the manifest's `create-pass`) sets `l`.
            (ParamSource::Literal(l), Some(first)) => {
                let mut allowed = vec![first.as_str(), l.as_str()];
                allowed.sort_unstable();
                allowed.dedup();
                m.insert("Default".into(), json!(first));
                m.insert("AllowedValues".into(), json!(allowed));
            }
            (ParamSource::Output { .. }, _) => {}
        }
        params.insert(p.name.clone(), Value::Object(m));
    }
    if !params.is_empty() {
        t.insert("Parameters".into(), Value::Object(params));
    }

    let rendered: Vec<&Resource> = stack.resources.iter().filter(|r| renders(r)).collect();
    let mut conditions = Map::new();
    for r in &rendered {
        for switch in cfn_kind(&r.kind).conditions() {
            conditions.insert(
                kinds::condition_name(switch),
                json!({ "Fn::Equals": [{ "Ref": switch }, "true"] }),
            );
        }
    }
    if !conditions.is_empty() {
        t.insert("Conditions".into(), Value::Object(conditions));
    }
    let mut resources = Map::new();
    for r in &rendered {
        if let Some(body) = resource(&ctx, r, &rendered) {
            resources.insert(pascal(&r.id), body);
        }
    }
    t.insert("Resources".into(), Value::Object(resources));

    let mut outputs = Map::new();
    for o in stack.outputs.iter().filter(|o| o.backends != Backends::TerraformOnly) {
        let mut value = ctx.v(&o.value);
        if o.list {
            value = json!({ "Fn::Join": [",", value] });
        }
        outputs.insert(o.name.clone(), json!({ "Description": o.description, "Value": value }));
    }
    if !outputs.is_empty() {
        t.insert("Outputs".into(), Value::Object(outputs));
    }
    Value::Object(t)
}

/// Whether CloudFormation has this resource at all.
fn renders(r: &Resource) -> bool {
    r.backends != Backends::TerraformOnly && cfn_kind(&r.kind).type_name().is_some()
}

/// The CloudFormation side of a kind: the `CfnKind` impl of the struct inside it. Every other
/// question this backend asks a kind goes through here.
///
/// The match is exhaustive with no wildcard, so a kind added to the plan without an arm and an
/// impl is a compile error here.
fn cfn_kind(kind: &Kind) -> &dyn CfnKind {
    match kind {
        // network
        Kind::KmsKey(k) => k,
        Kind::KmsAlias(k) => k,
        Kind::Vpc(k) => k,
        Kind::InternetGateway(k) => k,
        Kind::GatewayAttachment(k) => k,
        Kind::Subnet(k) => k,
        Kind::Eip(k) => k,
        Kind::NatGateway(k) => k,
        Kind::RouteTable(k) => k,
        Kind::Route(k) => k,
        Kind::RouteTableAssociation(k) => k,
        Kind::SecurityGroup(k) => k,
        Kind::SecurityGroupIngress(k) => k,
        Kind::DefaultSecurityGroupLockdown(k) => k,
        Kind::LogGroup(k) => k,
        Kind::IamRole(k) => k,
        Kind::FlowLog(k) => k,
        // peering
        Kind::PeeringConnection(k) => k,
        Kind::PeeringAccepter(k) => k,
        // storage
        Kind::KmsReplicaKey(k) => k,
        Kind::Bucket(k) => k,
        Kind::BucketPolicy(k) => k,
        Kind::SsmParameter(k) => k,
        // aurora
        Kind::DbSecret(k) => k,
        Kind::DbPasswordEphemeral(k) => k,
        Kind::DbSubnetGroup(k) => k,
        Kind::DbClusterParameterGroup(k) => k,
        Kind::GlobalCluster(k) => k,
        Kind::DbCluster(k) => k,
        Kind::DbInstance(k) => k,
        // redis
        Kind::CacheSubnetGroup(k) => k,
        Kind::CacheParameterGroup(k) => k,
        Kind::ReplicationGroup(k) => k,
        Kind::GlobalReplicationGroup(k) => k,
        Kind::CacheAuthSecret(k) => k,
        Kind::CacheUser(k) => k,
        Kind::CacheUserGroup(k) => k,
        // msk
        Kind::MskCluster(k) => k,
        Kind::MskClusterPolicy(k) => k,
        Kind::MskReplicator(k) => k,
        // eks
        Kind::EksCluster(k) => k,
        Kind::EksNodegroup(k) => k,
        Kind::EksAddon(k) => k,
        Kind::EksAccessEntry(k) => k,
        Kind::EksPodIdentityAssociation(k) => k,
        // dns
        Kind::LoadBalancer(k) => k,
        Kind::TargetGroup(k) => k,
        Kind::Listener(k) => k,
        Kind::Certificate(k) => k,
        Kind::WebAcl(k) => k,
        Kind::WebAclAssociation(k) => k,
        Kind::HealthCheck(k) => k,
        Kind::RecordSet(k) => k,
        // monitoring
        Kind::Topic(k) => k,
        Kind::TopicPolicy(k) => k,
        Kind::EmailSubscription(k) => k,
        Kind::Alarm(k) => k,
        Kind::Dashboard(k) => k,
        Kind::Budget(k) => k,
        // recovery
        Kind::RegionSwitchPlan(k) => k,
    }
}

/// One resource: type, properties, `DependsOn`, and the deletion policies of stateful resources.
fn resource(ctx: &Ctx, r: &Resource, rendered: &[&Resource]) -> Option<Value> {
    let kind = cfn_kind(&r.kind);
    let mut m = Map::new();
    m.insert("Type".into(), json!(kind.type_name()?));
    m.insert("Properties".into(), kind.properties(ctx));
    let mut depends: Vec<String> = Vec::new();
    for d in &r.depends_on {
        // An ordering on a resource CloudFormation does not have is no ordering at all.
        if rendered.iter().any(|x| &x.id == d) && !depends.contains(&pascal(d)) {
            depends.push(pascal(d));
        }
    }
    if !depends.is_empty() {
        m.insert("DependsOn".into(), json!(depends));
    }
    // (DeletionPolicy, UpdateReplacePolicy). A kept resource is `RetainExceptOnCreate` on
    // delete: kept when its stack is deleted, deleted when the operation that created it rolls
    // back, so a failed first deploy leaves no fixed name behind to fail the retry with "already
    // exists" (SPEC section 5.1). CloudFormation takes that value for DeletionPolicy only;
    // UpdateReplacePolicy takes Delete, Retain or Snapshot (the attributes' pages in the
    // CloudFormation template reference), so a replaced resource is kept with `Retain`.
    let policies = match r.retain {
        Retain::No => None,
        Retain::Retain => Some(("RetainExceptOnCreate", "Retain")),
        Retain::Snapshot => Some(("Snapshot", "Snapshot")),
    };
    if let Some((on_delete, on_replace)) = policies {
        m.insert("DeletionPolicy".into(), json!(on_delete));
        m.insert("UpdateReplacePolicy".into(), json!(on_replace));
    }
    let skips = kind.checkov_skips();
    if !skips.is_empty() {
        let list: Vec<Value> = skips
            .iter()
            .map(|(id, why)| json!({ "id": id, "comment": why }))
            .collect();
        m.insert("Metadata".into(), json!({ "checkov": { "skip": list } }));
    }
    Some(Value::Object(m))
}

#[cfg(test)]
mod tests;
