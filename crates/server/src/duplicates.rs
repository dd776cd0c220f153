//! The API routes of the duplicate review queue, decisions and
//! identities. Finding likely pairs is `vigil_app::duplicates`; the
//! decisions, their graph and its rules live in the store
//! (`vigil_store::identity`).

use std::str::FromStr;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Extension, Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use vigil_model::{Kind, RecordId, ValidationErrors};
use vigil_store::{Decision, IdentityEntry, QueuedPair, StoreError};

use crate::blocking::blocking;
use crate::caller::Caller;
use crate::problem::Problem;
use crate::records::{parse_id, parse_json};
use crate::AppState;

// ---------------------------------------------------------------------------
// The API

pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/duplicates", get(queue))
        .route("/duplicates/decisions", post(decide))
        .route("/duplicates/decisions/{a}/{b}", delete(undo))
        .route("/persons/{id}/identity", get(identity))
}

pub fn entry_json(e: &IdentityEntry) -> Value {
    json!({
        "seq": e.seq,
        "a": e.a.to_string(),
        "b": e.b.to_string(),
        "decision": e.decision,
        "automatic": e.automatic,
        "score": e.score,
        "note": e.note,
        "decided_by": e.decided_by,
        "decided_at": vigil_model::rfc3339(e.decided_at),
    })
}

fn queued_json(q: &QueuedPair) -> Value {
    json!({
        "a": q.pair.a.to_string(),
        "b": q.pair.b.to_string(),
        "score": q.pair.score,
        "reasons": q.pair.reasons.iter().map(|r| json!({
            "rule": r.rule, "from": r.from, "to": r.to, "explanation": r.explanation,
        })).collect::<Vec<_>>(),
        "conflicts": q.pair.conflicts,
        "unsure": q.unsure,
        "found_at": vigil_model::rfc3339(q.found_at),
    })
}

#[derive(Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    unsure: bool,
    #[serde(default)]
    offset: usize,
    limit: Option<usize>,
}

/// `GET /api/v1/duplicates[?unsure=true&offset=&limit=]`
async fn queue(
    State(state): State<AppState>,
    Query(query): Query<QueueQuery>,
) -> Result<Json<Value>, Problem> {
    let limit = query.limit.unwrap_or(50).clamp(1, 500);
    let store = state.store.clone();
    let items = blocking(move || store.duplicate_queue(query.offset, limit, query.unsure)).await?;
    Ok(Json(
        json!({ "items": items.iter().map(queued_json).collect::<Vec<_>>() }),
    ))
}

fn id_field(value: &Value, field: &str) -> Result<RecordId, ValidationErrors> {
    value
        .get(field)
        .and_then(Value::as_str)
        .and_then(|s| RecordId::from_str(s).ok())
        .ok_or_else(|| ValidationErrors::single(format!("/{field}"), "must be a person id (UUID)"))
}

/// `POST /api/v1/duplicates/decisions` `{a, b, decision, note}`
async fn decide(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, Problem> {
    let value = parse_json(&headers, &bytes)?;
    let mut errors = ValidationErrors::default();
    let a = id_field(&value, "a").map_err(|e| errors.0.extend(e.0)).ok();
    let b = id_field(&value, "b").map_err(|e| errors.0.extend(e.0)).ok();
    let decision = match value.get("decision").and_then(Value::as_str) {
        Some("same") => Some(Decision::Same),
        Some("not_same") => Some(Decision::NotSame),
        Some("unsure") => Some(Decision::Unsure),
        _ => {
            errors.push("/decision", "must be same, not_same or unsure");
            None
        }
    };
    let note = match value.get("note") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            errors.push("/note", "must be text");
            None
        }
    };
    if let Some(key) = value.as_object().and_then(|o| {
        o.keys()
            .find(|k| !["a", "b", "decision", "note"].contains(&k.as_str()))
    }) {
        errors.push(
            format!("/{key}"),
            "unknown field; send a, b, decision and note",
        );
    }
    let (Some(a), Some(b), Some(decision), true) = (a, b, decision, errors.is_empty()) else {
        return Err(Problem::invalid(errors));
    };
    let store = state.store.clone();
    let actor = caller.actor();
    let entry = blocking(move || store.decide(a, b, decision, note.as_deref(), &actor)).await?;
    Ok((StatusCode::CREATED, Json(entry_json(&entry))).into_response())
}

/// `DELETE /api/v1/duplicates/decisions/{a}/{b}`: revokes the pair's
/// decision (undoes a merge).
async fn undo(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((a, b)): Path<(String, String)>,
) -> Result<Json<Value>, Problem> {
    let (a, b) = (parse_id(&a)?, parse_id(&b)?);
    let store = state.store.clone();
    let actor = caller.actor();
    let entry = blocking(move || store.undo_decision(a, b, &actor)).await?;
    Ok(Json(entry_json(&entry)))
}

/// `GET /api/v1/persons/{id}/identity`: the person's cluster, the records
/// kept apart from it, and every decision about it. Only what the caller
/// may see.
async fn identity(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let id = parse_id(&id)?;
    let store = state.store.clone();
    let max = caller.max_confidentiality();
    let (identity, log, visible) = blocking(move || {
        let visible_id = |x: RecordId| -> Result<bool, StoreError> {
            Ok(store
                .get(Kind::Person, x)?
                .is_some_and(|r| r.body.confidentiality() <= max))
        };
        if !visible_id(id)? {
            return Err(StoreError::NotFound {
                kind: Kind::Person,
                id,
            });
        }
        let identity = store.identity(id)?;
        let log = store.identity_log(id)?;
        let mut visible = std::collections::HashSet::new();
        for x in identity
            .members
            .iter()
            .chain(&identity.not_same)
            .chain(log.iter().flat_map(|e| [&e.a, &e.b]))
        {
            if visible_id(*x)? {
                visible.insert(*x);
            }
        }
        Ok((identity, log, visible))
    })
    .await?;
    let members: Vec<RecordId> = identity
        .members
        .iter()
        .copied()
        .filter(|m| visible.contains(m))
        .collect();
    let canonical = if visible.contains(&identity.canonical) {
        identity.canonical
    } else {
        members.first().copied().unwrap_or(id)
    };
    let ids = |v: &[RecordId]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
    let not_same: Vec<RecordId> = identity
        .not_same
        .iter()
        .copied()
        .filter(|m| visible.contains(m))
        .collect();
    let log: Vec<Value> = log
        .iter()
        .filter(|e| visible.contains(&e.a) && visible.contains(&e.b))
        .map(entry_json)
        .collect();
    Ok(Json(json!({
        "id": id.to_string(),
        "canonical": canonical.to_string(),
        "members": ids(&members),
        "not_same": ids(&not_same),
        "log": log,
    })))
}
