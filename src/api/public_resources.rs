//! The public library of teaching resources: the list with its filters (type, subject,
//! grade, school year) and a resource with its files and authors.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

use super::public_documents::PublicDocumentFile;
use super::utc;
use crate::db::DbConnection;
use crate::db::content::{PublicCard, PublicItem};
use crate::domain::category::ContentKind;
use crate::domain::resources::{AwardLevel, ResourceType};
use crate::error::{ApiResult, ProblemDetails};
use crate::services::documents;
use crate::services::editorial::read_fields;
use crate::services::projection::public_fields;
use crate::services::resources::{self, Author, ResourceFields};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_resources).service(get_resource);
}

/// An author as the public sees them.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicResourceAuthor {
    pub name: String,
    /// A member of the school's staff (an account), not a name written in.
    pub staff: bool,
}

/// A resource in the public list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicResourceSummary {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub resource_type: ResourceType,
    /// `Sáng kiến kinh nghiệm`, `Bài giảng điện tử`, …
    pub type_label: String,
    pub authors: Vec<PublicResourceAuthor>,
    pub school_year: String,
    pub subject: String,
    pub grade: Option<i32>,
    pub summary: String,
    pub award: Option<AwardLevel>,
    /// `Cấp trường`, `Cấp huyện`, `Cấp tỉnh`.
    pub award_label: Option<String>,
    pub category_id: String,
    pub published_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Search only: the matching passage, HTML-escaped, matches in `<mark>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
}

/// A published resource with its files.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicResourceResponse {
    #[serde(flatten)]
    pub summary: PublicResourceSummary,
    pub files: Vec<PublicDocumentFile>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicResourceList {
    pub items: Vec<PublicResourceSummary>,
    pub next_cursor: Option<String>,
}

/// The resource fields a list shows (`Kind::LISTED`).
#[derive(Deserialize)]
struct ResourceCard {
    resource_type: ResourceType,
    authors: Vec<Author>,
    school_year: String,
    subject: String,
    grade: Option<i32>,
    summary: String,
    award: Option<AwardLevel>,
}

fn summaries(
    conn: &mut DbConnection,
    cards: Vec<(PublicCard, Option<String>)>,
) -> ApiResult<Vec<PublicResourceSummary>> {
    let parsed: Vec<(PublicCard, Option<String>, ResourceCard)> = cards
        .into_iter()
        .map(|(c, s)| Ok((read_fields(&c.card)?, c, s)))
        .map(|r: ApiResult<(ResourceCard, PublicCard, Option<String>)>| {
            r.map(|(f, c, s)| (c, s, f))
        })
        .collect::<ApiResult<_>>()?;
    let ids: Vec<String> = parsed
        .iter()
        .flat_map(|(_, _, f)| f.authors.iter().filter_map(|a| a.user_id.clone()))
        .collect();
    let staff = resources::staff_names(conn, &ids)?;
    Ok(parsed
        .into_iter()
        .map(|(card, snippet, f)| PublicResourceSummary {
            id: card.item_id,
            slug: card.slug,
            title: card.title,
            type_label: f.resource_type.name().to_owned(),
            resource_type: f.resource_type,
            authors: f
                .authors
                .iter()
                .filter_map(|a| match (&a.user_id, &a.name) {
                    (Some(id), _) => {
                        staff
                            .iter()
                            .find(|(s, _)| s == id)
                            .map(|(_, name)| PublicResourceAuthor {
                                name: name.clone(),
                                staff: true,
                            })
                    }
                    (None, Some(name)) => Some(PublicResourceAuthor {
                        name: name.clone(),
                        staff: false,
                    }),
                    (None, None) => None,
                })
                .collect(),
            school_year: f.school_year,
            subject: f.subject,
            grade: f.grade,
            summary: f.summary,
            award_label: f.award.map(|a| a.name().to_owned()),
            award: f.award,
            category_id: card.category_id,
            published_at: utc(card.published_at),
            updated_at: utc(card.updated_at),
            snippet,
        })
        .collect())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicResourceQuery {
    /// Full-text search over the title, type, subject, summary, year and authors' names,
    /// diacritics optional; ranked by relevance instead of date.
    pub q: Option<String>,
    pub resource_type: Option<ResourceType>,
    /// Môn học, as written or folded (`Tiếng Việt`, `tieng-viet`).
    pub subject: Option<String>,
    pub grade: Option<i32>,
    /// `2025-2026`.
    pub school_year: Option<String>,
    /// Category id or slug.
    pub category: Option<String>,
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
}

/// Published teaching resources, newest first (or ranked with `q`), filtered.
#[utoipa::path(
    tag = "resources",
    params(PublicResourceQuery),
    responses(
        (status = 200, description = "One page of published resources", body = PublicResourceList),
        (status = 400, description = "Bad filter, limit or cursor", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/resources")]
pub async fn list_resources(
    state: web::Data<AppState>,
    query: web::Query<PublicResourceQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let filter = resources::PublicFilter {
        resource_type: q.resource_type,
        subject: q.subject.clone(),
        grade: q.grade,
        school_year: q.school_year.clone(),
        category_id: None,
    };
    let listing = super::public::Listing {
        q: q.q,
        category: q.category,
        cursor: q.cursor,
        limit: q.limit,
    };
    super::public::list(
        &state,
        ContentKind::Resource,
        listing,
        &[
            ("subject", q.subject.as_deref()),
            ("school_year", q.school_year.as_deref()),
        ],
        move |conn, category_id, after, limit| {
            let filter = resources::PublicFilter {
                category_id: category_id.map(str::to_owned),
                ..filter
            };
            resources::list_public(conn, &filter, after, limit)
        },
        summaries,
        |items, next_cursor| PublicResourceList { items, next_cursor },
    )
    .await
}

pub(super) fn public_resource(
    conn: &mut DbConnection,
    item: PublicItem,
) -> ApiResult<PublicResourceResponse> {
    let fields: ResourceFields = public_fields(&item.card, &item.detail)?;
    let files = documents::files(conn, &fields.file_ids)?
        .iter()
        .map(PublicDocumentFile::of)
        .collect();
    let summary = summaries(conn, vec![(item.into_card(), None)])?
        .pop()
        .expect("one card gives one summary");
    Ok(PublicResourceResponse { summary, files })
}

/// A published resource by id or slug; an old slug redirects.
#[utoipa::path(
    tag = "resources",
    params(("id" = String, Path, description = "Resource id or slug")),
    responses(
        (status = 200, description = "The published resource", body = PublicResourceResponse),
        (status = 301, description = "An old slug: `Location` names the current URL"),
        (status = 404, description = "No published resource there", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
#[get("/resources/{id}")]
pub async fn get_resource(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    super::public::item(
        &state,
        ContentKind::Resource,
        id.into_inner(),
        public_resource,
    )
    .await
}
