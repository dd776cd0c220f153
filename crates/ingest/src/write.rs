//! Writing export files that read back as the records they came from.

use std::io::{BufWriter, Write};

use serde_json::Value;
use vigil_model::{Kind, Record};

use crate::columns::csv_columns;
use crate::error::ExportError;

/// Writes records as JSON Lines, the lossless export of any mix of kinds.
pub struct JsonlWriter<W: Write> {
    out: BufWriter<W>,
    written: u64,
}

/// Starts a JSON Lines export.
pub fn write_jsonl<W: Write>(out: W) -> JsonlWriter<W> {
    JsonlWriter::new(out)
}

impl<W: Write> JsonlWriter<W> {
    pub fn new(out: W) -> Self {
        JsonlWriter {
            out: BufWriter::new(out),
            written: 0,
        }
    }

    /// Writes one record as one line of [`Record::to_json`].
    pub fn write(&mut self, record: &Record) -> Result<(), ExportError> {
        serde_json::to_writer(&mut self.out, &record.to_json()).map_err(std::io::Error::from)?;
        self.out.write_all(b"\n")?;
        self.written += 1;
        Ok(())
    }

    /// Records written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Flushes and hands back the output. Dropping the writer instead would
    /// lose a failing last write silently.
    pub fn finish(self) -> Result<W, ExportError> {
        self.out
            .into_inner()
            .map_err(|e| ExportError::Io(e.into_error()))
    }
}

/// Writes records of one kind as CSV, in the columns the reader accepts,
/// for editing in a spreadsheet and importing back.
pub struct CsvWriter<W: Write> {
    kind: Kind,
    out: csv::Writer<W>,
    header_written: bool,
    written: u64,
}

impl<W: Write> CsvWriter<W> {
    pub fn new(kind: Kind, out: W) -> Self {
        CsvWriter {
            kind,
            out: csv::WriterBuilder::new().from_writer(out),
            header_written: false,
            written: 0,
        }
    }

    /// Like [`CsvWriter::new`], starting the file with a UTF-8 byte order
    /// mark: Excel reads a CSV without one in the computer's legacy
    /// encoding and garbles every Chinese or Uyghur name. The reader skips
    /// the mark.
    pub fn with_bom(kind: Kind, mut out: W) -> Result<Self, ExportError> {
        out.write_all("\u{feff}".as_bytes())?;
        Ok(Self::new(kind, out))
    }

    fn header(&mut self) -> Result<(), ExportError> {
        if !self.header_written {
            self.out
                .write_record(csv_columns(self.kind).iter().map(|c| c.name))?;
            self.header_written = true;
        }
        Ok(())
    }

    pub fn write(&mut self, record: &Record) -> Result<(), ExportError> {
        if record.kind() != self.kind {
            return Err(ExportError::WrongKind {
                expected: self.kind,
                found: record.kind(),
            });
        }
        self.header()?;
        let columns = csv_columns(self.kind);
        let body = record.body.to_json();
        // A field without a column would vanish from the export.
        if let Some(field) = body
            .keys()
            .find(|k| !columns.iter().any(|c| c.name == k.as_str()))
        {
            return Err(ExportError::NoColumn {
                kind: self.kind,
                field: field.clone(),
            });
        }
        let cells = columns.iter().map(|column| match column.name {
            "id" => record.id.to_string(),
            name => match body.get(name) {
                None | Some(Value::Null) => String::new(),
                Some(value) => column.cell.format(value),
            },
        });
        self.out.write_record(cells)?;
        self.written += 1;
        Ok(())
    }

    /// Records written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Writes the header if no record was written (an empty export still
    /// names its columns), flushes, and hands back the output.
    pub fn finish(mut self) -> Result<W, ExportError> {
        self.header()?;
        self.out
            .into_inner()
            .map_err(|e| ExportError::Io(e.into_error()))
    }
}
