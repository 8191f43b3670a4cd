//! The runner's own failures, against fake jailpy binaries (shell scripts):
//! these need no jail and always run.

mod common;

use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::{Duration, Instant};

use jailpy_run::{Jailpy, RunError, Verdict};
use serde_json::json;

const TAIL: &str = r#""stdout":"","stderr":"","wall_ms":1,"cpu_ms":1,"memory_bytes":1,"limits":{"timeout_ms":1,"cpu_ms":1,"memory_bytes":1,"pids":1,"output_bytes":1,"result_bytes":1,"tmp_bytes":1,"cgroup":"none"}"#;

/// The fake binaries, all written before any test starts a process: a
/// script written while another thread forks could fail to exec (ETXTBSY).
fn fakes() -> PathBuf {
    static WRITE: Once = Once::new();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fakes");
    WRITE.call_once(|| {
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let scripts = [
            // Never answers, never reads stdin; records its pid first.
            ("hang", "echo $$ > \"$0.pid\"\nexec sleep 30".to_string()),
            // Exits at once, but leaves a child holding stdout open.
            ("orphan", "sleep 3 &\nexit 0".to_string()),
            ("not-json", "echo 'panic: runtime error'\nexit 125".to_string()),
            ("unknown-status", format!("echo '{{\"version\":1,\"status\":\"maybe\",{}}}'", TAIL)),
            ("mismatch", format!("echo '{{\"version\":1,\"status\":\"ok\",\"value\":1,{}}}'\nexit 4", TAIL)),
            ("killed", "kill -9 $$".to_string()),
            // Answers `ok` with the modes of the upload's directory and file:
            // the FILE is the last argument.
            (
                "modes",
                format!(
                    "for f; do :; done\nm=\"$(stat -c %a \"$(dirname \"$f\")\") $(stat -c %a \"$f\")\"\necho \"{{\\\"version\\\":1,\\\"status\\\":\\\"ok\\\",\\\"value\\\":\\\"$m\\\",{}}}\"",
                    TAIL.replace('"', "\\\"")
                ),
            ),
        ];
        for (name, body) in scripts.iter() {
            let mut f = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o755)
                .open(dir.join(name))
                .unwrap();
            write!(f, "#!/bin/sh\n{}\n", body).unwrap();
        }
    });
    dir
}

fn fake(name: &str) -> Jailpy {
    Jailpy {
        binary: Some(fakes().join(name)),
        timeout: Duration::from_millis(200),
        outer_margin: Duration::from_millis(300),
        ..Jailpy::default()
    }
}

#[test]
fn outer_timeout_kills_jailpy() {
    let jail = fake("hang");
    // 16 MiB of arguments that nobody reads: the writer thread stays
    // blocked, and the deadline must still hold.
    let big = json!("a".repeat(16 << 20));
    let started = Instant::now();
    let err = jail
        .run_source(b"def f():\n    pass\n", "f", &[big])
        .unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(err, RunError::OuterTimeout { exited: false, after } if after == Duration::from_millis(500)),
        "{:?}",
        err
    );
    assert!(
        took >= Duration::from_millis(500) && took < Duration::from_secs(3),
        "{:?}",
        took
    );
    // The fake was killed and reaped: its pid is gone.
    let pid = fs::read_to_string(fakes().join("hang.pid")).unwrap();
    assert!(
        !Path::new(&format!("/proc/{}", pid.trim())).exists(),
        "pid {} still there",
        pid.trim()
    );
}

#[test]
fn outer_timeout_when_stdout_stays_open() {
    let err = fake("orphan").run_source(b"", "f", &[]).unwrap_err();
    assert!(
        matches!(err, RunError::OuterTimeout { exited: true, .. }),
        "{:?}",
        err
    );
}

#[test]
fn spawn_failure() {
    fakes();
    let jail = Jailpy {
        binary: Some("/nonexistent/jailpy".into()),
        ..Jailpy::default()
    };
    match jail.run_source(b"def f():\n    pass\n", "f", &[]) {
        Err(RunError::Spawn { binary, source }) => {
            assert_eq!(binary, Path::new("/nonexistent/jailpy"));
            assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
        }
        other => panic!("{:?}", other),
    }
}

#[test]
fn stdout_that_is_not_json() {
    let err = fake("not-json").run_source(b"", "f", &[]).unwrap_err();
    assert!(
        matches!(&err, RunError::NotJson { excerpt, .. } if excerpt.starts_with("panic")),
        "{:?}",
        err
    );
}

#[test]
fn unknown_status() {
    let err = fake("unknown-status")
        .run_source(b"", "f", &[])
        .unwrap_err();
    assert!(
        matches!(&err, RunError::UnknownStatus(s) if s == "maybe"),
        "{:?}",
        err
    );
}

#[test]
fn exit_code_contradicting_the_verdict() {
    let err = fake("mismatch").run_source(b"", "f", &[]).unwrap_err();
    assert!(
        matches!(&err, RunError::ExitMismatch { code: Some(4), .. }),
        "{:?}",
        err
    );
}

#[test]
fn killed_without_a_verdict() {
    let err = fake("killed").run_source(b"", "f", &[]).unwrap_err();
    assert!(matches!(&err, RunError::NoVerdict { .. }), "{:?}", err);
}

#[test]
fn upload_is_private_while_it_runs() {
    let mut jail = fake("modes");
    let tmp = common::scratch("modes");
    jail.temp_dir = Some(tmp.clone());
    let report = jail.run_source(b"def f():\n    pass\n", "f", &[]).unwrap();
    assert_eq!(report.verdict, Verdict::Ok(json!("700 600")));
    assert_eq!(fs::read_dir(&tmp).unwrap().count(), 0, "upload left behind");
    assert_eq!(
        fs::metadata(&tmp).unwrap().permissions().mode() & 0o777,
        0o755
    );
}

#[test]
fn upload_name_must_be_plain() {
    fakes();
    let jail = Jailpy {
        upload_name: "../evil.py".into(),
        ..Jailpy::default()
    };
    let err = jail.run_source(b"", "f", &[]).unwrap_err();
    assert!(matches!(err, RunError::Config(_)), "{:?}", err);
}
