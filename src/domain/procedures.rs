//! Administrative procedure guides (thủ tục hành chính, Điều 7.3, 10.2d): how papers are
//! handed in, where an application goes, the national database's codes and how a fee reads.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The form a required paper is handed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaperCopy {
    /// Bản chính.
    Original,
    /// Bản sao (a plain copy).
    Copy,
    /// Bản sao có chứng thực (a certified copy).
    CertifiedCopy,
    /// Bản chính hoặc bản sao có chứng thực.
    OriginalOrCertifiedCopy,
}

impl PaperCopy {
    pub fn name(self) -> &'static str {
        match self {
            Self::Original => "Bản chính",
            Self::Copy => "Bản sao",
            Self::CertifiedCopy => "Bản sao có chứng thực",
            Self::OriginalOrCertifiedCopy => "Bản chính hoặc bản sao có chứng thực",
        }
    }
}

/// How an application may be handed in (cách thức thực hiện).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubmitMethod {
    /// Nộp trực tiếp, at the place named.
    InPerson,
    /// Qua dịch vụ bưu chính, to the address named.
    Post,
    /// Trực tuyến, at the link given.
    Online,
}

impl SubmitMethod {
    pub fn name(self) -> &'static str {
        match self {
            Self::InPerson => "Nộp trực tiếp",
            Self::Post => "Qua dịch vụ bưu chính",
            Self::Online => "Trực tuyến",
        }
    }
}

/// A procedure's code in the national database of administrative procedures (Cơ sở dữ liệu
/// quốc gia về thủ tục hành chính): a level digit, a dot and six digits (`1.004493`).
pub fn valid_code(code: &str) -> bool {
    let mut parts = code.split('.');
    let (Some(level), Some(number), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    level.len() == 1
        && number.len() == 6
        && level
            .bytes()
            .chain(number.bytes())
            .all(|b| b.is_ascii_digit())
}

/// A fee as the page shows it: `Miễn phí`, or the amount with dots between thousands and
/// `đồng` (`50.000 đồng`).
pub fn fee_label(vnd: i64) -> String {
    if vnd == 0 {
        return "Miễn phí".to_owned();
    }
    let digits = vnd.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{out} đồng")
}

/// A processing time as the page shows it (`Trong ngày`, `5 ngày làm việc`).
pub fn processing_label(working_days: i32) -> String {
    if working_days == 0 {
        "Trong ngày".to_owned()
    } else {
        format!("{working_days} ngày làm việc")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_codes() {
        for good in ["1.004493", "2.002481", "3.000182"] {
            assert!(valid_code(good), "{good}");
        }
        for bad in [
            "",
            "1004493",
            "1.00449",
            "1.0044931",
            "12.004493",
            "1.00449a",
            "1.004.493",
            "BGD-263614",
        ] {
            assert!(!valid_code(bad), "{bad}");
        }
    }

    #[test]
    fn fees_read_as_on_paper() {
        assert_eq!(fee_label(0), "Miễn phí");
        assert_eq!(fee_label(500), "500 đồng");
        assert_eq!(fee_label(50_000), "50.000 đồng");
        assert_eq!(fee_label(1_250_000), "1.250.000 đồng");
        assert_eq!(fee_label(100_000_000), "100.000.000 đồng");
    }

    #[test]
    fn processing_times() {
        assert_eq!(processing_label(0), "Trong ngày");
        assert_eq!(processing_label(5), "5 ngày làm việc");
    }
}
