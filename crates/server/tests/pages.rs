//! The web pages against a real server on 127.0.0.1 with a real SQLite file:
//! who may reach which page (one table, every route × role × confidentiality
//! level), CSRF on every form, escaping of what users wrote, security
//! headers and cookies, interface languages and sign-in throttling.
//!
//! Requests carry cookies by hand (no cookie store), redirects are not
//! followed, so every assertion is on the exact response.

// A test or bench fails loudly at the first unwrap: that is what it is for.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::Arc;

use reqwest::header::{HeaderMap, ACCEPT_LANGUAGE, COOKIE, LOCATION, SET_COOKIE};
use reqwest::{redirect, Client, StatusCode};
use serde_json::{json, Value};
use vigil_evidence::{BlobStore, Limits, WorkerCommand};
use vigil_model::{Body, Confidentiality, Kind, Paragraph, RecordId};
use vigil_store::prelude::*;
use vigil_store::{DocumentText, NewDocument, Role, SqliteStore, Store};

const PASSWORD: &str = "correct horse battery staple";

/// Who makes a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Viewer,
    Editor,
    Admin,
}

const EVERYONE: [Who; 4] = [Who::Anonymous, Who::Viewer, Who::Editor, Who::Admin];
const LEVELS: [Confidentiality; 3] = [
    Confidentiality::Public,
    Confidentiality::Internal,
    Confidentiality::Restricted,
];

impl Who {
    fn account(self) -> Option<&'static str> {
        match self {
            Who::Anonymous => None,
            Who::Viewer => Some("vi"),
            Who::Editor => Some("ed"),
            Who::Admin => Some("ada"),
        }
    }
}

fn level_name(c: Confidentiality) -> &'static str {
    match c {
        Confidentiality::Public => "public",
        Confidentiality::Internal => "internal",
        Confidentiality::Restricted => "restricted",
    }
}

/// Cookies and the CSRF token a browser would send.
#[derive(Debug, Clone, Default)]
struct Session {
    cookie: Option<String>,
    csrf: String,
}

struct Response {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Response {
    fn location(&self) -> &str {
        self.headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The `Set-Cookie` header setting `name`, if any.
    fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_owned)
    }

    fn describe(&self) -> String {
        let body: String = self.body.chars().take(600).collect();
        format!("{} location={:?} body={body}", self.status, self.location())
    }
}

/// The value of a `Set-Cookie` header (`name=value; ...` → `value`).
fn cookie_value(set_cookie: &str) -> &str {
    let pair = set_cookie.split(';').next().unwrap_or("");
    pair.split_once('=').map(|(_, v)| v).unwrap_or("")
}

/// The value of the first `<input ... name="NAME" value="...">` in a page.
fn hidden_input(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let rest = &html[at..];
    let tag_end = rest.find('>')?;
    let tag = &rest[..tag_end];
    let v = tag.find("value=\"")? + "value=\"".len();
    let end = tag[v..].find('"')?;
    Some(tag[v..v + end].to_string())
}

/// Every live record's version by (kind, id), every account, the
/// vocabularies, every person's identity decisions, and the documents with
/// the originals kept: what a refused form must leave as it was.
type Snapshot = (
    BTreeMap<(Kind, RecordId), u64>,
    Vec<String>,
    String,
    String,
    String,
);

struct Server {
    base: String,
    store: Arc<dyn Store>,
    /// Where originals are kept, for a server that keeps documents.
    blobs: Option<BlobStore>,
    client: Client,
    _stop: tokio::sync::oneshot::Sender<()>,
    _dir: tempfile::TempDir,
}

/// Every file under `dir`, recursively.
fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                out.extend(files_under(&path));
            } else {
                out.push(path.display().to_string());
            }
        }
    }
    out.sort();
    out
}

impl Server {
    /// A server that keeps no documents (uploads answer 503).
    async fn start() -> Server {
        Server::start_with(false).await
    }

    /// A server that keeps documents. Its extraction worker does not exist
    /// (the vigil binary is not built for these tests): images are kept as
    /// they are, other files are kept with the failure recorded.
    async fn start_with_documents() -> Server {
        Server::start_with(true).await
    }

    async fn start_with(documents: bool) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path().join("vigil.sqlite3")).unwrap();
        for (who, role) in [
            (Who::Admin, Role::Admin),
            (Who::Editor, Role::Editor),
            (Who::Viewer, Role::Viewer),
        ] {
            let name = who.account().unwrap();
            store.create_user(name, role).unwrap();
            store.set_password(name, PASSWORD).unwrap();
        }
        let store: Arc<dyn Store> = Arc::new(store);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let blobs = documents.then(|| BlobStore::open(dir.path().join("originals")).unwrap());
        let options = vigil_server::Options {
            evidence: blobs.clone().map(|blobs| {
                Arc::new(vigil_app::Evidence {
                    blobs,
                    worker: WorkerCommand::new(dir.path().join("no-such-worker")),
                    limits: Limits::default(),
                })
            }),
            search: None,
        };
        tokio::spawn(vigil_server::serve_with(
            listener,
            store.clone(),
            options,
            async {
                let _ = stopped.await;
            },
        ));
        Server {
            base,
            store,
            blobs,
            client: Client::builder()
                .redirect(redirect::Policy::none())
                .build()
                .unwrap(),
            _stop: stop,
            _dir: dir,
        }
    }

    /// A fresh browser session for `who`: a signed-in session straight from
    /// the store, or for a visitor a pre-sign-in double-submit token (so
    /// that a visitor's form is refused for its role, not its token).
    fn session(&self, who: Who) -> Session {
        match who.account() {
            Some(name) => {
                let s = self
                    .store
                    .create_session(name, time::Duration::hours(1))
                    .unwrap();
                Session {
                    cookie: Some(format!("vigil_session={}", s.token)),
                    csrf: s.csrf,
                }
            }
            None => {
                let token = "a".repeat(64);
                Session {
                    cookie: Some(format!("vigil_csrf={token}")),
                    csrf: token,
                }
            }
        }
    }

    async fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        session: Option<&Session>,
        headers: &[(&str, &str)],
        form: Option<&[(String, String)]>,
    ) -> Response {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(cookie) = session.and_then(|s| s.cookie.as_deref()) {
            req = req.header(COOKIE, cookie);
        }
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        if let Some(fields) = form {
            req = req.form(fields);
        }
        let resp = req.send().await.unwrap();
        Response {
            status: resp.status(),
            headers: resp.headers().clone(),
            body: resp.text().await.unwrap(),
        }
    }

    async fn get(&self, path: &str, session: Option<&Session>) -> Response {
        self.request(reqwest::Method::GET, path, session, &[], None)
            .await
    }

    async fn post(
        &self,
        path: &str,
        session: Option<&Session>,
        fields: &[(String, String)],
    ) -> Response {
        self.request(reqwest::Method::POST, path, session, &[], Some(fields))
            .await
    }

    /// A `multipart/form-data` POST with `parts` in this order, as a
    /// browser sends a form with a file.
    async fn post_multipart(
        &self,
        path: &str,
        session: Option<&Session>,
        parts: &[Part<'_>],
    ) -> Response {
        let (content_type, body) = multipart(parts);
        let mut req = self
            .client
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        if let Some(cookie) = session.and_then(|s| s.cookie.as_deref()) {
            req = req.header(COOKIE, cookie);
        }
        let resp = req.send().await.unwrap();
        Response {
            status: resp.status(),
            headers: resp.headers().clone(),
            body: String::from_utf8_lossy(&resp.bytes().await.unwrap()).into_owned(),
        }
    }

    /// Keeps a document with one paragraph per text (and its original,
    /// on a server that keeps them), as `vigil ingest` would.
    fn document(
        &self,
        file_name: &str,
        level: Confidentiality,
        source: Option<RecordId>,
        paragraphs: &[&str],
    ) -> RecordId {
        let bytes = paragraphs.join("\n\n").into_bytes();
        let sha256 = match &self.blobs {
            Some(blobs) => blobs.put(&bytes).unwrap().sha256,
            None => {
                use std::fmt::Write;
                // Not a real digest: nothing reads this original.
                let mut hex = String::new();
                for b in RecordId::new().to_string().bytes().take(32) {
                    write!(hex, "{b:02x}").unwrap();
                }
                hex
            }
        };
        let paragraphs = paragraphs
            .iter()
            .enumerate()
            .map(|(i, text)| Paragraph {
                number: i as u32 + 1,
                page: Some(i as u32 / 2 + 1),
                text: text.to_string(),
                source_start: 0,
                source_end: text.len() as u64,
            })
            .collect();
        let (doc, _) = self
            .store
            .put_document(
                NewDocument {
                    sha256,
                    size: bytes.len() as u64,
                    media_type: "text/plain".into(),
                    file_name: file_name.into(),
                    source,
                    confidentiality: level,
                },
                DocumentText::Paragraphs {
                    pages: Some(1),
                    paragraphs,
                },
                "test",
            )
            .unwrap();
        doc.id
    }

    fn create(&self, kind: Kind, value: Value) -> RecordId {
        let body = Body::from_json(kind, value).unwrap();
        self.store.create(None, body, "test").unwrap().id
    }

    fn version(&self, kind: Kind, id: RecordId) -> u64 {
        self.store.get(kind, id).unwrap().unwrap().version
    }

    /// Every live record as (kind, id) → version, every account and every
    /// vocabulary: what a refused form must leave unchanged.
    fn snapshot(&self) -> Snapshot {
        let mut records = BTreeMap::new();
        self.store
            .export(&Kind::ALL, &mut |r| {
                records.insert((r.kind(), r.id), r.version);
                Ok(())
            })
            .unwrap();
        let users = self
            .store
            .users()
            .unwrap()
            .into_iter()
            .map(|u| format!("{}:{}", u.name, u.role))
            .collect();
        let vocabularies = format!("{:?}", self.store.vocabularies().unwrap());
        let mut identity = String::new();
        for (kind, id) in records.keys() {
            if *kind == Kind::Person {
                identity.push_str(&format!("{:?}", self.store.identity_log(*id).unwrap()));
            }
        }
        identity.push_str(&format!(
            "{:?}",
            self.store.duplicate_queue(0, 1000, false).unwrap()
        ));
        let documents = format!(
            "{:?} {:?}",
            self.store
                .documents(Confidentiality::Restricted, 0, 10_000)
                .unwrap(),
            self.blobs
                .as_ref()
                .map(|b| files_under(b.dir()))
                .unwrap_or_default()
        );
        (records, users, vocabularies, identity, documents)
    }
}

