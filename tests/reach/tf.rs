//! The Terraform side: every `.tf` file of the single root module (`terraform/*.tf`), parsed with
//! hcl-edit. A resource's
//! region is its provider alias's; references, `split`, indexing, `jsonencode` and string
//! templates are evaluated to symbolic text (see `mod.rs`).

use super::cfn::statements;
use super::{
    Association, BucketFact, Facts, LoadBalancer, Names, NodeGroup, Role, Rule, Secret, Source, Store, StoreKind,
    Target, ACCOUNT, SECRET_SUFFIX,
};
use crate::common::File;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Block, Body};
use hcl_edit::template::Element;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

struct Res {
    ty: String,
    name: String,
    region: String,
    body: Body,
}

struct Tf {
    resources: Vec<Res>,
    data: Vec<Res>,
}

fn label(b: &Block, i: usize) -> String {
    b.labels.get(i).map(|l| l.as_str().to_string()).unwrap_or_default()
}

impl Tf {
    fn new(files: &[File]) -> Tf {
        let bodies: Vec<Body> = files
            .iter()
            // The single root module: references between stacks are direct there (the stacks
            // layout carries the same resources, wired through variables; its own tests).
            .filter(|f| crate::common::single_module_file(&f.path))
            .map(|f| hcl_edit::parser::parse_body(&f.contents).unwrap_or_else(|e| panic!("{}: {e}", f.path)))
            .collect();
        let mut aliases = BTreeMap::new();
        for body in &bodies {
            for p in body.get_blocks("provider") {
                let get = |k: &str| match p.body.get_attribute(k).map(|a| &a.value) {
                    Some(Expression::String(s)) => s.value().to_string(),
                    _ => String::new(),
                };
                aliases.insert(get("alias"), get("region"));
            }
        }
        let region = |b: &Block| match b.body.get_attribute("provider").map(|a| &a.value) {
            Some(Expression::Traversal(t)) => match t.operators.last().map(|o| o.value()) {
                Some(TraversalOperator::GetAttr(alias)) => aliases.get(alias.as_str()).cloned().unwrap_or_default(),
                _ => String::new(),
            },
            _ => aliases.get("").cloned().unwrap_or_else(|| "{default-region}".into()),
        };
        let mut tf = Tf {
            resources: Vec::new(),
            data: Vec::new(),
        };
        for body in &bodies {
            for (kind, list) in [("resource", &mut tf.resources), ("data", &mut tf.data)] {
                for b in body.get_blocks(kind) {
                    list.push(Res {
                        ty: label(b, 0),
                        name: label(b, 1),
                        region: region(b),
                        body: b.body.clone(),
                    });
                }
            }
        }
        tf
    }

    fn find(&self, ty: &str, name: &str) -> Option<&Res> {
        self.resources.iter().find(|r| r.ty == ty && r.name == name)
    }

    fn attr(&self, r: &Res, key: &str) -> Value {
        match r.body.get_attribute(key) {
            Some(a) => self.eval(&a.value, &Value::Null),
            None => Value::Null,
        }
    }

    fn text(&self, r: &Res, key: &str) -> String {
        self.attr(r, key).as_str().unwrap_or("").to_string()
    }

