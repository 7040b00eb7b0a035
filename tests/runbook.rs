//! The runbook (SPEC section 5.2), checked against what nobody here wrote: every step is a call
//! the AWS CLI's own service models (botocore) accept, with real option names, every required
//! option and values of the right type, and waits on read operations or real waiters; the
//! scripts dry-run as snapshotted; the steps moto models run against moto.

use crate::common::botocore::{problems, Models};
use crate::common::{self, runbook_with, shipped_environments};
use mrgen::runbook::{Arg, Kind, Runbook, Step};
use std::process::Command;

/// Every problem of a step: its own call and its "done" check.
fn step_problems(models: &Models, s: &Step) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(c) = s.call() {
        let until = s.until.as_deref().or(s.query.as_deref());
        out.extend(problems(
            models,
            &c,
            s.waiter.as_deref(),
            if s.waiter.is_some() { None } else { until },
        ));
    } else if !s.manual {
        out.push(format!("{}: neither a call nor manual", s.id));
    }
    if let Some(d) = &s.skip_when {
        out.extend(problems(models, &d.call, None, Some(&d.until)));
    }
    out
}

fn services(books: &[Runbook]) -> Vec<String> {
    let mut s: Vec<String> = books
        .iter()
        .flat_map(|b| &b.scenarios)
        .flat_map(|sc| &sc.steps)
        .flat_map(|st| st.call().into_iter().chain(st.skip_when.iter().map(|d| d.call.clone())))
        .map(|c| c.service)
        .collect();
    s.sort();
    s.dedup();
    s
}

/// Every shipped environment's runbook, and production's with the writer moved.
fn books() -> Vec<(String, Runbook)> {
    let mut b: Vec<(String, Runbook)> = shipped_environments()
        .into_iter()
        .map(|e| {
            let r = runbook_with(&e, &[]);
            (e, r)
        })
        .collect();
    b.push((
        "production, writer in Seoul".into(),
        runbook_with("production", &["genai-demo:multi-region.writer=ap-northeast-2"]),
    ));
    b
}

#[test]
fn every_step_is_a_call_the_aws_clis_models_accept() {
    let test = "every_step_is_a_call_the_aws_clis_models_accept";
    let Some(python) = common::require_tool("python3", test) else {
        return;
    };
    let books = books();
    let all: Vec<Runbook> = books.iter().map(|(_, b)| b.clone()).collect();
    let models = Models::load(&python, &services(&all));
    let mut steps = 0;
    for (env, book) in &books {
        for sc in &book.scenarios {
            for s in &sc.steps {
                let p = step_problems(&models, s);
                assert!(
                    p.is_empty(),
                    "{env}: {} {}: step {}: {p:#?}",
                    sc.name.name(),
                    sc.to,
                    s.id
                );
                steps += 1;
            }
        }
    }
    assert!(steps > 100, "{steps} steps");
    println!("{steps} steps checked against botocore's models");

    // The check can fail: each of these mutations of a real step is refused.
    let prod = &books.iter().find(|(e, _)| e == "production").unwrap().1;
    let find = |op: &str| -> Step {
        prod.scenarios
            .iter()
            .flat_map(|s| &s.steps)
            .find(|s| s.operation.as_deref() == Some(op))
            .unwrap_or_else(|| panic!("a {op} step"))
            .clone()
    };
    let refused = |s: Step, why: &str| {
        assert!(!step_problems(&models, &s).is_empty(), "{why} passed: {s:?}");
    };
    let mut s = find("switchover-global-cluster");
    s.operation = Some("switch-global-cluster".into());
    refused(s, "an unknown operation");
    let mut s = find("switchover-global-cluster");
    s.parameters.0.retain(|(k, _)| k != "target-db-cluster-identifier");
    refused(s, "a missing required option");
    let mut s = find("failover-global-cluster");
    s.parameters.0.push(("allow-dataloss".into(), Arg::Flag));
    refused(s, "a misspelt option");
    let mut s = find("failover-global-cluster");
    s.parameters.0[0].1 = Arg::Flag;
    refused(s, "a flag where a string belongs");
    let mut s = find("update-nodegroup-config");
    s.parameters.0.retain(|(k, _)| k != "scaling-config");
    s.parameters
        .0
        .push(("scaling-config".into(), Arg::Str("minSize=1".into())));
    refused(s, "a string where a structure belongs");
    let mut s = find("wait");
    s.waiter = Some("db-cluster-ready".into());
    refused(s, "an unknown waiter");
    let mut s = find("describe-global-clusters");
    s.until = Some("GlobalCluster.Status == 'available'".into());
    refused(s, "a condition on no output member");
    let mut s = find("describe-global-clusters");
    s.operation = Some("switchover-global-cluster".into());
    refused(s, "a poll of an operation that changes something");
}

