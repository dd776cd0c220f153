use unicode_normalization::UnicodeNormalization;

/// Characters that separate the parts of a name in the wild: spaces, the
/// middle dots of Chinese transcriptions (· • ・ ‧ ･), hyphens, periods,
/// commas.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '·' | '•'
                | '・'
                | '‧'
                | '･'
                | '∙'
                | '⋅'
                | '-'
                | '‐'
                | '‑'
                | '–'
                | '—'
                | '.'
                | ','
                | '_'
                | '/'
        )
}

/// Apostrophes vanish: Wade-Giles aspiration marks (Ch'en) are dropped as
/// often as they are written, and Uyghur ULY uses them inside words.
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʻ' | 'ʼ' | '`' | '´')
}

/// NFKC (full-width letters become ASCII), lower case, every separator one
/// space.
pub fn normalize(text: &str) -> String {
    let folded: String = if text.is_ascii() {
        text.to_ascii_lowercase()
    } else {
        text.nfkc().flat_map(char::to_lowercase).collect()
    };
    let mut out = String::with_capacity(folded.len());
    let mut pending_space = false;
    for c in folded.chars().filter(|c| !is_apostrophe(*c)) {
        if is_separator(c) || matches!(c, '(' | ')' | '[' | ']' | '"' | '“' | '”') {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Splits aliases written in parentheses, full-width or not, into names of
/// their own: "刘晓波（Liu Xiaobo）" is two names. Several aliases in one
/// pair of parentheses may be separated by commas or semicolons.
pub fn split_aliases(text: &str) -> Vec<String> {
    const MARKS: &[char] = &['(', ')', '（', '）', '[', ']', '【', '】', '，', '；', '、'];
    if !text.contains(MARKS) {
        // Most names have no alias: nothing to split or rewrite.
        let main = text.trim();
        return if main.is_empty() {
            Vec::new()
        } else {
            vec![main.to_string()]
        };
    }
    let text: String = text
        .chars()
        .map(|c| match c {
            '（' | '[' | '【' => '(',
            '）' | ']' | '】' => ')',
            '，' | '；' | '、' => ',',
            c => c,
        })
        .collect();
    let mut names = Vec::new();
    let mut outside = String::new();
    let mut depth = 0usize;
    let mut inside = String::new();
    for c in text.chars() {
        match c {
            '(' => {
                depth += 1;
                if depth == 1 {
                    inside.clear();
                    continue;
                }
            }
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    names.extend(
                        inside
                            .split([',', ';'])
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map(str::to_string),
                    );
                    continue;
                }
            }
            _ => {}
        }
        if depth > 0 {
            inside.push(c);
        } else {
            outside.push(c);
        }
    }
    let main = outside.trim().to_string();
    if !main.is_empty() {
        names.insert(0, main);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_case_and_separators() {
        assert_eq!(normalize("ＷＯＮＧ  Chi-fung"), "wong chi fung");
        assert_eq!(normalize("伊力哈木·土赫提"), "伊力哈木 土赫提");
        assert_eq!(normalize("阿不都•热西提"), "阿不都 热西提");
        assert_eq!(normalize("Ch'en Kuang-ch'eng"), "chen kuang cheng");
    }

    #[test]
    fn aliases_in_parentheses_are_names_of_their_own() {
        assert_eq!(
            split_aliases("刘晓波（Liu Xiaobo）"),
            vec!["刘晓波", "Liu Xiaobo"]
        );
        assert_eq!(
            split_aliases("Joshua Wong (黃之鋒, Wong Chi-fung)"),
            vec!["Joshua Wong", "黃之鋒", "Wong Chi-fung"]
        );
        assert_eq!(split_aliases("陈卫"), vec!["陈卫"]);
    }
}
