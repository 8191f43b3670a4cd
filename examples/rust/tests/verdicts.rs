//! One verdict of each status, from the real jailpy (`$JAILPY`).

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use jailpy_run::{RunError, Verdict};
use serde_json::{json, Value};

#[test]
fn ok_value() {
    let jail = jailpy_or_skip!();
    let src =
        b"def score(values):\n    return {'mean': sum(values) / len(values), 'n': len(values)}\n";
    let report = jail
        .run_source(src, "score", &[json!([1, 2, 3, 4])])
        .unwrap();
    assert_eq!(report.verdict, Verdict::Ok(json!({"mean": 2.5, "n": 4})));
    // jailpy keeps the function's key order; so does the parsed value.
    match &report.verdict {
        Verdict::Ok(Value::Object(o)) => assert_eq!(o.keys().collect::<Vec<_>>(), ["mean", "n"]),
        other => panic!("{:?}", other),
    }
    assert_eq!(report.index, None);
    assert_eq!(report.limits.timeout_ms, 5000);
}

#[test]
fn file_on_disk() {
    let jail = jailpy_or_skip!();
    let score = Path::new(env!("CARGO_MANIFEST_DIR")).join("../score.py");
    let report = jail.run_file(&score, "score", &[json!([2, 2, 2])]).unwrap();
    assert_eq!(report.verdict, Verdict::Ok(json!(2.0)));
}

#[test]
fn error_with_line() {
    let jail = jailpy_or_skip!();
    let src = b"def score(values):\n    total = sum(values)\n    return total / 0\n";
    let report = jail.run_source(src, "score", &[json!([1])]).unwrap();
    match report.verdict {
        Verdict::Error(e) => {
            assert_eq!(e.type_, "ZeroDivisionError");
            assert_eq!(e.line, Some(3));
            assert!(
                e.traceback.unwrap().contains("upload.py"),
                "traceback names the upload"
            );
        }
        other => panic!("{:?}", other),
    }
}

#[test]
fn syntax_error_line() {
    let jail = jailpy_or_skip!();
    let report = jail
        .run_source(b"x = 1\ndef score(:\n    pass\n", "score", &[])
        .unwrap();
    match report.verdict {
        Verdict::Error(e) => assert_eq!((e.type_.as_str(), e.line), ("SyntaxError", Some(2))),
        other => panic!("{:?}", other),
    }
}

#[test]
fn policy_rejection_lists_findings() {
    let mut jail = jailpy_or_skip!();
    jail.policy = Some("safe".into());
    // Seed 003's bypass of a comment-stripping deny-list is a finding too.
    let src =
        b"import os\nx = '''\n#'''; eval('print(1)')\ndef score(v):\n    return os.getcwd()\n";
    let report = jail.run_source(src, "score", &[json!(1)]).unwrap();
    match report.verdict {
        Verdict::Policy { findings } => {
            assert_eq!(findings[0].rule, "import");
            assert_eq!((findings[0].line, findings[0].col), (Some(1), Some(1)));
            assert!(
                findings[0].message.contains("`os`"),
                "{}",
                findings[0].message
            );
            assert!(findings
                .iter()
                .any(|f| f.line == Some(3) && f.message.contains("eval")));
        }
        other => panic!("{:?}", other),
    }
}

