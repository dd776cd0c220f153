//! Reading the fixture files: encodings, line endings, errors, options.

// A test or bench fails loudly at the first unwrap: that is what it is for.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use vigil_ingest::{open, Format, ImportError, ParsedRecord, ReadOptions};
use vigil_model::{Body, Kind, Person, Sex};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn persons() -> ReadOptions {
    ReadOptions {
        kind: Some(Kind::Person),
        ..ReadOptions::default()
    }
}

fn read_all(name: &str, options: &ReadOptions) -> Vec<Result<ParsedRecord, ImportError>> {
    open(&fixture(name), options)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .collect()
}

fn read_ok(name: &str, options: &ReadOptions) -> Vec<ParsedRecord> {
    read_all(name, options)
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

fn person(record: &ParsedRecord) -> &Person {
    match &record.body {
        Body::Person(p) => p,
        other => panic!("expected a person, got {other:?}"),
    }
}

fn texts(record: &ParsedRecord) -> Vec<&str> {
    person(record)
        .names
        .iter()
        .map(|n| n.text.as_str())
        .collect()
}

#[test]
fn utf8_and_utf16_files_give_chinese_uyghur_and_accents() {
    for (name, encoding) in [
        ("persons-utf8-bom.csv", "UTF-8"),
        ("persons-utf16le.csv", "UTF-16LE"),
        ("persons-utf16be.csv", "UTF-16BE"),
        ("persons-utf16le-nobom.csv", "UTF-16LE"),
    ] {
        let mut reader = open(&fixture(name), &persons()).unwrap();
        let records: Vec<ParsedRecord> = reader.by_ref().map(|r| r.unwrap()).collect();
        assert_eq!(reader.encoding(), encoding, "{name}");
        assert_eq!(records.len(), 3, "{name}");
        assert_eq!(
            texts(&records[0]),
            ["伊力哈木·土赫提", "Ilham Tohti", "ئىلھام توختى"],
            "{name}"
        );
        let ilham = person(&records[0]);
        assert_eq!(ilham.sex, Some(Sex::Male));
        assert_eq!(ilham.birth_date.as_ref().unwrap().as_str(), "1969-10-25");
        assert_eq!(ilham.identifiers[0].scheme, "cecc");
        assert_eq!(
            ilham.description.as_deref(),
            Some("Economist, Minzu University")
        );
        assert_eq!(texts(&records[1]), ["José Müller"]);
        assert_eq!(
            person(&records[1]).description.as_deref(),
            Some("Müller, \"José\"")
        );
        assert_eq!(texts(&records[2]), ["Françoise"]);
        assert_eq!(person(&records[2]).sex, Some(Sex::Female), "女 is female");
        assert_eq!(person(&records[2]).nationalities, ["FR", "CN"]);
        assert_eq!(
            records.iter().map(|r| r.line).collect::<Vec<_>>(),
            [2, 3, 4],
            "{name}"
        );
        assert_eq!(reader.bytes_read(), reader.total_bytes().unwrap());
    }
}

#[test]
fn windows_1252_and_mac_roman_are_told_apart() {
    for (name, encoding) in [
        ("persons-windows1252.csv", "windows-1252"),
        ("persons-macroman.csv", "macintosh"),
    ] {
        let mut reader = open(&fixture(name), &persons()).unwrap();
        let records: Vec<ParsedRecord> = reader.by_ref().map(|r| r.unwrap()).collect();
        assert_eq!(reader.encoding(), encoding, "{name}");
        assert_eq!(texts(&records[0]), ["José Müller"], "{name}");
        assert_eq!(
            person(&records[0]).description.as_deref(),
            Some("Zoë, café owner"),
            "{name}"
        );
        assert_eq!(texts(&records[1]), ["Françoise"], "{name}");
        assert_eq!(
            person(&records[1]).description.as_deref(),
            Some("née Dupré"),
            "{name}"
        );
    }
}

#[test]
fn a_forced_encoding_wins_and_a_wrong_label_is_explained() {
    let options = ReadOptions {
        encoding: Some("mac-roman".into()),
        ..persons()
    };
    let records = read_ok("persons-windows1252.csv", &options);
    // Read as Mac Roman on purpose: é (0xE9) becomes È.
    assert_eq!(texts(&records[0]), ["JosÈ M¸ller"]);

    let options = ReadOptions {
        encoding: Some("klingon".into()),
        ..persons()
    };
    let err = open(&fixture("persons-windows1252.csv"), &options).unwrap_err();
    assert!(
        err.message.contains("unknown encoding \"klingon\""),
        "{err}"
    );
    assert!(err.message.contains("windows-1252"), "{err}");
}

#[test]
fn cr_only_line_endings_keep_true_line_numbers() {
    let records = read_ok("persons-cr.csv", &persons());
    assert_eq!(records.len(), 3);
    assert_eq!(
        person(&records[0]).description.as_deref(),
        Some("Economist\rBeijing")
    );
    // The quoted cell spans lines 2 and 3; line 5 is blank.
    assert_eq!(
        records.iter().map(|r| r.line).collect::<Vec<_>>(),
        [2, 4, 6]
    );
}

#[test]
fn quoted_multi_line_cells_and_blank_rows() {
    let records = read_ok("persons-multiline.csv", &persons());
    assert_eq!(records.len(), 3, "the `,,` row is skipped");
    assert_eq!(
        person(&records[0]).description.as_deref(),
        Some("Lawyer.\nDetained 2015-08-03.\nReleased 2020-04-05.")
    );
    assert_eq!(
        person(&records[2]).description.as_deref(),
        Some("Lawyer, \"disappeared\" in 2016")
    );
    assert_eq!(
        records.iter().map(|r| r.line).collect::<Vec<_>>(),
        [2, 5, 7]
    );
}

#[test]
fn bad_cells_name_file_line_and_field_and_reading_goes_on() {
    let results = read_all("persons-bad.csv", &persons());
    assert_eq!(results.len(), 7);
    let ok: Vec<&ParsedRecord> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(ok.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 8]);
    let errors: Vec<&ImportError> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    let file = fixture("persons-bad.csv").display().to_string();

    let date = errors[0];
    assert_eq!(
        (date.line, date.field.as_deref()),
        (Some(3), Some("birth_date"))
    );
    assert!(
        date.to_string().starts_with(&format!(
            "{file}:3: field `birth_date`: \"15/07/2015\" is not an EDTF date"
        )),
        "{date}"
    );
    assert!(
        date.message.contains("2015-07"),
        "suggests the EDTF form: {date}"
    );

    let sex = errors[1];
    assert_eq!((sex.line, sex.field.as_deref()), (Some(4), Some("sex")));
    assert!(sex.message.contains("\"femal\" is not a sex"), "{sex}");

    let id = errors[2];
    assert_eq!((id.line, id.field.as_deref()), (Some(5), Some("id")));
    assert!(id.message.contains("not a UUID"), "{id}");

    let identifier = errors[3];
    assert_eq!(
        (identifier.line, identifier.field.as_deref()),
        (Some(6), Some("identifiers"))
    );
    assert!(identifier.message.contains("scheme:value"), "{identifier}");

    let two = errors[4];
    assert_eq!((two.line, two.field.as_deref()), (Some(7), Some("sex")));
    assert!(
        two.message.contains("(and 1 more: field `birth_date`"),
        "{two}"
    );
}

