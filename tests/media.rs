//! Media: uploads identified by their bytes, hostile files, EXIF stripping, variants, ranges,
//! deduplication, use by articles, permissions.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageFormat, RgbImage};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Resp, TestApp, spawn_app, spawn_app_with};

/// One multipart part: field name, file name (raw header text), content type, bytes.
pub struct Part<'a> {
    pub name: &'a str,
    pub filename: Option<&'a [u8]>,
    pub content_type: Option<&'a str>,
    pub data: Vec<u8>,
}

pub fn file<'a>(filename: &'a str, content_type: Option<&'a str>, data: Vec<u8>) -> Part<'a> {
    Part {
        name: "file",
        filename: Some(filename.as_bytes()),
        content_type,
        data,
    }
}

fn text_part<'a>(name: &'a str, value: &str) -> Part<'a> {
    Part {
        name,
        filename: None,
        content_type: None,
        data: value.as_bytes().to_vec(),
    }
}

pub const BOUNDARY: &str = "ttdt-test-boundary-7MA4YWxkTrZu0gW";

/// Builds the body by hand, so that file names can carry what no well-behaved client sends.
pub fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for p in parts {
        write!(
            body,
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{}\"",
            p.name
        )
        .unwrap();
        if let Some(f) = p.filename {
            body.extend_from_slice(b"; filename=\"");
            body.extend_from_slice(f);
            body.extend_from_slice(b"\"");
        }
        body.extend_from_slice(b"\r\n");
        if let Some(t) = p.content_type {
            write!(body, "Content-Type: {t}\r\n").unwrap();
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(&p.data);
        body.extend_from_slice(b"\r\n");
    }
    write!(body, "--{BOUNDARY}--\r\n").unwrap();
    body
}

pub async fn upload(app: &TestApp, token: Option<&str>, parts: &[Part<'_>]) -> Resp {
    let mut req = app
        .client
        .post(format!("{}/api/v1/media", app.address))
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart(parts));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    Resp::read(req.send().await.expect("upload sent")).await
}

/// Raw bytes of a GET, with status and headers.
async fn fetch(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let mut req = app.client.get(format!("{}{}", app.address, path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.expect("request sent");
    let status = res.status();
    let headers = res.headers().clone();
    (status, headers, res.bytes().await.unwrap().to_vec())
}

pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 7) as u8, (y * 11) as u8, ((x + y) * 3) as u8])
    });
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(img)
        .write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90))
        .unwrap();
    out
}

pub fn png(width: u32, height: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, _| image::Rgb([x as u8, 0, 200]));
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .unwrap();
    out
}

const SECRET: &[u8] = b"CAMERA-SERIAL-0042-GPS-21N";

/// A JPEG carrying an EXIF block: orientation 6 (turn 90° clockwise to view), a description
/// with a camera serial, and a GPS latitude.
fn jpeg_with_gps_exif(width: u32, height: u32) -> Vec<u8> {
    let mut tiff: Vec<u8> = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    let entry = |tiff: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        tiff.extend_from_slice(&tag.to_le_bytes());
        tiff.extend_from_slice(&kind.to_le_bytes());
        tiff.extend_from_slice(&count.to_le_bytes());
        tiff.extend_from_slice(&value);
    };
    // IFD0 at 8: three entries, then the next-IFD offset.
    let ifd0_len = 2 + 3 * 12 + 4;
    let gps_at = 8 + ifd0_len as u32;
    let gps_len = 2 + 2 * 12 + 4;
    let latitude_at = gps_at + gps_len as u32;
    let description_at = latitude_at + 24;
    tiff.extend_from_slice(&3u16.to_le_bytes());
    entry(
        &mut tiff,
        0x010E,
        2,
        SECRET.len() as u32 + 1,
        description_at.to_le_bytes(),
    );
    entry(&mut tiff, 0x0112, 3, 1, [6, 0, 0, 0]);
    entry(&mut tiff, 0x8825, 4, 1, gps_at.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(&2u16.to_le_bytes());
    entry(&mut tiff, 0x0001, 2, 2, *b"N\0\0\0");
    entry(&mut tiff, 0x0002, 5, 3, latitude_at.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes());
    for (num, den) in [(21u32, 1u32), (50, 1), (1234, 100)] {
        tiff.extend_from_slice(&num.to_le_bytes());
        tiff.extend_from_slice(&den.to_le_bytes());
    }
    tiff.extend_from_slice(SECRET);
    tiff.push(0);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let plain = jpeg(width, height);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&plain[2..]);
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every file under `dir`.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// Stored blobs: files in the media directory outside `tmp/`.
fn blobs(app: &TestApp) -> Vec<PathBuf> {
    let media = app.data_dir.path().join("media");
    files_under(&media)
        .into_iter()
        .filter(|p| !p.starts_with(media.join("tmp")))
        .collect()
}

pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A real PNG whose header claims 100,000 × 100,000 pixels (a pixel flood).
fn pixel_flood() -> Vec<u8> {
    let mut bytes = png(1, 1);
    // Signature (8), length (4), "IHDR" (4), then width and height.
    bytes[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    bytes[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

/// A ZIP of one entry written by hand, so that its directory can say what the bytes are not:
/// `method` 8 is deflate, `declared` the uncompressed size it claims.
fn raw_zip(name: &[u8], method: u16, data: &[u8], declared: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let sizes = |out: &mut Vec<u8>| {
        out.extend_from_slice(&0u32.to_le_bytes()); // crc
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&declared.to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
    };
    // Local file header.
    out.extend_from_slice(b"PK\x03\x04");
    out.extend_from_slice(&20u16.to_le_bytes()); // version
    out.extend_from_slice(&0u16.to_le_bytes()); // flags
    out.extend_from_slice(&method.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // time, date
    sizes(&mut out);
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(name);
    out.extend_from_slice(data);
    let directory_at = out.len() as u32;
    out.extend_from_slice(b"PK\x01\x02");
    out.extend_from_slice(&20u16.to_le_bytes()); // made by
    out.extend_from_slice(&20u16.to_le_bytes()); // needed
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&method.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    sizes(&mut out);
    out.extend_from_slice(&[0; 8]); // extra, comment, disk
    out.extend_from_slice(&[0; 6]); // attributes
    out.extend_from_slice(&0u32.to_le_bytes()); // local header offset
    out.extend_from_slice(name);
    let directory_len = out.len() as u32 - directory_at;
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&directory_len.to_le_bytes());
    out.extend_from_slice(&directory_at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// A ZIP whose directory says one small entry expands to 4 GiB.
fn zip_bomb() -> Vec<u8> {
    raw_zip(b"zeros.bin", 8, &[0u8; 64], 0xFFFF_FFF0)
}

/// A ZIP whose directory says 1 KiB while its deflate stream inflates to 300 MiB.
fn lying_zip_bomb() -> Vec<u8> {
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..300 {
        z.write_all(&zeros).unwrap();
    }
    raw_zip(b"report.txt", 8, &z.finish().unwrap(), 1024)
}

/// An archive in an archive in an archive … 40 deep.
fn nested_zip(depth: usize) -> Vec<u8> {
    let mut inner = zip_with(&[("bottom.txt", b"day la day")]);
    for _ in 1..depth {
        inner = zip_with(&[("inner.zip", &inner)]);
    }
    inner
}

fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, data) in entries {
            zip.start_file(*name, options).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap();
    }
    out.into_inner()
}

/// An OLE compound file with no Office stream (as an MSI installer is).
fn compound_without_office_streams() -> Vec<u8> {
    let mut cursor = Cursor::new(Vec::new());
    {
        let mut cfb = cfb::CompoundFile::create(&mut cursor).unwrap();
        let mut stream = cfb.create_stream("/\u{4840}\u{3b3f}Installer").unwrap();
        stream.write_all(b"not an office document").unwrap();
    }
    cursor.into_inner()
}

fn legacy_word() -> Vec<u8> {
    let mut cursor = Cursor::new(Vec::new());
    {
        let mut cfb = cfb::CompoundFile::create(&mut cursor).unwrap();
        let mut stream = cfb.create_stream("/WordDocument").unwrap();
        stream.write_all(&[0xEC, 0xA5, 0xC1, 0x00]).unwrap();
    }
    cursor.into_inner()
}

pub const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// The hostile-upload battery: each file, what the API must answer, and afterwards nothing
/// outside the media directory, nothing left in its `tmp/`, and nothing stored as active
/// content.
#[tokio::test]
async fn hostile_uploads_are_refused_or_neutralised() {
    let app = spawn_app_with(&[("TTDT_MEDIA_MAX_IMAGE_MB", "1")]).await;
    let writer = app.staff("contributor").await;
    let limit = 1024 * 1024;
    let mut over = jpeg(64, 64);
    over.resize(limit + 1, 0);
    let mut at_limit = jpeg(64, 64);
    at_limit.resize(limit, 0);
    let mut png_with_html = png(8, 8);
    png_with_html.extend_from_slice(b"<html><script>alert(document.cookie)</script></html>");
    let mut bidi_name = "ảnh\u{202E}gnp.png".as_bytes().to_vec();
    bidi_name.shrink_to_fit();

    // (file name, declared type, bytes, expected status, expected code or "" when accepted)
    type Case<'a> = (&'a [u8], Option<&'a str>, Vec<u8>, u16, &'a str);
    let cases: Vec<Case> = vec![
        (b"cat.jpg", Some("image/jpeg"), b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec(), 415, "markup_not_allowed"),
        (b"logo.svg", Some("image/svg+xml"), b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec(), 415, "markup_not_allowed"),
        (b"logo.png", Some("image/png"), b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec(), 415, "markup_not_allowed"),
        (b"note.txt", Some("text/plain"), b"  <script>fetch('/api/v1/users')</script>".to_vec(), 415, "markup_not_allowed"),
        (b"poly.gif", Some("image/gif"), b"GIF89a/*<html><script>alert(1)</script></html>*/".to_vec(), 415, "markup_not_allowed"),
        (b"poly2.gif", Some("image/gif"), b"GIF89a\x01\x00\x01\x00<html><script>alert(1)</script>".to_vec(), 415, "markup_not_allowed"),
        // `%PDF` inside a page or a drawing does not make either a PDF.
        (b"report.pdf", None, b"<!-- %PDF-1.4 --><html><body onload=alert(1)>".to_vec(), 415, "markup_not_allowed"),
        (b"chart.pdf", None, b"%PDF-1.4\n<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec(), 415, "markup_not_allowed"),
        (b"late.pdf", None, [&b"garbage before the header\n"[..], PDF].concat(), 415, "unsupported_type"),
        (b"trailer.png", Some("image/png"), png_with_html, 415, "markup_not_allowed"),
        (b"photo.png", Some("image/png"), PDF.to_vec(), 415, "type_mismatch"),
        (b"report.pdf", Some("image/png"), PDF.to_vec(), 415, "type_mismatch"),
        (b"setup.pdf", None, b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec(), 415, "executable_not_allowed"),
        (b"tool.bin", None, b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00".to_vec(), 415, "executable_not_allowed"),
        (b"run.txt", Some("text/plain"), b"#!/bin/sh\nrm -rf /\n".to_vec(), 415, "executable_not_allowed"),
        (b"blob.dat", None, vec![0x00, 0x13, 0x37, 0x00, 0xfe, 0xed, 0xfa, 0xce], 415, "unsupported_type"),
        (b"notes.txt", None, b"caf\xe9 au lait \xff".to_vec(), 415, "unsupported_type"),
        (b"setup.msi", None, compound_without_office_streams(), 415, "unsupported_type"),
        (b"empty.jpg", Some("image/jpeg"), Vec::new(), 422, "empty_file"),
        (b"big.jpg", Some("image/jpeg"), over, 413, "file_too_large"),
        (b"flood.png", Some("image/png"), pixel_flood(), 422, "image_too_large"),
        (b"bomb.zip", Some("application/zip"), zip_bomb(), 422, "archive_bomb"),
        (b"quiet.zip", Some("application/zip"), lying_zip_bomb(), 422, "archive_bomb"),
        (b"deep.zip", Some("application/zip"), nested_zip(40), 422, "archive_bomb"),
        (b"macro.docx", None, zip_with(&[("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>"), ("word/vbaProject.bin", b"VBA")]), 415, "macros_not_allowed"),
        (b"macro.odt", None, zip_with(&[("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<office/>"), ("Basic/Standard/Module1.xml", b"Sub Main")]), 415, "macros_not_allowed"),
        (b"photo.exe", Some("image/jpeg"), jpeg(16, 16), 415, "type_mismatch"),
        // Accepted, but only ever as inert data:
        (b"../../../../etc/passwd.txt", None, b"root:x:0:0\n".to_vec(), 201, ""),
        (b"/etc/cron.d/evil.txt", None, b"* * * * * root id\n".to_vec(), 201, ""),
        // In a quoted header value `\` escapes the next character: the parser reads
        // `C:WindowsSystem32evil.txt`; escaped, the path is seen and dropped.
        (b"C:\\Windows\\System32\\evil.txt", None, b"windows\n".to_vec(), 201, ""),
        (b"C:\\\\Windows\\\\evil.txt", None, b"windows\n".to_vec(), 201, ""),
        (&bidi_name, Some("image/png"), png(4, 4), 201, ""),
        (b"nul\0.txt.exe", None, b"nul in the name\n".to_vec(), 400, "malformed_multipart"),
        // The same, and a right-to-left override, through RFC 5987's `filename*`:
        (b"x\"; filename*=UTF-8''nul%00na%E2%80%AEme.txt; x=\"y", None, b"x\n".to_vec(), 201, ""),
        (b"limit.jpg", Some("image/jpeg"), at_limit, 201, ""),
    ];
    assert!(cases.len() >= 20);
    let mut accepted = Vec::new();
    for (name, declared, data, status, code) in cases {
        let r = upload(
            &app,
            Some(&writer.token),
            &[Part {
                name: "file",
                filename: Some(name),
                content_type: declared,
                data,
            }],
        )
        .await;
        let shown = String::from_utf8_lossy(name).into_owned();
        if code.is_empty() {
            assert_eq!(r.status, 201, "{shown}: {}", r.text);
            accepted.push((shown, r.body));
        } else {
            assert_eq!(r.status.as_u16(), status, "{shown}: {}", r.text);
            r.problem(status, code);
        }
    }

    let names: Vec<&str> = accepted
        .iter()
        .map(|(_, b)| b["original_name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "passwd.txt",
            "evil.txt",
            "C:WindowsSystem32evil.txt",
            "evil.txt",
            "ảnhgnp.png",
            "nulname.txt",
            "limit.jpg"
        ]
    );
    for (shown, body) in &accepted {
        let id = body["id"].as_str().unwrap();
        let (status, headers, bytes) = fetch(
            &app,
            &format!("/api/v1/media/{id}/file"),
            Some(&writer.token),
            &[],
        )
        .await;
        assert_eq!(status, 200, "{shown}");
        assert!(!contains(&bytes, b"<script"), "{shown} serves a script");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        let content_type = headers["content-type"].to_str().unwrap();
        assert!(
            content_type.starts_with("text/plain") || content_type.starts_with("image/"),
            "{shown}: {content_type}"
        );
        let disposition = headers["content-disposition"].to_str().unwrap();
        assert!(!disposition.contains('/') && !disposition.contains('\u{202E}'));
        if content_type.starts_with("text/") {
            assert!(disposition.starts_with("attachment"), "{disposition}");
            let csp = headers["content-security-policy"].to_str().unwrap();
            assert!(csp.starts_with("sandbox;"), "{csp}");
        }
    }

    // Nothing outside the media directory, no temporary file left behind.
    let media = app.data_dir.path().join("media");
    for path in files_under(app.data_dir.path()) {
        let under_media = path.starts_with(&media);
        let known = path.file_name().is_some_and(|n| n == "jwt-secret");
        assert!(under_media || known, "unexpected file {}", path.display());
    }
    assert!(files_under(&media.join("tmp")).is_empty());
    for blob in blobs(&app) {
        let name = blob.file_name().unwrap().to_str().unwrap().to_owned();
        assert!(
            name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit()),
            "{name}"
        );
    }
}

#[tokio::test]
async fn known_formats_are_told_by_their_bytes() {
    let app = spawn_app().await;
    let tech = app.staff("technician").await;
    // A report embedding a spreadsheet (an archive in an archive), deflated as Word does.
    let xlsx = zip_with(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("xl/workbook.xml", b"<workbook/>"),
    ]);
    let docx = {
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in [
            ("[Content_Types].xml", &b"<Types/>"[..]),
            (
                "word/document.xml",
                &"<w:document>Kế hoạch</w:document>".repeat(200).into_bytes(),
            ),
            ("word/embeddings/Microsoft_Excel_Worksheet.xlsx", &xlsx),
        ] {
            zip.start_file(name, deflated).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap();
        out.into_inner()
    };
    let odt = zip_with(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", b"<office:document-content/>"),
    ]);
    let plain_zip = zip_with(&[("a.txt", b"hello")]);
    let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        ("bien-ban.pdf", PDF.to_vec(), "document", "application/pdf"),
        (
            "ke-hoach.docx",
            docx,
            "document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "ke-hoach.odt",
            odt,
            "document",
            "application/vnd.oasis.opendocument.text",
        ),
        (
            "to-trinh.doc",
            legacy_word(),
            "document",
            "application/msword",
        ),
        ("tai-lieu.zip", plain_zip, "document", "application/zip"),
        (
            "danh-sach.csv",
            "Họ và tên,Lớp\nLò Văn A,3A\n".as_bytes().to_vec(),
            "document",
            "text/csv; charset=utf-8",
        ),
        (
            "thong-bao.txt",
            "Thông báo nghỉ học".as_bytes().to_vec(),
            "document",
            "text/plain; charset=utf-8",
        ),
        ("anh.png", png(10, 6), "image", "image/png"),
    ];
    for (name, data, kind, mime) in cases {
        let r = upload(&app, Some(&tech.token), &[file(name, None, data)]).await;
        assert_eq!(r.status, 201, "{name}: {}", r.text);
        assert_eq!(r.body["kind"], kind, "{name}");
        assert_eq!(r.body["content_type"], mime, "{name}");
        assert_eq!(r.body["original_name"], name);
    }
}

#[tokio::test]
async fn uploaded_photos_lose_all_exif_and_come_upright_with_variants() {
    let app = spawn_app().await;
    let writer = app.staff("board_member").await;
    let source = jpeg_with_gps_exif(1400, 700);
    assert!(contains(&source, b"Exif\0\0") && contains(&source, SECRET));
    let r = upload(
        &app,
        Some(&writer.token),
        &[
            file("hoi-thi.jpg", Some("image/jpeg"), source),
            text_part("title", "Hội thi vẽ tranh"),
            text_part("alt_text", "Học sinh lớp 4 vẽ tranh về quê hương"),
        ],
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["title"], "Hội thi vẽ tranh");
    // Orientation 6: the 1400 × 700 sensor image is shown 700 wide and 1400 high.
    assert_eq!(
        (r.body["width"].as_i64(), r.body["height"].as_i64()),
        (Some(700), Some(1400))
    );
    let id = r.body["id"].as_str().unwrap();
    let names: Vec<&str> = r.body["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "w320.jpg",
            "w320.webp",
            "w640.jpg",
            "w640.webp",
            "w1280.jpg",
            "w1280.webp"
        ]
    );
    // A WebP variant is lossy: smaller than the JPEG of the same width.
    let size = |name: &str| {
        r.body["variants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == name)
            .unwrap()["size"]
            .as_i64()
            .unwrap()
    };
    for width in [320, 640] {
        let (webp, jpeg) = (
            size(&format!("w{width}.webp")),
            size(&format!("w{width}.jpg")),
        );
        assert!(webp < jpeg, "w{width}: webp {webp} bytes, jpeg {jpeg}");
    }
    let mut paths = vec![format!("/api/v1/media/{id}/file")];
    paths.extend(
        names
            .iter()
            .map(|n| format!("/api/v1/media/{id}/variants/{n}")),
    );
    for path in paths {
        let (status, headers, bytes) = fetch(&app, &path, Some(&writer.token), &[]).await;
        assert_eq!(status, 200, "{path}");
        assert!(!contains(&bytes, b"Exif"), "{path} carries EXIF");
        assert!(
            !contains(&bytes, SECRET),
            "{path} carries the camera serial"
        );
        assert!(
            !contains(&bytes, &[0xFF, 0xE1]) || path.ends_with(".webp"),
            "{path} has an APP1 segment"
        );
        let decoded = image::load_from_memory(&bytes).unwrap();
        assert!(decoded.height() > decoded.width(), "{path} is not upright");
        let expected = if path.contains("/variants/w320") {
            Some(320)
        } else if path.contains("/variants/w640") {
            Some(640)
        } else {
            Some(700)
        };
        assert_eq!(Some(decoded.width()), expected, "{path}");
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("image/")
        );
    }
    let r = app
        .get(
            &format!("/api/v1/media/{id}/variants/w9999.jpg"),
            Some(&writer.token),
        )
        .await;
    r.problem(404, "not_found");
}

