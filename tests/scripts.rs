//! The scripts mrgen writes, run and read (SPEC section 5.1, "One run of `deploy.sh` deploys a
//! fresh environment").
//!
//! - `deploy.sh` runs against a stub `aws`: a small bash script first on PATH that appends each
//!   call to a log and answers what the script asks (`describe-stacks`, `deploy`,
//!   `delete-stack`, `wait stack-delete-complete`), keeping each stack's status in a file. What
//!   reached "AWS" is then judged from the log and the templates the calls named: the first
//!   deploy of a new MSK stack has multi-VPC connectivity off and a later one has it on (and the
//!   same for Aurora's deletion protection); a stack that exists is never sent through that
//!   first pass; a template over 51,200 bytes always goes with `--s3-bucket` (and the script
//!   refuses to start when a needed bucket is not named); a stack in `ROLLBACK_COMPLETE` is
//!   deleted before it is created again; a stack whose status cannot be read stops the script
//!   rather than pass for a new one. Each of these failed on the script before SPEC 5.1's
//!   fixes (issue 13).
//! - Every `deploy.sh` rendered (every shipped environment, and one with templates too big to
//!   send directly) passes `bash -n` and `shellcheck`.
//! - Every `.sh` file mrgen renders, for every shipped environment and both backends, is read
//!   for what bash 3.2 (macOS) cannot run: an array expanded without the `${a[@]+"${a[@]}"}`
//!   guard (unbound under `set -u` before bash 4.4), and constructs bash 4 added.

use crate::common::botocore::{cli_problems, Models};
use crate::common::{plan_of, render_plan, shipped, shipped_environments, tempdir, write_files};
use mrgen::plan::{Layer, Plan};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

/// The largest template `aws cloudformation deploy` sends in the request itself; a larger one
/// needs `--s3-bucket` (aws-cli issue 2778; CloudFormation quotas, "Template body size in a
/// request").
const DIRECT_TEMPLATE_BYTES: u64 = 51_200;

/// The stand-in for `aws`. Arguments are logged separated by the ASCII unit separator, one call
/// per line. Unknown calls fail, so the test sees anything the script does that it does not
/// expect.
const STUB_AWS: &str = r#"#!/usr/bin/env bash
# A stand-in for the AWS CLI (mrgen's tests): logs every call and answers what deploy.sh asks,
# keeping each stack's status in a file of $STUB_STATE named after the stack.
set -euo pipefail
(IFS=$'\x1f'; printf '%s\n' "$*") >>"${STUB_LOG}"
op="" stack="" query="" template="" bucket=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --stack-name) stack="$2"; shift 2 ;;
    --query) query="$2"; shift 2 ;;
    --template-file) template="$2"; shift 2 ;;
    --s3-bucket) bucket="$2"; shift 2 ;;
    --region | --endpoint-url | --output | --capabilities | --cluster-arn | --name | --type | --value) shift 2 ;;
    --parameter-overrides)
      shift
      while [[ $# -gt 0 && "$1" != --* ]]; do shift; done
      ;;
    --*) shift ;;
    cloudformation) shift ;;
    *) op="${op:+${op} }$1"; shift ;;
  esac
done
file="${STUB_STATE}/${stack}"
case "${op}" in
  describe-stacks)
    if [[ "${stack}" == "${STUB_DENY:-}" ]]; then
      echo "An error occurred (AccessDenied) when calling the DescribeStacks operation: not authorized" >&2
      exit 254
    fi
    if [[ ! -f "${file}" ]]; then
      echo "An error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id ${stack} does not exist" >&2
      exit 254
    fi
    if [[ "${query}" == *StackStatus* ]]; then
      cat "${file}"
      echo
    else
      echo "stub-output-of-${stack}"
    fi
    ;;
  deploy)
    if [[ "$(wc -c <"${template}")" -gt 51200 && -z "${bucket}" ]]; then
      echo "Templates with a size greater than 51,200 bytes must be deployed via an S3 Bucket. Please add the --s3-bucket parameter to your command." >&2
      exit 255
    fi
    status="$(cat "${file}" 2>/dev/null || true)"
    case "${status}" in
      "" | REVIEW_IN_PROGRESS) printf 'CREATE_COMPLETE' >"${file}" ;;
      ROLLBACK_COMPLETE)
        echo "An error occurred (ValidationError) when calling the CreateChangeSet operation: Stack:${stack} is in ROLLBACK_COMPLETE state and can not be updated." >&2
        exit 255
        ;;
      *) printf 'UPDATE_COMPLETE' >"${file}" ;;
    esac
    ;;
  delete-stack) printf 'DELETE_IN_PROGRESS' >"${file}" ;;
  "kafka get-bootstrap-brokers") echo "b-1.stub.kafka:9098,b-2.stub.kafka:9098" ;;
  "ssm put-parameter") ;;
  "wait stack-delete-complete") rm -f "${file}" ;;
  *)
    echo "stub aws: unexpected call: ${op}" >&2
    exit 2
    ;;
