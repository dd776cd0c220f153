//! Drawing a form: where its errors are shown, and the fields
//! themselves.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use maud::{html, Markup};
use vigil_model::{Kind, RecordId, ValidationErrors};
use vigil_store::Filter;

use super::fields::{Field, Section, Widget};
use super::read::{field_name, FormState};
use crate::pages::view::{display_label, record_link, Ctx};
use crate::pages::{Lang, PageError};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
