//! Vietnamese text beyond NFC: folding for diacritic-insensitive search, and text pasted from
//! legacy 8-bit encodings (TCVN3/ABC and VNI-Windows, Quy chế Điều 6.5 requires TCVN 6909 Unicode).
//!
//! Legacy text reaches us as the Windows-1252 characters its bytes display as in a Unicode font,
//! e.g. `Tr­êng tiÓu häc` for `Trường tiểu học`. It is recognised by what it lacks (any of the
//! letters only Vietnamese Unicode has: ă, ơ, ư, đ, ạ, ế, …) and what it has instead (Latin-1
//! letters and signs Vietnamese does not use: ä, ö, ø, ­, ¸, µ, …).

use unicode_normalization::char::decompose_canonical;

/// Folds text for search: lower case, no diacritics, đ → d. One character in, one character out,
/// so positions in the folded text are positions in the original (used for snippets).
pub fn fold(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

pub fn fold_char(c: char) -> char {
    let base = unmark_char(c);
    if base.is_ascii() {
        base.to_ascii_lowercase()
    } else {
        base.to_lowercase().next().unwrap_or(base)
    }
}

/// The text without its diacritics, case kept (`Kế hoạch` → `Ke hoach`): for an ASCII
/// rendering, such as a download's fallback file name.
pub fn unmark(s: &str) -> String {
    s.chars().map(unmark_char).collect()
}

fn unmark_char(c: char) -> char {
    match c {
        'đ' => 'd',
        'Đ' => 'D',
        c if c.is_ascii() => c,
        c => {
            let mut base = c;
            decompose_canonical(c, |d| {
                if base == c {
                    base = d;
                }
            });
            base
        }
    }
}

/// TCVN3 (ABC, TCVN 5712:1993) bytes 0xA1–0xFE, as their Windows-1252 characters, and the
/// Vietnamese letters they stand for. Upper-case toned letters lived in separate fonts
/// (.VnTimeH) using the lower-case codes, so only these seven capitals have codes of their own.
const TCVN3: &[(char, char)] = &[
    ('\u{a1}', 'Ă'),
    ('\u{a2}', 'Â'),
    ('\u{a3}', 'Ê'),
    ('\u{a4}', 'Ô'),
    ('\u{a5}', 'Ơ'),
    ('\u{a6}', 'Ư'),
    ('\u{a7}', 'Đ'),
    ('\u{a8}', 'ă'),
    ('\u{a9}', 'â'),
    ('\u{aa}', 'ê'),
    ('\u{ab}', 'ô'),
    ('\u{ac}', 'ơ'),
    ('\u{ad}', 'ư'),
    ('\u{ae}', 'đ'),
    ('\u{b5}', 'à'),
    ('\u{b6}', 'ả'),
    ('\u{b7}', 'ã'),
    ('\u{b8}', 'á'),
    ('\u{b9}', 'ạ'),
    ('\u{bb}', 'ằ'),
    ('\u{bc}', 'ẳ'),
    ('\u{bd}', 'ẵ'),
    ('\u{be}', 'ắ'),
    ('\u{c6}', 'ặ'),
    ('\u{c7}', 'ầ'),
    ('\u{c8}', 'ẩ'),
    ('\u{c9}', 'ẫ'),
    ('\u{ca}', 'ấ'),
    ('\u{cb}', 'ậ'),
    ('\u{cc}', 'è'),
    ('\u{ce}', 'ẻ'),
    ('\u{cf}', 'ẽ'),
    ('\u{d0}', 'é'),
    ('\u{d1}', 'ẹ'),
    ('\u{d2}', 'ề'),
    ('\u{d3}', 'ể'),
    ('\u{d4}', 'ễ'),
    ('\u{d5}', 'ế'),
    ('\u{d6}', 'ệ'),
    ('\u{d7}', 'ì'),
    ('\u{d8}', 'ỉ'),
    ('\u{dc}', 'ĩ'),
    ('\u{dd}', 'í'),
    ('\u{de}', 'ị'),
    ('\u{df}', 'ò'),
    ('\u{e1}', 'ỏ'),
    ('\u{e2}', 'õ'),
    ('\u{e3}', 'ó'),
    ('\u{e4}', 'ọ'),
    ('\u{e5}', 'ồ'),
    ('\u{e6}', 'ổ'),
    ('\u{e7}', 'ỗ'),
    ('\u{e8}', 'ố'),
    ('\u{e9}', 'ộ'),
    ('\u{ea}', 'ờ'),
    ('\u{eb}', 'ở'),
    ('\u{ec}', 'ỡ'),
    ('\u{ed}', 'ớ'),
    ('\u{ee}', 'ợ'),
    ('\u{ef}', 'ù'),
    ('\u{f1}', 'ủ'),
    ('\u{f2}', 'ũ'),
    ('\u{f3}', 'ú'),
    ('\u{f4}', 'ụ'),
    ('\u{f5}', 'ừ'),
    ('\u{f6}', 'ử'),
    ('\u{f7}', 'ữ'),
    ('\u{f8}', 'ứ'),
    ('\u{f9}', 'ự'),
    ('\u{fa}', 'ỳ'),
    ('\u{fb}', 'ỷ'),
    ('\u{fc}', 'ỹ'),
    ('\u{fd}', 'ý'),
    ('\u{fe}', 'ỵ'),
];

/// VNI-Windows: a base letter followed by a mark character. Keys are lower case; upper-case
/// text uses the upper-case forms of both (`AÙ` = `Á`).
const VNI_PAIRS: &[(char, char, char)] = &[
    ('a', 'ù', 'á'),
    ('a', 'ø', 'à'),
    ('a', 'û', 'ả'),
    ('a', 'õ', 'ã'),
    ('a', 'ï', 'ạ'),
    ('a', 'â', 'â'),
    ('a', 'á', 'ấ'),
    ('a', 'à', 'ầ'),
    ('a', 'å', 'ẩ'),
    ('a', 'ã', 'ẫ'),
    ('a', 'ä', 'ậ'),
    ('a', 'ê', 'ă'),
    ('a', 'é', 'ắ'),
    ('a', 'è', 'ằ'),
    ('a', 'ú', 'ẳ'),
    ('a', 'ü', 'ẵ'),
    ('a', 'ë', 'ặ'),
    ('e', 'ù', 'é'),
    ('e', 'ø', 'è'),
    ('e', 'û', 'ẻ'),
    ('e', 'õ', 'ẽ'),
    ('e', 'ï', 'ẹ'),
    ('e', 'â', 'ê'),
    ('e', 'á', 'ế'),
    ('e', 'à', 'ề'),
    ('e', 'å', 'ể'),
    ('e', 'ã', 'ễ'),
    ('e', 'ä', 'ệ'),
    ('o', 'ù', 'ó'),
    ('o', 'ø', 'ò'),
    ('o', 'û', 'ỏ'),
    ('o', 'õ', 'õ'),
    ('o', 'ï', 'ọ'),
    ('o', 'â', 'ô'),
    ('o', 'á', 'ố'),
    ('o', 'à', 'ồ'),
    ('o', 'å', 'ổ'),
    ('o', 'ã', 'ỗ'),
    ('o', 'ä', 'ộ'),
    ('ô', 'ù', 'ớ'),
    ('ô', 'ø', 'ờ'),
    ('ô', 'û', 'ở'),
    ('ô', 'õ', 'ỡ'),
    ('ô', 'ï', 'ợ'),
    ('u', 'ù', 'ú'),
    ('u', 'ø', 'ù'),
    ('u', 'û', 'ủ'),
    ('u', 'õ', 'ũ'),
    ('u', 'ï', 'ụ'),
    ('ö', 'ù', 'ứ'),
    ('ö', 'ø', 'ừ'),
    ('ö', 'û', 'ử'),
    ('ö', 'õ', 'ữ'),
    ('ö', 'ï', 'ự'),
    ('y', 'ù', 'ý'),
    ('y', 'ø', 'ỳ'),
    ('y', 'û', 'ỷ'),
    ('y', 'õ', 'ỹ'),
];

/// VNI characters that stand alone (lower case; upper case alike).
const VNI_SINGLE: &[(char, char)] = &[
    ('ñ', 'đ'),
    ('ô', 'ơ'),
    ('ö', 'ư'),
    ('æ', 'ỉ'),
    ('ó', 'ĩ'),
    ('ò', 'ị'),
    ('î', 'ỵ'),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegacyEncoding {
    Tcvn3,
    Vni,
}

impl LegacyEncoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tcvn3 => "tcvn3",
            Self::Vni => "vni",
        }
    }
}

