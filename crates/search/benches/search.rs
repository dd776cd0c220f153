//! Full-text search (issue 4, item 7): vigil's tantivy index against SQLite
//! FTS5 with its default `unicode61` tokenizer, over the same generated
//! paragraphs, in one run.
//!
//! The generator is deterministic and writes paragraphs of two to four
//! sentences about detentions, trials, camps, places and people: English
//! from templates filled with real names and places, Chinese from templates
//! and a few hundred real words (names, places, agencies, facilities,
//! charges), every third Chinese paragraph converted to traditional
//! characters.
//!
//! Measured, for each system: indexing rate (all paragraphs, then one
//! commit), index size, latency of a fixed set of 50 queries (English words,
//! phrases and word pairs; simplified and traditional Chinese words and
//! pairs), each run `--rounds` times after a warm-up, one at a time, asking
//! for the total and the first 10 hits with a snippet; the latency of one
//! write made visible (upsert + commit + reader reload, against one
//! autocommitted FTS5 insert); and, for the Chinese queries, how many
//! relevant paragraphs each finds, where relevant means the paragraph
//! contains every query word in either character set, by a plain scan.
//!
//! Run: `cargo bench -p vigil-search --bench search` (100,000 paragraphs) or
//! `cargo bench -p vigil-search --bench search -- --paragraphs 20000
//! --rounds 5`.

// A test or bench fails loudly at the first unwrap: that is what it is for.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::time::{Duration, Instant};

use rusqlite::Connection;
use vigil_search::{Filters, IndexDoc, SearchIndex};

struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

// ---------------------------------------------------------------------------
// English
// ---------------------------------------------------------------------------

const EN_GIVEN: &[&str] = &[
    "Ilham",
    "Rahile",
    "Gulshan",
    "Tashpolat",
    "Perhat",
    "Mihrigul",
    "Abduweli",
    "Zumret",
    "Sayragul",
    "Gulbahar",
    "Ekpar",
    "Mahmut",
    "Halmurat",
    "Nurmuhammad",
    "Aziz",
    "Dilnur",
    "Quanzhang",
    "Zhiyong",
    "Jiaxi",
    "Tianyong",
    "Wensheng",
    "Yuhan",
    "Xiaobo",
    "Jianli",
];
const EN_FAMILY: &[&str] = &[
    "Tohti",
    "Dawut",
    "Abbas",
    "Tiyip",
    "Tursun",
    "Ayup",
    "Sauytbay",
    "Haitiwaji",
    "Asat",
    "Abdul",
    "Ghopur",
    "Yasin",
    "Wang",
    "Xu",
    "Ding",
    "Jiang",
    "Yu",
    "Li",
    "Liu",
    "Zhang",
];
const EN_PLACES: &[&str] = &[
    "Urumqi",
    "Kashgar",
    "Hotan",
    "Aksu",
    "Ghulja",
    "Turpan",
    "Korla",
    "Hami",
    "Yarkand",
    "Karamay",
    "Beijing",
    "Shanghai",
    "Lhasa",
    "Chengdu",
    "Guangzhou",
    "Hong Kong",
    "Shenzhen",
    "Wuhan",
];
const EN_OCCUPATIONS: &[&str] = &[
    "teacher",
    "student",
    "farmer",
    "businessman",
    "imam",
    "scholar",
    "journalist",
    "doctor",
    "writer",
    "lawyer",
    "shopkeeper",
    "driver",
    "nurse",
    "musician",
];
const EN_AGENCIES: &[&str] = &[
    "police",
    "state security officers",
    "the public security bureau",
    "local officials",
    "neighbourhood committee members",
];
const EN_FACILITIES: &[&str] = &[
    "re-education camp",
    "detention centre",
    "prison",
    "vocational training centre",
    "pre-trial detention centre",
    "labour camp",
    "police station",
];
const EN_CRIMES: &[&str] = &[
    "separatism",
    "inciting subversion of state power",
    "picking quarrels and provoking trouble",
    "terrorism",
    "extremism",
    "endangering state security",
    "illegal religious activities",
];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn en_name(r: &mut Rng) -> String {
    format!("{} {}", r.pick(EN_GIVEN), r.pick(EN_FAMILY))
}

