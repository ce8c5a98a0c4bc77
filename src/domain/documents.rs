//! Legal and administrative documents (văn bản, Quy chế Điều 7.1–7.2): the số ký hiệu, the
//! forms (hình thức) and a document's validity. Pure rules, no I/O.
//!
//! A số ký hiệu is written as Nghị định 30/2020/NĐ-CP (Phụ lục I) and the Law on Legal
//! Normative Documents have it:
//! - `38/QĐ-THS1MM`: number / form abbreviation - issuer;
//! - `28/2020/TT-BGDĐT`, `64/2007/NĐ-CP`: number / year / form - issuer (legal normative
//!   documents carry their year);
//! - `80/2015/QH13`: number / year / issuer (laws and resolutions of the National Assembly,
//!   whose form is not in the number);
//! - `1234/UBND-VX`: number / issuer - drafting unit (a công văn has no form abbreviation).

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Hình thức văn bản, with the abbreviation used in the số ký hiệu (Nghị định 30/2020/NĐ-CP,
/// Phụ lục III; the Law on Legal Normative Documents for the normative forms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentForm {
    /// Luật, Bộ luật
    Law,
    /// Pháp lệnh
    Ordinance,
    /// Nghị quyết
    Resolution,
    /// Nghị định
    Decree,
    /// Thông tư
    Circular,
    /// Thông tư liên tịch
    JointCircular,
    /// Quyết định
    Decision,
    /// Chỉ thị
    Directive,
    /// Công văn
    OfficialLetter,
    /// Kế hoạch
    Plan,
    /// Báo cáo
    Report,
    /// Thông báo
    Notice,
    /// Hướng dẫn
    Guidance,
    /// Tờ trình
    Submission,
    /// Quy chế
    Regulation,
    /// Quy định
    Rules,
    /// Chương trình
    Programme,
    /// Đề án
    Scheme,
    /// Phương án
    Approach,
    /// Biên bản
    Minutes,
    /// Công điện
    Dispatch,
    /// Giấy mời
    Invitation,
}

impl DocumentForm {
    pub const ALL: [DocumentForm; 22] = [
        Self::Law,
        Self::Ordinance,
        Self::Resolution,
        Self::Decree,
        Self::Circular,
        Self::JointCircular,
        Self::Decision,
        Self::Directive,
        Self::OfficialLetter,
        Self::Plan,
        Self::Report,
        Self::Notice,
        Self::Guidance,
        Self::Submission,
        Self::Regulation,
        Self::Rules,
        Self::Programme,
        Self::Scheme,
        Self::Approach,
        Self::Minutes,
        Self::Dispatch,
        Self::Invitation,
    ];

    /// The Vietnamese name, as a document's heading has it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Law => "Luật",
            Self::Ordinance => "Pháp lệnh",
            Self::Resolution => "Nghị quyết",
            Self::Decree => "Nghị định",
            Self::Circular => "Thông tư",
            Self::JointCircular => "Thông tư liên tịch",
            Self::Decision => "Quyết định",
            Self::Directive => "Chỉ thị",
            Self::OfficialLetter => "Công văn",
            Self::Plan => "Kế hoạch",
            Self::Report => "Báo cáo",
            Self::Notice => "Thông báo",
            Self::Guidance => "Hướng dẫn",
            Self::Submission => "Tờ trình",
            Self::Regulation => "Quy chế",
            Self::Rules => "Quy định",
            Self::Programme => "Chương trình",
            Self::Scheme => "Đề án",
            Self::Approach => "Phương án",
            Self::Minutes => "Biên bản",
            Self::Dispatch => "Công điện",
            Self::Invitation => "Giấy mời",
        }
    }

    /// The abbreviation in the số ký hiệu; `None` for the forms written without one (a công
    /// văn; a law, whose number names only the National Assembly).
    pub fn abbreviation(self) -> Option<&'static str> {
        Some(match self {
            Self::Law | Self::OfficialLetter => return None,
            Self::Ordinance => "PL",
            Self::Resolution => "NQ",
            Self::Decree => "NĐ",
            Self::Circular => "TT",
            Self::JointCircular => "TTLT",
            Self::Decision => "QĐ",
            Self::Directive => "CT",
            Self::Plan => "KH",
            Self::Report => "BC",
            Self::Notice => "TB",
            Self::Guidance => "HD",
            Self::Submission => "TTr",
            Self::Regulation => "QC",
            Self::Rules => "QyĐ",
            Self::Programme => "CTr",
            Self::Scheme => "ĐA",
            Self::Approach => "PA",
            Self::Minutes => "BB",
            Self::Dispatch => "CĐ",
            Self::Invitation => "GM",
        })
    }

    /// The form an abbreviation stands for, ignoring case and accepting `D` for `Đ` (`qd`).
    pub fn from_abbreviation(abbreviation: &str) -> Option<Self> {
        let key = fold_code(abbreviation);
        Self::ALL
            .into_iter()
            .find(|f| f.abbreviation().is_some_and(|a| fold_code(a) == key))
    }
}

