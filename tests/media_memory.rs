//! Image decodes share a memory budget: a burst of large images is decoded a few at a time,
//! and a small file whose header inflates to hundreds of megabytes is refused before it costs
//! them. Measured on the real binary, whose peak memory the kernel reports.

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use image::{DynamicImage, ImageBuffer, ImageFormat, Rgba};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::media::{BOUNDARY, crc32, file, multipart, png};

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(data);
    let crc = crc32(&c[4..]);
    c.extend_from_slice(&crc.to_be_bytes());
    c
}

/// A 1×1 PNG of a few hundred kilobytes whose ICC profile inflates to 256 MiB.
fn icc_bomb() -> Vec<u8> {
    let base = png(1, 1);
    let mut profile = b"bomb\0\0".to_vec();
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..256 {
        z.write_all(&zeros).unwrap();
    }
    profile.extend_from_slice(&z.finish().unwrap());
    // Signature and IHDR, then the profile, then the rest.
    let mut out = base[..33].to_vec();
    out.extend_from_slice(&chunk(b"iCCP", &profile));
    out.extend_from_slice(&base[33..]);
    out
}

/// A 16-bit RGBA PNG: 8 bytes a pixel once decoded, a few kilobytes on disk.
fn deep_png(width: u32, height: u32) -> Vec<u8> {
    let img: ImageBuffer<Rgba<u16>, Vec<u16>> =
        ImageBuffer::from_pixel(width, height, Rgba([9000, 20000, 40000, 65535]));
    let mut out = Vec::new();
    DynamicImage::ImageRgba16(img)
        .write_to(&mut std::io::Cursor::new(&mut out), ImageFormat::Png)
        .unwrap();
    out
}

struct Server {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn kib(status: &str, field: &str) -> u64 {
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("{field} in {status}"))
}

async fn start_server(budget_mb: &str) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_ttdt"))
        .arg("serve")
        .env(
            "TTDT_DATABASE_URL",
            format!("sqlite://{}/ttdt.db", dir.path().display()),
        )
        .env("TTDT_DATA_DIR", dir.path())
        .env("TTDT_BIND", format!("127.0.0.1:{port}"))
        .env("TTDT_JWT_SECRET", JWT_SECRET)
        .env("TTDT_ADMIN_EMAIL", PRINCIPAL_EMAIL)
        .env("TTDT_ADMIN_PASSWORD", PRINCIPAL_PASSWORD)
        .env("TTDT_WORKERS", "4")
        .env("TTDT_MEDIA_DECODE_MEMORY_MB", budget_mb)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start ttdt");
    // Killed and waited for when dropped, however the test ends.
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
        _dir: dir,
    };
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if client
            .get(format!("{}/readyz", server.base))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("ttdt did not start");
}

#[tokio::test]
async fn a_burst_of_large_images_and_inflating_profiles_stays_within_the_decode_memory() {
    // Six 2,000 × 2,000 16-bit PNGs at once: each takes ~70 MB to decode and re-encode (so
    // ~420 MB all at once); with 150 MiB for decodes they take turns. And six small PNGs whose
    // ICC profile inflates to 256 MiB each: the header is read within 16 MiB.
    let uploads = [
        ("anh.png", deep_png(2000, 2000)),
        ("profile.png", icc_bomb()),
    ];
    assert!(uploads[1].1.len() < 512 * 1024);
    let server = start_server("150").await;
    let token = technician_token(&server.base).await;
    // A fresh client: the image took a while to make, and a pooled connection left idle that
    // long has been closed by the server.
    let client = reqwest::Client::builder()
        // Tests read what the server sent, compressed or not (the mirror's client decompresses).
        .no_gzip()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let pid = server.child.id();
    let status = || std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    // Start the peak from here (the logins' password hashes peaked before).
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").unwrap();
    let before = kib(&status(), "VmRSS:");
    let requests = uploads.iter().flat_map(|(name, bytes)| {
        let body = multipart(&[file(name, None, bytes.clone())]);
        (0..6).map(move |_| (*name, body.clone()))
    });
    let sent = requests.map(|(name, body)| {
        let req = client
            .post(format!("{}/api/v1/media", server.base))
            .bearer_auth(&token)
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(body);
        async move { (name, req.send().await.unwrap()) }
    });
    for (name, r) in futures::future::join_all(sent).await {
        let status = r.status();
        let body: Value = r.json().await.unwrap();
        assert_eq!(status, 201, "{name}: {body}");
        assert_eq!(body["kind"], "image");
    }
    let peak = kib(&status(), "VmHWM:");
    let grown_mb = peak.saturating_sub(before) / 1024;
    eprintln!(
        "peak {} MiB, {grown_mb} MiB over {} MiB at rest",
        peak / 1024,
        before / 1024
    );
    // The documented ceiling: the decode memory, plus what receiving and storing takes.
    assert!(grown_mb < 150 + 100, "the server grew by {grown_mb} MiB");
}

async fn technician_token(base: &str) -> String {
    let client = reqwest::Client::new();
    let post = |path: &str, token: Option<&str>, body: Value| {
        let mut req = client.post(format!("{base}{path}")).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        async move { req.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let login = json!({"email": PRINCIPAL_EMAIL, "password": PRINCIPAL_PASSWORD});
    let principal = post("/api/v1/auth/login", None, login).await;
    let principal = principal["access_token"].as_str().unwrap();
    let tech = json!({"email": "kt@x.vn", "display_name": "Tổ kỹ thuật", "password": STAFF_PASSWORD, "role": "technician"});
    post("/api/v1/users", Some(principal), tech).await;
    let login = json!({"email": "kt@x.vn", "password": STAFF_PASSWORD});
    post("/api/v1/auth/login", None, login).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}
