//! The embedded SQLite store, a file per role: `records` (writes, reads,
//! lists, history, vocabularies), `import` (the bulk pipeline and export),
//! `feeds` (what indexes held elsewhere follow), `documents`, `identity`,
//! `accounts`. This file opens the database and holds what they share.

mod accounts;
mod derive;
mod documents;
pub use documents::document_id;
mod feeds;
mod identity;
mod import;
mod records;
mod schema;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex, RwLock};

use rusqlite::{Connection, OpenFlags, Transaction};
use time::OffsetDateTime;
use vigil_model::{Body, Kind, Record, RecordId, RecordMeta, Term, Vocabularies};

use self::derive::join_identifying;
use crate::StoreError;

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
        feeds::refresh_name_keys(&mut writer)?;
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
