//! Receiving documents: keep the original under its SHA-256, read its text
//! in a child process with a time and memory limit, and store the
//! document with its paragraphs. Used by `POST /api/v1/documents`, the
//! upload form, and `vigil ingest`.

use std::path::Path;

use vigil_evidence::{extract_isolated, sniff, BlobStore, EvidenceError, Limits, WorkerCommand};
use vigil_model::{Confidentiality, Document, Paragraph, RecordId};
use vigil_store::{document_id, DocumentText, NewDocument, Store, StoreError};

/// Where originals are kept and how their text is read.
pub struct Evidence {
    pub blobs: BlobStore,
    /// The program that reads a file's text (`vigil extract-worker`).
    pub worker: WorkerCommand,
    pub limits: Limits,
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Evidence(#[from] EvidenceError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How a document arrives, besides its bytes.
#[derive(Debug, Clone)]
pub struct Arrival {
    pub file_name: String,
    pub confidentiality: Confidentiality,
    pub source: Option<RecordId>,
}

impl Evidence {
    /// Keeps the bytes at `path` and reads their text. The original is
    /// stored before anything reads it, so a file that breaks the reader
    /// is still kept, with the reason recorded on the document.
    pub fn ingest_file(
        &self,
        store: &dyn Store,
        path: &Path,
        arrival: Arrival,
        actor: &str,
    ) -> Result<(Document, bool), IngestError> {
        let stored = self.blobs.put_file(path)?;
        self.after_storing(store, stored, arrival, actor)
    }

    pub fn ingest_bytes(
        &self,
        store: &dyn Store,
        bytes: &[u8],
        arrival: Arrival,
        actor: &str,
    ) -> Result<(Document, bool), IngestError> {
        let stored = self.blobs.put(bytes)?;
        self.after_storing(store, stored, arrival, actor)
    }

    fn after_storing(
        &self,
        store: &dyn Store,
        stored: vigil_evidence::Stored,
        arrival: Arrival,
        actor: &str,
    ) -> Result<(Document, bool), IngestError> {
        if let Some(known) = store.document(document_id(&stored.sha256))? {
            if known.status != vigil_model::DocumentStatus::Failed {
                return Ok((known, false));
            }
        }
        let original = self.blobs.path(&stored.sha256)?;
        let head = read_head(&original)?;
        let media_type = sniff(&head, &arrival.file_name);
        let text = if media_type.is_image() || !media_type.is_supported() {
            DocumentText::None
        } else {
            match extract_isolated(&self.worker, &original, &media_type, self.limits) {
                Ok(extraction) => DocumentText::Paragraphs {
                    pages: extraction.pages,
                    paragraphs: extraction
                        .paragraphs
                        .into_iter()
                        .map(|p| Paragraph {
                            number: p.number,
                            page: p.page,
                            text: p.text,
                            source_start: p.source_start as u64,
                            source_end: p.source_end as u64,
                        })
                        .collect(),
                },
                Err(e) => DocumentText::Failed(e.to_string()),
            }
        };
        let new = NewDocument {
            sha256: stored.sha256,
            size: stored.size,
            media_type: media_type.mime().to_string(),
            file_name: arrival.file_name,
            source: arrival.source,
            confidentiality: arrival.confidentiality,
        };
        Ok(store.put_document(new, text, actor)?)
    }
}

/// Enough of a file to tell what it is.
fn read_head(path: &Path) -> Result<Vec<u8>, EvidenceError> {
    use std::io::Read;
    let mut head = Vec::with_capacity(64 * 1024);
    std::fs::File::open(path)
        .and_then(|f| f.take(64 * 1024).read_to_end(&mut head))
        .map_err(|e| EvidenceError::Io {
            action: "read",
            path: path.to_path_buf(),
            source: e,
        })?;
    Ok(head)
}

impl Evidence {
    /// The original bytes of a document, as received.
    pub fn original(&self, sha256: &str) -> Result<Vec<u8>, EvidenceError> {
        let path = self.blobs.path(sha256)?;
        std::fs::read(&path).map_err(|e| EvidenceError::Io {
            action: "read",
            path,
            source: e,
        })
    }
}
