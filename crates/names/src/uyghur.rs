//! Uyghur names in any script, reduced to a Latin consonant skeleton.
//!
//! Vowels are where Uyghur spellings disagree most (e/ä/é, ö/o, ü/u), and
//! Chinese-character transcriptions add vowels of their own (伊力哈木 for
//! Ilham); consonants mostly survive. So a name part becomes the sequence of
//! its consonants, after folding the consonants that spellings confuse
//! (x, kh and h; gh and g; q and k) and dropping the weak ones (h, y, w).
//!
//! Chinese characters cannot write every Uyghur consonant: a final r is
//! often 力 li (Bekri 白克力), ra is 拉 la (Gulmira 古丽米拉), p is 甫 fu or
//! 拜 bai (Tashpolat 塔西甫拉提, Tiyip 特依拜). So the liquids r and l are
//! one letter in a skeleton, and so are the labials p, b and f (Uyghur
//! itself writes Ferhat as Perhat). Skeleton keys are weak evidence (a
//! candidate, never a merge), which is what makes such a coarse fold sound.

use unicode_normalization::UnicodeNormalization;

/// Uyghur Arabic script to Latin (after ULY).
const ARABIC: &[(char, &str)] = &[
    ('ا', "a"),
    ('ە', "e"),
    ('ب', "b"),
    ('پ', "p"),
    ('ت', "t"),
    ('ج', "j"),
    ('چ', "ch"),
    ('خ', "x"),
    ('د', "d"),
    ('ر', "r"),
    ('ز', "z"),
    ('ژ', "zh"),
    ('س', "s"),
    ('ش', "sh"),
    ('غ', "gh"),
    ('ف', "f"),
    ('ق', "q"),
    ('ك', "k"),
    ('گ', "g"),
    ('ڭ', "ng"),
    ('ل', "l"),
    ('م', "m"),
    ('ن', "n"),
    ('ھ', "h"),
    ('ه', "h"),
    ('و', "o"),
    ('ۇ', "u"),
    ('ۆ', "ö"),
    ('ۈ', "ü"),
    ('ۋ', "w"),
    ('ې', "ë"),
    ('ى', "i"),
    ('ي', "y"),
    ('ئ', ""),
    ('ء', ""),
];

/// Uyghur (and Kazakh-style) Cyrillic to Latin.
const CYRILLIC: &[(char, &str)] = &[
    ('а', "a"),
    ('ә', "e"),
    ('б', "b"),
    ('в', "w"),
    ('г', "g"),
    ('ғ', "gh"),
    ('д', "d"),
    ('е', "ë"),
    ('ж', "j"),
    ('җ', "j"),
    ('з', "z"),
    ('и', "i"),
    ('й', "y"),
    ('к', "k"),
    ('қ', "q"),
    ('л', "l"),
    ('м', "m"),
    ('н', "n"),
    ('ң', "ng"),
    ('о', "o"),
    ('ө', "ö"),
    ('п', "p"),
    ('р', "r"),
    ('с', "s"),
    ('т', "t"),
    ('у', "u"),
    ('ү', "ü"),
    ('ф', "f"),
    ('х', "x"),
    ('һ', "h"),
    ('ч', "ch"),
    ('ш', "sh"),
    ('ю', "yu"),
    ('я', "ya"),
    ('ь', ""),
    ('ъ', ""),
    ('ы', "i"),
    ('э', "e"),
    ('ц', "ts"),
    ('щ', "sh"),
    ('ё', "yo"),
];

pub fn is_arabic_or_cyrillic(text: &str) -> bool {
    text.chars()
        .any(|c| ARABIC.iter().any(|(a, _)| *a == c) || CYRILLIC.iter().any(|(a, _)| *a == c))
}

pub fn to_latin(text: &str) -> String {
    text.chars()
        .map(|c| {
            ARABIC
                .iter()
                .chain(CYRILLIC)
                .find(|(a, _)| *a == c)
                .map(|(_, l)| l.to_string())
                .unwrap_or_else(|| c.to_string())
        })
        .collect()
}

/// The consonant skeleton of one Latin word.
fn skeleton(word: &str) -> std::rc::Rc<String> {
    crate::memo_table!(SKELETONS: String);
    crate::memo(&SKELETONS, word, skeleton_once)
}

