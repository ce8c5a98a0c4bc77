//! `/questions` for staff: citizens' questions on administrative procedures (Quy chế Điều
//! 5.5). The technical team routes them, the department answers, the board approves, the
//! answer goes out by e-mail or post, and the board may publish it, without anything that
//! names the asker, on a procedure guide. Asking and following: `public_questions`.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use super::body::{JsonBody, OptionalJsonBody};
use super::public_questions::PublicFaqEntry;
use super::{page_request, time_cursor, utc};
use crate::auth::{Actor, roles};
use crate::db::questions::{Question, QuestionAnswer, QuestionEvent};
use crate::domain::questions::{ReplyBy, Status};
use crate::domain::text::{nfc, no_nul};
use crate::error::{ApiError, ApiResult, ProblemDetails, Text};
use crate::services::questions::{self, Filter, Publication, Staff};
use crate::services::{AuditContext, encoding};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_questions)
        .service(get_question)
        .service(get_contact)
        .service(list_answers)
        .service(get_letter)
        .service(get_publication)
        .service(route)
        .service(save_answer)
        .service(submit)
        .service(approve)
        .service(request_changes)
        .service(close)
        .service(mark_posted)
        .service(publish)
        .service(unpublish);
}

/// The department a question is routed to.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoutedTo {
    pub id: String,
    pub name: String,
}

/// A question in the staff list: never the asker's name or contacts.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionSummary {
    pub id: String,
    pub status: Status,
    pub subject: String,
    pub procedure_id: Option<String>,
    pub department: Option<RoutedTo>,
    pub reply_by: ReplyBy,
    pub received_at: DateTime<Utc>,
    /// Answer deadline: `TTDT_QUESTION_ANSWER_DAYS` working days after receipt.
    pub due_at: DateTime<Utc>,
    /// Past `due_at` and not yet sent or closed.
    pub overdue: bool,
    /// Saved answers so far (0: none yet).
    pub answer_revision: i32,
    pub sent_at: Option<DateTime<Utc>>,
    pub sent_via: Option<ReplyBy>,
    /// Why the e-mail could not be delivered, when the server refused it for good.
    pub delivery_problem: Option<String>,
    pub duplicate_of: Option<String>,
    /// The asker's contact data was erased after the retention time.
    pub contact_erased: bool,
}

/// A step in a question's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionStep {
    /// `receive`, `route`, `submit`, `approve`, `request_changes`, `send`, `publish`,
    /// `unpublish`, `close_as_spam`, `close_as_duplicate`.
    pub action: String,
    /// Empty for `receive`.
    pub from: String,
    pub to: Status,
    /// Null for the asker and for the delivery worker.
    pub actor_id: Option<String>,
    pub actor_role: Option<String>,
    pub comment: String,
    pub at: DateTime<Utc>,
}

impl From<QuestionEvent> for QuestionStep {
    fn from(e: QuestionEvent) -> Self {
        QuestionStep {
            to: Status::parse(&e.to_status).unwrap_or(Status::Received),
            action: e.action,
            from: e.from_status,
            actor_id: e.actor_id,
            actor_role: e.actor_role,
            comment: e.comment,
            at: utc(e.at),
        }
    }
}

/// A question with its text, current answer and history.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionDetail {
    #[serde(flatten)]
    pub summary: QuestionSummary,
    pub question: String,
    pub answer: Option<String>,
    pub history: Vec<QuestionStep>,
    /// The e-mail carrying the approved answer, once queued.
    pub delivery: Option<Delivery>,
}

