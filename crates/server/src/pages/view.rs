//! Reading records: lists with filters and paging, one page per record,
//! and each record's history.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};
use serde::Deserialize;
use vigil_model::{
    Body, Citation, Claim, ClaimLinkKind, Confidentiality, Event, Kind, Name, Organization, Person,
    Place, Record, RecordId, Script, Source, Vocabularies,
};
use vigil_store::{Cursor, Filter, Page, Role, Store, StoreError};

use super::{layout, page, query, user_text, Frame, Lang, PageError, PageResult};
use crate::blocking::{blocking, Failure};
use crate::caller::Caller;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{kind}", get(list))
        .route("/{kind}/{id}", get(show))
        .route("/{kind}/{id}/history", get(history))
}

/// Everything a page handler needs from the request.
pub struct Ctx {
    pub store: Arc<dyn Store>,
    pub caller: Caller,
    pub lang: Lang,
    pub vocab: Vocabularies,
}

impl Ctx {
    pub async fn new(state: &AppState, caller: Caller, lang: Lang) -> Result<Ctx, PageError> {
        let store = state.store.clone();
        let vocab = blocking({
            let store = store.clone();
            move || store.vocabularies()
        })
        .await?;
        Ok(Ctx {
            store,
            caller,
            lang,
            vocab,
        })
    }

    pub fn frame(&self, title: impl Into<String>, here: impl Into<String>) -> Frame<'_> {
        Frame {
            lang: self.lang,
            caller: &self.caller,
            title: title.into(),
            here: here.into(),
        }
    }

    /// A record, if it exists and the caller may see it.
    pub async fn get(&self, kind: Kind, id: RecordId) -> Result<Option<Record>, PageError> {
        let store = self.store.clone();
        let record = blocking(move || store.get(kind, id)).await?;
        Ok(record.filter(|r| self.caller.may_see(r.body.confidentiality())))
    }

    pub async fn list(
        &self,
        kind: Kind,
        mut filter: Filter,
        limit: u32,
    ) -> Result<Vec<Record>, PageError> {
        filter.max_confidentiality = self.caller.max_confidentiality();
        let store = self.store.clone();
        let page = Page { after: None, limit };
        Ok(blocking(move || store.list(kind, &filter, &page))
            .await?
            .records)
    }

    /// Records of `kind` that point at `id` (events of a person, claims
    /// about a record or from a source, claims linking to a claim).
    pub async fn linking_to(
        &self,
        kind: Kind,
        id: RecordId,
        limit: u32,
    ) -> Result<Vec<Record>, PageError> {
        self.list(
            kind,
            Filter {
                linked_to: Some(id),
                ..Filter::default()
            },
            limit,
        )
        .await
    }

    /// A link to a record, labelled, or a note that it is not visible.
    pub async fn link(&self, kind: Kind, id: RecordId) -> Result<Markup, PageError> {
        Ok(match self.get(kind, id).await? {
            Some(r) => record_link(&r, self.lang, &self.caller),
            None => html! { span.muted { (self.lang.t("not-visible")) } },
        })
    }

    /// The label of a vocabulary code in the page's language.
    pub fn term(&self, vocabulary: &str, code: &str) -> String {
        self.vocab
            .0
            .get(vocabulary)
            .and_then(|v| v.terms.iter().find(|t| t.code == code))
            .and_then(|t| t.labels.get(self.lang.tag()).or(t.labels.get("en")))
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }
}

/// Page handlers take a `Ctx`: the caller (set by the authorisation layer),
/// the page language and the vocabularies.
impl axum::extract::FromRequestParts<AppState> for Ctx {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = parts
            .extensions
            .get::<Caller>()
            .cloned()
            .unwrap_or_default();
        let Ok(lang) = Lang::from_request_parts(parts, state).await;
        Ctx::new(state, caller, lang).await
    }
}

pub fn kind_key(kind: Kind) -> &'static str {
    match kind {
        Kind::Person => "nav-persons",
        Kind::Organization => "nav-organizations",
        Kind::Place => "nav-places",
        Kind::Event => "nav-events",
        Kind::Source => "nav-sources",
        Kind::Claim => "nav-claims",
    }
}

/// The name shown for a record: for a protected person seen by someone
/// below editor, a descriptor instead of their name.
pub fn display_label(record: &Record, lang: Lang, caller: &Caller) -> String {
    match &record.body {
        Body::Person(p) if p.protected && !caller.has(Role::Editor) => p
            .unidentified
            .clone()
            .unwrap_or_else(|| lang.t("protected-person")),
        body => body.label(),
    }
}

