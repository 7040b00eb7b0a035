//! The `eks` layer: per region an EKS cluster, its managed node group and their roles; the
//! managed add-ons; access entries for `eks.admin-principals`; the rules that admit the nodes to
//! the data stores; and the application's IAM role with its Pod Identity association.
//!
//! Reachability: managed node groups without a launch template carry only the cluster security
//! group that EKS creates (a launch template that set groups would replace it, and with it the
//! node-to-control-plane rules), so each data store's group admits that group. The groups live
//! in the `network` stack and the cluster in this one, so the rules are separate ingress
//! resources here, taking the groups' ids as parameters.
//!
//! Identity: the application role may do what the application needs and nothing else. Kafka:
//! connect to the region's cluster (and write idempotently, what producers do by default since
//! Kafka 3.0), describe, read, write and create the configured topics (as IAM wildcards, see
//! `topic_glob`), and use consumer groups on that cluster (IAM cannot tie a group to a topic);
//! the cache: read and decrypt the Global Datastore's AUTH secret (a single-region cache: connect
//! as its IAM-authenticated user); Aurora: `rds-db:connect` as `eks.workload.database-user` on
//! every region's cluster, since the global writer endpoint can lead to any of them after a
//! switchover. Never the Aurora master secret; nothing on `*`.

use super::layer::Layer;
use super::parts::*;
use super::storage::{app_purposes, bucket_arn, bucket_out, storage_key};
use super::topic_glob::topic_globs;
use super::types::*;
use super::values::*;
use crate::model::env::RegionEnv;
use crate::model::raw::CapacityType;
use crate::model::Environment;
use crate::naming::{global_id, regional_id, short_code};
use crate::plan::kinds::*;

/// The managed add-ons of every cluster, at the default version AWS picks for its Kubernetes
/// version (unpinned, so a cluster upgrade brings matching ones).
const ADDONS: [&str; 4] = ["vpc-cni", "coredns", "kube-proxy", "eks-pod-identity-agent"];

/// The access policy of every admin principal, over the whole cluster.
const CLUSTER_ADMIN_POLICY: &str = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

pub(super) fn eks(env: &Environment) -> Vec<Stack> {
    let Some(e) = &env.eks else { return Vec::new() };
    let mut stacks = Vec::new();
    for r in &env.regions {
        let mut s = regional_stack(
            env,
            Layer::Eks,
            r,
            format!(
                "{} {}: the EKS cluster, its node group and add-ons, admin access and the application's identity",
                env.name, r.code
            ),
            Out::AppSecurityGroupId,
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
                authentication_mode: "API_AND_CONFIG_MAP".into(),
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
                    // Includes `eks-auth:AssumeRoleForPodIdentity`, which the Pod Identity agent uses.
                    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy".into(),
                    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy".into(),
                    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly".into(),
                ],
                policy: Vec::new(),
            }),
        ));
        // No launch template: the nodes carry the cluster security group (see the top).
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
        for addon in ADDONS {
            // After the nodes: CoreDNS runs on them and stays DEGRADED (failing the create)
            // without any.
            let mut a = res(
                &format!("addon_{}", addon.replace('-', "_")),
                Kind::EksAddon(EksAddon {
                    cluster: V::r("cluster"),
                    name: addon.into(),
                }),
            );
            a.depends_on.push("node_group".into());
            s.resources.push(a);
        }
        for principal in &e.admin_principals {
            s.resources.push(res(
                &format!("admin_{:08x}", fnv1a(principal)),
                Kind::EksAccessEntry(EksAccessEntry {
                    cluster: V::r("cluster"),
                    principal: V::s(principal.clone()),
                    policy: CLUSTER_ADMIN_POLICY.into(),
                    namespaces: Vec::new(),
                }),
            ));
        }
        node_access(env, &mut s, r);
        application(env, e, &mut s, r);
        s.outputs
            .push(out(Out::ClusterName, V::r("cluster"), "The EKS cluster"));
        s.outputs.push(out(
            Out::ClusterArn,
            V::attr("cluster", Attr::Arn),
            "The EKS cluster's ARN",
        ));
        if env.ingress.is_some() {
            s.outputs.push(out(
                Out::ClusterSecurityGroupId,
                V::attr("cluster", Attr::ClusterSecurityGroupId),
                "The cluster security group, which the managed nodes carry",
            ));
        }
        stacks.push(s);
    }
    stacks
}

