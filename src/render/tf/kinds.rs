//! One plan resource → the template that renders it and that template's variables. Every
//! string a user could have influenced goes in as text (escaped when printed); references go in
//! as code built from resource addresses.
//!
//! Security defaults mirror the CloudFormation side (SPEC section 5): encryption with the
//! region's key, TLS in transit, Aurora private with deletion protection and a final snapshot,
//! logs on, a private EKS endpoint, security group rules exactly as the plan lists them.

use super::hcl::{code, text, Interp, Obj};
use super::templates as t;
use super::{resource_name, Cx};
#[allow(unused_imports)]
use crate::plan::kinds::*;
use crate::plan::{Kind, Peer, Resource, RouteTarget, Routing, SgRule, Stack, Statement, V};
use minijinja::value::Value;

type Out = Result<(&'static str, Obj), String>;

fn none() -> Value {
    Value::from(())
}

fn name_tag(name: &str) -> Value {
    Obj::quoted().set("Name", text(name)).value()
}

/// `{ Version, Statement = [...] }`, for `jsonencode`.
fn policy<'a>(cx: &Cx<'a>, stack: &'a Stack, statements: &[Statement]) -> Result<Value, String> {
    let mut list = Vec::new();
    for st in statements {
        let mut o = Obj::new().set("Sid", text(st.sid.clone())).set("Effect", text("Allow"));
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
            let services: Vec<Value> = st.service_principals.iter().map(|s| text(s.clone())).collect();
            principal.put(
                "Service",
                if services.len() == 1 {
                    services[0].clone()
                } else {
                    Value::from(services)
                },
            );
        }
        if !principal.entries.is_empty() {
            o.put("Principal", principal.value());
        }
        let actions: Vec<Value> = st.actions.iter().map(|a| text(a.clone())).collect();
        o.put(
            "Action",
            if actions.len() == 1 {
                actions[0].clone()
            } else {
                Value::from(actions)
            },
        );
        // A trust policy names no resource.
        match st.resources.len() {
            0 => {}
            1 => o.put("Resource", cx.value(stack, &st.resources[0])?),
            _ => o.put("Resource", cx.values(stack, &st.resources)?),
        }
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
            o.put("Condition", Obj::new().set("StringEquals", eq.value()).value());
        }
        list.push(o.value());
    }
    Ok(Obj::new()
        .set("Version", text("2012-10-17"))
        .set("Statement", Value::from(list))
        .value())
}

/// Everything that must exist before a resource using `role` can work: the role's attached and
/// inline policies (its companions), which nothing else orders.
fn role_deps<'a>(cx: &Cx<'a>, stack: &'a Stack, role: &V, deps: &mut Vec<String>) {
    if let Some((s, r)) = cx.target(stack, role) {
        if let Kind::IamRole(IamRole {
            managed_policies,
            policy,
            ..
        }) = &r.kind
        {
            let name = resource_name(s, &r.id);
            if !managed_policies.is_empty() {
                deps.push(format!("aws_iam_role_policy_attachment.{name}"));
            }
            if !policy.is_empty() {
                deps.push(format!("aws_iam_role_policy.{name}"));
            }
        }
    }
}

/// Security group rules keyed for `for_each`: `tcp-443` (`-2`, `-3` … when a port repeats).
fn rules<'a>(cx: &Cx<'a>, stack: &'a Stack, list: &[SgRule]) -> Result<Value, String> {
    let mut out = Obj::new();
    for rule in list {
        let base = if rule.port == rule.to_port {
            format!("tcp-{}", rule.port)
        } else {
            format!("tcp-{}-{}", rule.port, rule.to_port)
        };
        let mut key = base.clone();
        let mut n = 1;
        while out.entries.iter().any(|(k, _)| *k == key) {
            n += 1;
            key = format!("{base}-{n}");
        }
        out.put(&key, rule_obj(cx, stack, rule)?.value());
    }
    Ok(out.value())
}

fn rule_obj<'a>(cx: &Cx<'a>, stack: &'a Stack, rule: &SgRule) -> Result<Obj, String> {
    let (cidr, group) = match &rule.peer {
        Peer::Cidr(v) => (cx.value(stack, v)?, none()),
        Peer::Group(v) => (none(), cx.value(stack, v)?),
    };
    Ok(Obj::new()
        .set("description", text(rule.description.clone()))
        .set("from_port", Value::from(rule.port))
        .set("to_port", Value::from(rule.to_port))
        .set("cidr_ipv4", cidr)
        .set("referenced_security_group_id", group))
}

