//! The stacks layout (SPEC section 5.5), checked for every shipped environment: each stack
//! folder holds exactly its plan stack's resources and their companions (the one documented
//! move: a peering accepter, in the peer region's stack that takes the connection id), talks to
//! its own region only, reads other stacks' values through declared variables fed by earlier
//! stacks' outputs, and passes `terraform fmt -check` and `terraform validate`; `apply.sh` passes
//! `shellcheck` and `bash -n`, and names every stack in manifest order.

use crate::common::{plan_of, shipped, tempdir, tools, write_files, File};
use crate::moto_tf::references;
use crate::terraform::{all_blocks, check_parity, cli_config, init, terraform, Expected, ENVIRONMENTS};
use mrgen::plan::{Backends, Kind, ParamSource, Plan, Stack};
use mrgen::render::tf;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Mutex;

fn stacks_of(plan: &Plan) -> Vec<File> {
    tf::try_render(plan, tf::Layout::Stacks).expect("render")
}

/// The files of each stack folder, by folder name.
fn folders(files: &[File]) -> BTreeMap<String, Vec<File>> {
    let mut out: BTreeMap<String, Vec<File>> = BTreeMap::new();
    for f in files {
        if let Some((dir, _)) = f.path["terraform/".len()..].split_once('/') {
            out.entry(dir.to_string()).or_default().push(f.clone());
        }
    }
    out
}

/// The stack whose folder renders a plan resource: its own, but for a peering accepter, which
/// goes to the stack of the peer's region that takes a value of the requester's stack.
fn folder_of<'a>(plan: &'a Plan, s: &'a Stack, kind: &Kind) -> &'a Stack {
    let Kind::PeeringAccepter(a) = kind else {
        return s;
    };
    if a.peer_region == s.region {
        return s;
    }
    plan.stacks
        .iter()
        .find(|q| {
            q.region == a.peer_region
                && q.parameters
                    .iter()
                    .any(|p| matches!(&p.source, ParamSource::Output { stack, .. } if *stack == s.name))
        })
        .expect("a stack of the peer's region takes the connection")
}

