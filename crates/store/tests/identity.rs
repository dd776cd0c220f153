//! Identity decisions: the graph of "same" and "not the same", merges that
//! can be undone, duplicate candidates and the automatic merge, on a real
//! SQLite file.

// A test or bench fails loudly at the first unwrap: that is what it is for.
#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

use common::Harness;
use serde_json::json;
use vigil_model::{Body, Kind, RecordId};
use vigil_store::prelude::*;
use vigil_store::{CandidatePair, Decision, MatchReason, StoreError, AUTO_MERGE_SCORE};

/// `n` people, oldest first (v7 ids grow with time).
fn people(store: &dyn Store, names: &[&str]) -> Vec<RecordId> {
    names
        .iter()
        .map(|n| {
            let body = Body::from_json(Kind::Person, json!({"names": [{"text": n}]})).unwrap();
            store.create(None, body, "t").unwrap().id
        })
        .collect()
}

fn pair(a: RecordId, b: RecordId, score: f64, conflicts: &[&str]) -> CandidatePair {
    CandidatePair {
        a,
        b,
        score,
        reasons: vec![MatchReason {
            rule: "HongKong".into(),
            from: "WONG Chi-fung".into(),
            to: "黃之鋒".into(),
            explanation: "WONG Chi-fung → 黃之鋒: Hong Kong (Cantonese) romanisation".into(),
        }],
        conflicts: conflicts.iter().map(|c| c.to_string()).collect(),
    }
}

/// Everything the identity operations can show: what a refused write must
/// leave as it was.
fn state(store: &dyn Store, ids: &[RecordId]) -> String {
    let mut out = String::new();
    for &id in ids {
        out.push_str(&format!(
            "{:?}\n{:?}\n",
            store.identity(id).unwrap(),
            store.identity_log(id).unwrap()
        ));
    }
    let mut clusters: Vec<_> = store.clusters().unwrap().into_iter().collect();
    clusters.sort();
    out.push_str(&format!(
        "{clusters:?}\n{:?}\n{:?}",
        store.duplicate_queue(0, 100, false).unwrap(),
        store.duplicate_queue(0, 100, true).unwrap()
    ));
    out
}

fn same_is_transitive_and_the_oldest_record_stands_for_the_cluster(h: &Harness) {
    let store = h.open();
    let [a, b, c, d] = people(
        &*store,
        &["黃之鋒", "WONG Chi-fung", "Joshua Wong", "Other"],
    )[..] else {
        panic!()
    };
    let g0 = store.generation();
    // B is C, then A is B: C's canonical is A's, whatever the order.
    store.decide(c, b, Decision::Same, None, "ed").unwrap();
    assert!(
        store.generation() > g0,
        "a decision moves the generation on"
    );
    assert_eq!(store.identity(c).unwrap().canonical, b);
    let e = store
        .decide(b, a, Decision::Same, Some("same birth date"), "ed")
        .unwrap();
    assert_eq!((e.a, e.b), (a, b), "pairs are kept smaller id first");
    for id in [a, b, c] {
        let identity = store.identity(id).unwrap();
        assert_eq!(identity.canonical, a, "{id}");
        assert_eq!(identity.members, vec![a, b, c]);
    }
    assert_eq!(store.identity(d).unwrap().members, vec![d]);
    let clusters = store.clusters().unwrap();
    assert_eq!(clusters.len(), 3);
    assert!([a, b, c].iter().all(|m| clusters[m] == a));
    // The log of any member holds every decision of the cluster, newest first.
    let log = store.identity_log(c).unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].note.as_deref(), Some("same birth date"));
    assert_eq!(log[0].decided_by, "ed");
    assert!(!log[0].automatic);
    assert!(log[0].seq > log[1].seq);
}

fn not_same_blocks_a_later_same_between_the_clusters(h: &Harness) {
    let store = h.open();
    let [a, b, c, d] = people(&*store, &["周庭", "Agnes Chow", "鄒幸彤", "Chow Hang-tung"])[..]
    else {
        panic!()
    };
    store.decide(a, b, Decision::Same, None, "ed").unwrap();
    store.decide(c, d, Decision::Same, None, "ed").unwrap();
    store
        .decide(a, c, Decision::NotSame, Some("two activists"), "ed")
        .unwrap();
    let ids = [a, b, c, d];
    let before = state(&*store, &ids);
    let g = store.generation();
    // B and D are in those two clusters: refused, naming the pair in the way.
    let err = store.decide(b, d, Decision::Same, None, "ed").unwrap_err();
    let StoreError::Refused(message) = &err else {
        panic!("{err:?}")
    };
    assert!(
        message.contains(&a.to_string())
            && message.contains(&c.to_string())
            && message.contains("revoke"),
        "{message}"
    );
    assert_eq!(
        before,
        state(&*store, &ids),
        "a refused decision changes nothing"
    );
    assert_eq!(store.generation(), g);
    assert_eq!(store.identity(b).unwrap().not_same, vec![c, d]);
    // A `not_same` between records merged through others is refused.
    let [e] = people(&*store, &["Chow Hang Tung"])[..] else {
        panic!()
    };
    store.decide(d, e, Decision::Same, None, "ed").unwrap();
    let ids = [a, b, c, d, e];
    let before = state(&*store, &ids);
    let err = store
        .decide(c, e, Decision::NotSame, None, "ed")
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Refused(ref m) if m.contains("undo")),
        "{err:?}"
    );
    assert_eq!(before, state(&*store, &ids));
    // Revoking the `not_same` lets the merge through.
    store.undo_decision(c, a, "ed").unwrap();
    store.decide(b, d, Decision::Same, None, "ed").unwrap();
    assert_eq!(store.identity(e).unwrap().canonical, a);
    // Saying A and B are not the same replaces their own merge: A leaves.
    store.decide(b, a, Decision::NotSame, None, "ed").unwrap();
    assert_eq!(store.identity(a).unwrap().members, vec![a]);
    assert_eq!(store.identity(a).unwrap().not_same, vec![b, c, d, e]);
    assert_eq!(store.identity(e).unwrap().canonical, b);
}

