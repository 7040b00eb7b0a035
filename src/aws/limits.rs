//! Cross-service AWS limits: VPC prefix lengths (MR202), AWS Budgets notifications (MR601),
//! tag rules (MR703) and the name-length limit of every identifier kind mrgen generates (MR702).

// Source: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpc.html
// "The smallest VPC you can create uses a /28 netmask (16 IPv4 addresses), and the largest uses a
// /16 netmask (65,536 IPv4 addresses)."
/// Shortest VPC IPv4 prefix (largest VPC).
pub const VPC_PREFIX_MIN: u8 = 16;
/// Longest VPC IPv4 prefix (smallest VPC).
pub const VPC_PREFIX_MAX: u8 = 28;

// Source: https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_CreateBudget.html
// NotificationsWithSubscribers: "A budget can have up to five notifications, and each
// notification can have one SNS subscriber and up to 10 email subscribers."
// NOTE: the API list shape allows 10 items; the documented limit (5) is used, as SPEC says.
/// Notifications one budget allows.
pub const BUDGET_MAX_NOTIFICATIONS: usize = 5;

// Source: https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_NotificationWithSubscribers.html
// "A notification can have one SNS subscriber and up to 10 email subscribers, for a total of 11."
/// Email subscribers one budget notification allows.
pub const BUDGET_MAX_EMAIL_SUBSCRIBERS: usize = 10;
/// SNS subscribers one budget notification allows.
pub const BUDGET_MAX_SNS_SUBSCRIBERS: usize = 1;

// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html (the common tag
// restrictions text: "Maximum key length - 128 Unicode characters in UTF-8; Maximum value length
// - 256 Unicode characters in UTF-8"), and the RDS Tag shape
// (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_Tag.html): key 1..=128, value
// up to 256 Unicode characters.
/// Longest tag key, in characters.
pub const TAG_KEY_MAX: usize = 128;
/// Longest tag value, in characters.
pub const TAG_VALUE_MAX: usize = 256;

// Source: same ECS page: "Maximum number of tags per resource - 50" (also Batch, EMR, …).
/// User tags one resource allows (aws:-prefixed system tags don't count).
pub const TAG_MAX_PER_RESOURCE: usize = 50;

// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html
// "Do not use aws:, AWS:, or any upper or lowercase combination of such as a prefix for either
// keys or values as it is reserved for Amazon Web Services use."
// Source: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_Tag.html
// Key and Value: "can't be prefixed with aws: or rds:".
// NOTE: SPEC names only the `aws:` prefix for keys. The documentation also reserves `aws:` for
// values, and RDS refuses `rds:` for keys and values; since mrgen's tags reach RDS, both
// prefixes are listed. Matching is case-insensitive.
/// Prefixes tag keys and values must not start with (compare case-insensitively).
pub const TAG_RESERVED_PREFIXES: &[&str] = &["aws:", "rds:"];

// Source: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
// "Template body size in a request: 51,200 bytes" (460,800 bytes from an S3 object). `aws
// cloudformation deploy` sends a larger template only through the bucket `--s3-bucket` names
// (it compares the UTF-8 length with 51200: aws-cli pull request 2778), and CloudFormation reads
// it from there only when the bucket is in the stack's region (aws-cli issue 4372).
/// The largest template, in bytes, that a request may carry in its body.
pub const CFN_TEMPLATE_BODY_MAX_BYTES: usize = 51_200;

/// The reserved prefix `text` starts with (case-insensitively), if any.
pub fn tag_reserved_prefix(text: &str) -> Option<&'static str> {
    TAG_RESERVED_PREFIXES.iter().copied().find(|prefix| {
        text.get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    })
}

// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html
// "If your tagging schema is used across multiple services and resources, remember that other
// services may have restrictions on allowed characters. Generally allowed characters are:
// letters, numbers, and spaces representable in UTF-8, and the following characters:
// + - = . _ : / @."
// Source: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_Tag.html
// RDS: "Unicode letters, digits, white-space, '_', '.', ':', '/', '=', '+', '-', '@'"
// (Java regex ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$).
// Decision: "spaces" is taken as the ASCII space only (conservative: \p{Z} also has no-break and
// other separators, which some services refuse), letters as `char::is_alphabetic` and numbers as
// `char::is_numeric` (\p{N}). UNCONFIRMED corner: `is_alphabetic` also admits combining marks
// (Unicode `Alphabetic` property) that \p{L} does not.
/// Letters, digits, spaces, and `_ . : / = + - @` (what every service incl. RDS/ElastiCache/MSK accepts).
pub fn tag_char_allowed(c: char) -> bool {
    c.is_alphabetic() || c.is_numeric() || c == ' ' || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
}

/// The length limit of one kind of generated identifier, with the page that states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameLimit {
    /// What the identifier names, e.g. `"CloudFormation stack name"`.
    pub what: &'static str,
    /// Longest allowed, in characters.
    pub max: usize,
    /// Documentation page that states the limit.
    pub source: &'static str,
}

impl NameLimit {
    /// `true` when `name` fits (counted in characters).
    pub fn fits(&self, name: &str) -> bool {
        name.chars().count() <= self.max
    }
}

/// "A stack name can contain only alphanumeric characters (case sensitive) and hyphens. It must
/// start with an alphabetical character and can't be longer than 128 characters."
pub const STACK_NAME: NameLimit = NameLimit {
    what: "CloudFormation stack name",
    max: 128,
    source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html",
};

/// "Must contain from 1 to 63 (for Aurora DB clusters) ... letters, numbers, or hyphens."
pub const RDS_CLUSTER_ID: NameLimit = NameLimit {
    what: "Aurora DB cluster identifier",
    max: 63,
    source: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html",
};

/// NOTE: the CreateGlobalCluster API shape allows 1..=255 characters, but ModifyGlobalCluster's
/// NewGlobalClusterIdentifier ("Must contain from 1 to 63 letters, numbers, or hyphens") and the
/// CloudFormation `AWS::RDS::GlobalCluster` pattern cap it at 63; the stricter 63 is used.
pub const RDS_GLOBAL_CLUSTER_ID: NameLimit = NameLimit {
    what: "Aurora global database identifier",
    max: 63,
    source: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyGlobalCluster.html",
};

/// "Must contain from 1 to 63 letters, numbers, or hyphens."
pub const RDS_INSTANCE_ID: NameLimit = NameLimit {
    what: "Aurora DB instance identifier",
    max: 63,
    source: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html",
};

/// "Must contain no more than 255 letters, numbers, periods, underscores, spaces, or hyphens."
pub const DB_SUBNET_GROUP: NameLimit = NameLimit {
    what: "DB subnet group name",
    max: 255,
    source: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html",
};

/// "A name must contain from 1 to 40 alphanumeric characters or hyphens."
pub const ELASTICACHE_REPLICATION_GROUP_ID: NameLimit = NameLimit {
    what: "ElastiCache replication group id",
    max: 40,
    source: "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html",
};

/// UNCONFIRMED: no length is documented for GlobalReplicationGroupIdSuffix. ElastiCache prepends
/// a regional prefix of five letters and a hyphen (e.g. `dsdfu-`) to form the global datastore
/// id; 34 keeps prefix + suffix within the 40-character replication-group-id limit
/// (conservative).
pub const ELASTICACHE_GLOBAL_GROUP_SUFFIX: NameLimit = NameLimit {
    what: "ElastiCache global datastore id suffix",
    max: 34,
    source: "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateGlobalReplicationGroup.html",
};

/// "Must contain no more than 255 alphanumeric characters or hyphens."
pub const ELASTICACHE_SUBNET_GROUP: NameLimit = NameLimit {
    what: "ElastiCache subnet group name",
    max: 255,
    source: "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateCacheSubnetGroup.html",
};

/// UNCONFIRMED: the API documents only the pattern `[a-zA-Z][a-zA-Z0-9\-]*` for user group ids;
/// the replication-group-id limit (40) is applied as the conservative bound.
pub const ELASTICACHE_USER_GROUP_ID: NameLimit = NameLimit {
    what: "ElastiCache user group id",
    max: 40,
    source: "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateUserGroup.html",
};

