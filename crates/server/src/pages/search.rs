//! The search page (`/search`): one box for records, claims and the
//! paragraphs of documents, in English, Chinese or Uyghur, with filters by
//! kind, date, source kind and grade. The caller's level caps what is
//! found, as everywhere ([`crate::search::run`]).
//!
//! Snippets are plain text with the matched words as byte ranges; the page
//! cuts the text at those ranges and lets maud escape every piece, the
//! matched ones inside `<mark>`.

use std::str::FromStr;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};
use vigil_model::Kind;
use vigil_search::{Hit, Snippet};

use super::forms;
use super::view::Ctx;
use super::{layout, page, query, user_text, Lang, PageError, PageResult};
use crate::search::SearchQuery;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/search", get(search_page))
}

const PAGE_SIZE: usize = 20;
/// What the kind filter offers; empty is everything.
const KINDS: [&str; 7] = [
    "person",
    "organization",
    "place",
    "event",
    "source",
    "claim",
    "passage",
];
const GRADES: [&str; 6] = ["A", "B", "C", "D", "E", "F"];

/// The text of a snippet with its highlighted ranges in `<mark>`. Ranges
/// that overlap, run backwards or cut a character are left out rather
/// than trusted.
pub fn highlighted(snippet: &Snippet) -> Markup {
    let text = snippet.text.as_str();
    let mut pieces: Vec<(bool, &str)> = Vec::new();
    let mut at = 0;
    for &(start, end) in &snippet.highlights {
        if start < at
            || end <= start
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            continue;
        }
        if start > at {
            pieces.push((false, &text[at..start]));
        }
        pieces.push((true, &text[start..end]));
        at = end;
    }
    if at < text.len() {
        pieces.push((false, &text[at..]));
    }
    html! {
        @for (marked, piece) in pieces {
            @if marked { mark { (piece) } } @else { (piece) }
        }
    }
}

/// The form's values, as sent.
#[derive(Default)]
struct Sent {
    q: String,
    kind: String,
    from: String,
    to: String,
    source_kind: String,
    grades: Vec<String>,
    offset: usize,
}

impl Sent {
    fn read(pairs: Vec<(String, String)>) -> Sent {
        let mut sent = Sent::default();
        for (key, value) in pairs {
            let value = value.trim().to_string();
            match key.as_str() {
                "q" => sent.q = value,
                "kind" if value != "all" => sent.kind = value,
                "from" => sent.from = value,
                "to" => sent.to = value,
                "source_kind" => sent.source_kind = value,
                "grade" => {
                    // `grade=A&grade=B` from the boxes, or `grade=A,B`.
                    for g in value.split(',').map(str::trim) {
                        if GRADES.contains(&g) && !sent.grades.iter().any(|x| x == g) {
                            sent.grades.push(g.to_string());
                        }
                    }
                }
                "offset" => sent.offset = value.parse().unwrap_or(0).min(10_000),
                _ => {}
            }
        }
        sent
    }

    fn search_query(&self) -> SearchQuery {
        let some = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
        SearchQuery {
            q: some(&self.q),
            kind: some(&self.kind),
            from: some(&self.from),
            to: some(&self.to),
            place: None,
            source_kind: some(&self.source_kind),
            grade: some(&self.grades.join(",")),
            limit: Some(PAGE_SIZE),
            offset: Some(self.offset),
        }
    }

    /// This search at another offset.
    fn href(&self, offset: usize) -> String {
        let offset = offset.to_string();
        let mut pairs: Vec<(&str, &str)> = vec![("q", &self.q)];
        for (key, value) in [
            ("kind", &self.kind),
            ("from", &self.from),
            ("to", &self.to),
            ("source_kind", &self.source_kind),
        ] {
            if !value.is_empty() {
                pairs.push((key, value));
            }
        }
        for g in &self.grades {
            pairs.push(("grade", g));
        }
        if offset != "0" {
            pairs.push(("offset", &offset));
        }
        format!("/search?{}", query(&pairs))
    }
}

fn kind_label(lang: Lang, kind: &str) -> String {
    lang.t(&format!("kind-{kind}"))
}

/// Where a hit leads: a record's page, or a paragraph in its document.
fn hit_href(hit: &Hit) -> Option<String> {
    if hit.kind == "passage" {
        let (doc, n) = (hit.document.as_deref()?, hit.paragraph?);
        return Some(format!("/documents/{doc}#p{n}"));
    }
    let kind = Kind::from_str(&hit.kind).ok()?;
    Some(format!("/{}/{}", kind.plural(), hit.id))
}

fn hit_markup(lang: Lang, hit: &Hit) -> Markup {
    let title = if hit.title.trim().is_empty() {
        if hit.kind == "person" {
            lang.t("protected-person")
        } else {
            hit.id.clone()
        }
    } else {
        hit.title.clone()
    };
    html! {
        li.hit {
            span class={ "kind " (hit.kind) } { (kind_label(lang, &hit.kind)) }
            " "
            @match hit_href(hit) {
                Some(href) => a href=(href) {
                    (user_text(&title))
                    @if let Some(n) = hit.paragraph { " ¶" (n) }
                },
                None => (user_text(&title)),
            }
            @if !hit.snippet.text.is_empty() {
                p.snippet dir="auto" { (highlighted(&hit.snippet)) }
            }
        }
    }
}

