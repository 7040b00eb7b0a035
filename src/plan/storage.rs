//! The `storage` layer: per region a bucket for each purpose of `storage.buckets` (`logs`
//! always), their policies, the region's replica of the multi-Region key, and the replication of
//! the primary region's buckets into the secondaries'.
//!
//! Keys: the multi-Region primary key lives in the primary region's `network` stack, so every
//! secondary's replica here can be created before the primary's buckets (`PrimaryKeyArn` is
//! create-only: the key stays where it was created whatever `multi-region.writer` says). The
//! application's buckets are encrypted with the region's copy of it and a bucket key; the
//! `logs` bucket with SSE-S3, since load balancer log delivery supports no KMS key.
//!
//! Replication: S3 refuses a replication rule whose destination bucket does not exist yet (or is
//! not versioned). The primary region's stack, which holds the rules into every secondary, comes
//! after every secondary's (it takes each one's key replica, which orders them). In active-active
//! each secondary replicates too, into every other region, with replica modification sync both
//! ways; its rules need the primary's buckets, created after it, so a new secondary stack is
//! first deployed with replication off and deployed again with it on once the primary's storage
//! stack is (`Stack::final_pass_after`).

use super::layer::Layer;
use super::parts::*;
use super::types::*;
use super::values::*;
use crate::model::env::{RegionEnv, Storage};
use crate::model::raw::Mode;
use crate::model::Environment;
use crate::naming::{global_id, regional_id, short_code};
use crate::plan::kinds::*;

/// The bucket purpose that receives the server access logs of the others.
pub const LOGS: &str = "logs";

/// The name of `purpose`'s bucket in `region`, `<prefix>-<env>-<purpose>-<short>-<account>`: as
/// checked (`<account-id>` standing for an account id the environment does not give) and as
/// created.
pub(super) fn bucket_name(env: &Environment, purpose: &str, region: &str) -> (String, V) {
    let base = format!("{}-", regional_id(env, purpose, region));
    match &env.account {
        Some(a) => (format!("{base}{a}"), V::s(format!("{base}{a}"))),
        None => (format!("{base}<account-id>"), V::Join(vec![V::s(base), V::AccountId])),
    }
}

/// `arn:aws:s3:::<name>`, plus `suffix` (`/*`: its objects).
pub(super) fn bucket_arn(name: &V, suffix: &str) -> V {
    let mut parts = vec![V::s("arn:aws:s3:::")];
    match name {
        V::Join(p) => parts.extend(p.iter().cloned()),
        other => parts.push(other.clone()),
    }
    if !suffix.is_empty() {
        parts.push(V::s(suffix));
    }
    V::Join(parts)
}

/// The resource id of `purpose`'s bucket (`bucket_app`).
pub(super) fn bucket_id(purpose: &str) -> String {
    format!("bucket_{}", purpose.replace('-', "_"))
}

/// The output naming `purpose`'s bucket.
pub(super) fn bucket_out(purpose: &str) -> Out {
    Out::BucketName(pascal(purpose))
}

/// The application's bucket purposes (every one but `logs`).
pub(super) fn app_purposes(st: &Storage) -> impl Iterator<Item = &str> {
    st.buckets.iter().map(|b| b.value.as_str()).filter(|p| *p != LOGS)
}

/// The policy of the multi-Region key and its replicas: the account administers and uses it
/// through IAM; no service principal needs it (S3 acts with its caller's permissions).
pub(super) fn multi_region_key_policy() -> Vec<Statement> {
    let mut admin = Statement::allow("AccountAdministers", &["kms:*"], vec![V::s("*")]);
    admin.account_principal = true;
    vec![admin]
}

pub(super) fn storage(env: &Environment) -> Vec<Stack> {
    let Some(st) = &env.storage else { return Vec::new() };
    env.regions.iter().map(|r| region_stack(env, st, r)).collect()
}