pub(crate) fn skeleton_once(word: &str) -> String {
    let plain: String = word
        .nfd()
        .filter(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_lowercase();
    // Digraphs first, then single letters.
    let plain = plain
        .replace("kh", "h")
        .replace("gh", "g")
        .replace("ch", "c")
        .replace("sh", "s")
        .replace("zh", "j")
        .replace("ng", "n");
    let mut out = String::new();
    let mut previous = None;
    for c in plain.chars() {
        // A doubled letter (Tohtti) is one sound.
        if previous == Some(c) {
            continue;
        }
        previous = Some(c);
        match c {
            'x' | 'h' | 'y' | 'w' | 'v' | 'a' | 'e' | 'i' | 'o' | 'u' => {}
            'q' => out.push('k'),
            'r' => out.push('l'),
            'b' | 'f' => out.push('p'),
            c => out.push(c),
        }
    }
    out
}

/// One Latin word of a Uyghur name as its letters, only the spellings'
/// habits folded (kh, x and h; gh and g; q and k; w and v; e, ä, é and a;
/// o, ö, u and ü; a doubled letter; -jiang and -jan): finer than the
/// skeleton, so that among the many names with one skeleton (Yasin, Hesen
/// and Hasan are all `sn`) the one spelled alike ranks first.
pub(crate) fn spelling(word: &str) -> String {
    let plain = crate::latin::fold(word)
        .replace("kh", "h")
        .replace("gh", "g")
        .replace("jiang", "jan");
    let mut out = String::with_capacity(plain.len());
    for c in plain.chars() {
        let c = match c {
            'x' => 'h',
            'q' => 'k',
            'v' => 'w',
            'e' => 'a',
            'o' => 'u',
            c => c,
        };
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

pub fn skeleton_tokens(latin: &str) -> Vec<String> {
    latin.split(' ').map(|w| skeleton(w).to_string()).collect()
}

/// Skeleton of a Chinese-character transcription read in pinyin: each name
/// part's syllables run together first ("yi li ha mu" → "yilihamu"), and
/// pinyin's own consonants are mapped to what they transcribe (x is s,
/// q is c, zh is z: 扎克尔 zha ke er is Zakir).
pub fn skeleton_of_syllables(parts: &[Vec<String>]) -> Vec<String> {
    parts
        .iter()
        .map(|syllables| {
            let joined: String = syllables
                .iter()
                .map(|s| match s.chars().next() {
                    Some('x') => format!("s{}", &s[1..]),
                    Some('q') => format!("c{}", &s[1..]),
                    _ if s.starts_with("zh") => format!("z{}", &s[2..]),
                    _ => s.clone(),
                })
                .collect();
            skeleton(&joined).to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_script_reaches_the_same_skeleton() {
        assert_eq!(skeleton_tokens(&to_latin("ئىلھام توختى")), ["lm", "tt"]);
        assert_eq!(skeleton_tokens(&to_latin("илһам тохти")), ["lm", "tt"]);
        assert_eq!(skeleton_tokens("ilham toxti"), ["lm", "tt"]);
        assert_eq!(skeleton("perhat"), skeleton("ferhat"));
        assert_eq!(
            skeleton_of_syllables(&[
                vec!["yi".into(), "li".into(), "ha".into(), "mu".into()],
                vec!["tu".into(), "he".into(), "ti".into()]
            ]),
            ["lm", "tt"]
        );
    }

    fn han(parts: &[&[&str]]) -> Vec<String> {
        let parts: Vec<Vec<String>> = parts
            .iter()
            .map(|p| p.iter().map(|s| s.to_string()).collect())
            .collect();
        skeleton_of_syllables(&parts)
    }

    #[test]
    fn chinese_transcriptions_meet_despite_liquids_and_labials() {
        // Nur Bekri 努尔·白克力: 力 li writes the final r.
        assert_eq!(
            han(&[&["nu", "er"], &["bai", "ke", "li"]]),
            skeleton_tokens("nur bekri")
        );
        // Gulmira Imin 古丽米拉·伊明: 拉 la writes ra.
        assert_eq!(
            han(&[&["gu", "li", "mi", "la"], &["yi", "ming"]]),
            skeleton_tokens("gulmira imin")
        );
        // Tashpolat Tiyip 塔西甫拉提·特依拜: 甫 fu and 拜 bai write p.
        assert_eq!(
            han(&[&["ta", "xi", "fu", "la", "ti"], &["te", "yi", "bai"]]),
            skeleton_tokens("tashpolat tiyip")
        );
        // Zakir 扎克尔: 扎 zha writes za.
        assert_eq!(han(&[&["zha", "ke", "er"]]), skeleton_tokens("zakir"));
    }

    #[test]
    fn the_fold_keeps_distinct_names_apart() {
        assert_ne!(skeleton_tokens("gulshan"), skeleton_tokens("rushan"));
        assert_ne!(skeleton_tokens("perhat"), skeleton_tokens("mihrigul"));
        assert_ne!(skeleton_tokens("ilham"), skeleton_tokens("enver"));
    }

    #[test]
    fn spellings_fold_only_what_writers_confuse() {
        let spelled = |s: &str| skeleton_tokens(s).join(" ") + "/" + &spelling(s);
        assert_eq!(spelling(&to_latin("ياسىن")), spelling("yasin"));
        assert_eq!(spelling(&to_latin("ясин")), spelling("yasin"));
        assert_eq!(spelling(&to_latin("әхмәт")), spelling("exmet"));
        assert_eq!(spelling("ehmet"), spelling("exmet"));
        assert_eq!(spelling("enver"), spelling("enwer"));
        assert_ne!(spelling("yasin"), spelling("hesen"));
        assert_ne!(spelling("exmet"), spelling("emet"));
        // The Turkish-style v and the Cyrillic җ reach the skeleton too.
        assert_eq!(spelled("davut"), spelled("dawut"));
        assert_eq!(skeleton_tokens("enver"), skeleton_tokens("anwar"));
        assert_eq!(
            skeleton_tokens(&to_latin("җаппар")),
            skeleton_tokens("jappar")
        );
    }

    #[test]
    fn suffix_jan_and_jiang_meet() {
        assert_eq!(skeleton("gulnurjan"), skeleton("gulnurjiang"));
    }
}
