//! Turning the bytes of an import file into UTF-8, whatever it was saved in.
//!
//! Files reach documenters from spreadsheets on every platform: Excel on
//! Windows saves Windows-1252 (or UTF-16 for "Unicode text"), old Macs save
//! Mac Roman, everything else saves UTF-8, with or without a byte order mark.
//! Guessing wrong turns "José" into "JosÈ" silently, so the guess is made
//! on evidence: a byte order mark, the NUL bytes of UTF-16, and for the
//! rest the first non-ASCII bytes of the file.
//!
//! Detection waits for the first non-ASCII byte rather than looking only at
//! the start of the file: a file that is ASCII for its first megabyte says
//! nothing about its encoding there, and a guess made on that stretch would
//! fail later on the first "é". ASCII reads the same in every encoding
//! considered, so nothing is lost by deciding late.

use std::collections::VecDeque;
use std::io::{self, Read};
use std::sync::{Arc, Mutex, MutexGuard};

use encoding_rs::{
    DecoderResult, Encoding, GB18030, MACINTOSH, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252,
};

/// How many bytes of evidence detection looks at.
pub(crate) const SAMPLE: usize = 64 * 1024;

const CHUNK: usize = 64 * 1024;

/// Encodings named in help and error messages.
pub(crate) const EXAMPLE_LABELS: &str =
    "utf-8, utf-16le, utf-16be, windows-1252, macintosh (Mac Roman), gb18030, big5, shift_jis, iso-8859-2";

/// Resolves an `--encoding` value: the WHATWG labels, plus the spellings of
/// Mac Roman people actually type.
pub(crate) fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let label = label.trim().to_ascii_lowercase();
    if matches!(
        label.as_str(),
        "mac-roman" | "macroman" | "mac_roman" | "mac roman" | "macintosh"
    ) {
        return Some(MACINTOSH);
    }
    // The "replacement" encoding turns a whole file into one U+FFFD; it is
    // never what someone asking for it by name wants.
    Encoding::for_label(label.as_bytes()).filter(|e| *e != encoding_rs::REPLACEMENT)
}

/// The name shown to users: the WHATWG name (`macintosh` for Mac Roman).
pub(crate) fn display_name(encoding: &'static Encoding) -> &'static str {
    encoding.name()
}

/// BOM-less UTF-16 from the position of NUL bytes: text in Latin script
/// has a NUL in every other byte, on the odd side for little-endian. No
/// other text encoding contains NUL at all.
pub(crate) fn sniff_utf16(sample: &[u8]) -> Option<&'static Encoding> {
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, b) in sample.iter().enumerate() {
        if *b == 0 {
            if i % 2 == 0 {
                even += 1;
            } else {
                odd += 1;
            }
        }
    }
    let pairs = sample.len() / 2;
    // Ten percent is far below what CSV punctuation alone produces, and far
    // above what a stray NUL in a broken file does.
    if odd * 10 >= pairs && odd > 0 && even * 20 <= odd {
        Some(UTF_16LE)
    } else if even * 10 >= pairs && even > 0 && odd * 20 <= even {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Decides the encoding of text that is not pure ASCII, from a sample that
/// starts at (or before) its first non-ASCII byte.
pub(crate) fn detect(sample: &[u8], at_eof: bool) -> &'static Encoding {
    match std::str::from_utf8(sample) {
        Ok(_) => return UTF_8,
        // A multi-byte character cut by the end of the sample is fine.
        Err(e) if e.error_len().is_none() && !at_eof => return UTF_8,
        Err(_) => {}
    }
    if looks_like_gb18030(sample) {
        return GB18030;
    }
    if legacy_score(sample, MACINTOSH) > legacy_score(sample, WINDOWS_1252) {
        MACINTOSH
    } else {
        WINDOWS_1252
    }
}

