//! Import throughput: `vigil import` of generated JSON Lines against a
//! baseline of the same rows inserted with plain prepared statements in one
//! transaction.
//!
//! Run: `cargo bench -p vigil-bench --bench import` (1,000,000 records) or
//! `cargo bench -p vigil-bench --bench import -- --records 100000`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use vigil_bench::{peak_rss_bytes, write_persons_and_events};
use vigil_store::{ImportItem, ImportProblem, SqliteStore, Store};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // Child mode: `import <phase> <jsonl> <db>` runs one contender.
    if let Some(pos) = args.iter().position(|a| a == "--phase") {
        let phase = &args[pos + 1];
        let (input, db) = (PathBuf::from(&args[pos + 2]), PathBuf::from(&args[pos + 3]));
        let started = Instant::now();
        let n = match phase.as_str() {
            "vigil" => run_vigil(&input, &db),
            "baseline" => run_baseline(&input, &db),
            other => panic!("unknown phase {other}"),
        };
        let secs = started.elapsed().as_secs_f64();
        println!("{n} {secs} {}", peak_rss_bytes().unwrap_or(0));
        return;
    }
    let records: u64 = args
        .iter()
        .position(|a| a == "--records")
        .and_then(|p| args.get(p + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temporary directory");
    let input = dir.path().join("records.jsonl");
    let started = Instant::now();
    write_persons_and_events(&input, records / 2).expect("writing generated data");
    let size = std::fs::metadata(&input).map(|m| m.len()).unwrap_or(0);
    println!(
        "generated {records} records ({:.0} MiB of JSON Lines) in {:.1} s",
        size as f64 / 1048576.0,
        started.elapsed().as_secs_f64()
    );
    println!("{:<44} {:>10} {:>14} {:>14}", "contender", "seconds", "records/s", "peak memory");
    let mut rates = Vec::new();
    for (phase, label) in [
        ("baseline", "baseline: prepared INSERTs, one transaction"),
        ("vigil", "vigil import (parse, validate, index, history)"),
    ] {
        let db = dir.path().join(format!("{phase}.sqlite3"));
        let out = Command::new(std::env::current_exe().expect("own path"))
            .args(["--phase", phase])
            .arg(&input)
            .arg(&db)
            .output()
            .expect("running a phase");
        assert!(out.status.success(), "{phase} failed: {}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout);
        let fields: Vec<f64> = text.split_whitespace().filter_map(|f| f.parse().ok()).collect();
        let (n, secs, rss) = (fields[0], fields[1], fields[2]);
        let rate = n / secs;
        rates.push(rate);
        println!("{label:<44} {secs:>10.2} {rate:>14.0} {:>10.0} MiB", rss / 1048576.0);
    }
    println!("vigil / baseline throughput: {:.2}", rates[1] / rates[0]);
}

/// The real import path: the reader `vigil import` uses, into the store.
fn run_vigil(input: &Path, db: &Path) -> u64 {
    let store = SqliteStore::open(db).expect("store");
    let reader = vigil_ingest::open(input, &vigil_ingest::ReadOptions::default()).expect("reader");
    let mut items = reader.map(|r| {
        r.map(|p| ImportItem { id: p.id, body: p.body, origin: format!("line {}", p.line) })
            .map_err(|e| ImportProblem { origin: e.file.clone(), field: e.field.clone(), message: e.message.clone() })
    });
    let outcome = store.import(&mut items, false, "bench").expect("import");
    assert!(outcome.committed, "{:?}", outcome.problems.first());
    outcome.created
}

/// The floor: read each line, take its id and kind, insert the JSON as is.
fn run_baseline(input: &Path, db: &Path) -> u64 {
    use std::io::BufRead;
    let mut conn = rusqlite::Connection::open(db).expect("db");
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    conn.execute_batch("CREATE TABLE records (id TEXT PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL)").unwrap();
    let tx = conn.transaction().unwrap();
    let mut n = 0;
    {
        let mut insert = tx.prepare("INSERT INTO records (id, kind, body) VALUES (?1, ?2, ?3)").unwrap();
        let file = std::io::BufReader::new(std::fs::File::open(input).unwrap());
        for line in file.lines() {
            let line = line.unwrap();
            let value: serde_json::Value = serde_json::from_str(&line).unwrap();
            insert
                .execute(rusqlite::params![value["id"].as_str().unwrap(), value["kind"].as_str().unwrap(), line])
                .unwrap();
            n += 1;
        }
    }
    tx.commit().unwrap();
    n
}
