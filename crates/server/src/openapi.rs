//! The OpenAPI 3.1 document, generated from the model's types (their JSON
//! Schemas come from `schemars`) and from the list of kinds, so that it
//! cannot drift from what the server accepts.

use std::sync::OnceLock;

use axum::Json;
use schemars::generate::SchemaSettings;
use schemars::JsonSchema;
use serde_json::{json, Map, Value};
use vigil_model::{Claim, Event, Kind, Organization, Person, Place, Source};

fn schema_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Person => "Person",
        Kind::Organization => "Organization",
        Kind::Place => "Place",
        Kind::Event => "Event",
        Kind::Source => "Source",
        Kind::Claim => "Claim",
    }
}

/// Which list filters apply to which kind.
fn filters(kind: Kind) -> Vec<(&'static str, &'static str)> {
    let mut f = vec![(
        "q",
        "Words that must all occur in the record's names or text (case-insensitive).",
    )];
    match kind {
        Kind::Event => f.extend([
            ("type", "An event_type code; broader codes include narrower ones (`detention` finds `detention.rsdl`)."),
            ("place", "A place id; places inside it are included."),
            ("person", "A person id: events in which the person takes part."),
            ("from", "Events whose date may fall on or after this date (YYYY, YYYY-MM or YYYY-MM-DD)."),
            ("to", "Events whose date may fall on or before this date."),
        ]),
        Kind::Organization => f.extend([
            ("type", "An organization_type code."),
            ("place", "A place id; places inside it are included."),
        ]),
        Kind::Place => f.extend([
            ("type", "A place type (country, region, ..., facility) or a facility_type code."),
            ("place", "A place id: places inside it."),
        ]),
        Kind::Source => f.extend([
            ("type", "A source type (ngo_report, un_document, ...)."),
            ("from", "Sources dated on or after this date."),
            ("to", "Sources dated on or before this date."),
        ]),
        Kind::Person => f.extend([
            ("person", "A person id: people related to that person."),
            ("from", "People born on or after this date."),
            ("to", "People born on or before this date."),
        ]),
        Kind::Claim => f.extend([
            ("person", "A record id: claims whose subject or links point at it."),
            ("from", "Claims whose figure is as of this date or later."),
            ("to", "Claims whose figure is as of this date or earlier."),
        ]),
    }
    f
}

