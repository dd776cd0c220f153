//! Documents end to end through the real binary: `vigil ingest`, `vigil
//! search`, and a running `vigil serve` receiving uploads, serving
//! originals and paragraphs, refusing misquotes and searching in English,
//! Chinese and Uyghur. Extraction runs in the real worker process.

// A test or bench fails loudly at the first unwrap: that is what it is for.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{json, Value};

mod common;
use common::{start, vigil};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../evidence/tests/fixtures")
        .join(name)
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn init(dir: &Path) -> (PathBuf, String) {
    let data = dir.join("data");
    let out = vigil(&data, &["init"]);
    assert!(out.status.success(), "{:?}", text(&out));
    (data, text(&out).0.trim().to_string())
}

#[test]
fn ingest_prints_one_line_per_file_and_fails_only_after_the_others() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, _) = init(tmp.path());
    let files = [
        fixture("two_column.pdf"),
        fixture("truncated.pdf"),
        fixture("page.html"),
        fixture("statement.docx"),
        fixture("hard_wrapped.txt"),
        fixture("report.pdf"),
    ];
    let mut args = vec!["ingest"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    let out = vigil(&data, &args);
    let (stdout, stderr) = text(&out);
    assert!(!out.status.success(), "the truncated PDF fails the run");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), files.len(), "{stdout}\n{stderr}");
    for (line, file) in lines.iter().zip(&files) {
        let (id, name) = line.split_once('\t').unwrap();
        assert_eq!(id.len(), 36, "{line}");
        assert_eq!(name, file.file_name().unwrap().to_str().unwrap());
    }
    assert!(
        stderr.contains("truncated.pdf") && stderr.contains("cross-reference"),
        "a readable reason: {stderr}"
    );
    // Again: the same files are the same documents.
    let again = text(&vigil(&data, &args)).0;
    assert_eq!(again, stdout);

    // Search from the command line, in three languages and scripts.
    for (query, expect) in [
        ("detained", "[detained]"),
        ("无期徒刑", "無期徒刑]"),
        ("Ilham Toxti", "[ئىلھام]"),
    ] {
        let out = vigil(&data, &["search", query]);
        let (hits, err) = text(&out);
        assert!(out.status.success(), "{query}: {err}");
        assert!(hits.contains(expect), "{query}: {hits}");
    }
}

