//! PDF: positioned characters from `pdf-extract`, laid out into lines and
//! columns here, then handed to the paragraph rebuilder.
//!
//! A PDF has no paragraphs, often no spaces and no reading order: only
//! glyphs drawn at positions. `pdf-extract` decodes the fonts and reports
//! each character with its position ([`pdf_extract::OutputDev`]); its own
//! plain-text output reads straight across the page, which interleaves
//! the lines of two columns. So, per page:
//!
//! 1. characters on one baseline form a row; a row is split where the gap
//!    between two characters is wider than 1.5 em (a column gutter), and
//!    spaces are put where the gap is wider than 0.15 em;
//! 2. the rows at the very top and bottom of the page that stand apart
//!    from the text by more than two line spacings are the running header
//!    and footer area: they are read first and last, whatever their x;
//! 3. columns are found from the left edges where many rows start; each
//!    row belongs to the column it lies in, and a row crossing into the
//!    next column (a title over both) is read on its own, between the
//!    column blocks above and below it;
//! 4. columns are read left to right, each top to bottom; a vertical gap
//!    larger than the usual line spacing becomes a blank line.
//!
//! The lines keep their geometry (indent, width, the column's width), so
//! the rebuilder can tell a short last line from a full one in points
//! rather than in characters. Right-to-left scripts are read in visual
//! order; PDFs in Arabic script are rare in this field and are left for
//! later.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

use super::Extraction;
use crate::paragraphs::{rebuild, Line};
use crate::EvidenceError;

#[derive(Debug, Clone)]
struct Glyph {
    x: f64,
    y: f64,
    advance: f64,
    size: f64,
    text: String,
}

#[derive(Default)]
struct Collector {
    pages: Vec<Vec<Glyph>>,
    flip: Option<Transform>,
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.flip = Some(Transform::row_major(
            1.,
            0.,
            0.,
            -1.,
            0.,
            media_box.ury - media_box.lly,
        ));
        self.pages.push(Vec::new());
        Ok(())
    }
    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        let flip = self.flip.unwrap_or_else(Transform::identity);
        let position = trm.post_transform(&flip);
        // The font size as drawn: the side of the square with the area of
        // the transformed (size, size) vector, as pdf-extract's own text
        // output computes it.
        let vx = font_size * (trm.m11 + trm.m21);
        let vy = font_size * (trm.m12 + trm.m22);
        let size = (vx * vy).abs().sqrt();
        if let Some(page) = self.pages.last_mut() {
            page.push(Glyph {
                x: position.m31,
                y: position.m32,
                advance: width * size,
                size,
                text: char.to_owned(),
            });
        }
        Ok(())
    }
    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

pub(crate) fn extract(bytes: &[u8]) -> Result<Extraction, EvidenceError> {
    let pages = match catch_unwind(AssertUnwindSafe(|| glyphs(bytes))) {
        Ok(result) => result?,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no detail".into());
            return Err(EvidenceError::Malformed(format!(
                "the PDF reader could not read this file ({what}); it is probably damaged: try printing it to a new PDF and add that"
            )));
        }
    };
    let npages = pages.len() as u32;
    let (raw, lines) = lay_out(&pages);
    let paragraphs = rebuild(&raw, lines, true);
    Ok(Extraction {
        paragraphs,
        pages: Some(npages),
        image: None,
        raw_text: raw,
    })
}

fn glyphs(bytes: &[u8]) -> Result<Vec<Vec<Glyph>>, EvidenceError> {
    let mut doc = pdf_extract::Document::load_mem(bytes).map_err(|e| load_error(bytes, e))?;
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(EvidenceError::Malformed(
            "this PDF is protected by a password; open it with the password, print it to a new PDF and add that".into(),
        ));
    }
    let mut out = Collector::default();
    let page_numbers: Vec<u32> = doc.get_pages().keys().copied().collect();
    for n in page_numbers {
        let before = out.pages.len();
        pdf_extract::output_doc_page(&doc, &mut out, n).map_err(|e| {
            EvidenceError::Malformed(format!(
                "page {n} of this PDF cannot be read ({e}); it is probably damaged: try printing it to a new PDF and add that"
            ))
        })?;
        if out.pages.len() == before {
            out.pages.push(Vec::new());
        }
    }
    Ok(out.pages)
}

