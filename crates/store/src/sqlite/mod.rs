//! The embedded SQLite store.

mod derive;
mod documents;
pub use documents::document_id;
mod identity;
mod schema;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex, RwLock};

use rusqlite::{params, params_from_iter, Connection, OpenFlags, OptionalExtension, Transaction};
use time::OffsetDateTime;
use vigil_model::{
    rfc3339, Body, Confidentiality, Document, Kind, Paragraph, Record, RecordId, RecordMeta, Term,
    ValidationErrors, Vocabularies,
};

use self::derive::{derive, join_identifying, links_of, split_identifying, Derived, NameKeys};
use crate::accounts::{
    hash_password, new_secret, new_token, token_digest, verify_password, MIN_PASSWORD_CHARS,
};
use crate::{
    Accounts, Bulk, Change, ChangeFeeds, Counts, Cursor, DocumentText, Documents, Filter,
    HistoryEntry, ImportItem, ImportOutcome, ImportProblem, ListPage, NameKeysEntry, NewDocument,
    Operation, Page, Records, Role, Session, StoreError, Summary, User, VocabularyTerms,
};

/// Page cache of the writer connection, in KiB (as SQLite's negative
/// `cache_size`).
pub const WRITER_CACHE_KIB: i64 = -131_072;

/// Page cache of the writer during an import, in KiB.
const IMPORT_CACHE_KIB: i64 = -1_048_576;

/// How much of the database file connections map into memory (address
/// space, not memory: the kernel's page cache backs it).
const MMAP_BYTES: i64 = 4 << 30;

/// Page size of new databases. Records are JSON documents of a few hundred
/// bytes; 16 KiB pages keep several per page and the b-trees shallow.
pub const PAGE_SIZE: i64 = 16_384;

/// How many idle read connections to keep open: at least as many as
/// requests served at once, or connections are reopened under load and
/// lose their prepared statements.
const MAX_IDLE_READERS: usize = 64;

pub struct SqliteStore {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    /// Builtin plus administrator-added terms; reloaded after each addition.
    vocabularies: RwLock<Arc<Vocabularies>>,
    /// Bumped by every committed write.
    generation: std::sync::atomic::AtomicU64,
}

const RECORD_COLUMNS: &str =
    "id, kind, version, body, identifying, created_at, updated_at, updated_by";
const RECORD_COLUMN_COUNT: usize = 8;

