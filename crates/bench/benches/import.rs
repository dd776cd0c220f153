//! Import throughput: `vigil import` of generated JSON Lines against two
//! baselines that insert the same rows with plain prepared statements in one
//! transaction: (A) each line as is into a three-column table, the floor of
//! what SQLite can do; (B) the rows vigil's own schema holds (records with
//! their indexed columns, and participant links), filled straight from the
//! parsed line without validation, derivation or reference checks. A is the
//! cost of SQLite alone; B isolates what vigil's import adds on top of its
//! schema.
//!
//! Run: `cargo bench -p vigil-bench --bench import` (1,000,000 records,
//! three rounds) or `cargo bench -p vigil-bench --bench import --
//! --records 100000 --rounds 1`.

// A test or bench fails loudly at the first unwrap: that is what it is for.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use vigil_bench::{peak_rss_bytes, write_persons_and_events, write_persons_csv};
use vigil_store::prelude::*;
use vigil_store::{ImportItem, ImportProblem, SqliteStore};

/// The allocator `vigil` itself runs with (see crates/cli/src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // Child mode: `import <phase> <jsonl> <db>` runs one contender.
    if let Some(pos) = args.iter().position(|a| a == "--phase") {
        let phase = &args[pos + 1];
        let (input, db) = (PathBuf::from(&args[pos + 2]), PathBuf::from(&args[pos + 3]));
        let started = Instant::now();
        let n = match phase.as_str() {
            "vigil" => run_vigil(&input, &db, None),
            "vigil-csv" => run_vigil(&input, &db, Some(vigil_model::Kind::Person)),
            "baseline" => run_baseline(&input, &db),
            "read" => run_read_only(&input, None),
            "read-csv" => run_read_only(&input, Some(vigil_model::Kind::Person)),
            "same-schema" => run_baseline_same_schema(&input, &db),
            other => panic!("unknown phase {other}"),
        };
        let secs = started.elapsed().as_secs_f64();
        println!("{n} {secs} {}", peak_rss_bytes().unwrap_or(0));
        return;
    }
    // `--write-csv FILE N` and `--write-jsonl FILE N`: only generate the
    // input, for profiling one phase (`--phase vigil-csv FILE DB`).
    if let Some(pos) = args.iter().position(|a| a == "--write-csv") {
        let n = args[pos + 2].parse().expect("a number of persons");
        write_persons_csv(Path::new(&args[pos + 1]), n).expect("writing generated CSV");
        return;
    }
    if let Some(pos) = args.iter().position(|a| a == "--write-jsonl") {
        let n: u64 = args[pos + 2].parse().expect("a number of records");
        write_persons_and_events(Path::new(&args[pos + 1]), n / 2)
            .expect("writing generated JSON Lines");
        return;
    }
    let number = |flag: &str, default: u64| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|p| args.get(p + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let records = number("--records", 1_000_000);
    // The machine's speed drifts by a quarter between minutes: every
    // contender runs in each round, and the median round is reported.
    let rounds = number("--rounds", 3).max(1);
    let dir = tempfile::tempdir().expect("temporary directory");
    let input = dir.path().join("records.jsonl");
    let started = Instant::now();
    write_persons_and_events(&input, records / 2).expect("writing generated data");
    let size = std::fs::metadata(&input).map(|m| m.len()).unwrap_or(0);
    // A persons CSV, as `vigil import --kind persons people.csv` reads it,
    // with every person's name keys written beside them.
    let csv = dir.path().join("persons.csv");
    write_persons_csv(&csv, records).expect("writing generated CSV");
    println!(
        "generated {records} records ({:.0} MiB of JSON Lines) and a CSV of {records} persons in {:.1} s; {rounds} rounds",
        size as f64 / 1048576.0,
        started.elapsed().as_secs_f64()
    );
    let contenders = [
        (
            "baseline",
            &input,
            "baseline A: INSERT each line into (id, kind, json)",
        ),
        (
            "same-schema",
            &input,
            "baseline B: INSERT the same rows, vigil's schema",
        ),
        ("read", &input, "  of which reading and parsing the file"),
        (
            "vigil",
            &input,
            "vigil import (parse, validate, index, history)",
        ),
        (
            "vigil-csv",
            &csv,
            "vigil import of a persons CSV (with name keys)",
        ),
    ];
    let mut runs: Vec<Vec<(f64, f64, f64)>> = vec![Vec::new(); contenders.len()];
    for _ in 0..rounds {
        for (i, (phase, file, _)) in contenders.iter().enumerate() {
            let db = dir.path().join(format!("{phase}.sqlite3"));
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
            }
            runs[i].push(run_phase(phase, file, &db));
        }
    }
    println!(
        "{:<48} {:>8} {:>12} {:>19} {:>12}",
        "contender (median round)", "seconds", "records/s", "rounds' records/s", "peak memory"
    );
    let mut rates = Vec::new();
    for ((_, _, label), mut runs) in contenders.iter().zip(runs) {
        runs.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (n, secs, rss) = runs[runs.len() / 2];
        let rate = n / secs;
        rates.push(rate);
        let slowest = n / runs[runs.len() - 1].1;
        let fastest = n / runs[0].1;
        println!(
            "{label:<48} {secs:>8.2} {rate:>12.0} {:>19} {:>8.0} MiB",
            format!("{slowest:.0}-{fastest:.0}"),
            rss / 1048576.0
        );
    }
    println!("vigil / baseline A throughput: {:.2}", rates[3] / rates[0]);
    println!("vigil / baseline B throughput: {:.2}", rates[3] / rates[1]);
}