/// A code compared the way people type it: upper case, `Đ` as `D`.
pub fn fold_code(code: &str) -> String {
    code.chars()
        .map(|c| match c {
            'Đ' | 'đ' => 'D',
            c => c.to_ascii_uppercase(),
        })
        .collect()
}

/// A parsed số ký hiệu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentNumber {
    /// As written, in its usual form: `38/QĐ-THS1MM` (the form's abbreviation spelt as the
    /// table has it, `qd` → `QĐ`; the rest as typed, upper-cased, Đ kept).
    pub text: String,
    /// The number itself (`38`; leading zeros do not count).
    pub number: u32,
    /// The year, when the number has one (`28/2020/TT-BGDĐT` → 2020).
    pub year: Option<i32>,
    /// The form the abbreviation names; `None` for a number without one.
    pub form: Option<DocumentForm>,
    /// The issuer's code (`THS1MM`, `BGDĐT`, `CP`, `QH13`, `UBND`).
    pub issuer: String,
    /// The drafting unit after the issuer, in a công văn's number (`VX` in `1234/UBND-VX`).
    pub unit: Option<String>,
}

/// Why a số ký hiệu was refused: a stable field code and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberError {
    pub code: &'static str,
    pub message: &'static str,
}

const MALFORMED: NumberError = NumberError {
    code: "malformed_document_number",
    message: "Số ký hiệu viết như 38/QĐ-THS1MM, 28/2020/TT-BGDĐT hoặc 1234/UBND-VX.",
};

const EARLIEST_YEAR: i32 = 1945;

/// A part of a code: letters (Đ included) and digits, starting with a letter.
fn is_code(part: &str) -> bool {
    part.chars().next().is_some_and(char::is_alphabetic)
        && part
            .chars()
            .all(|c| c.is_alphanumeric() && (c.is_ascii() || matches!(c, 'Đ' | 'đ')))
        && part.chars().count() <= 20
}