/// Chinese Excel saves CSV in GBK (GB18030). Its text pairs high bytes, and
/// nearly all common characters have both bytes in 0xA1..=0xFE (the GB2312
/// area). Western text in a legacy encoding has isolated high bytes next to
/// ASCII letters and punctuation, which breaks the pairing almost at once.
fn looks_like_gb18030(sample: &[u8]) -> bool {
    let (mut pairs, mut gb2312) = (0usize, 0usize);
    let mut i = 0;
    while i < sample.len() {
        let b = sample[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        if !(0x81..=0xFE).contains(&b) {
            return false;
        }
        let Some(&b2) = sample.get(i + 1) else { break };
        if (0x40..=0xFE).contains(&b2) && b2 != 0x7F {
            pairs += 1;
            if b >= 0xA1 && b2 >= 0xA1 {
                gb2312 += 1;
            }
            i += 2;
        } else if (0x30..=0x39).contains(&b2) {
            // Four-byte sequences: rare characters (many Uyghur letters).
            i += 4;
        } else {
            return false;
        }
    }
    pairs >= 2 && gb2312 * 10 >= pairs * 9
}

/// How plausible the high bytes of a sample are as Western European text in
/// a single-byte encoding: accented small letters inside words score, mid-
/// word capitals and unassigned bytes cost. Mac Roman puts é at 0x8E where
/// Windows-1252 has Ž, and Windows-1252 puts é at 0xE9 where Mac Roman has
/// È, so the wrong reading of a real text is full of odd capitals.
pub(crate) fn legacy_score(sample: &[u8], encoding: &'static Encoding) -> i64 {
    let table = high_half(encoding);
    let char_at = |i: usize| -> Option<char> {
        let b = *sample.get(i)?;
        if b < 0x80 {
            Some(b as char)
        } else {
            Some(table[(b - 0x80) as usize])
        }
    };
    let mut score = 0i64;
    for (i, &b) in sample.iter().enumerate() {
        if b < 0x80 {
            continue;
        }
        let c = table[(b - 0x80) as usize];
        let prev = i.checked_sub(1).and_then(char_at);
        let next = char_at(i + 1);
        let prev_letter = prev.is_some_and(char::is_alphabetic);
        let next_letter = next.is_some_and(char::is_alphabetic);
        score += if ('\u{80}'..='\u{9F}').contains(&c) || c == '\u{FFFD}' {
            // Unassigned in this encoding: a real file would not have it.
            -10
        } else if c.is_alphabetic() && c.is_lowercase() {
            if prev_letter {
                3
            } else {
                1
            }
        } else if c.is_alphabetic() && c.is_uppercase() {
            if prev.is_some_and(char::is_lowercase) {
                -2
            } else {
                1
            }
        } else {
            match c {
                '\u{2019}' if prev_letter => 3, // don’t
                '\u{201C}' | '\u{2018}' | '\u{00AB}' if next_letter => 3,
                '\u{201D}' | '\u{00BB}' if prev_letter => 3,
                '\u{2018}'..='\u{201E}'
                | '\u{2013}'
                | '\u{2014}'
                | '\u{2026}'
                | '\u{2022}'
                | '\u{00A0}'
                | '\u{00B0}'
                | '\u{00A9}'
                | '\u{00AE}'
                | '\u{20AC}'
                | '\u{00A3}'
                | '\u{00B7}'
                | '\u{00AB}'
                | '\u{00BB}' => 1,
                _ => -2,
            }
        };
    }
    score
}

fn high_half(encoding: &'static Encoding) -> [char; 128] {
    let mut table = ['\u{FFFD}'; 128];
    for (i, slot) in table.iter_mut().enumerate() {
        let byte = [0x80 + i as u8];
        let (text, _) = encoding.decode_without_bom_handling(&byte);
        if let Some(c) = text.chars().next() {
            *slot = c;
        }
    }
    table
}

/// A byte sequence that is not valid in the file's encoding, where it is.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub(crate) struct DecodeError {
    pub line: u64,
    pub message: String,
}

/// Starts of lines in the decoded text, kept only until the records before
/// them have been read, so that a CSV record's byte position can be turned
/// into a line number. The csv crate counts only `\n`, which would put
/// every record of a file with old Mac (CR-only) line endings on line 1.
#[derive(Debug, Default)]
pub(crate) struct LineIndex {
    /// Whether to keep the offsets, or only count lines (for the line of a
    /// decoding error).
    keep: bool,
    /// Line breaks, in order: where each begins (its `\r` or `\n`) and
    /// where the line after it starts.
    breaks: VecDeque<(u64, u64)>,
    /// How many line starts were dropped from the front.
    dropped: u64,
    pending_cr: bool,
    offset: u64,
}