impl SqliteStore {
    /// Opens (creating if needed) the database file and migrates it.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        let mut writer = Connection::open(&path)?;
        // Only takes effect on a new database, before its first table.
        writer.pragma_update(None, "page_size", PAGE_SIZE)?;
        writer.pragma_update(None, "journal_mode", "WAL")?;
        writer.pragma_update(None, "synchronous", "NORMAL")?;
        writer.pragma_update(None, "foreign_keys", "ON")?;
        // The default 2 MiB page cache makes a large import re-read and
        // re-write the same index pages; pages are only allocated when used.
        writer.pragma_update(None, "cache_size", WRITER_CACHE_KIB)?;
        writer.pragma_update(None, "temp_store", "MEMORY")?;
        // Reading pages through a memory map instead of read() calls: a
        // large import re-reads the index pages it no longer caches.
        writer.pragma_update(None, "mmap_size", MMAP_BYTES)?;
        writer.busy_timeout(std::time::Duration::from_secs(5))?;
        schema::migrate(&mut writer)?;
        refresh_name_keys(&mut writer)?;
        let vocabularies = load_vocabularies(&writer)?;
        Ok(SqliteStore {
            path,
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
            vocabularies: RwLock::new(Arc::new(vocabularies)),
            generation: std::sync::atomic::AtomicU64::new(0),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let pooled = self.readers.lock().expect("reader pool poisoned").pop();
        let conn = match pooled {
            Some(c) => c,
            None => {
                let c = Connection::open_with_flags(
                    &self.path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY
                        | OpenFlags::SQLITE_OPEN_NO_MUTEX
                        | OpenFlags::SQLITE_OPEN_URI,
                )?;
                c.busy_timeout(std::time::Duration::from_secs(5))?;
                c.pragma_update(None, "mmap_size", MMAP_BYTES)?;
                c
            }
        };
        let result = f(&conn);
        let mut pool = self.readers.lock().expect("reader pool poisoned");
        if pool.len() < MAX_IDLE_READERS {
            pool.push(conn);
        }
        result
    }

    fn write<T>(
        &self,
        f: impl FnOnce(&Transaction) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.writer.lock().expect("writer poisoned");
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// A write that changes records or vocabularies: it moves the
    /// generation on, so views derived from them are recomputed. Accounts
    /// and sessions do not.
    fn write_records<T>(
        &self,
        f: impl FnOnce(&Transaction) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let value = self.write(f)?;
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::Release);
        Ok(value)
    }

    fn vocab(&self) -> Arc<Vocabularies> {
        self.vocabularies
            .read()
            .expect("vocabularies poisoned")
            .clone()
    }
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

fn parse_time(s: &str) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map_err(|e| StoreError::Corrupt(format!("bad timestamp {s:?}: {e}")))
}

/// The stored form of a record id: its 16 bytes.
fn key(id: RecordId) -> [u8; 16] {
    *id.as_bytes()
}

fn id_from_blob(blob: &[u8]) -> Result<RecordId, StoreError> {
    <[u8; 16]>::try_from(blob)
        .map(RecordId::from_bytes)
        .map_err(|_| StoreError::Corrupt(format!("a record id of {} bytes", blob.len())))
}

fn parse_kind(s: &str) -> Result<Kind, StoreError> {
    Kind::from_str(s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A row of `records` (or the matching columns of `record_versions`).
struct RawRecord {
    id: Vec<u8>,
    kind: String,
    version: u64,
    body: String,
    identifying: Option<String>,
    created_at: String,
    updated_at: String,
    updated_by: Option<String>,
}

impl RawRecord {
    fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(RawRecord {
            id: row.get(0)?,
            kind: row.get(1)?,
            version: row.get(2)?,
            body: row.get(3)?,
            identifying: row.get(4)?,
            created_at: row.get(5)?,
            updated_at: row.get(6)?,
            updated_by: row.get(7)?,
        })
    }

    fn into_record(self) -> Result<Record, StoreError> {
        let kind = parse_kind(&self.kind)?;
        let id = id_from_blob(&self.id)?;
        let value = join_identifying(&self.body, self.identifying.as_deref())
            .map_err(|e| StoreError::Corrupt(format!("record {id}: {e}")))?;
        let body = Body::from_json(kind, value)
            .map_err(|e| StoreError::Corrupt(format!("record {id}: {e}")))?;
        Ok(Record {
            id,
            version: self.version,
            meta: RecordMeta {
                created_at: parse_time(&self.created_at)?,
                updated_at: parse_time(&self.updated_at)?,
                updated_by: self.updated_by,
            },
            body,
        })
    }
}

fn load_vocabularies(conn: &Connection) -> Result<Vocabularies, StoreError> {
    let mut vocab = Vocabularies::builtin();
    let mut stmt = conn.prepare("SELECT vocabulary, term FROM vocabulary_terms ORDER BY rowid")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (name, term) = row?;
        let term: Term =
            serde_json::from_str(&term).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        vocab
            .add_term(&name, term)
            .map_err(|e| StoreError::Corrupt(format!("vocabulary {name}: {e}")))?;
    }
    Ok(vocab)
}

/// Checks that every reference points at an existing record of the right
/// kind. Returns the references whose target does not exist (yet).
fn check_references(
    tx: &Transaction,
    references: Vec<(String, Kind, RecordId)>,
    errors: &mut ValidationErrors,
) -> Result<Vec<(String, Kind, RecordId)>, StoreError> {
    let mut missing = Vec::new();
    if references.is_empty() {
        return Ok(missing);
    }
    let mut kind_of = tx.prepare_cached("SELECT kind FROM records WHERE id = ?1")?;
    for (pointer, kind, id) in references {
        match kind_of
            .query_row([key(id)], |r| r.get::<_, String>(0))
            .optional()?
        {
            None => missing.push((pointer, kind, id)),
            Some(k) if k == kind.singular() => {}
            Some(k) => errors.push(pointer, format!("{id} is a {k}, not a {}", kind.singular())),
        }
    }
    Ok(missing)
}

fn missing_reference_message(kind: Kind, id: RecordId) -> String {
    format!("refers to {} {id}, which does not exist", kind.singular())
}

/// What the store writes for a record body, computed before the
/// transaction needs it (and, in an import, on another thread).
struct Row {
    derived: Derived,
    plain: String,
    identifying: Option<String>,
    kind: Kind,
    confidentiality: i64,
}

impl Row {
    fn of(body: &mut Body) -> Row {
        let (plain, identifying) = split_identifying(body);
        Row {
            derived: derive(body),
            plain,
            identifying,
            kind: body.kind(),
            confidentiality: i64::from(body.confidentiality().rank()),
        }
    }
}

enum Write<'a> {
    /// A new record unless the id exists; then nothing is written.
    InsertIfNew,
    /// A new version of an existing record, whose links were these.
    Replace { old_links: &'a [RecordId] },
}

/// Writes the current row of a record and its links. Returns whether a row
/// was written (false for `InsertIfNew` on an existing id).
#[allow(clippy::too_many_arguments)]
fn put_record(
    tx: &Transaction,
    id: RecordId,
    version: u64,
    row: &Row,
    created_at: &str,
    updated_at: &str,
    actor: &str,
    write: Write<'_>,
    feeds: &mut Feeds,
) -> Result<bool, StoreError> {
    let d = &row.derived;
    let sql = match write {
        Write::Replace { .. } => {
            "UPDATE records SET version = ?3, confidentiality = ?4, body = ?5, identifying = ?6,
                type_code = ?7, place_id = ?8, date_start = ?9, date_end = ?10, search_text = ?11,
                created_at = ?12, updated_at = ?13, updated_by = ?14
             WHERE id = ?1 AND kind = ?2"
        }
        Write::InsertIfNew => {
            "INSERT INTO records (id, kind, version, confidentiality, body, identifying, type_code, place_id,
                date_start, date_end, search_text, created_at, updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
             ON CONFLICT (id) DO NOTHING"
        }
    };
    let written = tx.prepare_cached(sql)?.execute(params![
        key(id),
        row.kind.singular(),
        version,
        row.confidentiality,
        row.plain,
        row.identifying,
        d.type_code,
        d.place.map(key),
        d.date_start,
        d.date_end,
        d.search_text,
        created_at,
        updated_at,
        actor,
    ])?;
    if written == 0 {
        return Ok(false);
    }
    if let Write::Replace { old_links } = write {
        let mut unlink =
            tx.prepare_cached("DELETE FROM record_links WHERE to_id = ?1 AND from_id = ?2")?;
        for to in old_links {
            unlink.execute(params![key(*to), key(id)])?;
        }
    }
    if !d.links.is_empty() {
        let mut link = tx.prepare_cached(
            "INSERT OR IGNORE INTO record_links (to_id, from_id) VALUES (?1, ?2)",
        )?;
        for to in &d.links {
            link.execute(params![key(*to), key(id)])?;
        }
    }
    feeds.changes.push(id);
    if let Some(n) = &d.name_keys {
        feeds.push_name_keys(id, n, row.confidentiality);
    }
    if feeds.changes.len() >= feeds.hold {
        feeds.write(tx)?;
    }
    Ok(true)
}

/// The rows a write adds to the two feeds that indexes held elsewhere
/// follow: `changes` (full-text search) and `person_name_keys` (the name
/// index). A single write writes them at once; an import gathers them and
/// writes many rows per statement, which halves what the feeds cost it.
struct Feeds {
    changes: Vec<RecordId>,
    name_keys: Vec<NameKeysRow>,
    /// How many records' rows are held before they are written.
    hold: usize,
}

struct NameKeysRow {
    person: RecordId,
    keys: String,
    birth_year: Option<i32>,
    sex: Option<String>,
    place: Option<String>,
    confidentiality: i64,
    protected: bool,
}

/// Rows per statement when feeds are written in bulk.
const FEED_ROWS: usize = 64;

impl Feeds {
    fn push_name_keys(&mut self, person: RecordId, n: &NameKeys, confidentiality: i64) {
        self.name_keys.push(NameKeysRow {
            person,
            keys: n.keys.clone(),
            birth_year: n.birth_year,
            sex: n.sex.clone(),
            place: n.place.clone(),
            confidentiality,
            protected: n.protected,
        });
    }

    /// Feeds written with each record.
    fn immediate() -> Feeds {
        Feeds::holding(1)
    }

    fn holding(hold: usize) -> Feeds {
        Feeds {
            changes: Vec::with_capacity(hold),
            name_keys: Vec::with_capacity(hold),
            hold,
        }
    }

