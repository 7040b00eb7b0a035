//! The `network` layer: per region a VPC, subnets in each AZ, routes, NAT, security groups,
//! flow logs and the region's KMS key.

use super::layer::Layer;
use super::parts::*;
use super::types::*;
use super::values::*;
use crate::cidr::Cidr;
use crate::model::env::RegionEnv;
use crate::model::Environment;
use crate::naming::{global_id, regional_id};
use crate::plan::kinds::*;

fn multi_region_key_output(present: bool, s: &mut Stack) {
    if present {
        s.outputs.push(out(
            Out::MultiRegionKeyArn,
            V::attr("multi_region_key", Attr::Arn),
            "The environment's multi-Region primary key",
        ));
    }
}

pub(super) fn network(env: &Environment, r: &RegionEnv) -> Stack {
    let mut s = stack(
        env,
        Layer::Network,
        &r.code,
        format!(
            "{} {}: VPC, subnets, routes, security groups, flow logs and the region's KMS key",
            env.name, r.code
        ),
    );
    let rs = &mut s.resources;
    rs.push(retained(
        "kms_key",
        Kind::KmsKey(KmsKey {
            description: format!("{} {} {}: storage, logs and messages", env.prefix, env.name, r.code),
            policy: key_policy(&r.code),
            multi_region: false,
        }),
        Retain::Retain,
    ));
    let multi_region_key = env.storage.is_some() && r.primary;
    if multi_region_key {
        // The environment's multi-Region key, created here in the primary region; its replicas
        // live in the secondaries' storage stacks.
        rs.push(retained(
            "multi_region_key",
            Kind::KmsKey(KmsKey {
                description: format!(
                    "{} {}: multi-Region key (S3, replicated to every region)",
                    env.prefix, env.name
                ),
                policy: super::storage::multi_region_key_policy(),
                multi_region: true,
            }),
            Retain::Retain,
        ));
        rs.push(res(
            "multi_region_key_alias",
            Kind::KmsAlias(KmsAlias {
                name: format!("alias/{}", global_id(env, "mrk")),
                key: V::r("multi_region_key"),
            }),
        ));
    }
    rs.push(res(
        "kms_alias",
        Kind::KmsAlias(KmsAlias {
            name: format!("alias/{}", regional_id(env, "kms", &r.code)),
            key: V::r("kms_key"),
        }),
    ));
    if let Some(cidr) = r.cidr {
        vpc(env, r, cidr, rs);
    }
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
    if r.cidr.is_none() {
        // Without a usable CIDR (the same run reports why) the plan holds no VPC; the names above
        // are still checked against their limits.
        s.outputs = vec![out(
            Out::KmsKeyArn,
            V::attr("kms_key", Attr::Arn),
            "The region's KMS key",
        )];
        multi_region_key_output(multi_region_key, &mut s);
        return s;
    }
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
        out(Out::VpcId, V::r("vpc"), "The VPC"),
        out(
            Out::PrivateSubnetIds,
            list("private_subnet"),
            "Private subnets, one per AZ",
        ),
        out(
            Out::PublicSubnetIds,
            list("public_subnet"),
            "Public subnets, one per AZ",
        ),
        out(
            Out::PrivateRouteTableIds,
            list("private_route_table"),
            "Private route tables, one per AZ",
        ),
        out(
            Out::AppSecurityGroupId,
            V::attr("app_security_group", Attr::GroupId),
            "The EKS control plane's private API endpoint (nodes carry the cluster security group)",
        ),
        out(
            Out::DatabaseSecurityGroupId,
            V::attr("database_security_group", Attr::GroupId),
            "Aurora",
        ),
        out(
            Out::CacheSecurityGroupId,
            V::attr("cache_security_group", Attr::GroupId),
            "ElastiCache",
        ),
        out(
            Out::KafkaSecurityGroupId,
            V::attr("kafka_security_group", Attr::GroupId),
            "MSK",
        ),
        out(Out::KmsKeyArn, V::attr("kms_key", Attr::Arn), "The region's KMS key"),
    ];
    multi_region_key_output(multi_region_key, &mut s);
    s
}

