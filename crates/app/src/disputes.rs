//! Disputes: the claims about one subject side by side, and every subject
//! on which sources contradict each other. Which claims contradict is the
//! model's rule (`vigil_model::dispute`); this module gathers what the
//! caller may see.

use std::collections::HashMap;

use vigil_model::dispute::{disputes, Dispute, Subject};
use vigil_model::{Body, Claim, Kind, Record, RecordId, Source, Stance};
use vigil_store::{Store, StoreError};

use crate::Access;

/// Every claim the caller may see, with its id.
pub fn visible_claims(
    store: &dyn Store,
    access: Access,
) -> Result<Vec<(RecordId, Claim)>, StoreError> {
    let mut claims = Vec::new();
    store.export(&[Kind::Claim], &mut |record| {
        if let Body::Claim(c) = record.body {
            if access.may_see(c.confidentiality) {
                claims.push((record.id, c));
            }
        }
        Ok(())
    })?;
    Ok(claims)
}

/// The disputed subjects among what the caller may see.
pub fn disputed(store: &dyn Store, access: Access) -> Result<Vec<Dispute>, StoreError> {
    let claims = visible_claims(store, access)?;
    let refs: Vec<(RecordId, &Claim)> = claims.iter().map(|(id, c)| (*id, c)).collect();
    Ok(disputes(&refs))
}

/// One claim about a subject, with what a reader needs to weigh it.
pub struct Weighed {
    pub id: RecordId,
    pub claim: Claim,
    /// The source record, if the caller may see it.
    pub source: Option<(Record, Source)>,
}

/// The claims about `subject` the caller may see, asserting then denying,
/// each group best graded first.
pub fn claims_about(
    store: &dyn Store,
    access: Access,
    subject: &Subject,
) -> Result<(Vec<Weighed>, Vec<Weighed>), StoreError> {
    let mut sources: HashMap<RecordId, Option<(Record, Source)>> = HashMap::new();
    let (mut asserting, mut denying) = (Vec::new(), Vec::new());
    for (id, claim) in visible_claims(store, access)? {
        if Subject::of(&claim).as_ref() != Some(subject) {
            continue;
        }
        let source = match sources.get(&claim.source) {
            Some(s) => s.clone(),
            None => {
                let s = store
                    .get(Kind::Source, claim.source)?
                    .filter(|r| access.may_see(r.body.confidentiality()))
                    .and_then(|r| match &r.body {
                        Body::Source(s) => Some((r.clone(), s.clone())),
                        _ => None,
                    });
                sources.insert(claim.source, s.clone());
                s
            }
        };
        let weighed = Weighed { id, claim, source };
        match weighed.claim.stance {
            Stance::Asserts => asserting.push(weighed),
            Stance::Denies => denying.push(weighed),
        }
    }
    for group in [&mut asserting, &mut denying] {
        group.sort_by_key(|w| (w.claim.credibility, w.id));
    }
    Ok((asserting, denying))
}