fn region_stack(env: &Environment, st: &Storage, r: &RegionEnv) -> Stack {
    let primary = r.primary;
    let mut s = stack(
        env,
        Layer::Storage,
        &r.code,
        format!(
            "{} {}: S3 buckets ({}), their policies and replication, and the region's multi-Region key",
            env.name,
            r.code,
            st.buckets
                .iter()
                .map(|b| b.value.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    let net = stack_name(env, Layer::Network, &env.primary().code);
    s.parameters.push(take(&net, Out::MultiRegionKeyArn));
    let key = if primary {
        V::p(&Out::MultiRegionKeyArn.name())
    } else {
        s.resources.push(retained(
            "multi_region_key_replica",
            Kind::KmsReplicaKey(KmsReplicaKey {
                description: format!(
                    "{} {} {}: replica of the multi-Region key (S3)",
                    env.prefix, env.name, r.code
                ),
                primary_key: V::p(&Out::MultiRegionKeyArn.name()),
                policy: multi_region_key_policy(),
            }),
            Retain::Retain,
        ));
        s.resources.push(res(
            "multi_region_key_alias",
            Kind::KmsAlias(KmsAlias {
                name: format!("alias/{}", global_id(env, "mrk")),
                key: V::r("multi_region_key_replica"),
            }),
        ));
        V::attr("multi_region_key_replica", Attr::Arn)
    };
    // Where this region's buckets replicate to: the primary's into every secondary; in
    // active-active every region's into every other.
    let two_way = env.mode == Mode::ActiveActive;
    let destinations: Vec<&RegionEnv> = if primary || two_way {
        env.regions.iter().filter(|d| d.code != r.code).collect()
    } else {
        Vec::new()
    };
    let replication = (!destinations.is_empty()).then(|| replication_role(env, st, r, &key, &destinations, &mut s));
    // A secondary's rules need the primary's buckets, which come after it: off on its first
    // pass, on once the primary's storage stack is deployed.
    let enabled = if primary || replication.is_none() {
        V::Bool(true)
    } else {
        s.parameters.push(on_once_created(
            REPLICATION_SWITCH,
            "Replication into the other regions' buckets",
            "the primary region's buckets are created after this stack",
        ));
        s.final_pass_after = Some(stack_name(env, Layer::Storage, &env.primary().code));
        V::p(REPLICATION_SWITCH)
    };
    let logs_id = bucket_id(LOGS);
    for b in &st.buckets {
        let purpose = b.value.as_str();
        let id = bucket_id(purpose);
        let (name, bucket_name) = bucket_name(env, purpose, &r.code);
        let kms = purpose != LOGS;
        let rules = replication.as_ref().map(|role| BucketReplication {
            role: role.clone(),
            rules: destinations
                .iter()
                .enumerate()
                .map(|(i, dest)| ReplicationRule {
                    id: format!("to-{}", short_code(&dest.code)),
                    priority: i as i64,
                    destination: bucket_arn(&bucket_name_of(env, purpose, &dest.code), ""),
                    replica_key: kms.then(|| dest_key(r, dest)),
                    replica_modifications: two_way,
                })
                .collect(),
            enabled: enabled.clone(),
            destinations: destinations
                .iter()
                .map(|d| At {
                    stack: stack_name(env, Layer::Storage, &d.code),
                    id: id.clone(),
                })
                .collect(),
        });
        let mut bucket = retained(
            &id,
            Kind::Bucket(Bucket {
                name,
                bucket_name: bucket_name.clone(),
                encryption: if kms {
                    BucketEncryption::Kms(key.clone())
                } else {
                    BucketEncryption::S3Managed
                },
                noncurrent_version_days: st.noncurrent_version_days,
                access_logs: (purpose != LOGS).then(|| (V::r(&logs_id), format!("s3-access/{purpose}/"))),
                replication: rules,
            }),
            Retain::Retain,
        );
        if purpose != LOGS {
            // Server access logs are delivered under the logs bucket's policy: the bucket that
            // logs into it waits for that policy, so no log is refused in between.
            bucket.depends_on.push(format!("{logs_id}_policy"));
        }
        s.resources.push(bucket);
        let mut policy = vec![tls_only(&id)];
        if purpose == LOGS {
            let mut delivery = Statement::allow(
                "ServerAccessLogsDelivery",
                &["s3:PutObject"],
                vec![V::Join(vec![V::attr(&id, Attr::Arn), V::s("/s3-access/*")])],
            );
            delivery.service_principals = vec!["logging.s3.amazonaws.com".into()];
            delivery.string_equals = vec![("aws:SourceAccount".into(), vec![V::AccountId])];
            policy.push(delivery);
        }
        s.resources.push(res(
            &format!("{id}_policy"),
            Kind::BucketPolicy(BucketPolicy {
                bucket: V::r(&id),
                policy,
            }),
        ));
        s.resources.push(ssm_parameter(
            env,
            &format!("{id}_parameter"),
            &format!("s3/{purpose}-bucket"),
            V::r(&id),
            &format!("The name of this region's `{purpose}` bucket"),
        ));
        s.outputs
            .push(out(bucket_out(purpose), V::r(&id), &format!("The `{purpose}` bucket")));
    }
    if !primary {
        // The primary region's copy is the key itself, which its network stack gives (an output
        // that only passed a parameter on would not hold a cross-stack reference).
        s.outputs.push(out(
            Out::StorageKeyArn,
            key,
            "The region's replica of the multi-Region key, which encrypts the application's buckets",
        ));
    }
    s
}

/// The stack and output that give `region`'s copy of the multi-Region key: the primary's
/// network stack (the key itself), or the region's storage stack (its replica).
pub(super) fn storage_key(env: &Environment, region: &str) -> (String, Out) {
    if region == env.primary().code {
        (stack_name(env, Layer::Network, region), Out::MultiRegionKeyArn)
    } else {
        (stack_name(env, Layer::Storage, region), Out::StorageKeyArn)
    }
}

/// The name of `purpose`'s bucket in `region`, as created.
fn bucket_name_of(env: &Environment, purpose: &str, region: &str) -> V {
    bucket_name(env, purpose, region).1
}

/// The parameter that turns a secondary's replication on (two-way replication).
const REPLICATION_SWITCH: &str = "Replication";

/// The parameter holding a secondary region's copy of the multi-Region key.
fn dest_key_param(region: &str) -> String {
    format!("StorageKeyArn{}", pascal(&short_code(region)))
}

/// `dest`'s copy of the multi-Region key, as the stack of `src` names it: the primary's stack
/// takes each secondary's replica from its storage stack (which orders the primary's after
/// them); a secondary's stack, deployed before the others exist, builds the ARN from the key's
/// id, which every replica shares.
fn dest_key(src: &RegionEnv, dest: &RegionEnv) -> V {
    if src.primary {
        V::p(&dest_key_param(&dest.code))
    } else if dest.primary {
        V::p(&Out::MultiRegionKeyArn.name())
    } else {
        V::Join(vec![
            V::s(format!("arn:aws:kms:{}:", dest.code)),
            V::AccountId,
            V::s(":key/"),
            V::Select(
                1,
                Box::new(V::Split("/".into(), Box::new(V::p(&Out::MultiRegionKeyArn.name())))),
            ),
        ])
    }
}

/// Denies every request that does not come over TLS.
fn tls_only(bucket: &str) -> Statement {
    let mut deny = Statement::deny_all(
        "DenyInsecureTransport",
        &["s3:*"],
        vec![
            V::attr(bucket, Attr::Arn),
            V::Join(vec![V::attr(bucket, Attr::Arn), V::s("/*")]),
        ],
    );
    deny.bool_equals = vec![("aws:SecureTransport".into(), false)];
    deny
}

/// The role S3 replicates the primary region's buckets with, into every secondary's (the
/// permissions of AWS's replication walkthrough, with KMS for the encrypted objects), and the
/// parameters that order this stack after the secondaries'. Returns the role's ARN.
fn replication_role(
    env: &Environment,
    st: &Storage,
    r: &RegionEnv,
    key: &V,
    destinations: &[&RegionEnv],
    s: &mut Stack,
) -> V {
    let purposes: Vec<&str> = st.buckets.iter().map(|b| b.value.as_str()).collect();
    // By name: the buckets refer to the role, so the role cannot refer to them.
    let sources: Vec<V> = purposes
        .iter()
        .map(|p| bucket_arn(&bucket_name_of(env, p, &r.code), ""))
        .collect();
    let objects: Vec<V> = purposes
        .iter()
        .map(|p| bucket_arn(&bucket_name_of(env, p, &r.code), "/*"))
        .collect();
    let mut policy = vec![
        Statement::allow(
            "SourceBuckets",
            &["s3:GetReplicationConfiguration", "s3:ListBucket"],
            sources,
        ),
        Statement::allow(
            "SourceObjects",
            &[
                "s3:GetObjectVersionForReplication",
                "s3:GetObjectVersionAcl",
                "s3:GetObjectVersionTagging",
            ],
            objects,
        ),
    ];
    let mut decrypt = Statement::allow("DecryptSource", &["kms:Decrypt"], vec![key.clone()]);
    decrypt.string_equals = vec![via_service("s3", V::s(r.code.clone()))];
    policy.push(decrypt);
    for dest in destinations {
        if r.primary {
            let storage = stack_name(env, Layer::Storage, &dest.code);
            s.parameters
                .push(param(&dest_key_param(&dest.code), &storage, Out::StorageKeyArn));
        }
        let short = pascal(&short_code(&dest.code));
        policy.push(Statement::allow(
            &format!("ReplicateInto{short}"),
            &["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
            purposes
                .iter()
                .map(|pu| bucket_arn(&bucket_name_of(env, pu, &dest.code), "/*"))
                .collect(),
        ));
        let mut encrypt = Statement::allow(&format!("EncryptIn{short}"), &["kms:Encrypt"], vec![dest_key(r, dest)]);
        encrypt.string_equals = vec![via_service("s3", V::s(dest.code.clone()))];
        policy.push(encrypt);
    }
    s.resources.push(res(
        "replication_role",
        Kind::IamRole(IamRole {
            name: regional_id(env, "s3-replication", &r.code),
            trust: Statement::trust(&["s3.amazonaws.com"]),
            managed_policies: Vec::new(),
            policy,
        }),
    ));
    V::attr("replication_role", Attr::Arn)
}
