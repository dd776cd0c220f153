//! Authentication and authorisation, in one place for every route.
//!
//! The policy is a function of the request alone ([`required_role`]), so it
//! can be read and tested as a table rather than hunted for in handlers.

use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use vigil_model::Confidentiality;
use vigil_store::Role;

use crate::problem::Problem;
use crate::AppState;

/// The authenticated account making a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: String,
    pub role: Role,
}

impl Caller {
    /// The most confidential records this caller may see: restricted
    /// records only for editors and administrators.
    pub fn max_confidentiality(&self) -> Confidentiality {
        if self.role >= Role::Editor {
            Confidentiality::Restricted
        } else {
            Confidentiality::Internal
        }
    }

    pub fn may_see(&self, c: Confidentiality) -> bool {
        c <= self.max_confidentiality()
    }
}

/// The least role a request needs: reading needs an account, writing
/// records needs an editor, changing vocabularies needs an administrator.
pub fn required_role(method: &Method, path: &str) -> Role {
    let reading = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    if reading {
        Role::Viewer
    } else if path
        .trim_start_matches("/api/v1")
        .starts_with("/vocabularies")
    {
        Role::Admin
    } else {
        Role::Editor
    }
}

pub async fn authorise(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let token = request
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
    let Some(token) = token else {
        return Problem::unauthorized().into_response();
    };
    let store = state.store.clone();
    let user = match tokio::task::spawn_blocking(move || store.authenticate(&token)).await {
        Ok(Ok(Some(user))) => user,
        Ok(Ok(None)) => return Problem::unauthorized().into_response(),
        Ok(Err(e)) => return Problem::from(e).into_response(),
        Err(_) => {
            return Problem::from(vigil_store::StoreError::Sink("task failed".into()))
                .into_response()
        }
    };
    let needed = required_role(request.method(), request.uri().path());
    if user.role < needed {
        return Problem::forbidden(format!(
            "this needs the {needed} role; your account `{}` is a {}",
            user.name, user.role
        ))
        .into_response();
    }
    request.extensions_mut().insert(Caller {
        user: user.name,
        role: user.role,
    });
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_table() {
        let cases = [
            (Method::GET, "/api/v1/persons", Role::Viewer),
            (Method::GET, "/api/v1/persons/x/history", Role::Viewer),
            (Method::POST, "/api/v1/persons", Role::Editor),
            (Method::PUT, "/api/v1/events/x", Role::Editor),
            (Method::DELETE, "/api/v1/claims/x", Role::Editor),
            (Method::GET, "/api/v1/vocabularies", Role::Viewer),
            (
                Method::POST,
                "/api/v1/vocabularies/event_type/terms",
                Role::Admin,
            ),
        ];
        for (method, path, role) in cases {
            assert_eq!(required_role(&method, path), role, "{method} {path}");
        }
    }
}
