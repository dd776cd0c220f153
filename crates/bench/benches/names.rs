//! Names across scripts (issue 5): finding a person from a spelling of their
//! name in another script, another romanisation, another order, or with a
//! typo, among N generated persons, against two baselines over the same
//! names: PostgreSQL's `pg_trgm` (trigram similarity, GIN index) and SQLite
//! FTS5 with the trigram tokenizer.
//!
//! The generator is deterministic (the same data every run) and draws real
//! names: mainland Chinese persons from frequency-weighted surnames and
//! common given-name characters (so there are many 王伟, as in real data),
//! Hong Kong persons with Cantonese romanisations and English given names,
//! Taiwanese persons with Wade-Giles passport spellings, and Uyghur persons
//! (a given name and the father's name) from a table of real Uyghur names
//! written in Arabic script, ULY, a common English-press spelling,
//! Turkish-style Latin, Cyrillic and Chinese transcription. Each person is
//! stored with one to three of these spellings, a birth year and a sex.
//!
//! Each labelled query is a spelling of a known person's name that is not
//! one of their stored names (another script, romanisation, order, a typo).
//! A result counts as correct if it is that person or one the query cannot
//! tell from them (a namesake, or a homophone for a query in pinyin; see
//! `Verdict` and `Reading`); a second table uses the stricter rule "the
//! target or a person stored under exactly the same names". The tables give
//! recall at 10 and precision at 1 per query family, then latency (one
//! query at a time, after a warm-up), build time and memory per system.
//! vigil runs in a child process of its own, so that its memory is its own.
//!
//! Run: `cargo bench -p vigil-bench --bench names` (1,000,000 persons) or
//! `cargo bench -p vigil-bench --bench names -- --persons 20000`. Options:
//! `--persons N` (10000000 for the large run), `--per-family Q` (queries
//! per family, default 200), `--skip-pg`, `--skip-fts`, `--misses N`
//! (print up to N of vigil's misses per family). PostgreSQL is installed
//! with apt-get if `initdb` is missing; if that fails, its baseline is
//! skipped with the reason. Its throwaway cluster lives in a temporary
//! directory, listens only on a unix socket there, and is stopped and
//! removed at the end, also on error.

// A test or bench fails loudly at the first unwrap: that is what it is for.
#![allow(clippy::unwrap_used)]

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use pinyin::ToPinyin;
use vigil_bench::{peak_rss_bytes, Rng};
use vigil_names::{Facts, NameIndex};

// ---------------------------------------------------------------------------
// Name tables
// ---------------------------------------------------------------------------

/// Mainland surnames: simplified, traditional, pinyin with tone marks (the
/// surname reading, one syllable per word), frequency in tenths of a percent
/// (roughly the 2020 census order).
const SURNAMES: &[(&str, &str, &str, u32)] = &[
    ("王", "王", "wáng", 71),
    ("李", "李", "lǐ", 70),
    ("张", "張", "zhāng", 64),
    ("刘", "劉", "liú", 53),
    ("陈", "陳", "chén", 45),
    ("杨", "楊", "yáng", 31),
    ("赵", "趙", "zhào", 23),
    ("黄", "黃", "huáng", 22),
    ("周", "周", "zhōu", 21),
    ("吴", "吳", "wú", 20),
    ("徐", "徐", "xú", 17),
    ("孙", "孫", "sūn", 15),
    ("胡", "胡", "hú", 13),
    ("朱", "朱", "zhū", 13),
    ("高", "高", "gāo", 12),
    ("林", "林", "lín", 12),
    ("何", "何", "hé", 12),
    ("郭", "郭", "guō", 11),
    ("马", "馬", "mǎ", 10),
    ("罗", "羅", "luó", 9),
    ("梁", "梁", "liáng", 8),
    ("宋", "宋", "sòng", 8),
    ("郑", "鄭", "zhèng", 8),
    ("谢", "謝", "xiè", 7),
    ("韩", "韓", "hán", 7),
    ("唐", "唐", "táng", 6),
    ("冯", "馮", "féng", 6),
    ("于", "于", "yú", 6),
    ("董", "董", "dǒng", 5),
    ("萧", "蕭", "xiāo", 3),
    ("肖", "肖", "xiāo", 3),
    ("程", "程", "chéng", 5),
    ("曹", "曹", "cáo", 5),
    ("袁", "袁", "yuán", 5),
    ("邓", "鄧", "dèng", 5),
    ("许", "許", "xǔ", 4),
    ("傅", "傅", "fù", 4),
    ("沈", "沈", "shěn", 4),
    ("曾", "曾", "zēng", 4),
    ("彭", "彭", "péng", 4),
    ("吕", "呂", "lǚ", 4),
    ("苏", "蘇", "sū", 4),
    ("卢", "盧", "lú", 4),
    ("蒋", "蔣", "jiǎng", 4),
    ("蔡", "蔡", "cài", 4),
    ("贾", "賈", "jiǎ", 3),
    ("丁", "丁", "dīng", 3),
    ("魏", "魏", "wèi", 3),
    ("薛", "薛", "xuē", 3),
    ("叶", "葉", "yè", 3),
    ("阎", "閻", "yán", 3),
    ("余", "余", "yú", 3),
    ("潘", "潘", "pān", 3),
    ("杜", "杜", "dù", 3),
    ("戴", "戴", "dài", 3),
    ("夏", "夏", "xià", 3),
    ("钟", "鍾", "zhōng", 3),
    ("汪", "汪", "wāng", 3),
    ("田", "田", "tián", 3),
    ("任", "任", "rén", 3),
    ("姜", "姜", "jiāng", 3),
    ("范", "范", "fàn", 3),
    ("方", "方", "fāng", 3),
    ("石", "石", "shí", 3),
    ("姚", "姚", "yáo", 3),
    ("谭", "譚", "tán", 3),
    ("廖", "廖", "liào", 3),
    ("邹", "鄒", "zōu", 3),
    ("熊", "熊", "xióng", 2),
    ("金", "金", "jīn", 2),
    ("陆", "陸", "lù", 2),
    ("郝", "郝", "hǎo", 2),
    ("孔", "孔", "kǒng", 2),
    ("白", "白", "bái", 2),
    ("崔", "崔", "cuī", 2),
    ("康", "康", "kāng", 2),
    ("毛", "毛", "máo", 2),
    ("邱", "邱", "qiū", 2),
    ("秦", "秦", "qín", 2),
    ("江", "江", "jiāng", 2),
    ("史", "史", "shǐ", 2),
    ("顾", "顧", "gù", 2),
    ("侯", "侯", "hóu", 2),
    ("邵", "邵", "shào", 2),
    ("孟", "孟", "mèng", 2),
    ("龙", "龍", "lóng", 2),
    ("万", "萬", "wàn", 2),
    ("段", "段", "duàn", 2),
    ("雷", "雷", "léi", 2),
    ("钱", "錢", "qián", 2),
    ("汤", "湯", "tāng", 2),
    ("尹", "尹", "yǐn", 2),
    ("黎", "黎", "lí", 2),
    ("易", "易", "yì", 2),
    ("常", "常", "cháng", 2),
    ("武", "武", "wǔ", 2),
    ("乔", "喬", "qiáo", 2),
    ("贺", "賀", "hè", 2),
    ("赖", "賴", "lài", 2),
    ("龚", "龔", "gōng", 2),
    ("文", "文", "wén", 2),
    ("单", "單", "shàn", 1),
    ("解", "解", "xiè", 1),
    ("区", "區", "ōu", 1),
    ("仇", "仇", "qiú", 1),
    ("欧阳", "歐陽", "ōu yáng", 1),
    ("司马", "司馬", "sī mǎ", 1),
    ("上官", "上官", "shàng guān", 1),
];

/// Common given-name characters, simplified and traditional, most common
/// first (their pinyin comes from the `pinyin` crate; none is read two ways
/// in names).
const GIVEN: &[(&str, &str)] = &[
    ("伟", "偉"),
    ("芳", "芳"),
    ("娜", "娜"),
    ("敏", "敏"),
    ("静", "靜"),
    ("丽", "麗"),
    ("强", "強"),
    ("磊", "磊"),
    ("军", "軍"),
    ("洋", "洋"),
    ("勇", "勇"),
    ("艳", "艷"),
    ("杰", "傑"),
    ("娟", "娟"),
    ("涛", "濤"),
    ("明", "明"),
    ("超", "超"),
    ("秀", "秀"),
    ("霞", "霞"),
    ("平", "平"),
    ("刚", "剛"),
    ("桂", "桂"),
    ("英", "英"),
    ("华", "華"),
    ("建", "建"),
    ("文", "文"),
    ("玉", "玉"),
    ("兰", "蘭"),
    ("红", "紅"),
    ("梅", "梅"),
    ("志", "志"),
    ("国", "國"),
    ("海", "海"),
    ("峰", "峰"),
    ("波", "波"),
    ("辉", "輝"),
    ("鹏", "鵬"),
    ("宇", "宇"),
    ("浩", "浩"),
    ("婷", "婷"),
    ("雪", "雪"),
    ("琳", "琳"),
    ("晶", "晶"),
    ("颖", "穎"),
    ("慧", "慧"),
    ("佳", "佳"),
    ("欣", "欣"),
    ("凤", "鳳"),
    ("斌", "斌"),
    ("鑫", "鑫"),
    ("林", "林"),
    ("晓", "曉"),
    ("小", "小"),
    ("春", "春"),
    ("金", "金"),
    ("东", "東"),
    ("新", "新"),
    ("荣", "榮"),
    ("成", "成"),
    ("永", "永"),
    ("德", "德"),
    ("清", "清"),
    ("生", "生"),
    ("云", "雲"),
    ("民", "民"),
    ("龙", "龍"),
    ("俊", "俊"),
    ("亮", "亮"),
    ("宁", "寧"),
    ("立", "立"),
    ("飞", "飛"),
    ("健", "健"),
    ("博", "博"),
    ("凯", "凱"),
    ("鸿", "鴻"),
    ("庆", "慶"),
    ("家", "家"),
    ("嘉", "嘉"),
    ("子", "子"),
    ("思", "思"),
    ("晨", "晨"),
    ("雨", "雨"),
    ("宏", "宏"),
    ("彬", "彬"),
    ("冰", "冰"),
    ("萍", "萍"),
    ("燕", "燕"),
    ("莉", "莉"),
    ("倩", "倩"),
    ("丹", "丹"),
    ("玲", "玲"),
    ("洁", "潔"),
    ("琴", "琴"),
    ("蕾", "蕾"),
    ("岩", "巖"),
    ("天", "天"),
    ("安", "安"),
    ("振", "振"),
    ("全", "全"),
    ("璋", "璋"),
    ("权", "權"),
    ("卫", "衛"),
    ("锋", "鋒"),
    ("义", "義"),
    ("忠", "忠"),
    ("贵", "貴"),
    ("福", "福"),
    ("祥", "祥"),
    ("昌", "昌"),
    ("学", "學"),
    ("铭", "銘"),
    ("晖", "暉"),
    ("涵", "涵"),
    ("轩", "軒"),
    ("睿", "睿"),
    ("泽", "澤"),
    ("航", "航"),
    ("阳", "陽"),
    ("恩", "恩"),
    ("爱", "愛"),
    ("艾", "艾"),
];

