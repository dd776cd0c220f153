//! Markdown: paragraphs, headings, list items, table cells and code
//! blocks become paragraphs, with their byte range in the Markdown source
//! (which is the raw text), so a paragraph leads back to the lines it was
//! written in. Raw HTML inside Markdown is dropped, as scripts and styles
//! are from HTML.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::{collapse_inline, Extraction, Paragraph};

struct Frame {
    text: String,
    start: usize,
    end: usize,
}

const HARD_BREAK: char = '\u{2028}';

pub(crate) fn extract(source: &str) -> Extraction {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
    let mut stack: Vec<Frame> = Vec::new();
    let mut found: Vec<(usize, usize, String)> = Vec::new();
    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        match event {
            Event::Start(tag) if is_block(&tag) => stack.push(Frame {
                text: String::new(),
                start: range.start,
                end: range.end,
            }),
            Event::End(end) if is_block_end(end) => {
                if let Some(frame) = stack.pop() {
                    let text = collapse_inline(&frame.text)
                        .replace(HARD_BREAK, "\n")
                        .trim()
                        .to_owned();
                    if !text.is_empty() {
                        let (start, end) = trim_range(source, frame.start, frame.end);
                        found.push((start, end, text));
                    }
                }
            }
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t);
                }
            }
            Event::SoftBreak => {
                if let Some(top) = stack.last_mut() {
                    top.text.push('\n');
                }
            }
            Event::HardBreak => {
                if let Some(top) = stack.last_mut() {
                    top.text.push(HARD_BREAK);
                }
            }
            _ => {}
        }
    }
    // A list item's own text ends after the items nested in it.
    found.sort_by_key(|(start, _, _)| *start);
    let paragraphs = found
        .into_iter()
        .enumerate()
        .map(|(i, (start, end, text))| Paragraph {
            number: i as u32 + 1,
            page: None,
            text,
            source_start: start,
            source_end: end,
        })
        .collect();
    Extraction {
        paragraphs,
        pages: None,
        image: None,
        raw_text: source.to_owned(),
    }
}

fn is_block(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Paragraph | Tag::Heading { .. } | Tag::CodeBlock(_) | Tag::Item | Tag::TableCell
    )
}

fn is_block_end(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::CodeBlock
            | TagEnd::Item
            | TagEnd::TableCell
    )
}

fn trim_range(source: &str, start: usize, end: usize) -> (usize, usize) {
    let slice = &source[start..end];
    let lead = slice.len() - slice.trim_start().len();
    let trail = slice.len() - slice.trim_end().len();
    (start + lead, (end - trail).max(start + lead))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_blocks() {
        let md = "# Detention in Xinjiang\n\nSince 2017, up to an estimated\none million people\nwere detained.\n\n- first item\n- second item\n\n中国政府称\n这些中心是自愿的。\n";
        let ex = extract(md);
        let got: Vec<&str> = ex.paragraphs.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            got,
            vec![
                "Detention in Xinjiang",
                "Since 2017, up to an estimated one million people were detained.",
                "first item",
                "second item",
                "中国政府称这些中心是自愿的。"
            ]
        );
        assert_eq!(ex.source_of(&ex.paragraphs[0]), "# Detention in Xinjiang");
        assert_eq!(ex.source_of(&ex.paragraphs[2]), "- first item");
    }
}