/// Runs one contender in a child process: (records, seconds, peak RSS).
fn run_phase(phase: &str, input: &Path, db: &Path) -> (f64, f64, f64) {
    let out = Command::new(std::env::current_exe().expect("own path"))
        .args(["--phase", phase])
        .arg(input)
        .arg(db)
        .output()
        .expect("running a phase");
    assert!(
        out.status.success(),
        "{phase} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let fields: Vec<f64> = text
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    (fields[0], fields[1], fields[2])
}

/// The real import path: the reader `vigil import` uses, into the store.
fn run_vigil(input: &Path, db: &Path, kind: Option<vigil_model::Kind>) -> u64 {
    let store = SqliteStore::open(db).expect("store");
    let options = vigil_ingest::ReadOptions {
        kind,
        ..vigil_ingest::ReadOptions::default()
    };
    let reader = vigil_ingest::open(input, &options).expect("reader");
    let mut items = reader.map(|r| {
        r.map(|p| ImportItem {
            id: p.id,
            body: p.body,
            origin: format!("line {}", p.line),
        })
        .map_err(|e| ImportProblem {
            origin: e.file.clone(),
            field: e.field.clone(),
            message: e.message.clone(),
        })
    });
    let outcome = store.import(&mut items, false, "bench").expect("import");
    assert!(outcome.committed, "{:?}", outcome.problems.first());
    outcome.created
}

/// Only the reader `vigil import` uses: decoding and parsing, no store.
fn run_read_only(input: &Path, kind: Option<vigil_model::Kind>) -> u64 {
    let options = vigil_ingest::ReadOptions {
        kind,
        ..vigil_ingest::ReadOptions::default()
    };
    let reader = vigil_ingest::open(input, &options).expect("reader");
    let mut n = 0;
    for record in reader {
        record.expect("valid record");
        n += 1;
    }
    n
}

/// Baseline B: vigil's schema (created by opening a store, then closed),
/// filled with plain prepared statements straight from the parsed lines.
fn run_baseline_same_schema(input: &Path, db: &Path) -> u64 {
    use std::io::BufRead;
    drop(SqliteStore::open(db).expect("schema"));
    let mut conn = rusqlite::Connection::open(db).expect("db");
    conn.pragma_update(None, "cache_size", vigil_store::sqlite::WRITER_CACHE_KIB)
        .unwrap();
    let tx = conn.transaction().unwrap();
    let mut n = 0;
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO records (id, kind, version, confidentiality, body, identifying, type_code, place_id,
                    date_start, date_end, search_text, created_at, updated_at, updated_by)
                 VALUES (?1, ?2, 1, 1, ?3, NULL, ?4, NULL, ?5, ?5, ?6, ?7, ?7, 'bench')",
            )
            .unwrap();
        let mut link = tx
            .prepare("INSERT OR IGNORE INTO record_links (to_id, from_id) VALUES (?1, ?2)")
            .unwrap();
        let now = "2026-01-01T00:00:00Z";
        let file = std::io::BufReader::new(std::fs::File::open(input).unwrap());
        for line in file.lines() {
            let line = line.unwrap();
            let value: serde_json::Value = serde_json::from_str(&line).unwrap();
            let id: vigil_model::RecordId = value["id"].as_str().unwrap().parse().unwrap();
            let kind = value["kind"].as_str().unwrap();
            insert
                .execute(rusqlite::params![
                    id.as_bytes(),
                    kind,
                    line,
                    value["type"].as_str(),
                    value["date"].as_str().or(value["birth_date"].as_str()),
                    value["names"][0]["text"].as_str().unwrap_or(""),
                    now
                ])
                .unwrap();
            for p in value["participants"].as_array().into_iter().flatten() {
                let person: vigil_model::RecordId = p["person"].as_str().unwrap().parse().unwrap();
                link.execute(rusqlite::params![person.as_bytes(), id.as_bytes()])
                    .unwrap();
            }
            n += 1;
        }
    }
    tx.commit().unwrap();
    n
}

/// Baseline A, the floor: read each line, take its id and kind, insert the JSON as is.
fn run_baseline(input: &Path, db: &Path) -> u64 {
    use std::io::BufRead;
    let mut conn = rusqlite::Connection::open(db).expect("db");
    conn.pragma_update(None, "page_size", vigil_store::sqlite::PAGE_SIZE)
        .unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    // The same page size and cache as the store's writer, so that only the
    // work differs.
    conn.pragma_update(None, "cache_size", vigil_store::sqlite::WRITER_CACHE_KIB)
        .unwrap();
    conn.execute_batch(
        "CREATE TABLE records (id TEXT PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL)",
    )
    .unwrap();
    let tx = conn.transaction().unwrap();
    let mut n = 0;
    {
        let mut insert = tx
            .prepare("INSERT INTO records (id, kind, body) VALUES (?1, ?2, ?3)")
            .unwrap();
        let file = std::io::BufReader::new(std::fs::File::open(input).unwrap());
        for line in file.lines() {
            let line = line.unwrap();
            let value: serde_json::Value = serde_json::from_str(&line).unwrap();
            insert
                .execute(rusqlite::params![
                    value["id"].as_str().unwrap(),
                    value["kind"].as_str().unwrap(),
                    line
                ])
                .unwrap();
            n += 1;
        }
    }
    tx.commit().unwrap();
    n
}
