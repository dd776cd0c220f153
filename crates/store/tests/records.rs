//! The SQLite store through its public interface, on real files.

// A test or bench fails loudly at the first unwrap: that is what it is for.
#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

use common::Harness;
use serde_json::json;
use vigil_model::{Body, Confidentiality, Kind, RecordId};
use vigil_store::prelude::*;
use vigil_store::{Filter, ImportItem, ImportProblem, Page, Role, StoreError};

fn body(kind: Kind, value: serde_json::Value) -> Body {
    Body::from_json(kind, value).unwrap()
}

fn person(name: &str) -> Body {
    body(Kind::Person, json!({"names": [{"text": name}]}))
}

fn source(store: &dyn Store) -> RecordId {
    store
        .create(
            None,
            body(
                Kind::Source,
                json!({"type": "un_document", "title": "OHCHR assessment", "reliability": "A"}),
            ),
            "t",
        )
        .unwrap()
        .id
}

fn create_detects_scripts_and_reads_back(h: &Harness) {
    let store = h.open();
    let b = body(
        Kind::Person,
        json!({"names": [{"text": "伊力哈木·土赫提"}, {"text": "Ilham Tohti"}, {"text": "ئىلھام توختى"}]}),
    );
    let created = store.create(None, b, "alice").unwrap();
    assert_eq!(created.version, 1);
    let Body::Person(p) = &created.body else {
        panic!()
    };
    let scripts: Vec<_> = p.names.iter().map(|n| n.script.unwrap()).collect();
    assert_eq!(format!("{scripts:?}"), "[Hani, Latn, Arab]");
    let read = store.get(Kind::Person, created.id).unwrap().unwrap();
    assert_eq!(read, created);
    assert_eq!(read.meta.updated_by.as_deref(), Some("alice"));
    assert!(
        store.get(Kind::Event, created.id).unwrap().is_none(),
        "kind is part of identity"
    );
}

