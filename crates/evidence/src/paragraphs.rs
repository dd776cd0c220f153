//! Rebuilding paragraphs from page text.
//!
//! Text taken out of a PDF (and many plain-text files saved from one)
//! has lines broken at the layout's width, blank lines between lines,
//! words hyphenated across lines, running headers and footers, and page
//! numbers. A claim must quote a paragraph as its author wrote it, so the
//! lines are put back together here. The rules, in the order they are
//! applied:
//!
//! 1. **Headers and footers.** On a document of two pages or more, the
//!    first two and last two lines of each page are candidates. A candidate
//!    is folded (lower case, runs of digits become `#`, spaces collapsed);
//!    a folded line found at the top (or bottom) of at least half the pages,
//!    and of two pages at least, is dropped everywhere it is found there, so
//!    "Page 3 of 12", "- 3 -" and "Annual Report 2023 | 7" go however their
//!    number changes. A candidate that is only a page number ("7", "- 7 -",
//!    "Page 7 of 12", "7 / 12", "第7页") is dropped even if nothing else
//!    repeats. The page itself is kept as each paragraph's locator
//!    ([`Paragraph::page`]).
//! 2. **Paragraph breaks.** Between two lines of the same page a new
//!    paragraph starts when the next line is a list item; when it is
//!    indented further than the line before (a first-line indent); when the
//!    line before is *short*, meaning the first word of the next line would
//!    have fitted on it, so the break was the author's and not the layout's
//!    (this also ends headings); or when more blank lines than usual
//!    separate them and the line before ends a sentence. "Usual" is
//!    measured: in text with a blank line between every two lines, one
//!    blank line says nothing, and it takes two. A line ending in a
//!    hyphenated word never ends a paragraph. Across a page or column
//!    break, blank lines and sentence ends say nothing (a paragraph often
//!    runs on to the next page); only a short line, an indent, a list
//!    item, or (in a PDF) a column that stops short of the others after
//!    a full stop start a new paragraph there.
//! 3. **Joining lines.** Lines of one paragraph are joined with one space,
//!    or none where either side of the join is Chinese or Japanese
//!    (these scripts do not put spaces between words). Runs of spaces
//!    inside a line become one.
//! 4. **Hyphens.** A line ending in a letter and a hyphen, followed by a
//!    line starting with a letter, is a word cut in two ("docu-" +
//!    "ments" = "documents") unless the hyphen is real. It is taken as
//!    real, and kept without a space ("Xinjiang-based"), when: the next
//!    line starts with a capital ("Sino-British") or a digit; the part
//!    before the hyphen has a digit or a capital after its first letter
//!    ("COVID-19", "UN-backed") or already holds a hyphen ("well-to-do");
//!    the document elsewhere writes the hyphenated form on one line; the
//!    part before is a prefix that takes a hyphen ("self-", "non-",
//!    "anti-", ...) or the part after is a word that usually follows one
//!    ("-based", "-led", "-owned", "-run", "-related", ...). Otherwise,
//!    and also when the document elsewhere writes the joined word, the
//!    hyphen is dropped. A soft hyphen (U+00AD) is always dropped.

use std::collections::{HashMap, HashSet};

use crate::extract::Paragraph;

/// One line of text, as laid out on its page, with the measures the
/// break rules need. Widths are in one unit per document: characters for
/// plain text (Chinese characters count two), points for PDF.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    /// Byte range of the line's text (without surrounding spaces) in the
    /// raw text.
    pub start: usize,
    pub end: usize,
    /// 0-based page.
    pub page: usize,
    /// How far the line starts from the left edge of its column.
    pub indent: f64,
    /// How far the line reaches from the left edge of its column.
    pub width: f64,
    /// Width of the line's first word.
    pub first_word: f64,
    /// Width of a space.
    pub space: f64,
    /// Width of a full line in this line's column.
    pub measure: f64,
    /// The least extra indent that counts as an indent.
    pub indent_step: f64,
    /// Blank lines (or their height) before this line, on its page.
    pub gap_before: u32,
    /// The first line of a column other than the first on its page: a
    /// column break is read like a page break.
    pub column_start: bool,
    /// On the first line of a column or page: the blank lines' worth of
    /// space left empty at the foot of the column read before it. A
    /// column that stops short of the others after a full stop ended a
    /// paragraph.
    pub column_end_gap: u32,
}

