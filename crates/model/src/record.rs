use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::validation::ValidationErrors;
use crate::vocabulary::Vocabularies;
use crate::{Claim, Event, Kind, Organization, Person, Place, Source};

/// A record's identifier: a UUID, version 7 for records created here (so
/// ids sort by creation time and pages stay stable), version 5 for records
/// imported without an id (derived from what identifies the row, so that
/// importing the same file twice finds the same records).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(transparent)]
pub struct RecordId(Uuid);

/// The namespace of vigil's name-based (v5) record ids.
const ID_NAMESPACE: Uuid = Uuid::from_u128(0x6f1d_4b8e_92c3_4d0e_a7b5_3c1e_9f20_d4a1);

impl RecordId {
    pub fn new() -> Self {
        RecordId(Uuid::now_v7())
    }

    /// A stable id derived from a natural key, e.g. `person|cecc|2004-01234`.
    pub fn derived(key: &str) -> Self {
        // UUIDv5 as `Uuid::new_v5` makes it, with a SHA-1 that uses the
        // processor's SHA instructions: an import derives one per row.
        use sha1::Digest;
        let digest = sha1::Sha1::new()
            .chain_update(ID_NAMESPACE.as_bytes())
            .chain_update(key.as_bytes())
            .finalize();
        let bytes: [u8; 16] = digest[..16].try_into().expect("SHA-1 is 20 bytes");
        RecordId(uuid::Builder::from_sha1_bytes(bytes).into_uuid())
    }

    pub fn as_uuid(&self) -> Uuid {
        self.0
    }

    pub fn as_bytes(&self) -> &[u8; 16] {
        self.0.as_bytes()
    }

    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        RecordId(Uuid::from_bytes(bytes))
    }
}

impl Default for RecordId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

impl FromStr for RecordId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(RecordId)
    }
}

/// Who may see a record. Enforced by the server on every route; the store
/// only keeps it.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Confidentiality {
    /// May be published: visible to anonymous visitors of the public view.
    Public,
    /// Visible to every account of the organisation (the default).
    #[default]
    Internal,
    /// Visible only to editors and administrators.
    Restricted,
}

impl Confidentiality {
    /// 0 public, 1 internal, 2 restricted: the order in which levels are
    /// compared, as stores and indexes keep it.
    pub fn rank(self) -> u8 {
        match self {
            Confidentiality::Public => 0,
            Confidentiality::Internal => 1,
            Confidentiality::Restricted => 2,
        }
    }

    /// The level of a [`rank`](Self::rank); anything above 2 is restricted.
    pub fn from_rank(rank: i64) -> Confidentiality {
        match rank {
            0 => Confidentiality::Public,
            1 => Confidentiality::Internal,
            _ => Confidentiality::Restricted,
        }
    }
}

/// The code a value serialises to (`internal`, `ngo_report`, `female`):
/// how enums are written in JSON, CSV, indexes and translation keys.
pub fn code<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Where a fact comes from: a source record, the place in it, and the words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    pub source: RecordId,
    /// Page, paragraph or timestamp: "p. 12, para. 3".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locator: Option<String>,
    /// The quoted words, exactly as in the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

/// A typed link to any record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub kind: Kind,
    pub id: RecordId,
}

/// The bookkeeping the store keeps about each version of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordMeta {
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// The account that wrote this version.
    pub updated_by: Option<String>,
}

/// The content of a record, one variant per kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    Person(Person),
    Organization(Organization),
    Place(Place),
    Event(Event),
    Source(Source),
    Claim(Claim),
}

/// Keys the envelope owns. A client may send them back in a body it got from
/// us (read, modify, write) and they are then ignored, not an error.
pub const ENVELOPE_KEYS: [&str; 6] = [
    "kind",
    "id",
    "version",
    "created_at",
    "updated_at",
    "updated_by",
];

macro_rules! each_body {
    ($body:expr, $b:ident => $e:expr) => {
        match $body {
            Body::Person($b) => $e,
            Body::Organization($b) => $e,
            Body::Place($b) => $e,
            Body::Event($b) => $e,
            Body::Source($b) => $e,
            Body::Claim($b) => $e,
        }
    };
}

/// A body serialises as its kind's fields alone: the kind is kept beside
/// it, as in the stored record and the API.
impl serde::Serialize for Body {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        each_body!(self, b => b.serialize(serializer))
    }
}

impl Body {
    pub fn kind(&self) -> Kind {
        match self {
            Body::Person(_) => Kind::Person,
            Body::Organization(_) => Kind::Organization,
            Body::Place(_) => Kind::Place,
            Body::Event(_) => Kind::Event,
            Body::Source(_) => Kind::Source,
            Body::Claim(_) => Kind::Claim,
        }
    }

