//! Creating and editing records through HTML forms that work without
//! JavaScript.
//!
//! Each kind is described by a table of fields ([`spec`]): the field's path
//! in the record's JSON, its widget and its label. One generic renderer
//! draws any table and one generic parser reads it back. A form field's
//! name is the JSON pointer of its value without the leading slash
//! (`names/0/text`, `legal/charges/1/statute`), so a validation error's
//! pointer names the field it belongs to. Repeated groups show every item
//! plus two blank rows; blank rows are dropped when the form is read.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::str::FromStr;

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use maud::{html, Markup};
use serde_json::{Map, Value};
use vigil_model::{Body, FieldError, Kind, Record, RecordId, ValidationErrors};
use vigil_store::{Filter, StoreError};

use super::view::{display_label, record_link, Ctx};
use super::{csrf_field, layout, message, page, Lang, PageError, PageResult};
use crate::auth::Caller;
use crate::blocking::{blocking, Failure};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{kind}/new", get(new_form).post(create))
        .route("/{kind}/{id}/edit", get(edit_form).post(update))
}

// ---------------------------------------------------------------------------
// The tables

/// How a field is edited, and how its text becomes JSON.
#[derive(Clone, Copy)]
pub enum Widget {
    /// One line of user text.
    Text,
    /// Several lines of user text.
    Long,
    /// An EDTF date, as text.
    Date,
    /// A decimal number.
    Number,
    /// A whole number.
    Integer,
    /// A yes/no box; `true` when ticked, left out otherwise.
    Check,
    /// A password: never shown back.
    Password,
    /// One of fixed values.
    Choice(&'static Choices),
    /// A code of the named vocabulary.
    Vocab(&'static str),
    /// The name of a vocabulary.
    VocabName,
    /// The id of a record of this kind; `None`: of the kind named by the
    /// sibling field `kind`.
    Ref(Option<Kind>),
}

/// The values of an enumeration, labelled by `prefix` + value.
pub struct Choices {
    pub codes: &'static [&'static str],
    pub prefix: &'static str,
    /// Offer an empty choice (the field may be left out).
    pub blank: bool,
    /// Show the code before its label (grades: `A`, `3`).
    pub show_code: bool,
    /// The codes are numbers in JSON.
    pub integer: bool,
}

pub const fn choices(prefix: &'static str, codes: &'static [&'static str]) -> Choices {
    Choices {
        codes,
        prefix,
        blank: true,
        show_code: false,
        integer: false,
    }
}

pub struct Field {
    /// Path inside the record, or inside the item of a repeated group
    /// (empty for a list of plain strings).
    pub path: &'static str,
    pub label: &'static str,
    pub widget: Widget,
}

pub const fn f(path: &'static str, label: &'static str, widget: Widget) -> Field {
    Field {
        path,
        label,
        widget,
    }
}

/// A fieldset: plain fields, or a repeated group at the path `list`.
pub struct Section {
    pub legend: &'static str,
    pub list: Option<&'static str>,
    pub fields: &'static [Field],
}

pub const fn fields(legend: &'static str, fields: &'static [Field]) -> Section {
    Section {
        legend,
        list: None,
        fields,
    }
}

const fn list(legend: &'static str, path: &'static str, fields: &'static [Field]) -> Section {
    Section {
        legend,
        list: Some(path),
        fields,
    }
}

use Widget::{Check, Date, Integer, Long, Number, Ref, Text, Vocab};

/// Internal first: a form that loses its value must not fall back to public.
pub(super) const CONFIDENTIALITY: Choices = Choices {
    blank: false,
    ..choices("conf-", &["internal", "restricted", "public"])
};
const NAME_KIND: Choices = choices(
    "name-kind-",
    &[
        "primary",
        "legal",
        "alias",
        "pen_name",
        "religious",
        "lay",
        "english_name",
        "transcription",
    ],
);
const SCRIPT: Choices = choices(
    "script-",
    &[
        "Latn", "Hans", "Hant", "Hani", "Arab", "Cyrl", "Tibt", "Mong", "Kore", "Jpan", "Grek",
        "Hebr", "Thai", "Zyyy",
    ],
);
const SEX: Choices = choices("sex-", &["female", "male", "other", "unknown"]);
const RELATION: Choices = choices(
    "relation-",
    &[
        "relative",
        "spouse",
        "parent",
        "child",
        "sibling",
        "co_defendant",
        "testifier",
        "lawyer",
        "colleague",
        "other",
    ],
);
const PLACE_TYPE: Choices = choices(
    "place-",
    &[
        "country",
        "region",
        "prefecture",
        "county",
        "city",
        "district",
        "township",
        "village",
        "facility",
    ],
);
const EVENT_STATUS: Choices = Choices {
    blank: false,
    ..choices(
        "event-status-",
        &["alleged", "verified", "disputed", "refuted"],
    )
};
const ROLE: Choices = choices(
    "role-",
    &[
        "victim",
        "perpetrator",
        "witness",
        "lawyer",
        "judge",
        "prosecutor",
        "intervener",
        "source",
        "relative",
    ],
);
const PLEA: Choices = choices("plea-", &["guilty", "not_guilty", "none", "unknown"]);
const VERDICT: Choices = choices(
    "verdict-",
    &["guilty", "not_guilty", "dismissed", "pending", "unknown"],
);
const SENTENCE_KIND: Choices = choices(
    "sentence-",
    &[
        "term",
        "life",
        "death",
        "death_with_reprieve",
        "suspended",
        "fine",
        "none",
    ],
);
pub(super) const SOURCE_KIND: Choices = choices(
    "source-",
    &[
        "ngo_report",
        "un_document",
        "official_statement",
        "court_judgment",
        "media",
        "testimony",
        "leaked_document",
        "academic",
        "legislation",
        "other",
    ],
);
const RELIABILITY: Choices = Choices {
    show_code: true,
    ..choices("reliability-", &["A", "B", "C", "D", "E", "F"])
};
pub(super) const STANCE: Choices = choices("stance-", &["asserts", "denies"]);
pub(super) const CREDIBILITY: Choices = Choices {
    show_code: true,
    integer: true,
    ..choices("credibility-", &["1", "2", "3", "4", "5", "6"])
};
pub(super) const KIND: Choices = choices(
    "kind-",
    &[
        "person",
        "organization",
        "place",
        "event",
        "source",
        "claim",
    ],
);
const LINK_KIND: Choices = choices("link-", &["supports", "contradicts", "same_figure_as"]);

const CONF: Field = f(
    "confidentiality",
    "field-confidentiality",
    Widget::Choice(&CONFIDENTIALITY),
);
const NAMES: Section = list(
    "field-names",
    "names",
    &[
        f("text", "field-name-text", Text),
        f("kind", "field-name-kind", Widget::Choice(&NAME_KIND)),
        f("script", "field-script", Widget::Choice(&SCRIPT)),
        f("language", "field-language", Text),
        f("system", "field-system", Text),
    ],
);
const CITATIONS: Section = list(
    "citations",
    "citations",
    &[
        f("source", "field-source", Ref(Some(Kind::Source))),
        f("locator", "field-locator", Text),
        f("quote", "field-quote", Long),
    ],
);

const PERSON: &[Section] = &[
    NAMES,
    fields(
        "form-details",
        &[
            f("unidentified", "field-unidentified", Text),
            f("protected", "field-protected", Check),
            f("sex", "field-sex", Widget::Choice(&SEX)),
            f("birth_date", "field-birth-date", Date),
            f("death_date", "field-death-date", Date),
            f("place", "field-home-place", Text),
            f("ethnicity", "field-ethnicity", Text),
            f("religion", "field-religion", Text),
            f("description", "field-description", Long),
            CONF,
        ],
    ),
    list(
        "field-nationalities",
        "nationalities",
        &[f("", "field-nationality", Text)],
    ),
    list(
        "field-occupations",
        "occupations",
        &[f("", "field-occupation", Text)],
    ),
    list(
        "field-identifiers",
        "identifiers",
        &[
            f("scheme", "field-scheme", Vocab("identifier_scheme")),
            f("value", "field-identifier", Text),
        ],
    ),
    list(
        "relations",
        "relations",
        &[
            f("kind", "field-relation", Widget::Choice(&RELATION)),
            f("person", "field-person", Ref(Some(Kind::Person))),
            f("note", "field-note", Text),
        ],
    ),
    list(
        "field-contacts",
        "contacts",
        &[
            f("channel", "field-channel", Text),
            f("value", "field-contact", Text),
        ],
    ),
    CITATIONS,
];

const ORGANIZATION: &[Section] = &[
    NAMES,
    fields(
        "form-details",
        &[
            f("type", "field-type", Vocab("organization_type")),
            f("country", "field-country", Text),
            f("parent", "field-parent", Ref(Some(Kind::Organization))),
            f("place", "field-place", Ref(Some(Kind::Place))),
            f("description", "field-description", Long),
            CONF,
        ],
    ),
    CITATIONS,
];

const PLACE: &[Section] = &[
    NAMES,
    fields(
        "form-details",
        &[
            f("type", "field-type", Widget::Choice(&PLACE_TYPE)),
            f(
                "facility_type",
                "field-facility-type",
                Vocab("facility_type"),
            ),
            f("parent", "field-parent", Ref(Some(Kind::Place))),
            f("country", "field-country", Text),
            f("coordinates/lat", "field-latitude", Number),
            f("coordinates/lon", "field-longitude", Number),
            f("description", "field-description", Long),
            CONF,
        ],
    ),
    CITATIONS,
];

const EVENT: &[Section] = &[
    fields(
        "form-details",
        &[
            f("type", "field-type", Vocab("event_type")),
            f("title", "field-title", Text),
            f("date", "field-date", Date),
            f("place", "field-place", Ref(Some(Kind::Place))),
            f("status", "field-status", Widget::Choice(&EVENT_STATUS)),
            f("description", "field-description", Long),
            CONF,
        ],
    ),
    list(
        "participants",
        "participants",
        &[
            f("person", "field-person", Ref(Some(Kind::Person))),
            f(
                "organization",
                "field-organization",
                Ref(Some(Kind::Organization)),
            ),
            f("role", "field-role", Widget::Choice(&ROLE)),
        ],
    ),
    fields(
        "legal",
        &[
            f("legal/case_number", "field-case-number", Text),
            f("legal/court", "field-court", Ref(Some(Kind::Organization))),
            f("legal/plea", "field-plea", Widget::Choice(&PLEA)),
            f("legal/verdict", "field-verdict", Widget::Choice(&VERDICT)),
            f("legal/expected_release", "field-expected-release", Date),
        ],
    ),
    list(
        "field-charges",
        "legal/charges",
        &[
            f("statute", "field-statute", Text),
            f("article", "field-article", Text),
            f("description", "field-description", Text),
        ],
    ),
    fields(
        "field-sentence",
        &[
            f(
                "legal/sentence/kind",
                "field-sentence-kind",
                Widget::Choice(&SENTENCE_KIND),
            ),
            f("legal/sentence/years", "unit-years", Integer),
            f("legal/sentence/months", "unit-months", Integer),
            f("legal/sentence/days", "unit-days", Integer),
        ],
    ),
    fields(
        "field-political-rights",
        &[
            f(
                "legal/political_rights_deprivation/kind",
                "field-sentence-kind",
                Widget::Choice(&SENTENCE_KIND),
            ),
            f(
                "legal/political_rights_deprivation/years",
                "unit-years",
                Integer,
            ),
            f(
                "legal/political_rights_deprivation/months",
                "unit-months",
                Integer,
            ),
            f(
                "legal/political_rights_deprivation/days",
                "unit-days",
                Integer,
            ),
        ],
    ),
    CITATIONS,
];

const SOURCE: &[Section] = &[
    fields(
        "form-details",
        &[
            f("type", "field-source-type", Widget::Choice(&SOURCE_KIND)),
            f("title", "field-title", Text),
            f("author", "field-author", Text),
            f("publisher", "field-publisher", Text),
            f("date", "field-date", Date),
            f("url", "field-url", Text),
            f("reference", "field-reference", Text),
            f("language", "field-language", Text),
            f(
                "reliability",
                "field-reliability",
                Widget::Choice(&RELIABILITY),
            ),
            f("description", "field-description", Long),
            CONF,
        ],
    ),
    CITATIONS,
];

const CLAIM: &[Section] = &[
    fields(
        "form-details",
        &[
            f("statement", "field-statement", Long),
            f("source", "field-source", Ref(Some(Kind::Source))),
            f("locator", "field-locator", Text),
            f("quote", "field-quote", Long),
            f("stance", "field-stance", Widget::Choice(&STANCE)),
            f(
                "credibility",
                "field-credibility",
                Widget::Choice(&CREDIBILITY),
            ),
            CONF,
        ],
    ),
    fields(
        "field-subject",
        &[
            f(
                "subject/record/kind",
                "field-subject-kind",
                Widget::Choice(&KIND),
            ),
            f("subject/record/id", "field-subject-record", Ref(None)),
            f("subject/topic", "field-topic", Text),
        ],
    ),
    fields(
        "field-quantity",
        &[
            f("quantity/value", "field-value", Number),
            f("quantity/low", "field-low", Number),
            f("quantity/high", "field-high", Number),
            f("quantity/unit", "field-unit", Text),
            f("quantity/as_of", "field-as-of", Date),
        ],
    ),
    list(
        "field-links",
        "links",
        &[
            f("kind", "field-link-kind", Widget::Choice(&LINK_KIND)),
            f("claim", "field-claim", Ref(Some(Kind::Claim))),
        ],
    ),
    CITATIONS,
];

pub fn spec(kind: Kind) -> &'static [Section] {
    match kind {
        Kind::Person => PERSON,
        Kind::Organization => ORGANIZATION,
        Kind::Place => PLACE,
        Kind::Event => EVENT,
        Kind::Source => SOURCE,
        Kind::Claim => CLAIM,
    }
}

// ---------------------------------------------------------------------------
// Form state: the raw text of every field, and the rows of each group

/// The name of a field: its JSON pointer without the leading slash.
fn field_name(list: Option<&str>, row: usize, path: &str) -> String {
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

    fn rows(&self, list: &str) -> &[usize] {
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

// ---------------------------------------------------------------------------
// Where errors are shown

/// Errors sorted by where the form shows them.
#[derive(Debug, Default)]
pub struct Placement {
    /// By field name: shown under the field.
    pub field: BTreeMap<String, Vec<String>>,
    /// By the name of the place they are shown before (a group's first
    /// field, a repeated group or one of its rows): errors of a group.
    pub group: BTreeMap<String, Vec<(String, Vec<String>)>>,
    /// Errors that name no field, shown at the top of the form (with the
    /// group's name when they are also shown at a group).
    pub top: Vec<(String, Vec<String>, bool)>,
}

impl Placement {
    /// `names`: every field name in the order shown; `anchors`: the names
    /// of repeated groups and rows, which can hold their own errors.
    pub fn new(errors: &ValidationErrors, names: &[String], anchors: &[String]) -> Placement {
        let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for e in &errors.0 {
            let name = e.pointer.strip_prefix('/').unwrap_or(&e.pointer);
            by_name
                .entry(name.to_string())
                .or_default()
                .push(e.detail.clone());
        }
        let mut placement = Placement::default();
        for (name, details) in by_name {
            if names.contains(&name) {
                placement.field.insert(name, details);
                continue;
            }
            let prefix = format!("{name}/");
            let anchor = if anchors.contains(&name) {
                Some(name.clone())
            } else if name.is_empty() {
                None
            } else {
                names.iter().find(|n| n.starts_with(&prefix)).cloned()
            };
            placement
                .top
                .push((name.clone(), details.clone(), anchor.is_some()));
            if let Some(anchor) = anchor {
                placement
                    .group
                    .entry(anchor)
                    .or_default()
                    .push((name, details));
            }
        }
        placement
    }

    pub fn is_empty(&self) -> bool {
        self.field.is_empty() && self.top.is_empty()
    }
}

/// The field names and group anchors a form shows, in order.
fn layout_names(spec: &[Section], state: &FormState) -> (Vec<String>, Vec<String>) {
    let names = slots(spec, state).into_iter().map(|s| s.name).collect();
    let mut anchors = Vec::new();
    for list in spec.iter().filter_map(|s| s.list) {
        anchors.push(list.to_string());
        anchors.extend(
            state
                .rows(list)
                .iter()
                .map(|&row| field_name(Some(list), row, "")),
        );
    }
    (names, anchors)
}

fn dashed(name: &str) -> String {
    name.replace('/', "-")
}

fn error_id(name: &str) -> String {
    if name.is_empty() {
        "error-form".into()
    } else {
        format!("error-{}", dashed(name))
    }
}

fn error_markup(name: &str, details: &[String]) -> Markup {
    html! { p.field-error id=(error_id(name)) { (details.join("; ")) } }
}

// ---------------------------------------------------------------------------
// Drawing a form

/// A form ready to draw: its state, errors and what its references point at.
pub struct FormView<'a> {
    pub lang: Lang,
    pub ctx: &'a Ctx,
    pub state: &'a FormState,
    pub placement: Placement,
    /// Labels of referenced records, by field name.
    pub targets: HashMap<String, Markup>,
    /// Kinds offered as a list of choices beside their id fields.
    pub choices: BTreeMap<Kind, Vec<(String, String)>>,
    /// What the summary calls each field that has an error.
    pub captions: Vec<(String, String)>,
}

/// Kinds small enough to offer every record as a suggestion.
const SUGGESTED: [Kind; 3] = [Kind::Source, Kind::Place, Kind::Organization];
const MAX_SUGGESTIONS: u32 = 500;

impl<'a> FormView<'a> {
    pub async fn new(
        ctx: &'a Ctx,
        spec: &[Section],
        state: &'a FormState,
        errors: &ValidationErrors,
    ) -> Result<FormView<'a>, PageError> {
        let (names, anchors) = layout_names(spec, state);
        let mut view = FormView {
            lang: ctx.lang,
            ctx,
            state,
            placement: Placement::new(errors, &names, &anchors),
            targets: HashMap::new(),
            choices: BTreeMap::new(),
            captions: Vec::new(),
        };
        for Slot {
            section,
            field,
            name,
            row,
        } in slots(spec, state)
        {
            if view.placement.field.contains_key(&name) {
                let caption = match row {
                    Some(row) => format!(
                        "{} {} · {}",
                        ctx.lang.t(section.legend),
                        row + 1,
                        ctx.lang.t(field.label)
                    ),
                    None => ctx.lang.t(field.label),
                };
                view.captions.push((name.clone(), caption));
            }
            let Widget::Ref(kind) = field.widget else {
                continue;
            };
            if let Some(k) = kind.filter(|k| SUGGESTED.contains(k)) {
                if let Entry::Vacant(slot) = view.choices.entry(k) {
                    let records = ctx.list(k, Filter::default(), MAX_SUGGESTIONS).await?;
                    slot.insert(
                        records
                            .iter()
                            .map(|r| (r.id.to_string(), display_label(r, ctx.lang, &ctx.caller)))
                            .collect(),
                    );
                }
            }
            let Ok(id) = RecordId::from_str(state.value(&name).trim()) else {
                continue;
            };
            let kind = kind.or_else(|| Kind::from_str(state.value(&sibling(&name, "kind"))).ok());
            let target = match kind {
                Some(kind) => ctx.get(kind, id).await?,
                None => None,
            };
            let label = match target {
                Some(r) => record_link(&r, ctx.lang, &ctx.caller),
                None => html! { span.muted { (ctx.lang.t("ref-unknown")) } },
            };
            view.targets.insert(name, label);
        }
        Ok(view)
    }

    /// The fieldsets of a form.
    pub fn sections(&self, spec: &[Section]) -> Markup {
        html! {
            @for section in spec {
                @match section.list {
                    None => fieldset {
                        legend { (self.lang.t(section.legend)) }
                        @for field in section.fields { (self.row(field, field.path)) }
                    },
                    Some(list) => fieldset.list {
                        legend { (self.lang.t(section.legend)) }
                        (self.group_errors(list))
                        @for &row in self.state.rows(list) {
                            @let item = field_name(Some(list), row, "");
                            div.item {
                                (self.group_errors(&item))
                                @for field in section.fields { (self.row(field, &field_name(Some(list), row, field.path))) }
                            }
                        }
                        p.hint { (self.lang.t("form-rows-hint")) }
                    },
                }
            }
            @for (kind, options) in &self.choices {
                datalist id={ "records-" (kind.plural()) } {
                    @for (id, label) in options { option value=(id) { (label) } }
                }
            }
        }
    }

    /// The errors that name no field, above the form.
    pub fn summary(&self) -> Markup {
        if self.placement.is_empty() {
            return html! {};
        }
        html! {
            div.form-errors role="alert" {
                p { strong { (self.lang.t("form-invalid")) } }
                @for (name, caption) in &self.captions {
                    p { a href={ "#field-" (dashed(name)) } { (caption) } }
                }
                @for (name, details, elsewhere) in &self.placement.top {
                    @if *elsewhere {
                        p.field-error { a href={ "#" (error_id(name)) } { (details.join("; ")) } }
                    } @else {
                        (error_markup(name, details))
                    }
                }
            }
        }
    }

    fn group_errors(&self, anchor: &str) -> Markup {
        html! {
            @for (name, details) in self.placement.group.get(anchor).into_iter().flatten() {
                (error_markup(name, details))
            }
        }
    }

    fn row(&self, field: &Field, name: &str) -> Markup {
        let id = format!("field-{}", dashed(name));
        let errors = self.placement.field.get(name);
        html! {
            (self.group_errors(name))
            div.row {
                label for=(id) { (self.lang.t(field.label)) }
                div.control {
                    (self.control(field, name, &id, errors.is_some()))
                    @if let Some(target) = self.targets.get(name) { " " span.target { (target) } }
                }
                @if let Some(details) = errors { (error_markup(name, details)) }
            }
        }
    }

    fn control(&self, field: &Field, name: &str, id: &str, invalid: bool) -> Markup {
        let lang = self.lang;
        let value = self.state.value(name);
        let invalid_attr = invalid.then_some("true");
        let described = invalid.then(|| error_id(name));
        match field.widget {
            Widget::Text => html! {
                input type="text" id=(id) name=(name) value=(value) dir="auto"
                    aria-invalid=[invalid_attr] aria-describedby=[described];
            },
            Widget::Long => html! {
                textarea id=(id) name=(name) rows="3" dir="auto"
                    aria-invalid=[invalid_attr] aria-describedby=[described] { (value) }
            },
            Widget::Date => html! {
                input type="text" id=(id) name=(name) value=(value) placeholder=(lang.t("date-placeholder"))
                    size="16" aria-invalid=[invalid_attr] aria-describedby=[described];
            },
            Widget::Number | Widget::Integer => html! {
                input type="text" id=(id) name=(name) value=(value) size="12"
                    inputmode=(if matches!(field.widget, Widget::Integer) { "numeric" } else { "decimal" })
                    aria-invalid=[invalid_attr] aria-describedby=[described];
            },
            Widget::Check => html! {
                input type="checkbox" id=(id) name=(name) value="true" checked[!value.trim().is_empty()]
                    aria-invalid=[invalid_attr] aria-describedby=[described];
            },
            Widget::Password => html! {
                input type="password" id=(id) name=(name) autocomplete="new-password"
                    aria-invalid=[invalid_attr] aria-describedby=[described];
            },
            Widget::Ref(kind) => {
                let list = kind
                    .filter(|k| self.choices.contains_key(k))
                    .map(|k| format!("records-{}", k.plural()));
                html! {
                    input type="text" id=(id) name=(name) value=(value) size="38" spellcheck="false"
                        placeholder=(lang.t("ref-placeholder")) list=[list]
                        aria-invalid=[invalid_attr] aria-describedby=[described];
                }
            }
            Widget::Choice(c) => {
                let options: Vec<(String, String)> = c
                    .codes
                    .iter()
                    .map(|code| {
                        let label = lang.t(&format!("{}{code}", c.prefix));
                        let label = if c.show_code {
                            format!("{code} {label}")
                        } else {
                            label
                        };
                        (code.to_string(), label)
                    })
                    .collect();
                self.select(id, name, value, c.blank, options, invalid)
            }
            Widget::Vocab(vocabulary) => {
                let options = self
                    .ctx
                    .vocab
                    .0
                    .get(vocabulary)
                    .map(|v| {
                        v.terms
                            .iter()
                            .map(|t| {
                                let depth = t.code.matches('.').count();
                                let indent = "\u{a0}\u{a0}\u{a0}".repeat(depth);
                                let label = self.ctx.term(vocabulary, &t.code);
                                (t.code.clone(), format!("{indent}{label} ({})", t.code))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                self.select(id, name, value, true, options, invalid)
            }
            Widget::VocabName => {
                let options = self
                    .ctx
                    .vocab
                    .0
                    .keys()
                    .map(|k| (k.clone(), k.clone()))
                    .collect();
                self.select(id, name, value, true, options, invalid)
            }
        }
    }

    fn select(
        &self,
        id: &str,
        name: &str,
        value: &str,
        blank: bool,
        options: Vec<(String, String)>,
        invalid: bool,
    ) -> Markup {
        // A value that is not offered (a code since removed, a typo sent by
        // hand) is kept, so that saving does not silently change it.
        let unknown = !value.is_empty() && !options.iter().any(|(code, _)| code == value);
        html! {
            select id=(id) name=(name) aria-invalid=[invalid.then_some("true")]
                aria-describedby=[invalid.then(|| error_id(name))] {
                @if blank { option value="" { "—" } }
                @if unknown { option value=(value) selected { (value) } }
                @for (code, label) in &options {
                    option value=(code) selected[code == value] { (label) }
                }
            }
        }
    }
}

/// One field as shown: in which section, under which name, in which row.
struct Slot<'s> {
    section: &'s Section,
    field: &'s Field,
    name: String,
    row: Option<usize>,
}

/// Every field of a form, in order.
fn slots<'s>(spec: &'s [Section], state: &FormState) -> Vec<Slot<'s>> {
    let mut out = Vec::new();
    for section in spec {
        let rows: Vec<Option<usize>> = match section.list {
            None => vec![None],
            Some(list) => state.rows(list).iter().copied().map(Some).collect(),
        };
        for row in rows {
            for field in section.fields {
                let name = match row {
                    None => field.path.to_string(),
                    Some(row) => field_name(section.list, row, field.path),
                };
                out.push(Slot {
                    section,
                    field,
                    name,
                    row,
                });
            }
        }
    }
    out
}

/// The name of the field `key` beside `name`: `subject/record/kind` for
/// `subject/record/id`.
fn sibling(name: &str, key: &str) -> String {
    match name.rsplit_once('/') {
        Some((parent, _)) => format!("{parent}/{key}"),
        None => key.to_string(),
    }
}

// ---------------------------------------------------------------------------
// Pages

enum Mode {
    New,
    Edit { id: RecordId, version: u64 },
}

fn not_found(lang: Lang, caller: &Caller) -> Response {
    message(
        lang,
        caller,
        StatusCode::NOT_FOUND,
        "not-found-title",
        "not-found-body",
    )
}

fn kind_title(lang: Lang, kind: Kind) -> String {
    lang.t(&format!("kind-{}", kind.singular()))
}

/// The form itself, with its errors.
async fn form_markup(
    ctx: &Ctx,
    kind: Kind,
    mode: &Mode,
    state: &FormState,
    errors: &ValidationErrors,
) -> Result<Markup, PageError> {
    let lang = ctx.lang;
    let spec = spec(kind);
    let view = FormView::new(ctx, spec, state, errors).await?;
    let (action, cancel) = match mode {
        Mode::New => (
            format!("/{}/new", kind.plural()),
            format!("/{}", kind.plural()),
        ),
        Mode::Edit { id, .. } => (
            format!("/{}/{id}/edit", kind.plural()),
            format!("/{}/{id}", kind.plural()),
        ),
    };
    Ok(html! {
        (view.summary())
        form.record method="post" action=(action) accept-charset="utf-8" {
            (csrf_field(&ctx.caller))
            @if let Mode::Edit { version, .. } = mode {
                input type="hidden" name="version" value=(version);
            }
            (view.sections(spec))
            p.actions {
                button type="submit" { (lang.t("save")) }
                " " a href=(cancel) { (lang.t("cancel")) }
            }
        }
    })
}

async fn form_page(
    ctx: &Ctx,
    kind: Kind,
    mode: Mode,
    state: &FormState,
    errors: &ValidationErrors,
    status: StatusCode,
) -> PageResult {
    let lang = ctx.lang;
    let (title, here) = match &mode {
        Mode::New => (
            format!("{}: {}", lang.t("new-record"), kind_title(lang, kind)),
            format!("/{}/new", kind.plural()),
        ),
        Mode::Edit { id, .. } => (
            format!("{}: {}", lang.t("edit"), kind_title(lang, kind)),
            format!("/{}/{id}/edit", kind.plural()),
        ),
    };
    let form = form_markup(ctx, kind, &mode, state, errors).await?;
    let markup = html! {
        h1 { (title) }
        (form)
    };
    Ok(page(status, layout(&ctx.frame(title, here), markup)))
}

async fn new_form(ctx: Ctx, Path(kind): Path<String>) -> PageResult {
    let Ok(kind) = Kind::from_str(&kind) else {
        return Ok(not_found(ctx.lang, &ctx.caller));
    };
    let defaults = serde_json::json!({ "confidentiality": "internal" });
    let state = FormState::from_json(spec(kind), &defaults, 2);
    form_page(
        &ctx,
        kind,
        Mode::New,
        &state,
        &ValidationErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Reads a submitted form into a record body; errors name form fields.
fn read_body(kind: Kind, state: &FormState, lang: Lang) -> Result<(Body, Rows), ValidationErrors> {
    let (json, rows) = to_json(spec(kind), state, lang)?;
    let body = Body::from_json(kind, json).map_err(|e| rows.to_form(e, lang))?;
    Ok((body, rows))
}

async fn create(
    ctx: Ctx,
    Path(kind): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let lang = ctx.lang;
    let Ok(kind) = Kind::from_str(&kind) else {
        return Ok(not_found(ctx.lang, &ctx.caller));
    };
    let state = FormState::from_submission(spec(kind), fields);
    let errors = match read_body(kind, &state, lang) {
        Err(errors) => errors,
        Ok((body, rows)) => {
            let (store, actor) = (ctx.store.clone(), ctx.caller.actor());
            match blocking(move || store.create(None, body, &actor)).await {
                Ok(record) => {
                    return Ok(
                        Redirect::to(&format!("/{}/{}", kind.plural(), record.id)).into_response()
                    )
                }
                Err(Failure::Failed(StoreError::Invalid(errors))) => rows.to_form(errors, lang),
                Err(failure) => return Err(failure.into()),
            }
        }
    };
    form_page(
        &ctx,
        kind,
        Mode::New,
        &state,
        &errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// The record behind an edit URL, if the caller may see it.
async fn editable(ctx: &Ctx, kind: &str, id: &str) -> Result<(Kind, Record), PageError> {
    let missing = || not_found(ctx.lang, &ctx.caller);
    let (Ok(kind), Ok(id)) = (Kind::from_str(kind), RecordId::from_str(id)) else {
        return Err(missing().into());
    };
    match ctx.get(kind, id).await? {
        Some(record) => Ok((kind, record)),
        None => Err(missing().into()),
    }
}

async fn edit_form(ctx: Ctx, Path((kind, id)): Path<(String, String)>) -> PageResult {
    let (kind, record) = editable(&ctx, &kind, &id).await?;
    let state = FormState::from_json(spec(kind), &Value::Object(record.body.to_json()), 2);
    let mode = Mode::Edit {
        id: record.id,
        version: record.version,
    };
    form_page(
        &ctx,
        kind,
        mode,
        &state,
        &ValidationErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn update(
    ctx: Ctx,
    Path((kind, id)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let lang = ctx.lang;
    let (kind, record) = editable(&ctx, &kind, &id).await?;
    let id = record.id;
    let state = FormState::from_submission(spec(kind), fields);
    // A missing or garbled version can only conflict: nothing is overwritten.
    let version = state.value("version").trim().parse::<u64>().unwrap_or(0);
    let errors = match read_body(kind, &state, lang) {
        Err(errors) => errors,
        Ok((body, rows)) => {
            let submitted = body.clone();
            let (store, actor) = (ctx.store.clone(), ctx.caller.actor());
            let result = blocking(move || store.update(kind, id, version, body, &actor)).await;
            match result {
                Ok(_) => {
                    return Ok(Redirect::to(&format!("/{}/{id}", kind.plural())).into_response())
                }
                Err(Failure::Failed(StoreError::Invalid(errors))) => rows.to_form(errors, lang),
                Err(Failure::Failed(StoreError::Conflict { .. })) => {
                    return conflict_page(&ctx, kind, id, &state, &submitted).await
                }
                Err(Failure::Failed(StoreError::NotFound { .. })) => {
                    return Ok(not_found(lang, &ctx.caller))
                }
                Err(failure) => return Err(failure.into()),
            }
        }
    };
    let mode = Mode::Edit { id, version };
    form_page(
        &ctx,
        kind,
        mode,
        &state,
        &errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// Someone saved the record since this form was opened: show both
/// versions, and offer the user's version again against the current one.
async fn conflict_page(
    ctx: &Ctx,
    kind: Kind,
    id: RecordId,
    state: &FormState,
    submitted: &Body,
) -> PageResult {
    let lang = ctx.lang;
    let Some(current) = ctx.get(kind, id).await? else {
        return Ok(not_found(lang, &ctx.caller));
    };
    let yours = submitted.to_json();
    let theirs = current.body.to_json();
    let mut keys: Vec<&String> = yours.keys().collect();
    keys.extend(theirs.keys().filter(|k| !yours.contains_key(*k)));
    let show = |v: Option<&Value>| match v {
        None => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => serde_json::to_string_pretty(v).unwrap_or_default(),
    };
    let mode = Mode::Edit {
        id,
        version: current.version,
    };
    let form = form_markup(ctx, kind, &mode, state, &ValidationErrors::default()).await?;
    let here = format!("/{}/{id}", kind.plural());
    let title = lang.t("conflict-title");
    let markup = html! {
        h1 { (title) }
        p { (lang.t("conflict-body")) }
        p { a href=(here) { (lang.t("conflict-current")) } " — " (record_link(&current, lang, &ctx.caller))
            " (" (lang.t("version")) " " (current.version) ", " (current.meta.updated_by.as_deref().unwrap_or("?")) ")" }
        table.conflict {
            thead { tr {
                th { (lang.t("conflict-field")) }
                th { (lang.t("conflict-yours")) }
                th { (lang.t("conflict-stored")) " (" (lang.t("version")) " " (current.version) ")" }
            } }
            tbody {
                @for key in keys {
                    @let (a, b) = (yours.get(key.as_str()), theirs.get(key.as_str()));
                    tr class=[(a != b).then_some("differs")] {
                        th scope="row" { (key) }
                        td.yours { pre dir="auto" { (show(a)) } }
                        td.stored { pre dir="auto" { (show(b)) } }
                    }
                }
            }
        }
        h2 { (lang.t("conflict-reapply")) }
        p.muted { (lang.t("conflict-reapply-note")) }
        (form)
    };
    Ok(page(
        StatusCode::CONFLICT,
        layout(&ctx.frame(title, format!("{here}/edit")), markup),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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

    #[test]
    fn errors_are_placed_at_fields_groups_or_the_top() {
        let names: Vec<String> = [
            "type",
            "participants/0/person",
            "participants/0/role",
            "participants/2/person",
            "legal/sentence/kind",
            "legal/sentence/years",
        ]
        .map(String::from)
        .to_vec();
        let anchors: Vec<String> = ["participants", "participants/0", "participants/2"]
            .map(String::from)
            .to_vec();
        let mut errors = ValidationErrors::default();
        errors.push("/type", "bad code");
        errors.push("/type", "second problem");
        errors.push("/participants/2", "person or organization");
        errors.push("/legal/sentence", "a term needs years");
        errors.push("", "somewhere");
        errors.push("/nowhere/0", "lost");
        let p = Placement::new(&errors, &names, &anchors);
        assert_eq!(p.field["type"], ["bad code", "second problem"]);
        assert_eq!(
            p.group["participants/2"],
            [(
                "participants/2".to_string(),
                vec!["person or organization".to_string()]
            )]
        );
        // A nested object's error goes before its first field.
        assert_eq!(p.group["legal/sentence/kind"][0].0, "legal/sentence");
        let top: Vec<(&str, bool)> = p.top.iter().map(|(n, _, g)| (n.as_str(), *g)).collect();
        assert_eq!(
            top,
            [
                ("", false),
                ("legal/sentence", true),
                ("nowhere/0", false),
                ("participants/2", true)
            ]
        );
        assert_eq!(error_id("participants/2"), "error-participants-2");
        assert_eq!(
            error_id("legal/charges/0/statute"),
            "error-legal-charges-0-statute"
        );
    }

    #[test]
    fn every_label_and_choice_is_translated() {
        let mut keys = Vec::new();
        for kind in Kind::ALL {
            for section in spec(kind) {
                keys.push(section.legend.to_string());
                for field in section.fields {
                    keys.push(field.label.to_string());
                    if let Widget::Choice(c) = field.widget {
                        keys.extend(c.codes.iter().map(|code| format!("{}{code}", c.prefix)));
                    }
                }
            }
        }
        for key in keys {
            assert_ne!(Lang::En.t(&key), key, "no English text for {key}");
        }
    }
}
