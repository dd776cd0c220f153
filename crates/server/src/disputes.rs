//! Disputes: the claims about one subject side by side, and every subject
//! on which sources contradict each other (`GET /api/v1/disputes`,
//! `GET /api/v1/disputes/claims`, and the pages in `pages::disputes`).
//! Which claims contradict is the model's rule (`vigil_model::dispute`);
//! this module gathers what the caller may see.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Value};
use vigil_model::dispute::{disputes, Dispute, Subject};
use vigil_model::{Body, Claim, Kind, Record, RecordId, Source, Stance};
use vigil_store::{Store, StoreError};

use crate::auth::Caller;
use crate::problem::Problem;
use crate::records::blocking;
use crate::AppState;

/// Every claim the caller may see, with its id.
pub fn visible_claims(
    store: &dyn Store,
    caller: &Caller,
) -> Result<Vec<(RecordId, Claim)>, StoreError> {
    let mut claims = Vec::new();
    store.export(&[Kind::Claim], &mut |record| {
        if let Body::Claim(c) = record.body {
            if caller.may_see(c.confidentiality) {
                claims.push((record.id, c));
            }
        }
        Ok(())
    })?;
    Ok(claims)
}

/// The disputed subjects among what the caller may see.
pub fn disputed(store: &dyn Store, caller: &Caller) -> Result<Vec<Dispute>, StoreError> {
    let claims = visible_claims(store, caller)?;
    let refs: Vec<(RecordId, &Claim)> = claims.iter().map(|(id, c)| (*id, c)).collect();
    Ok(disputes(&refs))
}

/// One claim about a subject, with what a reader needs to weigh it.
pub struct Weighed {
    pub id: RecordId,
    pub claim: Claim,
    /// The source record, if the caller may see it.
    pub source: Option<(Record, Source)>,
}

/// The claims about `subject` the caller may see, asserting then denying,
/// each group best graded first.
pub fn claims_about(
    store: &dyn Store,
    caller: &Caller,
    subject: &Subject,
) -> Result<(Vec<Weighed>, Vec<Weighed>), StoreError> {
    let mut sources: HashMap<RecordId, Option<(Record, Source)>> = HashMap::new();
    let (mut asserting, mut denying) = (Vec::new(), Vec::new());
    for (id, claim) in visible_claims(store, caller)? {
        if Subject::of(&claim).as_ref() != Some(subject) {
            continue;
        }
        let source = match sources.get(&claim.source) {
            Some(s) => s.clone(),
            None => {
                let s = store
                    .get(Kind::Source, claim.source)?
                    .filter(|r| caller.may_see(r.body.confidentiality()))
                    .and_then(|r| match &r.body {
                        Body::Source(s) => Some((r.clone(), s.clone())),
                        _ => None,
                    });
                sources.insert(claim.source, s.clone());
                s
            }
        };
        let weighed = Weighed { id, claim, source };
        match weighed.claim.stance {
            Stance::Asserts => asserting.push(weighed),
            Stance::Denies => denying.push(weighed),
        }
    }
    for group in [&mut asserting, &mut denying] {
        group.sort_by_key(|w| (w.claim.credibility, w.id));
    }
    Ok((asserting, denying))
}

fn subject_json(store: &dyn Store, caller: &Caller, subject: &Subject) -> Value {
    match subject {
        Subject::Topic(t) => json!({ "topic": t }),
        Subject::Record(id) => {
            let record = Kind::ALL
                .iter()
                .find_map(|k| store.get(*k, *id).ok().flatten())
                .filter(|r| caller.may_see(r.body.confidentiality()));
            json!({ "record": {
                "id": id.to_string(),
                "kind": record.as_ref().map(|r| r.kind().singular()),
                "label": record.as_ref().map(|r| r.body.label()),
            }})
        }
    }
}

fn weighed_json(w: &Weighed) -> Value {
    let mut claim = serde_json::to_value(&w.claim).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut claim {
        map.insert("id".into(), json!(w.id.to_string()));
        map.insert(
            "source".into(),
            match &w.source {
                Some((r, s)) => json!({
                    "id": r.id.to_string(),
                    "title": s.title,
                    "kind": s.source_kind,
                    "reliability": s.reliability,
                }),
                None => json!({ "id": w.claim.source.to_string(), "visible": false }),
            },
        );
    }
    claim
}

/// `GET /api/v1/disputes`: every subject on which the claims the caller
/// may see contradict each other.
pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Value>, Problem> {
    let store = state.store.clone();
    let items = blocking(move || {
        let found = disputed(store.as_ref(), &caller)?;
        Ok(found
            .iter()
            .map(|d| {
                json!({
                    "subject": subject_json(store.as_ref(), &caller, &d.subject),
                    "claims": d.claims.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
                    "contradictions": d.contradictions.iter().map(|(a, b, why)| json!({
                        "a": a.to_string(), "b": b.to_string(), "why": why,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(Json(json!({ "items": items })))
}

#[derive(Deserialize)]
pub struct SubjectQuery {
    pub record: Option<String>,
    pub topic: Option<String>,
}

impl SubjectQuery {
    pub fn subject(&self) -> Option<Subject> {
        if let Some(id) = self.record.as_deref().and_then(|r| r.parse().ok()) {
            return Some(Subject::Record(id));
        }
        Subject::topic(self.topic.as_deref()?)
    }
}

/// `GET /api/v1/disputes/claims?record=ID` or `?topic=...`: the claims
/// about one subject, grouped by stance, each with its source's kind and
/// grade and its quote.
pub async fn claims(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<SubjectQuery>,
) -> Result<Json<Value>, Problem> {
    let subject = query.subject().ok_or_else(|| {
        Problem::bad_parameter(
            "record",
            "name the subject: ?record=<record id> or ?topic=<topic>",
        )
    })?;
    let store = state.store.clone();
    let value = blocking(move || {
        let (asserting, denying) = claims_about(store.as_ref(), &caller, &subject)?;
        Ok(json!({
            "subject": subject_json(store.as_ref(), &caller, &subject),
            "asserts": asserting.iter().map(weighed_json).collect::<Vec<_>>(),
            "denies": denying.iter().map(weighed_json).collect::<Vec<_>>(),
        }))
    })
    .await?;
    Ok(Json(value))
}
