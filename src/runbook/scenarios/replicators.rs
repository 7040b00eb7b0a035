//! The steps that make or keep what a failback needs beyond the stacks: the snapshot of the
//! writes a failover lost, and MSK Replicators the other way.

use super::{page, B, REPLICATOR_TIMEOUT};
use crate::naming::{self, short_code};
use crate::plan::Replication;
use crate::runbook::step::{Call, Done, Params, Step};
use serde_json::json;

/// Before rebuilding the old primary's volume Aurora snapshots it
/// (`rds:unplanned-global-failover-<cluster>-<time>`), a system snapshot that expires with the
/// cluster's backups: keep a copy, which holds the writes the failover lost.
pub(super) fn aurora_failover_snapshot(b: &mut B, old: &str) {
    let Some(id) = b.facts.region(old).and_then(|r| r.aurora_cluster.clone()) else {
        return;
    };
    let prefix = format!("rds:unplanned-global-failover-{id}-");
    let kept = format!("{id}-before-failback");
    let list = Call::new(
        old,
        "rds",
        "describe-db-cluster-snapshots",
        Params::new().s("db-cluster-identifier", &id),
    );
    b.push(Step::lookup(
        &format!("aurora-failover-snapshot-{old}"),
        format!("The snapshot Aurora took of {id} when the failover left it"),
        list.clone(),
        format!("DBClusterSnapshots[?starts_with(DBClusterSnapshotIdentifier, '{prefix}')] | [-1].DBClusterSnapshotIdentifier"),
        "FAILOVER_SNAPSHOT",
    ));
    b.push(
        Step::change(
            &format!("aurora-keep-snapshot-{old}"),
            format!("Copy it to {kept}: it holds the writes the failover lost, and the system snapshot expires"),
            Call::new(
                old,
                "rds",
                "copy-db-cluster-snapshot",
                Params::new()
                    .s("source-db-cluster-snapshot-identifier", "${FAILOVER_SNAPSHOT}")
                    .s("target-db-cluster-snapshot-identifier", &kept),
            ),
            Some(Done {
                call: list,
                until: format!(
                    "length(DBClusterSnapshots[?starts_with(DBClusterSnapshotIdentifier, '{prefix}')]) == `0` || length(DBClusterSnapshots[?DBClusterSnapshotIdentifier == '{kept}']) > `0`"
                ),
            }),
        )
        .cite(page::AURORA),
    );
}

/// The role a replicator made by the runbook runs as: the stacks' replicator role of either
/// region, which may read and write both clusters.
pub(super) fn made_replicator_role(b: &B, src: &str, tgt: &str) -> Option<String> {
    [src, tgt]
        .iter()
        .find_map(|r| b.facts.region(r).and_then(|f| f.replicator_role.clone()))
}

