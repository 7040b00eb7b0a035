//! The `aurora` layer: the master secret, the global cluster, and per region a cluster with its
//! instances, subnet group, parameter group and log group.

use super::layer::Layer;
use super::parts::*;
use super::types::*;
use super::values::*;
use crate::model::Environment;
use crate::naming::{global_id, regional_id};
use crate::plan::kinds::*;

/// The RDS engine of every Aurora resource mrgen renders.
pub(super) const AURORA_ENGINE: &str = "aurora-postgresql";

/// The `aurora` stacks' parameter that switches deletion protection on once the stack exists.
const DELETION_PROTECTION: &str = "DeletionProtection";

pub(super) fn pg_family(version: &str) -> String {
    let major = version.split('.').next().unwrap_or("16");
    format!("aurora-postgresql{major}")
}

pub(super) fn aurora(env: &Environment) -> Vec<Stack> {
    let Some(a) = &env.aurora else { return Vec::new() };
    let global = env.regions.len() > 1;
    let global_id_name = global_id(env, "aurora");
    let primary_stack = stack_name(env, Layer::Aurora, &env.primary().code);
    let mut stacks = Vec::new();
    for r in &env.regions {
        let mut s = member_stack(
            env,
            Layer::Aurora,
            r,
            ("Aurora PostgreSQL", "cluster", "the global database", global),
            Out::DatabaseSecurityGroupId,
        );
        let cluster_id = regional_id(env, "aurora", &r.code);
        // Deletion protection makes CloudFormation's rollback of a failed create fail ("Cannot
        // delete protected Cluster", the RDS resource provider's delete handler), leaving the
        // stack in ROLLBACK_FAILED with a half-made cluster. A new stack is created without it
        // and deployed again with it on, so a failed first deploy rolls back cleanly and can be
        // run again; the only unprotected time is that of a first deploy, with no data yet.
        s.parameters.push(on_once_created(
            DELETION_PROTECTION,
            "Deletion protection of the Aurora cluster and global database",
            "a rollback cannot delete a protected cluster and would stop in ROLLBACK_FAILED",
        ));
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
                parameters: {
                    let mut p = vec![
                        ("log_min_duration_statement".into(), "1000".into()),
                        ("log_statement".into(), "ddl".into()),
                        ("rds.force_ssl".into(), "1".into()),
                    ];
                    // Aurora's managed RPO is the writer's setting; every cluster carries it so
                    // that it holds wherever the writer moves.
                    if global && a.enforce_rpo.value {
                        let seconds = (env.rpo_minutes.value * 60).max(crate::aws::aurora::GLOBAL_DB_RPO_MIN_SECONDS);
                        p.push(("rds.global_db_rpo".into(), seconds.to_string()));
                    }
                    p
                },
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
                    deletion_protection: V::p(DELETION_PROTECTION),
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
                    at: At {
                        stack: primary_stack.clone(),
                        id: "global_cluster".into(),
                    },
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
                deletion_protection: V::p(DELETION_PROTECTION),
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
                Out::GlobalClusterId,
                V::r("global_cluster"),
                "The global cluster (`aws rds switchover-global-cluster --global-cluster-identifier`)",
            ));
            // CloudFormation's schema of the global cluster gives its endpoint only as an object
            // (`GlobalEndpoint`; cfn-lint E6101 refuses `GlobalEndpoint.Address`), which an output
            // cannot hold: there, `aws rds describe-global-clusters` gives it (README).
            s.outputs.push(Output {
                backends: Backends::TerraformOnly,
                ..out(
                    Out::GlobalWriterEndpoint,
                    V::attr("global_cluster", Attr::Endpoint),
                    "The global writer endpoint: applications write here, and it follows a switchover",
                )
            });
        }
        s.outputs.push(out(
            Out::ClusterArn,
            V::attr("cluster", Attr::Arn),
            "The Aurora cluster (a `--target-db-cluster-identifier` of a switchover or failover)",
        ));
        s.outputs.push(out(
            Out::ClusterEndpoint,
            V::attr("cluster", Attr::Endpoint),
            "This cluster's own endpoint (it writes only while its region holds the writer; applications write through the global writer endpoint)",
        ));
        s.outputs.push(out(
            Out::ReaderEndpoint,
            V::attr("cluster", Attr::ReaderEndpoint),
            "Reader endpoint",
        ));
        s.resources.push(ssm_parameter(
            env,
            "reader_endpoint_parameter",
            "aurora/reader-endpoint",
            V::attr("cluster", Attr::ReaderEndpoint),
            "This region's Aurora reader endpoint",
        ));
        if global {
            // CloudFormation gives the global writer endpoint only as an object (`GlobalEndpoint`;
            // cfn-lint E1010 refuses `GlobalEndpoint.Address`), so every region publishes the
            // global cluster's id: `rds:DescribeGlobalClusters` on it gives the endpoint.
            s.resources.push(ssm_parameter(
                env,
                "global_cluster_parameter",
                "aurora/global-cluster-id",
                if r.primary {
                    V::r("global_cluster")
                } else {
                    V::s(global_id_name.clone())
                },
                "The Aurora global cluster: DescribeGlobalClusters gives its writer endpoint, which follows a switchover",
            ));
        }
        s.outputs.push(out(
            Out::ClusterResourceId,
            V::attr("cluster", Attr::ClusterResourceId),
            "The cluster's resource id, which IAM database authentication (`rds-db:connect`) names",
        ));
        stacks.push(s);
    }
    stacks
}
