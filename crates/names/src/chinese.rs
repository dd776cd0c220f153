//! Chinese characters: simplified and traditional folded, read in toneless
//! pinyin, with the readings surnames take.

use std::collections::HashSet;
use std::sync::OnceLock;

use pinyin::{ToPinyin, ToPinyinMulti};

use crate::{Key, Rule};

pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2EBEF)
}

pub fn has_han(text: &str) -> bool {
    text.chars().any(is_han)
}

/// Characters whose reading as a surname differs from their commonest
/// reading.
const SURNAME_READINGS: [(char, &str); 25] = [
    ('薄', "bo"),
    ('曾', "zeng"),
    ('单', "shan"),
    ('解', "xie"),
    ('区', "ou"),
    ('仇', "qiu"),
    ('朴', "piao"),
    ('查', "zha"),
    ('盖', "ge"),
    ('乐', "yue"),
    ('覃', "qin"),
    ('翟', "zhai"),
    ('缪', "miao"),
    ('牟', "mou"),
    ('种', "chong"),
    ('秘', "bi"),
    ('召', "shao"),
    ('员', "yun"),
    ('句', "gou"),
    ('隗', "wei"),
    ('尉', "yu"),
    ('黑', "he"),
    ('繁', "po"),
    ('折', "she"),
    ('长', "zhang"),
];

/// Characters whose reading in a given name differs from the reading the
/// pinyin table puts first: 晟 is shèng in names (Gao Zhisheng 高智晟);
/// chéng is its reading as a surname.
const GIVEN_NAME_READINGS: [(char, &str); 1] = [('晟', "sheng")];

/// Reads a normalised name: Han characters become pinyin syllables (the
/// first one with its surname reading, the others with their given-name
/// reading), other words stay as they are.
pub fn pinyin_tokens(normal: &str) -> Vec<String> {
    read(normal, false).0
}

/// [`pinyin_tokens`], and for a Chinese name (see [`is_chinese_name`]) the
/// same syllables with tone numbers (5: the neutral tone), read in one
/// pass: converting to simplified characters is the dear part.
pub fn pinyin_and_tones(normal: &str) -> (Vec<String>, Option<Vec<String>>) {
    read(normal, is_chinese_name(normal))
}

fn read(normal: &str, with_tones: bool) -> (Vec<String>, Option<Vec<String>>) {
    let simplified = zhconv::zhconv(normal, zhconv::Variant::ZhHans);
    let mut tokens = Vec::new();
    let mut toned = with_tones.then(Vec::new);
    let mut first_han = true;
    for word in simplified.split(' ') {
        let mut latin = String::new();
        for c in word.chars() {
            if is_han(c) {
                if !latin.is_empty() {
                    tokens.push(std::mem::take(&mut latin));
                }
                let table: &[(char, &str)] = if first_han {
                    &SURNAME_READINGS
                } else {
                    &GIVEN_NAME_READINGS
                };
                let special = table.iter().find(|(h, _)| *h == c).map(|(_, r)| *r);
                first_han = false;
                let reading = match special {
                    Some(plain) => c
                        .to_pinyin_multi()
                        .and_then(|m| m.into_iter().find(|p| p.plain() == plain)),
                    None => c.to_pinyin(),
                };
                // ü is written u in names: Lü Pin is as often Lu Pin.
                let plain = special
                    .map(str::to_string)
                    .or_else(|| reading.map(|p| p.plain().replace(['ü', 'v'], "u")));
                tokens.push(plain.unwrap_or_else(|| c.to_string()));
                // A character without a known reading leaves the name
                // without tones; its plain syllables are read on.
                match (&mut toned, reading) {
                    (Some(toned), Some(p)) => {
                        let mut t = p.with_tone_num_end().replace(['ü', 'v'], "u");
                        if !t.ends_with(|d: char| d.is_ascii_digit()) {
                            t.push('5');
                        }
                        toned.push(t);
                    }
                    (Some(_), None) => toned = None,
                    (None, _) => {}
                }
            } else {
                latin.push(c);
            }
        }
        if !latin.is_empty() {
            tokens.push(latin);
        }
    }
    (tokens, toned)
}

