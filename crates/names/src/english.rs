//! English given names beside Chinese ones: Joshua Wong Chi-fung 黃之鋒,
//! Carrie Lam 林鄭月娥, Martin Lee Chu-ming 李柱銘.
//!
//! Hong Kong (and Taiwanese, and diaspora) people are often written with
//! an English given name and the romanised surname only. A surname alone
//! is far too weak a key (Agnes Chow 周庭 and Chow Hang-tung 鄒幸彤), but
//! the English name and the surname together are a fair one: a name of an
//! English given name and Chinese syllables gets the key *English name +
//! surname*, so Joshua Wong and Joshua Wong Chi-fung meet. Such a key is a
//! candidate, never a merge: it lives in the weak space, and there are many
//! John Lees. Characters alone say nothing of an English name, so 黃之鋒
//! meets Joshua Wong only through an alias written beside it.

use std::collections::HashSet;
use std::rc::Rc;
use std::sync::LazyLock;

use crate::word::Word;
use crate::{Key, Rule};

/// English given names, as Hong Kong, Taiwan and the diaspora use them.
/// Written for this crate from common knowledge; a list, not a dictionary:
/// a name missing here only means no English-name key.
const GIVEN_NAMES: &str = "
aaron abby abigail ada adam adrian agatha agnes aileen alan albert alex alexander alexandra
alfred alice alicia alison allen amanda amber amy andrea andrew andy angel angela angie anita
ann anna anne annette annie anson anthony antonio april arthur ashley audrey austin barbara
barry basil beatrice becky belinda ben benjamin benny bernard betty beverly bill billy bob
bobby bonnie brandon brenda brian bruce bryan calvin camille candy carl carmen carol caroline
carrie catherine cathy cecilia charles charlie charlotte cherry cheryl chris christina
christine christopher cindy claire clara claudia clement clifford connie constance cynthia
daisy daniel danny daphne david dennis denise derek diana diane dominic donald doris dorothy
douglas duncan edith edmund edward edwin eileen elaine eleanor elizabeth ella ellen elsie
emily emma eric erica ernest esther eugene eva evelyn fanny felix fiona florence frances
francis frank franklin fred freda frederick gary gavin george georgina gerald gigi gilbert
gina gladys gloria gordon grace gregory gwen hannah harold harry hazel heather helen helena
henry herbert horace howard hugo ian irene iris isaac isabel isabella ivan ivy jack jackie
jackson jacky jacqueline james jamie jane janet janice jason jasper jean jeffrey jennifer
jenny jeremy jerry jessica jimmy joan joanna joe joey john johnny jonathan joseph josephine
joshua joyce judy julia julian julie june justin karen kate katherine kathy katie keith
kelly kelvin kenneth kenny kevin kitty larry laura lauren lawrence leo leon leonard leslie
lily linda lisa louis louisa louise lucas lucy luke lydia mabel maggie mandy margaret maria
marian marie mark martha martin mary matthew maureen max maxwell melissa melody michael
michelle mike miranda miriam molly monica nancy natalie nathan nelson nicholas nicole nina
noel norman olivia oliver oscar pamela patricia patrick paul paula pauline peggy penny peter
philip phoebe phyllis priscilla rachel ralph raymond rebecca regina richard rita robert
robin roger ronald ronny rose rosemary rosie ruby russell ruth ryan sally samantha samuel
sandra sarah sharon shirley simon sophia sophie stanley stella stephanie stephen steve
steven stuart sunny susan suzanne sylvia terence teresa terry thomas timothy tina tommy
tony tracy trevor valerie vanessa veronica victor victoria vincent violet vivian wallace
walter wendy william willie winnie winston yvonne zoe
";

/// Whether a (normalised) word is a common English given name.
pub fn is_given_name(word: &str) -> bool {
    given_names().contains(word)
}

fn given_names() -> &'static HashSet<&'static str> {
    static SET: LazyLock<HashSet<&'static str>> =
        LazyLock::new(|| GIVEN_NAMES.split_whitespace().collect());
    &SET
}

/// At most this many words: an English name, a surname, and a given name
/// of up to three syllables.
const MAX_WORDS: usize = 5;

/// The English-name key of a normalised Latin name: an English given name
/// first (Joshua Wong Chi-fung) or last (Wong Chi-fung Joshua, as lists
/// sorted by surname write it), the surname beside it, and every other
/// word part of a Chinese name (a Hong Kong syllable or pinyin: Wu, Lu,
/// Chow, Wong, Hongda).
pub(crate) fn key(words: &[Rc<Word>]) -> Option<Key> {
    if words.len() < 2 || words.len() > MAX_WORDS {
        return None;
    }
    let (first, last) = (&words[0], &words[words.len() - 1]);
    let (given, surname, rest) = if first.given_name {
        (first, &words[1], &words[1..])
    } else if last.given_name {
        (last, first, &words[..words.len() - 1])
    } else {
        return None;
    };
    if !rest.iter().all(|w| w.chinese) {
        return None;
    }
    // One token: the key means "this English name with this surname", and
    // a marker keeps it from ever equalling a skeleton.
    Some(Key {
        rule: Rule::EnglishName,
        text: format!("{}+{}", given.text, surname.cantonese),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(normal: &str) -> Option<Key> {
        super::key(&crate::word::words(normal))
    }

    #[test]
    fn english_name_and_surname_meet_the_full_name() {
        assert_eq!(key("joshua wong"), key("joshua wong chi fung"));
        assert_eq!(key("carrie lam"), key("lam cheng yuet ngor carrie"));
        assert_eq!(key("martin lee"), key("martin lee chu ming"));
        assert_eq!(key("harry wu"), key("harry wu hongda"));
        assert!(key("joshua wong").is_some());
    }

    #[test]
    fn a_shared_surname_or_english_name_is_not_enough() {
        // Agnes Chow 周庭 and Chow Hang-tung 鄒幸彤.
        assert!(key("chow hang tung").is_none());
        assert_ne!(key("agnes chow"), key("chow hang tung"));
        // John Lee 李家超 and Martin Lee 李柱銘; Jimmy Sham and Jimmy Lai.
        assert_ne!(key("john lee ka chiu"), key("martin lee chu ming"));
        assert_ne!(key("jimmy sham tsz kit"), key("jimmy lai chee ying"));
    }

    #[test]
    fn only_chinese_names_with_an_english_one() {
        assert!(key("martin luther king").is_none());
        assert!(key("ilham tohti").is_none());
        assert!(key("wong chi fung").is_none());
        assert!(key("joshua").is_none());
    }
}
