//! One [`TfKind`] implementation per struct of `plan::kinds`: the Terraform type a plan resource
//! becomes, what references to it read, its checkov suppressions, and the template that renders
//! it with a typed context. The files are grouped by layer as the `kinds!` list is (`network.rs`,
//! `peering.rs`, `aurora.rs`, `redis.rs`, `msk.rs`, `eks.rs`, `ingress.rs`, `dns.rs`, `monitoring.rs`,
//! and `recovery.rs`, which the provider has no type for); this
//! file holds the trait, the dispatch to it, the fields every template reads ([`Common`]) and the
//! helpers several kinds share (policy documents, replicated secrets, parameter groups).
//!
//! Contexts are `serde::Serialize` structs turned into a template value by minijinja's serde
//! support, which keeps every [`Value`] field as it is (a `Value` serialised for minijinja is
//! passed through by handle): text stays text, code stays code, and [`Obj`] keeps its key order
//! (the test below checks it). Every string a user could have influenced goes in as text (a
//! `String` field or [`hcl::text`](super::hcl::text), escaped when printed); references go in as
//! code built from resource addresses.
//!
//! Security defaults mirror the CloudFormation side (SPEC section 5): encryption with the
//! region's key, TLS in transit, Aurora private with deletion protection and a final snapshot,
//! logs on, a private EKS endpoint, security group rules exactly as the plan lists them.
//!
//! A kind added to the plan without an implementation here is a compile error: every dispatch
//! goes through [`tf_kind`], an exhaustive match over the plan's kinds.

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

use super::hcl::{code, is_identifier, text, Interp, Obj};
use super::{resource_name, Cx};
use crate::plan::{At, Attr, Kind, ParamSource, Resource, Stack, Statement, V};
use minijinja::value::{Serde, Value, ValueKind};
use serde::{Serialize, Serializer};

/// How the Terraform backend renders one kind of plan resource.
pub(crate) trait TfKind {
    /// The Terraform resource type (`aws_vpc`).
    fn tf_type(&self) -> &'static str;

    /// An ephemeral resource (`ephemeral "…" "…"`, addressed as `ephemeral.<type>.<name>`).
    fn ephemeral(&self) -> bool {
        false
    }

    /// The attribute a plain reference (`V::Ref`, CloudFormation's `Ref`) reads.
    fn ref_attr(&self) -> &'static str;

    /// The region the resource is created in when that is not its stack's (a peering
    /// connection's accepter). In the stacks layout it is rendered in a stack of that region.
    fn region(&self) -> Option<&str> {
        None
    }

    /// The attribute an `Attr` reference reads; `None` when the resource has no such attribute.
    fn attr_name(&self, a: Attr) -> Option<&'static str>;

    /// Terraform resources rendered beside this one under the same name: (type, why). The
    /// parity test accepts exactly these besides the plan's own resources.
    fn companions(&self) -> &'static [(&'static str, &'static str)] {
        &[]
    }

    /// What a resource using this one (named `name`) must wait for besides it: the companions
    /// that make it usable and that no reference orders (a role's policies, a secret's value).
    fn ready_after(&self, name: &str) -> Vec<String> {
        let _ = name;
        Vec::new()
    }

    /// The resources rendered for this one (by address, the resource named `name`) that a
    /// switch parameter leaves out of a new stack's first pass (`Stack::final_pass_after`):
    /// `apply.sh` applies everything else first.
    fn first_pass_leaves_out(&self, name: &str) -> Vec<String> {
        let _ = name;
        Vec::new()
    }

    /// checkov suppressions (id, reason) on this resource, from `render::checkov`.
    fn checkov_skips(&self) -> Vec<(&'static str, &'static str)> {
        Vec::new()
    }

    /// The template and its typed context.
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String>;
}

/// The template of one plan resource and its context, ready for `templates::render`.
pub(crate) struct Block {
    pub template: &'static str,
    pub context: Value,
}

impl Block {
    /// `context` as a template value (through serde; see the module comment).
    fn new<T: Serialize>(template: &'static str, context: &T) -> Result<Block, String> {
        let context = Value::from(Serde(context));
        if context.kind() == ValueKind::Invalid {
            return Err(format!("template {template}: {context}"));
        }
        Ok(Block { template, context })
    }
}

