//! Reads a .py upload and a JSON array of arguments, runs the function in
//! jailpy, and prints the parsed verdict.
//!
//! cargo run --example score -- ../score.py '[[1, 2, 3, 4]]' [FUNC] [POLICY]
//!
//! The binary is `$JAILPY`, else `jailpy` on PATH. Exits with jailpy's code
//! for the verdict, or 125 when the runner failed.

use std::path::Path;
use std::process::exit;

use jailpy_run::{Jailpy, Verdict};
use serde_json::Value;

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.len() < 2 || argv.len() > 4 {
        eprintln!("usage: score FILE.py ARGS_JSON [FUNC (score)] [POLICY (safe)]");
        exit(2);
    }
    let path = Path::new(&argv[0]);
    let source = std::fs::read(path).unwrap_or_else(|e| fail(&format!("read {}: {}", argv[0], e)));
    let args: Vec<Value> = serde_json::from_str(&argv[1])
        .unwrap_or_else(|e| fail(&format!("ARGS_JSON must be a JSON array: {}", e)));
    let func = argv.get(2).map(String::as_str).unwrap_or("score");

    // A web service holds the upload in memory; it is written to a private
    // temporary file under this name, which tracebacks show.
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("upload.py");
    let jail = Jailpy {
        policy: Some(argv.get(3).cloned().unwrap_or_else(|| "safe".to_string())),
        upload_name: name.to_string(),
        ..Jailpy::default()
    };
    match jail.run_source(&source, func, &args) {
        Ok(report) => {
            match &report.verdict {
                Verdict::Ok(value) => println!("ok: {}", value),
                Verdict::Error(e) => match e.line {
                    Some(line) => println!("error: {} at line {}: {}", e.type_, line, e.message),
                    None => println!("error: {}: {}", e.type_, e.message),
                },
                Verdict::Policy { findings } => {
                    println!("policy: {} finding(s)", findings.len());
                    for f in findings {
                        println!("  line {:?}, col {:?}: {}", f.line, f.col, f.message);
                    }
                }
                other => println!("{}: {:?}", other.status(), other),
            }
            println!("{:#?}", report);
            exit(report.verdict.exit_code());
        }
        Err(e) => fail(&e.to_string()),
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("score: {}", msg);
    exit(125)
}