impl DocumentNumber {
    /// Parses a số ký hiệu as written on the document, with or without `Số:` before it.
    /// `latest_year` bounds the year (next year at most: numbers are given before signing).
    pub fn parse(written: &str, latest_year: i32) -> Result<Self, NumberError> {
        let text = written.trim();
        let text = text
            .strip_prefix("Số:")
            .or_else(|| text.strip_prefix("số:"))
            .or_else(|| text.strip_prefix("Số"))
            .unwrap_or(text)
            .trim();
        let mut parts = text.split('/');
        let number_part = parts.next().ok_or(MALFORMED)?;
        let rest: Vec<&str> = parts.collect();
        if number_part.is_empty()
            || number_part.len() > 6
            || !number_part.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(MALFORMED);
        }
        let number: u32 = number_part.parse().map_err(|_| MALFORMED)?;
        if number == 0 {
            return Err(NumberError {
                code: "malformed_document_number",
                message: "Số văn bản bắt đầu từ 1.",
            });
        }
        let (year, codes) = match rest.as_slice() {
            [codes] => (None, *codes),
            [year, codes] => {
                let y: i32 = (year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| year.parse().ok())
                    .flatten()
                    .ok_or(MALFORMED)?;
                if !(EARLIEST_YEAR..=latest_year).contains(&y) {
                    return Err(NumberError {
                        code: "document_year_out_of_range",
                        message: "Năm trong số ký hiệu không hợp lệ.",
                    });
                }
                (Some(y), *codes)
            }
            _ => return Err(MALFORMED),
        };
        let pieces: Vec<&str> = codes.split('-').collect();
        if pieces.iter().any(|p| !is_code(p)) {
            return Err(MALFORMED);
        }
        let upper = |s: &str| -> String { s.chars().flat_map(char::to_uppercase).collect() };
        let (form, issuer, unit) = match pieces.as_slice() {
            // 80/2015/QH13, 1234/UBND
            [issuer] => (None, upper(issuer), None),
            [first, second] => match DocumentForm::from_abbreviation(first) {
                // 38/QĐ-THS1MM, 28/2020/TT-BGDĐT
                Some(form) => (Some(form), upper(second), None),
                // 1234/UBND-VX: a công văn's issuer and drafting unit
                None => (None, upper(first), Some(upper(second))),
            },
            // 05/TTLT-BGDĐT-BNV and the like: the form, then the first issuer and the others.
            [first, issuer, others @ ..] => match DocumentForm::from_abbreviation(first) {
                Some(form) => (
                    Some(form),
                    upper(issuer),
                    Some(
                        others
                            .iter()
                            .map(|o| upper(o))
                            .collect::<Vec<_>>()
                            .join("-"),
                    ),
                ),
                None => return Err(MALFORMED),
            },
            [] => return Err(MALFORMED),
        };
        // The issuer codes people write with lower-case letters keep them (TTg, the Prime
        // Minister): taken as typed when the typed form is not all lower case.
        let issuer = match pieces.get(usize::from(form.is_some())) {
            Some(typed) if typed.chars().any(char::is_uppercase) => (*typed).to_owned(),
            _ => issuer,
        };
        let mut canonical = number_part.to_owned();
        if let Some(y) = year {
            canonical.push_str(&format!("/{y}"));
        }
        canonical.push('/');
        let mut codes = Vec::new();
        if let Some(a) = form.and_then(DocumentForm::abbreviation) {
            codes.push(a.to_owned());
        }
        codes.push(issuer.clone());
        if let Some(u) = &unit {
            codes.push(u.clone());
        }
        canonical.push_str(&codes.join("-"));
        Ok(DocumentNumber {
            text: canonical,
            number,
            year,
            form,
            issuer,
            unit,
        })
    }

    /// The key that makes a số ký hiệu unique: per issuer and year (the number's own, or the
    /// signing year for a number without one), whatever the case or Đ. The form's abbreviation
    /// is part of the number (`01/QĐ-THS1MM` and `01/KH-THS1MM` are two documents: many
    /// offices number each form on its own).
    pub fn unique_key(&self, signed_year: i32) -> String {
        let form = self.form.and_then(DocumentForm::abbreviation).unwrap_or("");
        format!(
            "{}/{}/{}-{}",
            self.number,
            self.year.unwrap_or(signed_year),
            fold_code(form),
            fold_code(&self.issuer)
        )
    }

    /// The key a written number is looked up by: as written in its usual form, whatever the
    /// case or Đ (`38/qd-ths1mm` finds `38/QĐ-THS1MM`).
    pub fn lookup_key(&self) -> String {
        fold_code(&self.text)
    }

    /// Whether the form declared for a document agrees with its number: the abbreviation
    /// names that form, or a number without one belongs to a công văn, a law or a National
    /// Assembly resolution (`80/2015/QH13`).
    pub fn agrees_with(&self, form: DocumentForm) -> bool {
        match self.form {
            Some(f) => f == form,
            None => match form {
                DocumentForm::OfficialLetter => self.year.is_none(),
                DocumentForm::Law | DocumentForm::Resolution | DocumentForm::Ordinance => {
                    self.year.is_some()
                }
                _ => false,
            },
        }
    }
}

/// Hiệu lực: where a document stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    /// Chưa có hiệu lực: before its effective date.
    NotYetInForce,
    /// Còn hiệu lực.
    InForce,
    /// Hết hiệu lực: from its expiry date on.
    Expired,
    /// Bị thay thế: a published document replacing it has taken effect.
    Replaced,
}

impl Validity {
    pub fn name(self) -> &'static str {
        match self {
            Self::NotYetInForce => "Chưa có hiệu lực",
            Self::InForce => "Còn hiệu lực",
            Self::Expired => "Hết hiệu lực",
            Self::Replaced => "Bị thay thế",
        }
    }
}

/// Vietnam's time zone (UTC+7, no daylight saving).
pub fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// The calendar day in Vietnam at an instant: validity changes at midnight Vietnam time.
pub fn vietnam_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&vietnam()).date_naive()
}

