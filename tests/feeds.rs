//! Atom feeds and the sitemap, for the public site, readers and search engines: only published
//! items, linked on the public site, with ETags; the sitemap split past 50,000 URLs.

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

const SITE: &str = "https://ths1muongmuon.edu.vn";

async fn site_app() -> (TestApp, Staff) {
    let app = spawn_app_with(&[("TTDT_PUBLIC_BASE_URL", "https://ths1muongmuon.edu.vn/")]).await;
    let chief = app.staff("editor_in_chief").await;
    (app, chief)
}

fn feed(r: &Resp) -> atom_syndication::Feed {
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.header("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    r.text.parse().expect("an Atom feed")
}

#[tokio::test]
async fn atom_feeds_show_the_newest_published_items_linked_on_the_public_site() {
    let (app, chief) = site_app().await;
    let news = app.category("Tin tức", "news").await;
    let events = app.category("Hoạt động", "news").await;
    let mut published = Vec::new();
    for (title, category) in [
        ("Khai giảng năm học mới", &news),
        ("Hội khoẻ Phù Đổng", &events),
        ("Ngày hội đọc sách", &news),
    ] {
        let a = app
            .create_article(&chief.token, category, title, json!({}))
            .await;
        app.publish_as(&chief.token, &a.id).await;
        published.push(a);
    }
    app.create_article(&chief.token, &news, "Bản nháp chưa đăng", json!({}))
        .await;

    let r = app.get("/api/v1/feeds/articles.atom", None).await;
    let all = feed(&r);
    assert!(all.title().as_str().contains("Tin bài"));
    let titles: Vec<&str> = all.entries().iter().map(|e| e.title().as_str()).collect();
    assert_eq!(
        titles,
        [
            "Ngày hội đọc sách",
            "Hội khoẻ Phù Đổng",
            "Khai giảng năm học mới"
        ]
    );
    let newest = &all.entries()[0];
    assert_eq!(newest.id(), format!("urn:uuid:{}", published[2].id));
    assert_eq!(
        newest.links()[0].href(),
        format!("{SITE}/articles/{}", published[2].slug)
    );
    assert_eq!(
        newest.summary().unwrap().as_str(),
        "Tóm tắt: Ngày hội đọc sách"
    );
    assert!(
        all.links()
            .iter()
            .any(|l| l.rel() == "self" && l.href() == "/api/v1/feeds/articles.atom")
    );

    // One category, by slug or id; an unknown one is a 404.
    let r = app
        .get("/api/v1/feeds/articles.atom?category=hoat-dong", None)
        .await;
    let one = feed(&r);
    assert_eq!(one.entries().len(), 1);
    assert!(one.title().as_str().ends_with("Hoạt động"));
    let r = app
        .get(
            &format!("/api/v1/feeds/articles.atom?category={events}"),
            None,
        )
        .await;
    assert_eq!(feed(&r).entries().len(), 1);
    app.get("/api/v1/feeds/articles.atom?category=khong-co", None)
        .await
        .problem(404, "not_found");

    // Unchanged: 304 to the ETag; a new publication changes it.
    let etag = r.header("etag").unwrap().to_owned();
    let again = app
        .call_with(
            Method::GET,
            &format!("/api/v1/feeds/articles.atom?category={events}"),
            None,
            None,
            &[("If-None-Match", &etag)],
        )
        .await;
    assert_eq!(again.status, 304);
    let a = app
        .create_article(&chief.token, &events, "Trải nghiệm sáng tạo", json!({}))
        .await;
    app.publish_as(&chief.token, &a.id).await;
    let changed = app
        .call_with(
            Method::GET,
            &format!("/api/v1/feeds/articles.atom?category={events}"),
            None,
            None,
            &[("If-None-Match", &etag)],
        )
        .await;
    assert_eq!(feed(&changed).entries().len(), 2);

    // The register has its own feed; no document is published yet.
    let r = app.get("/api/v1/feeds/documents.atom", None).await;
    assert!(feed(&r).entries().is_empty());
}

#[tokio::test]
async fn the_sitemap_lists_every_public_item_and_becomes_an_index_past_50000() {
    let (app, chief) = site_app().await;
    let news = app.category("Tin tức", "news").await;
    let a = app
        .create_article(&chief.token, &news, "Khai giảng", json!({}))
        .await;
    app.publish_as(&chief.token, &a.id).await;
    app.create_article(&chief.token, &news, "Nháp", json!({}))
        .await;
    let r = app.get("/sitemap.xml", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type"),
        Some("application/xml; charset=utf-8")
    );
    assert!(
        r.text.starts_with("<?xml") && r.text.contains("<urlset"),
        "{}",
        r.text
    );
    assert_eq!(r.text.matches("<url>").count(), 1, "{}", r.text);
    assert!(
        r.text
            .contains(&format!("<loc>{SITE}/articles/{}</loc>", a.slug))
    );
    assert!(r.text.contains("<lastmod>20"));
    let etag = r.header("etag").unwrap().to_owned();
    let again = app
        .call_with(
            Method::GET,
            "/sitemap.xml",
            None,
            None,
            &[("If-None-Match", &etag)],
        )
        .await;
    assert_eq!(again.status, 304);

    // 50,000 more public items (written straight into the projection: the split is what is
    // tested here, not the write path).
    {
        use diesel::prelude::*;
        let mut conn = app.pool.get().unwrap();
        let author = &chief.id;
        diesel::sql_query(format!(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 49999) \
             INSERT INTO content_items (id, kind, slug, status, category_id, author_id, title, \
               revision, version, first_published_at, published_revision, created_at, \
               updated_at, fields) \
             SELECT 'bulk-' || i, 'link', 'lien-ket-' || i, 'published', '{news}', '{author}', \
               'Liên kết', 1, 1, '2026-12-01 08:00:00', 1, '2026-12-01 08:00:00', \
               '2026-12-01 08:00:00', '{{}}' \
             FROM n"
        ))
        .execute(&mut *conn)
        .unwrap();
        diesel::sql_query(format!(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 49999) \
             INSERT INTO public_items (item_id, kind, slug, category_id, published_at, updated_at, \
               revision, author_name, title, summary, search_title, search_version, card, detail, \
               search_text) \
             SELECT 'bulk-' || i, 'link', 'lien-ket-' || i, '{news}', '2026-12-01 08:00:00', \
               '2026-12-01 08:00:00', 1, 'Tổ kỹ thuật', 'Liên kết', '', '', 1, '{{}}', '{{}}', '' \
             FROM n"
        ))
        .execute(&mut *conn)
        .unwrap();
    }
    let r = app.get("/sitemap.xml", None).await;
    assert!(
        r.text.contains("<sitemapindex"),
        "{}",
        &r.text[..200.min(r.text.len())]
    );
    assert_eq!(r.text.matches("<sitemap>").count(), 2);
    assert!(r.text.contains(&format!("<loc>{SITE}/sitemap-1.xml</loc>")));
    assert!(r.text.contains(&format!("<loc>{SITE}/sitemap-2.xml</loc>")));
    let first = app.get("/sitemap-1.xml", None).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.text.matches("<url>").count(), 50_000);
    let second = app.get("/sitemap-2.xml", None).await;
    assert_eq!(second.text.matches("<url>").count(), 1);
    assert!(
        first.text.contains(&format!("{SITE}/articles/{}", a.slug))
            || second.text.contains(&format!("{SITE}/articles/{}", a.slug))
    );
    app.get("/sitemap-3.xml", None)
        .await
        .problem(404, "not_found");
    app.get("/sitemap-0.xml", None)
        .await
        .problem(404, "not_found");
}
