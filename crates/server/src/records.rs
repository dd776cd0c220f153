//! The record routes: `/api/v1/{kind}` and below, plus vocabularies.

use std::collections::HashMap;
use std::str::FromStr;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::{json, Value};
use vigil_model::{Body, Kind, Person, Record, RecordId, Term};
use vigil_store::{Cursor, Filter, Page, Role, StoreError};

use crate::blocking::blocking;
use crate::caller::Caller;
use crate::problem::Problem;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/vocabularies", get(vocabularies))
        .route("/vocabularies/{name}/terms", post(add_term))
        .route("/persons/match", get(crate::names::match_persons))
        .route("/{kind}", get(list).post(create))
        .route("/{kind}/{id}", get(read).put(update).delete(remove))
        .route("/{kind}/{id}/history", get(history))
}

fn parse_kind(kind: &str) -> Result<Kind, Problem> {
    Kind::from_str(kind)
        .map_err(|e| Problem::new(StatusCode::NOT_FOUND, "not-found", e.to_string()))
}

pub(crate) fn parse_id(id: &str) -> Result<RecordId, Problem> {
    RecordId::from_str(id).map_err(|_| {
        Problem::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("{id:?} is not a record id (a UUID)"),
        )
    })
}

/// What a caller is shown of a record. A person who asked for protection
/// keeps their identifying fields from viewers.
fn present(record: &Record, caller: &Caller) -> Value {
    let mut value = record.to_json();
    if let Body::Person(p) = &record.body {
        if p.protected && !caller.has(Role::Editor) {
            if let Value::Object(map) = &mut value {
                for field in Person::IDENTIFYING_FIELDS {
                    map.remove(field);
                }
                map.insert("redacted".into(), Value::Bool(true));
            }
        }
    }
    value
}

fn with_etag(status: StatusCode, record: &Record, caller: &Caller) -> Response {
    let mut response = (status, Json(present(record, caller))).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", record.version)) {
        response.headers_mut().insert(header::ETAG, v);
    }
    response
}

/// Parses a JSON body, refusing anything that is not a JSON object, with the
/// position of a syntax error.
pub(crate) fn parse_json(headers: &HeaderMap, bytes: &Bytes) -> Result<Value, Problem> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let is_json = content_type.split(';').next().is_some_and(|t| {
        let t = t.trim();
        t == "application/json" || t.ends_with("+json")
    });
    if !is_json {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "send the record as JSON with `Content-Type: application/json`",
        ));
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "malformed-json",
            format!(
                "the body is not valid JSON: {e} (line {}, column {})",
                e.line(),
                e.column()
            ),
        )
    })?;
    if !value.is_object() {
        return Err(Problem::invalid(vigil_model::ValidationErrors::single(
            "",
            "the body must be a JSON object",
        )));
    }
    Ok(value)
}

fn optional_id(value: &Value, field: &str) -> Result<Option<RecordId>, Problem> {
    match value.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => RecordId::from_str(s).map(Some).map_err(|_| {
            Problem::invalid(vigil_model::ValidationErrors::single(
                format!("/{field}"),
                "must be a UUID",
            ))
        }),
        Some(_) => Err(Problem::invalid(vigil_model::ValidationErrors::single(
            format!("/{field}"),
            "must be a UUID string",
        ))),
    }
}