fn load_error(bytes: &[u8], e: pdf_extract::Error) -> EvidenceError {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    let complete = crate::sniff::find(tail, b"%%EOF").is_some();
    if crate::sniff::find(&bytes[..bytes.len().min(1024)], b"%PDF-").is_none() {
        return EvidenceError::Malformed(format!(
            "not a PDF: the file does not start with a PDF header ({e})"
        ));
    }
    if !complete {
        return EvidenceError::Malformed(
            "not a PDF that can be read: the file ends before its cross-reference table, so it was probably cut off while downloading or copying; get the complete file and add it again".into(),
        );
    }
    EvidenceError::Malformed(format!(
        "not a PDF that can be read ({e}); it is probably damaged: try printing it to a new PDF and add that"
    ))
}

/// A run of characters on one baseline, without a column gutter inside.
#[derive(Debug, Clone)]
struct Fragment {
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    text: String,
    first_word: f64,
}

/// Lays the pages out into raw text (pages separated by form feeds) and
/// measured lines pointing into it.
fn lay_out(pages: &[Vec<Glyph>]) -> (String, Vec<Line>) {
    let mut raw = String::new();
    let mut lines = Vec::new();
    let mut end_gap = 0;
    for (page_index, glyphs) in pages.iter().enumerate() {
        if page_index > 0 {
            raw.push('\x0c');
        }
        let fragments = fragments(glyphs);
        let (laid_out, gap) = order(&fragments, end_gap);
        end_gap = gap;
        for laid in laid_out {
            for _ in 0..laid.gap_before {
                raw.push('\n');
            }
            let start = raw.len();
            raw.push_str(&laid.fragment.text);
            let end = raw.len();
            raw.push('\n');
            let f = &laid.fragment;
            lines.push(Line {
                start,
                end,
                page: page_index,
                indent: (f.x0 - laid.left).max(0.0),
                width: f.x1 - laid.left,
                first_word: f.first_word,
                space: 0.25 * f.size,
                measure: laid.measure,
                indent_step: 0.8 * f.size,
                gap_before: laid.gap_before,
                column_start: laid.column_start,
                column_end_gap: laid.column_end_gap,
            });
        }
    }
    (raw, lines)
}

fn fragments(glyphs: &[Glyph]) -> Vec<Fragment> {
    let mut glyphs: Vec<&Glyph> = glyphs
        .iter()
        .filter(|g| g.size > 0.0 && g.x.is_finite() && g.y.is_finite())
        .collect();
    glyphs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    // Rows: glyphs whose baselines are within a third of their size.
    let mut rows: Vec<Vec<&Glyph>> = Vec::new();
    for g in glyphs {
        match rows.last_mut() {
            Some(row) if (g.y - row[0].y).abs() <= 0.35 * row[0].size.max(g.size) => row.push(g),
            _ => rows.push(vec![g]),
        }
    }
    let mut out = Vec::new();
    for mut row in rows {
        row.sort_by(|a, b| a.x.total_cmp(&b.x));
        let mut current: Option<Fragment> = None;
        let mut pending_space = false;
        for g in row {
            if g.text.trim().is_empty() {
                pending_space = true;
                continue;
            }
            if let Some(f) = current.as_mut() {
                let gap = g.x - f.x1;
                if gap > 1.5 * f.size.max(g.size) {
                    out.push(current.take().expect("checked"));
                } else {
                    if (pending_space || gap > 0.15 * g.size) && !f.text.ends_with(' ') {
                        if f.first_word == 0.0 {
                            f.first_word = f.x1 - f.x0;
                        }
                        f.text.push(' ');
                    }
                    f.text.push_str(&g.text);
                    f.x1 = f.x1.max(g.x + g.advance);
                    pending_space = false;
                    continue;
                }
            }
            current = Some(Fragment {
                x0: g.x,
                x1: g.x + g.advance,
                y: g.y,
                size: g.size,
                text: g.text.clone(),
                first_word: 0.0,
            });
            pending_space = false;
        }
        out.extend(current);
    }
    for f in &mut out {
        if f.first_word == 0.0 {
            f.first_word = f.x1 - f.x0;
        }
        f.text = f.text.trim().to_owned();
    }
    out.retain(|f| !f.text.is_empty());
    out
}

