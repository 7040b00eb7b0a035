//! Builds the plan from a valid environment: the stacks of SPEC section 5 with their resources,
//! the parameters that carry one stack's outputs into another, the dependencies and the waves.
//! The dependency rules hold by construction: a stack depends on every stack that feeds one of
//! its parameters, plus the few orderings that no parameter expresses (listed where they are
//! added).

use super::types::*;
use crate::cidr::Cidr;
use crate::model::raw::{CacheEngine, CapacityType, Mode, MskReplication, Policy, Protocol};
use crate::model::resolve::RegionEnv;
use crate::model::Environment;
use crate::naming::{self, global_id, regional_id, short_code, GLOBAL_REGION};
#[allow(unused_imports)]
use crate::plan::kinds::*;
use std::collections::BTreeMap;

const AZ_LETTERS: [&str; 6] = ["a", "b", "c", "d", "e", "f"];

/// Retention of every log group mrgen creates (a year: long enough for an incident review).
pub const LOG_RETENTION_DAYS: i64 = 365;

fn res(id: &str, kind: Kind) -> Resource {
    Resource {
        id: id.to_string(),
        kind,
        backends: Backends::Both,
        retain: Retain::No,
        depends_on: Vec::new(),
        after: Vec::new(),
    }
}

fn retained(id: &str, kind: Kind, retain: Retain) -> Resource {
    Resource {
        retain,
        ..res(id, kind)
    }
}

fn only(backends: Backends, mut r: Resource) -> Resource {
    r.backends = backends;
    r
}

fn param(name: &str, ty: ParamType, stack: &str, output: &str, description: &str) -> Parameter {
    Parameter {
        name: name.to_string(),
        ty,
        source: ParamSource::Output {
            stack: stack.to_string(),
            output: output.to_string(),
        },
        description: description.to_string(),
    }
}

fn out(name: &str, value: V, description: &str) -> Output {
    Output {
        name: name.to_string(),
        value,
        description: description.to_string(),
        list: false,
    }
}

fn list_out(name: &str, value: V, description: &str) -> Output {
    Output {
        list: true,
        ..out(name, value, description)
    }
}

fn stack(env: &Environment, layer: Layer, region: &str, description: String) -> Stack {
    Stack {
        name: naming::stack(env, layer.as_str(), region),
        region: region.to_string(),
        layer,
        description,
        depends_on: Vec::new(),
        wave: 0,
        parameters: Vec::new(),
        resources: Vec::new(),
        outputs: Vec::new(),
    }
}

/// The AZ letters mrgen uses in a region.
fn letters(r: &RegionEnv) -> &'static [&'static str] {
    &AZ_LETTERS[..(r.az_count as usize).min(AZ_LETTERS.len())]
}

fn cidr_of(r: &RegionEnv) -> Cidr {
    r.vpc_cidr
        .as_ref()
        .and_then(|c| Cidr::parse(c.value.trim()))
        .unwrap_or(Cidr {
            addr: 10 << 24,
            prefix: 16,
        })
        .network()
}

/// The key policy of a region's KMS key: the account administers it; the services that write
/// encrypted logs and messages with it may use it.
fn key_policy(region: &str) -> Vec<Statement> {
    let mut admin = Statement::allow("AccountAdministers", &["kms:*"], vec![V::s("*")]);
    admin.account_principal = true;
    let mut logs = Statement::allow(
        "CloudWatchLogsUse",
        &[
            "kms:Encrypt*",
            "kms:Decrypt*",
            "kms:ReEncrypt*",
            "kms:GenerateDataKey*",
            "kms:Describe*",
        ],
        vec![V::s("*")],
    );
    logs.service_principals = vec![format!("logs.{region}.amazonaws.com")];
    let mut alarms = Statement::allow(
        "AlarmsAndEventsPublishToEncryptedTopics",
        &["kms:Decrypt", "kms:GenerateDataKey*"],
        vec![V::s("*")],
    );
    alarms.service_principals = vec!["cloudwatch.amazonaws.com".into(), "budgets.amazonaws.com".into()];
    vec![admin, logs, alarms]
}

/// The alert topic's policy: these services may publish to it, for this account only.
fn publish_policy(services: Vec<String>) -> Vec<Statement> {
    let mut st = Statement::allow("AllowServicesToPublish", &["sns:Publish"], vec![V::r("alerts_topic")]);
    st.service_principals = services;
    st.string_equals = vec![("aws:SourceAccount".into(), vec![V::AccountId])];
    vec![st]
}

fn sg_rule(description: &str, port: u16, peer: Peer) -> SgRule {
    SgRule {
        description: description.to_string(),
        port,
        to_port: port,
        peer,
    }
}

