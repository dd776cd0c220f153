use vigil_model::{Kind, RecordId, ValidationErrors};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no {} with id {id}", kind.singular())]
    NotFound { kind: Kind, id: RecordId },
    #[error("{} {id} is at version {current}, not {expected}: reload it and apply your change again", kind.singular())]
    Conflict {
        kind: Kind,
        id: RecordId,
        expected: u64,
        current: u64,
    },
    #[error("the record is invalid: {0}")]
    Invalid(ValidationErrors),
    #[error("{} {id} is still referenced by {referrers} other record(s); remove those references first", kind.singular())]
    StillReferenced {
        kind: Kind,
        id: RecordId,
        referrers: u64,
    },
    #[error("{0}")]
    Duplicate(String),
    /// An identity decision that contradicts one already made.
    #[error("{0}")]
    Refused(String),
    /// Undoing a decision about a pair that has none in force.
    #[error("there is no decision in force about {a} and {b} to undo")]
    NoDecision { a: RecordId, b: RecordId },
    #[error("the data directory's database is from a newer vigil (schema {found}, this build knows {known}); upgrade vigil")]
    SchemaTooNew { found: i64, known: i64 },
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Sink(String),
}

impl From<ValidationErrors> for StoreError {
    fn from(e: ValidationErrors) -> Self {
        StoreError::Invalid(e)
    }
}
