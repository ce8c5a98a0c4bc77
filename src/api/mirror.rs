//! Other schools' public content, as `ttdt mirror` copied it (the district portal): the
//! schools followed, a combined list and search across them with a filter by school and kind,
//! and each item exactly as its school serves it. Read-only; their media files are served at
//! the usual `/api/v1/media/{id}/file` addresses their bodies link to.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::public_articles::PUBLIC_CACHE;
use super::{check_query_text, encode_cursor, page_request, utc};
use crate::domain::search;
use crate::error::{ApiError, ApiResult, ProblemDetails};
use crate::services::mirror::{self, MirrorSource, MirroredItem, Scope};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_schools)
        .service(list_items)
        .service(get_item);
}

/// A school whose content is mirrored here.
#[derive(Debug, Serialize, ToSchema)]
pub struct MirrorSchool {
    /// Its short name: `school` in the lists and addresses below.
    #[schema(example = "truong-ptdtbt-tieu-hoc-muong-muon")]
    pub id: String,
    #[schema(example = "Trường PTDTBT Tiểu học Mường Mươn")]
    pub name: String,
    /// Its own instance.
    pub url: String,
    /// Public items held.
    pub items: i64,
    /// `copying`: the first full copy is under way; `current`: following its feed;
    /// `failing`: its last pulls failed (the mirror keeps trying).
    #[schema(example = "current")]
    pub state: String,
    /// When a page was last stored.
    pub synced_at: Option<DateTime<Utc>>,
}

impl MirrorSchool {
    fn of((s, items): (MirrorSource, i64)) -> Self {
        let state = if s.failures > 0 {
            "failing"
        } else if s.caught_up {
            "current"
        } else {
            "copying"
        };
        MirrorSchool {
            id: s.id,
            name: s.name,
            url: s.url,
            items,
            state: state.to_owned(),
            synced_at: s.last_ok_at.map(utc),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MirrorSchoolList {
    /// In the order they were first followed.
    pub items: Vec<MirrorSchool>,
}

/// The school an item comes from.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SchoolRef {
    pub id: String,
    pub name: String,
}

/// An item in the combined list.
#[derive(Debug, Serialize, ToSchema)]
pub struct MirrorEntry {
    pub school: SchoolRef,
    /// As in the changes feed: `article`, `document`, … `question`, `media`.
    #[schema(example = "article")]
    pub kind: String,
    pub id: String,
    /// Its slug at its school (empty for kinds without one).
    pub slug: String,
    /// Its title (a question's subject, a medium's file name).
    pub title: String,
    /// Its summary or description, where the kind has one.
    pub summary: String,
    /// When its school published it (for kinds without a date: when it last changed).
    pub published_at: DateTime<Utc>,
    /// Its public revision at its school.
    pub revision: i32,
    /// With `q`: about 200 characters around the first match, matches in `<mark>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MirrorEntryList {
    pub items: Vec<MirrorEntry>,
    pub next_cursor: Option<String>,
}

/// An item as its school serves it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MirrorItem {
    pub school: SchoolRef,
    pub kind: String,
    pub id: String,
    pub revision: i32,
    /// Exactly what the school's own public endpoint answers for it
    /// (`GET /api/v1/articles/{id}` …), as of the last page mirrored.
    #[schema(value_type = Object)]
    pub item: Box<RawValue>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MirrorQuery {
    /// Search words (any case, with or without diacritics); results ranked like the site's
    /// search.
    pub q: Option<String>,
    /// Only this school (its `id` from `/mirror/schools`).
    pub school: Option<String>,
    /// Only these kinds, comma-separated (`article,document`).
    pub kind: Option<String>,
    pub cursor: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<usize>,
}

/// The schools whose content is mirrored here, with how many items each has and where its
/// copy stands.
#[utoipa::path(
    tag = "mirror",
    responses((status = 200, description = "The schools", body = MirrorSchoolList))
)]
#[get("/mirror/schools")]
pub async fn list_schools(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let sources = state.db(mirror::sources).await?;
    let body = MirrorSchoolList {
        items: sources.into_iter().map(MirrorSchool::of).collect(),
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE))
        .json(body))
}