impl LineIndex {
    pub(crate) fn new(keep: bool) -> Self {
        LineIndex {
            keep,
            ..LineIndex::default()
        }
    }

    fn push(&mut self, begin: u64, start: u64) {
        if self.keep {
            self.breaks.push_back((begin, start));
        } else {
            self.dropped += 1;
        }
    }

    fn feed(&mut self, text: &[u8]) {
        for (i, &b) in text.iter().enumerate() {
            let at = self.offset + i as u64;
            if self.pending_cr {
                self.pending_cr = false;
                if b == b'\n' {
                    self.push(at - 1, at + 1);
                    continue;
                }
                self.push(at - 1, at);
            }
            match b {
                b'\r' => self.pending_cr = true,
                b'\n' => self.push(at, at + 1),
                _ => {}
            }
        }
        self.offset += text.len() as u64;
    }

    fn finish(&mut self) {
        if self.pending_cr {
            self.pending_cr = false;
            let end = self.offset;
            self.push(end - 1, end);
        }
    }

    /// The 1-based line of the first text at or after `offset` that is not
    /// a line break: the csv crate puts a record's start before the `\n` of
    /// a CRLF ending the previous one, and before the blank lines it skips.
    /// Offsets must be asked in increasing order: what lies before is
    /// forgotten. `None` when the index only counts.
    pub(crate) fn line_of(&mut self, mut offset: u64) -> Option<u64> {
        if !self.keep {
            return None;
        }
        while let Some(&(begin, start)) = self.breaks.front() {
            if start <= offset {
                self.breaks.pop_front();
                self.dropped += 1;
            } else if begin <= offset {
                offset = start;
            } else {
                break;
            }
        }
        Some(self.dropped + 1)
    }

    /// The line the decoder has reached.
    fn current_line(&self) -> u64 {
        self.dropped + self.breaks.len() as u64 + 1 + u64::from(self.pending_cr)
    }
}

/// What the reader side wants to know about the decoding going on below it.
#[derive(Debug)]
pub(crate) struct Shared {
    pub bytes_read: u64,
    pub encoding: &'static Encoding,
    pub lines: LineIndex,
}

pub(crate) type SharedState = Arc<Mutex<Shared>>;

pub(crate) fn lock(shared: &SharedState) -> MutexGuard<'_, Shared> {
    // A panic while holding the lock leaves plain counters behind, which
    // are still fine to read.
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

enum State {
    /// Only ASCII seen so far.
    Undecided,
    Decoding(encoding_rs::Decoder),
}

/// A reader that yields UTF-8 from a file in any supported encoding, in
/// bounded memory.
pub(crate) struct DecodeReader<R> {
    inner: R,
    raw: Vec<u8>,
    raw_pos: usize,
    /// File offset of `raw[0]`.
    raw_base: u64,
    raw_eof: bool,
    state: State,
    /// Why this encoding, for messages: given, announced or guessed.
    why: &'static str,
    out: Vec<u8>,
    out_pos: usize,
    finished: bool,
    /// The last few ASCII bytes before the first non-ASCII one: whether
    /// "\x8E" is é or Ž depends on the letters before it.
    context: Vec<u8>,
    /// An error to report once the text before it has been read, so that
    /// the reader above has counted every line before the bad bytes.
    pending: Option<io::Error>,
    shared: SharedState,
}