/// A fragment in reading order, with its column's geometry.
struct Laid<'a> {
    fragment: &'a Fragment,
    left: f64,
    measure: f64,
    gap_before: u32,
    column_start: bool,
    column_end_gap: u32,
}

/// Orders one page's fragments for reading. `end_gap` is the space left
/// at the foot of the previous page's last column; returns the laid-out
/// lines and the space left at the foot of this page's last column.
fn order(fragments: &[Fragment], end_gap: u32) -> (Vec<Laid<'_>>, u32) {
    if fragments.is_empty() {
        return (Vec::new(), end_gap);
    }
    let size = median(fragments.iter().map(|f| f.size).collect()).max(1.0);
    // Distinct baselines, top to bottom, and the usual distance between them.
    let mut ys: Vec<f64> = fragments.iter().map(|f| f.y).collect();
    ys.sort_by(f64::total_cmp);
    ys.dedup_by(|a, b| (*a - *b).abs() <= 0.35 * size);
    let spacing = median(
        ys.windows(2)
            .map(|w| w[1] - w[0])
            .filter(|d| *d > 0.5 * size)
            .collect(),
    )
    .max(size);

    // Running header and footer area: up to two rows at the top (bottom)
    // set apart from the body by more than two line spacings.
    let mut top_rows = 0;
    for i in 0..ys.len().min(2) {
        if ys.len() > i + 1 && ys[i + 1] - ys[i] > 2.0 * spacing {
            top_rows = i + 1;
            break;
        }
    }
    let mut bottom_rows = 0;
    for i in 0..ys.len().min(2) {
        let j = ys.len() - 1 - i;
        if j > top_rows && ys[j] - ys[j - 1] > 2.0 * spacing {
            bottom_rows = i + 1;
            break;
        }
    }
    let top_limit = if top_rows > 0 {
        ys[top_rows - 1] + 0.35 * size
    } else {
        f64::NEG_INFINITY
    };
    let bottom_limit = if bottom_rows > 0 {
        ys[ys.len() - bottom_rows] - 0.35 * size
    } else {
        f64::INFINITY
    };

    let mut body: Vec<&Fragment> = fragments
        .iter()
        .filter(|f| f.y > top_limit && f.y < bottom_limit)
        .collect();
    body.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
    let lefts = column_lefts(&body, size);
    let column_of = |f: &Fragment| -> Option<usize> {
        let k = lefts.iter().rposition(|&l| f.x0 >= l - size).unwrap_or(0);
        let next = lefts.get(k + 1).copied().unwrap_or(f64::INFINITY);
        (f.x1 <= next - 0.5 * size).then_some(k)
    };
    // Each column's full width: the furthest right its rows reach.
    let mut rights = vec![f64::NEG_INFINITY; lefts.len()];
    for f in &body {
        if let Some(k) = column_of(f) {
            rights[k] = rights[k].max(f.x1);
        }
    }

    let page_left = fragments.iter().map(|f| f.x0).fold(f64::INFINITY, f64::min);
    let page_right = fragments
        .iter()
        .map(|f| f.x1)
        .fold(f64::NEG_INFINITY, f64::max);
    let lone = |f, gap| Laid {
        fragment: f,
        left: page_left,
        measure: page_right - page_left,
        gap_before: gap,
        column_start: false,
        column_end_gap: 0,
    };
    let mut sorted: Vec<&Fragment> = fragments.iter().collect();
    sorted.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));

    let mut out: Vec<Laid<'_>> = Vec::new();
    for f in sorted.iter().filter(|f| f.y <= top_limit) {
        out.push(lone(f, 0));
    }
    // The body, in bands separated by rows that span columns.
    let mut bands: Vec<(f64, Option<&Fragment>)> = body
        .iter()
        .filter(|f| column_of(f).is_none())
        .map(|f| (f.y, Some(*f)))
        .collect();
    bands.push((f64::INFINITY, None));
    let mut band_top = f64::NEG_INFINITY;
    let mut last_y: Option<f64> = None;
    let mut pending_end_gap = end_gap;
    // Space left below a column's last line, down to the band's lowest
    // line, in blank lines.
    let trailing = |bottom: f64, y: f64| gap_lines(bottom - y + spacing, spacing);
    let mut page_last: Option<(f64, f64)> = None; // (column's last y, band bottom)
    for (band_bottom, span) in bands {
        let in_band = |f: &&&Fragment| f.y > band_top && f.y < band_bottom;
        let lowest = body
            .iter()
            .filter(in_band)
            .map(|f| f.y)
            .fold(f64::NEG_INFINITY, f64::max);
        let mut previous_column_end: Option<f64> = None;
        for (k, (&left, &right)) in lefts.iter().zip(&rights).enumerate() {
            let mut prev_y: Option<f64> = if k == 0 { last_y } else { None };
            let mut first = true;
            for f in body
                .iter()
                .filter(in_band)
                .filter(|f| column_of(f) == Some(k))
            {
                let column_end_gap = if first && k > 0 {
                    previous_column_end
                        .map(|y| trailing(lowest, y))
                        .unwrap_or(0)
                } else {
                    std::mem::take(&mut pending_end_gap)
                };
                out.push(Laid {
                    fragment: f,
                    left,
                    measure: right - left,
                    gap_before: prev_y.map(|py| gap_lines(f.y - py, spacing)).unwrap_or(0),
                    column_start: first && k > 0,
                    column_end_gap,
                });
                pending_end_gap = 0;
                first = false;
                prev_y = Some(f.y);
                if k == 0 {
                    last_y = Some(f.y);
                }
            }
            if let Some(y) = prev_y.filter(|_| !first) {
                previous_column_end = Some(y);
                page_last = Some((y, lowest));
            }
        }
        if let Some(s) = span {
            let gap = last_y.map(|py| gap_lines(s.y - py, spacing)).unwrap_or(0);
            out.push(lone(s, gap.max(1)));
            last_y = Some(s.y);
        }
        band_top = band_bottom;
    }
    for f in sorted.iter().filter(|f| f.y >= bottom_limit) {
        out.push(lone(f, 1));
    }
    let end_gap = page_last
        .map(|(y, bottom)| trailing(bottom, y))
        .unwrap_or(0);
    (out, end_gap)
}

