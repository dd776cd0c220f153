//! An index from match keys to people, compact enough for ten million of
//! them, with scores and explanations of why each candidate matched.
//!
//! A person's keys (see [`keys`]) are hashed to 64 bits with their space
//! and kept in a sorted array of `(hash, slot)`: twelve bytes a key, found
//! by binary search. People added after the array was built go to a small
//! hash map that is folded into the array when it grows. A lookup never
//! needs the names themselves; [`explain`] recomputes the reasons from the
//! names of the few candidates shown, which the caller fetches from
//! wherever it keeps them.
//!
//! Typing errors are met at the token level: every token of four letters
//! or more is kept in a vocabulary with its one-letter deletions
//! (SymSpell), so a query token one edit away from a known token (a letter
//! added, dropped, changed or two swapped) is tried in its place. That
//! costs a few lookups per token, and is only done when exact keys found
//! fewer candidates than asked for.

use std::collections::HashMap;
use std::hash::Hash;
use std::rc::Rc;

use crate::{keys, split_aliases, Key, Rule, Space};

/// What is known of a person besides their names, which can raise or lower
/// a match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub birth_year: Option<i32>,
    /// `female`, `male`, ... as the model spells it.
    pub sex: Option<String>,
    /// Where the person lives or comes from, as its [`place_key`].
    pub place: Option<String>,
}

/// The key under which spellings of one place meet (遂宁 and Suining):
/// its pinyin reading where it has one, else its Uyghur skeleton, else its
/// normalised text. One key, not a bag: a place written in two systems
/// that do not meet (喀什 and Kashgar) counts as another place, which only
/// keeps two records from an automatic merge.
pub fn place_key(place: &str) -> Option<String> {
    let keys = keys(place);
    [Space::Pinyin, Space::Skeleton, Space::Exact]
        .into_iter()
        .find_map(|space| {
            keys.iter()
                .filter(|k| k.rule.space() == space && k.rule != Rule::EnglishName)
                .map(|k| format!("{}{}", space_code(space), k.text))
                .min()
        })
}

/// Why a candidate matched: the rule, the query's spelling and the
/// candidate's.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub rule: Rule,
    pub query: String,
    pub name: String,
    /// Where the match needed one edit: the query's token and theirs.
    pub edit: Option<(String, String)>,
}

