//! The stacks layout on moto (SPEC sections 5.5 and 6): `terraform/apply.sh` applies production's
//! stacks in manifest order against a local `moto_server`, a plan right after is clean in every
//! stack, and then, with the primary region's endpoint pointed at a closed port, a secondary
//! region's stack still plans and applies a change. Production is rendered with the id of the
//! hosted zone made on moto first, and its ingress layer and alias records are checked there as
//! in `moto_tf.rs`.
//!
//! What moto cannot hold is left out as in `moto_tf.rs` (the same table), now per stack: with
//! `-target` on everything else, passed to every `terraform apply` and `plan` that `apply.sh`
//! runs through Terraform's own `TF_CLI_ARGS_apply` / `TF_CLI_ARGS_plan` (a target that is not in
//! a module is ignored there). An output that reads a left-out resource is not applied either,
//! so a later stack that takes it gets a placeholder in a `zz_moto_placeholders.auto.tfvars`
//! file of its folder (which Terraform prefers to the `TF_VAR_` that `apply.sh` could not
//! read), and whatever reads such a variable is left out too. Each stack's provider is pointed
//! at moto by a `zz_moto_override.tf` in its folder; the rendered files never mention a mock.
//!
//! The change during the outage is the one a failover asks for (SPEC 5.4): the writer moves to
//! the secondary (`-c genai-demo:multi-region.writer=ap-northeast-2`, rendered into the same
//! folder, which also proves that state, override and placeholder files survive a render), so
//! the DR node group takes the writer's sizing: its `min_size` and `max_size` change. (Its
//! `desired_size` is under `ignore_changes`: the autoscaler and the runbook's scale-up set it,
//! and a plan must not undo them, so Terraform never changes it after creation.) moto reads node
//! groups back wrongly (`moto_tf.rs`: it invents a `remote_access` block, which makes any plan
//! replace the group), so the node group is left out of the clean-plan check; it is created
//! beforehand, while every region answers, and the outage apply changes its sizing (on moto by
//! replacing it), which moto then reports. Every stack of the secondary region plans during the outage; the
//! primary's fail to.

use crate::common::moto::Moto;
use crate::common::{plan_with, require_tool, run_in, tempdir};
use crate::moto_tf::{
    check_ingress_on_moto, nodes_from_load_balancer, production_zone_on, reads_var, references, resources,
    targets_with, SERVICES,
};
use crate::terraform::{cli_config, init, plugin_cache};
use std::collections::{BTreeMap, BTreeSet};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const PRIMARY: &str = "ap-northeast-1";
const SECONDARY: &str = "ap-northeast-2";
const DR_EKS: &str = "genai-demo-production-eks-ap-northeast-2";
const DR_NODE_GROUP: &str = "aws_eks_node_group.eks_node_group_apne2";

/// The override that points a stack's provider(s) at `url` (few retries, so that a closed port
/// fails fast).
pub fn stack_override(module: &Path, url: &str) -> String {
    let text = std::fs::read_to_string(module.join("providers.tf")).expect("providers.tf");
    let body = hcl_edit::parser::parse_body(&text).expect("parse");
    let mut out = String::from("# Test only: the stack's provider talks to a local moto_server.\n");
    for p in body.get_blocks("provider") {
        let alias = p
            .body
            .get_attribute("alias")
            .map(|a| format!("  alias                       = {}\n", a.value));
        let region = p.body.get_attribute("region").expect("region").value.to_string();
        out.push_str(&format!(
            "\nprovider \"aws\" {{\n{}  region                      = {}\n  access_key                  = \"testing\"\n  secret_key                  = \"testing\"\n  skip_credentials_validation = true\n  skip_requesting_account_id  = true\n  skip_metadata_api_check     = true\n  s3_use_path_style           = true\n  max_retries                 = 2\n\n  endpoints {{\n",
            alias.unwrap_or_default(),
            region.trim()
        ));
        for s in SERVICES {
            out.push_str(&format!("    {s:<14} = \"{url}\"\n"));
        }
        out.push_str("  }\n}\n");
    }
    out
}

/// One input variable of a stack's module: (name, producing stack, its output, a list?), read
/// from `variables.tf` (each variable follows a `# From <stack>, output <output>.` line).
pub fn variables(module: &Path) -> Vec<(String, String, String, bool)> {
    let Ok(text) = std::fs::read_to_string(module.join("variables.tf")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut from: Option<(String, String)> = None;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some(rest) = line.strip_prefix("# From ") {
            let (stack, output) = rest.trim_end_matches('.').split_once(", output ").expect("from");
            from = Some((stack.to_string(), output.to_string()));
        } else if let Some(rest) = line.strip_prefix("variable \"") {
            let name = rest.split('"').next().expect("name").to_string();
            let (stack, output) = from.take().expect("a `# From` line before each variable");
            let list = lines.by_ref().take(4).any(|l| l.contains("list(string)"));
            out.push((name, stack, output, list));
        }
    }
    out
}

