//! The one analyser used to index and to query: [`VigilTokenizer`] splits
//! text into runs by script and handles each run in its own way, then
//! tantivy's own filters lower-case, ASCII-fold and stem (English) every
//! token ([`analyzer`]).
//!
//! - **Han** runs: each character is folded from traditional to simplified
//!   on its own (a table built once from `zhconv`, so a character maps to
//!   one character and offsets into the original stay exact), then the run
//!   is cut into words by jieba in search mode without the HMM (so 维吾尔族
//!   also yields 维吾尔; without the HMM an unknown name is cut the same way
//!   in a query as in a document, whatever surrounds it). The sub-words of
//!   a word share its position, like synonyms, so a phrase query made of
//!   the main cut still matches.
//! - **Arabic-script** words (Uyghur) are NFKC-normalised and transliterated
//!   to ULY ([`crate::uyghur`]), so they share tokens with Latin text.
//! - **Latin** (and any other alphabetic) words are NFKC-normalised; an
//!   apostrophe inside a word is dropped (ULY's "sen'et", English "don't").
//!   No stop words are removed: a short query such as "the camp" or "who"
//!   must not lose a word.
//! - **Cyrillic** and other scripts: lower-cased by the filter chain.
//!
//! Every token's `offset_from..offset_to` is a byte range of the original
//! text, so snippets highlight the words as written.

use std::collections::HashMap;
use std::sync::OnceLock;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, Stemmer, TextAnalyzer, Token,
    TokenStream, Tokenizer,
};
use unicode_normalization::UnicodeNormalization;
use unicode_script::{Script, UnicodeScript};

use crate::uyghur;

/// The name under which the analyser is registered with the index.
pub const ANALYZER_NAME: &str = "vigil";

/// Bumped whenever the tokens produced for a text change; an index built
/// with another version is rebuilt (see `SearchIndex::open`).
pub const ANALYZER_VERSION: u32 = 1;

/// Tokens longer than this (bytes) are dropped: they are base64, URLs or
/// hashes, never words someone types.
const MAX_TOKEN_BYTES: usize = 80;

/// The analyser: the script-aware tokenizer, then lower-casing, ASCII
/// folding and the English Snowball stemmer. The stemmer only changes ASCII
/// suffixes, so Han tokens pass through it unchanged; transliterated Uyghur
/// goes through it like any Latin word, identically on both sides.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(VigilTokenizer)
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The script-aware tokenizer; see the module documentation.
#[derive(Clone, Default)]
pub struct VigilTokenizer;

/// The tokens of one text, computed eagerly (jieba works on whole runs).
pub struct VigilTokenStream {
    tokens: Vec<Token>,
    index: usize,
}

impl Tokenizer for VigilTokenizer {
    type TokenStream<'a> = VigilTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VigilTokenStream {
        let mut tokens = Vec::new();
        tokenize(text, &mut tokens);
        VigilTokenStream { tokens, index: 0 }
    }
}

impl TokenStream for VigilTokenStream {
    fn advance(&mut self) -> bool {
        if self.index < self.tokens.len() {
            self.index += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.index - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.index - 1]
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    Han,
    Arabic,
    /// A letter or digit of any other script, with the script (digits and
    /// marks take the script of the word they are in).
    Word(Script),
    Separator,
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}' | '\u{02BB}')
}

fn class_of(c: char) -> Class {
    match c.script() {
        Script::Han => Class::Han,
        Script::Arabic => {
            if c.is_alphanumeric() || uyghur::is_dropped(c) {
                Class::Arabic
            } else {
                Class::Separator
            }
        }
        // Combining marks (Inherited) and digits (Common) join the word
        // they are in; see `tokenize`.
        Script::Inherited => Class::Word(Script::Inherited),
        s if c.is_alphanumeric() => Class::Word(s),
        _ => Class::Separator,
    }
}

