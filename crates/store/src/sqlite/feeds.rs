//! The change feeds that indexes held elsewhere follow: `changes` for
//! full-text search, `person_name_keys` for the name index.

use rusqlite::{params, params_from_iter, Connection, Transaction};
use vigil_model::{Confidentiality, RecordId};

use super::derive::{derive, NameKeys};
use super::{documents, id_from_blob, key, RawRecord, SqliteStore, RECORD_COLUMNS};
use crate::{Change, ChangeFeeds, NameKeysEntry, StoreError};

/// The rows a write adds to the two feeds that indexes held elsewhere
/// follow: `changes` (full-text search) and `person_name_keys` (the name
/// index). A single write writes them at once; an import gathers them and
/// writes many rows per statement, which halves what the feeds cost it.
pub(super) struct Feeds {
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
pub(super) const FEED_ROWS: usize = 64;

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

    /// Notes a written record, and writes what is held once enough is.
    pub(super) fn push(
        &mut self,
        tx: &Transaction,
        id: RecordId,
        name_keys: Option<&NameKeys>,
        confidentiality: i64,
    ) -> Result<(), StoreError> {
        self.changes.push(id);
        if let Some(n) = name_keys {
            self.push_name_keys(id, n, confidentiality);
        }
        if self.changes.len() >= self.hold {
            self.write(tx)?;
        }
        Ok(())
    }

    /// Feeds written with each record.
    pub(super) fn immediate() -> Feeds {
        Feeds::holding(1)
    }

    pub(super) fn holding(hold: usize) -> Feeds {
        Feeds {
            changes: Vec::with_capacity(hold),
            name_keys: Vec::with_capacity(hold),
            hold,
        }
    }

    /// Writes what is held, in the order it came.
    pub(super) fn write(&mut self, tx: &Transaction) -> Result<(), StoreError> {
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
pub(super) fn refresh_name_keys(conn: &mut Connection) -> Result<(), StoreError> {
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
pub(super) fn record_change(tx: &Transaction, what: &str, id: RecordId) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT INTO changes (what, id) VALUES (?1, ?2)")?
        .execute(params![what, key(id)])?;
    Ok(())
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
