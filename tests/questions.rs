//! Citizens' questions (Điều 5.5): intake and tracking, routing, the department's answer,
//! approval, delivery over a real SMTP server on loopback, publication on a procedure guide
//! without the asker's personal data, the permission table, deadlines and erasure.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::TimeZone;
use diesel::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    Resp, SmtpSink, Staff, TestApp, TestDb, free_port, process_env, spawn_app_at, spawn_app_with,
};

const NAME: &str = "Lò Thị Duyên";
const EMAIL: &str = "lo.duyen.1985@gmail.com";
const PHONE: &str = "0914 823 657";
const ADDRESS: &str = "Bản Huổi Lếch, xã Mường Mươn, huyện Mường Chà";
const SUBJECT: &str = "Hồ sơ chuyển trường cho con học lớp 3";
const SCHOOL: &str = "Trường PTDTBT Tiểu học Mường Mươn";

fn question_text() -> String {
    format!(
        "Tôi là {NAME}, số điện thoại {PHONE} (hoặc số của chồng tôi 0982.456.123). Gia đình chuyển về {ADDRESS} từ ngày 15/11/2026. \
         Xin hỏi hồ sơ chuyển trường gồm những gì và lệ phí 50.000 đồng có đúng không?"
    )
}

fn ask_body() -> Value {
    json!({
        "name": NAME,
        "email": EMAIL,
        "phone": PHONE,
        "address": ADDRESS,
        "subject": SUBJECT,
        "question": question_text(),
    })
}

/// Those who handle questions at a school, and a published guide to ask about.
struct Desk<'a> {
    app: &'a TestApp,
    chief: Staff,
    deputy: Staff,
    technician: Staff,
    /// Department staff of `department`.
    clerk: Staff,
    /// Department staff of another department.
    other_clerk: Staff,
    department: String,
    guide: String,
}