#[test]
fn unknown_columns_are_refused_with_the_fix() {
    let err = open(&fixture("persons-unknown-column.csv"), &persons()).unwrap_err();
    assert_eq!(err.line, Some(1));
    for part in [
        "unknown column `Gender`",
        "birth_date",
        "--map \"Gender=OURS\"",
        "--map \"Gender=-\"",
    ] {
        assert!(err.message.contains(part), "{part:?} in {err}");
    }
}

#[test]
fn map_renames_and_drops_columns_and_set_fills_gaps() {
    let options = ReadOptions {
        map: vec![
            ("full name".into(), "names".into()),
            ("Gender".into(), "sex".into()),
            ("Date of Birth".into(), "birth_date".into()),
            ("Notes".into(), "description".into()),
            ("Source".into(), "-".into()),
        ],
        set: vec![
            ("sex".into(), "unknown".into()),
            ("confidentiality".into(), "restricted".into()),
        ],
        ..persons()
    };
    let results = read_all("persons-mapped.csv", &options);
    let first = results[0].as_ref().unwrap();
    assert_eq!(texts(first), ["刘晓波"]);
    assert_eq!(person(first).sex, Some(Sex::Male));
    assert_eq!(person(first).description.as_deref(), Some("长春"));
    assert_eq!(
        person(first).confidentiality,
        vigil_model::Confidentiality::Restricted
    );
    let second = results[1].as_ref().unwrap();
    assert_eq!(
        person(second).sex,
        Some(Sex::Unknown),
        "empty cell takes the --set value"
    );

    let err = results[2].as_ref().unwrap_err();
    assert_eq!(err.line, Some(4));
    assert_eq!(
        err.field.as_deref(),
        Some("column `Date of Birth` (birth_date)")
    );
    assert!(
        err.to_string()
            .contains(":4: column `Date of Birth` (birth_date): \"1969-2-21\" is not an EDTF date"),
        "{err}"
    );
}