fn network(env: &Environment, r: &RegionEnv) -> Stack {
    let short = short_code(&r.code);
    let mut s = stack(
        env,
        Layer::Network,
        &r.code,
        format!(
            "{} {}: VPC, subnets, routes, security groups, flow logs and the region's KMS key",
            env.name, r.code
        ),
    );
    let cidr = cidr_of(r);
    let vpc_cidr = V::s(cidr.to_string());
    let rs = &mut s.resources;
    rs.push(retained(
        "kms_key",
        Kind::KmsKey(KmsKey {
            description: format!("{} {} {}: storage, logs and messages", env.prefix, env.name, r.code),
            policy: key_policy(&r.code),
        }),
        Retain::Retain,
    ));
    rs.push(res(
        "kms_alias",
        Kind::KmsAlias(KmsAlias {
            name: format!("alias/{}", regional_id(env, "kms", &r.code)),
            key: V::r("kms_key"),
        }),
    ));
    rs.push(res(
        "vpc",
        Kind::Vpc(Vpc {
            cidr: cidr.to_string(),
            name: regional_id(env, "vpc", &r.code),
        }),
    ));
    rs.push(res(
        "internet_gateway",
        Kind::InternetGateway(InternetGateway {
            name: regional_id(env, "vpc", &r.code),
        }),
    ));
    rs.push(res(
        "gateway_attachment",
        Kind::GatewayAttachment(GatewayAttachment {
            vpc: V::r("vpc"),
            gateway: V::r("internet_gateway"),
        }),
    ));
    rs.push(res(
        "public_route_table",
        Kind::RouteTable(RouteTable {
            vpc: V::r("vpc"),
            name: format!("{}-public", regional_id(env, "vpc", &r.code)),
        }),
    ));
    let mut default_route = res(
        "public_default_route",
        Kind::Route(Route {
            table: V::r("public_route_table"),
            destination: V::s("0.0.0.0/0"),
            target: RouteTarget::Gateway(V::r("internet_gateway")),
        }),
    );
    default_route.depends_on.push("gateway_attachment".into());
    rs.push(default_route);
    for (i, l) in letters(r).iter().enumerate() {
        let az = match r.az_names.get(i) {
            Some(name) => V::s(name.clone()),
            None => V::AzIndex(i as u32),
        };
        let private_cidr = cidr.private_subnet(i as u32);
        let public_cidr = cidr.public_subnet(i as u32);
        rs.push(res(
            &format!("private_subnet_{l}"),
            Kind::Subnet(Subnet {
                vpc: V::r("vpc"),
                cidr: private_cidr.to_string(),
                az: az.clone(),
                public: false,
                name: format!("{}-private-{l}", regional_id(env, "vpc", &r.code)),
            }),
        ));
        rs.push(res(
            &format!("public_subnet_{l}"),
            Kind::Subnet(Subnet {
                vpc: V::r("vpc"),
                cidr: public_cidr.to_string(),
                az,
                public: true,
                name: format!("{}-public-{l}", regional_id(env, "vpc", &r.code)),
            }),
        ));
        rs.push(res(
            &format!("public_subnet_{l}_routes"),
            Kind::RouteTableAssociation(RouteTableAssociation {
                table: V::r("public_route_table"),
                subnet: V::r(&format!("public_subnet_{l}")),
            }),
        ));
        let mut eip = res(
            &format!("nat_eip_{l}"),
            Kind::Eip(Eip {
                name: format!("{}-nat-{l}", regional_id(env, "vpc", &r.code)),
            }),
        );
        eip.depends_on.push("gateway_attachment".into());
        rs.push(eip);
        rs.push(res(
            &format!("nat_gateway_{l}"),
            Kind::NatGateway(NatGateway {
                subnet: V::r(&format!("public_subnet_{l}")),
                eip: V::attr(&format!("nat_eip_{l}"), Attr::AllocationId),
                name: format!("{}-nat-{l}", regional_id(env, "vpc", &r.code)),
            }),
        ));
        rs.push(res(
            &format!("private_route_table_{l}"),
            Kind::RouteTable(RouteTable {
                vpc: V::r("vpc"),
                name: format!("{}-private-{l}", regional_id(env, "vpc", &r.code)),
            }),
        ));
        rs.push(res(
            &format!("private_default_route_{l}"),
            Kind::Route(Route {
                table: V::r(&format!("private_route_table_{l}")),
                destination: V::s("0.0.0.0/0"),
                target: RouteTarget::Nat(V::r(&format!("nat_gateway_{l}"))),
            }),
        ));
        rs.push(res(
            &format!("private_subnet_{l}_routes"),
            Kind::RouteTableAssociation(RouteTableAssociation {
                table: V::r(&format!("private_route_table_{l}")),
                subnet: V::r(&format!("private_subnet_{l}")),
            }),
        ));
    }
    let group = |id: &str| Peer::Group(V::attr(id, Attr::GroupId));
    let within = |port: u16, what: &str| sg_rule(what, port, Peer::Cidr(vpc_cidr.clone()));
    rs.push(res(
        "app_security_group",
        Kind::SecurityGroup(SecurityGroup {
            vpc: V::r("vpc"),
            name: regional_id(env, "app", &r.code),
            description: "EKS cluster and nodes: HTTPS in from the VPC; out to HTTPS and the data stores".into(),
            ingress: vec![within(443, "Kubernetes API and services from inside the VPC")],
            egress: vec![
                sg_rule("HTTPS to AWS APIs and registries", 443, Peer::Cidr(V::s("0.0.0.0/0"))),
                within(5432, "PostgreSQL in the VPC"),
                within(6379, "Redis/Valkey in the VPC"),
                within(9098, "Kafka (IAM) in the VPC"),
            ],
        }),
    ));
    rs.push(res(
        "database_security_group",
        Kind::SecurityGroup(SecurityGroup {
            vpc: V::r("vpc"),
            name: regional_id(env, "database", &r.code),
            description: "Aurora PostgreSQL: 5432 from the application only".into(),
            ingress: vec![sg_rule(
                "PostgreSQL from the application",
                5432,
                group("app_security_group"),
            )],
            egress: vec![within(5432, "PostgreSQL inside the VPC only")],
        }),
    ));
    rs.push(res(
        "cache_security_group",
        Kind::SecurityGroup(SecurityGroup {
            vpc: V::r("vpc"),
            name: regional_id(env, "cache", &r.code),
            description: "ElastiCache: 6379 from the application only".into(),
            ingress: vec![sg_rule(
                "Redis/Valkey from the application",
                6379,
                group("app_security_group"),
            )],
            egress: vec![within(6379, "Redis/Valkey inside the VPC only")],
        }),
    ));
    rs.push(res(
        "kafka_security_group",
        Kind::SecurityGroup(SecurityGroup {
            vpc: V::r("vpc"),
            name: regional_id(env, "kafka", &r.code),
            description: "MSK: Kafka with IAM (9098) from the application and the replicator".into(),
            ingress: vec![sg_rule(
                "Kafka (IAM) from the application",
                9098,
                group("app_security_group"),
            )],
            egress: vec![within(9098, "Kafka (IAM) inside the VPC only")],
        }),
    ));
    rs.push(res(
        "kafka_self_ingress",
        Kind::SecurityGroupIngress(SecurityGroupIngress {
            group: V::attr("kafka_security_group", Attr::GroupId),
            rule: sg_rule(
                "Kafka (IAM) between brokers and MSK Replicator",
                9098,
                group("kafka_security_group"),
            ),
        }),
    ));
    rs.push(only(
        Backends::TerraformOnly,
        res(
            "default_security_group",
            Kind::DefaultSecurityGroupLockdown(DefaultSecurityGroupLockdown { vpc: V::r("vpc") }),
        ),
    ));
    rs.push(res(
        "flow_logs_log_group",
        Kind::LogGroup(LogGroup {
            name: format!("/mrgen/{}", regional_id(env, "flow-logs", &r.code)),
            retention_days: LOG_RETENTION_DAYS,
            kms_key: V::attr("kms_key", Attr::Arn),
        }),
    ));
    rs.push(res(
        "flow_logs_role",
        Kind::IamRole(IamRole {
            name: regional_id(env, "flow-logs", &r.code),
            trust: Statement::trust(&["vpc-flow-logs.amazonaws.com"]),
            managed_policies: Vec::new(),
            policy: vec![Statement::allow(
                "WriteFlowLogs",
                &[
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                    "logs:DescribeLogGroups",
                    "logs:DescribeLogStreams",
                ],
                vec![
                    V::attr("flow_logs_log_group", Attr::Arn),
                    V::Join(vec![V::attr("flow_logs_log_group", Attr::Arn), V::s(":*")]),
                ],
            )],
        }),
    ));
    rs.push(res(
        "flow_log",
        Kind::FlowLog(FlowLog {
            vpc: V::r("vpc"),
            log_group: V::attr("flow_logs_log_group", Attr::Arn),
            role: V::attr("flow_logs_role", Attr::Arn),
        }),
    ));
    let list = |prefix: &str| V::List(letters(r).iter().map(|l| V::r(&format!("{prefix}_{l}"))).collect());
    s.outputs = vec![
        out("VpcId", V::r("vpc"), "The VPC"),
        list_out(
            "PrivateSubnetIds",
            list("private_subnet"),
            "Private subnets, one per AZ",
        ),
        list_out("PublicSubnetIds", list("public_subnet"), "Public subnets, one per AZ"),
        list_out(
            "PrivateRouteTableIds",
            list("private_route_table"),
            "Private route tables, one per AZ",
        ),
        out(
            "AppSecurityGroupId",
            V::attr("app_security_group", Attr::GroupId),
            "EKS cluster and nodes",
        ),
        out(
            "DatabaseSecurityGroupId",
            V::attr("database_security_group", Attr::GroupId),
            "Aurora",
        ),
        out(
            "CacheSecurityGroupId",
            V::attr("cache_security_group", Attr::GroupId),
            "ElastiCache",
        ),
        out(
            "KafkaSecurityGroupId",
            V::attr("kafka_security_group", Attr::GroupId),
            "MSK",
        ),
        out("KmsKeyArn", V::attr("kms_key", Attr::Arn), "The region's KMS key"),
    ];
    let _ = short;
    s
}