    /// What a reference to `ty.name.attr` reads, as AWS would fill it in.
    fn resource_value(&self, ty: &str, name: &str, attr: &str) -> Value {
        let Some(r) = self.find(ty, name) else {
            return json!(format!("{{unknown|{ty}.{name}}}"));
        };
        let region = &r.region;
        let at = format!("{ty}.{name}");
        json!(match (ty, attr) {
            ("aws_msk_cluster", "arn") => format!(
                "arn:aws:kafka:{region}:{ACCOUNT}:cluster/{}/{{uuid|{at}}}",
                self.text(r, "cluster_name")
            ),
            ("aws_msk_cluster", "cluster_uuid") => format!("{{uuid|{at}}}"),
            ("aws_secretsmanager_secret", "arn" | "id") => format!(
                "arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{}-{SECRET_SUFFIX}",
                self.text(r, "name")
            ),
            ("aws_security_group", "id") => format!("{{sg|{at}}}"),
            ("aws_vpc", "id") => format!("{{vpc|{at}}}"),
            ("aws_vpc", "cidr_block") => self.text(r, "cidr_block"),
            ("aws_eks_cluster", "name" | "id") => self.text(r, "name"),
            ("aws_eks_cluster", "arn") => format!("arn:aws:eks:{region}:{ACCOUNT}:cluster/{}", self.text(r, "name")),
            ("aws_eks_cluster", "vpc_config") => {
                return json!([{ "cluster_security_group_id": format!("{{sg|{at}|cluster}}") }]);
            }
            ("aws_kms_key" | "aws_kms_replica_key", "arn") =>
                format!("arn:aws:kms:{region}:{ACCOUNT}:key/{{keyid|{at}}}"),
            ("aws_kms_key" | "aws_kms_replica_key", "key_id" | "id") => format!("{{keyid|{at}}}"),
            ("aws_s3_bucket", "id" | "bucket") => self.text(r, "bucket"),
            ("aws_s3_bucket", "arn") => format!("arn:aws:s3:::{}", self.text(r, "bucket")),
            ("aws_rds_cluster", "cluster_resource_id") => format!("{{resid|{at}}}"),
            ("aws_iam_role", "arn") => format!("arn:aws:iam::{ACCOUNT}:role/{}", self.text(r, "name")),
            ("aws_iam_role", "name" | "id") => self.text(r, "name"),
            ("aws_elasticache_replication_group", "id") => self.text(r, "replication_group_id"),
            ("aws_elasticache_user", "user_id" | "id") => self.text(r, "user_id"),
            ("aws_elasticache_user_group", "user_group_id" | "id") => self.text(r, "user_group_id"),
            _ => format!("{{{at}.{attr}}}"),
        })
    }

    fn data_value(&self, ty: &str, name: &str, attr: &str) -> Value {
        let region = self
            .data
            .iter()
            .find(|d| d.ty == ty && d.name == name)
            .map(|d| d.region.clone())
            .unwrap_or_default();
        match (ty, attr) {
            ("aws_caller_identity", "account_id") => json!(ACCOUNT),
            ("aws_region", "name" | "region") => json!(region),
            ("aws_partition", "partition") => json!("aws"),
            ("aws_availability_zones", "names") => json!(["{az0}", "{az1}", "{az2}"]),
            _ => json!(format!("{{data.{ty}.{name}.{attr}}}")),
        }
    }

    /// An expression evaluated to symbolic JSON; `each` is the current `for_each` value.
    fn eval(&self, e: &Expression, each: &Value) -> Value {
        match e {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => json!(*b.value()),
            Expression::Number(n) => n
                .value()
                .as_i64()
                .map(|i| json!(i))
                .unwrap_or_else(|| json!(n.value().to_string())),
            Expression::String(s) => json!(s.value()),
            Expression::Array(a) => Value::Array(a.iter().map(|x| self.eval(x, each)).collect()),
            Expression::Object(o) => {
                let mut m = Map::new();
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(x) => text(self.eval(x, each)),
                    };
                    m.insert(key, self.eval(v.expr(), each));
                }
                Value::Object(m)
            }
            Expression::StringTemplate(t) => {
                let mut out = String::new();
                for el in t.iter() {
                    match el {
                        Element::Literal(l) => out.push_str(l.value()),
                        Element::Interpolation(i) => out.push_str(&text(self.eval(&i.expr, each))),
                        Element::Directive(_) => out.push_str("{directive}"),
                    }
                }
                json!(out)
            }
            Expression::Parenthesis(p) => self.eval(p.inner(), each),
            Expression::FuncCall(f) => {
                let args: Vec<Value> = f.args.iter().map(|a| self.eval(a, each)).collect();
                match (f.name.name.as_str(), args.as_slice()) {
                    ("jsonencode" | "toset" | "tolist", [x]) => x.clone(),
                    ("split", [sep, s]) => json!(text(s.clone()).split(&text(sep.clone())).collect::<Vec<_>>()),
                    (name, _) => json!(format!("{{{name}(…)}}")),
                }
            }
            Expression::Traversal(t) => {
                // The leading `a.b.c` path, then the rest applied to what it names.
                let mut path: Vec<String> = Vec::new();
                if let Expression::Variable(v) = &t.expr {
                    path.push(v.as_str().to_string());
                }
                let mut ops = t.operators.iter().map(|o| o.value()).peekable();
                if !path.is_empty() {
                    while let Some(TraversalOperator::GetAttr(a)) = ops.peek() {
                        path.push(a.as_str().to_string());
                        ops.next();
                        // Enough to name a value: `data.t.n.attr`, `t.n.attr`, `each.value.k`.
                        let enough = match path[0].as_str() {
                            "data" => 4,
                            "each" => 2,
                            _ => 3,
                        };
                        if path.len() == enough {
                            break;
                        }
                    }
                }
                let mut v = match path.first().map(String::as_str) {
                    None => self.eval(&t.expr, each),
                    Some("data") if path.len() == 4 => self.data_value(&path[1], &path[2], &path[3]),
                    Some("each") if path.len() == 2 && path[1] == "value" => each.clone(),
                    Some(ty) if ty.starts_with("aws_") && path.len() == 3 => {
                        self.resource_value(ty, &path[1], &path[2])
                    }
                    Some(_) => json!(format!("{{{}}}", path.join("."))),
                };
                for op in ops {
                    v = match op {
                        TraversalOperator::GetAttr(a) => v.get(a.as_str()).cloned().unwrap_or(Value::Null),
                        TraversalOperator::Index(i) => {
                            let i = self.eval(i, each);
                            match (&v, i.as_u64(), i.as_str()) {
                                (Value::Array(items), Some(n), _) => {
                                    items.get(n as usize).cloned().unwrap_or(Value::Null)
                                }
                                (Value::Object(m), _, Some(k)) => m.get(k).cloned().unwrap_or(Value::Null),
                                _ => json!(format!("{{index|{v}|{i}}}")),
                            }
                        }
                        TraversalOperator::LegacyIndex(n) => v.get(*n.value() as usize).cloned().unwrap_or(Value::Null),
                        _ => json!("{splat}"),
                    };
                }
                v
            }
            other => json!(format!("{{expr|{other}}}")),
        }
    }
}

