//! Which files under `--out` are mrgen's ([`Owned`]), finding them on disk ([`OwnedOnDisk`]),
//! and the Terraform state that a render must not strand ([`TfState`]).
//!
//! Under `terraform/` mrgen owns `apply.sh`, the single module's `.tf` files, and in every
//! folder named like a stack's module (`tf::is_stack_folder`) the `.tf` files a stack's module
//! can have: both layouts, whichever is rendered, so that switching layouts removes the other's
//! files. The names come from the renderer (`tf::is_module_file`), which takes the layer files
//! from the layer table. Everything else there (state, `.terraform/`, lock files, a
//! `backend.tf`, the plugin cache) is the user's.

use super::folders_of;
use crate::render::tf::{self, Layout};
use crate::render::{kubernetes, File};
use crate::runbook;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::Path;

/// Which parts of `--out` this render owns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Owned {
    pub cloudformation: bool,
    pub terraform: bool,
}

impl Owned {
    /// True when `rel` (relative to `--out`, `/`-separated) is a file or folder mrgen owns.
    pub fn owns(&self, rel: &str) -> bool {
        if self.cloudformation
            && (rel == "manifest.json" || rel == "cloudformation" || rel.starts_with("cloudformation/"))
        {
            return true;
        }
        let within = |folder: &str| rel == folder || rel.strip_prefix(folder).is_some_and(|r| r.starts_with('/'));
        if (self.cloudformation || self.terraform) && (within(kubernetes::FOLDER) || within(runbook::FOLDER)) {
            return true;
        }
        if self.terraform {
            if let Some(rest) = rel.strip_prefix("terraform/") {
                return match rest.split_once('/') {
                    None => rest == tf::APPLY_SH || tf::is_module_file(Layout::Single, rest),
                    Some((dir, name)) => tf::is_stack_folder(dir) && tf::is_module_file(Layout::Stacks, name),
                };
            }
        }
        false
    }
}

impl Owned {
    /// True when `rel` is a folder `terraform/<stack>/` whose `.tf` files this render owns.
    pub fn stack_folder(&self, rel: &str) -> bool {
        self.terraform
            && rel
                .strip_prefix("terraform/")
                .is_some_and(|d| !d.contains('/') && tf::is_stack_folder(d))
    }
}

/// The folders of `out/terraform/` named like a stack's module, sorted (none when unreadable).
fn stack_folders(out: &Path) -> Vec<String> {
    let Ok(rd) = fs::read_dir(out.join("terraform")) else {
        return Vec::new();
    };
    let mut dirs: Vec<String> = rd
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| tf::is_stack_folder(n))
        .collect();
    dirs.sort();
    dirs
}

/// The Terraform state (or initialisation) found under `out/terraform/`, by layout.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TfState {
    /// `terraform/terraform.tfstate` or `terraform/.terraform/`: the single module's.
    pub single: Vec<String>,
    /// `terraform/<stack>/terraform.tfstate` or `…/.terraform/`: stacks' modules'.
    pub stacks: Vec<String>,
}

/// What of Terraform's own files a folder of `out/terraform/` can hold: a state file, or the
/// `.terraform/` folder that `terraform init` makes (also with a remote backend, whose state is
/// elsewhere).
const TF_STATE: [&str; 2] = ["terraform.tfstate", ".terraform"];

/// The Terraform state under `out/terraform/`, looked up name by name (when a listing of `out`
/// failed part way).
pub(super) fn terraform_state(out: &Path) -> TfState {
    let found = |dir: &str| -> Vec<String> {
        TF_STATE
            .iter()
            .map(|n| format!("{dir}/{n}"))
            .filter(|rel| fs::symlink_metadata(out.join(rel)).is_ok())
            .collect()
    };
    TfState {
        single: found("terraform"),
        stacks: stack_folders(out)
            .iter()
            .flat_map(|d| found(&format!("terraform/{d}")))
            .collect(),
    }
}