/// The ingress rules that admit the nodes' security group (the cluster security group) to each
/// data store of the region.
fn node_access(env: &Environment, s: &mut Stack, r: &RegionEnv) {
    let stores = [
        (
            env.aurora.is_some(),
            Out::DatabaseSecurityGroupId,
            "database_from_nodes",
            POSTGRES_PORT,
            "PostgreSQL from the EKS nodes",
        ),
        (
            env.redis.is_some(),
            Out::CacheSecurityGroupId,
            "cache_from_nodes",
            CACHE_PORT,
            "Redis/Valkey from the EKS nodes",
        ),
        (
            env.msk.is_some(),
            Out::KafkaSecurityGroupId,
            "kafka_from_nodes",
            KAFKA_IAM_PORT,
            "Kafka (IAM) from the EKS nodes",
        ),
    ];
    for (enabled, group, id, port, what) in stores {
        if !enabled {
            continue;
        }
        let param = group.name();
        s.parameters.extend(from_network(env, r, vec![group]));
        s.resources.push(res(
            id,
            Kind::SecurityGroupIngress(SecurityGroupIngress {
                group: V::p(&param),
                rule: sg_rule(
                    what,
                    port,
                    Peer::Group(V::attr("cluster", Attr::ClusterSecurityGroupId)),
                ),
            }),
        ));
    }
}

/// The application's IAM role (assumed through EKS Pod Identity by `eks.workload`'s service
/// account) and its Pod Identity association.
fn application(env: &Environment, e: &crate::model::env::Eks, s: &mut Stack, r: &RegionEnv) {
    let w = &e.workload;
    // Only this cluster's association may assume the role.
    let trust = pod_identity_trust(V::attr("cluster", Attr::Arn), &w.namespace, &w.service_account);
    let mut policy = Vec::new();
    kafka(env, s, r, &mut policy);
    cache(env, r, &mut policy);
    database(env, s, &w.database_user, &mut policy);
    buckets(env, s, r, &mut policy);
    parameters(env, &mut policy);
    s.resources.push(res(
        "app_role",
        Kind::IamRole(IamRole {
            name: regional_id(env, "eks-app", &r.code),
            trust: vec![trust],
            managed_policies: Vec::new(),
            policy,
        }),
    ));
    s.resources.push(ssm_parameter(
        env,
        "app_role_parameter",
        "app/role-arn",
        V::attr("app_role", Attr::Arn),
        "The application's IAM role in this region (EKS Pod Identity)",
    ));
    s.resources.push(res(
        "app_pod_identity",
        Kind::EksPodIdentityAssociation(EksPodIdentityAssociation {
            cluster: V::r("cluster"),
            namespace: w.namespace.clone(),
            service_account: w.service_account.clone(),
            role: V::attr("app_role", Attr::Arn),
        }),
    ));
}

/// `arn:aws:kafka:<region>:<account>:<kind>/<cluster name>/<cluster uuid>/<name>`, from the
/// cluster's ARN (`…:cluster/<name>/<uuid>`).
fn kafka_arn(kind: &str, cluster: &V, name: &str) -> V {
    let field = |i| V::Select(i, Box::new(V::Split("/".into(), Box::new(cluster.clone()))));
    V::Join(vec![
        V::s("arn:aws:kafka:"),
        V::Region,
        V::s(":"),
        V::AccountId,
        V::s(format!(":{kind}/")),
        field(1),
        V::s("/"),
        field(2),
        V::s(format!("/{name}")),
    ])
}

fn kafka(env: &Environment, s: &mut Stack, r: &RegionEnv, policy: &mut Vec<Statement>) {
    let Some(m) = &env.msk else { return };
    let msk = stack_name(env, Layer::Msk, &r.code);
    s.parameters.push(param("KafkaClusterArn", &msk, Out::ClusterArn));
    let cluster = V::p("KafkaClusterArn");
    policy.push(Statement::allow(
        "KafkaConnect",
        &[
            "kafka-cluster:Connect",
            "kafka-cluster:DescribeCluster",
            "kafka-cluster:WriteDataIdempotently",
        ],
        vec![cluster.clone()],
    ));
    let mut globs: Vec<String> = Vec::new();
    for t in &m.topics {
        for g in topic_globs(&t.value) {
            if !globs.contains(&g) {
                globs.push(g);
            }
        }
    }
    if !globs.is_empty() {
        policy.push(Statement::allow(
            "KafkaTopics",
            &[
                "kafka-cluster:DescribeTopic",
                "kafka-cluster:ReadData",
                "kafka-cluster:WriteData",
                "kafka-cluster:CreateTopic",
            ],
            globs.iter().map(|g| kafka_arn("topic", &cluster, g)).collect(),
        ));
    }
    policy.push(Statement::allow(
        "KafkaConsumerGroups",
        &["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"],
        vec![kafka_arn("group", &cluster, "*")],
    ));
}

