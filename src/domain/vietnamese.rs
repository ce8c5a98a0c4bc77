//! Vietnamese text beyond NFC: folding for diacritic-insensitive search, and text pasted from
//! legacy 8-bit encodings (TCVN3/ABC and VNI-Windows, Quy chế Điều 6.5 requires TCVN 6909 Unicode).
//!
//! Legacy text reaches us as the Windows-1252 characters its bytes display as in a Unicode font,
//! e.g. `Tr­êng tiÓu häc` for `Trường tiểu học`. It is recognised by what it lacks (any of the
//! letters only Vietnamese Unicode has: ă, ơ, ư, đ, ạ, ế, …) and what it has instead (Latin-1
//! letters and signs Vietnamese does not use: ä, ö, ø, ­, ¸, µ, …).

use unicode_normalization::UnicodeNormalization;
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
        // Đ, and the look-alikes typed for it: Ð (U+00D0, eth) and Ɖ (U+0189, African D).
        'đ' | 'ð' | 'ɖ' => 'd',
        'Đ' | 'Ð' | 'Ɖ' => 'D',
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

/// The tone marks of Vietnamese (grave, acute, tilde, hook above, dot below).
fn is_tone_mark(c: char) -> bool {
    matches!(c, '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}')
}

/// A letter Vietnamese is written with: a–z, đ, and vowels carrying only Vietnamese marks
/// (circumflex, breve, horn and the tones). `ü`, `ø`, `ç`, `ï`, `å` are not.
fn is_vietnamese_letter(c: char) -> bool {
    if c.is_ascii_alphabetic() || matches!(c, 'đ' | 'Đ') {
        return true;
    }
    let mut base_ok = false;
    let mut marks_ok = true;
    let mut first = true;
    decompose_canonical(c, |d| {
        if first {
            base_ok = d.is_ascii_alphabetic() && d != c;
            first = false;
        } else {
            marks_ok &= is_tone_mark(d) || matches!(d, '\u{302}' | '\u{306}' | '\u{31b}');
        }
    });
    base_ok && marks_ok
}

const INITIALS: &[&str] = &[
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu", "b", "c", "d", "đ", "g",
    "h", "k", "l", "m", "n", "r", "s", "t", "v", "x", "",
];
/// Vowel groups that may end a syllable or take a final consonant ("an", "tiên", "quyết").
const NUCLEI: &[&str] = &[
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "iê", "oa", "oă", "oe", "oo", "uâ",
    "uê", "uô", "uơ", "uy", "ươ", "yê", "uyê",
];
/// Vowel groups that end in a glide and take no final consonant ("mai", "cau", "người").
const OPEN_NUCLEI: &[&str] = &[
    "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi", "ua", "ui", "ưa",
    "ưi", "ưu", "iêu", "yêu", "oai", "oao", "oay", "oeo", "uây", "uôi", "uya", "uyu", "ươi", "ươu",
];
const FINALS: &[&str] = &["c", "ch", "m", "n", "ng", "nh", "p", "t"];

/// Whether a word reads as one Vietnamese syllable: an initial, a vowel group, a final, and at
/// most one tone ("trường", "gì", "quốc"; not "mưller", "ểa", "cauc", "trửụứng").
fn is_syllable(word: &str) -> bool {
    let mut tones = 0;
    let toneless: String = word
        .nfd()
        .filter(|&c| {
            let tone = is_tone_mark(c);
            tones += usize::from(tone);
            !tone
        })
        .nfc()
        .flat_map(char::to_lowercase)
        .collect();
    if tones > 1 || toneless.is_empty() {
        return false;
    }
    // Every split is tried: "gì" is "g" + "i", "gia" is "gi" + "a".
    INITIALS.iter().any(|initial| {
        toneless.strip_prefix(initial).is_some_and(|rest| {
            NUCLEI.contains(&rest)
                || OPEN_NUCLEI.contains(&rest)
                || FINALS.iter().any(|f| {
                    rest.strip_suffix(f)
                        .is_some_and(|nucleus| NUCLEI.contains(&nucleus))
                })
        })
    })
}