esac
"#;

/// One call the script made to `aws`.
#[derive(Debug)]
struct Call {
    args: Vec<String>,
}

impl Call {
    /// The value after an option (`--stack-name`).
    fn opt(&self, name: &str) -> Option<&str> {
        let i = self.args.iter().position(|a| a == name)?;
        self.args.get(i + 1).map(String::as_str)
    }

    /// The CloudFormation operation: the word after `cloudformation` (two for `wait`).
    fn op(&self) -> String {
        let Some(i) = self.args.iter().position(|a| a == "cloudformation") else {
            return String::new();
        };
        let rest = &self.args[i + 1..];
        match rest.first().map(String::as_str) {
            Some("wait") => format!("wait {}", rest.get(1).map_or("", |s| s.as_str())),
            Some(op) => op.to_string(),
            None => String::new(),
        }
    }

    fn is(&self, op: &str, stack: &str) -> bool {
        self.op() == op && self.opt("--stack-name") == Some(stack)
    }

    /// `--parameter-overrides KEY=VALUE...`.
    fn overrides(&self) -> BTreeMap<String, String> {
        let Some(i) = self.args.iter().position(|a| a == "--parameter-overrides") else {
            return BTreeMap::new();
        };
        self.args[i + 1..]
            .iter()
            .take_while(|a| !a.starts_with("--"))
            .filter_map(|a| a.split_once('=').map(|(k, v)| (k.to_string(), v.to_string())))
            .collect()
    }
}

/// What one run of `deploy.sh` did.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    calls: Vec<Call>,
    /// The rendered output folder (templates under `cloudformation/`).
    out: PathBuf,
}

impl Run {
    fn deploys(&self, stack: &str) -> Vec<&Call> {
        self.calls.iter().filter(|c| c.is("deploy", stack)).collect()
    }

    fn position(&self, op: &str, stack: &str) -> Option<usize> {
        self.calls.iter().position(|c| c.is(op, stack))
    }

    fn template(&self, call: &Call) -> (PathBuf, Value) {
        let path = self
            .out
            .join("cloudformation")
            .join(call.opt("--template-file").expect("--template-file"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        (path, serde_json::from_str(&text).expect("template JSON"))
    }

    fn shown(&self) -> String {
        format!(
            "exit {}\n--- stdout\n{}\n--- stderr\n{}\n--- calls\n{}",
            self.code,
            self.stdout,
            self.stderr,
            self.calls
                .iter()
                .map(|c| c.args.join(" "))
                .collect::<Vec<_>>()
                .join("\n")
        )
    }
}

/// Renders `plan` into a fresh folder and runs its `deploy.sh` with the stub `aws` first on
/// PATH: `existing` are the stacks that exist before the run, with their status; `vars` the
/// environment the script gets besides PATH.
fn deploy(name: &str, plan: &Plan, existing: &[(&str, &str)], vars: &[(&str, &str)]) -> Run {
    let dir = tempdir(&format!("scripts-{name}"));
    let out = dir.join("out");
    write_files(&out, &render_plan(plan));
    let bin = dir.join("bin");
    let state = dir.join("state");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(&state).unwrap();
    let aws = bin.join("aws");
    std::fs::write(&aws, STUB_AWS).unwrap();
    Command::new("chmod").arg("+x").arg(&aws).status().unwrap();
    for (stack, status) in existing {
        std::fs::write(state.join(stack), status).unwrap();
    }
    let log = dir.join("calls.log");
    std::fs::write(&log, "").unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let o = Command::new("bash")
        .arg(out.join("cloudformation/deploy.sh"))
        .env_clear()
        .env("PATH", path)
        .env("STUB_LOG", &log)
        .env("STUB_STATE", &state)
        .envs(vars.iter().copied())
        .output()
        .expect("run bash");
    let calls = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| Call {
            args: l.split('\x1f').map(String::from).collect(),
        })
        .collect();
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        calls,
        out,
    }
}

