//! Plan → CloudFormation templates: one `cloudformation/<stack>.template.json` per stack, in plan
//! order.
//!
//! Templates are built as `serde_json::Value`s, whose maps are sorted, and pretty-printed with two
//! spaces and one trailing newline, so the same plan gives byte-identical files. Logical ids are
//! the PascalCase of the plan's resource ids.
//!
//! - `value`: plan values → references and intrinsic functions (the two `CfnReferences` modes),
//!   tags, IAM policy documents;
//! - `network`, `data`, `services`: one function per resource kind, giving its properties.
//!
//! Resources the plan marks `TerraformOnly` are not rendered. User text reaches templates only as
//! JSON strings; no template uses `Fn::Sub`.

mod data;
mod network;
mod services;
mod value;

#[allow(unused_imports)]
use crate::plan::kinds::*;
use crate::plan::{pascal, Backends, Kind, ParamSource, ParamType, Plan, Resource, Retain, Stack};
use crate::render::{CfnReferences, File};
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
        if let ParamSource::Literal(l) = &p.source {
            m.insert("Default".into(), json!(l));
        }
        params.insert(p.name.clone(), Value::Object(m));
    }
    if !params.is_empty() {
        t.insert("Parameters".into(), Value::Object(params));
    }

    let rendered: Vec<&Resource> = stack.resources.iter().filter(|r| renders(r)).collect();
    let mut resources = Map::new();
    for r in &rendered {
        if let Some(body) = resource(&ctx, r, &rendered) {
            resources.insert(pascal(&r.id), body);
        }
    }
    t.insert("Resources".into(), Value::Object(resources));

    let mut outputs = Map::new();
    for o in &stack.outputs {
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
    r.backends != Backends::TerraformOnly && type_name(&r.kind).is_some()
}

/// The CloudFormation type of a kind; `None` for the kinds that exist in Terraform only.
fn type_name(kind: &Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::KmsKey(KmsKey { .. }) => "AWS::KMS::Key",
        Kind::KmsAlias(KmsAlias { .. }) => "AWS::KMS::Alias",
        Kind::Vpc(Vpc { .. }) => "AWS::EC2::VPC",
        Kind::InternetGateway(InternetGateway { .. }) => "AWS::EC2::InternetGateway",
        Kind::GatewayAttachment(GatewayAttachment { .. }) => "AWS::EC2::VPCGatewayAttachment",
        Kind::Subnet(Subnet { .. }) => "AWS::EC2::Subnet",
        Kind::Eip(Eip { .. }) => "AWS::EC2::EIP",
        Kind::NatGateway(NatGateway { .. }) => "AWS::EC2::NatGateway",
        Kind::RouteTable(RouteTable { .. }) => "AWS::EC2::RouteTable",
        Kind::Route(Route { .. }) => "AWS::EC2::Route",
        Kind::RouteTableAssociation(RouteTableAssociation { .. }) => "AWS::EC2::SubnetRouteTableAssociation",
        Kind::SecurityGroup(SecurityGroup { .. }) => "AWS::EC2::SecurityGroup",
        Kind::SecurityGroupIngress(SecurityGroupIngress { .. }) => "AWS::EC2::SecurityGroupIngress",
        Kind::LogGroup(LogGroup { .. }) => "AWS::Logs::LogGroup",
        Kind::IamRole(IamRole { .. }) => "AWS::IAM::Role",
        Kind::FlowLog(FlowLog { .. }) => "AWS::EC2::FlowLog",
        Kind::PeeringConnection(PeeringConnection { .. }) => "AWS::EC2::VPCPeeringConnection",
        Kind::DbSecret(DbSecret { .. }) | Kind::CacheAuthSecret(CacheAuthSecret { .. }) => {
            "AWS::SecretsManager::Secret"
        }
        Kind::DbSubnetGroup(DbSubnetGroup { .. }) => "AWS::RDS::DBSubnetGroup",
        Kind::DbClusterParameterGroup(DbClusterParameterGroup { .. }) => "AWS::RDS::DBClusterParameterGroup",
        Kind::GlobalCluster(GlobalCluster { .. }) => "AWS::RDS::GlobalCluster",
        Kind::DbCluster(DbCluster { .. }) => "AWS::RDS::DBCluster",
        Kind::DbInstance(DbInstance { .. }) => "AWS::RDS::DBInstance",
        Kind::CacheSubnetGroup(CacheSubnetGroup { .. }) => "AWS::ElastiCache::SubnetGroup",
        Kind::CacheParameterGroup(CacheParameterGroup { .. }) => "AWS::ElastiCache::ParameterGroup",
        Kind::ReplicationGroup(ReplicationGroup { .. }) => "AWS::ElastiCache::ReplicationGroup",
        Kind::GlobalReplicationGroup(GlobalReplicationGroup { .. }) => "AWS::ElastiCache::GlobalReplicationGroup",
        Kind::CacheUser(CacheUser { .. }) => "AWS::ElastiCache::User",
        Kind::CacheUserGroup(CacheUserGroup { .. }) => "AWS::ElastiCache::UserGroup",
        Kind::MskCluster(MskCluster { .. }) => "AWS::MSK::Cluster",
        Kind::MskClusterPolicy(MskClusterPolicy { .. }) => "AWS::MSK::ClusterPolicy",
        Kind::MskReplicator(MskReplicator { .. }) => "AWS::MSK::Replicator",
        Kind::EksCluster(EksCluster { .. }) => "AWS::EKS::Cluster",
        Kind::EksNodegroup(EksNodegroup { .. }) => "AWS::EKS::Nodegroup",
        Kind::HealthCheck(HealthCheck { .. }) => "AWS::Route53::HealthCheck",
        Kind::RecordSet(RecordSet { .. }) => "AWS::Route53::RecordSet",
        Kind::Topic(Topic { .. }) => "AWS::SNS::Topic",
        Kind::TopicPolicy(TopicPolicy { .. }) => "AWS::SNS::TopicPolicy",
        Kind::EmailSubscription(EmailSubscription { .. }) => "AWS::SNS::Subscription",
        Kind::Alarm(_) => "AWS::CloudWatch::Alarm",
        Kind::Budget(Budget { .. }) => "AWS::Budgets::Budget",
        // CloudFormation cannot hold the VPC's default security group, the accepter side of a
        // peering connection is implied by `PeerRegion`, and the password lives in the secret.
        Kind::DefaultSecurityGroupLockdown(DefaultSecurityGroupLockdown { .. })
        | Kind::PeeringAccepter(PeeringAccepter { .. })
        | Kind::DbPasswordEphemeral(DbPasswordEphemeral) => return None,
    })
}