impl<R: Read> DecodeReader<R> {
    /// Looks at the start of the file for a byte order mark or UTF-16, then
    /// decodes lazily.
    pub(crate) fn new(
        inner: R,
        forced: Option<&'static Encoding>,
        track_lines: bool,
    ) -> io::Result<Self> {
        let shared = Arc::new(Mutex::new(Shared {
            bytes_read: 0,
            encoding: forced.unwrap_or(UTF_8),
            lines: LineIndex::new(track_lines),
        }));
        let mut reader = DecodeReader {
            inner,
            raw: Vec::with_capacity(CHUNK),
            raw_pos: 0,
            raw_base: 0,
            raw_eof: false,
            state: State::Undecided,
            why: if forced.is_some() {
                "the encoding given with --encoding"
            } else {
                "which the file looked like before this point"
            },
            out: Vec::with_capacity(CHUNK),
            out_pos: 0,
            finished: false,
            pending: None,
            context: Vec::new(),
            shared,
        };
        reader.fill_raw(SAMPLE)?;
        let start = &reader.raw[..];
        let chosen = match forced {
            Some(encoding) => Some(encoding),
            None => Encoding::for_bom(start)
                .map(|(e, _)| e)
                .or_else(|| sniff_utf16(start)),
        };
        if let Some(encoding) = chosen {
            // Removes a BOM of this encoding, keeps any other: with a forced
            // encoding, what the user asked for is what they get.
            reader.state = State::Decoding(encoding.new_decoder_with_bom_removal());
            lock(&reader.shared).encoding = encoding;
        }
        Ok(reader)
    }

    pub(crate) fn shared(&self) -> SharedState {
        Arc::clone(&self.shared)
    }

    /// Reads until `raw[raw_pos..]` holds at least `want` bytes or the file
    /// has ended.
    fn fill_raw(&mut self, want: usize) -> io::Result<()> {
        if self.raw_pos > 0 {
            self.raw.drain(..self.raw_pos);
            self.raw_base += self.raw_pos as u64;
            self.raw_pos = 0;
        }
        while self.raw.len() < want && !self.raw_eof {
            let old = self.raw.len();
            self.raw.resize(old + CHUNK, 0);
            let n = match self.inner.read(&mut self.raw[old..]) {
                Ok(0) => {
                    self.raw_eof = true;
                    0
                }
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => 0,
                Err(e) => {
                    self.raw.truncate(old);
                    return Err(e);
                }
            };
            self.raw.truncate(old + n);
            lock(&self.shared).bytes_read += n as u64;
        }
        Ok(())
    }

    /// Decodes the next stretch of the file into `out`.
    fn produce(&mut self) -> io::Result<()> {
        self.out.clear();
        self.out_pos = 0;
        if self.raw_pos == self.raw.len() {
            self.fill_raw(CHUNK)?;
        }
        let mut result = Ok(());
        match &mut self.state {
            State::Undecided => {
                let avail = &self.raw[self.raw_pos..];
                match avail.iter().position(|b| *b >= 0x80) {
                    None => {
                        self.out.extend_from_slice(avail);
                        keep_tail(&mut self.context, avail);
                        self.raw_pos = self.raw.len();
                        if self.raw_eof {
                            self.finished = true;
                        }
                    }
                    Some(0) => {
                        self.fill_raw(SAMPLE)?;
                        let mut sample = std::mem::take(&mut self.context);
                        sample.extend_from_slice(&self.raw[self.raw_pos..]);
                        let encoding = detect(&sample, self.raw_eof);
                        self.state = State::Decoding(encoding.new_decoder_without_bom_handling());
                        lock(&self.shared).encoding = encoding;
                    }
                    Some(i) => {
                        self.out.extend_from_slice(&avail[..i]);
                        keep_tail(&mut self.context, &avail[..i]);
                        self.raw_pos += i;
                    }
                }
            }
            State::Decoding(decoder) => {
                let src = &self.raw[self.raw_pos..];
                let room = decoder
                    .max_utf8_buffer_length_without_replacement(src.len())
                    .unwrap_or(src.len().saturating_mul(3))
                    .max(16);
                self.out.resize(room, 0);
                let last = self.raw_eof;
                let (status, read, written) =
                    decoder.decode_to_utf8_without_replacement(src, &mut self.out, last);
                self.out.truncate(written);
                self.raw_pos += read;
                match status {
                    DecoderResult::InputEmpty => {
                        if last {
                            self.finished = true;
                        }
                    }
                    DecoderResult::OutputFull => {}
                    DecoderResult::Malformed(bad, extra) => {
                        let end = read - usize::from(extra);
                        let start = end.saturating_sub(usize::from(bad));
                        let bytes = src[start..end]
                            .iter()
                            .map(|b| format!("0x{b:02X}"))
                            .collect::<Vec<_>>()
                            .join(" ");
                        let offset = self.raw_base + (self.raw_pos - read + start) as u64;
                        let encoding = lock(&self.shared).encoding;
                        let name = display_name(encoding);
                        let why = format!("not valid {name}, {}", self.why);
                        let message = format!(
                            "bytes {bytes} (at byte {offset} of the file) are {why}; the file may be in another encoding: pass --encoding with e.g. windows-1252, macintosh or gb18030"
                        );
                        self.finished = true;
                        result = Err(message);
                    }
                }
            }
        }
        let mut shared = lock(&self.shared);
        shared.lines.feed(&self.out);
        if self.finished {
            shared.lines.finish();
        }
        if let Err(message) = result {
            let line = shared.lines.current_line();
            self.pending = Some(io::Error::new(
                io::ErrorKind::InvalidData,
                DecodeError { line, message },
            ));
        }
        Ok(())
    }
}