/// A setting AWS refuses at create time, as one deploy call leaves it: on for every resource of
/// the template that has it (`Some(true)`), off for every one (`Some(false)`), or mixed (`None`).
/// A property may be a literal or a `Ref` to a template parameter, which the call's overrides or
/// the parameter's default give; an absent property is off.
struct CreateTimeSetting {
    what: &'static str,
    /// (resource type, path of the property under `Properties`).
    at: &'static [(&'static str, &'static [&'static str])],
}

const MULTI_VPC: CreateTimeSetting = CreateTimeSetting {
    what: "multi-VPC connectivity",
    at: &[(
        "AWS::MSK::Cluster",
        &[
            "BrokerNodeGroupInfo",
            "ConnectivityInfo",
            "VpcConnectivity",
            "ClientAuthentication",
            "Sasl",
            "Iam",
            "Enabled",
        ],
    )],
};

const DELETION_PROTECTION: CreateTimeSetting = CreateTimeSetting {
    what: "deletion protection",
    at: &[
        ("AWS::RDS::DBCluster", &["DeletionProtection"]),
        ("AWS::RDS::GlobalCluster", &["DeletionProtection"]),
    ],
};

impl CreateTimeSetting {
    fn in_call(&self, run: &Run, call: &Call) -> Option<bool> {
        let (path, t) = run.template(call);
        let overrides = call.overrides();
        let mut seen = Vec::new();
        for r in t["Resources"].as_object().expect("Resources").values() {
            for (ty, props) in self.at {
                if r["Type"] != *ty {
                    continue;
                }
                let mut v = &r["Properties"];
                for p in *props {
                    v = &v[*p];
                }
                let on = match v {
                    Value::Null => false,
                    Value::Bool(b) => *b,
                    Value::String(s) => s == "true",
                    Value::Object(m) if m.contains_key("Ref") => {
                        let p = m["Ref"].as_str().expect("Ref names a parameter");
                        let value = overrides
                            .get(p)
                            .cloned()
                            .or_else(|| t["Parameters"][p]["Default"].as_str().map(String::from));
                        value.unwrap_or_else(|| panic!("{}: parameter {p} has no value", path.display())) == "true"
                    }
                    // `Fn::If` on a switch parameter's condition (`<Param>On`): on when the
                    // condition holds and the branch it takes is not `AWS::NoValue`.
                    Value::Object(m) if m.contains_key("Fn::If") => {
                        let branches = m["Fn::If"].as_array().expect("[condition, then, else]");
                        let cond = &t["Conditions"][branches[0].as_str().expect("a condition name")]["Fn::Equals"];
                        let p = cond[0]["Ref"].as_str().expect("the condition tests a parameter");
                        let value = overrides
                            .get(p)
                            .cloned()
                            .or_else(|| t["Parameters"][p]["Default"].as_str().map(String::from))
                            .unwrap_or_else(|| panic!("{}: parameter {p} has no value", path.display()));
                        let taken = if Some(value.as_str()) == cond[1].as_str() {
                            &branches[1]
                        } else {
                            &branches[2]
                        };
                        taken != &serde_json::json!({ "Ref": "AWS::NoValue" })
                    }
                    Value::Object(_) => true,
                    other => panic!("{}: {}: cannot evaluate {other}", path.display(), self.what),
                };
                seen.push(on);
            }
        }
        assert!(!seen.is_empty(), "{}: no resource with {}", path.display(), self.what);
        if seen.iter().all(|x| *x) {
            Some(true)
        } else if seen.iter().all(|x| !*x) {
            Some(false)
        } else {
            None
        }
    }

    /// A new stack: its first deploy has the setting off, and a later one on.
    fn off_then_on(&self, run: &Run, stack: &str) {
        let deploys = run.deploys(stack);
        assert!(!deploys.is_empty(), "{stack} was never deployed\n{}", run.shown());
        let states: Vec<Option<bool>> = deploys.iter().map(|c| self.in_call(run, c)).collect();
        assert_eq!(
            states[0],
            Some(false),
            "{stack}: the first deploy must have {} off (AWS refuses it at create), it has {:?}",
            self.what,
            states
        );
        assert!(
            states[1..].contains(&Some(true)),
            "{stack}: no deploy after the first turns {} on: {states:?}",
            self.what
        );
        assert_eq!(
            states.last(),
            Some(&Some(true)),
            "{stack}: the last deploy must leave {} on",
            self.what
        );
    }

    /// A stack that exists: never sent through the first pass.
    fn always_on(&self, run: &Run, stack: &str) {
        let deploys = run.deploys(stack);
        assert!(!deploys.is_empty(), "{stack} was never deployed\n{}", run.shown());
        for c in deploys {
            assert_eq!(
                self.in_call(run, c),
                Some(true),
                "{stack} exists, yet a deploy sends it {} off (the first pass is for new stacks)",
                self.what
            );
        }
    }
}