/// An MSK Replicator from `now` into `old` where the stacks have none (AWS's failback, step 1:
/// from the earliest offset, identical topic names), and a wait until it runs.
pub(super) fn replicator(b: &mut B, now: &str, old: &str) {
    if b.facts.replicator(now, old).is_some() {
        return;
    }
    let (Some(src), Some(tgt), Some(role)) = (
        b.facts.region(now).and_then(|r| r.msk_cluster.clone()),
        b.facts.region(old).and_then(|r| r.msk_cluster.clone()),
        made_replicator_role(b, now, old),
    ) else {
        return;
    };
    // The stacks' replicators' settings (`Replication::new`), read from the earliest offset: the
    // way back must not skip what was written during the outage.
    let back = Replication {
        starting_position: Some("EARLIEST"),
        ..Replication::new(
            b.env
                .msk
                .as_ref()
                .map(|m| m.topics.iter().map(|t| t.value.clone()).collect())
                .unwrap_or_default(),
        )
    };
    let name = naming::replicator_name(b.env, now, old);
    for (region, cluster) in [(now, &src), (old, &tgt)] {
        let up = short_code(region).to_uppercase();
        b.push(Step::lookup(
            &format!("msk-arn-{region}"),
            format!("The ARN of {region}'s MSK cluster {cluster}"),
            Call::new(
                region,
                "kafka",
                "list-clusters-v2",
                Params::new().s("cluster-name-filter", cluster),
            ),
            format!("ClusterInfoList[?ClusterName == '{cluster}'].ClusterArn | [0]"),
            &format!("MSK_{up}"),
        ));
        let describe = Call::new(
            region,
            "kafka",
            "describe-cluster-v2",
            Params::new().s("cluster-arn", format!("${{MSK_{up}}}")),
        );
        b.push(
            Step::lookup(
                &format!("msk-subnets-{region}"),
                format!("The client subnets of {cluster}"),
                describe.clone(),
                "ClusterInfo.Provisioned.BrokerNodeGroupInfo.ClientSubnets",
                &format!("SUBNETS_{up}"),
            )
            .json(),
        );
        b.push(
            Step::lookup(
                &format!("msk-groups-{region}"),
                format!("The security groups of {cluster}"),
                describe,
                "ClusterInfo.Provisioned.BrokerNodeGroupInfo.SecurityGroups",
                &format!("GROUPS_{up}"),
            )
            .json(),
        );
    }
    let (ns, no) = (short_code(now).to_uppercase(), short_code(old).to_uppercase());
    let cluster = |up: &str| {
        json!({
            "AmazonMskCluster": {"MskClusterArn": format!("${{MSK_{up}}}")},
            "VpcConfig": {"SubnetIds": format!("${{SUBNETS_{up}}}"), "SecurityGroupIds": format!("${{GROUPS_{up}}}")},
        })
    };
    let list = Call::new(
        old,
        "kafka",
        "list-replicators",
        Params::new().s("replicator-name-filter", &name),
    );
    b.push(
        Step::change(
            &format!("msk-replicate-back-{old}"),
            format!("Create MSK Replicator {name}, copying {now}'s topics and consumer groups back into {old} from the earliest offset"),
            Call::new(
                old,
                "kafka",
                "create-replicator",
                Params::new()
                    .s("replicator-name", &name)
                    .s("service-execution-role-arn", format!("arn:aws:iam::{}:role/{role}", b.account()))
                    .json("kafka-clusters", json!([cluster(&ns), cluster(&no)]))
                    .json(
                        "replication-info-list",
                        json!([back.api(json!(format!("${{MSK_{ns}}}")), json!(format!("${{MSK_{no}}}")))]),
                    ),
            ),
            Some(Done {
                call: list.clone(),
                until: format!("length(Replicators[?ReplicatorName == '{name}']) > `0`"),
            }),
        )
        .cite(page::MSK),
    );
    b.push(Step::wait(
        &format!("msk-replicating-back-{old}"),
        format!("MSK Replicator {name} is running"),
        list,
        format!("contains(Replicators[?ReplicatorName == '{name}'].ReplicatorState, 'RUNNING')"),
        REPLICATOR_TIMEOUT,
    ));
}

/// After the switch: a replicator the runbook made from `now` into `old` has served (AWS's
/// failback, step 6) and goes.
pub(super) fn delete_made_replicator(b: &mut B, now: &str, old: &str) {
    if b.facts.replicator(now, old).is_some() || made_replicator_role(b, now, old).is_none() {
        return;
    }
    if b.facts.region(old).and_then(|r| r.msk_cluster.as_ref()).is_none() {
        return;
    }
    let name = naming::replicator_name(b.env, now, old);
    let list = Call::new(
        old,
        "kafka",
        "list-replicators",
        Params::new().s("replicator-name-filter", &name),
    );
    b.push(Step::lookup(
        &format!("msk-replicator-back-arn-{old}"),
        format!("The ARN of MSK Replicator {name}"),
        list.clone(),
        format!("Replicators[?ReplicatorName == '{name}'].ReplicatorArn | [0]"),
        "REPLICATOR_BACK",
    ));
    b.push(Step::change(
        &format!("msk-delete-replicator-back-{old}"),
        format!("Delete MSK Replicator {name}: the switch is done, and the replicator back into {now} copies what {old} produces"),
        Call::new(old, "kafka", "delete-replicator", Params::new().s("replicator-arn", "${REPLICATOR_BACK}")),
        Some(Done {
            call: list,
            until: format!("length(Replicators[?ReplicatorName == '{name}' && ReplicatorState != 'DELETING']) == `0`"),
        }),
    ));
}