#[test]
fn map_and_set_must_name_real_columns() {
    let options = ReadOptions {
        map: vec![("Gender".into(), "gender".into())],
        ..persons()
    };
    let err = open(&fixture("persons-mapped.csv"), &options).unwrap_err();
    assert!(err.message.contains("no column `gender`"), "{err}");

    let options = ReadOptions {
        map: vec![("Sex".into(), "sex".into())],
        ..persons()
    };
    let err = open(&fixture("persons-mapped.csv"), &options).unwrap_err();
    assert!(
        err.message.contains("the file has no column `Sex`"),
        "{err}"
    );

    let options = ReadOptions {
        set: vec![("colour".into(), "red".into())],
        ..persons()
    };
    let err = open(&fixture("persons-unknown-column.csv"), &options).unwrap_err();
    assert!(err.message.contains("no column `colour`"), "{err}");
}

#[test]
fn a_value_from_set_is_blamed_on_set() {
    let options = ReadOptions {
        map: vec![("Gender".into(), "-".into()), ("Place".into(), "-".into())],
        set: vec![("birth_date".into(), "sometime".into())],
        ..persons()
    };
    let results = read_all("persons-unknown-column.csv", &options);
    let err = results[0].as_ref().unwrap_err();
    assert_eq!(
        err.field.as_deref(),
        Some("field `birth_date` (from --set)")
    );
}

#[test]
fn csv_needs_a_kind() {
    let err = open(&fixture("persons-cr.csv"), &ReadOptions::default()).unwrap_err();
    assert!(err.message.contains("--kind persons"), "{err}");
}

#[test]
fn jsonl_mixes_kinds_and_skips_blank_lines() {
    let mut reader = open(&fixture("records.jsonl"), &ReadOptions::default()).unwrap();
    assert_eq!(reader.format(), Format::Jsonl);
    let records: Vec<ParsedRecord> = reader.by_ref().map(|r| r.unwrap()).collect();
    let kinds: Vec<Kind> = records.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [Kind::Source, Kind::Person, Kind::Event, Kind::Claim]
    );
    assert_eq!(
        records.iter().map(|r| r.line).collect::<Vec<_>>(),
        [1, 3, 4, 6]
    );
    assert_eq!(
        records[0].id.to_string(),
        "0190a1b2-0000-7000-8000-000000000001"
    );
    let ilham = person(&records[1]);
    assert_eq!(ilham.names[1].text, "ئىلھام توختى");
    assert_eq!(
        ilham.names[1].script,
        Some(vigil_model::Script::Arab),
        "scripts are completed"
    );
    assert_eq!(
        records[1].id,
        vigil_model::RecordId::derived("person|cecc|2014-00023")
    );
}

#[test]
fn jsonl_errors_carry_line_and_pointer() {
    let results = read_all("records-bad.jsonl", &ReadOptions::default());
    let errors: Vec<ImportError> = results.into_iter().map(|r| r.unwrap_err()).collect();
    let at = |e: &ImportError| (e.line, e.field.clone());
    assert_eq!(at(&errors[0]), (Some(1), Some("birth_date".into())));
    assert!(errors[0].message.contains("is not an EDTF date"));
    assert_eq!(at(&errors[1]), (Some(2), Some("birthdate".into())));
    assert!(
        errors[1].message.contains("unknown field `birthdate`"),
        "{}",
        errors[1]
    );
    assert_eq!(at(&errors[2]), (Some(3), Some("id".into())));
    assert_eq!(at(&errors[3]), (Some(4), None));
    assert!(
        errors[3].message.contains("not valid JSON"),
        "{}",
        errors[3]
    );
    assert_eq!(at(&errors[4]), (Some(5), None));
    assert!(errors[4].message.contains("--kind"), "{}", errors[4]);
    assert_eq!(at(&errors[5]), (Some(6), Some("/coordinates/lon".into())));
    assert!(
        errors[5].message.contains("missing field `lon`"),
        "{}",
        errors[5]
    );
    assert_eq!(at(&errors[6]), (Some(7), Some("/names/0/kind".into())));
}

#[test]
fn jsonl_kind_from_options_and_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.ndjson");
    std::fs::write(
        &path,
        "{\"names\":[{\"text\":\"A\"}]}\n{\"kind\":\"event\",\"type\":\"trial\"}\n",
    )
    .unwrap();
    let results: Vec<_> = open(&path, &persons()).unwrap().collect();
    assert_eq!(results[0].as_ref().unwrap().kind, Kind::Person);
    let err = results[1].as_ref().unwrap_err();
    assert_eq!(err.field.as_deref(), Some("kind"));
    assert!(err.message.contains("--kind says persons"), "{err}");
}