pub fn record_link(record: &Record, lang: Lang, caller: &Caller) -> Markup {
    html! {
        a href={ "/" (record.kind().plural()) "/" (record.id) } { (user_text(&display_label(record, lang, caller))) }
    }
}

pub(super) fn confidentiality_badge(c: Confidentiality, lang: Lang) -> Markup {
    let (class, key) = match c {
        Confidentiality::Public => ("badge public", "conf-public"),
        Confidentiality::Internal => ("badge internal", "conf-internal"),
        Confidentiality::Restricted => ("badge restricted", "conf-restricted"),
    };
    html! { span class=(class) { (lang.t(key)) } }
}

fn not_found_page(ctx: &Ctx) -> Response {
    let lang = ctx.lang;
    page(
        StatusCode::NOT_FOUND,
        layout(
            &ctx.frame(lang.t("not-found-title"), "/"),
            html! { h1 { (lang.t("not-found-title")) } p { (lang.t("not-found-body")) } },
        ),
    )
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default, rename = "type")]
    record_type: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    person: String,
    #[serde(default)]
    cursor: String,
}

const PAGE_SIZE: u32 = 50;

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(kind): Path<String>,
    Query(params): Query<ListQuery>,
) -> PageResult {
    let lang = ctx.lang;
    let Ok(kind) = Kind::from_str(&kind) else {
        return Ok(super::message(
            lang,
            &ctx.caller,
            StatusCode::NOT_FOUND,
            "not-found-title",
            "not-found-body",
        ));
    };
    let id_of = |s: &str| RecordId::from_str(s.trim()).ok();
    let date_of = |s: &str| {
        let s = s.trim();
        (s.len() >= 4 && s.len() <= 10 && s.bytes().all(|b| b.is_ascii_digit() || b == b'-'))
            .then(|| s.to_string())
    };
    let filter = Filter {
        record_type: Some(params.record_type.trim().to_string()).filter(|t| !t.is_empty()),
        place: id_of(&params.place),
        linked_to: id_of(&params.person),
        from: date_of(&params.from),
        to: date_of(&params.to),
        text: Some(params.q.trim().to_string()).filter(|t| !t.is_empty()),
        max_confidentiality: ctx.caller.max_confidentiality(),
    };
    let page_request = Page {
        after: params.cursor.trim().parse::<Cursor>().ok(),
        limit: PAGE_SIZE,
    };
    let store = ctx.store.clone();
    let result = blocking(move || store.list(kind, &filter, &page_request)).await?;
    let title = lang.t(kind_key(kind));
    let here = format!("/{}", kind.plural());
    let type_options: Vec<(String, String)> = match kind {
        Kind::Event => ctx.vocab.0["event_type"]
            .terms
            .iter()
            .map(|t| (t.code.clone(), ctx.term("event_type", &t.code)))
            .collect(),
        Kind::Organization => ctx.vocab.0["organization_type"]
            .terms
            .iter()
            .map(|t| (t.code.clone(), ctx.term("organization_type", &t.code)))
            .collect(),
        _ => Vec::new(),
    };
    let next_query = result.next.map(|cursor| {
        let id = cursor.to_string();
        query(&[
            ("q", &params.q),
            ("type", &params.record_type),
            ("from", &params.from),
            ("to", &params.to),
            ("place", &params.place),
            ("person", &params.person),
            ("cursor", &id),
        ])
    });
    // People are also found by any spelling of their name, in any script.
    let mut name_matches = Vec::new();
    if kind == Kind::Person && !params.q.trim().is_empty() && params.cursor.is_empty() {
        let index = state
            .names
            .get(&ctx.store)
            .await
            .map_err(|problem| PageError::Failed(problem.detail))?;
        let hits = index.search(
            ctx.store.as_ref(),
            &params.q,
            &vigil_names::Facts::default(),
            ctx.caller.access(),
            10,
        )?;
        // The records of one merged person are one match.
        let hits = vigil_app::fold_for(ctx.store.as_ref(), ctx.caller.access(), hits)?;
        for hit in hits {
            if let Some(r) = ctx.get(Kind::Person, hit.id).await? {
                name_matches.push((r, hit));
            }
        }
    }
    let markup = html! {
        div.heading {
            h1 { (title) }
            @if ctx.caller.has(Role::Editor) {
                a.button href={ "/" (kind.plural()) "/new" } { (lang.t("new-record")) }
            }
        }
        @if !name_matches.is_empty() {
            section.name-matches {
                h2 { (lang.t("name-matches")) }
                ol { @for (r, hit) in &name_matches {
                    li {
                        (record_link(r, lang, &ctx.caller)) " "
                        span.muted { (format!("{:.0}%", hit.score * 100.0)) }
                        @if let Some(reason) = hit.reasons.first() {
                            " — " (user_text(&reason.name)) ": " (lang.t(&format!("rule-{:?}", reason.rule)))
                            @if let Some((ours, theirs)) = &reason.edit {
                                ", " (lang.t("rule-edit")) " (" (user_text(ours)) " / " (user_text(theirs)) ")"
                            }
                        }
                        @if !hit.conflicts.is_empty() { " " span.error { "(" (hit.conflicts.join(", ")) ")" } }
                    }
                } }
            }
        }
        form.filters method="get" action=(here) {
            label { (lang.t("filter-text")) " " input type="search" name="q" value=(params.q); }
            @if !type_options.is_empty() {
                label { (lang.t("filter-type")) " "
                    select name="type" {
                        option value="" { (lang.t("filter-any")) }
                        @for (code, label) in &type_options {
                            option value=(code) selected[*code == params.record_type] { (label) }
                        }
                    }
                }
            }
            @if matches!(kind, Kind::Event | Kind::Source | Kind::Person) {
                label { (lang.t("filter-from")) " " input type="text" name="from" value=(params.from) placeholder="2017" size="10"; }
                label { (lang.t("filter-to")) " " input type="text" name="to" value=(params.to) placeholder="2019-06" size="10"; }
            }
            @if !params.place.is_empty() { input type="hidden" name="place" value=(params.place); }
            @if !params.person.is_empty() { input type="hidden" name="person" value=(params.person); }
            button type="submit" { (lang.t("filter-apply")) }
        }
        @if result.records.is_empty() {
            p.muted { (lang.t("list-empty")) }
        } @else {
            table.records {
                thead { tr {
                    th { (lang.t("col-name")) }
                    th { (lang.t("col-type")) }
                    th { (lang.t("col-date")) }
                    th { (lang.t("col-confidentiality")) }
                } }
                tbody {
                    @for r in &result.records {
                        tr {
                            td { (record_link(r, lang, &ctx.caller)) }
                            td { (type_label(&ctx, &r.body)) }
                            td { (record_date(&r.body)) }
                            td { (confidentiality_badge(r.body.confidentiality(), lang)) }
                        }
                    }
                }
            }
        }
        @if let Some(q) = next_query {
            p { a.next rel="next" href={ (here) "?" (q) } { (lang.t("next-page")) } }
        }
    };
    Ok(page(
        StatusCode::OK,
        layout(&ctx.frame(title, here), markup),
    ))
}

