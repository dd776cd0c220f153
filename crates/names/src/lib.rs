//! Names across scripts.
//!
//! The same person is written 伊力哈木·土赫提, Ilham Tohti, Ilham Toxti,
//! ئىلھام توختى and Илһам Тохти; the same Hong Kong activist 黃之鋒, 黄之锋,
//! Huang Zhifeng and WONG Chi-fung. This crate turns any one spelling into
//! *match keys*: normalised forms under which spellings of one name meet,
//! each labelled with the rule that produced it, so that a match can say
//! why it matched ("黃 → Wong: Hong Kong romanisation").
//!
//! Taiwan spellings (Lee Teng-hui, Ma Ying-jeou), Tibetan names in any
//! script (བསྟན་འཛིན་རྒྱ་མཚོ, Tenzin Gyatso, 丹增嘉措) and an English given
//! name beside a Chinese one (Joshua Wong) have rules of their own.
//!
//! Keys are bags of tokens (sorted, so name order does not matter);
//! refinements (the order of a Chinese name's syllables, its tones) rank
//! people whose bags are equal. [`NameIndex`] finds people by key and
//! scores them; birth year, sex and place, where both sides have them,
//! raise a score or keep two people apart.

mod cantonese;
mod chinese;
mod english;
mod index;
mod latin;
mod normalize;
mod refine;
mod taiwan;
mod tibetan;
mod uyghur;
mod word;

/// A per-thread memo of a transformation of one word. Names repeat their
/// words (Wang, Wei, Ilham, Tohti), so an import of millions of people
/// reads each word once per thread instead of once per name. Values are
/// shared, not copied, and the tables are hashed with FxHash: at a hundred
/// thousand names a second the lookups themselves are a cost.
pub(crate) fn memo<T: 'static>(
    cache: &'static std::thread::LocalKey<Memo<T>>,
    word: &str,
    compute: impl FnOnce(&str) -> T,
) -> std::rc::Rc<T> {
    if let Some(found) = cache.with(|c| c.borrow_mut().get(word)) {
        return found;
    }
    let value = std::rc::Rc::new(compute(word));
    cache.with(|c| c.borrow_mut().insert(word, value.clone()));
    value
}

type Table<T> = std::collections::HashMap<Box<str>, std::rc::Rc<T>, rustc_hash::FxBuildHasher>;

/// Two generations of entries: when the newer one is full it becomes the
/// older one, and an entry found there moves back. What a list repeats
/// (thousands of 王伟) stays; what it says once (a name with a number in
/// it) is dropped after two generations, and memory stays bounded.
pub(crate) struct Generations<T> {
    newer: Table<T>,
    older: Table<T>,
}

pub(crate) type Memo<T> = std::cell::RefCell<Generations<T>>;

impl<T> Default for Generations<T> {
    fn default() -> Self {
        Generations {
            newer: Table::default(),
            older: Table::default(),
        }
    }
}

impl<T> Generations<T> {
    const LIMIT: usize = 100_000;

    fn get(&mut self, word: &str) -> Option<std::rc::Rc<T>> {
        if let Some(found) = self.newer.get(word) {
            return Some(found.clone());
        }
        let (word, found) = self.older.remove_entry(word)?;
        self.insert_owned(word, found.clone());
        Some(found)
    }

    fn insert(&mut self, word: &str, value: std::rc::Rc<T>) {
        self.insert_owned(word.into(), value);
    }

    fn insert_owned(&mut self, word: Box<str>, value: std::rc::Rc<T>) {
        if self.newer.len() >= Self::LIMIT {
            self.older = std::mem::take(&mut self.newer);
        }
        self.newer.insert(word, value);
    }
}

/// A thread-local memo table for [`memo`].
macro_rules! memo_table {
    ($name:ident: $t:ty) => {
        thread_local! {
            static $name: $crate::Memo<$t> = std::cell::RefCell::new(Default::default());
        }
    };
}
pub(crate) use memo_table;

/// The version of the rules that turn a name into keys. A store keeps the
/// keys it made and makes them again when this changes: raise it whenever
/// [`keys`] gives other keys for some name.
pub const RULES_VERSION: u32 = 2;

