//! vigil's demo dataset.
//!
//! [`DEMO_JSONL`] holds a few hundred records about real, public cases and
//! documents in the four areas vigil must handle first: Xinjiang; human
//! rights defenders and lawyers; Hong Kong; China and the international
//! system. It is written in vigil's export format, one JSON object a line
//! (`kind`, `id`, then the body's own fields, without version or
//! timestamps), ordered so that every reference points at a line above it:
//! sources, places, organisations, persons, events, claims.
//!
//! Every figure the brief names is held as a claim of its real source, with
//! the opposing claims linked to it. The few protected witnesses are
//! clearly marked fictional placeholders; no real private individual is
//! described.

use std::str::FromStr;

use serde_json::Value;
use vigil_model::{Body, Kind, RecordId};

/// The demo dataset, one record a line, in vigil's export format.
pub const DEMO_JSONL: &str = include_str!("../data/demo.jsonl");

/// One line of the dataset, parsed.
#[derive(Debug, Clone)]
pub struct DemoRecord {
    /// 1-based line number in [`DEMO_JSONL`].
    pub line: usize,
    pub id: RecordId,
    pub body: Body,
}

/// Parses every line of [`DEMO_JSONL`]. The error names the line and what
/// is wrong with it.
pub fn records() -> Result<Vec<DemoRecord>, String> {
    DEMO_JSONL
        .lines()
        .enumerate()
        .filter(|(_, text)| !text.trim().is_empty())
        .map(|(i, text)| parse_line(i + 1, text))
        .collect()
}

