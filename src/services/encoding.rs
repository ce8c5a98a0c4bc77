//! The legacy-encoding check every kind and resource applies to the text it is sent
//! (Quy chế Điều 6.5: TCVN 6909:2001 Unicode only). Detection is `domain::vietnamese`'s.

use std::borrow::Cow;

use crate::domain::vietnamese;
use crate::error::{ApiError, ApiResult, Text};

/// The text fields of one request, checked together so that one answer names them all:
/// `Fields::default().text("title", &t).sent("summary", &s).list("tags", &tags).check()`.
#[derive(Default)]
pub struct Fields<'a>(Vec<(Cow<'a, str>, &'a str)>);

impl<'a> Fields<'a> {
    pub fn text(mut self, name: &'a str, value: &'a str) -> Self {
        self.0.push((Cow::Borrowed(name), value));
        self
    }

    /// A field a request may leave out (then it is not checked).
    pub fn sent(self, name: &'a str, value: &'a Option<String>) -> Self {
        match value {
            Some(v) => self.text(name, v),
            None => self,
        }
    }

    /// A text whose name is made up (`steps[2].title`).
    pub fn named(mut self, name: String, value: &'a str) -> Self {
        self.0.push((Cow::Owned(name), value));
        self
    }

    /// A list of texts, named `name[i]` in the answer.
    pub fn list(self, name: &str, items: &'a [String]) -> Self {
        items
            .iter()
            .enumerate()
            .fold(self, |f, (i, item)| f.named(format!("{name}[{i}]"), item))
    }

    /// Refuses text pasted from a legacy 8-bit Vietnamese font (Điều 6.5): 422
    /// `legacy_vietnamese_encoding`, one field error per field, each naming the encoding.
    pub fn check(self) -> ApiResult<()> {
        check(&self.0)
    }
}

fn check(fields: &[(Cow<str>, &str)]) -> ApiResult<()> {
    let bad: Vec<_> = fields
        .iter()
        .filter_map(|(name, text)| vietnamese::detect_legacy(text).map(|enc| (name, enc)))
        .collect();
    if bad.is_empty() {
        return Ok(());
    }
    let err = ApiError::validation(
        bad.iter()
            .map(|(name, enc)| {
                crate::error::FieldError::new(
                    name.to_string(),
                    "legacy_vietnamese_encoding",
                    Text::new(
                        format!(
                            "Văn bản có vẻ được gõ bằng bảng mã cũ {}; hãy chuyển sang Unicode (POST /api/v1/text/convert-legacy).",
                            enc.as_str().to_uppercase()
                        ),
                        format!(
                            "The text looks typed in the legacy {} encoding; convert it to Unicode (POST /api/v1/text/convert-legacy).",
                            enc.as_str().to_uppercase()
                        ),
                    ),
                )
            })
            .collect(),
    );
    Err(err.with_code(
        "legacy_vietnamese_encoding",
        Text::new(
            "Văn bản không ở dạng Unicode TCVN 6909:2001 mà ở bảng mã cũ (TCVN3/VNI).",
            "Text is in a legacy Vietnamese encoding (TCVN3/VNI), not TCVN 6909:2001 Unicode.",
        ),
    ))
}