fn text(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().flat_map(strings).collect(),
        Value::Null => Vec::new(),
        other => vec![other.to_string()],
    }
}

/// The rules of an `aws_vpc_security_group_ingress_rule` or `…_egress_rule` (one, or one per
/// `for_each` entry); an egress rule's destination is its `source`.
fn ingress_rules(tf: &Tf, r: &Res) -> Vec<Rule> {
    let entries: Vec<(String, Value)> = match r.body.get_attribute("for_each") {
        Some(a) => match tf.eval(&a.value, &Value::Null) {
            Value::Object(m) => m.into_iter().collect(),
            other => vec![("?".into(), other)],
        },
        None => vec![(String::new(), Value::Null)],
    };
    entries
        .into_iter()
        .map(|(key, each)| {
            let get = |k: &str| match r.body.get_attribute(k) {
                Some(a) => tf.eval(&a.value, &each),
                None => Value::Null,
            };
            let source = match (get("referenced_security_group_id"), get("cidr_ipv4")) {
                (Value::String(g), _) => Source::Group(g),
                (_, Value::String(c)) => Source::Cidr(c),
                _ => Source::Cidr("{none}".into()),
            };
            Rule {
                group: text(get("security_group_id")),
                protocol: text(get("ip_protocol")),
                from: get("from_port").as_i64().unwrap_or(-99),
                to: get("to_port").as_i64().unwrap_or(-99),
                source,
                at: format!("{}.{}[{key}]", r.ty, r.name),
            }
        })
        .collect()
}

