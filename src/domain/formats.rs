//! What an upload is, told by its bytes (Quy chế Điều 8.2, the state IT standards list), never by
//! its name or declared type. Pure functions over bytes and readers; the upload path calls them.

use std::io::{Read, Seek};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiError, Text};

/// What a media item is, for size limits, serving and the article rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    Image,
    Document,
    Audio,
    Video,
}

impl MediaKind {
    pub const ALL: [MediaKind; 4] = [
        MediaKind::Image,
        MediaKind::Document,
        MediaKind::Audio,
        MediaKind::Video,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Document => "document",
            MediaKind::Audio => "audio",
            MediaKind::Video => "video",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Images, audio and video play in the page; everything else is only ever downloaded.
    pub fn plays_inline(self) -> bool {
        self != MediaKind::Document
    }
}

/// One format on the allow-list.
#[derive(Debug, PartialEq, Eq)]
pub struct Format {
    pub name: &'static str,
    /// The type it is served with.
    pub mime: &'static str,
    pub kind: MediaKind,
    /// File name extensions that agree with it (lower case).
    pub extensions: &'static [&'static str],
    /// Declared types that agree with it besides `mime`.
    pub aliases: &'static [&'static str],
}

macro_rules! formats {
    ($($ident:ident: $name:literal, $mime:literal, $kind:ident, [$($ext:literal),*], [$($alias:literal),*];)*) => {
        $(pub const $ident: Format = Format {
            name: $name,
            mime: $mime,
            kind: MediaKind::$kind,
            extensions: &[$($ext),*],
            aliases: &[$($alias),*],
        };)*
        /// Every format accepted.
        pub const ALLOWED: &[&Format] = &[$(&$ident),*];
    };
}

formats! {
    JPEG: "jpeg", "image/jpeg", Image, ["jpg", "jpeg", "jpe", "jfif"], ["image/jpg", "image/pjpeg"];
    PNG: "png", "image/png", Image, ["png"], ["image/x-png"];
    GIF: "gif", "image/gif", Image, ["gif"], [];
    WEBP: "webp", "image/webp", Image, ["webp"], [];
    PDF: "pdf", "application/pdf", Document, ["pdf"], ["application/x-pdf"];
    DOCX: "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Document, ["docx"], ["application/zip"];
    XLSX: "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Document, ["xlsx"], ["application/zip"];
    PPTX: "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", Document, ["pptx"], ["application/zip"];
    ODT: "odt", "application/vnd.oasis.opendocument.text", Document, ["odt"], ["application/zip"];
    ODS: "ods", "application/vnd.oasis.opendocument.spreadsheet", Document, ["ods"], ["application/zip"];
    ODP: "odp", "application/vnd.oasis.opendocument.presentation", Document, ["odp"], ["application/zip"];
    DOC: "doc", "application/msword", Document, ["doc"], ["application/x-ole-storage"];
    XLS: "xls", "application/vnd.ms-excel", Document, ["xls"], ["application/x-ole-storage"];
    PPT: "ppt", "application/vnd.ms-powerpoint", Document, ["ppt", "pps"], ["application/x-ole-storage"];
    TXT: "txt", "text/plain; charset=utf-8", Document, ["txt", "text"], ["text/plain"];
    CSV: "csv", "text/csv; charset=utf-8", Document, ["csv"], ["text/plain", "application/vnd.ms-excel", "text/x-csv", "application/csv"];
    RTF: "rtf", "application/rtf", Document, ["rtf"], ["text/rtf"];
    MP3: "mp3", "audio/mpeg", Audio, ["mp3"], ["audio/mp3", "audio/x-mp3", "audio/mpeg3"];
    M4A: "m4a", "audio/mp4", Audio, ["m4a", "mp4"], ["audio/m4a", "audio/x-m4a", "video/mp4"];
    AAC: "aac", "audio/aac", Audio, ["aac"], ["audio/x-aac", "audio/aacp"];
    OGG: "ogg", "audio/ogg", Audio, ["ogg", "oga", "opus"], ["audio/opus", "application/ogg", "audio/vorbis"];
    MP4: "mp4", "video/mp4", Video, ["mp4", "m4v"], ["video/x-m4v", "audio/mp4"];
    WEBM: "webm", "video/webm", Video, ["webm"], ["audio/webm"];
    ZIP: "zip", "application/zip", Document, ["zip"], ["application/x-zip-compressed", "application/x-zip"];
}

