//! Reading import files into records.

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::Path;

use csv::StringRecord;
use serde_json::{Map, Value};
use vigil_model::{Body, FieldError, Kind, RecordId};

use crate::columns::{csv_columns, Cell, CsvColumn};
use crate::decode::{self, display_name, lock, DecodeError, DecodeReader, SharedState};
use crate::error::ImportError;
use crate::ids::derived_id;

/// How to read a file. The fields mirror the `vigil import` options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The kind of every record in a CSV file (required there), or of the
    /// JSONL lines that carry no `kind` of their own.
    pub kind: Option<Kind>,
    /// A WHATWG encoding label (`windows-1252`, `utf-16le`, `gb18030`) or
    /// `mac-roman`, for when detection guesses wrong.
    pub encoding: Option<String>,
    /// CSV only: (the file's column, ours) pairs; ours `-` drops the column.
    pub map: Vec<(String, String)>,
    /// CSV only: (our column, value) pairs: the value of that column in
    /// every row whose cell is empty or that has no such column.
    pub set: Vec<(String, String)>,
}

impl ReadOptions {
    /// Splits a `--map "THEIRS=OURS"` argument. The last `=` separates, as
    /// our column names never contain one and a spreadsheet's might.
    pub fn parse_map_arg(arg: &str) -> Result<(String, String), String> {
        match arg.rsplit_once('=') {
            Some((theirs, ours)) if !theirs.trim().is_empty() && !ours.trim().is_empty() => {
                Ok((theirs.trim().to_string(), ours.trim().to_string()))
            }
            _ => Err(format!(
                "--map {arg:?}: write THEIRS=OURS, e.g. --map \"Date of Birth=birth_date\", or THEIRS=- to drop a column"
            )),
        }
    }

    /// Splits a `--set "COLUMN=VALUE"` argument. The first `=` separates,
    /// as a value may well contain one.
    pub fn parse_set_arg(arg: &str) -> Result<(String, String), String> {
        match arg.split_once('=') {
            Some((column, value)) if !column.trim().is_empty() => {
                Ok((column.trim().to_string(), value.to_string()))
            }
            _ => Err(format!(
                "--set {arg:?}: write COLUMN=VALUE, e.g. --set type=un_review.upr"
            )),
        }
    }
}

/// The two file formats vigil reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// JSON Lines: one record object per line, any kinds mixed.
    Jsonl,
    /// CSV (or TSV): one kind per file, one record per row.
    Csv,
}

impl Format {
    /// The format a file name implies, if it implies one.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
            "csv" | "tsv" | "txt" => Some(Format::Csv),
            _ => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Jsonl => "JSON Lines",
            Format::Csv => "CSV",
        })
    }
}

/// One record read from a file, not yet validated against vocabularies or
/// the store.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedRecord {
    pub kind: Kind,
    pub id: RecordId,
    pub body: Body,
    /// The line on which the record starts.
    pub line: u64,
}

/// Reads the records of one file, one at a time.
///
/// A bad record yields an error and reading goes on with the next one, so
/// that one run reports every bad row. An error that leaves the rest of the
/// file unreadable (bytes invalid in its encoding, a failing disk) is the
/// last item.
pub struct RecordReader {
    file: String,
    format: Format,
    shared: SharedState,
    total: Option<u64>,
    source: Source,
    finished: bool,
}

enum Source {
    Jsonl(JsonlSource),
    Csv(Box<CsvSource>),
}

type Stream = Box<dyn Read + Send>;

/// Longest JSONL line read: far above any real record, far below what
/// would exhaust memory on a file that is not JSONL at all.
const MAX_LINE: usize = 64 * 1024 * 1024;

