//! Files as found in the wild (see shared/data/real/README.md). They are not
//! in the repository: each test passes, saying why, when its file is absent.

// A test or bench fails loudly at the first unwrap: that is what it is for.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use vigil_ingest::{open, ImportError, ParsedRecord, ReadOptions};
use vigil_model::{Body, Kind};

fn real(name: &str) -> Option<PathBuf> {
    let path = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/real/"
    ))
    .join(name);
    if path.exists() {
        Some(path)
    } else {
        eprintln!(
            "skipped: {} is absent (it lives outside the repository)",
            path.display()
        );
        None
    }
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn cppc_political_prisoners_read_as_persons() {
    let Some(path) = real("cppc-political-prisoners.csv") else {
        return;
    };
    let options = ReadOptions {
        kind: Some(Kind::Person),
        map: pairs(&[
            ("Name", "names"),
            ("Gender", "sex"),
            ("Date of Birth", "birth_date"),
            ("Date of Death", "death_date"),
            // `Place` is read as `place` by its header.
            ("Sentence", "-"),
            ("Source", "-"),
        ]),
        ..ReadOptions::default()
    };
    let results: Vec<Result<ParsedRecord, ImportError>> = open(&path, &options).unwrap().collect();
    assert_eq!(results.len(), 926, "one result per row");
    let errors: Vec<&ImportError> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    for e in &errors {
        eprintln!("{e}");
    }
    // Three birth dates in the file are not dates: 29 February of 1954, not
    // a leap year (陈西), and the typos `1952-08021` and `19812`. They are
    // reported, not guessed at.
    let located: Vec<(Option<u64>, Option<&str>)> = errors
        .iter()
        .map(|e| (e.line, e.field.as_deref()))
        .collect();
    let field = Some("column `Date of Birth` (birth_date)");
    assert_eq!(
        located,
        [(Some(6), field), (Some(331), field), (Some(651), field)]
    );
    assert!(
        errors[0]
            .message
            .contains("\"1954-02-29\" is not an EDTF date"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1]
            .message
            .contains("\"1952-08021\" is not an EDTF date"),
        "{}",
        errors[1]
    );
    assert!(
        errors[2].message.contains("\"19812\" is not an EDTF date"),
        "{}",
        errors[2]
    );

    let records: Vec<&ParsedRecord> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(records.len(), 923);
    let chen_wei: Vec<&ParsedRecord> = records
        .iter()
        .copied()
        .filter(|r| matches!(&r.body, Body::Person(p) if p.names.first().is_some_and(|n| n.text == "陈卫")))
        .collect();
    assert_eq!(chen_wei.len(), 2, "two people named 陈卫");
    let places: Vec<Option<&str>> = chen_wei
        .iter()
        .map(|r| match &r.body {
            Body::Person(p) => p.place.as_deref(),
            _ => None,
        })
        .collect();
    assert_eq!(places, [Some("遂宁"), Some("重庆")]);
    assert_ne!(
        chen_wei[0].id, chen_wei[1].id,
        "different people, different ids"
    );
    let again: Vec<_> = open(&path, &options)
        .unwrap()
        .filter_map(Result::ok)
        .map(|r| r.id)
        .collect();
    assert_eq!(
        again,
        records.iter().map(|r| r.id).collect::<Vec<_>>(),
        "stable ids"
    );
}

#[test]
fn upr_recommendations_with_cr_line_endings_read_as_events() {
    let Some(path) = real("upr-sessions-1-5.csv") else {
        return;
    };
    let options = ReadOptions {
        kind: Some(Kind::Event),
        map: pairs(&[
            ("To", "title"),
            ("Text", "description"),
            ("To-Rgrp", "-"),
            ("To-Org", "-"),
            ("From", "-"),
            ("From-Rgrp", "-"),
            ("From-Org", "-"),
            ("Response", "-"),
            ("Action", "-"),
            ("Issue", "-"),
            ("Session", "-"),
        ]),
        set: pairs(&[("type", "un_review.upr")]),
        ..ReadOptions::default()
    };
    let mut reader = open(&path, &options).unwrap();
    let records: Vec<ParsedRecord> = reader
        .by_ref()
        .map(|r| r.unwrap_or_else(|e| panic!("{e}")))
        .collect();
    assert_eq!(records.len(), 6094);
    // CR-only line endings, no line break inside a cell: header on line 1,
    // the last recommendation on line 6095.
    assert_eq!(records.last().unwrap().line, 6095);
    assert_eq!(records[1].line, 3);
    let Body::Event(last) = &records.last().unwrap().body else {
        panic!("an event")
    };
    assert_eq!(last.event_type, "un_review.upr");
    assert_eq!(last.title.as_deref(), Some("Zambia"));
    // ASCII for 900 KB, then Mac Roman: "Hissène Habré".
    assert_eq!(reader.encoding(), "macintosh");
    let habre = records.iter().filter_map(|r| match &r.body {
        Body::Event(e) => e.description.as_deref(),
        _ => None,
    });
    assert_eq!(habre.filter(|d| d.contains("Hissène Habré")).count(), 2);
}
