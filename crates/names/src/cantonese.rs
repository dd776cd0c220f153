//! Hong Kong names: Cantonese readings in the Hong Kong government's
//! romanisation (黃 Wong, 陳 Chan, 周 and 鄒 Chow, 區 Au), from a table the
//! crate ships (`data/hk_romanisation.tsv`, see its README for its source).
//!
//! The romanisation is not one system but habits: Kwun and Koon, Chee and
//! Chi, Tai and Daai are the same syllable. Both sides are folded with
//! [`fold`] before they meet.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::OnceLock;

use crate::chinese::is_han;
use crate::word::Word;
use crate::{Key, Rule};

const TABLE: &str = include_str!("../data/hk_romanisation.tsv");

/// Readings Hong Kong names use that the table lacks (Martin Lee Chu-ming
/// 李柱銘, Leung Chun-ying 梁振英, Jimmy Sham 岑子杰, Eddie Chu Hoi-dick
/// 朱凱廸, ...). They come first: a name is read as names are written.
const NAME_READINGS: &[(char, &str)] = &[
    ('柱', "chu"),
    ('孟', "man"),
    ('振', "chun"),
    ('鈺', "yok"),
    ('彥', "yuen"),
    ('茂', "mo"),
    ('靄', "ngoi"),
    ('岑', "sham"),
    ('廸', "dick"),
    ('迪', "dick"),
    // Eu is an old Cantonese spelling of the surname 余 (Audrey Eu 余若薇,
    // Eu Yan Sang 余仁生).
    ('余', "eu"),
];

/// Compound surnames Hong Kong writes as one word (Szeto Wah 司徒華,
/// Auyeung 歐陽): read as the two syllables the characters have.
const JOINED_SURNAMES: &[(&str, [&str; 2])] = &[
    ("szeto", ["sze", "to"]),
    ("seto", ["sze", "to"]),
    ("situ", ["sze", "to"]),
    ("auyeung", ["au", "yeung"]),
    ("auyang", ["au", "yeung"]),
    ("szema", ["sze", "ma"]),
    ("seema", ["sze", "ma"]),
    ("sheungkoon", ["sheung", "koon"]),
    ("chukot", ["chu", "kot"]),
    ("chukat", ["chu", "kot"]),
    ("wongfu", ["wong", "fu"]),
];

/// At most this many readings of one character, and of one name.
const READINGS_PER_CHAR: usize = 3;
const MAX_KEYS: usize = 32;

struct Readings {
    by_char: HashMap<char, Vec<String>>,
    syllables: HashSet<String>,
}

fn readings() -> &'static Readings {
    static READINGS: OnceLock<Readings> = OnceLock::new();
    READINGS.get_or_init(|| {
        let mut by_char = HashMap::new();
        let mut syllables = HashSet::new();
        for line in TABLE.lines() {
            let Some((ch, list)) = line.split_once('\t') else {
                continue;
            };
            let Some(c) = ch.chars().next() else { continue };
            let mut folded: Vec<String> = Vec::new();
            for r in list.split(' ').map(fold_once) {
                syllables.insert(r.clone());
                if !folded.contains(&r) {
                    folded.push(r);
                }
            }
            by_char.insert(c, folded);
        }
        for (c, reading) in NAME_READINGS {
            let reading = fold_once(reading);
            syllables.insert(reading.clone());
            let list: &mut Vec<String> = by_char.entry(*c).or_default();
            list.retain(|r| *r != reading);
            list.insert(0, reading);
        }
        Readings { by_char, syllables }
    })
}

/// Folds spelling habits of Cantonese romanisations together: voiced and
/// aspirated initials (d/t, g/k, b/p, j/ch/ts), kw/gw/k, doubled vowels (aa, oo, ee), eo for eu (Leong and
/// Cheong, the Macau and older Hong Kong spelling of Leung and Cheung), and
/// a trailing h or r after a vowel (Loh, Hor, Kah).
pub fn fold(syllable: &str) -> Rc<String> {
    crate::memo_table!(FOLDED: String);
    crate::memo(&FOLDED, syllable, fold_once)
}

