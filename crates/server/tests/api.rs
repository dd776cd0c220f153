//! The JSON API against a real server on 127.0.0.1 with a real SQLite file.

// A test or bench fails loudly at the first unwrap: that is what it is for.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use vigil_store::prelude::*;
use vigil_store::{Role, SqliteStore, Store};

struct Server {
    base: String,
    admin: String,
    editor: String,
    viewer: String,
    client: Client,
    _stop: tokio::sync::oneshot::Sender<()>,
    _dir: tempfile::TempDir,
}

impl Server {
    async fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path().join("vigil.sqlite3")).unwrap();
        let mut tokens = Vec::new();
        for (name, role) in [
            ("ada", Role::Admin),
            ("ed", Role::Editor),
            ("vi", Role::Viewer),
        ] {
            store.create_user(name, role).unwrap();
            tokens.push(store.create_token(name).unwrap());
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let store: Arc<dyn Store> = Arc::new(store);
        tokio::spawn(vigil_server::serve(listener, store, async {
            let _ = stopped.await;
        }));
        Server {
            base,
            viewer: tokens.pop().unwrap(),
            editor: tokens.pop().unwrap(),
            admin: tokens.pop().unwrap(),
            client: Client::new(),
            _stop: stop,
            _dir: dir,
        }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap();
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, headers, value)
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        let (status, _, v) = self
            .call(Method::POST, path, Some(&self.editor), Some(body))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        v
    }
}