/// The pinyin key of a name's syllables, and for a Chinese name of three
/// or four characters (one word) the order of its syllables.
pub fn pinyin_keys(normal: &str, syllables: &[String]) -> Vec<Key> {
    let tokens: Vec<&str> = syllables.iter().map(String::as_str).collect();
    if is_chinese_name(normal) {
        Key::with_order(Rule::Pinyin, tokens).collect()
    } else {
        Key::from_strs(Rule::Pinyin, tokens).into_iter().collect()
    }
}

/// One word of two to four characters: a Chinese name, not a
/// transcription of a Uyghur or Tibetan one (伊力哈木·土赫提).
pub fn is_chinese_name(normal: &str) -> bool {
    !normal.contains(' ') && (2..=4).contains(&normal.chars().count()) && normal.chars().all(is_han)
}

/// Every toneless pinyin syllable, collected from the readings of the
/// common CJK block once.
pub fn syllables() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        (0x4E00u32..=0x9FFF)
            .filter_map(char::from_u32)
            .filter_map(|c| c.to_pinyin().map(|p| p.plain().to_string()))
            .collect()
    })
}

/// Splits a run of Latin letters into pinyin syllables ("zhifeng" → zhi
/// feng), preferring the split with the fewest syllables; `None` if it is
/// not pinyin at all.
pub fn segment(word: &str) -> Option<Vec<String>> {
    if !word.is_ascii() {
        return None;
    }
    let set = syllables();
    let n = word.len();
    // best[i]: the fewest syllables covering word[..i], and where the last
    // of them starts.
    let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0));
    for end in 1..=n {
        for start in end.saturating_sub(6)..end {
            let Some((count, _)) = best[start] else {
                continue;
            };
            if set.contains(&word[start..end]) && best[end].is_none_or(|(c, _)| c > count + 1) {
                best[end] = Some((count + 1, start));
            }
        }
    }
    best[n]?;
    let mut pieces = Vec::new();
    let mut end = n;
    while end > 0 {
        let (_, start) = best[end]?;
        pieces.push(word[start..end].to_string());
        end = start;
    }
    pieces.reverse();
    Some(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_character_sets_alike() {
        assert_eq!(pinyin_tokens("黃之鋒"), ["huang", "zhi", "feng"]);
        assert_eq!(pinyin_tokens("黄之锋"), ["huang", "zhi", "feng"]);
        assert_eq!(
            pinyin_tokens("伊力哈木 土赫提"),
            ["yi", "li", "ha", "mu", "tu", "he", "ti"]
        );
    }

    #[test]
    fn surnames_take_their_surname_reading() {
        assert_eq!(pinyin_tokens("曾健超")[0], "zeng");
        assert_eq!(pinyin_tokens("区家麟")[0], "ou");
        assert_eq!(pinyin_tokens("解")[0], "xie");
    }

    #[test]
    fn given_names_take_their_given_name_reading() {
        assert_eq!(pinyin_tokens("高智晟"), ["gao", "zhi", "sheng"]);
    }

    #[test]
    fn names_are_read_with_their_tones() {
        let toned = |s: &str| pinyin_and_tones(s).1;
        assert_eq!(toned("何伟娜").unwrap(), ["he2", "wei3", "na4"]);
        assert_eq!(toned("賀偉娜").unwrap(), ["he4", "wei3", "na4"]);
        assert_eq!(toned("曾健超").unwrap()[0], "zeng1");
        assert_eq!(toned("吕小娟").unwrap()[0], "lu3");
        assert_eq!(toned("伊力哈木 土赫提"), None);
        assert_eq!(pinyin_and_tones("曾健超").0, pinyin_tokens("曾健超"));
        // 㐂 has no reading: no tones, and the syllables after it are
        // still read.
        let (plain, toned) = pinyin_and_tones("王㐂明");
        assert_eq!(plain, ["wang", "㐂", "ming"]);
        assert_eq!(toned, None);
    }

    #[test]
    fn segments_pinyin_words() {
        assert_eq!(segment("zhifeng").unwrap(), ["zhi", "feng"]);
        assert_eq!(segment("xiaobo").unwrap(), ["xiao", "bo"]);
        assert_eq!(segment("xian").unwrap(), ["xian"]);
        assert!(segment("ilham").is_none());
    }
}
