//! Administration: accounts and controlled vocabularies. Only
//! administrators reach these pages ([`crate::auth::required`]).

use std::str::FromStr;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use axum::{Form, Router};
use maud::{html, Markup};
use serde::Deserialize;
use vigil_model::vocabulary::LABEL_LANGUAGES;
use vigil_model::{Term, ValidationErrors};
use vigil_store::{Role, StoreError, MIN_PASSWORD_CHARS};

use super::forms::{choices, f, fields, Choices, FormState, FormView, Section, Widget};
use super::view::Ctx;
use super::{csrf_field, layout, page, query, role_key, user_text, Lang, PageError, PageResult};
use crate::blocking::{blocking, Failure};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users).post(add_user))
        .route("/admin/vocabularies", get(vocabularies).post(add_term))
}

const ROLES: Choices = Choices {
    blank: false,
    ..choices("role-", &["viewer", "editor", "admin"])
};

const USER_FORM: &[Section] = &[fields(
    "user-add",
    &[
        f("name", "login-name", Widget::Text),
        f("role", "user-role", Widget::Choice(&ROLES)),
        f("password", "login-password", Widget::Password),
    ],
)];

const TERM_FORM: &[Section] = &[fields(
    "term-add",
    &[
        f("vocabulary", "vocabulary", Widget::VocabName),
        f("code", "term-code", Widget::Text),
        f("labels/en", "term-label-en", Widget::Text),
        f("labels/zh-Hans", "term-label-zh-Hans", Widget::Text),
        f("labels/zh-Hant", "term-label-zh-Hant", Widget::Text),
        f("labels/ug", "term-label-ug", Widget::Text),
        f("description", "field-description", Widget::Long),
    ],
)];

#[derive(Deserialize, Default)]
pub struct Added {
    added: Option<String>,
}

/// Links between the administration pages.
fn admin_nav(lang: Lang) -> Markup {
    html! {
        nav.admin aria-label=(lang.t("nav-admin")) {
            a href="/admin/users" { (lang.t("admin-users")) }
            " · "
            a href="/admin/vocabularies" { (lang.t("admin-vocabularies")) }
        }
    }
}

/// A form of `spec` posting to `action`, with its errors.
async fn admin_form(
    ctx: &Ctx,
    spec: &[Section],
    state: &FormState,
    errors: &ValidationErrors,
    action: &str,
    button: &str,
) -> Result<Markup, PageError> {
    let view = FormView::new(ctx, spec, state, errors).await?;
    Ok(html! {
        (view.summary())
        form.record method="post" action=(action) accept-charset="utf-8" {
            (csrf_field(&ctx.caller))
            (view.sections(spec))
            p.actions { button type="submit" { (ctx.lang.t(button)) } }
        }
    })
}

async fn users(ctx: Ctx, Query(added): Query<Added>) -> PageResult {
    users_page(
        &ctx,
        &FormState::default(),
        &ValidationErrors::default(),
        added.added,
        StatusCode::OK,
    )
    .await
}

async fn users_page(
    ctx: &Ctx,
    state: &FormState,
    errors: &ValidationErrors,
    added: Option<String>,
    status: StatusCode,
) -> PageResult {
    let lang = ctx.lang;
    let store = ctx.store.clone();
    let list = blocking(move || store.users()).await?;
    let form = admin_form(ctx, USER_FORM, state, errors, "/admin/users", "user-add").await?;
    let title = lang.t("admin-users");
    let markup = html! {
        (admin_nav(lang))
        h1 { (title) }
        @if let Some(name) = &added { p.notice role="status" { (lang.t("user-added")) " " (user_text(name)) } }
        table.users {
            thead { tr { th { (lang.t("login-name")) } th { (lang.t("user-role")) } th { (lang.t("user-created")) } } }
            tbody {
                @for u in &list {
                    tr {
                        td { (user_text(&u.name)) }
                        td { (lang.t(role_key(Some(u.role)))) }
                        td { (created(u.created_at)) }
                    }
                }
            }
        }
        h2 { (lang.t("user-add")) }
        p.muted { (lang.t("user-add-note")) }
        (form)
    };
    Ok(page(
        status,
        layout(&ctx.frame(title, "/admin/users"), markup),
    ))
}

