//! Plan values → CloudFormation JSON: references and intrinsic functions, tags, IAM policy
//! documents. Everything a template says about another resource, a parameter or another stack
//! goes through `Ctx::v`, so the two reference modes (`CfnReferences`) differ in one place.
//!
//! User text only ever becomes a JSON string (serde_json escapes it). Nothing here emits
//! `Fn::Sub`, so `${…}` in a topic pattern or a tag stays literal text.

use crate::plan::{pascal, Attr, ParamSource, ParamType, Parameter, Plan, Stack, Statement, V};
use crate::render::CfnReferences;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// What converting one stack's values needs to know.
pub(super) struct Ctx<'a> {
    pub plan: &'a Plan,
    pub stack: &'a Stack,
    pub refs: CfnReferences,
}

impl<'a> Ctx<'a> {
    pub fn new(plan: &'a Plan, stack: &'a Stack, refs: CfnReferences) -> Ctx<'a> {
        Ctx { plan, stack, refs }
    }

    /// True when a parameter is replaced by `Fn::GetStackOutput` and has no template parameter.
    pub fn inlined(&self, p: &Parameter) -> bool {
        self.refs == CfnReferences::GetStackOutput && matches!(p.source, ParamSource::Output { .. })
    }

    /// A plan value as CloudFormation JSON.
    pub fn v(&self, v: &V) -> Value {
        match v {
            V::Str(s) => Value::String(s.clone()),
            V::Int(i) => json!(i),
            V::Num(n) => json!(n),
            V::Bool(b) => Value::Bool(*b),
            V::Ref(id) => json!({ "Ref": pascal(id) }),
            V::Attr(id, a) => self.attr(id, *a),
            V::Param(name) => self.param(name),
            V::List(items) => Value::Array(items.iter().map(|i| self.v(i)).collect()),
            V::AccountId => json!({ "Ref": "AWS::AccountId" }),
            V::Region => json!({ "Ref": "AWS::Region" }),
            V::AzIndex(n) => json!({ "Fn::Select": [n, { "Fn::GetAZs": "" }] }),
            V::Join(parts) => self.join(parts),
            V::Select(i, inner) => json!({ "Fn::Select": [i, self.v(inner)] }),
            V::Split(sep, inner) => {
                let text = self.v(inner);
                // As for list parameters below: `Fn::Split` takes no `Fn::GetStackOutput`
                // inside, a one-part `Fn::Join` of it does.
                let text = if text.get("Fn::GetStackOutput").is_some() {
                    json!({ "Fn::Join": ["", [text]] })
                } else {
                    text
                };
                json!({ "Fn::Split": [sep, text] })
            }
        }
    }

    /// A list of values (security groups and the like).
    pub fn list(&self, vs: &[V]) -> Value {
        Value::Array(vs.iter().map(|v| self.v(v)).collect())
    }

    /// `Fn::Join` with `""`; adjacent literals are merged, and an all-literal join is a string.
    fn join(&self, parts: &[V]) -> Value {
        let mut out: Vec<Value> = Vec::new();
        for p in parts {
            let value = self.v(p);
            match (out.last_mut(), &value) {
                (Some(Value::String(prev)), Value::String(s)) => prev.push_str(s),
                _ => out.push(value),
            }
        }
        match out.as_slice() {
            [] => Value::String(String::new()),
            [Value::String(s)] => Value::String(s.clone()),
            _ => json!({ "Fn::Join": ["", out] }),
        }
    }

    fn param(&self, name: &str) -> Value {
        let Some(p) = self.stack.parameter(name) else {
            // Not declared by the plan: a template parameter reference is the only sane guess,
            // and cfn-lint reports it as an unresolved `Ref`.
            return json!({ "Ref": name });
        };
        match (&p.source, self.refs) {
            (ParamSource::Output { stack, output }, CfnReferences::GetStackOutput) => {
                let region = self
                    .plan
                    .stack(stack)
                    .map(|s| s.region.clone())
                    .unwrap_or_else(|| self.stack.region.clone());
                let lookup = json!({ "Fn::GetStackOutput": {
                    "StackName": stack,
                    "OutputName": output,
                    "Region": region,
                }});
                match p.ty {
                    ParamType::String => lookup,
                    // The documented `Fn::Split` accepts no `Fn::GetStackOutput` inside (cfn-lint
                    // 1.51 says E1018), while `Fn::Join` does: a one-part join turns the output
                    // into a string that `Fn::Split` accepts, with the same value.
                    // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-split.html
                    ParamType::List => json!({ "Fn::Split": [",", { "Fn::Join": ["", [lookup]] }] }),
                }
            }
            _ => json!({ "Ref": name }),
        }
    }

    fn attr(&self, id: &str, a: Attr) -> Value {
        let name = match self.stack.resource(id) {
            Some(r) => super::cfn_kind(&r.kind).attribute(a),
            // Not in this stack: the attribute's usual name is the only guess, and cfn-lint
            // reports the `Fn::GetAtt` as unresolved.
            None => plain(a),
        };
        match name {
            Some(name) => json!({ "Fn::GetAtt": [pascal(id), name] }),
            None => json!({ "Ref": pascal(id) }),
        }
    }

    /// The environment's tags plus `Name`, as CloudFormation's `[{Key, Value}]` list.
    pub fn tags(&self, name: Option<&str>) -> Value {
        Value::Array(
            self.tag_pairs(name)
                .into_iter()
                .map(|(k, v)| json!({ "Key": k, "Value": v }))
                .collect(),
        )
    }

    /// The same tags as a map (MSK clusters and EKS node groups take `Tags` as a JSON object).
    pub fn tag_map(&self, name: Option<&str>) -> Value {
        let mut m = Map::new();
        for (k, v) in self.tag_pairs(name) {
            m.insert(k, Value::String(v));
        }
        Value::Object(m)
    }

    fn tag_pairs(&self, name: Option<&str>) -> BTreeMap<String, String> {
        let mut m: BTreeMap<String, String> = self.plan.tags.iter().cloned().collect();
        if let Some(n) = name {
            m.insert("Name".to_string(), n.to_string());
        }
        m
    }

    /// An IAM policy document.
    pub fn policy(&self, statements: &[Statement]) -> Value {
        json!({
            "Version": "2012-10-17",
            "Statement": statements.iter().map(|s| self.statement(s)).collect::<Vec<_>>(),
        })
    }

    fn statement(&self, s: &Statement) -> Value {
        let mut m = Map::new();
        m.insert("Sid".into(), Value::String(s.sid.clone()));
        m.insert("Effect".into(), json!(if s.deny { "Deny" } else { "Allow" }));
        m.insert("Action".into(), json!(s.actions));
        if !s.resources.is_empty() {
            m.insert("Resource".into(), self.list(&s.resources));
        }
        let mut principal = Map::new();
        if s.account_principal {
            principal.insert(
                "AWS".into(),
                json!({ "Fn::Join": ["", ["arn:aws:iam::", { "Ref": "AWS::AccountId" }, ":root"]] }),
            );
        }
        if !s.service_principals.is_empty() {
            principal.insert("Service".into(), json!(s.service_principals));
        }
        if s.any_principal {
            m.insert("Principal".into(), json!("*"));
        } else if !principal.is_empty() {
            m.insert("Principal".into(), Value::Object(principal));
        }
        let mut condition = Map::new();
        if !s.string_equals.is_empty() {
            let mut eq = Map::new();
            for (k, vs) in &s.string_equals {
                eq.insert(k.clone(), self.list(vs));
            }
            condition.insert("StringEquals".into(), Value::Object(eq));
        }
        if !s.bool_equals.is_empty() {
            let mut eq = Map::new();
            for (k, b) in &s.bool_equals {
                eq.insert(k.clone(), json!(b.to_string()));
            }
            condition.insert("Bool".into(), Value::Object(eq));
        }
        if !condition.is_empty() {
            m.insert("Condition".into(), Value::Object(condition));
        }
        Value::Object(m)
    }
}