fn content_type(h: &reqwest::header::HeaderMap) -> &str {
    h.get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn creating_a_person_in_three_scripts() {
    let s = Server::start().await;
    let (status, headers, v) = s
        .call(Method::POST, "/api/v1/persons", Some(&s.editor),
            Some(json!({"names":[{"text":"伊力哈木·土赫提"},{"text":"Ilham Tohti"},{"text":"ئىلھام توختى"}]})))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["version"], 1);
    assert_eq!(v["kind"], "person");
    let scripts: Vec<&str> = v["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["script"].as_str().unwrap())
        .collect();
    assert_eq!(scripts, ["Hani", "Latn", "Arab"]);
    let id = v["id"].as_str().unwrap();
    assert_eq!(
        headers["location"],
        format!("/api/v1/persons/{id}").as_str()
    );
    assert_eq!(headers["etag"], "\"1\"");
    let (status, _, got) = s
        .call(
            Method::GET,
            &format!("/api/v1/persons/{id}"),
            Some(&s.viewer),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got, v);
}

#[tokio::test]
async fn health_and_openapi_need_no_token() {
    let s = Server::start().await;
    let (status, headers, v) = s.call(Method::GET, "/healthz", None, None).await;
    assert_eq!((status, v["status"].as_str()), (StatusCode::OK, Some("ok")));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let (status, _, doc) = s
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    for kind in [
        "persons",
        "organizations",
        "places",
        "events",
        "sources",
        "claims",
    ] {
        assert!(
            doc["paths"][format!("/api/v1/{kind}/{{id}}")]["put"].is_object(),
            "{kind}"
        );
    }
    assert!(doc["components"]["schemas"]["Person"]["properties"]["names"].is_object());
}

#[tokio::test]
async fn every_route_for_every_role() {
    let s = Server::start().await;
    let src = s
        .post(
            "/api/v1/sources",
            json!({"type":"ngo_report","title":"t","reliability":"B"}),
        )
        .await;
    let bodies = [
        ("persons", json!({"names":[{"text":"Zhang Zhan"}]})),
        (
            "organizations",
            json!({"names":[{"text":"Fengrui Law Firm"}],"type":"law_firm"}),
        ),
        (
            "places",
            json!({"names":[{"text":"Beijing"}],"type":"city"}),
        ),
        ("events", json!({"type":"detention.rsdl","date":"2015-07"})),
        (
            "sources",
            json!({"type":"media","title":"x","reliability":"C"}),
        ),
        (
            "claims",
            json!({"subject":{"topic":"t"},"statement":"s","stance":"asserts","credibility":3,"source":src["id"]}),
        ),
    ];
    for (kind, body) in bodies {
        let list = format!("/api/v1/{kind}");
        // Without a token, or with a wrong one: 401 everywhere.
        for token in [None, Some("vigil_not_a_token")] {
            let (st, h, v) = s.call(Method::GET, &list, token, None).await;
            assert_eq!(st, StatusCode::UNAUTHORIZED, "{kind} {v}");
            assert_eq!(content_type(&h), "application/problem+json");
            assert!(h.contains_key("www-authenticate"));
            let (st, ..) = s.call(Method::POST, &list, token, Some(body.clone())).await;
            assert_eq!(st, StatusCode::UNAUTHORIZED);
        }
        // A viewer reads but cannot write.
        let (st, _, v) = s
            .call(Method::POST, &list, Some(&s.viewer), Some(body.clone()))
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
        let created = s.post(&list, body.clone()).await;
        let item = format!("{list}/{}", created["id"].as_str().unwrap());
        let mut edit = body.clone();
        edit["version"] = json!(1);
        for (token, read, write) in [
            (&s.viewer, StatusCode::OK, StatusCode::FORBIDDEN),
            (&s.editor, StatusCode::OK, StatusCode::OK),
            (&s.admin, StatusCode::OK, StatusCode::OK),
        ] {
            assert_eq!(s.call(Method::GET, &list, Some(token), None).await.0, read);
            assert_eq!(s.call(Method::GET, &item, Some(token), None).await.0, read);
            assert_eq!(
                s.call(Method::GET, &format!("{item}/history"), Some(token), None)
                    .await
                    .0,
                read
            );
            let (st, _, v) = s
                .call(Method::PUT, &item, Some(token), Some(edit.clone()))
                .await;
            assert_eq!(st, write, "{kind} {v}");
            if st == StatusCode::OK {
                edit["version"] = json!(v["version"].as_u64().unwrap());
            }
        }
        assert_eq!(
            s.call(Method::DELETE, &item, Some(&s.viewer), None).await.0,
            StatusCode::FORBIDDEN
        );
        if kind != "sources" {
            assert_eq!(
                s.call(Method::DELETE, &item, Some(&s.editor), None).await.0,
                StatusCode::NO_CONTENT
            );
            assert_eq!(
                s.call(Method::GET, &item, Some(&s.editor), None).await.0,
                StatusCode::NOT_FOUND
            );
        }
    }
    // Vocabularies: everyone reads, only administrators extend.
    assert_eq!(
        s.call(Method::GET, "/api/v1/vocabularies", Some(&s.viewer), None)
            .await
            .0,
        StatusCode::OK
    );
    let term =
        json!({"code":"detention.black_jail","labels":{"en":"Black jail","zh-Hans":"黑监狱"}});
    for token in [&s.viewer, &s.editor] {
        assert_eq!(
            s.call(
                Method::POST,
                "/api/v1/vocabularies/event_type/terms",
                Some(token),
                Some(term.clone())
            )
            .await
            .0,
            StatusCode::FORBIDDEN
        );
    }
    let (st, _, v) = s
        .call(
            Method::POST,
            "/api/v1/vocabularies/event_type/terms",
            Some(&s.admin),
            Some(term),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    s.post("/api/v1/events", json!({"type":"detention.black_jail"}))
        .await;
}

#[tokio::test]
async fn bad_input_is_a_problem_naming_the_field() {
    let s = Server::start().await;
    let cases = [
        (
            json!({"names":[{"text":"x"}],"birth_date":"15/07/2015"}),
            "persons",
            "/birth_date",
        ),
        (json!({"type":"not_a_code"}), "events", "/type"),
        (
            json!({"names":[{"text":"x"}],"birthdate":"2015"}),
            "persons",
            "/birthdate",
        ),
        (json!({"names":[{"text":""}]}), "persons", "/names/0/text"),
        (
            json!({"names":[{"text":"x"}],"sex":"yes"}),
            "persons",
            "/sex",
        ),
        (
            json!({"type":"trial","participants":[{"person":"not-a-uuid","role":"victim"}]}),
            "events",
            "/participants/0/person",
        ),
        (
            json!({"type":"sentence","legal":{"sentence":{"kind":"term"}}}),
            "events",
            "/legal/sentence",
        ),
        (
            json!({"subject":{"topic":"t"},"statement":"s","stance":"asserts","credibility":9,"source":"00000000-0000-0000-0000-000000000000"}),
            "claims",
            "/credibility",
        ),
        (
            json!({"type":"ngo_report","title":"t","reliability":"Z"}),
            "sources",
            "/reliability",
        ),
    ];
    for (body, kind, pointer) in cases {
        let (st, h, v) = s
            .call(
                Method::POST,
                &format!("/api/v1/{kind}"),
                Some(&s.editor),
                Some(body.clone()),
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{body} -> {v}");
        assert_eq!(content_type(&h), "application/problem+json");
        assert_eq!(v["status"], 422);
        assert_eq!(v["errors"][0]["pointer"], pointer, "{body} -> {v}");
    }
    // A reference to a record that does not exist.
    let ghost = "0190f000-0000-7000-8000-000000000000";
    let (st, _, v) = s
        .call(
            Method::POST,
            "/api/v1/events",
            Some(&s.editor),
            Some(json!({"type":"trial","place":ghost})),
        )
        .await;
    assert_eq!(
        (st, v["errors"][0]["pointer"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("/place"))
    );

    let resp = s
        .client
        .post(format!("{}/api/v1/persons", s.base))
        .bearer_auth(&s.editor)
        .header("content-type", "application/json")
        .body("{\"names\": [")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = s
        .client
        .post(format!("{}/api/v1/persons", s.base))
        .bearer_auth(&s.editor)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    for path in [
        "/api/v1/cats",
        "/api/v1/persons/not-a-uuid",
        "/api/v1/persons/0190f000-0000-7000-8000-000000000000",
        "/api/v1/nowhere/at/all",
    ] {
        let (st, h, _) = s.call(Method::GET, path, Some(&s.viewer), None).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(content_type(&h), "application/problem+json", "{path}");
    }
    for (query, param) in [
        ("limit=0", "limit"),
        ("place=x", "place"),
        ("from=July", "from"),
        ("colour=red", "colour"),
    ] {
        let (st, _, v) = s
            .call(
                Method::GET,
                &format!("/api/v1/events?{query}"),
                Some(&s.viewer),
                None,
            )
            .await;
        assert_eq!(st, StatusCode::BAD_REQUEST);
        assert_eq!(v["errors"][0]["parameter"], param);
    }
}

#[tokio::test]
async fn edits_carry_their_version_and_stale_ones_are_refused() {
    let s = Server::start().await;
    let p = s
        .post("/api/v1/persons", json!({"names":[{"text":"Joshua Wong"}]}))
        .await;
    let item = format!("/api/v1/persons/{}", p["id"].as_str().unwrap());
    let v2 = json!({"names":[{"text":"Joshua Wong"},{"text":"黃之鋒"}]});
    let (st, _, v) = s
        .call(Method::PUT, &item, Some(&s.editor), Some(v2.clone()))
        .await;
    assert_eq!(st, StatusCode::PRECONDITION_REQUIRED, "{v}");
    let put = |version: &str, body: Value| {
        s.client
            .put(format!("{}{item}", s.base))
            .bearer_auth(&s.editor)
            .header("if-match", version.to_string())
            .json(&body)
            .send()
    };
    let resp = put("\"1\"", v2.clone()).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["etag"], "\"2\"");
    let resp = put("\"1\"", json!({"names":[{"text":"overwrite"}]}))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::PRECONDITION_FAILED);
    let problem: Value = resp.json().await.unwrap();
    assert_eq!(problem["current_version"], 2);
    let mut stale = v2.clone();
    stale["version"] = json!(1);
    assert_eq!(
        s.call(Method::PUT, &item, Some(&s.editor), Some(stale))
            .await
            .0,
        StatusCode::PRECONDITION_FAILED
    );
    let mut wrong_id = v2.clone();
    wrong_id["version"] = json!(2);
    wrong_id["id"] = json!("0190f000-0000-7000-8000-000000000000");
    assert_eq!(
        s.call(Method::PUT, &item, Some(&s.editor), Some(wrong_id))
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let (st, _, h) = s
        .call(
            Method::GET,
            &format!("{item}/history"),
            Some(&s.viewer),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let versions = h["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["record"]["names"].as_array().unwrap().len(), 1);
    assert_eq!(versions[1]["record"]["names"][1]["script"], "Hant");
    assert_eq!(versions[1]["written_by"], "ed");
}

#[tokio::test]
async fn lists_filter_and_page() {
    let s = Server::start().await;
    let hk = s
        .post(
            "/api/v1/places",
            json!({"names":[{"text":"Hong Kong"}],"type":"region"}),
        )
        .await;
    let p = s
        .post(
            "/api/v1/persons",
            json!({"names":[{"text":"Agnes Chow"},{"text":"周庭"}]}),
        )
        .await;
    for (t, d) in [
        ("detention.formal_arrest", "2020-08-10"),
        ("sentence", "2020-12-02"),
        ("release.end_of_sentence", "2021-06-12"),
    ] {
        s.post("/api/v1/events", json!({"type":t,"date":d,"place":hk["id"],"participants":[{"person":p["id"],"role":"victim"}]})).await;
    }
    let s = &s;
    let get = |q: String| async move {
        s.call(
            Method::GET,
            &format!("/api/v1/events?{q}"),
            Some(&s.viewer),
            None,
        )
        .await
        .2
    };
    assert_eq!(
        get("type=detention".into()).await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        get("type=release".into()).await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        get(format!("person={}", p["id"].as_str().unwrap())).await["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        get("from=2020-12&to=2021".into()).await["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let first = get("limit=2".into()).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let next = get(format!(
        "limit=2&cursor={}",
        first["next_cursor"].as_str().unwrap()
    ))
    .await;
    assert_eq!(next["items"].as_array().unwrap().len(), 1);
    assert!(next["next_cursor"].is_null());
    let found = s
        .call(Method::GET, "/api/v1/persons?q=周庭", Some(&s.viewer), None)
        .await
        .2;
    assert_eq!(found["items"][0]["id"], p["id"]);
}

#[tokio::test]
async fn confidentiality_and_protection_hold_for_viewers() {
    let s = Server::start().await;
    let secret = s
        .post(
            "/api/v1/persons",
            json!({"names":[{"text":"Witness B"}],"confidentiality":"restricted"}),
        )
        .await;
    let item = format!("/api/v1/persons/{}", secret["id"].as_str().unwrap());
    assert_eq!(
        s.call(Method::GET, &item, Some(&s.viewer), None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.call(
            Method::GET,
            &format!("{item}/history"),
            Some(&s.viewer),
            None
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.call(Method::GET, &item, Some(&s.editor), None).await.0,
        StatusCode::OK
    );
    let listed = s
        .call(Method::GET, "/api/v1/persons", Some(&s.viewer), None)
        .await
        .2;
    assert!(listed["items"].as_array().unwrap().is_empty());

    let prot = s
        .post(
            "/api/v1/persons",
            json!({"names":[{"text":"Real Name"}],"protected":true,"ethnicity":"Uyghur",
        "contacts":[{"channel":"phone","value":"+1"}]}),
        )
        .await;
    let item = format!("/api/v1/persons/{}", prot["id"].as_str().unwrap());
    let (st, _, v) = s.call(Method::GET, &item, Some(&s.viewer), None).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        v.get("names").is_none() && v.get("contacts").is_none(),
        "{v}"
    );
    assert_eq!(v["redacted"], true);
    assert_eq!(v["ethnicity"], "Uyghur");
    assert!(!s
        .call(Method::GET, "/api/v1/persons?q=real", Some(&s.viewer), None)
        .await
        .2
        .to_string()
        .contains("Real Name"));
    let (_, _, full) = s.call(Method::GET, &item, Some(&s.editor), None).await;
    assert_eq!(full["names"][0]["text"], "Real Name");
}

#[tokio::test]
async fn deleting_a_referenced_record_is_a_conflict() {
    let s = Server::start().await;
    let p = s
        .post("/api/v1/persons", json!({"names":[{"text":"Li Wenzu"}]}))
        .await;
    s.post(
        "/api/v1/events",
        json!({"type":"harassment","participants":[{"person":p["id"],"role":"victim"}]}),
    )
    .await;
    let (st, h, v) = s
        .call(
            Method::DELETE,
            &format!("/api/v1/persons/{}", p["id"].as_str().unwrap()),
            Some(&s.editor),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert_eq!(content_type(&h), "application/problem+json");
}

#[tokio::test]
async fn persons_match_across_scripts_with_reasons() {
    let s = Server::start().await;
    let ilham = s.post("/api/v1/persons", json!({"names":[{"text":"伊力哈木·土赫提"},{"text":"Ilham Tohti"}],"birth_date":"1969","confidentiality":"public"})).await;
    let joshua = s
        .post(
            "/api/v1/persons",
            json!({"names":[{"text":"黃之鋒"}],"confidentiality":"internal"}),
        )
        .await;
    s.post(
        "/api/v1/persons",
        json!({"names":[{"text":"Witness C"}],"protected":true,"confidentiality":"internal"}),
    )
    .await;
    s.post(
        "/api/v1/persons",
        json!({"names":[{"text":"Secret Person"}],"confidentiality":"restricted"}),
    )
    .await;
    let find = |name: &str, token: String| {
        let url = format!(
            "{}/api/v1/persons/match?{}",
            s.base,
            serde_urlencoded_pair("name", name)
        );
        let client = s.client.clone();
        async move {
            client
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    for query in ["Илһам Тохти", "ئىلھام توختى", "Ilham Toxti"] {
        let v = find(query, s.viewer.clone()).await;
        assert_eq!(v["items"][0]["id"], ilham["id"], "{query}: {v}");
        assert!(!v["items"][0]["reasons"].as_array().unwrap().is_empty());
    }
    let v = find("WONG Chi-fung", s.viewer.clone()).await;
    assert_eq!(v["items"][0]["id"], joshua["id"]);
    assert!(
        v["items"][0]["reasons"][0]["explanation"]
            .as_str()
            .unwrap()
            .contains("Hong Kong"),
        "{v}"
    );
    // A conflicting birth year keeps the match but says why it is doubtful.
    let url = format!(
        "{}/api/v1/persons/match?name=Ilham%20Tohti&birth_year=1980",
        s.base
    );
    let v: Value = s
        .client
        .get(url)
        .bearer_auth(&s.viewer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["items"][0]["conflicts"][0], "born 1980 and 1969");
    // Places are compared across scripts: the 陈卫 of Suining comes first
    // and the one of Chongqing is said to be from somewhere else.
    let suining = s
        .post(
            "/api/v1/persons",
            json!({"names":[{"text":"陈卫"}],"place":"遂宁"}),
        )
        .await;
    let chongqing = s
        .post(
            "/api/v1/persons",
            json!({"names":[{"text":"陈卫"}],"place":"重庆"}),
        )
        .await;
    let (_, _, v) = s
        .call(
            Method::GET,
            "/api/v1/persons/match?name=Chen%20Wei&place=Suining",
            Some(&s.viewer),
            None,
        )
        .await;
    assert_eq!(v["items"][0]["id"], suining["id"], "{v}");
    assert_eq!(v["items"][0]["conflicts"], json!([]));
    assert_eq!(v["items"][1]["id"], chongqing["id"]);
    assert_eq!(v["items"][1]["conflicts"], json!(["different places"]));
    // What a viewer may not see is not found by name either.
    assert!(find("Witness C", s.viewer.clone()).await["items"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(find("Secret Person", s.viewer.clone()).await["items"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(
        find("Secret Person", s.editor.clone()).await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // A record written after the index was built is found at once.
    let late = s
        .post(
            "/api/v1/persons",
            json!({"names":[{"text":"Rahile Dawut"}]}),
        )
        .await;
    assert_eq!(
        find("راھىلە داۋۇت", s.viewer.clone()).await["items"][0]["id"],
        late["id"]
    );
    let (st, _, v) = s
        .call(Method::GET, "/api/v1/persons/match", Some(&s.viewer), None)
        .await;
    assert_eq!(
        (st, v["errors"][0]["parameter"].as_str()),
        (StatusCode::BAD_REQUEST, Some("name"))
    );
    assert_eq!(
        s.call(Method::GET, "/api/v1/persons/match?name=x", None, None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
}

fn serde_urlencoded_pair(key: &str, value: &str) -> String {
    reqwest::Url::parse_with_params("http://x/", &[(key, value)])
        .unwrap()
        .query()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn the_people_search_box_finds_names_in_other_scripts() {
    let s = Server::start().await;
    s.post(
        "/api/v1/persons",
        json!({"names":[{"text":"伊力哈木·土赫提"}],"confidentiality":"public"}),
    )
    .await;
    s.post(
        "/api/v1/persons",
        json!({"names":[{"text":"ئىلھام توختى"}],"confidentiality":"internal"}),
    )
    .await;
    let url = format!(
        "{}/persons?{}",
        s.base,
        serde_urlencoded_pair("q", "Ilham Tohti")
    );
    let html = s
        .client
        .get(url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("伊力哈木·土赫提") && html.contains("Uyghur name across scripts"),
        "{html}"
    );
    assert!(
        !html.contains("ئىلھام توختى"),
        "a visitor does not see the internal record"
    );
}

#[tokio::test]
async fn the_name_index_follows_every_write_whoever_makes_it() {
    let s = Server::start().await;
    let find = |name: &str| {
        let path = format!(
            "/api/v1/persons/match?{}",
            serde_urlencoded_pair("name", name)
        );
        let s = &s;
        async move {
            let (st, _, v) = s.call(Method::GET, &path, Some(&s.viewer), None).await;
            assert_eq!(st, StatusCode::OK, "{v}");
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    let p = s
        .post("/api/v1/persons", json!({"names":[{"text":"鄒幸彤"}]}))
        .await;
    let id = p["id"].as_str().unwrap().to_string();
    assert_eq!(find("Chow Hang-tung").await, std::slice::from_ref(&id));

    // Renamed: the old name no longer finds them, the new one does.
    let resp = s
        .client
        .put(format!("{}/api/v1/persons/{id}", s.base))
        .bearer_auth(&s.editor)
        .header("if-match", "\"1\"")
        .json(&json!({"names":[{"text":"Agnes Chow"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(find("Chow Hang-tung").await.is_empty());
    assert_eq!(find("Agnes Chow").await, std::slice::from_ref(&id));

    // Another process writing to the same file (`vigil import` while the
    // server runs) is seen by the next search.
    let other = SqliteStore::open(s._dir.path().join("vigil.sqlite3")).unwrap();
    let body = vigil_model::Body::from_json(
        vigil_model::Kind::Person,
        json!({"names":[{"text":"劉曉波"}]}),
    )
    .unwrap();
    let written = other.create(None, body, "cli").unwrap();
    assert_eq!(find("Liu Xiaobo").await, [written.id.to_string()]);

    let (st, _, _) = s
        .call(
            Method::DELETE,
            &format!("/api/v1/persons/{id}"),
            Some(&s.editor),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert!(find("Agnes Chow").await.is_empty());
}

/// The duplicates API: who may use it, a refused merge over a "not the
/// same" is a 409 problem, undo, and the identity of a person.
#[tokio::test]
async fn duplicate_decisions_through_the_api() {
    let s = Server::start().await;
    let joshua = s
        .post(
            "/api/v1/persons",
            json!({"names":[{"text":"黃之鋒"}],"birth_date":"1996","confidentiality":"public"}),
        )
        .await;
    let wong = s.post("/api/v1/persons", json!({"names":[{"text":"WONG Chi-fung"}],"birth_date":"1996","confidentiality":"public"})).await;
    let other = s
        .post(
            "/api/v1/persons",
            json!({"names":[{"text":"Joshua Wong"}],"confidentiality":"public"}),
        )
        .await;
    let secret = s
        .post(
            "/api/v1/persons",
            json!({"names":[{"text":"Wong Secret"}],"confidentiality":"restricted"}),
        )
        .await;
    let id = |v: &Value| v["id"].as_str().unwrap().to_string();
    let (j, w, o, x) = (id(&joshua), id(&wong), id(&other), id(&secret));
    let same = |a: &str, b: &str, decision: &str| json!({"a": a, "b": b, "decision": decision, "note": "checked"});

    // Anonymous: 401; a viewer: 403, on every duplicates route.
    for (method, path, body) in [
        (Method::GET, "/api/v1/duplicates".to_string(), None),
        (
            Method::POST,
            "/api/v1/duplicates/decisions".to_string(),
            Some(same(&j, &w, "same")),
        ),
        (
            Method::DELETE,
            format!("/api/v1/duplicates/decisions/{j}/{w}"),
            None,
        ),
    ] {
        let (st, h, _) = s.call(method.clone(), &path, None, body.clone()).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "{method} {path}");
        assert_eq!(content_type(&h), "application/problem+json");
        let (st, _, v) = s.call(method.clone(), &path, Some(&s.viewer), body).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{method} {path}: {v}");
    }
    let identity = format!("/api/v1/persons/{j}/identity");
    assert_eq!(
        s.call(Method::GET, &identity, None, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        s.call(Method::GET, &identity, Some(&s.viewer), None)
            .await
            .0,
        StatusCode::OK
    );

    // An editor merges two records; the queue is empty without a scan.
    let (st, _, v) = s
        .call(Method::GET, "/api/v1/duplicates", Some(&s.editor), None)
        .await;
    assert_eq!(
        (st, v["items"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(0))
    );
    let (st, _, v) = s
        .call(
            Method::POST,
            "/api/v1/duplicates/decisions",
            Some(&s.editor),
            Some(same(&w, &j, "same")),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    assert_eq!(
        (v["decision"].as_str(), v["decided_by"].as_str()),
        (Some("same"), Some("ed"))
    );
    let (_, _, v) = s
        .call(
            Method::GET,
            &format!("/api/v1/persons/{w}/identity"),
            Some(&s.viewer),
            None,
        )
        .await;
    assert_eq!(
        v["canonical"],
        j.as_str(),
        "the older record stands for both: {v}"
    );
    assert_eq!(v["members"].as_array().unwrap().len(), 2);
    assert_eq!(v["log"][0]["note"], "checked");
    // Joshua Wong is not the same as 黃之鋒 (say): then no merge with WONG Chi-fung either.
    let (st, ..) = s
        .call(
            Method::POST,
            "/api/v1/duplicates/decisions",
            Some(&s.editor),
            Some(same(&o, &j, "not_same")),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, h, v) = s
        .call(
            Method::POST,
            "/api/v1/duplicates/decisions",
            Some(&s.admin),
            Some(same(&o, &w, "same")),
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{v}");
    assert_eq!(content_type(&h), "application/problem+json");
    let detail = v["detail"].as_str().unwrap();
    assert!(
        detail.contains(&o) && detail.contains(&j) && detail.contains("revoke"),
        "{detail}"
    );
    // Bad input names the field.
    let (st, _, v) = s
        .call(
            Method::POST,
            "/api/v1/duplicates/decisions",
            Some(&s.editor),
            Some(json!({"a": j, "b": "nope", "decision": "maybe"})),
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let pointers: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(pointers, ["/b", "/decision"]);
    // A viewer does not learn of a restricted record through an identity.
    let (st, ..) = s
        .call(
            Method::POST,
            "/api/v1/duplicates/decisions",
            Some(&s.editor),
            Some(same(&j, &x, "same")),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (_, _, v) = s.call(Method::GET, &identity, Some(&s.viewer), None).await;
    assert!(!v.to_string().contains(&x), "{v}");
    let (_, _, v) = s.call(Method::GET, &identity, Some(&s.editor), None).await;
    assert_eq!(v["members"].as_array().unwrap().len(), 3, "{v}");
    assert_eq!(
        s.call(
            Method::GET,
            &format!("/api/v1/persons/{x}/identity"),
            Some(&s.viewer),
            None
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    // Undo: the merge is revoked, and there is then nothing left to undo.
    let undo = format!("/api/v1/duplicates/decisions/{j}/{w}");
    let (st, _, v) = s.call(Method::DELETE, &undo, Some(&s.editor), None).await;
    assert_eq!(
        (st, v["decision"].as_str()),
        (StatusCode::OK, Some("undone")),
        "{v}"
    );
    let (_, _, v) = s
        .call(
            Method::GET,
            &format!("/api/v1/persons/{w}/identity"),
            Some(&s.editor),
            None,
        )
        .await;
    assert_eq!(v["canonical"], w.as_str());
    let (st, h, _) = s.call(Method::DELETE, &undo, Some(&s.editor), None).await;
    assert_eq!(
        (st, content_type(&h)),
        (StatusCode::NOT_FOUND, "application/problem+json")
    );
    // The document describes the routes.
    let (_, _, doc) = s
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    for path in [
        "/api/v1/duplicates",
        "/api/v1/duplicates/decisions",
        "/api/v1/duplicates/decisions/{a}/{b}",
        "/api/v1/persons/{id}/identity",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
}

#[tokio::test]
async fn disputes_put_contradicting_claims_side_by_side() {
    let s = Server::start().await;
    let source = |title: &str, kind: &str, grade: &str, conf: &str| {
        s.post(
            "/api/v1/sources",
            json!({"type": kind, "title": title, "reliability": grade, "confidentiality": conf}),
        )
    };
    let ngo = source("Research report", "ngo_report", "B", "public").await;
    let gov = source("White paper", "official_statement", "E", "public").await;
    let claim = |src: &Value, stance: &str, quantity: Value, conf: &str| {
        s.post(
            "/api/v1/claims",
            json!({"subject": {"topic": "Detention in camps"}, "statement": "figure", "stance": stance,
                   "credibility": 3, "source": src["id"], "quantity": quantity, "confidentiality": conf,
                   "quote": "words"}),
        )
    };
    let high = claim(
        &ngo,
        "asserts",
        json!({"low": 1000000, "high": 1800000, "unit": "persons"}),
        "public",
    )
    .await;
    let low = claim(
        &gov,
        "asserts",
        json!({"high": 10000, "unit": "persons"}),
        "public",
    )
    .await;
    claim(
        &gov,
        "denies",
        json!({"low": 1000000, "high": 1800000, "unit": "persons"}),
        "restricted",
    )
    .await;

    let (st, _, v) = s
        .call(Method::GET, "/api/v1/disputes", Some(&s.viewer), None)
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{v}");
    assert_eq!(items[0]["subject"]["topic"], "detention in camps");
    assert_eq!(
        items[0]["contradictions"],
        json!([{"a": high["id"], "b": low["id"], "why": "figures"}]),
        "the restricted denial is not shown to a viewer"
    );

    let (st, _, v) = s
        .call(
            Method::GET,
            "/api/v1/disputes/claims?topic=detention%20in%20CAMPS",
            Some(&s.editor),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["asserts"].as_array().unwrap().len(), 2);
    assert_eq!(v["denies"].as_array().unwrap().len(), 1, "editors see it");
    let first = &v["asserts"][0];
    assert_eq!(first["quote"], "words");
    assert!(
        first["source"]["kind"].is_string() && first["source"]["reliability"].is_string(),
        "{first}"
    );
    let (st, _, _) = s
        .call(
            Method::GET,
            "/api/v1/disputes/claims",
            Some(&s.viewer),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, _, _) = s.call(Method::GET, "/api/v1/disputes", None, None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);

    // The page shows both sides, escaped, to anyone allowed.
    let html = s
        .client
        .get(format!("{}/disputes", s.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("detention in camps"), "{html}");
    let html = s
        .client
        .get(format!(
            "{}/disputes/subject?topic=Detention%20in%20camps",
            s.base
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Research report") && html.contains("White paper"),
        "{html}"
    );
}

#[tokio::test]
async fn search_sees_every_write_at_once_within_the_callers_level() {
    let s = Server::start().await;
    let search = |q: &str, token: String| {
        let url = format!("{}/api/v1/search?{}", s.base, serde_urlencoded_pair("q", q));
        let client = s.client.clone();
        async move {
            let resp = client.get(url).bearer_auth(token).send().await.unwrap();
            assert_eq!(resp.status(), StatusCode::OK);
            resp.json::<Value>().await.unwrap()
        }
    };
    let ids = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_string())
            .collect()
    };
    let p = s
        .post(
            "/api/v1/persons",
            json!({"names":[{"text":"Ilham Tohti"}],"description":"Economist at Minzu University, sentenced in 2014","confidentiality":"internal"}),
        )
        .await;
    let pid = p["id"].as_str().unwrap().to_string();
    assert_eq!(
        ids(&search("economist", s.viewer.clone()).await),
        std::slice::from_ref(&pid)
    );
    let hit = &search("sentence", s.viewer.clone()).await["items"][0];
    assert_eq!(hit["kind"], "person");
    assert!(hit["snippet"].as_str().unwrap().contains("sentenced"));

    let secret = s
        .post(
            "/api/v1/persons",
            json!({"names":[{"text":"Witness K"}],"description":"economist in hiding","confidentiality":"restricted"}),
        )
        .await;
    assert_eq!(
        ids(&search("economist", s.viewer.clone()).await),
        std::slice::from_ref(&pid)
    );
    assert_eq!(search("economist", s.editor.clone()).await["total"], 2);

    // Deleted: gone from search as soon as the delete returns.
    let (st, _, _) = s
        .call(
            Method::DELETE,
            &format!("/api/v1/persons/{}", secret["id"].as_str().unwrap()),
            Some(&s.editor),
            None,
        )
        .await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    assert_eq!(search("economist", s.editor.clone()).await["total"], 1);

    for odd in ["\"unbalanced", "a:b:c", "((", "-", "*"] {
        search(odd, s.viewer.clone()).await;
    }
    let (st, _, _) = s
        .call(Method::GET, "/api/v1/search", Some(&s.viewer), None)
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, _, _) = s.call(Method::GET, "/api/v1/search?q=x", None, None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
}