/// Appends the tokens of `text` to `out` (offsets into `text`).
pub(crate) fn tokenize(text: &str, out: &mut Vec<Token>) {
    let mut position = 0usize;
    let mut buf = String::new();
    let mut iter = text.char_indices().peekable();
    while let Some(&(start, c)) = iter.peek() {
        let class = class_of(c);
        match class {
            Class::Separator => {
                iter.next();
            }
            Class::Han => {
                let mut end = start;
                while let Some(&(i, c)) = iter.peek() {
                    if class_of(c) != Class::Han {
                        break;
                    }
                    end = i + c.len_utf8();
                    iter.next();
                }
                han_run(text, start, end, &mut position, out);
            }
            Class::Arabic => {
                let mut end = start;
                while let Some(&(i, c)) = iter.peek() {
                    let k = class_of(c);
                    // Harakat are Inherited; they stay inside the word.
                    if k != Class::Arabic && k != Class::Word(Script::Inherited) {
                        break;
                    }
                    end = i + c.len_utf8();
                    iter.next();
                }
                let word: String = text[start..end].nfkc().collect();
                uyghur::to_uly(&word, &mut buf);
                push(out, &buf, start, end, &mut position);
            }
            Class::Word(first) => {
                // A word: letters and digits of one script (digits and
                // combining marks join any), with apostrophes inside.
                let mut script = first;
                let mut end = start;
                while let Some(&(i, c)) = iter.peek() {
                    let k = class_of(c);
                    let joins = match k {
                        Class::Word(s) => {
                            let common = matches!(s, Script::Common | Script::Inherited);
                            let same = s == script
                                || common
                                || matches!(script, Script::Common | Script::Inherited);
                            if same && !common {
                                script = s;
                            }
                            same
                        }
                        Class::Separator if is_apostrophe(c) => {
                            // Only between two letters of the word.
                            let after = text[i + c.len_utf8()..].chars().next();
                            matches!(after.map(class_of), Some(Class::Word(_)))
                        }
                        _ => false,
                    };
                    if !joins {
                        break;
                    }
                    end = i + c.len_utf8();
                    iter.next();
                }
                buf.clear();
                buf.extend(
                    text[start..end]
                        .nfkc()
                        .filter(|&c| !is_apostrophe(c) && c.script() != Script::Inherited),
                );
                push(out, &buf, start, end, &mut position);
            }
        }
    }
}

fn push(out: &mut Vec<Token>, text: &str, from: usize, to: usize, position: &mut usize) {
    if text.is_empty() {
        return;
    }
    out.push(Token {
        offset_from: from,
        offset_to: to,
        position: *position,
        text: text.to_string(),
        position_length: 1,
    });
    *position += 1;
}

/// Traditional → simplified, one character to one character. Built once
/// from zhconv by converting every CJK character on its own line, so that
/// no phrase rule spans two characters; characters that convert to more or
/// fewer than one character are left as they are.
fn simplified_map() -> &'static HashMap<char, char> {
    static MAP: OnceLock<HashMap<char, char>> = OnceLock::new();
    MAP.get_or_init(|| {
        let ranges = [
            0x3400u32..=0x4DBF,
            0x4E00..=0x9FFF,
            0xF900..=0xFAFF,
            0x20000..=0x2A6DF,
        ];
        let chars: Vec<char> = ranges
            .into_iter()
            .flatten()
            .filter_map(char::from_u32)
            .collect();
        let mut joined = String::with_capacity(chars.len() * 4);
        for c in &chars {
            joined.push(*c);
            joined.push('\n');
        }
        let converted = zhconv::zhconv(&joined, zhconv::Variant::ZhHans);
        let mut map = HashMap::new();
        for (c, line) in chars.iter().zip(converted.split('\n')) {
            let mut it = line.chars();
            if let (Some(s), None) = (it.next(), it.next()) {
                if s != *c {
                    map.insert(*c, s);
                }
            }
        }
        map
    })
}

fn jieba() -> &'static jieba_rs::Jieba {
    static JIEBA: OnceLock<jieba_rs::Jieba> = OnceLock::new();
    JIEBA.get_or_init(jieba_rs::Jieba::new)
}

/// Loads the conversion table and jieba's dictionary now rather than on
/// the first document or query (together about a second on one core).
pub fn warm_up() {
    simplified_map();
    jieba();
}

