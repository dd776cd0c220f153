//! The CSV columns of each kind, and how a cell turns into JSON and back.
//!
//! Every column is named after the JSON field it fills, so a row becomes a
//! JSON object and goes through [`vigil_model::Body::from_json`] like any
//! other record: one code path checks the shape of CSV, JSONL and API
//! input alike, and its JSON pointers lead straight back to a column.

use serde_json::{Map, Value};
use vigil_model::{Kind, Name};

/// How the text of a cell is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cell {
    /// The record's own id (UUID), trimmed.
    Id,
    /// The id of another record, trimmed.
    Ref,
    /// Free text, kept exactly as written.
    Text,
    /// A code or short token (vocabulary code, country, URL), trimmed.
    Code,
    /// A fixed set of lower-case values, trimmed and lower-cased.
    Enum,
    /// A fixed set of upper-case values (reliability `A`..`F`).
    Upper,
    /// `female`, `male`, `other`, `unknown`, and their usual abbreviations.
    Sex,
    /// An EDTF date, trimmed; checked after parsing.
    Date,
    /// `true`/`false`, `yes`/`no`, `1`/`0`.
    Bool,
    /// A whole number.
    Integer,
    /// Names separated by `|`, or a JSON array of name objects.
    Names,
    /// Words separated by `|`, or a JSON array of strings.
    List,
    /// `scheme:value` pairs separated by `|`, or a JSON array.
    Identifiers,
    /// `channel:value` pairs separated by `|`, or a JSON array.
    Contacts,
    /// JSON.
    Json,
    /// `lat,lon`, or a JSON object.
    Coordinates,
    /// A topic in plain text, or a JSON object.
    Subject,
}

/// One column of the CSV form of a kind.
#[derive(Debug, Clone, Copy)]
pub struct CsvColumn {
    /// The column name, which is also the JSON field it fills.
    pub name: &'static str,
    /// What to write in a cell, for help texts.
    pub format: &'static str,
    pub(crate) cell: Cell,
}

const fn col(name: &'static str, cell: Cell, format: &'static str) -> CsvColumn {
    CsvColumn { name, format, cell }
}

const ID: CsvColumn = col(
    "id",
    Cell::Id,
    "UUID; derived from the row when empty (see below)",
);
const CONFIDENTIALITY: CsvColumn = col(
    "confidentiality",
    Cell::Enum,
    "`public`, `internal` (default) or `restricted`",
);
const CITATIONS: CsvColumn = col(
    "citations",
    Cell::Json,
    r#"JSON: `[{"source":"SOURCE_ID","locator":"p. 12","quote":"..."}]`"#,
);
const NAMES: CsvColumn = col(
    "names",
    Cell::Names,
    r#"names separated by `|`: `伊力哈木·土赫提|Ilham Tohti`; or JSON: `[{"text":"Ilham Tohti","language":"en","kind":"transcription"}]`"#,
);
const DESCRIPTION: CsvColumn = col("description", Cell::Text, "text");

const PERSON: &[CsvColumn] = &[
    ID,
    NAMES,
    col("unidentified", Cell::Text, "text describing a person whose name is unknown"),
    col("sex", Cell::Sex, "`female`, `male`, `other`, `unknown` (also `f`, `m`, `女`, `男`)"),
    col("birth_date", Cell::Date, "EDTF date: `1969-02-21`, `1969-02`, `1969`, `1969?`"),
    col("death_date", Cell::Date, "EDTF date"),
    col("place", Cell::Text, "where the person lives or comes from, as written: `遂宁`, `Suining`"),
    col("ethnicity", Cell::Text, "text"),
    col("religion", Cell::Text, "text"),
    col("nationalities", Cell::List, "ISO 3166-1 codes separated by `|`: `CN|AU`"),
    col("occupations", Cell::List, "separated by `|`: `lawyer|poet`"),
    col(
        "identifiers",
        Cell::Identifiers,
        r#"`scheme:value` separated by `|`: `cppc:00004|cecc:2004-01234`; or JSON: `[{"scheme":"cecc","value":"2004-01234"}]`"#,
    ),
    col(
        "relations",
        Cell::Json,
        r#"JSON: `[{"kind":"spouse","person":"PERSON_ID","note":"..."}]`"#,
    ),
    col(
        "contacts",
        Cell::Contacts,
        r#"`channel:value` separated by `|`: `email:a@example.org|phone:+1 555 0100`; or JSON: `[{"channel":"email","value":"..."}]`"#,
    ),
    col("protected", Cell::Bool, "`true`/`false`, `yes`/`no` or `1`/`0`: the person asked for their identity to be protected"),
    DESCRIPTION,
    CONFIDENTIALITY,
    CITATIONS,
];

