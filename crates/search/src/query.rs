//! Reading what a user typed into a search box. Hand-written instead of
//! tantivy's `QueryParser` for two reasons: user text must never be an
//! error (the parser rejects unbalanced quotes, stray colons and
//! parentheses, and reads `word:` as a field name), and a run of Chinese
//! without spaces must mean "these words", not the exact phrase the parser
//! would make of a multi-token literal.
//!
//! The grammar is deliberately small:
//! - words are ANDed;
//! - `"…"`, `“…”` and `「…」` (or `『…』`) are phrases; an opening quote with
//!   no closing one is taken as ordinary words;
//! - `-word` or `-"…"` excludes;
//! - everything else (colons, brackets, `+`, `*`) is just text, and the
//!   analyser drops what is not a word.

/// One part of a query: words or a phrase, required or excluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    pub text: String,
    pub phrase: bool,
    pub exclude: bool,
}

fn closing(open: char) -> Option<char> {
    match open {
        '"' => Some('"'),
        '“' => Some('”'),
        '「' => Some('」'),
        '『' => Some('』'),
        _ => None,
    }
}

/// Splits the query into parts. Bare text is split on white space so that
/// each whitespace-separated chunk can be matched as a unit (its tokens
/// ANDed, with a bonus when they are adjacent).
pub(crate) fn parse(query: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let chars: Vec<(usize, char)> = query.char_indices().collect();
    let mut i = 0;
    let mut bare_start: Option<usize> = None;
    let flush_bare = |parts: &mut Vec<Part>, from: Option<usize>, to: usize| {
        if let Some(from) = from {
            for chunk in query[from..to].split_whitespace() {
                let (exclude, text) = match chunk.strip_prefix('-') {
                    Some(rest) if !rest.is_empty() => (true, rest),
                    _ => (false, chunk),
                };
                parts.push(Part {
                    text: text.to_string(),
                    phrase: false,
                    exclude,
                });
            }
        }
    };
    while i < chars.len() {
        let (at, c) = chars[i];
        if let Some(close) = closing(c) {
            if let Some(j) = chars[i + 1..].iter().position(|&(_, d)| d == close) {
                let j = i + 1 + j;
                // A '-' right before the quote excludes the phrase.
                let mut exclude = false;
                let mut bare_end = at;
                if i > 0 && chars[i - 1].1 == '-' {
                    let before_dash = if i >= 2 { Some(chars[i - 2].1) } else { None };
                    if before_dash.is_none_or(char::is_whitespace) {
                        exclude = true;
                        bare_end = chars[i - 1].0;
                    }
                }
                flush_bare(&mut parts, bare_start.take(), bare_end);
                let text = &query[at + c.len_utf8()..chars[j].0];
                parts.push(Part {
                    text: text.to_string(),
                    phrase: true,
                    exclude,
                });
                i = j + 1;
                continue;
            }
        }
        if bare_start.is_none() {
            bare_start = Some(at);
        }
        i += 1;
    }
    flush_bare(&mut parts, bare_start, query.len());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str, phrase: bool, exclude: bool) -> Part {
        Part {
            text: text.into(),
            phrase,
            exclude,
        }
    }

    #[test]
    fn words_phrases_and_exclusions() {
        assert_eq!(
            parse(r#"camp "re-education centre" -school"#),
            [
                p("camp", false, false),
                p("re-education centre", true, false),
                p("school", false, true)
            ]
        );
        assert_eq!(
            parse("「再教育营」 新疆 -\"职业技能\""),
            [
                p("再教育营", true, false),
                p("新疆", false, false),
                p("职业技能", true, true)
            ]
        );
    }

    #[test]
    fn odd_input_is_text() {
        assert_eq!(parse("\"unbalanced"), [p("\"unbalanced", false, false)]);
        assert_eq!(
            parse("title: (x"),
            [p("title:", false, false), p("(x", false, false)]
        );
        assert_eq!(parse("-"), [p("-", false, false)]);
        assert!(parse("   ").is_empty());
    }
}