/// A minimal valid body of each kind, labelled `label`, at `level`.
fn record_json(kind: Kind, label: &str, level: Confidentiality, source: RecordId) -> Value {
    let level = level_name(level);
    match kind {
        Kind::Person => json!({"names":[{"text":label}],"confidentiality":level}),
        Kind::Organization => {
            json!({"names":[{"text":label}],"type":"law_firm","confidentiality":level})
        }
        Kind::Place => json!({"names":[{"text":label}],"type":"city","confidentiality":level}),
        Kind::Event => {
            json!({"type":"detention.rsdl","date":"2015-07","title":label,"confidentiality":level})
        }
        Kind::Source => {
            json!({"type":"ngo_report","title":label,"reliability":"B","confidentiality":level})
        }
        Kind::Claim => json!({"subject":{"topic":"detentions"},"statement":label,
            "stance":"asserts","credibility":3,"source":source.to_string(),"confidentiality":level}),
    }
}

/// A JSON body as the fields of a form: names are JSON-pointer paths
/// without the leading slash (`names/0/text`), values are text.
fn form_fields(value: &Value) -> Vec<(String, String)> {
    fn walk(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
        let join = |k: &str| {
            if prefix.is_empty() {
                k.to_string()
            } else {
                format!("{prefix}/{k}")
            }
        };
        match v {
            Value::Object(map) => map.iter().for_each(|(k, v)| walk(&join(k), v, out)),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .for_each(|(i, v)| walk(&join(&i.to_string()), v, out)),
            Value::String(s) => out.push((prefix.to_string(), s.clone())),
            Value::Null => out.push((prefix.to_string(), String::new())),
            other => out.push((prefix.to_string(), other.to_string())),
        }
    }
    let mut out = Vec::new();
    walk("", value, &mut out);
    out
}

fn with_csrf(mut fields: Vec<(String, String)>, csrf: &str) -> Vec<(String, String)> {
    fields.push(("csrf".into(), csrf.into()));
    fields
}

/// One part of a multipart form: name, file name (for a file), content.
type Part<'a> = (&'a str, Option<&'a str>, &'a [u8]);

/// A `multipart/form-data` body and its content type.
fn multipart(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = "----vigil-test-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, file_name, content) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let head = match file_name {
            Some(f) => format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            ),
            None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
        };
        body.extend_from_slice(head.as_bytes());
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A 1×1 PNG: an image is kept without reading its text, so it needs no
/// extraction worker.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// The parts of an upload form: the token first, as the page's form has it.
fn upload_parts<'a>(csrf: &'a str, file_name: &'a str, bytes: &'a [u8]) -> Vec<Part<'a>> {
    vec![
        ("csrf", None, csrf.as_bytes()),
        ("file", Some(file_name), bytes),
        ("confidentiality", None, b"internal"),
        ("source", None, b""),
    ]
}

/// What a request must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// 200 with a page.
    Page,
    /// 302 to `/login?next=...`: sign in first. A GET comes back to where
    /// it was; a refused POST to the dashboard.
    SignIn,
    /// 403: signed in, but the role is too low.
    Forbidden,
    /// 404: no such record, or not one this caller may see.
    NotFound,
    /// 303 somewhere other than the sign-in page: the form was accepted.
    Done,
}
use Expect::{Done, Forbidden as NO, NotFound as NF, Page as OK, SignIn as IN};

/// The policy of the web interface, every route by role. `{kind}` stands
/// for each of the six kinds; `{public}`, `{internal}` and `{restricted}`
/// for a record of that kind at that confidentiality level, `{unknown}` for
/// an id no record has. Every POST carries the caller's valid CSRF token.
///
/// OK: 200. IN: 302 to `/login?next=...`. NO: 403. NF: 404. Done: 303
/// (See Other) to the result, the form accepted.
#[rustfmt::skip]
const POLICY: &[(&str, &str, [Expect; 4])] = &[
    //                                       anonymous viewer editor admin
    ("GET",  "/",                            [OK, OK, OK, OK]),
    ("GET",  "/{kind}",                      [OK, OK, OK, OK]),
    ("GET",  "/{kind}/{public}",             [OK, OK, OK, OK]),
    ("GET",  "/{kind}/{internal}",           [NF, OK, OK, OK]),
    ("GET",  "/{kind}/{restricted}",         [NF, NF, OK, OK]),
    ("GET",  "/{kind}/{unknown}",            [NF, NF, NF, NF]),
    ("GET",  "/{kind}/{public}/history",     [IN, OK, OK, OK]),
    ("GET",  "/{kind}/{internal}/history",   [IN, OK, OK, OK]),
    ("GET",  "/{kind}/{restricted}/history", [IN, NF, OK, OK]),
    ("GET",  "/{kind}/{unknown}/history",    [IN, NF, NF, NF]),
    ("GET",  "/{kind}/new",                  [IN, NO, OK, OK]),
    ("GET",  "/{kind}/{public}/edit",        [IN, NO, OK, OK]),
    ("GET",  "/{kind}/{internal}/edit",      [IN, NO, OK, OK]),
    ("GET",  "/{kind}/{restricted}/edit",    [IN, NO, OK, OK]),
    ("GET",  "/{kind}/{unknown}/edit",       [IN, NO, NF, NF]),
    ("GET",  "/nonsense",                    [NF, NF, NF, NF]),
    ("GET",  "/nonsense/new",                [IN, NO, NF, NF]),
    ("GET",  "/admin/users",                 [IN, NO, NO, OK]),
    ("GET",  "/admin/vocabularies",          [IN, NO, NO, OK]),
    ("POST", "/{kind}/new",                  [IN, NO, Done, Done]),
    ("POST", "/{kind}/{public}/edit",        [IN, NO, Done, Done]),
    ("POST", "/{kind}/{internal}/edit",      [IN, NO, Done, Done]),
    ("POST", "/{kind}/{restricted}/edit",    [IN, NO, Done, Done]),
    ("POST", "/{kind}/{unknown}/edit",       [IN, NO, NF, NF]),
    ("POST", "/admin/users",                 [IN, NO, NO, Done]),
    ("POST", "/admin/vocabularies",          [IN, NO, NO, Done]),
    ("POST", "/logout",                      [IN, Done, Done, Done]),
    ("GET",  "/duplicates",                  [IN, NO, OK, OK]),
    ("POST", "/duplicates/decide",           [IN, NO, Done, Done]),
    ("POST", "/duplicates/undo",             [IN, NO, Done, Done]),
    ("POST", "/duplicates/scan",             [IN, NO, NO, Done]),
    ("GET",  "/documents",                   [OK, OK, OK, OK]),
    ("GET",  "/documents/{doc-public}",      [OK, OK, OK, OK]),
    ("GET",  "/documents/{doc-internal}",    [NF, OK, OK, OK]),
    ("GET",  "/documents/{doc-restricted}",  [NF, NF, OK, OK]),
    ("GET",  "/documents/{doc-unknown}",     [NF, NF, NF, NF]),
    ("GET",  "/documents/{doc-public}/original",     [IN, OK, OK, OK]),
    ("GET",  "/documents/{doc-internal}/original",   [IN, OK, OK, OK]),
    ("GET",  "/documents/{doc-restricted}/original", [IN, NF, OK, OK]),
    ("GET",  "/documents/{doc-unknown}/original",    [IN, NF, NF, NF]),
    ("GET",  "/documents/{doc-public}/claim?paragraph=1",     [IN, NO, OK, OK]),
    ("GET",  "/documents/{doc-restricted}/claim?paragraph=1", [IN, NO, OK, OK]),
    ("GET",  "/documents/{doc-public}/claim?paragraph=9",     [IN, NO, NF, NF]),
    ("GET",  "/documents/{doc-unknown}/claim?paragraph=1",    [IN, NO, NF, NF]),
    ("POST", "/documents",                   [IN, NO, Done, Done]),
    ("POST", "/documents/{doc-public}/claim",     [IN, NO, Done, Done]),
    ("POST", "/documents/{doc-restricted}/claim", [IN, NO, Done, Done]),
    ("POST", "/documents/{doc-unknown}/claim",    [IN, NO, NF, NF]),
    ("GET",  "/search?q=detained",           [OK, OK, OK, OK]),
];

/// Records of every kind at every level, made through the store, and a
/// document at every level.
struct Fixture {
    source: RecordId,
    records: BTreeMap<(Kind, &'static str), RecordId>,
    documents: BTreeMap<&'static str, RecordId>,
}

/// The one paragraph of the fixture's document at `level`.
fn document_text(level: &str) -> String {
    format!("The {level} report says “1,000 detained” at the site.")
}

fn label(kind: Kind, level: Confidentiality) -> String {
    format!("Label {} {}", kind.singular(), level_name(level))
}

impl Fixture {
    fn build(s: &Server) -> Fixture {
        let source = s.create(
            Kind::Source,
            json!({"type":"ngo_report","title":"Source cited by claims","reliability":"B","confidentiality":"public"}),
        );
        let mut records = BTreeMap::new();
        for kind in Kind::ALL {
            for level in LEVELS {
                let id = s.create(kind, record_json(kind, &label(kind, level), level, source));
                records.insert((kind, level_name(level)), id);
            }
        }
        let mut documents = BTreeMap::new();
        for level in LEVELS {
            let name = level_name(level);
            let id = s.document(
                &format!("report-{name}.txt"),
                level,
                Some(source),
                &[&document_text(name)],
            );
            documents.insert(name, id);
        }
        Fixture {
            source,
            records,
            documents,
        }
    }

