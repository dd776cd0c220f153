//! Identity decisions and duplicate candidates on SQLite (see
//! [`crate::identity`]). The decision graph is small next to the records
//! (one row per decision), so each operation reads the decisions in force
//! and joins clusters in memory with a union-find.

use std::collections::{BTreeSet, HashMap};

use rusqlite::{params, Connection, OptionalExtension};
use vigil_model::{rfc3339, Kind, RecordId, ValidationErrors};

use super::{id_from_blob, key, now, parse_time, SqliteStore};
use crate::identity::{ordered, AUTO_MERGE_SCORE};
use crate::{
    AutoMerge, CandidatePair, Decision, Identities, Identity, IdentityEntry, MatchReason,
    QueuedPair, StoreError,
};

type Pair = (RecordId, RecordId);

/// The decision in force about a pair.
#[derive(Clone, Copy)]
struct InForce {
    decision: Decision,
}

/// Every pair's decision in force: its newest row.
fn in_force(conn: &Connection) -> Result<HashMap<Pair, InForce>, StoreError> {
    // SQLite takes the bare columns from the row holding max(seq).
    let mut stmt = conn
        .prepare_cached("SELECT a, b, decision, max(seq) FROM identity_decisions GROUP BY a, b")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, Vec<u8>>(0)?,
            r.get::<_, Vec<u8>>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = HashMap::new();
    for row in rows {
        let (a, b, decision) = row?;
        let decision = Decision::parse(&decision)
            .ok_or_else(|| StoreError::Corrupt(format!("identity decision {decision:?}")))?;
        out.insert((id_from_blob(&a)?, id_from_blob(&b)?), InForce { decision });
    }
    Ok(out)
}

/// Clusters of records joined by `same` decisions.
struct Graph {
    parent: HashMap<RecordId, RecordId>,
    not_same: Vec<Pair>,
}

impl Graph {
    /// The graph of the decisions in force, leaving out `skip`'s own.
    fn new(decisions: &HashMap<Pair, InForce>, skip: Option<Pair>) -> Graph {
        let mut graph = Graph {
            parent: HashMap::new(),
            not_same: Vec::new(),
        };
        // A stable order, so that the same log always gives the same graph.
        let mut pairs: Vec<(&Pair, &InForce)> = decisions.iter().collect();
        pairs.sort_by_key(|(p, _)| **p);
        for (&(a, b), d) in pairs {
            if Some((a, b)) == skip {
                continue;
            }
            match d.decision {
                Decision::Same => graph.union(a, b),
                Decision::NotSame => graph.not_same.push((a, b)),
                Decision::Unsure | Decision::Undone => {}
            }
        }
        graph
    }

    fn root(&self, mut id: RecordId) -> RecordId {
        while let Some(&p) = self.parent.get(&id) {
            if p == id {
                break;
            }
            id = p;
        }
        id
    }

    fn union(&mut self, a: RecordId, b: RecordId) {
        let (ra, rb) = (self.root(a), self.root(b));
        if ra != rb {
            self.parent.insert(ra, ra);
            self.parent.insert(rb, ra);
        }
    }

    fn same_cluster(&self, a: RecordId, b: RecordId) -> bool {
        self.root(a) == self.root(b)
    }

    /// Every record of `id`'s cluster, in id order.
    fn members(&self, id: RecordId) -> Vec<RecordId> {
        let root = self.root(id);
        let mut members: BTreeSet<RecordId> = self
            .parent
            .keys()
            .filter(|m| self.root(**m) == root)
            .copied()
            .collect();
        members.insert(id);
        members.into_iter().collect()
    }

    /// A `not_same` in force between the clusters of `a` and `b`.
    fn not_same_between(&self, a: RecordId, b: RecordId) -> Option<Pair> {
        let (ra, rb) = (self.root(a), self.root(b));
        self.not_same.iter().copied().find(|&(x, y)| {
            let (rx, ry) = (self.root(x), self.root(y));
            (rx == ra && ry == rb) || (rx == rb && ry == ra)
        })
    }

    /// Every cluster of more than one record.
    fn clusters(&self) -> Vec<Vec<RecordId>> {
        let mut by_root: HashMap<RecordId, Vec<RecordId>> = HashMap::new();
        for &m in self.parent.keys() {
            by_root.entry(self.root(m)).or_default().push(m);
        }
        by_root
            .into_values()
            .filter(|m| m.len() > 1)
            .map(|mut m| {
                m.sort();
                m
            })
            .collect()
    }
}