async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(kind): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, Problem> {
    let kind = parse_kind(&kind)?;
    let value = parse_json(&headers, &bytes)?;
    let id = optional_id(&value, "id")?;
    let body = Body::from_json(kind, value).map_err(Problem::invalid)?;
    let actor = caller.actor();
    let store = state.store.clone();
    let record = blocking(move || store.create(id, body, &actor)).await?;
    let mut response = with_etag(StatusCode::CREATED, &record, &caller);
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/{}/{}", kind.plural(), record.id)) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

async fn read(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let (kind, id) = (parse_kind(&kind)?, parse_id(&id)?);
    let store = state.store.clone();
    let record = blocking(move || store.get(kind, id)).await?;
    match record {
        // A record the caller may not see does not exist for them.
        Some(r) if caller.may_see(r.body.confidentiality()) => {
            Ok(with_etag(StatusCode::OK, &r, &caller))
        }
        _ => Err(StoreError::NotFound { kind, id }.into()),
    }
}

/// The version a PUT edits: `If-Match: "3"` or a `version` field.
fn expected_version(headers: &HeaderMap, value: &Value) -> Result<u64, Problem> {
    if let Some(tag) = headers.get(header::IF_MATCH) {
        let text = tag.to_str().unwrap_or("").trim();
        let text = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
        return text.parse().map_err(|_| {
            Problem::bad_parameter(
                "If-Match",
                format!("{text:?} is not a version; send the ETag you received, e.g. \"3\""),
            )
        });
    }
    match value.get("version") {
        Some(Value::Number(n)) => n.as_u64().ok_or_else(|| {
            Problem::invalid(vigil_model::ValidationErrors::single("/version", "must be a positive whole number"))
        }),
        Some(_) => Err(Problem::invalid(vigil_model::ValidationErrors::single("/version", "must be a number"))),
        None => Err(Problem::new(
            StatusCode::PRECONDITION_REQUIRED,
            "version-required",
            "say which version you edit, with `If-Match: \"<version>\"` or a `version` field, so that nobody's change is overwritten unseen",
        )),
    }
}

async fn update(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((kind, id)): Path<(String, String)>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, Problem> {
    let (kind, id) = (parse_kind(&kind)?, parse_id(&id)?);
    let value = parse_json(&headers, &bytes)?;
    if let Some(body_id) = optional_id(&value, "id")? {
        if body_id != id {
            return Err(Problem::invalid(vigil_model::ValidationErrors::single(
                "/id",
                "the id in the body differs from the id in the URL",
            )));
        }
    }
    let version = expected_version(&headers, &value)?;
    let body = Body::from_json(kind, value).map_err(Problem::invalid)?;
    let actor = caller.actor();
    let store = state.store.clone();
    let record = blocking(move || store.update(kind, id, version, body, &actor)).await?;
    Ok(with_etag(StatusCode::OK, &record, &caller))
}

async fn remove(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((kind, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<StatusCode, Problem> {
    let (kind, id) = (parse_kind(&kind)?, parse_id(&id)?);
    let version = match headers.get(header::IF_MATCH) {
        Some(_) => Some(expected_version(&headers, &Value::Null)?),
        None => None,
    };
    let store = state.store.clone();
    let actor = caller.actor();
    blocking(move || store.delete(kind, id, version, &actor)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn history(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Json<Value>, Problem> {
    let (kind, id) = (parse_kind(&kind)?, parse_id(&id)?);
    let store = state.store.clone();
    let entries = blocking(move || store.history(kind, id)).await?;
    // Hidden if any version was beyond the caller's level: a record that
    // was restricted once stays private in its past.
    if entries
        .iter()
        .filter_map(|e| e.record.as_ref())
        .any(|r| !caller.may_see(r.body.confidentiality()))
    {
        return Err(StoreError::NotFound { kind, id }.into());
    }
    let items: Vec<Value> = entries
        .iter()
        .map(|e| {
            json!({
                "version": e.version,
                "operation": e.operation,
                "written_at": vigil_model::rfc3339(e.written_at),
                "written_by": e.written_by,
                "record": e.record.as_ref().map(|r| present(r, &caller)),
            })
        })
        .collect();
    Ok(Json(
        json!({ "id": id.to_string(), "kind": kind.singular(), "versions": items }),
    ))
}

async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(kind): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Value>, Problem> {
    let kind = parse_kind(&kind)?;
    let id_param = |name: &str| -> Result<Option<RecordId>, Problem> {
        params
            .get(name)
            .filter(|v| !v.is_empty())
            .map(|v| {
                RecordId::from_str(v)
                    .map_err(|_| Problem::bad_parameter(name, "must be a record id (UUID)"))
            })
            .transpose()
    };
    let date_param = |name: &str| -> Result<Option<String>, Problem> {
        params
            .get(name)
            .filter(|v| !v.is_empty())
            .map(|v| {
                let ok = v.len() <= 10
                    && v.bytes().all(|b| b.is_ascii_digit() || b == b'-')
                    && v.len() >= 4
                    && v.as_bytes()[..4].iter().all(u8::is_ascii_digit);
                if ok {
                    Ok(v.clone())
                } else {
                    Err(Problem::bad_parameter(
                        name,
                        "write a date as YYYY, YYYY-MM or YYYY-MM-DD",
                    ))
                }
            })
            .transpose()
    };
    for key in params.keys() {
        if ![
            "type", "place", "person", "from", "to", "q", "limit", "cursor",
        ]
        .contains(&key.as_str())
        {
            return Err(Problem::bad_parameter(
                key,
                "unknown parameter; filters are type, place, person, from, to, q, with limit and cursor for paging",
            ));
        }
    }
    let filter = Filter {
        record_type: params.get("type").filter(|v| !v.is_empty()).cloned(),
        place: id_param("place")?,
        linked_to: id_param("person")?,
        from: date_param("from")?,
        to: date_param("to")?,
        text: params.get("q").filter(|v| !v.trim().is_empty()).cloned(),
        max_confidentiality: caller.max_confidentiality(),
    };
    let limit = match params.get("limit") {
        None => 50,
        Some(v) => match v.parse::<u32>() {
            Ok(n @ 1..=1000) => n,
            _ => {
                return Err(Problem::bad_parameter(
                    "limit",
                    "must be a whole number from 1 to 1000",
                ))
            }
        },
    };
    let after = match params.get("cursor").filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => Some(
            v.parse::<Cursor>()
                .map_err(|why| Problem::bad_parameter("cursor", why))?,
        ),
    };
    let page = Page { after, limit };
    let store = state.store.clone();
    let result = blocking(move || store.list(kind, &filter, &page)).await?;
    let items: Vec<Value> = result.records.iter().map(|r| present(r, &caller)).collect();
    Ok(Json(json!({
        "items": items,
        "next_cursor": result.next.map(|cursor| cursor.to_string()),
    })))
}

async fn vocabularies(State(state): State<AppState>) -> Result<Json<Value>, Problem> {
    let store = state.store.clone();
    let vocab = blocking(move || store.vocabularies()).await?;
    Ok(Json(serde_json::to_value(&vocab.0).unwrap_or_default()))
}

async fn add_term(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(name): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, Problem> {
    let value = parse_json(&headers, &bytes)?;
    let term: Term = serde_json::from_value(value)
        .map_err(|e| Problem::invalid(vigil_model::ValidationErrors::single("", e.to_string())))?;
    let store = state.store.clone();
    let actor = caller.actor();
    let stored = term.clone();
    blocking(move || store.add_term(&name, term, &actor)).await?;
    Ok((StatusCode::CREATED, Json(stored)).into_response())
}
