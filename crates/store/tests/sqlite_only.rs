//! What only the SQLite store does: its columns and its migrations, read
//! with a second, independent connection to the same file.

// A test or bench fails loudly at the first unwrap: that is what it is for.
#![allow(clippy::unwrap_used)]

use serde_json::json;
use vigil_model::{Body, Kind, RecordId};
use vigil_store::prelude::*;
use vigil_store::SqliteStore;

fn open() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("vigil.sqlite3")).unwrap();
    (dir, store)
}

fn body(kind: Kind, value: serde_json::Value) -> Body {
    Body::from_json(kind, value).unwrap()
}

fn person(name: &str) -> Body {
    body(Kind::Person, json!({"names": [{"text": name}]}))
}

#[test]
fn identifying_fields_are_stored_apart_from_the_rest() {
    let (dir, store) = open();
    let b = body(
        Kind::Person,
        json!({"names": [{"text": "Witness A"}], "protected": true,
        "contacts": [{"channel": "signal", "value": "+00 000"}], "ethnicity": "Uyghur"}),
    );
    let id = store.create(None, b, "t").unwrap().id;
    drop(store);
    let conn = raw_columns(dir.path());
    let (plain, identifying) = conn(&id.to_string());
    assert!(
        !plain.contains("Witness A") && !plain.contains("+00 000"),
        "{plain}"
    );
    assert!(plain.contains("Uyghur"));
    assert!(identifying.contains("Witness A") && identifying.contains("+00 000"));
}

/// Reads the raw columns with a second, independent SQLite connection.
fn raw_columns(dir: &std::path::Path) -> impl Fn(&str) -> (String, String) {
    let conn = rusqlite::Connection::open(dir.join("vigil.sqlite3")).unwrap();
    move |id: &str| {
        let id: RecordId = id.parse().unwrap();
        conn.query_row(
            "SELECT body, identifying FROM records WHERE id = ?1",
            [id.as_bytes()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    }
}

/// Keys made by older name rules are made again when the store opens with
/// newer ones, so that a better rule reaches the people already stored;
/// an up-to-date store is left as it is.
#[test]
fn name_keys_are_made_again_when_the_rules_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vigil.sqlite3");
    let id = {
        let store = SqliteStore::open(&path).unwrap();
        store.create(None, person("何伟娜"), "t").unwrap().id
    };
    let feed = |store: &SqliteStore| {
        let mut entries = Vec::new();
        store.name_keys_since(0, &mut |e| entries.push(e)).unwrap();
        entries
    };
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute("UPDATE person_name_keys SET keys = 'Pstale'", [])
            .unwrap();
        conn.execute("UPDATE name_rules SET version = 1", [])
            .unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    let entries = feed(&store);
    assert_eq!(entries.len(), 2, "the new keys follow the old ones");
    let latest = entries.last().unwrap();
    assert_eq!(latest.person, id);
    let keys = latest.keys.as_deref().unwrap();
    assert_eq!(keys, vigil_names::encode_keys(&["何伟娜".to_string()]));
    assert!(keys.contains("The2 wei3 na4"), "tones: {keys}");
    drop(store);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(feed(&store).len(), 2, "nothing to make again");
}