pub(crate) fn fold_once(syllable: &str) -> String {
    let s = syllable.to_ascii_lowercase();
    let (initial, rest) = [
        ("tsz", "chi"),
        ("ts", "ch"),
        ("gw", "k"),
        ("kw", "k"),
        ("ch", "ch"),
        ("j", "ch"),
        ("z", "ch"),
        ("g", "k"),
        ("d", "t"),
        ("b", "p"),
    ]
    .iter()
    .find_map(|(from, to)| s.strip_prefix(from).map(|rest| (*to, rest)))
    .unwrap_or(("", s.as_str()));
    let mut rest = rest
        .replace("oo", "u")
        .replace("aa", "a")
        .replace("ee", "i")
        .replace("eo", "eu");
    if rest.len() > 1 && (rest.ends_with('h') || rest.ends_with('r')) && !rest.ends_with("ch") {
        rest.pop();
    }
    format!("{initial}{rest}")
}

/// Keys of a name in Chinese characters, read in Cantonese.
pub fn keys_from_han(normal: &str) -> Vec<Key> {
    let traditional = zhconv::zhconv(normal, zhconv::Variant::ZhHant);
    let table = &readings().by_char;
    let mut combos: Vec<Vec<String>> = vec![Vec::new()];
    for c in traditional.chars().filter(|c| !c.is_whitespace()) {
        if !is_han(c) {
            return Vec::new();
        }
        let Some(options) = table.get(&c) else {
            return Vec::new();
        };
        combos = combos
            .into_iter()
            .flat_map(|combo| {
                options.iter().take(READINGS_PER_CHAR).map(move |o| {
                    let mut next = combo.clone();
                    next.push(o.clone());
                    next
                })
            })
            .take(MAX_KEYS)
            .collect();
    }
    // The order of the commonest reading only: it ranks, and each order
    // kept costs ten million people twelve bytes each.
    let ordered = combos
        .first()
        .filter(|_| crate::chinese::is_chinese_name(normal))
        .and_then(|c| crate::refine::order_key(&c.iter().map(String::as_str).collect::<Vec<_>>()));
    combos
        .into_iter()
        .filter_map(|c| Key::from_tokens(Rule::HongKong, c))
        .chain(ordered)
        .collect()
}

/// The key of a name in Latin letters read as Hong Kong romanisation: every
/// word a Cantonese syllable, or all but one (an English name beside the
/// Chinese one, as in Joshua Wong Chi-fung) when at least two are.
pub(crate) fn key_from_latin(words: &[Rc<Word>]) -> Vec<Key> {
    key_with(words, false)
}

/// [`key_from_latin`] with given names written as one word split into
/// their syllables (Wong Chifung is Wong Chi-fung); none when no word
/// splits.
pub(crate) fn key_from_joined_latin(words: &[Rc<Word>]) -> Vec<Key> {
    key_with(words, true)
}

fn key_with(words: &[Rc<Word>], split: bool) -> Vec<Key> {
    let syllables = &readings().syllables;
    let mut did_split = false;
    let mut tokens: Vec<&str> = Vec::with_capacity(words.len() + 1);
    for word in words {
        if let Some(parts) = &word.cantonese_surname {
            tokens.extend(parts.iter().map(String::as_str));
        } else if let Some(parts) = word.cantonese_split.as_ref().filter(|_| split) {
            did_split = true;
            tokens.extend(parts.iter().map(String::as_str));
        } else {
            tokens.push(&word.cantonese);
        }
    }
    if split && !did_split {
        return Vec::new();
    }
    if split {
        // A split is a guess: only when every word then reads as Cantonese.
        if !tokens.iter().all(|w| syllables.contains(*w)) {
            return Vec::new();
        }
        return Key::with_order(Rule::HongKong, tokens).collect();
    }
    let count = tokens.len();
    tokens.retain(|w| syllables.contains(*w));
    let unknown = count - tokens.len();
    if unknown == 0 || (unknown == 1 && tokens.len() >= 2) {
        Key::with_order(Rule::HongKong, tokens).collect()
    } else {
        Vec::new()
    }
}