/// The dates that decide a document's validity.
#[derive(Debug, Clone, Copy, Default)]
pub struct ValidityDates {
    /// Ngày hiệu lực: the first day in force (the signing day when the document names none).
    pub effective: Option<NaiveDate>,
    /// Ngày hết hiệu lực: the **first day no longer in force** ("hết hiệu lực kể từ ngày …").
    pub expires: Option<NaiveDate>,
    /// The earliest effective date of the published documents replacing it: a replaced
    /// document stays in force until the replacing one takes effect.
    pub replaced_from: Option<NaiveDate>,
    /// The earliest effective date of the published documents amending it in part.
    pub amended_from: Option<NaiveDate>,
}

/// A document's validity on `today` (a day in Vietnam), and whether it is amended in part
/// (bị sửa đổi một phần) by a published document already in force.
pub fn validity(dates: ValidityDates, today: NaiveDate) -> (Validity, bool) {
    let reached = |d: Option<NaiveDate>| d.is_some_and(|d| d <= today);
    let state = if dates.effective.is_some_and(|d| d > today) {
        Validity::NotYetInForce
    } else if reached(dates.replaced_from) {
        Validity::Replaced
    } else if reached(dates.expires) {
        Validity::Expired
    } else {
        Validity::InForce
    };
    let amended = state == Validity::InForce && reached(dates.amended_from);
    (state, amended)
}

/// How one document relates to another (quan hệ văn bản), read from the document that states
/// it: "this decision replaces that one".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    /// Căn cứ: issued on the basis of the other.
    BasedOn,
    /// Thay thế: replaces the other.
    Replaces,
    /// Sửa đổi, bổ sung: amends the other in part.
    Amends,
    /// Hướng dẫn thi hành: guides the implementation of the other.
    Implements,
}

impl RelationKind {
    pub const ALL: [RelationKind; 4] = [
        Self::BasedOn,
        Self::Replaces,
        Self::Amends,
        Self::Implements,
    ];

    /// As the stating document shows it.
    pub fn name(self) -> &'static str {
        match self {
            Self::BasedOn => "Căn cứ",
            Self::Replaces => "Thay thế",
            Self::Amends => "Sửa đổi, bổ sung",
            Self::Implements => "Hướng dẫn thi hành",
        }
    }

    /// As the other document shows it (the inverse).
    pub fn inverse_name(self) -> &'static str {
        match self {
            Self::BasedOn => "Là căn cứ của",
            Self::Replaces => "Bị thay thế bởi",
            Self::Amends => "Được sửa đổi, bổ sung bởi",
            Self::Implements => "Được hướng dẫn bởi",
        }
    }
}

/// Whether a relation `from` → `to` would close a circle among `existing` relations (of any
/// kind): a document that, through what it replaces, amends, implements or is based on, comes
/// back to itself. A document never relates to itself.
pub fn closes_a_cycle(existing: &[(&str, &str)], from: &str, to: &str) -> bool {
    if from == to {
        return true;
    }
    // Is `from` reachable from `to`?
    let mut stack = vec![to];
    let mut seen = std::collections::HashSet::new();
    while let Some(at) = stack.pop() {
        if at == from {
            return true;
        }
        if seen.insert(at) {
            stack.extend(existing.iter().filter(|(a, _)| *a == at).map(|(_, b)| *b));
        }
    }
    false
}