fn keep_tail(context: &mut Vec<u8>, ascii: &[u8]) {
    const KEEP: usize = 16;
    context.extend_from_slice(&ascii[ascii.len().saturating_sub(KEEP)..]);
    let excess = context.len().saturating_sub(KEEP);
    context.drain(..excess);
}

impl<R: Read> Read for DecodeReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        while self.out_pos == self.out.len() {
            if let Some(error) = self.pending.take() {
                return Err(error);
            }
            if self.finished {
                return Ok(0);
            }
            self.produce()?;
        }
        let n = buf.len().min(self.out.len() - self.out_pos);
        buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(
        bytes: &[u8],
        forced: Option<&'static Encoding>,
    ) -> (io::Result<String>, &'static str) {
        let mut reader = DecodeReader::new(bytes, forced, true).expect("reading from memory");
        let shared = reader.shared();
        let mut text = String::new();
        let result = reader.read_to_string(&mut text).map(|_| text);
        let name = display_name(lock(&shared).encoding);
        (result, name)
    }

    fn encode(text: &str, encoding: &'static Encoding) -> Vec<u8> {
        let (bytes, _, unmappable) = encoding.encode(text);
        assert!(!unmappable, "{text} fits {}", encoding.name());
        bytes.into_owned()
    }

    #[test]
    fn tells_windows_1252_from_mac_roman() {
        for text in [
            "José Müller",
            "Françoise",
            "Hissène Habré",
            "Instance Equité et Réconciliation",
            "Ångström, Øresund, Straße",
        ] {
            assert_eq!(
                detect(&encode(text, WINDOWS_1252), true),
                WINDOWS_1252,
                "{text} in windows-1252"
            );
            assert_eq!(
                detect(&encode(text, MACINTOSH), true),
                MACINTOSH,
                "{text} in Mac Roman"
            );
        }
    }

    #[test]
    fn smart_quotes_stay_windows_1252() {
        let text = "He said “don’t” – twice…";
        assert_eq!(detect(&encode(text, WINDOWS_1252), true), WINDOWS_1252);
    }

    #[test]
    fn mac_roman_bytes_score_higher_as_mac_roman() {
        // é ü ç in Mac Roman are Ž Ÿ and an unassigned byte in Windows-1252.
        let sample = b"Jos\x8e M\x9fller, Fran\x8doise";
        assert!(legacy_score(sample, MACINTOSH) > legacy_score(sample, WINDOWS_1252));
        let sample = b"Jos\xe9 M\xfcller, Fran\xe7oise";
        assert!(legacy_score(sample, WINDOWS_1252) > legacy_score(sample, MACINTOSH));
    }

    #[test]
    fn recognises_gbk_from_chinese_excel() {
        let bytes = encode("姓名,性别\n刘晓波,男\n", GB18030);
        assert_eq!(detect(&bytes, true), GB18030);
        assert_ne!(
            detect(&encode("José Müller, Françoise", WINDOWS_1252), true),
            GB18030
        );
    }

    #[test]
    fn utf8_cut_at_the_end_of_the_sample_is_still_utf8() {
        let bytes = "伊力哈木".as_bytes();
        assert_eq!(detect(&bytes[..4], false), UTF_8);
        assert_eq!(detect(&bytes[..4], true), WINDOWS_1252);
    }

    #[test]
    fn finds_bomless_utf16_from_nul_bytes() {
        let text = "names,sex\nIlham Tohti,male\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(sniff_utf16(&le), Some(UTF_16LE));
        assert_eq!(sniff_utf16(&be), Some(UTF_16BE));
        assert_eq!(sniff_utf16(text.as_bytes()), None);
        assert_eq!(decode_all(&le, None).0.unwrap(), text);
        assert_eq!(decode_all(&be, None).0.unwrap(), text);
    }

    #[test]
    fn decides_at_the_first_non_ascii_byte_however_late() {
        let mut bytes = "a,b\n".repeat(40_000).into_bytes();
        bytes.extend_from_slice(b"Habr\x8e,x\n");
        let (text, name) = decode_all(&bytes, None);
        assert!(text.unwrap().ends_with("Habré,x\n"));
        assert_eq!(name, "macintosh");
    }

    #[test]
    fn invalid_utf8_after_a_utf8_start_names_the_line() {
        let mut bytes = "é\n".repeat(40_000).into_bytes();
        bytes.extend_from_slice(b"ok\nJos\xe9\n");
        let err = decode_all(&bytes, None).0.unwrap_err();
        let inner = err
            .get_ref()
            .and_then(|e| e.downcast_ref::<DecodeError>())
            .unwrap();
        assert_eq!(inner.line, 40_002);
        assert!(inner.message.contains("0xE9"), "{}", inner.message);
        assert!(inner.message.contains("--encoding"), "{}", inner.message);
    }

    #[test]
    fn strips_a_utf8_bom_and_honours_a_forced_encoding() {
        let (text, name) = decode_all("\u{feff}names\n伊力哈木\n".as_bytes(), None);
        assert_eq!(text.unwrap(), "names\n伊力哈木\n");
        assert_eq!(name, "UTF-8");
        let (text, _) = decode_all(b"Jos\x8e", Some(MACINTOSH));
        assert_eq!(text.unwrap(), "José");
    }

    #[test]
    fn understands_the_labels_people_type() {
        for label in ["mac-roman", "MacRoman", "macintosh", "x-mac-roman"] {
            assert_eq!(encoding_for_label(label), Some(MACINTOSH), "{label}");
        }
        assert_eq!(encoding_for_label("latin1"), Some(WINDOWS_1252));
        assert_eq!(encoding_for_label("UTF-16"), Some(UTF_16LE));
        assert_eq!(encoding_for_label("gbk"), Some(encoding_rs::GBK));
        assert_eq!(encoding_for_label("klingon"), None);
        assert_eq!(encoding_for_label("iso-2022-kr"), None);
    }

    #[test]
    fn counts_lines_with_any_ending() {
        let mut index = LineIndex::new(true);
        index.feed(b"a\rb\r\nc\nd\r");
        index.feed(b"\ne");
        index.finish();
        assert_eq!(index.line_of(0), Some(1));
        assert_eq!(index.line_of(2), Some(2));
        // The `\n` of a CRLF belongs to the line before; what follows it
        // starts line 3.
        assert_eq!(index.line_of(4), Some(3));
        assert_eq!(index.line_of(5), Some(3));
        assert_eq!(index.line_of(7), Some(4));
        assert_eq!(index.line_of(10), Some(5));
        let mut blank = LineIndex::new(true);
        blank.feed(b"a\r\r\rb");
        assert_eq!(
            blank.line_of(2),
            Some(4),
            "blank lines are skipped to the record"
        );
        let mut counter = LineIndex::new(false);
        counter.feed(b"a\rb\r\nc\nd\r");
        assert_eq!(counter.current_line(), 5);
        assert_eq!(counter.line_of(0), None);
    }
}