/// Opens a file for reading: picks the format from the extension (or the
/// first character), the encoding from the bytes, and for CSV reads the
/// header and checks every column against the kind's.
pub fn open(path: &Path, options: &ReadOptions) -> Result<RecordReader, ImportError> {
    let file_name = path.display().to_string();
    let fail = |line: Option<u64>, message: String| ImportError::new(&file_name, line, message);
    let forced = match &options.encoding {
        Some(label) => Some(decode::encoding_for_label(label).ok_or_else(|| {
            fail(
                None,
                format!(
                    "unknown encoding {label:?}: give a label such as {}",
                    decode::EXAMPLE_LABELS
                ),
            )
        })?),
        None => None,
    };
    let by_extension = Format::from_path(path);
    let file = File::open(path).map_err(|e| fail(None, format!("cannot open the file: {e}")))?;
    let total = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    // Only CSV needs line numbers from byte positions; JSONL counts its own.
    let track_lines = by_extension == Some(Format::Csv);
    let decoder =
        DecodeReader::new(file, forced, track_lines).map_err(|e| io_error(&file_name, e))?;
    let shared = decoder.shared();
    let (head, decoder) = read_first_line(decoder).map_err(|e| io_error(&file_name, e))?;
    let format = match by_extension {
        Some(format) => format,
        None => sniff_format(&head).ok_or_else(|| {
            fail(
                None,
                "cannot tell whether this is CSV or JSON Lines: name it .csv, .tsv or .jsonl"
                    .to_string(),
            )
        })?,
    };
    let delimiter = delimiter_for(path, &head);
    let stream: Stream = Box::new(Cursor::new(head).chain(decoder));
    let source = match format {
        Format::Jsonl => Source::Jsonl(JsonlSource {
            reader: BufReader::with_capacity(64 * 1024, stream),
            next_line: 1,
            skip_lf: false,
            default_kind: options.kind,
            started: false,
        }),
        Format::Csv => {
            let kind = options.kind.ok_or_else(|| {
                fail(
                    None,
                    "a CSV file holds records of one kind: say which with --kind persons (or organizations, places, events, sources, claims)"
                        .to_string(),
                )
            })?;
            Source::Csv(Box::new(CsvSource::new(
                &file_name, kind, stream, delimiter, options, &shared,
            )?))
        }
    };
    Ok(RecordReader {
        file: file_name,
        format,
        shared,
        total,
        source,
        finished: false,
    })
}

/// Reads the decoded text up to its first line break, to decide the format
/// and the delimiter; the caller puts it back in front of the rest.
fn read_first_line<R: Read>(mut reader: R) -> io::Result<(Vec<u8>, R)> {
    let mut head = Vec::new();
    let mut buf = [0u8; 8192];
    while head.len() < decode::SAMPLE && !head.iter().any(|b| *b == b'\n' || *b == b'\r') {
        let n = match reader.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    Ok((head, reader))
}

fn sniff_format(head: &[u8]) -> Option<Format> {
    let text = String::from_utf8_lossy(head);
    match text
        .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .chars()
        .next()
    {
        Some('{') | None => Some(Format::Jsonl),
        Some(_) => None,
    }
}

/// Tabs for `.tsv`; otherwise commas, unless the header has none and uses
/// tabs or semicolons (Excel's CSV in locales with a decimal comma).
fn delimiter_for(path: &Path, head: &[u8]) -> u8 {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if ext.as_deref() == Some("tsv") {
        return b'\t';
    }
    let line_end = head
        .iter()
        .position(|b| *b == b'\n' || *b == b'\r')
        .unwrap_or(head.len());
    let first = &head[..line_end];
    let count = |d: u8| first.iter().filter(|b| **b == d).count();
    if count(b',') > 0 {
        b','
    } else if count(b'\t') > 0 {
        b'\t'
    } else if count(b';') > 0 {
        b';'
    } else {
        b','
    }
}

fn io_error(file: &str, e: io::Error) -> ImportError {
    if let Some(decode) = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<DecodeError>())
    {
        return ImportError::new(file, Some(decode.line), decode.message.clone());
    }
    ImportError::new(file, None, format!("cannot read the file: {e}"))
}

impl RecordReader {
    pub fn format(&self) -> Format {
        self.format
    }

    /// The file as named when opened, for messages.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Bytes of the file read so far (a little ahead of the records
    /// returned, as reading is buffered).
    pub fn bytes_read(&self) -> u64 {
        lock(&self.shared).bytes_read
    }