/// The Terraform side of a kind: the `TfKind` impl of the struct inside it. Every question this
/// backend asks a kind goes through here.
///
/// The match is exhaustive with no wildcard, so a kind added to the plan without an arm and an
/// impl is a compile error here.
fn tf_kind(kind: &Kind) -> &dyn TfKind {
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
        // ingress
        Kind::LoadBalancer(k) => k,
        Kind::TargetGroup(k) => k,
        Kind::Listener(k) => k,
        Kind::Certificate(k) => k,
        Kind::WebAcl(k) => k,
        Kind::WebAclAssociation(k) => k,
        // dns
        Kind::HealthCheck(k) => k,
        Kind::RecordSet(k) => k,
        // monitoring
        Kind::Topic(k) => k,
        Kind::TopicPolicy(k) => k,
        Kind::EmailSubscription(k) => k,
        Kind::Alarm(k) => k,
        Kind::Dashboard(k) => k,
        Kind::Budget(k) => k,
        // recovery (CloudFormation only: `recovery.rs`)
        Kind::RegionSwitchPlan(k) => k,
    }
}

/// The template of plan resource `r` of `stack` and its context.
pub(super) fn render<'a>(cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
    tf_kind(&r.kind).render(cx, stack, r)
}

/// The Terraform type a plan kind becomes (its companions aside).
pub fn tf_type(kind: &Kind) -> &'static str {
    tf_kind(kind).tf_type()
}

/// The Terraform resources rendered beside a plan resource under its name: (type, why).
pub fn companions(kind: &Kind) -> &'static [(&'static str, &'static str)] {
    tf_kind(kind).companions()
}

/// The checkov suppressions the Terraform backend writes on a plan resource: (id, reason).
pub fn checkov_skips(kind: &Kind) -> Vec<(&'static str, &'static str)> {
    tf_kind(kind).checkov_skips()
}

pub(super) fn first_pass_leaves_out(kind: &Kind, name: &str) -> Vec<String> {
    tf_kind(kind).first_pass_leaves_out(name)
}

pub(super) fn ephemeral(kind: &Kind) -> bool {
    tf_kind(kind).ephemeral()
}

pub(super) fn region(kind: &Kind) -> Option<&str> {
    tf_kind(kind).region()
}

pub(super) fn ref_attr(kind: &Kind) -> &'static str {
    tf_kind(kind).ref_attr()
}

pub(super) fn attr_name(kind: &Kind, a: Attr) -> Option<&'static str> {
    tf_kind(kind).attr_name(a)
}

/// `attr_name` of a resource whose only attribute other kinds read is its ARN.
fn arn_only(a: Attr) -> Option<&'static str> {
    match a {
        Attr::Arn => Some("arn"),
        Attr::GroupId
        | Attr::AllocationId
        | Attr::GlobalReplicationGroupId
        | Attr::Endpoint
        | Attr::ReaderEndpoint
        | Attr::ClusterSecurityGroupId
        | Attr::HealthCheckId
        | Attr::ClusterResourceId
        | Attr::DnsName
        | Attr::CanonicalHostedZoneId
        | Attr::BootstrapBrokers
        | Attr::LoadBalancerFullName => None,
    }
}

/// What every resource template reads (flattened into each context).
#[derive(Serialize)]
struct Common {
    /// The Terraform name (`network_vpc_apne1`), as code.
    name: Value,
    /// `aws.<alias>` of the stack's region.
    provider: Value,
    /// `#checkov:skip=ID:reason` lines, as code (a reason is written by mrgen, not a user).
    checkov_skips: Vec<Value>,
    depends_on: Deps,
}

impl Common {
    fn new<'a>(cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource, kind: &dyn TfKind) -> Result<Common, String> {
        let name = resource_name(stack, &r.id);
        if !is_identifier(&name) {
            return Err(format!("{}: `{}` does not make a Terraform name", stack.name, r.id));
        }
        let mut depends_on = Deps::default();
        for d in &r.depends_on {
            depends_on.push(cx.address(stack, cx.resource(stack, d)?));
        }
        depends_on.extend(after(cx, &r.after)?);
        Ok(Common {
            name: code(name),
            // Where the resource is created: its stack's region, or the one it names.
            provider: cx.provider(kind.region().unwrap_or(&stack.region)),
            checkov_skips: kind
                .checkov_skips()
                .into_iter()
                .map(|(id, why)| code(format!("#checkov:skip={id}:{why}")))
                .collect(),
            depends_on,
        })
    }

    /// Also waits for what the resource `v` refers to needs to be usable (see
    /// [`TfKind::ready_after`] and [`ready_after`]).
    fn ready_after<'a>(&mut self, cx: &Cx<'a>, stack: &'a Stack, v: &V) {
        self.depends_on.extend(ready_after(cx, stack, v));
    }
}