/// Letters that exist in Vietnamese Unicode but in no legacy font's Latin-1 rendering.
fn is_vietnamese_only(c: char) -> bool {
    matches!(
        c,
        'ă' | 'Ă' | 'đ' | 'Đ' | 'ĩ' | 'Ĩ' | 'ũ' | 'Ũ' | 'ơ' | 'Ơ' | 'ư' | 'Ư'
    ) || ('\u{1ea0}'..='\u{1ef9}').contains(&c)
}

/// Latin-1 characters Vietnamese Unicode text does not use, but legacy renderings are full of.
fn is_foreign_latin1(c: char) -> bool {
    ('\u{a1}'..='\u{ff}').contains(&c)
        && !matches!(
            c,
            'À' | 'Á'
                | 'Â'
                | 'Ã'
                | 'È'
                | 'É'
                | 'Ê'
                | 'Ì'
                | 'Í'
                | 'Ò'
                | 'Ó'
                | 'Ô'
                | 'Õ'
                | 'Ù'
                | 'Ú'
                | 'Ý'
                | 'à'
                | 'á'
                | 'â'
                | 'ã'
                | 'è'
                | 'é'
                | 'ê'
                | 'ì'
                | 'í'
                | 'ò'
                | 'ó'
                | 'ô'
                | 'õ'
                | 'ù'
                | 'ú'
                | 'ý'
                | '°'
                | '±'
                | '×'
                | '÷'
                | '«'
                | '»'
                | '©'
                | '®'
                | '·'
                | '½'
                | '¼'
                | '¾'
                | '§'
                | '²'
                | '³'
                | '€'
                | '£'
        )
}

