//! Disputes: subjects on which sources contradict each other.
//!
//! Claims contradict when, about the same subject, one asserts what another
//! denies, when one is linked to another as contradicting it, or when they
//! give figures in the same unit whose ranges do not overlap ("1,000,000
//! detained" against "no more than 10,000").

use std::collections::BTreeMap;

use serde::Serialize;

use crate::{Claim, ClaimLinkKind, RecordId, Stance};

/// What claims are about: a record, or a topic (compared case-insensitively
/// with white space folded).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Record(RecordId),
    Topic(String),
}

impl Subject {
    /// The subject a claim is filed under: its record if it names one, else
    /// its topic.
    pub fn of(claim: &Claim) -> Option<Subject> {
        if let Some(r) = &claim.subject.record {
            return Some(Subject::Record(r.id));
        }
        Subject::topic(claim.subject.topic.as_deref()?)
    }

    /// A topic as claims are grouped by it: case and white space folded.
    pub fn topic(text: &str) -> Option<Subject> {
        let folded = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        (!folded.is_empty()).then_some(Subject::Topic(folded))
    }
}

/// Why two claims are in dispute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Contradiction {
    /// One asserts, the other denies.
    Stance,
    /// A claim is linked to the other as contradicting it.
    Linked,
    /// Figures in the same unit whose ranges do not overlap.
    Figures,
}

/// A subject on which claims contradict each other.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dispute {
    pub subject: Subject,
    /// Every claim about the subject.
    pub claims: Vec<RecordId>,
    /// Each contradicting pair once, with why.
    pub contradictions: Vec<(RecordId, RecordId, Contradiction)>,
}

/// The subjects of `claims` on which they contradict each other, the most
/// contested first.
pub fn disputes(claims: &[(RecordId, &Claim)]) -> Vec<Dispute> {
    let mut by_subject: BTreeMap<Subject, Vec<(RecordId, &Claim)>> = BTreeMap::new();
    for (id, claim) in claims {
        if let Some(subject) = Subject::of(claim) {
            by_subject.entry(subject).or_default().push((*id, *claim));
        }
    }
    let mut out: Vec<Dispute> = by_subject
        .into_iter()
        .filter_map(|(subject, group)| {
            let mut contradictions = Vec::new();
            for (i, (a, ca)) in group.iter().enumerate() {
                for (b, cb) in &group[i + 1..] {
                    if let Some(why) = contradiction(*a, ca, *b, cb) {
                        contradictions.push((*a, *b, why));
                    }
                }
            }
            (!contradictions.is_empty()).then(|| Dispute {
                subject,
                claims: group.iter().map(|(id, _)| *id).collect(),
                contradictions,
            })
        })
        .collect();
    out.sort_by_key(|d| std::cmp::Reverse(d.contradictions.len()));
    out
}

fn contradiction(a: RecordId, ca: &Claim, b: RecordId, cb: &Claim) -> Option<Contradiction> {
    let linked = |from: &Claim, to: RecordId| {
        from.links
            .iter()
            .any(|l| l.claim == to && l.kind == ClaimLinkKind::Contradicts)
    };
    if linked(ca, b) || linked(cb, a) {
        return Some(Contradiction::Linked);
    }
    if ca.stance != cb.stance
        && (ca.stance == Stance::Denies || cb.stance == Stance::Denies)
        && same_figure_or_none(ca, cb)
    {
        return Some(Contradiction::Stance);
    }
    match (&ca.quantity, &cb.quantity) {
        (Some(x), Some(y))
            if x.unit.trim().eq_ignore_ascii_case(y.unit.trim())
                && ca.stance == Stance::Asserts
                && cb.stance == Stance::Asserts =>
        {
            let (xl, xh) = range(x);
            let (yl, yh) = range(y);
            (xh < yl || yh < xl).then_some(Contradiction::Figures)
        }
        _ => None,
    }
}

/// Opposite stances contradict unless they speak of different figures
/// (denying "two million" does not contradict asserting "one million").
fn same_figure_or_none(a: &Claim, b: &Claim) -> bool {
    match (&a.quantity, &b.quantity) {
        (Some(x), Some(y)) => range(x) == range(y),
        _ => true,
    }
}

fn range(q: &crate::Quantity) -> (f64, f64) {
    let low = q.low.or(q.value).unwrap_or(f64::NEG_INFINITY);
    let high = q.high.or(q.value).unwrap_or(f64::INFINITY);
    (low, high)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Body, Kind};
    use serde_json::json;

    fn claim(value: serde_json::Value) -> Claim {
        let mut v = json!({"statement": "s", "credibility": 3,
            "source": "00000000-0000-4000-8000-000000000001"});
        v.as_object_mut()
            .unwrap()
            .extend(value.as_object().unwrap().clone());
        match Body::from_json(Kind::Claim, v).unwrap() {
            Body::Claim(c) => c,
            _ => unreachable!(),
        }
    }

    fn id(n: u8) -> RecordId {
        format!("00000000-0000-4000-9000-0000000000{n:02}")
            .parse()
            .unwrap()
    }

    #[test]
    fn opposite_stances_on_one_topic_are_a_dispute() {
        let a =
            claim(json!({"subject": {"topic": "Forced labour in Xinjiang"}, "stance": "asserts"}));
        let b =
            claim(json!({"subject": {"topic": "forced  labour in xinjiang"}, "stance": "denies"}));
        let c = claim(json!({"subject": {"topic": "something else"}, "stance": "asserts"}));
        let found = disputes(&[(id(1), &a), (id(2), &b), (id(3), &c)]);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].subject,
            Subject::Topic("forced labour in xinjiang".into())
        );
        assert_eq!(
            found[0].contradictions,
            [(id(1), id(2), Contradiction::Stance)]
        );
    }

    #[test]
    fn figures_that_cannot_both_be_true_are_a_dispute() {
        let topic = json!({"topic": "detained in camps"});
        let million = claim(json!({"subject": topic, "stance": "asserts",
            "quantity": {"low": 1000000, "high": 1800000, "unit": "persons"}}));
        let few = claim(json!({"subject": topic, "stance": "asserts",
            "quantity": {"high": 10000, "unit": "persons"}}));
        let overlapping = claim(json!({"subject": topic, "stance": "asserts",
            "quantity": {"value": 1500000, "unit": "persons"}}));
        let found = disputes(&[(id(1), &million), (id(2), &few), (id(3), &overlapping)]);
        assert_eq!(
            found[0].contradictions,
            [
                (id(1), id(2), Contradiction::Figures),
                (id(2), id(3), Contradiction::Figures)
            ]
        );
    }

    #[test]
    fn denying_another_figure_is_no_contradiction() {
        let topic = json!({"topic": "detained"});
        let a = claim(
            json!({"subject": topic, "stance": "asserts", "quantity": {"value": 1000000, "unit": "persons"}}),
        );
        let b = claim(
            json!({"subject": topic, "stance": "denies", "quantity": {"value": 2000000, "unit": "persons"}}),
        );
        assert!(disputes(&[(id(1), &a), (id(2), &b)]).is_empty());
    }

    #[test]
    fn a_contradicts_link_is_a_dispute() {
        let a = claim(json!({"subject": {"topic": "t"}, "stance": "asserts"}));
        let b = claim(json!({"subject": {"topic": "t"}, "stance": "asserts",
            "links": [{"kind": "contradicts", "claim": id(1).to_string()}]}));
        assert_eq!(
            disputes(&[(id(1), &a), (id(2), &b)])[0].contradictions,
            [(id(1), id(2), Contradiction::Linked)]
        );
    }
}
