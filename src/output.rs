//! Rendered files → disk, atomically, touching only what mrgen owns; or `--check`: compare with
//! disk and report what is stale.
//!
//! Atomicity without losing the user's files. `--out` may hold things mrgen does not own (a
//! Terraform state file, `.terraform/`, a backend file) that must survive every render. So the
//! new output is assembled in a temporary folder beside `--out`: the new owned files, plus every
//! file that is not mrgen's, hard-linked (no data is copied; a hard link is the same file). Then
//! one `renameat2(RENAME_EXCHANGE)` swaps the two folders: before it, `--out` is exactly as it
//! was; after it, it is the new output. The old tree, now in the temporary folder, is removed.
//! A run stopped by SIGINT, SIGTERM or SIGHUP finishes the write under way (a few milliseconds)
//! before it exits, so it leaves no temporary folder; one killed outright (SIGKILL) may leave
//! one, and the next run removes it.
//!
//! Nothing written that did not change. Before any of that, mrgen's files on disk are compared
//! with the new ones (paths and folders, then sizes and executable bits, then bytes). When they
//! are all the same, `write` returns without creating, renaming or removing anything. Otherwise
//! the files that did not change are hard-linked into the new tree like the user's, and only the
//! others are written: cheaper than writing them, and tools that look at inodes or modification
//! times see only what changed.

use crate::render::File;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

mod owned;
mod stamp;

use owned::OwnedOnDisk;
pub use owned::{Owned, TfState};
pub use stamp::Input;

/// Every folder that `files` need, by relative path. A path sorts before the paths inside it, so
/// the set yields parents first.
fn folders_of(files: &[File]) -> BTreeSet<&str> {
    let mut folders = BTreeSet::new();
    for f in files {
        let mut rel = f.path.as_str();
        while let Some((parent, _)) = rel.rsplit_once('/') {
            folders.insert(parent);
            rel = parent;
        }
    }
    folders
}

/// The result of `--check`.
#[derive(Debug, Default, PartialEq)]
pub struct Staleness {
    /// `changed <path>` / `added <path>` / `removed <path>`, sorted by path.
    pub lines: Vec<String>,
    /// A unified diff of the changed files.
    pub diff: String,
}

/// Compares the rendered files with what `out` holds (mrgen's own files only), as `ahead` read
/// them while the render ran, when it did. A file is `changed` unless a write would leave it as
/// it is ([`OwnedOnDisk::unchanged`]).
pub fn check(out: &Path, files: &[File], owned: Owned, ahead: Option<Snapshot>) -> io::Result<Staleness> {
    let (listed, mut bytes) = match ahead {
        Some(Snapshot { disk, bytes }) => (disk, Some(bytes)),
        None => (OwnedOnDisk::scan(out, owned)?, None),
    };
    let unchanged = listed.unchanged(out, files, bytes.as_ref());
    let mut new: BTreeMap<&str, &File> = BTreeMap::new();
    for f in files {
        new.insert(f.path.as_str(), f);
    }
    let paths: BTreeSet<&str> = listed
        .files
        .keys()
        .map(String::as_str)
        .chain(new.keys().copied())
        .collect();
    let mut st = Staleness::default();
    for p in paths {
        match (listed.files.get(p), new.get(p)) {
            (Some(_), Some(_)) if unchanged.contains(p) => {}
            (Some(m), Some(f)) => {
                st.lines.push(format!("changed {p}"));
                let old = match bytes.as_mut().and_then(|b| b.remove(p)) {
                    // A pipe would never end a read.
                    None if m.regular() => Some(fs::read(out.join(p))?),
                    read => read,
                };
                st.diff.push_str(&match old {
                    Some(old) if old.as_slice() != f.contents.as_bytes() => {
                        let old_text = String::from_utf8_lossy(&old);
                        similar::TextDiff::from_lines(old_text.as_ref(), f.contents.as_str())
                            .unified_diff()
                            .context_radius(3)
                            .header(&format!("a/{p}"), &format!("b/{p}"))
                            .to_string()
                    }
                    Some(_) if m.linked() => format!("a/{p}: a symbolic link, which a render replaces with the file\n"),
                    Some(_) => {
                        let mode = |x: bool| if x { "100755" } else { "100644" };
                        format!(
                            "a/{p}: old mode {}\nb/{p}: new mode {}\n",
                            mode(!f.executable),
                            mode(f.executable)
                        )
                    }
                    None => format!("a/{p}: not a regular file\n"),
                });
            }
            (None, Some(_)) => st.lines.push(format!("added {p}")),
            (Some(_), None) => st.lines.push(format!("removed {p}")),
            (None, None) => {}
        }
    }
    Ok(st)
}