/// What the first bytes say, enough to choose the size limit while the upload streams in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniff {
    Known(&'static Format),
    /// A ZIP container: OOXML, OpenDocument or a plain archive, told apart by its directory.
    Zip,
    /// An OLE compound file: legacy Word, Excel or PowerPoint, told apart by its streams (an
    /// MSI installer is one too).
    Compound,
    /// No signature: plain text or CSV if the whole file is UTF-8 text.
    Text,
    Refused(Refusal),
}

impl Sniff {
    /// The kind whose size limit applies; refused bytes are limited as documents until refused.
    pub fn kind(self) -> MediaKind {
        match self {
            Sniff::Known(f) => f.kind,
            _ => MediaKind::Document,
        }
    }
}

/// Why an upload is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Empty,
    Markup,
    Executable,
    Unknown,
    /// The name's extension or the declared type says something else.
    Mismatch,
    Corrupt,
    /// An archive that would expand far beyond its own size, or nest too deep.
    Bomb,
    /// An Office file carrying macros (VBA, OpenDocument Basic or scripts).
    Macros,
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::Empty => {
                ApiError::unprocessable("empty_file", Text::new("Tệp rỗng.", "The file is empty."))
            }
            Refusal::Markup => ApiError::unsupported_media_type(
                "markup_not_allowed",
                Text::new(
                    "Không nhận tệp HTML, SVG hay XML: chúng có thể chứa mã chạy trong trình duyệt.",
                    "HTML, SVG and XML files are not accepted: they can carry code that runs in the browser.",
                ),
            ),
            Refusal::Executable => ApiError::unsupported_media_type(
                "executable_not_allowed",
                Text::new(
                    "Không nhận tệp chương trình hay mã lệnh.",
                    "Programs and scripts are not accepted.",
                ),
            ),
            Refusal::Unknown => ApiError::unsupported_media_type(
                "unsupported_type",
                Text::new(
                    "Định dạng tệp không nằm trong danh mục được phép (ảnh JPEG, PNG, GIF, WebP; PDF; tài liệu Office và OpenDocument; TXT, RTF, CSV; MP3, M4A, AAC, OGG; MP4, WebM; ZIP).",
                    "The file's format is not on the allowed list (JPEG, PNG, GIF, WebP images; PDF; Office and OpenDocument files; TXT, RTF, CSV; MP3, M4A, AAC, OGG; MP4, WebM; ZIP).",
                ),
            ),
            Refusal::Mismatch => ApiError::unsupported_media_type(
                "type_mismatch",
                Text::new(
                    "Tên tệp hoặc kiểu khai báo không khớp với nội dung tệp.",
                    "The file's name or declared type contradicts its content.",
                ),
            ),
            Refusal::Corrupt => ApiError::unprocessable(
                "corrupt_file",
                Text::new(
                    "Không đọc được tệp: tệp hỏng hoặc không đúng định dạng.",
                    "The file cannot be read: it is damaged or not what it claims to be.",
                ),
            ),
            Refusal::Bomb => ApiError::unprocessable(
                "archive_bomb",
                Text::new(
                    "Tệp nén giải nén ra quá lớn so với kích thước của nó (hơn 200 lần), hoặc lồng quá nhiều tầng.",
                    "The archive would expand far beyond its own size (over 200 times), or nests too deep.",
                ),
            ),
            Refusal::Macros => ApiError::unsupported_media_type(
                "macros_not_allowed",
                Text::new(
                    "Không nhận tài liệu có macro (VBA, Basic): hãy lưu lại dưới dạng tài liệu thường (.docx, .xlsx, .pptx, .odt…).",
                    "Documents with macros (VBA, Basic) are not accepted: save it as a plain document (.docx, .xlsx, .pptx, .odt…).",
                ),
            ),
        }
    }
}

/// How many leading bytes `sniff` wants.
pub const HEAD_LEN: usize = 8192;

