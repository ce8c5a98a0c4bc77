//! Feedback on content and on the site (Điều 5.4, 5.5): anyone sends it; it reaches the
//! item's author and the board, or the technical team; they mark it handled with a note.

use std::time::Duration;

use chrono::TimeZone;
use serde_json::{Value, json};

use crate::helpers::{Staff, TestApp, spawn_app_at, spawn_app_with};

const NAME: &str = "Vàng A Sử";
const EMAIL: &str = "vang.a.su@example.vn";

/// A news article written by `author` and published by the chief; its id.
async fn published_article(app: &TestApp, chief: &Staff, author: &Staff) -> String {
    let r = app
        .post(
            "/api/v1/categories",
            Some(&chief.token),
            json!({"name": "Tin tức", "kind": "news"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let news = r.body["id"].as_str().unwrap().to_owned();
    let draft = app
        .create_article(&author.token, &news, "Lễ khai giảng năm học mới", json!({}))
        .await;
    let etag = app.etag_of(&author.token, &draft.id).await;
    let r = app
        .step(&author.token, &draft.id, &etag, "submit", None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    for action in ["approve", "publish"] {
        let etag = app.etag_of(&chief.token, &draft.id).await;
        let r = app.step(&chief.token, &draft.id, &etag, action, None).await;
        assert_eq!(r.status, 200, "{action}: {}", r.text);
    }
    draft.id
}

async fn ids(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let r = app
        .get(&format!("/api/v1/feedback{query}"), Some(token))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        !r.text.contains(NAME) && !r.text.contains(EMAIL),
        "{}",
        r.text
    );
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn feedback_reaches_the_author_and_the_board_or_the_technical_team_and_is_handled() {
    let app = spawn_app_with(&[("TTDT_QUESTION_RATE_ADDRESS", "1000")]).await;
    let chief = app.staff("editor_in_chief").await;
    let deputy = app.staff("deputy_editor").await;
    let tech = app.staff("technician").await;
    let author = app.staff("contributor").await;
    let other = app.staff("contributor").await;
    let member = app.staff("board_member").await;
    let clerk = app.staff("department_staff").await;
    let article = published_article(&app, &chief, &author).await;

    let r = app
        .post(
            "/api/v1/feedback",
            None,
            json!({"about": "content", "item_id": article, "name": NAME, "email": EMAIL,
                   "message": "Ảnh thứ hai trong bài bị mờ, nhà trường thay giúp."}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let r = app
        .post(
            "/api/v1/feedback",
            None,
            json!({"about": "site", "message": "Trang tìm kiếm không chạy trên điện thoại cũ."}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);

    let all = ids(&app, &chief.token, "").await;
    assert_eq!(all.len(), 2);
    let content = ids(&app, &chief.token, "?about=content").await;
    let site = ids(&app, &chief.token, "?about=site").await;
    assert_eq!((content.len(), site.len()), (1, 1));
    let (content, site) = (content[0].clone(), site[0].clone());
    for (who, token, want) in [
        ("principal", &app.principal_token, vec![&content, &site]),
        ("chief", &chief.token, vec![&content, &site]),
        ("deputy", &deputy.token, vec![&content]),
        ("technician", &tech.token, vec![&site]),
        ("author", &author.token, vec![&content]),
        ("other contributor", &other.token, vec![]),
        ("board member", &member.token, vec![]),
        ("department staff", &clerk.token, vec![]),
    ] {
        let mut seen = ids(&app, token, "").await;
        seen.sort();
        let mut want: Vec<String> = want.into_iter().cloned().collect();
        want.sort();
        assert_eq!(seen, want, "{who}");
    }
    let r = app
        .get(&format!("/api/v1/feedback/{content}"), Some(&author.token))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["item"]["id"], article.as_str());
    assert_eq!(r.body["item"]["kind"], "article");
    assert_eq!(r.body["item"]["title"], "Lễ khai giảng năm học mới");
    assert_eq!(r.body["has_contact"], true);
    app.get(&format!("/api/v1/feedback/{content}"), Some(&other.token))
        .await
        .problem(404, "not_found");
    app.get(&format!("/api/v1/feedback/{site}"), Some(&deputy.token))
        .await
        .problem(404, "not_found");

    // The sender's contacts: for those who reply, audited; the author does not get them.
    let contact = format!("/api/v1/feedback/{content}/contact");
    let r = app.get(&contact, Some(&deputy.token)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body, json!({"name": NAME, "email": EMAIL}));
    assert_eq!(app.count_audit("feedback.read_contact", &content), 1);
    app.get(&contact, Some(&author.token))
        .await
        .problem(403, "forbidden");
    app.get(&contact, Some(&tech.token))
        .await
        .problem(404, "not_found");

    // Handled with a note, once.
    let handle = |id: &str| format!("/api/v1/feedback/{id}/handle");
    let r = app
        .post(
            &handle(&content),
            Some(&author.token),
            json!({"note": "Đã thay ảnh rõ hơn."}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "handled");
    assert_eq!(r.body["handled_by"], author.id.as_str());
    app.post(
        &handle(&content),
        Some(&chief.token),
        json!({"note": "Lại."}),
    )
    .await
    .problem(409, "already_handled");
    app.post(
        &handle(&site),
        Some(&author.token),
        json!({"note": "Không phải việc tôi."}),
    )
    .await
    .problem(404, "not_found");
    let r = app
        .post(
            &handle(&site),
            Some(&tech.token),
            json!({"note": "Đã sửa."}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(ids(&app, &chief.token, "?status=open").await.len(), 0);
    assert_eq!(ids(&app, &chief.token, "?status=handled").await.len(), 2);
    assert_eq!(app.count_audit("feedback.handle", &content), 1);

    // Nothing public carries it.
    for path in [
        format!("/api/v1/articles/{article}"),
        "/api/v1/articles".to_owned(),
        "/api/v1/search?q=khai%20giang".to_owned(),
    ] {
        let r = app.get(&path, None).await;
        assert_eq!(r.status, 200, "{path}");
        assert!(
            !r.text.contains(NAME) && !r.text.contains("bị mờ"),
            "{path}: {}",
            r.text
        );
    }
}

#[tokio::test]
async fn bad_feedback_is_refused_and_nothing_is_kept() {
    let app = spawn_app_with(&[("TTDT_QUESTION_RATE_ADDRESS", "1000")]).await;
    let chief = app.staff("editor_in_chief").await;
    let author = app.staff("contributor").await;
    let article = published_article(&app, &chief, &author).await;
    let r = app
        .post(
            "/api/v1/categories",
            Some(&chief.token),
            json!({"name": "Thông báo", "kind": "news"}),
        )
        .await;
    let notices = r.body["id"].as_str().unwrap().to_owned();
    let draft = app
        .create_article(&author.token, &notices, "Bản nháp", json!({}))
        .await;
    let site = |extra: Value| {
        let mut b = json!({"about": "site", "message": "Trang chậm."});
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    let cases: Vec<(Value, u16, &str, Option<&str>)> = vec![
        (
            json!({"about": "content", "message": "Hay."}),
            422,
            "validation_failed",
            Some("item_id:item_required"),
        ),
        (
            site(json!({"item_id": article})),
            422,
            "validation_failed",
            Some("item_id:item_not_allowed"),
        ),
        (
            json!({"about": "content", "item_id": "khong-co", "message": "Hay."}),
            422,
            "validation_failed",
            Some("item_id:unknown_item"),
        ),
        (
            json!({"about": "content", "item_id": draft.id, "message": "Hay."}),
            422,
            "validation_failed",
            Some("item_id:unknown_item"),
        ),
        (site(json!({"message": ""})), 422, "validation_failed", None),
        (
            site(json!({"email": "không phải thư"})),
            422,
            "validation_failed",
            None,
        ),
        (
            site(json!({"about": "weather"})),
            400,
            "malformed_json",
            None,
        ),
        (site(json!({"rating": 5})), 400, "malformed_json", None),
        (
            site(json!({"message": "Tr\u{ad}êng tiÓu häc sè 1 M\u{ad}êng M\u{ad}\u{ac}n"})),
            422,
            "legacy_vietnamese_encoding",
            None,
        ),
        (
            site(json!({"message": "a".repeat(70 * 1024)})),
            413,
            "payload_too_large",
            None,
        ),
    ];
    for (body, status, code, field) in cases {
        let r = app.post("/api/v1/feedback", None, body).await;
        r.problem(status, code);
        if let Some(field) = field {
            assert_eq!(r.field_errors(), vec![field], "{}", r.text);
        }
    }
    // The honeypot: the same answer, nothing kept.
    let r = app
        .post(
            "/api/v1/feedback",
            None,
            site(json!({"website": "http://spam.example"})),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(ids(&app, &chief.token, "").await.len(), 0);

    let r = app.post("/api/v1/feedback", None, site(json!({}))).await;
    assert_eq!(r.status, 202);
    let id = ids(&app, &chief.token, "").await.remove(0);
    app.post(
        &format!("/api/v1/feedback/{id}/handle"),
        Some(&chief.token),
        json!({"note": ""}),
    )
    .await
    .problem(422, "validation_failed");
    app.post(
        &format!("/api/v1/feedback/{id}/handle"),
        Some(&chief.token),
        json!({}),
    )
    .await
    .problem(400, "malformed_json");
    let r = app
        .get("/api/v1/feedback?status=closed", Some(&chief.token))
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    let r = app
        .get(&format!("/api/v1/feedback/{id}"), Some(&chief.token))
        .await;
    assert_eq!(r.body["status"], "open");
}

#[tokio::test]
async fn questions_and_feedback_share_one_limit_per_address() {
    let app = spawn_app_with(&[("TTDT_QUESTION_RATE_ADDRESS", "2")]).await;
    let question = json!({"name": "Lò Văn A", "address": "Bản Mường Mươn, xã Mường Mươn",
                          "subject": "Hỏi", "question": "Xin hỏi lịch học."});
    assert_eq!(
        app.post("/api/v1/questions", None, question).await.status,
        201
    );
    let feedback = json!({"about": "site", "message": "Trang chậm."});
    assert_eq!(
        app.post("/api/v1/feedback", None, feedback.clone())
            .await
            .status,
        202
    );
    let r = app.post("/api/v1/feedback", None, feedback).await;
    r.problem(429, "rate_limited");
}

#[tokio::test]
async fn a_senders_contact_is_erased_after_the_retention_time() {
    let start = chrono::Utc.with_ymd_and_hms(2026, 12, 3, 3, 0, 0).unwrap();
    let clock = ttdt::clock::Clock::fixed(start);
    let app = spawn_app_at(clock.clone()).await;
    let tech = app.staff("technician").await;
    let r = app
        .post(
            "/api/v1/feedback",
            None,
            json!({"about": "site", "name": NAME, "email": EMAIL,
                   "message": format!("Tôi là {NAME}, gọi 0914 823 657 nếu cần.")}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    // The message names its sender (staff see what was written); the fields never show.
    let list = app.get("/api/v1/feedback", Some(&tech.token)).await;
    assert!(!list.text.contains(EMAIL));
    let id = list.body["items"][0]["id"].as_str().unwrap().to_owned();
    let r = app
        .post(
            &format!("/api/v1/feedback/{id}/handle"),
            Some(&tech.token),
            json!({"note": "Đã gọi lại."}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    clock.set(start + chrono::Duration::days(366));
    let contact = format!("/api/v1/feedback/{id}/contact");
    let mut erased = false;
    for _ in 0..300 {
        if app.get(&contact, Some(&tech.token)).await.status == 410 {
            erased = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(erased, "the sender's contact data was erased");
    let r = app
        .get(&format!("/api/v1/feedback/{id}"), Some(&tech.token))
        .await;
    assert_eq!(r.body["contact_erased"], true);
    assert!(
        !r.text.contains(NAME) && !r.text.contains("0914 823 657"),
        "{}",
        r.text
    );
    assert_eq!(r.body["status"], "handled");
}

/// Every feedback operation as every caller, on content feedback (about an item `author`
/// wrote) and on site feedback.
#[tokio::test]
async fn the_permission_table_of_every_feedback_operation_and_role() {
    let app = spawn_app_with(&[("TTDT_QUESTION_RATE_ADDRESS", "100000")]).await;
    let chief = app.staff("editor_in_chief").await;
    let author = app.staff("contributor").await;
    let article = published_article(&app, &chief, &author).await;
    let callers = [
        ("principal", app.principal_token.clone()),
        ("chief", chief.token.clone()),
        ("deputy", app.staff("deputy_editor").await.token),
        ("member", app.staff("board_member").await.token),
        ("author", author.token.clone()),
        ("contributor", app.staff("contributor").await.token),
        ("technician", app.staff("technician").await.token),
        ("clerk", app.staff("department_staff").await.token),
    ];
    // (about, operation, expected status per caller in `callers`' order)
    let table: &[(&str, &str, [u16; 8])] = &[
        ("content", "get", [200, 200, 200, 404, 200, 404, 404, 404]),
        (
            "content",
            "contact",
            [403, 200, 200, 403, 403, 403, 404, 403],
        ),
        (
            "content",
            "handle",
            [200, 200, 200, 404, 200, 404, 404, 404],
        ),
        ("site", "get", [200, 200, 404, 404, 404, 404, 200, 404]),
        ("site", "contact", [403, 200, 404, 403, 403, 403, 200, 403]),
        ("site", "handle", [200, 200, 404, 404, 404, 404, 200, 404]),
    ];
    for (about, op, expected) in table {
        for ((who, token), want) in callers.iter().zip(expected) {
            let mut body = json!({"about": about, "name": NAME, "message": "Góp ý."});
            if *about == "content" {
                body["item_id"] = json!(article);
            }
            assert_eq!(app.post("/api/v1/feedback", None, body).await.status, 202);
            let newest = app
                .get("/api/v1/feedback?limit=1", Some(&chief.token))
                .await;
            let id = newest.body["items"][0]["id"].as_str().unwrap().to_owned();
            let r = match *op {
                "get" => {
                    app.get(&format!("/api/v1/feedback/{id}"), Some(token))
                        .await
                }
                "contact" => {
                    app.get(&format!("/api/v1/feedback/{id}/contact"), Some(token))
                        .await
                }
                _ => {
                    let note = json!({"note": "Đã xem."});
                    app.post(&format!("/api/v1/feedback/{id}/handle"), Some(token), note)
                        .await
                }
            };
            assert_eq!(
                r.status, *want,
                "{op} {about} feedback as {who}: {}",
                r.text
            );
        }
    }
    // Lists: everyone may ask; each sees only their own share (checked by id above).
    for (who, token) in &callers {
        let r = app.get("/api/v1/feedback", Some(token)).await;
        assert_eq!(r.status, 200, "{who}");
    }
    app.get("/api/v1/feedback", None)
        .await
        .problem(401, "authentication_required");
}