/// Why a write failed, with the path involved.
#[derive(Debug)]
pub struct WriteError(pub String);

fn err(what: &str, p: &Path, e: io::Error) -> WriteError {
    WriteError(format!("{what} `{}`: {e}", p.display()))
}

fn temp_prefix(out: &Path) -> String {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    format!(".{name}.mrgen-")
}

/// Held for the whole of a write, from creating the temporary folder to removing it.
static WRITING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// On SIGINT, SIGTERM or SIGHUP: wait for a write under way to finish (it ends with the new
/// output swapped in, or the old one untouched, and its temporary folder removed), then exit as
/// the signal would. A write takes milliseconds, so the wait is short.
fn install_signal_cleanup() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(sig) = signals.forever().next() {
                let _done = WRITING.lock();
                std::process::exit(128 + sig);
            }
        });
    });
}

/// Removes temporary folders that runs no longer alive left beside `out`.
fn remove_stale_temps(parent: &Path, prefix: &str) {
    let Ok(rd) = fs::read_dir(parent) else { return };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(prefix) else {
            continue;
        };
        let Some(pid) = rest.strip_suffix(".tmp").and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

/// Mirrors everything under `from` that mrgen does not own into `to`: folders recreated with
/// their mode, files hard-linked (copied if linking fails), symlinks recreated. Adds the relative
/// path of everything it creates to `made`. `needed` are the folders the new files go in.
fn mirror_foreign(
    from: &Path,
    to: &Path,
    rel: &str,
    owned: Owned,
    needed: &BTreeSet<&str>,
    made: &mut BTreeSet<String>,
) -> Result<(), WriteError> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    let rd = fs::read_dir(from).map_err(|e| err("cannot read", from, e))?;
    for e in rd {
        let e = e.map_err(|e| err("cannot read", from, e))?;
        let name = e.file_name().to_string_lossy().into_owned();
        let r = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if owned.owns(&r) {
            continue;
        }
        let src = e.path();
        let dst = to.join(e.file_name());
        let ft = e.file_type().map_err(|e| err("cannot read", &src, e))?;
        if ft.is_symlink() {
            let target = fs::read_link(&src).map_err(|e| err("cannot read link", &src, e))?;
            std::os::unix::fs::symlink(&target, &dst).map_err(|e| err("cannot create link", &dst, e))?;
        } else if ft.is_dir() {
            let mut mode = e.metadata().map_or(0o777, |m| m.permissions().mode() & 0o7777);
            if needed.contains(r.as_str()) {
                // mrgen writes its files into this folder: it must be able to.
                mode |= 0o700;
            }
            fs::DirBuilder::new()
                .mode(mode)
                .create(&dst)
                .map_err(|e| err("cannot create", &dst, e))?;
            made.insert(r.clone());
            mirror_foreign(&src, &dst, &r, owned, needed, made)?;
            // A stack's folder that held mrgen's files alone goes with them: a stack that is
            // gone leaves no empty folder (one that stays keeps the folder made here).
            if owned.stack_folder(&r)
                && !needed.contains(r.as_str())
                && fs::read_dir(&dst).is_ok_and(|mut d| d.next().is_none())
            {
                fs::remove_dir(&dst).map_err(|e| err("cannot remove", &dst, e))?;
                made.remove(&r);
                continue;
            }
        } else if fs::hard_link(&src, &dst).is_err() {
            fs::copy(&src, &dst).map_err(|e| err("cannot copy", &src, e))?;
        }
        made.insert(r);
    }
    Ok(())
}

