//! The columns the store derives from a record to filter and page without
//! parsing JSON: type, place, date bounds, links and searchable text.

use serde_json::Value;
use vigil_model::{code, Body, RecordId};

pub(crate) struct Derived {
    pub type_code: Option<String>,
    pub place: Option<RecordId>,
    pub date_start: Option<String>,
    pub date_end: Option<String>,
    pub search_text: String,
    pub links: Vec<RecordId>,
    /// For a person: what the name index keeps of them.
    pub name_keys: Option<NameKeys>,
}

/// A person's row of `person_name_keys`.
pub(crate) struct NameKeys {
    pub keys: String,
    pub birth_year: Option<i32>,
    pub sex: Option<String>,
    pub place: Option<String>,
    pub protected: bool,
}

pub(crate) fn derive(body: &Body) -> Derived {
    let mut text = Vec::<&str>::new();
    let (type_code, place, date) = match body {
        Body::Person(p) => {
            text.extend(p.names.iter().map(|n| n.text.as_str()));
            text.extend(p.unidentified.as_deref());
            text.extend(p.place.as_deref());
            text.extend(p.description.as_deref());
            (None, None, p.birth_date.as_ref())
        }
        Body::Organization(o) => {
            text.extend(o.names.iter().map(|n| n.text.as_str()));
            text.extend(o.description.as_deref());
            (Some(o.org_type.clone()), o.place, None)
        }
        Body::Place(p) => {
            text.extend(p.names.iter().map(|n| n.text.as_str()));
            text.extend(p.description.as_deref());
            let t = p
                .facility_type
                .clone()
                .unwrap_or_else(|| code(&p.place_type));
            (Some(t), p.parent, None)
        }
        Body::Event(e) => {
            text.extend(e.title.as_deref());
            text.extend(e.description.as_deref());
            (Some(e.event_type.clone()), e.place, e.date.as_ref())
        }
        Body::Source(s) => {
            text.push(&s.title);
            text.extend(s.author.as_deref());
            text.extend(s.publisher.as_deref());
            text.extend(s.reference.as_deref());
            (Some(code(&s.source_kind)), None, s.date.as_ref())
        }
        Body::Claim(c) => {
            text.push(&c.statement);
            text.extend(c.subject.topic.as_deref());
            text.extend(c.quote.as_deref());
            (
                None,
                None,
                c.quantity.as_ref().and_then(|q| q.as_of.as_ref()),
            )
        }
    };
    let name_keys = match body {
        Body::Person(p) => Some(NameKeys {
            keys: vigil_names::encode_keys(
                &p.names.iter().map(|n| n.text.clone()).collect::<Vec<_>>(),
            ),
            birth_year: p.birth_year(),
            sex: p.sex.as_ref().map(code),
            place: p.place.as_deref().and_then(vigil_names::place_key),
            protected: p.protected,
        }),
        _ => None,
    };
    let bounds = date.map(|d| d.bounds());
    Derived {
        type_code,
        place,
        date_start: bounds.as_ref().and_then(|b| b.earliest.clone()),
        date_end: bounds.and_then(|b| b.latest),
        search_text: text.join("\n").to_lowercase(),
        links: links_of(body),
        name_keys,
    }
}

/// The records a body refers to, each once.
pub(crate) fn links_of(body: &Body) -> Vec<RecordId> {
    let mut links: Vec<RecordId> = body.references().into_iter().map(|(_, _, id)| id).collect();
    links.sort();
    links.dedup();
    links
}

/// Serialises a body into what may be stored plainly and, for a person,
/// the fields that identify them.
pub(crate) fn split_identifying(body: &mut Body) -> (String, Option<String>) {
    match body {
        Body::Person(p) => {
            let identifying = p.take_identifying();
            let plain = body.to_json_string();
            let sealed = (!identifying.is_empty()).then(|| {
                serde_json::to_string(&identifying).expect("identifying fields always serialise")
            });
            if let Body::Person(p) = body {
                p.restore_identifying(identifying);
            }
            (plain, sealed)
        }
        _ => (body.to_json_string(), None),
    }
}

/// Joins the two parts back into one JSON object.
pub(crate) fn join_identifying(
    body: &str,
    identifying: Option<&str>,
) -> Result<Value, serde_json::Error> {
    let mut value: Value = serde_json::from_str(body)?;
    if let (Some(extra), Value::Object(map)) = (identifying, &mut value) {
        if let Value::Object(extra) = serde_json::from_str(extra)? {
            map.extend(extra);
        }
    }
    Ok(value)
}
