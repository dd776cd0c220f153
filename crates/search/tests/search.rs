//! The search index end to end: a real tantivy index in a temporary
//! directory, real text in English, Chinese (both character sets) and
//! Uyghur (Arabic script and ULY).

// A test or bench fails loudly at the first unwrap: that is what it is for.
#![allow(clippy::unwrap_used)]

use vigil_search::{Filters, IndexDoc, SearchIndex, SearchResults};

fn record(key: &str, kind: &str, title: &str, text: &str) -> IndexDoc {
    IndexDoc {
        key: format!("record:{key}"),
        kind: kind.into(),
        id: key.into(),
        title: title.into(),
        text: text.into(),
        ..IndexDoc::default()
    }
}

fn passage(document: &str, n: u32, text: &str) -> IndexDoc {
    IndexDoc {
        key: format!("passage:{document}:{n}"),
        kind: "passage".into(),
        id: document.into(),
        document: Some(document.into()),
        paragraph: Some(n),
        text: text.into(),
        ..IndexDoc::default()
    }
}

fn everything() -> Filters {
    Filters {
        max_confidentiality: 2,
        ..Filters::default()
    }
}

fn ids(results: &SearchResults) -> Vec<String> {
    let mut v: Vec<String> = results
        .hits
        .iter()
        .map(|h| match h.paragraph {
            Some(p) => format!("{}#{p}", h.id),
            None => h.id.clone(),
        })
        .collect();
    v.sort();
    v
}

/// An on-disk index with a small corpus in three languages.
fn corpus() -> (tempfile::TempDir, SearchIndex) {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    assert!(index.needs_rebuild());
    let docs = [
        passage(
            "hrw",
            1,
            "Ilham Tohti was detained in Beijing in January 2014 and sentenced to life \
             imprisonment for separatism after a two-day trial.",
        ),
        passage(
            "hrw",
            2,
            "Former detainees describe the re-education camps in Xinjiang as places of \
             political indoctrination.",
        ),
        passage(
            "rfa-zh",
            1,
            "多名前被拘留者描述了新疆再教育營內的政治灌輸，以及對維吾爾族人的酷刑。",
        ),
        passage(
            "xinhua",
            1,
            "官方称新疆职业技能教育培训中心是自愿参加的，否认存在再教育营。",
        ),
        passage(
            "rfa-ug",
            1,
            "ئىلھام توختى 2014-يىلى قولغا ئېلىنغان. ئۇ لاگېردا ئەمەس، تۈرمىدە.",
        ),
        passage(
            "uly",
            1,
            "Ilham Toxti 2014-yili qolgha élin'ghan. Nurghun kishi lagérgha qamaldi.",
        ),
        record(
            "p1",
            "person",
            "Ilham Tohti",
            "Uyghur economist, founder of the Uighurbiz website.",
        ),
    ];
    for d in docs {
        index.upsert(d).unwrap();
    }
    index.commit().unwrap();
    (dir, index)
}

#[test]
fn english_words_are_stemmed() {
    let (_dir, index) = corpus();
    let r = index.search("detain", &everything(), 10, 0).unwrap();
    assert_eq!(ids(&r), ["hrw#1"]);
    assert_eq!(r.hits[0].snippet.highlighted(), ["detained"]);
    // Plural and singular, upper and lower case.
    let r = index.search("CAMP", &everything(), 10, 0).unwrap();
    assert_eq!(ids(&r), ["hrw#2"]);
    assert_eq!(r.hits[0].snippet.highlighted(), ["camps"]);
}

#[test]
fn words_are_anded_and_phrases_are_exact() {
    let (_dir, index) = corpus();
    let r = index
        .search("Tohti sentenced", &everything(), 10, 0)
        .unwrap();
    assert_eq!(ids(&r), ["hrw#1"]);
    let r = index.search("Tohti website", &everything(), 10, 0).unwrap();
    assert_eq!(ids(&r), ["p1"]);
    let r = index
        .search("\"life imprisonment\"", &everything(), 10, 0)
        .unwrap();
    assert_eq!(ids(&r), ["hrw#1"]);
    let r = index
        .search("\"imprisonment life\"", &everything(), 10, 0)
        .unwrap();
    assert_eq!(r.total, 0);
    let r = index
        .search("\"re-education camps\"", &everything(), 10, 0)
        .unwrap();
    assert_eq!(ids(&r), ["hrw#2"]);
    let r = index
        .search("tohti -beijing", &everything(), 10, 0)
        .unwrap();
    assert_eq!(ids(&r), ["p1"]);
}

