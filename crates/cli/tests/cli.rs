//! The `vigil` binary, driven as a user drives it.

// A test or bench fails loudly at the first unwrap: that is what it is for.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;
use vigil_store::prelude::*;

use serde_json::Value;

mod common;
use common::{start, vigil};

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Export as JSON Lines, without the fields that say when and by whom a
/// record was written in *this* data directory.
fn export_content(data: &Path) -> Vec<Value> {
    let text = ok(&vigil(data, &["export"]));
    text.lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            for key in ["created_at", "updated_at", "updated_by", "version"] {
                v.as_object_mut().unwrap().remove(key);
            }
            v
        })
        .collect()
}

fn init(dir: &Path) -> PathBuf {
    let data = dir.join("data");
    ok(&vigil(&data, &["init"]));
    data
}

#[test]
fn every_command_has_help() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        vec!["--help"],
        vec!["init", "--help"],
        vec!["serve", "--help"],
        vec!["demo", "--help"],
        vec!["token", "create", "--help"],
        vec!["import", "--help"],
        vec!["export", "--help"],
        vec!["duplicates", "scan", "--help"],
        vec!["duplicates", "auto-merge", "--help"],
    ] {
        let text = ok(&vigil(tmp.path(), &args));
        assert!(text.contains("Usage"), "{args:?}: {text}");
    }
    let import_help = ok(&vigil(tmp.path(), &["import", "--help"]));
    for flag in ["--dry-run", "--kind", "--encoding", "--map", "--data"] {
        assert!(import_help.contains(flag), "{flag}");
    }
}

#[test]
fn init_and_tokens() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let out = vigil(&data, &["init"]);
    let token = ok(&out);
    assert_eq!(token.lines().count(), 1);
    assert!(token.starts_with("vigil_"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&data).unwrap().permissions().mode() & 0o777,
            0o700
        );
    }
    let again = vigil(&data, &["init"]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("already a vigil data directory"));

    let t = ok(&vigil(
        &data,
        &["token", "create", "--user", "reader", "--role", "viewer"],
    ));
    assert_eq!(t.lines().count(), 1);
    assert!(t.trim().starts_with("vigil_") && t.trim() != token.trim());
    let clash = vigil(
        &data,
        &["token", "create", "--user", "reader", "--role", "admin"],
    );
    assert!(!clash.status.success() && stderr(&clash).contains("viewer role"));
    let bad = vigil(&data, &["token", "create", "--user", "x", "--role", "root"]);
    assert!(!bad.status.success() && stderr(&bad).contains("unknown role"));
    let nowhere = vigil(&tmp.path().join("missing"), &["export"]);
    assert!(!nowhere.status.success() && stderr(&nowhere).contains("vigil init"));
}

const PERSONS_CSV: &str = "names,sex,birth_date,ethnicity\n\
\"伊力哈木·土赫提|Ilham Tohti|ئىلھام توختى\",male,1969-10-25,Uyghur\n\
黃之鋒|Joshua Wong,m,1996-10-13,Han\n\
\"Rahile Dawut\",female,1966,Uyghur\n";

