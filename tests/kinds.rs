//! The editorial machine, once for every kind: the workflow, the permission table, what the
//! public sees, `If-Match`, revisions, scheduling, the change feed and the staff list's rules
//! run over articles, documents, procedure guides, pages, the directory and teaching resources from this one suite (`for_every_kind!` at the end makes a
//! test of each per kind). A new kind adds a `Kind` here and is held to all of it.

use reqwest::Method;
use serde_json::{Value, json};

use ttdt::auth::Role;
use ttdt::auth::roles::Workflow;

use crate::helpers::*;
use crate::media::{PDF, file, upload};

/// What the suite knows about a kind: where it lives and how to write a valid one.
pub struct Kind {
    /// The path segment: `/api/v1/{path}`, `/api/v1/editorial/{path}`.
    pub path: &'static str,
    /// The kind's name in the audit log and the change feed.
    pub noun: &'static str,
    /// The category kind its items are filed under.
    pub category_kind: &'static str,
    /// A plain text field of the kind, to edit.
    pub text_field: &'static str,
    /// The field of a revision that holds its number.
    pub revision_number: &'static str,
    /// Category kinds it may not be filed under.
    pub foreign_categories: &'static [&'static str],
    /// A valid new item: the title, and a number unique in the test.
    pub body: fn(&Board, &str, usize) -> Value,
    /// Public list queries of the kind that must show only published items (besides the
    /// plain list, the category filter and `q`).
    pub public_filters: &'static [&'static str],
    /// Reviewed before publishing, or kept by some roles who publish without review.
    pub workflow: Workflow,
}

pub const ARTICLES: Kind = Kind {
    path: "articles",
    noun: "article",
    category_kind: "news",
    text_field: "summary",
    revision_number: "number",
    foreign_categories: &["legal_documents", "procedures"],
    body: |b, title, _| {
        json!({
            "title": title,
            "summary": format!("Tóm tắt: {title}"),
            "body": format!("<p>Nội dung bài {title}.</p>"),
            "category_id": b.category,
            "tags": ["Bí mật"],
        })
    },
    public_filters: &["tag=bi-mat", "tag=Bí mật"],
    workflow: Workflow::Reviewed,
};

pub const DOCUMENTS: Kind = Kind {
    path: "documents",
    noun: "document",
    category_kind: "legal_documents",
    text_field: "signer",
    revision_number: "revision",
    foreign_categories: &["news", "procedures"],
    body: |b, title, n| {
        json!({
            "number": format!("{n}/QĐ-THS1MM"),
            "form": "decision",
            "title": title,
            "issuer": "Trường PTDTBT Tiểu học Mường Mươn",
            "signer": "Lò Văn Thành",
            "signer_title": "Hiệu trưởng",
            "signed_on": "2025-09-05",
            "category_id": b.category,
            "file_ids": [b.file],
        })
    },
    public_filters: &[
        "form=decision",
        "issuer=THS1MM",
        "year=2025",
        "validity=in_force",
        "signed_from=2025-01-01&signed_to=2025-12-31",
    ],
    workflow: Workflow::Reviewed,
};

pub const PROCEDURES: Kind = Kind {
    path: "procedures",
    noun: "procedure",
    category_kind: "procedures",
    text_field: "applicants",
    revision_number: "number",
    foreign_categories: &["news", "legal_documents"],
    body: |b, title, _| {
        json!({
            "title": title,
            "field": "Giáo dục tiểu học",
            "applicants": "Cha mẹ học sinh",
            "steps": [{"title": "Nộp hồ sơ", "text": "Tại văn phòng nhà trường."}],
            "papers": [{"name": "Đơn đề nghị", "copy": "original", "form_media_id": b.file}],
            "processing_days": 3,
            "submission": [{"method": "in_person", "place": "Văn phòng nhà trường"}],
            "unit": "Trường PTDTBT Tiểu học Mường Mươn",
            "category_id": b.category,
        })
    },
    public_filters: &["field=giao-duc-tieu-hoc", "field=Giáo dục tiểu học"],
    workflow: Workflow::Reviewed,
};

pub const PAGES: Kind = Kind {
    path: "pages",
    noun: "page",
    category_kind: "introduction",
    text_field: "summary",
    revision_number: "number",
    foreign_categories: &["news", "procedures"],
    body: |b, title, n| {
        json!({
            "title": title,
            "summary": format!("Trang {title}"),
            "body": format!("<p>Nội dung trang {title}.</p>"),
            "position": n,
            "category_id": b.category,
        })
    },
    public_filters: &[],
    workflow: Workflow::Reviewed,
};

pub const PEOPLE: Kind = Kind {
    path: "leadership",
    noun: "person",
    category_kind: "introduction",
    text_field: "bio",
    revision_number: "number",
    foreign_categories: &["news", "legal_documents"],
    body: |b, title, n| {
        json!({
            "title": title,
            "position": "Giáo viên chủ nhiệm",
            "unit": "Tổ chuyên môn khối 1",
            "contacts": [{"kind": "phone", "value": "0912 345 678"}],
            "order": n,
            "category_id": b.category,
        })
    },
    public_filters: &["term=current", "term=all", "unit=to-chuyen-mon-khoi-1"],
    workflow: Workflow::Reviewed,
};

pub const RESOURCES: Kind = Kind {
    path: "resources",
    noun: "resource",
    category_kind: "teaching_resources",
    text_field: "summary",
    revision_number: "number",
    foreign_categories: &["news", "introduction"],
    body: |b, title, _| {
        json!({
            "title": title,
            "resource_type": "initiative",
            "authors": [{"user_id": b.writer.id}, {"name": "Lường Văn Minh"}],
            "school_year": "2025-2026",
            "subject": "Toán",
            "grade": 3,
            "summary": format!("Tóm tắt {title}"),
            "file_ids": [b.file],
            "category_id": b.category,
        })
    },
    public_filters: &[
        "resource_type=initiative",
        "subject=toan",
        "subject=Toán",
        "grade=3",
        "school_year=2025-2026",
    ],
    workflow: Workflow::Reviewed,
};

