//! Nothing lost: failures forced in the middle of a render leave the previous output exactly as
//! it was and no temporary folder behind. Tests run as root, whom permissions do not stop, so
//! the unwritable-folder case drops privileges with `setpriv` for the mrgen run.

use crate::common::{root, run, tree};
use crate::hostile::tempdir;
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
    let status = if is_root() {
        let setpriv = crate::common::require_tool("setpriv", "an_unwritable_parent_folder_leaves_everything_as_it_was");
        let Some(setpriv) = setpriv else { return };
        Command::new(setpriv)
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_mrgen"))
            .args([
                "render",
                "staging",
                "--file",
                &env_file.display().to_string(),
                "--out",
                &o,
            ])
            .current_dir(&d)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    } else {
        crate::common::mrgen()
            .args([
                "render",
                "staging",
                "--file",
                &env_file.display().to_string(),
                "--out",
                &o,
            ])
            .output()
            .unwrap()
    };
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

#[test]
fn a_killed_render_leaves_the_previous_output() {
    // Kill renders at many points in time; whatever the moment, the output is either the old or
    // the new one (both identical here except for one value), never a mix, and the next run
    // removes any temporary folder the killed one left.
    let d = tempdir("hard-kill");
    let out = d.join("out");
    let o = out.display().to_string();
    assert_eq!(run(&["render", "production", "--out", &o]).code, 0);
    let old = tree(&out);
    let new_args = [
        "render",
        "production",
        "--out",
        &o,
        "-c",
        "genai-demo:multi-region.dns-ttl-seconds=30",
    ];
    for delay_us in [0u64, 200, 500, 1000, 2000, 4000] {
        let mut child = crate::common::mrgen().args(new_args).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_micros(delay_us));
        let _ = child.kill();
        let _ = child.wait();
        let now = tree(&out);
        if now != old {
            // Swapped in whole: a clean render of the new input gives the same bytes.
            let check = run(&[
                "render",
                "production",
                "--out",
                &o,
                "--check",
                "-c",
                "genai-demo:multi-region.dns-ttl-seconds=30",
            ]);
            assert_eq!(check.code, 0, "a killed render left a mix: {}", check.stdout);
            assert_eq!(run(&["render", "production", "--out", &o]).code, 0);
        }
    }
    assert_eq!(run(&["render", "production", "--out", &o]).code, 0);
    assert_eq!(
        entries(&d),
        vec!["out"],
        "no temporary folder is left once mrgen runs again"
    );
    let _ = fs::remove_dir_all(&d);
}

#[test]
fn a_terminated_render_cleans_up_after_itself() {
    // SIGTERM (what CI runners and `timeout` send) at many moments: the output is the old one or
    // the complete new one, and no temporary folder is left, without running mrgen again.
    let d = tempdir("hard-term");
    let out = d.join("out");
    let o = out.display().to_string();
    assert_eq!(run(&["render", "global", "--out", &o]).code, 0);
    let old = tree(&out);
    let args = [
        "render",
        "global",
        "--out",
        &o,
        "-c",
        "genai-demo:multi-region.dns-ttl-seconds=30",
    ];
    for delay_us in [2_000u64, 8_000, 15_000, 22_000, 30_000, 38_000] {
        let child = crate::common::mrgen().args(args).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_micros(delay_us));
        let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
        let out_status = child.wait_with_output().unwrap();
        let _ = out_status;
        assert_eq!(
            entries(&d),
            vec!["out"],
            "temporary folder left after SIGTERM at {delay_us} µs"
        );
        if tree(&out) != old {
            let check = run(&[
                "render",
                "global",
                "--out",
                &o,
                "--check",
                "-c",
                "genai-demo:multi-region.dns-ttl-seconds=30",
            ]);
            assert_eq!(check.code, 0, "a terminated render left a mix: {}", check.stdout);
            assert_eq!(run(&["render", "global", "--out", &o]).code, 0);
        }
    }
    let _ = fs::remove_dir_all(&d);
}