/// A word that is already Unicode Vietnamese: Vietnamese letters making one syllable.
fn is_unicode_syllable(word: &str) -> bool {
    word.chars().all(is_vietnamese_letter) && is_syllable(word)
}

/// Whether `word` carries a sign of `encoding`: a character of its table that no Vietnamese
/// Unicode letter is, or (VNI) a vowel followed by one of its mark characters.
fn has_legacy_sign(word: &str, encoding: LegacyEncoding) -> bool {
    let lower = |c: char| c.to_lowercase().next().unwrap_or(c);
    match encoding {
        // Any character of the table: TCVN3 also wrote letters with codes that are Unicode
        // letters too (`Ó` for `ể` in `tuyÓn`); the word around it tells which it is.
        LegacyEncoding::Tcvn3 => word.chars().any(|c| TCVN3.iter().any(|(k, _)| *k == c)),
        LegacyEncoding::Vni => {
            let chars: Vec<char> = word.chars().map(lower).collect();
            chars
                .iter()
                .any(|&c| is_foreign_latin1(c) && !is_vietnamese_letter(c))
                || chars
                    .windows(2)
                    .any(|w| VNI_PAIRS.iter().any(|(b, m, _)| *b == w[0] && *m == w[1]))
        }
    }
}

fn decode(word: &str, encoding: LegacyEncoding) -> String {
    let decoded = match encoding {
        LegacyEncoding::Tcvn3 => decode_tcvn3(word),
        LegacyEncoding::Vni => decode_vni(word).0,
    };
    decoded.nfc().collect()
}

/// How a word with a legacy sign reads in an encoding.
enum Reading {
    /// A Vietnamese syllable of two letters or more (`häc` → `học`).
    Vietnamese,
    /// One letter: `ë` is `ở` in TCVN3, `ø` is a Danish word; it tells nothing either way.
    Letter,
    /// Nothing Vietnamese (a foreign name: `Müller` → `Mữller`).
    Foreign,
}

fn reading(word: &str, encoding: LegacyEncoding) -> Reading {
    let decoded = decode(word, encoding);
    if !is_unicode_syllable(&decoded) {
        Reading::Foreign
    } else if decoded.chars().count() < 2 {
        Reading::Letter
    } else {
        Reading::Vietnamese
    }
}

/// What separates words in legacy text: spaces and punctuation, but not the Latin-1 signs
/// legacy fonts used as letters (`Tr­êng`, `b¸o`, `¨n`).
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || (c.is_ascii_punctuation() && c != '\\')
        || matches!(c, '–' | '—' | '“' | '”' | '‘' | '’' | '…')
}

fn legacy_words(s: &str) -> impl Iterator<Item = &str> {
    s.split(is_separator).filter(|w| !w.is_empty())
}

/// How many words read as legacy Vietnamese in `encoding`, and how many carry its signs but
/// read as nothing Vietnamese (foreign words and names).
fn legacy_reading(s: &str, encoding: LegacyEncoding) -> (usize, usize) {
    legacy_words(s)
        .filter(|w| !w.chars().any(is_vietnamese_only) && has_legacy_sign(w, encoding))
        .filter(|w| !is_unicode_syllable(w))
        .fold((0, 0), |(legacy, foreign), w| match reading(w, encoding) {
            Reading::Vietnamese => (legacy + 1, foreign),
            Reading::Letter => (legacy, foreign),
            Reading::Foreign => (legacy, foreign + 1),
        })
}

/// Which legacy encoding `s` was typed in, if any. Read word by word: a word with a sign of an
/// encoding (a Latin-1 character Vietnamese letters never are, or a VNI vowel-and-mark pair)
/// that decodes to a Vietnamese syllable counts for it; one that decodes to nothing Vietnamese
/// counts against it. So one legacy word is enough (`häc`), a legacy fragment pasted into
/// Unicode text is caught, and names such as Müller, Søren, François or Ødegård never are.
pub fn detect_legacy(s: &str) -> Option<LegacyEncoding> {
    [LegacyEncoding::Tcvn3, LegacyEncoding::Vni]
        .into_iter()
        .map(|enc| (legacy_reading(s, enc), enc))
        .filter(|((legacy, foreign), _)| *legacy > 0 && legacy > foreign)
        .max_by_key(|((legacy, foreign), _)| legacy - foreign)
        .map(|(_, enc)| enc)
}