#[test]
fn an_unknown_extension_is_sniffed() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("export.dat");
    std::fs::write(
        &jsonl,
        "\n  {\"kind\":\"person\",\"names\":[{\"text\":\"A\"}]}\n",
    )
    .unwrap();
    let reader = open(&jsonl, &ReadOptions::default()).unwrap();
    assert_eq!(reader.format(), Format::Jsonl);
    assert_eq!(reader.count(), 1);

    let other = dir.path().join("people.dat");
    std::fs::write(&other, "names,sex\nA,male\n").unwrap();
    let err = open(&other, &persons()).unwrap_err();
    assert!(err.message.contains(".csv"), "{err}");
}

#[test]
fn tsv_and_semicolon_files() {
    let dir = tempfile::tempdir().unwrap();
    let tsv = dir.path().join("people.tsv");
    std::fs::write(&tsv, "names\tsex\nA, B\tf\n").unwrap();
    let records: Vec<_> = open(&tsv, &persons())
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(texts(&records[0]), ["A, B"]);
    let semi = dir.path().join("people.csv");
    std::fs::write(&semi, "names;sex\r\nA;f\r\n").unwrap();
    let records: Vec<_> = open(&semi, &persons())
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(person(&records[0]).sex, Some(Sex::Female));
}

#[test]
fn invalid_bytes_after_a_utf8_start_stop_with_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.csv");
    let mut bytes = "names,sex\n".as_bytes().to_vec();
    for i in 0..10_000 {
        bytes.extend_from_slice(format!("Müller {i},male\n").as_bytes());
    }
    bytes.extend_from_slice(b"Jos\xe9,male\nAfter,male\n");
    std::fs::write(&path, bytes).unwrap();
    let results: Vec<_> = open(&path, &persons()).unwrap().collect();
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 10_000);
    let last = results.last().unwrap().as_ref().unwrap_err();
    assert_eq!(last.line, Some(10_002));
    assert!(last.message.contains("--encoding"), "{last}");
}

#[test]
fn rows_with_too_many_cells_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.csv");
    std::fs::write(&path, "names,sex\nTohti, Ilham,male\nA,male,,\n").unwrap();
    let results: Vec<_> = open(&path, &persons()).unwrap().collect();
    let err = results[0].as_ref().unwrap_err();
    assert_eq!(err.line, Some(2));
    assert!(
        err.message.contains("3 cells but the header names 2"),
        "{err}"
    );
    assert!(results[1].is_ok(), "empty extra cells are harmless");
}

#[test]
fn stable_ids_across_reads() {
    let first: Vec<_> = read_ok("persons-utf8-bom.csv", &persons())
        .into_iter()
        .map(|r| r.id)
        .collect();
    let again: Vec<_> = read_ok("persons-utf16le.csv", &persons())
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(
        first, again,
        "same content, same ids, whatever the encoding"
    );
    let jsonl: Vec<_> = read_ok("records.jsonl", &ReadOptions::default())
        .into_iter()
        .map(|r| r.id)
        .collect();
    let jsonl_again: Vec<_> = read_ok("records.jsonl", &ReadOptions::default())
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(jsonl, jsonl_again);
    let mut unique = first.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), first.len());
}

#[test]
fn store_pointers_map_back_to_the_files_columns() {
    let options = ReadOptions {
        map: vec![
            ("Full Name".into(), "names".into()),
            ("Gender".into(), "sex".into()),
            ("Date of Birth".into(), "birth_date".into()),
            ("Notes".into(), "description".into()),
            ("Source".into(), "-".into()),
        ],
        ..persons()
    };
    let reader = open(&fixture("persons-mapped.csv"), &options).unwrap();
    assert_eq!(
        reader.field_label("/names/0/text"),
        "column `Full Name` (/names/0/text)"
    );
    assert_eq!(reader.field_label("/unidentified"), "unidentified");
}

#[test]
fn a_json_array_is_refused_once_not_line_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.json");
    std::fs::write(
        &path,
        "[\n  {\"kind\": \"person\"},\n  {\"kind\": \"person\"}\n]\n",
    )
    .unwrap();
    let results: Vec<_> = open(&path, &ReadOptions::default()).unwrap().collect();
    assert_eq!(results.len(), 1);
    let err = results[0].as_ref().unwrap_err();
    assert!(err.message.contains("not JSON Lines"), "{err}");
}

#[test]
fn column_names_match_in_any_case() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.csv");
    std::fs::write(&path, " Names ,SEX,Birth_Date\nA,f,1970\n").unwrap();
    let records: Vec<_> = open(&path, &persons())
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(
        person(&records[0]).birth_date.as_ref().unwrap().as_str(),
        "1970"
    );
}
