//! `/categories`: lĩnh vực and chuyên mục, each with a kind and a retention class.

use actix_web::http::header;
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
use crate::db::models::Category;
use crate::domain::category::{CategoryKind, MAX_LIMITED_YEARS, Retention, RetentionClass};
use crate::domain::text::{nfc, no_nul, tag_key, valid_slug};
use crate::error::{ApiError, ApiResult, ProblemDetails, Text};
use crate::services::AuditContext;
use crate::services::Lookup;
use crate::services::categories::{self, CategoryUpdate, NewCategoryInput};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_categories)
        .service(create_category)
        .service(get_category)
        .service(update_category)
        .service(delete_category);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryResponse {
    pub id: String,
    #[schema(example = "hoat-dong-ngoai-khoa")]
    pub slug: String,
    #[schema(example = "Hoạt động ngoại khoá")]
    pub name: String,
    pub description: String,
    pub kind: CategoryKind,
    pub retention_class: RetentionClass,
    /// Years before items are archived (never deleted); `null` when permanent.
    pub retention_years: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Category> for CategoryResponse {
    fn from(c: Category) -> Self {
        let retention = Retention::from_stored(&c.retention_class, c.retention_years);
        CategoryResponse {
            kind: CategoryKind::parse(&c.kind).unwrap_or(CategoryKind::News),
            retention_class: retention.class(),
            retention_years: retention.years(),
            id: c.id,
            slug: c.slug,
            name: c.name,
            description: c.description,
            created_at: utc(c.created_at),
            updated_at: utc(c.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryList {
    pub items: Vec<CategoryResponse>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CategoryListQuery {
    pub kind: Option<CategoryKind>,
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCategoryRequest {
    #[serde(deserialize_with = "nfc::string")]
    #[validate(length(min = 1, max = 200), custom(function = "no_nul"))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Defaults to the name folded to ASCII ("Hoạt động" → "hoat-dong").
    #[serde(default, deserialize_with = "nfc::option")]
    #[validate(length(min = 1, max = 120), custom(function = "valid_slug"))]
    #[schema(min_length = 1, max_length = 120, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "nfc::string")]
    #[validate(length(max = 2000), custom(function = "no_nul"))]
    #[schema(max_length = 2000)]
    pub description: String,
    pub kind: CategoryKind,
    /// Defaults by kind: permanent for introduction, legal documents, procedures and public
    /// services (Điều 10.3); limited to 5 years otherwise.
    pub retention_class: Option<RetentionClass>,
    /// 1–5, only with `limited` (default 5).
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub retention_years: Option<i32>,
}

#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCategoryRequest {
    #[serde(default, deserialize_with = "nfc::present")]
    #[validate(length(min = 1, max = 200), custom(function = "no_nul"))]
    #[schema(nullable = false, min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nfc::present")]
    #[validate(length(min = 1, max = 120), custom(function = "valid_slug"))]
    #[schema(
        nullable = false,
        min_length = 1,
        max_length = 120,
        pattern = "^[a-z0-9]+(-[a-z0-9]+)*$"
    )]
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "nfc::present")]
    #[validate(length(max = 2000), custom(function = "no_nul"))]
    #[schema(nullable = false, max_length = 2000)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "super::body::present")]
    #[schema(nullable = false)]
    pub kind: Option<CategoryKind>,
    #[serde(default, deserialize_with = "super::body::present")]
    #[schema(nullable = false)]
    pub retention_class: Option<RetentionClass>,
    #[validate(range(min = 1, max = 5))]
    #[schema(nullable = false, minimum = 1, maximum = 5)]
    #[serde(default, deserialize_with = "super::body::present")]
    pub retention_years: Option<i32>,
}

fn retention(
    class: Option<RetentionClass>,
    years: Option<i32>,
    kind: CategoryKind,
) -> ApiResult<Retention> {
    match (class, years) {
        (None, None) => Ok(kind.default_retention()),
        (Some(RetentionClass::Permanent), None) => Ok(Retention::Permanent),
        (Some(RetentionClass::Limited) | None, years) => Ok(Retention::Limited {
            years: years.unwrap_or(MAX_LIMITED_YEARS),
        }),
        (Some(RetentionClass::Permanent), Some(_)) => Err(ApiError::field(
            "retention_years",
            "not_with_permanent",
            Text::new(
                "Lưu trữ vĩnh viễn không có số năm.",
                "Permanent retention takes no number of years.",
            ),
        )),
    }
}

/// List categories (public).
#[utoipa::path(
    tag = "categories",
    params(CategoryListQuery),
    responses((status = 200, description = "One page of categories", body = CategoryList))
)]
#[get("/categories")]
pub async fn list_categories(
    state: web::Data<AppState>,
    query: web::Query<CategoryListQuery>,
) -> ApiResult<web::Json<CategoryList>> {
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let kind = query.kind;
    let page = state
        .db(move |conn| categories::list(conn, kind, after.as_deref(), limit))
        .await?;
    let (items, next_cursor) = list_body(page);
    Ok(web::Json(CategoryList { items, next_cursor }))
}

