//! An in-memory index from match keys to people, with scoring that says
//! why each candidate matched.

use std::collections::HashMap;
use std::hash::Hash;

use crate::{keys, split_aliases, Key, Rule, Space};

/// What is known of a person besides their names, which can raise or lower
/// a match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub birth_year: Option<i32>,
    /// `female`, `male`, ... as the model spells it.
    pub sex: Option<String>,
}

/// Why a candidate matched: the rule, the query's spelling and the
/// candidate's.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub rule: Rule,
    pub query: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Candidate<Id> {
    pub id: Id,
    /// 0 to 1.
    pub score: f32,
    pub reasons: Vec<Reason>,
    /// Facts that disagree (a different birth year), which keep two people
    /// apart however well their names match.
    pub conflicts: Vec<String>,
}

/// How much a shared key says, by the space it meets in.
fn weight(space: Space) -> f32 {
    match space {
        Space::Exact => 1.0,
        Space::Pinyin | Space::Cantonese => 0.9,
        Space::Skeleton => 0.6,
    }
}

/// Birth years further apart than this are two people.
const BIRTH_YEAR_TOLERANCE: i32 = 2;

pub struct NameIndex<Id> {
    people: Vec<(Id, Facts, Vec<String>)>,
    slot_of: HashMap<Id, usize>,
    postings: HashMap<(Space, String), Vec<(u32, u32)>>,
}

impl<Id> Default for NameIndex<Id> {
    fn default() -> Self {
        NameIndex {
            people: Vec::new(),
            slot_of: HashMap::new(),
            postings: HashMap::new(),
        }
    }
}

impl<Id: Clone + Eq + Hash> NameIndex<Id> {
    pub fn len(&self) -> usize {
        self.slot_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slot_of.is_empty()
    }

    /// Adds a person under all their names (aliases in parentheses count as
    /// names of their own). Adding an id again replaces it.
    pub fn insert(&mut self, id: Id, names: &[String], facts: Facts) {
        self.remove(&id);
        let slot = self.people.len() as u32;
        let names: Vec<String> = names.iter().flat_map(|n| split_aliases(n)).collect();
        for (n, name) in names.iter().enumerate() {
            for key in keys(name) {
                let (space, text) = key.index_key();
                let list = self.postings.entry((space, text.to_string())).or_default();
                if list.last() != Some(&(slot, n as u32)) {
                    list.push((slot, n as u32));
                }
            }
        }
        self.slot_of.insert(id.clone(), slot as usize);
        self.people.push((id, facts, names));
    }

    /// An index of many people at once: the way to build one from a whole
    /// store or a benchmark's data set (faster than `insert` one by one).
    pub fn from_people(people: Vec<(Id, Vec<String>, Facts)>) -> Self {
        let mut index = NameIndex::default();
        for (id, names, facts) in people {
            index.insert(id, &names, facts);
        }
        index
    }

    /// Forgets a person. Their postings stay until they are looked up and
    /// found stale, which keeps removal cheap.
    pub fn remove(&mut self, id: &Id) {
        self.slot_of.remove(id);
    }

    /// Candidates for a name, best first, at most `limit`.
    pub fn search(&self, query: &str, facts: &Facts, limit: usize) -> Vec<Candidate<Id>> {
        let mut found: HashMap<u32, Candidate<Id>> = HashMap::new();
        for query_name in split_aliases(query) {
            for key in keys(&query_name) {
                let Some(list) = self.postings.get(&(key.rule.space(), key.text.clone())) else {
                    continue;
                };
                for &(slot, n) in list {
                    let (id, their_facts, names) = &self.people[slot as usize];
                    if self.slot_of.get(id) != Some(&(slot as usize)) {
                        continue;
                    }
                    let candidate = found.entry(slot).or_insert_with(|| Candidate {
                        id: id.clone(),
                        score: 0.0,
                        reasons: Vec::new(),
                        conflicts: conflicts(facts, their_facts),
                    });
                    candidate.score = candidate.score.max(weight(key.rule.space()));
                    let reason = Reason {
                        rule: best_rule(&key, &names[n as usize]),
                        query: query_name.clone(),
                        name: names[n as usize].clone(),
                    };
                    // One reason per name of theirs: the strongest.
                    match candidate.reasons.iter_mut().find(|r| r.name == reason.name) {
                        Some(r) if weight(r.rule.space()) < weight(reason.rule.space()) => {
                            *r = reason
                        }
                        Some(_) => {}
                        None => candidate.reasons.push(reason),
                    }
                }
            }
        }
        let mut candidates: Vec<Candidate<Id>> = found
            .into_values()
            .map(|mut c| {
                // Agreeing facts add a little; a conflict keeps two people apart.
                if c.conflicts.is_empty() {
                    if facts.birth_year.is_some() || facts.sex.is_some() {
                        c.score = (c.score + 0.05).min(1.0);
                    }
                } else {
                    c.score *= 0.3;
                }
                c.reasons.sort_by(|a, b| {
                    weight(b.rule.space())
                        .total_cmp(&weight(a.rule.space()))
                        .then(a.rule.cmp(&b.rule))
                });
                c
            })
            .collect();
        candidates.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(a.reasons.len().cmp(&b.reasons.len()).reverse())
        });
        candidates.truncate(limit);
        candidates
    }
}