    /// Writes what is held, in the order it came.
    fn write(&mut self, tx: &Transaction) -> Result<(), StoreError> {
        let values = |row: &str, n: usize| vec![row; n].join(", ");
        let mut chunks = self.changes.chunks_exact(FEED_ROWS);
        if chunks.len() > 0 {
            let mut many = tx.prepare_cached(&format!(
                "INSERT INTO changes (what, id) VALUES {}",
                values("('record', ?)", FEED_ROWS)
            ))?;
            for chunk in chunks.by_ref() {
                many.execute(params_from_iter(chunk.iter().map(|id| key(*id))))?;
            }
        }
        for id in chunks.remainder() {
            record_change(tx, "record", *id)?;
        }
        let mut chunks = self.name_keys.chunks_exact(FEED_ROWS);
        if chunks.len() > 0 {
            let mut many = tx.prepare_cached(&format!(
                "INSERT INTO person_name_keys (person, keys, birth_year, sex, place, confidentiality, protected) VALUES {}",
                values("(?, ?, ?, ?, ?, ?, ?)", FEED_ROWS)
            ))?;
            for chunk in chunks.by_ref() {
                let mut args: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(FEED_ROWS * 7);
                let persons: Vec<[u8; 16]> = chunk.iter().map(|r| key(r.person)).collect();
                for (row, person) in chunk.iter().zip(&persons) {
                    args.extend([
                        person as &dyn rusqlite::ToSql,
                        &row.keys,
                        &row.birth_year,
                        &row.sex,
                        &row.place,
                        &row.confidentiality,
                        &row.protected,
                    ]);
                }
                many.execute(args.as_slice())?;
            }
        }
        let mut one = tx.prepare_cached(
            "INSERT INTO person_name_keys (person, keys, birth_year, sex, place, confidentiality, protected)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for row in chunks.remainder() {
            one.execute(params![
                key(row.person),
                row.keys,
                row.birth_year,
                row.sex,
                row.place,
                row.confidentiality,
                row.protected
            ])?;
        }
        self.changes.clear();
        self.name_keys.clear();
        Ok(())
    }
}

/// Makes every person's name keys again when they were made by other name
/// rules than this build's (`vigil_names::RULES_VERSION`): a better rule
/// must reach the people already stored, not only those written after it.
/// The new keys are appended to the feed, which the name index follows, in
/// one transaction: an interrupted refresh is made again on the next open.
fn refresh_name_keys(conn: &mut Connection) -> Result<(), StoreError> {
    let made_by: i64 = conn.query_row("SELECT version FROM name_rules", [], |r| r.get(0))?;
    if made_by == i64::from(vigil_names::RULES_VERSION) {
        return Ok(());
    }
    let tx = conn.transaction()?;
    let mut feeds = Feeds::holding(FEED_ROWS * 16);
    let mut people = 0u64;
    {
        let mut stmt = tx.prepare(&format!(
            "SELECT {RECORD_COLUMNS} FROM records WHERE kind = 'person' ORDER BY rowid"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let record = RawRecord::from_row(row)?.into_record()?;
            if let Some(n) = derive(&record.body).name_keys {
                let confidentiality = i64::from(record.body.confidentiality().rank());
                feeds.push_name_keys(record.id, &n, confidentiality);
                people += 1;
            }
            if feeds.name_keys.len() >= feeds.hold {
                feeds.write(&tx)?;
            }
        }
    }
    feeds.write(&tx)?;
    tx.execute(
        "UPDATE name_rules SET version = ?1",
        [i64::from(vigil_names::RULES_VERSION)],
    )?;
    tx.commit()?;
    tracing::info!(
        people,
        from = made_by,
        to = vigil_names::RULES_VERSION,
        "name keys made again with this build's name rules"
    );
    Ok(())
}

/// Notes a write in the change feed that derived indexes follow.
fn record_change(tx: &Transaction, what: &str, id: RecordId) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT INTO changes (what, id) VALUES (?1, ?2)")?
        .execute(params![what, key(id)])?;
    Ok(())
}

/// Copies the current row into the history table before it changes.
fn archive_current(tx: &Transaction, id: RecordId) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO record_versions (id, version, kind, operation, body, identifying, created_at, written_at, written_by)
         SELECT id, version, kind, CASE WHEN version = 1 THEN 'create' ELSE 'update' END,
                body, identifying, created_at, updated_at, updated_by
         FROM records WHERE id = ?1",
    )?
    .execute([key(id)])?;
    Ok(())
}

fn read_record(conn: &Connection, kind: Kind, id: RecordId) -> Result<Option<Record>, StoreError> {
    let raw = conn
        .prepare_cached(&format!(
            "SELECT {RECORD_COLUMNS} FROM records WHERE id = ?1 AND kind = ?2"
        ))?
        .query_row(params![key(id), kind.singular()], RawRecord::from_row)
        .optional()?;
    raw.map(RawRecord::into_record).transpose()
}

