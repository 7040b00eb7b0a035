//! What the second `apply.sh apply` would do to a stack, given what AWS reports after the first.
//!
//! The state after the first apply is the provider's own where moto can create the resources (the
//! network stack is applied on moto), and otherwise built from the first plan itself (`terraform
//! show -json` of a plan against an empty state: every value the configuration asks for, each with
//! its resource's schema version). Either way the attributes AWS reports differently from what the
//! configuration says are then put in, and the second plan is made from that state without
//! refreshing, with hashicorp/aws 5.100 from the local mirror: it must neither replace what the
//! first apply created nor undo what AWS reports. That is the provider's own diff, not an
//! expectation of ours, so a template that lets the provider undo what AWS reports fails here.

use crate::common::moto::Moto;
use crate::common::{plan_with, require_tool, tempdir, write_files, File};
use crate::moto_tf::SERVICES;
use crate::terraform::{cli_config, init, terraform};
use mrgen::render::tf;
use serde_json::{json, Value};
use std::path::Path;

/// Provider settings that need no AWS account: the plan below makes no call.
const OFFLINE: &str = r#"provider "aws" {
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
"#;

/// The state after a first apply of the module in `dir`: the first plan's values (and the data
/// sources it read), with `reported` (resource address → attributes) laid over them.
fn state_after_first_apply(dir: &Path, reported: &[(&str, Value)]) -> Value {
    let r = terraform(dir, &["plan", "-input=false", "-no-color", "-out=first.tfplan"], &[]);
    assert_eq!(r.code, 0, "first plan:\n{}\n{}", r.stdout, r.stderr);
    let r = terraform(dir, &["show", "-json", "first.tfplan"], &[]);
    assert_eq!(r.code, 0, "show: {}", r.stderr);
    let first: Value = serde_json::from_str(&r.stdout).expect("plan JSON");
    let planned = first["planned_values"]["root_module"]["resources"]
        .as_array()
        .expect("planned resources");
    // The data sources the first plan read are in its prior state.
    let read = first["prior_state"]["values"]["root_module"]["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut resources = Vec::new();
    for res in planned.iter().chain(&read) {
        let address = res["address"].as_str().expect("address");
        let mut attributes = res["values"].clone();
        attributes["id"] = json!(format!("id-of-{address}"));
        for (at, values) in reported.iter().filter(|(at, _)| *at == address) {
            // An attribute the provider does not have would stop the plan below.
            for (k, v) in values.as_object().unwrap_or_else(|| panic!("{at}: attributes")) {
                attributes[k] = v.clone();
            }
        }
        resources.push(json!({
            "mode": res["mode"],
            "type": res["type"],
            "name": res["name"],
            "provider": format!("provider[\"{}\"]", res["provider_name"].as_str().expect("provider")),
            "instances": [{ "schema_version": res["schema_version"], "attributes": attributes }],
        }));
    }
    for (at, _) in reported {
        assert!(
            planned.iter().any(|r| r["address"] == *at),
            "{at} is not in the first plan"
        );
    }
    json!({
        "version": 4,
        "terraform_version": "1.11.0",
        "serial": 1,
        "lineage": "0b5e7c1a-2f4d-4c3b-9a8e-5d6f7a8b9c0d",
        "outputs": {},
        "resources": resources,
    })
}

/// The literal value of the first argument `name = value` in `text` (quotes taken off).
fn argument(text: &str, name: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let rest = l.trim().strip_prefix(name)?.trim_start().strip_prefix('=')?;
        Some(rest.trim().trim_matches('"').to_string())
    })
}

/// The second plan of `targets` (and what they depend on) in the module in `dir`, from `state`:
/// the planned change of each target (`terraform show -json`: `actions`, `before`, `after`), and
/// the plan's text.
fn second_plan(dir: &Path, state: &Value, targets: &[String]) -> (Vec<Value>, String) {
    std::fs::write(dir.join("terraform.tfstate"), state.to_string()).expect("state");
    let only: Vec<String> = targets.iter().map(|t| format!("-target={t}")).collect();
    let mut args = vec![
        "plan",
        "-refresh=false",
        "-input=false",
        "-no-color",
        "-out=second.tfplan",
    ];
    args.extend(only.iter().map(String::as_str));
    let r = terraform(dir, &args, &[]);
    assert_eq!(r.code, 0, "second plan:\n{}\n{}", r.stdout, r.stderr);
    let text = r.stdout;
    let r = terraform(dir, &["show", "-json", "second.tfplan"], &[]);
    assert_eq!(r.code, 0, "show: {}", r.stderr);
    let second: Value = serde_json::from_str(&r.stdout).expect("plan JSON");
    let changes = second["resource_changes"].as_array().expect("resource changes");
    let of = |target: &String| {
        changes
            .iter()
            .find(|c| c["address"] == target.as_str())
            .unwrap_or_else(|| panic!("{target} is not in the second plan:\n{text}"))["change"]
            .clone()
    };
    (targets.iter().map(of).collect(), text)
}

