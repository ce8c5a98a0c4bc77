//! `/webhooks`: subscriptions to public changes, signed in the Standard Webhooks form, managed
//! by the editor-in-chief and the technical team; each with its delivery log and replay.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use super::body::JsonBody;
use super::{created, encode_cursor, list_body, page_request, time_cursor, utc};
use crate::auth::Actor;
use crate::auth::roles;
use crate::db::models::{Webhook, WebhookAttempt, WebhookDelivery};
use crate::domain::text::{nfc, no_nul};
use crate::error::{ApiError, ApiResult, ProblemDetails, Text};
use crate::services::AuditContext;
use crate::services::webhooks::{self, NewWebhook, WebhookChanges};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_webhooks)
        .service(create_webhook)
        .service(get_webhook)
        .service(update_webhook)
        .service(delete_webhook)
        .service(list_webhook_deliveries)
        .service(get_webhook_delivery)
        .service(replay_webhook_delivery);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookResponse {
    pub id: String,
    #[schema(example = "https://pgd.muongcha.edu.vn/hooks/ttdt")]
    pub url: String,
    pub description: String,
    /// `*`, `<kind>.*` or `<kind>.<change>` (`article.published`, `document.*`).
    #[schema(example = json!(["article.*", "document.published"]))]
    pub events: Vec<String>,
    /// Off after `TTDT_WEBHOOK_MAX_FAILURES` failed attempts in a row (or by staff); its
    /// messages wait, in order, until it is enabled again.
    pub enabled: bool,
    /// Failed attempts in a row.
    pub failures: i32,
    pub disabled_at: Option<DateTime<Utc>>,
    pub disabled_reason: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Webhook> for WebhookResponse {
    fn from(w: Webhook) -> Self {
        WebhookResponse {
            id: w.id,
            url: w.url,
            description: w.description,
            events: w.events.split(' ').map(str::to_owned).collect(),
            enabled: w.enabled,
            failures: w.failures,
            disabled_at: w.disabled_at.map(utc),
            disabled_reason: w.disabled_reason,
            created_by: w.created_by,
            created_at: utc(w.created_at),
            updated_at: utc(w.updated_at),
        }
    }
}

/// A new subscription, with its signing secret: give it to the receiver now, it is never
/// shown again.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWebhook {
    /// `whsec_` and 32 bytes in base64: the HMAC key is the bytes after `whsec_`, decoded.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwAbCdEfGhIjk=")]
    pub secret: String,
    #[serde(flatten)]
    pub webhook: WebhookResponse,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookList {
    pub items: Vec<WebhookResponse>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WebhookListQuery {
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// `http://` or `https://`; it must resolve to public addresses (unless allowed by
    /// `TTDT_WEBHOOK_ALLOW_NETWORKS`); redirects are not followed.
    #[validate(length(min = 1, max = 2000), custom(function = "no_nul"))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        example = "https://pgd.muongcha.edu.vn/hooks/ttdt"
    )]
    pub url: String,
    #[serde(default, deserialize_with = "nfc::string")]
    #[validate(length(max = 500), custom(function = "no_nul"))]
    #[schema(max_length = 500)]
    pub description: String,
    /// Default `["*"]`: every public change.
    #[serde(default)]
    pub events: Vec<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhookRequest {
    #[validate(length(min = 1, max = 2000), custom(function = "no_nul"))]
    #[schema(min_length = 1, max_length = 2000)]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "nfc::present")]
    #[validate(length(max = 500), custom(function = "no_nul"))]
    #[schema(nullable = false, max_length = 500)]
    pub description: Option<String>,
    pub events: Option<Vec<String>>,
    /// `true` starts a disabled subscription again (its failures cleared); `false` pauses it.
    pub enabled: Option<bool>,
}

/// One message to a subscription.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDeliveryResponse {
    pub id: String,
    /// The `webhook-id` header: the same for every attempt and for a replay.
    pub message_id: String,
    #[schema(example = "article.published")]
    pub event: String,
    /// The change-feed position of the change.
    pub seq: i64,
    /// `pending` (waiting its turn or a retry) or `delivered`.
    pub status: String,
    pub attempts: i32,
    /// When a pending message is tried next.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The receiver's last HTTP status.
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// The body sent: `{"type", "timestamp", "data": {"kind", "id", "change", "revision",
    /// "seq", "url"}}`.
    #[schema(value_type = Object)]
    pub payload: Value,
    /// Every attempt, oldest first (a single delivery only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<Vec<WebhookAttemptResponse>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookAttemptResponse {
    pub at: DateTime<Utc>,
    /// The receiver's HTTP status, if it answered.
    pub status: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i32,
}