pub fn facts(files: &[File]) -> Facts {
    let tf = Tf::new(files);
    let mut f = Facts {
        backend: "Terraform",
        ..Facts::default()
    };
    for r in &tf.resources {
        if r.ty == "aws_vpc" {
            let vpc = tf.resource_value("aws_vpc", &r.name, "id");
            f.vpcs.insert(text(vpc), (r.region.clone(), tf.text(r, "cidr_block")));
        }
    }
    // The secrets a replication group reads its AUTH token from (through a data source).
    let mut auth = Vec::new();
    for r in tf
        .resources
        .iter()
        .filter(|r| r.ty == "aws_elasticache_replication_group")
    {
        let Some(a) = r.body.get_attribute("auth_token") else {
            continue;
        };
        let written = a.value.to_string();
        for d in tf.data.iter().filter(|d| d.ty == "aws_secretsmanager_secret_version") {
            if written.contains(&format!("data.{}.{}", d.ty, d.name)) {
                auth.push(text(tf.attr(d, "secret_id")));
            }
        }
    }
    for r in &tf.resources {
        let region = &r.region;
        let at = format!("{}.{}", r.ty, r.name);
        match r.ty.as_str() {
            "aws_security_group" => {
                let sg = text(tf.resource_value(&r.ty, &r.name, "id"));
                f.group_region.insert(sg.clone(), region.clone());
                for (i, b) in r.body.get_blocks("ingress").enumerate() {
                    let get = |k: &str| match b.body.get_attribute(k) {
                        Some(a) => tf.eval(&a.value, &Value::Null),
                        None => Value::Null,
                    };
                    for c in strings(&get("cidr_blocks")) {
                        f.rules.push(Rule {
                            group: sg.clone(),
                            protocol: text(get("protocol")),
                            from: get("from_port").as_i64().unwrap_or(-99),
                            to: get("to_port").as_i64().unwrap_or(-99),
                            source: Source::Cidr(c),
                            at: format!("{at} ingress {i}"),
                        });
                    }
                    for g in strings(&get("security_groups")) {
                        f.rules.push(Rule {
                            group: sg.clone(),
                            protocol: text(get("protocol")),
                            from: get("from_port").as_i64().unwrap_or(-99),
                            to: get("to_port").as_i64().unwrap_or(-99),
                            source: Source::Group(g),
                            at: format!("{at} ingress {i}"),
                        });
                    }
                }
            }
            "aws_vpc_security_group_ingress_rule" => f.rules.extend(ingress_rules(&tf, r)),
            "aws_vpc_security_group_egress_rule" => f.egress.extend(ingress_rules(&tf, r)),
            "aws_lb" => {
                let me = tf.resource_value(&r.ty, &r.name, "arn");
                let mut targets = Vec::new();
                for l in tf.resources.iter().filter(|l| l.ty == "aws_lb_listener") {
                    if tf.attr(l, "load_balancer_arn") != me {
                        continue;
                    }
                    for action in l.body.get_blocks("default_action") {
                        let get = |k: &str| match action.body.get_attribute(k) {
                            Some(a) => tf.eval(&a.value, &Value::Null),
                            None => Value::Null,
                        };
                        if get("type") != "forward" {
                            continue;
                        }
                        let group = get("target_group_arn");
                        for t in tf.resources.iter().filter(|t| t.ty == "aws_lb_target_group") {
                            if tf.resource_value(&t.ty, &t.name, "arn") == group {
                                targets.push((tf.attr(t, "port").as_i64().unwrap_or(-99), tf.text(t, "target_type")));
                            }
                        }
                    }
                }
                f.load_balancers.push(LoadBalancer {
                    region: region.clone(),
                    at: at.clone(),
                    groups: strings(&tf.attr(r, "security_groups")),
                    targets,
                });
            }
            "aws_vpc_peering_connection" => {
                let region_of = |k: &str| f.vpcs.get(&tf.text(r, k)).map(|(r, _)| r.clone());
                match (region_of("vpc_id"), region_of("peer_vpc_id")) {
                    (Some(a), Some(b)) => f.peerings.push((a, b)),
                    other => panic!("{at}: peered VPCs not found: {other:?}"),
                }
            }
            "aws_eks_cluster" => {
                let sg = &tf.resource_value(&r.ty, &r.name, "vpc_config")[0]["cluster_security_group_id"];
                f.group_region.insert(text(sg.clone()), region.clone());
            }
            "aws_eks_node_group" => {
                let cluster = tf.text(r, "cluster_name");
                let groups = if r.body.get_blocks("launch_template").next().is_some() {
                    // A launch template that sets groups puts them on the nodes instead.
                    let lt = r.body.get_blocks("launch_template").next().map(|b| b.body.clone());
                    let id = lt
                        .and_then(|b| b.get_attribute("id").map(|a| a.value.to_string()))
                        .unwrap_or_default();
                    tf.resources
                        .iter()
                        .filter(|x| {
                            x.ty == "aws_launch_template" && id.contains(&format!("aws_launch_template.{}", x.name))
                        })
                        .flat_map(|x| strings(&tf.attr(x, "vpc_security_group_ids")))
                        .collect()
                } else {
                    tf.resources
                        .iter()
                        .filter(|c| c.ty == "aws_eks_cluster" && tf.text(c, "name") == cluster)
                        .map(|c| {
                            text(
                                tf.resource_value(&c.ty, &c.name, "vpc_config")[0]["cluster_security_group_id"].clone(),
                            )
                        })
                        .collect()
                };
                f.nodes.push(NodeGroup {
                    region: region.clone(),
                    at,
                    groups,
                });
            }
            "aws_rds_cluster" => {
                f.stores.push(Store {
                    region: region.clone(),
                    kind: StoreKind::Aurora,
                    groups: strings(&tf.attr(r, "vpc_security_group_ids")),
                    at: at.clone(),
                });
                let id = tf.resource_value(&r.ty, &r.name, "cluster_resource_id");
                f.db_resource_ids.insert(region.clone(), text(id));
            }
            "aws_elasticache_replication_group" => {
                f.stores.push(Store {
                    region: region.clone(),
                    kind: StoreKind::Cache,
                    groups: strings(&tf.attr(r, "security_group_ids")),
                    at: at.clone(),
                });
                for ug in strings(&tf.attr(r, "user_group_ids")) {
                    for g in tf.resources.iter().filter(|g| g.ty == "aws_elasticache_user_group") {
                        if tf.text(g, "user_group_id") != ug {
                            continue;
                        }
                        for user in strings(&tf.attr(g, "user_ids")) {
                            let iam = tf.resources.iter().any(|u| {
                                u.ty == "aws_elasticache_user"
                                    && tf.text(u, "user_id") == user
                                    && u.body.get_blocks("authentication_mode").any(|b| {
                                        b.body
                                            .get_attribute("type")
                                            .map(|a| a.value.to_string().contains("\"iam\""))
                                            == Some(true)
                                    })
                            });
                            if iam {
                                f.cache_iam.insert(
                                    region.clone(),
                                    (
                                        format!(
                                            "arn:aws:elasticache:{region}:{ACCOUNT}:replicationgroup:{}",
                                            tf.text(r, "replication_group_id")
                                        ),
                                        format!("arn:aws:elasticache:{region}:{ACCOUNT}:user:{user}"),
                                    ),
                                );
                            }
                        }
                    }
                }
            }
            "aws_msk_cluster" => {
                let groups = r
                    .body
                    .get_blocks("broker_node_group_info")
                    .flat_map(|b| match b.body.get_attribute("security_groups") {
                        Some(a) => strings(&tf.eval(&a.value, &Value::Null)),
                        None => Vec::new(),
                    })
                    .collect();
                f.stores.push(Store {
                    region: region.clone(),
                    kind: StoreKind::Kafka,
                    groups,
                    at,
                });
                f.kafka
                    .insert(region.clone(), text(tf.resource_value(&r.ty, &r.name, "arn")));
            }
            "aws_iam_role" => {
                let arn = text(tf.resource_value(&r.ty, &r.name, "arn"));
                let role = f.roles.entry(arn).or_default();
                role.at = at;
                role.trust = statements(&tf.attr(r, "assume_role_policy"));
            }
            "aws_s3_bucket" => {
                // Its default encryption is the provider's resource of the same name.
                let key = tf
                    .resources
                    .iter()
                    .find(|x| x.ty == "aws_s3_bucket_server_side_encryption_configuration" && x.name == r.name)
                    .and_then(|x| {
                        let rule = x.body.get_blocks("rule").next()?;
                        let default = rule.body.get_blocks("apply_server_side_encryption_by_default").next()?;
                        let a = default.body.get_attribute("kms_master_key_id")?;
                        tf.eval(&a.value, &Value::Null).as_str().map(str::to_string)
                    });
                f.buckets.push(BucketFact {
                    region: region.clone(),
                    name: tf.text(r, "bucket"),
                    key,
                });
            }
            "aws_eks_pod_identity_association" => f.associations.push(Association {
                region: region.clone(),
                namespace: tf.text(r, "namespace"),
                service_account: tf.text(r, "service_account"),
                role: tf.text(r, "role_arn"),
            }),
            "aws_secretsmanager_secret" => {
                let name = tf.text(r, "name");
                let arn_in = |rg: &str| format!("arn:aws:secretsmanager:{rg}:{ACCOUNT}:secret:{name}-{SECRET_SUFFIX}");
                let key = |v: Value| match v {
                    Value::String(k) => k,
                    _ => "{aws/secretsmanager}".into(),
                };
                let mut arns = BTreeMap::new();
                arns.insert(region.clone(), (arn_in(region), key(tf.attr(r, "kms_key_id"))));
                for b in r.body.get_blocks("replica") {
                    let get = |k: &str| match b.body.get_attribute(k) {
                        Some(a) => tf.eval(&a.value, &Value::Null),
                        None => Value::Null,
                    };
                    let rg = text(get("region"));
                    arns.insert(rg.clone(), (arn_in(&rg), key(get("kms_key_id"))));
                }
                let own = text(tf.resource_value(&r.ty, &r.name, "arn"));
                f.secrets.push(Secret {
                    at,
                    arns,
                    auth: auth.contains(&own),
                });
            }
            _ => {}
        }
    }
    // Policies and attachments, once every role is known (role names → ARNs).
    let mut add: Vec<(String, Option<Value>, Vec<String>)> = Vec::new();
    for r in &tf.resources {
        match r.ty.as_str() {
            "aws_iam_role_policy" => {
                let role = tf.text(r, "role");
                add.push((role, Some(tf.attr(r, "policy")), Vec::new()));
            }
            "aws_iam_role_policy_attachment" => {
                let role = tf.text(r, "role");
                let arns = match r.body.get_attribute("for_each") {
                    Some(a) => strings(&tf.eval(&a.value, &Value::Null)),
                    None => strings(&tf.attr(r, "policy_arn")),
                };
                add.push((role, None, arns));
            }
            _ => {}
        }
    }
    for (role, policy, managed) in add {
        let arn = f
            .roles
            .keys()
            .find(|arn| arn.ends_with(&format!(":role/{role}")))
            .cloned();
        let Some(arn) = arn else {
            panic!("a policy for the role `{role}`, which is not in the output");
        };
        let entry: &mut Role = f.roles.get_mut(&arn).expect("role");
        if let Some(p) = policy {
            entry.policy.extend(statements(&p));
        }
        entry.managed.extend(managed);
    }
    f
}