const REPLICATION: CreateTimeSetting = CreateTimeSetting {
    what: "S3 replication",
    at: &[("AWS::S3::Bucket", &["ReplicationConfiguration"])],
};

fn stacks_of(plan: &Plan, layer: Layer) -> Vec<String> {
    let v: Vec<String> = plan
        .stacks
        .iter()
        .filter(|s| s.layer == layer)
        .map(|s| s.name.clone())
        .collect();
    assert!(!v.is_empty(), "no {layer:?} stack");
    v
}

fn production() -> Plan {
    plan_of("production", &shipped("production"))
}

/// Production with seven more tags (twelve of its own): every taggable resource carries them,
/// and the network templates grow past 51,200 bytes.
fn production_with_twelve_tags() -> Plan {
    let text = shipped("production");
    let extra: String = (1..=7).map(|i| format!("  Team{i}: value-{i}\n")).collect();
    let text = text.replacen("genai-demo:tags:\n", &format!("genai-demo:tags:\n{extra}"), 1);
    assert_ne!(text, shipped("production"), "no tags section to extend");
    plan_of("production", &text)
}

/// The bucket variable of a region: `MRGEN_S3_BUCKET_AP_NORTHEAST_1`.
fn bucket_var(region: &str) -> String {
    format!("MRGEN_S3_BUCKET_{}", region.to_uppercase().replace('-', "_"))
}

fn big_templates(run: &Run, plan: &Plan) -> Vec<(String, String, u64)> {
    plan.stacks
        .iter()
        .filter_map(|s| {
            let p = run.out.join(format!("cloudformation/{}.template.json", s.name));
            let bytes = std::fs::metadata(&p).unwrap().len();
            (bytes > DIRECT_TEMPLATE_BYTES).then(|| (s.name.clone(), s.region.clone(), bytes))
        })
        .collect()
}

#[test]
fn a_fresh_environment_gets_msk_multi_vpc_and_aurora_deletion_protection_in_a_second_pass() {
    let plan = production();
    let run = deploy("fresh", &plan, &[], &[("AWS_ENDPOINT_URL", "http://127.0.0.1:9")]);
    assert_eq!(run.code, 0, "{}", run.shown());
    for s in stacks_of(&plan, Layer::Msk) {
        MULTI_VPC.off_then_on(&run, &s);
    }
    for s in stacks_of(&plan, Layer::Aurora) {
        DELETION_PROTECTION.off_then_on(&run, &s);
    }
    // Every stack is deployed, in manifest order (a stack's last pass before the next stack).
    let mut last = 0;
    for s in &plan.stacks {
        let first = run
            .position("deploy", &s.name)
            .unwrap_or_else(|| panic!("{} never deployed", s.name));
        assert!(first >= last, "{} deployed out of order", s.name);
        last = run.calls.iter().rposition(|c| c.is("deploy", &s.name)).unwrap();
    }
    // AWS_ENDPOINT_URL reaches every call.
    for c in &run.calls {
        assert_eq!(c.opt("--endpoint-url"), Some("http://127.0.0.1:9"), "{:?}", c.args);
    }
}

#[test]
fn a_stack_that_exists_is_not_sent_through_the_first_pass() {
    let plan = production();
    let existing: Vec<(&str, &str)> = plan
        .stacks
        .iter()
        .map(|s| (s.name.as_str(), "UPDATE_COMPLETE"))
        .collect();
    let run = deploy("existing", &plan, &existing, &[]);
    assert_eq!(run.code, 0, "{}", run.shown());
    for s in stacks_of(&plan, Layer::Msk) {
        MULTI_VPC.always_on(&run, &s);
    }
    for s in stacks_of(&plan, Layer::Aurora) {
        DELETION_PROTECTION.always_on(&run, &s);
    }
}