pub const LINKS: Kind = Kind {
    path: "links",
    noun: "link",
    category_kind: "links",
    text_field: "description",
    revision_number: "number",
    foreign_categories: &["news", "introduction"],
    body: |b, title, n| {
        json!({
            "title": title,
            "url": format!("https://truong{n}.muongcha.edu.vn"),
            "group": "district_schools",
            "order": n,
            "category_id": b.category,
        })
    },
    public_filters: &["group=district_schools"],
    workflow: Workflow::Managed(&[Role::EditorInChief, Role::Technician]),
};

/// A school with a board for one kind: a category of the kind, a board member reviewing it,
/// the chief, a deputy (not delegated), a contributor, and a file to attach.
pub struct Board {
    pub kind: &'static Kind,
    pub app: TestApp,
    pub category: String,
    pub chief: Staff,
    pub deputy: Staff,
    pub member: Staff,
    pub writer: Staff,
    pub file: String,
    count: std::sync::atomic::AtomicUsize,
}

/// An item as its API returns it, with the ETag to send back.
pub struct Item {
    pub id: String,
    pub slug: String,
    pub etag: String,
}

impl Board {
    pub async fn new(kind: &'static Kind, vars: &[(&str, &str)]) -> Board {
        let app = spawn_app_with(vars).await;
        let chief = app.staff("editor_in_chief").await;
        let category = app.category("Chuyên mục chính", kind.category_kind).await;
        let deputy = app.staff("deputy_editor").await;
        let member = app
            .staff_with("board_member", json!({"category_ids": [category]}))
            .await;
        // Who writes: a contributor, or for a kind kept by some roles, a keeper not the chief.
        let writer = match kind.workflow {
            Workflow::Reviewed => app.staff("contributor").await,
            Workflow::Managed(_) => app.staff("technician").await,
        };
        let r = upload(
            &app,
            Some(&chief.token),
            &[file("van-ban.pdf", None, PDF.to_vec())],
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.text);
        let file = r.body["id"].as_str().unwrap().to_owned();
        Board {
            kind,
            app,
            category,
            chief,
            deputy,
            member,
            writer,
            file,
            count: Default::default(),
        }
    }

    /// `/api/v1/{kind}{rest}`.
    pub fn path(&self, rest: &str) -> String {
        format!("/api/v1/{}{rest}", self.kind.path)
    }

    /// `/api/v1/editorial/{kind}{rest}`.
    pub fn staff_path(&self, rest: &str) -> String {
        format!("/api/v1/editorial/{}{rest}", self.kind.path)
    }

    /// A valid new item's body in `category`.
    pub fn body_in(&self, category: &str, title: &str) -> Value {
        let n = self
            .count
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut body = (self.kind.body)(self, title, n + 1);
        body["category_id"] = json!(category);
        body
    }

    /// A valid new item's body in the board's category, with `extra` fields set over it.
    pub fn body_with(&self, title: &str, extra: Value) -> Value {
        let mut body = self.body_in(&self.category, title);
        for (k, v) in extra.as_object().expect("extra fields are an object") {
            body[k] = v.clone();
        }
        body
    }

    /// Writes `body_with(title, extra)` as the chief; the new item's id.
    pub async fn create_with(&self, title: &str, extra: Value) -> String {
        let r = self
            .app
            .post(
                &self.path(""),
                Some(&self.chief.token),
                self.body_with(title, extra),
            )
            .await;
        assert_eq!(r.status, 201, "create {}: {}", self.kind.path, r.text);
        r.body["id"].as_str().unwrap().to_owned()
    }

    pub async fn create_in(&self, token: &str, category: &str, title: &str) -> Item {
        let r = self
            .app
            .post(&self.path(""), Some(token), self.body_in(category, title))
            .await;
        assert_eq!(r.status, 201, "create {}: {}", self.kind.path, r.text);
        Item {
            id: r.body["id"].as_str().unwrap().to_owned(),
            slug: r.body["slug"].as_str().unwrap().to_owned(),
            etag: r.header("etag").unwrap().to_owned(),
        }
    }

    pub async fn create(&self, token: &str, title: &str) -> Item {
        self.create_in(token, &self.category, title).await
    }

    pub async fn patch(&self, token: &str, id: &str, etag: &str, body: Value) -> Resp {
        self.app
            .call_with(
                Method::PATCH,
                &self.path(&format!("/{id}")),
                Some(token),
                Some(body),
                &[("If-Match", etag)],
            )
            .await
    }

    /// `DELETE /{kind}/{id}`, with `If-Match` when given.
    pub async fn delete(&self, id: &str, token: &str, etag: Option<&str>) -> Resp {
        let headers: Vec<(&str, &str)> = etag.iter().map(|e| ("If-Match", *e)).collect();
        self.app
            .call_with(
                Method::DELETE,
                &self.path(&format!("/{id}")),
                Some(token),
                None,
                &headers,
            )
            .await
    }

    /// A workflow step with `If-Match`.
    pub async fn step(
        &self,
        token: &str,
        id: &str,
        etag: &str,
        action: &str,
        body: Option<Value>,
    ) -> Resp {
        self.app
            .call_with(
                Method::POST,
                &self.path(&format!("/{id}/{action}")),
                Some(token),
                body,
                &[("If-Match", etag)],
            )
            .await
    }

    /// The working copy's current ETag, read as the editor-in-chief would.
    pub async fn etag_of(&self, id: &str) -> String {
        let r = self
            .app
            .get(&self.staff_path(&format!("/{id}")), Some(&self.chief.token))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.header("etag").unwrap().to_owned()
    }

    /// Steps taken one after another as the chief, each on the current version.
    pub async fn steps(&self, id: &str, actions: &[&str]) {
        for action in actions {
            let etag = self.etag_of(id).await;
            let r = self.step(&self.chief.token, id, &etag, action, None).await;
            assert_eq!(r.status, 200, "{action}: {}", r.text);
        }
    }

