use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use unicode_script::{Script as UScript, UnicodeScript};

/// The writing system of a name, as an ISO 15924 code.
///
/// Chinese text is `Hans` when it uses simplified-only characters, `Hant`
/// when it uses traditional-only ones, and `Hani` when every character is
/// the same in both (伊力哈木 is written identically either way): claiming
/// more than the text shows would mislead a later name match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Script {
    Latn,
    Hans,
    Hant,
    Hani,
    Arab,
    Cyrl,
    Tibt,
    Mong,
    Kore,
    Jpan,
    Grek,
    Hebr,
    Thai,
    Zyyy,
}

/// Detects the dominant script of a piece of text, ignoring punctuation,
/// digits and separators such as the middle dot in 伊力哈木·土赫提.
pub fn detect_script(text: &str) -> Script {
    // Names hold one or two scripts: a short list beats a hash map.
    let mut counts: Vec<(UScript, usize)> = Vec::with_capacity(2);
    for c in text.chars() {
        // ASCII is looked up in no table: most names in most lists are.
        let s = match c {
            'a'..='z' | 'A'..='Z' => UScript::Latin,
            c if c.is_ascii() => UScript::Common,
            c => c.script(),
        };
        if matches!(s, UScript::Common | UScript::Inherited | UScript::Unknown) {
            continue;
        }
        match counts.iter_mut().find(|(seen, _)| *seen == s) {
            Some((_, n)) => *n += 1,
            None => counts.push((s, 1)),
        }
    }
    let Some(&(dominant, _)) = counts.iter().max_by_key(|&&(s, n)| (n, s == UScript::Han)) else {
        return Script::Zyyy;
    };
    match dominant {
        UScript::Latin => Script::Latn,
        UScript::Han => han_variant(text),
        UScript::Arabic => Script::Arab,
        UScript::Cyrillic => Script::Cyrl,
        UScript::Tibetan => Script::Tibt,
        UScript::Mongolian => Script::Mong,
        UScript::Hangul => Script::Kore,
        UScript::Hiragana | UScript::Katakana => Script::Jpan,
        UScript::Greek => Script::Grek,
        UScript::Hebrew => Script::Hebr,
        UScript::Thai => Script::Thai,
        _ => Script::Zyyy,
    }
}

fn han_variant(text: &str) -> Script {
    // Two dictionary conversions per name are dear, and lists repeat
    // their Chinese names (thousands of 王伟): remembered per thread.
    thread_local! {
        static SEEN: std::cell::RefCell<std::collections::HashMap<String, Script>> =
            Default::default();
    }
    if let Some(known) = SEEN.with(|seen| seen.borrow().get(text).copied()) {
        return known;
    }
    let script = han_variant_of(text);
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        if seen.len() >= 50_000 {
            seen.clear();
        }
        seen.insert(text.to_string(), script);
    });
    script
}

fn han_variant_of(text: &str) -> Script {
    let as_simplified = zhconv::zhconv(text, zhconv::Variant::ZhHans);
    let as_traditional = zhconv::zhconv(text, zhconv::Variant::ZhHant);
    match (as_simplified == text, as_traditional == text) {
        (true, false) => Script::Hans,
        (false, true) => Script::Hant,
        _ => Script::Hani,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_scripts_names_come_in() {
        assert_eq!(detect_script("Ilham Tohti"), Script::Latn);
        assert_eq!(detect_script("ئىلھام توختى"), Script::Arab);
        assert_eq!(detect_script("Илһам Тохти"), Script::Cyrl);
        assert_eq!(detect_script("黄之锋"), Script::Hans);
        assert_eq!(detect_script("黃之鋒"), Script::Hant);
        assert_eq!(detect_script("伊力哈木·土赫提"), Script::Hani);
        assert_eq!(detect_script("བསྟན་འཛིན་"), Script::Tibt);
        assert_eq!(detect_script("—·—"), Script::Zyyy);
    }
}
