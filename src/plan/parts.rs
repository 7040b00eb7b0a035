//! Pieces every layer's builder uses: resources, parameters and outputs, stacks and their
//! names, the AZ letters of a region, and the parameters most stacks take from their region's
//! network stack.

use super::layer::Layer;
use super::types::*;
use super::values::*;
use crate::model::env::RegionEnv;
use crate::model::Environment;
use crate::naming::{self, short_code};
use crate::plan::kinds::*;

pub(super) const AZ_LETTERS: [&str; 6] = ["a", "b", "c", "d", "e", "f"];

/// Retention of every log group mrgen creates (a year: long enough for an incident review).
pub const LOG_RETENTION_DAYS: i64 = 365;

/// The ports the application reaches the data stores on: PostgreSQL, Redis/Valkey (TLS), and
/// Kafka with IAM authentication (TLS).
pub(super) const POSTGRES_PORT: u16 = 5432;
pub(super) const CACHE_PORT: u16 = 6379;
pub(super) const KAFKA_IAM_PORT: u16 = 9098;

pub(super) fn res(id: &str, kind: Kind) -> Resource {
    Resource {
        id: id.to_string(),
        kind,
        backends: Backends::Both,
        retain: Retain::No,
        depends_on: Vec::new(),
        after: Vec::new(),
    }
}

pub(super) fn retained(id: &str, kind: Kind, retain: Retain) -> Resource {
    Resource {
        retain,
        ..res(id, kind)
    }
}

pub(super) fn only(backends: Backends, mut r: Resource) -> Resource {
    r.backends = backends;
    r
}

/// A parameter fed by `output` of the stack named `stack`; its type is the output's.
pub(super) fn param(name: &str, stack: &str, output: Out) -> Parameter {
    Parameter {
        name: name.to_string(),
        ty: output.ty(),
        description: format!("{} of {stack}", output.name()),
        source: ParamSource::Output {
            stack: stack.to_string(),
            output: output.name(),
        },
        on_create: None,
    }
}

/// A switch that AWS takes only once the resource exists (SPEC section 5.1): `true`, except on
/// the first pass that creates a new stack, where it is `false`. `what` and `why` make its
/// description.
pub(super) fn on_once_created(name: &str, what: &str, why: &str) -> Parameter {
    Parameter {
        name: name.to_string(),
        ty: ParamType::String,
        description: format!("{what}: true, except on the first deploy of a new stack ({why})"),
        source: ParamSource::Literal("true".into()),
        on_create: Some("false".into()),
    }
}

/// A shared parameter `/<prefix>/<env>/<path>` in Parameter Store: what an application of the
/// region reads to find `value`.
pub(super) fn ssm_parameter(env: &Environment, id: &str, path: &str, value: V, description: &str) -> Resource {
    res(
        id,
        Kind::SsmParameter(SsmParameter {
            name: format!("{}/{path}", parameter_path(env)),
            value,
            description: description.to_string(),
            read_after_deploy: None,
        }),
    )
}

/// `/<prefix>/<env>`: where the environment's shared parameters live in each region.
pub fn parameter_path(env: &Environment) -> String {
    format!("/{}/{}", env.prefix, env.name)
}

/// The condition that a KMS key is used only through `service` (`s3`, `secretsmanager`) in
/// `region`: `kms:ViaService` = `<service>.<region>.amazonaws.com`.
pub(super) fn via_service(service: &str, region: V) -> (String, Vec<V>) {
    (
        "kms:ViaService".into(),
        vec![V::Join(vec![
            V::s(format!("{service}.")),
            region,
            V::s(".amazonaws.com"),
        ])],
    )
}

