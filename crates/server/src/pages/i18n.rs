//! Interface languages. The strings live in Fluent files
//! (`crates/server/i18n/*.ftl`), so adding a language is adding a file and a
//! line in [`Lang`].

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts};
use axum_extra::extract::CookieJar;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

/// Cookie that remembers the language a user switched to.
pub const LANG_COOKIE: &str = "vigil_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    ZhHans,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhHans];

    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhHans => "zh-Hans",
        }
    }

    /// The language's own name, for the switch.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhHans => "简体中文",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim().to_ascii_lowercase();
        if tag == "en" || tag.starts_with("en-") {
            Some(Lang::En)
        } else if tag == "zh" || tag.starts_with("zh-hans") || tag == "zh-cn" || tag == "zh-sg" {
            Some(Lang::ZhHans)
        } else {
            None
        }
    }

    /// The first language of an `Accept-Language` header that we have, by
    /// the header's quality order.
    pub fn negotiate(accept_language: &str) -> Option<Lang> {
        let mut choices: Vec<(f32, &str)> = accept_language
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim();
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse().ok())
                    .unwrap_or(1.0);
                Some((q, tag))
            })
            .collect();
        choices.sort_by(|a, b| b.0.total_cmp(&a.0));
        choices.into_iter().find_map(|(_, tag)| Lang::from_tag(tag))
    }

    /// The message `id`, or the id itself if no file has it (so a missing
    /// string shows up on the page instead of vanishing).
    pub fn t(self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with its variables (`{ $name }`) filled in.
    pub fn t_args(self, id: &str, args: &[(&str, &str)]) -> String {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            fluent.set(*name, value.to_string());
        }
        self.format(id, Some(&fluent))
    }

    fn format(self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        let bundles = bundles();
        for lang in [self, Lang::En] {
            let bundle = &bundles[&lang];
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                return bundle
                    .format_pattern(pattern, args, &mut errors)
                    .into_owned();
            }
        }
        id.to_string()
    }
}

const SOURCES: [(Lang, &str); 2] = [
    (Lang::En, include_str!("../../i18n/en.ftl")),
    (Lang::ZhHans, include_str!("../../i18n/zh-Hans.ftl")),
];

fn bundles() -> &'static HashMap<Lang, FluentBundle<FluentResource>> {
    static BUNDLES: OnceLock<HashMap<Lang, FluentBundle<FluentResource>>> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        SOURCES
            .iter()
            .map(|(lang, text)| {
                let id: unic_langid::LanguageIdentifier =
                    lang.tag().parse().expect("valid language tag");
                let mut bundle = FluentBundle::new_concurrent(vec![id]);
                // No Unicode isolation marks around arguments: pages set
                // `dir` themselves.
                bundle.set_use_isolating(false);
                let resource =
                    FluentResource::try_new(text.to_string()).expect("translation files parse");
                bundle
                    .add_resource(resource)
                    .expect("no duplicate messages");
                (*lang, bundle)
            })
            .collect()
    })
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        if let Some(lang) = jar.get(LANG_COOKIE).and_then(|c| Lang::from_tag(c.value())) {
            return Ok(lang);
        }
        Ok(parts
            .headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(Lang::negotiate)
            .unwrap_or(Lang::En))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_by_quality() {
        assert_eq!(
            Lang::negotiate("zh-CN,zh;q=0.9,en;q=0.8"),
            Some(Lang::ZhHans)
        );
        assert_eq!(Lang::negotiate("fr-FR, en;q=0.5, zh;q=0.4"), Some(Lang::En));
        assert_eq!(Lang::negotiate("de"), None);
    }

    #[test]
    fn every_english_message_is_translated() {
        let en = FluentResource::try_new(SOURCES[0].1.to_string()).unwrap();
        let zh = FluentResource::try_new(SOURCES[1].1.to_string()).unwrap();
        let ids = |r: &FluentResource| -> std::collections::BTreeSet<String> {
            r.entries()
                .filter_map(|e| match e {
                    fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
                    _ => None,
                })
                .collect()
        };
        let missing: Vec<_> = ids(&en).difference(&ids(&zh)).cloned().collect();
        assert!(missing.is_empty(), "untranslated: {missing:?}");
        assert_eq!(Lang::ZhHans.t("nav-persons"), "人员");
    }
}
