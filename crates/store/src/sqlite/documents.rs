//! Documents and their paragraphs in SQLite, claims anchored in them, and
//! the change feed. The original bytes are not here: they are files named
//! by their SHA-256 (see vigil-evidence), so the database stays small and
//! an original can be checked with `sha256sum`.

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use vigil_model::{
    code, quote_occurs, Body, Confidentiality, Document, DocumentStatus, Paragraph, RecordId,
    ValidationErrors,
};

use super::feeds::record_change;
use super::{id_from_blob, key, now, SqliteStore};
use crate::{Change, DocumentText, Documents, NewDocument, StoreError};

/// Where a claim says its quote comes from.
pub(crate) struct Anchor {
    document: RecordId,
    paragraph: u32,
    quote: String,
    confidentiality: Confidentiality,
}

impl Anchor {
    pub(crate) fn of(body: &Body) -> Option<Anchor> {
        match body {
            Body::Claim(c) => Some(Anchor {
                document: c.document?,
                paragraph: c.paragraph?,
                quote: c.quote.clone()?,
                confidentiality: c.confidentiality,
            }),
            _ => None,
        }
    }
}

/// Refuses a claim whose quote is not in the paragraph it names.
pub(crate) fn check_anchor(
    tx: &Transaction,
    body: &Body,
    errors: &mut ValidationErrors,
) -> Result<(), StoreError> {
    match Anchor::of(body) {
        Some(anchor) => check_quote(tx, &anchor, errors),
        None => Ok(()),
    }
}

pub(crate) fn check_quote(
    tx: &Transaction,
    anchor: &Anchor,
    errors: &mut ValidationErrors,
) -> Result<(), StoreError> {
    let level: Option<i64> = tx
        .prepare_cached("SELECT confidentiality FROM documents WHERE id = ?1")?
        .query_row([key(anchor.document)], |r| r.get(0))
        .optional()?;
    let Some(level) = level else {
        errors.push(
            "/document",
            format!("there is no document {}", anchor.document),
        );
        return Ok(());
    };
    if i64::from(anchor.confidentiality.rank()) < level {
        // The quote is the document's own words: it cannot be seen by
        // more people than the document.
        errors.push(
            "/confidentiality",
            format!(
                "the document is {}; a claim quoting it must be at least as confidential",
                code(&Confidentiality::from_rank(level))
            ),
        );
    }
    let text: Option<String> = tx
        .prepare_cached("SELECT text FROM paragraphs WHERE document = ?1 AND number = ?2")?
        .query_row(params![key(anchor.document), anchor.paragraph], |r| {
            r.get(0)
        })
        .optional()?;
    match text {
        None => errors.push(
            "/paragraph",
            format!(
                "document {} has no paragraph {}",
                anchor.document, anchor.paragraph
            ),
        ),
        Some(text) if !quote_occurs(&text, &anchor.quote) => errors.push(
            "/quote",
            format!(
                "paragraph {} of the document does not contain this quote (white space and quotation marks aside); copy the words exactly as the source has them",
                anchor.paragraph
            ),
        ),
        Some(_) => {}
    }
    Ok(())
}

const DOCUMENT_COLUMNS: &str = "id, sha256, size, media_type, file_name, received_at, received_by,
    source, confidentiality, status, error, pages, paragraphs";

fn document_from_row(row: &Row<'_>) -> Result<Document, StoreError> {
    let status: String = row.get(9)?;
    Ok(Document {
        id: id_from_blob(&row.get::<_, Vec<u8>>(0)?)?,
        sha256: row.get(1)?,
        size: row.get::<_, i64>(2)? as u64,
        media_type: row.get(3)?,
        file_name: row.get(4)?,
        received_at: row.get(5)?,
        received_by: row.get(6)?,
        source: row
            .get::<_, Option<Vec<u8>>>(7)?
            .map(|b| id_from_blob(&b))
            .transpose()?,
        confidentiality: Confidentiality::from_rank(row.get(8)?),
        status: DocumentStatus::from_code(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown document status {status:?}")))?,
        error: row.get(10)?,
        pages: row.get(11)?,
        paragraphs: row.get(12)?,
    })
}

/// The id a document has: derived from its bytes, so the same file is the
/// same document wherever and whenever it is received.
pub fn document_id(sha256: &str) -> RecordId {
    RecordId::derived(&format!("document|{sha256}"))
}

pub(crate) fn read_document(
    conn: &Connection,
    id: RecordId,
) -> Result<Option<Document>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id = ?1"
    ))?;
    let mut rows = stmt.query([key(id)])?;
    match rows.next()? {
        Some(row) => Ok(Some(document_from_row(row)?)),
        None => Ok(None),
    }
}

