//! Many calls of one upload's function in one jailpy process (`--batch`).

use std::path::Path;

use serde_json::Value;

use crate::config::Jailpy;
use crate::error::RunError;
use crate::parse::parse_verdict;
use crate::process;
use crate::run::encode;
use crate::verdict::{Report, Verdict};

/// The verdicts of a batch, and how jailpy ended it.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchReport {
    /// One report per call that got a verdict, in call order (`index` 0, 1, ...).
    pub reports: Vec<Report>,
    /// How many calls were sent.
    pub calls: usize,
    /// jailpy's exit code: the most severe verdict's, or more severe when
    /// something happened after the last call (see `note`).
    pub exit_code: i32,
    /// jailpy's stderr: why it stopped early (`--fail-fast`,
    /// `--batch-timeout`), or what a thread did after the last call.
    pub note: String,
}

impl BatchReport {
    /// Every call got a verdict.
    pub fn complete(&self) -> bool {
        self.reports.len() == self.calls
    }

    /// Every call got an `ok` verdict and nothing happened after the last.
    pub fn all_ok(&self) -> bool {
        self.exit_code == 0 && self.complete()
    }
}

impl Jailpy {
    /// Calls `func` once per element of `calls` (each one call's positional
    /// arguments) in one jail, reusing it while calls succeed. One upload
    /// per batch: calls share the module's state.
    pub fn run_batch_source(
        &self,
        source: &[u8],
        func: &str,
        calls: &[Vec<Value>],
    ) -> Result<BatchReport, RunError> {
        let upload = self.write_upload(source)?;
        self.run_batch_file(upload.path(), func, calls)
    }

    /// As [`Jailpy::run_batch_source`], for a file on disk.
    pub fn run_batch_file(
        &self,
        file: &Path,
        func: &str,
        calls: &[Vec<Value>],
    ) -> Result<BatchReport, RunError> {
        let binary = self.binary();
        let cmd = self.command(&binary, func, file, true);
        let mut input = Vec::new();
        for args in calls {
            input.extend(encode(args));
            input.push(b'\n');
        }
        let finished = process::run(cmd, binary, input, self.batch_outer_limit(calls.len()))?;
        let note = String::from_utf8_lossy(&finished.stderr).trim().to_string();
        let code = match finished.status.code() {
            // We wrote every line ourselves, so this is a flag jailpy refused.
            Some(2) => return Err(RunError::Usage(note)),
            Some(code) => code,
            None => {
                return Err(RunError::NoVerdict {
                    status: finished.status,
                    stderr: note,
                })
            }
        };
        let reports = parse_lines(&finished.stdout, calls.len())?;
        // The exit code is the most severe verdict's or worse, never milder,
        // and one jailpy documents.
        let worst = reports
            .iter()
            .map(|r| &r.verdict)
            .max_by_key(|v| v.exit_code());
        if code < worst.map_or(0, Verdict::exit_code) || ![0, 1, 3, 4, 125].contains(&code) {
            return Err(RunError::ExitMismatch {
                status: worst.map_or("none", Verdict::status).to_string(),
                code: Some(code),
            });
        }
        // A batch only stops early after a call that was not ok.
        if code == 0 && reports.len() != calls.len() {
            return Err(RunError::Malformed(format!(
                "exit 0 after {} verdicts for {} calls",
                reports.len(),
                calls.len()
            )));
        }
        Ok(BatchReport {
            reports,
            calls: calls.len(),
            exit_code: code,
            note,
        })
    }
}

/// One verdict per line, indexes 0, 1, ... and no more than `calls`.
fn parse_lines(stdout: &[u8], calls: usize) -> Result<Vec<Report>, RunError> {
    let mut reports = Vec::new();
    let body = stdout.strip_suffix(b"\n").unwrap_or(stdout);
    if body.is_empty() {
        return Ok(reports);
    }
    for (i, line) in body.split(|&b| b == b'\n').enumerate() {
        let report = parse_verdict(line)?;
        if report.index != Some(i as u64) || i >= calls {
            return Err(RunError::Malformed(format!(
                "batch line {} has index {:?}",
                i + 1,
                report.index
            )));
        }
        reports.push(report);
    }
    Ok(reports)
}