fn problem_responses(codes: &[&str]) -> Map<String, Value> {
    codes
        .iter()
        .map(|c| {
            (
                c.to_string(),
                json!({"description": "A problem (RFC 9457)",
                       "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}),
            )
        })
        .collect()
}

fn build() -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "/components/schemas".into())
        .into_generator();
    fn add<T: JsonSchema>(g: &mut schemars::SchemaGenerator) {
        g.subschema_for::<T>();
    }
    add::<Person>(&mut generator);
    add::<Organization>(&mut generator);
    add::<Place>(&mut generator);
    add::<Event>(&mut generator);
    add::<Source>(&mut generator);
    add::<Claim>(&mut generator);
    add::<vigil_model::Vocabulary>(&mut generator);
    add::<vigil_model::Term>(&mut generator);
    add::<vigil_model::Document>(&mut generator);
    let mut schemas: Map<String, Value> = generator.take_definitions(true).into_iter().collect();
    schemas.insert(
        "Problem".into(),
        json!({
            "type": "object",
            "description": "RFC 9457 problem details. `errors` names each bad field by JSON pointer.",
            "required": ["type", "title", "status", "detail"],
            "properties": {
                "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                "detail": {"type": "string"}, "current_version": {"type": "integer"},
                "errors": {"type": "array", "items": {"type": "object", "required": ["detail"], "properties": {
                    "pointer": {"type": "string"}, "parameter": {"type": "string"}, "detail": {"type": "string"}}}}
            }
        }),
    );
    schemas.insert(
        "Envelope".into(),
        json!({
            "type": "object",
            "description": "Fields every stored record carries beside its own.",
            "properties": {
                "kind": {"type": "string"}, "id": {"type": "string", "format": "uuid"},
                "version": {"type": "integer", "minimum": 1},
                "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"},
                "updated_by": {"type": "string"}
            }
        }),
    );

    let mut paths = Map::new();
    for kind in Kind::ALL {
        let name = schema_name(kind);
        let body_ref = json!({"$ref": format!("#/components/schemas/{name}")});
        let stored = json!({"allOf": [{"$ref": "#/components/schemas/Envelope"}, body_ref]});
        let mut params: Vec<Value> = filters(kind)
            .into_iter()
            .map(|(n, d)| json!({"name": n, "in": "query", "required": false, "description": d, "schema": {"type": "string"}}))
            .collect();
        params.push(json!({"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50}}));
        params.push(json!({"name": "cursor", "in": "query", "description": "`next_cursor` of the previous page.", "schema": {"type": "string"}}));
        let plural = kind.plural();
        let mut list_responses = problem_responses(&["400", "401"]);
        list_responses.insert("200".into(), json!({"description": "A page of records", "content": {"application/json": {"schema": {
            "type": "object", "required": ["items", "next_cursor"],
            "properties": {"items": {"type": "array", "items": stored}, "next_cursor": {"type": ["string", "null"]}}}}}}));
        let mut create_responses = problem_responses(&["400", "401", "403", "409", "415", "422"]);
        create_responses.insert(
            "201".into(),
            json!({"description": "Created", "content": {"application/json": {"schema": stored}}}),
        );
        paths.insert(
            format!("/api/v1/{plural}"),
            json!({
                "get": {"operationId": format!("list_{plural}"), "tags": [plural], "parameters": params, "responses": list_responses},
                "post": {"operationId": format!("create_{}", kind.singular()), "tags": [plural],
                    "description": "Creates a record. An `id` may be given (a UUID); otherwise one is assigned. Scripts of names are detected when not given.",
                    "requestBody": {"required": true, "content": {"application/json": {"schema": body_ref}}},
                    "responses": create_responses}
            }),
        );
        let id_param = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}});
        let mut get_responses = problem_responses(&["401", "404"]);
        get_responses.insert("200".into(), json!({"description": "The record; its ETag is its version", "content": {"application/json": {"schema": stored}}}));
        let mut put_responses =
            problem_responses(&["400", "401", "403", "404", "412", "415", "422", "428"]);
        put_responses.insert("200".into(), json!({"description": "The new version", "content": {"application/json": {"schema": stored}}}));
        let mut delete_responses = problem_responses(&["401", "403", "404", "409", "412"]);
        delete_responses.insert(
            "204".into(),
            json!({"description": "Deleted; its history is kept"}),
        );
        let mut history_responses = problem_responses(&["401", "404"]);
        history_responses.insert(
            "200".into(),
            json!({"description": "Every version, oldest first"}),
        );
        paths.insert(
            format!("/api/v1/{plural}/{{id}}"),
            json!({
                "parameters": [id_param],
                "get": {"operationId": format!("get_{}", kind.singular()), "tags": [plural], "responses": get_responses},
                "put": {"operationId": format!("update_{}", kind.singular()), "tags": [plural],
                    "description": "Replaces the record. The version edited must be sent as `If-Match` or a `version` field; a stale one is refused with 412.",
                    "parameters": [{"name": "If-Match", "in": "header", "schema": {"type": "string"}}],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": body_ref}}},
                    "responses": put_responses},
                "delete": {"operationId": format!("delete_{}", kind.singular()), "tags": [plural],
                    "parameters": [{"name": "If-Match", "in": "header", "schema": {"type": "string"}}],
                    "responses": delete_responses}
            }),
        );
        paths.insert(
            format!("/api/v1/{plural}/{{id}}/history"),
            json!({"parameters": [id_param], "get": {"operationId": format!("history_{}", kind.singular()), "tags": [plural], "responses": history_responses}}),
        );
    }
    let mut vocab_responses = problem_responses(&["401"]);
    vocab_responses.insert("200".into(), json!({"description": "Every vocabulary by name", "content": {"application/json": {"schema": {
        "type": "object", "additionalProperties": {"$ref": "#/components/schemas/Vocabulary"}}}}}));
    paths.insert("/api/v1/vocabularies".into(), json!({"get": {"operationId": "vocabularies", "tags": ["vocabularies"], "responses": vocab_responses}}));
    let mut term_responses = problem_responses(&["400", "401", "403", "422"]);
    term_responses.insert("201".into(), json!({"description": "Added"}));
    paths.insert(
        "/api/v1/vocabularies/{name}/terms".into(),
        json!({"post": {"operationId": "add_term", "tags": ["vocabularies"], "description": "Administrators extend a vocabulary.",
            "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Term"}}}},
            "responses": term_responses}}),
    );
    let mut match_responses = problem_responses(&["400", "401"]);
    match_responses.insert(
        "200".into(),
        json!({"description": "Candidates, best first, each with a score from 0 to 1, the reasons it matched and facts that conflict", "content": {"application/json": {"schema": {
            "type": "object", "required": ["name", "items"],
            "properties": {"name": {"type": "string"}, "items": {"type": "array", "items": {"type": "object",
                "required": ["id", "score", "reasons", "conflicts"],
                "properties": {"id": {"type": "string", "format": "uuid"}, "score": {"type": "number"},
                    "reasons": {"type": "array", "items": {"type": "object", "properties": {"rule": {"type": "string"}, "explanation": {"type": "string"}}}},
                    "conflicts": {"type": "array", "items": {"type": "string"}}}}}}}}}}),
    );
    paths.insert(
        "/api/v1/persons/match".into(),
        json!({"get": {"operationId": "match_persons", "tags": ["persons"],
            "description": "Finds people by a name in any script or spelling: Chinese characters (simplified or traditional), pinyin with or without tones, Wade-Giles, Hong Kong romanisation, Uyghur in Arabic, Latin or Cyrillic script or in Chinese transcription. Birth year, sex and place (where the person lives or comes from, compared across scripts: 遂宁 and Suining), where both sides have them, lower the score of a candidate that disagrees, list the disagreement under `conflicts` and keep the two from an automatic merge.",
            "parameters": [
                {"name": "name", "in": "query", "required": true, "schema": {"type": "string"}},
                {"name": "birth_year", "in": "query", "schema": {"type": "integer"}},
                {"name": "sex", "in": "query", "schema": {"type": "string", "enum": ["female", "male", "other", "unknown"]}},
                {"name": "place", "in": "query", "schema": {"type": "string"}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}}
            ],
            "responses": match_responses}}),
    );
    duplicate_paths(&mut paths);
    evidence_paths(&mut paths);
    paths.insert(
        "/healthz".into(),
        json!({"get": {"operationId": "healthz", "security": [], "responses": {"200": {"description": "The server is up"}}}}),
    );

    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "vigil API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Human rights documentation records: persons, organizations, places, events, sources and claims.",
            "license": {"name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0"}
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                "description": "A token from `vigil token create --user NAME --role ROLE`."}}
        }
    })
}

