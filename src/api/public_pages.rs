//! The school's pages for the public: the whole navigation tree in one request, and a page
//! with its place in it (breadcrumbs, children).

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use super::public_articles::PUBLIC_CACHE;
use super::utc;
use crate::db::DbConnection;
use crate::db::content::PublicItem;
use crate::domain::category::ContentKind;
use crate::domain::pages::Node;
use crate::error::{ApiResult, ProblemDetails};
use crate::services::pages::{self, Entry, PageFields};
use crate::services::projection::public_fields;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(page_tree).service(get_page);
}

/// A page in the navigation tree.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicPageNode {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub position: i32,
    /// The published pages under it, in order.
    #[schema(no_recursion)]
    pub children: Vec<PublicPageNode>,
}

impl From<Node<Entry>> for PublicPageNode {
    fn from(n: Node<Entry>) -> Self {
        PublicPageNode {
            id: n.item.id,
            slug: n.item.slug,
            title: n.item.title,
            summary: n.item.summary,
            position: n.item.position,
            children: n.children.into_iter().map(Self::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicPageTree {
    /// The top-level pages, each with the pages under it.
    pub items: Vec<PublicPageNode>,
}

/// Another page, as a link.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicPageLink {
    pub id: String,
    pub slug: String,
    pub title: String,
}

impl From<&Entry> for PublicPageLink {
    fn from(e: &Entry) -> Self {
        PublicPageLink {
            id: e.id.clone(),
            slug: e.slug.clone(),
            title: e.title.clone(),
        }
    }
}

/// A published page, with its place in the tree.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicPageResponse {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// Sanitised HTML.
    pub body: String,
    pub cover_media_id: Option<String>,
    pub category_id: String,
    pub position: i32,
    /// The published pages above it, from the top; empty at the top level.
    pub breadcrumbs: Vec<PublicPageLink>,
    /// The published pages right under it, in order.
    pub children: Vec<PublicPageLink>,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The navigation tree: every published page, under its parent, siblings in order.
#[utoipa::path(
    tag = "pages",
    responses(
        (status = 200, description = "The tree of published pages", body = PublicPageTree),
    )
)]
#[get("/pages")]
pub async fn page_tree(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let tree = state.db(pages::tree).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE))
        .json(PublicPageTree {
            items: tree.into_iter().map(PublicPageNode::from).collect(),
        }))
}

/// A published page by id or slug; an old slug redirects.
#[utoipa::path(
    tag = "pages",
    params(("id" = String, Path, description = "Page id or slug (`gioi-thieu-chung`)")),
    responses(
        (status = 200, description = "The published page", body = PublicPageResponse),
        (status = 301, description = "An old slug: `Location` names the current URL"),
        (status = 404, description = "No published page there", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/pages/{id}")]
pub async fn get_page(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    super::public::item(&state, ContentKind::Page, id.into_inner(), page_of).await
}

/// A published page with its breadcrumbs and children, from the published pages.
pub(super) fn page_of(conn: &mut DbConnection, item: PublicItem) -> ApiResult<PublicPageResponse> {
    let f: PageFields = public_fields(&item.card, &item.detail)?;
    let all = pages::entries(conn)?;
    let mut breadcrumbs = Vec::new();
    let mut up = f.parent_id.clone();
    while let Some(parent) = up.take() {
        let Some(e) = all.iter().find(|e| e.id == parent) else {
            break;
        };
        if e.id == item.item_id || breadcrumbs.len() > all.len() {
            break;
        }
        breadcrumbs.push(PublicPageLink::from(e));
        up = e.parent_id.clone();
    }
    breadcrumbs.reverse();
    let children = all
        .iter()
        .filter(|e| e.parent_id.as_deref() == Some(item.item_id.as_str()))
        .map(PublicPageLink::from)
        .collect();
    Ok(PublicPageResponse {
        id: item.item_id,
        slug: item.slug,
        title: item.title,
        summary: f.summary,
        body: f.body,
        cover_media_id: f.cover_media_id,
        category_id: item.category_id,
        position: f.position,
        breadcrumbs,
        children,
        published_at: utc(item.published_at),
        updated_at: utc(item.updated_at),
    })
}
