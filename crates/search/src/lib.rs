//! Full-text search over records, claims and document passages, in
//! English, Chinese (simplified and traditional) and Uyghur (Arabic script
//! and Latin), on tantivy.
//!
//! The index is *derived data*: the store calls [`SearchIndex::upsert`] and
//! [`SearchIndex::delete`] for every write and [`SearchIndex::commit`] when
//! the write's transaction has committed; `vigil reindex` rebuilds it with
//! [`SearchIndex::clear`] and upserts. This crate knows nothing of SQL or
//! HTTP: it takes [`IndexDoc`]s and answers [`Hit`]s whose snippets are plain
//! text with byte ranges to highlight (the server escapes and marks them).
//!
//! What is hand-written and why:
//! - the Uyghur normalisation and Arabic-script → ULY transliteration
//!   ([`uyghur`]): no crate does it (see that module);
//! - the script-splitting tokenizer ([`analyzer`]): tantivy's tokenizers
//!   handle one language each and `tantivy-jieba` cuts Chinese only, without
//!   folding traditional to simplified, while documents here mix scripts in
//!   one paragraph;
//! - the query reader ([`query`]): user text must never be an error.
//!
//! Consistency after a write: the reader reloads only when told to
//! (`ReloadPolicy::Manual`), and [`SearchIndex::commit`] reloads it before
//! returning, so a search that starts after `commit` returns sees the write.
//! Another process's commits are seen after [`SearchIndex::reload`].
//!
//! Durability: commits are not `fsync`ed one by one (that is most of a
//! commit's cost on disk); a boot-id marker tells, at the next open, whether
//! the machine went down with unsynced files, and then the index asks to be
//! rebuilt ([`SearchIndex::needs_rebuild`]). See `directory.rs`.

pub mod analyzer;
mod directory;
mod query;
pub mod uyghur;

use std::collections::HashSet;
use std::ops::Bound;
use std::path::Path;
use std::sync::Mutex;

use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::directory::{Directory, MmapDirectory};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, INDEXED, STORED,
    STRING,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

pub use analyzer::warm_up;

/// Errors of the search index. User query text never causes one.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index directory: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
    #[error("search index I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("invalid date {0:?}: expected YYYY, YYYY-MM or YYYY-MM-DD")]
    InvalidDate(String),
    #[error("search index writer lock poisoned by a panic")]
    Poisoned,
}

/// One searchable unit: a record (person, organisation, place, event,
/// source, claim) or one paragraph of a document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexDoc {
    /// Unique key: `record:<uuid>` or `passage:<document-id>:<n>`. An upsert
    /// replaces the document with the same key.
    pub key: String,
    /// person | organization | place | event | source | claim | passage
    pub kind: String,
    /// The record's id, or the document's id for a passage.
    pub id: String,
    pub document: Option<String>,
    pub paragraph: Option<u32>,
    pub title: String,
    pub text: String,
    /// EDTF lower and upper bounds as `YYYY-MM-DD` (`YYYY` and `YYYY-MM`
    /// are read as the first or last day). One missing bound is open.
    pub date_start: Option<String>,
    pub date_end: Option<String>,
    /// Place id, matched exactly by [`Filters::place`].
    pub place: Option<String>,
    pub source_kind: Option<String>,
    pub grade: Option<String>,
    /// 0 public, 1 internal, 2 restricted; a search sees levels up to
    /// [`Filters::max_confidentiality`].
    pub confidentiality: u8,
}

/// Restrictions on a search. The default sees only public documents of
/// every kind.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    /// Any of these kinds; empty = all.
    pub kinds: Vec<String>,
    /// Dates (`YYYY[-MM[-DD]]`): a document matches when its date range
    /// overlaps `from..=to`. A document without dates never matches a date
    /// filter.
    pub from: Option<String>,
    pub to: Option<String>,
    pub place: Option<String>,
    pub source_kind: Option<String>,
    /// Any of these grades; empty = all.
    pub grades: Vec<String>,
    pub max_confidentiality: u8,
}

/// Results of a search: the number of matching documents and one page.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<Hit>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub kind: String,
    pub id: String,
    pub document: Option<String>,
    pub paragraph: Option<u32>,
    pub title: String,
    pub snippet: Snippet,
    pub score: f32,
}

