//! Migrations carry existing data forward: each one is run on a database that the previous
//! version wrote, on both backends.

use diesel::prelude::*;
use diesel_migrations::MigrationHarness;
use reqwest::Method;
use serde_json::json;
use ttdt::db::{DbConnection, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};

use crate::helpers::*;

/// Undoes migrations down to and including `version`, as if the database had been written
/// by the version before it.
fn revert_through(conn: &mut DbConnection, version: &str) {
    loop {
        let reverted = match conn {
            DbConnection::Postgres(c) => c.revert_last_migration(POSTGRES_MIGRATIONS),
            DbConnection::Sqlite(c) => c.revert_last_migration(SQLITE_MIGRATIONS),
        }
        .expect("revert a migration");
        if reverted.to_string().replace('-', "") == version.replace('-', "") {
            return;
        }
    }
}

#[tokio::test]
async fn public_slugs_are_found_again_in_data_written_before_they_were_recorded() {
    let app = spawn_app().await;
    let news = app.category("Tin tức", "news").await;
    let chief = app.staff("editor_in_chief").await;
    let d = app
        .create_article(&chief.token, &news, "Lịch thi học kỳ", json!({}))
        .await;
    app.publish_as(&chief.token, &d.id).await;
    for slug in ["lich-thi-hoc-ky-i", "lich-thi-hoc-ky-ii"] {
        // A published slug change, then one still on the working copy.
        let etag = app.etag_of(&chief.token, &d.id).await;
        let r = app
            .call_with(
                Method::PATCH,
                &format!("/api/v1/articles/{}", d.id),
                Some(&chief.token),
                Some(json!({ "slug": slug })),
                &[("If-Match", &etag)],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        if slug.ends_with("-i") {
            app.publish_as(&chief.token, &d.id).await;
        }
    }
    {
        let mut conn = app.pool.get().unwrap();
        revert_through(&mut conn, "2026-12-01-000004");
        ttdt::db::run_migrations(&mut conn).unwrap();
        use ttdt::db::schema::content_slugs::dsl as s;
        let public: Vec<(String, bool)> = s::content_slugs
            .filter(s::kind.eq("article"))
            .select((s::slug, s::public))
            .order(s::slug)
            .load(&mut *conn)
            .unwrap();
        assert_eq!(
            public,
            vec![
                ("lich-thi-hoc-ky".to_owned(), true),
                ("lich-thi-hoc-ky-i".to_owned(), true),
                ("lich-thi-hoc-ky-ii".to_owned(), false),
            ]
        );
    }
    let old = app.get("/api/v1/articles/lich-thi-hoc-ky", None).await;
    assert_eq!(old.status, 301);
    assert_eq!(
        old.header("location"),
        Some("/api/v1/articles/lich-thi-hoc-ky-i")
    );
    app.get("/api/v1/articles/lich-thi-hoc-ky-ii", None)
        .await
        .problem(404, "not_found");
}

/// What the public sees of a database: the list, each article, searches and a tag.
async fn public_view(app: &TestApp, slugs: &[String]) -> Vec<serde_json::Value> {
    let mut paths = vec![
        "/api/v1/articles?limit=100".to_owned(),
        "/api/v1/articles?q=ngoai%20khoa".to_owned(),
        "/api/v1/articles?q=38%2FQ%C4%90".to_owned(),
        "/api/v1/articles?tag=ngoai-khoa".to_owned(),
    ];
    paths.extend(slugs.iter().map(|s| format!("/api/v1/articles/{s}")));
    let mut view = Vec::new();
    for path in paths {
        let r = app.get(&path, None).await;
        view.push(json!({ "path": path, "status": r.status.as_u16(), "body": r.body }));
    }
    view
}

/// Articles at every status, written by the app; then the search words (000006) and the
/// public change feed (000007) undone and run again on that data, as on a database of the
/// version before them: the public sees the same, and the feed keeps its public entries.
#[tokio::test]
async fn search_words_and_the_public_feed_migrate_data_written_before_them() {
    let app = spawn_app().await;
    let news = app.category("Tin tức", "news").await;
    let chief = app.staff("editor_in_chief").await;
    let t = &chief.token;
    let mut slugs = Vec::new();
    let steps: [&[&str]; 7] = [
        &[],
        &["submit"],
        &["submit", "approve"],
        &["submit", "approve", "publish"],
        &["submit", "approve", "publish", "unpublish"],
        &["submit", "approve", "publish", "archive"],
        &["archive"],
    ];
    for (i, steps) in steps.iter().enumerate() {
        let d = app
            .create_article(
                t,
                &news,
                &format!("Hoạt động ngoại khoá số {i}"),
                json!({ "body": "<p>Theo 38/QĐ-THS1MM.</p>", "tags": ["Ngoại khoá"] }),
            )
            .await;
        for action in *steps {
            let etag = app.etag_of(t, &d.id).await;
            let r = app.step(t, &d.id, &etag, action, None).await;
            assert_eq!(r.status, 200, "{action}: {}", r.text);
        }
        slugs.push(d.slug);
    }
    let before = public_view(&app, &slugs).await;
    assert_eq!(before[0]["body"]["items"].as_array().unwrap().len(), 1);
    assert_eq!(before[2]["body"]["items"].as_array().unwrap().len(), 1);
    {
        let mut conn = app.pool.get().unwrap();
        revert_through(&mut conn, "2026-12-02-000006");
        ttdt::db::run_migrations(&mut conn).unwrap();
        let rebuilt = ttdt::services::public::reindex(&mut conn).unwrap();
        assert_eq!(rebuilt, 1, "the published article is indexed again");
        use ttdt::db::schema::change_feed::dsl as f;
        let feed: Vec<(String, Option<i32>)> = f::change_feed
            .select((f::action, f::revision))
            .order(f::seq)
            .load(&mut *conn)
            .unwrap();
        // Taken back to the old names and forward again: the public entries stay.
        let actions: Vec<&str> = feed.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(
            actions,
            [
                "published",
                "published",
                "unpublished",
                "published",
                "archived"
            ]
        );
    }
    assert_eq!(public_view(&app, &slugs).await, before);
}

/// What staff see of an article: the working copy, its revisions (each one), its history and
/// a diff.
async fn staff_view(app: &TestApp, token: &str, ids: &[String]) -> Vec<serde_json::Value> {
    let mut view = Vec::new();
    for id in ids {
        let mut paths = vec![
            format!("/api/v1/editorial/articles/{id}"),
            format!("/api/v1/articles/{id}/revisions"),
            format!("/api/v1/articles/{id}/history"),
            format!("/api/v1/articles/{id}/revisions/1"),
        ];
        let item = app.get(&paths[0], Some(token)).await;
        let revision = item.body["revision"].as_i64().unwrap();
        if revision > 1 {
            paths.push(format!("/api/v1/articles/{id}/revisions/{revision}"));
            paths.push(format!("/api/v1/articles/{id}/diff?from=1&to={revision}"));
        }
        for path in paths {
            let r = app.get(&path, Some(token)).await;
            view.push(json!({ "path": path, "status": r.status.as_u16(), "etag": r.header("etag"), "body": r.body }));
        }
    }
    view
}

/// Articles at every status, with revisions, a changed slug, tags, a cover and a scheduled
/// publication, in the article tables of the version before the editorial machine (000008
/// undone): moved forward, the public and the staff see exactly what they saw, and the
/// machine goes on from there (a new revision, a redirect from the old slug).
#[tokio::test]
async fn articles_move_onto_the_editorial_machine_unchanged() {
    let app = spawn_app().await;
    let news = app.category("Tin tức", "news").await;
    let chief = app.staff("editor_in_chief").await;
    let t = &chief.token;
    let steps: [&[&str]; 7] = [
        &[],
        &["submit"],
        &["submit", "approve"],
        &["submit", "approve", "publish"],
        &["submit", "approve", "publish", "unpublish"],
        &["submit", "approve", "publish", "archive"],
        &["submit", "request-changes"],
    ];
    let (mut ids, mut slugs) = (Vec::new(), Vec::new());
    for (i, steps) in steps.iter().enumerate() {
        let d = app
            .create_article(
                t,
                &news,
                &format!("Hoạt động ngoại khoá số {i}"),
                json!({ "summary": "Tóm tắt", "body": "<p>Theo 38/QĐ-THS1MM.</p>",
                        "tags": ["Ngoại khoá", "Khối 4"], "event_date": "2026-11-30" }),
            )
            .await;
        let etag = app.etag_of(t, &d.id).await;
        let r = app
            .call_with(
                Method::PATCH,
                &format!("/api/v1/articles/{}", d.id),
                Some(t),
                Some(json!({ "body": "<p>Theo 38/QĐ-THS1MM.</p><p>Thêm một đoạn.</p>" })),
                &[("If-Match", &etag)],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        for action in *steps {
            let etag = app.etag_of(t, &d.id).await;
            let comment = (*action == "request-changes").then(|| json!({ "comment": "Sửa lại" }));
            let r = app.step(t, &d.id, &etag, action, comment).await;
            assert_eq!(r.status, 200, "{action}: {}", r.text);
        }
        ids.push(d.id);
        slugs.push(d.slug);
    }
    // A published article whose slug changed and was published again; one scheduled.
    let etag = app.etag_of(t, &ids[3]).await;
    let r = app
        .call_with(
            Method::PATCH,
            &format!("/api/v1/articles/{}", ids[3]),
            Some(t),
            Some(json!({ "slug": "ngoai-khoa-moi", "title": "Ngoại khoá mới" })),
            &[("If-Match", &etag)],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    app.publish_as(t, &ids[3]).await;
    slugs.push("ngoai-khoa-moi".into());
    let etag = app.etag_of(t, &ids[2]).await;
    let at = (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339();
    let r = app
        .step(
            t,
            &ids[2],
            &etag,
            "publish",
            Some(json!({ "publish_at": at })),
        )
        .await;
    assert_eq!(r.body["status"], "scheduled", "{}", r.text);

    let public_before = public_view(&app, &slugs).await;
    let staff_before = staff_view(&app, t, &ids).await;
    assert_eq!(
        public_before[0]["body"]["items"].as_array().unwrap().len(),
        1
    );
    {
        let mut conn = app.pool.get().unwrap();
        revert_through(&mut conn, "2026-12-02-000008");
        // The data is in the article tables again, as the previous version kept it.
        let kept: i64 = diesel::sql_query("SELECT COUNT(*) AS n FROM articles")
            .get_result::<Count>(&mut *conn)
            .unwrap()
            .n;
        assert_eq!(kept, ids.len() as i64);
        ttdt::db::run_migrations(&mut conn).unwrap();
        assert_eq!(ttdt::services::public::reindex(&mut conn).unwrap(), 0);
    }
    assert_eq!(public_view(&app, &slugs).await, public_before);
    assert_eq!(staff_view(&app, t, &ids).await, staff_before);

    // The machine goes on from the migrated data.
    let old = app
        .get(&format!("/api/v1/articles/{}", slugs[3]), None)
        .await;
    assert_eq!(old.status, 301);
    let etag = app.etag_of(t, &ids[0]).await;
    let r = app
        .call_with(
            Method::PATCH,
            &format!("/api/v1/articles/{}", ids[0]),
            Some(t),
            Some(json!({ "title": "Tiêu đề mới" })),
            &[("If-Match", &etag)],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["revision"], 3);
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}