/// The `Fn::GetAtt` name most CloudFormation types give an attribute. A kind whose type names it
/// otherwise, or whose `Ref` gives it, says so in its own `attribute`. A kind asked for an
/// attribute its type does not have gets this name too, and cfn-lint reports the template.
pub(super) fn plain(a: Attr) -> Option<&'static str> {
    Some(match a {
        Attr::Arn => "Arn",
        Attr::GroupId => "GroupId",
        Attr::AllocationId => "AllocationId",
        Attr::GlobalReplicationGroupId => "GlobalReplicationGroupId",
        Attr::Endpoint => "Endpoint.Address",
        Attr::ReaderEndpoint => "ReadEndpoint.Address",
        Attr::ClusterSecurityGroupId => "ClusterSecurityGroupId",
        Attr::HealthCheckId => "HealthCheckId",
        Attr::ClusterResourceId => "DBClusterResourceId",
        Attr::DnsName => "DNSName",
        Attr::CanonicalHostedZoneId => "CanonicalHostedZoneID",
        // No CloudFormation type has it (`deploy.sh` reads MSK's with the CLI); cfn-lint would
        // refuse a template that asked.
        Attr::BootstrapBrokers => "BootstrapBrokerStringSaslIam",
        Attr::LoadBalancerFullName => "LoadBalancerFullName",
    })
}
