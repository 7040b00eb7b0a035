//! What the runbook needs to know of the plan: the names the stacks create, per region. Read
//! from the plan's own resources, so the runbook names exactly what the stacks make.

use crate::model::Environment;
use crate::naming;
use crate::plan::{Kind, Layer, Plan};

/// A region's managed node group and the sizing the plan gives it now.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeGroup {
    pub cluster: String,
    pub name: String,
    pub min: i64,
    pub max: i64,
    pub desired: i64,
}

impl RegionFacts {
    /// The region's node group, with its cluster and the sizing the plan gives it now.
    pub fn nodes(&self) -> Option<NodeGroup> {
        let (name, min, max, desired) = self.nodegroup.clone()?;
        Some(NodeGroup {
            cluster: self.eks_cluster.clone()?,
            name,
            min,
            max,
            desired,
        })
    }
}

/// The names one region's stacks create.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RegionFacts {
    pub code: String,
    pub aurora_cluster: Option<String>,
    /// The replication group and the ids of its nodes (`<group>-001`, …).
    pub cache_group: Option<(String, Vec<String>)>,
    pub msk_cluster: Option<String>,
    /// The role this region's replicators run as (it may read and write every cluster they
    /// join).
    pub replicator_role: Option<String>,
    eks_cluster: Option<String>,
    /// The node group's name and sizing (min, max, desired).
    nodegroup: Option<(String, i64, i64, i64)>,
    /// The name the region's Route 53 health check probes.
    pub health_check: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facts {
    pub global_cluster: Option<String>,
    /// The Global Datastore's suffix (AWS puts a prefix of its own before it).
    pub datastore_suffix: Option<String>,
    pub regions: Vec<RegionFacts>,
    /// MSK Replicators: (source, target, name).
    pub replicators: Vec<(String, String, String)>,
}

impl Facts {
    pub fn of(env: &Environment, plan: &Plan) -> Facts {
        let mut f = Facts::default();
        for code in &plan.regions {
            f.regions.push(RegionFacts {
                code: code.clone(),
                ..RegionFacts::default()
            });
        }
        // The health checks live in the dns stack (us-east-1, which may be one of the regions).
        let checks: Vec<(&str, &str)> = plan
            .stacks
            .iter()
            .flat_map(|s| &s.resources)
            .filter_map(|res| {
                let Kind::HealthCheck(h) = &res.kind else { return None };
                Some((res.id.as_str(), h.fqdn.as_str()))
            })
            .collect();
        for (id, fqdn) in checks {
            health_check(&mut f, id, fqdn);
        }
        for s in &plan.stacks {
            let Some(r) = f.regions.iter_mut().find(|r| r.code == s.region) else {
                continue;
            };
            for res in &s.resources {
                // Every kind has its arm: a new kind is a decision on whether the runbook's steps
                // name it (the health checks are read above).
                match &res.kind {
                    Kind::GlobalCluster(g) => f.global_cluster = Some(g.id.clone()),
                    Kind::DbCluster(c) => r.aurora_cluster = Some(c.id.clone()),
                    Kind::GlobalReplicationGroup(g) => f.datastore_suffix = Some(g.suffix.clone()),
                    Kind::ReplicationGroup(g) => {
                        let nodes = (1..=1 + g.replicas.max(0))
                            .map(|n| format!("{}-{n:03}", g.id))
                            .collect();
                        r.cache_group = Some((g.id.clone(), nodes));
                    }
                    Kind::MskCluster(c) => r.msk_cluster = Some(c.name.clone()),
                    Kind::IamRole(role) if s.layer == Layer::MskReplication => {
                        r.replicator_role = Some(role.name.clone())
                    }
                    Kind::EksCluster(c) => r.eks_cluster = Some(c.name.clone()),
                    Kind::EksNodegroup(g) => r.nodegroup = Some((g.name.clone(), g.min, g.max, g.desired)),
                    Kind::KmsKey(_)
                    | Kind::KmsAlias(_)
                    | Kind::Vpc(_)
                    | Kind::InternetGateway(_)
                    | Kind::GatewayAttachment(_)
                    | Kind::Subnet(_)
                    | Kind::Eip(_)
                    | Kind::NatGateway(_)
                    | Kind::RouteTable(_)
                    | Kind::Route(_)
                    | Kind::RouteTableAssociation(_)
                    | Kind::SecurityGroup(_)
                    | Kind::SecurityGroupIngress(_)
                    | Kind::DefaultSecurityGroupLockdown(_)
                    | Kind::LogGroup(_)
                    | Kind::IamRole(_)
                    | Kind::FlowLog(_)
                    | Kind::PeeringConnection(_)
                    | Kind::PeeringAccepter(_)
                    | Kind::KmsReplicaKey(_)
                    | Kind::Bucket(_)
                    | Kind::BucketPolicy(_)
                    | Kind::SsmParameter(_)
                    | Kind::DbSecret(_)
                    | Kind::DbPasswordEphemeral(_)
                    | Kind::DbSubnetGroup(_)
                    | Kind::DbClusterParameterGroup(_)
                    | Kind::DbInstance(_)
                    | Kind::CacheSubnetGroup(_)
                    | Kind::CacheParameterGroup(_)
                    | Kind::CacheAuthSecret(_)
                    | Kind::CacheUser(_)
                    | Kind::CacheUserGroup(_)
                    | Kind::MskClusterPolicy(_)
                    | Kind::MskReplicator(_)
                    | Kind::EksAddon(_)
                    | Kind::EksAccessEntry(_)
                    | Kind::EksPodIdentityAssociation(_)
                    | Kind::LoadBalancer(_)
                    | Kind::TargetGroup(_)
                    | Kind::Listener(_)
                    | Kind::Certificate(_)
                    | Kind::WebAcl(_)
                    | Kind::WebAclAssociation(_)
                    | Kind::HealthCheck(_)
                    | Kind::RecordSet(_)
                    | Kind::Topic(_)
                    | Kind::TopicPolicy(_)
                    | Kind::EmailSubscription(_)
                    | Kind::Alarm(_)
                    | Kind::Dashboard(_)
                    | Kind::Budget(_)
                    | Kind::RegionSwitchPlan(_) => {}
                }
            }
        }
        for (src, tgt) in env.replication_pairs() {
            let name = naming::replicator_name(env, &src.code, &tgt.code);
            let in_plan = plan.stacks.iter().any(|s| {
                s.region == tgt.code
                    && s.resources
                        .iter()
                        .any(|r| matches!(&r.kind, Kind::MskReplicator(m) if m.name == name))
            });
            if in_plan {
                f.replicators.push((src.code.clone(), tgt.code.clone(), name));
            }
        }
        f
    }

    pub fn region(&self, code: &str) -> Option<&RegionFacts> {
        self.regions.iter().find(|r| r.code == code)
    }

    /// The replicator that copies from `src` into `tgt`, if one does.
    pub fn replicator(&self, src: &str, tgt: &str) -> Option<&str> {
        self.replicators
            .iter()
            .find(|(s, t, _)| s == src && t == tgt)
            .map(|(_, _, n)| n.as_str())
    }
}

/// The dns stack names each region's health check `health_check_<short code>`.
fn health_check(f: &mut Facts, id: &str, fqdn: &str) {
    let Some(short) = id.strip_prefix("health_check_") else {
        return;
    };
    if let Some(r) = f.regions.iter_mut().find(|r| naming::short_code(&r.code) == short) {
        r.health_check = Some(fqdn.to_string());
    }
}
