//! Sources and the claims they make. vigil never picks a side: it records
//! what each source asserts, where, in which words, and how credible it is.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::record::{Citation, Confidentiality, Reference};
use crate::validation::ValidationErrors;
use crate::vocabulary::Vocabularies;
use crate::{EdtfDate, Kind, RecordId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    NgoReport,
    UnDocument,
    OfficialStatement,
    CourtJudgment,
    Media,
    Testimony,
    LeakedDocument,
    Academic,
    Legislation,
    Other,
}

/// Reliability of a source, on the Admiralty scale: A completely reliable,
/// B usually reliable, C fairly reliable, D not usually reliable, E
/// unreliable, F cannot be judged.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum Reliability {
    A,
    B,
    C,
    D,
    E,
    F,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    #[serde(rename = "type")]
    pub source_kind: SourceKind,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<EdtfDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// UN document symbol, ISBN or other reference: `A/HRC/51/CRP.x`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    pub reliability: Reliability,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub confidentiality: Confidentiality,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citations: Vec<Citation>,
}

impl Source {
    pub(crate) fn validate_into(&self, _vocab: &Vocabularies, errors: &mut ValidationErrors) {
        if self.title.trim().is_empty() {
            errors.push("/title", "a source needs a title");
        }
        if let Some(url) = &self.url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                errors.push("/url", "a URL starts with https:// or http://");
            }
        }
    }

    pub(crate) fn references_into(&self, _refs: &mut Vec<(String, Kind, RecordId)>) {}

    pub(crate) fn label(&self) -> String {
        self.title.clone()
    }
}

/// What a claim is about: a record, a topic, or both ("detainee numbers"
/// about the place Xinjiang).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimSubject {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<Reference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
}

/// A figure a source gives: exactly `value`, or between `low` and `high`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quantity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// What is counted: `persons`, `lawyers`, `percent`, `law firms`.
    pub unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<EdtfDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    Asserts,
    Denies,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClaimLinkKind {
    Supports,
    Contradicts,
    SameFigureAs,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimLink {
    pub kind: ClaimLinkKind,
    pub claim: RecordId,
}

/// What one source asserts or denies, located and quoted in that source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub subject: ClaimSubject,
    pub statement: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Quantity>,
    pub stance: Stance,
    /// 1 confirmed by other sources, 2 probably true, 3 possibly true, 4
    /// doubtful, 5 improbable, 6 cannot be judged (Admiralty scale).
    pub credibility: u8,
    pub source: RecordId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// The document whose words the quote is, and the paragraph of it: the
    /// store refuses a quote that paragraph does not contain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<RecordId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<ClaimLink>,
    #[serde(default)]
    pub confidentiality: Confidentiality,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citations: Vec<Citation>,
}

impl Claim {
    pub(crate) fn validate_into(&self, _vocab: &Vocabularies, errors: &mut ValidationErrors) {
        if self.subject.record.is_none()
            && self
                .subject
                .topic
                .as_deref()
                .is_none_or(|t| t.trim().is_empty())
        {
            errors.push(
                "/subject",
                "a claim is about a `record`, a `topic`, or both",
            );
        }
        if self.statement.trim().is_empty() {
            errors.push("/statement", "a claim needs a statement");
        }
        if !(1..=6).contains(&self.credibility) {
            errors.push(
                "/credibility",
                "credibility is graded from 1 (confirmed) to 6 (cannot be judged)",
            );
        }
        match (self.document, self.paragraph) {
            (Some(_), None) => errors.push(
                "/paragraph",
                "say which paragraph of the document the quote is from",
            ),
            (None, Some(_)) => errors.push("/document", "say which document the paragraph is of"),
            (Some(_), Some(_)) if self.quote.as_deref().is_none_or(|q| q.trim().is_empty()) => {
                errors.push("/quote", "a claim anchored in a paragraph quotes its words")
            }
            _ => {}
        }
        if let Some(q) = &self.quantity {
            if q.value.is_none() && q.low.is_none() && q.high.is_none() {
                errors.push(
                    "/quantity",
                    "a quantity needs a `value`, or `low` and/or `high`",
                );
            }
            if let (Some(low), Some(high)) = (q.low, q.high) {
                if low > high {
                    errors.push("/quantity/low", "`low` is greater than `high`");
                }
            }
            if q.unit.trim().is_empty() {
                errors.push(
                    "/quantity/unit",
                    "say what is counted: persons, lawyers, percent",
                );
            }
        }
    }

    pub(crate) fn references_into(&self, refs: &mut Vec<(String, Kind, RecordId)>) {
        refs.push(("/source".into(), Kind::Source, self.source));
        if let Some(r) = &self.subject.record {
            refs.push(("/subject/record/id".into(), r.kind, r.id));
        }
        for (i, l) in self.links.iter().enumerate() {
            refs.push((format!("/links/{i}/claim"), Kind::Claim, l.claim));
        }
    }

    pub(crate) fn label(&self) -> String {
        self.statement.clone()
    }
}
