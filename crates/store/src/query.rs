use std::fmt;
use std::str::FromStr;

use vigil_model::{Confidentiality, Record, RecordId};

/// Filters for listing records. Fields that do not apply to a kind are
/// ignored by it (documented per route in the OpenAPI document).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// A vocabulary code or type; hierarchical codes match their narrower
    /// terms (`detention` finds `detention.rsdl`).
    pub record_type: Option<String>,
    /// Records located at this place (an event's place, an organisation's
    /// place, a place's parent).
    pub place: Option<RecordId>,
    /// Records that point at this record: the events a person takes part
    /// in, the claims about a record or from a source, the claims linking to
    /// a claim. (The API calls this filter `person`, its commonest use.)
    pub linked_to: Option<RecordId>,
    /// Dates overlapping `[from, to]`, as `YYYY-MM-DD` or shorter prefixes.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Case-insensitive words, all of which must occur in the record's text.
    pub text: Option<String>,
    /// The most confidential level the caller may see.
    pub max_confidentiality: Confidentiality,
}

/// An opaque position after which the next page starts: lists go in the
/// order records were first written, so a page boundary stays put when the
/// record at it is changed or deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor(pub(crate) i64);

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for Cursor {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse()
            .ok()
            .filter(|n: &i64| *n >= 0)
            .map(Cursor)
            .ok_or_else(|| {
                "not a cursor this server gave (use next_cursor of the previous page)".into()
            })
    }
}

#[derive(Debug, Clone)]
pub struct Page {
    pub after: Option<Cursor>,
    pub limit: u32,
}

impl Default for Page {
    fn default() -> Self {
        Page {
            after: None,
            limit: 50,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ListPage {
    pub records: Vec<Record>,
    pub next: Option<Cursor>,
}