/// A route's peering target: through the accepter when the plan has one, so that the route
/// waits for the connection to be active.
fn peering_target<'a>(cx: &Cx<'a>, stack: &'a Stack, v: &V) -> Result<Value, String> {
    if let Some((s, conn)) = cx.target(stack, v) {
        if let Kind::PeeringConnection(PeeringConnection {
            accepter: Some(acc), ..
        }) = &conn.kind
        {
            let acc = cx.address(s, cx.resource(s, acc)?);
            return Ok(code(format!("{acc}.vpc_peering_connection_id")));
        }
    }
    cx.value(stack, v)
}

fn routing(r: &Routing) -> Obj {
    let field = |k: &str, v: Value| Obj::new().set("key", code(k)).set("value", v).value();
    let (block, fields) = match r {
        Routing::Failover { primary } => (
            "failover_routing_policy",
            vec![field("type", text(if *primary { "PRIMARY" } else { "SECONDARY" }))],
        ),
        Routing::Latency { region } => ("latency_routing_policy", vec![field("region", text(region.clone()))]),
        Routing::Geolocation {
            continent,
            country,
            subdivision,
        } => {
            let mut f = Vec::new();
            if let Some(c) = continent {
                f.push(field("continent", text(c.clone())));
            }
            if let Some(c) = country {
                f.push(field("country", text(c.clone())));
            }
            if let Some(c) = subdivision {
                f.push(field("subdivision", text(c.clone())));
            }
            ("geolocation_routing_policy", f)
        }
        Routing::Weighted { weight } => ("weighted_routing_policy", vec![field("weight", Value::from(*weight))]),
    };
    Obj::new().set("block", code(block)).set("fields", Value::from(fields))
}