#[test]
fn documents_over_http_keep_originals_and_anchor_claims() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, token) = init(tmp.path());
    let server = start(&data, "serve");
    let client = reqwest::blocking::Client::new();
    let upload = |path: &Path| {
        let bytes = std::fs::read(path).unwrap();
        client
            .post(format!(
                "{}/api/v1/documents?name={}&confidentiality=internal",
                server.base,
                path.file_name().unwrap().to_str().unwrap()
            ))
            .bearer_auth(&token)
            .body(bytes)
            .send()
            .unwrap()
    };
    let pdf = fixture("two_column.pdf");
    let resp = upload(&pdf);
    assert_eq!(resp.status().as_u16(), 201);
    let doc: Value = resp.json().unwrap();
    assert_eq!(doc["media_type"], "application/pdf");
    assert_eq!(doc["status"], "extracted");
    let id = doc["id"].as_str().unwrap().to_string();
    assert_eq!(upload(&pdf).status().as_u16(), 200, "the same file again");

    // The original, byte for byte, under its SHA-256.
    let original = client
        .get(format!("{}/api/v1/documents/{id}/original", server.base))
        .bearer_auth(&token)
        .send()
        .unwrap();
    assert_eq!(original.status().as_u16(), 200);
    assert!(original.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert_eq!(
        original.bytes().unwrap().as_ref(),
        std::fs::read(&pdf).unwrap()
    );
    let meta: Value = client
        .get(format!("{}/api/v1/documents/{id}", server.base))
        .bearer_auth(&token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(meta["sha256"].as_str().unwrap().len(), 64);

    let paragraphs: Value = client
        .get(format!("{}/api/v1/documents/{id}/paragraphs", server.base))
        .bearer_auth(&token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    let items = paragraphs["items"].as_array().unwrap();
    assert!(items.len() > 3, "{paragraphs}");
    assert!(items
        .iter()
        .all(|p| p["number"].is_u64() && p["page"].is_u64() && p["text"].is_string()));
    let (number, passage) = items
        .iter()
        .find_map(|p| {
            let t = p["text"].as_str().unwrap();
            (t.split_whitespace().count() > 8)
                .then(|| (p["number"].as_u64().unwrap(), t.to_string()))
        })
        .unwrap();
    let words: Vec<&str> = passage.split_whitespace().collect();
    let quote = words[2..7].join("\n  ");

    let source: Value = client
        .post(format!("{}/api/v1/sources", server.base))
        .bearer_auth(&token)
        .json(&json!({"type": "ngo_report", "title": "Two-column report", "reliability": "B"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let claim = |quote: &str| {
        client
            .post(format!("{}/api/v1/claims", server.base))
            .bearer_auth(&token)
            .json(
                &json!({"subject": {"topic": "detentions"}, "statement": "From the report",
                "stance": "asserts", "credibility": 2, "source": source["id"],
                "document": id, "paragraph": number, "quote": quote}),
            )
            .send()
            .unwrap()
    };
    let refused = claim("words that the report never wrote");
    assert_eq!(refused.status().as_u16(), 422);
    let problem: Value = refused.json().unwrap();
    assert_eq!(problem["errors"][0]["pointer"], "/quote", "{problem}");
    let made = claim(&quote);
    assert_eq!(made.status().as_u16(), 201, "{:?}", made.text());

    // Search through the API finds the passage with its address.
    let found: Value = client
        .get(format!("{}/api/v1/search", server.base))
        .query(&[("q", words[3])])
        .bearer_auth(&token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    let passage_hit = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["kind"] == "passage")
        .unwrap_or_else(|| panic!("{found}"));
    assert_eq!(passage_hit["document"], id.as_str());
    assert!(passage_hit["paragraph"].is_u64() && passage_hit["snippet"].is_string());

    // A hostile file does not take the server down: it is kept, its
    // reason recorded, and the server answers the next request.
    let bomb = upload(&fixture("bomb.pdf"));
    assert_eq!(bomb.status().as_u16(), 201);
    let bomb: Value = bomb.json().unwrap();
    assert_eq!(bomb["status"], "failed", "{bomb}");
    assert!(
        bomb["error"].as_str().unwrap().contains("memory")
            || bomb["error"].as_str().unwrap().contains("stopped")
    );
    let health = client
        .get(format!("{}/healthz", server.base))
        .send()
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
}

#[test]
fn the_search_index_goes_on_from_where_it_stopped() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, _) = init(tmp.path());
    let out = vigil(&data, &["ingest", fixture("page.html").to_str().unwrap()]);
    assert!(out.status.success(), "{:?}", text(&out));
    let first = text(&vigil(&data, &["search", "无期徒刑"]));
    assert!(first.0.contains("無期徒刑"), "{first:?}");
    // A later process finds the index where the first left it, and adds
    // what was written since.
    let out = vigil(
        &data,
        &["ingest", fixture("statement.docx").to_str().unwrap()],
    );
    assert!(out.status.success());
    let (hits, _) = text(&vigil(&data, &["search", "detained"]));
    assert!(hits.contains("[detained]"), "{hits}");
    let (hits, _) = text(&vigil(&data, &["search", "无期徒刑"]));
    assert_eq!(
        hits.lines().count(),
        first.0.lines().count(),
        "nothing twice"
    );
    let out = vigil(&data, &["reindex"]);
    assert!(text(&out).1.contains("indexed"), "{:?}", text(&out));
    let (again, _) = text(&vigil(&data, &["search", "无期徒刑"]));
    let sorted = |t: &str| {
        let mut l: Vec<String> = t.lines().map(str::to_string).collect();
        l.sort();
        l
    };
    // The same hits; equal scores may come in another order.
    assert_eq!(
        sorted(&again),
        sorted(&hits),
        "a rebuilt index answers the same"
    );
    // A store that is behind its index (a database restored from a backup)
    // gets the index rebuilt rather than trusted.
    std::fs::copy(data.join("vigil.sqlite3"), tmp.path().join("backup")).unwrap();
    let out = vigil(
        &data,
        &["ingest", fixture("hard_wrapped.txt").to_str().unwrap()],
    );
    assert!(out.status.success());
    assert!(vigil(&data, &["search", "Istanbul"]).status.success());
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(data.join(format!("vigil.sqlite3{ext}")));
    }
    std::fs::copy(tmp.path().join("backup"), data.join("vigil.sqlite3")).unwrap();
    let out = vigil(&data, &["search", "Istanbul"]);
    assert!(
        !out.status.success(),
        "the restored store never had that document: {:?}",
        text(&out)
    );
}
