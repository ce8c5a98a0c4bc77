//! Public reads of articles: only published revisions, newest first, searchable.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::{encode_cursor, page_request, utc};
use crate::db::content::{PublicCard, PublicItem};
use crate::domain::text::tag_key;
use crate::error::{ApiError, ApiResult, ProblemDetails};
use crate::services::articles::{self, ArticleFields};
use crate::services::editorial::read_fields;
use crate::services::projection::public_fields;
use crate::services::public::{self, SearchHit, SearchScope};
use crate::services::{Lookup, Page};
use crate::state::AppState;

const ARTICLE: &str = crate::domain::category::ContentKind::Article.as_str();

/// Public pages may be cached briefly by browsers and proxies.
pub const PUBLIC_CACHE: &str = "public, max-age=60, stale-while-revalidate=300";

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_articles).service(get_article);
}

/// A published article as the public sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicArticleResponse {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// Sanitised HTML.
    pub body: String,
    pub category_id: String,
    pub tags: Vec<String>,
    pub cover_media_id: Option<String>,
    pub event_date: Option<NaiveDate>,
    pub author_name: String,
    /// First publication.
    pub published_at: DateTime<Utc>,
    /// When this revision went live.
    pub updated_at: DateTime<Utc>,
}

impl PublicArticleResponse {
    fn of(a: PublicItem) -> ApiResult<Self> {
        let f: ArticleFields = public_fields(&a.card, &a.detail)?;
        Ok(PublicArticleResponse {
            id: a.item_id,
            slug: a.slug,
            title: a.title,
            summary: f.summary,
            body: f.body,
            category_id: a.category_id,
            tags: f.tags,
            cover_media_id: f.cover_media_id,
            event_date: f.event_date,
            author_name: a.author_name,
            published_at: utc(a.published_at),
            updated_at: utc(a.updated_at),
        })
    }
}

/// A list entry (no body). Search results add `snippet`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicArticleSummary {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub category_id: String,
    pub tags: Vec<String>,
    pub cover_media_id: Option<String>,
    pub event_date: Option<NaiveDate>,
    pub author_name: String,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Search only: the matching passage, HTML-escaped, matches in `<mark>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
}

/// The article fields a list shows (`Kind::LISTED`).
#[derive(Deserialize)]
struct ArticleCard {
    summary: String,
    tags: Vec<String>,
    cover_media_id: Option<String>,
    event_date: Option<NaiveDate>,
}

impl PublicArticleSummary {
    fn of(a: PublicCard, snippet: Option<String>) -> ApiResult<Self> {
        let card: ArticleCard = read_fields(&a.card)?;
        Ok(PublicArticleSummary {
            id: a.item_id,
            slug: a.slug,
            title: a.title,
            summary: card.summary,
            category_id: a.category_id,
            tags: card.tags,
            cover_media_id: card.cover_media_id,
            event_date: card.event_date,
            author_name: a.author_name,
            published_at: utc(a.published_at),
            updated_at: utc(a.updated_at),
            snippet,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicArticleList {
    pub items: Vec<PublicArticleSummary>,
    pub next_cursor: Option<String>,
}

impl PublicArticleList {
    fn of<T>(
        page: Page<T>,
        entry: impl Fn(T) -> ApiResult<PublicArticleSummary>,
    ) -> ApiResult<Self> {
        Ok(PublicArticleList {
            next_cursor: page.next_after.as_deref().map(encode_cursor),
            items: page
                .items
                .into_iter()
                .map(entry)
                .collect::<ApiResult<_>>()?,
        })
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicListQuery {
    /// Full-text search, diacritics optional ("ngoai khoa" finds "ngoại khoá"); results are
    /// ranked by relevance instead of date.
    pub q: Option<String>,
    /// Category id or slug.
    pub category: Option<String>,
    /// A tag, as written or as its slug.
    pub tag: Option<String>,
    /// Published on or after this day (Asia/Ho_Chi_Minh).
    pub from: Option<NaiveDate>,
    /// Published on or before this day (Asia/Ho_Chi_Minh).
    pub to: Option<NaiveDate>,
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

/// The start of a calendar day in Vietnam (UTC+7, no daylight saving), in UTC.
fn day_start_utc(day: NaiveDate) -> NaiveDateTime {
    day.and_hms_opt(0, 0, 0).expect("midnight exists") - chrono::Duration::hours(7)
}

/// Published articles, newest first, or ranked by relevance with `q`.
#[utoipa::path(
    tag = "articles",
    params(PublicListQuery),
    responses(
        (status = 200, description = "One page of published articles", body = PublicArticleList),
        (status = 400, description = "Bad filter, limit or cursor", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/articles")]
pub async fn list_articles(
    state: web::Data<AppState>,
    query: web::Query<PublicListQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let (after, limit) = page_request(q.cursor.as_deref(), q.limit)?;
    for (name, value) in [("q", &q.q), ("category", &q.category), ("tag", &q.tag)] {
        if let Some(value) = value {
            super::check_query_text(name, value)?;
        }
    }
    let _search_permit = match q.q.as_deref().filter(|t| !t.trim().is_empty()) {
        Some(_) => Some(
            state
                .search_permits
                .acquire()
                .await
                .map_err(ApiError::internal)?,
        ),
        None => None,
    };
    let body = state
        .db(move |conn| {
            let category_id = match &q.category {
                None => None,
                Some(c) => match crate::services::categories::resolve_id(conn, c)? {
                    Some(id) => Some(id),
                    // An unknown category has no articles.
                    None => {
                        return Ok(PublicArticleList {
                            items: Vec::new(),
                            next_cursor: None,
                        });
                    }
                },
            };
            if let Some(text) = q.q.as_deref().filter(|t| !t.trim().is_empty()) {
                let offset = super::search_offset(after.as_deref())?;
                let scope = SearchScope {
                    kind: Some(ARTICLE),
                    category_id: category_id.as_deref(),
                };
                let page = public::search(conn, text, scope, offset, limit)?;
                return PublicArticleList::of(page, |hit: SearchHit| {
                    PublicArticleSummary::of(hit.item, Some(hit.snippet))
                });
            }
            let after = super::time_cursor(after)?;
            let published = (
                q.from.map(day_start_utc),
                q.to.and_then(|d| d.succ_opt()).map(day_start_utc),
            );
            let page = match q.tag.as_deref().map(tag_key) {
                Some(tag) => articles::list_tagged(
                    conn,
                    &tag,
                    category_id.as_deref(),
                    published,
                    after,
                    limit,
                )?,
                None => public::list(
                    conn,
                    ARTICLE,
                    category_id.as_deref(),
                    published,
                    after,
                    limit,
                )?,
            };
            PublicArticleList::of(page, |card| PublicArticleSummary::of(card, None))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE))
        .json(body))
}

/// A published article by id or slug. An old slug redirects (301) to the current one.
#[utoipa::path(
    tag = "articles",
    params(("id" = String, Path, description = "Article id or slug")),
    responses(
        (status = 200, description = "The published article", body = PublicArticleResponse),
        (status = 301, description = "An old slug: `Location` names the current URL"),
        (status = 404, description = "No published article there", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/articles/{id}")]
pub async fn get_article(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let found = state
        .db(move |conn| public::get(conn, ARTICLE, &id))
        .await?;
    Ok(match found {
        Lookup::Found(a) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE))
            .json(PublicArticleResponse::of(a)?),
        Lookup::Moved(slug) => HttpResponse::MovedPermanently()
            .insert_header((header::LOCATION, format!("/api/v1/articles/{slug}")))
            .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE))
            .finish(),
    })
}
