//! The render stamp: a re-render of the same input into a folder that nobody has touched since
//! mrgen last found it up to date says so without rendering, and without reading a file.
//!
//! The stamp is an extended attribute of `--out` (`user.mrgen.render`) holding two digests:
//! - of the render's **input**: what the caller names (the environment file's text and name, the
//!   `--context` overrides, the formats and the layout) and the mrgen binary itself (its version,
//!   and the device, inode, size and times of the executable: a rebuilt or upgraded mrgen never
//!   trusts a stamp it did not write);
//! - of mrgen's **files in the folder as the file system lists them** (path, size, mode, device,
//!   inode, modification and change times), taken just before their bytes were compared with a
//!   render of that input and found the same.
//!
//! A later render of the same input lists the folder as every render does (`OwnedOnDisk::scan`,
//! which reads no file); when the listing digests to the stamped value, the files still hold
//! those bytes. A write to a file, or any other change to its inode (a new link, `chmod`,
//! `touch -d`), moves its change time, which no program can set back; a file removed, added,
//! renamed or replaced changes the listing.
//!
//! Racy files: a file changed within a tick of the file system's clock of the listing could carry
//! the times it had before (git calls such index entries "racily clean"). So a stamp is only
//! written when every file's change time is more than 50 ms older than the listing, or 2 s where
//! the file system keeps whole seconds (`OwnedOnDisk::settled`); the first re-render after a
//! write compares bytes as before and stamps the folder, later ones trust the stamp. A listing
//! that could not read a folder is never stamped nor trusted.
//!
//! Why an extended attribute: it is invisible to git and to a diff of the output, and it goes with
//! the folder in the atomic swap (a freshly written output folder has none). On a file system
//! without user extended attributes there is never a stamp, and every re-render compares bytes.

use super::owned::{Meta, OwnedOnDisk};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

/// The extended attribute's name.
const NAME: &str = "user.mrgen.render";

/// 128 bits: two SipHash states, started apart. Not a defence against someone who can write to
/// the folder (they can edit the files), only against accidental equality.
struct Digest(DefaultHasher, DefaultHasher);

impl Digest {
    fn new() -> Digest {
        let (mut a, mut b) = (DefaultHasher::new(), DefaultHasher::new());
        a.write_u8(1);
        b.write_u8(2);
        Digest(a, b)
    }

    /// `bytes`, told apart from what comes next.
    fn part(&mut self, bytes: &[u8]) {
        self.write_usize(bytes.len());
        self.write(bytes);
    }

    fn value(&self) -> u128 {
        (u128::from(self.0.finish()) << 64) | u128::from(self.1.finish())
    }
}

impl Hasher for Digest {
    fn write(&mut self, bytes: &[u8]) {
        self.0.write(bytes);
        self.1.write(bytes);
    }

    fn finish(&self) -> u64 {
        self.0.finish() ^ self.1.finish()
    }
}

/// What a render's files are a function of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Input(u128);

impl Input {
    /// The digest of `parts` and of the running mrgen binary; `None` when the binary cannot be
    /// looked at (then nothing is stamped).
    pub fn of(parts: &[&[u8]]) -> Option<Input> {
        let exe = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
        let mut d = Digest::new();
        d.part(env!("CARGO_PKG_VERSION").as_bytes());
        Meta::of(&exe, false).hash(&mut d);
        d.write_usize(parts.len());
        for p in parts {
            d.part(p);
        }
        Some(Input(d.value()))
    }
}

/// The digest of a listing of mrgen's files.
fn state(disk: &OwnedOnDisk) -> u128 {
    let mut d = Digest::new();
    d.write_u8(u8::from(disk.linked_folder));
    d.write_usize(disk.files.len());
    for (path, meta) in &disk.files {
        d.part(path.as_bytes());
        meta.hash(&mut d);
    }
    d.write_usize(disk.folders.len());
    for f in &disk.folders {
        d.part(f.as_bytes());
    }
    d.value()
}

fn text(input: Input, state: u128) -> String {
    format!("1 {:032x} {state:032x}", input.0)
}

/// The stamp on `out`, when there is one.
fn read(out: &Path) -> Option<String> {
    let mut buf = [0u8; 80];
    let n = rustix::fs::getxattr(out, NAME, &mut buf[..]).ok()?;
    String::from_utf8(buf.get(..n)?.to_vec()).ok()
}

/// True when `out` carries the stamp of `input` and `disk`, its listing now, is the one stamped.
pub(super) fn holds(out: &Path, input: Input, disk: &OwnedOnDisk) -> bool {
    read(out).is_some_and(|s| s == text(input, state(disk)))
}

/// Stamps `out`, whose listing `disk` was found to hold a render of `input`: unless a file
/// changed too recently to be told apart later. A failure (a file system without user extended
/// attributes, a read-only folder) leaves no stamp, which only costs a compare next time.
pub(super) fn store(out: &Path, input: Input, disk: &OwnedOnDisk) {
    if !disk.settled() {
        return;
    }
    let _ = rustix::fs::setxattr(
        out,
        NAME,
        text(input, state(disk)).as_bytes(),
        rustix::fs::XattrFlags::empty(),
    );
}