/// The KMS key of every secondary region, as parameters of `s`: for secrets replicated there.
fn secondary_keys(env: &Environment, s: &mut Stack) -> Vec<(String, V)> {
    let mut replicas = Vec::new();
    for sec in env.secondaries() {
        let net = naming::stack(env, "network", &sec.code);
        let name = format!("KmsKeyArn{}", pascal(&short_code(&sec.code)));
        s.parameters.push(param(
            &name,
            ParamType::String,
            &net,
            "KmsKeyArn",
            &format!("KmsKeyArn of {net}"),
        ));
        replicas.push((sec.code.clone(), V::p(&name)));
    }
    replicas
}

/// Parameters most regional stacks take from their region's network stack.
fn from_network(env: &Environment, r: &RegionEnv, outputs: &[(&str, ParamType)]) -> Vec<Parameter> {
    let net = naming::stack(env, "network", &r.code);
    outputs
        .iter()
        .map(|(o, ty)| param(o, *ty, &net, o, &format!("{o} of {net}")))
        .collect()
}

fn peering(env: &Environment) -> Vec<Stack> {
    let mut stacks = Vec::new();
    let primary = env.primary();
    let pcidr = cidr_of(primary);
    let mut p = stack(
        env,
        Layer::Peering,
        &primary.code,
        format!(
            "{} {}: VPC peering to each secondary, and the primary's routes",
            env.name, primary.code
        ),
    );
    p.parameters = from_network(
        env,
        primary,
        &[("VpcId", ParamType::String), ("PrivateRouteTableIds", ParamType::List)],
    );
    for sec in env.secondaries() {
        let short = short_code(&sec.code);
        let net = naming::stack(env, "network", &sec.code);
        let peer_param = format!("PeerVpcId{}", pascal(&short));
        p.parameters.push(param(
            &peer_param,
            ParamType::String,
            &net,
            "VpcId",
            &format!("VpcId of {net}"),
        ));
        let conn = format!("peering_{short}");
        let conn_name = format!("{}-to-{short}", regional_id(env, "vpc", &primary.code));
        p.resources.push(res(
            &conn,
            Kind::PeeringConnection(PeeringConnection {
                vpc: V::p("VpcId"),
                peer_vpc: V::p(&peer_param),
                peer_region: sec.code.clone(),
                name: conn_name.clone(),
                accepter: Some(format!("peering_accepter_{short}")),
            }),
        ));
        p.resources.push(only(
            Backends::TerraformOnly,
            res(
                &format!("peering_accepter_{short}"),
                Kind::PeeringAccepter(PeeringAccepter {
                    connection: V::r(&conn),
                    peer_region: sec.code.clone(),
                    name: conn_name.clone(),
                }),
            ),
        ));
        for (i, l) in letters(primary).iter().enumerate() {
            p.resources.push(res(
                &format!("route_{l}_to_{short}"),
                Kind::Route(Route {
                    table: V::Select(i as u32, Box::new(V::p("PrivateRouteTableIds"))),
                    destination: V::s(cidr_of(sec).to_string()),
                    target: RouteTarget::Peering(V::r(&conn)),
                }),
            ));
        }
        p.outputs.push(out(
            &format!("PeeringConnectionId{}", pascal(&short)),
            V::r(&conn),
            &format!("Peering connection to {}", sec.code),
        ));
    }
    let peering_name = p.name.clone();
    stacks.push(p);
    for sec in env.secondaries() {
        let short = short_code(&sec.code);
        let mut s = stack(
            env,
            Layer::PeeringRoutes,
            &sec.code,
            format!(
                "{} {}: routes back to the primary over the peering connection",
                env.name, sec.code
            ),
        );
        s.parameters = from_network(env, sec, &[("PrivateRouteTableIds", ParamType::List)]);
        let out_name = format!("PeeringConnectionId{}", pascal(&short));
        s.parameters.push(param(
            "PeeringConnectionId",
            ParamType::String,
            &peering_name,
            &out_name,
            &format!("{out_name} of {peering_name}"),
        ));
        for (i, l) in letters(sec).iter().enumerate() {
            s.resources.push(res(
                &format!("route_{l}_to_primary"),
                Kind::Route(Route {
                    table: V::Select(i as u32, Box::new(V::p("PrivateRouteTableIds"))),
                    destination: V::s(pcidr.to_string()),
                    target: RouteTarget::Peering(V::p("PeeringConnectionId")),
                }),
            ));
        }
        stacks.push(s);
    }
    stacks
}

/// The stack of one region's member of a global data store (Aurora Global Database, Global
/// Datastore): its description, and the subnets, security group and key of its region's network.
fn member_stack(
    env: &Environment,
    layer: Layer,
    r: &RegionEnv,
    (service, member, global_name, global): (&str, &str, &str, bool),
    security_group: &str,
) -> Stack {
    let description = if r.primary {
        let suffix = if global {
            format!(" and {global_name}")
        } else {
            String::new()
        };
        format!("{} {}: {service} primary {member}{suffix}", env.name, r.code)
    } else {
        format!("{} {}: {service} secondary {member} of {global_name}", env.name, r.code)
    };
    regional_stack(env, layer, r, description, security_group)
}

/// A regional stack of a component that lives in the region's private subnets, behind one of
/// its security groups, encrypted with its key: those three come from the network stack.
fn regional_stack(env: &Environment, layer: Layer, r: &RegionEnv, description: String, security_group: &str) -> Stack {
    let mut s = stack(env, layer, &r.code, description);
    s.parameters = from_network(
        env,
        r,
        &[
            ("PrivateSubnetIds", ParamType::List),
            (security_group, ParamType::String),
            ("KmsKeyArn", ParamType::String),
        ],
    );
    s
}

/// The RDS engine of every Aurora resource mrgen renders.
const AURORA_ENGINE: &str = "aurora-postgresql";

fn pg_family(version: &str) -> String {
    let major = version.split('.').next().unwrap_or("16");
    format!("aurora-postgresql{major}")
}