    fn document_level(&self, id: RecordId) -> Option<Confidentiality> {
        LEVELS
            .into_iter()
            .find(|l| self.documents[level_name(*l)] == id)
    }

    fn level_of(&self, kind: Kind, id: RecordId) -> Confidentiality {
        LEVELS
            .into_iter()
            .find(|l| self.records[&(kind, level_name(*l))] == id)
            .unwrap()
    }
}

/// The body a form posts for a record of `kind` at `level`.
fn record_form(
    kind: Kind,
    label: &str,
    level: Confidentiality,
    source: RecordId,
) -> Vec<(String, String)> {
    form_fields(&record_json(kind, label, level, source))
}

#[tokio::test]
async fn every_page_for_every_role_and_level() {
    let s = Server::start_with_documents().await;
    let f = Fixture::build(&s);
    let mut failures = Vec::new();
    let mut checked = 0;
    for (method, pattern, expected) in POLICY {
        let kinds: Vec<Option<Kind>> = if pattern.contains("{kind}") {
            Kind::ALL.into_iter().map(Some).collect()
        } else {
            vec![None]
        };
        for kind in kinds {
            for (who, expect) in EVERYONE.into_iter().zip(expected.iter().copied()) {
                let mut path = pattern.to_string();
                let mut record = None;
                if let Some(kind) = kind {
                    path = path.replace("{kind}", kind.plural());
                    for level in LEVELS {
                        let key = format!("{{{}}}", level_name(level));
                        if path.contains(&key) {
                            let id = f.records[&(kind, level_name(level))];
                            path = path.replace(&key, &id.to_string());
                            record = Some((kind, id));
                        }
                    }
                    path = path.replace("{unknown}", &RecordId::new().to_string());
                }
                for level in LEVELS {
                    let key = format!("{{doc-{}}}", level_name(level));
                    path = path.replace(&key, &f.documents[level_name(level)].to_string());
                }
                path = path.replace("{doc-unknown}", &RecordId::new().to_string());
                // Signing out ends the session: each request gets its own.
                let session = (who != Who::Anonymous || *method == "POST").then(|| s.session(who));
                let before = s.snapshot();
                let response = if *method == "GET" {
                    s.get(&path, session.as_ref()).await
                } else if path == "/documents" {
                    let csrf = session.as_ref().map(|x| x.csrf.clone()).unwrap_or_default();
                    s.post_multipart(
                        &path,
                        session.as_ref(),
                        &upload_parts(&csrf, "pixel.png", PNG),
                    )
                    .await
                } else {
                    let csrf = session.as_ref().map(|x| x.csrf.clone()).unwrap_or_default();
                    let fields = post_fields(&s, &f, &path, kind, record, who);
                    s.post(&path, session.as_ref(), &with_csrf(fields, &csrf))
                        .await
                };
                checked += 1;
                let ok = match expect {
                    Expect::Page => response.status == StatusCode::OK,
                    Expect::NotFound => response.status == StatusCode::NOT_FOUND,
                    Expect::Forbidden => response.status == StatusCode::FORBIDDEN,
                    Expect::SignIn => {
                        let next = if *method == "GET" { path.as_str() } else { "/" };
                        let wanted = format!(
                            "/login?{}",
                            serde_urlencoded::to_string([("next", next)]).unwrap()
                        );
                        response.status == StatusCode::FOUND && response.location() == wanted
                    }
                    Expect::Done => {
                        response.status == StatusCode::SEE_OTHER
                            && !response.location().starts_with("/login")
                    }
                };
                if !ok {
                    failures.push(format!(
                        "{method} {path} as {who:?}: expected {expect:?}, got {}",
                        response.describe()
                    ));
                }
                // Only an accepted form may change anything.
                if expect != Expect::Done {
                    assert!(
                        before == s.snapshot(),
                        "{method} {path} as {who:?} changed data"
                    );
                }
                if expect == Expect::Done && ok {
                    check_done(&s, &f, method, &path, kind, record, &response, &before);
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} requests failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The form a POST of the policy table sends.
fn post_fields(
    s: &Server,
    f: &Fixture,
    path: &str,
    kind: Option<Kind>,
    record: Option<(Kind, RecordId)>,
    who: Who,
) -> Vec<(String, String)> {
    if path == "/admin/users" {
        let name = format!("new-{}", RecordId::new().to_string().get(..8).unwrap());
        return vec![
            ("name".into(), name),
            ("role".into(), "viewer".into()),
            ("password".into(), PASSWORD.into()),
        ];
    }
    if path == "/admin/vocabularies" {
        let code = format!("test_{}", RecordId::new().to_string().get(..8).unwrap());
        return vec![
            ("vocabulary".into(), "event_type".into()),
            ("code".into(), code),
            ("labels/en".into(), "Test term".into()),
        ];
    }
    if path == "/logout" || path == "/duplicates/scan" {
        return Vec::new();
    }
    if let Some(doc) = path
        .strip_prefix("/documents/")
        .and_then(|p| p.strip_suffix("/claim"))
    {
        // A claim at the document's own level, quoting its words with
        // straight quotation marks where the document has curly ones.
        let level = doc
            .parse()
            .ok()
            .and_then(|id| f.document_level(id))
            .unwrap_or(Confidentiality::Internal);
        return pairs(&[
            ("paragraph", "1"),
            ("quote", "says \"1,000 detained\""),
            ("statement", &format!("Claimed by {who:?}")),
            ("stance", "asserts"),
            ("credibility", "3"),
            ("source", &f.source.to_string()),
            ("subject/topic", "detentions"),
            ("confidentiality", level_name(level)),
        ]);
    }
    if path.starts_with("/duplicates/") {
        let person = |level| f.records[&(Kind::Person, level)];
        let (a, b) = (person("public"), person("internal"));
        // Something to undo, for those whose undo goes through.
        if path == "/duplicates/undo" && matches!(who, Who::Editor | Who::Admin) {
            s.store
                .decide(a, b, vigil_store::Decision::Unsure, None, "test")
                .unwrap();
        }
        return vec![
            ("a".into(), a.to_string()),
            ("b".into(), b.to_string()),
            ("decision".into(), "unsure".into()),
            ("note".into(), format!("decided by {who:?}")),
        ];
    }
    let kind = kind.unwrap();
    match record {
        // An edit keeps the record's level, so the table's later rows
        // still hold.
        Some((kind, id)) => {
            let level = f.level_of(kind, id);
            let mut fields = record_form(kind, &label(kind, level), level, f.source);
            fields.push(("version".into(), s.version(kind, id).to_string()));
            fields
        }
        None => record_form(
            kind,
            &format!("Created by {who:?}"),
            Confidentiality::Internal,
            f.source,
        ),
    }
}

/// An accepted form did what it says, and no more.
#[allow(clippy::too_many_arguments)]
fn check_done(
    s: &Server,
    f: &Fixture,
    method: &str,
    path: &str,
    kind: Option<Kind>,
    record: Option<(Kind, RecordId)>,
    response: &Response,
    before: &Snapshot,
) {
    let after = s.snapshot();
    let context = format!("{method} {path}");
    if path.ends_with("/new") {
        let kind = kind.unwrap();
        let new: Vec<_> = after
            .0
            .keys()
            .filter(|k| !before.0.contains_key(k))
            .collect();
        assert_eq!(new.len(), 1, "{context}: {new:?}");
        assert_eq!(new[0].0, kind, "{context}");
        assert_eq!(
            response.location(),
            format!("/{}/{}", kind.plural(), new[0].1),
            "{context}"
        );
    } else if path.ends_with("/edit") {
        let (kind, id) = record.unwrap();
        assert_eq!(
            response.location(),
            format!("/{}/{id}", kind.plural()),
            "{context}"
        );
        assert_eq!(after.0[&(kind, id)], before.0[&(kind, id)] + 1, "{context}");
        let stored = s.store.get(kind, id).unwrap().unwrap();
        assert_eq!(
            stored.body.confidentiality(),
            f.level_of(kind, id),
            "{context}"
        );
    } else if path == "/documents" {
        let id: RecordId = response
            .location()
            .strip_prefix("/documents/")
            .and_then(|id| id.parse().ok())
            .unwrap_or_else(|| panic!("{context}: {}", response.location()));
        let doc = s.store.document(id).unwrap().expect("the document");
        assert_eq!(doc.status, vigil_model::DocumentStatus::Stored, "{context}");
        assert_eq!(doc.file_name, "pixel.png", "{context}");
        assert!(s.blobs.as_ref().unwrap().contains(&doc.sha256), "{context}");
    } else if path.ends_with("/claim") {
        let new: Vec<_> = after
            .0
            .keys()
            .filter(|k| !before.0.contains_key(k))
            .collect();
        assert_eq!(new.len(), 1, "{context}: {new:?}");
        let (kind, id) = *new[0];
        assert_eq!(kind, Kind::Claim, "{context}");
        assert_eq!(response.location(), format!("/claims/{id}"), "{context}");
        let Body::Claim(claim) = s.store.get(Kind::Claim, id).unwrap().unwrap().body else {
            panic!("{context}: not a claim")
        };
        let doc: RecordId = path
            .trim_start_matches("/documents/")
            .trim_end_matches("/claim")
            .parse()
            .unwrap();
        assert_eq!(
            (claim.document, claim.paragraph),
            (Some(doc), Some(1)),
            "{context}"
        );
    } else if path == "/admin/users" {
        assert_eq!(after.1.len(), before.1.len() + 1, "{context}");
    } else if path == "/admin/vocabularies" {
        assert_ne!(after.2, before.2, "{context}");
    } else if path.starts_with("/duplicates/") {
        assert!(
            response.location().starts_with("/duplicates"),
            "{context}: {}",
            response.location()
        );
        if path != "/duplicates/scan" {
            let log = s
                .store
                .identity_log(f.records[&(Kind::Person, "public")])
                .unwrap();
            let wanted = if path.ends_with("/undo") {
                vigil_store::Decision::Undone
            } else {
                vigil_store::Decision::Unsure
            };
            assert_eq!(log[0].decision, wanted, "{context}");
        }
    }
}

#[tokio::test]
async fn lists_hold_only_what_the_caller_may_see() {
    let s = Server::start().await;
    let f = Fixture::build(&s);
    for who in EVERYONE {
        let session = s.session(who);
        let max = match who {
            Who::Anonymous => Confidentiality::Public,
            Who::Viewer => Confidentiality::Internal,
            Who::Editor | Who::Admin => Confidentiality::Restricted,
        };
        for kind in Kind::ALL {
            let page = s.get(&format!("/{}", kind.plural()), Some(&session)).await;
            assert_eq!(page.status, StatusCode::OK, "{who:?} {}", page.describe());
            for level in LEVELS {
                let shown = page.body.contains(&label(kind, level));
                assert_eq!(
                    shown,
                    level <= max,
                    "{who:?} /{} and a {level:?} record",
                    kind.plural()
                );
            }
            // The search box reaches no further than the list (the query
            // itself comes back in the box, so look for the record's link).
            let q = serde_urlencoded::to_string([("q", label(kind, Confidentiality::Restricted))])
                .unwrap();
            let page = s
                .get(&format!("/{}?{q}", kind.plural()), Some(&session))
                .await;
            assert_eq!(page.status, StatusCode::OK);
            let link = format!(
                "href=\"/{}/{}\"",
                kind.plural(),
                f.records[&(kind, "restricted")]
            );
            assert_eq!(
                page.body.contains(&link),
                max == Confidentiality::Restricted,
                "{who:?} searching /{}",
                kind.plural()
            );
        }
        // Nor does the dashboard name them.
        let dash = s.get("/", Some(&session)).await;
        assert_eq!(dash.status, StatusCode::OK);
        for kind in Kind::ALL {
            for level in LEVELS.into_iter().filter(|l| *l > max) {
                assert!(
                    !dash.body.contains(&label(kind, level)),
                    "{who:?} dashboard: {kind:?} {level:?}"
                );
            }
        }
    }
    // The brief's own example, spelt out: a restricted person's name is
    // absent from /persons for a viewer and a visitor, present for an editor.
    let restricted = label(Kind::Person, Confidentiality::Restricted);
    assert!(!s.get("/persons", None).await.body.contains(&restricted));
    assert!(!s
        .get("/persons", Some(&s.session(Who::Viewer)))
        .await
        .body
        .contains(&restricted));
    assert!(s
        .get("/persons", Some(&s.session(Who::Editor)))
        .await
        .body
        .contains(&restricted));
}

/// The fields of a form, as sent.
type Fields = Vec<(String, String)>;

/// Each form of the interface, as (path, fields without the token, who may
/// send it).
fn forms(s: &Server, f: &Fixture) -> Vec<(String, Fields, Who)> {
    let person = f.records[&(Kind::Person, "internal")];
    let mut edit = record_form(Kind::Person, "Changed", Confidentiality::Internal, f.source);
    edit.push((
        "version".into(),
        s.version(Kind::Person, person).to_string(),
    ));
    let mut forms = Vec::new();
    for kind in Kind::ALL {
        forms.push((
            format!("/{}/new", kind.plural()),
            record_form(kind, "Forged", Confidentiality::Public, f.source),
            Who::Editor,
        ));
    }
    forms.push((format!("/persons/{person}/edit"), edit, Who::Editor));
    forms.push((
        "/admin/users".into(),
        post_fields(s, f, "/admin/users", None, None, Who::Admin),
        Who::Admin,
    ));
    forms.push((
        "/admin/vocabularies".into(),
        post_fields(s, f, "/admin/vocabularies", None, None, Who::Admin),
        Who::Admin,
    ));
    forms.push(("/logout".into(), Vec::new(), Who::Viewer));
    for path in ["/duplicates/decide", "/duplicates/undo"] {
        forms.push((
            path.into(),
            post_fields(s, f, path, None, None, Who::Viewer),
            Who::Editor,
        ));
    }
    forms.push(("/duplicates/scan".into(), Vec::new(), Who::Admin));
    let doc = f.documents["public"];
    let path = format!("/documents/{doc}/claim");
    let fields = post_fields(s, f, &path, None, None, Who::Editor);
    forms.push((path, fields, Who::Editor));
    forms
}

#[tokio::test]
async fn every_form_needs_its_session_token() {
    let s = Server::start().await;
    let f = Fixture::build(&s);
    let other = s.session(Who::Viewer);
    for (path, fields, who) in forms(&s, &f) {
        let session = s.session(who);
        let same_user_other_session = s.session(who);
        let attempts: [(&str, Option<String>); 4] = [
            ("no token", None),
            ("a wrong token", Some("0".repeat(64))),
            ("another account's token", Some(other.csrf.clone())),
            (
                "another session's token",
                Some(same_user_other_session.csrf.clone()),
            ),
        ];
        for (what, token) in attempts {
            let before = s.snapshot();
            let mut sent = fields.clone();
            if let Some(t) = token {
                sent.push(("csrf".into(), t));
            }
            let r = s.post(&path, Some(&session), &sent).await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "POST {path} with {what}: {}",
                r.describe()
            );
            assert!(
                r.body.contains("The form has expired"),
                "POST {path} with {what}: {}",
                r.describe()
            );
            assert!(
                r.set_cookie("vigil_session").is_none(),
                "POST {path} with {what}"
            );
            assert!(
                before == s.snapshot(),
                "POST {path} with {what} changed data"
            );
        }
        // The session is still signed in (a refused sign-out signed nobody out).
        assert!(s
            .store
            .session(
                session
                    .cookie
                    .as_deref()
                    .unwrap()
                    .trim_start_matches("vigil_session=")
            )
            .unwrap()
            .is_some());
        // And a token in the query string instead of the form is no token.
        let r = s
            .post(
                &format!("{path}?csrf={}", session.csrf),
                Some(&session),
                &fields,
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "POST {path} with the token in the URL"
        );
    }
    // The page's own token, from the sign-out form every page carries, is
    // the session's.
    let editor = s.session(Who::Editor);
    let page = s.get("/persons", Some(&editor)).await;
    assert_eq!(
        hidden_input(&page.body, "csrf").as_deref(),
        Some(editor.csrf.as_str())
    );
}

#[tokio::test]
async fn signing_in_needs_the_double_submit_cookie() {
    let s = Server::start().await;
    let form = s.get("/login?next=/persons", None).await;
    assert_eq!(form.status, StatusCode::OK);
    let set = form
        .set_cookie("vigil_csrf")
        .expect("a CSRF cookie with the form");
    let token = cookie_value(&set).to_string();
    assert_eq!(
        hidden_input(&form.body, "csrf").as_deref(),
        Some(token.as_str())
    );
    assert_eq!(
        hidden_input(&form.body, "next").as_deref(),
        Some("/persons")
    );
    let other = s.get("/login", None).await;
    let other_token = cookie_value(&other.set_cookie("vigil_csrf").unwrap()).to_string();
    assert_ne!(token, other_token);
    let fields = |csrf: Option<&str>| {
        let mut f = vec![
            ("name".to_string(), "ed".to_string()),
            ("password".to_string(), PASSWORD.to_string()),
            ("next".to_string(), "/persons".to_string()),
        ];
        if let Some(c) = csrf {
            f.push(("csrf".into(), c.into()));
        }
        f
    };
    let with_cookie = |value: &str| Session {
        cookie: Some(format!("vigil_csrf={value}")),
        csrf: String::new(),
    };
    let attempts = [
        ("the field but no cookie", None, Some(token.as_str())),
        ("the cookie but no field", Some(token.as_str()), None),
        (
            "a field unlike the cookie",
            Some(token.as_str()),
            Some(other_token.as_str()),
        ),
        ("neither", None, None),
    ];
    for (what, cookie, field) in attempts {
        let session = cookie.map(with_cookie);
        let r = s.post("/login", session.as_ref(), &fields(field)).await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "sign-in with {what}: {}",
            r.describe()
        );
        assert!(
            r.set_cookie("vigil_session").is_none(),
            "sign-in with {what}"
        );
    }
    let r = s
        .post("/login", Some(&with_cookie(&token)), &fields(Some(&token)))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.describe());
    assert_eq!(r.location(), "/persons");
    assert!(r.set_cookie("vigil_session").is_some());
    // A `next` elsewhere is not followed.
    let mut hostile = fields(Some(&token));
    hostile[2].1 = "//evil.example/".into();
    let r = s.post("/login", Some(&with_cookie(&token)), &hostile).await;
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, "/"));
}

