//! Latin spellings of Chinese names: pinyin with or without tones, and
//! Wade-Giles.

use std::rc::Rc;

use unicode_normalization::UnicodeNormalization;

use crate::chinese::{segment, syllables};
use crate::word::Word;
use crate::{taiwan, Key, Rule};

/// Drops tone marks and every other diacritic (ü becomes u), and tone
/// numbers.
pub(crate) fn fold(token: &str) -> String {
    token
        .nfd()
        .filter(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A token as pinyin syllables: "Zhīfēng" → zhi feng, "lv3" → lu.
pub(crate) fn as_pinyin(token: &str) -> Option<Vec<String>> {
    let folded = fold(token);
    segment(&folded).or_else(|| {
        folded
            .contains('v')
            .then(|| segment(&folded.replace('v', "u")))
            .flatten()
    })
}

/// Candidate pinyin syllables for one Wade-Giles syllable. Aspiration marks
/// are often dropped, so `ch` may be zh, ch, j or q.
pub(crate) fn wade_giles(syllable: &str) -> Vec<String> {
    let whole: &[(&str, &[&str])] = &[
        ("erh", &["er"]),
        // Lin I-hsiung 林義雄: Wade-Giles writes yi as i.
        ("i", &["yi"]),
        ("yeh", &["ye"]),
        ("yen", &["yan"]),
        ("yu", &["you", "yu"]),
        ("yung", &["yong"]),
        ("jih", &["ri"]),
        ("shih", &["shi"]),
        ("chih", &["zhi", "chi"]),
        ("tzu", &["zi", "ci"]),
        ("tsu", &["zi", "ci", "zu", "cu"]),
        ("ssu", &["si"]),
        ("szu", &["si"]),
    ];
    if let Some((_, options)) = whole.iter().find(|(s, _)| *s == syllable) {
        return options.iter().map(|s| s.to_string()).collect();
    }
    const INITIALS: &[(&str, &[&str])] = &[
        ("tz", &["z", "c"]),
        ("ts", &["z", "c"]),
        ("ch", &["zh", "ch", "j", "q"]),
        ("hs", &["x"]),
        ("sh", &["sh"]),
        ("ss", &["s"]),
        ("j", &["r"]),
        ("k", &["g", "k"]),
        ("p", &["b", "p"]),
        ("t", &["d", "t"]),
    ];
    let (initials, rest): (Vec<&str>, &str) =
        match INITIALS.iter().find(|(i, _)| syllable.starts_with(i)) {
            Some((i, options)) => (options.to_vec(), &syllable[i.len()..]),
            None => (vec![""], syllable),
        };
    let (head, rest) = if initials == [""] {
        // m, f, n, l, h, s, w, y and vowel-initial syllables keep their initial.
        match rest.chars().next() {
            Some(c) if !"aeiou".contains(c) => (vec![&rest[..1]], &rest[1..]),
            _ => (vec![""], rest),
        }
    } else {
        (initials, rest)
    };
    let mut finals = vec![rest.to_string()];
    for (from, to) in [
        ("ung", "ong"),
        ("uei", "ui"),
        ("ieh", "ie"),
        ("ien", "ian"),
        ("ueh", "ue"),
        ("ih", "i"),
        ("o", "e"),
        ("o", "uo"),
    ] {
        if let Some(stem) = rest.strip_suffix(from) {
            finals.push(format!("{stem}{to}"));
        }
    }
    let set = syllables();
    let mut out: Vec<String> = head
        .iter()
        .flat_map(|i| finals.iter().map(move |f| format!("{i}{f}")))
        .filter(|s| set.contains(s))
        .collect();
    out.dedup();
    out
}

/// At most this many Wade-Giles readings of one name become keys.
const MAX_READINGS: usize = 16;

/// The pinyin, Wade-Giles and Taiwan keys of a Latin name, given its
/// pinyin syllables (see [`crate::word::pinyin`]).
pub(crate) fn keys_with(words: &[Rc<Word>], pinyin: Option<&[&str]>) -> Vec<Key> {
    let mut keys = Vec::new();
    if let Some(syllables) = pinyin {
        keys.extend(Key::with_order(Rule::LatinPinyin, syllables.to_vec()));
    }
    let mut wade_giles_readings: Vec<Vec<&str>> = vec![Vec::new()];
    let mut taiwan_readings: Vec<Vec<&str>> = vec![Vec::new()];
    // Taiwan keys are made when some syllable needs a Taiwan spelling; a
    // name all Wade-Giles has Wade-Giles keys only.
    let mut taiwan_needed = false;
    for word in words {
        let (wg, tw) = (&word.wade_giles, &word.taiwan);
        taiwan_needed |= !tw.is_empty();
        if !wade_giles_readings.is_empty() {
            wade_giles_readings = extend(wade_giles_readings, wg.iter());
        }
        taiwan_readings = extend(taiwan_readings, tw.iter().chain(wg));
        if taiwan_readings.is_empty() {
            break;
        }
    }
    for reading in wade_giles_readings {
        keys.extend(Key::with_order(Rule::WadeGiles, reading));
    }
    if taiwan_needed {
        for reading in taiwan_readings {
            keys.extend(Key::with_order(Rule::Taiwan, reading));
        }
    }
    keys
}

/// A word's Wade-Giles readings, and the Taiwan readings that are not also
/// Wade-Giles ones.
pub(crate) fn readings(token: &str) -> (Vec<String>, Vec<String>) {
    let folded = fold(token);
    let wg = wade_giles(&folded);
    let mut tw = taiwan::readings(&folded);
    tw.retain(|r| !wg.contains(r));
    (wg, tw)
}

/// Every reading so far, each followed by each option (at most
/// `MAX_READINGS`); none when there are no options.
fn extend<'a>(
    readings: Vec<Vec<&'a str>>,
    options: impl Iterator<Item = &'a String> + Clone,
) -> Vec<Vec<&'a str>> {
    readings
        .into_iter()
        .flat_map(|r| {
            options.clone().map(move |o| {
                let mut r = r.clone();
                r.push(o.as_str());
                r
            })
        })
        .take(MAX_READINGS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(normal: &str) -> Vec<Key> {
        let words = crate::word::words(normal);
        keys_with(&words, crate::word::pinyin(&words).as_deref())
    }

    #[test]
    fn tones_and_umlauts_fold() {
        assert_eq!(as_pinyin("Zhīfēng").unwrap(), ["zhi", "feng"]);
        assert_eq!(as_pinyin("lv").unwrap(), ["lu"]);
        assert_eq!(as_pinyin("lü3").unwrap(), ["lu"]);
    }

    #[test]
    fn wade_giles_syllables() {
        assert!(wade_giles("hsu").contains(&"xu".to_string()));
        assert!(wade_giles("chih").contains(&"zhi".to_string()));
        assert!(wade_giles("yung").contains(&"yong".to_string()));
        assert!(wade_giles("chiang").contains(&"jiang".to_string()));
        assert!(wade_giles("kuo").contains(&"guo".to_string()));
        assert!(wade_giles("ching").contains(&"jing".to_string()));
        assert!(wade_giles("i").contains(&"yi".to_string()), "Lin I-hsiung");
        assert!(wade_giles("kuei").contains(&"gui".to_string()));
    }

    fn has(keys: &[Key], rule: Rule, text: &str) -> bool {
        keys.iter().any(|k| k.rule == rule && k.text == text)
    }

    #[test]
    fn taiwan_spellings_read_as_pinyin() {
        // 李登輝, 蔡英文, 馬英九, 李明哲, 施明德.
        assert!(has(&keys("lee teng hui"), Rule::Taiwan, "deng hui li"));
        assert!(has(&keys("tsai ing wen"), Rule::Taiwan, "cai wen ying"));
        assert!(has(&keys("ma ying jeou"), Rule::Taiwan, "jiu ma ying"));
        assert!(has(&keys("lee ming che"), Rule::Taiwan, "li ming zhe"));
        assert!(has(&keys("shih ming teh"), Rule::Taiwan, "de ming shi"));
        // A name all Wade-Giles needs no Taiwan key.
        assert!(keys("chiang ching kuo")
            .iter()
            .all(|k| k.rule != Rule::Taiwan));
    }
}