fn aurora(env: &Environment) -> Vec<Stack> {
    let Some(a) = &env.aurora else { return Vec::new() };
    let global = env.regions.len() > 1;
    let global_id_name = global_id(env, "aurora");
    let primary_stack = naming::stack(env, "aurora", &env.primary().code);
    let mut stacks = Vec::new();
    for r in &env.regions {
        let mut s = member_stack(
            env,
            Layer::Aurora,
            r,
            ("Aurora PostgreSQL", "cluster", "the global database", global),
            "DatabaseSecurityGroupId",
        );
        let cluster_id = regional_id(env, "aurora", &r.code);
        if r.primary {
            let replicas = secondary_keys(env, &mut s);
            s.resources.push(retained(
                "master_secret",
                Kind::DbSecret(DbSecret {
                    name: format!("{}/aurora-master", global_id(env, "mrgen")),
                    kms_key: V::p("KmsKeyArn"),
                    replica_regions: replicas,
                    username: "mrgen_admin".into(),
                    password: Some("master_password".into()),
                }),
                Retain::Retain,
            ));
            s.resources.push(only(
                Backends::TerraformOnly,
                res("master_password", Kind::DbPasswordEphemeral(DbPasswordEphemeral)),
            ));
        } else {
            s.depends_on.push(primary_stack.clone());
        }
        s.resources.push(res(
            "subnet_group",
            Kind::DbSubnetGroup(DbSubnetGroup {
                name: cluster_id.clone(),
                subnets: V::p("PrivateSubnetIds"),
            }),
        ));
        s.resources.push(res(
            "cluster_parameter_group",
            Kind::DbClusterParameterGroup(DbClusterParameterGroup {
                name: cluster_id.clone(),
                family: pg_family(&a.engine_version.value),
                parameters: vec![
                    ("log_min_duration_statement".into(), "1000".into()),
                    ("log_statement".into(), "ddl".into()),
                    ("rds.force_ssl".into(), "1".into()),
                ],
            }),
        ));
        s.resources.push(res(
            "monitoring_role",
            Kind::IamRole(IamRole {
                name: regional_id(env, "rds-monitoring", &r.code),
                trust: Statement::trust(&["monitoring.rds.amazonaws.com"]),
                managed_policies: vec!["arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole".into()],
                policy: Vec::new(),
            }),
        ));
        if r.primary && global {
            s.resources.push(retained(
                "global_cluster",
                Kind::GlobalCluster(GlobalCluster {
                    id: global_id_name.clone(),
                    engine: AURORA_ENGINE.into(),
                    engine_version: a.engine_version.value.clone(),
                }),
                Retain::Retain,
            ));
        }
        let mut cluster = retained(
            "cluster",
            Kind::DbCluster(DbCluster {
                id: cluster_id.clone(),
                global_cluster: global.then(|| Elsewhere {
                    name: global_id_name.clone(),
                    stack: primary_stack.clone(),
                    id: "global_cluster".into(),
                }),
                engine: AURORA_ENGINE.into(),
                engine_version: a.engine_version.value.clone(),
                primary: r.primary,
                secret: r.primary.then(|| V::r("master_secret")),
                database_name: r.primary.then(|| a.database_name.clone()),
                subnet_group: V::r("subnet_group"),
                security_groups: vec![V::p("DatabaseSecurityGroupId")],
                kms_key: V::p("KmsKeyArn"),
                parameter_group: V::r("cluster_parameter_group"),
                backup_retention_days: a.backup_retention_days,
                write_forwarding: !r.primary && a.write_forwarding.value,
                source_region: (!r.primary).then(|| env.primary().code.clone()),
            }),
            Retain::Snapshot,
        );
        if r.primary && global {
            cluster.depends_on.push("global_cluster".into());
        }
        if !r.primary && global {
            // A secondary cluster joins once the primary has its instances.
            cluster.after = (1..=1 + env.primary().aurora_readers.value)
                .map(|n| At {
                    stack: primary_stack.clone(),
                    id: format!("instance_{n}"),
                })
                .collect();
        }
        // RDS would create the PostgreSQL log group itself, unencrypted and kept forever.
        s.resources.push(res(
            "postgresql_log_group",
            Kind::LogGroup(LogGroup {
                name: format!("/aws/rds/cluster/{cluster_id}/postgresql"),
                retention_days: LOG_RETENTION_DAYS,
                kms_key: V::p("KmsKeyArn"),
            }),
        ));
        cluster.depends_on.push("postgresql_log_group".into());
        s.resources.push(cluster);
        let instances = if r.primary {
            1 + r.aurora_readers.value
        } else {
            r.aurora_readers.value
        };
        for n in 1..=instances {
            s.resources.push(retained(
                &format!("instance_{n}"),
                Kind::DbInstance(DbInstance {
                    id: format!("{cluster_id}-{n}"),
                    engine: AURORA_ENGINE.into(),
                    cluster: V::r("cluster"),
                    class: a.instance_class.value.clone(),
                    performance_insights: a.performance_insights,
                    kms_key: V::p("KmsKeyArn"),
                    monitoring_role: V::attr("monitoring_role", Attr::Arn),
                }),
                Retain::Snapshot,
            ));
        }
        if r.primary && global {
            s.outputs.push(out(
                "GlobalClusterId",
                V::r("global_cluster"),
                "The global cluster (`aws rds switchover-global-cluster --global-cluster-identifier`)",
            ));
        }
        s.outputs.push(out(
            "ClusterArn",
            V::attr("cluster", Attr::Arn),
            "The Aurora cluster (a `--target-db-cluster-identifier` of a switchover or failover)",
        ));
        s.outputs.push(out(
            "ClusterEndpoint",
            V::attr("cluster", Attr::Endpoint),
            "Writer endpoint (the primary's)",
        ));
        s.outputs.push(out(
            "ReaderEndpoint",
            V::attr("cluster", Attr::ReaderEndpoint),
            "Reader endpoint",
        ));
        stacks.push(s);
    }
    stacks
}

fn cache_family(engine: CacheEngine, version: &str) -> String {
    let major = version.split('.').next().unwrap_or("7");
    match engine {
        CacheEngine::Valkey => format!("valkey{major}"),
        CacheEngine::Redis if major == "7" => "redis7".into(),
        CacheEngine::Redis => format!("redis{}", version.split('.').take(2).collect::<Vec<_>>().join(".")),
    }
}

fn redis(env: &Environment) -> Vec<Stack> {
    let Some(c) = &env.redis else { return Vec::new() };
    let global = env.regions.len() > 1;
    let engine = match c.engine.value {
        CacheEngine::Redis => "redis",
        CacheEngine::Valkey => "valkey",
    };
    let primary_stack = naming::stack(env, "redis", &env.primary().code);
    let mut stacks = Vec::new();
    for r in &env.regions {
        let mut s = member_stack(
            env,
            Layer::Redis,
            r,
            ("ElastiCache", "replication group", "the Global Datastore", global),
            "CacheSecurityGroupId",
        );
        if !r.primary {
            s.parameters.push(param(
                "GlobalReplicationGroupId",
                ParamType::String,
                &primary_stack,
                "GlobalReplicationGroupId",
                &format!("GlobalReplicationGroupId of {primary_stack}"),
            ));
        }
        let group_id = regional_id(env, "redis", &r.code);
        s.resources.push(res(
            "subnet_group",
            Kind::CacheSubnetGroup(CacheSubnetGroup {
                name: group_id.clone(),
                subnets: V::p("PrivateSubnetIds"),
            }),
        ));
        s.resources.push(res(
            "slow_log_group",
            Kind::LogGroup(LogGroup {
                name: format!("/mrgen/{group_id}"),
                retention_days: LOG_RETENTION_DAYS,
                kms_key: V::p("KmsKeyArn"),
            }),
        ));
        if r.primary {
            s.resources.push(res(
                "parameter_group",
                Kind::CacheParameterGroup(CacheParameterGroup {
                    name: group_id.clone(),
                    family: cache_family(c.engine.value, &c.engine_version.value),
                    parameters: vec![("maxmemory-policy".into(), maxmemory(c.maxmemory_policy).into())],
                }),
            ));
        }
        if global {
            if r.primary {
                let replicas = secondary_keys(env, &mut s);
                s.resources.push(retained(
                    "auth_secret",
                    Kind::CacheAuthSecret(CacheAuthSecret {
                        name: format!("{}/redis-auth", global_id(env, "mrgen")),
                        kms_key: V::p("KmsKeyArn"),
                        replica_regions: replicas,
                    }),
                    Retain::Retain,
                ));
            }
        } else {
            s.resources.push(res(
                "app_user",
                Kind::CacheUser(CacheUser {
                    id: regional_id(env, "cache-app", &r.code),
                    name: regional_id(env, "cache-app", &r.code),
                    engine: "redis".into(),
                    access: "on ~* +@all -@dangerous".into(),
                    iam: true,
                }),
            ));
            s.resources.push(res(
                "default_user",
                Kind::CacheUser(CacheUser {
                    id: regional_id(env, "cache-off", &r.code),
                    name: "default".into(),
                    engine: "redis".into(),
                    access: "off -@all".into(),
                    iam: false,
                }),
            ));
            s.resources.push(res(
                "user_group",
                Kind::CacheUserGroup(CacheUserGroup {
                    id: group_id.clone(),
                    engine: "redis".into(),
                    users: vec![V::r("default_user"), V::r("app_user")],
                }),
            ));
        }
        s.resources.push(retained(
            "replication_group",
            Kind::ReplicationGroup(ReplicationGroup {
                id: group_id.clone(),
                primary: r.primary,
                engine: engine.into(),
                engine_version: c.engine_version.value.clone(),
                node_type: c.node_type.value.clone(),
                replicas: r.redis_replicas.value,
                subnet_group: V::r("subnet_group"),
                security_groups: vec![V::p("CacheSecurityGroupId")],
                kms_key: V::p("KmsKeyArn"),
                parameter_group: r.primary.then(|| V::r("parameter_group")),
                user_group: (!global).then(|| V::r("user_group")),
                auth_secret: (global && r.primary).then(|| V::r("auth_secret")),
                global_group: (!r.primary).then(|| V::p("GlobalReplicationGroupId")),
                in_global: global,
                snapshot_retention_days: c.snapshot_retention_days,
                maintenance_window: c.maintenance_window.value.clone(),
                log_group: V::r("slow_log_group"),
            }),
            Retain::Snapshot,
        ));
        if r.primary && global {
            s.resources.push(retained(
                "global_replication_group",
                Kind::GlobalReplicationGroup(GlobalReplicationGroup {
                    suffix: global_id(env, "redis"),
                    primary_group: V::r("replication_group"),
                    engine_version: c.engine_version.value.clone(),
                    description: format!("{} {} Global Datastore", env.prefix, env.name),
                }),
                Retain::Retain,
            ));
            s.outputs.push(out(
                "GlobalReplicationGroupId",
                V::attr("global_replication_group", Attr::GlobalReplicationGroupId),
                "The Global Datastore's full id (AWS adds a prefix to the suffix)",
            ));
        }
        s.outputs.push(out(
            "ReplicationGroupId",
            V::r("replication_group"),
            "This region's replication group",
        ));
        s.outputs.push(out(
            "PrimaryEndpoint",
            V::attr("replication_group", Attr::Endpoint),
            "Primary endpoint address (TLS, port 6379)",
        ));
        stacks.push(s);
    }
    stacks
}