fn en_sentence(r: &mut Rng) -> String {
    let name = en_name(r);
    let place = r.pick(EN_PLACES);
    let facility = r.pick(EN_FACILITIES);
    let year = 2014 + r.below(9);
    let month = r.pick(MONTHS);
    let n = 2 + r.below(15);
    match r.below(12) {
        0 => format!(
            "{name}, a {}-year-old {} from {place}, was detained by {} in {month} {year}.",
            18 + r.below(60),
            r.pick(EN_OCCUPATIONS),
            r.pick(EN_AGENCIES)
        ),
        1 => format!(
            "{name} was taken to a {facility} in {place} and held for {n} months without charge."
        ),
        2 => format!(
            "At a closed trial in {month} {year}, the intermediate court in {place} sentenced \
             {name} to {n} years in prison for {}.",
            r.pick(EN_CRIMES)
        ),
        3 => format!(
            "Relatives said they had not heard from {name} since {month} {year} and feared \
             that he had disappeared."
        ),
        4 => format!(
            "Former detainees described torture, political indoctrination and forced labour \
             at the {facility} in {place}."
        ),
        5 => format!("The family's lawyer was denied access to the case file and to {name}."),
        6 => "Officials denied that the facility was a camp and called it a vocational \
              training centre attended voluntarily."
            .to_string(),
        7 => format!(
            "Satellite images show that the {facility} near {place} was expanded in {year}."
        ),
        8 => format!(
            "{name} was released in {year} but remains under surveillance and cannot travel."
        ),
        9 => format!("Witnesses said that the mosque in {place} was demolished in {year}."),
        10 => format!(
            "{name} received a sentence of life imprisonment for {} after a trial that lasted \
             {n} days.",
            r.pick(EN_CRIMES)
        ),
        _ => format!(
            "Testimony from {name} describes interrogations at the {facility} and the \
             detention of {n} relatives."
        ),
    }
}

// ---------------------------------------------------------------------------
// Chinese (written in simplified; a third of paragraphs converted)
// ---------------------------------------------------------------------------

const ZH_SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
];
const ZH_GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超",
    "秀兰", "霞", "平", "刚", "桂英", "志勇", "建华", "晓东", "文胜", "全璋", "家玺", "天勇",
    "玉涵", "志强", "海燕", "国庆", "丽娟", "建国", "红梅",
];
const ZH_UYGHUR_NAMES: &[&str] = &[
    "伊力哈木·土赫提",
    "热依拉·达吾提",
    "古丽夏·阿巴斯",
    "塔西甫拉提·特依拜",
    "米日古丽·图尔逊",
    "阿布都外力·阿尤普",
    "沙依拉古丽·沙吾提巴依",
    "帕尔哈提·吐尔逊",
    "艾克拜尔·阿萨提",
    "哈尔穆拉提·吾甫尔",
];
const ZH_PLACES: &[&str] = &[
    "乌鲁木齐",
    "喀什",
    "和田",
    "阿克苏",
    "伊宁",
    "吐鲁番",
    "库尔勒",
    "哈密",
    "莎车",
    "克拉玛依",
    "北京",
    "上海",
    "拉萨",
    "成都",
    "广州",
    "香港",
    "深圳",
    "武汉",
];
const ZH_AGENCIES: &[&str] = &["公安局", "国家安全局", "派出所", "当地官员", "社区干部"];
const ZH_FACILITIES: &[&str] = &[
    "再教育营",
    "看守所",
    "监狱",
    "职业技能教育培训中心",
    "拘留所",
    "劳改营",
];
const ZH_CRIMES: &[&str] = &[
    "分裂国家罪",
    "煽动颠覆国家政权罪",
    "寻衅滋事罪",
    "恐怖主义",
    "极端主义",
    "危害国家安全罪",
    "非法宗教活动",
];

fn zh_name(r: &mut Rng) -> String {
    if r.below(3) == 0 {
        r.pick(ZH_UYGHUR_NAMES).to_string()
    } else {
        format!("{}{}", r.pick(ZH_SURNAMES), r.pick(ZH_GIVEN))
    }
}

