//! Tibetan names: the Dalai Lama is བསྟན་འཛིན་རྒྱ་མཚོ, Tenzin Gyatso,
//! 丹增嘉措 and Danzeng Jiacuo.
//!
//! Tibetan spelling is far from its sound (bstan 'dzin is said tenzin), and
//! Chinese transcribes the sound, so no letter-by-letter rule links the
//! scripts. But Tibetan personal names are made of a small stock of
//! elements (Tenzin, Tashi, Lobsang, Dorje, Gyatso, ...), each with a
//! handful of established spellings. A name becomes its elements, whatever
//! script it is in, by a table (`data/tibetan_names.tsv`: element, Latin
//! spellings, Chinese transcriptions, Tibetan script); a name not wholly
//! made of known elements gets no Tibetan key. The Chinese transcriptions
//! are matched by their pinyin, so any characters with the same reading
//! (唯色 and 维色) and the pinyin spelling (Danzeng) meet them.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;

use crate::word::Word;
use crate::{chinese, Key, Rule};

const TABLE: &str = include_str!("../data/tibetan_names.tsv");

/// Elements that are titles, not names: left out of keys.
const TITLES: &[&str] = &["rinpoche"];

/// An element as a key token; the prefix keeps it from ever equalling a
/// pinyin syllable.
fn token(id: &str) -> String {
    format!("bo:{id}")
}

struct Elements {
    /// A folded Latin spelling → the element.
    latin: HashMap<String, &'static str>,
    /// The pinyin syllables of a Chinese transcription → the element.
    pinyin: HashMap<Vec<String>, &'static str>,
    /// The syllables of a Tibetan spelling → the element.
    script: HashMap<Vec<String>, &'static str>,
    /// The first pinyin syllables of the transcriptions.
    first: HashSet<String>,
}

/// The longest element, in syllables.
const MAX_SYLLABLES: usize = 3;

static ELEMENTS: LazyLock<Elements> = LazyLock::new(|| {
    let mut e = Elements {
        latin: HashMap::new(),
        pinyin: HashMap::new(),
        script: HashMap::new(),
        first: HashSet::new(),
    };
    for line in TABLE.lines() {
        let mut columns = line.split('\t');
        let (Some(id), Some(latin), Some(han), Some(script)) = (
            columns.next(),
            columns.next(),
            columns.next(),
            columns.next(),
        ) else {
            continue;
        };
        for spelling in latin.split_whitespace() {
            e.latin.insert(fold(spelling), id);
        }
        for transcription in han.split_whitespace() {
            let syllables = chinese::pinyin_tokens(transcription);
            e.first.extend(syllables.first().cloned());
            e.pinyin.insert(syllables, id);
        }
        for spelling in script.split_whitespace() {
            e.script
                .insert(script_syllables(&crate::normalize(spelling)), id);
        }
    }
    e
});

/// The element a Latin word spells.
pub(crate) fn element(word: &str) -> Option<&'static str> {
    ELEMENTS.latin.get(&fold(word)).copied()
}

/// Lower case, diacritics dropped (Gêdün is gedun, Öser is oser).
fn fold(word: &str) -> String {
    word.nfd()
        .filter(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

pub fn is_tibetan(text: &str) -> bool {
    text.chars().any(|c| ('\u{0F00}'..='\u{0FFF}').contains(&c))
}

/// Tibetan text split into syllables at the tsheg (་, ༌), the shad (།)
/// and spaces.
fn script_syllables(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '\u{0F0B}' | '\u{0F0C}' | '\u{0F0D}'))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Covers a run of syllables with elements; `None` if it cannot.
fn cover(
    syllables: &[String],
    table: &HashMap<Vec<String>, &'static str>,
) -> Option<Vec<&'static str>> {
    let n = syllables.len();
    // best[i]: the elements covering syllables[..i].
    let mut best: Vec<Option<Vec<&'static str>>> = vec![None; n + 1];
    best[0] = Some(Vec::new());
    for start in 0..n {
        let Some(prefix) = best[start].clone() else {
            continue;
        };
        for end in start + 1..=(start + MAX_SYLLABLES).min(n) {
            if best[end].is_some() {
                continue;
            }
            if let Some(id) = table.get(&syllables[start..end]) {
                let mut next = prefix.clone();
                next.push(*id);
                best[end] = Some(next);
            }
        }
    }
    best.pop().flatten()
}

