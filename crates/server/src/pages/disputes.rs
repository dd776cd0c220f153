//! The disputes pages: every subject on which sources contradict each other
//! (`/disputes`), and one subject's claims side by side by stance
//! (`/disputes/subject?record=` or `?topic=`).

use axum::extract::Query;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};
use vigil_model::dispute::{Contradiction, Subject};
use vigil_model::{Kind, Record};

use super::view::{enum_code, record_link, Ctx};
use super::{layout, page, query, user_text, PageError, PageResult};
use crate::blocking::blocking;
use crate::disputes::SubjectQuery;
use crate::AppState;
use vigil_app::disputes::{claims_about, disputed, Weighed};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/disputes", get(list))
        .route("/disputes/subject", get(subject))
}

fn subject_href(subject: &Subject) -> String {
    match subject {
        Subject::Record(id) => format!(
            "/disputes/subject?{}",
            query(&[("record", &id.to_string())])
        ),
        Subject::Topic(t) => format!("/disputes/subject?{}", query(&[("topic", t)])),
    }
}

async fn subject_label(ctx: &Ctx, subject: &Subject) -> Result<Markup, PageError> {
    Ok(match subject {
        Subject::Topic(t) => html! { span dir="auto" { (user_text(t)) } },
        Subject::Record(id) => {
            let mut found: Option<Record> = None;
            for kind in Kind::ALL {
                if let Some(r) = ctx.get(kind, *id).await? {
                    found = Some(r);
                    break;
                }
            }
            match found {
                Some(r) => html! { (super::view::display_label(&r, ctx.lang, &ctx.caller)) },
                None => html! { span.muted { (ctx.lang.t("not-visible")) } },
            }
        }
    })
}

async fn list(ctx: Ctx) -> PageResult {
    let lang = ctx.lang;
    let (store, access) = (ctx.store.clone(), ctx.caller.access());
    let found = blocking(move || disputed(store.as_ref(), access)).await?;
    let mut rows = Vec::new();
    for d in &found {
        let label = subject_label(&ctx, &d.subject).await?;
        rows.push((d, label));
    }
    let why = |c: Contradiction| lang.t(&format!("contradiction-{}", enum_code(&c)));
    let markup = html! {
        h1 { (lang.t("disputes-title")) }
        p.muted { (lang.t("disputes-intro")) }
        @if rows.is_empty() {
            p { (lang.t("disputes-none")) }
        } @else {
            table {
                thead { tr { th { (lang.t("field-subject")) } th { (lang.t("disputes-claims")) } th { (lang.t("disputes-why")) } } }
                tbody { @for (d, label) in &rows {
                    tr {
                        td { a href=(subject_href(&d.subject)) { (label) } }
                        td { (d.claims.len()) }
                        td {
                            @let mut kinds: Vec<String> = d.contradictions.iter().map(|c| why(c.2)).collect();
                            ({ kinds.sort(); kinds.dedup(); kinds.join(", ") })
                        }
                    }
                } }
            }
        }
    };
    Ok(page(
        StatusCode::OK,
        layout(&ctx.frame(lang.t("disputes-title"), "/disputes"), markup),
    ))
}

fn claim_card(ctx: &Ctx, w: &Weighed) -> Markup {
    let lang = ctx.lang;
    let c = &w.claim;
    html! {
        article.claim {
            p.statement { a href={ "/claims/" (w.id) } { (user_text(&c.statement)) } }
            @if let Some(q) = &c.quantity {
                p.figure {
                    @if let Some(v) = q.value { (v) }
                    @if q.low.is_some() || q.high.is_some() {
                        (q.low.map(|v| v.to_string()).unwrap_or_default()) "–" (q.high.map(|v| v.to_string()).unwrap_or_default())
                    }
                    " " (user_text(&q.unit))
                }
            }
            @if let Some(q) = &c.quote {
                blockquote.quote dir="auto" {
                    (q)
                    @if let (Some(doc), Some(n)) = (c.document, c.paragraph) {
                        " " a href={ "/documents/" (doc) "#p" (n) } { "¶" (n) }
                    }
                }
            }
            p.source {
                @match &w.source {
                    Some((record, s)) => {
                        (record_link(record, lang, &ctx.caller)) " — "
                        (lang.t(&format!("source-{}", enum_code(&s.source_kind)))) ", "
                        (lang.t("field-reliability")) " " span.grade { (enum_code(&s.reliability)) }
                    }
                    None => span.muted { (lang.t("not-visible")) },
                }
                " · " (lang.t("field-credibility")) " " (c.credibility) " (" (lang.t(&format!("credibility-{}", c.credibility))) ")"
            }
        }
    }
}

async fn subject(ctx: Ctx, Query(q): Query<SubjectQuery>) -> PageResult {
    let lang = ctx.lang;
    let Some(subject) = q.subject() else {
        return Ok(super::message(
            lang,
            &ctx.caller,
            StatusCode::BAD_REQUEST,
            "disputes-title",
            "disputes-no-subject",
        ));
    };
    let (store, access, s) = (ctx.store.clone(), ctx.caller.access(), subject.clone());
    let (asserting, denying) = blocking(move || claims_about(store.as_ref(), access, &s)).await?;
    let label = subject_label(&ctx, &subject).await?;
    let markup = html! {
        h1 { (lang.t("disputes-about")) " " (label) }
        @if let Subject::Record(id) = &subject {
            p { a href={ "/claims?" (query(&[("person", &id.to_string())])) } { (lang.t("disputes-all-claims")) } }
        }
        div.sides {
            section.side {
                h2 { (lang.t("stance-asserts")) " (" (asserting.len()) ")" }
                @for w in &asserting { (claim_card(&ctx, w)) }
            }
            section.side {
                h2 { (lang.t("stance-denies")) " (" (denying.len()) ")" }
                @for w in &denying { (claim_card(&ctx, w)) }
            }
        }
    };
    Ok(page(
        StatusCode::OK,
        layout(
            &ctx.frame(lang.t("disputes-title"), subject_href(&subject)),
            markup,
        ),
    ))
}