/// Writes `files` into the fresh folder `dir`, linking those `unchanged` from `out` (as `listed`).
/// Each folder they need is created once, parents
/// before children, unless `made` says it is there already; each file is created with its mode
/// (0644, or 0755 when executable; less the umask, as for any file a program creates).
fn write_files(
    dir: &Path,
    files: &[File],
    made: &BTreeSet<String>,
    out: &Path,
    unchanged: &BTreeSet<&str>,
    listed: Option<&OwnedOnDisk>,
) -> Result<(), WriteError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    for rel in folders_of(files) {
        if !made.contains(rel) {
            let p = dir.join(rel);
            fs::create_dir(&p).map_err(|e| err("cannot create", &p, e))?;
        }
    }
    for f in files {
        let p = dir.join(&f.path);
        // The bytes were compared some time ago (read ahead, milliseconds before): a file is
        // linked only while it is still the file listed then.
        if unchanged.contains(f.path.as_str())
            && listed.is_some_and(|l| l.still(out, &f.path))
            && fs::hard_link(out.join(&f.path), &p).is_ok()
        {
            continue;
        }
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(if f.executable { 0o755 } else { 0o644 })
            .open(&p)
            .map_err(|e| err("cannot write", &p, e))?;
        file.write_all(f.contents.as_bytes())
            .map_err(|e| err("cannot write", &p, e))?;
    }
    Ok(())
}

/// Creates `dir` and whichever of its ancestors are missing, parents first: one `mkdir` for each
/// missing folder, none for one that exists.
fn create_missing(dir: &Path) -> Result<(), WriteError> {
    let mut missing = Vec::new();
    let mut cur = dir;
    loop {
        match fs::metadata(cur) {
            Ok(m) if m.is_dir() => break,
            Ok(_) => return Err(WriteError(format!("`{}` exists and is not a folder", cur.display()))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => missing.push(cur),
            Err(e) => return Err(err("cannot read", cur, e)),
        }
        match cur.parent() {
            Some(p) if !p.as_os_str().is_empty() => cur = p,
            _ => break,
        }
    }
    for d in missing.into_iter().rev() {
        match fs::create_dir(d) {
            Ok(()) => {}
            // Made by someone else in the meantime: just as good.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && d.is_dir() => {}
            Err(e) => return Err(err("cannot create", d, e)),
        }
    }
    Ok(())
}

/// What `write` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// `--out` held exactly these files already: nothing was touched.
    UpToDate,
    /// The new output is in place.
    Replaced,
}

/// What `--out` holds of a render's concern, from folder listings and metadata alone (no file
/// is read): mrgen's files, and Terraform's state. Listed once, before a render: for the layout
/// guard, the stamp, and the [`Snapshot`] the write compares with.
#[derive(Debug)]
pub struct Listing {
    /// `None` when a folder could not be listed (the write then looks again itself).
    disk: Option<OwnedOnDisk>,
    /// The Terraform state under `terraform/` (when the render owns Terraform's files).
    pub terraform_state: TfState,
}

/// Lists `out` for a render that owns `owned`.
pub fn list(out: &Path, owned: Owned) -> Listing {
    let disk = OwnedOnDisk::scan(out, owned).ok();
    let terraform_state = match &disk {
        Some(d) => d.tf_state.clone(),
        // A folder that cannot be listed: the state is looked up name by name.
        None if owned.terraform => owned::terraform_state(out),
        None => TfState::default(),
    };
    Listing { disk, terraform_state }
}

impl Listing {
    /// The number of mrgen's files in `out`, when `out` carries the stamp of a render of `input`
    /// and they are still the files stamped (`stamp.rs`): a render of `input` would find `out` up
    /// to date. `None`: render, and [`write_stamped`].
    pub fn stamped(&self, out: &Path, input: Input) -> Option<usize> {
        let disk = self.disk.as_ref()?;
        stamp::holds(out, input, disk).then_some(disk.files.len())
    }

    /// Reads the bytes of mrgen's files listed.
    pub fn snapshot(self, out: &Path) -> Option<Snapshot> {
        let disk = self.disk?;
        let bytes = disk.read(out);
        Some(Snapshot { disk, bytes })
    }
}

/// `out` itself, or the folder it names when it is a symbolic link: a write follows the link
/// and leaves the link itself as it is.
pub fn resolve(out: &Path) -> io::Result<PathBuf> {
    match fs::symlink_metadata(out) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(out),
        _ => Ok(out.to_path_buf()),
    }
}

