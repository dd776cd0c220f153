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

/// A browser session, as created at login.
#[derive(Debug, Clone)]
pub struct Session {
    /// The cookie value; only its digest is stored.
    pub token: String,
    /// The token every form of this session must carry.
    pub csrf: String,
    pub expires_at: time::OffsetDateTime,
}

/// Shortest password accepted: passphrases, not `Passw0rd!`.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Hashes a password with argon2id and a random salt, in the PHC string
/// format (which records the parameters, so they can be raised later).
pub(crate) fn hash_password(password: &str) -> Result<String, String> {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    let salt = SaltString::generate(&mut OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Checks a password against a stored hash. With no hash (no such user, or
/// no password set) it still spends the time of one check, so that timing
/// does not tell which accounts exist.
pub(crate) fn verify_password(password: &str, stored: Option<&str>) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY
        .get_or_init(|| hash_password("not a real password, only spends time").unwrap_or_default());
    let (hash, real) = match stored {
        Some(h) => (h, true),
        None => (dummy.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    argon2::Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
        && real
}

/// A new secret of 32 random bytes, hex-encoded, for sessions and CSRF.
pub(crate) fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

const TOKEN_PREFIX: &str = "vigil_";

/// A new bearer token: 32 random bytes from a CSPRNG seeded by the OS, hex-encoded
/// behind a prefix that secret scanners can recognise.
pub(crate) fn new_token() -> String {
    format!("{TOKEN_PREFIX}{}", new_secret())
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
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse battery staple").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery staple", Some(&hash)));
        assert!(!verify_password(
            "correct horse battery stapler",
            Some(&hash)
        ));
        assert!(!verify_password(
            "not a real password, only spends time",
            None
        ));
        assert_ne!(
            hash,
            hash_password("correct horse battery staple").unwrap(),
            "salted"
        );
    }

    #[test]
    fn roles_are_ordered_by_power() {
        assert!(Role::Viewer < Role::Editor && Role::Editor < Role::Admin);
        assert_eq!("ADMIN".parse::<Role>().unwrap(), Role::Admin);
        assert!("root".parse::<Role>().is_err());
    }
}
