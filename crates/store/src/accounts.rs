use std::fmt;
use std::str::FromStr;

use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What an account may do. Ordered: each role can do what the ones before
/// it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads public and internal records.
    Viewer,
    /// Also reads restricted records and writes records.
    Editor,
    /// Also manages accounts, tokens and vocabularies.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "viewer" => Ok(Role::Viewer),
            "editor" => Ok(Role::Editor),
            "admin" => Ok(Role::Admin),
            other => Err(format!(
                "unknown role {other:?}: expected admin, editor or viewer"
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    pub name: String,
    pub role: Role,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct TokenInfo {
    pub user: String,
}

const TOKEN_PREFIX: &str = "vigil_";

/// A new bearer token: 32 random bytes from a CSPRNG seeded by the OS, hex-encoded
/// behind a prefix that secret scanners can recognise.
pub(crate) fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

/// Tokens are stored only as SHA-256 digests: a stolen database does not
/// yield working tokens. A plain hash (not argon2) is right here because the
/// token has 256 bits of entropy; nothing can be guessed.
pub(crate) fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_only_their_digest_is_kept() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert!(a.starts_with(TOKEN_PREFIX) && a.len() == TOKEN_PREFIX.len() + 64);
        assert_eq!(token_digest(&a), token_digest(&a));
        assert!(!token_digest(&a).contains(&a[TOKEN_PREFIX.len()..]));
    }

    #[test]
    fn roles_are_ordered_by_power() {
        assert!(Role::Viewer < Role::Editor && Role::Editor < Role::Admin);
        assert_eq!("ADMIN".parse::<Role>().unwrap(), Role::Admin);
        assert!("root".parse::<Role>().is_err());
    }
}
