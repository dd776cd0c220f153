//! Bulk import (a pipeline: items are parsed and checked on other threads
//! while one writer commits) and export.

use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, Transaction};
use vigil_model::{rfc3339, Kind, Record, RecordId, ValidationErrors, Vocabularies};

use super::derive::links_of;
use super::feeds::{Feeds, FEED_ROWS};
use super::records::{archive_current, check_references, put_record, Row, Write};
use super::{
    documents, key, now, RawRecord, SqliteStore, IMPORT_CACHE_KIB, RECORD_COLUMNS, WRITER_CACHE_KIB,
};
use crate::{Bulk, ImportItem, ImportOutcome, ImportProblem, StoreError};

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

/// How many batches of prepared items may wait for the writer, and how
/// many items a batch holds.
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