const NASTY: &str = r#"<script>alert(1)</script> "onmouseover=alert(2) x='y' Tom & Jerry"#;
const NASTY_ESCAPED: &str =
    r#"&lt;script&gt;alert(1)&lt;/script&gt; &quot;onmouseover=alert(2) x='y' Tom &amp; Jerry"#;

fn assert_escaped(what: &str, r: &Response, whole: bool) {
    assert_eq!(r.status, StatusCode::OK, "{what}: {}", r.describe());
    let lower = r.body.to_lowercase();
    assert!(
        !lower.contains("<script"),
        "{what}: raw <script> in the page"
    );
    assert!(
        !r.body.contains("\"onmouseover="),
        "{what}: raw \"onmouseover= in the page"
    );
    assert!(
        !lower.contains(" onmouseover="),
        "{what}: an onmouseover attribute"
    );
    assert!(
        r.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{what}: escaped form missing"
    );
    if whole {
        assert!(
            r.body.contains(NASTY_ESCAPED),
            "{what}: escaped text missing"
        );
    }
}

#[tokio::test]
async fn what_users_wrote_is_shown_as_text() {
    let s = Server::start().await;
    let source = s.create(
        Kind::Source,
        json!({"type":"media","title":NASTY,"reliability":"C","description":NASTY,
            "author":NASTY,"url":"https://example.org/?a=1&b=\"><script>alert(3)</script>",
            "confidentiality":"public"}),
    );
    let place = s.create(
        Kind::Place,
        json!({"names":[{"text":NASTY}],"type":"city","description":NASTY,"confidentiality":"public"}),
    );
    let person = s.create(
        Kind::Person,
        json!({"names":[{"text":NASTY},{"text":format!("黃之鋒 {NASTY}")}],
            "description":NASTY,"ethnicity":NASTY,"occupations":[NASTY],
            "citations":[{"source":source.to_string(),"locator":NASTY,"quote":NASTY}],
            "confidentiality":"public"}),
    );
    let event = s.create(
        Kind::Event,
        json!({"type":"detention.criminal","date":"2020-01-02","title":NASTY,"description":NASTY,
            "place":place.to_string(),"participants":[{"person":person.to_string(),"role":"victim"}],
            "confidentiality":"public"}),
    );
    let claim = s.create(
        Kind::Claim,
        json!({"subject":{"topic":NASTY},"statement":NASTY,"quote":NASTY,"locator":NASTY,
            "stance":"asserts","credibility":3,"source":source.to_string(),"confidentiality":"public"}),
    );
    // A second version, so that history has a change to show.
    let mut edited = s.store.get(Kind::Person, person).unwrap().unwrap();
    if let Body::Person(p) = &mut edited.body {
        p.description = Some(format!("{NASTY} (edited)"));
    }
    s.store
        .update(Kind::Person, person, 1, edited.body, "<b>ed</b>")
        .unwrap();

    let editor = s.session(Who::Editor);
    for who in [None, Some(&editor)] {
        let tag = if who.is_some() { "editor" } else { "visitor" };
        for (what, path, whole) in [
            ("person page", format!("/persons/{person}"), true),
            ("event page", format!("/events/{event}"), true),
            ("place page", format!("/places/{place}"), true),
            ("source page", format!("/sources/{source}"), true),
            ("claim page", format!("/claims/{claim}"), true),
            ("person list", "/persons".to_string(), true),
            ("event list", "/events".to_string(), true),
            ("source list", "/sources".to_string(), true),
            ("claim list", "/claims".to_string(), true),
            ("dashboard", "/".to_string(), true),
        ] {
            assert_escaped(&format!("{what} ({tag})"), &s.get(&path, who).await, whole);
        }
    }
    // History shows JSON of changed fields: the string is there, escaped.
    let history = s
        .get(&format!("/persons/{person}/history"), Some(&editor))
        .await;
    assert_escaped("history", &history, false);
    assert!(
        history.body.contains("&lt;b&gt;ed&lt;/b&gt;"),
        "the author's name, escaped"
    );
    assert!(history.body.contains(&format!("{NASTY_ESCAPED} (edited)")));
    // The edit form puts the values into attributes and text areas.
    let form = s
        .get(&format!("/persons/{person}/edit"), Some(&editor))
        .await;
    assert_escaped("edit form", &form, true);
    // What a visitor typed into the search box comes back as a value only.
    let q = serde_urlencoded::to_string([("q", NASTY)]).unwrap();
    for path in [
        format!("/persons?{q}"),
        format!("/events?{q}&type={q}&from={q}"),
    ] {
        let r = s.get(&path, None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(!r.body.to_lowercase().contains("<script"), "{path}");
        assert!(!r.body.contains("\"onmouseover="), "{path}");
    }
    // So does a `next` on the sign-in form.
    let r = s
        .get("/login?next=/%22%3E%3Cscript%3Ealert(1)%3C/script%3E", None)
        .await;
    assert!(!r.body.to_lowercase().contains("<script"), "sign-in next");
}

#[tokio::test]
async fn pages_carry_security_headers() {
    let s = Server::start().await;
    let f = Fixture::build(&s);
    let person = f.records[&(Kind::Person, "public")];
    let editor = s.session(Who::Editor);
    let viewer = s.session(Who::Viewer);
    for (path, session, status) in [
        ("/".to_string(), None, StatusCode::OK),
        ("/persons".to_string(), None, StatusCode::OK),
        (format!("/persons/{person}"), None, StatusCode::OK),
        (format!("/persons/{person}"), Some(&editor), StatusCode::OK),
        (
            format!("/persons/{person}/history"),
            Some(&editor),
            StatusCode::OK,
        ),
        (
            format!("/persons/{person}/edit"),
            Some(&editor),
            StatusCode::OK,
        ),
        ("/persons/new".to_string(), Some(&editor), StatusCode::OK),
        ("/login".to_string(), None, StatusCode::OK),
        (
            "/admin/users".to_string(),
            Some(&viewer),
            StatusCode::FORBIDDEN,
        ),
        (
            format!("/persons/{}", RecordId::new()),
            Some(&viewer),
            StatusCode::NOT_FOUND,
        ),
        ("/no/such/page".to_string(), None, StatusCode::NOT_FOUND),
    ] {
        let r = s.get(&path, session).await;
        assert_eq!(r.status, status, "{path}: {}", r.describe());
        let csp = r.header("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{path}: {csp}"
        );
        assert_eq!(r.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(r.header("referrer-policy"), "no-referrer", "{path}");
        assert_eq!(r.header("cache-control"), "no-store", "{path}");
        assert!(r.header("content-type").starts_with("text/html"), "{path}");
        assert!(r.body.starts_with("<!DOCTYPE html>"), "{path}");
    }
    // The stylesheet may be cached; it is the only thing pages load.
    let css = s.get("/static/app.css", None).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header("content-type").starts_with("text/css"));

    // Cookies: the session's from a real sign-in, the pre-sign-in token's,
    // the language's, and the sign-out that clears the session.
    let form = s.get("/login", None).await;
    let csrf_cookie = form.set_cookie("vigil_csrf").unwrap();
    let token = cookie_value(&csrf_cookie).to_string();
    let signed_in = s
        .post(
            "/login",
            Some(&Session {
                cookie: Some(format!("vigil_csrf={token}")),
                csrf: String::new(),
            }),
            &[
                ("name".into(), "vi".into()),
                ("password".into(), PASSWORD.into()),
                ("csrf".into(), token.clone()),
            ],
        )
        .await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.describe()
    );
    let session_cookie = signed_in
        .set_cookie("vigil_session")
        .expect("a session cookie");
    let lang_cookie = s
        .get("/lang?to=zh-Hans&next=/", None)
        .await
        .set_cookie("vigil_lang")
        .unwrap();
    for cookie in [&session_cookie, &csrf_cookie, &lang_cookie] {
        for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
            assert!(
                cookie.split("; ").any(|a| a == attribute),
                "{cookie} lacks {attribute}"
            );
        }
    }
    let max_age: i64 = session_cookie
        .split("; ")
        .find_map(|a| a.strip_prefix("Max-Age="))
        .expect("the session cookie has a Max-Age")
        .parse()
        .unwrap();
    assert!(max_age > 0 && max_age <= 24 * 3600, "{session_cookie}");
    // The pre-sign-in token is cleared once signed in.
    let cleared = signed_in.set_cookie("vigil_csrf").unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");

    // Signing out ends the session on the server, not only in the browser.
    let session = Session {
        cookie: Some(format!("vigil_session={}", cookie_value(&session_cookie))),
        csrf: String::new(),
    };
    let internal = f.records[&(Kind::Person, "internal")];
    assert_eq!(
        s.get(&format!("/persons/{internal}"), Some(&session))
            .await
            .status,
        StatusCode::OK
    );
    let page = s.get("/", Some(&session)).await;
    let csrf = hidden_input(&page.body, "csrf").unwrap();
    let out = s
        .post("/logout", Some(&session), &[("csrf".into(), csrf)])
        .await;
    assert_eq!((out.status, out.location()), (StatusCode::SEE_OTHER, "/"));
    assert!(out
        .set_cookie("vigil_session")
        .unwrap()
        .contains("Max-Age=0"));
    assert_eq!(
        s.get(&format!("/persons/{internal}"), Some(&session))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_interface_speaks_chinese() {
    let s = Server::start().await;
    let zh = s
        .request(
            reqwest::Method::GET,
            "/persons",
            None,
            &[(ACCEPT_LANGUAGE.as_str(), "zh-CN,zh;q=0.9,en;q=0.8")],
            None,
        )
        .await;
    assert_eq!(zh.status, StatusCode::OK);
    assert!(zh.body.contains("人员"), "nav in Chinese");
    assert!(zh.body.contains("<html lang=\"zh-Hans\""));
    let en = s.get("/persons", None).await;
    assert!(en.body.contains(">People<") && !en.body.contains("人员"));
    assert!(en.body.contains("<html lang=\"en\""));
    // The switch sets a cookie and goes back where it was; the cookie wins
    // over the browser's header.
    let switch = s.get("/lang?to=zh-Hans&next=/events", None).await;
    assert_eq!(
        (switch.status, switch.location()),
        (StatusCode::SEE_OTHER, "/events")
    );
    let cookie = switch.set_cookie("vigil_lang").expect("a language cookie");
    assert_eq!(cookie_value(&cookie), "zh-Hans");
    let session = Session {
        cookie: Some("vigil_lang=zh-Hans".into()),
        csrf: String::new(),
    };
    let r = s
        .request(
            reqwest::Method::GET,
            "/",
            Some(&session),
            &[(ACCEPT_LANGUAGE.as_str(), "en")],
            None,
        )
        .await;
    assert!(r.body.contains("人员"));
    // Error pages too.
    let r = s
        .request(
            reqwest::Method::GET,
            "/no/such/page",
            None,
            &[(ACCEPT_LANGUAGE.as_str(), "zh-CN")],
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.body.contains("<html lang=\"zh-Hans\""),
        "{}",
        r.describe()
    );
    // An unknown language changes nothing; a hostile `next` goes home.
    let r = s.get("/lang?to=xx&next=//evil.example", None).await;
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, "/"));
    assert!(r.set_cookie("vigil_lang").is_none());
}

