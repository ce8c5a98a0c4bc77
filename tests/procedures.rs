//! Procedure guides beyond what the kind suite holds every kind to: the legal basis shown both
//! ways (and only when public), forms from the media library, the field filter, search by the
//! papers asked for, and the checks of a guide's own fields.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::kinds::{Board, PROCEDURES};
use crate::media::{file, jpeg, upload};

/// A legal-documents category and a document in it, published or not; returns its id.
async fn document(b: &Board, category: &str, number: &str, publish: bool) -> String {
    let r = b
        .app
        .post(
            "/api/v1/documents",
            Some(&b.chief.token),
            json!({
                "number": number, "form": "circular",
                "title": format!("Thông tư {number}"),
                "issuer": "Bộ Giáo dục và Đào tạo", "signed_on": "2020-12-30",
                "category_id": category, "file_ids": [b.file],
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    if publish {
        document_steps(b, &id, &["submit", "approve", "publish"]).await;
    }
    id
}

async fn document_steps(b: &Board, id: &str, steps: &[&str]) {
    for step in steps {
        let r = b
            .app
            .get(
                &format!("/api/v1/editorial/documents/{id}"),
                Some(&b.chief.token),
            )
            .await;
        let etag = r.header("etag").unwrap().to_owned();
        let r = b
            .app
            .call_with(
                reqwest::Method::POST,
                &format!("/api/v1/documents/{id}/{step}"),
                Some(&b.chief.token),
                None,
                &[("If-Match", &etag)],
            )
            .await;
        assert_eq!(r.status, 200, "{step}: {}", r.text);
    }
}

async fn published_guide(b: &Board, title: &str, extra: Value) -> String {
    let id = b.create_with(title, extra).await;
    b.publish(&id).await;
    id
}

#[tokio::test]
async fn the_legal_basis_shows_on_both_sides_and_only_when_public() {
    let b = Board::new(&PROCEDURES, &[]).await;
    let legal = b.app.category("Văn bản", "legal_documents").await;
    let circular = document(&b, &legal, "28/2020/TT-BGDĐT", true).await;
    let draft_doc = document(&b, &legal, "32/2020/TT-BGDĐT", false).await;
    let id = published_guide(
        &b,
        "Chuyển trường đối với học sinh tiểu học",
        json!({"code": "1.004493", "fee_vnd": 0, "legal_basis": [draft_doc, circular]}),
    )
    .await;

    // The guide names only the published document; the draft one stays out of sight.
    let r = b.app.get(&format!("/api/v1/procedures/{id}"), None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let basis = r.body["legal_basis"].as_array().unwrap();
    assert_eq!(basis.len(), 1, "{}", r.text);
    assert_eq!(basis[0]["id"], circular.as_str());
    assert_eq!(basis[0]["number"], "28/2020/TT-BGDĐT");
    assert!(!r.text.contains(&draft_doc), "{}", r.text);
    assert_eq!(r.body["code"], "1.004493");
    assert_eq!(r.body["fee_label"], "Miễn phí");
    assert_eq!(r.body["processing_label"], "3 ngày làm việc");
    assert_eq!(r.body["steps"][0]["number"], 1);
    assert_eq!(r.body["submission"][0]["label"], "Nộp trực tiếp");
    // The paper's form is the PDF of the media library, with its download address.
    let form = &r.body["papers"][0]["form"];
    assert_eq!(form["id"], b.file.as_str());
    assert_eq!(form["content_type"], "application/pdf");
    assert_eq!(form["url"], format!("/api/v1/media/{}/file", b.file));
    assert_eq!(r.body["papers"][0]["copy_label"], "Bản chính");
    assert_eq!(r.body["papers"][0]["copies"], 1);

    // The document lists the guide based on it.
    let d = b
        .app
        .get(&format!("/api/v1/documents/{circular}"), None)
        .await;
    assert_eq!(d.status, 200, "{}", d.text);
    assert_eq!(
        d.body["procedures"],
        json!([{"id": id, "slug": "chuyen-truong-doi-voi-hoc-sinh-tieu-hoc",
                "title": "Chuyển trường đối với học sinh tiểu học"}])
    );

    // Once the second document is published, the guide shows it too, in the guide's order.
    document_steps(&b, &draft_doc, &["submit", "approve", "publish"]).await;
    let r = b.app.get(&format!("/api/v1/procedures/{id}"), None).await;
    let numbers: Vec<&str> = r.body["legal_basis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["32/2020/TT-BGDĐT", "28/2020/TT-BGDĐT"]);

    // A guide taken off the site is no longer listed on the document.
    b.steps(&id, &["unpublish"]).await;
    let d = b
        .app
        .get(&format!("/api/v1/documents/{circular}"), None)
        .await;
    assert_eq!(d.body["procedures"], json!([]), "{}", d.text);
}

#[tokio::test]
async fn an_unpublished_basis_document_is_not_shown_and_a_draft_guide_is_not_listed_on_it() {
    let b = Board::new(&PROCEDURES, &[]).await;
    let legal = b.app.category("Văn bản", "legal_documents").await;
    let circular = document(&b, &legal, "28/2020/TT-BGDĐT", true).await;
    // A guide in draft names the document: the document's page does not show it.
    let r = b
        .app
        .post(
            "/api/v1/procedures",
            Some(&b.chief.token),
            b.body_with("Thủ tục nháp", json!({"legal_basis": [circular]})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let d = b
        .app
        .get(&format!("/api/v1/documents/{circular}"), None)
        .await;
    assert_eq!(d.body["procedures"], json!([]), "{}", d.text);
    // A published guide whose document is taken off the registry stops naming it.
    let id = published_guide(&b, "Thủ tục công khai", json!({"legal_basis": [circular]})).await;
    document_steps(&b, &circular, &["unpublish"]).await;
    let r = b.app.get(&format!("/api/v1/procedures/{id}"), None).await;
    assert_eq!(r.body["legal_basis"], json!([]), "{}", r.text);
}

#[tokio::test]
async fn the_public_list_filters_by_field_and_lists_the_fields() {
    let b = Board::new(&PROCEDURES, &[]).await;
    published_guide(&b, "Chuyển trường", json!({})).await;
    published_guide(&b, "Xét tuyển vào lớp 1", json!({})).await;
    published_guide(
        &b,
        "Cấp bản sao văn bằng",
        json!({"field": "Văn bằng, chứng chỉ"}),
    )
    .await;
    let titles = |r: &Resp| -> Vec<String> {
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["title"].as_str().unwrap().to_owned())
            .collect()
    };
    for filter in [
        "giao-duc-tieu-hoc",
        "Giáo dục tiểu học",
        "GIÁO DỤC TIỂU HỌC",
    ] {
        let r = b
            .app
            .get(&format!("/api/v1/procedures?field={filter}"), None)
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(
            titles(&r),
            ["Xét tuyển vào lớp 1", "Chuyển trường"],
            "{filter}"
        );
    }
    let r = b
        .app
        .get("/api/v1/procedures?field=van-bang-chung-chi", None)
        .await;
    assert_eq!(titles(&r), ["Cấp bản sao văn bằng"]);
    assert_eq!(r.body["items"][0]["fee_label"], "Miễn phí");
    let r = b.app.get("/api/v1/procedures?field=khong-co", None).await;
    assert_eq!(titles(&r), Vec::<String>::new());
    let r = b.app.get("/api/v1/procedure-fields", None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["items"],
        json!([
            {"field": "Giáo dục tiểu học", "key": "giao-duc-tieu-hoc", "count": 2},
            {"field": "Văn bằng, chứng chỉ", "key": "van-bang-chung-chi", "count": 1},
        ])
    );
}

#[tokio::test]
async fn search_finds_a_guide_by_its_name_and_by_the_papers_it_asks_for() {
    let b = Board::new(&PROCEDURES, &[]).await;
    published_guide(
        &b,
        "Xét tuyển học sinh vào lớp 1",
        json!({"papers": [
            {"name": "Bản sao giấy khai sinh", "copy": "certified_copy"},
            {"name": "Sổ hộ khẩu", "copy": "copy", "copies": 2},
        ]}),
    )
    .await;
    published_guide(&b, "Chuyển trường", json!({})).await;
    for q in ["giay khai sinh", "giấy khai sinh", "xet tuyen lop 1"] {
        let r = b.app.get(&format!("/api/v1/procedures?q={q}"), None).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let items = r.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{q}: {}", r.text);
        assert_eq!(items[0]["title"], "Xét tuyển học sinh vào lớp 1");
        let site = b
            .app
            .get(&format!("/api/v1/search?q={q}&kind=procedure"), None)
            .await;
        assert_eq!(
            site.body["items"][0]["title"], "Xét tuyển học sinh vào lớp 1",
            "{}",
            site.text
        );
        assert_eq!(site.body["items"].as_array().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_guide_with_bad_fields_is_refused_with_the_field_named_and_nothing_is_written() {
    let b = Board::new(&PROCEDURES, &[]).await;
    let legal = b.app.category("Văn bản", "legal_documents").await;
    let circular = document(&b, &legal, "28/2020/TT-BGDĐT", false).await;
    let r = upload(
        &b.app,
        Some(&b.chief.token),
        &[file("anh.jpg", None, jpeg(40, 30))],
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let image = r.body["id"].as_str().unwrap().to_owned();
    let article = b.app.category("Tin tức", "news").await;
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"code": "BGD-263614"}),
            "code:malformed_procedure_code",
        ),
        (json!({"code": "1.00449"}), "code:malformed_procedure_code"),
        (
            json!({"submission": [{"method": "online"}]}),
            "submission[0].url:url_required",
        ),
        (
            json!({"submission": [{"method": "online", "url": "javascript:alert(1)"}]}),
            "submission[0].url:web_url",
        ),
        (
            json!({"submission": [{"method": "online", "url": "dichvucong.gov.vn"}]}),
            "submission[0].url:web_url",
        ),
        (
            json!({"submission": [{"method": "post", "place": "Bưu điện", "url": "https://x.vn"}]}),
            "submission[0].url:url_only_online",
        ),
        (
            json!({"submission": [{"method": "in_person"}]}),
            "submission[0].place:place_required",
        ),
        (json!({"fee_vnd": -1}), "fee_vnd:range"),
        (json!({"processing_days": 400}), "processing_days:range"),
        (json!({"processing_days": -1}), "processing_days:range"),
        (
            json!({"papers": [{"name": "Đơn", "copy": "original", "copies": 0}]}),
            "papers[0].copies:range",
        ),
        (
            json!({"papers": [{"name": "", "copy": "original"}]}),
            "papers[0].name:length",
        ),
        (
            json!({"papers": [{"name": "Đơn\u{0}", "copy": "original"}]}),
            "papers[0].name:nul_character",
        ),
        (
            json!({"papers": [{"name": "Đơn", "copy": "original", "form_media_id": image}]}),
            "papers[0].form_media_id:unknown_form_file",
        ),
        (
            json!({"papers": [{"name": "Đơn", "copy": "original", "form_media_id": "khong-co"}]}),
            "papers[0].form_media_id:unknown_form_file",
        ),
        (
            json!({"legal_basis": ["khong-co"]}),
            "legal_basis[0]:unknown_document",
        ),
        (
            json!({"legal_basis": [circular, circular]}),
            "legal_basis[1]:duplicate_legal_basis",
        ),
        (
            json!({"steps": [{"title": "", "text": "x"}]}),
            "steps[0].title:length",
        ),
        // "Sửa lại hồ sơ" typed in TCVN3.
        (
            json!({"steps": [{"title": "söa l¹i hå s¬"}]}),
            "steps[0].title:legacy_vietnamese_encoding",
        ),
        (json!({"field": ""}), "field:length"),
        (json!({"unit": ""}), "unit:length"),
    ];
    for (extra, expected) in &cases {
        let r = b
            .app
            .post(
                "/api/v1/procedures",
                Some(&b.chief.token),
                b.body_with("Thủ tục sai", extra.clone()),
            )
            .await;
        assert_eq!(r.status, 422, "{extra}: {}", r.text);
        assert_eq!(
            r.header("content-type"),
            Some("application/problem+json"),
            "{extra}"
        );
        assert!(
            r.field_errors().contains(&expected.to_string()),
            "{extra}: {}",
            r.text
        );
    }
    // Wrong shapes are 400s: an unknown field in a step, a copy kind that does not exist.
    for extra in [
        json!({"steps": [{"title": "Bước", "note": "x"}]}),
        json!({"papers": [{"name": "Đơn", "copy": "photocopy"}]}),
        json!({"submission": [{"method": "fax", "place": "x"}]}),
        json!({"fee_vnd": "miễn phí"}),
    ] {
        let r = b
            .app
            .post(
                "/api/v1/procedures",
                Some(&b.chief.token),
                b.body_with("Thủ tục sai", extra.clone()),
            )
            .await;
        assert_eq!(r.status, 400, "{extra}: {}", r.text);
    }
    // A guide may not be filed under a news category either.
    let r = b
        .app
        .post(
            "/api/v1/procedures",
            Some(&b.chief.token),
            b.body_with("Thủ tục sai", json!({"category_id": article})),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    // The same checks hold on update; none of it was written.
    let list = b
        .app
        .get("/api/v1/editorial/procedures", Some(&b.chief.token))
        .await;
    assert_eq!(list.body["items"], json!([]), "{}", list.text);
    let id = published_guide(&b, "Thủ tục đúng", json!({})).await;
    let etag = b.etag_of(&id).await;
    let r = b
        .patch(
            &b.chief.token,
            &id,
            &etag,
            json!({"submission": [{"method": "online"}]}),
        )
        .await;
    assert_eq!(
        r.field_errors(),
        ["submission[0].url:url_required"],
        "{}",
        r.text
    );
    let r = b
        .patch(&b.chief.token, &id, &etag, json!({"code": "1.004493"}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let etag = r.header("etag").unwrap().to_owned();
    let r = b
        .patch(&b.chief.token, &id, &etag, json!({"code": null}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["code"], Value::Null);
    let r = b.app.get(&format!("/api/v1/procedures/{id}"), None).await;
    assert_eq!(r.body["submission"][0]["method"], "in_person", "{}", r.text);
}

#[tokio::test]
async fn publishing_needs_a_step_and_a_way_to_submit() {
    let b = Board::new(&PROCEDURES, &[]).await;
    let r = b
        .app
        .post(
            "/api/v1/procedures",
            Some(&b.chief.token),
            b.body_with("Thủ tục chưa xong", json!({"steps": [], "submission": []})),
        )
        .await;
    assert_eq!(r.status, 201, "a draft may be unfinished: {}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    b.steps(&id, &["submit", "approve"]).await;
    let etag = b.etag_of(&id).await;
    let r = b.step(&b.chief.token, &id, &etag, "publish", None).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let mut errors = r.field_errors();
    errors.sort();
    assert_eq!(
        errors,
        ["steps:steps_required", "submission:submission_required"]
    );
    assert_eq!(
        b.app
            .get(&format!("/api/v1/procedures/{id}"), None)
            .await
            .status,
        404
    );
}