#[test]
fn title_matches_rank_first() {
    let (_dir, index) = corpus();
    let r = index.search("Tohti", &everything(), 10, 0).unwrap();
    assert_eq!(r.total, 2);
    assert_eq!(r.hits[0].id, "p1");
    assert_eq!(r.hits[0].kind, "person");
    assert_eq!(r.hits[0].title, "Ilham Tohti");
}

#[test]
fn simplified_finds_traditional_and_back() {
    let (_dir, index) = corpus();
    // Simplified query, traditional text.
    let r = index.search("新疆再教育营", &everything(), 10, 0).unwrap();
    assert_eq!(ids(&r), ["rfa-zh#1", "xinhua#1"]);
    let hit = r.hits.iter().find(|h| h.id == "rfa-zh").unwrap();
    assert_eq!(hit.document.as_deref(), Some("rfa-zh"));
    assert_eq!(hit.paragraph, Some(1));
    let marked = hit.snippet.highlighted().concat();
    assert!(marked.contains("新疆"), "{:?}", hit.snippet);
    assert!(marked.contains("營"), "{:?}", hit.snippet);
    // Traditional query, simplified text.
    let r = index.search("再教育營", &everything(), 10, 0).unwrap();
    assert_eq!(ids(&r), ["rfa-zh#1", "xinhua#1"]);
    let r = index.search("維吾爾", &everything(), 10, 0).unwrap();
    assert_eq!(ids(&r), ["rfa-zh#1"]);
    // The matched word inside 維吾爾族 is what is marked.
    assert_eq!(r.hits[0].snippet.highlighted(), ["維吾爾"]);
    let r = index.search("维吾尔", &everything(), 10, 0).unwrap();
    assert_eq!(ids(&r), ["rfa-zh#1"]);
    // A phrase in either character set.
    let r = index.search("「政治灌输」", &everything(), 10, 0).unwrap();
    assert_eq!(ids(&r), ["rfa-zh#1"]);
    assert_eq!(r.hits[0].snippet.highlighted(), ["政治灌輸"]);
    let r = index.search("\"职业技能\"", &everything(), 10, 0).unwrap();
    assert_eq!(ids(&r), ["xinhua#1"]);
}

#[test]
fn latin_finds_arabic_script_uyghur_and_back() {
    let (_dir, index) = corpus();
    let r = index.search("Ilham Toxti", &everything(), 10, 0).unwrap();
    assert_eq!(ids(&r), ["rfa-ug#1", "uly#1"]);
    let hit = r.hits.iter().find(|h| h.id == "rfa-ug").unwrap();
    assert_eq!(hit.snippet.highlighted(), ["ئىلھام", "توختى"]);
    // "lager" (typed without the é) finds لاگېردا? No: that is lagérda,
    // another word form; the bare stem finds the ULY and Arabic forms that
    // are the same word.
    let r = index.search("toxti", &everything(), 10, 0).unwrap();
    assert_eq!(ids(&r), ["rfa-ug#1", "uly#1"]);
    // Arabic-script query, ULY text (and Arabic text).
    let r = index.search("توختى", &everything(), 10, 0).unwrap();
    assert_eq!(ids(&r), ["rfa-ug#1", "uly#1"]);
    let hit = r.hits.iter().find(|h| h.id == "uly").unwrap();
    assert_eq!(hit.snippet.highlighted(), ["Toxti"]);
    // The apostrophe of ULY is not needed: élin'ghan / ئېلىنغان.
    let r = index.search("ئېلىنغان", &everything(), 10, 0).unwrap();
    assert_eq!(ids(&r), ["rfa-ug#1", "uly#1"]);
}

#[test]
fn lager_finds_the_camp_in_arabic_script() {
    let index = SearchIndex::in_memory().unwrap();
    index
        .upsert(passage("ug", 1, "ئۇ لاگېر ھەققىدە سۆزلىدى."))
        .unwrap();
    index
        .upsert(passage("en", 1, "He spoke about the camp."))
        .unwrap();
    index.commit().unwrap();
    let r = index.search("lager", &everything(), 10, 0).unwrap();
    assert_eq!(ids(&r), ["ug#1"]);
    assert_eq!(r.hits[0].snippet.highlighted(), ["لاگېر"]);
    let r = index.search("lagér", &everything(), 10, 0).unwrap();
    assert_eq!(ids(&r), ["ug#1"]);
}

