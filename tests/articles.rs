//! Articles and the editorial workflow, over HTTP, as the board uses them.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::*;

/// A school with a board: a news category, a board member reviewing it, the chief, a deputy
/// (not delegated), and a contributor.
struct Board {
    app: TestApp,
    news: String,
    chief: Staff,
    deputy: Staff,
    member: Staff,
    writer: Staff,
}

async fn board() -> Board {
    board_with(&[]).await
}

async fn board_with(vars: &[(&str, &str)]) -> Board {
    let app = spawn_app_with(vars).await;
    let chief = app.staff("editor_in_chief").await;
    let r = app
        .post(
            "/api/v1/categories",
            Some(&chief.token),
            json!({"name": "Tin tức", "kind": "news"}),
        )
        .await;
    let news = r.body["id"].as_str().unwrap().to_owned();
    let deputy = app.staff("deputy_editor").await;
    let member = app
        .staff_with("board_member", json!({"category_ids": [news]}))
        .await;
    let writer = app.staff("contributor").await;
    Board {
        app,
        news,
        chief,
        deputy,
        member,
        writer,
    }
}

fn titles(list: &Resp) -> Vec<String> {
    list.body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a list: {}", list.text))
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_story_from_draft_to_published() {
    let b = board().await;
    let app = &b.app;
    let d = app
        .create_article(
            &b.writer.token,
            &b.news,
            "Hoạt động ngoại khoá tuần 12",
            json!({"tags": ["Ngoại khoá", "Tuần 12"]}),
        )
        .await;
    assert_eq!(d.slug, "hoat-dong-ngoai-khoa-tuan-12");
    app.get(&format!("/api/v1/articles/{}", d.id), None)
        .await
        .problem(404, "not_found");

    let r = app
        .step(&b.writer.token, &d.id, &d.etag, "submit", None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "submitted");
    let etag = r.header("etag").unwrap().to_owned();

    let r = app
        .step(
            &b.member.token,
            &d.id,
            &etag,
            "approve",
            Some(json!({"comment": "Tốt"})),
        )
        .await;
    assert_eq!(r.body["status"], "approved", "{}", r.text);
    let etag = r.header("etag").unwrap().to_owned();

    // The deputy publishes only by the chief's delegation (Điều 5.2).
    app.step(&b.deputy.token, &d.id, &etag, "publish", None)
        .await
        .problem(403, "forbidden");
    let r = app
        .step(&b.chief.token, &d.id, &etag, "publish", None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "published");
    assert_eq!(r.body["live"], true);
    assert_eq!(r.body["published_revision"], 1);

    let public = app.get(&format!("/api/v1/articles/{}", d.slug), None).await;
    assert_eq!(public.status, 200, "{}", public.text);
    assert_eq!(public.body["title"], "Hoạt động ngoại khoá tuần 12");
    assert_eq!(public.body["author_name"], "Cán bộ contributor");
    assert_eq!(public.body["tags"], json!(["Ngoại khoá", "Tuần 12"]));
    assert!(
        public.body.get("status").is_none(),
        "the public sees no workflow fields"
    );
    assert_eq!(
        app.get(&format!("/api/v1/articles/{}", d.id), None)
            .await
            .body,
        public.body
    );
    assert_eq!(
        titles(&app.get("/api/v1/articles", None).await),
        vec!["Hoạt động ngoại khoá tuần 12"]
    );
    assert_eq!(
        titles(&app.get("/api/v1/articles?tag=ngoai-khoa", None).await).len(),
        1
    );

    let history = app
        .get(
            &format!("/api/v1/articles/{}/history", d.id),
            Some(&b.chief.token),
        )
        .await;
    let steps: Vec<(String, String, String)> = history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["action"].as_str().unwrap().to_owned(),
                s["actor_role"].as_str().unwrap().to_owned(),
                s["comment"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        vec![
            ("submit".to_owned(), "contributor".to_owned(), String::new()),
            (
                "approve".to_owned(),
                "board_member".to_owned(),
                "Tốt".to_owned()
            ),
            (
                "publish".to_owned(),
                "editor_in_chief".to_owned(),
                String::new()
            ),
        ]
    );
    for action in [
        "article.create",
        "article.submit",
        "article.approve",
        "article.publish",
    ] {
        assert_eq!(app.count_audit(action, &d.id), 1, "{action}");
    }
}

#[tokio::test]
async fn a_delegated_deputy_publishes() {
    let b = board().await;
    let app = &b.app;
    let r = app
        .put(
            &format!("/api/v1/users/{}/publishing-delegation", b.deputy.id),
            Some(&b.chief.token),
            json!({"delegated": true}),
        )
        .await;
    assert_eq!(r.status, 200);
    let deputy = app.login_ok(&b.deputy.email, &b.deputy.password).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let d = app
        .create_article(&b.writer.token, &b.news, "Họp phụ huynh", json!({}))
        .await;
    for action in ["submit", "approve", "publish"] {
        let etag = app.etag_of(&deputy, &d.id).await;
        let r = app.step(&deputy, &d.id, &etag, action, None).await;
        assert_eq!(r.status, 200, "{action}: {}", r.text);
    }
    assert_eq!(
        app.get(&format!("/api/v1/articles/{}", d.id), None)
            .await
            .status,
        200
    );
}

/// The state an article must be in for an operation to be possible at all.
async fn prepared(b: &Board, state: &str) -> Draft {
    let app = &b.app;
    let d = app
        .create_article(&b.writer.token, &b.news, &format!("Bài {state}"), json!({}))
        .await;
    let path: &[&str] = match state {
        "draft" => &[],
        "submitted" => &["submit"],
        "approved" => &["submit", "approve"],
        "published" => &["submit", "approve", "publish"],
        _ => unreachable!(),
    };
    for action in path {
        let etag = app.etag_of(&b.chief.token, &d.id).await;
        assert_eq!(
            app.step(&b.chief.token, &d.id, &etag, action, None)
                .await
                .status,
            200
        );
    }
    let etag = app.etag_of(&b.chief.token, &d.id).await;
    Draft { etag, ..d }
}

#[tokio::test]
async fn permission_table_for_every_article_operation_and_role() {
    let b = board().await;
    let app = &b.app;
    let principal = app.principal_token.clone();
    let other_writer = app.staff("contributor").await;
    let technician = app.staff("technician").await;
    let dept = app.staff("department_staff").await;
    let callers: Vec<(&str, Option<String>)> = vec![
        ("principal", Some(principal)),
        ("editor_in_chief", Some(b.chief.token.clone())),
        ("deputy_editor", Some(b.deputy.token.clone())),
        ("board_member", Some(b.member.token.clone())),
        ("author", Some(b.writer.token.clone())),
        ("other_contributor", Some(other_writer.token.clone())),
        ("technician", Some(technician.token.clone())),
        ("department_staff", Some(dept.token.clone())),
        ("anonymous", None),
    ];
    // Expected status per caller, in the order above.
    let table: Vec<(&str, [u16; 9])> = vec![
        ("create", [403, 201, 201, 201, 201, 201, 403, 403, 401]),
        (
            "editorial_list",
            [200, 200, 200, 200, 200, 200, 403, 403, 401],
        ),
        ("read", [200, 200, 200, 200, 200, 404, 404, 404, 401]),
        ("revisions", [200, 200, 200, 200, 200, 404, 404, 404, 401]),
        ("edit", [403, 200, 200, 200, 200, 404, 404, 404, 401]),
        ("submit", [403, 200, 200, 200, 200, 404, 404, 404, 401]),
        ("approve", [403, 200, 200, 200, 403, 404, 404, 404, 401]),
        (
            "request-changes",
            [403, 200, 200, 200, 403, 404, 404, 404, 401],
        ),
        ("reject", [403, 200, 200, 200, 403, 404, 404, 404, 401]),
        ("publish", [403, 200, 403, 403, 403, 404, 404, 404, 401]),
        ("unpublish", [403, 200, 403, 403, 403, 404, 404, 404, 401]),
        ("archive", [403, 200, 403, 403, 403, 404, 404, 404, 401]),
    ];
    let mut failures = Vec::new();
    for (operation, expected) in &table {
        for ((who, token), want) in callers.iter().zip(expected) {
            let t = token.as_deref();
            let got = match *operation {
                "create" => {
                    app.post(
                        "/api/v1/articles",
                        t,
                        json!({"title": "Mới", "category_id": b.news}),
                    )
                    .await
                    .status
                }
                "editorial_list" => app.get("/api/v1/editorial/articles", t).await.status,
                "read" | "revisions" | "edit" | "submit" => {
                    let d = prepared(&b, "draft").await;
                    match *operation {
                        "read" => {
                            app.get(&format!("/api/v1/editorial/articles/{}", d.id), t)
                                .await
                                .status
                        }
                        "revisions" => {
                            app.get(&format!("/api/v1/articles/{}/revisions", d.id), t)
                                .await
                                .status
                        }
                        "edit" => {
                            app.call_with(
                                Method::PATCH,
                                &format!("/api/v1/articles/{}", d.id),
                                t,
                                Some(json!({"title": "Sửa"})),
                                &[("If-Match", &d.etag)],
                            )
                            .await
                            .status
                        }
                        _ => {
                            app.call_with(
                                Method::POST,
                                &format!("/api/v1/articles/{}/submit", d.id),
                                t,
                                None,
                                &[("If-Match", &d.etag)],
                            )
                            .await
                            .status
                        }
                    }
                }
                action => {
                    let state = match action {
                        "approve" | "request-changes" | "reject" => "submitted",
                        "publish" => "approved",
                        _ => "published",
                    };
                    let d = prepared(&b, state).await;
                    app.call_with(
                        Method::POST,
                        &format!("/api/v1/articles/{}/{action}", d.id),
                        t,
                        Some(json!({"comment": "Lý do"})),
                        &[("If-Match", &d.etag)],
                    )
                    .await
                    .status
                }
            };
            if got.as_u16() != *want {
                failures.push(format!("{operation} by {who}: expected {want}, got {got}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn a_board_member_never_approves_their_own_article() {
    let b = board().await;
    let app = &b.app;
    let d = app
        .create_article(&b.member.token, &b.news, "Bài của thành viên", json!({}))
        .await;
    let r = app
        .step(&b.member.token, &d.id, &d.etag, "submit", None)
        .await;
    let etag = r.header("etag").unwrap().to_owned();
    app.step(&b.member.token, &d.id, &etag, "approve", None)
        .await
        .problem(403, "forbidden");
    // Nor anything outside their categories.
    let other = app.category("Thông báo", "activities").await;
    let d2 = app
        .create_article(&b.writer.token, &other, "Ngoài lĩnh vực", json!({}))
        .await;
    let r = app
        .step(&b.writer.token, &d2.id, &d2.etag, "submit", None)
        .await;
    let etag = r.header("etag").unwrap().to_owned();
    app.step(&b.member.token, &d2.id, &etag, "approve", None)
        .await
        .problem(404, "not_found");
}

#[tokio::test]
async fn the_public_never_sees_unpublished_articles() {
    let b = board().await;
    let app = &b.app;
    let chief = &b.chief.token;
    let tags = json!({"tags": ["Bí mật"]});
    // One article in each hidden state, and one published control; all share a search word.
    let draft = app
        .create_article(&b.writer.token, &b.news, "Nháp kiemtra", tags.clone())
        .await;
    let submitted = app
        .create_article(&b.writer.token, &b.news, "Chờ duyệt kiemtra", tags.clone())
        .await;
    app.step(
        &b.writer.token,
        &submitted.id,
        &submitted.etag,
        "submit",
        None,
    )
    .await;
    let rejected = app
        .create_article(&b.writer.token, &b.news, "Bị từ chối kiemtra", tags.clone())
        .await;
    let r = app
        .step(
            &b.writer.token,
            &rejected.id,
            &rejected.etag,
            "submit",
            None,
        )
        .await;
    let r = app
        .step(
            chief,
            &rejected.id,
            r.header("etag").unwrap(),
            "reject",
            Some(json!({"comment": "Không phù hợp"})),
        )
        .await;
    assert_eq!(r.body["status"], "draft");
    let scheduled = app
        .create_article(&b.writer.token, &b.news, "Hẹn giờ kiemtra", tags.clone())
        .await;
    let later = chrono::Utc::now() + chrono::Duration::days(3);
    let r = app.schedule_as(chief, &scheduled.id, later).await;
    assert_eq!(r.body["status"], "scheduled", "{}", r.text);
    let archived = app
        .create_article(&b.writer.token, &b.news, "Lưu trữ kiemtra", tags.clone())
        .await;
    app.publish_as(chief, &archived.id).await;
    let etag = app.etag_of(chief, &archived.id).await;
    assert_eq!(
        app.step(chief, &archived.id, &etag, "archive", None)
            .await
            .status,
        200
    );
    let published = app
        .create_article(&b.writer.token, &b.news, "Công khai kiemtra", tags.clone())
        .await;
    app.publish_as(chief, &published.id).await;

    for hidden in [&draft, &submitted, &rejected, &scheduled, &archived] {
        for key in [&hidden.id, &hidden.slug] {
            app.get(&format!("/api/v1/articles/{key}"), None)
                .await
                .problem(404, "not_found");
            // A staff token does not open the public endpoint either.
            app.get(&format!("/api/v1/articles/{key}"), Some(chief))
                .await
                .problem(404, "not_found");
        }
    }
    let today = chrono::Utc::now().date_naive();
    let queries = [
        "/api/v1/articles".to_string(),
        "/api/v1/articles?limit=100".to_string(),
        format!("/api/v1/articles?category={}", b.news),
        "/api/v1/articles?category=tin-tuc".to_string(),
        "/api/v1/articles?tag=bi-mat".to_string(),
        "/api/v1/articles?tag=Bí mật".to_string(),
        format!(
            "/api/v1/articles?from={}&to={}",
            today.pred_opt().unwrap(),
            today.succ_opt().unwrap()
        ),
        "/api/v1/articles?q=kiemtra".to_string(),
        "/api/v1/articles?q=kiemtra&category=tin-tuc".to_string(),
        "/api/v1/articles?status=draft".to_string(),
        "/api/v1/articles?q=kiemtra&q=nhap".to_string(),
        format!("/api/v1/articles?category={}&category={}", b.news, b.news),
    ];
    for q in &queries {
        for token in [None, Some(chief.as_str())] {
            let r = app.get(q, token).await;
            if r.status == 200 {
                assert_eq!(titles(&r), vec!["Công khai kiemtra"], "{q}");
            } else {
                r.problem(400, "invalid_query");
            }
        }
    }
}

#[tokio::test]
async fn another_contributors_draft_is_a_404_like_a_missing_one() {
    let b = board().await;
    let app = &b.app;
    let other = app.staff("contributor").await;
    let d = app
        .create_article(&b.writer.token, &b.news, "Của A", json!({}))
        .await;
    let missing = "01900000-0000-7000-8000-000000000000";
    for (method, suffix, body) in [
        (Method::GET, "", None),
        (Method::PATCH, "", Some(json!({"title": "Của B"}))),
        (Method::POST, "/submit", None),
        (Method::GET, "/revisions", None),
        (Method::GET, "/history", None),
        (Method::GET, "/revisions/1", None),
        (Method::GET, "/diff?from=1&to=1", None),
    ] {
        let prefix = if suffix.is_empty() && method == Method::GET {
            "/api/v1/editorial/articles"
        } else {
            "/api/v1/articles"
        };
        let theirs = app
            .call_with(
                method.clone(),
                &format!("{prefix}/{}{suffix}", d.id),
                Some(&other.token),
                body.clone(),
                &[("If-Match", &d.etag)],
            )
            .await;
        let absent = app
            .call_with(
                method.clone(),
                &format!("{prefix}/{missing}{suffix}"),
                Some(&other.token),
                body.clone(),
                &[("If-Match", &d.etag)],
            )
            .await;
        theirs.problem(404, "not_found");
        assert_eq!(theirs.text, absent.text, "{method} {suffix}");
    }
    let mine = app
        .get(
            &format!("/api/v1/editorial/articles/{}", d.id),
            Some(&b.writer.token),
        )
        .await;
    assert_eq!(mine.body["title"], "Của A");
    assert_eq!(mine.body["revision"], 1);
}

#[tokio::test]
async fn a_body_cannot_set_status_author_publication_or_id() {
    let b = board().await;
    let app = &b.app;
    for (field, value) in [
        ("status", json!("published")),
        ("author_id", json!(b.chief.id)),
        ("published_at", json!("2026-01-01T00:00:00Z")),
        ("id", json!("my-id")),
        ("revision", json!(9)),
    ] {
        let mut body = json!({"title": "Thử", "category_id": b.news});
        body[field] = value.clone();
        let r = app
            .post("/api/v1/articles", Some(&b.writer.token), body)
            .await;
        r.problem(400, "malformed_json");
        let d = app
            .create_article(&b.writer.token, &b.news, &format!("Thử {field}"), json!({}))
            .await;
        let r = app
            .call_with(
                Method::PATCH,
                &format!("/api/v1/articles/{}", d.id),
                Some(&b.writer.token),
                Some(json!({field: value})),
                &[("If-Match", &d.etag)],
            )
            .await;
        r.problem(400, "malformed_json");
        let after = app
            .get(
                &format!("/api/v1/editorial/articles/{}", d.id),
                Some(&b.writer.token),
            )
            .await;
        assert_eq!(after.body["status"], "draft");
        assert_eq!(after.body["author_id"], json!(b.writer.id));
        assert_eq!(
            after.header("etag"),
            Some(d.etag.as_str()),
            "nothing changed"
        );
    }
    let mine = app
        .get(
            "/api/v1/editorial/articles?mine=true&limit=100",
            Some(&b.writer.token),
        )
        .await;
    assert_eq!(
        mine.body["items"].as_array().unwrap().len(),
        5,
        "only the five valid drafts"
    );
}

#[tokio::test]
async fn two_editors_saving_the_same_version_one_wins_the_other_gets_412() {
    let b = board().await;
    let app = &b.app;
    let d = app
        .create_article(&b.writer.token, &b.news, "Bản gốc", json!({}))
        .await;
    let path = format!("/api/v1/articles/{}", d.id);
    let first = app
        .call_with(
            Method::PATCH,
            &path,
            Some(&b.chief.token),
            Some(json!({"title": "Sửa của trưởng ban"})),
            &[("If-Match", &d.etag)],
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    let second = app
        .call_with(
            Method::PATCH,
            &path,
            Some(&b.deputy.token),
            Some(json!({"summary": "Sửa của phó ban"})),
            &[("If-Match", &d.etag)],
        )
        .await;
    second.problem(412, "precondition_failed");
    app.call(
        Method::PATCH,
        &path,
        Some(&b.deputy.token),
        Some(json!({"summary": "x"})),
    )
    .await
    .problem(428, "precondition_required");
    // The loser reloads and applies the change again: nothing is lost.
    let etag = app.etag_of(&b.deputy.token, &d.id).await;
    let again = app
        .call_with(
            Method::PATCH,
            &path,
            Some(&b.deputy.token),
            Some(json!({"summary": "Sửa của phó ban"})),
            &[("If-Match", &etag)],
        )
        .await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body["title"], "Sửa của trưởng ban");
    assert_eq!(again.body["summary"], "Sửa của phó ban");
    assert_eq!(again.body["revision"], 3);
    // Transitions need the current version too.
    app.step(&b.writer.token, &d.id, &d.etag, "submit", None)
        .await
        .problem(412, "precondition_failed");
}

#[tokio::test]
async fn editing_a_published_article_keeps_the_published_revision_public() {
    let b = board().await;
    let app = &b.app;
    let d = app
        .create_article(&b.writer.token, &b.news, "Lịch thi học kỳ", json!({}))
        .await;
    app.publish_as(&b.chief.token, &d.id).await;
    let etag = app.etag_of(&b.chief.token, &d.id).await;
    let r = app
        .call_with(
            Method::PATCH,
            &format!("/api/v1/articles/{}", d.id),
            Some(&b.chief.token),
            Some(json!({"title": "Lịch thi học kỳ (đã sửa)", "slug": "lich-thi-hoc-ky-i"})),
            &[("If-Match", &etag)],
        )
        .await;
    assert_eq!(r.body["status"], "draft", "an edit goes back to review");
    assert_eq!(r.body["live"], true);
    let public = app.get(&format!("/api/v1/articles/{}", d.id), None).await;
    assert_eq!(public.body["title"], "Lịch thi học kỳ");
    assert_eq!(public.body["slug"], "lich-thi-hoc-ky");
    // The new slug is the working copy's: the public has never seen it.
    app.get("/api/v1/articles/lich-thi-hoc-ky-i", None)
        .await
        .problem(404, "not_found");

    app.publish_as(&b.chief.token, &d.id).await;
    assert_eq!(
        app.get("/api/v1/articles/lich-thi-hoc-ky-i", None)
            .await
            .status,
        200
    );
    let public = app.get(&format!("/api/v1/articles/{}", d.id), None).await;
    assert_eq!(public.body["title"], "Lịch thi học kỳ (đã sửa)");
    // The old slug keeps answering, with a redirect to the new one.
    let old = app.get("/api/v1/articles/lich-thi-hoc-ky", None).await;
    assert_eq!(old.status, 301);
    assert_eq!(
        old.header("location"),
        Some("/api/v1/articles/lich-thi-hoc-ky-i")
    );
    let staff_old = app
        .get(
            "/api/v1/editorial/articles/lich-thi-hoc-ky",
            Some(&b.chief.token),
        )
        .await;
    assert_eq!(staff_old.status, 301);
}

#[tokio::test]
async fn revisions_list_diff_and_restore() {
    let b = board().await;
    let app = &b.app;
    let d = app
        .create_article(
            &b.writer.token,
            &b.news,
            "Bản 1",
            json!({"body": "<p>Dòng một</p><p>Dòng hai</p>"}),
        )
        .await;
    let path = format!("/api/v1/articles/{}", d.id);
    let r = app
        .call_with(Method::PATCH, &path, Some(&b.writer.token),
            Some(json!({"title": "Bản 2", "body": "<p>Dòng một</p><p>Dòng ba</p>", "note": "sửa dòng hai"})), &[("If-Match", &d.etag)])
        .await;
    assert_eq!(r.body["revision"], 2);
    let etag = r.header("etag").unwrap().to_owned();

    let list = app
        .get(&format!("{path}/revisions"), Some(&b.writer.token))
        .await;
    let numbers: Vec<i64> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["number"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, vec![2, 1]);
    assert_eq!(list.body["items"][0]["note"], "sửa dòng hai");
    assert_eq!(list.body["items"][0]["editor_id"], json!(b.writer.id));

    let diff = app
        .get(&format!("{path}/diff?from=1&to=2"), Some(&b.writer.token))
        .await;
    assert_eq!(
        diff.body["changes"],
        json!([{"field": "title", "from": "Bản 1", "to": "Bản 2"}])
    );
    let body_diff = diff.body["body_diff"].as_str().unwrap();
    assert!(
        body_diff.contains("-<p>Dòng hai</p>") && body_diff.contains("+<p>Dòng ba</p>"),
        "{body_diff}"
    );

    let restored = app
        .call_with(
            Method::POST,
            &format!("{path}/revisions/1/restore"),
            Some(&b.writer.token),
            None,
            &[("If-Match", &etag)],
        )
        .await;
    assert_eq!(restored.status, 200, "{}", restored.text);
    assert_eq!(restored.body["revision"], 3);
    assert_eq!(restored.body["title"], "Bản 1");
    assert_eq!(restored.body["body"], "<p>Dòng một</p><p>Dòng hai</p>");
    app.get(&format!("{path}/revisions/9"), Some(&b.writer.token))
        .await
        .problem(404, "not_found");
    assert_eq!(app.count_audit("article.restore", &d.id), 1);
}

#[tokio::test]
async fn review_steps_need_a_comment_and_a_possible_transition() {
    let b = board().await;
    let app = &b.app;
    let d = app
        .create_article(&b.writer.token, &b.news, "Cần sửa", json!({}))
        .await;
    app.step(&b.chief.token, &d.id, &d.etag, "approve", None)
        .await
        .problem(409, "invalid_transition");
    app.step(&b.chief.token, &d.id, &d.etag, "publish", None)
        .await
        .problem(409, "invalid_transition");
    let r = app
        .step(&b.writer.token, &d.id, &d.etag, "submit", None)
        .await;
    let etag = r.header("etag").unwrap().to_owned();
    let r = app
        .step(&b.member.token, &d.id, &etag, "request-changes", None)
        .await;
    r.problem(422, "validation_failed");
    assert_eq!(r.field_errors(), vec!["comment:required"]);
    let r = app
        .step(
            &b.member.token,
            &d.id,
            &etag,
            "request-changes",
            Some(json!({"comment": "Thêm ảnh minh hoạ"})),
        )
        .await;
    assert_eq!(r.body["status"], "changes_requested");
    // The author edits and resubmits.
    let etag = r.header("etag").unwrap().to_owned();
    let r = app
        .call_with(
            Method::PATCH,
            &format!("/api/v1/articles/{}", d.id),
            Some(&b.writer.token),
            Some(json!({"summary": "Có ảnh"})),
            &[("If-Match", &etag)],
        )
        .await;
    assert_eq!(r.status, 200);
    let r = app
        .step(
            &b.writer.token,
            &d.id,
            r.header("etag").unwrap(),
            "submit",
            None,
        )
        .await;
    assert_eq!(r.body["status"], "submitted");
    app.step(
        &b.writer.token,
        &d.id,
        r.header("etag").unwrap(),
        "submit",
        Some(json!({"publish_at": "2030-01-01T00:00:00Z"})),
    )
    .await
    .problem(422, "validation_failed");
}

#[tokio::test]
async fn staff_lists_filter_by_status_mine_and_awaiting_my_review() {
    let b = board().await;
    let app = &b.app;
    let other_cat = app.category("Thông báo", "activities").await;
    let a = app
        .create_article(&b.writer.token, &b.news, "Tin A", json!({}))
        .await;
    app.step(&b.writer.token, &a.id, &a.etag, "submit", None)
        .await;
    let c = app
        .create_article(&b.writer.token, &other_cat, "Thông báo C", json!({}))
        .await;
    app.step(&b.writer.token, &c.id, &c.etag, "submit", None)
        .await;
    let own = app
        .create_article(&b.member.token, &b.news, "Của thành viên", json!({}))
        .await;
    app.step(&b.member.token, &own.id, &own.etag, "submit", None)
        .await;
    app.create_article(&b.writer.token, &b.news, "Nháp D", json!({}))
        .await;

    let waiting = app
        .get(
            "/api/v1/editorial/articles?awaiting_review=true",
            Some(&b.member.token),
        )
        .await;
    assert_eq!(titles(&waiting), vec!["Tin A"]);
    let chief_waiting = app
        .get(
            "/api/v1/editorial/articles?awaiting_review=true",
            Some(&b.chief.token),
        )
        .await;
    assert_eq!(titles(&chief_waiting).len(), 3);
    let mine = app
        .get(
            "/api/v1/editorial/articles?mine=true",
            Some(&b.member.token),
        )
        .await;
    assert_eq!(titles(&mine), vec!["Của thành viên"]);
    let drafts = app
        .get(
            "/api/v1/editorial/articles?status=draft",
            Some(&b.writer.token),
        )
        .await;
    assert_eq!(titles(&drafts), vec!["Nháp D"]);
    // A board member sees their categories and their own work, not other categories.
    let visible = titles(
        &app.get("/api/v1/editorial/articles", Some(&b.member.token))
            .await,
    );
    assert!(!visible.contains(&"Thông báo C".to_owned()), "{visible:?}");
    app.get(
        "/api/v1/editorial/articles?status=gone",
        Some(&b.chief.token),
    )
    .await
    .problem(400, "invalid_query");
}

#[tokio::test]
async fn text_is_nfc_and_slugs_fold_vietnamese_and_stay_unique() {
    let b = board().await;
    let app = &b.app;
    let nfd = "Hoa\u{0323}t \u{0111}o\u{0302}\u{0323}ng ngoa\u{0323}i kho\u{0301}a";
    let d = app
        .create_article(&b.writer.token, &b.news, nfd, json!({}))
        .await;
    let r = app
        .get(
            &format!("/api/v1/editorial/articles/{}", d.id),
            Some(&b.writer.token),
        )
        .await;
    assert_eq!(r.body["title"], "Hoạt động ngoại khóa");
    assert_eq!(d.slug, "hoat-dong-ngoai-khoa");
    let again = app
        .create_article(&b.writer.token, &b.news, "Hoạt động ngoại khoá", json!({}))
        .await;
    assert_eq!(again.slug, "hoat-dong-ngoai-khoa-2");
    app.post(
        "/api/v1/articles",
        Some(&b.writer.token),
        json!({"title": "X", "category_id": b.news, "slug": "hoat-dong-ngoai-khoa"}),
    )
    .await
    .problem(409, "slug_taken");
}

#[tokio::test]
async fn legacy_encoded_text_is_refused_and_the_converter_fixes_it() {
    let b = board().await;
    let app = &b.app;
    let tcvn3 = "Tr\u{ad}êng tiÓu häc sè 1 M\u{ad}êng M\u{ad}\u{ac}n";
    let r = app
        .post(
            "/api/v1/articles",
            Some(&b.writer.token),
            json!({"title": tcvn3, "category_id": b.news}),
        )
        .await;
    r.problem(422, "legacy_vietnamese_encoding");
    assert_eq!(r.field_errors(), vec!["title:legacy_vietnamese_encoding"]);
    let vni = app
        .post(
            "/api/v1/articles",
            Some(&b.writer.token),
            json!({"title": "Tin mới", "body": "<p>Tröôøng tieåu hoïc</p>", "category_id": b.news}),
        )
        .await;
    assert_eq!(vni.field_errors(), vec!["body:legacy_vietnamese_encoding"]);
    let none = app
        .get("/api/v1/editorial/articles", Some(&b.writer.token))
        .await;
    assert_eq!(none.body["items"], json!([]));

    let c = app
        .post(
            "/api/v1/text/convert-legacy",
            Some(&b.writer.token),
            json!({"text": tcvn3}),
        )
        .await;
    assert_eq!(
        c.body,
        json!({"text": "Trường tiểu học số 1 Mường Mươn", "converted_from": "tcvn3"})
    );
    let c = app
        .post(
            "/api/v1/text/convert-legacy",
            Some(&b.writer.token),
            json!({"text": "Tröôøng tieåu hoïc"}),
        )
        .await;
    assert_eq!(c.body["text"], "Trường tiểu học");
    assert_eq!(c.body["converted_from"], "vni");
    let c = app
        .post(
            "/api/v1/text/convert-legacy",
            Some(&b.writer.token),
            json!({"text": "Đã là Unicode"}),
        )
        .await;
    assert_eq!(
        c.body,
        json!({"text": "Đã là Unicode", "converted_from": null})
    );
    app.post("/api/v1/text/convert-legacy", None, json!({"text": "x"}))
        .await
        .problem(401, "authentication_required");
    let ok = app
        .create_article(
            &b.writer.token,
            &b.news,
            "Trường tiểu học số 1 Mường Mươn",
            json!({}),
        )
        .await;
    assert_eq!(ok.slug, "truong-tieu-hoc-so-1-muong-muon");
}

#[tokio::test]
async fn bodies_are_sanitised_on_write_and_served_as_stored() {
    let b = board().await;
    let app = &b.app;
    let dirty = r#"<p onclick="steal()">Xin chào</p><script>alert(1)</script><a href="javascript:alert(1)">x</a><p style="display:none">ẩn</p>"#;
    let d = app
        .create_article(&b.writer.token, &b.news, "Bài bẩn", json!({"body": dirty}))
        .await;
    let r = app
        .get(
            &format!("/api/v1/editorial/articles/{}", d.id),
            Some(&b.writer.token),
        )
        .await;
    let body = r.body["body"].as_str().unwrap().to_owned();
    for gone in ["onclick", "script", "javascript", "style", "alert"] {
        assert!(!body.contains(gone), "{gone} in {body}");
    }
    assert!(body.contains("<p>Xin chào</p>"));
    // Saving what was served changes nothing.
    let r = app
        .call_with(
            Method::PATCH,
            &format!("/api/v1/articles/{}", d.id),
            Some(&b.writer.token),
            Some(json!({"body": body})),
            &[("If-Match", &d.etag)],
        )
        .await;
    assert_eq!(r.body["revision"], 1, "no change, no new revision");
    assert_eq!(r.header("etag"), Some(d.etag.as_str()));
}

#[tokio::test]
async fn search_ignores_diacritics_both_ways_and_ranks_with_a_snippet() {
    let b = board().await;
    let app = &b.app;
    let chief = &b.chief.token;
    for (title, body) in [
        (
            "Hoạt động ngoại khoá tuần 12",
            "<p>Học sinh tham gia hoạt động ngoại khoá tại sân trường.</p>",
        ),
        (
            "Thư viện xanh",
            "<p>Thông tin về ngoại khoá được cập nhật sau.</p>",
        ),
        (
            "Tin tuc Muong Muon",
            "<p>Bai viet khong dau ve xa muong muon.</p>",
        ),
        ("Họp phụ huynh", "<p>Không liên quan.</p>"),
    ] {
        let d = app
            .create_article(&b.writer.token, &b.news, title, json!({"body": body}))
            .await;
        app.publish_as(chief, &d.id).await;
    }
    let hidden = app
        .create_article(&b.writer.token, &b.news, "Ngoại khoá bí mật", json!({}))
        .await;
    let _ = hidden;

    let r = app.get("/api/v1/articles?q=ngoai%20khoa", None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let found = titles(&r);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(
        found[0], "Hoạt động ngoại khoá tuần 12",
        "more matches rank first"
    );
    let snippet = r.body["items"][0]["snippet"].as_str().unwrap();
    assert!(
        snippet.contains("<mark>ngoại</mark> <mark>khoá</mark>"),
        "{snippet}"
    );

    let accented = app.get("/api/v1/articles?q=Ngoại%20Khoá", None).await;
    assert_eq!(titles(&accented), found);
    let reverse = app
        .get(
            "/api/v1/articles?q=M%C6%B0%E1%BB%9Dng%20M%C6%B0%C6%A1n",
            None,
        )
        .await;
    assert_eq!(
        titles(&reverse),
        vec!["Tin tuc Muong Muon"],
        "Mường Mươn finds muong muon"
    );
    let none = app
        .get("/api/v1/articles?q=kh%C3%B4ngc%C3%B3g%C3%AC", None)
        .await;
    assert_eq!(none.body["items"], json!([]));
    let symbols = app.get("/api/v1/articles?q=%22%29%28*%3A", None).await;
    assert_eq!(symbols.status, 200, "{}", symbols.text);
    app.get("/api/v1/articles?q=a%00b", None)
        .await
        .problem(400, "invalid_query");
}

#[tokio::test]
async fn public_reads_cache_and_page_stably() {
    let b = board().await;
    let app = &b.app;
    let mut ids = Vec::new();
    for i in 0..5 {
        let d = app
            .create_article(&b.writer.token, &b.news, &format!("Tin số {i}"), json!({}))
            .await;
        app.publish_as(&b.chief.token, &d.id).await;
        ids.push(d.id);
    }
    let first = app.get("/api/v1/articles?limit=2", None).await;
    assert_eq!(titles(&first), vec!["Tin số 4", "Tin số 3"]);
    assert_eq!(
        first.header("cache-control"),
        Some("public, max-age=60, stale-while-revalidate=300")
    );
    let etag = first.header("etag").unwrap().to_owned();
    let again = app
        .call_with(
            Method::GET,
            "/api/v1/articles?limit=2",
            None,
            None,
            &[("If-None-Match", &etag)],
        )
        .await;
    assert_eq!(again.status, 304);

    // A new article published between pages does not shift the next page.
    let d = app
        .create_article(&b.writer.token, &b.news, "Tin chen giua", json!({}))
        .await;
    app.publish_as(&b.chief.token, &d.id).await;
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let second = app
        .get(&format!("/api/v1/articles?limit=2&cursor={cursor}"), None)
        .await;
    assert_eq!(titles(&second), vec!["Tin số 2", "Tin số 1"]);
    let third = app
        .get(
            &format!(
                "/api/v1/articles?limit=2&cursor={}",
                second.body["next_cursor"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(titles(&third), vec!["Tin số 0"]);
    assert_eq!(third.body["next_cursor"], Value::Null);

    let item = app.get(&format!("/api/v1/articles/{}", ids[0]), None).await;
    let etag = item.header("etag").unwrap().to_owned();
    let cached = app
        .call_with(
            Method::GET,
            &format!("/api/v1/articles/{}", ids[0]),
            None,
            None,
            &[("If-None-Match", &etag)],
        )
        .await;
    assert_eq!(cached.status, 304);
    app.get("/api/v1/articles?cursor=bogus", None)
        .await
        .problem(400, "invalid_cursor");
}

#[tokio::test]
async fn a_scheduled_article_goes_live_on_time() {
    let b = board_with(&[("TTDT_SCHEDULER_INTERVAL", "1")]).await;
    let app = &b.app;
    let d = app
        .create_article(&b.writer.token, &b.news, "Thông báo hẹn giờ", json!({}))
        .await;
    let at = chrono::Utc::now() + chrono::Duration::seconds(2);
    let r = app.schedule_as(&b.chief.token, &d.id, at).await;
    assert_eq!(r.body["status"], "scheduled", "{}", r.text);
    app.get(&format!("/api/v1/articles/{}", d.id), None)
        .await
        .problem(404, "not_found");
    let mut live = false;
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        if app
            .get(&format!("/api/v1/articles/{}", d.id), None)
            .await
            .status
            == 200
        {
            live = true;
            break;
        }
    }
    assert!(live, "published within seconds of its time");
    let r = app
        .get(
            &format!("/api/v1/editorial/articles/{}", d.id),
            Some(&b.chief.token),
        )
        .await;
    assert_eq!(r.body["status"], "published");
    let history = app
        .get(
            &format!("/api/v1/articles/{}/history", d.id),
            Some(&b.chief.token),
        )
        .await;
    let last = history.body["items"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "publish_scheduled");
    assert_eq!(last["actor_role"], "scheduler");
}

#[tokio::test]
async fn a_schedule_survives_a_restart() {
    // The first instance's scheduler would look only after a minute; a restarted one publishes.
    let b = board_with(&[("TTDT_SCHEDULER_INTERVAL", "60")]).await;
    let app = &b.app;
    let d = app
        .create_article(&b.writer.token, &b.news, "Sau khi khởi động lại", json!({}))
        .await;
    let at = chrono::Utc::now() + chrono::Duration::seconds(1);
    app.schedule_as(&b.chief.token, &d.id, at).await;
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    app.get(&format!("/api/v1/articles/{}", d.id), None)
        .await
        .problem(404, "not_found");

    let settings = ttdt::config::Settings::from_lookup(|k| match k {
        "TTDT_DATABASE_URL" => Some(app.database_url.clone()),
        "TTDT_DATA_DIR" => Some(app.data_dir.path().to_string_lossy().into_owned()),
        "TTDT_JWT_SECRET" => Some(JWT_SECRET.into()),
        "TTDT_BIND" => Some("127.0.0.1:0".into()),
        "TTDT_WORKERS" => Some("1".into()),
        "TTDT_SCHEDULER_INTERVAL" => Some("1".into()),
        _ => None,
    })
    .unwrap();
    let restarted = ttdt::startup::Application::build(settings).await.unwrap();
    let address = format!("http://127.0.0.1:{}", restarted.port());
    tokio::spawn(restarted.run_until_stopped());
    let mut live = false;
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        let r = app
            .client
            .get(format!("{address}/api/v1/articles/{}", d.id))
            .send()
            .await
            .unwrap();
        if r.status() == 200 {
            live = true;
            break;
        }
    }
    assert!(live, "the restarted instance published the due article");
}

#[tokio::test]
async fn revisions_and_history_page_like_every_list_and_say_what_they_are() {
    let b = board().await;
    let app = &b.app;
    let d = app
        .create_article(&b.chief.token, &b.news, "Kế hoạch tuần", json!({}))
        .await;
    for i in 1..=4 {
        let etag = app.etag_of(&b.chief.token, &d.id).await;
        let r = app
            .call_with(
                Method::PATCH,
                &format!("/api/v1/articles/{}", d.id),
                Some(&b.chief.token),
                Some(json!({"body": format!("<p>Bản sửa {i}</p>")})),
                &[("If-Match", &etag)],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let mut numbers = Vec::new();
    let mut path = format!("/api/v1/articles/{}/revisions?limit=2", d.id);
    loop {
        let page = app.get(&path, Some(&b.chief.token)).await;
        assert_eq!(page.status, 200, "{}", page.text);
        for r in page.body["items"].as_array().unwrap() {
            assert!(r.get("body").is_none(), "a list carries no bodies: {r}");
            assert_eq!(r["title"], "Kế hoạch tuần");
            numbers.push(r["number"].as_i64().unwrap());
        }
        match page.body["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/articles/{}/revisions?limit=2&cursor={c}", d.id),
            None => break,
        }
    }
    assert_eq!(numbers, vec![5, 4, 3, 2, 1]);
    let one = app
        .get(
            &format!("/api/v1/articles/{}/revisions/3", d.id),
            Some(&b.chief.token),
        )
        .await;
    assert_eq!(one.body["body"], "<p>Bản sửa 2</p>");

    app.publish_as(&b.chief.token, &d.id).await;
    let first = app
        .get(
            &format!("/api/v1/articles/{}/history?limit=2", d.id),
            Some(&b.chief.token),
        )
        .await;
    assert_eq!(first.body["items"][0]["action"], "submit");
    assert_eq!(first.body["items"][0]["from_status"], "draft");
    assert_eq!(first.body["items"][0]["actor_role"], "editor_in_chief");
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let rest = app
        .get(
            &format!("/api/v1/articles/{}/history?limit=2&cursor={cursor}", d.id),
            Some(&b.chief.token),
        )
        .await;
    assert_eq!(rest.body["items"][0]["action"], "publish");
    assert_eq!(rest.body["items"][0]["to_status"], "published");
    assert_eq!(rest.body["next_cursor"], serde_json::Value::Null);
    app.get(
        &format!("/api/v1/articles/{}/history?cursor=nonsense", d.id),
        Some(&b.chief.token),
    )
    .await
    .problem(400, "invalid_cursor");
}

/// Every text field is checked, tags and short strings too, a legacy fragment inside Unicode
/// text is caught, and other languages' names always pass.
#[tokio::test]
async fn every_text_field_is_checked_for_legacy_text_and_foreign_names_pass() {
    let b = board().await;
    let app = &b.app;
    let chief = &b.chief.token;
    let principal = app.principal_token.clone();
    let mixed = "Trường Tiểu học Mường Mươn – Th«ng b¸o tuyÓn sinh";
    let refused = [
        (
            "/api/v1/articles",
            b.writer.token.clone(),
            json!({"title": "Tin mới", "category_id": b.news, "tags": ["Tin tức", "häc"]}),
            "tags[1]",
        ),
        (
            "/api/v1/articles",
            b.writer.token.clone(),
            json!({"title": mixed, "category_id": b.news}),
            "title",
        ),
        (
            "/api/v1/categories",
            chief.clone(),
            json!({"name": "Th«ng b¸o", "kind": "news"}),
            "name",
        ),
        (
            "/api/v1/categories",
            chief.clone(),
            json!({"name": "Thông báo", "kind": "news", "description": "Tin tøc"}),
            "description",
        ),
        (
            "/api/v1/departments",
            principal.clone(),
            json!({"name": "Tæ chuyªn m«n"}),
            "name",
        ),
        (
            "/api/v1/users",
            principal.clone(),
            json!({"email": "a@truong.edu.vn", "display_name": "Lß V¨n Minh",
                   "password": STAFF_PASSWORD, "role": "contributor"}),
            "display_name",
        ),
    ];
    for (path, token, body, field) in refused {
        let r = app.post(path, Some(&token), body.clone()).await;
        r.problem(422, "legacy_vietnamese_encoding");
        assert_eq!(
            r.field_errors(),
            [format!("{field}:legacy_vietnamese_encoding")],
            "{body}"
        );
    }
    assert_eq!(
        app.get("/api/v1/editorial/articles", Some(chief))
            .await
            .body["items"],
        json!([])
    );
    // A revision note and a review comment are text like any other.
    let d = app
        .create_article(&b.writer.token, &b.news, "Bài nháp", json!({}))
        .await;
    let r = app
        .call_with(
            Method::PATCH,
            &format!("/api/v1/articles/{}", d.id),
            Some(&b.writer.token),
            Some(json!({"summary": "Tóm tắt", "note": "söa l¹i"})),
            &[("If-Match", &d.etag)],
        )
        .await;
    assert_eq!(r.field_errors(), ["note:legacy_vietnamese_encoding"]);
    let r = app
        .step(
            &b.writer.token,
            &d.id,
            &d.etag,
            "submit",
            Some(json!({"comment": "Göi duyÖt"})),
        )
        .await;
    assert_eq!(r.field_errors(), ["comment:legacy_vietnamese_encoding"]);
    assert_eq!(app.etag_of(chief, &d.id).await, d.etag, "nothing changed");

    // Names from other languages are never refused.
    let a = app
        .create_article(
            &b.writer.token,
            &b.news,
            "Thầy Jürgen Müller và cô Søren Ødegård thăm trường",
            json!({"summary": "François, Zoë và Björk", "tags": ["Müller", "Ødegård", "Çelik"]}),
        )
        .await;
    assert_eq!(a.slug, "thay-jurgen-muller-va-co-soren-odegard-tham-truong");
    let r = app
        .post(
            "/api/v1/users",
            Some(&principal),
            json!({"email": "gv@truong.edu.vn", "display_name": "Åse Ærø-Müller",
                   "password": STAFF_PASSWORD, "role": "contributor"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);

    // Told an encoding, the converter leaves Unicode text as it is.
    for (text, from) in [
        ("Cà phê và bánh mì", "tcvn3"),
        ("Jürgen Müller", "vni"),
        (mixed, "tcvn3"),
    ] {
        let c = app
            .post(
                "/api/v1/text/convert-legacy",
                Some(chief),
                json!({"text": text, "from": from}),
            )
            .await;
        let expected = if text == mixed {
            "Trường Tiểu học Mường Mươn – Thông báo tuyển sinh"
        } else {
            text
        };
        assert_eq!(c.body["text"], expected, "{text}");
    }
}

/// The change feed (what the district portal syncs) after a whole story: only what the public
/// saw change, with the public revision; no draft, review step or staff-only edit.
#[tokio::test]
async fn the_change_feed_holds_only_what_the_public_saw_change() {
    use diesel::prelude::*;
    use ttdt::db::schema::change_feed::dsl as f;
    let b = board().await;
    let app = &b.app;
    let (writer, member, chief) = (&b.writer.token, &b.member.token, &b.chief.token);
    let patch = async |token: &str, id: &str, title: &str| {
        let etag = app.etag_of(chief, id).await;
        let r = app
            .call_with(
                Method::PATCH,
                &format!("/api/v1/articles/{id}"),
                Some(token),
                Some(json!({ "title": title })),
                &[("If-Match", &etag)],
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    };
    let step = async |token: &str, id: &str, action: &str, body: Option<Value>| {
        let etag = app.etag_of(chief, id).await;
        let r = app.step(token, id, &etag, action, body).await;
        assert_eq!(r.status, 200, "{action}: {}", r.text);
    };
    let a = app
        .create_article(writer, &b.news, "Bản tin tháng 12", json!({}))
        .await;
    patch(writer, &a.id, "Bản tin tháng Mười hai").await; // r2, a draft
    step(writer, &a.id, "submit", None).await;
    step(
        member,
        &a.id,
        "request-changes",
        Some(json!({"comment": "Thêm ảnh"})),
    )
    .await;
    patch(writer, &a.id, "Bản tin tháng 12 có ảnh").await; // r3
    step(writer, &a.id, "submit", None).await;
    step(member, &a.id, "approve", None).await;
    step(chief, &a.id, "publish", None).await; // published r3
    patch(chief, &a.id, "Bản tin tháng 12 (sửa)").await; // r4: working copy only
    step(chief, &a.id, "submit", None).await;
    step(chief, &a.id, "approve", None).await;
    step(chief, &a.id, "publish", None).await; // updated r4
    step(chief, &a.id, "unpublish", None).await; // unpublished r4
    step(chief, &a.id, "publish", None).await; // published r4
    step(chief, &a.id, "archive", None).await; // archived r4
    // A draft archived without ever being public, and a draft left as it is.
    let never = app
        .create_article(writer, &b.news, "Nháp bỏ đi", json!({}))
        .await;
    step(chief, &never.id, "archive", None).await;
    app.create_article(writer, &b.news, "Nháp", json!({})).await;

    let mut conn = app.pool.get().unwrap();
    let feed: Vec<(String, String, String, Option<i32>)> = f::change_feed
        .select((f::content_type, f::content_id, f::action, f::revision))
        .order(f::seq)
        .load(&mut *conn)
        .unwrap();
    let entry = |action: &str, revision: i32| {
        (
            "article".to_owned(),
            a.id.clone(),
            action.to_owned(),
            Some(revision),
        )
    };
    assert_eq!(
        feed,
        [
            entry("published", 3),
            entry("updated", 4),
            entry("unpublished", 4),
            entry("published", 4),
            entry("archived", 4),
        ]
    );
    // Every step is in the audit log all the same.
    assert_eq!(app.count_audit("article.request_changes", &a.id), 1);
    assert_eq!(app.count_audit("article.update", &a.id), 3);
}

/// Articles go only in categories of their kind: news, activities, policy, announcements.
#[tokio::test]
async fn articles_are_filed_only_under_categories_for_articles() {
    let b = board().await;
    let app = &b.app;
    let chief = &b.chief.token;
    let documents = app.category("Văn bản", "legal_documents").await;
    let procedures = app.category("Thủ tục", "procedures").await;
    for category in [&documents, &procedures] {
        let r = app
            .post(
                "/api/v1/articles",
                Some(chief),
                json!({"title": "Sai chuyên mục", "category_id": category}),
            )
            .await;
        r.problem(422, "validation_failed");
        assert_eq!(r.field_errors(), ["category_id:category_kind_mismatch"]);
    }
    let a = app
        .create_article(chief, &b.news, "Đúng chuyên mục", json!({}))
        .await;
    let r = app
        .call_with(
            Method::PATCH,
            &format!("/api/v1/articles/{}", a.id),
            Some(chief),
            Some(json!({"category_id": documents})),
            &[("If-Match", &a.etag)],
        )
        .await;
    r.problem(422, "validation_failed");
    assert_eq!(r.field_errors(), ["category_id:category_kind_mismatch"]);
    // Nothing changed; the article kinds are all accepted.
    assert_eq!(app.etag_of(chief, &a.id).await, a.etag);
    for kind in ["activities", "policy", "ads"] {
        let c = app.category(&format!("Chuyên mục {kind}"), kind).await;
        app.create_article(chief, &c, &format!("Bài {kind}"), json!({}))
            .await;
    }
}

/// The staff list's SQL and the per-item rules are one description (`roles::Scope`): for every
/// role, the list shows exactly the working copies the per-item check lets the caller see,
/// and "awaiting my review" exactly the submitted ones the caller may decide on.
#[tokio::test]
async fn the_staff_list_shows_exactly_what_the_item_rules_allow() {
    use ttdt::auth::Role;
    use ttdt::auth::roles::{self, Caller, ItemRef};
    use ttdt::domain::workflow::Status;
    let b = board().await;
    let app = &b.app;
    let other = app.category("Hoạt động", "activities").await;
    let writer2 = app.staff("contributor").await;
    let technician = app.staff("technician").await;
    // (author, category, submit?)
    let authors = [
        (&b.writer, &b.news, true),
        (&b.writer, &other, false),
        (&writer2, &b.news, true),
        (&writer2, &other, true),
        (&b.member, &b.news, true),
        (&b.member, &other, false),
        (&b.chief, &other, true),
        (&b.deputy, &b.news, false),
    ];
    for (i, (author, category, submit)) in authors.iter().enumerate() {
        let a = app
            .create_article(&author.token, category, &format!("Bài {i}"), json!({}))
            .await;
        if *submit {
            let r = app
                .step(&author.token, &a.id, &a.etag, "submit", None)
                .await;
            assert_eq!(r.status, 200, "{}", r.text);
        }
    }
    let all = app
        .get(
            "/api/v1/editorial/articles?limit=100",
            Some(&app.principal_token),
        )
        .await;
    let items: Vec<(String, String, String, Status)> = all.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap().to_owned(),
                a["author_id"].as_str().unwrap().to_owned(),
                a["category_id"].as_str().unwrap().to_owned(),
                Status::parse(a["status"].as_str().unwrap()).unwrap(),
            )
        })
        .collect();
    assert_eq!(items.len(), authors.len());
    let no_categories: Vec<String> = Vec::new();
    let member_categories = vec![b.news.clone()];
    let callers = [
        (
            &app.principal_token,
            "principal",
            Role::Principal,
            &no_categories,
        ),
        (
            &b.chief.token,
            b.chief.id.as_str(),
            Role::EditorInChief,
            &no_categories,
        ),
        (
            &b.deputy.token,
            b.deputy.id.as_str(),
            Role::DeputyEditor,
            &no_categories,
        ),
        (
            &b.member.token,
            b.member.id.as_str(),
            Role::BoardMember,
            &member_categories,
        ),
        (
            &b.writer.token,
            b.writer.id.as_str(),
            Role::Contributor,
            &no_categories,
        ),
        (
            &writer2.token,
            writer2.id.as_str(),
            Role::Contributor,
            &no_categories,
        ),
        (
            &technician.token,
            technician.id.as_str(),
            Role::Technician,
            &no_categories,
        ),
    ];
    let ids = |r: &Resp| -> Vec<String> {
        let mut ids: Vec<String> = r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    };
    for (token, id, role, categories) in callers {
        let caller = Caller {
            id,
            role,
            categories,
            publish: false,
        };
        let allowed = |check: &dyn Fn(&ItemRef) -> bool| -> Vec<String> {
            let mut ids: Vec<String> = items
                .iter()
                .filter(|(_, author, category, status)| {
                    check(&ItemRef {
                        author_id: author,
                        category_id: category,
                        status: *status,
                    })
                })
                .map(|(id, ..)| id.clone())
                .collect();
            ids.sort();
            ids
        };
        let seen = allowed(&|item| roles::can_see_working_copy(&caller, item));
        let listed = app
            .get("/api/v1/editorial/articles?limit=100", Some(token))
            .await;
        if role == Role::Technician {
            listed.problem(403, "forbidden");
            assert!(seen.is_empty());
            continue;
        }
        assert_eq!(ids(&listed), seen, "{role:?}");
        assert!(!seen.is_empty(), "{role:?} sees something");
        let reviewable = allowed(&|item| roles::can_review(&caller, item));
        let awaiting = app
            .get(
                "/api/v1/editorial/articles?awaiting_review=true&limit=100",
                Some(token),
            )
            .await;
        assert_eq!(ids(&awaiting), reviewable, "{role:?} awaiting review");
        // And each listed item opens for the caller; the others answer 404.
        for (item, ..) in &items {
            let r = app
                .get(&format!("/api/v1/editorial/articles/{item}"), Some(token))
                .await;
            let expected = if seen.contains(item) { 200 } else { 404 };
            assert_eq!(r.status.as_u16(), expected, "{role:?} {item}");
        }
    }
}