fn maxmemory(p: crate::model::raw::MaxmemoryPolicy) -> &'static str {
    use crate::model::raw::MaxmemoryPolicy as M;
    match p {
        M::VolatileLru => "volatile-lru",
        M::AllkeysLru => "allkeys-lru",
        M::VolatileLfu => "volatile-lfu",
        M::AllkeysLfu => "allkeys-lfu",
        M::VolatileRandom => "volatile-random",
        M::AllkeysRandom => "allkeys-random",
        M::VolatileTtl => "volatile-ttl",
        M::Noeviction => "noeviction",
    }
}

/// (source, target) region pairs MSK Replicator copies between.
fn replication_pairs(env: &Environment) -> Vec<(String, String)> {
    let Some(m) = &env.msk else { return Vec::new() };
    if m.replication.value != MskReplication::MskReplicator || env.regions.len() < 2 {
        return Vec::new();
    }
    let p = env.primary().code.clone();
    let mut pairs: Vec<(String, String)> = env.secondaries().iter().map(|s| (p.clone(), s.code.clone())).collect();
    if env.mode == Mode::ActiveActive {
        pairs.extend(env.secondaries().iter().map(|s| (s.code.clone(), p.clone())));
    }
    pairs
}

fn msk(env: &Environment) -> Vec<Stack> {
    let Some(m) = &env.msk else { return Vec::new() };
    let pairs = replication_pairs(env);
    let mut stacks = Vec::new();
    for r in &env.regions {
        let mut s = regional_stack(
            env,
            Layer::Msk,
            r,
            format!("{} {}: the MSK cluster", env.name, r.code),
            "KafkaSecurityGroupId",
        );
        let name = regional_id(env, "msk", &r.code);
        let source = pairs.iter().any(|(src, _)| *src == r.code);
        s.resources.push(res(
            "broker_log_group",
            Kind::LogGroup(LogGroup {
                name: format!("/mrgen/{name}"),
                retention_days: LOG_RETENTION_DAYS,
                kms_key: V::p("KmsKeyArn"),
            }),
        ));
        s.resources.push(retained(
            "cluster",
            Kind::MskCluster(MskCluster {
                name: name.clone(),
                kafka_version: m.kafka_version.value.clone(),
                broker_type: m.broker_instance_type.value.clone(),
                brokers: r.msk_brokers.value,
                storage_gib: m.storage_gib.value,
                subnets: V::p("PrivateSubnetIds"),
                security_groups: vec![V::p("KafkaSecurityGroupId")],
                kms_key: V::p("KmsKeyArn"),
                log_group: V::r("broker_log_group"),
                multi_vpc: source,
            }),
            Retain::Retain,
        ));
        if source {
            let mut allow = Statement::allow(
                "MskReplicatorReads",
                &[
                    "kafka:CreateVpcConnection",
                    "kafka:GetBootstrapBrokers",
                    "kafka:DescribeClusterV2",
                    "kafka-cluster:Connect",
                    "kafka-cluster:DescribeCluster",
                    "kafka-cluster:ReadData",
                    "kafka-cluster:DescribeTopic",
                    "kafka-cluster:DescribeTopicDynamicConfiguration",
                    "kafka-cluster:DescribeGroup",
                    "kafka-cluster:AlterGroup",
                ],
                vec![V::r("cluster")],
            );
            allow.service_principals = vec!["kafka.amazonaws.com".into()];
            allow.string_equals = vec![("aws:SourceAccount".into(), vec![V::AccountId])];
            s.resources.push(res(
                "cluster_policy",
                Kind::MskClusterPolicy(MskClusterPolicy {
                    cluster: V::r("cluster"),
                    policy: vec![allow],
                }),
            ));
        }
        s.outputs.push(out("ClusterArn", V::r("cluster"), "The MSK cluster"));
        stacks.push(s);
    }
    // One replication stack per target region, holding the replicators that copy into it.
    let mut targets: Vec<&RegionEnv> = Vec::new();
    for r in &env.regions {
        if pairs.iter().any(|(_, t)| *t == r.code) {
            targets.push(r);
        }
    }
    for t in targets {
        let mut s = stack(
            env,
            Layer::MskReplication,
            &t.code,
            format!(
                "{} {}: MSK Replicator copying topics into this region's cluster",
                env.name, t.code
            ),
        );
        let tnet = naming::stack(env, "network", &t.code);
        let tmsk = naming::stack(env, "msk", &t.code);
        s.parameters.push(param(
            "TargetClusterArn",
            ParamType::String,
            &tmsk,
            "ClusterArn",
            &format!("ClusterArn of {tmsk}"),
        ));
        s.parameters.push(param(
            "TargetSubnetIds",
            ParamType::List,
            &tnet,
            "PrivateSubnetIds",
            &format!("PrivateSubnetIds of {tnet}"),
        ));
        s.parameters.push(param(
            "TargetSecurityGroupId",
            ParamType::String,
            &tnet,
            "KafkaSecurityGroupId",
            &format!("KafkaSecurityGroupId of {tnet}"),
        ));
        let mut arns = vec![V::p("TargetClusterArn")];
        for (src, _) in pairs.iter().filter(|(_, tt)| *tt == t.code) {
            let short = pascal(&short_code(src));
            let snet = naming::stack(env, "network", src);
            let smsk = naming::stack(env, "msk", src);
            s.parameters.push(param(
                &format!("SourceClusterArn{short}"),
                ParamType::String,
                &smsk,
                "ClusterArn",
                &format!("ClusterArn of {smsk}"),
            ));
            s.parameters.push(param(
                &format!("SourceSubnetIds{short}"),
                ParamType::List,
                &snet,
                "PrivateSubnetIds",
                &format!("PrivateSubnetIds of {snet}"),
            ));
            s.parameters.push(param(
                &format!("SourceSecurityGroupId{short}"),
                ParamType::String,
                &snet,
                "KafkaSecurityGroupId",
                &format!("KafkaSecurityGroupId of {snet}"),
            ));
            arns.push(V::p(&format!("SourceClusterArn{short}")));
        }
        // Every replication stack waits for every region's cluster (SPEC section 5).
        for r in &env.regions {
            s.depends_on.push(naming::stack(env, "msk", &r.code));
        }
        let cluster_and_topics = |arn: &V| {
            vec![
                arn.clone(),
                V::Join(vec![V::s("arn:aws:kafka:*:"), V::AccountId, V::s(":topic/*")]),
                V::Join(vec![V::s("arn:aws:kafka:*:"), V::AccountId, V::s(":group/*")]),
            ]
        };
        let resources: Vec<V> = arns.iter().flat_map(cluster_and_topics).collect();
        s.resources.push(res(
            "replicator_role",
            Kind::IamRole(IamRole {
                name: regional_id(env, "msk-replicator", &t.code),
                trust: Statement::trust(&["kafka.amazonaws.com"]),
                managed_policies: Vec::new(),
                policy: vec![Statement::allow(
                    "ReplicateBetweenClusters",
                    &[
                        "kafka-cluster:Connect",
                        "kafka-cluster:DescribeCluster",
                        "kafka-cluster:AlterCluster",
                        "kafka-cluster:DescribeTopic",
                        "kafka-cluster:CreateTopic",
                        "kafka-cluster:AlterTopic",
                        "kafka-cluster:WriteData",
                        "kafka-cluster:ReadData",
                        "kafka-cluster:AlterGroup",
                        "kafka-cluster:DescribeGroup",
                        "kafka-cluster:DescribeTopicDynamicConfiguration",
                        "kafka-cluster:AlterTopicDynamicConfiguration",
                        "kafka-cluster:WriteDataIdempotently",
                    ],
                    resources,
                )],
            }),
        ));
        for (src, _) in pairs.iter().filter(|(_, tt)| *tt == t.code) {
            let short = short_code(src);
            let ps = pascal(&short);
            s.resources.push(retained(
                &format!("replicator_from_{short}"),
                Kind::MskReplicator(MskReplicator {
                    name: naming::replicator_name(env, src, &t.code),
                    source_cluster: V::p(&format!("SourceClusterArn{ps}")),
                    source_subnets: V::p(&format!("SourceSubnetIds{ps}")),
                    source_security_groups: vec![V::p(&format!("SourceSecurityGroupId{ps}"))],
                    target_cluster: V::p("TargetClusterArn"),
                    target_subnets: V::p("TargetSubnetIds"),
                    target_security_groups: vec![V::p("TargetSecurityGroupId")],
                    role: V::attr("replicator_role", Attr::Arn),
                    topics: m.topics.iter().map(|t| t.value.clone()).collect(),
                }),
                Retain::Retain,
            ));
            s.outputs.push(out(
                &format!("ReplicatorArn{ps}"),
                V::r(&format!("replicator_from_{short}")),
                &format!("Replicator from {src}"),
            ));
        }
        stacks.push(s);
    }
    stacks
}