/// The Global Datastore's secondary: AWS reports the datastore's engine on every member, and a
/// secondary cannot name it (the provider refuses `engine` beside `global_replication_group_id`).
/// Provider 5.100 then compares that engine with its default, `redis`, and for a Valkey datastore
/// replaces the secondary on every apply after the first (provider issues 40786 and 42592).
#[test]
fn a_second_apply_leaves_the_global_datastore_secondary_alone() {
    const TEST: &str = "a_second_apply_leaves_the_global_datastore_secondary_alone";
    let (Some(_), Some(_)) = (require_tool("terraform", TEST), cli_config()) else {
        return;
    };
    let plan = plan_with("production", &[]);
    let files = tf::try_render(&plan, tf::Layout::Stacks).expect("render");
    // The secondary's stack: the Redis stack whose replication group joins the global group; the
    // engine AWS reports on it is the one the primary was created with.
    let redis: Vec<_> = files.iter().filter(|f| f.path.ends_with("/redis.tf")).collect();
    let secondary = redis
        .iter()
        .find(|f| f.contents.contains("global_replication_group_id = var."))
        .unwrap_or_else(|| {
            panic!(
                "no secondary among {:?}",
                redis.iter().map(|f| &f.path).collect::<Vec<_>>()
            )
        });
    let engine = redis
        .iter()
        .find_map(|f| argument(&f.contents, "engine"))
        .expect("the primary names its engine");
    assert_eq!(
        engine, "valkey",
        "production's datastore runs Valkey, the case provider 5.100 gets wrong"
    );
    let (dir, module, _) = stack_folder("second-apply-redis", &files, |f| f.path == secondary.path);
    std::fs::write(module.join("zz_offline_override.tf"), OFFLINE).expect("override");
    // The values apply.sh passes from the earlier stacks.
    let variables = std::fs::read_to_string(module.join("variables.tf")).expect("variables.tf");
    let declared: Vec<&str> = variables
        .lines()
        .filter_map(|l| l.strip_prefix("variable \"")?.split('"').next())
        .collect();
    assert_eq!(
        declared,
        [
            "cache_security_group_id",
            "global_replication_group_id",
            "kms_key_arn",
            "private_subnet_ids"
        ],
        "the secondary's inputs (give the new ones a value below)"
    );
    std::fs::write(
        module.join("terraform.tfvars"),
        "cache_security_group_id     = \"sg-0123456789abcdef0\"\n\
         global_replication_group_id = \"ldgnf-genai-demo-production-redis\"\n\
         kms_key_arn                 = \"arn:aws:kms:ap-northeast-2:111122223333:key/mrk-0123456789abcdef0123456789abcdef\"\n\
         private_subnet_ids          = [\"subnet-0a\", \"subnet-0b\", \"subnet-0c\"]\n",
    )
    .expect("tfvars");
    init(&module);
    let group = secondary
        .contents
        .lines()
        .find_map(|l| l.strip_prefix("resource \"aws_elasticache_replication_group\" \""))
        .and_then(|rest| rest.split('"').next())
        .expect("the replication group");
    let address = format!("aws_elasticache_replication_group.{group}");
    // What AWS reports beside the engine, where the first plan left the value to AWS: no
    // EC2-Classic security group names (without them the provider replaces the group), and the
    // group's nodes, which ElastiCache names after it (`<id>-001`, ...).
    let id = argument(&secondary.contents, "replication_group_id").expect("the group's id");
    let nodes: usize = argument(&secondary.contents, "num_cache_clusters")
        .and_then(|n| n.parse().ok())
        .expect("the group's node count");
    let members: Vec<String> = (1..=nodes).map(|i| format!("{id}-{i:03}")).collect();
    let reported = json!({ "engine": engine, "security_group_names": [], "member_clusters": members });
    let state = state_after_first_apply(&module, &[(&address, reported)]);
    let (changes, out) = second_plan(&module, &state, std::slice::from_ref(&address));
    let change = &changes[0];
    let actions = &change["actions"];
    assert!(
        !actions.as_array().expect("actions").iter().any(|a| a == "delete"),
        "the second apply must not replace the secondary: {actions}\n{out}"
    );
    assert_eq!(
        change["after"]["engine"], change["before"]["engine"],
        "the second apply must leave the engine AWS reports:\n{out}"
    );
    println!("{address}: the second plan, with the engine AWS reports ({engine}), keeps it ({actions})");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The files of the stack folder whose `file` satisfies `pick`, written into a fresh test
/// folder: (the test folder, the stack folder in it, that file).
fn stack_folder(
    label: &str,
    files: &[File],
    pick: impl Fn(&File) -> bool,
) -> (std::path::PathBuf, std::path::PathBuf, File) {
    let file = files.iter().find(|f| pick(f)).expect("the stack's file").clone();
    let folder = file.path.rsplit_once('/').expect("a stack folder").0;
    let dir = tempdir(label);
    let mine: Vec<File> = files
        .iter()
        .filter(|f| f.path.starts_with(&format!("{folder}/")))
        .cloned()
        .collect();
    write_files(&dir, &mine);
    let module = dir.join(folder);
    (dir, module, file)
}

/// Subnets take the region's N-th available zone, and Terraform reads the zone list again on
/// every plan: when a zone's state leaves `available`, the zones after it move up the list. A
/// subnet that was created in one zone and finds another at its index must stay where it is.
/// The network stack is applied on moto, which serves the zone list; its state then says that
/// every subnet was created in the zone one place further along the list.
#[test]
fn a_second_apply_keeps_each_subnet_in_its_zone() {
    const TEST: &str = "a_second_apply_keeps_each_subnet_in_its_zone";
    let (Some(_), Some(server), Some(aws), Some(_)) = (
        require_tool("terraform", TEST),
        require_tool("moto_server", TEST),
        require_tool("aws", TEST),
        cli_config(),
    ) else {
        return;
    };
    let plan = plan_with("production", &[]);
    let files = tf::try_render(&plan, tf::Layout::Stacks).expect("render");
    let (dir, module, network) = stack_folder("second-apply-subnets", &files, |f| {
        f.path.contains("-network-") && f.path.ends_with("/network.tf")
    });
    assert!(!module.join("variables.tf").exists(), "a network stack takes no input");
    let moto = Moto::start(&server, aws, dir.join("moto.log"));
    let endpoints: String = SERVICES
        .iter()
        .map(|s| format!("    {s:<14} = \"{}\"\n", moto.endpoint))
        .collect();
    std::fs::write(
        module.join("zz_moto_override.tf"),
        OFFLINE.replace("}\n", &format!("\n  endpoints {{\n{endpoints}  }}\n}}\n")),
    )
    .expect("override");
    init(&module);
    // The first apply, on moto, of the subnets and what they need (the VPC, the zone list): the
    // state is the provider's own. The rest of the stack has no part in this and would only
    // load a machine that runs the other moto tests at the same time.
    let targets: Vec<String> = network
        .contents
        .lines()
        .filter_map(|l| l.strip_prefix("resource \"aws_subnet\" \""))
        .filter_map(|rest| rest.split('"').next())
        .map(|name| format!("-target=aws_subnet.{name}"))
        .collect();
    let mut apply = vec!["apply", "-auto-approve", "-input=false", "-no-color"];
    apply.extend(targets.iter().map(String::as_str));
    let r = terraform(&module, &apply, &[]);
    assert_eq!(r.code, 0, "first apply on moto:\n{}\n{}", r.stdout, r.stderr);
    let r = terraform(&module, &["state", "pull"], &[]);
    assert_eq!(r.code, 0, "state pull: {}", r.stderr);
    let mut state: Value = serde_json::from_str(&r.stdout).expect("state JSON");
    state["serial"] = json!(state["serial"].as_u64().unwrap_or(0) + 1);
    let resources = state["resources"].as_array_mut().expect("resources");
    let names: Vec<Value> = resources
        .iter()
        .find(|r| r["mode"] == "data" && r["type"] == "aws_availability_zones")
        .and_then(|r| r["instances"][0]["attributes"]["names"].as_array().cloned())
        .expect("the zone list");
    assert!(names.len() >= 3, "moto lists the region's zones: {names:?}");
    let mut subnets = Vec::new();
    for r in resources.iter_mut().filter(|r| r["type"] == "aws_subnet") {
        let zone = &mut r["instances"][0]["attributes"]["availability_zone"];
        let at = names
            .iter()
            .position(|n| n == zone)
            .unwrap_or_else(|| panic!("{zone} is listed"));
        *zone = names[(at + 1) % names.len()].clone();
        subnets.push(format!("aws_subnet.{}", r["name"].as_str().expect("name")));
    }
    assert_eq!(
        subnets.len(),
        network.contents.matches("resource \"aws_subnet\"").count(),
        "every subnet is in the state"
    );
    let (changes, out) = second_plan(&module, &state, &subnets);
    for (subnet, change) in subnets.iter().zip(&changes) {
        assert!(
            !change["actions"]
                .as_array()
                .expect("actions")
                .iter()
                .any(|a| a == "delete"),
            "{subnet} must stay in the zone it was created in: {}\n{out}",
            change["actions"]
        );
    }
    println!(
        "{} subnets: created one zone further along the list, none is replaced",
        subnets.len()
    );
    drop(moto);
    let _ = std::fs::remove_dir_all(&dir);
}