    /// The size of the file, when it is a regular file.
    pub fn total_bytes(&self) -> Option<u64> {
        self.total
    }

    /// The encoding the file is being read in: detected or given. It can
    /// change once, at the first non-ASCII byte, as detection waits for it.
    pub fn encoding(&self) -> &'static str {
        display_name(lock(&self.shared).encoding)
    }

    /// How to name a field of a record from this file in a message: a JSON
    /// pointer from the store's own validation (`/birth_date`) becomes the
    /// phrase an [`ImportError`] would use, naming the file's own column
    /// when it was renamed with `--map`.
    pub fn field_label(&self, pointer: &str) -> String {
        match &self.source {
            Source::Csv(csv) => csv.label_for_pointer(pointer, false).1,
            Source::Jsonl(_) => pointer_label(pointer),
        }
    }
}

impl fmt::Debug for RecordReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordReader")
            .field("file", &self.file)
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

enum Step {
    Record(Box<ParsedRecord>),
    Skip,
    Bad(ImportError),
    Fatal(ImportError),
    End,
}

impl Iterator for RecordReader {
    type Item = Result<ParsedRecord, ImportError>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.finished {
            let step = match &mut self.source {
                Source::Jsonl(s) => s.step(&self.file),
                Source::Csv(s) => s.step(&self.file, &self.shared),
            };
            match step {
                Step::Record(record) => return Some(Ok(*record)),
                Step::Skip => {}
                Step::Bad(e) => return Some(Err(e)),
                Step::Fatal(e) => {
                    self.finished = true;
                    return Some(Err(e));
                }
                Step::End => self.finished = true,
            }
        }
        None
    }
}