#[test]
fn every_variable_is_set_before_a_step_uses_it() {
    for (env, book) in books() {
        for sc in &book.scenarios {
            let mut set: Vec<String> = vec!["WINDOW_START".into(), "WINDOW_END".into()];
            for s in &sc.steps {
                let text = serde_json::to_string(s).unwrap();
                for v in mrgen::runbook::step::variables(&text) {
                    if s.sets.as_deref() == Some(v.as_str()) {
                        continue;
                    }
                    assert!(
                        set.contains(&v),
                        "{env}: {} {}: step {} uses ${{{v}}} before it is set",
                        sc.name.name(),
                        sc.to,
                        s.id
                    );
                }
                if let Some(v) = &s.sets {
                    set.push(v.clone());
                }
            }
        }
    }
}

#[test]
fn each_region_other_than_the_writers_gets_every_scenario_and_the_drill_changes_nothing() {
    for (env, book) in books() {
        let readers: Vec<&String> = book.regions.iter().filter(|r| **r != book.writer).collect();
        let expect = readers.len() * 3 + usize::from(!readers.is_empty());
        assert_eq!(book.scenarios.len(), expect, "{env}");
        for r in &readers {
            for k in [Kind::Switchover, Kind::Failover] {
                let sc = book
                    .scenarios
                    .iter()
                    .find(|s| s.name == k && &&s.to == r)
                    .expect("scenario");
                assert_eq!(sc.from, book.writer, "{env}");
                assert!(
                    sc.steps.last().is_some_and(|s| s.manual && s.id == "set-writer"),
                    "{env}: ends with the writer's render"
                );
            }
        }
        for sc in &book.scenarios {
            if sc.name == Kind::Drill {
                assert!(
                    sc.steps.iter().all(|s| !s.changes),
                    "{env}: the drill changes something"
                );
            }
            // A failover never calls the region that is down (only its lag, read elsewhere).
            if sc.name == Kind::Failover {
                let calls_down = sc
                    .steps
                    .iter()
                    .filter(|s| s.region.as_deref() == Some(sc.from.as_str()))
                    .map(|s| s.id.clone())
                    .collect::<Vec<_>>();
                assert!(
                    calls_down.is_empty(),
                    "{env}: failover calls {}: {calls_down:?}",
                    sc.from
                );
            }
        }
    }
}

/// The snapshot of production's scripts run with `--dry-run`.
pub const DRY_RUN_SNAPSHOT: &str = "runbook-production-dry-run";

#[test]
fn production_scripts_dry_run_as_snapshotted() {
    let files = common::runbook_files("production");
    let dir = common::tempdir("runbook-dry-run");
    let mut all = String::new();
    let mut scripts: Vec<&common::File> = files.iter().filter(|f| f.path.ends_with(".sh")).collect();
    scripts.sort_by(|a, b| a.path.cmp(&b.path));
    assert_eq!(
        scripts.len(),
        4,
        "switchover, failover and failback to Seoul, and the drill"
    );
    for f in scripts {
        let p = dir.join(f.path.replace('/', "-"));
        std::fs::write(&p, &f.contents).unwrap();
        let o = Command::new("bash")
            .arg(&p)
            .arg("--dry-run")
            .env_remove("AWS_ENDPOINT_URL")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}: {}", f.path, String::from_utf8_lossy(&o.stderr));
        all.push_str(&format!("===== {} --dry-run\n", f.path));
        all.push_str(&String::from_utf8_lossy(&o.stdout));
    }
    common::insta_settings().bind(|| insta::assert_snapshot!(DRY_RUN_SNAPSHOT, all));
}

