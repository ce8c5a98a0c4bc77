//! `/departments`: bộ phận that citizens' questions are routed to; staff belong to one.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use validator::Validate;

use super::body::JsonBody;
use super::{created, list_body, page_request, utc};
use crate::auth::Actor;
use crate::auth::roles;
use crate::db::models::Department;
use crate::domain::text::{nfc, no_nul};
use crate::error::{ApiResult, ProblemDetails};
use crate::services::AuditContext;
use crate::services::departments;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_departments)
        .service(create_department)
        .service(get_department)
        .service(update_department)
        .service(delete_department);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentResponse {
    pub id: String,
    #[schema(example = "Tổ chuyên môn khối 1")]
    pub name: String,
    /// Where the department receives routed questions.
    pub email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Department> for DepartmentResponse {
    fn from(d: Department) -> Self {
        DepartmentResponse {
            id: d.id,
            name: d.name,
            email: d.email,
            created_at: utc(d.created_at),
            updated_at: utc(d.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentList {
    pub items: Vec<DepartmentResponse>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DepartmentListQuery {
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDepartmentRequest {
    #[serde(deserialize_with = "nfc::string")]
    #[validate(length(min = 1, max = 200), custom(function = "no_nul"))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[serde(default, deserialize_with = "nfc::option")]
    #[validate(email)]
    pub email: Option<String>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDepartmentRequest {
    #[serde(default, deserialize_with = "nfc::present")]
    #[validate(length(min = 1, max = 200), custom(function = "no_nul"))]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// `null` removes the address.
    #[serde(default, deserialize_with = "nfc::nullable")]
    #[validate(email)]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
}

/// List departments (any staff member).
#[utoipa::path(
    tag = "departments",
    security(("bearer" = [])),
    params(DepartmentListQuery),
    responses((status = 200, description = "One page of departments", body = DepartmentList))
)]
#[get("/departments")]
pub async fn list_departments(
    _actor: Actor,
    state: web::Data<AppState>,
    query: web::Query<DepartmentListQuery>,
) -> ApiResult<web::Json<DepartmentList>> {
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let page = state
        .db(move |conn| departments::list(conn, after.as_deref(), limit))
        .await?;
    let (items, next_cursor) = list_body(page);
    Ok(web::Json(DepartmentList { items, next_cursor }))
}

/// Read a department (any staff member).
#[utoipa::path(
    tag = "departments",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Department id")),
    responses(
        (status = 200, description = "The department", body = DepartmentResponse),
        (status = 404, description = "No such department", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/departments/{id}")]
pub async fn get_department(
    _actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<web::Json<DepartmentResponse>> {
    let dept = state.db(move |conn| departments::get(conn, &id)).await?;
    Ok(web::Json(dept.into()))
}

/// Create a department (principal).
#[utoipa::path(
    tag = "departments",
    security(("bearer" = [])),
    request_body = CreateDepartmentRequest,
    responses(
        (status = 201, description = "Created", body = DepartmentResponse),
        (status = 403, description = "Only the principal manages departments", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken (`name_taken`)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/departments")]
pub async fn create_department(
    actor: Actor,
    state: web::Data<AppState>,
    body: JsonBody<CreateDepartmentRequest>,
) -> ApiResult<HttpResponse> {
    actor.require(roles::can_manage_departments(actor.role))?;
    let body = body.into_inner();
    body.validate()?;
    crate::services::encoding::Fields::default()
        .text("name", &body.name)
        .check()?;
    let ctx = AuditContext::from(&actor);
    let dept = state
        .db(move |conn| departments::create(conn, &ctx, body.name, body.email))
        .await?;
    Ok(created(
        format!("/api/v1/departments/{}", dept.id),
        &DepartmentResponse::from(dept),
    ))
}

/// Change a department (principal).
#[utoipa::path(
    tag = "departments",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Department id")),
    request_body = UpdateDepartmentRequest,
    responses(
        (status = 200, description = "The changed department", body = DepartmentResponse),
        (status = 403, description = "Only the principal manages departments", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such department", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/departments/{id}")]
pub async fn update_department(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonBody<UpdateDepartmentRequest>,
) -> ApiResult<web::Json<DepartmentResponse>> {
    actor.require(roles::can_manage_departments(actor.role))?;
    let body = body.into_inner();
    body.validate()?;
    crate::services::encoding::Fields::default()
        .sent("name", &body.name)
        .check()?;
    let ctx = AuditContext::from(&actor);
    let dept = state
        .db(move |conn| departments::update(conn, &ctx, &id, body.name, body.email))
        .await?;
    Ok(web::Json(dept.into()))
}

/// Delete a department without staff (principal).
#[utoipa::path(
    tag = "departments",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Department id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Only the principal manages departments", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such department", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Still has staff (`department_in_use`)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[delete("/departments/{id}")]
pub async fn delete_department(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    actor.require(roles::can_manage_departments(actor.role))?;
    let ctx = AuditContext::from(&actor);
    state
        .db(move |conn| departments::delete(conn, &ctx, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
