//! Sign-in, sign-out and the language switch.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use axum_extra::extract::CookieJar;
use maud::html;
use serde::Deserialize;

use super::i18n::LANG_COOKIE;
use super::{csrf_field, layout, page, Frame, Lang};
use crate::auth::{cookie, new_csrf_token, PRE_SESSION_CSRF_COOKIE, SESSION_COOKIE};
use crate::blocking::blocking;
use crate::caller::Caller;
use crate::AppState;

/// How long a browser session lasts.
const SESSION_LIFETIME: time::Duration = time::Duration::hours(8);

#[derive(Deserialize, Default)]
pub struct Next {
    next: Option<String>,
}

/// Only paths on this site: an open redirect would let a phishing link
/// borrow vigil's address.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

fn render(
    lang: Lang,
    caller: &Caller,
    next: &str,
    error: Option<String>,
    user: &str,
    status: StatusCode,
) -> Response {
    let frame = Frame {
        lang,
        caller,
        title: lang.t("login"),
        here: "/login".into(),
    };
    page(
        status,
        layout(
            &frame,
            html! {
                h1 { (lang.t("login")) }
                @if let Some(e) = &error { p.error role="alert" { (e) } }
                form.stacked method="post" action="/login" {
                    (csrf_field(caller))
                    input type="hidden" name="next" value=(next);
                    label for="name" { (lang.t("login-name")) }
                    input #name type="text" name="name" value=(user) autocomplete="username" required autofocus;
                    label for="password" { (lang.t("login-password")) }
                    input #password type="password" name="password" autocomplete="current-password" required;
                    button type="submit" { (lang.t("login")) }
                }
            },
        ),
    )
}

pub async fn form(
    lang: Lang,
    Extension(caller): Extension<Caller>,
    Query(next): Query<Next>,
) -> Response {
    let next = safe_next(next.next.as_deref());
    // Forms shown before sign-in carry a double-submit token.
    let mut caller = caller;
    let fresh = caller.csrf.is_none().then(new_csrf_token);
    if let Some(token) = &fresh {
        caller.csrf = Some(token.clone());
    }
    let mut response = render(lang, &caller, &next, None, "", StatusCode::OK);
    if let Some(token) = fresh {
        response.headers_mut().append(
            header::SET_COOKIE,
            cookie(PRE_SESSION_CSRF_COOKIE, &token, None),
        );
    }
    response
}

#[derive(Deserialize)]
pub struct Credentials {
    name: String,
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    lang: Lang,
    Extension(caller): Extension<Caller>,
    Form(credentials): Form<Credentials>,
) -> Response {
    let next = safe_next(credentials.next.as_deref());
    let name = credentials.name.trim().to_string();
    if !state.throttle.allows(&name, peer.ip()) {
        return render(
            lang,
            &caller,
            &next,
            Some(lang.t("login-throttled")),
            &name,
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let store = state.store.clone();
    let (check_name, password) = (name.clone(), credentials.password);
    // A failure here answers a bare 500, not the error page.
    let Ok(user) = blocking(move || store.check_password(&check_name, &password)).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let Some(user) = user else {
        state.throttle.record_failure(&name, peer.ip());
        tracing::info!("sign-in refused");
        return render(
            lang,
            &caller,
            &next,
            Some(lang.t("login-failed")),
            &name,
            StatusCode::UNAUTHORIZED,
        );
    };
    state.throttle.record_success(&name, peer.ip());
    let store = state.store.clone();
    let Ok(session) = blocking(move || store.create_session(&user.name, SESSION_LIFETIME)).await
    else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut response = Redirect::to(&next).into_response();
    let headers = response.headers_mut();
    headers.append(
        header::SET_COOKIE,
        cookie(SESSION_COOKIE, &session.token, Some(SESSION_LIFETIME)),
    );
    headers.append(
        header::SET_COOKIE,
        cookie(PRE_SESSION_CSRF_COOKIE, "", Some(time::Duration::ZERO)),
    );
    response
}

pub async fn logout(State(state): State<AppState>, jar: CookieJar) -> Response {
    if let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) {
        let store = state.store.clone();
        let _ = blocking(move || store.delete_session(&token)).await;
    }
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        cookie(SESSION_COOKIE, "", Some(time::Duration::ZERO)),
    );
    response
}

#[derive(Deserialize)]
pub struct Switch {
    to: String,
    next: Option<String>,
}

pub async fn switch_language(Query(switch): Query<Switch>) -> Response {
    let next = safe_next(switch.next.as_deref());
    let mut response = Redirect::to(&next).into_response();
    if let Some(lang) = Lang::from_tag(&switch.to) {
        response.headers_mut().append(
            header::SET_COOKIE,
            cookie(LANG_COOKIE, lang.tag(), Some(time::Duration::days(365))),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn redirects_stay_on_this_site() {
        assert_eq!(safe_next(Some("/persons?q=x")), "/persons?q=x");
        for hostile in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "evil",
        ] {
            assert_eq!(safe_next(Some(hostile)), "/", "{hostile}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
