//! Invariants under concurrent requests. SQLite runs one writer at a time; PostgreSQL runs
//! READ COMMITTED, where a read-then-write races: these tests matter most there (CI runs them
//! on both).

use serde_json::{Value, json};

use crate::helpers::*;

async fn racing_app() -> TestApp {
    spawn_app_with(&[("TTDT_WORKERS", "2"), ("TTDT_DB_POOL_SIZE", "8")]).await
}

/// Sends every request at once; returns the answers in order.
async fn all_at_once(app: &TestApp, path: &str, token: &str, bodies: Vec<Value>) -> Vec<Resp> {
    let requests = bodies
        .into_iter()
        .map(|body| app.post(path, Some(token), body));
    futures::future::join_all(requests).await
}

#[tokio::test]
async fn eight_articles_with_one_title_created_at_once_get_numbered_slugs() {
    let app = racing_app().await;
    let news = app.category("Tin tức", "news").await;
    let writer = app.staff("contributor").await;
    for round in 0..3 {
        let title = format!("Lễ khai giảng năm học {round}");
        let bodies = (0..8)
            .map(|_| json!({"title": title, "body": "<p>Nội dung.</p>", "category_id": news}))
            .collect();
        let answers = all_at_once(&app, "/api/v1/articles", &writer.token, bodies).await;
        let mut slugs: Vec<String> = answers
            .iter()
            .map(|r| {
                assert_eq!(r.status, 201, "round {round}: {}", r.text);
                r.body["slug"].as_str().unwrap().to_owned()
            })
            .collect();
        slugs.sort();
        let base = format!("le-khai-giang-nam-hoc-{round}");
        let mut expected: Vec<String> = std::iter::once(base.clone())
            .chain((2..=8).map(|n| format!("{base}-{n}")))
            .collect();
        expected.sort();
        assert_eq!(slugs, expected, "round {round}");
    }
}

#[tokio::test]
async fn one_email_registered_at_once_gives_one_account_and_email_taken() {
    let app = racing_app().await;
    let bodies = (0..6)
        .map(|i| {
            json!({"email": "trung@ths01muongmuon.edu.vn", "display_name": format!("Cán bộ {i}"),
                   "password": STAFF_PASSWORD, "role": "contributor"})
        })
        .collect();
    let answers = all_at_once(&app, "/api/v1/users", &app.principal_token, bodies).await;
    assert_eq!(answers.iter().filter(|r| r.status == 201).count(), 1);
    for r in answers.iter().filter(|r| r.status != 201) {
        r.problem(409, "email_taken");
    }
}

#[tokio::test]
async fn one_category_slug_or_department_name_at_once_gives_one_and_a_documented_409() {
    let app = racing_app().await;
    let chief = app.staff("editor_in_chief").await;
    let bodies = (0..6)
        .map(|i| json!({"name": format!("Thông báo {i}"), "slug": "thong-bao", "kind": "news"}))
        .collect();
    let answers = all_at_once(&app, "/api/v1/categories", &chief.token, bodies).await;
    assert_eq!(answers.iter().filter(|r| r.status == 201).count(), 1);
    for r in answers.iter().filter(|r| r.status != 201) {
        r.problem(409, "slug_taken");
    }
    let bodies = (0..6).map(|_| json!({"name": "Tổ chuyên môn 1"})).collect();
    let answers = all_at_once(&app, "/api/v1/departments", &app.principal_token, bodies).await;
    assert_eq!(answers.iter().filter(|r| r.status == 201).count(), 1);
    for r in answers.iter().filter(|r| r.status != 201) {
        r.problem(409, "name_taken");
    }
}

/// A category's kind changing to one articles are not filed under, while articles are being
/// filed under it: either the change is refused (409) or the articles are (422), never both
/// pass; on PostgreSQL that takes the category's kind lock.
#[tokio::test]
async fn articles_and_a_change_of_their_categorys_kind_at_once_never_both_pass() {
    let app = racing_app().await;
    let chief = app.staff("editor_in_chief").await;
    for round in 0..10 {
        let category = app.category(&format!("Tin tức {round}"), "news").await;
        let creates = (0..4).map(|i| {
            app.post(
                "/api/v1/articles",
                Some(&chief.token),
                json!({"title": format!("Bài {round}.{i}"), "category_id": category}),
            )
        });
        let path = format!("/api/v1/categories/{category}");
        let change = app.patch(
            &path,
            Some(&chief.token),
            json!({"kind": "legal_documents"}),
        );
        let (created, changed) =
            futures::future::join(futures::future::join_all(creates), change).await;
        let filed = created.iter().filter(|r| r.status == 201).count();
        for r in created.iter().filter(|r| r.status != 201) {
            assert_eq!(
                r.field_errors(),
                ["category_id:category_kind_mismatch"],
                "{}",
                r.text
            );
        }
        if changed.status == 200 {
            assert_eq!(
                filed, 0,
                "round {round}: the kind changed under {filed} articles"
            );
        } else {
            changed.problem(409, "category_in_use");
            assert_eq!(filed, 4, "round {round}");
        }
    }
}