/// Read a category by id or slug (public). A slug it had before answers 301 to the current one.
#[utoipa::path(
    tag = "categories",
    params(("id" = String, Path, description = "Category id or slug")),
    responses(
        (status = 200, description = "The category", body = CategoryResponse),
        (status = 301, description = "A former slug: `Location` names the current URL", headers(("Location" = String, description = "The category's current URL"))),
        (status = 404, description = "No such category", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/categories/{id}")]
pub async fn get_category(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    Ok(
        match state.db(move |conn| categories::find(conn, &id)).await? {
            Lookup::Found(category) => HttpResponse::Ok().json(CategoryResponse::from(category)),
            Lookup::Moved(slug) => HttpResponse::MovedPermanently()
                .insert_header((header::LOCATION, format!("/api/v1/categories/{slug}")))
                .finish(),
        },
    )
}

/// Create a category (editor-in-chief).
#[utoipa::path(
    tag = "categories",
    security(("bearer" = [])),
    request_body = CreateCategoryRequest,
    responses(
        (status = 201, description = "Created", body = CategoryResponse),
        (status = 403, description = "Only the editor-in-chief manages categories", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The slug is taken (`slug_taken`)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[post("/categories")]
pub async fn create_category(
    actor: Actor,
    state: web::Data<AppState>,
    body: JsonBody<CreateCategoryRequest>,
) -> ApiResult<HttpResponse> {
    actor.require(roles::can_manage_categories(actor.role))?;
    let body = body.into_inner();
    body.validate()?;
    crate::services::encoding::Fields::default()
        .text("name", &body.name)
        .text("description", &body.description)
        .check()?;
    // A name with no Latin letter (日本語) gets its transliteration rather than a refusal.
    let slug = body.slug.clone().unwrap_or_else(|| tag_key(&body.name));
    if valid_slug(&slug).is_err() {
        return Err(ApiError::field(
            "slug",
            "slug",
            Text::new(
                "Không tạo được slug từ tên; hãy gửi `slug`.",
                "No slug can be made from the name; send `slug`.",
            ),
        ));
    }
    let input = NewCategoryInput {
        retention: retention(body.retention_class, body.retention_years, body.kind)?,
        name: body.name,
        slug,
        description: body.description,
        kind: body.kind,
    };
    let ctx = AuditContext::from(&actor);
    let category = state
        .db(move |conn| categories::create(conn, &ctx, input))
        .await?;
    Ok(created(
        format!("/api/v1/categories/{}", category.id),
        &CategoryResponse::from(category),
    ))
}

/// Change a category (editor-in-chief).
#[utoipa::path(
    tag = "categories",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Category id or slug")),
    request_body = UpdateCategoryRequest,
    responses(
        (status = 200, description = "The changed category", body = CategoryResponse),
        (status = 403, description = "Only the editor-in-chief manages categories", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such category", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The slug is taken", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[patch("/categories/{id}")]
pub async fn update_category(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonBody<UpdateCategoryRequest>,
) -> ApiResult<web::Json<CategoryResponse>> {
    actor.require(roles::can_manage_categories(actor.role))?;
    let body = body.into_inner();
    body.validate()?;
    crate::services::encoding::Fields::default()
        .sent("name", &body.name)
        .sent("description", &body.description)
        .check()?;
    let ctx = AuditContext::from(&actor);
    let category = state
        .db(move |conn| {
            let current = categories::get(conn, &id)?;
            let kind = body
                .kind
                .unwrap_or(CategoryKind::parse(&current.kind).unwrap_or(CategoryKind::News));
            let retention = match (body.retention_class, body.retention_years) {
                (None, None) => None,
                (class, years) => Some(retention(class, years, kind)?),
            };
            let change = CategoryUpdate {
                name: body.name,
                slug: body.slug,
                description: body.description,
                kind: body.kind,
                retention,
            };
            categories::update(conn, &ctx, &current.id, change)
        })
        .await?;
    Ok(web::Json(category.into()))
}

/// Delete a category nobody uses (editor-in-chief).
#[utoipa::path(
    tag = "categories",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Category id or slug")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Only the editor-in-chief manages categories", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "No such category", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "In use (`category_in_use`)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[delete("/categories/{id}")]
pub async fn delete_category(
    actor: Actor,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    actor.require(roles::can_manage_categories(actor.role))?;
    let ctx = AuditContext::from(&actor);
    state
        .db(move |conn| categories::delete(conn, &ctx, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
