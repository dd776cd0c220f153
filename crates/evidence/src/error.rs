//! One error type for the crate. Every message says what went wrong with
//! *this* file and what the reader can do about it, because it is recorded
//! on the document and shown to a documenter, not a developer.

use std::path::PathBuf;

use crate::sniff::MediaType;

/// What went wrong while storing or reading evidence.
#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    /// The file system refused a read or write.
    #[error("could not {action} {path}: {source}; check that the evidence directory exists, is writable and has free space")]
    Io {
        /// What was being done ("write", "read", "create directory", ...).
        action: &'static str,
        /// The file or directory concerned.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// A blob address that is not 64 lower-case hexadecimal digits.
    #[error("\"{0}\" is not a SHA-256 digest: expected 64 lower-case hexadecimal digits")]
    BadDigest(String),

    /// No blob with this digest is stored.
    #[error("no original with SHA-256 {0} is stored; it may never have been received, or the evidence directory is not the one the database was made with")]
    BlobMissing(String),

    /// The type is stored but no text is read out of it.
    #[error("{0} files are kept as they are, but no text is read out of them; convert the file to PDF, HTML, DOCX, Markdown or plain text to read it here")]
    Unsupported(MediaType),

    /// The file is damaged or is not what its type says.
    #[error("{0}")]
    Malformed(String),

    /// The extraction ran past its time limit and was stopped.
    #[error("extraction stopped after {seconds} s; the file is kept, but it is too slow to read here (it may be very large, damaged or built to hang readers)")]
    TimedOut {
        /// The limit that was reached.
        seconds: u64,
    },

    /// The extraction ran past its memory limit and was stopped.
    #[error("extraction ran out of its {} MiB of memory; the file is kept, but it is too large to read here (it may be built to exhaust readers)", .bytes / (1024 * 1024))]
    OutOfMemory {
        /// The limit that was reached.
        bytes: u64,
    },

    /// The extractor crashed or gave an answer that could not be read.
    #[error("extraction failed: {0}; the file is kept")]
    Crashed(String),

    /// The extraction worker could not be started.
    #[error("could not start the extraction worker {program}: {source}; check the installation of vigil")]
    Spawn {
        /// The program that was run.
        program: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

impl EvidenceError {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        EvidenceError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
