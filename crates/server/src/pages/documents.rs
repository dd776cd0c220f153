//! Documents: the list and the upload form (`/documents`), the reader
//! (`/documents/{id}`: metadata and the text as numbered paragraphs), the
//! original as a download, and recording a claim whose quote is taken from
//! one paragraph (`/documents/{id}/claim?paragraph=N`).
//!
//! The original is never shown in the page: a hostile HTML or PDF file must
//! not run in vigil's origin. The reader shows the extracted text only,
//! escaped like everything else; the original is served as an attachment.

use std::str::FromStr;

use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::{json, Value};
use vigil_model::{
    Body, Confidentiality, Document, DocumentStatus, Kind, Paragraph, RecordId, ValidationErrors,
};
use vigil_store::{Filter, Role, StoreError};

use super::forms::{self, f, fields, FormState, FormView, Section, Widget};
use super::view::{confidentiality_badge, display_label, Ctx};
use super::{csrf_field, layout, message, page, query, user_text, Lang, PageError, PageResult};
use crate::blocking::{blocking, Failure};
use crate::documents::MAX_UPLOAD_BYTES;
use crate::AppState;
use vigil_app::{Arrival, IngestError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/documents",
            get(list)
                .post(upload)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/documents/{id}", get(reader))
        .route("/documents/{id}/original", get(original))
        .route("/documents/{id}/claim", get(claim_form).post(claim_create))
}

const PAGE_SIZE: u64 = 50;

/// A size for people: `2.4 MiB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

fn status_markup(lang: Lang, d: &Document) -> Markup {
    let code = d.status.code();
    html! {
        span class={ "doc-status " (code) } { (lang.t(&format!("document-status-{code}"))) }
        @if let Some(e) = &d.error { ": " span.error { (e) } }
    }
}

fn not_found(ctx: &Ctx) -> Response {
    message(
        ctx.lang,
        &ctx.caller,
        StatusCode::NOT_FOUND,
        "not-found-title",
        "not-found-body",
    )
}

fn no_store(ctx: &Ctx) -> Response {
    message(
        ctx.lang,
        &ctx.caller,
        StatusCode::SERVICE_UNAVAILABLE,
        "documents-no-store-title",
        "documents-no-store-body",
    )
}

/// A document the caller may see, or the 404 page (the same whether it
/// does not exist or is above their level).
async fn visible_document(ctx: &Ctx, id: &str) -> Result<Document, PageError> {
    let Ok(id) = RecordId::from_str(id.trim()) else {
        return Err(not_found(ctx).into());
    };
    let store = ctx.store.clone();
    match blocking(move || store.document(id)).await? {
        Some(d) if ctx.caller.may_see(d.confidentiality) => Ok(d),
        _ => Err(not_found(ctx).into()),
    }
}

// ---------------------------------------------------------------------------
// The list and the upload form

#[derive(Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    offset: String,
}

/// What the upload form sent besides the file, to show it again.
#[derive(Default)]
struct UploadForm {
    confidentiality: String,
    source: String,
}

