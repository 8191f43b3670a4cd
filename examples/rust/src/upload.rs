//! The upload as a private temporary file: jailpy reads its source from a
//! path, so an in-memory upload is written to `<parent>/jailpy-XXXX/<name>`,
//! the directory made 0700 by `mkdir` itself (exclusive: a planted name or
//! symlink makes it fail, and it is retried under a new name), the file
//! created 0600 with O_EXCL. Both are removed when the `Upload` is dropped
//! (a SIGKILLed service leaves them behind).

use std::collections::hash_map::RandomState;
use std::fs::{self, DirBuilder, OpenOptions};
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// A written upload; removed on drop.
pub(crate) struct Upload {
    dir: PathBuf,
    path: PathBuf,
}

impl Upload {
    /// Writes `source` as `parent/jailpy-<random>/<name>`.
    pub(crate) fn write(parent: &Path, name: &str, source: &[u8]) -> io::Result<Upload> {
        let dir = private_dir(parent)?;
        // From here on, Drop cleans up whatever exists.
        let upload = Upload {
            path: dir.join(name),
            dir,
        };
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&upload.path)?;
        file.write_all(source)?;
        Ok(upload)
    }

    /// The file to pass to jailpy.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
        let _ = fs::remove_dir(&self.dir);
    }
}

fn private_dir(parent: &Path) -> io::Result<PathBuf> {
    for _ in 0..16 {
        let dir = parent.join(format!("jailpy-{}-{:016x}", std::process::id(), random()));
        match DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!(
            "no free temporary directory name under {}",
            parent.display()
        ),
    ))
}

/// 64 unpredictable bits from std alone: `RandomState` is seeded from the
/// OS's random source. Unpredictability is a courtesy; the exclusive mkdir
/// is what makes the directory ours.
fn random() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    if let Ok(t) = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH) {
        hasher.write_u128(t.as_nanos());
    }
    hasher.finish()
}

/// Checks that `name` is a plain file name: it becomes the name tracebacks
/// show, and must not reach outside the private directory.
pub(crate) fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name == "." || name == ".." || name.contains('/') || name.contains('\0') {
        return Err(format!("upload name {:?} is not a plain file name", name));
    }
    Ok(())
}
