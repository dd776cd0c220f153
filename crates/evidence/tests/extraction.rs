//! Extraction of the fixtures the project owns (made by
//! `tests/fixtures/make_fixtures.py`), in process and through the
//! isolated worker.

// A test or bench fails loudly at the first unwrap: that is what it is for.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use vigil_evidence::{
    extract, extract_isolated, quote_occurs, sniff, EvidenceError, Extraction, Limits, MediaType,
    WorkerCommand,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap()
}

fn worker() -> WorkerCommand {
    WorkerCommand::new(env!("CARGO_BIN_EXE_vigil-extract-worker"))
}

const LIMITS: Limits = Limits {
    seconds: 20,
    memory_bytes: 512 * 1024 * 1024,
};

/// (page, text) of every paragraph, numbers checked to run 1, 2, 3, ...
fn paragraphs(ex: &Extraction) -> Vec<(Option<u32>, &str)> {
    for (i, p) in ex.paragraphs.iter().enumerate() {
        assert_eq!(p.number, i as u32 + 1);
    }
    ex.paragraphs
        .iter()
        .map(|p| (p.page, p.text.as_str()))
        .collect()
}

const PDF_PARAGRAPHS: &[(Option<u32>, &str)] = &[
    (Some(1), "Detention, Forced Labour and Family Separation in 2023"),
    (
        Some(1),
        "Since 2017, researchers have collected documents showing that up to an estimated one million \
         Uyghurs and members of other predominantly Muslim minorities were held in facilities that the \
         government calls vocational education and training centres.",
    ),
    (
        Some(1),
        "The authorities describe attendance as voluntary and say that most trainees have graduated. \
         Former detainees interviewed for this report described locked doors, guarded dormitories and \
         daily political instruction.",
    ),
    (
        Some(1),
        "Recruitment notices show that one Xinjiang-based company supplied labour to factories in other \
         provinces under transfer programmes, according to internal correspondence that the researchers \
         reviewed and preserved.",
    ),
    (
        Some(2),
        "Families abroad reported that relatives had disappeared without notice. In several cases, \
         children of detainees were placed in state boarding schools while their parents remained in custody.",
    ),
    (
        Some(2),
        "The government rejects these findings as fabrications, and points to poverty eradication and \
         employment figures as evidence that its policies protect the rights of all ethnic groups in the region.",
    ),
    (
        Some(2),
        "This report records each of these assertions with its source, so that readers can compare them side by side.",
    ),
];

#[test]
fn two_column_pdf_rebuilds_exact_paragraphs() {
    let bytes = read("two_column.pdf");
    assert_eq!(sniff(&bytes, "two_column.pdf"), MediaType::Pdf);
    let ex = extract(&bytes, &MediaType::Pdf).unwrap();
    assert_eq!(ex.pages, Some(2));
    assert_eq!(paragraphs(&ex), PDF_PARAGRAPHS);
    // Each paragraph maps back to the raw lines it was made of, on its page.
    let p1 = &ex.paragraphs[1];
    let source = ex.source_of(p1);
    assert!(
        source.starts_with("Since 2017, researchers have collected docu-\n"),
        "{source:?}"
    );
    assert!(source.ends_with("training centres."));
    let p4 = &ex.paragraphs[3];
    assert!(
        ex.source_of(p4).contains('\x0c'),
        "paragraph 4 runs on to page 2"
    );
    let pages = ex.raw_pages();
    assert_eq!(pages.len(), 2);
    assert!(pages[0].contains("Vigil Fixture Report 2023"));
    assert!(pages[1].contains("Page 2 of 2"));
}

#[test]
fn isolated_extraction_gives_the_same_paragraphs() {
    let ex = extract_isolated(
        &worker(),
        &fixture("two_column.pdf"),
        &MediaType::Pdf,
        LIMITS,
    )
    .unwrap();
    assert_eq!(paragraphs(&ex), PDF_PARAGRAPHS);
    let direct = extract(&read("two_column.pdf"), &MediaType::Pdf).unwrap();
    assert_eq!(ex, direct);
}

#[test]
fn quotes_are_checked_against_rebuilt_paragraphs() {
    let ex = extract(&read("two_column.pdf"), &MediaType::Pdf).unwrap();
    let p = &ex.paragraphs[1].text;
    // Copied from a viewer, with the line break and the hyphenation.
    assert!(quote_occurs(
        p,
        "researchers have collected documents showing"
    ));
    assert!(quote_occurs(
        p,
        "vocational education\nand training centres"
    ));
    assert!(!quote_occurs(p, "researchers have collected docu- ments"));
    assert!(!quote_occurs(p, "up to two million Uyghurs"));
}