/// One of mrgen's files as found on disk (through a symbolic link, if it is one): what the render
/// stamp holds a file to (`stamp.rs`), and what a write compares first. Writing a file, or any
/// change to its inode (a new link, a `chmod`, `touch -d`), moves its change time, which nobody
/// can set back.
#[derive(Debug, Hash, PartialEq, Eq)]
pub(super) struct Meta {
    len: u64,
    /// Reached through a symbolic link.
    link: bool,
    dev: u64,
    ino: u64,
    /// File type and permission bits.
    mode: u32,
    /// Modification and change times: seconds and nanoseconds since the epoch.
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Meta {
    pub(super) fn of(m: &fs::Metadata, link: bool) -> Meta {
        use std::os::unix::fs::MetadataExt;
        Meta {
            len: m.len(),
            link,
            dev: m.dev(),
            ino: m.ino(),
            mode: m.mode(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
        }
    }

    fn executable(&self) -> bool {
        self.mode & 0o111 != 0
    }

    /// Reached through a symbolic link.
    pub(super) fn linked(&self) -> bool {
        self.link
    }

    /// A regular file (not a pipe, a socket or a device).
    pub(super) fn regular(&self) -> bool {
        self.mode & 0o170000 == 0o100000
    }

    /// The change time, in nanoseconds since the epoch.
    fn changed_ns(&self) -> i128 {
        i128::from(self.ctime.0) * 1_000_000_000 + i128::from(self.ctime.1)
    }

    /// Whole seconds in both times: the file system keeps no finer time (ext3, ext4 with
    /// 128-byte inodes, some network and FUSE file systems).
    fn whole_seconds(&self) -> bool {
        self.mtime.1 == 0 && self.ctime.1 == 0
    }
}

/// mrgen's own files under `out` as found on disk, from folder listings and metadata alone: no
/// file is read here.
#[derive(Debug, Default)]
pub(super) struct OwnedOnDisk {
    /// Files by relative path.
    pub(super) files: BTreeMap<String, Meta>,
    /// `cloudformation`, `kubernetes` and the folders inside them.
    pub(super) folders: BTreeSet<String>,
    /// `cloudformation` or `kubernetes` is a symbolic link, which a write replaces with a real
    /// folder.
    pub(super) linked_folder: bool,
    /// The Terraform state seen in the folders listed (when the render owns Terraform's files).
    pub(super) tf_state: TfState,
    /// When the listing began, in nanoseconds since the epoch (0 when the clock is unusable).
    pub(super) listed_at_ns: i128,
}

impl OwnedOnDisk {
    pub(super) fn scan(out: &Path, owned: Owned) -> io::Result<OwnedOnDisk> {
        let listed_at_ns = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .and_then(|d| i128::try_from(d.as_nanos()).ok())
            .unwrap_or(0);
        let mut found = OwnedOnDisk {
            listed_at_ns,
            ..OwnedOnDisk::default()
        };
        if !out.is_dir() {
            return Ok(found);
        }
        if owned.cloudformation {
            found.file(out, "manifest.json");
            found.folder(out, "cloudformation")?;
        }
        if owned.cloudformation || owned.terraform {
            found.folder(out, kubernetes::FOLDER)?;
            found.folder(out, runbook::FOLDER)?;
        }
        if owned.terraform {
            // One listing per folder, then the files mrgen would write there: no look-up of a
            // name that is not there (most of either layout's names, in the other layout).
            let folders = found.listed(out, "terraform", &|n| {
                n == tf::APPLY_SH || tf::is_module_file(Layout::Single, n)
            })?;
            for dir in folders.iter().filter(|d| tf::is_stack_folder(d)) {
                found.listed(out, &format!("terraform/{dir}"), &|n| {
                    tf::is_module_file(Layout::Stacks, n)
                })?;
            }
        }
        Ok(found)
    }

    /// Records the owned folder `rel` and everything under it, when it is there.
    fn folder(&mut self, out: &Path, rel: &str) -> io::Result<()> {
        let dir = out.join(rel);
        if let Ok(m) = fs::symlink_metadata(&dir) {
            if m.is_dir() || (m.is_symlink() && dir.is_dir()) {
                let linked = self.linked_folder;
                self.linked_folder = m.is_symlink();
                self.folders.insert(rel.to_string());
                self.walk(&dir, rel)?;
                self.linked_folder |= linked;
            }
        }
        Ok(())
    }

    /// Records the entries of the folder `dir` whose names are `wanted` (see [`Self::file`]),
    /// and the Terraform state there; returns the names of the folders in it, sorted. A folder
    /// that is there but cannot be listed is an error: the listing would be partial.
    fn listed(&mut self, out: &Path, dir: &str, wanted: &dyn Fn(&str) -> bool) -> io::Result<Vec<String>> {
        let rd = match fs::read_dir(out.join(dir)) {
            Ok(rd) => rd,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut all = Vec::new();
        let mut folders = Vec::new();
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                folders.push(name.clone());
            }
            all.push(name);
        }
        folders.sort();
        let state = TF_STATE
            .iter()
            .filter(|n| all.iter().any(|a| a == *n))
            .map(|n| format!("{dir}/{n}"));
        if dir == "terraform" {
            self.tf_state.single.extend(state);
        } else {
            self.tf_state.stacks.extend(state);
        }
        let mut names: Vec<String> = all.into_iter().filter(|n| wanted(n)).collect();
        names.sort();
        for n in names {
            self.file(out, &format!("{dir}/{n}"));
        }
        Ok(folders)
    }

    /// Records `rel` when it is a file, or a link to one.
    fn file(&mut self, out: &Path, rel: &str) {
        let p = out.join(rel);
        let Ok(mut m) = fs::symlink_metadata(&p) else {
            return;
        };
        let link = m.is_symlink();
        if link {
            let Ok(target) = fs::metadata(&p) else { return };
            m = target;
        }
        if m.is_file() {
            self.files.insert(rel.to_string(), Meta::of(&m, link));
        }
    }

    /// Records everything under the owned folder `dir`.
    fn walk(&mut self, dir: &Path, rel: &str) -> io::Result<()> {
        for e in fs::read_dir(dir)? {
            let e = e?;
            let r = format!("{rel}/{}", e.file_name().to_string_lossy());
            let ft = e.file_type()?;
            if ft.is_dir() {
                self.walk(&e.path(), &r)?;
                self.folders.insert(r);
            } else {
                let m = if ft.is_symlink() {
                    fs::metadata(e.path())?
                } else {
                    e.metadata()?
                };
                // Inside a linked folder, every file is reached through a link.
                self.files
                    .insert(r, Meta::of(&m, ft.is_symlink() || self.linked_folder));
            }
        }
        Ok(())
    }

    /// The paths of `files` that are on disk already, so that a write leaves them as they are:
    /// regular files, not reached through a link, with the same size, executable bit and bytes
    /// (a file is read only when the rest agrees; `read_ahead` holds files read already, by
    /// path). The write and `--check` both go by this.
    pub(super) fn unchanged<'a>(
        &self,
        out: &Path,
        files: &'a [File],
        read_ahead: Option<&BTreeMap<String, Vec<u8>>>,
    ) -> BTreeSet<&'a str> {
        files
            .iter()
            .filter(|f| {
                self.files.get(&f.path).is_some_and(|m| {
                    !m.link && m.regular() && m.len == f.contents.len() as u64 && m.executable() == f.executable
                }) && match read_ahead.and_then(|bytes| bytes.get(&f.path)) {
                    Some(b) => b == f.contents.as_bytes(),
                    None => holds_bytes(&out.join(&f.path), f.contents.as_bytes()),
                }
            })
            .map(|f| f.path.as_str())
            .collect()
    }

    /// The bytes of the regular files listed, by path, up to [`READ_AHEAD_MAX`] bytes each (a
    /// file left out is read at the write, if its size is a rendered file's).
    pub(super) fn read(&self, out: &Path) -> BTreeMap<String, Vec<u8>> {
        self.files
            .iter()
            .filter(|(_, m)| !m.link && m.regular() && m.len <= READ_AHEAD_MAX)
            .filter_map(|(p, _)| Some((p.clone(), fs::read(out.join(p)).ok()?)))
            .collect()
    }

    /// True when the file `rel` under `out` is still the one listed (no one wrote to it since).
    pub(super) fn still(&self, out: &Path, rel: &str) -> bool {
        self.files
            .get(rel)
            .is_some_and(|m| fs::symlink_metadata(out.join(rel)).is_ok_and(|now| *m == Meta::of(&now, m.link)))
    }

    /// True when every file listed changed long enough before the listing that a later change
    /// cannot carry the same times: more than 50 ms, or 2 s where the file system keeps whole
    /// seconds (git's "racily clean" entries).
    pub(super) fn settled(&self) -> bool {
        let coarse = !self.files.is_empty() && self.files.values().all(Meta::whole_seconds);
        let window = if coarse { 2_000_000_000 } else { 50_000_000 };
        self.listed_at_ns > 0 && self.files.values().all(|m| m.changed_ns() < self.listed_at_ns - window)
    }

    /// True when the owned files on disk are exactly `files`, given those of them that are
    /// `unchanged`: all are, there is no other, and the folders are the same.
    pub(super) fn holds(&self, files: &[File], unchanged: &BTreeSet<&str>, owned: Owned) -> bool {
        let folders: BTreeSet<String> = folders_of(files)
            .into_iter()
            .filter(|d| owned.owns(d))
            .map(str::to_string)
            .collect();
        !self.linked_folder
            && unchanged.len() == files.len()
            && self.files.len() == files.len()
            && self.folders == folders
    }
}