/// ClusterName: string, minimum 1, maximum 64.
pub const MSK_CLUSTER_NAME: NameLimit = NameLimit {
    what: "MSK cluster name",
    max: 64,
    source: "https://docs.aws.amazon.com/msk/1.0/apireference/clusters.html",
};

/// ReplicatorName: 1..=128, pattern `^[0-9A-Za-z][0-9A-Za-z-]{0,}$`.
pub const MSK_REPLICATOR_NAME: NameLimit = NameLimit {
    what: "MSK replicator name",
    max: 128,
    source: "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-msk-replicator.html",
};

/// "It must start with an alphanumeric character and can't be longer than 100 characters."
pub const EKS_CLUSTER_NAME: NameLimit = NameLimit {
    what: "EKS cluster name",
    max: 100,
    source: "https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html",
};

/// "The node group name can't be longer than 63 characters."
pub const EKS_NODEGROUP_NAME: NameLimit = NameLimit {
    what: "EKS managed node group name",
    max: 63,
    source: "https://docs.aws.amazon.com/eks/latest/userguide/create-managed-node-group.html",
};

/// RoleName: 1..=64, pattern `[\w+=,.@-]+`.
pub const IAM_ROLE_NAME: NameLimit = NameLimit {
    what: "IAM role name",
    max: 64,
    source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html",
};

/// "Topic names must be made up of only uppercase and lowercase ASCII letters, numbers,
/// underscores, and hyphens, and must be between 1 and 256 characters long."
pub const SNS_TOPIC_NAME: NameLimit = NameLimit {
    what: "SNS topic name",
    max: 256,
    source: "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html",
};

/// Name: 1..=512; ASCII letters, numbers and `/_+=.@-`.
pub const SECRET_NAME: NameLimit = NameLimit {
    what: "Secrets Manager secret name",
    max: 512,
    source: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html",
};

/// "The AliasName value must be string of 1-256 characters" (including the `alias/` prefix).
pub const KMS_ALIAS: NameLimit = NameLimit {
    what: "KMS alias name (with alias/)",
    max: 256,
    source: "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html",
};

/// logGroupName: 1..=512, pattern `[\.\-_/#A-Za-z0-9]+`.
pub const LOG_GROUP_NAME: NameLimit = NameLimit {
    what: "CloudWatch Logs log group name",
    max: 512,
    source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
};

/// BudgetName: 1..=100; `:` and `\` and the substring `/action/` are not allowed.
pub const BUDGET_NAME: NameLimit = NameLimit {
    what: "AWS Budgets budget name",
    max: 100,
    source: "https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_Budget.html",
};

/// "Bucket names must be between 3 (min) and 63 (max) characters long."
pub const S3_BUCKET_NAME: NameLimit = NameLimit {
    what: "S3 bucket name",
    max: 63,
    source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
};

/// PutParameter's Name: "The reported maximum length of 2048 characters for a parameter name
/// includes 1037 characters that are reserved for internal use", so a name has 1011.
pub const SSM_PARAMETER_NAME: NameLimit = NameLimit {
    what: "Systems Manager parameter name",
    max: 1011,
    source: "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html",
};

/// DashboardName: "The maximum length is 255, and valid characters are A-Z, a-z, 0-9, \"-\", and
/// \"_\"" (mrgen's names are prefix, environment and `-` only).
pub const CLOUDWATCH_DASHBOARD_NAME: NameLimit = NameLimit {
    what: "CloudWatch dashboard name",
    max: 255,
    source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html",
};

/// AlarmName: 1..=255 UTF-8 characters, no ASCII control characters.
pub const CLOUDWATCH_ALARM_NAME: NameLimit = NameLimit {
    what: "CloudWatch alarm name",
    max: 255,
    source: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
};

/// GroupName: "Up to 255 characters in length. Can't start with sg-."
pub const SECURITY_GROUP_NAME: NameLimit = NameLimit {
    what: "EC2 security group name",
    max: 255,
    source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html",
};

