//! Export, import, export: the same records and the same bytes.

// A test or bench fails loudly at the first unwrap: that is what it is for.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use serde_json::{json, Value};
use time::OffsetDateTime;
use vigil_ingest::{csv_columns, open, write_jsonl, CsvWriter, ExportError, ReadOptions};
use vigil_model::{Body, Kind, Record, RecordId, RecordMeta};

const SOURCE: &str = "0190a1b2-0000-7000-8000-000000000001";
const PERSON: &str = "0190a1b2-0000-7000-8000-000000000002";
const PLACE: &str = "0190a1b2-0000-7000-8000-000000000003";
const ORG: &str = "0190a1b2-0000-7000-8000-000000000004";
const CLAIM: &str = "0190a1b2-0000-7000-8000-000000000005";

fn record(kind: Kind, n: u128, body: Value) -> Record {
    let mut body = Body::from_json(kind, body).unwrap_or_else(|e| panic!("{kind}: {e}"));
    body.complete();
    let t = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
    Record {
        id: format!("0190a1b2-0000-7000-8000-{n:012}").parse().unwrap(),
        version: 3,
        meta: RecordMeta {
            created_at: t,
            updated_at: t,
            updated_by: Some("editor".into()),
        },
        body,
    }
}

/// Records that use every field, and the awkward values: pipes inside
/// names, names with a language, quotes, line breaks, commas, leading
/// spaces, a `[` at the start of a text.
fn samples() -> Vec<Record> {
    let citation = json!([{"source": SOURCE, "locator": "p. 12, para. 3", "quote": "\"may constitute\"\ncrimes"}]);
    vec![
        record(
            Kind::Source,
            1,
            json!({
                "type": "un_document", "title": "OHCHR Assessment, Xinjiang", "author": "OHCHR",
                "publisher": "United Nations", "date": "2022-08-31", "url": "https://www.ohchr.org/x",
                "reference": "A/HRC/51/x", "language": "en", "reliability": "A",
                "description": "[sic] starts with a bracket", "confidentiality": "public"
            }),
        ),
        record(
            Kind::Person,
            2,
            json!({
                "names": [{"text": "伊力哈木·土赫提"}, {"text": "Ilham Tohti"}, {"text": "ئىلھام توختى"}],
                "sex": "male", "birth_date": "1969-10-25", "death_date": "2099?",
                "ethnicity": "Uyghur", "religion": "Islam", "nationalities": ["CN"],
                "occupations": ["economist", "professor"],
                "identifiers": [{"scheme": "cecc", "value": "2014-00023"}, {"scheme": "wikidata", "value": "Q1321546"}],
                "relations": [{"kind": "child", "person": PERSON, "note": "daughter, Jewher"}],
                "contacts": [{"channel": "email", "value": "x@example.org"}],
                "protected": true, "description": "Line one\nline two, with \"quotes\"",
                "confidentiality": "restricted", "citations": citation
            }),
        ),
        record(
            Kind::Person,
            3,
            json!({
                "names": [{"text": "Wang|Quanzhang"}, {"text": "王全璋", "language": "zh", "system": "pinyin", "kind": "legal"}],
                "occupations": ["a|b"], "identifiers": [{"scheme": "other", "value": "a|b:c"}],
                "description": "  leading spaces kept"
            }),
        ),
        record(
            Kind::Person,
            4,
            json!({"unidentified": "unidentified protester, Mong Kok, 2019-11-18"}),
        ),
        record(
            Kind::Place,
            5,
            json!({
                "names": [{"text": "Kashgar"}, {"text": "喀什"}], "type": "facility", "facility_type": "camp",
                "parent": PLACE, "country": "CN", "coordinates": {"lat": 39.4704, "lon": 75.9897},
                "description": "x", "citations": citation
            }),
        ),
        record(
            Kind::Organization,
            6,
            json!({
                "names": [{"text": "Fengrui Law Firm"}, {"text": "锋锐律师事务所"}], "type": "law_firm", "country": "CN",
                "parent": ORG, "place": PLACE, "description": "Beijing", "confidentiality": "internal"
            }),
        ),
        record(
            Kind::Event,
            7,
            json!({
                "type": "sentence", "title": "Sentenced, 2014", "date": "2014-09-23", "place": PLACE,
                "description": "Urumqi Intermediate People's Court",
                "participants": [{"person": PERSON, "role": "victim"}, {"organization": ORG, "role": "perpetrator"}],
                "legal": {"case_number": "(2014) 乌中刑初字第 1 号", "court": ORG,
                          "charges": [{"statute": "PRC Criminal Law", "article": "103", "description": "separatism"}],
                          "plea": "not_guilty", "verdict": "guilty", "sentence": {"kind": "life"},
                          "political_rights_deprivation": {"kind": "life"}, "expected_release": "2099"},
                "status": "verified", "citations": citation
            }),
        ),
        record(
            Kind::Claim,
            8,
            json!({
                "subject": {"record": {"kind": "place", "id": PLACE}, "topic": "detainee numbers"},
                "statement": "Up to one million detained", "quantity": {"low": 800000.0, "high": 1000000.0, "unit": "persons", "as_of": "2018"},
                "stance": "asserts", "credibility": 3, "source": SOURCE, "locator": "para. 8", "quote": "up to one million",
                "links": [{"kind": "contradicts", "claim": CLAIM}], "citations": citation
            }),
        ),
        record(
            Kind::Claim,
            9,
            json!({
                "subject": {"topic": "vocational training"}, "statement": "Trainees have graduated",
                "stance": "asserts", "credibility": 5, "source": SOURCE
            }),
        ),
    ]
}

