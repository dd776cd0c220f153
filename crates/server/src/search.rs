//! `GET /api/v1/search`, and the query both it and the search page take.
//! The index and how it follows the store are `vigil_app::search`.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Value};
use vigil_app::SearchFailure;
use vigil_search::{Filters, SearchError, SearchResults};

use crate::blocking::{blocking, Failure};
use crate::caller::Caller;
use crate::problem::Problem;
use crate::AppState;

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    pub q: Option<String>,
    /// Kinds, comma-separated: person, event, claim, passage, ...
    pub kind: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub place: Option<String>,
    pub source_kind: Option<String>,
    /// Grades, comma-separated: A,B
    pub grade: Option<String>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

impl SearchQuery {
    pub fn filters(&self, caller: &Caller) -> Filters {
        let list = |v: &Option<String>| -> Vec<String> {
            v.as_deref()
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        let some = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        Filters {
            kinds: list(&self.kind),
            from: some(&self.from),
            to: some(&self.to),
            place: some(&self.place),
            source_kind: some(&self.source_kind),
            grades: list(&self.grade),
            max_confidentiality: caller.max_confidentiality().rank(),
        }
    }
}

/// Runs a search for a caller after catching up with the store.
pub async fn run(
    state: &AppState,
    caller: &Caller,
    query: &SearchQuery,
) -> Result<SearchResults, Problem> {
    let q = query.q.clone().unwrap_or_default();
    let filters = query.filters(caller);
    let (limit, offset) = (
        query.limit.unwrap_or(20).clamp(1, 100),
        query.offset.unwrap_or(0).min(10_000),
    );
    let (search, store) = (state.search.clone(), state.store.clone());
    blocking(move || {
        search.catch_up(store.as_ref())?;
        search.search(&q, &filters, limit, offset)
    })
    .await
    .map_err(|failure| match failure {
        Failure::Failed(SearchFailure::Index(SearchError::InvalidDate(d))) => {
            Problem::bad_parameter(
                "from",
                format!("{d:?} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD"),
            )
        }
        Failure::Failed(SearchFailure::Store(e)) => Problem::from(e),
        Failure::Failed(SearchFailure::Index(e)) => {
            tracing::error!(error = %e, "search index failure");
            Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "search-index",
                "the search index failed; `vigil reindex` rebuilds it from the store",
            )
        }
        Failure::Panicked => Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "search failed",
        ),
    })
}

/// `GET /api/v1/search?q=...[&kind=&from=&to=&place=&source_kind=&grade=&limit=&offset=]`
pub async fn api(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<SearchQuery>,
) -> Result<Json<Value>, Problem> {
    if query.q.as_deref().is_none_or(|q| q.trim().is_empty()) {
        return Err(Problem::bad_parameter(
            "q",
            "give words to look for: ?q=detention (English, Chinese or Uyghur)",
        ));
    }
    let results = run(&state, &caller, &query).await?;
    Ok(Json(json!({
        "total": results.total,
        "items": results.hits.iter().map(|h| json!({
            "kind": h.kind,
            "id": h.id,
            "document": h.document,
            "paragraph": h.paragraph,
            "title": h.title,
            "snippet": h.snippet.text,
            "highlights": h.snippet.highlights,
            "score": h.score,
        })).collect::<Vec<_>>(),
    })))
}