/// Escapes `%`, `_` and the escape character itself for a LIKE pattern.
fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Records for SqliteStore {
    fn create(
        &self,
        id: Option<RecordId>,
        mut body: Body,
        actor: &str,
    ) -> Result<Record, StoreError> {
        body.complete();
        body.validate(&self.vocab())?;
        let id = id.unwrap_or_default();
        let row = Row::of(&mut body);
        self.write_records(|tx| {
            let mut errors = ValidationErrors::default();
            for (pointer, kind, target) in check_references(tx, body.references(), &mut errors)? {
                errors.push(pointer, missing_reference_message(kind, target));
            }
            documents::check_anchor(tx, &body, &mut errors)?;
            errors.into_result()?;
            let at = rfc3339(now());
            let feeds = &mut Feeds::immediate();
            if !put_record(tx, id, 1, &row, &at, &at, actor, Write::InsertIfNew, feeds)? {
                return Err(StoreError::Duplicate(format!(
                    "a record with id {id} already exists"
                )));
            }
            read_record(tx, body.kind(), id)?.ok_or(StoreError::NotFound {
                kind: body.kind(),
                id,
            })
        })
    }

    fn get(&self, kind: Kind, id: RecordId) -> Result<Option<Record>, StoreError> {
        self.read(|conn| read_record(conn, kind, id))
    }

    fn record(&self, id: RecordId) -> Result<Option<Record>, StoreError> {
        self.read(|conn| {
            let raw = conn
                .prepare_cached(&format!(
                    "SELECT {RECORD_COLUMNS} FROM records WHERE id = ?1"
                ))?
                .query_row([key(id)], RawRecord::from_row)
                .optional()?;
            raw.map(RawRecord::into_record).transpose()
        })
    }

    fn update(
        &self,
        kind: Kind,
        id: RecordId,
        expected_version: u64,
        mut body: Body,
        actor: &str,
    ) -> Result<Record, StoreError> {
        body.complete();
        body.validate(&self.vocab())?;
        let row = Row::of(&mut body);
        self.write_records(|tx| {
            let current = read_record(tx, kind, id)?.ok_or(StoreError::NotFound { kind, id })?;
            if current.version != expected_version {
                return Err(StoreError::Conflict {
                    kind,
                    id,
                    expected: expected_version,
                    current: current.version,
                });
            }
            let mut errors = ValidationErrors::default();
            for (pointer, kind, target) in check_references(tx, body.references(), &mut errors)? {
                errors.push(pointer, missing_reference_message(kind, target));
            }
            documents::check_anchor(tx, &body, &mut errors)?;
            errors.into_result()?;
            archive_current(tx, id)?;
            let old_links = links_of(&current.body);
            let created_at = rfc3339(current.meta.created_at);
            let write = Write::Replace {
                old_links: &old_links,
            };
            put_record(
                tx,
                id,
                current.version + 1,
                &row,
                &created_at,
                &rfc3339(now()),
                actor,
                write,
                &mut Feeds::immediate(),
            )?;
            read_record(tx, kind, id)?.ok_or(StoreError::NotFound { kind, id })
        })
    }

    fn delete(
        &self,
        kind: Kind,
        id: RecordId,
        expected_version: Option<u64>,
        actor: &str,
    ) -> Result<(), StoreError> {
        self.write_records(|tx| {
            let current = read_record(tx, kind, id)?.ok_or(StoreError::NotFound { kind, id })?;
            if let Some(expected) = expected_version.filter(|&e| e != current.version) {
                return Err(StoreError::Conflict { kind, id, expected, current: current.version });
            }
            let referrers: u64 = tx
                .prepare_cached("SELECT count(*) FROM record_links WHERE to_id = ?1 AND from_id <> ?1")?
                .query_row([key(id)], |r| r.get(0))?;
            if referrers > 0 {
                return Err(StoreError::StillReferenced { kind, id, referrers });
            }
            archive_current(tx, id)?;
            tx.prepare_cached(
                "INSERT INTO record_versions (id, version, kind, operation, body, identifying, created_at, written_at, written_by)
                 VALUES (?1, ?2, ?3, 'delete', NULL, NULL, ?4, ?5, ?6)",
            )?
            .execute(params![
                key(id),
                current.version + 1,
                kind.singular(),
                rfc3339(current.meta.created_at),
                rfc3339(now()),
                actor
            ])?;
            tx.prepare_cached("DELETE FROM records WHERE id = ?1")?.execute([key(id)])?;
            record_change(tx, "record", id)?;
            if kind == Kind::Person {
                tx.prepare_cached(
                    "INSERT INTO person_name_keys (person, keys, confidentiality, protected) VALUES (?1, NULL, 0, 0)",
                )?
                .execute([key(id)])?;
            }
            let mut unlink = tx.prepare_cached("DELETE FROM record_links WHERE to_id = ?1 AND from_id = ?2")?;
            for to in links_of(&current.body) {
                unlink.execute(params![key(to), key(id)])?;
            }
            Ok(())
        })
    }

    fn list(&self, kind: Kind, filter: &Filter, page: &Page) -> Result<ListPage, StoreError> {
        use rusqlite::types::Value as Sql;
        let mut sql = format!(
            "SELECT {RECORD_COLUMNS}, rowid FROM records WHERE kind = ? AND confidentiality <= ?"
        );
        let mut args: Vec<Sql> = vec![
            Sql::Text(kind.singular().to_string()),
            Sql::Integer(i64::from(filter.max_confidentiality.rank())),
        ];
        if let Some(Cursor(after)) = &page.after {
            sql.push_str(" AND rowid > ?");
            args.push(Sql::Integer(*after));
        }
        if let Some(t) = &filter.record_type {
            sql.push_str(" AND (type_code = ? OR type_code LIKE ? ESCAPE '\\')");
            args.push(Sql::Text(t.clone()));
            args.push(Sql::Text(format!("{}.%", like_escape(t))));
        }
        if let Some(place) = filter.place {
            // The place itself and every place inside it.
            sql.push_str(
                " AND place_id IN (WITH RECURSIVE inside(id) AS (SELECT ? UNION
                   SELECT r.id FROM records r JOIN inside ON r.place_id = inside.id WHERE r.kind = 'place')
                   SELECT id FROM inside)",
            );
            args.push(Sql::Blob(key(place).to_vec()));
        }
        if let Some(target) = filter.linked_to {
            sql.push_str(" AND id IN (SELECT from_id FROM record_links WHERE to_id = ?)");
            args.push(Sql::Blob(key(target).to_vec()));
        }
        if let Some(from) = &filter.from {
            sql.push_str(" AND date_end >= ?");
            args.push(Sql::Text(from.clone()));
        }
        if let Some(to) = &filter.to {
            // `~` sorts after digits and `-`: "2017" then covers 2017-12-31.
            sql.push_str(" AND date_start <= ?");
            args.push(Sql::Text(format!("{to}~")));
        }
        if let Some(text) = &filter.text {
            for word in text.to_lowercase().split_whitespace() {
                sql.push_str(" AND search_text LIKE ? ESCAPE '\\'");
                args.push(Sql::Text(format!("%{}%", like_escape(word))));
            }
        }
        sql.push_str(" ORDER BY rowid LIMIT ?");
        let limit = page.limit.clamp(1, 1000);
        args.push(Sql::Integer(i64::from(limit) + 1));
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(&sql)?;
            let mut raws = stmt
                .query_map(params_from_iter(args.iter()), |r| {
                    Ok((
                        RawRecord::from_row(r)?,
                        r.get::<_, i64>(RECORD_COLUMN_COUNT)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let next = if raws.len() > limit as usize {
                raws.truncate(limit as usize);
                raws.last().map(|(_, row)| Cursor(*row))
            } else {
                None
            };
            let records = raws
                .into_iter()
                .map(|(raw, _)| raw.into_record())
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ListPage { records, next })
        })
    }

    fn history(&self, kind: Kind, id: RecordId) -> Result<Vec<HistoryEntry>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT version, body, identifying, created_at, written_at, written_by, operation
                 FROM record_versions WHERE id = ?1 AND kind = ?2 ORDER BY version",
            )?;
            let rows = stmt
                .query_map(params![key(id), kind.singular()], |r| {
                    Ok((
                        r.get::<_, u64>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, String>(6)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut entries = Vec::with_capacity(rows.len() + 1);
            for (version, body, identifying, created_at, written_at, written_by, operation) in rows
            {
                let operation = match operation.as_str() {
                    "create" => Operation::Create,
                    "update" => Operation::Update,
                    _ => Operation::Delete,
                };
                let record = body
                    .map(|body| {
                        RawRecord {
                            id: key(id).to_vec(),
                            kind: kind.singular().to_string(),
                            version,
                            body,
                            identifying,
                            created_at,
                            updated_at: written_at.clone(),
                            updated_by: written_by.clone(),
                        }
                        .into_record()
                    })
                    .transpose()?;
                entries.push(HistoryEntry {
                    version,
                    operation,
                    written_at: parse_time(&written_at)?,
                    written_by,
                    record,
                });
            }
            if let Some(current) = read_record(conn, kind, id)? {
                entries.push(HistoryEntry {
                    version: current.version,
                    operation: if current.version == 1 {
                        Operation::Create
                    } else {
                        Operation::Update
                    },
                    written_at: current.meta.updated_at,
                    written_by: current.meta.updated_by.clone(),
                    record: Some(current),
                });
            }
            if entries.is_empty() {
                return Err(StoreError::NotFound { kind, id });
            }
            Ok(entries)
        })
    }

    fn counts(&self) -> Result<Counts, StoreError> {
        self.read(|conn| {
            let mut stmt =
                conn.prepare_cached("SELECT kind, count(*) FROM records GROUP BY kind")?;
            let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, u64>(1)?)))?;
            let mut counts: Counts = Kind::ALL.iter().map(|&k| (k, 0)).collect();
            for row in rows {
                let (kind, n) = row?;
                let kind = parse_kind(&kind)?;
                if let Some(slot) = counts.iter_mut().find(|(k, _)| *k == kind) {
                    slot.1 = n;
                }
            }
            Ok(counts)
        })
    }

    fn summary(&self, max: Confidentiality) -> Result<Summary, StoreError> {
        let max = i64::from(max.rank());
        self.read(|conn| {
            let pairs = |sql: &str| -> Result<Vec<(String, u64)>, StoreError> {
                let mut stmt = conn.prepare_cached(sql)?;
                let rows = stmt.query_map([max], |r| Ok((r.get(0)?, r.get(1)?)))?;
                Ok(rows.collect::<Result<_, _>>()?)
            };
            let counts = pairs("SELECT kind, count(*) FROM records WHERE confidentiality <= ?1 GROUP BY kind")?
                .into_iter()
                .map(|(k, n)| Ok((parse_kind(&k)?, n)))
                .collect::<Result<Counts, StoreError>>()?;
            let events_by_type = pairs(
                "SELECT type_code, count(*) FROM records WHERE kind = 'event' AND confidentiality <= ?1
                 GROUP BY type_code ORDER BY count(*) DESC, type_code",
            )?;
            let events_by_year = pairs(
                "SELECT substr(date_start, 1, 4), count(*) FROM records
                 WHERE kind = 'event' AND confidentiality <= ?1 AND date_start IS NOT NULL
                 GROUP BY 1 ORDER BY 1",
            )?;
            let events_by_area = events_by_area(conn, max)?;
            // For each visible person, the latest custody-related event
            // (SQLite takes the other columns from the row holding the max).
            let mut stmt = conn.prepare_cached(
                "SELECT person, type_code, max(date_start) FROM (
                    SELECT l.to_id AS person, e.type_code AS type_code, e.date_start AS date_start
                    -- CROSS JOIN fixes the order: each link once, then its two
                    -- records by key (links have no from_id index, and left to
                    -- itself SQLite pairs every event with every person).
                    FROM record_links l
                    CROSS JOIN records e ON e.id = l.from_id
                    CROSS JOIN records p ON p.id = l.to_id AND p.kind = 'person' AND p.confidentiality <= ?1
                    WHERE e.kind = 'event' AND e.confidentiality <= ?1 AND e.date_start IS NOT NULL
                      AND (e.type_code LIKE 'detention%' OR e.type_code LIKE 'release%' OR e.type_code IN
                           ('disappearance', 'sentence', 'prison_transfer', 'forced_labour_transfer', 'death_in_custody'))
                 ) GROUP BY person",
            )?;
            let mut detained = Vec::new();
            let rows = stmt.query_map([max], |r| {
                Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
            })?;
            for row in rows {
                let (person, type_code, date) = row?;
                if !(type_code.starts_with("release") || type_code == "death_in_custody") {
                    detained.push((id_from_blob(&person)?, type_code, date));
                }
            }
            detained.sort_by(|a, b| b.2.cmp(&a.2));
            let mut stmt = conn.prepare_cached(
                "SELECT kind, id, updated_at FROM records WHERE confidentiality <= ?1 ORDER BY updated_at DESC LIMIT 10",
            )?;
            let recent = stmt
                .query_map([max], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, String>(2)?)))?
                .map(|row| {
                    let (kind, id, at) = row?;
                    Ok((parse_kind(&kind)?, id_from_blob(&id)?, at))
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            Ok(Summary { counts, events_by_type, events_by_year, events_by_area, detained, recent })
        })
    }

    fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }
}

