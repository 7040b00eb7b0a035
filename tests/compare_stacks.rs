//! Production's Terraform in the stacks layout as one text a reviewer reads (the
//! `render-production-terraform-stacks` snapshot): per stack folder, its files; `versions.tf`
//! when it is not the single module's; `providers.tf`, `variables.tf` and `outputs.tf` in full;
//! and the resource blocks of its layer file only where they differ from the same block (same
//! first line) of the single module, which has its own snapshots, as the changed lines alone.
//! The provider of the stack's own region is written `aws` there and `aws.<alias>` in the single
//! module; that difference is not repeated in every block. So a change to an attribute that both
//! layouts share shows in the single module's snapshot, not here.

use crate::common::File;
use similar::{ChangeTag, TextDiff};
use std::collections::BTreeMap;

/// True for a file of a stack's module (`terraform/<stack>/<file>`).
pub fn in_stack_folder(f: &File) -> bool {
    f.path.strip_prefix("terraform/").is_some_and(|rest| rest.contains('/'))
}

/// The top-level blocks of a `.tf` text, by first line (comments between blocks left out).
fn blocks(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut open = false;
    for line in text.lines() {
        if open {
            out.last_mut().expect("a block").1.push(line.to_string());
            open = line != "}";
        } else if !line.is_empty() && !line.starts_with('#') {
            out.push((line.to_string(), Vec::new()));
            open = line.ends_with('{');
        }
    }
    out
}

/// The description.
pub fn describe_stacks(files: &[File]) -> String {
    let single: BTreeMap<String, Vec<String>> = files
        .iter()
        .filter(|f| f.path.starts_with("terraform/") && !in_stack_folder(f) && f.path.ends_with(".tf"))
        .flat_map(|f| blocks(&f.contents))
        .collect();
    let single_versions = files
        .iter()
        .find(|f| f.path == "terraform/versions.tf")
        .map(|f| f.contents.clone());
    let mut folders: BTreeMap<&str, Vec<&File>> = BTreeMap::new();
    for f in files.iter().filter(|f| in_stack_folder(f)) {
        let (dir, _) = f.path["terraform/".len()..].split_once('/').expect("a folder");
        folders.entry(dir).or_default().push(f);
    }
    let mut out = String::from(
        "Production's stacks layout: per stack folder, its files, and where its resource blocks differ from the single module's.\n",
    );
    for (dir, files) in folders {
        out.push_str(&format!("\n## terraform/{dir}/\n"));
        let names: Vec<&str> = files
            .iter()
            .map(|f| &f.path[f.path.rfind('/').expect("/") + 1..])
            .collect();
        out.push_str(&format!("files: {}\n", names.join(" ")));
        let providers = files.iter().find(|f| f.path.ends_with("/providers.tf"));
        let home_alias = providers
            .and_then(|p| p.contents.lines().find(|l| l.trim_start().starts_with("region")))
            .and_then(|l| l.split('"').nth(1))
            .map(|r| r.replace('-', "_"))
            .unwrap_or_default();
        for f in files {
            let name = &f.path[f.path.rfind('/').expect("/") + 1..];
            match name {
                "versions.tf" if Some(&f.contents) == single_versions.as_ref() => {
                    out.push_str("versions.tf: the single module's\n");
                }
                "versions.tf" | "providers.tf" | "variables.tf" | "outputs.tf" => {
                    out.push_str(&format!("--- {name}\n{}", f.contents));
                }
                layer_file => {
                    let mut same = 0;
                    let mut text = String::new();
                    for (head, body) in blocks(&f.contents) {
                        let Some(theirs) = single.get(&head) else {
                            text.push_str(&format!("+ {head}\n"));
                            for l in &body {
                                text.push_str(&format!("+ {l}\n"));
                            }
                            continue;
                        };
                        let theirs: Vec<String> = theirs
                            .iter()
                            .map(|l| l.replace(&format!("aws.{home_alias}"), "aws"))
                            .collect();
                        if theirs == body {
                            same += 1;
                            continue;
                        }
                        text.push_str(&format!("~ {head}\n"));
                        let (a, b) = (theirs.join("\n") + "\n", body.join("\n") + "\n");
                        for change in TextDiff::from_lines(&a, &b).iter_all_changes() {
                            let sign = match change.tag() {
                                ChangeTag::Equal => continue,
                                ChangeTag::Delete => "-",
                                ChangeTag::Insert => "+",
                            };
                            text.push_str(&format!("  {sign} {}", change.value()));
                        }
                    }
                    out.push_str(&format!(
                        "--- {layer_file}: {same} blocks as in the single module\n{text}"
                    ));
                }
            }
        }
    }
    out
}