/// The VPC with its subnets, routes, NAT gateways and security groups.
fn vpc(env: &Environment, r: &RegionEnv, cidr: Cidr, rs: &mut Vec<Resource>) {
    let vpc_cidr = V::s(cidr.to_string());
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
    // The pods run on managed nodes that carry only the EKS cluster security group (AWS puts the
    // groups below on the control plane's interfaces, never on nodes): the `eks` stack admits
    // that group to each data store. Across the peering, each peered VPC reaches PostgreSQL and
    // the cache (the global writer and the Global Datastore's primary can be in any region after
    // a switchover); nothing else crosses.
    let peers = peer_cidrs(env, r);
    let from_peers = |port: u16, what: &str| -> Vec<SgRule> {
        peers
            .iter()
            .map(|(code, cidr)| {
                sg_rule(
                    &format!("{what} from the peered VPC of {code}"),
                    port,
                    Peer::Cidr(V::s(cidr)),
                )
            })
            .collect()
    };
    // Name and description are create-only: kept as they were, so that the group (and the EKS
    // cluster that names it) is not replaced.
    rs.push(res(
        "app_security_group",
        Kind::SecurityGroup(SecurityGroup {
            vpc: V::r("vpc"),
            name: regional_id(env, "app", &r.code),
            description: "EKS cluster and nodes: HTTPS in from the VPC; out to HTTPS and the data stores".into(),
            // The EKS control plane's private API endpoint, for clients inside the VPC; the
            // cluster security group beside it carries what nodes and control plane exchange.
            ingress: vec![within(443, "Kubernetes API from inside the VPC")],
            egress: Vec::new(),
        }),
    ));
    let aurora = if env.aurora.is_some() {
        from_peers(POSTGRES_PORT, "PostgreSQL")
    } else {
        Vec::new()
    };
    rs.push(res(
        "database_security_group",
        Kind::SecurityGroup(SecurityGroup {
            vpc: V::r("vpc"),
            name: regional_id(env, "database", &r.code),
            description: "Aurora PostgreSQL: 5432 from the application only".into(),
            ingress: aurora,
            egress: vec![within(POSTGRES_PORT, "PostgreSQL inside the VPC only")],
        }),
    ));
    let cache = if env.redis.is_some() {
        from_peers(CACHE_PORT, "Redis/Valkey")
    } else {
        Vec::new()
    };
    rs.push(res(
        "cache_security_group",
        Kind::SecurityGroup(SecurityGroup {
            vpc: V::r("vpc"),
            name: regional_id(env, "cache", &r.code),
            description: "ElastiCache: 6379 from the application only".into(),
            ingress: cache,
            egress: vec![within(CACHE_PORT, "Redis/Valkey inside the VPC only")],
        }),
    ));
    rs.push(res(
        "kafka_security_group",
        Kind::SecurityGroup(SecurityGroup {
            vpc: V::r("vpc"),
            name: regional_id(env, "kafka", &r.code),
            description: "MSK: Kafka with IAM (9098) from the application and the replicator".into(),
            ingress: Vec::new(),
            egress: vec![within(KAFKA_IAM_PORT, "Kafka (IAM) inside the VPC only")],
        }),
    ));
    rs.push(res(
        "kafka_self_ingress",
        Kind::SecurityGroupIngress(SecurityGroupIngress {
            group: V::attr("kafka_security_group", Attr::GroupId),
            rule: sg_rule(
                "Kafka (IAM) between brokers and MSK Replicator",
                KAFKA_IAM_PORT,
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
}

/// The VPCs peered with region `r`'s (hub and spoke: the primary's with every secondary's, a
/// secondary's with the primary's only), as (region code, CIDR).
fn peer_cidrs(env: &Environment, r: &RegionEnv) -> Vec<(String, String)> {
    if !env.peering {
        return Vec::new();
    }
    let peers: Vec<&RegionEnv> = if r.primary {
        env.secondaries().iter().collect()
    } else {
        vec![env.primary()]
    };
    peers
        .into_iter()
        .filter_map(|p| p.cidr.map(|c| (p.code.clone(), c.to_string())))
        .collect()
}
