//! Links (Điều 7.6) on the editorial machine's second workflow: kept by the editor-in-chief
//! and the technical team, published without review. The shared scenarios that do not depend
//! on review run on links in `tests/kinds.rs`; this file holds links to their own rules.

use reqwest::Method;
use serde_json::json;

use crate::kinds::{Board, LINKS};
use crate::media::{file, jpeg, upload};

#[tokio::test]
async fn the_chief_and_the_technical_team_keep_links_and_nobody_else_does() {
    let b = Board::new(&LINKS, &[]).await;
    let app = &b.app;
    let other_technician = app.staff("technician").await;
    let contributor = app.staff("contributor").await;
    let dept = app.staff("department_staff").await;
    let callers: Vec<(&str, Option<String>)> = vec![
        ("principal", Some(app.principal_token.clone())),
        ("editor_in_chief", Some(b.chief.token.clone())),
        ("deputy_editor", Some(b.deputy.token.clone())),
        ("board_member", Some(b.member.token.clone())),
        ("technician", Some(b.writer.token.clone())),
        ("other_technician", Some(other_technician.token.clone())),
        ("contributor", Some(contributor.token.clone())),
        ("department_staff", Some(dept.token.clone())),
        ("anonymous", None),
    ];
    let table: Vec<(&str, [u16; 9])> = vec![
        ("create", [403, 201, 403, 403, 201, 201, 403, 403, 401]),
        (
            "editorial_list",
            [200, 200, 403, 403, 200, 200, 403, 403, 401],
        ),
        ("read", [200, 200, 404, 404, 200, 200, 404, 404, 401]),
        ("edit", [403, 200, 404, 404, 200, 200, 404, 404, 401]),
        ("publish", [403, 200, 404, 404, 200, 200, 404, 404, 401]),
        ("unpublish", [403, 200, 404, 404, 200, 200, 404, 404, 401]),
        ("archive", [403, 200, 404, 404, 200, 200, 404, 404, 401]),
        ("delete", [403, 204, 404, 404, 204, 204, 404, 404, 401]),
    ];
    let mut failures = Vec::new();
    for (operation, expected) in &table {
        for ((who, token), want) in callers.iter().zip(expected) {
            let t = token.as_deref();
            let draft = b
                .create(&b.writer.token, &format!("Liên kết {operation} {who}"))
                .await;
            if matches!(*operation, "unpublish" | "archive") {
                b.publish(&draft.id).await;
            }
            let etag = b.etag_of(&draft.id).await;
            let (method, path, body) = match *operation {
                "create" => (
                    Method::POST,
                    b.path(""),
                    Some(b.body_with("Mới", json!({}))),
                ),
                "editorial_list" => (Method::GET, b.staff_path(""), None),
                "read" => (Method::GET, b.staff_path(&format!("/{}", draft.id)), None),
                "edit" => (
                    Method::PATCH,
                    b.path(&format!("/{}", draft.id)),
                    Some(json!({"title": "Sửa"})),
                ),
                "delete" => (Method::DELETE, b.path(&format!("/{}", draft.id)), None),
                step => (Method::POST, b.path(&format!("/{}/{step}", draft.id)), None),
            };
            let got = app
                .call_with(method, &path, t, body, &[("If-Match", &etag)])
                .await
                .status;
            if got.as_u16() != *want {
                failures.push(format!("{operation} by {who}: {got}, expected {want}"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[tokio::test]
async fn a_link_goes_live_from_its_draft_without_review_steps() {
    let b = Board::new(&LINKS, &[]).await;
    let tech = &b.writer.token;
    let d = b.create(tech, "Bộ Giáo dục và Đào tạo").await;
    // There is no review: its steps are not routes of links, and the history has none.
    for step in ["submit", "approve", "request-changes", "reject"] {
        let r = b
            .step(
                &b.chief.token,
                &d.id,
                &d.etag,
                step,
                Some(json!({"comment": "x"})),
            )
            .await;
        assert_eq!(r.status, 404, "{step}: {}", r.text);
    }
    let r = b.step(tech, &d.id, &d.etag, "publish", None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "published");
    let r = b.app.get(&format!("/api/v1/links/{}", d.slug), None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // Taken down, it is a draft again, off the public site; the change feed saw both.
    let etag = b.etag_of(&d.id).await;
    let r = b.step(tech, &d.id, &etag, "unpublish", None).await;
    assert_eq!(r.body["status"], "draft", "{}", r.text);
    b.app
        .get(&format!("/api/v1/links/{}", d.slug), None)
        .await
        .problem(404, "not_found");
    let history = b
        .app
        .get(&b.path(&format!("/{}/history", d.id)), Some(tech))
        .await;
    let actions: Vec<&str> = history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["publish", "unpublish"], "{}", history.text);
    let feed: Vec<String> = {
        use diesel::prelude::*;
        use ttdt::db::schema::change_feed::dsl as f;
        let mut conn = b.app.pool.get().unwrap();
        f::change_feed
            .filter(f::content_id.eq(&d.id))
            .select(f::action)
            .order(f::seq)
            .load(&mut *conn)
            .unwrap()
    };
    assert_eq!(feed, ["published", "unpublished"]);
}

#[tokio::test]
async fn the_public_gets_every_link_grouped_in_portal_order() {
    let b = Board::new(&LINKS, &[]).await;
    let add = async |title: &str, group: &str, order: i32| {
        let r = b
            .app
            .post(
                "/api/v1/links",
                Some(&b.writer.token),
                b.body_with(title, json!({"group": group, "order": order})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        let id = r.body["id"].as_str().unwrap().to_owned();
        b.publish(&id).await;
        id
    };
    add("Trường Tiểu học Mường Chà", "district_schools", 2).await;
    add("Phòng GD&ĐT Mường Chà", "district", 1).await;
    add("Bộ Giáo dục và Đào tạo", "central", 1).await;
    add("Trường Tiểu học Hừa Ngài", "district_schools", 1).await;
    add("Sở GD&ĐT Điện Biên", "province", 1).await;
    add("Cổng Dịch vụ công quốc gia", "central", 2).await;
    // A draft stays out.
    b.create(&b.writer.token, "Nháp").await;
    let r = b.app.get("/api/v1/links", None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let shape: Vec<(String, Vec<String>)> = r.body["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["label"].as_str().unwrap().to_owned(),
                g["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| l["title"].as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect();
    let expected: Vec<(String, Vec<String>)> = [
        (
            "Trung ương",
            vec!["Bộ Giáo dục và Đào tạo", "Cổng Dịch vụ công quốc gia"],
        ),
        ("Tỉnh", vec!["Sở GD&ĐT Điện Biên"]),
        ("Huyện", vec!["Phòng GD&ĐT Mường Chà"]),
        (
            "Trường trong huyện",
            vec!["Trường Tiểu học Hừa Ngài", "Trường Tiểu học Mường Chà"],
        ),
    ]
    .into_iter()
    .map(|(l, t)| (l.to_owned(), t.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(shape, expected);
    assert_eq!(r.body["groups"][0]["group"], "central");
    assert!(
        r.body["groups"][0]["items"][0]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let r = b.app.get("/api/v1/links?group=province", None).await;
    assert_eq!(r.body["groups"].as_array().unwrap().len(), 1, "{}", r.text);
    b.app
        .get("/api/v1/links?group=world", None)
        .await
        .problem(400, "invalid_query");
}

#[tokio::test]
async fn only_web_addresses_and_images_are_taken() {
    let b = Board::new(&LINKS, &[]).await;
    let r = upload(
        &b.app,
        Some(&b.chief.token),
        &[file("logo.jpg", None, jpeg(40, 40))],
    )
    .await;
    let logo = r.body["id"].as_str().unwrap().to_owned();
    let cases = [
        (json!({"url": "javascript:alert(1)"}), "url:web_url"),
        (json!({"url": "moet.gov.vn"}), "url:web_url"),
        (json!({"url": "ftp://moet.gov.vn"}), "url:web_url"),
        (json!({"url": "file:///etc/passwd"}), "url:web_url"),
        (
            json!({"url": format!("https://{}.vn", "a".repeat(2000))}),
            "url:length",
        ),
        (
            json!({"logo_media_id": b.file}),
            "logo_media_id:unknown_image",
        ),
        (json!({"order": 20000}), "order:range"),
        (
            json!({"title": "söa l¹i"}),
            "title:legacy_vietnamese_encoding",
        ),
    ];
    for (extra, error) in cases {
        let r = b
            .app
            .post(
                "/api/v1/links",
                Some(&b.chief.token),
                b.body_with("Sai", extra.clone()),
            )
            .await;
        assert_eq!(r.status, 422, "{extra}: {}", r.text);
        assert!(
            r.field_errors().contains(&error.to_owned()),
            "{extra}: {}",
            r.text
        );
    }
    for extra in [json!({"group": "world"}), json!({"url": null})] {
        let r = b
            .app
            .post(
                "/api/v1/links",
                Some(&b.chief.token),
                b.body_with("Sai", extra.clone()),
            )
            .await;
        assert_eq!(r.status, 400, "{extra}: {}", r.text);
    }
    let list = b
        .app
        .get("/api/v1/editorial/links", Some(&b.chief.token))
        .await;
    assert_eq!(list.body["items"], json!([]), "nothing was written");
    let r = b
        .app
        .post(
            "/api/v1/links",
            Some(&b.chief.token),
            b.body_with("Đúng", json!({"logo_media_id": logo})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
}
