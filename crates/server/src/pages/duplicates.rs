//! The duplicate review queue, decisions on pairs (same, not the same,
//! unsure), undoing merges, and what a person's page shows of the records
//! merged with it. Editors only ([`crate::auth::required`]); the scan,
//! administrators only.

use std::collections::HashMap;
use std::str::FromStr;

use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::{html, Markup};
use serde::Deserialize;
use vigil_model::{Body, Kind, Name, Record, RecordId};
use vigil_store::{Decision, IdentityEntry, QueuedPair, Role, StoreError};

use super::view::{display_label, enum_code, record_link, Ctx};
use super::{csrf_field, layout, page, query, user_text, Lang, PageError, PageResult};
use crate::blocking::{blocking, Failure};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/duplicates", get(queue))
        .route("/duplicates/decide", post(decide))
        .route("/duplicates/undo", post(undo))
        .route("/duplicates/scan", post(scan))
}

/// Pairs per page of the queue.
const PAGE: usize = 25;

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    offset: usize,
    /// What was just done, for the notice: same, not_same, unsure, undone, scan.
    #[serde(default)]
    done: String,
    /// Pairs found, after a scan.
    n: Option<usize>,
}

fn decision_key(d: Decision) -> &'static str {
    match d {
        Decision::Same => "decision-same",
        Decision::NotSame => "decision-not-same",
        Decision::Unsure => "decision-unsure",
        Decision::Undone => "decision-undone",
    }
}

async fn queue(ctx: Ctx, Query(q): Query<QueueQuery>) -> PageResult {
    let lang = ctx.lang;
    let store = ctx.store.clone();
    let offset = q.offset;
    let (mut open, unsure) = blocking(move || {
        Ok::<_, StoreError>((
            store.duplicate_queue(offset, PAGE + 1, false)?,
            if offset == 0 {
                store.duplicate_queue(0, 100, true)?
            } else {
                Vec::new()
            },
        ))
    })
    .await?;
    let more = open.len() > PAGE;
    open.truncate(PAGE);
    let mut pairs = Vec::new();
    for p in open.iter().chain(&unsure) {
        pairs.push(pair_markup(&ctx, p).await?);
    }
    let unsure_pairs = pairs.split_off(open.len());
    let notice = match q.done.as_str() {
        "scan" => Some(format!(
            "{} {}",
            lang.t("duplicates-scanned"),
            q.n.unwrap_or(0)
        )),
        "same" | "not_same" | "unsure" | "undone" => Decision::parse(&q.done).map(|d| {
            format!(
                "{}: {}",
                lang.t("duplicates-recorded"),
                lang.t(decision_key(d))
            )
        }),
        _ => None,
    };
    let title = lang.t("duplicates-title");
    let markup = html! {
        div.heading {
            h1 { (title) }
            @if ctx.caller.has(Role::Admin) {
                form.inline method="post" action="/duplicates/scan" {
                    (csrf_field(&ctx.caller))
                    button type="submit" { (lang.t("duplicates-scan")) }
                }
            }
        }
        p.muted { (lang.t("duplicates-intro")) }
        @if let Some(n) = notice { p.notice role="status" { (n) } }
        @if pairs.is_empty() { p.muted { (lang.t("duplicates-empty")) } }
        @for p in &pairs { (p) }
        @if more {
            p { a.next rel="next" href={ "/duplicates?" (query(&[("offset", &(offset + PAGE).to_string())])) } { (lang.t("next-page")) } }
        }
        @if !unsure_pairs.is_empty() {
            section.unsure {
                h2 { (lang.t("duplicates-unsure")) }
                p.muted { (lang.t("duplicates-unsure-intro")) }
                @for p in &unsure_pairs { (p) }
            }
        }
    };
    Ok(page(
        StatusCode::OK,
        layout(&ctx.frame(title, "/duplicates"), markup),
    ))
}

/// One pair of the queue: both records side by side, why they may be one
/// person, what disagrees, and the decision form.
async fn pair_markup(ctx: &Ctx, q: &QueuedPair) -> Result<Markup, PageError> {
    let lang = ctx.lang;
    let (a, b) = (q.pair.a, q.pair.b);
    let card_a = person_card(ctx, a).await?;
    let card_b = person_card(ctx, b).await?;
    Ok(html! {
        article.pair id={ "pair-" (a) "-" (b) } {
            p.score {
                strong { (lang.t("duplicates-score")) " " (format!("{:.0}%", q.pair.score * 100.0)) }
            }
            @if !q.pair.reasons.is_empty() {
                ul.reasons { @for r in &q.pair.reasons {
                    li { (user_text(&r.from)) " → " (user_text(&r.to)) ": " (lang.t(&format!("rule-{}", r.rule))) }
                } }
            }
            @if !q.pair.conflicts.is_empty() {
                p.error { (lang.t("duplicates-conflicts")) " " (q.pair.conflicts.join(", ")) }
            }
            div.columns { (card_a) (card_b) }
            (decision_form(ctx, a, b, q.unsure, "/duplicates"))
        }
    })
}