/// Classifies an upload by its first bytes (up to `HEAD_LEN`). Markup anywhere in them refuses
/// the file whatever else it looks like: a page that also holds `%PDF` or a GIF header is
/// still a page to a browser that sniffs it.
pub fn sniff(head: &[u8]) -> Sniff {
    if head.is_empty() {
        return Sniff::Refused(Refusal::Empty);
    }
    if holds_markup(head) {
        return Sniff::Refused(Refusal::Markup);
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Sniff::Zip;
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Sniff::Compound;
    }
    if let Some(t) = infer::get(head) {
        let found = match t.mime_type() {
            "image/jpeg" => Some(&JPEG),
            "image/png" => Some(&PNG),
            "image/gif" => Some(&GIF),
            "image/webp" => Some(&WEBP),
            "application/pdf" => Some(&PDF),
            "application/rtf" => Some(&RTF),
            "audio/mpeg" => Some(&MP3),
            "audio/m4a" => Some(&M4A),
            "audio/aac" => Some(&AAC),
            "audio/ogg" | "audio/opus" => Some(&OGG),
            "video/mp4" => Some(&MP4),
            "video/webm" => Some(&WEBM),
            _ => None,
        };
        // The signature where the format puts it: PDF readers accept `%PDF` anywhere in the
        // first KiB, and so does `infer`; we do not.
        if found == Some(&PDF) && !head.starts_with(b"%PDF-") {
            return Sniff::Refused(Refusal::Unknown);
        }
        if let Some(format) = found {
            return Sniff::Known(format);
        }
        return Sniff::Refused(if executable(t.mime_type()) {
            Refusal::Executable
        } else if t.matcher_type() == infer::MatcherType::Text {
            Refusal::Markup
        } else {
            Refusal::Unknown
        });
    }
    if executable_head(head) {
        return Sniff::Refused(Refusal::Executable);
    }
    Sniff::Text
}

/// An HTML or SVG tag, a doctype or a stylesheet instruction, in any case, followed by what may
/// follow a tag name (so that compressed bytes meeting `<svg` by chance are not taken for one).
fn holds_markup(head: &[u8]) -> bool {
    const TAGS: [&[u8]; 12] = [
        b"<html",
        b"<head",
        b"<body",
        b"<script",
        b"<svg",
        b"<iframe",
        b"<object",
        b"<embed",
        b"<meta",
        b"<!doctype",
        b"<?xml-stylesheet",
        b"<xsl:",
    ];
    head.iter()
        .enumerate()
        .filter(|(_, b)| **b == b'<')
        .any(|(at, _)| {
            TAGS.iter().any(|tag| {
                let end = at + tag.len();
                head.len() > end
                    && head[at..end].eq_ignore_ascii_case(tag)
                    && (tag.ends_with(b":")
                        || matches!(head[end], b' ' | b'\t' | b'\n' | b'\r' | b'>' | b'/'))
            })
        })
}

fn executable(mime: &str) -> bool {
    matches!(
        mime,
        "application/x-executable"
            | "application/vnd.microsoft.portable-executable"
            | "application/x-mach-binary"
            | "application/x-msdownload"
            | "application/x-sharedlib"
            | "application/vnd.android.dex"
            | "application/x-elf"
            | "application/wasm"
            | "application/x-shellscript"
            | "text/x-shellscript"
    )
}

/// Signatures `infer` leaves to us: DOS/Windows programs and scripts.
fn executable_head(head: &[u8]) -> bool {
    head.starts_with(b"MZ") || head.starts_with(b"#!") || head.starts_with(b"\x7fELF")
}

/// An archive may unpack to at most this many times its own size, and never past
/// [`MAX_UNPACKED`]; nested archives count toward the same total.
pub const MAX_RATIO: u64 = 200;
pub const MAX_UNPACKED: u64 = 2 << 30;
/// An archive inside an archive inside an archive is as deep as it goes (an Office file
/// embedding a spreadsheet that embeds a picture is depth 3).
pub const MAX_NESTING: u32 = 3;
const MAX_ENTRIES: usize = 50_000;

