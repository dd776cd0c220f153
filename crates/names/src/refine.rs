//! Refinements: keys that tell apart people who already met on a coarser
//! key. Bags of tokens let "Zhang Jingwei" find 张晶伟 written in any
//! order, but they also make 张晶伟 and 张伟晶, or 何伟娜 and 贺伟娜,
//! indistinguishable. Among ten million people a query can meet hundreds
//! of such equals; these keys put the one whose syllables are in the same
//! order, or whose tones are the same, first.

use unicode_normalization::UnicodeNormalization;

use crate::{latin, Key, Rule};

/// The order of a name's syllables, whichever end its surname is written
/// at: the smallest rotation of the sequence. Zhang Jing-wei and Jing-wei
/// Zhang are rotations of each other; Zhang Wei-jing is not. Two syllables
/// have no order that a rotation keeps, so only three or more count.
pub(crate) fn order_key(tokens: &[&str]) -> Option<Key> {
    if tokens.len() < 3 {
        return None;
    }
    let tokens: Vec<&str> = tokens.iter().copied().filter(|t| !t.is_empty()).collect();
    (tokens.len() >= 3).then(|| Key {
        rule: Rule::NameOrder,
        text: smallest_rotation(&tokens),
    })
}

/// The key of pinyin syllables with tone numbers, in order (see
/// [`order_key`]); two syllables suffice here, as tones tell 张磊 from 常磊.
pub(crate) fn tones_key(syllables: &[String]) -> Option<Key> {
    let tokens: Vec<&str> = syllables.iter().map(String::as_str).collect();
    (tokens.len() >= 2).then(|| Key {
        rule: Rule::PinyinTones,
        text: smallest_rotation(&tokens),
    })
}

fn smallest_rotation(tokens: &[&str]) -> String {
    let rotation = |start: usize| tokens[start..].iter().chain(&tokens[..start]);
    let best = (1..tokens.len()).fold(0, |best, start| {
        if rotation(start).lt(rotation(best)) {
            start
        } else {
            best
        }
    });
    let mut out = String::new();
    for (i, token) in rotation(best).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(token);
    }
    out
}

/// The toned syllables of a Latin name, when every word carries tones
/// (marks, "Wěinà", or numbers, "wei3na4"); `None` otherwise. A syllable
/// left unmarked in a marked word is in the neutral tone, 5.
pub(crate) fn latin_tones(normal: &str) -> Option<Vec<String>> {
    // Most names have neither marks nor digits: no need to look closer.
    if normal.bytes().all(|b| b.is_ascii_alphabetic() || b == b' ') {
        return None;
    }
    let mut out = Vec::new();
    for word in normal.split(' ').filter(|w| !w.is_empty()) {
        out.extend(word_tones(word)?);
    }
    Some(out)
}

fn word_tones(word: &str) -> Option<Vec<String>> {
    let mut letters = String::new();
    // Tone marks by the letter they sit on; tone numbers by where they end
    // a syllable.
    let mut marks: Vec<(usize, char)> = Vec::new();
    let mut numbers: Vec<(usize, char)> = Vec::new();
    for c in word.nfd() {
        match c {
            '\u{304}' | '\u{301}' | '\u{30C}' | '\u{300}' => {
                let tone = match c {
                    '\u{304}' => '1',
                    '\u{301}' => '2',
                    '\u{30C}' => '3',
                    _ => '4',
                };
                marks.push((letters.len().checked_sub(1)?, tone));
            }
            '1'..='5' => numbers.push((letters.len(), c)),
            c if c.is_ascii_alphabetic() => letters.push(c.to_ascii_lowercase()),
            _ => {}
        }
    }
    if marks.is_empty() && numbers.is_empty() {
        return None;
    }
    let mut toned = Vec::new();
    if numbers.is_empty() {
        let mut start = 0;
        for syllable in latin::as_pinyin(&letters)? {
            let end = start + syllable.len();
            let tone = marks
                .iter()
                .find(|(at, _)| (start..end).contains(at))
                .map_or('5', |m| m.1);
            toned.push(format!("{syllable}{tone}"));
            start = end;
        }
    } else {
        let mut start = 0;
        for (end, tone) in numbers {
            let syllables = latin::as_pinyin(letters.get(start..end)?)?;
            let last = syllables.len().checked_sub(1)?;
            for (i, syllable) in syllables.into_iter().enumerate() {
                let tone = if i == last { tone } else { '5' };
                toned.push(format!("{syllable}{tone}"));
            }
            start = end;
        }
        if start != letters.len() {
            return None;
        }
    }
    Some(toned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(key: Option<Key>) -> String {
        key.map(|k| k.text).unwrap_or_default()
    }

    #[test]
    fn order_is_kept_whichever_end_the_surname_is_at() {
        let order = |s: &str| text(order_key(&s.split(' ').collect::<Vec<_>>()));
        assert_eq!(order("zhang jing wei"), order("jing wei zhang"));
        assert_ne!(order("zhang jing wei"), order("zhang wei jing"));
        assert_eq!(order("ou yang jing wei"), order("jing wei ou yang"));
        assert_eq!(order("zhang wei"), "", "two syllables have no order");
    }

    #[test]
    fn tone_marks_and_tone_numbers_read_alike() {
        let tones = |s: &str| latin_tones(&crate::normalize(s));
        let marked = tones("Hé Wěinà").unwrap();
        assert_eq!(marked, ["he2", "wei3", "na4"]);
        assert_eq!(tones("he2 wei3 na4").unwrap(), marked);
        assert_eq!(tones("he2 wei3na4").unwrap(), marked);
        assert_eq!(tones("Lǚ Xiǎojuān").unwrap(), ["lu3", "xiao3", "juan1"]);
        assert_eq!(tones("lv3 xiao3 juan1").unwrap(), ["lu3", "xiao3", "juan1"]);
        assert_eq!(tones("He Weina"), None, "no tones, no toned key");
        assert_eq!(tones("Hé Weina"), None, "every word must carry tones");
        // Digits and marks where no syllable is must not panic (a tone
        // number with nothing before it once did).
        for odd in ["12", "1", "a1b2", "<script>1", "́", "x9", "ǎ1ǎ"] {
            let _ = tones(odd);
        }
        assert_eq!(tones("12"), None);
    }
}
