//! Checking that a quote is in its source.
//!
//! A claim's quote must be the source's own words, but a documenter
//! copies it from a PDF viewer, a browser or a word processor, each of
//! which may turn straight quotes curly, break lines or double spaces. So
//! both sides are folded before comparing: every kind of quotation mark
//! becomes `"`, runs of white space become one space (and disappear
//! between two Chinese characters, where a line break is not a space),
//! soft hyphens are removed and the text is put in Unicode NFC form. Case,
//! letters, digits and other punctuation must match exactly: a quote that
//! changes a word is not the source's quote.

use unicode_normalization::UnicodeNormalization;

/// Every character folded to `"`: straight, curly, low and CJK corner
/// quotation marks, single and double, and primes that fonts and editors
/// substitute for them.
const QUOTE_MARKS: &[char] = &[
    '"', '\'', '“', '”', '„', '‟', '‘', '’', '‚', '‛', '「', '」', '『', '』', '«', '»', '‹', '›',
    '〝', '〞', '＂', '＇', '′', '″', '`', '´',
];

/// Folds `text` for comparing quotes; see the module documentation.
pub fn fold_for_quotes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    let mut prev_cjk = false;
    for c in text.nfc() {
        if c == '\u{00AD}' || c == '\u{200B}' || c == '\u{FEFF}' {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        // Corner brackets count as Chinese, so test before folding.
        let cjk = is_cjk(c);
        let c = if QUOTE_MARKS.contains(&c) { '"' } else { c };
        if pending_space {
            if !(prev_cjk && cjk) {
                out.push(' ');
            }
            pending_space = false;
        }
        out.push(c);
        prev_cjk = cjk;
    }
    out
}

/// Whether `quote` occurs in `paragraph_text` once both are folded. An
/// empty (or all-space) quote occurs nowhere: a claim must quote
/// something.
pub fn quote_occurs(paragraph_text: &str, quote: &str) -> bool {
    let quote = fold_for_quotes(quote);
    !quote.is_empty() && fold_for_quotes(paragraph_text).contains(&quote)
}

/// Chinese and Japanese characters, full-width forms and CJK punctuation
/// (corner brackets included): between two of them a line break is not a
/// space.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x30FF | 0x3100..=0x312F | 0x31A0..=0x31FF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_quotes_and_whitespace() {
        assert_eq!(
            fold_for_quotes("  “voluntary”\n  training "),
            "\"voluntary\" training"
        );
        assert_eq!(fold_for_quotes("「自愿」\n参加"), "\"自愿\"参加");
        assert_eq!(fold_for_quotes("新疆\n维吾尔"), "新疆维吾尔");
    }

    #[test]
    fn quotes_must_occur() {
        let p = "The government said the centres were “vocational education and training centres” and that trainees had ‘graduated’.";
        assert!(quote_occurs(
            p,
            "\"vocational education and\n training centres\""
        ));
        assert!(quote_occurs(p, "trainees had 'graduated'"));
        assert!(!quote_occurs(p, "trainees had graduated"));
        assert!(!quote_occurs(p, "The Government said"));
        assert!(!quote_occurs(p, "  "));
        let zh = "政府称这些中心是「职业技能教育培训中心」。";
        assert!(quote_occurs(zh, "“职业技能教育\n培训中心”"));
        let ug = "ھۆكۈمەت «كەسپىي تەربىيەلەش مەركىزى» دەپ ئاتىدى.";
        assert!(quote_occurs(ug, "\"كەسپىي تەربىيەلەش مەركىزى\""));
        // Composed and decomposed accents are the same text.
        assert!(quote_occurs("Caf\u{e9} meeting", "Cafe\u{301} meeting"));
    }
}