impl Documents for SqliteStore {
    fn put_document(
        &self,
        document: NewDocument,
        text: DocumentText,
        actor: &str,
    ) -> Result<(Document, bool), StoreError> {
        let (doc, created) = self.write(|tx| documents::put_document(tx, document, text, actor))?;
        if created {
            self.generation
                .fetch_add(1, std::sync::atomic::Ordering::Release);
        }
        Ok((doc, created))
    }

    fn document(&self, id: RecordId) -> Result<Option<Document>, StoreError> {
        self.read(|conn| documents::read_document(conn, id))
    }

    fn documents(
        &self,
        max: Confidentiality,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<Document>, StoreError> {
        self.read(|conn| documents::list_documents(conn, max, offset, limit))
    }

    fn paragraphs(&self, document: RecordId) -> Result<Vec<Paragraph>, StoreError> {
        self.read(|conn| documents::paragraphs(conn, document))
    }
}

impl ChangeFeeds for SqliteStore {
    fn changes_since(
        &self,
        after: u64,
        limit: u64,
        sink: &mut dyn FnMut(Change),
    ) -> Result<u64, StoreError> {
        self.read(|conn| documents::changes_since(conn, after, limit, sink))
    }

    fn name_keys_since(
        &self,
        after: u64,
        sink: &mut dyn FnMut(NameKeysEntry),
    ) -> Result<u64, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT seq, person, keys, birth_year, sex, confidentiality, protected, place
                 FROM person_name_keys WHERE seq > ?1 ORDER BY seq",
            )?;
            let mut rows = stmt.query([after as i64])?;
            let mut last = after;
            while let Some(row) = rows.next()? {
                last = row.get::<_, i64>(0)? as u64;
                sink(NameKeysEntry {
                    person: id_from_blob(&row.get::<_, Vec<u8>>(1)?)?,
                    keys: row.get(2)?,
                    birth_year: row.get(3)?,
                    sex: row.get(4)?,
                    confidentiality: Confidentiality::from_rank(row.get(5)?),
                    protected: row.get(6)?,
                    place: row.get(7)?,
                });
            }
            Ok(last)
        })
    }
}

