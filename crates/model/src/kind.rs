use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The six kinds of record vigil keeps. The plural form is the one used in
/// URLs (`/api/v1/persons`) and on the command line (`--kind persons`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Person,
    Organization,
    Place,
    Event,
    Source,
    Claim,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Person,
        Kind::Organization,
        Kind::Place,
        Kind::Event,
        Kind::Source,
        Kind::Claim,
    ];

    pub fn singular(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Organization => "organization",
            Kind::Place => "place",
            Kind::Event => "event",
            Kind::Source => "source",
            Kind::Claim => "claim",
        }
    }

    pub fn plural(self) -> &'static str {
        match self {
            Kind::Person => "persons",
            Kind::Organization => "organizations",
            Kind::Place => "places",
            Kind::Event => "events",
            Kind::Source => "sources",
            Kind::Claim => "claims",
        }
    }

    /// The order in which kinds must be written so that every reference
    /// points at a record that already exists (sources before the claims
    /// citing them, places before the events happening there, ...).
    pub fn dependency_rank(self) -> u8 {
        match self {
            Kind::Source => 0,
            Kind::Place => 1,
            Kind::Organization => 2,
            Kind::Person => 3,
            Kind::Event => 4,
            Kind::Claim => 5,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.plural())
    }
}

#[derive(Debug, thiserror::Error)]
#[error(
    "unknown kind {0:?}: expected one of persons, organizations, places, events, sources, claims"
)]
pub struct UnknownKind(pub String);

impl FromStr for Kind {
    type Err = UnknownKind;

    /// Accepts singular and plural, any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        Kind::ALL
            .into_iter()
            .find(|k| k.plural() == lower || k.singular() == lower)
            .or(match lower.as_str() {
                "people" => Some(Kind::Person),
                "organisations" | "organisation" => Some(Kind::Organization),
                _ => None,
            })
            .ok_or(UnknownKind(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_singular_plural_and_british_spelling() {
        assert_eq!("persons".parse::<Kind>().unwrap(), Kind::Person);
        assert_eq!("Event".parse::<Kind>().unwrap(), Kind::Event);
        assert_eq!("organisations".parse::<Kind>().unwrap(), Kind::Organization);
        assert!("cats".parse::<Kind>().is_err());
    }
}
