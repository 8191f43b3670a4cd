//! jailpy's JSON verdict as Rust types (parsed in `parse.rs`).

use serde::Deserialize;
use serde_json::Value;

/// What happened to the call, decided by jailpy.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// The function returned this value (re-encoded by jailpy: valid UTF-8,
    /// finite numbers, the function's key order).
    Ok(Value),
    /// User code failed: an exception, a SyntaxError, a missing function, a
    /// result JSON cannot carry.
    Error(UserError),
    /// `--policy` rejected the source before it ran; every finding, in order.
    Policy {
        /// At least one finding; the first is the verdict's `error`.
        findings: Vec<Finding>,
    },
    /// The wall or CPU limit (`limit`: `wall`, `cpu`, or `batch` for
    /// `--batch-timeout`; kept as text so a new kind still parses).
    Timeout {
        /// Which limit.
        limit: String,
    },
    /// The memory limit (OOM kill or MemoryError).
    Memory,
    /// stdout, stderr or the result went over its cap.
    Output {
        /// `stdout`, `stderr` or `result`.
        stream: String,
    },
    /// A system call outside the jail's allow-list.
    Violation {
        /// Its name, e.g. `socket`.
        syscall: String,
    },
    /// Killed by a signal other than the jail's own, e.g. `SIGSEGV`.
    Crash {
        /// The signal's name.
        signal: String,
    },
    /// jailpy itself failed: nothing ran, or nothing can be trusted.
    Internal {
        /// For the operator, not the user.
        message: String,
    },
}

/// An exception or other failure of the user's code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserError {
    /// The exception's class name (`ZeroDivisionError`), or jailpy's own
    /// (`FunctionNotFound`, `ResultError`).
    pub type_: String,
    /// The exception's message.
    pub message: String,
    /// Line in the upload where it happened, when known.
    pub line: Option<u64>,
    /// Python's traceback text (it names the upload by its base name).
    pub traceback: Option<String>,
}

/// One policy finding, in words a web app can show.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Finding {
    /// Which rule: `import`, `name`, `attribute`, ...
    pub rule: String,
    /// The explanation.
    pub message: String,
    /// 1-based line.
    #[serde(default)]
    pub line: Option<u64>,
    /// 1-based column, in characters.
    #[serde(default)]
    pub col: Option<u64>,
}

/// The limits jailpy enforced on the run.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Limits {
    /// Wall clock, ms.
    pub timeout_ms: u64,
    /// CPU time of all threads, ms.
    pub cpu_ms: u64,
    /// Memory, bytes.
    pub memory_bytes: u64,
    /// Processes + threads.
    pub pids: u64,
    /// Cap of each of stdout and stderr, bytes.
    pub output_bytes: u64,
    /// Cap of the result's JSON, bytes.
    pub result_bytes: u64,
    /// Size of the jail's /tmp, bytes.
    pub tmp_bytes: u64,
    /// `v2`, `v1` or `none` (empty for some `internal` verdicts).
    pub cgroup: String,
    /// Why that cgroup mode, when jailpy chose it.
    #[serde(default)]
    pub cgroup_note: Option<String>,
}

/// A whole verdict: the [`Verdict`] and what jailpy measured and captured.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// What happened.
    pub verdict: Verdict,
    /// The function's stdout, up to the output cap.
    pub stdout: String,
    /// The function's stderr, up to the output cap.
    pub stderr: String,
    /// Wall-clock time, ms. In a batch measured inside the jail: never bill by it.
    pub wall_ms: f64,
    /// CPU time, ms (same caveat).
    pub cpu_ms: f64,
    /// Peak memory, bytes (same caveat).
    pub memory_bytes: u64,
    /// What was enforced.
    pub limits: Limits,
    /// 0-based position in a batch; `None` for a single run.
    pub index: Option<u64>,
    /// Present with `--timings`: where the time went, ms per stage.
    pub timings_ms: Option<Value>,
}

impl Verdict {
    /// The verdict's `status` string.
    pub fn status(&self) -> &'static str {
        match self {
            Verdict::Ok(_) => "ok",
            Verdict::Error(_) => "error",
            Verdict::Policy { .. } => "policy",
            Verdict::Timeout { .. } => "timeout",
            Verdict::Memory => "memory",
            Verdict::Output { .. } => "output",
            Verdict::Violation { .. } => "violation",
            Verdict::Crash { .. } => "crash",
            Verdict::Internal { .. } => "internal",
        }
    }

    /// The exit code jailpy documents for this status. Higher is more
    /// severe, which is how a batch's exit code is chosen.
    pub fn exit_code(&self) -> i32 {
        match self {
            Verdict::Ok(_) => 0,
            Verdict::Error(_) | Verdict::Policy { .. } => 1,
            Verdict::Timeout { .. } | Verdict::Memory | Verdict::Output { .. } => 3,
            Verdict::Violation { .. } | Verdict::Crash { .. } => 4,
            Verdict::Internal { .. } => 125,
        }
    }
}
