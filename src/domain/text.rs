//! Vietnamese text rules (Quy chế Điều 6.5, TCVN 6909:2001): NFC everywhere, folded slugs.

use unicode_normalization::UnicodeNormalization;
use validator::ValidationError;

/// NFC-normalises and trims a piece of text from a request.
pub fn clean(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.trim().to_owned()
}

/// A URL slug with Vietnamese folded to ASCII: "Hoạt động ngoại khoá" → "hoat-dong-ngoai-khoa".
/// Only Latin letters (with their marks) and digits make it into the slug: emoji and other
/// scripts, which have no form a Vietnamese reader could read in ASCII, are dropped rather than
/// spelt out ("🎉" would otherwise become "tada"). Empty when nothing is left.
pub fn slugify(s: &str) -> String {
    let latin: String = clean(s)
        .chars()
        .map(|c| if is_latin(c) { c } else { ' ' })
        .collect();
    slug::slugify(latin)
}

/// The key a tag is filtered by, and a category's default slug: the slug, or for a name with
/// nothing Latin in it (日本語), its transliteration (`ri-ben-yu`), so that no name is refused
/// for its script.
pub fn tag_key(tag: &str) -> String {
    let key = slugify(tag);
    if key.is_empty() {
        slug::slugify(clean(tag))
    } else {
        key
    }
}

/// ASCII letters and digits, Latin letters with diacritics, and combining marks.
fn is_latin(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || (c.is_alphabetic()
            && matches!(c, '\u{c0}'..='\u{24f}' | '\u{1e00}'..='\u{1eff}')
            && c != '\u{d7}'
            && c != '\u{f7}')
        || matches!(c, '\u{300}'..='\u{36f}')
}

/// `validator` check: text may not contain NUL (PostgreSQL refuses it).
pub fn no_nul(s: &str) -> Result<(), ValidationError> {
    if s.contains('\0') {
        Err(ValidationError::new("nul_character"))
    } else {
        Ok(())
    }
}

/// `validator` check for links the public follows: an absolute `http` or `https` URL with a
/// host (no `javascript:`, `file:` or relative links).
pub fn web_url(s: &str) -> Result<(), ValidationError> {
    match url::Url::parse(s) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(()),
        // The message, in both languages, is the API's (`error::validation_message`).
        _ => Err(ValidationError::new("web_url")),
    }
}

/// `validator` check for slugs: lowercase ASCII letters, digits and single hyphens.
pub fn valid_slug(s: &str) -> Result<(), ValidationError> {
    let ok = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--");
    if ok {
        Ok(())
    } else {
        // The message, in both languages, is the API's (`error::validation_message`).
        Err(ValidationError::new("slug"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_fold_vietnamese() {
        assert_eq!(slugify("Hoạt động ngoại khoá"), "hoat-dong-ngoai-khoa");
        assert_eq!(
            slugify("Đội Thiếu niên Tiền phong"),
            "doi-thieu-nien-tien-phong"
        );
        assert_eq!(slugify("  Văn bản  pháp quy!  "), "van-ban-phap-quy");
    }

    #[test]
    fn slugs_drop_emoji_and_other_scripts() {
        assert_eq!(slugify("Chúc mừng năm mới 🎉🎊"), "chuc-mung-nam-moi");
        assert_eq!(slugify("🌸 Hội xuân 2027 🌸"), "hoi-xuan-2027");
        assert_eq!(
            slugify("Giao lưu với trường 東京 và Москва"),
            "giao-luu-voi-truong-va"
        );
        assert_eq!(
            slugify("Thầy Müller và cô Søren"),
            "thay-muller-va-co-soren"
        );
        assert_eq!(slugify("ÐIỆN BIÊN"), "dien-bien");
        assert_eq!(slugify("Điểm 10 × 2 ÷ 5 ✓"), "diem-10-2-5");
        assert_eq!(slugify("🎉👍"), "");
        assert_eq!(slugify("日本語"), "");
    }

    #[test]
    fn clean_composes_to_nfc() {
        // "ế" typed as e + combining circumflex + combining acute.
        let decomposed = "Ti\u{0065}\u{0302}\u{0301}ng Vi\u{0065}\u{0323}\u{0302}t";
        let cleaned = clean(decomposed);
        assert_eq!(cleaned, "Tiếng Việt");
        assert_eq!(cleaned.chars().count(), 10);
    }

    #[test]
    fn web_urls_are_http_or_https_with_a_host() {
        for good in [
            "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html",
            "http://muongcha.dienbien.gov.vn",
        ] {
            assert!(web_url(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "dichvucong.gov.vn",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "ftp://x.vn",
            "https://",
            "/relative",
        ] {
            assert!(web_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn slug_rule() {
        assert!(valid_slug("tin-tuc-2024").is_ok());
        for bad in ["", "Tin", "tin--tuc", "-tin", "tin tuc", "tín"] {
            assert!(valid_slug(bad).is_err(), "{bad}");
        }
    }
}

/// Serde helpers that NFC-normalise strings as requests are read, so no handler can forget.
pub mod nfc {
    use serde::{Deserialize, Deserializer};

    pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        Ok(super::clean(&String::deserialize(d)?))
    }

    pub fn option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(Option::<String>::deserialize(d)?.map(|s| super::clean(&s)))
    }

    /// A field that may be left out but not sent as `null` (a change that cannot clear it):
    /// absent → `None` (leave as is, by `#[serde(default)]`), `null` → an error.
    pub fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(Some(super::clean(&String::deserialize(d)?)))
    }

    /// `Option<Option<String>>`: absent → `None` (leave as is), `null` → `Some(None)` (clear).
    pub fn nullable<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
        Ok(Some(
            Option::<String>::deserialize(d)?
                .map(|s| super::clean(&s))
                .filter(|s| !s.is_empty()),
        ))
    }
}
