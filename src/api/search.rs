//! Site-wide search: every public kind at once, ranked, by the rules of `domain::search`
//! (articles and documents; the other kinds join as they arrive).

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::{encode_cursor, page_request, utc};
use crate::domain::category::ContentKind;
use crate::error::{ApiResult, ProblemDetails};
use crate::services::public::{self, SearchHit, SearchScope};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(search);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// The words to find, 1–200 characters: diacritics and case optional both ways, every word
    /// must match as a whole word; codes and numbers are found by their parts (`38/QĐ`).
    pub q: String,
    /// Only this kind; every public kind when left out.
    pub kind: Option<ContentKind>,
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

/// One hit: what it is, where to read it, and the passage that matched.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResult {
    pub kind: ContentKind,
    pub id: String,
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// The item's public URL (`/api/v1/articles/{slug}`).
    pub url: String,
    pub published_at: DateTime<Utc>,
    /// About 200 characters around the first match, HTML-escaped, matched words in `<mark>`.
    pub snippet: String,
}

impl From<SearchHit> for SearchResult {
    fn from(hit: SearchHit) -> Self {
        let a = hit.item;
        let kind = ContentKind::parse(&a.kind).unwrap_or(ContentKind::Article);
        SearchResult {
            kind,
            url: format!("/api/v1/{}/{}", kind.path(), a.slug),
            id: a.item_id,
            slug: a.slug,
            title: a.title,
            summary: a.summary,
            published_at: utc(a.published_at),
            snippet: hit.snippet,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    pub items: Vec<SearchResult>,
    /// Pass as `?cursor=` (with the same `q` and `kind`) for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// Search everything the public can read, ranked: the more of the query's words an item's
/// title has, the higher, then the newest first; the 1,000 most recent matches are ranked.
#[utoipa::path(
    tag = "search",
    params(SearchQuery),
    responses(
        (status = 200, description = "One page of hits", body = SearchResults),
        (status = 400, description = "`q` missing, empty, over 200 characters or with NUL (`invalid_query`); bad `kind`, cursor or limit", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/search")]
pub async fn search(
    state: web::Data<AppState>,
    query: web::Query<SearchQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let (after, limit) = page_request(query.cursor.as_deref(), query.limit)?;
    let text = query.q.trim().to_owned();
    if text.is_empty() {
        return Err(super::invalid_query("q"));
    }
    super::check_query_text("q", &text)?;
    let offset = super::search_offset(after.as_deref())?;
    let _permit = state.search_turn(true).await?;
    let kind = query.kind.map(ContentKind::as_str);
    let page = state
        .db(move |conn| {
            let scope = SearchScope {
                kind,
                category_id: None,
            };
            public::search(conn, &text, scope, offset, limit)
        })
        .await?;
    let body = SearchResults {
        next_cursor: page.next_after.as_deref().map(encode_cursor),
        items: page.items.into_iter().map(Into::into).collect(),
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, super::public_articles::PUBLIC_CACHE))
        .json(body))
}
