//! Authentication and authorisation, in one place for every route: API and
//! pages alike.
//!
//! Who is calling: the API takes bearer tokens, the pages take a session
//! cookie; either way the result is one [`Caller`]. What they may do: the
//! least role a request needs is a function of method and path alone
//! ([`required`]), so the whole policy reads as a table (and is tested as
//! one); what they may see: the caller's role caps the confidentiality
//! level of the records it is shown ([`Caller::max_confidentiality`]).
//! Handlers never decide access on their own. Forms are protected against
//! cross-site requests here too ([`check_csrf`]), urlencoded and multipart
//! (uploads) alike.

use std::net::SocketAddr;

use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use vigil_store::Role;

use crate::blocking::{blocking, Failure};
use crate::caller::Caller;
use crate::problem::Problem;
use crate::AppState;

/// Cookie holding the session token of a signed-in browser.
pub const SESSION_COOKIE: &str = "vigil_session";
/// Cookie of the double-submit CSRF token for forms shown before sign-in.
pub const PRE_SESSION_CSRF_COOKIE: &str = "vigil_csrf";
/// Name of the CSRF field in every form.
pub const CSRF_FIELD: &str = "csrf";

/// A refusal the pages answer with a page of their own; the API's are
/// problem documents, made here. Drawing pages is not this module's job:
/// whoever installs [`authorise`] gives it the function that does
/// ([`RefusalPage`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Signed in, without the role the page needs.
    Forbidden(Role),
    /// A form sent without the caller's CSRF token.
    CsrfFailed,
}

/// Draws the page for a refused request.
pub type RefusalPage = fn(&Request, Refusal) -> Response;

/// What a request needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Anyone, signed in or not.
    Anyone,
    /// An account with at least this role.
    Role(Role),
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// The policy: what each request needs, from its method and path alone.
pub fn required(method: &Method, path: &str) -> Need {
    let reading = matches!(*method, Method::GET | Method::HEAD);
    if path == "/healthz" || path == "/api/v1/openapi.json" || path.starts_with("/static/") {
        return Need::Anyone;
    }
    if let Some(rest) = path.strip_prefix("/api/v1") {
        // The duplicate queue shows people's names side by side, whatever
        // their level, and its decisions merge records: editors only.
        return if rest == "/duplicates" || rest.starts_with("/duplicates/") {
            Need::Role(Role::Editor)
        } else if reading {
            Need::Role(Role::Viewer)
        } else if rest.starts_with("/vocabularies") {
            Need::Role(Role::Admin)
        } else {
            Need::Role(Role::Editor)
        };
    }
    if path == "/login" || path == "/lang" {
        return Need::Anyone;
    }
    if path == "/logout" {
        return Need::Role(Role::Viewer);
    }
    if path.starts_with("/admin") || path == "/duplicates/scan" {
        return Need::Role(Role::Admin);
    }
    if path == "/duplicates" || path.starts_with("/duplicates/") {
        return Need::Role(Role::Editor);
    }
    let last = path.rsplit('/').next().unwrap_or("");
    if !reading || last == "new" || last == "edit" {
        return Need::Role(Role::Editor);
    }
    if let Some(rest) = path.strip_prefix("/documents/") {
        // Recording a claim from a paragraph: editors, like every form.
        if last == "claim" {
            return Need::Role(Role::Editor);
        }
        // The original file may hold more than its extracted text, which
        // is what the reader page shows: embedded files, metadata (authors,
        // revisions, where a photo was taken), pages whose text could not
        // be read, and it may be hostile. Signed-in readers only; the
        // document's confidentiality still caps who gets it (404 above it).
        if last == "original" && rest.contains('/') {
            return Need::Role(Role::Viewer);
        }
    }
    if last == "history" {
        // Earlier versions of a public record may have held what is no
        // longer public.
        return Need::Role(Role::Viewer);
    }
    // Dashboard, lists and record pages: the public view for visitors.
    Need::Anyone
}