#[test]
fn csv_import_is_idempotent_and_round_trips() {
    let tmp = tempfile::tempdir().unwrap();
    let data = init(tmp.path());
    let csv = write(tmp.path(), "people.csv", PERSONS_CSV);
    let first = vigil(
        &data,
        &["import", "--kind", "persons", csv.to_str().unwrap()],
    );
    ok(&first);
    assert!(stderr(&first).contains("3 created"), "{}", stderr(&first));
    let second = vigil(
        &data,
        &["import", "--kind", "persons", csv.to_str().unwrap()],
    );
    ok(&second);
    assert!(
        stderr(&second).contains("0 created, 0 updated, 3 unchanged"),
        "{}",
        stderr(&second)
    );

    let exported = export_content(&data);
    assert_eq!(exported.len(), 3);
    let ilham = exported
        .iter()
        .find(|r| r["names"][0]["text"] == "伊力哈木·土赫提")
        .unwrap();
    assert_eq!(ilham["names"][2]["script"], "Arab");
    assert_eq!(ilham["birth_date"], "1969-10-25");

    // JSONL: export, import into a fresh directory, export again.
    let jsonl = tmp.path().join("all.jsonl");
    ok(&vigil(&data, &["export", "--out", jsonl.to_str().unwrap()]));
    let fresh = tmp.path().join("fresh");
    ok(&vigil(&fresh, &["init"]));
    ok(&vigil(&fresh, &["import", jsonl.to_str().unwrap()]));
    assert_eq!(export_content(&fresh), exported);

    // CSV: the same through the CSV writer and reader.
    let csv_out = tmp.path().join("persons-export.csv");
    ok(&vigil(
        &data,
        &[
            "export",
            "--format",
            "csv",
            "--kind",
            "persons",
            "--out",
            csv_out.to_str().unwrap(),
        ],
    ));
    let fresh_csv = tmp.path().join("fresh-csv");
    ok(&vigil(&fresh_csv, &["init"]));
    ok(&vigil(
        &fresh_csv,
        &["import", "--kind", "persons", csv_out.to_str().unwrap()],
    ));
    assert_eq!(export_content(&fresh_csv), exported);
    let no_kind = vigil(&data, &["export", "--format", "csv"]);
    assert!(!no_kind.status.success() && stderr(&no_kind).contains("--kind"));
}

#[test]
fn one_bad_row_imports_nothing_and_says_where() {
    let tmp = tempfile::tempdir().unwrap();
    let data = init(tmp.path());
    let csv = write(
        tmp.path(),
        "bad.csv",
        "names,sex,birth_date\nWang Yu,female,1971\nJiang Tianyong,male,15/07/2015\nLi Heping,alien,1970\n",
    );
    let out = vigil(
        &data,
        &["import", "--kind", "persons", csv.to_str().unwrap()],
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("bad.csv:3") && err.contains("birth_date"),
        "{err}"
    );
    assert!(err.contains("nothing was imported"), "{err}");
    assert!(
        export_content(&data).is_empty(),
        "the good row was not kept either"
    );

    let dry = vigil(
        &data,
        &[
            "import",
            "--dry-run",
            "--kind",
            "persons",
            csv.to_str().unwrap(),
        ],
    );
    assert!(!dry.status.success());
    let err = stderr(&dry);
    assert!(
        err.contains("bad.csv:3") && err.contains("bad.csv:4"),
        "every error is listed: {err}"
    );

    let good = write(tmp.path(), "good.csv", "names\nWang Yu\n");
    let dry = vigil(
        &data,
        &[
            "import",
            "--dry-run",
            "--kind",
            "persons",
            good.to_str().unwrap(),
        ],
    );
    ok(&dry);
    assert!(stderr(&dry).contains("1 created"), "{}", stderr(&dry));
    assert!(export_content(&data).is_empty(), "a dry run writes nothing");

    // Two files are one import: a bad second file keeps the first out too.
    let bad_jsonl = write(
        tmp.path(),
        "bad.jsonl",
        "{\"kind\":\"event\",\"type\":\"trial\",\"date\":\"2017-13\"}\n",
    );
    let out = vigil(
        &data,
        &[
            "import",
            "--kind",
            "persons",
            good.to_str().unwrap(),
            bad_jsonl.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("bad.jsonl:1"), "{}", stderr(&out));
    assert!(export_content(&data).is_empty());
}

#[test]
fn mapped_columns_and_legacy_encodings() {
    let tmp = tempfile::tempdir().unwrap();
    let data = init(tmp.path());
    // Windows-1252 bytes, CR-only line endings, the user's own headers.
    let mut bytes = b"Full Name;Gender;Born\r".to_vec();
    bytes.clear();
    bytes.extend_from_slice(
        b"Full Name,Gender,Born\rJos\xe9 M\xfcller,male,1950\rFran\xe7oise,female,1960-02\r",
    );
    let path = tmp.path().join("legacy.csv");
    std::fs::write(&path, &bytes).unwrap();
    let args = [
        "import",
        "--kind",
        "persons",
        "--map",
        "Full Name=names",
        "--map",
        "Gender=sex",
        "--map",
        "Born=birth_date",
    ];
    let out = vigil(&data, &[&args[..], &[path.to_str().unwrap()]].concat());
    ok(&out);
    let names: Vec<String> = export_content(&data)
        .iter()
        .map(|r| r["names"][0]["text"].as_str().unwrap().to_string())
        .collect();
    assert!(
        names.contains(&"José Müller".to_string()) && names.contains(&"Françoise".to_string()),
        "{names:?}"
    );

    let unmapped = vigil(
        &data,
        &["import", "--kind", "persons", path.to_str().unwrap()],
    );
    assert!(!unmapped.status.success());
    assert!(stderr(&unmapped).contains("--map"), "{}", stderr(&unmapped));
}

#[test]
fn match_finds_a_person_from_another_script() {
    let tmp = tempfile::tempdir().unwrap();
    let data = init(tmp.path());
    let csv = write(
        tmp.path(),
        "people.csv",
        "names,birth_date\n伊力哈木·土赫提|Ilham Tohti,1969\n黃之鋒,1996\n陈卫,1969\n陈卫,1980\n",
    );
    ok(&vigil(
        &data,
        &["import", "--kind", "persons", csv.to_str().unwrap()],
    ));
    let out = ok(&vigil(&data, &["match", "Илһам Тохти"]));
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(
        out.contains("伊力哈木·土赫提: Uyghur name across scripts"),
        "{out}"
    );
    let out = ok(&vigil(&data, &["match", "WONG Chi-fung"]));
    assert!(
        out.contains("黃之鋒: Hong Kong (Cantonese) romanisation"),
        "{out}"
    );
    // Two people named 陈卫: the one born in another year comes second, with the conflict.
    let out = ok(&vigil(
        &data,
        &["match", "Chen Wei", "--birth-year", "1980"],
    ));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        !lines[0].contains("but:") && lines[1].contains("but: born 1980 and 1969"),
        "{out}"
    );
    let none = vigil(&data, &["match", "Nobody Atall"]);
    assert!(!none.status.success() && stderr(&none).contains("no one found"));
}