/// The trust of a role that EKS Pod Identity gives to one service account of one cluster: the
/// Pod Identity service may assume it and tag the session, and the session tags it sets must
/// name that cluster, namespace and service account.
pub(super) fn pod_identity_trust(cluster_arn: V, namespace: &str, service_account: &str) -> Statement {
    let mut trust = Statement::allow("EksPodIdentity", &["sts:AssumeRole", "sts:TagSession"], Vec::new());
    trust.service_principals = vec!["pods.eks.amazonaws.com".into()];
    trust.string_equals = vec![
        ("aws:RequestTag/eks-cluster-arn".into(), vec![cluster_arn]),
        ("aws:RequestTag/kubernetes-namespace".into(), vec![V::s(namespace)]),
        (
            "aws:RequestTag/kubernetes-service-account".into(),
            vec![V::s(service_account)],
        ),
    ];
    trust
}

/// A parameter named like the output that feeds it.
pub(super) fn take(stack: &str, output: Out) -> Parameter {
    param(&output.name(), stack, output)
}

/// An output other stacks can take (a list output is joined with commas in CloudFormation).
pub(super) fn out(output: Out, value: V, description: &str) -> Output {
    Output {
        name: output.name(),
        list: output.ty() == ParamType::List,
        value,
        description: description.to_string(),
        backends: Backends::Both,
    }
}

/// The name of `layer`'s stack in `region`.
pub(super) fn stack_name(env: &Environment, layer: Layer, region: &str) -> String {
    naming::stack(env, layer.as_str(), region)
}

pub(super) fn stack(env: &Environment, layer: Layer, region: &str, description: String) -> Stack {
    Stack {
        name: stack_name(env, layer, region),
        region: region.to_string(),
        layer,
        description,
        depends_on: Vec::new(),
        wave: 0,
        parameters: Vec::new(),
        resources: Vec::new(),
        outputs: Vec::new(),
        final_pass_after: None,
    }
}

/// The AZ letters mrgen uses in a region.
pub(super) fn letters(r: &RegionEnv) -> &'static [&'static str] {
    &AZ_LETTERS[..(r.az_count as usize).min(AZ_LETTERS.len())]
}

pub(super) fn sg_rule(description: &str, port: u16, peer: Peer) -> SgRule {
    SgRule {
        description: description.to_string(),
        port,
        to_port: port,
        peer,
    }
}

/// The KMS key of every secondary region, as parameters of `s`: for secrets replicated there.
pub(super) fn secondary_keys(env: &Environment, s: &mut Stack) -> Vec<(String, V)> {
    let mut replicas = Vec::new();
    for sec in env.secondaries() {
        let net = stack_name(env, Layer::Network, &sec.code);
        let name = format!("KmsKeyArn{}", pascal(&short_code(&sec.code)));
        s.parameters.push(param(&name, &net, Out::KmsKeyArn));
        replicas.push((sec.code.clone(), V::p(&name)));
    }
    replicas
}

/// Parameters most regional stacks take from their region's network stack.
pub(super) fn from_network(env: &Environment, r: &RegionEnv, outputs: Vec<Out>) -> Vec<Parameter> {
    let net = stack_name(env, Layer::Network, &r.code);
    outputs.into_iter().map(|o| take(&net, o)).collect()
}

/// The stack of one region's member of a global data store (Aurora Global Database, Global
/// Datastore): its description, and the subnets, security group and key of its region's network.
pub(super) fn member_stack(
    env: &Environment,
    layer: Layer,
    r: &RegionEnv,
    (service, member, global_name, global): (&str, &str, &str, bool),
    security_group: Out,
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
pub(super) fn regional_stack(
    env: &Environment,
    layer: Layer,
    r: &RegionEnv,
    description: String,
    security_group: Out,
) -> Stack {
    let mut s = stack(env, layer, &r.code, description);
    s.parameters = from_network(env, r, vec![Out::PrivateSubnetIds, security_group, Out::KmsKeyArn]);
    s
}

/// The key policy of a region's KMS key: the account administers it; the services that write
/// encrypted logs and messages with it may use it.
pub(super) fn key_policy(region: &str) -> Vec<Statement> {
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

/// (source, target) region codes of the MSK Replicators (`Environment::replication_pairs`).
pub(super) fn replication_pairs(env: &Environment) -> Vec<(String, String)> {
    env.replication_pairs()
        .into_iter()
        .map(|(s, t)| (s.code.clone(), t.code.clone()))
        .collect()
}