fn is_person(conn: &Connection, id: RecordId) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM records WHERE id = ?1 AND kind = 'person'")?
        .exists([key(id)])?)
}

/// The record standing for a cluster: its smallest id still in the store.
fn canonical(conn: &Connection, members: &[RecordId]) -> Result<RecordId, StoreError> {
    for &m in members {
        if is_person(conn, m)? {
            return Ok(m);
        }
    }
    Ok(members[0])
}

const ENTRY_COLUMNS: &str = "seq, a, b, decision, automatic, score, note, decided_by, decided_at";

fn entry_from_row(r: &rusqlite::Row<'_>) -> Result<IdentityEntry, StoreError> {
    let decision: String = r.get(3)?;
    Ok(IdentityEntry {
        seq: r.get(0)?,
        a: id_from_blob(&r.get::<_, Vec<u8>>(1)?)?,
        b: id_from_blob(&r.get::<_, Vec<u8>>(2)?)?,
        decision: Decision::parse(&decision)
            .ok_or_else(|| StoreError::Corrupt(format!("identity decision {decision:?}")))?,
        automatic: r.get::<_, i64>(4)? != 0,
        score: r.get(5)?,
        note: r.get(6)?,
        decided_by: r.get(7)?,
        decided_at: parse_time(&r.get::<_, String>(8)?)?,
    })
}

struct NewEntry<'a> {
    pair: Pair,
    decision: Decision,
    automatic: bool,
    score: Option<f64>,
    note: Option<&'a str>,
    actor: &'a str,
}

fn insert(conn: &Connection, e: NewEntry<'_>) -> Result<IdentityEntry, StoreError> {
    conn.prepare_cached(
        "INSERT INTO identity_decisions (a, b, decision, automatic, score, note, decided_by, decided_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        key(e.pair.0),
        key(e.pair.1),
        e.decision.as_str(),
        e.automatic as i64,
        e.score,
        e.note,
        e.actor,
        rfc3339(now()),
    ])?;
    let seq = conn.last_insert_rowid();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS} FROM identity_decisions WHERE seq = ?1"
    ))?;
    let mut rows = stmt.query([seq])?;
    let row = rows
        .next()?
        .ok_or_else(|| StoreError::Corrupt("a decision just written is gone".into()))?;
    entry_from_row(row)
}

/// Both records exist and are people; the pair is two records.
fn check_pair(conn: &Connection, a: RecordId, b: RecordId) -> Result<Pair, StoreError> {
    if a == b {
        return Err(StoreError::Invalid(ValidationErrors::single(
            "/b",
            "a decision is about two different records",
        )));
    }
    for id in [a, b] {
        if !is_person(conn, id)? {
            return Err(StoreError::NotFound {
                kind: Kind::Person,
                id,
            });
        }
    }
    Ok(ordered(a, b))
}

fn refused_same(blocking: Pair, a: RecordId, b: RecordId) -> StoreError {
    StoreError::Refused(format!(
        "{} and {} are recorded as not the same person, which keeps {a} and {b} apart; revoke that decision first if it was wrong",
        blocking.0, blocking.1
    ))
}

fn decide(
    conn: &Connection,
    a: RecordId,
    b: RecordId,
    decision: Decision,
    note: Option<&str>,
    actor: &str,
) -> Result<IdentityEntry, StoreError> {
    let pair = check_pair(conn, a, b)?;
    let decisions = in_force(conn)?;
    match decision {
        Decision::Same => {
            if let Some(blocking) = Graph::new(&decisions, None).not_same_between(pair.0, pair.1) {
                return Err(refused_same(blocking, pair.0, pair.1));
            }
        }
        Decision::NotSame => {
            // This pair's own `same`, if any, is replaced; merges through
            // other records are not.
            let graph = Graph::new(&decisions, Some(pair));
            if graph.same_cluster(pair.0, pair.1) {
                let others: Vec<String> = graph
                    .members(pair.0)
                    .into_iter()
                    .filter(|m| *m != pair.0 && *m != pair.1)
                    .map(|m| m.to_string())
                    .collect();
                return Err(StoreError::Refused(format!(
                    "{} and {} are merged through other records ({}); undo those merges first",
                    pair.0,
                    pair.1,
                    others.join(", ")
                )));
            }
        }
        Decision::Unsure => {}
        Decision::Undone => {
            return Err(StoreError::Invalid(ValidationErrors::single(
                "/decision",
                "to undo a decision, revoke it (DELETE the pair's decision)",
            )))
        }
    }
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    insert(
        conn,
        NewEntry {
            pair,
            decision,
            automatic: false,
            score: candidate_score(conn, pair)?,
            note,
            actor,
        },
    )
}