/// The addresses of `ats` (resources of earlier stacks: a resource's `after`, a replication's
/// destinations), when they are in this module, each followed by what makes it usable (a
/// destination bucket's versioning). In the stacks layout they are not: the manifest applies
/// their stack first.
fn after(cx: &Cx<'_>, ats: &[At]) -> Result<Deps, String> {
    let mut deps = Deps::default();
    for at in ats {
        if let Some(address) = cx.after_address(at)? {
            deps.push(address);
            if let Some(s) = cx.plan.stack(&at.stack) {
                let target = cx.resource(s, &at.id)?;
                for d in tf_kind(&target.kind).ready_after(&resource_name(s, &target.id)) {
                    deps.push(d);
                }
            }
        }
    }
    Ok(deps)
}

/// What the resource `v` refers to needs to be usable besides itself (see
/// [`TfKind::ready_after`]): nothing when `v` is not a reference, or refers to a resource of
/// another module (the stacks layout: its stack was applied whole before this one).
fn ready_after<'a>(cx: &Cx<'a>, stack: &'a Stack, v: &V) -> Deps {
    let mut deps = Deps::default();
    if let Some((s, r)) = cx.target(stack, v).filter(|(s, r)| cx.here(s, r)) {
        let name = resource_name(s, &r.id);
        for d in tf_kind(&r.kind).ready_after(&name) {
            deps.push(d);
        }
    }
    deps
}

/// The `depends_on` addresses, each once in a row, written as code.
#[derive(Default)]
struct Deps(Vec<String>);

impl Deps {
    fn push(&mut self, address: String) {
        if self.0.last() != Some(&address) {
            self.0.push(address);
        }
    }

    fn extend(&mut self, other: Deps) {
        for address in other.0 {
            self.push(address);
        }
    }
}

impl Serialize for Deps {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|a| code(a.clone())))
    }
}

/// A plan value that may be absent, as a template value (`none` when absent).
fn opt<'a>(cx: &Cx<'a>, stack: &'a Stack, v: Option<&V>) -> Result<Option<Value>, String> {
    v.map(|v| cx.value(stack, v)).transpose()
}

/// A switch (`V::Bool`, or a parameter holding `true`/`false`) as Terraform sets it: its final
/// value. A parameter's `on_create` is CloudFormation's first pass, which Terraform does not
/// need: where AWS takes a setting only once the resource exists, the provider makes the second
/// call itself, and a failed apply is not rolled back.
fn switch(stack: &Stack, v: &V) -> Result<bool, String> {
    let value = match v {
        V::Bool(b) => return Ok(*b),
        V::Param(name) => stack.parameter(name).map(|p| &p.source),
        other => return Err(format!("{}: {other:?} is not a switch", stack.name)),
    };
    match value {
        Some(ParamSource::Literal(s)) if s == "true" => Ok(true),
        Some(ParamSource::Literal(s)) if s == "false" => Ok(false),
        other => Err(format!("{}: {v:?} is not a switch: {other:?}", stack.name)),
    }
}

fn name_tag(name: &str) -> Value {
    Obj::quoted().set("Name", text(name)).value()
}

/// One of one item, else the list (a policy's `Action`, `Resource`, a condition's values).
fn one_or_list(mut items: Vec<Value>) -> Value {
    if items.len() == 1 {
        items.remove(0)
    } else {
        Value::from(items)
    }
}

/// `{ Version, Statement = [...] }`, for `jsonencode`.
fn policy<'a>(cx: &Cx<'a>, stack: &'a Stack, statements: &[Statement]) -> Result<Value, String> {
    let mut list = Vec::new();
    for st in statements {
        let effect = if st.deny { "Deny" } else { "Allow" };
        let mut o = Obj::new().set("Sid", text(st.sid.clone())).set("Effect", text(effect));
        let mut principal = Obj::new();
        if st.account_principal {
            principal.put(
                "AWS",
                Value::from_object(Interp(vec![
                    text("arn:aws:iam::"),
                    cx.value(stack, &V::AccountId)?,
                    text(":root"),
                ])),
            );
        }
        if !st.service_principals.is_empty() {
            let services = st.service_principals.iter().map(|s| text(s.clone())).collect();
            principal.put("Service", one_or_list(services));
        }
        if st.any_principal {
            o.put("Principal", text("*"));
        } else if !principal.entries.is_empty() {
            o.put("Principal", principal.value());
        }
        o.put(
            "Action",
            one_or_list(st.actions.iter().map(|a| text(a.clone())).collect()),
        );
        // A trust policy names no resource.
        match st.resources.len() {
            0 => {}
            1 => o.put("Resource", cx.value(stack, &st.resources[0])?),
            _ => o.put("Resource", cx.values(stack, &st.resources)?),
        }
        let mut condition = Obj::new();
        if !st.string_equals.is_empty() {
            let mut eq = Obj::quoted();
            for (k, vs) in &st.string_equals {
                eq.put(
                    k,
                    if vs.len() == 1 {
                        cx.value(stack, &vs[0])?
                    } else {
                        cx.values(stack, vs)?
                    },
                );
            }
            condition.put("StringEquals", eq.value());
        }
        if !st.bool_equals.is_empty() {
            let mut eq = Obj::quoted();
            for (k, b) in &st.bool_equals {
                eq.put(k, text(b.to_string()));
            }
            condition.put("Bool", eq.value());
        }
        if !condition.entries.is_empty() {
            o.put("Condition", condition.value());
        }
        list.push(o.value());
    }
    Ok(Obj::new()
        .set("Version", text("2012-10-17"))
        .set("Statement", Value::from(list))
        .value())
}