/// The duplicate review queue, identity decisions and identities.
fn duplicate_paths(paths: &mut Map<String, Value>) {
    let id = json!({"type": "string", "format": "uuid"});
    let entry = json!({"type": "object", "description": "One identity decision. The newest decision about a pair is the one in force.",
        "required": ["seq", "a", "b", "decision", "automatic", "decided_by", "decided_at"],
        "properties": {"seq": {"type": "integer"}, "a": id, "b": id,
            "decision": {"type": "string", "enum": ["same", "not_same", "unsure", "undone"]},
            "automatic": {"type": "boolean"}, "score": {"type": ["number", "null"]}, "note": {"type": ["string", "null"]},
            "decided_by": {"type": "string"}, "decided_at": {"type": "string", "format": "date-time"}}});
    let mut queue_responses = problem_responses(&["401", "403"]);
    queue_responses.insert("200".into(), json!({"description": "Likely duplicate pairs nobody has decided on, best first", "content": {"application/json": {"schema": {
        "type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": {"type": "object",
            "required": ["a", "b", "score", "reasons", "conflicts", "unsure", "found_at"],
            "properties": {"a": id, "b": id, "score": {"type": "number"},
                "reasons": {"type": "array", "items": {"type": "object", "properties": {
                    "rule": {"type": "string"}, "from": {"type": "string"}, "to": {"type": "string"}, "explanation": {"type": "string"}}}},
                "conflicts": {"type": "array", "items": {"type": "string"}},
                "unsure": {"type": "boolean"}, "found_at": {"type": "string", "format": "date-time"}}}}}}}}}));
    paths.insert(
        "/api/v1/duplicates".into(),
        json!({"get": {"operationId": "duplicate_queue", "tags": ["duplicates"],
            "description": "The review queue (editors): pairs of person records found by `vigil duplicates scan` that may be one person, not yet decided, not merged already and not kept apart by a `not_same`.",
            "parameters": [
                {"name": "unsure", "in": "query", "description": "The pairs marked unsure instead.", "schema": {"type": "boolean", "default": false}},
                {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}}
            ],
            "responses": queue_responses}}),
    );
    let mut decide_responses =
        problem_responses(&["400", "401", "403", "404", "409", "415", "422"]);
    decide_responses.insert(
        "201".into(),
        json!({"description": "Recorded", "content": {"application/json": {"schema": entry}}}),
    );
    paths.insert(
        "/api/v1/duplicates/decisions".into(),
        json!({"post": {"operationId": "decide_duplicate", "tags": ["duplicates"],
            "description": "Records that two person records are the same person (merging them: records joined by `same` decisions form one person, filed under the oldest record), not the same, or that it is unsure. A `same` between records kept apart by a `not_same` (also through other merges) is refused with 409 until that decision is revoked.",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["a", "b", "decision"],
                "properties": {"a": id, "b": id, "decision": {"type": "string", "enum": ["same", "not_same", "unsure"]}, "note": {"type": "string"}}}}}},
            "responses": decide_responses}}),
    );
    let mut undo_responses = problem_responses(&["401", "403", "404"]);
    undo_responses.insert(
        "200".into(),
        json!({"description": "The `undone` entry now in force", "content": {"application/json": {"schema": entry}}}),
    );
    paths.insert(
        "/api/v1/duplicates/decisions/{a}/{b}".into(),
        json!({"parameters": [
                {"name": "a", "in": "path", "required": true, "schema": id},
                {"name": "b", "in": "path", "required": true, "schema": id}],
            "delete": {"operationId": "undo_duplicate_decision", "tags": ["duplicates"],
                "description": "Revokes the decision in force about a pair (undoes a merge). The decision stays in the log.",
                "responses": undo_responses}}),
    );
    let mut identity_responses = problem_responses(&["401", "404"]);
    identity_responses.insert("200".into(), json!({"description": "The person's records and decisions, as far as the caller may see them", "content": {"application/json": {"schema": {
        "type": "object", "required": ["id", "canonical", "members", "not_same", "log"],
        "properties": {"id": id, "canonical": id, "members": {"type": "array", "items": id},
            "not_same": {"type": "array", "items": id}, "log": {"type": "array", "items": entry}}}}}}));
    paths.insert(
        "/api/v1/persons/{id}/identity".into(),
        json!({"parameters": [{"name": "id", "in": "path", "required": true, "schema": id}],
            "get": {"operationId": "person_identity", "tags": ["persons"],
                "description": "The records merged with this person (`members`, `canonical` the one it is filed under), the records decided not to be them, and every decision about them, newest first.",
                "responses": identity_responses}}),
    );
}

