//! The tables: each kind's form fields, their widgets and labels.

use vigil_model::Kind;

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
pub(in crate::pages) const CONFIDENTIALITY: Choices = Choices {
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
pub(in crate::pages) const SOURCE_KIND: Choices = choices(
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
pub(in crate::pages) const STANCE: Choices = choices("stance-", &["asserts", "denies"]);
pub(in crate::pages) const CREDIBILITY: Choices = Choices {
    show_code: true,
    integer: true,
    ..choices("credibility-", &["1", "2", "3", "4", "5", "6"])
};
pub(in crate::pages) const KIND: Choices = choices(
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

pub(super) const PERSON: &[Section] = &[
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

pub(super) const EVENT: &[Section] = &[
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

pub(super) const CLAIM: &[Section] = &[
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::Lang;

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