fn decode_tcvn3(s: &str) -> String {
    s.chars()
        .map(|c| TCVN3.iter().find(|(k, _)| *k == c).map_or(c, |(_, v)| *v))
        .collect()
}

/// Decodes VNI; also returns how many base-plus-mark pairs it joined, the surest sign of VNI
/// (a vowel followed by `ù`, `ø`, `ï`, … never occurs in TCVN3 Vietnamese).
fn decode_vni(s: &str) -> (String, i64) {
    let chars: Vec<char> = s.chars().collect();
    let mut pairs = 0;
    let mut out = String::with_capacity(s.len());
    let lower = |c: char| c.to_lowercase().next().unwrap_or(c);
    let upper = |c: char, up: bool| {
        if up {
            c.to_uppercase().next().unwrap_or(c)
        } else {
            c
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let up = c.is_uppercase();
        if let Some(&next) = chars.get(i + 1)
            && let Some((_, _, v)) = VNI_PAIRS
                .iter()
                .find(|(b, m, _)| *b == lower(c) && *m == lower(next))
        {
            out.push(upper(*v, up));
            pairs += 1;
            i += 2;
            continue;
        }
        match VNI_SINGLE.iter().find(|(k, _)| *k == lower(c)) {
            Some((_, v)) => out.push(upper(*v, up)),
            None => out.push(c),
        }
        i += 1;
    }
    (out, pairs)
}

fn tone_marks(c: char) -> usize {
    let mut n = 0;
    decompose_canonical(c, |d| {
        n += usize::from(matches!(
            d,
            '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}'
        ));
    });
    n
}

/// How Vietnamese a decoding looks: letters only Vietnamese has count for it; leftover foreign
/// Latin-1 signs count against it, and so does any word with more than one tone mark, which no
/// Vietnamese syllable has (a wrong table turns "Tröôøng" into "Trửụứng").
fn score(decoded: &str) -> i64 {
    let letters = decoded.chars().fold(0, |acc, c| {
        acc + i64::from(is_vietnamese_only(c)) - 3 * i64::from(is_foreign_latin1(c))
    });
    let overtoned = decoded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().map(tone_marks).sum::<usize>() > 1)
        .count() as i64;
    letters - 4 * overtoned
}

