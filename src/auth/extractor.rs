//! `Actor`: the authenticated staff member behind a request.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};

use super::Role;
use super::ratelimit::client_ip;
use crate::error::{ApiError, ApiResult, Text};
use crate::services::{api_keys, users};
use crate::state::AppState;

/// The caller, from a valid access token whose account is still active and unchanged.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: String,
    pub role: Role,
    pub categories: Vec<String>,
    pub department: Option<String>,
    pub publish: bool,
    /// The client's address as recorded in the audit log.
    pub client_addr: String,
}

impl Actor {
    pub fn require(&self, allowed: bool) -> ApiResult<()> {
        if allowed {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }
}

fn bearer_token(req: &HttpRequest) -> Option<ApiResult<String>> {
    let value = req.headers().get(header::AUTHORIZATION)?;
    let token = value
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    Some(token.ok_or_else(ApiError::invalid_token))
}

async fn authenticate(req: HttpRequest, token: String) -> ApiResult<Actor> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("AppState missing"))?
        .clone();
    let claims = state.jwt.verify(&token)?;
    let (sub, ver, sid) = (claims.sub.clone(), claims.ver, claims.sid.clone());
    let current = state
        .db(move |conn| users::token_is_current(conn, &sub, ver, sid.as_deref()))
        .await?;
    if !current {
        return Err(ApiError::invalid_token());
    }
    Ok(Actor {
        user_id: claims.sub,
        role: claims.role,
        categories: claims.cats,
        department: claims.dept,
        publish: claims.publish,
        client_addr: client_ip(&req, &state.settings.trusted_proxies).to_string(),
    })
}

impl FromRequest for Actor {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = ApiResult<Self>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match bearer_token(&req) {
                None => Err(ApiError::authentication_required()),
                Some(Ok(token)) if is_api_key(&token) => Err(key_is_not_staff()),
                Some(token) => authenticate(req, token?).await,
            }
        })
    }
}

/// The caller if a token was sent (which must then be valid), or nobody.
#[derive(Debug, Clone)]
pub struct MaybeActor(pub Option<Actor>);

impl FromRequest for MaybeActor {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = ApiResult<Self>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match bearer_token(&req) {
                None => Ok(MaybeActor(None)),
                // A machine client reads what the public reads.
                Some(Ok(token)) if is_api_key(&token) => Ok(MaybeActor(None)),
                Some(token) => Ok(MaybeActor(Some(authenticate(req, token?).await?))),
            }
        })
    }
}

fn is_api_key(token: &str) -> bool {
    token.starts_with(api_keys::KEY_PREFIX)
}

fn key_is_not_staff() -> ApiError {
    ApiError::forbidden_because(
        "api_key_not_staff",
        Text::new(
            "Khoá API chỉ đọc nội dung công khai và luồng thay đổi; thao tác này cần mã truy cập của cán bộ.",
            "An API key reads public content and the changes feed only; this needs a staff access token.",
        ),
    )
}

/// A machine client (the district portal, an app backend): a live API key with the scope
/// the endpoint needs, within its rate. Staff tokens are not keys.
#[derive(Debug, Clone)]
pub struct SyncClient {
    pub key_id: String,
    pub name: String,
}

impl FromRequest for SyncClient {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = ApiResult<Self>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let secret = match bearer_token(&req) {
                Some(Ok(token)) if is_api_key(&token) => token,
                _ => return Err(api_key_required()),
            };
            let state = req
                .app_data::<web::Data<AppState>>()
                .ok_or_else(|| ApiError::internal("AppState missing"))?
                .clone();
            let key = state
                .db(move |conn| api_keys::authenticate(conn, &secret))
                .await?
                .ok_or_else(|| {
                    ApiError::unauthorized(
                        "invalid_api_key",
                        Text::new(
                            "Khoá API không đúng hoặc đã bị thu hồi.",
                            "The API key is wrong or has been revoked.",
                        ),
                    )
                })?;
            if !key.has_scope(api_keys::SYNC_READ) {
                return Err(ApiError::forbidden_because(
                    "missing_scope",
                    Text::new(
                        format!("Khoá API này không có phạm vi `{}`.", api_keys::SYNC_READ),
                        format!("This API key lacks the `{}` scope.", api_keys::SYNC_READ),
                    ),
                ));
            }
            state
                .key_limiter
                .check(&key.id, key.rate_per_minute.max(1) as u32)?;
            Ok(SyncClient {
                key_id: key.id,
                name: key.name,
            })
        })
    }
}

fn api_key_required() -> ApiError {
    ApiError::unauthorized(
        "api_key_required",
        Text::new(
            "Cần khoá API: gửi Authorization: Bearer ttdt_…; mã truy cập của cán bộ không phải là khoá.",
            "An API key is required: send Authorization: Bearer ttdt_…; staff access tokens are not keys.",
        ),
    )
}
