//! The record store: where vigil keeps every version of every record.
//!
//! The interface is cut by role: [`Records`], [`Bulk`] (import and
//! export), [`VocabularyTerms`], [`Documents`], [`ChangeFeeds`],
//! [`Accounts`] and [`Identities`], each small, so that a caller names what
//! it needs and a second implementation (PostgreSQL, an encrypting layer)
//! can be written and tested one role at a time. [`Store`] is their union.
//! [`SqliteStore`] is the embedded default: one file on disk, WAL journal,
//! one writer and a few readers, migrations run when it opens.
//!
//! Invariants every implementation keeps:
//! - every write is one transaction: a failed write or import changes nothing;
//! - a record's version starts at 1 and grows by one per write, and an update
//!   names the version it edits (optimistic concurrency);
//! - the previous version is kept on every update and delete, so a record's
//!   history can always be read back;
//! - a record's references (citations, participants, places, ...) point at
//!   existing records of the right kind when a write commits.

mod accounts;
mod error;
pub mod identity;
mod import;
mod query;
pub mod sqlite;

pub use accounts::{Role, Session, User, MIN_PASSWORD_CHARS};
pub use error::StoreError;
pub use identity::{
    AutoMerge, CandidatePair, Decision, Identity, IdentityEntry, MatchReason, QueuedPair,
    AUTO_MERGE_SCORE,
};
pub use import::{ImportItem, ImportOutcome, ImportProblem};
pub use query::{Cursor, Filter, ListPage, Page};
pub use sqlite::{document_id, SqliteStore};

use std::collections::HashMap;

use vigil_model::{Body, Kind, Record, RecordId, Term, Vocabularies};

/// One entry of a record's history.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub version: u64,
    pub operation: Operation,
    pub written_at: time::OffsetDateTime,
    pub written_by: Option<String>,
    /// The record as it was after this write; `None` for a deletion.
    pub record: Option<Record>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    Create,
    Update,
    Delete,
}

/// A file's metadata as it is received (the bytes are kept elsewhere, by
/// their SHA-256).
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
    pub file_name: String,
    pub source: Option<RecordId>,
    pub confidentiality: vigil_model::Confidentiality,
}

/// What reading a document's text gave.
#[derive(Debug, Clone)]
pub enum DocumentText {
    Paragraphs {
        pages: Option<u32>,
        paragraphs: Vec<vigil_model::Paragraph>,
    },
    /// Why it could not be read; the original is kept all the same.
    Failed(String),
    /// Nothing to read: an image, or a kind of file vigil does not read.
    None,
}

/// One entry of the change feed ([`Store::changes_since`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Record(RecordId),
    Document(RecordId),
}

/// One change of a person, as a name index needs it.
#[derive(Debug, Clone)]
pub struct NameKeysEntry {
    pub person: RecordId,
    /// `None` when the person was deleted.
    pub keys: Option<String>,
    pub birth_year: Option<i32>,
    pub sex: Option<String>,
    /// The [`vigil_names::place_key`] of where the person lives or comes
    /// from.
    pub place: Option<String>,
    pub confidentiality: vigil_model::Confidentiality,
    pub protected: bool,
}

/// Counts of live records, per kind.
pub type Counts = Vec<(Kind, u64)>;

/// What the dashboard shows, over the records a caller may see.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub counts: Counts,
    /// Events per type code.
    pub events_by_type: Vec<(String, u64)>,
    /// Events per year of their earliest possible date.
    pub events_by_year: Vec<(String, u64)>,
    /// Events per area: the region a place lies in (or its top-most place
    /// where it lies in no region), largest first.
    pub events_by_area: Vec<(RecordId, u64)>,
    /// People whose latest custody-related event leaves them detained,
    /// disappeared or serving a sentence: (person, that event's type, its date).
    pub detained: Vec<(RecordId, String, String)>,
    /// The most recently written records: (kind, id, when).
    pub recent: Vec<(Kind, RecordId, String)>,
}

