//! Reading text (or, for images, metadata) out of an original.
//!
//! Every format ends in the same shape, [`Extraction`]: numbered paragraphs
//! in document order, each with its page where the format has pages, and a
//! byte range into [`Extraction::raw_text`], the text as it came out of the
//! file before paragraphs were rebuilt. The range is the map back: a reader
//! who doubts a paragraph can see the lines it was made of.
//!
//! These functions parse untrusted bytes in the calling process. A server
//! should call them through [`crate::extract_isolated`].

mod docx;
mod html;
mod image;
mod markdown;
mod pdf;

use serde::{Deserialize, Serialize};

use crate::{EvidenceError, MediaType};

/// What was read out of one original.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    /// The paragraphs, numbered from 1 in document order.
    pub paragraphs: Vec<Paragraph>,
    /// The number of pages, for formats that have pages (PDF, and plain
    /// text with form feeds).
    pub pages: Option<u32>,
    /// Dimensions and camera metadata, for images.
    pub image: Option<ImageInfo>,
    /// The text as extracted, before paragraphs were rebuilt; pages are
    /// separated by form feeds (`\f`). For Markdown and plain text this is
    /// the file itself; for PDF the lines of each page in reading order;
    /// for HTML and DOCX the text of each block, one per line.
    pub raw_text: String,
}

/// One paragraph of a document: the unit a claim quotes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragraph {
    /// 1-based position in the document. Stable: the same file always
    /// gives the same numbers, so "document X, paragraph 12" is an
    /// address.
    pub number: u32,
    /// The 1-based page the paragraph starts on, where the format has
    /// pages.
    pub page: Option<u32>,
    /// The rebuilt text.
    pub text: String,
    /// Byte offset of the paragraph's first character in
    /// [`Extraction::raw_text`].
    pub source_start: usize,
    /// Byte offset just past the paragraph's last character in
    /// [`Extraction::raw_text`].
    pub source_end: usize,
}

/// What is known about an image without reading its pixels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageInfo {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// When the picture was taken, as its EXIF metadata says
    /// (`YYYY-MM-DD HH:MM:SS`, the camera's local time).
    pub taken: Option<String>,
    /// The camera's make and model, from EXIF metadata.
    pub camera: Option<String>,
}

impl Extraction {
    /// The raw text a paragraph was rebuilt from.
    pub fn source_of(&self, paragraph: &Paragraph) -> &str {
        self.raw_text
            .get(paragraph.source_start..paragraph.source_end)
            .unwrap_or("")
    }

    /// The text of each page (the raw text split at form feeds).
    pub fn raw_pages(&self) -> Vec<&str> {
        self.raw_text.split('\x0c').collect()
    }
}

/// Reads `bytes`, whose type was decided by [`crate::sniff`].
pub fn extract(bytes: &[u8], media_type: &MediaType) -> Result<Extraction, EvidenceError> {
    match media_type {
        MediaType::Pdf => pdf::extract(bytes),
        MediaType::Html => Ok(html::extract(&decode_text(bytes, "HTML")?)),
        MediaType::PlainText => {
            let text = decode_text(bytes, "plain text")?;
            let paragraphs = crate::paragraphs::rebuild_text(&text);
            // Text from pdftotext ends every page, the last included, with
            // a form feed.
            let pages = text.contains('\x0c').then(|| {
                text.trim_end_matches(char::is_whitespace)
                    .split('\x0c')
                    .count() as u32
            });
            Ok(Extraction {
                paragraphs,
                pages,
                image: None,
                raw_text: text,
            })
        }
        MediaType::Markdown => Ok(markdown::extract(&decode_text(bytes, "Markdown")?)),
        MediaType::Docx => docx::extract(bytes),
        MediaType::Jpeg | MediaType::Png => image::extract(bytes, media_type),
        MediaType::Other(_) => Err(EvidenceError::Unsupported(media_type.clone())),
    }
}

/// Text as UTF-8 (a byte order mark removed, UTF-16 with a byte order
/// mark converted). Other encodings are read as UTF-8 with replacement
/// characters rather than refused, so that a mostly readable file still
/// gives its text.
fn decode_text(bytes: &[u8], what: &str) -> Result<String, EvidenceError> {
    if let Some(text) = crate::sniff::as_text(bytes) {
        return Ok(text.replace("\r\n", "\n"));
    }
    let text = String::from_utf8_lossy(bytes).replace("\r\n", "\n");
    if text.chars().filter(|&c| c == '\u{FFFD}').count() > text.len() / 4 + 1 {
        return Err(EvidenceError::Malformed(format!(
            "this {what} file is not in UTF-8 (nor UTF-16 with a byte order mark); save it as UTF-8 and add it again"
        )));
    }
    Ok(text)
}

/// Numbers paragraphs made from blocks of text (HTML, DOCX, Markdown): the
/// raw text is the blocks one per line.
pub(crate) fn from_blocks(blocks: Vec<String>) -> Extraction {
    let mut raw = String::new();
    let mut paragraphs = Vec::new();
    for block in blocks {
        let text = block.trim();
        if text.is_empty() {
            continue;
        }
        if !raw.is_empty() {
            raw.push('\n');
        }
        let start = raw.len();
        raw.push_str(text);
        paragraphs.push(Paragraph {
            number: paragraphs.len() as u32 + 1,
            page: None,
            text: text.to_owned(),
            source_start: start,
            source_end: raw.len(),
        });
    }
    Extraction {
        paragraphs,
        pages: None,
        image: None,
        raw_text: raw,
    }
}

/// Collapses white space the way a browser shows it: runs become one
/// space, and a run between two Chinese characters disappears (a line
/// break in the source of Chinese text is not a space).
pub(crate) fn collapse_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            let prev = out.chars().last().unwrap_or(' ');
            let cjk = crate::paragraphs::is_cjk(prev) && crate::paragraphs::is_cjk(c);
            if !cjk && prev != ' ' && prev != '\n' {
                out.push(' ');
            }
        }
        pending_space = false;
        out.push(c);
    }
    if pending_space && !out.is_empty() && !out.ends_with([' ', '\n']) {
        out.push(' ');
    }
    out
}