fn type_label(ctx: &Ctx, body: &Body) -> String {
    match body {
        Body::Event(e) => ctx.term("event_type", &e.event_type),
        Body::Organization(o) => ctx.term("organization_type", &o.org_type),
        Body::Place(p) => match &p.facility_type {
            Some(f) => ctx.term("facility_type", f),
            None => ctx.lang.t(&format!("place-{}", enum_code(&p.place_type))),
        },
        Body::Source(s) => ctx.lang.t(&format!("source-{}", enum_code(&s.source_kind))),
        Body::Claim(c) => ctx.lang.t(&format!("stance-{}", enum_code(&c.stance))),
        Body::Person(p) => p.ethnicity.clone().unwrap_or_default(),
    }
}

fn record_date(body: &Body) -> String {
    let date = match body {
        Body::Event(e) => e.date.as_ref(),
        Body::Source(s) => s.date.as_ref(),
        Body::Person(p) => p.birth_date.as_ref(),
        Body::Claim(c) => c.quantity.as_ref().and_then(|q| q.as_of.as_ref()),
        _ => None,
    };
    date.map(ToString::to_string).unwrap_or_default()
}

/// The snake_case name serde gives an enum value.
pub use vigil_model::code as enum_code;

async fn show(ctx: Ctx, Path((kind, id)): Path<(String, String)>) -> PageResult {
    let lang = ctx.lang;
    let (Ok(kind), Ok(id)) = (Kind::from_str(&kind), RecordId::from_str(&id)) else {
        return Ok(not_found_page(&ctx));
    };
    let Some(record) = ctx.get(kind, id).await? else {
        return Ok(not_found_page(&ctx));
    };
    // A person merged with other records shows theirs too.
    let merged = match &record.body {
        Body::Person(_) => Some(super::duplicates::merged(&ctx, &record).await?),
        _ => None,
    };
    let body = match &record.body {
        Body::Person(p) => person_page(&ctx, &record, p, merged.as_ref()).await,
        Body::Event(e) => event_page(&ctx, e).await,
        Body::Place(p) => place_page(&ctx, &record, p).await,
        Body::Organization(o) => organization_page(&ctx, o).await,
        Body::Source(s) => source_page(&ctx, &record, s).await,
        Body::Claim(c) => claim_page(&ctx, &record, c).await,
    };
    let body = body?;
    let mut cited = record.body.citations().to_vec();
    for other in merged.iter().flat_map(|m| &m.others) {
        for c in other.body.citations() {
            if !cited.contains(c) {
                cited.push(c.clone());
            }
        }
    }
    let citations = citations(&ctx, &cited).await?;
    let title = display_label(&record, lang, &ctx.caller);
    let here = format!("/{}/{}", kind.plural(), id);
    let markup = html! {
        div.heading {
            h1 { (user_text(&title)) }
            (confidentiality_badge(record.body.confidentiality(), lang))
        }
        p.meta {
            (lang.t(&format!("kind-{}", kind.singular()))) " · "
            (lang.t("version")) " " (record.version)
            @if ctx.caller.has(Role::Viewer) {
                " · " a href={ (here) "/history" } { (lang.t("history")) }
            }
            @if ctx.caller.has(Role::Editor) {
                " · " a href={ (here) "/edit" } { (lang.t("edit")) }
            }
        }
        (body)
        (citations)
    };
    Ok(page(
        StatusCode::OK,
        layout(&ctx.frame(title, here), markup),
    ))
}

