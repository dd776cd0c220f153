//! Uyghur in Arabic script (UEY): normalisation and transliteration of a
//! word to Uyghur Latin (ULY).
//!
//! Written by hand: no crate on crates.io transliterates UEY to ULY (the
//! generic Arabic romanisers follow Arabic or Persian phonology, where ى, ې,
//! ۆ and ۈ do not exist and vowels are not written), and the alphabet is a
//! fixed table of 32 letters, so a table here is smaller than any dependency.
//! `vigil-names` reduces Uyghur to consonant skeletons for matching *names*;
//! search needs the whole word, vowels included, so that "lager" finds لاگېر
//! and not every word with the consonants l-g-r.
//!
//! The output is ULY with its diacritics (é, ö, ü); the analyser's ASCII
//! folding then makes "lagér" and a query typed as "lager" the same token.
//! The apostrophe ULY writes between two vowels or in n'g is dropped, on
//! both sides, so that "sen'et" and سەنئەت meet.

/// Is `c` a vowel letter of the Arabic-script alphabet (after
/// normalisation)? Used to decide what a Persian yeh stands for.
fn is_vowel_letter(c: char) -> bool {
    matches!(
        c,
        'ا' | 'ە' | 'و' | 'ۇ' | 'ۆ' | 'ۈ' | 'ې' | 'ى' | 'ئ' | 'ه' | 'ة'
    )
}

/// Writes the ULY transliteration of one Arabic-script word into `out`
/// (cleared first). The word should already be NFKC-normalised, which turns
/// the presentation forms that PDF extractors produce (U+FB50–U+FEFF) into
/// base letters and splits the lam-alef ligature.
///
/// Normalisation, in one pass:
/// - tatweel (U+0640), harakat (U+064B–U+065F), superscript alef (U+0670),
///   high hamza (U+0674) and zero-width (non-)joiners are dropped;
/// - variants that Uyghur writers mix, mostly from Arabic or Persian
///   keyboards, are unified: keheh ک → ك; أ إ آ ٱ → ا; ء → ئ; ؤ → ۇ;
///   Arabic heh ه is ە (e) at the end of a word and ھ (h) elsewhere; teh
///   marbuta ة → ە; Persian yeh ی is ي (y) before a vowel and ى (i)
///   otherwise; ݣ → ڭ;
/// - the hamza carrier ئ has no sound of its own in ULY (a word-initial
///   vowel is written bare, a medial one with an apostrophe, dropped here).
///
/// Letters outside the Uyghur alphabet (Arabic ث ح ص ض ط ظ ع ذ) get their
/// Uyghur reading, so Arabic or Persian text is at least transliterated the
/// same way on both sides.
pub fn to_uly(word: &str, out: &mut String) {
    out.clear();
    let chars: Vec<char> = word.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars[i + 1..].iter().copied().find(|&c| !is_dropped(c));
        let at_end = next.is_none();
        let s: &str = match c {
            c if is_dropped(c) => "",
            'ا' | 'أ' | 'إ' | 'آ' | 'ٱ' => "a",
            'ە' | 'ة' => "e",
            'ه' if at_end && i > 0 => "e",
            'ه' | 'ھ' | 'ح' => "h",
            'ب' => "b",
            'پ' => "p",
            'ت' | 'ط' => "t",
            'ث' | 'س' | 'ص' => "s",
            'ج' => "j",
            'چ' => "ch",
            'خ' => "x",
            'د' => "d",
            'ذ' | 'ز' | 'ض' | 'ظ' => "z",
            'ر' => "r",
            'ژ' => "zh",
            'ش' => "sh",
            'غ' => "gh",
            'ف' => "f",
            'ق' => "q",
            'ك' | 'ک' => "k",
            'گ' => "g",
            'ڭ' | 'ݣ' => "ng",
            'ل' => "l",
            'م' => "m",
            'ن' => "n",
            'و' => "o",
            'ۇ' | 'ؤ' => "u",
            'ۆ' | 'ۅ' => "ö",
            'ۈ' | 'ٷ' => "ü",
            'ۋ' => "w",
            'ې' => "é",
            'ى' => "i",
            'ي' => "y",
            'ی' => match next {
                Some(nc) if is_vowel_letter(nc) => "y",
                _ => "i",
            },
            // The hamza carrier and bare hamza: no sound in ULY; ain too.
            'ئ' | 'ء' | 'ع' => "",
            '٠'..='٩' => {
                out.push(char::from(b'0' + (c as u32 - '٠' as u32) as u8));
                continue;
            }
            '۰'..='۹' => {
                out.push(char::from(b'0' + (c as u32 - '۰' as u32) as u8));
                continue;
            }
            other => {
                // Anything else of the script (rare letters of other
                // languages) is kept as it is, so it still matches itself.
                out.push(other);
                continue;
            }
        };
        out.push_str(s);
    }
}

/// Characters that carry no letter: tatweel, harakat, superscript alef,
/// high hamza, zero-width joiners and the Arabic letter mark.
pub fn is_dropped(c: char) -> bool {
    matches!(c,
        '\u{0640}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0674}'
        | '\u{200C}' | '\u{200D}' | '\u{061C}' | '\u{06D6}'..='\u{06ED}')
}

#[cfg(test)]
mod tests {
    use super::to_uly;

    fn uly(s: &str) -> String {
        let mut out = String::new();
        to_uly(s, &mut out);
        out
    }

    #[test]
    fn names_and_common_words() {
        assert_eq!(uly("ئىلھام"), "ilham");
        assert_eq!(uly("توختى"), "toxti");
        assert_eq!(uly("لاگېر"), "lagér");
        assert_eq!(uly("ئۇيغۇر"), "uyghur");
        assert_eq!(uly("ئۈرۈمچى"), "ürümchi");
        assert_eq!(uly("قەشقەر"), "qeshqer");
        assert_eq!(uly("سەنئەت"), "senet");
    }

    #[test]
    fn variants_writers_mix_are_unified() {
        // Persian yeh for i, Arabic heh for h, keheh for kaf, tatweel and a
        // haraka inside the word.
        assert_eq!(uly("ئیلهام"), "ilham");
        assert_eq!(uly("ئىلـھـام"), "ilham");
        assert_eq!(uly("کىشى"), "kishi");
        assert_eq!(uly("یاش"), "yash");
        assert_eq!(uly("ئىلھَام"), "ilham");
        // Arabic heh at the end of a word is the vowel e.
        assert_eq!(uly("بالىلىره"), "balilire");
    }

    #[test]
    fn arabic_indic_digits_become_ascii() {
        assert_eq!(uly("٢٠١٧"), "2017");
        assert_eq!(uly("۲۰۱۸"), "2018");
    }
}
