//! Atom feeds of published articles and documents (all, or one category's) and the sitemap of
//! every public item, for the public site, readers and search engines. Links go to the public
//! site (`TTDT_PUBLIC_BASE_URL`): `{base}/{kind}/{slug}`. Every answer has an `ETag` and
//! answers `If-None-Match` with 304 (the ETag middleware).

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use atom_syndication::{
    CategoryBuilder, EntryBuilder, FeedBuilder, FixedDateTime, LinkBuilder, PersonBuilder,
    Text as AtomText,
};
use chrono::NaiveDateTime;
use quick_xml::escape::escape;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use super::public_articles::PUBLIC_CACHE;
use crate::domain::category::ContentKind;
use crate::error::{ApiError, ApiResult, ProblemDetails};
use crate::services::public::{self as projection, SitemapEntry};
use crate::state::AppState;

/// Entries in a feed: the newest.
const FEED_ENTRIES: usize = 50;

/// URLs per sitemap file, the protocol's limit; past it, `/sitemap.xml` is an index.
pub const SITEMAP_URLS: i64 = 50_000;

const ATOM: &str = "application/atom+xml; charset=utf-8";
const XML: &str = "application/xml; charset=utf-8";

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(articles_atom).service(documents_atom);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// Only this category (id or slug).
    pub category: Option<String>,
}

fn fixed(t: NaiveDateTime) -> FixedDateTime {
    t.and_utc().fixed_offset()
}

/// The public site's address of an item.
fn public_url(state: &AppState, kind: ContentKind, slug: &str) -> String {
    format!("{}/{}/{slug}", state.settings.public_base_url, kind.path())
}

async fn atom(
    state: web::Data<AppState>,
    kind: ContentKind,
    category: Option<String>,
) -> ApiResult<HttpResponse> {
    if let Some(c) = &category {
        super::check_query_text("category", c)?;
    }
    let found = state
        .db(move |conn| {
            let category = match &category {
                None => None,
                Some(c) => Some(crate::services::categories::get(conn, c)?),
            };
            let id = category.as_ref().map(|c| c.id.clone());
            let page = projection::list(
                conn,
                kind.as_str(),
                id.as_deref(),
                (None, None),
                None,
                FEED_ENTRIES,
            )?;
            Ok((category, page.items))
        })
        .await?;
    let (category, cards) = found;
    let heading = match kind {
        ContentKind::Document => "Văn bản",
        _ => "Tin bài",
    };
    let base = &state.settings.public_base_url;
    let (title, self_path, site) = match &category {
        Some(c) => (
            format!("{} — {heading}: {}", state.settings.school_name, c.name),
            format!("/api/v1/feeds/{}.atom?category={}", kind.path(), c.slug),
            format!("{base}/{}?category={}", kind.path(), c.slug),
        ),
        None => (
            format!("{} — {heading}", state.settings.school_name),
            format!("/api/v1/feeds/{}.atom", kind.path()),
            format!("{base}/{}", kind.path()),
        ),
    };
    let updated = cards
        .iter()
        .map(|c| c.updated_at)
        .max()
        .unwrap_or(chrono::DateTime::UNIX_EPOCH.naive_utc());
    let entries = cards
        .into_iter()
        .map(|c| {
            EntryBuilder::default()
                .id(format!("urn:uuid:{}", c.item_id))
                .title(AtomText::plain(c.title))
                .updated(fixed(c.updated_at))
                .published(Some(fixed(c.published_at)))
                .summary(Some(AtomText::plain(c.summary)))
                .authors(vec![PersonBuilder::default().name(c.author_name).build()])
                .categories(vec![CategoryBuilder::default().term(c.category_id).build()])
                .links(vec![
                    LinkBuilder::default()
                        .href(public_url(&state, kind, &c.slug))
                        .rel("alternate")
                        .build(),
                ])
                .build()
        })
        .collect::<Vec<_>>();
    let feed = FeedBuilder::default()
        .id(format!("{base}{self_path}"))
        .title(AtomText::plain(title))
        .updated(fixed(updated))
        .lang(Some("vi".to_owned()))
        .links(vec![
            LinkBuilder::default().href(site).rel("alternate").build(),
            LinkBuilder::default()
                .href(self_path)
                .rel("self")
                .mime_type(Some("application/atom+xml".to_owned()))
                .build(),
        ])
        .entries(entries)
        .build();
    Ok(HttpResponse::Ok()
        .content_type(ATOM)
        .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE))
        .body(feed.to_string()))
}