fn stale_update_is_refused_and_history_keeps_every_version(h: &Harness) {
    let store = h.open();
    let r = store.create(None, person("Wang Quanzhang"), "a").unwrap();
    let v2 = store
        .update(Kind::Person, r.id, 1, person("王全璋"), "b")
        .unwrap();
    assert_eq!(v2.version, 2);
    assert_eq!(v2.meta.created_at, r.meta.created_at);
    match store.update(Kind::Person, r.id, 1, person("stale"), "c") {
        Err(StoreError::Conflict {
            expected: 1,
            current: 2,
            ..
        }) => {}
        other => panic!("expected a conflict, got {other:?}"),
    }
    let history = store.history(Kind::Person, r.id).unwrap();
    assert_eq!(
        history.iter().map(|h| h.version).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(history[0].record.as_ref().unwrap().body, r.body);
    assert_eq!(history[1].written_by.as_deref(), Some("b"));
}

fn references_must_exist_and_block_deletion(h: &Harness) {
    let store = h.open();
    let ghost = RecordId::new();
    let event = body(
        Kind::Event,
        json!({"type": "detention.rsdl", "participants": [{"person": ghost.to_string(), "role": "victim"}]}),
    );
    match store.create(None, event, "t") {
        Err(StoreError::Invalid(e)) => assert_eq!(e.0[0].pointer, "/participants/0/person"),
        other => panic!("{other:?}"),
    }
    let p = store.create(None, person("Li Heping"), "t").unwrap();
    let event = body(
        Kind::Event,
        json!({"type": "detention.rsdl", "participants": [{"person": p.id.to_string(), "role": "victim"}]}),
    );
    let e = store.create(None, event, "t").unwrap();
    assert!(matches!(
        store.delete(Kind::Person, p.id, None, "t"),
        Err(StoreError::StillReferenced { referrers: 1, .. })
    ));
    store.delete(Kind::Event, e.id, Some(1), "t").unwrap();
    store.delete(Kind::Person, p.id, Some(1), "t").unwrap();
    assert!(store.get(Kind::Person, p.id).unwrap().is_none());
    let history = store.history(Kind::Person, p.id).unwrap();
    assert_eq!(history.len(), 2, "the deleted record's past stays readable");
    assert!(history[1].record.is_none());
}

fn a_reference_to_the_wrong_kind_is_refused(h: &Harness) {
    let store = h.open();
    let p = store.create(None, person("x"), "t").unwrap();
    let event = body(
        Kind::Event,
        json!({"type": "trial", "place": p.id.to_string()}),
    );
    match store.create(None, event, "t") {
        Err(StoreError::Invalid(e)) => {
            assert!(e.0[0].detail.contains("is a person, not a place"), "{e}")
        }
        other => panic!("{other:?}"),
    }
}

fn filters_by_type_hierarchy_place_hierarchy_person_date_text_and_confidentiality(h: &Harness) {
    let store = h.open();
    let xj = store
        .create(
            None,
            body(
                Kind::Place,
                json!({"names": [{"text": "Xinjiang"}], "type": "region"}),
            ),
            "t",
        )
        .unwrap()
        .id;
    let kashgar = store
        .create(None, body(Kind::Place, json!({"names": [{"text": "Kashgar"}], "type": "prefecture", "parent": xj.to_string()})), "t")
        .unwrap()
        .id;
    let p = store.create(None, person("Rahile Dawut"), "t").unwrap().id;
    let mk = |t: &str, date: &str, place: RecordId, c: &str, desc: &str| {
        body(
            Kind::Event,
            json!({"type": t, "date": date, "place": place.to_string(), "confidentiality": c,
            "description": desc, "participants": [{"person": p.to_string(), "role": "victim"}]}),
        )
    };
    let camp = store
        .create(
            None,
            mk(
                "detention.camp",
                "2017-12",
                kashgar,
                "public",
                "Disappeared in Ürümqi",
            ),
            "t",
        )
        .unwrap()
        .id;
    let trial = store
        .create(
            None,
            mk("trial", "2018?", xj, "internal", "secret trial"),
            "t",
        )
        .unwrap()
        .id;
    let hidden = store
        .create(
            None,
            mk("sentence", "2018/2019", xj, "restricted", "life sentence"),
            "t",
        )
        .unwrap()
        .id;
    let ids = |f: Filter| -> Vec<RecordId> {
        store
            .list(Kind::Event, &f, &Page::default())
            .unwrap()
            .records
            .into_iter()
            .map(|r| r.id)
            .collect()
    };
    let all = Filter {
        max_confidentiality: Confidentiality::Restricted,
        ..Filter::default()
    };
    assert_eq!(
        ids(Filter {
            record_type: Some("detention".into()),
            ..all.clone()
        }),
        [camp]
    );
    let mut in_xj = ids(Filter {
        place: Some(xj),
        ..all.clone()
    });
    in_xj.sort();
    let mut expected = vec![camp, trial, hidden];
    expected.sort();
    assert_eq!(in_xj, expected, "a place includes the places inside it");
    assert_eq!(
        ids(Filter {
            place: Some(kashgar),
            ..all.clone()
        }),
        [camp]
    );
    assert_eq!(
        ids(Filter {
            linked_to: Some(p),
            ..all.clone()
        })
        .len(),
        3
    );
    assert_eq!(
        ids(Filter {
            from: Some("2018-06".into()),
            ..all.clone()
        })
        .len(),
        2
    );
    assert_eq!(
        ids(Filter {
            to: Some("2017".into()),
            ..all.clone()
        }),
        [camp]
    );
    assert_eq!(
        ids(Filter {
            text: Some("ÜRÜMQI disappeared".into()),
            ..all.clone()
        }),
        [camp]
    );
    assert_eq!(
        ids(Filter {
            text: Some("100%".into()),
            ..all.clone()
        }),
        Vec::<RecordId>::new()
    );
    assert_eq!(
        ids(Filter {
            max_confidentiality: Confidentiality::Public,
            ..Filter::default()
        }),
        [camp]
    );
    assert_eq!(
        ids(Filter {
            max_confidentiality: Confidentiality::Internal,
            ..Filter::default()
        })
        .len(),
        2
    );
}

fn cursor_paging_visits_every_record_once(h: &Harness) {
    let store = h.open();
    for i in 0..25 {
        store.create(None, person(&format!("p{i}")), "t").unwrap();
    }
    let filter = Filter::default();
    let mut seen = Vec::new();
    let mut page = Page {
        after: None,
        limit: 10,
    };
    loop {
        let result = store.list(Kind::Person, &filter, &page).unwrap();
        seen.extend(result.records.iter().map(|r| r.id));
        match result.next {
            Some(c) => page.after = Some(c),
            None => break,
        }
    }
    assert_eq!(seen.len(), 25);
    let mut sorted = seen.clone();
    sorted.dedup();
    assert_eq!(sorted.len(), 25);
}

fn item(id: RecordId, b: Body, line: u32) -> Result<ImportItem, ImportProblem> {
    Ok(ImportItem {
        id,
        body: b,
        origin: format!("f.jsonl:{line}"),
    })
}

fn import_is_all_or_nothing_and_idempotent(h: &Harness) {
    let store = h.open();
    let src = source(&*store);
    let a = RecordId::derived("a");
    let claim = RecordId::derived("claim");
    // The claim refers to a person that comes later in the same import.
    let claim_body = body(
        Kind::Claim,
        json!({"subject": {"record": {"kind": "person", "id": a.to_string()}},
        "statement": "detained", "stance": "asserts", "credibility": 2, "source": src.to_string()}),
    );
    let good = || {
        vec![
            item(claim, claim_body.clone(), 1),
            item(a, person("Gulshan Abbas"), 2),
        ]
    };

    let mut bad = good();
    bad.push(item(
        RecordId::derived("b"),
        body(Kind::Event, json!({"type": "no_such_type"})),
        3,
    ));
    let outcome = store.import(&mut bad.into_iter(), false, "t").unwrap();
    assert!(!outcome.committed);
    assert_eq!(outcome.problems.len(), 1);
    assert_eq!(outcome.problems[0].origin, "f.jsonl:3");
    assert_eq!(outcome.problems[0].field.as_deref(), Some("/type"));
    assert_eq!(
        store.counts().unwrap().iter().map(|c| c.1).sum::<u64>(),
        1,
        "only the source made before"
    );

    let dry = store.import(&mut good().into_iter(), true, "t").unwrap();
    assert!(!dry.committed && dry.problems.is_empty() && dry.created == 2);
    assert!(
        store.get(Kind::Person, a).unwrap().is_none(),
        "a dry run writes nothing"
    );

    let first = store.import(&mut good().into_iter(), false, "t").unwrap();
    assert!(first.committed);
    assert_eq!((first.created, first.updated, first.unchanged), (2, 0, 0));
    let again = store.import(&mut good().into_iter(), false, "t").unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 2));
    assert_eq!(store.get(Kind::Person, a).unwrap().unwrap().version, 1);

    let changed = store
        .import(
            &mut vec![item(a, person("古丽仙·阿巴斯"), 1)].into_iter(),
            false,
            "t",
        )
        .unwrap();
    assert_eq!(changed.updated, 1);
    assert_eq!(store.history(Kind::Person, a).unwrap().len(), 2);
}