#[test]
fn a_stack_left_in_rollback_complete_is_deleted_then_created_again() {
    let plan = production();
    let aurora = stacks_of(&plan, Layer::Aurora).remove(0);
    let msk = stacks_of(&plan, Layer::Msk).remove(0);
    let run = deploy(
        "rollback-complete",
        &plan,
        &[(&aurora, "ROLLBACK_COMPLETE"), (&msk, "ROLLBACK_COMPLETE")],
        &[],
    );
    for s in [&aurora, &msk] {
        let delete = run
            .position("delete-stack", s)
            .unwrap_or_else(|| panic!("{s} in ROLLBACK_COMPLETE was not deleted\n{}", run.shown()));
        let waited = run
            .position("wait stack-delete-complete", s)
            .unwrap_or_else(|| panic!("{s}: no wait for the deletion\n{}", run.shown()));
        let deployed = run.position("deploy", s).expect("deployed");
        assert!(delete < waited && waited < deployed, "{s}: delete, wait, then deploy");
    }
    assert_eq!(run.code, 0, "{}", run.shown());
    // Deleted, they are new stacks again: created through the first pass.
    DELETION_PROTECTION.off_then_on(&run, &aurora);
    MULTI_VPC.off_then_on(&run, &msk);
    // Nothing else is deleted.
    let deleted = run.calls.iter().filter(|c| c.op() == "delete-stack").count();
    assert_eq!(deleted, 2, "{}", run.shown());
}

#[test]
fn a_stack_whose_status_cannot_be_read_is_not_taken_for_a_new_one() {
    let plan = production();
    let msk = stacks_of(&plan, Layer::Msk).remove(0);
    let existing: Vec<(&str, &str)> = plan
        .stacks
        .iter()
        .map(|s| (s.name.as_str(), "UPDATE_COMPLETE"))
        .collect();
    let run = deploy("denied", &plan, &existing, &[("STUB_DENY", msk.as_str())]);
    assert_ne!(run.code, 0, "{}", run.shown());
    assert!(run.deploys(&msk).is_empty(), "{}", run.shown());
    assert!(
        run.stderr.contains("AccessDenied") && run.stderr.contains(&msk),
        "{}",
        run.stderr
    );
}

#[test]
fn a_template_over_51200_bytes_is_never_sent_without_its_regions_bucket() {
    let plan = production_with_twelve_tags();
    let regions: Vec<String> = plan.stacks.iter().map(|s| s.region.clone()).collect();
    let vars: Vec<(String, String)> = regions.iter().map(|r| (bucket_var(r), format!("bucket-{r}"))).collect();
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let run = deploy("s3", &plan, &[], &vars);
    let big = big_templates(&run, &plan);
    assert!(
        big.iter().any(|(s, _, _)| s.contains("-network-")),
        "the network templates with twelve tags are over 51,200 bytes: {big:?}"
    );
    let mut sent = 0;
    for c in run.calls.iter().filter(|c| c.op() == "deploy") {
        let (path, _) = run.template(c);
        if std::fs::metadata(&path).unwrap().len() > DIRECT_TEMPLATE_BYTES {
            let region = c.opt("--region").expect("--region");
            assert_eq!(
                c.opt("--s3-bucket"),
                Some(format!("bucket-{region}").as_str()),
                "{} is over 51,200 bytes and must go through the bucket of {region}: {:?}",
                path.display(),
                c.args
            );
            sent += 1;
        }
    }
    assert_eq!(run.code, 0, "{}", run.shown());
    assert!(sent >= big.len(), "every big template deployed through S3");
    // The script said so before it started.
    for (stack, region, _) in &big {
        assert!(
            run.stdout.contains(stack.as_str()) && run.stdout.contains(&format!("bucket-{region}")),
            "{stack}: not listed with its bucket\n{}",
            run.stdout
        );
    }
    // And production's own templates need no bucket.
    let plain = deploy("no-s3", &production(), &[], &[]);
    assert_eq!(plain.code, 0, "{}", plain.shown());
    assert!(big_templates(&plain, &production()).is_empty());
    assert!(plain.calls.iter().all(|c| c.opt("--s3-bucket").is_none()));
}

