//! Personal data in a citizen's text (Nghị định 13/2023/NĐ-CP): what the publication of a
//! question and its answer must not show. `mask` replaces phone numbers, e-mail addresses,
//! identity-card numbers (CCCD, CMND) and house numbers of street addresses with a marker the
//! reader understands, and leaves ordinary numbers alone: dates, fees, document numbers,
//! counts. The editor reviews the masked text before publishing; masking is a first pass, not
//! a guarantee.

use std::sync::LazyLock;

use regex::Regex;

/// What stands in for each kind of personal data.
pub const PHONE: &str = "[số điện thoại]";
pub const EMAIL: &str = "[địa chỉ e-mail]";
pub const ID_NUMBER: &str = "[số giấy tờ]";
pub const HOUSE: &str = "[số nhà]";

static EMAIL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b")
        .expect("a valid pattern")
});

/// A Vietnamese phone number: `0` or `+84`/`84`, then 9 or 10 digits (mobiles `09x…`, landlines
/// `02xx…`), in groups separated by single spaces, dots or dashes, or in brackets (`(0215)`).
static PHONE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\d.,/(])(\(?(?:\+84|84|0)[\d .\-()]{7,17}\d)(?:$|[^\d/])")
        .expect("a valid pattern")
});

/// Twelve digits on their own (a CCCD, or a new CMND); nine only after a word naming one.
static ID_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:(?:cccd|cmnd|cmt|căn cước|chứng minh(?: nhân dân)?|định danh(?: cá nhân)?)\s*(?:công dân\s*)?(?:số\s*)?[:.]?\s*(\d{9}|\d{12})\b)|(?:(?:^|[^\d.,/])(\d{12})(?:$|[^\d/]))",
    )
    .expect("a valid pattern")
});

/// A house number before a street (`số 12 đường Võ Nguyên Giáp`, `số nhà 5 ngõ 3`, `12/3
/// phố …`): the number is masked, the street stays (it names a place, not a person).
static HOUSE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b((?:số nhà|nhà số|số)\s+)(\d+[a-z]?(?:/\d+[a-z]?)*)(\s*,?\s+(?:đường|phố|ngõ|ngách|hẻm|kiệt))",
    )
    .expect("a valid pattern")
});

/// The text with personal data replaced; what was masked, counted by kind, for the editor.
pub fn mask(text: &str) -> (String, Masked) {
    let mut found = Masked::default();
    let text = EMAIL_RE.replace_all(text, |_: &regex::Captures| {
        found.emails += 1;
        EMAIL
    });
    let text = ID_RE.replace_all(&text, |c: &regex::Captures| {
        let whole = c.get(0).expect("a match").as_str();
        let number = c.get(1).or(c.get(2)).expect("a number").as_str();
        found.id_numbers += 1;
        whole.replacen(number, ID_NUMBER, 1)
    });
    let text = replace_phones(&text, &mut found);
    let text = HOUSE_RE.replace_all(&text, |c: &regex::Captures| {
        found.house_numbers += 1;
        format!("{}{HOUSE}{}", &c[1], &c[3])
    });
    (text.into_owned(), found)
}

/// Phones are matched with the character around them (so that a longer number or a date is
/// not cut into one); replaced one at a time to let neighbours share that character.
fn replace_phones(text: &str, found: &mut Masked) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = PHONE_RE.captures(rest) {
        let number = c.get(1).expect("a number");
        let digits = number.as_str().chars().filter(char::is_ascii_digit).count();
        let national = match number.as_str() {
            n if n.trim_start_matches('(').starts_with("+84")
                || n.trim_start_matches('(').starts_with("84") =>
            {
                digits - 2
            }
            _ => digits - 1,
        };
        out.push_str(&rest[..number.start()]);
        if (9..=10).contains(&national) && separators_are_single(number.as_str()) {
            found.phones += 1;
            out.push_str(PHONE);
        } else {
            out.push_str(number.as_str());
        }
        rest = &rest[number.end()..];
    }
    out.push_str(rest);
    out
}

/// `0912 345 678` and `0912.345.678` are phones; `20.11.2025 10:30` is not a run of one number.
fn separators_are_single(n: &str) -> bool {
    !n.contains("  ") && !n.contains("..") && !n.contains("--") && !n.ends_with([' ', '.', '-'])
}

/// How much of each kind `mask` replaced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Masked {
    pub phones: usize,
    pub emails: usize,
    pub id_numbers: usize,
    pub house_numbers: usize,
}

impl Masked {
    pub fn any(&self) -> bool {
        self.phones + self.emails + self.id_numbers + self.house_numbers > 0
    }