pub async fn document() -> Json<Value> {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    Json(DOCUMENT.get_or_init(build).clone())
}

/// Documents, full-text search and disputes (issue 4).
fn evidence_paths(paths: &mut Map<String, Value>) {
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}});
    let document = json!({"$ref": "#/components/schemas/Document"});
    let with = |mut m: Map<String, Value>, code: &str, v: Value| {
        m.insert(code.into(), v);
        Value::Object(m)
    };
    let mut upload = problem_responses(&["400", "401", "403", "413", "422", "503"]);
    upload.insert("200".into(), json!({"description": "Received before", "content": {"application/json": {"schema": document}}}));
    upload.insert(
        "201".into(),
        json!({"description": "Kept", "content": {"application/json": {"schema": document}}}),
    );
    let upload_responses = Value::Object(upload);
    paths.insert(
        "/api/v1/documents".into(),
        json!({
            "get": {"operationId": "list_documents", "tags": ["documents"],
                "parameters": [{"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                               {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}}],
                "responses": with(problem_responses(&["401"]), "200", json!({"description": "Documents the caller may see, newest first",
                    "content": {"application/json": {"schema": {"type": "object", "properties": {"items": {"type": "array", "items": document}}}}}}))},
            "post": {"operationId": "upload_document", "tags": ["documents"],
                "description": "Keeps the file as received (by its SHA-256) and reads its text in an isolated process. The same bytes again answer 200 with the document kept before. A file whose text cannot be read is kept, with `status: failed` and the reason in `error`.",
                "parameters": [{"name": "name", "in": "query", "required": true, "schema": {"type": "string"}},
                               {"name": "confidentiality", "in": "query", "schema": {"type": "string", "enum": ["public", "internal", "restricted"]}},
                               {"name": "source", "in": "query", "schema": {"type": "string", "format": "uuid"}}],
                "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                "responses": upload_responses}
        }),
    );
    paths.insert(
        "/api/v1/documents/{id}".into(),
        json!({"get": {"operationId": "read_document", "tags": ["documents"], "parameters": [id],
            "responses": with(problem_responses(&["401", "404"]), "200", json!({"description": "The document's metadata, with its sha256", "content": {"application/json": {"schema": document}}}))}}),
    );
    paths.insert(
        "/api/v1/documents/{id}/original".into(),
        json!({"get": {"operationId": "document_original", "tags": ["documents"], "parameters": [id],
            "responses": with(problem_responses(&["401", "404"]), "200", json!({"description": "The original bytes, unchanged, as an attachment", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}))}}),
    );
    paths.insert(
        "/api/v1/documents/{id}/paragraphs".into(),
        json!({"get": {"operationId": "document_paragraphs", "tags": ["documents"], "parameters": [id],
            "responses": with(problem_responses(&["401", "404"]), "200", json!({"description": "The rebuilt paragraphs, in order", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"document": {"type": "string"}, "items": {"type": "array", "items": {"type": "object", "required": ["number", "text"],
                    "properties": {"number": {"type": "integer"}, "page": {"type": ["integer", "null"]}, "text": {"type": "string"}}}}}}}}}))}}),
    );
    paths.insert(
        "/api/v1/search".into(),
        json!({"get": {"operationId": "search", "tags": ["search"],
            "description": "Full-text search over records, claims and documents' paragraphs, in English (stemmed), Chinese (segmented; simplified and traditional find each other) and Uyghur (Arabic script found from its Latin spelling). Words are ANDed; quotes make a phrase; -word excludes.",
            "parameters": [{"name": "q", "in": "query", "required": true, "schema": {"type": "string"}},
                {"name": "kind", "in": "query", "description": "comma-separated: person, organization, place, event, source, claim, passage", "schema": {"type": "string"}},
                {"name": "from", "in": "query", "schema": {"type": "string"}}, {"name": "to", "in": "query", "schema": {"type": "string"}},
                {"name": "place", "in": "query", "schema": {"type": "string", "format": "uuid"}},
                {"name": "source_kind", "in": "query", "schema": {"type": "string"}},
                {"name": "grade", "in": "query", "description": "comma-separated source grades A-F", "schema": {"type": "string"}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}}],
            "responses": with(problem_responses(&["400", "401"]), "200", json!({"description": "Hits, best first", "content": {"application/json": {"schema": {
                "type": "object", "required": ["total", "items"], "properties": {"total": {"type": "integer"}, "items": {"type": "array", "items": {"type": "object",
                    "required": ["kind", "id", "snippet"],
                    "properties": {"kind": {"type": "string"}, "id": {"type": "string"}, "document": {"type": ["string", "null"]}, "paragraph": {"type": ["integer", "null"]},
                        "title": {"type": "string"}, "snippet": {"type": "string"}, "highlights": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}},
                        "score": {"type": "number"}}}}}}}}}))}}),
    );
    paths.insert(
        "/api/v1/disputes".into(),
        json!({"get": {"operationId": "disputes", "tags": ["claims"],
            "description": "Every subject on which claims the caller may see contradict each other: opposite stances, a `contradicts` link, or figures in one unit that cannot both hold.",
            "responses": with(problem_responses(&["401"]), "200", json!({"description": "Disputed subjects", "content": {"application/json": {"schema": {"type": "object"}}}}))}}),
    );
    paths.insert(
        "/api/v1/disputes/claims".into(),
        json!({"get": {"operationId": "dispute_claims", "tags": ["claims"],
            "description": "The claims about one subject, grouped by stance, each with its source's kind and grade and its quote.",
            "parameters": [{"name": "record", "in": "query", "schema": {"type": "string", "format": "uuid"}}, {"name": "topic", "in": "query", "schema": {"type": "string"}}],
            "responses": with(problem_responses(&["400", "401"]), "200", json!({"description": "Claims by stance", "content": {"application/json": {"schema": {"type": "object"}}}}))}}),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reference_resolves() {
        let doc = build();
        let text = doc.to_string();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for kind in Kind::ALL {
            assert!(schemas.contains_key(schema_name(kind)));
        }
        for piece in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = &piece[..piece.find('"').unwrap()];
            assert!(schemas.contains_key(name), "dangling $ref to {name}");
        }
    }
}
