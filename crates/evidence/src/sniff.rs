//! What a file is, decided by its content.
//!
//! Names lie: a "report.pdf" saved from a browser is often the HTML page
//! that linked to the PDF, and a hostile sender can name anything anything.
//! The extractor that runs must be the one for the bytes, so the type comes
//! from magic bytes and structure; the file name only tells Markdown from
//! plain text, which no content test can do reliably.

use std::fmt;
use std::io::{Cursor, Read};

use serde::{Deserialize, Serialize};

/// The media types vigil reads, and one for everything it only stores.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum MediaType {
    /// `application/pdf`
    Pdf,
    /// `text/html`
    Html,
    /// `text/plain`
    PlainText,
    /// `text/markdown`
    Markdown,
    /// `application/vnd.openxmlformats-officedocument.wordprocessingml.document`
    Docx,
    /// `image/jpeg`
    Jpeg,
    /// `image/png`
    Png,
    /// Anything else: stored, not extracted. Holds the best media type
    /// known for it (`application/octet-stream` when nothing is known).
    Other(String),
}

const DOCX_MIME: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

impl MediaType {
    /// The IANA media type.
    pub fn mime(&self) -> &str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Html => "text/html",
            MediaType::PlainText => "text/plain",
            MediaType::Markdown => "text/markdown",
            MediaType::Docx => DOCX_MIME,
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Other(m) => m,
        }
    }

    /// Reads a media type back from [`MediaType::mime`].
    pub fn from_mime(mime: &str) -> MediaType {
        let base = mime
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match base.as_str() {
            "application/pdf" => MediaType::Pdf,
            "text/html" => MediaType::Html,
            "text/plain" => MediaType::PlainText,
            "text/markdown" => MediaType::Markdown,
            DOCX_MIME => MediaType::Docx,
            "image/jpeg" => MediaType::Jpeg,
            "image/png" => MediaType::Png,
            _ => MediaType::Other(base),
        }
    }

    /// Whether text (or, for images, metadata) is read out of this type.
    pub fn is_supported(&self) -> bool {
        !matches!(self, MediaType::Other(_))
    }

    /// Whether this is an image, whose extraction yields metadata and no
    /// paragraphs.
    pub fn is_image(&self) -> bool {
        matches!(self, MediaType::Jpeg | MediaType::Png)
    }
}

impl fmt::Display for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.mime())
    }
}

impl From<MediaType> for String {
    fn from(m: MediaType) -> String {
        m.mime().to_owned()
    }
}

impl From<String> for MediaType {
    fn from(s: String) -> MediaType {
        MediaType::from_mime(&s)
    }
}

/// Decides the media type of `bytes` (the whole file, or at least its
/// first few kilobytes; a DOCX needs its end too, where the ZIP directory
/// is). `file_name` only tells Markdown from plain text.
pub fn sniff(bytes: &[u8], file_name: &str) -> MediaType {
    // PDF readers accept the header anywhere in the first kilobyte.
    let head = &bytes[..bytes.len().min(1024)];
    if find(head, b"%PDF-").is_some() {
        return MediaType::Pdf;
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return MediaType::Png;
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return MediaType::Jpeg;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return if zip_has(bytes, "word/document.xml") {
            MediaType::Docx
        } else {
            MediaType::Other("application/zip".into())
        };
    }
    for (magic, mime) in OTHER_MAGIC {
        if bytes.starts_with(magic) {
            return MediaType::Other((*mime).into());
        }
    }
    let Some(text) = as_text(bytes) else {
        return MediaType::Other("application/octet-stream".into());
    };
    if looks_like_html(&text) {
        return MediaType::Html;
    }
    let lower = file_name.to_lowercase();
    if lower.ends_with(".md") || lower.ends_with(".markdown") || lower.ends_with(".mdown") {
        MediaType::Markdown
    } else {
        MediaType::PlainText
    }
}