/// A pointer as users read it: a top-level field by its bare name
/// (`birth_date`), anything deeper as the pointer (`/names/0/text`).
fn pointer_label(pointer: &str) -> String {
    match pointer.strip_prefix('/') {
        Some(rest) if !rest.contains('/') => unescape(rest),
        _ => pointer.to_string(),
    }
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// serde reports an unknown or missing field at the object that holds it;
/// the field belongs in the pointer.
fn refine(error: &FieldError) -> FieldError {
    for prefix in ["unknown field `", "missing field `"] {
        if let Some(rest) = error.detail.strip_prefix(prefix) {
            if let Some((name, _)) = rest.split_once('`') {
                let token = name.replace('~', "~0").replace('/', "~1");
                if error.pointer.rsplit('/').next() == Some(token.as_str()) {
                    break;
                }
                return FieldError {
                    pointer: format!("{}/{token}", error.pointer),
                    detail: error.detail.clone(),
                };
            }
        }
    }
    error.clone()
}

/// Builds the body through the model's one JSON path, completes what can
/// be derived.
fn build_body(kind: Kind, object: Map<String, Value>) -> Result<Body, Vec<FieldError>> {
    let mut body = Body::from_json(kind, Value::Object(object))
        .map_err(|e| e.0.iter().map(refine).collect::<Vec<_>>())?;
    body.complete();
    Ok(body)
}

/// One error for a record, with the others in its message, so that a user
/// fixes the whole row at once.
fn combine(file: &str, line: u64, errors: Vec<(Option<String>, String)>) -> ImportError {
    let mut iter = errors.into_iter();
    let Some((field, mut message)) = iter.next() else {
        return ImportError::new(file, Some(line), "invalid record");
    };
    let rest: Vec<String> = iter
        .map(|(field, message)| match field {
            Some(f) if f.contains('`') => format!("{f}: {message}"),
            Some(f) => format!("field `{f}`: {message}"),
            None => message,
        })
        .collect();
    if !rest.is_empty() {
        message = format!("{message} (and {} more: {})", rest.len(), rest.join("; "));
    }
    ImportError::new(file, Some(line), message).with_field(field)
}

struct JsonlSource {
    reader: BufReader<Stream>,
    next_line: u64,
    /// The previous line ended with `\r`: a `\n` right after belongs to it.
    skip_lf: bool,
    default_kind: Option<Kind>,
    /// Whether a non-blank line has been read: a file whose first one is
    /// `[` or a lone `{` is a JSON document, not JSON Lines, and reading
    /// on would report every one of its lines.
    started: bool,
}

impl JsonlSource {
    /// Reads one line, ended by `\n`, `\r\n` or `\r`. JSON text never holds
    /// a raw line break (strings escape them), so any of them ends a record.
    fn read_line(&mut self, line: &mut Vec<u8>) -> io::Result<bool> {
        line.clear();
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok(!line.is_empty());
            }
            if self.skip_lf {
                self.skip_lf = false;
                if buf[0] == b'\n' {
                    self.reader.consume(1);
                    continue;
                }
            }
            match buf.iter().position(|b| *b == b'\n' || *b == b'\r') {
                Some(i) => {
                    line.extend_from_slice(&buf[..i]);
                    self.skip_lf = buf[i] == b'\r';
                    self.reader.consume(i + 1);
                    return Ok(true);
                }
                None => {
                    let n = buf.len();
                    line.extend_from_slice(buf);
                    self.reader.consume(n);
                    if line.len() > MAX_LINE {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            format!(
                                "a line longer than {} MiB: is this really JSON Lines?",
                                MAX_LINE >> 20
                            ),
                        ));
                    }
                }
            }
        }
    }

    fn step(&mut self, file: &str) -> Step {
        let mut bytes = Vec::new();
        let line = self.next_line;
        match self.read_line(&mut bytes) {
            Ok(true) => {}
            Ok(false) => return Step::End,
            Err(e) => {
                let mut error = io_error(file, e);
                error.line = error.line.or(Some(line));
                return Step::Fatal(error);
            }
        }
        self.next_line += 1;
        // The decoder guarantees UTF-8; a lossy view costs nothing then.
        let text = String::from_utf8_lossy(&bytes);
        let text = text.trim_start_matches('\u{feff}');
        if text.trim().is_empty() {
            return Step::Skip;
        }
        if !self.started {
            self.started = true;
            let first = text.trim();
            if first.starts_with('[') || first == "{" {
                return Step::Fatal(ImportError::new(
                    file,
                    Some(line),
                    "this is a JSON document (an array, or pretty-printed), not JSON Lines: vigil reads one record object per line (`jq -c '.[]'` converts an array)",
                ));
            }
        }
        match self.record(text, line) {
            Ok(record) => Step::Record(Box::new(record)),
            Err(errors) => Step::Bad(combine(file, line, errors)),
        }
    }

    fn record(&self, text: &str, line: u64) -> Result<ParsedRecord, Vec<(Option<String>, String)>> {
        let one = |field: Option<&str>, message: String| vec![(field.map(str::to_string), message)];
        let value: Value =
            serde_json::from_str(text).map_err(|e| one(None, format!("not valid JSON: {e}")))?;
        let Value::Object(object) = value else {
            return Err(one(
                None,
                "each line must be one JSON object, a record".to_string(),
            ));
        };
        let kind = match (object.get("kind"), self.default_kind) {
            (Some(Value::String(s)), default) => {
                let kind: Kind = s.parse().map_err(|e: vigil_model::UnknownKind| one(Some("kind"), e.to_string()))?;
                if let Some(default) = default.filter(|d| *d != kind) {
                    return Err(one(
                        Some("kind"),
                        format!("this line is a {} but --kind says {default}", kind.singular()),
                    ));
                }
                kind
            }
            (Some(other), _) => return Err(one(Some("kind"), format!("{other} is not a kind: write e.g. \"person\""))),
            (None, Some(default)) => default,
            (None, None) => {
                return Err(one(
                    None,
                    "the record has no `kind`: add \"kind\": \"person\" (or event, ...) to the line, or pass --kind"
                        .to_string(),
                ))
            }
        };
        let explicit = match object.get("id") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(
                s.trim()
                    .parse::<RecordId>()
                    .map_err(|e| one(Some("id"), format!("{s:?} is not a UUID ({e})")))?,
            ),
            Some(other) => return Err(one(Some("id"), format!("{other} is not a UUID string"))),
        };
        let body = build_body(kind, object).map_err(|errors| {
            errors
                .into_iter()
                .map(|e| {
                    (
                        (!e.pointer.is_empty()).then(|| pointer_label(&e.pointer)),
                        e.detail,
                    )
                })
                .collect::<Vec<_>>()
        })?;
        let id = explicit.unwrap_or_else(|| derived_id(&body));
        Ok(ParsedRecord {
            kind,
            id,
            body,
            line,
        })
    }
}