fn eks(env: &Environment) -> Vec<Stack> {
    let Some(e) = &env.eks else { return Vec::new() };
    let mut stacks = Vec::new();
    for r in &env.regions {
        let mut s = regional_stack(
            env,
            Layer::Eks,
            r,
            format!("{} {}: the EKS cluster and its node group", env.name, r.code),
            "AppSecurityGroupId",
        );
        let name = regional_id(env, "eks", &r.code);
        s.resources.push(res(
            "cluster_role",
            Kind::IamRole(IamRole {
                name: regional_id(env, "eks-cluster", &r.code),
                trust: Statement::trust(&["eks.amazonaws.com"]),
                managed_policies: vec!["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy".into()],
                policy: Vec::new(),
            }),
        ));
        s.resources.push(res(
            "cluster_log_group",
            Kind::LogGroup(LogGroup {
                name: format!("/aws/eks/{name}/cluster"),
                retention_days: LOG_RETENTION_DAYS,
                kms_key: V::p("KmsKeyArn"),
            }),
        ));
        let mut cluster = res(
            "cluster",
            Kind::EksCluster(EksCluster {
                name: name.clone(),
                version: e.version.value.clone(),
                role: V::attr("cluster_role", Attr::Arn),
                subnets: V::p("PrivateSubnetIds"),
                security_groups: vec![V::p("AppSecurityGroupId")],
                kms_key: V::p("KmsKeyArn"),
            }),
        );
        cluster.depends_on.push("cluster_log_group".into());
        s.resources.push(cluster);
        s.resources.push(res(
            "node_role",
            Kind::IamRole(IamRole {
                name: regional_id(env, "eks-nodes", &r.code),
                trust: Statement::trust(&["ec2.amazonaws.com"]),
                managed_policies: vec![
                    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy".into(),
                    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy".into(),
                    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly".into(),
                ],
                policy: Vec::new(),
            }),
        ));
        s.resources.push(res(
            "node_group",
            Kind::EksNodegroup(EksNodegroup {
                name: regional_id(env, "eks-nodes", &r.code),
                cluster: V::r("cluster"),
                role: V::attr("node_role", Attr::Arn),
                subnets: V::p("PrivateSubnetIds"),
                instance_types: e.instance_types.clone(),
                ami_type: if e.instance_types.iter().all(|t| crate::aws::eks::is_graviton(t)) {
                    "AL2023_ARM_64_STANDARD".into()
                } else {
                    "AL2023_x86_64_STANDARD".into()
                },
                capacity_type: match e.capacity_type {
                    CapacityType::OnDemand => "ON_DEMAND".into(),
                    CapacityType::Spot => "SPOT".into(),
                },
                min: r.eks_min.value,
                max: r.eks_max.value,
                desired: r.eks_desired.value,
            }),
        ));
        s.outputs.push(out("ClusterName", V::r("cluster"), "The EKS cluster"));
        s.outputs.push(out(
            "ClusterArn",
            V::attr("cluster", Attr::Arn),
            "The EKS cluster's ARN",
        ));
        stacks.push(s);
    }
    stacks
}

/// `continent:EU` / `US-CA` / `TW` / `*` → the Route 53 fields.
fn geo(code: &str) -> Routing {
    if let Some(c) = code.strip_prefix("continent:") {
        return Routing::Geolocation {
            continent: Some(c.to_string()),
            country: None,
            subdivision: None,
        };
    }
    if let Some((country, sub)) = code.split_once('-') {
        return Routing::Geolocation {
            continent: None,
            country: Some(country.to_string()),
            subdivision: Some(sub.to_string()),
        };
    }
    Routing::Geolocation {
        continent: None,
        country: Some(code.to_string()),
        subdivision: None,
    }
}