/// A piece of the document's text with the matched words marked as byte
/// ranges of `text` (sorted, not overlapping). Plain text, not HTML.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Snippet {
    pub text: String,
    pub highlights: Vec<(usize, usize)>,
}

impl Snippet {
    /// The highlighted substrings, in order (for tests and logs).
    pub fn highlighted(&self) -> Vec<&str> {
        self.highlights
            .iter()
            .map(|&(a, b)| &self.text[a..b])
            .collect()
    }
}

#[derive(Clone, Copy)]
struct Fields {
    key: Field,
    kind: Field,
    id: Field,
    document: Field,
    paragraph: Field,
    title: Field,
    text: Field,
    date_start: Field,
    date_end: Field,
    place: Field,
    source_kind: Field,
    grade: Field,
    confidentiality: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(analyzer::ANALYZER_NAME)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text_options = TextOptions::default()
        .set_stored()
        .set_indexing_options(indexing.clone());
    // Titles are names and labels: no length normalisation (BM25 would
    // otherwise punish a record's two-word name against the average over
    // passages, which have no title, and rank a passage that mentions a
    // person above the person).
    let title_options = TextOptions::default()
        .set_stored()
        .set_indexing_options(indexing.set_fieldnorms(false));
    let fields = Fields {
        key: b.add_text_field("key", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        id: b.add_text_field("id", STRING | STORED),
        document: b.add_text_field("document", STRING | STORED),
        paragraph: b.add_u64_field("paragraph", STORED),
        title: b.add_text_field("title", title_options),
        text: b.add_text_field("text", text_options),
        date_start: b.add_i64_field("date_start", INDEXED | FAST),
        date_end: b.add_i64_field("date_end", INDEXED | FAST),
        place: b.add_text_field("place", STRING),
        source_kind: b.add_text_field("source_kind", STRING),
        grade: b.add_text_field("grade", STRING),
        confidentiality: b.add_u64_field("confidentiality", INDEXED | FAST),
    };
    (b.build(), fields)
}

/// Snippet length in bytes (tantivy counts bytes): about 80 Chinese
/// characters or 40 English words.
const SNIPPET_BYTES: usize = 240;
/// Titles weigh more than body text.
const TITLE_BOOST: f32 = 3.0;
/// Writer memory per indexing thread.
const WRITER_MEMORY_PER_THREAD: usize = 32_000_000;
/// The file beside the index that records the analyser version.
const VERSION_FILE: &str = "vigil-search-version";

/// The search index. `Send + Sync`: share it behind an `Arc`; writes are
/// serialised by an internal lock, searches run concurrently.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    /// Created on the first write, so that a process that only searches
    /// (e.g. `vigil search` while the server runs) never takes the
    /// directory's writer lock.
    writer: Mutex<Option<IndexWriter>>,
    fields: Fields,
    needs_rebuild: bool,
    /// On disk with lazy syncing (see `directory`): synced on `sync` and
    /// on drop.
    lazy: Option<directory::LazySyncDirectory>,
}

