//! Links to other sites for the public: every published link, grouped, in one request.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::public_articles::PUBLIC_CACHE;
use super::utc;
use crate::db::content::PublicCard;
use crate::domain::category::ContentKind;
use crate::domain::links::LinkGroup;
use crate::error::{ApiResult, ProblemDetails};
use crate::services::editorial::read_fields;
use crate::services::links::{self, LinkFields};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_links).service(get_link);
}

/// A published link.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicLink {
    pub id: String,
    pub slug: String,
    /// The text the link shows.
    pub title: String,
    pub url: String,
    pub group: LinkGroup,
    pub order: i32,
    pub logo_media_id: Option<String>,
    pub description: String,
    pub category_id: String,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PublicLink {
    pub(super) fn of(card: PublicCard) -> ApiResult<Self> {
        let f: LinkFields = read_fields(&card.card)?;
        Ok(PublicLink {
            id: card.item_id,
            slug: card.slug,
            title: card.title,
            url: f.url,
            group: f.group,
            order: f.order,
            logo_media_id: f.logo_media_id,
            description: f.description,
            category_id: card.category_id,
            published_at: utc(card.published_at),
            updated_at: utc(card.updated_at),
        })
    }
}

/// A group of links, as a portal shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicLinkGroup {
    pub group: LinkGroup,
    /// `Trung ương`, `Tỉnh`, `Huyện`, `Trường trong huyện`, `Khác`.
    pub label: String,
    pub items: Vec<PublicLink>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicLinkList {
    /// The groups that have published links, in portal order.
    pub groups: Vec<PublicLinkGroup>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicLinkQuery {
    /// Only this group.
    pub group: Option<LinkGroup>,
}

/// Every published link, grouped (central, province, district, the district's schools,
/// other), each group in its order.
#[utoipa::path(
    tag = "links",
    params(PublicLinkQuery),
    responses(
        (status = 200, description = "The published links, grouped", body = PublicLinkList),
        (status = 400, description = "Bad filter", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/links")]
pub async fn list_links(
    state: web::Data<AppState>,
    query: web::Query<PublicLinkQuery>,
) -> ApiResult<HttpResponse> {
    let group = query.into_inner().group;
    let rows = state
        .db(move |conn| links::list_public(conn, group))
        .await?;
    let mut groups: Vec<PublicLinkGroup> = Vec::new();
    for (group, card) in rows {
        let link = PublicLink::of(card)?;
        match groups.last_mut() {
            Some(g) if g.group == group => g.items.push(link),
            _ => groups.push(PublicLinkGroup {
                group,
                label: group.name().to_owned(),
                items: vec![link],
            }),
        }
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, PUBLIC_CACHE))
        .json(PublicLinkList { groups }))
}

/// A published link by id or slug; an old slug redirects.
#[utoipa::path(
    tag = "links",
    params(("id" = String, Path, description = "Link id or slug")),
    responses(
        (status = 200, description = "The published link", body = PublicLink),
        (status = 301, description = "An old slug: `Location` names the current URL"),
        (status = 404, description = "No published link there", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/links/{id}")]
pub async fn get_link(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    super::public::item(&state, ContentKind::Link, id.into_inner(), |_, item| {
        PublicLink::of(item.into_card())
    })
    .await
}
