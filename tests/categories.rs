use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn the_chief_creates_categories_with_folded_slugs_and_default_retention() {
    let app = spawn_app().await;
    let chief = app.staff("editor_in_chief").await;
    let r = app
        .post(
            "/api/v1/categories",
            Some(&chief.token),
            json!({"name": "Hoạt động ngoại khoá", "kind": "activities"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["slug"], "hoat-dong-ngoai-khoa");
    assert_eq!(r.body["retention_class"], "limited");
    assert_eq!(r.body["retention_years"], 5);
    let id = r.body["id"].as_str().unwrap();
    assert_eq!(
        r.header("location"),
        Some(format!("/api/v1/categories/{id}").as_str())
    );

    let docs = app
        .post(
            "/api/v1/categories",
            Some(&chief.token),
            json!({"name": "Văn bản pháp quy", "kind": "legal_documents"}),
        )
        .await;
    assert_eq!(docs.body["retention_class"], "permanent");
    assert_eq!(docs.body["retention_years"], json!(null));

    let short = app
        .post(
            "/api/v1/categories",
            Some(&chief.token),
            json!({"name": "Quảng cáo", "kind": "ads", "retention_class": "limited", "retention_years": 2}),
        )
        .await;
    assert_eq!(short.body["retention_years"], 2);

    // Public reads, by id and by slug.
    let by_id = app.get(&format!("/api/v1/categories/{id}"), None).await;
    let by_slug = app
        .get("/api/v1/categories/hoat-dong-ngoai-khoa", None)
        .await;
    assert_eq!(by_id.status, 200);
    assert_eq!(by_id.body, by_slug.body);
    let list = app
        .get("/api/v1/categories?kind=legal_documents", None)
        .await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(app.count_audit("category.create", id), 1);
}

#[tokio::test]
async fn only_the_chief_manages_categories() {
    let app = spawn_app().await;
    let id = app.category("Tin tức", "news").await;
    for role in [
        "deputy_editor",
        "board_member",
        "contributor",
        "technician",
        "department_staff",
        "principal",
    ] {
        let token = if role == "principal" {
            app.principal_token.clone()
        } else {
            app.staff(role).await.token
        };
        app.post(
            "/api/v1/categories",
            Some(&token),
            json!({"name": "X", "kind": "news"}),
        )
        .await
        .problem(403, "forbidden");
        app.patch(
            &format!("/api/v1/categories/{id}"),
            Some(&token),
            json!({"name": "Y"}),
        )
        .await
        .problem(403, "forbidden");
        app.delete(&format!("/api/v1/categories/{id}"), Some(&token))
            .await
            .problem(403, "forbidden");
    }
    app.post(
        "/api/v1/categories",
        None,
        json!({"name": "X", "kind": "news"}),
    )
    .await
    .problem(401, "authentication_required");
    let still = app.get(&format!("/api/v1/categories/{id}"), None).await;
    assert_eq!(still.body["name"], "Tin tức");
}

#[tokio::test]
async fn category_input_is_validated() {
    let app = spawn_app().await;
    let chief = app.staff("editor_in_chief").await;
    let t = Some(chief.token.as_str());
    let cases = [
        (json!({"name": "", "kind": "news"}), "name:length"),
        (
            json!({"name": "A", "kind": "news", "slug": "Có Dấu"}),
            "slug:slug",
        ),
        (
            json!({"name": "A", "kind": "news", "retention_years": 6}),
            "retention_years:range",
        ),
        (
            json!({"name": "A", "kind": "news", "retention_class": "permanent", "retention_years": 2}),
            "retention_years:not_with_permanent",
        ),
        (
            json!({"name": "A\u{0}B", "kind": "news"}),
            "name:nul_character",
        ),
    ];
    for (body, expected) in cases {
        let r = app.post("/api/v1/categories", t, body.clone()).await;
        r.problem(422, "validation_failed");
        assert_eq!(r.field_errors(), vec![expected], "{body}");
    }
    app.post(
        "/api/v1/categories",
        t,
        json!({"name": "A", "kind": "gossip"}),
    )
    .await
    .problem(400, "malformed_json");
    let list = app.get("/api/v1/categories", None).await;
    assert_eq!(list.body["items"], json!([]));
}

#[tokio::test]
async fn slugs_are_unique() {
    let app = spawn_app().await;
    let chief = app.staff("editor_in_chief").await;
    let t = Some(chief.token.as_str());
    assert_eq!(
        app.post(
            "/api/v1/categories",
            t,
            json!({"name": "Tin tức", "kind": "news"})
        )
        .await
        .status,
        201
    );
    app.post(
        "/api/v1/categories",
        t,
        json!({"name": "Tin Tức", "kind": "news"}),
    )
    .await
    .problem(409, "slug_taken");
    let other = app
        .post(
            "/api/v1/categories",
            t,
            json!({"name": "Tin khác", "kind": "news"}),
        )
        .await;
    app.patch(
        &format!("/api/v1/categories/{}", other.body["id"].as_str().unwrap()),
        t,
        json!({"slug": "tin-tuc"}),
    )
    .await
    .problem(409, "slug_taken");
}

#[tokio::test]
async fn updating_and_deleting_a_category() {
    let app = spawn_app().await;
    let chief = app.staff("editor_in_chief").await;
    let t = Some(chief.token.as_str());
    let r = app
        .post(
            "/api/v1/categories",
            t,
            json!({"name": "Chính sách", "kind": "policy"}),
        )
        .await;
    let path = format!("/api/v1/categories/{}", r.body["id"].as_str().unwrap());
    let u = app
        .patch(
            &path,
            t,
            json!({"description": "Chế độ, chính sách", "retention_class": "permanent"}),
        )
        .await;
    assert_eq!(u.status, 200, "{}", u.text);
    assert_eq!(u.body["retention_class"], "permanent");
    assert_eq!(u.body["name"], "Chính sách");
    assert_eq!(app.delete(&path, t).await.status, 204);
    app.get(&path, None).await.problem(404, "not_found");
    app.delete(&path, t).await.problem(404, "not_found");
}

#[tokio::test]
async fn a_category_a_board_member_reviews_cannot_be_deleted() {
    let app = spawn_app().await;
    let chief = app.staff("editor_in_chief").await;
    let id = app.category("Tin tức", "news").await;
    app.staff_with("board_member", json!({"category_ids": [id]}))
        .await;
    app.delete(&format!("/api/v1/categories/{id}"), Some(&chief.token))
        .await
        .problem(409, "category_in_use");
    assert_eq!(
        app.get(&format!("/api/v1/categories/{id}"), None)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn reads_carry_an_etag_and_answer_304() {
    let app = spawn_app().await;
    let id = app.category("Tin tức", "news").await;
    for path in [
        format!("/api/v1/categories/{id}"),
        "/api/v1/categories".to_string(),
    ] {
        let first = app.get(&path, None).await;
        let etag = first.header("etag").expect("an ETag").to_owned();
        let again = app
            .call_with(
                reqwest::Method::GET,
                &path,
                None,
                None,
                &[("If-None-Match", &etag)],
            )
            .await;
        assert_eq!(again.status, 304);
        assert_eq!(again.text, "");
        assert_eq!(again.header("etag"), Some(etag.as_str()));
        let stale = app
            .call_with(
                reqwest::Method::GET,
                &path,
                None,
                None,
                &[("If-None-Match", "\"old\"")],
            )
            .await;
        assert_eq!(stale.status, 200);
    }
}

#[tokio::test]
async fn a_renamed_slug_redirects_and_filters_take_slugs_old_and_new() {
    let app = spawn_app().await;
    let chief = app.staff("editor_in_chief").await;
    let r = app
        .post(
            "/api/v1/categories",
            Some(&chief.token),
            json!({"name": "Tin tức", "kind": "news"}),
        )
        .await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    let d = app
        .create_article(&chief.token, &id, "Lễ khai giảng", json!({}))
        .await;
    app.publish_as(&chief.token, &d.id).await;
    let r = app
        .patch(
            &format!("/api/v1/categories/{id}"),
            Some(&chief.token),
            json!({"slug": "tin-tuc-su-kien"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let old = app.get("/api/v1/categories/tin-tuc", None).await;
    assert_eq!(old.status, 301);
    assert_eq!(
        old.header("location"),
        Some("/api/v1/categories/tin-tuc-su-kien")
    );
    assert_eq!(
        app.get("/api/v1/categories/tin-tuc-su-kien", None)
            .await
            .status,
        200
    );
    for filter in [id.as_str(), "tin-tuc-su-kien", "tin-tuc"] {
        let public = app
            .get(&format!("/api/v1/articles?category={filter}"), None)
            .await;
        assert_eq!(
            public.body["items"].as_array().unwrap().len(),
            1,
            "public {filter}"
        );
        let staff = app
            .get(
                &format!("/api/v1/editorial/articles?category={filter}"),
                Some(&chief.token),
            )
            .await;
        assert_eq!(
            staff.body["items"].as_array().unwrap().len(),
            1,
            "editorial {filter}: {}",
            staff.text
        );
    }
    let none = app
        .get(
            "/api/v1/editorial/articles?category=khong-co",
            Some(&chief.token),
        )
        .await;
    assert_eq!(none.body["items"], json!([]));
    // A new category may take the former slug; it then leads there, not to the old one.
    let r = app
        .post(
            "/api/v1/categories",
            Some(&chief.token),
            json!({"name": "Tin tức", "kind": "news"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["slug"], "tin-tuc");
    let now = app.get("/api/v1/categories/tin-tuc", None).await;
    assert_eq!(now.status, 200);
    assert_eq!(now.body["id"], r.body["id"]);
}

/// Slugs fold Vietnamese and drop emoji; a name in another script is never refused for it.
#[tokio::test]
async fn category_names_in_any_script_get_a_slug() {
    let app = spawn_app().await;
    let chief = app.staff("editor_in_chief").await;
    let t = Some(chief.token.as_str());
    for (name, slug) in [
        ("🌸 Hội xuân 🌸", "hoi-xuan"),
        ("Giao lưu 日本", "giao-luu"),
        ("日本語", "ri-ben-yu"),
        ("Ødegård", "odegard"),
    ] {
        let r = app
            .post(
                "/api/v1/categories",
                t,
                json!({"name": name, "kind": "news"}),
            )
            .await;
        assert_eq!(r.status, 201, "{name}: {}", r.text);
        assert_eq!(r.body["slug"], slug, "{name}");
        assert_eq!(r.body["name"], name);
    }
    // Nothing to make a slug of: asked for one.
    let r = app
        .post(
            "/api/v1/categories",
            t,
            json!({"name": "!!!", "kind": "news"}),
        )
        .await;
    r.problem(422, "validation_failed");
    assert_eq!(r.field_errors(), ["slug:slug"]);
}