fn parse_line(line: usize, text: &str) -> Result<DemoRecord, String> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| format!("line {line}: not JSON: {e}"))?;
    let kind = value
        .get("kind")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("line {line}: no `kind`"))
        .and_then(|k| Kind::from_str(k).map_err(|e| format!("line {line}: {e}")))?;
    let id = value
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("line {line}: no `id`"))
        .and_then(|id| RecordId::from_str(id).map_err(|e| format!("line {line}: bad id: {e}")))?;
    let body = Body::from_json(kind, value).map_err(|e| format!("line {line}: {e}"))?;
    Ok(DemoRecord { line, id, body })
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use vigil_model::{Claim, ClaimLinkKind, Confidentiality, Stance, Vocabularies};

    use super::*;

    fn all() -> Vec<DemoRecord> {
        records().unwrap_or_else(|e| panic!("{e}"))
    }

    fn claims(records: &[DemoRecord]) -> Vec<(&DemoRecord, &Claim)> {
        records
            .iter()
            .filter_map(|r| match &r.body {
                Body::Claim(c) => Some((r, c)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_line_parses_as_a_body_of_its_kind() {
        let records = all();
        assert_eq!(
            records.len(),
            DEMO_JSONL.lines().count(),
            "no blank lines in the dataset"
        );
        for line in DEMO_JSONL.lines() {
            let value: Value = serde_json::from_str(line).unwrap();
            let obj = value.as_object().unwrap();
            let keys: Vec<&String> = obj.keys().take(2).collect();
            assert_eq!(
                keys,
                ["kind", "id"],
                "each line starts with kind and id: {line}"
            );
            for envelope in ["version", "created_at", "updated_at", "updated_by"] {
                assert!(
                    !obj.contains_key(envelope),
                    "no `{envelope}` in the dataset: {line}"
                );
            }
        }
    }

    #[test]
    fn every_record_validates_against_the_builtin_vocabularies() {
        let vocab = Vocabularies::builtin();
        let failures: Vec<String> = all()
            .iter()
            .filter_map(|r| {
                r.body
                    .validate(&vocab)
                    .err()
                    .map(|e| format!("line {}: {e}", r.line))
            })
            .collect();
        assert!(
            failures.is_empty(),
            "invalid records:\n{}",
            failures.join("\n")
        );
    }

    #[test]
    fn every_reference_resolves_to_a_record_of_the_right_kind() {
        let records = all();
        let kinds: HashMap<RecordId, (Kind, usize)> = records
            .iter()
            .map(|r| (r.id, (r.body.kind(), r.line)))
            .collect();
        let mut failures = Vec::new();
        for r in &records {
            for (pointer, kind, id) in r.body.references() {
                match kinds.get(&id) {
                    None => failures.push(format!(
                        "line {}: {pointer} points at missing {kind} {id}",
                        r.line
                    )),
                    Some((found, _)) if *found != kind => failures.push(format!(
                        "line {}: {pointer} should be a {kind} but {id} is a {found}",
                        r.line
                    )),
                    // Relatives point at each other and claims at claims, so
                    // those may point further down; everything else points up.
                    Some((_, line)) if *line > r.line && kind != r.body.kind() => failures.push(
                        format!("line {}: {pointer} points forward to line {line}", r.line),
                    ),
                    Some(_) => {}
                }
            }
        }
        assert!(
            failures.is_empty(),
            "dangling references:\n{}",
            failures.join("\n")
        );
    }

    #[test]
    fn ids_are_unique_and_kinds_come_in_dependency_order() {
        let records = all();
        let mut seen = HashSet::new();
        for r in &records {
            assert!(seen.insert(r.id), "line {}: duplicate id {}", r.line, r.id);
        }
        for pair in records.windows(2) {
            assert!(
                pair[0].body.kind().dependency_rank() <= pair[1].body.kind().dependency_rank(),
                "line {}: a {} after a {}",
                pair[1].line,
                pair[1].body.kind().singular(),
                pair[0].body.kind().singular()
            );
        }
    }

    #[test]
    fn the_dataset_is_large_and_covers_every_kind_and_area() {
        let records = all();
        assert!(records.len() >= 300, "only {} records", records.len());
        for kind in Kind::ALL {
            let n = records.iter().filter(|r| r.body.kind() == kind).count();
            assert!(n >= 30, "only {n} {kind}");
        }
        let areas: [(&str, &[&str]); 4] = [
            ("Xinjiang", &["Xinjiang", "Uyghur", "新疆"]),
            ("defenders and lawyers", &["lawyer", "709", "subversion"]),
            ("Hong Kong", &["Hong Kong", "香港"]),
            (
                "international system",
                &[
                    "Human Rights Council",
                    "Universal Periodic Review",
                    "treaty",
                    "INTERPOL",
                    "abroad",
                    "ICCPR",
                ],
            ),
        ];
        let texts: Vec<String> = DEMO_JSONL.lines().map(str::to_string).collect();
        for (area, words) in areas {
            let n = texts
                .iter()
                .filter(|t| words.iter().any(|w| t.contains(w)))
                .count();
            assert!(n >= 20, "only {n} records about {area}");
        }
    }

    /// The figures of the brief, each a claim of its real source.
    #[test]
    fn the_brief_figures_are_held_as_claims() {
        let records = all();
        let claims = claims(&records);
        let find = |what: &str, pred: &dyn Fn(&Claim) -> bool| -> RecordId {
            claims
                .iter()
                .find(|(_, c)| pred(c))
                .map(|(r, _)| r.id)
                .unwrap_or_else(|| panic!("no claim holds {what}"))
        };
        let qty = |c: &Claim, unit: &str, n: f64| {
            c.quantity
                .as_ref()
                .is_some_and(|q| q.unit == unit && [q.value, q.low, q.high].contains(&Some(n)))
        };
        find("up to one million detained", &|c| {
            qty(c, "persons", 1_000_000.0)
        });
        let millions: HashSet<RecordId> = claims
            .iter()
            .filter(|(_, c)| qty(c, "persons", 1_000_000.0))
            .map(|(r, _)| r.id)
            .collect();
        find("95.5% satisfaction", &|c| qty(c, "percent", 95.5));
        find("43 lawyers", &|c| qty(c, "lawyers", 43.0));
        find("3 law firms", &|c| qty(c, "law firms", 3.0));
        find("about 300 affected in July 2015", &|c| {
            qty(c, "persons", 300.0)
        });
        find("over 200 NSL arrests by mid-2022", &|c| {
            c.quantity.as_ref().is_some_and(|q| {
                q.unit == "persons"
                    && q.value.is_some_and(|v| v > 200.0)
                    && q.as_of
                        .as_ref()
                        .is_some_and(|d| d.as_str().starts_with("2022"))
            }) && c.statement.contains("National Security Law")
        });
        find("crimes against humanity", &|c| {
            c.quote.as_deref().is_some_and(|q| {
                q.contains(
                    "may constitute international crimes, in particular crimes against humanity",
                )
            })
        });
        find("forced labour 'reasonable to conclude'", &|c| {
            c.quote
                .as_deref()
                .is_some_and(|q| q.contains("reasonable to conclude"))
        });
        find("NSL in force 30 June 2020", &|c| {
            c.statement.contains("30 June 2020")
        });
        find("repeal of the NSL", &|c| {
            c.statement.contains("repeal the National Security Law")
        });
        find("extreme poverty eliminated in 2020", &|c| {
            c.statement.contains("poverty")
                && c.quantity.as_ref().is_some_and(|q| {
                    q.as_of
                        .as_ref()
                        .is_some_and(|d| d.as_str().starts_with("2020"))
                })
        });
        for law in [
            "Cybersecurity Law",
            "Data Security Law",
            "Personal Information Protection Law",
        ] {
            find(law, &|c| c.statement.contains(law));
        }
        // The government's account is recorded against the detention figure.
        let graduated = find("'graduated'", &|c| {
            c.stance == Stance::Denies && c.statement.contains("graduated")
        });
        let (_, g) = claims.iter().find(|(r, _)| r.id == graduated).unwrap();
        assert!(
            g.links
                .iter()
                .any(|l| l.kind == ClaimLinkKind::Contradicts && millions.contains(&l.claim)),
            "the 'graduated' claim contradicts the one-million claim"
        );
    }

    #[test]
    fn every_claim_cites_a_graded_source_and_both_stances_occur() {
        let records = all();
        let sources: HashSet<RecordId> = records
            .iter()
            .filter(|r| matches!(r.body, Body::Source(_)))
            .map(|r| r.id)
            .collect();
        let claims = claims(&records);
        for (r, c) in &claims {
            assert!(
                sources.contains(&c.source),
                "line {}: the claim's source is not a source record",
                r.line
            );
            for link in &c.links {
                assert_ne!(link.claim, r.id, "line {}: a claim links to itself", r.line);
            }
        }
        for stance in [Stance::Asserts, Stance::Denies] {
            assert!(
                claims.iter().any(|(_, c)| c.stance == stance),
                "no claim {stance:?}"
            );
        }
        assert!(claims
            .iter()
            .any(|(_, c)| c.links.iter().any(|l| l.kind == ClaimLinkKind::Contradicts)));
        assert!(claims.iter().any(|(_, c)| c
            .links
            .iter()
            .any(|l| l.kind == ClaimLinkKind::SameFigureAs)));
    }

    #[test]
    fn protected_witnesses_are_restricted_placeholders() {
        let records = all();
        let mut protected = 0;
        for r in &records {
            if let Body::Person(p) = &r.body {
                if p.protected {
                    protected += 1;
                    assert_eq!(
                        p.confidentiality,
                        Confidentiality::Restricted,
                        "line {}",
                        r.line
                    );
                    assert!(
                        p.names.is_empty(),
                        "line {}: a protected witness has no names here",
                        r.line
                    );
                    assert!(
                        p.unidentified
                            .as_deref()
                            .is_some_and(|u| u.contains("fictional")),
                        "line {}: protected witnesses are marked fictional",
                        r.line
                    );
                }
            }
        }
        assert!(protected >= 3);
        let levels: HashSet<Confidentiality> =
            records.iter().map(|r| r.body.confidentiality()).collect();
        assert_eq!(
            levels.len(),
            3,
            "public, internal and restricted records all occur"
        );
    }

    #[test]
    fn names_come_in_several_scripts() {
        use vigil_model::{detect_script, Script};
        let records = all();
        let mut scripts = HashSet::new();
        for r in &records {
            if let Body::Person(p) = &r.body {
                for n in &p.names {
                    scripts.insert(detect_script(&n.text));
                }
            }
        }
        for s in [
            Script::Latn,
            Script::Arab,
            Script::Cyrl,
            Script::Hans,
            Script::Hant,
        ] {
            assert!(scripts.contains(&s), "no person name in {s:?}");
        }
    }
}
