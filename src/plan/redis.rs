//! The `redis` layer: per region a replication group with its subnet group, parameter group,
//! slow log and access control (RBAC users, or the AUTH secret of a Global Datastore), and the
//! Global Datastore.

use super::layer::Layer;
use super::parts::*;
use super::types::*;
use super::values::*;
use crate::model::raw::CacheEngine;
use crate::model::Environment;
use crate::naming::{global_id, regional_id};
use crate::plan::kinds::*;

pub(super) fn cache_family(engine: CacheEngine, version: &str) -> String {
    let major = version.split('.').next().unwrap_or("7");
    match engine {
        CacheEngine::Valkey => format!("valkey{major}"),
        CacheEngine::Redis if major == "7" => "redis7".into(),
        CacheEngine::Redis => format!("redis{}", version.split('.').take(2).collect::<Vec<_>>().join(".")),
    }
}

pub(super) fn redis(env: &Environment) -> Vec<Stack> {
    let Some(c) = &env.redis else { return Vec::new() };
    let global = env.regions.len() > 1;
    let engine = match c.engine.value {
        CacheEngine::Redis => "redis",
        CacheEngine::Valkey => "valkey",
    };
    let primary_stack = stack_name(env, Layer::Redis, &env.primary().code);
    let mut stacks = Vec::new();
    for r in &env.regions {
        let mut s = member_stack(
            env,
            Layer::Redis,
            r,
            ("ElastiCache", "replication group", "the Global Datastore", global),
            Out::CacheSecurityGroupId,
        );
        if !r.primary {
            s.parameters.push(param(
                "GlobalReplicationGroupId",
                &primary_stack,
                Out::GlobalReplicationGroupId,
            ));
        }
        let group_id = regional_id(env, "redis", &r.code);
        s.resources.push(res(
            "subnet_group",
            Kind::CacheSubnetGroup(CacheSubnetGroup {
                name: group_id.clone(),
                subnets: V::p("PrivateSubnetIds"),
            }),
        ));
        s.resources.push(res(
            "slow_log_group",
            Kind::LogGroup(LogGroup {
                name: format!("/mrgen/{group_id}"),
                retention_days: LOG_RETENTION_DAYS,
                kms_key: V::p("KmsKeyArn"),
            }),
        ));
        // A Global Datastore's members are moved by AWS to a `global-datastore-*` parameter group
        // that it manages; a group of mrgen's would drift there, so it is rendered only for a
        // cache of one region (the README says what a later change needs on a datastore).
        if !global {
            s.resources.push(res(
                "parameter_group",
                Kind::CacheParameterGroup(CacheParameterGroup {
                    name: group_id.clone(),
                    family: cache_family(c.engine.value, &c.engine_version.value),
                    parameters: vec![("maxmemory-policy".into(), maxmemory(c.maxmemory_policy).into())],
                }),
            ));
        }
        if global {
            if r.primary {
                let replicas = secondary_keys(env, &mut s);
                s.resources.push(retained(
                    "auth_secret",
                    Kind::CacheAuthSecret(CacheAuthSecret {
                        name: format!("{}/redis-auth", global_id(env, "mrgen")),
                        kms_key: V::p("KmsKeyArn"),
                        replica_regions: replicas,
                    }),
                    Retain::Retain,
                ));
            }
        } else {
            s.resources.push(res(
                "app_user",
                Kind::CacheUser(CacheUser {
                    id: regional_id(env, "cache-app", &r.code),
                    name: regional_id(env, "cache-app", &r.code),
                    engine: "redis".into(),
                    access: "on ~* +@all -@dangerous".into(),
                    iam: true,
                }),
            ));
            s.resources.push(res(
                "default_user",
                Kind::CacheUser(CacheUser {
                    id: regional_id(env, "cache-off", &r.code),
                    name: "default".into(),
                    engine: "redis".into(),
                    access: "off -@all".into(),
                    iam: false,
                }),
            ));
            s.resources.push(res(
                "user_group",
                Kind::CacheUserGroup(CacheUserGroup {
                    id: group_id.clone(),
                    engine: "redis".into(),
                    users: vec![V::r("default_user"), V::r("app_user")],
                }),
            ));
        }
        s.resources.push(retained(
            "replication_group",
            Kind::ReplicationGroup(ReplicationGroup {
                id: group_id.clone(),
                primary: r.primary,
                engine: engine.into(),
                engine_version: c.engine_version.value.clone(),
                node_type: c.node_type.value.clone(),
                replicas: r.redis_replicas.value,
                subnet_group: V::r("subnet_group"),
                security_groups: vec![V::p("CacheSecurityGroupId")],
                kms_key: V::p("KmsKeyArn"),
                parameter_group: (!global).then(|| V::r("parameter_group")),
                user_group: (!global).then(|| V::r("user_group")),
                auth_secret: (global && r.primary).then(|| V::r("auth_secret")),
                global_group: (!r.primary).then(|| V::p("GlobalReplicationGroupId")),
                in_global: global,
                snapshot_retention_days: c.snapshot_retention_days,
                maintenance_window: c.maintenance_window.value.clone(),
                log_group: V::r("slow_log_group"),
            }),
            Retain::Snapshot,
        ));
        if r.primary && global {
            s.resources.push(retained(
                "global_replication_group",
                Kind::GlobalReplicationGroup(GlobalReplicationGroup {
                    suffix: global_id(env, "redis"),
                    primary_group: V::r("replication_group"),
                    engine_version: c.engine_version.value.clone(),
                    description: format!("{} {} Global Datastore", env.prefix, env.name),
                }),
                Retain::Retain,
            ));
            s.outputs.push(out(
                Out::GlobalReplicationGroupId,
                V::attr("global_replication_group", Attr::GlobalReplicationGroupId),
                "The Global Datastore's full id (AWS adds a prefix to the suffix)",
            ));
        }
        s.outputs.push(out(
            Out::ReplicationGroupId,
            V::r("replication_group"),
            "This region's replication group",
        ));
        s.outputs.push(out(
            Out::PrimaryEndpoint,
            V::attr("replication_group", Attr::Endpoint),
            "Primary endpoint address (TLS, port 6379)",
        ));
        s.resources.push(ssm_parameter(
            env,
            "endpoint_parameter",
            "cache/endpoint",
            V::attr("replication_group", Attr::Endpoint),
            "This region's cache endpoint (TLS, port 6379; writes go to the Global Datastore's primary region)",
        ));
        stacks.push(s);
    }
    stacks
}

pub(super) fn maxmemory(p: crate::model::raw::MaxmemoryPolicy) -> &'static str {
    use crate::model::raw::MaxmemoryPolicy as M;
    match p {
        M::VolatileLru => "volatile-lru",
        M::AllkeysLru => "allkeys-lru",
        M::VolatileLfu => "volatile-lfu",
        M::AllkeysLfu => "allkeys-lfu",
        M::VolatileRandom => "volatile-random",
        M::AllkeysRandom => "allkeys-random",
        M::VolatileTtl => "volatile-ttl",
        M::Noeviction => "noeviction",
    }
}