fn import_reports_dangling_references_and_kind_clashes(h: &Harness) {
    let store = h.open();
    let p = store.create(None, person("x"), "t").unwrap().id;
    let ghost = RecordId::derived("ghost");
    let items = vec![
        item(p, body(Kind::Event, json!({"type": "trial"})), 1),
        item(
            RecordId::derived("e"),
            body(
                Kind::Event,
                json!({"type": "trial", "place": ghost.to_string()}),
            ),
            2,
        ),
    ];
    let outcome = store.import(&mut items.into_iter(), false, "t").unwrap();
    assert_eq!(outcome.problems.len(), 2, "{:?}", outcome.problems);
    assert!(outcome.problems[0]
        .message
        .contains("already belongs to a person"));
    assert_eq!(outcome.problems[1].field.as_deref(), Some("/place"));
}

fn export_streams_in_dependency_order(h: &Harness) {
    let store = h.open();
    store.create(None, person("x"), "t").unwrap();
    source(&*store);
    let mut kinds = Vec::new();
    let n = store
        .export(&Kind::ALL, &mut |r| {
            kinds.push(r.kind());
            Ok(())
        })
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(kinds, [Kind::Source, Kind::Person]);
}

fn tokens_authenticate_their_user_and_vocabulary_terms_persist(h: &Harness) {
    {
        let store = h.open();
        store.create_user("ed", Role::Editor).unwrap();
        assert!(matches!(
            store.create_user("ed", Role::Admin),
            Err(StoreError::Duplicate(_))
        ));
        let token = store.create_token("ed").unwrap();
        assert_eq!(
            store.authenticate(&token).unwrap().unwrap().role,
            Role::Editor
        );
        assert!(store.authenticate("vigil_0000").unwrap().is_none());
        let term: vigil_model::Term = serde_json::from_value(
            json!({"code": "detention.black_jail", "labels": {"en": "Black jail"}}),
        )
        .unwrap();
        store.add_term("event_type", term, "admin").unwrap();
    }
    let store = h.open();
    assert!(store
        .vocabularies()
        .unwrap()
        .contains("event_type", "detention.black_jail"));
    store
        .create(
            None,
            body(Kind::Event, json!({"type": "detention.black_jail"})),
            "t",
        )
        .unwrap();
}