/// Errors of the upload form, by field name (`file`, `confidentiality`,
/// `source`).
type UploadErrors = Vec<(&'static str, String)>;

async fn list(State(state): State<AppState>, ctx: Ctx, Query(q): Query<ListQuery>) -> PageResult {
    let offset = q.offset.trim().parse().unwrap_or(0);
    list_page(
        &state,
        &ctx,
        offset,
        &UploadForm::default(),
        &UploadErrors::new(),
        StatusCode::OK,
    )
    .await
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    offset: u64,
    form: &UploadForm,
    errors: &UploadErrors,
    status: StatusCode,
) -> PageResult {
    let lang = ctx.lang;
    let (store, max) = (ctx.store.clone(), ctx.caller.max_confidentiality());
    let mut docs = blocking(move || store.documents(max, offset, PAGE_SIZE + 1)).await?;
    let more = docs.len() as u64 > PAGE_SIZE;
    docs.truncate(PAGE_SIZE as usize);
    let upload = if !ctx.caller.has(Role::Editor) {
        html! {}
    } else if state.evidence.is_none() {
        html! { p.muted { (lang.t("documents-no-store-body")) } }
    } else {
        upload_form(ctx, form, errors).await?
    };
    let page_link =
        |offset: u64| format!("/documents?{}", query(&[("offset", &offset.to_string())]));
    let markup = html! {
        h1 { (lang.t("documents-title")) }
        p.muted { (lang.t("documents-intro")) }
        (upload)
        @if docs.is_empty() {
            p { (lang.t("documents-empty")) }
        } @else {
            table.documents {
                thead { tr {
                    th { (lang.t("document-file-name")) }
                    th { (lang.t("document-media-type")) }
                    th.number { (lang.t("document-size")) }
                    th { (lang.t("document-received")) }
                    th { (lang.t("document-status")) }
                    th.number { (lang.t("document-paragraphs")) }
                } }
                tbody { @for d in &docs { tr {
                    td {
                        a href={ "/documents/" (d.id) } { (user_text(&d.file_name)) }
                        " " (confidentiality_badge(d.confidentiality, lang))
                    }
                    td { code { (d.media_type) } }
                    td.number { (human_size(d.size)) }
                    td { (d.received_at) br; span.muted { (d.received_by) } }
                    td { (status_markup(lang, d)) }
                    td.number { (d.paragraphs) }
                } } }
            }
        }
        @if offset > 0 || more {
            nav.paging {
                @if offset > 0 { a href=(page_link(offset.saturating_sub(PAGE_SIZE))) { (lang.t("previous-page")) } " " }
                @if more { a href=(page_link(offset + PAGE_SIZE)) { (lang.t("next-page")) } }
            }
        }
    };
    Ok(page(
        status,
        layout(&ctx.frame(lang.t("documents-title"), "/documents"), markup),
    ))
}

async fn upload_form(
    ctx: &Ctx,
    form: &UploadForm,
    errors: &UploadErrors,
) -> Result<Markup, PageError> {
    let lang = ctx.lang;
    let sources = ctx.list(Kind::Source, Filter::default(), 500).await?;
    let errors_of = |name: &str| -> Vec<&str> {
        errors
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, m)| m.as_str())
            .collect()
    };
    let field_errors = |name: &str| {
        let found = errors_of(name);
        html! {
            @if !found.is_empty() { p.field-error id={ "error-" (name) } { (found.join("; ")) } }
        }
    };
    let invalid = |name: &str| (!errors_of(name).is_empty()).then_some("true");
    let chosen = if form.confidentiality.is_empty() {
        "internal"
    } else {
        form.confidentiality.as_str()
    };
    Ok(html! {
        section.upload {
            h2 { (lang.t("document-upload-title")) }
            @if !errors.is_empty() {
                div.form-errors role="alert" { p { strong { (lang.t("form-invalid")) } } }
            }
            // The token comes first: the authorisation layer reads it
            // before the file.
            form.stacked method="post" action="/documents" enctype="multipart/form-data" accept-charset="utf-8" {
                (csrf_field(&ctx.caller))
                label for="upload-file" { (lang.t("document-file")) }
                input type="file" id="upload-file" name="file" required aria-invalid=[invalid("file")];
                (field_errors("file"))
                label for="upload-confidentiality" { (lang.t("field-confidentiality")) }
                select id="upload-confidentiality" name="confidentiality" aria-invalid=[invalid("confidentiality")] {
                    @for code in forms::CONFIDENTIALITY.codes {
                        option value=(code) selected[*code == chosen] { (lang.t(&format!("conf-{code}"))) }
                    }
                }
                (field_errors("confidentiality"))
                label for="upload-source" { (lang.t("field-source")) }
                input type="text" id="upload-source" name="source" value=(form.source) size="38"
                    spellcheck="false" list="records-sources" placeholder=(lang.t("ref-placeholder"))
                    aria-invalid=[invalid("source")];
                (field_errors("source"))
                datalist id="records-sources" {
                    @for s in &sources { option value=(s.id) { (display_label(s, lang, &ctx.caller)) } }
                }
                p.hint { (lang.t("document-upload-hint")) }
                button type="submit" { (lang.t("document-upload")) }
            }
        }
    })
}

/// The last component of a file name as a browser sent it (some send a
/// whole path).
fn base_name(name: &str) -> String {
    name.rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .trim()
        .to_string()
}

fn bad_form(ctx: &Ctx) -> Response {
    message(
        ctx.lang,
        &ctx.caller,
        StatusCode::BAD_REQUEST,
        "document-upload-title",
        "document-error-form",
    )
}

