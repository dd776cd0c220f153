//! The dashboard: counts per kind, per area, per event type and per year,
//! who is detained now, and what changed last, over what the caller may see.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::StatusCode;
use maud::{html, Markup};
use vigil_model::{Body, Confidentiality, Kind, RecordId};
use vigil_store::{Store, StoreError, Summary};

use super::view::{kind_key, Ctx};
use super::{layout, page, user_text, Lang, PageError, PageResult};
use crate::blocking::blocking;
use crate::AppState;

/// How many detained people, areas and recent changes the page lists.
const DETAINED_SHOWN: usize = 25;
const AREAS_SHOWN: usize = 12;

/// How a record the dashboard links to is shown at one confidentiality level.
#[derive(Clone)]
enum Shown {
    Label(String),
    /// A person who asked for protection, seen below editor.
    Protected(Option<String>),
    /// Beyond the level (an area's place may be internal while its events
    /// are public).
    Hidden,
}

/// A summary with the labels of every record it links to, computed in one
/// go off the async threads.
struct Cached {
    generation: u64,
    level: Confidentiality,
    summary: Summary,
    labels: HashMap<RecordId, Shown>,
}

/// Summaries are computed once per store generation and confidentiality
/// level: the dashboard is read far more often than records change. One
/// computation runs at a time, so a burst of requests after a change
/// waits for it instead of repeating it.
#[derive(Default)]
pub struct SummaryCache {
    entries: Mutex<Vec<Arc<Cached>>>,
    computing: tokio::sync::Mutex<()>,
}

impl SummaryCache {
    fn lookup(&self, generation: u64, level: Confidentiality) -> Option<Arc<Cached>> {
        let entries = self.entries.lock().expect("cache poisoned");
        entries
            .iter()
            .find(|c| c.generation == generation && c.level == level)
            .cloned()
    }

    async fn get(
        &self,
        store: &Arc<dyn Store>,
        level: Confidentiality,
    ) -> Result<Arc<Cached>, PageError> {
        if let Some(c) = self.lookup(store.generation(), level) {
            return Ok(c);
        }
        let _only_one = self.computing.lock().await;
        let generation = store.generation();
        if let Some(c) = self.lookup(generation, level) {
            return Ok(c);
        }
        let store = store.clone();
        let cached = Arc::new(blocking(move || compute(store.as_ref(), generation, level)).await?);
        let mut entries = self.entries.lock().expect("cache poisoned");
        entries.retain(|c| c.generation == generation && c.level != level);
        entries.push(cached.clone());
        Ok(cached)
    }
}

fn compute(
    store: &dyn Store,
    generation: u64,
    level: Confidentiality,
) -> Result<Cached, StoreError> {
    let summary = store.summary(level)?;
    let mut wanted: Vec<(Kind, RecordId)> = Vec::new();
    wanted.extend(
        summary
            .detained
            .iter()
            .take(DETAINED_SHOWN)
            .map(|d| (Kind::Person, d.0)),
    );
    wanted.extend(
        summary
            .events_by_area
            .iter()
            .take(AREAS_SHOWN)
            .map(|a| (Kind::Place, a.0)),
    );
    wanted.extend(summary.recent.iter().map(|r| (r.0, r.1)));
    let mut labels = HashMap::new();
    for (kind, id) in wanted {
        let shown = match store.get(kind, id)? {
            Some(r) if r.body.confidentiality() <= level => match &r.body {
                // Below restricted level the viewer is not an editor.
                Body::Person(p) if p.protected && level < Confidentiality::Restricted => {
                    Shown::Protected(p.unidentified.clone())
                }
                body => Shown::Label(body.label()),
            },
            _ => Shown::Hidden,
        };
        labels.insert(id, shown);
    }
    Ok(Cached {
        generation,
        level,
        summary,
        labels,
    })
}

fn link(cached: &Cached, lang: Lang, kind: Kind, id: RecordId) -> Markup {
    let text = match cached.labels.get(&id) {
        Some(Shown::Label(l)) => l.clone(),
        Some(Shown::Protected(descriptor)) => descriptor
            .clone()
            .unwrap_or_else(|| lang.t("protected-person")),
        _ => return html! { span.muted { (lang.t("not-visible")) } },
    };
    html! { a href={ "/" (kind.plural()) "/" (id) } { (user_text(&text)) } }
}

pub async fn dashboard(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let lang = ctx.lang;
    let cached = state
        .summaries
        .get(&ctx.store, ctx.caller.max_confidentiality())
        .await?;
    let summary = &cached.summary;
    let max_year = summary
        .events_by_year
        .iter()
        .map(|(_, n)| *n)
        .max()
        .unwrap_or(1)
        .max(1);
    let markup = html! {
        h1 { (lang.t("dashboard")) }
        @if ctx.caller.user.is_none() { p.muted { (lang.t("public-view-note")) } }
        section.counts {
            @for (kind, n) in &summary.counts {
                a.count href={ "/" (kind.plural()) } { strong { (n) } " " (lang.t(kind_key(*kind))) }
            }
        }
        section {
            h2 { (lang.t("events-by-area")) }
            table { @for (place, n) in summary.events_by_area.iter().take(AREAS_SHOWN) {
                tr { td { (link(&cached, lang, Kind::Place, *place)) } td.number { a href={ "/events?place=" (place) } { (n) } } }
            } }
        }
        div.columns {
            section {
                h2 { (lang.t("detained-now")) " (" (summary.detained.len()) ")" }
                @if summary.detained.is_empty() { p.muted { (lang.t("list-empty")) } }
                ul { @for (id, type_code, date) in summary.detained.iter().take(DETAINED_SHOWN) {
                    li { (link(&cached, lang, Kind::Person, *id)) " — " (ctx.term("event_type", type_code)) ", " (date) }
                } }
                @if summary.detained.len() > DETAINED_SHOWN { p.muted { (lang.t("and-more")) } }
            }
            section {
                h2 { (lang.t("events-by-type")) }
                table { @for (code, n) in &summary.events_by_type {
                    tr { td { a href={ "/events?type=" (code) } { (ctx.term("event_type", code)) } } td.number { (n) } }
                } }
            }
        }
        section {
            h2 { (lang.t("events-by-year")) }
            table.bars { @for (year, n) in &summary.events_by_year {
                tr {
                    th scope="row" { a href={ "/events?from=" (year) "&to=" (year) } { (year) } }
                    td { meter min="0" max=(max_year) value=(n) { (n) } }
                    td.number { (n) }
                }
            } }
        }
        section {
            h2 { (lang.t("recent-changes")) }
            ul { @for (kind, id, at) in &summary.recent {
                li { span.muted { (at) } " " (lang.t(kind_key(*kind))) ": " (link(&cached, lang, *kind, *id)) }
            } }
        }
    };
    Ok(page(
        StatusCode::OK,
        layout(&ctx.frame(lang.t("dashboard"), "/"), markup),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caller::Caller;
    use vigil_store::Role;

    /// The role whose confidentiality cap is `level`.
    fn role_for(level: Confidentiality) -> Option<Role> {
        match level {
            Confidentiality::Public => None,
            Confidentiality::Internal => Some(Role::Viewer),
            Confidentiality::Restricted => Some(Role::Editor),
        }
    }

    #[test]
    fn a_level_is_exactly_one_role_cap() {
        for level in [
            Confidentiality::Public,
            Confidentiality::Internal,
            Confidentiality::Restricted,
        ] {
            let caller = Caller {
                role: role_for(level),
                ..Caller::default()
            };
            assert_eq!(caller.max_confidentiality(), level);
        }
    }
}
