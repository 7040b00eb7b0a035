//! The steps of each scenario, in the order AWS documents them (each step cites its page).
//!
//! Every scenario starts with what it must know (the account, the Global Datastore's full id,
//! the health checks' ids) and with checks that change nothing; then it changes one data store
//! at a time, each followed by a wait for AWS to report the new state; and it ends with checks
//! that each writer is where it should be and the manual step that makes the next render agree.
//! A change is skipped when its own "done" condition already holds, so a run stopped half-way
//! can simply be started again.

use super::facts::Facts;
use super::step::{Call, Done, Params, Step};
use super::Kind;
use crate::model::raw::Mode;
use crate::model::Environment;
use crate::naming::{self, short_code};
use serde_json::json;

mod checks;
mod replicators;
pub use checks::drill;
use replicators::{aurora_failover_snapshot, delete_made_replicator, made_replicator_role, replicator};

/// Pages behind the order and the operations of the steps.
mod page {
    /// Switchover (formerly "managed planned failover") and managed failover with
    /// `--allow-data-loss`; the old primary rejoins as a secondary once its region recovers.
    pub const AURORA: &str =
        "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html";
    /// `AuroraGlobalDBRPOLag`: how far a secondary is behind for user transactions (ms).
    pub const AURORA_METRICS: &str =
        "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html";
    /// Promoting a secondary cluster to primary (`failover-global-replication-group`).
    pub const DATASTORE: &str =
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Redis-Global-Datastores-Console.html";
    pub const DATASTORE_METRICS: &str =
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.Redis.html";
    /// Planned failover, unplanned failover and failback with MSK Replicator.
    pub const MSK: &str = "https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-perform-failover.html";
    pub const MSK_METRICS: &str =
        "https://docs.aws.amazon.com/msk/latest/developerguide/msk-replicator-metrics-ref.html";
    /// Scaling a managed node group (`update-nodegroup-config`).
    pub const EKS: &str = "https://docs.aws.amazon.com/eks/latest/userguide/update-managed-node-group.html";
    /// The health check's status, as Route 53 decides it (1 healthy, 0 not), in us-east-1.
    pub const ROUTE53: &str =
        "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-check-status.html";
    pub const ROUTE53_FAILOVER: &str =
        "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-how-route-53-chooses-records.html";
}

/// Route 53's control plane and its CloudWatch metrics live in us-east-1.
const GLOBAL_REGION: &str = "us-east-1";
/// Polling limits (a wait that passes them stops the script with what it was waiting for).
const AURORA_TIMEOUT: u64 = 1800;
const DATASTORE_TIMEOUT: u64 = 1800;
const NODES_TIMEOUT: u64 = 1200;
const DNS_TIMEOUT: u64 = 600;
const MSK_TIMEOUT: u64 = 900;
/// Creating a replicator takes tens of minutes.
const REPLICATOR_TIMEOUT: u64 = 3600;
/// A failed region's old primary cluster rejoins only once its region is back.
const REJOIN_TIMEOUT: u64 = 7200;

struct B<'a> {
    env: &'a Environment,
    facts: &'a Facts,
    steps: Vec<Step>,
    /// us-east-1 is down: no step reads Route 53 or its metrics.
    no_route53: bool,
}