fn passwords_and_sessions(h: &Harness) {
    let store = h.open();
    store.create_user("amina", Role::Editor).unwrap();
    assert!(matches!(
        store.set_password("amina", "short"),
        Err(StoreError::Invalid(_))
    ));
    store
        .set_password("amina", "a long enough passphrase")
        .unwrap();
    assert!(store
        .check_password("amina", "a long enough passphrase")
        .unwrap()
        .is_some());
    assert!(store
        .check_password("amina", "a long enough passphrasE")
        .unwrap()
        .is_none());
    assert!(store
        .check_password("nobody", "a long enough passphrase")
        .unwrap()
        .is_none());

    let session = store
        .create_session("amina", time::Duration::hours(1))
        .unwrap();
    let (user, csrf) = store.session(&session.token).unwrap().unwrap();
    assert_eq!(
        (user.name.as_str(), csrf.as_str()),
        ("amina", session.csrf.as_str())
    );
    assert!(
        store.session(&session.csrf).unwrap().is_none(),
        "the CSRF token is not a session"
    );
    store.delete_session(&session.token).unwrap();
    assert!(store.session(&session.token).unwrap().is_none());
    let expired = store
        .create_session("amina", time::Duration::seconds(-1))
        .unwrap();
    assert!(store.session(&expired.token).unwrap().is_none());
}

fn summary_counts_only_what_the_level_allows_and_knows_who_is_detained(h: &Harness) {
    let store = h.open();
    let region = store
        .create(
            None,
            body(
                Kind::Place,
                json!({"names": [{"text": "Xinjiang"}], "type": "region"}),
            ),
            "t",
        )
        .unwrap()
        .id;
    let camp = store
        .create(None, body(Kind::Place, json!({"names": [{"text": "Camp"}], "type": "facility", "facility_type": "camp", "parent": region.to_string()})), "t")
        .unwrap()
        .id;
    let public_person = |name: &str| {
        body(
            Kind::Person,
            json!({"names": [{"text": name}], "confidentiality": "public"}),
        )
    };
    let held = store.create(None, public_person("Held"), "t").unwrap().id;
    let freed = store.create(None, public_person("Freed"), "t").unwrap().id;
    let hidden = store
        .create(None, person("Internal person"), "t")
        .unwrap()
        .id;
    let event = |t: &str, date: &str, who: RecordId, c: &str| {
        body(
            Kind::Event,
            json!({"type": t, "date": date, "place": camp.to_string(), "confidentiality": c,
            "participants": [{"person": who.to_string(), "role": "victim"}]}),
        )
    };
    for (t, d, who, c) in [
        ("detention.camp", "2017-05", held, "public"),
        ("detention.camp", "2017-06", freed, "public"),
        ("release.camp_graduation", "2019", freed, "public"),
        ("torture", "2018", held, "restricted"),
        ("detention.rsdl", "2020", hidden, "public"),
    ] {
        store.create(None, event(t, d, who, c), "t").unwrap();
    }
    let public = store.summary(Confidentiality::Public).unwrap();
    let count = |s: &vigil_store::Summary, k: Kind| {
        s.counts.iter().find(|c| c.0 == k).map(|c| c.1).unwrap_or(0)
    };
    assert_eq!(count(&public, Kind::Event), 4);
    assert_eq!(
        public.events_by_area,
        vec![(region, 4)],
        "the camp's events count for its region"
    );
    assert_eq!(
        public.events_by_year,
        vec![
            ("2017".to_string(), 2),
            ("2019".to_string(), 1),
            ("2020".to_string(), 1)
        ]
    );
    assert_eq!(
        public.detained.iter().map(|d| d.0).collect::<Vec<_>>(),
        vec![held],
        "not the released, not the hidden"
    );
    let all = store.summary(Confidentiality::Restricted).unwrap();
    assert_eq!(count(&all, Kind::Event), 5);
    assert_eq!(all.detained.len(), 2);
    assert!(all.events_by_type.contains(&("torture".to_string(), 1)));
    let before = store.generation();
    store.create(None, person("x"), "t").unwrap();
    assert!(
        store.generation() > before,
        "a write changes the generation"
    );
}