#[test]
fn the_script_refuses_to_start_when_a_needed_bucket_is_not_named() {
    let plan = production_with_twelve_tags();
    // A bucket for the primary only: the secondary's network template has none.
    let primary = plan.regions[0].clone();
    let secondary = plan.regions[1].clone();
    let var = bucket_var(&primary);
    let run = deploy("s3-missing", &plan, &[], &[(var.as_str(), "bucket-primary")]);
    assert_ne!(run.code, 0, "{}", run.shown());
    assert!(
        run.calls.iter().all(|c| c.op() != "deploy" && c.op() != "delete-stack"),
        "nothing may be deployed before the buckets are known:\n{}",
        run.shown()
    );
    let big = big_templates(&run, &plan);
    for (stack, region, _) in big.iter().filter(|(_, r, _)| *r == secondary) {
        assert!(
            run.stderr.contains(stack.as_str()) && run.stderr.contains(&bucket_var(region)),
            "the error names {stack} and {}:\n{}",
            bucket_var(region),
            run.stderr
        );
    }
    assert!(
        !run.stderr.contains(&var),
        "the bucket that is named is not asked for:\n{}",
        run.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// bash 3.2

/// What bash 3.2 cannot run, found in the code lines of a script (comment lines are skipped):
/// one message per finding, with its line number.
fn bash32_problems(text: &str) -> Vec<String> {
    /// (construct, why): found as plain text in a code line.
    const BASH4: &[(&str, &str)] = &[
        ("declare -A", "associative arrays are bash 4.0"),
        ("local -A", "associative arrays are bash 4.0"),
        ("typeset -A", "associative arrays are bash 4.0"),
        ("declare -n", "namerefs are bash 4.3"),
        ("local -n", "namerefs are bash 4.3"),
        ("declare -g", "`declare -g` is bash 4.2"),
        ("mapfile", "`mapfile` is bash 4.0"),
        ("readarray", "`readarray` is bash 4.0"),
        ("coproc", "`coproc` is bash 4.0"),
        ("&>>", "`&>>` is bash 4.0"),
        ("|&", "`|&` is bash 4.0"),
        (";;&", "`;;&` is bash 4.0"),
        ("globstar", "`globstar` is bash 4.0"),
        ("lastpipe", "`lastpipe` is bash 4.2"),
        ("inherit_errexit", "`inherit_errexit` is bash 4.4"),
        ("[[ -v ", "`-v` is bash 4.2"),
        ("test -v ", "`-v` is bash 4.2"),
        ("wait -n", "`wait -n` is bash 4.3"),
        ("EPOCHSECONDS", "`$EPOCHSECONDS` is bash 5.0"),
        ("EPOCHREALTIME", "`$EPOCHREALTIME` is bash 5.0"),
        ("BASHPID", "`$BASHPID` is bash 4.0"),
        ("printf '%(", "`printf %(…)T` is bash 4.2"),
        ("exec {", "automatic file descriptors are bash 4.1"),
        ("timeout ", "macOS has no `timeout`"),
        ("jq ", "macOS has no `jq`"),
    ];
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with('#') {
            continue;
        }
        let at = |what: &str| format!("line {}: {what}: {}", n + 1, line.trim());
        for (construct, why) in BASH4 {
            if code.contains(construct) {
                found.push(at(why));
            }
        }
        if code.contains(";&") && !code.contains(";;&") {
            found.push(at("`;&` is bash 4.0"));
        }
        found.extend(expansions(code).into_iter().map(|w| at(&w)));
    }
    found
}

/// The problems of the `${…}` expansions in one line: an array expanded without the guard, a case
/// modification (`${x,,}`, `${x^^}`), a transformation (`${x@Q}`), a negative subscript.
fn expansions(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let b = line.as_bytes();
    let mut i = 0;
    while let Some(off) = line[i..].find("${") {
        let start = i + off;
        let mut j = start + 2;
        let bang = b.get(j) == Some(&b'!');
        if bang {
            j += 1;
        }
        let name_start = j;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
            j += 1;
        }
        let name = &line[name_start..j];
        if name.is_empty() {
            i = start + 2;
            continue;
        }
        let rest = &line[j..];
        if rest.starts_with("[@]") || rest.starts_with("[*]") {
            let sub = &rest[..3];
            let guard = format!("{sub}+\"${{{name}{sub}}}\"}}");
            if bang {
                found.push(format!("`${{!{name}{sub}}}` is unbound under `set -u` before bash 4.4"));
                i = j + 3;
            } else if rest.starts_with(&guard) {
                // `${a[@]+"${a[@]}"}`: expands to nothing when the array is empty.
                i = j + guard.len();
            } else {
                found.push(format!(
                    "`${{{name}{sub}}}` without the guard `${{{name}{sub}+\"${{{name}{sub}}}\"}}` is unbound under `set -u` before bash 4.4 when empty"
                ));
                i = j + 3;
            }
            continue;
        }
        if rest.starts_with("[-") {
            found.push(format!("`${{{name}[-…]}}`: negative subscripts are bash 4.3"));
        }
        let after_sub = rest
            .strip_prefix('[')
            .and_then(|r| r.find(']').map(|k| &r[k + 1..]))
            .unwrap_or(rest);
        if after_sub.starts_with(',') || after_sub.starts_with('^') {
            found.push(format!("`${{{name}…}}`: case modification is bash 4.0"));
        }
        if after_sub.starts_with('@') {
            found.push(format!("`${{{name}@…}}`: transformations are bash 4.4"));
        }
        i = j;
    }
    found
}