/// Where one of our columns gets its value from.
#[derive(Debug, Default)]
struct ColumnSource {
    /// Position in the file's rows.
    index: Option<usize>,
    /// The file's own name for the column, when `--map` renamed it.
    mapped_from: Option<String>,
    /// The `--set` value.
    set: Option<String>,
}

struct CsvSource {
    reader: csv::Reader<Stream>,
    kind: Kind,
    columns: &'static [CsvColumn],
    /// Parallel to `columns`.
    sources: Vec<ColumnSource>,
    /// Columns without a name in the header: they must stay empty.
    unnamed: Vec<usize>,
    width: usize,
    row: StringRecord,
}

/// Column names match trimmed and in any case: `Date of Birth` is
/// `date of birth`, `ÉTAT` is `état`.
fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

fn list(names: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    names
        .into_iter()
        .map(|n| n.as_ref().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

impl CsvSource {
    fn new(
        file: &str,
        kind: Kind,
        stream: Stream,
        delimiter: u8,
        options: &ReadOptions,
        shared: &SharedState,
    ) -> Result<Self, ImportError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(stream);
        let mut header = StringRecord::new();
        match reader.read_record(&mut header) {
            Ok(true) => {}
            Ok(false) => {
                return Err(ImportError::new(
                    file,
                    None,
                    "the file is empty: a CSV file starts with a header row naming its columns",
                ))
            }
            Err(e) => return Err(csv_error(file, e, None)),
        }
        let line = record_line(&header, shared);
        let columns = csv_columns(kind);
        let fail = |message: String| ImportError::new(file, Some(line), message);
        let ours = |name: &str| columns.iter().position(|c| same_name(c.name, name));
        let valid = || list(columns.iter().map(|c| c.name));
        let headers: Vec<String> = header
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let h = if i == 0 {
                    h.trim_start_matches('\u{feff}')
                } else {
                    h
                };
                h.trim().to_string()
            })
            .collect();

        let mut sources: Vec<ColumnSource> =
            columns.iter().map(|_| ColumnSource::default()).collect();
        let mut unnamed = Vec::new();
        let mut unknown = Vec::new();
        for (theirs, target) in &options.map {
            if target.trim() != "-" && ours(target).is_none() {
                return Err(fail(format!(
                    "--map \"{theirs}={target}\": {kind} have no column `{target}`; its columns are: {}",
                    valid()
                )));
            }
            if !headers.iter().any(|h| same_name(h, theirs)) {
                return Err(fail(format!(
                    "--map \"{theirs}={target}\": the file has no column `{theirs}`; its columns are: {}",
                    list(&headers)
                )));
            }
        }
        for (column, value) in &options.set {
            let Some(c) = ours(column) else {
                return Err(fail(format!(
                    "--set \"{column}={value}\": {kind} have no column `{column}`; its columns are: {}",
                    valid()
                )));
            };
            if columns[c].cell == Cell::Id {
                return Err(fail(format!(
                    "--set \"{column}={value}\" would give every row the same id; leave ids out and they are derived from each row"
                )));
            }
            sources[c].set = Some(value.clone());
        }
        for (i, name) in headers.iter().enumerate() {
            let mapped = options
                .map
                .iter()
                .find(|(theirs, _)| same_name(theirs, name));
            let (target, mapped_from) = match mapped {
                Some((_, target)) if target.trim() == "-" => continue,
                Some((_, target)) => (ours(target), Some(name.clone())),
                None if name.is_empty() => {
                    unnamed.push(i);
                    continue;
                }
                None => (ours(name), None),
            };
            let Some(c) = target else {
                unknown.push(name.clone());
                continue;
            };
            if let Some(previous) = sources[c].index {
                return Err(fail(format!(
                    "columns `{}` and `{name}` both fill `{}`; drop one with --map \"{name}=-\"",
                    headers[previous], columns[c].name
                )));
            }
            sources[c].index = Some(i);
            sources[c].mapped_from = mapped_from;
        }
        if !unknown.is_empty() {
            let first = &unknown[0];
            let quoted = list(unknown.iter().map(|u| format!("`{u}`")));
            let noun = if unknown.len() == 1 {
                "column"
            } else {
                "columns"
            };
            return Err(fail(format!(
                "unknown {noun} {quoted}: {kind} have the columns {}; rename a column with --map \"{first}=OURS\", or drop it with --map \"{first}=-\"",
                valid()
            )));
        }
        Ok(CsvSource {
            reader,
            kind,
            columns,
            sources,
            unnamed,
            width: headers.len(),
            row: StringRecord::new(),
        })
    }

    /// The column an error pointer falls in, and how to name it: the
    /// file's own column name too when `--map` renamed it.
    fn label_for_pointer(&self, pointer: &str, from_set: bool) -> (Option<usize>, String) {
        let first = pointer
            .trim_start_matches('/')
            .split('/')
            .next()
            .map(unescape)
            .unwrap_or_default();
        let Some(c) = self.columns.iter().position(|c| c.name == first) else {
            return (None, pointer_label(pointer));
        };
        let at = pointer_label(pointer);
        let label = if from_set {
            format!("field `{at}` (from --set)")
        } else if let Some(theirs) = &self.sources[c].mapped_from {
            format!("column `{theirs}` ({at})")
        } else {
            at
        };
        (Some(c), label)
    }

    fn column_label(&self, c: usize, from_set: bool) -> String {
        self.label_for_pointer(&format!("/{}", self.columns[c].name), from_set)
            .1
    }

    fn step(&mut self, file: &str, shared: &SharedState) -> Step {
        match self.reader.read_record(&mut self.row) {
            Ok(true) => {}
            Ok(false) => return Step::End,
            Err(e) => {
                let line = self.row.position().map(|_| record_line(&self.row, shared));
                return Step::Fatal(csv_error(file, e, line));
            }
        }
        let line = record_line(&self.row, shared);
        if self.row.iter().all(|cell| cell.trim().is_empty()) {
            // ",,,," rows are what spreadsheets leave below the data.
            return Step::Skip;
        }
        match self.record(line) {
            Ok(record) => Step::Record(Box::new(record)),
            Err(errors) => Step::Bad(combine(file, line, errors)),
        }
    }

    fn record(&self, line: u64) -> Result<ParsedRecord, Vec<(Option<String>, String)>> {
        let row = &self.row;
        if row.len() > self.width {
            let extra: Vec<&str> = row
                .iter()
                .skip(self.width)
                .filter(|c| !c.trim().is_empty())
                .collect();
            if !extra.is_empty() {
                return Err(vec![(
                    None,
                    format!(
                        "the row has {} cells but the header names {} columns (is a cell with a comma or a line break missing its quotes?); the extra cells hold {}",
                        row.len(),
                        self.width,
                        list(extra.iter().map(|c| format!("{c:?}")))
                    ),
                )]);
            }
        }
        for &i in &self.unnamed {
            if let Some(cell) = row.get(i).filter(|c| !c.trim().is_empty()) {
                return Err(vec![(
                    None,
                    format!(
                        "column {} has no name in the header but holds {cell:?} here: name it in the header, or delete it",
                        i + 1
                    ),
                )]);
            }
        }
        let mut object = Map::new();
        let mut explicit_id = None;
        let mut from_set = vec![false; self.columns.len()];
        let mut errors = Vec::new();
        for (c, (column, source)) in self.columns.iter().zip(&self.sources).enumerate() {
            let cell = source
                .index
                .and_then(|i| row.get(i))
                .filter(|t| !t.trim().is_empty());
            let text = match (cell, &source.set) {
                (Some(text), _) => text,
                (None, Some(value)) => {
                    from_set[c] = true;
                    value.as_str()
                }
                (None, None) => continue,
            };
            if column.cell == Cell::Id {
                match text.trim().parse::<RecordId>() {
                    Ok(id) => explicit_id = Some(id),
                    Err(e) => errors.push((c, format!("{:?} is not a UUID ({e})", text.trim()))),
                }
                continue;
            }
            match column.cell.parse(text) {
                Ok(Some(value)) => {
                    object.insert(column.name.to_string(), value);
                }
                Ok(None) => {}
                Err(message) => errors.push((c, message)),
            }
        }
        // Shape and dates are checked even when some cells were bad, so
        // that the message lists every problem of the row; a field whose
        // cell was bad is then reported missing, which says nothing new.
        let bad_columns: Vec<usize> = errors.iter().map(|(c, _)| *c).collect();
        let mut errors: Vec<(Option<String>, String)> = errors
            .into_iter()
            .map(|(c, message)| (Some(self.column_label(c, from_set[c])), message))
            .collect();
        let body = match build_body(self.kind, object) {
            Ok(body) => Some(body),
            Err(field_errors) => {
                for e in field_errors {
                    let (column, _) = self.label_for_pointer(&e.pointer, false);
                    if column.is_some_and(|c| bad_columns.contains(&c)) {
                        continue;
                    }
                    let set = column.is_some_and(|c| from_set[c]);
                    let label = self.label_for_pointer(&e.pointer, set).1;
                    let message = match column {
                        Some(c) if e.detail.starts_with("missing field") => {
                            let name = self.columns[c].name;
                            format!(
                                "every {} needs a `{name}`: add the column, or give one value for all rows with --set \"{name}=...\"",
                                self.kind.singular()
                            )
                        }
                        _ => e.detail,
                    };
                    errors.push((Some(label).filter(|l| !l.is_empty()), message));
                }
                None
            }
        };
        let body = match body {
            Some(body) if errors.is_empty() => body,
            _ => return Err(errors),
        };
        let id = explicit_id.unwrap_or_else(|| derived_id(&body));
        Ok(ParsedRecord {
            kind: self.kind,
            id,
            body,
            line,
        })
    }
}

