//! Images: dimensions from the file's header, and the date and camera
//! from its EXIF metadata where there is any. No OCR: the picture is
//! evidence as it is.

use super::{Extraction, ImageInfo};
use crate::{EvidenceError, MediaType};

pub(crate) fn extract(bytes: &[u8], media_type: &MediaType) -> Result<Extraction, EvidenceError> {
    let (width, height) = match media_type {
        MediaType::Png => png_size(bytes),
        _ => jpeg_size(bytes),
    }
    .ok_or_else(|| {
        EvidenceError::Malformed(format!(
            "not a readable {} image: its header is damaged or cut off",
            if *media_type == MediaType::Png {
                "PNG"
            } else {
                "JPEG"
            }
        ))
    })?;
    let (taken, camera) = exif_facts(bytes);
    Ok(Extraction {
        paragraphs: Vec::new(),
        pages: None,
        image: Some(ImageInfo {
            width,
            height,
            taken,
            camera,
        }),
        raw_text: String::new(),
    })
}

fn png_size(b: &[u8]) -> Option<(u32, u32)> {
    // Signature (8), chunk length (4), "IHDR" (4), width (4), height (4).
    if b.len() < 24 || &b[12..16] != b"IHDR" {
        return None;
    }
    let w = u32::from_be_bytes(b[16..20].try_into().ok()?);
    let h = u32::from_be_bytes(b[20..24].try_into().ok()?);
    Some((w, h))
}

fn jpeg_size(b: &[u8]) -> Option<(u32, u32)> {
    let mut i = 2;
    while i + 4 <= b.len() {
        if b[i] != 0xFF {
            return None;
        }
        let marker = b[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        if matches!(marker, 0xD8 | 0x01 | 0xD0..=0xD7) {
            i += 2;
            continue;
        }
        let len = u16::from_be_bytes([b[i + 2], b[i + 3]]) as usize;
        // Start-of-frame markers (not DHT, JPG, DAC) carry the size.
        if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            if i + 9 > b.len() {
                return None;
            }
            let h = u16::from_be_bytes([b[i + 5], b[i + 6]]) as u32;
            let w = u16::from_be_bytes([b[i + 7], b[i + 8]]) as u32;
            return Some((w, h));
        }
        if len < 2 {
            return None;
        }
        i += 2 + len;
    }
    None
}

fn exif_facts(bytes: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(exif) = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(bytes)) else {
        return (None, None);
    };
    let field = |tag| {
        exif.get_field(tag, exif::In::PRIMARY).map(|f| {
            f.display_value()
                .to_string()
                .trim_matches(|c: char| c == '"' || c.is_whitespace())
                .to_owned()
        })
    };
    let taken = field(exif::Tag::DateTimeOriginal).or_else(|| field(exif::Tag::DateTime));
    let camera = match (field(exif::Tag::Make), field(exif::Tag::Model)) {
        (Some(make), Some(model)) if model.starts_with(&make) => Some(model),
        (Some(make), Some(model)) => Some(format!("{make} {model}")),
        (make, model) => make.or(model),
    };
    (taken, camera)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_and_jpeg_dimensions() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&640u32.to_be_bytes());
        png.extend_from_slice(&480u32.to_be_bytes());
        png.extend_from_slice(&[8, 2, 0, 0, 0]);
        let ex = extract(&png, &MediaType::Png).unwrap();
        let info = ex.image.unwrap();
        assert_eq!((info.width, info.height), (640, 480));
        assert_eq!(info.taken, None);

        // SOI, APP0 (length 4, two bytes of payload), SOF0 with 300 x 200.
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00,
            200, 0x01, 0x2C, 0x03,
        ];
        let info = extract(&jpeg, &MediaType::Jpeg).unwrap().image.unwrap();
        assert_eq!((info.width, info.height), (300, 200));

        assert!(matches!(
            extract(&jpeg[..6], &MediaType::Jpeg),
            Err(EvidenceError::Malformed(_))
        ));
    }
}