/// The largest file read ahead of a write: mrgen's largest file is a few hundred KiB.
const READ_AHEAD_MAX: u64 = 4 << 20;

/// True when the file at `p`, whose size is already known to be `want.len()`, holds `want`.
fn holds_bytes(p: &Path, want: &[u8]) -> bool {
    use std::io::Read;
    let mut have = vec![0; want.len()];
    fs::File::open(p).and_then(|mut f| f.read_exact(&mut have)).is_ok() && have == want
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: Owned = Owned {
        cloudformation: true,
        terraform: true,
    };

    #[test]
    fn ownership() {
        assert!(ALL.owns("manifest.json"));
        assert!(ALL.owns("cloudformation/x.template.json"));
        assert!(ALL.owns("terraform/network.tf"));
        assert!(!ALL.owns("terraform/backend.tf"));
        assert!(!ALL.owns("terraform/.terraform"));
        assert!(!ALL.owns("terraform.tfstate"));
        let tf = Owned {
            cloudformation: false,
            terraform: true,
        };
        assert!(!tf.owns("manifest.json"));
        // The bindings are every format's: both need them.
        for o in [ALL, tf] {
            assert!(o.owns("kubernetes"));
            assert!(o.owns("kubernetes/ap-northeast-1/target-group-binding.yaml"));
            assert!(!o.owns("kubernetes-notes.txt"));
            assert!(o.owns("runbook/failover-ap-northeast-2.sh"));
            assert!(!o.owns("runbook-notes.txt"));
        }
    }

    #[test]
    fn stack_folders_are_told_apart() {
        assert!(tf::is_stack_folder("genai-demo-production-network-ap-northeast-1"));
        assert!(tf::is_stack_folder(
            "genai-demo-production-peering-routes-ap-northeast-2"
        ));
        assert!(tf::is_stack_folder("a-b-msk-replication-us-gov-west-1"));
        assert!(tf::is_stack_folder("x-prod-dns-us-east-1"));
        // An environment named like a layer.
        assert!(tf::is_stack_folder("genai-dns-dns-us-east-1"));
        for not in [
            "modules",
            "network-ap-northeast-1",
            "x-network-apne1",
            "x-network-ap-northeast",
            ".terraform",
            "x-vpc-us-east-1",
        ] {
            assert!(!tf::is_stack_folder(not), "{not}");
        }
        let s = "terraform/genai-demo-production-eks-ap-northeast-2";
        assert!(ALL.owns(&format!("{s}/eks.tf")));
        assert!(ALL.owns(&format!("{s}/variables.tf")));
        assert!(ALL.owns("terraform/apply.sh"));
        for not in [s, "terraform/modules/x/eks.tf", "terraform/variables.tf"] {
            assert!(!ALL.owns(not), "{not}");
        }
        for user in [
            "backend.tf",
            "terraform.tfstate",
            ".terraform",
            ".terraform.lock.hcl",
            "local.tf",
        ] {
            assert!(!ALL.owns(&format!("{s}/{user}")), "{user}");
        }
        assert!(!ALL.owns("terraform/.plugin-cache"));
        assert!(ALL.stack_folder(s) && !ALL.stack_folder("terraform/modules"));
    }

    #[test]
    fn only_files_changed_well_before_the_listing_are_settled() {
        let listed_at_ns: i128 = 1_700_000_000 * 1_000_000_000;
        let disk = |ctime_ns: i128| {
            let (sec, nsec) = ((ctime_ns / 1_000_000_000) as i64, (ctime_ns % 1_000_000_000) as i64);
            let meta = Meta {
                len: 1,
                link: false,
                dev: 1,
                ino: 2,
                mode: 0o100644,
                mtime: (sec, nsec),
                ctime: (sec, nsec),
            };
            OwnedOnDisk {
                files: BTreeMap::from([("manifest.json".to_string(), meta)]),
                listed_at_ns,
                ..OwnedOnDisk::default()
            }
        };
        let ms = 1_000_000;
        assert!(!disk(listed_at_ns - 10 * ms - 7).settled(), "10 ms before the listing");
        assert!(disk(listed_at_ns - 60 * ms - 7).settled(), "60 ms before");
        // Whole seconds: the file system cannot tell two changes in one second apart.
        assert!(
            !disk(listed_at_ns - 1_000 * ms).settled(),
            "one second before, in whole seconds"
        );
        assert!(disk(listed_at_ns - 3_000 * ms).settled(), "three seconds before");
        let mut unknown = disk(listed_at_ns - 3_000 * ms);
        unknown.listed_at_ns = 0;
        assert!(!unknown.settled(), "no clock, no stamp");
    }

    #[test]
    fn a_pipe_or_a_huge_file_is_not_read_ahead() {
        let d = super::super::tests::tempdir("owned-pipe");
        let out = d.join("out");
        fs::create_dir_all(out.join("kubernetes")).unwrap();
        fs::write(out.join("kubernetes/a.yaml"), "a\n").unwrap();
        rustix::fs::mknodat(
            rustix::fs::CWD,
            out.join("kubernetes/pipe"),
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
            0,
        )
        .unwrap();
        fs::File::create(out.join("kubernetes/huge"))
            .unwrap()
            .set_len(READ_AHEAD_MAX + 1)
            .unwrap();
        let disk = OwnedOnDisk::scan(&out, ALL).unwrap();
        assert_eq!(disk.files.len(), 3, "{:?}", disk.files.keys());
        let bytes = disk.read(&out);
        assert_eq!(bytes.keys().collect::<Vec<_>>(), ["kubernetes/a.yaml"]);
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn the_listing_finds_the_state_that_look_ups_find() {
        let d = super::super::tests::tempdir("owned-state");
        let out = d.join("out");
        let (a, b, c) = (
            "terraform/p-e-eks-us-east-1",
            "terraform/p-e-dns-us-east-1",
            "terraform/p-e-network-us-east-1",
        );
        for dir in [a, b, c] {
            fs::create_dir_all(out.join(dir)).unwrap();
        }
        fs::write(out.join("terraform/terraform.tfstate"), "s").unwrap();
        fs::create_dir(out.join(a).join(".terraform")).unwrap();
        fs::write(out.join(a).join("terraform.tfstate"), "s").unwrap();
        fs::write(out.join(b).join("terraform.tfstate"), "s").unwrap();
        fs::write(out.join(c).join("backend.tf"), "b").unwrap();
        let listed = super::super::list(&out, ALL).terraform_state;
        assert_eq!(listed, terraform_state(&out));
        assert_eq!(listed.single, ["terraform/terraform.tfstate"]);
        assert_eq!(
            listed.stacks,
            [
                format!("{b}/terraform.tfstate"),
                format!("{a}/terraform.tfstate"),
                format!("{a}/.terraform"),
            ]
        );
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn a_stack_that_is_gone_leaves_its_state_and_no_empty_folder() {
        let d = super::super::tests::tempdir("owned");
        let out = d.join("out");
        let (a, b) = ("terraform/p-e-eks-us-east-1", "terraform/p-e-dns-us-east-1");
        let v1 = vec![
            File::new(format!("{a}/eks.tf"), "a\n"),
            File::new(format!("{b}/dns.tf"), "b\n"),
        ];
        super::super::write(&out, &v1, ALL).unwrap();
        fs::write(out.join(a).join("terraform.tfstate"), "state").unwrap();
        let v2 = vec![File::new(format!("{a}/eks.tf"), "a2\n")];
        super::super::write(&out, &v2, ALL).unwrap();
        assert!(!out.join(b).exists(), "the folder of a stack that is gone");
        assert_eq!(fs::read_to_string(out.join(a).join("eks.tf")).unwrap(), "a2\n");
        super::super::write(&out, &[], ALL).unwrap();
        assert!(!out.join(a).join("eks.tf").exists());
        assert_eq!(
            fs::read_to_string(out.join(a).join("terraform.tfstate")).unwrap(),
            "state"
        );
        fs::remove_dir_all(&d).unwrap();
    }
}
