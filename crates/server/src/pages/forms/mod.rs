//! Creating and editing records through HTML forms that work without
//! JavaScript.
//!
//! Each kind is described by a table of fields ([`spec`]): the field's path
//! in the record's JSON, its widget and its label. One generic renderer
//! draws any table and one generic parser reads it back. A form field's
//! name is the JSON pointer of its value without the leading slash
//! (`names/0/text`, `legal/charges/1/statute`), so a validation error's
//! pointer names the field it belongs to. Repeated groups show every item
//! plus two blank rows; blank rows are dropped when the form is read.

mod fields;
mod read;
mod render;

use std::str::FromStr;

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use maud::{html, Markup};
use serde_json::Value;
use vigil_model::{Body, Kind, Record, RecordId, ValidationErrors};
use vigil_store::StoreError;

use super::view::{record_link, Ctx};
use super::{csrf_field, layout, message, page, Lang, PageError, PageResult};
use crate::blocking::{blocking, Failure};
use crate::caller::Caller;
use crate::AppState;

pub use fields::{choices, f, fields, spec, Choices, Section, Widget};
pub(super) use fields::{CONFIDENTIALITY, CREDIBILITY, KIND, SOURCE_KIND, STANCE};
pub use read::{to_json, FormState, Rows};
pub use render::FormView;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{kind}/new", get(new_form).post(create))
        .route("/{kind}/{id}/edit", get(edit_form).post(update))
}

// ---------------------------------------------------------------------------
// Pages

enum Mode {
    New,
    Edit { id: RecordId, version: u64 },
}

fn not_found(lang: Lang, caller: &Caller) -> Response {
    message(
        lang,
        caller,
        StatusCode::NOT_FOUND,
        "not-found-title",
        "not-found-body",
    )
}

fn kind_title(lang: Lang, kind: Kind) -> String {
    lang.t(&format!("kind-{}", kind.singular()))
}

/// The form itself, with its errors.
async fn form_markup(
    ctx: &Ctx,
    kind: Kind,
    mode: &Mode,
    state: &FormState,
    errors: &ValidationErrors,
) -> Result<Markup, PageError> {
    let lang = ctx.lang;
    let spec = spec(kind);
    let view = FormView::new(ctx, spec, state, errors).await?;
    let (action, cancel) = match mode {
        Mode::New => (
            format!("/{}/new", kind.plural()),
            format!("/{}", kind.plural()),
        ),
        Mode::Edit { id, .. } => (
            format!("/{}/{id}/edit", kind.plural()),
            format!("/{}/{id}", kind.plural()),
        ),
    };
    Ok(html! {
        (view.summary())
        form.record method="post" action=(action) accept-charset="utf-8" {
            (csrf_field(&ctx.caller))
            @if let Mode::Edit { version, .. } = mode {
                input type="hidden" name="version" value=(version);
            }
            (view.sections(spec))
            p.actions {
                button type="submit" { (lang.t("save")) }
                " " a href=(cancel) { (lang.t("cancel")) }
            }
        }
    })
}

async fn form_page(
    ctx: &Ctx,
    kind: Kind,
    mode: Mode,
    state: &FormState,
    errors: &ValidationErrors,
    status: StatusCode,
) -> PageResult {
    let lang = ctx.lang;
    let (title, here) = match &mode {
        Mode::New => (
            format!("{}: {}", lang.t("new-record"), kind_title(lang, kind)),
            format!("/{}/new", kind.plural()),
        ),
        Mode::Edit { id, .. } => (
            format!("{}: {}", lang.t("edit"), kind_title(lang, kind)),
            format!("/{}/{id}/edit", kind.plural()),
        ),
    };
    let form = form_markup(ctx, kind, &mode, state, errors).await?;
    let markup = html! {
        h1 { (title) }
        (form)
    };
    Ok(page(status, layout(&ctx.frame(title, here), markup)))
}

