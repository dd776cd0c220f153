//! HTML: each block element (paragraph, heading, list item, table cell,
//! ...) becomes a paragraph; scripts, styles, navigation, forms' controls
//! and the document head are dropped, since they are page furniture and
//! not what the page says.

use scraper::{Html, Node};

use super::{collapse_inline, from_blocks, Extraction};

/// Stands for a `<br>` until the block is flushed, so that it is not
/// collapsed with the white space of the source.
const LINE_BREAK: char = '\u{2028}';

/// Elements whose content is never text of the page.
const DROPPED: &[&str] = &[
    "script", "style", "nav", "noscript", "template", "head", "svg", "math", "iframe", "object",
    "button", "select", "textarea", "input", "canvas", "audio", "video", "map",
];

/// Elements that start and end a block of text.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "li",
    "main",
    "menu",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

pub(crate) fn extract(source: &str) -> Extraction {
    let document = Html::parse_document(source);
    let mut blocks: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut skipping = 0usize;
    let mut in_pre = 0usize;
    // The tree is walked without recursion: a hostile page may nest
    // elements deeper than any stack.
    for edge in document.tree.root().traverse() {
        match edge {
            ego_tree::iter::Edge::Open(node) => match node.value() {
                Node::Element(el) => {
                    let name = el.name();
                    if skipping > 0 || DROPPED.contains(&name) {
                        skipping += 1;
                    } else if name == "br" {
                        current.push(LINE_BREAK);
                    } else if BLOCKS.contains(&name) {
                        flush(&mut current, &mut blocks, in_pre > 0);
                        if name == "pre" {
                            in_pre += 1;
                        }
                    }
                }
                Node::Text(text) if skipping == 0 => current.push_str(text),
                _ => {}
            },
            ego_tree::iter::Edge::Close(node) => {
                if let Node::Element(el) = node.value() {
                    let name = el.name();
                    if skipping > 0 {
                        skipping -= 1;
                    } else if BLOCKS.contains(&name) {
                        flush(&mut current, &mut blocks, in_pre > 0);
                        if name == "pre" {
                            in_pre = in_pre.saturating_sub(1);
                        }
                    }
                }
            }
        }
    }
    flush(&mut current, &mut blocks, false);
    from_blocks(blocks)
}

fn flush(current: &mut String, blocks: &mut Vec<String>, pre: bool) {
    let text = if pre {
        current.trim_matches('\n').to_owned()
    } else {
        // Collapse each line (a <br> made the line breaks) on its own.
        current
            .split(LINE_BREAK)
            .map(|line| collapse_inline(line).trim().to_owned())
            .filter(|line| !line.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    };
    if !text.trim().is_empty() {
        blocks.push(text);
    }
    current.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_become_paragraphs_and_furniture_is_dropped() {
        let html = "<html><head><title>T</title><style>p{}</style></head><body>\
            <nav><a href=/>Home</a></nav><h1>Report</h1>\
            <p>First   <b>bold</b>\n text.</p><script>alert(1)</script>\
            <ul><li>one</li><li>two<br>lines</li></ul>\
            <p>新疆\n维吾尔自治区</p><div>loose <span>inline</span> text</div></body></html>";
        let got: Vec<String> = extract(html)
            .paragraphs
            .into_iter()
            .map(|p| p.text)
            .collect();
        assert_eq!(
            got,
            vec![
                "Report",
                "First bold text.",
                "one",
                "two\nlines",
                "新疆维吾尔自治区",
                "loose inline text"
            ]
        );
    }
}
