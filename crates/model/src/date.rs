use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A date written in the Extended Date/Time Format (ISO 8601-2, EDTF).
///
/// Human rights records rarely know the exact day: "July 2015", "2017,
/// uncertain", "some time between 2017 and 2019". EDTF says exactly that
/// (`2015-07`, `2017?`, `2017/2019`) instead of inventing a false
/// `2015-07-01`. The text is kept as the user wrote it; [`EdtfDate::bounds`]
/// gives the calendar days it spans, which is what range filters compare.
///
/// A value of this type is always valid EDTF: deserialising checks it, so a
/// bad date is refused where it is read, with the path to its field.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(transparent)]
#[schemars(
    description = "An EDTF (ISO 8601-2) date: 2020-06-30, 2015-07, 2017?, 2017/2019, 2019-03~"
)]
pub struct EdtfDate(String);

/// The first and last calendar day an EDTF date may denote, as `YYYY-MM-DD`.
/// `None` means open or unknown on that side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateBounds {
    pub earliest: Option<String>,
    pub latest: Option<String>,
}

impl EdtfDate {
    /// Parses and keeps the text as given (trimmed). The error says what an
    /// EDTF date looks like, because most users have never heard of EDTF.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        edtf_core::Edtf::parse(text).map_err(|e| {
            format!(
                "{text:?} is not an EDTF date ({e}); write e.g. 2020-06-30, 2015-07, 2017, 2017? (uncertain), 2017~ (approximate) or 2017/2019 (interval)"
            )
        })?;
        Ok(EdtfDate(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn bounds(&self) -> DateBounds {
        match edtf_core::Edtf::parse(&self.0) {
            Ok(parsed) => {
                let b = parsed.bounds();
                DateBounds {
                    earliest: bound_to_string(b.earliest),
                    latest: bound_to_string(b.latest),
                }
            }
            Err(_) => DateBounds {
                earliest: None,
                latest: None,
            },
        }
    }
}

impl<'de> Deserialize<'de> for EdtfDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        EdtfDate::parse(&text).map_err(serde::de::Error::custom)
    }
}

fn bound_to_string(bound: edtf_core::Bound) -> Option<String> {
    match bound {
        edtf_core::Bound::Date(d) => Some(d.to_string()),
        _ => None,
    }
}

impl fmt::Display for EdtfDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_precision_of_partial_dates() {
        for text in ["2015-07", "2017?", "2017/2019", "2020-06-30", "2019-03~"] {
            assert_eq!(EdtfDate::parse(text).unwrap().as_str(), text);
        }
    }

    #[test]
    fn bounds_span_the_whole_period() {
        let b = EdtfDate::parse("2015-07").unwrap().bounds();
        assert_eq!(b.earliest.as_deref(), Some("2015-07-01"));
        assert_eq!(b.latest.as_deref(), Some("2015-07-31"));
        let b = EdtfDate::parse("2017/2019").unwrap().bounds();
        assert_eq!(b.earliest.as_deref(), Some("2017-01-01"));
        assert_eq!(b.latest.as_deref(), Some("2019-12-31"));
    }

    #[test]
    fn deserialising_checks_the_date() {
        assert!(serde_json::from_str::<EdtfDate>("\"2017?\"").is_ok());
        let e = serde_json::from_str::<EdtfDate>("\"1954-02-29\"").unwrap_err();
        assert!(e.to_string().contains("not an EDTF date"), "{e}");
    }

    #[test]
    fn rejects_impossible_and_free_text_dates() {
        assert!(EdtfDate::parse("2021-02-30").is_err());
        assert!(EdtfDate::parse("July 2015").is_err());
        let msg = EdtfDate::parse("15/07/2015").unwrap_err();
        assert!(msg.contains("2015-07"), "{msg}");
    }
}