/// The outputs of a stack's module, each with the text of its value.
fn outputs(module: &Path) -> Vec<(String, String)> {
    let Ok(text) = std::fs::read_to_string(module.join("outputs.tf")) else {
        return Vec::new();
    };
    let body = hcl_edit::parser::parse_body(&text).expect("parse");
    body.get_blocks("output")
        .map(|b| (b.labels[0].as_str().to_string(), b.body.to_string()))
        .collect()
}

/// `bash terraform/apply.sh ARGS` with the test's Terraform configuration.
fn apply_sh(tf: &Path, args: &[&str], env: &[(&str, String)]) -> (i32, String) {
    let config = cli_config().expect("cli config");
    let mut c = Command::new("bash");
    c.arg(tf.join("apply.sh"))
        .args(args)
        .env("TF_CLI_CONFIG_FILE", config)
        .env("TF_PLUGIN_CACHE_DIR", plugin_cache())
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1")
        .env_remove("TF_LOG")
        .env_remove("AWS_ENDPOINT_URL");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("run apply.sh");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), plain(&text))
}

/// `text` without terminal colour sequences (`ESC [ … m`), which Terraform writes.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn targets_arg(targets: &BTreeSet<String>) -> String {
    targets
        .iter()
        .map(|t| format!("-target={t}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A local port that nothing listens on.
pub fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// `mrgen render production --format terraform --out OUT`, with these `-c` overrides.
fn render_terraform(out: &str, contexts: &[&str]) -> crate::common::Run {
    let mut args = vec!["render", "production", "--format", "terraform", "--out", out];
    for c in contexts {
        args.extend(["-c", c]);
    }
    run_in(&crate::common::root(), &args)
}

#[test]
fn production_stacks_apply_on_moto_and_a_secondary_plans_and_applies_while_the_primary_is_down() {
    let test = "production_stacks_apply_on_moto_and_a_secondary_plans_and_applies_while_the_primary_is_down";
    let (Some(_), Some(server), Some(aws), Some(_)) = (
        require_tool("terraform", test),
        require_tool("moto_server", test),
        require_tool("aws", test),
        cli_config(),
    ) else {
        return;
    };
    let started = Instant::now();
    let dir = tempdir("moto-stacks");
    let out = dir.join("out");
    let out_arg = out.display().to_string();
    let moto = Moto::start(&server, aws, dir.join("moto.log"));
    let zone = production_zone_on(&moto);
    let r = render_terraform(&out_arg, &[&zone.context]);
    assert_eq!(r.code, 0, "render: {}", r.stderr);
    let tf = out.join("terraform");
    let (code, list) = apply_sh(&tf, &["list"], &[]);
    assert_eq!(code, 0, "{list}");
    let stacks: Vec<(String, String)> = list
        .lines()
        .map(|l| {
            let (s, r) = l.split_once(' ').expect("stack region");
            (s.to_string(), r.to_string())
        })
        .collect();
    assert_eq!(stacks.len(), 21, "{list}");
    for (stack, _) in &stacks {
        let module = tf.join(stack);
        std::fs::write(
            module.join("zz_moto_override.tf"),
            stack_override(&module, &moto.endpoint),
        )
        .expect("override");
    }

    // What each stack applies, in manifest order: what moto holds, without what reads a value
    // that an earlier stack could not give.
    let mut targets: BTreeSet<String> = BTreeSet::new();
    let mut missing: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut placeholders: Vec<String> = Vec::new();
    let (mut applied, mut total) = (0, 0);
    println!("moto: what each stack leaves out");
    for (stack, _) in &stacks {
        let module = tf.join(stack);
        let mut unset = Vec::new();
        let mut tfvars = String::from("# Test only: values whose producing resource moto cannot hold.\n");
        for (name, from, output, list) in variables(&module) {
            if missing.get(&from).is_some_and(|m| m.contains(&output)) {
                let value = if list {
                    format!("[\"placeholder-{name}-a\", \"placeholder-{name}-b\", \"placeholder-{name}-c\"]")
                } else {
                    format!("\"placeholder-{name}\"")
                };
                tfvars.push_str(&format!("{name} = {value}\n"));
                placeholders.push(format!("{stack}: var.{name} ({from} has no output {output})"));
                unset.push(name);
            }
        }
        if !unset.is_empty() {
            std::fs::write(module.join("zz_moto_placeholders.auto.tfvars"), tfvars).expect("tfvars");
        }
        let all = resources(&module);
        let (these, left_out) = targets_with(&all, &unset);
        for (address, why) in &left_out {
            println!("  {stack}: {address}: {why}");
        }
        (applied, total) = (applied + these.len(), total + all.len());
        let gone: BTreeSet<String> = outputs(&module)
            .into_iter()
            .filter(|(_, body)| {
                references(body).iter().any(|r| left_out.contains_key(r)) || unset.iter().any(|v| reads_var(body, v))
            })
            .map(|(name, _)| name)
            .collect();
        missing.insert(stack.clone(), gone);
        targets.extend(these);
    }
    println!("moto: placeholders for values that were left out:");
    for p in &placeholders {
        println!("  {p}");
    }
    println!("moto: applying {applied} of {total} resources");
    assert!(applied > 100, "most of production applies");
    assert!(!targets.contains(DR_NODE_GROUP), "the node group is left out");

    // The shared plugin cache is filled under the tests' init lock first: apply.sh's own inits
    // then take the cached provider (the tests' CLI config lets them), never writing the cache.
    init(&tf.join(&stacks[0].0));

    // One run of apply.sh: every stack, in manifest order.
    let t = Instant::now();
    let (code, log) = apply_sh(&tf, &["apply"], &[("TF_CLI_ARGS_apply", targets_arg(&targets))]);
    assert_eq!(code, 0, "apply.sh apply on moto:\n{log}");
    // Terraform's last line may lack its newline: the headings are found anywhere.
    let order: Vec<&str> = log
        .match_indices("==> ")
        .filter_map(|(at, m)| log[at + m.len()..].split(' ').next())
        .collect();
    let expected: Vec<&str> = stacks.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(order, expected, "apply.sh applies in manifest order:\n{log}");
    println!("moto: apply.sh apply: {} stacks in {:.0?}", order.len(), t.elapsed());
    let t = Instant::now();
    let (code, log) = apply_sh(&tf, &["plan"], &[("TF_CLI_ARGS_plan", targets_arg(&targets))]);
    assert_eq!(code, 0, "the plan after apply is not clean:\n{log}");
    assert!(log.contains("apply.sh: no changes in any stack"), "{log}");
    println!("moto: apply.sh plan: no changes in any stack ({:.0?})", t.elapsed());
    let production = plan_with("production", &[&zone.context]);
    for rule in nodes_from_load_balancer(&production) {
        assert!(
            !targets.contains(&rule),
            "{rule} is left out, as INGRESS_NOT_ON_MOTO says"
        );
    }
    check_ingress_on_moto(&moto, &production, &zone.id);
    for (stack, _) in &stacks {
        assert!(
            tf.join(stack).join("terraform.tfstate").is_file(),
            "{stack} has a state of its own"
        );
    }

    // The peering, accepted by the secondary's stack.
    let peerings = moto.ok(PRIMARY, &["ec2", "describe-vpc-peering-connections"]);
    let list = peerings["VpcPeeringConnections"].as_array().expect("a list");
    let p = list
        .iter()
        .find(|p| p["RequesterVpcInfo"]["Region"] == PRIMARY && p["AccepterVpcInfo"]["Region"] == SECONDARY)
        .unwrap_or_else(|| panic!("no cross-region peering in moto: {peerings:#}"));
    assert_eq!(p["Status"]["Code"], "active", "{p:#}");
    // Peering DNS resolution stays off in both backends (README, "What the output holds").
    assert_eq!(
        p["AccepterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"], false,
        "{p:#}"
    );
    println!("moto: peering {} is active", p["VpcPeeringConnectionId"]);

    // apply.sh honours AWS_ENDPOINT_URL: a stack without its override file reaches moto through
    // it alone (the provider reads it; changes are allowed here: without the override's
    // settings the provider reads some attributes back otherwise).
    let probe = "genai-demo-production-network-ap-northeast-2";
    let over = tf.join(probe).join("zz_moto_override.tf");
    let saved = std::fs::read_to_string(&over).expect("override");
    std::fs::remove_file(&over).expect("remove the override");
    let (code, log) = apply_sh(
        &tf,
        &["plan", probe],
        &[
            ("TF_CLI_ARGS_plan", targets_arg(&targets)),
            ("AWS_ENDPOINT_URL", moto.endpoint.clone()),
            ("AWS_ACCESS_KEY_ID", "testing".into()),
            ("AWS_SECRET_ACCESS_KEY", "testing".into()),
            ("AWS_CONFIG_FILE", "/nonexistent/mrgen-aws-config".into()),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                "/nonexistent/mrgen-aws-credentials".into(),
            ),
        ],
    );
    std::fs::write(&over, saved).expect("restore the override");
    assert!(
        (code == 0 || code == 2) && log.contains("AWS_ENDPOINT_URL is set"),
        "{probe} through AWS_ENDPOINT_URL (exit {code}):\n{log}"
    );
    println!("moto: {probe} plans through AWS_ENDPOINT_URL alone (exit {code})");

    // The DR node group, created while every region answers.
    let dr: BTreeSet<String> = targets.iter().cloned().chain([DR_NODE_GROUP.to_string()]).collect();
    let (code, log) = apply_sh(&tf, &["apply", DR_EKS], &[("TF_CLI_ARGS_apply", targets_arg(&dr))]);
    assert_eq!(code, 0, "the DR node group:\n{log}");
    let scaling = |moto: &Moto| {
        let cluster = "genai-demo-production-eks-apne2";
        let groups = moto.ok(SECONDARY, &["eks", "list-nodegroups", "--cluster-name", cluster]);
        let name = groups["nodegroups"][0].as_str().expect("a node group").to_string();
        let g = moto.ok(
            SECONDARY,
            &[
                "eks",
                "describe-nodegroup",
                "--cluster-name",
                cluster,
                "--nodegroup-name",
                &name,
            ],
        );
        let c = &g["nodegroup"]["scalingConfig"];
        (c["minSize"].as_i64().expect("min"), c["maxSize"].as_i64().expect("max"))
    };
    assert_eq!(scaling(&moto), (2, 10), "the DR sizing of production-dr");

    // The outage: every stack of the primary region now talks to a closed port.
    let dead = format!("http://127.0.0.1:{}", closed_port());
    for (stack, region) in &stacks {
        if region == PRIMARY {
            let module = tf.join(stack);
            std::fs::write(module.join("zz_moto_override.tf"), stack_override(&module, &dead)).expect("override");
        }
    }
    let primary_eks = "genai-demo-production-eks-ap-northeast-1";
    let t = Instant::now();
    let (code, log) = apply_sh(
        &tf,
        &["plan", primary_eks],
        &[("TF_CLI_ARGS_plan", targets_arg(&targets))],
    );
    assert_eq!(code, 1, "the primary's stack cannot plan:\n{log}");
    println!(
        "moto: with {PRIMARY} down, its eks stack fails to plan ({:.0?}): {}",
        t.elapsed(),
        last_lines(&log, 3).replace('\n', " ")
    );

    // The failover's change, rendered into the same folder: state, overrides and placeholders
    // stay.
    let context = format!("genai-demo:multi-region.writer={SECONDARY}");
    let kept: Vec<PathBuf> = [
        "zz_moto_override.tf",
        "terraform.tfstate",
        ".terraform.lock.hcl",
        ".terraform",
    ]
    .iter()
    .map(|f| tf.join(DR_EKS).join(f))
    .chain([tf.join("genai-demo-production-aurora-ap-northeast-2/zz_moto_placeholders.auto.tfvars")])
    .collect();
    let r = render_terraform(&out_arg, &[&zone.context, &context]);
    assert_eq!(r.code, 0, "render with {context}: {}", r.stderr);
    for k in &kept {
        assert!(k.exists(), "{} survived the render", k.display());
    }
    for (stack, region) in &stacks {
        if region != SECONDARY {
            continue;
        }
        let t = Instant::now();
        let (code, log) = apply_sh(&tf, &["plan", stack], &[("TF_CLI_ARGS_plan", targets_arg(&dr))]);
        assert!(
            code == 0 || code == 2,
            "{stack} plans while {PRIMARY} is down (exit {code}):\n{log}"
        );
        let changed = if code == 2 { "changes" } else { "no changes" };
        println!(
            "moto: with {PRIMARY} down, {stack} plans: {changed} ({:.0?})",
            t.elapsed()
        );
        if stack == DR_EKS {
            let line = |attr: &str, change: &str| {
                log.lines()
                    .any(|l| l.trim_start().starts_with(&format!("~ {attr} ")) && l.ends_with(change))
            };
            assert!(
                line("min_size", "2 -> 3") && line("max_size", "10 -> 12"),
                "the DR node group takes the writer's sizing:\n{log}"
            );
        }
    }
    let t = Instant::now();
    let (code, log) = apply_sh(&tf, &["apply", DR_EKS], &[("TF_CLI_ARGS_apply", targets_arg(&dr))]);
    assert_eq!(code, 0, "the DR stack applies while {PRIMARY} is down:\n{log}");
    assert_eq!(scaling(&moto), (3, 12), "moto has the writer's sizing");
    println!(
        "moto: with {PRIMARY} down, {DR_EKS} applied min 2 -> 3, max 10 -> 12 ({:.0?}); moto reports them; whole test {:.0?}",
        t.elapsed(),
        started.elapsed()
    );
    drop(moto);
    let _ = std::fs::remove_dir_all(&dir);
}
