//! The DR runbook (SPEC section 5.2): for each region other than the writer's a `switchover`
//! (planned, no data loss), a `failover` (the writer's region is down) and a `failback` (after a
//! failover, rebuild the old writer's region as a secondary, then switch back), and one read-only
//! `drill`. Built from the plan, so every name is one the stacks create; written as JSON
//! (`runbook/runbook.json`), as scripts (`runbook/<scenario>-<region>.sh`, `drill.sh`) and as text
//! for a person (`mrgen runbook ENV`).

mod facts;
mod scenarios;
pub mod script;
pub mod step;
pub mod text;

pub use facts::Facts;
pub use step::{Arg, Call, Done, Params, Step};

use crate::estimate::{self, Estimate};
use crate::model::Environment;
use crate::plan::Plan;
use serde::Serialize;

/// The folder `render` writes the runbook to.
pub const FOLDER: &str = "runbook";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Switchover,
    Failover,
    Failback,
    Drill,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Switchover => "switchover",
            Kind::Failover => "failover",
            Kind::Failback => "failback",
            Kind::Drill => "drill",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Scenario {
    pub name: Kind,
    /// Where the writer is when the scenario starts.
    pub from: String,
    /// Where the writer is when it ends (the drill: the writer's region; it changes nothing).
    pub to: String,
    pub rto_estimate_seconds: u64,
    /// The estimate's terms, each with its source.
    pub rto_estimate: Estimate,
    pub steps: Vec<Step>,
}

impl Scenario {
    /// `runbook/<scenario>-<region>.sh`, or `runbook/drill.sh`.
    pub fn script_path(&self) -> String {
        match self.name {
            Kind::Drill => format!("{FOLDER}/drill.sh"),
            Kind::Switchover | Kind::Failover => format!("{FOLDER}/{}-{}.sh", self.name.name(), self.to),
            // Failback from the region the failover went to.
            Kind::Failback => format!("{FOLDER}/{}-{}.sh", self.name.name(), self.from),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Runbook {
    pub environment: String,
    pub writer: String,
    pub regions: Vec<String>,
    pub rto_seconds: i64,
    pub rpo_seconds: i64,
    pub scenarios: Vec<Scenario>,
}

/// The runbook of a valid environment; no scenario without a second region.
pub fn build(env: &Environment, plan: &Plan) -> Runbook {
    let facts = Facts::of(env, plan);
    let writer = env.writer().code.clone();
    let mut scenarios = Vec::new();
    if env.regions.len() > 1 {
        for target in env.readers() {
            for kind in [Kind::Switchover, Kind::Failover, Kind::Failback] {
                let est = estimate::scenario(env, kind_for_estimate(kind), &target.code);
                let (from, to) = match kind {
                    Kind::Failback => (target.code.clone(), writer.clone()),
                    Kind::Switchover | Kind::Failover | Kind::Drill => (writer.clone(), target.code.clone()),
                };
                let steps = scenarios::steps(env, &facts, kind, &from, &to);
                scenarios.push(Scenario {
                    name: kind,
                    from,
                    to,
                    rto_estimate_seconds: est.total_seconds,
                    rto_estimate: est,
                    steps,
                });
            }
        }
        let est = estimate::Estimate::none();
        scenarios.push(Scenario {
            name: Kind::Drill,
            from: writer.clone(),
            to: writer.clone(),
            rto_estimate_seconds: 0,
            rto_estimate: est,
            steps: scenarios::drill(env, &facts),
        });
    }
    Runbook {
        environment: env.name.clone(),
        writer,
        regions: env.regions.iter().map(|r| r.code.clone()).collect(),
        rto_seconds: env.rto_minutes.value * 60,
        rpo_seconds: env.rpo_minutes.value * 60,
        scenarios,
    }
}

fn kind_for_estimate(k: Kind) -> estimate::Case {
    match k {
        Kind::Switchover => estimate::Case::Switchover,
        Kind::Failover | Kind::Drill => estimate::Case::Failover,
        Kind::Failback => estimate::Case::Switchover,
    }
}

/// `runbook/runbook.json`.
pub fn json(r: &Runbook) -> String {
    let mut s = serde_json::to_string_pretty(r).unwrap_or_default();
    s.push('\n');
    s
}

/// The runbook's files under `--out`.
pub fn files(r: &Runbook) -> Vec<crate::render::File> {
    let mut out = vec![crate::render::File::new(format!("{FOLDER}/runbook.json"), json(r))];
    for sc in &r.scenarios {
        out.push(crate::render::File {
            path: sc.script_path(),
            contents: script::render(r, sc),
            executable: true,
        });
    }
    out
}
