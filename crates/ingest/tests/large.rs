//! A million-line file in bounded memory. Ignored by default (it writes
//! some 90 MB); run with `cargo test -p vigil-ingest --test large -- --ignored`.

// A test or bench fails loudly at the first unwrap: that is what it is for.
#![allow(clippy::unwrap_used)]

use std::io::{BufWriter, Write};

use vigil_ingest::{open, ReadOptions};

/// Peak resident memory of this process, in KiB (Linux only).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
#[ignore = "writes a 90 MB file"]
fn a_million_jsonl_lines_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.jsonl");
    let mut out = BufWriter::new(std::fs::File::create(&path).unwrap());
    for i in 0..1_000_000u32 {
        writeln!(
            out,
            r#"{{"kind":"person","names":[{{"text":"伊力哈木 {i}"}}],"sex":"male","birth_date":"1969-10-25","description":"row {i}"}}"#
        )
        .unwrap();
    }
    out.flush().unwrap();
    drop(out);
    let before = peak_rss_kib();
    let mut reader = open(&path, &ReadOptions::default()).unwrap();
    let mut count = 0u64;
    let mut last_line = 0;
    for record in reader.by_ref() {
        let record = record.unwrap();
        count += 1;
        last_line = record.line;
    }
    assert_eq!(count, 1_000_000);
    assert_eq!(last_line, 1_000_000);
    assert_eq!(Some(reader.bytes_read()), reader.total_bytes());
    if let (Some(before), Some(after)) = (before, peak_rss_kib()) {
        eprintln!("peak RSS {before} KiB before reading, {after} KiB after");
        assert!(
            after < before + 32 * 1024,
            "reading grew the peak by {} KiB",
            after - before
        );
    }
}

#[test]
#[ignore = "writes a 40 MB file"]
fn a_million_csv_rows_with_cr_endings_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.csv");
    let mut out = BufWriter::new(std::fs::File::create(&path).unwrap());
    write!(out, "names,sex,birth_date\r").unwrap();
    for i in 0..1_000_000u32 {
        write!(out, "伊力哈木 {i}|Ilham Tohti,male,1969-10-25\r").unwrap();
    }
    out.flush().unwrap();
    drop(out);
    let before = peak_rss_kib();
    let options = ReadOptions {
        kind: Some(vigil_model::Kind::Person),
        ..ReadOptions::default()
    };
    let mut last_line = 0;
    let mut count = 0u64;
    for record in open(&path, &options).unwrap() {
        last_line = record.unwrap().line;
        count += 1;
    }
    assert_eq!((count, last_line), (1_000_000, 1_000_001));
    if let (Some(before), Some(after)) = (before, peak_rss_kib()) {
        eprintln!("peak RSS {before} KiB before reading, {after} KiB after");
        assert!(
            after < before + 32 * 1024,
            "reading grew the peak by {} KiB",
            after - before
        );
    }
}