#[test]
fn wall_timeout() {
    let mut jail = jailpy_or_skip!();
    jail.timeout = Duration::from_millis(300);
    let started = Instant::now();
    let src = b"import time\ndef score():\n    time.sleep(60)\n";
    let report = jail.run_source(src, "score", &[]).unwrap();
    assert_eq!(
        report.verdict,
        Verdict::Timeout {
            limit: "wall".into()
        }
    );
    // jailpy's own timer ends it, well before the runner's outer deadline.
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn cpu_timeout() {
    let mut jail = jailpy_or_skip!();
    jail.cpu_time = Some(Duration::from_millis(300));
    let report = jail
        .run_source(
            b"def score():\n    while True:\n        pass\n",
            "score",
            &[],
        )
        .unwrap();
    assert_eq!(
        report.verdict,
        Verdict::Timeout {
            limit: "cpu".into()
        }
    );
}

#[test]
fn memory_limit() {
    let mut jail = jailpy_or_skip!();
    jail.memory = Some(64 << 20);
    let src =
        b"def score():\n    hog = []\n    while True:\n        hog.append(bytearray(10 ** 7))\n";
    let report = jail.run_source(src, "score", &[]).unwrap();
    assert_eq!(report.verdict, Verdict::Memory);
    assert_eq!(report.limits.memory_bytes, 64 << 20);
}

#[test]
fn socket_is_a_violation() {
    let jail = jailpy_or_skip!();
    let src = b"import socket\ndef score():\n    return str(socket.socket())\n";
    let report = jail.run_source(src, "score", &[]).unwrap();
    assert_eq!(
        report.verdict,
        Verdict::Violation {
            syscall: "socket".into()
        }
    );
}

#[test]
fn segfault_is_a_crash() {
    let jail = jailpy_or_skip!();
    let src = b"import ctypes\ndef score():\n    return ctypes.string_at(0)\n";
    let report = jail.run_source(src, "score", &[]).unwrap();
    assert_eq!(
        report.verdict,
        Verdict::Crash {
            signal: "SIGSEGV".into()
        }
    );
}

#[test]
fn output_flood() {
    let mut jail = jailpy_or_skip!();
    jail.output = Some(4096);
    let src = b"def score():\n    while True:\n        print('x' * 1000)\n";
    let report = jail.run_source(src, "score", &[]).unwrap();
    assert_eq!(
        report.verdict,
        Verdict::Output {
            stream: "stdout".into()
        }
    );
    assert!(
        report.stdout.len() <= 4096,
        "captured {} bytes",
        report.stdout.len()
    );
    assert!(report.stdout.starts_with("xxx"));
}

#[test]
fn internal_when_the_audit_log_cannot_open() {
    let mut jail = jailpy_or_skip!();
    let log = common::scratch("internal").join("missing-dir/audit.log");
    jail.extra_args = vec!["--audit-log".into(), log.into()];
    let report = jail
        .run_source(b"def score():\n    return 1\n", "score", &[])
        .unwrap();
    match report.verdict {
        Verdict::Internal { message } => assert!(message.contains("audit log"), "{}", message),
        other => panic!("{:?}", other),
    }
}

#[test]
fn usage_error_is_not_a_verdict() {
    let mut jail = jailpy_or_skip!();
    jail.memory = Some(1 << 20); // jailpy needs at least 16MiB
    match jail.run_source(b"def score():\n    return 1\n", "score", &[]) {
        Err(RunError::Usage(msg)) => assert!(msg.contains("16MiB"), "{}", msg),
        other => panic!("{:?}", other),
    }
}

#[test]
fn large_input_and_output_do_not_deadlock() {
    let jail = jailpy_or_skip!();
    // 8 MiB of arguments in, 60 KiB of stdout and ~900 KiB of result out:
    // far more than a pipe buffer each way.
    let big = "y".repeat(8 << 20);
    let src = b"def score(s):\n    print('z' * 60000)\n    return s[:900000]\n";
    let report = jail.run_source(src, "score", &[json!(big)]).unwrap();
    match &report.verdict {
        Verdict::Ok(Value::String(s)) => assert_eq!(s.len(), 900_000),
        other => panic!("{:?}", other),
    }
    assert_eq!(report.stdout.len(), 60_001);
}

#[test]
fn upload_file_is_removed() {
    let mut jail = jailpy_or_skip!();
    let tmp = common::scratch("cleanup");
    jail.temp_dir = Some(tmp.clone());
    jail.run_source(b"def score():\n    return 1\n", "score", &[])
        .unwrap();
    jail.run_source(b"def score(:\n", "score", &[]).unwrap();
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        0,
        "left behind in {:?}",
        tmp
    );
}

#[test]
fn oversized_args_are_a_usage_error() {
    let jail = jailpy_or_skip!();
    // jailpy stops reading stdin at 32 MiB and exits: the writer thread's
    // broken pipe must not hang or hide jailpy's own message.
    let big = json!("a".repeat(33 << 20));
    match jail.run_source(b"def score(s):\n    return 1\n", "score", &[big]) {
        Err(RunError::Usage(msg)) => assert!(msg.contains("stdin is larger"), "{}", msg),
        other => panic!("{:?}", other.map(|r| r.verdict)),
    }
}

#[test]
fn timings_are_kept() {
    let mut jail = jailpy_or_skip!();
    jail.extra_args = vec!["--timings".into()];
    let report = jail
        .run_source(b"def score():\n    return 1\n", "score", &[])
        .unwrap();
    let timings = report.timings_ms.expect("--timings adds timings_ms");
    assert!(timings["total"].as_f64().unwrap() > 0.0, "{}", timings);
}
