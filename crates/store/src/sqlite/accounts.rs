//! Accounts, sessions and API tokens.

use rusqlite::{params, OptionalExtension};
use vigil_model::{rfc3339, ValidationErrors};

use super::{now, parse_time, SqliteStore};
use crate::accounts::{
    hash_password, new_secret, new_token, token_digest, verify_password, MIN_PASSWORD_CHARS,
};
use crate::{Accounts, Role, Session, StoreError, User};

impl Accounts for SqliteStore {
    fn create_user(&self, name: &str, role: Role) -> Result<User, StoreError> {
        let name = name.trim();
        if name.is_empty()
            || name.len() > 64
            || name.chars().any(|c| c.is_control() || c.is_whitespace())
        {
            return Err(StoreError::Invalid(ValidationErrors::single(
                "/name",
                "a user name is 1 to 64 characters without spaces",
            )));
        }
        let created_at = now();
        self.write(|tx| {
            let inserted = tx.execute(
                "INSERT OR IGNORE INTO users (name, role, created_at) VALUES (?1, ?2, ?3)",
                params![name, role.as_str(), rfc3339(created_at)],
            )?;
            if inserted == 0 {
                return Err(StoreError::Duplicate(format!(
                    "a user named {name:?} already exists"
                )));
            }
            Ok(())
        })?;
        Ok(User {
            name: name.to_string(),
            role,
            created_at,
        })
    }

    fn user(&self, name: &str) -> Result<Option<User>, StoreError> {
        self.read(|conn| {
            conn.prepare_cached("SELECT name, role, created_at FROM users WHERE name = ?1")?
                .query_row([name], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                })
                .optional()?
                .map(user_from_row)
                .transpose()
        })
    }

    fn users(&self) -> Result<Vec<User>, StoreError> {
        self.read(|conn| {
            let mut stmt =
                conn.prepare_cached("SELECT name, role, created_at FROM users ORDER BY name")?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(user_from_row).collect()
        })
    }

    fn create_token(&self, user: &str) -> Result<String, StoreError> {
        let token = new_token();
        self.write(|tx| {
            let exists = tx
                .prepare_cached("SELECT 1 FROM users WHERE name = ?1")?
                .exists([user])?;
            if !exists {
                return Err(StoreError::Invalid(ValidationErrors::single(
                    "/user",
                    format!("there is no user named {user:?}"),
                )));
            }
            tx.execute(
                "INSERT INTO tokens (digest, user_name, created_at) VALUES (?1, ?2, ?3)",
                params![token_digest(&token), user, rfc3339(now())],
            )?;
            Ok(())
        })?;
        Ok(token)
    }

    fn authenticate(&self, token: &str) -> Result<Option<User>, StoreError> {
        let digest = token_digest(token.trim());
        self.read(|conn| {
            conn.prepare_cached(
                "SELECT u.name, u.role, u.created_at FROM tokens t JOIN users u ON u.name = t.user_name WHERE t.digest = ?1",
            )?
            .query_row([digest], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?
            .map(user_from_row)
            .transpose()
        })
    }
    fn set_password(&self, user: &str, password: &str) -> Result<(), StoreError> {
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(StoreError::Invalid(ValidationErrors::single(
                "/password",
                format!("a password has at least {MIN_PASSWORD_CHARS} characters; a few words make a good one"),
            )));
        }
        let hash = hash_password(password).map_err(StoreError::Corrupt)?;
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE users SET password_hash = ?2 WHERE name = ?1",
                params![user, hash],
            )?;
            if n == 0 {
                return Err(StoreError::Invalid(ValidationErrors::single(
                    "/user",
                    format!("there is no user named {user:?}"),
                )));
            }
            Ok(())
        })
    }

    fn check_password(&self, user: &str, password: &str) -> Result<Option<User>, StoreError> {
        let hash = self.password_hash(user)?;
        if verify_password(password, hash.as_deref()) {
            self.user(user)
        } else {
            Ok(None)
        }
    }

    fn create_session(&self, user: &str, lifetime: time::Duration) -> Result<Session, StoreError> {
        let session = Session {
            token: new_secret(),
            csrf: new_secret(),
            expires_at: now() + lifetime,
        };
        self.write(|tx| {
            // Expired sessions are dropped whenever a new one starts.
            tx.execute("DELETE FROM sessions WHERE expires_at < ?1", [rfc3339(now())])?;
            tx.execute(
                "INSERT INTO sessions (digest, user_name, csrf, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![token_digest(&session.token), user, session.csrf, rfc3339(now()), rfc3339(session.expires_at)],
            )?;
            Ok(())
        })?;
        Ok(session)
    }

    fn session(&self, token: &str) -> Result<Option<(User, String)>, StoreError> {
        let digest = token_digest(token);
        self.read(|conn| {
            let row = conn
                .prepare_cached(
                    "SELECT u.name, u.role, u.created_at, s.csrf FROM sessions s JOIN users u ON u.name = s.user_name
                     WHERE s.digest = ?1 AND s.expires_at > ?2",
                )?
                .query_row(params![digest, rfc3339(now())], |r| {
                    Ok(((r.get(0)?, r.get(1)?, r.get(2)?), r.get::<_, String>(3)?))
                })
                .optional()?;
            row.map(|(user, csrf)| Ok((user_from_row(user)?, csrf))).transpose()
        })
    }

    fn delete_session(&self, token: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM sessions WHERE digest = ?1",
                [token_digest(token)],
            )?;
            Ok(())
        })
    }
}

impl SqliteStore {
    fn password_hash(&self, user: &str) -> Result<Option<String>, StoreError> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached("SELECT password_hash FROM users WHERE name = ?1")?
                .query_row([user], |r| r.get::<_, Option<String>>(0))
                .optional()?
                .flatten())
        })
    }
}

fn user_from_row((name, role, created_at): (String, String, String)) -> Result<User, StoreError> {
    Ok(User {
        name,
        role: role.parse().map_err(StoreError::Corrupt)?,
        created_at: parse_time(&created_at)?,
    })
}
