//! The strict parser for jailpy's verdict.
//!
//! Strict where a mistake would mislead the caller: an unknown `status` or
//! `version`, a missing status field or a verdict that is not alone on stdout
//! is an error. Forward-compatible where that costs nothing: unknown extra
//! fields are ignored.

use serde::Deserialize;
use serde_json::Value;

use crate::error::RunError;
use crate::verdict::{Finding, Limits, Report, UserError, Verdict};

const STATUSES: &[&str] = &[
    "ok",
    "error",
    "policy",
    "timeout",
    "memory",
    "output",
    "violation",
    "crash",
    "internal",
];

/// The fields common to every verdict, plus the optional ones of each status.
#[derive(Deserialize)]
struct Raw {
    stdout: String,
    stderr: String,
    wall_ms: f64,
    cpu_ms: f64,
    memory_bytes: u64,
    limits: Limits,
    #[serde(default)]
    index: Option<u64>,
    #[serde(default)]
    timings_ms: Option<Value>,
    #[serde(default)]
    error: Option<RawError>,
    #[serde(default)]
    findings: Option<Vec<Finding>>,
    #[serde(default)]
    limit: Option<String>,
    #[serde(default)]
    stream: Option<String>,
    #[serde(default)]
    syscall: Option<String>,
    #[serde(default)]
    signal: Option<String>,
}

/// `error{...}`: its fields depend on the status.
#[derive(Deserialize)]
struct RawError {
    #[serde(rename = "type", default)]
    type_: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    traceback: Option<String>,
    #[serde(default)]
    line: Option<u64>,
    #[serde(default)]
    rule: Option<String>,
    #[serde(default)]
    col: Option<u64>,
}

/// Parses one verdict: `bytes` must hold exactly one JSON object (trailing
/// whitespace allowed).
pub fn parse_verdict(bytes: &[u8]) -> Result<Report, RunError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|error| RunError::NotJson {
        error,
        excerpt: excerpt(bytes),
    })?;
    let mut object = match value {
        Value::Object(object) => object,
        _ => return Err(malformed("the verdict is not a JSON object")),
    };
    // Version and status first: a future verdict should fail as "unknown
    // version/status", not as a confusing missing field.
    match object.get("version").and_then(Value::as_u64) {
        Some(1) => {}
        Some(v) => return Err(RunError::UnsupportedVersion(v)),
        None => return Err(malformed("no numeric `version`")),
    }
    let status = match object.get("status") {
        Some(Value::String(s)) => s.clone(),
        _ => return Err(malformed("no string `status`")),
    };
    if !STATUSES.contains(&status.as_str()) {
        return Err(RunError::UnknownStatus(status));
    }
    // Taken out by hand: `"value": null` is a real result, which
    // `Option<Value>` would turn into "absent".
    let result = object.remove("value");
    let raw: Raw = serde_json::from_value(Value::Object(object))
        .map_err(|e| malformed(format!("{} verdict: {}", status, e)))?;
    let verdict = build(&status, result, &raw)?;
    Ok(Report {
        verdict,
        stdout: raw.stdout,
        stderr: raw.stderr,
        wall_ms: raw.wall_ms,
        cpu_ms: raw.cpu_ms,
        memory_bytes: raw.memory_bytes,
        limits: raw.limits,
        index: raw.index,
        timings_ms: raw.timings_ms,
    })
}

