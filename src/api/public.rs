//! What every kind's public reads share: a list (a page at a time, by category, or ranked by
//! a search) and an item by id or slug (an old slug redirecting). A kind's public module says
//! only how it filters and what its entries and items look like.

use actix_web::HttpResponse;
use actix_web::http::header;
use chrono::NaiveDateTime;
use serde::Serialize;

use super::public_articles::PUBLIC_CACHE;
use super::{encode_cursor, page_request};
use crate::db::DbConnection;
use crate::db::content::{PublicCard, PublicItem};
use crate::domain::category::ContentKind;
use crate::error::ApiResult;
use crate::services::public::{self as projection, SearchScope};
use crate::services::{Lookup, Page};
use crate::state::AppState;

/// What every public list is asked: a search, a category, a page.
pub struct Listing {
    pub q: Option<String>,
    /// Category id or slug (a former slug too).
    pub category: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<usize>,
}

/// A public list of `kind`: `filtered` reads a page of the kind's own filters (in the
/// category asked, after the cursor's key), `entries` turns the cards (each with its search
/// snippet when `q` ranked them) into the kind's entries, `list` wraps them with the next
/// cursor. `texts` are the kind's own text filters, checked like `q`. With `q`, the results
/// are ranked by the site-wide search, narrowed to the kind and the category, and wait their
/// turn like every search (`TTDT_SEARCH_CONCURRENCY`).
#[allow(clippy::too_many_arguments)]
pub async fn list<T, L, Filtered, Entries>(
    state: &AppState,
    kind: ContentKind,
    listing: Listing,
    texts: &[(&str, Option<&str>)],
    filtered: Filtered,
    entries: Entries,
    list: fn(Vec<T>, Option<String>) -> L,
) -> ApiResult<HttpResponse>
where
    T: Send + 'static,
    L: Serialize + Send + 'static,
    Filtered: FnOnce(
            &mut DbConnection,
            Option<&str>,
            Option<(NaiveDateTime, String)>,
            usize,
        ) -> ApiResult<Page<PublicCard>>
        + Send
        + 'static,
    Entries: FnOnce(&mut DbConnection, Vec<(PublicCard, Option<String>)>) -> ApiResult<Vec<T>>
        + Send
        + 'static,
{
    let (after, limit) = page_request(listing.cursor.as_deref(), listing.limit)?;
    let asked = [
        ("q", listing.q.as_deref()),
        ("category", listing.category.as_deref()),
    ];
    for (name, value) in asked.iter().chain(texts) {
        if let Some(value) = value {
            super::check_query_text(name, value)?;
        }
    }
    let search = listing.q.filter(|t| !t.trim().is_empty());
    let _permit = state.search_turn(search.is_some()).await?;
    let category = listing.category;
    let body = state
        .db(move |conn| {
            let category_id = match &category {
                None => None,
                Some(c) => match crate::services::categories::resolve_id(conn, c)? {
                    Some(id) => Some(id),
                    // An unknown category holds nothing.
                    None => return Ok(list(Vec::new(), None)),
                },
            };
            let (cards, next) = match search {
                Some(text) => {
                    let offset = super::search_offset(after.as_deref())?;
                    let scope = SearchScope {
                        kind: Some(kind.as_str()),
                        category_id: category_id.as_deref(),
                    };
                    let page = projection::search(conn, &text, scope, offset, limit)?;
                    let cards = page
                        .items
                        .into_iter()
                        .map(|hit| (hit.item, Some(hit.snippet)))
                        .collect();
                    (cards, page.next_after)
                }
                None => {
                    let after = super::time_cursor(after)?;
                    let page = filtered(conn, category_id.as_deref(), after, limit)?;
                    let cards = page.items.into_iter().map(|card| (card, None)).collect();
                    (cards, page.next_after)
                }
            };
            let items = entries(conn, cards)?;
            Ok(list(items, next.as_deref().map(encode_cursor)))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE))
        .json(body))
}

/// A published item of `kind` by id or slug, as `build` makes it: 200, or 301 from a slug it
/// had before to `/api/v1/{kind}/{slug}`, or 404.
pub async fn item<R, Build>(
    state: &AppState,
    kind: ContentKind,
    id: String,
    build: Build,
) -> ApiResult<HttpResponse>
where
    R: Serialize + Send + 'static,
    Build: FnOnce(&mut DbConnection, PublicItem) -> ApiResult<R> + Send + 'static,
{
    let found = state
        .db(move |conn| {
            Ok(match projection::get(conn, kind.as_str(), &id)? {
                Lookup::Found(item) => Lookup::Found(build(conn, item)?),
                Lookup::Moved(slug) => Lookup::Moved(slug),
            })
        })
        .await?;
    Ok(match found {
        Lookup::Found(body) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE))
            .json(body),
        Lookup::Moved(slug) => HttpResponse::MovedPermanently()
            .insert_header((header::LOCATION, format!("/api/v1/{}/{slug}", kind.path())))
            .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE))
            .finish(),
    })
}