/// Types recognised only to label them well; none is extracted.
const OTHER_MAGIC: &[(&[u8], &str)] = &[
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\0", "image/tiff"),
    (b"MM\0*", "image/tiff"),
    (
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
        "application/x-ole-storage",
    ),
    (b"{\\rtf", "application/rtf"),
    (b"\x1F\x8B", "application/gzip"),
    (b"7z\xBC\xAF\x27\x1C", "application/x-7z-compressed"),
    (b"Rar!\x1A\x07", "application/vnd.rar"),
    (b"OggS", "application/ogg"),
    (b"ID3", "audio/mpeg"),
    (b"\x1A\x45\xDF\xA3", "video/webm"),
];

/// The bytes as text, if they are text: UTF-8 (with or without a byte
/// order mark) or UTF-16 with one, and no control characters other than
/// the usual whitespace and the form feed that separates pages.
pub(crate) fn as_text(bytes: &[u8]) -> Option<String> {
    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        String::from_utf8(rest.to_vec()).ok()?
    } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let le = bytes[0] == 0xFF;
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16(&units).ok()?
    } else {
        String::from_utf8(bytes.to_vec()).ok()?
    };
    let controls = text
        .chars()
        .filter(|&c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c'))
        .count();
    (controls == 0).then_some(text)
}

fn looks_like_html(text: &str) -> bool {
    let start: String = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    let mut rest = start.as_str();
    // Skip an XML declaration and comments before the first tag.
    loop {
        if let Some(r) = rest.strip_prefix("<?xml") {
            rest = r
                .split_once("?>")
                .map(|(_, r)| r.trim_start())
                .unwrap_or("");
        } else if let Some(r) = rest.strip_prefix("<!--") {
            rest = r
                .split_once("-->")
                .map(|(_, r)| r.trim_start())
                .unwrap_or("");
        } else {
            break;
        }
    }
    [
        "<!doctype html",
        "<html",
        "<head",
        "<body",
        "<title",
        "<meta",
        "<p>",
        "<div",
        "<h1",
    ]
    .iter()
    .any(|tag| rest.starts_with(tag))
}

fn zip_has(bytes: &[u8], name: &str) -> bool {
    match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(mut archive) => archive
            .by_name(name)
            .map(|mut f| f.read(&mut [0u8; 1]).is_ok())
            .unwrap_or(false),
        Err(_) => false,
    }
}

pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_not_the_name() {
        assert_eq!(sniff(b"%PDF-1.4\n...", "x.txt"), MediaType::Pdf);
        assert_eq!(
            sniff(b"<!DOCTYPE html><html></html>", "report.pdf"),
            MediaType::Html
        );
        assert_eq!(sniff(b"  <html lang=\"zh\">", "a"), MediaType::Html);
        assert_eq!(sniff(b"# Title\n\ntext", "notes.md"), MediaType::Markdown);
        assert_eq!(sniff(b"# Title\n\ntext", "notes.txt"), MediaType::PlainText);
        assert_eq!(sniff("新疆\n".as_bytes(), "a.pdf"), MediaType::PlainText);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0", "a.jpg"), MediaType::Png);
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0], "a.png"), MediaType::Jpeg);
        assert_eq!(
            sniff(b"GIF89a...", "a.png"),
            MediaType::Other("image/gif".into())
        );
        assert_eq!(
            sniff(&[0, 1, 2, 3, 200], "a.md"),
            MediaType::Other("application/octet-stream".into())
        );
        assert_eq!(
            sniff(b"PK\x03\x04 broken", "a.docx"),
            MediaType::Other("application/zip".into())
        );
    }

    #[test]
    fn mime_round_trips() {
        for m in [
            MediaType::Pdf,
            MediaType::Html,
            MediaType::PlainText,
            MediaType::Markdown,
            MediaType::Docx,
            MediaType::Jpeg,
            MediaType::Png,
            MediaType::Other("image/gif".into()),
        ] {
            assert_eq!(MediaType::from_mime(m.mime()), m);
            let json = serde_json::to_string(&m).unwrap();
            assert_eq!(serde_json::from_str::<MediaType>(&json).unwrap(), m);
        }
    }
}