/// `POST /documents`: a multipart form with `csrf` (checked by the
/// authorisation layer before the file is read), `file`,
/// `confidentiality` and an optional `source`.
async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let lang = ctx.lang;
    let Some(evidence) = state.evidence.clone() else {
        return Ok(no_store(&ctx));
    };
    let Ok(mut multipart) = multipart else {
        return Ok(bad_form(&ctx));
    };
    let mut form = UploadForm::default();
    let mut file: Option<(String, Bytes)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Ok(message(
                    lang,
                    &ctx.caller,
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "document-upload-title",
                    "document-error-too-large",
                ))
            }
            Err(_) => return Ok(bad_form(&ctx)),
        };
        match field.name() {
            Some("file") => {
                let name = field.file_name().map(base_name).unwrap_or_default();
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes)),
                    Err(_) => return Ok(bad_form(&ctx)),
                }
            }
            Some("confidentiality") => {
                form.confidentiality = field.text().await.unwrap_or_default()
            }
            Some("source") => form.source = field.text().await.unwrap_or_default(),
            _ => {}
        }
    }
    let mut errors = UploadErrors::new();
    let confidentiality = match form.confidentiality.trim() {
        "" => Some(Confidentiality::Internal),
        code => serde_json::from_value::<Confidentiality>(Value::String(code.into())).ok(),
    }
    .filter(|c| ctx.caller.may_see(*c));
    if confidentiality.is_none() {
        errors.push(("confidentiality", lang.t("document-error-confidentiality")));
    }
    let source = match form.source.trim() {
        "" => None,
        text => {
            let found = match RecordId::from_str(text) {
                Ok(id) => ctx.get(Kind::Source, id).await?,
                Err(_) => None,
            };
            if found.is_none() {
                errors.push(("source", lang.t("document-error-source")));
            }
            found.map(|r| r.id)
        }
    };
    let file = file.filter(|(_, bytes)| !bytes.is_empty());
    if file.is_none() {
        errors.push(("file", lang.t("document-error-file")));
    }
    let (Some((name, bytes)), Some(confidentiality), true) =
        (file, confidentiality, errors.is_empty())
    else {
        return list_page(
            &state,
            &ctx,
            0,
            &form,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let arrival = Arrival {
        file_name: if name.is_empty() {
            "upload".into()
        } else {
            name
        },
        confidentiality,
        source,
    };
    let (store, actor) = (state.store.clone(), ctx.caller.actor());
    let result =
        blocking(move || evidence.ingest_bytes(store.as_ref(), &bytes, arrival, &actor)).await;
    match result {
        Ok((doc, _)) => Ok(Redirect::to(&format!("/documents/{}", doc.id)).into_response()),
        Err(Failure::Failed(IngestError::Store(StoreError::Invalid(invalid)))) => {
            for e in invalid.0 {
                let field = if e.pointer == "/source" {
                    "source"
                } else {
                    "file"
                };
                errors.push((field, e.detail));
            }
            list_page(
                &state,
                &ctx,
                0,
                &form,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(Failure::Failed(e)) => Err(PageError::Failed(format!(
            "keeping an uploaded document failed: {e}"
        ))),
        Err(panicked) => Err(panicked.into()),
    }
}

// ---------------------------------------------------------------------------
// The reader

fn meta_field(label: String, value: Markup) -> Markup {
    html! { div.field { dt { (label) } dd { (value) } } }
}

fn passage_href(doc: RecordId, n: u32) -> String {
    format!("/documents/{doc}#p{n}")
}

fn locator(lang: Lang, p: &Paragraph) -> Markup {
    html! {
        span.locator dir="ltr" {
            a href={ "#p" (p.number) } { "¶" (p.number) }
            @if let Some(page) = p.page { " · " (lang.t_args("document-page", &[("page", &page.to_string())])) }
        }
    }
}

async fn reader(ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let doc = visible_document(&ctx, &id).await?;
    let lang = ctx.lang;
    let (store, doc_id) = (ctx.store.clone(), doc.id);
    let paragraphs = blocking(move || store.paragraphs(doc_id)).await?;
    let source = match doc.source {
        Some(s) => Some(ctx.link(Kind::Source, s).await?),
        None => None,
    };
    let here = format!("/documents/{}", doc.id);
    let editor = ctx.caller.has(Role::Editor);
    let empty_key = match doc.status {
        DocumentStatus::Failed => "document-text-failed",
        DocumentStatus::Stored => "document-text-none",
        DocumentStatus::Extracted => "document-text-empty",
    };
    let markup = html! {
        div.heading {
            h1 { (user_text(&doc.file_name)) }
            (confidentiality_badge(doc.confidentiality, lang))
        }
        p.meta {
            a href="/documents" { (lang.t("documents-title")) }
            @if ctx.caller.has(Role::Viewer) {
                " · " a href={ (here) "/original" } { (lang.t("document-download")) }
            }
        }
        dl.document {
            (meta_field(lang.t("document-file-name"), user_text(&doc.file_name)))
            (meta_field(lang.t("document-media-type"), html! { code { (doc.media_type) } }))
            (meta_field(lang.t("document-size"), html! { (human_size(doc.size)) @if doc.size >= 1024 { " (" (doc.size) " B)" } }))
            (meta_field(lang.t("document-sha256"), html! { code.hash { (doc.sha256) } }))
            (meta_field(lang.t("document-received"), html! { (doc.received_at) " · " (doc.received_by) }))
            @if let Some(s) = source { (meta_field(lang.t("field-source"), s)) }
            (meta_field(lang.t("document-status"), status_markup(lang, &doc)))
            @if let Some(pages) = doc.pages { (meta_field(lang.t("document-pages"), html! { (pages) })) }
            (meta_field(lang.t("document-paragraphs"), html! { (doc.paragraphs) }))
        }
        section.text {
            h2 { (lang.t("document-text")) }
            @if paragraphs.is_empty() { p.muted { (lang.t(empty_key)) } }
            @for p in &paragraphs {
                div.para {
                    p id={ "p" (p.number) } dir="auto" { (locator(lang, p)) " " (p.text) }
                    @if editor {
                        p.para-actions {
                            a href={ (here) "/claim?" (query(&[("paragraph", &p.number.to_string())])) } {
                                (lang.t("document-claim-from-paragraph"))
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(
        StatusCode::OK,
        layout(&ctx.frame(doc.file_name.clone(), here), markup),
    ))
}

/// `GET /documents/{id}/original`: the bytes as received, as a download
/// (the same response as the API's).
async fn original(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let doc = visible_document(&ctx, &id).await?;
    match crate::documents::serve_original(&state, &doc).await {
        Ok(response) => Ok(response),
        Err(p) if p.status == StatusCode::SERVICE_UNAVAILABLE.as_u16() => Ok(no_store(&ctx)),
        Err(p) => Err(PageError::Failed(p.detail)),
    }
}

// ---------------------------------------------------------------------------
// A claim from a paragraph

/// The claim form of the reader: its quote must be words of the paragraph
/// (the store refuses it otherwise, at `/quote`). Field names are JSON
/// pointers, as in every record form, so errors land at their field.
const CLAIM_FROM_PARAGRAPH: &[Section] = &[
    fields(
        "form-details",
        &[
            f("quote", "field-quote", Widget::Long),
            f("statement", "field-statement", Widget::Long),
            f("stance", "field-stance", Widget::Choice(&forms::STANCE)),
            f(
                "credibility",
                "field-credibility",
                Widget::Choice(&forms::CREDIBILITY),
            ),
            f("source", "field-source", Widget::Ref(Some(Kind::Source))),
            f(
                "confidentiality",
                "field-confidentiality",
                Widget::Choice(&forms::CONFIDENTIALITY),
            ),
        ],
    ),
    fields(
        "field-subject",
        &[
            f(
                "subject/record/kind",
                "field-subject-kind",
                Widget::Choice(&forms::KIND),
            ),
            f(
                "subject/record/id",
                "field-subject-record",
                Widget::Ref(None),
            ),
            f("subject/topic", "field-topic", Widget::Text),
        ],
    ),
    fields(
        "field-quantity",
        &[
            f("quantity/value", "field-value", Widget::Number),
            f("quantity/low", "field-low", Widget::Number),
            f("quantity/high", "field-high", Widget::Number),
            f("quantity/unit", "field-unit", Widget::Text),
            f("quantity/as_of", "field-as-of", Widget::Date),
        ],
    ),
];

#[derive(Deserialize, Default)]
struct ParagraphQuery {
    #[serde(default)]
    paragraph: String,
}

/// A visible document and one of its paragraphs, or the 404 page.
async fn paragraph_of(
    ctx: &Ctx,
    id: &str,
    number: &str,
) -> Result<(Document, Paragraph), PageError> {
    let doc = visible_document(ctx, id).await?;
    let Ok(number) = number.trim().parse::<u32>() else {
        return Err(not_found(ctx).into());
    };
    let (store, doc_id) = (ctx.store.clone(), doc.id);
    let paragraphs = blocking(move || store.paragraphs(doc_id)).await?;
    match paragraphs.into_iter().find(|p| p.number == number) {
        Some(p) => Ok((doc, p)),
        None => Err(not_found(ctx).into()),
    }
}

/// A claim quoting a document is at least as confidential as it by
/// default: its quote is the document's words.
fn default_level(c: Confidentiality) -> &'static str {
    match c {
        Confidentiality::Restricted => "restricted",
        Confidentiality::Public | Confidentiality::Internal => "internal",
    }
}

async fn claim_form(
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<ParagraphQuery>,
) -> PageResult {
    let (doc, paragraph) = paragraph_of(&ctx, &id, &q.paragraph).await?;
    let mut defaults =
        json!({ "stance": "asserts", "confidentiality": default_level(doc.confidentiality) });
    if let Some(source) = doc.source {
        defaults["source"] = Value::String(source.to_string());
    }
    let state = FormState::from_json(CLAIM_FROM_PARAGRAPH, &defaults, 0);
    claim_page(
        &ctx,
        &doc,
        &paragraph,
        &state,
        &ValidationErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn claim_page(
    ctx: &Ctx,
    doc: &Document,
    paragraph: &Paragraph,
    state: &FormState,
    errors: &ValidationErrors,
    status: StatusCode,
) -> PageResult {
    let lang = ctx.lang;
    let view = FormView::new(ctx, CLAIM_FROM_PARAGRAPH, state, errors).await?;
    let n = paragraph.number;
    let here = format!(
        "/documents/{}/claim?{}",
        doc.id,
        query(&[("paragraph", &n.to_string())])
    );
    let title = lang.t("document-claim-title");
    let back = passage_href(doc.id, n);
    let markup = html! {
        h1 { (title) }
        p.meta {
            a href=(back) {
                (lang.t_args("claim-passage-of", &[("paragraph", &n.to_string()), ("document", &doc.file_name)]))
            }
            " " (locator(lang, paragraph))
        }
        blockquote.passage dir="auto" { (paragraph.text) }
        p.hint { (lang.t("document-claim-quote-hint")) }
        (view.summary())
        form.record method="post" action={ "/documents/" (doc.id) "/claim" } accept-charset="utf-8" {
            (csrf_field(&ctx.caller))
            input type="hidden" name="paragraph" value=(n);
            (view.sections(CLAIM_FROM_PARAGRAPH))
            p.actions {
                button type="submit" { (lang.t("save")) }
                " " a href=(back) { (lang.t("cancel")) }
            }
        }
    };
    Ok(page(status, layout(&ctx.frame(title, here), markup)))
}

/// The claim a submitted form describes, anchored in the paragraph.
fn read_claim(
    state: &FormState,
    doc: &Document,
    paragraph: u32,
    lang: Lang,
) -> Result<(Body, forms::Rows), ValidationErrors> {
    let (mut json, rows) = forms::to_json(CLAIM_FROM_PARAGRAPH, state, lang)?;
    json["document"] = Value::String(doc.id.to_string());
    json["paragraph"] = Value::from(paragraph);
    let body = Body::from_json(Kind::Claim, json).map_err(|e| rows.to_form(e, lang))?;
    // The quote is the document's words: a claim less confidential than
    // the document would show them to people who may not read it.
    if body.confidentiality() < doc.confidentiality {
        return Err(ValidationErrors::single(
            "/confidentiality",
            lang.t("document-claim-below-document"),
        ));
    }
    Ok((body, rows))
}

async fn claim_create(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(sent): Form<Vec<(String, String)>>,
) -> PageResult {
    let lang = ctx.lang;
    let number = sent
        .iter()
        .find(|(k, _)| k == "paragraph")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let (doc, paragraph) = paragraph_of(&ctx, &id, &number).await?;
    let state = FormState::from_submission(CLAIM_FROM_PARAGRAPH, sent);
    let errors = match read_claim(&state, &doc, paragraph.number, lang) {
        Err(errors) => errors,
        Ok((body, rows)) => {
            let (store, actor) = (ctx.store.clone(), ctx.caller.actor());
            match blocking(move || store.create(None, body, &actor)).await {
                Ok(record) => {
                    return Ok(Redirect::to(&format!("/claims/{}", record.id)).into_response())
                }
                Err(Failure::Failed(StoreError::Invalid(errors))) => rows.to_form(errors, lang),
                Err(Failure::Failed(e)) => {
                    return Err(PageError::Failed(format!(
                        "store failure recording a claim: {e}"
                    )))
                }
                Err(panicked) => return Err(panicked.into()),
            }
        }
    };
    claim_page(
        &ctx,
        &doc,
        &paragraph,
        &state,
        &errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_names() {
        assert_eq!(human_size(12), "12 B");
        assert_eq!(human_size(2048), "2.0 KiB");
        assert_eq!(human_size(5 * 1024 * 1024 + 1), "5.0 MiB");
        assert_eq!(base_name("C:\\Users\\x\\report.pdf"), "report.pdf");
        assert_eq!(base_name("dir/a b.txt"), "a b.txt");
    }

    #[test]
    fn every_label_is_translated() {
        for section in CLAIM_FROM_PARAGRAPH {
            assert_ne!(Lang::En.t(section.legend), section.legend);
            for field in section.fields {
                assert_ne!(Lang::En.t(field.label), field.label);
            }
        }
    }
}
