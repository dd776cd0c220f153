//! Evidence: the originals a documenter receives, and the clean text read
//! out of them.
//!
//! Reports arrive as PDFs laid out in columns, as web pages, as Word files
//! and as photographs, in English, Chinese and Uyghur. A claim must point at
//! the exact words of its source, and a court may one day ask whether the
//! file is the one that was received. So this crate
//!
//! - keeps every original untouched, addressed by its SHA-256
//!   ([`BlobStore`]): the same bytes twice are one blob, and a blob is
//!   never rewritten;
//! - decides what a file is from its content, not its name ([`sniff`]);
//! - reads text out of it ([`extract`]), in a child process with a time and
//!   memory limit when the file is untrusted ([`extract_isolated`]), so that
//!   a hostile or broken file costs one failed extraction and never the
//!   server;
//! - rebuilds paragraphs from the hard-wrapped, hyphenated, column-broken
//!   text that PDFs yield ([`rebuild_paragraphs`]), each with a stable
//!   number, its page and its place in the raw text;
//! - checks that a quote occurs in a paragraph ([`quote_occurs`]) once
//!   whitespace and quote marks are folded.
//!
//! It knows nothing of SQL or HTTP: the store records what this crate
//! returns, the server shows it.

mod blob;
mod error;
mod extract;
// The one module allowed `unsafe`: it confines the reader between fork and
// exec (setrlimit, setpgid, prctl), which std cannot do.
#[allow(unsafe_code)]
mod isolate;
mod paragraphs;
mod sniff;

pub use blob::{BlobStore, Stored};
pub use error::EvidenceError;
pub use extract::{extract, Extraction, ImageInfo, Paragraph};
pub use isolate::{extract_isolated, worker_main, Limits, WorkerCommand};
pub use paragraphs::{rebuild_paragraphs, rebuild_text};
pub use sniff::{sniff, MediaType};
pub use vigil_model::{fold_for_quotes, quote_occurs};