#[test]
fn filters_by_kind_date_grade_source_kind_place_and_confidentiality() {
    let index = SearchIndex::in_memory().unwrap();
    let base = |key: &str| IndexDoc {
        key: format!("record:{key}"),
        kind: "event".into(),
        id: key.into(),
        title: format!("Detention {key}"),
        text: "A detention in Urumqi.".into(),
        ..IndexDoc::default()
    };
    index
        .upsert(IndexDoc {
            date_start: Some("2017-04-01".into()),
            date_end: Some("2017-04-30".into()),
            place: Some("urumqi".into()),
            confidentiality: 0,
            ..base("e2017")
        })
        .unwrap();
    index
        .upsert(IndexDoc {
            date_start: Some("2019-01-01".into()),
            date_end: Some("2020-12-31".into()),
            place: Some("kashgar".into()),
            confidentiality: 1,
            ..base("e2019")
        })
        .unwrap();
    index
        .upsert(IndexDoc {
            kind: "source".into(),
            source_kind: Some("report".into()),
            grade: Some("A1".into()),
            confidentiality: 2,
            ..base("s1")
        })
        .unwrap();
    index
        .upsert(IndexDoc {
            kind: "source".into(),
            source_kind: Some("testimony".into()),
            grade: Some("B2".into()),
            ..base("s2")
        })
        .unwrap();
    index.commit().unwrap();

    let search = |f: Filters| ids(&index.search("detention", &f, 10, 0).unwrap());
    let all = everything();
    assert_eq!(search(all.clone()), ["e2017", "e2019", "s1", "s2"]);
    assert_eq!(
        search(Filters {
            kinds: vec!["event".into()],
            ..all.clone()
        }),
        ["e2017", "e2019"]
    );
    assert_eq!(
        search(Filters {
            kinds: vec!["event".into(), "source".into()],
            ..all.clone()
        }),
        ["e2017", "e2019", "s1", "s2"]
    );
    // Overlap: 2018-06..2019-02 touches only the 2019–2020 event.
    assert_eq!(
        search(Filters {
            from: Some("2018-06".into()),
            to: Some("2019-02-01".into()),
            ..all.clone()
        }),
        ["e2019"]
    );
    assert_eq!(
        search(Filters {
            from: Some("2017-04-30".into()),
            ..all.clone()
        }),
        ["e2017", "e2019"]
    );
    assert_eq!(
        search(Filters {
            to: Some("2017".into()),
            ..all.clone()
        }),
        ["e2017"]
    );
    assert_eq!(
        search(Filters {
            grades: vec!["A1".into()],
            ..all.clone()
        }),
        ["s1"]
    );
    assert_eq!(
        search(Filters {
            source_kind: Some("testimony".into()),
            ..all.clone()
        }),
        ["s2"]
    );
    assert_eq!(
        search(Filters {
            place: Some("kashgar".into()),
            ..all.clone()
        }),
        ["e2019"]
    );
    // Confidentiality: public only by default, then internal.
    assert_eq!(search(Filters::default()), ["e2017", "s2"]);
    assert_eq!(
        search(Filters {
            max_confidentiality: 1,
            ..Filters::default()
        }),
        ["e2017", "e2019", "s2"]
    );
    // A bad filter date is an error (it comes from the server's parsing,
    // not from the query text).
    assert!(index
        .search(
            "detention",
            &Filters {
                from: Some("yesterday".into()),
                ..all
            },
            10,
            0
        )
        .is_err());
}

