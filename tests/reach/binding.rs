//! `kubernetes/<region>/target-group-binding.yaml` binds the pods of the application (the
//! namespace and service account that get its identity) to the target group that the region's
//! load balancer forwards to, by the name both backends give that target group, on its port.
//! The YAML is read by PyYAML (from the virtualenv the tests install checkov into), not by
//! mrgen's own parser.

use crate::common::{render_env, shipped_environments, File};
use serde_json::Value;
use std::process::Command;

fn yaml_to_json(python: &std::path::Path, text: &str) -> Value {
    let out = Command::new(python)
        .args([
            "-c",
            "import json,sys,yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().expect("stdin").write_all(text.as_bytes())?;
            c.wait_with_output()
        })
        .expect("python");
    assert!(out.status.success(), "PyYAML refused the binding:\n{text}");
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn template(files: &[File], stack: &str) -> Option<Value> {
    let path = format!("cloudformation/{stack}.template.json");
    files
        .iter()
        .find(|f| f.path == path)
        .map(|f| serde_json::from_str(&f.contents).expect("template"))
}

#[test]
fn each_binding_names_its_regions_target_group_and_the_applications_pods() {
    let test = "reach::binding::each_binding_names_its_regions_target_group_and_the_applications_pods";
    let Some(python) = crate::common::tools::python(test) else {
        return;
    };
    let mut bound = 0;
    for env in shipped_environments() {
        let files = render_env(&env);
        let manifest: Value = serde_json::from_str(
            &files
                .iter()
                .find(|f| f.path == "manifest.json")
                .expect("manifest")
                .contents,
        )
        .expect("manifest");
        for s in manifest["stacks"].as_array().expect("stacks") {
            let (name, region) = (s["name"].as_str().unwrap(), s["region"].as_str().unwrap());
            if s["layer"] != "ingress" {
                continue;
            }
            let path = format!("kubernetes/{region}/target-group-binding.yaml");
            let file = files
                .iter()
                .find(|f| f.path == path)
                .unwrap_or_else(|| panic!("{env}: no {path}"));
            let b = yaml_to_json(&python, &file.contents);
            assert_eq!(b["apiVersion"], "elbv2.k8s.aws/v1beta1", "{env} {path}");
            assert_eq!(b["kind"], "TargetGroupBinding", "{env} {path}");
            let t = template(&files, name).expect("ingress template");
            let tg = &t["Resources"]["TargetGroup"]["Properties"];
            assert_eq!(b["spec"]["targetGroupName"], tg["Name"], "{env} {path}");
            assert_eq!(b["spec"]["targetType"], tg["TargetType"], "{env} {path}");
            assert_eq!(b["spec"]["serviceRef"]["port"], tg["Port"], "{env} {path}");
            // The same name in Terraform's target group of that region.
            let tf = files
                .iter()
                .find(|f| f.path == format!("terraform/{name}/ingress.tf"))
                .expect("the ingress stack's module");
            let tg_name = b["spec"]["targetGroupName"].as_str().unwrap();
            assert!(
                tf.contents.contains(&format!("name        = \"{tg_name}\"")),
                "{env} {path}: Terraform names the target group otherwise"
            );
            // The pods that get the application's identity.
            let eks = template(&files, &name.replace("-ingress-", "-eks-")).expect("eks template");
            let pia = eks["Resources"]
                .as_object()
                .unwrap()
                .values()
                .find(|r| r["Type"] == "AWS::EKS::PodIdentityAssociation")
                .expect("Pod Identity association");
            assert_eq!(
                b["metadata"]["namespace"], pia["Properties"]["Namespace"],
                "{env} {path}"
            );
            assert_eq!(
                b["spec"]["serviceRef"]["name"], pia["Properties"]["ServiceAccount"],
                "{env} {path}"
            );
            bound += 1;
        }
        let bindings = files.iter().filter(|f| f.path.starts_with("kubernetes/")).count();
        let ingress = manifest["stacks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["layer"] == "ingress")
            .count();
        assert_eq!(bindings, ingress, "{env}: one binding per ingress stack");
    }
    assert!(bound >= 4, "{bound} bindings checked");
}