/// The folder `out` is in, where its temporary folders are made.
fn parent_of(out: &Path) -> PathBuf {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Removes the temporary folders that runs no longer alive left beside `out`, as every write
/// does first (for a render that the stamp spares the write).
pub fn tidy(out: &Path) {
    remove_stale_temps(&parent_of(out), &temp_prefix(out));
}

/// mrgen's files in `--out` as they are, bytes included: read while the render runs (on another
/// thread), so that [`write_stamped`] only compares.
#[derive(Debug)]
pub struct Snapshot {
    disk: OwnedOnDisk,
    bytes: BTreeMap<String, Vec<u8>>,
}

/// Writes `files` into `out` atomically, unless `out` holds exactly them already. On any error
/// the previous output is untouched and the temporary folder is removed.
pub fn write(out: &Path, files: &[File], owned: Owned) -> Result<Written, WriteError> {
    write_stamped(out, files, owned, None, None)
}

/// [`write`] the render of `input`, comparing with `ahead` when `out` was read already: when
/// `out` holds exactly its files already, `out` is stamped so that the next render of `input`
/// can tell without rendering ([`Listing::stamped`]).
pub fn write_stamped(
    out: &Path,
    files: &[File],
    owned: Owned,
    input: Option<Input>,
    ahead: Option<Snapshot>,
) -> Result<Written, WriteError> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    let out = resolve(out).map_err(|e| err("cannot resolve", out, e))?;
    // The mode of the folder it replaces, when there is one.
    let existing = match fs::metadata(&out) {
        Ok(m) if m.is_dir() => Some(m.permissions().mode() & 0o7777),
        Ok(_) => return Err(WriteError(format!("`{}` exists and is not a folder", out.display()))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(err("cannot read", &out, e)),
    };
    let parent = parent_of(&out);
    if existing.is_none() {
        create_missing(&parent)?;
    }
    let prefix = temp_prefix(&out);
    remove_stale_temps(&parent, &prefix);
    // The files on disk are compared with the new ones; a folder that cannot be read is simply
    // written over.
    let mut unchanged = BTreeSet::new();
    let mut listed = None;
    if existing.is_some() {
        let (disk, bytes) = match ahead {
            Some(Snapshot { disk, bytes }) => (Ok(disk), Some(bytes)),
            None => (OwnedOnDisk::scan(&out, owned), None),
        };
        if let Ok(disk) = disk {
            unchanged = disk.unchanged(&out, files, bytes.as_ref());
            if disk.holds(files, &unchanged, owned) {
                if let Some(input) = input {
                    stamp::store(&out, input, &disk);
                }
                return Ok(Written::UpToDate);
            }
            listed = Some(disk);
        }
    }
    let tmp = parent.join(format!("{prefix}{}.tmp", std::process::id()));
    install_signal_cleanup();
    // A poisoned lock only means another write panicked; the guard still orders this one.
    let _writing = WRITING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut builder = fs::DirBuilder::new();
    builder.mode(existing.unwrap_or(0o777));
    if let Err(e) = builder.create(&tmp) {
        // Left by an earlier process that had this one's id.
        if e.kind() != io::ErrorKind::AlreadyExists {
            return Err(err("cannot create", &tmp, e));
        }
        let _ = fs::remove_dir_all(&tmp);
        builder.create(&tmp).map_err(|e| err("cannot create", &tmp, e))?;
    }
    let swap = existing.is_some();
    let result = (|| {
        let mut made = BTreeSet::new();
        if swap {
            mirror_foreign(&out, &tmp, "", owned, &folders_of(files), &mut made)?;
        }
        write_files(&tmp, files, &made, &out, &unchanged, listed.as_ref())?;
        if swap {
            rustix::fs::renameat_with(
                rustix::fs::CWD,
                &tmp,
                rustix::fs::CWD,
                &out,
                rustix::fs::RenameFlags::EXCHANGE,
            )
            .map_err(|e| WriteError(format!("cannot swap `{}` into place: {e}", out.display())))
        } else {
            fs::rename(&tmp, &out).map_err(|e| err("cannot move the new output to", &out, e))
        }
    })();
    // After a swap `tmp` holds the old tree; after a failure, the unfinished new one; after a
    // first write it is gone.
    if swap || result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result.map(|()| Written::Replaced)
}

#[cfg(test)]
mod tests;