/// "This name must be unique per region per account, can have a maximum of 32 characters, must
/// contain only alphanumeric characters or hyphens, must not begin or end with a hyphen, and must
/// not begin with \"internal-\"."
pub const LOAD_BALANCER_NAME: NameLimit = NameLimit {
    what: "Elastic Load Balancing load balancer name",
    max: 32,
    source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html",
};

/// "This name must be unique per region per account, can have a maximum of 32 characters, must
/// contain only alphanumeric characters or hyphens, and must not begin or end with a hyphen."
pub const TARGET_GROUP_NAME: NameLimit = NameLimit {
    what: "Elastic Load Balancing target group name",
    max: 32,
    source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html",
};

/// EntityName: 1..=128 characters of `[\w\-]`.
pub const WEB_ACL_NAME: NameLimit = NameLimit {
    what: "AWS WAF web ACL name",
    max: 128,
    source: "https://docs.aws.amazon.com/waf/latest/APIReference/API_CreateWebACL.html",
};

/// PlanName: 1..=32 characters, `[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?` (also the
/// `Name` of `AWS::ARCRegionSwitch::Plan` in cfn-lint 1.51's resource schema).
pub const REGION_SWITCH_PLAN_NAME: NameLimit = NameLimit {
    what: "ARC Region switch plan name",
    max: 32,
    source: "https://docs.aws.amazon.com/arc-region-switch/latest/api/API_CreatePlan.html",
};

// Route 53 health checks have no name (only a CallerReference and tags), so there is no entry.
// The limits above were read from the API references named in `source` (as shipped in the AWS
// SDK model botocore 1.43.11: min/max constraints and the documentation strings quoted), except
// EKS_NODEGROUP_NAME (EKS user guide text) and the two UNCONFIRMED ElastiCache entries.
// Source: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#subnets-load-balancer
// ("each subnet for your load balancer has a CIDR block with at least a /27 bitmask (for
// example, 10.0.0.0/27) and has at least 8 free IP addresses").
/// The longest prefix of a subnet an Application Load Balancer can be placed in.
pub const LOAD_BALANCER_SUBNET_MAX_PREFIX: u8 = 27;