/// Tells OOXML and OpenDocument files from plain archives by their directory, and refuses
/// archives that unpack beyond reason: every entry is inflated (into nothing, counting the
/// bytes, never trusting the sizes the directory declares), and archives inside it are opened
/// in turn. Office files carrying macros are refused.
pub fn identify_zip<R: Read + Seek>(reader: R, size: u64) -> Result<&'static Format, Refusal> {
    let mut budget = MAX_UNPACKED.min(size.saturating_mul(MAX_RATIO));
    let names = unpack(reader, &mut budget, 1)?;
    let has = |name: &str| names.iter().any(|n| n == name);
    let under = |prefix: &str| names.iter().any(|n| n.starts_with(prefix));
    let ooxml = has("[Content_Types].xml");
    let odf = has("mimetype");
    // VBA in OOXML (what makes a .docm), Basic and scripts in OpenDocument.
    let macros = names
        .iter()
        .any(|n| n.to_ascii_lowercase().ends_with("vbaproject.bin"))
        || (odf && (under("Basic/") || under("Scripts/")));
    if (ooxml || odf) && macros {
        return Err(Refusal::Macros);
    }
    if ooxml {
        if under("word/") {
            return Ok(&DOCX);
        }
        if under("xl/") {
            return Ok(&XLSX);
        }
        if under("ppt/") {
            return Ok(&PPTX);
        }
    }
    for (declared, format) in [
        ("application/vnd.oasis.opendocument.text", &ODT),
        ("application/vnd.oasis.opendocument.spreadsheet", &ODS),
        ("application/vnd.oasis.opendocument.presentation", &ODP),
    ] {
        if has(&format!("mimetype:{declared}")) {
            return Ok(format);
        }
    }
    Ok(&ZIP)
}

/// Inflates every entry of an archive within `budget` bytes (what is left of the total); the
/// entry names of the outer archive, and for OpenDocument its `mimetype` as a name
/// `mimetype:<value>`.
fn unpack<R: Read + Seek>(reader: R, budget: &mut u64, depth: u32) -> Result<Vec<String>, Refusal> {
    let mut archive = zip::ZipArchive::new(reader).map_err(|_| Refusal::Corrupt)?;
    if archive.len() > MAX_ENTRIES {
        return Err(Refusal::Bomb);
    }
    // What the directory admits to is refused before anything is inflated.
    let mut declared = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|_| Refusal::Corrupt)?;
        declared = declared.saturating_add(entry.size());
    }
    if declared > *budget {
        return Err(Refusal::Bomb);
    }
    let mut names = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let mut entry = archive.by_index_raw(i).map_err(|_| Refusal::Corrupt)?;
        if entry.encrypted() {
            // Nothing in it can be checked.
            return Err(Refusal::Unknown);
        }
        let name = entry.name().map_err(|_| Refusal::Corrupt)?.into_owned();
        // What the entry really holds: the stored bytes, or the deflate stream inflated.
        let mut unpacked: Box<dyn Read + '_> = match entry.compression() {
            zip::CompressionMethod::Stored => Box::new(&mut entry),
            zip::CompressionMethod::Deflated => {
                Box::new(flate2::read::DeflateDecoder::new(&mut entry))
            }
            _ => return Err(Refusal::Unknown),
        };
        let mut head = [0u8; 4];
        let got = read_up_to(&mut unpacked, &mut head)?;
        let mut limited = (&head[..got]).chain(unpacked).take(*budget + 1);
        if got == 4 && head == *b"PK\x03\x04" {
            if depth >= MAX_NESTING {
                return Err(Refusal::Bomb);
            }
            let mut nested = tempfile::SpooledTempFile::new(8 << 20);
            let n = std::io::copy(&mut limited, &mut nested).map_err(|_| Refusal::Corrupt)?;
            spend(budget, n)?;
            nested.rewind().map_err(|_| Refusal::Corrupt)?;
            unpack(nested, budget, depth + 1)?;
        } else if name == "mimetype" && depth == 1 {
            let mut declared = String::new();
            let n = limited.read_to_string(&mut declared).unwrap_or(0) as u64;
            spend(budget, n)?;
            names.push(format!("mimetype:{}", declared.trim()));
        } else {
            let n =
                std::io::copy(&mut limited, &mut std::io::sink()).map_err(|_| Refusal::Corrupt)?;
            spend(budget, n)?;
        }
        names.push(name);
    }
    Ok(names)
}

fn spend(budget: &mut u64, n: u64) -> Result<(), Refusal> {
    *budget = budget.checked_sub(n).ok_or(Refusal::Bomb)?;
    Ok(())
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> Result<usize, Refusal> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(_) => return Err(Refusal::Corrupt),
        }
    }
    Ok(got)
}

