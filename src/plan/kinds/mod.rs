//! One struct per kind of resource the plan can hold, in one file per layer (`network.rs`, …,
//! `recovery.rs`, as the backends' `kinds/` folders are), and [`Kind`], the enum over them.
//!
//! A struct holds everything its resource needs, with names and values final; each backend
//! turns it into its own syntax through one trait implementation per struct
//! (`render::cfn::CfnKind`, `render::tf::TfKind`), reached through one exhaustive match per
//! backend (`cfn_kind`, `tf_kind`). [`Kind`] is written by the `kinds!` macro from the one list at
//! the bottom of this file, so a kind added to the list and not handled by a backend (or by
//! [`Kind::name_limit`]) is a compile error there.

use crate::aws::limits::{self, NameLimit};

mod aurora;
mod dns;
mod eks;
mod ingress;
mod monitoring;
mod msk;
mod network;
mod peering;
mod recovery;
mod redis;
mod storage;

pub use aurora::*;
pub use dns::*;
pub use eks::*;
pub use ingress::*;
pub use monitoring::*;
pub use msk::*;
pub use network::*;
pub use peering::*;
pub use recovery::*;
pub use redis::*;
pub use storage::*;

/// Declares [`Kind`] with one variant per struct (`Kind::Vpc(Vpc)`) and `From` for each.
macro_rules! kinds {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// The typed resources. Each variant carries the struct of the same name.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Kind {
            $($(#[$doc])* $name($name),)*
        }

        $(impl From<$name> for Kind {
            fn from(k: $name) -> Kind {
                Kind::$name(k)
            }
        })*

        impl Kind {
            /// Every kind's name, in the list's order.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($name),)*];

            /// The struct's name (`Vpc`), for messages and tests.
            pub fn name(&self) -> &'static str {
                match self {
                    $(Kind::$name(_) => stringify!($name),)*
                }
            }
        }
    };
}

kinds! {
    // network
    KmsKey,
    KmsAlias,
    Vpc,
    InternetGateway,
    GatewayAttachment,
    Subnet,
    Eip,
    NatGateway,
    RouteTable,
    Route,
    RouteTableAssociation,
    SecurityGroup,
    SecurityGroupIngress,
    DefaultSecurityGroupLockdown,
    LogGroup,
    IamRole,
    FlowLog,
    // peering
    PeeringConnection,
    PeeringAccepter,
    // storage
    KmsReplicaKey,
    Bucket,
    BucketPolicy,
    // shared parameters, in the stack of what they describe
    SsmParameter,
    // aurora
    DbSecret,
    DbPasswordEphemeral,
    DbSubnetGroup,
    DbClusterParameterGroup,
    GlobalCluster,
    DbCluster,
    DbInstance,
    // redis
    CacheSubnetGroup,
    CacheParameterGroup,
    ReplicationGroup,
    GlobalReplicationGroup,
    CacheAuthSecret,
    CacheUser,
    CacheUserGroup,
    // msk
    MskCluster,
    MskClusterPolicy,
    MskReplicator,
    // eks
    EksCluster,
    EksNodegroup,
    EksAddon,
    EksAccessEntry,
    EksPodIdentityAssociation,
    // ingress
    LoadBalancer,
    TargetGroup,
    Listener,
    Certificate,
    WebAcl,
    WebAclAssociation,
    // dns
    HealthCheck,
    RecordSet,
    // monitoring
    Topic,
    TopicPolicy,
    EmailSubscription,
    Alarm,
    Dashboard,
    Budget,
    // recovery
    RegionSwitchPlan,
}

