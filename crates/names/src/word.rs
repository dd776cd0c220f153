//! What every rule needs to know of one word of a Latin name, worked out
//! once per word and remembered per thread. A list of millions of names
//! is made of a few thousand words: looking each word up once, instead of
//! once per rule, halved the cost of a Latin name's keys.

use std::rc::Rc;

use crate::{cantonese, chinese, english, latin, tibetan, uyghur};

pub(crate) struct Word {
    /// The word as normalised.
    pub text: Box<str>,
    /// Its pinyin syllables, if it is pinyin (tones and ü spellings folded).
    pub pinyin: Option<Vec<String>>,
    /// Its Wade-Giles readings as pinyin.
    pub wade_giles: Vec<String>,
    /// Its Taiwan readings that are not also Wade-Giles ones.
    pub taiwan: Vec<String>,
    /// The Tibetan name element it spells.
    pub tibetan: Option<&'static str>,
    /// Its Hong Kong romanisation folded (see [`cantonese::fold`]).
    pub cantonese: String,
    /// A compound surname written as one word (Szeto), as its two
    /// syllables, folded.
    pub cantonese_surname: Option<Vec<String>>,
    /// Given names written as one word (Chifung), split into syllables.
    pub cantonese_split: Option<Vec<String>>,
    /// Its Uyghur consonant skeleton.
    pub skeleton: String,
    /// Its Uyghur spelling with vowels folded (see [`uyghur::spelling`]).
    pub spelling: String,
    /// A common English given name.
    pub given_name: bool,
    /// Part of a Chinese name: a Hong Kong syllable or pinyin.
    pub chinese: bool,
}

impl Word {
    fn read(text: &str) -> Word {
        let cantonese = cantonese::fold_once(text);
        let cantonese_syllable = cantonese::is_folded_syllable(&cantonese);
        let (wade_giles, taiwan) = latin::readings(text);
        Word {
            text: text.into(),
            pinyin: latin::as_pinyin(text),
            wade_giles,
            taiwan,
            tibetan: tibetan::element(text),
            cantonese_split: (!cantonese_syllable)
                .then(|| cantonese::split_joined(text))
                .flatten(),
            cantonese,
            cantonese_surname: cantonese::joined_surname(text),
            skeleton: uyghur::skeleton_once(text),
            spelling: uyghur::spelling(text),
            given_name: english::is_given_name(text),
            chinese: cantonese_syllable || chinese::segment(text).is_some(),
        }
    }
}

/// The words of a normalised Latin name.
pub(crate) fn words(normal: &str) -> Vec<Rc<Word>> {
    crate::memo_table!(WORDS: Word);
    normal
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(|w| crate::memo(&WORDS, w, Word::read))
        .collect()
}

/// The pinyin syllables of a whole name, if every word is pinyin.
pub(crate) fn pinyin(words: &[Rc<Word>]) -> Option<Vec<&str>> {
    let mut syllables = Vec::new();
    for word in words {
        syllables.extend(word.pinyin.as_ref()?.iter().map(String::as_str));
    }
    Some(syllables)
}
