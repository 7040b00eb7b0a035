use super::*;

pub(super) fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mrgen-out-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

const ALL: Owned = Owned {
    cloudformation: true,
    terraform: true,
};

/// Waits until files written now are older than the stamp's racy window.
fn settle() {
    std::thread::sleep(std::time::Duration::from_millis(80));
}

#[test]
fn a_stamp_is_trusted_only_while_nothing_changed() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempdir("stamp");
    let out = d.join("out");
    let files = vec![
        File::new("manifest.json", "{}\n"),
        File::new("cloudformation/a.template.json", "aaaa\n"),
        File {
            executable: true,
            ..File::new("runbook/drill.sh", "#!/bin/sh\n")
        },
    ];
    let input = Input::of(&[b"production", b"v1"]).unwrap();
    assert_ne!(input, Input::of(&[b"production", b"v2"]).unwrap());
    assert_ne!(
        input,
        Input::of(&[b"production", b"v1", b""]).unwrap(),
        "parts are told apart"
    );
    assert_eq!(
        write_stamped(&out, &files, ALL, Some(input), None).unwrap(),
        Written::Replaced
    );
    assert_eq!(list(&out, ALL).stamped(&out, input), None, "a write leaves no stamp");
    assert_eq!(
        write_stamped(&out, &files, ALL, Some(input), None).unwrap(),
        Written::UpToDate
    );
    assert_eq!(
        list(&out, ALL).stamped(&out, input),
        None,
        "files changed just now are not stamped"
    );
    settle();
    assert_eq!(
        write_stamped(&out, &files, ALL, Some(input), None).unwrap(),
        Written::UpToDate
    );
    assert_eq!(
        list(&out, ALL).stamped(&out, input),
        Some(3),
        "a compare that found it up to date stamps it"
    );
    assert_eq!(
        list(&out, ALL).stamped(&out, Input::of(&[b"production", b"v2"]).unwrap()),
        None
    );
    let owned_tf = Owned {
        cloudformation: false,
        terraform: true,
    };
    assert_eq!(
        list(&out, owned_tf).stamped(&out, input),
        None,
        "another set of owned files"
    );

    // Each change to mrgen's files, even one that keeps the size and sets the modification
    // time back, makes the stamp void; the next write repairs and a later compare restamps.
    let a = out.join("cloudformation/a.template.json");
    let mtime = fs::metadata(&a).unwrap().modified().unwrap();
    type Change<'a> = (&'a str, Box<dyn Fn() + 'a>);
    let changes: Vec<Change> = vec![
        (
            "same size, time set back",
            Box::new(|| {
                fs::write(&a, "bbbb\n").unwrap();
                fs::File::options()
                    .write(true)
                    .open(&a)
                    .unwrap()
                    .set_modified(mtime)
                    .unwrap();
            }),
        ),
        (
            "mode",
            Box::new(|| {
                let p = out.join("runbook/drill.sh");
                fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
            }),
        ),
        (
            "removed",
            Box::new(|| fs::remove_file(out.join("manifest.json")).unwrap()),
        ),
        (
            "added",
            Box::new(|| fs::write(out.join("cloudformation/b.template.json"), "b\n").unwrap()),
        ),
        (
            "replaced",
            Box::new(|| {
                let tmp = out.join("cloudformation/a.tmp");
                fs::copy(&a, &tmp).unwrap();
                fs::rename(&tmp, &a).unwrap();
            }),
        ),
    ];
    for (what, change) in changes {
        change();
        assert_eq!(list(&out, ALL).stamped(&out, input), None, "{what}");
        write_stamped(&out, &files, ALL, Some(input), None).unwrap();
        assert_eq!(fs::read_to_string(&a).unwrap(), "aaaa\n", "{what}");
        settle();
        assert_eq!(
            write_stamped(&out, &files, ALL, Some(input), None).unwrap(),
            Written::UpToDate
        );
        assert_eq!(list(&out, ALL).stamped(&out, input), Some(3), "{what}: restamped");
    }
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn a_snapshot_read_ahead_decides_as_a_read_at_write_time_would() {
    use std::os::unix::fs::MetadataExt;
    let d = tempdir("snapshot");
    let out = d.join("out");
    let v1 = vec![
        File::new("manifest.json", "{}\n"),
        File::new("cloudformation/a.template.json", "a\n"),
        File::new("cloudformation/b.template.json", "b\n"),
    ];
    assert_eq!(
        list(&out, ALL).snapshot(&out).map(|s| s.bytes.len()),
        Some(0),
        "no folder yet"
    );
    write(&out, &v1, ALL).unwrap();
    let ahead = list(&out, ALL).snapshot(&out).unwrap();
    assert_eq!(ahead.bytes.len(), 3);
    assert_eq!(
        write_stamped(&out, &v1, ALL, None, Some(ahead)).unwrap(),
        Written::UpToDate
    );
    let ino = |p: &str| fs::metadata(out.join(p)).unwrap().ino();
    let (a, b) = (
        ino("cloudformation/a.template.json"),
        ino("cloudformation/b.template.json"),
    );
    // Same size, other bytes: only the snapshot's bytes can tell.
    let v2 = vec![
        File::new("cloudformation/a.template.json", "a\n"),
        File::new("cloudformation/b.template.json", "c\n"),
    ];
    let ahead = list(&out, ALL).snapshot(&out).unwrap();
    assert_eq!(
        write_stamped(&out, &v2, ALL, None, Some(ahead)).unwrap(),
        Written::Replaced
    );
    assert_eq!(ino("cloudformation/a.template.json"), a, "unchanged: the same file");
    assert_ne!(ino("cloudformation/b.template.json"), b, "changed: a new file");
    assert_eq!(
        fs::read_to_string(out.join("cloudformation/b.template.json")).unwrap(),
        "c\n"
    );
    assert!(!out.join("manifest.json").exists());

    // A file written to after the read ahead is not taken for the one read: the render's
    // bytes are written, not the file linked.
    let ahead = list(&out, ALL).snapshot(&out).unwrap();
    settle();
    fs::write(out.join("cloudformation/a.template.json"), "x\n").unwrap();
    let v3 = vec![
        File::new("cloudformation/a.template.json", "a\n"),
        File::new("cloudformation/b.template.json", "d\n"),
    ];
    assert_eq!(
        write_stamped(&out, &v3, ALL, None, Some(ahead)).unwrap(),
        Written::Replaced
    );
    assert_eq!(
        fs::read_to_string(out.join("cloudformation/a.template.json")).unwrap(),
        "a\n"
    );
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn a_stack_folder_that_stays_is_made_once() {
    // The folders of stacks that stay are mirrored and kept, not removed for holding only
    // mrgen's files and then made again: one `mkdir` each.
    let d = tempdir("stack-folder-once");
    let (from, to) = (d.join("from"), d.join("to"));
    let (stay, gone) = ("terraform/p-e-eks-us-east-1", "terraform/p-e-dns-us-east-1");
    for s in [stay, gone] {
        fs::create_dir_all(from.join(s)).unwrap();
        fs::write(from.join(s).join("variables.tf"), "v\n").unwrap();
    }
    // A read-only folder that mrgen writes into is made writable for its owner.
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(from.join(stay), fs::Permissions::from_mode(0o555)).unwrap();
    fs::create_dir(&to).unwrap();
    let files = [File::new(format!("{stay}/variables.tf"), "v2\n")];
    let mut made = BTreeSet::new();
    mirror_foreign(&from, &to, "", ALL, &folders_of(&files), &mut made).unwrap();
    assert!(to.join(stay).is_dir() && made.contains(stay), "{made:?}");
    let mode = fs::metadata(to.join(stay)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o755, "{mode:o}");
    assert!(!to.join(gone).exists() && !made.contains(gone), "{made:?}");
    assert!(
        !to.join(stay).join("variables.tf").exists(),
        "mrgen's own files are not mirrored"
    );
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn writes_replaces_and_keeps_foreign_files() {
    let d = tempdir("write");
    let out = d.join("out");
    let v1 = vec![
        File::new("manifest.json", "{}\n"),
        File::new("cloudformation/a.template.json", "a\n"),
        File::new("kubernetes/ap-northeast-1/target-group-binding.yaml", "k\n"),
        File::new("terraform/network.tf", "n\n"),
    ];
    write(&out, &v1, ALL).unwrap();
    fs::create_dir_all(out.join("terraform/.terraform/providers")).unwrap();
    fs::write(out.join("terraform/.terraform/providers/p"), "binary").unwrap();
    fs::write(out.join("terraform/terraform.tfstate"), "state").unwrap();
    fs::write(out.join("terraform/backend.tf"), "backend").unwrap();
    fs::write(out.join("notes.txt"), "mine").unwrap();
    let v2 = vec![
        File::new("manifest.json", "{\"v\":2}\n"),
        File::new("terraform/versions.tf", "v\n"),
    ];
    write(&out, &v2, ALL).unwrap();
    assert_eq!(fs::read_to_string(out.join("manifest.json")).unwrap(), "{\"v\":2}\n");
    assert!(!out.join("cloudformation").exists(), "stale owned files are removed");
    assert!(!out.join("kubernetes").exists(), "stale bindings are removed");
    assert!(!out.join("terraform/network.tf").exists());
    assert_eq!(
        fs::read_to_string(out.join("terraform/terraform.tfstate")).unwrap(),
        "state"
    );
    assert_eq!(fs::read_to_string(out.join("terraform/backend.tf")).unwrap(), "backend");
    assert_eq!(
        fs::read_to_string(out.join("terraform/.terraform/providers/p")).unwrap(),
        "binary"
    );
    assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    let leftovers: Vec<_> = fs::read_dir(&d).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn modes_are_given_at_creation() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempdir("modes");
    let out = d.join("out");
    let mut script = File::new("cloudformation/deploy.sh", "#!/bin/sh\n");
    script.executable = true;
    let v1 = vec![script.clone(), File::new("manifest.json", "{}\n")];
    write(&out, &v1, ALL).unwrap();
    fs::create_dir(out.join("private")).unwrap();
    fs::set_permissions(out.join("private"), fs::Permissions::from_mode(0o700)).unwrap();
    write(&out, &[script, File::new("manifest.json", "{\"v\":2}\n")], ALL).unwrap();
    let mode = |p: &str| fs::metadata(out.join(p)).unwrap().permissions().mode() & 0o7777;
    assert_ne!(mode("cloudformation/deploy.sh") & 0o100, 0, "executable");
    assert_eq!(mode("manifest.json") & 0o111, 0, "not executable");
    assert_eq!(mode("private"), 0o700, "a folder of the user's keeps its mode");
    fs::remove_dir_all(&d).unwrap();
}

/// Inode and modification time of `dir` and of everything under it, by path.
fn stamps(dir: &Path) -> BTreeMap<PathBuf, (u64, i64, i64)> {
    use std::os::unix::fs::MetadataExt;
    let m = fs::symlink_metadata(dir).unwrap();
    let mut all = BTreeMap::from([(dir.to_path_buf(), (m.ino(), m.mtime(), m.mtime_nsec()))]);
    if m.is_dir() {
        for e in fs::read_dir(dir).unwrap() {
            all.extend(stamps(&e.unwrap().path()));
        }
    }
    all
}

fn v1() -> Vec<File> {
    let mut script = File::new("cloudformation/deploy.sh", "#!/bin/sh\n");
    script.executable = true;
    vec![
        script,
        File::new("cloudformation/a.template.json", "a\n"),
        File::new("manifest.json", "{}\n"),
        File::new("terraform/network.tf", "n\n"),
    ]
}

#[test]
fn an_up_to_date_folder_is_left_alone() {
    let d = tempdir("up-to-date");
    let out = d.join("out");
    assert_eq!(write(&out, &v1(), ALL).unwrap(), Written::Replaced);
    fs::write(out.join("terraform/backend.tf"), "mine").unwrap();
    // Timestamps are coarse: let the clock move on, so that any write would show.
    std::thread::sleep(std::time::Duration::from_millis(50));
    // `d` too: a temporary folder made and removed beside `out` would change its time.
    let before = stamps(&d);
    assert_eq!(write(&out, &v1(), ALL).unwrap(), Written::UpToDate);
    assert_eq!(stamps(&d), before);
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn files_that_did_not_change_are_linked_not_written() {
    use std::os::unix::fs::MetadataExt;
    let d = tempdir("linked");
    let out = d.join("out");
    write(&out, &v1(), ALL).unwrap();
    let ino = |p: &str| fs::metadata(out.join(p)).unwrap().ino();
    let before: Vec<u64> = v1().iter().map(|f| ino(&f.path)).collect();
    let mut v2 = v1();
    v2[2].contents = "{\"v\":2}\n".into();
    assert_eq!(write(&out, &v2, ALL).unwrap(), Written::Replaced);
    for (f, old) in v2.iter().zip(before) {
        assert_eq!(ino(&f.path) == old, f.path != "manifest.json", "{}", f.path);
        assert_eq!(fs::read_to_string(out.join(&f.path)).unwrap(), f.contents);
        assert_eq!(
            fs::metadata(out.join(&f.path)).unwrap().nlink(),
            1,
            "the old tree is gone"
        );
    }
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn any_difference_in_the_owned_files_is_written() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempdir("differences");
    let out = d.join("out");
    type Change = (&'static str, fn(&Path));
    let changes: [Change; 6] = [
        ("same size, other bytes", |o| {
            fs::write(o.join("manifest.json"), "[]\n").unwrap()
        }),
        ("a file removed", |o| {
            fs::remove_file(o.join("terraform/network.tf")).unwrap()
        }),
        ("a file of mrgen's added", |o| {
            fs::write(o.join("terraform/dns.tf"), "").unwrap()
        }),
        ("a stray folder", |o| {
            fs::create_dir(o.join("cloudformation/old")).unwrap()
        }),
        ("not executable", |o| {
            fs::set_permissions(o.join("cloudformation/deploy.sh"), fs::Permissions::from_mode(0o644)).unwrap()
        }),
        ("a link in place of a file", |o| {
            fs::write(o.join("elsewhere"), "{}\n").unwrap();
            fs::remove_file(o.join("manifest.json")).unwrap();
            std::os::unix::fs::symlink("elsewhere", o.join("manifest.json")).unwrap();
        }),
    ];
    for (what, change) in changes {
        write(&out, &v1(), ALL).unwrap();
        change(&out);
        assert_eq!(write(&out, &v1(), ALL).unwrap(), Written::Replaced, "{what}");
        assert_eq!(write(&out, &v1(), ALL).unwrap(), Written::UpToDate, "{what}");
    }
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn check_reports_what_a_write_would_replace_without_reading_a_pipe() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempdir("check-pipe");
    let out = d.join("out");
    let files = [
        // Empty: a pipe has the same size, so only its type tells it apart.
        File::new("kubernetes/a.yaml", ""),
        File::new("kubernetes/b.yaml", "b\n"),
        File {
            executable: true,
            ..File::new("runbook/drill.sh", "#!/bin/sh\n")
        },
    ];
    write(&out, &files, ALL).unwrap();
    assert!(check(&out, &files, ALL, None).unwrap().lines.is_empty());
    // A pipe where a rendered file goes: read, it would never end.
    fs::remove_file(out.join("kubernetes/a.yaml")).unwrap();
    rustix::fs::mknodat(
        rustix::fs::CWD,
        out.join("kubernetes/a.yaml"),
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
        0,
    )
    .unwrap();
    // The same bytes without the executable bit: a render writes the file again.
    fs::set_permissions(out.join("runbook/drill.sh"), fs::Permissions::from_mode(0o644)).unwrap();
    // The same bytes through a link: a render writes the file in the link's place.
    fs::write(d.join("b.yaml"), "b\n").unwrap();
    fs::remove_file(out.join("kubernetes/b.yaml")).unwrap();
    std::os::unix::fs::symlink(d.join("b.yaml"), out.join("kubernetes/b.yaml")).unwrap();
    for ahead in [None, list(&out, ALL).snapshot(&out)] {
        let st = check(&out, &files, ALL, ahead).unwrap();
        assert_eq!(
            st.lines,
            [
                "changed kubernetes/a.yaml",
                "changed kubernetes/b.yaml",
                "changed runbook/drill.sh"
            ]
        );
        assert!(st.diff.contains("a/kubernetes/b.yaml: a symbolic link"), "{}", st.diff);
        assert!(st.diff.contains("old mode 100644"), "{}", st.diff);
        assert!(
            st.diff.contains("a/kubernetes/a.yaml: not a regular file"),
            "{}",
            st.diff
        );
        assert!(st.diff.contains("new mode 100755"), "{}", st.diff);
    }
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn check_reports_changed_added_removed() {
    let d = tempdir("check");
    let out = d.join("out");
    write(
        &out,
        &[
            File::new("manifest.json", "a\nb\n"),
            File::new("cloudformation/x.template.json", "x\n"),
        ],
        ALL,
    )
    .unwrap();
    let new = [
        File::new("manifest.json", "a\nc\n"),
        File::new("terraform/dns.tf", "d\n"),
    ];
    let st = check(&out, &new, ALL, None).unwrap();
    assert_eq!(
        st.lines,
        vec![
            "removed cloudformation/x.template.json",
            "changed manifest.json",
            "added terraform/dns.tf"
        ]
    );
    assert!(st.diff.contains("-b\n+c\n"), "{}", st.diff);
    // Read ahead while the render ran: the same report.
    assert_eq!(check(&out, &new, ALL, list(&out, ALL).snapshot(&out)).unwrap(), st);
    // A file the read-ahead left out (here: dropped from it) is read at the check.
    let mut partial = list(&out, ALL).snapshot(&out).unwrap();
    partial.bytes.remove("manifest.json");
    assert_eq!(check(&out, &new, ALL, Some(partial)).unwrap(), st);
    let missing = check(&d.join("nope"), &[File::new("manifest.json", "a\n")], ALL, None).unwrap();
    assert_eq!(missing.lines, vec!["added manifest.json"]);
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn a_failed_write_leaves_the_old_output() {
    let d = tempdir("fail");
    let out = d.join("out");
    write(&out, &[File::new("manifest.json", "old\n")], ALL).unwrap();
    // A path that cannot be created: a file where a folder must go.
    let bad = vec![
        File::new("manifest.json", "new\n"),
        File::new("cloudformation/x", "x\n"),
        File::new("cloudformation/x/y", "y\n"),
    ];
    assert!(write(&out, &bad, ALL).is_err());
    assert_eq!(fs::read_to_string(out.join("manifest.json")).unwrap(), "old\n");
    let leftovers: Vec<_> = fs::read_dir(&d).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    fs::remove_dir_all(&d).unwrap();
}
