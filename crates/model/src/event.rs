//! Events: what happened to whom, where, when, and what the courts did.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::record::{Citation, Confidentiality};
use crate::validation::ValidationErrors;
use crate::vocabulary::Vocabularies;
use crate::{EdtfDate, Kind, RecordId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParticipantRole {
    Victim,
    Perpetrator,
    Witness,
    Lawyer,
    Judge,
    Prosecutor,
    Intervener,
    Source,
    Relative,
}

/// A person or an organisation taking part in an event, in a role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<RecordId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<RecordId>,
    pub role: ParticipantRole,
}

/// A charge: the statute and article, e.g. PRC Criminal Law art. 105
/// ("subversion of state power") or art. 293 ("picking quarrels").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Charge {
    pub statute: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Plea {
    Guilty,
    NotGuilty,
    None,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Guilty,
    NotGuilty,
    Dismissed,
    Pending,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SentenceKind {
    /// A fixed term, in `years`, `months` and `days`.
    Term,
    Life,
    Death,
    /// Death with a two-year reprieve (死缓).
    DeathWithReprieve,
    Suspended,
    Fine,
    None,
}

/// A sentence: a term in years, months and days, or life, or death.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sentence {
    pub kind: SentenceKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub months: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u16>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub court: Option<RecordId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub charges: Vec<Charge>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plea: Option<Plea>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentence: Option<Sentence>,
    /// Deprivation of political rights (剥夺政治权利), as a term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub political_rights_deprivation: Option<Sentence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_release: Option<EdtfDate>,
}

/// How well established an event is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    /// Reported by at least one source, not yet checked.
    #[default]
    Alleged,
    /// Confirmed by independent sources or documents.
    Verified,
    /// Sources contradict each other on whether it happened.
    Disputed,
    /// Shown not to have happened as reported.
    Refuted,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// A code of the hierarchical `event_type` vocabulary, e.g.
    /// `detention.rsdl` or `licence.revocation`.
    #[serde(rename = "type")]
    pub event_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<EdtfDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<RecordId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<Participant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal: Option<LegalDetails>,
    #[serde(default)]
    pub status: EventStatus,
    #[serde(default)]
    pub confidentiality: Confidentiality,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citations: Vec<Citation>,
}

impl Event {
    pub(crate) fn validate_into(&self, vocab: &Vocabularies, errors: &mut ValidationErrors) {
        vocab.check("event_type", &self.event_type, "/type", errors);
        for (i, p) in self.participants.iter().enumerate() {
            if p.person.is_some() == p.organization.is_some() {
                errors.push(
                    format!("/participants/{i}"),
                    "a participant is either a `person` or an `organization`, exactly one of them",
                );
            }
        }
        if let Some(legal) = &self.legal {
            for (i, c) in legal.charges.iter().enumerate() {
                if c.statute.trim().is_empty() {
                    errors.push(format!("/legal/charges/{i}/statute"), "must not be empty");
                }
            }
            for (field, s) in [
                ("sentence", &legal.sentence),
                (
                    "political_rights_deprivation",
                    &legal.political_rights_deprivation,
                ),
            ] {
                if let Some(s) = s {
                    validate_sentence(s, &format!("/legal/{field}"), errors);
                }
            }
        }
    }

    pub(crate) fn references_into(&self, refs: &mut Vec<(String, Kind, RecordId)>) {
        if let Some(p) = self.place {
            refs.push(("/place".into(), Kind::Place, p));
        }
        for (i, p) in self.participants.iter().enumerate() {
            if let Some(id) = p.person {
                refs.push((format!("/participants/{i}/person"), Kind::Person, id));
            }
            if let Some(id) = p.organization {
                refs.push((
                    format!("/participants/{i}/organization"),
                    Kind::Organization,
                    id,
                ));
            }
        }
        if let Some(court) = self.legal.as_ref().and_then(|l| l.court) {
            refs.push(("/legal/court".into(), Kind::Organization, court));
        }
    }

    pub(crate) fn label(&self) -> String {
        match (&self.title, &self.date) {
            (Some(t), _) => t.clone(),
            (None, Some(d)) => format!("{} ({d})", self.event_type),
            (None, None) => self.event_type.clone(),
        }
    }

    /// The people taking part, with their role.
    pub fn persons(&self) -> impl Iterator<Item = (RecordId, ParticipantRole)> + '_ {
        self.participants
            .iter()
            .filter_map(|p| p.person.map(|id| (id, p.role)))
    }
}

fn validate_sentence(s: &Sentence, at: &str, errors: &mut ValidationErrors) {
    let has_term = s.years.is_some() || s.months.is_some() || s.days.is_some();
    match s.kind {
        SentenceKind::Term if !has_term => {
            errors.push(at, "a term sentence needs `years`, `months` or `days`")
        }
        SentenceKind::Life
        | SentenceKind::Death
        | SentenceKind::DeathWithReprieve
        | SentenceKind::None
            if has_term =>
        {
            errors.push(
                at,
                "only a `term` or `suspended` sentence has years, months or days",
            )
        }
        _ => {}
    }
    if s.months.is_some_and(|m| m > 11) && s.years.is_some() {
        errors.push(format!("{at}/months"), "write 12 months or more as years");
    }
}