fn schema_fields(kind: Kind) -> BTreeSet<String> {
    let schema = match kind {
        Kind::Person => schemars::schema_for!(vigil_model::Person),
        Kind::Organization => schemars::schema_for!(vigil_model::Organization),
        Kind::Place => schemars::schema_for!(vigil_model::Place),
        Kind::Event => schemars::schema_for!(vigil_model::Event),
        Kind::Source => schemars::schema_for!(vigil_model::Source),
        Kind::Claim => schemars::schema_for!(vigil_model::Claim),
    };
    let value = serde_json::to_value(&schema).unwrap();
    value["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

#[test]
fn every_field_of_every_kind_has_a_column() {
    for kind in Kind::ALL {
        let mut expected = schema_fields(kind);
        expected.insert("id".into());
        let columns: BTreeSet<String> = csv_columns(kind)
            .iter()
            .map(|c| c.name.to_string())
            .collect();
        assert_eq!(columns, expected, "{kind}");
    }
}

#[test]
fn the_readme_documents_the_columns_in_use() {
    let readme = include_str!("../README.md");
    let table = vigil_ingest::csv_columns_markdown();
    assert!(
        readme.contains(&table),
        "README.md's column table is out of date; replace it with:\n{table}"
    );
}

#[test]
fn csv_export_import_export_is_lossless() {
    let dir = tempfile::tempdir().unwrap();
    let records = samples();
    for kind in Kind::ALL {
        let of_kind: Vec<&Record> = records.iter().filter(|r| r.kind() == kind).collect();
        let mut writer = CsvWriter::new(kind, Vec::new());
        for r in &of_kind {
            writer.write(r).unwrap();
        }
        let first = writer.finish().unwrap();
        let path = dir.path().join(format!("{}.csv", kind.plural()));
        std::fs::write(&path, &first).unwrap();

        let options = ReadOptions {
            kind: Some(kind),
            ..ReadOptions::default()
        };
        let read: Vec<_> = open(&path, &options)
            .unwrap()
            .map(|r| r.unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(&first))))
            .collect();
        assert_eq!(read.len(), of_kind.len(), "{kind}");
        let mut writer = CsvWriter::new(kind, Vec::new());
        for (parsed, original) in read.iter().zip(&of_kind) {
            assert_eq!(parsed.id, original.id, "{kind}");
            assert_eq!(parsed.body, original.body, "{kind}");
            let mut again = (*original).clone();
            again.body = parsed.body.clone();
            writer.write(&again).unwrap();
        }
        let second = writer.finish().unwrap();
        assert_eq!(
            String::from_utf8(second).unwrap(),
            String::from_utf8(first).unwrap(),
            "{kind}"
        );
    }
}