/// `var.<name>` references in a text.
fn var_refs(text: &str) -> BTreeSet<String> {
    text.match_indices("var.")
        .filter(|(at, _)| *at == 0 || !text.as_bytes()[at - 1].is_ascii_alphanumeric())
        .map(|(at, m)| {
            text[at + m.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect()
}

/// Declared variables: name → (producing stack, its output), from `variables.tf`.
fn declared(files: &[File]) -> BTreeMap<String, (String, String)> {
    let Some(f) = files.iter().find(|f| f.path.ends_with("/variables.tf")) else {
        return BTreeMap::new();
    };
    let mut out = BTreeMap::new();
    let mut from = None;
    for line in f.contents.lines() {
        if let Some(rest) = line.strip_prefix("# From ") {
            let (s, o) = rest.trim_end_matches('.').split_once(", output ").expect("from");
            from = Some((s.to_string(), o.to_string()));
        } else if let Some(rest) = line.strip_prefix("variable \"") {
            let name = rest.split('"').next().expect("name").to_string();
            out.insert(name, from.take().expect("a `# From` line"));
        }
    }
    out
}

fn outputs_of(files: &[File]) -> BTreeSet<String> {
    files
        .iter()
        .filter(|f| f.path.ends_with("/outputs.tf"))
        .flat_map(|f| all_blocks(std::slice::from_ref(f)))
        .filter(|(k, _)| k == "output")
        .map(|(_, l)| l[0].clone())
        .collect()
}

#[test]
fn each_stack_folder_holds_its_stack_and_talks_to_its_region() {
    for env in ENVIRONMENTS {
        let plan = plan_of(env, &shipped(env));
        let files = stacks_of(&plan);
        let folders = folders(&files);
        let mut expected: BTreeMap<String, Expected> = BTreeMap::new();
        for s in &plan.stacks {
            for r in &s.resources {
                if r.backends == Backends::CloudFormationOnly {
                    continue;
                }
                let name = tf::resource_name(s, &r.id);
                expected
                    .entry(folder_of(&plan, s, &r.kind).name.clone())
                    .or_default()
                    .insert(name, (tf::tf_type(&r.kind), tf::companions(&r.kind)));
            }
        }
        let rendered: Vec<&String> = folders.keys().collect();
        let wanted: Vec<&String> = expected.keys().collect();
        assert_eq!(rendered, wanted, "{env}: one folder per stack with Terraform resources");
        let order: Vec<&str> = plan.stacks.iter().map(|s| s.name.as_str()).collect();
        for (dir, files) in &folders {
            let label = format!("{env} {dir}");
            let stack = plan.stack(dir).expect("a plan stack");
            let blocks = all_blocks(files);
            check_parity(&label, &blocks, &expected[dir]);
            // One provider, for the stack's region, and no alias: no stack needs another region.
            let providers = files
                .iter()
                .find(|f| f.path.ends_with("/providers.tf"))
                .expect("providers.tf");
            assert_eq!(providers.contents.matches("provider \"aws\" {").count(), 1, "{label}");
            assert!(!providers.contents.contains("alias"), "{label}");
            assert!(
                providers.contents.contains(&format!("region = \"{}\"", stack.region)),
                "{label}"
            );
            let text: String = files.iter().map(|f| f.contents.as_str()).collect();
            assert!(
                !text.contains("provider = aws."),
                "{label}: a resource names another provider"
            );
            // References stay inside the folder; other stacks' values are declared variables.
            let here: BTreeSet<String> = blocks
                .iter()
                .filter(|(k, _)| k == "resource" || k == "ephemeral")
                .map(|(_, l)| format!("{}.{}", l[0], l[1]))
                .collect();
            for r in references(&text) {
                assert!(here.contains(&r), "{label}: {r} is not in this folder");
            }
            let vars = declared(files);
            let used = var_refs(&text);
            let names: BTreeSet<String> = vars.keys().cloned().collect();
            assert_eq!(used, names, "{label}: variables used and declared");
            let at = order.iter().position(|s| s == dir).expect("in order");
            for (name, (from, output)) in &vars {
                let producer = order.iter().position(|s| s == from).expect("a plan stack");
                assert!(producer < at, "{label}: var.{name} comes from {from}, a later stack");
                assert!(
                    outputs_of(&folders[from]).contains(output),
                    "{label}: var.{name}: {from} has no output {output}"
                );
            }
            // The Aurora master password: ephemeral, written write-only, in the primary's stack.
            if dir.contains("-aurora-") && text.contains("ephemeral \"aws_secretsmanager_random_password\"") {
                assert!(text.contains("master_password_wo"), "{label}");
                assert!(text.contains("secret_string_wo"), "{label}");
            }
            assert!(!text.contains("master_password "), "{label}");
            assert!(!text.contains("secret_string "), "{label}");
        }
        let apply = files.iter().find(|f| f.path == "terraform/apply.sh").expect("apply.sh");
        assert!(apply.executable, "{env}");
        let listed: Vec<&str> = apply
            .contents
            .split("cat <<'EOF'\n")
            .nth(1)
            .expect("the stack list")
            .lines()
            .take_while(|l| *l != "EOF")
            .map(|l| l.split(' ').next().expect("name"))
            .collect();
        let in_order: Vec<&str> = order.iter().copied().filter(|s| folders.contains_key(*s)).collect();
        assert_eq!(listed, in_order, "{env}: apply.sh runs the stacks in manifest order");
        // What mrgen owns in a stack folder is what it renders there.
        for f in &files {
            let name = &f.path[f.path.rfind('/').expect("/") + 1..];
            let owned = if f.path == "terraform/apply.sh" {
                true
            } else {
                tf::is_module_file(tf::Layout::Stacks, name)
            };
            assert!(owned, "{env}: {} is not among the files mrgen owns", f.path);
        }
    }
}

#[test]
fn the_passwords_of_the_primary_aurora_stack_stay_out_of_literals() {
    let plan = plan_of("production", &shipped("production"));
    let files = stacks_of(&plan);
    let aurora = files
        .iter()
        .find(|f| f.path == "terraform/genai-demo-production-aurora-ap-northeast-1/aurora.tf")
        .expect("the primary's aurora stack");
    for must in [
        "ephemeral \"aws_secretsmanager_random_password\" \"aurora_master_password_apne1\"",
        "secret_string_wo",
        "master_password_wo",
        "ephemeral.aws_secretsmanager_random_password.aurora_master_password_apne1.random_password",
    ] {
        assert!(aurora.contents.contains(must), "{must}:\n{}", aurora.contents);
    }
}

#[test]
fn apply_sh_passes_shellcheck_and_bash_n() {
    let test = "apply_sh_passes_shellcheck_and_bash_n";
    let Some(sc) = tools::shellcheck(test) else {
        return;
    };
    let dir = tempdir("apply-sh");
    for env in ENVIRONMENTS {
        let files = stacks_of(&plan_of(env, &shipped(env)));
        let apply = files.iter().find(|f| f.path == "terraform/apply.sh").expect("apply.sh");
        let p = dir.join(format!("{env}-apply.sh"));
        std::fs::write(&p, &apply.contents).expect("write");
        let out = std::process::Command::new(&sc).arg(&p).output().expect("shellcheck");
        assert!(
            out.status.success(),
            "{env}: shellcheck apply.sh:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let out = std::process::Command::new("bash")
            .arg("-n")
            .arg(&p)
            .output()
            .expect("bash");
        assert!(
            out.status.success(),
            "{env}: bash -n: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Unknown stacks and commands are usage errors; `list` needs no Terraform.
        let run = |args: &[&str]| {
            let o = std::process::Command::new("bash")
                .arg(&p)
                .args(args)
                .output()
                .expect("bash");
            (
                o.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&o.stdout).into_owned(),
            )
        };
        assert_eq!(run(&["nope"]).0, 2, "{env}");
        assert_eq!(run(&["plan", "no-such-stack"]).0, 2, "{env}");
        let (code, list) = run(&["list"]);
        assert_eq!(code, 0, "{env}");
        assert!(list.lines().count() >= 3, "{env}: {list}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A `terraform` that records what `apply.sh` asks of it: `output` prints a value made from the
/// stack and output names (a JSON list with `-json`), `plan` reports changes in the stacks named
/// in `CHANGED`, and `apply`, `plan` and `destroy` log the stack and its `TF_VAR_`s.
const FAKE_TERRAFORM: &str = r#"#!/usr/bin/env bash
dir="${1#-chdir=}"
stack="$(basename "$dir")"
case "$2" in
  init) exit 0 ;;
  output)
    if [ "$stack" = "${UNREADABLE:-}" ]; then exit 1; fi
    if [ "$4" = "-json" ] && [ -z "${5:-}" ]; then
      # All outputs: none before the stack is applied.
      if [ -f "$dir/.applied" ]; then echo '{"x": {"value": "y"}}'; else echo '{}'; fi
      exit 0
    fi
    if [ "$4" = "-json" ]; then printf '["%s-%s-a", "%s-%s-b"]\n' "$stack" "$5" "$stack" "$5"; else printf '%s/%s' "$stack" "$5"; fi
    ;;
  apply | plan | destroy)
    { echo "$2 $stack"; env | grep '^TF_VAR_' | sort; printf '%s\n' "$@" | grep '^-target=' || true; } >> "$LOG"
    if [ "$2" = apply ]; then touch "$dir/.applied"; fi
    if [ "$2" = plan ] && [ "$stack" = "${CHANGED:-}" ]; then exit 2; fi
    ;;
esac
"#;

/// Writes `files` into `dir` with [`FAKE_TERRAFORM`] in `dir/bin`: the PATH that finds it first,
/// and the log it writes to.
fn with_fake_terraform(dir: &std::path::Path, files: &[File]) -> (String, std::path::PathBuf) {
    write_files(dir, files);
    let bin = dir.join("bin");
    std::fs::create_dir(&bin).expect("bin");
    std::fs::write(bin.join("terraform"), FAKE_TERRAFORM).expect("fake terraform");
    let chmod = std::process::Command::new("chmod")
        .arg("+x")
        .arg(bin.join("terraform"))
        .status();
    assert!(chmod.expect("chmod").success());
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    (path, dir.join("log"))
}

#[test]
fn apply_sh_runs_in_order_and_passes_every_value() {
    let dir = tempdir("apply-sh-fake");
    let plan = plan_of("production", &shipped("production"));
    let files = stacks_of(&plan);
    let (path, log) = with_fake_terraform(&dir, &files);
    let run = |args: &[&str], env: &[(&str, &str)]| {
        let _ = std::fs::remove_file(&log);
        let mut c = std::process::Command::new("bash");
        c.arg(dir.join("terraform/apply.sh"))
            .args(args)
            .env("PATH", &path)
            .env("LOG", &log)
            .env("TF_PLUGIN_CACHE_DIR", dir.join("cache"))
            .env_remove("AWS_ENDPOINT_URL");
        for (k, v) in env {
            c.env(k, v);
        }
        let o = c.output().expect("apply.sh");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        (
            o.status.code().unwrap_or(-1),
            text,
            std::fs::read_to_string(&log).unwrap_or_default(),
        )
    };
    let order: Vec<String> = plan
        .stacks
        .iter()
        .map(|s| s.name.clone())
        .filter(|s| files.iter().any(|f| f.path.starts_with(&format!("terraform/{s}/"))))
        .collect();
    let ran = |log: &str, command: &str| -> Vec<String> {
        log.lines()
            .filter_map(|l| l.strip_prefix(&format!("{command} ")))
            .map(str::to_string)
            .collect()
    };
    // apply: every stack in manifest order, each value from its producer's output.
    let (code, out, log_text) = run(&["apply"], &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(ran(&log_text, "apply"), order);
    let routes = "genai-demo-production-peering-routes-ap-northeast-2";
    let section: String = log_text
        .split(&format!("apply {routes}\n"))
        .nth(1)
        .expect("the routes stack")
        .lines()
        .take_while(|l| l.starts_with("TF_VAR_"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        section,
        "TF_VAR_peering_connection_id=genai-demo-production-peering-ap-northeast-1/peering_connection_id_apne2\n\
         TF_VAR_private_route_table_ids=[\"genai-demo-production-network-ap-northeast-2-private_route_table_ids-a\", \"genai-demo-production-network-ap-northeast-2-private_route_table_ids-b\"]\n",
        "a string raw, a list as JSON:\n{log_text}"
    );
    assert!(dir.join("cache").is_dir(), "the shared plugin cache is made");
    // destroy: the reverse order; plan: exit 2 naming the stack with changes.
    let (code, out, log_text) = run(&["destroy"], &[]);
    assert_eq!(code, 0, "{out}");
    let reversed: Vec<String> = order.iter().rev().cloned().collect();
    assert_eq!(ran(&log_text, "destroy"), reversed);
    let (code, out, _) = run(&["plan"], &[("CHANGED", routes)]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(&format!("apply.sh: changes planned in: {routes}")),
        "{out}"
    );
    let (code, out, _) = run(&["plan"], &[]);
    assert_eq!((code, out.contains("no changes in any stack")), (0, true), "{out}");
    // Named stacks only, still in order; an unreadable producer leaves its values unset.
    let eks = "genai-demo-production-eks-ap-northeast-2";
    let (code, out, log_text) = run(
        &["apply", eks, routes],
        &[("UNREADABLE", "genai-demo-production-network-ap-northeast-2")],
    );
    assert_eq!(code, 0, "{out}");
    let in_order: Vec<String> = order.iter().filter(|s| *s == eks || *s == routes).cloned().collect();
    assert_eq!(in_order.len(), 2);
    assert_eq!(ran(&log_text, "apply"), in_order, "named stacks run in manifest order");
    assert!(!log_text.contains("TF_VAR_private_subnet_ids"), "{log_text}");
    assert!(
        out.contains(&format!(
            "apply.sh: {eks}: cannot read output private_subnet_ids of genai-demo-production-network-ap-northeast-2"
        )),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_stack_folder_is_fmt_clean_and_validates() {
    let test = "every_stack_folder_is_fmt_clean_and_validates";
    if crate::common::require_tool("terraform", test).is_none() || cli_config().is_none() {
        return;
    }
    let started = std::time::Instant::now();
    let dir = tempdir("stacks-validate");
    let mut queue: Vec<(String, PathBuf)> = Vec::new();
    for env in ENVIRONMENTS {
        let files = stacks_of(&plan_of(env, &shipped(env)));
        write_files(&dir.join(env), &files);
        for stack in folders(&files).keys() {
            queue.push((format!("{env} {stack}"), dir.join(env).join("terraform").join(stack)));
        }
    }
    let count = queue.len();
    let queue = Mutex::new(queue);
    let failures = Mutex::new(Vec::new());
    // Two at a time: `init` takes turns (the plugin cache is shared), `validate` runs beside it.
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let Some((label, module)) = queue.lock().expect("queue").pop() else {
                    break;
                };
                let fmt = terraform(&module, &["fmt", "-check", "-diff", "-no-color"], &[]);
                if fmt.code != 0 {
                    failures
                        .lock()
                        .expect("failures")
                        .push(format!("{label}: fmt:\n{}", fmt.stdout));
                    continue;
                }
                init(&module);
                let v = terraform(&module, &["validate", "-no-color"], &[]);
                let warned = v.stdout.contains("Warning:") || v.stderr.contains("Warning:");
                if v.code != 0 || warned {
                    failures
                        .lock()
                        .expect("failures")
                        .push(format!("{label}: validate:\n{}\n{}", v.stdout, v.stderr));
                }
            });
        }
    });
    let failures = failures.into_inner().expect("failures");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    println!(
        "{count} stack folders of {} environments: fmt clean, init and validate pass ({:.0?})",
        ENVIRONMENTS.len(),
        started.elapsed()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn apply_sh_applies_two_way_replication_once_the_primarys_buckets_exist() {
    // `global` is active-active: each secondary's buckets replicate into the primary's too.
    let dir = tempdir("apply-sh-two-way");
    let plan = plan_of("global", &shipped("global"));
    let (path, log) = with_fake_terraform(&dir, &stacks_of(&plan));
    let o = std::process::Command::new("bash")
        .arg(dir.join("terraform/apply.sh"))
        .arg("apply")
        .env("PATH", &path)
        .env("LOG", &log)
        .env("TF_PLUGIN_CACHE_DIR", dir.join("cache"))
        .env_remove("AWS_ENDPOINT_URL")
        .output()
        .expect("apply.sh");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&log).expect("log");
    let lines: Vec<&str> = text.lines().collect();
    let primary = plan
        .stacks
        .iter()
        .find(|s| s.layer == mrgen::plan::Layer::Storage && s.region == plan.regions[0])
        .expect("the primary's storage");
    let primary_at = lines
        .iter()
        .position(|l| *l == format!("apply {}", primary.name))
        .expect("the primary's storage applied");
    let deferred: Vec<&Stack> = plan.stacks.iter().filter(|s| s.final_pass_after.is_some()).collect();
    assert_eq!(deferred.len(), plan.regions.len() - 1);
    for s in deferred {
        let applies: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| **l == format!("apply {}", s.name))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(applies.len(), 2, "{}: applied {} times:\n{text}", s.name, applies.len());
        // The first pass targets everything but the replication configurations; the final one
        // comes after the primary's buckets and targets nothing.
        let targets = |from: usize| -> Vec<&str> {
            lines[from + 1..]
                .iter()
                .take_while(|l| !l.starts_with("apply ") && !l.starts_with("plan ") && !l.starts_with("destroy "))
                .filter_map(|l| l.strip_prefix("-target="))
                .collect()
        };
        let first = targets(applies[0]);
        assert!(
            applies[0] < primary_at && applies[1] > primary_at,
            "{}:\n{text}",
            s.name
        );
        assert!(
            first.iter().any(|t| t.starts_with("aws_s3_bucket.")),
            "{}: {first:?}",
            s.name
        );
        assert!(
            !first
                .iter()
                .any(|t| t.starts_with("aws_s3_bucket_replication_configuration.")),
            "{}: {first:?}",
            s.name
        );
        assert!(targets(applies[1]).is_empty(), "{}", s.name);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