fn real_file(name: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/real")
        .join(name);
    if path.exists() {
        Some(path)
    } else {
        println!(
            "skipped: {} is absent (it lives in ../shared/data/real beside the checkout)",
            path.display()
        );
        None
    }
}

#[test]
fn real_cppc_prisoner_list_imports_and_reimports() {
    let Some(path) = real_file("cppc-political-prisoners.csv") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let data = init(tmp.path());
    let maps = [
        "--map",
        "Name=names",
        "--map",
        "Gender=sex",
        "--map",
        "Date of Birth=birth_date",
        "--map",
        "Date of Death=death_date",
        "--map",
        "Sentence=-",
        "--map",
        "Source=-",
    ];
    let import = |file: &Path| {
        vigil(
            &data,
            &[
                &["import", "--kind", "persons"][..],
                &maps[..],
                &[file.to_str().unwrap()],
            ]
            .concat(),
        )
    };

    // The file as published has three impossible birth dates: each is
    // reported with its line, and nothing is imported.
    let first = import(&path);
    assert!(!first.status.success());
    let err = stderr(&first);
    for (line, date) in [(6, "1954-02-29"), (331, "1952-08021"), (651, "19812")] {
        assert!(err.contains(&format!("cppc-political-prisoners.csv:{line}: field column `Date of Birth` (birth_date): \"{date}\"")), "{err}");
    }
    assert!(
        err.contains("3 problem(s) found; nothing was imported"),
        "{err}"
    );
    assert!(export_content(&data).is_empty());

    // Corrected as a documenter would (to the precision the source supports),
    // all 926 people import, and importing again changes nothing.
    let text = std::fs::read_to_string(&path).unwrap();
    let fixed_text = text
        .replace(",1954-02-29,", ",1954-02,")
        .replace(",1952-08021,", ",1952-08,")
        .replace(",19812,", ",1981,");
    let fixed = write(tmp.path(), "cppc-fixed.csv", &fixed_text);
    let imported = import(&fixed);
    ok(&imported);
    assert!(
        stderr(&imported).contains("926 created"),
        "{}",
        stderr(&imported)
    );
    let again = import(&fixed);
    ok(&again);
    assert!(
        stderr(&again).contains("0 created, 0 updated, 926 unchanged"),
        "{}",
        stderr(&again)
    );
    let people = export_content(&data);
    assert_eq!(
        people
            .iter()
            .filter(|p| p["names"][0]["text"] == "陈卫")
            .count(),
        2,
        "two different people named 陈卫"
    );
    // `Place` was read as `place` by its header: the 陈卫 of 遂宁 is found
    // from its pinyin first, the one of 重庆 said to be from elsewhere.
    let found = vigil(&data, &["match", "Chen Wei", "--place", "Suining"]);
    ok(&found);
    let out = String::from_utf8_lossy(&found.stdout).to_string();
    let lines: Vec<&str> = out.lines().filter(|l| l.contains("陈卫")).collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(!lines[0].contains("different places"), "{out}");
    assert!(lines[1].contains("different places"), "{out}");
}

