//! Nothing lost: failures forced in the middle of a render leave the previous output exactly as
//! it was and no temporary folder behind. Tests run as root, whom permissions do not stop, so
//! the unwritable-folder case drops privileges with `setpriv` for the mrgen run.

use crate::common::{root, run, tempdir, tree};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

#[test]
fn an_unwritable_parent_folder_leaves_everything_as_it_was() {
    let d = tempdir("hard-unwritable");
    fs::set_permissions(&d, fs::Permissions::from_mode(0o777)).unwrap();
    let parent = d.join("parent");
    let out = parent.join("out");
    let o = out.display().to_string();
    assert_eq!(run(&["render", "staging", "--out", &o]).code, 0);
    // Everyone may read the previous output; nobody but root may write beside or inside it.
    Command::new("chmod")
        .args(["-R", "a+rX,go-w", &parent.display().to_string()])
        .status()
        .unwrap();
    fs::set_permissions(&parent, fs::Permissions::from_mode(0o555)).unwrap();
    let before = tree(&out);
    let env_file = root().join("environments/staging.yaml");
    // A changed value, so that the render has something to write.
    let args = [
        "render",
        "staging",
        "--file",
        &env_file.display().to_string(),
        "--out",
        &o,
        "-c",
        "genai-demo:multi-region.health-check-failure-threshold=2",
    ]
    .map(String::from);
    // As root, drop to `nobody` for the run: permissions do not stop root.
    let mut cmd = if is_root() {
        let Some(setpriv) =
            crate::common::require_tool("setpriv", "an_unwritable_parent_folder_leaves_everything_as_it_was")
        else {
            return;
        };
        let mut c = Command::new(setpriv);
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_mrgen"));
        c
    } else {
        crate::common::mrgen()
    };
    let status = cmd.args(&args).current_dir(&d).env("NO_COLOR", "1").output().unwrap();
    assert_eq!(
        status.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert!(String::from_utf8_lossy(&status.stderr).contains("error:"));
    assert_eq!(tree(&out), before);
    assert_eq!(entries(&parent), vec!["out"]);
    fs::set_permissions(&parent, fs::Permissions::from_mode(0o755)).unwrap();
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn a_file_in_the_way_fails_cleanly() {
    let d = tempdir("hard-file-in-way");
    let out = d.join("out");
    let o = out.display().to_string();
    assert_eq!(
        run(&["render", "staging", "--out", &o, "--format", "cloudformation"]).code,
        0
    );
    // A file where the Terraform folder must go.
    fs::write(out.join("terraform"), "not a folder").unwrap();
    let before = tree(&out);
    let r = run(&["render", "staging", "--out", &o]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(tree(&out), before);
    assert_eq!(entries(&d), vec!["out"]);
    // --out itself a file.
    let f = d.join("file");
    fs::write(&f, "x").unwrap();
    let r = run(&["render", "staging", "--out", &f.display().to_string()]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(fs::read_to_string(&f).unwrap(), "x");
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn a_very_long_path_fails_cleanly() {
    let d = tempdir("hard-long");
    let long = d.join("x".repeat(300)).join("out");
    let r = run(&["render", "staging", "--out", &long.display().to_string()]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(entries(&d).is_empty(), "{:?}", entries(&d));
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn a_symlinked_out_writes_through_the_link() {
    let d = tempdir("hard-symlink");
    let real = d.join("real");
    fs::create_dir_all(&real).unwrap();
    fs::write(real.join("keep.txt"), "mine").unwrap();
    let link = d.join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let r = run(&["render", "staging", "--out", &link.display().to_string()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        fs::symlink_metadata(&link).unwrap().file_type().is_symlink(),
        "the link stays a link"
    );
    assert!(real.join("manifest.json").is_file());
    assert_eq!(fs::read_to_string(real.join("keep.txt")).unwrap(), "mine");
    assert_eq!(entries(&d), vec!["link", "real"]);
    let _ = fs::remove_dir_all(&d);
}

/// Renders `env` with one value changed and stops each run with `signal` after the given
/// delays. Whatever the moment, the output must be the old one or the complete new one (a
/// `--check` of the new input proves it), never a mix. Returns the test folder's entries after
/// each stop, before mrgen runs again.
fn interrupt_renders(name: &str, env: &str, signal: &str, delays_us: &[u64]) -> Vec<Vec<String>> {
    let d = tempdir(name);
    let out = d.join("out");
    let o = out.display().to_string();
    assert_eq!(run(&["render", env, "--out", &o]).code, 0);
    let old = tree(&out);
    let change = "genai-demo:multi-region.health-check-failure-threshold=2";
    let mut after = Vec::new();
    for &delay in delays_us {
        let mut child = crate::common::mrgen()
            .args(["render", env, "--out", &o, "-c", change])
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_micros(delay));
        let _ = Command::new("kill").args([signal, &child.id().to_string()]).status();
        let _ = child.wait();
        after.push(entries(&d));
        if tree(&out) != old {
            let check = run(&["render", env, "--out", &o, "--check", "-c", change]);
            assert_eq!(
                check.code, 0,
                "a stopped render ({signal} at {delay} µs) left a mix: {}",
                check.stdout
            );
            assert_eq!(run(&["render", env, "--out", &o]).code, 0);
        }
    }
    assert_eq!(run(&["render", env, "--out", &o]).code, 0);
    assert_eq!(
        entries(&d),
        vec!["out"],
        "no temporary folder is left once mrgen runs again"
    );
    let _ = fs::remove_dir_all(&d);
    after
}

#[test]
fn a_killed_render_leaves_the_previous_output() {
    // SIGKILL cannot be caught: the temporary folder may stay until the next run removes it.
    interrupt_renders("hard-kill", "production", "-KILL", &[0, 200, 500, 1000, 2000, 4000]);
}

#[test]
fn a_terminated_render_cleans_up_after_itself() {
    // SIGTERM (what CI runners and `timeout` send): mrgen removes its temporary folder itself.
    let after = interrupt_renders(
        "hard-term",
        "global",
        "-TERM",
        &[2_000, 8_000, 15_000, 22_000, 30_000, 38_000],
    );
    for entries in after {
        assert_eq!(entries, vec!["out"], "a temporary folder was left after SIGTERM");
    }
}
