//! Taiwan spellings of Mandarin names: what Taiwan passports and papers
//! write besides Wade-Giles. Before 2009 a passport name could be spelled
//! in Wade-Giles, in Tongyong pinyin (2002–2008), in Mandarin Phonetic
//! Symbols II or Gwoyeu Romatzyh, or in a personal habit: Lee Teng-hui
//! 李登輝 (Lee for li), Tsai Ing-wen 蔡英文 (Ing for ying), Ma Ying-jeou
//! 馬英九 (GR jeou for jiu), Shih Ming-teh 施明德 (teh for te), Jhang
//! 張 (Tongyong jh for zh), Syu 徐 (Tongyong yu for ü).
//!
//! [`readings`] gives the pinyin a syllable stands for under these habits,
//! and nothing for a syllable that needs none of them (Wade-Giles and
//! pinyin have rules of their own).

/// Whole syllables: personal habits common on Taiwan passports, Gwoyeu
/// Romatzyh tonal spellings of common name syllables, and MPS II forms.
/// Written from the published conversion tables of these systems.
const WHOLE: &[(&str, &[&str])] = &[
    // Personal habits.
    ("lee", &["li"]),
    ("ing", &["ying"]),
    ("hwang", &["huang"]),
    ("hwa", &["hua"]),
    ("jeng", &["zheng"]),
    ("jang", &["zhang"]),
    ("jan", &["zhan"]),
    ("jou", &["zhou"]),
    ("jau", &["zhao"]),
    ("jung", &["zhong", "rong"]),
    ("tsay", &["cai"]),
    ("shie", &["xie"]),
    ("shieh", &["xie"]),
    ("shiu", &["xu"]),
    ("yeh", &["ye"]),
    // Gwoyeu Romatzyh (tones spelled into the syllable) and MPS II.
    ("jeou", &["jiu"]),
    ("jiou", &["jiu"]),
    ("jiow", &["jiu"]),
    ("chiou", &["qiu"]),
    ("chyou", &["qiu"]),
    ("chiow", &["qiu"]),
    ("shiou", &["xiu"]),
    ("sheou", &["xiu"]),
    ("shiow", &["xiu"]),
    ("liou", &["liu"]),
    ("leou", &["liu"]),
    ("liow", &["liu"]),
    ("niou", &["niu"]),
    ("yeou", &["you"]),
    ("iou", &["you"]),
    ("yih", &["yi"]),
    ("jr", &["zhi"]),
    ("chr", &["chi"]),
    ("shr", &["shi"]),
    ("tz", &["zi"]),
    ("sz", &["si"]),
    ("tsz", &["ci"]),
    ("shiang", &["xiang"]),
    ("shiau", &["xiao"]),
    ("shian", &["xian"]),
    ("shin", &["xin"]),
    ("shing", &["xing"]),
    ("shiung", &["xiong"]),
];

/// Tongyong finals after si- and ci- that Hanyu pinyin writes after x and
/// q (Siao 蕭 is xiao, Sie 謝 is xie). `sin`, `sing` and `siu` are left out:
/// they are Cantonese syllables as often; `cin`, `cing` and `ciu` are not.
const AFTER_SI: &[&str] = &["a", "an", "ang", "ao", "e", "ong", "ou"];
const AFTER_CI: &[&str] = &["a", "an", "ang", "ao", "e", "ong", "ou", "n", "ng", "u"];
/// Tongyong yu- finals (ü) after s, c, l, n, j (Syu 徐, Lyu 呂, Jyun 君).
const YU_FINALS: &[&str] = &["yu", "yuan", "yue", "yun"];

