//! Reading a submitted form: the raw text of every field, the rows of
//! each group, and the JSON record they make.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};
use vigil_model::{FieldError, ValidationErrors};

use super::fields::{Field, Section, Widget};
use crate::pages::Lang;

// ---------------------------------------------------------------------------
// Form state: the raw text of every field, and the rows of each group

/// The name of a field: its JSON pointer without the leading slash.
pub(super) fn field_name(list: Option<&str>, row: usize, path: &str) -> String {
    match (list, path) {
        (None, path) => path.to_string(),
        (Some(list), "") => format!("{list}/{row}"),
        (Some(list), path) => format!("{list}/{row}/{path}"),
    }
}

/// The raw text of a form's fields, as shown and as sent.
#[derive(Debug, Clone, Default)]
pub struct FormState {
    pub values: BTreeMap<String, String>,
    /// The row numbers shown for each repeated group.
    rows: BTreeMap<&'static str, Vec<usize>>,
}

impl FormState {
    /// The fields of a record (or of defaults), with `blank_rows` empty
    /// rows after the items of each group.
    pub fn from_json(spec: &[Section], json: &Value, blank_rows: usize) -> FormState {
        let mut state = FormState::default();
        for section in spec {
            match section.list {
                None => {
                    for field in section.fields {
                        let pointer = format!("/{}", field.path);
                        if let Some(text) = json.pointer(&pointer).and_then(as_text) {
                            state.values.insert(field.path.to_string(), text);
                        }
                    }
                }
                Some(list) => {
                    let items = json
                        .pointer(&format!("/{list}"))
                        .and_then(Value::as_array)
                        .map(Vec::as_slice)
                        .unwrap_or_default();
                    for (i, item) in items.iter().enumerate() {
                        for field in section.fields {
                            let value = if field.path.is_empty() {
                                Some(item)
                            } else {
                                item.pointer(&format!("/{}", field.path))
                            };
                            if let Some(text) = value.and_then(as_text) {
                                state
                                    .values
                                    .insert(field_name(Some(list), i, field.path), text);
                            }
                        }
                    }
                    state
                        .rows
                        .insert(list, (0..items.len() + blank_rows).collect());
                }
            }
        }
        state
    }

    /// What a browser sent, kept exactly, with the rows it sent.
    pub fn from_submission(spec: &[Section], fields: Vec<(String, String)>) -> FormState {
        let values: BTreeMap<String, String> = fields.into_iter().collect();
        let mut rows = BTreeMap::new();
        for list in spec.iter().filter_map(|s| s.list) {
            let prefix = format!("{list}/");
            let indices: BTreeSet<usize> = values
                .keys()
                .filter_map(|k| k.strip_prefix(&prefix))
                .filter_map(|rest| rest.split('/').next()?.parse().ok())
                .collect();
            rows.insert(list, indices.into_iter().collect());
        }
        FormState { values, rows }
    }

    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }

    pub(super) fn rows(&self, list: &str) -> &[usize] {
        self.rows.get(list).map(Vec::as_slice).unwrap_or_default()
    }
}

fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(true) => Some("true".into()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Reading a form into JSON

/// Which form row each item of a parsed array came from, since blank rows
/// are dropped: `/names/1` may be the field `names/2`.
#[derive(Debug, Default)]
pub struct Rows(BTreeMap<&'static str, Vec<usize>>);

impl Rows {
    /// Moves errors from JSON pointers to form field names (still as
    /// pointers), and says "missing field `x`" at the field `x`.
    pub fn to_form(&self, errors: ValidationErrors, lang: Lang) -> ValidationErrors {
        ValidationErrors(
            errors
                .0
                .into_iter()
                .map(|e| match missing_field(&e) {
                    Some(pointer) => FieldError {
                        pointer: self.pointer(&pointer),
                        detail: lang.t("error-required"),
                    },
                    None => FieldError {
                        pointer: self.pointer(&e.pointer),
                        detail: e.detail,
                    },
                })
                .collect(),
        )
    }

    fn pointer(&self, pointer: &str) -> String {
        for (list, rows) in &self.0 {
            let Some(rest) = pointer
                .strip_prefix('/')
                .and_then(|p| p.strip_prefix(*list))
                .and_then(|p| p.strip_prefix('/'))
            else {
                continue;
            };
            let (index, tail) = rest.split_once('/').map_or((rest, ""), |(i, t)| (i, t));
            if let Some(row) = index.parse::<usize>().ok().and_then(|i| rows.get(i)) {
                let tail = if tail.is_empty() {
                    String::new()
                } else {
                    format!("/{tail}")
                };
                return format!("/{list}/{row}{tail}");
            }
        }
        pointer.to_string()
    }
}

/// serde reports a missing field at the object that lacks it; the form
/// shows it at the field: its pointer.
fn missing_field(error: &FieldError) -> Option<String> {
    error
        .detail
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(field, _)| format!("{}/{field}", error.pointer))
}

/// Builds the JSON a form describes: empty fields and blank rows left out,
/// numbers and ticks turned into JSON numbers and booleans. Errors are
/// reported at the field's name.
pub fn to_json(
    spec: &[Section],
    state: &FormState,
    lang: Lang,
) -> Result<(Value, Rows), ValidationErrors> {
    let mut root = Value::Object(Map::new());
    let mut rows = Rows::default();
    let mut errors = ValidationErrors::default();
    let mut read = |field: &Field, name: &str| match coerce(field.widget, state.value(name), lang) {
        Ok(v) => v,
        Err(detail) => {
            errors.push(format!("/{name}"), detail);
            None
        }
    };
    for section in spec {
        match section.list {
            None => {
                for field in section.fields {
                    if let Some(v) = read(field, field.path) {
                        set(&mut root, field.path, v);
                    }
                }
            }
            Some(list) => {
                let mut items = Vec::new();
                let mut used = Vec::new();
                for &row in state.rows(list) {
                    let mut item = Value::Object(Map::new());
                    let mut filled = false;
                    for field in section.fields {
                        if let Some(v) = read(field, &field_name(Some(list), row, field.path)) {
                            filled = true;
                            if field.path.is_empty() {
                                item = v;
                            } else {
                                set(&mut item, field.path, v);
                            }
                        }
                    }
                    if filled {
                        items.push(item);
                        used.push(row);
                    }
                }
                if !items.is_empty() {
                    set(&mut root, list, Value::Array(items));
                }
                rows.0.insert(list, used);
            }
        }
    }
    errors.into_result().map(|()| (root, rows))
}

/// The JSON value of one field's text; `None` when empty.
fn coerce(widget: Widget, raw: &str, lang: Lang) -> Result<Option<Value>, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let integer = || {
        text.parse::<i64>()
            .map(Value::from)
            .map_err(|_| lang.t("error-integer"))
    };
    let value = match widget {
        Widget::Check => Value::Bool(true),
        Widget::Integer => integer()?,
        Widget::Choice(c) if c.integer => integer()?,
        Widget::Number => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| lang.t("error-number"))?,
        Widget::Long => Value::String(text.replace("\r\n", "\n")),
        _ => Value::String(text.to_string()),
    };
    Ok(Some(value))
}

