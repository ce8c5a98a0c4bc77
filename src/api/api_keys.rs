//! `/api-keys`: keys for machine clients (the district portal, an app backend), managed by the
//! editor-in-chief and the technical team. The key itself is shown once, at creation.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use super::body::JsonBody;
use super::{created, list_body, page_request, utc};
use crate::auth::Actor;
use crate::auth::roles;
use crate::db::models::ApiKey;
use crate::domain::text::{nfc, no_nul};
use crate::error::{ApiResult, ProblemDetails};
use crate::services::AuditContext;
use crate::services::api_keys::{self, NewKey};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_api_keys)
        .service(create_api_key)
        .service(get_api_key)
        .service(revoke_api_key);
}

/// A key as listed: never the key itself.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyResponse {
    pub id: String,
    #[schema(example = "Cổng thông tin Phòng GD&ĐT Mường Chà")]
    pub name: String,
    /// The key's first characters, to tell keys apart.
    #[schema(example = "ttdt_7K2Q9X")]
    pub prefix: String,
    #[schema(example = json!(["sync:read"]))]
    pub scopes: Vec<String>,
    /// Requests per minute this key may make; more answer 429.
    pub rate_per_minute: i32,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// To the minute.
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<String>,
}

impl From<ApiKey> for ApiKeyResponse {
    fn from(k: ApiKey) -> Self {
        ApiKeyResponse {
            id: k.id,
            name: k.name,
            prefix: k.prefix,
            scopes: k.scopes.split(' ').map(str::to_owned).collect(),
            rate_per_minute: k.rate_per_minute,
            created_by: k.created_by,
            created_at: utc(k.created_at),
            last_used_at: k.last_used_at.map(utc),
            revoked_at: k.revoked_at.map(utc),
            revoked_by: k.revoked_by,
        }
    }
}

/// A new key, with the key itself: store it now, it is never shown again.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKey {
    /// Send it as `Authorization: Bearer <key>`.
    #[schema(example = "ttdt_7K2Q9XMVD4TB0RHE7K2Q9XMVD4TB0RHE")]
    pub key: String,
    #[serde(flatten)]
    pub api_key: ApiKeyResponse,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyList {
    pub items: Vec<ApiKeyResponse>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApiKeyListQuery {
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKeyRequest {
    /// Who the key is for.
    #[serde(deserialize_with = "nfc::string")]
    #[validate(length(min = 1, max = 200), custom(function = "no_nul"))]
    #[schema(
        min_length = 1,
        max_length = 200,
        example = "Cổng thông tin Phòng GD&ĐT Mường Chà"
    )]
    pub name: String,
    /// Default `["sync:read"]` (public content and the changes feed), the one scope so far.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Requests per minute; default `TTDT_API_KEY_RATE` (600).
    #[validate(range(min = 1, max = 1_000_000))]
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub rate_per_minute: Option<i32>,
}

/// API keys, oldest first (editor-in-chief, technical team).
#[utoipa::path(
    tag = "sync",
    security(("bearer" = [])),
    params(ApiKeyListQuery),
    responses(
        (status = 200, description = "One page of keys (never the keys themselves)", body = ApiKeyList),
        (status = 403, description = "Only the editor-in-chief and the technical team manage keys", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/api-keys")]
pub async fn list_api_keys(
    actor: Actor,
    state: web::Data<AppState>,
    query: web::Query<ApiKeyListQuery>,
) -> ApiResult<web::Json<ApiKeyList>> {
    actor.require(roles::can_manage_sync(actor.role))?;
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let page = state
        .db(move |conn| api_keys::list(conn, after.as_deref(), limit))
        .await?;
    let (items, next_cursor) = list_body(page);
    Ok(web::Json(ApiKeyList { items, next_cursor }))
}

/// Make a key for a machine client (editor-in-chief, technical team). The answer holds the
/// key, once.
#[utoipa::path(
    tag = "sync",
    security(("bearer" = [])),
    request_body = CreateApiKeyRequest,
    responses(
        (status = 201, description = "Made; `key` is shown this once", body = CreatedApiKey),
        (status = 403, description = "Only the editor-in-chief and the technical team manage keys", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (`unknown_scope`, …)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/api-keys")]
pub async fn create_api_key(
    actor: Actor,
    state: web::Data<AppState>,
    body: JsonBody<CreateApiKeyRequest>,
) -> ApiResult<HttpResponse> {
    actor.require(roles::can_manage_sync(actor.role))?;
    let body = body.into_inner();
    body.validate()?;
    crate::services::encoding::Fields::default()
        .text("name", &body.name)
        .check()?;
    let ctx = AuditContext::from(&actor);
    let new = NewKey {
        name: body.name,
        scopes: body.scopes,
        rate_per_minute: body
            .rate_per_minute
            .unwrap_or(state.settings.api_key_rate as i32),
    };
    let by = actor.user_id.clone();
    let (key, secret) = state
        .db(move |conn| api_keys::create(conn, &ctx, &by, new))
        .await?;
    Ok(created(
        format!("/api/v1/api-keys/{}", key.id),
        &CreatedApiKey {
            key: secret,
            api_key: key.into(),
        },
    ))
}

/// One key (editor-in-chief, technical team).
#[utoipa::path(
    tag = "sync",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Key id")),
    responses(
        (status = 200, description = "The key (never the key itself)", body = ApiKeyResponse),
        (status = 403, description = "Only the editor-in-chief and the technical team manage keys", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such key", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/api-keys/{id}")]
pub async fn get_api_key(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<web::Json<ApiKeyResponse>> {
    actor.require(roles::can_manage_sync(actor.role))?;
    let key = state.db(move |conn| api_keys::get(conn, &id)).await?;
    Ok(web::Json(key.into()))
}

/// Revoke a key: its next request is refused (401 `invalid_api_key`). Revoking twice changes
/// nothing.
#[utoipa::path(
    tag = "sync",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Key id")),
    responses(
        (status = 200, description = "Revoked", body = ApiKeyResponse),
        (status = 403, description = "Only the editor-in-chief and the technical team manage keys", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such key", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/api-keys/{id}/revoke")]
pub async fn revoke_api_key(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<web::Json<ApiKeyResponse>> {
    actor.require(roles::can_manage_sync(actor.role))?;
    let ctx = AuditContext::from(&actor);
    let by = actor.user_id.clone();
    let key = state
        .db(move |conn| api_keys::revoke(conn, &ctx, &id, &by))
        .await?;
    Ok(web::Json(key.into()))
}
