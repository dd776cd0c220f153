//! Finding people by name in any script: the name index over the store's
//! persons, and merged records folded into one candidate.
//!
//! The store keeps every person's match keys, written in the same
//! transaction as the person (`ChangeFeeds::name_keys_since`). The index
//! here is built from them once and then follows the store: before each
//! search it applies what was written since, whichever process wrote it,
//! so a search never misses a write that has returned.

use std::sync::{Mutex, RwLock};

use vigil_model::{Body, Confidentiality, Kind, RecordId};
use vigil_names::{explain, Candidate, Entry, Facts, NameIndex};
use vigil_store::{NameKeysEntry, Store, StoreError};

use crate::Access;

/// Who may see a person, packed into the index's per-person tag:
/// confidentiality rank in the low bits, "protected" above.
fn tag_of(confidentiality: Confidentiality, protected: bool) -> u8 {
    confidentiality.rank() | (u8::from(protected) << 2)
}

fn visible_to(tag: u8, access: Access) -> bool {
    access.may_see_person(Confidentiality::from_rank(i64::from(tag & 3)), tag & 4 != 0)
}

struct Followed {
    /// The store's change number this index has applied up to.
    applied: u64,
    index: NameIndex<RecordId, u8>,
}

pub struct PersonIndex {
    followed: RwLock<Followed>,
    /// One catch-up at a time.
    catching_up: Mutex<()>,
}

fn entry(e: NameKeysEntry) -> Entry<RecordId, u8> {
    Entry {
        id: e.person,
        keys: e.keys.unwrap_or_default(),
        facts: Facts {
            birth_year: e.birth_year,
            sex: e.sex,
            place: e.place,
        },
        tag: tag_of(e.confidentiality, e.protected),
    }
}

impl PersonIndex {
    /// Reads every person's keys from the store into a new index.
    pub fn build(store: &dyn Store) -> Result<PersonIndex, StoreError> {
        let mut entries = Vec::new();
        let applied = store.name_keys_since(0, &mut |e| entries.push(entry(e)))?;
        Ok(PersonIndex {
            followed: RwLock::new(Followed {
                applied,
                index: NameIndex::from_encoded(entries),
            }),
            catching_up: Mutex::new(()),
        })
    }

    /// Applies what the store wrote since the last call.
    pub fn catch_up(&self, store: &dyn Store) -> Result<(), StoreError> {
        let _only_one = self.catching_up.lock().expect("name index poisoned");
        let after = self.followed.read().expect("name index poisoned").applied;
        let mut entries = Vec::new();
        let applied = store.name_keys_since(after, &mut |e| entries.push(entry(e)))?;
        if entries.is_empty() {
            return Ok(());
        }
        let mut followed = self.followed.write().expect("name index poisoned");
        for e in entries {
            followed.index.insert_encoded(e.id, &e.keys, e.facts, e.tag);
        }
        followed.applied = applied;
        Ok(())
    }

    /// Candidates the caller may see (within their confidentiality level,
    /// and not people who asked for protection unless they are editors),
    /// each with the reasons it matched.
    pub fn search(
        &self,
        store: &dyn Store,
        name: &str,
        facts: &Facts,
        access: Access,
        limit: usize,
    ) -> Result<Vec<Candidate<RecordId, u8>>, StoreError> {
        let mut hits = {
            let followed = self.followed.read().expect("name index poisoned");
            followed.index.search(name, facts, limit * 4 + 20)
        };
        hits.retain(|c| visible_to(c.tag, access));
        hits.truncate(limit);
        for hit in &mut hits {
            if let Some(record) = store.get(Kind::Person, hit.id)? {
                if let Body::Person(p) = &record.body {
                    let names: Vec<String> = p.names.iter().map(|n| n.text.clone()).collect();
                    hit.reasons = explain(name, &names);
                }
            }
        }
        // A key hash that met by chance explains nothing: drop it.
        hits.retain(|c| !c.reasons.is_empty());
        Ok(hits)
    }
}

// ---------------------------------------------------------------------------
// Merged records (identity decisions, see `crate::duplicates`): the records
// of one person, merged, are one candidate.

/// Folds candidates that are records of one merged person into one
/// candidate for the cluster's canonical record (`clusters`: member →
/// canonical, from `Store::clusters`), keeping the best score and every
/// reason, in the order of the best. A canonical record `visible` refuses
/// (the caller may not see it) leaves its members as they are.
pub fn fold_clusters<T>(
    hits: Vec<Candidate<RecordId, T>>,
    clusters: &std::collections::HashMap<RecordId, RecordId>,
    visible: impl Fn(RecordId) -> bool,
) -> Vec<Candidate<RecordId, T>> {
    let mut out: Vec<Candidate<RecordId, T>> = Vec::with_capacity(hits.len());
    for mut hit in hits {
        if let Some(&canonical) = clusters.get(&hit.id) {
            if canonical != hit.id && visible(canonical) {
                hit.id = canonical;
            }
        }
        match out.iter_mut().find(|c| c.id == hit.id) {
            // Hits come best first: the earlier one keeps its score and
            // conflicts, and gains the other's reasons.
            Some(first) => {
                for r in hit.reasons {
                    if !first.reasons.contains(&r) {
                        first.reasons.push(r);
                    }
                }
            }
            None => out.push(hit),
        }
    }
    out
}

/// [`fold_clusters`] with the store's clusters, for a caller: a canonical
/// record is only named if the caller may see it.
pub fn fold_for(
    store: &dyn Store,
    access: Access,
    hits: Vec<Candidate<RecordId, u8>>,
) -> Result<Vec<Candidate<RecordId, u8>>, StoreError> {
    let clusters = store.clusters()?;
    if clusters.is_empty() || hits.iter().all(|h| !clusters.contains_key(&h.id)) {
        return Ok(hits);
    }
    let mut visible = std::collections::HashMap::new();
    for hit in &hits {
        if let Some(&c) = clusters.get(&hit.id) {
            let seen = store.get(Kind::Person, c)?.is_some_and(|r| match &r.body {
                Body::Person(p) => access.may_see_person(p.confidentiality, p.protected),
                _ => false,
            });
            visible.insert(c, seen);
        }
    }
    Ok(fold_clusters(hits, &clusters, |c| {
        visible.get(&c).copied().unwrap_or(false)
    }))
}
