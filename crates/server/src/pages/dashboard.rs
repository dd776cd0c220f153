//! The dashboard: counts per kind, per event type and per year, who is
//! detained now, and what changed last, over what the caller may see.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use maud::html;
use vigil_model::Confidentiality;
use vigil_store::Summary;

use super::view::{blocking, kind_key, Ctx};
use super::{layout, page, Lang};
use crate::auth::Caller;
use crate::AppState;

/// Summaries are computed once per store generation and confidentiality
/// level: the dashboard is read far more often than records change.
#[derive(Default)]
pub struct SummaryCache {
    entries: Mutex<Vec<(u64, Confidentiality, Arc<Summary>)>>,
}

impl SummaryCache {
    async fn get(&self, ctx: &Ctx) -> Result<Arc<Summary>, Response> {
        let generation = ctx.store.generation();
        let level = ctx.caller.max_confidentiality();
        if let Some((_, _, s)) = self
            .entries
            .lock()
            .expect("cache poisoned")
            .iter()
            .find(|(g, l, _)| *g == generation && *l == level)
        {
            return Ok(s.clone());
        }
        let store = ctx.store.clone();
        let summary = Arc::new(blocking(move || store.summary(level)).await?);
        let mut entries = self.entries.lock().expect("cache poisoned");
        entries.retain(|(g, l, _)| *g == generation && *l != level);
        entries.push((generation, level, summary.clone()));
        Ok(summary)
    }
}

/// How many detained people the dashboard lists by name.
const DETAINED_SHOWN: usize = 25;

pub async fn dashboard(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    lang: Lang,
) -> Response {
    let ctx = match Ctx::new(&state, caller, lang).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let summary = match state.summaries.get(&ctx).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let mut detained = Vec::new();
    for (id, type_code, date) in summary.detained.iter().take(DETAINED_SHOWN) {
        match ctx.link(vigil_model::Kind::Person, *id).await {
            Ok(link) => detained.push((link, ctx.term("event_type", type_code), date)),
            Err(r) => return r,
        }
    }
    let mut areas = Vec::new();
    for (place, n) in summary.events_by_area.iter().take(12) {
        match ctx.link(vigil_model::Kind::Place, *place).await {
            Ok(link) => areas.push((link, *place, *n)),
            Err(r) => return r,
        }
    }
    let mut recent = Vec::new();
    for (kind, id, at) in &summary.recent {
        match ctx.link(*kind, *id).await {
            Ok(link) => recent.push((lang.t(kind_key(*kind)), link, at)),
            Err(r) => return r,
        }
    }
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
            table { @for (link, place, n) in &areas {
                tr { td { (link) } td.number { a href={ "/events?place=" (place) } { (n) } } }
            } }
        }
        div.columns {
            section {
                h2 { (lang.t("detained-now")) " (" (summary.detained.len()) ")" }
                @if detained.is_empty() { p.muted { (lang.t("list-empty")) } }
                ul { @for (link, what, date) in &detained { li { (link) " — " (what) ", " (date) } } }
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
            ul { @for (kind, link, at) in &recent { li { span.muted { (at) } " " (kind) ": " (link) } } }
        }
    };
    page(
        StatusCode::OK,
        layout(&ctx.frame(lang.t("dashboard"), "/"), markup),
    )
}