impl From<WebhookAttempt> for WebhookAttemptResponse {
    fn from(a: WebhookAttempt) -> Self {
        WebhookAttemptResponse {
            at: utc(a.at),
            status: a.status,
            error: a.error,
            duration_ms: a.duration_ms,
        }
    }
}

impl From<WebhookDelivery> for WebhookDeliveryResponse {
    fn from(d: WebhookDelivery) -> Self {
        let pending = d.status == webhooks::PENDING;
        WebhookDeliveryResponse {
            payload: serde_json::from_str(&d.payload).unwrap_or(Value::Null),
            id: d.id,
            message_id: d.message_id,
            event: d.event,
            seq: d.seq,
            status: d.status,
            attempts: d.attempts,
            next_attempt_at: pending.then(|| utc(d.next_attempt_at)),
            last_status: d.last_status,
            last_error: d.last_error,
            created_at: utc(d.created_at),
            delivered_at: d.delivered_at.map(utc),
            log: None,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDeliveryList {
    pub items: Vec<WebhookDeliveryResponse>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryListQuery {
    /// `pending` or `delivered`.
    pub status: Option<String>,
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

fn check_status(status: Option<&str>) -> ApiResult<()> {
    match status {
        None | Some(webhooks::PENDING | webhooks::DELIVERED) => Ok(()),
        Some(_) => Err(ApiError::bad_request(
            "invalid_query",
            Text::new(
                "`status` là `pending` hoặc `delivered`.",
                "`status` is `pending` or `delivered`.",
            ),
        )),
    }
}

/// Checks a target before it is stored: 422 `invalid_url`, `unresolvable_host` or
/// `private_address`.
async fn check_target(state: &AppState, url: &str) -> ApiResult<()> {
    crate::webhooks::resolve_target(url, &state.settings.webhooks.allow_networks)
        .await
        .map(|_| ())
}

/// Subscriptions, oldest first (editor-in-chief, technical team).
#[utoipa::path(
    tag = "sync",
    security(("bearer" = [])),
    params(WebhookListQuery),
    responses((status = 200, description = "One page of subscriptions (never their secrets)", body = WebhookList))
)]
#[get("/webhooks")]
pub async fn list_webhooks(
    actor: Actor,
    state: web::Data<AppState>,
    query: web::Query<WebhookListQuery>,
) -> ApiResult<web::Json<WebhookList>> {
    actor.require(roles::can_manage_sync(actor.role))?;
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let page = state
        .db(move |conn| webhooks::list(conn, after.as_deref(), limit))
        .await?;
    let (items, next_cursor) = list_body(page);
    Ok(web::Json(WebhookList { items, next_cursor }))
}

/// Subscribe a URL to public changes (editor-in-chief, technical team). The answer holds the
/// signing secret, once.
#[utoipa::path(
    tag = "sync",
    security(("bearer" = [])),
    request_body = CreateWebhookRequest,
    responses(
        (status = 201, description = "Subscribed; `secret` is shown this once", body = CreatedWebhook),
        (status = 422, description = "Invalid fields: `invalid_url`, `unresolvable_host`, `private_address`, `unknown_event`, …", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks")]
pub async fn create_webhook(
    actor: Actor,
    state: web::Data<AppState>,
    body: JsonBody<CreateWebhookRequest>,
) -> ApiResult<HttpResponse> {
    actor.require(roles::can_manage_sync(actor.role))?;
    let body = body.into_inner();
    body.validate()?;
    check_target(&state, &body.url).await?;
    let ctx = AuditContext::from(&actor);
    let by = actor.user_id.clone();
    let new = NewWebhook {
        url: body.url,
        description: body.description,
        events: body.events,
    };
    let hook = state
        .db(move |conn| webhooks::create(conn, &ctx, &by, new))
        .await?;
    Ok(created(
        format!("/api/v1/webhooks/{}", hook.id),
        &CreatedWebhook {
            secret: hook.secret.clone(),
            webhook: hook.into(),
        },
    ))
}

/// One subscription (editor-in-chief, technical team).
#[utoipa::path(
    tag = "sync",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "The subscription", body = WebhookResponse),
        (status = 404, description = "No such subscription", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks/{id}")]
pub async fn get_webhook(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<web::Json<WebhookResponse>> {
    actor.require(roles::can_manage_sync(actor.role))?;
    let hook = state.db(move |conn| webhooks::get(conn, &id)).await?;
    Ok(web::Json(hook.into()))
}

/// Change a subscription: its URL, events, description, or `enabled` (editor-in-chief,
/// technical team).
#[utoipa::path(
    tag = "sync",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook id")),
    request_body = UpdateWebhookRequest,
    responses(
        (status = 200, description = "The changed subscription", body = WebhookResponse),
        (status = 404, description = "No such subscription", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/webhooks/{id}")]
pub async fn update_webhook(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonBody<UpdateWebhookRequest>,
) -> ApiResult<web::Json<WebhookResponse>> {
    actor.require(roles::can_manage_sync(actor.role))?;
    let body = body.into_inner();
    body.validate()?;
    if let Some(url) = &body.url {
        check_target(&state, url).await?;
    }
    let ctx = AuditContext::from(&actor);
    let changes = WebhookChanges {
        url: body.url,
        description: body.description,
        events: body.events,
        enabled: body.enabled,
    };
    let hook = state
        .db(move |conn| webhooks::update(conn, &ctx, &id, changes))
        .await?;
    Ok(web::Json(hook.into()))
}

/// Delete a subscription, its queue and its log (editor-in-chief, technical team).
#[utoipa::path(
    tag = "sync",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such subscription", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    actor.require(roles::can_manage_sync(actor.role))?;
    let ctx = AuditContext::from(&actor);
    state
        .db(move |conn| webhooks::delete(conn, &ctx, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A subscription's messages, newest first: the delivery log (editor-in-chief, technical team).
#[utoipa::path(
    tag = "sync",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Webhook id"), DeliveryListQuery),
    responses(
        (status = 200, description = "One page of messages", body = WebhookDeliveryList),
        (status = 404, description = "No such subscription", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_webhook_deliveries(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<DeliveryListQuery>,
) -> ApiResult<web::Json<WebhookDeliveryList>> {
    actor.require(roles::can_manage_sync(actor.role))?;
    let query = query.into_inner();
    check_status(query.status.as_deref())?;
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let after = time_cursor(after)?;
    let page = state
        .db(move |conn| webhooks::deliveries(conn, &id, query.status.as_deref(), after, limit))
        .await?;
    Ok(web::Json(WebhookDeliveryList {
        next_cursor: page.next_after.as_deref().map(encode_cursor),
        items: page.items.into_iter().map(Into::into).collect(),
    }))
}

/// One message with every attempt to send it (editor-in-chief, technical team).
#[utoipa::path(
    tag = "sync",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Webhook id"),
        ("delivery_id" = String, Path, description = "Delivery id"),
    ),
    responses(
        (status = 200, description = "The message and its attempts (`log`)", body = WebhookDeliveryResponse),
        (status = 404, description = "No such message", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks/{id}/deliveries/{delivery_id}")]
pub async fn get_webhook_delivery(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> ApiResult<web::Json<WebhookDeliveryResponse>> {
    actor.require(roles::can_manage_sync(actor.role))?;
    let (id, delivery_id) = path.into_inner();
    let (delivery, attempts) = state
        .db(move |conn| webhooks::delivery(conn, &id, &delivery_id))
        .await?;
    let mut body = WebhookDeliveryResponse::from(delivery);
    body.log = Some(attempts.into_iter().map(Into::into).collect());
    Ok(web::Json(body))
}

/// Send a message again: the same `webhook-id` and body, queued behind what the subscription
/// has pending (editor-in-chief, technical team).
#[utoipa::path(
    tag = "sync",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Webhook id"),
        ("delivery_id" = String, Path, description = "Delivery id"),
    ),
    responses(
        (status = 202, description = "Queued: the new delivery", body = WebhookDeliveryResponse),
        (status = 404, description = "No such message", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/replay")]
pub async fn replay_webhook_delivery(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    actor.require(roles::can_manage_sync(actor.role))?;
    let (id, delivery_id) = path.into_inner();
    let ctx = AuditContext::from(&actor);
    let copy = state
        .db(move |conn| webhooks::replay(conn, &ctx, &id, &delivery_id))
        .await?;
    Ok(HttpResponse::Accepted().json(WebhookDeliveryResponse::from(copy)))
}