pub use index::{encode_keys, explain, place_key, Candidate, Entry, Facts, NameIndex, Reason};
pub use normalize::{normalize, split_aliases};

/// Which rule made a key: shown to users to explain a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// The normalised text itself (case, width, separators folded).
    Exact,
    /// Chinese characters read in toneless pinyin, simplified and
    /// traditional folded together.
    Pinyin,
    /// A Latin spelling read as pinyin (tone marks, tone numbers and ü
    /// spellings folded).
    LatinPinyin,
    /// A Wade-Giles spelling converted to pinyin.
    WadeGiles,
    /// A Hong Kong government (Cantonese) romanisation of a surname.
    HongKong,
    /// A Uyghur name in any script (Arabic, ULY, Cyrillic, Turkish-style
    /// Latin, or a Chinese-character transcription) reduced to its
    /// consonant skeleton.
    UyghurSkeleton,
    /// A Taiwan spelling read as pinyin: passport habits (Lee, Ing),
    /// Tongyong pinyin, Gwoyeu Romatzyh and MPS II syllables.
    Taiwan,
    /// A Tibetan name in Tibetan script, a Latin spelling or a Chinese
    /// transcription, read as its name elements (Tenzin, Gyatso, ...).
    Tibetan,
    /// An English given name with the surname beside it (Joshua Wong,
    /// Joshua Wong Chi-fung): a weak key, a candidate only.
    EnglishName,
    /// The syllables of a reading in the order written (surname first or
    /// last): ranks 黃之鋒 above 黃鋒之 for "Wong Chi-fung".
    NameOrder,
    /// Pinyin with its tones, from a query written with tone marks or
    /// numbers: ranks 何伟娜 above 贺伟娜 for "Hé Wěinà".
    PinyinTones,
    /// A Uyghur name's letters with only its vowels and the spellings'
    /// habits folded: Yasin Exmet meets ياسىن ئەخمەت more strongly than
    /// Hesen Emet, whose skeleton is the same.
    UyghurSpelling,
}

impl Rule {
    pub fn describe(self) -> &'static str {
        match self {
            Rule::Exact => "same spelling",
            Rule::Pinyin => "Chinese characters read in pinyin",
            Rule::LatinPinyin => "pinyin spelling",
            Rule::WadeGiles => "Wade-Giles romanisation",
            Rule::HongKong => "Hong Kong (Cantonese) romanisation",
            Rule::UyghurSkeleton => "Uyghur name across scripts",
            Rule::Taiwan => "Taiwan romanisation",
            Rule::Tibetan => "Tibetan name across scripts",
            Rule::EnglishName => "same English name and surname",
            Rule::NameOrder => "same syllables in the same order",
            Rule::PinyinTones => "same pinyin tones",
            Rule::UyghurSpelling => "Uyghur name across scripts, spelled alike",
        }
    }
}

/// Where keys meet: keys made by different rules meet when they land in
/// the same space with the same text (a Wade-Giles reading meets the
/// pinyin of the characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Space {
    Exact,
    Pinyin,
    Cantonese,
    Skeleton,
    /// A Uyghur name's letters with only vowels and the spellings' habits
    /// folded: finer than its skeleton.
    Spelling,
    /// Refinements: keys that only ever meet where a coarser key met too,
    /// so they rank people who already matched and never find anyone.
    Ordered,
    Toned,
}

impl Space {
    /// A space of refinements (see [`Space::Ordered`]).
    pub fn refines(self) -> bool {
        matches!(self, Space::Ordered | Space::Toned)
    }
}

impl Rule {
    pub fn space(self) -> Space {
        match self {
            Rule::Exact => Space::Exact,
            Rule::Pinyin | Rule::LatinPinyin | Rule::WadeGiles | Rule::Taiwan | Rule::Tibetan => {
                Space::Pinyin
            }
            Rule::HongKong => Space::Cantonese,
            // The space of weak keys: an English name and a surname say
            // less than a whole name (never an automatic merge). Its keys
            // carry a `+`, which no skeleton has.
            Rule::UyghurSkeleton | Rule::EnglishName => Space::Skeleton,
            Rule::NameOrder => Space::Ordered,
            Rule::PinyinTones => Space::Toned,
            Rule::UyghurSpelling => Space::Spelling,
        }
    }
}