/// Where the answer's e-mail is.
#[derive(Debug, Serialize, ToSchema)]
pub struct Delivery {
    /// `queued` (not tried yet), `retrying` (the server was away or said "later"), `sent`
    /// (accepted by the server) or `refused` (for good; see `delivery_problem`).
    #[schema(example = "retrying")]
    pub state: &'static str,
    pub attempts: i32,
    /// When it is tried next, while `queued` or `retrying`.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The last failure, with addresses masked.
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl From<crate::db::questions::OutboxMail> for Delivery {
    fn from(m: crate::db::questions::OutboxMail) -> Self {
        let state = match (m.sent_at, m.failed_at, m.attempts) {
            (Some(_), _, _) => "sent",
            (None, Some(_), _) => "refused",
            (None, None, 0) => "queued",
            (None, None, _) => "retrying",
        };
        let waiting = matches!(state, "queued" | "retrying");
        Delivery {
            state,
            attempts: m.attempts,
            next_attempt_at: Some(utc(m.next_attempt_at)).filter(|_| waiting),
            last_error: m.last_error.map(|e| crate::domain::privacy::mask(&e).0),
            sent_at: m.sent_at.map(utc),
        }
    }
}

fn summary(
    q: &Question,
    names: &std::collections::HashMap<String, String>,
    now: DateTime<Utc>,
) -> QuestionSummary {
    QuestionSummary {
        id: q.id.clone(),
        status: Status::parse(&q.status).unwrap_or(Status::Received),
        subject: q.subject.clone(),
        procedure_id: q.procedure_id.clone(),
        department: q.department_id.as_ref().map(|id| RoutedTo {
            id: id.clone(),
            name: names.get(id).cloned().unwrap_or_default(),
        }),
        reply_by: ReplyBy::parse(&q.reply_by).unwrap_or(ReplyBy::Email),
        received_at: utc(q.received_at),
        due_at: utc(q.due_at),
        overdue: questions::overdue(q, now),
        answer_revision: q.answer_revision,
        sent_at: q.sent_at.map(utc),
        sent_via: q.sent_via.as_deref().and_then(ReplyBy::parse),
        delivery_problem: q.delivery_note.clone(),
        duplicate_of: q.duplicate_of.clone(),
        contact_erased: q.erased_at.is_some(),
    }
}

impl From<&Actor> for Staff {
    fn from(actor: &Actor) -> Self {
        Staff {
            role: actor.role,
            department: actor.department.clone(),
        }
    }
}

/// Reads a question with its history and answers it as the detail.
async fn detail(state: &AppState, actor: &Actor, id: String) -> ApiResult<QuestionDetail> {
    let who = Staff::from(actor);
    let now = state.settings.clock.now();
    state
        .db(move |conn| {
            let q = questions::get(conn, &who, &id)?;
            let names =
                questions::department_names(conn, q.department_id.iter().cloned().collect())?;
            let history = questions::events(conn, &id)?;
            let delivery = crate::services::outbox::latest_for(conn, &id)?;
            Ok(QuestionDetail {
                summary: summary(&q, &names, now),
                question: q.body,
                answer: q.answer,
                history: history.into_iter().map(QuestionStep::from).collect(),
                delivery: delivery.map(Delivery::from),
            })
        })
        .await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionList {
    pub items: Vec<QuestionSummary>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuestionListQuery {
    pub status: Option<Status>,
    /// Department id.
    pub department: Option<String>,
    /// `true`: only questions past their deadline and not yet answered; `false`: the others.
    pub overdue: Option<bool>,
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

/// List questions, newest first (the technical team, the chief, the deputy and the principal
/// see all; department staff those routed to their department).
#[utoipa::path(
    tag = "questions",
    security(("bearer" = [])),
    params(QuestionListQuery),
    responses(
        (status = 200, description = "One page of questions", body = QuestionList),
        (status = 403, description = "Board members and contributors do not handle questions", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/questions")]
pub async fn list_questions(
    actor: Actor,
    state: web::Data<AppState>,
    query: web::Query<QuestionListQuery>,
) -> ApiResult<web::Json<QuestionList>> {
    let query = query.into_inner();
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let after = time_cursor(after)?;
    if let Some(d) = &query.department {
        super::check_query_text("department", d)?;
    }
    let filter = Filter {
        status: query.status,
        department: query.department,
        overdue: query.overdue,
    };
    let who = Staff::from(&actor);
    let now = state.settings.clock.now();
    let (page, names) = state
        .db(move |conn| {
            let page = questions::list(conn, &who, filter, now, after, limit)?;
            let ids = page
                .items
                .iter()
                .filter_map(|q| q.department_id.clone())
                .collect();
            let names = questions::department_names(conn, ids)?;
            Ok((page, names))
        })
        .await?;
    let next_cursor = page.next_after.as_deref().map(super::encode_cursor);
    Ok(web::Json(QuestionList {
        items: page.items.iter().map(|q| summary(q, &names, now)).collect(),
        next_cursor,
    }))
}

/// Read a question: its text, current answer and history; never the asker's contacts (see
/// `/contact`).
#[utoipa::path(
    tag = "questions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Question id")),
    responses(
        (status = 200, description = "The question", body = QuestionDetail),
        (status = 403, description = "Board members and contributors do not handle questions", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such question, or not routed to the caller's department", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/questions/{id}")]
pub async fn get_question(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<web::Json<QuestionDetail>> {
    Ok(web::Json(detail(&state, &actor, id.into_inner()).await?))
}

/// The asker's name and contact details.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactResponse {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub reply_by: ReplyBy,
}

pub fn contact_erased() -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::GONE,
        "contact_erased",
        Text::new(
            "Thông tin liên hệ đã được xoá theo thời hạn lưu trữ.",
            "The contact data was erased after its retention time.",
        ),
    )
}

/// Read the asker's name and contacts (the technical team, the deputy, the chief). Every read
/// is recorded in the audit log (`question.read_contact`).
#[utoipa::path(
    tag = "questions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Question id")),
    responses(
        (status = 200, description = "The asker's contact data", body = ContactResponse),
        (status = 403, description = "Only those who send answers read contact data", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such question", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 410, description = "Erased after the retention time (`contact_erased`)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/questions/{id}/contact")]
pub async fn get_contact(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    actor.require(roles::can_read_contact(actor.role))?;
    let q = read_contact(&state, &actor, id.into_inner(), "contact").await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(ContactResponse {
            reply_by: questions::reply_by(&q)?,
            name: q.asker_name,
            email: q.asker_email,
            phone: q.asker_phone,
            address: q.asker_address,
        }))
}

async fn read_contact(
    state: &AppState,
    actor: &Actor,
    id: String,
    purpose: &'static str,
) -> ApiResult<Question> {
    let ctx = AuditContext::from(actor);
    let who = Staff::from(actor);
    let q = state
        .db(move |conn| questions::contact(conn, &ctx, &who, &id, purpose))
        .await?;
    if q.erased_at.is_some() {
        return Err(contact_erased());
    }
    Ok(q)
}

/// A saved answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerRevision {
    pub revision: i32,
    pub text: String,
    pub author_id: Option<String>,
    pub at: DateTime<Utc>,
}

impl From<QuestionAnswer> for AnswerRevision {
    fn from(a: QuestionAnswer) -> Self {
        AnswerRevision {
            revision: a.revision,
            text: a.body,
            author_id: a.author_id,
            at: utc(a.at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerRevisions {
    /// Newest first.
    pub items: Vec<AnswerRevision>,
}

/// Every saved answer of a question, newest first.
#[utoipa::path(
    tag = "questions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Question id")),
    responses(
        (status = 200, description = "The answer's revisions", body = AnswerRevisions),
        (status = 404, description = "No such question", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/questions/{id}/answers")]
pub async fn list_answers(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<web::Json<AnswerRevisions>> {
    let who = Staff::from(&actor);
    let items = state
        .db(move |conn| {
            questions::get(conn, &who, &id)?;
            questions::answers(conn, &id)
        })
        .await?;
    Ok(web::Json(AnswerRevisions {
        items: items.into_iter().map(AnswerRevision::from).collect(),
    }))
}

/// The approved answer as a letter to print and post (the technical team, the deputy, the
/// chief); recorded in the audit log as a read of contact data.
#[utoipa::path(
    tag = "questions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Question id")),
    responses(
        (status = 200, description = "A printable HTML letter", content_type = "text/html"),
        (status = 403, description = "Only those who send answers print letters", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such question", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The answer is not approved yet (`not_approved`)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 410, description = "Contact data erased (`contact_erased`)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/questions/{id}/letter")]
pub async fn get_letter(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    actor.require(roles::can_read_contact(actor.role))?;
    let q = read_contact(&state, &actor, id.into_inner(), "letter").await?;
    let status = questions::status_of(&q)?;
    if !matches!(status, Status::Approved | Status::Sent | Status::Published) {
        return Err(ApiError::conflict(
            "not_approved",
            Text::new(
                "Câu trả lời chưa được duyệt.",
                "The answer is not approved yet.",
            ),
        ));
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .content_type("text/html; charset=utf-8")
        .body(letter(&state.settings.school_name, &q)))
}

fn letter(school: &str, q: &Question) -> String {
    let e = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\n', "<br>")
    };
    let date = |t: chrono::NaiveDateTime| {
        utc(t)
            .with_timezone(&crate::domain::documents::vietnam())
            .format("%d/%m/%Y")
            .to_string()
    };
    format!(
        r#"<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Trả lời câu hỏi: {subject}</title>
<style>body{{font-family:"Times New Roman",serif;font-size:14pt;max-width:18cm;margin:2cm auto;line-height:1.5}}
.to{{margin:1.5em 0}}.sign{{margin-top:3em;text-align:right}}@media print{{body{{margin:0 auto}}}}</style></head>
<body>
<p><strong>{school}</strong></p>
<div class="to"><p>Kính gửi: {name}</p><p>Địa chỉ: {address}</p></div>
<p>{school} trả lời câu hỏi Ông/Bà gửi ngày {received} như sau.</p>
<h1 style="font-size:14pt">Câu hỏi: {subject}</h1>
<p>{question}</p>
<h2 style="font-size:14pt">Trả lời</h2>
<p>{answer}</p>
<p class="sign">Trân trọng,<br>{school}</p>
</body></html>
"#,
        school = e(school),
        name = e(q.asker_name.as_deref().unwrap_or_default()),
        address = e(q.asker_address.as_deref().unwrap_or_default()),
        received = date(q.received_at),
        subject = e(&q.subject),
        question = e(&q.body),
        answer = e(q.answer.as_deref().unwrap_or_default()),
    )
}

/// How much `privacy::mask` replaced, by kind.
#[derive(Debug, Serialize, ToSchema)]
pub struct MaskedCounts {
    pub phones: usize,
    pub emails: usize,
    pub id_numbers: usize,
    pub house_numbers: usize,
}

/// The texts to review before publishing: personal data masked, the asker's name and
/// contacts replaced by `[người hỏi]`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicationDraft {
    pub procedure_id: Option<String>,
    pub subject: String,
    pub question: String,
    pub answer: String,
    pub masked: MaskedCounts,
}

/// The masked texts an editor starts a publication from (the deputy, the chief).
#[utoipa::path(
    tag = "questions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Question id")),
    responses(
        (status = 200, description = "The masked draft", body = PublicationDraft),
        (status = 403, description = "Only the deputy and the chief publish", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such question", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/questions/{id}/publication")]
pub async fn get_publication(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<web::Json<PublicationDraft>> {
    actor.require(roles::can_approve_answers(actor.role))?;
    let who = Staff::from(&actor);
    let q = state
        .db(move |conn| questions::get(conn, &who, &id))
        .await?;
    let d = questions::publication_draft(&q);
    Ok(web::Json(PublicationDraft {
        procedure_id: q.procedure_id,
        subject: d.subject,
        question: d.question,
        answer: d.answer,
        masked: MaskedCounts {
            phones: d.masked.phones,
            emails: d.masked.emails,
            id_numbers: d.masked.id_numbers,
            house_numbers: d.masked.house_numbers,
        },
    }))
}

/// An optional comment on a step.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepRequest {
    #[serde(default, deserialize_with = "nfc::string")]
    #[validate(length(max = 2000), custom(function = "no_nul"))]
    pub comment: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteRequest {
    pub department_id: String,
    #[serde(default, deserialize_with = "nfc::string")]
    #[validate(length(max = 2000), custom(function = "no_nul"))]
    pub comment: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerRequest {
    /// Plain text.
    #[serde(deserialize_with = "nfc::string")]
    #[validate(length(min = 1, max = 20000), custom(function = "no_nul"))]
    #[schema(min_length = 1, max_length = 20000)]
    pub text: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestChangesRequest {
    /// What the department should change.
    #[serde(deserialize_with = "nfc::string")]
    #[validate(length(min = 1, max = 2000), custom(function = "no_nul"))]
    #[schema(min_length = 1)]
    pub comment: String,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CloseReason {
    Spam,
    /// Needs `duplicate_of`.
    Duplicate,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseRequest {
    pub reason: CloseReason,
    /// The earlier question this one repeats.
    #[serde(default)]
    pub duplicate_of: Option<String>,
    #[serde(default, deserialize_with = "nfc::string")]
    #[validate(length(max = 2000), custom(function = "no_nul"))]
    pub comment: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostedRequest {
    /// The day the letter was posted.
    pub posted_on: NaiveDate,
    #[serde(default, deserialize_with = "nfc::string")]
    #[validate(length(max = 2000), custom(function = "no_nul"))]
    pub comment: String,
}

/// What the public will read; each text left out is the masked draft's
/// (`GET /questions/{id}/publication`).
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// The guide to show the entry on; by default the one the asker chose.
    #[serde(default)]
    pub procedure_id: Option<String>,
    #[serde(default, deserialize_with = "nfc::option")]
    #[validate(length(min = 1, max = 300), custom(function = "no_nul"))]
    pub subject: Option<String>,
    #[serde(default, deserialize_with = "nfc::option")]
    #[validate(length(min = 1, max = 10000), custom(function = "no_nul"))]
    pub question: Option<String>,
    #[serde(default, deserialize_with = "nfc::option")]
    #[validate(length(min = 1, max = 20000), custom(function = "no_nul"))]
    pub answer: Option<String>,
}

/// Runs a step's service call as the actor and answers with the question's detail.
async fn stepped<F>(state: &AppState, actor: &Actor, id: String, work: F) -> ApiResult<HttpResponse>
where
    F: FnOnce(&mut crate::db::DbConnection, &AuditContext, &Staff, &str) -> ApiResult<Question>
        + Send
        + 'static,
{
    let ctx = AuditContext::from(actor);
    let who = Staff::from(actor);
    let target = id.clone();
    state
        .db(move |conn| work(conn, &ctx, &who, &target))
        .await?;
    Ok(HttpResponse::Ok().json(detail(state, actor, id).await?))
}

/// Route a question to a department (the technical team, the chief); again to another one
/// while no answer was submitted. A department with an `email` is sent a notice (the subject,
/// the deadline, the question's id; nothing about the asker).
#[utoipa::path(
    tag = "questions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Question id")),
    request_body = RouteRequest,
    responses(
        (status = 200, description = "Routed", body = QuestionDetail),
        (status = 403, description = "Only the technical team and the chief route", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such question", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Not at a step where it can be routed (`invalid_step`), or acted on meanwhile (`question_changed`)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "`unknown_department`", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/questions/{id}/route")]
pub async fn route(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonBody<RouteRequest>,
) -> ApiResult<HttpResponse> {
    actor.require(roles::can_take_in_questions(actor.role))?;
    let body = body.into_inner();
    body.validate()?;
    encoding::Fields::default()
        .text("comment", &body.comment)
        .check()?;
    let now = state.settings.clock.now();
    let response = stepped(&state, &actor, id.into_inner(), move |c, ctx, who, id| {
        questions::route(c, ctx, who, id, &body.department_id, &body.comment, now)
    })
    .await?;
    state.mail_wakeup.notify_one();
    Ok(response)
}

/// Save the answer (staff of the department it is routed to; the deputy and the chief while
/// it waits for approval). Each save is a revision.
#[utoipa::path(
    tag = "questions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Question id")),
    request_body = AnswerRequest,
    responses(
        (status = 200, description = "Saved", body = QuestionDetail),
        (status = 403, description = "Not the department's question, or not a role that answers", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such question, or not the caller's department's", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Approved or closed already (`answer_locked`), or changed meanwhile (`question_changed`)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[put("/questions/{id}/answer")]
pub async fn save_answer(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonBody<AnswerRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    body.validate()?;
    encoding::Fields::default()
        .text("text", &body.text)
        .check()?;
    let now = state.settings.clock.now();
    stepped(&state, &actor, id.into_inner(), move |c, ctx, who, id| {
        questions::save_answer(c, ctx, who, id, body.text, now)
    })
    .await
}

/// Submit the saved answer to the board (staff of the department).
#[utoipa::path(
    tag = "questions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Question id")),
    request_body(content = Option<StepRequest>, description = "Optional; may be left out"),
    responses(
        (status = 200, description = "Answered: waiting for approval", body = QuestionDetail),
        (status = 403, description = "Not the department's question", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such question", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "`no_answer`, `invalid_step` or `question_changed`", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/questions/{id}/submit")]
pub async fn submit(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: OptionalJsonBody<StepRequest>,
) -> ApiResult<HttpResponse> {
    let comment = comment(body)?;
    let now = state.settings.clock.now();
    stepped(&state, &actor, id.into_inner(), move |c, ctx, who, id| {
        questions::submit(c, ctx, who, id, &comment, now)
    })
    .await
}

fn comment(body: OptionalJsonBody<StepRequest>) -> ApiResult<String> {
    let body = body.0;
    body.validate()?;
    encoding::Fields::default()
        .text("comment", &body.comment)
        .check()?;
    Ok(body.comment)
}

/// Approve the answer (the deputy, the chief). With an e-mail address it is queued for
/// delivery at once; with only a postal address, print `/letter` and record the posting.
#[utoipa::path(
    tag = "questions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Question id")),
    request_body(content = Option<StepRequest>, description = "Optional; may be left out"),
    responses(
        (status = 200, description = "Approved", body = QuestionDetail),
        (status = 403, description = "Only the deputy and the chief approve", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such question", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_step` or `question_changed` (the answer was edited meanwhile)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/questions/{id}/approve")]
pub async fn approve(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: OptionalJsonBody<StepRequest>,
) -> ApiResult<HttpResponse> {
    actor.require(roles::can_approve_answers(actor.role))?;
    let comment = comment(body)?;
    let settings = state.settings.clone();
    let response = stepped(&state, &actor, id.into_inner(), move |c, ctx, who, id| {
        questions::approve(c, &settings, ctx, who, id, &comment)
    })
    .await?;
    state.mail_wakeup.notify_one();
    Ok(response)
}

/// Send the answer back to the department with what to change (the deputy, the chief).
#[utoipa::path(
    tag = "questions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Question id")),
    request_body = RequestChangesRequest,
    responses(
        (status = 200, description = "Back with the department", body = QuestionDetail),
        (status = 403, description = "Only the deputy and the chief review answers", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such question", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_step` or `question_changed`", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/questions/{id}/request-changes")]
pub async fn request_changes(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonBody<RequestChangesRequest>,
) -> ApiResult<HttpResponse> {
    actor.require(roles::can_approve_answers(actor.role))?;
    let body = body.into_inner();
    body.validate()?;
    encoding::Fields::default()
        .text("comment", &body.comment)
        .check()?;
    let now = state.settings.clock.now();
    stepped(&state, &actor, id.into_inner(), move |c, ctx, who, id| {
        questions::request_changes(c, ctx, who, id, &body.comment, now)
    })
    .await
}

/// Close a question at intake as spam or as a duplicate of an earlier one (the technical
/// team, the chief).
#[utoipa::path(
    tag = "questions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Question id")),
    request_body = CloseRequest,
    responses(
        (status = 200, description = "Closed", body = QuestionDetail),
        (status = 403, description = "Only the technical team and the chief close questions", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such question", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "`invalid_step` (answered already) or `question_changed`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "`duplicate_of` missing or not another open question", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/questions/{id}/close")]
pub async fn close(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonBody<CloseRequest>,
) -> ApiResult<HttpResponse> {
    actor.require(roles::can_take_in_questions(actor.role))?;
    let body = body.into_inner();
    body.validate()?;
    encoding::Fields::default()
        .text("comment", &body.comment)
        .check()?;
    let original = match (body.reason, body.duplicate_of) {
        (CloseReason::Spam, None) => None,
        (CloseReason::Duplicate, Some(o)) => Some(o),
        (CloseReason::Spam, Some(_)) | (CloseReason::Duplicate, None) => {
            return Err(ApiError::field(
                "duplicate_of",
                "duplicate_of",
                Text::new(
                    "`duplicate_of` đi cùng `reason: duplicate`, và chỉ với nó.",
                    "`duplicate_of` goes with `reason: duplicate`, and only with it.",
                ),
            ));
        }
    };
    let now = state.settings.clock.now();
    stepped(&state, &actor, id.into_inner(), move |c, ctx, who, id| {
        questions::close(c, ctx, who, id, original.as_deref(), &body.comment, now)
    })
    .await
}

/// Record that the letter was posted (the technical team, the chief): for askers who gave only
/// a postal address, or whose e-mail server refused the answer.
#[utoipa::path(
    tag = "questions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Question id")),
    request_body = PostedRequest,
    responses(
        (status = 200, description = "Sent", body = QuestionDetail),
        (status = 403, description = "Only the technical team and the chief post letters", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such question", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "`sent_by_email`, `invalid_step` or `question_changed`", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/questions/{id}/sent")]