fn candidate_score(conn: &Connection, (a, b): Pair) -> Result<Option<f64>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT score FROM duplicate_candidates WHERE a = ?1 AND b = ?2")?
        .query_row([key(a), key(b)], |r| r.get(0))
        .optional()?)
}

fn undo(
    conn: &Connection,
    a: RecordId,
    b: RecordId,
    actor: &str,
) -> Result<IdentityEntry, StoreError> {
    let pair = ordered(a, b);
    match in_force(conn)?.get(&pair) {
        Some(d) if d.decision != Decision::Undone => {}
        _ => {
            return Err(StoreError::NoDecision {
                a: pair.0,
                b: pair.1,
            })
        }
    }
    insert(
        conn,
        NewEntry {
            pair,
            decision: Decision::Undone,
            automatic: false,
            score: None,
            note: None,
            actor,
        },
    )
}

fn identity(conn: &Connection, id: RecordId) -> Result<Identity, StoreError> {
    let graph = Graph::new(&in_force(conn)?, None);
    let members = graph.members(id);
    let mut not_same = BTreeSet::new();
    for &(x, y) in &graph.not_same {
        for (mine, theirs) in [(x, y), (y, x)] {
            if members.contains(&mine) {
                not_same.extend(graph.members(theirs));
            }
        }
    }
    Ok(Identity {
        canonical: canonical(conn, &members)?,
        members,
        not_same: not_same.into_iter().collect(),
    })
}

fn identity_log(conn: &Connection, id: RecordId) -> Result<Vec<IdentityEntry>, StoreError> {
    let members = Graph::new(&in_force(conn)?, None).members(id);
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS} FROM identity_decisions WHERE a = ?1
         UNION SELECT {ENTRY_COLUMNS} FROM identity_decisions WHERE b = ?1"
    ))?;
    let mut entries: HashMap<i64, IdentityEntry> = HashMap::new();
    for m in members {
        let mut rows = stmt.query([key(m)])?;
        while let Some(row) = rows.next()? {
            let e = entry_from_row(row)?;
            entries.insert(e.seq, e);
        }
    }
    let mut entries: Vec<IdentityEntry> = entries.into_values().collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.seq));
    Ok(entries)
}

fn clusters(conn: &Connection) -> Result<HashMap<RecordId, RecordId>, StoreError> {
    let graph = Graph::new(&in_force(conn)?, None);
    let mut out = HashMap::new();
    for members in graph.clusters() {
        let c = canonical(conn, &members)?;
        out.extend(members.into_iter().map(|m| (m, c)));
    }
    Ok(out)
}

