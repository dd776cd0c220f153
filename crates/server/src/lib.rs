//! vigil's HTTP server.
//!
//! The JSON API lives under `/api/v1` and its shape is fixed: other tools
//! depend on it. The web pages ([`pages`]) live at the root. Every route goes
//! through one authorisation layer ([`auth`]): a bearer token (API) or a
//! session cookie (pages) names an account, the account's role decides what
//! it may do, and the role also caps which confidentiality levels it can
//! see. Handlers never decide access on their own.
//!
//! Errors are RFC 9457 problem documents ([`problem`]).

pub mod auth;
mod blocking;
mod caller;
mod disputes;
mod documents;
mod duplicates;
mod names;
mod openapi;
mod pages;
mod problem;
mod records;
mod search;
mod throttle;

use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use vigil_store::Store;

pub use caller::Caller;
pub use problem::Problem;

/// Largest request body accepted, in bytes. Records are small; bulk data
/// goes through `vigil import`.
const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub throttle: Arc<throttle::Throttle>,
    pub summaries: Arc<pages::SummaryCache>,
    pub names: Arc<names::IndexCache>,
    /// Where documents are kept; `None` for a server that keeps none.
    pub evidence: Option<Arc<vigil_app::Evidence>>,
    pub search: Arc<vigil_app::Search>,
}

/// What a server keeps besides its store.
#[derive(Default, Clone)]
pub struct Options {
    /// Where documents are kept; without it the server keeps none.
    pub evidence: Option<Arc<vigil_app::Evidence>>,
    /// The full-text index; in memory when not given.
    pub search: Option<Arc<vigil_app::Search>>,
}

/// The whole application: health check, OpenAPI document, JSON API and web
/// pages, every route behind the one authorisation layer.
pub fn router(store: Arc<dyn Store>) -> Router {
    router_with(store, Options::default())
}

/// [`router`] with documents and a search index on disk.
pub fn router_with(store: Arc<dyn Store>, options: Options) -> Router {
    use axum::extract::DefaultBodyLimit;
    let state = AppState {
        store,
        throttle: Arc::default(),
        summaries: Arc::default(),
        names: Arc::default(),
        evidence: options.evidence,
        search: options.search.unwrap_or_else(|| {
            Arc::new(vigil_app::Search::in_memory().expect("an index in memory can always be made"))
        }),
    };
    // Documents may be large; everything else is small.
    let upload = DefaultBodyLimit::max(documents::MAX_UPLOAD_BYTES);
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/v1/openapi.json", get(openapi::document))
        .nest(
            "/api/v1",
            records::routes()
                .merge(duplicates::api_routes())
                .route("/disputes", get(disputes::list))
                .route("/disputes/claims", get(disputes::claims))
                .route(
                    "/documents",
                    get(documents::list).post(documents::upload).layer(upload),
                )
                .route("/documents/{id}", get(documents::read))
                .route("/documents/{id}/paragraphs", get(documents::paragraphs))
                .route("/documents/{id}/original", get(documents::original))
                .route("/search", get(search::api)),
        )
        .merge(pages::routes())
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            authorise,
        ))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(axum::middleware::from_fn(log_request))
        .with_state(state)
}

/// The authorisation layer ([`auth::authorise`]), its refused pages drawn
/// by [`pages::refusal`]: auth decides, the pages draw.
async fn authorise(
    state: axum::extract::State<AppState>,
    peer: axum::extract::ConnectInfo<std::net::SocketAddr>,
    jar: axum_extra::extract::CookieJar,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    auth::authorise(state, peer, jar, request, next, pages::refusal).await
}

async fn healthz() -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({ "status": "ok" }))
}

/// Headers every response carries: the API serves JSON only, never to be
/// framed, sniffed or cached by intermediaries.
async fn security_headers(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::header::{
        HeaderValue, CACHE_CONTROL, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
    };
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Nothing but this origin's stylesheet and forms: no script at all,
    // inline or not, no frames, no other origins.
    headers.insert(
        axum::http::header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers
        .entry(CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

/// Logs each request by its route pattern (`/api/v1/{kind}/{id}`), never
/// its query string or body: those hold names and testimony.
async fn log_request(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "(unmatched)".into());
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    tracing::info!(
        %method,
        route,
        status = response.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}

/// Unknown paths: a problem document under the API, a page elsewhere.
async fn not_found(request: axum::extract::Request) -> axum::response::Response {
    use axum::response::IntoResponse;
    if request.uri().path().starts_with("/api/") {
        problem::not_found().await.into_response()
    } else {
        pages::not_found(&request)
    }
}

/// Serves until `shutdown` resolves. The peer address is kept for sign-in
/// throttling (behind a reverse proxy it is the proxy's).
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Arc<dyn Store>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, store, Options::default(), shutdown).await
}

/// [`serve`] for a server that keeps documents.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    store: Arc<dyn Store>,
    options: Options,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app =
        router_with(store, options).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