impl Reason {
    /// One line for people: "WONG Chi-fung → 黃之鋒: Hong Kong (Cantonese)
    /// romanisation".
    pub fn explanation(&self) -> String {
        match &self.edit {
            None => format!("{} → {}: {}", self.query, self.name, self.rule.describe()),
            Some((ours, theirs)) => format!(
                "{} → {}: {}, with one letter different ({ours} / {theirs})",
                self.query,
                self.name,
                self.rule.describe()
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Candidate<Id, Tag = ()> {
    pub id: Id,
    /// 0 to 1.
    pub score: f32,
    /// Filled by [`explain`]: [`NameIndex::search`] keeps no names.
    pub reasons: Vec<Reason>,
    /// Facts that disagree (a different birth year), which keep two people
    /// apart however well their names match.
    pub conflicts: Vec<String>,
    /// What the caller stored beside the person (who may see them, say).
    pub tag: Tag,
}

/// How much a shared key says, by the space it meets in.
fn weight(space: Space) -> f32 {
    match space {
        Space::Exact => 1.0,
        Space::Pinyin => 0.9,
        // A Latin name that reads as Mandarin and as Cantonese is more
        // often the Mandarin: where both meet, the pinyin reading ranks first.
        Space::Cantonese => 0.88,
        Space::Skeleton => 0.6,
        // A Uyghur name spelled alike (only vowels and the spellings'
        // habits folded) says more than its consonants, and more than an
        // exact spelling one letter away (Turğun is Turghun, not Tursun);
        // with agreeing facts (+0.05) it still stays below an automatic
        // merge: hundreds of people share a common Uyghur name.
        Space::Spelling => 0.82,
        // Refinements rank, they do not score (see `Space::refines`).
        Space::Ordered | Space::Toned => 0.0,
    }
}

/// A key met only through one edit says less: never enough, even with an
/// agreeing birth year, to reach an automatic merge (0.9).
const EDITED: f32 = 0.8;

/// A key shared by more people than this is skipped when stronger keys
/// have already found enough candidates: it says little about anyone.
const CROWD: usize = 20_000;

/// Birth years further apart than this are two people.
const BIRTH_YEAR_TOLERANCE: i32 = 2;

/// Tokens shorter than this are not searched with an edit: "li" is one
/// edit from a dozen other syllables.
const MIN_EDIT_CHARS: usize = 3;

fn space_code(space: Space) -> char {
    match space {
        Space::Exact => 'E',
        Space::Pinyin => 'P',
        Space::Cantonese => 'C',
        Space::Skeleton => 'S',
        Space::Ordered => 'O',
        Space::Toned => 'T',
        Space::Spelling => 'U',
    }
}

fn space_of(code: char) -> Option<Space> {
    Some(match code {
        'E' => Space::Exact,
        'P' => Space::Pinyin,
        'C' => Space::Cantonese,
        'S' => Space::Skeleton,
        'O' => Space::Ordered,
        'T' => Space::Toned,
        'U' => Space::Spelling,
        _ => return None,
    })
}

/// The hash a place key is kept as; never 0, which stands for none.
fn place_hash(key: &str) -> u32 {
    (hash(Space::Exact, key) as u32).max(1)
}

fn place_conflict(facts: &Facts, theirs: Packed) -> Option<String> {
    let ours = place_hash(facts.place.as_deref()?);
    let theirs = { theirs.place };
    (theirs != 0 && theirs != ours).then(|| "different places".to_string())
}

fn same_place(facts: &Facts, theirs: Packed) -> bool {
    let theirs = { theirs.place };
    theirs != 0 && facts.place.as_deref().map(place_hash) == Some(theirs)
}

/// FNV-1a: keys are short, and the hash must be the same in every process
/// that reads a stored index.
fn hash(space: Space, text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in std::iter::once(space_code(space) as u8).chain(text.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The keys of all of a person's names (aliases in parentheses split off),
/// one per line as `<space code><text>`, deduplicated: what a store keeps
/// so that an index can be rebuilt without recomputing readings.
pub fn encode_keys(names: &[String]) -> String {
    let per_name: Vec<Rc<Vec<String>>> = names
        .iter()
        .flat_map(|n| split_aliases(n))
        .map(|n| encoded_keys_of(&n))
        .collect();
    let mut lines: Vec<&str> = per_name
        .iter()
        .flat_map(|keys| keys.iter().map(String::as_str))
        .collect();
    lines.sort_unstable();
    lines.dedup();
    lines.join("\n")
}

/// The encoded keys of one name. Names in Chinese characters repeat
/// (thousands of 王伟 in a list of millions) and are the dearest to read
/// (every pinyin and Cantonese reading), so they are remembered per
/// thread; a Latin spelling is cheaper to read again than to remember.
fn encoded_keys_of(name: &str) -> Rc<Vec<String>> {
    fn encoded(name: &str) -> Vec<String> {
        keys(name)
            .into_iter()
            .map(|k| {
                let mut line = String::with_capacity(k.text.len() + 1);
                line.push(space_code(k.rule.space()));
                line.push_str(&k.text);
                line
            })
            .collect()
    }
    if name.is_ascii() {
        return Rc::new(encoded(name));
    }
    crate::memo_table!(ENCODED: Vec<String>);
    crate::memo(&ENCODED, name, encoded)
}

fn decode_keys(encoded: &str) -> impl Iterator<Item = (Space, &str)> {
    encoded.lines().filter_map(|line| {
        let mut chars = line.chars();
        let space = space_of(chars.next()?)?;
        Some((space, chars.as_str()))
    })
}

/// Facts packed small: ten million people must fit in memory.
#[derive(Clone, Copy)]
#[repr(C, packed)]
struct Packed {
    birth_year: i16,
    sex: u8,
    /// A hash of the place key; 0: none.
    place: u32,
}

const NO_YEAR: i16 = i16::MIN;

/// Postings gathered for a build, in buckets by their hash's top bits, so
/// that each bucket is sorted and moved into the index's arrays on its
/// own: a build needs 16 bytes a posting at its peak, not the 28 of one
/// sorted array copied into two.
struct Postings {
    buckets: Vec<Vec<(u64, u32)>>,
}

impl Postings {
    const BUCKET_BITS: u32 = 6;

    fn new() -> Self {
        Postings {
            buckets: (0..1 << Self::BUCKET_BITS).map(|_| Vec::new()).collect(),
        }
    }

    fn push(&mut self, hash: u64, slot: u32) {
        self.buckets[(hash >> (64 - Self::BUCKET_BITS)) as usize].push((hash, slot));
    }

    /// Hashes and slots, sorted by hash, without duplicates.
    fn into_arrays(self) -> (Vec<u64>, Vec<u32>) {
        let total = self.buckets.iter().map(Vec::len).sum();
        let mut hashes = Vec::with_capacity(total);
        let mut slots = Vec::with_capacity(total);
        for mut bucket in self.buckets {
            bucket.sort_unstable();
            bucket.dedup();
            for (h, s) in bucket {
                hashes.push(h);
                slots.push(s);
            }
        }
        (hashes, slots)
    }
}

/// Token vocabulary for edits: every token of `MIN_EDIT_CHARS` or more,
/// found by its one-letter deletions.
#[derive(Default)]
struct Vocabulary {
    tokens: Vec<(Space, Box<str>)>,
    id_of: HashMap<u64, u32>,
    by_deletion: HashMap<u64, Vec<u32>>,
}

impl Vocabulary {
    /// The tokens of a key; a refinement's are never searched with edits.
    fn add_key(&mut self, space: Space, text: &str) {
        if !space.refines() {
            for token in text.split(' ') {
                self.add(space, token);
            }
        }
    }

    fn add(&mut self, space: Space, token: &str) {
        if token.chars().count() < MIN_EDIT_CHARS {
            return;
        }
        let h = hash(space, token);
        if self.id_of.contains_key(&h) {
            return;
        }
        let id = self.tokens.len() as u32;
        self.tokens.push((space, token.into()));
        self.id_of.insert(h, id);
        for variant in deletions(token) {
            self.by_deletion
                .entry(hash(space, &variant))
                .or_default()
                .push(id);
        }
    }

    /// Known tokens one edit (insertion, deletion, substitution or swap of
    /// neighbours) from `token`, not `token` itself.
    fn neighbours(&self, space: Space, token: &str) -> Vec<&str> {
        if token.chars().count() < MIN_EDIT_CHARS {
            return Vec::new();
        }
        let mut ids: Vec<u32> = Vec::new();
        let probes = std::iter::once(token.to_string()).chain(deletions(token));
        for probe in probes {
            let h = hash(space, &probe);
            ids.extend(self.by_deletion.get(&h).into_iter().flatten());
            ids.extend(self.id_of.get(&h));
        }
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
            .map(|id| &self.tokens[id as usize])
            .filter(|(s, t)| *s == space && &**t != token && one_edit_apart(token, t))
            .map(|(_, t)| &**t)
            .collect()
    }
}

fn deletions(token: &str) -> impl Iterator<Item = String> + '_ {
    token.char_indices().map(move |(i, c)| {
        let mut s = String::with_capacity(token.len());
        s.push_str(&token[..i]);
        s.push_str(&token[i + c.len_utf8()..]);
        s
    })
}

/// Damerau-Levenshtein distance of at most one.
fn one_edit_apart(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ra, rb) = (a.len() - prefix - suffix, b.len() - prefix - suffix);
    match (ra, rb) {
        (0, 0) | (1, 0) | (0, 1) | (1, 1) => true,
        (2, 2) => a[prefix] == b[prefix + 1] && a[prefix + 1] == b[prefix],
        _ => false,
    }
}

/// The same key with token `i` replaced, tokens sorted again.
fn with_token(text: &str, i: usize, token: &str) -> String {
    let mut tokens: Vec<&str> = text.split(' ').collect();
    tokens[i] = token;
    tokens.sort_unstable();
    tokens.join(" ")
}

pub struct NameIndex<Id, Tag = ()> {
    ids: Vec<Id>,
    facts: Vec<Packed>,
    tags: Vec<Tag>,
    /// Where each live person is; a slot not found here is a replaced or
    /// removed person whose postings are skipped.
    slot_of: HashMap<Id, u32>,
    /// Postings, sorted by key hash.
    hashes: Vec<u64>,
    slots: Vec<u32>,
    /// Postings added since the sorted array was built.
    recent: HashMap<u64, Vec<u32>>,
    recent_postings: usize,
    vocabulary: Vocabulary,
    /// Sex spellings, so that a person's sex fits in a byte (0: none).
    sexes: Vec<String>,
}

impl<Id, Tag> Default for NameIndex<Id, Tag> {
    fn default() -> Self {
        NameIndex {
            ids: Vec::new(),
            facts: Vec::new(),
            tags: Vec::new(),
            slot_of: HashMap::new(),
            hashes: Vec::new(),
            slots: Vec::new(),
            recent: HashMap::new(),
            recent_postings: 0,
            vocabulary: Vocabulary::default(),
            sexes: Vec::new(),
        }
    }
}

/// One person as [`NameIndex::from_encoded`] takes them.
pub struct Entry<Id, Tag> {
    pub id: Id,
    /// As made by [`encode_keys`].
    pub keys: String,
    pub facts: Facts,
    pub tag: Tag,
}

impl<Id: Clone + Eq + Hash + Send, Tag: Copy + Default + Send> NameIndex<Id, Tag> {
    pub fn len(&self) -> usize {
        self.slot_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slot_of.is_empty()
    }

    /// An index of many people at once, their keys computed on every core:
    /// the way to build one from a data set's names.
    ///
    /// People are read in batches, so that the keys of ten million are
    /// never all held as text at once.
    pub fn from_people(people: Vec<(Id, Vec<String>, Facts)>) -> Self {
        const BATCH: usize = 100_000;
        let mut index = NameIndex::default();
        let mut postings = Postings::new();
        let mut people = people.into_iter();
        loop {
            let batch: Vec<_> = people.by_ref().take(BATCH).collect();
            if batch.is_empty() {
                break;
            }
            let entries = parallel_map(batch, |(id, names, facts)| Entry {
                id,
                keys: encode_keys(&names),
                facts,
                tag: Tag::default(),
            });
            for entry in entries {
                index.add_entry(entry, &mut postings);
            }
        }
        (index.hashes, index.slots) = postings.into_arrays();
        index
    }

    /// An index of people whose keys were computed before (by a store).
    /// Later entries of the same id replace earlier ones; an entry with no
    /// keys removes the person.
    pub fn from_encoded(entries: Vec<Entry<Id, Tag>>) -> Self {
        let mut index = NameIndex::default();
        let mut postings = Postings::new();
        for entry in entries {
            index.add_entry(entry, &mut postings);
        }
        (index.hashes, index.slots) = postings.into_arrays();
        index
    }

    fn add_entry(&mut self, entry: Entry<Id, Tag>, postings: &mut Postings) {
        self.remove(&entry.id);
        if entry.keys.is_empty() {
            return;
        }
        let slot = self.push_person(entry.id, &entry.facts, entry.tag);
        for (space, text) in decode_keys(&entry.keys) {
            postings.push(hash(space, text), slot);
            self.vocabulary.add_key(space, text);
        }
    }

    /// Adds a person under all their names (aliases in parentheses count as
    /// names of their own). Adding an id again replaces it.
    pub fn insert(&mut self, id: Id, names: &[String], facts: Facts) {
        self.insert_encoded(id, &encode_keys(names), facts, Tag::default());
    }

    /// [`insert`](Self::insert) with keys made before, and a tag.
    pub fn insert_encoded(&mut self, id: Id, keys: &str, facts: Facts, tag: Tag) {
        self.remove(&id);
        if keys.is_empty() {
            return;
        }
        let slot = self.push_person(id, &facts, tag);
        for (space, text) in decode_keys(keys) {
            let list = self.recent.entry(hash(space, text)).or_default();
            if list.last() != Some(&slot) {
                list.push(slot);
                self.recent_postings += 1;
            }
            self.vocabulary.add_key(space, text);
        }
        if self.recent_postings > 100_000.max(self.hashes.len() / 8) {
            self.fold_recent();
        }
    }

    /// Forgets a person. Their postings stay until they are looked up and
    /// found stale, which keeps removal cheap.
    pub fn remove(&mut self, id: &Id) {
        self.slot_of.remove(id);
    }

    fn push_person(&mut self, id: Id, facts: &Facts, tag: Tag) -> u32 {
        let slot = self.ids.len() as u32;
        let sex = match facts.sex.as_deref() {
            None | Some("unknown") => 0,
            Some(s) => match self.sexes.iter().position(|x| x == s) {
                Some(i) => i as u8 + 1,
                None if self.sexes.len() < 254 => {
                    self.sexes.push(s.to_string());
                    self.sexes.len() as u8
                }
                None => 0,
            },
        };
        self.facts.push(Packed {
            birth_year: facts
                .birth_year
                .and_then(|y| i16::try_from(y).ok())
                .unwrap_or(NO_YEAR),
            sex,
            place: facts.place.as_deref().map_or(0, place_hash),
        });
        self.tags.push(tag);
        self.slot_of.insert(id.clone(), slot);
        self.ids.push(id);
        slot
    }

    fn fold_recent(&mut self) {
        let mut postings = Postings::new();
        let hashes = std::mem::take(&mut self.hashes);
        let slots = std::mem::take(&mut self.slots);
        let recent = self
            .recent
            .drain()
            .flat_map(|(h, slots)| slots.into_iter().map(move |s| (h, s)));
        for (h, s) in hashes.into_iter().zip(slots).chain(recent) {
            if self.slot_of.get(&self.ids[s as usize]) == Some(&s) {
                postings.push(h, s);
            }
        }
        (self.hashes, self.slots) = postings.into_arrays();
        self.recent_postings = 0;
    }

    /// How many postings a key has (replaced people included).
    fn postings_len(&self, h: u64) -> usize {
        let start = self.hashes.partition_point(|&x| x < h);
        let end = start + self.hashes[start..].partition_point(|&x| x == h);
        end - start + self.recent.get(&h).map_or(0, Vec::len)
    }

    fn postings(&self, h: u64) -> impl Iterator<Item = u32> + '_ {
        let start = self.hashes.partition_point(|&x| x < h);
        let end = start + self.hashes[start..].partition_point(|&x| x == h);
        self.slots[start..end]
            .iter()
            .copied()
            .chain(self.recent.get(&h).into_iter().flatten().copied())
            .filter(|&s| self.slot_of.get(&self.ids[s as usize]) == Some(&s))
    }

    /// Candidates for a name, best first, at most `limit`, without reasons
    /// (see [`explain`]).
    pub fn search(&self, query: &str, facts: &Facts, limit: usize) -> Vec<Candidate<Id, Tag>> {
        let query_keys: Vec<Key> = split_aliases(query).iter().flat_map(|n| keys(n)).collect();
        // slot → (best weight, spaces met)
        let mut found: HashMap<u32, (f32, u8)> = HashMap::new();
        fn meet(found: &mut HashMap<u32, (f32, u8)>, slot: u32, space: Space, w: f32) {
            if space.refines() {
                // A refinement only ranks the people coarser keys found.
                if let Some(e) = found.get_mut(&slot) {
                    e.1 |= 1 << (space as u8);
                }
                return;
            }
            let e = found.entry(slot).or_insert((0.0, 0));
            e.0 = e.0.max(w);
            e.1 |= 1 << (space as u8);
        }
        let refinements: u8 = [Space::Ordered, Space::Toned]
            .into_iter()
            .map(|s| 1 << (s as u8))
            .sum();
        // Strongest spaces first, so that a key shared by a crowd (the
        // skeleton of a common Chinese name) can be passed over once
        // stronger keys have found enough.
        let mut ordered: Vec<&Key> = query_keys.iter().collect();
        ordered.sort_by(|a, b| weight(b.rule.space()).total_cmp(&weight(a.rule.space())));
        for key in ordered {
            let space = key.rule.space();
            let h = hash(space, &key.text);
            if found.len() >= limit && self.postings_len(h) > CROWD {
                continue;
            }
            for slot in self.postings(h) {
                meet(&mut found, slot, space, weight(space));
            }
        }
        // Edits are tried when too few were found by more than a skeleton:
        // a misspelt "Yang Xiatoao" meets hundreds of people through its
        // consonants alone, none of them Yang Xiaotao. Skeletons themselves
        // are only edited when nothing at all was found.
        let strong = found
            .values()
            .filter(|(w, _)| *w > weight(Space::Skeleton))
            .count();
        if strong < limit {
            let few = found.len() < limit;
            for key in query_keys.iter().filter(|k| {
                let space = k.rule.space();
                !space.refines() && (few || space != Space::Skeleton)
            }) {
                let space = key.rule.space();
                for (i, token) in key.text.split(' ').enumerate() {
                    for other in self.vocabulary.neighbours(space, token) {
                        let h = hash(space, &with_token(&key.text, i, other));
                        for slot in self.postings(h) {
                            meet(&mut found, slot, space, weight(space) * EDITED);
                        }
                    }
                }
            }
        }
        let query_sex = facts.sex.as_deref().filter(|s| *s != "unknown");
        // Score first; among equal scores, the refinements met (same
        // order, same tones, same spelling), then the spaces met.
        let mut ranked: Vec<(f32, u32, u32, u32)> = found
            .into_iter()
            .map(|(slot, (mut score, spaces))| {
                let theirs = self.facts[slot as usize];
                let conflict = self.year_conflict(facts, theirs).is_some()
                    || self.sex_conflict(query_sex, theirs).is_some();
                if conflict {
                    score *= 0.3;
                } else if facts.birth_year.is_some() || query_sex.is_some() {
                    score = (score + 0.05).min(1.0);
                }
                // Places are written loosely (a city, its province, a
                // spelling that does not meet): a different one weighs
                // less than a different birth year, a shared one a little.
                match place_conflict(facts, theirs) {
                    Some(_) => score *= 0.7,
                    None if same_place(facts, theirs) => score = (score + 0.05).min(1.0),
                    None => {}
                }
                let refined = (spaces & refinements).count_ones();
                (score, refined, (spaces & !refinements).count_ones(), slot)
            })
            .collect();
        let by_rank = |a: &(f32, u32, u32, u32), b: &(f32, u32, u32, u32)| {
            b.0.total_cmp(&a.0)
                .then(b.1.cmp(&a.1))
                .then(b.2.cmp(&a.2))
                .then(a.3.cmp(&b.3))
        };
        if ranked.len() > limit {
            ranked.select_nth_unstable_by(limit, by_rank);
            ranked.truncate(limit);
        }
        ranked.sort_by(by_rank);
        ranked
            .into_iter()
            .map(|(score, _, _, slot)| {
                let theirs = self.facts[slot as usize];
                Candidate {
                    id: self.ids[slot as usize].clone(),
                    score,
                    reasons: Vec::new(),
                    conflicts: self
                        .year_conflict(facts, theirs)
                        .into_iter()
                        .chain(self.sex_conflict(query_sex, theirs))
                        .chain(place_conflict(facts, theirs))
                        .collect(),
                    tag: self.tags[slot as usize],
                }
            })
            .collect()
    }

    fn year_conflict(&self, facts: &Facts, theirs: Packed) -> Option<String> {
        let x = facts.birth_year?;
        let y = Some(theirs.birth_year).filter(|&y| y != NO_YEAR)? as i32;
        ((x - y).abs() > BIRTH_YEAR_TOLERANCE).then(|| format!("born {x} and {y}"))
    }

    fn sex_conflict(&self, query_sex: Option<&str>, theirs: Packed) -> Option<String> {
        let x = query_sex?;
        let y = self.sexes.get(usize::from(theirs.sex).checked_sub(1)?)?;
        (x != y).then(|| format!("{x} and {y}"))
    }
}

/// Why `query` meets each of `names` (one reason per name that it meets,
/// the strongest), strongest first. A name met only through an edit says
/// which tokens differ.
pub fn explain(query: &str, names: &[String]) -> Vec<Reason> {
    let query_names: Vec<(String, Vec<Key>)> = split_aliases(query)
        .into_iter()
        .map(|q| {
            let k = keys(&q);
            (q, k)
        })
        .collect();
    let mut reasons: Vec<(f32, Reason)> = Vec::new();
    for name in names.iter().flat_map(|n| split_aliases(n)) {
        let theirs = keys(&name);
        let mut best: Option<(f32, Reason)> = None;
        for (query_name, ours) in &query_names {
            for q in ours.iter().filter(|q| !q.rule.space().refines()) {
                for t in theirs.iter().filter(|t| t.rule.space() == q.rule.space()) {
                    let w = weight(q.rule.space());
                    let (w, edit) = if q.text == t.text {
                        (w, None)
                    } else if let Some(edit) = one_token_edit(&q.text, &t.text) {
                        (w * EDITED, Some(edit))
                    } else {
                        continue;
                    };
                    let better = match &best {
                        None => true,
                        Some((bw, br)) => w > *bw || (w == *bw && t.rule.max(q.rule) > br.rule),
                    };
                    if better {
                        best = Some((
                            w,
                            Reason {
                                rule: t.rule.max(q.rule),
                                query: query_name.clone(),
                                name: name.clone(),
                                edit,
                            },
                        ));
                    }
                }
            }
        }
        reasons.extend(best);
    }
    reasons.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.rule.cmp(&b.1.rule)));
    reasons.into_iter().map(|(_, r)| r).collect()
}

/// Two keys that differ in one token, one edit apart: those tokens.
fn one_token_edit(a: &str, b: &str) -> Option<(String, String)> {
    let ta: Vec<&str> = a.split(' ').collect();
    let tb: Vec<&str> = b.split(' ').collect();
    if ta.len() != tb.len() {
        return None;
    }
    for (i, x) in ta.iter().enumerate() {
        for y in tb.iter().filter(|y| *y != x && one_edit_apart(x, y)) {
            if x.chars().count() >= MIN_EDIT_CHARS && with_token(a, i, y) == b {
                return Some((x.to_string(), y.to_string()));
            }
        }
    }
    None
}

/// `f` over `items` on every core, in order.
fn parallel_map<T: Send, U: Send>(items: Vec<T>, f: impl Fn(T) -> U + Sync) -> Vec<U> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads == 1 || items.len() < 10_000 {
        return items.into_iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let mut chunks: Vec<Vec<T>> = Vec::new();
    let mut items = items.into_iter();
    loop {
        let c: Vec<T> = items.by_ref().take(chunk).collect();
        if c.is_empty() {
            break;
        }
        chunks.push(c);
    }
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|c| scope.spawn(move || c.into_iter().map(f).collect::<Vec<U>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("key computation panicked"))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn people() -> Vec<(u32, Vec<String>, Facts)> {
        let born = |y| Facts {
            birth_year: Some(y),
            ..Facts::default()
        };
        vec![
            (1, strings(&["伊力哈木·土赫提", "Ilham Tohti"]), born(1969)),
            (2, strings(&["黃之鋒（Joshua Wong）"]), born(1996)),
            (3, strings(&["周庭"]), born(1996)),
            (4, strings(&["鄒幸彤"]), born(1985)),
            (5, strings(&["陈卫"]), born(1969)),
            (6, strings(&["陈卫"]), born(1980)),
        ]
    }

    fn index() -> NameIndex<u32> {
        let mut idx = NameIndex::default();
        for (id, names, facts) in people() {
            idx.insert(id, &names, facts);
        }
        idx
    }

    #[test]
    fn finds_one_person_from_any_script_with_a_reason() {
        let idx = index();
        for query in ["ئىلھام توختى", "Илһам Тохти", "Ilham Toxti", "Tohti Ilham"]
        {
            let hits = idx.search(query, &Facts::default(), 5);
            assert_eq!(hits[0].id, 1, "{query}");
        }
        let hits = idx.search("Huang Zhifeng", &Facts::default(), 5);
        assert_eq!(hits[0].id, 2);
        let reasons = explain("Huang Zhifeng", &strings(&["黃之鋒（Joshua Wong）"]));
        assert_eq!(reasons[0].name, "黃之鋒");
        assert_eq!(
            reasons[0].explanation(),
            "Huang Zhifeng → 黃之鋒: pinyin spelling"
        );
        assert_eq!(
            idx.search("Joshua Wong", &Facts::default(), 5)[0].id,
            2,
            "the alias in parentheses is a name"
        );
    }

    #[test]
    fn the_hong_kong_reason_names_the_romanisation() {
        let reasons = explain("WONG Chi-fung", &strings(&["黃之鋒"]));
        assert_eq!(reasons.len(), 1);
        assert_eq!(reasons[0].rule, Rule::HongKong);
    }

    #[test]
    fn a_conflicting_birth_year_keeps_namesakes_apart() {
        let idx = index();
        let hits = idx.search(
            "陈卫",
            &Facts {
                birth_year: Some(1969),
                ..Facts::default()
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
    fn a_conflicting_sex_is_a_conflict() {
        let mut idx = NameIndex::<u32>::default();
        let sex = |s: &str| Facts {
            sex: Some(s.into()),
            ..Facts::default()
        };
        idx.insert(1, &strings(&["Chen Wei"]), sex("female"));
        let hits = idx.search("Chen Wei", &sex("male"), 5);
        assert_eq!(hits[0].conflicts, ["male and female"]);
        assert!(idx.search("Chen Wei", &sex("unknown"), 5)[0]
            .conflicts
            .is_empty());
    }

    #[test]
    fn places_meet_across_scripts_and_a_different_one_is_a_conflict() {
        // The two 陈卫 of the CPPC list: one from 遂宁 (Suining), one from
        // 重庆 (Chongqing).
        let at = |place: &str| Facts {
            place: place_key(place),
            ..Facts::default()
        };
        assert_eq!(place_key("遂宁"), place_key("Suining"));
        assert_eq!(place_key("遂寧"), place_key("sui ning"));
        assert_ne!(place_key("遂宁"), place_key("重庆"));
        let mut idx = NameIndex::<u32>::default();
        idx.insert(1, &strings(&["陈卫"]), at("遂宁"));
        idx.insert(2, &strings(&["陈卫"]), at("重庆"));
        let hits = idx.search("Chen Wei", &at("Suining"), 5);
        assert_eq!(hits[0].id, 1);
        assert!(hits[0].conflicts.is_empty());
        assert_eq!(hits[1].id, 2);
        assert_eq!(hits[1].conflicts, ["different places"]);
        assert!(hits[0].score > hits[1].score);
        // Without a place on one side, nothing is said of places.
        let hits = idx.search("Chen Wei", &Facts::default(), 5);
        assert!(hits.iter().all(|h| h.conflicts.is_empty()));
    }

    #[test]
    fn same_order_tones_and_spelling_come_first() {
        let mut idx = NameIndex::<u32>::default();
        // Added first so that insertion order would favour them.
        idx.insert(1, &strings(&["张伟晶"]), Facts::default());
        idx.insert(2, &strings(&["贺伟娜"]), Facts::default());
        idx.insert(3, &strings(&["Hesen Emet"]), Facts::default());
        idx.insert(4, &strings(&["張晶偉"]), Facts::default());
        idx.insert(5, &strings(&["何伟娜"]), Facts::default());
        idx.insert(6, &strings(&["ياسىن ئەخمەت"]), Facts::default());
        let first = |q: &str| {
            let hits = idx.search(q, &Facts::default(), 5);
            assert_eq!(hits.len(), 2, "{q}: both still found");
            assert_eq!(hits[0].score, hits[1].score, "{q}: ranked, not scored");
            hits[0].id
        };
        assert_eq!(first("Zhang Jingwei"), 4);
        assert_eq!(first("Jingwei Zhang"), 4, "surname last keeps the order");
        assert_eq!(first("Hé Wěinà"), 5);
        assert_eq!(first("he2 wei3 na4"), 5);
        // A Uyghur spelling alike scores above a skeleton alike, and above
        // an exact spelling one letter away.
        let hits = idx.search("Ясин Әхмәт", &Facts::default(), 5);
        assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), [6, 3]);
        assert!(hits[0].score > hits[1].score);
        idx.insert(7, &strings(&["Tursun Kamil"]), Facts::default());
        idx.insert(8, &strings(&["تۇرغۇن كامىل"]), Facts::default());
        assert_eq!(idx.search("Turğun Kamil", &Facts::default(), 5)[0].id, 8);
        let born = Facts {
            birth_year: Some(1980),
            sex: Some("male".into()),
            ..Facts::default()
        };
        assert!(
            idx.search("Yasin Ehmet", &born, 5)[0].score < 0.9,
            "never an automatic merge"
        );
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
        idx.insert(5, &strings(&["Chen Wei"]), Facts::default());
        assert_eq!(idx.len(), 6);
        let hits = idx.search("陈卫", &Facts::default(), 5);
        assert_eq!(hits.len(), 2, "6 by its characters, 5 by its pinyin");
        assert_eq!(hits[0].id, 6);
        assert!(hits[0].score > hits[1].score);
        idx.remove(&6);
        assert_eq!(idx.search("陈卫", &Facts::default(), 5)[0].id, 5);
    }

    #[test]
    fn one_typing_error_still_finds_a_person_with_a_lower_score() {
        let idx = index();
        for typo in ["Ilham Tothi", "Ilhan Tohti", "Ilham Tohtii", "Ilam Tohti"] {
            let hits = idx.search(typo, &Facts::default(), 5);
            assert_eq!(hits.first().map(|h| h.id), Some(1), "{typo}");
            assert!(hits[0].score < 0.9, "{typo}: never an automatic merge");
        }
        let reasons = explain("Ilham Tothi", &strings(&["Ilham Tohti"]));
        assert_eq!(
            reasons[0].edit,
            Some(("tothi".to_string(), "tohti".to_string()))
        );
        assert!(
            idx.search("Ilham Tohti", &Facts::default(), 5)[0].score
                > idx.search("Ilham Tothi", &Facts::default(), 5)[0].score
        );
    }

    #[test]
    fn built_at_once_or_one_by_one_the_answers_agree() {
        let one_by_one = index();
        let at_once = NameIndex::<u32>::from_people(people());
        let mut many = NameIndex::<u32>::default();
        // Enough inserts to fold recent postings into the sorted array.
        for i in 0..60_000u32 {
            many.insert(
                1000 + i,
                &[format!("Person{i} Name{}", i % 97)],
                Facts::default(),
            );
        }
        for (id, names, facts) in people() {
            many.insert(id, &names, facts);
        }
        for query in [
            "Ilham Toxti",
            "黄之锋",
            "陈卫",
            "Chow Hang-tung",
            "Ilham Tothi",
        ] {
            let ids = |idx: &NameIndex<u32>| {
                idx.search(query, &Facts::default(), 5)
                    .iter()
                    .map(|c| (c.id, c.score))
                    .collect::<Vec<_>>()
            };
            assert_eq!(ids(&one_by_one), ids(&at_once), "{query}");
            assert_eq!(ids(&one_by_one), ids(&many), "{query}");
        }
        assert_eq!(
            many.search("Person59999 Name53", &Facts::default(), 1)[0].id,
            60_999
        );
    }

    #[test]
    fn edits_are_counted_as_people_count_them() {
        assert!(one_edit_apart("tohti", "tothi"));
        assert!(one_edit_apart("tohti", "tohtii"));
        assert!(one_edit_apart("tohti", "tohi"));
        assert!(one_edit_apart("tohti", "toxti"));
        assert!(!one_edit_apart("tohti", "otthi"));
        assert!(!one_edit_apart("ilham", "ilhmaa"));
    }
}