/// Tells legacy Word, Excel and PowerPoint files apart by their streams; any other compound
/// file (an installer, a Visio drawing) is refused.
pub fn identify_compound<R: Read + Seek>(reader: R) -> Result<&'static Format, Refusal> {
    let file = cfb::CompoundFile::open(reader).map_err(|_| Refusal::Corrupt)?;
    // Word keeps VBA in `Macros`, Excel in `_VBA_PROJECT_CUR`.
    if file.exists("/Macros") || file.exists("/_VBA_PROJECT_CUR") || file.exists("/VBA") {
        return Err(Refusal::Macros);
    }
    if file.is_stream("/WordDocument") {
        Ok(&DOC)
    } else if file.is_stream("/Workbook") || file.is_stream("/Book") {
        Ok(&XLS)
    } else if file.is_stream("/PowerPoint Document") {
        Ok(&PPT)
    } else {
        Err(Refusal::Unknown)
    }
}

/// Checks that a file without a signature is UTF-8 text (a BOM allowed) with no NUL and no
/// markup, read in pieces. CSV when its name says so, plain text otherwise.
pub fn identify_text<R: Read>(
    mut reader: R,
    extension: Option<&str>,
) -> Result<&'static Format, Refusal> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut carry = 0usize;
    let mut first = true;
    loop {
        let n = reader
            .read(&mut buf[carry..])
            .map_err(|_| Refusal::Corrupt)?;
        let end = carry + n;
        if n == 0 {
            if carry > 0 {
                return Err(Refusal::Unknown);
            }
            break;
        }
        let chunk = &buf[..end];
        if first {
            first = false;
            let start = chunk.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(chunk);
            if start.trim_ascii_start().starts_with(b"<") {
                return Err(Refusal::Markup);
            }
        }
        if chunk.contains(&0) {
            return Err(Refusal::Unknown);
        }
        let valid = match std::str::from_utf8(chunk) {
            Ok(_) => end,
            // A character cut at the end of the piece: carry its bytes over.
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => return Err(Refusal::Unknown),
        };
        buf.copy_within(valid..end, 0);
        carry = end - valid;
    }
    Ok(if extension == Some("csv") { &CSV } else { &TXT })
}

/// Whether the name's extension and the declared type agree with the format found.
/// `application/octet-stream` and no extension say nothing.
pub fn agrees(format: &Format, extension: Option<&str>, declared: Option<&str>) -> bool {
    let type_ok = match declared.map(|d| {
        d.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }) {
        None => true,
        Some(d) if d.is_empty() || d == "application/octet-stream" => true,
        Some(d) => {
            d == format.mime.split(';').next().unwrap_or("") || format.aliases.contains(&d.as_str())
        }
    };
    let extension_ok = extension.is_none_or(|e| format.extensions.contains(&e));
    type_ok && extension_ok
}

/// The lower-case extension of a (cleaned) file name.
pub fn extension_of(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty() && ext.len() <= 10).then(|| ext.to_ascii_lowercase())
}

/// A file name safe to keep and to send back in `Content-Disposition`: the last path component,
/// without control, bidirectional-override or invisible characters, NFC, no leading dots,
/// at most 200 characters (the extension kept); `file` when nothing is left.
pub fn clean_file_name(raw: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .nfc()
        .filter(|c| !c.is_control() && !invisible(*c))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_owned();
    let cleaned = if cleaned.chars().count() > 200 {
        match extension_of(&cleaned) {
            Some(ext) => {
                let stem: String = cleaned.chars().take(199 - ext.chars().count()).collect();
                format!("{stem}.{ext}")
            }
            None => cleaned.chars().take(200).collect(),
        }
    } else {
        cleaned
    };
    if cleaned.is_empty() {
        "file".to_owned()
    } else {
        cleaned
    }
}