pub async fn mark_posted(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonBody<PostedRequest>,
) -> ApiResult<HttpResponse> {
    actor.require(roles::can_take_in_questions(actor.role))?;
    let body = body.into_inner();
    body.validate()?;
    encoding::Fields::default()
        .text("comment", &body.comment)
        .check()?;
    let now = state.settings.clock.now();
    stepped(&state, &actor, id.into_inner(), move |c, ctx, who, id| {
        questions::mark_posted(c, ctx, who, id, body.posted_on, &body.comment, now)
    })
    .await
}

/// Publish a sent question and its answer on a procedure guide's FAQ (the deputy, the chief).
/// The texts are the reviewed ones; any that still hold the asker's name or contacts are
/// refused (`personal_data`).
#[utoipa::path(
    tag = "questions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Question id")),
    request_body(content = Option<PublishRequest>, description = "Optional; texts left out are the masked draft's"),
    responses(
        (status = 200, description = "Published", body = PublicFaqEntry),
        (status = 403, description = "Only the deputy and the chief publish", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such question", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Not sent yet, or published already (`invalid_step`)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "`personal_data`, `procedure_required`, `unknown_procedure`", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/questions/{id}/publish")]
pub async fn publish(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: OptionalJsonBody<PublishRequest>,
) -> ApiResult<web::Json<PublicFaqEntry>> {
    actor.require(roles::can_approve_answers(actor.role))?;
    let body = body.0;
    body.validate()?;
    encoding::Fields::default()
        .sent("subject", &body.subject)
        .sent("question", &body.question)
        .sent("answer", &body.answer)
        .check()?;
    let ctx = AuditContext::from(&actor);
    let who = Staff::from(&actor);
    let now = state.settings.clock.now();
    let faq = state
        .db(move |conn| {
            let p = Publication {
                procedure_id: body.procedure_id,
                subject: body.subject,
                question: body.question,
                answer: body.answer,
            };
            questions::publish(conn, &ctx, &who, &id, p, now)
        })
        .await?;
    Ok(web::Json(faq.into()))
}

/// Take a published entry off the portal (the deputy, the chief).
#[utoipa::path(
    tag = "questions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Question id")),
    request_body(content = Option<StepRequest>, description = "Optional; may be left out"),
    responses(
        (status = 200, description = "Withdrawn: back to sent", body = QuestionDetail),
        (status = 403, description = "Only the deputy and the chief publish", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such question", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Not published (`invalid_step`)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/questions/{id}/unpublish")]
pub async fn unpublish(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: OptionalJsonBody<StepRequest>,
) -> ApiResult<HttpResponse> {
    actor.require(roles::can_approve_answers(actor.role))?;
    let comment = comment(body)?;
    let now = state.settings.clock.now();
    stepped(&state, &actor, id.into_inner(), move |c, ctx, who, id| {
        questions::unpublish(c, ctx, who, id, &comment, now)
    })
    .await
}