    pub fn add(&mut self, other: Masked) {
        self.phones += other.phones;
        self.emails += other.emails;
        self.id_numbers += other.id_numbers;
        self.house_numbers += other.house_numbers;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(text: &str) -> String {
        mask(text).0
    }

    #[test]
    fn vietnamese_phone_numbers_written_every_way_are_masked() {
        let samples = [
            "0912345678",
            "0912 345 678",
            "0912.345.678",
            "0912-345-678",
            "091 234 5678",
            "+84912345678",
            "+84 912 345 678",
            "+84 91 234 56 78",
            "84912345678",
            "0387 654 321",
            "0562.123.456",
            "0708 123 456",
            "0215 3 840 123",
            "02153840123",
            "(0215) 3840 123",
            "024 3869 4321",
            "028.3822.1234",
            "0981 23 45 67",
            "+84.912.345.678",
            "0919-123-456",
            "0333 123 456",
        ];
        for phone in samples {
            let text = format!("Gọi cho tôi: {phone}, cảm ơn.");
            assert_eq!(
                masked(&text),
                format!("Gọi cho tôi: {PHONE}, cảm ơn."),
                "{phone}"
            );
            assert_eq!(masked(phone), PHONE, "{phone} alone");
        }
        assert_eq!(
            masked("Số 0912345678 hoặc 0987.654.321"),
            format!("Số {PHONE} hoặc {PHONE}")
        );
        assert_eq!(masked("ĐT:0912345678."), format!("ĐT:{PHONE}."));
    }

    #[test]
    fn e_mail_addresses_are_masked() {
        for email in [
            "lo.thanh@gmail.com",
            "phuhuynh_lop3@yahoo.com.vn",
            "Nguyen.Van.A+truong@muongmuon.edu.vn",
            "a1@b.vn",
        ] {
            let text = format!("Trả lời qua {email} giúp tôi.");
            assert_eq!(
                masked(&text),
                format!("Trả lời qua {EMAIL} giúp tôi."),
                "{email}"
            );
        }
    }

    #[test]
    fn identity_card_numbers_are_masked() {
        for (text, expected) in [
            (
                "CCCD số 011090012345 cấp năm 2021",
                format!("CCCD số {ID_NUMBER} cấp năm 2021"),
            ),
            (
                "căn cước công dân: 011090012345",
                format!("căn cước công dân: {ID_NUMBER}"),
            ),
            (
                "số định danh cá nhân 001203004567",
                format!("số định danh cá nhân {ID_NUMBER}"),
            ),
            (
                "CMND 040123456 do Công an cấp",
                format!("CMND {ID_NUMBER} do Công an cấp"),
            ),
            (
                "chứng minh nhân dân số 040123456",
                format!("chứng minh nhân dân số {ID_NUMBER}"),
            ),
            (
                "mã 011090012345 của con tôi",
                format!("mã {ID_NUMBER} của con tôi"),
            ),
        ] {
            assert_eq!(masked(text), expected, "{text}");
        }
    }

    #[test]
    fn house_numbers_of_street_addresses_are_masked_but_not_the_street() {
        for (text, expected) in [
            (
                "nhà tôi ở số 12 đường Võ Nguyên Giáp",
                format!("nhà tôi ở số {HOUSE} đường Võ Nguyên Giáp"),
            ),
            (
                "số nhà 5 ngõ 3 phố Hoàng Văn Thái",
                format!("số nhà {HOUSE} ngõ 3 phố Hoàng Văn Thái"),
            ),
            (
                "số 12/3, hẻm 45 Lê Lợi",
                format!("số {HOUSE}, hẻm 45 Lê Lợi"),
            ),
        ] {
            assert_eq!(masked(text), expected, "{text}");
        }
    }

    #[test]
    fn ordinary_numbers_stay() {
        for text in [
            "Hạn nộp hồ sơ là ngày 20/11/2025.",
            "Ngày 05-09-2025 khai giảng, lúc 7 giờ 30.",
            "Lệ phí 50.000 đồng; học bổng 1.250.000 đồng.",
            "Kinh phí 100.000.000 đồng cho 600 học sinh.",
            "Theo Thông tư 28/2020/TT-BGDĐT và Quyết định 38/QĐ-THS1MM.",
            "Nghị định 116/2016/NĐ-CP, mã thủ tục 1.004493.",
            "Năm học 2025-2026 có 28 phòng học và 5 điểm trường.",
            "Điểm trung bình 8,5; tỉ lệ 99,5%.",
            "Số 12 học sinh lớp 3 được khen.",
            "Trường cách trung tâm huyện 35 km, đường đèo 12 km.",
            "Mã bưu chính 32000, xã Mường Mươn.",
        ] {
            let (out, found) = mask(text);
            assert_eq!(out, text, "{text}");
            assert!(!found.any(), "{text}: {found:?}");
        }
    }

    #[test]
    fn the_count_says_what_was_masked() {
        let (_, found) = mask("0912345678, a@b.vn, CCCD 011090012345, số 5 đường Lê Lợi");
        assert_eq!(
            found,
            Masked {
                phones: 1,
                emails: 1,
                id_numbers: 1,
                house_numbers: 1
            }
        );
    }
}