fn dns(env: &Environment) -> Option<Stack> {
    let r53 = env.route53.as_ref()?;
    let mut s = stack(
        env,
        Layer::Dns,
        GLOBAL_REGION,
        format!(
            "{}: Route 53 health checks and routing records in {}",
            env.name, r53.hosted_zone
        ),
    );
    for r in &env.regions {
        let short = short_code(&r.code);
        let host = r53.endpoints.get(&r.code).cloned().unwrap_or_default();
        s.resources.push(res(
            &format!("health_check_{short}"),
            Kind::HealthCheck(HealthCheck {
                name: regional_id(env, "health", &r.code),
                fqdn: host,
                port: r53.port,
                path: r53.path.value.clone(),
                https: r53.protocol == Protocol::Https,
                interval: env.health_check_interval.value,
                threshold: env.health_check_threshold.value,
            }),
        ));
        s.outputs.push(out(
            &format!("HealthCheckId{}", pascal(&short)),
            V::attr(&format!("health_check_{short}"), Attr::HealthCheckId),
            &format!("Health check of {}", r.code),
        ));
    }
    let ttl = env.dns_ttl_seconds.value;
    for (i, rec) in r53.records.iter().enumerate() {
        let mut add = |region: &RegionEnv, set_id: String, routing: Routing, suffix: &str| {
            let short = short_code(&region.code);
            s.resources.push(res(
                &format!("record_{i}_{short}{suffix}"),
                Kind::RecordSet(RecordSet {
                    zone: r53.hosted_zone.clone(),
                    spec: RecordSpec {
                        name: rec.fqdn.clone(),
                        set_identifier: set_id,
                        target: r53.endpoints.get(&region.code).cloned().unwrap_or_default(),
                        ttl,
                        health_check: format!("health_check_{short}"),
                        routing,
                    },
                }),
            ));
        };
        match rec.policy {
            Policy::Failover => {
                if let Some(sec) = env.secondaries().first() {
                    add(
                        env.primary(),
                        format!("{}-primary", env.primary().code),
                        Routing::Failover { primary: true },
                        "",
                    );
                    add(
                        sec,
                        format!("{}-secondary", sec.code),
                        Routing::Failover { primary: false },
                        "",
                    );
                }
            }
            Policy::Latency => {
                for r in &env.regions {
                    add(r, r.code.clone(), Routing::Latency { region: r.code.clone() }, "");
                }
            }
            Policy::Weighted => {
                for (code, w) in &rec.weights {
                    if let Some(r) = env.regions.iter().find(|r| &r.code == code) {
                        add(r, r.code.clone(), Routing::Weighted { weight: *w }, "");
                    }
                }
            }
            Policy::Geolocation => {
                for (code, locs) in &rec.locations {
                    if let Some(r) = env.regions.iter().find(|r| &r.code == code) {
                        for loc in locs {
                            let tag = if loc == "*" {
                                "default".to_string()
                            } else {
                                loc.replace([':', '-'], "_").to_lowercase()
                            };
                            add(
                                r,
                                format!("{}-{}", r.code, if loc == "*" { "default" } else { loc }),
                                geo(loc),
                                &format!("_{tag}"),
                            );
                        }
                    }
                }
            }
        }
    }
    Some(s)
}

fn monitoring(env: &Environment, dns_stack: Option<&Stack>) -> Vec<Stack> {
    let m = &env.monitoring;
    let global = env.regions.len() > 1;
    let pairs = replication_pairs(env);
    let mut stacks = Vec::new();
    let us_east_1_is_region = env.regions.iter().any(|r| r.code == GLOBAL_REGION);
    let alarm = |name: String,
                 description: String,
                 namespace: &str,
                 metric: &str,
                 dims: Vec<(String, V)>,
                 threshold: f64,
                 statistic: &str| {
        Kind::Alarm(Alarm {
            name,
            description,
            namespace: namespace.into(),
            metric: metric.into(),
            dimensions: dims,
            statistic: statistic.into(),
            period: 60,
            evaluation_periods: 3,
            threshold,
            comparison: "GreaterThanThreshold".into(),
            treat_missing: "notBreaching".into(),
            topic: V::r("alerts_topic"),
        })
    };
    for r in &env.regions {
        let short = short_code(&r.code);
        let mut s = stack(
            env,
            Layer::Monitoring,
            &r.code,
            format!("{} {}: alert topic and replication-lag alarms", env.name, r.code),
        );
        s.parameters = from_network(env, r, &[("KmsKeyArn", ParamType::String)]);
        s.resources.push(res(
            "alerts_topic",
            Kind::Topic(Topic {
                name: regional_id(env, "alerts", &r.code),
                kms_key: V::p("KmsKeyArn"),
            }),
        ));
        let mut services = vec!["cloudwatch.amazonaws.com".to_string()];
        for (j, email) in m.alarm_emails.iter().enumerate() {
            s.resources.push(res(
                &format!("alerts_email_{}", j + 1),
                Kind::EmailSubscription(EmailSubscription {
                    topic: V::r("alerts_topic"),
                    address: email.clone(),
                }),
            ));
        }
        let levels = [("warning", m.lag_warning_seconds), ("critical", m.lag_critical_seconds)];
        if global && !r.primary {
            if env.aurora.is_some() {
                let cluster = regional_id(env, "aurora", &r.code);
                for (level, secs) in levels {
                    s.resources.push(res(
                        &format!("aurora_lag_{level}"),
                        alarm(
                            format!("{}-{level}", regional_id(env, "aurora-lag", &r.code)),
                            format!("Aurora Global Database replication lag into {} above {secs} s", r.code),
                            "AWS/RDS",
                            "AuroraGlobalDBReplicationLag",
                            vec![("DBClusterIdentifier".into(), V::s(cluster.clone()))],
                            (secs * 1000) as f64,
                            "Maximum",
                        ),
                    ));
                }
                s.depends_on.push(naming::stack(env, "aurora", &r.code));
            }
            if env.redis.is_some() {
                let member = format!("{}-001", regional_id(env, "redis", &r.code));
                for (level, secs) in levels {
                    s.resources.push(res(
                        &format!("redis_lag_{level}"),
                        alarm(
                            format!("{}-{level}", regional_id(env, "redis-lag", &r.code)),
                            format!("Global Datastore replication lag into {} above {secs} s", r.code),
                            "AWS/ElastiCache",
                            "GlobalDatastoreReplicationLag",
                            vec![("CacheClusterId".into(), V::s(member.clone()))],
                            secs as f64,
                            "Maximum",
                        ),
                    ));
                }
                s.depends_on.push(naming::stack(env, "redis", &r.code));
            }
        }
        let sources: Vec<&String> = pairs.iter().filter(|(_, t)| *t == r.code).map(|(src, _)| src).collect();
        for src in &sources {
            let ss = short_code(src);
            for (level, secs) in levels {
                s.resources.push(res(
                    &format!("msk_latency_from_{ss}_{level}"),
                    alarm(
                        format!("{}-from-{ss}-{level}", regional_id(env, "msk-latency", &r.code)),
                        format!("MSK Replicator latency from {src} into {} above {secs} s", r.code),
                        "AWS/Kafka",
                        "ReplicationLatency",
                        vec![(
                            "ReplicatorName".into(),
                            V::s(naming::replicator_name(env, src, &r.code)),
                        )],
                        (secs * 1000) as f64,
                        "Maximum",
                    ),
                ));
            }
        }
        if !sources.is_empty() {
            s.depends_on.push(naming::stack(env, "msk-replication", &r.code));
        }
        if r.code == GLOBAL_REGION {
            services.push("budgets.amazonaws.com".into());
            global_parts(env, dns_stack, &mut s);
        }
        s.resources.push(res(
            "alerts_topic_policy",
            Kind::TopicPolicy(TopicPolicy {
                topic: V::r("alerts_topic"),
                policy: publish_policy(services),
            }),
        ));
        let _ = short;
        s.outputs.push(out(
            "AlertsTopicArn",
            V::r("alerts_topic"),
            "Where this region's alarms go",
        ));
        stacks.push(s);
    }
    if !us_east_1_is_region && (dns_stack.is_some() || env.budget.is_some()) {
        let mut s = stack(
            env,
            Layer::Monitoring,
            GLOBAL_REGION,
            format!("{}: Route 53 health-check alarms, their alert topic and the budget (global services live in us-east-1)", env.name),
        );
        // CloudWatch alarms and Budgets cannot publish to a topic encrypted with the AWS-managed
        // SNS key (its policy cannot be changed to let them), so this stack has its own key.
        s.resources.push(retained(
            "kms_key",
            Kind::KmsKey(KmsKey {
                description: format!("{} {} us-east-1: global alert topic", env.prefix, env.name),
                policy: key_policy(GLOBAL_REGION),
            }),
            Retain::Retain,
        ));
        s.resources.push(res(
            "kms_alias",
            Kind::KmsAlias(KmsAlias {
                name: format!("alias/{}", global_id(env, "alerts-global")),
                key: V::r("kms_key"),
            }),
        ));
        s.resources.push(res(
            "alerts_topic",
            Kind::Topic(Topic {
                name: global_id(env, "alerts-global"),
                kms_key: V::attr("kms_key", Attr::Arn),
            }),
        ));
        for (j, email) in m.alarm_emails.iter().enumerate() {
            s.resources.push(res(
                &format!("alerts_email_{}", j + 1),
                Kind::EmailSubscription(EmailSubscription {
                    topic: V::r("alerts_topic"),
                    address: email.clone(),
                }),
            ));
        }
        s.resources.push(res(
            "alerts_topic_policy",
            Kind::TopicPolicy(TopicPolicy {
                topic: V::r("alerts_topic"),
                policy: publish_policy(vec!["cloudwatch.amazonaws.com".into(), "budgets.amazonaws.com".into()]),
            }),
        ));
        global_parts(env, dns_stack, &mut s);
        s.outputs.push(out(
            "AlertsTopicArn",
            V::r("alerts_topic"),
            "Where the global alarms and the budget go",
        ));
        stacks.push(s);
    }
    stacks
}

