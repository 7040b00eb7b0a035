//! Region rules: MR101 unknown code, MR102 duplicate secondary, MR103 too many secondaries for a
//! component, MR104 component not known to be available in a region, MR511 a writer that is not
//! one of the environment's regions.

use crate::aws::{aurora, elasticache, regions};
use crate::finding::{Finding, RuleId};
use crate::model::raw::MskReplication;
use crate::model::{Document, Environment};
use crate::path::KeyPath;
use crate::suggest;

/// MR101 for a region code written at `path`; true when the code is known.
pub fn known(code: &str, path: &KeyPath, out: &mut Vec<Finding>) -> bool {
    if regions::find(code).is_some() {
        return true;
    }
    let dym = suggest::did_you_mean(code, regions::codes());
    out.push(Finding::error(
        RuleId::MR101,
        path.clone(),
        format!("unknown region code `{code}`"),
        if dym.is_empty() {
            "use a commercial AWS region code such as `us-east-1` or `ap-northeast-1`".to_string()
        } else {
            dym
        },
    ));
    false
}

pub fn check(env: &Environment, doc: &Document, out: &mut Vec<Finding>) {
    writer(env, out);
    let primary = env.primary();
    known(&primary.code, &primary.code_path, out);
    let mut seen: Vec<&str> = Vec::new();
    for (code, path) in &env.listed_secondaries {
        if !known(code, path, out) {
            continue;
        }
        if *code == primary.code {
            out.push(Finding::error(
                RuleId::MR102,
                path.clone(),
                format!("the secondary region `{code}` is the primary region"),
                "a secondary must be another region: remove it or pick a different one",
            ));
        } else if seen.contains(&code.as_str()) {
            out.push(Finding::error(
                RuleId::MR102,
                path.clone(),
                format!("the secondary region `{code}` is listed twice"),
                "list each secondary region once",
            ));
        }
        seen.push(code);
    }
    if let Some(overrides) = &doc.raw.region_overrides {
        for code in overrides.keys() {
            known(code, &env.section("region-overrides").key(code.as_str()), out);
        }
    }

    // MR103: limits on the number of secondary regions.
    let secondaries = env.secondaries().len();
    let sec_path = env.section("regions").key("secondary");
    if env.aurora.is_some() && secondaries > aurora::MAX_SECONDARY_REGIONS {
        out.push(Finding::error(
            RuleId::MR103,
            sec_path.clone(),
            format!(
                "{secondaries} secondary regions, but an Aurora Global Database has at most {} secondary regions",
                aurora::MAX_SECONDARY_REGIONS
            ),
            "list fewer secondaries, or set `aurora.enabled: false`",
        ));
    }
    if env.redis.is_some() && secondaries > elasticache::GLOBAL_DATASTORE_MAX_SECONDARY_REGIONS {
        out.push(Finding::error(
            RuleId::MR103,
            sec_path,
            format!(
                "{secondaries} secondary regions, but an ElastiCache Global Datastore spans at most {} secondary regions",
                elasticache::GLOBAL_DATASTORE_MAX_SECONDARY_REGIONS
            ),
            "list fewer secondaries, or set `redis.enabled: false`",
        ));
    }

    // MR104: availability, from the compiled region table.
    let multi = env.regions.len() > 1;
    let replicating = env
        .msk
        .as_ref()
        .is_some_and(|m| m.replication.value == MskReplication::MskReplicator);
    for r in &env.regions {
        let Some(t) = regions::find(&r.code) else { continue };
        let mut missing = Vec::new();
        if multi && env.aurora.is_some() && !t.aurora_global {
            missing.push(("Aurora Global Database", "set `aurora.enabled: false`"));
        }
        if multi && env.redis.is_some() && !t.global_datastore {
            missing.push(("ElastiCache Global Datastore", "set `redis.enabled: false`"));
        }
        if env.msk.is_some() && !t.msk {
            missing.push(("Amazon MSK", "set `msk.enabled: false`"));
        }
        if multi && replicating && !t.msk_replicator {
            missing.push(("MSK Replicator", "set `msk.replication: none`"));
        }
        if env.eks.is_some() && !t.eks {
            missing.push(("Amazon EKS", "set `eks.enabled: false`"));
        }
        for (what, fix) in missing {
            out.push(Finding::warning(
                RuleId::MR104,
                r.code_path.clone(),
                format!(
                    "{what} is not known to be available in {} ({}) as of the tables of {}",
                    r.code,
                    t.city,
                    crate::aws::TABLES_AS_OF
                ),
                format!("pick another region, or {fix}; if AWS has launched it there since, this warning is stale"),
            ));
        }
    }
}

/// MR511: the writer must be one of the regions rendered.
fn writer(env: &Environment, out: &mut Vec<Finding>) {
    let w = &env.writer;
    if env.regions.iter().any(|r| r.code == w.value) {
        return;
    }
    let codes: Vec<&str> = env.regions.iter().map(|r| r.code.as_str()).collect();
    let listed = env.listed_secondaries.iter().any(|(c, _)| *c == w.value);
    let (message, help) = if listed {
        (
            format!(
                "the writer `{}` is a secondary that is not rendered (`enable-dr` is false)",
                w.value
            ),
            format!("turn `enable-dr` on, or set the writer to `{}`", env.primary().code),
        )
    } else {
        let dym = suggest::did_you_mean(&w.value, codes.iter().copied());
        (
            format!("the writer `{}` is not one of this environment's regions", w.value),
            format!(
                "set it to one of {}{}",
                codes.join(", "),
                if dym.is_empty() {
                    String::new()
                } else {
                    format!(" ({dym})")
                }
            ),
        )
    };
    out.push(Finding::error(RuleId::MR511, w.path.clone(), message, help));
}
