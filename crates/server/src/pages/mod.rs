//! The web interface: server-rendered HTML that works without JavaScript.
//!
//! Pages are `maud` templates, checked at compile time and escaping every
//! value they interpolate. They load nothing from other origins; the one
//! stylesheet is served by this binary. Access control is not here: the
//! same layer as for the API ([`crate::auth`]) has already decided who may
//! reach a page, and the store's filters cap what a list shows.

mod admin;
mod dashboard;
mod disputes;
mod documents;
mod duplicates;
mod forms;
mod i18n;
mod login;
mod search;
mod view;

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup, DOCTYPE};
use vigil_model::Kind;
use vigil_store::Role;

pub use dashboard::SummaryCache;
pub use i18n::Lang;

use crate::auth::{Refusal, CSRF_FIELD};
use crate::caller::Caller;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::dashboard))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/lang", get(login::switch_language))
        .route("/static/app.css", get(stylesheet))
        .merge(duplicates::routes())
        .merge(disputes::routes())
        .merge(documents::routes())
        .merge(search::routes())
        .merge(view::routes())
        .merge(forms::routes())
        .merge(admin::routes())
}

/// What every page needs to render its frame.
pub struct Frame<'a> {
    pub lang: Lang,
    pub caller: &'a Caller,
    pub title: String,
    /// The path of this page, for the language switch to come back to.
    pub here: String,
}

const NAV: [(Kind, &str); 6] = [
    (Kind::Person, "nav-persons"),
    (Kind::Event, "nav-events"),
    (Kind::Place, "nav-places"),
    (Kind::Organization, "nav-organizations"),
    (Kind::Source, "nav-sources"),
    (Kind::Claim, "nav-claims"),
];

/// The page around `content`: navigation, language switch, account.
pub fn layout(frame: &Frame<'_>, content: Markup) -> Markup {
    let lang = frame.lang;
    html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (frame.title) " · vigil" }
                link rel="stylesheet" href="/static/app.css";
            }
            body {
                header.top {
                    nav aria-label=(lang.t("nav-label")) {
                        a.brand href="/" { "vigil" }
                        @for (kind, key) in NAV {
                            a href={ "/" (kind.plural()) } { (lang.t(key)) }
                        }
                        a href="/disputes" { (lang.t("nav-disputes")) }
                        a href="/documents" { (lang.t("nav-documents")) }
                        a href="/search" { (lang.t("nav-search")) }
                        @if frame.caller.has(Role::Editor) {
                            a href="/duplicates" { (lang.t("nav-duplicates")) }
                        }
                        @if frame.caller.has(Role::Admin) {
                            a href="/admin/users" { (lang.t("nav-admin")) }
                        }
                    }
                    form.header-search method="get" action="/search" role="search" {
                        input type="search" name="q" aria-label=(lang.t("search")) placeholder=(lang.t("search-placeholder")) dir="auto";
                        " "
                        button type="submit" { (lang.t("search")) }
                    }
                    div.account {
                        @for other in Lang::ALL {
                            @if other != lang {
                                a lang=(other.tag()) href={ "/lang?" (query(&[("to", other.tag()), ("next", &frame.here)])) } { (other.name()) }
                            }
                        }
                        @match &frame.caller.user {
                            Some(user) => {
                                span.user { (user) " (" (lang.t(role_key(frame.caller.role))) ")" }
                                form.inline method="post" action="/logout" {
                                    (csrf_field(frame.caller))
                                    button type="submit" { (lang.t("logout")) }
                                }
                            }
                            None => {
                                a href={ "/login?" (query(&[("next", &frame.here)])) } { (lang.t("login")) }
                            }
                        }
                    }
                }
                main { (content) }
            }
        }
    }
}

pub fn role_key(role: Option<Role>) -> &'static str {
    match role {
        Some(Role::Admin) => "role-admin",
        Some(Role::Editor) => "role-editor",
        Some(Role::Viewer) => "role-viewer",
        None => "role-visitor",
    }
}