/// A compound surname written as one word, as its two syllables folded.
pub(crate) fn joined_surname(word: &str) -> Option<Vec<String>> {
    JOINED_SURNAMES
        .iter()
        .find(|(j, _)| *j == word)
        .map(|(_, parts)| parts.iter().map(|p| fold_once(p)).collect())
}

/// Whether a folded word is a Hong Kong syllable.
pub(crate) fn is_folded_syllable(folded: &str) -> bool {
    readings().syllables.contains(folded)
}

/// A word of two or three Cantonese syllables written together
/// ("chifung", "kwunchung"), split where every part is a syllable; the
/// split with the longest first part wins when there are several.
pub(crate) fn split_joined(word: &str) -> Option<Vec<String>> {
    // Short words are single syllables (a pinyin "yang" is not "ya"
    // and "ng"), and English names are not Chinese syllables.
    if !word.is_ascii()
        || word.len() < 5
        || crate::english::is_given_name(word)
        || crate::chinese::syllables().contains(word)
    {
        return None;
    }
    let syllables = &readings().syllables;
    let known = |part: &str| {
        let f = fold(part);
        syllables.contains(f.as_str()).then(|| f.to_string())
    };
    for i in (2..word.len() - 1).rev() {
        if word.len() - i < 2 {
            continue;
        }
        let Some(first) = known(&word[..i]) else {
            continue;
        };
        if let Some(second) = known(&word[i..]) {
            return Some(vec![first, second]);
        }
        for j in (i + 2..word.len() - 1).rev() {
            if let (Some(second), Some(third)) = (known(&word[i..j]), known(&word[j..])) {
                return Some(vec![first, second, third]);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bag key alone (the first).
    fn key_from_latin(normal: &str) -> Option<Key> {
        super::key_from_latin(&crate::word::words(normal))
            .into_iter()
            .next()
    }

    fn key_from_joined_latin(normal: &str) -> Option<Key> {
        super::key_from_joined_latin(&crate::word::words(normal))
            .into_iter()
            .next()
    }

    #[test]
    fn given_names_written_as_one_word_are_split() {
        assert_eq!(
            key_from_joined_latin("wong chifung"),
            key_from_latin("wong chi fung")
        );
        assert_eq!(
            key_from_joined_latin("law kwunchung"),
            key_from_latin("law kwun chung")
        );
        assert!(key_from_joined_latin("wong chifung").is_some());
        assert_eq!(
            key_from_joined_latin("wong chi fung"),
            None,
            "nothing to split"
        );
    }

    #[test]
    fn spelling_habits_fold_together() {
        assert_eq!(fold("Kwun"), fold("koon"));
        assert_eq!(fold("Chee"), fold("chi"));
        assert_eq!(fold("Tai"), fold("daai"));
        assert_eq!(fold("Loh"), fold("lo"));
        assert_eq!(fold("Kah"), fold("ka"));
        // Alan Leong Kah-kit 梁家傑.
        assert_eq!(fold("Leong"), fold("leung"));
        assert_eq!(fold("Cheong"), fold("cheung"));
    }

    #[test]
    fn hong_kong_name_habits() {
        let han = |s| keys_from_han(s);
        assert!(han("梁家傑").contains(&key_from_latin("leong kah kit").unwrap()));
        assert!(han("余仁生").contains(&key_from_latin("eu yan sang").unwrap()));
        // Szeto Wah 司徒華: the compound surname written as one word.
        assert!(han("司徒華").contains(&key_from_latin("szeto wah").unwrap()));
        assert!(han("歐陽")
            .iter()
            .any(|k| Some(k) == key_from_latin("auyeung").as_ref()));
    }

    #[test]
    fn reads_characters_in_either_set() {
        let wong = key_from_latin("wong chi fung").unwrap();
        assert!(keys_from_han("黃之鋒").contains(&wong));
        assert!(
            keys_from_han("黄之锋").contains(&wong),
            "simplified characters read too"
        );
    }
}
