//! The one set of search rules for every kind and both backends: how text becomes index words,
//! how a query becomes the same words, and how a snippet marks them.
//!
//! Words are cut here, not by the database: the stored index text holds only folded words
//! (lower case, no diacritics, đ → d) separated by spaces, so SQLite's FTS5 and PostgreSQL's
//! text search, whose own tokenisers disagree about `38/QĐ-THS1MM` or `10.000`, both see the
//! same words. A word is a run of letters and ASCII digits; everything else separates words
//! (`38/QĐ-THS1MM` → `38`, `qd`, `ths1mm`).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::html;
use super::vietnamese::fold_char;

/// Bump when the rules below change what is indexed: stored index text of an older version is
/// rebuilt at start (`services::search::reindex`).
pub const INDEX_VERSION: i32 = 2;

/// At most this many words of a query count.
const QUERY_WORDS: usize = 12;

/// Whether a folded character belongs to a word.
pub fn is_word_char(c: char) -> bool {
    c.is_ascii_digit() || (c.is_alphabetic() && !is_combining_mark(c))
}

/// The index words that say what an item is rather than what it says begin with this; words of
/// text that begin so are dropped, so no text can stand for them.
const SCOPE_PREFIX: &str = "0ttdt";

/// The index word of an item's kind: a search within one kind asks for it beside the query's
/// words, so FTS5 and PostgreSQL's GIN index intersect the two and never walk other kinds'
/// matches.
pub fn kind_word(kind: &str) -> String {
    format!("{SCOPE_PREFIX}k{kind}")
}

/// The index word of an item's category (ids are lower-case UUIDs; the dashes go).
pub fn category_word(category_id: &str) -> String {
    format!("{SCOPE_PREFIX}c{}", category_id.replace('-', ""))
}

/// The index word of a mirrored school (`services::mirror`; ids are slugs, the dashes go).
pub fn school_word(school_id: &str) -> String {
    format!("{SCOPE_PREFIX}s{}", school_id.replace('-', ""))
}

/// The folded words of a text, in order. The text is composed (NFC) first, so decomposed
/// input (some input methods send a letter and its marks separately) gives the same words;
/// marks left over that compose with nothing are dropped.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    let mut folded = text
        .nfc()
        .filter(|c| !is_combining_mark(*c))
        .map(fold_char)
        .peekable();
    std::iter::from_fn(move || {
        loop {
            while folded.next_if(|c| !is_word_char(*c)).is_some() {}
            let word: String =
                std::iter::from_fn(|| folded.next_if(|c| is_word_char(*c))).collect();
            if !word.starts_with(SCOPE_PREFIX) {
                return (!word.is_empty()).then_some(word);
            }
        }
    })
}

/// A query's words, once each, in the order typed: "Ngoại khoá!" → ["ngoai", "khoa"].
pub fn query_terms(q: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in words(q) {
        if !terms.contains(&word) {
            terms.push(word);
        }
        if terms.len() == QUERY_WORDS {
            break;
        }
    }
    terms
}