fn zh_sentence(r: &mut Rng) -> String {
    let name = zh_name(r);
    let place = r.pick(ZH_PLACES);
    let facility = r.pick(ZH_FACILITIES);
    let year = 2014 + r.below(9);
    let n = 2 + r.below(15);
    match r.below(12) {
        0 => format!(
            "{year}年{}月，{place}{}以{}为由拘留了{name}。",
            1 + r.below(12),
            r.pick(ZH_AGENCIES),
            r.pick(ZH_CRIMES)
        ),
        1 => format!("{name}被带到{place}的{facility}，在没有起诉的情况下被关押了{n}个月。"),
        2 => format!(
            "{place}中级人民法院不公开审理此案，以{}判处{name}有期徒刑{n}年。",
            r.pick(ZH_CRIMES)
        ),
        3 => format!("家属说，自{year}年以来再也没有{name}的消息，担心他已经失踪。"),
        4 => format!("曾被关押在{place}{facility}的维吾尔族人描述了酷刑、政治灌输和强迫劳动。"),
        5 => format!("律师被拒绝会见{name}，也无法查阅案卷。"),
        6 => "官方称职业技能教育培训中心是自愿参加的，否认存在再教育营。".to_string(),
        7 => format!("卫星图像显示，{place}附近的{facility}在{year}年进行了扩建。"),
        8 => format!("{name}于{year}年获释，但仍受到监控，不能出行。"),
        9 => format!("目击者说，{place}的清真寺在{year}年被拆除。"),
        10 => format!(
            "{name}因{}被判处无期徒刑，审判只持续了{n}天。",
            r.pick(ZH_CRIMES)
        ),
        _ => format!("{name}的证词描述了在{facility}遭受的审讯，以及{n}名亲属被拘留的经过。"),
    }
}

