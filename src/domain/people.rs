//! The leadership and staff directory (Điều 10.2b): how a contact is written, and whether a
//! term of office is current on a day.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a contact field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    Phone,
    Email,
    /// Địa chỉ: an office or a postal address.
    Address,
    /// A web page.
    Website,
}

/// A phone number as people write it: digits with spaces, dots, dashes or brackets between,
/// an optional leading `+`, 8 to 15 digits (`0215 3 840 123`, `+84 912.345.678`).
pub fn valid_phone(s: &str) -> bool {
    let body = s.strip_prefix('+').unwrap_or(s);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    (8..=15).contains(&digits)
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || " .-()".contains(c))
        && body.starts_with(|c: char| c.is_ascii_digit() || c == '(')
}

/// Whether someone holds the post on `day`: from the first day of the term (when known), up
/// to the day before it ended (`term_end` is the first day out of office).
pub fn in_office(start: Option<NaiveDate>, end: Option<NaiveDate>, day: NaiveDate) -> bool {
    start.is_none_or(|s| s <= day) && end.is_none_or(|e| day < e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_as_people_write_them() {
        for good in [
            "0215 3 840 123",
            "+84 912.345.678",
            "0912-345-678",
            "(0215) 3840123",
            "0912345678",
        ] {
            assert!(valid_phone(good), "{good}");
        }
        for bad in [
            "",
            "112",
            "0912 345 678 ext 5",
            "+",
            "phone",
            "++84912345678",
            "-0912345678",
            "0912345678901234",
        ] {
            assert!(!valid_phone(bad), "{bad}");
        }
    }

    #[test]
    fn a_term_runs_from_its_first_day_to_the_day_before_it_ends() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let (start, end) = (Some(d("2020-09-01")), Some(d("2025-08-15")));
        assert!(!in_office(start, end, d("2020-08-31")));
        assert!(in_office(start, end, d("2020-09-01")));
        assert!(in_office(start, end, d("2025-08-14")));
        assert!(!in_office(start, end, d("2025-08-15")));
        assert!(in_office(None, None, d("2025-08-15")));
    }
}