/// Records: create, read, update and delete them, list and filter them,
/// read their history, count them.
pub trait Records: Send + Sync {
    /// Creates a record, with the given id if any (an import keeping ids),
    /// else a new one.
    fn create(&self, id: Option<RecordId>, body: Body, actor: &str) -> Result<Record, StoreError>;
    fn get(&self, kind: Kind, id: RecordId) -> Result<Option<Record>, StoreError>;
    /// A record of whatever kind it is.
    fn record(&self, id: RecordId) -> Result<Option<Record>, StoreError>;
    /// Replaces the body of version `expected_version`; a different current
    /// version is [`StoreError::Conflict`].
    fn update(
        &self,
        kind: Kind,
        id: RecordId,
        expected_version: u64,
        body: Body,
        actor: &str,
    ) -> Result<Record, StoreError>;
    /// Deletes a record that nothing references, keeping its history.
    fn delete(
        &self,
        kind: Kind,
        id: RecordId,
        expected_version: Option<u64>,
        actor: &str,
    ) -> Result<(), StoreError>;
    fn list(&self, kind: Kind, filter: &Filter, page: &Page) -> Result<ListPage, StoreError>;
    fn history(&self, kind: Kind, id: RecordId) -> Result<Vec<HistoryEntry>, StoreError>;
    fn counts(&self) -> Result<Counts, StoreError>;
    /// Dashboard figures over the records up to `max` confidentiality.
    fn summary(&self, max: vigil_model::Confidentiality) -> Result<Summary, StoreError>;
    /// A number that changes whenever any record changes, so that derived
    /// views can be cached until then.
    fn generation(&self) -> u64;
}

/// Records in bulk: imports and exports.
pub trait Bulk: Send + Sync {
    /// Imports records all or nothing. Each item is created, updated (when it
    /// differs from the stored version) or left unchanged. Any problem, or
    /// `dry_run`, rolls everything back; the outcome lists every problem.
    /// `items` is `Send` so that an implementation may read and prepare
    /// items on one core while it writes on another.
    fn import(
        &self,
        items: &mut (dyn Iterator<Item = Result<ImportItem, ImportProblem>> + Send),
        dry_run: bool,
        actor: &str,
    ) -> Result<ImportOutcome, StoreError>;
    /// Streams every live record of the given kinds, in dependency order
    /// then id order, to `sink`. Memory use does not grow with the store.
    fn export(
        &self,
        kinds: &[Kind],
        sink: &mut dyn FnMut(Record) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError>;
}

/// The shipped vocabularies and the terms administrators added.
pub trait VocabularyTerms: Send + Sync {
    fn vocabularies(&self) -> Result<Vocabularies, StoreError>;
    fn add_term(&self, vocabulary: &str, term: Term, actor: &str) -> Result<(), StoreError>;
}

/// Documents received and their paragraphs (the bytes are kept elsewhere).
pub trait Documents: Send + Sync {
    /// Keeps a received document and its paragraphs, in one transaction.
    /// The same bytes again find the document kept before (`false`); one
    /// whose text could not be read before takes the text read now.
    fn put_document(
        &self,
        document: NewDocument,
        text: DocumentText,
        actor: &str,
    ) -> Result<(vigil_model::Document, bool), StoreError>;
    fn document(&self, id: RecordId) -> Result<Option<vigil_model::Document>, StoreError>;
    /// Documents up to `max` confidentiality, newest first.
    fn documents(
        &self,
        max: vigil_model::Confidentiality,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<vigil_model::Document>, StoreError>;
    fn paragraphs(&self, document: RecordId) -> Result<Vec<vigil_model::Paragraph>, StoreError>;
}

/// The append-only feeds that indexes held outside the store follow.
pub trait ChangeFeeds: Send + Sync {
    /// Writes of records and documents after change number `after`, oldest
    /// first, at most `limit`; returns the last change number seen. Derived
    /// indexes (full-text search) follow the store with it.
    fn changes_since(
        &self,
        after: u64,
        limit: u64,
        sink: &mut dyn FnMut(Change),
    ) -> Result<u64, StoreError>;