/// Health-check alarms and the budget: added to the us-east-1 monitoring stack.
fn global_parts(env: &Environment, dns_stack: Option<&Stack>, s: &mut Stack) {
    if let Some(d) = dns_stack {
        for r in &env.regions {
            let short = short_code(&r.code);
            let name = format!("HealthCheckId{}", pascal(&short));
            s.parameters.push(param(
                &name,
                ParamType::String,
                &d.name,
                &name,
                &format!("{name} of {}", d.name),
            ));
            s.resources.push(res(
                &format!("health_alarm_{short}"),
                Kind::Alarm(Alarm {
                    name: regional_id(env, "health", &r.code),
                    description: format!("Route 53 health check of {} is failing", r.code),
                    namespace: "AWS/Route53".into(),
                    metric: "HealthCheckStatus".into(),
                    dimensions: vec![("HealthCheckId".into(), V::p(&name))],
                    statistic: "Minimum".into(),
                    period: 60,
                    evaluation_periods: 1,
                    threshold: 1.0,
                    comparison: "LessThanThreshold".into(),
                    treat_missing: "breaching".into(),
                    topic: V::r("alerts_topic"),
                }),
            ));
        }
    }
    if let Some(b) = &env.budget {
        s.resources.push(res(
            "budget",
            Kind::Budget(Budget {
                name: global_id(env, "monthly"),
                limit_usd: b.limit_usd,
                thresholds: b.alert_thresholds.clone(),
                topic: V::r("alerts_topic"),
                emails: env.monitoring.alarm_emails.clone(),
            }),
        ));
    }
}

fn links(env: &Environment) -> Vec<Link> {
    let mut out = Vec::new();
    let p = &env.primary().code;
    for s in env.secondaries() {
        if env.peering {
            out.push(Link {
                kind: LinkKind::Peering,
                from: p.clone(),
                to: s.code.clone(),
            });
        }
        if env.aurora.is_some() {
            out.push(Link {
                kind: LinkKind::AuroraGlobal,
                from: p.clone(),
                to: s.code.clone(),
            });
        }
        if env.redis.is_some() {
            out.push(Link {
                kind: LinkKind::GlobalDatastore,
                from: p.clone(),
                to: s.code.clone(),
            });
        }
    }
    for (a, b) in replication_pairs(env) {
        out.push(Link {
            kind: LinkKind::MskReplication,
            from: a,
            to: b,
        });
    }
    out
}

/// The plan of a valid environment.
pub fn build(env: &Environment) -> Plan {
    let mut stacks: Vec<Stack> = env.regions.iter().map(|r| network(env, r)).collect();
    if env.peering && !env.secondaries().is_empty() {
        stacks.extend(peering(env));
    }
    stacks.extend(aurora(env));
    stacks.extend(redis(env));
    stacks.extend(msk(env));
    stacks.extend(eks(env));
    let dns_stack = dns(env);
    stacks.extend(monitoring(env, dns_stack.as_ref()));
    stacks.extend(dns_stack);
    finish(env, stacks)
}

/// Dependencies from parameters, waves, and the deploy order.
fn finish(env: &Environment, mut stacks: Vec<Stack>) -> Plan {
    for s in &mut stacks {
        for p in &s.parameters {
            if let ParamSource::Output { stack, .. } = &p.source {
                if !s.depends_on.contains(stack) {
                    s.depends_on.push(stack.clone());
                }
            }
        }
        s.parameters.sort_by(|a, b| a.name.cmp(&b.name));
        s.depends_on.sort();
        s.depends_on.dedup();
    }
    // Waves: one more than the highest wave depended on. The graph is acyclic by construction
    // (every edge points to an earlier layer, or within a layer from secondary to primary), so
    // repeating the relaxation as many times as there are stacks settles it.
    let names: BTreeMap<String, usize> = stacks.iter().enumerate().map(|(i, s)| (s.name.clone(), i)).collect();
    for _ in 0..stacks.len() {
        let mut changed = false;
        for i in 0..stacks.len() {
            let w = stacks[i]
                .depends_on
                .iter()
                .filter_map(|d| names.get(d).map(|&j| stacks[j].wave + 1))
                .max()
                .unwrap_or(0);
            if w != stacks[i].wave {
                stacks[i].wave = w;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let region_rank = |code: &str| -> usize {
        env.regions
            .iter()
            .position(|r| r.code == code)
            .unwrap_or(env.regions.len())
    };
    stacks.sort_by_key(|s| (s.wave, s.layer, region_rank(&s.region)));
    let mut tags: Vec<(String, String)> = env.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    if !env.tags.contains_key("mrgen:environment") {
        tags.push(("mrgen:environment".into(), env.name.clone()));
    }
    tags.sort();
    Plan {
        environment: env.name.clone(),
        prefix: env.prefix.clone(),
        regions: env.regions.iter().map(|r| r.code.clone()).collect(),
        stacks,
        omitted: env.omitted.clone(),
        links: links(env),
        tags,
    }
}
