//! Records: single writes, reads, lists, history, the overview, and the
//! vocabularies that records' terms are checked against.

use std::collections::HashMap;
use std::sync::Arc;

use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Transaction};
use vigil_model::{
    rfc3339, Body, Confidentiality, Kind, Record, RecordId, Term, ValidationErrors, Vocabularies,
};

use super::derive::{derive, links_of, split_identifying, Derived};
use super::feeds::{record_change, Feeds};
use super::{
    documents, id_from_blob, key, now, parse_kind, parse_time, RawRecord, SqliteStore,
    RECORD_COLUMNS, RECORD_COLUMN_COUNT,
};
use crate::{
    Counts, Cursor, Filter, HistoryEntry, ListPage, Operation, Page, Records, StoreError, Summary,
    VocabularyTerms,
};

/// Checks that every reference points at an existing record of the right
/// kind. Returns the references whose target does not exist (yet).
pub(super) fn check_references(
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
pub(super) struct Row {
    derived: Derived,
    pub(super) plain: String,
    pub(super) identifying: Option<String>,
    pub(super) kind: Kind,
    confidentiality: i64,
}

impl Row {
    pub(super) fn of(body: &mut Body) -> Row {
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

pub(super) enum Write<'a> {
    /// A new record unless the id exists; then nothing is written.
    InsertIfNew,
    /// A new version of an existing record, whose links were these.
    Replace { old_links: &'a [RecordId] },
}

/// Writes the current row of a record and its links. Returns whether a row
/// was written (false for `InsertIfNew` on an existing id).
#[allow(clippy::too_many_arguments)]
pub(super) fn put_record(
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
    feeds.push(tx, id, d.name_keys.as_ref(), row.confidentiality)?;
    Ok(true)
}

/// Copies the current row into the history table before it changes.
pub(super) fn archive_current(tx: &Transaction, id: RecordId) -> Result<(), StoreError> {
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