/// Rebuilds the paragraphs of a plain text: pages are separated by form
/// feeds (`\f`), as text extracted from a PDF usually is. Paragraphs get a
/// page number only when there is more than one page. Offsets are byte
/// offsets into `raw`.
pub fn rebuild_text(raw: &str) -> Vec<Paragraph> {
    let paged = raw.contains('\x0c');
    let lines = text_lines(raw);
    rebuild(raw, lines, paged)
}

/// Rebuilds the paragraphs of a document given as the text of each page.
/// Returns the raw text the paragraphs' offsets point into (the pages
/// joined with form feeds) and the paragraphs, each with its page.
pub fn rebuild_paragraphs<S: AsRef<str>>(pages: &[S]) -> (String, Vec<Paragraph>) {
    let raw = pages
        .iter()
        .map(|p| p.as_ref())
        .collect::<Vec<_>>()
        .join("\x0c");
    let lines = text_lines(&raw);
    let paragraphs = rebuild(&raw, lines, true);
    (raw, paragraphs)
}

/// Splits plain text into measured lines.
fn text_lines(raw: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut offset = 0;
    for (page, page_text) in raw.split('\x0c').enumerate() {
        let mut gap = 0u32;
        for piece in page_text.split_inclusive('\n') {
            let line_start = offset;
            offset += piece.len();
            let body = piece.trim_end_matches(['\n', '\r']);
            let trimmed = body.trim();
            if trimmed.is_empty() {
                gap += 1;
                continue;
            }
            let lead = &body[..body.len() - body.trim_start().len()];
            let indent: f64 = lead
                .chars()
                .map(|c| if c == '\t' { 4.0 } else { 1.0 })
                .sum();
            let start = line_start + lead.len();
            let first = first_word(trimmed);
            lines.push(Line {
                start,
                end: start + trimmed.len(),
                page,
                indent,
                width: indent + display_width(&collapse_spaces(trimmed)),
                first_word: display_width(first),
                space: 1.0,
                measure: 0.0,
                indent_step: 2.0,
                gap_before: gap,
                column_start: false,
                column_end_gap: 0,
            });
            gap = 0;
        }
        offset += 1; // the form feed
    }
    // The full width of a line: greedy wrapping never leaves a line
    // shorter than the measure minus the next word, so the measure is (all
    // but a few outliers of) the longest line.
    let mut widths: Vec<f64> = lines.iter().map(|l| l.width).collect();
    widths.sort_by(|a, b| b.total_cmp(a));
    let measure = widths.get(widths.len() / 20).copied().unwrap_or(0.0);
    for line in &mut lines {
        line.measure = measure;
    }
    lines
}

/// The first word of a line: up to the first space, or the first character
/// when the line starts with a Chinese or Japanese one.
fn first_word(text: &str) -> &str {
    let mut chars = text.char_indices();
    match chars.next() {
        Some((_, c)) if is_cjk(c) => &text[..c.len_utf8()],
        Some(_) => text.split_whitespace().next().unwrap_or(""),
        None => "",
    }
}

pub(crate) fn rebuild(raw: &str, lines: Vec<Line>, paged: bool) -> Vec<Paragraph> {
    let npages = lines.iter().map(|l| l.page + 1).max().unwrap_or(0);
    let keep = drop_running_lines(raw, &lines, npages);
    let lines: Vec<&Line> = lines
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(l, _)| l)
        .collect();
    let text_of = |l: &Line| &raw[l.start..l.end];
    let words = document_words(lines.iter().map(|l| text_of(l)));

    // Is one blank line between two lines the usual, or a signal?
    let (mut pairs, mut spaced) = (0usize, 0usize);
    for w in lines.windows(2) {
        if w[0].page == w[1].page && !w[1].column_start {
            pairs += 1;
            if w[1].gap_before > 0 {
                spaced += 1;
            }
        }
    }
    let usual_gap = if pairs > 0 && spaced * 10 >= pairs * 6 {
        1
    } else {
        0
    };

    let mut paragraphs: Vec<Paragraph> = Vec::new();
    let mut current: Option<(String, &Line, &Line)> = None;
    for line in lines.iter().copied() {
        let text = collapse_spaces(text_of(line));
        match current.as_mut() {
            Some((acc, _, last)) if !breaks(text_of(last), last, &text, line, usual_gap) => {
                join_into(acc, &text, &words);
                *last = line;
            }
            _ => {
                if let Some((acc, first, last)) = current.take() {
                    paragraphs.push(finish(acc, first, last, paged));
                }
                current = Some((text, line, line));
            }
        }
    }
    if let Some((acc, first, last)) = current.take() {
        paragraphs.push(finish(acc, first, last, paged));
    }
    for (i, p) in paragraphs.iter_mut().enumerate() {
        p.number = i as u32 + 1;
    }
    paragraphs
}

