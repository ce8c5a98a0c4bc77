//! Teaching resources (tài nguyên dạy học, Điều 7.5): their types, award levels, and how a
//! school year is written.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a resource is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResourceType {
    /// Đề tài nghiên cứu khoa học.
    Research,
    /// Sáng kiến kinh nghiệm.
    Initiative,
    /// Bài giảng điện tử.
    ELesson,
    /// Bài trình chiếu.
    Slides,
    /// Thiết bị dạy học tự làm.
    TeachingAid,
    /// Đề kiểm tra.
    TestPaper,
}

impl ResourceType {
    pub fn name(self) -> &'static str {
        match self {
            Self::Research => "Đề tài nghiên cứu khoa học",
            Self::Initiative => "Sáng kiến kinh nghiệm",
            Self::ELesson => "Bài giảng điện tử",
            Self::Slides => "Bài trình chiếu",
            Self::TeachingAid => "Thiết bị dạy học tự làm",
            Self::TestPaper => "Đề kiểm tra",
        }
    }

    /// As stored and filtered on (its serde name).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Research => "research",
            Self::Initiative => "initiative",
            Self::ELesson => "e_lesson",
            Self::Slides => "slides",
            Self::TeachingAid => "teaching_aid",
            Self::TestPaper => "test_paper",
        }
    }
}

/// The level at which a resource won recognition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AwardLevel {
    /// Cấp trường.
    School,
    /// Cấp huyện.
    District,
    /// Cấp tỉnh.
    Province,
}

impl AwardLevel {
    pub fn name(self) -> &'static str {
        match self {
            Self::School => "Cấp trường",
            Self::District => "Cấp huyện",
            Self::Province => "Cấp tỉnh",
        }
    }
}

/// A school year as schools write it: two consecutive years, `2025-2026`.
pub fn valid_school_year(s: &str) -> bool {
    let Some((a, b)) = s.split_once('-') else {
        return false;
    };
    let year = |t: &str| {
        (t.len() == 4 && t.bytes().all(|c| c.is_ascii_digit()))
            .then(|| t.parse::<i32>().ok())
            .flatten()
    };
    matches!((year(a), year(b)), (Some(a), Some(b)) if (1945..=2200).contains(&a) && b == a + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn school_years_are_two_consecutive_years() {
        for good in ["2025-2026", "1999-2000"] {
            assert!(valid_school_year(good), "{good}");
        }
        for bad in [
            "",
            "2025",
            "2025-2027",
            "2026-2025",
            "2025–2026",
            "25-26",
            "2025-2026 ",
            "năm 2025-2026",
            "+025-2026",
        ] {
            assert!(!valid_school_year(bad), "{bad}");
        }
    }

    #[test]
    fn types_are_stored_as_their_serde_names() {
        for t in [
            ResourceType::Research,
            ResourceType::Initiative,
            ResourceType::ELesson,
            ResourceType::Slides,
            ResourceType::TeachingAid,
            ResourceType::TestPaper,
        ] {
            assert_eq!(serde_json::to_value(t).unwrap(), t.as_str());
        }
    }
}
