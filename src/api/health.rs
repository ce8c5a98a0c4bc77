//! `/healthz` and `/readyz`, for load balancers and orchestrators.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db;
use crate::error::{ApiError, ApiResult, ProblemDetails, Text};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthResponse {
    #[schema(example = "ok")]
    pub status: &'static str,
    /// `sqlite` or `postgresql`.
    #[schema(example = "sqlite")]
    pub database: Option<&'static str>,
}

/// The process is up (no dependency is checked).
#[utoipa::path(
    tag = "health",
    responses((status = 200, description = "Up", body = HealthResponse))
)]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(HealthResponse {
            status: "ok",
            database: None,
        })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadyResponse {
    /// `ok`, or `degraded` while the storage is full (reads are served, writes answer 507).
    #[schema(example = "ok")]
    pub status: &'static str,
    /// `sqlite` or `postgresql`.
    #[schema(example = "sqlite")]
    pub database: &'static str,
    pub storage: StorageStatus,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StorageStatus {
    /// Writes fail for lack of space (507 `insufficient_storage`) until it is freed.
    pub full: bool,
    /// Room left on the fullest of the disks written to (database, media), in bytes.
    pub free_bytes: Option<u64>,
}

/// Ready to serve: the database answers and every migration is applied. A full disk does not
/// make the service unready (reads go on): it shows as `"status": "degraded"`.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Ready (`degraded` while the storage is full)", body = ReadyResponse),
        (status = 503, description = "Database unreachable or migrations pending", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let complete = state
        .db(|conn| db::migrations_complete(conn).map_err(ApiError::service_unavailable))
        .await?;
    if !complete {
        return Err(ApiError::new(
            actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
            "migrations_pending",
            Text::new(
                "Cơ sở dữ liệu chưa được cập nhật; hãy chạy `ttdt migrate`.",
                "The database schema is behind; run `ttdt migrate`.",
            ),
        ));
    }
    let full = state.storage.is_full();
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(ReadyResponse {
            status: if full { "degraded" } else { "ok" },
            database: state.settings.database_url.backend_name(),
            storage: StorageStatus {
                full,
                free_bytes: state.storage.free_bytes(),
            },
        }))
}
