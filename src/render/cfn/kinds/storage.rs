//! Storage as CloudFormation resources: the multi-Region key's replicas, S3 buckets (versioned,
//! encrypted, public access blocked, noncurrent versions expiring, access logs and replication
//! as the plan says), their policies, and the shared Parameter Store parameters.

use super::{condition_name, CfnKind};
use crate::plan::kinds::*;
use crate::plan::Attr;
use crate::render::cfn::value::{plain, Ctx};
use crate::render::checkov;
use serde_json::{json, Map, Value};

impl CfnKind for KmsReplicaKey {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::KMS::ReplicaKey")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let KmsReplicaKey {
            description,
            primary_key,
            policy,
        } = self;
        json!({
            "Description": description,
            "PrimaryKeyArn": ctx.v(primary_key),
            "KeyPolicy": ctx.policy(policy),
            "Tags": ctx.tags(None),
        })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

/// Days after which an incomplete multipart upload is aborted (its parts are billed until then).
const ABORT_MULTIPART_DAYS: i64 = 7;

impl CfnKind for Bucket {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::S3::Bucket")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let Bucket {
            name: _,
            bucket_name,
            encryption,
            noncurrent_version_days,
            access_logs,
            replication,
        } = self;
        let default = match encryption {
            BucketEncryption::Kms(key) => json!({
                "ServerSideEncryptionByDefault": { "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": ctx.v(key) },
                "BucketKeyEnabled": true,
            }),
            BucketEncryption::S3Managed => json!({
                "ServerSideEncryptionByDefault": { "SSEAlgorithm": "AES256" },
            }),
        };
        let mut p = Map::new();
        p.insert("BucketName".into(), ctx.v(bucket_name));
        p.insert(
            "BucketEncryption".into(),
            json!({ "ServerSideEncryptionConfiguration": [default] }),
        );
        p.insert("VersioningConfiguration".into(), json!({ "Status": "Enabled" }));
        p.insert(
            "PublicAccessBlockConfiguration".into(),
            json!({
                "BlockPublicAcls": true,
                "BlockPublicPolicy": true,
                "IgnorePublicAcls": true,
                "RestrictPublicBuckets": true,
            }),
        );
        p.insert(
            "OwnershipControls".into(),
            json!({ "Rules": [{ "ObjectOwnership": "BucketOwnerEnforced" }] }),
        );
        p.insert(
            "LifecycleConfiguration".into(),
            json!({ "Rules": [{
                "Id": "expire-noncurrent-versions",
                "Status": "Enabled",
                "NoncurrentVersionExpiration": { "NoncurrentDays": noncurrent_version_days },
                "AbortIncompleteMultipartUpload": { "DaysAfterInitiation": ABORT_MULTIPART_DAYS },
            }]}),
        );
        if let Some((target, prefix)) = access_logs {
            p.insert(
                "LoggingConfiguration".into(),
                json!({ "DestinationBucketName": ctx.v(target), "LogFilePrefix": prefix }),
            );
        }
        if let Some(rep) = replication {
            let rules: Vec<Value> = rep
                .rules
                .iter()
                .map(|r| {
                    let mut destination = Map::new();
                    destination.insert("Bucket".into(), ctx.v(&r.destination));
                    let mut criteria = Map::new();
                    if let Some(key) = &r.replica_key {
                        destination.insert(
                            "EncryptionConfiguration".into(),
                            json!({ "ReplicaKmsKeyID": ctx.v(key) }),
                        );
                        criteria.insert("SseKmsEncryptedObjects".into(), json!({ "Status": "Enabled" }));
                    }
                    if r.replica_modifications {
                        criteria.insert("ReplicaModifications".into(), json!({ "Status": "Enabled" }));
                    }
                    let mut rule = Map::new();
                    rule.insert("Id".into(), json!(r.id));
                    rule.insert("Status".into(), json!("Enabled"));
                    rule.insert("Priority".into(), json!(r.priority));
                    // The rule schema of today (V2): a filter, and delete markers replicated.
                    rule.insert("Filter".into(), json!({ "Prefix": "" }));
                    rule.insert("DeleteMarkerReplication".into(), json!({ "Status": "Enabled" }));
                    rule.insert("Destination".into(), Value::Object(destination));
                    if !criteria.is_empty() {
                        rule.insert("SourceSelectionCriteria".into(), Value::Object(criteria));
                    }
                    Value::Object(rule)
                })
                .collect();
            let config = json!({ "Role": ctx.v(&rep.role), "Rules": rules });
            // Off on a new stack's first pass, while its destinations do not exist yet.
            let config = match self.replication_switch() {
                Some(switch) => json!({ "Fn::If": [condition_name(switch), config, { "Ref": "AWS::NoValue" }] }),
                None => config,
            };
            p.insert("ReplicationConfiguration".into(), config);
        }
        p.insert("Tags".into(), ctx.tags(None));
        Value::Object(p)
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }

    fn checkov_skips(&self) -> Vec<(&'static str, &'static str)> {
        checkov::bucket_cfn(self)
    }

    fn conditions(&self) -> Vec<&str> {
        self.replication_switch().into_iter().collect()
    }
}

impl CfnKind for BucketPolicy {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::S3::BucketPolicy")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let BucketPolicy { bucket, policy } = self;
        json!({ "Bucket": ctx.v(bucket), "PolicyDocument": ctx.policy(policy) })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }
}

impl CfnKind for SsmParameter {
    fn type_name(&self) -> Option<&'static str> {
        Some("AWS::SSM::Parameter")
    }

    fn properties(&self, ctx: &Ctx) -> Value {
        let SsmParameter {
            name,
            value,
            description,
            // Such a parameter is Terraform's only; `deploy.sh` writes it (`render::deploy`).
            read_after_deploy: _,
        } = self;
        json!({
            "Name": name,
            "Type": "String",
            "Value": ctx.v(value),
            "Description": description,
            "Tags": ctx.tag_map(None),
        })
    }

    fn attribute(&self, a: Attr) -> Option<&'static str> {
        plain(a)
    }

    fn checkov_skips(&self) -> Vec<(&'static str, &'static str)> {
        checkov::SSM_PARAMETER_CFN.to_vec()
    }
}