/// A part of what an item's search covers.
#[derive(Debug, Clone, Copy)]
pub enum Part<'a> {
    Text(&'a str),
    /// HTML: only its text counts.
    Html(&'a str),
    /// Several short texts (tags), read as one separated by spaces.
    List(&'a [String]),
}

impl<'a> Part<'a> {
    fn chars(self) -> Box<dyn Iterator<Item = char> + 'a> {
        match self {
            Part::Text(t) => Box::new(t.chars()),
            Part::Html(h) => Box::new(html::text_chars(h)),
            Part::List(items) => Box::new(
                items
                    .iter()
                    .enumerate()
                    .flat_map(|(i, t)| (i > 0).then_some(' ').into_iter().chain(t.chars())),
            ),
        }
    }
}

/// The index text of an item: its kind's and its category's words on the first line, then the
/// words of each part, separated by spaces, parts by a line.
pub fn index_text(kind: &str, category_id: &str, parts: &[Part]) -> String {
    let mut out = format!("{} {}", kind_word(kind), category_word(category_id));
    for part in parts {
        let text: String = part.chars().collect();
        for (i, word) in words(&text).enumerate() {
            out.push(if i == 0 { '\n' } else { ' ' });
            out.push_str(&word);
        }
    }
    out
}

/// The words of one part as stored for ranking (a title's words), separated by spaces.
pub fn words_text(text: &str) -> String {
    words(text).collect::<Vec<_>>().join(" ")
}

/// The parts' text one after another, the non-empty ones separated by a line break, read
/// lazily (a snippet stops reading once it has what it shows).
pub fn readable<'a>(parts: &[Part<'a>]) -> impl Iterator<Item = char> + 'a {
    let parts: Vec<Part<'a>> = parts.to_vec();
    let mut started = false;
    parts.into_iter().flat_map(move |part| {
        let mut chars = part.chars().peekable();
        let separator =
            (chars.peek().is_some() && std::mem::replace(&mut started, true)).then_some('\n');
        separator.into_iter().chain(chars)
    })
}

/// About 200 characters of `original` around the first query word, with whole-word matches in
/// `<mark>` (never a piece of a longer word) and the parts separated by " — ". Folds as it
/// reads, one character for one, and stops reading once the snippet is complete.
pub fn snippet(original: impl Iterator<Item = char>, terms: &[String]) -> String {
    let terms: Vec<Vec<char>> = terms
        .iter()
        .filter(|t| !t.is_empty())
        .map(|t| t.chars().collect())
        .collect();
    let mut chars = Vec::new();
    let mut folded = Vec::new();
    let mut first = None;
    let mut word_start = 0;
    let is_term = |word: &[char]| terms.iter().any(|t| t[..] == *word);
    for c in original {
        let f = fold_char(c);
        if !is_word_char(f) {
            if first.is_none() && is_term(&folded[word_start..]) {
                first = Some(word_start);
            }
            word_start = folded.len() + 1;
        }
        chars.push(c);
        folded.push(f);
        // One character past the window tells that there is more.
        if first.is_some_and(|f| chars.len() > f.saturating_sub(60) + 200) {
            break;
        }
    }
    if first.is_none() && word_start <= folded.len() && is_term(&folded[word_start..]) {
        first = Some(word_start);
    }
    let start = first.unwrap_or(0).saturating_sub(60);
    let end = (start + 200).min(chars.len());
    let boundary = |i: usize| i >= folded.len() || !is_word_char(folded[i]);
    let match_at = |i: usize| -> Option<usize> {
        if i > 0 && !boundary(i - 1) {
            return None;
        }
        terms
            .iter()
            .find(|t| {
                i + t.len() <= end && folded[i..i + t.len()] == t[..] && boundary(i + t.len())
            })
            .map(Vec::len)
    };
    let mut out = String::with_capacity((end - start) * 2);
    if start > 0 {
        out.push('…');
    }
    let mut i = start;
    while i < end {
        match match_at(i) {
            Some(len) => {
                out.push_str("<mark>");
                chars[i..i + len].iter().for_each(|&c| escape(&mut out, c));
                out.push_str("</mark>");
                i += len;
            }
            None => {
                escape(&mut out, chars[i]);
                i += 1;
            }
        }
    }
    if end < chars.len() {
        out.push('…');
    }
    out
}

