//! RFC 9457 problem documents: every error the API returns.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use vigil_model::ValidationErrors;
use vigil_store::StoreError;

#[derive(Debug, Serialize)]
pub struct FieldProblem {
    /// A JSON pointer into the request body (RFC 6901).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// A query parameter or header, for problems outside the body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    pub detail: String,
}

/// An error as the client sees it. Internal details (SQL, paths) are logged,
/// never sent.
#[derive(Debug, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<u64>,
}

impl Problem {
    pub fn new(status: StatusCode, slug: &str, detail: impl Into<String>) -> Self {
        Problem {
            problem_type: format!("https://vigil.invalid/problems/{slug}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            current_version: None,
        }
    }

    pub fn invalid(errors: ValidationErrors) -> Self {
        let mut p = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-record",
            format!("the record is invalid: {errors}"),
        );
        p.errors = errors
            .0
            .into_iter()
            .map(|e| FieldProblem {
                pointer: Some(e.pointer),
                parameter: None,
                detail: e.detail,
            })
            .collect();
        p
    }

    pub fn bad_parameter(parameter: &str, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        let mut p = Problem::new(
            StatusCode::BAD_REQUEST,
            "bad-parameter",
            format!("{parameter}: {detail}"),
        );
        p.errors.push(FieldProblem {
            pointer: None,
            parameter: Some(parameter.to_string()),
            detail,
        });
        p
    }

    pub fn unauthorized() -> Self {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send a valid bearer token: `Authorization: Bearer <token>` (create one with `vigil token create`)",
        )
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let unauthorized = status == StatusCode::UNAUTHORIZED;
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if unauthorized {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"vigil\""),
            );
        }
        response
    }
}

impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { .. } => {
                Problem::new(StatusCode::NOT_FOUND, "not-found", e.to_string())
            }
            StoreError::Conflict { current, .. } => {
                let mut p = Problem::new(
                    StatusCode::PRECONDITION_FAILED,
                    "stale-version",
                    e.to_string(),
                );
                p.current_version = Some(current);
                p
            }
            StoreError::Invalid(errors) => Problem::invalid(errors),
            StoreError::StillReferenced { .. } | StoreError::Duplicate(_) => {
                Problem::new(StatusCode::CONFLICT, "conflict", e.to_string())
            }
            StoreError::Refused(_) => {
                Problem::new(StatusCode::CONFLICT, "identity-conflict", e.to_string())
            }
            StoreError::NoDecision { .. } => {
                Problem::new(StatusCode::NOT_FOUND, "no-decision", e.to_string())
            }
            other => {
                tracing::error!(error = %other, "store failure");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the server could not complete the request; the administrator can find the cause in its log",
                )
            }
        }
    }
}

/// Blocking work that failed answers as its error does; work that
/// panicked answers 500, the panic being in the log.
impl<E> From<crate::blocking::Failure<E>> for Problem
where
    Problem: From<E>,
{
    fn from(failure: crate::blocking::Failure<E>) -> Self {
        match failure {
            crate::blocking::Failure::Failed(e) => e.into(),
            crate::blocking::Failure::Panicked => Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the server could not complete the request",
            ),
        }
    }
}

pub async fn not_found() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "there is no such route; see /api/v1/openapi.json",
    )
}