/// Format and bidirectional controls (U+202E, the right-to-left override, makes `gpj.exe` read
/// as `exe.jpg`), zero-width characters, the soft hyphen, line and paragraph separators, fillers
/// that render as nothing, variation selectors and the BOM.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_paths_controls_and_direction_overrides() {
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("C:\\Windows\\evil.jpg"), "evil.jpg");
        assert_eq!(clean_file_name("/abs/path/ảnh.png"), "ảnh.png");
        assert_eq!(clean_file_name("a\0b.jpg"), "ab.jpg");
        assert_eq!(clean_file_name("photo\u{202E}gpj.exe"), "photogpj.exe");
        assert_eq!(
            clean_file_name("bi\u{00AD}en\u{2028}ban\u{2029}\u{3164}\u{FE0F}.pdf"),
            "bienban.pdf"
        );
        assert_eq!(clean_file_name("..."), "file");
        assert_eq!(clean_file_name(".htaccess"), "htaccess");
        let long = format!("{}.pdf", "a".repeat(500));
        let cleaned = clean_file_name(&long);
        assert_eq!(cleaned.chars().count(), 200);
        assert!(cleaned.ends_with(".pdf"));
        // NFD input comes back NFC.
        assert_eq!(
            clean_file_name("Tru\u{031B}o\u{031B}\u{0300}ng.txt"),
            "Trường.txt"
        );
    }

    #[test]
    fn markup_anywhere_in_the_head_is_refused_and_a_pdf_must_start_as_one() {
        let page = b"<!-- x --><html><body>%PDF-1.7 <script>alert(1)</script>";
        assert_eq!(sniff(page), Sniff::Refused(Refusal::Markup));
        let svg = b"%PDF-1.4\n<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>";
        assert_eq!(sniff(svg), Sniff::Refused(Refusal::Markup));
        assert_eq!(
            sniff(b"GIF89a<SCRIPT>x</SCRIPT>"),
            Sniff::Refused(Refusal::Markup)
        );
        assert_eq!(sniff(b"junk\n%PDF-1.4\n"), Sniff::Refused(Refusal::Unknown));
        // XMP in a photo or a PDF is not a page, nor is a tag name that merely starts alike.
        let xmp = b"%PDF-1.7\n<?xpacket begin=''?><x:xmpmeta xmlns:x='adobe:ns:meta/'><metadata>";
        assert_eq!(sniff(xmp), Sniff::Known(&PDF));
        assert_eq!(sniff(b"Ho va ten <svgx>,Lop\n"), Sniff::Text);
    }

    #[test]
    fn sniffing_follows_the_bytes() {
        assert_eq!(sniff(b""), Sniff::Refused(Refusal::Empty));
        assert_eq!(sniff(b"%PDF-1.7\n"), Sniff::Known(&PDF));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Sniff::Known(&PNG));
        assert_eq!(sniff(b"MZ\x90\0"), Sniff::Refused(Refusal::Executable));
        assert_eq!(
            sniff(b"\x7fELF\x02\x01\x01"),
            Sniff::Refused(Refusal::Executable)
        );
        assert_eq!(sniff(b"PK\x03\x04rest"), Sniff::Zip);
        assert_eq!(sniff(b"Ho va ten,Lop\n"), Sniff::Text);
    }

    #[test]
    fn text_must_be_utf8_without_markup() {
        let ok = identify_text("Họ và tên,Lớp\nAn,3A\n".as_bytes(), Some("csv"));
        assert_eq!(ok, Ok(&CSV));
        assert_eq!(identify_text("xin chào".as_bytes(), None), Ok(&TXT));
        assert_eq!(
            identify_text(&b"  <html><script>"[..], Some("txt")),
            Err(Refusal::Markup)
        );
        assert_eq!(identify_text(&b"a\xff b"[..], None), Err(Refusal::Unknown));
        assert_eq!(identify_text(&b"a\0b"[..], None), Err(Refusal::Unknown));
        // A character split across reads is still valid.
        let text = "đ".repeat(40_000);
        assert_eq!(identify_text(text.as_bytes(), None), Ok(&TXT));
    }

    #[test]
    fn declared_types_and_extensions_must_agree() {
        assert!(agrees(&PDF, Some("pdf"), Some("application/pdf")));
        assert!(agrees(&PDF, None, Some("application/octet-stream")));
        assert!(!agrees(&PDF, Some("png"), None));
        assert!(!agrees(&PDF, Some("pdf"), Some("image/png")));
        assert!(agrees(
            &JPEG,
            Some("jpeg"),
            Some("image/jpeg; charset=binary")
        ));
    }
}
