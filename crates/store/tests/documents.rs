//! Documents, their paragraphs, claims anchored in them, and the change
//! feed, through the store's public interface on a real file.

// A test or bench fails loudly at the first unwrap: that is what it is for.
#![allow(clippy::unwrap_used)]

#[macro_use]
mod common;

use common::Harness;
use serde_json::json;
use vigil_model::{Body, Confidentiality, DocumentStatus, Kind, Paragraph};
use vigil_store::{Change, DocumentText, NewDocument, StoreError};

fn new_document(sha: &str) -> NewDocument {
    NewDocument {
        sha256: sha.repeat(64 / sha.len()),
        size: 1234,
        media_type: "application/pdf".into(),
        file_name: "report.pdf".into(),
        source: None,
        confidentiality: Confidentiality::Internal,
    }
}

fn text(paragraphs: &[&str]) -> DocumentText {
    DocumentText::Paragraphs {
        pages: Some(2),
        paragraphs: paragraphs
            .iter()
            .enumerate()
            .map(|(i, t)| Paragraph {
                number: i as u32 + 1,
                page: Some(i as u32 / 2 + 1),
                text: t.to_string(),
                source_start: 0,
                source_end: t.len() as u64,
            })
            .collect(),
    }
}

fn the_same_bytes_are_one_document(h: &Harness) {
    let store = h.open();
    let (doc, created) = store
        .put_document(new_document("ab"), text(&["One.", "Two."]), "ada")
        .unwrap();
    assert!(created);
    assert_eq!(doc.status, DocumentStatus::Extracted);
    assert_eq!((doc.paragraphs, doc.pages), (2, Some(2)));
    let mut again = new_document("ab");
    again.file_name = "copy.pdf".into();
    let (same, created) = store
        .put_document(again, text(&["Other text."]), "ed")
        .unwrap();
    assert!(!created);
    assert_eq!(same, doc, "first name, first reader, first text kept");
    assert_eq!(store.paragraphs(doc.id).unwrap().len(), 2);
}

fn a_failed_extraction_keeps_the_document_and_its_reason(h: &Harness) {
    let store = h.open();
    let (doc, _) = store
        .put_document(
            new_document("cd"),
            DocumentText::Failed("extraction stopped after 10 s".into()),
            "ada",
        )
        .unwrap();
    assert_eq!(doc.status, DocumentStatus::Failed);
    assert_eq!(doc.error.as_deref(), Some("extraction stopped after 10 s"));
    // Read again later (a fixed extractor): the text is filled in.
    let (doc, created) = store
        .put_document(new_document("cd"), text(&["Now readable."]), "ada")
        .unwrap();
    assert!(created);
    assert_eq!((doc.status, doc.error), (DocumentStatus::Extracted, None));
}

fn a_claim_quotes_the_paragraph_it_names_or_is_refused(h: &Harness) {
    let store = h.open();
    let source = store
        .create(
            None,
            Body::from_json(
                Kind::Source,
                json!({"type": "ngo_report", "title": "Report", "reliability": "B"}),
            )
            .unwrap(),
            "t",
        )
        .unwrap()
        .id;
    let (doc, _) = store
        .put_document(
            new_document("ef"),
            text(&[
                "Introduction.",
                "At least 1,000,000 people were held in “vocational\ntraining” centres.",
            ]),
            "ada",
        )
        .unwrap();
    let claim = |paragraph: u32, quote: &str| {
        Body::from_json(
            Kind::Claim,
            json!({"subject": {"topic": "detentions"}, "statement": "About a million held",
                   "stance": "asserts", "credibility": 2, "source": source.to_string(),
                   "document": doc.id.to_string(), "paragraph": paragraph, "quote": quote}),
        )
        .unwrap()
    };
    let ok = store
        .create(
            None,
            claim(
                2,
                "1,000,000 people were held in \"vocational training\" centres",
            ),
            "t",
        )
        .unwrap();
    let refused = |result: Result<vigil_model::Record, StoreError>| match result {
        Err(StoreError::Invalid(e)) => e.0.iter().map(|f| f.pointer.clone()).collect::<Vec<_>>(),
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(
        refused(store.create(None, claim(2, "2,000,000 people"), "t")),
        ["/quote"]
    );
    assert_eq!(
        refused(store.create(None, claim(1, "1,000,000 people"), "t")),
        ["/quote"],
        "the words are in the document, but not in that paragraph"
    );
    assert_eq!(
        refused(store.create(None, claim(9, "Introduction"), "t")),
        ["/paragraph"]
    );
    // The quote is the document's words: no more public than the document.
    let mut public = claim(2, "1,000,000 people");
    if let Body::Claim(c) = &mut public {
        c.confidentiality = Confidentiality::Public;
    }
    assert_eq!(
        refused(store.create(None, public, "t")),
        ["/confidentiality"]
    );
    // An edit must keep the quote true as well.
    assert_eq!(
        refused(store.update(Kind::Claim, ok.id, 1, claim(2, "two million"), "t")),
        ["/quote"]
    );
    assert_eq!(
        store.get(Kind::Claim, ok.id).unwrap().unwrap().version,
        1,
        "a refused edit changes nothing"
    );
}

fn the_change_feed_lists_every_write_in_order(h: &Harness) {
    let store = h.open();
    let start = store.changes_since(0, 100, &mut |_| {}).unwrap();
    let p = store
        .create(
            None,
            Body::from_json(Kind::Person, json!({"names": [{"text": "Ilham Tohti"}]})).unwrap(),
            "t",
        )
        .unwrap();
    let (doc, _) = store
        .put_document(new_document("01"), text(&["x"]), "ada")
        .unwrap();
    store.delete(Kind::Person, p.id, Some(1), "t").unwrap();
    let mut seen = Vec::new();
    let last = store
        .changes_since(start, 100, &mut |c| seen.push(c))
        .unwrap();
    assert_eq!(
        seen,
        [
            Change::Record(p.id),
            Change::Document(doc.id),
            Change::Record(p.id)
        ]
    );
    let mut more = Vec::new();
    store
        .changes_since(last, 100, &mut |c| more.push(c))
        .unwrap();
    assert!(more.is_empty());
}

store_suite!(
    the_same_bytes_are_one_document,
    a_failed_extraction_keeps_the_document_and_its_reason,
    a_claim_quotes_the_paragraph_it_names_or_is_refused,
    the_change_feed_lists_every_write_in_order,
);