async fn new_form(ctx: Ctx, Path(kind): Path<String>) -> PageResult {
    let Ok(kind) = Kind::from_str(&kind) else {
        return Ok(not_found(ctx.lang, &ctx.caller));
    };
    let defaults = serde_json::json!({ "confidentiality": "internal" });
    let state = FormState::from_json(spec(kind), &defaults, 2);
    form_page(
        &ctx,
        kind,
        Mode::New,
        &state,
        &ValidationErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Reads a submitted form into a record body; errors name form fields.
fn read_body(kind: Kind, state: &FormState, lang: Lang) -> Result<(Body, Rows), ValidationErrors> {
    let (json, rows) = to_json(spec(kind), state, lang)?;
    let body = Body::from_json(kind, json).map_err(|e| rows.to_form(e, lang))?;
    Ok((body, rows))
}

async fn create(
    ctx: Ctx,
    Path(kind): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let lang = ctx.lang;
    let Ok(kind) = Kind::from_str(&kind) else {
        return Ok(not_found(ctx.lang, &ctx.caller));
    };
    let state = FormState::from_submission(spec(kind), fields);
    let errors = match read_body(kind, &state, lang) {
        Err(errors) => errors,
        Ok((body, rows)) => {
            let (store, actor) = (ctx.store.clone(), ctx.caller.actor());
            match blocking(move || store.create(None, body, &actor)).await {
                Ok(record) => {
                    return Ok(
                        Redirect::to(&format!("/{}/{}", kind.plural(), record.id)).into_response()
                    )
                }
                Err(Failure::Failed(StoreError::Invalid(errors))) => rows.to_form(errors, lang),
                Err(failure) => return Err(failure.into()),
            }
        }
    };
    form_page(
        &ctx,
        kind,
        Mode::New,
        &state,
        &errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// The record behind an edit URL, if the caller may see it.
async fn editable(ctx: &Ctx, kind: &str, id: &str) -> Result<(Kind, Record), PageError> {
    let missing = || not_found(ctx.lang, &ctx.caller);
    let (Ok(kind), Ok(id)) = (Kind::from_str(kind), RecordId::from_str(id)) else {
        return Err(missing().into());
    };
    match ctx.get(kind, id).await? {
        Some(record) => Ok((kind, record)),
        None => Err(missing().into()),
    }
}

async fn edit_form(ctx: Ctx, Path((kind, id)): Path<(String, String)>) -> PageResult {
    let (kind, record) = editable(&ctx, &kind, &id).await?;
    let state = FormState::from_json(spec(kind), &Value::Object(record.body.to_json()), 2);
    let mode = Mode::Edit {
        id: record.id,
        version: record.version,
    };
    form_page(
        &ctx,
        kind,
        mode,
        &state,
        &ValidationErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn update(
    ctx: Ctx,
    Path((kind, id)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let lang = ctx.lang;
    let (kind, record) = editable(&ctx, &kind, &id).await?;
    let id = record.id;
    let state = FormState::from_submission(spec(kind), fields);
    // A missing or garbled version can only conflict: nothing is overwritten.
    let version = state.value("version").trim().parse::<u64>().unwrap_or(0);
    let errors = match read_body(kind, &state, lang) {
        Err(errors) => errors,
        Ok((body, rows)) => {
            let submitted = body.clone();
            let (store, actor) = (ctx.store.clone(), ctx.caller.actor());
            let result = blocking(move || store.update(kind, id, version, body, &actor)).await;
            match result {
                Ok(_) => {
                    return Ok(Redirect::to(&format!("/{}/{id}", kind.plural())).into_response())
                }
                Err(Failure::Failed(StoreError::Invalid(errors))) => rows.to_form(errors, lang),
                Err(Failure::Failed(StoreError::Conflict { .. })) => {
                    return conflict_page(&ctx, kind, id, &state, &submitted).await
                }
                Err(Failure::Failed(StoreError::NotFound { .. })) => {
                    return Ok(not_found(lang, &ctx.caller))
                }
                Err(failure) => return Err(failure.into()),
            }
        }
    };
    let mode = Mode::Edit { id, version };
    form_page(
        &ctx,
        kind,
        mode,
        &state,
        &errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// Someone saved the record since this form was opened: show both
/// versions, and offer the user's version again against the current one.
async fn conflict_page(
    ctx: &Ctx,
    kind: Kind,
    id: RecordId,
    state: &FormState,
    submitted: &Body,
) -> PageResult {
    let lang = ctx.lang;
    let Some(current) = ctx.get(kind, id).await? else {
        return Ok(not_found(lang, &ctx.caller));
    };
    let yours = submitted.to_json();
    let theirs = current.body.to_json();
    let mut keys: Vec<&String> = yours.keys().collect();
    keys.extend(theirs.keys().filter(|k| !yours.contains_key(*k)));
    let show = |v: Option<&Value>| match v {
        None => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => serde_json::to_string_pretty(v).unwrap_or_default(),
    };
    let mode = Mode::Edit {
        id,
        version: current.version,
    };
    let form = form_markup(ctx, kind, &mode, state, &ValidationErrors::default()).await?;
    let here = format!("/{}/{id}", kind.plural());
    let title = lang.t("conflict-title");
    let markup = html! {
        h1 { (title) }
        p { (lang.t("conflict-body")) }
        p { a href=(here) { (lang.t("conflict-current")) } " — " (record_link(&current, lang, &ctx.caller))
            " (" (lang.t("version")) " " (current.version) ", " (current.meta.updated_by.as_deref().unwrap_or("?")) ")" }
        table.conflict {
            thead { tr {
                th { (lang.t("conflict-field")) }
                th { (lang.t("conflict-yours")) }
                th { (lang.t("conflict-stored")) " (" (lang.t("version")) " " (current.version) ")" }
            } }
            tbody {
                @for key in keys {
                    @let (a, b) = (yours.get(key.as_str()), theirs.get(key.as_str()));
                    tr class=[(a != b).then_some("differs")] {
                        th scope="row" { (key) }
                        td.yours { pre dir="auto" { (show(a)) } }
                        td.stored { pre dir="auto" { (show(b)) } }
                    }
                }
            }
        }
        h2 { (lang.t("conflict-reapply")) }
        p.muted { (lang.t("conflict-reapply-note")) }
        (form)
    };
    Ok(page(
        StatusCode::CONFLICT,
        layout(&ctx.frame(title, format!("{here}/edit")), markup),
    ))
}