/// The three buttons (two for a pair already marked unsure) and a note.
fn decision_form(ctx: &Ctx, a: RecordId, b: RecordId, unsure: bool, next: &str) -> Markup {
    let lang = ctx.lang;
    html! {
        form.decision method="post" action="/duplicates/decide" {
            (csrf_field(&ctx.caller))
            input type="hidden" name="a" value=(a);
            input type="hidden" name="b" value=(b);
            input type="hidden" name="next" value=(next);
            label { (lang.t("duplicates-note")) " " input type="text" name="note" size="40"; }
            " "
            button type="submit" name="decision" value="same" { (lang.t("decision-same")) }
            " "
            button type="submit" name="decision" value="not_same" { (lang.t("decision-not-same")) }
            @if !unsure {
                " "
                button type="submit" name="decision" value="unsure" { (lang.t("decision-unsure")) }
            }
        }
    }
}

/// A person at a glance: names by script, birth date, sex, places of their
/// events, how many events.
async fn person_card(ctx: &Ctx, id: RecordId) -> Result<Markup, PageError> {
    let lang = ctx.lang;
    let Some(record) = ctx.get(Kind::Person, id).await? else {
        return Ok(html! { div.card { span.muted { (lang.t("not-visible")) } } });
    };
    let Body::Person(p) = &record.body else {
        return Ok(html! {});
    };
    let events = ctx.linking_to(Kind::Event, id, 500).await?;
    let mut places: Vec<RecordId> = Vec::new();
    for e in &events {
        if let Body::Event(ev) = &e.body {
            if let Some(place) = ev.place.filter(|p| !places.contains(p)) {
                places.push(place);
            }
        }
    }
    let mut place_links = Vec::new();
    for place in places.into_iter().take(5) {
        place_links.push(ctx.link(Kind::Place, place).await?);
    }
    let show_names = !p.protected || ctx.caller.has(Role::Editor);
    Ok(html! {
        div.card {
            h3 { (record_link(&record, lang, &ctx.caller)) }
            dl {
                @if show_names {
                    @for (script, names) in names_by_script(lang, &p.names) {
                        div.field { dt { (script) } dd { @for (i, n) in names.iter().enumerate() {
                            @if i > 0 { ", " } (user_text(&n.text))
                        } } }
                    }
                }
                div.field { dt { (lang.t("field-birth-date")) } dd {
                    (p.birth_date.as_ref().map(|d| d.as_str().to_string()).unwrap_or_else(|| "—".into()))
                } }
                div.field { dt { (lang.t("field-sex")) } dd {
                    @match &p.sex { Some(s) => (lang.t(&format!("sex-{}", enum_code(s)))), None => "—" }
                } }
                div.field { dt { (lang.t("field-place")) } dd {
                    @if place_links.is_empty() { "—" }
                    @for (i, l) in place_links.iter().enumerate() { @if i > 0 { ", " } (l) }
                } }
                div.field { dt { (lang.t("duplicates-events")) } dd { (events.len()) } }
            }
        }
    })
}

/// Names grouped by the script they are written in, in the page's language.
pub fn names_by_script(lang: Lang, names: &[Name]) -> Vec<(String, Vec<&Name>)> {
    let mut by_script: Vec<(String, Vec<&Name>)> = Vec::new();
    for name in names {
        let script = match name.script {
            Some(s) => lang.t(&format!("script-{}", enum_code(&s))),
            None => lang.t("script-Zyyy"),
        };
        match by_script.iter_mut().find(|(s, _)| *s == script) {
            Some((_, names)) => names.push(name),
            None => by_script.push((script, vec![name])),
        }
    }
    by_script
}

/// A path on this site to go back to after a form, or `fallback`.
fn local(next: &str, fallback: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_string()
    } else {
        fallback.to_string()
    }
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// Where to go once a decision is recorded: back to the queue with a
/// notice, or to the page the form came from.
fn after(next: &str, done: Decision) -> String {
    let next = local(next, "/duplicates");
    if next == "/duplicates" {
        format!("/duplicates?{}", query(&[("done", done.as_str())]))
    } else {
        next
    }
}

/// A refused or failed decision, as a page.
fn refused(ctx: &Ctx, status: StatusCode, detail: &str) -> Response {
    let lang = ctx.lang;
    let title = lang.t("duplicates-refused-title");
    page(
        status,
        layout(
            &ctx.frame(title.clone(), "/duplicates"),
            html! {
                h1 { (title) }
                p { (lang.t("duplicates-refused-body")) }
                p.muted { (detail) }
                p { a href="/duplicates" { (lang.t("duplicates-back")) } }
            },
        ),
    )
}