/// Every identifier kind mrgen generates, for MR702 and for the README's limits table.
pub const NAME_LIMITS: &[&NameLimit] = &[
    &STACK_NAME,
    &RDS_CLUSTER_ID,
    &RDS_GLOBAL_CLUSTER_ID,
    &RDS_INSTANCE_ID,
    &DB_SUBNET_GROUP,
    &ELASTICACHE_REPLICATION_GROUP_ID,
    &ELASTICACHE_GLOBAL_GROUP_SUFFIX,
    &ELASTICACHE_SUBNET_GROUP,
    &ELASTICACHE_USER_GROUP_ID,
    &MSK_CLUSTER_NAME,
    &MSK_REPLICATOR_NAME,
    &EKS_CLUSTER_NAME,
    &EKS_NODEGROUP_NAME,
    &IAM_ROLE_NAME,
    &SNS_TOPIC_NAME,
    &SECRET_NAME,
    &KMS_ALIAS,
    &LOG_GROUP_NAME,
    &BUDGET_NAME,
    &CLOUDWATCH_ALARM_NAME,
    &CLOUDWATCH_DASHBOARD_NAME,
    &SECURITY_GROUP_NAME,
    &LOAD_BALANCER_NAME,
    &TARGET_GROUP_NAME,
    &WEB_ACL_NAME,
    &S3_BUCKET_NAME,
    &SSM_PARAMETER_NAME,
    &REGION_SWITCH_PLAN_NAME,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vpc_prefix_range() {
        assert_eq!((VPC_PREFIX_MIN, VPC_PREFIX_MAX), (16, 28));
    }

    #[test]
    fn budget_limits() {
        assert_eq!(BUDGET_MAX_NOTIFICATIONS, 5);
        assert_eq!(BUDGET_MAX_EMAIL_SUBSCRIBERS + BUDGET_MAX_SNS_SUBSCRIBERS, 11);
    }

    #[test]
    fn tag_characters() {
        for ok in [
            'a', 'Z', '0', '9', ' ', '_', '.', ':', '/', '=', '+', '-', '@', 'é', '日', '٣',
        ] {
            assert!(tag_char_allowed(ok), "{ok:?} should be allowed");
        }
        for bad in [
            '*', '#', '!', '?', '"', '\'', '\\', '\t', '\n', '\u{a0}', '$', '{', '<', ',', ';', '%', '&',
        ] {
            assert!(!tag_char_allowed(bad), "{bad:?} should be refused");
        }
    }

    #[test]
    fn tag_lengths_and_prefixes() {
        assert_eq!((TAG_KEY_MAX, TAG_VALUE_MAX), (128, 256));
        assert_eq!(tag_reserved_prefix("aws:cloudformation:stack-name"), Some("aws:"));
        assert_eq!(tag_reserved_prefix("AWS:x"), Some("aws:"));
        assert_eq!(tag_reserved_prefix("Aws:x"), Some("aws:"));
        assert_eq!(tag_reserved_prefix("rds:x"), Some("rds:"));
        assert_eq!(tag_reserved_prefix("aws"), None);
        assert_eq!(tag_reserved_prefix("team"), None);
        assert_eq!(tag_reserved_prefix("awsx:y"), None);
        assert_eq!(tag_reserved_prefix("日本語"), None);
        assert_eq!(tag_reserved_prefix(""), None);
    }

    #[test]
    fn name_limits_spec_values() {
        assert_eq!(STACK_NAME.max, 128);
        assert_eq!(RDS_CLUSTER_ID.max, 63);
        assert_eq!(RDS_INSTANCE_ID.max, 63);
        assert_eq!(ELASTICACHE_REPLICATION_GROUP_ID.max, 40);
        assert_eq!(MSK_CLUSTER_NAME.max, 64);
        assert_eq!(EKS_CLUSTER_NAME.max, 100);
        assert_eq!(EKS_NODEGROUP_NAME.max, 63);
        assert_eq!(IAM_ROLE_NAME.max, 64);
        assert_eq!(SNS_TOPIC_NAME.max, 256);
        assert_eq!(SECRET_NAME.max, 512);
        assert_eq!(KMS_ALIAS.max, 256);
        assert_eq!(LOG_GROUP_NAME.max, 512);
        assert_eq!(BUDGET_NAME.max, 100);
        assert_eq!(CLOUDWATCH_ALARM_NAME.max, 255);
        assert_eq!(CLOUDWATCH_DASHBOARD_NAME.max, 255);
        assert_eq!(DB_SUBNET_GROUP.max, 255);
        assert_eq!(S3_BUCKET_NAME.max, 63);
        assert_eq!(SSM_PARAMETER_NAME.max, 1011);
        assert_eq!(REGION_SWITCH_PLAN_NAME.max, 32);
    }

    #[test]
    fn name_limit_table_is_complete_and_sourced() {
        assert_eq!(NAME_LIMITS.len(), 28);
        let mut whats: Vec<&str> = NAME_LIMITS.iter().map(|l| l.what).collect();
        whats.sort_unstable();
        whats.dedup();
        assert_eq!(whats.len(), NAME_LIMITS.len(), "duplicate `what`");
        for limit in NAME_LIMITS {
            assert!(limit.max > 0, "{}", limit.what);
            assert!(
                limit.source.starts_with("https://docs.aws.amazon.com/"),
                "{}",
                limit.what
            );
        }
    }

    #[test]
    fn fits_counts_characters() {
        let id = "a".repeat(40);
        assert!(ELASTICACHE_REPLICATION_GROUP_ID.fits(&id));
        assert!(!ELASTICACHE_REPLICATION_GROUP_ID.fits(&format!("{id}b")));
        assert!(STACK_NAME.fits("genai-demo-production-network-ap-northeast-1"));
        assert!(!RDS_CLUSTER_ID.fits(&"x".repeat(64)));
        assert!(MSK_CLUSTER_NAME.fits(&"é".repeat(64)));
    }
}