fn build(status: &str, result: Option<Value>, raw: &Raw) -> Result<Verdict, RunError> {
    let need = |field: &Option<String>, name: &str| {
        field
            .clone()
            .ok_or_else(|| malformed(format!("{} verdict without `{}`", status, name)))
    };
    let error = || {
        raw.error
            .as_ref()
            .ok_or_else(|| malformed(format!("{} verdict without `error`", status)))
    };
    Ok(match status {
        "ok" => Verdict::Ok(result.ok_or_else(|| malformed("ok verdict without `value`"))?),
        "error" => {
            let e = error()?;
            Verdict::Error(UserError {
                type_: need(&e.type_, "error.type")?,
                message: need(&e.message, "error.message")?,
                line: e.line,
                traceback: e.traceback.clone(),
            })
        }
        "policy" => {
            let mut findings = raw.findings.clone().unwrap_or_default();
            if findings.is_empty() {
                // A verdict that carries only the first finding, as `error`.
                let e = error()?;
                findings.push(Finding {
                    rule: need(&e.rule, "error.rule")?,
                    message: need(&e.message, "error.message")?,
                    line: e.line,
                    col: e.col,
                });
            }
            Verdict::Policy { findings }
        }
        "timeout" => Verdict::Timeout {
            limit: need(&raw.limit, "limit")?,
        },
        "memory" => Verdict::Memory,
        "output" => Verdict::Output {
            stream: need(&raw.stream, "stream")?,
        },
        "violation" => Verdict::Violation {
            syscall: need(&raw.syscall, "syscall")?,
        },
        "crash" => Verdict::Crash {
            signal: need(&raw.signal, "signal")?,
        },
        "internal" => Verdict::Internal {
            message: need(&error()?.message, "error.message")?,
        },
        other => return Err(RunError::UnknownStatus(other.to_string())),
    })
}

fn malformed(why: impl Into<String>) -> RunError {
    RunError::Malformed(why.into())
}

/// The first 200 bytes, for an error message.
fn excerpt(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAIL: &str = r#""stdout":"","stderr":"","wall_ms":1.5,"cpu_ms":1,"memory_bytes":10,"limits":{"timeout_ms":5000,"cpu_ms":5000,"memory_bytes":268435456,"pids":16,"output_bytes":65536,"result_bytes":1048576,"tmp_bytes":16777216,"cgroup":"v2"}"#;

    fn verdict(head: &str) -> Result<Report, RunError> {
        parse_verdict(format!("{{{},{}}}\n", head, TAIL).as_bytes())
    }

    #[test]
    fn null_is_a_value() {
        let r = verdict(r#""version":1,"status":"ok","value":null"#).unwrap();
        assert_eq!(r.verdict, Verdict::Ok(Value::Null));
    }

    #[test]
    fn ok_needs_a_value() {
        assert!(matches!(
            verdict(r#""version":1,"status":"ok""#),
            Err(RunError::Malformed(_))
        ));
    }

    #[test]
    fn unknown_fields_are_ignored() {
        let r = verdict(r#""version":1,"status":"timeout","limit":"wall","new_field":{"x":1}"#);
        assert_eq!(
            r.unwrap().verdict,
            Verdict::Timeout {
                limit: "wall".into()
            }
        );
    }

    #[test]
    fn unknown_status_is_an_error() {
        match verdict(r#""version":1,"status":"maybe""#) {
            Err(RunError::UnknownStatus(s)) => assert_eq!(s, "maybe"),
            other => panic!("{:?}", other),
        }
    }

    #[test]
    fn unknown_version_is_an_error() {
        let r = verdict(r#""version":2,"status":"ok","value":1"#);
        assert!(matches!(r, Err(RunError::UnsupportedVersion(2))));
    }

    #[test]
    fn one_verdict_only() {
        let two = format!("{{\"version\":1,\"status\":\"memory\",{}}}", TAIL);
        let r = parse_verdict(format!("{}{}", two, two).as_bytes());
        assert!(matches!(r, Err(RunError::NotJson { .. })));
    }

    #[test]
    fn policy_falls_back_to_error() {
        let r = verdict(
            r#""version":1,"status":"policy","error":{"rule":"import","message":"no","line":1,"col":1}"#,
        );
        match r.unwrap().verdict {
            Verdict::Policy { findings } => assert_eq!(findings[0].rule, "import"),
            other => panic!("{:?}", other),
        }
    }

    #[test]
    fn missing_status_field_is_malformed() {
        let r = verdict(r#""version":1,"status":"violation""#);
        assert!(matches!(r, Err(RunError::Malformed(_))));
    }

    #[test]
    fn key_order_is_kept() {
        let r = verdict(r#""version":1,"status":"ok","value":{"b":1,"a":2}"#).unwrap();
        let keys: Vec<_> = match &r.verdict {
            Verdict::Ok(Value::Object(o)) => o.keys().cloned().collect(),
            other => panic!("{:?}", other),
        };
        assert_eq!(keys, ["b", "a"]);
    }
}
