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