async fn add_user(ctx: Ctx, Form(sent): Form<Vec<(String, String)>>) -> PageResult {
    let lang = ctx.lang;
    let state = FormState::from_submission(USER_FORM, sent);
    let name = state.value("name").trim().to_string();
    let password = state.value("password").to_string();
    let mut errors = ValidationErrors::default();
    if name.is_empty() {
        errors.push("/name", lang.t("error-required"));
    }
    let role = Role::from_str(state.value("role"));
    if role.is_err() {
        errors.push("/role", lang.t("error-required"));
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        errors.push("/password", lang.t("password-too-short"));
    }
    if let (true, Ok(role)) = (errors.is_empty(), role) {
        let store = ctx.store.clone();
        let new = name.clone();
        let result = blocking(move || {
            store.create_user(&new, role)?;
            store.set_password(&new, &password)
        })
        .await;
        match result {
            Ok(()) => {
                let to = format!("/admin/users?{}", query(&[("added", &name)]));
                return Ok(Redirect::to(&to).into_response());
            }
            Err(Failure::Failed(StoreError::Invalid(e))) => errors = e,
            Err(Failure::Failed(StoreError::Duplicate(_))) => {
                errors.push("/name", lang.t("user-exists"))
            }
            Err(failure) => return Err(failure.into()),
        }
    }
    users_page(
        &ctx,
        &state,
        &errors,
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// When an account was created, to the minute.
fn created(at: time::OffsetDateTime) -> String {
    at.format(time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute] UTC"
    ))
    .unwrap_or_default()
}

async fn vocabularies(ctx: Ctx, Query(added): Query<Added>) -> PageResult {
    vocabularies_page(
        &ctx,
        &FormState::default(),
        &ValidationErrors::default(),
        added.added,
        StatusCode::OK,
    )
    .await
}

async fn vocabularies_page(
    ctx: &Ctx,
    state: &FormState,
    errors: &ValidationErrors,
    added: Option<String>,
    status: StatusCode,
) -> PageResult {
    let lang = ctx.lang;
    let form = admin_form(
        ctx,
        TERM_FORM,
        state,
        errors,
        "/admin/vocabularies",
        "term-add",
    )
    .await?;
    let title = lang.t("admin-vocabularies");
    let markup = html! {
        (admin_nav(lang))
        h1 { (title) }
        @if let Some(code) = &added { p.notice role="status" { (lang.t("term-added")) " " code { (code) } } }
        nav.toc { @for name in ctx.vocab.0.keys() { a href={ "#vocabulary-" (name) } { (name) } " " } }
        h2 { (lang.t("term-add")) }
        p.muted { (lang.t("term-add-note")) }
        (form)
        @for (name, vocabulary) in &ctx.vocab.0 {
            section.vocabulary id={ "vocabulary-" (name) } {
                h2 { (name) }
                p.muted { (vocabulary.description) }
                table.terms {
                    thead { tr {
                        th { (lang.t("term-code")) }
                        @for tag in LABEL_LANGUAGES { th lang=(tag) { (tag) } }
                    } }
                    tbody {
                        @for term in &vocabulary.terms {
                            tr {
                                td { code { (term.code) }
                                    @if let Some(d) = &term.description { br; span.muted { (user_text(d)) } } }
                                @for tag in LABEL_LANGUAGES {
                                    td lang=(tag) dir="auto" { (term.labels.get(tag).map(String::as_str).unwrap_or("")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(
        status,
        layout(&ctx.frame(title, "/admin/vocabularies"), markup),
    ))
}

async fn add_term(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(sent): Form<Vec<(String, String)>>,
) -> PageResult {
    let lang = ctx.lang;
    let state = FormState::from_submission(TERM_FORM, sent);
    let text = |name: &str| state.value(name).trim().to_string();
    let vocabulary = text("vocabulary");
    let term = Term {
        code: text("code"),
        labels: LABEL_LANGUAGES
            .iter()
            .map(|tag| (tag.to_string(), text(&format!("labels/{tag}"))))
            .filter(|(_, label)| !label.is_empty())
            .collect(),
        description: Some(text("description")).filter(|d| !d.is_empty()),
    };
    let mut errors = ValidationErrors::default();
    if !ctx.vocab.0.contains_key(&vocabulary) {
        errors.push("/vocabulary", lang.t("error-required"));
    }
    if term.code.is_empty() {
        errors.push("/code", lang.t("error-required"));
    }
    if !term.labels.contains_key("en") {
        errors.push("/labels/en", lang.t("error-required"));
    }
    if errors.is_empty() {
        let (store, actor, code) = (ctx.store.clone(), ctx.caller.actor(), term.code.clone());
        let result = blocking(move || store.add_term(&vocabulary, term, &actor)).await;
        match result {
            Ok(()) => {
                let to = format!(
                    "/admin/vocabularies?{}#vocabulary-{}",
                    query(&[("added", &code)]),
                    text("vocabulary")
                );
                return Ok(Redirect::to(&to).into_response());
            }
            Err(Failure::Failed(StoreError::Invalid(e))) => errors = e,
            Err(failure) => return Err(failure.into()),
        }
    }
    // The list must show the vocabularies as they are now.
    let ctx = Ctx::new(&app, ctx.caller, lang).await?;
    vocabularies_page(
        &ctx,
        &state,
        &errors,
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}