fn field(label: String, value: Markup) -> Markup {
    html! { div.field { dt { (label) } dd { (value) } } }
}

fn text_field(lang: Lang, key: &str, value: Option<&str>) -> Markup {
    match value {
        Some(v) if !v.is_empty() => field(lang.t(key), user_text(v)),
        _ => html! {},
    }
}

async fn citations(ctx: &Ctx, citations: &[Citation]) -> Result<Markup, PageError> {
    if citations.is_empty() {
        return Ok(html! {});
    }
    let mut items = Vec::new();
    for c in citations {
        items.push((ctx.link(Kind::Source, c.source).await?, c));
    }
    Ok(html! {
        section.citations {
            h2 { (ctx.lang.t("citations")) }
            ol {
                @for (link, c) in items {
                    li {
                        (link)
                        @if let Some(l) = &c.locator { ", " (l) }
                        @if let Some(q) = &c.quote { blockquote dir="auto" { (q) } }
                    }
                }
            }
        }
    })
}

fn script_name(lang: Lang, script: Option<Script>) -> String {
    match script {
        Some(s) => lang.t(&format!("script-{}", enum_code(&s))),
        None => lang.t("script-Zyyy"),
    }
}

/// The latest custody-related event of a person, and what it says of them.
fn custody_status(events: &[Record]) -> Option<(&Event, &'static str)> {
    events
        .iter()
        .filter_map(|r| match &r.body {
            Body::Event(e) => Some(e),
            _ => None,
        })
        .filter(|e| e.date.is_some())
        .filter_map(|e| {
            let t = e.event_type.as_str();
            let status = if t.starts_with("release") {
                "status-released"
            } else if t == "death_in_custody" {
                "status-died-in-custody"
            } else if t == "disappearance" {
                "status-disappeared"
            } else if t.starts_with("detention")
                || t == "sentence"
                || t == "prison_transfer"
                || t == "forced_labour_transfer"
            {
                "status-detained"
            } else {
                return None;
            };
            Some((e, status))
        })
        .max_by_key(|(e, _)| e.date.as_ref().and_then(|d| d.bounds().earliest))
}