/// Hong Kong surnames: traditional, simplified, the Hong Kong government
/// (Cantonese) romanisation, the Mandarin pinyin, frequency weight.
const HK_SURNAMES: &[(&str, &str, &str, &str, u32)] = &[
    ("陳", "陈", "Chan", "chén", 8),
    ("黃", "黄", "Wong", "huáng", 6),
    ("李", "李", "Lee", "lǐ", 6),
    ("張", "张", "Cheung", "zhāng", 4),
    ("梁", "梁", "Leung", "liáng", 4),
    ("林", "林", "Lam", "lín", 3),
    ("劉", "刘", "Lau", "liú", 3),
    ("吳", "吴", "Ng", "wú", 3),
    ("何", "何", "Ho", "hé", 3),
    ("鄭", "郑", "Cheng", "zhèng", 2),
    ("周", "周", "Chow", "zhōu", 2),
    ("楊", "杨", "Yeung", "yáng", 2),
    ("曾", "曾", "Tsang", "zēng", 2),
    ("郭", "郭", "Kwok", "guō", 2),
    ("羅", "罗", "Law", "luó", 2),
    ("謝", "谢", "Tse", "xiè", 2),
    ("朱", "朱", "Chu", "zhū", 2),
    ("馬", "马", "Ma", "mǎ", 2),
    ("麥", "麦", "Mak", "mài", 2),
    ("胡", "胡", "Wu", "hú", 2),
    ("蔡", "蔡", "Choi", "cài", 2),
    ("許", "许", "Hui", "xǔ", 2),
    ("鄧", "邓", "Tang", "dèng", 2),
    ("葉", "叶", "Yip", "yè", 2),
    ("蕭", "萧", "Siu", "xiāo", 1),
    ("潘", "潘", "Poon", "pān", 1),
    ("余", "余", "Yu", "yú", 1),
    ("袁", "袁", "Yuen", "yuán", 1),
    ("譚", "谭", "Tam", "tán", 1),
    ("盧", "卢", "Lo", "lú", 1),
    ("馮", "冯", "Fung", "féng", 1),
    ("陸", "陆", "Luk", "lù", 1),
    ("蘇", "苏", "So", "sū", 1),
    ("莫", "莫", "Mok", "mò", 1),
    ("區", "区", "Au", "ōu", 1),
    ("江", "江", "Kong", "jiāng", 1),
    ("方", "方", "Fong", "fāng", 1),
    ("彭", "彭", "Pang", "péng", 1),
    ("關", "关", "Kwan", "guān", 1),
    ("鍾", "钟", "Chung", "zhōng", 1),
    ("歐陽", "欧阳", "Au Yeung", "ōu yáng", 1),
    ("司徒", "司徒", "Szeto", "sī tú", 1),
    ("岑", "岑", "Sham", "cén", 1),
    ("戴", "戴", "Tai", "dài", 1),
    ("黎", "黎", "Lai", "lí", 1),
    ("鄒", "邹", "Chow", "zōu", 1),
    ("伍", "伍", "Ng", "wǔ", 1),
    ("施", "施", "Sze", "shī", 1),
    ("姚", "姚", "Yiu", "yáo", 1),
    ("廖", "廖", "Liu", "liào", 1),
    ("范", "范", "Fan", "fàn", 1),
    ("孔", "孔", "Hung", "kǒng", 1),
    ("湯", "汤", "Tong", "tāng", 1),
    ("王", "王", "Wong", "wáng", 1),
    ("雷", "雷", "Lui", "léi", 1),
    ("徐", "徐", "Tsui", "xú", 1),
    ("邱", "邱", "Yau", "qiū", 1),
    ("石", "石", "Shek", "shí", 1),
    ("孫", "孙", "Suen", "sūn", 1),
    ("唐", "唐", "Tong", "táng", 1),
    ("高", "高", "Ko", "gāo", 1),
    ("溫", "温", "Wan", "wēn", 1),
    ("游", "游", "Yau", "yóu", 1),
    ("崔", "崔", "Chui", "cuī", 1),
    ("尹", "尹", "Wan", "yǐn", 1),
    ("杜", "杜", "To", "dù", 1),
    ("丁", "丁", "Ting", "dīng", 1),
    ("沈", "沈", "Shum", "shěn", 1),
    ("趙", "赵", "Chiu", "zhào", 1),
    ("董", "董", "Tung", "dǒng", 1),
    ("洪", "洪", "Hung", "hóng", 1),
    ("呂", "吕", "Lui", "lǚ", 1),
    ("龔", "龚", "Kung", "gōng", 1),
];

/// Hong Kong given-name characters: traditional, simplified, Cantonese
/// romanisation as Hong Kong writes it, most common first.
const HK_GIVEN: &[(&str, &str, &str)] = &[
    ("志", "志", "Chi"),
    ("偉", "伟", "Wai"),
    ("家", "家", "Ka"),
    ("嘉", "嘉", "Ka"),
    ("文", "文", "Man"),
    ("明", "明", "Ming"),
    ("國", "国", "Kwok"),
    ("華", "华", "Wah"),
    ("永", "永", "Wing"),
    ("俊", "俊", "Chun"),
    ("子", "子", "Tsz"),
    ("詠", "咏", "Wing"),
    ("麗", "丽", "Lai"),
    ("美", "美", "Mei"),
    ("玉", "玉", "Yuk"),
    ("秀", "秀", "Sau"),
    ("慧", "慧", "Wai"),
    ("淑", "淑", "Suk"),
    ("浩", "浩", "Ho"),
    ("健", "健", "Kin"),
    ("耀", "耀", "Yiu"),
    ("錦", "锦", "Kam"),
    ("德", "德", "Tak"),
    ("小", "小", "Siu"),
    ("敏", "敏", "Man"),
    ("婷", "婷", "Ting"),
    ("欣", "欣", "Yan"),
    ("恩", "恩", "Yan"),
    ("思", "思", "Sze"),
    ("詩", "诗", "Sze"),
    ("佩", "佩", "Pui"),
    ("燕", "燕", "Yin"),
    ("鳳", "凤", "Fung"),
    ("鋒", "锋", "Fung"),
    ("峰", "峰", "Fung"),
    ("卓", "卓", "Cheuk"),
    ("振", "振", "Chun"),
    ("天", "天", "Tin"),
    ("傑", "杰", "Kit"),
    ("豪", "豪", "Ho"),
    ("強", "强", "Keung"),
    ("民", "民", "Man"),
    ("安", "安", "On"),
    ("寶", "宝", "Po"),
    ("兆", "兆", "Siu"),
    ("潔", "洁", "Kit"),
    ("靜", "静", "Ching"),
    ("英", "英", "Ying"),
    ("君", "君", "Kwan"),
    ("智", "智", "Chi"),
    ("達", "达", "Tat"),
    ("輝", "辉", "Fai"),
    ("雄", "雄", "Hung"),
    ("彤", "彤", "Tung"),
    ("海", "海", "Hoi"),
    ("珊", "珊", "Shan"),
    ("琪", "琪", "Kei"),
    ("穎", "颖", "Wing"),
    ("雅", "雅", "Nga"),
    ("儀", "仪", "Yee"),
    ("怡", "怡", "Yee"),
    ("宇", "宇", "Yu"),
    ("銘", "铭", "Ming"),
    ("翠", "翠", "Chui"),
    ("蘭", "兰", "Lan"),
    ("雲", "云", "Wan"),
    ("光", "光", "Kwong"),
    ("榮", "荣", "Wing"),
    ("福", "福", "Fook"),
    ("東", "东", "Tung"),
    ("昌", "昌", "Cheong"),
    ("興", "兴", "Hing"),
    ("成", "成", "Shing"),
    ("平", "平", "Ping"),
    ("立", "立", "Lap"),
    ("朗", "朗", "Long"),
    ("彥", "彦", "Yin"),
    ("啟", "启", "Kai"),
    ("軒", "轩", "Hin"),
    ("麒", "麒", "Kei"),
    ("霆", "霆", "Ting"),
    ("晴", "晴", "Ching"),
    ("婉", "婉", "Yuen"),
    ("珍", "珍", "Chun"),
    ("芬", "芬", "Fun"),
    ("愛", "爱", "Oi"),
    ("月", "月", "Yuet"),
    ("惠", "惠", "Wai"),
    ("瑩", "莹", "Ying"),
    ("冠", "冠", "Kwun"),
    ("聰", "聪", "Chung"),
    ("倩", "倩", "Sin"),
    ("鈞", "钧", "Kwan"),
    ("柏", "柏", "Pak"),
    ("日", "日", "Yat"),
    ("庭", "庭", "Ting"),
    ("翰", "翰", "Hon"),
    ("金", "金", "Kam"),
    ("漢", "汉", "Hon"),
    ("鴻", "鸿", "Hung"),
    ("威", "威", "Wai"),
    ("之", "之", "Chi"),
    ("幸", "幸", "Hang"),
];

/// English given names Hong Kong people write before their Chinese names.
const HK_ENGLISH: &[&str] = &[
    "Joshua",
    "Nathan",
    "Agnes",
    "Jimmy",
    "Benny",
    "Albert",
    "Martin",
    "Margaret",
    "Claudia",
    "Alvin",
    "Anson",
    "Eddie",
    "Edward",
    "Andy",
    "Raphael",
    "Carrie",
    "John",
    "Donald",
    "Chris",
    "Jeremy",
    "Tanya",
    "Helena",
    "Andrew",
    "Ted",
    "Denise",
    "Sunny",
    "Ray",
    "Lester",
    "Alex",
    "Ronny",
    "James",
    "Dennis",
    "Alan",
    "Audrey",
    "Emily",
    "Gary",
    "Tony",
    "Gwyneth",
    "Regina",
    "Jasper",
    "Paul",
    "Teresa",
    "Kelvin",
    "Winnie",
    "Vincent",
    "Ivan",
    "Karen",
    "Priscilla",
    "Samuel",
    "Kenneth",
    "Stephen",
    "Michael",
    "Peter",
    "Mary",
    "Grace",
    "Cathy",
    "Eric",
    "Jacky",
    "Ken",
    "Wilson",
    "Kitty",
    "Fiona",
];

/// One Uyghur name in every script it is written in. ULY is the Uyghur
/// Latin alphabet; `common` the spelling of the English-language press;
/// `turkish` Turkish-style Latin; `chinese` the Chinese-character
/// transcription used in PRC documents. Arabic and Cyrillic follow the
/// official orthographies.
struct UyghurName {
    uly: &'static str,
    common: &'static str,
    turkish: &'static str,
    arabic: &'static str,
    cyrillic: &'static str,
    chinese: &'static str,
    female: bool,
}