#[test]
fn real_upr_recommendations_with_cr_line_endings() {
    let Some(path) = real_file("upr-sessions-1-5.csv") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let data = init(tmp.path());
    let mut args = vec![
        "import",
        "--kind",
        "events",
        "--set",
        "type=un_review.upr",
        "--map",
        "Text=description",
        "--map",
        "To=title",
    ];
    for drop in [
        "To-Rgrp=-",
        "To-Org=-",
        "From=-",
        "From-Rgrp=-",
        "From-Org=-",
        "Response=-",
        "Action=-",
        "Issue=-",
        "Session=-",
    ] {
        args.extend(["--map", drop]);
    }
    args.push(path.to_str().unwrap());
    let out = vigil(&data, &args);
    ok(&out);
    let err = stderr(&out);
    let count = |word: &str| -> u64 {
        let before = err.split(&format!(" {word}")).next().unwrap();
        before.rsplit(' ').next().unwrap().parse().unwrap()
    };
    // Every row is read. Rows equal in the kept columns (the same
    // recommendation made to a state by several states) are one record.
    assert_eq!(count("created") + count("unchanged"), 6094, "{err}");
    assert!(count("created") > 5000, "{err}");
}

fn get(base: &str, path: &str, token: &str) -> (u16, Value) {
    let resp = reqwest::blocking::Client::new()
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .unwrap();
    (resp.status().as_u16(), resp.json().unwrap_or(Value::Null))
}

#[test]
fn serve_answers_on_its_address() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let token = ok(&vigil(&data, &["init"])).trim().to_string();
    let server = start(&data, "serve");
    assert_eq!(get(&server.base, "/healthz", "").0, 200);
    assert_eq!(get(&server.base, "/api/v1/persons", &token).0, 200);
    assert_eq!(get(&server.base, "/api/v1/persons", "wrong").0, 401);
}

#[test]
fn demo_loads_the_dataset_once_and_serves_it() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("demo");
    let token = {
        let server = start(&data, "demo");
        let token = server
            .stderr_lines
            .iter()
            .find_map(|l| {
                l.trim()
                    .strip_prefix("vigil_")
                    .map(|t| format!("vigil_{t}"))
            })
            .unwrap();
        let (status, persons) = get(&server.base, "/api/v1/persons?limit=1000", &token);
        assert_eq!(status, 200);
        assert!(persons["items"].as_array().unwrap().len() >= 50);
        let (_, claims) = get(&server.base, "/api/v1/claims?limit=1000", &token);
        let figures: Vec<f64> = claims["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| {
                c["quantity"]["value"]
                    .as_f64()
                    .or(c["quantity"]["low"].as_f64())
            })
            .collect();
        for figure in [95.5, 43.0, 1_000_000.0] {
            assert!(figures.contains(&figure), "demo claims hold {figure}");
        }
        token
    };
    let server = start(&data, "demo");
    assert!(
        server
            .stderr_lines
            .iter()
            .any(|l| l.contains(" 0 records added")),
        "{:?}",
        server.stderr_lines
    );
    assert_eq!(
        get(&server.base, "/api/v1/persons", &token).0,
        200,
        "tokens survive a restart"
    );
    let _ = std::io::stderr().flush();
}