/// The authorisation layer: names the caller, refuses what its role does
/// not allow and forms without its CSRF token, and hands the caller on to
/// the handler. Pages it refuses are drawn by `refusal_page`.
pub async fn authorise(
    State(state): State<AppState>,
    ConnectInfo(_peer): ConnectInfo<SocketAddr>,
    jar: CookieJar,
    request: Request,
    next: Next,
    refusal_page: RefusalPage,
) -> Response {
    let path = request.uri().path().to_owned();
    let api = is_api(&path);
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    let caller = match resolve(&state, &jar, bearer, api).await {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let need = required(request.method(), &path);
    if let Need::Role(role) = need {
        if !caller.has(role) {
            return refuse(&caller, role, api, &request, refusal_page);
        }
    }
    let mut request = request;
    if !api && !matches!(*request.method(), Method::GET | Method::HEAD) {
        request = match check_csrf(&caller, request, refusal_page).await {
            Ok(r) => r,
            Err(response) => return response,
        };
    }
    request.extensions_mut().insert(caller);
    next.run(request).await
}

async fn resolve(
    state: &AppState,
    jar: &CookieJar,
    bearer: Option<String>,
    api: bool,
) -> Result<Caller, Response> {
    let store = state.store.clone();
    if api {
        let Some(token) = bearer else {
            return Ok(Caller::default());
        };
        return match blocking(move || store.authenticate(&token)).await {
            Ok(Some(user)) => Ok(Caller {
                user: Some(user.name),
                role: Some(user.role),
                csrf: None,
            }),
            Ok(None) => Err(Problem::unauthorized().into_response()),
            Err(Failure::Failed(e)) => Err(Problem::from(e).into_response()),
            Err(Failure::Panicked) => Err(StatusCode::INTERNAL_SERVER_ERROR.into_response()),
        };
    }
    let pre_session = jar
        .get(PRE_SESSION_CSRF_COOKIE)
        .map(|c| c.value().to_owned());
    let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) else {
        return Ok(Caller {
            csrf: pre_session,
            ..Caller::default()
        });
    };
    match blocking(move || store.session(&token)).await {
        Ok(Some((user, csrf))) => Ok(Caller {
            user: Some(user.name),
            role: Some(user.role),
            csrf: Some(csrf),
        }),
        // An expired or unknown session is a visitor.
        Ok(None) => Ok(Caller {
            csrf: pre_session,
            ..Caller::default()
        }),
        Err(Failure::Failed(e)) => {
            tracing::error!(error = %e, "session lookup failed");
            Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
        Err(Failure::Panicked) => Err(StatusCode::INTERNAL_SERVER_ERROR.into_response()),
    }
}

fn refuse(
    caller: &Caller,
    role: Role,
    api: bool,
    request: &Request,
    refusal_page: RefusalPage,
) -> Response {
    match (api, &caller.user) {
        (true, None) => Problem::unauthorized().into_response(),
        (true, Some(user)) => Problem::forbidden(format!(
            "this needs the {role} role; your account `{user}` is a {}",
            caller.role.map(|r| r.as_str()).unwrap_or("visitor")
        ))
        .into_response(),
        (false, None) => {
            let here = request
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let next = if request.method() == Method::GET {
                here
            } else {
                "/"
            };
            let query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
            // 302 Found: the page exists, sign in first.
            let mut response = StatusCode::FOUND.into_response();
            if let Ok(location) = HeaderValue::from_str(&format!("/login?{query}")) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
        (false, Some(_)) => refusal_page(request, Refusal::Forbidden(role)),
    }
}

/// Largest form accepted, in bytes.
const MAX_FORM_BYTES: usize = 1024 * 1024;

/// Every state-changing form must carry the caller's CSRF token: the
/// session's once signed in, the pre-session cookie's before (sign-in
/// itself). A cross-site page can make a browser send the cookies, but it
/// cannot read them to fill the field. The body is read here and handed on.
pub async fn check_csrf(
    caller: &Caller,
    request: Request,
    refusal_page: RefusalPage,
) -> Result<Request, Response> {
    let boundary = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(multipart_boundary);
    if let Some(boundary) = boundary {
        // Only the upload form may be large: a multipart body elsewhere
        // (the sign-in form, open to anyone) is held to a form's size.
        let limit = if request.uri().path() == "/documents" {
            MAX_MULTIPART_BYTES
        } else {
            MAX_FORM_BYTES
        };
        return check_multipart_csrf(caller, request, &boundary, limit, refusal_page).await;
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| (StatusCode::PAYLOAD_TOO_LARGE, "the form is too large").into_response())?;
    let sent = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|fields| {
            fields
                .into_iter()
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v)
        });
    let valid = match (&caller.csrf, sent) {
        (Some(expected), Some(sent)) => constant_time_eq(expected.as_bytes(), sent.as_bytes()),
        _ => false,
    };
    if !valid {
        let request = Request::from_parts(parts, Body::empty());
        return Err(refusal_page(&request, Refusal::CsrfFailed));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// Largest multipart form accepted: a document upload and its few fields.
const MAX_MULTIPART_BYTES: usize = crate::documents::MAX_UPLOAD_BYTES + 64 * 1024;
/// How far into a multipart body its first part, the token, must end.
const MAX_MULTIPART_HEAD: usize = 16 * 1024;

/// The boundary of a `multipart/form-data` body, from its `Content-Type`.
fn multipart_boundary(content_type: &str) -> Option<String> {
    let mut params = content_type.split(';');
    let mime = params.next()?.trim();
    if !mime.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params
        .find_map(|p| {
            let (k, v) = p.trim().split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("boundary")
                .then(|| v.trim().trim_matches('"').to_string())
        })
        .filter(|b| !b.is_empty() && b.len() <= 70)
}

/// What the start of a multipart body says of the token.
#[derive(Debug, PartialEq, Eq)]
enum FirstPart {
    /// More of the body is needed to tell.
    Incomplete,
    /// The first part is the CSRF field, with this value.
    Token(Vec<u8>),
    /// The first part is something else, or the body is not multipart.
    Other,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads the first part of a multipart body (RFC 7578). Browsers send the
/// parts in the order of the form, which puts the token first; a body that
/// does not start with it is refused, so that the token is checked before
/// any file is read, let alone kept.
fn first_part(buf: &[u8], boundary: &str) -> FirstPart {
    let delimiter = format!("--{boundary}\r\n");
    let d = delimiter.as_bytes();
    if buf.len() < d.len() {
        return if d.starts_with(buf) {
            FirstPart::Incomplete
        } else {
            FirstPart::Other
        };
    }
    if !buf.starts_with(d) {
        return FirstPart::Other;
    }
    let rest = &buf[d.len()..];
    let Some(head_end) = find(rest, b"\r\n\r\n") else {
        return FirstPart::Incomplete;
    };
    let Ok(headers) = std::str::from_utf8(&rest[..head_end]) else {
        return FirstPart::Other;
    };
    let content = &rest[head_end + 4..];
    let Some(end) = find(content, format!("\r\n--{boundary}").as_bytes()) else {
        return FirstPart::Incomplete;
    };
    let is_token = headers.split("\r\n").any(|line| {
        let Some((name, value)) = line.split_once(':') else {
            return false;
        };
        if !name.trim().eq_ignore_ascii_case("content-disposition") {
            return false;
        }
        let mut params = value.split(';').map(str::trim);
        let form_data = params
            .next()
            .is_some_and(|v| v.eq_ignore_ascii_case("form-data"));
        let mut named = false;
        let mut file = false;
        for p in params {
            match p.split_once('=') {
                Some((k, v)) if k.trim().eq_ignore_ascii_case("name") => {
                    named = v.trim().trim_matches('"') == CSRF_FIELD;
                }
                Some((k, _)) if k.trim().to_ascii_lowercase().starts_with("filename") => {
                    file = true;
                }
                _ => {}
            }
        }
        form_data && named && !file
    });
    if is_token {
        FirstPart::Token(content[..end].to_vec())
    } else {
        FirstPart::Other
    }
}

/// The next chunk of a body: `Ok(None)` at its end.
async fn next_chunk(body: &mut Body) -> Result<Option<axum::body::Bytes>, ()> {
    use axum::body::HttpBody;
    loop {
        let frame = std::future::poll_fn(|cx| std::pin::Pin::new(&mut *body).poll_frame(cx)).await;
        match frame {
            None => return Ok(None),
            Some(Err(_)) => return Err(()),
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    return Ok(Some(data));
                }
            }
        }
    }
}

/// The CSRF check of a multipart form (a document upload): the token must
/// be the first part, and it is checked as soon as that part has arrived,
/// before the rest of the body (the file) is read. The body, at most
/// `limit` bytes, is then read and handed on whole (the upload keeps the
/// file in memory anyway, to store it under its digest).
async fn check_multipart_csrf(
    caller: &Caller,
    request: Request,
    boundary: &str,
    limit: usize,
    refusal_page: RefusalPage,
) -> Result<Request, Response> {
    let (parts, mut body) = request.into_parts();
    let refuse = |parts: axum::http::request::Parts| -> Response {
        let request = Request::from_parts(parts, Body::empty());
        refusal_page(&request, Refusal::CsrfFailed)
    };
    let too_large = || (StatusCode::PAYLOAD_TOO_LARGE, "the form is too large").into_response();
    let broken = || (StatusCode::BAD_REQUEST, "the form could not be read").into_response();
    let mut buf: Vec<u8> = Vec::new();
    let sent = loop {
        match first_part(&buf, boundary) {
            FirstPart::Token(token) => break token,
            FirstPart::Other => return Err(refuse(parts)),
            FirstPart::Incomplete if buf.len() > MAX_MULTIPART_HEAD => return Err(refuse(parts)),
            FirstPart::Incomplete => match next_chunk(&mut body).await {
                Ok(Some(chunk)) => buf.extend_from_slice(&chunk),
                Ok(None) => return Err(refuse(parts)),
                Err(()) => return Err(broken()),
            },
        }
    };
    let valid = caller
        .csrf
        .as_ref()
        .is_some_and(|expected| constant_time_eq(expected.as_bytes(), &sent));
    if !valid {
        return Err(refuse(parts));
    }
    loop {
        match next_chunk(&mut body).await {
            Ok(Some(chunk)) => {
                if buf.len() + chunk.len() > limit {
                    return Err(too_large());
                }
                buf.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(()) => return Err(broken()),
        }
    }
    Ok(Request::from_parts(parts, Body::from(buf)))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A fresh random token for the pre-session CSRF cookie.
pub fn new_csrf_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// `Set-Cookie` attributes shared by vigil's cookies: not readable by
/// scripts, never sent cross-site, only over HTTPS (browsers treat
/// 127.0.0.1 and localhost as secure).
pub fn cookie(name: &str, value: &str, max_age: Option<time::Duration>) -> HeaderValue {
    let mut text = format!("{name}={value}; Path=/; HttpOnly; Secure; SameSite=Strict");
    if let Some(age) = max_age {
        text.push_str(&format!("; Max-Age={}", age.whole_seconds().max(0)));
    }
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_table() {
        use Need::*;
        let cases = [
            (Method::GET, "/healthz", Anyone),
            (Method::GET, "/api/v1/openapi.json", Anyone),
            (
                Method::GET,
                "/api/v1/persons",
                Role(vigil_store::Role::Viewer),
            ),
            (
                Method::POST,
                "/api/v1/persons",
                Role(vigil_store::Role::Editor),
            ),
            (
                Method::DELETE,
                "/api/v1/claims/x",
                Role(vigil_store::Role::Editor),
            ),
            (
                Method::POST,
                "/api/v1/vocabularies/event_type/terms",
                Role(vigil_store::Role::Admin),
            ),
            (Method::GET, "/", Anyone),
            (Method::GET, "/persons", Anyone),
            (Method::GET, "/persons/x", Anyone),
            (
                Method::GET,
                "/persons/x/history",
                Role(vigil_store::Role::Viewer),
            ),
            (Method::GET, "/persons/new", Role(vigil_store::Role::Editor)),
            (
                Method::GET,
                "/persons/x/edit",
                Role(vigil_store::Role::Editor),
            ),
            (
                Method::POST,
                "/persons/x/edit",
                Role(vigil_store::Role::Editor),
            ),
            (Method::GET, "/admin/users", Role(vigil_store::Role::Admin)),
            (
                Method::POST,
                "/admin/vocabularies",
                Role(vigil_store::Role::Admin),
            ),
            (Method::GET, "/login", Anyone),
            (Method::POST, "/login", Anyone),
            (Method::POST, "/logout", Role(vigil_store::Role::Viewer)),
            (
                Method::GET,
                "/api/v1/duplicates",
                Role(vigil_store::Role::Editor),
            ),
            (
                Method::POST,
                "/api/v1/duplicates/decisions",
                Role(vigil_store::Role::Editor),
            ),
            (
                Method::DELETE,
                "/api/v1/duplicates/decisions/x/y",
                Role(vigil_store::Role::Editor),
            ),
            (
                Method::GET,
                "/api/v1/persons/x/identity",
                Role(vigil_store::Role::Viewer),
            ),
            (Method::GET, "/duplicates", Role(vigil_store::Role::Editor)),
            (
                Method::POST,
                "/duplicates/decide",
                Role(vigil_store::Role::Editor),
            ),
            (
                Method::POST,
                "/duplicates/undo",
                Role(vigil_store::Role::Editor),
            ),
            (
                Method::POST,
                "/duplicates/scan",
                Role(vigil_store::Role::Admin),
            ),
            (Method::GET, "/documents", Anyone),
            (Method::GET, "/documents/x", Anyone),
            (Method::GET, "/search", Anyone),
            (
                Method::GET,
                "/documents/x/original",
                Role(vigil_store::Role::Viewer),
            ),
            (Method::POST, "/documents", Role(vigil_store::Role::Editor)),
            (
                Method::GET,
                "/documents/x/claim",
                Role(vigil_store::Role::Editor),
            ),
            (
                Method::POST,
                "/documents/x/claim",
                Role(vigil_store::Role::Editor),
            ),
            (
                Method::GET,
                "/api/v1/documents/x/original",
                Role(vigil_store::Role::Viewer),
            ),
        ];
        for (method, path, need) in cases {
            assert_eq!(required(&method, path), need, "{method} {path}");
        }
    }

    #[test]
    fn the_token_is_the_first_part_of_a_multipart_form() {
        assert_eq!(
            multipart_boundary("multipart/form-data; boundary=\"xyz\""),
            Some("xyz".into())
        );
        assert_eq!(
            multipart_boundary("application/x-www-form-urlencoded"),
            None
        );
        let body = b"--xyz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nTOKEN\r\n--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello\r\n--xyz--\r\n";
        assert_eq!(first_part(body, "xyz"), FirstPart::Token(b"TOKEN".to_vec()));
        for cut in [0, 3, 10, 50, 60] {
            assert_eq!(
                first_part(&body[..cut], "xyz"),
                FirstPart::Incomplete,
                "{cut}"
            );
        }
        // A file first, or a token sent as a file, is no token.
        let file_first = b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nx\r\n--xyz\r\n";
        assert_eq!(first_part(file_first, "xyz"), FirstPart::Other);
        let as_file = b"--xyz\r\nContent-Disposition: form-data; name=\"csrf\"; filename=\"csrf\"\r\n\r\nTOKEN\r\n--xyz\r\n";
        assert_eq!(first_part(as_file, "xyz"), FirstPart::Other);
        assert_eq!(first_part(b"csrf=TOKEN", "xyz"), FirstPart::Other);
    }
}