fn store_failure(ctx: &Ctx, e: StoreError) -> PageError {
    PageError::Page(match e {
        StoreError::Refused(m) => refused(ctx, StatusCode::CONFLICT, &m),
        e @ StoreError::NoDecision { .. } => refused(ctx, StatusCode::CONFLICT, &e.to_string()),
        e @ StoreError::NotFound { .. } => refused(ctx, StatusCode::NOT_FOUND, &e.to_string()),
        StoreError::Invalid(errors) => {
            refused(ctx, StatusCode::UNPROCESSABLE_ENTITY, &errors.to_string())
        }
        e => return PageError::Failed(format!("store failure on the duplicates page: {e}")),
    })
}

fn pair_of(fields: &[(String, String)]) -> Option<(RecordId, RecordId)> {
    let a = RecordId::from_str(field(fields, "a").trim()).ok()?;
    let b = RecordId::from_str(field(fields, "b").trim()).ok()?;
    Some((a, b))
}

fn bad_pair(ctx: &Ctx) -> Response {
    refused(
        ctx,
        StatusCode::UNPROCESSABLE_ENTITY,
        &ctx.lang.t("duplicates-bad-pair"),
    )
}

async fn decide(ctx: Ctx, Form(fields): Form<Vec<(String, String)>>) -> PageResult {
    let Some((a, b)) = pair_of(&fields) else {
        return Ok(bad_pair(&ctx));
    };
    let decision = match field(&fields, "decision") {
        "same" => Decision::Same,
        "not_same" => Decision::NotSame,
        "unsure" => Decision::Unsure,
        _ => {
            return Ok(refused(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                &ctx.lang.t("duplicates-bad-decision"),
            ))
        }
    };
    let note = Some(field(&fields, "note").trim().to_string()).filter(|n| !n.is_empty());
    let (store, actor) = (ctx.store.clone(), ctx.caller.actor());
    match blocking(move || store.decide(a, b, decision, note.as_deref(), &actor)).await {
        Ok(_) => Ok(Redirect::to(&after(field(&fields, "next"), decision)).into_response()),
        Err(Failure::Failed(e)) => Err(store_failure(&ctx, e)),
        Err(panicked) => Err(panicked.into()),
    }
}

async fn undo(ctx: Ctx, Form(fields): Form<Vec<(String, String)>>) -> PageResult {
    let Some((a, b)) = pair_of(&fields) else {
        return Ok(bad_pair(&ctx));
    };
    let (store, actor) = (ctx.store.clone(), ctx.caller.actor());
    match blocking(move || store.undo_decision(a, b, &actor)).await {
        Ok(_) => Ok(Redirect::to(&after(field(&fields, "next"), Decision::Undone)).into_response()),
        Err(Failure::Failed(e)) => Err(store_failure(&ctx, e)),
        Err(panicked) => Err(panicked.into()),
    }
}

async fn scan(ctx: Ctx) -> PageResult {
    let store = ctx.store.clone();
    let n = blocking(move || {
        let pairs = vigil_app::duplicates::scan(store.as_ref())?;
        let n = pairs.len();
        store.set_duplicate_candidates(pairs)?;
        Ok::<_, StoreError>(n)
    })
    .await?;
    Ok(Redirect::to(&format!(
        "/duplicates?{}",
        query(&[("done", "scan"), ("n", &n.to_string())])
    ))
    .into_response())
}

// ---------------------------------------------------------------------------
// A person's page and history

/// What a person's page shows of the records merged with it.
pub struct Merged {
    /// The record the cluster is filed under, when it is another one.
    pub canonical: Option<Record>,
    /// The other records of the cluster the caller may see.
    pub others: Vec<Record>,
    /// The `same` decisions in force that hold the cluster together.
    pub merges: Vec<IdentityEntry>,
}

/// The decisions in force among `log` (newest first): each pair's newest.
fn in_force(log: &[IdentityEntry]) -> Vec<&IdentityEntry> {
    let mut seen = std::collections::HashSet::new();
    log.iter().filter(|e| seen.insert((e.a, e.b))).collect()
}

pub async fn merged(ctx: &Ctx, record: &Record) -> Result<Merged, PageError> {
    let (store, id) = (ctx.store.clone(), record.id);
    let (identity, log) =
        blocking(move || Ok::<_, StoreError>((store.identity(id)?, store.identity_log(id)?)))
            .await?;
    let mut others = Vec::new();
    for &m in identity.members.iter().filter(|m| **m != id) {
        if let Some(r) = ctx.get(Kind::Person, m).await? {
            others.push(r);
        }
    }
    let canonical = if identity.canonical == id {
        None
    } else {
        others.iter().find(|r| r.id == identity.canonical).cloned()
    };
    let members: std::collections::HashSet<RecordId> = identity.members.iter().copied().collect();
    let merges = in_force(&log)
        .into_iter()
        .filter(|e| e.decision == Decision::Same && members.contains(&e.a))
        .cloned()
        .collect();
    Ok(Merged {
        canonical,
        others,
        merges,
    })
}

