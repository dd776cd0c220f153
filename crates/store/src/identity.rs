//! Who is who: decisions that two person records describe the same
//! person (or not), kept apart from the records themselves.
//!
//! A merge never rewrites a record. Decisions are an append-only log; the
//! newest decision about a pair is that pair's decision. Records joined by
//! `same` decisions form a cluster, whose canonical record is its smallest
//! id (ids of records created here are time-ordered: the oldest survives).
//! A `not_same` holds between two clusters: no later `same`, by a person or
//! by the automatic merge, may join them until it is revoked. Undoing a
//! decision is one more entry (`undone`), so the history keeps everything.

use serde::{Deserialize, Serialize};
use vigil_model::RecordId;

/// What someone decided about two records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The two records describe one person: merged.
    Same,
    /// Two different people: never merged while this stands.
    NotSame,
    /// Not known yet: kept out of the review queue's main list.
    Unsure,
    /// The pair's previous decision was revoked (a merge undone).
    Undone,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Same => "same",
            Decision::NotSame => "not_same",
            Decision::Unsure => "unsure",
            Decision::Undone => "undone",
        }
    }

    pub fn parse(s: &str) -> Option<Decision> {
        Some(match s {
            "same" => Decision::Same,
            "not_same" => Decision::NotSame,
            "unsure" => Decision::Unsure,
            "undone" => Decision::Undone,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Decision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The identity of a person record: the cluster it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The record that stands for the cluster: its smallest (oldest) id.
    pub canonical: RecordId,
    /// Every record of the cluster, itself included, in id order.
    pub members: Vec<RecordId>,
    /// Records decided not to be this person (any member), in id order.
    pub not_same: Vec<RecordId>,
}

/// One entry of the decision log.
#[derive(Debug, Clone, PartialEq)]
pub struct IdentityEntry {
    /// Position in the log: later entries have larger numbers.
    pub seq: i64,
    /// The pair, `a < b`.
    pub a: RecordId,
    pub b: RecordId,
    pub decision: Decision,
    /// Made by `vigil duplicates auto-merge`, not a person.
    pub automatic: bool,
    pub score: Option<f64>,
    pub note: Option<String>,
    pub decided_by: String,
    pub decided_at: time::OffsetDateTime,
}

impl IdentityEntry {
    /// The other record of the pair, seen from `id`.
    pub fn other(&self, id: RecordId) -> RecordId {
        if self.a == id {
            self.b
        } else {
            self.a
        }
    }
}

/// Why two records may describe one person: a name of one, a name of the
/// other, and the rule under which they meet (`HongKong`, `Pinyin`, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchReason {
    pub rule: String,
    pub from: String,
    pub to: String,
    /// The whole reason in one English line, as the name matcher says it.
    #[serde(default)]
    pub explanation: String,
}

/// A likely duplicate found by a scan.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidatePair {
    /// The pair, `a < b` (the store orders them if not).
    pub a: RecordId,
    pub b: RecordId,
    /// 0 to 1.
    pub score: f64,
    pub reasons: Vec<MatchReason>,
    /// Facts that disagree ("born 1980 and 1969").
    pub conflicts: Vec<String>,
}

/// A candidate waiting in the review queue.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedPair {
    pub pair: CandidatePair,
    /// Someone marked the pair `unsure`.
    pub unsure: bool,
    pub found_at: time::OffsetDateTime,
}

/// A merge the automatic pass made.
#[derive(Debug, Clone, PartialEq)]
pub struct AutoMerge {
    pub a: RecordId,
    pub b: RecordId,
    pub score: f64,
}

/// The least score for which a candidate is merged without review.
pub const AUTO_MERGE_SCORE: f64 = 0.9;

/// Orders a pair as the store keeps it: smaller id first.
pub fn ordered(a: RecordId, b: RecordId) -> (RecordId, RecordId) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}