async fn person_page(
    ctx: &Ctx,
    record: &Record,
    p: &Person,
    merged: Option<&super::duplicates::Merged>,
) -> Result<Markup, PageError> {
    let lang = ctx.lang;
    let show_identity = !p.protected || ctx.caller.has(Role::Editor);
    let mut by_script: Vec<(String, Vec<&Name>)> = Vec::new();
    for name in &p.names {
        let script = script_name(lang, name.script);
        match by_script.iter_mut().find(|(s, _)| *s == script) {
            Some((_, names)) => names.push(name),
            None => by_script.push((script, vec![name])),
        }
    }
    let mut events = ctx.linking_to(Kind::Event, record.id, 500).await?;
    let mut claims = ctx.linking_to(Kind::Claim, record.id, 200).await?;
    // The timeline of a merged person holds the events of all its records.
    for other in merged.iter().flat_map(|m| &m.others) {
        for (kind, found) in [(Kind::Event, &mut events), (Kind::Claim, &mut claims)] {
            for r in ctx.linking_to(kind, other.id, 500).await? {
                if !found.iter().any(|f| f.id == r.id) {
                    found.push(r);
                }
            }
        }
    }
    events.sort_by_key(|r| match &r.body {
        Body::Event(e) => e.date.as_ref().and_then(|d| d.bounds().earliest),
        _ => None,
    });
    let mut relations = Vec::new();
    for r in &p.relations {
        relations.push((ctx.link(Kind::Person, r.person).await?, r));
    }
    let status = custody_status(&events);
    Ok(html! {
        @if let Some(m) = merged { (super::duplicates::merged_section(ctx, record, m)) }
        @if let Some((event, key)) = status {
            p.status { strong { (lang.t(key)) } " (" (ctx.term("event_type", &event.event_type)) ", "
                (event.date.as_ref().map(ToString::to_string).unwrap_or_default()) ")" }
        }
        @if show_identity && !by_script.is_empty() {
            section.names {
                h2 { (lang.t("names")) }
                table {
                    @for (script, names) in &by_script {
                        tr {
                            th scope="row" { (script) }
                            td { ul.plain { @for n in names { li {
                                (user_text(&n.text))
                                @if let Some(sys) = &n.system { " " span.muted { "(" (sys) ")" } }
                                @if n.kind != vigil_model::NameKind::Primary { " " span.muted { (lang.t(&format!("name-kind-{}", enum_code(&n.kind)))) } }
                            } } } }
                        }
                    }
                }
            }
        }
        @if !show_identity { p.muted { (lang.t("identity-protected")) } }
        dl {
            (text_field(lang, "field-unidentified", p.unidentified.as_deref()))
            @if let Some(sex) = &p.sex { (field(lang.t("field-sex"), html! { (lang.t(&format!("sex-{}", enum_code(sex)))) })) }
            (text_field(lang, "field-birth-date", p.birth_date.as_ref().map(|d| d.as_str())))
            (text_field(lang, "field-death-date", p.death_date.as_ref().map(|d| d.as_str())))
            (text_field(lang, "field-home-place", p.place.as_deref()))
            (text_field(lang, "field-ethnicity", p.ethnicity.as_deref()))
            (text_field(lang, "field-religion", p.religion.as_deref()))
            @if !p.nationalities.is_empty() { (text_field(lang, "field-nationalities", Some(&p.nationalities.join(", ")))) }
            @if !p.occupations.is_empty() { (text_field(lang, "field-occupations", Some(&p.occupations.join(", ")))) }
            @if show_identity && !p.identifiers.is_empty() {
                (field(lang.t("field-identifiers"), html! { ul.plain { @for i in &p.identifiers {
                    li { (ctx.term("identifier_scheme", &i.scheme)) ": " (i.value) } } } }))
            }
            (text_field(lang, "field-description", p.description.as_deref()))
        }
        @if !relations.is_empty() {
            section { h2 { (lang.t("relations")) } ul { @for (link, r) in &relations {
                li { (lang.t(&format!("relation-{}", enum_code(&r.kind)))) ": " (link) @if let Some(n) = &r.note { " — " (user_text(n)) } }
            } } }
        }
        section.timeline {
            h2 { (lang.t("timeline")) }
            @if events.is_empty() { p.muted { (lang.t("list-empty")) } }
            ol { @for e in &events { @if let Body::Event(ev) = &e.body {
                li {
                    span.date { (ev.date.as_ref().map(ToString::to_string).unwrap_or_else(|| "?".into())) }
                    " " (ctx.term("event_type", &ev.event_type)) " — " (record_link(e, lang, &ctx.caller))
                }
            } } }
        }
        (claims_section(ctx, &claims))
    })
}

fn claims_section(ctx: &Ctx, claims: &[Record]) -> Markup {
    let lang = ctx.lang;
    html! {
        section.claims {
            h2 { (lang.t("claims")) }
            @if claims.is_empty() { p.muted { (lang.t("list-empty")) } }
            ul { @for c in claims { @if let Body::Claim(claim) = &c.body {
                li {
                    span class={ "stance " (enum_code(&claim.stance)) } { (lang.t(&format!("stance-{}", enum_code(&claim.stance)))) }
                    " " (record_link(c, lang, &ctx.caller))
                }
            } } }
        }
    }
}