/// Sets `value` at a slash-separated path of object keys, creating the
/// objects on the way.
fn set(root: &mut Value, path: &str, value: Value) {
    let mut here = root;
    let mut keys = path.split('/').peekable();
    while let Some(key) = keys.next() {
        if !here.is_object() {
            *here = Value::Object(Map::new());
        }
        let Value::Object(map) = here else {
            unreachable!("made an object above")
        };
        if keys.peek().is_none() {
            map.insert(key.to_string(), value);
            return;
        }
        here = map
            .entry(key.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::forms::fields::{spec, CLAIM, EVENT, PERSON};
    use serde_json::json;
    use vigil_model::{Body, Kind};

    fn submitted(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn builds_nested_json_dropping_blank_rows_and_coercing_numbers() {
        let state = FormState::from_submission(
            EVENT,
            submitted(&[
                ("type", "trial"),
                ("title", "  Trial of X "),
                ("date", ""),
                ("confidentiality", "internal"),
                ("status", "alleged"),
                ("participants/0/person", ""),
                ("participants/0/organization", ""),
                ("participants/0/role", ""),
                (
                    "participants/1/person",
                    "0190b3c0-0000-7000-8000-000000000001",
                ),
                ("participants/1/role", "victim"),
                ("legal/charges/0/statute", "PRC Criminal Law"),
                ("legal/charges/0/article", "105"),
                ("legal/charges/1/statute", ""),
                ("legal/sentence/kind", "term"),
                ("legal/sentence/years", "14"),
                ("legal/sentence/months", " "),
                ("csrf", "x"),
            ]),
        );
        let (json, rows) = to_json(EVENT, &state, Lang::En).unwrap();
        assert_eq!(
            json,
            json!({
                "type": "trial",
                "title": "Trial of X",
                "status": "alleged",
                "confidentiality": "internal",
                "participants": [{ "person": "0190b3c0-0000-7000-8000-000000000001", "role": "victim" }],
                "legal": {
                    "charges": [{ "statute": "PRC Criminal Law", "article": "105" }],
                    "sentence": { "kind": "term", "years": 14 }
                }
            })
        );
        // The one participant kept came from row 1 of the form.
        assert_eq!(rows.pointer("/participants/0/role"), "/participants/1/role");
        assert_eq!(rows.pointer("/participants/0"), "/participants/1");
        assert_eq!(
            rows.pointer("/legal/charges/0/statute"),
            "/legal/charges/0/statute"
        );
        assert_eq!(rows.pointer("/title"), "/title");
    }

    #[test]
    fn numbers_ticks_and_plain_string_lists() {
        let state = FormState::from_submission(
            PERSON,
            submitted(&[
                ("unidentified", "a protester"),
                ("protected", "true"),
                ("nationalities/0", "CN"),
                ("nationalities/1", ""),
                ("nationalities/2", "GB"),
            ]),
        );
        let (json, _) = to_json(PERSON, &state, Lang::En).unwrap();
        assert_eq!(
            json,
            json!({ "unidentified": "a protester", "protected": true, "nationalities": ["CN", "GB"] })
        );
        let claim = FormState::from_submission(
            CLAIM,
            submitted(&[
                ("quantity/low", "1000000"),
                ("quantity/high", "1.8e6"),
                ("credibility", "2"),
            ]),
        );
        let (json, _) = to_json(CLAIM, &claim, Lang::En).unwrap();
        assert_eq!(json["quantity"]["low"], json!(1000000.0));
        assert_eq!(json["quantity"]["high"], json!(1800000.0));
        assert_eq!(json["credibility"], json!(2));
        let bad = FormState::from_submission(
            CLAIM,
            submitted(&[("quantity/low", "many"), ("credibility", "two")]),
        );
        let errors = to_json(CLAIM, &bad, Lang::En).unwrap_err();
        let pointers: Vec<&str> = errors.0.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(pointers, ["/credibility", "/quantity/low"]);
    }

    #[test]
    fn model_errors_land_on_the_form_row_they_came_from() {
        let state = FormState::from_submission(
            PERSON,
            submitted(&[
                ("names/0/text", ""),
                ("names/1/text", ""),
                ("names/1/kind", "alias"),
                ("relations/0/person", "not-an-id"),
            ]),
        );
        let (json, rows) = to_json(PERSON, &state, Lang::En).unwrap();
        let e = Body::from_json(Kind::Person, json).unwrap_err();
        let e = rows.to_form(e, Lang::En);
        assert_eq!(e.0[0].pointer, "/names/1/text", "{e}");
        assert_eq!(e.0[0].detail, Lang::En.t("error-required"));
        let e = rows.to_form(ValidationErrors::single("/names/0", "x"), Lang::En);
        assert_eq!(e.0[0].pointer, "/names/1");
    }

    /// Every field of a full record survives a trip through its form: the
    /// tables miss nothing that editing would then drop.
    #[test]
    fn every_kind_round_trips_through_its_form() {
        let id = "0190b3c0-0000-7000-8000-000000000001";
        let bodies = [
            (
                Kind::Person,
                json!({
                    "names": [{ "text": "Ilham Tohti", "script": "Latn", "language": "ug", "system": "uly", "kind": "primary" },
                              { "text": "伊力哈木·土赫提", "script": "Hani", "kind": "alias" }],
                    "unidentified": "economist", "sex": "male", "birth_date": "1969-10-25", "death_date": "2099",
                    "ethnicity": "Uyghur", "religion": "Islam", "nationalities": ["CN"], "occupations": ["economist", "professor"],
                    "identifiers": [{ "scheme": "cecc", "value": "2014-00012" }],
                    "relations": [{ "kind": "child", "person": id, "note": "daughter" }],
                    "contacts": [{ "channel": "email", "value": "x@example.org" }],
                    "protected": true, "description": "line 1\nline 2", "confidentiality": "restricted",
                    "citations": [{ "source": id, "locator": "p. 3", "quote": "words" }]
                }),
            ),
            (
                Kind::Organization,
                json!({ "names": [{ "text": "Fengrui", "script": "Latn", "kind": "primary" }], "type": "law_firm",
                        "country": "CN", "parent": id, "place": id, "description": "d", "confidentiality": "public" }),
            ),
            (
                Kind::Place,
                json!({ "names": [{ "text": "Kashgar", "script": "Latn", "kind": "primary" }], "type": "facility",
                        "facility_type": "camp", "parent": id, "country": "CN",
                        "coordinates": { "lat": 39.47, "lon": 75.99 }, "description": "d", "confidentiality": "internal" }),
            ),
            (
                Kind::Event,
                json!({ "type": "sentence", "title": "t", "date": "2014-09-23", "place": id, "description": "d",
                        "participants": [{ "person": id, "role": "victim" }, { "organization": id, "role": "judge" }],
                        "legal": { "case_number": "(2014) 乌中刑初字第 12 号", "court": id,
                                   "charges": [{ "statute": "PRC Criminal Law", "article": "103", "description": "separatism" }],
                                   "plea": "not_guilty", "verdict": "guilty",
                                   "sentence": { "kind": "life" },
                                   "political_rights_deprivation": { "kind": "term", "years": 5, "months": 2, "days": 1 },
                                   "expected_release": "2030?" },
                        "status": "verified", "confidentiality": "internal" }),
            ),
            (
                Kind::Source,
                json!({ "type": "un_document", "title": "OHCHR assessment", "author": "OHCHR", "publisher": "UN",
                        "date": "2022-08-31", "url": "https://www.ohchr.org/x", "reference": "A/HRC/x",
                        "language": "en", "reliability": "A", "description": "d", "confidentiality": "public" }),
            ),
            (
                Kind::Claim,
                json!({ "subject": { "record": { "kind": "place", "id": id }, "topic": "detainees" },
                        "statement": "up to a million", "quantity": { "value": 1.5, "low": 1.0, "high": 1800000.0,
                        "unit": "persons", "as_of": "2018" }, "stance": "asserts", "credibility": 3, "source": id,
                        "locator": "para. 5", "quote": "q", "links": [{ "kind": "contradicts", "claim": id }],
                        "confidentiality": "internal", "citations": [{ "source": id }] }),
            ),
        ];
        for (kind, json) in bodies {
            let body = Body::from_json(kind, json).unwrap();
            let original = Value::Object(body.to_json());
            let state = FormState::from_json(spec(kind), &original, 2);
            let submitted: Vec<(String, String)> = state.values.clone().into_iter().collect();
            let state = FormState::from_submission(spec(kind), submitted);
            let (json, _) = to_json(spec(kind), &state, Lang::En).unwrap();
            let back = Body::from_json(kind, json).unwrap();
            assert_eq!(Value::Object(back.to_json()), original, "{kind}");
        }
    }
}
