//! Runs jailpy as a child process under an outer deadline.
//!
//! stdin is written and stdout/stderr are read by their own threads, so a
//! large input or output can never deadlock the pipes. Only this thread
//! waits for or kills the child, so a kill can never hit a reused pid.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use crate::error::RunError;

/// How a child that finished in time ended.
pub(crate) struct Finished {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Kills and reaps the child unless disarmed: every early return (and a
/// panic) leaves no jailpy running and no zombie.
struct Reaper(Option<Child>);

impl Drop for Reaper {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Spawns `cmd` (`binary` is only for the error message), feeds it `input`,
/// and collects its output; kills it when `limit` passes first.
pub(crate) fn run(
    mut cmd: Command,
    binary: PathBuf,
    input: Vec<u8>,
    limit: Duration,
) -> Result<Finished, RunError> {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // A year stands for "no limit" without overflowing Instant.
    let limit = limit.min(Duration::from_secs(365 * 24 * 3600));
    let deadline = Instant::now() + limit;
    let mut child = cmd
        .spawn()
        .map_err(|source| RunError::Spawn { binary, source })?;
    let stdin = child.stdin.take();
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let mut reaper = Reaper(Some(child));
    let (stdin, stdout, stderr) = match (stdin, stdout, stderr) {
        (Some(i), Some(o), Some(e)) => (i, o, e),
        _ => {
            return Err(RunError::Io(io::Error::new(
                io::ErrorKind::Other,
                "pipes missing",
            )))
        }
    };

    // A write error is not ours to report: jailpy exiting early (a usage
    // error) closes the pipe, and it says why on its own stderr.
    spawn_thread("jailpy-stdin", move || {
        let mut stdin = stdin;
        let _ = stdin.write_all(&input);
    })?;
    let out = reader("jailpy-stdout", stdout)?;
    let err = reader("jailpy-stderr", stderr)?;

    let child = reaper.0.as_mut().expect("child is set until disarmed");
    // stdout closes when jailpy exits, so this wait ends with the run.
    let stdout = receive(&out, deadline, child, limit)?;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(RunError::Io)? {
            break status;
        }
        if Instant::now() >= deadline {
            return Err(RunError::OuterTimeout {
                after: limit,
                exited: false,
            });
        }
        thread::sleep(Duration::from_millis(2));
    };
    let stderr = receive(&err, deadline, child, limit)?;
    reaper.0 = None;
    Ok(Finished {
        status,
        stdout,
        stderr,
    })
}

/// Waits for a reader's bytes until `deadline`. On timeout the Reaper kills
/// the child when the error propagates; the reader thread ends once the pipe
/// closes.
fn receive(
    rx: &Receiver<io::Result<Vec<u8>>>,
    deadline: Instant,
    child: &mut Child,
    limit: Duration,
) -> Result<Vec<u8>, RunError> {
    match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        Ok(bytes) => bytes.map_err(RunError::Io),
        Err(RecvTimeoutError::Timeout) => {
            let exited = matches!(child.try_wait(), Ok(Some(_)));
            Err(RunError::OuterTimeout {
                after: limit,
                exited,
            })
        }
        Err(RecvTimeoutError::Disconnected) => Err(RunError::Io(io::Error::new(
            io::ErrorKind::Other,
            "a pipe reader thread died",
        ))),
    }
}

fn reader<R: Read + Send + 'static>(
    name: &str,
    mut pipe: R,
) -> Result<Receiver<io::Result<Vec<u8>>>, RunError> {
    let (tx, rx) = mpsc::channel();
    spawn_thread(name, move || {
        let mut bytes = Vec::new();
        let result = pipe.read_to_end(&mut bytes).map(|_| bytes);
        let _ = tx.send(result);
    })?;
    Ok(rx)
}

fn spawn_thread(name: &str, f: impl FnOnce() + Send + 'static) -> Result<(), RunError> {
    thread::Builder::new()
        .name(name.to_string())
        .spawn(f)
        .map(|_| ())
        .map_err(RunError::Io)
}
