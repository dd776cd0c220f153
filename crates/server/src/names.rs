//! `GET /api/v1/persons/match`, and the server's one name index
//! (`vigil_app::names`), built on first use and caught up before each.

use axum::extract::{Query, State};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Value};
use vigil_app::{fold_for, PersonIndex};
use vigil_names::Facts;
use vigil_store::{Store, StoreError};

use crate::blocking::{blocking, Failure};
use crate::caller::Caller;
use crate::problem::Problem;
use crate::AppState;

/// The server's index: built on first use, then caught up before each use.
#[derive(Default)]
pub struct IndexCache {
    index: tokio::sync::OnceCell<std::sync::Arc<PersonIndex>>,
}

impl IndexCache {
    pub async fn get(
        &self,
        store: &std::sync::Arc<dyn Store>,
    ) -> Result<std::sync::Arc<PersonIndex>, Problem> {
        // A panic answers as a store failure: 500, cause in the log.
        let failed = |failure: Failure<StoreError>| match failure {
            Failure::Failed(e) => Problem::from(e),
            Failure::Panicked => {
                Problem::from(StoreError::Sink("building the name index failed".into()))
            }
        };
        let index = self
            .index
            .get_or_try_init(|| async {
                let s = store.clone();
                blocking(move || PersonIndex::build(s.as_ref()))
                    .await
                    .map(std::sync::Arc::new)
                    .map_err(failed)
            })
            .await?
            .clone();
        let (s, i) = (store.clone(), index.clone());
        blocking(move || i.catch_up(s.as_ref()))
            .await
            .map_err(failed)?;
        Ok(index)
    }
}

#[derive(Deserialize)]
pub struct MatchQuery {
    name: Option<String>,
    birth_year: Option<i32>,
    sex: Option<String>,
    place: Option<String>,
    limit: Option<usize>,
}

/// `GET /api/v1/persons/match?name=...[&birth_year=&sex=&place=&limit=]`
pub async fn match_persons(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<MatchQuery>,
) -> Result<Json<Value>, Problem> {
    let name = query.name.filter(|n| !n.trim().is_empty()).ok_or_else(|| {
        Problem::bad_parameter(
            "name",
            "give the name to look for, in any script: ?name=Ilham Tohti",
        )
    })?;
    let limit = query.limit.unwrap_or(10).clamp(1, 100);
    let facts = Facts {
        birth_year: query.birth_year,
        sex: query.sex.map(|s| s.to_lowercase()),
        place: query.place.as_deref().and_then(vigil_names::place_key),
    };
    let index = state.names.get(&state.store).await?;
    let hits = index.search(state.store.as_ref(), &name, &facts, caller.access(), limit)?;
    let hits = fold_for(state.store.as_ref(), caller.access(), hits)?;
    let items: Vec<Value> = hits
        .iter()
        .map(|c| {
            json!({
                "id": c.id.to_string(),
                "score": (c.score * 1000.0).round() / 1000.0,
                "reasons": c.reasons.iter().map(|r| json!({
                    "rule": format!("{:?}", r.rule),
                    "explanation": r.explanation(),
                })).collect::<Vec<_>>(),
                "conflicts": c.conflicts,
            })
        })
        .collect();
    Ok(Json(json!({ "name": name, "items": items })))
}
