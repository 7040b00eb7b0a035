//! Storage in Terraform: the multi-Region key's replicas, S3 buckets with their settings as the
//! provider's separate resources (versioning, encryption, public access block, ownership,
//! lifecycle, access logging, replication), their policies, and the shared Parameter Store
//! parameters.

use super::super::hcl::text;
use super::super::templates as t;
use super::super::{resource_name, Cx};
use super::{after, arn_only, policy, ready_after, Block, Common, Deps, TfKind};
use crate::plan::kinds::*;
use crate::plan::{Attr, Resource, Stack};
use crate::render::checkov;
use minijinja::value::Value;
use serde::Serialize;

/// `kms_replica_key.tf.j2`.
#[derive(Serialize)]
struct KmsReplicaKeyContext {
    #[serde(flatten)]
    common: Common,
    description: String,
    primary_key: Value,
    policy: Value,
}

impl TfKind for KmsReplicaKey {
    fn tf_type(&self) -> &'static str {
        "aws_kms_replica_key"
    }
    fn ref_attr(&self) -> &'static str {
        "key_id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = KmsReplicaKeyContext {
            common: Common::new(cx, stack, r, self)?,
            description: self.description.clone(),
            primary_key: cx.value(stack, &self.primary_key)?,
            policy: policy(cx, stack, &self.policy)?,
        };
        Block::new(t::KMS_REPLICA_KEY, &context)
    }
}

/// One rule of `bucket.tf.j2`'s replication configuration.
#[derive(Serialize)]
struct RuleContext {
    id: String,
    priority: i64,
    destination: Value,
    replica_key: Option<Value>,
    replica_modifications: bool,
}

/// `bucket.tf.j2`.
#[derive(Serialize)]
struct BucketContext {
    #[serde(flatten)]
    common: Common,
    bucket_name: Value,
    /// The KMS key of SSE-KMS, or none for SSE-S3.
    kms_key: Option<Value>,
    noncurrent_version_days: i64,
    log_bucket: Option<Value>,
    log_prefix: String,
    replication_role: Option<Value>,
    rules: Vec<RuleContext>,
    /// What the replication configuration waits for: the bucket's own versioning, the role's
    /// policy, and the destination buckets with their versioning where this module has them
    /// (the replication's `destinations`).
    replication_depends_on: Deps,
}

impl TfKind for Bucket {
    fn tf_type(&self) -> &'static str {
        "aws_s3_bucket"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn companions(&self) -> &'static [(&'static str, &'static str)] {
        &[
            (
                "aws_s3_bucket_versioning",
                "versioning, which replication needs on both sides",
            ),
            (
                "aws_s3_bucket_server_side_encryption_configuration",
                "default encryption: the multi-Region key with a bucket key, or SSE-S3 for logs",
            ),
            ("aws_s3_bucket_public_access_block", "no public access"),
            (
                "aws_s3_bucket_ownership_controls",
                "the bucket owner owns every object (no ACLs)",
            ),
            ("aws_s3_bucket_lifecycle_configuration", "noncurrent versions expire"),
            (
                "aws_s3_bucket_logging",
                "server access logs into the region's logs bucket",
            ),
            (
                "aws_s3_bucket_replication_configuration",
                "replication into the other regions' buckets",
            ),
        ]
    }
    /// A replication configuration that a switch turns on once the destinations exist.
    fn first_pass_leaves_out(&self, name: &str) -> Vec<String> {
        self.replication_switch()
            .map(|_| format!("aws_s3_bucket_replication_configuration.{name}"))
            .into_iter()
            .collect()
    }
    /// A bucket is a replication destination only once it is versioned.
    fn ready_after(&self, name: &str) -> Vec<String> {
        vec![format!("aws_s3_bucket_versioning.{name}")]
    }
    fn checkov_skips(&self) -> Vec<(&'static str, &'static str)> {
        checkov::bucket(self)
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let mut rules = Vec::new();
        if let Some(rep) = &self.replication {
            for rule in &rep.rules {
                rules.push(RuleContext {
                    id: rule.id.clone(),
                    priority: rule.priority,
                    destination: cx.value(stack, &rule.destination)?,
                    replica_key: rule.replica_key.as_ref().map(|k| cx.value(stack, k)).transpose()?,
                    replica_modifications: rule.replica_modifications,
                });
            }
        }
        let (log_bucket, log_prefix) = match &self.access_logs {
            Some((b, p)) => (Some(cx.value(stack, b)?), p.clone()),
            None => (None, String::new()),
        };
        // Replication needs versioning on the source and on every destination bucket
        // ("Requirements and considerations for replication", Amazon S3 User Guide; the
        // provider's `aws_s3_bucket_replication_configuration` example waits for the source's
        // `aws_s3_bucket_versioning` with `depends_on`), and the role's permissions: the
        // configuration waits for them. The bucket itself waits for nothing.
        let mut replication_depends_on = Deps::default();
        if let Some(rep) = &self.replication {
            for d in self.ready_after(&resource_name(stack, &r.id)) {
                replication_depends_on.push(d);
            }
            replication_depends_on.extend(ready_after(cx, stack, &rep.role));
            replication_depends_on.extend(after(cx, &rep.destinations)?);
        }
        let context = BucketContext {
            common: Common::new(cx, stack, r, self)?,
            bucket_name: cx.value(stack, &self.bucket_name)?,
            kms_key: match &self.encryption {
                BucketEncryption::Kms(k) => Some(cx.value(stack, k)?),
                BucketEncryption::S3Managed => None,
            },
            noncurrent_version_days: self.noncurrent_version_days,
            log_bucket,
            log_prefix,
            replication_role: self
                .replication
                .as_ref()
                .map(|rep| cx.value(stack, &rep.role))
                .transpose()?,
            rules,
            replication_depends_on,
        };
        Block::new(t::BUCKET, &context)
    }
}

/// `bucket_policy.tf.j2`.
#[derive(Serialize)]
struct BucketPolicyContext {
    #[serde(flatten)]
    common: Common,
    bucket: Value,
    policy: Value,
}

impl TfKind for BucketPolicy {
    fn tf_type(&self) -> &'static str {
        "aws_s3_bucket_policy"
    }
    fn ref_attr(&self) -> &'static str {
        "id"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        let _ = a;
        None
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = BucketPolicyContext {
            common: Common::new(cx, stack, r, self)?,
            bucket: cx.value(stack, &self.bucket)?,
            policy: policy(cx, stack, &self.policy)?,
        };
        Block::new(t::BUCKET_POLICY, &context)
    }
}

/// `ssm_parameter.tf.j2`.
#[derive(Serialize)]
struct SsmParameterContext {
    #[serde(flatten)]
    common: Common,
    parameter_name: Value,
    value: Value,
    description: Value,
}

impl TfKind for SsmParameter {
    fn tf_type(&self) -> &'static str {
        "aws_ssm_parameter"
    }
    fn ref_attr(&self) -> &'static str {
        "name"
    }
    fn attr_name(&self, a: Attr) -> Option<&'static str> {
        arn_only(a)
    }
    fn checkov_skips(&self) -> Vec<(&'static str, &'static str)> {
        checkov::SSM_PARAMETER.to_vec()
    }
    fn render<'a>(&self, cx: &Cx<'a>, stack: &'a Stack, r: &'a Resource) -> Result<Block, String> {
        let context = SsmParameterContext {
            common: Common::new(cx, stack, r, self)?,
            parameter_name: text(self.name.clone()),
            value: cx.value(stack, &self.value)?,
            description: text(self.description.clone()),
        };
        Block::new(t::SSM_PARAMETER, &context)
    }
}
