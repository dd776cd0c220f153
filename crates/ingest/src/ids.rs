//! Ids for records that arrive without one.
//!
//! Importing the same file twice must find the records of the first import
//! rather than create copies, so an id missing from the file is derived
//! (UUIDv5) from what the row says, never drawn at random.

use serde_json::Value;
use vigil_model::{Body, RecordId};

/// The id of a record read without one.
///
/// A person with an identifier from another registry (a CPPC or CECC
/// number) is that registry's person: the id follows the first identifier,
/// so that a later, corrected row about the same person updates the record.
/// Anything else can only be recognised by its whole content: two rows
/// about two people named 陈卫, born in different years, get two ids, and
/// an edited row becomes a new record.
pub fn derived_id(body: &Body) -> RecordId {
    let kind = body.kind().singular();
    if let Body::Person(person) = body {
        if let Some(first) = person.identifiers.first() {
            return RecordId::derived(&format!("{kind}|{}|{}", first.scheme, first.value));
        }
    }
    let content = canonical(&Value::Object(body.to_json()));
    RecordId::derived(&format!("{kind}|{content}"))
}

/// JSON with the keys of every object sorted, so that the same content
/// always gives the same text whatever order its fields came in. Written
/// straight from the value into one buffer: an import derives one per row.
fn canonical(value: &Value) -> String {
    fn write(value: &Value, out: &mut Vec<u8>) {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_unstable_by_key(|(k, _)| *k);
                out.push(b'{');
                for (i, (key, item)) in entries.into_iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    serde_json::to_writer(&mut *out, key).expect("strings always serialise");
                    out.push(b':');
                    write(item, out);
                }
                out.push(b'}');
            }
            Value::Array(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write(item, out);
                }
                out.push(b']');
            }
            scalar => serde_json::to_writer(&mut *out, scalar).expect("scalars always serialise"),
        }
    }
    let mut out = Vec::with_capacity(256);
    write(value, &mut out);
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Map};
    use vigil_model::Kind;

    fn person(value: Value) -> Body {
        Body::from_json(Kind::Person, value).unwrap()
    }

    #[test]
    fn same_content_same_id_whatever_the_key_order() {
        let a = person(json!({"names":[{"text":"陈卫"}],"birth_date":"1969-02-21","sex":"male"}));
        let b = person(json!({"sex":"male","birth_date":"1969-02-21","names":[{"text":"陈卫"}]}));
        assert_eq!(derived_id(&a), derived_id(&b));
        let c = person(json!({"names":[{"text":"陈卫"}],"birth_date":"1967","sex":"male"}));
        assert_ne!(derived_id(&a), derived_id(&c));
    }

    #[test]
    fn canonical_text_is_serde_json_of_the_sorted_value() {
        // What earlier versions hashed: re-importing a file must find the
        // records earlier imports made.
        fn sorted(value: &Value) -> Value {
            match value {
                Value::Object(map) => {
                    let mut keys: Vec<&String> = map.keys().collect();
                    keys.sort();
                    let mut out = Map::new();
                    for key in keys {
                        out.insert(key.clone(), sorted(&map[key]));
                    }
                    Value::Object(out)
                }
                Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
                other => other.clone(),
            }
        }
        let value = json!({"z": [1, 2.5, {"b": null, "a": "陈卫 \"x\"\n"}], "a": true, "m": {"y": -3, "x": []}});
        assert_eq!(canonical(&value), sorted(&value).to_string());
    }

    #[test]
    fn a_registry_identifier_decides() {
        let a = person(
            json!({"names":[{"text":"陈卫"}],"identifiers":[{"scheme":"cppc","value":"00004"}]}),
        );
        let b = person(
            json!({"names":[{"text":"Chen Wei"}],"identifiers":[{"scheme":"cppc","value":"00004"}]}),
        );
        assert_eq!(derived_id(&a), derived_id(&b));
        assert_eq!(derived_id(&a), RecordId::derived("person|cppc|00004"));
    }
}