/// People for the duplicates commands: one person recorded twice in two
/// scripts, and a pair that looks alike but a person decided are two.
const DUPLICATES_JSONL: &str = concat!(
    r#"{"kind":"person","id":"01900000-0000-7000-8000-000000000001","names":[{"text":"黃之鋒"}],"birth_date":"1996-10-13","sex":"male"}"#,
    "\n",
    r#"{"kind":"person","id":"01900000-0000-7000-8000-000000000002","names":[{"text":"WONG Chi-fung"}],"birth_date":"1996","sex":"male"}"#,
    "\n",
    r#"{"kind":"person","id":"01900000-0000-7000-8000-000000000003","names":[{"text":"周庭"}],"birth_date":"1996","sex":"female"}"#,
    "\n",
    r#"{"kind":"person","id":"01900000-0000-7000-8000-000000000004","names":[{"text":"CHOW Ting"}],"birth_date":"1996","sex":"female"}"#,
    "\n",
    r#"{"kind":"person","id":"01900000-0000-7000-8000-000000000005","names":[{"text":"鄒幸彤"}],"birth_date":"1985","sex":"female"}"#,
    "\n",
);

#[test]
fn duplicates_scan_and_auto_merge() {
    use vigil_store::{Decision, SqliteStore};
    let tmp = tempfile::tempdir().unwrap();
    let data = init(tmp.path());
    let file = write(tmp.path(), "people.jsonl", DUPLICATES_JSONL);
    ok(&vigil(&data, &["import", file.to_str().unwrap()]));
    let id = |n: u8| format!("01900000-0000-7000-8000-00000000000{n}");

    let scan = vigil(&data, &["duplicates", "scan"]);
    let out = ok(&scan);
    let joshua = out
        .lines()
        .find(|l| l.contains(&id(1)) && l.contains(&id(2)))
        .unwrap_or_else(|| panic!("黃之鋒 and WONG Chi-fung are a pair: {out}"));
    assert!(
        joshua.contains("WONG Chi-fung → 黃之鋒: Hong Kong (Cantonese) romanisation")
            || joshua.contains("黃之鋒 → WONG Chi-fung: Hong Kong (Cantonese) romanisation"),
        "{joshua}"
    );
    assert!(
        out.lines()
            .any(|l| l.contains(&id(3)) && l.contains(&id(4))),
        "{out}"
    );
    assert!(
        !out.lines()
            .any(|l| l.contains(&id(3)) && l.contains(&id(5))),
        "周庭 and 鄒幸彤 are not alike: {out}"
    );
    assert!(
        stderr(&scan).contains("kept for review"),
        "{}",
        stderr(&scan)
    );

    // Someone decides that 周庭 and CHOW Ting are two people.
    {
        let store = SqliteStore::open(data.join("vigil.sqlite3")).unwrap();
        store
            .decide(
                id(3).parse().unwrap(),
                id(4).parse().unwrap(),
                Decision::NotSame,
                Some("namesakes"),
                "ed",
            )
            .unwrap();
    }
    let out = ok(&vigil(&data, &["duplicates", "auto-merge"]));
    let merges: Vec<&str> = out.lines().collect();
    assert_eq!(merges.len(), 1, "{out}");
    assert!(
        merges[0].starts_with("merged") && merges[0].contains(&id(1)) && merges[0].contains(&id(2)),
        "{out}"
    );
    // A second run has nothing left to do.
    assert_eq!(ok(&vigil(&data, &["duplicates", "auto-merge"])), "");

    let store = SqliteStore::open(data.join("vigil.sqlite3")).unwrap();
    let identity = store.identity(id(2).parse().unwrap()).unwrap();
    assert_eq!(identity.canonical.to_string(), id(1));
    assert_eq!(
        store
            .identity(id(4).parse().unwrap())
            .unwrap()
            .members
            .len(),
        1
    );
    let log = store.identity_log(id(2).parse().unwrap()).unwrap();
    assert!(log[0].automatic && log[0].decided_by == "auto");
    // Nothing of the records themselves changed: a merge is a decision.
    assert_eq!(export_content(&data).len(), 5);
    // The matcher now answers with one person for both spellings.
    let out = ok(&vigil(&data, &["match", "WONG Chi-fung"]));
    assert_eq!(
        out.lines()
            .filter(|l| l.contains(&id(1)) || l.contains(&id(2)))
            .count(),
        1,
        "{out}"
    );
    assert!(out.contains(&id(1)), "{out}");
}