    /// The steps from a draft to where the chief may publish it: review, unless the kind
    /// has none.
    pub fn to_publishable(&self) -> &'static [&'static str] {
        match self.kind.workflow {
            Workflow::Reviewed => &["submit", "approve"],
            Workflow::Managed(_) => &[],
        }
    }

    pub async fn publish(&self, id: &str) {
        self.steps(id, self.to_publishable()).await;
        self.steps(id, &["publish"]).await;
    }

    /// Takes it to publishable and publishes at `at`; the answer to the publish step.
    pub async fn schedule(&self, id: &str, at: chrono::DateTime<chrono::Utc>) -> Resp {
        self.steps(id, self.to_publishable()).await;
        let etag = self.etag_of(id).await;
        let publish_at = json!({ "publish_at": at.to_rfc3339() });
        self.step(&self.chief.token, id, &etag, "publish", Some(publish_at))
            .await
    }

    /// An item brought to `state` by the chief, with its current ETag.
    async fn prepared(&self, state: &str) -> Item {
        let d = self
            .create(&self.writer.token, &format!("Mục {state}"))
            .await;
        let path: &[&str] = match state {
            "draft" => &[],
            "submitted" => &["submit"],
            "approved" => &["submit", "approve"],
            "published" => &["submit", "approve", "publish"],
            _ => unreachable!(),
        };
        self.steps(&d.id, path).await;
        let etag = self.etag_of(&d.id).await;
        Item { etag, ..d }
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

async fn permission_table_for_every_operation_and_role(kind: &'static Kind) {
    let b = Board::new(kind, &[]).await;
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
                    app.post(&b.path(""), t, b.body_in(&b.category, "Mới"))
                        .await
                        .status
                }
                "editorial_list" => app.get(&b.staff_path(""), t).await.status,
                "read" | "revisions" | "edit" | "submit" => {
                    let d = b.prepared("draft").await;
                    let (method, path, body) = match *operation {
                        "read" => (Method::GET, b.staff_path(&format!("/{}", d.id)), None),
                        "revisions" => (Method::GET, b.path(&format!("/{}/revisions", d.id)), None),
                        "edit" => (
                            Method::PATCH,
                            b.path(&format!("/{}", d.id)),
                            Some(json!({"title": "Sửa"})),
                        ),
                        _ => (Method::POST, b.path(&format!("/{}/submit", d.id)), None),
                    };
                    app.call_with(method, &path, t, body, &[("If-Match", &d.etag)])
                        .await
                        .status
                }
                action => {
                    let state = match action {
                        "approve" | "request-changes" | "reject" => "submitted",
                        "publish" => "approved",
                        _ => "published",
                    };
                    let d = b.prepared(state).await;
                    app.call_with(
                        Method::POST,
                        &b.path(&format!("/{}/{action}", d.id)),
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

async fn a_board_member_never_approves_their_own_nor_outside_their_categories(kind: &'static Kind) {
    let b = Board::new(kind, &[]).await;
    let d = b.create(&b.member.token, "Của thành viên").await;
    let r = b
        .step(&b.member.token, &d.id, &d.etag, "submit", None)
        .await;
    let etag = r.header("etag").unwrap().to_owned();
    b.step(&b.member.token, &d.id, &etag, "approve", None)
        .await
        .problem(403, "forbidden");
    let other = b.app.category("Chuyên mục khác", kind.category_kind).await;
    let d2 = b.create_in(&b.writer.token, &other, "Ngoài lĩnh vực").await;
    let r = b
        .step(&b.writer.token, &d2.id, &d2.etag, "submit", None)
        .await;
    let etag = r.header("etag").unwrap().to_owned();
    b.step(&b.member.token, &d2.id, &etag, "approve", None)
        .await
        .problem(404, "not_found");
}

async fn the_public_never_sees_what_is_not_published(kind: &'static Kind) {
    let b = Board::new(kind, &[]).await;
    let (app, chief, writer) = (&b.app, &b.chief.token, &b.writer.token);
    // One item in each hidden state, and one published control; all share a search word.
    let draft = b.create(writer, "Nháp kiemtra").await;
    let submitted = b.create(writer, "Chờ duyệt kiemtra").await;
    b.step(writer, &submitted.id, &submitted.etag, "submit", None)
        .await;
    let rejected = b.create(writer, "Bị từ chối kiemtra").await;
    let r = b
        .step(writer, &rejected.id, &rejected.etag, "submit", None)
        .await;
    let r = b
        .step(
            chief,
            &rejected.id,
            r.header("etag").unwrap(),
            "reject",
            Some(json!({"comment": "Không phù hợp"})),
        )
        .await;
    assert_eq!(r.body["status"], "draft");
    let scheduled = b.create(writer, "Hẹn giờ kiemtra").await;
    let later = chrono::Utc::now() + chrono::Duration::days(3);
    let r = b.schedule(&scheduled.id, later).await;
    assert_eq!(r.body["status"], "scheduled", "{}", r.text);
    let archived = b.create(writer, "Lưu trữ kiemtra").await;
    b.publish(&archived.id).await;
    b.steps(&archived.id, &["archive"]).await;
    let published = b.create(writer, "Công khai kiemtra").await;
    b.publish(&published.id).await;

    for hidden in [&draft, &submitted, &rejected, &scheduled, &archived] {
        for key in [&hidden.id, &hidden.slug] {
            for token in [None, Some(chief.as_str())] {
                // A staff token does not open the public endpoint either.
                app.get(&b.path(&format!("/{key}")), token)
                    .await
                    .problem(404, "not_found");
            }
        }
    }
    let mut queries = vec![
        String::new(),
        "limit=100".to_owned(),
        format!("category={}", b.category),
        "category=chuyen-muc-chinh".to_owned(),
        "q=kiemtra".to_owned(),
        "q=kiemtra&category=chuyen-muc-chinh".to_owned(),
        "status=draft".to_owned(),
        "q=kiemtra&q=nhap".to_owned(),
        format!("category={}&category={}", b.category, b.category),
    ];
    queries.extend(kind.public_filters.iter().map(|q| (*q).to_owned()));
    for q in &queries {
        for token in [None, Some(chief.as_str())] {
            let r = app.get(&b.path(&format!("?{q}")), token).await;
            if r.status == 200 {
                assert_eq!(titles(&r), vec!["Công khai kiemtra"], "{q}");
            } else {
                r.problem(400, "invalid_query");
            }
        }
    }
    let site = app
        .get(
            &format!("/api/v1/search?q=kiemtra&kind={}", kind.noun),
            None,
        )
        .await;
    assert_eq!(site.status, 200, "{}", site.text);
    assert_eq!(
        site.body["items"].as_array().unwrap().len(),
        1,
        "{}",
        site.text
    );
}

async fn another_contributors_item_is_a_404_like_a_missing_one(kind: &'static Kind) {
    let b = Board::new(kind, &[]).await;
    let app = &b.app;
    let other = app.staff("contributor").await;
    let d = b.create(&b.writer.token, "Của A").await;
    let missing = "01900000-0000-7000-8000-000000000000";
    for (method, suffix, body) in [
        (Method::GET, "", None),
        (Method::PATCH, "", Some(json!({"title": "Của B"}))),
        (Method::POST, "/submit", None),
        (Method::GET, "/revisions", None),
        (Method::GET, "/history", None),
        (Method::GET, "/revisions/1", None),
        (Method::GET, "/diff?from=1&to=1", None),
        (Method::POST, "/revisions/1/restore", None),
    ] {
        let at = |id: &str| {
            if suffix.is_empty() && method == Method::GET {
                b.staff_path(&format!("/{id}"))
            } else {
                b.path(&format!("/{id}{suffix}"))
            }
        };
        let mut answers = Vec::new();
        for id in [d.id.as_str(), missing] {
            answers.push(
                app.call_with(
                    method.clone(),
                    &at(id),
                    Some(&other.token),
                    body.clone(),
                    &[("If-Match", &d.etag)],
                )
                .await,
            );
        }
        answers[0].problem(404, "not_found");
        assert_eq!(answers[0].text, answers[1].text, "{method} {suffix}");
    }
    let mine = app
        .get(&b.staff_path(&format!("/{}", d.id)), Some(&b.writer.token))
        .await;
    assert_eq!(mine.body["title"], "Của A");
    assert_eq!(mine.body["revision"], 1);
}

async fn two_editors_saving_the_same_version_one_wins_the_other_gets_412(kind: &'static Kind) {
    let b = Board::new(kind, &[]).await;
    let field = kind.text_field;
    let d = b.create(&b.writer.token, "Bản gốc").await;
    let first = b
        .patch(
            &b.chief.token,
            &d.id,
            &d.etag,
            json!({"title": "Sửa của trưởng ban"}),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    let theirs = json!({ field: "Sửa của phó ban" });
    b.patch(&b.deputy.token, &d.id, &d.etag, theirs.clone())
        .await
        .problem(412, "precondition_failed");
    b.app
        .call(
            Method::PATCH,
            &b.path(&format!("/{}", d.id)),
            Some(&b.deputy.token),
            Some(theirs.clone()),
        )
        .await
        .problem(428, "precondition_required");
    // The loser reloads and applies the change again: nothing is lost.
    let etag = b.etag_of(&d.id).await;
    let again = b.patch(&b.deputy.token, &d.id, &etag, theirs).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.body["title"], "Sửa của trưởng ban");
    assert_eq!(again.body[field], "Sửa của phó ban");
    assert_eq!(again.body["revision"], 3);
    // Steps need the current version too.
    b.step(&b.writer.token, &d.id, &d.etag, "submit", None)
        .await
        .problem(412, "precondition_failed");
}

async fn editing_a_published_item_keeps_the_published_revision_public(kind: &'static Kind) {
    let b = Board::new(kind, &[]).await;
    let app = &b.app;
    let d = b.create(&b.writer.token, "Lịch thi học kỳ").await;
    b.publish(&d.id).await;
    let etag = b.etag_of(&d.id).await;
    let r = b
        .patch(
            &b.chief.token,
            &d.id,
            &etag,
            json!({"title": "Lịch thi học kỳ (đã sửa)", "slug": "lich-thi-hoc-ky-i"}),
        )
        .await;
    assert_eq!(r.body["status"], "draft", "an edit goes back to review");
    assert_eq!(r.body["live"], true);
    let public = app.get(&b.path(&format!("/{}", d.id)), None).await;
    assert_eq!(public.body["title"], "Lịch thi học kỳ");
    assert_eq!(public.body["slug"], "lich-thi-hoc-ky");
    // The new slug is the working copy's: the public has never seen it.
    app.get(&b.path("/lich-thi-hoc-ky-i"), None)
        .await
        .problem(404, "not_found");

    b.publish(&d.id).await;
    assert_eq!(
        app.get(&b.path("/lich-thi-hoc-ky-i"), None).await.status,
        200
    );
    let public = app.get(&b.path(&format!("/{}", d.id)), None).await;
    assert_eq!(public.body["title"], "Lịch thi học kỳ (đã sửa)");
    // The old slug keeps answering, with a redirect to the new one.
    let old = app.get(&b.path("/lich-thi-hoc-ky"), None).await;
    assert_eq!(old.status, 301);
    assert_eq!(
        old.header("location"),
        Some(b.path("/lich-thi-hoc-ky-i").as_str())
    );
    let staff_old = app
        .get(&b.staff_path("/lich-thi-hoc-ky"), Some(&b.chief.token))
        .await;
    assert_eq!(staff_old.status, 301);
}

async fn revisions_list_read_diff_and_restore(kind: &'static Kind) {
    let b = Board::new(kind, &[]).await;
    let (app, writer, field) = (&b.app, &b.writer.token, kind.text_field);
    let d = b.create(writer, "Bản 1").await;
    let path = b.path(&format!("/{}", d.id));
    let original = app.get(&format!("{path}/revisions/1"), Some(writer)).await;
    assert_eq!(original.status, 200, "{}", original.text);
    let r = b
        .patch(
            writer,
            &d.id,
            &d.etag,
            json!({"title": "Bản 2", field: "Giá trị mới", "note": "sửa tiêu đề"}),
        )
        .await;
    assert_eq!(r.body["revision"], 2);
    let etag = r.header("etag").unwrap().to_owned();

    let list = app.get(&format!("{path}/revisions"), Some(writer)).await;
    let numbers: Vec<i64> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["number"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, vec![2, 1]);
    assert_eq!(list.body["items"][0]["note"], "sửa tiêu đề");
    assert_eq!(list.body["items"][0]["editor_id"], json!(b.writer.id));
    let second = app.get(&format!("{path}/revisions/2"), Some(writer)).await;
    assert_eq!(second.body["title"], "Bản 2");
    assert_eq!(second.body[field], "Giá trị mới");
    assert_eq!(second.body[kind.revision_number], 2);

    let diff = app
        .get(&format!("{path}/diff?from=1&to=2"), Some(writer))
        .await;
    assert_eq!(diff.status, 200, "{}", diff.text);
    // By field name.
    let mut expected = [
        json!({"field": "title", "from": "Bản 1", "to": "Bản 2"}),
        json!({"field": field, "from": original.body[field], "to": "Giá trị mới"}),
    ];
    expected.sort_by_key(|c| c["field"].as_str().unwrap().to_owned());
    assert_eq!(diff.body["changes"], json!(expected));
    app.get(&format!("{path}/diff?from=1"), Some(writer))
        .await
        .problem(400, "invalid_query");

    let restored = app
        .call_with(
            Method::POST,
            &format!("{path}/revisions/1/restore"),
            Some(writer),
            None,
            &[("If-Match", &etag)],
        )
        .await;
    assert_eq!(restored.status, 200, "{}", restored.text);
    assert_eq!(restored.body["revision"], 3);
    assert_eq!(restored.body["title"], "Bản 1");
    assert_eq!(restored.body[field], original.body[field]);
    app.get(&format!("{path}/revisions/9"), Some(writer))
        .await
        .problem(404, "not_found");
    assert_eq!(app.count_audit(&format!("{}.restore", kind.noun), &d.id), 1);
}

async fn review_steps_need_a_comment_and_a_possible_transition(kind: &'static Kind) {
    let b = Board::new(kind, &[]).await;
    let (writer, member, chief) = (&b.writer.token, &b.member.token, &b.chief.token);
    let d = b.create(writer, "Cần sửa").await;
    for action in ["approve", "publish"] {
        b.step(chief, &d.id, &d.etag, action, None)
            .await
            .problem(409, "invalid_transition");
    }
    let r = b.step(writer, &d.id, &d.etag, "submit", None).await;
    let etag = r.header("etag").unwrap().to_owned();
    let r = b.step(member, &d.id, &etag, "request-changes", None).await;
    r.problem(422, "validation_failed");
    assert_eq!(r.field_errors(), vec!["comment:required"]);
    let comment = Some(json!({"comment": "Bổ sung"}));
    let r = b
        .step(member, &d.id, &etag, "request-changes", comment)
        .await;
    assert_eq!(r.body["status"], "changes_requested");
    // The author edits and resubmits.
    let etag = r.header("etag").unwrap().to_owned();
    let r = b
        .patch(
            writer,
            &d.id,
            &etag,
            json!({ kind.text_field: "Đã bổ sung" }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = b
        .step(writer, &d.id, r.header("etag").unwrap(), "submit", None)
        .await;
    assert_eq!(r.body["status"], "submitted");
    b.step(
        writer,
        &d.id,
        r.header("etag").unwrap(),
        "submit",
        Some(json!({"publish_at": "2030-01-01T00:00:00Z"})),
    )
    .await
    .problem(422, "validation_failed");
}

async fn staff_lists_filter_by_status_mine_and_awaiting_my_review(kind: &'static Kind) {
    let b = Board::new(kind, &[]).await;
    let (app, writer, member) = (&b.app, &b.writer.token, &b.member.token);
    let other = app.category("Chuyên mục khác", kind.category_kind).await;
    let a = b.create(writer, "Mục A").await;
    b.step(writer, &a.id, &a.etag, "submit", None).await;
    let c = b.create_in(writer, &other, "Mục C khác").await;
    b.step(writer, &c.id, &c.etag, "submit", None).await;
    let own = b.create(member, "Của thành viên").await;
    b.step(member, &own.id, &own.etag, "submit", None).await;
    b.create(writer, "Nháp D").await;

    let list = async |query: &str, token: &str| {
        titles(
            &app.get(&b.staff_path(&format!("?{query}")), Some(token))
                .await,
        )
    };
    assert_eq!(list("awaiting_review=true", member).await, ["Mục A"]);
    assert_eq!(list("awaiting_review=true", &b.chief.token).await.len(), 3);
    assert_eq!(list("mine=true", member).await, ["Của thành viên"]);
    assert_eq!(list("status=draft", writer).await, ["Nháp D"]);
    assert_eq!(
        list(&format!("category={other}"), &b.chief.token).await,
        ["Mục C khác"]
    );
    // A board member sees their categories and their own work, not other categories.
    let visible = list("", member).await;
    assert!(!visible.contains(&"Mục C khác".to_owned()), "{visible:?}");
    app.get(&b.staff_path("?status=gone"), Some(&b.chief.token))
        .await
        .problem(400, "invalid_query");
}

async fn a_scheduled_item_goes_live_on_time(kind: &'static Kind) {
    let b = Board::new(kind, &[("TTDT_SCHEDULER_INTERVAL", "1")]).await;
    let app = &b.app;
    let d = b.create(&b.writer.token, "Hẹn giờ").await;
    let at = chrono::Utc::now() + chrono::Duration::seconds(2);
    let r = b.schedule(&d.id, at).await;
    assert_eq!(r.body["status"], "scheduled", "{}", r.text);
    let public = b.path(&format!("/{}", d.id));
    app.get(&public, None).await.problem(404, "not_found");
    let mut live = false;
    for _ in 0..40 {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        if app.get(&public, None).await.status == 200 {
            live = true;
            break;
        }
    }
    assert!(live, "published within seconds of its time");
    let r = app
        .get(&b.staff_path(&format!("/{}", d.id)), Some(&b.chief.token))
        .await;
    assert_eq!(r.body["status"], "published");
    let history = app
        .get(&b.path(&format!("/{}/history", d.id)), Some(&b.chief.token))
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

/// A full story: the feed holds an entry only where the public saw a change, never a draft,
/// a review step or a staff-only edit, which are all in the audit log.
async fn the_change_feed_holds_only_what_the_public_saw_change(kind: &'static Kind) {
    use diesel::prelude::*;
    use ttdt::db::schema::change_feed::dsl as f;
    let b = Board::new(kind, &[]).await;
    let (writer, member, chief) = (&b.writer.token, &b.member.token, &b.chief.token);
    let patch = async |token: &str, id: &str, title: &str| {
        let etag = b.etag_of(id).await;
        let r = b.patch(token, id, &etag, json!({ "title": title })).await;
        assert_eq!(r.status, 200, "{}", r.text);
    };
    let step = async |token: &str, id: &str, action: &str, body: Option<Value>| {
        let etag = b.etag_of(id).await;
        let r = b.step(token, id, &etag, action, body).await;
        assert_eq!(r.status, 200, "{action}: {}", r.text);
    };
    let a = b.create(writer, "Bản tin tháng 12").await;
    patch(writer, &a.id, "Bản tin tháng Mười hai").await; // r2, a draft
    step(writer, &a.id, "submit", None).await;
    let comment = Some(json!({"comment": "Bổ sung"}));
    step(member, &a.id, "request-changes", comment).await;
    patch(writer, &a.id, "Bản tin tháng 12 đã bổ sung").await; // r3
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
    // A draft archived without ever being public, a scheduled one, and a draft left as it is.
    let never = b.create(writer, "Nháp bỏ đi").await;
    step(chief, &never.id, "archive", None).await;
    let later = b.create(writer, "Hẹn giờ").await;
    let r = b
        .schedule(&later.id, chrono::Utc::now() + chrono::Duration::days(2))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    b.create(writer, "Nháp").await;

    let mut conn = b.app.pool.get().unwrap();
    // The kind's own entries (the media a public item uses have theirs: tests/sync.rs).
    let feed: Vec<(String, String, String, Option<i32>)> = f::change_feed
        .filter(f::content_type.eq(kind.noun))
        .select((f::content_type, f::content_id, f::action, f::revision))
        .order(f::seq)
        .load(&mut *conn)
        .unwrap();
    let entry = |action: &str, revision: i32| {
        (
            kind.noun.to_owned(),
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
    let audit = |action: &str| b.app.count_audit(&format!("{}.{action}", kind.noun), &a.id);
    assert_eq!(audit("request_changes"), 1);
    assert_eq!(audit("update"), 3);
}

async fn items_are_filed_only_under_categories_of_their_kind(kind: &'static Kind) {
    let b = Board::new(kind, &[]).await;
    let chief = &b.chief.token;
    let mut foreign = Vec::new();
    for (i, other) in kind.foreign_categories.iter().enumerate() {
        foreign.push(b.app.category(&format!("Khác {i}"), other).await);
    }
    for category in &foreign {
        let r = b
            .app
            .post(
                &b.path(""),
                Some(chief),
                b.body_in(category, "Sai chuyên mục"),
            )
            .await;
        r.problem(422, "validation_failed");
        assert_eq!(r.field_errors(), ["category_id:category_kind_mismatch"]);
    }
    let a = b.create(chief, "Đúng chuyên mục").await;
    let r = b
        .patch(chief, &a.id, &a.etag, json!({"category_id": foreign[0]}))
        .await;
    r.problem(422, "validation_failed");
    assert_eq!(r.field_errors(), ["category_id:category_kind_mismatch"]);
    // Nothing changed.
    assert_eq!(b.etag_of(&a.id).await, a.etag);
}

/// The fields every kind's request carries (`category_id`, `slug`, `note`) are the machine's:
/// checked the same way on every kind, on create and on update, and a refused write changes
/// nothing.
async fn the_machines_own_fields_are_checked_alike_on_every_kind(kind: &'static Kind) {
    let b = Board::new(kind, &[]).await;
    let chief = &b.chief.token;
    let with = |field: &str, value: Value| {
        let mut body = b.body_in(&b.category, "Trường chung");
        body[field] = value;
        body
    };
    // (field, value, problem code, field error)
    let bad = [
        ("slug", json!("Có Dấu"), "validation_failed", "slug:slug"),
        (
            "slug",
            json!("a".repeat(121)),
            "validation_failed",
            "slug:length",
        ),
        (
            "note",
            json!("x".repeat(501)),
            "validation_failed",
            "note:length",
        ),
        (
            "note",
            json!("a\u{0}b"),
            "validation_failed",
            "note:nul_character",
        ),
        (
            "note",
            json!("söa l¹i"),
            "legacy_vietnamese_encoding",
            "note:legacy_vietnamese_encoding",
        ),
    ];
    for (field, value, problem, error) in &bad {
        let r = b
            .app
            .post(&b.path(""), Some(chief), with(field, value.clone()))
            .await;
        r.problem(422, problem);
        assert_eq!(r.field_errors(), [*error], "create {field}");
        if *error == "slug:slug" {
            // Explained in Vietnamese by default, as every field error.
            assert_eq!(
                r.body["errors"][0]["message"],
                "Chỉ gồm chữ thường không dấu, chữ số và dấu gạch nối đơn (a-z, 0-9, -)."
            );
        }
    }
    let r = b
        .app
        .post(&b.path(""), Some(chief), with("category_id", json!(null)))
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    let listed = b.app.get(&b.staff_path(""), Some(chief)).await;
    assert_eq!(listed.body["items"], json!([]), "a refused create wrote");

    let a = b
        .app
        .post(
            &b.path(""),
            Some(chief),
            with("slug", json!("truong-chung")),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_eq!(a.body["slug"], "truong-chung");
    let (id, etag) = (a.body["id"].as_str().unwrap(), a.header("etag").unwrap());
    for (field, value, problem, error) in &bad {
        let r = b.patch(chief, id, etag, json!({ *field: value })).await;
        r.problem(422, problem);
        assert_eq!(r.field_errors(), [*error], "update {field}");
    }
    for absent_only in ["slug", "category_id"] {
        let r = b.patch(chief, id, etag, json!({ absent_only: null })).await;
        assert_eq!(r.status, 400, "{absent_only}: null: {}", r.text);
    }
    assert_eq!(b.etag_of(id).await, etag, "a refused update wrote");

    let r = b
        .patch(
            chief,
            id,
            etag,
            json!({"slug": "ten-moi", "note": "Đổi đường dẫn"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["slug"], "ten-moi");
    let revisions = b
        .app
        .get(&b.path(&format!("/{id}/revisions")), Some(chief))
        .await;
    assert_eq!(revisions.body["items"][0]["note"], "Đổi đường dẫn");
    let old = b.app.get(&b.staff_path("/truong-chung"), Some(chief)).await;
    assert_eq!(old.status, 301, "{}", old.text);
}

/// The staff list's SQL and the per-item rules are one description (`roles::Scope`): for every
/// role, the list shows exactly the working copies the per-item check lets the caller see,
/// and "awaiting my review" exactly the submitted ones the caller may decide on.
async fn the_staff_list_shows_exactly_what_the_item_rules_allow(kind: &'static Kind) {
    use ttdt::auth::Role;
    use ttdt::auth::roles::{self, Caller, ItemRef};
    use ttdt::domain::workflow::Status;
    let b = Board::new(kind, &[]).await;
    let app = &b.app;
    let other = app.category("Chuyên mục khác", kind.category_kind).await;
    let writer2 = app.staff("contributor").await;
    let technician = app.staff("technician").await;
    // (author, category, submit?)
    let authors = [
        (&b.writer, &b.category, true),
        (&b.writer, &other, false),
        (&writer2, &b.category, true),
        (&writer2, &other, true),
        (&b.member, &b.category, true),
        (&b.member, &other, false),
        (&b.chief, &other, true),
        (&b.deputy, &b.category, false),
    ];
    for (i, (author, category, submit)) in authors.iter().enumerate() {
        let a = b
            .create_in(&author.token, category, &format!("Mục {i}"))
            .await;
        if *submit {
            let r = b.step(&author.token, &a.id, &a.etag, "submit", None).await;
            assert_eq!(r.status, 200, "{}", r.text);
        }
    }
    let all = app
        .get(&b.staff_path("?limit=100"), Some(&app.principal_token))
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
    let none: Vec<String> = Vec::new();
    let reviewed = vec![b.category.clone()];
    let callers = [
        (&app.principal_token, "principal", Role::Principal, &none),
        (
            &b.chief.token,
            b.chief.id.as_str(),
            Role::EditorInChief,
            &none,
        ),
        (
            &b.deputy.token,
            b.deputy.id.as_str(),
            Role::DeputyEditor,
            &none,
        ),
        (
            &b.member.token,
            b.member.id.as_str(),
            Role::BoardMember,
            &reviewed,
        ),
        (
            &b.writer.token,
            b.writer.id.as_str(),
            Role::Contributor,
            &none,
        ),
        (
            &writer2.token,
            writer2.id.as_str(),
            Role::Contributor,
            &none,
        ),
        (
            &technician.token,
            technician.id.as_str(),
            Role::Technician,
            &none,
        ),
    ];
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
                        workflow: kind.workflow,
                    })
                })
                .map(|(id, ..)| id.clone())
                .collect();
            ids.sort();
            ids
        };
        let seen = allowed(&|item| roles::can_see_working_copy(&caller, item));
        let listed = app.get(&b.staff_path("?limit=100"), Some(token)).await;
        if role == Role::Technician {
            listed.problem(403, "forbidden");
            assert!(seen.is_empty());
            continue;
        }
        assert_eq!(listed.sorted_item_ids(), seen, "{role:?}");
        assert!(!seen.is_empty(), "{role:?} sees something");
        let reviewable = allowed(&|item| roles::can_review(&caller, item));
        let awaiting = app
            .get(
                &b.staff_path("?awaiting_review=true&limit=100"),
                Some(token),
            )
            .await;
        assert_eq!(
            awaiting.sorted_item_ids(),
            reviewable,
            "{role:?} awaiting review"
        );
        // And each listed item opens for the caller; the others answer 404.
        for (item, ..) in &items {
            let r = app
                .get(&b.staff_path(&format!("/{item}")), Some(token))
                .await;
            let expected = if seen.contains(item) { 200 } else { 404 };
            assert_eq!(r.status.as_u16(), expected, "{role:?} {item}");
        }
    }
}

/// A category of the kind with the retention asked for; its id.
async fn category_kept(b: &Board, name: &str, retention: Value) -> String {
    let mut body = json!({"name": name, "kind": b.kind.category_kind});
    for (k, v) in retention.as_object().unwrap() {
        body[k] = v.clone();
    }
    let r = b
        .app
        .post("/api/v1/categories", Some(&b.chief.token), body)
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_str().unwrap().to_owned()
}

async fn retention_is_shown_and_only_drafts_never_public_in_limited_categories_are_deleted(
    kind: &'static Kind,
) {
    let b = Board::new(kind, &[]).await;
    let (app, chief, writer) = (&b.app, &b.chief.token, &b.writer.token);
    let kept = category_kept(&b, "Lưu vĩnh viễn", json!({"retention_class": "permanent"})).await;
    let limited = category_kept(
        &b,
        "Lưu ba năm",
        json!({"retention_class": "limited", "retention_years": 3}),
    )
    .await;

    // Every working copy shows its category's retention, and follows a move.
    let draft = b.create_in(writer, &kept, "Bản nháp lưu vĩnh viễn").await;
    let r = app
        .get(&b.staff_path(&format!("/{}", draft.id)), Some(writer))
        .await;
    assert_eq!(r.body["retention_class"], "permanent", "{}", r.text);
    assert_eq!(r.body["retention_years"], Value::Null);
    b.delete(&draft.id, chief, Some(&b.etag_of(&draft.id).await))
        .await
        .problem(409, "permanent_item");
    let r = b
        .patch(
            writer,
            &draft.id,
            &b.etag_of(&draft.id).await,
            json!({"category_id": limited}),
        )
        .await;
    assert_eq!(r.body["retention_class"], "limited", "{}", r.text);
    assert_eq!(r.body["retention_years"], 3);
    let list = app
        .get(&b.staff_path(&format!("?category={limited}")), Some(writer))
        .await;
    assert_eq!(list.body["items"][0]["retention_years"], 3, "{}", list.text);

    // Its author deletes it, with the current version only; nobody else but the chief may.
    let other = app.staff("contributor").await;
    b.delete(&draft.id, &other.token, Some(&b.etag_of(&draft.id).await))
        .await
        .problem(404, "not_found");
    b.delete(
        &draft.id,
        &b.deputy.token,
        Some(&b.etag_of(&draft.id).await),
    )
    .await
    .problem(403, "forbidden");
    b.delete(&draft.id, writer, None)
        .await
        .problem(428, "precondition_required");
    b.delete(&draft.id, writer, Some("\"1\""))
        .await
        .problem(412, "precondition_failed");
    let r = b
        .delete(&draft.id, writer, Some(&b.etag_of(&draft.id).await))
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    for path in [
        b.staff_path(&format!("/{}", draft.id)),
        b.path(&format!("/{}/revisions", draft.id)),
        b.path(&format!("/{}/history", draft.id)),
    ] {
        app.get(&path, Some(chief)).await.problem(404, "not_found");
    }
    assert_eq!(
        app.count_audit(&format!("{}.delete", kind.noun), &draft.id),
        1,
        "the audit log keeps it"
    );
    // Its slug is free again.
    let again = b
        .create_in(writer, &limited, "Bản nháp lưu vĩnh viễn")
        .await;
    assert_eq!(again.slug, draft.slug);

    // Submitted, it is no longer the author's to delete; the chief may.
    let r = b.step(writer, &again.id, &again.etag, "submit", None).await;
    let etag = r.header("etag").unwrap().to_owned();
    b.delete(&again.id, writer, Some(&etag))
        .await
        .problem(403, "forbidden");
    let r = b.delete(&again.id, chief, Some(&etag)).await;
    assert_eq!(r.status, 204, "{}", r.text);

    // What has been public is kept, even once withdrawn: archive it instead.
    let shown = b.create_in(writer, &limited, "Đã công khai").await;
    b.publish(&shown.id).await;
    b.steps(&shown.id, &["unpublish"]).await;
    b.delete(&shown.id, chief, Some(&b.etag_of(&shown.id).await))
        .await
        .problem(409, "published_item");
    let r = app
        .get(&b.staff_path(&format!("/{}", shown.id)), Some(chief))
        .await;
    assert_eq!(r.status, 200, "still there: {}", r.text);
}

/// One `#[tokio::test]` per kind and scenario: `kinds::articles::…`, `kinds::links::…`. The
/// scenarios of review run on every reviewed kind; the others on every kind, links too (their
/// own workflow is held to its rules in `tests/links.rs`).
macro_rules! for_every_kind {
    (every: [$($all:ident),* $(,)?], reviewed: [$($rev:ident),* $(,)?] $(,)?) => {
        for_every_kind!(@kinds [$($all),*, $($rev),*] articles ARTICLES, documents DOCUMENTS,
            procedures PROCEDURES, pages PAGES, people PEOPLE, resources RESOURCES);
        for_every_kind!(@kinds [$($all),*] links LINKS);
    };
    (@kinds $scenarios:tt $($module:ident $kind:ident),*) => {
        $(for_every_kind!(@module $scenarios $module $kind);)*
    };
    (@module [$($scenario:ident),*] $module:ident $kind:ident) => {
        mod $module {
            $(#[tokio::test]
            async fn $scenario() {
                super::$scenario(&super::$kind).await
            })*
        }
    };
}

for_every_kind!(
    every: [
        editing_a_published_item_keeps_the_published_revision_public,
        revisions_list_read_diff_and_restore,
        a_scheduled_item_goes_live_on_time,
        items_are_filed_only_under_categories_of_their_kind,
        the_machines_own_fields_are_checked_alike_on_every_kind,
    ],
    reviewed: [
        permission_table_for_every_operation_and_role,
        a_board_member_never_approves_their_own_nor_outside_their_categories,
        the_public_never_sees_what_is_not_published,
        another_contributors_item_is_a_404_like_a_missing_one,
        two_editors_saving_the_same_version_one_wins_the_other_gets_412,
        review_steps_need_a_comment_and_a_possible_transition,
        staff_lists_filter_by_status_mine_and_awaiting_my_review,
        the_change_feed_holds_only_what_the_public_saw_change,
        the_staff_list_shows_exactly_what_the_item_rules_allow,
        retention_is_shown_and_only_drafts_never_public_in_limited_categories_are_deleted,
    ],
);
