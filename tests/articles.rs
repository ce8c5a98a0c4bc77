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

/// The generic part (list, read, diff of fields, restore) is in `kinds`; an article's body
/// is diffed line by line.
#[tokio::test]
async fn an_article_body_is_diffed_line_by_line() {
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
        .call_with(
            Method::PATCH,
            &path,
            Some(&b.writer.token),
            Some(json!({"body": "<p>Dòng một</p><p>Dòng ba</p>"})),
            &[("If-Match", &d.etag)],
        )
        .await;
    assert_eq!(r.body["revision"], 2);
    let diff = app
        .get(&format!("{path}/diff?from=1&to=2"), Some(&b.writer.token))
        .await;
    assert_eq!(
        diff.body["changes"],
        json!([]),
        "the body is not a field change"
    );
    let body_diff = diff.body["body_diff"].as_str().unwrap();
    assert!(
        body_diff.contains("-<p>Dòng hai</p>") && body_diff.contains("+<p>Dòng ba</p>"),
        "{body_diff}"
    );
    let same = app
        .get(&format!("{path}/diff?from=2&to=2"), Some(&b.writer.token))
        .await;
    assert_eq!(same.body["body_diff"], "");
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

/// Articles go in every article category kind (the refusals are in `kinds`).
#[tokio::test]
async fn articles_are_filed_under_every_article_category_kind() {
    let b = board().await;
    let app = &b.app;
    for kind in ["activities", "policy", "ads"] {
        let c = app.category(&format!("Chuyên mục {kind}"), kind).await;
        app.create_article(&b.chief.token, &c, &format!("Bài {kind}"), json!({}))
            .await;
    }
}