#[tokio::test]
async fn ranges_dedup_and_caching() {
    let app = spawn_app().await;
    let writer = app.staff("contributor").await;
    let content: Vec<u8> = (0..2000).map(|i| b'a' + (i % 26) as u8).collect();
    let first = upload(
        &app,
        Some(&writer.token),
        &[file("a.txt", None, content.clone())],
    )
    .await;
    assert_eq!(first.status, 201, "{}", first.text);
    let blobs_after_one = blobs(&app).len();
    let second = upload(
        &app,
        Some(&writer.token),
        &[file("b.txt", None, content.clone())],
    )
    .await;
    assert_eq!(second.status, 201);
    assert_ne!(first.body["id"], second.body["id"]);
    assert_eq!(first.body["sha256"], second.body["sha256"]);
    assert_eq!(
        blobs(&app).len(),
        blobs_after_one,
        "the same bytes are stored once"
    );

    let id = first.body["id"].as_str().unwrap();
    let path = format!("/api/v1/media/{id}/file");
    let (status, headers, bytes) = fetch(
        &app,
        &path,
        Some(&writer.token),
        &[("Range", "bytes=100-199")],
    )
    .await;
    assert_eq!(status, 206);
    assert_eq!(bytes, content[100..200]);
    assert_eq!(headers["content-range"], "bytes 100-199/2000");
    let (status, _, bytes) =
        fetch(&app, &path, Some(&writer.token), &[("Range", "bytes=-10")]).await;
    assert_eq!(status, 206);
    assert_eq!(bytes, content[1990..]);
    let (status, _, _) = fetch(
        &app,
        &path,
        Some(&writer.token),
        &[("Range", "bytes=5000-6000")],
    )
    .await;
    assert_eq!(status, 416);
    // Several ranges: the whole file (as RFC 9110 allows), never only the first.
    let (status, headers, bytes) = fetch(
        &app,
        &path,
        Some(&writer.token),
        &[("Range", "bytes=0-1,5-6")],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(bytes, content);
    assert!(headers.get("content-range").is_none());
    // A unit we do not know is ignored, not refused.
    let (status, _, bytes) =
        fetch(&app, &path, Some(&writer.token), &[("Range", "items=0-1")]).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, content);

    let (status, headers, bytes) = fetch(&app, &path, Some(&writer.token), &[]).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, content);
    // HEAD: the same headers, no body.
    let head = app
        .client
        .head(format!("{}{path}", app.address))
        .bearer_auth(&writer.token)
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["content-length"], "2000");
    assert_eq!(head.headers()["etag"], headers["etag"]);
    assert!(head.bytes().await.unwrap().is_empty());
    let etag = headers["etag"].to_str().unwrap().to_owned();
    assert_eq!(
        etag,
        format!("\"{}\"", first.body["sha256"].as_str().unwrap())
    );
    let (status, _, bytes) = fetch(
        &app,
        &path,
        Some(&writer.token),
        &[("If-None-Match", &etag)],
    )
    .await;
    assert_eq!(status, 304);
    assert!(bytes.is_empty());
}