/// Tongyong and Taiwan-habit spellings of one syllable in pinyin, checked
/// against the pinyin syllables. Empty when the syllable has no Taiwan
/// spelling (it may still be Wade-Giles or pinyin).
pub fn readings(syllable: &str) -> Vec<String> {
    if let Some((_, options)) = WHOLE.iter().find(|(s, _)| *s == syllable) {
        return options.iter().map(|s| s.to_string()).collect();
    }
    let mut out: Vec<String> = Vec::new();
    let set = crate::chinese::syllables();
    let mut push = |candidate: String| {
        if set.contains(&candidate) && candidate != syllable && !out.contains(&candidate) {
            out.push(candidate);
        }
    };
    // Tongyong jh is pinyin zh (Jhang 張, Jhong 鍾, Jhih 志).
    if let Some(rest) = syllable.strip_prefix("jh") {
        push(format!("zh{}", tongyong_final(rest)));
    }
    // Tongyong zih, cih, sih, rih (and Wade-Giles-like shih, chih handled
    // there): a written-out empty vowel.
    for initial in ["z", "c", "s", "r"] {
        if syllable.strip_prefix(initial) == Some("ih") {
            push(format!("{initial}i"));
        }
    }
    // Tongyong si-, ci- for pinyin x and q (Siao 蕭, Cing 清).
    for (from, to, finals) in [("s", "x", AFTER_SI), ("c", "q", AFTER_CI)] {
        if let Some(after) = syllable
            .strip_prefix(from)
            .and_then(|r| r.strip_prefix('i'))
        {
            if finals.contains(&after) {
                push(format!("{to}i{}", tongyong_final(after)));
            }
        }
    }
    // Tongyong yu for ü (Syu 徐, Cyuan 全, Lyu 呂, Jyun 君).
    for (from, to) in [("s", "x"), ("c", "q"), ("l", "l"), ("n", "n"), ("j", "j")] {
        if let Some(rest) = syllable.strip_prefix(from) {
            if YU_FINALS.contains(&rest) {
                push(format!("{to}{}", tongyong_final(rest)));
            }
        }
    }
    // -uei and -iou written out (Guei 桂, Huei 惠, Liou 劉), -eh for -e
    // (Shih Ming-teh 施明德): read what is left as Wade-Giles would be.
    for (from, to) in [("uei", "ui"), ("iou", "iu"), ("eh", "e")] {
        if let Some(stem) = syllable.strip_suffix(from) {
            if from == "eh" && (stem.ends_with('i') || stem.ends_with('y') || stem.ends_with('u')) {
                continue;
            }
            let respelled = format!("{stem}{to}");
            push(respelled.clone());
            for reading in crate::latin::wade_giles(&respelled) {
                push(reading);
            }
        }
    }
    out
}

/// A Tongyong final in pinyin spelling: `yu…` is ü (written u after the
/// initials that take it here), `iou` is iu, `ih` is i.
fn tongyong_final(rest: &str) -> String {
    if let Some(after) = rest.strip_prefix("yu") {
        return format!("u{after}");
    }
    if rest == "ih" {
        return "i".to_string();
    }
    if rest == "iou" {
        return "iu".to_string();
    }
    if let Some(after) = rest.strip_prefix('y') {
        return format!("i{after}");
    }
    rest.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(spelling: &str, pinyin: &str) -> bool {
        readings(spelling).iter().any(|r| r == pinyin)
    }

    #[test]
    fn passport_habits_and_gwoyeu_romatzyh() {
        assert!(reads("lee", "li"), "Lee Teng-hui 李登輝");
        assert!(reads("ing", "ying"), "Tsai Ing-wen 蔡英文");
        assert!(reads("jeou", "jiu"), "Ma Ying-jeou 馬英九");
        assert!(reads("teh", "de"), "Shih Ming-teh 施明德");
        assert!(reads("hwang", "huang"));
    }

    #[test]
    fn tongyong_pinyin() {
        assert!(reads("jhang", "zhang"));
        assert!(reads("jhih", "zhi"));
        assert!(reads("syu", "xu"));
        assert!(reads("siao", "xiao"));
        assert!(reads("cing", "qing"));
        assert!(reads("lyu", "lu"));
        assert!(reads("huei", "hui"));
        assert!(reads("liou", "liu"));
        assert!(reads("sih", "si"));
    }

    #[test]
    fn plain_pinyin_wade_giles_and_cantonese_are_left_alone() {
        for s in [
            "li", "wang", "ming", "hsu", "chih", "sin", "siu", "wong", "kit",
        ] {
            assert!(readings(s).is_empty(), "{s}: {:?}", readings(s));
        }
    }
}