fn key(elements: Vec<&'static str>) -> Option<Key> {
    let tokens: Vec<String> = elements
        .into_iter()
        .filter(|id| !TITLES.contains(id))
        .map(token)
        .collect();
    Key::from_tokens(Rule::Tibetan, tokens)
}

/// The key of a name in Tibetan script.
pub fn key_from_script(normal: &str) -> Option<Key> {
    key(cover(&script_syllables(normal), &ELEMENTS.script)?)
}

/// The key of a Chinese transcription, from its pinyin syllables.
pub fn key_from_syllables<S: AsRef<str>>(syllables: &[S]) -> Option<Key> {
    // Most names are not Tibetan: give up at the first syllable.
    let first = syllables.first()?;
    if !ELEMENTS.first.contains(first.as_ref()) {
        return None;
    }
    let syllables: Vec<String> = syllables.iter().map(|s| s.as_ref().to_string()).collect();
    key(cover(&syllables, &ELEMENTS.pinyin)?)
}

/// The key of a Latin name: every word a Latin spelling of an element
/// (Tenzin Gyatso, Gyaincain Norbu), or the whole name the pinyin of a
/// Chinese transcription (Danzeng Jiacuo).
pub(crate) fn key_from_latin(words: &[Rc<Word>], pinyin: Option<&[&str]>) -> Option<Key> {
    match words.iter().map(|w| w.tibetan).collect::<Option<Vec<_>>>() {
        Some(elements) => key(elements),
        None => key_from_syllables(pinyin?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn latin(name: &str) -> Option<Key> {
        let words = crate::word::words(&crate::normalize(name));
        key_from_latin(&words, crate::word::pinyin(&words).as_deref())
    }

    fn han(name: &str) -> Option<Key> {
        key_from_syllables(&chinese::pinyin_tokens(&crate::normalize(name)))
    }

    #[test]
    fn the_dalai_lama_in_every_script() {
        let k = latin("Tenzin Gyatso");
        assert!(k.is_some());
        assert_eq!(han("丹增嘉措"), k);
        assert_eq!(latin("Danzeng Jiacuo"), k);
        assert_eq!(key_from_script(&crate::normalize("བསྟན་འཛིན་རྒྱ་མཚོ")), k);
        assert_eq!(latin("Gyatso Tenzin"), k, "order does not matter");
    }

    #[test]
    fn spellings_and_transcriptions_of_elements() {
        // The Panchen Lama recognised by Beijing: PRC Tibetan pinyin.
        assert_eq!(latin("Gyaincain Norbu"), han("坚赞诺布"));
        assert_eq!(latin("Gyaincain Norbu"), latin("Jianzan Nuobu"));
        assert_eq!(latin("Gyaltsen Norbu"), han("坚赞诺布"));
        assert_eq!(latin("Gedhun Choekyi Nyima"), han("根敦确吉尼玛"));
        assert_eq!(latin("Woeser"), han("唯色"));
        assert_eq!(latin("Öser"), han("维色"));
        assert_eq!(latin("Lobsang Sangay"), han("洛桑森格"));
        // A title is not part of the name.
        assert_eq!(latin("Tenzin Delek Rinpoche"), han("丹增德勒"));
    }

    #[test]
    fn other_names_get_no_tibetan_key() {
        assert!(latin("Liu Xiaobo").is_none());
        assert!(han("刘晓波").is_none());
        assert!(han("扎西文色").is_none(), "文色 is no known element");
        assert!(latin("Ilham Tohti").is_none());
        assert!(latin("Rinpoche").is_none(), "a title alone");
        assert_ne!(latin("Tenzin Gyatso"), latin("Tenzin Delek"));
    }

    #[test]
    fn no_spelling_names_two_elements() {
        let mut seen: HashMap<String, &str> = HashMap::new();
        for line in TABLE.lines() {
            let columns: Vec<&str> = line.split('\t').collect();
            assert_eq!(columns.len(), 4, "{line}");
            let mut spellings: Vec<String> = columns[1].split_whitespace().map(fold).collect();
            spellings.extend(
                columns[2]
                    .split_whitespace()
                    .map(|h| chinese::pinyin_tokens(h).join(" ")),
            );
            for s in spellings {
                if let Some(other) = seen.insert(s.clone(), columns[0]) {
                    assert_eq!(other, columns[0], "{s}");
                }
            }
        }
    }
}
