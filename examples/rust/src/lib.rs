//! Call one untrusted Python function through [jailpy] from a Rust service
//! and get its verdict back as a Rust value.
//!
//! jailpy does the jailing (namespaces, seccomp, cgroups) and decides the
//! verdict; this crate starts it with [`std::process::Command`], feeds it the
//! arguments on stdin, bounds it with an outer deadline and parses its one
//! JSON verdict strictly. It replaces deny-listing keywords in the upload:
//! `--policy` checks the source with Python's own parser, and the OS jail is
//! what holds.
//!
//! ```no_run
//! use jailpy_run::{Jailpy, Verdict};
//! use serde_json::json;
//!
//! let jail = Jailpy { policy: Some("math".into()), ..Jailpy::default() };
//! let upload = b"def score(values):\n    return sum(values) / len(values)\n";
//! match jail.run_source(upload, "score", &[json!([1, 2, 3, 4])])?.verdict {
//!     Verdict::Ok(value) => println!("score: {}", value),
//!     other => println!("rejected: {:?}", other),
//! }
//! # Ok::<(), jailpy_run::RunError>(())
//! ```
//!
//! [jailpy]: https://github.com/jailpy/jailpy

mod batch;
mod config;
mod error;
mod parse;
mod process;
mod run;
mod upload;
mod verdict;

pub use batch::BatchReport;
pub use config::Jailpy;
pub use error::RunError;
pub use parse::parse_verdict;
pub use verdict::{Finding, Limits, Report, UserError, Verdict};

/// Compiles the README's snippets as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