const ORGANIZATION: &[CsvColumn] = &[
    ID,
    NAMES,
    col(
        "type",
        Cell::Code,
        "`organization_type` code: `law_firm`, `ngo`, `court`, ...",
    ),
    col("country", Cell::Code, "ISO 3166-1 code: `CN`"),
    col(
        "parent",
        Cell::Ref,
        "id of the organisation this one is part of",
    ),
    col("place", Cell::Ref, "id of a place"),
    DESCRIPTION,
    CONFIDENTIALITY,
    CITATIONS,
];

const PLACE: &[CsvColumn] = &[
    ID,
    NAMES,
    col(
        "type",
        Cell::Enum,
        "`country`, `region`, `prefecture`, `county`, `city`, `district`, `township`, `village` or `facility`",
    ),
    col("facility_type", Cell::Code, "`facility_type` code, for facilities: `camp`, `prison`, ..."),
    col("parent", Cell::Ref, "id of the enclosing place"),
    col("country", Cell::Code, "ISO 3166-1 code: `CN`"),
    col("coordinates", Cell::Coordinates, r#"`lat,lon`: `39.47,75.99`; or JSON: `{"lat":39.47,"lon":75.99}`"#),
    DESCRIPTION,
    CONFIDENTIALITY,
    CITATIONS,
];

const EVENT: &[CsvColumn] = &[
    ID,
    col(
        "type",
        Cell::Code,
        "`event_type` code: `detention.rsdl`, `trial`, `un_review.upr`, ...",
    ),
    col("title", Cell::Text, "text"),
    col(
        "date",
        Cell::Date,
        "EDTF date: `2015-07-09`, `2015-07`, `2017/2019`",
    ),
    col("place", Cell::Ref, "id of a place"),
    DESCRIPTION,
    col(
        "participants",
        Cell::Json,
        r#"JSON: `[{"person":"PERSON_ID","role":"victim"},{"organization":"ORGANIZATION_ID","role":"perpetrator"}]`"#,
    ),
    col(
        "legal",
        Cell::Json,
        r#"JSON: `{"case_number":"...","charges":[{"statute":"PRC Criminal Law","article":"105"}],"verdict":"guilty","sentence":{"kind":"term","years":10}}`"#,
    ),
    col(
        "status",
        Cell::Enum,
        "`alleged` (default), `verified`, `disputed` or `refuted`",
    ),
    CONFIDENTIALITY,
    CITATIONS,
];

const SOURCE: &[CsvColumn] = &[
    ID,
    col(
        "type",
        Cell::Enum,
        "`ngo_report`, `un_document`, `official_statement`, `court_judgment`, `media`, `testimony`, `leaked_document`, `academic`, `legislation` or `other`",
    ),
    col("title", Cell::Text, "text"),
    col("author", Cell::Text, "text"),
    col("publisher", Cell::Text, "text"),
    col("date", Cell::Date, "EDTF date"),
    col("url", Cell::Code, "`https://...`"),
    col("reference", Cell::Text, "document symbol or other reference: `A/HRC/51/CRP.x`"),
    col("language", Cell::Code, "BCP 47 tag: `en`, `zh-Hans`, `ug`"),
    col("reliability", Cell::Upper, "`A` to `F` (Admiralty scale)"),
    DESCRIPTION,
    CONFIDENTIALITY,
    CITATIONS,
];

const CLAIM: &[CsvColumn] = &[
    ID,
    col(
        "subject",
        Cell::Subject,
        r#"a topic in plain text; or JSON: `{"record":{"kind":"place","id":"PLACE_ID"},"topic":"detainee numbers"}`"#,
    ),
    col("statement", Cell::Text, "text"),
    col(
        "quantity",
        Cell::Json,
        r#"JSON: `{"value":43,"unit":"lawyers","as_of":"2021-10"}` or `{"low":800000,"high":2000000,"unit":"persons"}`"#,
    ),
    col("stance", Cell::Enum, "`asserts` or `denies`"),
    col(
        "credibility",
        Cell::Integer,
        "`1` (confirmed) to `6` (cannot be judged)",
    ),
    col("source", Cell::Ref, "id of the source making the claim"),
    col("locator", Cell::Text, "page, paragraph or timestamp"),
    col("quote", Cell::Text, "the words of the source"),
    col(
        "document",
        Cell::Ref,
        "id of the document the quote is from (see `vigil ingest`)",
    ),
    col(
        "paragraph",
        Cell::Integer,
        "number of the paragraph of that document that holds the quote",
    ),
    col(
        "links",
        Cell::Json,
        r#"JSON: `[{"kind":"contradicts","claim":"CLAIM_ID"}]`"#,
    ),
    CONFIDENTIALITY,
    CITATIONS,
];

/// The columns of a kind's CSV form, in the order the writer puts them.
pub fn csv_columns(kind: Kind) -> &'static [CsvColumn] {
    match kind {
        Kind::Person => PERSON,
        Kind::Organization => ORGANIZATION,
        Kind::Place => PLACE,
        Kind::Event => EVENT,
        Kind::Source => SOURCE,
        Kind::Claim => CLAIM,
    }
}

fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split('|').map(str::trim).filter(|s| !s.is_empty())
}

fn parse_json(text: &str) -> Result<Value, String> {
    serde_json::from_str(text.trim()).map_err(|e| format!("is not valid JSON ({e})"))
}

fn pairs(text: &str, first: &str, example: &str) -> Result<Value, String> {
    let mut items = Vec::new();
    for part in split_list(text) {
        let Some((key, value)) = part.split_once(':') else {
            return Err(format!(
                "{part:?} is not {first}:value; write e.g. {example}, several separated by |, or a JSON array"
            ));
        };
        let mut object = Map::new();
        object.insert(first.into(), Value::String(key.trim().into()));
        object.insert("value".into(), Value::String(value.trim().into()));
        items.push(Value::Object(object));
    }
    Ok(Value::Array(items))
}

impl Cell {
    /// The JSON a cell stands for; `None` for an empty cell, which means the
    /// field is absent.
    pub(crate) fn parse(self, text: &str) -> Result<Option<Value>, String> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        let looks_like_json = |open: char| trimmed.starts_with(open);
        let value = match self {
            Cell::Id | Cell::Ref | Cell::Code | Cell::Date => Value::String(trimmed.into()),
            Cell::Text => Value::String(text.into()),
            Cell::Enum => Value::String(trimmed.to_lowercase()),
            Cell::Upper => Value::String(trimmed.to_uppercase()),
            Cell::Sex => Value::String(
                match trimmed.to_lowercase().as_str() {
                    "female" | "f" | "女" => "female",
                    "male" | "m" | "男" => "male",
                    "other" => "other",
                    "unknown" => "unknown",
                    _ => {
                        return Err(format!(
                            "{trimmed:?} is not a sex: write female, male, other or unknown (f, m, 女 and 男 are understood too)"
                        ))
                    }
                }
                .into(),
            ),
            Cell::Bool => Value::Bool(match trimmed.to_lowercase().as_str() {
                "true" | "yes" | "1" => true,
                "false" | "no" | "0" => false,
                _ => return Err(format!("{trimmed:?} is not true or false (yes/no and 1/0 are understood too)")),
            }),
            Cell::Integer => match trimmed.parse::<i64>() {
                Ok(n) => Value::from(n),
                Err(_) => return Err(format!("{trimmed:?} is not a whole number")),
            },
            Cell::Names if looks_like_json('[') => parse_json(trimmed)?,
            Cell::Names => {
                let names = split_list(text)
                    .map(|part| serde_json::to_value(Name::new(part)).map_err(|e| e.to_string()))
                    .collect::<Result<Vec<_>, _>>()?;
                Value::Array(names)
            }
            Cell::List if looks_like_json('[') => parse_json(trimmed)?,
            Cell::List => Value::Array(split_list(text).map(|s| Value::String(s.into())).collect()),
            Cell::Identifiers if looks_like_json('[') => parse_json(trimmed)?,
            Cell::Identifiers => pairs(text, "scheme", "cecc:2004-01234")?,
            Cell::Contacts if looks_like_json('[') => parse_json(trimmed)?,
            Cell::Contacts => pairs(text, "channel", "email:someone@example.org")?,
            Cell::Json => parse_json(trimmed)?,
            Cell::Coordinates if looks_like_json('{') => parse_json(trimmed)?,
            Cell::Coordinates => {
                let parsed = trimmed
                    .split_once(',')
                    .and_then(|(lat, lon)| Some((lat.trim().parse::<f64>().ok()?, lon.trim().parse::<f64>().ok()?)));
                let Some((lat, lon)) = parsed else {
                    return Err(format!(
                        "{trimmed:?} is not lat,lon: write e.g. 39.47,75.99 or {{\"lat\":39.47,\"lon\":75.99}}"
                    ));
                };
                let mut object = Map::new();
                object.insert("lat".into(), Value::from(lat));
                object.insert("lon".into(), Value::from(lon));
                Value::Object(object)
            }
            Cell::Subject if looks_like_json('{') => parse_json(trimmed)?,
            Cell::Subject => {
                let mut object = Map::new();
                object.insert("topic".into(), Value::String(trimmed.into()));
                Value::Object(object)
            }
        };
        // A cell such as "|" holds no item at all: as absent as an empty one.
        if value.as_array().is_some_and(Vec::is_empty) && !looks_like_json('[') {
            return Ok(None);
        }
        Ok(Some(value))
    }

    /// The cell text for a field's JSON value. The readable form (`a|b`,
    /// `scheme:value`, a bare topic) is used only when reading it back gives
    /// exactly the same value; otherwise the cell holds JSON, which always
    /// does. That is what makes export, import, export give the same file.
    pub(crate) fn format(self, value: &Value) -> String {
        let readable = match (self, value) {
            (_, Value::String(s)) => Some(s.clone()),
            (_, Value::Bool(b)) => Some(b.to_string()),
            (Cell::Integer, Value::Number(n)) => Some(n.to_string()),
            (Cell::Names, Value::Array(items)) => {
                join(items, |item| item.get("text")?.as_str().map(str::to_string))
            }
            (Cell::List, Value::Array(items)) => {
                join(items, |item| item.as_str().map(str::to_string))
            }
            (Cell::Identifiers, Value::Array(items)) => join(items, |item| pair(item, "scheme")),
            (Cell::Contacts, Value::Array(items)) => join(items, |item| pair(item, "channel")),
            (Cell::Subject, Value::Object(map)) if map.len() == 1 => {
                map.get("topic").and_then(Value::as_str).map(str::to_string)
            }
            _ => None,
        };
        if let Some(text) = readable {
            if self.parse(&text).ok().flatten().as_ref() == Some(value) {
                return text;
            }
            if matches!(value, Value::String(_)) {
                // Text that does not survive a round trip (only spaces) has
                // no other way to be written.
                return text;
            }
        }
        serde_json::to_string(value).unwrap_or_default()
    }
}