impl Bulk for SqliteStore {
    fn import(
        &self,
        items: &mut (dyn Iterator<Item = Result<ImportItem, ImportProblem>> + Send),
        dry_run: bool,
        actor: &str,
    ) -> Result<ImportOutcome, StoreError> {
        let vocab = self.vocab();
        let mut conn = self.writer.lock().expect("writer poisoned");
        // An import is one transaction: a cache smaller than what it
        // writes spills dirty pages to the WAL and reads them back. Pages
        // are only allocated as they are used, and given back after.
        conn.pragma_update(None, "cache_size", IMPORT_CACHE_KIB)?;
        let outcome = import_with(&mut conn, &vocab, items, dry_run, actor);
        conn.pragma_update(None, "cache_size", WRITER_CACHE_KIB)?;
        conn.execute_batch("PRAGMA shrink_memory")?;
        let outcome = outcome?;
        if outcome.committed {
            self.generation
                .fetch_add(1, std::sync::atomic::Ordering::Release);
        }
        Ok(outcome)
    }

    fn export(
        &self,
        kinds: &[Kind],
        sink: &mut dyn FnMut(Record) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        let mut kinds = kinds.to_vec();
        kinds.sort_by_key(|k| k.dependency_rank());
        // One read transaction, so the export is a consistent snapshot.
        self.read(|conn| {
            conn.execute_batch("BEGIN")?;
            let result = (|| {
                let mut n = 0;
                for kind in kinds {
                    let mut stmt = conn.prepare(&format!(
                        "SELECT {RECORD_COLUMNS} FROM records WHERE kind = ?1 ORDER BY rowid"
                    ))?;
                    let mut rows = stmt.query([kind.singular()])?;
                    while let Some(row) = rows.next()? {
                        sink(RawRecord::from_row(row)?.into_record()?)?;
                        n += 1;
                    }
                }
                Ok(n)
            })();
            conn.execute_batch("COMMIT")?;
            result
        })
    }
}

impl VocabularyTerms for SqliteStore {
    fn vocabularies(&self) -> Result<Vocabularies, StoreError> {
        Ok((*self.vocab()).clone())
    }

    fn add_term(&self, vocabulary: &str, term: Term, actor: &str) -> Result<(), StoreError> {
        let mut vocab = (*self.vocab()).clone();
        vocab
            .add_term(vocabulary, term.clone())
            .map_err(|e| StoreError::Invalid(ValidationErrors::single("/code", e.to_string())))?;
        self.write_records(|tx| {
            let json = serde_json::to_string(&term).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            tx.execute(
                "INSERT INTO vocabulary_terms (vocabulary, code, term, added_by, added_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![vocabulary, term.code, json, actor, rfc3339(now())],
            )?;
            Ok(())
        })?;
        *self.vocabularies.write().expect("vocabularies poisoned") = Arc::new(vocab);
        Ok(())
    }
}

impl Accounts for SqliteStore {
    fn create_user(&self, name: &str, role: Role) -> Result<User, StoreError> {
        let name = name.trim();
        if name.is_empty()
            || name.len() > 64
            || name.chars().any(|c| c.is_control() || c.is_whitespace())
        {
            return Err(StoreError::Invalid(ValidationErrors::single(
                "/name",
                "a user name is 1 to 64 characters without spaces",
            )));
        }
        let created_at = now();
        self.write(|tx| {
            let inserted = tx.execute(
                "INSERT OR IGNORE INTO users (name, role, created_at) VALUES (?1, ?2, ?3)",
                params![name, role.as_str(), rfc3339(created_at)],
            )?;
            if inserted == 0 {
                return Err(StoreError::Duplicate(format!(
                    "a user named {name:?} already exists"
                )));
            }
            Ok(())
        })?;
        Ok(User {
            name: name.to_string(),
            role,
            created_at,
        })
    }

    fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        self.read(|conn| {
            conn.prepare_cached("SELECT name, role, created_at FROM users WHERE name = ?1")?
                .query_row([name], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                })
                .optional()?
                .map(user_from_row)
                .transpose()
        })
    }

    fn users(&self) -> Result<Vec<User>, StoreError> {
        self.read(|conn| {
            let mut stmt =
                conn.prepare_cached("SELECT name, role, created_at FROM users ORDER BY name")?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(user_from_row).collect()
        })
    }

    fn create_token(&self, user: &str) -> Result<String, StoreError> {
        let token = new_token();
        self.write(|tx| {
            let exists = tx
                .prepare_cached("SELECT 1 FROM users WHERE name = ?1")?
                .exists([user])?;
            if !exists {
                return Err(StoreError::Invalid(ValidationErrors::single(
                    "/user",
                    format!("there is no user named {user:?}"),
                )));
            }
            tx.execute(
                "INSERT INTO tokens (digest, user_name, created_at) VALUES (?1, ?2, ?3)",
                params![token_digest(&token), user, rfc3339(now())],
            )?;
            Ok(())
        })?;
        Ok(token)
    }

    fn authenticate(&self, token: &str) -> Result<Option<User>, StoreError> {
        let digest = token_digest(token.trim());
        self.read(|conn| {
            conn.prepare_cached(
                "SELECT u.name, u.role, u.created_at FROM tokens t JOIN users u ON u.name = t.user_name WHERE t.digest = ?1",
            )?
            .query_row([digest], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?
            .map(user_from_row)
            .transpose()
        })
    }
    fn set_password(&self, user: &str, password: &str) -> Result<(), StoreError> {
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(StoreError::Invalid(ValidationErrors::single(
                "/password",
                format!("a password has at least {MIN_PASSWORD_CHARS} characters; a few words make a good one"),
            )));
        }
        let hash = hash_password(password).map_err(StoreError::Corrupt)?;
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE users SET password_hash = ?2 WHERE name = ?1",
                params![user, hash],
            )?;
            if n == 0 {
                return Err(StoreError::Invalid(ValidationErrors::single(
                    "/user",
                    format!("there is no user named {user:?}"),
                )));
            }
            Ok(())
        })
    }

    fn check_password(&self, user: &str, password: &str) -> Result<Option<User>, StoreError> {
        let hash = self.password_hash(user)?;
        if verify_password(password, hash.as_deref()) {
            self.user(user)
        } else {
            Ok(None)
        }
    }

    fn create_session(&self, user: &str, lifetime: time::Duration) -> Result<Session, StoreError> {
        let session = Session {
            token: new_secret(),
            csrf: new_secret(),
            expires_at: now() + lifetime,
        };
        self.write(|tx| {
            // Expired sessions are dropped whenever a new one starts.
            tx.execute("DELETE FROM sessions WHERE expires_at < ?1", [rfc3339(now())])?;
            tx.execute(
                "INSERT INTO sessions (digest, user_name, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![token_digest(&session.token), user, session.csrf, rfc3339(now()), rfc3339(session.expires_at)],
            )?;
            Ok(())
        })?;
        Ok(session)
    }

    fn session(&self, token: &str) -> Result<Option<(User, String)>, StoreError> {
        let digest = token_digest(token);
        self.read(|conn| {
            let row = conn
                .prepare_cached(
                    "SELECT u.name, u.role, u.created_at, s.csrf FROM sessions s JOIN users u ON u.name = s.user_name
                     WHERE s.digest = ?1 AND s.expires_at > ?2",
                )?
                .query_row(params![digest, rfc3339(now())], |r| {
                    Ok(((r.get(0)?, r.get(1)?, r.get(2)?), r.get::<_, String>(3)?))
                })
                .optional()?;
            row.map(|(user, csrf)| Ok((user_from_row(user)?, csrf))).transpose()
        })
    }

    fn delete_session(&self, token: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM sessions WHERE digest = ?1",
                [token_digest(token)],
            )?;
            Ok(())
        })
    }
}

/// Counts visible events per area. Places are few next to events, so the
/// hierarchy is walked in memory and only the per-place counts come from SQL.
fn events_by_area(conn: &Connection, max: i64) -> Result<Vec<(RecordId, u64)>, StoreError> {
    let mut places: HashMap<RecordId, (Option<RecordId>, Option<String>)> = HashMap::new();
    let mut stmt =
        conn.prepare_cached("SELECT id, place_id, type_code FROM records WHERE kind = 'place'")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, Vec<u8>>(0)?,
            r.get::<_, Option<Vec<u8>>>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })?;
    for row in rows {
        let (id, parent, place_type) = row?;
        places.insert(
            id_from_blob(&id)?,
            (parent.map(|p| id_from_blob(&p)).transpose()?, place_type),
        );
    }
    let area_of = |mut place: RecordId| -> RecordId {
        // Bounded, in case the data holds a cycle.
        for _ in 0..32 {
            match places.get(&place) {
                Some((_, Some(t))) if t == "region" => return place,
                Some((Some(parent), _)) if places.contains_key(parent) => place = *parent,
                _ => return place,
            }
        }
        place
    };
    let mut stmt = conn.prepare_cached(
        "SELECT place_id, count(*) FROM records
         WHERE kind = 'event' AND confidentiality <= ?1 AND place_id IS NOT NULL GROUP BY place_id",
    )?;
    let mut areas: HashMap<RecordId, u64> = HashMap::new();
    for row in stmt.query_map([max], |r| {
        Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, u64>(1)?))
    })? {
        let (place, n) = row?;
        *areas.entry(area_of(id_from_blob(&place)?)).or_default() += n;
    }
    let mut areas: Vec<(RecordId, u64)> = areas.into_iter().collect();
    areas.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(areas)
}

/// How many batches of prepared items may wait for the writer.
fn import_with(
    conn: &mut Connection,
    vocab: &Vocabularies,
    items: &mut (dyn Iterator<Item = Result<ImportItem, ImportProblem>> + Send),
    dry_run: bool,
    actor: &str,
) -> Result<ImportOutcome, StoreError> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // Three stages: one thread reads items, others validate, serialise
    // and derive their columns (a person's name keys are the dearest
    // part), and this one writes them in order.
    let (work, queue) = std::sync::mpsc::sync_channel::<Batch<ItemResult>>(PIPELINE_BATCHES);
    let queue = Mutex::new(queue);
    let (done, prepared) = std::sync::mpsc::sync_channel::<Batch<Prepared>>(PIPELINE_BATCHES);
    // The reading and the writing thread each keep a core busy: one
    // preparing thread per other core (more only compete with them, each
    // with its own memo of name readings: measured 10% slower on 2 cores).
    let workers =
        std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1));
    let outcome = std::thread::scope(|scope| {
        scope.spawn(move || read_items(items, &work));
        for _ in 0..workers {
            let (queue, done, vocab) = (&queue, done.clone(), &vocab);
            scope.spawn(move || prepare_batches(queue, vocab, &done));
        }
        drop(done);
        let outcome = write_items(&tx, InOrder::new(&prepared), actor);
        // Unblocks the other stages if writing stopped early.
        drop(prepared);
        outcome
    })?;
    if outcome.problems.is_empty() && !dry_run {
        tx.commit()?;
        return Ok(ImportOutcome {
            committed: true,
            ..outcome
        });
    }
    Ok(outcome)
}

const PIPELINE_BATCHES: usize = 8;
const PIPELINE_BATCH: usize = 512;

/// An import item after the work that needs no database. Nearly every item
/// is `Ready`, so boxing it would only add an allocation per record.
#[allow(clippy::large_enum_variant)]
enum Prepared {
    Problems(Vec<ImportProblem>),
    Ready {
        id: RecordId,
        origin: String,
        references: Vec<(String, Kind, RecordId)>,
        anchor: Option<documents::Anchor>,
        row: Row,
    },
}

fn prepare(item: Result<ImportItem, ImportProblem>, vocab: &Vocabularies) -> Prepared {
    let mut item = match item {
        Ok(item) => item,
        Err(problem) => return Prepared::Problems(vec![problem]),
    };
    item.body.complete();
    if let Err(errors) = item.body.validate(vocab) {
        let origin = item.origin;
        return Prepared::Problems(
            errors
                .0
                .into_iter()
                .map(|e| ImportProblem {
                    origin: origin.clone(),
                    field: Some(e.pointer),
                    message: e.detail,
                })
                .collect(),
        );
    }
    Prepared::Ready {
        id: item.id,
        references: item.body.references(),
        anchor: documents::Anchor::of(&item.body),
        row: Row::of(&mut item.body),
        origin: item.origin,
    }
}