fn escape(out: &mut String, c: char) {
    match c {
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '&' => out.push_str("&amp;"),
        '\n' => out.push_str(" — "),
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words_of(s: &str) -> Vec<String> {
        words(s).collect()
    }

    #[test]
    fn codes_numbers_and_addresses_are_cut_into_the_same_words_as_queries() {
        assert_eq!(words_of("38/QĐ-THS1MM"), ["38", "qd", "ths1mm"]);
        assert_eq!(words_of("28/2020/TT-BGDĐT"), ["28", "2020", "tt", "bgddt"]);
        assert_eq!(words_of("10.000 đồng"), ["10", "000", "dong"]);
        assert_eq!(
            words_of("to1@ths-muongmuon.edu.vn"),
            ["to1", "ths", "muongmuon", "edu", "vn"]
        );
        assert_eq!(query_terms("qd-ths1mm"), ["qd", "ths1mm"]);
        assert_eq!(query_terms("38/QĐ"), ["38", "qd"]);
    }

    #[test]
    fn decomposed_input_and_look_alike_d_fold_like_composed_text() {
        // "ngoại khoá" typed as letters followed by their marks.
        let decomposed = "ngoa\u{0323}i kho\u{0061}\u{0301}";
        assert_eq!(query_terms(decomposed), query_terms("ngoại khoá"));
        assert_eq!(query_terms("Nguye\u{0302}\u{0303}n"), ["nguyen"]);
        // Ð (U+00D0, Icelandic eth) is typed for Đ.
        assert_eq!(query_terms("ÐIỆN BIÊN"), ["dien", "bien"]);
        assert_eq!(query_terms("  !! "), Vec::<String>::new());
        assert_eq!(query_terms("a\0b a"), ["a", "b"]);
    }

    #[test]
    fn index_text_is_words_and_lines() {
        let category = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
        let text = index_text(
            "document",
            category,
            &[
                Part::Text("Lễ khai giảng!"),
                Part::Text(""),
                Part::Html("<p>Số 38/QĐ-THS1MM</p>"),
            ],
        );
        assert_eq!(
            text,
            "0ttdtkdocument 0ttdtc0190a1b2c3d47e5f8a9b0c1d2e3f4a5b\n\
             le khai giang\nso 38 qd ths1mm"
        );
        // No text can stand for what an item is: words so written are not indexed or asked.
        let forged = index_text("article", category, &[Part::Text("x 0ttdtkdocument y")]);
        assert!(forged.ends_with("\nx y"), "{forged}");
        assert_eq!(query_terms("0ttdtkdocument luật"), ["luat"]);
        assert_eq!(words_text("Thông báo: tuyển sinh"), "thong bao tuyen sinh");
    }

    #[test]
    fn snippets_mark_whole_words_in_the_original_text() {
        let text = "Hoạt động ngoại khoá tuần 12 của trường";
        let s = snippet(text.chars(), &["ngoai".into(), "khoa".into()]);
        assert_eq!(
            s,
            "Hoạt động <mark>ngoại</mark> <mark>khoá</mark> tuần 12 của trường"
        );
        let s = snippet("a < b & ngoai".chars(), &["ngoai".into()]);
        assert_eq!(s, "a &lt; b &amp; <mark>ngoai</mark>");
        // "an" is not marked inside "Toán" or "ban", only where it is a word.
        let s = snippet("Môn Toán, ban an toàn".chars(), &["an".into()]);
        assert_eq!(s, "Môn Toán, ban <mark>an</mark> toàn");
        let long = format!(
            "Tiêu đề\nTóm tắt\n{} ngoại khoá {}",
            "chữ ".repeat(40),
            "x ".repeat(200)
        );
        let s = snippet(long.chars(), &["khoa".into()]);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("ngoại <mark>khoá</mark>"), "{s}");
        assert_eq!(
            s.chars().filter(|c| *c != '…').count(),
            200 + "<mark></mark>".len()
        );
    }

    #[test]
    fn empty_parts_leave_no_separator() {
        let parts = [
            Part::Text("Tiêu đề"),
            Part::Text(""),
            Part::Html("<p>Tóm tắt</p>"),
        ];
        let s = snippet(readable(&parts), &["tom".into()]);
        assert_eq!(s, "Tiêu đề — <mark>Tóm</mark> tắt");
        let s = snippet(
            readable(&[Part::Text(""), Part::Text("Một")]),
            &["mot".into()],
        );
        assert_eq!(s, "<mark>Một</mark>");
    }
}
