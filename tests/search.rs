//! One search corpus, one list of queries: what each query must find, and (when the suite runs
//! on PostgreSQL) the same slugs in the same order on SQLite and PostgreSQL, for text typed by
//! every input method.

use serde_json::json;

use crate::helpers::*;

/// (title, summary, body, tags), published in this order (the last is the newest).
const CORPUS: &[(&str, &str, &str, &[&str])] = &[
    (
        "Phong trào đọc sách",
        "Cả trường hưởng ứng.",
        "<p>Thư viện mở cửa cả ngày thứ Bảy.</p>",
        &["Thư viện"],
    ),
    (
        "Quyết định thành lập Ban biên tập",
        "",
        "<p>Theo Quyết định số 38/QĐ-THS1MM của Hiệu trưởng.</p>",
        &[],
    ),
    (
        "Hướng dẫn đánh giá học sinh",
        "Theo Thông tư 28/2020/TT-BGDĐT.",
        "<p>Áp dụng từ năm học 2020–2021.</p>",
        &["Văn bản"],
    ),
    (
        "Quỹ khuyến học",
        "Mỗi em nhận 10.000 đồng tiền thưởng.",
        "<p>Liên hệ hieutruong@muongmuon.edu.vn hoặc 0215 3812 345.</p>",
        &[],
    ),
    (
        "Hoạt động ngoại khoá tuần 12",
        "Học sinh khối 4 tham quan vườn rau.",
        "<p>Buổi ngoại khoá ở Điện Biên.</p>",
        &["Ngoại khoá"],
    ),
    (
        "Tuần lễ an toàn giao thông",
        "",
        "<p>Môn Toán và môn Tiếng Việt học bù vào thứ Bảy.</p>",
        &[],
    ),
    (
        // Typed with decomposed marks: stored composed (NFC), found like any other text.
        "Tho\u{0302}ng ba\u{0301}o li\u{0323}ch nghi\u{0309}",
        "Nhà trường thông báo.",
        "<p>Học sinh được nghỉ; mời phụ huynh cùng con đọc sách ở nhà.</p>",
        &[],
    ),
];

/// (query, the slugs it must find, in order).
fn queries() -> Vec<(String, Vec<&'static str>)> {
    let reading = vec!["phong-trao-doc-sach", "thong-bao-lich-nghi"];
    let outing = vec!["hoat-dong-ngoai-khoa-tuan-12"];
    [
        // Title before body: the older article has the words in its title.
        ("đọc sách", reading.clone()),
        ("doc sach", reading.clone()),
        // Typed with separate marks (decomposed), as some input methods send it.
        ("đo\u{0323}c sa\u{0301}ch", reading),
        ("ngoa\u{0323}i kho\u{0061}\u{0301}", outing.clone()),
        ("NGOẠI KHOÁ", outing.clone()),
        // Windows-1258 style (a precomposed base letter, the tone as a combining mark).
        ("Điê\u{0323}n Biên", outing.clone()),
        // Ð (U+00D0) typed for Đ.
        ("Ðiện Biên", outing.clone()),
        ("dien bien", outing),
        // Codes, numbers, addresses.
        ("38/QĐ", vec!["quyet-dinh-thanh-lap-ban-bien-tap"]),
        ("qd-ths1mm", vec!["quyet-dinh-thanh-lap-ban-bien-tap"]),
        ("38/QĐ-THS1MM", vec!["quyet-dinh-thanh-lap-ban-bien-tap"]),
        ("28/2020/TT-BGDĐT", vec!["huong-dan-danh-gia-hoc-sinh"]),
        ("tt-bgddt", vec!["huong-dan-danh-gia-hoc-sinh"]),
        ("10.000", vec!["quy-khuyen-hoc"]),
        ("hieutruong@muongmuon", vec!["quy-khuyen-hoc"]),
        ("muongmuon.edu.vn", vec!["quy-khuyen-hoc"]),
        ("0215 3812", vec!["quy-khuyen-hoc"]),
        // Whole words: "an" is a word of one title, a piece of "Toán" and "ban".
        ("an toàn", vec!["tuan-le-an-toan-giao-thong"]),
        ("toán", vec!["tuan-le-an-toan-giao-thong"]),
        // Every word must match.
        ("thư viện thứ bảy", vec!["phong-trao-doc-sach"]),
        (
            "thứ bảy",
            vec!["tuan-le-an-toan-giao-thong", "phong-trao-doc-sach"],
        ),
        ("không có gì", vec![]),
        ("lịch nghỉ", vec!["thong-bao-lich-nghi"]),
    ]
    .into_iter()
    .map(|(q, found)| (q.to_owned(), found))
    .collect()
}

async fn publish_corpus(app: &TestApp) {
    let chief = app.staff("editor_in_chief").await;
    let category = app.category("Tin tức", "news").await;
    for (title, summary, body, tags) in CORPUS {
        let draft = app
            .create_article(
                &chief.token,
                &category,
                title,
                json!({ "summary": summary, "body": body, "tags": tags }),
            )
            .await;
        app.publish_as(&chief.token, &draft.id).await;
    }
}

async fn found(app: &TestApp, q: &str) -> (Vec<String>, Vec<String>) {
    let path = format!("/api/v1/articles?q={}", urlencoding(q));
    let r = app.get(&path, None).await;
    assert_eq!(r.status, 200, "{q}: {}", r.text);
    let items = r.body["items"].as_array().unwrap();
    let slugs = items
        .iter()
        .map(|i| i["slug"].as_str().unwrap().to_owned())
        .collect();
    let snippets = items
        .iter()
        .map(|i| i["snippet"].as_str().unwrap().to_owned())
        .collect();
    (slugs, snippets)
}

