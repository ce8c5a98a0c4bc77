//! `/users`: the board and staff accounts.

use actix_web::{HttpResponse, get, patch, post, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use super::body::JsonBody;
use super::{created, list_body, page_request, utc};
use crate::auth::roles::{self, Role};
use crate::auth::{Actor, password};
use crate::domain::text::{nfc, no_nul};
use crate::error::{ApiError, ApiResult, ProblemDetails};
use crate::services::AuditContext;
use crate::services::users::{self, NewUserInput, UserFilter, UserUpdate, UserView};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_users)
        .service(create_user)
        .service(get_user)
        .service(update_user)
        .service(reset_user_password)
        .service(set_publishing_delegation);
}

/// A staff account. Never includes the password hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserResponse {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// The department of department staff (and optionally of anyone else).
    pub department_id: Option<String>,
    /// Categories a board member reviews.
    pub category_ids: Vec<String>,
    /// A deputy editor's standing delegation to publish (Điều 5.2).
    pub publish_delegation: bool,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<UserView> for UserResponse {
    fn from(v: UserView) -> Self {
        let role = v.role();
        UserResponse {
            id: v.user.id,
            email: v.user.email,
            display_name: v.user.display_name,
            role,
            department_id: v.user.department_id,
            category_ids: v.category_ids,
            publish_delegation: v.user.publish_delegation,
            disabled: v.user.disabled,
            created_at: utc(v.user.created_at),
            updated_at: utc(v.user.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserList {
    pub items: Vec<UserResponse>,
    /// Pass as `?cursor=` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserListQuery {
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    /// `next_cursor` from the previous page.
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    #[serde(deserialize_with = "nfc::string")]
    #[validate(email, length(max = 254), custom(function = "no_nul"))]
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    #[serde(deserialize_with = "nfc::string")]
    #[validate(length(min = 1, max = 200), custom(function = "no_nul"))]
    #[schema(example = "Nguyễn Thị Hoà", min_length = 1, max_length = 200)]
    pub display_name: String,
    /// 8–128 characters, not a common password.
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
    pub role: Role,
    /// Required for `department_staff`.
    #[serde(default, deserialize_with = "nfc::option")]
    pub department_id: Option<String>,
    /// Only for `board_member`: the categories they review.
    #[serde(default)]
    pub category_ids: Vec<String>,
}

/// Fields to change; absent fields stay as they are. A change of role, department, categories or
/// `disabled` ends the account's current tokens.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    #[serde(default, deserialize_with = "nfc::present")]
    #[validate(length(min = 1, max = 200), custom(function = "no_nul"))]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "super::body::present")]
    #[schema(nullable = false)]
    pub role: Option<Role>,
    /// `null` removes the department.
    #[serde(default, deserialize_with = "nfc::nullable")]
    #[schema(value_type = Option<String>)]
    pub department_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::body::present")]
    #[schema(nullable = false)]
    pub category_ids: Option<Vec<String>>,
    #[serde(default, deserialize_with = "super::body::present")]
    #[schema(nullable = false)]
    pub disabled: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPasswordRequest {
    /// 8–128 characters, not a common password.
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DelegationRequest {
    /// `true` grants the deputy the standing delegation to publish; `false` revokes it.
    pub delegated: bool,
}

/// List staff accounts (principal, editor-in-chief, deputy editor).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(UserListQuery),
    responses(
        (status = 200, description = "One page of accounts, oldest first", body = UserList),
        (status = 403, description = "The role may not list accounts", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/users")]
pub async fn list_users(
    actor: Actor,
    state: web::Data<AppState>,
    query: web::Query<UserListQuery>,
) -> ApiResult<web::Json<UserList>> {
    actor.require(roles::can_list_users(actor.role))?;
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let filter = UserFilter {
        role: query.role,
        disabled: query.disabled,
    };
    let page = state
        .db(move |conn| users::list(conn, &filter, after.as_deref(), limit))
        .await?;
    let (items, next_cursor) = list_body(page);
    Ok(web::Json(UserList { items, next_cursor }))
}

/// Create an account. The principal creates any role; the editor-in-chief and the deputy create
/// contributors.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    request_body = CreateUserRequest,
    responses(
        (status = 201, description = "Created; `Location` names it", body = UserResponse),
        (status = 403, description = "The role may not create this kind of account", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The e-mail address has an account (`email_taken`)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/users")]
pub async fn create_user(
    actor: Actor,
    state: web::Data<AppState>,
    body: JsonBody<CreateUserRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    body.validate()?;
    crate::services::encoding::Fields::default()
        .text("display_name", &body.display_name)
        .check()?;
    actor.require(roles::can_manage_user(actor.role, body.role))?;
    password::check_policy("password", &body.password)?;
    let password_hash = state.passwords.hash(body.password).await?;
    let ctx = AuditContext::from(&actor);
    let input = NewUserInput {
        email: body.email,
        display_name: body.display_name,
        password_hash,
        role: body.role,
        department_id: body.department_id.filter(|d| !d.is_empty()),
        category_ids: body.category_ids,
    };
    let view = state
        .db(move |conn| users::create(conn, &ctx, Some(actor.role), input))
        .await?;
    Ok(created(
        format!("/api/v1/users/{}", view.user.id),
        &UserResponse::from(view),
    ))
}

/// Read an account. Staff who may not list accounts see only their own (others are 404).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "The account", body = UserResponse),
        (status = 404, description = "No such account, or not visible to the caller", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/users/{id}")]
pub async fn get_user(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<web::Json<UserResponse>> {
    let id = id.into_inner();
    if !roles::can_list_users(actor.role) && id != actor.user_id {
        return Err(ApiError::not_found());
    }
    let view = state.db(move |conn| users::get(conn, &id)).await?;
    Ok(web::Json(view.into()))
}

/// Change an account: name, role, department, review categories, or disable it.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, description = "The changed account", body = UserResponse),
        (status = 403, description = "The role may not manage this account or grant this role", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not visible to the caller", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Would leave no active principal (`last_principal`)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/users/{id}")]
pub async fn update_user(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonBody<UpdateUserRequest>,
) -> ApiResult<web::Json<UserResponse>> {
    if !roles::can_list_users(actor.role) {
        return Err(ApiError::not_found());
    }
    let body = body.into_inner();
    body.validate()?;
    crate::services::encoding::Fields::default()
        .sent("display_name", &body.display_name)
        .check()?;
    let change = UserUpdate {
        display_name: body.display_name,
        role: body.role,
        department_id: body.department_id,
        category_ids: body.category_ids,
        disabled: body.disabled,
    };
    let ctx = AuditContext::from(&actor);
    let view = state
        .db(move |conn| users::update(conn, &ctx, Some(actor.role), &id, change))
        .await?;
    Ok(web::Json(view.into()))
}

/// Set a new password for an account the caller manages. Its sessions end.
///
/// Not for the caller's own account (403 `own_account`): that is `PUT /me/password`, which
/// asks for the current password.
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    request_body = SetPasswordRequest,
    responses(
        (status = 204, description = "Password set"),
        (status = 403, description = "The role may not manage this account (`forbidden`), or it is the caller's own (`own_account`)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such account, or not visible to the caller", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "The password breaks the policy", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[put("/users/{id}/password")]
pub async fn reset_user_password(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonBody<SetPasswordRequest>,
) -> ApiResult<HttpResponse> {
    if !roles::can_list_users(actor.role) {
        return Err(ApiError::not_found());
    }
    if *id == actor.user_id {
        // Checked before the hash is computed; the service checks again.
        return Err(users::own_password());
    }
    let body = body.into_inner();
    password::check_policy("password", &body.password)?;
    let hash = state.passwords.hash(body.password).await?;
    let ctx = AuditContext::from(&actor);
    state
        .db(move |conn| users::set_password(conn, &ctx, Some(actor.role), &id, hash))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Grant or revoke a deputy editor's standing delegation to publish (editor-in-chief only).
#[utoipa::path(
    tag = "users",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "User id of a deputy editor")),
    request_body = DelegationRequest,
    responses(
        (status = 200, description = "The deputy's account", body = UserResponse),
        (status = 403, description = "Only the editor-in-chief delegates", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The account is not a deputy editor (`not_a_deputy`)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[put("/users/{id}/publishing-delegation")]
pub async fn set_publishing_delegation(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonBody<DelegationRequest>,
) -> ApiResult<web::Json<UserResponse>> {
    actor.require(roles::can_set_publishing_delegation(actor.role))?;
    let delegated = body.delegated;
    let ctx = AuditContext::from(&actor);
    let view = state
        .db(move |conn| users::set_publishing_delegation(conn, &ctx, &id, delegated))
        .await?;
    Ok(web::Json(view.into()))
}
