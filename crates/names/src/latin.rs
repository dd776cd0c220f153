//! Latin spellings of Chinese names: pinyin with or without tones, and
//! Wade-Giles.

use unicode_normalization::UnicodeNormalization;

use crate::chinese::{segment, syllables};
use crate::{Key, Rule};

/// Drops tone marks and every other diacritic (ü becomes u), and tone
/// numbers.
fn fold(token: &str) -> String {
    token
        .nfd()
        .filter(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A token as pinyin syllables: "Zhīfēng" → zhi feng, "lv3" → lu.
fn as_pinyin(token: &str) -> Option<Vec<String>> {
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
fn wade_giles(syllable: &str) -> Vec<String> {
    let whole: &[(&str, &[&str])] = &[
        ("erh", &["er"]),
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

pub fn keys(normal: &str) -> Vec<Key> {
    let tokens: Vec<&str> = normal.split(' ').filter(|t| !t.is_empty()).collect();
    let mut keys = Vec::new();
    let pinyin: Option<Vec<String>> = tokens
        .iter()
        .map(|t| as_pinyin(t))
        .collect::<Option<Vec<_>>>()
        .map(|v| v.concat());
    if let Some(syllables) = pinyin {
        keys.extend(Key::from_tokens(Rule::LatinPinyin, syllables));
    }
    let mut readings: Vec<Vec<String>> = vec![Vec::new()];
    for token in &tokens {
        let options = wade_giles(&fold(token));
        if options.is_empty() {
            return keys;
        }
        readings = readings
            .into_iter()
            .flat_map(|r| {
                options.iter().map(move |o| {
                    let mut r = r.clone();
                    r.push(o.clone());
                    r
                })
            })
            .take(MAX_READINGS)
            .collect();
    }
    for reading in readings {
        keys.extend(Key::from_tokens(Rule::WadeGiles, reading));
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