async fn event_page(ctx: &Ctx, e: &Event) -> Result<Markup, PageError> {
    let lang = ctx.lang;
    let place = match e.place {
        Some(p) => Some(ctx.link(Kind::Place, p).await?),
        None => None,
    };
    let mut participants = Vec::new();
    for p in &e.participants {
        let link = match (p.person, p.organization) {
            (Some(id), _) => ctx.link(Kind::Person, id).await?,
            (_, Some(id)) => ctx.link(Kind::Organization, id).await?,
            _ => html! {},
        };
        participants.push((link, p.role));
    }
    let court = match e.legal.as_ref().and_then(|l| l.court) {
        Some(c) => Some(ctx.link(Kind::Organization, c).await?),
        None => None,
    };
    Ok(html! {
        dl {
            (field(lang.t("field-type"), html! { (ctx.term("event_type", &e.event_type)) }))
            (text_field(lang, "field-date", e.date.as_ref().map(|d| d.as_str())))
            @if let Some(p) = place { (field(lang.t("field-place"), p)) }
            (field(lang.t("field-status"), html! { (lang.t(&format!("event-status-{}", enum_code(&e.status)))) }))
            (text_field(lang, "field-description", e.description.as_deref()))
        }
        @if !participants.is_empty() {
            section { h2 { (lang.t("participants")) } ul {
                @for (link, role) in &participants { li { (link) " — " (lang.t(&format!("role-{}", enum_code(role)))) } }
            } }
        }
        @if let Some(legal) = &e.legal {
            section.legal {
                h2 { (lang.t("legal")) }
                dl {
                    (text_field(lang, "field-case-number", legal.case_number.as_deref()))
                    @if let Some(c) = court { (field(lang.t("field-court"), c)) }
                    @if !legal.charges.is_empty() {
                        (field(lang.t("field-charges"), html! { ul.plain { @for c in &legal.charges { li {
                            (c.statute) @if let Some(a) = &c.article { " art. " (a) }
                            @if let Some(d) = &c.description { " — " (user_text(d)) }
                        } } } }))
                    }
                    @if let Some(p) = &legal.plea { (field(lang.t("field-plea"), html! { (enum_code(p)) })) }
                    @if let Some(v) = &legal.verdict { (field(lang.t("field-verdict"), html! { (enum_code(v)) })) }
                    @if let Some(s) = &legal.sentence { (field(lang.t("field-sentence"), sentence(lang, s))) }
                    @if let Some(s) = &legal.political_rights_deprivation { (field(lang.t("field-political-rights"), sentence(lang, s))) }
                    (text_field(lang, "field-expected-release", legal.expected_release.as_ref().map(|d| d.as_str())))
                }
            }
        }
    })
}

fn sentence(lang: Lang, s: &vigil_model::Sentence) -> Markup {
    let parts: Vec<String> = [
        (s.years, "unit-years"),
        (s.months, "unit-months"),
        (s.days, "unit-days"),
    ]
    .into_iter()
    .filter_map(|(n, key)| n.map(|n| format!("{n} {}", lang.t(key))))
    .collect();
    html! { (lang.t(&format!("sentence-{}", enum_code(&s.kind)))) @if !parts.is_empty() { " " (parts.join(" ")) } }
}

async fn place_page(ctx: &Ctx, record: &Record, p: &Place) -> Result<Markup, PageError> {
    let lang = ctx.lang;
    let parent = match p.parent {
        Some(id) => Some(ctx.link(Kind::Place, id).await?),
        None => None,
    };
    let events = ctx
        .list(
            Kind::Event,
            Filter {
                place: Some(record.id),
                ..Filter::default()
            },
            200,
        )
        .await?;
    Ok(html! {
        dl {
            (field(lang.t("field-names"), html! { ul.plain { @for n in &p.names { li { (user_text(&n.text)) } } } }))
            (field(lang.t("field-type"), html! { (lang.t(&format!("place-{}", enum_code(&p.place_type)))) }))
            @if let Some(f) = &p.facility_type { (field(lang.t("field-facility-type"), html! { (ctx.term("facility_type", f)) })) }
            @if let Some(parent) = parent { (field(lang.t("field-parent"), parent)) }
            @if let Some(c) = &p.coordinates { (field(lang.t("field-coordinates"), html! { (c.lat) ", " (c.lon) })) }
            (text_field(lang, "field-description", p.description.as_deref()))
        }
        section { h2 { (lang.t("events-here")) }
            @if events.is_empty() { p.muted { (lang.t("list-empty")) } }
            ul { @for e in &events { li { (record_link(e, lang, &ctx.caller)) " " span.muted { (record_date(&e.body)) } } } }
        }
    })
}

async fn organization_page(ctx: &Ctx, o: &Organization) -> Result<Markup, PageError> {
    let lang = ctx.lang;
    let parent = match o.parent {
        Some(id) => Some(ctx.link(Kind::Organization, id).await?),
        None => None,
    };
    let place = match o.place {
        Some(id) => Some(ctx.link(Kind::Place, id).await?),
        None => None,
    };
    Ok(html! {
        dl {
            (field(lang.t("field-names"), html! { ul.plain { @for n in &o.names { li { (user_text(&n.text)) } } } }))
            (field(lang.t("field-type"), html! { (ctx.term("organization_type", &o.org_type)) }))
            (text_field(lang, "field-country", o.country.as_deref()))
            @if let Some(p) = parent { (field(lang.t("field-parent"), p)) }
            @if let Some(p) = place { (field(lang.t("field-place"), p)) }
            (text_field(lang, "field-description", o.description.as_deref()))
        }
    })
}

