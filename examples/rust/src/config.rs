//! How to run jailpy: the binary, the limits, the policy. One place maps
//! each field to its flag.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Settings for running uploads through jailpy. `None` leaves a limit at
/// jailpy's default (see jailpy's README, "Use"). Build it with struct update
/// syntax: `Jailpy { policy: Some("safe".into()), ..Jailpy::default() }`.
#[derive(Debug, Clone)]
pub struct Jailpy {
    /// The jailpy binary. `None`: `$JAILPY` if set and non-empty, else
    /// `jailpy` on `PATH`.
    pub binary: Option<PathBuf>,
    /// `--timeout`: wall clock of one call, in whole milliseconds (the rest
    /// is dropped, as jailpy drops it). Always passed, so it also overrides
    /// a policy file's `[limits] timeout`.
    pub timeout: Duration,
    /// How long past `timeout` the runner waits for a verdict (jailpy's
    /// start-up and teardown) before it kills jailpy and returns
    /// [`RunError::OuterTimeout`](crate::RunError::OuterTimeout).
    pub outer_margin: Duration,
    /// `--cpu-time`, whole milliseconds.
    pub cpu_time: Option<Duration>,
    /// `--memory`, bytes (at least 16 MiB).
    pub memory: Option<u64>,
    /// `--pids`: processes + threads (at least 6).
    pub pids: Option<u32>,
    /// `--output`: cap of each of stdout and stderr, bytes.
    pub output: Option<u64>,
    /// `--result`: cap of the returned value's JSON, bytes.
    pub result: Option<u64>,
    /// `--tmp`: size of the jail's /tmp, bytes.
    pub tmp: Option<u64>,
    /// `--python`: the interpreter (pass the real path in production).
    pub python: Option<PathBuf>,
    /// `--cgroup`: `v2`, `v1`, `none` or `auto`. Pin `v2` or `v1` in
    /// production so a host that loses its cgroup fails closed.
    pub cgroup: Option<String>,
    /// `--policy`: `none`, `safe`, `math` or a policy `.toml` path.
    pub policy: Option<String>,
    /// With batches: `--batch-timeout`, the whole batch's wall clock.
    pub batch_timeout: Option<Duration>,
    /// With batches: `--fail-fast`, stop after the first call that is not ok.
    pub fail_fast: bool,
    /// Any other flags, passed before the FILE (e.g. `--audit-log PATH`).
    pub extra_args: Vec<OsString>,
    /// The file name an in-memory upload is written under; tracebacks and
    /// error messages show it.
    pub upload_name: String,
    /// Where an in-memory upload's private directory is made. `None`:
    /// [`std::env::temp_dir`].
    pub temp_dir: Option<PathBuf>,
}

impl Default for Jailpy {
    fn default() -> Self {
        Jailpy {
            binary: None,
            timeout: Duration::from_secs(5),
            outer_margin: Duration::from_secs(2),
            cpu_time: None,
            memory: None,
            pids: None,
            output: None,
            result: None,
            tmp: None,
            python: None,
            cgroup: None,
            policy: None,
            batch_timeout: None,
            fail_fast: false,
            extra_args: Vec::new(),
            upload_name: "upload.py".to_string(),
            temp_dir: None,
        }
    }
}

impl Jailpy {
    /// The binary that will be run.
    pub fn binary(&self) -> PathBuf {
        self.binary
            .clone()
            .or_else(|| {
                env::var_os("JAILPY")
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
            })
            .unwrap_or_else(|| PathBuf::from("jailpy"))
    }

    /// `jailpy exec ... (--args - | --batch ...) -- FILE`. The arguments
    /// always go through stdin (a batch reads them there by itself): argv is
    /// readable by every user of the host.
    pub(crate) fn command(&self, binary: &Path, func: &str, file: &Path, batch: bool) -> Command {
        let mut cmd = Command::new(binary);
        cmd.arg("exec")
            .arg("--func")
            .arg(func)
            .arg("--timeout")
            .arg(millis(self.timeout));
        if let Some(d) = self.cpu_time {
            cmd.arg("--cpu-time").arg(millis(d));
        }
        let sizes = [
            ("--memory", self.memory),
            ("--output", self.output),
            ("--result", self.result),
            ("--tmp", self.tmp),
        ];
        for (flag, bytes) in sizes {
            if let Some(bytes) = bytes {
                cmd.arg(flag).arg(bytes.to_string());
            }
        }
        if let Some(n) = self.pids {
            cmd.arg("--pids").arg(n.to_string());
        }
        if let Some(p) = &self.python {
            cmd.arg("--python").arg(p);
        }
        if let Some(c) = &self.cgroup {
            cmd.arg("--cgroup").arg(c);
        }
        if let Some(p) = &self.policy {
            cmd.arg("--policy").arg(p);
        }
        if !batch {
            cmd.arg("--args").arg("-");
        } else {
            cmd.arg("--batch");
            if let Some(d) = self.batch_timeout {
                cmd.arg("--batch-timeout").arg(millis(d));
            }
            if self.fail_fast {
                cmd.arg("--fail-fast");
            }
        }
        // `--` so that a FILE starting with `-` is not taken for a flag.
        cmd.args(&self.extra_args).arg("--").arg(file);
        cmd
    }

    /// How long a single run may take before the runner kills jailpy.
    pub(crate) fn outer_limit(&self) -> Duration {
        self.timeout.saturating_add(self.outer_margin)
    }

    /// How long a batch of `calls` may take: the batch timeout if set, else
    /// every call at its timeout plus 250 ms each for a fresh jail after a
    /// failed call; then the margin.
    pub(crate) fn batch_outer_limit(&self, calls: usize) -> Duration {
        let calls = u32::try_from(calls.max(1)).unwrap_or(u32::MAX);
        let work = self.batch_timeout.unwrap_or_else(|| {
            let per_call = self.timeout.saturating_add(Duration::from_millis(250));
            per_call.checked_mul(calls).unwrap_or(Duration::MAX)
        });
        work.saturating_add(self.outer_margin)
    }
}

/// A Go duration in whole milliseconds.
fn millis(d: Duration) -> String {
    format!("{}ms", d.as_millis())
}