/// Which legacy encoding `s` looks like it was typed in, if any: text with no letter only
/// Vietnamese Unicode has, at least two Latin-1 characters Vietnamese does not use, and a
/// conversion that turns those into Vietnamese letters.
pub fn detect_legacy(s: &str) -> Option<LegacyEncoding> {
    if s.chars().any(is_vietnamese_only) {
        return None;
    }
    if s.chars().filter(|c| is_foreign_latin1(*c)).count() < 2 {
        return None;
    }
    let (vni, pairs) = decode_vni(s);
    let candidates = [
        (LegacyEncoding::Tcvn3, score(&decode_tcvn3(s))),
        (LegacyEncoding::Vni, score(&vni) + 2 * pairs),
    ];
    candidates
        .into_iter()
        .map(|(enc, score)| (score, enc))
        .filter(|(score, _)| *score > 0)
        .max_by_key(|(score, _)| *score)
        .map(|(_, enc)| enc)
}

/// Converts legacy-encoded text to NFC Unicode; `from` `None` detects the encoding. Text that
/// is not legacy comes back unchanged with `None`.
pub fn convert_legacy(s: &str, from: Option<LegacyEncoding>) -> (String, Option<LegacyEncoding>) {
    let Some(enc) = from.or_else(|| detect_legacy(s)) else {
        return (s.to_owned(), None);
    };
    let text = match enc {
        LegacyEncoding::Tcvn3 => decode_tcvn3(s),
        LegacyEncoding::Vni => decode_vni(s).0,
    };
    (super::text::clean(&text), Some(enc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_removes_marks_and_keeps_positions() {
        assert_eq!(fold("Hoạt động ngoại khoá"), "hoat dong ngoai khoa");
        assert_eq!(fold("Mường Mươn, ĐIỆN BIÊN"), "muong muon, dien bien");
        let s = "Trường Tiểu học";
        assert_eq!(fold(s).chars().count(), s.chars().count());
    }

    #[test]
    fn unmarking_keeps_case() {
        assert_eq!(unmark("Kế hoạch năm học"), "Ke hoach nam hoc");
        assert_eq!(unmark("ĐIỆN BIÊN, Đà Lạt"), "DIEN BIEN, Da Lat");
        assert_eq!(unmark("Zoë Müller 李"), "Zoe Muller 李");
    }

    #[test]
    fn tcvn3_is_detected_and_converted() {
        let legacy = "Tr\u{ad}êng tiÓu häc";
        assert_eq!(detect_legacy(legacy), Some(LegacyEncoding::Tcvn3));
        assert_eq!(convert_legacy(legacy, None).0, "Trường tiểu học");
        let longer = "Phßng Gi¸o dôc vµ §µo t¹o huyÖn M\u{ad}êng Chµ";
        assert_eq!(
            convert_legacy(longer, None).0,
            "Phòng Giáo dục và Đào tạo huyện Mường Chà"
        );
    }

    #[test]
    fn vni_is_detected_and_converted() {
        let legacy = "Tröôøng tieåu hoïc soá 1 Möôøng Möôn";
        assert_eq!(detect_legacy(legacy), Some(LegacyEncoding::Vni));
        assert_eq!(
            convert_legacy(legacy, None).0,
            "Trường tiểu học số 1 Mường Mươn"
        );
        assert_eq!(
            convert_legacy("Xin chaøo caùc baïn", None).0,
            "Xin chào các bạn"
        );
        assert_eq!(
            convert_legacy("TRÖÔØNG", Some(LegacyEncoding::Vni)).0,
            "TRƯỜNG"
        );
    }

    #[test]
    fn unicode_and_foreign_text_are_left_alone() {
        for ok in [
            "Trường tiểu học số 1 Mường Mươn",
            "Hội thi giáo viên dạy giỏi cấp trường",
            "Café, résumé and a fiancé",
            "Nhiệt độ 25°C, giá 10.000 đ",
            "Müller",
            "plain ASCII",
        ] {
            assert_eq!(detect_legacy(ok), None, "{ok}");
            assert_eq!(convert_legacy(ok, None), (ok.to_owned(), None));
        }
    }
}
