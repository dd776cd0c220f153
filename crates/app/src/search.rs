//! Full-text search over records, claims and documents' paragraphs: the
//! tantivy index (vigil-search) kept in step with the store.
//!
//! The index is derived data. It follows the store's change feed
//! (`ChangeFeeds::changes_since`): before each search it indexes what was
//! written since, whichever process wrote it, and commits. So a search
//! never disagrees with a write that has returned; `vigil reindex` rebuilds
//! it from nothing. Each commit notes the change number the index has
//! reached, so a restarted server goes on from there.

use std::sync::Mutex;

use vigil_model::{code, Body, Record, RecordId};
use vigil_search::{Filters, IndexDoc, SearchError, SearchIndex, SearchResults};
use vigil_store::{Change, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum SearchFailure {
    #[error(transparent)]
    Index(#[from] SearchError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct Search {
    index: SearchIndex,
    /// The store's change number the index has applied up to; `None`
    /// before the first catch-up of this process.
    applied: Mutex<Option<u64>>,
}

/// Changes applied per commit while catching up.
const BATCH: u64 = 5_000;

impl Search {
    /// An index in `dir`; a new or damaged one is rebuilt from the store
    /// on first use.
    pub fn open(dir: &std::path::Path) -> Result<Search, SearchFailure> {
        let index = SearchIndex::open(dir)?;
        Ok(Search {
            index,
            applied: Mutex::new(None),
        })
    }

    /// An index in memory, built from the store on first use.
    pub fn in_memory() -> Result<Search, SearchFailure> {
        Ok(Search {
            index: SearchIndex::in_memory()?,
            applied: Mutex::new(None),
        })
    }

    /// Indexes what the store wrote since the last call.
    pub fn catch_up(&self, store: &dyn Store) -> Result<(), SearchFailure> {
        let mut applied = self.applied.lock().map_err(|_| SearchError::Poisoned)?;
        let mut after = match *applied {
            Some(after) => after,
            None => match self.index.followed() {
                // Where the last process left off, if the store has come
                // that far (a database restored from a backup has not).
                Some(mark) if reached(store, mark)? => mark,
                _ => {
                    self.index.clear()?;
                    0
                }
            },
        };
        loop {
            let mut changes = Vec::new();
            let last = store.changes_since(after, BATCH, &mut |c| changes.push(c))?;
            if changes.is_empty() {
                if applied.is_none() {
                    self.index.commit_at(after)?;
                }
                *applied = Some(after);
                return Ok(());
            }
            changes.sort_by_key(|c| match c {
                Change::Record(id) | Change::Document(id) => *id,
            });
            changes.dedup();
            for change in changes {
                match change {
                    Change::Record(id) => self.index_record(store, id)?,
                    Change::Document(id) => self.index_document(store, id)?,
                }
            }
            self.index.commit_at(last)?;
            after = last;
        }
    }

    /// Forgets everything and indexes the whole store again.
    pub fn rebuild(&self, store: &dyn Store) -> Result<u64, SearchFailure> {
        {
            let mut applied = self.applied.lock().map_err(|_| SearchError::Poisoned)?;
            self.index.clear()?;
            *applied = Some(0);
        }
        self.catch_up(store)?;
        Ok(self.index.num_docs())
    }

    fn index_record(&self, store: &dyn Store, id: RecordId) -> Result<(), SearchFailure> {
        let key = format!("record:{id}");
        match store.record(id)? {
            None => self.index.delete(&key)?,
            Some(record) => self.index.upsert(record_doc(store, key, &record)?)?,
        }
        Ok(())
    }

    fn index_document(&self, store: &dyn Store, id: RecordId) -> Result<(), SearchFailure> {
        let doc_id = id.to_string();
        self.index.delete_passages_of(&doc_id)?;
        let Some(doc) = store.document(id)? else {
            return Ok(());
        };
        let (source_kind, grade) = match doc.source {
            Some(s) => source_grading(store, s)?,
            None => (None, None),
        };
        for p in store.paragraphs(id)? {
            self.index.upsert(IndexDoc {
                key: format!("passage:{doc_id}:{}", p.number),
                kind: "passage".into(),
                id: doc_id.clone(),
                document: Some(doc_id.clone()),
                paragraph: Some(p.number),
                title: doc.file_name.clone(),
                text: p.text,
                date_start: None,
                date_end: None,
                place: None,
                source_kind: source_kind.clone(),
                grade: grade.clone(),
                confidentiality: doc.confidentiality.rank(),
            })?;
        }
        Ok(())
    }

    pub fn search(
        &self,
        query: &str,
        filters: &Filters,
        limit: usize,
        offset: usize,
    ) -> Result<SearchResults, SearchFailure> {
        Ok(self.index.search(query, filters, limit, offset)?)
    }
}

/// Whether the store's change feed has reached `mark` (its numbers have
/// no gaps, so the change numbered `mark` exists).
fn reached(store: &dyn Store, mark: u64) -> Result<bool, StoreError> {
    if mark == 0 {
        return Ok(true);
    }
    let mut found = false;
    store.changes_since(mark - 1, 1, &mut |_| found = true)?;
    Ok(found)
}

fn source_grading(
    store: &dyn Store,
    source: RecordId,
) -> Result<(Option<String>, Option<String>), StoreError> {
    Ok(match store.record(source)?.map(|r| r.body) {
        Some(Body::Source(s)) => (Some(code(&s.source_kind)), Some(code(&s.reliability))),
        _ => (None, None),
    })
}

/// What of a record is searched. A protected person is indexed without
/// their names: the index serves every role alike, and their identity is
/// for editors only.
fn record_doc(store: &dyn Store, key: String, record: &Record) -> Result<IndexDoc, StoreError> {
    let body = &record.body;
    let mut text: Vec<String> = Vec::new();
    let mut title = body.label();
    let (mut source_kind, mut grade, mut place, mut date) = (None, None, None, None);
    match body {
        Body::Person(p) => {
            if p.protected {
                title = p.unidentified.clone().unwrap_or_default();
            } else {
                text.extend(p.names.iter().map(|n| n.text.clone()));
            }
            text.extend(p.description.clone());
        }
        Body::Organization(o) => {
            text.extend(o.names.iter().map(|n| n.text.clone()));
            text.extend(o.description.clone());
            place = o.place;
        }
        Body::Place(p) => {
            text.extend(p.names.iter().map(|n| n.text.clone()));
            text.extend(p.description.clone());
            place = Some(record.id);
        }
        Body::Event(e) => {
            text.extend(e.description.clone());
            place = e.place;
            date = e.date.as_ref().map(|d| d.bounds());
        }
        Body::Source(s) => {
            text.extend(s.author.clone());
            text.extend(s.publisher.clone());
            text.extend(s.reference.clone());
            source_kind = Some(code(&s.source_kind));
            grade = Some(code(&s.reliability));
            date = s.date.as_ref().map(|d| d.bounds());
        }
        Body::Claim(c) => {
            text.extend(c.subject.topic.clone());
            text.extend(c.quote.clone());
            (source_kind, grade) = source_grading(store, c.source)?;
            date = c
                .quantity
                .as_ref()
                .and_then(|q| q.as_of.as_ref())
                .map(|d| d.bounds());
        }
    }
    let full_date = |d: Option<String>, end: bool| {
        d.map(|d| match d.len() {
            4 if end => format!("{d}-12-31"),
            4 => format!("{d}-01-01"),
            7 if end => format!("{d}-28"),
            7 => format!("{d}-01"),
            _ => d,
        })
    };
    let (date_start, date_end) = match date {
        Some(b) => (full_date(b.earliest, false), full_date(b.latest, true)),
        None => (None, None),
    };
    Ok(IndexDoc {
        key,
        kind: record.kind().singular().to_string(),
        id: record.id.to_string(),
        document: None,
        paragraph: None,
        title,
        text: text.join("\n"),
        date_start,
        date_end,
        place: place.map(|p| p.to_string()),
        source_kind,
        grade,
        confidentiality: body.confidentiality().rank(),
    })
}