fn urlencoding(q: &str) -> String {
    url::form_urlencoded::byte_serialize(q.as_bytes()).collect()
}

#[tokio::test]
async fn one_corpus_finds_the_same_on_both_backends() {
    let app = spawn_app().await;
    publish_corpus(&app).await;
    // The same corpus on SQLite too when the suite runs on PostgreSQL.
    let sqlite = if app.db.is_postgres() {
        let other = spawn_app_on_sqlite().await;
        publish_corpus(&other).await;
        Some(other)
    } else {
        None
    };
    for (q, expected) in queries() {
        let (slugs, snippets) = found(&app, &q).await;
        assert_eq!(slugs, expected, "{q:?}");
        if let Some(sqlite) = &sqlite {
            let (on_sqlite, sqlite_snippets) = found(sqlite, &q).await;
            assert_eq!(on_sqlite, slugs, "{q:?}: SQLite and PostgreSQL differ");
            assert_eq!(sqlite_snippets, snippets, "{q:?}");
        }
    }

    // Snippets mark whole words, and an empty summary leaves no stray separator.
    let (_, snippets) = found(&app, "an").await;
    assert_eq!(
        snippets,
        [
            "Tuần lễ <mark>an</mark> toàn giao thông — Môn Toán và môn Tiếng Việt học bù vào thứ Bảy."
        ]
    );
    let (_, snippets) = found(&app, "38/QĐ").await;
    assert_eq!(
        snippets,
        [
            "Quyết định thành lập Ban biên tập — Theo Quyết định số <mark>38</mark>/<mark>QĐ</mark>-THS1MM của Hiệu trưởng."
        ]
    );
}

/// Rows indexed by older rules (as every row of a database from before these rules) are
/// rebuilt, and found again.
#[tokio::test]
async fn rows_indexed_by_older_rules_are_rebuilt() {
    use diesel::prelude::*;
    use ttdt::db::schema::public_items::dsl as p;
    let app = spawn_app().await;
    publish_corpus(&app).await;
    let mut conn = app.pool.get().unwrap();
    // Left by older rules: index text these rules do not find, no title words, version 0.
    diesel::update(p::public_items)
        .set((
            p::search_text.eq("x"),
            p::search_title.eq(""),
            p::search_version.eq(0),
        ))
        .execute(&mut *conn)
        .unwrap();
    assert!(found(&app, "qd-ths1mm").await.0.is_empty());
    let rebuilt = ttdt::services::public::reindex(&mut conn).unwrap();
    assert_eq!(rebuilt, CORPUS.len());
    assert_eq!(ttdt::services::public::reindex(&mut conn).unwrap(), 0);
    drop(conn);
    for (q, expected) in queries() {
        assert_eq!(found(&app, &q).await.0, expected, "{q:?}");
    }
}

/// `GET /api/v1/search`: every public kind at once (articles today), ranked like the per-kind
/// search, paged, public; bad queries are 400.
#[tokio::test]
async fn site_wide_search_finds_every_public_kind() {
    let app = spawn_app().await;
    publish_corpus(&app).await;
    let r = app
        .get("/api/v1/search?q=%C4%91%E1%BB%8Dc%20s%C3%A1ch", None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.header("cache-control"),
        Some("public, max-age=60, stale-while-revalidate=300")
    );
    let items = r.body["items"].as_array().unwrap();
    let slugs: Vec<&str> = items.iter().map(|i| i["slug"].as_str().unwrap()).collect();
    assert_eq!(slugs, ["phong-trao-doc-sach", "thong-bao-lich-nghi"]);
    assert_eq!(items[0]["kind"], "article");
    assert_eq!(items[0]["url"], "/api/v1/articles/phong-trao-doc-sach");
    assert_eq!(
        items[0]["snippet"],
        "Phong trào <mark>đọc</mark> <mark>sách</mark> — Cả trường hưởng ứng. — Thư viện mở cửa cả ngày thứ Bảy. — Thư viện"
    );
    // The same as the per-kind search, for every query of the corpus.
    for (q, expected) in queries() {
        let path = format!("/api/v1/search?q={}&kind=article", urlencoding(&q));
        let r = app.get(&path, None).await;
        let slugs: Vec<&str> = r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["slug"].as_str().unwrap())
            .collect();
        assert_eq!(slugs, expected, "{q:?}");
    }
    // Paged.
    let first = app.get("/api/v1/search?q=doc%20sach&limit=1", None).await;
    assert_eq!(first.body["items"][0]["slug"], "phong-trao-doc-sach");
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let second = app
        .get(
            &format!("/api/v1/search?q=doc%20sach&limit=1&cursor={cursor}"),
            None,
        )
        .await;
    assert_eq!(second.body["items"][0]["slug"], "thong-bao-lich-nghi");
    assert_eq!(second.body["next_cursor"], serde_json::Value::Null);
    // Bad queries.
    let long = "a".repeat(201);
    for path in [
        "/api/v1/search".to_owned(),
        "/api/v1/search?q=".to_owned(),
        "/api/v1/search?q=%20%20".to_owned(),
        format!("/api/v1/search?q={long}"),
        "/api/v1/search?q=a%00b".to_owned(),
        "/api/v1/search?q=sach&kind=poem".to_owned(),
    ] {
        app.get(&path, None).await.problem(400, "invalid_query");
    }
    app.get("/api/v1/search?q=sach&limit=0", None)
        .await
        .problem(400, "invalid_limit");
    app.get("/api/v1/search?q=sach&cursor=nonsense", None)
        .await
        .problem(400, "invalid_cursor");
}