#[tokio::test]
async fn articles_use_media_alt_text_is_required_and_used_media_cannot_go() {
    let app = spawn_app().await;
    let chief = app.staff("editor_in_chief").await;
    let category = app.category("Tin tức", "news").await;
    let photo = upload(
        &app,
        Some(&chief.token),
        &[file("anh.jpg", None, jpeg(800, 600))],
    )
    .await;
    assert_eq!(photo.status, 201, "{}", photo.text);
    let photo_id = photo.body["id"].as_str().unwrap().to_owned();
    let inline = upload(
        &app,
        Some(&chief.token),
        &[file("anh2.png", None, png(50, 50))],
    )
    .await;
    let inline_id = inline.body["id"].as_str().unwrap().to_owned();
    let doc = upload(
        &app,
        Some(&chief.token),
        &[file("t.pdf", None, PDF.to_vec())],
    )
    .await;
    let doc_id = doc.body["id"].as_str().unwrap().to_owned();

    // A cover must be an image in the library.
    for bad in [doc_id.as_str(), "no-such-media"] {
        let r = app
            .post(
                "/api/v1/articles",
                Some(&chief.token),
                json!({ "title": "Bìa", "summary": "", "body": "<p>x</p>", "category_id": category, "cover_media_id": bad }),
            )
            .await;
        r.problem(422, "validation_failed");
        assert_eq!(r.field_errors(), ["cover_media_id:unknown_image"]);
    }

    let body =
        format!("<p>Ảnh:</p><img src=\"/api/v1/media/{inline_id}/variants/w320.jpg\" alt=\"\">");
    let draft = app
        .create_article(
            &chief.token,
            &category,
            "Lễ khai giảng",
            json!({ "cover_media_id": photo_id, "body": body }),
        )
        .await;
    // Not public yet: the public cannot read the media.
    let r = app.get(&format!("/api/v1/media/{photo_id}"), None).await;
    r.problem(404, "not_found");
    let (status, _, _) = fetch(&app, &format!("/api/v1/media/{photo_id}/file"), None, &[]).await;
    assert_eq!(status, 404);
    // Staff see who uses it.
    let r = app
        .get(&format!("/api/v1/media/{photo_id}"), Some(&chief.token))
        .await;
    assert_eq!(
        r.body["used_by"],
        json!([{ "content_type": "article", "content_id": draft.id, "public": false }])
    );

    // Publishing needs alt text on both images.
    for action in ["submit", "approve"] {
        let etag = app.etag_of(&chief.token, &draft.id).await;
        let r = app.step(&chief.token, &draft.id, &etag, action, None).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let etag = app.etag_of(&chief.token, &draft.id).await;
    let r = app
        .step(&chief.token, &draft.id, &etag, "publish", None)
        .await;
    r.problem(422, "alt_text_required");
    let mut named: Vec<&str> = r.body["media_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    named.sort();
    let mut expected = vec![photo_id.as_str(), inline_id.as_str()];
    expected.sort();
    assert_eq!(named, expected, "the images are named for clients");
    assert!(r.body["detail"].as_str().unwrap().contains(&photo_id));
    assert!(r.body["detail"].as_str().unwrap().contains(&inline_id));
    for (id, etag) in [
        (&photo_id, photo.header("etag").unwrap()),
        (&inline_id, inline.header("etag").unwrap()),
    ] {
        let r = app
            .call_with(
                reqwest::Method::PATCH,
                &format!("/api/v1/media/{id}"),
                Some(&chief.token),
                Some(json!({ "alt_text": "Học sinh dự lễ khai giảng" })),
                &[("If-Match", etag)],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let r = app
        .step(&chief.token, &draft.id, &etag, "publish", None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    // Now public: metadata without the staff view (who uploaded it, what uses it), the file
    // cached briefly (a withdrawn photo must leave shared caches soon).
    let r = app.get(&format!("/api/v1/media/{photo_id}"), None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body.get("used_by").is_none(), "{}", r.text);
    assert!(r.body.get("uploaded_by").is_none(), "{}", r.text);
    let list = app.get("/api/v1/media", Some(&chief.token)).await;
    let entry = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == photo_id.as_str())
        .unwrap();
    assert!(
        entry.get("used_by").is_none(),
        "a list entry does not claim to know: {entry}"
    );
    assert!(entry["uploaded_by"].is_string());
    let (status, headers, _) = fetch(
        &app,
        &format!("/api/v1/media/{inline_id}/variants/w320.webp"),
        None,
        &[],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        headers["cache-control"],
        "public, max-age=300, must-revalidate"
    );
    assert_eq!(headers["content-type"], "image/webp");
    // The document is used by nothing: still not public.
    let (status, _, _) = fetch(&app, &format!("/api/v1/media/{doc_id}/file"), None, &[]).await;
    assert_eq!(status, 404);

    // In use: no emptying the alt text, no deleting.
    let etag = app
        .get(&format!("/api/v1/media/{photo_id}"), Some(&chief.token))
        .await;
    let etag = etag.header("etag").unwrap().to_owned();
    let r = app
        .call_with(
            reqwest::Method::PATCH,
            &format!("/api/v1/media/{photo_id}"),
            Some(&chief.token),
            Some(json!({ "alt_text": " " })),
            &[("If-Match", &etag)],
        )
        .await;
    r.problem(409, "alt_text_in_use");
    let r = app
        .call_with(
            reqwest::Method::DELETE,
            &format!("/api/v1/media/{photo_id}"),
            Some(&chief.token),
            None,
            &[("If-Match", &etag)],
        )
        .await;
    r.problem(409, "media_in_use");
    assert_eq!(
        app.get(&format!("/api/v1/media/{photo_id}"), Some(&chief.token))
            .await
            .status,
        200
    );

    // Unpublished and the cover removed: deletable; the file goes at the next sweep.
    let etag_a = app.etag_of(&chief.token, &draft.id).await;
    let r = app
        .step(&chief.token, &draft.id, &etag_a, "unpublish", None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let (status, _, _) = fetch(&app, &format!("/api/v1/media/{photo_id}/file"), None, &[]).await;
    assert_eq!(status, 404, "unpublished content no longer shows its media");
    let etag_a = app.etag_of(&chief.token, &draft.id).await;
    let r = app
        .call_with(
            reqwest::Method::PATCH,
            &format!("/api/v1/articles/{}", draft.id),
            Some(&chief.token),
            Some(json!({ "cover_media_id": null })),
            &[("If-Match", &etag_a)],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let sha = photo.body["sha256"].as_str().unwrap().to_owned();
    let r = app
        .call_with(
            reqwest::Method::DELETE,
            &format!("/api/v1/media/{photo_id}"),
            Some(&chief.token),
            None,
            &[("If-Match", &etag)],
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    app.get(&format!("/api/v1/media/{photo_id}"), Some(&chief.token))
        .await
        .problem(404, "not_found");
    assert_eq!(app.count_audit("media.delete", &photo_id), 1);
    let has_blob = |app: &TestApp| blobs(app).iter().any(|p| p.ends_with(&sha));
    assert!(has_blob(&app));
    let store = ttdt::media::store::LocalDisk::open(&app.data_dir.path().join("media")).unwrap();
    let mut conn = app.pool.get().unwrap();
    let before = blobs(&app).len();
    let removed =
        ttdt::services::media::sweep(&mut conn, &store, std::time::Duration::ZERO).unwrap();
    assert!(removed >= 1);
    assert!(!has_blob(&app));
    // Exactly the files still referenced remain.
    use diesel::prelude::*;
    use ttdt::db::schema::{media, media_variants};
    let mut referenced: Vec<String> = media::table.select(media::sha256).load(&mut *conn).unwrap();
    referenced.extend(
        media_variants::table
            .select(media_variants::sha256)
            .load::<String>(&mut *conn)
            .unwrap(),
    );
    referenced.sort();
    referenced.dedup();
    assert_eq!(blobs(&app).len(), referenced.len());
    assert_eq!(before - removed, referenced.len());
    // What is still referenced stays.
    let (status, _, _) = fetch(
        &app,
        &format!("/api/v1/media/{inline_id}/file"),
        Some(&chief.token),
        &[],
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn who_may_upload_change_and_delete() {
    let app = spawn_app().await;
    let a = app.staff("contributor").await;
    let b = app.staff("contributor").await;
    let tech = app.staff("technician").await;
    let deputy = app.staff("deputy_editor").await;
    let dept = app.staff("department_staff").await;

    let r = upload(&app, None, &[file("a.txt", None, b"x".to_vec())]).await;
    r.problem(401, "authentication_required");
    for token in [&app.principal_token, &dept.token] {
        let r = upload(&app, Some(token), &[file("a.txt", None, b"x".to_vec())]).await;
        r.problem(403, "forbidden");
    }
    let r = upload(
        &app,
        Some(&a.token),
        &[file("a.txt", None, b"cua A".to_vec())],
    )
    .await;
    assert_eq!(r.status, 201);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let mut etag = r.header("etag").unwrap().to_owned();
    assert_eq!(app.count_audit("media.create", &id), 1);

    let patch = |token: String, etag: String, body: Value| {
        let app = &app;
        let id = id.clone();
        async move {
            app.call_with(
                reqwest::Method::PATCH,
                &format!("/api/v1/media/{id}"),
                Some(&token),
                Some(body),
                &[("If-Match", &etag)],
            )
            .await
        }
    };
    patch(b.token.clone(), etag.clone(), json!({ "title": "của B" }))
        .await
        .problem(403, "forbidden");
    for token in [&a.token, &tech.token, &deputy.token] {
        let r = patch(
            token.clone(),
            etag.clone(),
            json!({ "caption": "Chú thích" }),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
        etag = r.header("etag").unwrap().to_owned();
    }
    // Stale and missing versions, bad fields, legacy encodings: refused, nothing changed.
    patch(a.token.clone(), "\"v1\"".into(), json!({ "title": "cũ" }))
        .await
        .problem(412, "precondition_failed");
    let r = app
        .patch(
            &format!("/api/v1/media/{id}"),
            Some(&a.token),
            json!({ "title": "x" }),
        )
        .await;
    r.problem(428, "precondition_required");
    let r = patch(
        a.token.clone(),
        etag.clone(),
        json!({ "status": "published" }),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.text);
    let r = patch(
        a.token.clone(),
        etag.clone(),
        json!({ "title": "Tr\u{AD}êng tiÓu häc" }),
    )
    .await;
    r.problem(422, "legacy_vietnamese_encoding");
    let r = app
        .get(&format!("/api/v1/media/{id}"), Some(&a.token))
        .await;
    assert_eq!(r.body["title"], "");
    assert_eq!(r.body["caption"], "Chú thích");

    // Lists: staff only, `mine`, `kind`.
    app.get("/api/v1/media", None)
        .await
        .problem(401, "authentication_required");
    let r = upload(&app, Some(&b.token), &[file("p.png", None, png(3, 3))]).await;
    assert_eq!(r.status, 201);
    let mine = app.get("/api/v1/media?mine=true", Some(&a.token)).await;
    assert_eq!(mine.body["items"].as_array().unwrap().len(), 1);
    let images = app.get("/api/v1/media?kind=image", Some(&a.token)).await;
    assert_eq!(images.body["items"][0]["kind"], "image");
    assert_eq!(images.body["items"][0]["variants"][0]["name"], "w320.jpg");
    let first = app.get("/api/v1/media?limit=1", Some(&a.token)).await;
    assert_eq!(first.body["items"].as_array().unwrap().len(), 1);
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let second = app
        .get(
            &format!("/api/v1/media?limit=1&cursor={cursor}"),
            Some(&a.token),
        )
        .await;
    assert_eq!(second.body["items"].as_array().unwrap().len(), 1);
    assert_ne!(second.body["items"][0]["id"], first.body["items"][0]["id"]);
    assert_eq!(second.body["next_cursor"], Value::Null);
    assert_eq!(images.body["items"].as_array().unwrap().len(), 1);
    app.get("/api/v1/media?kind=virus", Some(&a.token))
        .await
        .problem(400, "invalid_query");

    // Not multipart, no file, unknown part.
    let r = app
        .post("/api/v1/media", Some(&a.token), json!({ "file": "x" }))
        .await;
    r.problem(415, "multipart_required");
    let r = upload(&app, Some(&a.token), &[text_part("title", "không có tệp")]).await;
    r.problem(422, "validation_failed");
    assert_eq!(r.field_errors(), ["file:file_required"]);
    let r = upload(
        &app,
        Some(&a.token),
        &[
            text_part("status", "published"),
            file("a.txt", None, b"x".to_vec()),
        ],
    )
    .await;
    r.problem(422, "validation_failed");

    // Delete: B cannot, A can; then it is gone.
    let del = |token: String, etag: String| {
        let app = &app;
        let id = id.clone();
        async move {
            app.call_with(
                reqwest::Method::DELETE,
                &format!("/api/v1/media/{id}"),
                Some(&token),
                None,
                &[("If-Match", &etag)],
            )
            .await
        }
    };
    del(b.token.clone(), etag.clone())
        .await
        .problem(403, "forbidden");
    assert_eq!(del(a.token.clone(), etag.clone()).await.status, 204);
    del(a.token.clone(), etag.clone())
        .await
        .problem(404, "not_found");
}

/// A constant-bitrate MP3 (MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, mono) of silent frames, the
/// first carrying the `Info` header with the frame count, as encoders write it.
fn mp3(frames: u32) -> Vec<u8> {
    const FRAME_LEN: usize = 417; // 144 × 128,000 / 44,100
    let header = [0xFF, 0xFB, 0x90, 0xC4];
    let mut out = Vec::new();
    let mut info = header.to_vec();
    info.resize(4 + 17, 0); // mono side information
    info.extend_from_slice(b"Info");
    info.extend_from_slice(&1u32.to_be_bytes()); // the frame count is present
    info.extend_from_slice(&frames.to_be_bytes());
    info.resize(FRAME_LEN, 0);
    out.extend_from_slice(&info);
    for _ in 0..frames {
        out.extend_from_slice(&header);
        out.resize(out.len() + FRAME_LEN - 4, 0);
    }
    out
}

#[tokio::test]
async fn audio_gets_its_duration_and_plays_inline() {
    let app = spawn_app().await;
    let writer = app.staff("contributor").await;
    // 383 frames × 1,152 samples / 44,100 Hz = 10.0 s
    let r = upload(
        &app,
        Some(&writer.token),
        &[file("bai-hat.mp3", Some("audio/mpeg"), mp3(383))],
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["kind"], "audio");
    assert_eq!(r.body["content_type"], "audio/mpeg");
    assert_eq!(r.body["duration_seconds"], 10);
    let id = r.body["id"].as_str().unwrap();
    let (status, headers, bytes) = fetch(
        &app,
        &format!("/api/v1/media/{id}/file"),
        Some(&writer.token),
        &[("Range", "bytes=417-")],
    )
    .await;
    assert_eq!(status, 206);
    assert_eq!(bytes.len(), 383 * 417);
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline")
    );
    // Played in the page, so not sandboxed; never framed.
    assert_eq!(headers["content-security-policy"], "frame-ancestors 'none'");
}

fn mp4_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut b = ((8 + body.len()) as u32).to_be_bytes().to_vec();
    b.extend_from_slice(kind);
    b.extend_from_slice(body);
    b
}

/// An EBML element with an 8-byte size.
fn ebml(id: &[u8], body: &[u8]) -> Vec<u8> {
    let mut b = id.to_vec();
    b.extend_from_slice(&(0x0100_0000_0000_0000u64 | body.len() as u64).to_be_bytes());
    b.extend_from_slice(body);
    b
}

/// A phone video's MP4: 30 s long, with the phone's position, make and model in `udta` and
/// `meta`, as Android and iOS cameras write them.
fn phone_mp4() -> Vec<u8> {
    let mut mvhd = vec![0u8; 100];
    mvhd[12..16].copy_from_slice(&600u32.to_be_bytes());
    mvhd[16..20].copy_from_slice(&18_000u32.to_be_bytes());
    let mut udta = mp4_box(b"\xa9xyz", b"\0\x12\x15\xc7+21.5694+103.3510/");
    udta.extend_from_slice(&mp4_box(b"\xa9mak", b"\0\x06\0\0Google"));
    udta.extend_from_slice(&mp4_box(b"\xa9mod", b"\0\x07\0\0Pixel 7"));
    let meta = mp4_box(
        b"meta",
        b"\0\0\0\0com.apple.quicktime.location.ISO6709+21.5694+103.3510",
    );
    let mut moov = mp4_box(b"mvhd", &mvhd);
    moov.extend_from_slice(&mp4_box(b"udta", &udta));
    moov.extend_from_slice(&meta);
    moov.extend_from_slice(&mp4_box(b"trak", &mp4_box(b"udta", b"author Nguyen Van A")));
    let mut file = mp4_box(b"ftyp", b"mp42\0\0\0\0mp42isom");
    file.extend_from_slice(&mp4_box(b"moov", &moov));
    file.extend_from_slice(&mp4_box(b"mdat", &vec![0x5A; 40_000]));
    file
}

/// A WebM recording with location and device tags.
fn tagged_webm() -> Vec<u8> {
    let mut info = ebml(&[0x2A, 0xD7, 0xB1], &1_000_000u32.to_be_bytes());
    info.extend_from_slice(&ebml(&[0x44, 0x89], &20_000.0f64.to_be_bytes()));
    info.extend_from_slice(&ebml(&[0x57, 0x41], b"Samsung SM-A525F"));
    let mut segment = ebml(&[0x15, 0x49, 0xA9, 0x66], &info);
    segment.extend_from_slice(&ebml(
        &[0x12, 0x54, 0xC3, 0x67],
        b"LOCATION +21.5694+103.3510 ARTIST Nguyen Van A",
    ));
    segment.extend_from_slice(&ebml(&[0x1F, 0x43, 0xB6, 0x75], &vec![0x5A; 20_000]));
    let mut file = ebml(&[0x1A, 0x45, 0xDF, 0xA3], b"\x42\x82\x84webm");
    file.extend_from_slice(&ebml(&[0x18, 0x53, 0x80, 0x67], &segment));
    file
}

/// An MP3 behind an ID3v2 tag naming the singer and a position, with an ID3v1 tag at the end.
fn tagged_mp3() -> Vec<u8> {
    let frame_data = mp3(383);
    let tag_body = b"TXXX\0\0\0\x20\0\0\0GPS\0+21.5694+103.3510 Nguyen Van A";
    let n = tag_body.len() as u32;
    let mut file = b"ID3\x04\0\0".to_vec();
    file.extend_from_slice(&[0, 0, (n >> 7) as u8 & 0x7F, n as u8 & 0x7F]);
    file.extend_from_slice(tag_body);
    file.extend_from_slice(&frame_data);
    let mut v1 = b"TAGBai hat Nguyen Van A".to_vec();
    v1.resize(128, 0);
    file.extend_from_slice(&v1);
    file
}

#[tokio::test]
async fn crafted_audio_and_video_are_refused_and_the_server_keeps_serving() {
    let app = spawn_app().await;
    let writer = app.staff("contributor").await;
    // 109 bytes announcing a 2^50-byte `hdlr` atom (what once aborted the process).
    let mut huge_atom = mp4_box(b"ftyp", b"isom\0\0\x02\0isomiso2mp41");
    let mut hdlr = 1u32.to_be_bytes().to_vec();
    hdlr.extend_from_slice(b"hdlr");
    hdlr.extend_from_slice(&(1u64 << 50).to_be_bytes());
    huge_atom.extend_from_slice(&mp4_box(b"moov", &hdlr));
    huge_atom.resize(109, 0);
    // 329 bytes of WebM whose Tracks element has an unknown size.
    let mut unknown = ebml(&[0x1A, 0x45, 0xDF, 0xA3], b"\x42\x82\x84webm");
    unknown.extend_from_slice(&[
        0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    ]);
    unknown.extend_from_slice(&[0x16, 0x54, 0xAE, 0x6B, 0xFF]);
    unknown.resize(329, 0);
    // An MP3 whose ID3 tag claims 256 MB.
    let mut tag_too_big = b"ID3\x04\0\0\x7f\x7f\x7f\x7f".to_vec();
    tag_too_big.extend_from_slice(&mp3(10));
    for (name, bytes) in [
        ("huge-atom.mp4", huge_atom),
        ("unknown-size.webm", unknown),
        ("tag.mp3", tag_too_big),
    ] {
        let r = upload(&app, Some(&writer.token), &[file(name, None, bytes)]).await;
        r.problem(422, "corrupt_file");
        assert_eq!(app.get("/healthz", None).await.status, 200, "{name}");
    }
    // An MP3 claiming four billion frames is accepted, without a length it cannot have.
    let mut lying = mp3(40);
    lying[29..33].copy_from_slice(&u32::MAX.to_be_bytes());
    let r = upload(&app, Some(&writer.token), &[file("lying.mp3", None, lying)]).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["duration_seconds"], Value::Null);
    let fine = upload(
        &app,
        Some(&writer.token),
        &[file("song.mp3", None, mp3(383))],
    )
    .await;
    assert_eq!(fine.status, 201, "{}", fine.text);
}

#[tokio::test]
async fn no_location_device_or_author_leaves_in_audio_or_video() {
    let app = spawn_app().await;
    let writer = app.staff("contributor").await;
    for (name, bytes, seconds) in [
        ("clip.mp4", phone_mp4(), 30),
        ("clip.webm", tagged_webm(), 20),
        ("song.mp3", tagged_mp3(), 10),
    ] {
        let r = upload(
            &app,
            Some(&writer.token),
            &[file(name, None, bytes.clone())],
        )
        .await;
        assert_eq!(r.status, 201, "{name}: {}", r.text);
        assert_eq!(r.body["duration_seconds"], seconds, "{name}");
        let id = r.body["id"].as_str().unwrap();
        let (status, _, served) = fetch(
            &app,
            &format!("/api/v1/media/{id}/file"),
            Some(&writer.token),
            &[],
        )
        .await;
        assert_eq!(status, 200);
        for secret in [
            &b"103.3510"[..],
            b"Google",
            b"Pixel",
            b"Samsung",
            b"Nguyen Van A",
        ] {
            assert!(
                !contains(&served, secret),
                "{name} still carries {:?}",
                String::from_utf8_lossy(secret)
            );
        }
        assert_eq!(r.body["size"], served.len());
        if name.ends_with(".mp3") {
            // The tags are gone; the frames are all there.
            assert_eq!(served, mp3(383));
        } else {
            // Blanked in place: nothing moved.
            assert_eq!(served.len(), bytes.len(), "{name}");
        }
    }
}

#[tokio::test]
async fn temporaries_of_interrupted_uploads_are_removed_at_start_and_by_the_sweep() {
    let app = spawn_app().await;
    let tmp = app.data_dir.path().join("media").join("tmp");
    let leftover = |name: &str, age_secs: u64| {
        let path = tmp.join(name);
        let f = std::fs::File::create(&path).unwrap();
        f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(age_secs))
            .unwrap();
        path
    };
    let killed = leftover(".tmpKILLED", 2 * 3600);
    let in_progress = leftover(".tmpBUSY", 5);
    // A start over the same media directory (a restart after a crash).
    let store = ttdt::media::store::LocalDisk::open(&app.data_dir.path().join("media")).unwrap();
    assert!(!killed.exists(), "left by an interrupted upload");
    assert!(
        in_progress.exists(),
        "an upload still writing is left alone"
    );
    let killed = leftover(".tmpKILLED2", 3600);
    let mut conn = app.pool.get().unwrap();
    ttdt::services::media::sweep(&mut conn, &store, std::time::Duration::from_secs(3600)).unwrap();
    assert!(!killed.exists());
    assert!(in_progress.exists());
}

/// The `Content-Disposition` docs/media.md shows: a Vietnamese name as UTF-8 `filename*`
/// (RFC 6266), its folded ASCII form as `filename` for old clients; documents as attachments.
#[tokio::test]
async fn files_are_served_with_the_documented_content_disposition() {
    let app = spawn_app().await;
    let writer = app.staff("contributor").await;
    for (name, bytes, expected) in [
        (
            "Kế hoạch năm học.pdf",
            PDF.to_vec(),
            "attachment; filename=\"Ke hoach nam hoc.pdf\"; filename*=UTF-8''K%E1%BA%BF%20ho%E1%BA%A1ch%20n%C4%83m%20h%E1%BB%8Dc.pdf",
        ),
        (
            "khai-giang.jpg",
            jpeg(32, 32),
            "inline; filename=\"khai-giang.jpg\"; filename*=UTF-8''khai%2Dgiang.jpg",
        ),
    ] {
        let r = upload(&app, Some(&writer.token), &[file(name, None, bytes)]).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let id = r.body["id"].as_str().unwrap();
        let (status, headers, _) = fetch(
            &app,
            &format!("/api/v1/media/{id}/file"),
            Some(&writer.token),
            &[],
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-disposition"], expected, "{name}");
    }
}
