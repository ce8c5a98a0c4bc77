//! The document registry on the editorial machine: numbers, forms, files, relations, validity
//! and the public reads, over HTTP.

use serde_json::{Value, json};

use crate::helpers::*;
use crate::media::{PDF, file, upload};

struct Registry {
    app: TestApp,
    chief: String,
    category: String,
    pdf: String,
}

async fn registry() -> Registry {
    registry_on(spawn_app().await).await
}

async fn registry_on(app: TestApp) -> Registry {
    let category = app.category("Văn bản nhà trường", "legal_documents").await;
    let chief = app.staff("editor_in_chief").await.token;
    let r = upload(
        &app,
        Some(&chief),
        &[file("quyet-dinh.pdf", None, PDF.to_vec())],
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let pdf = r.body["id"].as_str().unwrap().to_owned();
    Registry {
        app,
        chief,
        category,
        pdf,
    }
}

impl Registry {
    fn body(&self, number: &str, form: &str, extra: Value) -> Value {
        let mut body = json!({
            "number": number,
            "form": form,
            "title": format!("Văn bản {number}"),
            "issuer": "Trường PTDTBT Tiểu học Mường Mươn",
            "signer": "Lò Văn Thành",
            "signer_title": "Hiệu trưởng",
            "signed_on": "2025-09-05",
            "category_id": self.category,
            "file_ids": [self.pdf],
        });
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    }

    async fn create(&self, number: &str, form: &str, extra: Value) -> Resp {
        self.app
            .post(
                "/api/v1/documents",
                Some(&self.chief),
                self.body(number, form, extra),
            )
            .await
    }

    /// Creates and publishes; returns the id.
    async fn published(&self, number: &str, form: &str, extra: Value) -> String {
        let r = self.create(number, form, extra).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let id = r.body["id"].as_str().unwrap().to_owned();
        self.publish(&id).await;
        id
    }

    async fn step(&self, id: &str, action: &str) -> Resp {
        let r = self
            .app
            .get(
                &format!("/api/v1/editorial/documents/{id}"),
                Some(&self.chief),
            )
            .await;
        let etag = r.header("etag").unwrap().to_owned();
        self.app
            .call_with(
                reqwest::Method::POST,
                &format!("/api/v1/documents/{id}/{action}"),
                Some(&self.chief),
                None,
                &[("If-Match", &etag)],
            )
            .await
    }

    async fn publish(&self, id: &str) {
        for action in ["submit", "approve", "publish"] {
            let r = self.step(id, action).await;
            assert_eq!(r.status, 200, "{action}: {}", r.text);
        }
    }
}

#[tokio::test]
async fn a_document_is_written_reviewed_published_and_found_by_its_number() {
    let reg = registry().await;
    let id = reg
        .published(
            "38/qđ-ths1mm",
            "decision",
            json!({ "effective_on": "2025-09-05" }),
        )
        .await;
    // The number is kept in its usual form.
    let item = reg.app.get(&format!("/api/v1/documents/{id}"), None).await;
    assert_eq!(item.status, 200, "{}", item.text);
    assert_eq!(item.body["number"], "38/QĐ-THS1MM");
    assert_eq!(item.body["validity"], "in_force");
    assert_eq!(item.body["files"][0]["id"], reg.pdf.as_str());
    assert_eq!(item.body["files"][0]["content_type"], "application/pdf");
    // By number, slash and all, in any case, with or without Đ.
    for written in ["38/QĐ-THS1MM", "38%2Fqd-ths1mm", "38/qđ-Ths1mm"] {
        let r = reg
            .app
            .get(&format!("/api/v1/documents/by-number/{written}"), None)
            .await;
        assert_eq!(r.status, 200, "{written}: {}", r.text);
        assert_eq!(r.body["id"], id.as_str());
    }
    reg.app
        .get("/api/v1/documents/by-number/39/QĐ-THS1MM", None)
        .await
        .problem(404, "not_found");
    reg.app
        .get("/api/v1/documents/by-number/QĐ-38", None)
        .await
        .problem(422, "validation_failed");
    // Search over the number, in the list and site-wide.
    for q in ["38%2FQ%C4%90", "qd-ths1mm"] {
        let r = reg.app.get(&format!("/api/v1/documents?q={q}"), None).await;
        assert_eq!(r.body["items"][0]["id"], id.as_str(), "{q}: {}", r.text);
        let r = reg.app.get(&format!("/api/v1/search?q={q}"), None).await;
        assert_eq!(r.body["items"][0]["kind"], "document", "{q}: {}", r.text);
        assert_eq!(
            r.body["items"][0]["url"],
            format!("/api/v1/documents/{}", item.body["slug"].as_str().unwrap())
        );
    }
    // Filters.
    for (query, found) in [
        ("form=decision", true),
        ("form=plan", false),
        ("issuer=ths1mm", true),
        ("year=2025", true),
        ("year=2024", false),
        ("validity=in_force", true),
        ("validity=expired", false),
        ("signed_from=2025-09-05&signed_to=2025-09-05", true),
        ("signed_from=2025-09-06", false),
    ] {
        let r = reg
            .app
            .get(&format!("/api/v1/documents?{query}"), None)
            .await;
        assert_eq!(r.status, 200, "{query}: {}", r.text);
        assert_eq!(
            r.body["items"].as_array().unwrap().len(),
            usize::from(found),
            "{query}"
        );
    }
    // Articles do not show documents, nor documents articles.
    let r = reg.app.get("/api/v1/articles", None).await;
    assert!(r.body["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn numbers_forms_files_and_categories_are_checked() {
    let reg = registry().await;
    let r = reg.create("38/QĐ-THS1MM", "decision", json!({})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    // Unique per issuer and year, whatever the case or Đ.
    reg.create("38/qd-ths1mm", "decision", json!({}))
        .await
        .problem(409, "document_number_taken");
    // Another year is another number.
    let r = reg
        .create(
            "38/QĐ-THS1MM",
            "decision",
            json!({ "signed_on": "2026-01-05" }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let bad = [
        ("QĐ-38", "decision", json!({}), "number"),
        ("38/KH-THS1MM", "decision", json!({}), "form"),
        (
            "39/QĐ-THS1MM",
            "decision",
            json!({ "file_ids": ["nope"] }),
            "file_ids",
        ),
        (
            "40/QĐ-THS1MM",
            "decision",
            json!({ "effective_on": "2025-09-10", "expires_on": "2025-09-01" }),
            "expires_on",
        ),
        (
            "41/QĐ-THS1MM",
            "decision",
            json!({ "relations": [{ "kind": "replaces", "document_id": "nope" }] }),
            "relations",
        ),
    ];
    for (number, form, extra, field) in bad {
        let r = reg.create(number, form, extra).await;
        assert_eq!(r.status, 422, "{number}: {}", r.text);
        assert!(
            r.text.contains(&format!("\"{field}\"")),
            "{number}: {}",
            r.text
        );
    }
    // A news category does not take documents.
    let news = reg.app.category("Tin tức", "news").await;
    let r = reg
        .create("42/QĐ-THS1MM", "decision", json!({ "category_id": news }))
        .await;
    r.problem(422, "validation_failed");
    assert!(r.text.contains("category_kind_mismatch"), "{}", r.text);
    // Without a file it cannot be published.
    let r = reg
        .create("43/QĐ-THS1MM", "decision", json!({ "file_ids": [] }))
        .await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    for action in ["submit", "approve"] {
        assert_eq!(reg.step(&id, action).await.status, 200);
    }
    let r = reg.step(&id, "publish").await;
    r.problem(422, "validation_failed");
    assert!(r.text.contains("file_required"), "{}", r.text);
}

#[tokio::test]
async fn relations_show_both_ways_only_between_published_documents_and_never_circle() {
    let reg = registry().await;
    let old = reg
        .published(
            "12/QĐ-THS1MM",
            "decision",
            json!({ "signed_on": "2024-09-01" }),
        )
        .await;
    // A replacing decision taking effect in the future leaves the old one in force.
    let new = reg
        .published(
            "38/QĐ-THS1MM",
            "decision",
            json!({ "effective_on": "2099-01-01",
                    "relations": [{ "kind": "replaces", "document_id": old }] }),
        )
        .await;
    let o = reg.app.get(&format!("/api/v1/documents/{old}"), None).await;
    assert_eq!(o.body["validity"], "in_force", "{}", o.text);
    assert_eq!(o.body["relations"][0]["direction"], "incoming");
    assert_eq!(o.body["relations"][0]["label"], "Bị thay thế bởi");
    assert_eq!(o.body["relations"][0]["id"], new.as_str());
    let n = reg.app.get(&format!("/api/v1/documents/{new}"), None).await;
    assert_eq!(n.body["validity"], "not_yet_in_force");
    assert_eq!(n.body["relations"][0]["label"], "Thay thế");
    // In force from today: the old one is replaced.
    let r = reg
        .app
        .get(
            &format!("/api/v1/editorial/documents/{new}"),
            Some(&reg.chief),
        )
        .await;
    let etag = r.header("etag").unwrap().to_owned();
    let r = reg
        .app
        .call_with(
            reqwest::Method::PATCH,
            &format!("/api/v1/documents/{new}"),
            Some(&reg.chief),
            Some(json!({ "effective_on": "2025-09-10" })),
            &[("If-Match", &etag)],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The change is not public until published again.
    let o = reg.app.get(&format!("/api/v1/documents/{old}"), None).await;
    assert_eq!(o.body["validity"], "in_force");
    reg.publish(&new).await;
    let o = reg.app.get(&format!("/api/v1/documents/{old}"), None).await;
    assert_eq!(o.body["validity"], "replaced", "{}", o.text);
    let r = reg
        .app
        .get("/api/v1/documents?validity=replaced", None)
        .await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1, "{}", r.text);
    assert_eq!(r.body["items"][0]["id"], old.as_str());
    // Unpublished, the replacing document neither shows nor replaces.
    assert_eq!(reg.step(&new, "unpublish").await.status, 200);
    let o = reg.app.get(&format!("/api/v1/documents/{old}"), None).await;
    assert_eq!(o.body["validity"], "in_force");
    assert!(
        o.body["relations"].as_array().unwrap().is_empty(),
        "{}",
        o.text
    );
    // The old one may not, in turn, replace the new one: that closes a circle.
    let r = reg
        .app
        .get(
            &format!("/api/v1/editorial/documents/{old}"),
            Some(&reg.chief),
        )
        .await;
    let etag = r.header("etag").unwrap().to_owned();
    let r = reg
        .app
        .call_with(
            reqwest::Method::PATCH,
            &format!("/api/v1/documents/{old}"),
            Some(&reg.chief),
            Some(json!({ "relations": [{ "kind": "amends", "document_id": new }] })),
            &[("If-Match", &etag)],
        )
        .await;
    r.problem(422, "validation_failed");
    assert!(r.text.contains("relation_cycle"), "{}", r.text);
}

/// Validity turns at midnight in Vietnam (UTC+7) without a write, on the item and in the
/// list's filter alike; a replacement counts from its own effective day, and only while
/// published. The server's clock is moved by hand across each boundary.
#[tokio::test]
async fn validity_turns_at_midnight_in_vietnam_and_follows_published_replacements() {
    use chrono::{DateTime, Utc};
    let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    let clock = ttdt::clock::Clock::fixed(at("2026-03-09T16:59:59Z"));
    let reg = registry_on(spawn_app_at(clock.clone()).await).await;
    // In force from 10 March; 20 March is its first day out of force.
    let a = reg
        .published(
            "5/QĐ-THS1MM",
            "decision",
            json!({ "signed_on": "2026-03-01", "effective_on": "2026-03-10",
                    "expires_on": "2026-03-20" }),
        )
        .await;
    let app = &reg.app;
    let check = async |when: &str, want: &str| {
        clock.set(at(when));
        let item = app.get(&format!("/api/v1/documents/{a}"), None).await;
        assert_eq!(item.body["validity"], want, "{when}: {}", item.text);
        let list = app
            .get(&format!("/api/v1/documents?validity={want}"), None)
            .await;
        let ids: Vec<&str> = list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|d| d["id"].as_str())
            .collect();
        assert!(
            ids.contains(&a.as_str()),
            "{when}: the {want} list holds it"
        );
        let by_number = app
            .get("/api/v1/documents/by-number/5/QĐ-THS1MM", None)
            .await;
        assert_eq!(by_number.body["validity"], want, "{when}");
    };
    // 23:59:59 on 9 March in Vietnam; one second later it is 10 March there, while UTC is
    // still on the 9th.
    check("2026-03-09T16:59:59Z", "not_yet_in_force").await;
    check("2026-03-09T17:00:00Z", "in_force").await;
    check("2026-03-10T12:00:00Z", "in_force").await;
    // The last day in force is 19 March; 20 March starts at 17:00 UTC on the 19th.
    check("2026-03-19T16:59:59Z", "in_force").await;
    check("2026-03-19T17:00:00Z", "expired").await;

    // A replacement published on 12 March, in force from 15 March.
    check("2026-03-12T03:00:00Z", "in_force").await;
    let b = reg
        .published(
            "9/QĐ-THS1MM",
            "decision",
            json!({ "signed_on": "2026-03-12", "effective_on": "2026-03-15",
                    "relations": [{ "kind": "replaces", "document_id": a }] }),
        )
        .await;
    check("2026-03-14T16:59:59Z", "in_force").await;
    check("2026-03-14T17:00:00Z", "replaced").await;
    // Unpublished, it no longer replaces; published again, it does.
    assert_eq!(reg.step(&b, "unpublish").await.status, 200);
    check("2026-03-16T00:00:00Z", "in_force").await;
    assert_eq!(reg.step(&b, "publish").await.status, 200);
    check("2026-03-16T00:00:00Z", "replaced").await;
}

/// A search in one kind or one category finds only that kind's or category's items, on both
/// backends, whatever the text says: the index's own words for them cannot be typed in.
#[tokio::test]
async fn a_search_in_one_kind_or_category_finds_only_its_own() {
    let reg = registry().await;
    let app = &reg.app;
    let news = app.category("Tin tức", "news").await;
    let notices = app.category("Thông báo", "news").await;
    let body = json!({ "body": "<p>Kế hoạch tuyển sinh 0ttdtkdocument.</p>" });
    let mut articles = Vec::new();
    for (category, title) in [(&news, "Tuyển sinh lớp 1"), (&notices, "Lịch tuyển sinh")] {
        let draft = app
            .create_article(&reg.chief, category, title, body.clone())
            .await;
        app.publish_as(&reg.chief, &draft.id).await;
        articles.push(draft.id);
    }
    let document = reg
        .published(
            "12/KH-THS1MM",
            "plan",
            json!({ "title": "Kế hoạch tuyển sinh năm học 2026–2027" }),
        )
        .await;
    let ids = |r: &Resp| -> Vec<String> {
        assert_eq!(r.status, 200, "{}", r.text);
        r.sorted_item_ids()
    };
    let q = "k%E1%BA%BF%20ho%E1%BA%A1ch%20tuy%E1%BB%83n%20sinh";
    let mut all = vec![articles[0].clone(), articles[1].clone(), document.clone()];
    all.sort();
    let r = app.get(&format!("/api/v1/search?q={q}"), None).await;
    assert_eq!(ids(&r), all);
    let r = app
        .get(&format!("/api/v1/search?q={q}&kind=document"), None)
        .await;
    assert_eq!(ids(&r), std::slice::from_ref(&document));
    let r = app
        .get(&format!("/api/v1/search?q={q}&kind=article"), None)
        .await;
    let mut both = articles.clone();
    both.sort();
    assert_eq!(ids(&r), both);
    let r = app
        .get(&format!("/api/v1/articles?q={q}&category={news}"), None)
        .await;
    assert_eq!(ids(&r), [articles[0].clone()]);
    let r = app
        .get(&format!("/api/v1/articles?q={q}&category={notices}"), None)
        .await;
    assert_eq!(ids(&r), [articles[1].clone()]);
    let r = app
        .get(&format!("/api/v1/documents?q={q}&category={news}"), None)
        .await;
    assert_eq!(ids(&r), Vec::<String>::new());
    // The index's word for documents, written in an article's text, is no word at all.
    let r = app
        .get("/api/v1/search?q=sinh%200ttdtkdocument&kind=document", None)
        .await;
    assert_eq!(ids(&r), [document]);
    // Alone it asks for nothing, like a query of punctuation: no hits, not every document.
    let r = app.get("/api/v1/search?q=0ttdtkdocument", None).await;
    assert_eq!(ids(&r), Vec::<String>::new());
}