/// An import writes its feed rows many to a statement: every record is in
/// the change feed and every person in the name-key feed, in import order,
/// across full statements and the rows left over.
fn import_feeds_hold_every_record_in_order(h: &Harness) {
    let store = h.open();
    let people: Vec<(RecordId, Body)> = (0..1_100)
        .map(|i| {
            let b = body(
                Kind::Person,
                json!({"names": [{"text": format!("Person {i}")}], "birth_date": format!("{}", 1950 + i % 50)}),
            );
            (RecordId::new(), b)
        })
        .collect();
    let mut items = people
        .iter()
        .enumerate()
        .map(|(i, (id, b))| item(*id, b.clone(), i as u32 + 1));
    assert!(store.import(&mut items, false, "test").unwrap().committed);
    let mut changed = Vec::new();
    store
        .changes_since(0, 10_000, &mut |c| {
            if let vigil_store::Change::Record(id) = c {
                changed.push(id)
            }
        })
        .unwrap();
    let ids: Vec<RecordId> = people.iter().map(|(id, _)| *id).collect();
    assert_eq!(changed, ids);
    let mut keyed = Vec::new();
    store.name_keys_since(0, &mut |e| keyed.push(e)).unwrap();
    assert_eq!(keyed.iter().map(|e| e.person).collect::<Vec<_>>(), ids);
    for (i, entry) in keyed.iter().enumerate() {
        assert!(
            entry.keys.as_deref().unwrap().contains(&format!("{i}")),
            "{:?}",
            entry.keys
        );
        assert_eq!(entry.birth_year, Some(1950 + (i as i32) % 50));
    }
}

/// An import follows the file's order, whatever it writes in bulk: a
/// record given twice is created by its first line and changed by its
/// second, and a record may point at one written just before it.
fn import_writes_in_file_order(h: &Harness) {
    let store = h.open();
    let a = RecordId::derived("twice");
    let e = RecordId::derived("event");
    let mut items = vec![
        item(a, person("Rahile Dawut"), 1),
        item(
            e,
            body(
                Kind::Event,
                json!({"type": "detention.rsdl", "participants": [{"person": a.to_string(), "role": "victim"}]}),
            ),
            2,
        ),
        item(a, person("热依拉·达吾提"), 3),
    ]
    .into_iter();
    let outcome = store.import(&mut items, false, "t").unwrap();
    assert!(outcome.committed, "{:?}", outcome.problems);
    assert_eq!(
        (outcome.created, outcome.updated, outcome.unchanged),
        (2, 1, 0)
    );
    let person = store.get(Kind::Person, a).unwrap().unwrap();
    assert_eq!(person.version, 2);
    let Body::Person(p) = &person.body else {
        panic!("a person")
    };
    assert_eq!(p.names[0].text, "热依拉·达吾提");
    let linked = store
        .list(
            Kind::Event,
            &Filter {
                linked_to: Some(a),
                max_confidentiality: Confidentiality::Restricted,
                ..Filter::default()
            },
            &Page::default(),
        )
        .unwrap();
    assert_eq!(linked.records.len(), 1);
}

store_suite!(
    create_detects_scripts_and_reads_back,
    stale_update_is_refused_and_history_keeps_every_version,
    references_must_exist_and_block_deletion,
    a_reference_to_the_wrong_kind_is_refused,
    filters_by_type_hierarchy_place_hierarchy_person_date_text_and_confidentiality,
    cursor_paging_visits_every_record_once,
    import_is_all_or_nothing_and_idempotent,
    import_reports_dangling_references_and_kind_clashes,
    export_streams_in_dependency_order,
    tokens_authenticate_their_user_and_vocabulary_terms_persist,
    passwords_and_sessions,
    summary_counts_only_what_the_level_allows_and_knows_who_is_detained,
    import_feeds_hold_every_record_in_order,
    import_writes_in_file_order,
);