fn finish(text: String, first: &Line, last: &Line, paged: bool) -> Paragraph {
    Paragraph {
        number: 0,
        page: paged.then_some(first.page as u32 + 1),
        text,
        source_start: first.start,
        source_end: last.end,
    }
}

/// Whether a new paragraph starts between `prev` and `next`.
fn breaks(prev_text: &str, prev: &Line, next_text: &str, next: &Line, usual_gap: u32) -> bool {
    if is_list_item(next_text) {
        return true;
    }
    if hyphen_cut(prev_text).is_some() && next_text.chars().next().is_some_and(char::is_alphabetic)
    {
        return false;
    }
    let new_column = next.page != prev.page || next.column_start;
    if !new_column && next.indent >= prev.indent + next.indent_step {
        return true;
    }
    if new_column && next.indent >= next.indent_step {
        // A first-line indent at the top of a column. Compare with the
        // column's left edge, since there is no line before it in the
        // column.
        return true;
    }
    // Would the next line's first word have fitted on this line?
    // Chinese wraps at any character, but a line may end a character or
    // two early so as not to start the next with punctuation.
    let cjk_slack = if next_text.chars().next().is_some_and(is_cjk) {
        2.0 * next.first_word
    } else {
        0.0
    };
    let gap = if prev_text.chars().last().is_some_and(is_cjk)
        || next_text.chars().next().is_some_and(is_cjk)
    {
        0.0
    } else {
        prev.space
    };
    if prev.width + gap + next.first_word + cjk_slack <= prev.measure + 0.01 {
        return true;
    }
    if new_column {
        next.column_end_gap > 0 && ends_sentence(prev_text)
    } else {
        next.gap_before > usual_gap && ends_sentence(prev_text)
    }
}

fn is_list_item(text: &str) -> bool {
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if matches!(first, '•' | '◦' | '▪' | '■' | '●' | '○' | '‣' | '⁃') {
        return true;
    }
    if matches!(first, '-' | '*' | '–' | '—') {
        return chars.next() == Some(' ');
    }
    // "1. ", "12) ", "(a) ", "a) "
    let token = text.split_whitespace().next().unwrap_or("");
    if token.len() > 5 || text.len() == token.len() {
        return false;
    }
    let inner = token.trim_start_matches('(');
    let body = inner.trim_end_matches(['.', ')']);
    let closed = inner.len() > body.len();
    closed
        && !body.is_empty()
        && (body.chars().all(|c| c.is_ascii_digit())
            || (body.len() == 1 && body.chars().all(|c| c.is_ascii_lowercase())))
}

/// Whether a line ends a sentence (closing quotes and brackets after the
/// full stop are looked through).
fn ends_sentence(text: &str) -> bool {
    let trimmed = text.trim_end_matches([
        '"', '\'', '”', '’', ')', ']', '」', '』', '）', '》', '»', '*',
    ]);
    trimmed.chars().last().is_some_and(|c| {
        matches!(
            c,
            '.' | '!' | '?' | '。' | '！' | '？' | '…' | '؟' | '۔' | '‼'
        )
    })
}

/// If the line ends in a word cut by a hyphen, the part before the hyphen
/// (the last whitespace-separated token, hyphen excluded) and the hyphen.
fn hyphen_cut(text: &str) -> Option<(&str, char)> {
    let hyphen = text.chars().last()?;
    if !matches!(hyphen, '-' | '\u{00AD}' | '\u{2010}') {
        return None;
    }
    let body = &text[..text.len() - hyphen.len_utf8()];
    let token = body.rsplit(char::is_whitespace).next().unwrap_or(body);
    token.chars().last().filter(|c| c.is_alphabetic())?;
    Some((token, hyphen))
}

