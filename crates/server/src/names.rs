//! Finding people by name in any script: the name index over the store's
//! persons, and the `/api/v1/persons/match` route.
//!
//! The index lives in memory and is rebuilt when the store's generation
//! changes (one rebuild at a time; requests wait for it). That is exact —
//! it never disagrees with the store — and cheap at the demo's size; a
//! persisted key table updated with each write is the next step for
//! millions of people.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{json, Value};
use vigil_model::{Body, Confidentiality, Kind, RecordId};
use vigil_names::{Candidate, Facts, NameIndex};
use vigil_store::{Store, StoreError};

use crate::auth::Caller;
use crate::problem::Problem;
use crate::AppState;

/// What the index keeps beside the names, to decide who may see a match.
struct Visibility {
    confidentiality: Confidentiality,
    protected: bool,
}

pub struct PersonIndex {
    generation: u64,
    index: NameIndex<RecordId>,
    visibility: HashMap<RecordId, Visibility>,
}

impl PersonIndex {
    /// Reads every person of the store into a new index.
    pub fn build(store: &dyn Store) -> Result<PersonIndex, StoreError> {
        let generation = store.generation();
        let mut index = NameIndex::default();
        let mut visibility = HashMap::new();
        store.export(&[Kind::Person], &mut |record| {
            if let Body::Person(p) = &record.body {
                let names: Vec<String> = p.names.iter().map(|n| n.text.clone()).collect();
                let facts = Facts {
                    birth_year: p
                        .birth_date
                        .as_ref()
                        .and_then(|d| d.as_str().get(..4)?.parse().ok()),
                    sex: p
                        .sex
                        .and_then(|s| serde_json::to_value(s).ok()?.as_str().map(str::to_owned)),
                };
                index.insert(record.id, &names, facts);
                visibility.insert(
                    record.id,
                    Visibility {
                        confidentiality: p.confidentiality,
                        protected: p.protected,
                    },
                );
            }
            Ok(())
        })?;
        Ok(PersonIndex {
            generation,
            index,
            visibility,
        })
    }

    /// Candidates the caller may see: within their confidentiality level,
    /// and not people who asked for protection unless they are editors.
    pub fn search(
        &self,
        name: &str,
        facts: &Facts,
        caller: &Caller,
        limit: usize,
    ) -> Vec<Candidate<RecordId>> {
        let visible = |id: &RecordId| {
            self.visibility.get(id).is_some_and(|v| {
                caller.may_see(v.confidentiality)
                    && (!v.protected || caller.has(vigil_store::Role::Editor))
            })
        };
        let mut hits = self.index.search(name, facts, limit * 4 + 20);
        hits.retain(|c| visible(&c.id));
        hits.truncate(limit);
        hits
    }
}

/// The current index, rebuilt when the store has changed since.
#[derive(Default)]
pub struct IndexCache {
    current: std::sync::Mutex<Option<Arc<PersonIndex>>>,
    building: tokio::sync::Mutex<()>,
}

impl IndexCache {
    pub async fn get(&self, store: &Arc<dyn Store>) -> Result<Arc<PersonIndex>, Problem> {
        let fresh = |c: &Option<Arc<PersonIndex>>| {
            c.as_ref()
                .filter(|i| i.generation == store.generation())
                .cloned()
        };
        if let Some(i) = fresh(&self.current.lock().expect("index poisoned")) {
            return Ok(i);
        }
        let _only_one = self.building.lock().await;
        if let Some(i) = fresh(&self.current.lock().expect("index poisoned")) {
            return Ok(i);
        }
        let s = store.clone();
        let built = tokio::task::spawn_blocking(move || PersonIndex::build(s.as_ref()))
            .await
            .map_err(|_| {
                Problem::from(StoreError::Sink("building the name index failed".into()))
            })??;
        let built = Arc::new(built);
        *self.current.lock().expect("index poisoned") = Some(built.clone());
        Ok(built)
    }
}

#[derive(Deserialize)]
pub struct MatchQuery {
    name: Option<String>,
    birth_year: Option<i32>,
    sex: Option<String>,
    limit: Option<usize>,
}

/// `GET /api/v1/persons/match?name=...[&birth_year=&sex=&limit=]`
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
    };
    let index = state.names.get(&state.store).await?;
    let hits = index.search(&name, &facts, &caller, limit);
    let items: Vec<Value> = hits
        .iter()
        .map(|c| {
            json!({
                "id": c.id.to_string(),
                "score": (c.score * 1000.0).round() / 1000.0,
                "reasons": c.reasons.iter().map(|r| json!({
                    "rule": format!("{:?}", r.rule),
                    "explanation": format!("{} → {}: {}", r.query, r.name, r.rule.describe()),
                })).collect::<Vec<_>>(),
                "conflicts": c.conflicts,
            })
        })
        .collect();
    Ok(Json(json!({ "name": name, "items": items })))
}
