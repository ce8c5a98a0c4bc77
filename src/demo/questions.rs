//! The sample school's citizens' questions, through the public intake and the staff steps: one
//! answered by e-mail and published on the transfer guide's FAQ, one answered by post and
//! waiting for its letter, one still with the department; and a reader's feedback on the site.
//! With no `TTDT_SMTP_URL`, the e-mail lands in `data/outbox`.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use super::{Api, Board, Tally, all, id_of};

struct Sample {
    name: &'static str,
    email: Option<&'static str>,
    address: &'static str,
    subject: &'static str,
    question: &'static str,
    answer: Option<&'static str>,
    /// How far it goes: `routed`, `approved` or `published`.
    stage: &'static str,
}

const SAMPLES: [Sample; 3] = [
    Sample {
        name: "Lò Thị Duyên",
        email: Some("lo.duyen.demo@example.vn"),
        address: "Bản Huổi Lếch, xã Mường Mươn, huyện Mường Chà, tỉnh Điện Biên",
        subject: "Hồ sơ chuyển trường cho con học lớp 3",
        question: "Gia đình tôi chuyển về xã Mường Mươn từ tháng 11. Xin hỏi hồ sơ chuyển \
                   trường cho con đang học lớp 3 gồm những gì, và có phải nộp lệ phí không?",
        answer: Some(
            "Hồ sơ gồm đơn đề nghị chuyển trường (theo mẫu đính kèm hướng dẫn), học bạ và \
             giấy giới thiệu của trường đang học. Nhà trường giải quyết trong 3 ngày làm việc \
             và không thu lệ phí.",
        ),
        stage: "published",
    },
    Sample {
        name: "Quàng Văn Pọm",
        email: None,
        address: "Bản Mường Mươn 2, xã Mường Mươn, huyện Mường Chà, tỉnh Điện Biên",
        subject: "Xác nhận học sinh đang học để làm hồ sơ hỗ trợ",
        question: "Tôi cần giấy xác nhận con đang học tại trường để làm hồ sơ hỗ trợ học sinh \
                   bán trú. Tôi phải đến trường vào ngày nào?",
        answer: Some(
            "Ông đến văn phòng nhà trường từ thứ Hai đến thứ Sáu, buổi sáng; nhà trường cấp \
             giấy xác nhận ngay trong ngày.",
        ),
        stage: "approved",
    },
    Sample {
        name: "Vàng Thị Mỷ",
        email: Some("vang.my.demo@example.vn"),
        address: "Bản Nậm Chim, xã Mường Mươn, huyện Mường Chà, tỉnh Điện Biên",
        subject: "Tuyển sinh lớp 1 năm học 2027-2028",
        question: "Con tôi sinh năm 2021. Khi nào nhà trường nhận hồ sơ tuyển sinh lớp 1?",
        answer: None,
        stage: "routed",
    },
];

/// Loads the samples not there yet (known by subject); returns the tally.
pub(super) async fn load(
    api: &Api,
    board: &Board,
    department: &str,
    transfer_guide: &str,
) -> Result<Tally, String> {
    let mut tally = Tally::default();
    let tech = board.token("technician");
    let existing = all(api, "/questions", tech).await?;
    for s in SAMPLES.iter() {
        if existing.iter().any(|q| q["subject"] == s.subject) {
            tally.found += 1;
            continue;
        }
        let mut ask = json!({"name": s.name, "address": s.address, "subject": s.subject,
                             "question": s.question});
        if let Some(email) = s.email {
            ask["email"] = json!(email);
        }
        if s.stage == "published" {
            ask["procedure_id"] = json!(transfer_guide);
        }
        api.ok(Method::POST, "/questions", "", Some(ask)).await?;
        let newest = api
            .ok(
                Method::GET,
                "/questions?status=received&limit=1",
                tech,
                None,
            )
            .await?;
        let id = id_of(&newest["items"][0])?;
        let path = |step: &str| format!("/questions/{id}/{step}");
        api.ok(
            Method::POST,
            &path("route"),
            tech,
            Some(json!({"department_id": department})),
        )
        .await?;
        if let Some(answer) = s.answer {
            let clerk = board.token("department_staff");
            api.ok(
                Method::PUT,
                &path("answer"),
                clerk,
                Some(json!({"text": answer})),
            )
            .await?;
            api.ok(Method::POST, &path("submit"), clerk, None).await?;
            let deputy = board.token("deputy_editor");
            api.ok(Method::POST, &path("approve"), deputy, None).await?;
            if s.stage == "published" {
                sent(api, tech, &id).await?;
                api.ok(Method::POST, &path("publish"), deputy, None).await?;
            }
        }
        tally.added += 1;
    }
    Ok(tally)
}

/// Waits for the mail worker to deliver the answer (to `data/outbox` without SMTP).
async fn sent(api: &Api, tech: &str, id: &str) -> Result<(), String> {
    for _ in 0..100 {
        let q: Value = api
            .ok(Method::GET, &format!("/questions/{id}"), tech, None)
            .await?;
        if q["status"] == "sent" {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!(
        "question {id}: the answer was not delivered; see delivery_problem"
    ))
}