impl SearchIndex {
    /// Opens the index in `dir` (created if missing). An index written by
    /// another version of the schema or analyser is wiped and recreated
    /// empty, and [`needs_rebuild`](Self::needs_rebuild) says so: the index
    /// is derived data and the store rebuilds it.
    pub fn open(dir: &Path) -> Result<SearchIndex, SearchError> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema();
        let version_path = dir.join(VERSION_FILE);
        let version = std::fs::read_to_string(&version_path).ok();
        let current = analyzer::ANALYZER_VERSION.to_string();
        let mmap = MmapDirectory::open(dir)?;
        let boot = directory::boot_id();
        let lost = boot
            .as_deref()
            .is_some_and(|b| directory::lost_unsynced_writes(dir, b));
        let lazy = boot.map(|b| directory::LazySyncDirectory::new(mmap.clone(), dir, b));
        let directory: Box<dyn Directory> = match &lazy {
            Some(lazy) => Box::new(lazy.clone()),
            None => Box::new(mmap),
        };
        let existing = Index::exists(&*directory).unwrap_or(false);
        let mut reuse = None;
        if existing && !lost && version.as_deref().map(str::trim) == Some(current.as_str()) {
            if let Ok(index) = Index::open(directory.box_clone()) {
                if index.schema() == schema {
                    reuse = Some(index);
                }
            }
        }
        let (index, needs_rebuild) = match reuse {
            Some(index) => (index, false),
            None => {
                if existing || lost {
                    wipe(dir)?;
                }
                let index = Index::create(directory, schema, Default::default())?;
                std::fs::write(&version_path, &current)?;
                (index, true)
            }
        };
        let mut index = Self::from_index(index, fields, needs_rebuild)?;
        index.lazy = lazy;
        Ok(index)
    }

    /// An index in memory, for tests and one-off use.
    pub fn in_memory() -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema();
        Self::from_index(Index::create_in_ram(schema), fields, true)
    }

    fn from_index(index: Index, fields: Fields, needs_rebuild: bool) -> Result<Self, SearchError> {
        index
            .tokenizers()
            .register(analyzer::ANALYZER_NAME, analyzer::analyzer());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer: Mutex::new(None),
            fields,
            needs_rebuild,
            lazy: None,
        })
    }

    /// True when the index was created (or wiped) by this `open`: the
    /// caller should rebuild it from the store.
    pub fn needs_rebuild(&self) -> bool {
        self.needs_rebuild
    }

    /// Number of documents visible to searches.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    fn with_writer<T>(
        &self,
        f: impl FnOnce(&mut IndexWriter) -> Result<T, SearchError>,
    ) -> Result<T, SearchError> {
        let mut guard = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        if guard.is_none() {
            let threads = std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
                .clamp(1, 4);
            *guard = Some(
                self.index
                    .writer_with_num_threads(threads, threads * WRITER_MEMORY_PER_THREAD)?,
            );
        }
        f(guard.as_mut().expect("writer was just created"))
    }

    /// Adds `doc`, replacing any document with the same key. Visible to
    /// searches after [`commit`](Self::commit).
    pub fn upsert(&self, doc: IndexDoc) -> Result<(), SearchError> {
        let f = self.fields;
        let mut d = TantivyDocument::default();
        d.add_text(f.key, &doc.key);
        d.add_text(f.kind, &doc.kind);
        d.add_text(f.id, &doc.id);
        if let Some(document) = &doc.document {
            d.add_text(f.document, document);
        }
        if let Some(p) = doc.paragraph {
            d.add_u64(f.paragraph, u64::from(p));
        }
        d.add_text(f.title, &doc.title);
        d.add_text(f.text, &doc.text);
        let start = doc
            .date_start
            .as_deref()
            .map(|s| date_number(s, false))
            .transpose()?;
        let end = doc
            .date_end
            .as_deref()
            .map(|s| date_number(s, true))
            .transpose()?;
        if start.is_some() || end.is_some() {
            d.add_i64(f.date_start, start.unwrap_or(i64::MIN));
            d.add_i64(f.date_end, end.unwrap_or(i64::MAX));
        }
        for (field, value) in [
            (f.place, &doc.place),
            (f.source_kind, &doc.source_kind),
            (f.grade, &doc.grade),
        ] {
            if let Some(v) = value {
                d.add_text(field, v);
            }
        }
        d.add_u64(f.confidentiality, u64::from(doc.confidentiality));
        self.with_writer(|w| {
            w.delete_term(Term::from_field_text(f.key, &doc.key));
            w.add_document(d)?;
            Ok(())
        })
    }

    /// Removes the document with this key (no error if there is none).
    pub fn delete(&self, key: &str) -> Result<(), SearchError> {
        let term = Term::from_field_text(self.fields.key, key);
        self.with_writer(|w| {
            w.delete_term(term);
            Ok(())
        })
    }

    /// Removes every passage of a document (before re-indexing its
    /// paragraphs, which may now be fewer).
    pub fn delete_passages_of(&self, document: &str) -> Result<(), SearchError> {
        let term = Term::from_field_text(self.fields.document, document);
        self.with_writer(|w| {
            w.delete_term(term);
            Ok(())
        })
    }

    /// Removes everything (the first step of a rebuild).
    pub fn clear(&self) -> Result<(), SearchError> {
        self.with_writer(|w| {
            w.delete_all_documents()?;
            Ok(())
        })
    }

    /// Makes the writes so far durable and visible: commits the writer and
    /// reloads the reader before returning.
    pub fn commit(&self) -> Result<(), SearchError> {
        let mut guard = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        if let Some(w) = guard.as_mut() {
            w.commit()?;
        }
        drop(guard);
        self.reload()
    }

    /// Commits, noting how far the index follows its source (the store's
    /// change number), so that a process opening it later goes on from
    /// there instead of rebuilding ([`SearchIndex::followed`]).
    pub fn commit_at(&self, mark: u64) -> Result<(), SearchError> {
        self.with_writer(|w| {
            let mut prepared = w.prepare_commit()?;
            prepared.set_payload(&mark.to_string());
            prepared.commit()?;
            Ok(())
        })?;
        self.reload()
    }

    /// The mark of the last [`SearchIndex::commit_at`], unless the index
    /// must be rebuilt.
    pub fn followed(&self) -> Option<u64> {
        if self.needs_rebuild {
            return None;
        }
        self.index.load_metas().ok()?.payload?.parse().ok()
    }

    /// Makes everything committed so far durable against a machine crash
    /// (commits are durable against a process crash already; see
    /// `directory`). Waits for background merges. Done on drop too.
    pub fn sync(&self) -> Result<(), SearchError> {
        let mut guard = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        if let Some(writer) = guard.take() {
            writer.wait_merging_threads()?;
        }
        if let Some(lazy) = &self.lazy {
            lazy.sync_all()?;
        }
        Ok(())
    }

    /// Sees the commits of another process (this one's are seen already).
    pub fn reload(&self) -> Result<(), SearchError> {
        self.reader.reload()?;
        Ok(())
    }

    /// Searches. `query` is what a user typed: words (ANDed), phrases in
    /// quotes, `-word` to exclude; nothing in it is an error. A query with
    /// no word in it finds nothing.
    pub fn search(
        &self,
        query: &str,
        filters: &Filters,
        limit: usize,
        offset: usize,
    ) -> Result<SearchResults, SearchError> {
        let Some((full, text_query)) = self.build_query(query, filters)? else {
            return Ok(SearchResults {
                total: 0,
                hits: Vec::new(),
            });
        };
        let searcher = self.reader.searcher();
        let (total, top) = if limit == 0 {
            (searcher.search(&full, &Count)?, Vec::new())
        } else {
            searcher.search(
                &full,
                &(
                    Count,
                    TopDocs::with_limit(limit)
                        .and_offset(offset)
                        .order_by_score(),
                ),
            )?
        };
        let mut hits = Vec::with_capacity(top.len());
        if !top.is_empty() {
            let mut snippets = SnippetGenerator::create(&searcher, &*text_query, self.fields.text)?;
            snippets.set_max_num_chars(SNIPPET_BYTES);
            for (score, address) in top {
                let doc: TantivyDocument = searcher.doc(address)?;
                let text_of = |field| {
                    doc.get_first(field)
                        .and_then(|v| v.as_str())
                        .map(str::to_string)
                };
                let text = text_of(self.fields.text).unwrap_or_default();
                hits.push(Hit {
                    kind: text_of(self.fields.kind).unwrap_or_default(),
                    id: text_of(self.fields.id).unwrap_or_default(),
                    document: text_of(self.fields.document),
                    paragraph: doc
                        .get_first(self.fields.paragraph)
                        .and_then(|v| v.as_u64())
                        .and_then(|p| u32::try_from(p).ok()),
                    title: text_of(self.fields.title).unwrap_or_default(),
                    snippet: snippet(&snippets, &text),
                    score,
                });
            }
        }
        Ok(SearchResults { total, hits })
    }

    /// Every key matching `query` and `filters`, unranked and without
    /// snippets: for checking the index against the store, and for
    /// measuring recall.
    pub fn matching_keys(
        &self,
        query: &str,
        filters: &Filters,
    ) -> Result<Vec<String>, SearchError> {
        let Some((full, _)) = self.build_query(query, filters)? else {
            return Ok(Vec::new());
        };
        let searcher = self.reader.searcher();
        let addresses = searcher.search(&full, &DocSetCollector)?;
        let mut keys = Vec::with_capacity(addresses.len());
        for address in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            if let Some(key) = doc.get_first(self.fields.key).and_then(|v| v.as_str()) {
                keys.push(key.to_string());
            }
        }
        Ok(keys)
    }

    /// The whole query (text and filters) and its text part (for the
    /// snippets), or `None` when the query has no word.
    #[allow(clippy::type_complexity)]
    fn build_query(
        &self,
        query: &str,
        filters: &Filters,
    ) -> Result<Option<(BooleanQuery, Box<dyn Query>)>, SearchError> {
        let mut analyzer = self
            .index
            .tokenizers()
            .get(analyzer::ANALYZER_NAME)
            .unwrap_or_else(analyzer::analyzer);
        let Some(text_query) = self.text_query(query, &mut analyzer) else {
            return Ok(None);
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query.box_clone())];
        for filter in self.filter_queries(filters)? {
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
        }
        Ok(Some((BooleanQuery::new(clauses), text_query)))
    }

    /// The scoring part of a search, or `None` when the query has no word.
    fn text_query(&self, query: &str, analyzer: &mut TextAnalyzer) -> Option<Box<dyn Query>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut positive = false;
        for part in query::parse(query) {
            let tokens = analyzer::query_tokens(analyzer, &part.text);
            let q: Box<dyn Query> = match tokens.len() {
                0 => continue,
                1 => self.term_any_field(&tokens[0].text),
                _ if part.phrase => self.phrase_any_field(&tokens),
                _ => {
                    // A chunk typed without spaces ("re-education",
                    // "新疆再教育营"): all its words, and a bonus when they
                    // stand together.
                    let mut all: Vec<(Occur, Box<dyn Query>)> = dedup(&tokens)
                        .into_iter()
                        .map(|t| (Occur::Must, self.term_any_field(t)))
                        .collect();
                    all.push((Occur::Should, self.phrase_any_field(&tokens)));
                    Box::new(BooleanQuery::new(all))
                }
            };
            if part.exclude {
                clauses.push((Occur::MustNot, q));
            } else {
                positive = true;
                clauses.push((Occur::Must, q));
            }
        }
        positive.then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
    }

    fn term_any_field(&self, token: &str) -> Box<dyn Query> {
        let term = |field| {
            Box::new(TermQuery::new(
                Term::from_field_text(field, token),
                IndexRecordOption::WithFreqs,
            )) as Box<dyn Query>
        };
        Box::new(BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(BoostQuery::new(term(self.fields.title), TITLE_BOOST)),
            ),
            (Occur::Should, term(self.fields.text)),
        ]))
    }

    fn phrase_any_field(&self, tokens: &[analyzer::QueryToken]) -> Box<dyn Query> {
        let first = tokens[0].position;
        let phrase = |field| {
            Box::new(PhraseQuery::new_with_offset(
                tokens
                    .iter()
                    .map(|t| (t.position - first, Term::from_field_text(field, &t.text)))
                    .collect(),
            )) as Box<dyn Query>
        };
        Box::new(BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(BoostQuery::new(phrase(self.fields.title), TITLE_BOOST)),
            ),
            (Occur::Should, phrase(self.fields.text)),
        ]))
    }

    fn filter_queries(&self, filters: &Filters) -> Result<Vec<Box<dyn Query>>, SearchError> {
        let f = self.fields;
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        let any_of = |field, values: &[String]| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(
                values
                    .iter()
                    .map(|v| {
                        (
                            Occur::Should,
                            Box::new(TermQuery::new(
                                Term::from_field_text(field, v),
                                IndexRecordOption::Basic,
                            )) as Box<dyn Query>,
                        )
                    })
                    .collect(),
            ))
        };
        if !filters.kinds.is_empty() {
            out.push(any_of(f.kind, &filters.kinds));
        }
        if !filters.grades.is_empty() {
            out.push(any_of(f.grade, &filters.grades));
        }
        if let Some(place) = &filters.place {
            out.push(any_of(f.place, std::slice::from_ref(place)));
        }
        if let Some(kind) = &filters.source_kind {
            out.push(any_of(f.source_kind, std::slice::from_ref(kind)));
        }
        // Overlap: the document ends on or after `from` and starts on or
        // before `to`.
        if let Some(from) = &filters.from {
            let from = date_number(from, false)?;
            out.push(Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_i64(f.date_end, from)),
                Bound::Unbounded,
            )));
        }
        if let Some(to) = &filters.to {
            let to = date_number(to, true)?;
            out.push(Box::new(RangeQuery::new(
                Bound::Unbounded,
                Bound::Included(Term::from_field_i64(f.date_start, to)),
            )));
        }
        out.push(Box::new(RangeQuery::new(
            Bound::Unbounded,
            Bound::Included(Term::from_field_u64(
                f.confidentiality,
                u64::from(filters.max_confidentiality),
            )),
        )));
        Ok(out)
    }
}