#[rustfmt::skip]
const UYGHUR: &[UyghurName] = &[
    UyghurName { uly: "Ilham", common: "Ilham", turkish: "İlham", arabic: "ئىلھام", cyrillic: "Илһам", chinese: "伊力哈木", female: false },
    UyghurName { uly: "Toxti", common: "Tohti", turkish: "Tohti", arabic: "توختى", cyrillic: "Тохти", chinese: "土赫提", female: false },
    UyghurName { uly: "Abdurëhim", common: "Abdurehim", turkish: "Abdurehim", arabic: "ئابدۇرېھىم", cyrillic: "Абдуреһим", chinese: "阿不都热依木", female: false },
    UyghurName { uly: "Abdulla", common: "Abdullah", turkish: "Abdulla", arabic: "ئابدۇللا", cyrillic: "Абдулла", chinese: "阿不都拉", female: false },
    UyghurName { uly: "Abduweli", common: "Abduweli", turkish: "Abduveli", arabic: "ئابدۇۋەلى", cyrillic: "Абдувәли", chinese: "阿不都外力", female: false },
    UyghurName { uly: "Abdukërim", common: "Abdukerim", turkish: "Abdukerim", arabic: "ئابدۇكېرىم", cyrillic: "Абдукерим", chinese: "阿不都克热木", female: false },
    UyghurName { uly: "Abdusalam", common: "Abdusalam", turkish: "Abdusalam", arabic: "ئابدۇسالام", cyrillic: "Абдусалам", chinese: "阿不都萨拉木", female: false },
    UyghurName { uly: "Abdurëshit", common: "Abdureshit", turkish: "Abdureşit", arabic: "ئابدۇرېشىت", cyrillic: "Абдурешит", chinese: "阿不都热西提", female: false },
    UyghurName { uly: "Ablimit", common: "Ablimit", turkish: "Ablimit", arabic: "ئابلىمىت", cyrillic: "Аблимит", chinese: "阿布力米提", female: false },
    UyghurName { uly: "Ablet", common: "Ablet", turkish: "Ablet", arabic: "ئابلەت", cyrillic: "Абләт", chinese: "阿不来提", female: false },
    UyghurName { uly: "Abliz", common: "Abliz", turkish: "Abliz", arabic: "ئابلىز", cyrillic: "Аблиз", chinese: "阿不力孜", female: false },
    UyghurName { uly: "Ablikim", common: "Ablikim", turkish: "Ablikim", arabic: "ئابلىكىم", cyrillic: "Абликим", chinese: "阿不力克木", female: false },
    UyghurName { uly: "Abbas", common: "Abbas", turkish: "Abbas", arabic: "ئابباس", cyrillic: "Аббас", chinese: "阿巴斯", female: false },
    UyghurName { uly: "Adil", common: "Adil", turkish: "Adil", arabic: "ئادىل", cyrillic: "Адил", chinese: "阿迪力", female: false },
    UyghurName { uly: "Alim", common: "Alim", turkish: "Alim", arabic: "ئالىم", cyrillic: "Алим", chinese: "阿里木", female: false },
    UyghurName { uly: "Enwer", common: "Anwar", turkish: "Enver", arabic: "ئەنۋەر", cyrillic: "Әнвәр", chinese: "艾尼瓦尔", female: false },
    UyghurName { uly: "Ekber", common: "Akbar", turkish: "Ekber", arabic: "ئەكبەر", cyrillic: "Әкбәр", chinese: "艾克拜尔", female: false },
    UyghurName { uly: "Exmet", common: "Ahmet", turkish: "Ehmet", arabic: "ئەخمەت", cyrillic: "Әхмәт", chinese: "艾合买提", female: false },
    UyghurName { uly: "Emet", common: "Emet", turkish: "Emet", arabic: "ئەمەت", cyrillic: "Әмәт", chinese: "艾买提", female: false },
    UyghurName { uly: "Eli", common: "Ali", turkish: "Eli", arabic: "ئەلى", cyrillic: "Әли", chinese: "艾力", female: false },
    UyghurName { uly: "Erkin", common: "Erkin", turkish: "Erkin", arabic: "ئەركىن", cyrillic: "Әркин", chinese: "艾尔肯", female: false },
    UyghurName { uly: "Eysa", common: "Isa", turkish: "Eysa", arabic: "ئەيسا", cyrillic: "Әйса", chinese: "艾沙", female: false },
    UyghurName { uly: "Hesen", common: "Hasan", turkish: "Hesen", arabic: "ھەسەن", cyrillic: "Һәсән", chinese: "艾山", female: false },
    UyghurName { uly: "Memet", common: "Mamat", turkish: "Memet", arabic: "مەمەت", cyrillic: "Мәмәт", chinese: "买买提", female: false },
    UyghurName { uly: "Muhemmed", common: "Muhammad", turkish: "Muhemmed", arabic: "مۇھەممەد", cyrillic: "Муһәммәд", chinese: "穆罕默德", female: false },
    UyghurName { uly: "Mutellip", common: "Mutallip", turkish: "Mutellip", arabic: "مۇتەللىپ", cyrillic: "Мутәллип", chinese: "穆塔力甫", female: false },
    UyghurName { uly: "Mirzat", common: "Mirzat", turkish: "Mirzat", arabic: "مىرزات", cyrillic: "Мирзат", chinese: "米尔扎提", female: false },
    UyghurName { uly: "Mamut", common: "Mamut", turkish: "Mamut", arabic: "مامۇت", cyrillic: "Мамут", chinese: "玛木提", female: false },
    UyghurName { uly: "Nur", common: "Nur", turkish: "Nur", arabic: "نۇر", cyrillic: "Нур", chinese: "努尔", female: false },
    UyghurName { uly: "Nurmemet", common: "Nurmemet", turkish: "Nurmemet", arabic: "نۇرمەمەت", cyrillic: "Нурмәмәт", chinese: "努尔麦麦提", female: false },
    UyghurName { uly: "Niyaz", common: "Niyaz", turkish: "Niyaz", arabic: "نىياز", cyrillic: "Нияз", chinese: "尼亚孜", female: false },
    UyghurName { uly: "Osman", common: "Osman", turkish: "Osman", arabic: "ئوسمان", cyrillic: "Осман", chinese: "吾斯曼", female: false },
    UyghurName { uly: "Ömer", common: "Omer", turkish: "Ömer", arabic: "ئۆمەر", cyrillic: "Өмәр", chinese: "吾麦尔", female: false },
    UyghurName { uly: "Perhat", common: "Perhat", turkish: "Perhat", arabic: "پەرھات", cyrillic: "Пәрһат", chinese: "帕尔哈提", female: false },
    UyghurName { uly: "Qurban", common: "Kurban", turkish: "Kurban", arabic: "قۇربان", cyrillic: "Қурбан", chinese: "库尔班", female: false },
    UyghurName { uly: "Qasim", common: "Kasim", turkish: "Kasim", arabic: "قاسىم", cyrillic: "Қасим", chinese: "卡斯木", female: false },
    UyghurName { uly: "Rozi", common: "Rozi", turkish: "Rozi", arabic: "روزى", cyrillic: "Рози", chinese: "肉孜", female: false },
    UyghurName { uly: "Rehman", common: "Rahman", turkish: "Rehman", arabic: "رەھمان", cyrillic: "Рәһман", chinese: "热合曼", female: false },
    UyghurName { uly: "Tahir", common: "Tahir", turkish: "Tahir", arabic: "تاھىر", cyrillic: "Таһир", chinese: "塔依尔", female: false },
    UyghurName { uly: "Tursun", common: "Tursun", turkish: "Tursun", arabic: "تۇرسۇن", cyrillic: "Турсун", chinese: "吐尔逊", female: false },
    UyghurName { uly: "Turghun", common: "Turgun", turkish: "Turğun", arabic: "تۇرغۇن", cyrillic: "Турғун", chinese: "吐尔洪", female: false },
    UyghurName { uly: "Tashpolat", common: "Tashpolat", turkish: "Taşpolat", arabic: "تاشپولات", cyrillic: "Ташполат", chinese: "塔西甫拉提", female: false },
    UyghurName { uly: "Tiyip", common: "Tiyip", turkish: "Tiyip", arabic: "تىيىپ", cyrillic: "Тийип", chinese: "特依拜", female: false },
    UyghurName { uly: "Tuniyaz", common: "Tuniyaz", turkish: "Tuniyaz", arabic: "تۇنىياز", cyrillic: "Тунияз", chinese: "吐尼亚孜", female: false },
    UyghurName { uly: "Yasin", common: "Yasin", turkish: "Yasin", arabic: "ياسىن", cyrillic: "Ясин", chinese: "亚森", female: false },
    UyghurName { uly: "Yüsüp", common: "Yusup", turkish: "Yüsüp", arabic: "يۈسۈپ", cyrillic: "Йүсүп", chinese: "玉素甫", female: false },
    UyghurName { uly: "Yunus", common: "Yunus", turkish: "Yunus", arabic: "يۇنۇس", cyrillic: "Юнус", chinese: "玉努斯", female: false },
    UyghurName { uly: "Dawut", common: "Dawut", turkish: "Davut", arabic: "داۋۇت", cyrillic: "Давут", chinese: "达吾提", female: false },
    UyghurName { uly: "Dolqun", common: "Dolkun", turkish: "Dolkun", arabic: "دولقۇن", cyrillic: "Долқун", chinese: "多里坤", female: false },
    UyghurName { uly: "Dilshat", common: "Dilshat", turkish: "Dilşat", arabic: "دىلشات", cyrillic: "Дилшат", chinese: "迪力夏提", female: false },
    UyghurName { uly: "Kamil", common: "Kamil", turkish: "Kamil", arabic: "كامىل", cyrillic: "Камил", chinese: "卡米力", female: false },
    UyghurName { uly: "Jappar", common: "Jappar", turkish: "Cappar", arabic: "جاپپار", cyrillic: "Җаппар", chinese: "加帕尔", female: false },
    UyghurName { uly: "Sadiq", common: "Sadik", turkish: "Sadik", arabic: "سادىق", cyrillic: "Садиқ", chinese: "萨迪克", female: false },
    UyghurName { uly: "Semet", common: "Samat", turkish: "Semet", arabic: "سەمەت", cyrillic: "Сәмәт", chinese: "赛买提", female: false },
    UyghurName { uly: "Ismayil", common: "Ismail", turkish: "İsmayil", arabic: "ئىسمايىل", cyrillic: "Исмайил", chinese: "司马义", female: false },
    UyghurName { uly: "Imin", common: "Imin", turkish: "İmin", arabic: "ئىمىن", cyrillic: "Имин", chinese: "伊明", female: false },
    UyghurName { uly: "Qadir", common: "Kadir", turkish: "Kadir", arabic: "قادىر", cyrillic: "Қадир", chinese: "卡德尔", female: false },
    UyghurName { uly: "Zakir", common: "Zakir", turkish: "Zakir", arabic: "زاكىر", cyrillic: "Закир", chinese: "扎克尔", female: false },
    UyghurName { uly: "Bekri", common: "Bekri", turkish: "Bekri", arabic: "بەكرى", cyrillic: "Бәкри", chinese: "白克力", female: false },
    UyghurName { uly: "Hoshur", common: "Hoshur", turkish: "Hoşur", arabic: "ھوشۇر", cyrillic: "Һошур", chinese: "吾守尔", female: false },
    UyghurName { uly: "Ghopur", common: "Gopur", turkish: "Ğopur", arabic: "غوپۇر", cyrillic: "Ғопур", chinese: "吾甫尔", female: false },
    UyghurName { uly: "Shöhret", common: "Shohrat", turkish: "Şöhret", arabic: "شۆھرەت", cyrillic: "Шөһрәт", chinese: "雪克来提", female: false },
    UyghurName { uly: "Rahile", common: "Rahile", turkish: "Rahile", arabic: "راھىلە", cyrillic: "Раһилә", chinese: "热依拉", female: true },
    UyghurName { uly: "Rabiye", common: "Rebiya", turkish: "Rabiye", arabic: "رابىيە", cyrillic: "Рабийә", chinese: "热比娅", female: true },
    UyghurName { uly: "Gülmira", common: "Gulmira", turkish: "Gülmira", arabic: "گۈلمىرا", cyrillic: "Гүлмира", chinese: "古丽米拉", female: true },
    UyghurName { uly: "Gülnar", common: "Gulnar", turkish: "Gülnar", arabic: "گۈلنار", cyrillic: "Гүлнар", chinese: "古丽娜尔", female: true },
    UyghurName { uly: "Gülbahar", common: "Gulbahar", turkish: "Gülbahar", arabic: "گۈلباھار", cyrillic: "Гүлбаһар", chinese: "古丽巴哈尔", female: true },
    UyghurName { uly: "Gülshen", common: "Gulshan", turkish: "Gülşen", arabic: "گۈلشەن", cyrillic: "Гүлшән", chinese: "古丽仙", female: true },
    UyghurName { uly: "Gülnisa", common: "Gulnisa", turkish: "Gülnisa", arabic: "گۈلنىسا", cyrillic: "Гүлниса", chinese: "古丽尼萨", female: true },
    UyghurName { uly: "Gülzar", common: "Gulzar", turkish: "Gülzar", arabic: "گۈلزار", cyrillic: "Гүлзар", chinese: "古丽扎尔", female: true },
    UyghurName { uly: "Gülchëhre", common: "Gulchehra", turkish: "Gülçehre", arabic: "گۈلچېھرە", cyrillic: "Гүлчеһрә", chinese: "古丽切合热", female: true },
    UyghurName { uly: "Güli", common: "Guli", turkish: "Güli", arabic: "گۈلى", cyrillic: "Гүли", chinese: "古丽", female: true },
    UyghurName { uly: "Mihrigül", common: "Mihrigul", turkish: "Mihrigül", arabic: "مىھرىگۈل", cyrillic: "Миһригүл", chinese: "米合日古丽", female: true },
    UyghurName { uly: "Aygül", common: "Aygul", turkish: "Aygül", arabic: "ئايگۈل", cyrillic: "Айгүл", chinese: "阿依古丽", female: true },
    UyghurName { uly: "Ayshe", common: "Aisha", turkish: "Ayşe", arabic: "ئايشە", cyrillic: "Айшә", chinese: "阿依夏", female: true },
    UyghurName { uly: "Patigül", common: "Patigul", turkish: "Patigül", arabic: "پاتىگۈل", cyrillic: "Патигүл", chinese: "帕提古丽", female: true },
    UyghurName { uly: "Patime", common: "Patima", turkish: "Patime", arabic: "پاتىمە", cyrillic: "Патимә", chinese: "帕提曼", female: true },
    UyghurName { uly: "Dilnur", common: "Dilnur", turkish: "Dilnur", arabic: "دىلنۇر", cyrillic: "Дилнур", chinese: "迪丽努尔", female: true },
    UyghurName { uly: "Dilber", common: "Dilbar", turkish: "Dilber", arabic: "دىلبەر", cyrillic: "Дилбәр", chinese: "迪丽拜尔", female: true },
    UyghurName { uly: "Zulpiye", common: "Zulpiya", turkish: "Zulpiye", arabic: "زۇلپىيە", cyrillic: "Зулпийә", chinese: "祖丽皮亚", female: true },
    UyghurName { uly: "Zeynep", common: "Zeynep", turkish: "Zeynep", arabic: "زەينەپ", cyrillic: "Зәйнәп", chinese: "再乃甫", female: true },
    UyghurName { uly: "Tursunay", common: "Tursunay", turkish: "Tursunay", arabic: "تۇرسۇناي", cyrillic: "Турсунай", chinese: "吐尔逊阿依", female: true },
    UyghurName { uly: "Sanuber", common: "Sanubar", turkish: "Sanuber", arabic: "سانۇبەر", cyrillic: "Санубәр", chinese: "萨努巴尔", female: true },
    UyghurName { uly: "Nurgül", common: "Nurgul", turkish: "Nurgül", arabic: "نۇرگۈل", cyrillic: "Нургүл", chinese: "努尔古丽", female: true },
    UyghurName { uly: "Amine", common: "Amina", turkish: "Amine", arabic: "ئامىنە", cyrillic: "Аминә", chinese: "阿米娜", female: true },
    UyghurName { uly: "Roshengül", common: "Roshangul", turkish: "Roşengül", arabic: "روشەنگۈل", cyrillic: "Рошәнгүл", chinese: "肉先古丽", female: true },
    UyghurName { uly: "Adile", common: "Adila", turkish: "Adile", arabic: "ئادىلە", cyrillic: "Адилә", chinese: "阿迪拉", female: true },
    UyghurName { uly: "Mayinur", common: "Mayinur", turkish: "Mayinur", arabic: "مايىنۇر", cyrillic: "Майинур", chinese: "玛依努尔", female: true },
    UyghurName { uly: "Reyhangül", common: "Reyhangul", turkish: "Reyhangül", arabic: "رەيھانگۈل", cyrillic: "Рәйһангүл", chinese: "热依汗古丽", female: true },
];