/// Blank lines for a vertical distance: none for the usual line spacing,
/// one for anything up to two spacings more, and so on.
fn gap_lines(dy: f64, spacing: f64) -> u32 {
    if dy <= 1.4 * spacing {
        0
    } else {
        ((dy - spacing) / spacing).round().max(1.0) as u32
    }
}

/// The left edges of the columns: x positions where at least three rows
/// (and a tenth of them) start. Edges closer than four em are one column
/// (a first-line indent is not a column).
fn column_lefts(body: &[&Fragment], size: f64) -> Vec<f64> {
    if body.is_empty() {
        return vec![0.0];
    }
    let mut xs: Vec<f64> = body.iter().map(|f| f.x0).collect();
    xs.sort_by(f64::total_cmp);
    let mut clusters: Vec<(f64, usize)> = Vec::new();
    for x in xs {
        match clusters.last_mut() {
            Some((start, n)) if x - *start <= 0.5 * size => *n += 1,
            _ => clusters.push((x, 1)),
        }
    }
    let need = 3.max(body.len() / 10);
    let mut lefts: Vec<f64> = Vec::new();
    for (x, n) in clusters {
        if n < need {
            continue;
        }
        match lefts.last() {
            Some(&l) if x - l < 4.0 * size => {}
            _ => lefts.push(x),
        }
    }
    let min_x = body.iter().map(|f| f.x0).fold(f64::INFINITY, f64::min);
    if lefts.is_empty() {
        lefts.push(min_x);
    } else if lefts[0] > min_x {
        // Rows starting left of the first column's edge belong to it.
        lefts[0] = lefts[0].min(min_x.max(lefts[0] - 4.0 * size));
    }
    lefts
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}
