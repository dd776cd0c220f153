//! What a caller may see. The role decides it: it caps the confidentiality
//! levels a caller sees, and only editors and administrators see who a
//! protected person is.

use vigil_model::Confidentiality;
use vigil_store::Role;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Access {
    role: Option<Role>,
}

impl Access {
    /// Somebody not signed in: the public view only.
    pub const PUBLIC: Access = Access { role: None };

    /// Whoever runs the CLI on the data directory: they can read the
    /// database file anyway.
    pub const OPERATOR: Access = Access {
        role: Some(Role::Admin),
    };

    pub fn of(role: Option<Role>) -> Access {
        Access { role }
    }

    /// The most confidential records this caller may see: restricted ones
    /// for editors and administrators, internal ones for viewers, public
    /// ones for everybody else.
    pub fn max_confidentiality(self) -> Confidentiality {
        match self.role {
            Some(r) if r >= Role::Editor => Confidentiality::Restricted,
            Some(_) => Confidentiality::Internal,
            None => Confidentiality::Public,
        }
    }

    pub fn may_see(self, c: Confidentiality) -> bool {
        c <= self.max_confidentiality()
    }

    pub fn has(self, role: Role) -> bool {
        self.role.is_some_and(|r| r >= role)
    }

    /// Whether this caller may see a person at `confidentiality` who is
    /// (or is not) `protected`: people who asked for protection are for
    /// editors only, whatever their level.
    pub fn may_see_person(self, confidentiality: Confidentiality, protected: bool) -> bool {
        self.may_see(confidentiality) && (!protected || self.has(Role::Editor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_see_up_to_their_level_and_only_editors_see_protected_people() {
        let viewer = Access::of(Some(Role::Viewer));
        let editor = Access::of(Some(Role::Editor));
        assert!(Access::PUBLIC.may_see(Confidentiality::Public));
        assert!(!Access::PUBLIC.may_see(Confidentiality::Internal));
        assert!(viewer.may_see(Confidentiality::Internal));
        assert!(!viewer.may_see(Confidentiality::Restricted));
        assert!(editor.may_see(Confidentiality::Restricted));
        assert!(!viewer.may_see_person(Confidentiality::Public, true));
        assert!(editor.may_see_person(Confidentiality::Public, true));
        assert!(Access::OPERATOR.has(Role::Admin));
    }
}