/// The replacement and amendment dates of a document, from the **published** documents that
/// state a relation to it, each with its own effective date: the earliest of each kind.
/// Unpublished ones are not passed in, so they change nothing.
pub fn replaced_and_amended_from(
    incoming: &[(RelationKind, NaiveDate)],
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let earliest = |kind: RelationKind| {
        incoming
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, d)| *d)
            .min()
    };
    (
        earliest(RelationKind::Replaces),
        earliest(RelationKind::Amends),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn parse(s: &str) -> Result<DocumentNumber, NumberError> {
        DocumentNumber::parse(s, 2027)
    }

    #[test]
    fn real_numbers_are_parsed() {
        use DocumentForm::*;
        type Case<'a> = (
            &'a str,
            &'a str,
            u32,
            Option<i32>,
            Option<DocumentForm>,
            &'a str,
            Option<&'a str>,
        );
        // (written, canonical, number, year, form, issuer, unit)
        let cases: &[Case] = &[
            (
                "38/QĐ-THS1MM",
                "38/QĐ-THS1MM",
                38,
                None,
                Some(Decision),
                "THS1MM",
                None,
            ),
            (
                "28/2020/TT-BGDĐT",
                "28/2020/TT-BGDĐT",
                28,
                Some(2020),
                Some(Circular),
                "BGDĐT",
                None,
            ),
            (
                "64/2007/NĐ-CP",
                "64/2007/NĐ-CP",
                64,
                Some(2007),
                Some(Decree),
                "CP",
                None,
            ),
            (
                "1234/UBND-VX",
                "1234/UBND-VX",
                1234,
                None,
                None,
                "UBND",
                Some("VX"),
            ),
            (
                "80/2015/QH13",
                "80/2015/QH13",
                80,
                Some(2015),
                None,
                "QH13",
                None,
            ),
            (
                "30/2020/NĐ-CP",
                "30/2020/NĐ-CP",
                30,
                Some(2020),
                Some(Decree),
                "CP",
                None,
            ),
            (
                "42/2020/NĐ-CP",
                "42/2020/NĐ-CP",
                42,
                Some(2020),
                Some(Decree),
                "CP",
                None,
            ),
            (
                "32/2020/TT-BGDĐT",
                "32/2020/TT-BGDĐT",
                32,
                Some(2020),
                Some(Circular),
                "BGDĐT",
                None,
            ),
            (
                "27/2020/TT-BGDĐT",
                "27/2020/TT-BGDĐT",
                27,
                Some(2020),
                Some(Circular),
                "BGDĐT",
                None,
            ),
            (
                "1234/QĐ-TTg",
                "1234/QĐ-TTg",
                1234,
                None,
                Some(Decision),
                "TTg",
                None,
            ),
            (
                "15/2023/QĐ-UBND",
                "15/2023/QĐ-UBND",
                15,
                Some(2023),
                Some(Decision),
                "UBND",
                None,
            ),
            (
                "45/KH-THS1MM",
                "45/KH-THS1MM",
                45,
                None,
                Some(Plan),
                "THS1MM",
                None,
            ),
            (
                "12/BC-PGDĐT",
                "12/BC-PGDĐT",
                12,
                None,
                Some(Report),
                "PGDĐT",
                None,
            ),
            (
                "05/TB-THS1MM",
                "05/TB-THS1MM",
                5,
                None,
                Some(Notice),
                "THS1MM",
                None,
            ),
            (
                "03/HD-SGDĐT",
                "03/HD-SGDĐT",
                3,
                None,
                Some(Guidance),
                "SGDĐT",
                None,
            ),
            (
                "07/TTr-THS1MM",
                "07/TTr-THS1MM",
                7,
                None,
                Some(Submission),
                "THS1MM",
                None,
            ),
            (
                "01/CT-UBND",
                "01/CT-UBND",
                1,
                None,
                Some(Directive),
                "UBND",
                None,
            ),
            (
                "02/QC-THS1MM",
                "02/QC-THS1MM",
                2,
                None,
                Some(Regulation),
                "THS1MM",
                None,
            ),
            (
                "09/QyĐ-THS1MM",
                "09/QyĐ-THS1MM",
                9,
                None,
                Some(Rules),
                "THS1MM",
                None,
            ),
            (
                "11/CTr-PGDĐT",
                "11/CTr-PGDĐT",
                11,
                None,
                Some(Programme),
                "PGDĐT",
                None,
            ),
            (
                "88/NQ-HĐND",
                "88/NQ-HĐND",
                88,
                None,
                Some(Resolution),
                "HĐND",
                None,
            ),
            (
                "04/BB-THS1MM",
                "04/BB-THS1MM",
                4,
                None,
                Some(Minutes),
                "THS1MM",
                None,
            ),
            (
                "06/GM-PGDĐT",
                "06/GM-PGDĐT",
                6,
                None,
                Some(Invitation),
                "PGDĐT",
                None,
            ),
            (
                "10/CĐ-UBND",
                "10/CĐ-UBND",
                10,
                None,
                Some(Dispatch),
                "UBND",
                None,
            ),
            (
                "05/2015/TTLT-BGDĐT-BNV",
                "05/2015/TTLT-BGDĐT-BNV",
                5,
                Some(2015),
                Some(JointCircular),
                "BGDĐT",
                Some("BNV"),
            ),
            ("567/PGDĐT", "567/PGDĐT", 567, None, None, "PGDĐT", None),
            (
                "Số: 38/QĐ-THS1MM",
                "38/QĐ-THS1MM",
                38,
                None,
                Some(Decision),
                "THS1MM",
                None,
            ),
            (
                "  38/QĐ-THS1MM ",
                "38/QĐ-THS1MM",
                38,
                None,
                Some(Decision),
                "THS1MM",
                None,
            ),
            // Typed without Đ, or in lower case.
            (
                "38/QD-THS1MM",
                "38/QĐ-THS1MM",
                38,
                None,
                Some(Decision),
                "THS1MM",
                None,
            ),
            (
                "38/qđ-ths1mm",
                "38/QĐ-THS1MM",
                38,
                None,
                Some(Decision),
                "THS1MM",
                None,
            ),
            (
                "28/2020/tt-bgdđt",
                "28/2020/TT-BGDĐT",
                28,
                Some(2020),
                Some(Circular),
                "BGDĐT",
                None,
            ),
            (
                "64/2007/nd-cp",
                "64/2007/NĐ-CP",
                64,
                Some(2007),
                Some(Decree),
                "CP",
                None,
            ),
        ];
        for (written, canonical, number, year, form, issuer, unit) in cases {
            let n = parse(written).unwrap_or_else(|e| panic!("{written}: {e:?}"));
            assert_eq!(n.text, *canonical, "{written}");
            assert_eq!(n.number, *number, "{written}");
            assert_eq!(n.year, *year, "{written}");
            assert_eq!(n.form, *form, "{written}");
            assert_eq!(n.issuer, *issuer, "{written}");
            assert_eq!(n.unit.as_deref(), *unit, "{written}");
        }
        assert!(cases.len() >= 30);
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for bad in [
            "",
            "abc",
            "38",
            "38/",
            "/QĐ-THS1MM",
            "38QĐ-THS1MM",
            "0/QĐ-THS1MM",
            "38/QĐ-",
            "38/QĐ--THS1MM",
            "38 /QĐ-THS1MM",
            "38/ QĐ-THS1MM",
            "38/20/TT-BGDĐT",
            "38/2020/",
            "38/2020/TT-BGDĐT/1",
            "x38/QĐ-THS1MM",
            "38a/QĐ-THS1MM",
            "38/QĐ-THS 1MM",
            "38/Q.Đ-THS1MM",
            "38/1QĐ-THS1MM",
            "1234567/QĐ-THS1MM",
            "38/XY-AB-CD",
            "38/QĐ-THS1MM!",
            "38/QĐ-TrườngTH",
        ] {
            assert_eq!(
                parse(bad).map_err(|e| e.code),
                Err("malformed_document_number"),
                "{bad:?}"
            );
        }
        for year in ["38/1899/TT-BGDĐT", "38/2099/TT-BGDĐT"] {
            assert_eq!(
                parse(year).map_err(|e| e.code),
                Err("document_year_out_of_range")
            );
        }
    }

    #[test]
    fn numbers_are_unique_per_issuer_and_year_whatever_the_typing() {
        let key = |s: &str| parse(s).unwrap().unique_key(2026);
        assert_eq!(key("38/QĐ-THS1MM"), key("38/qd-ths1mm"));
        assert_eq!(key("038/QĐ-THS1MM"), key("38/QĐ-THS1MM"));
        assert_ne!(key("38/KH-THS1MM"), key("38/QĐ-THS1MM"));
        assert_ne!(key("38/QĐ-THS2MM"), key("38/QĐ-THS1MM"));
        assert_ne!(key("28/2020/TT-BGDĐT"), key("28/2021/TT-BGDĐT"));
        // A number without a year is unique within its signing year.
        let n = parse("38/QĐ-THS1MM").unwrap();
        assert_ne!(n.unique_key(2026), n.unique_key(2027));
    }

    #[test]
    fn the_form_agrees_with_the_number() {
        use DocumentForm::*;
        let n = |s: &str| parse(s).unwrap();
        assert!(n("38/QĐ-THS1MM").agrees_with(Decision));
        assert!(!n("38/QĐ-THS1MM").agrees_with(Plan));
        assert!(n("1234/UBND-VX").agrees_with(OfficialLetter));
        assert!(!n("1234/UBND-VX").agrees_with(Decision));
        assert!(n("80/2015/QH13").agrees_with(Law));
        assert!(!n("80/2015/QH13").agrees_with(OfficialLetter));
        assert!(!n("38/QĐ-THS1MM").agrees_with(OfficialLetter));
        for form in DocumentForm::ALL {
            if let Some(a) = form.abbreviation() {
                assert_eq!(DocumentForm::from_abbreviation(a), Some(form), "{a}");
            }
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn validity_turns_at_midnight_in_vietnam() {
        let dates = ValidityDates {
            effective: Some(day(2026, 12, 1)),
            expires: Some(day(2027, 1, 1)),
            ..Default::default()
        };
        let on = |d| validity(dates, d).0;
        assert_eq!(on(day(2026, 11, 30)), Validity::NotYetInForce);
        assert_eq!(on(day(2026, 12, 1)), Validity::InForce);
        assert_eq!(on(day(2026, 12, 31)), Validity::InForce);
        // The expiry date is the first day out of force.
        assert_eq!(on(day(2027, 1, 1)), Validity::Expired);
        assert_eq!(on(day(2027, 1, 2)), Validity::Expired);
        // 17:00 UTC on 30 November is already 1 December in Vietnam.
        let late = Utc.with_ymd_and_hms(2026, 11, 30, 17, 0, 0).unwrap();
        assert_eq!(vietnam_day(late), day(2026, 12, 1));
        assert_eq!(on(vietnam_day(late)), Validity::InForce);
        let before = Utc.with_ymd_and_hms(2026, 11, 30, 16, 59, 59).unwrap();
        assert_eq!(on(vietnam_day(before)), Validity::NotYetInForce);
    }

    #[test]
    fn a_replaced_document_stays_in_force_until_the_replacement_takes_effect() {
        let dates = ValidityDates {
            effective: Some(day(2020, 9, 1)),
            replaced_from: Some(day(2027, 1, 15)),
            ..Default::default()
        };
        assert_eq!(validity(dates, day(2027, 1, 14)).0, Validity::InForce);
        assert_eq!(validity(dates, day(2027, 1, 15)).0, Validity::Replaced);
        // No published replacement: in force.
        let alone = ValidityDates {
            replaced_from: None,
            ..dates
        };
        assert_eq!(validity(alone, day(2030, 1, 1)).0, Validity::InForce);
        // Amended in part by a document in force: beside "in force".
        let amended = ValidityDates {
            amended_from: Some(day(2026, 1, 1)),
            ..alone
        };
        assert_eq!(
            validity(amended, day(2025, 12, 31)),
            (Validity::InForce, false)
        );
        assert_eq!(
            validity(amended, day(2026, 1, 1)),
            (Validity::InForce, true)
        );
    }

    #[test]
    fn relations_show_their_inverse_and_never_close_a_circle() {
        for kind in RelationKind::ALL {
            assert_ne!(kind.name(), kind.inverse_name());
        }
        let existing = [("b", "a"), ("c", "b")]; // b replaces a, c amends b
        assert!(
            closes_a_cycle(&existing, "a", "a"),
            "nothing relates to itself"
        );
        assert!(closes_a_cycle(&existing, "a", "b"), "a → b → a");
        assert!(closes_a_cycle(&existing, "a", "c"), "a → c → b → a");
        assert!(
            !closes_a_cycle(&existing, "c", "a"),
            "c → a is one more arrow the same way"
        );
        assert!(!closes_a_cycle(&existing, "d", "a"));
        assert!(!closes_a_cycle(&[], "a", "b"));
    }

    #[test]
    fn a_replacement_counts_from_its_own_effective_date() {
        // The old circular, in force since 2020; a new one replacing it, published with an
        // effective date in the future, and an amendment already in force.
        let incoming = [
            (RelationKind::Replaces, day(2027, 2, 1)),
            (RelationKind::BasedOn, day(2020, 1, 1)),
            (RelationKind::Amends, day(2025, 6, 1)),
            (RelationKind::Replaces, day(2027, 3, 1)),
        ];
        let (replaced_from, amended_from) = replaced_and_amended_from(&incoming);
        assert_eq!(replaced_from, Some(day(2027, 2, 1)));
        let dates = ValidityDates {
            effective: Some(day(2020, 9, 1)),
            replaced_from,
            amended_from,
            ..Default::default()
        };
        assert_eq!(validity(dates, day(2027, 1, 31)), (Validity::InForce, true));
        assert_eq!(
            validity(dates, day(2027, 2, 1)),
            (Validity::Replaced, false)
        );
        // Unpublished replacements are not passed in: nothing changes.
        assert_eq!(replaced_and_amended_from(&[]), (None, None));
    }
}