// ---------------------------------------------------------------------------
// Romanisations
// ---------------------------------------------------------------------------

/// A pinyin syllable with its tone mark → (toneless, ü kept; tone 1-4, 5
/// for neutral).
fn split_tone(syllable: &str) -> (String, u8) {
    let mut tone = 5;
    let plain = syllable
        .chars()
        .map(|c| {
            let (base, t) = match c {
                'ā' => ('a', 1),
                'á' => ('a', 2),
                'ǎ' => ('a', 3),
                'à' => ('a', 4),
                'ē' => ('e', 1),
                'é' => ('e', 2),
                'ě' => ('e', 3),
                'è' => ('e', 4),
                'ī' => ('i', 1),
                'í' => ('i', 2),
                'ǐ' => ('i', 3),
                'ì' => ('i', 4),
                'ō' => ('o', 1),
                'ó' => ('o', 2),
                'ǒ' => ('o', 3),
                'ò' => ('o', 4),
                'ū' => ('u', 1),
                'ú' => ('u', 2),
                'ǔ' => ('u', 3),
                'ù' => ('u', 4),
                'ǖ' => ('ü', 1),
                'ǘ' => ('ü', 2),
                'ǚ' => ('ü', 3),
                'ǜ' => ('ü', 4),
                c => (c, 0),
            };
            if t > 0 {
                tone = t;
            }
            base
        })
        .collect();
    (plain, tone)
}