type ItemResult = Result<ImportItem, ImportProblem>;

/// A numbered slice of an import, so that batches prepared on several
/// threads are written in the order they were read.
type Batch<T> = (u64, Vec<T>);

fn read_items(
    items: &mut (dyn Iterator<Item = ItemResult> + Send),
    work: &std::sync::mpsc::SyncSender<Batch<ItemResult>>,
) {
    let mut seq = 0;
    let mut batch = Vec::with_capacity(PIPELINE_BATCH);
    for item in items {
        batch.push(item);
        if batch.len() == PIPELINE_BATCH {
            if work.send((seq, std::mem::take(&mut batch))).is_err() {
                return;
            }
            seq += 1;
        }
    }
    let _ = work.send((seq, batch));
}

fn prepare_batches(
    queue: &Mutex<std::sync::mpsc::Receiver<Batch<ItemResult>>>,
    vocab: &Vocabularies,
    done: &std::sync::mpsc::SyncSender<Batch<Prepared>>,
) {
    loop {
        let next = queue.lock().expect("import queue poisoned").recv();
        let Ok((seq, items)) = next else { return };
        let prepared = items.into_iter().map(|i| prepare(i, vocab)).collect();
        if done.send((seq, prepared)).is_err() {
            return;
        }
    }
}

/// Prepared items in the order their batches were read.
struct InOrder<'a> {
    receiver: &'a std::sync::mpsc::Receiver<Batch<Prepared>>,
    waiting: std::collections::BTreeMap<u64, Vec<Prepared>>,
    next: u64,
    current: std::vec::IntoIter<Prepared>,
}

impl<'a> InOrder<'a> {
    fn new(receiver: &'a std::sync::mpsc::Receiver<Batch<Prepared>>) -> Self {
        InOrder {
            receiver,
            waiting: Default::default(),
            next: 0,
            current: Vec::new().into_iter(),
        }
    }
}

impl Iterator for InOrder<'_> {
    type Item = Prepared;

    fn next(&mut self) -> Option<Prepared> {
        loop {
            if let Some(p) = self.current.next() {
                return Some(p);
            }
            while !self.waiting.contains_key(&self.next) {
                let (seq, batch) = self.receiver.recv().ok()?;
                self.waiting.insert(seq, batch);
            }
            self.current = self.waiting.remove(&self.next)?.into_iter();
            self.next += 1;
        }
    }
}

fn write_items(
    tx: &Transaction,
    items: InOrder<'_>,
    actor: &str,
) -> Result<ImportOutcome, StoreError> {
    let mut outcome = ImportOutcome::default();
    // References to records that may come later in the import.
    let mut pending: Vec<(String, String, Kind, RecordId)> = Vec::new();
    let at = rfc3339(now());
    let mut feeds = Feeds::holding(FEED_ROWS * 16);
    for prepared in items {
        let (id, origin, references, anchor, row) = match prepared {
            Prepared::Problems(problems) => {
                outcome.problems.extend(problems);
                continue;
            }
            Prepared::Ready {
                id,
                origin,
                references,
                anchor,
                row,
            } => (id, origin, references, anchor, row),
        };
        let mut errors = ValidationErrors::default();
        for (pointer, kind, target) in check_references(tx, references, &mut errors)? {
            pending.push((origin.clone(), pointer, kind, target));
        }
        if let Some(anchor) = &anchor {
            documents::check_quote(tx, anchor, &mut errors)?;
        }
        if !errors.is_empty() {
            outcome
                .problems
                .extend(errors.0.into_iter().map(|e| ImportProblem {
                    origin: origin.clone(),
                    field: Some(e.pointer),
                    message: e.detail,
                }));
            continue;
        }
        if put_record(
            tx,
            id,
            1,
            &row,
            &at,
            &at,
            actor,
            Write::InsertIfNew,
            &mut feeds,
        )? {
            outcome.created += 1;
            continue;
        }
        let existing: RawRecord = tx
            .prepare_cached(&format!(
                "SELECT {RECORD_COLUMNS} FROM records WHERE id = ?1"
            ))?
            .query_row([key(id)], RawRecord::from_row)?;
        if existing.kind != row.kind.singular() {
            outcome.problems.push(ImportProblem {
                origin,
                field: Some("/id".into()),
                message: format!(
                    "id {id} already belongs to a {}, not a {}",
                    existing.kind,
                    row.kind.singular()
                ),
            });
        } else if existing.body == row.plain && existing.identifying == row.identifying {
            outcome.unchanged += 1;
        } else {
            let (version, created_at) = (existing.version, existing.created_at.clone());
            let old_links = links_of(&existing.into_record()?.body);
            archive_current(tx, id)?;
            put_record(
                tx,
                id,
                version + 1,
                &row,
                &created_at,
                &at,
                actor,
                Write::Replace {
                    old_links: &old_links,
                },
                &mut feeds,
            )?;
            outcome.updated += 1;
        }
    }
    feeds.write(tx)?;
    let mut stmt = tx.prepare_cached("SELECT kind FROM records WHERE id = ?1")?;
    for (origin, pointer, kind, id) in pending {
        let found: Option<String> = stmt.query_row([key(id)], |r| r.get(0)).optional()?;
        let message = match found {
            Some(k) if k == kind.singular() => continue,
            Some(k) => format!("{id} is a {k}, not a {}", kind.singular()),
            None => format!(
                "refers to {} {id}, which is neither in the store nor in this import",
                kind.singular()
            ),
        };
        outcome.problems.push(ImportProblem {
            origin,
            field: Some(pointer),
            message,
        });
    }
    Ok(outcome)
}

impl SqliteStore {
    fn password_hash(&self, user: &str) -> Result<Option<String>, StoreError> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached("SELECT password_hash FROM users WHERE name = ?1")?
                .query_row([user], |r| r.get::<_, Option<String>>(0))
                .optional()?
                .flatten())
        })
    }
}

fn user_from_row((name, role, created_at): (String, String, String)) -> Result<User, StoreError> {
    Ok(User {
        name,
        role: role.parse().map_err(StoreError::Corrupt)?,
        created_at: parse_time(&created_at)?,
    })
}
