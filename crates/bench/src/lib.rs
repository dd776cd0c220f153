//! Helpers shared by vigil's benchmarks: data generators and measurement.
//!
//! Each benchmark runs every contender in a child process of its own (the
//! bench binary re-executes itself), so that the peak memory reported for
//! one is not inflated by another.

use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Peak resident memory of this process so far, in bytes (Linux `VmHWM`).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// A small deterministic generator (SplitMix64): the same data every run,
/// without a dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next_u64() % items.len() as u64) as usize]
    }
}

const SURNAMES: [(&str, &str); 12] = [
    ("王", "Wang"),
    ("李", "Li"),
    ("张", "Zhang"),
    ("刘", "Liu"),
    ("陈", "Chen"),
    ("杨", "Yang"),
    ("黄", "Huang"),
    ("赵", "Zhao"),
    ("周", "Zhou"),
    ("吴", "Wu"),
    ("徐", "Xu"),
    ("孙", "Sun"),
];
const GIVEN: [(&str, &str); 12] = [
    ("伟", "Wei"),
    ("芳", "Fang"),
    ("娜", "Na"),
    ("敏", "Min"),
    ("静", "Jing"),
    ("强", "Qiang"),
    ("磊", "Lei"),
    ("洋", "Yang"),
    ("艳", "Yan"),
    ("勇", "Yong"),
    ("军", "Jun"),
    ("杰", "Jie"),
];
const UYGHUR: [(&str, &str); 8] = [
    ("ئىلھام", "Ilham"),
    ("رەھىلە", "Rahile"),
    ("گۈلشەن", "Gulshen"),
    ("تاشپولات", "Tashpolat"),
    ("پەرھات", "Perhat"),
    ("مىھرىگۈل", "Mihrigul"),
    ("ئابدۇۋەلى", "Abduweli"),
    ("زۇمرەت", "Zumret"),
];
const EVENT_TYPES: [&str; 8] = [
    "detention.criminal",
    "detention.formal_arrest",
    "detention.rsdl",
    "detention.camp",
    "disappearance",
    "trial",
    "sentence",
    "release.end_of_sentence",
];

/// Writes `persons` people and as many events (each about one person) as
/// JSON Lines in the export format, people first. Returns the line count.
pub fn write_persons_and_events(path: &Path, persons: u64) -> io::Result<u64> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    let mut rng = Rng::new(42);
    let person_id = |i: u64| format!("00000000-0000-4000-8000-{i:012}");
    for i in 0..persons {
        let names = if rng.next_u64().is_multiple_of(3) {
            let (ug, latin) = rng.pick(&UYGHUR);
            format!(r#"[{{"text":"{ug}"}},{{"text":"{latin} {}"}}]"#, i % 9973)
        } else {
            let (s, sl) = rng.pick(&SURNAMES);
            let (g, gl) = rng.pick(&GIVEN);
            format!(r#"[{{"text":"{s}{g}"}},{{"text":"{sl} {gl}"}}]"#)
        };
        let sex = if rng.next_u64().is_multiple_of(2) {
            "female"
        } else {
            "male"
        };
        let year = 1940 + rng.next_u64() % 70;
        writeln!(
            out,
            r#"{{"kind":"person","id":"{}","names":{names},"sex":"{sex}","birth_date":"{year}","ethnicity":"Uyghur","confidentiality":"internal"}}"#,
            person_id(i)
        )?;
    }
    for i in 0..persons {
        let victim = person_id(rng.next_u64() % persons);
        let t = rng.pick(&EVENT_TYPES);
        let (y, m) = (2015 + rng.next_u64() % 8, 1 + rng.next_u64() % 12);
        writeln!(
            out,
            r#"{{"kind":"event","id":"00000000-0000-4000-9000-{i:012}","type":"{t}","date":"{y}-{m:02}","description":"Reported by a relative abroad.","participants":[{{"person":"{victim}","role":"victim"}}]}}"#
        )?;
    }
    out.flush()?;
    Ok(persons * 2)
}

/// A persons CSV as a spreadsheet user would bring it: names in two
/// scripts separated by `|`, sex, birth year; ids derived from the rows.
pub fn write_persons_csv(path: &Path, persons: u64) -> io::Result<u64> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    let mut rng = Rng::new(7);
    writeln!(out, "names,sex,birth_date,description")?;
    for i in 0..persons {
        let names = if rng.next_u64().is_multiple_of(3) {
            let (ug, latin) = rng.pick(&UYGHUR);
            format!("{ug}|{latin} {}", i % 9973)
        } else {
            let (s, sl) = rng.pick(&SURNAMES);
            let (g, gl) = rng.pick(&GIVEN);
            format!("{s}{g}|{sl} {gl} {}", i % 9973)
        };
        let sex = if rng.next_u64().is_multiple_of(2) {
            "f"
        } else {
            "m"
        };
        let year = 1940 + rng.next_u64() % 70;
        writeln!(out, "{names},{sex},{year},row {i}")?;
    }
    out.flush()?;
    Ok(persons)
}
