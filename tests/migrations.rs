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
        let public: Vec<(String, bool)> = ttdt::db::schema::article_slugs::table
            .select((
                ttdt::db::schema::article_slugs::slug,
                ttdt::db::schema::article_slugs::public,
            ))
            .order(ttdt::db::schema::article_slugs::slug)
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