impl Drop for SearchIndex {
    fn drop(&mut self) {
        // Best effort: a failure leaves the marker, and the next open after
        // a machine crash rebuilds.
        let _ = self.sync();
    }
}

fn dedup(tokens: &[analyzer::QueryToken]) -> Vec<&str> {
    let mut seen = HashSet::new();
    tokens
        .iter()
        .map(|t| t.text.as_str())
        .filter(|t| seen.insert(*t))
        .collect()
}

/// The best fragment of `text` with its matched words, or (when only the
/// title matched) the beginning of the text.
fn snippet(generator: &SnippetGenerator, text: &str) -> Snippet {
    let s = generator.snippet(text);
    if s.highlighted().is_empty() {
        let mut end = text.len().min(SNIPPET_BYTES);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        return Snippet {
            text: text[..end].to_string(),
            highlights: Vec::new(),
        };
    }
    // Sub-words overlap their word (维吾尔 inside 维吾尔族): merge.
    let mut ranges: Vec<(usize, usize)> =
        s.highlighted().iter().map(|r| (r.start, r.end)).collect();
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (a, b) in ranges {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    Snippet {
        text: s.fragment().to_string(),
        highlights: merged,
    }
}

/// `[-]YYYY[-MM[-DD]]` as the number ±YYYYMMDD, which sorts like the date.
/// A missing month or day is the first (`end = false`) or last one.
fn date_number(s: &str, end: bool) -> Result<i64, SearchError> {
    let bad = || SearchError::InvalidDate(s.to_string());
    let (negative, rest) = match s.trim().strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.trim()),
    };
    let mut parts = rest.split('-');
    let year: i64 = parts
        .next()
        .filter(|y| y.len() >= 4 && y.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|y| y.parse().ok())
        .ok_or_else(bad)?;
    let mut num = |max: i64, default: i64| -> Result<i64, SearchError> {
        match parts.next() {
            None => Ok(default),
            Some(p) if p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()) => {
                let v: i64 = p.parse().map_err(|_| bad())?;
                if (1..=max).contains(&v) {
                    Ok(v)
                } else {
                    Err(bad())
                }
            }
            Some(_) => Err(bad()),
        }
    };
    let month = num(12, if end { 12 } else { 1 })?;
    let day = num(31, if end { 31 } else { 1 })?;
    if parts.next().is_some() {
        return Err(bad());
    }
    let value = year * 10_000 + month * 100 + day;
    Ok(if negative {
        -(year * 10_000) + month * 100 + day
    } else {
        value
    })
}

/// Removes the index files in `dir` (an index of another version).
fn wipe(dir: &Path) -> Result<(), SearchError> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(path)?;
        } else {
            std::fs::remove_file(path)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::date_number;

    #[test]
    fn dates_sort_as_numbers() {
        assert_eq!(date_number("2019-03-05", false).unwrap(), 20190305);
        assert_eq!(date_number("2019", false).unwrap(), 20190101);
        assert_eq!(date_number("2019", true).unwrap(), 20191231);
        assert_eq!(date_number("2019-02", true).unwrap(), 20190231);
        assert!(date_number("-0050", false).unwrap() < date_number("-0050", true).unwrap());
        assert!(date_number("-0051", true).unwrap() < date_number("-0050", false).unwrap());
        assert!(date_number("2019-13-01", false).is_err());
        assert!(date_number("19", false).is_err());
        assert!(date_number("2019-1-1", false).is_err());
    }
}
