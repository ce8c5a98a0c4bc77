//! The school's pages beyond the kind suite: the navigation tree in one request, a page's
//! place in it, and a tree that cannot turn into a circle, also when two editors try at once.

use serde_json::{Value, json};

use crate::kinds::{Board, PAGES};

async fn published(b: &Board, title: &str, extra: Value) -> String {
    let id = b.create_with(title, extra).await;
    b.publish(&id).await;
    id
}

/// The tree as `title [children]`, for comparing shapes.
fn shape(nodes: &Value) -> Vec<String> {
    nodes
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let kids = shape(&n["children"]);
            let title = n["title"].as_str().unwrap();
            if kids.is_empty() {
                title.to_owned()
            } else {
                format!("{title} [{}]", kids.join(", "))
            }
        })
        .collect()
}

#[tokio::test]
async fn the_public_gets_the_whole_navigation_tree_in_one_request() {
    let b = Board::new(&PAGES, &[]).await;
    let intro = published(&b, "Giới thiệu chung", json!({"position": 1})).await;
    published(&b, "Liên hệ", json!({"position": 9})).await;
    let org = published(
        &b,
        "Cơ cấu tổ chức",
        json!({"parent_id": intro, "position": 2}),
    )
    .await;
    published(&b, "Lịch sử", json!({"parent_id": intro, "position": 1})).await;
    published(
        &b,
        "Tổ chuyên môn",
        json!({"parent_id": org, "position": 1}),
    )
    .await;
    published(
        &b,
        "Ban giám hiệu",
        json!({"parent_id": org, "position": 1}),
    )
    .await;
    // Unpublished pages stay out; a published page under one is shown at the top level.
    let draft = b
        .create_with("Trang nháp", json!({"parent_id": intro}))
        .await;
    published(&b, "Tuyển dụng", json!({"parent_id": draft, "position": 5})).await;

    let r = b.app.get("/api/v1/pages", None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        shape(&r.body["items"]),
        [
            "Giới thiệu chung [Lịch sử, Cơ cấu tổ chức [Ban giám hiệu, Tổ chuyên môn]]",
            "Tuyển dụng",
            "Liên hệ",
        ],
        "{}",
        r.text
    );
    assert!(!r.text.contains("Trang nháp"));
    assert_eq!(r.body["items"][0]["slug"], "gioi-thieu-chung");

    // A page knows its place: where it sits and what is under it.
    let r = b.app.get("/api/v1/pages/co-cau-to-chuc", None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let titles = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|p| p["title"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(titles(&r.body["breadcrumbs"]), ["Giới thiệu chung"]);
    assert_eq!(
        titles(&r.body["children"]),
        ["Ban giám hiệu", "Tổ chuyên môn"]
    );
    assert_eq!(r.body["body"], "<p>Nội dung trang Cơ cấu tổ chức.</p>");
    let r = b.app.get("/api/v1/pages/to-chuyen-mon", None).await;
    assert_eq!(
        titles(&r.body["breadcrumbs"]),
        ["Giới thiệu chung", "Cơ cấu tổ chức"]
    );

    // Moving a page moves it in the tree once the change is published.
    let etag = b.etag_of(&org).await;
    let r = b
        .patch(
            &b.chief.token,
            &org,
            &etag,
            json!({"parent_id": null, "position": 3}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    b.steps(&org, &["submit", "approve", "publish"]).await;
    let r = b.app.get("/api/v1/pages", None).await;
    assert_eq!(
        shape(&r.body["items"]),
        [
            "Giới thiệu chung [Lịch sử]",
            "Cơ cấu tổ chức [Ban giám hiệu, Tổ chuyên môn]",
            "Tuyển dụng",
            "Liên hệ"
        ]
    );
}

#[tokio::test]
async fn a_page_cannot_be_put_under_itself_its_descendants_or_what_is_not_a_page() {
    let b = Board::new(&PAGES, &[]).await;
    let top = b.create_with("Giới thiệu chung", json!({})).await;
    let mid = b
        .create_with("Cơ cấu tổ chức", json!({"parent_id": top}))
        .await;
    let low = b
        .create_with("Tổ chuyên môn", json!({"parent_id": mid}))
        .await;
    for (id, parent) in [(&top, &top), (&top, &low), (&mid, &low)] {
        let etag = b.etag_of(id).await;
        let r = b
            .patch(&b.chief.token, id, &etag, json!({"parent_id": parent}))
            .await;
        assert_eq!(r.field_errors(), ["parent_id:page_cycle"], "{}", r.text);
    }
    // Neither a missing page nor an item of another kind is a parent.
    let article_category = b.app.category("Tin tức", "news").await;
    let r = b
        .app
        .post(
            "/api/v1/articles",
            Some(&b.chief.token),
            json!({"title": "Tin", "body": "<p>x</p>", "category_id": article_category}),
        )
        .await;
    let article = r.body["id"].as_str().unwrap().to_owned();
    for parent in ["khong-co", article.as_str()] {
        let mut body = b.body_in(&b.category, "Trang lạc");
        body["parent_id"] = json!(parent);
        let r = b
            .app
            .post("/api/v1/pages", Some(&b.chief.token), body)
            .await;
        assert_eq!(r.field_errors(), ["parent_id:unknown_page"], "{}", r.text);
    }
    // The tree as it was: nothing was written.
    let r = b
        .app
        .get(
            &format!("/api/v1/editorial/pages/{top}"),
            Some(&b.chief.token),
        )
        .await;
    assert_eq!(r.body["parent_id"], Value::Null);
    assert_eq!(r.body["revision"], 1);
    // Bad places and images are refused too.
    let etag = b.etag_of(&low).await;
    for (body, error) in [
        (json!({"position": 10001}), "position:range"),
        (
            json!({"cover_media_id": "khong-co"}),
            "cover_media_id:unknown_image",
        ),
    ] {
        let r = b.patch(&b.chief.token, &low, &etag, body).await;
        assert_eq!(r.field_errors(), [error], "{}", r.text);
    }
}

#[tokio::test]
async fn two_pages_put_under_each_other_at_once_do_not_both_succeed() {
    let b = Board::new(&PAGES, &[("TTDT_WORKERS", "2"), ("TTDT_DB_POOL_SIZE", "8")]).await;
    for round in 0..4 {
        let one = b.create_with(&format!("Trang A{round}"), json!({})).await;
        let two = b.create_with(&format!("Trang B{round}"), json!({})).await;
        let (e1, e2) = (b.etag_of(&one).await, b.etag_of(&two).await);
        let (r1, r2) = futures::join!(
            b.patch(&b.chief.token, &one, &e1, json!({"parent_id": two})),
            b.patch(&b.chief.token, &two, &e2, json!({"parent_id": one})),
        );
        let ok = [&r1, &r2].iter().filter(|r| r.status == 200).count();
        assert_eq!(ok, 1, "round {round}: {} / {}", r1.text, r2.text);
        let refused = if r1.status == 200 { &r2 } else { &r1 };
        assert_eq!(
            refused.field_errors(),
            ["parent_id:page_cycle"],
            "{}",
            refused.text
        );
    }
}

#[tokio::test]
async fn a_draft_page_with_pages_under_it_is_not_deleted_from_under_them() {
    let b = Board::new(&PAGES, &[]).await;
    let r = b
        .app
        .post(
            "/api/v1/categories",
            Some(&b.chief.token),
            json!({"name": "Trang tạm", "kind": "introduction", "retention_class": "limited", "retention_years": 1}),
        )
        .await;
    let limited = r.body["id"].as_str().unwrap().to_owned();
    let top = b
        .create_with("Trang cha", json!({"category_id": limited}))
        .await;
    let child = b
        .create_with(
            "Trang con",
            json!({"category_id": limited, "parent_id": top}),
        )
        .await;
    let etag = b.etag_of(&top).await;
    b.delete(&top, &b.chief.token, Some(&etag))
        .await
        .problem(409, "in_use");
    let etag = b.etag_of(&child).await;
    assert_eq!(
        b.delete(&child, &b.chief.token, Some(&etag)).await.status,
        204
    );
    let etag = b.etag_of(&top).await;
    assert_eq!(
        b.delete(&top, &b.chief.token, Some(&etag)).await.status,
        204
    );
}