fn join(items: &[Value], text: impl Fn(&Value) -> Option<String>) -> Option<String> {
    let parts = items.iter().map(text).collect::<Option<Vec<_>>>()?;
    Some(parts.join("|"))
}

fn pair(item: &Value, first: &str) -> Option<String> {
    Some(format!(
        "{}:{}",
        item.get(first)?.as_str()?,
        item.get("value")?.as_str()?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn readable_forms_are_used_only_when_they_read_back_the_same() {
        let names = Cell::Names
            .parse("伊力哈木·土赫提|Ilham Tohti|ئىلھام توختى")
            .unwrap()
            .unwrap();
        assert_eq!(names.as_array().unwrap().len(), 3);
        assert_eq!(names[1]["script"], "Latn");
        assert_eq!(
            Cell::Names.format(&names),
            "伊力哈木·土赫提|Ilham Tohti|ئىلھام توختى"
        );

        let mut with_language = names.clone();
        with_language[1]["language"] = json!("en");
        let cell = Cell::Names.format(&with_language);
        assert!(cell.starts_with('['), "{cell}");
        assert_eq!(Cell::Names.parse(&cell).unwrap().unwrap(), with_language);

        let piped = json!(["a|b", "c"]);
        assert_eq!(
            Cell::List
                .parse(&Cell::List.format(&piped))
                .unwrap()
                .unwrap(),
            piped
        );
    }

    #[test]
    fn identifiers_read_as_scheme_value_pairs() {
        let v = Cell::Identifiers
            .parse("cppc:00004 | cecc:2004-01234")
            .unwrap()
            .unwrap();
        assert_eq!(
            v,
            json!([{"scheme":"cppc","value":"00004"},{"scheme":"cecc","value":"2004-01234"}])
        );
        assert_eq!(Cell::Identifiers.format(&v), "cppc:00004|cecc:2004-01234");
        assert!(Cell::Identifiers
            .parse("00004")
            .unwrap_err()
            .contains("scheme:value"));
    }

    #[test]
    fn small_cells_understand_common_spellings() {
        for (text, sex) in [
            ("F", "female"),
            ("male", "male"),
            ("女", "female"),
            ("男", "male"),
            ("Unknown", "unknown"),
        ] {
            assert_eq!(Cell::Sex.parse(text).unwrap().unwrap(), json!(sex));
        }
        assert!(Cell::Sex.parse("femal").is_err());
        for (text, b) in [("yes", true), ("0", false), ("TRUE", true), ("No", false)] {
            assert_eq!(Cell::Bool.parse(text).unwrap().unwrap(), json!(b));
        }
        assert_eq!(
            Cell::Coordinates.parse("39.47, 75.99").unwrap().unwrap(),
            json!({"lat":39.47,"lon":75.99})
        );
        assert_eq!(
            Cell::Subject.parse("detainee numbers").unwrap().unwrap(),
            json!({"topic":"detainee numbers"})
        );
        assert_eq!(Cell::Text.parse("   ").unwrap(), None);
        assert_eq!(Cell::Names.parse(" | ").unwrap(), None);
    }
}
