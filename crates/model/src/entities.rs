//! People, organisations and places: the actors and locations of events.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::record::{Citation, Confidentiality};
use crate::script::{detect_script, Script};
use crate::validation::ValidationErrors;
use crate::vocabulary::Vocabularies;
use crate::{EdtfDate, Kind, RecordId};

/// One name of a person, organisation or place, in one script.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Name {
    pub text: String,
    /// ISO 15924 script; detected from `text` when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<Script>,
    /// BCP 47 language tag: `ug`, `zh`, `yue`, `en`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Romanisation or transcription system: `pinyin`, `wade_giles`,
    /// `hk_government`, `uly`, `uyghur_arabic`, `uyghur_cyrillic`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    #[serde(default)]
    pub kind: NameKind,
}

impl Name {
    pub fn new(text: impl Into<String>) -> Self {
        let mut name = Name {
            text: text.into(),
            script: None,
            language: None,
            system: None,
            kind: NameKind::Primary,
        };
        name.complete();
        name
    }

    pub(crate) fn complete(&mut self) {
        if self.script.is_none() {
            self.script = Some(detect_script(&self.text));
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NameKind {
    #[default]
    Primary,
    Legal,
    Alias,
    PenName,
    Religious,
    Lay,
    EnglishName,
    Transcription,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    Other,
    Unknown,
}

/// An identifier some other registry gives this person: a CECC political
/// prisoner database number, a Dui Hua number, a Xinjiang Victims Database
/// entry, an identity card or passport number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExternalId {
    /// A code of the `identifier_scheme` vocabulary.
    pub scheme: String,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    Relative,
    Spouse,
    Parent,
    Child,
    Sibling,
    CoDefendant,
    Testifier,
    Lawyer,
    Colleague,
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonRelation {
    pub kind: RelationKind,
    pub person: RecordId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// How to reach a witness or relative. Identifying: kept with the names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// `email`, `phone`, `signal`, `address`, ...
    pub channel: String,
    pub value: String,
}

/// A person: victim, witness, perpetrator, lawyer, judge, official.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<Name>,
    /// For a person whose name is unknown: "unidentified protester, Mong Kok,
    /// 2019-11-18". Either names or this must be given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unidentified: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<EdtfDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub death_date: Option<EdtfDate>,
    /// Where the person lives or comes from, as sources write it (遂宁,
    /// Suining, Kashgar): compared across scripts when people are matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ethnicity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub religion: Option<String>,
    /// ISO 3166-1 alpha-2 codes, or names where a code does not fit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nationalities: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub occupations: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<ExternalId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<PersonRelation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
    /// The person asked for their identity to be protected.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub protected: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub confidentiality: Confidentiality,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citations: Vec<Citation>,
}

impl Person {
    /// The year of birth, where the birth date gives one (an EDTF date
    /// starts with its year): what matching people by name weighs.
    pub fn birth_year(&self) -> Option<i32> {
        self.birth_date.as_ref()?.as_str().get(..4)?.parse().ok()
    }

    /// Fields that identify the person. The store keeps them apart from the
    /// rest of the record so that they can be sealed per person without
    /// reshaping anything else.
    pub const IDENTIFYING_FIELDS: [&'static str; 3] = ["names", "identifiers", "contacts"];

    /// Moves the identifying fields out, leaving them empty, so that the
    /// rest can be stored (and one day sealed) apart without a copy.
    pub fn take_identifying(&mut self) -> Identifying {
        Identifying {
            names: std::mem::take(&mut self.names),
            identifiers: std::mem::take(&mut self.identifiers),
            contacts: std::mem::take(&mut self.contacts),
        }
    }

    pub fn restore_identifying(&mut self, identifying: Identifying) {
        self.names = identifying.names;
        self.identifiers = identifying.identifiers;
        self.contacts = identifying.contacts;
    }

    pub(crate) fn validate_into(&self, vocab: &Vocabularies, errors: &mut ValidationErrors) {
        if self.names.is_empty()
            && self
                .unidentified
                .as_deref()
                .is_none_or(|u| u.trim().is_empty())
        {
            errors.push(
                "/names",
                "a person needs at least one name, or an `unidentified` descriptor",
            );
        }
        validate_names(&self.names, "/names", errors);
        for (i, id) in self.identifiers.iter().enumerate() {
            vocab.check(
                "identifier_scheme",
                &id.scheme,
                &format!("/identifiers/{i}/scheme"),
                errors,
            );
            if id.value.trim().is_empty() {
                errors.push(format!("/identifiers/{i}/value"), "must not be empty");
            }
        }
    }

    pub(crate) fn references_into(&self, refs: &mut Vec<(String, Kind, RecordId)>) {
        for (i, r) in self.relations.iter().enumerate() {
            refs.push((format!("/relations/{i}/person"), Kind::Person, r.person));
        }
    }

    pub(crate) fn label(&self) -> String {
        primary_name(&self.names)
            .or(self.unidentified.clone())
            .unwrap_or_else(|| "(unnamed person)".into())
    }
}

/// The fields of a person that identify them: see
/// [`Person::IDENTIFYING_FIELDS`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Identifying {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<Name>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<ExternalId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
}

impl Identifying {
    pub fn is_empty(&self) -> bool {
        self.names.is_empty() && self.identifiers.is_empty() && self.contacts.is_empty()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    pub names: Vec<Name>,
    /// A code of the `organization_type` vocabulary: `law_firm`, `ngo`,
    /// `court`, `judicial_bureau`, `public_security`, `un_body`, ...
    #[serde(rename = "type")]
    pub org_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The organisation this one is part of (a court's judicial system, a
    /// bureau's government).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<RecordId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<RecordId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub confidentiality: Confidentiality,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citations: Vec<Citation>,
}

impl Organization {
    pub(crate) fn validate_into(&self, vocab: &Vocabularies, errors: &mut ValidationErrors) {
        if self.names.is_empty() {
            errors.push("/names", "an organisation needs at least one name");
        }
        validate_names(&self.names, "/names", errors);
        vocab.check("organization_type", &self.org_type, "/type", errors);
    }

    pub(crate) fn references_into(&self, refs: &mut Vec<(String, Kind, RecordId)>) {
        if let Some(p) = self.parent {
            refs.push(("/parent".into(), Kind::Organization, p));
        }
        if let Some(p) = self.place {
            refs.push(("/place".into(), Kind::Place, p));
        }
    }

    pub(crate) fn label(&self) -> String {
        primary_name(&self.names).unwrap_or_else(|| "(unnamed organisation)".into())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlaceType {
    Country,
    Region,
    Prefecture,
    County,
    City,
    District,
    Township,
    Village,
    Facility,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Coordinates {
    pub lat: f64,
    pub lon: f64,
}

/// A place in a hierarchy: Xinjiang Uyghur Autonomous Region, Kashgar
/// Prefecture, Shufu County, a camp in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub names: Vec<Name>,
    #[serde(rename = "type")]
    pub place_type: PlaceType,
    /// For facilities, a code of the `facility_type` vocabulary: `camp`,
    /// `prison`, `detention_centre`, `rsdl_site`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facility_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<RecordId>,
    /// ISO 3166-1 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordinates: Option<Coordinates>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub confidentiality: Confidentiality,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citations: Vec<Citation>,
}

impl Place {
    pub(crate) fn validate_into(&self, vocab: &Vocabularies, errors: &mut ValidationErrors) {
        if self.names.is_empty() {
            errors.push("/names", "a place needs at least one name");
        }
        validate_names(&self.names, "/names", errors);
        match (&self.facility_type, self.place_type) {
            (Some(code), PlaceType::Facility) => {
                vocab.check("facility_type", code, "/facility_type", errors)
            }
            (Some(_), _) => errors.push(
                "/facility_type",
                "only a place of type `facility` has a facility type",
            ),
            (None, _) => {}
        }
        if let Some(c) = &self.coordinates {
            if !(-90.0..=90.0).contains(&c.lat) {
                errors.push("/coordinates/lat", "latitude must be between -90 and 90");
            }
            if !(-180.0..=180.0).contains(&c.lon) {
                errors.push("/coordinates/lon", "longitude must be between -180 and 180");
            }
        }
    }

    pub(crate) fn references_into(&self, refs: &mut Vec<(String, Kind, RecordId)>) {
        if let Some(p) = self.parent {
            refs.push(("/parent".into(), Kind::Place, p));
        }
    }

    pub(crate) fn label(&self) -> String {
        primary_name(&self.names).unwrap_or_else(|| "(unnamed place)".into())
    }
}

fn primary_name(names: &[Name]) -> Option<String> {
    names
        .iter()
        .find(|n| n.kind == NameKind::Primary)
        .or(names.first())
        .map(|n| n.text.clone())
}

fn validate_names(names: &[Name], at: &str, errors: &mut ValidationErrors) {
    for (i, n) in names.iter().enumerate() {
        if n.text.trim().is_empty() {
            errors.push(format!("{at}/{i}/text"), "a name must not be empty");
        }
    }
}