/// Every mirrored school's public items in one list, newest first, or ranked by `q` (the
/// site's search rules: every word must match, titles first); narrowed by school and kind.
#[utoipa::path(
    tag = "mirror",
    params(MirrorQuery),
    responses(
        (status = 200, description = "A page of items", body = MirrorEntryList),
        (status = 400, description = "Bad cursor, limit, kind or text (`invalid_cursor`, `invalid_limit`, `invalid_kind`, `invalid_query`)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/mirror/items")]
pub async fn list_items(
    state: web::Data<AppState>,
    query: web::Query<MirrorQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    for (name, value) in [("q", &query.q), ("school", &query.school)] {
        if let Some(v) = value {
            check_query_text(name, v)?;
        }
    }
    let kinds = match query.kind.as_deref() {
        None => Vec::new(),
        some => super::sync::kinds_asked(some)?,
    };
    let scope = Scope {
        school: query.school.filter(|s| !s.is_empty()),
        kinds,
    };
    let q = query.q.filter(|t| !t.trim().is_empty());
    let _permit = state.search_turn(q.is_some()).await?;
    let body = state
        .db(move |conn| {
            let schools = school_refs(conn)?;
            let (page, terms) = match &q {
                Some(text) => {
                    let offset = super::search_offset(after.as_deref())?;
                    mirror::search(conn, text, &scope, offset, limit)?
                }
                None => {
                    let after = super::time_cursor(after)?;
                    (mirror::list(conn, &scope, after, limit)?, Vec::new())
                }
            };
            let items = page
                .items
                .into_iter()
                .map(|row| entry(row, &schools, q.is_some().then_some(&terms)))
                .collect();
            Ok(MirrorEntryList {
                items,
                next_cursor: page.next_after.as_deref().map(encode_cursor),
            })
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE))
        .json(body))
}

fn school_refs(conn: &mut crate::db::DbConnection) -> ApiResult<Vec<SchoolRef>> {
    Ok(mirror::names(conn)?
        .into_iter()
        .map(|(id, name)| SchoolRef { id, name })
        .collect())
}

fn school_of(id: &str, schools: &[SchoolRef]) -> SchoolRef {
    schools
        .iter()
        .find(|s| s.id == id)
        .cloned()
        .unwrap_or_else(|| SchoolRef {
            id: id.to_owned(),
            name: id.to_owned(),
        })
}

fn entry(row: MirroredItem, schools: &[SchoolRef], terms: Option<&Vec<String>>) -> MirrorEntry {
    let snippet = terms.map(|terms| {
        let body = serde_json::from_str::<serde_json::Value>(&row.item)
            .ok()
            .and_then(|v| v.get("body").and_then(|b| b.as_str()).map(str::to_owned))
            .map(|b| crate::domain::html::text_of(&b))
            .unwrap_or_default();
        // The parts a snippet is cut from, one a line; an empty one would show as " —  — ".
        let parts = [row.title.as_str(), row.summary.as_str(), body.as_str()];
        let text = parts
            .iter()
            .filter(|p| !p.trim().is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("\n");
        search::snippet(text.chars(), terms)
    });
    MirrorEntry {
        school: school_of(&row.source_id, schools),
        kind: row.kind,
        id: row.item_id,
        slug: row.slug,
        title: row.title,
        summary: row.summary,
        published_at: utc(row.published_at),
        revision: row.revision,
        snippet,
    }
}

/// One mirrored item, exactly as its school's public endpoint serves it.
#[utoipa::path(
    tag = "mirror",
    params(
        ("school" = String, Path, description = "The school's id (`/mirror/schools`)"),
        ("kind" = String, Path, description = "`article`, `document`, … as in the list"),
        ("id" = String, Path, description = "The item's id at its school"),
    ),
    responses(
        (status = 200, description = "The item", body = MirrorItem),
        (status = 404, description = "Not mirrored here (or no longer public at its school)", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/mirror/items/{school}/{kind}/{id}")]
pub async fn get_item(
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
) -> ApiResult<HttpResponse> {
    let (school, kind, id) = path.into_inner();
    let body = state
        .db(move |conn| {
            let row = mirror::get(conn, &school, &kind, &id)?.ok_or_else(ApiError::not_found)?;
            let schools = school_refs(conn)?;
            Ok(MirrorItem {
                school: school_of(&row.source_id, &schools),
                kind: row.kind,
                id: row.item_id,
                revision: row.revision,
                item: RawValue::from_string(row.item).map_err(ApiError::internal)?,
            })
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE))
        .json(body))
}