fn paragraphs(count: usize) -> Vec<String> {
    let mut r = Rng(4);
    let mut out = Vec::with_capacity(count);
    // Every third Chinese paragraph is converted to traditional.
    let mut chinese = 0usize;
    for _ in 0..count {
        let sentences = 2 + r.below(3) as usize;
        if r.below(100) < 55 {
            let v: Vec<String> = (0..sentences).map(|_| en_sentence(&mut r)).collect();
            out.push(v.join(" "));
        } else {
            let p: String = (0..sentences).map(|_| zh_sentence(&mut r)).collect();
            chinese = (chinese + 1) % 3;
            if chinese == 0 {
                out.push(zhconv::zhconv(&p, zhconv::Variant::ZhHant));
            } else {
                out.push(p);
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum Family {
    English,
    Simplified,
    Traditional,
}

const QUERIES: &[(Family, &str)] = &[
    (Family::English, "detained"),
    (Family::English, "trial"),
    (Family::English, "camp"),
    (Family::English, "sentenced"),
    (Family::English, "lawyer"),
    (Family::English, "torture"),
    (Family::English, "Urumqi"),
    (Family::English, "Kashgar"),
    (Family::English, "mosque"),
    (Family::English, "disappeared"),
    (Family::English, "surveillance"),
    (Family::English, "Tohti"),
    (Family::English, "satellite"),
    (Family::English, "relatives"),
    (Family::English, "separatism"),
    (Family::English, "\"re-education camp\""),
    (Family::English, "\"life imprisonment\""),
    (Family::English, "\"forced labour\""),
    (Family::English, "\"state security\""),
    (Family::English, "\"vocational training centre\""),
    (Family::English, "\"Ilham Tohti\""),
    (Family::English, "detained Kashgar"),
    (Family::English, "lawyer denied"),
    (Family::English, "prison terrorism"),
    (Family::English, "mosque demolished Hotan"),
    (Family::English, "released surveillance"),
    (Family::English, "Rahile Dawut trial"),
    (Family::English, "torture interrogations"),
    (Family::Simplified, "拘留"),
    (Family::Simplified, "再教育营"),
    (Family::Simplified, "维吾尔族"),
    (Family::Simplified, "乌鲁木齐"),
    (Family::Simplified, "律师"),
    (Family::Simplified, "判处"),
    (Family::Simplified, "看守所"),
    (Family::Simplified, "酷刑"),
    (Family::Simplified, "失踪"),
    (Family::Simplified, "清真寺"),
    (Family::Simplified, "强迫劳动"),
    (Family::Simplified, "分裂国家罪"),
    (Family::Simplified, "喀什 律师"),
    (Family::Simplified, "判处 有期徒刑"),
    (Family::Traditional, "再教育營"),
    (Family::Traditional, "維吾爾族"),
    (Family::Traditional, "烏魯木齊"),
    (Family::Traditional, "律師"),
    (Family::Traditional, "監獄"),
    (Family::Traditional, "審判"),
    (Family::Traditional, "強迫勞動"),
    (Family::Traditional, "監獄 酷刑"),
];

/// The same query in FTS5's syntax: each word or phrase quoted (which also
/// escapes it), implicitly ANDed.
fn fts_query(q: &str) -> String {
    if q.starts_with('"') {
        return q.to_string();
    }
    q.split_whitespace()
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Paragraphs containing every word of `q`, in either character set.
fn relevant(paras: &[String], q: &str) -> HashSet<usize> {
    let words: Vec<(String, String)> = q
        .split_whitespace()
        .map(|w| {
            (
                zhconv::zhconv(w, zhconv::Variant::ZhHans),
                zhconv::zhconv(w, zhconv::Variant::ZhHant),
            )
        })
        .collect();
    paras
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            words
                .iter()
                .all(|(s, t)| p.contains(s.as_str()) || p.contains(t.as_str()))
        })
        .map(|(i, _)| i)
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn dir_size(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    let m = e.metadata().unwrap();
                    if m.is_dir() {
                        dir_size(&e.path())
                    } else {
                        m.len()
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|p| args.get(p + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let count = arg(&args, "--paragraphs", 100_000);
    let rounds = arg(&args, "--rounds", 20);

    let started = Instant::now();
    let paras = paragraphs(count);
    let bytes: usize = paras.iter().map(String::len).sum();
    let zh = paras.iter().filter(|p| !p.is_ascii()).count();
    println!(
        "generated {count} paragraphs ({:.1} MiB; {} English, {} Chinese, a third of them \
         traditional) in {:.1} s",
        bytes as f64 / 1048576.0,
        count - zh,
        zh,
        started.elapsed().as_secs_f64()
    );
    let dir = tempfile::tempdir().expect("temporary directory");

    // --- Indexing -----------------------------------------------------------
    let started = Instant::now();
    vigil_search::warm_up();
    let warm = started.elapsed();
    let index_dir = dir.path().join("tantivy");
    let index = SearchIndex::open(&index_dir).expect("open index");
    let started = Instant::now();
    for (i, p) in paras.iter().enumerate() {
        index
            .upsert(IndexDoc {
                key: format!("passage:bench:{i}"),
                kind: "passage".into(),
                id: "bench".into(),
                document: Some("bench".into()),
                paragraph: Some(i as u32),
                text: p.clone(),
                ..IndexDoc::default()
            })
            .expect("upsert");
    }
    index.commit().expect("commit");
    let vigil_index = started.elapsed();
    let vigil_size = dir_size(&index_dir);

    let db_path = dir.path().join("fts.db");
    let mut db = Connection::open(&db_path).expect("sqlite");
    db.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
         CREATE VIRTUAL TABLE p USING fts5(text);",
    )
    .expect("fts5 table");
    let started = Instant::now();
    {
        let tx = db.transaction().expect("transaction");
        {
            let mut insert = tx
                .prepare("INSERT INTO p(rowid, text) VALUES (?1, ?2)")
                .expect("prepare");
            for (i, p) in paras.iter().enumerate() {
                insert.execute((i as i64 + 1, p)).expect("insert");
            }
        }
        tx.commit().expect("commit");
    }
    let fts_index = started.elapsed();
    let fts_size = std::fs::metadata(&db_path).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(dir.path().join("fts.db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);

    // --- Queries ------------------------------------------------------------
    let filters = Filters::default();
    let mut count_stmt = db
        .prepare("SELECT count(*) FROM p WHERE p MATCH ?1")
        .expect("prepare");
    let mut top_stmt = db
        .prepare(
            "SELECT rowid, snippet(p, 0, '[', ']', '…', 24) FROM p WHERE p MATCH ?1 \
             ORDER BY rank LIMIT 10",
        )
        .expect("prepare");
    let run_vigil = |q: &str| -> usize { index.search(q, &filters, 10, 0).expect("search").total };
    let mut run_fts = |q: &str| -> usize {
        let fq = fts_query(q);
        let total: i64 = count_stmt
            .query_row([&fq], |row| row.get(0))
            .expect("fts count");
        let rows = top_stmt
            .query_map([&fq], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
            })
            .expect("fts query")
            .count();
        assert!(rows <= 10);
        total as usize
    };
    // Warm-up, and the totals.
    let mut totals = Vec::new();
    for (_, q) in QUERIES {
        totals.push((run_vigil(q), run_fts(q)));
    }
    let mut vigil_times = Vec::new();
    let mut fts_times = Vec::new();
    let mut family_times: Vec<(Family, Duration, Duration)> = Vec::new();
    for _ in 0..rounds {
        for (family, q) in QUERIES {
            let t = Instant::now();
            run_vigil(q);
            let v = t.elapsed();
            let t = Instant::now();
            run_fts(q);
            let f = t.elapsed();
            vigil_times.push(v);
            fts_times.push(f);
            family_times.push((*family, v, f));
        }
    }
    vigil_times.sort();
    fts_times.sort();

    // --- Recall on the Chinese queries ---------------------------------------
    let mut recall_rows = Vec::new();
    for (family, q) in QUERIES.iter().filter(|(f, _)| *f != Family::English) {
        let rel = relevant(&paras, q);
        let vigil_found: HashSet<usize> = index
            .matching_keys(q, &filters)
            .expect("keys")
            .iter()
            .filter_map(|k| k.rsplit(':').next()?.parse().ok())
            .collect();
        let mut stmt = db
            .prepare("SELECT rowid FROM p WHERE p MATCH ?1")
            .expect("prepare");
        let fts_found: HashSet<usize> = stmt
            .query_map([fts_query(q)], |row| row.get::<_, i64>(0))
            .expect("fts")
            .map(|r| r.expect("row") as usize - 1)
            .collect();
        recall_rows.push((
            *family,
            *q,
            rel.len(),
            vigil_found.intersection(&rel).count(),
            vigil_found.difference(&rel).count(),
            fts_found.intersection(&rel).count(),
            fts_found.difference(&rel).count(),
        ));
    }

    // --- One write made visible ---------------------------------------------
    let mut vigil_commit = Vec::new();
    let mut fts_commit = Vec::new();
    for i in 0..200 {
        let text = format!("Late addition {i}: {}", paras[i % paras.len()]);
        let t = Instant::now();
        index
            .upsert(IndexDoc {
                key: format!("passage:late:{i}"),
                kind: "passage".into(),
                id: "late".into(),
                text: text.clone(),
                ..IndexDoc::default()
            })
            .expect("upsert");
        index.commit().expect("commit");
        vigil_commit.push(t.elapsed());
        let t = Instant::now();
        db.execute(
            "INSERT INTO p(rowid, text) VALUES (?1, ?2)",
            ((count + i + 1) as i64, &text),
        )
        .expect("insert");
        fts_commit.push(t.elapsed());
    }
    assert_eq!(
        index
            .search("\"Late addition 199\"", &filters, 10, 0)
            .unwrap()
            .total,
        1
    );
    vigil_commit.sort();
    fts_commit.sort();

    // --- Report -------------------------------------------------------------
    let rate = |d: Duration| count as f64 / d.as_secs_f64();
    println!();
    println!(
        "vigil's analyser loads jieba's dictionary and the traditional→simplified table once: {:.2} s",
        warm.as_secs_f64()
    );
    println!(
        "queries: {} ({} English, {} simplified Chinese, {} traditional Chinese), {rounds} rounds \
         after a warm-up; each asks for the total and the top 10 with a snippet",
        QUERIES.len(),
        QUERIES.iter().filter(|q| q.0 == Family::English).count(),
        QUERIES.iter().filter(|q| q.0 == Family::Simplified).count(),
        QUERIES
            .iter()
            .filter(|q| q.0 == Family::Traditional)
            .count(),
    );
    println!();
    println!(
        "{:<26} {:>12} {:>10} {:>9} {:>9} {:>9} {:>12} {:>12}",
        "system", "index s", "para/s", "MiB", "p50 ms", "p99 ms", "write p50", "write p99"
    );
    for (name, d, size, times, commits) in [
        (
            "vigil (tantivy)",
            vigil_index,
            vigil_size,
            &vigil_times,
            &vigil_commit,
        ),
        (
            "SQLite FTS5 (unicode61)",
            fts_index,
            fts_size,
            &fts_times,
            &fts_commit,
        ),
    ] {
        println!(
            "{:<26} {:>12.2} {:>10.0} {:>9.1} {:>9.3} {:>9.3} {:>12.3} {:>12.3}",
            name,
            d.as_secs_f64(),
            rate(d),
            size as f64 / 1048576.0,
            percentile(times, 0.5),
            percentile(times, 0.99),
            percentile(commits, 0.5),
            percentile(commits, 0.99),
        );
    }
    println!("(write = one paragraph made visible: vigil upsert + commit + reader reload; FTS5 one autocommitted INSERT, WAL, synchronous=NORMAL)");
    println!();
    println!("latency by query family (ms):");
    println!(
        "{:<22} {:>10} {:>10} {:>10} {:>10}",
        "family", "vigil p50", "vigil p99", "FTS5 p50", "FTS5 p99"
    );
    for (family, name) in [
        (Family::English, "English"),
        (Family::Simplified, "Chinese, simplified"),
        (Family::Traditional, "Chinese, traditional"),
    ] {
        let mut v: Vec<Duration> = family_times
            .iter()
            .filter(|t| t.0 == family)
            .map(|t| t.1)
            .collect();
        let mut f: Vec<Duration> = family_times
            .iter()
            .filter(|t| t.0 == family)
            .map(|t| t.2)
            .collect();
        v.sort();
        f.sort();
        println!(
            "{:<22} {:>10.3} {:>10.3} {:>10.3} {:>10.3}",
            name,
            percentile(&v, 0.5),
            percentile(&v, 0.99),
            percentile(&f, 0.5),
            percentile(&f, 0.99)
        );
    }
    println!();
    println!("hits per English query (vigil stems, FTS5's unicode61 does not):");
    let mut line = String::new();
    for ((family, q), (v, f)) in QUERIES.iter().zip(&totals) {
        if *family == Family::English {
            line.push_str(&format!("  {q}: {v}/{f}"));
        }
    }
    println!("{line}");
    println!();
    println!(
        "Chinese queries: relevant = paragraphs containing every query word in either \
         character set (plain scan)."
    );
    println!(
        "Note: FTS5's unicode61 tokenizer treats a run of Han characters (up to the next \
         punctuation or space) as one token, so a Chinese word is found only when it stands \
         alone between punctuation."
    );
    println!(
        "{:<16} {:>9} {:>12} {:>12} {:>12} {:>12}",
        "query", "relevant", "vigil found", "vigil other", "FTS5 found", "FTS5 other"
    );
    let (mut sr, mut sv, mut svo, mut sf, mut sfo) = (0, 0, 0, 0, 0);
    for (_, q, rel, v, vo, f, fo) in &recall_rows {
        println!("{q:<16} {rel:>9} {v:>12} {vo:>12} {f:>12} {fo:>12}");
        sr += rel;
        sv += v;
        svo += vo;
        sf += f;
        sfo += fo;
    }
    println!(
        "{:<16} {sr:>9} {sv:>12} {svo:>12} {sf:>12} {sfo:>12}",
        "all"
    );
    println!(
        "(found = relevant paragraphs found; other = paragraphs found that the scan does not \
         count as relevant)"
    );
}