#[test]
fn the_bash_32_check_finds_what_it_looks_for() {
    let bad = [
        r#"aws "${endpoint[@]}" cloudformation"#,
        r#"for x in ${list[*]}; do"#,
        r#"echo "${!keys[@]}""#,
        "declare -A seen",
        "mapfile -t lines < f",
        "readarray lines",
        r#"echo "${name,,}""#,
        r#"echo "${name^^}""#,
        r#"echo "${name@Q}""#,
        r#"echo "${a[-1]}""#,
        "cmd &>> log",
        "cmd |& tee",
        "timeout 5 aws",
        "jq -r .x",
        "if [[ -v name ]]; then",
    ];
    for line in bad {
        assert!(!bash32_problems(line).is_empty(), "not caught: {line}");
    }
    let good = [
        r#"aws ${endpoint[@]+"${endpoint[@]}"} cloudformation"#,
        r#"x=(${a[@]+"${a[@]}"} ${b[@]+"${b[@]}"})"#,
        r#"echo "${#args[@]}" "${name:-}" "${value}" "$@""#,
        "# comments may say declare -A or \"${a[@]}\"",
        r#"printf '%s' "${!var:-}""#,
    ];
    for line in good {
        assert_eq!(bash32_problems(line), Vec::<String>::new(), "{line}");
    }
}

/// Every `.sh` file rendered for `name` (both backends), with its text.
fn scripts_of(files: &[crate::common::File]) -> Vec<(&str, &str)> {
    files
        .iter()
        .filter(|f| f.path.ends_with(".sh"))
        .map(|f| (f.path.as_str(), f.contents.as_str()))
        .collect()
}

#[test]
fn every_script_mrgen_writes_runs_on_bash_3_2() {
    let mut checked = 0;
    for env in shipped_environments() {
        let mut files = crate::common::render_env(&env);
        files.extend(crate::common::runbook_files(&env));
        let scripts = scripts_of(&files);
        assert!(
            scripts.iter().any(|(p, _)| *p == "cloudformation/deploy.sh"),
            "{env}: no deploy.sh"
        );
        for (path, text) in scripts {
            let problems = bash32_problems(text);
            assert!(
                problems.is_empty(),
                "{env}: {path} would not run under bash 3.2 (macOS):\n{}",
                problems.join("\n")
            );
            assert!(text.starts_with("#!/usr/bin/env bash\n"), "{env}: {path}: shebang");
            checked += 1;
        }
    }
    println!("{checked} scripts read for bash 3.2");
}

#[test]
fn every_deploy_script_passes_bash_n_and_shellcheck() {
    let Some(shellcheck) = crate::common::tools::shellcheck("every_deploy_script_passes_bash_n_and_shellcheck") else {
        return;
    };
    let dir = tempdir("scripts-shellcheck");
    // Every shipped environment, and one whose templates need S3 buckets (the bucket check).
    let mut renders: Vec<(String, Vec<crate::common::File>)> = shipped_environments()
        .into_iter()
        .map(|env| {
            let mut files = crate::common::render_env(&env);
            files.extend(crate::common::runbook_files(&env));
            (env, files)
        })
        .collect();
    renders.push(("twelve-tags".into(), render_plan(&production_with_twelve_tags())));
    for (env, files) in renders {
        for (path, text) in scripts_of(&files) {
            let file = dir.join(format!("{env}-{}", path.replace('/', "-")));
            std::fs::write(&file, text).unwrap();
            let n = Command::new("bash").arg("-n").arg(&file).output().unwrap();
            assert!(
                n.status.success(),
                "{env}: {path}: {}",
                String::from_utf8_lossy(&n.stderr)
            );
            let o = Command::new(&shellcheck).arg(&file).output().unwrap();
            assert!(
                o.status.success(),
                "{env}: {path}:\n{}",
                String::from_utf8_lossy(&o.stdout)
            );
        }
    }
}