impl<'a> Desk<'a> {
    async fn new(app: &'a TestApp) -> Desk<'a> {
        let department = app.department("Tổ văn phòng").await;
        let other = app.department("Tổ chuyên môn khối 1").await;
        let chief = app.staff("editor_in_chief").await;
        let guide = published_guide(app, &chief).await;
        Desk {
            deputy: app.staff("deputy_editor").await,
            technician: app.staff("technician").await,
            clerk: app
                .staff_with("department_staff", json!({"department_id": department}))
                .await,
            other_clerk: app
                .staff_with("department_staff", json!({"department_id": other}))
                .await,
            chief,
            department,
            guide,
            app,
        }
    }

    async fn ask(&self, body: Value) -> (String, String) {
        let r = self.app.post("/api/v1/questions", None, body).await;
        assert_eq!(r.status, 201, "{}", r.text);
        let ticket = r.body["ticket"].as_str().unwrap().to_owned();
        let list = self
            .app
            .get("/api/v1/questions?limit=1", Some(&self.technician.token))
            .await;
        let id = list.body["items"][0]["id"].as_str().unwrap().to_owned();
        (id, ticket)
    }

    async fn act(&self, token: &str, id: &str, step: &str, body: Value) -> Resp {
        self.app
            .post(&format!("/api/v1/questions/{id}/{step}"), Some(token), body)
            .await
    }

    async fn answer(&self, token: &str, id: &str, text: &str) -> Resp {
        self.app
            .put(
                &format!("/api/v1/questions/{id}/answer"),
                Some(token),
                json!({ "text": text }),
            )
            .await
    }

    /// Routed to the department, answered and submitted: waiting for approval.
    async fn answered(&self, body: Value) -> String {
        let (id, _) = self.ask(body).await;
        let r = self
            .act(
                &self.technician.token,
                &id,
                "route",
                json!({ "department_id": self.department }),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let r = self
            .answer(&self.clerk.token, &id, "Hồ sơ gồm đơn và học bạ.")
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let r = self.act(&self.clerk.token, &id, "submit", json!({})).await;
        assert_eq!(r.status, 200, "{}", r.text);
        id
    }

    async fn status(&self, id: &str) -> String {
        let r = self
            .app
            .get(
                &format!("/api/v1/questions/{id}"),
                Some(&self.technician.token),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body["status"].as_str().unwrap().to_owned()
    }

    async fn wait_for_status(&self, id: &str, want: &str) {
        for _ in 0..300 {
            if self.status(id).await == want {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "question {id} never became {want}: {}",
            self.status(id).await
        );
    }
}

/// A procedure guide published by the chief; its id.
async fn published_guide(app: &TestApp, chief: &Staff) -> String {
    let r = app
        .post(
            "/api/v1/categories",
            Some(&chief.token),
            json!({"name": "Thủ tục hành chính", "kind": "procedures"}),
        )
        .await;
    let category = match r.status.as_u16() {
        201 => r.body["id"].as_str().unwrap().to_owned(),
        _ => {
            let list = app.get("/api/v1/categories?limit=100", None).await;
            list.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["kind"] == "procedures")
                .unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let r = app
        .post(
            "/api/v1/procedures",
            Some(&chief.token),
            json!({
                "title": "Chuyển trường đối với học sinh tiểu học",
                "field": "Giáo dục tiểu học",
                "applicants": "Cha mẹ học sinh",
                "steps": [{"title": "Nộp hồ sơ", "text": "Tại văn phòng nhà trường."}],
                "papers": [{"name": "Đơn đề nghị chuyển trường", "copy": "original"}],
                "processing_days": 3,
                "submission": [{"method": "in_person", "place": "Văn phòng nhà trường"}],
                "unit": SCHOOL,
                "category_id": category,
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    for step in ["submit", "approve", "publish"] {
        let etag = app
            .get(
                &format!("/api/v1/editorial/procedures/{id}"),
                Some(&chief.token),
            )
            .await
            .header("etag")
            .unwrap()
            .to_owned();
        let r = app
            .call_with(
                Method::POST,
                &format!("/api/v1/procedures/{id}/{step}"),
                Some(&chief.token),
                None,
                &[("If-Match", &etag)],
            )
            .await;
        assert_eq!(r.status, 200, "{step}: {}", r.text);
    }
    id
}

/// Every way the asker's personal data could be written, as found in a text.
fn personal_data_in(text: &str) -> Vec<&'static str> {
    [NAME, EMAIL, PHONE, ADDRESS, "0914823657", "Lò Thị"]
        .into_iter()
        .filter(|needle| text.contains(needle))
        .collect()
}

#[tokio::test]
async fn a_question_is_routed_answered_approved_mailed_and_published_without_the_askers_data() {
    let sink = SmtpSink::start();
    let url = sink.url();
    let app = spawn_app_with(&[
        ("TTDT_SMTP_URL", &url),
        ("TTDT_SCHOOL_NAME", SCHOOL),
        ("TTDT_MAIL_FROM", "bbt@ths01muongmuon.edu.vn"),
        ("TTDT_SCHEDULER_INTERVAL", "1"),
    ])
    .await;
    let d = Desk::new(&app).await;

    // Intake: a ticket that cannot be guessed, and a place to follow it.
    let mut body = ask_body();
    body["procedure_id"] = json!(d.guide);
    let r = app.post("/api/v1/questions", None, body).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let ticket = r.body["ticket"].as_str().unwrap().to_owned();
    assert_eq!(ticket.len(), 19, "{ticket}");
    assert_eq!(
        r.header("location").unwrap(),
        format!("/api/v1/questions/track/{ticket}")
    );
    let track = format!("/api/v1/questions/track/{ticket}");
    let r = app.get(&track, None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "received");
    assert_eq!(r.header("cache-control"), Some("private, no-store"));
    assert!(r.body["answer"].is_null());
    // Typed by hand, in lower case with spaces, it still finds the question.
    let typed = ticket.to_lowercase().replace('-', " ");
    let r = app
        .get(
            &format!("/api/v1/questions/track/{}", typed.replace(' ', "%20")),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    // The staff list shows the question, never its asker.
    let list = app
        .get("/api/v1/questions", Some(&d.technician.token))
        .await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    assert!(personal_data_in(&list.text).is_empty(), "{}", list.text);
    let id = list.body["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(list.body["items"][0]["reply_by"], "email");

    // Routing; only the department it went to sees it.
    let r = d
        .act(
            &d.technician.token,
            &id,
            "route",
            json!({"department_id": d.department}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "routed");
    assert_eq!(r.body["department"]["name"], "Tổ văn phòng");
    let mine = app.get("/api/v1/questions", Some(&d.clerk.token)).await;
    assert_eq!(mine.body["items"].as_array().unwrap().len(), 1);
    let theirs = app
        .get("/api/v1/questions", Some(&d.other_clerk.token))
        .await;
    assert_eq!(theirs.status, 200);
    assert!(theirs.body["items"].as_array().unwrap().is_empty());
    let r = app
        .get(
            &format!("/api/v1/questions/{id}"),
            Some(&d.other_clerk.token),
        )
        .await;
    r.problem(404, "not_found");

    // The answer, sent back once, then approved.
    let first = "Hồ sơ gồm đơn đề nghị.";
    assert_eq!(d.answer(&d.clerk.token, &id, first).await.status, 200);
    assert_eq!(
        d.act(&d.clerk.token, &id, "submit", json!({})).await.status,
        200
    );
    let r = d
        .act(
            &d.deputy.token,
            &id,
            "request-changes",
            json!({"comment": "Thêm học bạ và thời hạn giải quyết."}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "changes_requested");
    let answer = "Kính gửi Bà Lò Thị Duyên, hồ sơ gồm đơn đề nghị chuyển trường và học bạ; \
                  nhà trường giải quyết trong 3 ngày làm việc, không thu lệ phí.";
    assert_eq!(d.answer(&d.clerk.token, &id, answer).await.status, 200);
    assert_eq!(
        d.act(&d.clerk.token, &id, "submit", json!({})).await.status,
        200
    );
    let r = d.act(&d.deputy.token, &id, "approve", json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);

    // Delivered over SMTP: the asker's address, a Vietnamese subject, the answer.
    let mail = sink.wait_for(1).await;
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to, vec![EMAIL.to_owned()]);
    assert_eq!(mail[0].subject(), format!("Trả lời câu hỏi: {SUBJECT}"));
    assert!(
        mail[0].header("From").contains(SCHOOL),
        "{}",
        mail[0].header("From")
    );
    assert!(mail[0].body().contains(answer), "{}", mail[0].body());
    assert!(mail[0].body().contains(&format!("Kính gửi {NAME}")));
    d.wait_for_status(&id, "sent").await;
    let r = app
        .get(
            &format!("/api/v1/questions/{id}"),
            Some(&d.technician.token),
        )
        .await;
    assert_eq!(r.body["delivery"]["state"], "sent", "{}", r.text);
    assert_eq!(r.body["delivery"]["attempts"], 1);

    // The asker reads the answer with the ticket.
    let r = app.get(&track, None).await;
    assert_eq!(r.body["status"], "answered", "{}", r.text);
    assert_eq!(
        r.body["answer"].as_str().unwrap(),
        answer.replace(NAME, "[người hỏi]")
    );
    assert!(r.body["answered_at"].is_string());

    // Every step, who and when; every saved answer.
    let r = app
        .get(&format!("/api/v1/questions/{id}"), Some(&d.deputy.token))
        .await;
    let steps: Vec<&str> = r.body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "receive",
            "route",
            "submit",
            "request_changes",
            "submit",
            "approve",
            "send"
        ]
    );
    assert_eq!(r.body["history"][1]["actor_id"], d.technician.id.as_str());
    assert!(
        r.body["history"][6]["actor_id"].is_null(),
        "the worker sent it"
    );
    let r = app
        .get(
            &format!("/api/v1/questions/{id}/answers"),
            Some(&d.clerk.token),
        )
        .await;
    let revisions = r.body["items"].as_array().unwrap();
    assert_eq!(revisions.len(), 2);
    assert_eq!(revisions[0]["text"], answer);
    assert_eq!(revisions[1]["text"], first);

    // Contact data: for those who send answers, and every read is in the audit log.
    let r = app
        .get(
            &format!("/api/v1/questions/{id}/contact"),
            Some(&d.technician.token),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["email"], EMAIL);
    assert_eq!(r.body["name"], NAME);
    assert_eq!(app.count_audit("question.read_contact", &id), 1);
    let r = app
        .get(
            &format!("/api/v1/questions/{id}/contact"),
            Some(&d.clerk.token),
        )
        .await;
    r.problem(403, "forbidden");

    // Publication: the draft is masked; the asker's own details are refused.
    let r = app
        .get(
            &format!("/api/v1/questions/{id}/publication"),
            Some(&d.deputy.token),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(personal_data_in(&r.text).is_empty(), "{}", r.text);
    assert!(r.body["masked"]["phones"].as_u64().unwrap() >= 1);
    assert!(r.body["question"].as_str().unwrap().contains("50.000 đồng"));
    let r = d
        .act(
            &d.deputy.token,
            &id,
            "publish",
            json!({"answer": format!("Gửi {NAME}: hồ sơ gồm đơn và học bạ.")}),
        )
        .await;
    r.problem(422, "validation_failed");
    let r = d.act(&d.deputy.token, &id, "publish", json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let guide = app
        .get(&format!("/api/v1/procedures/{}", d.guide), None)
        .await;
    assert_eq!(guide.status, 200);
    let faq = guide.body["faq"].as_array().unwrap();
    assert_eq!(faq.len(), 1, "{}", guide.text);
    assert!(faq[0]["answer"].as_str().unwrap().contains("học bạ"));
    d.wait_for_status(&id, "published").await;

    // No public response carries the asker's data.
    for path in [
        format!("/api/v1/procedures/{}", d.guide),
        "/api/v1/procedures".to_owned(),
        "/api/v1/search?q=chuyen%20truong".to_owned(),
        track.clone(),
    ] {
        let r = app.get(&path, None).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        assert!(personal_data_in(&r.text).is_empty(), "{path}: {}", r.text);
    }
    // The change feed names the entry, nothing more; the audit log holds no personal data.
    let mut conn = app.pool.get().unwrap();
    use ttdt::db::schema::{audit_log, change_feed};
    let feed: Vec<(String, String, String)> = change_feed::table
        .filter(change_feed::content_type.eq("question"))
        .select((
            change_feed::content_id,
            change_feed::action,
            change_feed::content_type,
        ))
        .load(&mut *conn)
        .unwrap();
    assert_eq!(
        feed,
        vec![(id.clone(), "published".into(), "question".into())]
    );
    let details: Vec<String> = audit_log::table
        .filter(audit_log::target_id.eq(&id))
        .select(audit_log::detail)
        .load(&mut *conn)
        .unwrap();
    assert!(details.len() >= 8);
    for detail in details {
        assert!(personal_data_in(&detail).is_empty(), "{detail}");
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Principal,
    Chief,
    Deputy,
    Member,
    Contributor,
    Technician,
    Clerk,
    OtherClerk,
}

/// Every question operation as every role: the status each gets, on a question in the state
/// where the operation applies (so that a refusal is the permission, not the state).
#[tokio::test]
async fn the_permission_table_of_every_question_operation_and_role() {
    let app = spawn_app_with(&[("TTDT_QUESTION_RATE_ADDRESS", "100000")]).await;
    let d = Desk::new(&app).await;
    let member = app.staff("board_member").await;
    let contributor = app.staff("contributor").await;
    let token = |w: Who| -> &str {
        match w {
            Who::Principal => &app.principal_token,
            Who::Chief => &d.chief.token,
            Who::Deputy => &d.deputy.token,
            Who::Member => &member.token,
            Who::Contributor => &contributor.token,
            Who::Technician => &d.technician.token,
            Who::Clerk => &d.clerk.token,
            Who::OtherClerk => &d.other_clerk.token,
        }
    };
    use Who::*;
    let all = [
        Principal,
        Chief,
        Deputy,
        Member,
        Contributor,
        Technician,
        Clerk,
        OtherClerk,
    ];
    // (operation, [expected status per role in `all`'s order])
    let table: &[(&str, [u16; 8])] = &[
        ("list", [200, 200, 200, 403, 403, 200, 200, 200]),
        ("get", [200, 200, 200, 403, 403, 200, 200, 404]),
        ("contact", [403, 200, 200, 403, 403, 200, 403, 403]),
        ("route", [403, 200, 403, 403, 403, 200, 403, 403]),
        ("answer", [403, 403, 403, 403, 403, 403, 200, 404]),
        ("submit", [403, 403, 403, 403, 403, 403, 200, 404]),
        ("approve", [403, 200, 200, 403, 403, 403, 403, 403]),
        ("request-changes", [403, 200, 200, 403, 403, 403, 403, 403]),
        ("edit-submitted", [403, 200, 200, 403, 403, 403, 200, 404]),
        ("close", [403, 200, 403, 403, 403, 200, 403, 403]),
        ("letter", [403, 200, 200, 403, 403, 200, 403, 403]),
        ("sent", [403, 200, 403, 403, 403, 200, 403, 403]),
        ("publish", [403, 200, 200, 403, 403, 403, 403, 403]),
        ("unpublish", [403, 200, 200, 403, 403, 403, 403, 403]),
    ];
    let postal = || {
        let mut b = ask_body();
        b.as_object_mut().unwrap().remove("email");
        b
    };
    for (op, expected) in table {
        for (who, want) in all.iter().zip(expected) {
            let t = token(*who);
            let r = match *op {
                "list" => app.get("/api/v1/questions", Some(t)).await,
                "get" | "contact" => {
                    let id = d.answered(ask_body()).await;
                    let rest = if *op == "get" { "" } else { "/contact" };
                    app.get(&format!("/api/v1/questions/{id}{rest}"), Some(t))
                        .await
                }
                "route" => {
                    let (id, _) = d.ask(ask_body()).await;
                    d.act(t, &id, "route", json!({"department_id": d.department}))
                        .await
                }
                "answer" | "submit" => {
                    let (id, _) = d.ask(ask_body()).await;
                    let route = json!({"department_id": d.department});
                    d.act(&d.technician.token, &id, "route", route).await;
                    d.answer(&d.clerk.token, &id, "Bản nháp.").await;
                    if *op == "answer" {
                        d.answer(t, &id, "Câu trả lời.").await
                    } else {
                        d.act(t, &id, "submit", json!({})).await
                    }
                }
                "approve" | "request-changes" => {
                    let id = d.answered(ask_body()).await;
                    d.act(t, &id, op, json!({"comment": "Sửa lại."})).await
                }
                "edit-submitted" => {
                    let id = d.answered(ask_body()).await;
                    d.answer(t, &id, "Sửa trước khi duyệt.").await
                }
                "close" => {
                    let (id, _) = d.ask(ask_body()).await;
                    d.act(t, &id, "close", json!({"reason": "spam"})).await
                }
                "letter" | "sent" | "publish" | "unpublish" => {
                    let id = d.answered(postal()).await;
                    d.act(&d.deputy.token, &id, "approve", json!({})).await;
                    if *op == "letter" {
                        let r = app
                            .get(&format!("/api/v1/questions/{id}/letter"), Some(t))
                            .await;
                        if r.status == 200 {
                            assert!(r.text.contains(ADDRESS), "{}", r.text);
                            assert!(r.header("content-type").unwrap().starts_with("text/html"));
                        }
                        r
                    } else if *op == "sent" {
                        d.act(t, &id, "sent", json!({"posted_on": "2026-12-03"}))
                            .await
                    } else {
                        let posted = json!({"posted_on": "2026-12-03"});
                        d.act(&d.technician.token, &id, "sent", posted).await;
                        if *op == "publish" {
                            let body = json!({"procedure_id": d.guide});
                            d.act(t, &id, "publish", body).await
                        } else {
                            let body = json!({"procedure_id": d.guide});
                            let r = d.act(&d.chief.token, &id, "publish", body).await;
                            assert_eq!(r.status, 200, "{}", r.text);
                            d.act(t, &id, "unpublish", json!({})).await
                        }
                    }
                }
                other => unreachable!("{other}"),
            };
            assert_eq!(r.status, *want, "{op} as {who:?}: {}", r.text);
        }
    }
}

#[tokio::test]
async fn bad_questions_get_clear_errors_and_change_nothing() {
    let app = spawn_app_with(&[("TTDT_QUESTION_RATE_ADDRESS", "100000")]).await;
    let d = Desk::new(&app).await;
    let count = || async {
        app.get("/api/v1/questions?limit=100", Some(&d.technician.token))
            .await
            .body["items"]
            .as_array()
            .unwrap()
            .len()
    };
    let with = |k: &str, v: Value| {
        let mut b = ask_body();
        b[k] = v;
        b
    };
    let without = |keys: &[&str]| {
        let mut b = ask_body();
        for k in keys {
            b.as_object_mut().unwrap().remove(*k);
        }
        b
    };
    let cases: Vec<(Value, u16, &str)> = vec![
        (without(&["email", "address"]), 422, "validation_failed"),
        (
            with("email", json!("không phải thư")),
            422,
            "validation_failed",
        ),
        (with("phone", json!("gọi tôi")), 422, "validation_failed"),
        (with("name", json!("")), 422, "validation_failed"),
        (with("question", json!("")), 422, "validation_failed"),
        // TCVN3 (ABC) bytes read as Latin-1: the legacy-encoding rule, as for content.
        (
            with(
                "question",
                json!("Tr\u{ad}êng tiÓu häc sè 1 M\u{ad}êng M\u{ad}\u{ac}n"),
            ),
            422,
            "legacy_vietnamese_encoding",
        ),
        (
            with("procedure_id", json!("khong-co")),
            422,
            "validation_failed",
        ),
        (with("priority", json!("cao")), 400, "malformed_json"),
        (
            with("question", json!("a".repeat(70 * 1024))),
            413,
            "payload_too_large",
        ),
    ];
    for (body, status, code) in cases {
        let r = app.post("/api/v1/questions", None, body.clone()).await;
        r.problem(status, code);
    }
    let r = app
        .post("/api/v1/questions", None, without(&["email", "address"]))
        .await;
    assert_eq!(
        r.field_errors(),
        vec!["email:contact_required"],
        "{}",
        r.text
    );
    assert_eq!(count().await, 0);

    // The honeypot: a bot is answered as a person is, and nothing is kept.
    let r = app
        .post(
            "/api/v1/questions",
            None,
            with("website", json!("http://spam.example")),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let fake = r.body["ticket"].as_str().unwrap().to_owned();
    assert_eq!(count().await, 0);
    app.get(&format!("/api/v1/questions/track/{fake}"), None)
        .await
        .problem(404, "not_found");
    for ticket in ["khong-phai-ma", "0000-0000-0000-0000", "%2e%2e%2f"] {
        let r = app
            .get(&format!("/api/v1/questions/track/{ticket}"), None)
            .await;
        assert_eq!(r.status, 404, "{ticket}: {}", r.text);
    }

    // Steps at the wrong time, or with bad input.
    let (id, _) = d.ask(ask_body()).await;
    d.act(&d.deputy.token, &id, "approve", json!({}))
        .await
        .problem(409, "invalid_step");
    d.act(
        &d.technician.token,
        &id,
        "route",
        json!({"department_id": "khong-co"}),
    )
    .await
    .problem(422, "validation_failed");
    d.act(
        &d.technician.token,
        &id,
        "close",
        json!({"reason": "duplicate", "duplicate_of": id}),
    )
    .await
    .problem(422, "validation_failed");
    d.act(
        &d.technician.token,
        &id,
        "close",
        json!({"reason": "duplicate"}),
    )
    .await
    .problem(422, "validation_failed");
    d.act(
        &d.technician.token,
        &id,
        "sent",
        json!({"posted_on": "2026-12-03"}),
    )
    .await
    .problem(409, "sent_by_email");
    d.act(&d.deputy.token, &id, "publish", json!({}))
        .await
        .problem(409, "invalid_step");
    let route = json!({"department_id": d.department});
    assert_eq!(
        d.act(&d.technician.token, &id, "route", route).await.status,
        200
    );
    d.act(&d.clerk.token, &id, "submit", json!({}))
        .await
        .problem(409, "no_answer");
    d.answer(&d.clerk.token, &id, "")
        .await
        .problem(422, "validation_failed");
    assert_eq!(d.answer(&d.clerk.token, &id, "Trả lời.").await.status, 200);
    assert_eq!(
        d.act(&d.clerk.token, &id, "submit", json!({})).await.status,
        200
    );
    d.act(&d.deputy.token, &id, "request-changes", json!({}))
        .await
        .problem(400, "malformed_json");
    d.act(
        &d.deputy.token,
        &id,
        "request-changes",
        json!({"comment": ""}),
    )
    .await
    .problem(422, "validation_failed");
    assert_eq!(d.status(&id).await, "answered");
    let r = app
        .get(
            "/api/v1/questions?status=nonsense",
            Some(&d.technician.token),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    // A duplicate of a real question closes; its original stays open.
    let (second, _) = d.ask(ask_body()).await;
    let r = d
        .act(
            &d.technician.token,
            &second,
            "close",
            json!({"reason": "duplicate", "duplicate_of": id}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "closed_as_duplicate");
    assert_eq!(r.body["duplicate_of"], id.as_str());
}

#[tokio::test]
async fn a_flood_from_one_address_gets_429_and_the_rest_of_the_api_carries_on() {
    let app = spawn_app_with(&[("TTDT_QUESTION_RATE_ADDRESS", "3")]).await;
    for _ in 0..3 {
        let r = app.post("/api/v1/questions", None, ask_body()).await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    for _ in 0..20 {
        let r = app.post("/api/v1/questions", None, ask_body()).await;
        r.problem(429, "rate_limited");
        assert!(r.header("retry-after").is_some());
        let public = app.get("/api/v1/procedures", None).await;
        assert_eq!(public.status, 200);
    }
    let tech = app.staff("technician").await;
    let list = app
        .get("/api/v1/questions?limit=100", Some(&tech.token))
        .await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn the_answer_deadline_counts_working_days_and_overdue_questions_are_filtered() {
    // Thursday 3 December 2026, 10:00 in Việt Nam.
    let start = chrono::Utc.with_ymd_and_hms(2026, 12, 3, 3, 0, 0).unwrap();
    let clock = ttdt::clock::Clock::fixed(start);
    let app = spawn_app_at(clock.clone()).await;
    let tech = app.staff("technician").await;
    let r = app.post("/api/v1/questions", None, ask_body()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    // 7 working days: Friday 4, Monday 7 to Friday 11, Monday 14; due at its end.
    assert_eq!(r.body["due_at"], "2026-12-14T17:00:00Z");
    let overdue = |flag: &'static str| {
        let app = &app;
        let token = tech.token.clone();
        async move {
            app.get(&format!("/api/v1/questions?overdue={flag}"), Some(&token))
                .await
                .body["items"]
                .as_array()
                .unwrap()
                .len()
        }
    };
    assert_eq!((overdue("true").await, overdue("false").await), (0, 1));
    clock.set(
        chrono::Utc
            .with_ymd_and_hms(2026, 12, 14, 18, 0, 0)
            .unwrap(),
    );
    assert_eq!((overdue("true").await, overdue("false").await), (1, 0));
    let list = app.get("/api/v1/questions", Some(&tech.token)).await;
    assert_eq!(list.body["items"][0]["overdue"], true);
}

#[tokio::test]
async fn contact_data_is_erased_after_the_retention_time_and_the_record_stays() {
    let start = chrono::Utc.with_ymd_and_hms(2026, 12, 3, 3, 0, 0).unwrap();
    let clock = ttdt::clock::Clock::fixed(start);
    let app = spawn_app_at(clock.clone()).await;
    let tech = app.staff("technician").await;
    let r = app.post("/api/v1/questions", None, ask_body()).await;
    assert_eq!(r.status, 201);
    let list = app.get("/api/v1/questions", Some(&tech.token)).await;
    let id = list.body["items"][0]["id"].as_str().unwrap().to_owned();
    let r = app
        .post(
            &format!("/api/v1/questions/{id}/close"),
            Some(&tech.token),
            json!({"reason": "spam", "comment": format!("Đã gọi {PHONE}, không phải câu hỏi.")}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // A year (the default) and a day later, the scheduler's next pass erases it.
    clock.set(start + chrono::Duration::days(366));
    let contact = format!("/api/v1/questions/{id}/contact");
    let mut erased = false;
    for _ in 0..300 {
        let r = app.get(&contact, Some(&tech.token)).await;
        if r.status == 410 {
            r.problem(410, "contact_erased");
            erased = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(erased, "the contact data was erased");
    let r = app
        .get(&format!("/api/v1/questions/{id}"), Some(&tech.token))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["contact_erased"], true);
    assert_eq!(r.body["status"], "closed_as_spam");
    assert!(personal_data_in(&r.text).is_empty(), "{}", r.text);
    assert!(r.body["question"].as_str().unwrap().contains("50.000 đồng"));
    assert_eq!(app.count_audit("question.erase_contact", &id), 1);
}

#[tokio::test]
async fn of_concurrent_approvals_one_wins_and_one_mail_is_queued() {
    let app = spawn_app_with(&[("TTDT_DB_POOL_SIZE", "10")]).await;
    let d = Desk::new(&app).await;
    let id = d.answered(ask_body()).await;
    let chief = &d.chief.token;
    let deputy = &d.deputy.token;
    let attempts = (0..8).map(|i| {
        let token = if i % 2 == 0 { chief } else { deputy };
        d.act(token, &id, "approve", json!({}))
    });
    let results = futures::future::join_all(attempts).await;
    let ok = results.iter().filter(|r| r.status == 200).count();
    assert_eq!(
        ok,
        1,
        "{:?}",
        results.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    for r in results.iter().filter(|r| r.status != 200) {
        assert_eq!(r.status, 409, "{}", r.text);
    }
    use ttdt::db::schema::mail_outbox;
    let mut conn = app.pool.get().unwrap();
    let queued: i64 = mail_outbox::table
        .filter(mail_outbox::question_id.eq(&id))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(queued, 1);
}

#[tokio::test]
async fn without_an_smtp_server_the_mail_is_written_as_an_eml_file() {
    let app = spawn_app_with(&[("TTDT_SCHOOL_NAME", SCHOOL)]).await;
    let d = Desk::new(&app).await;
    let id = d.answered(ask_body()).await;
    assert_eq!(
        d.act(&d.deputy.token, &id, "approve", json!({}))
            .await
            .status,
        200
    );
    d.wait_for_status(&id, "sent").await;
    let dir = app.data_dir.path().join("outbox");
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(files.len(), 1);
    let raw = std::fs::read(files[0].as_ref().unwrap().path()).unwrap();
    let mail = crate::helpers::Delivered { to: vec![], raw };
    assert_eq!(mail.subject(), format!("Trả lời câu hỏi: {SUBJECT}"));
    assert!(mail.header("To").contains(EMAIL));
    assert!(mail.body().contains("học bạ"));
}

struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_ttdt(env: &[(String, String)], log: &std::path::Path) -> Process {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    Process(
        Command::new(env!("CARGO_BIN_EXE_ttdt"))
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start ttdt"),
    )
}

async fn wait_ready(base: &str) {
    for _ in 0..300 {
        if let Ok(r) = reqwest::get(format!("{base}/readyz")).await
            && r.status() == 200
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("ttdt did not become ready at {base}");
}

/// The SMTP server is down when the answer is approved; `ttdt` retries, is killed, starts
/// again; the server comes up: the answer arrives exactly once. Over the whole story no line
/// of the service's log names the asker.
#[tokio::test]
async fn mail_survives_an_smtp_outage_and_a_restart_and_arrives_once_and_the_log_names_no_one() {
    let (db, database_url) = TestDb::create();
    let data_dir = tempfile::tempdir().unwrap();
    let log = data_dir.path().join("ttdt.log");
    let port = free_port();
    let smtp_port = free_port();
    let mut env = process_env(&database_url, data_dir.path(), port);
    env.extend(
        [
            ("TTDT_SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}")),
            ("TTDT_MAIL_RETRY_SECONDS", "1".into()),
            ("TTDT_SCHEDULER_INTERVAL", "1".into()),
            ("TTDT_SCHOOL_NAME", SCHOOL.into()),
        ]
        .map(|(k, v)| (k.to_owned(), v)),
    );
    let base = format!("http://127.0.0.1:{port}");
    let first = start_ttdt(&env, &log);
    wait_ready(&base).await;
    let app = TestApp::attach(
        base.clone(),
        (db, database_url),
        tempfile::tempdir().unwrap(),
    )
    .await;
    let d = Desk::new(&app).await;
    let mut body = ask_body();
    body["procedure_id"] = json!(d.guide);
    let id = d.answered(body).await;
    assert_eq!(
        d.act(&d.deputy.token, &id, "approve", json!({}))
            .await
            .status,
        200
    );
    // Refused connections, retried with backoff: still approved, nothing lost.
    use ttdt::db::schema::mail_outbox;
    let attempts = || {
        let mut conn = app.pool.get().unwrap();
        mail_outbox::table
            .filter(mail_outbox::question_id.eq(&id))
            .select(mail_outbox::attempts)
            .first::<i32>(&mut *conn)
            .unwrap()
    };
    for _ in 0..100 {
        if attempts() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(attempts() >= 2, "retried while the server was down");
    assert_eq!(d.status(&id).await, "approved");
    let r = app
        .get(
            &format!("/api/v1/questions/{id}"),
            Some(&d.technician.token),
        )
        .await;
    assert_eq!(r.body["delivery"]["state"], "retrying", "{}", r.text);
    assert!(r.body["delivery"]["attempts"].as_i64().unwrap() >= 2);
    assert!(r.body["delivery"]["last_error"].is_string());

    // A crash, a new start, and the mail server back.
    drop(first);
    let sink = SmtpSink::start_on(smtp_port);
    let _second = start_ttdt(&env, &log);
    wait_ready(&base).await;
    // Killed in the middle of an attempt, the first left its claim on the message: the new
    // process waits out the claim (two minutes) before sending.
    let mail = sink.wait_for_within(1, 150).await;
    d.wait_for_status(&id, "sent").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(sink.messages().len(), 1, "delivered exactly once");
    assert_eq!(mail[0].to, vec![EMAIL.to_owned()]);
    assert_eq!(mail[0].subject(), format!("Trả lời câu hỏi: {SUBJECT}"));

    // Published; the asker sends feedback on the guide; a staff member and the public read
    // everything there is to read.
    let r = d.act(&d.chief.token, &id, "publish", json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = app
        .post(
            "/api/v1/feedback",
            None,
            json!({"about": "content", "item_id": d.guide, "name": NAME, "email": EMAIL,
                   "message": "Cảm ơn nhà trường đã trả lời nhanh."}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let fb = app.get("/api/v1/feedback", Some(&d.chief.token)).await;
    assert!(personal_data_in(&fb.text).is_empty(), "{}", fb.text);
    let fb_id = fb.body["items"][0]["id"].as_str().unwrap().to_owned();
    let r = app
        .post(
            &format!("/api/v1/feedback/{fb_id}/handle"),
            Some(&d.chief.token),
            json!({"note": "Đã ghi nhận."}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    for path in [
        format!("/api/v1/procedures/{}", d.guide),
        "/api/v1/search?q=chuyen%20truong".to_owned(),
    ] {
        let r = app.get(&path, None).await;
        assert!(personal_data_in(&r.text).is_empty(), "{path}: {}", r.text);
    }
    let r = app
        .get(
            &format!("/api/v1/questions/{id}/contact"),
            Some(&d.technician.token),
        )
        .await;
    assert_eq!(r.status, 200);
    let list = app
        .get("/api/v1/questions", Some(&d.technician.token))
        .await;
    let ticket_track = app.get("/api/v1/procedures", None).await;
    assert!(personal_data_in(&list.text).is_empty());
    assert!(personal_data_in(&ticket_track.text).is_empty());
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(
        log.contains("not delivered"),
        "the retries are logged: {log}"
    );
    assert!(log.contains("delivered (question"), "{log}");
    for line in log.lines() {
        assert!(
            personal_data_in(line).is_empty(),
            "a log line names the asker: {line}"
        );
    }
}

/// An approval while the department saves a new answer: whichever commits first wins, and
/// the mail queued always carries the answer the question ends up with (on PostgreSQL, READ
/// COMMITTED would otherwise let the approval send the revision it read before the edit).
#[tokio::test]
async fn an_approval_racing_an_edit_sends_the_answer_that_stays() {
    let app = spawn_app_with(&[
        ("TTDT_DB_POOL_SIZE", "10"),
        ("TTDT_QUESTION_RATE_ADDRESS", "1000"),
    ])
    .await;
    let d = Desk::new(&app).await;
    use ttdt::db::schema::{mail_outbox, questions};
    for round in 0..10 {
        let id = d.answered(ask_body()).await;
        let edit = format!("Câu trả lời sửa lần {round}.");
        let (approval, saved) = tokio::join!(
            d.act(&d.deputy.token, &id, "approve", json!({})),
            d.answer(&d.clerk.token, &id, &edit),
        );
        assert!(
            [approval.status.as_u16(), saved.status.as_u16()].contains(&200),
            "one of them wins: {} / {}",
            approval.text,
            saved.text
        );
        let mut conn = app.pool.get().unwrap();
        let (status, answer): (String, Option<String>) = questions::table
            .find(&id)
            .select((questions::status, questions::answer))
            .first(&mut *conn)
            .unwrap();
        let mails: Vec<String> = mail_outbox::table
            .filter(mail_outbox::question_id.eq(&id))
            .select(mail_outbox::body)
            .load(&mut *conn)
            .unwrap();
        if approval.status == 200 {
            // The worker may have delivered it already (to data/outbox).
            assert!(status == "approved" || status == "sent", "{status}");
            assert_eq!(mails.len(), 1);
            assert!(mails[0].contains(&answer.unwrap()), "{}", mails[0]);
        } else {
            approval.problem(409, "question_changed");
            assert_eq!(status, "answered");
            assert!(mails.is_empty());
            assert_eq!(answer.as_deref(), Some(edit.as_str()));
        }
    }
}

/// Two instances on one database both run the delivery worker: each answer goes out once.
/// The mail server is down while the answers are approved, so both workers find the same
/// messages due at the same moments and race to claim them when it comes back.
#[tokio::test]
async fn two_instances_deliver_each_answer_once() {
    let smtp_port = free_port();
    let smtp = format!("smtp://127.0.0.1:{smtp_port}");
    let app = spawn_app_with(&[
        ("TTDT_SMTP_URL", &smtp),
        ("TTDT_MAIL_RETRY_SECONDS", "1"),
        ("TTDT_SCHEDULER_INTERVAL", "1"),
        ("TTDT_QUESTION_RATE_ADDRESS", "1000"),
    ])
    .await;
    let settings = ttdt::config::Settings::from_lookup(|k| match k {
        "TTDT_DATABASE_URL" => Some(app.database_url.clone()),
        "TTDT_DATA_DIR" => Some(app.data_dir.path().to_string_lossy().into_owned()),
        "TTDT_JWT_SECRET" => Some(crate::helpers::JWT_SECRET.into()),
        "TTDT_BIND" => Some("127.0.0.1:0".into()),
        "TTDT_WORKERS" => Some("1".into()),
        "TTDT_SMTP_URL" => Some(smtp.clone()),
        "TTDT_MAIL_RETRY_SECONDS" => Some("1".into()),
        "TTDT_SCHEDULER_INTERVAL" => Some("1".into()),
        _ => None,
    })
    .unwrap();
    let second = ttdt::startup::Application::build(settings).await.unwrap();
    tokio::spawn(second.run_until_stopped());

    let d = Desk::new(&app).await;
    let mut ids = Vec::new();
    for i in 0..12 {
        let mut body = ask_body();
        body["email"] = json!(format!("asker{i}@example.vn"));
        let id = d.answered(body).await;
        assert_eq!(
            d.act(&d.deputy.token, &id, "approve", json!({}))
                .await
                .status,
            200
        );
        ids.push(id);
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let sink = SmtpSink::start_on(smtp_port);
    let mail = sink.wait_for(12).await;
    for id in &ids {
        d.wait_for_status(id, "sent").await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mail = if sink.messages().len() > mail.len() {
        sink.messages()
    } else {
        mail
    };
    let mut recipients: Vec<String> = mail.iter().flat_map(|m| m.to.clone()).collect();
    recipients.sort();
    let mut expected: Vec<String> = (0..12).map(|i| format!("asker{i}@example.vn")).collect();
    expected.sort();
    assert_eq!(recipients, expected, "each answer once");
}

/// A mailbox that does not exist: the server refuses the answer for good; it is not retried,
/// the question says why, and the technical team sends it by post instead.
#[tokio::test]
async fn an_answer_refused_for_good_is_not_retried_and_goes_by_post() {
    let sink = SmtpSink::start();
    let url = sink.url();
    let app = spawn_app_with(&[
        ("TTDT_SMTP_URL", &url),
        ("TTDT_MAIL_RETRY_SECONDS", "1"),
        ("TTDT_SCHEDULER_INTERVAL", "1"),
    ])
    .await;
    let d = Desk::new(&app).await;
    let mut body = ask_body();
    body["email"] = json!(crate::helpers::NO_SUCH_MAILBOX);
    let id = d.answered(body).await;
    assert_eq!(
        d.act(&d.deputy.token, &id, "approve", json!({}))
            .await
            .status,
        200
    );
    let path = format!("/api/v1/questions/{id}");
    let mut problem = Value::Null;
    for _ in 0..300 {
        let r = app.get(&path, Some(&d.technician.token)).await;
        if r.body["delivery_problem"].is_string() {
            problem = r.body["delivery_problem"].clone();
            assert_eq!(r.body["status"], "approved");
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(problem.as_str().unwrap().contains("550"), "{problem}");
    let r = app.get(&path, Some(&d.technician.token)).await;
    assert_eq!(r.body["delivery"]["state"], "refused", "{}", r.text);
    use ttdt::db::schema::mail_outbox;
    let attempts = || {
        let mut conn = app.pool.get().unwrap();
        mail_outbox::table
            .filter(mail_outbox::question_id.eq(&id))
            .select(mail_outbox::attempts)
            .first::<i32>(&mut *conn)
            .unwrap()
    };
    let tried = attempts();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(attempts(), tried, "not retried");
    assert!(sink.messages().is_empty());
    let r = d
        .act(
            &d.technician.token,
            &id,
            "sent",
            json!({"posted_on": "2026-12-04", "comment": "Gửi bưu điện."}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "sent");
    assert_eq!(r.body["sent_via"], "post");
}

/// Routing tells a department that has an address; the notice names the subject, the deadline
/// and the question, nothing about the asker, and its delivery is not the answer's.
#[tokio::test]
async fn a_department_with_an_address_hears_of_each_question_routed_to_it() {
    let sink = SmtpSink::start();
    let url = sink.url();
    let app = spawn_app_with(&[("TTDT_SMTP_URL", &url), ("TTDT_SCHEDULER_INTERVAL", "1")]).await;
    let d = Desk::new(&app).await;
    let office = "vanphong@ths01muongmuon.edu.vn";
    let r = app
        .patch(
            &format!("/api/v1/departments/{}", d.department),
            Some(&app.principal_token),
            json!({"email": office}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let (id, _) = d.ask(ask_body()).await;
    let r = d
        .act(
            &d.technician.token,
            &id,
            "route",
            json!({"department_id": d.department}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let notice = sink.wait_for(1).await.remove(0);
    assert_eq!(notice.to, vec![office.to_owned()]);
    assert_eq!(notice.subject(), format!("Câu hỏi cần trả lời: {SUBJECT}"));
    let body = notice.body();
    assert!(
        body.contains(&id) && body.contains("Hạn trả lời: "),
        "{body}"
    );
    assert!(personal_data_in(&String::from_utf8_lossy(&notice.raw)).is_empty());
    assert!(personal_data_in(&body).is_empty(), "{body}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(d.status(&id).await, "routed");
    let r = app
        .get(
            &format!("/api/v1/questions/{id}"),
            Some(&d.technician.token),
        )
        .await;
    assert!(r.body["delivery"].is_null(), "{}", r.text);

    assert_eq!(
        d.answer(&d.clerk.token, &id, "Hồ sơ gồm đơn.").await.status,
        200
    );
    assert_eq!(
        d.act(&d.clerk.token, &id, "submit", json!({})).await.status,
        200
    );
    assert_eq!(
        d.act(&d.deputy.token, &id, "approve", json!({}))
            .await
            .status,
        200
    );
    let mail = sink.wait_for(2).await;
    assert_eq!(mail[1].to, vec![EMAIL.to_owned()]);
    d.wait_for_status(&id, "sent").await;
}