async fn source_page(ctx: &Ctx, record: &Record, s: &Source) -> Result<Markup, PageError> {
    let lang = ctx.lang;
    let claims = ctx.linking_to(Kind::Claim, record.id, 500).await?;
    Ok(html! {
        dl {
            (field(lang.t("field-source-type"), html! { (lang.t(&format!("source-{}", enum_code(&s.source_kind)))) }))
            (field(lang.t("field-reliability"), html! { span.grade { (enum_code(&s.reliability)) } " " (lang.t(&format!("reliability-{}", enum_code(&s.reliability)))) }))
            (text_field(lang, "field-author", s.author.as_deref()))
            (text_field(lang, "field-publisher", s.publisher.as_deref()))
            (text_field(lang, "field-date", s.date.as_ref().map(|d| d.as_str())))
            (text_field(lang, "field-reference", s.reference.as_deref()))
            @if let Some(url) = &s.url {
                (field(lang.t("field-url"), html! { a href=(url) rel="noreferrer noopener" { (url) } }))
            }
            (text_field(lang, "field-description", s.description.as_deref()))
        }
        (claims_section(ctx, &claims))
    })
}

async fn claim_page(ctx: &Ctx, record: &Record, c: &Claim) -> Result<Markup, PageError> {
    let lang = ctx.lang;
    let source = ctx.get(Kind::Source, c.source).await?;
    let subject = match &c.subject.record {
        Some(r) => Some(ctx.link(r.kind, r.id).await?),
        None => None,
    };
    // The paragraph the quote is from, if the caller may see its document.
    let passage = match (c.document, c.paragraph) {
        (Some(doc), Some(n)) => {
            let store = ctx.store.clone();
            let found = blocking(move || store.document(doc)).await?;
            let visible = found.filter(|d| ctx.caller.may_see(d.confidentiality));
            Some(match visible {
                Some(d) => html! {
                    a href={ "/documents/" (doc) "#p" (n) } {
                        (lang.t_args("claim-passage-of", &[("paragraph", &n.to_string()), ("document", &d.file_name)]))
                    }
                },
                None => html! { "¶" (n) " " span.muted { (lang.t("not-visible")) } },
            })
        }
        _ => None,
    };
    // Links both ways: what this claim says of others, and what others say of it.
    let mut related: HashMap<RecordId, (Record, ClaimLinkKind)> = HashMap::new();
    for l in &c.links {
        if let Some(other) = ctx.get(Kind::Claim, l.claim).await? {
            related.insert(other.id, (other, l.kind));
        }
    }
    for other in ctx.linking_to(Kind::Claim, record.id, 200).await? {
        let kind = match &other.body {
            Body::Claim(oc) => oc
                .links
                .iter()
                .find(|l| l.claim == record.id)
                .map(|l| l.kind),
            _ => None,
        };
        if let Some(kind) = kind {
            related.entry(other.id).or_insert((other, kind));
        }
    }
    let group = |wanted: ClaimLinkKind| -> Vec<&Record> {
        let mut v: Vec<&Record> = related
            .values()
            .filter(|(_, k)| *k == wanted)
            .map(|(r, _)| r)
            .collect();
        v.sort_by_key(|r| r.id);
        v
    };
    Ok(html! {
        p.statement { (user_text(&c.statement)) }
        @if let Some(q) = &c.quote { blockquote.quote dir="auto" { (q) } }
        dl {
            @if let Some(s) = &subject { (field(lang.t("field-subject"), html! { (s) })) }
            (text_field(lang, "field-topic", c.subject.topic.as_deref()))
            (field(lang.t("field-stance"), html! { span class={ "stance " (enum_code(&c.stance)) } { (lang.t(&format!("stance-{}", enum_code(&c.stance)))) } }))
            (field(lang.t("field-credibility"), html! { (c.credibility) " — " (lang.t(&format!("credibility-{}", c.credibility))) }))
            @if let Some(q) = &c.quantity {
                (field(lang.t("field-quantity"), html! {
                    @if let Some(v) = q.value { (v) }
                    @if q.low.is_some() || q.high.is_some() {
                        (q.low.map(|v| v.to_string()).unwrap_or_default()) "–" (q.high.map(|v| v.to_string()).unwrap_or_default())
                    }
                    " " (user_text(&q.unit))
                    @if let Some(d) = &q.as_of { " (" (lang.t("as-of")) " " (d) ")" }
                }))
            }
            (field(lang.t("field-source"), match &source {
                Some(s) => html! {
                    (record_link(s, lang, &ctx.caller))
                    @if let Body::Source(src) = &s.body {
                        " — " (lang.t(&format!("source-{}", enum_code(&src.source_kind)))) ", "
                        (lang.t("field-reliability")) " " span.grade { (enum_code(&src.reliability)) }
                    }
                },
                None => html! { span.muted { (lang.t("not-visible")) } },
            }))
            (text_field(lang, "field-locator", c.locator.as_deref()))
            @if let Some(p) = passage { (field(lang.t("field-passage"), p)) }
        }
        @for (kind, key) in [(ClaimLinkKind::Supports, "claims-supporting"), (ClaimLinkKind::Contradicts, "claims-contradicting"), (ClaimLinkKind::SameFigureAs, "claims-same-figure")] {
            @let claims = group(kind);
            @if !claims.is_empty() {
                section { h2 { (lang.t(key)) } ul { @for r in claims { li { (record_link(r, lang, &ctx.caller)) } } } }
            }
        }
    })
}

