use std::fmt;

use vigil_model::Kind;

/// Something in an import file that stops a record (or the whole file)
/// from being read, located as precisely as the file allows so that the
/// user can open it at that line and fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", Located(self))]
pub struct ImportError {
    /// The file as the user named it.
    pub file: String,
    /// 1-based line on which the record starts (a CSV record with a
    /// multi-line cell starts on its first line).
    pub line: Option<u64>,
    /// Which field: our field name (`birth_date`) or a JSON pointer into the
    /// record (`/names/0/text`). For a CSV column the file names differently
    /// and maps with `--map`, a phrase naming both: ``column `Date of Birth`
    /// (birth_date)``.
    pub field: Option<String>,
    pub message: String,
}

struct Located<'a>(&'a ImportError);

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = self.0;
        f.write_str(&e.file)?;
        if let Some(line) = e.line {
            write!(f, ":{line}")?;
        }
        match &e.field {
            // Already a phrase ("column `X` (y)"); a bare name gets one.
            Some(field) if field.contains('`') => write!(f, ": {field}")?,
            Some(field) => write!(f, ": field `{field}`")?,
            None => {}
        }
        write!(f, ": {}", e.message)
    }
}

impl ImportError {
    pub(crate) fn new(file: &str, line: Option<u64>, message: impl Into<String>) -> Self {
        ImportError {
            file: file.to_string(),
            line,
            field: None,
            message: message.into(),
        }
    }

    pub(crate) fn with_field(mut self, field: Option<String>) -> Self {
        self.field = field;
        self
    }
}

/// Why an export could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("could not write the export: {0}")]
    Io(#[from] std::io::Error),
    #[error("could not write the export: {0}")]
    Csv(#[from] csv::Error),
    #[error("a CSV export holds one kind of record: this one holds {expected}, not {found}")]
    WrongKind { expected: Kind, found: Kind },
    #[error("{kind} have no CSV column for the field `{field}`; export them as JSON Lines")]
    NoColumn { kind: Kind, field: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_file_line_and_field() {
        let mut e = ImportError::new("people.csv", Some(17), "\"15/07/2015\" is not an EDTF date");
        e.field = Some("birth_date".into());
        assert_eq!(
            e.to_string(),
            "people.csv:17: field `birth_date`: \"15/07/2015\" is not an EDTF date"
        );
        e.field = Some("column `Date of Birth` (birth_date)".into());
        assert_eq!(
            e.to_string(),
            "people.csv:17: column `Date of Birth` (birth_date): \"15/07/2015\" is not an EDTF date"
        );
        assert_eq!(
            ImportError::new("x.jsonl", None, "boom").to_string(),
            "x.jsonl: boom"
        );
    }
}