/// The newest published articles as an Atom feed, all or one category's.
#[utoipa::path(
    tag = "sync",
    params(FeedQuery),
    responses(
        (status = 200, description = "An Atom 1.0 feed of the 50 newest articles", content_type = "application/atom+xml", body = String),
        (status = 404, description = "No such category", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/feeds/articles.atom")]
pub async fn articles_atom(
    state: web::Data<AppState>,
    query: web::Query<FeedQuery>,
) -> ApiResult<HttpResponse> {
    atom(state, ContentKind::Article, query.into_inner().category).await
}

/// The newest published documents as an Atom feed, all or one category's.
#[utoipa::path(
    tag = "sync",
    params(FeedQuery),
    responses(
        (status = 200, description = "An Atom 1.0 feed of the 50 newest documents", content_type = "application/atom+xml", body = String),
        (status = 404, description = "No such category", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/feeds/documents.atom")]
pub async fn documents_atom(
    state: web::Data<AppState>,
    query: web::Query<FeedQuery>,
) -> ApiResult<HttpResponse> {
    atom(state, ContentKind::Document, query.into_inner().category).await
}

fn urlset(state: &AppState, entries: Vec<SitemapEntry>) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (kind, slug, updated) in entries {
        let Some(kind) = ContentKind::parse(&kind) else {
            continue;
        };
        xml.push_str(&format!(
            "<url><loc>{}</loc><lastmod>{}</lastmod></url>\n",
            escape(public_url(state, kind, &slug).as_str()),
            updated.and_utc().format("%Y-%m-%dT%H:%M:%SZ"),
        ));
    }
    xml.push_str("</urlset>\n");
    xml
}

fn xml(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(XML)
        .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE))
        .body(body)
}

/// Every public item's page on the public site, with `lastmod`; past 50,000 items, an index
/// of `/sitemap-1.xml`, `/sitemap-2.xml`, … of 50,000 each.
#[utoipa::path(
    tag = "sync",
    responses((status = 200, description = "A sitemap (`urlset`), or a sitemap index past 50,000 URLs", content_type = "application/xml", body = String))
)]
#[get("/sitemap.xml")]
pub async fn sitemap(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let count = state.db(projection::count_public).await?;
    if count <= SITEMAP_URLS {
        let entries = state
            .db(|conn| projection::sitemap_page(conn, 0, SITEMAP_URLS))
            .await?;
        return Ok(xml(urlset(&state, entries)));
    }
    let files = (count + SITEMAP_URLS - 1) / SITEMAP_URLS;
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for n in 1..=files {
        index.push_str(&format!(
            "<sitemap><loc>{}</loc></sitemap>\n",
            escape(format!("{}/sitemap-{n}.xml", state.settings.public_base_url).as_str())
        ));
    }
    index.push_str("</sitemapindex>\n");
    Ok(xml(index))
}

/// One file of a split sitemap (from 1).
#[utoipa::path(
    tag = "sync",
    params(("n" = i64, Path, description = "The file's number, from 1")),
    responses(
        (status = 200, description = "A sitemap (`urlset`) of up to 50,000 URLs", content_type = "application/xml", body = String),
        (status = 404, description = "No such file", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/sitemap-{n}.xml")]
pub async fn sitemap_file(
    state: web::Data<AppState>,
    n: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let n = n.into_inner();
    let count = state.db(projection::count_public).await?;
    if n < 1 || (n - 1) * SITEMAP_URLS >= count.max(1) {
        return Err(ApiError::not_found());
    }
    let entries = state
        .db(move |conn| projection::sitemap_page(conn, n - 1, SITEMAP_URLS))
        .await?;
    Ok(xml(urlset(&state, entries)))
}
