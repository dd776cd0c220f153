//! Duplicate people: finding likely pairs, for `vigil duplicates scan`
//! and the review queue. The decisions themselves, their graph and its
//! rules live in the store (`vigil_store::identity`).

use std::collections::HashMap;

use vigil_model::{Body, Kind, Person, RecordId};
use vigil_names::Facts;
use vigil_store::identity::ordered;
use vigil_store::{CandidatePair, MatchReason, Store, StoreError};

use crate::{Access, PersonIndex};

/// The least score a pair needs to be kept as a likely duplicate.
pub const MIN_SCORE: f64 = 0.6;

/// How many candidates to look at per name of a person.
const PER_NAME: usize = 20;

/// What a person's record says besides names, as the matcher takes it.
pub fn facts_of(p: &Person) -> Facts {
    Facts {
        birth_year: p.birth_year(),
        sex: p.sex.as_ref().map(vigil_model::code),
        place: p.place.as_deref().and_then(vigil_names::place_key),
    }
}

/// Looks up every person's names (with their birth year and sex) in the
/// name index and keeps the pairs scoring [`MIN_SCORE`] or more, each
/// once (smaller id first), with why they matched and what disagrees.
/// Best first. Sees every record: the queue is for editors.
pub fn scan(store: &dyn Store) -> Result<Vec<CandidatePair>, StoreError> {
    let index = PersonIndex::build(store)?;
    let mut people: Vec<(RecordId, Person)> = Vec::new();
    store.export(&[Kind::Person], &mut |record| {
        if let Body::Person(p) = record.body {
            people.push((record.id, p));
        }
        Ok(())
    })?;
    let mut found: HashMap<(RecordId, RecordId), CandidatePair> = HashMap::new();
    for (id, person) in &people {
        let facts = facts_of(person);
        for name in &person.names {
            for hit in index.search(store, &name.text, &facts, Access::OPERATOR, PER_NAME)? {
                let score = f64::from(hit.score);
                if hit.id == *id || score < MIN_SCORE {
                    continue;
                }
                let (a, b) = ordered(*id, hit.id);
                let pair = found.entry((a, b)).or_insert_with(|| CandidatePair {
                    a,
                    b,
                    score,
                    reasons: Vec::new(),
                    conflicts: hit.conflicts.clone(),
                });
                if score > pair.score {
                    pair.score = score;
                    pair.conflicts = hit.conflicts.clone();
                }
                for r in &hit.reasons {
                    let reason = MatchReason {
                        rule: format!("{:?}", r.rule),
                        from: r.query.clone(),
                        to: r.name.clone(),
                        explanation: r.explanation(),
                    };
                    // Each meeting of two names once, in whichever direction.
                    let known = pair.reasons.iter().any(|k| {
                        (k.from == reason.from && k.to == reason.to)
                            || (k.from == reason.to && k.to == reason.from)
                    });
                    if !known {
                        pair.reasons.push(reason);
                    }
                }
            }
        }
    }
    let mut pairs: Vec<CandidatePair> = found.into_values().collect();
    // Scores are rounded so that both directions of a pair agree.
    for p in &mut pairs {
        p.score = (p.score * 1000.0).round() / 1000.0;
    }
    pairs.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then((x.a, x.b).cmp(&(y.a, y.b)))
    });
    Ok(pairs)
}
