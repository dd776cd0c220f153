use std::fmt;

use serde::Serialize;
use vigil_model::{Body, RecordId};

/// One record to import, with where it came from for error messages.
#[derive(Debug, Clone)]
pub struct ImportItem {
    pub id: RecordId,
    pub body: Body,
    /// `file:line`, shown in front of any problem with this item.
    pub origin: String,
}

/// What is wrong with one imported item, and where.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportProblem {
    pub origin: String,
    /// The field, as a JSON pointer or column name, when known.
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.origin)?;
        if let Some(field) = &self.field {
            write!(f, ": field {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ImportOutcome {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Empty when the import committed.
    pub problems: Vec<ImportProblem>,
    pub committed: bool,
}