fn set_candidates(conn: &Connection, pairs: Vec<CandidatePair>) -> Result<(), StoreError> {
    conn.execute("DELETE FROM duplicate_candidates", [])?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO duplicate_candidates (a, b, score, reasons, conflicts, found_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (a, b) DO UPDATE SET score = excluded.score, reasons = excluded.reasons,
             conflicts = excluded.conflicts
         WHERE excluded.score > duplicate_candidates.score",
    )?;
    let at = rfc3339(now());
    for p in pairs {
        if p.a == p.b {
            continue;
        }
        let (a, b) = ordered(p.a, p.b);
        stmt.execute(params![
            key(a),
            key(b),
            p.score,
            to_json(&p.reasons)?,
            to_json(&p.conflicts)?,
            at
        ])?;
    }
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Every candidate, best first, with when it was found.
fn candidates(
    conn: &Connection,
    min_score: f64,
) -> Result<Vec<(CandidatePair, String)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT a, b, score, reasons, conflicts, found_at FROM duplicate_candidates
         WHERE score >= ?1 ORDER BY score DESC, a, b",
    )?;
    let rows = stmt.query_map([min_score], |r| {
        Ok((
            r.get::<_, Vec<u8>>(0)?,
            r.get::<_, Vec<u8>>(1)?,
            r.get::<_, f64>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (a, b, score, reasons, conflicts, found_at) = row?;
        let corrupt =
            |e: serde_json::Error| StoreError::Corrupt(format!("duplicate candidate: {e}"));
        let reasons: Vec<MatchReason> = serde_json::from_str(&reasons).map_err(corrupt)?;
        let conflicts: Vec<String> = serde_json::from_str(&conflicts).map_err(corrupt)?;
        out.push((
            CandidatePair {
                a: id_from_blob(&a)?,
                b: id_from_blob(&b)?,
                score,
                reasons,
                conflicts,
            },
            found_at,
        ));
    }
    Ok(out)
}

fn queue(
    conn: &Connection,
    offset: usize,
    limit: usize,
    unsure: bool,
) -> Result<Vec<QueuedPair>, StoreError> {
    let decisions = in_force(conn)?;
    let graph = Graph::new(&decisions, None);
    let mut out = Vec::new();
    let mut skipped = 0;
    for (pair, found_at) in candidates(conn, f64::NEG_INFINITY)? {
        let marked_unsure = match decisions.get(&(pair.a, pair.b)).map(|d| d.decision) {
            Some(Decision::Same | Decision::NotSame) => continue,
            Some(Decision::Unsure) => true,
            Some(Decision::Undone) | None => false,
        };
        if marked_unsure != unsure
            || graph.same_cluster(pair.a, pair.b)
            || graph.not_same_between(pair.a, pair.b).is_some()
            || !is_person(conn, pair.a)?
            || !is_person(conn, pair.b)?
        {
            continue;
        }
        if skipped < offset {
            skipped += 1;
            continue;
        }
        if out.len() == limit {
            break;
        }
        out.push(QueuedPair {
            pair,
            unsure: marked_unsure,
            found_at: parse_time(&found_at)?,
        });
    }
    Ok(out)
}

fn auto_merge(conn: &Connection) -> Result<Vec<AutoMerge>, StoreError> {
    let mut decisions = in_force(conn)?;
    let mut decided_by_a_person = conn.prepare_cached(
        "SELECT 1 FROM identity_decisions WHERE a = ?1 AND b = ?2 AND automatic = 0",
    )?;
    let mut merged = Vec::new();
    for (pair, _) in candidates(conn, AUTO_MERGE_SCORE)? {
        let (a, b) = (pair.a, pair.b);
        if !pair.conflicts.is_empty()
            || decisions.contains_key(&(a, b))
            || decided_by_a_person.exists([key(a), key(b)])?
            || !is_person(conn, a)?
            || !is_person(conn, b)?
        {
            continue;
        }
        let graph = Graph::new(&decisions, None);
        if graph.same_cluster(a, b) || graph.not_same_between(a, b).is_some() {
            continue;
        }
        insert(
            conn,
            NewEntry {
                pair: (a, b),
                decision: Decision::Same,
                automatic: true,
                score: Some(pair.score),
                note: None,
                actor: "auto",
            },
        )?;
        decisions.insert(
            (a, b),
            InForce {
                decision: Decision::Same,
            },
        );
        merged.push(AutoMerge {
            a,
            b,
            score: pair.score,
        });
    }
    Ok(merged)
}

impl Identities for SqliteStore {
    fn decide(
        &self,
        a: RecordId,
        b: RecordId,
        decision: Decision,
        note: Option<&str>,
        actor: &str,
    ) -> Result<IdentityEntry, StoreError> {
        self.write_records(|tx| decide(tx, a, b, decision, note, actor))
    }

    fn undo_decision(
        &self,
        a: RecordId,
        b: RecordId,
        actor: &str,
    ) -> Result<IdentityEntry, StoreError> {
        self.write_records(|tx| undo(tx, a, b, actor))
    }

    fn identity(&self, id: RecordId) -> Result<Identity, StoreError> {
        self.read(|conn| identity(conn, id))
    }

    fn identity_log(&self, id: RecordId) -> Result<Vec<IdentityEntry>, StoreError> {
        self.read(|conn| identity_log(conn, id))
    }

    fn clusters(&self) -> Result<HashMap<RecordId, RecordId>, StoreError> {
        self.read(clusters)
    }

    fn set_duplicate_candidates(&self, pairs: Vec<CandidatePair>) -> Result<(), StoreError> {
        self.write(|tx| set_candidates(tx, pairs))
    }

    fn duplicate_queue(
        &self,
        offset: usize,
        limit: usize,
        unsure: bool,
    ) -> Result<Vec<QueuedPair>, StoreError> {
        self.read(|conn| queue(conn, offset, limit, unsure))
    }

    fn auto_merge(&self) -> Result<Vec<AutoMerge>, StoreError> {
        self.write_records(|tx| auto_merge(tx))
    }
}