fn undoing_a_merge_splits_the_cluster_and_is_in_the_log(h: &Harness) {
    let store = h.open();
    let [a, b, c] = people(&*store, &["Ilham Tohti", "伊力哈木·土赫提", "ئىلھام توختى"])[..]
    else {
        panic!()
    };
    store.decide(a, b, Decision::Same, None, "ed").unwrap();
    store.decide(b, c, Decision::Same, None, "ed").unwrap();
    assert_eq!(store.identity(c).unwrap().canonical, a);
    let g = store.generation();
    let undo = store.undo_decision(a, b, "ada").unwrap();
    assert_eq!(undo.decision, Decision::Undone);
    assert!(store.generation() > g);
    // B and C stay together, and B is now their canonical record.
    assert_eq!(store.identity(a).unwrap().members, vec![a]);
    assert_eq!(store.identity(c).unwrap().members, vec![b, c]);
    assert_eq!(store.identity(c).unwrap().canonical, b);
    // Both sides keep the whole story.
    let log = store.identity_log(a).unwrap();
    let kinds: Vec<Decision> = log.iter().map(|e| e.decision).collect();
    assert_eq!(kinds, [Decision::Undone, Decision::Same]);
    assert_eq!(log[0].decided_by, "ada");
    assert_eq!(store.identity_log(c).unwrap().len(), 3);
    // Nothing left to undo: refused, nothing written.
    let before = state(&*store, &[a, b, c]);
    assert!(matches!(
        store.undo_decision(b, a, "ada"),
        Err(StoreError::NoDecision { .. })
    ));
    assert_eq!(before, state(&*store, &[a, b, c]));
}

fn refused_decisions_leave_everything_as_it_was(h: &Harness) {
    let store = h.open();
    let [a, b] = people(&*store, &["A", "B"])[..] else {
        panic!()
    };
    let source = store
        .create(
            None,
            Body::from_json(
                Kind::Source,
                json!({"type": "media", "title": "t", "reliability": "C"}),
            )
            .unwrap(),
            "t",
        )
        .unwrap()
        .id;
    let before = state(&*store, &[a, b]);
    let unknown = RecordId::new();
    for (x, y, d) in [
        (a, a, Decision::Same),
        (a, unknown, Decision::Same),
        (a, source, Decision::NotSame),
        (a, b, Decision::Undone),
    ] {
        assert!(store.decide(x, y, d, None, "ed").is_err(), "{d}");
    }
    assert_eq!(before, state(&*store, &[a, b]));
}

fn the_queue_leaves_out_what_is_decided_merged_or_kept_apart(h: &Harness) {
    let store = h.open();
    let ids = people(&*store, &["p0", "p1", "p2", "p3", "p4", "p5", "p6"]);
    let [p0, p1, p2, p3, p4, p5, p6] = ids[..] else {
        panic!()
    };
    store
        .set_duplicate_candidates(vec![
            pair(p1, p0, 0.95, &[]),
            pair(p0, p1, 0.7, &[]), // the same pair again: the better score stays
            pair(p2, p3, 0.8, &[]),
            pair(p0, p2, 0.75, &[]),
            pair(p4, p5, 0.65, &["born 1980 and 1969"]),
            pair(p5, p6, 0.62, &[]),
        ])
        .unwrap();
    let queue = store.duplicate_queue(0, 100, false).unwrap();
    let scores: Vec<f64> = queue.iter().map(|q| q.pair.score).collect();
    assert_eq!(scores, [0.95, 0.8, 0.75, 0.65, 0.62], "best first");
    assert_eq!((queue[0].pair.a, queue[0].pair.b), (p0, p1));
    assert_eq!(queue[0].pair.reasons[0].to, "黃之鋒");
    assert_eq!(queue[3].pair.conflicts, ["born 1980 and 1969"]);
    // Paging.
    let second = store.duplicate_queue(1, 2, false).unwrap();
    assert_eq!(second.len(), 2);
    assert_eq!(second[0].pair.score, 0.8);

    store.decide(p0, p1, Decision::Same, None, "ed").unwrap();
    store.decide(p1, p2, Decision::Same, None, "ed").unwrap(); // p0–p2 now merged too
    store.decide(p4, p5, Decision::Unsure, None, "ed").unwrap();
    store.decide(p3, p0, Decision::NotSame, None, "ed").unwrap(); // p2–p3 across a not_same
    let queue = store.duplicate_queue(0, 100, false).unwrap();
    let pairs: Vec<_> = queue.iter().map(|q| (q.pair.a, q.pair.b)).collect();
    assert_eq!(pairs, [(p5, p6)]);
    let unsure = store.duplicate_queue(0, 100, true).unwrap();
    assert_eq!(unsure.len(), 1);
    assert!(unsure[0].unsure && unsure[0].pair.a == p4);
    // An undone merge comes back for review, and with p0 apart again, so
    // do the pairs its merge had settled or blocked.
    store.undo_decision(p0, p1, "ed").unwrap();
    let pairs: Vec<_> = store
        .duplicate_queue(0, 100, false)
        .unwrap()
        .iter()
        .map(|q| (q.pair.a, q.pair.b))
        .collect();
    assert_eq!(pairs, [(p0, p1), (p2, p3), (p0, p2), (p5, p6)]);
}

