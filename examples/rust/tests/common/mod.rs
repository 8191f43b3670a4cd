//! Shared by the integration tests: find the real jailpy, or say loudly why
//! a test is skipped. Rust has no runtime skip, so a skipped test passes
//! after printing `skipping ...`; with JAILPY_REQUIRED=1 (CI) it fails.

#![allow(dead_code)] // each test binary uses a different part

use std::env;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use jailpy_run::Jailpy;

/// A config for the real binary in `$JAILPY`, or `None` after printing why
/// `test` is skipped. Panics instead when `JAILPY_REQUIRED=1`.
pub fn jailpy(test: &str) -> Option<Jailpy> {
    let missing = match env::var_os("JAILPY").filter(|v| !v.is_empty()) {
        None => "JAILPY not set".to_string(),
        Some(path) if executable(Path::new(&path)) => {
            return Some(Jailpy {
                binary: Some(PathBuf::from(path)),
                timeout: Duration::from_secs(5),
                ..Jailpy::default()
            })
        }
        Some(path) => format!(
            "JAILPY={} is not an executable file",
            Path::new(&path).display()
        ),
    };
    if env::var("JAILPY_REQUIRED")
        .map(|v| v == "1")
        .unwrap_or(false)
    {
        panic!("JAILPY_REQUIRED=1 but {}", missing);
    }
    // Straight to fd 2, in one write: libtest captures eprintln! of
    // passing tests, and other tests print concurrently.
    let line = format!(
        "\nskipping {}: {} (set JAILPY=/path/to/jailpy to run it; JAILPY_REQUIRED=1 makes this a failure)\n",
        test, missing
    );
    let _ = std::io::stderr().write_all(line.as_bytes());
    None
}

/// Returns the real-binary config or ends the test (as a pass) after
/// printing why.
#[macro_export]
macro_rules! jailpy_or_skip {
    () => {{
        // The test's own path, e.g. `verdicts::ok_value::here`: the thread
        // name is just `main` under --test-threads=1.
        fn here() {}
        let test = common::type_name_of(here).trim_end_matches("::here");
        match common::jailpy(test) {
            Some(jail) => jail,
            None => return,
        }
    }};
}

/// The type name of `value`; for a fn item, its path.
pub fn type_name_of<T>(_: T) -> &'static str {
    std::any::type_name::<T>()
}

fn executable(path: &Path) -> bool {
    match path.metadata() {
        Ok(m) => m.is_file() && m.permissions().mode() & 0o111 != 0,
        Err(_) => false,
    }
}

/// A fresh, empty directory under cargo's per-target tmp dir.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