/// The hidden CSRF field every form carries.
pub fn csrf_field(caller: &Caller) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(caller.csrf.as_deref().unwrap_or("")); }
}

/// A URL query string, properly encoded.
pub fn query(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

/// An HTML response that must not be stored by any cache: pages may hold
/// restricted records or the data of people at risk.
pub fn page(status: StatusCode, markup: Markup) -> Response {
    let mut response = (status, markup).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A page with a title and one sentence, in the caller's language.
pub fn message(
    lang: Lang,
    caller: &Caller,
    status: StatusCode,
    title_key: &str,
    body_key: &str,
) -> Response {
    let frame = Frame {
        lang,
        caller,
        title: lang.t(title_key),
        here: "/".into(),
    };
    page(
        status,
        layout(
            &frame,
            html! { h1 { (lang.t(title_key)) } p { (lang.t(body_key)) } p { a href="/" { (lang.t("back-home")) } } },
        ),
    )
}

fn message_page(
    request: &Request,
    status: StatusCode,
    title_key: &str,
    body_key: &str,
) -> Response {
    let lang = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::negotiate)
        .unwrap_or(Lang::En);
    let caller = request
        .extensions()
        .get::<Caller>()
        .cloned()
        .unwrap_or_default();
    message(lang, &caller, status, title_key, body_key)
}

/// The page for a failure that is the server's, not the user's. The cause
/// is in the log; the page says only that.
pub fn server_error() -> Response {
    page(
        StatusCode::INTERNAL_SERVER_ERROR,
        html! { h1 { "500" } p { "The server could not complete this request; the administrator can find the cause in its log." } },
    )
}

/// Why a page handler has no page of its own to give.
pub enum PageError {
    /// A page already made (a refusal, a form shown again with its
    /// errors, not found): sent as it is.
    Page(Response),
    /// A failure that is the server's: logged with its cause, answered
    /// with the 500 page ([`server_error`]).
    Failed(String),
}

/// What a page handler returns: its page, or why there is none, so that
/// handlers can write `?`.
pub type PageResult = Result<Response, PageError>;

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Page(response) => response,
            PageError::Failed(cause) => {
                tracing::error!(error = %cause, "page failed");
                server_error()
            }
        }
    }
}

impl From<Response> for PageError {
    fn from(response: Response) -> Self {
        PageError::Page(response)
    }
}

impl From<vigil_store::StoreError> for PageError {
    fn from(e: vigil_store::StoreError) -> Self {
        PageError::Failed(e.to_string())
    }
}

impl<E: std::fmt::Display> From<crate::blocking::Failure<E>> for PageError {
    fn from(failure: crate::blocking::Failure<E>) -> Self {
        match failure {
            crate::blocking::Failure::Failed(e) => PageError::Failed(e.to_string()),
            crate::blocking::Failure::Panicked => {
                PageError::Failed("a blocking task panicked".into())
            }
        }
    }
}

/// The page for a request the authorisation layer refused
/// ([`crate::auth::RefusalPage`]).
pub fn refusal(request: &Request, refusal: Refusal) -> Response {
    match refusal {
        Refusal::Forbidden(needed) => forbidden(request, needed),
        Refusal::CsrfFailed => csrf_failed(request),
    }
}

fn forbidden(request: &Request, _needed: Role) -> Response {
    message_page(
        request,
        StatusCode::FORBIDDEN,
        "forbidden-title",
        "forbidden-body",
    )
}

fn csrf_failed(request: &Request) -> Response {
    message_page(request, StatusCode::FORBIDDEN, "csrf-title", "csrf-body")
}

pub fn not_found(request: &Request) -> Response {
    message_page(
        request,
        StatusCode::NOT_FOUND,
        "not-found-title",
        "not-found-body",
    )
}

async fn stylesheet() -> Response {
    let mut response = include_str!("../../static/app.css").into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}

/// Text that the user wrote, in any script: `dir="auto"` lets the browser
/// lay out Uyghur right to left and Chinese left to right.
pub fn user_text(text: &str) -> Markup {
    html! { span dir="auto" { (text) } }
}
