//! `mrgen render`, `plan` and `graph` through the binary: what is written, determinism,
//! `--check`, atomic and owned-only writes, refused targets, and the deploy script.

use crate::common::{root, run, run_in, tempdir, tools, tree};
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

#[test]
fn render_writes_the_layout_of_the_spec() {
    let d = tempdir("render-layout");
    let out = d.join("out");
    let o = out.display().to_string();
    let r = run(&["render", "production", "--out", &o]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(out.join("manifest.json").is_file());
    assert!(out.join("cloudformation/deploy.sh").is_file());
    let manifest: serde_json::Value = serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["environment"], "production");
    assert_eq!(manifest["regions"][0], "ap-northeast-1");
    let stacks = manifest["stacks"].as_array().unwrap();
    assert!(stacks.len() >= 10);
    for s in stacks {
        assert!(s["template"].as_str().unwrap().starts_with("cloudformation/"));
        for (_, v) in s["parameters"].as_object().unwrap() {
            if let Some(src) = v["stack"].as_str() {
                let earlier = stacks.iter().position(|x| x["name"] == src).unwrap();
                let me = stacks.iter().position(|x| x["name"] == s["name"]).unwrap();
                assert!(earlier < me, "{src} must come before {}", s["name"]);
            }
        }
    }
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn render_is_deterministic_across_time_zone_locale_and_folder() {
    let d = tempdir("render-determinism");
    let a = d.join("a");
    let b = d.join("b");
    let r = run(&["render", "global", "--out", &a.display().to_string()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = crate::common::mrgen()
        .current_dir(&d)
        .env("TZ", "Asia/Taipei")
        .env("LANG", "de_DE.UTF-8")
        .args([
            "render",
            "global",
            "--env-dir",
            &root().join("environments").display().to_string(),
            "--out",
            "b",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(tree(&a), tree(&b));
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn check_reports_stale_output() {
    let d = tempdir("render-check");
    let out = d.join("out");
    let o = out.display().to_string();
    let r = run(&["render", "staging", "--out", &o, "--check"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.lines().all(|l| l.starts_with("added ")), "{}", r.stdout);
    assert!(!out.exists(), "--check writes nothing");
    assert_eq!(run(&["render", "staging", "--out", &o]).code, 0);
    let r = run(&["render", "staging", "--out", &o, "--check"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.stderr);
    fs::write(out.join("manifest.json"), "{}\n").unwrap();
    fs::write(out.join("cloudformation/old-stack.template.json"), "{}\n").unwrap();
    let r = run(&["render", "staging", "--out", &o, "--check"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stdout,
        "removed cloudformation/old-stack.template.json\nchanged manifest.json\n"
    );
    assert!(r.stderr.contains("--- a/manifest.json"), "{}", r.stderr);
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn foreign_files_survive_and_invalid_input_writes_nothing() {
    let d = tempdir("render-owned");
    let out = d.join("out");
    let o = out.display().to_string();
    assert_eq!(run(&["render", "production", "--out", &o]).code, 0);
    // A stack's module, initialised and applied, with the user's backend and lock file.
    let stack = out.join("terraform/genai-demo-production-eks-ap-northeast-2");
    fs::create_dir_all(stack.join(".terraform/providers")).unwrap();
    fs::write(stack.join(".terraform/providers/p"), "binary").unwrap();
    fs::write(stack.join("terraform.tfstate"), "state").unwrap();
    fs::write(stack.join(".terraform.lock.hcl"), "lock").unwrap();
    fs::write(stack.join("backend.tf"), "terraform {}\n").unwrap();
    fs::create_dir_all(out.join("terraform/.plugin-cache")).unwrap();
    fs::write(out.join("README.md"), "mine").unwrap();
    let before = tree(&out);
    // Invalid input: exit 1 and nothing changes.
    let r = run(&[
        "render",
        "production",
        "--out",
        &o,
        "-c",
        "genai-demo:multi-region.health-check-interval=45",
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(tree(&out), before);
    // A valid render keeps what is not mrgen's.
    assert_eq!(
        run(&["render", "production", "--out", &o, "--format", "terraform"]).code,
        0
    );
    for (file, text) in [
        ("terraform.tfstate", "state"),
        (".terraform/providers/p", "binary"),
        (".terraform.lock.hcl", "lock"),
        ("backend.tf", "terraform {}\n"),
    ] {
        assert_eq!(fs::read_to_string(stack.join(file)).unwrap(), text, "{file}");
    }
    assert!(stack.join("eks.tf").is_file() && out.join("terraform/.plugin-cache").is_dir());
    assert_eq!(fs::read_to_string(out.join("README.md")).unwrap(), "mine");
    assert!(
        out.join("manifest.json").is_file(),
        "--format terraform leaves the CloudFormation output alone"
    );
    let leftovers: Vec<_> = fs::read_dir(&d).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 1, "no temporary folder left: {leftovers:?}");
    let _ = fs::remove_dir_all(&d);
}

/// Inode and modification time of `dir` and of everything under it, by path relative to `dir`.
fn stamps(dir: &Path) -> BTreeMap<String, (u64, i64, i64)> {
    fn walk(p: &Path, base: &Path, all: &mut BTreeMap<String, (u64, i64, i64)>) {
        let m = fs::symlink_metadata(p).unwrap();
        let rel = p.strip_prefix(base).unwrap().display().to_string();
        all.insert(rel, (m.ino(), m.mtime(), m.mtime_nsec()));
        if m.is_dir() {
            for e in fs::read_dir(p).unwrap() {
                walk(&e.unwrap().path(), base, all);
            }
        }
    }
    let mut all = BTreeMap::new();
    walk(dir, dir, &mut all);
    all
}

#[test]
fn an_unchanged_render_touches_nothing_and_a_changed_one_is_swapped_in() {
    let d = tempdir("render-up-to-date");
    let out = d.join("out");
    let o = out.display().to_string();
    let first = run(&["render", "production", "--out", &o]);
    assert_eq!(first.code, 0);
    // The count of files the first render wrote, which the renders below must report too.
    let n: usize = first
        .stderr
        .strip_prefix("wrote ")
        .and_then(|r| r.split(' ').next())
        .and_then(|x| x.parse().ok())
        .unwrap_or_else(|| panic!("{}", first.stderr));
    assert!(n > 100, "{n}");
    fs::write(out.join("terraform/backend.tf"), "terraform {}\n").unwrap();
    let stack = "terraform/genai-demo-production-dns-us-east-1";
    fs::write(out.join(stack).join("backend.tf"), "terraform {}\n").unwrap();
    fs::create_dir(out.join(stack).join(".terraform")).unwrap();
    // Timestamps are coarse: let the clock move on, so that any write would show.
    std::thread::sleep(std::time::Duration::from_millis(50));
    // The test folder too: a temporary folder made and removed beside --out changes its time.
    let before = stamps(&d);
    let contents: BTreeMap<&String, Vec<u8>> = before
        .keys()
        .filter(|p| d.join(p).is_file())
        .map(|p| (p, fs::read(d.join(p)).unwrap()))
        .collect();
    let r = run(&["render", "production", "--out", &o]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, format!("{o} is up to date ({n} files): nothing written\n"));
    assert_eq!(stamps(&d), before, "an up-to-date render wrote something");

    // A changed environment: a new tree is swapped in whole (--out is another folder now); the
    // two changed files are new, the others and the user's file are the same files as before
    // (hard-linked into the new tree).
    let change = "genai-demo:multi-region.health-check-failure-threshold=2";
    let r = run(&["render", "production", "--out", &o, "-c", change]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, format!("wrote {n} files to {o}\n"));
    let after = stamps(&d);
    let ino = |s: &BTreeMap<String, (u64, i64, i64)>, p: &str| s[p].0;
    assert_ne!(ino(&after, "out"), ino(&before, "out"), "swapped, not written in place");
    // Exactly the files whose bytes changed are new files; the others are the same inodes.
    let files: Vec<&String> = before.keys().filter(|p| d.join(p).is_file()).collect();
    assert!(files.len() > 100, "{}", files.len());
    let mut changed = 0;
    for p in files {
        let differs = contents[p] != fs::read(d.join(p)).unwrap();
        changed += usize::from(differs);
        assert_eq!(ino(&after, p) != ino(&before, p), differs, "{p}");
    }
    assert!(
        changed >= 2,
        "the failure threshold is in the dns stack of both backends"
    );
    let user = format!("out/{stack}/backend.tf");
    assert_eq!(ino(&after, &user), ino(&before, &user), "a stack's backend.tf is kept");
    assert_eq!(
        run(&["render", "production", "--out", &o, "-c", change, "--check"]).code,
        0
    );
    let leftovers: Vec<_> = fs::read_dir(&d).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(leftovers, ["out"], "no temporary folder left");
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn a_stamped_folder_is_trusted_until_its_input_or_its_files_change() {
    let d = tempdir("render-stamp");
    let out = d.join("out");
    let o = out.display().to_string();
    let render = ["render", "production", "--out", &o];
    let first = run(&render);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let n = first.stderr.split(' ').nth(1).unwrap_or_default().to_string();
    let up_to_date = format!("{o} is up to date ({n} files): nothing written\n");
    let stamp = |out: &Path| {
        let mut buf = [0u8; 80];
        rustix::fs::getxattr(out, "user.mrgen.render", &mut buf[..]).ok()
    };
    assert_eq!(stamp(&out), None, "a render that writes leaves no stamp");
    // Past the stamp's racy window, a re-render compares the bytes and stamps the folder.
    std::thread::sleep(std::time::Duration::from_millis(80));
    assert_eq!(run(&render).stderr, up_to_date);
    assert!(
        stamp(&out).is_some(),
        "the folder is stamped (user extended attributes are needed on the temporary folder's file system)"
    );
    let before = stamps(&d);
    assert_eq!(run(&render).stderr, up_to_date, "the stamped re-render");
    assert_eq!(stamps(&d), before, "a stamped re-render wrote something");
    // It still removes what a killed run left beside --out, as every write does first.
    let left = d.join(".out.mrgen-4194303.tmp");
    fs::create_dir_all(left.join("cloudformation")).unwrap();
    assert_eq!(run(&render).stderr, up_to_date);
    assert!(!left.exists(), "a dead run's temporary folder is removed");

    // A file changed in place, its size and modification time kept: the stamp no longer holds,
    // and the render puts the bytes back.
    let manifest = out.join("manifest.json");
    let good = fs::read(&manifest).unwrap();
    let mtime = fs::metadata(&manifest).unwrap().modified().unwrap();
    let mut bad = good.clone();
    let last = bad.len() - 1;
    bad[last] = b' ';
    fs::write(&manifest, &bad).unwrap();
    fs::File::options()
        .write(true)
        .open(&manifest)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let r = run(&render);
    assert_eq!(r.stderr, format!("wrote {n} files to {o}\n"));
    assert_eq!(fs::read(&manifest).unwrap(), good);

    // Another input is rendered, not taken for the stamped one.
    std::thread::sleep(std::time::Duration::from_millis(80));
    assert_eq!(run(&render).stderr, up_to_date);
    assert!(stamp(&out).is_some());
    let change = "genai-demo:multi-region.health-check-failure-threshold=2";
    let r = run(&["render", "production", "--out", &o, "-c", change]);
    assert_eq!(r.stderr, format!("wrote {n} files to {o}\n"));
    assert_eq!(
        run(&["render", "production", "--out", &o, "-c", change, "--check"]).code,
        0
    );
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn dangerous_targets_are_refused() {
    let d = tempdir("render-targets");
    fs::create_dir_all(d.join("environments")).unwrap();
    fs::copy(
        root().join("environments/development.yaml"),
        d.join("environments/development.yaml"),
    )
    .unwrap();
    for target in ["/", ".", "environments"] {
        let r = run_in(&d, &["render", "development", "--out", target]);
        assert_eq!(r.code, 2, "{target}: {}", r.stderr);
        assert!(r.stderr.contains("refusing"), "{}", r.stderr);
    }
    let home = std::env::var("HOME").unwrap();
    assert_eq!(run_in(&d, &["render", "development", "--out", &home]).code, 2);
    assert!(fs::read_dir(d.join("environments")).unwrap().count() == 1);
    let r = run(&["render", "../../etc", "--out", &d.join("x").display().to_string()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("MR701"), "{}", r.stderr);
    assert!(!d.join("x").exists());
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn plan_and_graph() {
    let r = run(&["plan", "production"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("STACK"));
    assert!(r.stdout.contains("genai-demo-production-dns-us-east-1"));
    let r = run(&["plan", "development", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let omitted: Vec<&str> = v["omitted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["part"].as_str().unwrap())
        .collect();
    assert!(omitted.contains(&"dns"), "{omitted:?}");
    let r = run(&["graph", "production"]);
    assert!(r.stdout.starts_with("flowchart LR\n"));
    assert!(r.stdout.contains("Aurora Global Database") && r.stdout.contains("VPC peering"));
    let r = run(&["graph", "production", "--format", "dot"]);
    assert!(r.stdout.starts_with("digraph mrgen {"));
    assert!(r.stdout.trim_end().ends_with('}'));
}

#[test]
fn deploy_script_passes_shellcheck_and_bash_n() {
    let d = tempdir("render-deploy");
    let out = d.join("out");
    assert_eq!(
        run(&["render", "production", "--out", &out.display().to_string()]).code,
        0
    );
    let script = out.join("cloudformation/deploy.sh");
    let st = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .unwrap();
    assert!(st.success());
    if let Some(sc) = tools::shellcheck("deploy_script_passes_shellcheck_and_bash_n") {
        let o = std::process::Command::new(sc).arg(&script).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    }
    let text = fs::read_to_string(&script).unwrap();
    assert!(
        text.contains("set -euo pipefail")
            && text.contains("AWS_ENDPOINT_URL")
            && text.contains("CAPABILITY_NAMED_IAM")
    );
    let _ = fs::remove_dir_all(&d);
}

/// SPEC section 5.5: rendering one Terraform layout where the other's state is would create
/// everything again; it is refused with exit 2 before anything is written.
#[test]
fn a_terraform_layout_is_refused_where_the_other_layouts_state_is() {
    let d = tempdir("render-layout-guard");
    let out = d.join("out");
    let o = out.display().to_string();
    let single = ["render", "production", "--out", &o, "--terraform-layout", "single"];
    let stacks = ["render", "production", "--out", &o];
    assert_eq!(run(&single).code, 0);
    assert!(out.join("terraform/network.tf").is_file());
    for (what, make) in [("terraform.tfstate", "state"), (".terraform", "")] {
        let p = out.join("terraform").join(what);
        if make.is_empty() {
            fs::create_dir(&p).unwrap();
        } else {
            fs::write(&p, make).unwrap();
        }
        let before = tree(&out);
        for args in [
            &stacks[..],
            &["render", "production", "--out", &o, "--format", "terraform", "--check"][..],
        ] {
            let r = run(args);
            assert_eq!(r.code, 2, "{what}: {args:?}: {}", r.stderr);
            for must in [
                "refusing to render the stacks Terraform layout",
                "--terraform-layout single",
                "state mv",
                "terraform state pull",
                &format!("terraform/{what}"),
            ] {
                assert!(r.stderr.contains(must), "{what}: `{must}` in:\n{}", r.stderr);
            }
            assert_eq!(tree(&out), before, "{what}: nothing written");
        }
        // Keeping the single layout is fine, and CloudFormation alone is not Terraform's business.
        assert_eq!(run(&single).code, 0);
        assert_eq!(
            run(&["render", "production", "--out", &o, "--format", "cloudformation"]).code,
            0
        );
        if make.is_empty() {
            fs::remove_dir(&p).unwrap();
        } else {
            fs::remove_file(&p).unwrap();
        }
    }
    // Without that state the stacks layout replaces the single module's files.
    assert_eq!(run(&stacks).code, 0);
    assert!(
        !out.join("terraform/network.tf").exists(),
        "the single module's files are removed"
    );
    let stack = out.join("terraform/genai-demo-production-network-ap-northeast-1");
    assert!(stack.join("network.tf").is_file() && out.join("terraform/apply.sh").is_file());
    // And the other way round.
    for what in ["terraform.tfstate", ".terraform"] {
        let p = stack.join(what);
        if what == ".terraform" {
            fs::create_dir(&p).unwrap();
        } else {
            fs::write(&p, "state").unwrap();
        }
        let before = tree(&out);
        let r = run(&single);
        assert_eq!(r.code, 2, "{what}: {}", r.stderr);
        for must in [
            "refusing to render the single Terraform layout",
            "--terraform-layout stacks",
            "state mv",
            &format!("genai-demo-production-network-ap-northeast-1/{what}"),
        ] {
            assert!(r.stderr.contains(must), "{what}: `{must}` in:\n{}", r.stderr);
        }
        assert_eq!(tree(&out), before, "{what}: nothing written");
        assert_eq!(run(&stacks).code, 0, "the stacks layout renders over its own state");
        assert!(p.exists(), "{what} survives");
        if what == ".terraform" {
            fs::remove_dir(&p).unwrap();
        } else {
            fs::remove_file(&p).unwrap();
        }
    }
    let _ = fs::remove_dir_all(&d);
}