#[tokio::test]
async fn sign_in_is_throttled_per_account() {
    let s = Server::start().await;
    let form = s.get("/login", None).await;
    let token = cookie_value(&form.set_cookie("vigil_csrf").unwrap()).to_string();
    let browser = Session {
        cookie: Some(format!("vigil_csrf={token}")),
        csrf: token.clone(),
    };
    let attempt = |name: &str, password: &str| {
        vec![
            ("name".to_string(), name.to_string()),
            ("password".to_string(), password.to_string()),
            ("csrf".to_string(), token.clone()),
        ]
    };
    for i in 1..=5 {
        let r = s
            .post(
                "/login",
                Some(&browser),
                &attempt("ed", "not the password at all"),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "attempt {i}: {}",
            r.describe()
        );
        assert!(r.body.contains("do not match"));
    }
    // The sixth, even with the right password, is refused.
    let r = s
        .post("/login", Some(&browser), &attempt("ed", PASSWORD))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.describe());
    assert!(r.set_cookie("vigil_session").is_none());
    assert!(r.body.contains("Too many failed attempts"));
    // The same account by another spelling is the same account.
    let r = s
        .post("/login", Some(&browser), &attempt(" ED ", PASSWORD))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.describe());
    // Another account from the same address still signs in.
    let r = s
        .post("/login", Some(&browser), &attempt("vi", PASSWORD))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.describe());
}

fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn forms_create_validate_edit_and_refuse_stale_edits() {
    let s = Server::start().await;
    let editor = s.session(Who::Editor);
    let persons = |s: &Server| {
        s.snapshot()
            .0
            .keys()
            .filter(|(k, _)| *k == Kind::Person)
            .count()
    };

    // A person named in three scripts.
    let created = s
        .post(
            "/persons/new",
            Some(&editor),
            &pairs(&[
                ("names/0/text", "黃之鋒"),
                ("names/1/text", "ئىلھام توختى"),
                ("names/2/text", "Joshua Wong"),
                ("names/3/text", ""),
                ("birth_date", "1996-10-13"),
                ("confidentiality", "internal"),
                ("csrf", &editor.csrf),
            ]),
        )
        .await;
    assert_eq!(
        created.status,
        StatusCode::SEE_OTHER,
        "{}",
        created.describe()
    );
    let id: RecordId = created
        .location()
        .strip_prefix("/persons/")
        .unwrap()
        .parse()
        .unwrap();
    let record = s.store.get(Kind::Person, id).unwrap().unwrap();
    assert_eq!(record.meta.updated_by.as_deref(), Some("ed"));
    let Body::Person(p) = &record.body else {
        panic!("not a person")
    };
    let names: Vec<&str> = p.names.iter().map(|n| n.text.as_str()).collect();
    assert_eq!(names, ["黃之鋒", "ئىلھام توختى", "Joshua Wong"]);
    let page = s.get(created.location(), Some(&editor)).await;
    for name in &names {
        assert!(page.body.contains(name), "{name} on the page");
    }

    // A form with errors comes back with them at their fields, keeps what
    // was typed, and creates nothing.
    let before = persons(&s);
    let invalid = s
        .post(
            "/persons/new",
            Some(&editor),
            &pairs(&[
                ("names/0/kind", "alias"),
                ("names/1/text", "<i>kept</i>"),
                ("birth_date", "not a date"),
                ("confidentiality", "internal"),
                ("csrf", &editor.csrf),
            ]),
        )
        .await;
    assert_eq!(
        invalid.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        invalid.describe()
    );
    assert!(
        invalid
            .body
            .contains(r#"<p class="field-error" id="error-names-0-text">"#),
        "{}",
        invalid.body
    );
    assert!(invalid.body.contains("value=\"not a date\""));
    // (A form is read as a whole: the date is checked once the names are.)
    let bad_date = s
        .post(
            "/persons/new",
            Some(&editor),
            &pairs(&[
                ("names/0/text", "Someone"),
                ("birth_date", "not a date"),
                ("confidentiality", "internal"),
                ("csrf", &editor.csrf),
            ]),
        )
        .await;
    assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad_date
            .body
            .contains(r#"<p class="field-error" id="error-birth_date">"#),
        "{}",
        bad_date.body
    );
    assert!(invalid.body.contains("value=\"&lt;i&gt;kept&lt;/i&gt;\""));
    assert_eq!(persons(&s), before);

    // The edit form holds the record and its version.
    let form = s.get(&format!("/persons/{id}/edit"), Some(&editor)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(hidden_input(&form.body, "version").as_deref(), Some("1"));
    assert_eq!(
        hidden_input(&form.body, "names/1/text").as_deref(),
        Some("ئىلھام توختى")
    );
    let edit = |version: &str, description: &str| {
        pairs(&[
            ("version", version),
            ("names/0/text", "黃之鋒"),
            ("names/1/text", "Joshua Wong"),
            ("description", description),
            ("confidentiality", "internal"),
            ("csrf", &editor.csrf),
        ])
    };
    let saved = s
        .post(
            &format!("/persons/{id}/edit"),
            Some(&editor),
            &edit("1", "Edited first"),
        )
        .await;
    assert_eq!(
        (saved.status, saved.location()),
        (StatusCode::SEE_OTHER, format!("/persons/{id}").as_str())
    );
    assert_eq!(s.version(Kind::Person, id), 2);

    // A form opened at version 1 and sent now is stale: a conflict page
    // with both versions, and nothing overwritten.
    let stale = s
        .post(
            &format!("/persons/{id}/edit"),
            Some(&editor),
            &edit("1", "Stale edit"),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.describe());
    assert!(stale.body.contains("Stale edit") && stale.body.contains("Edited first"));
    assert_eq!(hidden_input(&stale.body, "version").as_deref(), Some("2"));
    assert_eq!(s.version(Kind::Person, id), 2);
    // Without a version there is nothing to compare with: a conflict too.
    let mut unversioned = edit("", "No version");
    unversioned.remove(0);
    let r = s
        .post(&format!("/persons/{id}/edit"), Some(&editor), &unversioned)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(s.version(Kind::Person, id), 2);

    // The history shows who changed what.
    let history = s
        .get(&format!("/persons/{id}/history"), Some(&editor))
        .await;
    assert!(history.body.contains("Edited first"));
    assert!(!history.body.contains("Stale edit"));
}

/// The review queue as an editor uses it: a scan (administrators) finds
/// 黃之鋒 and WONG Chi-fung, the pair is shown side by side with why, "the
/// same" merges them, the person's page then shows both records' names,
/// events and sources, the absorbed record says where it went, the history
/// lists the merge, and undoing it splits them again.
#[tokio::test]
async fn reviewing_duplicates_merges_and_unmerges() {
    let s = Server::start().await;
    let source = s.create(
        Kind::Source,
        json!({"type":"media","title":"HKFP report","reliability":"B","confidentiality":"public"}),
    );
    let joshua = s.create(
        Kind::Person,
        json!({"names":[{"text":"黃之鋒"}],"birth_date":"1996-10-13","sex":"male","confidentiality":"public"}),
    );
    let wong = s.create(
        Kind::Person,
        json!({"names":[{"text":"WONG Chi-fung"},{"text":"Joshua Wong"}],"birth_date":"1996","sex":"male",
               "confidentiality":"public","citations":[{"source":source.to_string(),"locator":"p. 2"}]}),
    );
    let place = s.create(
        Kind::Place,
        json!({"names":[{"text":"Lai Chi Kok"}],"type":"facility","confidentiality":"public"}),
    );
    s.create(
        Kind::Event,
        json!({"type":"detention","date":"2020-11-23","title":"Remanded","place":place.to_string(),
               "participants":[{"person":wong.to_string(),"role":"victim"}],"confidentiality":"public"}),
    );
    let editor = s.session(Who::Editor);
    let admin = s.session(Who::Admin);
    // The navigation leads editors to the queue, and not viewers.
    assert!(s
        .get("/", Some(&editor))
        .await
        .body
        .contains("href=\"/duplicates\""));
    assert!(!s
        .get("/", Some(&s.session(Who::Viewer)))
        .await
        .body
        .contains("href=\"/duplicates\""));
    // Only administrators see the scan button.
    let page = s.get("/duplicates", Some(&editor)).await;
    assert!(!page.body.contains("action=\"/duplicates/scan\""));
    let page = s.get("/duplicates", Some(&admin)).await;
    assert!(page.body.contains("action=\"/duplicates/scan\""));
    let r = s
        .post(
            "/duplicates/scan",
            Some(&admin),
            &with_csrf(Vec::new(), &admin.csrf),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.describe());
    let page = s.get(r.location(), Some(&editor)).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    for expected in [
        "黃之鋒",
        "WONG Chi-fung",
        "Hong Kong (Cantonese) romanisation",
        "1996-10-13",
        "Lai Chi Kok",
        "name=\"decision\" value=\"same\"",
        "name=\"decision\" value=\"not_same\"",
        "name=\"decision\" value=\"unsure\"",
        &format!("name=\"a\" value=\"{joshua}\""),
        &format!("name=\"b\" value=\"{wong}\""),
    ] {
        assert!(body.contains(expected), "{expected}: {body}");
    }
    assert_eq!(
        hidden_input(body, "csrf").as_deref(),
        Some(editor.csrf.as_str())
    );
    // The same, in Chinese.
    let zh = s
        .request(
            reqwest::Method::GET,
            "/duplicates",
            Some(&editor),
            &[(ACCEPT_LANGUAGE.as_str(), "zh-CN")],
            None,
        )
        .await;
    assert!(
        zh.body.contains("可能重复的记录") && zh.body.contains("不是同一人"),
        "{}",
        zh.body
    );

    // "The same": merged.
    let decide = |decision: &str| {
        with_csrf(
            vec![
                ("a".into(), joshua.to_string()),
                ("b".into(), wong.to_string()),
                ("decision".into(), decision.into()),
                ("note".into(), "same birthday <b>".into()),
                ("next".into(), "/duplicates".into()),
            ],
            &editor.csrf,
        )
    };
    let r = s
        .post("/duplicates/decide", Some(&editor), &decide("same"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.describe());
    assert!(r.location().starts_with("/duplicates?done=same"));
    let queue = s.get("/duplicates", Some(&editor)).await;
    assert!(
        !queue.body.contains(&format!("pair-{joshua}-{wong}")),
        "a decided pair leaves the queue"
    );
    // The canonical record's page holds both.
    let page = s.get(&format!("/persons/{joshua}"), None).await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in [
        "Also recorded as",
        "WONG Chi-fung",
        "Joshua Wong",
        "Remanded",
        "HKFP report",
        "p. 2",
    ] {
        assert!(page.body.contains(expected), "{expected}: {}", page.body);
    }
    assert!(
        !page.body.contains("/duplicates/undo"),
        "visitors get no undo button"
    );
    // The absorbed record says where it went; editors can undo from there.
    let page = s.get(&format!("/persons/{wong}"), Some(&editor)).await;
    assert!(
        page.body.contains("This record has been merged into"),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!("href=\"/persons/{joshua}\"")));
    assert!(page.body.contains("action=\"/duplicates/undo\""));
    // The history lists the merge: who, when, with whom, by hand.
    let history = s
        .get(&format!("/persons/{joshua}/history"), Some(&editor))
        .await;
    assert_eq!(history.status, StatusCode::OK);
    for expected in [
        "Merges and decisions",
        "The same person",
        "ed",
        &format!("/persons/{wong}"),
        "same birthday &lt;b&gt;",
    ] {
        assert!(
            history.body.contains(expected),
            "{expected}: {}",
            history.body
        );
    }
    assert!(!history.body.contains("same birthday <b>"));

    // Undo, from the absorbed record's page.
    let undo = with_csrf(
        vec![
            ("a".into(), joshua.to_string()),
            ("b".into(), wong.to_string()),
            ("next".into(), format!("/persons/{wong}")),
        ],
        &editor.csrf,
    );
    let r = s.post("/duplicates/undo", Some(&editor), &undo).await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, format!("/persons/{wong}").as_str())
    );
    let page = s.get(&format!("/persons/{joshua}"), None).await;
    assert!(!page.body.contains("Also recorded as") && !page.body.contains("Remanded"));
    let history = s
        .get(&format!("/persons/{wong}/history"), Some(&editor))
        .await;
    assert!(history.body.contains("Decision undone"), "{}", history.body);
    // Back in the queue; and once decided "not the same", a merge is refused.
    assert!(s
        .get("/duplicates", Some(&editor))
        .await
        .body
        .contains(&format!("pair-{joshua}-{wong}")));
    let r = s
        .post("/duplicates/decide", Some(&editor), &decide("not_same"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let third = s.create(
        Kind::Person,
        json!({"names":[{"text":"Wong Chi Fung"}],"confidentiality":"public"}),
    );
    s.store
        .decide(third, wong, vigil_store::Decision::Same, None, "test")
        .unwrap();
    let before = s.snapshot();
    let refused = with_csrf(
        vec![
            ("a".into(), joshua.to_string()),
            ("b".into(), third.to_string()),
            ("decision".into(), "same".into()),
        ],
        &editor.csrf,
    );
    let r = s.post("/duplicates/decide", Some(&editor), &refused).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.describe());
    assert!(r.body.contains("The decision was not recorded") && r.body.contains("revoke"));
    assert!(before == s.snapshot(), "a refused merge changes nothing");
    // A forged next leads nowhere else.
    let mut offsite = decide("unsure");
    offsite.retain(|(k, _)| k != "next");
    offsite.push(("next".into(), "//evil.example/".into()));
    let r = s.post("/duplicates/decide", Some(&editor), &offsite).await;
    assert!(r.location().starts_with("/duplicates"), "{}", r.location());
}

/// The paragraphs of a document as `vigil ingest` leaves them.
const PARAGRAPHS: [&str; 4] = [
    "The authorities denied that “vocational training centres” hold anyone against their will.",
    NASTY,
    "ئۇيغۇر ئاپتونوم رايونىدىكى لاگېرلار",
    "多名前被拘留者描述了新疆再教育營內的政治灌輸。",
];

#[tokio::test]
async fn the_reader_shows_paragraphs_as_text() {
    let s = Server::start().await;
    let source = s.create(
        Kind::Source,
        json!({"type":"ngo_report","title":"Report on camps","reliability":"B","confidentiality":"public"}),
    );
    let doc = s.document(
        "camps <report>.pdf",
        Confidentiality::Public,
        Some(source),
        &PARAGRAPHS,
    );
    let page = s.get(&format!("/documents/{doc}"), None).await;
    assert_escaped("reader", &page, true);
    for n in 1..=4 {
        assert!(
            page.body.contains(&format!("<p id=\"p{n}\" dir=\"auto\">")),
            "paragraph {n}: {}",
            page.body
        );
    }
    assert!(page.body.contains(PARAGRAPHS[2]) && page.body.contains(PARAGRAPHS[3]));
    assert!(page.body.contains("camps &lt;report&gt;.pdf"));
    assert!(page.body.contains(&format!("href=\"/sources/{source}\"")));
    // Visitors may not take the original, nor record claims.
    assert!(!page.body.contains("/original\""));
    assert!(!page.body.contains("/claim?paragraph="));
    let editor = s.session(Who::Editor);
    let page = s.get(&format!("/documents/{doc}"), Some(&editor)).await;
    assert!(page
        .body
        .contains(&format!("href=\"/documents/{doc}/original\"")));
    assert!(page
        .body
        .contains(&format!("href=\"/documents/{doc}/claim?paragraph=2\"")));
    // The list names it; a restricted document only for editors.
    let hidden = s.document(
        "restricted-testimony.txt",
        Confidentiality::Restricted,
        None,
        &["A restricted testimony."],
    );
    for (who, sees) in [
        (Who::Anonymous, false),
        (Who::Viewer, false),
        (Who::Editor, true),
    ] {
        let list = s.get("/documents", Some(&s.session(who))).await;
        assert_eq!(list.status, StatusCode::OK, "{who:?}");
        assert!(list.body.contains("camps &lt;report&gt;.pdf"), "{who:?}");
        assert!(list.body.contains(&format!("href=\"/documents/{doc}\"")));
        assert_eq!(
            list.body.contains(&format!("href=\"/documents/{hidden}\"")),
            sees,
            "{who:?}"
        );
    }
    // Every page has the search box in its header, and the new links.
    assert!(page.body.contains("action=\"/search\""));
    assert!(page.body.contains("href=\"/documents\"") && page.body.contains("href=\"/search\""));
}

#[tokio::test]
async fn claims_are_recorded_from_a_paragraph() {
    let s = Server::start().await;
    let source = s.create(
        Kind::Source,
        json!({"type":"ngo_report","title":"Report on camps","reliability":"B","confidentiality":"public"}),
    );
    let doc = s.document(
        "camps.pdf",
        Confidentiality::Internal,
        Some(source),
        &PARAGRAPHS,
    );
    let editor = s.session(Who::Editor);
    let claims = |s: &Server| {
        s.snapshot()
            .0
            .keys()
            .filter(|(k, _)| *k == Kind::Claim)
            .count()
    };
    // The form shows the paragraph and takes the document's source.
    let form = s
        .get(
            &format!("/documents/{doc}/claim?paragraph=1"),
            Some(&editor),
        )
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.describe());
    assert!(form.body.contains("vocational training centres"));
    assert_eq!(
        hidden_input(&form.body, "source").as_deref(),
        Some(source.to_string().as_str())
    );
    assert_eq!(hidden_input(&form.body, "paragraph").as_deref(), Some("1"));
    assert_eq!(
        hidden_input(&form.body, "csrf").as_deref(),
        Some(editor.csrf.as_str())
    );
    let claim = |quote: &str| {
        pairs(&[
            ("csrf", &editor.csrf),
            ("paragraph", "1"),
            ("quote", quote),
            ("statement", "The authorities deny <detention>"),
            ("stance", "denies"),
            ("credibility", "4"),
            ("source", &source.to_string()),
            ("subject/topic", "camps"),
            ("confidentiality", "internal"),
        ])
    };
    // Words the paragraph does not have: 422, the form as it was sent,
    // the error at the quote, nothing recorded.
    let before = claims(&s);
    let refused = s
        .post(
            &format!("/documents/{doc}/claim"),
            Some(&editor),
            &claim("hold everyone against their will"),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.describe()
    );
    assert!(
        refused
            .body
            .contains(r#"<p class="field-error" id="error-quote">"#),
        "{}",
        refused.body
    );
    assert!(refused
        .body
        .contains("hold everyone against their will</textarea>"));
    assert!(refused
        .body
        .contains("The authorities deny &lt;detention&gt;</textarea>"));
    assert_eq!(claims(&s), before);
    // A claim less confidential than the document is refused too.
    let mut public = claim("training centres");
    public.retain(|(k, _)| k != "confidentiality");
    public.push(("confidentiality".into(), "public".into()));
    let r = s
        .post(&format!("/documents/{doc}/claim"), Some(&editor), &public)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("id=\"error-confidentiality\""),
        "{}",
        r.body
    );
    assert_eq!(claims(&s), before);
    // The paragraph's words, with straight quotation marks and other
    // spacing where the document has curly ones: recorded.
    let accepted = s
        .post(
            &format!("/documents/{doc}/claim"),
            Some(&editor),
            &claim("denied that \"vocational   training centres\" hold"),
        )
        .await;
    assert_eq!(
        accepted.status,
        StatusCode::SEE_OTHER,
        "{}",
        accepted.describe()
    );
    let id: RecordId = accepted
        .location()
        .strip_prefix("/claims/")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(claims(&s), before + 1);
    let Body::Claim(c) = s.store.get(Kind::Claim, id).unwrap().unwrap().body else {
        panic!("not a claim")
    };
    assert_eq!((c.document, c.paragraph), (Some(doc), Some(1)));
    assert_eq!(c.source, source);
    // The claim's page leads back to the paragraph.
    let page = s.get(accepted.location(), Some(&editor)).await;
    assert!(
        page.body
            .contains(&format!("href=\"/documents/{doc}#p1\">¶1 of camps.pdf</a>")),
        "{}",
        page.body
    );
    // A paragraph the document does not have is not found.
    let r = s
        .get(
            &format!("/documents/{doc}/claim?paragraph=99"),
            Some(&editor),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_search_page_finds_passages_in_any_script() {
    let s = Server::start().await;
    let public = s.document("camps.pdf", Confidentiality::Public, None, &PARAGRAPHS);
    let restricted = s.document(
        "testimony.txt",
        Confidentiality::Restricted,
        None,
        &["The witness saw zebrafish tanks in the basement."],
    );
    // A simplified-Chinese query finds the traditional paragraph, and the
    // matched words are marked.
    let q = serde_urlencoded::to_string([("q", "再教育营")]).unwrap();
    let r = s.get(&format!("/search?{q}"), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.describe());
    assert!(
        r.body.contains(&format!("href=\"/documents/{public}#p4\"")),
        "{}",
        r.body
    );
    assert!(r.body.contains("<mark>"), "{}", r.body);
    assert!(r.body.contains("營"));
    assert!(r.body.contains("value=\"再教育营\""));
    // What the documents say is escaped in snippets like everywhere.
    let q = serde_urlencoded::to_string([("q", "alert Jerry")]).unwrap();
    let r = s.get(&format!("/search?{q}"), None).await;
    assert!(
        r.body.contains(&format!("href=\"/documents/{public}#p2\"")),
        "{}",
        r.body
    );
    assert!(!r.body.to_lowercase().contains("<script"));
    // A restricted document's passages are for editors only.
    for (who, found) in [
        (Who::Anonymous, false),
        (Who::Viewer, false),
        (Who::Editor, true),
    ] {
        let r = s
            .get("/search?q=zebrafish&kind=passage", Some(&s.session(who)))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(
            r.body.contains(&format!("/documents/{restricted}#p1")),
            found,
            "{who:?}: {}",
            r.body
        );
        assert_eq!(r.body.contains("<mark>zebrafish</mark>"), found, "{who:?}");
    }
    // Filters: passages only, or records only.
    let r = s
        .get(
            "/search?q=zebrafish&kind=person",
            Some(&s.session(Who::Editor)),
        )
        .await;
    assert!(!r.body.contains(&format!("/documents/{restricted}#p1")));
    // A date that is not one is said so.
    let r = s.get("/search?q=camps&from=yesterday", None).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.describe());
    // No words: the form alone.
    let r = s.get("/search", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("type=\"search\""));
}

#[tokio::test]
async fn uploads_check_the_token_before_keeping_anything() {
    // Without an evidence store: a clear 503, after the token.
    let s = Server::start().await;
    let editor = s.session(Who::Editor);
    let r = s
        .post_multipart(
            "/documents",
            Some(&editor),
            &upload_parts(&editor.csrf, "a.png", PNG),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        r.describe()
    );
    assert!(r.body.contains("keeps no documents"));
    let r = s
        .post_multipart(
            "/documents",
            Some(&editor),
            &upload_parts(&"0".repeat(64), "a.png", PNG),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.describe());
    let list = s.get("/documents", Some(&editor)).await;
    assert!(!list.body.contains("enctype=\"multipart/form-data\""));

    let s = Server::start_with_documents().await;
    let editor = s.session(Who::Editor);
    let other = s.session(Who::Editor);
    // The upload form carries the token before the file.
    let list = s.get("/documents", Some(&editor)).await;
    let form_at = list
        .body
        .find("enctype=\"multipart/form-data\"")
        .expect("the upload form");
    let form = &list.body[form_at..];
    assert!(form.find("name=\"csrf\"").unwrap() < form.find("name=\"file\"").unwrap());
    let file: &[(&str, Option<&str>, &[u8])] = &[("file", Some("a.png"), PNG)];
    let wrong = "0".repeat(64);
    let refused: Vec<(&str, Vec<Part<'_>>)> = vec![
        ("no token", file.to_vec()),
        (
            "a wrong token",
            [&[("csrf", None, wrong.as_bytes())][..], file].concat(),
        ),
        (
            "another session's token",
            upload_parts(&other.csrf, "a.png", PNG),
        ),
        (
            "the token after the file",
            [file, &[("csrf", None, editor.csrf.as_bytes())][..]].concat(),
        ),
        (
            "the token as a file",
            vec![("csrf", Some("csrf"), editor.csrf.as_bytes()), file[0]],
        ),
    ];
    for (what, parts) in &refused {
        let before = s.snapshot();
        let r = s.post_multipart("/documents", Some(&editor), parts).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{what}: {}", r.describe());
        assert!(r.body.contains("The form has expired"), "{what}");
        assert!(before == s.snapshot(), "{what}: something was kept");
    }
    assert!(files_under(s.blobs.as_ref().unwrap().dir()).is_empty());
    // Nor in the query string.
    let r = s
        .post_multipart(
            &format!("/documents?csrf={}", editor.csrf),
            Some(&editor),
            file,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Elsewhere a multipart form is held to a form's size, even with its
    // token (the sign-in form is open to anyone).
    let visitor = s.session(Who::Anonymous);
    let big = vec![b'x'; 1024 * 1024 + 8 * 1024];
    let r = s
        .post_multipart(
            "/login",
            Some(&visitor),
            &[
                ("csrf", None, visitor.csrf.as_bytes()),
                ("name", None, &big),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // A viewer's upload is refused for the role.
    let viewer = s.session(Who::Viewer);
    let r = s
        .post_multipart(
            "/documents",
            Some(&viewer),
            &upload_parts(&viewer.csrf, "a.png", PNG),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(files_under(s.blobs.as_ref().unwrap().dir()).is_empty());
    // No file: the form again, 422.
    let r = s
        .post_multipart(
            "/documents",
            Some(&editor),
            &[
                ("csrf", None, editor.csrf.as_bytes()),
                ("source", None, b"not-an-id"),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        r.describe()
    );
    assert!(r.body.contains("id=\"error-file\"") && r.body.contains("id=\"error-source\""));
    assert!(r.body.contains("value=\"not-an-id\""));

    // With the token first: kept, and the reader follows.
    let r = s
        .post_multipart(
            "/documents",
            Some(&editor),
            &upload_parts(&editor.csrf, "pixel.png", PNG),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.describe());
    let id: RecordId = r
        .location()
        .strip_prefix("/documents/")
        .unwrap()
        .parse()
        .unwrap();
    let doc = s.store.document(id).unwrap().unwrap();
    assert_eq!(doc.file_name, "pixel.png");
    assert_eq!(doc.received_by, "ed");
    assert_eq!(doc.confidentiality, Confidentiality::Internal);
    let page = s.get(r.location(), Some(&editor)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&doc.sha256));
    // The original, unchanged, as a download for viewers; visitors sign in.
    let viewer = s.session(Who::Viewer);
    let resp = s
        .client
        .get(format!("{}/documents/{id}/original", s.base))
        .header(COOKIE, viewer.cookie.as_deref().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "application/octet-stream"
    );
    assert!(resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert_eq!(resp.bytes().await.unwrap().as_ref(), PNG);
    let r = s.get(&format!("/documents/{id}/original"), None).await;
    assert_eq!(r.status, StatusCode::FOUND);
    // A text file whose reading fails (no worker here) is kept all the
    // same, with the failure shown.
    let r = s
        .post_multipart(
            "/documents",
            Some(&editor),
            &upload_parts(&editor.csrf, "notes.txt", b"Some notes.\n"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.describe());
    let page = s.get(r.location(), Some(&editor)).await;
    assert!(page.body.contains("could not be read"), "{}", page.body);
}