/// A normalised form of a name under one rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub rule: Rule,
    /// Tokens, sorted and joined with spaces.
    pub text: String,
}

impl Key {
    /// What an index stores: the space and the text, not the rule.
    pub fn index_key(&self) -> (Space, &str) {
        (self.rule.space(), &self.text)
    }

    fn from_tokens(rule: Rule, tokens: Vec<String>) -> Option<Key> {
        Key::from_strs(rule, tokens.iter().map(String::as_str).collect())
    }

    /// The bag of `tokens` under `rule`, and, for three tokens or more,
    /// their order (see [`Rule::NameOrder`]).
    fn with_order(rule: Rule, tokens: Vec<&str>) -> impl Iterator<Item = Key> {
        let ordered = refine::order_key(&tokens);
        Key::from_strs(rule, tokens).into_iter().chain(ordered)
    }

    fn from_strs(rule: Rule, mut tokens: Vec<&str>) -> Option<Key> {
        tokens.retain(|t| !t.is_empty());
        if tokens.is_empty() {
            return None;
        }
        tokens.sort_unstable();
        Some(Key {
            rule,
            text: tokens.join(" "),
        })
    }
}

/// Every key of one name (aliases in parentheses are split off by
/// [`split_aliases`] first; this takes one name).
pub fn keys(name: &str) -> Vec<Key> {
    let normal = normalize(name);
    let mut keys = Vec::new();
    if let Some(k) = Key::from_strs(Rule::Exact, normal.split(' ').collect()) {
        keys.push(k);
    }
    if chinese::has_han(&normal) {
        let (syllables, toned) = chinese::pinyin_and_tones(&normal);
        keys.extend(chinese::pinyin_keys(&normal, &syllables));
        keys.extend(toned.and_then(|t| refine::tones_key(&t)));
        keys.extend(tibetan::key_from_syllables(&syllables));
        keys.extend(cantonese::keys_from_han(&normal));
        let parts: Vec<Vec<String>> = if normal.contains(' ') {
            normal.split(' ').map(chinese::pinyin_tokens).collect()
        } else {
            vec![syllables]
        };
        keys.extend(Key::from_tokens(
            Rule::UyghurSkeleton,
            uyghur::skeleton_of_syllables(&parts),
        ));
    } else if uyghur::is_arabic_or_cyrillic(&normal) {
        let latin = uyghur::to_latin(&normal);
        keys.extend(Key::from_tokens(
            Rule::UyghurSkeleton,
            uyghur::skeleton_tokens(&latin),
        ));
        keys.extend(Key::from_tokens(
            Rule::UyghurSpelling,
            latin.split(' ').map(uyghur::spelling).collect(),
        ));
    } else if tibetan::is_tibetan(&normal) {
        keys.extend(tibetan::key_from_script(&normal));
    } else {
        let words = word::words(&normal);
        let pinyin = word::pinyin(&words);
        keys.extend(latin::keys_with(&words, pinyin.as_deref()));
        keys.extend(tibetan::key_from_latin(&words, pinyin.as_deref()));
        keys.extend(english::key(&words));
        keys.extend(cantonese::key_from_latin(&words));
        keys.extend(cantonese::key_from_joined_latin(&words));
        keys.extend(Key::from_strs(
            Rule::UyghurSkeleton,
            words.iter().map(|w| w.skeleton.as_str()).collect(),
        ));
        // A name read as Chinese has finer keys than a Uyghur spelling.
        if pinyin.is_none() && !words.iter().all(|w| w.chinese) {
            keys.extend(Key::from_strs(
                Rule::UyghurSpelling,
                words.iter().map(|w| w.spelling.as_str()).collect(),
            ));
        }
        keys.extend(refine::latin_tones(&normal).and_then(|t| refine::tones_key(&t)));
    }
    keys.sort();
    keys.dedup();
    keys
}

