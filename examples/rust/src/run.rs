//! One call: run jailpy, check its exit code against its verdict.

use std::env;
use std::path::Path;

use serde_json::Value;

use crate::config::Jailpy;
use crate::error::RunError;
use crate::parse::parse_verdict;
use crate::process::{self, Finished};
use crate::upload::{self, Upload};
use crate::verdict::Report;

impl Jailpy {
    /// Calls `func(*args)` of an upload held in memory. The source is written
    /// to a private temporary file (see [`Jailpy::upload_name`]), removed
    /// once jailpy has exited.
    pub fn run_source(
        &self,
        source: &[u8],
        func: &str,
        args: &[Value],
    ) -> Result<Report, RunError> {
        let upload = self.write_upload(source)?;
        self.run_file(upload.path(), func, args)
    }

    /// Calls `func(*args)` of the Python file at `file` (jailpy reads it, up
    /// to 4 MiB).
    pub fn run_file(&self, file: &Path, func: &str, args: &[Value]) -> Result<Report, RunError> {
        let binary = self.binary();
        let cmd = self.command(&binary, func, file, false);
        let input = encode(args);
        let finished = process::run(cmd, binary, input, self.outer_limit())?;
        require_verdict(&finished)?;
        let report = parse_verdict(&finished.stdout)?;
        let expected = report.verdict.exit_code();
        if finished.status.code() != Some(expected) {
            return Err(RunError::ExitMismatch {
                status: report.verdict.status().to_string(),
                code: finished.status.code(),
            });
        }
        Ok(report)
    }

    pub(crate) fn write_upload(&self, source: &[u8]) -> Result<Upload, RunError> {
        upload::check_name(&self.upload_name).map_err(RunError::Config)?;
        let parent = self.temp_dir.clone().unwrap_or_else(env::temp_dir);
        Upload::write(&parent, &self.upload_name, source).map_err(RunError::TempFile)
    }
}

/// One call's arguments as the JSON array jailpy reads.
pub(crate) fn encode(args: &[Value]) -> Vec<u8> {
    // Compact output never contains a newline, which batch lines rely on.
    serde_json::to_vec(args).expect("a serde_json::Value always serialises")
}

/// Turns "no verdict at all" into its error: exit 2 is a usage error.
fn require_verdict(finished: &Finished) -> Result<(), RunError> {
    if !finished.stdout.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&finished.stderr).trim().to_string();
    Err(match finished.status.code() {
        Some(2) => RunError::Usage(stderr),
        _ => RunError::NoVerdict {
            status: finished.status,
            stderr,
        },
    })
}