/// Keeps a document, or finds it if the same bytes came before. A document
/// whose text could not be read before gets the text read now.
pub(crate) fn put_document(
    tx: &Transaction,
    new: NewDocument,
    text: DocumentText,
    actor: &str,
) -> Result<(Document, bool), StoreError> {
    let id = document_id(&new.sha256);
    if let Some(source) = new.source {
        let is_source = tx
            .prepare_cached("SELECT 1 FROM records WHERE id = ?1 AND kind = 'source'")?
            .exists([key(source)])?;
        if !is_source {
            let mut errors = ValidationErrors::default();
            errors.push("/source", format!("there is no source record {source}"));
            return Err(errors.into());
        }
    }
    let existing = read_document(tx, id)?;
    if let Some(doc) = &existing {
        if doc.status != DocumentStatus::Failed || !matches!(text, DocumentText::Paragraphs { .. })
        {
            return Ok((doc.clone(), false));
        }
    }
    let (status, error, pages, paragraphs) = match &text {
        DocumentText::Paragraphs { pages, paragraphs } => (
            DocumentStatus::Extracted,
            None,
            *pages,
            paragraphs.as_slice(),
        ),
        DocumentText::Failed(reason) => {
            (DocumentStatus::Failed, Some(reason.clone()), None, &[][..])
        }
        DocumentText::None => (DocumentStatus::Stored, None, None, &[][..]),
    };
    if existing.is_some() {
        tx.prepare_cached(
            "UPDATE documents SET status = ?2, error = NULL, pages = ?3, paragraphs = ?4 WHERE id = ?1",
        )?
        .execute(params![key(id), status.code(), pages, paragraphs.len() as u32])?;
    } else {
        tx.prepare_cached(
            "INSERT INTO documents (id, sha256, size, media_type, file_name, received_at, received_by,
                source, confidentiality, status, error, pages, paragraphs)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?
        .execute(params![
            key(id),
            new.sha256,
            new.size as i64,
            new.media_type,
            new.file_name,
            vigil_model::rfc3339(now()),
            actor,
            new.source.map(key),
            i64::from(new.confidentiality.rank()),
            status.code(),
            error,
            pages,
            paragraphs.len() as u32,
        ])?;
    }
    let mut insert = tx.prepare_cached(
        "INSERT INTO paragraphs (document, number, page, text, source_start, source_end)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for p in paragraphs {
        insert.execute(params![
            key(id),
            p.number,
            p.page,
            p.text,
            p.source_start as i64,
            p.source_end as i64
        ])?;
    }
    record_change(tx, "document", id)?;
    let doc =
        read_document(tx, id)?.ok_or_else(|| StoreError::Corrupt("document vanished".into()))?;
    Ok((doc, true))
}

pub(crate) fn list_documents(
    conn: &Connection,
    max: Confidentiality,
    offset: u64,
    limit: u64,
) -> Result<Vec<Document>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {DOCUMENT_COLUMNS} FROM documents WHERE confidentiality <= ?1
         ORDER BY received_at DESC, id LIMIT ?2 OFFSET ?3"
    ))?;
    let mut rows = stmt.query(params![i64::from(max.rank()), limit as i64, offset as i64])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(document_from_row(row)?);
    }
    Ok(out)
}

pub(crate) fn paragraphs(conn: &Connection, id: RecordId) -> Result<Vec<Paragraph>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT number, page, text, source_start, source_end FROM paragraphs
         WHERE document = ?1 ORDER BY number",
    )?;
    let rows = stmt.query_map([key(id)], |r| {
        Ok(Paragraph {
            number: r.get(0)?,
            page: r.get(1)?,
            text: r.get(2)?,
            source_start: r.get::<_, i64>(3)? as u64,
            source_end: r.get::<_, i64>(4)? as u64,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn changes_since(
    conn: &Connection,
    after: u64,
    limit: u64,
    sink: &mut dyn FnMut(Change),
) -> Result<u64, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT seq, what, id FROM changes WHERE seq > ?1 ORDER BY seq LIMIT ?2")?;
    let mut rows = stmt.query(params![after as i64, limit as i64])?;
    let mut last = after;
    while let Some(row) = rows.next()? {
        last = row.get::<_, i64>(0)? as u64;
        let what: String = row.get(1)?;
        let id = id_from_blob(&row.get::<_, Vec<u8>>(2)?)?;
        sink(if what == "document" {
            Change::Document(id)
        } else {
            Change::Record(id)
        });
    }
    Ok(last)
}

impl Documents for SqliteStore {
    fn put_document(
        &self,
        document: NewDocument,
        text: DocumentText,
        actor: &str,
    ) -> Result<(Document, bool), StoreError> {
        let (doc, created) = self.write(|tx| put_document(tx, document, text, actor))?;
        if created {
            self.generation
                .fetch_add(1, std::sync::atomic::Ordering::Release);
        }
        Ok((doc, created))
    }

    fn document(&self, id: RecordId) -> Result<Option<Document>, StoreError> {
        self.read(|conn| read_document(conn, id))
    }

    fn documents(
        &self,
        max: Confidentiality,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<Document>, StoreError> {
        self.read(|conn| list_documents(conn, max, offset, limit))
    }

    fn paragraphs(&self, document: RecordId) -> Result<Vec<Paragraph>, StoreError> {
        self.read(|conn| paragraphs(conn, document))
    }
}
