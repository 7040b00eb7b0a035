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
use crate::moto_stacks::{closed_port, stack_override, variables};
use crate::moto_tf::resources;
use crate::terraform::{cli_config, init, terraform};
use mrgen::plan::Kind;
use mrgen::render::tf;
use serde_json::{json, Value};
use std::path::Path;

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
    // The secondary: the replication group that joins the global group. AWS reports on it the
    // engine of the datastore, which the plan gives every member.
    let (stack, group) = plan
        .stacks
        .iter()
        .find_map(|s| {
            s.resources.iter().find_map(|r| match &r.kind {
                Kind::ReplicationGroup(g) if g.global_group.is_some() => Some((s, g)),
                _ => None,
            })
        })
        .expect("production has a Global Datastore secondary");
    assert_eq!(
        group.engine, "valkey",
        "production's datastore runs Valkey, the case provider 5.100 gets wrong"
    );
    let files = tf::try_render(&plan, tf::Layout::Stacks).expect("render");
    let (dir, module) = stack_folder("second-apply-redis", &files, &stack.name);
    // Nothing is asked of AWS (no data source, no refresh); a call would fail at once.
    let nowhere = format!("http://127.0.0.1:{}", closed_port());
    std::fs::write(module.join("zz_moto_override.tf"), stack_override(&module, &nowhere)).expect("override");
    // The values apply.sh passes from the earlier stacks.
    let declared: Vec<String> = variables(&module).into_iter().map(|(name, ..)| name).collect();
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
    let address = resources(&module)
        .into_iter()
        .find(|r| r.ty == "aws_elasticache_replication_group")
        .expect("the replication group")
        .address;
    // What AWS reports beside the engine, where the first plan left the value to AWS: no
    // EC2-Classic security group names (without them the provider replaces the group), and the
    // group's nodes, which ElastiCache names after it (`<id>-001`, ...).
    let members: Vec<String> = (1..=1 + group.replicas)
        .map(|i| format!("{}-{i:03}", group.id))
        .collect();
    let reported = json!({ "engine": group.engine, "security_group_names": [], "member_clusters": members });
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
    println!(
        "{address}: the second plan, with the engine AWS reports ({}), keeps it ({actions})",
        group.engine
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The files of stack `stack`'s folder, written into a fresh test folder: (the test folder, the
/// stack folder in it).
fn stack_folder(label: &str, files: &[File], stack: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let folder = format!("terraform/{stack}");
    let mine: Vec<File> = files
        .iter()
        .filter(|f| f.path.strip_prefix(&folder).is_some_and(|rest| rest.starts_with('/')))
        .cloned()
        .collect();
    assert!(!mine.is_empty(), "no folder {folder}");
    let dir = tempdir(label);
    write_files(&dir, &mine);
    let module = dir.join(folder);
    (dir, module)
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
    let network = plan
        .stacks
        .iter()
        .find(|s| s.name.contains("-network-"))
        .expect("a network stack");
    let files = tf::try_render(&plan, tf::Layout::Stacks).expect("render");
    let (dir, module) = stack_folder("second-apply-subnets", &files, &network.name);
    let moto = Moto::start(&server, aws, dir.join("moto.log"));
    std::fs::write(
        module.join("zz_moto_override.tf"),
        stack_override(&module, &moto.endpoint),
    )
    .expect("override");
    init(&module);
    // The first apply, on moto, of the subnets and what they need (the VPC, the zone list): the
    // state is the provider's own. The rest of the stack has no part in this and would only
    // load a machine that runs the other moto tests at the same time.
    let subnets: Vec<String> = resources(&module)
        .into_iter()
        .filter(|r| r.ty == "aws_subnet")
        .map(|r| r.address)
        .collect();
    assert!(subnets.len() >= 3, "{subnets:?}");
    let targets: Vec<String> = subnets.iter().map(|s| format!("-target={s}")).collect();
    let mut apply = vec!["apply", "-auto-approve", "-input=false", "-no-color"];
    apply.extend(targets.iter().map(String::as_str));
    let r = terraform(&module, &apply, &[]);
    assert_eq!(r.code, 0, "first apply on moto:\n{}\n{}", r.stdout, r.stderr);
    let r = terraform(&module, &["state", "pull"], &[]);
    assert_eq!(r.code, 0, "state pull: {}", r.stderr);
    let mut state: Value = serde_json::from_str(&r.stdout).expect("state JSON");
    let resources = state["resources"].as_array_mut().expect("resources");
    let names: Vec<Value> = resources
        .iter()
        .find(|r| r["mode"] == "data" && r["type"] == "aws_availability_zones")
        .and_then(|r| r["instances"][0]["attributes"]["names"].as_array().cloned())
        .expect("the zone list");
    assert!(names.len() >= 3, "moto lists the region's zones: {names:?}");
    let mut moved = 0;
    for r in resources.iter_mut().filter(|r| r["type"] == "aws_subnet") {
        let zone = &mut r["instances"][0]["attributes"]["availability_zone"];
        let at = names
            .iter()
            .position(|n| n == zone)
            .unwrap_or_else(|| panic!("{zone} is listed"));
        *zone = names[(at + 1) % names.len()].clone();
        moved += 1;
    }
    assert_eq!(moved, subnets.len(), "every subnet is in the state");
    let (changes, out) = second_plan(&module, &state, &subnets);
    for (subnet, change) in subnets.iter().zip(&changes) {
        assert!(
            !change["actions"]
                .as_array()
                .expect("actions")
                .iter()
                .any(|a| a == "delete")
                && change["after"]["availability_zone"] == change["before"]["availability_zone"],
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
