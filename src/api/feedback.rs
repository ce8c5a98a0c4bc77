//! `/feedback`: what readers say about a published item or about the site (Quy chế Điều 5.4,
//! 5.5). Anyone may send it; content feedback reaches the item's author and the board, feedback
//! on the site the technical team, who mark it handled with a note.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use super::body::JsonBody;
use super::public_questions::{INTAKE_LIMIT, admit, caught_in_honeypot};
use super::{page_request, time_cursor, utc};
use crate::auth::{Actor, roles};
use crate::db::questions::Feedback;
use crate::domain::text::{nfc, no_nul};
use crate::error::{ApiError, ApiResult, ProblemDetails, Text};
use crate::services::feedback::{self, Filter, NewFeedback};
use crate::services::{AuditContext, encoding};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(send_feedback)
        .service(list_feedback)
        .service(get_feedback)
        .service(get_feedback_contact)
        .service(handle_feedback);
}

/// What the feedback is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackAbout {
    /// A published item (`item_id`): goes to its author and the board.
    Content,
    /// The site itself (something broken, hard to find, slow): goes to the technical team.
    Site,
}

impl FeedbackAbout {
    fn as_str(self) -> &'static str {
        match self {
            FeedbackAbout::Content => feedback::CONTENT,
            FeedbackAbout::Site => feedback::SITE,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackStatus {
    Open,
    Handled,
}

impl FeedbackStatus {
    fn as_str(self) -> &'static str {
        match self {
            FeedbackStatus::Open => feedback::OPEN,
            FeedbackStatus::Handled => feedback::HANDLED,
        }
    }
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRequest {
    pub about: FeedbackAbout,
    /// The published item, with `about: content` (and only then).
    #[serde(default)]
    pub item_id: Option<String>,
    #[serde(deserialize_with = "nfc::string")]
    #[validate(length(min = 1, max = 5000), custom(function = "no_nul"))]
    #[schema(min_length = 1, max_length = 5000)]
    pub message: String,
    /// Optional, to be answered.
    #[serde(default, deserialize_with = "nfc::option")]
    #[validate(length(min = 1, max = 200), custom(function = "no_nul"))]
    pub name: Option<String>,
    /// Optional, to be answered.
    #[serde(default, deserialize_with = "nfc::option")]
    #[validate(email, length(max = 254))]
    pub email: Option<String>,
    /// Leave empty: a form shows no such field to people, only to bots.
    #[serde(default)]
    pub website: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackReceived {
    pub received_at: DateTime<Utc>,
}

/// Send feedback on a published item or on the site (anyone).
///
/// Limited per client address together with questions (`TTDT_QUESTION_RATE_ADDRESS` an hour);
/// the body is at most 64 KiB.
#[utoipa::path(
    tag = "feedback",
    request_body = FeedbackRequest,
    responses(
        (status = 202, description = "Received", body = FeedbackReceived),
        (status = 413, description = "The body is over 64 KiB (`payload_too_large`)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; `item_required`, `item_not_allowed`, `unknown_item`; `legacy_vietnamese_encoding`", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many from this address (`rate_limited`); see `Retry-After`", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/feedback")]
pub async fn send_feedback(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: JsonBody<FeedbackRequest, INTAKE_LIMIT>,
) -> ApiResult<HttpResponse> {
    admit(&req, &state)?;
    let body = body.into_inner();
    body.validate()?;
    match (body.about, &body.item_id) {
        (FeedbackAbout::Content, None) => {
            return Err(ApiError::field(
                "item_id",
                "item_required",
                Text::new(
                    "Góp ý về nội dung cần cho biết nội dung nào (`item_id`).",
                    "Feedback on content names the item (`item_id`).",
                ),
            ));
        }
        (FeedbackAbout::Site, Some(_)) => {
            return Err(ApiError::field(
                "item_id",
                "item_not_allowed",
                Text::new(
                    "Góp ý về trang không gắn với một nội dung.",
                    "Feedback on the site names no item.",
                ),
            ));
        }
        _ => {}
    }
    encoding::Fields::default()
        .text("message", &body.message)
        .sent("name", &body.name)
        .check()?;
    let now = state.settings.clock.now();
    if caught_in_honeypot(body.website.as_deref()) {
        // A bot filled the hidden field: told what a person is told; nothing is kept.
        return Ok(HttpResponse::Accepted().json(FeedbackReceived { received_at: now }));
    }
    let new = NewFeedback {
        about: body.about.as_str(),
        item_id: body.item_id,
        message: body.message,
        name: body.name,
        email: body.email,
    };
    let settings = state.settings.clone();
    let row = state
        .db(move |conn| feedback::receive(conn, &settings, new))
        .await?;
    Ok(HttpResponse::Accepted().json(FeedbackReceived {
        received_at: utc(row.received_at),
    }))
}

/// The published item feedback is about.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackItem {
    pub id: String,
    /// `article`, `document`, `procedure`, …
    pub kind: String,
    pub title: String,
}

/// Feedback as staff see it: never the sender's name or e-mail (see `/contact`).
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackResponse {
    pub id: String,
    pub about: FeedbackAbout,
    pub item: Option<FeedbackItem>,
    pub message: String,
    pub status: FeedbackStatus,
    /// What was done about it.
    pub note: String,
    pub handled_by: Option<String>,
    pub handled_at: Option<DateTime<Utc>>,
    pub received_at: DateTime<Utc>,
    /// The sender left a name or an e-mail address.
    pub has_contact: bool,
    pub contact_erased: bool,
}

impl From<Feedback> for FeedbackResponse {
    fn from(f: Feedback) -> Self {
        FeedbackResponse {
            about: if f.about == feedback::CONTENT {
                FeedbackAbout::Content
            } else {
                FeedbackAbout::Site
            },
            item: f.item_id.map(|id| FeedbackItem {
                id,
                kind: f.item_kind.unwrap_or_default(),
                title: f.item_title.unwrap_or_default(),
            }),
            status: if f.status == feedback::HANDLED {
                FeedbackStatus::Handled
            } else {
                FeedbackStatus::Open
            },
            has_contact: f.sender_name.is_some() || f.sender_email.is_some(),
            contact_erased: f.erased_at.is_some(),
            id: f.id,
            message: f.message,
            note: f.note,
            handled_by: f.handled_by,
            handled_at: f.handled_at.map(utc),
            received_at: utc(f.received_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackList {
    pub items: Vec<FeedbackResponse>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedbackListQuery {
    pub status: Option<FeedbackStatus>,
    pub about: Option<FeedbackAbout>,
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

/// List the feedback the caller handles, newest first: the principal and the chief all of
/// it, the deputy feedback on content, the technical team feedback on the site, and every
/// author feedback on their own items.
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(FeedbackListQuery),
    responses((status = 200, description = "One page of feedback", body = FeedbackList))
)]
#[get("/feedback")]
pub async fn list_feedback(
    actor: Actor,
    state: web::Data<AppState>,
    query: web::Query<FeedbackListQuery>,
) -> ApiResult<web::Json<FeedbackList>> {
    let query = query.into_inner();
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let after = time_cursor(after)?;
    let filter = Filter {
        status: query.status.map(FeedbackStatus::as_str),
        about: query.about.map(FeedbackAbout::as_str),
    };
    let (role, user) = (actor.role, actor.user_id.clone());
    let page = state
        .db(move |conn| {
            let scope = roles::feedback_visible(role, &user);
            feedback::list(conn, scope, filter, after, limit)
        })
        .await?;
    let (items, next_cursor) = super::list_body(page);
    Ok(web::Json(FeedbackList { items, next_cursor }))
}

/// Read one piece of feedback.
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Feedback id")),
    responses(
        (status = 200, description = "The feedback", body = FeedbackResponse),
        (status = 404, description = "No such feedback, or not the caller's to handle", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/feedback/{id}")]
pub async fn get_feedback(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<web::Json<FeedbackResponse>> {
    let (role, user) = (actor.role, actor.user_id.clone());
    let f = state
        .db(move |conn| feedback::get(conn, roles::feedback_visible(role, &user), &id))
        .await?;
    Ok(web::Json(f.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackContact {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// Read the sender's name and e-mail to reply (the chief, the deputy, the technical team, on
/// feedback they handle); every read is in the audit log (`feedback.read_contact`).
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Feedback id")),
    responses(
        (status = 200, description = "The sender's contact data", body = FeedbackContact),
        (status = 403, description = "Not a role that replies", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such feedback, or not the caller's to handle", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 410, description = "Erased after the retention time (`contact_erased`)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/feedback/{id}/contact")]
pub async fn get_feedback_contact(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    actor.require(roles::can_read_feedback_contact(actor.role))?;
    let ctx = AuditContext::from(&actor);
    let (role, user) = (actor.role, actor.user_id.clone());
    let f = state
        .db(move |conn| feedback::contact(conn, &ctx, roles::feedback_visible(role, &user), &id))
        .await?;
    if f.erased_at.is_some() {
        return Err(super::questions::contact_erased());
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(FeedbackContact {
            name: f.sender_name,
            email: f.sender_email,
        }))
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandleRequest {
    /// What was done about it.
    #[serde(deserialize_with = "nfc::string")]
    #[validate(length(min = 1, max = 2000), custom(function = "no_nul"))]
    #[schema(min_length = 1)]
    pub note: String,
}

/// Mark feedback handled, with a note (whoever it reaches).
#[utoipa::path(
    tag = "feedback",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Feedback id")),
    request_body = HandleRequest,
    responses(
        (status = 200, description = "Handled", body = FeedbackResponse),
        (status = 404, description = "No such feedback, or not the caller's to handle", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Handled already (`already_handled`)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/feedback/{id}/handle")]
pub async fn handle_feedback(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonBody<HandleRequest>,
) -> ApiResult<web::Json<FeedbackResponse>> {
    let body = body.into_inner();
    body.validate()?;
    encoding::Fields::default()
        .text("note", &body.note)
        .check()?;
    let ctx = AuditContext::from(&actor);
    let (role, user) = (actor.role, actor.user_id.clone());
    let now = state.settings.clock.now();
    let f = state
        .db(move |conn| {
            let scope = roles::feedback_visible(role, &user);
            feedback::handle(conn, &ctx, scope, &id, &body.note, now)
        })
        .await?;
    Ok(web::Json(f.into()))
}