    /// Reads a body of a known kind from JSON. Unknown fields are refused, not
    /// dropped: a misspelt `birthdate` silently lost is data lost. Envelope
    /// keys are ignored. The error carries the JSON pointer of the bad field.
    pub fn from_json(kind: Kind, mut value: Value) -> Result<Body, ValidationErrors> {
        if let Value::Object(map) = &mut value {
            for key in ENVELOPE_KEYS {
                map.remove(key);
            }
        } else {
            return Err(ValidationErrors::single(
                "",
                format!("a {} must be a JSON object", kind.singular()),
            ));
        }
        fn parse<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, ValidationErrors> {
            // Nearly all input is valid: read it without tracking where the
            // reader is (a third of an import's parsing), and read a bad
            // one again to say where it went wrong.
            if let Ok(parsed) = T::deserialize(&v) {
                return Ok(parsed);
            }
            serde_path_to_error::deserialize(v).map_err(|e| {
                let pointer = path_to_pointer(e.path());
                ValidationErrors::single(pointer, e.into_inner().to_string())
            })
        }
        Ok(match kind {
            Kind::Person => Body::Person(parse(value)?),
            Kind::Organization => Body::Organization(parse(value)?),
            Kind::Place => Body::Place(parse(value)?),
            Kind::Event => Body::Event(parse(value)?),
            Kind::Source => Body::Source(parse(value)?),
            Kind::Claim => Body::Claim(parse(value)?),
        })
    }

    pub fn to_json(&self) -> Map<String, Value> {
        let value = each_body!(self, b => serde_json::to_value(b));
        match value.expect("record bodies always serialise") {
            Value::Object(map) => map,
            _ => unreachable!("record bodies serialise to objects"),
        }
    }

    /// The body as compact JSON text, without building a `Value` first.
    pub fn to_json_string(&self) -> String {
        each_body!(self, b => serde_json::to_string(b)).expect("record bodies always serialise")
    }

    pub fn confidentiality(&self) -> Confidentiality {
        each_body!(self, b => b.confidentiality)
    }

    pub fn citations(&self) -> &[Citation] {
        each_body!(self, b => &b.citations)
    }

    /// Fills in what can be derived (each name's script) so that stored
    /// records say it explicitly.
    pub fn complete(&mut self) {
        match self {
            Body::Person(p) => p.names.iter_mut().for_each(|n| n.complete()),
            Body::Organization(o) => o.names.iter_mut().for_each(|n| n.complete()),
            Body::Place(p) => p.names.iter_mut().for_each(|n| n.complete()),
            _ => {}
        }
    }

    /// Checks everything that can be checked without the store: required
    /// fields, ranges, EDTF dates and vocabulary codes.
    pub fn validate(&self, vocabularies: &Vocabularies) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        each_body!(self, b => b.validate_into(vocabularies, &mut errors));
        for (i, c) in self.citations().iter().enumerate() {
            if c.quote.as_deref().is_some_and(|q| q.trim().is_empty()) {
                errors.push(
                    format!("/citations/{i}/quote"),
                    "an empty quote cites nothing; leave it out",
                );
            }
        }
        errors.into_result()
    }

    /// Every record this one points at, with the pointer of the field that
    /// holds the reference, so that the store can check they exist and say
    /// which field is dangling.
    pub fn references(&self) -> Vec<(String, Kind, RecordId)> {
        let mut refs: Vec<(String, Kind, RecordId)> = self
            .citations()
            .iter()
            .enumerate()
            .map(|(i, c)| (format!("/citations/{i}/source"), Kind::Source, c.source))
            .collect();
        each_body!(self, b => b.references_into(&mut refs));
        refs
    }

    /// A short human label: the primary name, the title, the statement.
    pub fn label(&self) -> String {
        each_body!(self, b => b.label())
    }
}

/// A record as stored and served: its id and version around its body.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub id: RecordId,
    pub version: u64,
    pub meta: RecordMeta,
    pub body: Body,
}

impl Record {
    pub fn kind(&self) -> Kind {
        self.body.kind()
    }

    /// The wire and export form: `kind`, `id`, `version`, timestamps, then
    /// the body's own fields.
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        map.insert("kind".into(), Value::String(self.kind().singular().into()));
        map.insert("id".into(), Value::String(self.id.to_string()));
        map.insert("version".into(), Value::from(self.version));
        map.insert(
            "created_at".into(),
            Value::String(rfc3339(self.meta.created_at)),
        );
        map.insert(
            "updated_at".into(),
            Value::String(rfc3339(self.meta.updated_at)),
        );
        if let Some(by) = &self.meta.updated_by {
            map.insert("updated_by".into(), Value::String(by.clone()));
        }
        map.extend(self.body.to_json());
        Value::Object(map)
    }
}

pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .expect("every OffsetDateTime formats as RFC 3339")
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        pointer.push('/');
        match segment {
            Segment::Seq { index } => pointer.push_str(&index.to_string()),
            Segment::Map { key } => pointer.push_str(&crate::validation::escape_pointer_token(key)),
            Segment::Enum { variant } => pointer.push_str(variant),
            Segment::Unknown => pointer.push('?'),
        }
    }
    // serde reports an unknown field at the object that holds it; the
    // message names the field.
    if pointer == "/?" {
        pointer.clear();
    }
    pointer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_are_uuid_v5_in_the_project_namespace() {
        for key in [
            "",
            "person|cppc|00004",
            "person|{\"names\":[{\"text\":\"陈卫\"}]}",
        ] {
            assert_eq!(
                RecordId::derived(key).as_uuid(),
                Uuid::new_v5(&ID_NAMESPACE, key.as_bytes())
            );
        }
    }
}
