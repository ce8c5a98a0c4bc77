//! `Actor`: the authenticated staff member behind a request.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};

use super::Role;
use super::ratelimit::client_ip;
use crate::error::{ApiError, ApiResult};
use crate::services::users;
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
                Some(token) => Ok(MaybeActor(Some(authenticate(req, token?).await?))),
            }
        })
    }
}
