//! Ids for records that arrive without one.
//!
//! Importing the same file twice must find the records of the first import
//! rather than create copies, so an id missing from the file is derived
//! (UUIDv5) from what the row says, never drawn at random.

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
    let mut key = format!("{kind}|").into_bytes();
    key.extend(crate::canonical::to_vec(body).expect("record bodies always serialise"));
    RecordId::derived(std::str::from_utf8(&key).expect("canonical JSON is UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Map, Value};
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
    fn ids_are_those_earlier_versions_derived() {
        // Earlier versions hashed the body's `serde_json::Value` with its
        // keys sorted: re-importing a file must find what they made.
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
        let bodies = [
            person(json!({"names":[{"text":"伊力哈木·土赫提"},{"text":"Ilham Tohti","kind":"alias"}],
                "birth_date":"1969-10-25","sex":"male","description":"economist \"quoted\"\n"})),
            Body::from_json(Kind::Event, json!({"type":"sentence","title":"Ilham Tohti sentenced to life",
                "date":"2014-09-23","legal":{"charges":[{"statute":"PRC Criminal Law","article":"103"}],
                "verdict":"guilty","sentence":{"kind":"life"}},"status":"verified"})).unwrap(),
            Body::from_json(Kind::Source, json!({"type":"un_document","title":"OHCHR Assessment",
                "publisher":"OHCHR","date":"2022-08-31","reliability":"A"})).unwrap(),
            Body::from_json(Kind::Claim, json!({"subject":{"topic":"detainee numbers"},
                "statement":"Up to one million people detained","quantity":{"high":1000000,"unit":"persons","as_of":"2018"},
                "stance":"asserts","credibility":3,"source":"0190a1b2-0000-7000-8000-000000000001"})).unwrap(),
        ];
        for body in bodies {
            let old = sorted(&Value::Object(body.to_json())).to_string();
            let kind = body.kind().singular();
            assert_eq!(
                derived_id(&body),
                RecordId::derived(&format!("{kind}|{old}")),
                "{old}"
            );
        }
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