/// The most telling rule by which `key` reaches `name`: the name's own
/// rule for the same key (Hong Kong, Wade-Giles) where it has one.
fn best_rule(key: &Key, name: &str) -> Rule {
    keys(name)
        .into_iter()
        .filter(|k| k.index_key() == key.index_key())
        .map(|k| k.rule)
        .chain(std::iter::once(key.rule))
        .max()
        .unwrap_or(key.rule)
}

fn conflicts(a: &Facts, b: &Facts) -> Vec<String> {
    let mut out = Vec::new();
    if let (Some(x), Some(y)) = (a.birth_year, b.birth_year) {
        if (x - y).abs() > BIRTH_YEAR_TOLERANCE {
            out.push(format!("born {x} and {y}"));
        }
    }
    if let (Some(x), Some(y)) = (&a.sex, &b.sex) {
        if x != y && x != "unknown" && y != "unknown" {
            out.push(format!("{x} and {y}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> NameIndex<u32> {
        let mut idx = NameIndex::default();
        let add = |idx: &mut NameIndex<u32>, id, names: &[&str], year| {
            idx.insert(
                id,
                &names.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                Facts {
                    birth_year: year,
                    sex: None,
                },
            )
        };
        add(&mut idx, 1, &["伊力哈木·土赫提", "Ilham Tohti"], Some(1969));
        add(&mut idx, 2, &["黃之鋒（Joshua Wong）"], Some(1996));
        add(&mut idx, 3, &["周庭"], Some(1996));
        add(&mut idx, 4, &["鄒幸彤"], Some(1985));
        add(&mut idx, 5, &["陈卫"], Some(1969));
        add(&mut idx, 6, &["陈卫"], Some(1980));
        idx
    }

    #[test]
    fn finds_one_person_from_any_script_with_a_reason() {
        let idx = index();
        for query in ["ئىلھام توختى", "Илһам Тохти", "Ilham Toxti", "Tohti Ilham"]
        {
            let hits = idx.search(query, &Facts::default(), 5);
            assert_eq!(hits[0].id, 1, "{query}");
            assert!(!hits[0].reasons.is_empty());
        }
        let hits = idx.search("Huang Zhifeng", &Facts::default(), 5);
        assert_eq!(hits[0].id, 2);
        assert_eq!(hits[0].reasons[0].name, "黃之鋒");
        assert_eq!(
            idx.search("Joshua Wong", &Facts::default(), 5)[0].id,
            2,
            "the alias in parentheses is a name"
        );
    }

    #[test]
    fn a_conflicting_birth_year_keeps_namesakes_apart() {
        let idx = index();
        let hits = idx.search(
            "陈卫",
            &Facts {
                birth_year: Some(1969),
                sex: None,
            },
            5,
        );
        assert_eq!(hits[0].id, 5);
        assert!(hits[0].conflicts.is_empty());
        assert_eq!(hits[1].id, 6);
        assert_eq!(hits[1].conflicts, ["born 1969 and 1980"]);
        assert!(hits[1].score < 0.5);
    }

    #[test]
    fn shared_surnames_are_not_matches() {
        let idx = index();
        let hits = idx.search("周庭", &Facts::default(), 5);
        assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![3]);
    }

    #[test]
    fn replacing_a_person_drops_their_old_names() {
        let mut idx = index();
        idx.insert(5, &["Chen Wei".to_string()], Facts::default());
        assert_eq!(idx.len(), 6);
        assert!(idx
            .search("陈卫", &Facts::default(), 5)
            .iter()
            .all(|h| h.id != 5 || h.reasons[0].name == "Chen Wei"));
    }
}
