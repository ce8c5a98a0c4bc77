//! `/questions` for the public (Quy chế Điều 5.5): anyone may ask a question and follow it by
//! its ticket code; a published answer shows on its procedure guide (`PublicFaqEntry`).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::{Validate, ValidationError};

use super::body::JsonBody;
use super::{created, utc};
use crate::auth::ratelimit::client_ip;
use crate::db::questions::PublicFaq;
use crate::domain::questions::{AskerStatus, normalise_ticket, valid_phone};
use crate::domain::text::{nfc, no_nul};
use crate::error::{ApiError, ApiResult, ProblemDetails, Text};
use crate::services::encoding;
use crate::services::questions::{self, NewQuestion};
use crate::state::AppState;

/// The largest question (or feedback) accepted, in bytes: a long question is a few KiB.
pub const INTAKE_LIMIT: usize = 64 * 1024;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(ask).service(track_question);
}

/// The anonymous intake's limit (questions and feedback together), per client address,
/// checked before any other work.
pub fn admit(req: &HttpRequest, state: &AppState) -> ApiResult<()> {
    state
        .intake_limiter
        .check(client_ip(req, &state.settings.trusted_proxies))
}

/// Whether the hidden `website` field was filled: a bot, told what a person is told, whose
/// message is not kept.
pub fn caught_in_honeypot(website: Option<&str>) -> bool {
    website.is_some_and(|w| !w.trim().is_empty())
}

fn phone_number(s: &str) -> Result<(), ValidationError> {
    if valid_phone(s) {
        Ok(())
    } else {
        Err(ValidationError::new("phone"))
    }
}

/// A question as the asker sends it. At least one way to answer: `email`, or a postal
/// `address` (the answer then comes by post).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AskRequest {
    #[serde(deserialize_with = "nfc::string")]
    #[validate(length(min = 1, max = 200), custom(function = "no_nul"))]
    #[schema(example = "Nguyễn Thị Hoa", min_length = 1, max_length = 200)]
    pub name: String,
    #[serde(default, deserialize_with = "nfc::option")]
    #[validate(email, length(max = 254))]
    #[schema(example = "hoa.nguyen@example.vn")]
    pub email: Option<String>,
    /// Digits with spaces, dots, dashes or brackets; 8 to 15 digits.
    #[serde(default, deserialize_with = "nfc::option")]
    #[validate(custom(function = "phone_number"))]
    #[schema(example = "0912 345 678")]
    pub phone: Option<String>,
    /// Where a letter reaches the asker.
    #[serde(default, deserialize_with = "nfc::option")]
    #[validate(length(min = 5, max = 500), custom(function = "no_nul"))]
    #[schema(example = "Bản Mường Mươn, xã Mường Mươn, huyện Mường Chà, tỉnh Điện Biên")]
    pub address: Option<String>,
    /// The published procedure guide the question is about.
    #[serde(default)]
    pub procedure_id: Option<String>,
    #[serde(deserialize_with = "nfc::string")]
    #[validate(length(min = 1, max = 300), custom(function = "no_nul"))]
    #[schema(
        example = "Hồ sơ chuyển trường cho học sinh lớp 3",
        min_length = 1,
        max_length = 300
    )]
    pub subject: String,
    #[serde(deserialize_with = "nfc::string")]
    #[validate(length(min = 1, max = 10000), custom(function = "no_nul"))]
    #[schema(min_length = 1, max_length = 10000)]
    pub question: String,
    /// Leave empty: a form shows no such field to people, only to bots.
    #[serde(default)]
    pub website: Option<String>,
}

/// What the asker keeps: the ticket code is shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct AskResponse {
    /// Follows the question at `track`; the school cannot show it again.
    #[schema(example = "7K2Q-9XMV-D4TB-0RHE")]
    pub ticket: String,
    pub status: AskerStatus,
    pub received_at: DateTime<Utc>,
    /// The answer is due by then (working days, Vietnamese calendar).
    pub due_at: DateTime<Utc>,
    #[schema(example = "/api/v1/questions/track/7K2Q-9XMV-D4TB-0RHE")]
    pub track: String,
}