impl B<'_> {
    fn push(&mut self, s: Step) {
        self.steps.push(s);
    }

    /// The account as the ARNs write it: the environment's, or the one the credentials are for.
    fn account(&self) -> String {
        match &self.env.account {
            Some(a) => a.clone(),
            None => "${ACCOUNT}".into(),
        }
    }

    fn aurora_arn(&self, region: &str) -> Option<String> {
        let id = self.facts.region(region)?.aurora_cluster.as_ref()?;
        Some(format!("arn:aws:rds:{region}:{}:cluster:{id}", self.account()))
    }

    fn active_passive(&self) -> bool {
        self.env.mode == Mode::ActivePassive
    }

    fn rpo_seconds(&self) -> i64 {
        self.env.rpo_minutes.value * 60
    }

    fn workload(&self) -> String {
        match &self.env.eks {
            Some(e) => format!("namespace `{}`", e.workload.namespace),
            None => "the application".into(),
        }
    }

    /// Which account the credentials are for: checked against `account`, else kept for ARNs.
    fn identity(&mut self, region: &str) {
        let c = Call::new(region, "sts", "get-caller-identity", Params::new());
        match self.env.account.clone() {
            Some(a) => self.push(Step::check(
                "account",
                format!("The AWS credentials are for account {a}"),
                c,
                format!("Account == '{a}'"),
            )),
            None => self.push(Step::lookup(
                "account",
                "Which account the AWS credentials are for",
                c,
                "Account",
                "ACCOUNT",
            )),
        }
    }

    /// The Global Datastore's full id: AWS puts a prefix of its own before the suffix.
    fn datastore_id(&mut self, region: &str) {
        let Some(suffix) = self.facts.datastore_suffix.clone() else {
            return;
        };
        self.push(
            Step::lookup(
                "datastore-id",
                "The Global Datastore's full id (AWS adds a prefix to its suffix)",
                Call::new(region, "elasticache", "describe-global-replication-groups", Params::new()),
                format!("GlobalReplicationGroups[?ends_with(GlobalReplicationGroupId, '-{suffix}')].GlobalReplicationGroupId | [0]"),
                "DATASTORE_ID",
            )
            .cite(page::DATASTORE),
        );
    }

    fn health_var(region: &str) -> String {
        format!("HEALTH_CHECK_{}", short_code(region).to_uppercase())
    }

    /// The id of each listed region's Route 53 health check, found by the name it probes.
    fn health_ids(&mut self, regions: &[&str]) {
        for region in regions {
            if self.no_route53 {
                return;
            }
            let Some(fqdn) = self.facts.region(region).and_then(|r| r.health_check.clone()) else {
                continue;
            };
            self.push(Step::lookup(
                &format!("health-check-id-{region}"),
                format!("The id of the Route 53 health check of {region} ({fqdn})"),
                Call::new(GLOBAL_REGION, "route53", "list-health-checks", Params::new()),
                format!("HealthChecks[?HealthCheckConfig.FullyQualifiedDomainName == '{fqdn}'].Id | [0]"),
                &Self::health_var(region),
            ));
        }
    }

    /// Scales the new writer region's node group to the writer's sizing (what `<ENV>` gives the
    /// writer's region, SPEC section 5.4), and waits for the nodes.
    fn scale_up(&mut self, sizing_of: &str, region: &str) {
        let (Some(to), Some(size)) = (
            self.facts.region(region).and_then(|r| r.nodes()),
            self.facts.region(sizing_of).and_then(|r| r.nodes()),
        ) else {
            return;
        };
        let scaling = json!({"minSize": size.min, "maxSize": size.max, "desiredSize": size.desired});
        let describe = Self::nodegroup_call(region, &to);
        self.push(
            Step::change(
                &format!("scale-nodes-{region}"),
                format!(
                    "Scale the node group {} to the writer's sizing (min {}, max {}, desired {})",
                    to.name, size.min, size.max, size.desired
                ),
                Call::new(
                    region,
                    "eks",
                    "update-nodegroup-config",
                    Params::new()
                        .s("cluster-name", &to.cluster)
                        .s("nodegroup-name", &to.name)
                        .json("scaling-config", scaling),
                ),
                Some(Done {
                    call: describe.clone(),
                    until: format!(
                        "nodegroup.scalingConfig.minSize == `{}` && nodegroup.scalingConfig.maxSize == `{}` && nodegroup.scalingConfig.desiredSize == `{}`",
                        size.min, size.max, size.desired
                    ),
                }),
            )
            .cite(page::EKS),
        );
        self.push(Step::waiter(
            &format!("nodes-updated-{region}"),
            format!("The node group {} is active again", to.name),
            Call::new(
                region,
                "eks",
                "wait",
                Params::new()
                    .s("cluster-name", &to.cluster)
                    .s("nodegroup-name", &to.name),
            ),
            "nodegroup-active",
            NODES_TIMEOUT,
        ));
        let asg = format!("NODES_{}", short_code(region).to_uppercase());
        self.push(Step::lookup(
            &format!("nodes-group-{region}"),
            format!("The Auto Scaling group of {}", to.name),
            describe,
            "nodegroup.resources.autoScalingGroups[0].name",
            &asg,
        ));
        self.push(Step::wait(
            &format!("nodes-in-service-{region}"),
            format!("{} nodes are in service in {region}", size.desired),
            Call::new(
                region,
                "autoscaling",
                "describe-auto-scaling-groups",
                Params::new().json("auto-scaling-group-names", json!([format!("${{{asg}}}")])),
            ),
            format!(
                "length(AutoScalingGroups[0].Instances[?LifecycleState == 'InService' && HealthStatus == 'Healthy']) >= `{}`",
                size.desired
            ),
            NODES_TIMEOUT,
        ));
    }

    fn global_cluster_call(&self, region: &str) -> Option<Call> {
        let g = self.facts.global_cluster.as_ref()?;
        Some(Call::new(
            region,
            "rds",
            "describe-global-clusters",
            Params::new().s("global-cluster-identifier", g),
        ))
    }

    fn aurora_writer_is(&self, region: &str) -> Option<String> {
        Some(format!(
            "GlobalClusters[0].Status == 'available' && contains(GlobalClusters[0].GlobalClusterMembers[?IsWriter].DBClusterArn, '{}')",
            self.aurora_arn(region)?
        ))
    }

    /// Moves the Aurora writer from `from` to `to`: a switchover (no data loss), called in the
    /// current primary's region, or a failover, called in the target's (the Aurora page's CLI
    /// examples).
    fn aurora(&mut self, from: &str, to: &str, failover: bool) {
        let (Some(g), Some(arn), Some(describe), Some(done)) = (
            self.facts.global_cluster.clone(),
            self.aurora_arn(to),
            self.global_cluster_call(to),
            self.aurora_writer_is(to),
        ) else {
            return;
        };
        let params = Params::new()
            .s("global-cluster-identifier", &g)
            .s("target-db-cluster-identifier", &arn);
        let (op, params, title) = if failover {
            (
                "failover-global-cluster",
                params.flag("allow-data-loss"),
                format!("Fail the Aurora global database over to {to}, accepting the loss of what had not replicated"),
            )
        } else {
            (
                "switchover-global-cluster",
                params,
                format!("Switch the Aurora global database's writer over to {to} (no data loss)"),
            )
        };
        let done = Done {
            call: describe.clone(),
            until: done,
        };
        let region = if failover { to } else { from };
        self.push(
            Step::change(
                &format!("aurora-{to}"),
                title,
                Call::new(region, "rds", op, params),
                Some(done.clone()),
            )
            .cite(page::AURORA),
        );
        self.push(
            Step::wait(
                &format!("aurora-writer-{to}"),
                format!("The Aurora writer is in {to}"),
                describe,
                done.until,
                AURORA_TIMEOUT,
            )
            .cite(page::AURORA),
        );
        if let Some(id) = self.facts.region(to).and_then(|r| r.aurora_cluster.clone()) {
            self.push(Step::waiter(
                &format!("aurora-available-after-{to}"),
                format!("The Aurora cluster {id} is available"),
                Call::new(to, "rds", "wait", Params::new().s("db-cluster-identifier", &id)),
                "db-cluster-available",
                AURORA_TIMEOUT,
            ));
        }
    }

    fn datastore_call(region: &str) -> Call {
        Call::new(
            region,
            "elasticache",
            "describe-global-replication-groups",
            Params::new()
                .s("global-replication-group-id", "${DATASTORE_ID}")
                .flag("show-member-info"),
        )
    }

    fn datastore_primary_is(region: &str) -> String {
        format!(
            "GlobalReplicationGroups[0].Status == 'available' && contains(GlobalReplicationGroups[0].Members[?Role == 'PRIMARY'].ReplicationGroupRegion, '{region}')"
        )
    }

    /// Promotes `to`'s replication group to the Global Datastore's primary.
    fn datastore(&mut self, to: &str) {
        let (Some(_), Some((group, _))) = (
            self.facts.datastore_suffix.clone(),
            self.facts.region(to).and_then(|r| r.cache_group.clone()),
        ) else {
            return;
        };
        let describe = Self::datastore_call(to);
        let until = Self::datastore_primary_is(to);
        self.push(
            Step::change(
                &format!("datastore-{to}"),
                format!("Promote {group} in {to} to the Global Datastore's primary"),
                Call::new(
                    to,
                    "elasticache",
                    "failover-global-replication-group",
                    Params::new()
                        .s("global-replication-group-id", "${DATASTORE_ID}")
                        .s("primary-region", to)
                        .s("primary-replication-group-id", &group),
                ),
                Some(Done {
                    call: describe.clone(),
                    until: until.clone(),
                }),
            )
            .cite(page::DATASTORE),
        );
        self.push(
            Step::wait(
                &format!("datastore-primary-{to}"),
                format!("The Global Datastore's primary is in {to}"),
                describe,
                until,
                DATASTORE_TIMEOUT,
            )
            .cite(page::DATASTORE),
        );
    }

    fn stop_application(&mut self, region: &str) {
        let cluster = self.facts.region(region).and_then(|r| r.nodes().map(|n| n.cluster));
        let how = match (&self.env.eks, cluster) {
            (Some(e), Some(c)) => format!(
                " (`kubectl --context <{c}> -n {} scale deployment --all --replicas=0`)",
                e.workload.namespace
            ),
            _ => String::new(),
        };
        self.push(Step::manual(
            &format!("stop-application-{region}"),
            format!(
                "Stop the application in {region}, {}{how}: its writes stop, and its health check fails so Route 53 sends its traffic elsewhere",
                self.workload()
            ),
        ));
    }

    /// MSK, before the switch: with the producers in `from` stopped, the replicator into `to`
    /// has copied everything (AWS's planned failover).
    fn msk_drain(&mut self, from: &str, to: &str) {
        if self.facts.region(to).and_then(|r| r.msk_cluster.as_ref()).is_none() {
            return;
        }
        let name = naming::replicator_name(self.env, from, to);
        if self.facts.replicator(from, to).is_none() && made_replicator_role(self, from, to).is_none() {
            return;
        }
        self.push(
            Step::wait(
                &format!("msk-drained-{to}"),
                format!("MSK Replicator {name} has copied every message (MessageLag 0)"),
                Self::metric_call(
                    to,
                    "AWS/Kafka",
                    "MessageLag",
                    &[("ReplicatorName", name.clone())],
                    "Maximum",
                ),
                "MetricDataResults[0].Values[0] == `0`",
                MSK_TIMEOUT,
            )
            .cite(page::MSK),
        );
    }

    /// MSK, after the switch: consumers and producers move to `to`'s cluster, whose topics have
    /// the same names.
    fn msk_move(&mut self, from: &str, to: &str, lossless: bool) {
        if self.facts.region(to).and_then(|r| r.msk_cluster.as_ref()).is_none() {
            return;
        }
        let lost = if lossless {
            String::new()
        } else {
            format!("; messages produced in {from} and not yet copied stay in its cluster until it is back")
        };
        self.push(
            Step::manual(
                &format!("msk-consumers-{to}"),
                format!(
                    "Run the application's Kafka consumers and producers against {to}'s MSK cluster (its bootstrap brokers are in Parameter Store, `/{}/{}/msk/bootstrap-brokers`): topics have the same names there and consumer offsets were copied{lost}",
                    self.env.prefix, self.env.name
                ),
            )
            .cite(page::MSK),
        );
    }

    /// The writers are where the scenario put them.
    fn verify(&mut self, to: &str) {
        if let (Some(c), Some(until)) = (self.global_cluster_call(to), self.aurora_writer_is(to)) {
            self.push(Step::check(
                &format!("verify-aurora-{to}"),
                format!("The Aurora global database's writer is in {to}"),
                c,
                until,
            ));
        }
        if self.facts.datastore_suffix.is_some() && self.facts.region(to).is_some_and(|r| r.cache_group.is_some()) {
            self.push(Step::check(
                &format!("verify-datastore-{to}"),
                format!("The Global Datastore's primary is in {to}"),
                Self::datastore_call(to),
                Self::datastore_primary_is(to),
            ));
        }
    }

    /// Route 53's API and its health checks' metrics are in us-east-1: when that is the region
    /// that is down, a person checks from outside instead (the DNS answers themselves come from
    /// Route 53's data plane, which has no home region).
    fn route53_down(&mut self, down: &str) {
        if down != GLOBAL_REGION || self.facts.region(down).is_none_or(|r| r.health_check.is_none()) {
            return;
        }
        let names: Vec<String> = self
            .env
            .route53
            .iter()
            .flat_map(|r| r.records.iter().map(|x| x.fqdn.clone()))
            .collect();
        self.push(Step::manual(
            "route53-from-outside",
            format!(
                "Route 53's API and health-check metrics are in {GLOBAL_REGION}, which is down: check from outside that the names ({}) answer with the surviving region's load balancer (`dig +short <name>`)",
                names.join(", ")
            ),
        ));
    }

    fn set_writer(&mut self, to: &str, note: &str) {
        self.push(Step::manual(
            "set-writer",
            format!(
                "Set `multi-region.writer: {to}` in the environment file, run `mrgen render {}`, review and commit, and deploy{note}: the next deploy then sizes the node groups, points the failover records' PRIMARY at {to} and moves the lag alarms, instead of undoing this",
                self.env.name
            ),
        ));
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum LagUse {
    Refuse,
    Report,
    Warn,
}

/// The steps of a switchover, failover or failback; `from` holds the writer when it starts.
pub fn steps(env: &Environment, facts: &Facts, kind: Kind, from: &str, to: &str) -> Vec<Step> {
    let mut b = B {
        env,
        facts,
        steps: Vec::new(),
        no_route53: kind == Kind::Failover && from == GLOBAL_REGION,
    };
    b.identity(to);
    b.datastore_id(to);
    b.health_ids(&[from, to]);
    match kind {
        Kind::Switchover => switchover(&mut b, from, to),
        Kind::Failover => {
            b.lags(from, to, LagUse::Report);
            b.healthy(to, false, false);
            b.route53_down(from);
            b.capacity(to, false);
            b.scale_up(from, to);
            b.aurora(from, to, true);
            b.datastore(to);
            b.msk_move(from, to, false);
            b.unhealthy(from);
            b.healthy(to, true, false);
            b.verify(to);
            b.set_writer(
                to,
                &format!(
                    " only the stacks of {to} and us-east-1 while {from}'s API is down (Terraform: `terraform -chdir=terraform/<stack> apply` per stack; CloudFormation: `aws cloudformation deploy` per stack, in the manifest's order)"
                ),
            );
        }
        Kind::Failback => {
            // `from` is the region the failover went to; `to` the old writer's, back again.
            failback_rebuild(&mut b, from, to);
            // The old writer's region takes the writer's sizing again (the plan's, rendered
            // for it).
            switchover(&mut b, from, to);
        }
        Kind::Drill => {}
    }
    b.steps
}

/// The planned move of every writer from `from` to `to`; `to` takes the node group sizing the
/// plan gives the writer's region.
fn switchover(b: &mut B, from: &str, to: &str) {
    let sizing_of = b.env.writer().code.clone();
    b.lags(from, to, LagUse::Refuse);
    b.healthy(to, false, false);
    b.capacity(to, false);
    b.scale_up(&sizing_of, to);
    let ap = b.active_passive();
    // MSK: a replicator copies `from` into `to` (the stacks', or one made for the way back,
    // which failback makes from the earliest offset), and one copies `to` back into `from` so
    // that what is produced after the switch reaches the old writer too (AWS's planned
    // failover, step 2).
    replicator(b, from, to);
    replicator(b, to, from);
    if ap {
        b.stop_application(from);
    }
    if ap {
        b.msk_drain(from, to);
    }
    b.aurora(from, to, false);
    b.datastore(to);
    b.msk_move(from, to, true);
    if ap {
        b.unhealthy(from);
    }
    b.healthy(to, true, false);
    b.verify(to);
    delete_made_replicator(b, from, to);
    let restart = if ap {
        format!("; then start the application in {from} again, as the standby")
    } else {
        String::new()
    };
    b.set_writer(to, &restart);
}

/// Before switching back: the old writer's region is a secondary again for Aurora and the
/// Global Datastore, and MSK replicates back into it.
fn failback_rebuild(b: &mut B, now: &str, old: &str) {
    if let (Some(describe), Some(arn)) = (b.global_cluster_call(now), b.aurora_arn(old)) {
        b.push(
            Step::wait(
                &format!("aurora-rejoined-{old}"),
                format!("{old}'s Aurora cluster has rejoined the global database as a secondary"),
                describe,
                format!(
                    "GlobalClusters[0].Status == 'available' && contains(GlobalClusters[0].GlobalClusterMembers[?!IsWriter && SynchronizationStatus == 'connected'].DBClusterArn, '{arn}')"
                ),
                REJOIN_TIMEOUT,
            )
            .cite(page::AURORA),
        );
    }
    if b.facts.datastore_suffix.is_some() && b.facts.region(old).is_some_and(|r| r.cache_group.is_some()) {
        b.push(
            Step::wait(
                &format!("datastore-rejoined-{old}"),
                format!("{old}'s replication group is a secondary of the Global Datastore again"),
                B::datastore_call(now),
                format!(
                    "GlobalReplicationGroups[0].Status == 'available' && contains(GlobalReplicationGroups[0].Members[?Role == 'SECONDARY' && Status == 'associated'].ReplicationGroupRegion, '{old}')"
                ),
                REJOIN_TIMEOUT,
            )
            .cite(page::DATASTORE),
        );
    }
    aurora_failover_snapshot(b, old);
}
