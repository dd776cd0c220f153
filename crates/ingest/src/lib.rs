#![doc = include_str!("../README.md")]

mod canonical;
mod columns;
mod decode;
mod error;
mod ids;
mod read;
mod write;

pub use columns::{csv_columns, CsvColumn};
pub use error::{ExportError, ImportError};
pub use ids::derived_id;
pub use read::{open, Format, ParsedRecord, ReadOptions, RecordReader};
pub use write::{write_jsonl, CsvWriter, JsonlWriter};

/// The markdown table of every kind's CSV columns, as in the README, so
/// that a test keeps the documentation and the code in step.
pub fn csv_columns_markdown() -> String {
    let mut out = String::from("| kind | column | cell |\n|---|---|---|\n");
    for kind in vigil_model::Kind::ALL {
        for column in csv_columns(kind) {
            let format = column.format.replace('|', "\\|");
            out.push_str(&format!(
                "| {} | `{}` | {} |\n",
                kind.plural(),
                column.name,
                format
            ));
        }
    }
    out
}
