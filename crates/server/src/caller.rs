//! Who is making a request, as every handler sees it: the account, its
//! role, and what that role may see. [`crate::auth`] makes one for each
//! request and hands it on as a request extension.

use vigil_model::Confidentiality;
use vigil_store::Role;

/// Who is making a request. Anonymous visitors have no role and see the
/// public view only.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    pub user: Option<String>,
    pub role: Option<Role>,
    /// The CSRF token forms must carry: the session's, or the pre-session
    /// cookie's.
    pub csrf: Option<String>,
}

impl Caller {
    /// The most confidential records this caller may see: restricted ones
    /// for editors and administrators, internal ones for viewers, public
    /// ones for everybody else.
    pub fn max_confidentiality(&self) -> Confidentiality {
        self.access().max_confidentiality()
    }

    pub fn may_see(&self, c: Confidentiality) -> bool {
        self.access().may_see(c)
    }

    pub fn has(&self, role: Role) -> bool {
        self.access().has(role)
    }

    /// What the application layer's use cases let this caller see.
    pub fn access(&self) -> vigil_app::Access {
        vigil_app::Access::of(self.role)
    }

    /// The name that goes into a record's history.
    pub fn actor(&self) -> String {
        self.user.clone().unwrap_or_else(|| "anonymous".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidentiality_follows_role() {
        let c = |role| Caller {
            role,
            ..Caller::default()
        };
        assert_eq!(c(None).max_confidentiality(), Confidentiality::Public);
        assert_eq!(
            c(Some(Role::Viewer)).max_confidentiality(),
            Confidentiality::Internal
        );
        assert_eq!(
            c(Some(Role::Editor)).max_confidentiality(),
            Confidentiality::Restricted
        );
    }
}