#[test]
fn upsert_replaces_and_delete_removes() {
    let (dir, index) = corpus();
    index
        .upsert(record(
            "p1",
            "person",
            "Ilham Tohti",
            "Professor of economics.",
        ))
        .unwrap();
    index.commit().unwrap();
    assert_eq!(
        index.search("website", &everything(), 10, 0).unwrap().total,
        0
    );
    assert_eq!(
        ids(&index.search("economics", &everything(), 10, 0).unwrap()),
        ["p1"]
    );
    index.delete("record:p1").unwrap();
    index.commit().unwrap();
    assert_eq!(
        index
            .search("economics", &everything(), 10, 0)
            .unwrap()
            .total,
        0
    );
    index.delete_passages_of("hrw").unwrap();
    index.commit().unwrap();
    assert_eq!(
        index.search("detain", &everything(), 10, 0).unwrap().total,
        0
    );
    let remaining = index.num_docs();
    drop(index);
    // Reopening keeps the index and does not ask for a rebuild.
    let again = SearchIndex::open(dir.path()).unwrap();
    assert!(!again.needs_rebuild());
    assert_eq!(again.num_docs(), remaining);
    again.clear().unwrap();
    again.commit().unwrap();
    assert_eq!(again.num_docs(), 0);
}

#[test]
fn paging_and_total() {
    let index = SearchIndex::in_memory().unwrap();
    for i in 0..25 {
        index
            .upsert(passage(
                "d",
                i,
                &format!("Trial number {i} of the camp detainees."),
            ))
            .unwrap();
    }
    index.commit().unwrap();
    let first = index.search("trial", &everything(), 10, 0).unwrap();
    let third = index.search("trial", &everything(), 10, 20).unwrap();
    assert_eq!(first.total, 25);
    assert_eq!(first.hits.len(), 10);
    assert_eq!(third.hits.len(), 5);
    let counted = index.search("trial", &everything(), 0, 0).unwrap();
    assert_eq!(counted.total, 25);
    assert!(counted.hits.is_empty());
}

#[test]
fn odd_user_input_never_errors() {
    let (_dir, index) = corpus();
    for q in [
        "",
        "   ",
        "\"",
        "\"unbalanced quote",
        "title:",
        ":::",
        "kind:person Tohti",
        "(Tohti",
        "Tohti)",
        "+-!^~*?",
        "AND OR NOT",
        "[2014 TO 2015]",
        "-",
        "--Tohti",
        "-Tohti",
        "\u{0}\u{200B}",
        "「」",
        "\"\"",
        "新疆\"再教育",
        "ئىلھام\"",
        "a".repeat(10_000).as_str(),
        "的",
    ] {
        index
            .search(q, &everything(), 10, 0)
            .unwrap_or_else(|e| panic!("{q:?}: {e}"));
    }
    // Punctuation around a word does not stop it matching.
    let r = index
        .search("Tohti: (economist", &everything(), 10, 0)
        .unwrap();
    assert_eq!(ids(&r), ["p1"]);
    let r = index.search("\"Tohti", &everything(), 10, 0).unwrap();
    assert_eq!(r.total, 2);
}

#[test]
fn a_search_right_after_commit_sees_the_write() {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    for i in 0..20u32 {
        index
            .upsert(passage("d", i, &format!("Hearing number h{i} in Kashgar.")))
            .unwrap();
        index.commit().unwrap();
        let r = index
            .search(&format!("h{i}"), &everything(), 10, 0)
            .unwrap();
        assert_eq!(r.total, 1, "write {i} not visible");
    }
}

#[test]
fn a_machine_crash_with_unsynced_writes_asks_for_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("vigil-search-unsynced");
    {
        let index = SearchIndex::open(dir.path()).unwrap();
        index.upsert(passage("d", 1, "Held in Aksu.")).unwrap();
        index.commit().unwrap();
        // Commits are not synced one by one: the marker says so.
        if std::path::Path::new("/proc/sys/kernel/random/boot_id").exists() {
            assert!(marker.exists());
        }
    }
    // Dropping the index synced everything and removed the marker.
    assert!(!marker.exists());
    let index = SearchIndex::open(dir.path()).unwrap();
    assert!(!index.needs_rebuild());
    assert_eq!(index.num_docs(), 1);
    index.upsert(passage("d", 2, "Held in Hotan.")).unwrap();
    index.commit().unwrap();
    // Simulate a crash of the machine: the process never syncs, and the
    // marker is from another boot.
    std::mem::forget(index);
    if std::path::Path::new("/proc/sys/kernel/random/boot_id").exists() {
        std::fs::write(&marker, "another-boot").unwrap();
        let index = SearchIndex::open(dir.path()).unwrap();
        assert!(index.needs_rebuild());
        assert_eq!(index.num_docs(), 0);
    }
}
