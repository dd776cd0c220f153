//! Disputes: the claims about one subject side by side, and every subject
//! on which sources contradict each other (`GET /api/v1/disputes`,
//! `GET /api/v1/disputes/claims`, and the pages in `pages::disputes`).
//! Which claims contradict is the model's rule (`vigil_model::dispute`);
//! what the caller may see is gathered by `vigil_app::disputes`.

use axum::extract::{Query, State};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Value};
use vigil_app::disputes::{claims_about, disputed, Weighed};
use vigil_model::dispute::Subject;
use vigil_model::Kind;
use vigil_store::{Store, StoreError};

use crate::blocking::blocking;
use crate::caller::Caller;
use crate::problem::Problem;
use crate::AppState;

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
        let found = disputed(store.as_ref(), caller.access())?;
        Ok::<_, StoreError>(
            found
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
                .collect::<Vec<_>>(),
        )
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
        let (asserting, denying) = claims_about(store.as_ref(), caller.access(), &subject)?;
        Ok::<_, StoreError>(json!({
            "subject": subject_json(store.as_ref(), &caller, &subject),
            "asserts": asserting.iter().map(weighed_json).collect::<Vec<_>>(),
            "denies": denying.iter().map(weighed_json).collect::<Vec<_>>(),
        }))
    })
    .await?;
    Ok(Json(value))
}