#[test]
fn csv_cells_are_readable_where_they_can_be() {
    let records = samples();
    let mut writer = CsvWriter::new(Kind::Person, Vec::new());
    writer.write(&records[1]).unwrap();
    writer.write(&records[2]).unwrap();
    let text = String::from_utf8(writer.finish().unwrap()).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "id,names,unidentified,sex,birth_date,death_date,place,ethnicity,religion,nationalities,occupations,identifiers,relations,contacts,protected,description,confidentiality,citations"
    );
    let ilham = lines.next().unwrap();
    assert!(
        ilham.contains(",伊力哈木·土赫提|Ilham Tohti|ئىلھام توختى,"),
        "{ilham}"
    );
    assert!(
        ilham.contains(",economist|professor,cecc:2014-00023|wikidata:Q1321546,"),
        "{ilham}"
    );
    assert!(ilham.contains(",email:x@example.org,true,"), "{ilham}");
    assert!(
        text.contains(r#""[{""text"":""Wang|Quanzhang"""#),
        "a name with a pipe is written as JSON: {text}"
    );
}

#[test]
fn csv_writer_refuses_other_kinds_and_names_its_columns_when_empty() {
    let records = samples();
    let mut writer = CsvWriter::new(Kind::Event, Vec::new());
    assert!(matches!(
        writer.write(&records[0]),
        Err(ExportError::WrongKind { .. })
    ));
    let empty = CsvWriter::new(Kind::Source, Vec::new()).finish().unwrap();
    assert!(String::from_utf8(empty)
        .unwrap()
        .starts_with("id,type,title,"));
    let with_bom = CsvWriter::with_bom(Kind::Source, Vec::new())
        .unwrap()
        .finish()
        .unwrap();
    assert!(with_bom.starts_with("\u{feff}id,".as_bytes()));
}

#[test]
fn jsonl_export_import_export_is_lossless() {
    let dir = tempfile::tempdir().unwrap();
    let records = samples();
    let mut writer = write_jsonl(Vec::new());
    for r in &records {
        writer.write(r).unwrap();
    }
    assert_eq!(writer.written(), records.len() as u64);
    let first = writer.finish().unwrap();
    let line: Value = serde_json::from_slice(first.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert_eq!(line["kind"], "source");
    assert_eq!(line["version"], 3);
    assert_eq!(line["updated_by"], "editor");

    let path = dir.path().join("export.jsonl");
    std::fs::write(&path, &first).unwrap();
    let read: Vec<_> = open(&path, &ReadOptions::default())
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(read.len(), records.len());
    let mut writer = write_jsonl(Vec::new());
    for (parsed, original) in read.iter().zip(&records) {
        assert_eq!((parsed.kind, parsed.id), (original.kind(), original.id));
        assert_eq!(parsed.body, original.body);
        let mut again = original.clone();
        again.body = parsed.body.clone();
        writer.write(&again).unwrap();
    }
    assert_eq!(writer.finish().unwrap(), first);
}

#[test]
fn ids_without_an_id_column_are_stable_and_distinct() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.csv");
    std::fs::write(
        &path,
        "names,birth_date\n陈卫,1969-02-21\n陈卫,1967\n陈卫,1969-02-21\n",
    )
    .unwrap();
    let options = ReadOptions {
        kind: Some(Kind::Person),
        ..ReadOptions::default()
    };
    let ids = |p: &std::path::Path| -> Vec<RecordId> {
        open(p, &options).unwrap().map(|r| r.unwrap().id).collect()
    };
    let first = ids(&path);
    assert_ne!(first[0], first[1], "same name, different birth dates");
    assert_eq!(first[0], first[2], "the same row twice is the same record");
    assert_eq!(first, ids(&path), "a second import finds the same records");
}