/// Converts legacy-encoded text to NFC Unicode; `from` `None` detects the encoding. Words that
/// are already Unicode stay as they are, even when an encoding is given: only a word that has
/// the encoding's signs, is no Unicode syllable and decodes to one is converted, unless the
/// whole text reads as legacy and has no Unicode-only letter (then every word is, and `sè` is
/// `số`). Text with nothing to convert comes back unchanged with `None`.
pub fn convert_legacy(s: &str, from: Option<LegacyEncoding>) -> (String, Option<LegacyEncoding>) {
    let Some(enc) = from.or_else(|| detect_legacy(s)) else {
        return (s.to_owned(), None);
    };
    let (legacy, foreign) = legacy_reading(s, enc);
    let all_legacy = legacy > foreign && !s.chars().any(is_vietnamese_only);
    let convert = |word: &str| -> Option<String> {
        if word.chars().any(is_vietnamese_only) {
            return None;
        }
        let decoded = decode(word, enc);
        let legacy = all_legacy
            || (has_legacy_sign(word, enc)
                && !is_unicode_syllable(word)
                && is_unicode_syllable(&decoded));
        (legacy && decoded != word).then_some(decoded)
    };
    let mut out = String::with_capacity(s.len());
    let mut changed = false;
    for piece in s.split_inclusive(is_separator) {
        let (word, separator) = match piece.char_indices().last() {
            Some((at, c)) if is_separator(c) => piece.split_at(at),
            _ => (piece, ""),
        };
        match convert(word) {
            Some(decoded) => {
                changed = true;
                out.push_str(&decoded);
            }
            None => out.push_str(word),
        }
        out.push_str(separator);
    }
    if changed {
        (super::text::clean(&out), Some(enc))
    } else {
        (s.to_owned(), None)
    }
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

    /// TCVN3 as legacy fonts wrote it: each letter's code, capitals without a code of their
    /// own written with the lower-case code (the capital font drew them).
    fn encode_tcvn3(s: &str) -> String {
        s.chars()
            .map(|c| {
                let code = |c: char| TCVN3.iter().find(|(_, v)| *v == c).map(|(k, _)| *k);
                code(c)
                    .or_else(|| code(c.to_lowercase().next().unwrap()))
                    .unwrap_or(c)
            })
            .collect()
    }

    /// VNI-Windows: a base letter followed by its mark character.
    fn encode_vni(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars() {
            let up = c.is_uppercase();
            let lower = c.to_lowercase().next().unwrap();
            let case = |c: char| {
                if up {
                    c.to_uppercase().next().unwrap()
                } else {
                    c
                }
            };
            if let Some((b, m, _)) = VNI_PAIRS.iter().find(|(_, _, v)| *v == lower) {
                out.push(case(*b));
                out.push(case(*m));
            } else if let Some((k, _)) = VNI_SINGLE.iter().find(|(_, v)| *v == lower) {
                out.push(case(*k));
            } else {
                out.push(c);
            }
        }
        out
    }

    const VIETNAMESE: &[&str] = &[
        "học",
        "trường",
        "Thông báo",
        "Lễ khai giảng",
        "Kế hoạch năm học",
        "Đội Thiếu niên Tiền phong",
        "Phòng Giáo dục và Đào tạo",
        "Trường Tiểu học số 1 Mường Mươn",
        "Hội thi giáo viên dạy giỏi cấp huyện năm học 2026–2027",
        "Quyết định về việc thành lập Ban biên tập trang thông tin điện tử của trường",
        "Học sinh khối bốn tham quan vườn rau, sau đó các em viết bài thu hoạch và nộp cho cô giáo chủ nhiệm trước thứ Sáu.",
        "Nghỉ Tết Nguyên đán",
        "ở đâu",
        "người",
        "Chúc mừng năm mới",
    ];

    #[test]
    fn legacy_text_of_every_length_is_caught() {
        let mut caught = 0;
        for text in VIETNAMESE {
            for (encoding, legacy) in [
                (LegacyEncoding::Tcvn3, encode_tcvn3(text)),
                (LegacyEncoding::Vni, encode_vni(text)),
            ] {
                if legacy == *text {
                    continue; // nothing in it needs a legacy code
                }
                assert_eq!(detect_legacy(&legacy), Some(encoding), "{text} as {legacy}");
                let (converted, found) = convert_legacy(&legacy, None);
                assert_eq!(found, Some(encoding));
                // TCVN3 has no codes for most toned capitals: those come back lower case.
                assert_eq!(converted.to_lowercase(), text.to_lowercase(), "{legacy}");
                caught += 1;
            }
        }
        assert!(caught >= 30, "{caught}");
    }

    #[test]
    fn a_legacy_fragment_pasted_into_unicode_text_is_caught() {
        for (fragment, encoding) in [
            (encode_tcvn3("thông báo tuyển sinh"), LegacyEncoding::Tcvn3),
            (encode_vni("thông báo tuyển sinh"), LegacyEncoding::Vni),
        ] {
            let mixed = format!("Trường Tiểu học Mường Mươn – {fragment}");
            assert_eq!(detect_legacy(&mixed), Some(encoding), "{mixed}");
            let (converted, _) = convert_legacy(&mixed, None);
            assert_eq!(
                converted,
                "Trường Tiểu học Mường Mươn – thông báo tuyển sinh"
            );
        }
    }

    #[test]
    fn other_languages_are_never_taken_for_legacy_text() {
        let foreign = [
            "Müller",
            "Jürgen Müller",
            "Grüße aus München",
            "Straße",
            "Björk Guðmundsdóttir",
            "Søren Kierkegaard",
            "Ødegård",
            "Åse Ærø",
            "Øresund",
            "Bjørn Dæhlie",
            "Þór",
            "François",
            "Ça va très bien",
            "naïve",
            "Noël",
            "Zoë",
            "Citroën",
            "Hélène Dupré",
            "garçon",
            "déjà vu",
            "où est la gare",
            "Île-de-France",
            "Françoise Sagan",
            "Señor Muñoz",
            "niño",
            "Peña",
            "São Paulo",
            "João",
            "Ångström",
            "Gödel",
            "Schrödinger",
            "Händel",
            "Dvořák",
            "Łódź",
            "Kraków",
            "Müller-Lüdenscheidt",
            "Fräulein",
            "Mädchen",
            "Öl",
            "Ärger",
            "Übung",
            "Tschüss",
            "Malmö",
            "Göteborg",
            "Jyväskylä",
            "Helsingør",
            "Trondheim Ålesund",
            "Reykjavík",
            "Ísafjörður",
            "Façade",
            "Crème brûlée",
            "Piñata",
            "Curaçao",
            "Açaí",
            "Gauß",
            "Köln",
            "Dr. Schäfer und Frau Köhler",
            "Herr Weiß",
            "Zürich",
            "Genève",
            "Cœur",
            "Thầy Müller dạy tiếng Đức",
            "Cô Søren đến thăm trường",
            "Bà François Noël",
        ];
        assert!(foreign.len() >= 50);
        for text in foreign {
            assert_eq!(detect_legacy(text), None, "{text}");
            assert_eq!(
                convert_legacy(text, None),
                (text.to_owned(), None),
                "{text}"
            );
        }
    }

    #[test]
    fn unicode_text_is_left_unchanged_even_when_an_encoding_is_named() {
        for text in VIETNAMESE
            .iter()
            .chain(&["Cà phê và bánh mì", "Müller", "Café"])
        {
            for encoding in [LegacyEncoding::Tcvn3, LegacyEncoding::Vni] {
                assert_eq!(
                    convert_legacy(text, Some(encoding)).0,
                    *text,
                    "{text} told {encoding:?}"
                );
            }
        }
    }
}
