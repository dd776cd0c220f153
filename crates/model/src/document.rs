//! Documents: original files kept untouched (content-addressed), and the
//! paragraphs read from them that claims quote.

use serde::{Deserialize, Serialize};

#[cfg(test)]
use crate::quote_occurs;
use crate::{Confidentiality, RecordId};

/// A file as it was received. The original bytes are never altered; the
/// same bytes received twice are one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Document {
    pub id: RecordId,
    /// Hex SHA-256 of the original bytes: the document's identity.
    pub sha256: String,
    pub size: u64,
    /// Sniffed from the bytes, not taken from the name.
    pub media_type: String,
    /// The name the file had when it was first received.
    pub file_name: String,
    pub received_at: String,
    pub received_by: String,
    /// The source record this file is the text of, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<RecordId>,
    pub confidentiality: Confidentiality,
    pub status: DocumentStatus,
    /// Why reading the text failed, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    pub paragraphs: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentStatus {
    /// Text read into paragraphs.
    Extracted,
    /// Kept, but its text could not be read (see `error`).
    Failed,
    /// Kept without text: an image, or a kind of file vigil does not read.
    Stored,
}

impl DocumentStatus {
    pub fn code(self) -> &'static str {
        match self {
            DocumentStatus::Extracted => "extracted",
            DocumentStatus::Failed => "failed",
            DocumentStatus::Stored => "stored",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "extracted" => DocumentStatus::Extracted,
            "failed" => DocumentStatus::Failed,
            "stored" => DocumentStatus::Stored,
            _ => return None,
        })
    }
}

/// One paragraph of a document's text, addressed by (document, number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Paragraph {
    /// 1-based, in reading order; stable once extracted.
    pub number: u32,
    /// The page it starts on, where the file has pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    pub text: String,
    /// Where it lies in the text extracted from its page (byte offsets).
    #[serde(default)]
    pub source_start: u64,
    #[serde(default)]
    pub source_end: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_match_across_line_breaks_and_quote_marks() {
        let passage = "The report says “up to one million\n   people” were held in ‘camps’.";
        assert!(quote_occurs(
            passage,
            "\"up to one million people\" were held"
        ));
        assert!(quote_occurs(passage, "in 'camps'"));
        assert!(!quote_occurs(passage, "up to two million people"));
        assert!(!quote_occurs(passage, "   "));
        assert!(quote_occurs("「再教育」营", "\"再教育\"营"));
    }
}