#[test]
fn msk_bootstrap_brokers_reach_parameter_store_after_each_msk_stack() {
    let plan = production();
    let run = deploy("brokers", &plan, &[], &[]);
    assert_eq!(run.code, 0, "{}", run.shown());
    for (i, stack) in stacks_of(&plan, Layer::Msk).iter().enumerate() {
        let region = &plan.stack(stack).expect("stack").region;
        let last_deploy = run
            .calls
            .iter()
            .rposition(|c| c.op() == "deploy" && c.opt("--stack-name") == Some(stack.as_str()))
            .expect("deployed");
        let read = run
            .calls
            .iter()
            .position(|c| c.args.first().map(String::as_str) == Some("kafka") && c.opt("--region") == Some(region))
            .unwrap_or_else(|| panic!("{stack}: no get-bootstrap-brokers call"));
        assert!(
            read > last_deploy,
            "{stack}: the brokers were read before the stack's last deploy"
        );
        let arn = format!("stub-output-of-{stack}");
        assert_eq!(run.calls[read].opt("--cluster-arn"), Some(arn.as_str()), "{stack}");
        let put = &run.calls[read + 1];
        assert_eq!(
            put.args[..2],
            ["ssm", "put-parameter"],
            "call {} of {stack}: {:?}",
            read + 1,
            put.args
        );
        assert_eq!(put.opt("--region"), Some(region.as_str()));
        assert_eq!(put.opt("--name"), Some("/genai-demo/production/msk/bootstrap-brokers"));
        assert_eq!(put.opt("--type"), Some("String"));
        assert_eq!(
            put.opt("--value"),
            Some("b-1.stub.kafka:9098,b-2.stub.kafka:9098"),
            "{i}"
        );
    }
    // Every call other than CloudFormation's is a valid call of the AWS CLI's own service model.
    let test = "msk_bootstrap_brokers_reach_parameter_store_after_each_msk_stack";
    let Some(python) = crate::common::require_tool("python3", test) else {
        return;
    };
    let others: Vec<&Call> = run.calls.iter().filter(|c| c.args[0] != "cloudformation").collect();
    assert!(!others.is_empty());
    let models = Models::load(&python, &["kafka".to_string(), "ssm".to_string()]);
    for c in others {
        let problems = cli_problems(&models, &c.args);
        assert!(problems.is_empty(), "{:?}: {problems:?}", c.args);
    }
    // The check can fail: a misspelt option, a missing required one, a query on nothing, a
    // value of the wrong type.
    let wrong = |args: &[&str]| cli_problems(&models, &args.iter().map(|a| a.to_string()).collect::<Vec<_>>());
    assert!(!wrong(&["kafka", "get-bootstrap-brokers", "--cluster", "x"]).is_empty());
    assert!(!wrong(&["ssm", "put-parameter", "--name", "n", "--type", "String"]).is_empty());
    assert!(!wrong(&[
        "kafka",
        "get-bootstrap-brokers",
        "--cluster-arn",
        "x",
        "--query",
        "Brokers"
    ])
    .is_empty());
    assert!(!wrong(&[
        "ssm",
        "put-parameter",
        "--name",
        "n",
        "--value",
        "v",
        "--overwrite",
        "yes"
    ])
    .is_empty());
    assert!(wrong(&["ssm", "put-parameter", "--name", "n", "--value", "v", "--overwrite"]).is_empty());
}

#[test]
fn two_way_replication_is_turned_on_once_the_primary_regions_buckets_exist() {
    // `global` is active-active: every region's buckets replicate into every other's.
    let plan = crate::common::plan_with("global", &[]);
    let primary = plan
        .stacks
        .iter()
        .find(|s| s.layer == Layer::Storage && s.region == plan.regions[0])
        .expect("the primary's storage stack")
        .name
        .clone();
    let secondaries: Vec<String> = stacks_of(&plan, Layer::Storage)
        .into_iter()
        .filter(|s| *s != primary)
        .collect();
    assert!(!secondaries.is_empty());

    let run = deploy("two-way", &plan, &[], &[]);
    assert_eq!(run.code, 0, "{}", run.shown());
    let primary_deployed = run
        .position("deploy", &primary)
        .expect("the primary's storage deployed");
    REPLICATION.always_on(&run, &primary);
    for s in &secondaries {
        REPLICATION.off_then_on(&run, s);
        let first = run.position("deploy", s).expect("deployed");
        let last = run.calls.iter().rposition(|c| c.is("deploy", s)).expect("deployed");
        assert!(first < primary_deployed, "{s}: created after the primary's buckets");
        assert!(
            last > primary_deployed,
            "{s}: replication turned on before the primary's buckets exist"
        );
    }

    // A second run, every stack there: replication stays on in every deploy.
    let existing: Vec<(&str, &str)> = plan
        .stacks
        .iter()
        .map(|s| (s.name.as_str(), "UPDATE_COMPLETE"))
        .collect();
    let again = deploy("two-way-again", &plan, &existing, &[]);
    assert_eq!(again.code, 0, "{}", again.shown());
    for s in secondaries.iter().chain([&primary]) {
        REPLICATION.always_on(&again, s);
    }
}