/// The properties of a kind.
fn properties(ctx: &Ctx, kind: &Kind) -> Value {
    use data::*;
    use network::*;
    use services::*;
    match kind {
        Kind::KmsKey(KmsKey { description, policy }) => kms_key(ctx, description, policy),
        Kind::KmsAlias(KmsAlias { name, key }) => kms_alias(ctx, name, key),
        Kind::Vpc(Vpc { cidr, name }) => vpc(ctx, cidr, name),
        Kind::InternetGateway(InternetGateway { name }) => internet_gateway(ctx, name),
        Kind::GatewayAttachment(GatewayAttachment { vpc, gateway }) => gateway_attachment(ctx, vpc, gateway),
        Kind::Subnet(Subnet {
            vpc, cidr, az, name, ..
        }) => subnet(ctx, vpc, cidr, az, name),
        Kind::Eip(Eip { name }) => eip(ctx, name),
        Kind::NatGateway(NatGateway { subnet, eip, name }) => nat_gateway(ctx, subnet, eip, name),
        Kind::RouteTable(RouteTable { vpc, name }) => route_table(ctx, vpc, name),
        Kind::Route(Route {
            table,
            destination,
            target,
        }) => route(ctx, table, destination, target),
        Kind::RouteTableAssociation(RouteTableAssociation { table, subnet }) => {
            route_table_association(ctx, table, subnet)
        }
        Kind::SecurityGroup(SecurityGroup {
            vpc,
            name,
            description,
            ingress,
            egress,
        }) => security_group(ctx, vpc, name, description, ingress, egress),
        Kind::SecurityGroupIngress(SecurityGroupIngress { group, rule }) => security_group_ingress(ctx, group, rule),
        Kind::LogGroup(LogGroup {
            name,
            retention_days,
            kms_key,
        }) => log_group(ctx, name, *retention_days, kms_key),
        Kind::IamRole(IamRole {
            name,
            trust,
            managed_policies,
            policy,
        }) => iam_role(ctx, name, trust, managed_policies, policy),
        Kind::FlowLog(FlowLog { vpc, log_group, role }) => flow_log(ctx, vpc, log_group, role),
        Kind::PeeringConnection(PeeringConnection {
            vpc,
            peer_vpc,
            peer_region,
            name,
            ..
        }) => peering_connection(ctx, vpc, peer_vpc, peer_region, name),
        Kind::DbSecret(DbSecret {
            name,
            kms_key,
            replica_regions,
            username,
            ..
        }) => db_secret(ctx, name, kms_key, replica_regions, username),
        Kind::DbSubnetGroup(DbSubnetGroup { name, subnets }) => db_subnet_group(ctx, name, subnets),
        Kind::DbClusterParameterGroup(DbClusterParameterGroup {
            name,
            family,
            parameters,
        }) => db_cluster_parameter_group(ctx, name, family, parameters),
        Kind::GlobalCluster(GlobalCluster {
            id,
            engine,
            engine_version,
        }) => global_cluster(ctx, id, engine, engine_version),
        Kind::DbCluster(DbCluster { .. }) => db_cluster(ctx, kind),
        Kind::DbInstance(DbInstance {
            id,
            engine,
            cluster,
            class,
            performance_insights,
            kms_key,
            monitoring_role,
        }) => db_instance(
            ctx,
            (id, engine),
            cluster,
            class,
            *performance_insights,
            kms_key,
            monitoring_role,
        ),
        Kind::CacheSubnetGroup(CacheSubnetGroup { name, subnets }) => cache_subnet_group(ctx, name, subnets),
        Kind::CacheParameterGroup(CacheParameterGroup {
            name,
            family,
            parameters,
        }) => cache_parameter_group(ctx, name, family, parameters),
        Kind::ReplicationGroup(ReplicationGroup { .. }) => replication_group(ctx, kind),
        Kind::GlobalReplicationGroup(GlobalReplicationGroup {
            suffix,
            primary_group,
            description,
            ..
        }) => global_replication_group(ctx, suffix, primary_group, description),
        Kind::CacheUser(CacheUser {
            id,
            name,
            engine,
            access,
            iam,
        }) => cache_user(ctx, id, name, engine, access, *iam),
        Kind::CacheAuthSecret(CacheAuthSecret {
            name,
            kms_key,
            replica_regions,
        }) => cache_auth_secret(ctx, name, kms_key, replica_regions),
        Kind::CacheUserGroup(CacheUserGroup { id, engine, users }) => cache_user_group(ctx, id, engine, users),
        Kind::MskCluster(MskCluster { .. }) => msk_cluster(ctx, kind),
        Kind::MskClusterPolicy(MskClusterPolicy { cluster, policy }) => msk_cluster_policy(ctx, cluster, policy),
        Kind::MskReplicator(MskReplicator { .. }) => msk_replicator(ctx, kind),
        Kind::EksCluster(EksCluster {
            name,
            version,
            role,
            subnets,
            security_groups,
            kms_key,
        }) => eks_cluster(ctx, name, version, role, subnets, security_groups, kms_key),
        Kind::EksNodegroup(EksNodegroup {
            name,
            cluster,
            role,
            subnets,
            instance_types,
            ami_type,
            capacity_type,
            min,
            max,
            desired,
        }) => eks_nodegroup(
            ctx,
            name,
            cluster,
            role,
            subnets,
            instance_types,
            (ami_type, capacity_type),
            (*min, *max, *desired),
        ),
        Kind::HealthCheck(HealthCheck {
            name,
            fqdn,
            port,
            path,
            https,
            interval,
            threshold,
        }) => health_check(ctx, name, fqdn, *port, path, *https, *interval, *threshold),
        Kind::RecordSet(RecordSet { zone, spec }) => record_set(zone, spec),
        Kind::Topic(Topic { name, kms_key }) => topic(ctx, name, kms_key),
        Kind::TopicPolicy(TopicPolicy { topic, policy }) => topic_policy(ctx, topic, policy),
        Kind::EmailSubscription(EmailSubscription { topic, address }) => email_subscription(ctx, topic, address),
        Kind::Alarm(a) => alarm(ctx, a),
        Kind::Budget(Budget {
            name,
            limit_usd,
            thresholds,
            topic,
            emails,
        }) => budget(ctx, name, *limit_usd, thresholds, topic, emails),
        Kind::DefaultSecurityGroupLockdown(DefaultSecurityGroupLockdown { .. })
        | Kind::PeeringAccepter(PeeringAccepter { .. })
        | Kind::DbPasswordEphemeral(DbPasswordEphemeral) => Value::Null,
    }
}

/// One resource: type, properties, `DependsOn`, and the deletion policies of stateful resources.
fn resource(ctx: &Ctx, r: &Resource, rendered: &[&Resource]) -> Option<Value> {
    let ty = type_name(&r.kind)?;
    let mut m = Map::new();
    m.insert("Type".into(), json!(ty));
    m.insert("Properties".into(), properties(ctx, &r.kind));
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
    let policy = match r.retain {
        Retain::No => None,
        Retain::Retain => Some("Retain"),
        Retain::Snapshot => Some("Snapshot"),
    };
    if let Some(p) = policy {
        m.insert("DeletionPolicy".into(), json!(p));
        m.insert("UpdateReplacePolicy".into(), json!(p));
    }
    let skips = crate::render::checkov::skips(&r.kind, crate::render::checkov::Backend::CloudFormation);
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