fn cache(env: &Environment, r: &RegionEnv, policy: &mut Vec<Statement>) {
    if env.redis.is_none() {
        return;
    }
    if env.regions.len() > 1 {
        // The Global Datastore's AUTH token, in this region's replica of the secret (same name;
        // `-??????` is the six characters Secrets Manager appends, so no other secret matches).
        let name = format!("{}/redis-auth", global_id(env, "mrgen"));
        policy.push(Statement::allow(
            "CacheAuthSecret",
            &["secretsmanager:GetSecretValue"],
            vec![V::Join(vec![
                V::s("arn:aws:secretsmanager:"),
                V::Region,
                V::s(":"),
                V::AccountId,
                V::s(format!(":secret:{name}-??????")),
            ])],
        ));
        let mut decrypt = Statement::allow("CacheAuthSecretKey", &["kms:Decrypt"], vec![V::p("KmsKeyArn")]);
        decrypt.string_equals = vec![via_service("secretsmanager", V::Region)];
        policy.push(decrypt);
    } else {
        // A single-region cache: RBAC with the IAM-authenticated user.
        let arn = |kind: &str, id: String| {
            V::Join(vec![
                V::s("arn:aws:elasticache:"),
                V::Region,
                V::s(":"),
                V::AccountId,
                V::s(format!(":{kind}:{id}")),
            ])
        };
        policy.push(Statement::allow(
            "CacheConnect",
            &["elasticache:Connect"],
            vec![
                arn("replicationgroup", regional_id(env, "redis", &r.code)),
                arn("user", regional_id(env, "cache-app", &r.code)),
            ],
        ));
    }
}

fn database(env: &Environment, s: &mut Stack, user: &str, policy: &mut Vec<Statement>) {
    if env.aurora.is_none() {
        return;
    }
    let mut resources = Vec::new();
    for region in &env.regions {
        let p = format!("DbClusterResourceId{}", pascal(&short_code(&region.code)));
        let aurora = stack_name(env, Layer::Aurora, &region.code);
        s.parameters.push(param(&p, &aurora, Out::ClusterResourceId));
        resources.push(V::Join(vec![
            V::s(format!("arn:aws:rds-db:{}:", region.code)),
            V::AccountId,
            V::s(":dbuser:"),
            V::p(&p),
            V::s(format!("/{user}")),
        ]));
    }
    policy.push(Statement::allow("DatabaseConnect", &["rds-db:connect"], resources));
    if env.regions.len() > 1 {
        // The global writer endpoint, from the global cluster Parameter Store names.
        policy.push(Statement::allow(
            "DatabaseGlobalEndpoint",
            &["rds:DescribeGlobalClusters"],
            vec![V::Join(vec![
                V::s("arn:aws:rds::"),
                V::AccountId,
                V::s(format!(":global-cluster:{}", global_id(env, "aurora"))),
            ])],
        ));
    }
}

/// Read and write the region's application buckets (not the logs bucket), with their key used
/// through S3 only.
fn buckets(env: &Environment, s: &mut Stack, r: &RegionEnv, policy: &mut Vec<Statement>) {
    let Some(st) = &env.storage else { return };
    let storage = stack_name(env, Layer::Storage, &r.code);
    let mut arns = Vec::new();
    let mut objects = Vec::new();
    for purpose in app_purposes(st) {
        let out = bucket_out(purpose);
        let name = V::p(&out.name());
        s.parameters.push(take(&storage, out));
        arns.push(bucket_arn(&name, ""));
        objects.push(bucket_arn(&name, "/*"));
    }
    if arns.is_empty() {
        return;
    }
    let (key_stack, key_out) = storage_key(env, &r.code);
    s.parameters.push(param("StorageKeyArn", &key_stack, key_out));
    policy.push(Statement::allow("BucketsList", &["s3:ListBucket"], arns));
    policy.push(Statement::allow(
        "BucketsReadWrite",
        &["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        objects,
    ));
    let mut key = Statement::allow(
        "BucketsKey",
        &["kms:Decrypt", "kms:GenerateDataKey"],
        vec![V::p("StorageKeyArn")],
    );
    key.string_equals = vec![via_service("s3", V::Region)];
    policy.push(key);
}

/// Read the environment's shared parameters in the region (`/<prefix>/<env>/…`).
fn parameters(env: &Environment, policy: &mut Vec<Statement>) {
    let arn = |suffix: &str| {
        V::Join(vec![
            V::s("arn:aws:ssm:"),
            V::Region,
            V::s(":"),
            V::AccountId,
            V::s(format!(":parameter{}{suffix}", parameter_path(env))),
        ])
    };
    policy.push(Statement::allow(
        "SharedParameters",
        &["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
        vec![arn(""), arn("/*")],
    ));
}

/// FNV-1a: a stable short id for an access entry, so that reordering `admin-principals` keeps
/// every entry where it is.
fn fnv1a(s: &str) -> u32 {
    s.bytes()
        .fold(0x811c_9dc5u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193))
}