/// The DNS names of the single module: records (an alias's `aws_lb.<name>.dns_name` says which
/// load balancer, and so which region), health checks, and the certificate on each region's
/// HTTPS listener.
pub fn names(files: &[File]) -> Names {
    let tf = Tf::new(files);
    let mut n = Names {
        backend: "Terraform",
        ..Names::default()
    };
    for r in &tf.resources {
        match r.ty.as_str() {
            // The certificate's validation records are the same type, with `for_each`.
            "aws_route53_record" if r.body.get_attribute("for_each").is_none() => {
                let record = tf.text(r, "name").trim_end_matches('.').to_string();
                let alias = r
                    .body
                    .get_blocks("alias")
                    .next()
                    .and_then(|a| a.body.get_attribute("name"));
                let target = match alias {
                    Some(a) => {
                        let written = a.value.to_string();
                        let lb = tf
                            .resources
                            .iter()
                            .find(|x| x.ty == "aws_lb" && written.trim() == format!("aws_lb.{}.dns_name", x.name));
                        match lb {
                            Some(lb) => Target::LoadBalancer(lb.region.clone()),
                            None => Target::Other(written),
                        }
                    }
                    None => match tf.attr(r, "records") {
                        Value::Array(hosts) if hosts.len() == 1 && tf.text(r, "type") == "CNAME" => {
                            Target::Host(text(hosts[0].clone()).trim_end_matches('.').to_string())
                        }
                        other => Target::Other(other.to_string()),
                    },
                };
                n.records.push((record, target));
            }
            "aws_route53_health_check" => n.health_checks.push(tf.text(r, "fqdn")),
            "aws_lb_listener" if tf.text(r, "protocol") == "HTTPS" => {
                let Some(a) = r.body.get_attribute("certificate_arn") else {
                    continue;
                };
                let written = a.value.to_string();
                for c in tf.resources.iter().filter(|c| c.ty == "aws_acm_certificate") {
                    if written.trim() == format!("aws_acm_certificate.{}.arn", c.name) {
                        let mut covered = vec![tf.text(c, "domain_name")];
                        covered.extend(strings(&tf.attr(c, "subject_alternative_names")));
                        n.certificates.entry(r.region.clone()).or_default().extend(covered);
                    }
                }
            }
            _ => {}
        }
    }
    n
}