fn record_line(record: &StringRecord, shared: &SharedState) -> u64 {
    let Some(position) = record.position() else {
        return 0;
    };
    let line = lock(shared).lines.line_of(position.byte());
    line.unwrap_or(position.line())
}

fn csv_error(file: &str, e: csv::Error, line: Option<u64>) -> ImportError {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => {
            let mut error = io_error(file, io);
            error.line = error.line.or(line);
            error
        }
        other => ImportError::new(file, line, format!("cannot read the CSV: {:?}", other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_and_set_arguments_split_where_they_should() {
        assert_eq!(
            ReadOptions::parse_map_arg("Date of Birth=birth_date").unwrap(),
            ("Date of Birth".to_string(), "birth_date".to_string())
        );
        assert_eq!(
            ReadOptions::parse_map_arg("a=b=-").unwrap(),
            ("a=b".to_string(), "-".to_string())
        );
        assert_eq!(
            ReadOptions::parse_set_arg("description=a=b").unwrap(),
            ("description".to_string(), "a=b".to_string())
        );
        assert!(ReadOptions::parse_map_arg("names").is_err());
    }

    #[test]
    fn formats_by_extension_and_first_character() {
        assert_eq!(
            Format::from_path(Path::new("a.NDJSON")),
            Some(Format::Jsonl)
        );
        assert_eq!(Format::from_path(Path::new("a.tsv")), Some(Format::Csv));
        assert_eq!(Format::from_path(Path::new("a.dat")), None);
        assert_eq!(
            sniff_format(b"  {\"kind\":\"person\"}"),
            Some(Format::Jsonl)
        );
        assert_eq!(sniff_format(b"names,sex"), None);
        assert_eq!(delimiter_for(Path::new("a.csv"), b"names;sex\r\n"), b';');
        assert_eq!(delimiter_for(Path::new("a.txt"), b"names\tsex\n"), b'\t');
        assert_eq!(delimiter_for(Path::new("a.csv"), b"names,sex;x\n"), b',');
    }
}