/// Words the document writes inside lines (lower case, punctuation
/// stripped at both ends), to tell a cut word from a compound by the
/// document's own spelling.
fn document_words<'a>(lines: impl Iterator<Item = &'a str>) -> HashSet<String> {
    let mut words = HashSet::new();
    for line in lines {
        let tokens: Vec<&str> = line.split_whitespace().collect();
        for (i, token) in tokens.iter().enumerate() {
            if i + 1 == tokens.len() && hyphen_cut(token).is_some() {
                continue;
            }
            let word = token.trim_matches(|c: char| !c.is_alphanumeric());
            if !word.is_empty() {
                words.insert(word.to_lowercase());
            }
        }
    }
    words
}

/// Prefixes written with a hyphen ("self-censorship", "non-governmental").
/// Only prefixes that are not also the first syllable of common words:
/// "de-", "pre-", "inter-", "ex-", "so-" are left out, since "de-tained",
/// "inter-viewed", "ex-amine" and "so-cial" are ordinary hyphenation.
const HYPHEN_PREFIXES: &[&str] = &[
    "self", "non", "quasi", "well", "anti", "cross", "all", "half", "vice", "one", "two", "three",
    "four", "five", "first", "second", "third",
];

/// Words that usually follow a hyphen ("Xinjiang-based", "state-owned");
/// again only words that do not end common words ("-out" would keep
/// "with-out", "-time" "life-time").
const HYPHEN_SUFFIXES: &[&str] = &[
    "based",
    "led",
    "run",
    "owned",
    "related",
    "backed",
    "funded",
    "sponsored",
    "affiliated",
    "controlled",
    "linked",
    "born",
    "level",
    "wide",
    "term",
    "scale",
    "style",
    "specific",
    "free",
    "oriented",
    "called",
    "year",
    "years",
    "up",
    "making",
    "speaking",
    "language",
    "ranking",
    "appointed",
    "designated",
    "sanctioned",
    "organised",
    "organized",
    "affected",
    "focused",
    "centred",
    "centered",
    "minded",
];

/// Appends the line `next` to the paragraph text `acc`.
fn join_into(acc: &mut String, next: &str, words: &HashSet<String>) {
    if let Some((before, hyphen)) = hyphen_cut(acc) {
        let after: String = next.chars().take_while(|c| c.is_alphanumeric()).collect();
        if !after.is_empty() {
            let keep = keeps_hyphen(before, hyphen, &after, words);
            if !keep {
                acc.truncate(acc.len() - hyphen.len_utf8());
            }
            acc.push_str(next);
            return;
        }
    }
    let last = acc.chars().last();
    let first = next.chars().next();
    if !(last.is_some_and(is_cjk) || first.is_some_and(is_cjk)) {
        acc.push(' ');
    }
    acc.push_str(next);
}

/// Whether the hyphen between `before` (the token ending the line) and
/// `after` (the letters starting the next line) is a real one; see the
/// module documentation.
fn keeps_hyphen(before: &str, hyphen: char, after: &str, words: &HashSet<String>) -> bool {
    if hyphen == '\u{00AD}' {
        return false;
    }
    let first_after = after.chars().next().unwrap_or(' ');
    if first_after.is_uppercase() || first_after.is_numeric() {
        return true;
    }
    let token = before.trim_start_matches(|c: char| !c.is_alphanumeric());
    if token.contains(['-', '\u{2010}']) {
        return true;
    }
    if token.chars().any(|c| c.is_numeric()) || token.chars().skip(1).any(|c| c.is_uppercase()) {
        return true;
    }
    let lower_before = token.to_lowercase();
    let lower_after = after.to_lowercase();
    if words.contains(&format!("{lower_before}-{lower_after}")) {
        return true;
    }
    if words.contains(&format!("{lower_before}{lower_after}")) {
        return false;
    }
    HYPHEN_PREFIXES.contains(&lower_before.as_str())
        || HYPHEN_SUFFIXES.contains(&lower_after.as_str())
}

