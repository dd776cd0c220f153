//! The documents API: upload, read, paragraphs, the original as a
//! download. Receiving a document is `vigil_app::documents`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Value};
use vigil_app::{Arrival, Evidence, IngestError};
use vigil_model::{Confidentiality, Document, RecordId};

use crate::blocking::{blocking, Failure};
use crate::caller::Caller;
use crate::problem::Problem;
use crate::AppState;

/// Largest document accepted over HTTP; bigger files go through
/// `vigil ingest`.
pub const MAX_UPLOAD_BYTES: usize = 256 * 1024 * 1024;

impl From<IngestError> for Problem {
    fn from(e: IngestError) -> Problem {
        match e {
            IngestError::Store(e) => Problem::from(e),
            IngestError::Evidence(e) => {
                tracing::error!(error = %e, "keeping a document failed");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "evidence-store",
                    "the document could not be kept; nothing was recorded",
                )
            }
        }
    }
}

pub fn document_json(d: &Document) -> Value {
    serde_json::to_value(d).unwrap_or(Value::Null)
}

#[derive(Deserialize)]
pub struct UploadQuery {
    name: Option<String>,
    confidentiality: Option<Confidentiality>,
    source: Option<String>,
}

/// `POST /api/v1/documents?name=report.pdf[&confidentiality=&source=]`
/// with the file as the body. 201 for a new document, 200 when the same
/// bytes were received before.
pub async fn upload(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<UploadQuery>,
    body: Bytes,
) -> Result<Response, Problem> {
    let evidence = configured(&state)?;
    let file_name = query
        .name
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| Problem::bad_parameter("name", "give the file's name: ?name=report.pdf"))?;
    if body.is_empty() {
        return Err(Problem::bad_parameter(
            "body",
            "send the file as the request body",
        ));
    }
    let source = match query.source.as_deref() {
        Some(s) => Some(
            s.parse::<RecordId>()
                .map_err(|_| Problem::bad_parameter("source", "not a record id"))?,
        ),
        None => None,
    };
    let confidentiality = query.confidentiality.unwrap_or(Confidentiality::Internal);
    if !caller.may_see(confidentiality) {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "you cannot file a document above your own confidentiality level",
        ));
    }
    let store = state.store.clone();
    let actor = caller.actor();
    let (doc, created) = blocking(move || {
        evidence.ingest_bytes(
            store.as_ref(),
            &body,
            Arrival {
                file_name,
                confidentiality,
                source,
            },
            &actor,
        )
    })
    .await
    .map_err(|failure| match failure {
        Failure::Failed(e) => Problem::from(e),
        Failure::Panicked => Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "ingestion failed",
        ),
    })?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut response = (status, Json(document_json(&doc))).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/documents/{}", doc.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

pub(crate) fn configured(state: &AppState) -> Result<Arc<Evidence>, Problem> {
    state.evidence.clone().ok_or_else(|| {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no-evidence-store",
            "this server keeps no documents: start it with `vigil serve`, which keeps them in its data directory",
        )
    })
}

/// A document the caller may see, or 404 (the same answer whether it does
/// not exist or is above their level).
async fn visible(state: &AppState, caller: &Caller, id: &str) -> Result<Document, Problem> {
    let not_found = || Problem::new(StatusCode::NOT_FOUND, "not-found", "no such document");
    let id: RecordId = id.parse().map_err(|_| not_found())?;
    let store = state.store.clone();
    blocking(move || store.document(id))
        .await?
        .filter(|d| caller.may_see(d.confidentiality))
        .ok_or_else(not_found)
}

/// `GET /api/v1/documents/{id}`
pub async fn read(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    UrlPath(id): UrlPath<String>,
) -> Result<Json<Value>, Problem> {
    Ok(Json(document_json(&visible(&state, &caller, &id).await?)))
}

/// `GET /api/v1/documents/{id}/paragraphs`
pub async fn paragraphs(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    UrlPath(id): UrlPath<String>,
) -> Result<Json<Value>, Problem> {
    let doc = visible(&state, &caller, &id).await?;
    let store = state.store.clone();
    let paragraphs = blocking(move || store.paragraphs(doc.id)).await?;
    Ok(Json(json!({
        "document": doc.id.to_string(),
        "items": paragraphs.iter().map(|p| json!({"number": p.number, "page": p.page, "text": p.text})).collect::<Vec<_>>(),
    })))
}

/// `GET /api/v1/documents/{id}/original`: the bytes as received, served
/// as an attachment so that a browser never renders hostile HTML or PDF
/// in vigil's origin.
pub async fn original(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, Problem> {
    let doc = visible(&state, &caller, &id).await?;
    serve_original(&state, &doc).await
}

/// The original bytes of `doc` (which the caller may see) as a download:
/// `application/octet-stream`, `Content-Disposition: attachment`. Shared by
/// the API and the reader page's download link.
pub(crate) async fn serve_original(state: &AppState, doc: &Document) -> Result<Response, Problem> {
    let evidence = configured(state)?;
    let sha = doc.sha256.clone();
    let bytes = blocking(move || evidence.original(&sha).map_err(IngestError::from))
        .await
        .map_err(|failure| match failure {
            Failure::Failed(e) => Problem::from(e),
            Failure::Panicked => Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "reading failed",
            ),
        })?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        doc.file_name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            })
            .collect::<String>()
    );
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", doc.sha256)) {
        headers.insert(header::ETAG, v);
    }
    Ok(response)
}

#[derive(Deserialize)]
pub struct ListQuery {
    offset: Option<u64>,
    limit: Option<u64>,
}

/// `GET /api/v1/documents`
pub async fn list(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Value>, Problem> {
    let store = state.store.clone();
    let (offset, limit) = (q.offset.unwrap_or(0), q.limit.unwrap_or(50).clamp(1, 500));
    let max = caller.max_confidentiality();
    let docs = blocking(move || store.documents(max, offset, limit)).await?;
    Ok(Json(
        json!({ "items": docs.iter().map(document_json).collect::<Vec<_>>() }),
    ))
}
