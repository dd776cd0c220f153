use std::fmt;

use serde::Serialize;

/// One thing wrong with one field, located by an RFC 6901 JSON pointer
/// into the submitted document (`/names/2/text`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub pointer: String,
    pub detail: String,
}

/// Every problem found in a record, so that a user fixes them all at once
/// instead of one per round trip.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    pub fn push(&mut self, pointer: impl Into<String>, detail: impl Into<String>) {
        self.0.push(FieldError {
            pointer: pointer.into(),
            detail: detail.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }

    pub fn single(pointer: impl Into<String>, detail: impl Into<String>) -> Self {
        let mut e = Self::default();
        e.push(pointer, detail);
        e
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            let at = if e.pointer.is_empty() {
                "/"
            } else {
                &e.pointer
            };
            write!(f, "{at}: {}", e.detail)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// Escapes a key for use in a JSON pointer (RFC 6901 section 4).
pub(crate) fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