/// A `replica` block of a secret replicated to another region.
#[derive(Serialize)]
struct Replica {
    region: String,
    kms_key_id: Value,
}

fn replicas<'a>(cx: &Cx<'a>, stack: &'a Stack, regions: &[(String, V)]) -> Result<Vec<Replica>, String> {
    regions
        .iter()
        .map(|(region, key)| {
            Ok(Replica {
                region: region.clone(),
                kms_key_id: cx.value(stack, key)?,
            })
        })
        .collect()
}

/// `db_cluster_parameter_group.tf.j2` and `cache_parameter_group.tf.j2`.
#[derive(Serialize)]
struct ParameterGroupContext {
    #[serde(flatten)]
    common: Common,
    group_name: String,
    family: String,
    parameters: Vec<Parameter>,
}

/// A `parameter` block.
#[derive(Serialize)]
struct Parameter {
    name: String,
    value: String,
}

impl ParameterGroupContext {
    fn new(common: Common, name: &str, family: &str, parameters: &[(String, String)]) -> ParameterGroupContext {
        ParameterGroupContext {
            common,
            group_name: name.to_string(),
            family: family.to_string(),
            parameters: parameters
                .iter()
                .map(|(name, value)| Parameter {
                    name: name.clone(),
                    value: value.clone(),
                })
                .collect(),
        }
    }
}

/// `db_subnet_group.tf.j2` and `cache_subnet_group.tf.j2`.
#[derive(Serialize)]
struct SubnetGroupContext {
    #[serde(flatten)]
    common: Common,
    group_name: String,
    subnets: Value,
}

#[cfg(test)]
mod tests {
    use super::super::templates;
    use super::*;

    #[derive(Serialize)]
    struct Sample {
        #[serde(flatten)]
        common: Common,
        text: String,
        code: Value,
        tags: Value,
        interp: Value,
        list: Vec<String>,
        absent: Option<Value>,
        count: i64,
        on: bool,
    }

    /// Values go through serde unchanged: code stays bare, text is quoted and escaped, an `Obj`
    /// keeps its order, an interpolation its parts; flattened fields are there too.
    #[test]
    fn contexts_round_trip_through_serde() {
        let mut depends_on = Deps::default();
        depends_on.push("aws_vpc.a".into());
        depends_on.push("aws_vpc.a".into());
        depends_on.push("aws_subnet.b".into());
        let sample = Sample {
            common: Common {
                name: code("network_vpc_apne1"),
                provider: code("aws.ap_northeast_1"),
                checkov_skips: vec![code("#checkov:skip=CKV_X:why")],
                depends_on,
            },
            text: "${x}\"".into(),
            code: code("aws_vpc.v.id"),
            tags: Obj::quoted().set("Z", text("1")).set("A", text("2")).value(),
            interp: Value::from_object(Interp(vec![text("arn:"), code("data.x.y")])),
            list: vec!["a".into(), "b".into()],
            absent: None,
            count: 3,
            on: true,
        };
        let mut env = templates::build().unwrap();
        env.add_template(
            "t.tf.j2",
            "{{ name }} {{ provider }} {% for s in checkov_skips %}{{ s }}{% endfor %} {{ depends_on }}\n\
             {{ text }} {{ code }} {{ interp }} {{ list }} {{ absent is none }} {{ count }} {{ on }}\n{{ tags }}\n",
        )
        .unwrap();
        let block = Block::new("t.tf.j2", &sample).unwrap();
        let out = env.get_template(block.template).unwrap().render(block.context).unwrap();
        assert_eq!(
            out,
            "network_vpc_apne1 aws.ap_northeast_1 #checkov:skip=CKV_X:why [aws_vpc.a, aws_subnet.b]\n\
             \"$${x}\\\"\" aws_vpc.v.id \"arn:${data.x.y}\" [\"a\", \"b\"] true 3 true\n\
             {\n\"Z\" = \"1\"\n\"A\" = \"2\"\n}\n"
        );
    }
}
