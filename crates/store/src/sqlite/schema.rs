//! Schema migrations, applied in order when a store opens. Each entry runs
//! once, inside a transaction, and bumps `PRAGMA user_version`.

use rusqlite::Connection;

use crate::StoreError;

const MIGRATIONS: &[&str] = &[
    // 1: records, their history, references between them, accounts.
    r#"
    CREATE TABLE records (
        -- ids are the 16 bytes of the UUID: half the size of the text
        -- form in every index that holds them
        id              BLOB NOT NULL PRIMARY KEY,
        kind            TEXT NOT NULL,
        version         INTEGER NOT NULL,
        confidentiality INTEGER NOT NULL,
        -- the record without its identifying fields
        body            TEXT NOT NULL,
        -- names, identifiers and contacts of people: kept apart so that a
        -- later release can seal them per person without reshaping the store
        identifying     TEXT,
        type_code       TEXT,
        place_id        BLOB,
        date_start      TEXT,
        date_end        TEXT,
        search_text     TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        updated_by      TEXT
    ) WITHOUT ROWID;
    CREATE INDEX records_kind_id ON records(kind, id);
    CREATE INDEX records_kind_type ON records(kind, type_code) WHERE type_code IS NOT NULL;
    CREATE INDEX records_place ON records(place_id) WHERE place_id IS NOT NULL;

    -- every version but the current one, and a tombstone for deletions
    CREATE TABLE record_versions (
        id              BLOB NOT NULL,
        version         INTEGER NOT NULL,
        kind            TEXT NOT NULL,
        operation       TEXT NOT NULL,
        body            TEXT,
        identifying     TEXT,
        created_at      TEXT NOT NULL,
        written_at      TEXT NOT NULL,
        written_by      TEXT,
        PRIMARY KEY (id, version)
    ) WITHOUT ROWID;

    -- which records a record points at (participants, places, sources...);
    -- a record's own links are found from its body, so no from_id index
    CREATE TABLE record_links (
        to_id     BLOB NOT NULL,
        from_id   BLOB NOT NULL,
        PRIMARY KEY (to_id, from_id)
    ) WITHOUT ROWID;

    CREATE TABLE vocabulary_terms (
        vocabulary TEXT NOT NULL,
        code       TEXT NOT NULL,
        term       TEXT NOT NULL,
        added_by   TEXT NOT NULL,
        added_at   TEXT NOT NULL,
        PRIMARY KEY (vocabulary, code)
    );

    CREATE TABLE users (
        name        TEXT PRIMARY KEY,
        role        TEXT NOT NULL,
        created_at  TEXT NOT NULL
    );
    CREATE TABLE tokens (
        digest      TEXT PRIMARY KEY,
        user_name   TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
        created_at  TEXT NOT NULL
    );
    "#,
    // 2: passwords and browser sessions.
    r#"
    ALTER TABLE users ADD COLUMN password_hash TEXT;
    CREATE TABLE sessions (
        digest      TEXT PRIMARY KEY,
        user_name   TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
        csrf        TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        expires_at  TEXT NOT NULL
    );
    "#,
    // 3: the match keys of people's names (see vigil-names), written in the
    // same transaction as the person. Append-only: a write adds a row and the
    // newest row of a person wins (NULL keys: deleted), so `seq` doubles as a
    // change feed that a name index held in memory follows.
    r#"
    CREATE TABLE person_name_keys (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        person          BLOB NOT NULL,
        keys            TEXT,
        birth_year      INTEGER,
        sex             TEXT,
        confidentiality INTEGER NOT NULL,
        protected       INTEGER NOT NULL
    );
    "#,
    // 4: identity decisions between person records (merges, "not the same",
    // "unsure", undos), append-only: the newest row of a pair is its
    // decision. And the likely duplicates the last scan found.
    r#"
    CREATE TABLE identity_decisions (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        a           BLOB NOT NULL,
        b           BLOB NOT NULL,
        decision    TEXT NOT NULL CHECK (decision IN ('same', 'not_same', 'unsure', 'undone')),
        automatic   INTEGER NOT NULL,
        score       REAL,
        note        TEXT,
        decided_by  TEXT NOT NULL,
        decided_at  TEXT NOT NULL,
        CHECK (a < b)
    );
    CREATE INDEX identity_decisions_pair ON identity_decisions(a, b);
    CREATE INDEX identity_decisions_b ON identity_decisions(b);
    CREATE TABLE duplicate_candidates (
        a           BLOB NOT NULL,
        b           BLOB NOT NULL,
        score       REAL NOT NULL,
        reasons     TEXT NOT NULL,
        conflicts   TEXT NOT NULL,
        found_at    TEXT NOT NULL,
        PRIMARY KEY (a, b)
    ) WITHOUT ROWID;
    "#,
    // 5: documents (originals are files named by their SHA-256, kept apart
    // from the database), their paragraphs, and a change feed that derived
    // indexes (full-text search) follow.
    r#"
    CREATE TABLE documents (
        id              BLOB NOT NULL PRIMARY KEY,
        sha256          TEXT NOT NULL UNIQUE,
        size            INTEGER NOT NULL,
        media_type      TEXT NOT NULL,
        file_name       TEXT NOT NULL,
        received_at     TEXT NOT NULL,
        received_by     TEXT NOT NULL,
        source          BLOB,
        confidentiality INTEGER NOT NULL,
        status          TEXT NOT NULL CHECK (status IN ('extracted', 'failed', 'stored')),
        error           TEXT,
        pages           INTEGER,
        paragraphs      INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE paragraphs (
        document     BLOB NOT NULL,
        number       INTEGER NOT NULL,
        page         INTEGER,
        text         TEXT NOT NULL,
        source_start INTEGER NOT NULL,
        source_end   INTEGER NOT NULL,
        PRIMARY KEY (document, number)
    ) WITHOUT ROWID;
    -- one row per write of a record or document; `seq` orders them
    CREATE TABLE changes (
        seq     INTEGER PRIMARY KEY AUTOINCREMENT,
        what    TEXT NOT NULL CHECK (what IN ('record', 'document')),
        id      BLOB NOT NULL
    );
    "#,
    // 6: records in a rowid table. Ids are random (UUIDv4, or v5 hashes of
    // content), so a table clustered on them took every new record into a
    // random page of the widest tree of all, splitting pages of whole
    // records: at a million records that was most of an import's writing.
    // Rows are now appended; the narrow unique index on the id takes the
    // random inserts, and the kind index, ordered by kind then row, is
    // appended to as well: lists and exports go in the order records were
    // first written.
    r#"
    CREATE TABLE records_by_row (
        id              BLOB NOT NULL UNIQUE,
        kind            TEXT NOT NULL,
        version         INTEGER NOT NULL,
        confidentiality INTEGER NOT NULL,
        body            TEXT NOT NULL,
        identifying     TEXT,
        type_code       TEXT,
        place_id        BLOB,
        date_start      TEXT,
        date_end        TEXT,
        search_text     TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        updated_by      TEXT
    );
    INSERT INTO records_by_row
        SELECT id, kind, version, confidentiality, body, identifying, type_code, place_id,
               date_start, date_end, search_text, created_at, updated_at, updated_by
        FROM records ORDER BY created_at, id;
    DROP TABLE records;
    ALTER TABLE records_by_row RENAME TO records;
    CREATE INDEX records_kind ON records(kind);
    CREATE INDEX records_kind_type ON records(kind, type_code) WHERE type_code IS NOT NULL;
    CREATE INDEX records_place ON records(place_id) WHERE place_id IS NOT NULL;
    "#,
    // 7: the two append-only feeds without AUTOINCREMENT, which costs every
    // insert a write to `sqlite_sequence`. Nothing is ever deleted from
    // them, so the next row number is already never one used before.
    r#"
    CREATE TABLE person_name_keys_7 (
        seq             INTEGER PRIMARY KEY,
        person          BLOB NOT NULL,
        keys            TEXT,
        birth_year      INTEGER,
        sex             TEXT,
        confidentiality INTEGER NOT NULL,
        protected       INTEGER NOT NULL
    );
    INSERT INTO person_name_keys_7 SELECT * FROM person_name_keys;
    DROP TABLE person_name_keys;
    ALTER TABLE person_name_keys_7 RENAME TO person_name_keys;
    CREATE TABLE changes_7 (
        seq     INTEGER PRIMARY KEY,
        what    TEXT NOT NULL CHECK (what IN ('record', 'document')),
        id      BLOB NOT NULL
    );
    INSERT INTO changes_7 SELECT * FROM changes;
    DROP TABLE changes;
    ALTER TABLE changes_7 RENAME TO changes;
    "#,
    // 8: where a person lives or comes from, as the name index compares it
    // (`vigil_names::place_key`).
    r#"
    ALTER TABLE person_name_keys ADD COLUMN place TEXT;
    "#,
    // 9: which version of the name rules (`vigil_names::RULES_VERSION`)
    // made the keys in `person_name_keys`; the store makes them again when
    // the rules change. Keys written so far came from the first rules.
    r#"
    CREATE TABLE name_rules (version INTEGER NOT NULL);
    INSERT INTO name_rules (version) VALUES (1);
    "#,
];

/// Brings the database up to the newest schema this build knows.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if current > known {
        return Err(StoreError::SchemaTooNew {
            found: current,
            known,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
        tracing::info!(schema = i + 1, "migrated database");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store written before migration 6 keeps every record, and its
    /// lists then go in the order the records were created.
    #[test]
    fn records_move_to_a_rowid_table_intact() {
        let mut conn = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..5] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 5).unwrap();
        for (id, created) in [(3u8, "2026-01-01"), (1, "2026-03-01"), (2, "2026-02-01")] {
            conn.execute(
                "INSERT INTO records (id, kind, version, confidentiality, body, search_text, created_at, updated_at)
                 VALUES (?1, 'person', 1, 1, '{}', 'x', ?2, ?2)",
                rusqlite::params![vec![id; 16], created],
            )
            .unwrap();
        }
        migrate(&mut conn).unwrap();
        let order: Vec<u8> = conn
            .prepare("SELECT id FROM records WHERE kind = 'person' ORDER BY rowid")
            .unwrap()
            .query_map([], |r| r.get::<_, Vec<u8>>(0))
            .unwrap()
            .map(|id| id.unwrap()[0])
            .collect();
        assert_eq!(order, vec![3, 2, 1]);
        let duplicate = conn.execute(
            "INSERT INTO records (id, kind, version, confidentiality, body, search_text, created_at, updated_at)
             VALUES (?1, 'person', 1, 1, '{}', 'x', 'now', 'now')",
            [vec![1u8; 16]],
        );
        assert!(duplicate.is_err(), "ids stay unique");
        let plan: String = conn
            .query_row(
                "EXPLAIN QUERY PLAN SELECT rowid FROM records WHERE kind = 'person' ORDER BY rowid",
                [],
                |r| r.get(3),
            )
            .unwrap();
        assert!(plan.contains("records_kind"), "{plan}");
    }

    /// The feeds keep their numbers across migration 7, and go on after
    /// the last one.
    #[test]
    fn feeds_keep_their_numbers() {
        let mut conn = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..6] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 6).unwrap();
        for _ in 0..3 {
            conn.execute(
                "INSERT INTO changes (what, id) VALUES ('record', x'01')",
                [],
            )
            .unwrap();
        }
        conn.execute("DELETE FROM changes WHERE seq = 2", [])
            .unwrap();
        migrate(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO changes (what, id) VALUES ('record', x'02')",
            [],
        )
        .unwrap();
        let seqs: Vec<i64> = conn
            .prepare("SELECT seq FROM changes ORDER BY seq")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(seqs, vec![1, 3, 4]);
    }
}