#[test]
fn truncated_pdf_gives_a_readable_error() {
    let err = extract(&read("truncated.pdf"), &MediaType::Pdf).unwrap_err();
    assert!(matches!(err, EvidenceError::Malformed(_)), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("ends before its cross-reference table"),
        "{message}"
    );

    let err = extract_isolated(
        &worker(),
        &fixture("truncated.pdf"),
        &MediaType::Pdf,
        LIMITS,
    )
    .unwrap_err();
    assert_eq!(err.to_string(), message);
}

#[test]
fn pdf_bomb_is_stopped_by_the_limits() {
    let limits = Limits {
        seconds: 15,
        memory_bytes: 256 * 1024 * 1024,
    };
    let started = Instant::now();
    let err =
        extract_isolated(&worker(), &fixture("bomb.pdf"), &MediaType::Pdf, limits).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(40));
    let message = err.to_string();
    match err {
        EvidenceError::OutOfMemory { bytes } => {
            assert_eq!(bytes, 256 * 1024 * 1024);
            assert!(
                message.starts_with("extraction ran out of its 256 MiB of memory"),
                "{message}"
            );
        }
        EvidenceError::TimedOut { seconds } => {
            assert_eq!(seconds, 15);
            assert!(
                message.starts_with("extraction stopped after 15 s"),
                "{message}"
            );
        }
        other => panic!("the bomb was not stopped by a limit: {other:?}"),
    }
}

#[test]
fn a_hanging_worker_is_killed_at_the_deadline() {
    let sleeper = WorkerCommand::new("/bin/sh").arg("-c").arg("sleep 30");
    let started = Instant::now();
    let err = extract_isolated(
        &sleeper,
        &fixture("two_column.pdf"),
        &MediaType::Pdf,
        Limits {
            seconds: 1,
            memory_bytes: 256 * 1024 * 1024,
        },
    )
    .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(
        err.to_string().starts_with("extraction stopped after 1 s"),
        "{err}"
    );
}

#[test]
fn a_spinning_worker_is_stopped_by_the_cpu_limit() {
    let spinner = WorkerCommand::new("/bin/sh")
        .arg("-c")
        .arg("while :; do :; done");
    let err = extract_isolated(
        &spinner,
        &fixture("two_column.pdf"),
        &MediaType::Pdf,
        Limits {
            seconds: 1,
            memory_bytes: 256 * 1024 * 1024,
        },
    )
    .unwrap_err();
    assert!(
        matches!(err, EvidenceError::TimedOut { seconds: 1 }),
        "{err:?}"
    );
}

#[test]
fn a_worker_with_a_bad_answer_is_a_readable_failure() {
    let liar = WorkerCommand::new("/bin/sh")
        .arg("-c")
        .arg("echo not json; exit 7");
    let err =
        extract_isolated(&liar, &fixture("two_column.pdf"), &MediaType::Pdf, LIMITS).unwrap_err();
    assert_eq!(
        err.to_string(),
        "extraction failed: the worker exited with code 7 without an answer; the file is kept"
    );
    let missing = WorkerCommand::new("/nonexistent/vigil-worker");
    let err = extract_isolated(
        &missing,
        &fixture("two_column.pdf"),
        &MediaType::Pdf,
        LIMITS,
    )
    .unwrap_err();
    assert!(matches!(err, EvidenceError::Spawn { .. }), "{err:?}");
}

#[test]
fn hard_wrapped_text_rebuilds_exact_paragraphs() {
    let bytes = read("hard_wrapped.txt");
    assert_eq!(sniff(&bytes, "hard_wrapped.txt"), MediaType::PlainText);
    let ex = extract(&bytes, &MediaType::PlainText).unwrap();
    assert_eq!(ex.pages, Some(2));
    assert_eq!(
        paragraphs(&ex),
        vec![
            (
                Some(1),
                "Testimony of a former detainee, recorded in Istanbul in March 2021. The witness asked \
                 that her name be withheld because relatives remain in the Xinjiang Uyghur Autonomous Region."
            ),
            (
                Some(1),
                "She said that she was taken from her home at night in 2018 and held for eleven months \
                 in a facility surrounded by walls and watchtowers, where detainees were required to \
                 learn Mandarin and to renounce their religious practice."
            ),
            (
                Some(1),
                "证人说，她在二〇一八年被带走，在一个被围墙和瞭望塔包围的设施里关押了十一个月，被要求学习普通话并放弃宗教活动。她的家人至今仍在新疆。"
            ),
            (
                Some(2),
                "ئۇ ئۆزىنىڭ 2018-يىلى كېچىسى ئۆيىدىن ئېلىپ كېتىلگەنلىكىنى ۋە ئون بىر ئاي تۇتۇپ تۇرۇلغانلىقىنى ئېيتتى."
            ),
            (
                Some(2),
                "After her release she was assigned to work in a garment factory. She was not paid for \
                 the first three months, and her passport was kept by the factory management until she \
                 left the country in 2020."
            ),
        ]
    );
    // The raw text is the file, and each paragraph points into it.
    assert_eq!(ex.raw_text.as_bytes(), bytes.as_slice());
    let first = &ex.paragraphs[0];
    assert!(ex
        .source_of(first)
        .starts_with("Testimony of a former detainee"));
    assert!(ex.source_of(first).ends_with("Region."));
    assert!(ex.source_of(first).contains("be-\n\ncause"));
    let chinese = &ex.paragraphs[2];
    assert!(quote_occurs(
        &chinese.text,
        "在一个被围墙和瞭望塔包围的设施\n里关押了十一个月"
    ));
}