    /// The match keys of people's names (see `vigil_names::encode_keys`)
    /// written after change number `after` (0: from the start), oldest
    /// first; a person's newest entry wins. Returns the last change number
    /// seen, to pass next time: a name index in memory follows the store
    /// with this, whoever wrote to it.
    fn name_keys_since(
        &self,
        after: u64,
        sink: &mut dyn FnMut(NameKeysEntry),
    ) -> Result<u64, StoreError>;
}

/// Accounts, their bearer tokens, passwords and browser sessions.
pub trait Accounts: Send + Sync {
    fn create_user(&self, name: &str, role: Role) -> Result<User, StoreError>;
    fn user(&self, name: &str) -> Result<Option<User>, StoreError>;
    fn users(&self) -> Result<Vec<User>, StoreError>;
    /// Issues a bearer token for a user and returns it; only its hash is kept.
    fn create_token(&self, user: &str) -> Result<String, StoreError>;
    /// The user a bearer token belongs to, if the token is valid.
    fn authenticate(&self, token: &str) -> Result<Option<User>, StoreError>;

    /// Sets (or replaces) a user's password, hashed with argon2id.
    fn set_password(&self, user: &str, password: &str) -> Result<(), StoreError>;
    /// The user, if the password is theirs. Takes the same time whether or
    /// not the user exists.
    fn check_password(&self, user: &str, password: &str) -> Result<Option<User>, StoreError>;
    fn create_session(&self, user: &str, lifetime: time::Duration) -> Result<Session, StoreError>;
    /// The user and CSRF token of a live session.
    fn session(&self, token: &str) -> Result<Option<(User, String)>, StoreError>;
    fn delete_session(&self, token: &str) -> Result<(), StoreError>;
}

/// Which person records describe one person (see [`identity`]): decisions,
/// clusters, and the queue of likely duplicates.
pub trait Identities: Send + Sync {
    /// Records a person's decision about two person records (`Same`,
    /// `NotSame` or `Unsure`; `Undone` is [`Identities::undo_decision`]). A
    /// `Same` that would join two clusters kept apart by a `not_same`, or a
    /// `NotSame` between records joined through other merges, is
    /// [`StoreError::Refused`] and changes nothing.
    fn decide(
        &self,
        a: RecordId,
        b: RecordId,
        decision: Decision,
        note: Option<&str>,
        actor: &str,
    ) -> Result<IdentityEntry, StoreError>;
    /// Revokes the decision in force about a pair (undoes a merge).
    fn undo_decision(
        &self,
        a: RecordId,
        b: RecordId,
        actor: &str,
    ) -> Result<IdentityEntry, StoreError>;
    /// The cluster a person record belongs to (itself alone if none).
    fn identity(&self, id: RecordId) -> Result<Identity, StoreError>;
    /// Every decision about a member of the record's cluster, newest first.
    fn identity_log(&self, id: RecordId) -> Result<Vec<IdentityEntry>, StoreError>;
    /// Member → canonical record, for every cluster of more than one record.
    fn clusters(&self) -> Result<HashMap<RecordId, RecordId>, StoreError>;
    /// Replaces the likely duplicates found by the last scan.
    fn set_duplicate_candidates(&self, pairs: Vec<CandidatePair>) -> Result<(), StoreError>;
    /// Candidates nobody has decided on, not already merged and not across
    /// a `not_same`, best score first. `unsure`: the pairs someone marked
    /// unsure instead (shown apart).
    fn duplicate_queue(
        &self,
        offset: usize,
        limit: usize,
        unsure: bool,
    ) -> Result<Vec<QueuedPair>, StoreError>;
    /// Merges every candidate of score [`AUTO_MERGE_SCORE`] or more with no
    /// conflicting facts, unless a person decided anything about the pair
    /// or a `not_same` holds between their clusters. One transaction;
    /// returns the merges made.
    fn auto_merge(&self) -> Result<Vec<AutoMerge>, StoreError>;
}

/// Everything vigil needs from a database: the union of the role traits.
/// Callers that need one role take that trait; the server and the CLI hold
/// an `Arc<dyn Store>`. Implemented for every type that implements all the
/// roles.
pub trait Store:
    Records + Bulk + VocabularyTerms + Documents + ChangeFeeds + Accounts + Identities
{
}

impl<T> Store for T where
    T: Records + Bulk + VocabularyTerms + Documents + ChangeFeeds + Accounts + Identities
{
}

/// The role traits, for `use vigil_store::prelude::*`: a trait's methods
/// can only be called where the trait is in scope.
pub mod prelude {
    pub use crate::{
        Accounts, Bulk, ChangeFeeds, Documents, Identities, Records, Store, VocabularyTerms,
    };
}
