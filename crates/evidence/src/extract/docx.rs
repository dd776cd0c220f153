//! DOCX: a ZIP archive whose `word/document.xml` holds the body as `w:p`
//! paragraphs of `w:r` runs of `w:t` text. Deleted text of tracked changes
//! (`w:delText`) and field codes (`w:instrText`) are not text of the
//! document and are left out; running headers and footers live in other
//! parts of the archive and are not read.

use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::Reader;

use super::{collapse_inline, from_blocks, Extraction};
use crate::EvidenceError;

/// The most the document body may unpack to. A real report's body is a
/// few megabytes; a body that unpacks to more is a ZIP bomb.
const MAX_BODY: u64 = 256 * 1024 * 1024;

pub(crate) fn extract(bytes: &[u8]) -> Result<Extraction, EvidenceError> {
    let malformed = |why: String| {
        EvidenceError::Malformed(format!(
            "not a readable Word document: {why}; open it in a word processor and save it again as .docx"
        ))
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| malformed(format!("the ZIP archive cannot be read ({e})")))?;
    let mut body = Vec::new();
    archive
        .by_name("word/document.xml")
        .map_err(|_| malformed("it has no word/document.xml".into()))?
        .take(MAX_BODY + 1)
        .read_to_end(&mut body)
        .map_err(|e| malformed(format!("word/document.xml cannot be unpacked ({e})")))?;
    if body.len() as u64 > MAX_BODY {
        return Err(malformed("its body unpacks to more than 256 MiB".into()));
    }
    let body =
        String::from_utf8(body).map_err(|_| malformed("word/document.xml is not UTF-8".into()))?;
    paragraphs(&body).map_err(malformed).map(from_blocks)
}

fn paragraphs(xml: &str) -> Result<Vec<String>, String> {
    let mut reader = Reader::from_str(xml);
    let mut blocks = Vec::new();
    // Paragraphs nest (a text box inside a paragraph), so one buffer per
    // open paragraph.
    let mut open: Vec<String> = Vec::new();
    let mut in_text = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("word/document.xml is not well-formed XML ({e})"))?;
        match event {
            Event::Start(e) => match e.name().as_ref() {
                b"w:p" => open.push(String::new()),
                b"w:t" => in_text = true,
                _ => {}
            },
            Event::Empty(e) => {
                if let Some(top) = open.last_mut() {
                    match e.name().as_ref() {
                        b"w:tab" => top.push(' '),
                        b"w:br" | b"w:cr" => top.push('\n'),
                        b"w:noBreakHyphen" => top.push('-'),
                        _ => {}
                    }
                }
            }
            Event::End(e) => match e.name().as_ref() {
                b"w:p" => {
                    if let Some(text) = open.pop() {
                        let text = text
                            .split('\n')
                            .map(|l| collapse_inline(l).trim().to_owned())
                            .collect::<Vec<_>>()
                            .join("\n");
                        blocks.push(text.trim().to_owned());
                    }
                }
                b"w:t" => in_text = false,
                _ => {}
            },
            Event::Text(t) if in_text => {
                if let Some(top) = open.last_mut() {
                    top.push_str(&t.decode().map_err(|e| e.to_string())?);
                }
            }
            Event::GeneralRef(r) if in_text => {
                if let Some(top) = open.last_mut() {
                    let c = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                        Some(c) => c,
                        None => match r.decode().map_err(|e| e.to_string())?.as_ref() {
                            "amp" => '&',
                            "lt" => '<',
                            "gt" => '>',
                            "quot" => '"',
                            "apos" => '\'',
                            other => return Err(format!("unknown entity &{other};")),
                        },
                    };
                    top.push(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_runs_and_tracked_deletions() {
        let xml = r#"<w:document xmlns:w="x"><w:body>
            <w:p><w:r><w:t>Ilham Tohti was </w:t></w:r><w:r><w:t xml:space="preserve">sentenced &amp; jailed</w:t></w:r></w:p>
            <w:p><w:del><w:r><w:delText>removed</w:delText></w:r></w:del><w:r><w:t>伊力哈木</w:t><w:tab/><w:t>ئىلھام</w:t></w:r></w:p>
            <w:p/>
            </w:body></w:document>"#;
        assert_eq!(
            paragraphs(xml).unwrap(),
            vec!["Ilham Tohti was sentenced & jailed", "伊力哈木 ئىلھام"]
        );
    }
}
