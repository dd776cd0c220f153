//! Controlled vocabularies: the codes that classify events, organisations,
//! facilities and identifiers.
//!
//! They are data, not Rust enums, because every organisation documents a
//! slightly different world: the project ships a base set (the JSON files in
//! `crates/model/vocabularies/`), and administrators add terms to it. Codes
//! are hierarchical with dots: `detention.rsdl` is a kind of `detention`, so a
//! filter on `detention` finds it.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::validation::ValidationErrors;

/// Languages in which every shipped event type has a label.
pub const LABEL_LANGUAGES: [&str; 4] = ["en", "zh-Hans", "zh-Hant", "ug"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// Dotted hierarchical code: `licence.revocation`.
    pub code: String,
    /// Labels by BCP 47 language tag.
    pub labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl Term {
    /// The code of the broader term, if any: `detention` for `detention.rsdl`.
    pub fn parent(&self) -> Option<&str> {
        self.code.rsplit_once('.').map(|(parent, _)| parent)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    pub name: String,
    pub description: String,
    pub terms: Vec<Term>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum VocabularyError {
    #[error("there is no vocabulary named {0:?}")]
    UnknownVocabulary(String),
    #[error("the code {0:?} already exists")]
    Duplicate(String),
    #[error("the broader term {parent:?} of {code:?} does not exist; add it first")]
    MissingParent { code: String, parent: String },
    #[error("a code is lower-case ASCII letters, digits and underscores, in dot-separated parts: {0:?} is not")]
    BadCode(String),
    #[error("a term needs an English label (`labels.en`)")]
    NoEnglishLabel,
}

/// All vocabularies, by name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
#[serde(transparent)]
pub struct Vocabularies(pub BTreeMap<String, Vocabulary>);

const BUILTIN: [&str; 4] = [
    include_str!("../vocabularies/event_type.json"),
    include_str!("../vocabularies/organization_type.json"),
    include_str!("../vocabularies/facility_type.json"),
    include_str!("../vocabularies/identifier_scheme.json"),
];

impl Vocabularies {
    /// The vocabularies the project ships.
    pub fn builtin() -> Self {
        let mut all = BTreeMap::new();
        for text in BUILTIN {
            let v: Vocabulary =
                serde_json::from_str(text).expect("shipped vocabularies are valid JSON");
            all.insert(v.name.clone(), v);
        }
        Vocabularies(all)
    }

    pub fn contains(&self, vocabulary: &str, code: &str) -> bool {
        self.0
            .get(vocabulary)
            .is_some_and(|v| v.terms.iter().any(|t| t.code == code))
    }

    /// Records an error at `pointer` when `code` is not in `vocabulary`,
    /// listing a few valid codes so the user can correct it.
    pub fn check(
        &self,
        vocabulary: &str,
        code: &str,
        pointer: &str,
        errors: &mut ValidationErrors,
    ) {
        if self.contains(vocabulary, code) {
            return;
        }
        let known: Vec<&str> = self
            .0
            .get(vocabulary)
            .map(|v| v.terms.iter().map(|t| t.code.as_str()).collect())
            .unwrap_or_default();
        let shown = known
            .iter()
            .take(12)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        let more = if known.len() > 12 { ", ..." } else { "" };
        errors.push(
            pointer,
            format!("{code:?} is not a code of the {vocabulary} vocabulary (GET /api/v1/vocabularies lists them: {shown}{more})"),
        );
    }

    /// Adds a term after checking it fits: a valid, new code whose broader
    /// term exists, with an English label.
    pub fn add_term(&mut self, vocabulary: &str, term: Term) -> Result<(), VocabularyError> {
        let valid_code = !term.code.is_empty()
            && term.code.split('.').all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            });
        if !valid_code {
            return Err(VocabularyError::BadCode(term.code));
        }
        if !term.labels.contains_key("en") {
            return Err(VocabularyError::NoEnglishLabel);
        }
        let vocab = self
            .0
            .get_mut(vocabulary)
            .ok_or_else(|| VocabularyError::UnknownVocabulary(vocabulary.to_string()))?;
        if vocab.terms.iter().any(|t| t.code == term.code) {
            return Err(VocabularyError::Duplicate(term.code));
        }
        if let Some(parent) = term.parent() {
            if !vocab.terms.iter().any(|t| t.code == parent) {
                return Err(VocabularyError::MissingParent {
                    code: term.code.clone(),
                    parent: parent.to_string(),
                });
            }
        }
        vocab.terms.push(term);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_event_types_are_labelled_in_four_languages_and_form_a_tree() {
        let v = Vocabularies::builtin();
        let events = &v.0["event_type"];
        assert!(events.terms.len() >= 30);
        for t in &events.terms {
            for lang in LABEL_LANGUAGES {
                assert!(
                    t.labels.get(lang).is_some_and(|l| !l.trim().is_empty()),
                    "{} has no {lang} label",
                    t.code
                );
            }
            if let Some(p) = t.parent() {
                assert!(v.contains("event_type", p), "{} has no parent {p}", t.code);
            }
        }
        for code in [
            "detention.criminal",
            "detention.formal_arrest",
            "detention.rsdl",
            "detention.camp",
            "detention.remand",
            "detention.house_arrest",
            "disappearance",
            "trial",
            "sentence",
            "licence.suspension",
            "licence.cancellation",
            "licence.revocation",
            "torture",
            "sexual_violence",
            "death_in_custody",
            "family_separation",
            "forced_labour_transfer",
            "release",
            "exit_ban",
            "harassment_abroad",
            "surveillance",
            "religious_restriction",
        ] {
            assert!(v.contains("event_type", code), "missing {code}");
        }
    }

    #[test]
    fn every_shipped_vocabulary_has_unique_codes() {
        for (name, v) in Vocabularies::builtin().0 {
            let mut codes: Vec<_> = v.terms.iter().map(|t| &t.code).collect();
            codes.sort();
            let before = codes.len();
            codes.dedup();
            assert_eq!(before, codes.len(), "duplicate code in {name}");
        }
    }

    #[test]
    fn adding_terms_checks_code_parent_and_label() {
        let mut v = Vocabularies::builtin();
        let term = |code: &str| Term {
            code: code.into(),
            labels: BTreeMap::from([("en".to_string(), "x".to_string())]),
            description: None,
        };
        assert_eq!(
            v.add_term("event_type", term("Bad Code")),
            Err(VocabularyError::BadCode("Bad Code".into()))
        );
        assert!(matches!(
            v.add_term("event_type", term("nope.child")),
            Err(VocabularyError::MissingParent { .. })
        ));
        assert!(matches!(
            v.add_term("event_type", term("trial")),
            Err(VocabularyError::Duplicate(_))
        ));
        v.add_term("event_type", term("detention.black_jail"))
            .unwrap();
        assert!(v.contains("event_type", "detention.black_jail"));
    }
}
