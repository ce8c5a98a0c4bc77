//! Teaching resources beyond the kind suite: the library's filters, authors shown by name
//! (staff accounts and names written in), the grades the school teaches, and bad fields.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::kinds::{Board, RESOURCES};

async fn published(b: &Board, title: &str, extra: Value) -> String {
    let id = b.create_with(title, extra).await;
    b.publish(&id).await;
    id
}

fn titles(r: &Resp) -> Vec<String> {
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_library_filters_by_type_subject_grade_and_year_and_names_the_authors() {
    let b = Board::new(&RESOURCES, &[]).await;
    let id = published(
        &b,
        "Sáng kiến dạy phép chia lớp 3",
        json!({"award": "district"}),
    )
    .await;
    published(
        &b,
        "Bài giảng Tiếng Việt lớp 1",
        json!({"resource_type": "e_lesson",
        "subject": "Tiếng Việt", "grade": 1, "school_year": "2024-2025"}),
    )
    .await;
    published(
        &b,
        "Đề kiểm tra cuối kì I môn Toán",
        json!({"resource_type": "test_paper",
        "grade": null, "authors": []}),
    )
    .await;
    for (query, expected) in [
        (
            "",
            vec![
                "Đề kiểm tra cuối kì I môn Toán",
                "Bài giảng Tiếng Việt lớp 1",
                "Sáng kiến dạy phép chia lớp 3",
            ],
        ),
        ("resource_type=e_lesson", vec!["Bài giảng Tiếng Việt lớp 1"]),
        ("subject=tieng-viet", vec!["Bài giảng Tiếng Việt lớp 1"]),
        (
            "subject=Toán",
            vec![
                "Đề kiểm tra cuối kì I môn Toán",
                "Sáng kiến dạy phép chia lớp 3",
            ],
        ),
        ("grade=3", vec!["Sáng kiến dạy phép chia lớp 3"]),
        ("school_year=2024-2025", vec!["Bài giảng Tiếng Việt lớp 1"]),
        ("resource_type=initiative&grade=1", vec![]),
        ("q=phep%20chia", vec!["Sáng kiến dạy phép chia lớp 3"]),
        (
            "q=Luong%20Van%20Minh&resource_type=slides",
            vec![
                "Bài giảng Tiếng Việt lớp 1",
                "Sáng kiến dạy phép chia lớp 3",
            ],
        ),
    ] {
        let r = b.app.get(&format!("/api/v1/resources?{query}"), None).await;
        assert_eq!(r.status, 200, "{query}: {}", r.text);
        let mut got = titles(&r);
        if query.starts_with("q=") {
            got.sort();
        }
        let mut want: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        if query.starts_with("q=") {
            want.sort();
        }
        assert_eq!(got, want, "{query}");
    }
    r_problem(&b, "resource_type=poster").await;
    r_problem(&b, "grade=ba").await;

    let me = b.app.get("/api/v1/me", Some(&b.writer.token)).await;
    let r = b.app.get(&format!("/api/v1/resources/{id}"), None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["authors"],
        json!([{"name": me.body["display_name"], "staff": true}, {"name": "Lường Văn Minh", "staff": false}])
    );
    assert!(
        !r.text.contains(&b.writer.id),
        "the public sees names, not account ids"
    );
    assert_eq!(r.body["type_label"], "Sáng kiến kinh nghiệm");
    assert_eq!(r.body["award_label"], "Cấp huyện");
    assert_eq!(r.body["files"][0]["id"], b.file.as_str());
    assert_eq!(
        r.body["files"][0]["url"],
        format!("/api/v1/media/{}/file", b.file)
    );
}

async fn r_problem(b: &Board, query: &str) {
    b.app
        .get(&format!("/api/v1/resources?{query}"), None)
        .await
        .problem(400, "invalid_query");
}

#[tokio::test]
async fn grades_are_those_the_school_teaches() {
    let b = Board::new(&RESOURCES, &[]).await;
    for grade in [0, 6, 12] {
        let r = b
            .app
            .post(
                "/api/v1/resources",
                Some(&b.chief.token),
                b.body_with("Lớp lạ", json!({"grade": grade})),
            )
            .await;
        assert_eq!(
            r.field_errors(),
            ["grade:grade_not_taught"],
            "{grade}: {}",
            r.text
        );
    }
    // A lower secondary school teaches 6 to 9.
    let b = Board::new(&RESOURCES, &[("TTDT_GRADES", "6-9")]).await;
    let r = b
        .app
        .post(
            "/api/v1/resources",
            Some(&b.chief.token),
            b.body_with("Lớp 3", json!({"grade": 3})),
        )
        .await;
    assert_eq!(r.field_errors(), ["grade:grade_not_taught"], "{}", r.text);
    let r = b
        .app
        .post(
            "/api/v1/resources",
            Some(&b.chief.token),
            b.body_with("Lớp 7", json!({"grade": 7})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let etag = r.header("etag").unwrap().to_owned();
    let r = b
        .patch(&b.chief.token, &id, &etag, json!({"grade": 5}))
        .await;
    assert_eq!(r.field_errors(), ["grade:grade_not_taught"], "{}", r.text);
    let r = b
        .patch(&b.chief.token, &id, &etag, json!({"grade": null}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn bad_resources_are_refused_with_the_field_named_and_nothing_is_written() {
    let b = Board::new(&RESOURCES, &[]).await;
    let cases = [
        (
            json!({"school_year": "2025"}),
            "school_year:malformed_school_year",
        ),
        (
            json!({"school_year": "2025-2027"}),
            "school_year:malformed_school_year",
        ),
        (
            json!({"school_year": "2025–2026"}),
            "school_year:malformed_school_year",
        ),
        (json!({"authors": [{}]}), "authors[0]:author_needs_one_of"),
        (
            json!({"authors": [{"user_id": b.writer.id, "name": "Ai đó"}]}),
            "authors[0]:author_needs_one_of",
        ),
        (
            json!({"authors": [{"name": "  "}]}),
            "authors[0]:author_needs_one_of",
        ),
        (
            json!({"authors": [{"user_id": "khong-co"}]}),
            "authors[0].user_id:unknown_user",
        ),
        (
            json!({"authors": [{"name": "söa l¹i"}]}),
            "authors[0].name:legacy_vietnamese_encoding",
        ),
        (
            json!({"file_ids": ["khong-co"]}),
            "file_ids[0]:unknown_media",
        ),
        (json!({"title": ""}), "title:length"),
    ];
    for (extra, error) in cases {
        let r = b
            .app
            .post(
                "/api/v1/resources",
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
    for extra in [
        json!({"resource_type": "poster"}),
        json!({"award": "national"}),
        json!({"authors": [{"email": "a@b.vn"}]}),
    ] {
        let r = b
            .app
            .post(
                "/api/v1/resources",
                Some(&b.chief.token),
                b.body_with("Sai", extra.clone()),
            )
            .await;
        assert_eq!(r.status, 400, "{extra}: {}", r.text);
    }
    let list = b
        .app
        .get("/api/v1/editorial/resources", Some(&b.chief.token))
        .await;
    assert_eq!(list.body["items"], json!([]), "nothing was written");
    // A resource without files is a draft until it has one.
    let r = b
        .app
        .post(
            "/api/v1/resources",
            Some(&b.chief.token),
            b.body_with("Chưa có tệp", json!({"file_ids": []})),
        )
        .await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    b.steps(&id, &["submit", "approve"]).await;
    let etag = b.etag_of(&id).await;
    let r = b.step(&b.chief.token, &id, &etag, "publish", None).await;
    assert_eq!(r.field_errors(), ["file_ids:file_required"], "{}", r.text);
}