fn automatic_merges_keep_to_their_rules(h: &Harness) {
    let store = h.open();
    let ids = people(
        &*store,
        &["q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8"],
    );
    let [q0, q1, q2, q3, q4, q5, q6, q7, q8] = ids[..] else {
        panic!()
    };
    // q2 and q3 are not the same; q4 and q5 were looked at by a person
    // (unsure); q6–q7 was merged by a person and undone.
    store.decide(q2, q3, Decision::NotSame, None, "ed").unwrap();
    store.decide(q4, q5, Decision::Unsure, None, "ed").unwrap();
    store.decide(q6, q7, Decision::Same, None, "ed").unwrap();
    store.undo_decision(q6, q7, "ed").unwrap();
    // q1 will join q0; q1–q3 then would join q0's cluster to q3, and q0–q2
    // to q2: q2–q3 keeps q0 out of one of them.
    store.decide(q8, q3, Decision::Same, None, "ed").unwrap();
    store
        .set_duplicate_candidates(vec![
            pair(q0, q1, 0.99, &[]),
            pair(q0, q2, 0.97, &[]),
            pair(q1, q8, 0.96, &[]), // q8 is q3's: q2–q3 is in the way once q0–q2 is made
            pair(q2, q3, 0.98, &[]),
            pair(q4, q5, 0.99, &[]),
            pair(q6, q7, 0.99, &[]),
            pair(q0, q5, 0.93, &["born 1980 and 1969"]),
            pair(q0, q6, AUTO_MERGE_SCORE - 0.01, &[]),
        ])
        .unwrap();
    let g = store.generation();
    let merged = store.auto_merge().unwrap();
    let made: Vec<_> = merged.iter().map(|m| (m.a, m.b)).collect();
    assert_eq!(made, [(q0, q1), (q0, q2)], "{merged:?}");
    assert!(store.generation() > g);
    assert_eq!(store.identity(q2).unwrap().members, vec![q0, q1, q2]);
    assert_eq!(store.identity(q3).unwrap().members, vec![q3, q8]);
    let log = store.identity_log(q1).unwrap();
    assert!(log[0].automatic && log[0].decided_by == "auto");
    assert_eq!(log.iter().find(|e| e.b == q1).unwrap().score, Some(0.99));
    // A second pass finds nothing more to do.
    assert!(store.auto_merge().unwrap().is_empty());
    // A person may still undo an automatic merge, and the pass does not
    // make it again; with q2 gone, q2–q3 no longer keeps q1 from q8.
    store.undo_decision(q0, q2, "ed").unwrap();
    let made: Vec<_> = store
        .auto_merge()
        .unwrap()
        .iter()
        .map(|m| (m.a, m.b))
        .collect();
    assert_eq!(made, [(q1, q8)]);
    assert_eq!(store.identity(q2).unwrap().members, vec![q2]);
    assert_eq!(store.identity(q3).unwrap().members, vec![q0, q1, q3, q8]);
}

fn decisions_survive_reopening(h: &Harness) {
    let (a, b) = {
        let store = h.open();
        let [a, b] = people(&*store, &["A", "B"])[..] else {
            panic!()
        };
        store.decide(a, b, Decision::Same, None, "ed").unwrap();
        (a, b)
    };
    let store = h.open();
    assert_eq!(store.identity(b).unwrap().canonical, a);
}

store_suite!(
    same_is_transitive_and_the_oldest_record_stands_for_the_cluster,
    not_same_blocks_a_later_same_between_the_clusters,
    undoing_a_merge_splits_the_cluster_and_is_in_the_log,
    refused_decisions_leave_everything_as_it_was,
    the_queue_leaves_out_what_is_decided_merged_or_kept_apart,
    automatic_merges_keep_to_their_rules,
    decisions_survive_reopening,
);
