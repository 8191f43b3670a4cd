//! `--batch`: many calls of one upload in one jail, from the real jailpy.

mod common;

use jailpy_run::Verdict;
use serde_json::json;

const SRC: &[u8] = b"def score(values):\n    return sum(values) / len(values)\n";

#[test]
fn one_verdict_per_call_in_order() {
    let jail = jailpy_or_skip!();
    let calls = vec![vec![json!([1, 2])], vec![json!([])], vec![json!([3, 4, 5])]];
    let batch = jail.run_batch_source(SRC, "score", &calls).unwrap();
    assert!(batch.complete());
    assert!(!batch.all_ok());
    assert_eq!(batch.exit_code, 1);
    let verdicts: Vec<_> = batch.reports.iter().map(|r| &r.verdict).collect();
    assert_eq!(verdicts[0], &Verdict::Ok(json!(1.5)));
    assert!(matches!(verdicts[1], Verdict::Error(e) if e.type_ == "ZeroDivisionError"));
    assert_eq!(verdicts[2], &Verdict::Ok(json!(4.0)));
    let indexes: Vec<_> = batch.reports.iter().map(|r| r.index).collect();
    assert_eq!(indexes, [Some(0), Some(1), Some(2)]);
}

#[test]
fn fail_fast_stops_and_says_why() {
    let mut jail = jailpy_or_skip!();
    jail.fail_fast = true;
    let calls = vec![vec![json!([])], vec![json!([1])]];
    let batch = jail.run_batch_source(SRC, "score", &calls).unwrap();
    assert_eq!(batch.reports.len(), 1);
    assert!(!batch.complete());
    assert!(batch.note.contains("fail-fast"), "{}", batch.note);
}

#[test]
fn empty_batch() {
    let jail = jailpy_or_skip!();
    let batch = jail.run_batch_source(SRC, "score", &[]).unwrap();
    assert!(batch.all_ok() && batch.reports.is_empty());
}