impl Kind {
    /// The name or identifier AWS creates this resource with, where mrgen chooses one, and the
    /// longest that AWS allows for it (MR702 checks every one). Kinds that AWS names itself, or
    /// whose only name is a `Name` tag, have none.
    pub fn name_limit(&self) -> Option<(&str, &'static NameLimit)> {
        fn named<'a>(name: &'a str, limit: &'static NameLimit) -> Option<(&'a str, &'static NameLimit)> {
            Some((name, limit))
        }
        match self {
            Kind::KmsAlias(k) => named(&k.name, &limits::KMS_ALIAS),
            Kind::LogGroup(k) => named(&k.name, &limits::LOG_GROUP_NAME),
            Kind::IamRole(k) => named(&k.name, &limits::IAM_ROLE_NAME),
            Kind::SecurityGroup(k) => named(&k.name, &limits::SECURITY_GROUP_NAME),
            Kind::DbSecret(k) => named(&k.name, &limits::SECRET_NAME),
            Kind::CacheAuthSecret(k) => named(&k.name, &limits::SECRET_NAME),
            Kind::DbSubnetGroup(k) => named(&k.name, &limits::DB_SUBNET_GROUP),
            Kind::GlobalCluster(k) => named(&k.id, &limits::RDS_GLOBAL_CLUSTER_ID),
            Kind::DbCluster(k) => named(&k.id, &limits::RDS_CLUSTER_ID),
            Kind::DbInstance(k) => named(&k.id, &limits::RDS_INSTANCE_ID),
            Kind::CacheSubnetGroup(k) => named(&k.name, &limits::ELASTICACHE_SUBNET_GROUP),
            Kind::ReplicationGroup(k) => named(&k.id, &limits::ELASTICACHE_REPLICATION_GROUP_ID),
            Kind::GlobalReplicationGroup(k) => named(&k.suffix, &limits::ELASTICACHE_GLOBAL_GROUP_SUFFIX),
            // User ids share the user group id's limit (the API documents none of their own).
            Kind::CacheUser(k) => named(&k.id, &limits::ELASTICACHE_USER_GROUP_ID),
            Kind::CacheUserGroup(k) => named(&k.id, &limits::ELASTICACHE_USER_GROUP_ID),
            Kind::MskCluster(k) => named(&k.name, &limits::MSK_CLUSTER_NAME),
            Kind::MskReplicator(k) => named(&k.name, &limits::MSK_REPLICATOR_NAME),
            Kind::EksCluster(k) => named(&k.name, &limits::EKS_CLUSTER_NAME),
            Kind::EksNodegroup(k) => named(&k.name, &limits::EKS_NODEGROUP_NAME),
            Kind::LoadBalancer(k) => named(&k.name, &limits::LOAD_BALANCER_NAME),
            Kind::TargetGroup(k) => named(&k.name, &limits::TARGET_GROUP_NAME),
            Kind::WebAcl(k) => named(&k.name, &limits::WEB_ACL_NAME),
            Kind::Topic(k) => named(&k.name, &limits::SNS_TOPIC_NAME),
            Kind::Alarm(k) => named(&k.name, &limits::CLOUDWATCH_ALARM_NAME),
            Kind::Dashboard(k) => named(&k.name, &limits::CLOUDWATCH_DASHBOARD_NAME),
            Kind::Budget(k) => named(&k.name, &limits::BUDGET_NAME),
            Kind::Bucket(k) => named(&k.name, &limits::S3_BUCKET_NAME),
            Kind::SsmParameter(k) => named(&k.name, &limits::SSM_PARAMETER_NAME),
            Kind::RegionSwitchPlan(k) => named(&k.name, &limits::REGION_SWITCH_PLAN_NAME),
            // An add-on's name is AWS's (`vpc-cni`); access entries and Pod Identity associations
            // are named by the principal, or the namespace and service account, they stand for.
            Kind::EksAddon(_) | Kind::EksAccessEntry(_) | Kind::EksPodIdentityAssociation(_) => None,
            // Named like their cluster or replication group, whose tighter limits bind first;
            // the RDS and ElastiCache APIs document no length for parameter group names.
            Kind::DbClusterParameterGroup(_) | Kind::CacheParameterGroup(_) => None,
            // Named by AWS (ids), or by a `Name` tag only.
            Kind::KmsKey(_)
            | Kind::KmsReplicaKey(_)
            | Kind::BucketPolicy(_)
            | Kind::Vpc(_)
            | Kind::InternetGateway(_)
            | Kind::GatewayAttachment(_)
            | Kind::Subnet(_)
            | Kind::Eip(_)
            | Kind::NatGateway(_)
            | Kind::RouteTable(_)
            | Kind::Route(_)
            | Kind::RouteTableAssociation(_)
            | Kind::SecurityGroupIngress(_)
            | Kind::DefaultSecurityGroupLockdown(_)
            | Kind::FlowLog(_)
            | Kind::PeeringConnection(_)
            | Kind::PeeringAccepter(_)
            | Kind::DbPasswordEphemeral(_)
            | Kind::MskClusterPolicy(_)
            | Kind::Listener(_)
            | Kind::Certificate(_)
            | Kind::WebAclAssociation(_)
            | Kind::HealthCheck(_)
            | Kind::RecordSet(_)
            | Kind::TopicPolicy(_)
            | Kind::EmailSubscription(_) => None,
        }
    }
}
