//! Compression for slow connections: br or gzip when the client asks, one ETag per
//! representation, 304 still works, media files never compressed.

use std::io::Read;

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;
use crate::media::{file, png, upload};

fn gunzip(bytes: &[u8]) -> String {
    let mut out = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut out)
        .expect("a gzip body");
    out
}

async fn raw(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = app.client.get(format!("{}{path}", app.address));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn answers_are_compressed_when_asked_with_an_etag_per_representation() {
    let app = spawn_app().await;
    let spec = "/api/v1/openapi.json";
    let plain = raw(&app, spec, &[]).await;
    assert!(plain.headers().get("content-encoding").is_none());
    let plain_etag = plain.headers()["etag"].to_str().unwrap().to_owned();
    let vary: Vec<String> = plain
        .headers()
        .get_all("vary")
        .iter()
        .map(|v| v.to_str().unwrap().to_ascii_lowercase())
        .collect();
    assert!(
        vary.iter().any(|v| v.contains("accept-encoding")),
        "{vary:?}"
    );
    let plain_body = plain.bytes().await.unwrap();

    let gz = raw(&app, spec, &[("Accept-Encoding", "gzip")]).await;
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    let gz_etag = gz.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(
        gz_etag,
        format!("{}-gzip\"", plain_etag.trim_end_matches('"'))
    );
    let gz_body = gz.bytes().await.unwrap();
    assert!(
        gz_body.len() * 5 < plain_body.len(),
        "{} → {}",
        plain_body.len(),
        gz_body.len()
    );
    assert_eq!(gunzip(&gz_body).as_bytes(), &plain_body[..]);

    let br = raw(&app, spec, &[("Accept-Encoding", "br")]).await;
    assert_eq!(br.headers()["content-encoding"], "br");
    assert!(br.headers()["etag"].to_str().unwrap().ends_with("-br\""));

    // Each representation revalidates with its own tag.
    let again = raw(
        &app,
        spec,
        &[("Accept-Encoding", "gzip"), ("If-None-Match", &gz_etag)],
    )
    .await;
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), gz_etag);
    let again = raw(&app, spec, &[("If-None-Match", &plain_etag)]).await;
    assert_eq!(again.status(), 304);

    // A list page too.
    let news = app.category("Tin tức", "news").await;
    let chief = app.staff("editor_in_chief").await;
    for i in 0..12 {
        let d = app
            .create_article(
                &chief.token,
                &news,
                &format!("Hoạt động ngoại khoá tuần {i}"),
                json!({}),
            )
            .await;
        app.publish_as(&chief.token, &d.id).await;
    }
    let list = raw(&app, "/api/v1/articles", &[("Accept-Encoding", "gzip")]).await;
    assert_eq!(list.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn a_write_accepts_the_etag_of_a_compressed_read() {
    let app = spawn_app().await;
    let news = app.category("Tin tức", "news").await;
    let writer = app.staff("contributor").await;
    let d = app
        .create_article(&writer.token, &news, "Lịch thi học kỳ", json!({}))
        .await;
    let path = format!("/api/v1/editorial/articles/{}", d.id);
    let r = app
        .call_with(
            Method::GET,
            &path,
            Some(&writer.token),
            None,
            &[("Accept-Encoding", "gzip")],
        )
        .await;
    let etag = r.header("etag").unwrap().to_owned();
    assert_eq!(etag, "\"v1-gzip\"");
    let r = app
        .call_with(
            Method::PATCH,
            &format!("/api/v1/articles/{}", d.id),
            Some(&writer.token),
            Some(json!({"title": "Lịch thi học kỳ I"})),
            &[("If-Match", &etag)],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn media_files_are_never_compressed() {
    let app = spawn_app().await;
    let writer = app.staff("contributor").await;
    let text = "Danh sách học sinh lớp 3A, lặp lại. ".repeat(500);
    for (name, bytes) in [("ds.txt", text.into_bytes()), ("anh.png", png(200, 100))] {
        let r = upload(&app, Some(&writer.token), &[file(name, None, bytes)]).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let id = r.body["id"].as_str().unwrap();
        let token = format!("Bearer {}", writer.token);
        let res = raw(
            &app,
            &format!("/api/v1/media/{id}/file"),
            &[("Accept-Encoding", "gzip, br"), ("Authorization", &token)],
        )
        .await;
        assert_eq!(res.status(), 200);
        assert!(res.headers().get("content-encoding").is_none(), "{name}");
        assert_eq!(
            res.headers()["etag"].to_str().unwrap(),
            format!("\"{}\"", r.body["sha256"].as_str().unwrap())
        );
    }
}