#[test]
fn html_page_gives_blocks_in_three_languages() {
    let bytes = read("page.html");
    assert_eq!(sniff(&bytes, "page.html"), MediaType::Html);
    let ex = extract(&bytes, &MediaType::Html).unwrap();
    assert_eq!(ex.pages, None);
    assert_eq!(
        paragraphs(&ex),
        vec![
            (None, "Statement on the sentencing of a scholar"),
            (
                None,
                "The economist Ilham Tohti was sentenced to life imprisonment in September 2014 on \
                 charges of separatism, after a two-day trial."
            ),
            (
                None,
                "His students and colleagues described him as a moderate voice who called for dialogue \
                 between Uyghurs and Han Chinese."
            ),
            (None, "In Chinese"),
            (None, "经济学家伊力哈木·土赫提于二〇一四年九月被判处无期徒刑。"),
            (None, "經濟學家伊力哈木·土赫提於二〇一四年九月被判處無期徒刑。"),
            (None, "In Uyghur"),
            (None, "ئىقتىسادشۇناس ئىلھام توختى 2014-يىلى سېنتەبىردە مۇددەتسىز قاماق جازاسىغا ھۆكۈم قىلىندى."),
            (None, "Trial: September 2014, Urumqi"),
            (None, "Sentence: life imprisonment"),
            (None, "Address for letters:\nXinjiang No. 1 Prison\nUrumqi"),
        ]
    );
    for p in &ex.paragraphs {
        assert_eq!(ex.source_of(p), p.text);
    }
}

#[test]
fn docx_gives_its_paragraphs() {
    let bytes = read("statement.docx");
    assert_eq!(sniff(&bytes, "statement.docx"), MediaType::Docx);
    assert_eq!(sniff(&bytes, "statement.zip"), MediaType::Docx);
    let ex = extract(&bytes, &MediaType::Docx).unwrap();
    assert_eq!(
        paragraphs(&ex),
        vec![
            (None, "Statement of a witness"),
            (
                None,
                "I was detained in Urumqi in April 2018 and held for eleven months."
            ),
            (None, "Date: 12 March 2021"),
            (None, "Address:\nIstanbul, Turkey"),
            (None, "Facility"),
            (None, "Period"),
            (None, "我于二〇一八年四月在乌鲁木齐被拘留。"),
            (None, "مەن 2018-يىلى ئاپرېلدا ئۈرۈمچىدە تۇتۇلدۇم."),
            (None, "Signed & dated <by the witness>."),
        ]
    );
    let isolated = extract_isolated(
        &worker(),
        &fixture("statement.docx"),
        &MediaType::Docx,
        LIMITS,
    )
    .unwrap();
    assert_eq!(isolated, ex);
}

#[test]
fn a_file_that_is_not_what_its_name_says_is_read_as_what_it_is() {
    let bytes = read("report.pdf");
    assert_eq!(sniff(&bytes, "report.pdf"), MediaType::Html);
    let ex = extract_isolated(&worker(), &fixture("report.pdf"), &MediaType::Html, LIMITS).unwrap();
    assert_eq!(
        paragraphs(&ex),
        vec![
            (None, "Not Found"),
            (None, "The requested report was not found on this server.")
        ]
    );
    // Read as the PDF its name claims, it is refused with a reason.
    let err = extract(&bytes, &MediaType::Pdf).unwrap_err();
    assert!(err.to_string().starts_with("not a PDF"), "{err}");
}

#[test]
fn unsupported_types_are_refused_without_running_anything() {
    let gif = MediaType::Other("image/gif".into());
    let err = extract_isolated(&worker(), &fixture("report.pdf"), &gif, LIMITS).unwrap_err();
    assert!(matches!(err, EvidenceError::Unsupported(_)));
    assert!(
        err.to_string()
            .starts_with("image/gif files are kept as they are"),
        "{err}"
    );
}
