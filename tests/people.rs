//! The leadership and staff directory beyond the kind suite: contact fields flagged not
//! public never reach any public response (a scan of every public endpoint of the spec), who
//! is in office and who was, and the checks of a person's own fields.

use serde_json::{Value, json};

use crate::kinds::{Board, PEOPLE};

const PRIVATE_PHONE: &str = "0987 654 321";
const PRIVATE_EMAIL: &str = "lo.thanh.rieng@gmail.com";
const PRIVATE_ADDRESS: &str = "Nhà riêng, bản Huổi Văn";
const PUBLIC_PHONE: &str = "0215 3 840 123";

async fn person(b: &Board, title: &str, extra: Value) -> String {
    let id = b.create_with(title, extra).await;
    b.publish(&id).await;
    id
}

/// Whether `text` holds any private value, as written or run together.
fn leaks(text: &str) -> Option<&'static str> {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    [PRIVATE_PHONE, PRIVATE_EMAIL, PRIVATE_ADDRESS]
        .into_iter()
        .find(|v| text.contains(v))
        .or_else(|| digits.contains("0987654321").then_some(PRIVATE_PHONE))
}

#[tokio::test]
async fn no_public_response_anywhere_holds_a_contact_field_not_flagged_public() {
    let b = Board::new(&PEOPLE, &[]).await;
    let contacts = json!([
        {"kind": "phone", "value": PUBLIC_PHONE, "public": true},
        {"kind": "email", "value": "hieutruong@muongmuon.edu.vn", "public": true},
        {"kind": "phone", "value": PRIVATE_PHONE, "public": false},
        {"kind": "email", "value": PRIVATE_EMAIL},
        {"kind": "address", "value": PRIVATE_ADDRESS, "public": false},
    ]);
    let id = person(
        &b,
        "Lò Văn Thành",
        json!({"position": "Hiệu trưởng", "unit": "Ban giám hiệu", "contacts": contacts,
               "bio": "Hiệu trưởng từ năm 2020."}),
    )
    .await;
    // Staff see every field.
    let staff = b
        .app
        .get(
            &format!("/api/v1/editorial/leadership/{id}"),
            Some(&b.chief.token),
        )
        .await;
    assert_eq!(leaks(&staff.text), Some(PRIVATE_PHONE), "{}", staff.text);

    // Every public GET of the spec, with this person's id and slug where it takes one, and
    // the searches that would find the private values if they were anywhere.
    let spec = b.app.get("/api/v1/openapi.json", None).await;
    let mut paths = Vec::new();
    for (path, ops) in spec.body["paths"].as_object().unwrap() {
        let Some(op) = ops.get("get") else { continue };
        if op["security"].as_array().is_some_and(|s| !s.is_empty()) || path.contains("{number") {
            continue;
        }
        for key in [id.as_str(), "lo-van-thanh"] {
            paths.push(path.replace("{id}", key).replace("{_:.*}", "index.html"));
        }
    }
    paths.sort();
    paths.dedup();
    assert!(paths.iter().any(|p| p.starts_with("/api/v1/leadership/")));
    for q in [
        "Lò Văn Thành",
        "0987 654 321",
        "0987654321",
        "lo.thanh.rieng",
        "gmail",
        "Huổi Văn",
        "hieu truong",
    ] {
        paths.push(format!("/api/v1/search?q={q}"));
        paths.push(format!("/api/v1/leadership?term=all&q={q}"));
    }
    let mut read = 0;
    for path in &paths {
        let r = b.app.get(path, None).await;
        if r.status == 200 {
            read += 1;
        }
        assert_eq!(leaks(&r.text), None, "{path}: {}", r.text);
    }
    assert!(read >= 10, "the scan read the public API ({read} answers)");
    // The public ones are there, so the scan looked at the right thing.
    let r = b.app.get("/api/v1/leadership/lo-van-thanh", None).await;
    assert_eq!(
        r.body["contacts"],
        json!([{"kind": "phone", "value": PUBLIC_PHONE}, {"kind": "email", "value": "hieutruong@muongmuon.edu.vn"}])
    );
    for q in ["0987654321", "lo.thanh.rieng", "Huổi Văn"] {
        let r = b.app.get(&format!("/api/v1/search?q={q}"), None).await;
        assert_eq!(r.body["items"], json!([]), "{q}: {}", r.text);
    }
    let r = b
        .app
        .get("/api/v1/search?q=0215%203%20840%20123", None)
        .await;
    assert_eq!(
        r.body["items"].as_array().unwrap().len(),
        1,
        "public contacts are found: {}",
        r.text
    );

    // A contact made private and published again is gone from the public side.
    let etag = b.etag_of(&id).await;
    let r = b
        .patch(
            &b.chief.token,
            &id,
            &etag,
            json!({"contacts": [{"kind": "phone", "value": PUBLIC_PHONE, "public": false}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    b.steps(&id, &["submit", "approve", "publish"]).await;
    let r = b.app.get("/api/v1/leadership?term=all", None).await;
    assert_eq!(r.body["items"][0]["contacts"], json!([]), "{}", r.text);
    assert!(!r.text.contains(PUBLIC_PHONE));
}

#[tokio::test]
async fn the_directory_lists_who_is_in_office_in_order_and_keeps_past_holders() {
    let b = Board::new(&PEOPLE, &[]).await;
    person(
        &b,
        "Lò Văn Thành",
        json!({"position": "Hiệu trưởng", "unit": "Ban giám hiệu",
        "order": 1, "term_start": "2020-09-01"}),
    )
    .await;
    person(
        &b,
        "Quàng Thị Xuân",
        json!({"position": "Phó Hiệu trưởng", "unit": "Ban giám hiệu",
        "order": 2}),
    )
    .await;
    person(
        &b,
        "Vì Văn Sơn",
        json!({"position": "Hiệu trưởng", "unit": "Ban giám hiệu",
        "order": 1, "term_start": "2010-09-01", "term_end": "2015-08-15"}),
    )
    .await;
    person(
        &b,
        "Cà Văn Hùng",
        json!({"position": "Hiệu trưởng", "unit": "Ban giám hiệu",
        "order": 1, "term_start": "2015-08-15", "term_end": "2020-09-01"}),
    )
    .await;
    person(
        &b,
        "Lường Thị Hoa",
        json!({"position": "Tổ trưởng", "unit": "Tổ chuyên môn khối 1",
        "order": 10}),
    )
    .await;
    let names = |r: &crate::helpers::Resp| -> Vec<String> {
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let r = b.app.get("/api/v1/leadership", None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        names(&r),
        ["Lò Văn Thành", "Quàng Thị Xuân", "Lường Thị Hoa"]
    );
    assert!(
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["in_office"] == true)
    );
    let r = b.app.get("/api/v1/leadership?term=past", None).await;
    assert_eq!(
        names(&r),
        ["Cà Văn Hùng", "Vì Văn Sơn"],
        "the latest to leave first"
    );
    assert_eq!(r.body["items"][0]["term_end"], "2020-09-01");
    assert_eq!(r.body["items"][0]["in_office"], false);
    for unit in ["ban-giam-hieu", "Ban giám hiệu"] {
        let r = b
            .app
            .get(&format!("/api/v1/leadership?term=all&unit={unit}"), None)
            .await;
        assert_eq!(names(&r).len(), 4, "{unit}: {}", r.text);
    }
    let r = b.app.get("/api/v1/leadership?term=someday", None).await;
    r.problem(400, "invalid_query");
}

#[tokio::test]
async fn bad_directory_entries_are_refused_with_the_field_named() {
    let b = Board::new(&PEOPLE, &[]).await;
    let cases = [
        (
            json!({"contacts": [{"kind": "phone", "value": "gọi cho tôi"}]}),
            "contacts[0].value:invalid_phone",
        ),
        (
            json!({"contacts": [{"kind": "phone", "value": "112"}]}),
            "contacts[0].value:invalid_phone",
        ),
        (
            json!({"contacts": [{"kind": "email", "value": "hieutruong@"}]}),
            "contacts[0].value:email",
        ),
        (
            json!({"contacts": [{"kind": "website", "value": "javascript:alert(1)"}]}),
            "contacts[0].value:web_url",
        ),
        (
            json!({"contacts": [{"kind": "address", "value": ""}]}),
            "contacts[0].value:length",
        ),
        (
            json!({"term_start": "2020-09-01", "term_end": "2020-09-01"}),
            "term_end:term_end_before_start",
        ),
        (
            json!({"photo_media_id": "khong-co"}),
            "photo_media_id:unknown_image",
        ),
        (json!({"position": ""}), "position:length"),
        (
            json!({"contacts": [{"kind": "address", "value": "söa l¹i hå s¬"}]}),
            "contacts[0].value:legacy_vietnamese_encoding",
        ),
    ];
    for (extra, error) in cases {
        let body = b.body_with("Người sai", extra.clone());
        let r = b
            .app
            .post("/api/v1/leadership", Some(&b.chief.token), body)
            .await;
        assert_eq!(r.status, 422, "{extra}: {}", r.text);
        assert!(
            r.field_errors().contains(&error.to_owned()),
            "{extra}: {}",
            r.text
        );
    }
    for extra in [
        json!({"contacts": [{"kind": "fax", "value": "0215 3 840 123"}]}),
        json!({"contacts": [{"kind": "phone", "value": "0215 3 840 123", "secret": true}]}),
        json!({"order": "đầu tiên"}),
    ] {
        let body = b.body_with("Người sai", extra.clone());
        let r = b
            .app
            .post("/api/v1/leadership", Some(&b.chief.token), body)
            .await;
        assert_eq!(r.status, 400, "{extra}: {}", r.text);
    }
    let list = b
        .app
        .get("/api/v1/editorial/leadership", Some(&b.chief.token))
        .await;
    assert_eq!(list.body["items"], json!([]), "nothing was written");
}