/// The banner of an absorbed record, the other records of the person with
/// their names, and (for editors) a button to undo each merge.
pub fn merged_section(ctx: &Ctx, record: &Record, merged: &Merged) -> Markup {
    let lang = ctx.lang;
    let here = format!("/persons/{}", record.id);
    let label: HashMap<RecordId, String> = merged
        .others
        .iter()
        .chain(std::iter::once(record))
        .map(|r| (r.id, display_label(r, lang, &ctx.caller)))
        .collect();
    let editor = ctx.caller.has(Role::Editor);
    html! {
        @if let Some(c) = &merged.canonical {
            p.notice.merged role="note" {
                (lang.t("merged-into")) " " (record_link(c, lang, &ctx.caller))
            }
        }
        @if !merged.others.is_empty() {
            section.also-recorded {
                h2 { (lang.t("also-recorded-as")) }
                ul { @for r in &merged.others { li {
                    (record_link(r, lang, &ctx.caller))
                    @if let Body::Person(p) = &r.body {
                        @if !p.protected || editor {
                            @let names: Vec<&str> = p.names.iter().map(|n| n.text.as_str()).collect();
                            @if names.len() > 1 { " — " (user_text(&names.join(" · "))) }
                        }
                    }
                } } }
                @if editor && !merged.merges.is_empty() {
                    h3 { (lang.t("merges-in-force")) }
                    ul.merges { @for e in &merged.merges {
                        @if let (Some(la), Some(lb)) = (label.get(&e.a), label.get(&e.b)) { li {
                            (user_text(la)) " = " (user_text(lb)) " "
                            span.muted { "(" (e.decided_by) ", " (date(e.decided_at))
                                @if e.automatic { ", " (lang.t("decision-automatic")) } ")" }
                            " "
                            form.inline method="post" action="/duplicates/undo" {
                                (csrf_field(&ctx.caller))
                                input type="hidden" name="a" value=(e.a);
                                input type="hidden" name="b" value=(e.b);
                                input type="hidden" name="next" value=(here);
                                button type="submit" { (lang.t("merge-undo")) }
                            }
                        } }
                    } }
                }
            }
        }
    }
}

fn date(at: time::OffsetDateTime) -> String {
    at.format(time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute] UTC"
    ))
    .unwrap_or_default()
}

/// The identity decisions about a person's records, for its history page:
/// who, when, with whom, what, by hand or automatically. Entries about a
/// record the caller may not see are left out.
pub async fn history_section(ctx: &Ctx, id: RecordId) -> Result<Markup, PageError> {
    let lang = ctx.lang;
    let store = ctx.store.clone();
    let log = blocking(move || store.identity_log(id)).await?;
    if log.is_empty() {
        return Ok(html! {});
    }
    let mut records: HashMap<RecordId, Option<Record>> = HashMap::new();
    for e in &log {
        for x in [e.a, e.b] {
            if let std::collections::hash_map::Entry::Vacant(v) = records.entry(x) {
                v.insert(ctx.get(Kind::Person, x).await?);
            }
        }
    }
    let shown: Vec<&IdentityEntry> = log
        .iter()
        .filter(|e| records[&e.a].is_some() && records[&e.b].is_some())
        .collect();
    let link = |x: RecordId| match &records[&x] {
        Some(r) => record_link(r, lang, &ctx.caller),
        None => html! {},
    };
    Ok(html! {
        section.identity-history {
            h2 { (lang.t("identity-history")) }
            table {
                thead { tr {
                    th { (lang.t("identity-when")) }
                    th { (lang.t("identity-who")) }
                    th { (lang.t("identity-decision")) }
                    th { (lang.t("identity-records")) }
                    th { (lang.t("duplicates-note")) }
                } }
                tbody { @for e in shown { tr {
                    td { (date(e.decided_at)) }
                    td { (e.decided_by) @if e.automatic { " " span.muted { "(" (lang.t("decision-automatic")) ")" } } }
                    td { (lang.t(decision_key(e.decision)))
                        @if let Some(s) = e.score { " " span.muted { (format!("{:.0}%", s * 100.0)) } } }
                    td { (link(e.a)) " · " (link(e.b)) }
                    td { @if let Some(n) = &e.note { (user_text(n)) } }
                } } }
            }
        }
    })
}