/// Marks the lines to keep: everything but running headers, footers and
/// page numbers (rule 1 of the module documentation).
fn drop_running_lines(raw: &str, lines: &[Line], npages: usize) -> Vec<bool> {
    let mut keep = vec![true; lines.len()];
    if npages < 2 {
        return keep;
    }
    // The first and last two lines of a page, or one on a page too short
    // to have both a two-line header and a two-line footer around text.
    let edge = |n: usize| if n > 4 { 2 } else { 1 };
    // Per page, the indices of its lines.
    let mut by_page: Vec<Vec<usize>> = vec![Vec::new(); npages];
    for (i, l) in lines.iter().enumerate() {
        by_page[l.page].push(i);
    }
    let mut top: HashMap<String, HashSet<usize>> = HashMap::new();
    let mut bottom: HashMap<String, HashSet<usize>> = HashMap::new();
    for (page, idx) in by_page.iter().enumerate() {
        for &i in idx.iter().take(edge(idx.len())) {
            top.entry(fold_running(&raw[lines[i].start..lines[i].end]))
                .or_default()
                .insert(page);
        }
        for &i in idx.iter().rev().take(edge(idx.len())) {
            bottom
                .entry(fold_running(&raw[lines[i].start..lines[i].end]))
                .or_default()
                .insert(page);
        }
    }
    let threshold = 2.max(npages.div_ceil(2));
    for idx in &by_page {
        let n = idx.len();
        for (pos, &i) in idx.iter().enumerate() {
            let at_top = pos < edge(n);
            let at_bottom = pos + edge(n) >= n;
            if !at_top && !at_bottom {
                continue;
            }
            let key = fold_running(&raw[lines[i].start..lines[i].end]);
            let repeated = (at_top && top.get(&key).is_some_and(|p| p.len() >= threshold))
                || (at_bottom && bottom.get(&key).is_some_and(|p| p.len() >= threshold));
            if repeated || is_page_number(&key) {
                keep[i] = false;
            }
        }
    }
    keep
}

/// Folds a header or footer so that its copies on different pages are
/// equal: lower case, digits runs as `#`, spaces collapsed.
fn fold_running(text: &str) -> String {
    let mut out = String::new();
    let mut in_digits = false;
    let mut in_space = false;
    for c in text.trim().chars() {
        if c.is_numeric() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
            in_space = false;
            continue;
        }
        in_digits = false;
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
            continue;
        }
        in_space = false;
        out.extend(c.to_lowercase());
    }
    out
}

/// Whether a folded line is nothing but a page number.
fn is_page_number(folded: &str) -> bool {
    let mut rest = folded.to_string();
    for word in [
        "page", "pages", "pg.", "pg", "p.", "of", "第", "页", "頁", "/", "|",
    ] {
        rest = rest.replace(word, " ");
    }
    let rest: String = rest
        .chars()
        .filter(|c| {
            !c.is_whitespace() && !matches!(c, '-' | '–' | '—' | '·' | '[' | ']' | '(' | ')' | '.')
        })
        .collect();
    !rest.is_empty() && rest.len() <= 2 && rest.chars().all(|c| c == '#')
}

fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Chinese characters, kana and the CJK symbol and full-width forms
/// blocks: scripts written without spaces between words. Hangul is not
/// included, since Korean puts spaces between words.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x30FF | 0x3100..=0x312F | 0x31A0..=0x31FF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// Columns a character takes in a monospaced layout: two for Chinese
/// characters and full-width forms, one for the rest.
fn display_width(text: &str) -> f64 {
    text.chars()
        .map(|c| {
            if is_cjk(c) || (0xAC00..=0xD7A3).contains(&(c as u32)) {
                2.0
            } else {
                1.0
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(raw: &str) -> Vec<String> {
        rebuild_text(raw).into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn wrapped_lines_join_and_short_lines_end_paragraphs() {
        let raw = "The camps were described as vocational\n\
                   training centres by the authorities, who\n\
                   said attendance was voluntary.\n\
                   Former detainees described the opposite.\n";
        assert_eq!(
            texts(raw),
            vec![
                "The camps were described as vocational training centres by the authorities, who said attendance was voluntary.",
                "Former detainees described the opposite."
            ]
        );
    }

    #[test]
    fn blank_line_after_a_sentence_is_a_break_but_not_mid_sentence() {
        let raw = "Lawyers were detained in July 2015 across the\n\ncountry, in what became known as the 709\ncrackdown on rights defenders in China.\n\nAbout 300 people were affected.\n";
        assert_eq!(
            texts(raw),
            vec![
                "Lawyers were detained in July 2015 across the country, in what became known as the 709 crackdown on rights defenders in China.",
                "About 300 people were affected."
            ]
        );
    }

    #[test]
    fn double_spaced_text_needs_two_blank_lines() {
        let raw = "Each line of this text has a blank line after it.\n\nText taken out of some PDFs looks like this one,\n\nand the paragraph ends only with a short line.\n\n\n\nA second paragraph begins after two blank lines\n\nand it goes on for a while.\n";
        assert_eq!(
            texts(raw),
            vec![
                "Each line of this text has a blank line after it. Text taken out of some PDFs looks like this one, and the paragraph ends only with a short line.",
                "A second paragraph begins after two blank lines and it goes on for a while."
            ]
        );
    }

    #[test]
    fn hyphenation_rules() {
        let words = document_words(["the documents were kept", "a UN-backed report"].into_iter());
        assert!(!keeps_hyphen("docu", '-', "ments", &words));
        assert!(keeps_hyphen("Xinjiang", '-', "based", &words));
        assert!(keeps_hyphen("Sino", '-', "British", &words));
        assert!(keeps_hyphen("COVID", '-', "19", &words));
        assert!(keeps_hyphen("UN", '-', "backed", &words));
        assert!(keeps_hyphen("well-to", '-', "do", &words));
        assert!(keeps_hyphen("self", '-', "censorship", &words));
        assert!(!keeps_hyphen("gov", '\u{ad}', "ernment", &words));
        assert!(!keeps_hyphen("Xin", '-', "jiang", &words));
        let words = document_words(["a long-term plan"].into_iter());
        assert!(keeps_hyphen("long", '-', "term", &words));
        let words = document_words(["re-education camps"].into_iter());
        assert!(keeps_hyphen("re", '-', "education", &words));
    }

    #[test]
    fn hyphenated_words_rejoin_across_lines() {
        let raw = "The authorities destroyed docu-\nments and detained Xinjiang-\nbased scholars, while Sino-\nBritish talks continued in 2019.\n";
        assert_eq!(
            texts(raw),
            vec!["The authorities destroyed documents and detained Xinjiang-based scholars, while Sino-British talks continued in 2019."]
        );
    }

    #[test]
    fn chinese_lines_join_without_a_space() {
        let raw = "二〇一七年以来，大量维吾尔族人被关押在所谓的\n「职业技能教育培训中心」，家属长期都无法得知\n其下落。\n\n政府称学员均已结业。\n";
        assert_eq!(
            texts(raw),
            vec![
                "二〇一七年以来，大量维吾尔族人被关押在所谓的「职业技能教育培训中心」，家属长期都无法得知其下落。",
                "政府称学员均已结业。"
            ]
        );
    }

    #[test]
    fn indentation_and_list_items_start_paragraphs() {
        let raw = "    The first paragraph is indented on its first\nline only, and goes on at the left margin as the\ntext of this paragraph fills its lines.\n    The second paragraph is indented in the same\nway as the first one and is just as long as\nthat.\n- a list item\n- another list item\n";
        assert_eq!(
            texts(raw),
            vec![
                "The first paragraph is indented on its first line only, and goes on at the left margin as the text of this paragraph fills its lines.",
                "The second paragraph is indented in the same way as the first one and is just as long as that.",
                "- a list item",
                "- another list item",
            ]
        );
    }

    #[test]
    fn headers_footers_and_page_numbers_are_dropped_and_pages_kept() {
        let raw = "Annual Report 2023\nThe first page begins a paragraph that runs\non to the second page of the document here\n- 1 -\x0cAnnual Report 2023\nwithout a break, and ends on this page.\nA short one.\n- 2 -\x0cAnnual Report 2023\nThe third page has a paragraph of its own.\nPage 3 of 3\n";
        let paragraphs = rebuild_text(raw);
        let got: Vec<(Option<u32>, &str)> = paragraphs
            .iter()
            .map(|p| (p.page, p.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Some(1), "The first page begins a paragraph that runs on to the second page of the document here without a break, and ends on this page."),
                (Some(2), "A short one."),
                (Some(3), "The third page has a paragraph of its own."),
            ]
        );
        let first = &paragraphs[0];
        assert!(raw[first.source_start..first.source_end].starts_with("The first page"));
        assert!(raw[first.source_start..first.source_end].ends_with("ends on this page."));
        assert_eq!(
            paragraphs.iter().map(|p| p.number).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
    }

    #[test]
    fn page_number_shapes() {
        for s in [
            "7",
            "- 7 -",
            "Page 7 of 12",
            "7 / 12",
            "第7页",
            "[7]",
            "p. 7",
        ] {
            assert!(is_page_number(&fold_running(s)), "{s}");
        }
        for s in ["Article 7", "Section 3.2 Detention", "In 2017 and 2018"] {
            assert!(!is_page_number(&fold_running(s)), "{s}");
        }
    }

    #[test]
    fn running_lines_with_changing_numbers_are_dropped() {
        let body = |n: u32| {
            format!(
                "Annual Report 2023 | {n}\nThe paragraph on page {n} runs over two lines\nand ends here.\nPage {n} of 12\n"
            )
        };
        let raw: Vec<String> = (1..=4).map(body).collect();
        let (joined, paragraphs) = rebuild_paragraphs(&raw);
        assert_eq!(joined.matches('\x0c').count(), 3);
        let got: Vec<(Option<u32>, &str)> = paragraphs
            .iter()
            .map(|p| (p.page, p.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    Some(1),
                    "The paragraph on page 1 runs over two lines and ends here."
                ),
                (
                    Some(2),
                    "The paragraph on page 2 runs over two lines and ends here."
                ),
                (
                    Some(3),
                    "The paragraph on page 3 runs over two lines and ends here."
                ),
                (
                    Some(4),
                    "The paragraph on page 4 runs over two lines and ends here."
                ),
            ]
        );
    }

    #[test]
    fn a_single_page_keeps_its_first_and_last_lines() {
        // Without pages there are no running headers to drop.
        assert_eq!(texts("3\nA line.\n"), vec!["3", "A line."]);
    }

    #[test]
    fn headings_without_blank_lines_end_at_their_short_line() {
        let raw = "1. Background\nThe Hong Kong National Security Law took effect on 30\nJune 2020 and had been used to arrest over 200 people\nby mid-2022.\n";
        assert_eq!(
            texts(raw),
            vec![
                "1. Background",
                "The Hong Kong National Security Law took effect on 30 June 2020 and had been used to arrest over 200 people by mid-2022."
            ]
        );
    }

    #[test]
    fn uyghur_lines_join_with_a_space_and_soft_hyphens_vanish() {
        let raw = "ئۇ ئۆزىنىڭ 2018-يىلى كېچىسى ئۆيىدىن ئېلىپ كېتىلگەنلىكىنى ۋە\nئون بىر ئاي تۇتۇپ تۇرۇلغانلىقىنى ئېيتتى.\n";
        assert_eq!(
            texts(raw),
            vec!["ئۇ ئۆزىنىڭ 2018-يىلى كېچىسى ئۆيىدىن ئېلىپ كېتىلگەنلىكىنى ۋە ئون بىر ئاي تۇتۇپ تۇرۇلغانلىقىنى ئېيتتى."]
        );
        let raw = "The Ministry of Public Security announced the govern\u{ad}\nment's decision to the press on the same day.\n";
        assert_eq!(
            texts(raw),
            vec!["The Ministry of Public Security announced the government's decision to the press on the same day."]
        );
    }

    #[test]
    fn the_document_s_own_spelling_decides_a_hyphen() {
        let raw = "Officials described the re-education programme as voluntary,\nbut the documents describe re-\neducation as compulsory for those who were detained.\n";
        assert_eq!(
            texts(raw),
            vec!["Officials described the re-education programme as voluntary, but the documents describe re-education as compulsory for those who were detained."]
        );
    }

    #[test]
    fn trailing_form_feed_adds_no_page() {
        let paragraphs = rebuild_text("One page only.\n\x0c");
        assert_eq!(paragraphs.len(), 1);
        assert_eq!(paragraphs[0].page, Some(1));
    }
}