/// The template of one plan resource and its variables.
pub(super) fn resource<'a>(cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Out {
    let name = resource_name(stack, &r.id);
    if !super::hcl::is_identifier(&name) {
        return Err(format!("{}: `{}` does not make a Terraform name", stack.name, r.id));
    }
    let skips: Vec<Value> = crate::render::checkov::skips(&r.kind, crate::render::checkov::Backend::Terraform)
        .into_iter()
        .map(|(id, why)| code(format!("#checkov:skip={id}:{why}")))
        .collect();
    let mut c = Obj::new()
        .set("name", code(name.clone()))
        .set("provider", cx.provider(&stack.region))
        .set("checkov_skips", Value::from(skips));
    let mut deps: Vec<String> = Vec::new();
    for d in &r.depends_on {
        let target = cx.resource(stack, d)?;
        deps.push(cx.address(stack, target));
    }
    for at in &r.after {
        deps.push(cx.address_at(at)?);
    }
    let v = |x: &V| cx.value(stack, x);
    let id = match &r.kind {
        Kind::KmsKey(KmsKey { description, policy: p }) => {
            c.put("description", text(description.clone()));
            c.put("policy", policy(cx, stack, p)?);
            t::KMS_KEY
        }
        Kind::KmsAlias(KmsAlias { name: alias, key }) => {
            c.put("alias", text(alias.clone()));
            c.put("key", v(key)?);
            t::KMS_ALIAS
        }
        Kind::Vpc(Vpc { cidr, name: n }) => {
            c.put("tags", name_tag(n));
            c.put("cidr", text(cidr.clone()));
            t::VPC
        }
        Kind::InternetGateway(InternetGateway { name: n }) => {
            c.put("tags", name_tag(n));
            t::INTERNET_GATEWAY
        }
        Kind::GatewayAttachment(GatewayAttachment { vpc, gateway }) => {
            c.put("vpc", v(vpc)?);
            c.put("gateway", v(gateway)?);
            t::GATEWAY_ATTACHMENT
        }
        Kind::Subnet(Subnet {
            vpc,
            cidr,
            az,
            public: _,
            name: n,
        }) => {
            c.put("vpc", v(vpc)?);
            c.put("cidr", text(cidr.clone()));
            c.put("az", v(az)?);
            c.put("tags", name_tag(n));
            t::SUBNET
        }
        Kind::Eip(Eip { name: n }) => {
            c.put("tags", name_tag(n));
            t::EIP
        }
        Kind::NatGateway(NatGateway { subnet, eip, name: n }) => {
            c.put("subnet", v(subnet)?);
            c.put("eip", v(eip)?);
            c.put("tags", name_tag(n));
            t::NAT_GATEWAY
        }
        Kind::RouteTable(RouteTable { vpc, name: n }) => {
            c.put("vpc", v(vpc)?);
            c.put("tags", name_tag(n));
            t::ROUTE_TABLE
        }
        Kind::Route(Route {
            table,
            destination,
            target,
        }) => {
            c.put("table", v(table)?);
            c.put("destination", v(destination)?);
            let (arg, value) = match target {
                RouteTarget::Gateway(g) => ("gateway_id", v(g)?),
                RouteTarget::Nat(n) => ("nat_gateway_id", v(n)?),
                RouteTarget::Peering(p) => ("vpc_peering_connection_id", peering_target(cx, stack, p)?),
            };
            c.put("target_arg", code(arg));
            c.put("target", value);
            t::ROUTE
        }
        Kind::RouteTableAssociation(RouteTableAssociation { table, subnet }) => {
            c.put("table", v(table)?);
            c.put("subnet", v(subnet)?);
            t::ROUTE_TABLE_ASSOCIATION
        }
        Kind::SecurityGroup(SecurityGroup {
            vpc,
            name: n,
            description,
            ingress,
            egress,
        }) => {
            c.put("vpc", v(vpc)?);
            c.put("group_name", text(n.clone()));
            c.put("description", text(description.clone()));
            c.put("tags", name_tag(n));
            c.put("ingress", rules(cx, stack, ingress)?);
            c.put("egress", rules(cx, stack, egress)?);
            c.put("has_ingress", Value::from(!ingress.is_empty()));
            c.put("has_egress", Value::from(!egress.is_empty()));
            t::SECURITY_GROUP
        }
        Kind::SecurityGroupIngress(SecurityGroupIngress { group, rule }) => {
            c.put("group", v(group)?);
            c.put("rule", rule_obj(cx, stack, rule)?.value());
            t::SECURITY_GROUP_INGRESS
        }
        Kind::DefaultSecurityGroupLockdown(DefaultSecurityGroupLockdown { vpc }) => {
            c.put("vpc", v(vpc)?);
            t::DEFAULT_SECURITY_GROUP
        }
        Kind::LogGroup(LogGroup {
            name: n,
            retention_days,
            kms_key,
        }) => {
            c.put("log_group_name", text(n.clone()));
            c.put("retention", Value::from(*retention_days));
            c.put("kms_key", v(kms_key)?);
            t::LOG_GROUP
        }
        Kind::IamRole(IamRole {
            name: n,
            trust,
            managed_policies,
            policy: p,
        }) => {
            let doc = policy(cx, stack, trust)?;
            c.put("role_name", text(n.clone()));
            c.put("trust", doc);
            c.put(
                "managed",
                Value::from(managed_policies.iter().map(|m| text(m.clone())).collect::<Vec<_>>()),
            );
            c.put(
                "inline_policy",
                if p.is_empty() { none() } else { policy(cx, stack, p)? },
            );
            t::IAM_ROLE
        }
        Kind::FlowLog(FlowLog { vpc, log_group, role }) => {
            c.put("vpc", v(vpc)?);
            c.put("log_group", v(log_group)?);
            c.put("role", v(role)?);
            role_deps(cx, stack, role, &mut deps);
            t::FLOW_LOG
        }
        Kind::PeeringConnection(PeeringConnection {
            vpc,
            peer_vpc,
            peer_region,
            name: n,
            accepter,
        }) => {
            c.put("vpc", v(vpc)?);
            c.put("peer_vpc", v(peer_vpc)?);
            c.put("peer_region", text(peer_region.clone()));
            c.put("tags", name_tag(n));
            c.put(
                "accepter",
                match accepter {
                    Some(a) => code(cx.address(stack, cx.resource(stack, a)?)),
                    None => none(),
                },
            );
            t::PEERING_CONNECTION
        }
        Kind::PeeringAccepter(PeeringAccepter {
            connection,
            peer_region,
            name: n,
        }) => {
            c.put("provider", cx.provider(peer_region));
            c.put("connection", v(connection)?);
            c.put("tags", name_tag(n));
            t::PEERING_ACCEPTER
        }
        Kind::DbSecret(DbSecret {
            name: n,
            kms_key,
            replica_regions,
            username,
            password,
        }) => {
            c.put("secret_name", text(n.clone()));
            c.put("kms_key", v(kms_key)?);
            c.put("replicas", replicas(replica_regions, &v)?);
            c.put("username", text(username.clone()));
            let password = password
                .as_deref()
                .ok_or_else(|| format!("{}: a DbSecret needs a generated password in Terraform", stack.name))?;
            c.put(
                "password",
                code(format!(
                    "{}.random_password",
                    cx.address(stack, cx.resource(stack, password)?)
                )),
            );
            t::DB_SECRET
        }
        Kind::DbPasswordEphemeral(DbPasswordEphemeral) => t::DB_PASSWORD,
        Kind::CacheAuthSecret(CacheAuthSecret {
            name: n,
            kms_key,
            replica_regions,
        }) => {
            c.put("secret_name", text(n.clone()));
            c.put("kms_key", v(kms_key)?);
            c.put("replicas", replicas(replica_regions, &v)?);
            t::CACHE_AUTH_SECRET
        }
        Kind::DbSubnetGroup(DbSubnetGroup { name: n, subnets }) => {
            c.put("group_name", text(n.clone()));
            c.put("subnets", v(subnets)?);
            t::DB_SUBNET_GROUP
        }
        Kind::DbClusterParameterGroup(DbClusterParameterGroup {
            name: n,
            family,
            parameters,
        })
        | Kind::CacheParameterGroup(CacheParameterGroup {
            name: n,
            family,
            parameters,
        }) => {
            c.put("group_name", text(n.clone()));
            c.put("family", text(family.clone()));
            c.put(
                "parameters",
                Value::from(
                    parameters
                        .iter()
                        .map(|(k, val)| {
                            Obj::new()
                                .set("name", text(k.clone()))
                                .set("value", text(val.clone()))
                                .value()
                        })
                        .collect::<Vec<_>>(),
                ),
            );
            if matches!(r.kind, Kind::CacheParameterGroup(CacheParameterGroup { .. })) {
                t::CACHE_PARAMETER_GROUP
            } else {
                t::DB_CLUSTER_PARAMETER_GROUP
            }
        }
        Kind::GlobalCluster(GlobalCluster {
            id: gid,
            engine,
            engine_version,
        }) => {
            c.put("identifier", text(gid.clone()));
            c.put("engine", text(engine.clone()));
            c.put("engine_version", text(engine_version.clone()));
            t::GLOBAL_CLUSTER
        }
        Kind::DbCluster(DbCluster {
            id: cid,
            global_cluster,
            engine,
            engine_version,
            primary,
            secret,
            database_name,
            subnet_group,
            security_groups,
            kms_key,
            parameter_group,
            backup_retention_days,
            write_forwarding,
            source_region,
        }) => {
            c.put("identifier", text(cid.clone()));
            c.put("primary", Value::from(*primary));
            c.put("engine", text(engine.clone()));
            c.put("engine_version", text(engine_version.clone()));
            match global_cluster {
                Some(g) => c.put("global", code(format!("{}.id", cx.address_of(&g.stack, &g.id)?))),
                None => c.put("global", none()),
            }
            c.put(
                "database_name",
                database_name.as_ref().map(|d| text(d.clone())).unwrap_or_else(none),
            );
            // The primary's master user: the secret's user name, and the generated password
            // written once (write-only: never in a literal, never in state).
            let mut username = none();
            let mut password = none();
            if let Some(sv) = secret {
                if let Some((s, sr)) = cx.target(stack, sv) {
                    if let Kind::DbSecret(DbSecret {
                        username: u,
                        password: pw,
                        ..
                    }) = &sr.kind
                    {
                        username = text(u.clone());
                        let pw = pw
                            .as_deref()
                            .ok_or_else(|| format!("{}: the secret has no generated password", stack.name))?;
                        let pw = cx.resource(s, pw)?;
                        password = code(format!("{}.random_password", cx.address(s, pw)));
                        // The secret holds the password before the cluster uses it.
                        deps.push(format!(
                            "aws_secretsmanager_secret_version.{}",
                            resource_name(s, &sr.id)
                        ));
                    }
                }
            }
            c.put("master_username", username);
            c.put("master_password", password);
            c.put("subnet_group", v(subnet_group)?);
            c.put("security_groups", cx.values(stack, security_groups)?);
            c.put("kms_key", v(kms_key)?);
            c.put("parameter_group", v(parameter_group)?);
            c.put("backup_retention", Value::from(*backup_retention_days));
            c.put("write_forwarding", Value::from(*write_forwarding));
            c.put(
                "source_region",
                source_region.as_ref().map(|s| text(s.clone())).unwrap_or_else(none),
            );
            c.put("final_snapshot", text(format!("{cid}-final")));
            t::DB_CLUSTER
        }
        Kind::DbInstance(DbInstance {
            id: iid,
            engine,
            cluster,
            class,
            performance_insights,
            kms_key,
            monitoring_role,
        }) => {
            c.put("identifier", text(iid.clone()));
            c.put("engine", text(engine.clone()));
            c.put("cluster", v(cluster)?);
            c.put("class", text(class.clone()));
            c.put("performance_insights", Value::from(*performance_insights));
            c.put("kms_key", v(kms_key)?);
            c.put("monitoring_role", v(monitoring_role)?);
            role_deps(cx, stack, monitoring_role, &mut deps);
            t::DB_INSTANCE
        }
        Kind::CacheSubnetGroup(CacheSubnetGroup { name: n, subnets }) => {
            c.put("group_name", text(n.clone()));
            c.put("subnets", v(subnets)?);
            t::CACHE_SUBNET_GROUP
        }
        Kind::ReplicationGroup(ReplicationGroup {
            id: gid,
            primary,
            engine,
            engine_version,
            node_type,
            replicas,
            subnet_group,
            security_groups,
            kms_key,
            parameter_group,
            user_group,
            auth_secret,
            global_group,
            in_global,
            snapshot_retention_days,
            maintenance_window,
            log_group,
        }) => {
            c.put("group_id", text(gid.clone()));
            c.put("primary", Value::from(*primary && global_group.is_none()));
            c.put("engine", text(engine.clone()));
            c.put("engine_version", text(engine_version.clone()));
            c.put("node_type", text(node_type.clone()));
            c.put("clusters", Value::from(1 + *replicas));
            c.put("failover", Value::from(*replicas > 0));
            c.put("subnet_group", v(subnet_group)?);
            c.put("security_groups", cx.values(stack, security_groups)?);
            c.put("kms_key", v(kms_key)?);
            c.put(
                "parameter_group",
                parameter_group.as_ref().map(v).transpose()?.unwrap_or_else(none),
            );
            c.put(
                "user_groups",
                match user_group {
                    Some(u) => Value::from(vec![v(u)?]),
                    None => Value::from(Vec::<Value>::new()),
                },
            );
            c.put(
                "global_group",
                global_group.as_ref().map(v).transpose()?.unwrap_or_else(none),
            );
            let token = match auth_secret {
                Some(V::Ref(id)) => {
                    let secret = resource_name(stack, id);
                    Some(code(format!(
                        "jsondecode(data.aws_secretsmanager_secret_version.{secret}.secret_string)[\"token\"]"
                    )))
                }
                Some(other) => {
                    return Err(format!(
                        "{}: the AUTH secret must be a resource of the stack, not {other:?}",
                        stack.name
                    ))
                }
                None => None,
            };
            c.put("auth_token", token.unwrap_or_else(none));
            // Part of a global datastore: the primary's version is managed through the global
            // group once the datastore exists.
            c.put("in_global", Value::from(*in_global));
            c.put("snapshot_retention", Value::from(*snapshot_retention_days));
            c.put("maintenance_window", text(maintenance_window.clone()));
            c.put("log_group", v(log_group)?);
            c.put("final_snapshot", text(format!("{gid}-final")));
            c.put(
                "description",
                text(format!("{gid}: Redis OSS / Valkey replication group")),
            );
            t::REPLICATION_GROUP
        }
        Kind::GlobalReplicationGroup(GlobalReplicationGroup {
            suffix,
            primary_group,
            engine_version,
            description,
        }) => {
            c.put("suffix", text(suffix.clone()));
            c.put("primary_group", v(primary_group)?);
            // Engine upgrades of a Global Datastore go through the global group (AWS refuses
            // them on its members): the version is the primary group's.
            c.put("engine_version", text(engine_version.clone()));
            c.put("description", text(description.clone()));
            t::GLOBAL_REPLICATION_GROUP
        }
        Kind::CacheUser(CacheUser {
            id: uid,
            name: n,
            engine,
            access,
            iam,
        }) => {
            c.put("user_id", text(uid.clone()));
            c.put("user_name", text(n.clone()));
            c.put("engine", text(engine.clone()));
            c.put("access", text(access.clone()));
            // IAM authentication needs the user id to equal the user name; the other user (the
            // disabled `default`) has no password and no access.
            c.put("auth_type", text(if *iam { "iam" } else { "no-password-required" }));
            t::CACHE_USER
        }
        Kind::CacheUserGroup(CacheUserGroup { id: gid, engine, users }) => {
            c.put("group_id", text(gid.clone()));
            c.put("engine", text(engine.clone()));
            c.put("users", cx.values(stack, users)?);
            t::CACHE_USER_GROUP
        }
        Kind::MskCluster(MskCluster {
            name: n,
            kafka_version,
            broker_type,
            brokers,
            storage_gib,
            subnets,
            security_groups,
            kms_key,
            log_group,
            multi_vpc,
        }) => {
            c.put("cluster_name", text(n.clone()));
            c.put("kafka_version", text(kafka_version.clone()));
            c.put("broker_type", text(broker_type.clone()));
            c.put("brokers", Value::from(*brokers));
            c.put("storage", Value::from(*storage_gib));
            c.put("subnets", v(subnets)?);
            c.put("security_groups", cx.values(stack, security_groups)?);
            c.put("kms_key", v(kms_key)?);
            c.put("log_group", v(log_group)?);
            c.put("multi_vpc", Value::from(*multi_vpc));
            t::MSK_CLUSTER
        }
        Kind::MskClusterPolicy(MskClusterPolicy { cluster, policy: p }) => {
            c.put("cluster", v(cluster)?);
            c.put("policy", policy(cx, stack, p)?);
            t::MSK_CLUSTER_POLICY
        }
        Kind::MskReplicator(MskReplicator {
            name: n,
            source_cluster,
            source_subnets,
            source_security_groups,
            target_cluster,
            target_subnets,
            target_security_groups,
            role,
            topics,
        }) => {
            c.put("replicator_name", text(n.clone()));
            c.put("source_cluster", v(source_cluster)?);
            c.put("source_subnets", v(source_subnets)?);
            c.put("source_security_groups", cx.values(stack, source_security_groups)?);
            c.put("target_cluster", v(target_cluster)?);
            c.put("target_subnets", v(target_subnets)?);
            c.put("target_security_groups", cx.values(stack, target_security_groups)?);
            c.put("role", v(role)?);
            c.put(
                "topics",
                Value::from(topics.iter().map(|x| text(x.clone())).collect::<Vec<_>>()),
            );
            role_deps(cx, stack, role, &mut deps);
            t::MSK_REPLICATOR
        }
        Kind::EksCluster(EksCluster {
            name: n,
            version,
            role,
            subnets,
            security_groups,
            kms_key,
        }) => {
            c.put("cluster_name", text(n.clone()));
            c.put("version", text(version.clone()));
            c.put("role", v(role)?);
            c.put("subnets", v(subnets)?);
            c.put("security_groups", cx.values(stack, security_groups)?);
            c.put("kms_key", v(kms_key)?);
            role_deps(cx, stack, role, &mut deps);
            t::EKS_CLUSTER
        }
        Kind::EksNodegroup(EksNodegroup {
            name: n,
            cluster,
            role,
            subnets,
            instance_types,
            ami_type,
            capacity_type,
            min,
            max,
            desired,
        }) => {
            c.put("group_name", text(n.clone()));
            c.put("cluster", v(cluster)?);
            c.put("role", v(role)?);
            c.put("subnets", v(subnets)?);
            c.put(
                "instance_types",
                Value::from(instance_types.iter().map(|x| text(x.clone())).collect::<Vec<_>>()),
            );
            c.put("ami_type", text(ami_type.clone()));
            c.put("capacity_type", text(capacity_type.clone()));
            c.put("min", Value::from(*min));
            c.put("max", Value::from(*max));
            c.put("desired", Value::from(*desired));
            role_deps(cx, stack, role, &mut deps);
            t::EKS_NODEGROUP
        }
        Kind::HealthCheck(HealthCheck {
            name: n,
            fqdn,
            port,
            path,
            https,
            interval,
            threshold,
        }) => {
            c.put("fqdn", text(fqdn.clone()));
            c.put("port", Value::from(*port));
            c.put("path", text(path.clone()));
            c.put("type", text(if *https { "HTTPS" } else { "HTTP" }));
            c.put("https", Value::from(*https));
            c.put("interval", Value::from(*interval));
            c.put("threshold", Value::from(*threshold));
            c.put("tags", name_tag(n));
            t::HEALTH_CHECK
        }
        Kind::RecordSet(RecordSet { zone, spec }) => {
            c.put("zone", code(format!("data.aws_route53_zone.{}.zone_id", cx.zone(zone))));
            c.put("record_name", text(spec.name.clone()));
            c.put("set_identifier", text(spec.set_identifier.clone()));
            c.put("target", text(spec.target.clone()));
            c.put("ttl", Value::from(spec.ttl));
            let hc = cx.resource(stack, &spec.health_check)?;
            c.put("health_check", code(format!("{}.id", cx.address(stack, hc))));
            c.put("routing", routing(&spec.routing).value());
            t::RECORD_SET
        }
        Kind::Topic(Topic { name: n, kms_key }) => {
            c.put("topic_name", text(n.clone()));
            c.put("kms_key", v(kms_key)?);
            t::TOPIC
        }
        Kind::TopicPolicy(TopicPolicy { topic, policy: p }) => {
            c.put("topic", v(topic)?);
            c.put("policy", policy(cx, stack, p)?);
            t::TOPIC_POLICY
        }
        Kind::EmailSubscription(EmailSubscription { topic, address }) => {
            c.put("topic", v(topic)?);
            c.put("address", text(address.clone()));
            t::EMAIL_SUBSCRIPTION
        }
        Kind::Alarm(a) => {
            c.put("alarm_name", text(a.name.clone()));
            c.put("description", text(a.description.clone()));
            c.put("namespace", text(a.namespace.clone()));
            c.put("metric", text(a.metric.clone()));
            let mut dims = Obj::quoted();
            for (k, dv) in &a.dimensions {
                dims.put(k, v(dv)?);
            }
            c.put("dimensions", dims.value());
            c.put("statistic", text(a.statistic.clone()));
            c.put("period", Value::from(a.period));
            c.put("evaluation_periods", Value::from(a.evaluation_periods));
            c.put("threshold", Value::from(a.threshold));
            c.put("comparison", text(a.comparison.clone()));
            c.put("treat_missing", text(a.treat_missing.clone()));
            c.put("topic", v(&a.topic)?);
            t::ALARM
        }
        Kind::Budget(Budget {
            name: n,
            limit_usd,
            thresholds,
            topic,
            emails,
        }) => {
            c.put("budget_name", text(n.clone()));
            let limit = if limit_usd.fract() == 0.0 {
                format!("{}", *limit_usd as i64)
            } else {
                format!("{limit_usd}")
            };
            c.put("limit", text(limit));
            c.put(
                "thresholds",
                Value::from(thresholds.iter().map(|x| Value::from(*x)).collect::<Vec<_>>()),
            );
            c.put("topic", v(topic)?);
            c.put(
                "emails",
                Value::from(emails.iter().map(|x| text(x.clone())).collect::<Vec<_>>()),
            );
            t::BUDGET
        }
    };
    deps.dedup();
    c.put(
        "depends_on",
        Value::from(deps.into_iter().map(code).collect::<Vec<_>>()),
    );
    Ok((id, c))
}

/// The `replica` blocks of a secret replicated to other regions.
fn replicas(regions: &[(String, V)], v: &dyn Fn(&V) -> Result<Value, String>) -> Result<Value, String> {
    let mut out = Vec::new();
    for (region, key) in regions {
        out.push(
            Obj::new()
                .set("region", text(region.clone()))
                .set("kms_key_id", v(key)?)
                .value(),
        );
    }
    Ok(Value::from(out))
}
