//! `/auth/*` and `/me`: login, token refresh and rotation, logout, the caller's own account.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use super::body::JsonBody;
use super::users::UserResponse;
use crate::auth::jwt::Subject;
use crate::auth::password;
use crate::auth::ratelimit::client_ip;
use crate::auth::{Actor, Role};
use crate::domain::text::{nfc, no_nul};
use crate::error::{ApiError, ApiResult, ProblemDetails, Text};
use crate::services::{AuditContext, sessions, users};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(login)
        .service(refresh)
        .service(logout)
        .service(me)
        .service(change_my_password);
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[serde(deserialize_with = "nfc::string")]
    #[validate(length(min = 3, max = 254), custom(function = "no_nul"))]
    #[schema(
        example = "hieutruong@ths01muongmuon.edu.vn",
        min_length = 3,
        max_length = 254
    )]
    pub email: String,
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub password: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub refresh_token: String,
}

/// An OAuth 2.0 token response (RFC 6749 §5.1).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// A JWT to send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires (at most 900).
    #[schema(example = 900)]
    pub expires_in: u64,
    /// Opaque; exchange it at `/auth/refresh` for a new pair. Each one works once.
    pub refresh_token: String,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[validate(length(min = 1, max = 1024))]
    #[schema(min_length = 1, max_length = 1024)]
    pub current_password: String,
    /// 8–128 characters, not a common password.
    #[schema(min_length = 8, max_length = 128)]
    pub new_password: String,
}

fn invalid_credentials() -> ApiError {
    ApiError::unauthorized(
        "invalid_credentials",
        Text::new(
            "E-mail hoặc mật khẩu không đúng.",
            "Wrong e-mail or password.",
        ),
    )
}

fn token_response(
    state: &AppState,
    view: &users::UserView,
    issued: sessions::Issued,
) -> ApiResult<TokenResponse> {
    let access_token = state.jwt.issue(Subject {
        user_id: &view.user.id,
        role: view.role(),
        categories: view.category_ids.clone(),
        department: view.user.department_id.clone(),
        publish: view.user.publish_delegation && view.role() == Role::DeputyEditor,
        token_version: view.user.token_version,
        session: issued.session,
    })?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: state.jwt.ttl().as_secs(),
        refresh_token: issued.refresh_token,
    })
}

/// Log in with e-mail and password.
///
/// A wrong password, an unknown e-mail and a disabled account all get the same 401. Attempts are
/// limited per account and per client address (429 with `Retry-After`).
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        (status = 401, description = "Wrong e-mail or password", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts; see `Retry-After`", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: JsonBody<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    body.validate()?;
    let email = users::normalize_email(&body.email);
    let address = client_ip(&req, &state.settings.trusted_proxies);
    state.login_limiter.check(&email, address)?;

    let lookup = email.clone();
    let user = state
        .db(move |conn| users::find_by_email(conn, &lookup))
        .await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let verified = state.passwords.verify(body.password, hash).await?;
    let user = match user {
        Some(u) if verified && !u.disabled => u,
        _ => {
            log::info!("failed login for {email} from {address}");
            return Err(invalid_credentials());
        }
    };
    let ttl = state.settings.refresh_token_ttl;
    let (view, issued) = state
        .db(move |conn| {
            let token = sessions::start(conn, &user.id, ttl)?;
            Ok((users::get(conn, &user.id)?, token))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(token_response(&state, &view, issued)?))
}

/// Exchange a refresh token for a new access token and a new refresh token.
///
/// Each refresh token works once. Presenting one that was already used ends that login (it was
/// probably stolen): its refresh and access tokens all stop working, and the user must log in
/// again.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new token pair", body = TokenResponse),
        (status = 401, description = "Invalid, expired, revoked or reused refresh token", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: JsonBody<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    body.validate()?;
    let ttl = state.settings.refresh_token_ttl;
    let (view, issued) = state
        .db(move |conn| sessions::rotate(conn, &body.refresh_token, ttl))
        .await??;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(token_response(&state, &view, issued)?))
}

/// End the login a refresh token belongs to: its refresh tokens and its access tokens stop
/// working at once. Other logins of the account go on.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses((status = 204, description = "Logged out (also when the token was unknown)"))
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    body: JsonBody<RefreshRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    body.validate()?;
    state
        .db(move |conn| sessions::logout(conn, &body.refresh_token))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The logged-in user's own account.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's account", body = UserResponse),
        (status = 401, description = "No valid access token", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
pub async fn me(actor: Actor, state: web::Data<AppState>) -> ApiResult<web::Json<UserResponse>> {
    let view = state
        .db(move |conn| users::get(conn, &actor.user_id))
        .await?;
    Ok(web::Json(view.into()))
}

/// Change the caller's own password. Every session of the account ends, this one included.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed; log in again with the new password"),
        (status = 422, description = "Wrong current password, or a new one that breaks the policy", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[put("/me/password")]
pub async fn change_my_password(
    actor: Actor,
    state: web::Data<AppState>,
    body: JsonBody<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    body.validate()?;
    password::check_policy("new_password", &body.new_password)?;
    let id = actor.user_id.clone();
    let user = state.db(move |conn| users::get(conn, &id)).await?;
    let ok = state
        .passwords
        .verify(body.current_password, Some(user.user.password_hash))
        .await?;
    if !ok {
        return Err(ApiError::field(
            "current_password",
            "incorrect",
            Text::new(
                "Mật khẩu hiện tại không đúng.",
                "The current password is wrong.",
            ),
        ));
    }
    let hash = state.passwords.hash(body.new_password).await?;
    let ctx = AuditContext::from(&actor);
    state
        .db(move |conn| users::change_own_password(conn, &ctx, &actor.user_id, hash))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
