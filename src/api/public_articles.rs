//! Public reads of articles: only published revisions, newest first, searchable.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::utc;
use crate::db::content::{PublicCard, PublicItem};
use crate::domain::category::ContentKind;
use crate::domain::text::tag_key;
use crate::error::{ApiResult, ProblemDetails};
use crate::services::articles::{self, ArticleFields};
use crate::services::editorial::read_fields;
use crate::services::projection::public_fields;
use crate::services::public::{self};
use crate::state::AppState;

const ARTICLE: &str = ContentKind::Article.as_str();

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
    pub(super) fn of(a: PublicItem) -> ApiResult<Self> {
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
    let published = (
        q.from.map(day_start_utc),
        q.to.and_then(|d| d.succ_opt()).map(day_start_utc),
    );
    let tag = q.tag.as_deref().map(tag_key);
    let listing = super::public::Listing {
        q: q.q,
        category: q.category,
        cursor: q.cursor,
        limit: q.limit,
    };
    super::public::list(
        &state,
        ContentKind::Article,
        listing,
        &[("tag", q.tag.as_deref())],
        move |conn, category_id, after, limit| match tag {
            Some(tag) => articles::list_tagged(conn, &tag, category_id, published, after, limit),
            None => public::list(conn, ARTICLE, category_id, published, after, limit),
        },
        |_, cards| {
            cards
                .into_iter()
                .map(|(card, snippet)| PublicArticleSummary::of(card, snippet))
                .collect()
        },
        |items, next_cursor| PublicArticleList { items, next_cursor },
    )
    .await
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
    super::public::item(&state, ContentKind::Article, id.into_inner(), |_, a| {
        PublicArticleResponse::of(a)
    })
    .await
}
