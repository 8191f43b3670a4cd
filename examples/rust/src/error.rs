//! Failures of the runner itself, as opposed to verdicts about the upload.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::process::ExitStatus;
use std::time::Duration;

/// Why no verdict could be trusted. Every variant means "nothing is known
/// about the upload": show the user a generic failure and alert the operator.
#[derive(Debug)]
pub enum RunError {
    /// The configuration cannot be turned into a jailpy command line.
    Config(String),
    /// The upload could not be written to its private temporary file.
    TempFile(io::Error),
    /// The jailpy binary could not be started (missing, not executable).
    Spawn {
        /// The binary that was tried.
        binary: PathBuf,
        /// What `exec` said.
        source: io::Error,
    },
    /// Reading jailpy's output or waiting for it failed.
    Io(io::Error),
    /// jailpy did not finish within its own timeout plus the margin; it was
    /// killed. `exited` is true when jailpy had exited but something still
    /// held its stdout open.
    OuterTimeout {
        /// How long the runner waited.
        after: Duration,
        /// Whether jailpy itself had already exited.
        exited: bool,
    },
    /// jailpy refused its command line (exit 2, no verdict): a bad limit, an
    /// unknown policy, an unreadable FILE. The message is its stderr line.
    Usage(String),
    /// jailpy ended without printing a verdict (killed by a signal, say).
    NoVerdict {
        /// How it ended.
        status: ExitStatus,
        /// What it wrote on stderr.
        stderr: String,
    },
    /// stdout was not one JSON document.
    NotJson {
        /// The parser's complaint.
        error: serde_json::Error,
        /// The start of what was read, lossily decoded.
        excerpt: String,
    },
    /// JSON, but not a verdict: a required field is missing or mistyped, a
    /// batch index is out of order, ...
    Malformed(String),
    /// A verdict `version` this crate does not know.
    UnsupportedVersion(u64),
    /// A verdict `status` this crate does not know. Never guessed at: a new
    /// status could be a new kind of failure.
    UnknownStatus(String),
    /// The exit code contradicts the verdict's status (jailpy documents one
    /// code per status), so neither can be trusted.
    ExitMismatch {
        /// The verdict's status (the most severe one, in a batch).
        status: String,
        /// jailpy's exit code (`None`: killed by a signal).
        code: Option<i32>,
    },
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Config(why) => write!(f, "jailpy config: {}", why),
            RunError::TempFile(e) => write!(f, "write the upload to a temporary file: {}", e),
            RunError::Spawn { binary, source } => {
                write!(f, "start jailpy ({}): {}", binary.display(), source)
            }
            RunError::Io(e) => write!(f, "talk to jailpy: {}", e),
            RunError::OuterTimeout { after, exited } => write!(
                f,
                "jailpy gave no verdict within {} ms and was killed{}",
                after.as_millis(),
                if *exited {
                    " (it had exited, but its stdout stayed open)"
                } else {
                    ""
                }
            ),
            RunError::Usage(msg) => write!(f, "jailpy refused its command line: {}", msg),
            RunError::NoVerdict { status, stderr } => {
                write!(
                    f,
                    "jailpy printed no verdict ({}): {}",
                    status,
                    stderr.trim()
                )
            }
            RunError::NotJson { error, excerpt } => {
                write!(f, "jailpy's stdout is not JSON ({}): {:?}", error, excerpt)
            }
            RunError::Malformed(why) => write!(f, "jailpy's verdict is malformed: {}", why),
            RunError::UnsupportedVersion(v) => write!(f, "unsupported verdict version {}", v),
            RunError::UnknownStatus(s) => write!(f, "unknown verdict status {:?}", s),
            RunError::ExitMismatch { status, code } => match code {
                Some(code) => write!(f, "verdict status {:?} but jailpy exited {}", status, code),
                None => write!(
                    f,
                    "verdict status {:?} but jailpy was killed by a signal",
                    status
                ),
            },
        }
    }
}

impl std::error::Error for RunError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RunError::TempFile(e) | RunError::Io(e) => Some(e),
            RunError::Spawn { source, .. } => Some(source),
            RunError::NotJson { error, .. } => Some(error),
            _ => None,
        }
    }
}