/// Ask a question (anyone).
///
/// Limited per client address (`TTDT_QUESTION_RATE_ADDRESS` an hour); the body is at most
/// 64 KiB.
#[utoipa::path(
    tag = "questions",
    request_body = AskRequest,
    responses(
        (status = 201, description = "Received; keep the ticket code", body = AskResponse),
        (status = 413, description = "The body is over 64 KiB (`payload_too_large`)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; `contact_required` without e-mail or address; `unknown_procedure`; `legacy_vietnamese_encoding`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many questions from this address (`rate_limited`); see `Retry-After`", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/questions")]
pub async fn ask(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: JsonBody<AskRequest, INTAKE_LIMIT>,
) -> ApiResult<HttpResponse> {
    admit(&req, &state)?;
    let body = body.into_inner();
    body.validate()?;
    if body.email.is_none() && body.address.is_none() {
        return Err(ApiError::field(
            "email",
            "contact_required",
            Text::new(
                "Hãy cho biết địa chỉ thư điện tử hoặc địa chỉ gửi thư để nhận câu trả lời.",
                "Give an e-mail address or a postal address for the answer.",
            ),
        ));
    }
    encoding::Fields::default()
        .text("name", &body.name)
        .sent("address", &body.address)
        .text("subject", &body.subject)
        .text("question", &body.question)
        .check()?;
    if caught_in_honeypot(body.website.as_deref()) {
        // A bot filled the hidden field: it is told what a person is told, and nothing is kept.
        let now = state.settings.clock.now();
        let ticket = crate::domain::questions::new_ticket();
        return Ok(created(
            format!("/api/v1/questions/track/{ticket}"),
            &AskResponse {
                track: format!("/api/v1/questions/track/{ticket}"),
                ticket,
                status: AskerStatus::Received,
                received_at: now,
                due_at: state
                    .settings
                    .calendar
                    .deadline(now, state.settings.questions.answer_days),
            },
        ));
    }
    let new = NewQuestion {
        name: body.name,
        email: body.email,
        phone: body.phone,
        address: body.address,
        subject: body.subject,
        body: body.question,
        procedure_id: body.procedure_id,
    };
    let settings = state.settings.clone();
    let (q, ticket) = state
        .db(move |conn| questions::receive(conn, &settings, new))
        .await?;
    let location = format!("/api/v1/questions/track/{ticket}");
    Ok(created(
        location.clone(),
        &AskResponse {
            ticket,
            status: AskerStatus::Received,
            received_at: utc(q.received_at),
            due_at: utc(q.due_at),
            track: location,
        },
    ))
}

/// A question as its asker follows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackResponse {
    pub status: AskerStatus,
    pub subject: String,
    pub received_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    /// When the answer was sent (e-mailed or posted).
    pub answered_at: Option<DateTime<Utc>>,
    /// The approved answer, once sent, with the asker's own name and contacts replaced by
    /// `[người hỏi]` (the code may be overheard; the full reply went by e-mail or post).
    pub answer: Option<String>,
}

/// Follow a question by its ticket code (anyone who has it).
#[utoipa::path(
    tag = "questions",
    params(("ticket" = String, Path, description = "The ticket code, any case, dashes optional")),
    responses(
        (status = 200, description = "The question's status, and the answer once sent", body = TrackResponse),
        (status = 404, description = "No question has this code", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many look-ups from this address", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/questions/track/{ticket}")]
pub async fn track_question(
    req: HttpRequest,
    state: web::Data<AppState>,
    ticket: web::Path<String>,
) -> ApiResult<HttpResponse> {
    state
        .track_limiter
        .check(client_ip(&req, &state.settings.trusted_proxies))?;
    let ticket = normalise_ticket(&ticket).ok_or_else(ApiError::not_found)?;
    let q = state
        .db(move |conn| questions::track(conn, &ticket))
        .await?;
    let status = questions::status_of(&q)?;
    let answered = status.for_asker() == AskerStatus::Answered;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(TrackResponse {
            status: status.for_asker(),
            subject: q.subject.clone(),
            received_at: utc(q.received_at),
            due_at: utc(q.due_at),
            answered_at: q.sent_at.map(utc).filter(|_| answered),
            answer: q
                .answer
                .as_deref()
                .filter(|_| answered)
                .map(|a| questions::without_asker(&q, a)),
        }))
}

/// A published question and answer, as a guide shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicFaqEntry {
    /// The question's id.
    pub id: String,
    pub subject: String,
    pub question: String,
    pub answer: String,
    pub published_at: DateTime<Utc>,
}

impl From<PublicFaq> for PublicFaqEntry {
    fn from(f: PublicFaq) -> Self {
        PublicFaqEntry {
            id: f.question_id,
            subject: f.subject,
            question: f.question,
            answer: f.answer,
            published_at: utc(f.published_at),
        }
    }
}