fn han_run(text: &str, start: usize, end: usize, position: &mut usize, out: &mut Vec<Token>) {
    let map = simplified_map();
    let run = &text[start..end];
    // Byte offset in `text` of each character of the run, and one past it.
    let mut offsets: Vec<usize> = Vec::with_capacity(run.len() / 3 + 1);
    let mut simplified = String::with_capacity(run.len());
    for (i, c) in run.char_indices() {
        offsets.push(start + i);
        simplified.push(*map.get(&c).unwrap_or(&c));
    }
    offsets.push(end);

    let words = jieba().cut_for_search(&simplified, false);
    // Search mode gives, for each word of the main cut, its dictionary
    // sub-words first and the word itself last. Walking backwards, a token
    // inside the current word is one of its sub-words and takes its
    // position.
    let mut positions = vec![0usize; words.len()];
    let mut parent: Option<(usize, usize)> = None;
    let mut count = 0usize;
    for (k, w) in words.iter().enumerate().rev() {
        match parent {
            Some((s, e)) if w.start >= s && w.end <= e && (w.start, w.end) != (s, e) => {}
            _ => {
                parent = Some((w.start, w.end));
                count += 1;
            }
        }
        positions[k] = count;
    }
    let base = *position;
    for (k, w) in words.iter().enumerate() {
        out.push(Token {
            offset_from: offsets[w.start],
            offset_to: offsets[w.end],
            position: base + (count - positions[k]),
            text: w.word.to_string(),
            position_length: 1,
        });
    }
    *position = base + count;
}

/// One query token: its text and whether it is the main word at its
/// position (`false` for the dictionary sub-words jieba adds in search
/// mode, which a query leaves out: it asks for the word the user typed).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QueryToken {
    pub text: String,
    pub position: usize,
}

/// Analyses query text with the full analyser and keeps, per position, the
/// last token (the main word; its sub-words come before it).
pub(crate) fn query_tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<QueryToken> {
    let mut tokens: Vec<QueryToken> = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(t) = stream.next() {
        match tokens.last_mut() {
            Some(last) if last.position == t.position => last.text = t.text.clone(),
            _ => tokens.push(QueryToken {
                text: t.text.clone(),
                position: t.position,
            }),
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyse(text: &str) -> Vec<(String, String, usize)> {
        let mut a = analyzer();
        let mut s = a.token_stream(text);
        let mut v = Vec::new();
        while let Some(t) = s.next() {
            v.push((
                t.text.clone(),
                text[t.offset_from..t.offset_to].to_string(),
                t.position,
            ));
        }
        v
    }

    fn texts(text: &str) -> Vec<String> {
        analyse(text).into_iter().map(|t| t.0).collect()
    }

    #[test]
    fn english_is_lowercased_folded_and_stemmed() {
        assert_eq!(
            texts("Detained at the Café; re-education camps"),
            ["detain", "at", "the", "cafe", "re", "educ", "camp"]
        );
        assert_eq!(texts("Tohti's"), ["tohti"]);
    }

    #[test]
    fn han_is_folded_and_segmented_with_original_offsets() {
        let tokens = analyse("新疆再教育營");
        let words: Vec<&str> = tokens.iter().map(|t| t.0.as_str()).collect();
        assert!(words.contains(&"新疆"), "{tokens:?}");
        assert!(words.contains(&"营"), "{tokens:?}");
        // The original (traditional) characters are what the offsets cover.
        let t = tokens.iter().find(|t| t.0 == "营").unwrap();
        assert_eq!(t.1, "營");
        assert_eq!(texts("維吾爾族"), texts("维吾尔族"));
        assert!(texts("维吾尔族").contains(&"维吾尔".to_string()));
    }

    #[test]
    fn sub_words_share_the_position_of_their_word() {
        let tokens = analyse("维吾尔族人");
        let p = tokens.iter().find(|t| t.0 == "维吾尔").unwrap().2;
        let q = tokens.iter().find(|t| t.0 == "维吾尔族").unwrap().2;
        assert_eq!(p, q, "{tokens:?}");
        let mut a = analyzer();
        let q = query_tokens(&mut a, "维吾尔族人");
        assert_eq!(
            q.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(),
            ["维吾尔族", "人"]
        );
    }

    #[test]
    fn uyghur_arabic_script_meets_latin() {
        assert_eq!(texts("ئىلھام توختى"), texts("Ilham Toxti"));
        assert_eq!(texts("لاگېر"), texts("lager"));
        let tokens = analyse("ئىلھام توختى");
        assert_eq!(tokens[1].1, "توختى");
    }

    #[test]
    fn mixed_scripts_split_into_runs() {
        let tokens = analyse("2019年Urumqi乌鲁木齐，Москва");
        let originals: Vec<&str> = tokens.iter().map(|t| t.1.as_str()).collect();
        assert!(originals.contains(&"Urumqi"), "{tokens:?}");
        assert!(originals.contains(&"Москва"), "{tokens:?}");
        assert!(texts("Москва").contains(&"москва".to_string()));
    }

    #[test]
    fn punctuation_only_gives_no_tokens() {
        assert!(texts(":: \"\" ()!?，。").is_empty());
    }
}
