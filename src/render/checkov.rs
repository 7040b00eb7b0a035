//! The checkov findings mrgen's output leaves on purpose: the reasons, in one place for both
//! backends. Each is a false positive for the resource it is on, with the reason a reviewer
//! reads in the output (CloudFormation `Metadata.checkov.skip`, Terraform
//! `#checkov:skip=ID:reason`). Which resource carries which suppression is the backend's to say:
//! each kind's `CfnKind::checkov_skips` and `TfKind::checkov_skips` (checkov's CloudFormation checks
//! do not flag what its Terraform checks flag on backups and rotation, so those are Terraform's
//! only). The README's table lists every id the output carries (a test checks it). Never a way
//! to silence a real gap.

pub(crate) const INHERITED: &str = "A Global Datastore secondary inherits encryption at rest, TLS and AUTH from the primary; AWS refuses the create call when they are restated";
pub(crate) const BACKUP: &str = "Aurora keeps automated backups for backup-retention-days, takes a final snapshot and has deletion protection; an AWS Backup plan is an organisation-wide choice mrgen leaves to its users";
pub(crate) const ROTATION: &str = "Rotation needs a Lambda mrgen does not deploy, and RDS-managed rotation (ManageMasterUserPassword) is refused on Global Database members; rotate through your own runbook";

/// The Terraform `aws_availability_zones` data sources (not a plan resource).
pub const AZ_DATA_SOURCE: (&str, &str) = (
    "CKV_AWS_394",
    "mrgen takes the account's first zones at deploy time as the spec requires: zone names differ per account, so pinning them would break new accounts; created subnets keep their zone",
);

/// Application Load Balancers: access logs are to go to the `logs` bucket of the storage layer,
/// which the load balancer is not pointed at yet (it sets no `access_logs.s3.*` attribute, and
/// the logs bucket's policy admits no load balancer log delivery). An accepted gap until it is,
/// not a false positive.
pub const LOAD_BALANCER: &[(&str, &str)] = &[(
    "CKV_AWS_91",
    "Access logs are to go to the region's logs bucket (the storage layer's, SSE-S3 as log delivery needs), which mrgen does not point the load balancer at yet; until it does, the load balancer's and target group's CloudWatch metrics are what there is",
)];
/// The target group speaks HTTP to the pods: TLS ends at the load balancer, inside the VPC.
/// Empty: no checkov check fails on it (measured with checkov 3.3: the Terraform check
/// CKV_AWS_378 passes an HTTP target group that an HTTPS listener forwards to).
pub const TARGET_GROUP: &[(&str, &str)] = &[];
/// The HTTP listener only redirects to HTTPS. Empty: no checkov check fails on it (CKV_AWS_2
/// accepts a listener whose default action redirects to HTTPS).
pub const HTTP_REDIRECT_LISTENER: &[(&str, &str)] = &[];
/// The web ACL's request logging (checkov's Terraform check only: CloudFormation's checks do
/// not ask for it). An accepted gap: a logging configuration is a resource of its own, with its
/// own log group, on both backends; the web ACL keeps sampled requests and per-rule metrics.
pub const WEB_ACL: &[(&str, &str)] = &[(
    "CKV2_AWS_31",
    "Full request logs hold every request's headers (cookies, Authorization); where they go, what is redacted and how long they are kept is the account's data-protection choice (often central, through Firewall Manager). The web ACL keeps sampled requests and CloudWatch metrics for every rule",
)];

/// The public load balancer's security group (the one group SPEC section 5 lets admit the
/// world, on 443 and 80): port 80 serves only the listener that redirects to HTTPS.
pub const HTTP_REDIRECT_PORT: (&str, &str) = (
    "CKV_AWS_260",
    "The public load balancer's group admits port 80 from anywhere only for its HTTP listener, which answers every request with a permanent redirect to HTTPS; nothing is served over plain HTTP",
);

/// Parameter Store parameters: plain `String`s holding names and endpoints, never a secret
/// (CloudFormation cannot create a `SecureString`: `AWS::SSM::Parameter` takes `String` and
/// `StringList` only; secrets stay in Secrets Manager). checkov's Terraform check CKV2_AWS_34
/// asks for `SecureString`.
pub const SSM_PARAMETER: &[(&str, &str)] = &[(
    "CKV2_AWS_34",
    "Holds a name, ARN or endpoint an application looks up, never a secret (secrets stay in Secrets Manager); CloudFormation cannot create a SecureString",
)];
/// The same parameters in CloudFormation. Empty: no checkov check fails on them (measured with
/// checkov 3.3.30: CKV2_AWS_34 is a Terraform check; CloudFormation's CKV_AWS_384, no secret
/// in the value, passes).
pub const SSM_PARAMETER_CFN: &[(&str, &str)] = &[];

/// Bucket event notifications (checkov's Terraform check only).
const BUCKET_EVENTS: (&str, &str) = (
    "CKV2_AWS_62",
    "Nothing consumes bucket events: applications read and write the bucket directly",
);
/// The logs bucket's own server access logs (checkov's CloudFormation check only: its
/// Terraform check counts an `aws_s3_bucket_logging` that names the bucket as its target).
/// Amazon S3 advises against logging a bucket into itself: each delivery would be logged again
/// ("Enabling Amazon S3 server access logging", Amazon S3 User Guide).
const LOGS_BUCKET_UNLOGGED: (&str, &str) = (
    "CKV_AWS_18",
    "The logs bucket receives the other buckets' server access logs; logging it into itself would loop",
);
/// SSE-S3 on the logs bucket (checkov's Terraform check only): server access log delivery
/// supports default encryption with SSE-S3 only on the destination bucket, not SSE-KMS
/// ("Enabling Amazon S3 server access logging", Amazon S3 User Guide), and so does load
/// balancer access log delivery ("Access logs for your Application Load Balancer", Elastic
/// Load Balancing User Guide).
const LOGS_BUCKET_SSE_S3: (&str, &str) = (
    "CKV_AWS_145",
    "Server access log delivery (and load balancer access log delivery) supports only SSE-S3 on the destination bucket, not SSE-KMS",
);
/// A bucket without replication of its own (checkov's Terraform check only): a secondary
/// region's in active-passive, which the primary's replicates into, or the only region's. In
/// active-active every region's buckets replicate.
const BUCKET_NOT_REPLICATED: (&str, &str) = (
    "CKV_AWS_144",
    "In active-passive only the primary region's buckets replicate, into every secondary's: this one receives those replicas, or is the only region's (DR off)",
);

/// The suppressions of a bucket in Terraform.
pub(crate) fn bucket(b: &crate::plan::Bucket) -> Vec<(&'static str, &'static str)> {
    let mut skips = vec![BUCKET_EVENTS];
    if matches!(b.encryption, crate::plan::BucketEncryption::S3Managed) {
        skips.push(LOGS_BUCKET_SSE_S3);
    }
    if b.replication.is_none() {
        skips.push(BUCKET_NOT_REPLICATED);
    }
    skips
}

/// The suppressions of a bucket in CloudFormation (measured with checkov 3.3.30: of the checks
/// above, only the access logging one fails there).
pub(crate) fn bucket_cfn(b: &crate::plan::Bucket) -> Vec<(&'static str, &'static str)> {
    if b.access_logs.is_none() {
        vec![LOGS_BUCKET_UNLOGGED]
    } else {
        Vec::new()
    }
}