fn form(lang: Lang, sent: &Sent) -> Markup {
    let source_kinds = forms::SOURCE_KIND.codes;
    html! {
        form.filters.search-page method="get" action="/search" role="search" {
            label { (lang.t("search-words")) " "
                input type="search" name="q" value=(sent.q) dir="auto" size="40" autofocus;
            }
            label { (lang.t("search-kind")) " "
                select name="kind" {
                    option value="" { (lang.t("search-kind-all")) }
                    @for k in KINDS { option value=(k) selected[sent.kind == k] { (kind_label(lang, k)) } }
                }
            }
            label { (lang.t("search-from")) " "
                input type="text" name="from" value=(sent.from) size="11" inputmode="numeric"
                    placeholder=(lang.t("search-date-placeholder"));
            }
            label { (lang.t("search-to")) " "
                input type="text" name="to" value=(sent.to) size="11" inputmode="numeric"
                    placeholder=(lang.t("search-date-placeholder"));
            }
            label { (lang.t("field-source-type")) " "
                select name="source_kind" {
                    option value="" { "—" }
                    @for code in source_kinds {
                        option value=(code) selected[sent.source_kind == *code] { (lang.t(&format!("source-{code}"))) }
                    }
                }
            }
            fieldset.grades {
                legend { (lang.t("field-reliability")) }
                @for g in GRADES {
                    label title=(lang.t(&format!("reliability-{g}"))) {
                        input type="checkbox" name="grade" value=(g) checked[sent.grades.iter().any(|x| x == g)];
                        " " (g)
                    }
                }
            }
            button type="submit" { (lang.t("search")) }
        }
    }
}

async fn search_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult {
    let lang = ctx.lang;
    let sent = Sent::read(pairs);
    let here = sent.href(sent.offset);
    let title = lang.t("search-title");
    let mut status = StatusCode::OK;
    let results = if sent.q.is_empty() {
        html! { p.muted { (lang.t("search-intro")) } }
    } else {
        match crate::search::run(&state, &ctx.caller, &sent.search_query()).await {
            Ok(found) => {
                let shown = found.hits.len();
                html! {
                    p.total { (lang.t_args("search-total", &[("count", &found.total.to_string())])) }
                    @if found.hits.is_empty() {
                        p { (lang.t("search-none")) }
                    } @else {
                        ol.results start=(sent.offset + 1) {
                            @for hit in &found.hits { (hit_markup(lang, hit)) }
                        }
                    }
                    @if sent.offset > 0 || sent.offset + shown < found.total {
                        nav.paging {
                            @if sent.offset > 0 {
                                a href=(sent.href(sent.offset.saturating_sub(PAGE_SIZE))) { (lang.t("previous-page")) } " "
                            }
                            @if sent.offset + shown < found.total {
                                a href=(sent.href(sent.offset + PAGE_SIZE)) { (lang.t("next-page")) }
                            }
                        }
                    }
                }
            }
            Err(problem) if problem.status == StatusCode::BAD_REQUEST.as_u16() => {
                status = StatusCode::BAD_REQUEST;
                html! { p.field-error role="alert" { (lang.t("search-bad-date")) } }
            }
            Err(problem) => return Err(PageError::Failed(problem.detail)),
        }
    };
    let markup = html! {
        h1 { (title) }
        (form(lang, &sent))
        (results)
    };
    Ok(page(status, layout(&ctx.frame(title, here), markup)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_built_from_ranges_and_everything_is_escaped() {
        let text = "<b>x</b> 新疆再教育營 & more";
        let start = text.find("再教育營").unwrap();
        let snippet = Snippet {
            text: text.into(),
            highlights: vec![
                (0, 3),
                (start, start + "再教育營".len()),
                (1, 2),
                (999, 1000),
            ],
        };
        assert_eq!(
            highlighted(&snippet).into_string(),
            "<mark>&lt;b&gt;</mark>x&lt;/b&gt; 新疆<mark>再教育營</mark> &amp; more"
        );
        // A range inside a character is dropped, not split.
        let cut = Snippet {
            text: "營".into(),
            highlights: vec![(0, 1)],
        };
        assert_eq!(highlighted(&cut).into_string(), "營");
    }

    #[test]
    fn the_form_reads_repeated_grades_and_pages() {
        let sent = Sent::read(vec![
            ("q".into(), " camps ".into()),
            ("kind".into(), "all".into()),
            ("grade".into(), "A".into()),
            ("grade".into(), "B,Z".into()),
            ("offset".into(), "20".into()),
        ]);
        assert_eq!(sent.q, "camps");
        assert_eq!(sent.kind, "");
        assert_eq!(sent.grades, ["A", "B"]);
        let q = sent.search_query();
        assert_eq!(q.grade.as_deref(), Some("A,B"));
        assert_eq!(q.kind, None);
        assert_eq!(sent.href(40), "/search?q=camps&grade=A&grade=B&offset=40");
        assert_eq!(sent.href(0), "/search?q=camps&grade=A&grade=B");
    }
}