/// The rules by which two names meet (the rules of both sides of every
/// shared key, refinements left out), in `Rule` order.
pub fn shared_rules(a: &str, b: &str) -> Vec<Rule> {
    let kb = keys(b);
    let mut rules = Vec::new();
    for ka in keys(a).into_iter().filter(|k| !k.rule.space().refines()) {
        for k in kb.iter().filter(|k| k.index_key() == ka.index_key()) {
            rules.push(ka.rule);
            rules.push(k.rule);
        }
    }
    rules.sort();
    rules.dedup();
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meet(a: &str, b: &str) -> bool {
        !shared_rules(a, b).is_empty()
    }

    #[test]
    fn one_uyghur_scholar_in_every_script() {
        let spellings = [
            "Ilham Tohti",
            "Ilham Toxti",
            "ئىلھام توختى",
            "Илһам Тохти",
            "伊力哈木·土赫提",
            "Tohti Ilham",
        ];
        for a in spellings {
            for b in spellings {
                assert!(meet(a, b), "{a} ~ {b}");
            }
        }
    }

    #[test]
    fn one_hong_kong_activist_in_every_spelling() {
        for (a, b) in [
            ("黃之鋒", "黄之锋"),
            ("黃之鋒", "Huang Zhifeng"),
            ("黄之锋", "Huáng Zhīfēng"),
            ("黄之锋", "huang2 zhi1 feng1"),
            ("黃之鋒", "WONG Chi-fung"),
            ("黃之鋒", "Joshua Wong Chi-fung"),
            ("鄒幸彤", "Chow Hang-tung"),
            ("羅冠聰", "Nathan Law Kwun-chung"),
            ("黎智英", "Jimmy Lai Chee-ying"),
            ("戴耀廷", "Benny Tai Yiu-ting"),
        ] {
            assert!(meet(a, b), "{a} ~ {b}");
        }
        assert_eq!(
            shared_rules("黃之鋒", "Wong Chi-fung"),
            vec![Rule::HongKong]
        );
    }

    #[test]
    fn different_people_do_not_meet_on_a_full_key() {
        // Agnes Chow (周庭) and Chow Hang-tung (鄒幸彤) share only a surname.
        assert!(!meet("周庭", "鄒幸彤"));
        assert!(!meet("Agnes Chow", "Chow Hang-tung"));
        assert!(!meet("周庭", "Chow Hang-tung"));
        assert!(
            !meet("Agnes Chow", "鄒幸彤"),
            "one shared surname is not a match"
        );
        assert!(!meet("Ilham Tohti", "Rahile Dawut"));
        assert!(!meet("王全璋", "王宇"));
    }

    #[test]
    fn wade_giles_reads_as_pinyin() {
        assert!(meet("Chiang Ching-kuo", "蔣經國"));
        assert!(meet("Hsu Chih-yung", "许志永"));
        assert_eq!(
            shared_rules("Hsu Chih-yung", "Xu Zhiyong"),
            vec![Rule::LatinPinyin, Rule::WadeGiles]
        );
    }

    #[test]
    fn english_name_and_surname_is_a_weak_key() {
        assert_eq!(
            shared_rules("Joshua Wong", "Joshua Wong Chi-fung"),
            vec![Rule::EnglishName]
        );
        assert_eq!(Rule::EnglishName.space(), Space::Skeleton);
        // Characters alone say nothing of an English name.
        assert!(!meet("Joshua Wong", "黃之鋒"));
        assert!(!meet("Agnes Chow Ting", "Chow Hang-tung"));
    }

    #[test]
    fn taiwan_and_tibetan_names_across_scripts() {
        assert!(shared_rules("Lee Teng-hui", "李登輝").contains(&Rule::Taiwan));
        assert!(shared_rules("Tsai Ing-wen", "蔡英文").contains(&Rule::Taiwan));
        assert_eq!(
            shared_rules("Tenzin Gyatso", "བསྟན་འཛིན་རྒྱ་མཚོ"),
            vec![Rule::Tibetan]
        );
        assert!(shared_rules("丹增嘉措", "Tenzin Gyatso").contains(&Rule::Tibetan));
    }

    #[test]
    fn surnames_with_special_readings() {
        // 曾 as a surname is Zeng, not Ceng; 单 is Shan; 解 is Xie.
        assert!(meet("曾健超", "Zeng Jianchao"));
        assert!(meet("单仁平", "Shan Renping"));
    }
}