/// One toneless pinyin syllable (ü kept) in Wade-Giles, with aspiration
/// apostrophes and umlauts (`marks`) or without, as Taiwanese passports
/// write it.
fn wade_giles(syllable: &str, marks: bool) -> String {
    let s = syllable;
    let whole = match s {
        "zi" => Some("tzu"),
        "ci" => Some("tz'u"),
        "si" => Some("ssu"),
        "zhi" => Some("chih"),
        "chi" => Some("ch'ih"),
        "shi" => Some("shih"),
        "ri" => Some("jih"),
        "er" => Some("erh"),
        "e" => Some("o"),
        "you" => Some("yu"),
        "yan" => Some("yen"),
        "ye" => Some("yeh"),
        "yong" => Some("yung"),
        "yu" => Some("yü"),
        "yue" => Some("yüeh"),
        "yuan" => Some("yüan"),
        "yun" => Some("yün"),
        "yi" => Some("i"),
        _ => None,
    };
    let out = if let Some(w) = whole {
        w.to_string()
    } else {
        let initials = [
            ("zh", "ch"),
            ("ch", "ch'"),
            ("sh", "sh"),
            ("b", "p"),
            ("p", "p'"),
            ("m", "m"),
            ("f", "f"),
            ("d", "t"),
            ("t", "t'"),
            ("n", "n"),
            ("l", "l"),
            ("g", "k"),
            ("k", "k'"),
            ("h", "h"),
            ("j", "ch"),
            ("q", "ch'"),
            ("x", "hs"),
            ("r", "j"),
            ("z", "ts"),
            ("c", "ts'"),
            ("s", "s"),
            ("y", "y"),
            ("w", "w"),
        ];
        let (initial, wg_initial) = initials
            .iter()
            .find(|(p, _)| s.starts_with(p))
            .map(|(p, w)| (*p, *w))
            .unwrap_or(("", ""));
        let fin = &s[initial.len()..];
        let palatal = matches!(initial, "j" | "q" | "x");
        let wg_final = match fin {
            "u" if palatal => "ü".to_string(),
            "ue" | "üe" => "üeh".to_string(),
            "uan" if palatal => "üan".to_string(),
            "un" if palatal => "ün".to_string(),
            "ong" => "ung".to_string(),
            "iong" => "iung".to_string(),
            "ian" => "ien".to_string(),
            "ie" => "ieh".to_string(),
            "e" if matches!(initial, "g" | "k" | "h") => "o".to_string(),
            "uo" if !matches!(initial, "g" | "k" | "h" | "sh" | "w") => "o".to_string(),
            "ui" if matches!(initial, "g" | "k") => "uei".to_string(),
            f => f.to_string(),
        };
        format!("{wg_initial}{wg_final}")
    };
    if marks {
        out
    } else {
        out.replace('\'', "").replace('ü', "u")
    }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Pinyin syllables joined into one word, with the apostrophe before a
/// syllable that starts with a, o or e (Xi'an).
fn join_pinyin(syllables: &[String]) -> String {
    let mut out = String::new();
    for (k, s) in syllables.iter().enumerate() {
        let first = s.chars().next().map(|c| split_tone(&c.to_string()).0);
        if k > 0 && matches!(first.as_deref(), Some("a" | "o" | "e")) {
            out.push('\'');
        }
        out.push_str(s);
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum PinyinStyle {
    /// Wang Xiaoming
    Standard,
    /// WANG Xiaoming
    Caps,
    /// Wang Xiao Ming
    Split,
    /// wang xiaoming
    Lower,
    /// Wáng Xiǎomíng
    Tones,
    /// Wang2 Xiao3ming2
    Numbers,
    /// wang2 xiao3 ming2
    NumbersSpaced,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum HkStyle {
    /// Wong Chi-fung
    Standard,
    /// WONG Chi-fung
    Caps,
    /// Wong Chi Fung
    Spaced,
    /// Wong Chifung
    Joined,
}

// ---------------------------------------------------------------------------
// Persons
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Origin {
    Mainland,
    Taiwan,
    HongKong,
}

#[derive(Clone, Copy, Debug)]
enum Name {
    Han {
        origin: Origin,
        surname: u8,
        given: [u8; 2],
        len: u8,
        /// The English given name a Hong Kong person goes by.
        english: u8,
    },
    Uyghur {
        given: u8,
        father: u8,
    },
}

/// A spelling a person is stored under.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Form {
    Simplified,
    Traditional,
    Pinyin,
    /// Without apostrophes or umlauts, as Taiwanese passports write it.
    WadeGiles,
    HkRoman,
    HkRomanCaps,
    HkEnglish,
    UyArabic,
    UyUly,
    UyCommon,
    UyChinese,
}

impl Form {
    fn is_latin(self) -> bool {
        matches!(
            self,
            Form::Pinyin
                | Form::WadeGiles
                | Form::HkRoman
                | Form::HkRomanCaps
                | Form::HkEnglish
                | Form::UyUly
                | Form::UyCommon
        )
    }
    fn is_han(self) -> bool {
        matches!(self, Form::Simplified | Form::Traditional)
    }
}

struct Person {
    name: Name,
    forms: Vec<Form>,
    birth_year: i32,
    female: bool,
}

/// Cumulative weights for drawing from a table.
struct Weights(Vec<u64>);

impl Weights {
    fn new(weights: impl Iterator<Item = u64>) -> Self {
        let mut total = 0;
        Weights(
            weights
                .map(|w| {
                    total += w;
                    total
                })
                .collect(),
        )
    }
    fn draw(&self, rng: &mut Rng) -> usize {
        let r = rng.next_u64() % self.0.last().copied().unwrap_or(1);
        self.0.partition_point(|&c| c <= r)
    }
}

/// The tables in the form the generator draws from.
struct Tables {
    surnames: Weights,
    given: Weights,
    hk_surnames: Weights,
    hk_given: Weights,
    given_pinyin: Vec<&'static str>,
    hk_given_pinyin: Vec<&'static str>,
    uyghur_male: Vec<u8>,
    uyghur_female: Vec<u8>,
}

fn char_pinyin(c: &str) -> &'static str {
    c.chars()
        .next()
        .and_then(|c| c.to_pinyin())
        .map(|p| p.with_tone())
        .unwrap_or_else(|| panic!("no pinyin for {c}"))
}

/// Zipf-like weights: the n-th most common item is drawn about 1/(n+4) as
/// often as the most common.
fn zipf(len: usize) -> impl Iterator<Item = u64> {
    (0..len).map(|n| 1_000_000 / (n as u64 + 4))
}

impl Tables {
    fn new() -> Self {
        Tables {
            surnames: Weights::new(SURNAMES.iter().map(|s| s.3 as u64)),
            given: Weights::new(zipf(GIVEN.len())),
            hk_surnames: Weights::new(HK_SURNAMES.iter().map(|s| s.4 as u64)),
            hk_given: Weights::new(zipf(HK_GIVEN.len())),
            given_pinyin: GIVEN.iter().map(|g| char_pinyin(g.0)).collect(),
            hk_given_pinyin: HK_GIVEN.iter().map(|g| char_pinyin(g.1)).collect(),
            uyghur_male: (0..UYGHUR.len() as u8)
                .filter(|&k| !UYGHUR[k as usize].female)
                .collect(),
            uyghur_female: (0..UYGHUR.len() as u8)
                .filter(|&k| UYGHUR[k as usize].female)
                .collect(),
        }
    }

    /// Person `i` of the data set: the same every run, drawn on its own so
    /// that any person can be made again without the others.
    fn person(&self, i: u32) -> Person {
        let mut rng =
            Rng::new(0x6e61_6d65_7300_0000 ^ u64::from(i).wrapping_mul(0xD1B5_4A32_D192_ED03));
        let birth_year = 1935 + (rng.next_u64() % 70) as i32;
        let mut female = rng.next_u64().is_multiple_of(2);
        let origin_roll = rng.next_u64() % 100;
        let form_roll = rng.next_u64() % 100;
        let pick = |table: &[(u64, &[Form])]| -> Vec<Form> {
            let mut acc = 0;
            for (p, forms) in table {
                acc += p;
                if form_roll < acc {
                    return forms.to_vec();
                }
            }
            table.last().unwrap().1.to_vec()
        };
        use Form::*;
        let (name, forms) = if origin_roll < 75 {
            let origin = match origin_roll {
                0..50 => Origin::Mainland,
                50..55 => Origin::Taiwan,
                _ => Origin::HongKong,
            };
            let hk = origin == Origin::HongKong;
            let (surname, len) = if hk {
                (
                    self.hk_surnames.draw(&mut rng),
                    if rng.next_u64() % 100 < 15 { 1 } else { 2 },
                )
            } else {
                (
                    self.surnames.draw(&mut rng),
                    if rng.next_u64() % 100 < 30 { 1 } else { 2 },
                )
            };
            let mut given = [0u8; 2];
            for g in given.iter_mut().take(len) {
                *g = if hk {
                    self.hk_given.draw(&mut rng)
                } else {
                    self.given.draw(&mut rng)
                } as u8;
            }
            let english = (rng.next_u64() % HK_ENGLISH.len() as u64) as u8;
            let forms = match origin {
                Origin::Mainland => pick(&[
                    (35, &[Simplified]),
                    (45, &[Simplified, Pinyin]),
                    (10, &[Pinyin]),
                    (10, &[Traditional]),
                ]),
                Origin::Taiwan => pick(&[(60, &[Traditional, WadeGiles]), (40, &[Traditional])]),
                Origin::HongKong => pick(&[
                    (30, &[Traditional]),
                    (30, &[Traditional, HkRoman]),
                    (15, &[Traditional, HkEnglish]),
                    (10, &[HkRomanCaps]),
                    (5, &[HkEnglish]),
                    (10, &[Simplified]),
                ]),
            };
            let name = Name::Han {
                origin,
                surname: surname as u8,
                given,
                len: len as u8,
                english,
            };
            (name, forms)
        } else {
            let own = if female {
                &self.uyghur_female
            } else {
                &self.uyghur_male
            };
            let given = *rng.pick(own);
            let father = *rng.pick(&self.uyghur_male);
            female = UYGHUR[given as usize].female;
            let forms = pick(&[
                (25, &[UyArabic, UyUly]),
                (15, &[UyArabic]),
                (15, &[UyUly]),
                (15, &[UyCommon]),
                (15, &[UyChinese]),
                (15, &[UyChinese, UyCommon]),
            ]);
            (Name::Uyghur { given, father }, forms)
        };
        Person {
            name,
            forms,
            birth_year,
            female,
        }
    }
}

impl Name {
    fn is_hk(&self) -> bool {
        matches!(
            self,
            Name::Han {
                origin: Origin::HongKong,
                ..
            }
        )
    }

    fn given_indices(&self) -> &[u8] {
        match self {
            Name::Han { given, len, .. } => &given[..*len as usize],
            Name::Uyghur { .. } => &[],
        }
    }

    /// The name in Chinese characters (simplified or traditional).
    fn han(&self, traditional: bool) -> String {
        let Name::Han { surname, .. } = *self else {
            unreachable!()
        };
        let mut out = String::new();
        if self.is_hk() {
            let s = HK_SURNAMES[surname as usize];
            out.push_str(if traditional { s.0 } else { s.1 });
            for &g in self.given_indices() {
                let g = HK_GIVEN[g as usize];
                out.push_str(if traditional { g.0 } else { g.1 });
            }
        } else {
            let s = SURNAMES[surname as usize];
            out.push_str(if traditional { s.1 } else { s.0 });
            for &g in self.given_indices() {
                let g = GIVEN[g as usize];
                out.push_str(if traditional { g.1 } else { g.0 });
            }
        }
        out
    }

    /// Surname and given-name syllables in pinyin with tone marks.
    fn pinyin_syllables(&self, t: &Tables) -> (Vec<String>, Vec<String>) {
        let Name::Han { surname, .. } = *self else {
            unreachable!()
        };
        let (sur, given_py) = if self.is_hk() {
            (HK_SURNAMES[surname as usize].3, &t.hk_given_pinyin)
        } else {
            (SURNAMES[surname as usize].2, &t.given_pinyin)
        };
        let sur = sur.split(' ').map(str::to_string).collect();
        let given = self
            .given_indices()
            .iter()
            .map(|&g| given_py[g as usize].to_string())
            .collect();
        (sur, given)
    }

    fn pinyin(&self, t: &Tables, style: PinyinStyle, given_first: bool) -> String {
        let (sur, given) = self.pinyin_syllables(t);
        let plain = |v: &[String]| -> Vec<String> {
            v.iter()
                .map(|s| split_tone(s).0.replace('ü', "u"))
                .collect()
        };
        let numbered = |v: &[String]| -> Vec<String> {
            v.iter()
                .map(|s| {
                    let (p, tone) = split_tone(s);
                    format!("{}{tone}", p.replace('ü', "v"))
                })
                .collect()
        };
        let (s, g) = match style {
            PinyinStyle::Standard => (
                capitalize(&join_pinyin(&plain(&sur))),
                capitalize(&join_pinyin(&plain(&given))),
            ),
            PinyinStyle::Caps => (
                join_pinyin(&plain(&sur)).to_uppercase(),
                capitalize(&join_pinyin(&plain(&given))),
            ),
            PinyinStyle::Split => (
                capitalize(&join_pinyin(&plain(&sur))),
                plain(&given)
                    .iter()
                    .map(|s| capitalize(s))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            PinyinStyle::Lower => (join_pinyin(&plain(&sur)), join_pinyin(&plain(&given))),
            PinyinStyle::Tones => (
                capitalize(&join_pinyin(&sur)),
                capitalize(&join_pinyin(&given)),
            ),
            PinyinStyle::Numbers => (
                capitalize(&numbered(&sur).concat()),
                capitalize(&numbered(&given).concat()),
            ),
            PinyinStyle::NumbersSpaced => (numbered(&sur).join(" "), numbered(&given).join(" ")),
        };
        if given_first {
            format!("{g} {s}")
        } else {
            format!("{s} {g}")
        }
    }

    fn wade_giles(&self, t: &Tables, marks: bool, given_first: bool) -> String {
        let (sur, given) = self.pinyin_syllables(t);
        let wg = |v: &[String]| -> String {
            capitalize(
                &v.iter()
                    .map(|s| wade_giles(&split_tone(s).0, marks))
                    .collect::<Vec<_>>()
                    .join("-"),
            )
        };
        let (s, g) = (wg(&sur), wg(&given));
        if given_first {
            format!("{g} {s}")
        } else {
            format!("{s} {g}")
        }
    }

    /// Hong Kong romanisation, optionally with the English given name first.
    fn hk(&self, style: HkStyle, with_english: bool, given_first: bool) -> String {
        let Name::Han {
            surname, english, ..
        } = *self
        else {
            unreachable!()
        };
        let sur = HK_SURNAMES[surname as usize].2;
        let syllables: Vec<String> = self
            .given_indices()
            .iter()
            .map(|&g| HK_GIVEN[g as usize].2.to_lowercase())
            .collect();
        let given = match style {
            HkStyle::Standard | HkStyle::Caps => capitalize(&syllables.join("-")),
            HkStyle::Spaced => syllables
                .iter()
                .map(|s| capitalize(s))
                .collect::<Vec<_>>()
                .join(" "),
            HkStyle::Joined => capitalize(&syllables.concat()),
        };
        let sur = if style == HkStyle::Caps {
            sur.to_uppercase()
        } else {
            sur.to_string()
        };
        let core = if given_first {
            format!("{given} {sur}")
        } else {
            format!("{sur} {given}")
        };
        if with_english {
            format!("{} {core}", HK_ENGLISH[english as usize])
        } else {
            core
        }
    }

    fn uyghur(
        &self,
        script: fn(&UyghurName) -> &'static str,
        sep: &str,
        given_first: bool,
    ) -> String {
        let Name::Uyghur { given, father } = *self else {
            unreachable!()
        };
        let (a, b) = (
            script(&UYGHUR[given as usize]),
            script(&UYGHUR[father as usize]),
        );
        if given_first {
            format!("{a}{sep}{b}")
        } else {
            format!("{b}{sep}{a}")
        }
    }

    /// What makes two persons namesakes: the same characters (simplified),
    /// or the same Uyghur given and father's names.
    fn identity(&self) -> String {
        match self {
            Name::Han { .. } => self.han(false),
            Name::Uyghur { given, father } => format!("ug {given} {father}"),
        }
    }

    /// A stored spelling.
    fn render(&self, t: &Tables, form: Form) -> String {
        match form {
            Form::Simplified => self.han(false),
            Form::Traditional => self.han(true),
            Form::Pinyin => self.pinyin(t, PinyinStyle::Standard, false),
            Form::WadeGiles => self.wade_giles(t, false, false),
            Form::HkRoman => self.hk(HkStyle::Standard, false, false),
            Form::HkRomanCaps => self.hk(HkStyle::Caps, false, false),
            Form::HkEnglish => self.hk(HkStyle::Standard, true, false),
            Form::UyArabic => self.uyghur(|u| u.arabic, " ", true),
            Form::UyUly => self.uyghur(|u| u.uly, " ", true),
            Form::UyCommon => self.uyghur(|u| u.common, " ", true),
            Form::UyChinese => self.uyghur(|u| u.chinese, "·", true),
        }
    }
}

impl Person {
    fn names(&self, t: &Tables) -> Vec<String> {
        self.forms.iter().map(|&f| self.name.render(t, f)).collect()
    }
    fn has(&self, form: Form) -> bool {
        self.forms.contains(&form)
    }
    fn is_uyghur(&self) -> bool {
        matches!(self.name, Name::Uyghur { .. })
    }
}

fn hash64(value: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// What a person is stored as, for the rule "a namesake stored under the
/// very same names".
fn stored_key(names: &[String]) -> u64 {
    let mut sorted: Vec<&String> = names.iter().collect();
    sorted.sort();
    hash64(sorted)
}

// ---------------------------------------------------------------------------
// Labelled queries
// ---------------------------------------------------------------------------

/// Query families: name, and whether the query is in another script or
/// romanisation than every stored name of its target (the aim is recall at
/// 10 of at least 0.95 on those).
const FAMILIES: &[(&str, bool)] = &[
    ("han_simplified<->traditional", true),
    ("han->pinyin", true),
    ("pinyin->han", true),
    ("pinyin_tones", true),
    ("wade_giles", true),
    ("hk_romanisation", true),
    ("hk_english+romanisation", true),
    ("uyghur_arabic->latin", true),
    ("uyghur_latin->arabic", true),
    ("uyghur_cyrillic", true),
    ("uyghur_turkish_latin", true),
    ("uyghur_chinese_transcription", true),
    ("other_order", false),
    ("typo", false),
];

struct Query {
    family: usize,
    text: String,
    target: u32,
    /// What the query tells of the name, for deciding which other persons
    /// it cannot tell from its target.
    reading: Reading,
}

/// What a query's spelling keeps of a name. Persons whose names agree in
/// it cannot be told apart by that query (张伟 and 张卫 are both "Zhang
/// Wei"), so finding either counts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Reading {
    /// The name itself: the same characters (simplified), or the same
    /// Uyghur given and father's names.
    Name,
    /// Toneless pinyin syllables in order (ü written u).
    Pinyin,
    /// Pinyin syllables with tones, in order.
    PinyinTones,
    /// Wade-Giles syllables without apostrophes or umlauts, in order.
    WadeGiles,
    /// Hong Kong (Cantonese) romanisation syllables, in order.
    Cantonese,
}

const READINGS: [Reading; 5] = [
    Reading::Name,
    Reading::Pinyin,
    Reading::PinyinTones,
    Reading::WadeGiles,
    Reading::Cantonese,
];

impl Reading {
    fn of_form(form: Form) -> Reading {
        match form {
            Form::Pinyin => Reading::Pinyin,
            Form::WadeGiles => Reading::WadeGiles,
            Form::HkRoman | Form::HkRomanCaps | Form::HkEnglish => Reading::Cantonese,
            _ => Reading::Name,
        }
    }

    /// The key of a person's name under this reading.
    fn key(self, p: &Person, t: &Tables) -> u64 {
        let n = &p.name;
        if p.is_uyghur() || self == Reading::Name {
            return hash64(n.identity());
        }
        let (sur, given) = n.pinyin_syllables(t);
        let syllables = sur.iter().chain(&given);
        match self {
            Reading::Pinyin => hash64((
                "pinyin",
                syllables
                    .map(|s| split_tone(s).0.replace('ü', "u"))
                    .collect::<Vec<_>>(),
            )),
            Reading::PinyinTones => hash64(("tones", syllables.collect::<Vec<_>>())),
            Reading::WadeGiles => hash64((
                "wade-giles",
                syllables
                    .map(|s| wade_giles(&split_tone(s).0, false))
                    .collect::<Vec<_>>(),
            )),
            Reading::Cantonese if n.is_hk() => hash64((
                "cantonese",
                n.hk(HkStyle::Spaced, false, false).to_lowercase(),
            )),
            _ => hash64(n.identity()),
        }
    }
}

/// One edit (substitution, deletion, insertion or transposition) at a
/// lower-case letter of a Latin name that does not begin a word.
fn typo(name: &str, rng: &mut Rng) -> Option<String> {
    let chars: Vec<char> = name.chars().collect();
    let inner = |k: usize| k > 0 && chars[k].is_lowercase() && chars[k - 1].is_alphabetic();
    let letters: Vec<usize> = (1..chars.len()).filter(|&k| inner(k)).collect();
    if letters.is_empty() {
        return None;
    }
    let at = *rng.pick(&letters);
    let random_letter = |rng: &mut Rng| (b'a' + (rng.next_u64() % 26) as u8) as char;
    let mut out = chars.clone();
    match rng.next_u64() % 4 {
        0 => out[at] = random_letter(rng),
        1 => {
            out.remove(at);
        }
        2 => out.insert(at, random_letter(rng)),
        _ => {
            if at + 1 < out.len() && out[at + 1].is_lowercase() {
                out.swap(at, at + 1);
            } else if inner(at - 1) {
                out.swap(at - 1, at);
            } else {
                return None;
            }
        }
    }
    let out: String = out.into_iter().collect();
    (out != name && !out.contains("  ") && !out.starts_with(' ')).then_some(out)
}

/// A query of `family` for `person`, or None if the person does not fit
/// the family (the query must be a spelling they are not stored under).
fn make_query(family: &str, p: &Person, t: &Tables, rng: &mut Rng) -> Option<(String, Reading)> {
    use Form::*;
    let mut source = None;
    let n = &p.name;
    let han_only = p.forms.iter().all(|f| f.is_han());
    let coin = |rng: &mut Rng, percent: u64| rng.next_u64() % 100 < percent;
    let q = match family {
        "han_simplified<->traditional" => {
            if p.is_uyghur() {
                return None;
            }
            if p.has(Simplified) && !p.has(Traditional) {
                n.han(true)
            } else if p.has(Traditional) && !p.has(Simplified) {
                n.han(false)
            } else {
                return None;
            }
        }
        "han->pinyin" => {
            if p.is_uyghur() || !p.forms.iter().all(|&f| f == Pinyin) {
                return None;
            }
            n.han(coin(rng, 30))
        }
        "pinyin->han" => {
            if p.is_uyghur() || n.is_hk() || !han_only {
                return None;
            }
            let style = *rng.pick(&[
                PinyinStyle::Standard,
                PinyinStyle::Caps,
                PinyinStyle::Split,
                PinyinStyle::Lower,
            ]);
            n.pinyin(t, style, false)
        }
        "pinyin_tones" => {
            if p.is_uyghur() || n.is_hk() {
                return None;
            }
            let style = *rng.pick(&[
                PinyinStyle::Tones,
                PinyinStyle::Tones,
                PinyinStyle::Tones,
                PinyinStyle::Numbers,
                PinyinStyle::NumbersSpaced,
            ]);
            n.pinyin(t, style, false)
        }
        "wade_giles" => {
            if p.is_uyghur() || n.is_hk() || p.has(WadeGiles) {
                return None;
            }
            n.wade_giles(t, coin(rng, 50), false)
        }
        "hk_romanisation" => {
            if !n.is_hk() || !han_only {
                return None;
            }
            let style = *rng.pick(&[
                HkStyle::Standard,
                HkStyle::Caps,
                HkStyle::Spaced,
                HkStyle::Joined,
            ]);
            n.hk(style, false, false)
        }
        "hk_english+romanisation" => {
            if !n.is_hk() || p.has(HkEnglish) {
                return None;
            }
            let style = if coin(rng, 50) {
                HkStyle::Standard
            } else {
                HkStyle::Caps
            };
            n.hk(style, true, false)
        }
        "uyghur_arabic->latin" => {
            if !(p.has(UyUly) || p.has(UyCommon)) || p.has(UyArabic) {
                return None;
            }
            n.uyghur(|u| u.arabic, " ", true)
        }
        "uyghur_latin->arabic" => {
            if p.forms != [UyArabic] {
                return None;
            }
            if coin(rng, 50) {
                n.uyghur(|u| u.uly, " ", true)
            } else {
                n.uyghur(|u| u.common, " ", true)
            }
        }
        "uyghur_cyrillic" => {
            if !p.is_uyghur() {
                return None;
            }
            n.uyghur(|u| u.cyrillic, " ", true)
        }
        "uyghur_turkish_latin" => {
            if !p.is_uyghur() {
                return None;
            }
            n.uyghur(|u| u.turkish, " ", true)
        }
        "uyghur_chinese_transcription" => {
            if !p.is_uyghur() {
                return None;
            }
            if coin(rng, 50) {
                // Chinese transcription asked, other scripts stored.
                if p.has(UyChinese) {
                    return None;
                }
                let sep = *rng.pick(&["·", "·", "·", "·", "·", "·", "·", "・", "•", ""]);
                n.uyghur(|u| u.chinese, sep, true)
            } else {
                // Another script asked, only the transcription stored.
                if p.forms != [UyChinese] {
                    return None;
                }
                match rng.next_u64() % 3 {
                    0 => n.uyghur(|u| u.common, " ", true),
                    1 => n.uyghur(|u| u.uly, " ", true),
                    _ => n.uyghur(|u| u.arabic, " ", true),
                }
            }
        }
        "other_order" => {
            let latin: Vec<Form> = p
                .forms
                .iter()
                .copied()
                .filter(|f| f.is_latin() && *f != HkEnglish)
                .collect();
            if latin.is_empty() {
                return None;
            }
            let form = *rng.pick(&latin);
            source = Some(form);
            match form {
                Pinyin => n.pinyin(t, PinyinStyle::Standard, true),
                WadeGiles => n.wade_giles(t, false, true),
                HkRoman => n.hk(HkStyle::Standard, false, true),
                HkRomanCaps => n.hk(HkStyle::Caps, false, true),
                UyUly => n.uyghur(|u| u.uly, " ", false),
                UyCommon => n.uyghur(|u| u.common, " ", false),
                _ => return None,
            }
        }
        "typo" => {
            let latin: Vec<Form> = p.forms.iter().copied().filter(|f| f.is_latin()).collect();
            if latin.is_empty() {
                return None;
            }
            let form = *rng.pick(&latin);
            source = Some(form);
            typo(&n.render(t, form), rng)?
        }
        other => panic!("unknown family {other}"),
    };
    let lower = q.to_lowercase();
    if p.names(t).iter().any(|s| s.to_lowercase() == lower) {
        return None;
    }
    let reading = match (family, source) {
        (_, Some(form)) => Reading::of_form(form),
        // A query in characters for a person stored only in pinyin: the
        // stored pinyin is all there is to tell them from others.
        ("han->pinyin" | "pinyin->han", _) => Reading::Pinyin,
        ("pinyin_tones", _) => Reading::PinyinTones,
        ("wade_giles", _) => Reading::WadeGiles,
        ("hk_romanisation" | "hk_english+romanisation", _) => Reading::Cantonese,
        _ => Reading::Name,
    };
    Some((q, reading))
}

/// `per_family` queries of each family, each about a different person.
fn make_queries(t: &Tables, persons: u32, per_family: usize) -> Vec<Query> {
    let mut rng = Rng::new(0x7175_6572_6965_7321);
    let mut queries = Vec::new();
    for (family, (name, _)) in FAMILIES.iter().enumerate() {
        let mut used = std::collections::HashSet::new();
        let mut made = 0;
        let mut attempts = 0;
        while made < per_family && attempts < per_family * 5000 {
            attempts += 1;
            let i = (rng.next_u64() % u64::from(persons)) as u32;
            if used.contains(&i) {
                continue;
            }
            let p = t.person(i);
            if let Some((text, reading)) = make_query(name, &p, t, &mut rng) {
                used.insert(i);
                queries.push(Query {
                    family,
                    text,
                    target: i,
                    reading,
                });
                made += 1;
            }
        }
    }
    queries
}

// ---------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------

/// One system's answers: per query the person ids found (best first) and
/// the time it took.
struct Run {
    system: String,
    /// Why it did not run, if it did not.
    skipped: Option<String>,
    build: Duration,
    build_note: String,
    memory: String,
    answers: Vec<Vec<u32>>,
    latencies: Vec<Duration>,
}

impl Run {
    fn skipped(system: &str, reason: String) -> Self {
        Run {
            system: system.to_string(),
            skipped: Some(reason),
            build: Duration::ZERO,
            build_note: String::new(),
            memory: String::new(),
            answers: Vec::new(),
            latencies: Vec::new(),
        }
    }
}

/// Runs every query once to warm up (the first 200) and once measured.
fn measure(
    queries: &[Query],
    mut search: impl FnMut(&str) -> Vec<u32>,
) -> (Vec<Vec<u32>>, Vec<Duration>) {
    for q in queries.iter().take(200) {
        std::hint::black_box(search(&q.text));
    }
    let mut answers = Vec::with_capacity(queries.len());
    let mut latencies = Vec::with_capacity(queries.len());
    for q in queries {
        let started = Instant::now();
        let found = search(&q.text);
        latencies.push(started.elapsed());
        answers.push(found);
    }
    (answers, latencies)
}

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / 1048576.0
}

/// Child mode: vigil's index in a process of its own, so that its memory is
/// its own. Writes build time, memory and answers to `out`.
fn vigil_phase(persons: u32, per_family: usize, out: &Path) {
    let t = Tables::new();
    let queries = make_queries(&t, persons, per_family);
    let people: Vec<(u32, Vec<String>, Facts)> = (0..persons)
        .map(|i| {
            let p = t.person(i);
            let facts = Facts {
                birth_year: Some(p.birth_year),
                sex: Some(if p.female { "female" } else { "male" }.to_string()),
                place: None,
            };
            (i, p.names(&t), facts)
        })
        .collect();
    let rss_before = status_kib("VmRSS:") * 1024;
    let started = Instant::now();
    let index = NameIndex::<u32>::from_people(people);
    let build = started.elapsed();
    let peak = peak_rss_bytes().unwrap_or(0);
    let rss_after = status_kib("VmRSS:") * 1024;
    let (answers, latencies) = measure(&queries, |q| {
        index
            .search(q, &Facts::default(), 10)
            .into_iter()
            .map(|c| c.id)
            .collect()
    });
    let mut w = BufWriter::new(std::fs::File::create(out).expect("vigil results file"));
    writeln!(w, "{} {rss_before} {peak} {rss_after}", build.as_secs_f64()).unwrap();
    for (a, l) in answers.iter().zip(&latencies) {
        let ids: Vec<String> = a.iter().map(u32::to_string).collect();
        writeln!(w, "{} {}", l.as_nanos(), ids.join(",")).unwrap();
    }
    w.flush().unwrap();
}

fn run_vigil(persons: u32, per_family: usize, dir: &Path) -> Run {
    let out = dir.join("vigil-answers.txt");
    let status = Command::new(std::env::current_exe().expect("own path"))
        .args(["--phase", "vigil", "--persons"])
        .arg(persons.to_string())
        .arg("--per-family")
        .arg(per_family.to_string())
        .arg("--out")
        .arg(&out)
        .status()
        .expect("running the vigil phase");
    if !status.success() {
        return Run::skipped("vigil", format!("the vigil phase failed ({status})"));
    }
    let text = std::fs::read_to_string(&out).expect("vigil answers");
    let mut lines = text.lines();
    let head: Vec<f64> = lines
        .next()
        .unwrap()
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect();
    let (build, rss_before, peak, rss_after) = (head[0], head[1], head[2], head[3]);
    let mut answers = Vec::new();
    let mut latencies = Vec::new();
    for line in lines {
        let (nanos, ids) = line.split_once(' ').unwrap_or((line, ""));
        latencies.push(Duration::from_nanos(nanos.parse().unwrap()));
        answers.push(
            ids.split(',')
                .filter(|s| !s.is_empty())
                .map(|s| s.parse().unwrap())
                .collect(),
        );
    }
    Run {
        system: "vigil NameIndex".into(),
        skipped: None,
        build: Duration::from_secs_f64(build),
        build_note: "from_people".into(),
        memory: format!(
            "peak RSS {:.0} MiB; growth over the input list: peak +{:.0} MiB, after build +{:.0} MiB",
            mib(peak as u64),
            mib((peak - rss_before).max(0.0) as u64),
            mib((rss_after - rss_before).max(0.0) as u64)
        ),
        answers,
        latencies,
    }
}

// ---------------------------------------------------------------------------
// Baseline: SQLite FTS5, trigram tokenizer
// ---------------------------------------------------------------------------

/// The query as an OR of its quoted trigrams (FTS5's trigram tokenizer
/// indexes every three-character run, spaces included).
fn fts_trigram_query(text: &str) -> Option<String> {
    let chars: Vec<char> = text.to_lowercase().chars().collect();
    if chars.len() < 3 {
        return None;
    }
    let mut grams: Vec<String> = chars.windows(3).map(|w| w.iter().collect()).collect();
    grams.sort();
    grams.dedup();
    Some(
        grams
            .iter()
            .map(|g| format!("\"{}\"", g.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" OR "),
    )
}

fn run_fts(t: &Tables, persons: u32, queries: &[Query], dir: &Path) -> Run {
    let path = dir.join("fts5.sqlite3");
    let conn = rusqlite::Connection::open(&path).expect("fts database");
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;",
    )
    .unwrap();
    let mut tokenizer = "trigram remove_diacritics 1";
    if conn
        .execute_batch(&format!(
            "CREATE VIRTUAL TABLE names USING fts5(name, person UNINDEXED, tokenize = '{tokenizer}')"
        ))
        .is_err()
    {
        tokenizer = "trigram";
        conn.execute_batch(
            "CREATE VIRTUAL TABLE names USING fts5(name, person UNINDEXED, tokenize = 'trigram')",
        )
        .expect("FTS5 with the trigram tokenizer");
    }
    let started = Instant::now();
    conn.execute_batch("BEGIN").unwrap();
    {
        let mut insert = conn
            .prepare("INSERT INTO names (name, person) VALUES (?1, ?2)")
            .unwrap();
        for i in 0..persons {
            for name in t.person(i).names(t) {
                insert.execute(rusqlite::params![name, i]).unwrap();
            }
        }
    }
    conn.execute_batch("COMMIT").unwrap();
    conn.execute_batch("INSERT INTO names (names) VALUES ('optimize')")
        .unwrap();
    let build = started.elapsed();
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let mut matching = conn
        .prepare("SELECT person FROM names WHERE names MATCH ?1 ORDER BY rank LIMIT 30")
        .unwrap();
    let mut like = conn
        .prepare("SELECT person FROM names WHERE name LIKE ?1 LIMIT 30")
        .unwrap();
    let (answers, latencies) = measure(queries, |q| {
        let rows: Vec<u32> = match fts_trigram_query(q) {
            Some(expr) => matching
                .query_map([expr], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect(),
            // Shorter than a trigram (a two-character Chinese name): LIKE,
            // which FTS5 answers by a scan.
            None => like
                .query_map([format!("%{q}%")], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect(),
        };
        distinct_first(rows, 10)
    });
    Run {
        system: "SQLite FTS5 trigram".into(),
        skipped: None,
        build,
        build_note: format!("insert + optimize, tokenize='{tokenizer}'"),
        memory: format!("database file {:.0} MiB", mib(size)),
        answers,
        latencies,
    }
}

/// The first `limit` distinct ids, in order.
fn distinct_first(ids: Vec<u32>, limit: usize) -> Vec<u32> {
    let mut out = Vec::with_capacity(limit);
    for id in ids {
        if !out.contains(&id) {
            out.push(id);
            if out.len() == limit {
                break;
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Baseline: PostgreSQL pg_trgm
// ---------------------------------------------------------------------------

/// The directory of PostgreSQL's server programs (the highest version under
/// /usr/lib/postgresql), installing the packages with apt-get if there is
/// none.
fn postgres_bin() -> Result<PathBuf, String> {
    let find = || -> Option<PathBuf> {
        let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let v: u32 = e.file_name().to_str()?.parse().ok()?;
                let bin = e.path().join("bin");
                bin.join("initdb").exists().then_some((v, bin))
            })
            .collect();
        versions.sort();
        versions.pop().map(|(_, bin)| bin)
    };
    if let Some(bin) = find() {
        return Ok(bin);
    }
    println!("PostgreSQL not found: apt-get install -y postgresql postgresql-contrib");
    let install = || {
        Command::new("apt-get")
            .args(["install", "-y", "postgresql", "postgresql-contrib"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
    };
    let ok = match install() {
        Ok(s) if s.success() => true,
        _ => {
            let _ = Command::new("apt-get").arg("update").status();
            matches!(install(), Ok(s) if s.success())
        }
    };
    if !ok {
        return Err("apt-get install postgresql postgresql-contrib failed".into());
    }
    find()
        .ok_or_else(|| "PostgreSQL installed, but no initdb under /usr/lib/postgresql/*/bin".into())
}

/// A throwaway PostgreSQL cluster in a temporary directory, listening only
/// on a unix socket there; stopped and removed when dropped.
struct Cluster {
    bin: PathBuf,
    root: tempfile::TempDir,
    server: Child,
    port: u16,
}

impl Cluster {
    fn data(&self) -> PathBuf {
        self.root.path().join("data")
    }

    fn start() -> Result<Cluster, String> {
        let bin = postgres_bin()?;
        let root = tempfile::Builder::new()
            .prefix("vigil-bench-pg")
            .tempdir()
            .map_err(|e| e.to_string())?;
        // initdb refuses to run as root: the cluster belongs to `postgres`.
        let id = |flag: &str| -> Result<u32, String> {
            let out = Command::new("id")
                .args([flag, "postgres"])
                .output()
                .map_err(|e| e.to_string())?;
            String::from_utf8_lossy(&out.stdout)
                .trim()
                .parse()
                .map_err(|_| "no user postgres".to_string())
        };
        let (uid, gid) = (id("-u")?, id("-g")?);
        std::os::unix::fs::chown(root.path(), Some(uid), Some(gid)).map_err(|e| e.to_string())?;
        let as_postgres = |program: &str| {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(bin.join(program));
            c
        };
        let data = root.path().join("data");
        let out = as_postgres("initdb")
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "-N",
                "-D",
            ])
            .arg(&data)
            .output()
            .map_err(|e| format!("initdb: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let port = 54329;
        let log =
            std::fs::File::create(root.path().join("server.log")).map_err(|e| e.to_string())?;
        let server = as_postgres("postgres")
            .arg("-D")
            .arg(&data)
            .arg("-k")
            .arg(root.path())
            .args(["-p", &port.to_string()])
            .args(["-c", "listen_addresses="])
            // A throwaway cluster: no durability; memory as a tuned server
            // on this machine would have.
            .args([
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
            ])
            .args(["-c", "shared_buffers=2GB", "-c", "work_mem=64MB"])
            .args(["-c", "maintenance_work_mem=2GB", "-c", "max_wal_size=8GB"])
            .args(["-c", "autovacuum=off", "-c", "jit=off"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("starting postgres: {e}"))?;
        let cluster = Cluster {
            bin,
            root,
            server,
            port,
        };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if cluster.connect().is_ok() {
                return Ok(cluster);
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err(format!(
            "postgres did not start: {}",
            std::fs::read_to_string(cluster.root.path().join("server.log")).unwrap_or_default()
        ))
    }

    fn connect(&self) -> Result<postgres::Client, postgres::Error> {
        postgres::Config::new()
            .host_path(self.root.path())
            .port(self.port)
            .user("postgres")
            .dbname("postgres")
            .connect(postgres::NoTls)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join("pg_ctl"))
            .args(["stop", "-m", "immediate", "-D"])
            .arg(self.data())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.server.kill();
        let _ = self.server.wait();
        // The temporary directory goes with `root`.
    }
}

fn run_pg(t: &Tables, persons: u32, queries: &[Query]) -> Run {
    let system = "PostgreSQL pg_trgm";
    let cluster = match Cluster::start() {
        Ok(c) => c,
        Err(reason) => return Run::skipped(system, reason),
    };
    let result = (|| -> Result<Run, postgres::Error> {
        let mut client = cluster.connect()?;
        let version: String = client.query_one("SHOW server_version", &[])?.get(0);
        client.batch_execute(
            "CREATE EXTENSION pg_trgm;
             CREATE TABLE names (person int4 NOT NULL, name text NOT NULL);",
        )?;
        let started = Instant::now();
        {
            let mut copy = client.copy_in("COPY names (person, name) FROM STDIN")?;
            let mut buf = Vec::with_capacity(1 << 20);
            for i in 0..persons {
                for name in t.person(i).names(t) {
                    writeln!(buf, "{i}\t{name}").unwrap();
                }
                if buf.len() > 1 << 20 {
                    copy.write_all(&buf).unwrap();
                    buf.clear();
                }
            }
            copy.write_all(&buf).unwrap();
            copy.finish()?;
        }
        let loaded = started.elapsed();
        client.batch_execute("CREATE INDEX names_trgm ON names USING gin (name gin_trgm_ops)")?;
        client.batch_execute("VACUUM ANALYZE names")?;
        let build = started.elapsed();
        let size: i64 = client
            .query_one("SELECT pg_total_relation_size('names')", &[])?
            .get(0);
        client.batch_execute("SET pg_trgm.similarity_threshold = 0.3")?;
        let statement = client.prepare(
            "SELECT person FROM (
                SELECT person, max(similarity(name, $1)) AS s FROM names
                WHERE name % $1 GROUP BY person
             ) t ORDER BY s DESC, person LIMIT 10",
        )?;
        let (answers, latencies) = measure(queries, |q| {
            client
                .query(&statement, &[&q])
                .expect("pg_trgm query")
                .iter()
                .map(|r| r.get::<_, i32>(0) as u32)
                .collect()
        });
        Ok(Run {
            system: system.into(),
            skipped: None,
            build,
            build_note: format!(
                "PostgreSQL {version}: COPY {:.1} s + GIN index and ANALYZE {:.1} s",
                loaded.as_secs_f64(),
                (build - loaded).as_secs_f64()
            ),
            memory: format!(
                "table + index {:.0} MiB (shared_buffers 2 GiB)",
                mib(size as u64)
            ),
            answers,
            latencies,
        })
    })();
    drop(cluster);
    result.unwrap_or_else(|e| {
        Run::skipped(
            system,
            format!(
                "PostgreSQL error: {}",
                e.as_db_error()
                    .map(|d| d.message().to_string())
                    .unwrap_or_else(|| e.to_string())
            ),
        )
    })
}

// ---------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|p| args.get(p + 1))
        .cloned()
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The quantile `q` (0 to 1) of some latencies, nearest rank.
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// When a returned person counts as the right answer.
#[derive(Clone, Copy, PartialEq)]
enum Verdict {
    /// The target, or a person the query cannot tell from the target: one
    /// whose name agrees with the target's in what the query's spelling
    /// keeps (its `Reading`), whatever spellings either is stored under.
    Indistinguishable,
    /// The target, or a person stored under exactly the same names.
    SameStoredNames,
}

struct Truth {
    /// Per reading (in `READINGS` order), each person's key.
    keys: Vec<Vec<u64>>,
    stored: Vec<u64>,
}

impl Truth {
    fn key(&self, reading: Reading, person: u32) -> u64 {
        let r = READINGS.iter().position(|&x| x == reading).unwrap();
        self.keys[r][person as usize]
    }

    fn correct(&self, verdict: Verdict, q: &Query, found: u32) -> bool {
        found == q.target
            || match verdict {
                Verdict::Indistinguishable => {
                    self.key(q.reading, q.target) == self.key(q.reading, found)
                }
                Verdict::SameStoredNames => {
                    self.stored[q.target as usize] == self.stored[found as usize]
                }
            }
    }
}

/// Recall at 10 and precision at 1 of one run on one family.
fn scores(
    run: &Run,
    queries: &[Query],
    truth: &Truth,
    verdict: Verdict,
    family: usize,
) -> (f64, f64) {
    let (mut n, mut recall, mut precision) = (0, 0, 0);
    for (q, found) in queries.iter().zip(&run.answers) {
        if q.family != family {
            continue;
        }
        n += 1;
        if found.iter().take(10).any(|&f| truth.correct(verdict, q, f)) {
            recall += 1;
        }
        if found.first().is_some_and(|&f| truth.correct(verdict, q, f)) {
            precision += 1;
        }
    }
    let n = n.max(1) as f64;
    (recall as f64 / n, precision as f64 / n)
}

/// `namesakes[f]`: the median number of persons who share the name of a
/// target of family `f` (the target included).
fn print_scores(
    runs: &[&Run],
    queries: &[Query],
    truth: &Truth,
    verdict: Verdict,
    namesakes: &[u32],
) -> Vec<Vec<(f64, f64)>> {
    print!("| family | cross-script | queries | alike |");
    for r in runs {
        print!(" {} R@10 | P@1 |", r.system);
    }
    println!();
    print!("|---|---|---:|---:|");
    for _ in runs {
        print!("---:|---:|");
    }
    println!();
    let mut table = Vec::new();
    for (f, (name, cross)) in FAMILIES.iter().enumerate() {
        let count = queries.iter().filter(|q| q.family == f).count();
        print!(
            "| {name} | {} | {count} | {} |",
            if *cross { "yes" } else { "no" },
            namesakes[f]
        );
        let mut row = Vec::new();
        for r in runs {
            let (recall, precision) = scores(r, queries, truth, verdict, f);
            print!(" {recall:.3} | {precision:.3} |");
            row.push((recall, precision));
        }
        println!();
        table.push(row);
    }
    let mut all = Vec::new();
    print!("| all | | {} | |", queries.len());
    for r in runs {
        let n = queries.len().max(1) as f64;
        let recall = queries
            .iter()
            .zip(&r.answers)
            .filter(|(q, found)| found.iter().any(|&f| truth.correct(verdict, q, f)))
            .count() as f64
            / n;
        let precision = queries
            .iter()
            .zip(&r.answers)
            .filter(|(q, found)| found.first().is_some_and(|&f| truth.correct(verdict, q, f)))
            .count() as f64
            / n;
        print!(" {recall:.3} | {precision:.3} |");
        all.push((recall, precision));
    }
    println!();
    table.push(all);
    table
}

/// The allocator `vigil` itself runs with (see crates/cli/src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let persons: u32 = arg(&args, "--persons")
        .map(|v| v.replace('_', "").parse().expect("--persons N"))
        .unwrap_or(1_000_000);
    let per_family: usize = arg(&args, "--per-family")
        .map(|v| v.parse().expect("--per-family Q"))
        .unwrap_or(200);
    if arg(&args, "--phase").as_deref() == Some("vigil") {
        vigil_phase(
            persons,
            per_family,
            Path::new(&arg(&args, "--out").expect("--out")),
        );
        return;
    }
    let dir = tempfile::tempdir().expect("temporary directory");

    let started = Instant::now();
    let t = Tables::new();
    let mut keys: Vec<Vec<u64>> = READINGS
        .iter()
        .map(|_| Vec::with_capacity(persons as usize))
        .collect();
    let mut stored = Vec::with_capacity(persons as usize);
    let mut names = 0usize;
    let mut groups: HashMap<u64, u32> = HashMap::new();
    for i in 0..persons {
        let p = t.person(i);
        let n = p.names(&t);
        names += n.len();
        for (r, reading) in READINGS.iter().enumerate() {
            keys[r].push(reading.key(&p, &t));
        }
        *groups.entry(keys[0][i as usize]).or_default() += 1;
        stored.push(stored_key(&n));
    }
    let truth = Truth { keys, stored };
    let queries = make_queries(&t, persons, per_family);
    let largest = groups.values().copied().max().unwrap_or(0);
    let shared = groups
        .values()
        .filter(|&&c| c > 1)
        .map(|&c| c as u64)
        .sum::<u64>();
    println!(
        "data: {persons} persons, {names} stored names, {} distinct names (persons sharing their name with another: {:.0}%, largest group {largest}); {} queries; generated in {:.1} s",
        groups.len(),
        100.0 * shared as f64 / f64::from(persons.max(1)),
        queries.len(),
        started.elapsed().as_secs_f64()
    );
    drop(groups);
    // How many persons each query cannot tell from its target.
    let mut alike: HashMap<(usize, u64), u32> = queries
        .iter()
        .map(|q| {
            let r = READINGS.iter().position(|&x| x == q.reading).unwrap();
            ((r, truth.key(q.reading, q.target)), 0)
        })
        .collect();
    for (r, keys) in truth.keys.iter().enumerate() {
        for &k in keys {
            if let Some(c) = alike.get_mut(&(r, k)) {
                *c += 1;
            }
        }
    }
    let namesakes: Vec<u32> = (0..FAMILIES.len())
        .map(|f| {
            let mut sizes: Vec<u32> = queries
                .iter()
                .filter(|q| q.family == f)
                .map(|q| {
                    let r = READINGS.iter().position(|&x| x == q.reading).unwrap();
                    alike[&(r, truth.key(q.reading, q.target))]
                })
                .collect();
            sizes.sort();
            sizes.get(sizes.len() / 2).copied().unwrap_or(0)
        })
        .collect();
    println!("one query of each family (query → the target's stored names):");
    for (f, (family, _)) in FAMILIES.iter().enumerate() {
        if let Some(q) = queries.iter().find(|q| q.family == f) {
            println!(
                "  {family:<30} {:<32} → {:?}",
                q.text,
                t.person(q.target).names(&t)
            );
        }
    }

    let mut runs = Vec::new();
    let phase = Instant::now();
    runs.push(run_vigil(persons, per_family, dir.path()));
    println!("vigil done in {:.1} s", phase.elapsed().as_secs_f64());
    if args.iter().any(|a| a == "--skip-fts") {
        runs.push(Run::skipped("SQLite FTS5 trigram", "--skip-fts".into()));
    } else {
        let phase = Instant::now();
        runs.push(run_fts(&t, persons, &queries, dir.path()));
        println!("FTS5 done in {:.1} s", phase.elapsed().as_secs_f64());
    }
    if args.iter().any(|a| a == "--skip-pg") {
        runs.push(Run::skipped("PostgreSQL pg_trgm", "--skip-pg".into()));
    } else {
        let phase = Instant::now();
        runs.push(run_pg(&t, persons, &queries));
        println!("pg_trgm done in {:.1} s", phase.elapsed().as_secs_f64());
    }
    for r in &runs {
        if let Some(reason) = &r.skipped {
            println!("SKIPPED {}: {reason}", r.system);
        }
    }
    let ran: Vec<&Run> = runs.iter().filter(|r| r.skipped.is_none()).collect();

    println!();
    println!("Recall at 10 and precision at 1. A hit is the target or a person the query cannot tell from it: the same characters, or for a query in pinyin the same syllables (with tones if it has them), in Wade-Giles the same Wade-Giles syllables, in Hong Kong romanisation the same Cantonese syllables, for Uyghur the same given and father's names; whatever either is stored under. 'alike': the median number of such persons per query, the target included.");
    println!();
    let same_name = print_scores(
        &ran,
        &queries,
        &truth,
        Verdict::Indistinguishable,
        &namesakes,
    );
    println!();
    println!("The same, with the stricter rule: a hit is the target or a person stored under exactly the same names:");
    println!();
    print_scores(&ran, &queries, &truth, Verdict::SameStoredNames, &namesakes);
    println!();
    println!("| system | median ms | p99 ms | max ms | build s | build | memory |");
    println!("|---|---:|---:|---:|---:|---|---|");
    let mut medians = Vec::new();
    for r in &ran {
        let mut sorted = r.latencies.clone();
        sorted.sort();
        let (median, p99) = (quantile(&sorted, 0.5), quantile(&sorted, 0.99));
        medians.push((r.system.clone(), millis(median), millis(p99)));
        println!(
            "| {} | {:.3} | {:.2} | {:.1} | {:.1} | {} | {} |",
            r.system,
            millis(median),
            millis(p99),
            millis(sorted.last().copied().unwrap_or_default()),
            r.build.as_secs_f64(),
            r.build_note,
            r.memory
        );
    }
    println!();
    // The aims of issue 5.
    if let Some(v) = ran.iter().position(|r| r.system.starts_with("vigil")) {
        let worst = FAMILIES
            .iter()
            .enumerate()
            .filter(|(_, (_, cross))| *cross)
            .map(|(f, (name, _))| (same_name[f][v].0, *name))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((recall, family)) = worst {
            println!("aim: recall@10 >= 0.95 on every cross-script family: lowest {recall:.3} ({family})");
        }
        let p99_aim = if persons > 1_000_000 { 50.0 } else { 20.0 };
        println!("aim: p99 under {p99_aim:.0} ms: {:.2} ms", medians[v].2);
        if let Some((_, pg_median, _)) = medians.iter().find(|m| m.0.contains("pg_trgm")) {
            println!(
                "aim: median at least 10x lower than pg_trgm's: {:.1}x ({:.3} ms vs {:.3} ms)",
                pg_median / medians[v].1.max(1e-9),
                medians[v].1,
                pg_median
            );
        }
    }
    // `--misses N`: up to N of vigil's misses per family, with what it found.
    if let (Some(limit), Some(v)) = (
        arg(&args, "--misses").and_then(|n| n.parse::<usize>().ok()),
        ran.iter().find(|r| r.system.starts_with("vigil")),
    ) {
        println!();
        println!("vigil's misses (recall at 10, first rule):");
        for (f, (family, _)) in FAMILIES.iter().enumerate() {
            let misses = queries
                .iter()
                .zip(&v.answers)
                .filter(|(q, found)| {
                    q.family == f
                        && !found
                            .iter()
                            .any(|&id| truth.correct(Verdict::Indistinguishable, q, id))
                })
                .take(limit);
            for (q, found) in misses {
                let first = found.first().map(|&id| t.person(id).names(&t));
                println!(
                    "  {family:<30} {:<32} → {:?}; found {} first {:?}",
                    q.text,
                    t.person(q.target).names(&t),
                    found.len(),
                    first.unwrap_or_default()
                );
            }
        }
    }
    println!("total {:.1} s", started.elapsed().as_secs_f64());
}