async fn history(ctx: Ctx, Path((kind, id)): Path<(String, String)>) -> PageResult {
    let lang = ctx.lang;
    let (Ok(kind), Ok(id)) = (Kind::from_str(&kind), RecordId::from_str(&id)) else {
        return Ok(not_found_page(&ctx));
    };
    let store = ctx.store.clone();
    let entries = match blocking(move || store.history(kind, id)).await {
        Err(Failure::Failed(StoreError::NotFound { .. })) => return Ok(not_found_page(&ctx)),
        entries => entries?,
    };
    // A record that was ever beyond the caller's level stays private in its past.
    if entries
        .iter()
        .filter_map(|e| e.record.as_ref())
        .any(|r| !ctx.caller.may_see(r.body.confidentiality()))
    {
        return Ok(not_found_page(&ctx));
    }
    let label = entries
        .iter()
        .rev()
        .find_map(|e| e.record.as_ref())
        .map(|r| display_label(r, lang, &ctx.caller))
        .unwrap_or_default();
    let mut previous: Option<serde_json::Map<String, serde_json::Value>> = None;
    let mut rows = Vec::new();
    for e in &entries {
        let current = e.record.as_ref().map(|r| visible_fields(r, &ctx.caller));
        let changes = diff(previous.as_ref(), current.as_ref());
        rows.push((e, changes));
        previous = current;
    }
    rows.reverse();
    // Merges and their undoing, beside the versions.
    let identity = match kind {
        Kind::Person => super::duplicates::history_section(&ctx, id).await?,
        _ => html! {},
    };
    let here = format!("/{}/{}", kind.plural(), id);
    let title = format!("{} — {}", lang.t("history"), label);
    let markup = html! {
        h1 { (lang.t("history")) ": " a href=(here) { (user_text(&label)) } }
        (identity)
        @for (e, changes) in &rows {
            section.version {
                h2 { (lang.t("version")) " " (e.version) " · " (lang.t(&format!("op-{}", enum_code(&e.operation))))
                    " · " (vigil_model::rfc3339(e.written_at)) " · " (e.written_by.as_deref().unwrap_or("?")) }
                @if changes.is_empty() { p.muted { (lang.t("no-changes")) } }
                table.diff { @for (field, before, after) in changes {
                    tr { th scope="row" { (field) } td.before { pre dir="auto" { (before) } } td.after { pre dir="auto" { (after) } } }
                } }
            }
        }
    };
    Ok(page(
        StatusCode::OK,
        layout(&ctx.frame(title, format!("{here}/history")), markup),
    ))
}

/// A record's fields as the caller may see them, for comparison.
fn visible_fields(record: &Record, caller: &Caller) -> serde_json::Map<String, serde_json::Value> {
    let mut map = record.body.to_json();
    if let Body::Person(p) = &record.body {
        if p.protected && !caller.has(Role::Editor) {
            for f in Person::IDENTIFYING_FIELDS {
                map.remove(f);
            }
        }
    }
    map
}

/// The top-level fields that differ between two versions, as pretty JSON.
fn diff(
    before: Option<&serde_json::Map<String, serde_json::Value>>,
    after: Option<&serde_json::Map<String, serde_json::Value>>,
) -> Vec<(String, String, String)> {
    let empty = serde_json::Map::new();
    let (before, after) = (before.unwrap_or(&empty), after.unwrap_or(&empty));
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    let show = |v: Option<&serde_json::Value>| match v {
        None => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => serde_json::to_string_pretty(v).unwrap_or_default(),
    };
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| (k.clone(), show(before.get(k)), show(after.get(k))))
        .collect()
}