/// The steps moto models (the account, Route 53's health checks, EKS scaling) run from a
/// rendered script against moto: the scale-up happens, a second run skips it, and the lookups
/// find what exists.
#[test]
fn the_steps_moto_models_run_against_moto_and_a_second_run_skips_what_is_done() {
    use crate::common::moto::Moto;
    let test = "the_steps_moto_models_run_against_moto_and_a_second_run_skips_what_is_done";
    let Some(server) = common::require_tool("moto_server", test) else {
        return;
    };
    let Some(aws) = common::require_tool("aws", test) else {
        return;
    };
    let dir = common::tempdir("runbook-moto");
    let moto = Moto::start(&server, aws.clone(), dir.join("moto.log"));
    let book = runbook_with("production", &[]);
    let mut sc = book
        .scenarios
        .iter()
        .find(|s| s.name == Kind::Switchover)
        .expect("a switchover")
        .clone();
    let to = sc.to.clone();
    let keep = |s: &Step| {
        s.id == "account"
            || s.id.starts_with("health-check-id-")
            || s.id.starts_with("nodes-active-")
            || s.id.starts_with("scale-nodes-")
            || s.id.starts_with("nodes-updated-")
    };
    sc.steps.retain(keep);
    assert_eq!(
        sc.steps.len(),
        6,
        "{:?}",
        sc.steps.iter().map(|s| &s.id).collect::<Vec<_>>()
    );
    // What the stacks would have made, as the runbook names it.
    let scale = sc.steps.iter().find(|s| s.id.starts_with("scale-nodes-")).unwrap();
    let arg = |name: &str| match scale.parameters.0.iter().find(|(k, _)| k == name).map(|(_, v)| v) {
        Some(Arg::Str(s)) => s.clone(),
        other => panic!("{name}: {other:?}"),
    };
    let (cluster, nodegroup) = (arg("cluster-name"), arg("nodegroup-name"));
    let role = "arn:aws:iam::123456789012:role/nodes";
    moto.ok(
        &to,
        &[
            "eks",
            "create-cluster",
            "--name",
            &cluster,
            "--role-arn",
            role,
            "--resources-vpc-config",
            "subnetIds=subnet-1",
        ],
    );
    moto.ok(
        &to,
        &[
            "eks",
            "create-nodegroup",
            "--cluster-name",
            &cluster,
            "--nodegroup-name",
            &nodegroup,
            "--node-role",
            role,
            "--subnets",
            "subnet-1",
            "--scaling-config",
            "minSize=2,maxSize=10,desiredSize=4",
        ],
    );
    for region in &book.regions {
        let config = format!("Type=HTTPS,FullyQualifiedDomainName={region}.example.com,Port=443,ResourcePath=/health");
        moto.ok(
            "us-east-1",
            &[
                "route53",
                "create-health-check",
                "--caller-reference",
                region,
                "--health-check-config",
                &config,
            ],
        );
    }
    let script = dir.join("switchover-moto.sh");
    std::fs::write(&script, mrgen::runbook::script::render(&book, &sc)).unwrap();
    let run = || {
        let o = Command::new("bash")
            .arg(&script)
            .env("AWS_ENDPOINT_URL", &moto.endpoint)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_CONFIG_FILE", "/nonexistent/mrgen-aws-config")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/mrgen-aws-credentials")
            .env("POLL_SECONDS", "1")
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    aws.parent().unwrap().display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout).to_string();
        assert!(o.status.success(), "{out}\n{}", String::from_utf8_lossy(&o.stderr));
        out
    };
    let first = run();
    assert!(!first.contains("already done"), "{first}");
    for region in &book.regions {
        assert!(
            first.contains(&format!("HEALTH_CHECK_{}=", common::short_code(region).to_uppercase()))
                && !first.contains("=None"),
            "{first}"
        );
    }
    let ng = moto.ok(
        &to,
        &[
            "eks",
            "describe-nodegroup",
            "--cluster-name",
            &cluster,
            "--nodegroup-name",
            &nodegroup,
        ],
    );
    assert_eq!(
        ng["nodegroup"]["scalingConfig"],
        serde_json::json!({"minSize": 3, "maxSize": 12, "desiredSize": 4}),
        "the writer's sizing (production's own entry)"
    );
    let second = run();
    assert!(second.contains("already done: skipped"), "{second}");
}
