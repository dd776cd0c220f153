//! The domain model of vigil.
//!
//! These types describe what documenters record: people, organisations,
//! places, events, sources and the claims each source makes. They are shaped
//! after the HURIDOCS Events Standard Formats and map onto FollowTheMoney
//! schemata (`Person`, `Organization`, `Address`, `Event`, `Documentation`).
//!
//! Nothing here knows about SQL or HTTP: the store persists these values as
//! JSON documents, the server moves them over the wire, and both rely on
//! [`Record::validate`] to refuse bad data with a JSON pointer to the field.

mod date;
pub mod dispute;
mod document;
mod entities;
mod event;
mod evidence;
mod kind;
mod quote;
mod record;
mod script;
mod validation;
pub mod vocabulary;

pub use date::{DateBounds, EdtfDate};
pub use document::{Document, DocumentStatus, Paragraph};
pub use entities::{
    Contact, Coordinates, ExternalId, Identifying, Name, NameKind, Organization, Person,
    PersonRelation, Place, PlaceType, RelationKind, Sex,
};
pub use event::{
    Charge, Event, EventStatus, LegalDetails, Participant, ParticipantRole, Plea, Sentence,
    SentenceKind, Verdict,
};
pub use evidence::{
    Claim, ClaimLink, ClaimLinkKind, ClaimSubject, Quantity, Reliability, Source, SourceKind,
    Stance,
};
pub use kind::{Kind, UnknownKind};
pub use quote::{fold_for_quotes, quote_occurs};
pub use record::{
    code, rfc3339, Body, Citation, Confidentiality, Record, RecordId, RecordMeta, Reference,
};
pub use script::{detect_script, Script};
pub use validation::{FieldError, ValidationErrors};
pub use vocabulary::{Term, Vocabularies, Vocabulary};
